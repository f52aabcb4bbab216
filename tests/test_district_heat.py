"""District heat (集中供热) bought by buildings with hvac type chiller_district_heat: its tariff in the
objective, the plan's option to replace it (solvers.blocks.district_heat), the bad inputs refused, and
the operated twin's heat balance with district heat on the network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from twin.plan import build_problem
from twin.run import UserInputError, prepare_inputs
from twin.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
H = 24 * 14  # the first two weeks of January: the offices are heated

#: Offices on district heat in Qingdao, an air-source heat pump that may be built beside them.
PARK = {"site": {"city": "Qingdao"},
        "heat_pumps": [{"name": "ashp", "source": "air", "sink_temperature_c": 45, "max_kw": 2000}],
        "costs.heat_pump": {"capex_cny_per_unit": 1500, "lifetime_years": 15},
        "buildings": [{"name": "offices", "type": "office", "floor_area_m2": 20000, "storeys": 4,
                       "hvac": {"type": "chiller_district_heat"}}]}


@pytest.fixture(scope="module")
def profiles():
    loaded = load_scenario(TINY, overrides=PARK)
    return prepare_inputs(loaded).profiles.isel(time=slice(0, H))


def _solve(profiles, district_heat=None, **more):
    from solvers import solve

    ov = dict(PARK, **more)
    if district_heat is not None:
        ov["district_heat"] = district_heat
    sc = load_scenario(TINY, overrides=ov).scenario
    p = build_problem(sc, profiles)
    return p, solve(p)


def _annual_kwh(res, name="q_heat_import_kw") -> float:
    return float(res.dispatch[name].sum()) * 8760.0 / H


def test_bought_heat_costs_price_times_gj_and_keeps_its_co2(profiles):
    """Fixed district heat: energy cost = 80 CNY/GJ x GJ bought, capacity part = 100 CNY/kW x the peak,
    area fee = 5 CNY/m2 x 20,000 m2; the CO2 is the unpriced run's (as before), and the total cost rises
    by exactly the bill."""
    p0, free = _solve(profiles)
    p1, paid = _solve(profiles, {"energy_price_cny_per_gj": 80, "capacity_price_cny_per_kw_yr": 100,
                                 "area_price_cny_per_m2_yr": 5})
    kwh = _annual_kwh(paid)
    assert kwh > 1e5 and kwh == pytest.approx(_annual_kwh(free), rel=1e-12)
    gj = kwh * 3.6 / 1000.0
    assert paid.costs["district_heat_energy"] == pytest.approx(80.0 * gj, rel=1e-9)
    peak = float(np.max(p1.heat_import_kw))
    assert paid.costs["district_heat_capacity"] == pytest.approx(100.0 * peak, rel=1e-9)
    assert paid.costs["district_heat_fixed"] == pytest.approx(5.0 * 20000.0, rel=1e-9)
    bill = 80.0 * gj + 100.0 * peak + 1e5
    assert paid.costs["total"] - free.costs["total"] == pytest.approx(bill, rel=1e-6)
    # its CO2 unchanged by the price: 0.11 tCO2/GJ (accounting.heat_ef_tco2_per_gj)
    assert paid.emissions["heat_import_t"] == pytest.approx(free.emissions["heat_import_t"], rel=1e-12)
    assert paid.emissions["heat_import_t"] == pytest.approx(0.11 * gj, rel=1e-9)
    # the run without a price says that its cost is left out, in both languages
    from twin.report_text import MISSING, phrase

    [note] = [n for n in p0.notes if n.startswith("district heat cost not included")]
    assert "'offices'" in note and phrase(note, "zh").startswith("未计入集中供热费用") and note not in MISSING
    assert not any(n.startswith("district heat cost") for n in p1.notes)
    # the bill computed once for the outputs is the optimiser's
    from twin.statistics import district_heat_bill

    b = district_heat_bill(kwh, p1.district_heat, ef_tco2_per_gj=0.11)
    assert b["energy_cost_cny"] == pytest.approx(paid.costs["district_heat_energy"], rel=1e-9)
    assert b["cost_cny"] == pytest.approx(bill, rel=1e-9) and b["heat_gj"] == pytest.approx(gj, rel=1e-12)


def test_replaceable_district_heat_is_displaced_by_cheaper_heat_pumps(profiles):
    """At 150 CNY/GJ the plan that may replace district heat builds the heat pump, buys less than half
    the heat, costs less than the plan that buys it all, and emits less; the contracted capacity it
    chooses under a capacity price is the highest hour it still buys."""
    pf, fixed = _solve(profiles, {"energy_price_cny_per_gj": 150})
    pr, repl = _solve(profiles, {"energy_price_cny_per_gj": 150, "replaceable": True})
    assert fixed.sizes["heat_pump_kw"]["ashp"] == 0.0
    assert repl.sizes["heat_pump_kw"]["ashp"] > 100.0
    assert _annual_kwh(repl) < 0.5 * _annual_kwh(fixed)
    assert repl.costs["total"] < fixed.costs["total"] - 1e3
    assert repl.emissions["heat_import_t"] < 0.5 * fixed.emissions["heat_import_t"]
    # the heat balance of the network closes: heat pump + district heat = the offices' heat every hour
    d = repl.dispatch
    supply = d["q_heat_pump_kw"].sum("heat_pump") + d["q_heat_import_kw"]
    np.testing.assert_allclose(supply.to_numpy(), pr.heat_import_kw, atol=1e-4)
    assert not any(n.startswith("heat pumps") for n in pr.notes)  # not idle: they may replace district heat
    assert any(n.startswith("heat pumps") and "district_heat.replaceable: true" in n for n in pf.notes)
    _, cap = _solve(profiles, {"energy_price_cny_per_gj": 150, "capacity_price_cny_per_kw_yr": 40,
                               "replaceable": True})
    chosen = cap.sizes["district_heat_kw"]["district heat"]
    assert 0.0 < chosen < float(np.max(pr.heat_import_kw))
    assert chosen == pytest.approx(float(cap.dispatch["q_heat_import_kw"].max()), rel=1e-6)
    assert cap.costs["district_heat_capacity"] == pytest.approx(40.0 * chosen, rel=1e-9)


def test_contracted_capacity_bounds_the_bought_heat(profiles):
    """Replaceable with 300 kW contracted: no hour buys more, the heat pump covers the rest."""
    _, r = _solve(profiles, {"energy_price_cny_per_gj": 60, "contracted_kw": 300, "replaceable": True})
    assert float(r.dispatch["q_heat_import_kw"].max()) <= 300.0 + 1e-6
    assert r.sizes["heat_pump_kw"]["ashp"] > 0.0


@pytest.mark.parametrize("district_heat, more, field", [
    ({"energy_price_cny_per_gj": -5}, {}, "district_heat.energy_price_cny_per_gj"),
    ({"energy_price_cny_per_gj": 50, "contracted_kw": -1}, {}, "district_heat.contracted_kw"),
    ({"capacity_price_cny_per_kw_yr": -1}, {}, "district_heat.capacity_price_cny_per_kw_yr"),
    ({"capacity_price_cny_per_kw_yr": 100, "replaceable": True}, {}, "district_heat.energy_price_cny_per_gj"),
    ({"energy_price_cny_per_gj": 50, "replaceable": True},
     {"buildings": [{"name": "offices", "type": "office", "floor_area_m2": 20000, "hvac": {"type": "chiller_boiler"}}]},
     "district_heat.replaceable"),
    ({"energy_price_cny_per_gj": 50},
     {"buildings": [{"name": "offices", "type": "office", "floor_area_m2": 20000, "hvac": {"type": "vrf"}}]},
     "district_heat"),
])
def test_bad_district_heat_input_is_refused_naming_the_field(district_heat, more, field):
    from twin.scenario.loader import ScenarioError

    with pytest.raises((ValidationError, ScenarioError, ValueError)) as exc:
        load_scenario(TINY, overrides=dict(PARK, district_heat=district_heat, **more))
    assert field in str(exc.value)


def test_contract_below_the_peak_of_heat_that_may_not_be_replaced_is_refused(profiles):
    sc = load_scenario(TINY, overrides=dict(PARK, district_heat={"energy_price_cny_per_gj": 50,
                                                                  "contracted_kw": 10})).scenario
    with pytest.raises(UserInputError, match="district_heat.contracted_kw: 10 kW is below the year's peak"):
        build_problem(sc, profiles)


def test_operated_twin_closes_the_heat_balance_with_district_heat_on_the_network():
    """The operated week of a plan that keeps part of the district heat: the plant buys it within the
    contract, the heat balance closes in every hour, nothing goes unserved, and the bought heat's cost
    and CO2 are in the operated year's figures as in the optimum's."""
    from twin.run import run
    from twin.scenario.run_config import resolve_run_config

    loaded = load_scenario(TINY, overrides=dict(PARK, district_heat={
        "energy_price_cny_per_gj": 90, "replaceable": True},
        thermal_storage={"name": "tank", "max_kwh": 2000},
        **{"costs.thermal_storage": {"capex_cny_per_unit": 25, "lifetime_years": 20}}))
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="rule"))
    ds = r.dataset
    op = ds["op_q_heat_import_kw"].sel(controller="rule")
    assert float(op.sum()) > 0
    assert float(abs(ds["op_heat_balance_residual_kw"]).max()) < 1e-6
    assert float(ds["op_q_unserved_heat_kw"].sum()) < 1e-6
    dh = r.summary["district_heat"]["plan"]
    assert float(op.max()) <= dh["contracted_kw"] + 1e-6
    rule, optimum = r.summary["operation"]["rule"], r.summary["operation"]["optimum"]
    bought = float(op.sum()) * 8760.0 / 168
    assert rule["costs_cny"]["district_heat"] == pytest.approx(90.0 * bought * 3.6e-3, rel=1e-9)
    assert rule["emissions_tco2"]["heat_import"] == pytest.approx(0.11 * bought * 3.6e-3, rel=1e-9)
    assert optimum["costs_cny"]["district_heat"] == pytest.approx(dh["cost_cny"], rel=1e-6)
    # a sweep's case record carries the same numbers as summary.json (twin.statistics.district_heat_bill)
    from twin.sweep.runner import case_metrics

    rec = case_metrics(r)
    assert rec["district_heat_mwh"] == dh["heat_mwh"] and rec["district_heat_cost_cny"] == dh["cost_cny"]
    assert dh["cost_cny"] == pytest.approx(sum(r.result.costs.get(k, 0.0) for k in (
        "district_heat_energy", "district_heat_capacity", "district_heat_fixed")), rel=1e-9)


@pytest.mark.parametrize("replaceable", [False, True])
def test_target_rows_count_the_bought_heat_once(replaceable):
    """The residual target and the location-basis core indicator hold the bought heat's CO2 once, as the
    ledger does: with the heat fixed they counted it twice (2,259 against the ledger's 1,809 tCO2/yr residual
    in this week), once from the model's gross emissions and once as a fixed term. The acceptance basis agrees
    too."""
    from twin.run import run
    from twin.scenario.run_config import resolve_run_config

    for basis, ledger_key in (("location", "carbon_intensity_location_tco2_per_tce"),
                              ("acceptance", "carbon_intensity_acceptance_tco2_per_tce")):
        loaded = load_scenario(TINY, overrides=dict(
            PARK, district_heat={"energy_price_cny_per_gj": 90, "replaceable": replaceable},
            targets={"residual_emissions_max_t": 100000, "core_indicator_max_tco2_per_tce": 5.0},
            **{"accounting.core_indicator_basis": basis}))
        r = run(loaded, resolve_run_config(loaded.scenario, hours=168))
        a = r.ledger.planned.annual
        rows = {t["name"]: t for t in r.result.targets}
        assert a["co2_heat_import_t"] > 100.0
        assert rows["residual"]["value"] == pytest.approx(a["co2_after_internal_t"], rel=1e-6)
        assert rows["core"]["value"] == pytest.approx(a[ledger_key], rel=1e-6)


@pytest.mark.parametrize("replaceable", [False, True])
def test_the_heat_of_buildings_on_district_heat_is_a_heat_demand_of_the_park(profiles, replaceable):
    """The offices' heat (bought, or on the network where it may be replaced) is the park's heat demand:
    summary.json's ``heat_demand``, the ledger's ``q_heat_demand_kwh``, the share of heating hours of an
    air-source heat pump and the T/CSUS 66 path B waste-heat share divide by it. An Ürümqi office park
    on replaceable district heat reported a heat demand of 0 MWh beside 4,419 MWh bought and 3,672 MWh
    of heat-pump heat, and its data-room heat (46 % of the heat) was 'N/A: no heat demand' in 7.2.2."""
    from twin.assess.scorecard import ParkInfo, compute_measures
    from twin.finance import levelised_costs
    from twin.ledger import build_ledger
    from twin.scenario.schema import Declarations
    from twin.statistics import annual_statistics

    dh = {"energy_price_cny_per_gj": 150, "replaceable": replaceable}
    p, r = _solve(profiles, dh)
    demand = float(np.sum(p.heat_import_kw))  # [kWh] over the two weeks
    assert demand > 1e4
    st = annual_statistics(r.dispatch, 1.0)
    assert st.energy_kwh["q_heat_demand_kwh"] == pytest.approx(demand, rel=1e-9)
    # the network closes on it: bought heat + heat pumps = the offices' heat
    supplied = st.energy_kwh["q_heat_import_kwh"] + st.energy_kwh.get("q_heat_pump_kwh", 0.0)
    assert supplied == pytest.approx(demand, rel=1e-6)
    assert (st.energy_kwh["q_heat_import_kwh"] < 0.5 * demand) is replaceable
    # the heat pump's share of heating hours at reduced capacity counts the hours the offices need heat
    # (it was None: no heating hours); Qingdao in January is below 8.3 °C in most of them
    from twin.statistics import heat_pump_performance, step_weights

    perf = heat_pump_performance(r.dispatch, step_weights(r.dispatch, 1.0))["per_heat_pump"]["ashp"]
    assert perf["hours_reduced_capacity_share"] > 0.5
    # waste-heat path B of a non-industrial park: applicable (no longer 'no heat demand') where the
    # heat demand is there; with no waste-heat source in the model it scores 0 (none used) unless the
    # park documents that it has none, which makes it N/A
    from twin.assess.declarations import Flag

    ledger = build_ledger(r.dispatch, r.dispatch, load_scenario(TINY, overrides=dict(PARK, district_heat=dh))
                          .scenario.accounting)
    m = compute_measures(ledger, Declarations(), ParkInfo(park_type="office"))["waste_heat_heat_share"]
    assert ledger.planned.annual["q_heat_demand_kwh"] == pytest.approx(demand, rel=1e-9)
    assert m.applicable and m.value == 0.0 and "its absence not documented" in m.formula
    documented = Declarations(no_waste_heat_source_documented=Flag(value=True, evidence="energy audit"))
    m = compute_measures(ledger, documented, ParkInfo(park_type="office"))["waste_heat_heat_share"]
    assert not m.applicable and m.reason.startswith("planner documents no recoverable waste heat")
    # LCOH divides the heat cost, the district heat bill included, by the heat delivered
    gj = st.energy_kwh["q_heat_import_kwh"] * 3.6e-3
    lc = levelised_costs({"district_heat_energy": 150.0 * gj}, {"q_heat_demand_kwh": demand,
                                                                "q_heat_import_kwh": st.energy_kwh["q_heat_import_kwh"]})
    assert lc["lcoh_cny_per_mwh"] == pytest.approx(150.0 * gj / (demand / 1e3), rel=1e-9)
    # without a price the bought heat is not heat the park pays for: left out of the LCOH
    assert levelised_costs({}, {"q_heat_demand_kwh": demand, "q_heat_import_kwh": demand})["lcoh_cny_per_mwh"] is None
