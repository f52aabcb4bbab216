"""Investment appraisal: cash flows, NPV, IRR, payback and levelised costs."""

from __future__ import annotations

import math

import pytest

from twin.finance import annuity_factor, crf, investment, irr, levelised_costs, npv, payback


def _costs(annuities: dict, opex: float) -> dict:
    cap = sum(annuities.values())
    return {"capex_annualised": annuities, "capex_annualised_total": cap, "total": cap + opex}


def test_npv_equals_annualised_cost_difference_for_one_lifetime():
    r, life = 0.08, 25
    capex = 1_000_000.0
    plan = _costs({"pv_kwp[roof]": capex * crf(r, life)}, opex=300_000.0)
    plan["capex_overnight"] = capex
    base = {"total": 500_000.0, "capex_annualised_total": 0.0}
    inv = investment(plan, base, {"pv_kwp": life}, r)
    assert inv.horizon_years == 25 and inv.cash_flows[0] == pytest.approx(-capex)
    assert inv.annual_savings_cny == pytest.approx(200_000.0)
    # NPV = AF * (baseline cost - plan annualised cost)
    assert inv.npv_cny == pytest.approx(annuity_factor(r, 25) * (base["total"] - plan["total"]), rel=1e-9)
    assert npv(inv.cash_flows, inv.irr) == pytest.approx(0.0, abs=1e-3)
    assert inv.simple_payback_years == pytest.approx(5.0)
    assert inv.discounted_payback_years == pytest.approx(
        math.log(1 / (1 - capex * r / 200_000.0)) / math.log(1 + r), rel=1e-2)


def test_short_lived_asset_is_bought_again_and_residual_value_credited():
    r = 0.05
    plan = _costs({"pv_kwp[a]": 100.0 * crf(r, 25), "battery_kwh": 100.0 * crf(r, 10)}, opex=0.0)
    plan["capex_overnight"] = 200.0
    inv = investment(plan, {"total": 30.0}, {"pv_kwp": 25, "battery_kwh": 10}, r)
    f = inv.cash_flows
    assert len(f) == 26 and f[0] == pytest.approx(-200.0)
    assert f[10] == pytest.approx(30.0 - 100.0) and f[20] == pytest.approx(30.0 - 100.0)
    assert f[25] == pytest.approx(30.0 + 100.0 * 0.5)  # battery bought in year 20 has 5 of 10 years left


def test_no_saving_means_no_payback_and_no_irr():
    plan = _costs({"pv_kwp[a]": 10.0}, opex=100.0)
    inv = investment(plan, {"total": 90.0}, {"pv_kwp": 20}, 0.08)
    assert inv.simple_payback_years is None and inv.irr is None and inv.npv_cny < 0
    assert payback([0.0, 1.0], 0.0) == 0.0
    assert irr([-100.0, 110.0]) == pytest.approx(0.10, abs=1e-8)


def test_levelised_costs():
    costs = {"capex_annualised": {"pv_kwp[a]": 100.0, "heat_pump_kw[hp]": 50.0, "chiller_kw": 999.0},
             "om": {"pv_kwp[a]": 10.0}, "energy_import": 890.0, "export_revenue": -0.0, "fuel": 30.0,
             "offsets": 500.0, "total": 0.0}
    annual = {"e_electricity_consumption_kwh": 1_000_000.0, "q_heat_demand_kwh": 200_000.0,
              "e_heat_pump_kwh": 50_000.0}
    lc = levelised_costs(costs, annual)
    assert lc["lcoe_cny_per_mwh"] == pytest.approx(1.0)  # (100 + 10 + 890) / 1000 MWh
    assert lc["lcoh_cny_per_mwh"] == pytest.approx((50 + 30 + 1.0 * 50) / 200)
    assert levelised_costs(costs, {})["lcoe_cny_per_mwh"] is None


def test_every_asset_the_plan_can_build_has_its_own_life():
    """V2G chargers (10-yr life in the office example), electric boilers and waste-heat exchangers were not
    matched to their costs entries (keys ``ev_v2g``, ``electric_boiler_kw``, none) and were taken to last the
    whole 25-year horizon, never bought again: NPV 21.34 M instead of 20.79 M CNY for the office example's
    variant without battery. Every size key a plan can build from the example scenarios and their variants
    now finds a life."""
    from pathlib import Path

    from twin.finance import finance_costs, lifetimes_from_costs
    from twin.scenario.loader import load_scenario

    root = Path(__file__).resolve().parents[1] / "scenarios"
    checked = set()
    for path in sorted(root.glob("*.yaml")):
        for variant in [None, *load_scenario(path).variants]:
            sc = load_scenario(path, variant=variant).scenario
            lives = lifetimes_from_costs(finance_costs(sc))
            c = sc.costs
            keys = [(f"pv_kwp[{a.name}]", c.pv) for a in sc.pv_arrays]
            keys += [(f"battery_kwh[{b.name}]", b.energy_cost or c.battery_energy) for b in sc.batteries]
            keys += [(f"battery_kw[{b.name}]", b.power_cost or c.battery_power) for b in sc.batteries]
            keys += [(f"heat_pump_kw[{h.name}]", c.heat_pump) for h in sc.heat_pumps]
            keys += [(f"tes_kwh[{t.name}]", t.cost or c.thermal_storage) for t in sc.thermal_stores]
            keys += [(f"boiler_kw[{b.name}]", c.electric_boiler) for b in sc.boilers if b.fuel == "electric"]
            keys += [(f"chiller_kw[{ch.name}]", c.absorption_chiller if ch.kind == "absorption" else c.chiller)
                     for ch in sc.chillers]
            keys += [(f"waste_heat_hx_kw[{w.name}]", c.waste_heat_exchanger) for w in sc.waste_heat]
            keys += [(f"ev_v2g_chargers[{f.name}]", c.v2g_charger_extra) for f in sc.ev_fleets if f.mode == "v2g"]
            for key, cost in keys:
                if cost is None:
                    continue
                life = lives.get(key) or lives.get(key.split("[", 1)[0])
                assert life == pytest.approx(float(cost.lifetime_years)), (path.name, variant, key, life)
                checked.add(key.split("[", 1)[0])
    assert {"ev_v2g_chargers", "pv_kwp", "battery_kwh", "heat_pump_kw"} <= checked
    # no example prices these: the mapping itself
    lives = lifetimes_from_costs({"waste_heat_exchanger": {"lifetime_years": 10}, "electric_boiler": {"lifetime_years": 15}})
    assert lives["waste_heat_hx_kw"] == 10 and lives["boiler_kw"] == 15


def test_v2g_chargers_are_bought_again_at_the_end_of_their_life():
    r = 0.06
    plan = _costs({"pv_kwp[roof]": 100.0 * crf(r, 25), "ev_v2g_chargers[cars]": 50.0 * crf(r, 10)}, opex=0.0)
    plan["capex_overnight"] = 150.0
    inv = investment(plan, {"total": 40.0}, {"pv_kwp": 25, "ev_v2g_chargers": 10}, r)
    f = inv.cash_flows
    assert len(f) == 26 and f[10] == pytest.approx(40.0 - 50.0) and f[20] == pytest.approx(40.0 - 50.0)
    assert f[25] == pytest.approx(40.0 + 50.0 * 0.5)


def test_payback_of_a_plan_that_invests_nothing():
    # nothing invested and cheaper to run: paid back at once; dearer to run (offsets only): never
    assert payback([0.0] + [10.0] * 20) == 0.0
    assert payback([0.0] + [-10.0] * 20) is None and payback([0.0] + [-10.0] * 20, 0.08) is None
    inv = investment({"total": 110.0, "capex_annualised_total": 0.0}, {"total": 100.0}, {}, 0.08)
    assert inv.horizon_years == 20 and inv.npv_cny < 0 and inv.simple_payback_years is None


def test_an_irr_beyond_1000_percent_is_found_not_shown_as_none():
    assert irr([-1.0] + [20.0] * 10) == pytest.approx(20.0, rel=1e-6)  # 2,000 %
    assert irr([-1.0, 2.0]) == pytest.approx(1.0, abs=1e-8)


def test_the_carbon_price_avoided_is_named_in_the_savings():
    plan = {"total": 80.0, "capex_annualised_total": 10.0, "carbon_price": 5.0, "capex_overnight": 100.0,
            "capex_annualised": {"pv_kwp[a]": 10.0}}
    inv = investment(plan, {"total": 100.0, "carbon_price": 25.0}, {"pv_kwp": 20}, 0.05)
    assert inv.annual_savings_cny == pytest.approx(30.0) and inv.carbon_price_saving_cny == pytest.approx(20.0)
    assert inv.to_dict()["carbon_price_saving_cny"] == pytest.approx(20.0)
