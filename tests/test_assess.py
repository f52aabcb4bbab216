"""Scorecard tests: hand-scored items, N/A rescaling, aggregation, bonus cap, rubric files.

Points are read from the bundled provisional rubric (provisional-rubric.md §3–4); the
expected values are worked out by hand in each docstring. Exact (1e-9) tolerance: the
scores are sums and ratios of the inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from twin.assess import (
    ChapterDeclaration,
    Declarations,
    Flag,
    ParkInfo,
    RubricError,
    Share,
    Tier,
    assess,
    load_rubric,
    quantity_for_measure,
)
from twin.ledger import build_ledger

W = 2190.0


def dispatch(waste=True):
    t = pd.date_range("2025-01-01", periods=4, freq="h")
    v = {
        "p_grid_import_kw": ("time", [100.0, 50, 0, 80]),
        "p_grid_export_kw": ("time", [0.0, 0, 30, 0]),
        "p_pv_kw": (("time", "pv_array"), [[0.0], [50], [130], [20]]),
        "ef_grid_kgco2_per_kwh": ("time", [0.5] * 4),
        "fuel_gas_kw": ("time", [10.0] * 4),
        "q_heat_demand_kw": ("time", [20.0] * 4),
    }
    if waste:
        v["q_waste_heat_direct_kw"] = (("time", "waste_heat"), [[5.0]] * 4)
        v["q_waste_heat_available_kw"] = (("time", "waste_heat"), [[10.0]] * 4)
    return xr.Dataset(v, coords={"time": t, "pv_array": ["roof"], **({"waste_heat": ["comp"]} if waste else {})})


def ledger(waste=True):
    return build_ledger(dispatch(waste), None, sizes={"pv_kwp": 100.0, "battery_kwh": 30.0}, step_weight_h=W)


def item(sc, i):
    return next(x for x in sc.items if x["id"] == i)


def test_chapter7_hand_scored_industrial():
    """R_RE = 372 300·0.0001229/118.4207 = 0.3864 → band 0.30 → 8; on-site share same → ≥0.25 → 10;
    7.2.1 = 18/30. Waste heat 5/10 = 0.5 → 9/15 (path A). Cascade: one stream used once (direct use;
    the process rejecting the heat is not a stage) = 1 stage → 0; CCHP N/A so 7.2.3 max 4. EMS L3 → 12.
    Nothing else declared. Q7 = 100·(18+9+0+0+0+12)/(30+15+4+15+15+15) = 100·39/94."""
    d = Declarations(ems_tier=Tier(value="L3", evidence="EMS design §2"))
    sc = assess(ledger(), d, ParkInfo(park_type="manufacturing"))
    assert item(sc, "7.2.1")["points"] == 18
    assert item(sc, "7.2.2")["points"] == 9
    assert item(sc, "7.2.3")["points"] == 0 and item(sc, "7.2.3")["applicable_max"] == 4
    assert item(sc, "7.2.6")["points"] == 12
    assert sc.chapters["7"]["Q"] == pytest.approx(100 * 39 / 94, rel=1e-9)
    assert sc.aggregate["Q"] is None and "4" in sc.aggregate["missing_chapters"]
    assert "NOT the official" in sc.disclaimer
    json.dumps(sc.to_dict())
    attrs = sc.to_attrs()
    assert all(isinstance(v, (str, int, float)) for v in attrs.values())
    # the results writer prefixes "scorecard_"; the keys must not carry it already
    assert "Q" in attrs and not any(k.startswith("scorecard_") for k in attrs)


def test_na_rescaling_without_waste_heat():
    """No waste-heat source, its absence documented: 7.2.2 is N/A (removed, not scored 0) and 7.2.3(b)
    earns 0 of 4. Applicable max = 30 + 4 + 15 + 15 + 15 = 79; Q7 = 100·18/79. Not documented (the
    rubric allows N/A only for a park that documents it has no recoverable source): 7.2.2 stays in and
    scores 0 of 15, Q7 = 100·18/94 (leaving the source out of the model had raised the score)."""
    documented = Declarations(no_waste_heat_source_documented=Flag(value=True, evidence="energy audit §3"))
    sc = assess(ledger(waste=False), documented, ParkInfo(park_type="office"))
    assert item(sc, "7.2.2")["applicable"] is False
    assert sc.chapters["7"]["applicable_max"] == 79
    assert sc.chapters["7"]["Q"] == pytest.approx(100 * 18 / 79, rel=1e-9)
    sc = assess(ledger(waste=False), Declarations(), ParkInfo(park_type="office"))
    it = item(sc, "7.2.2")
    assert it["applicable"] is True and it["points"] == 0
    assert sc.chapters["7"]["applicable_max"] == 94
    assert sc.chapters["7"]["Q"] == pytest.approx(100 * 18 / 94, rel=1e-9)


def test_a_declared_absence_of_waste_heat_beside_modelled_sources_is_refused(tmp_path):
    """declarations.no_waste_heat_source_documented with waste_heat sources in the scenario: the ledger
    still counted them while 7.2.2 dropped out (Suzhou's chapter 7 rose from 62.8 to 74.7)."""
    from twin.scenario.loader import ScenarioError, load_scenario

    root = Path(__file__).resolve().parents[1]
    with pytest.raises(ScenarioError) as e:
        load_scenario(root / "scenarios" / "manufacturing_suzhou.yaml", overrides={
            "declarations.no_waste_heat_source_documented": {"value": True, "evidence": "test"}})
    msg = str(e.value)
    assert "declarations.no_waste_heat_source_documented" in msg and "declares no recoverable waste heat" in msg


def test_whole_park_estimate_and_bonus_cap():
    """Manufacturing, planning weights 4:.20 5:.15 6:.05 7:.20 8:.10 9:.10 10:.20. Declared Q = 80
    for every other chapter; Q7 as in the first test plus 7.2.4 (0.9 → 15), 7.2.5 (5+5+5) and
    7.1.x met: Q7 = 100·(39+15+15)/94 = 73.404; S = 0.8·80 + 0.2·Q7; chapter-12 raw points
    1 (storage) + 2+1+1+2+2+1+2+1+2 (flags) … > 10 → QA = 10. Q = 20 + 0.8·S + 10."""
    ok = Flag(value=True, evidence="doc")
    d = Declarations(
        energy_plan_with_targets=ok, metering_management_baseline=ok, ems_tier=Tier(value="L3", evidence="doc"),
        energy_saving_equipment_share=Share(value=0.9, evidence="doc"), metering_by_category=ok,
        metering_end_use_coverage=Share(value=0.96, evidence="doc"), metering_automation=ok,
        autonomous_driving=ok, ai_compute_infrastructure=ok, certified_zero_energy_building=ok, green_construction=ok,
        carbon_platform_models=ok, other_innovation=ok, microgrid_islanding=ok,
        ai_control_coverage=Share(value=0.6, evidence="doc"), ai_control_verified_savings=Share(value=0.12, evidence="doc"),
        chapters={c: ChapterDeclaration(control_items_met=True, score_0_100=80.0, evidence="self-assessment")
                  for c in ("4", "5", "6", "8", "9", "10")},
    )
    sc = assess(ledger(), d, ParkInfo(park_type="manufacturing"))
    q7 = 100 * 69 / 94
    assert sc.chapters["7"]["Q"] == pytest.approx(q7, rel=1e-9)
    s = 0.8 * 80 + 0.2 * q7
    assert sc.aggregate["S"] == pytest.approx(s, rel=1e-9)
    assert sc.aggregate["bonus_raw"] > 10 and sc.aggregate["QA"] == 10
    assert sc.aggregate["Q"] == pytest.approx(20 + 0.8 * s + 10, rel=1e-9)
    assert sc.aggregate["pass"] is True


def test_improvement_quantity_matches_hand_calculation():
    """Raising R_RE from 0.38638 to 0.50 needs (0.5·118.4207 − 45.7557) tce / 0.0001229 tce/kWh
    ≈ 109.48 MWh, i.e. 109 477 kWh / 4380 kWh/kWp ≈ 25.0 kWp."""
    L = ledger()
    a = L.planned.annual
    q = quantity_for_measure(L, "renewable_share", 0.5)
    exp_mwh = (0.5 * a["tce_total_tce"] - 372_300 * 0.0001229) / 0.0001229 / 1000
    assert q["delta"] == pytest.approx(exp_mwh, rel=1e-9)
    assert q["pv_kwp"] == pytest.approx(exp_mwh * 1000 / 4380, rel=1e-9)
    sc = assess(L, Declarations(), ParkInfo(park_type="manufacturing"))
    gains = [o["total_score_gain"] for o in sc.improvements]
    assert gains and gains == sorted(gains, reverse=True)


def _rubric_data():
    return yaml.safe_load((Path(__file__).parents[1] / "twin/assess/data/rubric_provisional.yaml").read_text("utf-8"))


def test_rubric_validation_errors(tmp_path):
    data = _rubric_data()
    data["items"][0]["rules"][0]["bands"] = [[0.3, 8], [0.15, 4]]
    data["items"][1]["rules"][0]["measure"] = "no_such_measure"
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(RubricError) as e:
        load_rubric(p)
    msg = str(e.value)
    assert "strictly ascending" in msg and "unknown measure 'no_such_measure'" in msg
    data = _rubric_data()
    data["items"] = [i for i in data["items"] if i["id"] != "7.2.6"]
    p.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(RubricError, match="7.2.6"):
        load_rubric(p)
    p.write_text("items: [", "utf-8")
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(p)


def test_user_rubric_replaces_provisional(tmp_path):
    """A user 'official' rubric with R_RE bands [0.3→10, 0.35→20]: R_RE 0.386 → 20 points, and
    outputs name the user's rubric instead of the provisional disclaimer."""
    data = _rubric_data()
    data["rubric_id"] = "user-official-test"
    data["official"] = True

    def officialise(node):
        if isinstance(node, dict):
            if "provisional" in node:
                node["provisional"] = False
                node["tag"] = "official"
            for v in node.values():
                officialise(v)
        elif isinstance(node, list):
            for v in node:
                officialise(v)

    officialise(data)
    data["items"][0]["rules"][0]["bands"] = [[0.3, 10], [0.35, 20]]
    p = tmp_path / "official.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    r = load_rubric(p)
    assert r.official and not r.is_provisional
    sc = assess(ledger(), Declarations(), ParkInfo(park_type="manufacturing"), rubric=r)
    assert item(sc, "7.2.1")["points"] == 30
    assert sc.to_dict()["rubric"]["id"] == "user-official-test"
    assert "PROVISIONAL" not in sc.disclaimer
    assert np.isfinite(sc.chapters["7"]["Q"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_section_renders(lang):
    from twin.report_scorecard import scorecard_section

    L = build_ledger(dispatch(), dispatch(), sizes={"pv_kwp": 100.0}, step_weight_h=W)
    sc = assess(L, Declarations(), ParkInfo(park_type="manufacturing"))
    frag, figs = scorecard_section(sc, L, lang=lang)
    assert ("智慧零碳园区评价" in frag) if lang == "zh" else ("planning-stage evidence" in frag)
    assert "7.2.1" in frag and (("暂定" in frag) if lang == "zh" else ("PROVISIONAL" in frag))
    assert len(figs) == 2 and len(figs[0].data) == 2


def test_waste_heat_improvement_says_when_heat_demand_cannot_absorb_it():
    from types import SimpleNamespace

    from twin.assess.improve import quantity_for_measure
    from twin.ledger import AccountingSettings

    annual = {"tce_total_tce": 1000.0, "q_waste_heat_available_kwh": 10e6, "q_waste_heat_used_kwh": 0.5e6,
              "q_heat_demand_kwh": 1.5e6, "q_heat_from_waste_heat_kwh": 0.5e6}
    ledger = SimpleNamespace(planned=SimpleNamespace(annual=annual), settings=AccountingSettings())
    q = quantity_for_measure(ledger, "waste_heat_utilisation_share", 0.3)
    # 0.3 * 10 000 - 500 = 2 500 MWh needed; heat demand leaves room for 1 500 - 500 = 1 000 MWh
    assert q["delta"] == pytest.approx(2500.0) and q["room_in_heat_demand_mwh"] == pytest.approx(1000.0)
    assert "new heat user" in q["text"]


def test_rubric_banner_speaks_the_pages_language_once():
    """The English banner said the provisional rubric twice, the second time with a Chinese
    sentence (summary.json's bilingual disclaimer); each page says it once in its language."""
    import re

    from twin.report_scorecard import rubric_statement

    sc = {"rubric": {"id": "r-v1", "provisional": True,
                     "disclaimer": "Rubric 'r-v1': PROVISIONAL values ... 暂定评分规则，非标准官方分值。"}}
    en, zh = rubric_statement(sc, "en"), rubric_statement(sc, "zh")
    assert not re.search(r"[\u4e00-\u9fff]{3,}", en) and en.count("PROVISIONAL") == 1
    assert "暂定值" in zh and "PROVISIONAL" not in zh


def test_vpp_points_need_declared_enrolment_and_a_battery_does_not_score_twice():
    """12.1 (provisional-rubric §4 12-a): the battery earned the storage sub-item (1) AND, as
    'flexible capacity' / peak, the VPP / DR sub-item (2): Qingdao logistics read 3/3 with no VPP, DR,
    microgrid or V2G declared (storage 0.646 → 1, battery 2,128 kW / peak 3,330 kW = 0.639 → 2).
    Here: battery 30 kWh / (100 kWp × 2 h) = 0.15 → 1 for storage; battery_kw 50 / peak 130 kW = 0.385.
    Not enrolled: VPP 0 and the sentence says what earns it; enrolled: 0.385 ≥ 0.10 → 2, item 3."""
    ds = dispatch().assign(p_load_kw=("time", [100.0, 100, 130, 100]))
    L = build_ledger(ds, None, sizes={"pv_kwp": 100.0, "battery_kwh": 30.0, "battery_kw": 50.0}, step_weight_h=W)
    peak = L.planned.annual["peak_electric_demand_kw"]
    assert peak == 130.0
    sc = assess(L, Declarations(), ParkInfo(park_type="logistics"))
    it = item(sc, "12.1")
    rows = {r["id"]: r for r in it["rules"]}
    assert rows["storage"]["points"] == 1 and rows["vpp"]["points"] == 0 and it["points"] == 1
    assert rows["vpp"]["measure"] == "vpp_dr_enrolled_share"
    assert "no VPP / demand-response participation declared" in rows["vpp"]["formula"]
    assert "50 kW of adjustable capacity" in rows["vpp"]["formula"]
    enrolled = Declarations(vpp_dr_enrolls_model_assets=Flag(value=True, evidence="aggregator contract 2025-03"))
    it = item(assess(L, enrolled, ParkInfo(park_type="logistics")), "12.1")
    vpp = next(r for r in it["rules"] if r["id"] == "vpp")
    assert vpp["value"] == pytest.approx(50.0 / peak, rel=1e-9) and vpp["points"] == 2 and it["points"] == 3
    assert "aggregator contract" in vpp["inputs"]


def test_cascade_counts_stages_along_one_stream_not_the_process_or_two_sources():
    """7.2.3(b) (provisional-rubric §3: one stream used in sequence by grade). Suzhou read 3 stages, 4/4:
    the process rejecting heat, compressor heat at 85 °C used directly and cooling water at 35 °C through
    a heat pump, two sources each used once. Now: best stream 1 stage → 0. One 85 °C source used directly
    and then through a heat pump: 2 stages → 2. A declared three-stage stream: 3 → 4."""
    from twin.assess.scorecard import cascade_stages

    L = ledger()
    two = xr.Dataset({"waste_heat_temperature_c": ("waste_heat", [85.0, 35.0]),
                      "waste_heat_direct_kwh": ("waste_heat", [1000.0, 0.0]),
                      "waste_heat_to_heat_pump_kwh": ("waste_heat", [0.0, 800.0])},
                     coords={"waste_heat": ["air compressors", "process cooling water"]})
    n, desc = cascade_stages(L, two)
    assert n == 1 and "process rejecting" not in desc[0] and "not a stage" in desc[-1] and "ASSUMED" in desc[-1]
    sc = assess(L, Declarations(), ParkInfo(park_type="manufacturing"), waste_heat=two)
    assert next(r for r in item(sc, "7.2.3")["rules"] if r["id"] == "b")["points"] == 0
    one = two.assign(waste_heat_to_heat_pump_kwh=("waste_heat", [500.0, 0.0]))
    n, desc = cascade_stages(L, one)
    assert n == 2 and desc[0] == ("best stream 'air compressors': medium-grade direct use → low-grade heat "
                                  "upgraded by heat pump")
    sc = assess(L, Declarations(), ParkInfo(park_type="manufacturing"), waste_heat=one)
    assert next(r for r in item(sc, "7.2.3")["rules"] if r["id"] == "b")["points"] == 2
    # the grade edges are the tool's assumption, configurable: 85 °C is high grade above an edge of 80
    n, desc = cascade_stages(L, one, edges=(40.0, 80.0))
    assert desc[0].startswith("best stream 'air compressors': high-grade direct use")
    d = Declarations(cascade_extra_stages=["steam 180 °C → turbine (report §4)", "exhaust 110 °C → absorption chiller",
                                           "condensate 50 °C → hot water"])
    sc = assess(L, d, ParkInfo(park_type="manufacturing"), waste_heat=two)
    assert next(r for r in item(sc, "7.2.3")["rules"] if r["id"] == "b")["points"] == 4


def test_path_b_is_not_na_without_central_heat_demand_and_scores_each_use():
    """7.2.2 path B (provisional-rubric §3). Qingdao logistics: no waste heat, heat decentral (split air
    conditioners, central heat demand 0) → 不参评 'no heat demand' though nothing was documented, chapter 7
    30/79; now 0 of 15 (30/94) with what to document. And path B is 'any of' steam ≥40 %, space heating
    ≥30 %, hot water ≥30 % → 9, any ≥50 % → 15 (was one combined share, no steam threshold).
    Steam: 45 of 100 MWh from waste heat = 0.45 → 9 (the combined share 45/(100+400) = 0.09 gave 0)."""
    ds = dispatch(waste=False).assign(q_heat_demand_kw=("time", [0.0] * 4))
    L = build_ledger(ds, None, sizes={"pv_kwp": 100.0}, step_weight_h=W)
    assert L.planned.annual["q_heat_demand_kwh"] == 0
    sc = assess(L, Declarations(), ParkInfo(park_type="logistics"))
    it = item(sc, "7.2.2")
    assert it["applicable"] and it["points"] == 0 and it["applicable_max"] == 15
    assert all("no heat demand" not in r["reason"] for r in it["rules"])
    heating = next(r for r in it["rules"] if r["id"] == "B-heating")
    assert "its absence not documented" in heating["formula"] and "不参评" in heating["formula"]
    assert [r["id"] for r in it["rules"]] == ["A", "B-steam", "B-heating", "B-hot-water"]
    # per use: the uses the run tells apart
    uses = {"steam": 100e3, "steam_waste_heat": 45e3, "space_heating": 300e3, "hot_water": 100e3}
    t = pd.date_range("2025-01-01", periods=4, freq="h")
    k = 1e3 / W / 4  # MWh over the year -> kW in each of 4 steps of W hours
    ds = xr.Dataset({"p_grid_import_kw": ("time", [100.0] * 4), "p_grid_export_kw": ("time", [0.0] * 4),
                     "ef_grid_kgco2_per_kwh": ("time", [0.5] * 4), "q_heat_demand_kw": ("time", [400.0 * k] * 4),
                     "q_process_heat_demand_kw": ("time", [100.0 * k] * 4),
                     "q_waste_heat_direct_kw": (("time", "waste_heat"), [[45.0 * k]] * 4),
                     "q_waste_heat_available_kw": (("time", "waste_heat"), [[1e3]] * 4)},
                    coords={"time": t, "waste_heat": ["data room"]})
    L = build_ledger(ds, None, step_weight_h=W)
    a = L.planned.annual
    assert a["q_heat_demand_kwh"] == pytest.approx(500e3) and a["waste_heat_heat_share"] == pytest.approx(0.09)
    sc = assess(L, Declarations(), ParkInfo(park_type="office", heat_uses_kwh=uses))
    rows = {r["id"]: r for r in item(sc, "7.2.2")["rules"]}
    assert rows["B-steam"]["value"] == pytest.approx(0.45) and rows["B-steam"]["points"] == 9
    assert rows["B-heating"]["value"] == 0 and rows["B-hot-water"]["points"] == 0
    assert item(sc, "7.2.2")["points"] == 9
    # the same waste heat on the heat network: 45/400 = 0.1125 for space heating and hot water → 0
    sc = assess(L, Declarations(), ParkInfo(park_type="office", heat_uses_kwh={**uses, "steam_waste_heat": 0.0}))
    rows = {r["id"]: r for r in item(sc, "7.2.2")["rules"]}
    assert rows["B-heating"]["value"] == pytest.approx(45 / 400) and item(sc, "7.2.2")["points"] == 0
