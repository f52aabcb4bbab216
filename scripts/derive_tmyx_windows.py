"""Derive how much warmer Climate.OneBuilding.org's recent-window TMYx files are than the
whole-record TMYx files of the same stations.

Climate.OneBuilding.org publishes for each station a TMYx file whose typical months come from
the station's whole record (``..._TMYx.epw``, e.g. 1956-2025) and TMYx files of recent 15-year
windows (``..._TMYx.2004-2018.epw``, ``2007-2021``, ``2009-2023``, ``2011-2025``). The tool's
stations are on the whole-record level (``site.temperature_period: tmyx``); a planner or a
checker with a window file needs the difference. The files are downloaded by hand, never at
run time, into one folder; this script pairs every window file with the whole-record file of
the same WMO number (the period of record each file's header states,
:func:`weather.io.record_period`) and writes, per window and station, the twelve monthly
differences of the mean temperature (window less whole record) with the sha256 of both files::

    python scripts/derive_tmyx_windows.py FOLDER --source "where the files were taken from"

Writes ``weather/data/tmyx_windows.json``. Only the differences (facts about the files) are
bundled; the files are not. :func:`weather.interp.tmyx_window_offsets` turns them into the
offset of ``site.temperature_period: tmyx-2009-2023``.

Usage: ``python scripts/derive_tmyx_windows.py FOLDER [--source TEXT] [--out weather/data]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WHOLE_RECORD_MIN_YEARS = 21
"""A period of record of at least this many years is a station's whole record; shorter ones
(the 15-year windows) are windows [years]."""

ATTRIBUTION = ("Climate.OneBuilding.org TMYx typical years (Lawrie & Crawley); NOAA NCEI ISD; "
               "contains modified Copernicus Climate Change Service information (ERA5)")


def _years(period: str) -> int:
    a, b = (int(x) for x in period.split("-"))
    return b - a + 1


def derive(folder: Path, source: str) -> dict:
    """Pair window and whole-record TMYx files by WMO number; monthly temperature differences."""
    from weather import WeatherError
    from weather.io import read_weather_file
    from weather.validation import file_dataset, weather_files

    files = []
    for path in weather_files([folder]):
        try:
            df, meta = read_weather_file(path)
        except WeatherError as exc:
            print(f"skipped {path.name}: {exc}")
            continue
        prov = meta.provenance
        period = prov.get("record_period", "")
        if not period or file_dataset(prov.get("data_source", "")) != "TMYx" and "_TMYx" not in path.name:
            print(f"skipped {path.name}: not a TMYx file stating its period of record")
            continue
        t = df["temp_air"]
        files.append({"file": path.name, "sha256": prov["sha256"], "wmo": prov.get("wmo", "")[:5],
                      "station": prov.get("station", ""), "record_period": period,
                      "data_source": prov.get("data_source", ""),
                      "annual_ghi_kwh_m2": round(float(df["ghi"].sum()) / 1000, 1),
                      "monthly_t_mean": [round(float(v), 3) for v in t.groupby(t.index.month).mean()]})
    whole = {f["wmo"]: f for f in files if _years(f["record_period"]) >= WHOLE_RECORD_MIN_YEARS}
    windows: dict[str, list] = {}
    for f in files:
        base = whole.get(f["wmo"])
        if _years(f["record_period"]) >= WHOLE_RECORD_MIN_YEARS or base is None:
            continue
        diff = [round(a - b, 3) for a, b in zip(f["monthly_t_mean"], base["monthly_t_mean"])]
        windows.setdefault(f["record_period"], []).append(
            {"wmo": f["wmo"], "station": f["station"], "file": f["file"], "sha256": f["sha256"],
             "whole_record_file": base["file"], "whole_record_sha256": base["sha256"],
             "whole_record_period": base["record_period"], "monthly_difference_k": diff,
             "annual_difference_k": round(sum(diff) / 12, 3),
             "data_source": f["data_source"], "whole_record_data_source": base["data_source"],
             "annual_ghi_ratio": round(f["annual_ghi_kwh_m2"] / base["annual_ghi_kwh_m2"], 4)})
    return {"what": ("monthly mean temperature of a recent-window TMYx file less that of the "
                     "whole-record TMYx file of the same station (same WMO number) [K]; the ratio "
                     "of their annual GHI [-]; each file's LOCATION data-source field"),
            "attribution": ATTRIBUTION, "files_from": source,
            "windows": {k: sorted(v, key=lambda r: r["wmo"]) for k, v in sorted(windows.items())}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--source", default="", help="where the files were taken from (recorded)")
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    a = ap.parse_args(argv)
    out = derive(a.folder, a.source)
    text = json.dumps(out, ensure_ascii=False, indent=1) + "\n"
    target = a.out / "tmyx_windows.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    n = {k: len(v) for k, v in out["windows"].items()}
    print(f"wrote {target} (sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}): "
          f"stations per window {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
