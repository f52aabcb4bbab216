"""Weather for a site: the user's file, a bundled station, or any lat/lon in China.

Synthetic years come from monthly statistics of 329 bundled stations (34 TMYx, 256
CSWD, 39 SWERA; :mod:`weather.stations`), interpolated to the site by
:func:`weather.interp.interpolate`: temperature from the nearest stations moved to the
site's elevation with lapse rates fitted by region and month, GHI from the TMYx/SWERA
stations nudged by the CSWD spatial pattern, on the selected radiation basis
(:data:`RADIATION_BASES`). The method and its leave-one-out errors by region are in
``weather/VALIDATION.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._core import CHINA_BBOX, WeatherError, WeatherMeta, haversine_km, hourly_index
from .design import (
    climate_design_temperatures,
    design_of_year,
    season_wind_speeds,
    typical_year,
    years_design,
)
from .io import read_weather_file, station_pressure

RADIATION_BASES = {
    "tmyx": ("TMYx/SWERA level (TMYx radiation from Copernicus ERA5; SWERA within a few "
             "per cent of it)"),
    "cswd": ("CSWD level (China Standard Weather Data 2005, radiation modelled from sunshine "
             "duration; about 18 % below TMYx on average, not everywhere: on the plateau the two "
             "are close and either may be higher)"),
}
"""Radiation bases a planner can choose (``site.radiation_basis``)."""

DEFAULT_RADIATION_BASIS = "tmyx"
"""Basis chosen by the evidence in ``weather/VALIDATION.md`` (section "Radiation basis")."""

RADIATION_BASIS_UNCERTAINTY = {"tmyx": (-0.12, 0.0), "cswd": (-0.03, 0.24)}
"""Published operating PV yields relative to the yield modelled on this basis with
PVWatts' 14 % losses (low, high) [-]: the JD Xi'an, Galanz Zhongshan and Nanchong rooftop
plants (tmyx -12 to -10 %, upper end 0: no loss can raise an operating yield above the
model; cswd -3 to +24 %). The Dalat utility plant (+23 % on both) is left out: its capacity
basis (AC or DC) is not stated (``weather/VALIDATION.md``, "Radiation basis")."""

TEMPERATURE_PERIODS = {
    "tmyx": ("the recent climate of the TMYx files (NOAA ISD observations; typical months chosen "
             "from each station's whole record, which reaches to 2025); CSWD (1971-2003) and "
             "SWERA (1973-2002) stations are moved to it"),
    "cswd": ("1971-2003, the climate of China Standard Weather Data (CSWD), the typical years of "
             "Chinese building-energy design"),
    "tmyx-2009-2023": ("2009-2023, the climate of the TMYx files of that 15-year window "
                       "(Climate.OneBuilding.org [climate-onebuilding-tmyx]): the recent climate "
                       "moved by the median difference between window and whole-record files of "
                       "the same stations"),
}
"""Climate periods of a synthetic year's temperature a planner can choose
(``site.temperature_period``)."""

DEFAULT_TEMPERATURE_PERIOD = "tmyx"
"""The recent climate: a park is planned for the coming decades, and the climate has warmed
since 1971-2003 (CSWD runs about 0.4 K colder than TMYx at the same places,
weather/VALIDATION.md section 1)."""

UNCERTAINTY_BASE = 0.03
"""Expected annual-GHI uncertainty next to a TMYx/SWERA station [-] (leave-one-out mean
absolute error 3.1 %, weather/VALIDATION.md)."""

UNCERTAINTY_PER_100KM = 0.01
"""Growth of the expected uncertainty with distance to the nearest TMYx/SWERA station
[- per 100 km]."""

UNCERTAINTY_DISTANCE_CAP_KM = 400.0
"""Beyond this distance the uncertainty no longer grows with distance [km]."""

UNCERTAINTY_PER_KM_ELEVATION = 0.03
"""Growth of the expected uncertainty per km of elevation difference to the nearest
radiation station [-/km]."""

_PLATEAU_GHI_NOTE = (
    "on the plateau the GHI is probably underestimated: the radiation stations there (SWERA) "
    "read lower against the CSWD stations beside them than elsewhere, and against the CMA "
    "station climatology this estimate runs about 14 % low on the plateau (Lhasa, Shigatse "
    "and Shiquanhe 20-30 %; weather/VALIDATION.md): PV yields here are conservative")
"""Note for a plateau site on the tmyx basis (:data:`PLATEAU_GHI_UNCERTAINTY`)."""

PLATEAU_GHI_UNCERTAINTY = 0.25
"""Expected annual-GHI uncertainty of a plateau site on the tmyx basis, at least [-]. The
plateau's radiation level rests on SWERA stations, which there read 0.89 of the CSWD station
beside them where TMYx files read 1.15-1.36 (median annual GHI ratios over co-located places);
against the CMA station climatology (CDSRD 1991-2017, validation only) the estimate at 68
plateau stations runs 14 % lower than elsewhere (5-95 %: -25 % to -1 %), so the stated
uncertainty covers 12 % of them with the distance rule alone and 93 % at this value
(weather/VALIDATION.md, "Radiation level on the plateau")."""

UNCERTAINTY_MAX = 0.3
"""Cap of the expected uncertainty [-]."""

CITY_MATCH_KM = 30.0
"""With both city= and lat=/lon=, the station's own statistics are used if the site is
within this distance of it; otherwise the site is interpolated [km]."""

CITY_MATCH_ELEVATION_M = 200.0
"""With city= and a given elevation, the station's own statistics are used (moved by the
fitted lapse rates) if the elevation is within this of the station's; otherwise the site is
interpolated at that elevation, the station among its neighbours [m]. At the 24 pairs of
bundled stations less than 100 km and more than 200 m of height apart, one station moved to
the other's height by the fitted lapse rates missed its annual mean by 0.53 K on average (p95
1.22 K), the interpolation without it by 0.35 K (p95 0.95 K): a place that much higher or
lower is better told by the terrain terms, the regression trend and ERA5 than by one station.
Within :data:`ELEVATION_BLEND_M` of this threshold the two temperatures are blended, so that a
few metres more do not step the temperature (a 2 m change moved Beijing's year by 0.4 K)."""

ELEVATION_BLEND_M = 100.0
"""Half-width of the blend around :data:`CITY_MATCH_ELEVATION_M` [m]: at |dz| = 100 m the
station's own temperature moved by the lapse rates, at 300 m the interpolation, linear between."""


def interpolation_share(dz_m: float) -> float:
    """Share of the interpolated temperature for a named station moved by ``dz_m`` [-]
    (:data:`CITY_MATCH_ELEVATION_M`, :data:`ELEVATION_BLEND_M`)."""
    lo = CITY_MATCH_ELEVATION_M - ELEVATION_BLEND_M
    return float(np.clip((abs(dz_m) - lo) / (2 * ELEVATION_BLEND_M), 0.0, 1.0))

PLACE_MATCH_KM = 60.0
"""With both a city or county name (no station) and lat=/lon=, a note says so when the
coordinates are farther than this from the seat of that division [km]."""

_FILE_ADVICE = ("for final studies use a measured or typical-year EPW of the site "
                "(site_weather(path=...)): synthetic years reproduce monthly statistics, "
                "not a particular year's weather")


def swapped_coordinates(lat: float, lon: float) -> str:
    """A hint where latitude and longitude were given the wrong way round: the pair lies outside
    China's bounding box and the swapped pair inside it (108.95, 34.27 for Xi'an); "" otherwise."""
    la0, la1, lo0, lo1 = CHINA_BBOX
    inside = (la0 <= lat <= la1 and lo0 <= lon <= lo1)
    if inside or not (la0 <= lon <= la1 and lo0 <= lat <= lo1):
        return ""
    return (f"latitude and longitude look swapped: latitude is degrees north ({la0:g}-{la1:g} in China), "
            f"longitude degrees east ({lo0:g}-{lo1:g}); write latitude {lon:g}, longitude {lat:g}")


def _check_coords(lat, lon) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise WeatherError(f"lat/lon: expected numbers in degrees, got {lat!r}, {lon!r}") from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise WeatherError(f"lat/lon: expected finite numbers, got {lat!r}, {lon!r}")
    la0, la1, lo0, lo1 = CHINA_BBOX
    if swapped_coordinates(lat_f, lon_f):
        raise WeatherError(f"lat/lon ({lat_f}, {lon_f}): {swapped_coordinates(lat_f, lon_f)}")
    if not (la0 <= lat_f <= la1 and lo0 <= lon_f <= lo1):
        raise WeatherError(f"lat/lon ({lat_f}, {lon_f}): outside China's bounding box "
                           f"(latitude {la0}..{la1} N, longitude {lo0}..{lo1} E); this "
                           f"generator only covers China — pass path= to a weather file")
    out = outside_china_message(lat_f, lon_f)
    if out:
        raise WeatherError(f"lat/lon ({lat_f}, {lon_f}): {out}")
    return lat_f, lon_f


LOO_LARGEST_T_MISS_K = 2.3
"""Largest annual mean temperature error of the leave-one-out over the 328 bundled stations
[K] (Jinan; weather/VALIDATION.md, section 3), quoted by :func:`file_cross_check`."""

FILE_CHECK_T_K = 3.0
"""A weather file whose annual mean temperature lies further than this from the tool's estimate
at the file's header position and elevation gets a note [K]. The largest leave-one-out miss
(:data:`LOO_LARGEST_T_MISS_K`) is 2.3 K and the older
CSWD/SWERA period adds 0.4 K: a file further off more likely carries a wrong header position or
elevation, or another place's data (the TMYx Huang.Shan file: header 1836 m, the summit, with
lowland temperatures 9.8 K warmer than the summit's)."""

FILE_CHECK_GHI = 0.35
"""A weather file whose annual GHI lies more than this below the tool's estimate on the cswd
basis, or above it on the tmyx basis, gets a note [-]: leave-one-out errors reach -27 % and
+26 % for CSWD files on their basis, +13 % for TMYx/SWERA files on theirs (weather/VALIDATION.md)."""


ELEVATION_TERRAIN_MARGIN_M = 1200.0
"""Farthest a given elevation may lie below the lowest or above the highest 5-arcmin terrain
cell within about 9 km of the site [m] before it is refused as a mistake (0 for a plateau
town, feet for metres). Of the CMA's 1,300-odd stations the farthest out are the valley
station 察隅 (973 m below) and the summit station 峨眉山 (1,006 m above)."""


SEA_LEVEL_TOLERANCE_M = 30.0
"""How far below sea level a given elevation may lie beneath the lowest land cell around the site
when that cell lies at sea level or below [m] (the grid's step is 28 m). In China only the Turpan
depression lies below sea level (艾丁湖, about -154 m; the grid's cells there reach -170 m): a
site elsewhere given below sea level is a mistake (a sign, or a depth), as one far above the
terrain is (:data:`ELEVATION_TERRAIN_MARGIN_M`)."""


def elevation_conflict(lat: float, lon: float, elevation: float) -> str | None:
    """Why a given elevation [m] cannot be the site's, else ``None``: farther above the highest
    or below the lowest terrain cell around it than any CMA station (:data:`ELEVATION_TERRAIN_MARGIN_M`),
    or below sea level where the terrain around it is not (:data:`SEA_LEVEL_TOLERANCE_M`)."""
    from .interp import lowest_land_cell, settlement_elevation

    low, span = settlement_elevation(lat, lon)
    high = low + span
    lowest = lowest_land_cell(lat, lon)
    sea_floor = min(lowest, 0.0) - SEA_LEVEL_TOLERANCE_M
    if max(low - ELEVATION_TERRAIN_MARGIN_M, sea_floor) <= elevation <= high + ELEVATION_TERRAIN_MARGIN_M:
        return None
    if low - ELEVATION_TERRAIN_MARGIN_M <= elevation < sea_floor:
        return (f"elevation {elevation:.0f} m: {-elevation:,.0f} m below sea level, where the terrain within "
                f"about 9 km of the site lies at {low:.0f}-{high:.0f} m (pvlib's 5-arcmin grid; its lowest "
                f"land cell {lowest:.0f} m); in China only the Turpan depression lies below sea level (about "
                f"-154 m); expected the site's height above sea level in metres, or leave it out to use the "
                f"terrain's")
    off, side = (low - elevation, "below") if elevation < low else (elevation - high, "above")
    return (f"elevation {elevation:.0f} m: the terrain within about 9 km of the site lies at "
            f"{low:.0f}-{high:.0f} m (pvlib's 5-arcmin grid) and the given value is {off:,.0f} m "
            f"{side} it, farther than any CMA weather station from its terrain (limit "
            f"{ELEVATION_TERRAIN_MARGIN_M:.0f} m); expected the site's height above sea level in "
            f"metres, or leave it out to use the terrain's")


def outside_china_message(lat: float, lon: float) -> str | None:
    """Why a point is not in mainland China, or ``None``
    (:data:`weather.places.OUTSIDE_CHINA_MARGIN_KM`)."""
    from .places import OUTSIDE_CHINA_MARGIN_KM, km_outside_china

    gap = km_outside_china(lat, lon)
    if gap <= OUTSIDE_CHINA_MARGIN_KM:
        return None
    return (f"about {gap:,.0f} km outside mainland China (measured to its outline and to its "
            f"city and county seats); the tool covers sites in mainland China: check the "
            f"latitude and longitude (north and east positive)")


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


def stated_ghi_uncertainty(distance_km: float, elevation_diff_m: float, region: str,
                           basis: str) -> float:
    """The annual-GHI uncertainty a synthetic site states [-]: :func:`expected_uncertainty`,
    at least :data:`PLATEAU_GHI_UNCERTAINTY` for a plateau site on the tmyx basis."""
    u = expected_uncertainty(distance_km, elevation_diff_m)
    if region == "plateau" and basis == "tmyx":
        u = max(u, PLATEAU_GHI_UNCERTAINTY)
    return u


def _check_choice(field: str, value, choices: dict, default: str) -> str:
    """``value`` of the synthetic-year option ``field``, ``default`` for ``None``; anything else
    not among ``choices`` is refused naming the field and the choices."""
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lower() in choices:  # 'CSWD' is 'cswd'
        value = value.strip().lower()
    if value not in choices:
        raise WeatherError(f"{field}: expected one of {sorted(choices)}, got {value!r}")
    return value


def _check_basis(basis) -> str:
    return _check_choice("radiation_basis", basis, RADIATION_BASES, DEFAULT_RADIATION_BASIS)


def _check_period(period) -> str:
    return _check_choice("temperature_period", period, TEMPERATURE_PERIODS, DEFAULT_TEMPERATURE_PERIOD)


def temperature_period_shift(period: str) -> np.ndarray:
    """Monthly change of a synthetic year's temperature from the TMYx period to ``period`` [K],
    12 values: 0 for ``"tmyx"``, minus the CSWD offset of :func:`weather.interp.dataset_offsets`
    for ``"cswd"``, the window offset of :func:`weather.interp.tmyx_window_offsets` for
    ``"tmyx-2009-2023"``."""
    if period == "tmyx":
        return np.zeros(12)
    from .interp import RECENT_WINDOW, dataset_offsets, tmyx_window_offsets

    if period == f"tmyx-{RECENT_WINDOW}":
        return tmyx_window_offsets(RECENT_WINDOW)
    return -dataset_offsets()["CSWD"]


def humidity_period_shift(period: str) -> float:
    """Change of a synthetic year's mean relative humidity from the TMYx period to ``period``
    [% points]: 0 for ``"tmyx"``, minus the CSWD offset of
    :func:`weather.interp.humidity_offsets` for ``"cswd"`` (the older period was cooler at about
    the same dew point, so more humid), 0 for ``"tmyx-2009-2023"`` (the window files' humidity
    is not measured: its RH stays the recent climate's, its dew point rises with its
    temperature)."""
    if period != "cswd":
        return 0.0
    from .interp import humidity_offsets

    return -humidity_offsets()["CSWD"]


def period_note(period: str) -> str:
    """Note for a synthetic year on a temperature period other than the default: how far and
    which way it lies from the recent climate, and what that does to the loads."""
    d = temperature_period_shift(period)
    if period == "cswd":
        return (f"temperature period {period}: {TEMPERATURE_PERIODS[period]}; {-d.mean():.1f} K "
                f"colder than the recent climate on average (months {-d.max():.1f} to "
                f"{-d.min():.1f} K) and {humidity_period_shift(period):.1f} points more humid "
                f"(relative humidity): heating loads come out higher and cooling loads lower than "
                f"in today's climate; site.temperature_period: tmyx for the recent climate")
    from .interp import tmyx_windows

    annual = [r["annual_difference_k"] for r in tmyx_windows()["windows"][period.removeprefix("tmyx-")]]
    return (f"temperature period {period}: {TEMPERATURE_PERIODS[period]}; {d.mean():.1f} K warmer "
            f"than the recent climate on average (months {d.min():.1f} to {d.max():.1f} K; from "
            f"{len(annual)} stations with both files, whose own annual differences scatter by "
            f"{np.std(annual, ddof=1):.1f} K): "
            f"heating loads come out lower and cooling loads higher than on the whole-record "
            f"typical years; site.temperature_period: tmyx for the recent climate")


TEMPERATURE_GAP_NOTE_K = 1.5
"""A site whose ERA5 and station temperature estimates differ by more than this in the annual
mean gets a note saying so [K]."""

TEMPERATURE_NEAR_KM = 100.0
"""A site with a station within this distance counts as near one [km]."""

TEMPERATURE_UNCERTAINTY_K = {"near": 0.8, "far": 1.2, "estimates_disagree": 2.0}
"""Expected error of a site's annual mean temperature [K]: the 95th percentile of the
leave-one-out error (weather/VALIDATION.md, section 3) at stations whose nearest other station
is within :data:`TEMPERATURE_NEAR_KM` ("near", 121 stations: 0.78 K), farther ("far", 183:
1.17 K), and where the ERA5 and station estimates differ by more than
:data:`TEMPERATURE_GAP_NOTE_K` ("estimates_disagree", 24: 1.19 K; stated 2.0 K because the
independent CBED check finds 3.0 K at such places, against 1.3 K elsewhere)."""

TYPICAL_YEAR_SPREAD_K = 0.7
"""How far two typical years of one place differ in annual mean temperature [K]: the 95th
percentile over the 69 pairs of files of different datasets at one place (0.66 K,
:func:`weather.validation.typical_year_spread`; weather/VALIDATION.md, section 3, "How far
the goals can be met"). A site at a bundled station has no interpolation error, but its
typical year is one of several: its climate zone is judged within this spread
(:func:`_zone_uncertainty_note`; Beijing's and Tianjin's stations give CDD26 of about 73 K d,
寒冷A, 17 K d below the 寒冷B threshold)."""

ELEVATION_ERROR_FLOOR_M = 75.0
"""Error of an elevation estimated from the terrain grid in flat terrain [m] (see
:func:`estimated_elevation_uncertainty`)."""

ELEVATION_ERROR_PER_RANGE = 0.7
"""Growth of that error with the terrain range around the site [m per m] (see
:func:`estimated_elevation_uncertainty`)."""

LAPSE_RATE_K_PER_M = 0.0065
"""Standard-atmosphere temperature lapse rate [K/m] (ICAO), turning an elevation uncertainty
into a temperature uncertainty."""


def estimated_elevation_uncertainty(terrain_range_m: float) -> float:
    """How far an elevation estimated from the terrain grid may be off [m].

    ``hypot(ELEVATION_ERROR_FLOOR_M, ELEVATION_ERROR_PER_RANGE * terrain_range_m)`` with the
    terrain range of :func:`weather.interp.settlement_elevation` [m]: within it at 96 % of
    1005 CMA stations and of the 329 bundled stations, 92-97 % in every terrain-range class
    (weather/VALIDATION.md, "Site elevation"). A 95th percentile, not a bound.
    """
    spread = ELEVATION_ERROR_PER_RANGE * max(float(terrain_range_m), 0.0)
    return float(math.hypot(ELEVATION_ERROR_FLOOR_M, spread))


def expected_temperature_uncertainty(distance_km: float, estimate_gap_k: float,
                                     elevation_uncertainty_m: float = 0.0) -> float:
    """Expected error of the annual mean temperature of a site between stations [K].

    Parameters
    ----------
    distance_km : float
        Distance to the nearest station used [km].
    estimate_gap_k : float
        ERA5 minus station estimate of the annual mean [K].
    elevation_uncertainty_m : float
        Uncertainty of the site elevation when it was estimated from the terrain grid
        (:func:`estimated_elevation_uncertainty`) [m]; 0 when the elevation was given.

    Returns
    -------
    float
        :data:`TEMPERATURE_UNCERTAINTY_K` for the kind of place, combined in quadrature with
        :data:`LAPSE_RATE_K_PER_M` x ``elevation_uncertainty_m``, rounded to 0.1 K. A 95th
        percentile, not a bound: with an estimated elevation it covers 93-100 % of the
        stations in every terrain-range class, left out or independent (weather/VALIDATION.md).
    """
    if abs(estimate_gap_k) > TEMPERATURE_GAP_NOTE_K:
        base = TEMPERATURE_UNCERTAINTY_K["estimates_disagree"]
    else:
        base = TEMPERATURE_UNCERTAINTY_K["near" if distance_km <= TEMPERATURE_NEAR_KM else "far"]
    return round(math.hypot(base, LAPSE_RATE_K_PER_M * max(float(elevation_uncertainty_m), 0.0)), 1)


def basis_note(basis: str) -> str:
    """One-line description of a radiation basis and its uncertainty for the outputs."""
    lo, hi = RADIATION_BASIS_UNCERTAINTY[basis]
    return (f"radiation basis {basis}: {RADIATION_BASES[basis]}; published operating yields of "
            f"Chinese PV plants lie {100 * lo:+.0f} % to {100 * hi:+.0f} % from the yield modelled "
            f"on this basis with PVWatts' 14 % losses (weather/VALIDATION.md); choose with "
            f"site.radiation_basis, or raise the PV system losses for a conservative yield")


def _provenance(extra: dict) -> dict:
    return {"stats": "weather/data/station_monthly_stats.csv (derived from Climate.OneBuilding.org "
                     "TMYx, CSWD (CMA Climate Data Office and Tsinghua University, 2005) and SWERA "
                     "(UNEP/NREL) typical years; see station_stats.provenance.json)",
            "method": "weather.interp.interpolate + weather.generator.synthesize", **extra}


def _same_name_elsewhere(city: str, kind: str, hit) -> list[str]:
    """A note when a name also means places in other provinces than the one taken ('Yulin':
    the station 榆林 in Shaanxi, and 玉林 in Guangxi; '朝阳': 朝阳市 in Liaoning, and the
    districts 朝阳区 of Beijing and Changchun)."""
    from .places import latin_key, outside_mainland_region, places_named
    from .stations import station_table

    prov = station_table().loc[hit, "province"] if kind == "station" else hit.province
    region = outside_mainland_region(city)
    beyond = ([f"{city!r} was taken as the one in {prov}; it also names a place in {region}, which this "
               f"tool does not cover (mainland China only)"] if region else [])
    others = [label for label, p in places_named(city) if p != prov]
    romanised = latin_key(str(city)) is not None
    if not romanised:
        # a Chinese city name is not also every district of that name in another province's
        # city (西安 is not 辽源市 西安区); a municipality's district is a city of its own (朝阳
        # may well mean 北京 朝阳区)
        others = [label for label in others if len(label.split()) == 2]
    if not others:
        return beyond
    more = f" and {len(others) - 4} more" if len(others) > 4 else ""
    how = ("write the Chinese name for one of those" if romanised
           else "write its province or city before the name for one of those")
    return [f"{city!r} was taken as the one in {prov}; it also names {', '.join(others[:4])}{more}: "
            f"{how}", *beyond]


def _place_note(place) -> str:
    """Where a site named by a city or county without a bundled station is interpolated."""
    if place.code:
        within = f", {place.parent_zh}" if place.parent_zh else ""
        return (f"{place.name_zh} ({place.province}{within}; division code {place.code}) has no "
                f"bundled station: the site is interpolated at the seat of the division "
                f"({place.lat:.2f} N, {place.lon:.2f} E) [cpca-du-2018]; give latitude/longitude "
                f"(and elevation) of the park for a better estimate")
    return (f"{place.name} ({place.name_zh}, {place.province}) has no bundled station: the site "
            f"is interpolated at the city centre ({place.lat:.2f} N, {place.lon:.2f} E); give "
            f"latitude/longitude (and elevation) of the park for a better estimate")


def _station_label(s: dict) -> str:
    return f"{s['name']} {s['name_zh']} ({s['dataset']}, {s['distance_km']:.0f} km)"


def site_weather(*, city: str | None = None, lat: float | None = None, lon: float | None = None,
                 elevation: float | None = None, path=None, year: int = 2025, seed: int | None = None,
                 radiation_basis: str | None = None, province_known: bool = False,
                 temperature_period: str | None = None, exclude_groups: frozenset = frozenset()):
    """Hourly typical-year weather for a site.

    Exactly one way of naming the site:

    * ``path=``: the user's EPW / TMY3 file (:func:`weather.read_weather_file`);
    * ``city=``: any bundled station (Chinese name, pinyin/English, WMO number or id;
      ``twin weather --list``): a synthetic year from its own statistics (radiation of
      CSWD stations from the TMYx/SWERA level at the station);
    * ``lat=, lon=`` (optionally ``elevation=``, else pvlib's terrain grid): any site
      in China: a synthetic year from statistics interpolated between stations.

    ``city=`` together with ``lat=/lon=`` uses the station's statistics at the given
    coordinates if they lie within :data:`CITY_MATCH_KM` of it, else the coordinates
    are interpolated (a note says which). ``elevation=`` with ``city=`` moves the
    temperature with the fitted lapse rate of the region and month.

    Parameters
    ----------
    city : str, optional
        A station, or a Chinese city or county, by name (Chinese or pinyin) or WMO number. A
        pinyin name that also means places in other provinces is noted ('Yulin': 榆林 in
        Shaanxi, taken, and 玉林 in Guangxi).
    lat, lon : float, optional
        Site [deg north, deg east].
    elevation : float, optional
        Site elevation [m] (recommended on plateaus and in mountains).
    path : str or path-like, optional
        Weather file.
    year : int
        Model year.
    seed : int, optional
        Random seed of the synthetic year; None (default): the most typical of the
        :data:`ZONE_SEEDS` synthetic years of the site's climate
        (:func:`weather.design.typical_year`; ``WeatherMeta.seed`` says which).
    radiation_basis : {"tmyx", "cswd"}, optional
        Radiation level of synthetic years (default :data:`DEFAULT_RADIATION_BASIS`);
        ignored for files.
    temperature_period : {"tmyx", "cswd"}, optional
        Climate period of synthetic years' temperatures (default
        :data:`DEFAULT_TEMPERATURE_PERIOD`, the recent climate; ``"cswd"`` 1971-2003, the
        period of China's building-energy design data, :data:`TEMPERATURE_PERIODS`); ignored
        for files.
    province_known : bool
        The caller has checked that the city lies in the park's stated province (a
        scenario's ``site.province``): no note on pinyin namesakes elsewhere.
    exclude_groups : frozenset of str
        Station groups (places) left out of the interpolation, with ``lat=/lon=`` only: a
        check of the method against a file from such a place
        (:func:`weather.validation.check_weather_file`, the leave-one-out).

    Returns
    -------
    df : pandas.DataFrame
        ``ghi, dni, dhi, temp_air, wind_speed, relative_humidity`` on ``hourly_index(year)``.
    meta : WeatherMeta

    Raises
    ------
    WeatherError
        Ambiguous or missing site, unknown station, coordinates outside China, bad file.
    """
    basis = _check_basis(radiation_basis)
    period = _check_period(temperature_period)
    elevation = _check_arguments(city=city, lat=lat, lon=lon, elevation=elevation, path=path,
                                 year=year, seed=seed, exclude_groups=exclude_groups)
    if path is not None:
        return _file_weather(path, lat, lon, year)
    site = _locate(city, lat, lon, elevation, province_known)
    return _synthetic_weather(site, elevation, basis=basis, period=period, year=year, seed=seed,
                              exclude_groups=frozenset(exclude_groups))


def _check_arguments(*, city, lat, lon, elevation, path, year, seed, exclude_groups):
    """The ways of naming a site :func:`site_weather` accepts, checked; the elevation as a
    number [m] (``None`` when not given)."""
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0):
        raise WeatherError(f"seed: expected a non-negative integer (or none: the most typical year), got {seed!r}")
    hourly_index(year)  # validates year
    if path is not None and city is not None:
        raise WeatherError("site_weather: give either city= or path=, not both")
    if exclude_groups and (path is not None or city is not None):
        raise WeatherError("site_weather: exclude_groups= applies to a site given by lat=/lon=")
    if (lat is None) != (lon is None):
        raise WeatherError("site_weather: lat= and lon= must be given together")
    if path is None and city is None and lat is None:
        raise WeatherError("site_weather: give exactly one of city=, path= or lat=/lon= "
                           "(got none)")
    if elevation is None:
        return None
    try:
        elevation = float(elevation)
    except (TypeError, ValueError):
        raise WeatherError(f"elevation: expected metres as a number, got {elevation!r}") from None
    if not (math.isfinite(elevation) and -200.0 <= elevation <= 6000.0):
        raise WeatherError(f"elevation: expected -200..6000 m, got {elevation!r}")
    return elevation


def _file_weather(path, lat, lon, year: int):
    """A user's weather file, checked against the tool's estimate at its header position."""
    df, meta = read_weather_file(Path(path), year=year)
    if lat is not None and lon is not None:
        la, lo = _check_coords(lat, lon)
        dist = float(haversine_km(la, lo, meta.latitude, meta.longitude))
        meta.distance_km = dist
        if dist > 50:
            meta.notes.append(f"the file's station is {dist:.0f} km from the given site "
                              f"({la:.3f}, {lo:.3f})")
    meta.radiation_basis = "file"
    meta.temperature_period = "file"
    meta.file_check = file_against_estimate(df, meta)
    meta.notes.extend(file_cross_check(meta))
    _add_zone(df, meta)
    meta.design_temperatures = _file_design_temperatures(df, meta)
    meta.notes.extend(_written_zone_note(meta))
    return df, meta


def _file_design_temperatures(df, meta) -> dict:
    """A weather file's design temperatures: its one year's (:func:`weather.design.design_of_year`,
    the wet-bulb at the standard atmosphere's pressure at the file's elevation),
    or, for a synthetic year this tool wrote, the climate's its header records (the mean over
    the synthetic years it was one of), so that a run on the written file sizes the buildings as
    the run on the synthetic site did."""
    own = design_of_year(df["temp_air"], df["relative_humidity"], station_pressure(meta.elevation),
                         df["wind_speed"])
    made = meta.provenance.get("park_twin") or {}
    try:
        years = int(made.get("design_years", 1))
        if years > 1:
            # design_heating_c and design_cooling_c always; the others written since 2026-12-07
            climate = {k.removeprefix("design_"): float(v) for k, v in made.items()
                       if k.startswith("design_") and k != "design_years"}
            if "heating_c" in climate and "cooling_c" in climate:
                return {**own, **climate, "years": years}
    except ValueError:
        pass
    return {**own, "years": 1}


def _written_zone_note(meta) -> list[str]:
    """A note when a synthetic year this tool wrote states another climate zone in its header
    (the site's climate: the mean degree days of :data:`ZONE_SEEDS` years) than its one year's
    own degree days give, which a file's zone is taken from."""
    from .climate_zone import ZONE_KEYS

    stated = (meta.provenance.get("park_twin") or {}).get("climate_zone", "")
    key, _, letter = stated.partition("-")
    zh = {v: k for k, v in ZONE_KEYS.items()}.get(key)
    z = meta.climate_zone
    if zh is None or zh + letter == z.get("subzone"):
        return []
    return [f"the file's header gives climate zone {zh}{letter}, the climate of the site it was written "
            f"for (the mean of {ZONE_SEEDS} synthetic years); this one year's degree days (HDD18 "
            f"{z['hdd18']:.0f}, CDD26 {z['cdd26']:.0f}) give {z['subzone']}, which the buildings' presets "
            f"follow: give site.climate_zone: {zh}{letter} to use the climate's"]


@dataclass
class _Site:
    """Where a synthetic year is made, as :func:`_locate` settles it."""

    lat: float
    lon: float
    elevation: float | None
    """[m]; ``None``: to be estimated from the terrain grid."""
    own: str | None
    """Id of the bundled station whose own statistics are used, else ``None`` (interpolated)."""
    share: float
    """Share of the interpolated temperature for a named station at another elevation [-]."""
    notes: list[str]
    place: dict
    """The named place the site is (:func:`_place_label`), empty for bare coordinates or a place
    named far from them."""


def _ascii_name(place) -> str:
    """A place's name in Latin letters: a major city's English name, a division's pinyin (its
    first reading, capitalised: 江都区 -> Jiangdu)."""
    if str(place.name).isascii():
        return str(place.name)
    from .places import place_table

    reading = str(place_table().loc[place.code, "pinyin"]).split("|")[0] if place.code else ""
    return reading.capitalize()


def _place_label(kind: str | None, hit) -> dict:
    """``place`` (Latin letters, for an EPW's LOCATION line), ``place_zh``, ``province`` and, for
    a city or county, ``division_code`` of the station or place a site was named by; empty for
    none."""
    if kind == "station":
        from .stations import station_table

        r = station_table().loc[hit]
        return {"place": str(r["name"]), "place_zh": str(r["name_zh"]), "province": str(r["province"])}
    if kind == "city":
        out = {"place": _ascii_name(hit), "place_zh": hit.name_zh, "province": hit.province}
        return {**out, "division_code": hit.code} if hit.code else out
    return {}


CITY_CONFLICT_MARGIN_KM = 100.0
"""A city named together with coordinates farther from it than its own county and district
seats reach, plus this, is refused as another place [km] (:func:`city_conflict`); nearer, the
coordinates are the site and a note says how far they lie (:data:`CITY_MATCH_KM`,
:data:`PLACE_MATCH_KM`)."""


def city_conflict(city: str, lat: float, lon: float) -> str | None:
    """Why a city and coordinates given together cannot name one site, else ``None``: the
    coordinates lie farther from the station or place the city names than
    :func:`weather.places.division_extent_km` (how far its seats reach) plus
    :data:`CITY_CONFLICT_MARGIN_KM` (``成都`` with 30 N 100 E, a plateau site 384 km away)."""
    from .places import division_extent_km
    from .stations import resolve_place, station_table

    kind, hit = resolve_place(city)
    if kind == "station":
        r = station_table().loc[hit]
        p_lat, p_lon, zh, prov, what = (float(r["lat"]), float(r["lon"]), str(r["name_zh"]), str(r["province"]),
                                        f"the {r['dataset']} station {r['name']} {r['name_zh']}")
    else:
        p_lat, p_lon, zh, prov, what = hit.lat, hit.lon, hit.name_zh, hit.province, f"{hit.name_zh}"
    dist = float(haversine_km(lat, lon, p_lat, p_lon))
    extent = division_extent_km(p_lat, p_lon, zh, prov)
    limit = extent + CITY_CONFLICT_MARGIN_KM
    if dist <= limit:
        return None
    reach = (f"its county and district seats lie within {extent:.0f} km of it" if extent > 0
             else "it is one county or district")
    return (f"city={city!r} ({what}, {prov}) is {dist:,.0f} km from the given latitude/longitude ({lat:.3f}, "
            f"{lon:.3f}), farther than any part of it lies ({reach}; limit {limit:.0f} km): the two name "
            f"different places")


def _locate(city, lat, lon, elevation, province_known: bool) -> _Site:
    """Settle a site named by ``city`` (a station or a place) and/or ``lat``/``lon``: the
    position, the elevation if known and whether a station's own statistics serve it."""
    from .stations import resolve_place, station_table

    notes: list[str] = []
    kind, hit = resolve_place(city) if city is not None else (None, None)
    if city is not None and lat is not None:
        la, lo = _check_coords(lat, lon)
        far = city_conflict(city, la, lo)
        if far:
            raise WeatherError(f"{far}; give either city= or lat=/lon= (the park's own position), not both")
    if city is not None and not province_known:
        notes.extend(_same_name_elsewhere(city, kind, hit))
    label = _place_label(kind, hit)
    if kind == "city":
        place = hit
        if lat is None:
            lat, lon = place.lat, place.lon
            notes.append(_place_note(place))
        else:
            la, lo = _check_coords(lat, lon)
            dist = float(haversine_km(la, lo, place.lat, place.lon))
            if dist > PLACE_MATCH_KM:
                notes.append(f"city={city!r} ({place.name_zh}, {place.province}) is {dist:.0f} km "
                             f"from the given lat/lon: the weather is for the lat/lon; check that "
                             f"both name the same place (the province is taken from the city)")
                label = {}
    if kind != "station":
        site_lat, site_lon = _check_coords(lat, lon)
        return _Site(site_lat, site_lon, elevation, None, 0.0, notes, label)
    srow = station_table().loc[hit]
    site_lat, site_lon = float(srow["lat"]), float(srow["lon"])
    site_elev = float(srow["elevation_m"]) if elevation is None else elevation
    own = hit
    dz_own = site_elev - float(srow["elevation_m"])
    share = interpolation_share(dz_own)
    if share >= 1.0:
        notes.append(f"the given elevation {site_elev:.0f} m is {abs(dz_own):.0f} m "
                     f"{'above' if dz_own > 0 else 'below'} the {srow['name']} "
                     f"{srow['name_zh']} station "
                     f"({srow['elevation_m']:.0f} m): the site is interpolated at that "
                     f"elevation, the station among its neighbours (more than "
                     f"{CITY_MATCH_ELEVATION_M + ELEVATION_BLEND_M:.0f} m)")
        own = None
    if lat is not None:
        la, lo = _check_coords(lat, lon)
        dist = float(haversine_km(la, lo, site_lat, site_lon))
        if dist > CITY_MATCH_KM:
            notes.append(f"city={city!r} is {dist:.0f} km from the given lat/lon: the site "
                         f"is interpolated from lat/lon (more than {CITY_MATCH_KM:.0f} km)")
            own = None
            label = {}
        elif own is not None:
            notes.append(f"site ({la:.3f}, {lo:.3f}) is {dist:.0f} km from the "
                         f"{srow['name']} station: the station's statistics are used")
        site_lat, site_lon = la, lo
        if own is None and elevation is None:
            site_elev = None
    return _Site(site_lat, site_lon, site_elev, own, share, notes, label)


def _site_statistics(site: _Site, elevation: float, basis: str, period: str,
                     exclude_groups: frozenset, notes: list[str]):
    """Monthly statistics at the site (:func:`weather.interp.interpolate`) with the
    temperature in the chosen period; a named station at another elevation blended with the
    interpolation (a note says how)."""
    from .interp import interpolate

    shift = temperature_period_shift(period)  # the stations' statistics are at the TMYx period
    stats, info = interpolate(site.lat, site.lon, elevation, basis=basis, own=site.own,
                              exclude_groups=exclude_groups)
    stats["t_mean"] = stats["t_mean"].to_numpy() + shift
    stats["rh_mean"] = np.clip(stats["rh_mean"].to_numpy() + humidity_period_shift(period),
                               1.0, 100.0)
    for k in ("t_stations_annual", "t_era5_annual"):
        info[k] += float(shift.mean())
    if site.own is not None and site.share > 0.0:
        # between the station moved by the lapse rates and the interpolation
        t_int = interpolate(site.lat, site.lon, elevation, basis=basis)[0]["t_mean"].to_numpy()
        t_int = t_int + shift
        t_own = stats["t_mean"].to_numpy()
        stats["t_mean"] = (1.0 - site.share) * t_own + site.share * t_int
        notes.append(f"temperature {100 * (1 - site.share):.0f} % the station's moved by the "
                     f"lapse rates and {100 * site.share:.0f} % interpolated at the site's "
                     f"elevation (the two are blended for elevations "
                     f"{CITY_MATCH_ELEVATION_M - ELEVATION_BLEND_M:.0f}-"
                     f"{CITY_MATCH_ELEVATION_M + ELEVATION_BLEND_M:.0f} m from the station's): "
                     f"annual mean {float(np.mean(stats['t_mean'])):.1f} degC, station moved "
                     f"{float(np.mean(t_own)):.1f}, interpolated {float(np.mean(t_int)):.1f}")
    return stats, info


@dataclass
class _Described:
    """What the outputs say of the stations behind a synthetic year."""

    stations: list[dict]
    distance_km: float
    """To the nearest station used [km]."""
    radiation_distance_km: float
    """To the nearest TMYx/SWERA radiation station (0 where a station's own radiation is
    used) [km]."""
    radiation_dz_m: float
    """Site elevation less that station's [m]."""
    temperature_uncertainty_k: float | None
    notes: list[str]


def _describe_station(site: _Site, elevation: float, info: dict, basis: str, period: str,
                      seed: int, notes: list[str]) -> _Described:
    """A named station's own statistics: it, and the radiation stations that set a CSWD
    station's GHI level or give its sky statistics."""
    from .stations import station_table

    st = station_table()
    srow = st.loc[site.own]
    d0 = float(haversine_km(site.lat, site.lon, srow["lat"], srow["lon"]))
    stations = [{"id": site.own, "name": srow["name"], "name_zh": srow["name_zh"],
                 "dataset": srow["dataset"], "province": srow["province"],
                 "elevation_m": float(srow["elevation_m"]), "distance_km": d0,
                 "role": "own statistics"}]
    rad = [s for s in info["stations"] if s["weight_radiation"] > 0 and s["id"] != site.own]
    if not (srow["dataset"] in ("TMYx", "SWERA") and basis == "tmyx"):
        # on the tmyx basis their clearness index sets a CSWD station's GHI level; on the
        # cswd basis the level is the CSWD pattern's and they give the sky statistics
        role = "radiation" if basis == "tmyx" else "sky statistics"
        stations += [{**s, "role": role} for s in rad]
    cswd = srow["dataset"] == "CSWD"
    dz_rad = elevation - st.loc[info["nearest_radiation"], "elevation_m"] if cswd else 0.0
    d_rad = info["distance_radiation_km"] if cswd else 0.0
    if abs(elevation - float(srow["elevation_m"])) > 1.0:
        dt = float(np.mean(info["lapse_rate_k_per_km"])) * (elevation - srow["elevation_m"]) / 1000
        notes.append(f"temperature moved {dt:+.1f} K (annual mean) for the site elevation "
                     f"{elevation:.0f} m (station {srow['elevation_m']:.0f} m, lapse rates "
                     f"of the {info['region']} region fitted by month, "
                     f"{min(info['lapse_rate_k_per_km']):.1f} to "
                     f"{max(info['lapse_rate_k_per_km']):.1f} K/km)")
    text = (f"synthetic typical year for the {srow['dataset']} station {srow['name']} "
            f"({srow['name_zh']}, {srow['province']}) from its bundled monthly statistics, "
            f"seed {seed}")
    out = [text, *notes]
    if cswd:
        out.append(("temperature and RH moved to the TMYx period (CSWD 1971-2003 runs about "
                    "0.4 K colder and 2 points more humid)" if period != "cswd"
                    else "temperature and RH the station's own (1971-2003)")
                   + "; GHI: the station's CSWD GHI on the "
                   f"{basis} level, sky statistics from TMYx/SWERA neighbours; diffuse "
                   "fraction: the station's annual level, its course over the year from "
                   "those neighbours")
    # the station's own temperatures: no interpolation uncertainty
    return _Described(stations, d0, d_rad, dz_rad, None, out)


def _describe_interpolation(elevation: float, info: dict, basis: str, df,
                            elevation_range_m: float | None, elevation_unc_m: float,
                            notes: list[str]) -> _Described:
    """A site between stations: every station used with its role, how the temperature was
    estimated and how certain it is, the diffuse split, an estimated elevation."""
    from .stations import station_table

    st = station_table()
    stations = info["stations"]
    # the GHI level: on the tmyx basis the TMYx/SWERA neighbours' clearness index, on the
    # cswd basis the CSWD stations' pattern (the neighbours then give the sky statistics)
    roles = ((("temperature", "weight_temperature"), ("radiation", "weight_radiation"),
              ("diffuse fraction", "weight_diffuse")) if basis == "tmyx" else
             (("temperature", "weight_temperature"), ("sky statistics", "weight_radiation"),
              ("radiation+diffuse fraction", "weight_diffuse")))
    for s in stations:
        s["role"] = "+".join(r for r, w in roles if s[w] > 0)
    dist = info["distance_km"]
    dz_rad = elevation - st.loc[info["nearest_radiation"], "elevation_m"]
    d_rad = info["distance_radiation_km"]
    used = "; ".join(_station_label(s) for s in stations)
    out = [*notes, (f"synthetic typical year interpolated from stations: {used}; "
                    f"temperature moved to the site elevation {elevation:.0f} m with the "
                    f"{info['region']} region's lapse rates fitted by month "
                    f"({min(info['lapse_rate_k_per_km']):.1f} to "
                    f"{max(info['lapse_rate_k_per_km']):.1f} K/km) and its terrain and "
                    f"latitude terms, averaged with a regression-kriging estimate (trend "
                    f"in latitude, longitude, elevation and surrounding terrain over all "
                    f"stations)"),
           (f"temperature: the station estimate (annual mean "
            f"{info['t_stations_annual']:.1f} degC) averaged with an ERA5-based estimate "
            f"({info['t_era5_annual']:.1f} degC: ERA5 monthly 2 m temperature 2000-2025 "
            f"moved to the site's height above the surrounding terrain and to the "
            f"stations' residuals) [era5-hersbach-2020]")]
    t_gap = info["t_gap_era5"]
    unc_t = expected_temperature_uncertainty(dist, t_gap, elevation_unc_m)
    if abs(t_gap) > TEMPERATURE_GAP_NOTE_K:
        out.append(f"the ERA5 and station temperature estimates differ by {t_gap:+.1f} K in "
                   f"the annual mean: the site lies in terrain the stations do not represent "
                   f"and its temperature is less certain than elsewhere (weather/VALIDATION.md, "
                   f"section 3)")
    out.append(f"diffuse fraction {df['dhi'].sum() / max(df['ghi'].sum(), 1e-9):.2f} (annual "
               f"DHI/GHI): its level from the nearest CSWD stations, whose annual split "
               f"agrees with the CMA station climatology (TMYx files split lower, SWERA "
               f"higher), its course over the year from the TMYx/SWERA radiation stations "
               f"(CSWD's months run low in summer and high in winter)")
    if elevation_range_m is not None:
        spans = (f"the terrain there spans {elevation_range_m:.0f} m" if elevation_range_m > 0
                 else "the terrain there is flat at the grid's 9 km scale")
        out.append(f"elevation not given: {elevation:.0f} m, the lowest 5-arcmin terrain "
                   f"cell within about 9 km (pvlib's grid; towns lie on valley floors); "
                   f"{spans}, so the elevation may be off by up to about {elevation_unc_m:.0f} m: "
                   f"give the park's elevation where it matters")
    if d_rad > UNCERTAINTY_DISTANCE_CAP_KM:
        out.append(f"the nearest TMYx/SWERA radiation station is {d_rad:.0f} km away: "
                   f"radiation statistics are a rough estimate, and the GHI may be off by "
                   f"more than the uncertainty stated below")
    return _Described(stations, dist, d_rad, dz_rad, unc_t, out)


STATION_AT_SITE_KM = 2.0
"""A site given by coordinates within this distance of a bundled station is at it [km]: its note
gives the station's own year beside the interpolation (coordinates as ``twin weather --list``
writes them, two decimals, lie within about 1 km of the station; the tool's EPW files give four)."""


def station_at_site(lat: float, lon: float, elevation: float,
                    exclude_groups: frozenset = frozenset()) -> str | None:
    """The bundled station a site lies at, or ``None``: within :data:`STATION_AT_SITE_KM` and
    within ``CITY_MATCH_ELEVATION_M - ELEVATION_BLEND_M`` of its elevation (where ``city=`` gives
    its own statistics unblended), preferred by dataset as a name is (TMYx, SWERA, CSWD); never a
    station left out (``exclude_groups``) or one whose file contradicts its header
    (:data:`weather.interp.TEMPERATURE_SUSPECT`)."""
    from .interp import TEMPERATURE_SUSPECT
    from .stations import DATASETS, station_table

    st = station_table()
    d = haversine_km(lat, lon, st["lat"].to_numpy(), st["lon"].to_numpy())
    ok = ((d <= STATION_AT_SITE_KM)
          & (np.abs(st["elevation_m"].to_numpy() - elevation) <= CITY_MATCH_ELEVATION_M - ELEVATION_BLEND_M)
          & ~st.index.isin(list(TEMPERATURE_SUSPECT)) & ~st["group"].isin(list(exclude_groups)).to_numpy())
    if not ok.any():
        return None
    near = st[ok].assign(rank=[DATASETS.index(x) for x in st.loc[ok, "dataset"]], d=d[ok])
    return str(near.sort_values(["rank", "d"]).index[0])


def _station_at_site_note(sid: str, site: _Site, elevation: float, basis: str, period: str, df) -> str:
    """Why a site at a bundled station (:func:`station_at_site`) given by coordinates gets another
    year than the station named as the city: the interpolation weighs the station with its
    neighbours; the two annual figures side by side."""
    from ._core import DAYS_IN_MONTH
    from .stations import station_table

    r = station_table().loc[sid]
    own = _locate(sid, site.lat, site.lon, elevation, True)
    stats = _site_statistics(own, elevation, basis, period, frozenset(), [])[0]
    g_own = float(stats["ghi_kwh_day"].to_numpy() @ DAYS_IN_MONTH)
    t_own = float(stats["t_mean"].to_numpy() @ DAYS_IN_MONTH / DAYS_IN_MONTH.sum())
    d = float(haversine_km(site.lat, site.lon, r["lat"], r["lon"]))
    return (f"the site lies {d:.1f} km from the bundled {r['dataset']} station {r['name']} {r['name_zh']} "
            f"({r['elevation_m']:.0f} m): this year is interpolated between stations (annual GHI "
            f"{df['ghi'].sum() / 1000:.0f} kWh/m2, mean {df['temp_air'].mean():.1f} degC), which weighs that "
            f"station with its neighbours rather than taking its own year; the station's own statistics "
            f"give GHI {g_own:.0f} kWh/m2 and {t_own:.1f} degC: name it as the city (--city {r['name']}, "
            f"site.city in a scenario) to use them")


def _synthetic_weather(site: _Site, given_elevation: float | None, *, basis: str, period: str,
                       year: int, seed: int | None, exclude_groups: frozenset):
    """A synthetic typical year at a located site, with what the outputs say of it."""
    from .climate_zone import degree_days as year_degree_days
    from .generator import synthesize

    notes = list(site.notes)
    elevation_assumed = site.elevation is None
    terrain_range = 0.0
    if elevation_assumed:
        from .interp import settlement_elevation

        elevation, terrain_range = settlement_elevation(site.lat, site.lon)
    else:
        elevation = site.elevation
    elev_unc = estimated_elevation_uncertainty(terrain_range) if elevation_assumed else 0.0
    if given_elevation is not None:
        bad = elevation_conflict(site.lat, site.lon, given_elevation)
        if bad:
            raise WeatherError(bad)
    stats, info = _site_statistics(site, elevation, basis, period, exclude_groups, notes)
    years, humidity = climate_air_years(stats, site.lon, year)
    per_year = years_design(years, hourly_index(year), humidity, station_pressure(elevation))
    year_dd = [year_degree_days(t) for t in years]
    chosen = seed is None
    if chosen:
        seed = typical_year(per_year, year_dd)
    df = synthesize(stats, site.lat, site.lon, year=year, seed=seed)
    if site.own is not None:
        d = _describe_station(site, elevation, info, basis, period, seed, notes)
    else:
        d = _describe_interpolation(elevation, info, basis, df,
                                    terrain_range if elevation_assumed else None, elev_unc, notes)
    notes = d.notes
    at = station_at_site(site.lat, site.lon, elevation, exclude_groups) if site.own is None else None
    if at is not None:
        notes.append(_station_at_site_note(at, site, elevation, basis, period, df))
    unc = stated_ghi_uncertainty(d.radiation_distance_km, d.radiation_dz_m, info["region"], basis)
    if info["region"] == "plateau" and basis == "tmyx":
        notes.append(_PLATEAU_GHI_NOTE)
    unc_t = d.temperature_uncertainty_k
    if unc_t is not None:
        notes.append(f"expected annual mean temperature uncertainty about {unc_t:.1f} K (95 % of "
                     f"stations left out of the interpolation were within it)")
    notes += [f"expected annual GHI uncertainty about {100 * unc:.0f} %", basis_note(basis),
              *([period_note(period)] if period != DEFAULT_TEMPERATURE_PERIOD else []),
              _FILE_ADVICE]
    own = site.own is not None
    meta = WeatherMeta(latitude=site.lat, longitude=site.lon, elevation=float(elevation),
                       elevation_source=("given" if given_elevation is not None
                                         else "terrain grid" if elevation_assumed else "station"),
                       elevation_uncertainty_m=elev_unc if elevation_assumed else None,
                       source="synthetic-city" if own else "synthetic-site",
                       reference_city=str(d.stations[0]["name"]) if own else None,
                       distance_km=float(d.distance_km),
                       expected_uncertainty=unc, expected_temperature_uncertainty_k=unc_t,
                       notes=notes, seed=int(seed), seed_choice="typical" if chosen else "given",
                       provenance=_provenance({"stations": [s["id"] for s in d.stations],
                                               "region": info["region"], **site.place}),
                       stations=d.stations, radiation_basis=basis, temperature_period=period,
                       radiation_basis_range=list(RADIATION_BASIS_UNCERTAINTY[basis]),
                       region=info["region"])
    if chosen:
        meta.notes.append(f"the hourly year is seed {seed}, the most typical of the {ZONE_SEEDS} synthetic years of "
                          f"the site's climate (degree days and design temperatures closest to their means); "
                          f"site.weather_seed picks another")
    zone_unc = TYPICAL_YEAR_SPREAD_K if unc_t is None else unc_t
    _add_zone(df, meta, degree_days=tuple(float(v) for v in np.mean(year_dd, axis=0)))
    _zone_uncertainty_note(meta, zone_unc, climate_degree_days(stats, site.lat, site.lon, year, years=years,
                                                               shifts_k=(-zone_unc, zone_unc)),
                           station=unc_t is None)
    # each synthetic year restores the months' mean wind speed and temperature: the hourly
    # year's seasonal wind speeds are the climate's
    meta.design_temperatures = {**climate_design_temperatures(per_year),
                                **season_wind_speeds(df["wind_speed"], df["temp_air"])}
    return df, meta


PARK_TWIN_DATASET = "park-twin"
"""The dataset a synthetic year this tool wrote as EPW is checked as (:func:`file_estimate_plan`)."""


def file_estimate_plan(meta) -> dict:
    """How the tool's estimate for a weather file is made, so that file and estimate are alike.

    A synthetic year this tool wrote (its header's ``park_twin`` provenance,
    :func:`weather.io.park_twin_provenance`) is compared with what it was made from: a station's
    own statistics (``station``: its id) or the interpolation at its site, on its own radiation
    basis and temperature period; the interpolation at a station's position is not the station's
    own year (it weighs the station with its neighbours: Chengdu's own GHI 1217 kWh/m2, the
    interpolation there 1255). Any other file is compared with the interpolation at its header
    position, in its dataset's period and on its radiation basis.

    Returns
    -------
    dict
        ``dataset`` (TMYx, CSWD, SWERA, "" for another file, :data:`PARK_TWIN_DATASET`),
        ``period`` (:data:`TEMPERATURE_PERIODS` key), ``basis`` (:data:`RADIATION_BASES` key),
        ``station`` (bundled station id, else ``None``).
    """
    from .stations import station_table
    from .validation import FILE_BASES, file_dataset, file_period

    own = meta.provenance.get("park_twin") or {}
    if own:
        station = own.get("station") if own.get("source") == "synthetic-city" else None
        return {"dataset": PARK_TWIN_DATASET,
                "period": own.get("temperature_period") if own.get("temperature_period") in TEMPERATURE_PERIODS
                else DEFAULT_TEMPERATURE_PERIOD,
                "basis": own.get("radiation_basis") if own.get("radiation_basis") in RADIATION_BASES
                else DEFAULT_RADIATION_BASIS,
                "station": station if station in station_table().index else None}
    ds = file_dataset(meta.provenance.get("data_source", ""))
    return {"dataset": ds, "period": file_period(ds, meta.provenance.get("record_period", "")),
            "basis": FILE_BASES.get(ds, DEFAULT_RADIATION_BASIS), "station": None}


def _file_site_statistics(lat: float, lon: float, elevation: float, basis: str, station: str | None):
    """Monthly statistics of a file's site in the recent climate: ``station``'s own, as ``city=``
    gives them at that position and elevation, else the interpolation."""
    from .interp import interpolate

    if station is None:
        return interpolate(lat, lon, elevation, basis=basis)[0]
    site = _locate(station, lat, lon, elevation, True)
    return _site_statistics(site, elevation, basis, DEFAULT_TEMPERATURE_PERIOD, frozenset(), [])[0]


def file_against_estimate(df, meta) -> dict:
    """The tool's estimate at a weather file's header position and elevation, less the file (see
    :attr:`weather.WeatherMeta.file_check`): annual mean temperature in the file's period (a
    CSWD or SWERA file, by its header, against the estimate moved back by that dataset's offset,
    :func:`weather.interp.dataset_offsets`; a TMYx file of a recent window, by its header's period
    of record, against the estimate of that window's climate, :func:`temperature_period_shift`;
    a synthetic year this tool wrote in its own period, against what it was made from,
    :func:`file_estimate_plan`; any other against the recent climate), annual GHI on both
    radiation bases. The differences are estimate less file, the errors of ``twin weather-check``
    and weather/VALIDATION.md: ``t_annual_error_k`` estimate minus file [K], ``ghi_error_tmyx`` and
    ``ghi_error_cswd`` estimate / file - 1 [-]; ``estimate_station`` the station whose own
    statistics are the estimate (else ``None``: the interpolation). Empty for a file outside
    mainland China, where the estimate does not reach."""
    from .validation import DAYS_IN_MONTH, file_period_shift

    lat, lon, z = meta.latitude, meta.longitude, meta.elevation
    try:
        _check_coords(lat, lon)
    except WeatherError:
        return {}
    plan = file_estimate_plan(meta)
    tmyx = _file_site_statistics(lat, lon, z, "tmyx", plan["station"])
    cswd = _file_site_statistics(lat, lon, z, "cswd", plan["station"])
    ds = plan["dataset"]
    shift = (temperature_period_shift(plan["period"]) if ds == PARK_TWIN_DATASET
             else file_period_shift(ds, meta.provenance.get("record_period", "")))
    t_month = tmyx["t_mean"].to_numpy() + shift
    t_est = float(t_month @ DAYS_IN_MONTH / DAYS_IN_MONTH.sum())
    g_hi = float(tmyx["ghi_kwh_day"].to_numpy() @ DAYS_IN_MONTH)
    g_lo = float(cswd["ghi_kwh_day"].to_numpy() @ DAYS_IN_MONTH)
    g_file = float(df["ghi"].sum()) / 1000.0
    return {"dataset": ds, "temperature_period": plan["period"], "estimate_station": plan["station"],
            "t_annual_estimate_c": t_est, "t_annual_error_k": t_est - float(df["temp_air"].mean()),
            "ghi_tmyx_kwh_m2": g_hi, "ghi_cswd_kwh_m2": g_lo, "ghi_error_tmyx": g_hi / g_file - 1.0,
            "ghi_error_cswd": g_lo / g_file - 1.0}


FILE_CHECK_WORDS = "the tool's estimate at the file's header position less the file"
"""What :func:`file_check_text`'s figures are, said before them in every output (the errors of
``twin weather-check``: estimate minus file)."""


def file_check_text(fc: dict) -> str:
    """``meta.file_check`` in words, estimate less file (:data:`FILE_CHECK_WORDS` says so before
    them): 'mean temperature +0.1 K, GHI +0 % (tmyx basis) / -14 % (cswd basis)', the period named
    for a CSWD or SWERA file and a TMYx window file."""
    from .validation import FILE_PERIODS

    own = fc.get("temperature_period", "tmyx")
    period = (f" (in the file's {fc['dataset']} period)" if fc.get("dataset") in FILE_PERIODS
              else f" (in the file's period, {_PERIOD_YEARS.get(own, own)})" if own != "tmyx" else "")
    text = (f"mean temperature {signed_text(fc['t_annual_error_k'], 1)} K{period}, GHI "
            f"{signed_text(100 * fc['ghi_error_tmyx'], 0)} % (tmyx basis) / "
            f"{signed_text(100 * fc['ghi_error_cswd'], 0)} % (cswd basis)")
    station = fc.get("estimate_station")
    if station:
        from .stations import station_table

        r = station_table().loc[station]
        text += f"; the estimate is the {r['dataset']} station {r['name']}'s own statistics, which the file was written from"
    elif fc.get("dataset") == PARK_TWIN_DATASET:
        text += "; the estimate is the interpolation at the site the file was written for"
    return text


_PERIOD_YEARS = {"cswd": "1971-2003", "tmyx-2009-2023": "2009-2023"}
"""The years of a temperature period other than the recent climate, for the outputs."""


def signed_text(x: float, digits: int) -> str:
    """``x`` with its sign, rounded to ``digits``; a value that rounds to zero is written without
    one ('+0.0', never '-0.0')."""
    text = f"{x:+.{digits}f}"
    return "+" + text[1:] if float(text) == 0 else text


def file_cross_check(meta) -> list[str]:
    """Notes where a weather file disagrees grossly with the tool's estimate at its header
    position and elevation (``meta.file_check``, :data:`FILE_CHECK_T_K`,
    :data:`FILE_CHECK_GHI`): a wrong header or another place's file, which no range check on
    the file's own values finds."""
    c = meta.file_check
    if not c:
        return []
    name = meta.provenance.get("file", "the file")
    where = f"{meta.latitude:.2f} N, {meta.longitude:.2f} E, {meta.elevation:.0f} m"
    notes = []
    t_est, dt = c["t_annual_estimate_c"], -c["t_annual_error_k"]  # file minus estimate
    if abs(dt) > FILE_CHECK_T_K:
        notes.append(f"the weather file's annual mean temperature {t_est + dt:.1f} degC is "
                     f"{abs(dt):.1f} K {'above' if dt > 0 else 'below'} the "
                     f"tool's estimate for its header position and elevation ({where}: "
                     f"{t_est:.1f} degC; stations left out of the estimate missed by at most "
                     f"{LOO_LARGEST_T_MISS_K:.1f} K): check that the header gives this file's station and elevation "
                     f"(twin weather-check {name})")
    g_hi, g_lo = c["ghi_tmyx_kwh_m2"], c["ghi_cswd_kwh_m2"]
    g_file = g_hi / (1.0 + c["ghi_error_tmyx"])
    if g_file / g_hi - 1.0 > FILE_CHECK_GHI or g_file / g_lo - 1.0 < -FILE_CHECK_GHI:
        notes.append(f"the weather file's annual GHI {g_file:.0f} kWh/m2 lies outside the tool's "
                     f"estimates for its header position ({where}: {g_lo:.0f} kWh/m2 on the cswd "
                     f"basis to {g_hi:.0f} on the tmyx basis) by more than "
                     f"{100 * FILE_CHECK_GHI:.0f} %: check the file's radiation columns and "
                     f"units (twin weather-check {name})")
    return notes


def _zone_uncertainty_note(meta: WeatherMeta, unc_t: float, dd_shifted, station: bool = False) -> None:
    """A note when the temperature uncertainty spans more than one GB 50176 zone or sub-zone:
    Lhasa's estimate (about 2 K too cold, stated 6 K) gave 严寒C where GB 50176 lists 寒冷A,
    and the envelope presets followed it without a word; Beijing's and Tianjin's own stations
    give 寒冷A with CDD26 17 K d below 寒冷B's threshold, which another typical year of the
    same place crosses. ``station``: the site's temperatures are a bundled station's own, and
    ``unc_t`` is :data:`TYPICAL_YEAR_SPREAD_K`, not an interpolation error."""
    from .climate_zone import ZONE_ADVICE, subzone_changes_presets, zone_from_degree_days

    z = meta.climate_zone
    others = []
    for hdd, cdd in dd_shifted:
        sub = "".join(zone_from_degree_days(hdd, cdd))
        if subzone_changes_presets(z["subzone"], sub) and sub not in others:
            others.append(sub)
    if not others:
        return
    first_level = any(not o.startswith(z["zone_zh"]) for o in others)
    follows = ("the buildings' envelope and season presets follow it" if first_level else
               "GB 55015-2021 sets some envelope limits by sub-zone, and the presets follow them")
    if station:
        head = (f"from the station's typical year (HDD18 {z['hdd18']:.0f}, CDD26 {z['cdd26']:.0f}); two "
                f"typical years of one place differ by up to ±{unc_t:.1f} K in the annual mean, within which")
    else:
        head = f"from the estimated temperatures; within their stated uncertainty (±{unc_t:.1f} K)"
    meta.notes.append(
        f"climate zone {z['subzone']} {head} the site could be {'/'.join(others)}: check the zone GB "
        f"50176-2016 Appendix A lists for the {'city' if station else 'nearest city'}, and {ZONE_ADVICE} if "
        f"it differs ({follows})")


ZONE_SEEDS = 16
"""Synthetic years whose mean degree days give a synthetic site's climate zone: one year's
HDD18 and CDD26 move with its random weather (Guiyang 夏热冬冷A or 温和A, Dalad 寒冷A or
严寒C by the seed), the zone is the site's, not the seed's."""


def climate_years(stats, lon: float, year: int) -> list[np.ndarray]:
    """:data:`ZONE_SEEDS` synthetic years of a site's hourly air temperature [degC] from its
    monthly statistics (seeds 0, 1, ...; the temperature alone,
    :func:`weather.generator.synthesize_temperature`, a few ms a year): the site's climate,
    of which one year's degree days and extremes are a single draw."""
    from .generator import synthesize_temperature

    return [synthesize_temperature(stats, lon, year=year, seed=k) for k in range(ZONE_SEEDS)]


def climate_air_years(stats, lon: float, year: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The synthetic years of :func:`climate_years` with their hourly relative humidity [%]
    (:func:`weather.generator.synthesize_air`; the design wet-bulb of the site's climate):
    the air temperatures [degC] and the humidities, one array per year."""
    from .generator import synthesize_air

    air = [synthesize_air(stats, lon, year=year, seed=k) for k in range(ZONE_SEEDS)]
    return [t for t, _ in air], [rh for _, rh in air]


def climate_degree_days(stats, lat: float, lon: float, year: int, shifts_k=None, years=None):
    """HDD18 and CDD26 of a site's climate [K d]: the mean over the synthetic years of
    :func:`climate_years` (``years`` if already made).

    With ``shifts_k`` (temperature offsets [K]), a list of (HDD18, CDD26), one per offset,
    from the same years moved by it (the zone within a temperature uncertainty).
    """
    from .climate_zone import degree_days

    years = climate_years(stats, lon, year) if years is None else years
    out = []
    for dt in (0.0,) if shifts_k is None else shifts_k:
        dd = np.array([degree_days(t + dt) for t in years])
        out.append((float(dd[:, 0].mean()), float(dd[:, 1].mean())))
    return out[0] if shifts_k is None else out


def _add_zone(df, meta: WeatherMeta, degree_days: tuple[float, float] | None = None) -> None:
    """The year's annual figures and its GB 50176 zone into ``meta``: a file's from its own
    degree days; a synthetic year's from ``degree_days``, the site's climate
    (:func:`climate_degree_days`), with this one year's own beside it (``year_hdd18``,
    ``year_cdd26``, ``year_subzone``: what the written year gives when read back as a file)."""
    from .climate_zone import climate_zone_of, zone_from_degree_days
    from .climate_zone import degree_days as year_degree_days

    meta.annual_ghi_kwh_m2 = float(df["ghi"].sum()) / 1000.0
    meta.annual_mean_temperature_c = float(df["temp_air"].mean())
    z = climate_zone_of(df, hdd_cdd=degree_days)
    if degree_days is not None:
        hdd, cdd = year_degree_days(df["temp_air"].to_numpy())
        zh, letter = zone_from_degree_days(hdd, cdd)
        z.update(year_hdd18=round(hdd, 1), year_cdd26=round(cdd, 1), year_subzone=zh + letter)
    meta.climate_zone = z
    if z["note"]:
        meta.notes.append(z["note"])
