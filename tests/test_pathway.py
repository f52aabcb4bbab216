"""Pathways over the years: periods, vintages, myopic staging by hand, outputs that agree.

The staging test builds a park whose PV does not pay in the first period and pays in the
second once its capex has fallen: the value of a kWp is computed by hand from the hourly
prices and PV output the run itself uses, and the capex is set 25 % above and 40 % below it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml
from click.testing import CliRunner

from solvers.problem import capital_recovery_factor
from twin.pathway.periods import learning, linear_trend, period_spans, period_weights
from twin.pathway.spec import PathwaySpec
from twin.pathway.vintages import Vintage, capacity_in, capital_charge, retiring

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
EXAMPLE = ROOT / "scenarios" / "logistics_qingdao_pathway.yaml"


# ----------------------------------------------------------------------------- pure functions
def test_period_weights_are_discounted_years():
    w = period_weights([2026, 2028, 2030], 2035, 0.08)
    assert w[0] == pytest.approx(1 + 1 / 1.08)
    assert w[2] == pytest.approx(sum(1.08 ** -k for k in range(4, 9)))
    assert period_spans([2026, 2028], 2031) == [(2026, 2028), (2028, 2031)]
    assert period_weights([2026], 2031, 0.0)[0] == 5


def test_linear_trend_and_learning():
    assert linear_trend({2021: 0.6, 2022: 0.58, 2023: 0.56}, 2030) == pytest.approx(0.42)
    assert linear_trend({2021: 0.3, 2022: 0.2}, 2040) == 0.0  # held at zero
    assert linear_trend({2023: 0.5}, 2035) == 0.5
    assert learning(0.1, 2) == pytest.approx(0.81)


def test_vintages_live_fade_retire_and_pay():
    v = Vintage("battery_kwh", None, 2026, 1000.0, 600.0, lifetime_yr=10, om_fraction_per_yr=0.01, fade_per_yr=0.02)
    assert v.in_service(2026) and v.in_service(2035) and not v.in_service(2036) and not v.in_service(2025)
    assert v.capacity(2030) == pytest.approx(1000 * (1 - 0.08))
    assert v.capacity(2036) == 0.0
    assert v.annual_cost(0.08) == pytest.approx(600_000 * (capital_recovery_factor(0.08, 10) + 0.01))
    pv = Vintage("pv_kwp", "roof", 2028, 50.0, 3000.0, lifetime_yr=25)
    assert capacity_in([v, pv], "pv_kwp", "roof", 2030) == 50.0
    assert capacity_in([v, pv], "pv_kwp", "roof", 2027) == 0.0
    assert capital_charge([v, pv], 2027, 0.08) == pytest.approx(v.annual_cost(0.08))
    assert retiring([v, pv], 2030, 2040) == [v]


@pytest.mark.parametrize("bad, match", [
    ({"periods": [2030, 2026]}, "ascending"),
    ({"periods": [2026, 2030], "period_overrides": {2028: {"carbon.carbon_price_cny_per_t": 1}}}, "not periods"),
    ({"periods": [2026], "cost_learning_per_year": {"solar": 0.1}}, "unknown cost entries"),
    ({"periods": [2026, 2030], "end_year": 2030}, "after the last period"),
])
def test_spec_rejects_what_it_cannot_run(bad, match):
    with pytest.raises(ValueError, match=match):
        PathwaySpec(**bad)


# ----------------------------------------------------------------------------- myopic staging by hand
def _tiny(tmp_path: Path, pathway: dict, **changes) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["grid"]["demand_charge_cny_per_kw_month"] = 0.0  # PV is worth its energy only
    data.update(changes)
    data["pathway"] = pathway
    p = tmp_path / "park.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


HOURS = 168


def _pv_value_per_kwp(path: Path) -> float:
    """Energy bought that one kWp saves in a year, at full self-consumption [CNY/(kWp yr)]."""
    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    loaded = load_scenario(path)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=HOURS))
    prof = r.profiles
    ac = prof["pv_ac_per_kwp"].sel(pv_array="roof").to_numpy()
    price = prof["price_import_cny_per_kwh"].to_numpy()
    return float((ac * price).sum() * 8760.0 / HOURS)


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    from twin.pathway.runner import run_pathway

    tmp = tmp_path_factory.mktemp("staging")
    probe = _tiny(tmp, {"periods": [2026, 2030]}, battery=None)
    value = _pv_value_per_kwp(probe)
    crf = capital_recovery_factor(0.08, 25)
    hi, lo = 1.25 * value / crf, 0.6 * value / crf
    rate = 1.0 - (lo / hi) ** 0.25  # four years of learning bring the capex from hi to lo
    costs = yaml.safe_load(TINY.read_text(encoding="utf-8"))["costs"]
    costs["pv"] = {"capex_cny_per_unit": hi, "lifetime_years": 25, "om_fraction_per_year": 0.0}
    costs["discount_rate"] = 0.08
    path = _tiny(tmp, {"periods": [2026, 2030], "end_year": 2035, "representative_days": None,
                       "cost_learning_per_year": {"pv": rate}}, battery=None, costs=costs)
    return run_pathway(path, hours=HOURS), hi, lo


def test_pv_waits_for_the_period_in_which_it_pays(staged):
    res, hi, lo = staged
    first, second = res.periods
    assert first.built.get("pv_kwp[roof]", 0.0) == 0.0  # 25 % above its value: not built
    assert second.built.get("pv_kwp[roof]", 0.0) > 10.0  # 40 % below: built
    assert second.inputs["cost_factors"]["pv"] * hi == pytest.approx(lo)
    assert second.run.loaded.scenario.costs.pv.capex_cny_per_unit == pytest.approx(lo)
    [v] = res.vintages
    assert v.year == 2030 and v.unit_capex_cny == pytest.approx(lo)
    # the pathway's cost: each period's operation plus the annuities of what is in service
    assert first.capital_charge_cny == 0.0
    assert second.capital_charge_cny == pytest.approx(v.annual_cost(0.08))
    w = period_weights([2026, 2030], 2035, 0.08)
    assert res.npv_cost_cny == pytest.approx(w[0] * first.annual_cost_cny + w[1] * second.annual_cost_cny)


def test_assets_retire_at_end_of_life_and_are_rebuilt(tmp_path):
    from twin.pathway.runner import run_pathway

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = data["costs"]
    costs["battery_energy"]["lifetime_years"] = 3
    costs["battery_power"]["lifetime_years"] = 3
    path = _tiny(tmp_path, {"periods": [2026, 2030], "representative_days": None}, costs=costs,
                 battery={"name": "bess", "min_kwh": 200.0, "min_kw": 50.0})
    res = run_pathway(path, hours=48)
    first, second = res.periods
    assert first.built["battery_kwh[bess]"] >= 200.0 - 1e-6
    assert [r["key"] for r in first.retired] == ["battery_kwh", "battery_kw"]  # 2026 + 3 < 2030
    assert second.existing["battery_kwh[bess]"] == 0.0  # nothing of 2026 left in 2030
    assert second.built["battery_kwh[bess]"] >= 200.0 - 1e-6  # the minimum is met again by a new build
    assert second.inputs["overrides"]["batteries[bess].existing_kwh"] == 0.0


@pytest.mark.parametrize("mode", ["myopic", "foresight"])
def test_an_asset_retiring_inside_a_period_is_replaced_and_stops_paying(tmp_path, mode):
    """A battery of 2026 with a 6-year life retires in 2032, inside the period 2030-2034: that period
    does not count it (its plan must hold in 2032-2034 too), builds its own, and the 2026 battery's
    annuity is charged in 2030 and 2031 only."""
    from twin.pathway.periods import year_weights
    from twin.pathway.runner import run_pathway

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = data["costs"]
    costs["battery_energy"] = {"capex_cny_per_unit": 5000.0, "lifetime_years": 6}  # never pays: minimum only
    costs["battery_power"] = {"capex_cny_per_unit": 3000.0, "lifetime_years": 6}
    costs["pv"]["capex_cny_per_unit"] = 1e5
    costs["discount_rate"] = 0.08
    path = _tiny(tmp_path, {"periods": [2026, 2030], "end_year": 2035, "representative_days": None, "mode": mode},
                 costs=costs, battery={"name": "bess", "min_kwh": 200.0, "min_kw": 50.0})
    res = run_pathway(path, hours=48)
    first, second = res.periods
    assert first.retired == []
    assert [(r["key"], r["retirement_year"], r["counted"]) for r in second.retired] == [
        ("battery_kwh", 2032, False), ("battery_kw", 2032, False)]
    assert second.existing["battery_kwh[bess]"] == 0.0  # not counted: it is gone in 2032
    assert second.inputs["overrides"]["batteries[bess].existing_kwh"] == 0.0
    assert second.built["battery_kwh[bess]"] == pytest.approx(200.0, rel=1e-4)  # replaced in 2030
    old = [v for v in res.vintages if v.year == 2026]
    new = [v for v in res.vintages if v.year == 2030]
    assert {v.key for v in old} == {v.key for v in new} == {"battery_kwh", "battery_kw"}
    a_old, a_new = (sum(v.annual_cost(0.08) for v in vs) for vs in (old, new))
    by_year = second.capital_charge_by_year
    assert by_year[2030] == by_year[2031] == pytest.approx(a_old + a_new)
    assert by_year[2032] == by_year[2033] == by_year[2034] == pytest.approx(a_new)  # the 2026 battery stops paying
    d = year_weights([2026, 2030], 2035, 0.08)[1]
    assert second.capital_charge_cny == pytest.approx(sum(d[y] * c for y, c in by_year.items()) / sum(d.values()))
    assert first.capital_charge_by_year == {y: pytest.approx(a_old) for y in range(2026, 2030)}
    assert res.npv_cost_cny == pytest.approx(sum(p.weight * p.annual_cost_cny for p in res.periods))
    assert any("not counted as existing capacity" in n for n in res.notes)


def test_the_report_says_how_retirement_inside_a_period_is_counted():
    from twin.report_pathway import render_pathway_report

    row = {"year": 2035, "end_year": 2040, "built": {}, "sizes": {}, "inputs": {"grid_factor_kgco2_per_kwh": 0.5,
           "grid_factor_source": "the scenario's constant factor, held"}, "core_indicator": None,
           "emissions_tco2": {"baseline": 1.0, "residual": 1.0, "offsets": 0.0, "net": 1.0},
           "annual_cost_cny_per_yr": 1.0, "operating_cost_cny_per_yr": 1.0, "capital_charge_cny_per_yr": 0.0,
           "retired": [{"key": "battery_kwh", "asset": "bess", "year": 2026, "size": 100.0, "retirement_year": 2038}]}
    s = {"park": {"name": "p"}, "pathway": {"mode": "myopic", "periods": [2035], "end_year": 2040, "npv_cost_cny": 1.0,
                                            "discount_rate": 0.08, "notes": [], "by_period": [row],
                                            "first_year_met": {"core_indicator_pass": None, "net_zero": None}}}
    en, zh = render_pathway_report(s, lang="en"), render_pathway_report(s, lang="zh")
    assert "(2026–2038)" in en and "is not counted as existing capacity of that period" in en
    assert "不计入该阶段的现有容量" in zh


# ----------------------------------------------------------------------------- outputs
def test_outputs_agree_and_the_cli_writes_them(tmp_path):
    from twin.cli import main

    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(EXAMPLE), "-o", str(out), "--hours", "48", "-q", "--lang", "zh"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    pw = s["pathway"]
    assert pw["periods"] == [2026, 2028, 2030, 2035]
    rows = pw["by_period"]
    # every period's figures equal that period's own run outputs
    for row in rows:
        own = json.loads((out / "periods" / str(row["year"]) / "summary.json").read_text(encoding="utf-8"))
        assert row["emissions_tco2"] == own["emissions_tco2"]
        assert (out / "periods" / str(row["year"]) / "report.html").exists()
        # the period's own outputs name its projected factor as such, not as the user's constant
        # (a Lanzhou pathway's period reports read 'user constant factor 0.159' for a trend projection)
        assert own["grid_emission_factor"]["source"] == row["inputs"]["grid_factor_source"]
        assert own["grid_emission_factor"]["mean_kgco2_per_kwh"] == pytest.approx(
            row["inputs"]["grid_factor_kgco2_per_kwh"])
        page = (out / "periods" / str(row["year"]) / "report.html").read_text(encoding="utf-8")
        assert "规划方给定的常数因子" not in page and "预测值" in page
    assert pw["npv_cost_cny"] == pytest.approx(sum(r["weight"] * r["annual_cost_cny_per_yr"] for r in rows))
    # the grid factor falls along the published trend and says it is a projection
    f = [r["inputs"]["grid_factor_kgco2_per_kwh"] for r in rows]
    assert f == sorted(f, reverse=True) and "PROJECTION" in rows[-1]["inputs"]["grid_factor_source"]
    assert rows[-1]["solver"]["objective"] == "net_zero" and rows[0]["solver"]["objective"] == "min_cost"
    with xr.open_dataset(out / "results.nc") as ds:
        assert list(ds["period"].values) == [2026, 2028, 2030, 2035]
        assert np.allclose(ds["co2_net_t"].values, [r["emissions_tco2"]["net"] for r in rows])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "园区零碳路径" in html and "periods/2035/report.html" in html
    # the site's weather and radiation basis, as every period's own summary states them
    own = json.loads((out / "periods" / "2026" / "summary.json").read_text(encoding="utf-8"))
    assert s["weather"]["radiation_basis"] == own["weather"]["radiation_basis"] == "tmyx"
    assert s["weather"]["annual_ghi_kwh_m2"] == own["weather"]["annual_ghi_kwh_m2"]
    assert "辐射基准 tmyx" in html and "年总辐射预期不确定度" in html


def test_pathway_report_is_in_one_language(tmp_path):
    from report_text_check import wrong_language
    from twin import report_text
    from twin.report_pathway import render_pathway_report
    from twin.cli import main

    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(EXAMPLE), "-o", str(out), "--hours", "24", "-q"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    words = set(s["park"]["name"].split()) | {"roof", "bess", "warehouse", "cold", "store"}
    for lang in ("zh", "en"):
        page = render_pathway_report(s, lang=lang)
        assert not wrong_language(page, lang, words), wrong_language(page, lang, words)[:5]
    assert not report_text.MISSING


def test_period_overrides_are_checked_with_their_lines_before_anything_is_solved(tmp_path):
    """Each period's overrides are validated as the period will load them; every problem names the
    file and line of its entry in period_overrides (in the file of the extends chain holding it)."""
    from twin.cli import main

    base = _tiny(tmp_path, {"periods": [2026, 2030, 2035],
                            "period_overrides": {2035: {"costs.pv.lifetime_years": 0}}})
    base_line = next(i for i, t in enumerate(base.read_text(encoding="utf-8").splitlines(), 1)
                     if "costs.pv.lifetime_years" in t)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {base.name}\n"
                   "pathway:\n"
                   "  period_overrides:\n"
                   "    2030:\n"
                   "      objective.kind: net_zeor\n"
                   "      costs.pv.capex_cny_per_unit: -5\n"
                   "      pv_arrays[attic].max_kwp: 10\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{bad}:5: pathway.period_overrides.2030.objective.kind: Input should be 'min_cost'" in r.output
    assert "(got 'net_zeor')" in r.output
    assert f"{bad}:6: pathway.period_overrides.2030.costs.pv.capex_cny_per_unit: Input should be greater than or " \
           "equal to 0 (got -5)" in r.output
    assert f"{bad}:7: pathway.period_overrides.2030.pv_arrays[attic].max_kwp: " in r.output and "attic" in r.output
    assert f"{base}:{base_line}: pathway.period_overrides.2035.costs.pv.lifetime_years: " in r.output
    assert r.output.count("net_zeor") == 1  # reported once, not again for 2035
    # twin pathway stops on the same problems before the first period is solved
    r = CliRunner().invoke(main, ["pathway", str(bad), "-o", str(tmp_path / "out"), "--hours", "24"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{bad}:5: pathway.period_overrides.2030.objective.kind" in r.output
    assert "period 2026-" not in r.output and not (tmp_path / "out").exists()
    r = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    assert r.exit_code == 0 and "OK" in r.output


def test_a_target_out_of_reach_is_a_result_stated_everywhere(tmp_path):
    """A 910号 core target no plan of the tiny park can reach in 2030: the pathway is written, the
    period planned for its best value, the shortfall in the console, summary.json, results.nc and
    both reports, with the same numbers."""
    from report_text_check import wrong_language
    from twin.cli import main
    from twin.report_pathway import render_pathway_report

    path = _tiny(tmp_path, {"periods": [2026, 2030], "representative_days": None,
                            "period_overrides": {2030: {"targets.core_indicator_max_tco2_per_tce": 0.3}}})
    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(path), "-o", str(out), "--hours", "48", "-q", "--lang", "en"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    pw = json.loads((out / "summary.json").read_text(encoding="utf-8"))["pathway"]
    [sf] = pw["shortfalls"]
    assert sf["year"] == 2030 and sf["name"] == "core" and sf["target"] == 0.3 and sf["value"] > 0.3
    assert sf["gap"] == pytest.approx(sf["value"] - 0.3)
    assert f"2030: OUT OF REACH — {sf['sentence']}" in r.output  # said even with -q
    assert "910号 core indicator ≤ 0.3 tCO2/tce (acceptance basis) is out of reach on the first 48 h" in sf["sentence"]
    first, second = pw["by_period"]
    assert first["targets_met"] and not second["targets_met"] and second["shortfalls"][0]["value"] == sf["value"]
    own = json.loads((out / "periods" / "2030" / "summary.json").read_text(encoding="utf-8"))
    [t] = own["targets"]
    assert own["shortfalls"][0]["sentence"] == sf["sentence"]
    assert t["out_of_reach"] and t["target"] == 0.3 and t["value"] == pytest.approx(sf["value"], rel=1e-12)
    assert t["label"] == "910号 core indicator ≤ 0.3 tCO2/tce (acceptance basis)"
    # the plan's own accounts: CO2 on the acceptance basis per tce of energy used
    assert sf["short"] == pytest.approx((sf["value"] - 0.3) * t["energy_tce"], rel=1e-9)
    with xr.open_dataset(out / "results.nc") as ds:
        assert list(ds["targets_met"].values) == [1.0, 0.0]
    assert "Targets out of reach" in (out / "periods" / "2030" / "report.html").read_text(encoding="utf-8")
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    words = set(s["park"]["name"].split()) | {"roof", "bess", "line"}
    en, zh = render_pathway_report(s, lang="en"), render_pathway_report(s, lang="zh")
    assert "Targets out of reach" in en and sf["sentence"] in en
    assert "未能达到的目标" in zh and "按前 48 小时计算无法达到" in zh
    for page, lang in ((en, "en"), (zh, "zh")):
        assert not wrong_language(page, lang, words), wrong_language(page, lang, words)[:5]


def test_a_period_that_cannot_be_solved_keeps_the_finished_ones(tmp_path):
    """Period 2030 cannot be solved at all (an import limit of 1 kW): the 2026 period is written,
    marked incomplete, and the error names the period and why."""
    from twin.cli import main

    path = _tiny(tmp_path, {"periods": [2026, 2030], "representative_days": None,
                            "period_overrides": {2030: {"grid.import_limit_kw": 1}}})
    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(path), "-o", str(out), "--hours", "24", "-q", "--lang", "en"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "twin pathway: period 2030: " in r.output and "infeasible" in r.output
    assert f"the finished period(s) 2026 are written to {out}" in r.output
    pw = json.loads((out / "summary.json").read_text(encoding="utf-8"))["pathway"]
    assert pw["complete"] is False and pw["failed_period"]["year"] == 2030 and pw["periods"] == [2026]
    assert pw["planned_periods"] == [2026, 2030] and pw["npv_cost_cny"] is None
    assert (out / "periods" / "2026" / "summary.json").exists() and not (out / "periods" / "2030").exists()
    assert "Pathway incomplete" in (out / "report.html").read_text(encoding="utf-8")
    with xr.open_dataset(out / "results.nc") as ds:
        assert ds.attrs["complete"] == 0 and list(ds["period"].values) == [2026]


def test_a_scenario_without_pathway_is_refused_clearly(tmp_path):
    from twin.cli import main

    r = CliRunner().invoke(main, ["pathway", str(TINY), "-o", str(tmp_path / "x"), "-q"])
    assert r.exit_code == 1 and "no 'pathway' section" in r.output and "Traceback" not in r.output


@pytest.mark.slow
def test_example_pathway_full_year(tmp_path):
    from twin.pathway.runner import run_pathway

    res = run_pathway(EXAMPLE)
    rows = [p.run.summary for p in res.periods]
    assert all(s["hours"] == 8760 and s["solver"]["status"] == "optimal" for s in rows)
    last = rows[-1]["emissions_tco2"]
    assert last["net"] <= 1e-3 * max(last["baseline"], 1.0)  # net zero in 2035, as the scenario asks


def test_capacity_without_vintages_keeps_its_annuity_in_the_period_cost(tmp_path):
    """Bidirectional chargers have no existing-size field, so each period chooses them again:
    their annuity must stay in the period's cost (it was dropped with the vintage annuities)."""
    from twin.pathway.runner import run_pathway

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = {**data["costs"], "v2g_charger_extra": {"capex_cny_per_unit": 1000, "lifetime_years": 10}}
    fleet = {"name": "staff cars", "kind": "employee_car", "vehicles": 60, "chargers": 30, "charger_kw": 7,
             "mode": "v2g", "v2g_share": 0.5}
    # the weather of seed 0, whose first two days make the V2G chargers worth building
    path = _tiny(tmp_path, {"periods": [2026, 2030], "representative_days": None}, costs=costs, ev_fleets=[fleet],
                 site={**data["site"], "weather_seed": 0})
    res = run_pathway(path, hours=48)
    first = res.periods[0]
    c = first.run.result.costs
    v2g = {k: v for k, v in c["capex_annualised"].items() if k.startswith("ev_v2g_chargers")}
    assert v2g and sum(v2g.values()) > 0  # chargers were built in the first period
    # nothing existed before 2026: the period's cost on the pathway is its own run's cost
    assert first.annual_cost_cny == pytest.approx(c["total"], rel=1e-9)
    assert first.operating_cost_cny >= sum(v2g.values())


def test_a_pathway_starting_before_the_planning_year_is_refused(tmp_path):
    """Today's park (its existing assets) is the planning year's: a first period before it planned
    investments in the past with that park standing there. Refused with the file's line."""
    from twin.cli import main

    p = _tiny(tmp_path, {"periods": [2022, 2030]})
    r = CliRunner().invoke(main, ["validate", str(p)], catch_exceptions=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "pathway.periods: the first period 2022 is before park.planning_year 2025" in r.output
    assert f"{p}:" in r.output
