"""Chinese cities and counties a site can be named by (``site.city``, ``twin weather --city``).

3178 places: every prefecture-level city and every county-level division (county, district,
county-level city, banner) with the coordinates of its seat, derived by
``scripts/derive_places.py`` from the division table of the MIT-licensed PyPI package cpca
0.5.5 (bibliography key ``cpca-du-2018``; ``weather/data/places.csv``, licence in
``weather/data/places.LICENSE``). A site named so is interpolated at the seat, which is what a
planner who knows only the town gets; the park's own latitude and longitude are better.

A name matches a place's full name (扬州市, 达拉特旗), its short name (扬州, 达拉特) or the
pinyin of the short name in any reading (Yangzhou, Dalate; Changzhi or Zhangzhi for 长治); a
prefecture-level city wins over a county of the same name (朝阳 -> 朝阳市, Liaoning). Where
several places share a name (朝阳区 in Beijing and in Changchun), the province and/or city
written before it picks one: ``北京 朝阳区``, ``长春朝阳区``, ``吉林省长春市朝阳区``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._core import WeatherError

PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")
"""Suffixes a province may be written with (江苏省, 广西壮族自治区, 北京市)."""

_SEPARATORS = re.compile(r"[\s·・,，/\-_]+")


class Place(NamedTuple):
    """A named place without a bundled station: where a site named so is interpolated."""

    name: str
    """Name as written in the outputs (English for the major cities of
    :data:`weather.stations.CITY_CENTRES`, Chinese for divisions)."""
    name_zh: str
    province: str
    """English province name (as in :data:`weather.stations.PROVINCE_ZH`)."""
    lat: float
    lon: float
    code: str = ""
    """Six-digit administrative division code (divisions only)."""
    parent_zh: str = ""
    """Chinese name of the prefecture-level city a county belongs to (divisions only)."""


@lru_cache(maxsize=1)
def place_table() -> pd.DataFrame:
    """The bundled places (``weather/data/places.csv``), index ``code``.

    Columns: ``name_zh``, ``short_zh`` (without the administrative suffix), ``pinyin`` (of the
    short name, every reading, ``|``-separated, lower case), ``level``
    (``prefecture`` or ``county``), ``province`` (English), ``prefecture`` (code of a
    county's prefecture-level city, else empty), ``lat``, ``lon`` [deg].
    """
    with resources.files("weather").joinpath("data/places.csv").open("r", encoding="utf-8") as fh:
        tab = pd.read_csv(fh, dtype={"code": str, "prefecture": str}, keep_default_na=False)
    return tab.set_index("code")


PINYIN_SUFFIXES = ("city", "county", "district", "prefecture", "shi", "xian", "qu", "qi", "meng")
"""Words a romanised name may end with (Yangzhou City, Kunshan Shi), tried without them too."""


@lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, list[str]]:
    """Pinyin spelling -> division codes."""
    out: dict[str, list[str]] = {}
    for code, spellings in place_table()["pinyin"].items():
        for sp in str(spellings).split("|"):
            out.setdefault(sp, []).append(code)
    return out


_U_UMLAUT = str.maketrans(dict.fromkeys("üǖǘǚǜÜǕǗǙǛ", "v"))


def latin_key(name: str) -> str | None:
    """A name in Latin script folded as the pinyin index is written: tone marks dropped, ü as
    v, lower case, letters and digits only (``"Xī'ān" -> "xian"``, ``"Lǚsì" -> "lvsi"``);
    ``None`` for a name in Chinese characters."""
    s = unicodedata.normalize("NFKD", str(name).translate(_U_UMLAUT))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(ch for ch in s.lower() if ch.isalnum()) if s.isascii() else None


@lru_cache(maxsize=1)
def _traditional_table() -> dict[int, str]:
    """``weather/data/traditional.csv`` as a :meth:`str.translate` table."""
    with resources.files("weather").joinpath("data/traditional.csv").open("r", encoding="utf-8") as fh:
        tab = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return {ord(t): s for t, s in zip(tab["traditional"], tab["simplified"])}


def simplified(name: str) -> str:
    """``name`` with its traditional characters written simplified where a bundled name holds
    the simplified one (廣州 -> 广州, 烏魯木齊 -> 乌鲁木齐, 臺州 -> 台州); every other character as
    it is. The table (``weather/data/traditional.csv``, 500 pairs) is derived from the OpenCC
    dictionaries by ``scripts/derive_traditional.py`` for just the characters of the station,
    city, place and province names, so no converter is needed at run time."""
    return str(name).translate(_traditional_table())


URBAN_SUFFIXES = ("中心城区", "主城区", "市辖区", "市区", "城区")
"""Words after a city's name that mean its urban area (广州市区, 成都主城区): the city itself."""

NAME_SUFFIXES = tuple(sorted((
    "经济技术开发区", "高新技术产业开发区", "工业园区", "产业园区", "经开区", "开发区", "高新区",
    "新区", "园区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", *URBAN_SUFFIXES,
    "市", "区", "县", "盟", "旗", "镇", "乡"), key=len, reverse=True))
"""Suffixes left out of a Chinese name, one after another, before it is compared with the
known names for a did-you-mean (苏州工业园区 -> 苏州, 青岛市区 -> 青岛, 伊犁地区 -> 伊犁); longest
first, at least two characters are kept."""


def name_stems(name: str) -> list[str]:
    """``name`` as written in Chinese (simplified: :func:`simplified`, separators left out), then
    without each of the :data:`NAME_SUFFIXES` it ends with in turn: ``"蘇州工業園區"`` ->
    ``["苏州工业园区", "苏州"]``; ``[]`` for a name in Latin letters."""
    key = simplified(_SEPARATORS.sub("", str(name).strip()))
    if not key or latin_key(key) is not None:
        return []
    out = [key]
    while True:
        suf = next((s for s in NAME_SUFFIXES if out[-1].endswith(s) and len(out[-1]) - len(s) >= 2), None)
        if suf is None:
            return out
        out.append(out[-1][: -len(suf)])


def _pinyin_codes(name: str) -> list[str]:
    """Codes of the places whose pinyin is ``name`` (any case, tone marks, spaces and
    apostrophes ignored)."""
    key = latin_key(name) or ""
    idx = _pinyin_index()
    keys = [key] + [key[: -len(suf)] for suf in PINYIN_SUFFIXES
                    if key.endswith(suf) and len(key) - len(suf) >= 2]
    for k in keys:
        if k in idx:
            return idx[k]
    return []


@lru_cache(maxsize=1)
def _province_prefixes() -> list[tuple[str, str]]:
    """(written form, English province) for every province, longest first."""
    from .stations import PROVINCE_ZH

    out = [(zh + suf, en) for en, zh in PROVINCE_ZH.items() for suf in PROVINCE_SUFFIXES]
    out += [(zh, en) for en, zh in PROVINCE_ZH.items()]
    return sorted(out, key=lambda p: len(p[0]), reverse=True)


def _parses(key: str) -> list[tuple[str | None, str | None, str]]:
    """Ways to read ``key`` as [province][prefecture-level city]place: (province, prefecture
    code, rest), the most qualified first; the bare name is always the last."""
    tab = place_table()
    prefs = tab[tab["level"] == "prefecture"]
    heads: list[tuple[str | None, str]] = [(None, key)]
    for written, en in _province_prefixes():
        if key.startswith(written) and len(key) > len(written):
            heads.insert(0, (en, key[len(written):]))
            break
    out: list[tuple[str | None, str | None, str]] = []
    for prov, rest in heads:
        cand = prefs if prov is None else prefs[prefs["province"] == prov]
        for code, r in cand.iterrows():
            for written in sorted({r["name_zh"], r["short_zh"]}, key=len, reverse=True):
                if rest.startswith(written) and len(rest) > len(written):
                    out.append((prov, code, rest[len(written):]))
                    break
        out.append((prov, None, rest))
    return sorted(out, key=lambda p: (p[0] is None) + (p[1] is None))


def _parent_zh(code: str) -> str:
    """Chinese name of the prefecture-level city a county belongs to ("" for none)."""
    tab = place_table()
    pref = tab.loc[code, "prefecture"]
    return tab.loc[pref, "name_zh"] if pref in tab.index else ""


def _label(code: str) -> str:
    from .stations import PROVINCE_ZH

    r = place_table().loc[code]
    parent = _parent_zh(code)
    return (f"{PROVINCE_ZH.get(r['province'], r['province'])} "
            f"{parent + ' ' if parent else ''}{r['name_zh']}")


def find_place(name: str) -> Place | None:
    """The city or county a name means, or ``None`` when no place has that name.

    Raises
    ------
    WeatherError
        Several places share the name and nothing written before it tells them apart (the
        message lists them and how to pick one).
    """
    if not isinstance(name, str):
        return None
    key = _SEPARATORS.sub("", name.strip())
    if not key:
        return None
    tab = place_table()
    province = province_named(key)
    if province is not None:
        # a province's name: only its own namesake city (吉林 -> 吉林市) is meant, never a
        # place of that name elsewhere (海南 is not 海南藏族自治州 in Qinghai)
        found = _find(name, key, tab)
        if found is not None and found.province == province and not found.parent_zh:
            return found
        if not (tab["province"] == province).any():
            raise WeatherError(not_covered_message(name, province, "is"))
        raise WeatherError(f"city: {name!r} is a province; name a city or county in it (e.g. its "
                           f"capital) or give latitude/longitude")
    return _find(name, key, tab)


def not_covered_message(name: str, region: str, how: str = "is in") -> str:
    """Why a name of Taiwan, Hong Kong or Macau (``region``), or of one of their cities, counties
    and districts, is refused: the tool covers mainland China."""
    return (f"city: {name!r} {how} {region}, which this tool does not know by name: it covers mainland "
            f"China (its cities and counties, grid factors and tariffs); a site within "
            f"{OUTSIDE_CHINA_MARGIN_KM:.0f} km of the mainland (Hong Kong, Macau) may be given by latitude "
            f"and longitude")


OUTSIDE_MAINLAND_PLACES = {
    "Taiwan": ("台北 臺北 Taipei Taibei 新北 NewTaipei Xinbei 桃园 桃園 Taoyuan 台中 臺中 Taichung Taizhong "
               "台南 臺南 Tainan 高雄 Kaohsiung Gaoxiong 基隆 Keelung Jilong 新竹 Hsinchu Xinzhu 嘉义 嘉義 "
               "Chiayi Jiayi 苗栗 Miaoli 彰化 Changhua Zhanghua 南投 Nantou 云林 雲林 Yunlin 屏东 屏東 "
               "Pingtung Pingdong 宜兰 宜蘭 Ilan Yilan 花莲 花蓮 Hualien Hualian 台东 臺東 台東 Taitung Taidong "
               "澎湖 Penghu 金门 金門 Kinmen Quemoy Jinmen 连江 連江 Lienchiang 马祖 馬祖 Matsu Mazu 板桥 "
               "板橋 Banqiao 中坜 中壢 Zhongli Chungli 新店 Xindian 淡水 Tamsui Danshui 竹北 Zhubei"),
    "Hong Kong": ("香港岛 香港島 HongKongIsland 九龙 九龍 Kowloon 新界 NewTerritories 中西区 中西區 "
                  "CentralandWestern 湾仔 灣仔 WanChai 东区 東區 Eastern 南区 南區 Southern 油尖旺 YauTsimMong "
                  "深水埗 ShamShuiPo 九龙城 九龍城 KowloonCity 黄大仙 黃大仙 WongTaiSin 观塘 觀塘 KwunTong "
                  "荃湾 荃灣 TsuenWan 屯门 屯門 TuenMun 元朗 YuenLong 北区 北區 大埔 TaiPo 西贡 西貢 SaiKung "
                  "沙田 ShaTin 葵青 KwaiTsing 离岛 離島 尖沙咀 TsimShaTsui 中环 中環 铜锣湾 銅鑼灣 "
                  "CausewayBay 大屿山 大嶼山 Lantau 将军澳 將軍澳 TseungKwanO 东涌 東涌 TungChung"),
    "Macau": ("澳门半岛 澳門半島 氹仔 Taipa 路环 路環 Coloane 路氹 Cotai 花地玛堂 花地瑪堂 圣安多尼堂 "
              "聖安多尼堂 大堂 望德堂 风顺堂 風順堂 嘉模堂 圣方济各堂 聖方濟各堂 澳門"),
}
"""Cities, counties and districts of Taiwan, Hong Kong and Macau (Chinese, traditional and
simplified, and Latin spellings, spaces left out), which the bundled places (mainland China) lack:
named as a site, each gets the message a name of the region gets (:func:`not_covered_message`),
not 'unknown station'. A name a mainland place shares (连江 in Fujian, 东区 of 攀枝花, Yilan
for 依兰, Taoyuan for 桃源) is that place: these are tried only for a name nothing else matched."""

_NOT_COVERED_SUFFIXES = ("特别行政区", "特別行政區", "堂区", "堂區", "市", "县", "縣", "区", "區", "镇", "鎮", "乡", "鄉")


@lru_cache(maxsize=1)
def _not_covered_index() -> dict[str, str]:
    from .stations import _fold

    out = {}
    for region, names in OUTSIDE_MAINLAND_PLACES.items():
        for n in names.split():
            out[n if not n.isascii() else _fold(n)] = region
    return out


def outside_mainland_region(name: str) -> str | None:
    """Taiwan, Hong Kong or Macau when ``name`` is one of their cities, counties or districts
    (:data:`OUTSIDE_MAINLAND_PLACES`; Chinese with or without 市, 县, 区 ..., or in Latin letters
    with any case, spaces, 'City' or 'County'), else ``None``."""
    from .stations import _fold

    if not isinstance(name, str):
        return None
    key = _SEPARATORS.sub("", name.strip())
    idx = _not_covered_index()
    if key.isascii():
        f = _fold(key)
        keys = [f] + [f.removesuffix(s) for s in ("city", "county", "district", "shi", "xian") if f.endswith(s)]
    else:
        keys = [key] + [key.removesuffix(s) for s in _NOT_COVERED_SUFFIXES if key.endswith(s)]
        for head in ("台湾", "臺灣", "台灣", "香港", "澳门", "澳門"):  # 台湾台北市, 香港九龙
            if key.startswith(head) and len(key) > len(head):
                rest = key[len(head):]
                keys += [rest] + [rest.removesuffix(s) for s in _NOT_COVERED_SUFFIXES if rest.endswith(s)]
    return next((idx[k] for k in keys if k in idx), None)


def division_extent_km(lat: float, lon: float, name_zh: str, province: str) -> float:
    """How far the county and district seats of the prefecture-level city named ``name_zh`` (or
    of the municipality, 北京 ... 重庆) reach from a point of it [km]; 0 for a county or a name
    of no such city. The city is the one of that Chinese name in ``province`` (English) whose
    seat lies within 50 km of the point."""
    from ._core import haversine_km
    from .stations import PROVINCE_ZH

    tab = place_table()
    in_prov = tab["province"] == province
    if PROVINCE_ZH.get(province) == name_zh.removesuffix("市"):  # a municipality: all its seats
        seats = tab[in_prov]
    else:
        named = tab[in_prov & (tab["level"] == "prefecture")
                    & ((tab["short_zh"] == name_zh) | (tab["name_zh"] == name_zh))]
        named = named[haversine_km(lat, lon, named["lat"].to_numpy(float), named["lon"].to_numpy(float)) <= 50.0]
        seats = tab[tab["prefecture"].isin(named.index)]
    if seats.empty:
        return 0.0
    return float(haversine_km(lat, lon, seats["lat"].to_numpy(float), seats["lon"].to_numpy(float)).max())


PROVINCE_MARGIN_KM = 100.0
"""How much farther a site may lie from the nearest division seat of its stated province
than from the nearest seat of any province before the two are called inconsistent [km]: a
park by a provincial border may take its weather from a station across it."""


def province_gap_km(lat: float, lon: float, province: str) -> float:
    """How much farther the nearest division seat of ``province`` (English) lies from a
    point than the nearest seat of any province [km]; 0 inside the province's own seats."""
    d = _seat_distances_km(lat, lon)
    own = place_table()["province"].to_numpy() == province
    return float(d[own].min() - d.min()) if own.any() else float("inf")


def nearest_seat_province(lat: float, lon: float) -> tuple[str, str, float] | None:
    """Province (English, Chinese) of the division seat nearest a point, and its distance
    [km]; None when no seat lies within 300 km."""
    d = _seat_distances_km(lat, lon)
    k = int(np.argmin(d))
    if not d[k] <= 300.0:
        return None
    from .stations import PROVINCE_ZH

    en = str(place_table().iloc[k]["province"])
    return en, PROVINCE_ZH.get(en, en), float(d[k])


def _seat_distances_km(lat: float, lon: float) -> np.ndarray:
    """Distance from a point to every division seat of :func:`place_table` [km]."""
    from ._core import haversine_km

    tab = place_table()
    return haversine_km(lat, lon, tab["lat"].to_numpy(float), tab["lon"].to_numpy(float))


OUTSIDE_CHINA_MARGIN_KM = 50.0
"""How far outside mainland China (:func:`km_outside_china`) a site, or the station of a
weather file, may lie before it is refused [km]: the outline is generalised (good to some
10-20 km), a park on the border is in China, and of the CMA's 1,000-odd stations the farthest
out by this measure are the cape 成山头 (28 km) and the Xisha island station 珊瑚 (33 km)."""


@lru_cache(maxsize=1)
def _outline() -> tuple[np.ndarray, ...]:
    """Rings of the outline of mainland China, each (n, 2) [longitude, latitude] [deg]
    (``weather/data/china_outline.json``, bibliography key ``countryinfo-chandro-2018``)."""
    text = resources.files("weather").joinpath("data/china_outline.json").read_text(encoding="utf-8")
    return tuple(np.asarray(r, float) for r in json.loads(text)["rings"])


def km_outside_china(lat: float, lon: float) -> float:
    """How far a point lies outside mainland China [km]: 0 inside its outline, else the
    shorter of the distances to the outline and to the nearest city or county seat (islands
    such as 嵊泗 or 三沙 lie beyond the generalised outline).

    Even-odd ray test against each ring, then the shortest distance to its edges on a plane
    tangent at the point (error well under 1 % at the distances that matter here)."""
    to_outline = _km_outside_outline(lat, lon)
    if to_outline == 0.0:
        return 0.0
    return float(min(to_outline, _seat_distances_km(lat, lon).min()))


def _km_outside_outline(lat: float, lon: float) -> float:
    inside = False
    best = float("inf")
    kx = 111.32 * np.cos(np.radians(lat))
    for ring in _outline():
        x0, y0 = ring[:-1, 0], ring[:-1, 1]
        x1, y1 = ring[1:, 0], ring[1:, 1]
        cross = (y0 > lat) != (y1 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
        if np.count_nonzero(cross & (lon < xc)) % 2:
            inside = True
        ax, ay = (x0 - lon) * kx, (y0 - lat) * 110.57
        bx, by = (x1 - lon) * kx, (y1 - lat) * 110.57
        dx, dy = bx - ax, by - ay
        den = dx * dx + dy * dy
        t = np.clip(np.where(den > 0, -(ax * dx + ay * dy) / np.where(den > 0, den, 1), 0), 0, 1)
        best = min(best, float(np.hypot(ax + t * dx, ay + t * dy).min()))
    return 0.0 if inside else best


def places_named(name: str) -> list[tuple[str, str]]:
    """(label, English province) of every place that ``name`` (Chinese or pinyin) may mean;
    the label gives province, prefecture and name in Chinese."""
    if not isinstance(name, str):
        return []
    hits = _matches(name, _SEPARATORS.sub("", name.strip()), place_table())
    return [(_label(c), p) for c, p in zip(hits.index, hits["province"])]


def places_in_province(name: str, province: str) -> list[str]:
    """Labels of the places in ``province`` (English) that ``name`` may mean."""
    return [label for label, p in places_named(name) if p == province]


PROVINCE_PINYIN = {"xizang": "Tibet", "neimenggu": "Inner Mongolia", "neimongol": "Inner Mongolia"}
"""Pinyin of the provinces whose English name is not their pinyin."""

_ENGLISH_SUFFIXES = ("province", "autonomousregion", "municipality", "city")


def province_named(key: str) -> str | None:
    """English province whose Chinese or English name (any case, spaces or underscores, with
    or without its suffix: '江苏', '江苏省', '广西壮族自治区', 'inner_mongolia', 'Zhejiang
    Province', 'Xizang') ``key`` is, else ``None``."""
    from .stations import PROVINCE_ZH, _fold

    key = key.strip()
    for written, en in _province_prefixes():
        if key == written:
            return en
    folded = _fold(key)
    for suffix in _ENGLISH_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded.removesuffix(suffix)
            break
    if folded in PROVINCE_PINYIN:
        return PROVINCE_PINYIN[folded]
    return next((en for en in PROVINCE_ZH if _fold(en) == folded), None)


def _find(name: str, key: str, tab: pd.DataFrame) -> Place | None:
    return _pick(name, _matches(name, key, tab))


def _matches(name: str, key: str, tab: pd.DataFrame) -> pd.DataFrame:
    """Every place a name may mean: by pinyin, or by Chinese name with what is written
    before it (province, city) narrowing it; empty for none."""
    if latin_key(key) is not None:
        return tab.loc[_pinyin_codes(name)]
    for prov, pref, rest in _parses(key):
        m = (tab["name_zh"] == rest) | (tab["short_zh"] == rest)
        if prov is not None:
            m &= tab["province"] == prov
        if pref is not None:
            m &= tab["prefecture"] == pref
        if m.any():
            return tab[m]
    return tab.iloc[:0]


def _pick(name: str, hits: pd.DataFrame) -> Place | None:
    """The one place among ``hits`` (a prefecture-level city before counties), ``None`` for
    none; several raise :class:`WeatherError` listing them."""
    if hits.empty:
        return None
    if (hits["level"] == "prefecture").any():
        hits = hits[hits["level"] == "prefecture"]
    if len(hits) > 1:
        listed = ", ".join(_label(c) for c in hits.index[:8])
        more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
        raise WeatherError(
            f"city: {name!r} names {len(hits)} places: {listed}{more}; write the province "
            f"or city before it in Chinese (e.g. {_label(hits.index[0]).rsplit(' ', 1)[0]} "
            f"{hits.iloc[0]['name_zh']!s}) or give latitude/longitude")
    code = hits.index[0]
    r = hits.iloc[0]
    return Place(name=r["name_zh"], name_zh=r["name_zh"], province=r["province"],
                 lat=float(r["lat"]), lon=float(r["lon"]), code=code, parent_zh=_parent_zh(code))
