"""What a provincial assessor tracing every figure of a report found (audit of the three examples).

Each test is a defect the audit found: the 910号 section of the Chinese report fell back to English
under the non-default accounting switches, the offset cap's note named the CCER 5 % analogue whatever
the value, accounting fields the run replaces were accepted and then ignored, two guiding indicators
had no source for their threshold, the bibliography called entries without a URL "not public", and
two example parks used regional grid factors where the standards reference gives the 2023 provincial
ones as the location basis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

from report_text_check import wrong_language
from twin.assess.national import national_indicators
from twin.ledger import AccountingSettings, build_ledger
from twin.report_scorecard import _national
from twin.report_text import EMISSION_LABELS, TEXT, phrase

ROOT = Path(__file__).resolve().parents[1]

SWITCHES = [
    {},
    {"acceptance_green_certificates": "zero", "green_certificates_mwh": 1.0},
    {"acceptance_green_certificates": "excl_market_nonfossil", "green_certificates_mwh": 1.0},
    {"electricity_tce_basis": "equivalent", "electricity_kgce_per_kwh_equivalent": 0.3},
    {"acceptance_grid_factor": "user", "acceptance_grid_factor_kgco2_per_kwh": 0.7},
    {"acceptance_grid_factor": "national_fossil_2023", "core_indicator_basis": "location"},
    {"offsets_max_share": 1.0},
    {"offsets_max_share": 0.5},
]


def park(imp_kw=1000.0, pv_kw=100.0, ef=0.5):
    t = pd.date_range("2025-01-01", periods=1, freq="h")
    return xr.Dataset(
        {"p_grid_import_kw": ("time", [imp_kw]), "p_grid_export_kw": ("time", [0.0]),
         "p_pv_kw": (("time", "pv_array"), [[pv_kw]]), "ef_grid_kgco2_per_kwh": ("time", [ef])},
        coords={"time": t, "pv_array": ["roof"]})


def section(lang: str, **settings) -> str:
    ledger = build_ledger(park(), None, AccountingSettings(**settings), step_weight_h=1000.0)
    return _national(national_indicators(ledger), lang)


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("settings", SWITCHES, ids=lambda s: "+".join(f"{k}={v}" for k, v in s.items()) or "default")
def test_910_section_reads_in_chinese_under_every_accounting_switch(settings):
    """Before: 'basis: acceptance; tce: 当量值 (calorific)' in the core row, the whole 'why the bases
    differ' sentence in English for certificates at zero or at the excl.-market factor, for a 等价值 basis
    and for the planner's own acceptance factor, and 'not_credited' as a value."""
    html = section("zh", **settings)
    assert wrong_language(html, "zh") == []
    # parameter names (acceptance_grid_factor) and bibliography keys ([sec-910-acceptance-factor]) are identifiers
    text = re.sub(r"\S*_\S*|\[[\w-]+\]", " ", visible(html))
    for english in ("acceptance", "calorific", "primary-energy", "planner's value", "not_credited", "zero",
                    "excl_market_nonfossil", "certificates", "CCER 5 % analogue"):
        assert english not in text, english
    assert "核算口径：" in text and "折标：" in text


def test_a_park_below_every_tier_is_said_to_have_no_official_tier_once():
    """Before: '≤ 0.2 (无官方档位 — 非官方档位，阈值为假设值（可配置）)'. 910号 gives no threshold below 20万 tce and
    none is assumed any more: the cell reads '— (no official tier: not judged …)', the verdict 'not judged'."""
    for lang, words, judged in (("zh", "无官方档位", "不判定"), ("en", "no official tier", "not judged")):
        cell = re.search(r"— \(([^)]*\)?)\)", visible(section(lang))).group(1)
        assert cell.count(words) == 1, cell
        assert judged in cell


@pytest.mark.parametrize("share, says", [
    (0.05, "CCER 5 % analogue"), (1.0, "none applied here"), (0.5, "the planner's cap")])
def test_offset_cap_note_says_where_its_value_comes_from(share, says):
    """Before: 'no cap in 910号; CCER 5 % analogue' beside 0.5 (Suzhou) and 1.0 (Qingdao, no cap)."""
    row = next(p for p in AccountingSettings(offsets_max_share=share).open_parameters()
               if p["name"] == "offsets_max_share")
    assert says in row["note"] and "[mee-ets-2021]" in row["note"]
    assert ("CCER 5 % analogue" in row["note"]) == (share == 0.05) or share == 0.5
    zh = phrase(row["note"], "zh")
    assert zh != row["note"] and "[mee-ets-2021]" in zh


@pytest.mark.parametrize("field, value", [("offsets_max_share", 0.05), ("offsets_cap_basis", "after_internal"),
                                          ("offsets_tco2", 10.0), ("green_certificates_mwh", 100.0)])
def test_accounting_fields_a_run_replaces_are_refused(field, value):
    """A run takes offsets and certificates from the optimiser and the cap from carbon.max_offset_share;
    before, a value under accounting was replaced without a word and listed as the one used."""
    from twin.scenario.loader import load_scenario

    with pytest.raises(Exception, match=rf"accounting\.{field} is not read in a run.*carbon\."):
        load_scenario(ROOT / "tests/data/tiny_park.yaml", overrides={f"accounting.{field}": value})
    load_scenario(ROOT / "tests/data/tiny_park.yaml", overrides={"accounting.heat_ef_tco2_per_gj": 0.1})


def test_every_910_guiding_threshold_cites_its_source():
    """Before: the solid-waste and water-reuse rows had no source for their 80 % thresholds."""
    ledger = build_ledger(park(), None, AccountingSettings(), step_weight_h=1000.0)
    for g in national_indicators(ledger)["guiding"]:
        assert "[ndrc-910-2025]" in g["source"], g["key"]


def test_bibliography_does_not_call_an_entry_without_url_unpublished():
    """Before: '未公开' / 'not public' for the bundled rubric and for public documents whose URL was not
    recorded (the secondary sources of the acceptance factor, an official tariff notice)."""
    from twin.report import bibliography
    from twin.sources import references

    refs = references("twin-provisional-rubric", "sec-910-acceptance-factor", "tou-shandong-2023", "mee-nbs-ef-2023")
    for lang, own, missing in (("zh", "本工具自带", "未记录网址"), ("en", "part of this tool", "no URL recorded")):
        html = bibliography({"sources": refs}, lang)
        assert "未公开" not in html and "not public" not in html
        assert html.count(own) == 1 and html.count(missing) == 2
    md = (ROOT / "docs/sources.md").read_text(encoding="utf-8")
    assert "not public" not in md.replace("is not public", "")


def test_emission_labels_name_every_credit_the_residual_is_after():
    """The residual is gross − export credit − green power − certificates; before, the label named
    certificates only (en: 'and certificates'; headline: 'and green power')."""
    zh, en = EMISSION_LABELS["residual"]
    assert "绿电" in zh and "绿证" in zh and "green power" in en and "certificates" in en
    assert "certificates" in TEXT["card_emissions_note"][1] and "位置口径" in TEXT["card_emissions"][0]


@pytest.mark.parametrize("name, province, value", [
    ("manufacturing_suzhou", "江苏", 0.5827), ("logistics_qingdao", "山东", 0.6191),
    ("office_guangzhou", "广东", 0.4419)])
def test_example_parks_use_the_2023_provincial_factor(name, province, value):
    """The location basis is the province's 2023 factor (MEE/NBS 公告2025年第47号); before, Suzhou used
    华东 0.5500 and Guangzhou 南方 0.4042."""
    from twin.scenario.loader import load_scenario
    from twin.scenario.schema import site_province
    from twin.factors import grid_emission_factor

    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario
    ef = sc.grid.emission_factor
    assert (ef.level, ef.year) == ("provincial", 2023)
    f = grid_emission_factor("provincial", 2023, site_province(sc.site))
    assert f.value_kgco2_per_kwh == value and province in f.source


def test_comparison_rows_name_the_basis_each_figure_is_on():
    """Before: 'location basis' read 区域电网平均因子口径 (a provincial factor is not regional), the residual
    was on an 'optimiser basis' (优化口径), gross emissions left out bought heat, and the acceptance row
    named a 化石电源因子 where the official factor is the 全国化石能源电力因子."""
    from twin.compare import METRICS

    m = {x.key: x for x in METRICS}
    assert "区域" not in m["core_location"].zh and "基于位置口径" in m["core_location"].zh
    assert "评分口径" in m["core"].zh and "scorecard basis" in m["core"].en
    assert "优化" not in m["residual"].zh and "基于位置口径" in m["residual"].zh
    assert "location basis" in m["residual"].en and "optimiser" not in m["residual"].en
    assert "外购热" in m["gross_emissions"].zh and "bought heat" in m["gross_emissions"].en
    assert "全国化石能源电力因子" in m["residual_acceptance"].zh


def test_waste_heat_indicator_of_a_park_without_waste_heat_is_not_applicable_not_undeclared():
    """The 910号 waste-heat share is computed; a park with no recoverable waste heat read '未申报' (not
    declared) twice, as if the planner had failed to declare it."""
    ledger = build_ledger(park(), None, AccountingSettings(), step_weight_h=1000.0)
    g = {x["key"]: x for x in national_indicators(ledger)["guiding"]}
    assert g["waste_heat_utilisation"]["not_applicable"] and g["clean_energy_share"]["not_applicable"] is None
    for lang, name, na, undeclared in (("zh", "余热/余冷/余压", "不参评", "未申报"),
                                        ("en", "Waste heat/cold/pressure", "N/A", "not declared")):
        row = visible(next(r for r in section(lang).split("<tr") if name in r))
        assert na in row and undeclared not in row, row


from test_report import run  # noqa: E402,F401  (the synthetic two-week run, a fixture)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_the_report_cites_resolves_in_its_bibliography(run, lang):
    """Before: the tariff row cited [tou-jiangsu-2025] and [sec-tariff-examples], the load shapes
    [twin-assumption], and the standard itself was never cited: keys a reader could not look up in the
    report's own bibliography (they live in results.nc's attrs, not in summary.json)."""
    from twin.report import render_report
    from twin.sources import sources

    ds, summary, ledger, sc = run
    ds = ds.copy()
    ds.attrs["tariff_source"] = "Jiangsu two-part 1-10 kV [tou-jiangsu-2025]; [sec-tariff-examples] ⚠"
    page = re.sub(r"<script.*?</script>", "", render_report(ds, summary, ledger, sc, lang=lang), flags=re.S)
    cited_keys = set(re.findall(r"\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\]", page)) & set(sources())
    listed = set(re.findall(r"<code>\[([\w-]+)\]</code>", page))
    assert {"tou-jiangsu-2025", "sec-tariff-examples", "tcsus-66-2023"} <= cited_keys
    assert cited_keys <= listed, sorted(cited_keys - listed)


@pytest.mark.parametrize("rule", ["not_credited", "zero"])
def test_clean_share_says_it_counts_certificates_the_core_indicator_may_not(rule):
    """Qingdao: 100 % clean energy (≥ 90 %, met) thanks to 5 000 MWh of certificates, while the core
    indicator on the acceptance basis counts the same grid power at the fossil factor; the row now says so."""
    ledger = build_ledger(park(), None, AccountingSettings(green_certificates_mwh=500.0,
                                                          acceptance_green_certificates=rule), step_weight_h=1000.0)
    g = next(x for x in national_indicators(ledger)["guiding"] if x["key"] == "clean_energy_share")
    assert "500 MWh" in g["source"] and ("does not" in g["source"]) == (rule == "not_credited")
    zh = visible(section("zh", green_certificates_mwh=500.0, acceptance_green_certificates=rule))
    assert "500 MWh 绿证计为清洁能源" in zh and "[ndrc-910-2025]" in zh
    assert wrong_language(section("zh", green_certificates_mwh=500.0, acceptance_green_certificates=rule), "zh") == []


def test_chinese_comparison_page_describes_the_variants_in_chinese():
    """Before: the zh comparison page listed each variant as 'No battery candidate; PV, V2G and certificates
    only.' (a variant had a Chinese label but no Chinese description)."""
    from twin.compare import ComparedRun
    from twin.scenario.loader import load_scenario

    loaded = load_scenario(ROOT / "scenarios/office_guangzhou_options.yaml")
    for name, spec in loaded.variants.items():
        assert spec.description_zh and re.search(r"[\u4e00-\u9fff]", spec.description_zh), name
        cjk = "\u3000-\u303f\uff00-\uffef\u4e00-\u9fff"
        assert not re.search(f"[{cjk}] [{cjk}]", spec.description_zh), name  # no gaps of folded YAML lines
    spec = loaded.variants["no_storage"]
    r = ComparedRun("no_storage", {}, description=spec.description, description_zh=spec.description_zh)
    assert r.describe("zh") == spec.description_zh and r.describe("en") == spec.description
    assert ComparedRun("x", {}, description="only English").describe("zh") == "only English"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_band_reached_is_written_like_the_bands(run, lang):
    """Before: the bands column read '≥15%→4.00; ≥30%→8.00' and the band reached '≥ 0.15' (a share as a
    fraction beside percentages); in Chinese the name and formula were joined by '. ' and 'computed: '."""
    from twin.report_scorecard import scorecard_section

    ds, summary, ledger, sc = run
    html, _ = scorecard_section(sc, summary["ledger"], lang=lang, number=None, heading=False)
    rows = [visible(r) for r in html.split("<tr") if "→" in r and "%→" in r]
    assert rows
    for row in rows:
        assert not re.search(r"(≥|<) 0\.\d", row), row
    if lang == "zh":
        assert "计算：" in visible(html) and "计算: " not in visible(html)


def test_every_rubric_source_is_a_bibliography_key():
    """Each provisional rule cites its analogue by bibliography key (or says it has none); before, three
    cited bare web addresses (Shanghai elderly-care 5.5.1, DG/TJ08-2253 9.2.9, 澄迈 2022) that the
    report's bibliography could not list."""
    import re

    from twin.assess.rubric import provisional_rubric
    from twin.sources import cited, sources as bibliography

    known = set(bibliography())
    rubric = provisional_rubric()
    sources = [i.source for i in rubric.items] + [r.source for i in rubric.items for r in i.rules]
    for src in sources:
        assert "http" not in src and "www." not in src and ".com" not in src, src
        if src != "none":
            keys = re.findall(r"\[([a-z0-9-]+)\]", src)
            assert keys and set(keys) <= known, src
            assert [c["key"] for c in cited(src)] == keys, src
    assert {"shanghai-green-elderly-care", "dgtj08-2253", "chengmai-pv-storage-2022"} <= {
        k for s in sources for k in re.findall(r"\[([a-z0-9-]+)\]", s)}


def test_items_without_a_published_rule_say_so_and_the_zh_total_is_chinese():
    """Before: 12.4, 12.5 and 12.9 showed source '(none)' in the zh report; 12.11 was tagged V-M citing
    GB/T 50378-2019 9.2.7 (a building's carbon calculation); the zh total read '达标 tier 2 (>= 70)'."""
    from twin.assess.rubric import provisional_rubric

    r = provisional_rubric()
    for i in ("12.4", "12.5", "12.9", "12.11"):
        it = r.item(i)
        for src in [it.source] + [x.source for x in it.rules]:
            assert src.startswith("[twin-provisional-rubric]") and "no published scoring rule" in src, (i, src)
            assert re.search(r"[\u4e00-\u9fff]", phrase(src, "zh")), src
        assert it.tag == "J" and all(x.tag == "J" for x in it.rules), i
    assert phrase("tier 2 (>= 70)", "zh") == "第 2 档（≥ 70）"
    # the review's English analogues with Chinese terms: now English with the term in parentheses
    for i in ("7.2.3", "7.2.4", "12.8"):
        for text in [r.item(i).analogue] + [x.analogue for x in r.item(i).rules]:
            outside = re.sub(r"\([^)]*\)|「[^」]*」|910号", "", text)
            assert not re.search(r"[\u4e00-\u9fff]", outside), text
