"""The HTML report renders for a small synthetic run in zh and en.

A two-week hourly park (PV, battery, heat bus with waste heat and a gas boiler) is built by
hand; the ledger and scorecard come from the real ``build_ledger`` / ``assess`` with each
step weighted so the horizon stands for a year. Checks: the page is self-contained
(plotly embedded, no ``<script src=``), names the rubric and says it is provisional, and
every chart carries data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twin.assess import Declarations, ParkInfo, assess
from twin.ledger import build_ledger
from twin.report import fmt, render_report

HOURS = 24 * 14


@pytest.fixture(scope="module")
def run():
    t = pd.date_range("2026-01-01", periods=HOURS, freq="h", tz="Asia/Shanghai")
    h = np.arange(HOURS) % 24
    sun = np.clip(np.sin((h - 6) / 12 * np.pi), 0, None)
    pv = 400 * sun
    load = 300 + 100 * ((h >= 8) & (h < 18))
    imp = np.clip(load - pv, 0, None)
    exp = np.clip(pv - load, 0, None)
    heat = 50 + 20 * (h < 8)
    wh = np.full(HOURS, 30.0)
    kw = {"units": "kW"}
    ds = xr.Dataset(
        {
            "weather_temp_air": ("time", 5 + 5 * sun, {"units": "degC", "long_name": "air temperature"}),
            "price_import_cny_per_kwh": ("time", 0.4 + 0.4 * ((h >= 8) & (h < 22)), {"units": "CNY/kWh"}),
            "ef_grid_kgco2_per_kwh": ("time", np.full(HOURS, 0.55), {"units": "kgCO2/kWh"}),
            "pv_ac_per_kwp": (("time", "pv_array"), sun[:, None] * 0.8, {"units": "kW/kWp"}),
            "p_process_kw": (("process_load", "time"), load[None, :].astype(float), kw),
            "q_waste_heat_available_kw": (("time", "waste_heat"), wh[:, None], kw),
            "p_load_kw": ("time", load.astype(float), kw),
            "p_pv_kw": (("pv_array", "time"), pv[None, :], kw),
            "p_grid_import_kw": ("time", imp, kw),
            "p_grid_export_kw": ("time", exp, kw),
            "q_heat_demand_kw": ("time", heat.astype(float), kw),
            "q_waste_heat_direct_kw": (("time", "waste_heat"), np.minimum(wh, heat)[:, None], kw),
            "q_gas_boiler_kw": ("time", heat - np.minimum(wh, heat), kw),
            "fuel_gas_kw": ("time", (heat - np.minimum(wh, heat)) / 0.9, kw),
            "baseline_p_grid_import_kw": ("time", load.astype(float), kw),
        },
        coords={"time": t, "pv_array": ["roof"], "process_load": ["line"], "waste_heat": ["compressors"]},
    )
    plan = ds[[v for v in ds.data_vars if not v.startswith(("baseline_", "weather_", "price_", "pv_ac", "p_process"))]]
    base = xr.Dataset({"p_grid_import_kw": ds["baseline_p_grid_import_kw"], "ef_grid_kgco2_per_kwh": ds["ef_grid_kgco2_per_kwh"],
                       "q_heat_demand_kw": ds["q_heat_demand_kw"], "q_gas_boiler_kw": ds["q_heat_demand_kw"],
                       "fuel_gas_kw": ds["q_heat_demand_kw"] / 0.9})
    weight = 8760.0 / HOURS
    ledger = build_ledger(plan, base, sizes={"pv_kwp": 500.0}, step_weight_h=weight)
    sc = assess(ledger, Declarations(), ParkInfo(park_type="manufacturing"))
    a, b = ledger.planned.annual, ledger.baseline.annual
    mwh = lambda v: float(ds[v].sum()) * weight / 1000
    summary = {
        "park": {"name": "测试园区", "type": "manufacturing", "planning_year": 2026},
        "scenario": {"file": "synthetic.yaml", "sha256": "0" * 64, "overrides": {}},
        "weather": {"source": "synthetic-city", "reference_city": "Suzhou", "notes": ["synthetic"],
                    "annual_ghi_kwh_m2": 1400.0},
        "hours": 8760,
        "sizes": {"pv_kwp": {"roof": 500.0}, "battery_kwh": 0.0},
        "energy_mwh": {"grid_import": mwh("p_grid_import_kw"), "pv_generation": mwh("p_pv_kw"),
                       "grid_export": mwh("p_grid_export_kw"), "fixed_electric_load": mwh("p_load_kw")},
        "baseline_energy_mwh": {"grid_import": mwh("baseline_p_grid_import_kw"), "fixed_electric_load": mwh("p_load_kw")},
        "emissions_tco2": {"baseline": b["co2_gross_t"], "gross": a["co2_gross_t"], "grid": a["co2_grid_import_t"],
                           "fuel": a["co2_fuels_t"], "export_credit": 0.0, "certificates": 0.0,
                           "residual": a["co2_after_internal_t"], "offsets": 0.0, "net": a["co2_net_t"]},
        "costs_cny_per_yr": {"capex_annualised_total": 2.0e5, "energy_import": 6.0e5, "total": 8.0e5,
                             "capex_overnight": 2.0e6},
        "annualised_cost_cny": 8.0e5, "baseline_cost_cny": 1.0e6, "capex_cny": 2.0e6,
        "pv_share_of_electricity": 0.3,
        "solver": {"objective": "min_cost", "status": "optimal", "duals": {}},
        "versions": {"park_twin": "test"},
        "ledger": ledger.to_dict(),
        "scorecard": sc.to_dict(),
    }
    return ds, json.loads(json.dumps(summary)), ledger, sc


def _figures(page: str) -> list[dict]:
    """Data arrays of each plotly figure embedded in the page."""
    return re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', page, flags=re.DOTALL)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_renders_self_contained_with_rubric_statement(run, lang):
    ds, summary, ledger, sc = run
    page = render_report(ds, summary, ledger, sc, lang=lang)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script src=" not in page.replace(" ", "").lower().replace("<scriptsrc", "<script src")
    # plotly.js itself is embedded, gzip-compressed, and unpacks to the installed plotly's own code
    import base64
    import gzip

    from plotly.offline import get_plotlyjs

    packed = re.search(r"id='plotly-js-gz'>([A-Za-z0-9+/=\s]+)</script>", page).group(1)
    assert gzip.decompress(base64.b64decode(packed)).decode("utf-8") == get_plotlyjs()
    assert len(page.encode("utf-8")) < 3 * 1024 * 1024
    assert sc.rubric.rubric_id in page
    if lang == "zh":
        assert "暂定值" in page and "不是标准的官方分值" in page
        assert json.dumps("月度热量平衡")[1:-1] in page  # plotly writes titles \u-escaped
    else:
        assert "PROVISIONAL" in page and "not the official values" in page and "Monthly heat balance" in page
    for item in ("7.2.1", "7.2.2", "12.1"):
        assert item in page
    assert "单位能耗碳排放" in page or "CO2 per unit of energy consumption" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_has_data(run, lang):
    ds, summary, ledger, sc = run
    page = render_report(ds, summary, ledger, sc, lang=lang)
    figs = _figures(page)
    n_divs = page.count("Plotly.newPlot(")
    assert n_divs >= 8 and len(figs) == n_divs
    for data in figs:
        traces = json.loads(data)
        assert traces, "a chart without traces"
        assert any(any(k in tr for k in ("y", "z", "bdata", "link")) for tr in traces)


def test_first_screen_says_what_to_build_and_its_numbers(run):
    """Issue 13: the decision comes first — new assets, cost, emissions, indicator and scores before any section."""
    ds, summary, ledger, sc = run
    page = render_report(ds, summary, ledger, sc, lang="en")
    first = page[page.index("<body>"):page.index("<section id='flows'>")]
    for words in ("What to build (new)", "New investment", "Annualised cost", "Net emissions",
                  "910号 core indicator", "chapter 7 score", "Chapter 12 bonus", "PV — roof"):
        assert words in first, words
    assert first.index("What to build") < first.index("Rubric")  # numbers before the rubric banner


def test_no_cumulative_or_all_zero_heat_maps(run):
    """Heat maps only where they tell something: no cumulative series, nothing all zero."""
    ds, summary, ledger, sc = run
    page = render_report(ds, summary, ledger, sc, lang="en")
    assert "ev_e_cum" not in page and "Cumulative" not in page
    for data in _figures(page):
        for tr in json.loads(data):
            if tr.get("type") == "heatmap":
                z = tr["z"]
                assert not isinstance(z, list) or any(any(v for v in row) for row in z)


def test_sections_are_numbered_in_page_order(run):
    ds, summary, ledger, sc = run
    page = render_report(ds, summary, ledger, sc, lang="en")
    nums = [int(n) for n in re.findall(r"<h2>(\d+)\. ", page)]
    assert nums == list(range(1, len(nums) + 1))
    for i, anchor in enumerate(re.findall(r"<section id='([a-z]+)'><h2>", page), 1):
        assert f"href='#{anchor}'>{i}. " in page  # the table of contents points at the right section


def test_report_rebuilds_from_written_summary(run):
    """Without the objects, the page reads the ledger and scorecard from summary.json."""
    ds, summary, _, sc = run
    page = render_report(ds, summary, lang="en")
    assert sc.rubric.rubric_id in page and "Energy and carbon ledger" in page


def test_short_horizon_states_no_scorecard(run):
    ds, summary, ledger, sc = run
    s = dict(summary, hours=336)
    s.pop("scorecard")
    page = render_report(ds, s, ledger, None, lang="en")
    assert "no scorecard" in page and "PROVISIONAL" not in page
    # "how to read" says what a short run's annual values are, not "sums over 8760 hours"
    assert "sums over those 336 hours scaled to a year by 8760/336 (each hour counts 26.07 times" in page
    assert "sums over the 8760 hours" not in page
    assert "按 8760/336 折算为全年" in render_report(ds, s, ledger, None, lang="zh")
    assert "Annual values are sums over the 8760 hours" in render_report(ds, summary, ledger, sc, lang="en")


def test_number_format():
    """Tables show about three significant figures and no numerical noise."""
    assert fmt(12_677_432.19) == "12,677,432"
    assert fmt(0.64098) == "0.641"
    assert fmt(3.1e-14) == "0"
    assert fmt(None) == "—" and fmt(float("nan")) == "—"
    assert fmt(12) == "12" and fmt(np.int64(8760)) == "8,760" and fmt(12.0) == "12.0"  # a count stays whole


def test_weather_notes_show_station_names_as_data_not_markup(run):
    """A Chinese weather note marks the station list as the user's data; the report must show
    it highlighted, never the marker as text (issue 11 review: '&lt;data&gt;Pagri 帕里…')."""
    ds, summary, ledger, sc = run
    note = ("synthetic typical year for the CSWD station Suzhou (苏州, Jiangsu) from its bundled "
            "monthly statistics, seed 0")
    s = json.loads(json.dumps(summary))
    s["weather"]["notes"] = [note]
    page = render_report(ds, s, ledger, sc, lang="zh")
    assert "&lt;data&gt;" not in page and "<data>" not in page
    assert "<span class='data'>Suzhou</span>" in page


def test_weather_row_names_the_users_file_and_the_mean_temperature(run):
    """With the user's EPW the row read 'file , GHI …; radiation basis file' and '辐射基准 file';
    it now names the file and says the radiation is the file's, and every weather row gives the
    year's mean temperature (review: the temperature used appeared in no output)."""
    ds, summary, ledger, sc = run
    s = json.loads(json.dumps(summary))
    s["weather"].update({"source": "file", "file": "qingdao.epw", "radiation_basis": "file",
                         "stations": [], "reference_city": None, "annual_ghi_kwh_m2": 1592.2,
                         "annual_mean_temperature_c": 12.74})
    en = render_report(ds, s, ledger, sc, lang="en")
    zh = render_report(ds, s, ledger, sc, lang="zh")
    assert "file qingdao.epw, GHI 1,592 kWh/m²/yr, mean 12.7 °C; radiation from the file" in en
    assert "用户气象文件 qingdao.epw" in zh and "年平均气温 12.7 °C" in zh and "辐射取自文件" in zh
    assert "辐射基准 file" not in zh and "file ," not in en


def test_weather_row_states_the_older_temperature_period(run):
    """A run on site.temperature_period: cswd (1971-2003) says so next to the mean temperature, in
    both languages, and `twin compare` tells it apart from a run on the recent climate; the default
    period goes unsaid."""
    from twin.compare import _weather_words

    ds, summary, ledger, sc = run
    s = json.loads(json.dumps(summary))
    s["weather"].update({"temperature_period": "tmyx", "radiation_basis": "tmyx"})
    en = render_report(ds, s, ledger, sc, lang="en")
    assert "1971-2003" not in en and "temperatures" not in _weather_words(s, "en")
    s["weather"].update({"temperature_period": "cswd", "annual_mean_temperature_c": 15.26})
    en = render_report(ds, s, ledger, sc, lang="en")
    zh = render_report(ds, s, ledger, sc, lang="zh")
    assert "mean 15.3 °C (1971-2003 climate)" in en and "年平均气温 15.3 °C（1971–2003 年气候）" in zh
    assert _weather_words(s, "en").endswith("; radiation basis tmyx; temperatures of the 1971-2003 climate")
    assert _weather_words(s, "zh").endswith("；辐射基准 tmyx；气温取 1971–2003 年气候")
    # the 2009-2023 climate of the recent TMYx window likewise
    s["weather"].update({"temperature_period": "tmyx-2009-2023"})
    en = render_report(ds, s, ledger, sc, lang="en")
    zh = render_report(ds, s, ledger, sc, lang="zh")
    assert "mean 15.3 °C (2009-2023 climate)" in en and "年平均气温 15.3 °C（2009–2023 年气候）" in zh
    assert _weather_words(s, "en").endswith("; radiation basis tmyx; temperatures of the 2009-2023 climate")


def test_calendar_and_load_shapes_are_chinese_in_the_chinese_report():
    """The Chinese report printed the calendar source and the built-in load shapes in English."""
    from twin.components.calendar import calendar_notes
    from twin.components.process import SHAPES
    from twin.report_text import phrase

    for year in (2025, 2026, 2040):
        zh = phrase(calendar_notes(year)[0], "zh")
        assert zh.startswith(f"{year} 年中国日历") and "China calendar" not in zh
    for shape in SHAPES.values():
        zh = phrase(shape.description, "zh")
        assert zh != shape.description and "synthetic" not in zh


def _section_rows(page: str, anchor: str) -> list[list[str]]:
    """Cell texts of the table rows in section ``anchor`` of a page."""
    import html as _html

    body = page[page.index(f"<section id='{anchor}'>"):]
    body = body[:body.index("</section>")]
    return [[_html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cost_table_uses_cost_labels_and_its_rows_add_up_to_the_total(run, lang):
    """`fuel` and `offsets` are both cost and emission keys: the cost table said "of which fuel"
    (an emission line) for a cost that adds into the total, and "Offsets (CCER)" for the
    offsets bought. Every cost row has its cost label, and the rows sum to the total row."""
    from twin.report_text import COST_LABELS, EMISSION_LABELS, label

    ds, summary, ledger, sc = run
    s = json.loads(json.dumps(summary))
    items = {"capex_annualised_total": 2.0e5, "energy_import": 6.0e5, "fuel": 1.2e5, "offsets": 3.0e4,
             "v2g_degradation[cars]": 1.5e3, "export_revenue": -4.0e4}
    s["costs_cny_per_yr"] = {**items, "total": sum(items.values()), "capex_overnight": 2.0e6}
    s["annualised_cost_cny"] = s["costs_cny_per_yr"]["total"]
    i = 0 if lang == "zh" else 1
    rows = _section_rows(render_report(ds, s, ledger, sc, lang=lang), "costs")[1:]  # after the header
    assert [r[0] for r in rows] == [label(k, lang, "cost") for k in s["costs_cny_per_yr"]]
    assert rows[2][0] == COST_LABELS["fuel"][i] != EMISSION_LABELS["fuel"][i]
    assert rows[3][0] == COST_LABELS["offsets"][i] != EMISSION_LABELS["offsets"][i]
    assert rows[4][0] == COST_LABELS["v2g_degradation"][i] + " — cars"
    value = {r[0]: float(r[1].replace(",", "")) for r in rows}
    total = value.pop(COST_LABELS["total"][i])
    value.pop(COST_LABELS["capex_overnight"][i])
    assert sum(value.values()) == pytest.approx(total) == s["annualised_cost_cny"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charger_count_is_whole_or_says_why_not(run, lang):
    """The LP sizes V2G chargers as a continuous quantity: a fractional count is shown with
    why and what to build; a whole count as a whole number."""
    ds, summary, ledger, sc = run
    s = json.loads(json.dumps(summary))
    s["sizes"]["ev_v2g_chargers"] = {"cars": 32.2}
    rows = _section_rows(render_report(ds, s, ledger, sc, lang=lang), "decision")
    row = next(r for r in rows if r[0].endswith("— cars"))
    assert row[1:3] == (["32.2", "台"] if lang == "zh" else ["32.2", "charger"])
    page = render_report(ds, s, ledger, sc, lang=lang)
    assert ("实际建设取整为 33 台" if lang == "zh" else "Build 33, or set costs.v2g_charger_extra.module_size: 1") in page
    s["sizes"]["ev_v2g_chargers"] = {"cars": 33.0}
    page = render_report(ds, s, ledger, sc, lang=lang)
    row = next(r for r in _section_rows(page, "decision") if r[0].endswith("— cars"))
    assert row[1] == "33" and "module_size" not in page


def test_percentage_point_differences_read_as_such_in_chinese():
    """The Chinese headline and ledger tables said '+94.4 pp' (an English abbreviation in a
    Chinese table); they say '+94.4 个百分点' now, the English ones '+94.4 pp'."""
    from twin.fmt import fmt_points
    from twin.report import _headline_rows
    from twin.report_scorecard import _ledger_rows

    assert fmt_points(0.944) == "+94.4 pp" and fmt_points(0.944, "zh") == "+94.4 个百分点"
    assert fmt_points(-0.00001, "zh") == "0 个百分点" and fmt_points(-0.1234) == "-12.3 pp"
    assert fmt_points(None) == "—"
    keys = ("tce_total_tce", "co2_gross_t", "co2_after_internal_t", "co2_net_t", "carbon_intensity_tco2_per_tce",
            "carbon_intensity_location_tco2_per_tce", "onsite_renewable_share")
    led = {"annual": {"baseline": {**dict.fromkeys(keys, 1.0), "renewable_share": 0.0},
                      "planned": {**dict.fromkeys(keys, 1.0), "renewable_share": 0.944}},
           "settings": {}, "comparison": [{"quantity": "renewable_share", "unit": "1", "from": 0.0, "to": 0.944}]}
    summary = {"pv_share_of_electricity": 0.3, "baseline_cost_cny": 1.0, "annualised_cost_cny": 1.0, "capex_cny": 1.0}
    for lang, want in (("zh", "+94.4 个百分点"), ("en", "+94.4 pp")):
        rows = _headline_rows(summary, led, None, lang)
        share = next(r for r in rows if "tce/tce" in r[0] and "PV" not in r[0] and "光伏" not in r[0])
        assert share[3] == want, share
        assert _ledger_rows(led, lang)[0][3] == want
    zh_rows = [r[3] for r in _headline_rows(summary, led, None, "zh")] + [r[3] for r in _ledger_rows(led, "zh")]
    assert not [c for c in zh_rows if str(c).endswith(" pp")]


def test_a_change_within_the_solvers_tolerance_reads_zero():
    """The ledger's 'change' columns: the baseline's 1,409 tce against the plan's 1,409 tce (the same
    loads, the solver's 1e-10 relative difference) read "-0.000000115"; a real change stays."""
    from twin.fmt import change, fmt_value

    assert change(1409.0 - 1.15e-7, 1409.0) == 0.0 and fmt_value(change(1409.0 - 1.15e-7, 1409.0)) == "0"
    assert change(1409.01, 1409.0) == pytest.approx(0.01)
    assert change(None, 1.0) is None and change(0.0, 0.0) == 0.0


def test_solver_table_separates_entries_as_the_pages_language_does():
    """The Chinese solver table joined its option and dual entries with "; "."""
    from twin.report import _solver_table

    summ = {"solver": {"status": "optimal", "duals": {"import_limit_binding_hours": 3,
                                                      "import_limit_max_cny_per_kw": 1.5}}}
    zh, en = _solver_table(summ, "zh"), _solver_table(summ, "en")
    assert "；" in zh and "; " not in zh
    assert "; " in en and "；" not in en


def test_the_rubric_analogues_read_in_chinese(run):
    """The scorecard showed each rule's analogue as recorded in the rubric file, so a Chinese report
    read 'none found', 'judgement', '910号 core indicator' or 'Shanghai DG/TJ08-2253 ...' (new-user
    review, Urumqi office park); the analogue is now the report's language, its source a citation."""
    import yaml
    from report_text_check import wrong_language

    from twin.report_text import phrase

    text = (Path(__file__).resolve().parents[1] / "twin" / "assess" / "data" / "rubric_provisional.yaml").read_text(
        encoding="utf-8")
    analogues: set[str] = set()

    def walk(x):
        for k, v in (x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()):
            analogues.add(v) if k == "analogue" else walk(v)

    walk(yaml.safe_load(text))
    assert len(analogues) > 30 and "none found" in analogues
    for a in sorted(analogues):
        assert wrong_language(f"<p>{phrase(a, 'zh')}</p>", "zh") == [], a
    ds, summary, ledger, sc = run
    zh = render_report(ds, summary, ledger, sc, lang="zh")
    en = render_report(ds, summary, ledger, sc, lang="en")
    assert "未找到" in zh and "none found" not in zh and "910号核心指标 <span class='cite'>" in zh
    # in English the analogue stays as recorded, a citation (it names Chinese documents and terms)
    assert "<span class='cite'>910号 core indicator</span> <span class='cite'>([ndrc-910-2025])</span>" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_energy_table_gives_the_pv_specific_yield_of_the_ledger(run, lang):
    """The ledger computed the PV specific yield (AC energy before curtailment per kWp DC; a Harbin
    warehouse roof 1,266 kWh/kWp/yr) into summary.json, but the report never showed it, so an
    assessor checking the yield against the site's had to divide two numbers from two sections
    (new-user review). The energy table has it, in both languages, and nothing without PV."""
    from twin.report import pv_yield_rows

    ds, summary, ledger, sc = run
    weight = 8760.0 / HOURS
    expected = float(ds["p_pv_kw"].sum()) * weight / 500.0  # 500 kWp, nothing curtailed
    assert summary["ledger"]["annual"]["planned"]["pv_specific_yield_kwh_per_kwp"] == pytest.approx(expected)
    rows = _section_rows(render_report(ds, summary, ledger, sc, lang=lang), "flows")
    row = next(r for r in rows if r[0].startswith("光伏单位装机发电量" if lang == "zh" else "PV specific yield"))
    assert row[1] == "—" and float(row[2].replace(",", "")) == pytest.approx(expected, rel=1e-3)
    assert row[4] == ("kWh/kWp/年" if lang == "zh" else "kWh/kWp/yr")
    no_pv = {"annual": {"planned": {"pv_kwp": 0.0, "pv_specific_yield_kwh_per_kwp": float("nan")}}}
    assert pv_yield_rows(no_pv, lang) == [] and pv_yield_rows(None, lang) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scenario_checks_notes_stand_in_the_report(run, lang):
    """The scenario check's notes (a vehicle slower than its charger, a v2g_share not used) reached the
    console and summary.json only; a planner reading the report did not see them. The tariff's own notes
    stay under the tariff table, not twice."""
    ds, summary, ledger, sc = run
    note = ("EV fleet 'cars': the vehicles take at most 11 kW, so its 60 kW chargers charge at 11 kW (the "
            "load, the flexibility and V2G follow the vehicles' power)")
    s = json.loads(json.dumps(summary))
    s["scenario"]["data_notes"] = [note]
    page = render_report(ds, s, ledger, sc, lang=lang)
    if lang == "zh":
        assert "情景说明" in page and "车辆最大接受 11 kW，故其 60 kW 充电桩按 11 kW 充电" in page
    else:
        assert "Scenario note" in page and "charge at 11 kW" in page


def test_the_hourly_csv_notes_read_in_chinese():
    """The notes the scenario check gives on a planner's CSV files now stand in the report: each reads in Chinese."""
    from twin.report_text import phrase

    for note in ("load.csv: times label the end of each interval (first 2025-01-01 01:00:00); read as "
                 "start-of-interval values",
                 "load.csv: read with separator ';' and decimal comma",
                 "load.csv: 29 February dropped (24 rows of a leap year), the model year has 365 days",
                 "load.csv: 8784 rows = a leap year: the 60th day (29 February) dropped; add a time column to say "
                 "which rows are which",
                 "load.csv: quarter-hour data (35040 rows) averaged to 8760 hourly means"):
        zh = phrase(note, "zh")
        assert zh.startswith("load.csv：") and "rows" not in zh and "dropped" not in zh, zh
