"""Weather for a site: the user's file, a reference city, or any lat/lon in China.

For an arbitrary site the monthly statistics of the nearest reference cities
are combined by inverse-distance weighting; each neighbour's monthly GHI is
scaled by the ratio of the MERRA-2 monthly mean GHI at the site and at the
neighbour (the coarse grid carries the large-scale gradient, the city
statistics carry the local level and weather character), temperature is moved
by a lapse rate for the elevation difference. Neighbours whose elevation
differs a lot from the site's are down-weighted so that plateau and basin
sites do not inherit a lowland neighbour's sky.
"""

from __future__ import annotations

import math
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

MERRA_RATIO_LIMITS = (0.6, 1.6)
"""Clip of the MERRA-2 site/neighbour monthly GHI ratio [-]."""

UNCERTAINTY_BASE = 0.03
"""Expected annual-GHI uncertainty at a reference city [-] (see VALIDATION.md)."""

UNCERTAINTY_PER_100KM = 0.01
"""Growth of the expected uncertainty with distance to the nearest city [- per 100 km]."""

UNCERTAINTY_PER_KM_ELEVATION = 0.05
"""Growth of the expected uncertainty per km of elevation difference to the nearest city [-/km]."""

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


def merra2_monthly_ghi(lat: float, lon: float) -> np.ndarray:
    """MERRA-2 monthly mean GHI at a point [W/m2], 12 values.

    Bilinear interpolation on the 3 deg grid of land cells; where a corner cell is
    missing (sea) the available corners are weighted by the bilinear weights.
    """
    tab = merra2_table()
    cols = [f"ghi_Wm2_{m:02d}" for m in range(1, 13)]
    grid = {(round(a, 3), round(o, 3)): v for a, o, v in
            zip(tab["lat"], tab["lon"], tab[cols].to_numpy(float))}
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
        ``elevation``, ``elevation_assumed``, ``merra_ratio`` (weighted mean).
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
    w = w / w.sum()
    m_site = merra2_monthly_ghi(lat, lon)
    blended = None
    ratios = []
    for wi, j in zip(w, order):
        n = names[j]
        s = tab.loc[n].sort_index().copy()
        r = np.clip(m_site / merra2_monthly_ghi(la[j], lo[j]), *MERRA_RATIO_LIMITS)
        ratios.append(r)
        s["ghi_kwh_day"] = s["ghi_kwh_day"].to_numpy() * r
        s["t_mean"] = s["t_mean"].to_numpy() + LAPSE_RATE_K_PER_M * (el[j] - elevation)
        blended = s * wi if blended is None else blended + s * wi
    # clear-sky index distribution moved to the site's monthly level
    kc_target = blended["ghi_kwh_day"].to_numpy() * 1000.0 / clear_sky_daily_wh(lat, lon)
    f = kc_target / blended["kc_mean"].to_numpy()
    for c in (*KC_COLS, "kc_mean"):
        blended[c] = blended[c].to_numpy() * f
    info = {"neighbours": {names[j]: float(wi) for wi, j in zip(w, order)},
            "nearest": names[order[0]], "distance_km": float(d[order[0]]),
            "elevation": float(elevation), "elevation_assumed": elevation_assumed,
            "nearest_elevation": float(el[order[0]]),
            "merra_ratio": float(np.mean(np.sum(np.array(ratios) * w[:, None], 0)))}
    return blended, info


def expected_uncertainty(distance_km: float, elevation_diff_m: float) -> float:
    """Expected relative error of the annual GHI of a synthetic site year [-].

    ``UNCERTAINTY_BASE + UNCERTAINTY_PER_100KM * d/100 +
    UNCERTAINTY_PER_KM_ELEVATION * |dz|/1000``, capped at ``UNCERTAINTY_MAX``.
    """
    u = (UNCERTAINTY_BASE + UNCERTAINTY_PER_100KM * distance_km / 100.0
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
    given = [k for k, v in (("city", city), ("path", path)) if v is not None]
    if lat is not None or lon is not None:
        given.append("lat/lon")
    if path is not None and "lat/lon" in given:
        given.remove("lat/lon")  # lat/lon with a file: only checked against the header
    if len(given) != 1:
        raise WeatherError("site_weather: give exactly one of city=, path= or lat=/lon= "
                           f"(got {', '.join(given) or 'none'})")
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

    if city is not None:
        name = resolve_city(city)
        info = CITIES[name]
        stats = city_stats_table().loc[name].sort_index()
        df = synthesize(stats, info.lat, info.lon, year=year, seed=seed)
        notes = [f"synthetic typical year for {name} ({info.name_zh}) from bundled monthly "
                 f"statistics of its TMYx file, seed {seed}", _FILE_ADVICE]
        meta = WeatherMeta(latitude=info.lat, longitude=info.lon, elevation=info.elevation,
                           source="synthetic-city", reference_city=name, distance_km=0.0,
                           expected_uncertainty=expected_uncertainty(0.0, 0.0), notes=notes,
                           seed=int(seed), provenance={**_stats_provenance(), "city": name,
                                                       "file": info.stem + ".epw"})
        return df, meta

    if lat is None or lon is None:
        raise WeatherError("site_weather: lat= and lon= must be given together")
    la, lo = _check_coords(lat, lon)
    stats, info = interpolate_stats(la, lo, elevation)
    df = synthesize(stats, la, lo, year=year, seed=seed)
    dz = info["elevation"] - info["nearest_elevation"]
    unc = expected_uncertainty(info["distance_km"], dz)
    nb = ", ".join(f"{n} {w:.2f}" for n, w in info["neighbours"].items())
    notes = [f"synthetic typical year interpolated from reference cities (weights: {nb}); "
             f"monthly GHI scaled by MERRA-2 site/neighbour ratios (weighted mean "
             f"{info['merra_ratio']:.2f}); temperature moved by "
             f"{LAPSE_RATE_K_PER_M * 1000:.1f} K/km for elevation differences",
             f"nearest reference city {info['nearest']} at {info['distance_km']:.0f} km; "
             f"expected annual GHI uncertainty about {100 * unc:.0f} %", _FILE_ADVICE]
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
