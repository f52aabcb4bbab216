"""Monthly statistics at any site in China from the 329 bundled stations.

Method (constants below; chosen on the leave-one-out test of ``weather/VALIDATION.md``):

* **Temperature.** Every station's monthly means are first brought to the TMYx period
  (CSWD 1971-2003 and SWERA 1973-2002 run colder): per month, the median difference
  TMYx - CSWD (and TMYx - SWERA) over the places that have both is added
  (:func:`dataset_offsets`). The site's monthly mean is the mean (weight
  :data:`TEMP_TREND_WEIGHT`) of two estimates. (a) Neighbours: the weighted mean of its
  :data:`N_TEMP` nearest stations, each moved to the site's elevation with the lapse
  rate of the site's region and that month and corrected for the mean terrain height
  around it (:func:`lapse_rates`, fitted from pairs of stations less than
  :data:`PAIR_MAX_KM` apart: dT = gamma dz + delta dz_terrain + beta dlat). Winter
  inversions in the north-west basins, the steep plateau edge and the warmth of
  valleys in high terrain are in the fit, not a fixed 6.5 K/km. (b) Regression kriging
  (:func:`temperature_trend`): a trend in latitude, longitude, elevation and the
  large-scale terrain height (plateau heating) fitted per month over all stations, its
  residuals interpolated by simple kriging. Each alone was worse than their mean. That
  station estimate is then averaged (weight :data:`ERA5_WEIGHT`) with (c) an ERA5-based
  estimate (:func:`era5_temperature_model`): the bundled ERA5 monthly 2 m temperature
  climatology 2000-2025 [era5-hersbach-2020] at the site, moved to the site's height above
  the surrounding terrain by terms fitted over the stations, plus the stations' kriged
  residuals. The reanalysis resolves basins and valleys between stations (Tarim, Junggar,
  the Yarlung Tsangpo valley) that the stations cannot; the stations see single valleys the
  0.25 deg reanalysis misses; their mean beat each alone on both checks.
* **Radiation level and pattern.** CSWD radiation is modelled from sunshine duration
  and runs about 18 % below the TMYx (ERA5) and SWERA level, but its 256 stations
  resolve the spatial pattern. GHI is interpolated as clearness index kt = GHI /
  Haurwitz clear-sky GHI (so latitude and season do not bias the weighting): monthly
  kt = the weighted kt of the :data:`N_RAD` nearest TMYx/SWERA stations x
  (P_site / P_neighbours)^a, P the CSWD kt interpolated from the :data:`N_PATTERN`
  nearest CSWD stations and a = :data:`PATTERN_EXPONENT` (the full pattern, a = 1, was
  worse in leave-one-out: the CSWD/TMYx ratio itself varies from -5 % to -30 % between
  places); GHI = kt x the site's clear-sky GHI. The radiation basis ``"cswd"`` uses P
  alone (the CSWD level).
* **Diffuse fraction** (:func:`seasonal_diffuse_fraction`). Its annual level from the
  :data:`N_RAD` nearest CSWD stations (:data:`DIFFUSE_DATASET`), whose annual split agrees
  with the CMA station climatology while TMYx (ERA5) and SWERA disagree with it in opposite
  directions; its course over the year from the site's TMYx/SWERA radiation stations, whose
  months follow the climatology where CSWD's do not (CSWD's summer split runs 0.10 low, its
  winter split 0.05-0.07 high).
* **Everything else.** Clear-sky-index distribution shape, persistence and hourly
  variability from the :data:`N_RAD` nearest TMYx/SWERA stations (CSWD hourly radiation
  is modelled); temperature shape, humidity and wind from the
  :data:`N_TEMP` nearest stations of all sets; clear-sky-index quantiles rescaled to
  the site's monthly GHI.

Neighbour weights are ``1 / max(d, IDW_MIN_KM)^2 x exp(-|dz| / ELEVATION_SCALE_M)``
(for temperature ``TEMP_ELEVATION_SCALE_M``, wider, since the lapse-rate correction
carries most of the elevation difference).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ._core import DAYS_IN_MONTH, haversine_km, hourly_index
from .solar import cos_zenith, haurwitz_ghi
from .stations import PLATEAU_ELEVATION_M, REGIONS, station_stats_table, station_table
from .stats import KC_COLS, STAT_COLUMNS

N_TEMP = 7
"""Stations combined for temperature, humidity and wind [-]."""

N_RAD = 4
"""TMYx/SWERA stations combined for the radiation level and sky statistics [-]."""

N_PATTERN = 4
"""CSWD stations combined for the GHI pattern [-]."""

IDW_MIN_KM = 10.0
"""Distances below this count as this in the weights [km]."""

ELEVATION_SCALE_M = 600.0
"""Neighbour weight factor exp(-|elevation difference| / this) [m]."""

TEMP_ELEVATION_SCALE_M = 1000.0
"""Temperature neighbour weight factor exp(-|elevation difference| / this): the lapse-rate
correction is less certain across large height differences [m]."""

PAIR_MAX_KM = 300.0
"""Station pairs closer than this enter the lapse-rate fit [km]."""

PATTERN_EXPONENT = 0.25
"""Exponent of the CSWD clearness-index pattern correction (0 = plain interpolation of the
TMYx/SWERA clearness index, 1 = full CSWD pattern); 0.25 had the smallest leave-one-out error
(VALIDATION.md) [-]."""

TERRAIN_HALF_DEG = 0.25
"""Half width of the box over which the mean terrain height around a station or site is
taken from pvlib's 5-arcmin altitude grid [deg]."""

USE_LATITUDE_TERM = 1.0
"""Weight of the fitted north-south gradient beta when moving a neighbour's temperature to
the site's latitude (1 = full) [-]."""

TEMP_TREND_WEIGHT = 0.5
"""Weight of the regression-kriging estimate (:func:`temperature_trend`) in the site's monthly
temperature; the rest is the neighbour estimate with fitted lapse rates. Each alone was worse
than the mean of both in leave-one-out and on 790 independent CMA stations (VALIDATION.md) [-]."""

TREND_TERRAIN_HALF_DEG = 1.0
"""Half width of the box of the large-scale terrain height in the temperature trend: the
plateau heating effect (a valley at 3600 m in 4500 m terrain is warmer than a lowland lapse
rate says) [deg]."""

KRIGE_LENGTH_KM = 300.0
KRIGE_NUGGET = 0.3
"""Residual kriging: exponential correlation exp(-d / KRIGE_LENGTH_KM), nugget as a share of
the sill (station noise: typical years of two datasets at one place differ by 0.3 K in the
annual mean) [km], [-]."""

ERA5_WEIGHT = 0.5
"""Weight of the ERA5-based estimate (:func:`era5_temperature_model`) in the site's monthly
temperature; the rest is the station estimate (neighbours and regression kriging). 0.4-0.6 gave
the same leave-one-out and independent-check figures within 0.1 K (VALIDATION.md) [-]."""

ERA5_KRIGE_LENGTH_KM = 200.0
"""Correlation length of the kriged station residuals of the ERA5-based estimate [km]."""

LAPSE_MIN_DZ_M = 300.0
LAPSE_MIN_PAIRS = 40
"""A region's own lapse-rate fit needs at least LAPSE_MIN_PAIRS station pairs differing by
more than LAPSE_MIN_DZ_M in elevation; otherwise the fit over all pairs is used [m], [-]."""

LAPSE_OUTLIER_MAD = 4.0
"""Station pairs whose residual exceeds this many robust standard deviations are dropped
from the lapse-rate fit (two passes) [-]."""

RADIATION_SHAPE_COLS = ("kc_rho", "kc_hmax", "kc_hmax_hi", "kc_sun", "sig_lo", "sig_mid", "sig_hi",
                        "rho_h", "kc_mean", *KC_COLS)
"""Statistics taken from TMYx/SWERA stations only."""

RADIATION_DATASETS = ("TMYx", "SWERA")

DIFFUSE_DATASET = "CSWD"
"""Dataset whose diffuse fraction (monthly sum DHI / sum GHI) is carried to the site, from its
:data:`N_RAD` nearest stations, on every radiation basis. The typical-year datasets split GHI
differently: at the same places TMYx (ERA5) gives about 0.39, SWERA about 0.55, and the CMA
station climatology CDSRD (validation only) lies between them, where CSWD lies too (mean
difference -0.00 at 822 CMA stations away from the bundled ones; TMYx -0.07, SWERA +0.11,
the earlier mix of TMYx/SWERA neighbours +0.01 with a mean absolute difference of 0.087
against 0.053). weather/VALIDATION.md, section 3."""

DIFFUSE_FRACTION_RANGE = (0.15, 1.0)
"""Bounds of a site's monthly diffuse fraction [-]. The lowest monthly value of the 73 TMYx and
SWERA files is 0.149 (of the CMA climatology CDSRD, validation only, 0.14); 2.7 % of the CSWD
months lie below it (down to 0.05, summers in Inner Mongolia and Xinjiang), less than a clear
sky scatters: CSWD's sunshine-based model, not the sky. A CSWD level that low would otherwise
carry such months to the site."""

TEMPERATURE_SUSPECT = {
    "TMYx-58437": "TMYx Huang.Shan: header elevation 1836 m (the summit station) but lowland "
                  "temperatures (annual mean 15.5 degC, like Tunxi at 143 m 47 km away); left out "
                  "of temperature interpolation and lapse-rate fits",
}
"""Stations whose temperatures contradict their elevation, with the reason."""


@lru_cache(maxsize=1)
def _base():
    st = station_table()
    ss = station_stats_table()
    ids = list(st.index)
    idx = pd.MultiIndex.from_product([ids, range(1, 13)])
    cube = ss.reindex(idx)[list(STAT_COLUMNS)].to_numpy(float).reshape(len(ids), 12, -1)
    return {"ids": np.array(ids), "lat": st["lat"].to_numpy(float),
            "lon": st["lon"].to_numpy(float), "z": st["elevation_m"].to_numpy(float),
            "dataset": st["dataset"].to_numpy(), "region": st["region"].to_numpy(),
            "group": st["group"].to_numpy(), "cube": cube,
            "col": {c: i for i, c in enumerate(STAT_COLUMNS)}}


def _col(name: str) -> np.ndarray:
    b = _base()
    return b["cube"][:, :, b["col"][name]]


@lru_cache(maxsize=1)
def dataset_offsets() -> dict[str, np.ndarray]:
    """Monthly temperature offsets that bring each dataset to the TMYx period [K], 12 values.

    CSWD: median over places (station groups) holding a TMYx and a CSWD station of
    T_TMYx - T_CSWD (23 places). SWERA: median over places holding a SWERA station and a TMYx
    station (T_TMYx - T_SWERA, 10 places) or, where there is no TMYx, a CSWD station
    (T_CSWD + CSWD offset - T_SWERA, 24 places; the airport files of Ürümqi, Harbin and
    Tianjin are places of their own, scripts/derive_weather_stats.py TMYX_OWN_NUMBERS): ten places alone left monthly offsets off by
    up to 1.2 K (March), which the SWERA stations' leave-one-out showed as a monthly bias
    (weather/VALIDATION.md, section 1). TMYx itself 0.
    """
    return _place_offsets(station_file_temperatures())


def _place_offsets(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per dataset, the median over places (station groups) of the TMYx station's ``values``
    (n stations x 12 months) less the dataset's station's there; SWERA also through a place's
    CSWD station moved by the CSWD offset where it has no TMYx station. TMYx itself 0."""
    b = _base()
    out = {"TMYx": np.zeros(12)}
    for ds, via_cswd in (("CSWD", False), ("SWERA", True)):
        diffs = []
        for g in np.unique(b["group"]):
            sel = b["group"] == g
            ot = sel & (b["dataset"] == ds)
            tm = sel & (b["dataset"] == "TMYx")
            cs = sel & (b["dataset"] == "CSWD")
            if not ot.any():
                continue
            if tm.any():
                diffs.append(values[tm].mean(0) - values[ot].mean(0))
            elif via_cswd and cs.any():
                diffs.append(values[cs].mean(0) + out["CSWD"] - values[ot].mean(0))
        out[ds] = np.median(np.array(diffs), axis=0) if diffs else np.zeros(12)
    return out


@lru_cache(maxsize=1)
def humidity_offsets() -> dict[str, float]:
    """Relative-humidity offsets that bring each dataset to the TMYx period [% points], one
    value over the year (the months' medians scatter by about 1.5 points about it, from 23
    places for CSWD).

    The places of :func:`dataset_offsets`, the annual mean of the monthly medians of RH_TMYx -
    RH_dataset. The later period is warmer at about the same dew point, so it reads drier
    (CSWD -2.0 points at 0.34 K warmer); moving the temperature alone kept the older period's
    RH, and the synthetic years of interpolated sites came out about 2 points too humid against
    the TMYx files (weather/VALIDATION.md section 5, "Humidity")."""
    return {ds: float(np.mean(v)) for ds, v in _place_offsets(_col("rh_mean")).items()}


def station_humidity() -> np.ndarray:
    """Monthly mean relative humidity of every station at the TMYx period [%], (n, 12)."""
    b = _base()
    off = humidity_offsets()
    return np.clip(_col("rh_mean") + np.array([off[d] for d in b["dataset"]])[:, None], 1.0, 100.0)


RECENT_WINDOW = "2009-2023"
"""The recent 15-year window of Climate.OneBuilding.org's TMYx files a planner can choose
(``site.temperature_period: tmyx-2009-2023``)."""

RECENT_RECORD_FIRST_YEAR = 2000
"""A TMYx file whose period of record (:func:`weather.io.record_period`) starts in this year
or later holds recent years only, as the 15-year windows do, not a station's whole record
(which starts between 1944 and 1959 for most bundled files) [year]."""

RECENT_RECORD_LAST_YEAR = 2021
"""... and it must end in this year or later to count as the recent climate of
:data:`RECENT_WINDOW`: at the stations with both files, the 2007-2021, 2009-2023 and 2011-2025
windows run +0.3 to +0.5 K above the whole record in the median, the 2004-2018 ones +0.1 K
(``weather/data/tmyx_windows.json``) [year]."""


def is_recent_record(record_period: str) -> bool:
    """Whether a TMYx file's period of record (``"2011-2025"``) holds recent years only
    (:data:`RECENT_RECORD_FIRST_YEAR`, :data:`RECENT_RECORD_LAST_YEAR`): the windows 2007-2021
    to 2011-2025 and records such as 2004-2025; ``""`` (unknown) does not."""
    try:
        first, last = (int(y) for y in record_period.split("-"))
    except ValueError:
        return False
    return first >= RECENT_RECORD_FIRST_YEAR and last >= RECENT_RECORD_LAST_YEAR


@lru_cache(maxsize=1)
def tmyx_windows() -> dict:
    """The bundled differences between recent-window and whole-record TMYx files of the same
    stations (``weather/data/tmyx_windows.json``, derived by ``scripts/derive_tmyx_windows.py``):
    per window (``"2009-2023"``, ...) a list of stations with their twelve monthly differences
    ``monthly_difference_k`` (window less whole record) [K]."""
    import json
    from importlib.resources import files

    return json.loads(files("weather").joinpath("data/tmyx_windows.json").read_text(encoding="utf-8"))


def annual_harmonics(values: np.ndarray, n: int = 2) -> np.ndarray:
    """Least-squares fit of a mean and ``n`` annual harmonics to twelve monthly values (mid-month
    phase); the fitted twelve values, in the values' unit."""
    m = (np.arange(12) + 0.5) / 12.0 * 2 * np.pi
    cols = [np.ones(12)] + [f(k * m) for k in range(1, n + 1) for f in (np.cos, np.sin)]
    x = np.column_stack(cols)
    coef = np.linalg.lstsq(x, np.asarray(values, dtype=float), rcond=None)[0]
    return x @ coef


@lru_cache(maxsize=4)
def tmyx_window_offsets(window: str = RECENT_WINDOW) -> np.ndarray:
    """Monthly temperature change from the whole-record TMYx level (the stations' period) to a
    recent-window TMYx file's [K], 12 values.

    The median over the stations that have both files (:func:`tmyx_windows`) of the window
    less the whole record, month by month, smoothed by a mean and two annual harmonics: a
    typical month is one real year's, so single months of a few stations carry that year's
    anomaly (leaving each station out in turn, the smoothed median predicts its months with
    0.64 K root-mean-square error against 0.65 K unsmoothed and 0.69 K for one annual value).
    """
    rows = tmyx_windows()["windows"].get(window, [])
    if not rows:
        raise KeyError(f"no bundled TMYx window {window!r}")
    diffs = np.array([r["monthly_difference_k"] for r in rows], dtype=float)
    out = annual_harmonics(np.median(diffs, axis=0))
    out.setflags(write=False)  # cached: shared by every caller
    return out


def recent_record_stations() -> np.ndarray:
    """Which stations' files are TMYx files whose record holds recent years only
    (:func:`is_recent_record` of the period of record their header states, ``stations.csv``
    ``record_period``; Huoshan 2011-2025 and Harbin Taiping Airport 2004-2025 among the bundled ones) [bool]."""
    st = station_table()
    periods = st["record_period"].fillna("").astype(str)
    return ((st["dataset"] == "TMYx") & periods.map(is_recent_record)).to_numpy()


@lru_cache(maxsize=1)
def station_file_temperatures() -> np.ndarray:
    """Monthly mean temperature of every station's file on its dataset's own level [degC],
    (n, 12): the TMYx files whose record holds recent years only (:func:`recent_record_stations`)
    moved back to the whole-record level of the other TMYx files by :func:`tmyx_window_offsets`."""
    t = _col("t_mean").copy()
    t[recent_record_stations()] -= tmyx_window_offsets(RECENT_WINDOW)
    t.setflags(write=False)
    return t


def station_temperatures(exclude_groups: frozenset = frozenset()) -> np.ndarray:
    """Monthly mean temperature of every station at the TMYx period [degC], (n, 12)."""
    b = _base()
    off = dataset_offsets()
    return station_file_temperatures() + np.stack([off[d] for d in b["dataset"]])


def _altitude_file():
    """Path of pvlib's bundled altitude grid, found without importing pvlib (slow import)."""
    import importlib.util
    import pathlib

    spec = importlib.util.find_spec("pvlib")
    return pathlib.Path(spec.origin).parent / "data" / "Altitude.h5"


@lru_cache(maxsize=1)
def _altitude_grid() -> np.ndarray:
    """pvlib's global 5-arcmin altitude grid, raw uint8 codes, rows from 90 N, columns from 180 W.

    Code c means (28 c - 450) m; 255 means no data (sea): the encoding of
    ``pvlib.location.lookup_altitude``.
    """
    import h5py

    with h5py.File(_altitude_file(), "r") as h:
        return h["Altitude"][:]


def _decode(codes: np.ndarray) -> np.ndarray:
    c = codes.astype(float)
    return np.where(codes == 255, 0.0, c * 28.0 - 450.0)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    """Row and column of the 5-arcmin cell holding a point (the cell of
    ``pvlib.location.lookup_altitude``)."""
    g = _altitude_grid()
    i = int(np.clip(np.round((90.0 - 1 / 24 - lat) * 12), 0, g.shape[0] - 1))
    j = int(np.clip(np.round((lon + 180.0 - 1 / 24) * 12), 0, g.shape[1] - 1))
    return i, j


def lookup_elevation(lat: float, lon: float) -> float:
    """Terrain elevation of a point [m]: the cell of pvlib's 5-arcmin grid.

    Same grid, cell choice and encoding as ``pvlib.location.lookup_altitude`` (sea and
    no-data cells give 0 m), without importing pvlib. A cell is a 9 km mean: in hills and
    mountains it lies above the valley floors where towns are (see :func:`settlement_elevation`).
    """
    i, j = _cell(lat, lon)
    return float(_decode(_altitude_grid()[i:i + 1, j:j + 1])[0, 0])


GRID_STEP_M = 28.0
"""Height step of pvlib's altitude grid encoding [m]."""

ELEVATION_ESTIMATE_HALF_CELLS = 1
"""A site's elevation, when not given, is the lowest 5-arcmin terrain cell within this many
cells of the site's own (3 x 3 cells, about +-9 km) [-]."""


def settlement_elevation(lat: float, lon: float) -> tuple[float, float]:
    """Elevation of a built site when none is given, and the terrain range around it [m].

    Towns, and the parks beside them, lie on valley floors and plains, below the 9 km cell
    mean of the terrain around them; the lowest land cell among the site's cell and its
    neighbours (:data:`ELEVATION_ESTIMATE_HALF_CELLS`) of pvlib's 5-arcmin grid estimates
    their height. Against 1005 CMA stations (weather/VALIDATION.md, "Site elevation") it is
    nearly unbiased where the cell itself is 100 m too high on average and 570 m at the 95th
    percentile. The range (highest minus lowest of those cells) measures how far the
    estimate may be off (:func:`weather.site.estimated_elevation_uncertainty`).

    Returns
    -------
    elevation_m, terrain_range_m : float
        Sea and no-data cells are ignored unless all are (then 0 m, 0 m); a lowest cell
        below sea level beside a site cell at sea level or above counts as sea level.
    """
    g = _altitude_grid()
    i, j = _cell(lat, lon)
    h = ELEVATION_ESTIMATE_HALF_CELLS
    codes = g[max(i - h, 0):i + h + 1, max(j - h, 0):j + h + 1].ravel()
    land = codes[codes != 255]
    if land.size == 0:
        return 0.0, 0.0
    z = _decode(land)
    low = float(z.min())
    own = float(_decode(g[i:i + 1, j:j + 1])[0, 0])
    if -GRID_STEP_M < low < 0.0 or (low < 0.0 and own > -GRID_STEP_M):
        # the grid's level nearest sea level (-2 m) is sea level; a neighbour below sea
        # level beside a site above it is a coast or lake cell (Hong Kong -30 m, Tai Hu),
        # not land: only the Turpan depression lies below sea level in China
        low = 0.0
    return low, float(z.max() - z.min())


def lowest_land_cell(lat: float, lon: float) -> float:
    """The lowest land cell of pvlib's 5-arcmin grid among a site's cell and its neighbours (the
    cells of :func:`settlement_elevation`) as the grid gives it, below sea level too [m]; 0 where
    all are sea."""
    g = _altitude_grid()
    i, j = _cell(lat, lon)
    h = ELEVATION_ESTIMATE_HALF_CELLS
    codes = g[max(i - h, 0):i + h + 1, max(j - h, 0):j + h + 1].ravel()
    land = codes[codes != 255]
    return float(_decode(land).min()) if land.size else 0.0


def terrain_mean(lat: float, lon: float, half_deg: float = TERRAIN_HALF_DEG) -> float:
    """Mean terrain height in a box of +-``half_deg`` around a point [m].

    From pvlib's bundled 5-arcmin altitude grid (the grid of
    ``pvlib.location.lookup_altitude``); sea cells count as 0 m.
    """
    g = _altitude_grid()
    i0, i1 = int((90 - lat - half_deg) * 12), int((90 - lat + half_deg) * 12)
    j0, j1 = int((lon + 180 - half_deg) * 12), int((lon + 180 + half_deg) * 12)
    box = g[max(i0, 0):i1, max(j0, 0):j1]
    return float(_decode(box).mean()) if box.size else 0.0


@lru_cache(maxsize=1)
def station_terrain() -> np.ndarray:
    """Mean terrain height around every station [m] (:func:`terrain_mean`)."""
    b = _base()
    return np.array([terrain_mean(a, o) for a, o in zip(b["lat"], b["lon"])])


def _trend_design(lat, lon, z, zt_large) -> np.ndarray:
    """Columns of the temperature trend: 1, dlat, dlon, z, large-scale terrain, quadratic lat/lon."""
    la, lo = np.asarray(lat, float) - 35.0, np.asarray(lon, float) - 105.0
    return np.column_stack([np.ones_like(la), la, lo, np.asarray(z, float) / 1000.0,
                            np.asarray(zt_large, float) / 1000.0, (la / 10) ** 2, la * lo / 100,
                            (lo / 10) ** 2])


@lru_cache(maxsize=1)
def station_terrain_large() -> np.ndarray:
    """Mean terrain height within +-:data:`TREND_TERRAIN_HALF_DEG` of every station [m]."""
    b = _base()
    return np.array([terrain_mean(a, o, TREND_TERRAIN_HALF_DEG) for a, o in zip(b["lat"], b["lon"])])


@lru_cache(maxsize=512)
def temperature_trend(exclude_groups: frozenset = frozenset()) -> dict:
    """Regression-kriging model of the monthly mean temperature (TMYx period) [degC].

    Trend, per month, least squares over all stations: T = c0 + c1 dlat + c2 dlon + c3 z
    + c4 z_terrain + c5 dlat^2 + c6 dlat dlon + c7 dlon^2, z_terrain the mean terrain height
    within +-:data:`TREND_TERRAIN_HALF_DEG` (pvlib's 5-arcmin grid). Residuals interpolated
    by simple kriging with exponential correlation (:data:`KRIGE_LENGTH_KM`,
    :data:`KRIGE_NUGGET`). Stations of ``exclude_groups`` are left out (leave-one-out).

    Returns the model of :func:`_fit_regression_kriging` (``coef`` (8, 12)).
    """
    b = _base()
    keep = _temperature_stations(exclude_groups)
    la, lo = b["lat"][keep], b["lon"][keep]
    X = _trend_design(la, lo, b["z"][keep], station_terrain_large()[keep])
    return _fit_regression_kriging(X, station_temperatures()[keep], la, lo, KRIGE_LENGTH_KM)


def _temperature_stations(exclude_groups: frozenset) -> np.ndarray:
    """Stations that inform temperatures: not of ``exclude_groups``, not suspect [bool], (n,)."""
    b = _base()
    return ~np.isin(b["group"], list(exclude_groups)) & ~np.isin(b["ids"], list(TEMPERATURE_SUSPECT))


def _fit_regression_kriging(X: np.ndarray, y: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                            length_km: float) -> dict:
    """Least-squares trend ``X @ coef`` of ``y`` (one column per month) and simple kriging of
    its residuals: exponential correlation of ``length_km``, nugget :data:`KRIGE_NUGGET` of
    the sill. Returns ``coef``, ``lat``, ``lon``, ``length_km`` and ``alpha`` = (K + nugget
    I)^-1 residuals, for :func:`_predict_regression_kriging` [units of y]."""
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    K = np.exp(-d / length_km) + KRIGE_NUGGET * np.eye(len(lat))
    return {"coef": coef, "lat": lat, "lon": lon, "length_km": length_km,
            "alpha": np.linalg.solve(K, y - X @ coef)}


def _predict_regression_kriging(model: dict, x: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Trend at the design row ``x`` (1, p) plus the kriged residual at a point [units of y]."""
    k = np.exp(-haversine_km(lat, lon, model["lat"], model["lon"]) / model["length_km"])
    return (x @ model["coef"])[0] + k @ model["alpha"]


def trend_temperature(lat: float, lon: float, elevation: float,
                      exclude_groups: frozenset = frozenset()) -> np.ndarray:
    """Monthly mean temperature of a site by regression kriging [degC], 12 values
    (:func:`temperature_trend`)."""
    x = _trend_design([lat], [lon], [elevation], [terrain_mean(lat, lon, TREND_TERRAIN_HALF_DEG)])
    return _predict_regression_kriging(temperature_trend(frozenset(exclude_groups)), x, lat, lon)


@lru_cache(maxsize=512)
def lapse_rates(exclude_groups: frozenset = frozenset()) -> dict[str, np.ndarray]:
    """Monthly temperature change with elevation by region [K/m], (12, 2) per region.

    Column 0: gamma, change with the station's own elevation (negative = cooler aloft);
    column 1: delta, change with the mean terrain height around it (positive: a valley
    in high terrain is warmer than a pass at the same height in lower terrain, the
    plateau heating effect). Least squares over station pairs less than
    :data:`PAIR_MAX_KM` apart with at least one station in the region:
    dT = gamma dz + delta dz_terrain + beta dlat (dlat absorbs the north-south gradient),
    pairs with outlying residuals dropped (:data:`LAPSE_OUTLIER_MAD`). Stations of
    ``exclude_groups`` are left out (leave-one-out validation).
    """
    b = _base()
    keep = _temperature_stations(exclude_groups)
    la, lo, z, reg = b["lat"][keep], b["lon"][keep], b["z"][keep], b["region"][keep]
    zt = station_terrain()[keep]
    t = station_temperatures()[keep]
    d = haversine_km(la[:, None], lo[:, None], la[None, :], lo[None, :])
    i, j = np.nonzero(np.triu(d < PAIR_MAX_KM, 1))
    A_all = np.column_stack([z[i] - z[j], zt[i] - zt[j], la[i] - la[j]])
    dt = t[i] - t[j]
    def robust(A, y):
        ok = np.ones(len(y), bool)
        for _ in range(3):
            coef, *_ = np.linalg.lstsq(A[ok], y[ok], rcond=None)
            res = y - A @ coef
            ok = np.abs(res) < LAPSE_OUTLIER_MAD * 1.4826 * max(np.median(np.abs(res[ok])), 1e-6)
        return coef

    pooled = np.array([robust(A_all, dt[:, m]) for m in range(12)])
    out = {}
    for r in REGIONS:
        sel = (reg[i] == r) | (reg[j] == r)
        A, y = A_all[sel], dt[sel]
        if (np.abs(A[:, 0]) > LAPSE_MIN_DZ_M).sum() >= LAPSE_MIN_PAIRS:
            out[r] = np.array([robust(A, y[:, m]) for m in range(12)])
        else:  # too little relief: pooled gamma and delta, the region's own beta
            g = pooled.copy()
            for m in range(12):
                rest = y[:, m] - A[:, :2] @ pooled[m, :2]
                g[m, 2] = robust(A[:, 2:], rest)[0]
            out[r] = g
    out["all"] = pooled
    return out


@lru_cache(maxsize=1)
def _era5_grid() -> dict:
    """The bundled ERA5 monthly 2 m temperature climatology over China (``weather/data``)."""
    from importlib.resources import files

    with files("weather").joinpath("data/era5_t2m_china.npz").open("rb") as fh, \
            np.load(fh) as z:
        return {"t": z["t2m_centi_degc"].astype(float) / 100.0, "lat0": float(z["lat0"]),
                "lon0": float(z["lon0"]), "step": float(z["step"])}


def era5_temperature(lat, lon) -> np.ndarray:
    """ERA5 monthly mean 2 m temperature 2000-2025 at points, bilinear between grid cells
    [degC], shape (n, 12).

    The grid's own height is that of the model orography (about the mean terrain of the
    0.25 deg cell), not of the point: :func:`era5_temperature_model` corrects for it.
    """
    g = _era5_grid()
    t = g["t"]
    y = (np.atleast_1d(np.asarray(lat, float)) - g["lat0"]) / g["step"]
    x = (np.atleast_1d(np.asarray(lon, float)) - g["lon0"]) / g["step"]
    i = np.clip(np.floor(y).astype(int), 0, t.shape[1] - 2)
    j = np.clip(np.floor(x).astype(int), 0, t.shape[2] - 2)
    fy, fx = np.clip(y - i, 0, 1), np.clip(x - j, 0, 1)
    v = (t[:, i, j] * (1 - fy) * (1 - fx) + t[:, i + 1, j] * fy * (1 - fx)
         + t[:, i, j + 1] * (1 - fy) * fx + t[:, i + 1, j + 1] * fy * fx)
    return v.T


def _era5_design(z, zt) -> np.ndarray:
    """Columns 1 and dz = elevation - mean terrain within +-:data:`TERRAIN_HALF_DEG` [km]: the
    reanalysis sees the smoothed terrain, not the height of the point."""
    dz = (np.asarray(z, float) - np.asarray(zt, float)) / 1000.0
    return np.column_stack([np.ones_like(dz), dz])


@lru_cache(maxsize=1)
def station_era5() -> np.ndarray:
    """ERA5 monthly temperature at every station [degC], (n, 12)."""
    b = _base()
    return era5_temperature(b["lat"], b["lon"])


@lru_cache(maxsize=512)
def era5_temperature_model(exclude_groups: frozenset = frozenset()) -> dict:
    """ERA5 temperature moved to the stations: fitted height terms and kriged residuals.

    Per month, least squares over the stations: T_station - T_ERA5 = c0 + c1 dz
    (:func:`_era5_design`; c0 absorbs the period and the reanalysis bias, c1 is a lapse rate).
    The residuals are interpolated by simple kriging (exponential correlation,
    :data:`ERA5_KRIGE_LENGTH_KM`, nugget :data:`KRIGE_NUGGET`). Stations of
    ``exclude_groups`` are left out (leave-one-out).

    Returns the model of :func:`_fit_regression_kriging` (``coef`` (2, 12)).
    """
    b = _base()
    keep = _temperature_stations(exclude_groups)
    X = _era5_design(b["z"][keep], station_terrain()[keep])
    r = station_temperatures()[keep] - station_era5()[keep]
    return _fit_regression_kriging(X, r, b["lat"][keep], b["lon"][keep], ERA5_KRIGE_LENGTH_KM)


def era5_site_temperature(lat: float, lon: float, elevation: float,
                          exclude_groups: frozenset = frozenset()) -> np.ndarray:
    """Monthly mean temperature of a site from ERA5 and the stations [degC], 12 values
    (:func:`era5_temperature_model`)."""
    x = _era5_design([elevation], [terrain_mean(lat, lon)])
    m = era5_temperature_model(frozenset(exclude_groups))
    return era5_temperature(lat, lon)[0] + _predict_regression_kriging(m, x, lat, lon)


def site_region(lat: float, lon: float, elevation: float, exclude_groups=frozenset()) -> str:
    """Region of a site: plateau above 2500 m, else the region of the nearest station."""
    if elevation >= PLATEAU_ELEVATION_M:
        return "plateau"
    b = _base()
    keep = ~np.isin(b["group"], list(exclude_groups))
    d = haversine_km(lat, lon, b["lat"][keep], b["lon"][keep])
    regs = b["region"][keep]
    order = np.argsort(d)
    for k in order:
        if regs[k] != "plateau":
            return str(regs[k])
    return str(regs[order[0]])


def _nearest(lat, lon, mask, n):
    b = _base()
    cand = np.flatnonzero(mask)
    d = haversine_km(lat, lon, b["lat"][cand], b["lon"][cand])
    o = np.argsort(d)[:n]
    return cand[o], d[o]


def _weights(d, dz=None):
    w = 1.0 / np.maximum(d, IDW_MIN_KM) ** 2
    if dz is not None:
        w = w * np.exp(-np.abs(dz) / ELEVATION_SCALE_M)
    return w / w.sum()


def _pattern(lat, lon, z, keep) -> np.ndarray:
    """CSWD clearness index GHI / clear-sky GHI interpolated to a point [-], 12 values."""
    b = _base()
    j, d = _nearest(lat, lon, keep & (b["dataset"] == "CSWD"), N_PATTERN)
    w = _weights(d, b["z"][j] - z)
    return (w[:, None] * _station_kt(tuple(j))).sum(0)


def _station_kt(js: tuple) -> np.ndarray:
    """Monthly clearness index GHI / Haurwitz clear-sky GHI of stations ``js`` [-], (n, 12)."""
    b = _base()
    g = _col("ghi_kwh_day")[list(js)] * 1000.0
    return g / np.stack([_clear_sky_cached(float(b["lat"][j]), float(b["lon"][j])) for j in js])


@lru_cache(maxsize=1024)
def _clear_sky_cached(lat: float, lon: float) -> np.ndarray:
    return clear_sky_daily_wh(lat, lon)


def clear_sky_daily_wh(lat: float, lon: float) -> np.ndarray:
    """Mean daily Haurwitz clear-sky GHI per month [Wh/m2/day], 12 values."""
    idx = hourly_index(2025)
    cs = haurwitz_ghi(cos_zenith(idx, lat, lon, 0.5))
    m = idx.month.to_numpy()
    return np.bincount(m, weights=cs, minlength=13)[1:] / (np.bincount(m, minlength=13)[1:] / 24)


def seasonal_diffuse_fraction(kd_level, ghi_level, kd_course, ghi_course, weights):
    """Monthly diffuse fraction (sum DHI / sum GHI) of a site [-]: the annual level of one set
    of months with the course over the year of others.

    Parameters
    ----------
    kd_level, ghi_level : array_like, shape (12,)
        Monthly diffuse fraction [-] and GHI [kWh/m2 per month] that give the annual level
        (GHI-weighted mean of ``kd_level``): the CSWD neighbours' or a CSWD station's own.
    kd_course, ghi_course : array_like, shape (n, 12)
        Monthly diffuse fraction [-] and GHI [kWh/m2 per month] of the stations that give the
        course: each station's months less its own GHI-weighted annual value.
    weights : array_like, shape (n,)
        Weights of those stations, summing to 1.

    Returns
    -------
    numpy.ndarray, shape (12,)
        The weighted course moved so that its GHI-weighted mean (``ghi_level``) is the level,
        within :data:`DIFFUSE_FRACTION_RANGE`.

    Notes
    -----
    :func:`interpolate` takes the level from the CSWD stations (:data:`DIFFUSE_DATASET`) and the
    course from the site's TMYx/SWERA radiation stations with their weights. Month by month
    against the CMA station climatology CDSRD (validation only; weather/VALIDATION.md, section
    3) CSWD runs -0.10 in June and +0.05 to +0.07 from December to March, down to 0.05-0.10 in
    the summers of Inner Mongolia and Xinjiang (below a clear sky's split), while its annual
    split agrees; TMYx and SWERA are off by a nearly constant amount in every month (-0.11 to
    -0.17 and +0.05 to +0.16), so their course is the climatology's.
    """
    kd_level, ghi_level = np.asarray(kd_level, float), np.asarray(ghi_level, float)
    kd_course, ghi_course = np.asarray(kd_course, float), np.asarray(ghi_course, float)
    level = kd_level @ ghi_level / ghi_level.sum()
    own = (kd_course * ghi_course).sum(1) / ghi_course.sum(1)
    course = np.asarray(weights, float) @ (kd_course - own[:, None])
    course = course - course @ ghi_level / ghi_level.sum()
    return np.clip(level + course, *DIFFUSE_FRACTION_RANGE)


def interpolate(lat: float, lon: float, elevation: float, *, basis: str = "tmyx",
                exclude_groups: frozenset = frozenset(), own: str | None = None):
    """Monthly statistics for a site.

    Parameters
    ----------
    lat, lon : float
        Site [deg].
    elevation : float
        Site elevation [m].
    basis : {"tmyx", "cswd"}
        Radiation level: TMYx/SWERA (ERA5-based) or CSWD (see ``weather/VALIDATION.md``).
    exclude_groups : frozenset of str
        Station groups left out (leave-one-out validation).
    own : str, optional
        Id of a bundled station at the site: its own temperature, humidity and wind
        statistics are used (temperature moved to the TMYx period), and with a TMYx or
        SWERA station and basis ``"tmyx"`` its own radiation statistics too; its own
        diffuse fraction in every case.

    Returns
    -------
    stats : pandas.DataFrame
        Index month 1..12, columns :data:`weather.stats.STAT_COLUMNS`.
    info : dict
        ``region``, ``lapse_rate_k_per_km`` (12), ``stations`` (list of dicts: id, name,
        name_zh, dataset, distance_km, weight_temperature, weight_radiation,
        weight_diffuse), ``nearest`` (id), ``distance_km``, ``nearest_radiation`` (id),
        ``distance_radiation_km``, ``level_ratio`` (12, GHI / CSWD pattern),
        ``diffuse_dataset``, ``t_stations_annual`` and ``t_era5_annual`` (annual means of
        the station and ERA5 temperature estimates [degC]), ``t_gap_era5`` (ERA5 minus station
        estimate [K]) and ``era5_weight``.
    """
    b = _base()
    keep = ~np.isin(b["group"], list(exclude_groups))
    region = site_region(lat, lon, elevation, exclude_groups)
    gd = lapse_rates(frozenset(exclude_groups))[region]
    gamma = gd[:, 0]
    cube = b["cube"]

    # temperature, humidity, wind
    jt, dt_ = _nearest(lat, lon, keep & ~np.isin(b["ids"], list(TEMPERATURE_SUSPECT)), N_TEMP)
    wt = _weights(dt_) * np.exp(-np.abs(b["z"][jt] - elevation) / TEMP_ELEVATION_SCALE_M)
    wt = wt / wt.sum()
    w_near = _weights(dt_, b["z"][jt] - elevation)
    out = np.einsum("i,imc->mc", w_near, cube[jt])
    out[:, b["col"]["rh_mean"]] = w_near @ station_humidity()[jt]
    t_stations = station_estimate(lat, lon, elevation, jt, wt, gd, exclude_groups)
    t_era5 = era5_site_temperature(lat, lon, elevation, exclude_groups)
    t_site = (1 - ERA5_WEIGHT) * t_stations + ERA5_WEIGHT * t_era5
    # radiation shape from TMYx/SWERA
    jr, dr = _nearest(lat, lon, keep & np.isin(b["dataset"], RADIATION_DATASETS), N_RAD)
    wr = _weights(dr, b["z"][jr] - elevation)
    for c in RADIATION_SHAPE_COLS:
        out[:, b["col"][c]] = (wr[:, None] * cube[jr, :, b["col"][c]]).sum(0)
    # diffuse fraction: level of the nearest CSWD stations, course of the TMYx/SWERA ones
    jd, dd = _nearest(lat, lon, keep & (b["dataset"] == DIFFUSE_DATASET), N_RAD)
    wd = _weights(dd, b["z"][jd] - elevation)
    kd_col, g_col = b["col"]["kd"], b["col"]["ghi_kwh_day"]
    course = (cube[jr, :, kd_col], cube[jr, :, g_col] * DAYS_IN_MONTH, wr)  # radiation stations
    out[:, kd_col] = seasonal_diffuse_fraction((wd[:, None] * cube[jd, :, kd_col]).sum(0),
                                               (wd[:, None] * cube[jd, :, g_col]).sum(0)
                                               * DAYS_IN_MONTH, *course)
    cs_site = _clear_sky_cached(float(lat), float(lon)) / 1000.0
    ghi, level, p_site = site_ghi(lat, lon, elevation, jr, wr, keep, basis, cs_site)
    if own is not None:
        t_site, ghi = _own_station(own, out, elevation, gamma, basis, course, level,
                                   cs_site * p_site)
    out[:, b["col"]["t_mean"]] = t_site
    out[:, b["col"]["ghi_kwh_day"]] = ghi
    stats = pd.DataFrame(out, index=pd.RangeIndex(1, 13, name="month"), columns=list(STAT_COLUMNS))
    kc_target = ghi / cs_site
    f = kc_target / stats["kc_mean"].to_numpy()
    for c in (*KC_COLS, "kc_mean"):
        stats[c] = stats[c].to_numpy() * f
    stations = _stations_used((jt, dt_, wt), (jr, dr, wr),
                              None if own is not None else (jd, dd, wd))
    info = {"region": region, "lapse_rate_k_per_km": [float(g * 1000) for g in gamma],
            "terrain_k_per_km": [float(g * 1000) for g in gd[:, 1]],
            "terrain_mean_m": terrain_mean(lat, lon),
            "stations": stations, "nearest": str(b["ids"][jt[0]]),
            "distance_km": float(dt_[0]), "nearest_elevation": float(b["z"][jt[0]]),
            "nearest_radiation": str(b["ids"][jr[0]]), "distance_radiation_km": float(dr[0]),
            "level_ratio": [float(x) for x in level], "diffuse_dataset": DIFFUSE_DATASET,
            "t_stations_annual": float(np.mean(t_stations)), "t_era5_annual": float(np.mean(t_era5)),
            "t_gap_era5": float(np.mean(t_era5) - np.mean(t_stations)), "era5_weight": ERA5_WEIGHT}
    return stats, info


def station_estimate(lat: float, lon: float, elevation: float, jt: np.ndarray, wt: np.ndarray,
                     terms: np.ndarray, exclude_groups: frozenset = frozenset()) -> np.ndarray:
    """The station estimate of a site's monthly mean temperature [degC], 12 values: the mean
    (weight :data:`TEMP_TREND_WEIGHT`) of (a) the neighbours ``jt`` (weights ``wt``) each moved
    to the site by its region's lapse rate, terrain and latitude terms ``terms`` (12 x 3:
    gamma [K/m], delta [K/m of surrounding terrain], beta [K/deg]) and (b) the
    regression-kriging estimate (:func:`trend_temperature`)."""
    b = _base()
    gamma, delta, beta = terms[:, 0], terms[:, 1], terms[:, 2] * USE_LATITUDE_TERM
    zt_site = terrain_mean(lat, lon)
    t_local = (wt[:, None] * (station_temperatures()[jt] + _lapse(gamma, elevation - b["z"][jt])
                              + _lapse(delta, zt_site - station_terrain()[jt])
                              + _lapse(beta, lat - b["lat"][jt]))).sum(0)
    t_trend = trend_temperature(lat, lon, elevation, exclude_groups)
    return (1 - TEMP_TREND_WEIGHT) * t_local + TEMP_TREND_WEIGHT * t_trend


def site_ghi(lat: float, lon: float, elevation: float, jr: np.ndarray, wr: np.ndarray,
             keep: np.ndarray, basis: str, cs_site: np.ndarray) -> tuple[np.ndarray, ...]:
    """A site's mean daily GHI per month [kWh/m2/day] on ``basis``, the level ratio [-]
    (TMYx/SWERA clearness index over the CSWD pattern at the site) and that pattern [-], 12
    values each.

    On the tmyx basis: the clearness index (GHI / clear-sky GHI ``cs_site`` [kWh/m2/day]) of
    the TMYx/SWERA neighbours ``jr`` (weights ``wr``), nudged by the CSWD clearness-index
    pattern between them and the site, (P_site / weighted P at the neighbours) ^
    :data:`PATTERN_EXPONENT`; on the cswd basis the CSWD pattern at the site."""
    b = _base()
    p_site = _pattern(lat, lon, elevation, keep)
    p_nb = np.stack([_pattern(b["lat"][j], b["lon"][j], b["z"][j], keep) for j in jr])
    kt_nb = (wr[:, None] * _station_kt(tuple(jr))).sum(0)
    nudge = (p_site / (wr[:, None] * p_nb).sum(0)) ** PATTERN_EXPONENT
    level = kt_nb * nudge / p_site
    return cs_site * (p_site * level if basis == "tmyx" else p_site), level, p_site


def _own_station(own: str, out: np.ndarray, elevation: float, gamma: np.ndarray, basis: str,
                 course: tuple, level: np.ndarray,
                 ghi_cswd_pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A bundled station's own statistics written into ``out`` (in place): temperature,
    humidity and wind always, radiation for a TMYx/SWERA station, a CSWD station's annual
    diffuse fraction with the radiation stations' ``course``. Returns its monthly temperature
    moved to ``elevation`` by the lapse rates ``gamma`` [degC] and its GHI on ``basis``
    [kWh/m2/day]: a TMYx/SWERA station's own on the tmyx basis, on the cswd basis
    ``ghi_cswd_pattern`` (the CSWD pattern's at the site); a CSWD station's own, on the tmyx
    basis times the ``level`` ratio of :func:`site_ghi`."""
    b = _base()
    cube = b["cube"]
    k = int(np.flatnonzero(b["ids"] == own)[0])
    ds = b["dataset"][k]
    kd_col, g_col = b["col"]["kd"], b["col"]["ghi_kwh_day"]
    rad_cols = {b["col"][c] for c in (*RADIATION_SHAPE_COLS, "ghi_kwh_day")}
    for c in range(cube.shape[2]):
        if c not in rad_cols or (ds in RADIATION_DATASETS):
            out[:, c] = cube[k, :, c]
    out[:, b["col"]["rh_mean"]] = station_humidity()[k]
    if ds == DIFFUSE_DATASET:  # a CSWD station keeps its level, not its course over the year
        out[:, kd_col] = seasonal_diffuse_fraction(cube[k, :, kd_col],
                                                   cube[k, :, g_col] * DAYS_IN_MONTH, *course)
    t_site = station_temperatures()[k] + _lapse(gamma, elevation - b["z"][k])
    if ds == DIFFUSE_DATASET:
        ghi = _col("ghi_kwh_day")[k] * (level if basis == "tmyx" else 1.0)
    else:
        ghi = cube[k, :, g_col].copy() if basis == "tmyx" else ghi_cswd_pattern
    return t_site, ghi


def _stations_used(temperature: tuple, radiation: tuple, diffuse: tuple | None) -> list[dict]:
    """Every station a site's statistics use, nearest first: id, names, dataset, province,
    elevation [m], distance [km] and its weights in the temperature, radiation and diffuse
    fraction; each argument (indices, distances [km], weights)."""
    b = _base()
    rows: dict[str, dict] = {}
    for j, d, w in zip(*temperature):
        rows[b["ids"][j]] = {"distance_km": float(d), "weight_temperature": float(w),
                             "weight_radiation": 0.0}
    for j, d, w in zip(*radiation):
        rows.setdefault(b["ids"][j], {"distance_km": float(d), "weight_temperature": 0.0,
                                      "weight_radiation": 0.0})
        rows[b["ids"][j]]["weight_radiation"] = float(w)
    for j, d, w in zip(*(diffuse or ((), (), ()))):
        rows.setdefault(b["ids"][j], {"distance_km": float(d), "weight_temperature": 0.0,
                                      "weight_radiation": 0.0})
        rows[b["ids"][j]]["weight_diffuse"] = float(w)
    for r in rows.values():
        r.setdefault("weight_diffuse", 0.0)
    st = station_table()
    stations = []
    for sid, r in sorted(rows.items(), key=lambda kv: kv[1]["distance_km"]):
        s = st.loc[sid]
        stations.append({"id": sid, "name": s["name"], "name_zh": s["name_zh"],
                         "dataset": s["dataset"], "province": s["province"],
                         "elevation_m": float(s["elevation_m"]), **r})
    return stations


def _lapse(gamma: np.ndarray, dz) -> np.ndarray:
    """Temperature change [K] for elevation change(s) dz [m] with monthly gamma [K/m]."""
    dz = np.asarray(dz, float)
    return dz[..., None] * gamma if dz.ndim else dz * gamma
