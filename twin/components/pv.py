"""Photovoltaic arrays: specification and hourly AC output per kWp of DC capacity.

The yield model is the PVWatts v5 chain [1]_ as implemented in pvlib [2]_:
Perez transposition, physical (glass cover) incidence-angle modifier on the beam,
SAPM or PVsyst cell temperature, the PVWatts DC model with a linear temperature
coefficient, a lumped DC loss and the PVWatts inverter curve with clipping at the
AC rating set by the DC/AC ratio.

Time convention: the weather rows are labelled at the **start** of each hour and
hold hourly means, so the sun position is evaluated at mid-hour (label + 30 min).
The result is indexed like the weather.

References
----------
.. [1] A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014.
.. [2] K. S. Anderson et al., "pvlib python: 2023 project update", Journal of
   Open Source Software 8(92), 5994, 2023. doi:10.21105/joss.05994
.. [3] D. L. King, W. E. Boyson, J. A. Kratochvil, "Photovoltaic Array Performance
   Model", SAND2004-3535, Sandia National Laboratories, 2004 (cell temperature).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, model_validator

from twin.components.life import ExistingLife

Mounting = Literal["roof", "carport", "ground", "facade"]
TemperatureModel = Literal[
    "open_rack_glass_glass",
    "close_mount_glass_glass",
    "open_rack_glass_polymer",
    "insulated_back_glass_polymer",
    "pvsyst_freestanding",
    "pvsyst_semi_integrated",
    "pvsyst_insulated",
]

#: Module power per module area at STC [kW/m2] (1000 W/m2 irradiance times efficiency).
STC_IRRADIANCE_KW_PER_M2 = 1.0

#: Mounting-dependent defaults. These are engineering assumptions, not standards:
#: the user should override them from the layout drawing.
#:
#: * tilt: flat/low-pitch metal roofs of Chinese factory halls carry modules
#:   flush or on low racks (assumption 10 deg); carport roofs 5 deg; facades are
#:   vertical; ground arrays use the tilt that maximises annual plane-of-array
#:   irradiation for the site weather (``optimal_tilt_deg``).
#: * ground coverage ratio (module area / usable area): ground rows 0.4 (PVWatts
#:   v5 default GCR [1]); roofs 0.7 (walkways, setbacks, fire lanes; assumption);
#:   carports 0.9 (canopy is mostly module); facades 0.6 (windows, openings;
#:   assumption).
#: * cell temperature model (pvlib SAPM parameter sets [3]): roof flush-mounted
#:   on metal sheet -> close_mount_glass_glass; carport and ground racks ->
#:   open_rack_glass_glass (glass-glass modules dominate Chinese 2024 shipments;
#:   assumption); facade (building-integrated, back ventilated poorly) ->
#:   insulated_back_glass_polymer.
MOUNTING_DEFAULTS: dict[str, dict[str, float | str | None]] = {
    "roof": {"tilt_deg": 10.0, "ground_coverage_ratio": 0.7,
             "temperature_model": "close_mount_glass_glass"},
    "carport": {"tilt_deg": 5.0, "ground_coverage_ratio": 0.9,
                "temperature_model": "open_rack_glass_glass"},
    "ground": {"tilt_deg": None, "ground_coverage_ratio": 0.4,
               "temperature_model": "open_rack_glass_glass"},
    "facade": {"tilt_deg": 90.0, "ground_coverage_ratio": 0.6,
               "temperature_model": "insulated_back_glass_polymer"},
}


class PVArraySpec(ExistingLife):
    """One PV array (a roof, carport, ground field or facade) that the optimiser may size.

    Either ``area_m2`` or ``max_kwp`` (or both) bounds the capacity; see
    :meth:`capacity_limit_kwp`. Fields left at ``None`` take the mounting default
    from :data:`MOUNTING_DEFAULTS` when the spec is validated (``tilt_deg`` of a
    ground array stays ``None`` and is optimised for the site weather).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Unique array name [-], used as the 'pv_array' coordinate")
    mounting: Mounting = Field(
        default="roof", description="Mounting type [-]: roof, carport, ground or facade")
    area_m2: float | None = Field(
        default=None, gt=0,
        le=1e7, description="Usable area for the array (roof/land/facade footprint) [m2]; "
                    "capacity from area = area_m2 * ground_coverage_ratio * module_efficiency "
                    "* 1 kW/m2")
    max_kwp: float | None = Field(
        default=None, ge=0,
        le=2e6, description="Upper bound on the DC capacity [kWp] (e.g. roof load or grid-connection "
                    "limit); at least one of area_m2 and max_kwp is required")
    min_kwp: float = Field(default=0.0, ge=0, le=2e6, description="Lower bound on the DC capacity [kWp]")
    existing_kwp: float = Field(
        default=0.0, ge=0, le=2e6, description="Already installed DC capacity (no capex) [kWp]")
    tilt_deg: float | None = Field(
        default=None, ge=0, le=90,
        description="Module tilt from horizontal [deg]; None = mounting default (roof 10, "
                    "carport 5, facade 90, ground: site-optimal tilt from the weather)")
    azimuth_deg: float = Field(
        default=180.0, ge=0, lt=360,
        description="Module azimuth, pvlib convention [deg]: 0 = north, 90 = east, 180 = south")
    module_efficiency: float = Field(
        default=0.21, gt=0, lt=0.5,
        description="Module STC efficiency [-] for converting module area to kWp; 0.21 is "
                    "typical of 2024 mono-PERC/TOPCon modules (datasheets 20.5-22.5 %)")
    ground_coverage_ratio: float | None = Field(
        default=None, gt=0, le=1,
        description="Module area per usable area [-] (packing factor); None = mounting default "
                    "(ground 0.4 as PVWatts v5, roof 0.7, carport 0.9, facade 0.6)")
    dc_ac_ratio: float = Field(
        default=1.2, gt=0.5, le=2.0,
        description="DC/AC (inverter loading) ratio [-]; PVWatts v5 default 1.2 (Dobos 2014)")
    inverter_efficiency: float = Field(
        default=0.96, gt=0.5, le=1.0,
        description="Nominal inverter efficiency [-]; PVWatts v5 default 0.96 (Dobos 2014)")
    system_losses_pct: float = Field(
        default=14.08, ge=0, lt=100,
        description="Lumped DC system losses [%] (soiling, shading, mismatch, wiring, LID, "
                    "nameplate, availability); PVWatts v5 default 14.08 % (Dobos 2014)")
    temperature_model: TemperatureModel | None = Field(
        default=None,
        description="Cell temperature model parameter set [-] (pvlib SAPM or PVsyst names; "
                    "'pvsyst_*' use the PVsyst model); None = mounting default")
    gamma_pdc: float = Field(
        default=-0.35, lt=0, gt=-1,
        description="Temperature coefficient of DC power [%/K]; PVWatts v5 'premium' module "
                    "-0.35 %/K (Dobos 2014)")
    albedo: float = Field(
        default=0.2, ge=0, le=1, description="Ground reflectance [-]; PVWatts default 0.2")

    @model_validator(mode="before")
    @classmethod
    def _mounting_defaults(cls, data):
        if isinstance(data, dict):
            data = dict(data)
            mounting = data.get("mounting", "roof")
            # a non-text mounting (e.g. a list) is left to the Literal check to report
            defaults = MOUNTING_DEFAULTS.get(mounting, {}) if isinstance(mounting, str) else {}
            for key, value in defaults.items():
                if data.get(key) is None and value is not None:
                    data[key] = value
        return data

    @model_validator(mode="after")
    def _check_bounds(self):
        if 0 < self.system_losses_pct < 1:
            # the lumped losses of a real plant are several per cent (PVWatts 14.08 %): below 1 % is a
            # share written where the field wants per cent (0.14 for 14 %), which would add ~16 % yield
            raise ValueError(
                f"PV array {self.name!r}: system_losses_pct {self.system_losses_pct:g} is in per cent and looks "
                f"like a share ({self.system_losses_pct:g} = {100 * self.system_losses_pct:g} %): give "
                f"{100 * self.system_losses_pct:g} (or 0 for no losses)")
        if self.area_m2 is None and self.max_kwp is None:
            raise ValueError(f"PV array {self.name!r}: give area_m2 or max_kwp (or both)")
        limit = self.capacity_limit_kwp()
        if self.min_kwp > limit + 1e-9:
            raise ValueError(
                f"PV array {self.name!r}: min_kwp {self.min_kwp} exceeds the capacity limit "
                f"{limit:.1f} kWp")
        if self.existing_kwp > limit + 1e-9:
            raise ValueError(
                f"PV array {self.name!r}: existing_kwp {self.existing_kwp} exceeds the capacity "
                f"limit {limit:.1f} kWp")
        return self

    def area_limited_kwp(self) -> float:
        """DC capacity that fits on ``area_m2`` [kWp]; ``inf`` when no area is given."""
        return area_to_kwp(self.area_m2, self.module_efficiency, self.ground_coverage_ratio)

    def capacity_limit_kwp(self) -> float:
        """Upper bound on the array's DC capacity [kWp]: the tighter of area and ``max_kwp``."""
        limit = self.area_limited_kwp()
        if self.max_kwp is not None:
            limit = min(limit, self.max_kwp)
        return float(limit)


def area_to_kwp(area_m2, module_efficiency, ground_coverage_ratio):
    """DC capacity that fits on an area [kWp].

    ``kWp = area * GCR * eta_STC * 1 kW/m2``: the module area is the usable area times
    the ground coverage ratio (packing factor), and a module delivers its efficiency
    times 1000 W/m2 at standard test conditions (IEC 61215 STC).

    Parameters
    ----------
    area_m2 : float or array-like or None
        Usable area [m2]; ``None`` means unbounded.
    module_efficiency : float
        Module STC efficiency [-].
    ground_coverage_ratio : float
        Module area per usable area [-].

    Returns
    -------
    float or numpy.ndarray
        DC capacity [kWp] (``inf`` when ``area_m2`` is None).
    """
    if area_m2 is None:
        return float("inf")
    kwp = np.asarray(area_m2, dtype=float) * ground_coverage_ratio * module_efficiency \
        * STC_IRRADIANCE_KW_PER_M2
    return float(kwp) if kwp.ndim == 0 else kwp


#: Time zone assumed for timezone-naive model indices (project convention).
MODEL_TZ = "Asia/Shanghai"


def _aware(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The index as timezone-aware; naive indices are local model time (Asia/Shanghai)."""
    return index.tz_localize(MODEL_TZ) if index.tz is None else index


def _solar_position_mid_hour(index: pd.DatetimeIndex, latitude, longitude, elevation,
                             temp_air=None):
    import pvlib

    mid = _aware(index) + pd.Timedelta(minutes=30)
    kwargs = {}
    if temp_air is not None:
        kwargs["temperature"] = np.asarray(temp_air, dtype=float)
    sp = pvlib.solarposition.get_solarposition(mid, latitude, longitude, altitude=elevation,
                                               **kwargs)
    sp.index = index
    return sp


def optimal_tilt_deg(weather: pd.DataFrame, latitude: float, longitude: float,
                     elevation: float = 0.0, azimuth_deg: float = 180.0,
                     albedo: float = 0.2) -> float:
    """Fixed tilt that maximises annual plane-of-array irradiation for the given weather.

    Bounded scalar search (Brent) over 0-90 deg of the annual sum of Perez [4]_
    plane-of-array irradiance. Used as the default tilt of ground arrays.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``ghi, dni, dhi`` [W/m2] (and optionally ``temp_air`` [°C]),
        start-of-hour labels.
    latitude, longitude : float
        Site [deg north, deg east].
    elevation : float, default 0
        Site elevation [m].
    azimuth_deg : float, default 180
        Array azimuth [deg], pvlib convention.
    albedo : float, default 0.2
        Ground reflectance [-].

    Returns
    -------
    float
        Optimal tilt [deg], rounded to 0.5 deg.

    References
    ----------
    .. [4] R. Perez et al., "Modeling daylight availability and irradiance components
       from direct and global irradiance", Solar Energy 44(5), 271-289, 1990.
    """
    import pvlib
    from scipy.optimize import minimize_scalar

    sp = _solar_position_mid_hour(weather.index, latitude, longitude, elevation,
                                  weather.get("temp_air"))
    mid = _aware(weather.index) + pd.Timedelta(minutes=30)
    dni_extra = pd.Series(np.asarray(pvlib.irradiance.get_extra_radiation(mid)),
                          index=weather.index)
    airmass = pvlib.atmosphere.get_relative_airmass(sp["apparent_zenith"])

    def negative_poa(tilt):
        poa = pvlib.irradiance.get_total_irradiance(
            tilt, azimuth_deg, sp["apparent_zenith"], sp["azimuth"],
            weather["dni"], weather["ghi"], weather["dhi"], dni_extra=dni_extra,
            airmass=airmass, albedo=albedo, model="perez")
        return -float(poa["poa_global"].fillna(0.0).sum())

    res = minimize_scalar(negative_poa, bounds=(0.0, 90.0), method="bounded",
                          options={"xatol": 0.25})
    return float(np.round(res.x * 2.0) / 2.0)


def _temperature_setup(name: str) -> tuple[str, dict]:
    from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

    if name.startswith("pvsyst_"):
        return "pvsyst", dict(TEMPERATURE_MODEL_PARAMETERS["pvsyst"][name[len("pvsyst_"):]])
    return "sapm", dict(TEMPERATURE_MODEL_PARAMETERS["sapm"][name])


def resolved_tilt_deg(spec: PVArraySpec, weather: pd.DataFrame, latitude: float,
                      longitude: float, elevation: float = 0.0) -> float:
    """Tilt used for ``spec`` [deg]: its own, else the site-optimal tilt (ground arrays)."""
    if spec.tilt_deg is not None:
        return float(spec.tilt_deg)
    return optimal_tilt_deg(weather, latitude, longitude, elevation, spec.azimuth_deg,
                            spec.albedo)


def pv_ac_per_kwp(weather: pd.DataFrame, latitude: float, longitude: float,
                  elevation: float, spec: PVArraySpec) -> pd.Series:
    """Hourly AC output per kWp of installed DC capacity [kW/kWp].

    Runs a pvlib ``ModelChain`` with the PVWatts DC and AC models [1]_ for a
    1 kWp array: Perez transposition, physical IAM, SAPM/PVsyst cell temperature,
    ``pdc = G_eff/1000 * (1 + gamma_pdc (T_cell - 25))``, lumped DC losses
    ``system_losses_pct``, inverter AC rating ``1/dc_ac_ratio`` kW per kWp (clipping)
    with the PVWatts part-load efficiency curve. Night-time inverter consumption is
    set to zero (values are clipped at 0).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``ghi, dni, dhi`` [W/m2], ``temp_air`` [°C], ``wind_speed`` [m/s];
        index = start of each hour (tz-aware; a naive index is taken as Asia/Shanghai).
    latitude, longitude : float
        Site [deg north, deg east].
    elevation : float
        Site elevation [m].
    spec : PVArraySpec
        The array.

    Returns
    -------
    pandas.Series
        AC power per kWp DC [kW/kWp], indexed like ``weather``, name ``spec.name``.
        Its hourly mean equals energy per kWp in that hour [kWh/kWp].
    """
    from pvlib.location import Location
    from pvlib.modelchain import ModelChain
    from pvlib.pvsystem import PVSystem

    tilt = resolved_tilt_deg(spec, weather, latitude, longitude, elevation)
    temp_model, temp_params = _temperature_setup(spec.temperature_model)
    pdc0_w = 1000.0  # 1 kWp
    pac0_w = pdc0_w / spec.dc_ac_ratio
    losses = {k: 0.0 for k in ("soiling", "shading", "snow", "mismatch", "wiring",
                                "connections", "lid", "nameplate_rating", "age",
                                "availability")}
    losses["soiling"] = spec.system_losses_pct  # one lumped loss, PVWatts-style on DC
    system = PVSystem(
        surface_tilt=tilt, surface_azimuth=spec.azimuth_deg, albedo=spec.albedo,
        module_parameters={"pdc0": pdc0_w, "gamma_pdc": spec.gamma_pdc / 100.0},
        temperature_model_parameters=temp_params,
        inverter_parameters={"pdc0": pac0_w / spec.inverter_efficiency,
                             "eta_inv_nom": spec.inverter_efficiency},
        losses_parameters=losses,
    )
    aware = _aware(weather.index)
    location = Location(latitude, longitude, tz=str(aware.tz), altitude=elevation)
    mc = ModelChain(system, location, transposition_model="perez", dc_model="pvwatts",
                    ac_model="pvwatts", aoi_model="physical", spectral_model="no_loss",
                    temperature_model=temp_model, losses_model="pvwatts")
    cols = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    wx = weather[cols].copy()
    wx.index = aware + pd.Timedelta(minutes=30)  # sun at mid-hour
    mc.run_model(wx)
    ac_w = np.asarray(mc.results.ac, dtype=float)
    ac = np.clip(np.nan_to_num(ac_w, nan=0.0), 0.0, None) / pdc0_w
    return pd.Series(ac, index=weather.index, name=spec.name)


def pv_profiles(weather: pd.DataFrame, latitude: float, longitude: float,
                elevation: float, specs: list[PVArraySpec]):
    """Hourly AC output per kWp and capacity bounds of every array, as one Dataset.

    Parameters
    ----------
    weather : pandas.DataFrame
        As for :func:`pv_ac_per_kwp`.
    latitude, longitude, elevation : float
        Site [deg north, deg east, m].
    specs : list of PVArraySpec
        The arrays (unique names).

    Returns
    -------
    xarray.Dataset
        ``pv_ac_per_kwp(time, pv_array)`` [kW/kWp]; ``pv_kwp_min``, ``pv_kwp_max``,
        ``pv_kwp_existing(pv_array)`` [kWp]; ``pv_tilt_deg``, ``pv_azimuth_deg(pv_array)`` [deg].
    """
    import xarray as xr

    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"PV array names must be unique, got {names}")
    tilts = [resolved_tilt_deg(s, weather, latitude, longitude, elevation) for s in specs]
    cols = [pv_ac_per_kwp(weather, latitude, longitude, elevation,
                          s.model_copy(update={"tilt_deg": t}))
            for s, t in zip(specs, tilts)]
    data = np.column_stack(cols) if cols else np.zeros((len(weather.index), 0))
    time = weather.index.tz_localize(None) if weather.index.tz is not None else weather.index
    ds = xr.Dataset(coords={"time": time, "pv_array": names})
    ds["pv_ac_per_kwp"] = (("time", "pv_array"), data, {
        "units": "kW/kWp", "long_name": "PV AC output per kWp DC installed"})
    ds["pv_kwp_min"] = ("pv_array", [s.min_kwp for s in specs],
                        {"units": "kWp", "long_name": "Minimum DC capacity"})
    ds["pv_kwp_max"] = ("pv_array", [s.capacity_limit_kwp() for s in specs],
                        {"units": "kWp", "long_name": "Maximum DC capacity (area or cap)"})
    ds["pv_kwp_existing"] = ("pv_array", [s.existing_kwp for s in specs],
                             {"units": "kWp", "long_name": "Existing DC capacity"})
    ds["pv_tilt_deg"] = ("pv_array", tilts, {"units": "deg", "long_name": "Module tilt"})
    ds["pv_azimuth_deg"] = ("pv_array", [s.azimuth_deg for s in specs],
                            {"units": "deg", "long_name": "Module azimuth (180 = south)"})
    ds.attrs["time_zone"] = str(_aware(weather.index).tz)
    return ds
