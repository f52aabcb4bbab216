"""Derive the bundled per-city monthly climate statistics from the 34 TMYx EPW files.

Reads every ``*.epw.gz`` in ``<shared>/data/weather`` (after the radiation
time-shift repair of :func:`weather.read_weather_file`), computes
:func:`weather.stats.monthly_stats` and writes

* ``weather/data/city_monthly_stats.csv`` (one row per city and month),
* ``weather/data/city_monthly_stats.provenance.json`` (file names, sha256, repairs, method).

The EPW files themselves are not copied.

Usage: ``python scripts/derive_weather_stats.py [--shared ../shared]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from weather import CITIES, read_weather_file  # noqa: E402
from weather.stats import STAT_COLUMNS, monthly_stats  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    args = ap.parse_args(argv)
    wdir = args.shared / "data" / "weather"
    frames, prov = [], {}
    for name, info in CITIES.items():
        path = wdir / f"{info.stem}.epw.gz"
        df, meta = read_weather_file(path, year=2025)
        st = monthly_stats(df, meta.latitude, meta.longitude)
        st.insert(0, "city", name)
        frames.append(st.reset_index())
        prov[name] = {"file": path.name.removesuffix(".gz"),
                      "sha256_uncompressed": meta.provenance["sha256"],
                      "latitude": meta.latitude, "longitude": meta.longitude,
                      "elevation": meta.elevation, "repairs": meta.notes}
        print(f"{name:18s} {st['ghi_kwh_day'].mean() * 365:7.1f} kWh/m2/a  {meta.notes[-1]}")
    tab = pd.concat(frames, ignore_index=True)[["city", "month", *STAT_COLUMNS]]
    args.out.mkdir(parents=True, exist_ok=True)
    tab.to_csv(args.out / "city_monthly_stats.csv", index=False, float_format="%.5g")
    doc = {
        "what": "Monthly statistics per reference city for the weather generator; columns "
                "documented in weather.stats.monthly_stats",
        "source": "Climate.OneBuilding.org TMYx typical years (temperature, humidity, wind: "
                  "NOAA NCEI ISD; solar radiation: Copernicus ERA5). Attribution: "
                  "'Climate.OneBuilding.org TMYx; NOAA NCEI ISD; contains modified Copernicus "
                  "Climate Change Service information (ERA5)'",
        "method": "weather.read_weather_file (EPW hour-ending -> start-of-hour, Asia/Shanghai, "
                  "radiation shift detected per file by closure/night tests over -2..+2 h, DNI "
                  "recomputed where GHI/DNI/DHI do not close within 5 %), then "
                  "weather.stats.monthly_stats (clear-sky index against Haurwitz clear-sky GHI "
                  "with the sun at mid-hour)",
        "script": "scripts/derive_weather_stats.py",
        "files": prov,
    }
    (args.out / "city_monthly_stats.provenance.json").write_text(
        json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
