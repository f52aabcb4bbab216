"""Heat side of the park: waste-heat sources, heat pumps, thermal storage, boilers, chillers.

All heat flows are in kW of heat (``q_..._kw``), temperatures in °C at the interface
and in K inside the Carnot relations. Figures without a published source are
labelled assumptions and are configurable spec fields.

References
----------
.. [1] O. Ruhnau, L. Hirth, A. Praktiknjo, "Time series of heat demand and heat pump
   efficiency for energy system modeling", Scientific Data 6, 189, 2019.
   doi:10.1038/s41597-019-0199-y
.. [2] C. Arpagaus, F. Bless, M. Uhlmann, J. Schiffmann, S. S. Bertsch, "High
   temperature heat pumps: market overview, state of the art, research status,
   refrigerants, and application potentials", Energy 152, 985-1010, 2018.
.. [3] docs/sources.md: [xjtu-cpes] (costs, COP figures), [sec-dc-heat-pump-2024] and
   [sec-waste-heat] (waste-heat availability), [twin-assumption] (ranges without a source).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.components.costs import AssetCost
from twin.components.life import ExistingLife

KELVIN = 273.15
#: Density of water at 60 °C [kg/m3] and specific heat [kJ/(kg K)] (IAPWS-95 values,
#: as tabulated e.g. in the VDI Heat Atlas): used for hot-water tank capacity.
WATER_DENSITY_KG_PER_M3 = 983.2
WATER_CP_KJ_PER_KG_K = 4.185

WasteHeatKind = Literal["process_cooling_water", "air_compressor", "flue_gas", "data_room",
                        "exhaust_air", "wastewater"]

#: Share of a screw compressor's electric input recoverable as hot water at 70-90 °C.
#: [sec-waste-heat]: 80-93 % of input becomes heat, the oil loop carries 72-80 % of
#: it at 80-100 °C; Chinese vendors quote oil/gas heat of about 60 % of input.
COMPRESSOR_RECOVERABLE_FRACTION = 0.6
#: Hot-water temperature reached from compressor oil heat [°C] (vendor figure, [sec-waste-heat]).
COMPRESSOR_WATER_TEMPERATURE_C = 75.0


# --------------------------------------------------------------------------- waste heat


class WasteHeatSourceSpec(BaseModel):
    """A waste-heat source: how much heat, when, and at what temperature.

    Recovered heat = raw heat x ``recoverable_share`` x ``recovery_efficiency``.
    The raw heat follows ``profile`` and is scaled either to ``available_kw`` (peak)
    or to ``annual_mwh`` (energy over the modelled year).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Source name [-]; heat pumps refer to it as their source")
    kind: WasteHeatKind = Field(description="Kind of waste-heat source [-]")
    available_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Peak raw waste-heat flow [kW] (profile maximum)")
    annual_mwh: float | None = Field(
        default=None, ge=0, le=1e7, description="Raw waste heat over the year [MWh] (alternative to "
                                        "available_kw)")
    profile: Literal["flat", "follows_process", "schedule", "csv"] = Field(
        default="flat",
        description="Shape of availability [-]: flat; follows_process (scaled process load "
                    "shape); schedule (on in schedule_hours); csv (hourly kW in csv_path)")
    schedule_hours: tuple[int, ...] = Field(
        default=tuple(range(8, 18)),
        description="Hours of day [h, 0-23] in which the source runs when profile='schedule'")
    csv_path: str | None = Field(
        default=None, description="CSV of hourly raw heat [kW] (column 'q_kw' or the only value column; "
                                  "8760 rows, or 35,040 quarter-hour rows), when profile='csv' [-]")
    temperature_c: float = Field(ge=0, le=1500, description="Supply temperature of the waste heat [°C]")
    outlet_temperature_c: float | None = Field(
        default=None,
        ge=0, le=1500, description="Temperature to which the stream can be cooled [°C]; the heat is spread "
                    "uniformly over [outlet, supply] (constant heat capacity), and a heat demand "
                    "gets directly only the part above its temperature + 5 K. None = all heat "
                    "available at temperature_c (isothermal, e.g. condensing)")
    recovery_efficiency: float = Field(
        default=0.9, gt=0, le=1,
        description="Heat-exchanger recovery efficiency [-] (assumption 0.9)")
    recoverable_share: float = Field(
        default=1.0, gt=0, le=1,
        description="Share of the raw heat that is technically accessible [-]")

    @model_validator(mode="after")
    def _check(self):
        if self.profile != "csv" and (self.available_kw is None) == (self.annual_mwh is None):
            raise ValueError(f"waste heat {self.name!r}: give exactly one of available_kw "
                             "and annual_mwh")
        if self.profile == "csv" and self.csv_path is None:
            raise ValueError(f"waste heat {self.name!r}: profile 'csv' needs csv_path")
        if self.outlet_temperature_c is not None and \
                self.outlet_temperature_c >= self.temperature_c:
            raise ValueError(f"waste heat {self.name!r}: outlet_temperature_c must be below "
                             "temperature_c")
        if any(not 0 <= h <= 23 for h in self.schedule_hours):
            raise ValueError("schedule_hours must lie in 0..23")
        return self

    @classmethod
    def from_compressor(cls, name: str, rated_electric_kw: float,
                        recoverable_fraction: float = COMPRESSOR_RECOVERABLE_FRACTION,
                        temperature_c: float = COMPRESSOR_WATER_TEMPERATURE_C,
                        **kwargs) -> WasteHeatSourceSpec:
        """Heat recovery from oil-injected screw air compressors.

        Peak recoverable heat = ``rated_electric_kw * recoverable_fraction``; the
        availability follows the process (compressors run with production). Defaults
        from [sec-waste-heat] (see :data:`COMPRESSOR_RECOVERABLE_FRACTION`).
        The compressor figure already is the recoverable share, so
        ``recoverable_share`` is 1 and ``recovery_efficiency`` defaults to 1.
        """
        kwargs.setdefault("profile", "follows_process")
        kwargs.setdefault("recovery_efficiency", 1.0)
        return cls(name=name, kind="air_compressor",
                   available_kw=rated_electric_kw * recoverable_fraction,
                   temperature_c=temperature_c, **kwargs)


def compressor_waste_heat_kw(electric_kw_profile,
                             recoverable_fraction=COMPRESSOR_RECOVERABLE_FRACTION):
    """Recoverable heat of air compressors from their electric power [kW].

    ``q = f_rec * p_el``; with ``f_rec`` = 0.6 (oil-circuit heat at 80-100 °C, [sec-waste-heat]: 80-93 % of input becomes heat, of which the oil loop carries 72-80 %).

    Parameters
    ----------
    electric_kw_profile : pandas.Series or array-like
        Compressor electric power [kW].
    recoverable_fraction : float, default 0.6
        Recoverable heat per electric input [-], in (0, 0.96].

    Returns
    -------
    pandas.Series or numpy.ndarray
        Recoverable heat [kW], same shape/index as the input.
    """
    if not 0 < recoverable_fraction <= 0.96:
        raise ValueError("recoverable_fraction must lie in (0, 0.96] (at most 96 % of the "
                         "input becomes heat, [sec-waste-heat])")
    if isinstance(electric_kw_profile, pd.Series):
        return electric_kw_profile.clip(lower=0.0) * recoverable_fraction
    return np.clip(np.asarray(electric_kw_profile, dtype=float), 0.0, None) * recoverable_fraction


def waste_heat_available_kw(spec: WasteHeatSourceSpec, index: pd.DatetimeIndex,
                            process_profile: pd.Series | None = None,
                            base_dir: str | Path | None = None) -> pd.Series:
    """Hourly recoverable waste heat of one source [kW].

    Parameters
    ----------
    spec : WasteHeatSourceSpec
        The source.
    index : pandas.DatetimeIndex
        Model hours (start-of-hour labels, Δt = 1 h).
    process_profile : pandas.Series, optional
        Process load [kW or any unit] on ``index``; needed for ``follows_process``.
    base_dir : path, optional
        Directory against which a relative ``csv_path`` is resolved.

    Returns
    -------
    pandas.Series
        Recoverable heat [kW] = raw heat x recoverable_share x recovery_efficiency.
    """
    n = len(index)
    if spec.profile == "flat":
        shape = np.ones(n)
    elif spec.profile == "follows_process":
        if process_profile is None:
            raise ValueError(f"waste heat {spec.name!r} follows the process: pass process_profile")
        shape = np.clip(np.asarray(process_profile.reindex(index), dtype=float), 0.0, None)
        if np.isnan(shape).any():
            raise ValueError("process_profile does not cover the model index")
    elif spec.profile == "schedule":
        shape = np.isin(index.hour, spec.schedule_hours).astype(float)
    else:  # csv: the file holds raw heat in kW
        path = Path(spec.csv_path)
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        from twin.hourly_csv import read_hourly_csv

        shape = read_hourly_csv(path, n, column="q_kw", what=f"raw waste heat of {spec.name!r} [kW]")
    if spec.profile == "csv" and spec.available_kw is None and spec.annual_mwh is None:
        raw = shape
    elif spec.available_kw is not None:
        peak = shape.max() if shape.size else 0.0
        raw = shape * (spec.available_kw / peak) if peak > 0 else shape * 0.0
    else:
        total = shape.sum()  # kWh over the year for Δt = 1 h
        raw = shape * (spec.annual_mwh * 1000.0 / total) if total > 0 else shape * 0.0
    q = raw * spec.recoverable_share * spec.recovery_efficiency
    return pd.Series(q, index=index, name=spec.name)


def heat_above_kw(q_kw, supply_c, outlet_c, threshold_c):
    """Part of a sensible waste-heat flow released above a temperature [kW].

    A stream with constant heat capacity releasing ``q`` while cooling from
    ``supply_c`` to ``outlet_c`` releases ``q * (T_s - T) / (T_s - T_o)`` above ``T``
    (clipped to [0, q]). ``outlet_c=None`` means isothermal: all or nothing.

    Parameters
    ----------
    q_kw : float or array-like
        Heat flow [kW].
    supply_c, outlet_c : float
        Stream supply and lowest outlet temperature [°C].
    threshold_c : float
        Temperature the heat must exceed [°C].

    Returns
    -------
    float or numpy.ndarray
        Heat above the threshold [kW].
    """
    q = np.asarray(q_kw, dtype=float)
    if outlet_c is None:
        frac = 1.0 if supply_c >= threshold_c else 0.0
    else:
        frac = float(np.clip((supply_c - threshold_c) / (supply_c - outlet_c), 0.0, 1.0))
    out = q * frac
    return float(out) if out.ndim == 0 else out


def hot_shares(supply_c: float, outlet_c: float | None, bus_temperatures_c: dict,
               approach_k: float = 5.0) -> dict[str, float]:
    """Share of a waste-heat stream's heat hot enough for each heat bus it feeds directly [-].

    :func:`heat_above_kw` of 1 kW above each bus's supply temperature plus the exchanger's approach
    (:func:`direct_use_possible`); only the buses where that is below 1 are listed (a stream without
    an outlet temperature, or cooled no lower than a bus's temperature plus the approach, gives that
    bus all its heat). Flue gas from 260 °C to 120 °C for 150 °C steam: (260 - 155) / (260 - 120) =
    0.75; for a 60 °C network: 1 (not listed).

    Parameters
    ----------
    supply_c, outlet_c : float
        Stream supply and lowest outlet temperature [°C] (``outlet_c`` None: isothermal).
    bus_temperatures_c : dict
        Supply temperature of each heat bus the stream feeds directly [°C], by bus name.
    approach_k : float, default 5
        Heat-exchanger approach [K].
    """
    out = {}
    for bus, t_c in bus_temperatures_c.items():
        f = float(heat_above_kw(1.0, float(supply_c), outlet_c, float(t_c) + approach_k))
        if f < 1.0:
            out[bus] = f
    return out


def direct_use_possible(source_c, sink_c, approach_k=5.0):
    """Whether waste heat can serve a sink directly through a heat exchanger.

    True where ``T_source >= T_sink + approach`` (second law with a finite
    heat-exchanger approach temperature difference).

    Parameters
    ----------
    source_c, sink_c : float or array-like
        Source and sink (supply) temperature [°C].
    approach_k : float, default 5
        Minimum temperature difference across the heat exchanger [K] (assumption; 5 K is
        a common design value for liquid-liquid plate exchangers).

    Returns
    -------
    bool or numpy.ndarray of bool
    """
    ok = np.asarray(source_c, dtype=float) >= np.asarray(sink_c, dtype=float) + approach_k
    return bool(ok) if ok.ndim == 0 else ok


def cascade_use(sources, demands, approach_k=5.0) -> pd.DataFrame:
    """Cascade (temperature-ordered) direct use of waste heat.

    Demands are served in descending temperature order (high grade first); each
    demand draws from the hottest sources first, and only the heat a source releases
    above ``T_demand + approach`` (see :func:`heat_above_kw`) counts. Heat taken for
    a hotter demand is removed from the source before the cooler demands are
    served, so a sensible stream is used step by step as it cools (e.g. flue gas ->
    process hot water -> DHW -> space heating -> preheating). What no demand can
    take is reported as ``unused`` and unmet demand as ``unmet`` (candidates for heat
    pumps).

    Parameters
    ----------
    sources : iterable of dict
        Each with ``name``, ``temperature_c``, ``energy_kwh`` and optionally
        ``outlet_temperature_c`` (None = isothermal).
    demands : iterable of dict
        Each with ``name``, ``temperature_c`` (required supply temperature) and
        ``energy_kwh``.
    approach_k : float, default 5
        Heat-exchanger approach [K].

    Returns
    -------
    pandas.DataFrame
        One row per stage with columns ``stage`` (1, 2, ... in order of use; 0 for
        unused/unmet rows), ``source``, ``demand``, ``source_temperature_c``,
        ``demand_temperature_c``, ``energy_kwh``, ``kind`` (``direct``, ``unused``,
        ``unmet``). Stage rows are in cascade order.
    """
    srcs = sorted((dict(s) for s in sources), key=lambda s: -s["temperature_c"])
    dems = sorted((dict(d) for d in demands), key=lambda d: -d["temperature_c"])
    used = {s["name"]: 0.0 for s in srcs}
    rows = []
    stage = 0
    for d in dems:
        need = float(d["energy_kwh"])
        for s in srcs:
            if need <= 0:
                break
            above = heat_above_kw(s["energy_kwh"], s["temperature_c"],
                                  s.get("outlet_temperature_c"), d["temperature_c"] + approach_k)
            take = min(need, max(above - used[s["name"]], 0.0))
            if take > 0:
                stage += 1
                used[s["name"]] += take
                need -= take
                rows.append({"stage": stage, "source": s["name"], "demand": d["name"],
                             "source_temperature_c": s["temperature_c"],
                             "demand_temperature_c": d["temperature_c"],
                             "energy_kwh": take, "kind": "direct"})
        if need > 1e-9:
            rows.append({"stage": 0, "source": None, "demand": d["name"],
                         "source_temperature_c": np.nan,
                         "demand_temperature_c": d["temperature_c"],
                         "energy_kwh": need, "kind": "unmet"})
    for s in srcs:
        rest = float(s["energy_kwh"]) - used[s["name"]]
        if rest > 1e-9:
            rows.append({"stage": 0, "source": s["name"], "demand": None,
                         "source_temperature_c": s["temperature_c"],
                         "demand_temperature_c": np.nan, "energy_kwh": rest,
                         "kind": "unused"})
    cols = ["stage", "source", "demand", "source_temperature_c", "demand_temperature_c",
            "energy_kwh", "kind"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- heat pumps


def heat_pump_cop(source_temp_c, sink_temp_c, carnot_efficiency=0.45, *,
                  source_approach_k=5.0, sink_approach_k=5.0, cop_max=8.0, cop_min=1.0):
    """Heat-pump COP from the Carnot relation with a constant Carnot efficiency.

    ``COP = eta_C * T_cond / (T_cond - T_evap)`` with
    ``T_cond = T_sink + dT_sink + 273.15`` and ``T_evap = T_source - dT_source + 273.15``
    [K], clipped to [cop_min, cop_max]; a non-positive lift gives ``cop_max``.
    Constant Carnot efficiencies of about 0.4-0.6 describe commercial and
    high-temperature heat pumps (Arpagaus et al. 2018 [2]_); 0.45 is the default.

    Parameters
    ----------
    source_temp_c, sink_temp_c : float or array-like
        Heat source temperature (outdoor air, waste-heat stream) and heat sink supply
        temperature [°C].
    carnot_efficiency : float, default 0.45
        Ratio of real to Carnot COP [-].
    source_approach_k, sink_approach_k : float, default 5
        Temperature differences across evaporator and condenser [K] (assumption).
    cop_max, cop_min : float
        Clamp [-].

    Returns
    -------
    float or numpy.ndarray
        COP [-] (heat out per electricity in).
    """
    t_cond = np.asarray(sink_temp_c, dtype=float) + sink_approach_k + KELVIN
    t_evap = np.asarray(source_temp_c, dtype=float) - source_approach_k + KELVIN
    lift = t_cond - t_evap
    with np.errstate(divide="ignore", invalid="ignore"):
        cop = np.where(lift > 0, carnot_efficiency * t_cond / np.where(lift > 0, lift, 1.0),
                       cop_max)
    cop = np.clip(cop, cop_min, cop_max)
    return float(cop) if cop.ndim == 0 else cop


def ruhnau_cop(delta_t_k, source: Literal["air", "ground", "water"] = "air"):
    """COP regression on manufacturer data by Ruhnau et al. 2019 [1]_.

    ``COP = a + b dT + c dT^2`` with ``dT = T_sink - T_source`` [K]:
    air 6.08, -0.09, 0.0005; ground 10.29, -0.21, 0.0012; water 9.97, -0.20, 0.0012.
    Fitted for space-heating/DHW heat pumps, roughly dT 15-60 K.

    Parameters
    ----------
    delta_t_k : float or array-like
        Temperature lift sink minus source [K].
    source : {"air", "ground", "water"}
        Heat source type.

    Returns
    -------
    float or numpy.ndarray
        COP [-].
    """
    coeffs = {"air": (6.08, -0.09, 0.0005), "ground": (10.29, -0.21, 0.0012),
              "water": (9.97, -0.20, 0.0012)}
    a, b, c = coeffs[source]
    dt = np.asarray(delta_t_k, dtype=float)
    cop = a + b * dt + c * dt * dt
    return float(cop) if cop.ndim == 0 else cop


def defrost_factor(temp_air_c, penalty=0.1, t_low_c=-7.0, t_high_c=5.0):
    """Multiplier on air-source heat-pump COP for defrost losses [-].

    Frost forms on the outdoor coil in humid air near 0 °C; the defrost cycles cost
    heat and electricity. ``1 - penalty`` inside [t_low_c, t_high_c], else 1. The
    default 10 % between -7 and +5 °C is an assumption (configurable); EN 14511 rating
    points at A2 include defrost in the measured COP.

    Parameters
    ----------
    temp_air_c : float or array-like
        Outdoor air temperature [°C].
    penalty : float, default 0.1
        Fractional COP reduction in the frosting range [-].
    t_low_c, t_high_c : float
        Frosting temperature range [°C].

    Returns
    -------
    float or numpy.ndarray
        Factor [-].
    """
    t = np.asarray(temp_air_c, dtype=float)
    f = np.where((t >= t_low_c) & (t <= t_high_c), 1.0 - penalty, 1.0)
    return float(f) if f.ndim == 0 else f


#: Air-source heat-pump classes: ``standard`` (ordinary units) and ``low_ambient``
#: (低环境温度空气源热泵, enhanced-vapour-injection / two-stage units for northern China,
#: the class of GB/T 25127 [gbt-25127-1-2010]).
AirSourceClass = Literal["standard", "low_ambient"]

#: Default capacity curve of an air-source heat pump: (outdoor temperature [°C], available
#: heat output per kW of rated size [-]).  Full output at the 8.3 °C (47 °F) rating point and
#: 70 % of it at -15 °C (5 °F): the ENERGY STAR cold-climate criterion [energystar-cchp-v6],
#: the minimum a cold-climate unit must reach.  Linear between the points, extended linearly
#: below the coldest point down to the cut-off (ASSUMED [twin-assumption]: 57 % at -25 °C),
#: 1 above the warmest.  Applied to the standard class as well (ASSUMED: ordinary units
#: lose capacity faster; their cut-off is higher).
AIR_SOURCE_CAPACITY_CURVE: tuple[tuple[float, float], ...] = ((8.3, 1.0), (-15.0, 0.70))

#: Default cut-off temperature by class [°C]: below it the heat pump stops (available
#: capacity 0).  Ordinary units shut down at about -8 to -15 °C, basic cold-climate units
#: work to about -15 °C, advanced ones to -25 °C [sec-ccashp-cutoff]; a low-ambient unit
#: measured in Shanxi still gave COP 1.83 at -25 °C [sec-ultra-low-ashp-field].
AIR_SOURCE_CUTOFF_C: dict[str, float] = {"standard": -15.0, "low_ambient": -25.0}

#: Where the defaults above come from (bibliography keys), for outputs.
AIR_SOURCE_CAPACITY_SOURCES = ("energystar-cchp-v6", "sec-ccashp-cutoff", "sec-ultra-low-ashp-field",
                               "twin-assumption")


def air_source_capacity_factor(temp_air_c, curve=AIR_SOURCE_CAPACITY_CURVE, cutoff_c=-15.0):
    """Available heat output of an air-source heat pump per kW of rated size [-].

    Piecewise linear in the outdoor temperature through the points of ``curve``, constant
    at the warmest point's factor above it, extended linearly with the slope of the two
    coldest points below the coldest one, clipped to [0, 1], and 0 below ``cutoff_c``
    (the unit stops).  With the default curve: 1.0 at 8.3 °C and above, 0.70 at -15 °C
    [energystar-cchp-v6], 0.571 at -25 °C (extrapolated, ASSUMED).

    Parameters
    ----------
    temp_air_c : float or array-like
        Outdoor dry-bulb temperature [°C].
    curve : sequence of (temperature [°C], factor [-])
        At least one point; temperatures distinct.
    cutoff_c : float
        Cut-off temperature [°C]: below it the factor is 0.

    Returns
    -------
    float or numpy.ndarray
        Factor [-] in [0, 1].
    """
    pts = sorted((float(t), float(f)) for t, f in curve)
    ts = np.array([p[0] for p in pts])
    fs = np.array([p[1] for p in pts])
    t = np.asarray(temp_air_c, dtype=float)
    f = np.interp(t, ts, fs)
    if len(pts) >= 2:
        slope = (fs[1] - fs[0]) / (ts[1] - ts[0])
        f = np.where(t < ts[0], fs[0] + slope * (t - ts[0]), f)
    f = np.where(t < cutoff_c, 0.0, np.clip(f, 0.0, 1.0))
    return float(f) if f.ndim == 0 else f


class HeatPumpSpec(ExistingLife):
    """An electric heat pump (air-source or on a named waste-heat source)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Heat pump name [-], the 'heat_pump' coordinate")
    source: str = Field(
        default="air", description="Heat source [-]: 'air' or the name of a waste-heat source")
    sink_temperature_c: float = Field(
        default=55.0, ge=20, le=200, description="Supply temperature delivered to the heat sink [°C] "
                                  "(55 °C: DHW / radiators; 80-120 °C for process heat)")
    carnot_efficiency: float = Field(
        default=0.45, gt=0, lt=1,
        description="Carnot efficiency (real COP / Carnot COP) [-]; 0.4-0.6 per Arpagaus "
                    "et al. 2018")
    source_approach_k: float = Field(default=5.0, ge=0, le=30, description="Evaporator approach [K]")
    sink_approach_k: float = Field(default=5.0, ge=0, le=30, description="Condenser approach [K]")
    cop_max: float = Field(default=8.0, gt=1, le=20, description="Upper clamp on the COP [-]")
    defrost_penalty: float = Field(
        default=0.1, ge=0, lt=1,
        description="COP reduction in the frosting range for air source [-] (assumption)")
    min_kw: float = Field(default=0.0, ge=0, le=2e6, description="Minimum heat output capacity [kW]")
    max_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Maximum heat output capacity [kW]; None = unbounded")
    serves: str | None = Field(
        default=None, description="Name of the process_heat demand it supplies [-]; None = the park's heat "
                                  "network. Its sink_temperature_c must reach that demand's temperature_c.")
    existing_kw: float = Field(default=0.0, ge=0, le=2e6, description="Installed heat capacity [kW]")
    air_source_class: AirSourceClass = Field(
        default="standard",
        description="Air source only: 'standard' (ordinary unit, cut-off -15 °C) or 'low_ambient' "
                    "(低环境温度空气源热泵, EVI/two-stage unit for northern China, cut-off -25 °C) "
                    "[sec-ccashp-cutoff]")
    min_source_temperature_c: float | None = Field(
        default=None, ge=-50, le=20,
        description="Air source only: cut-off outdoor temperature [°C]; below it the heat pump "
                    "stops; None = the class default (-15 °C standard, -25 °C low_ambient)")
    capacity_curve: list[tuple[Annotated[float, Field(ge=-60, le=60)],
                               Annotated[float, Field(ge=0, le=1)]]] | None = Field(
        default=None, min_length=1,
        description="Air source only: available heat output per kW of rated size vs outdoor "
                    "temperature, [[°C, factor], ...]; None = [[8.3, 1.0], [-15, 0.70]] (ENERGY STAR "
                    "cold-climate criterion [energystar-cchp-v6]), extended linearly below -15 °C")

    @model_validator(mode="after")
    def _capacity_settings(self):
        if self.source != "air" and (self.min_source_temperature_c is not None
                                     or self.capacity_curve is not None
                                     or self.air_source_class != "standard"):
            raise ValueError(f"heat pump {self.name!r}: air_source_class, min_source_temperature_c and "
                             "capacity_curve apply to an air-source heat pump only (source: air); source "
                             f"{self.source!r} is read as the name of a waste_heat source, whose heat pump "
                             "keeps its full capacity: write 'air', or remove them")
        if self.capacity_curve is not None:
            ts = [t for t, _ in self.capacity_curve]
            if len(set(ts)) != len(ts):
                raise ValueError(f"heat pump {self.name!r}: capacity_curve has repeated temperatures "
                                 f"{sorted(ts)}; expected distinct [°C, factor] points")
            bad = [f for _, f in self.capacity_curve if not 0.0 <= f <= 1.0]
            if bad:
                raise ValueError(f"heat pump {self.name!r}: capacity_curve factors {bad} outside [0, 1] "
                                 "(available output per kW of rated size)")
        return self

    @property
    def cutoff_temperature_c(self) -> float:
        """Cut-off outdoor temperature of an air-source heat pump [°C] (given or class default)."""
        if self.min_source_temperature_c is not None:
            return float(self.min_source_temperature_c)
        return AIR_SOURCE_CUTOFF_C[self.air_source_class]

    def capacity_factor(self, temp_air_c):
        """Available heat output per kW of size [-] at outdoor temperature ``temp_air_c`` [°C]
        (:func:`air_source_capacity_factor`); 1 for a heat pump on a waste-heat source."""
        if self.source != "air":
            t = np.asarray(temp_air_c, dtype=float)
            return 1.0 if t.ndim == 0 else np.ones(t.shape)
        curve = self.capacity_curve if self.capacity_curve is not None else AIR_SOURCE_CAPACITY_CURVE
        return air_source_capacity_factor(temp_air_c, curve, self.cutoff_temperature_c)

    def cop(self, source_temp_c, temp_air_c=None):
        """COP [-] for the given source temperature [°C]; defrost applied for air source."""
        cop = heat_pump_cop(source_temp_c, self.sink_temperature_c, self.carnot_efficiency,
                            source_approach_k=self.source_approach_k,
                            sink_approach_k=self.sink_approach_k, cop_max=self.cop_max)
        if self.source == "air":
            t_air = source_temp_c if temp_air_c is None else temp_air_c
            cop = np.maximum(cop * defrost_factor(t_air, self.defrost_penalty), 1.0)
            cop = float(cop) if np.ndim(cop) == 0 else cop
        return cop


def heat_pump_cop_series(spec: HeatPumpSpec, weather: pd.DataFrame,
                         sources: dict[str, WasteHeatSourceSpec] | None = None) -> pd.Series:
    """Hourly COP of a heat pump [-]: outdoor air or a waste-heat source temperature.

    Parameters
    ----------
    spec : HeatPumpSpec
    weather : pandas.DataFrame
        Hourly weather with ``temp_air`` [°C].
    sources : dict of WasteHeatSourceSpec, optional
        Waste-heat sources by name (needed when ``spec.source`` is not 'air').

    Returns
    -------
    pandas.Series
        COP [-] on the weather index.
    """
    if spec.source == "air":
        cop = spec.cop(weather["temp_air"].to_numpy(dtype=float))
    else:
        if not sources or spec.source not in sources:
            raise ValueError(f"heat pump {spec.name!r}: unknown source {spec.source!r}")
        cop = np.full(len(weather.index), spec.cop(sources[spec.source].temperature_c))
    return pd.Series(cop, index=weather.index, name=spec.name)


def capacity_model_record(spec: HeatPumpSpec) -> dict:
    """How a heat pump's available capacity is modelled, for outputs: the class, cut-off and
    curve used and where each comes from (sources cited by key; unsourced parts ASSUMED)."""
    if spec.source != "air":
        return {"source": spec.source, "capacity": "full capacity at all hours (waste-heat source, "
                "not affected by the outdoor temperature)"}
    given_curve = spec.capacity_curve is not None
    given_cut = spec.min_source_temperature_c is not None
    curve = [list(p) for p in (spec.capacity_curve if given_curve else AIR_SOURCE_CAPACITY_CURVE)]
    notes = []
    if given_curve:
        notes.append("capacity curve given in the scenario")
    else:
        notes.append("capacity curve: 100 % at 8.3 °C, 70 % at -15 °C, the ENERGY STAR cold-climate "
                     "minimum [energystar-cchp-v6]; linear below -15 °C down to the cut-off: ASSUMED "
                     "[twin-assumption]")
        if spec.air_source_class == "standard":
            notes.append("the cold-climate curve applied to a standard unit: ASSUMED (optimistic) "
                         "[twin-assumption]")
    if given_cut:
        notes.append("cut-off temperature given in the scenario")
    else:
        notes.append(f"cut-off {AIR_SOURCE_CUTOFF_C[spec.air_source_class]:g} °C, the {spec.air_source_class} "
                     "class default [sec-ccashp-cutoff]")
    return {"source": "air", "air_source_class": spec.air_source_class,
            "cutoff_temperature_c": spec.cutoff_temperature_c, "capacity_curve": curve,
            "notes": notes}


def heat_pump_capacity_series(spec: HeatPumpSpec, weather: pd.DataFrame) -> pd.Series:
    """Hourly available heat output per kW of size of a heat pump [-] (1 on a waste-heat
    source; from the outdoor temperature ``temp_air`` [°C] for an air source)."""
    f = spec.capacity_factor(weather["temp_air"].to_numpy(dtype=float))
    return pd.Series(np.broadcast_to(f, (len(weather.index),)).astype(float), index=weather.index,
                     name=spec.name)


# --------------------------------------------------------------------------- storage


def tank_capacity_kwh(volume_m3, delta_t_k, density_kg_per_m3=WATER_DENSITY_KG_PER_M3,
                      cp_kj_per_kg_k=WATER_CP_KJ_PER_KG_K):
    """Sensible heat capacity of a water tank [kWh]: ``V rho c_p dT / 3600``.

    Parameters
    ----------
    volume_m3 : float or array-like
        Water volume [m3].
    delta_t_k : float
        Usable temperature swing between charged and discharged [K].
    density_kg_per_m3, cp_kj_per_kg_k : float
        Water properties (defaults at 60 °C).

    Returns
    -------
    float or numpy.ndarray
        Capacity [kWh].
    """
    e = np.asarray(volume_m3, dtype=float) * density_kg_per_m3 * cp_kj_per_kg_k * delta_t_k / 3600.0
    return float(e) if e.ndim == 0 else e


def loss_per_hour_from_per_day(fraction_per_day):
    """Hourly standing-loss fraction equivalent to a daily one [1/h]: ``1-(1-f)^(1/24)``."""
    f = np.asarray(fraction_per_day, dtype=float)
    out = 1.0 - (1.0 - f) ** (1.0 / 24.0)
    return float(out) if out.ndim == 0 else out


def tank_ua_w_per_k(volume_m3, u_w_per_m2_k=0.3, height_to_diameter=2.0):
    """Heat-loss coefficient of an insulated cylindrical tank [W/K].

    Surface of a cylinder with ``H = a D``: ``A = pi D^2 / 2 + pi D H``; ``UA = U A``.
    U = 0.3 W/(m2 K) corresponds to about 100 mm mineral wool (lambda 0.035 W/(m K)),
    an assumption.

    Parameters
    ----------
    volume_m3 : float
        Tank volume [m3].
    u_w_per_m2_k : float, default 0.3
        Envelope U-value [W/(m2 K)].
    height_to_diameter : float, default 2
        Aspect ratio H/D [-].

    Returns
    -------
    float
        UA [W/K].
    """
    d = (4.0 * volume_m3 / (np.pi * height_to_diameter)) ** (1.0 / 3.0)
    area = np.pi * d * d / 2.0 + np.pi * d * (height_to_diameter * d)
    return float(u_w_per_m2_k * area)


def standing_loss_fraction(ua_w_per_k, capacity_kwh, t_store_c, t_ambient_c):
    """Hourly standing loss as a fraction of the full capacity [1/h].

    ``f = UA (T_store - T_amb) / 1000 / E_cap`` (loss of a full tank per hour, applied
    as a linear loss on stored energy in the optimiser).

    Parameters
    ----------
    ua_w_per_k : float
        Tank heat-loss coefficient [W/K].
    capacity_kwh : float
        Tank capacity [kWh].
    t_store_c, t_ambient_c : float
        Mean storage and surrounding temperature [°C].

    Returns
    -------
    float
        Loss fraction [1/h].
    """
    if capacity_kwh <= 0:
        raise ValueError("capacity_kwh must be positive")
    return float(ua_w_per_k * (t_store_c - t_ambient_c) / 1000.0 / capacity_kwh)


class _TankBounds:
    """Capacity bounds of a store sized by ``max_kwh`` or by a water tank's ``volume_m3`` and usable
    ``delta_t_k`` (with ``existing_kwh``): the thermal stores and the cold stores."""

    #: Water density [kg/m3] and specific heat [kJ/(kg K)] of the tank's water.
    _water: ClassVar[tuple[float, float]] = (WATER_DENSITY_KG_PER_M3, WATER_CP_KJ_PER_KG_K)

    @property
    def can_grow(self) -> bool:
        """True if new capacity may be built (a cost is then needed)."""
        return self.capacity_limit_kwh() > self.existing_kwh

    def capacity_limit_kwh(self) -> float:
        """Upper bound on capacity [kWh of heat or cooling]: the tighter of max_kwh and the volume's
        capacity (:func:`tank_capacity_kwh` with the tank's water)."""
        lim = float("inf")
        if self.max_kwh is not None:
            lim = self.max_kwh
        if self.volume_m3 is not None:
            lim = min(lim, tank_capacity_kwh(self.volume_m3, self.delta_t_k, *self._water))
        return float(lim)


class ThermalStorageSpec(_TankBounds, ExistingLife):
    """Hot-water thermal storage (sensible, stratified tank)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="tes", description="Storage name [-]")
    kind: Literal["hot_water_tank"] = Field(default="hot_water_tank",
                                            description="Storage type [-]")
    max_kwh: float | None = Field(default=None, ge=0,
                                  le=1e7, description="Maximum capacity to build [kWh]")
    volume_m3: float | None = Field(
        default=None, ge=0, le=1e6, description="Maximum tank volume [m3] (alternative to max_kwh)")
    min_kwh: float = Field(default=0.0, ge=0, le=1e7, description="Minimum capacity to build [kWh]")
    existing_kwh: float = Field(default=0.0, ge=0, le=1e7, description="Installed capacity [kWh]")
    delta_t_k: float = Field(
        default=35.0, gt=0,
        le=150, description="Usable temperature swing [K]; 30-40 K [twin-assumption]")
    loss_fraction_per_h: float = Field(
        default_factory=lambda: loss_per_hour_from_per_day(0.02), ge=0, lt=0.1,
        description="Standing loss [1/h] of stored energy; default = 2 %/day "
                    "([xjtu-cpes] model assumption)")
    charge_kw_per_kwh: float = Field(
        default=0.5, gt=0, le=10, description="Maximum charge power per capacity [kW/kWh] "
                                       "(assumption: full charge in 2 h)")
    discharge_kw_per_kwh: float = Field(
        default=0.5, gt=0, le=10, description="Maximum discharge power per capacity [kW/kWh] "
                                       "(assumption)")
    cost: AssetCost | None = Field(
        default=None, description="This store's cost per kWh of heat capacity; None = costs.thermal_storage [CNY/kWh]")



# --------------------------------------------------------------------------- cold storage

#: Density of water at 5 °C [kg/m3] and specific heat [kJ/(kg K)] (IAPWS-95 values): chilled-water
#: tank capacity.
CHILLED_WATER_DENSITY_KG_PER_M3 = 1000.0
CHILLED_WATER_CP_KJ_PER_KG_K = 4.20

#: Default standing loss of a cold store by kind [1/day]: ASSUMED ([twin-assumption], NOT VERIFIED;
#: insulated tanks in a plant room lose of the order of 1-2 % of their content a day).
COLD_STORE_LOSS_PER_DAY = {"chilled_water": 0.01, "ice": 0.02}


class ColdStorageSpec(_TankBounds, ExistingLife):
    """Cold storage (蓄冷) on a cooling bus: a chilled-water tank (水蓄冷) or an ice store (冰蓄冷).

    Sized in kWh of cooling (heat removed). A chilled-water tank is charged from its bus by the bus's
    chillers at their chilled-water COP; an ice store only by the electric chillers of its bus that make
    ice (``chillers[].makes_ice``), whose COP at ``charge_temperature_c`` follows their own Carnot model
    (:func:`ice_making_cop`). Both discharge to the bus they serve."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _water: ClassVar[tuple[float, float]] = (CHILLED_WATER_DENSITY_KG_PER_M3, CHILLED_WATER_CP_KJ_PER_KG_K)

    name: str = Field(default="cold store", description="Store name [-]")
    kind: Literal["chilled_water", "ice"] = Field(
        default="chilled_water", description="chilled_water (水蓄冷, a stratified chilled-water tank) or ice "
        "(冰蓄冷, ice on coil or encapsulated ice) [-]")
    serves: str | None = Field(
        default=None, description="Name of the process_cooling demand whose cooling loop the store serves [-]; "
        "None = the park's chilled-water network (a demand at cooling_supply_temperature_c joins the network, "
        "and so does a store serving it). The loop must be above 0 °C.")
    max_kwh: float | None = Field(default=None, ge=0, le=1e7,
                                  description="Maximum capacity to build [kWh of cooling]")
    volume_m3: float | None = Field(
        default=None, ge=0, le=1e6, description="Maximum tank volume [m3] (chilled_water only; alternative to "
        "max_kwh, capacity = volume x 1000 kg/m3 x 4.2 kJ/(kg K) x delta_t_k / 3600)")
    delta_t_k: float = Field(
        default=8.0, gt=0, le=20, description="chilled_water: usable temperature difference between the tank's "
        "cold and warm water [K]; 8 K (e.g. 4 -> 12 °C) ASSUMED ([twin-assumption], NOT VERIFIED)")
    min_kwh: float = Field(default=0.0, ge=0, le=1e7, description="Minimum capacity to build [kWh of cooling]")
    existing_kwh: float = Field(default=0.0, ge=0, le=1e7, description="Installed capacity [kWh of cooling]")
    loss_fraction_per_h: float | None = Field(
        default=None, ge=0, lt=0.1, description="Standing loss [1/h] of the stored cooling; None = the kind's "
        "default, 1 %/day chilled water, 2 %/day ice, ASSUMED ([twin-assumption], NOT VERIFIED)")
    charge_kw_per_kwh: float = Field(
        default=0.125, gt=0, le=10, description="Maximum charging per capacity [kW/kWh] (C-rate; default 0.125: "
        "full in the 8 h of a night valley, ASSUMED)")
    discharge_kw_per_kwh: float = Field(
        default=0.25, gt=0, le=10, description="Maximum discharging per capacity [kW/kWh] (C-rate; default 0.25: "
        "empty in 4 peak hours, ASSUMED)")
    max_charge_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Charging limit [kW] (pumps, exchanger), beside the C-rate; None "
        "= the C-rate alone")
    max_discharge_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Discharging limit [kW] (pumps, exchanger), beside the C-rate; "
        "None = the C-rate alone")
    charge_temperature_c: float = Field(
        default=-5.0, ge=-15, le=-1, description="ice: brine temperature the chillers make while charging "
        "(making ice) [°C]; about -5 °C for ice on coil, ASSUMED ([twin-assumption], NOT VERIFIED). The chillers' "
        "ice-making COP is their Carnot COP at this temperature. Ice stores on one cooling loop share one brine "
        "loop and so one temperature.")
    cost: AssetCost | None = Field(
        default=None, description="This store's cost per kWh of cooling capacity; None = costs.chilled_water_storage "
        "or costs.ice_storage by kind [CNY/kWh]")

    @model_validator(mode="after")
    def _volume_is_water(self):
        if self.kind == "ice" and self.volume_m3 is not None:
            raise ValueError(f"cold store '{self.name}': volume_m3 is for chilled-water tanks; give an ice store's "
                             "capacity as max_kwh [kWh of cooling] (the ice maker's rating)")
        return self

    @property
    def loss_per_h(self) -> float:
        """Standing loss [1/h]: given, or the kind's default (:data:`COLD_STORE_LOSS_PER_DAY`)."""
        if self.loss_fraction_per_h is not None:
            return float(self.loss_fraction_per_h)
        return loss_per_hour_from_per_day(COLD_STORE_LOSS_PER_DAY[self.kind])



# --------------------------------------------------------------------------- boilers, chillers

#: Default thermal efficiencies (net calorific value basis) by fuel. Engineering
#: assumptions, not regulatory limits: electric resistance/electrode 0.99;
#: gas 0.92 (non-condensing modern); oil 0.88; coal 0.80 (industrial chain-grate);
#: biomass 0.82.
BOILER_EFFICIENCY = {"electric": 0.99, "natural_gas": 0.92, "coal": 0.80, "oil": 0.88,
                     "biomass": 0.82}


class BoilerSpec(ExistingLife):
    """A boiler (electric or fuel-fired) delivering heat."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Boiler name [-]")
    fuel: Literal["electric", "natural_gas", "coal", "oil", "biomass"] = Field(
        description="Energy carrier [-]")
    efficiency: float | None = Field(
        default=None, gt=0, le=1.1,
        description="Heat out per energy in (NCV basis) [-]; None = fuel default "
                    "(BOILER_EFFICIENCY, assumptions)")
    min_kw: float = Field(default=0.0, ge=0, le=2e6, description="Minimum heat capacity to build [kW]")
    max_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Maximum heat capacity [kW]; None = unbounded")
    existing_kw: float = Field(default=0.0, ge=0, le=2e6, description="Installed heat capacity [kW]")
    serves: str | None = Field(
        default=None, description="Name of the process_heat demand it supplies [-]; None = the park's heat "
                                  "network. A boiler serving a demand replaces that demand's existing_fuel "
                                  "supply.")

    @model_validator(mode="after")
    def _fuel_fired_is_existing(self):
        if self.fuel != "electric" and (self.min_kw > self.existing_kw
                                        or (self.max_kw is not None and self.max_kw != self.existing_kw)):
            raise ValueError(
                f"boiler '{self.name}': a {self.fuel} boiler is existing plant only (a zero-carbon plan "
                f"builds no fuel-fired capacity): min_kw must not exceed existing_kw and max_kw, if given, "
                f"must equal it; got min_kw {self.min_kw}, max_kw {self.max_kw}, existing_kw {self.existing_kw}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _default_efficiency(cls, data):
        if isinstance(data, dict) and data.get("efficiency") is None \
                and isinstance(data.get("fuel"), str) and data.get("fuel") in BOILER_EFFICIENCY:
            data = dict(data)
            data["efficiency"] = BOILER_EFFICIENCY[data["fuel"]]
        return data


def chiller_cop(temp_air_c, chilled_water_c=7.0, carnot_efficiency=0.5, *,
                evaporator_approach_k=5.0, condenser_approach_k=10.0, cop_max=10.0,
                cop_min=1.0):
    """Electric chiller COP from the outdoor temperature (Carnot with constant efficiency).

    ``COP = eta_C * T_evap / (T_cond - T_evap)`` with
    ``T_evap = T_chw - dT_evap`` and ``T_cond = T_air + dT_cond`` [K]; clipped.
    Defaults describe an air-cooled chiller; for a water-cooled chiller pass the
    cooling-water temperature as ``temp_air_c`` and a smaller condenser approach.

    Parameters
    ----------
    temp_air_c : float or array-like
        Outdoor (condenser-side) temperature [°C].
    chilled_water_c : float, default 7
        Chilled-water supply temperature [°C].
    carnot_efficiency : float, default 0.5
        Real / Carnot COP [-] (assumption).
    evaporator_approach_k, condenser_approach_k : float
        Heat-exchanger approaches [K].
    cop_max, cop_min : float
        Clamp [-].

    Returns
    -------
    float or numpy.ndarray
        Cooling COP [-] (cold out per electricity in).
    """
    t_evap = chilled_water_c - evaporator_approach_k + KELVIN
    t_cond = np.asarray(temp_air_c, dtype=float) + condenser_approach_k + KELVIN
    lift = t_cond - t_evap
    cop = np.where(lift > 0, carnot_efficiency * t_evap / np.where(lift > 0, lift, 1.0), cop_max)
    cop = np.clip(cop, cop_min, cop_max)
    return float(cop) if cop.ndim == 0 else cop


class ChillerSpec(ExistingLife):
    """A chiller: electric vapour compression or heat-driven absorption."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Chiller name [-]")
    kind: Literal["electric", "absorption"] = Field(default="electric",
                                                    description="Chiller type [-]")
    chilled_water_c: float = Field(default=7.0, ge=-10, le=25, description="Chilled-water supply [°C]")
    carnot_efficiency: float = Field(
        default=0.5, gt=0, lt=1,
        description="Electric chillers: real / Carnot COP [-] (assumption)")
    condenser_approach_k: float = Field(
        default=10.0, ge=0, le=30, description="Condenser approach to outdoor air [K] (air-cooled)")
    absorption_cop: float = Field(
        default=0.7, gt=0, lt=2,
        description="Absorption chillers: cold out per driving heat in [-]; single-effect "
                    "LiBr about 0.7 (assumption)")
    driving_temperature_c: float = Field(
        default=85.0, ge=50, le=250, description="Absorption chillers: minimum driving heat temperature [°C]")
    min_kw: float = Field(default=0.0, ge=0, le=2e6, description="Minimum cooling capacity [kW]")
    max_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Maximum cooling capacity [kW]; None = unbounded")
    existing_kw: float = Field(default=0.0, ge=0, le=2e6, description="Installed cooling capacity [kW]")
    makes_ice: bool = Field(
        default=False, description="Electric chillers: can make ice for the ice stores (cold_stores of kind ice) "
        "on the cooling bus it supplies (a dual-duty chiller, 双工况主机) [-]; its COP while making ice is its "
        "Carnot COP at the store's charge_temperature_c")
    ice_capacity_ratio: float = Field(
        default=0.65, gt=0, le=1, description="Electric chillers that make ice: cooling output in ice mode per kW "
        "of rated capacity [-]; a dual-duty chiller gives about 60-70 % of its rating at brine below 0 °C, 0.65 "
        "ASSUMED ([twin-assumption], NOT VERIFIED)")
    serves: str | None = Field(
        default=None, description="Name of the process_cooling demand the chiller serves [-]: a demand with a "
        "loop of its own (its temperature differs from cooling_supply_temperature_c) is served only by the "
        "chillers that name it; None = the park's chilled-water network (the buildings' central cooling and "
        "the process cooling at the network's temperature). chilled_water_c must not be warmer than the "
        "temperature of the loop the chiller supplies.")

    @model_validator(mode="after")
    def _ice_is_electric(self):
        if self.makes_ice and self.kind != "electric":
            raise ValueError(f"chiller '{self.name}': makes_ice needs an electric chiller (an absorption chiller "
                             "cannot make brine below 0 °C)")
        return self

    def cop(self, temp_air_c):
        """Cooling COP [-] at the outdoor temperature [°C] (constant for absorption)."""
        if self.kind == "absorption":
            t = np.asarray(temp_air_c, dtype=float)
            out = np.full(t.shape, self.absorption_cop)
            return float(out) if out.ndim == 0 else out
        return chiller_cop(temp_air_c, self.chilled_water_c, self.carnot_efficiency,
                           condenser_approach_k=self.condenser_approach_k)


def ice_making_cop(spec: ChillerSpec, temp_air_c, charge_temperature_c: float = -5.0):
    """COP of an electric chiller making ice [-]: its own Carnot model (:func:`chiller_cop`, its
    ``carnot_efficiency`` and ``condenser_approach_k``) with the brine at ``charge_temperature_c`` [°C]
    instead of its chilled water, at the outdoor temperature ``temp_air_c`` [°C].

    The lower evaporating temperature is the whole penalty: at 30 °C outdoors a chiller rated for 7 °C
    chilled water gives 0.5 x 275.15 / 38 = 3.62, making -5 °C brine 0.5 x 263.15 / 50 = 2.63 (-27 %).
    """
    return chiller_cop(temp_air_c, charge_temperature_c, spec.carnot_efficiency,
                       condenser_approach_k=spec.condenser_approach_k)
