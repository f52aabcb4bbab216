"""Open a report in headless Chromium (Debian's package) through Playwright and check it.

No browser is downloaded: Playwright drives the system executable. A check fails on a
page error, a console error, any request that leaves the file (the report must work
offline), or a plotly chart that was not drawn. The first screen (1400 × 900) is saved as
a PNG beside the report, as the test's artefact.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Flags that keep headless Chromium from reaching out (this machine has no network).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_executable() -> str:
    """Path of the system Chromium, or skip the test with the reason."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("Chromium not installed (Debian: apt-get install chromium; scripts/test.sh does it as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright not installed (pip install -e '.[test]')")
    return exe


@dataclass
class PageCheck:
    """What the browser saw."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: int = 0
    charts_drawn: int = 0
    load_s: float = 0.0
    height_px: int = 0
    print_widths_px: list[float] = field(default_factory=list)


def check_report(path: Path, screenshot: Path | None = None, pdf: Path | None = None) -> PageCheck:
    """Load ``path`` offline, wait for every chart, and (optionally) save a screenshot and an A4 PDF."""
    from playwright.sync_api import sync_playwright

    out = PageCheck()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda e: out.errors.append(f"pageerror: {e}"))
            page.on("console", lambda m: out.errors.append(f"console: {m.text}") if m.type == "error" else None)

            def route(r):
                if r.request.url.startswith(("file:", "data:", "blob:")):
                    r.continue_()
                else:
                    out.requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            t0 = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_selector("body[data-plots-ready='1']", timeout=30_000)
            out.load_s = time.perf_counter() - t0
            out.charts = page.locator(".plotly-graph-div").count()
            out.charts_drawn = page.evaluate(
                "Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".filter(d => d._fullLayout && d.querySelector('.main-svg')).length")
            out.height_px = page.evaluate("document.body.scrollHeight")
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
            page.emulate_media(media="print")
            page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
            page.wait_for_timeout(1500)
            out.print_widths_px = page.evaluate(
                "Array.from(document.querySelectorAll('.plotly-graph-div .main-svg:first-of-type'))"
                ".map(s => s.getBoundingClientRect().width)")
            if pdf is not None:
                page.pdf(path=str(pdf), format="A4", margin={"top": "12mm", "bottom": "12mm",
                                                              "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return out
