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
