"""Metrics comparing a synthetic weather year with a reference year.

Used by ``scripts/validate_weather.py`` (writes ``weather/VALIDATION.md``) and by
the tests. PV yield uses pvlib's PVWatts chain: Hay-Davies transposition, SAPM
open-rack cell temperature, PVWatts DC (temperature coefficient -0.47 %/K,
PVWatts v5 "standard" module, Dobos 2014) and a 96 % flat inverter, fixed
south-facing array at tilt = latitude, albedo 0.2, sun at mid-hour.

References
----------
Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._core import DAYS_IN_MONTH
from .solar import cos_zenith, haurwitz_ghi
from .stats import sun_height_slope

KT_MIN_COSZ = 0.1
"""Hourly clearness index is compared only for cos(zenith) >= this [-]."""


def pv_ac_hourly(df: pd.DataFrame, latitude: float, longitude: float,
                 elevation: float = 0.0, tilt: float | None = None) -> np.ndarray:
    """Hourly AC output of a fixed south-facing PVWatts array per kWp [kW/kWp].

    Hay-Davies transposition (albedo 0.2), SAPM cell temperature (open rack, glass/glass),
    PVWatts DC (-0.47 %/K) and inverter (nominal efficiency 0.96, AC rating 1 kW per kWp);
    night hours 0.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly ``ghi, dni, dhi, temp_air, wind_speed`` on a start-of-hour index.
    latitude, longitude : float
        Site [deg].
    elevation : float
        Site elevation [m].
    tilt : float, optional
        Tilt [deg]; default = |latitude|.
    """
    import pvlib

    tilt = abs(latitude) if tilt is None else tilt
    mid = df.index + pd.Timedelta(minutes=30)
    sp = pvlib.solarposition.get_solarposition(mid, latitude, longitude, altitude=elevation)
    dni_extra = pvlib.irradiance.get_extra_radiation(mid)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, 180.0, sp["apparent_zenith"].to_numpy(), sp["azimuth"].to_numpy(),
        df["dni"].to_numpy(), df["ghi"].to_numpy(), df["dhi"].to_numpy(),
        dni_extra=dni_extra.to_numpy(), model="haydavies", albedo=0.2)
    g = np.nan_to_num(np.asarray(poa["poa_global"], float))
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_glass"]
    tc = pvlib.temperature.sapm_cell(g, df["temp_air"].to_numpy(), df["wind_speed"].to_numpy(),
                                     **params)
    pdc = pvlib.pvsystem.pvwatts_dc(g, tc, pdc0=1.0, gamma_pdc=-0.0047)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=1.0 / 0.96, eta_inv_nom=0.96)
    return np.clip(np.nan_to_num(np.asarray(pac, float)), 0.0, None)


def pv_specific_yield(df: pd.DataFrame, latitude: float, longitude: float,
                      elevation: float = 0.0, tilt: float | None = None) -> float:
    """Annual AC specific yield of a fixed south-facing PVWatts array [kWh/kWp]
    (the sum of :func:`pv_ac_hourly`; same parameters)."""
    return float(pv_ac_hourly(df, latitude, longitude, elevation, tilt).sum())


PEAK_HOURS = 9
"""The year's brightest hours counted by :func:`pv_peak_figures` (its 99.9th percentile) [-]."""

PEAK_TILT_DEG = 10.0
"""Tilt of the array whose peaks :func:`compare_years` compares: a flat roof, as the example
parks' [deg]."""


def pv_peak_figures(df: pd.DataFrame, latitude: float, longitude: float,
                    elevation: float = 0.0) -> dict[str, float]:
    """The PV peaks a park sees from a year: ``pv_peak`` the 99.9th percentile of the hourly AC
    output of a :data:`PEAK_TILT_DEG` roof array (:func:`pv_ac_hourly`) [kW/kWp],
    ``pv_peak_temp`` the mean air temperature [degC] and ``pv_peak_month`` the mean month [-]
    of its :data:`PEAK_HOURS` highest hours."""
    ac = pv_ac_hourly(df, latitude, longitude, elevation, PEAK_TILT_DEG)
    top = np.argsort(ac)[-PEAK_HOURS:]
    return {"pv_peak": float(np.quantile(ac, 0.999)),
            "pv_peak_temp": float(df["temp_air"].to_numpy()[top].mean()),
            "pv_peak_month": float(df.index.month.to_numpy()[top].mean())}


def _daylight(df: pd.DataFrame, latitude: float, longitude: float, min_cosz: float):
    """Hours with cos z at least ``min_cosz`` (sun at mid-hour) and their E0 cos z [W/m2]."""
    import pvlib

    cz = cos_zenith(df.index, latitude, longitude, 0.5)
    e0 = np.asarray(pvlib.irradiance.get_extra_radiation(df.index.dayofyear.to_numpy()))
    sel = cz >= min_cosz
    return sel, e0[sel] * cz[sel]


def hourly_kt(df: pd.DataFrame, latitude: float, longitude: float) -> np.ndarray:
    """Hourly clearness index GHI / (E0 cos z) for cos z >= KT_MIN_COSZ, sun at mid-hour [-]."""
    sel, top = _daylight(df, latitude, longitude, KT_MIN_COSZ)
    return np.clip(df["ghi"].to_numpy()[sel] / top, 0, 1.2)


def compare_years(synth: pd.DataFrame, ref: pd.DataFrame, latitude: float, longitude: float,
                  elevation: float = 0.0) -> dict[str, float]:
    """Errors of a synthetic year against a reference year.

    Returns
    -------
    dict
        ``annual_ghi_err`` relative [-]; ``worst_month_ghi_err`` largest |relative|
        monthly GHI error, signed [-]; ``worst_month_temp_err`` largest |monthly mean
        temperature difference|, signed [K]; ``pv_yield_err`` relative [-],
        ``pv_yield_ref`` [kWh/kWp]; ``kt_ks`` two-sample Kolmogorov-Smirnov statistic
        of hourly clearness index [-]; ``rh_err`` annual mean RH difference [%];
        ``ws_err`` annual mean wind difference [m/s]; ``ghi_peak_ratio`` the 99.9th
        percentile of hourly GHI (the year's ninth brightest hour), synthetic over
        reference [-]; overcast hours, each ``_synth`` and ``_ref``: ``kt_dark_share`` the
        share of hours with the sun above 17.5 deg without light (GHI below 1 W/m2) [-] and
        ``kt_p001`` / ``kt_p01`` the 0.1th and 1st percentiles of their clearness index [-];
        the sun's heights (:func:`sun_height_figures`), likewise: ``kc_sun``, ``low_sun_ghi``,
        ``dni_kwh``, ``summer_noon_kc``; the park's PV peaks (:func:`pv_peak_figures`),
        likewise: ``pv_peak``, ``pv_peak_temp``, ``pv_peak_month``.
    """
    from scipy.stats import ks_2samp

    m_s = synth["ghi"].groupby(synth.index.month).sum()
    m_r = ref["ghi"].groupby(ref.index.month).sum()
    rel = (m_s / m_r - 1).to_numpy()
    dt = (synth["temp_air"].groupby(synth.index.month).mean()
          - ref["temp_air"].groupby(ref.index.month).mean()).to_numpy()
    y_s = pv_specific_yield(synth, latitude, longitude, elevation)
    y_r = pv_specific_yield(ref, latitude, longitude, elevation)
    ks = ks_2samp(hourly_kt(synth, latitude, longitude), hourly_kt(ref, latitude, longitude))
    return {"annual_ghi_err": float(synth["ghi"].sum() / ref["ghi"].sum() - 1),
            "worst_month_ghi_err": float(rel[np.argmax(np.abs(rel))]),
            "worst_month_temp_err": float(dt[np.argmax(np.abs(dt))]),
            "pv_yield_err": float(y_s / y_r - 1), "pv_yield_ref": y_r,
            "kt_ks": float(ks.statistic),
            "rh_err": float(synth["relative_humidity"].mean() - ref["relative_humidity"].mean()),
            "ws_err": float(synth["wind_speed"].mean() - ref["wind_speed"].mean()),
            "ghi_peak_ratio": float(np.quantile(synth["ghi"], 0.999) / np.quantile(ref["ghi"], 0.999)),
            **{f"{k}_{key}": v for key, df in (("synth", synth), ("ref", ref))
               for f in (overcast_hours, sun_height_figures)
               for k, v in f(df, latitude, longitude).items()},
            **{f"{k}_{key}": v for key, df in (("synth", synth), ("ref", ref))
               for k, v in pv_peak_figures(df, latitude, longitude, elevation).items()}}


OVERCAST_COSZ = 0.3
"""Hours counted by :func:`overcast_hours`: the sun above 17.5 deg [-]."""


LOW_SUN_COSZ = 0.5
"""Hours counted as a low sun by :func:`sun_height_figures`: the sun below 30 deg [-]."""


HIGH_SUN_SEASON_COSZ = 0.7
"""Hours whose brightest :func:`sun_height_figures` compares by season: the sun above 44 deg
(enough such hours in every summer month at every bundled station) [-]."""


def humidity_figures(df: pd.DataFrame, hot_c: float = 26.0) -> dict[str, float]:
    """What building and HVAC simulation reads of an hourly year's humidity: the share of hours
    at 98 % RH or more (fog, dew; near saturation) [-], the mean humidity ratio in the hours
    warmer than ``hot_c`` [degC] (the latent part of the cooling load) [g/kg, at sea-level
    pressure; nan with fewer than 50 such hours] and the 99.6th percentile of the hourly dew
    point (the 0.4 % dehumidification design condition of ASHRAE's climatic design tables)
    [degC]."""
    from .stats import dewpoint, humidity_ratio, vapour_pressure

    t = df["temp_air"].to_numpy(float)
    rh = df["relative_humidity"].to_numpy(float)
    td = dewpoint(t, rh)
    ratio = 1000.0 * humidity_ratio(vapour_pressure(td), 101325.0)  # [g/kg]
    hot = t > hot_c
    return {"saturated_share": float((rh >= 98.0).mean()),
            "hot_humidity_ratio": float(ratio[hot].mean()) if hot.sum() >= 50 else float("nan"),
            "dew_point_p996": float(np.quantile(td, 0.996))}


def diurnal_timing_by_sky(df: pd.DataFrame, longitude: float, parts: int = 5) -> np.ndarray:
    """How much the timing of a year's daily temperature course varies, by the day's sky: per
    ``parts``-th of the days ranked by daily GHI within each month (darkest first), the
    circular standard deviation sqrt(-2 ln R) of the phase of the first harmonic of each day's
    course in local solar time (the hour its harmonic peaks), median over the 12 months [h].
    The measurement behind :data:`weather.generator.TIMING_BY_SKY`."""
    from .solar import solar_hour

    t = df["temp_air"].to_numpy(float).reshape(-1, 24)
    ghi = df["ghi"].to_numpy(float).reshape(-1, 24).sum(1)
    phase = (2.0 * np.pi / 24.0 * solar_hour(df.index, longitude)).reshape(-1, 24)
    angle = np.angle(((t - t.mean(1, keepdims=True)) * np.exp(1j * phase)).sum(1))
    month = df.index.month.to_numpy()[::24]
    out = np.empty((12, parts))
    for m in range(1, 13):
        g, a = ghi[month == m], angle[month == m]
        part = np.minimum((np.argsort(np.argsort(g)) * parts) // len(g), parts - 1)
        for k in range(parts):
            r = np.abs(np.mean(np.exp(1j * a[part == k])))
            out[m - 1, k] = math.sqrt(-2.0 * math.log(max(r, 1e-12))) * 24.0 / (2.0 * np.pi)
    return np.median(out, axis=0)


def sun_height_figures(df: pd.DataFrame, latitude: float, longitude: float) -> dict[str, float]:
    """How a year's light is spread over the sun's heights: ``kc_sun`` the rise of the hourly
    clear-sky index with cos z (:func:`weather.stats.sun_height_slope`) [-]; ``low_sun_ghi``
    the share of the year's GHI that falls with the sun below 30 deg [-]; ``dni_kwh`` the
    year's DNI [kWh/m2]; ``summer_noon_kc`` the 99th percentile of the hourly clear-sky index
    (against Haurwitz) of June, July and August with cos z above
    :data:`HIGH_SUN_SEASON_COSZ`, the mean of the three months [-]."""
    cz = cos_zenith(df.index, latitude, longitude, 0.5)
    ghi = df["ghi"].to_numpy(float)
    shape = (len(ghi) // 24, 24)
    clear = haurwitz_ghi(cz)
    months = df.index.month.to_numpy()
    high = cz > HIGH_SUN_SEASON_COSZ
    kc = ghi / np.maximum(clear, 1e-9)
    summer = [np.quantile(kc[high & (months == m)], 0.99) for m in (6, 7, 8)
              if (high & (months == m)).any()]
    return {"kc_sun": sun_height_slope(ghi.reshape(shape), clear.reshape(shape),
                                       cz.reshape(shape)),
            "low_sun_ghi": float(ghi[(cz > 0) & (cz < LOW_SUN_COSZ)].sum() / max(ghi.sum(), 1e-9)),
            "dni_kwh": float(df["dni"].sum() / 1000.0),
            "summer_noon_kc": float(np.mean(summer)) if summer else float("nan")}


def overcast_hours(df: pd.DataFrame, latitude: float, longitude: float) -> dict[str, float]:
    """The darkest daylight hours of a year (sun above 17.5 deg, :data:`OVERCAST_COSZ`):
    ``kt_dark_share`` share without light (GHI below 1 W/m2) [-], ``kt_p001`` and ``kt_p01``
    the 0.1th and 1st percentiles of the hourly clearness index GHI / (E0 cos z) [-]."""
    sel, top = _daylight(df, latitude, longitude, OVERCAST_COSZ)
    ghi = df["ghi"].to_numpy()[sel]
    kt = ghi / top
    return {"kt_dark_share": float((ghi < 1.0).mean()), "kt_p001": float(np.quantile(kt, 0.001)),
            "kt_p01": float(np.quantile(kt, 0.01))}


GOALS = {"t_annual_k": 1.0, "t_worst_month_k": 2.0, "ghi_annual": 0.08, "pv_yield": 0.08}
"""Goals of the leave-one-out test at 95 % of stations (issue 11): annual and worst-month
temperature [K]; annual GHI and PV yield of TMYx/SWERA stations [-]."""


CMA_NATIONAL_MEAN_GHI_KWH_M2 = 1519.0
"""National mean annual GHI of China, 30-year mean [kWh/m2]: the China Meteorological
Administration's annual wind and solar resource bulletins give 1,493.4 kWh/m2 for 2021, 25.6
below the 1991-2020 mean (1,519.0), and 1,563.4 for 2022, 45.3 above the 1992-2021 mean
(1,518.1) (《2021年中国风能太阳能资源年景公报》, 《2022年中国风能太阳能资源年景公报》). The
bulletins do not say how the mean is weighted; :func:`national_mean_ghi` compares an area
mean."""


def national_mean_ghi(step_deg: float = 1.0, exclude_groups: frozenset = frozenset()) -> dict:
    """Area mean of the annual GHI the method gives over China [kWh/m2], on both bases.

    Cells of a ``step_deg`` grid whose centre lies inside the outline of mainland China
    (``weather.places._km_outside_outline`` 0), each interpolated at its
    5-arcmin terrain cell's elevation (sea level at least) and weighted by cos(latitude).

    Returns ``cells``, ``tmyx`` and ``cswd`` (national area means) and ``regions``
    (region -> (cells, tmyx, cswd)).
    """
    from . import places
    from .interp import interpolate, lookup_elevation

    rows = []
    for lat in np.arange(18.0 + step_deg / 2, 54.0, step_deg):
        for lon in np.arange(73.0 + step_deg / 2, 136.0, step_deg):
            if places._km_outside_outline(lat, lon) > 0:
                continue
            z = max(lookup_elevation(lat, lon), 0.0)
            t, info = interpolate(lat, lon, z, basis="tmyx", exclude_groups=exclude_groups)
            c, _ = interpolate(lat, lon, z, basis="cswd", exclude_groups=exclude_groups)
            rows.append({"w": math.cos(math.radians(lat)), "region": info["region"],
                         "tmyx": float(t["ghi_kwh_day"].to_numpy() @ DAYS_IN_MONTH),
                         "cswd": float(c["ghi_kwh_day"].to_numpy() @ DAYS_IN_MONTH)})
    d = pd.DataFrame(rows)

    def mean(g: pd.DataFrame, col: str) -> float:
        return float((g["w"] * g[col]).sum() / g["w"].sum())

    return {"cells": len(d), "tmyx": mean(d, "tmyx"), "cswd": mean(d, "cswd"),
            "regions": {r: (len(g), mean(g, "tmyx"), mean(g, "cswd")) for r, g in d.groupby("region")}}


ELEVATIONS = ("station", "estimated", "cell")
"""Elevations a test site can be predicted at (see :func:`test_elevation`)."""


def test_elevation(lat: float, lon: float, z: float,
                   elevation: str) -> tuple[float, float, float]:
    """Elevation a test site is predicted at, the terrain range around it and the elevation
    uncertainty the outputs then state [m].

    ``"station"``: its own ``z`` (a planner who gives it); ``"estimated"``: what a site without
    a given elevation gets (:func:`weather.interp.settlement_elevation`, with
    :func:`weather.site.estimated_elevation_uncertainty`); ``"cell"``: the plain terrain cell
    (:func:`weather.interp.lookup_elevation`). Range and uncertainty are 0 but for
    ``"estimated"``.
    """
    from .interp import lookup_elevation, settlement_elevation
    from .site import estimated_elevation_uncertainty

    if elevation == "station":
        return float(z), 0.0, 0.0
    if elevation == "estimated":
        z_est, rng = settlement_elevation(lat, lon)
        return z_est, rng, estimated_elevation_uncertainty(rng)
    if elevation == "cell":
        return lookup_elevation(lat, lon), 0.0, 0.0
    raise ValueError(f"elevation: expected one of {ELEVATIONS}, got {elevation!r}")


test_elevation.__test__ = False  # a helper, not a pytest test


def leave_one_out(pv: bool = True, seed: int = 0, ids=None, elevation: str = "station") -> pd.DataFrame:
    """Leave-one-out over the bundled stations.

    Each station is predicted by :func:`weather.interp.interpolate` at its own position
    and elevation with every station of its place (group: same WMO number or closer than
    15 km, in any dataset) left out of the interpolation and of the lapse-rate fit.

    Parameters
    ----------
    pv : bool
        Also synthesise a year from the predicted statistics and compare its PV yield
        (:func:`pv_specific_yield`) with the station file's yield (TMYx/SWERA only).
    seed : int
        Seed of the synthetic years.
    ids : sequence of str, optional
        Stations to test (default all, except those of
        :data:`weather.interp.TEMPERATURE_SUSPECT`).
    elevation : {"station", "estimated", "cell"}
        Elevation the station is predicted at: its own (as a planner who gives it), the
        estimate of a site whose elevation is not given
        (:func:`weather.interp.settlement_elevation`), or the plain terrain cell
        (:func:`weather.interp.lookup_elevation`).

    Returns
    -------
    pandas.DataFrame
        Per station: ``id, name, dataset, region, distance_km`` (nearest station used),
        ``t_annual`` and ``t_worst_month`` (signed errors [K], truth moved to the TMYx
        period like every station), ``t_annual_own_period`` and ``t_worst_month_own_period``
        (the same estimate against the file's own temperatures, not moved: what a comparison
        with the file as it is shows, e.g. the CSWD files of 1971-2003) and
        ``t_worst_month_own_period_cswd`` (absolute, for ``temperature_period="cswd"``), ``ghi_annual`` (relative, on the station's own
        dataset level: TMYx/SWERA on basis tmyx, CSWD on basis cswd), ``pv_yield``
        (relative, TMYx/SWERA), ``expected_uncertainty``, ``t_gap_era5`` (annual mean of
        the ERA5 estimate minus the station estimate [K]), ``elevation_error_m`` (elevation
        used minus the station's [m]), ``terrain_range_m`` (with ``elevation="estimated"``,
        else 0) and ``expected_temperature_uncertainty`` (stated for such a site [K]).
    """
    from .generator import synthesize
    from .interp import (
        TEMPERATURE_SUSPECT,
        _base,
        _col,
        dataset_offsets,
        interpolate,
        station_temperatures,
    )
    from .site import expected_temperature_uncertainty, stated_ghi_uncertainty
    from .stations import station_table

    b = _base()
    st = station_table()
    t_true = station_temperatures()
    offsets = dataset_offsets()
    g_true = _col("ghi_kwh_day") * DAYS_IN_MONTH
    rows = []
    for k, sid in enumerate(b["ids"]):
        if (ids is not None and sid not in ids) or sid in TEMPERATURE_SUSPECT:
            continue
        ds = b["dataset"][k]
        basis = "cswd" if ds == "CSWD" else "tmyx"
        lat, lon, z = b["lat"][k], b["lon"][k], b["z"][k]
        z, rng, z_unc = test_elevation(lat, lon, z, elevation)
        stats, info = interpolate(lat, lon, z, basis=basis,
                                  exclude_groups=frozenset([b["group"][k]]))
        dt = stats["t_mean"].to_numpy() - t_true[k]
        dt_own = dt + offsets[ds]  # the file's own period: its temperature before the offset
        ghi = stats["ghi_kwh_day"].to_numpy() * DAYS_IN_MONTH
        dz = z - st.loc[info["nearest_radiation"], "elevation_m"]
        r = {"id": sid, "name": st.loc[sid, "name"], "dataset": ds, "region": b["region"][k],
             "distance_km": info["distance_km"],
             "distance_radiation_km": info["distance_radiation_km"],
             "t_annual": float(dt.mean()), "t_worst_month": float(dt[np.argmax(np.abs(dt))]),
             "t_annual_own_period": float(dt_own.mean()),
             "t_worst_month_own_period": float(dt_own[np.argmax(np.abs(dt_own))]),
             "t_worst_month_own_period_cswd": float(np.abs(dt_own - offsets["CSWD"]).max()),
             "t_gap_era5": info["t_gap_era5"],
             "ghi_annual": float(ghi.sum() / g_true[k].sum() - 1),
             "expected_uncertainty": stated_ghi_uncertainty(info["distance_radiation_km"], dz,
                                                            info["region"], basis),
             "elevation_error_m": float(z - b["z"][k]), "terrain_range_m": rng,
             "expected_temperature_uncertainty": expected_temperature_uncertainty(
                 info["distance_km"], info["t_gap_era5"], z_unc),
             "pv_yield": np.nan}
        if pv and ds != "CSWD":
            syn = synthesize(stats, lat, lon, seed=seed)
            r["pv_yield"] = pv_specific_yield(syn, lat, lon, z) / st.loc[sid, "pv_yield_kwh_kwp"] - 1
        rows.append(r)
    return pd.DataFrame(rows)


def colocated_pairs() -> pd.DataFrame:
    """Every pair of typical-year files of one place (same group: WMO number or closer than
    15 km) from different datasets, each file's temperature on the TMYx period.

    Returns
    -------
    pandas.DataFrame
        Per pair: ``pair`` (datasets, e.g. "CSWD / TMYx"), ``a``, ``b`` (station ids),
        ``t_annual`` and ``t_worst_month`` (absolute difference of the annual mean and the
        largest of the months [K]), ``ghi_annual`` and ``pv_yield`` (absolute relative
        difference [-]; NaN for a pair with a CSWD file, whose radiation is of another level).
    """
    from .interp import TEMPERATURE_SUSPECT, _base, _col, station_temperatures
    from .stations import station_table

    b = _base()
    t = station_temperatures()
    ghi = _col("ghi_kwh_day") * DAYS_IN_MONTH
    yield_ = station_table()["pv_yield_kwh_kwp"]
    suspect = np.isin(b["ids"], list(TEMPERATURE_SUSPECT))
    rows = []
    for g in np.unique(b["group"]):
        idx = np.flatnonzero((b["group"] == g) & ~suspect)
        for x, p in enumerate(idx):
            for q in idx[x + 1:]:
                if b["dataset"][p] == b["dataset"][q]:
                    continue
                d = t[p] - t[q]
                with_cswd = "CSWD" in (b["dataset"][p], b["dataset"][q])
                rows.append({
                    "pair": " / ".join(sorted((b["dataset"][p], b["dataset"][q]))),
                    "a": str(b["ids"][p]), "b": str(b["ids"][q]),
                    "t_annual": float(abs(d.mean())), "t_worst_month": float(np.abs(d).max()),
                    "ghi_annual": np.nan if with_cswd else float(abs(ghi[p].sum() / ghi[q].sum() - 1)),
                    "pv_yield": np.nan if with_cswd else float(abs(
                        yield_[b["ids"][p]] / yield_[b["ids"][q]] - 1))})
    return pd.DataFrame(rows)


def typical_year_spread(quantile: float = 0.95) -> float:
    """How far two typical years of one place differ in annual mean temperature [K]: the
    ``quantile`` of :func:`colocated_pairs`' ``t_annual``. A site at a station has no
    interpolation error, but its typical year is one of several a place can have; this is the
    temperature uncertainty its climate zone is judged within
    (:data:`weather.site.TYPICAL_YEAR_SPREAD_K`)."""
    return float(np.quantile(colocated_pairs()["t_annual"], quantile))


DATASET_ORDER = ("TMYx", "SWERA", "CSWD", "other", "park-twin")
"""Order of the datasets in tables by dataset; "other" is a file of none of them (a user's own,
as :func:`check_weather_file` names it), "park-twin" a synthetic year this tool wrote."""


def summarise_loo(loo: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Mean absolute and 95th-percentile absolute errors by region (``by="region"``) or by
    dataset (``by="dataset"``: :data:`DATASET_ORDER`) and overall."""
    def agg(g: pd.DataFrame) -> dict:
        rad = g[g["dataset"] != "CSWD"]
        cs = g[g["dataset"] == "CSWD"]
        q = lambda s: float(np.quantile(np.abs(s.dropna()), 0.95)) if s.notna().any() else np.nan
        m = lambda s: float(np.abs(s.dropna()).mean()) if s.notna().any() else np.nan
        return {"n": len(g), "n_rad": len(rad),
                "t_annual_mean": m(g["t_annual"]), "t_annual_p95": q(g["t_annual"]),
                "t_worst_mean": m(g["t_worst_month"]), "t_worst_p95": q(g["t_worst_month"]),
                "ghi_mean": m(rad["ghi_annual"]), "ghi_p95": q(rad["ghi_annual"]),
                "pv_mean": m(rad["pv_yield"]), "pv_p95": q(rad["pv_yield"]),
                "ghi_cswd_mean": m(cs["ghi_annual"]), "ghi_cswd_p95": q(cs["ghi_annual"])}
    from .stations import REGIONS

    groups = REGIONS if by == "region" else DATASET_ORDER
    out = {r: agg(loo[loo[by] == r]) for r in groups if (loo[by] == r).any()}
    out["all"] = agg(loo)
    return pd.DataFrame(out).T


# --- a weather file against the tool's estimate for its site (``twin weather-check``) ---

CHECK_YEAR = 2026
"""Calendar year both years of a file check are put on (months compared, not dates)."""

LEAVE_OUT_PLACE_KM = 15.0
"""Radius of a place in the leave-one-out [km]: stations this close count as one place
(``GROUP_KM`` of scripts/derive_weather_stats.py). A file checked within it of a bundled
station used is no independent check of the method."""

CHECK_ROOF_TILT_DEG = 10.0
"""Tilt of the second PV yield of a file check: the example parks' roofs [deg]."""

FILE_PERIODS = {"CSWD": "cswd", "SWERA": "cswd"}
"""Temperature period that matches a file of each dataset (CSWD 1971-2003, SWERA 1973-2002,
within 0.04 K of each other in the annual mean); TMYx and other files: the recent climate."""


def file_period(dataset: str, record_period: str = "") -> str:
    """The temperature period (:data:`weather.site.TEMPERATURE_PERIODS`) that matches a file:
    :data:`FILE_PERIODS` for CSWD and SWERA, ``"tmyx-2009-2023"`` for a TMYx file whose
    record holds recent years only (its header's period of record,
    :func:`weather.interp.is_recent_record`: a recent window, or a record such as 2004-2025),
    else ``"tmyx"``."""
    from .interp import RECENT_WINDOW, is_recent_record

    if dataset in FILE_PERIODS:
        return FILE_PERIODS[dataset]
    if dataset == "TMYx" and is_recent_record(record_period):
        return f"tmyx-{RECENT_WINDOW}"
    return "tmyx"


def file_period_shift(dataset: str, record_period: str = "") -> np.ndarray:
    """Monthly change from the TMYx period to a file's own [K], 12 values: minus the dataset's
    offset (:func:`weather.interp.dataset_offsets`) for CSWD and SWERA, the shift of
    :func:`file_period` otherwise (the window offset for a TMYx file of recent years, else 0)."""
    from .interp import dataset_offsets
    from .site import temperature_period_shift

    if dataset in FILE_PERIODS:
        return -dataset_offsets()[dataset]
    return temperature_period_shift(file_period(dataset, record_period))


FILE_BASES = {"CSWD": "cswd"}
"""Radiation basis that matches a file of each dataset (CSWD's radiation level is its own,
about 18 % below TMYx); other files: tmyx."""


CHECK_UNITS = {"latitude": "deg N", "longitude": "deg E", "elevation_m": "m", "nearest_km": "km",
               "t_annual_file": "degC", "t_annual_estimate": "degC", "t_annual_error": "K",
               "t_worst_month_error": "K", "t_worst_month": "month",
               "expected_temperature_uncertainty_k": "K", "ghi_file": "kWh/m2",
               "ghi_estimate": "kWh/m2", "ghi_error": "-", "expected_ghi_uncertainty": "-",
               "pv_yield_file": "kWh/kWp", "pv_yield_error": "-", "pv_yield_roof_error": "-"}
"""Units of :func:`check_weather_file`'s numbers (the CSV's ``name [unit]`` headers)."""


def file_dataset(data_source: str) -> str:
    """The typical-year dataset an EPW header's data-source field names: ``"TMYx"``,
    ``"CSWD"``, ``"SWERA"``, or ``""`` for any other file (a user's own)."""
    s = data_source.upper()
    for key, name in (("CSWD", "CSWD"), ("SWERA", "SWERA"), ("TMYX", "TMYx")):
        if key in s:
            return name
    return ""


def _wmo_index(wmo: str) -> str | None:
    """The five-digit WMO index of a header's WMO field (``"584240"`` -> ``"58424"``), else None."""
    return wmo[:5] if len(wmo) >= 5 and wmo[:5].isdigit() else None


def places_near(lat: float, lon: float, km: float, wmo: str = "") -> frozenset:
    """Station groups (places, :func:`weather.stations.station_table` ``group``) with a bundled
    station within ``km`` of the site [km], or of the file's WMO number (its first five digits),
    as the leave-one-out leaves a station's place out. ``km <= 0``: none."""
    from ._core import haversine_km
    from .stations import station_table

    if km <= 0:
        return frozenset()
    st = station_table()
    near = haversine_km(lat, lon, st["lat"].to_numpy(), st["lon"].to_numpy()) <= km
    if _wmo_index(wmo):
        near |= (st["wmo"] == _wmo_index(wmo)).to_numpy()
    return frozenset(st.loc[near, "group"])


def _same_number_hint(wmo: str) -> str:
    """Where the bundled stations with a file's WMO number stand (a header position may be
    wrong, as three CSWD headers were: weather/VALIDATION.md, section 1)."""
    from .stations import station_table

    index = _wmo_index(wmo)
    if index is None:
        return ""
    st = station_table()
    same = st[st["wmo"] == index]
    if same.empty:
        return ""
    where = "; ".join(f"{r['name']} {r['name_zh']} ({r['dataset']}) at {r['lat']:.2f} N "
                      f"{r['lon']:.2f} E, {r['elevation_m']:.0f} m" for _, r in same.iterrows())
    return f" (bundled station with its WMO number {index}: {where})"


def _file_region(lat: float, lon: float, elevation: float) -> str:
    """Planning region of a file's site by the province of the nearest division seat (as the
    bundled stations' regions, which it reproduces for all 329), "" without a seat within
    300 km; the interpolation's own region (the nearest station's) can change when the file's
    place is left out."""
    from .places import nearest_seat_province
    from .stations import region_of

    prov = nearest_seat_province(lat, lon)
    return region_of(prov[0], lat, lon, elevation) if prov else ""


def _check_file_site(fmeta) -> None:
    """Refuse a file whose header puts its site outside mainland China, where the tool makes no
    estimate to compare it with (a header's wrong position is named by the bundled stations of
    its WMO number)."""
    from ._core import WeatherError
    from .places import OUTSIDE_CHINA_MARGIN_KM, km_outside_china

    lat, lon = fmeta.latitude, fmeta.longitude
    gap = km_outside_china(lat, lon)
    if gap <= OUTSIDE_CHINA_MARGIN_KM:
        return
    raise WeatherError(f"weather file {fmeta.provenance['file']!r}: its header (LOCATION line, or TMY3 first "
                       f"line) puts its site at {lat:.2f} N, {lon:.2f} E, about {gap:,.0f} km outside mainland "
                       f"China, where the tool makes no estimate to compare it with: weather-check checks "
                       f"files of sites in mainland China (if the file is of one, correct the header's "
                       f"latitude and longitude)" + _same_number_hint(fmeta.provenance.get("wmo", "")))


def check_weather_file(path, *, leave_out_km: float = 0.0, radiation_basis: str = "auto",
                       temperature_period: str = "auto", seed: int = 0) -> dict:
    """The tool's typical year for a weather file's site against the file.

    The site is the file's header position and elevation; the estimate is what
    ``twin weather --lat --lon --elevation`` gives there (:func:`weather.site_weather`),
    with the bundled stations of every place within ``leave_out_km`` (and of the file's WMO
    number) left out, as in the leave-one-out of weather/VALIDATION.md. The same figures as
    that test: annual and worst-month mean temperature, annual GHI, PV yield (PVWatts chain of
    :func:`pv_specific_yield`) at latitude tilt and at a 10 deg roof.

    Parameters
    ----------
    path : str or path-like
        EPW (``.epw``, ``.epw.gz``, a ``.zip`` archive holding one) or TMY3 CSV file.
    leave_out_km : float
        Leave out bundled places within this distance [km]; 0 (default) uses every station,
        as a planner's run does; 15 is the leave-one-out's place.
    radiation_basis : {"auto", "tmyx", "cswd"}
    temperature_period : {"auto", "tmyx", "cswd", "tmyx-2009-2023"}
        ``"auto"`` matches the file's dataset (:data:`FILE_BASES`, :func:`file_period`): a
        CSWD file is compared on the cswd radiation level and in the 1971-2003 climate; a
        SWERA file in that climate with its monthly means moved on by the SWERA offset minus
        the CSWD offset (:func:`weather.interp.dataset_offsets`, 0.04 K in the annual mean);
        a TMYx file of a recent window (its header's period of record, e.g. 2009-2023) in the
        2009-2023 climate; so every file is compared in its own period as in
        weather/VALIDATION.md. A synthetic year this tool wrote (dataset ``park-twin``) is
        compared on its own basis and period with what it was made from: its station's own
        statistics, or the interpolation at its site (:func:`weather.site.file_estimate_plan`).
    seed : int
        Seed of the synthetic year.

    Returns
    -------
    dict
        ``file, station, dataset, latitude, longitude, elevation_m, region`` (of
        :data:`weather.stations.REGIONS`), ``left_out`` (stations left out),
        ``nearest_station, nearest_km, radiation_basis, temperature_period``,
        ``t_annual_file, t_annual_estimate`` [degC], ``t_annual_error, t_worst_month_error``
        (estimate minus file, signed [K]), ``t_worst_month`` (1-12),
        ``expected_temperature_uncertainty_k`` (stated for the site, None at a station),
        ``ghi_file, ghi_estimate`` [kWh/m2], ``ghi_error`` (relative [-]),
        ``expected_ghi_uncertainty`` [-], ``pv_yield_file`` [kWh/kWp], ``pv_yield_error``,
        ``pv_yield_roof_error`` (relative [-]), ``zone_file, zone_estimate`` (GB 50176),
        ``independent`` (no bundled station used within :data:`LEAVE_OUT_PLACE_KM`).

    Raises
    ------
    WeatherError
        The file cannot be read, or its site is outside mainland China.
    """
    from ._core import WeatherError
    from .site import (
        PARK_TWIN_DATASET,
        TEMPERATURE_PERIODS,
        _check_choice,
        file_estimate_plan,
        site_weather,
        temperature_period_shift,
    )
    from .stations import station_table

    ref, fmeta = site_weather(path=path, year=CHECK_YEAR)
    lat, lon, z = fmeta.latitude, fmeta.longitude, fmeta.elevation
    plan = file_estimate_plan(fmeta)
    ds = plan["dataset"]
    record = fmeta.provenance.get("record_period", "")
    basis = _check_choice("radiation_basis", radiation_basis, {"auto": "", "tmyx": "", "cswd": ""}, "auto")
    period = _check_choice("temperature_period", temperature_period, {"auto": "", **TEMPERATURE_PERIODS}, "auto")
    basis = plan["basis"] if basis == "auto" else basis
    # the estimate in the file's own period: a SWERA file's differs from the run's
    own_period = period == "auto" and ds != PARK_TWIN_DATASET
    period = plan["period"] if period == "auto" else period
    _check_file_site(fmeta)
    groups = places_near(lat, lon, leave_out_km, fmeta.provenance.get("wmo", ""))
    # a station's own year this tool wrote: that station's statistics (unless left out)
    station = plan["station"] if not groups else None
    where = {"city": station, "lat": lat, "lon": lon} if station else {"lat": lat, "lon": lon}
    try:
        syn, meta = site_weather(**where, elevation=z, year=CHECK_YEAR, seed=seed,
                                 radiation_basis=basis, temperature_period=period,
                                 exclude_groups=groups, province_known=True)
    except WeatherError as exc:
        raise WeatherError(f"weather file {fmeta.provenance['file']!r}, the site its header (LOCATION "
                           f"line, or TMY3 first line) gives: {exc}"
                           + _same_number_hint(fmeta.provenance.get("wmo", ""))) from None
    st = station_table()
    left = st[st["group"].isin(groups)]
    t_s = syn["temp_air"].groupby(syn.index.month).mean().to_numpy()
    if own_period:  # to the file's own period (differs from the run's only for SWERA)
        t_s = t_s - temperature_period_shift(period) + file_period_shift(ds, record)
    t_f = ref["temp_air"].groupby(ref.index.month).mean().to_numpy()
    dt = t_s - t_f
    worst = int(np.argmax(np.abs(dt)))
    y_f = pv_specific_yield(ref, lat, lon, z)
    y_s = pv_specific_yield(syn, lat, lon, z)
    roof_f = pv_specific_yield(ref, lat, lon, z, tilt=CHECK_ROOF_TILT_DEG)
    roof_s = pv_specific_yield(syn, lat, lon, z, tilt=CHECK_ROOF_TILT_DEG)
    nearest = min(meta.stations, key=lambda s: s["distance_km"]) if meta.stations else None
    return {"file": fmeta.provenance["file"], "station": fmeta.provenance.get("station", ""),
            "dataset": ds or "other", "latitude": lat, "longitude": lon, "elevation_m": z,
            "region": _file_region(lat, lon, z) or meta.region,
            "left_out": "; ".join(f"{r['name']} ({r['dataset']})" for _, r in left.iterrows()),
            "nearest_station": (f"{nearest['name']} {nearest['name_zh']} ({nearest['dataset']})"
                                if nearest else ""),
            "nearest_km": float(nearest["distance_km"]) if nearest else float("nan"),
            "radiation_basis": basis, "temperature_period": period,
            "t_annual_file": float(t_f.mean()), "t_annual_estimate": float(t_s.mean()),
            "t_annual_error": float(dt.mean()), "t_worst_month_error": float(dt[worst]),
            "t_worst_month": worst + 1,
            "expected_temperature_uncertainty_k": meta.expected_temperature_uncertainty_k,
            "ghi_file": float(ref["ghi"].sum() / 1000), "ghi_estimate": float(syn["ghi"].sum() / 1000),
            "ghi_error": float(syn["ghi"].sum() / ref["ghi"].sum() - 1),
            "expected_ghi_uncertainty": float(meta.expected_uncertainty),
            "pv_yield_file": y_f, "pv_yield_error": y_s / y_f - 1,
            "pv_yield_roof_error": roof_s / roof_f - 1,
            "zone_file": fmeta.climate_zone.get("subzone", ""),
            "zone_estimate": meta.climate_zone.get("subzone", ""),
            "independent": not (nearest and nearest["distance_km"] <= LEAVE_OUT_PLACE_KM)}


def summarise_checks(rows: pd.DataFrame) -> pd.DataFrame:
    """The goals of issue 11 (:data:`GOALS`) over checked files: per quantity the files
    counted, mean and 95th-percentile absolute error and the share within the goal.
    Radiation figures count files whose radiation is not CSWD's (modelled from sunshine
    duration; the goals name TMYx/SWERA files)."""
    rad = rows[rows["dataset"] != "CSWD"]
    spec = (("annual mean temperature", rows["t_annual_error"], GOALS["t_annual_k"], "K"),
            ("worst-month temperature", rows["t_worst_month_error"], GOALS["t_worst_month_k"], "K"),
            ("annual GHI", rad["ghi_error"], GOALS["ghi_annual"], "-"),
            ("PV yield, latitude tilt", rad["pv_yield_error"], GOALS["pv_yield"], "-"),
            (f"PV yield, {CHECK_ROOF_TILT_DEG:.0f} deg roof", rad["pv_yield_roof_error"],
             GOALS["pv_yield"], "-"))
    out = []
    for name, err, goal, unit in spec:
        a = np.abs(err.dropna().to_numpy(float))
        out.append({"quantity": name, "unit": unit, "files": len(a), "goal": goal,
                    "mean_abs": float(a.mean()) if len(a) else np.nan,
                    "p95_abs": float(np.quantile(a, 0.95)) if len(a) else np.nan,
                    "within_goal": float(np.mean(a <= goal)) if len(a) else np.nan})
    return pd.DataFrame(out)


def checks_by_region(rows: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """:func:`summarise_loo` of checked files (rows of :func:`check_weather_file`): mean and
    95th-percentile absolute errors by region (or ``by="dataset"``) and overall, as
    weather/VALIDATION.md's tables."""
    as_loo = {"t_annual_error": "t_annual", "t_worst_month_error": "t_worst_month",
              "ghi_error": "ghi_annual", "pv_yield_error": "pv_yield"}
    return summarise_loo(rows.drop(columns="t_worst_month").rename(columns=as_loo), by=by)


def stated_coverage(rows: pd.DataFrame) -> dict[str, float]:
    """Share of checked files whose error lies within what the tool states for their site [-]:
    ``temperature`` (annual mean against ``expected_temperature_uncertainty_k``), ``ghi``
    (annual GHI against ``expected_ghi_uncertainty``, files whose radiation is not CSWD's);
    NaN without such files. The stated values are meant to hold at 95 % of sites."""
    t = rows.dropna(subset=["expected_temperature_uncertainty_k"])
    rad = rows[rows["dataset"] != "CSWD"]

    def share(err, unc) -> float:
        return float(np.mean(np.abs(err.to_numpy(float)) <= unc.to_numpy(float))) if len(err) else np.nan

    return {"temperature": share(t["t_annual_error"], t["expected_temperature_uncertainty_k"]),
            "ghi": share(rad["ghi_error"], rad["expected_ghi_uncertainty"]),
            "temperature_files": len(t), "ghi_files": len(rad)}


WEATHER_FILE_SUFFIXES = (".epw", ".epw.gz", ".zip", ".csv")
"""Files a directory given to ``twin weather-check`` contributes (EPW, gzipped EPW, a zip archive
holding an EPW as Climate.OneBuilding.org distributes them, TMY3 CSV)."""


def looks_like_tmy3(path) -> bool:
    """Whether a CSV file's first line is a TMY3 station line (USAF number, name, state, then
    time zone, latitude, longitude and elevation as numbers), as NREL's TMY3 files begin; a
    table with a header of column names (a station list, `twin weather` output) is not."""
    try:
        with open(path, encoding="latin-1") as fh:
            first = fh.readline(4096)
    except OSError:
        return True  # let the reader name what is wrong with it
    fields = [f.strip().strip('"') for f in first.split(",")]
    if len(fields) < 7:
        return False
    try:
        [float(x) for x in fields[3:7]]
    except ValueError:
        return False
    return True


def weather_files(paths, skipped: list | None = None) -> list:
    """The weather files among ``paths`` [pathlib.Path]: files as given, directories' files
    ending in :data:`WEATHER_FILE_SUFFIXES` (not recursive), sorted by name. A directory's CSV
    files that are not TMY3 files (:func:`looks_like_tmy3`: a station list beside downloaded
    EPW files) are left out and appended to ``skipped``; a CSV given by name is always taken.

    Raises
    ------
    WeatherError
        A path does not exist, or a directory holds no weather file.
    """
    from pathlib import Path

    from ._core import WeatherError

    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir()
                           if f.is_file() and f.name.lower().endswith(WEATHER_FILE_SUFFIXES))
            tables = [f for f in found if f.suffix.lower() == ".csv" and not looks_like_tmy3(f)]
            if skipped is not None:
                skipped += tables
            found = [f for f in found if f not in tables]
            if not found:
                raise WeatherError(f"{p}: no weather file in this folder (expected names ending "
                                   f"in {', '.join(WEATHER_FILE_SUFFIXES)}"
                                   + (f"; {', '.join(f.name for f in tables[:3])} "
                                      + ("is a table, not a TMY3 file" if len(tables) == 1
                                         else "are tables, not TMY3 files") if tables else "") + ")")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise WeatherError(f"{p}: no such file or folder")
    return out


# ----------------------------------------------------------------------------- design temperatures
def design_temperature_check(paths, leave_out: bool = True, progress=None) -> pd.DataFrame:
    """The weather's design temperatures and cold hours against the climatic design conditions
    the station files carry (ASHRAE Handbook, computed from each station's long hourly record).

    For every bundled station whose file (among ``paths``) has a DESIGN CONDITIONS line
    (:func:`weather.io.design_conditions`), one row per place (a TMYx file's 2025 conditions
    preferred to the 2009 ones of CSWD and SWERA files): the long record's dry-bulb exceeded
    50 h a year (:func:`weather.design.value_at_hours` between 0.4 % and 1 %) and its 99.6 %
    dry-bulb (undercut 35 h a year), against the same of the typical-year file itself, of the
    tool at the station (:func:`weather.site_weather` with ``city=`` the station: the hourly
    year of its seed, and the site's design values, the mean over its climate's synthetic years,
    ``WeatherMeta.design_temperatures``) and, with ``leave_out``, of the interpolation with the
    station's place left out (what a site between stations gets: the mean over the same number
    of years). The 6th-coldest daily mean (GB 50736-2012 4.1.2) has no long-record counterpart
    in the handbook; it is compared with the file's. The design wet-bulb (GB 50736-2012 4.1.7,
    exceeded 50 h a year, :func:`weather.design.extreme_wet_bulb_c`) likewise against the
    handbook's wet-bulbs exceeded 0.4 % and 1 % of the hours, where the line carries them. The
    section's other parameters (:data:`weather.design.SECTION_4_1`) have no counterpart in the
    handbook and are compared with the file's own year.

    Returns
    -------
    pandas.DataFrame
        Per place: ``id, name, name_zh, dataset, region, handbook``; cooling design dry-bulb
        ``cool_long_c``, ``cool_file_c``, ``cool_year_c`` (the tool's hourly year, the most
        typical of the climate's synthetic years), ``cool_seed0_c`` (the year of seed 0, the
        default until 2026-12), ``cool_climate_c`` (the tool's design value), ``cool_loo_c``;
        the hour undercut 35 h a year ``cold_long_c`` (99.6 %), ``cold_file_c``, ``cold_year_c``,
        ``cold_seed0_c``, ``cold_climate_c``, ``cold_loo_c``; heating design daily mean
        ``heat_file_c``, ``heat_year_c``, ``heat_seed0_c``, ``heat_climate_c``, ``heat_loo_c``;
        design wet-bulb ``wb_long_c`` (NaN without the handbook's), ``wb_file_c``, ``wb_year_c``,
        ``wb_seed0_c``, ``wb_climate_c``, ``wb_loo_c`` [°C] (``*_loo_c`` NaN without
        ``leave_out``); for each other parameter of section 4.1 (key ``k`` of
        :data:`weather.design.SECTION_4_1`), ``s41_<k>_file``, ``s41_<k>_climate``,
        ``s41_<k>_loo`` [its unit]; the hourly year's ``seed``, degree days of
        the climate, the year and seed 0's year ``cdd26_climate``, ``cdd26_year``,
        ``cdd26_seed0``, ``hdd18_climate``, ``hdd18_year`` [K d] and ``zone_year_same`` (the
        year's own sub-zone is the climate's).
    """
    import gzip
    from pathlib import Path

    from .climate_zone import degree_days as year_degree_days
    from .design import COOLING_DESIGN_HOURS_NOT_GUARANTEED as H50
    from .design import DESIGN_DAYS_NOT_GUARANTEED as D5
    from .design import DESIGN_PERCENT_HOURS as H
    from .design import (
        SECTION_4_1,
        climate_design_temperatures,
        coldest_daily_mean_c,
        design_of_year,
        extreme_hour_c,
        extreme_wet_bulb_c,
        season_wind_speeds,
        value_at_hours,
        years_design,
    )
    from .design import WET_BULB_DESIGN_HOURS_NOT_GUARANTEED as W50
    from .generator import synthesize
    from .interp import TEMPERATURE_SUSPECT, interpolate
    from .io import design_conditions, station_pressure
    from .site import climate_air_years, site_weather
    from .stations import station_table

    st = station_table()
    by_name = {}
    for p in paths:
        p = Path(p)
        by_name[p.name.removesuffix(".gz")] = p
    found = []
    for sid, row in st.iterrows():
        p = by_name.get(row["file"])
        if p is None or sid in TEMPERATURE_SUSPECT:
            continue
        opener = gzip.open if p.name.endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8", errors="replace") as fh:
            head = "".join(fh.readline() for _ in range(8))
        dc = design_conditions(head)
        if dc is not None:
            found.append((sid, dc, p))
    rank = {"TMYx": 0, "CSWD": 1, "SWERA": 2}
    found.sort(key=lambda x: (st.loc[x[0], "group"], rank.get(st.loc[x[0], "dataset"], 3)))
    seen: set = set()
    todo = [f for f in found if not (st.loc[f[0], "group"] in seen or seen.add(st.loc[f[0], "group"]))]
    rows = []
    for i, (sid, dc, p) in enumerate(todo):
        s = st.loc[sid]
        df, meta = site_weather(city=sid)
        y0 = df if meta.seed == 0 else site_weather(city=sid, seed=0)[0]
        t0 = y0["temp_air"]
        zone = meta.climate_zone
        cdd0 = year_degree_days(t0.to_numpy())[1]
        pa = station_pressure(meta.elevation)
        t_file, rh_file, ws_file = pd.read_csv(p, skiprows=8, header=None,
                                               usecols=[6, 8, 21]).to_numpy(float).T
        file_series = pd.Series(t_file[:len(df)], index=df.index[:len(t_file)])
        design = meta.design_temperatures
        r = {"id": sid, "name": s["name"], "name_zh": s["name_zh"], "dataset": s["dataset"],
             "region": s["region"], "handbook": dc["source"],
             "cool_long_c": value_at_hours(dc["cooling_04_c"], H["0.4"], dc["cooling_1_c"], H["1"], H50),
             "cool_file_c": extreme_hour_c(t_file, H50),
             "cool_year_c": extreme_hour_c(df["temp_air"], H50),
             "cool_climate_c": design["cooling_c"],
             "cool_seed0_c": extreme_hour_c(t0, H50),
             "cold_seed0_c": extreme_hour_c(t0, H["99.6"], hottest=False),
             "heat_seed0_c": coldest_daily_mean_c(t0, D5),
             "seed": meta.seed, "cdd26_climate": zone["cdd26"], "cdd26_year": zone["year_cdd26"],
             "cdd26_seed0": cdd0, "hdd18_climate": zone["hdd18"], "hdd18_year": zone["year_hdd18"],
             "zone_year_same": zone["year_subzone"] == zone["subzone"],
             "cold_long_c": dc["heating_996_c"],
             "cold_file_c": extreme_hour_c(t_file, H["99.6"], hottest=False),
             "cold_year_c": extreme_hour_c(df["temp_air"], H["99.6"], hottest=False),
             "cold_climate_c": design["cold_hour_c"],
             "heat_file_c": coldest_daily_mean_c(file_series, D5),
             "heat_year_c": coldest_daily_mean_c(df["temp_air"], D5),
             "heat_climate_c": design["heating_c"],
             "wb_long_c": value_at_hours(dc["wet_bulb_04_c"], H["0.4"], dc["wet_bulb_1_c"], H["1"], W50),
             "wb_file_c": extreme_wet_bulb_c(t_file, rh_file, pa, W50),
             "wb_year_c": extreme_wet_bulb_c(df["temp_air"], df["relative_humidity"], pa, W50),
             "wb_seed0_c": extreme_wet_bulb_c(t0, y0["relative_humidity"], pa, W50),
             "wb_climate_c": design["wet_bulb_c"],
             "cool_loo_c": np.nan, "cold_loo_c": np.nan, "heat_loo_c": np.nan, "wb_loo_c": np.nan}
        n = min(len(df), len(t_file))
        own = design_of_year(pd.Series(t_file[:n], index=df.index[:n]), rh_file[:n], pa, ws_file[:n])
        other = [key for _, key, *_ in SECTION_4_1 if key not in ("heating_c", "cooling_c", "wet_bulb_c")]
        for key in other:
            r[f"s41_{key}_file"], r[f"s41_{key}_climate"], r[f"s41_{key}_loo"] = own[key], design[key], np.nan
        if leave_out:
            stats, _ = interpolate(s["lat"], s["lon"], s["elevation_m"],
                                   exclude_groups=frozenset([s["group"]]))
            years, humidity = climate_air_years(stats, s["lon"], df.index[0].year)
            loo = climate_design_temperatures(years_design(years, df.index, humidity, pa))
            r.update(cool_loo_c=loo["cooling_c"], cold_loo_c=loo["cold_hour_c"], heat_loo_c=loo["heating_c"],
                     wb_loo_c=loo["wet_bulb_c"])
            wind = synthesize(stats, s["lat"], s["lon"], year=df.index[0].year)  # months' wind restored
            loo.update(season_wind_speeds(wind["wind_speed"], wind["temp_air"]))
            for key in other:
                r[f"s41_{key}_loo"] = loo[key]
        rows.append(r)
        if progress is not None:
            progress(i + 1, len(todo), sid)
    return pd.DataFrame(rows)

