"""Report size and speed: render time in Python, page size, load-and-draw time in headless Chromium.

Usage::

    python benchmarks/bench_report.py RUN_DIR [RUN_DIR ...]

Each RUN_DIR is a finished ``twin run`` output folder (``results.nc`` and ``summary.json``);
the report is rendered in both languages from it. Goals (issue 13): under 3 MB for a
full-year example; loads and draws in under 3 s in headless Chromium on this machine. The
browser figure is the time from navigation to every chart drawn (``data-plots-ready``), the
median of three loads after one warm-up.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main(dirs: list[str]) -> None:
    import xarray as xr

    from browser import CHROMIUM_ARGS, chromium_executable
    from playwright.sync_api import sync_playwright
    from twin.report import render_report

    print("| run | lang | render s | size MB | charts | browser load+draw s (median of 3) |")
    print("|---|---|---|---|---|---|")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        for d in map(Path, dirs):
            summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
            with xr.open_dataset(d / "results.nc") as ds:
                ds = ds.load()
            for lang in ("zh", "en"):
                t0 = time.perf_counter()
                page_html = render_report(ds, summary, lang=lang)
                render_s = time.perf_counter() - t0
                path = Path(tempfile.mkdtemp()) / f"report_{lang}.html"
                path.write_text(page_html, encoding="utf-8")
                times = []
                for i in range(4):
                    page = browser.new_page(viewport={"width": 1400, "height": 900})
                    t0 = time.perf_counter()
                    page.goto(path.as_uri(), wait_until="load")
                    page.wait_for_selector("body[data-plots-ready='1']", timeout=60_000)
                    if i:
                        times.append(time.perf_counter() - t0)
                    charts = page.locator(".plotly-graph-div").count()
                    page.close()
                size = path.stat().st_size / 1e6
                print(f"| {d.name} | {lang} | {render_s:.2f} | {size:.2f} | {charts} | {statistics.median(times):.2f} |")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "out" / "example")])
