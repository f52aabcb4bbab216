"""Unusual but legitimate runs (audit of objective kinds, representative days, targets, assets
removed): what the terminal, summary.json and the reports say of them."""

from __future__ import annotations

from twin.report_text import phrase
from twin.results.summary import headline


def _summary(targets: list[dict]) -> dict:
    return {"sizes": {"pv_kwp": {"roof": 100.0}},
            "emissions_tco2": {"baseline": 10.0, "residual": 5.0, "offsets": 0.0},
            "pv_share_of_electricity": 0.2, "annualised_cost_cny": 1.0, "baseline_cost_cny": 2.0,
            "targets": targets}


def test_the_headline_gives_a_target_in_the_unit_of_its_label():
    """A share target was printed as a fraction beside a threshold in per cent ("clean-energy
    share ≥ 90.0%: reached 0.9283"); each value is now in its label's unit."""
    rows = [{"label": "910号 clean-energy share ≥ 90.0%", "unit": "1", "value": 0.92828, "binding": False,
             "marginal_cost_cny_per_unit": 0.0},
            {"label": "910号 core indicator ≤ 0.2 tCO2/tce (acceptance basis)", "unit": "tCO2/tce",
             "value": 0.19999999, "binding": True, "marginal_cost_cny_per_unit": 5.0,
             "marginal_cost_note": "0 CNY/yr per 0.01 tCO2/tce tighter"},
            {"label": "residual emissions ≤ 3,000 tCO2/yr", "unit": "tCO2/yr", "value": 2999.9997,
             "binding": True, "marginal_cost_cny_per_unit": 12.7, "marginal_cost_note": "12.74 CNY/yr per tCO2 less"}]
    text = headline(_summary(rows))
    assert "clean-energy share ≥ 90.0%: reached 92.8%, not binding" in text
    assert "(acceptance basis): reached 0.2000 tCO2/tce, binding" in text
    assert "residual emissions ≤ 3,000 tCO2/yr: reached 3,000.0 tCO2/yr, binding" in text


def test_marginal_costs_of_every_target_are_in_chinese():
    """The Chinese targets table showed "12.7 元/年 每 tCO2（12.74 CNY/yr per tCO2 less; sizes were
    fixed ...）" for a residual cap and "元/年 每 1.0 of share" for the shares."""
    assert phrase("12.74 CNY/yr per tCO2 less", "zh") == "每减少 1 tCO2 增加 12.74 元/年"
    both = ("12.74 CNY/yr per tCO2 less; sizes were fixed from representative days, so this prices operation and "
            "purchases only (run without --representative-days for the full marginal cost)")
    assert phrase(both, "zh").startswith("每减少 1 tCO2 增加 12.74 元/年；规模由典型日确定后固定")
    assert phrase("CNY/yr per 1.0 of share", "zh") == "元/年 每单位占比（1.0 即 100 个百分点）"
    assert phrase("CNY/yr per tCO2", "zh") == "元/年 每 tCO2"


def test_the_basis_of_a_residual_cap_is_said_once():
    """A residual cap's threshold origin and source are both "stated by the planner": the targets
    table said "规划方给定；规划方给定"."""
    from twin.report import targets_table

    row = {"name": "residual", "label": "residual emissions ≤ 3,000 tCO2/yr", "unit": "tCO2/yr", "value": 3000.0,
           "binding": True, "marginal_cost_cny_per_unit": 12.74, "marginal_cost_unit": "CNY/yr per tCO2",
           "marginal_cost_note": "12.74 CNY/yr per tCO2 less", "threshold_origin": "stated by the planner",
           "source": "stated by the planner"}
    zh, en = targets_table([row], "zh"), targets_table([row], "en")
    assert zh.count("规划方给定") == 1 and "每减少 1 tCO2 增加 12.74 元/年" in zh
    assert en.count("stated by the planner") == 1


def test_a_front_on_representative_days_says_so_and_shows_the_headline_plan_over_the_full_year(tmp_path):
    """--objective pareto --representative-days: the front's points hold the days' values, and the
    point marked "headline plan" sat at the days' cost (office example: 11.37 M CNY/yr, 5,558 t)
    beside a headline of the full year's 12.39 M CNY/yr and 5,602 t, with nothing saying why. Each
    point says what it was sized on; the headline plan's point carries the full-year values the
    headline gives, and the report draws them and says so (zh and en)."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from twin.cli import main

    tiny = Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml"
    out = tmp_path / "front"
    r = CliRunner().invoke(main, ["run", str(tiny), "-o", str(out), "-q", "--objective", "pareto",
                                  "--pareto-points", "3", "--representative-days", "6"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {p["sized_on"] for p in s["pareto"]} == {"6 representative days"}
    head = next(p for p in s["pareto"] if p["headline"])
    assert head["full_year"] == {"cost_cny": s["annualised_cost_cny"],
                                 "residual_tco2": s["emissions_tco2"]["residual"]}
    assert head["cost_cny"] != s["annualised_cost_cny"]  # the days' value is not the full year's
    assert "full_year" not in next(p for p in s["pareto"] if not p["headline"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "前沿各点均按 6 个典型日定容" in html
    assert "前沿各点均按典型日定容，本方案（最低成本端）按全年调度" in html  # the solver table's note, in Chinese
    from twin.report import fig_pareto
    star = fig_pareto(s, "zh").data[1]
    assert star.name == "本方案（全年调度）"
    assert (star.x[0], star.y[0]) == (s["emissions_tco2"]["residual"], s["annualised_cost_cny"] / 1e4)
    from twin.fmt import fmt_value
    assert f"全年为 {fmt_value(s['annualised_cost_cny'])} 元/年" in html
    from twin.report import render_report
    import xarray as xr
    with xr.open_dataset(out / "results.nc") as ds:
        en = render_report(ds.load(), s, lang="en")
    assert "Every point of the front is sized on 6 representative days" in en


def test_a_front_on_the_modelled_horizon_needs_no_such_note(tmp_path):
    from twin.report import pareto_note
    from twin.results.summary import _pareto_basis

    s = {"hours": 72, "pareto": [{"headline": True, "cost_cny": 1.0, "residual_tco2": 2.0}],
         "annualised_cost_cny": 1.0, "emissions_tco2": {"residual": 2.0}}
    _pareto_basis(s, None)
    assert s["pareto"][0]["sized_on"] == "the first 72 h" and "full_year" not in s["pareto"][0]
    assert pareto_note(s, "zh") == ""


def test_the_chapters_a_whole_park_score_needs_are_words_not_a_python_list():
    """The scorecard note read "全园区总分需要申报第 ['4', '6', '8', '9', '10'] 章的得分" (and so in English)."""
    from test_assess import Declarations, ParkInfo, assess, ledger

    note = assess(ledger(), Declarations(), ParkInfo(park_type="manufacturing")).aggregate["note"]
    assert note == "whole-park estimate needs declared chapters 4, 5, 6, 8, 9, 10; chapter 7 and 12 shown alone"
    assert phrase(note, "zh") == "全园区总分需要申报第 4, 5, 6, 8, 9, 10 章的得分；此处仅给出第7章和第12章"


def test_twin_compare_gives_bonus_points_in_chinese():
    from twin.report_text import unit

    assert unit("points", "zh") == "分" and unit("points", "en") == "points"


def test_a_declared_v2g_charger_share_counts_only_as_far_as_the_plan_builds_it():
    """The office example declares 30 % bidirectional chargers and prices them
    (costs.v2g_charger_extra); the optimiser built none, yet item 12.1 scored a point for the
    declared 30 % beside "V2G discharge 0 kW" and costs without those chargers. The share counts
    at the plan's, and the evidence says why (zh too); a plan that builds them keeps the declaration."""
    from pathlib import Path

    from twin.evaluate import declarations_of_plan
    from twin.report_scorecard import _evidence
    from twin.scenario.loader import load_scenario

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "office_guangzhou.yaml").scenario
    d = declarations_of_plan(sc, {"ev_v2g_chargers": {"employee cars": 0.0}})
    assert d.v2g_charger_share.value == 0.0
    ev = d.v2g_charger_share.evidence
    assert ev.endswith("; declared 30.0%, but the plan builds 0 of 200 chargers bidirectional (0.0%)")
    assert "规划只建设 0/200 台双向充电桩（0.0%），按规划计" in _evidence(ev, "zh")
    assert "充电设施规划: 60 of 200 chargers bidirectional (example)</span>" in _evidence(ev, "zh")
    kept = declarations_of_plan(sc, {"ev_v2g_chargers": {"employee cars": 60.0}})
    assert kept.v2g_charger_share.value == 0.3 and kept is sc.declarations
    assert declarations_of_plan(sc, {}) is sc.declarations  # V2G not sized by the optimiser: as declared
    # the LP's fractional number of chargers as it is, beside the share it gives (a Hefei cold-chain park:
    # "builds 2 of 60 chargers bidirectional (2.5%)" for 1.51 chargers)
    part = declarations_of_plan(sc, {"ev_v2g_chargers": {"employee cars": 5.06}}).v2g_charger_share.evidence
    assert part.endswith("but the plan builds 5.06 of 200 chargers bidirectional (2.5%)")
    assert "规划只建设 5.06/200 台双向充电桩（2.5%），按规划计" in _evidence(part, "zh")


def test_the_solver_notes_of_an_undecided_confirmation_are_in_chinese():
    assert phrase("HiPO reported the model infeasible; IPX, asked to confirm, ended undecided (Solve error)",
                  "zh") == "HiPO 判定模型不可行；用 IPX 复核时未得出结论（Solve error）"
    assert phrase("sizing on the 8 representative days: HiPO reported the model infeasible; IPX, asked to confirm, "
                  "ended undecided (Solve error)", "zh").startswith("按 8 个典型日定容时：HiPO 判定模型不可行")
    assert phrase("the interior-point solver reported the model infeasible; the simplex method, asked to confirm, "
                  "ended undecided (Unknown), so the verdict stands", "zh").endswith("维持该判定")
    # the re-solve that decides (the slow Qingdao test meets it only when the interior point says so)
    assert phrase("sizing on the 8 representative days: the interior-point solver reported the model infeasible; "
                  "re-solved with the simplex method to confirm, which the later re-solves of this model use",
                  "zh").startswith("按 8 个典型日定容时：内点法判定模型不可行；已用单纯形法复核求解")


def test_an_infeasible_baseline_says_which_existing_plant_to_raise():
    from twin.run import baseline_hint

    msg = ("baseline is infeasible: sizing problem infeasible — unmet heat demand: short by up to 3750.62 kW in 4 "
           "steps (451722 kWh over the year)")
    hint = baseline_hint(msg)
    assert "today's park" in hint and "boilers[].existing_kw" in hint and "chillers" not in hint
    assert "grid.import_limit_kw" in baseline_hint("grid import limit: short by up to 12 kW")
    assert baseline_hint("EV energy shortfall of fleet x: short by 3 kWh") == ""
