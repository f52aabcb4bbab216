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

from .solar import cos_zenith

KT_MIN_COSZ = 0.1
"""Hourly clearness index is compared only for cos(zenith) >= this [-]."""


def pv_specific_yield(df: pd.DataFrame, latitude: float, longitude: float,
                      elevation: float = 0.0, tilt: float | None = None) -> float:
    """Annual AC specific yield of a fixed south-facing PVWatts array [kWh/kWp].

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
    return float(np.nansum(np.clip(pac, 0, None)))


def hourly_kt(df: pd.DataFrame, latitude: float, longitude: float) -> np.ndarray:
    """Hourly clearness index GHI / (E0 cos z) for cos z >= KT_MIN_COSZ, sun at mid-hour [-]."""
    import pvlib

    cz = cos_zenith(df.index, latitude, longitude, 0.5)
    e0 = np.asarray(pvlib.irradiance.get_extra_radiation(df.index.dayofyear.to_numpy()))
    sel = cz >= KT_MIN_COSZ
    return np.clip(df["ghi"].to_numpy()[sel] / (e0[sel] * cz[sel]), 0, 1.2)


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
        ``ws_err`` annual mean wind difference [m/s].
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
            "ws_err": float(synth["wind_speed"].mean() - ref["wind_speed"].mean())}


DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

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


def summarise_loo(loo: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute and 95th-percentile absolute errors by region and overall."""
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

    out = {r: agg(loo[loo["region"] == r]) for r in REGIONS if (loo["region"] == r).any()}
    out["all"] = agg(loo)
    return pd.DataFrame(out).T
