"""Reports in a real headless browser: offline, no errors, every chart drawn, printable.

Default tier: the tiny park over one week, in Chinese and English. Slow tier: the three
example parks over the full year, in both languages. Screenshots of the first screen and
A4 PDFs are kept under ``out/test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr
from click.testing import CliRunner

from browser import check_report, chromium_executable
from report_text_check import data_words, wrong_language
from twin.cli import main
from twin.report_page import PRINT_WIDTH_PX

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "out" / "test-artifacts"
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))

#: Largest report a planner should have to mail [bytes] (issue: under 3 MB for a full year).
MAX_REPORT_BYTES = 3 * 1024 * 1024


def _run(scenario: Path, out: Path, *extra: str) -> Path:
    r = CliRunner().invoke(main, ["run", str(scenario), "-o", str(out), "-q", *extra], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def _both_languages(out: Path) -> dict[str, Path]:
    """The run's report in its language plus the other one rendered from the written outputs."""
    from twin.report import render_report

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with xr.open_dataset(out / "results.nc") as ds:
        ds = ds.load()
    paths = {}
    for lang in ("zh", "en"):
        p = out / f"report_{lang}.html"
        p.write_text(render_report(ds, summary, lang=lang), encoding="utf-8")
        paths[lang] = p
    return paths


def _assert_one_language(path: Path, lang: str, out: Path):
    from twin import report_text

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    bad = wrong_language(path.read_text(encoding="utf-8"), lang, data_words(summary))
    assert not bad, f"{path.name}: text in the other language: {bad[:8]}"
    assert not report_text.MISSING, f"catalogue entries missing: {sorted(report_text.MISSING)}"


def _assert_clean(check, name: str):
    assert not check.errors, f"{name}: {check.errors[:5]}"
    assert not check.requests, f"{name}: requests left the file: {check.requests[:5]}"
    assert check.charts > 0, f"{name}: no charts"
    assert check.charts_drawn == check.charts, f"{name}: {check.charts - check.charts_drawn} charts not drawn"
    assert all(w <= PRINT_WIDTH_PX + 1 for w in check.print_widths_px), \
        f"{name}: charts wider than an A4 page when printed: {max(check.print_widths_px):.0f} px"


@pytest.fixture(scope="module")
def tiny_reports(tmp_path_factory):
    chromium_executable()
    # with both controllers of the operational twin and the default park grid, so that their
    # report sections are checked too
    out = _run(TINY, tmp_path_factory.mktemp("tiny") / "o", "--hours", "168", "--operate", "both",
               "--set", "grid.network={}")
    return {**_both_languages(out), "out": out}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tiny_report_in_browser(tiny_reports, lang):
    path = tiny_reports[lang]
    check = check_report(path, screenshot=ARTIFACTS / f"tiny_{lang}_first_screen.png")
    _assert_clean(check, path.name)
    assert path.stat().st_size < MAX_REPORT_BYTES
    _assert_one_language(path, lang, tiny_reports["out"])


def test_a_broken_chart_is_caught(tiny_reports, tmp_path):
    """The check itself fails on a script error and on an undrawn chart (no false passes)."""
    html = tiny_reports["en"].read_text(encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(html.replace("</body>", "<div class='plotly-graph-div'></div>"
                                "<script>undefinedFunction()</script></body>"), encoding="utf-8")
    check = check_report(bad)
    assert any("undefinedFunction" in e for e in check.errors)
    assert check.charts_drawn == check.charts - 1


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_example_reports_in_browser(scenario, tmp_path):
    chromium_executable()
    out = _run(scenario, tmp_path / "o")
    for lang, path in _both_languages(out).items():
        name = f"{scenario.stem}_{lang}"
        check = check_report(path, screenshot=ARTIFACTS / f"{name}_first_screen.png",
                             pdf=ARTIFACTS / f"{name}.pdf")
        _assert_clean(check, name)
        assert path.stat().st_size < MAX_REPORT_BYTES, f"{name}: {path.stat().st_size / 1e6:.1f} MB"
        _assert_one_language(path, lang, out)
