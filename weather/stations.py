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
    ``name_zh``, ``name_zh_source``, ``aliases`` (other spellings of the files' headers),
    ``pinyin`` (of ``name_zh``, every reading, ``|``-separated), ``province``,
    ``province_zh``, ``region``,
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


@lru_cache(maxsize=1)
def _pinyin_aliases() -> dict[str, list[str]]:
    """Pinyin of the stations' Chinese names -> ids (``pinyin`` column), in the order of
    :func:`resolve_station`. :func:`resolve_place` tries them after every station name and
    alias, major city and place, so that a reading never hides one of those (``baoshan`` is
    保山 in Yunnan, not the Shanghai station 宝山)."""
    tab = station_table()
    order = {d: i for i, d in enumerate(DATASETS)}
    out: dict[str, list[str]] = {}
    for sid, r in sorted(tab.iterrows(), key=lambda kv: order[kv[1]["dataset"]]):
        for reading in str(r.get("pinyin", "") or "").split("|"):
            if reading and reading != "nan":
                out.setdefault(reading, []).append(sid)
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
    if "·" in raw:  # as `twin weather --list` writes it: 安徽·安庆
        prov, base = (p.strip() for p in raw.split("·", 1))
        st = station_table()
        cand = al.get(base) or al.get(_fold(base)) or []
        hit = [c for c in cand if prov in (st.loc[c, "province_zh"], st.loc[c, "province"])]
        if hit:
            return hit[0]
    for k in (key, raw, _fold(raw), raw.removesuffix("市")):
        if k in al:
            return al[k][0]
    raise WeatherError(_unknown_message(name))


def _unknown_message(name: str, close: list[str] | tuple[str, ...] = ()) -> str:
    """'city: unknown station ...' for a name nothing matches, with the names it may be a slip
    for (``close``) as a did-you-mean."""
    mean = f" (did you mean {', '.join(close)}?)" if close else ""
    return (f"city: unknown station {name!r}{mean}; `twin weather --list` shows the "
            f"{len(station_table())} stations (Chinese name, pinyin or WMO number). "
            f"For other places give latitude/longitude (and elevation)")


# Major cities without a bundled station: approximate coordinates of the urban centre
# (written by the project, about +-5 km). A site named so is interpolated at that point.
_CITY_CENTRES = [
    # pinyin/English, Chinese, province, lat, lon
    ("Xi'an", "西安", "Shaanxi", 34.27, 108.94), ("Lhasa", "拉萨", "Tibet", 29.65, 91.13),
    ("Kunming", "昆明", "Yunnan", 25.04, 102.71), ("Lanzhou", "兰州", "Gansu", 36.06, 103.83),
    ("Xining", "西宁", "Qinghai", 36.62, 101.78), ("Yinchuan", "银川", "Ningxia", 38.49, 106.23),
    ("Zhengzhou", "郑州", "Henan", 34.75, 113.63), ("Shenzhen", "深圳", "Guangdong", 22.54, 114.06),
    ("Haikou", "海口", "Hainan", 20.04, 110.32), ("Guiyang", "贵阳", "Guizhou", 26.65, 106.63),
    ("Taiyuan", "太原", "Shanxi", 37.87, 112.55), ("Hohhot", "呼和浩特", "Inner Mongolia", 40.84, 111.75),
    ("Kashi", "喀什", "Xinjiang", 39.47, 75.99), ("Golmud", "格尔木", "Qinghai", 36.40, 94.90),
    ("Datong", "大同", "Shanxi", 40.08, 113.30), ("Dongguan", "东莞", "Guangdong", 23.02, 113.75),
    ("Foshan", "佛山", "Guangdong", 23.02, 113.12), ("Wuxi", "无锡", "Jiangsu", 31.49, 120.31),
    ("Changzhou", "常州", "Jiangsu", 31.81, 119.97), ("Baotou", "包头", "Inner Mongolia", 40.66, 109.84),
    ("Ordos", "鄂尔多斯", "Inner Mongolia", 39.61, 109.78), ("Zhuhai", "珠海", "Guangdong", 22.27, 113.58),
    ("Zhongshan", "中山", "Guangdong", 22.52, 113.39), ("Luoyang", "洛阳", "Henan", 34.62, 112.45),
    ("Tangshan", "唐山", "Hebei", 39.63, 118.18), ("Baoding", "保定", "Hebei", 38.87, 115.46),
    ("Linyi", "临沂", "Shandong", 35.10, 118.36), ("Nantong", "南通", "Jiangsu", 32.01, 120.89),
    ("Jiaxing", "嘉兴", "Zhejiang", 30.75, 120.76), ("Jinhua", "金华", "Zhejiang", 29.08, 119.65),
    ("Quanzhou", "泉州", "Fujian", 24.87, 118.68), ("Liuzhou", "柳州", "Guangxi", 24.33, 109.41),
    ("Daqing", "大庆", "Heilongjiang", 46.59, 125.10), ("Anshan", "鞍山", "Liaoning", 41.11, 122.99),
    ("Shaoxing", "绍兴", "Zhejiang", 30.00, 120.58), ("Taizhou", "台州", "Zhejiang", 28.66, 121.42),
    ("Wuhu", "芜湖", "Anhui", 31.33, 118.38), ("Xiangyang", "襄阳", "Hubei", 32.01, 112.12),
    ("Ganzhou", "赣州", "Jiangxi", 25.83, 114.93), ("Zhanjiang", "湛江", "Guangdong", 21.27, 110.36),
    ("Jiangmen", "江门", "Guangdong", 22.58, 113.08), ("Huizhou", "惠州", "Guangdong", 23.11, 114.42),
    ("Qujing", "曲靖", "Yunnan", 25.49, 103.80), ("Jiayuguan", "嘉峪关", "Gansu", 39.77, 98.29),
    ("Korla", "库尔勒", "Xinjiang", 41.73, 86.17), ("Shigatse", "日喀则", "Tibet", 29.27, 88.88),
    ("Nagqu", "那曲", "Tibet", 31.48, 92.05), ("Shizuishan", "石嘴山", "Ningxia", 38.98, 106.38),
    ("Wuzhong", "吴忠", "Ningxia", 37.99, 106.20), ("Wuhai", "乌海", "Inner Mongolia", 39.66, 106.79),
    ("Bayannur", "巴彦淖尔", "Inner Mongolia", 40.74, 107.39),
    ("Ulanqab", "乌兰察布", "Inner Mongolia", 41.00, 113.13),
    ("Hulunbuir", "呼伦贝尔", "Inner Mongolia", 49.21, 119.77),
]

CITY_CENTRES: dict[str, tuple[str, str, float, float]] = {
    name: (zh, prov, lat, lon) for name, zh, prov, lat, lon in _CITY_CENTRES}
"""Major cities with no bundled station: name -> (Chinese name, province, lat, lon) [deg]."""


EXONYMS = {"kashgar": "喀什", "xigaze": "日喀则", "ghulja": "伊宁", "kulja": "伊宁", "kumul": "哈密",
           "khotan": "和田", "urumchi": "乌鲁木齐", "lanchow": "兰州", "peking": "北京",
           "canton": "广州", "amoy": "厦门", "tsingtao": "青岛"}
"""English names in use beside the pinyin (Uyghur and Tibetan forms, postal spellings),
folded as by :func:`_fold` -> the Chinese name they mean."""


SAME_PLACE_KM = 50.0
"""A city or county found by name and a station or major city of the same Chinese name within
this distance of its seat are one place: its pinyin gives what its Chinese name gives
(``Linzhi`` -> 林芝 -> the station Nyingchi; ``Lasa`` -> 拉萨 -> the centre of Lhasa) [km]."""


def _chinese_names(place) -> set[str]:
    """A found place's Chinese names: as written, without 市, and without its administrative
    suffix (林芝市 -> 林芝; 那曲地区 -> 那曲)."""
    from .places import place_table

    names = {place.name_zh, place.name_zh.removesuffix("市")}
    if place.code:
        names.add(str(place_table().loc[place.code, "short_zh"]))
    return names


def _centre_of(place):
    """The major city of :data:`CITY_CENTRES` a found place is (same Chinese name, within
    :data:`SAME_PLACE_KM` of its seat), as a :class:`weather.places.Place` at the centre;
    else ``None``."""
    from ._core import haversine_km
    from .places import Place

    names = _chinese_names(place)
    for en, (zh, prov, lat, lon) in CITY_CENTRES.items():
        if zh in names and haversine_km(lat, lon, place.lat, place.lon) <= SAME_PLACE_KM:
            return Place(en, zh, prov, lat, lon)
    return None


def station_of_place(place) -> str | None:
    """The bundled station a place named in pinyin means, or ``None``.

    The station whose Chinese name is the place's (:func:`_chinese_names`) and lies within
    :data:`SAME_PLACE_KM` of its seat, preferred by dataset as :func:`resolve_station`
    prefers them; never a station of :data:`weather.interp.TEMPERATURE_SUSPECT` (see
    :func:`resolve_place`).
    """
    from ._core import haversine_km
    from .interp import TEMPERATURE_SUSPECT

    names = _chinese_names(place)
    st = station_table()
    for zh in sorted(names & set(st["name_zh"])):
        for sid in _aliases()[zh]:  # in resolve_station's order of the datasets
            r = st.loc[sid]
            if (r["name_zh"] == zh and sid not in TEMPERATURE_SUSPECT and haversine_km(
                    r["lat"], r["lon"], place.lat, place.lon) <= SAME_PLACE_KM):
                return sid
    return None


def _major_city(name: str):
    """("city", centre) of a major city of :data:`CITY_CENTRES` so named, else None."""
    from .places import PINYIN_SUFFIXES, Place

    key = str(name).strip().removesuffix("市")
    f = _fold(key)
    folded = {f} | {f[:-len(suf)] for suf in PINYIN_SUFFIXES if f.endswith(suf)}  # Lhasa City
    for en, (zh, prov, lat, lon) in CITY_CENTRES.items():
        if key == zh or _fold(en) in folded:
            return "city", Place(en, zh, prov, lat, lon)
    return None


def _named_place(name: str):
    """("city", place) of a city or county so named, or the major city's centre or the station
    of its Chinese name near its seat where it was named in pinyin (Chinese names reach those
    first); None for no place. Raises for a name several places share."""
    from .places import find_place, latin_key

    place = find_place(name)
    if place is None:
        return None
    centre = _centre_of(place)
    if centre is not None:  # 拉萨 and Lasa alike: the major city's centre
        return "city", centre
    sid = station_of_place(place) if latin_key(str(name)) is not None else None
    return ("station", sid) if sid else ("city", place)


def _station_by_pinyin(name: str):
    """("station", id) of the one station whose Chinese name this pinyin spells, else None."""
    from .places import latin_key

    hits = _pinyin_aliases().get(latin_key(str(name)) or "", [])
    if len({station_table().loc[h, "name_zh"] for h in hits}) == 1:
        return "station", hits[0]
    return None


SIMILAR_CUTOFF = 0.8
"""Least similarity (:func:`difflib.get_close_matches`) of a name in Latin letters to a station's,
a major city's or a place's pinyin for it to be suggested ('Chengdo' -> Chengdu, 0.86) [-]."""


SIMILAR_STATION_BONUS = 0.1
"""Added to a station's or major city's similarity when ranking suggestions, so that 'Chengdo'
is Chengdu before the county 称多 (Chengduo) [-]."""


@lru_cache(maxsize=1)
def _latin_names() -> dict[str, tuple[str, bool]]:
    """Folded Latin name -> (how to suggest it, station or major city): stations (``Chengdu
    (成都)``), major cities (``Xi'an (西安)``) and cities' and counties' pinyin in its first
    reading (``Yangzhou (扬州市)``)."""
    from .places import place_table

    out: dict[str, tuple[str, bool]] = {}
    for _, r in station_table().iterrows():
        out.setdefault(_fold(r["name"]), (f"{r['name']} ({r['name_zh']}, {r['province']})", True))
    for en, (zh, prov, *_rest) in CITY_CENTRES.items():
        out.setdefault(_fold(en), (f"{en} ({zh}, {prov})", True))
    for _, r in place_table().iterrows():
        reading = str(r["pinyin"]).split("|")[0]
        if reading:
            out.setdefault(reading, (f"{reading.capitalize()} ({r['name_zh']}, {r['province']})", False))
    return out


SIMILAR_ZH_CUTOFF = 0.5
"""Least similarity (:class:`difflib.SequenceMatcher` ratio, by characters) of a name in Chinese,
or of it without its suffixes (:func:`weather.places.name_stems`), to a station's, major city's
or place's Chinese name for it to be suggested: one character of two ('苏洲' -> 苏州, 0.5) [-]."""

SIMILAR_ZH_FIRST_BONUS = 0.05
"""Added to a Chinese name's similarity when its first character is the one written first,
so that '苏洲' is 苏州 before 乌苏 (both share one character of two) [-]."""

SIMILAR_ZH_PREFECTURE_BONUS = 0.02
"""Added to a prefecture-level city's similarity, so that it comes before a county of the same
similarity as :func:`weather.places.find_place` prefers it ('海南州': 海南藏族自治州 before
海南区 and 海州区) [-]."""


@lru_cache(maxsize=1)
def _chinese_suggestions() -> list[tuple[str, tuple[str, ...], str, float]]:
    """(how to suggest it, Chinese names it is compared with, English province, bonus) of every
    station, major city and place; one entry per name and province, stations first. The bonus
    is :data:`SIMILAR_STATION_BONUS` for a station or major city,
    :data:`SIMILAR_ZH_PREFECTURE_BONUS` for a prefecture-level city, else 0. A place whose name other places share is suggested as written with its province and
    city before it (``吉林 长春市 朝阳区``), which picks it (:func:`weather.places.find_place`)."""
    from .places import _label, place_table

    out: list[tuple[str, tuple[str, ...], str, float]] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, names: tuple[str, ...], prov: str, bonus: float) -> None:
        key = (names[-1], prov)
        if key not in seen:
            seen.add(key)
            out.append((f"{label} ({prov})", names, prov, bonus))

    for _, r in station_table().iterrows():
        add(str(r["name_zh"]), (str(r["name_zh"]),), str(r["province"]), SIMILAR_STATION_BONUS)
    for zh, prov, *_rest in CITY_CENTRES.values():
        add(zh, (zh,), prov, SIMILAR_STATION_BONUS)
    tab = place_table()
    shared = tab["name_zh"].duplicated(keep=False)
    for code, r in tab.iterrows():
        label = _label(code) if shared[code] else r["name_zh"]
        add(label, (r["name_zh"], r["short_zh"]), r["province"],
            SIMILAR_ZH_PREFECTURE_BONUS * (r["level"] == "prefecture"))
    return out


def similar_chinese_names(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` stations, major cities or places whose Chinese name is close to ``name`` by
    its characters (:data:`SIMILAR_ZH_CUTOFF`), each with its province: ``'苏洲'`` -> ``['苏州
    (Jiangsu)', ...]``. ``name`` is read in simplified characters and also without its suffixes
    (:func:`weather.places.name_stems`: 蘇州工業園區 is compared as 苏州 too); where it starts with
    a province (江苏苏洲) the places of that province come first. Stations and major cities
    rank before places of the same similarity, prefecture-level cities before counties
    (:func:`_chinese_suggestions`). None for a name in Latin letters (:func:`similar_names`)."""
    import difflib

    from .places import _province_prefixes, name_stems

    stems = name_stems(name)
    if not stems:
        return []
    province = None
    for written, en in _province_prefixes():
        if stems[0].startswith(written) and len(stems[0]) - len(written) >= 2:
            province = en
            stems += name_stems(stems[0][len(written):])
            break
    chars = set("".join(stems))
    scored: list[tuple[float, str]] = []
    for label, names, prov, bonus in _chinese_suggestions():
        if not chars.intersection("".join(names)):
            continue
        best = 0.0
        for stem in stems:
            for nm in names:
                r = difflib.SequenceMatcher(None, stem, nm).ratio()
                best = max(best, r + SIMILAR_ZH_FIRST_BONUS * (stem[0] == nm[0]))
        if best >= SIMILAR_ZH_CUTOFF:
            scored.append((best + bonus + (prov == province), label))
    scored.sort(key=lambda t: -t[0])
    return [label for _, label in scored[:n]]


def similar_names(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` stations, major cities or places whose name is close to ``name``, each with
    its province: for a name in Latin letters by its pinyin (:data:`SIMILAR_CUTOFF`: ``'Chengdo'``
    -> ``['Chengdu (成都, Sichuan)', ...]``), stations and major cities first
    (:data:`SIMILAR_STATION_BONUS`); for a name in Chinese characters by
    :func:`similar_chinese_names`."""
    import difflib

    from .places import latin_key

    key = latin_key(str(name))
    if key is None:
        return similar_chinese_names(name, n)
    if not key:
        return []
    names = _latin_names()
    close = difflib.get_close_matches(key, list(names), n=4 * n, cutoff=SIMILAR_CUTOFF)

    def rank(k: str) -> float:
        return difflib.SequenceMatcher(None, key, k).ratio() + SIMILAR_STATION_BONUS * names[k][1]

    return [names[k][0] for k in sorted(close, key=rank, reverse=True)[:n]]


def resolve_place(name: str):
    """A station id, else a major city's centre, else a Chinese city or county's seat.

    Tried in this order: a station (:func:`resolve_station`: English name, the headers'
    aliases, Chinese name, WMO number, id); a major city without a station
    (:data:`CITY_CENTRES`, by its English or Chinese name, 'City' or 'Shi' after it allowed); a
    city or county (:func:`weather.places.find_place`, Chinese or pinyin), which is the station
    or major city of its Chinese name near its seat where it was named in pinyin
    (:func:`station_of_place`, :func:`_centre_of`: ``Linzhi`` as 林芝); last the pinyin of a
    station's Chinese name (``Dachaidan``, 大柴旦). A Chinese name none of these is is read in
    simplified characters (廣州 as 广州) and without a word for a city's urban area after it
    (广州市区 as 广州) (:func:`_respelled_place`); a name still unknown is refused with the names
    it may be a slip for and their provinces (:func:`similar_names`: 苏洲 -> 苏州 (Jiangsu)).

    Returns
    -------
    ("station", id) or ("city", :class:`weather.places.Place`)
        A major city of :data:`CITY_CENTRES` (English or Chinese name) or any
        prefecture-level city or county-level division (:func:`weather.places.find_place`).

    Raises
    ------
    WeatherError
        Neither a station nor a place, or a name several places share.
    """
    from ._core import WeatherError
    from .places import not_covered_message, outside_mainland_region

    if not isinstance(name, str):
        return "station", resolve_station(name)  # raises: expected a name
    if _fold(name) in EXONYMS:
        name = EXONYMS[_fold(name)]
    found = _known_place(name)
    if found is not None:
        return found
    region = outside_mainland_region(name)
    if region is not None:  # 台北, Kaohsiung, 九龍城: as 台湾 and 香港 themselves
        raise WeatherError(not_covered_message(name, region))
    found = _respelled_place(name)
    if found is not None:
        return found
    raise WeatherError(_unknown_message(name, similar_names(name)).replace(
        "For other places give", "Chinese cities and counties are accepted by name (扬州, "
        "江都区, 达拉特旗); for other places give"))


def _known_place(name: str):
    """What :func:`resolve_place` finds for ``name`` as written: ("station", id) or ("city",
    place); ``None`` for a name nothing matches. Raises for a name several places share."""
    from ._core import WeatherError

    try:
        sid = resolve_station(name)
    except WeatherError:
        return _major_city(name) or _named_place(name) or _station_by_pinyin(name)
    from .interp import TEMPERATURE_SUSPECT
    from .places import find_place

    if sid in TEMPERATURE_SUSPECT and str(name).strip() != sid and "(" not in str(name):
        # a station whose file contradicts its own header (Huang.Shan: summit elevation,
        # lowland temperatures) is not what a planner naming the town means: its seat is
        # interpolated instead; the station stays available by its id
        place = find_place(name)
        if place is not None:
            return "city", place
    return "station", sid


def _respelled_place(name: str):
    """What a Chinese name nothing matched as written means when read in simplified characters
    (廣州 -> 广州; :func:`weather.places.simplified`) and, for a city's name followed by a word
    for its urban area (广州市区, 成都主城区; :data:`weather.places.URBAN_SUFFIXES`), the city
    itself (a station, a major city or a prefecture-level city, not a county); ``None`` for
    none. Raises, naming what it was read as, for a name several places share (朝陽區)."""
    from ._core import WeatherError
    from .places import URBAN_SUFFIXES, name_stems

    stems = name_stems(name) if isinstance(name, str) else []
    if not stems:
        return None
    key = stems[0]
    tries = [(key, False)] if key != name.strip() else []
    tries += [(key[: -len(s)], True) for s in URBAN_SUFFIXES if key.endswith(s) and len(key) - len(s) >= 2]
    for alt, urban in tries:
        try:
            found = _known_place(alt)
        except WeatherError as err:
            raise WeatherError(str(err).replace(repr(alt), f"{name!r} (read as {alt})", 1)) from None
        if found is None and not urban and alt.endswith("市"):
            found = _known_place(alt.removesuffix("市"))
        if found is not None and not (urban and found[0] == "city" and found[1].parent_zh):
            return found
    return None


def place_province(name: str) -> str | None:
    """English province of a station or named place, ``None`` if the name is unknown."""
    from ._core import WeatherError

    try:
        kind, hit = resolve_place(name)
    except WeatherError:
        return None
    return str(station_table().loc[hit, "province"]) if kind == "station" else hit.province
