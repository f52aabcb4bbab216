"""Derive the bundled per-station monthly statistics from the typical-year EPW files.

Reads every station of the three reference sets (not bundled, kept outside the
project)::

    <shared>/data/weather/*.epw.gz         34 Climate.OneBuilding.org TMYx files
    <shared>/data/weather_cswd/*.epw.gz    256 CSWD files (stations.csv lists them)
    <shared>/data/weather_swera/*.epw.gz   39 SWERA files (stations.csv lists them)

For each file: ``weather.read_weather_file`` (EPW hour-ending -> start-of-hour in
Asia/Shanghai); TMYx and SWERA with the whole-hour radiation shift repair of the
reader; CSWD with a per-file *fractional* shift: the GHI-weighted solar-time
centroid of the radiation is compared with that of clear-sky GHI computed the same
way, and the three radiation columns are moved by the difference (linear
interpolation between hours) when it exceeds 0.25 h, then DNI is recomputed from
GHI and DHI where the annual closure is off by more than 5 %. In every dataset, months that
carry no direct sun at all (DNI zero, all GHI as DHI: four files) are split again from GHI by
the Erbs correlation (``weather.io.split_missing_beam``). Then
``weather.stats.monthly_stats``, degree days HDD18/CDD26 from daily means, and the
annual PV yield of the file with the PVWatts chain of ``weather.validation``.

Writes

* ``weather/data/stations.csv`` (one row per station: names, the pinyin of the Chinese name
  (every reading, ``|``-separated, as ``scripts/derive_places.py`` writes it for places:
  林芝 -> ``linzhi``, the station being named Nyingchi), province, region, position, sha256
  of the uncompressed file, repairs, annual figures),
* ``weather/data/station_monthly_stats.csv`` (one row per station and month),
* ``weather/data/station_stats.provenance.json`` (datasets, attribution, method).

Intermediate per-file results are cached under ``--cache`` (default
``/tmp/weather_stats_cache``) keyed by the file's sha256, so a rerun is quick.

The pinyin comes from the package ``pypinyin`` (MIT), needed only here and in
``scripts/derive_places.py``: ``pip install pypinyin``.

Usage: ``python scripts/derive_weather_stats.py [--shared ../shared]``
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
import pandas as pd

from weather import CITIES, read_weather_file
from weather.io import (
    beam_note,
    enforce_closure,
    radiation_centroid_offset,
    shift_fractional,
    shift_scores,
    split_missing_beam,
)
from weather.solar import cos_zenith
from weather.stations import PROVINCE_ZH, region_of
from weather.stats import STAT_COLUMNS, degree_days, monthly_stats
from weather.validation import pv_specific_yield

sys.path.insert(0, str(ROOT / "scripts"))
from derive_places import pinyin_readings  # noqa: E402  (pypinyin, needed only here)

CSWD_SHIFT_MIN_H = 0.25
"""CSWD radiation is moved when its centroid is off by more than this [h]."""

GROUP_KM = 15.0
"""Stations closer than this (or with the same WMO number within 3x this) are one place [km]."""

PROVINCE_FIX = {"Guangxi Zhuang": "Guangxi", "Nei Mongol": "Inner Mongolia",
                "Ningxia Hui": "Ningxia", "Xinjiang Uygur": "Xinjiang"}

# Chinese names of stations missing from the CMA station lists used for matching; written
# by the project from the pinyin and the WMO number ("project" in name_zh_source).
NAMES_ZH_PROJECT = {
    "58834": "南平", "58918": "上杭", "56093": "岷县", "57006": "天水", "52787": "乌鞘岭",
    "52436": "玉门镇", "57996": "南雄", "59254": "桂平", "57707": "毕节", "57713": "遵义",
    "59855": "琼海", "54308": "丰宁", "54405": "怀来", "53698": "石家庄", "53399": "张北",
    "50854": "安达", "50353": "呼玛", "50658": "克山", "50968": "尚志", "54096": "绥芬河",
    "50564": "孙吴", "53898": "安阳", "57290": "驻马店", "57853": "武冈", "58144": "淮阴",
    "58715": "南城", "57793": "宜春", "54186": "敦化", "54157": "四平", "54493": "宽甸",
    "53352": "百灵庙", "54115": "林西", "50434": "图里河", "56125": "囊谦", "54808": "朝城",
    "54725": "惠民", "54916": "兖州", "53673": "原平", "53787": "榆社", "56671": "会理",
    "56257": "理塘", "57602": "泸州", "57237": "万源", "51346": "乌苏", "56768": "楚雄",
    "56954": "澜沧", "56966": "元江", "52737": "德令哈", "57016": "宝鸡",
}

PROVINCE_PROJECT = {"52436": "Gansu", "52737": "Qinghai", "53352": "Inner Mongolia",
                    "54115": "Inner Mongolia", "56671": "Sichuan", "57016": "Shaanxi",
                    "58715": "Jiangxi"}

SWERA_NAMES = {  # pinyin of the SWERA file names (which are abbreviated upper-case)
    "50632": "Bugt", "52267": "Ejin Qi", "53352": "Bailingmiao", "55773": "Pagri",
    "56004": "Tuotuohe", "56033": "Madoi", "56146": "Garze", "56312": "Nyingchi",
    "57245": "Ankang", "54662": "Dalian", "54511": "Beijing",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()


def _cswd_shift(df, lat, lon):
    """Fractional radiation shift of a CSWD year; returns (df, shift_h, closure before/after)."""
    off = radiation_centroid_offset(df["ghi"].to_numpy(), df.index, lat, lon)
    c0 = float(shift_scores(df.ghi, df.dni, df.dhi, df.index, lat, lon, shifts=(0,))
               .loc[0, "closure"])
    shift = 0.0
    if abs(off) > CSWD_SHIFT_MIN_H:
        shift = -off
        cz = cos_zenith(df.index, lat, lon, 0.5)
        for c in ("ghi", "dni", "dhi"):
            df[c] = np.where(cz > 0, shift_fractional(df[c].to_numpy(), shift), 0.0)
    c1 = float(shift_scores(df.ghi, df.dni, df.dhi, df.index, lat, lon, shifts=(0,))
               .loc[0, "closure"])
    if abs(c1 - 1) > 0.05:
        cz = cos_zenith(df.index, lat, lon, 0.5)
        dni, dhi = enforce_closure(df["ghi"].to_numpy(), df["dhi"].to_numpy(), cz)
        df["dni"], df["dhi"] = dni, dhi
    return df, shift, c0, c1


def process(path: Path, dataset: str, cache: Path,
            position: tuple[float, float] | None = None) -> dict:
    """Monthly statistics of one typical-year file; ``position`` (lat, lon) [deg] replaces a
    header position known to be wrong (:data:`POSITION_FIXES`) before anything is computed."""
    sha = _sha(path)
    hit = cache / (f"{sha}.pkl" if position is None else f"{sha}-{position[0]}-{position[1]}.pkl")
    if hit.exists():
        cached = pickle.loads(hit.read_bytes())
        # else from before the record period or a statistic (kc_hmax_hi) was kept
        if "record_period" in cached and set(STAT_COLUMNS) <= set(cached["stats"].columns):
            return cached
    if dataset == "CSWD":
        df, meta = read_weather_file(path, repair_shift=False, closure_tolerance=None,
                                     repair_beam=False)
        if position is not None:
            meta.latitude, meta.longitude = position
        df, shift, c0, c1 = _cswd_shift(df, meta.latitude, meta.longitude)
        repairs = [f"radiation centroid {-shift:+.2f} h from clear-sky: "
                   + (f"radiation moved {shift:+.2f} h (linear between hours)" if shift else
                      "no shift") + f"; closure {c0:.3f} -> {c1:.3f}"
                   + ("; DNI recomputed from GHI and DHI" if abs(c1 - 1) > 0.05 else "")]
        # after the shift, so that the split sees the sun where the radiation now is
        dni, dhi, months = split_missing_beam(df.ghi, df.dni, df.dhi, df.index, meta.latitude,
                                              meta.longitude)
        if months:
            df["dni"], df["dhi"] = dni, dhi
            repairs.append(beam_note(months))
        closure = c1
    else:
        df, meta = read_weather_file(path)
        if position is not None:
            meta.latitude, meta.longitude = position
        repairs = list(meta.notes)
        shift = 0.0
        for n in repairs:
            if "radiation columns shifted" in n:
                h = int(n.split("shifted ")[1].split(" h")[0])
                shift = float(h if "later" in n else -h)
        closure = float(shift_scores(df.ghi, df.dni, df.dhi, df.index, meta.latitude,
                                     meta.longitude, shifts=(0,)).loc[0, "closure"])
    st = monthly_stats(df, meta.latitude, meta.longitude)
    hdd, cdd = degree_days(df["temp_air"])
    tm = df["temp_air"].groupby(df.index.month).mean()
    out = {"sha256": sha, "lat": meta.latitude, "lon": meta.longitude,
           "elevation_m": meta.elevation, "station": meta.provenance.get("station", ""),
           "repairs": repairs, "radiation_shift_h": shift, "closure": closure,
           "hdd18": hdd, "cdd26": cdd, "t_coldest": float(tm.min()), "t_warmest": float(tm.max()),
           "t_mean": float(df["temp_air"].mean()),
           "record_period": meta.provenance.get("record_period", ""),
           "annual_ghi_kwh_m2": float(df["ghi"].sum() / 1000),
           "pv_yield_kwh_kwp": pv_specific_yield(df, meta.latitude, meta.longitude,
                                                 meta.elevation),
           "stats": st}
    cache.mkdir(parents=True, exist_ok=True)
    hit.write_bytes(pickle.dumps(out))
    return out


POSITION_FIXES = {
    "CSWD-54374": "header latitude 41.0 N (the minutes dropped; the position lies in the "
                  "Changbai mountains at about 1230 m, not at the station's 333 m on the Yalu)",
    "CSWD-54337": "header latitude 41.68 N puts Jinzhou 61 km north in the hills (terrain "
                  "110-330 m against the station's 66 m)",
    "CSWD-58238": "header latitude 32.83 N puts Nanjing 100 km north, outside the city",
}
"""CSWD files whose header position contradicts the station: their position is taken from the
CMA station lists (the lists used for the Chinese names), with the reason. Found by comparing
every header with those lists: the three CSWD files more than 50 km from their WMO station's
listed position where the terrain or the town contradicts the header (TMYx positions are the
ISD airport stations and differ by design; CSWD 53276 Jurh, 57 km, is consistent with its
elevation at both positions and is left as it is)."""


TMYX_WMO_FIXES: dict[str, tuple[str, str]] = {}
"""TMYx files whose header number does not give the station's WMO index: the index used,
with the reason. Empty since Harbin's file, the one entry (its number 541611 starts with
Changchun's 54161; it had carried Harbin's 50953), is a place of its own
(:data:`TMYX_OWN_NUMBERS`)."""


TMYX_OWN_NUMBERS = {
    "CHN_XZ_Urumqi-Diwopu.AP.514635_TMYx": (
        "514635", "Urumqi-Diwopu|Diwopu|地窝堡机场|Urumqi (TMYx)",
        ("the file is Diwopu airport's (header CHN_XZ_Urumqi-Diwopu.AP, number 514635), 20 km "
         "north-west of and 287 m below the city's CMA station 51463 (CSWD Urumqi, 935 m); "
         "the number's first five digits made them one place and the name 乌鲁木齐 the airport")),
    "CHN_HL_Harbin-Taiping.AP.541611_TMYx": (
        "541611", "Harbin-Taiping|哈尔滨太平机场|太平机场|Harbin Taiping International Airport|Harbin (TMYx)",
        ("the file is Taiping airport's (header CHN_HL_Harbin-Taiping.AP, number 541611, not a "
         "WMO index: its first five digits are Changchun's station 54161), 43 km south-west of "
         "the city's CMA station 50953 (CSWD and SWERA Harbin, 142 m; 42 km from the CMA "
         "list's position); it had carried Harbin's index 50953, which made the two one place "
         "and the name 哈尔滨 the airport")),
    "CHN_TJ_Tianjin-Binhai.Intl.AP.545273_TMYx": (
        "545273", "Tianjin-Binhai|天津滨海机场|滨海机场|Tianjin Binhai International Airport|Tianjin (TMYx)",
        ("the file is Binhai airport's (header CHN_TJ_Tianjin-Binhai.Intl.AP, number 545273, not "
         "a WMO index), 24 km east of the city's CMA station 54527 (CSWD Tianjin, 3 m; 26 km "
         "from the CMA list's position); the number's first five digits made them one place "
         "and the name 天津 the airport")),
}
"""TMYx files that are not the CMA station whose WMO index their header number starts with,
but another station near it (an airport): the file's full header number as its own number (its
id ``TMYx-<number>``, so that it is a place of its own: not the same number, and farther than
:data:`GROUP_KM`), the aliases it is found by besides its name in :data:`weather.CITIES`
(``|``-separated; ``Urumqi (TMYx)``, as a scenario that chose the TMYx file by the city's name
wrote it, still finds the file), and the reason. Found by an audit of the 34 TMYx files
against every CSWD/SWERA file of their place (weather/VALIDATION.md, section 1, "Header
positions"): these three are the files whose header number is not a WMO index (a sixth digit
other than 0: ISD's number of a station without one) and whose header names an airport; the
files farther than :data:`GROUP_KM` from their WMO station's other files that carry its index
(Beijing Capital airport 33 km, Nanning 38 km, Hefei 19 km, Changsha 18 km, Guangzhou 16 km,
Shanghai's two through SWERA Shanghai 25 km) stay one place with it, see :data:`TMYX_FAR_KEPT`."""


TMYX_FAR_KEPT = {
    "CHN_BJ_Beijing-Capital.Intl.AP.545110_TMYx": (
        "header named after Capital airport and at its position, 33 km from the CMA list's "
        "54511 (Nanjiao), but its number 545110 is the WMO index 54511 (ISD files a WMO "
        "station's reports and its airport's under one number there), and its annual mean "
        "agrees with CSWD Beijing's (+0.17 K, less than the median +0.36 K of TMYx above CSWD)"),
    "CHN_GX_Nanning.594310_TMYx": (
        "header named Nanning, number 594310 the WMO index; its position lies 38 km east of "
        "the CMA list's 59431 and 43 km from Wuxu airport, and the annual mean "
        "agrees with CSWD Nanning's (+0.15 K)"),
    "CHN_AH_Hefei.583210_TMYx": (
        "header named Hefei, number 583210 the WMO index; 19 km from CSWD/SWERA Hefei, 30 km "
        "from the CMA list's 58321 and 8 km from Xinqiao airport, but the header names no "
        "airport and the annual mean agrees with CSWD Hefei's (+0.17 K)"),
    "CHN_HN_Changsha.576870_TMYx": (
        "header named Changsha, number 576870 the WMO index; 18 km south-west of the CMA list's "
        "57687 and 43 km west of Huanghua airport (28.19 N 113.22 E): not an airport file; its "
        "annual mean runs 1.03 K above CSWD Changsha's (0.72 K above SWERA's, 0.36 K is the "
        "median TMYx-CSWD difference), but neither its name nor its number names another "
        "station, so it stays Changsha's"),
    "CHN_GD_Guangzhou.592870_TMYx": (
        "header at the CMA list's position of 59287 (0.8 km): the station itself, the CSWD "
        "header (16 km away) gives its earlier site"),
    "CHN_SH_Shanghai-Baoshan.583620_TMYx": (
        "at the CMA list's Baoshan 58362 (1.1 km) with CSWD Shanghai; SWERA Shanghai carries "
        "58362 but stands at 31.17 N 121.43 E, 3 km from the CMA list's Xujiahui 58367, and so "
        "joins Baoshan's files (25 km) and Hongqiao airport's (below, 10 km) in one place: a "
        "question of the SWERA header, not of a TMYx airport file; left as it is"),
    "Shanghai-Hongqiao_1956_2023_TMYx": (
        "Hongqiao airport's file, a station of its own already (number 583670, Xujiahui's index "
        "58367, 9 km from the CMA list's Xujiahui); one place with Baoshan through SWERA "
        "Shanghai (above), 10 km away, and 25 km from CSWD Shanghai (Baoshan)"),
}
"""TMYx files farther than :data:`GROUP_KM` from a CSWD/SWERA file of their WMO index that
stay one place with it (same number within 3x :data:`GROUP_KM`), with the evidence."""


def _names(shared: Path):
    """WMO (5 digits) -> name_zh, province_en and (lat, lon) [deg] from the CMA station lists
    used for matching (positions from the CBED list)."""
    zh, prov, pos = {}, {}, {}
    cd = shared / "data/climate/cdsrd_monthly_climatology_1991-2017.csv"
    cb = shared / "data/climate/cbed_monthly_normals_1988-2017.csv"
    zh_to_en = {v: k for k, v in PROVINCE_ZH.items()}
    if cb.exists():
        t = pd.read_csv(cb, usecols=["station_id", "province", "city_name", "latitude",
                                     "longitude"])
        for s, p, n, la, lo in t.itertuples(index=False):
            n = str(n).strip()
            zh[str(s)] = n.removesuffix("市") if len(n) > 2 else n
            prov[str(s)] = zh_to_en.get(p, "")
            pos[str(s)] = (round(float(la), 2), round(float(lo), 2))
    if cd.exists():
        t = pd.read_csv(cd, usecols=["station", "name_zh", "province_en"])
        for s, n, p in t.itertuples(index=False):
            zh[str(s)] = str(n).strip()  # one CDSRD name carries a leading space
            prov[str(s)] = p
    return zh, prov, pos


CSWD_NAME_FIXES = {
    "57245": ("Ankang", "file name 'Ankangan'"),
    "58319": ("Tongcheng", "file name 'Dongcheng' for 桐城"),
    "59133": ("Chongwu", "file name 'Congwu' for 崇武"),
    "59294": ("Zengcheng", "file name 'Zhengcheng' for 增城"),
    "57447": ("Enshi", "file name 'Exi' (鄂西, the region) for 恩施"),
    "54808": ("Chaocheng", "file name 'Chaoyang' for 朝城; Chaoyang is Liaoning's 朝阳, CSWD 54324"),
}
"""CSWD stations whose file name misspells the station (checked against the Chinese name of
the CMA station list and the position): the pinyin of the Chinese name; the file's
spelling stays an alias, so a scenario that used it still finds the station, unless it is
another station's name."""


def station_rows(shared: Path) -> list[dict]:
    rows = []
    for name, info in CITIES.items():
        path = shared / "data/weather" / f"{info.stem}.epw.gz"
        with gzip.open(path, "rt", encoding="latin-1") as fh:
            wmo = fh.readline().split(",")[5].strip()[:5]
        wmo = TMYX_WMO_FIXES.get(info.stem, (wmo, ""))[0]
        wmo, aliases = TMYX_OWN_NUMBERS.get(info.stem, (wmo, "", ""))[:2]
        rows.append(dict(dataset="TMYx", wmo=wmo, name=name, name_zh=info.name_zh,
                         name_zh_source="project", province=info.province, path=path,
                         aliases=aliases))
    c = pd.read_csv(shared / "data/weather_cswd/stations.csv", dtype={"wmo": str})
    taken = set(c.loc[~c["wmo"].str[:5].isin(list(CSWD_NAME_FIXES)), "city"])
    for r in c.itertuples(index=False):
        fixed = CSWD_NAME_FIXES.get(r.wmo[:5])
        rows.append(dict(dataset="CSWD", wmo=r.wmo[:5], name=fixed[0] if fixed else r.city,
                         province=PROVINCE_FIX.get(r.province, r.province),
                         path=shared / "data/weather_cswd" / r.file,
                         aliases=r.city if fixed and r.city not in taken else ""))
    s = pd.read_csv(shared / "data/weather_swera/stations.csv", dtype={"wmo": str})
    for r in s.itertuples(index=False):
        stem = r.file.removesuffix(".epw.gz").split("_", 2)[2]
        w = r.wmo[:5]
        nm = SWERA_NAMES.get(w, stem.split("_")[0].replace("-", "").title())
        rows.append(dict(dataset="SWERA", wmo=w, name=nm, province="",
                         path=shared / "data/weather_swera" / r.file,
                         aliases="|".join(x for x in stem.replace("-", "").split("_")
                                          if x.title() != nm)))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/weather_stats_cache"))
    args = ap.parse_args(argv)
    zh, prov, positions = _names(args.shared)
    rows, frames = [], []
    for r in station_rows(args.shared):
        sid = f"{r['dataset']}-{r['wmo']}"
        fix = positions[r["wmo"]] if sid in POSITION_FIXES else None
        res = process(r["path"], r["dataset"], args.cache, fix)
        if fix is not None:
            res = {**res, "repairs": [*res["repairs"],
                                      f"position {fix[0]:.2f} N {fix[1]:.2f} E from the CMA "
                                      f"station list: {POSITION_FIXES[sid]}"]}
        if r["dataset"] == "TMYx" and r["path"].name.removesuffix(".epw.gz") in TMYX_WMO_FIXES:
            res = {**res, "repairs": [*res["repairs"], "WMO index "
                                      f"{r['wmo']}: {TMYX_WMO_FIXES[r['path'].name.removesuffix('.epw.gz')][1]}"]}
        stem = r["path"].name.removesuffix(".epw.gz")
        if r["dataset"] == "TMYx" and stem in TMYX_OWN_NUMBERS:
            note = f"own number {r['wmo']}, named {r['name']}: {TMYX_OWN_NUMBERS[stem][2]}"
            res = {**res, "repairs": [*res["repairs"], note]}
        if r["dataset"] == "CSWD" and r["wmo"] in CSWD_NAME_FIXES:
            res = {**res, "repairs": [*res["repairs"], f"named {r['name']}: "
                                      f"{CSWD_NAME_FIXES[r['wmo']][1]}"]}
        if r["dataset"] == "TMYx" and any(x["id"] == sid for x in rows):
            sid = f"TMYx-{r['wmo']}b"
        province = r["province"] or prov.get(r["wmo"]) or PROVINCE_PROJECT.get(r["wmo"], "")
        if not province:
            raise SystemExit(f"{r['path'].name}: no province found")
        if r.get("name_zh"):
            name_zh, src = r["name_zh"], r["name_zh_source"]
        elif r["wmo"] in zh:
            name_zh, src = zh[r["wmo"]], "CMA station list"
        else:
            name_zh, src = NAMES_ZH_PROJECT[r["wmo"]], "project"
        region = region_of(province, res["lat"], res["lon"], res["elevation_m"])
        row = {"id": sid, "dataset": r["dataset"], "wmo": r["wmo"], "name": r["name"],
               "name_zh": name_zh, "name_zh_source": src, "aliases": r["aliases"],
               "pinyin": pinyin_readings(name_zh),
               "province": province, "province_zh": PROVINCE_ZH[province], "region": region,
               "lat": res["lat"], "lon": res["lon"], "elevation_m": res["elevation_m"],
               "file": r["path"].name.removesuffix(".gz"), "sha256": res["sha256"],
               "record_period": res["record_period"],
               "radiation_shift_h": res["radiation_shift_h"], "closure": res["closure"]}
        for k in ("hdd18", "cdd26", "t_coldest", "t_warmest", "t_mean", "annual_ghi_kwh_m2",
                  "pv_yield_kwh_kwp"):
            row[k] = res[k]
        row["repairs"] = "; ".join(res["repairs"])
        rows.append(row)
        st = res["stats"].copy()
        st.insert(0, "id", sid)
        frames.append(st.reset_index())
        print(f"{sid:12s} {r['name']:18s} {name_zh:6s} {region:10s} GHI "
              f"{res['annual_ghi_kwh_m2']:6.0f} T {res['t_mean']:5.1f} shift "
              f"{res['radiation_shift_h']:+.2f}", flush=True)
    tab = pd.DataFrame(rows)
    # places: same WMO number or closer than GROUP_KM
    from weather._core import haversine_km

    group = list(range(len(tab)))
    for i in range(len(tab)):
        for j in range(i):
            d = haversine_km(tab.lat[i], tab.lon[i], tab.lat[j], tab.lon[j])
            if d < GROUP_KM or (tab.wmo[i] == tab.wmo[j] and d < 3 * GROUP_KM):
                gi, gj = group[i], group[j]
                group = [gj if g == gi else g for g in group]
    tab["group"] = [f"g{g:03d}" for g in group]
    args.out.mkdir(parents=True, exist_ok=True)
    repairs = tab.pop("repairs")
    tab.to_csv(args.out / "stations.csv", index=False, float_format="%.6g", encoding="utf-8")
    stats = pd.concat(frames, ignore_index=True)[["id", "month", *STAT_COLUMNS]]
    stats.to_csv(args.out / "station_monthly_stats.csv", index=False, float_format="%.5g")
    doc = {
        "what": "Monthly statistics per station for the weather generator (columns documented "
                "in weather.stats.monthly_stats) and the station list",
        "datasets": {
            "TMYx": "Climate.OneBuilding.org TMYx typical years, https://climate.onebuilding.org "
                    "(temperature, humidity, wind: NOAA NCEI Integrated Surface Database; solar "
                    "radiation: Copernicus ERA5). Attribution: 'Climate.OneBuilding.org TMYx; "
                    "NOAA NCEI ISD; contains modified Copernicus Climate Change Service "
                    "information (ERA5)'",
            "CSWD": "China Standard Weather Data for Analyzing Building Thermal Conditions "
                    "(China Meteorological Administration Climate Information Center, Climate "
                    "Data Office; Tsinghua University, Department of Building Science and "
                    "Technology), China Building Industry Press 2005, ISBN 7-112-07273-3; EPW "
                    "files of the EnergyPlus weather-data site, https://energyplus.net/weather. "
                    "Attribution: 'derived from CSWD (CMA Climate Data Office and Tsinghua "
                    "University, 2005)'",
            "SWERA": "Solar and Wind Energy Resource Assessment (UNEP), typical months "
                     "1973-2002 developed by NREL; EPW files of the EnergyPlus weather-data "
                     "site, https://energyplus.net/weather. Attribution: 'derived from SWERA "
                     "typical-year data, UNEP/NREL'",
        },
        "names": "Chinese station names matched by WMO number to China Meteorological "
                 "Administration station lists (name_zh_source 'CMA station list'); the "
                 "others written by the project from the pinyin ('project')",
        "method": "weather.read_weather_file (EPW hour-ending -> start-of-hour, Asia/Shanghai); "
                  "TMYx/SWERA: whole-hour radiation shift by closure/night tests over -2..+2 h, "
                  "DNI recomputed where closure is off by > 5 %; CSWD: fractional shift so the "
                  "GHI-weighted solar-time centroid matches clear-sky GHI (applied above "
                  f"{CSWD_SHIFT_MIN_H} h), then DNI recomputed where closure is off by > 5 %; "
                  "months without any beam (DNI zero, all GHI as DHI) split again from GHI "
                  "by the Erbs correlation (weather.io.split_missing_beam); "
                  "then weather.stats.monthly_stats, weather.stats.degree_days (daily means), "
                  "weather.validation.pv_specific_yield",
        "script": "scripts/derive_weather_stats.py",
        "files": {sid: {"file": f, "sha256_uncompressed": h, "repairs": rep}
                  for sid, f, h, rep in zip(tab["id"], tab["file"], tab["sha256"], repairs)},
    }
    (args.out / "station_stats.provenance.json").write_text(
        json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(tab)} stations written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
