"""Perfect-foresight pathways: staging computable by hand, myopic no better, retirement in the joint LP.

The staging case: a park whose PV does not pay on its energy alone (capex 25 % above the value of a
kWp, computed by hand from the hourly prices and PV output the run uses) and whose capex RISES by
10 %/yr, with a cap on residual emissions in the second period that needs ``X`` kWp of PV (the cap is
the baseline minus what ``X`` kWp save at a flat grid factor). Myopic waits and builds ``X`` in the
second period at the higher capex; foresight builds ``X`` in the first period, when it is cheaper,
because (per kWp, discounted years ``W1``, ``W2``, value ``v``, capex ``c1 < c2``)
``W1 (c1 CRF - v) < W2 CRF (c2 - c1)``. The two present values differ by
``X [W2 CRF (c2 - c1) - W1 (c1 CRF - v)]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from solvers.problem import capital_recovery_factor
from twin.pathway.periods import period_weights

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
HOURS = 168
EF = 0.5  # flat grid factor of both periods [kgCO2/kWh]
X = 40.0  # PV the second period's cap needs [kWp]
GROWTH = 0.10  # PV capex rises 10 %/yr


def _write(tmp: Path, pathway: dict, name: str = "park.yaml", **changes) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["grid"]["demand_charge_cny_per_kw_month"] = 0.0  # PV is worth its energy only
    data.update(changes)
    data["pathway"] = pathway
    p = tmp / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    from twin.pathway.runner import run_pathway
    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    tmp = tmp_path_factory.mktemp("foresight")
    flat = {"values_kgco2_per_kwh": {2026: EF, 2030: EF}}
    probe = _write(tmp, {"periods": [2026, 2030], "grid_factor": flat}, "probe.yaml", battery=None)
    loaded = load_scenario(probe)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=HOURS))
    prof = r.profiles
    ac = prof["pv_ac_per_kwp"].sel(pv_array="roof").to_numpy()
    price = prof["price_import_cny_per_kwh"].to_numpy()
    load = r.result.dispatch["p_load_kw"].to_numpy()
    assert (load - X * ac).min() > 0.0  # X kWp are fully self-consumed: the hand computation holds
    scale = 8760.0 / HOURS
    value = float((ac * price).sum() * scale)  # [CNY/(kWp yr)]
    saved_t = float(EF * 1e-3 * ac.sum() * scale)  # [tCO2/(kWp yr)]
    e0 = float(EF * 1e-3 * load.sum() * scale)  # baseline residual [tCO2/yr]
    crf = capital_recovery_factor(0.08, 25)
    c1 = 1.25 * value / crf
    c2 = c1 * (1.0 + GROWTH) ** 4
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = data["costs"]
    costs["pv"] = {"capex_cny_per_unit": c1, "lifetime_years": 25, "om_fraction_per_year": 0.0}
    costs["discount_rate"] = 0.08
    pathway = {"periods": [2026, 2030], "end_year": 2035, "representative_days": None, "grid_factor": flat,
               "cost_learning_per_year": {"pv": -GROWTH},
               "period_overrides": {2030: {"objective.max_residual_emissions_t": e0 - X * saved_t}}}
    out = {}
    for mode in ("myopic", "foresight"):
        path = _write(tmp, {**pathway, "mode": mode}, f"{mode}.yaml", battery=None, costs=costs)
        out[mode] = run_pathway(path, hours=HOURS)
    return out, value, crf, c1, c2


def test_foresight_builds_pv_early_where_myopic_waits(case):
    out, value, crf, c1, c2 = case
    my, fs = out["myopic"], out["foresight"]
    assert my.periods[0].built.get("pv_kwp[roof]", 0.0) == 0.0  # does not pay in 2026 on its own
    assert my.periods[1].built["pv_kwp[roof]"] == pytest.approx(X, rel=1e-3)  # the 2030 cap needs X
    assert fs.periods[0].built["pv_kwp[roof]"] == pytest.approx(X, rel=1e-3)  # built while cheap
    assert fs.periods[1].built.get("pv_kwp[roof]", 0.0) == 0.0
    [v] = fs.vintages
    assert v.year == 2026 and v.unit_capex_cny == pytest.approx(c1)
    assert fs.periods[1].existing["pv_kwp[roof]"] == pytest.approx(X, rel=1e-3)  # still in service in 2030
    assert fs.periods[1].sizes["pv_kwp[roof]"] == pytest.approx(X, rel=1e-3)
    # the 2030 cap holds in both
    for res in (my, fs):
        assert res.periods[1].run.summary["solver"]["status"] == "optimal"
    w1, w2 = period_weights([2026, 2030], 2035, 0.08)
    assert w1 * (c1 * crf - value) < w2 * crf * (c2 - c1)  # the hand rule says: build early


def test_myopic_costs_more_than_foresight_by_the_hand_computed_amount(case):
    out, value, crf, c1, c2 = case
    my, fs = out["myopic"], out["foresight"]
    w1, w2 = period_weights([2026, 2030], 2035, 0.08)
    gap = X * (w2 * crf * (c2 - c1) - w1 * (c1 * crf - value))
    assert gap > 0
    assert my.npv_cost_cny > fs.npv_cost_cny
    assert my.npv_cost_cny - fs.npv_cost_cny == pytest.approx(gap, rel=2e-3)
    # the joint LP's optimum is the pathway's present value (full horizon here: no re-dispatch error)
    assert fs.foresight["objective_cny"] == pytest.approx(fs.npv_cost_cny, rel=1e-5)
    assert fs.foresight["status"] == "optimal"


def test_joint_model_retires_at_end_of_life_and_fades_the_battery(tmp_path):
    from twin.pathway.runner import run_pathway

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = data["costs"]
    costs["battery_energy"] = {"capex_cny_per_unit": 5000.0, "lifetime_years": 3}  # never pays: minimum only
    costs["battery_power"] = {"capex_cny_per_unit": 3000.0, "lifetime_years": 3}
    costs["pv"]["capex_cny_per_unit"] = 1e5
    bat = {"name": "bess", "min_kwh": 200.0, "min_kw": 50.0}
    pw = {"periods": [2026, 2030], "representative_days": None, "mode": "foresight"}
    res = run_pathway(_write(tmp_path, pw, costs=costs, battery=bat), hours=48)
    first, second = res.periods
    assert first.built["battery_kwh[bess]"] == pytest.approx(200.0, rel=1e-4)
    assert [r["key"] for r in first.retired] == ["battery_kwh", "battery_kw"]  # 2026 + 3 <= 2030
    assert second.existing["battery_kwh[bess]"] == 0.0
    assert second.built["battery_kwh[bess]"] == pytest.approx(200.0, rel=1e-4)  # the minimum is met again
    assert res.foresight["status"] == "optimal"

    # a long life: the 2026 battery serves 2030 faded by age, and only the fade is topped up
    for k in ("battery_energy", "battery_power"):
        costs[k]["lifetime_years"] = 12
    res = run_pathway(_write(tmp_path, pw, "long.yaml", costs=costs, battery=bat), hours=48)
    first, second = res.periods
    sc = first.run.loaded.scenario
    fade = (1.0 - sc.batteries[0].eol_capacity_fraction) / sc.batteries[0].calendar_life_years
    assert first.built["battery_kwh[bess]"] == pytest.approx(200.0, rel=1e-4)
    assert second.existing["battery_kwh[bess]"] == pytest.approx(200.0 * (1 - 4 * fade), rel=1e-4)
    assert second.built["battery_kwh[bess]"] == pytest.approx(200.0 * 4 * fade, rel=1e-3)
    assert "battery_kw[bess]" not in second.built  # power does not fade
    assert first.retired == []


def test_foresight_refuses_discrete_costs_clearly(tmp_path):
    from twin.pathway.runner import PathwayError, run_pathway

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    costs = data["costs"]
    costs["pv"]["fixed_build_cny"] = 1e5
    path = _write(tmp_path, {"periods": [2026, 2030], "representative_days": None, "mode": "foresight"},
                  costs=costs)
    with pytest.raises(PathwayError, match="LP"):
        run_pathway(path, hours=24)


def test_cli_mode_foresight_writes_the_joint_plan(tmp_path):
    import json

    from click.testing import CliRunner

    from twin.cli import main

    path = _write(tmp_path, {"periods": [2026, 2030], "representative_days": None}, battery=None)
    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(path), "-o", str(out), "--hours", "24", "-q", "--mode", "foresight",
                                  "--lang", "en"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    pw = json.loads((out / "summary.json").read_text(encoding="utf-8"))["pathway"]
    assert pw["mode"] == "foresight" and pw["foresight"]["status"] == "optimal"
    assert pw["foresight"]["objective_cny"] == pytest.approx(pw["npv_cost_cny"], rel=1e-5)
    assert pw["npv_cost_cny"] == pytest.approx(sum(r["weight"] * r["annual_cost_cny_per_yr"] for r in pw["by_period"]))
    assert any("perfect-foresight" in n for n in pw["notes"])
    assert (out / "periods" / "2030" / "report.html").exists()
    from report_text_check import wrong_language
    from twin.report_pathway import render_pathway_report

    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    words = set(s["park"]["name"].split()) | {"roof", "bess", "line"}
    for lang in ("zh", "en"):
        page = render_pathway_report(s, lang=lang)
        assert not wrong_language(page, lang, words), wrong_language(page, lang, words)[:5]
    assert "完全预见" in render_pathway_report(s, lang="zh")


# ----------------------------------------------------------------------------- the joint LP alone (solvers)
def _two_hour(capex: float, life: float, cap_t: float | None):
    """Two hours, 10 kW load, price [1.0, 0.5] CNY/kWh, PV [0, 0.8] kW/kWp, factor 0.6 kg/kWh, r = 0."""
    import numpy as np

    from solvers import AssetCost, Carbon, GridConnection, PVArray, SizingProblem

    grid = GridConnection(price_import_cny_per_kwh=np.array([1.0, 0.5]), ef_grid_kgco2_per_kwh=np.array([0.6, 0.6]))
    cost = AssetCost(capex_cny_per_unit=capex, lifetime_yr=life, discount_rate=0.0)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.array([10.0, 10.0]), grid=grid,
                         pv=[PVArray("roof", np.array([0.0, 0.8]), max_kwp=100.0, cost=cost)],
                         carbon=Carbon(max_residual_emissions_t=cap_t))


@pytest.mark.parametrize("life, early", [(10.0, True), (3.0, False)])
def test_solve_foresight_by_hand(life, early):
    """A kWp saves 0.8 kWh at 0.5 CNY (0.4 CNY/yr) and 0.48 kgCO2; its annuity is 0.5 CNY/yr in 2026 and
    0.6 in 2030 (capex c/L with r = 0). The 2030 cap (12 kg baseline - 2.4 kg) needs X = 5 kWp. With a life
    of 10 years the 2026 build serves 2030: early costs W1 0.1 X - W2 0.1 X = -0.5 against building in 2030
    (W1 = 2, W2 = 3), so foresight builds in 2026: 2 (15 - 2) + 3 (15 - 2) + 5 * 0.5 * 5 = 77.5 CNY.
    With a life of 3 years the 2026 build has retired by 2030, so the build is in 2030: 2 * 15 + 3 * 16 = 78."""
    from solvers.pathway import ForesightPeriod, solve_foresight

    periods = [ForesightPeriod(2026, 2.0, _two_hour(0.5 * life, life, None)),
               ForesightPeriod(2030, 3.0, _two_hour(0.6 * life, life, 0.012 - 5 * 0.48e-3))]
    fr = solve_foresight(periods, vintage_keys={"pv_kwp"})
    b = fr.builds[("pv_kwp", "roof")]
    assert b[2026] == pytest.approx(5.0 if early else 0.0, abs=1e-5)
    assert b[2030] == pytest.approx(0.0 if early else 5.0, abs=1e-5)
    assert fr.objective_cny == pytest.approx(77.5 if early else 78.0, rel=1e-6)
    assert fr.sizes[1]["pv_kwp"]["roof"] == pytest.approx(5.0, rel=1e-6)
    assert fr.sizes[0]["pv_kwp"]["roof"] == pytest.approx(5.0 if early else 0.0, abs=1e-5)
    # the objective is the weighted operating costs plus the vintages' annuities in service
    assert fr.objective_cny == pytest.approx(sum(w * (o + c) for w, o, c in
                                                 zip((2.0, 3.0), fr.operating_cny, fr.capital_cny)), rel=1e-9)


def test_solve_foresight_refuses_lexicographic_and_pareto_objectives():
    from dataclasses import replace

    from solvers.pathway import ForesightPeriod, solve_foresight

    p = replace(_two_hour(5.0, 10.0, None), objective="min_emissions")
    with pytest.raises(ValueError, match="period 2026: objective 'min_emissions'"):
        solve_foresight([ForesightPeriod(2026, 1.0, p)], vintage_keys={"pv_kwp"})


def test_carried_size_and_pinned_bounds_round_alike():
    """The joint LP's 40.000116 kWp (a solver's tolerance past 40) was carried as existing
    rounded to nearest while the pinned maximum was rounded down: 'existing_kwp 40.000116
    exceeds the capacity limit' stopped the pathway."""
    from twin.pathway.foresight import pinned_overrides
    from twin.pathway.runner import existing_overrides
    from twin.pathway.vintages import Vintage

    for total in (40.000116, 40.0000004, 588.0000006, 1234.5678915):
        v = Vintage(key="pv_kwp", asset="roof", year=2026, size=total, unit_capex_cny=1.0,
                    lifetime_yr=25, om_fraction_per_yr=0.0, fade_per_yr=0.0)
        existing = existing_overrides({"pv_kwp[roof]": 0.0}, [v], 2030)["pv_arrays[roof].existing_kwp"]
        pinned = pinned_overrides({"pv_kwp[roof]": total})
        assert existing <= pinned["pv_arrays[roof].max_kwp"] <= total


def test_pinned_plant_has_room_for_the_joint_lps_tolerance():
    """With its gas boilers retired the Suzhou pathway's 2030 heat hung on the joint plan's heat pumps and
    tank alone, and the period's exact re-solve with them pinned found the heat 1.5e-5 kW short in one hour
    (the joint LP's tolerance): the pathway stopped. A pinned size other than PV may exceed the joint plan by
    1e-6 of it, at least 1e-4 unit; its minimum stays the plan's."""
    from twin.pathway.foresight import pinned_overrides

    pinned = pinned_overrides({"heat_pump_kw[hp]": 1206.1234567, "tes_kwh[tank]": 12.0, "pv_kwp[roof]": 588.0})
    assert pinned["heat_pumps[hp].min_kw"] == 1206.123456
    assert pinned["heat_pumps[hp].max_kw"] == pytest.approx(1206.123456 + 1206.123456e-6, abs=1e-6)
    assert pinned["thermal_stores[tank].min_kwh"] == 12.0
    assert pinned["thermal_stores[tank].max_kwh"] == pytest.approx(12.0001, abs=1e-9)
    assert pinned["pv_arrays[roof].min_kwp"] == pinned["pv_arrays[roof].max_kwp"] == 588.0


@pytest.mark.parametrize("life, early, cost", [(6.0, False, 140.0), (10.0, True, 139.5)])
def test_solve_foresight_counts_only_builds_that_serve_the_whole_period(life, early, cost):
    """Periods 2026-2029 and 2030-2034, r = 0 (each year weighs 1), the 2030 cap needs X = 5 kWp.
    With a life of 6 years a 2026 build retires in 2032, inside the second period: it does not count
    there, so the 2030 period builds X itself: 4 * 15 + 5 * 13 + 5 kWp * 0.6 CNY/yr * 5 yr = 140 CNY.
    (Counted from the period's first year, as before, it was built in 2026 and charged 5 * 0.5 * 9
    years: 139.5 CNY, with nothing in service in 2032-2034.) With a life of 10 years the 2026 build
    serves the whole second period: built in 2026, 4 * 13 + 5 * 13 + 5 * 0.5 * 9 = 139.5 CNY."""
    from solvers.pathway import ForesightPeriod, solve_foresight

    periods = [ForesightPeriod(2026, 4.0, _two_hour(0.5 * life, life, None), end_year=2030,
                               year_weights=(1.0,) * 4),
               ForesightPeriod(2030, 5.0, _two_hour(0.6 * life, life, 0.012 - 5 * 0.48e-3), end_year=2035,
                               year_weights=(1.0,) * 5)]
    fr = solve_foresight(periods, vintage_keys={"pv_kwp"})
    b = fr.builds[("pv_kwp", "roof")]
    assert b[2026] == pytest.approx(5.0 if early else 0.0, abs=1e-5)
    assert b[2030] == pytest.approx(0.0 if early else 5.0, abs=1e-5)
    assert fr.objective_cny == pytest.approx(cost, rel=1e-6)
    assert fr.objective_cny == pytest.approx(sum(w * (o + c) for w, o, c in
                                                 zip((4.0, 5.0), fr.operating_cny, fr.capital_cny)), rel=1e-9)


def test_foresight_objective_of_every_period_is_checked_before_solving(tmp_path):
    from click.testing import CliRunner

    from twin.cli import main

    pw = {"periods": [2026, 2030], "representative_days": None, "mode": "foresight",
          "period_overrides": {2030: {"objective.kind": "min_emissions"}}}
    path = _write(tmp_path, pw)
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "objective.kind" in t)
    for cmd in (["validate", str(path)], ["pathway", str(path), "-o", str(tmp_path / "out"), "--hours", "24"]):
        r = CliRunner().invoke(main, cmd)
        assert r.exit_code == 1 and "Traceback" not in r.output
        assert f"{path}:{line}: pathway.period_overrides.2030.objective.kind: period 2030: pathway.mode foresight" \
               in r.output and "(got 'min_emissions')" in r.output
    assert not (tmp_path / "out").exists()


def test_foresight_with_a_target_out_of_reach_states_the_shortfall(tmp_path):
    """The joint LP is infeasible when one period's target is out of reach: that period is held to its
    best reachable value, the joint plan is solved and the period's own run states the shortfall."""
    from twin.pathway.runner import run_pathway

    pw = {"periods": [2026, 2030], "representative_days": None, "mode": "foresight",
          "period_overrides": {2030: {"targets.core_indicator_max_tco2_per_tce": 0.3}}}
    res = run_pathway(_write(tmp_path, pw), hours=48)  # 48 h: 0.3 is out of reach (24 h of sun reach it)
    assert res.foresight["status"] == "optimal" and res.complete
    [sf] = res.shortfalls
    assert sf["year"] == 2030 and sf["target"] == 0.3 and sf["value"] > 0.3
    assert res.periods[1].run.result.targets[0]["value"] == pytest.approx(sf["value"], rel=1e-12)
    assert not res.periods[0].run.shortfalls


def test_pinned_pv_within_its_roof_limit_despite_solver_noise():
    """The joint LP keeps an array within its limit only to the solver's tolerance: 1,764.000003 kWp
    carried onto a 1,764 kWp roof was refused (the README's foresight pathway failed in 2035)."""
    from types import SimpleNamespace

    from twin.pathway.foresight import within_roof_limits

    roof = SimpleNamespace(name="cold store roof", capacity_limit_kwp=lambda: 1764.0)
    sc = SimpleNamespace(pv_arrays=[roof])
    out = within_roof_limits({"pv_kwp[cold store roof]": 1764.000003, "battery_kwh": 5.0}, sc)
    assert out == {"pv_kwp[cold store roof]": 1764.0, "battery_kwh": 5.0}
    # a real excess is left for the scenario check to report
    assert within_roof_limits({"pv_kwp[cold store roof]": 1765.0}, sc)["pv_kwp[cold store roof]"] == 1765.0
