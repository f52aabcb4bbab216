"""Weather for a site: the user's file, a reference city, or any lat/lon in China.

For an arbitrary site:

* monthly GHI = MERRA-2 monthly mean GHI at the site (bilinear on the 3 deg
  grid) x a correction factor B = (city GHI / MERRA-2 at the city), B
  inverse-distance weighted over the nearest cities with a background weight
  1/L^2 toward the all-city median of B. Near a city the local correction
  dominates (e.g. the Sichuan basin, where MERRA-2 is up to +38 % high); far
  from every city the factor relaxes to the median, so a plateau site does not
  inherit a basin's correction;
* monthly mean temperature = a per-month linear trend in latitude fitted to the
  cities' sea-level-equivalent temperatures (lapse rate 6.5 K/km) + the
  inverse-distance weighted residuals of the neighbours (relaxing to 0 far away)
  - lapse rate x site elevation;
* all other statistics (clear-sky-index distribution shape, diffuse fraction,
  diurnal cycle, humidity, wind) are inverse-distance weighted over the
  neighbours, the clear-sky-index quantiles rescaled to the site's GHI level.

Neighbour weights are 1/max(d, 25 km)^2 x exp(-|dz| / 600 m): a neighbour at a
very different elevation (basin vs plateau) counts little. The method was
chosen and its constants set on a leave-one-out test over the 34 cities; see
``weather/VALIDATION.md``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ._core import CHINA_BBOX, WeatherError, WeatherMeta, haversine_km, hourly_index
from .cities import CITIES, resolve_city
from .io import read_weather_file
from .solar import cos_zenith, haurwitz_ghi
from .stats import KC_COLS, city_stats_table, merra2_table

N_NEIGHBOURS = 4
"""Reference cities combined for a site [-]."""

IDW_POWER = 2.0
"""Inverse-distance weighting exponent [-]."""

IDW_MIN_DISTANCE_KM = 25.0
"""Distances below this are treated as this in the weights (avoids a single-city blow-up) [km]."""

ELEVATION_SCALE_M = 600.0
"""Neighbour weight factor exp(-|elevation difference| / this) [m]."""

LAPSE_RATE_K_PER_M = 0.0065
"""Temperature lapse rate for elevation differences [K/m] (ICAO standard atmosphere, 6.5 K/km)."""

TEMP_OUTLIER_K = 5.0
"""Cities whose annual sea-level-equivalent temperature departs from the latitude trend
by more than this are left out of the temperature interpolation [K]."""

BACKGROUND_LENGTH_KM = 500.0
"""Length scale of the background weight 1/L^2 that pulls the GHI correction factor
(city GHI / MERRA-2 at the city) toward its all-city median far from any city [km]."""

UNCERTAINTY_BASE = 0.03
"""Expected annual-GHI uncertainty at a reference city [-]: the leave-one-out mean absolute
error of the method at about 100 km was 3 % (weather/VALIDATION.md)."""

UNCERTAINTY_PER_100KM = 0.01
"""Growth of the expected uncertainty with distance to the nearest city [- per 100 km]."""

UNCERTAINTY_DISTANCE_CAP_KM = 400.0
"""Beyond this distance the uncertainty no longer grows with distance (far from every city
the estimate rests on MERRA-2 and the median correction; CDSRD check: mean abs error about
7 % there) [km]."""

UNCERTAINTY_PER_KM_ELEVATION = 0.03
"""Growth of the expected uncertainty per km of elevation difference to the nearest city [-/km]."""

CITY_MATCH_KM = 30.0
"""With both city= and lat=/lon=, the city's statistics are used if the site is within
this distance of the city's station; otherwise the site is interpolated [km]."""

UNCERTAINTY_MAX = 0.3
"""Cap of the expected uncertainty [-]."""

_FILE_ADVICE = ("for final studies use a measured or typical-year EPW of the site "
                "(site_weather(path=...)): synthetic years reproduce monthly statistics, "
                "not a particular year's weather")


def _check_coords(lat, lon) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise WeatherError(f"lat/lon: expected numbers in degrees, got {lat!r}, {lon!r}") from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise WeatherError(f"lat/lon: expected finite numbers, got {lat!r}, {lon!r}")
    la0, la1, lo0, lo1 = CHINA_BBOX
    if not (la0 <= lat_f <= la1 and lo0 <= lon_f <= lo1):
        raise WeatherError(f"lat/lon ({lat_f}, {lon_f}): outside China's bounding box "
                           f"(latitude {la0}..{la1} N, longitude {lo0}..{lo1} E); this "
                           f"generator only covers China — pass path= to a weather file")
    return lat_f, lon_f


@lru_cache(maxsize=1)
def _merra_grid() -> dict:
    tab = merra2_table()
    cols = [f"ghi_Wm2_{m:02d}" for m in range(1, 13)]
    return {(round(a, 3), round(o, 3)): v for a, o, v in
            zip(tab["lat"], tab["lon"], tab[cols].to_numpy(float))}


@lru_cache(maxsize=64)
def _city_merra(name: str) -> np.ndarray:
    return merra2_monthly_ghi(CITIES[name].lat, CITIES[name].lon)


def merra2_monthly_ghi(lat: float, lon: float) -> np.ndarray:
    """MERRA-2 monthly mean GHI at a point [W/m2], 12 values.

    Bilinear interpolation on the 3 deg grid of land cells; where a corner cell is
    missing (sea) the available corners are weighted by the bilinear weights.
    """
    grid = _merra_grid()
    la0 = math.floor(lat / 3.0) * 3.0
    lo0 = math.floor(lon / 3.0) * 3.0
    ta, to = (lat - la0) / 3.0, (lon - lo0) / 3.0
    acc, wsum = np.zeros(12), 0.0
    for da, wa in ((0, 1 - ta), (3, ta)):
        for do, wo in ((0, 1 - to), (3, to)):
            v = grid.get((round(la0 + da, 3), round(lo0 + do, 3)))
            if v is not None and wa * wo > 0:
                acc += wa * wo * v
                wsum += wa * wo
    if wsum < 1e-6:
        tab = merra2_table()
        cols = [f"ghi_Wm2_{m:02d}" for m in range(1, 13)]
        d = haversine_km(lat, lon, tab["lat"].to_numpy(), tab["lon"].to_numpy())
        j = np.argsort(d)[:4]
        if d[j[0]] > 400:
            raise WeatherError(f"lat/lon ({lat}, {lon}): no MERRA-2 land cell within 400 km")
        w = 1.0 / np.maximum(d[j], 1.0) ** 2
        return (tab[cols].to_numpy(float)[j] * w[:, None]).sum(0) / w.sum()
    return acc / wsum


def clear_sky_daily_wh(lat: float, lon: float) -> np.ndarray:
    """Mean daily Haurwitz clear-sky GHI per month [Wh/m2/day], 12 values."""
    idx = hourly_index(2025)
    cs = haurwitz_ghi(cos_zenith(idx, lat, lon, 0.5))
    m = idx.month.to_numpy()
    return np.bincount(m, weights=cs, minlength=13)[1:] / (np.bincount(m, minlength=13)[1:] / 24)


def interpolate_stats(lat: float, lon: float, elevation: float | None = None,
                      exclude: tuple[str, ...] = ()):
    """Monthly statistics for a site from the bundled reference cities.

    Parameters
    ----------
    lat, lon : float
        Site [deg].
    elevation : float or None
        Site elevation [m]; ``None`` uses the weighted neighbour elevation.
    exclude : tuple of str
        Reference cities to leave out (leave-one-out validation).

    Returns
    -------
    stats : pandas.DataFrame
        12 rows of :data:`weather.stats.STAT_COLUMNS`.
    info : dict
        ``neighbours`` (name -> weight), ``nearest``, ``distance_km``,
        ``elevation``, ``elevation_assumed``, ``nearest_elevation``.
    """
    tab = city_stats_table()
    names = [n for n in CITIES if n not in exclude]
    la = np.array([CITIES[n].lat for n in names])
    lo = np.array([CITIES[n].lon for n in names])
    el = np.array([CITIES[n].elevation for n in names])
    d = haversine_km(lat, lon, la, lo)
    order = np.argsort(d)[:N_NEIGHBOURS]
    w = 1.0 / np.maximum(d[order], IDW_MIN_DISTANCE_KM) ** IDW_POWER
    elevation_assumed = elevation is None
    if elevation_assumed:
        elevation = float((w * el[order]).sum() / w.sum())
    w = w * np.exp(-np.abs(el[order] - elevation) / ELEVATION_SCALE_M)
    m_site = merra2_monthly_ghi(lat, lon)
    # GHI: MERRA-2 at the site x correction factor B = city GHI / MERRA-2 at the city,
    # IDW-interpolated with a background weight toward the all-city median of B.
    all_b = np.array([tab.loc[n].sort_index()["ghi_kwh_day"].to_numpy() * 1000 / 24
                      / _city_merra(n) for n in names])
    b_bg = np.median(all_b, axis=0)
    w_raw = w.copy()
    w0 = 1.0 / BACKGROUND_LENGTH_KM ** 2
    b_site = ((w_raw[:, None] * all_b[order]).sum(0) + w0 * b_bg) / (w_raw.sum() + w0)
    ghi_site = m_site * b_site * 24 / 1000
    # temperature: latitude trend per month + IDW of the cities' residuals (lapse rate fixed)
    t_all = np.array([tab.loc[n].sort_index()["t_mean"].to_numpy() for n in names])
    t_sea = t_all + LAPSE_RATE_K_PER_M * el[:, None]
    A = np.column_stack([np.ones(len(names)), la])
    coef, *_ = np.linalg.lstsq(A, t_sea, rcond=None)
    resid = t_sea - A @ coef
    # cities whose temperatures contradict their header elevation (Huang.Shan: 1836 m in the
    # header, lowland temperatures in the data) are left out of the temperature fit
    good = np.abs(resid.mean(1)) <= TEMP_OUTLIER_K
    coef, *_ = np.linalg.lstsq(A[good], t_sea[good], rcond=None)
    resid = np.where(good[:, None], t_sea - A @ coef, 0.0)
    w_t = w_raw * good[order]
    r_site = ((w_t[:, None] * resid[order]).sum(0)) / (w_t.sum() + w0)
    t_site = coef[0] + coef[1] * lat + r_site - LAPSE_RATE_K_PER_M * elevation
    w = w / w.sum()
    blended = sum(tab.loc[names[j]].sort_index() * wi for wi, j in zip(w, order))
    blended["ghi_kwh_day"] = ghi_site
    blended["t_mean"] = t_site
    # clear-sky index distribution moved to the site's monthly level
    kc_target = blended["ghi_kwh_day"].to_numpy() * 1000.0 / clear_sky_daily_wh(lat, lon)
    f = kc_target / blended["kc_mean"].to_numpy()
    for c in (*KC_COLS, "kc_mean"):
        blended[c] = blended[c].to_numpy() * f
    info = {"neighbours": {names[j]: float(wi) for wi, j in zip(w, order)},
            "nearest": names[order[0]], "distance_km": float(d[order[0]]),
            "elevation": float(elevation), "elevation_assumed": elevation_assumed,
            "nearest_elevation": float(el[order[0]])}
    return blended, info


def expected_uncertainty(distance_km: float, elevation_diff_m: float) -> float:
    """Expected relative error of the annual GHI of a synthetic site year [-].

    ``UNCERTAINTY_BASE + UNCERTAINTY_PER_100KM * min(d, UNCERTAINTY_DISTANCE_CAP_KM)/100 +
    UNCERTAINTY_PER_KM_ELEVATION * |dz|/1000``, capped at ``UNCERTAINTY_MAX``. It is meant
    as a typical (mean absolute) error, not a bound.
    """
    u = (UNCERTAINTY_BASE
         + UNCERTAINTY_PER_100KM * min(distance_km, UNCERTAINTY_DISTANCE_CAP_KM) / 100.0
         + UNCERTAINTY_PER_KM_ELEVATION * abs(elevation_diff_m) / 1000.0)
    return float(min(u, UNCERTAINTY_MAX))


def _stats_provenance() -> dict:
    return {"stats": "weather/data/city_monthly_stats.csv (derived from Climate.OneBuilding.org "
                     "TMYx EPW files; see city_monthly_stats.provenance.json)",
            "method": "weather.generator.synthesize"}


def site_weather(*, city: str | None = None, lat: float | None = None, lon: float | None = None,
                 elevation: float | None = None, path=None, year: int = 2025, seed: int = 0):
    """Hourly typical-year weather for a site.

    Exactly one way of naming the site:

    * ``path=``: the user's EPW / TMY3 file (:func:`weather.read_weather_file`);
    * ``city=``: a reference city of :data:`weather.CITIES` (English or Chinese
      name): a synthetic year from its bundled statistics;
    * ``lat=, lon=`` (optionally ``elevation=``): any site in China: a synthetic
      year from statistics interpolated between reference cities.

    ``city=`` together with ``lat=/lon=`` uses the city's statistics at the given
    coordinates if they lie within :data:`CITY_MATCH_KM` of its station, else the
    coordinates are interpolated (a note says which). ``elevation=`` with ``city=``
    moves the temperature by the lapse rate. With ``path=``, lat/lon are only
    checked against the file header.

    Parameters
    ----------
    city : str, optional
        Reference city name.
    lat, lon : float, optional
        Site [deg north, deg east].
    elevation : float, optional
        Site elevation [m] (recommended on plateaus and in mountains).
    path : str or path-like, optional
        Weather file.
    year : int
        Model year.
    seed : int
        Random seed of the synthetic year.

    Returns
    -------
    df : pandas.DataFrame
        ``ghi, dni, dhi, temp_air, wind_speed, relative_humidity`` on ``hourly_index(year)``.
    meta : WeatherMeta

    Raises
    ------
    WeatherError
        Ambiguous or missing site, unknown city, coordinates outside China, bad file.
    """
    from .generator import synthesize

    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise WeatherError(f"seed: expected a non-negative integer, got {seed!r}")
    hourly_index(year)  # validates year
    if path is not None and city is not None:
        raise WeatherError("site_weather: give either city= or path=, not both")
    if (lat is None) != (lon is None):
        raise WeatherError("site_weather: lat= and lon= must be given together")
    if path is None and city is None and lat is None:
        raise WeatherError("site_weather: give exactly one of city=, path= or lat=/lon= "
                           "(got none)")
    if elevation is not None:
        try:
            elevation = float(elevation)
        except (TypeError, ValueError):
            raise WeatherError(f"elevation: expected metres as a number, got {elevation!r}") from None
        if not (math.isfinite(elevation) and -200.0 <= elevation <= 6000.0):
            raise WeatherError(f"elevation: expected -200..6000 m, got {elevation!r}")

    if path is not None:
        df, meta = read_weather_file(Path(path), year=year)
        if lat is not None and lon is not None:
            la, lo = _check_coords(lat, lon)
            dist = float(haversine_km(la, lo, meta.latitude, meta.longitude))
            meta.distance_km = dist
            if dist > 50:
                meta.notes.append(f"the file's station is {dist:.0f} km from the given site "
                                  f"({la:.3f}, {lo:.3f})")
        return df, meta

    extra: list[str] = []
    if city is not None:
        name = resolve_city(city)
        info = CITIES[name]
        site_lat, site_lon, site_elev = info.lat, info.lon, info.elevation
        if lat is not None:
            site_lat, site_lon = _check_coords(lat, lon)
            dist = float(haversine_km(site_lat, site_lon, info.lat, info.lon))
            if dist > CITY_MATCH_KM:
                extra.append(f"city={city!r} is {dist:.0f} km from the given lat/lon: the site "
                             f"is interpolated from lat/lon (more than {CITY_MATCH_KM:.0f} km)")
                city = None
            else:
                extra.append(f"site ({site_lat:.3f}, {site_lon:.3f}) is {dist:.0f} km from the "
                             f"{name} reference station: the city's statistics are used")
    if city is not None:
        stats = city_stats_table().loc[name].sort_index().copy()
        if elevation is not None and abs(elevation - info.elevation) > 1.0:
            dt = LAPSE_RATE_K_PER_M * (info.elevation - elevation)
            stats["t_mean"] = stats["t_mean"] + dt
            site_elev = elevation
            extra.append(f"temperature moved {dt:+.1f} K for the site elevation {elevation:.0f} m "
                         f"(station {info.elevation:.0f} m, {LAPSE_RATE_K_PER_M * 1000:.1f} K/km)")
        df = synthesize(stats, site_lat, site_lon, year=year, seed=seed)
        notes = [f"synthetic typical year for {name} ({info.name_zh}) from bundled monthly "
                 f"statistics of its TMYx file, seed {seed}", *extra, _FILE_ADVICE]
        meta = WeatherMeta(latitude=site_lat, longitude=site_lon, elevation=site_elev,
                           source="synthetic-city", reference_city=name,
                           distance_km=float(haversine_km(site_lat, site_lon, info.lat, info.lon)),
                           expected_uncertainty=expected_uncertainty(0.0, 0.0), notes=notes,
                           seed=int(seed), provenance={**_stats_provenance(), "city": name,
                                                       "file": info.stem + ".epw"})
        return df, meta

    la, lo = _check_coords(lat, lon)
    stats, info = interpolate_stats(la, lo, elevation)
    df = synthesize(stats, la, lo, year=year, seed=seed)
    dz = info["elevation"] - info["nearest_elevation"]
    unc = expected_uncertainty(info["distance_km"], dz)
    nb = ", ".join(f"{n} {w:.2f}" for n, w in info["neighbours"].items())
    notes = [*extra, f"synthetic typical year interpolated from reference cities (weights: {nb}); "
             f"monthly GHI = MERRA-2 at the site x interpolated city/MERRA-2 correction; "
             f"temperature from a latitude trend + neighbour residuals with "
             f"{LAPSE_RATE_K_PER_M * 1000:.1f} K/km for elevation",
             f"nearest reference city {info['nearest']} at {info['distance_km']:.0f} km; "
             f"expected annual GHI uncertainty about {100 * unc:.0f} %", _FILE_ADVICE]
    if info["distance_km"] > UNCERTAINTY_DISTANCE_CAP_KM:
        notes.append(f"more than {UNCERTAINTY_DISTANCE_CAP_KM:.0f} km from every reference city: "
                     f"monthly temperatures may be off by several K (weather/VALIDATION.md, "
                     f"section 4); use local measurements or an EPW of the site")
    if info["elevation_assumed"]:
        notes.append(f"elevation not given: assumed {info['elevation']:.0f} m from the "
                     f"neighbours; pass elevation= (important on plateaus and in mountains)")
    if abs(dz) > 800:
        notes.append(f"site is {dz:+.0f} m from the nearest reference city's elevation: "
                     f"plateau/basin climates differ from lowland neighbours; treat this year "
                     f"as a rough estimate")
    meta = WeatherMeta(latitude=la, longitude=lo, elevation=info["elevation"],
                       source="synthetic-site", reference_city=info["nearest"],
                       distance_km=info["distance_km"], expected_uncertainty=unc, notes=notes,
                       seed=int(seed), provenance={**_stats_provenance(),
                                                   "neighbours": info["neighbours"],
                                                   "merra2": "weather/data/merra2_3x3_2011-2015"
                                                             "_monthly_mean_ghi_china.csv"})
    return df, meta
