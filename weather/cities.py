"""The 34 reference cities whose typical-year statistics are bundled.

Positions and elevations are the station coordinates in the headers of the
Climate.OneBuilding.org TMYx files [climate-onebuilding-tmyx]. Each is named by its city but
three airport files, named as the airports they are, whose city's names are the city's CMA
station (:func:`weather.stations.resolve_place`): Ürümqi's (Urumqi Diwopu Airport,
乌鲁木齐地窝堡机场, 20 km from and 287 m below CSWD Urumqi), Harbin's (Harbin Taiping Airport,
哈尔滨太平国际机场, 43 km from SWERA and CSWD Harbin) and Tianjin's (Tianjin Binhai Airport,
天津滨海国际机场, 24 km from CSWD Tianjin).
"""

from __future__ import annotations

from typing import NamedTuple


class CityInfo(NamedTuple):
    """A reference city.

    Attributes
    ----------
    lat, lon : float
        Station position [deg north, deg east].
    elevation : float
        Station elevation [m].
    province : str
        Province-level division (English).
    stem : str
        File stem of the typical-year EPW the statistics were derived from.
    name_zh : str
        Chinese name.
    """

    lat: float
    lon: float
    elevation: float
    province: str
    stem: str
    name_zh: str


_TABLE = [
    # name, zh, province, lat, lon, elev, stem
    ("Anqing", "安庆", "Anhui", 30.6231, 116.9673, 63.2, "CHN_AH_Anqing.584240_TMYx"),
    ("Dangshan", "砀山", "Anhui", 34.417, 116.333, 44.0, "CHN_AH_Dangshan.580150_TMYx"),
    ("Fuyang", "阜阳", "Anhui", 32.8776, 115.7363, 33.0, "CHN_AH_Fuyang.AP.582030_TMYx"),
    ("Hefei", "合肥", "Anhui", 31.9555, 117.0574, 27.0, "CHN_AH_Hefei.583210_TMYx"),
    ("Huangshan", "黄山", "Anhui", 30.1347, 118.1642, 1836.0, "CHN_AH_Huang.Shan.584370_TMYx"),
    ("Huoshan", "霍山", "Anhui", 31.4009, 116.337, 70.0,
     "CHN_AH_Huoshan.583140_TMYx.2011-2025"),
    ("Beijing", "北京", "Beijing", 40.08, 116.585, 35.4,
     "CHN_BJ_Beijing-Capital.Intl.AP.545110_TMYx"),
    ("Chongqing", "重庆", "Chongqing", 29.5758, 106.4609, 416.1, "CHN_CQ_Chongqing.575160_TMYx"),
    ("Fuzhou", "福州", "Fujian", 26.0776, 119.289, 14.0, "CHN_FJ_Fuzhou.588470_TMYx"),
    ("Xiamen", "厦门", "Fujian", 24.486, 118.0798, 18.0, "CHN_FJ_Xiamen.591340_TMYx"),
    ("Guangzhou", "广州", "Guangdong", 23.2099, 113.4822, 15.2, "CHN_GD_Guangzhou.592870_TMYx"),
    ("Nanning", "南宁", "Guangxi", 22.784, 108.5472, 128.3, "CHN_GX_Nanning.594310_TMYx"),
    ("Wuhan", "武汉", "Hubei", 30.5977, 114.0506, 34.4, "CHN_HB_Tianhe-Wuhan.574940_TMYx"),
    ("Shijiazhuang", "石家庄", "Hebei", 38.0733, 114.3513, 104.8,
     "CHN_HE_Shijiazhuang.536980_TMYx"),
    # Taiping airport's file (header number 541611, not a WMO index), 43 km south-west of the
    # city's CMA station 50953 (SWERA and CSWD Harbin): named as the airport, so that 哈尔滨 is
    # the city station (scripts/derive_weather_stats.py, TMYX_OWN_NUMBERS).
    ("Harbin Taiping Airport", "哈尔滨太平国际机场", "Heilongjiang", 45.623, 126.25, 139.3,
     "CHN_HL_Harbin-Taiping.AP.541611_TMYx"),
    ("Changsha", "长沙", "Hunan", 28.1095, 112.788, 120.0, "CHN_HN_Changsha.576870_TMYx"),
    ("Changchun", "长春", "Jilin", 43.901, 125.209, 215.2, "CHN_JL_Changchun.541610_TMYx"),
    ("Nanjing", "南京", "Jiangsu", 31.9316, 118.8996, 14.9, "CHN_JS_Nanjing.582380_TMYx"),
    ("Suzhou", "苏州", "Jiangsu", 31.267, 120.617, 19.0, "CHN_JS_Suzhou.583580_TMYx"),
    ("Xuzhou", "徐州", "Jiangsu", 34.2871, 117.1587, 42.0, "CHN_JS_Xuzhou.580270_TMYx"),
    ("Nanchang", "南昌", "Jiangxi", 28.5901, 115.9014, 43.6, "CHN_JX_Nanchang.586060_TMYx"),
    ("Dalian", "大连", "Liaoning", 38.908, 121.66, 32.6,
     "CHN_LN_Dalian-Zhoushuizi.Intl.AP.546620_TMYx"),
    ("Shenyang", "沈阳", "Liaoning", 41.7325, 123.5099, 49.0, "CHN_LN_Shenyang.543420_TMYx"),
    ("Chengdu", "成都", "Sichuan", 30.579, 103.947, 495.3,
     "CHN_SC_Chengdu-Shuangliu.AP.562940_TMYx"),
    ("Mianyang", "绵阳", "Sichuan", 31.424, 104.749, 522.0, "CHN_SC_Mianyang.561960_TMYx"),
    ("Jinan", "济南", "Shandong", 36.6019, 117.0081, 215.0, "CHN_SD_Jinan.Tsinan.548230_TMYx"),
    ("Qingdao", "青岛", "Shandong", 36.266, 120.374, 10.1, "CHN_SD_Qingdao.Intl.AP.548570_TMYx"),
    ("Yantai", "烟台", "Shandong", 37.5423, 121.4004, 10.0, "CHN_SD_Yantai.547630_TMYx"),
    ("Shanghai", "上海", "Shanghai", 31.3908, 121.4447, 4.0,
     "CHN_SH_Shanghai-Baoshan.583620_TMYx"),
    ("Shanghai-Hongqiao", "上海虹桥", "Shanghai", 31.198, 121.336, 3.0,
     "Shanghai-Hongqiao_1956_2023_TMYx"),
    # Binhai airport's file (header number 545273, not a WMO index), 24 km east of the city's
    # CMA station 54527 (CSWD Tianjin): named as the airport, so that 天津 is the city station.
    ("Tianjin Binhai Airport", "天津滨海国际机场", "Tianjin", 39.124, 117.346, 3.0,
     "CHN_TJ_Tianjin-Binhai.Intl.AP.545273_TMYx"),
    # The upstream file names the province "XZ"; Urumqi is in Xinjiang. The file is Diwopu
    # airport's (header number 514635), 20 km north-west of and 287 m below the city's CMA
    # station 51463 (the CSWD station): it is named as the airport, so that 乌鲁木齐 is the city
    # station (scripts/derive_weather_stats.py, TMYX_OWN_NUMBERS).
    ("Urumqi Diwopu Airport", "乌鲁木齐地窝堡机场", "Xinjiang", 43.907, 87.474, 647.7,
     "CHN_XZ_Urumqi-Diwopu.AP.514635_TMYx"),
    ("Hangzhou", "杭州", "Zhejiang", 30.2259, 120.1649, 7.0, "CHN_ZJ_Hangzhou.584570_TMYx"),
    ("Ningbo", "宁波", "Zhejiang", 29.917, 121.467, 6.0, "CHN_ZJ_Ningbo.585620_TMYx"),
]

CITIES: dict[str, CityInfo] = {
    name: CityInfo(lat, lon, elev, prov, stem, zh)
    for name, zh, prov, lat, lon, elev, stem in _TABLE
}
"""Reference cities by English name -> :class:`CityInfo`."""

_ALIASES: dict[str, str] = {}
for _name, _info in CITIES.items():
    _ALIASES[_name.lower()] = _name
    _ALIASES[_info.name_zh] = _name
    _ALIASES[_info.name_zh + "市"] = _name
_ALIASES.update({"shanghai-baoshan": "Shanghai", "baoshan": "Shanghai", "hongqiao": "Shanghai-Hongqiao",
                 "urumqi-diwopu": "Urumqi Diwopu Airport", "diwopu": "Urumqi Diwopu Airport",
                 "地窝堡机场": "Urumqi Diwopu Airport", "huang shan": "Huangshan",
                 "harbin-taiping": "Harbin Taiping Airport", "哈尔滨太平机场": "Harbin Taiping Airport",
                 "太平机场": "Harbin Taiping Airport",
                 "harbin taiping international airport": "Harbin Taiping Airport",
                 "tianjin-binhai": "Tianjin Binhai Airport", "天津滨海机场": "Tianjin Binhai Airport",
                 "滨海机场": "Tianjin Binhai Airport",
                 "tianjin binhai international airport": "Tianjin Binhai Airport",
                 "tianhe-wuhan": "Wuhan", "上海宝山": "Shanghai"})


def resolve_city(name: str) -> str:
    """Canonical English key of a reference city (English or Chinese, any case).

    Raises
    ------
    WeatherError
        Unknown name; the message lists the accepted names.
    """
    from ._core import WeatherError

    if not isinstance(name, str):
        raise WeatherError(f"city: expected a city name (str), got {type(name).__name__}")
    key = name.strip()
    hit = _ALIASES.get(key) or _ALIASES.get(key.lower())
    if hit is None:
        known = ", ".join(f"{n} ({i.name_zh})" for n, i in CITIES.items())
        raise WeatherError(f"city: unknown reference city {name!r}; known: {known}. For other "
                           f"places pass lat=, lon= (and elevation=) or path= to an EPW file")
    return hit
