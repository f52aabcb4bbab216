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


def test_a_falling_trend_is_said_in_numbers_beside_the_national_one(tmp_path):
    """A Harbin logistics pathway (new-user review): Heilongjiang's 0.6342, 0.5368, 0.5229
    kgCO2/kWh (2021-2023) extend to 0.342 in 2026 and 0.119 in 2030, and the only note said
    'a PROJECTION (linear trend ...)'. The pathway's notes now give the fall per year, each
    period's value, the change on 2023 and the year the line reaches zero, beside the national
    average's own line, in both languages."""
    from twin.pathway.runner import falling_trend_note

    f = tmp_path / "harbin.yaml"
    f.write_text("""
park: {name: t, type: logistics}
site: {city: 哈尔滨}
process_loads: [{name: l, annual_mwh: 100, shape: logistics_handling}]
grid:
  import_limit_kw: 100
  tariff: {name: flat, source: test, prices_cny_per_kwh: {flat: 0.6}}
  emission_factor: {level: provincial, year: 2023}
pathway: {periods: [2026, 2030, 2035], end_year: 2040, grid_factor: {projection: trend}}
""", encoding="utf-8")
    sc = load_scenario(f).scenario
    factors = grid_factor_path(sc, sc.pathway)
    assert [round(factors[y][0], 4) for y in (2026, 2030, 2035)] == [0.342, 0.1194, 0.0]
    note = falling_trend_note(sc, sc.pathway, factors)
    assert note.startswith("the projected grid factors fall 0.0557 kgCO2/kWh a year (10.6% of the 2023 value "
                           "0.5229), the least-squares line of the published provincial factors 2021-2023: "
                           "2026 0.342, 2030 0.119, 2035 0.000 kgCO2/kWh (-100% on 2023 by 2035), held at zero "
                           "from 2033; the national average's line over the same years falls 0.0131 kgCO2/kWh a "
                           "year (2.5%); ")
    zh = phrase(note, "zh")
    assert zh.startswith("预测的电网排放因子每年下降 0.0557 kgCO2/kWh（为 2023 年数值 0.5229 的 10.6%）")
    assert "自 2033 年起取零" in zh and "同期全国平均因子的直线每年下降 0.0131" in zh
    assert not any(w in zh for w in ("fall", "national", "line", "published", "plan "))
    # a planner's own values, or a constant projection: nothing projected, nothing said
    own = load_scenario(f, overrides={"pathway.grid_factor.values_kgco2_per_kwh": {2026: 0.5, 2030: 0.45,
                                                                                  2035: 0.4}}).scenario
    assert falling_trend_note(own, own.pathway, grid_factor_path(own, own.pathway)) is None
    flat = load_scenario(f, overrides={"pathway.grid_factor.projection": "constant"}).scenario
    assert falling_trend_note(flat, flat.pathway, grid_factor_path(flat, flat.pathway)) is None
