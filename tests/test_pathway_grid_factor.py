"""The pathway's projected grid factor: the published trend, but a rising one is held."""

import pytest

from twin.pathway.periods import projected_factor
from twin.pathway.runner import grid_factor_path
from twin.report_text import phrase
from twin.scenario.loader import load_scenario

SICHUAN = {2021: 0.1255, 2022: 0.1404, 2023: 0.1564}  # [mee-nbs-ef-2021..2023]


def test_a_falling_trend_is_extended_a_rising_one_held():
    v, held = projected_factor({2021: 0.6, 2022: 0.58, 2023: 0.56}, 2030)
    assert v == pytest.approx(0.42) and not held
    # Sichuan's three published years rise; extended they would give 0.342 in 2035
    assert projected_factor(SICHUAN, 2035) == (0.1564, True)
    assert projected_factor({2023: 0.5}, 2035) == (0.5, False)


def test_pathway_labels_the_held_factor_in_both_languages(tmp_path):
    f = tmp_path / "chengdu.yaml"
    f.write_text("""
park: {name: t, type: logistics}
site: {city: Chengdu, province: sichuan}
process_loads: [{name: l, annual_mwh: 100, shape: logistics_handling}]
grid:
  import_limit_kw: 100
  tariff: {name: flat, source: test, prices_cny_per_kwh: {flat: 0.6}}
  emission_factor: {level: provincial, year: 2023}
pathway: {periods: [2026, 2035], grid_factor: {projection: trend}}
""", encoding="utf-8")
    sc = load_scenario(f).scenario
    factors = grid_factor_path(sc, sc.pathway)
    v, label = factors[2035]
    assert v == pytest.approx(0.1564)
    assert "rise; held at the 2023 value in 2035" in label
    assert phrase(label, "zh") == "预测值，非官方数值：已发布的省级因子（2021–2023年）逐年上升；2035年按2023年数值保持（不外推上升趋势）"
