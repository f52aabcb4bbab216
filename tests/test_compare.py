"""`twin compare FILE VARIANT ...`: variants run, tables against the base, exports read back."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from twin.cli import main
from twin.fmt import fmt_number, fmt_share

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"

VARIANTS = """
variants:
  no_storage:
    label: Without battery
    label_zh: 无储能
    description: No battery candidate.
    overrides: {battery: null}
  dear_pv:
    label: PV at 4,000 CNY/kWp
    label_zh: 光伏 4000 元/kWp
    overrides: {costs.pv.capex_cny_per_unit: 4000}
"""


def _text(cell_html: str) -> str:
    """What a reader sees of a cell: tags dropped, entities resolved."""
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html))


def _row_cells(page: str, label: str) -> list[str]:
    """The visible cells of the comparison page's row named ``label`` (unit first)."""
    for row in re.findall(r"<tr><th>(.*?)</tr>", page):
        head, _, rest = row.partition("</th>")
        if _text(head) == label:
            return [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rest)]
    raise AssertionError(f"no row {label!r}")


def test_a_runs_figures_read_the_same_in_the_comparison_and_its_report(compared):
    """Audit: the comparison rounded to 3 significant figures without saying so (capex
    '19,100,000' where report.html and summary.json give 19,085,035). Each figure now reads
    as the run's own report shows it, in the page and in the console table."""
    from twin.fmt import fmt_percent, fmt_value

    out, console = compared
    page = (out / "comparison.html").read_text(encoding="utf-8")
    for name, col in (("base", 1), ("no_storage", 2)):
        s = json.loads((out / "runs" / name / "summary.json").read_text(encoding="utf-8"))
        report = re.sub(r"<script.*?</script>", "", (out / "runs" / name / "report.html").read_text(encoding="utf-8"),
                        flags=re.S)
        for label, value in (("Investment in new assets (overnight)", s["capex_cny"]),
                             ("Annualised cost of the plan", s["annualised_cost_cny"]),
                             ("Annualised cost of keeping today's park", s["baseline_cost_cny"]),
                             ("Emissions of today's park", s["emissions_tco2"]["baseline"]),
                             ("PV share of electricity used", s["pv_share_of_electricity"])):
            shown = (fmt_percent if "share" in label else fmt_value)(value)
            assert _row_cells(page, label)[col] == shown, label
            assert f"<td>{shown}</td>" in report, (label, shown)  # the run's report shows the same
            assert f"  {shown}" in console
        # every digit, as summary.json has it (three significant figures read otherwise)
        assert f"{s['capex_cny']:,.0f}" == fmt_value(s["capex_cny"]) != fmt_number(s["capex_cny"])


def test_numbers_for_people():
    assert fmt_number(33250612.126454458) == "33,300,000"
    assert fmt_number(1.47e-10) == "0" and fmt_number(-0.0000004) == "0"
    assert fmt_number(0.0123456) == "0.0123" and fmt_number(-1234.5, unit="t") == "−1,230 t"
    assert fmt_number(None) == "–" and fmt_share(0.3795) == "38.0 %"
    assert fmt_number(8760) == "8,760" and fmt_number(25) == "25"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cmp")
    park = tmp / "park.yaml"
    # the weather of seed 0, whose first two days make PV worth building (the checks read its figures)
    park.write_text(f"extends: {TINY}\nsite: {{weather_seed: 0}}\n{VARIANTS}", encoding="utf-8")
    out = tmp / "out"
    r = CliRunner().invoke(main, ["compare", str(park), "-o", str(out), "--hours", "48", "--lang", "en",
                                  "--workers", "2", "--hourly"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out, r.output


def test_compare_runs_every_variant_and_writes_the_exports(compared):
    out, text = compared
    runs = {p.name for p in (out / "runs").iterdir()}
    assert runs == {"base", "no_storage", "dear_pv"}
    for name in runs:  # hourly dispatch beside results.nc, UTF-8 with BOM, read back
        raw = (out / "runs" / name / "dispatch.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        d = pd.read_csv(out / "runs" / name / "dispatch.csv", index_col=0, encoding="utf-8-sig")
        assert len(d) == 48 and "p_grid_import_kw [kW]" in d.columns
    summ = {n: json.loads((out / "runs" / n / "summary.json").read_text(encoding="utf-8")) for n in runs}
    assert summ["no_storage"]["scenario"]["variant"] == "no_storage"
    # the comparison agrees with each run's summary.json
    comp = pd.read_csv(out / "comparison.csv", index_col=0, encoding="utf-8-sig")
    assert (out / "comparison.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(comp.columns[-3:]) == ["base", "Without battery", "PV at 4,000 CNY/kWp"]
    assert float(comp.loc["annualised_cost", "Without battery"]) == pytest.approx(summ["no_storage"]["annualised_cost_cny"])
    assert float(comp.loc["capex", "base"]) == pytest.approx(summ["base"]["capex_cny"])
    assert comp.loc["pv_share", "unit"] == "%"
    # both accounting bases of the 910号 core indicator, from the ledger
    assert float(comp.loc["residual_acceptance", "base"]) == pytest.approx(
        summ["base"]["ledger"]["annual"]["planned"]["co2_acceptance_t"])
    assert {"core", "core_acceptance", "core_location"} <= set(comp.index)
    # `core` is summary.json's core indicator (it had held the location basis while the summary gave the
    # acceptance basis under the same name)
    planned = summ["base"]["ledger"]["annual"]["planned"]
    assert float(comp.loc["core", "base"]) == pytest.approx(planned["carbon_intensity_tco2_per_tce"], rel=1e-3)
    assert float(comp.loc["core_acceptance", "base"]) == pytest.approx(
        planned["carbon_intensity_acceptance_tco2_per_tce"], rel=1e-3)
    assert float(comp.loc["core_location", "base"]) == pytest.approx(
        planned["carbon_intensity_location_tco2_per_tce"], rel=1e-3)
    assert float(comp.loc["pv_share", "base"]) == pytest.approx(100 * summ["base"]["pv_share_of_electricity"])
    # the weather and its radiation basis are part of what is compared (issue 11: every output)
    assert comp.loc["weather", "base"] == "synthetic year from the station's own statistics; radiation basis tmyx"
    # where the park is, the stations its weather comes from and its climate zone, as summary.json records them
    assert summ["base"]["weather"]["site"] == {"city": "Hangzhou", "city_zh": "杭州", "city_en": "Hangzhou",
                                               "province": "Zhejiang", "province_zh": "浙江"}
    assert comp.loc["site", "base"] == "Hangzhou (Zhejiang)"
    st = summ["base"]["weather"]["stations"][0]
    assert comp.loc["stations", "base"].startswith(f"{st['name']} ({st['dataset']}, {st['distance_km']:.0f} km)")
    zone = summ["base"]["weather"]["climate_zone"]
    assert comp.loc["climate_zone", "base"] == f"hot summer and cold winter ({zone['subzone']})"
    assert float(comp.loc["annual_ghi", "base"]) == pytest.approx(summ["base"]["weather"]["annual_ghi_kwh_m2"])
    assert float(comp.loc["annual_temperature", "base"]) == pytest.approx(
        summ["base"]["weather"]["annual_mean_temperature_c"])
    # and the uncertainty the tool states for it: the basis's range of operating PV yields,
    # the annual GHI's (a site between stations also its temperature's)
    lo, hi = summ["base"]["weather"]["radiation_basis_range"]
    assert comp.loc["pv_basis_range", "base"] == f"{100 * lo:+.0f} % ~ {100 * hi:+.0f} %"
    assert float(comp.loc["ghi_uncertainty", "base"]) == pytest.approx(
        100 * summ["base"]["weather"]["expected_uncertainty"])
    assert comp.loc["ghi_uncertainty", "unit"] == "%"
    # a named station's own temperatures state none: the row is left out where no run has one
    assert summ["base"]["weather"]["expected_temperature_uncertainty_k"] is None
    assert "temperature_uncertainty" not in comp.index
    diff = pd.read_csv(out / "differences.csv", index_col=0, encoding="utf-8-sig")
    assert float(diff.loc["annualised_cost", "Without battery"]) == pytest.approx(
        summ["no_storage"]["annualised_cost_cny"] - summ["base"]["annualised_cost_cny"])
    # a dearer PV cannot make the optimum cheaper
    assert summ["dear_pv"]["annualised_cost_cny"] >= summ["base"]["annualised_cost_cny"] - 1e-6
    # terminal table: formatted numbers, full labels
    assert "Net present value of the investment" in text and "e+0" not in text
    # the three variants differ only in costs and storage: one set of weather and profiles for all
    assert "weather and profiles: 1 set(s) shared by 3 variant(s)" in text


def test_terminal_table_counts_chinese_characters_as_two_columns(compared):
    """`twin compare --lang zh` padded Chinese labels by characters, so every row's numbers stood
    at another column, and a long cell ran into its neighbour ('tmyxsynthetic-city')."""
    from twin.compare import _cell, _display_width

    out, _ = compared
    r = CliRunner().invoke(main, ["compare", str(out / "runs" / "base"), str(out / "runs" / "dear_pv"),
                                  "-o", str(out / "zh"), "--lang", "zh"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rows = [ln for ln in r.output.splitlines() if " 元/年 " in ln]
    assert len(rows) >= 3 and any("年" in ln for ln in rows)
    starts = {_display_width(ln[:ln.index(" 元/年 ")]) for ln in rows}
    assert len(starts) == 1, rows  # the unit column at one terminal column in every row
    assert _display_width("典型年 GHI") == 10
    assert _cell("synthetic-city, tmyx, temperature cswd", 22).startswith("  ")
    # units in the page's language, as in the HTML table (before: "CNY/yr", "points" in zh)
    assert "CNY" not in r.output and " points " not in r.output


def test_npv_agrees_with_the_annualised_costs(compared):
    """Same lifetime for every asset of a plan without battery: NPV = AF(r, N) × (baseline − plan cost)."""
    out, _ = compared
    from twin.finance import annuity_factor

    s = json.loads((out / "runs" / "no_storage" / "summary.json").read_text(encoding="utf-8"))
    comp = pd.read_csv(out / "comparison.csv", index_col=0, encoding="utf-8-sig")
    npv = float(comp.loc["npv", "Without battery"])
    n = int(float(comp.loc["horizon", "Without battery"]))
    assert n == 25
    assert npv == pytest.approx(annuity_factor(0.08, n) * (s["baseline_cost_cny"] - s["annualised_cost_cny"]), rel=1e-6)
    flows = pd.read_csv(out / "cash_flows.csv", index_col=0, encoding="utf-8-sig")
    assert float(flows["Without battery"].iloc[0]) == pytest.approx(-s["capex_cny"])


def test_workbook_reads_back(compared):
    out, _ = compared
    book = pd.read_excel(out / "comparison.xlsx", sheet_name=None, engine="calamine")
    assert {"comparison 对比", "differences 差值", "sizes 规模", "cash flows 现金流", "variants 方案",
            "hourly base", "hourly no_storage", "hourly dear_pv"} <= set(book)
    comp = book["comparison 对比"].set_index("Metric")
    assert "单位 unit" in comp.columns and "无储能\nWithout battery" in comp.columns
    s = json.loads((out / "runs" / "no_storage" / "summary.json").read_text(encoding="utf-8"))
    assert float(comp.loc["Annualised cost of the plan", "无储能\nWithout battery"]) == pytest.approx(
        s["annualised_cost_cny"])
    hourly = book["hourly base"]
    assert len(hourly) == 48 and "p_grid_import_kw [kW]" in hourly.columns


def test_html_page_in_both_languages(compared):
    out, _ = compared
    from twin.compare import ComparedRun, read_summary
    from twin.report_compare import render_comparison

    page = (out / "comparison.html").read_text(encoding="utf-8")
    assert "Differences to the base variant" in page and "<script src=" not in page
    assert "33250612" not in page and "e-1" not in page.split("<script")[0]
    runs = [ComparedRun(n, read_summary(out / "runs" / n), label_zh=z) for n, z in
            (("base", "基准"), ("no_storage", "无储能"))]
    zh = render_comparison(runs, lang="zh")
    assert "投资方案对比" in zh and _row_cells(zh, "投资净现值 (NPV)") and "无储能" in zh
    # units and asset sizes in the page's language too
    body = re.sub(r"<script.*?</script>", "", zh, flags=re.S)
    assert "元/年" in body and "CNY/yr" not in body and "pv_kwp[" not in body and "光伏 — roof" in body


def test_compare_resumes_finished_runs_and_rejects_unknown_variants(compared, tmp_path):
    """A comparison run again reuses its finished runs (linked into the new folder, not run
    again) and then holds only the variants asked for: the audit found runs/no_storage of
    the earlier comparison left beside the new ones. Files of the user's stay."""
    import shutil

    src, _ = compared
    out = tmp_path / "cmp"
    shutil.copytree(src, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    park = src.parent / "park.yaml"
    before = (out / "runs" / "base" / "summary.json").stat().st_mtime_ns
    r = CliRunner().invoke(main, ["compare", str(park), "base", "dear_pv", "-o", str(out), "--hours", "48",
                                  "--lang", "en", "--workers", "1"], catch_exceptions=False)
    assert r.exit_code == 0 and r.output.count("finished run reused") == 2
    assert (out / "runs" / "base" / "summary.json").stat().st_mtime_ns == before
    assert {p.name for p in (out / "runs").iterdir()} == {"base", "dear_pv"}
    comp = pd.read_csv(out / "comparison.csv", index_col=0, encoding="utf-8-sig")
    assert "Without battery" not in comp.columns and (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
    r = CliRunner().invoke(main, ["compare", str(park), "nope", "-o", str(tmp_path / "x")])
    assert r.exit_code == 1 and "unknown variant 'nope'" in r.output and "Traceback" not in r.output


def _folder_state(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("failure", ["full disk", "interrupt"])
def test_a_failed_comparison_leaves_the_previous_one_whole(compared, tmp_path, monkeypatch, failure):
    """Audit: on a full disk the CSV tables held the new runs while comparison.html showed the
    old; Ctrl-C printed click's 'Aborted!' with exit code 1. Now the folder keeps the earlier
    comparison file for file, with `twin run`'s messages and exit codes."""
    import errno

    import twin.export

    out, _ = compared
    runs = [str(out / "runs" / n) for n in ("base", "dear_pv", "no_storage")]
    target = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", *runs[:2], "-o", str(target), "--lang", "en"])
    assert r.exit_code == 0, r.output
    before = _folder_state(target)

    def fail(*a, **k):
        if failure == "interrupt":
            raise KeyboardInterrupt
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(twin.export, "write_comparison_xlsx", fail)  # after the CSV tables are written
    r = CliRunner().invoke(main, ["compare", *runs, "-o", str(target), "--lang", "en"])
    if failure == "interrupt":
        assert r.exit_code == 130 and f"twin compare: interrupted; {target} keeps its previous outputs" in r.output
    else:
        assert r.exit_code == 1 and f"twin compare: cannot write {target}: no space left on the device" in r.output
    assert "Traceback" not in r.output and "Aborted" not in r.output
    assert _folder_state(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["cmp"]  # no staging folder left


def test_output_folder_and_flags_are_checked_before_any_run(compared, tmp_path):
    """Audit: `-o FILE` gave a traceback after running the variant, and finished-runs mode ignored
    --hours and --objective. Each is now one line, before anything is solved or written."""
    out, _ = compared
    park = out.parent / "park.yaml"
    a_file = tmp_path / "afile"
    a_file.write_text("x", encoding="utf-8")
    cases = [
        (["compare", str(park), "no_storage", "--hours", "24", "-o", str(a_file)],
         f"twin compare: cannot write outputs to {a_file}: it is a file; expected a folder"),
        (["compare", str(park), "no_storage", "--hours", "24", "-o", str(a_file / "sub")],
         f"twin compare: cannot write outputs to {a_file / 'sub'}: {a_file} is a file, not a folder"),
        (["compare", str(out / "runs" / "base"), str(out / "runs" / "dear_pv"), "-o", str(a_file)],
         f"twin compare: cannot write outputs to {a_file}: it is a file; expected a folder"),
        (["compare", str(out / "runs" / "base"), str(out / "runs" / "dear_pv"), "--hours", "24", "--objective",
          "min_cost", "-o", str(tmp_path / "c")],
         "twin compare: --hours, --objective only apply when running the variants of a scenario file"),
        (["compare", str(out / "runs" / "base"), str(out / "runs" / "dear_pv"), "-o", str(out / "runs")],
         f"twin compare: cannot write outputs to {out / 'runs'}: it holds the run {out / 'runs' / 'base'} being "
         "compared"),
    ]
    for args, message in cases:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1 and message in r.output, r.output
        assert "Traceback" not in r.output and "comparing" not in r.output  # nothing ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
    r = CliRunner().invoke(main, ["compare", str(park), "no_storage", "--hours", "24", "-o", "."])
    assert r.exit_code == 1 and "it is the working folder or contains it" in r.output


def test_chart_has_every_variant_the_non_dominated_line_and_a_pareto_front():
    from twin.compare import ComparedRun, pareto_front
    from twin.report_compare import cost_emissions_figure

    assert pareto_front([(10, 5), (5, 10), (8, 8), (9, 9)]) == [1, 2, 0]

    def summ(res, cost, pareto=None):
        s = {"emissions_tco2": {"residual": res}, "annualised_cost_cny": cost}
        if pareto:
            s["pareto"] = pareto
        return s

    front = [{"residual_tco2": 0.0, "cost_cny": 12.0}, {"residual_tco2": 5.0, "cost_cny": 9.0}]
    runs = [ComparedRun("a", summ(10, 5)), ComparedRun("b", summ(5, 10), label_en="B"),
            ComparedRun("c", summ(9, 9)), ComparedRun("p", summ(5, 9, front))]
    fig = cost_emissions_figure(runs, "en")
    names = [t.name for t in fig.data]
    assert "Pareto front of p" in names and "not dominated among the variants" in names
    pts = next(t for t in fig.data if t.name == "variants")
    assert list(pts.text) == ["a", "B", "c", "p"]


def test_dispatch_parquet_reads_back(compared):
    pytest.importorskip("pyarrow")  # optional extra `parquet`
    out, _ = compared
    d = pd.read_parquet(out / "runs" / "base" / "dispatch.parquet")
    assert len(d) == 48 and "p_grid_import_kw [kW]" in d.columns


def test_targets_and_their_marginal_costs_are_compared(compared, tmp_path):
    """A run with a residual-emissions cap beside one without: the limit and its dual in the table."""
    from twin.compare import ComparedRun, comparison_tables, read_summary

    out, _ = compared
    base = read_summary(out / "runs" / "base")
    cap = 0.99 * base["emissions_tco2"]["residual"]  # within reach (PV at its roof limit gives ~2 % less)
    r = CliRunner().invoke(main, ["run", str(TINY), "--hours", "48", "--objective", "min_cost", "--lang", "en",
                                  "--set", f"targets.residual_emissions_max_t={cap}", "--set", "site.weather_seed=0", "-o", str(tmp_path / "capped"),
                                  "--quiet"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    capped = read_summary(tmp_path / "capped")
    t = {x["name"]: x for x in capped["targets"]}["residual"]
    assert t["binding"] and t["marginal_cost_cny_per_unit"] > 0
    comp = comparison_tables([ComparedRun("base", base), ComparedRun("capped", capped)], "base")["comparison"]
    assert comp.loc["target_residual", "capped"] == pytest.approx(cap)
    assert comp.loc["target_residual_mc", "capped"] == pytest.approx(t["marginal_cost_cny_per_unit"])
    assert comp.loc["target_residual", "base"] is None and comp.loc["target_residual_mc", "section"] == "targets"
    assert "target_core" not in comp.index  # no run states it: no empty row


def test_a_run_of_another_tool_version_is_not_reused(tmp_path):
    """`twin compare` reuses a variant's finished run only if the same version of the tool made
    it (as sweeps do), besides the same scenario hash, horizon and objective."""
    import json

    import twin
    from twin.compare import finished

    (tmp_path / "dispatch.csv").write_text("x\n", encoding="utf-8")
    s = {"scenario": {"sha256": "abc"}, "hours": 168, "solver": {"objective": "min_cost"},
         "versions": {"park_twin": twin.__version__}}
    (tmp_path / "summary.json").write_text(json.dumps(s), encoding="utf-8")
    assert finished(tmp_path, "abc", 168, "min_cost")
    s["versions"]["park_twin"] = "0.0.1"
    (tmp_path / "summary.json").write_text(json.dumps(s), encoding="utf-8")
    assert not finished(tmp_path, "abc", 168, "min_cost")


def _at(summary: dict, **weather) -> dict:
    s = json.loads(json.dumps(summary))
    s["weather"].update(weather)
    return s


def test_site_weather_source_stations_and_climate_zone_in_both_languages(compared):
    """Audit: a run at 成都 and one at 西安 read only 'synthetic-city, tmyx' / 'synthetic-site,
    cswd' — no place, no stations, no climate zone, and the raw key in the Chinese table. The
    rows now say them in the page's language, from what each summary.json records."""
    import sys

    from twin.compare import ComparedRun, comparison_tables, read_summary
    from twin.report_compare import render_comparison

    sys.path.insert(0, str(ROOT / "tests"))
    from report_text_check import wrong_language

    out, _ = compared
    base = read_summary(out / "runs" / "base")
    chengdu = _at(base, source="synthetic-city", site={"city": "成都", "province": "Sichuan", "province_zh": "四川"},
                  stations=[{"id": "TMYx-56294", "name": "Chengdu", "name_zh": "成都", "dataset": "TMYx",
                             "distance_km": 0.0, "role": "own statistics"}],
                  climate_zone={"key": "hscw", "subzone": "夏热冬冷A"}, climate_zone_given=None)
    xian = _at(base, source="synthetic-site", radiation_basis="cswd",
               site={"city": "西安", "province": "Shaanxi", "province_zh": "陕西"},
               stations=[{"name": n, "name_zh": z, "dataset": d, "distance_km": km, "role": "temperature"}
                         for n, z, d, km in (("Baoji", "宝鸡", "SWERA", 166.2), ("Ankang", "安康", "CSWD", 173.4),
                                             ("Ankang", "安康", "SWERA", 173.4), ("Luochuan", "洛川", "CSWD", 180.0),
                                             ("Lushi", "卢氏", "CSWD", 194.0))],
               climate_zone={"key": "cold", "subzone": "寒冷B"}, climate_zone_given="寒冷A")
    older = _at(base, latitude=30.5, longitude=104.1)  # a summary written before weather.site
    del older["weather"]["site"]
    epw = _at(base, source="file", file="qingdao.epw", radiation_basis="file", stations=[], climate_zone={})
    runs = [ComparedRun("cd", chengdu), ComparedRun("xa", xian), ComparedRun("old", older), ComparedRun("file", epw)]
    zh = comparison_tables(runs, lang="zh")["comparison"]
    en = comparison_tables(runs, lang="en")["comparison"]
    assert list(zh.loc["site", ["cd", "xa", "old"]]) == ["成都（四川）", "西安（陕西）", "北纬 30.50°，东经 104.10°"]
    assert list(en.loc["site", ["cd", "xa", "old"]]) == ["Chengdu (Sichuan)", "西安 (Shaanxi)", "30.50° N, 104.10° E"]
    assert zh.loc["weather", "cd"] == "气象站合成典型年（该站自身统计）；辐射基准 tmyx"
    assert en.loc["weather", "xa"] == "synthetic year interpolated between stations; radiation basis cswd"
    assert en.loc["weather", "file"] == "weather file qingdao.epw"
    assert zh.loc["stations", "xa"] == "宝鸡（SWERA，166 km）、安康（CSWD，173 km）、安康（SWERA，173 km）、洛川（CSWD，180 km）"
    assert en.loc["stations", "cd"] == "Chengdu (TMYx, 0 km)" and en.loc["stations", "file"] is None
    assert zh.loc["climate_zone", "cd"] == "夏热冬冷A"
    assert zh.loc["climate_zone", "xa"] == "寒冷B；建筑预设按情景给定的气候区 寒冷A"
    assert en.loc["climate_zone", "xa"] == "cold (寒冷B); buildings' presets in the zone the scenario gives, 寒冷A"
    from twin.report_text import text

    assert zh.loc["objective", "cd"] == text(f"objective_{base['solver']['objective']}", "zh")  # as the report says it
    # the Chinese page: every cell of the run rows in Chinese, no raw keys
    page = render_comparison(runs, lang="zh")
    table = page[page.index("<table>"):page.index("</table>")]
    assert "synthetic-" not in table and "net_zero" not in table
    inline = re.sub(r"</?span[^>]*>", "", table)  # the no-wrap spans split no text for a reader
    assert not wrong_language(inline, "zh", {"qingdao.epw", "Hangzhou", *(r.name for r in runs)})
    for label in ("场址（城市或坐标，省份）", "所用气象站（数据集，与场址距离）",
                  "气候区（GB 50176-2016，场址气象的二级区；情景为建筑给定的气候区另注）"):
        assert _row_cells(page, label)


def test_wrapped_labels_never_leave_a_closing_bracket_alone():
    """Audit: Chinese labels wrapped mid-bracket, a lone '）' on its own line. In the console
    the wrap keeps a closing mark with the character before it; on the page each such pair
    (and a number with its unit) sits in a span that does not wrap."""
    from twin.compare import METRICS, _display_width, wrap_label
    from twin.report_compare import keep_together

    for m in METRICS:
        for label in (m.zh, m.en):
            for width in (20, 31, 44):
                lines = wrap_label(label, width)
                assert "".join(lines).replace(" ", "") == label.replace(" ", "")
                assert not [ln for ln in lines if ln[:1] in "）),，、；：" or ln[-1:] in "（("], (label, lines)
                assert all(_display_width(ln) <= width for ln in lines if " " in ln or len(ln) > 1), lines
    assert wrap_label("气象来源与辐射基准（气温非近期气候时注明时期）", 44) == \
        ["气象来源与辐射基准（气温非近期气候时注明时", "期）"]
    assert keep_together("注明时期）") == "注明时<span class='nb'>期）</span>"
    assert keep_together("（GB 50176-2016，") == "<span class='nb'>（G</span>B <span class='nb'>50176-2016，</span>"
    assert keep_together("today&#x27;s park (x)") == "today&#x27;s park <span class='nb'>(x)</span>"
    assert keep_together("安康（CSWD，173 km）") == \
        "安康<span class='nb'>（C</span>SW<span class='nb'>D，</span>173&nbsp;k<span class='nb'>m）</span>"


def test_share_differences_are_percentage_points_in_the_pages_language(compared):
    """The Chinese comparison page wrote share differences as '+94.4 pp', unit 'pp'; it writes
    '+94.4 个百分点' now (the English page keeps 'pp')."""
    from twin.compare import ComparedRun, read_summary
    from twin.report_compare import render_comparison

    out, _ = compared
    base = read_summary(out / "runs" / "base")
    more = json.loads(json.dumps(base))
    more["pv_share_of_electricity"] = (base.get("pv_share_of_electricity") or 0.0) + 0.944
    runs = [ComparedRun("base", base, label_zh="基准"), ComparedRun("more", more, label_zh="更多光伏")]
    for lang, unit in (("zh", "个百分点"), ("en", "pp")):
        page = render_comparison(runs, lang=lang)
        diff = re.sub(r"<script.*?</script>", "", page, flags=re.DOTALL).split("<h2>", 2)[1]
        row = next(r for r in re.findall(r"<tr><th>(.*?)</tr>", diff)
                   if _text(r).startswith("光伏占用电量比例" if lang == "zh" else "PV share of electricity used"))
        cells = [_text(c).replace("\xa0", " ") for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert cells == [unit, f"+94.4 {unit}"], cells
    zh = _text(re.sub(r"<script.*?</script>", "", render_comparison(runs, lang="zh"), flags=re.DOTALL))
    assert not re.search(r"\d\s*pp\b", zh) and ">pp<" not in zh


def test_every_bad_variant_and_run_is_named_at_once_before_anything_runs(tmp_path):
    """`twin compare` stopped at the first bad variant (fix it, run again, meet the next); it
    names every one now, each with file:line, an unknown name too, before anything is solved;
    and every run folder that cannot be compared."""
    park = tmp_path / "park.yaml"
    park.write_text(f"extends: {TINY}\n" + """variants:
  fine:
    overrides: {battery: null}
  bad_pv:
    overrides: {costs.pv.capex_cny_per_unit: -5}
  bad_city:
    overrides: {site.city: 苏洲}
  both:
    combine: [bad_pv, fine]
""", encoding="utf-8")
    out = tmp_path / "out"
    for args in ([], ["fine", "nope", "both", "bad_city"]):
        r = CliRunner().invoke(main, ["compare", str(park), *args, "-o", str(out), "--hours", "24"])
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        assert f"{park}:6: costs.pv.capex_cny_per_unit: Input should be greater than or equal to 0 " \
               "[set by variant 'bad_pv']" in r.output
        assert f"{park}:8: site.city: unknown station '苏洲'" in r.output
        assert r.output.count("[set by variant 'bad_pv']") == 1  # 'both' repeats it: listed once
        assert ("unknown variant 'nope'" in r.output) == bool(args)
        assert f"{2 + bool(args)} problem(s) in the variants to compare (nothing was run)" in r.output
        assert not out.exists() and "comparing" not in r.output
    r = CliRunner().invoke(main, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), str(park / "c"),
                                  "-o", str(out)])
    assert r.exit_code == 1 and "Traceback" not in r.output and "3 of the 3 runs cannot be compared" in r.output
    assert all(f"{tmp_path / n}" in r.output for n in ("a", "b", "park.yaml/c"))


def test_a_comparison_with_a_failed_variant_goes_beside_a_complete_one(compared, tmp_path):
    """Audit: a comparison run again with a variant that fails replaced the complete earlier one
    with the partial one. Now the runs that finished are compared in `<out>-incomplete`, the
    earlier comparison stays file for file, and the failure is said (with -q too), exit code 1."""
    import shutil

    src, _ = compared
    out = tmp_path / "cmp"
    shutil.copytree(src, out)
    before = _folder_state(out)
    park = tmp_path / "park.yaml"
    park.write_text(f"extends: {TINY}\n{VARIANTS}  stalled:\n    overrides: {{grid.import_limit_kw: 1}}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["compare", str(park), "base", "stalled", "-o", str(out), "--hours", "48",
                                  "--lang", "en", "--workers", "1", "-q"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "1 variant(s) failed: stalled" in r.output
    assert f"{out} keeps its previous comparison" in r.output
    assert _folder_state(out) == before
    beside = tmp_path / "cmp-incomplete"
    comp = pd.read_csv(beside / "comparison.csv", index_col=0, encoding="utf-8-sig")
    assert "base" in comp.columns and {p.name for p in (beside / "runs").iterdir()} == {"base"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_differences_within_the_solvers_tolerance_read_zero():
    """Two runs whose cost differs by 1e-9 of it (solver noise) show a difference of 0, not
    "0.12 CNY"; a real difference stays."""
    from twin.compare import ComparedRun, comparison_tables

    def summ(res, cost):
        return {"emissions_tco2": {"residual": res}, "annualised_cost_cny": cost}

    runs = [ComparedRun("a", summ(1000.0, 123_456_789.0)), ComparedRun("b", summ(1000.0 + 1e-7, 123_456_789.12)),
            ComparedRun("c", summ(990.0, 123_456_889.0))]
    d = comparison_tables(runs, "a")["differences"]
    row = d.loc["annualised_cost"]
    assert row["b"] == 0.0 and d.loc["residual", "b"] == 0.0 and row["c"] == pytest.approx(100.0)


def test_operated_years_and_the_grid_check_are_compared():
    """A run operated hour by hour (`--operate`) and checked on its park grid shows the operated
    costs, the gaps and the verdict beside a run that was not: the figures the report says to quote."""
    from twin.compare import ComparedRun, comparison_tables

    plain = {"annualised_cost_cny": 3_219_459.0, "grid": {"verdict": "not_checked"}}
    operated = {"annualised_cost_cny": 3_219_459.0, "grid": {"verdict": "pass"},
                "operation": {"rule": {"annualised_cost_cny": 3_489_125.0}, "mpc": {"annualised_cost_cny": 3_376_523.0},
                              "gap": {"rule": {"annualised_cost_pct": 8.376}, "mpc": {"annualised_cost_pct": 4.879}}}}
    t = comparison_tables([ComparedRun("plan", plain), ComparedRun("operated", operated)], "plan", lang="zh")
    comp = t["comparison"]
    assert comp.loc["op_rule_cost", "operated"] == 3_489_125.0 and pd.isna(comp.loc["op_rule_cost", "plan"])
    assert comp.loc["op_mpc_gap", "operated"] == pytest.approx(0.04879) and comp.loc["op_mpc_gap", "kind"] == "share"
    assert comp.loc["grid_check", "operated"] == "通过" and pd.isna(comp.loc["grid_check", "plan"])
    assert set(comp.loc[["op_rule_cost", "grid_check"], "section"]) == {"operation"}
    # neither operated nor grid-checked: no such rows
    none = comparison_tables([ComparedRun("a", plain), ComparedRun("b", plain)], "a")["comparison"]
    assert not {"op_rule_cost", "op_mpc_gap", "grid_check"} & set(none.index)


def test_heat_pumps_seasonal_cop_is_compared():
    """The heat pumps' SCOP (summary.json heat_pumps.scop) is a row of the comparison: the report and
    summary showed it, `twin compare` did not; a run without heat pumps shows none, and a comparison
    in which no run has any leaves the row out."""
    from twin.compare import ComparedRun, comparison_tables

    def summ(scop=None):
        s = {"emissions_tco2": {"residual": 1.0}, "annualised_cost_cny": 1.0}
        if scop is not None:
            s["heat_pumps"] = {"scop": scop, "heat_mwh": 2.0 * scop, "electricity_mwh": 2.0}
        return s

    comp = comparison_tables([ComparedRun("a", summ()), ComparedRun("b", summ(2.35))], "a")["comparison"]
    row = comp.loc["heat_pump_scop"]
    assert row["b"] == pytest.approx(2.35) and pd.isna(row["a"]) and row["unit"] == "kWh/kWh"
    assert "heat_pump_scop" not in comparison_tables([ComparedRun("a", summ()), ComparedRun("b", summ())],
                                                     "a")["comparison"].index


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_runs_of_different_horizons_are_said_to_differ_and_years_read_as_years(lang):
    """`twin compare out/harbin out/harbin_grid_op` set a full year beside a 336-h January quick
    look and gave "+10,574,666 CNY/yr" as the difference with no word that the horizons differ;
    and the Chinese page gave payback periods in 'yr' (new-user review). The page says the
    horizons differ, naming each run's hours; payback years read 年 in Chinese."""
    from twin.compare import ComparedRun
    from twin.report_compare import render_comparison

    def summ(hours, cost):
        return {"hours": hours, "emissions_tco2": {"residual": 5132.0}, "annualised_cost_cny": cost}

    page = render_comparison([ComparedRun("harbin", summ(8760, 8_501_219.0)),
                              ComparedRun("harbin_grid_op", summ(336, 19_075_886.0))], lang=lang)
    said = ("各运行的模拟时段不同（harbin 8,760 h; harbin_grid_op 336 h）" if lang == "zh" else
            "The runs model different horizons (harbin 8,760 h; harbin_grid_op 336 h)")
    assert f"<p class='note'><b>{said}" in page
    same = render_comparison([ComparedRun("a", summ(336, 1.0)), ComparedRun("b", summ(336, 2.0))], lang=lang)
    assert "模拟时段不同" not in same and "different horizons" not in same
    from twin.report_text import unit

    assert unit("yr", "zh") == "年" and unit("yr", "en") == "yr" and unit("CNY/yr", "zh") == "元/年"


def test_a_comparison_says_what_each_variant_is_doing(tmp_path, monkeypatch):
    """An Ürümqi office comparison printed 'heat_pumps: running ...' and nothing else for 270 s. Run one
    after the other, each variant's stages are echoed as they start (a long stage's beat at most every
    HEARTBEAT_S / 2); run in processes, a line every HEARTBEAT_S names the variants still running."""
    import twin.compare as C

    park = tmp_path / "park.yaml"
    park.write_text(f"extends: {TINY}\n{VARIANTS}", encoding="utf-8")
    lines: list[str] = []
    st = C.run_variants(park, ["base"], tmp_path / "serial", hours=24, lang="en", workers=1, echo=lines.append)
    assert st[0]["ok"]
    stages = [ln for ln in lines if ln.startswith("  base: ") and ln.endswith(" ...")]
    assert stages[0] == "  base: running ..." and any(ln.startswith("  base: sizing") for ln in stages)
    assert any(ln.startswith("  base: baseline") for ln in stages) and len(stages) >= 5
    # a beat within a stage only after HEARTBEAT_S / 2 since the last line: none in a short run
    p = C.VariantProgress("v", lines.append)
    n = len(lines)
    p.tick(" 10 s: interior point, iteration 3;")
    assert len(lines) == n
    monkeypatch.setattr(C, "HEARTBEAT_S", 0.0)
    p.tick(" 40 s: interior point, iteration 12;")
    assert lines[-1] == "  v: 40 s: interior point, iteration 12"
    # in processes: with a 1 s heartbeat, a line names what still runs
    monkeypatch.setattr(C, "HEARTBEAT_S", 1.0)
    par: list[str] = []
    st = C.run_variants(park, ["base", "dear_pv"], tmp_path / "parallel", hours=24, lang="en", workers=2,
                        echo=par.append)
    assert all(s["ok"] for s in st)
    beats = [ln for ln in par if ": still running " in ln]
    assert beats and re.fullmatch(r"  \d+ s: still running (base|dear_pv)(, (base|dear_pv))?", beats[0])
