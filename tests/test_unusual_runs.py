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
