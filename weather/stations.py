"""The bundled station set: 34 TMYx + 256 CSWD + 39 SWERA typical-year stations.

Only statistics derived from the typical-year files are bundled
(``weather/data/stations.csv`` and ``weather/data/station_monthly_stats.csv``,
written by ``scripts/derive_weather_stats.py``); the files themselves are not.

Datasets and attribution
------------------------
* **TMYx** -- Climate.OneBuilding.org typical years (temperature, humidity, wind:
  NOAA NCEI Integrated Surface Database; radiation: Copernicus ERA5 reanalysis),
  https://climate.onebuilding.org. "Climate.OneBuilding.org TMYx; NOAA NCEI ISD;
  contains modified Copernicus Climate Change Service information (ERA5)".
* **CSWD** -- China Standard Weather Data for Analyzing Building Thermal Conditions,
  China Meteorological Administration Climate Information Center, Climate Data
  Office, and Tsinghua University, Department of Building Science and Technology;
  China Building Industry Press, 2005, ISBN 7-112-07273-3; EPW files distributed
  by the EnergyPlus weather-data site (https://energyplus.net/weather).
  "Derived from CSWD (CMA Climate Data Office and Tsinghua University, 2005)".
* **SWERA** -- Solar and Wind Energy Resource Assessment (UNEP), typical months
  1973-2002 developed by NREL; EPW files distributed by the EnergyPlus weather-data
  site. "Derived from SWERA typical-year data, UNEP/NREL".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd

DATASETS = ("TMYx", "SWERA", "CSWD")
"""Datasets in order of preference when a name matches several stations."""

REGIONS = ("north-west", "plateau", "south-west", "north-east", "north", "east coast", "south")
"""Planning regions used for lapse rates and for the validation tables."""

PROVINCE_REGION = {
    "Xinjiang": "north-west", "Gansu": "north-west", "Ningxia": "north-west",
    "Shaanxi": "north-west",
    "Tibet": "plateau", "Qinghai": "plateau",
    "Sichuan": "south-west", "Chongqing": "south-west", "Yunnan": "south-west",
    "Guizhou": "south-west",
    "Heilongjiang": "north-east", "Jilin": "north-east", "Liaoning": "north-east",
    "Beijing": "north", "Tianjin": "north", "Hebei": "north", "Shanxi": "north",
    "Inner Mongolia": "north", "Henan": "north",
    "Shanghai": "east coast", "Jiangsu": "east coast", "Zhejiang": "east coast",
    "Anhui": "east coast", "Shandong": "east coast", "Jiangxi": "east coast",
    "Hubei": "east coast",
    "Fujian": "south", "Guangdong": "south", "Guangxi": "south", "Hainan": "south",
    "Hunan": "south", "Hong Kong": "south", "Macau": "south", "Taiwan": "south",
}
"""Region of each province; stations above :data:`PLATEAU_ELEVATION_M` count as plateau.
Inner Mongolia east of :data:`NORTH_EAST_LON` counts as north-east, west of
:data:`NORTH_WEST_LON` as north-west."""

PLATEAU_ELEVATION_M = 2500.0
"""Stations and sites above this elevation belong to the plateau region [m]."""

NORTH_EAST_LON = 118.0
"""Inner Mongolia east of this longitude (Hulunbuir, Hinggan, Tongliao) is north-east [deg]."""

NORTH_WEST_LON = 107.0
"""Inner Mongolia west of this longitude (Alxa, Bayannur west) is north-west [deg]."""

PROVINCE_ZH = {
    "Anhui": "安徽", "Beijing": "北京", "Chongqing": "重庆", "Fujian": "福建", "Gansu": "甘肃",
    "Guangdong": "广东", "Guangxi": "广西", "Guizhou": "贵州", "Hainan": "海南", "Hebei": "河北",
    "Heilongjiang": "黑龙江", "Henan": "河南", "Hubei": "湖北", "Hunan": "湖南",
    "Jiangsu": "江苏", "Jiangxi": "江西", "Jilin": "吉林", "Liaoning": "辽宁",
    "Inner Mongolia": "内蒙古", "Ningxia": "宁夏", "Qinghai": "青海", "Shaanxi": "陕西",
    "Shandong": "山东", "Shanghai": "上海", "Shanxi": "山西", "Sichuan": "四川",
    "Tianjin": "天津", "Tibet": "西藏", "Xinjiang": "新疆", "Yunnan": "云南", "Zhejiang": "浙江",
    "Hong Kong": "香港", "Macau": "澳门", "Taiwan": "台湾",
}
"""Chinese names of the province-level divisions."""


def region_of(province: str, lat: float, lon: float, elevation: float) -> str:
    """Planning region of a station or site (see :data:`PROVINCE_REGION`).

    Parameters
    ----------
    province : str
        English province name (``""`` if unknown: then by position).
    lat, lon : float
        Position [deg].
    elevation : float
        Elevation [m].
    """
    if elevation >= PLATEAU_ELEVATION_M:
        return "plateau"
    if province == "Inner Mongolia":
        if lon >= NORTH_EAST_LON:
            return "north-east"
        return "north-west" if lon < NORTH_WEST_LON else "north"
    return PROVINCE_REGION.get(province, "")


def _fold(s: str) -> str:
    """Lower-case, accents and separators removed (``"Ürümqi" -> "urumqi"``)."""
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


@lru_cache(maxsize=1)
def station_table() -> pd.DataFrame:
    """The bundled station list (``weather/data/stations.csv``), index ``id``.

    Columns: ``dataset`` (TMYx, CSWD, SWERA), ``wmo``, ``name`` (English/pinyin),
    ``name_zh``, ``name_zh_source``, ``province``, ``province_zh``, ``region``,
    ``lat``, ``lon`` [deg], ``elevation_m`` [m], ``file``, ``sha256`` (of the
    uncompressed source file), ``radiation_shift_h`` (applied to the radiation
    columns) [h], ``closure`` [-], ``hdd18``, ``cdd26`` [K d], ``t_coldest``,
    ``t_warmest``, ``t_mean`` [degC], ``annual_ghi_kwh_m2`` [kWh/m2],
    ``pv_yield_kwh_kwp`` (PVWatts chain of :mod:`weather.validation`) [kWh/kWp],
    ``group`` (stations of different datasets at the same place share a group).
    """
    with resources.files("weather").joinpath("data/stations.csv").open("r", encoding="utf-8") as fh:
        tab = pd.read_csv(fh, dtype={"wmo": str, "group": str})
    return tab.set_index("id")


@lru_cache(maxsize=1)
def station_stats_table() -> pd.DataFrame:
    """Bundled per-station monthly statistics, MultiIndex (id, month).

    Columns: :data:`weather.stats.STAT_COLUMNS`.
    """
    with resources.files("weather").joinpath("data/station_monthly_stats.csv").open("r") as fh:
        tab = pd.read_csv(fh)
    return tab.set_index(["id", "month"]).sort_index()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, list[str]]:
    tab = station_table()
    out: dict[str, list[str]] = {}
    order = {d: i for i, d in enumerate(DATASETS)}
    rows = sorted(tab.iterrows(), key=lambda kv: order[kv[1]["dataset"]])
    for sid, r in rows:
        keys = {sid.lower(), _fold(r["name"]), str(r["name_zh"]), str(r["name_zh"]) + "市",
                str(r["wmo"]), f"{_fold(r['name'])}{r['dataset'].lower()}"}
        for alias in str(r.get("aliases", "") or "").split("|"):
            if alias:
                keys.add(_fold(alias) if alias.isascii() else alias)
        for k in keys:
            if k and k != "nan":
                out.setdefault(k, []).append(sid)
    return out


def resolve_station(name: str) -> str:
    """Station id for a name: Chinese, pinyin/English (any case), WMO number or id.

    Where several datasets have a station of that name, TMYx is preferred, then
    SWERA, then CSWD; ``"Harbin (CSWD)"`` or the id (``"CSWD-50953"``) picks one.

    Raises
    ------
    WeatherError
        Unknown name (the message suggests ``twin weather --list``).
    """
    from ._core import WeatherError

    if not isinstance(name, str):
        raise WeatherError(f"city: expected a station name (str), got {type(name).__name__}")
    raw = name.strip()
    al = _aliases()
    key = raw.lower()
    if "(" in raw and raw.endswith(")"):
        base, ds = raw[:-1].split("(", 1)
        base, ds = base.strip(), ds.strip()
        cand = al.get(base) or al.get(_fold(base)) or []
        hit = [c for c in cand if c.split("-")[0].lower() == ds.lower()]
        if hit:
            return hit[0]
    for k in (key, raw, _fold(raw), raw.removesuffix("市")):
        if k in al:
            return al[k][0]
    raise WeatherError(f"city: unknown station {name!r}; `twin weather --list` shows the "
                       f"{len(station_table())} stations (Chinese name, pinyin or WMO number). "
                       f"For other places give latitude/longitude (and elevation)")
