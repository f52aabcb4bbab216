"""Hand-computed optima for the heat, cooling, EV and MILP blocks of ``solvers``.

Each instance is a few hours long and its optimum is derived in the docstring by
comparing marginal costs.  Tolerance 1e-6 relative (HiGHS feasibility tolerance 1e-7).
"""

from __future__ import annotations

import numpy as np
import pytest

from solvers import (AssetCost, Battery, Carbon, Chiller, ElectricBoiler, EVFleet, GasBoiler,
                     GridConnection, HeatPump, InfeasibleError, PVArray, SizingProblem,
                     ThermalStorage, WasteHeatSource, solve)

REL = 1e-6


def c1(capex: float) -> AssetCost:
    """Annuity equal to capex (r = 0, one-year life)."""
    return AssetCost(capex_cny_per_unit=capex, lifetime_yr=1.0, discount_rate=0.0)


def grid(price, ef=0.0):
    price = np.asarray(price, float)
    return GridConnection(price_import_cny_per_kwh=price,
                          ef_grid_kgco2_per_kwh=np.full(price.shape, float(ef)))


def test_air_heat_pump_beats_electric_boiler():
    """Heat 10 kW for 2 h, electricity 0.5 CNY/kWh, air heat pump COP [2, 4] at
    1 CNY/kW vs electric boiler (eff 1) at 0.5 CNY/kW.  One kW of heat pump used in both
    hours saves 0.25 + 0.375 = 0.625 CNY of electricity plus 0.5 CNY of boiler, more
    than its 1 CNY: heat pump 10 kW, cost 10 + 10*0.25 + 10*0.125 = 13.75 CNY;
    electricity input [5, 2.5] kW."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
                      heat_demand_kw=np.full(2, 10.0),
                      heat_pumps=[HeatPump("air", np.array([2.0, 4.0]), cost=c1(1.0))],
                      boilers=[ElectricBoiler(efficiency=1.0, cost=c1(0.5))])
    r = solve(p)
    assert r.sizes["heat_pump_kw"]["air"] == pytest.approx(10.0, rel=REL)
    assert r.sizes["boiler_kw"]["electric_boiler"] == pytest.approx(0.0, abs=1e-7)
    assert r.objective_cny == pytest.approx(13.75, rel=REL)
    np.testing.assert_allclose(r.dispatch["p_heat_pump_kw"].sel(heat_pump="air"), [5, 2.5],
                               rtol=REL)
    np.testing.assert_allclose(r.dispatch["p_grid_import_kw"], [5, 2.5], rtol=REL)


def test_waste_heat_source_limits_heat_pump():
    """Same as above but the heat pump draws on 4 kW of waste heat:
    Q(1 - 1/COP) <= 4 caps its output at 8 kW (COP 2) and 16/3 kW (COP 4).  For a size
    s <= 16/3 the cost is 15 - 0.125 s, above it 0.75 s + const, so s = 16/3 kW; the
    boiler covers 10 - 16/3 = 14/3 kW.  Cost 15 - 2/3 = 14.3333 CNY; heat drawn from the
    source [8/3, 4] kW."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
                      heat_demand_kw=np.full(2, 10.0),
                      waste_heat=[WasteHeatSource("kiln", np.full(2, 4.0), direct_use=False)],
                      heat_pumps=[HeatPump("whp", np.array([2.0, 4.0]), source="kiln",
                                           cost=c1(1.0))],
                      boilers=[ElectricBoiler(efficiency=1.0, cost=c1(0.5))])
    r = solve(p)
    assert r.sizes["heat_pump_kw"]["whp"] == pytest.approx(16 / 3, rel=REL)
    assert r.sizes["boiler_kw"]["electric_boiler"] == pytest.approx(14 / 3, rel=REL)
    assert r.objective_cny == pytest.approx(15 - 2 / 3, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_waste_heat_source_kw"].sel(heat_pump="whp"),
                               [8 / 3, 4.0], rtol=REL)


def test_direct_waste_heat_use():
    """6 kW of waste heat usable directly through a 0.1 CNY/kW exchanger, demand 10 kW:
    exchanger 6 kW (0.6 CNY) saves 6 kWh * 0.5 * 2 h and 6 kW of boiler; boiler 4 kW
    (2 CNY) + 8 kWh * 0.5 = 4 CNY: total 6.6 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
                      heat_demand_kw=np.full(2, 10.0),
                      waste_heat=[WasteHeatSource("comp", np.full(2, 6.0), hx_cost=c1(0.1))],
                      boilers=[ElectricBoiler(efficiency=1.0, cost=c1(0.5))])
    r = solve(p)
    assert r.sizes["waste_heat_hx_kw"]["comp"] == pytest.approx(6.0, rel=REL)
    assert r.objective_cny == pytest.approx(6.6, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_waste_heat_direct_kw"].sel(waste_heat="comp"),
                               [6, 6], rtol=REL)


def test_thermal_storage_with_losses_shifts_heat():
    """Heat 10 kW only in hour 1; electricity [0.1, 1.0] CNY/kWh; existing 20 kW
    electric boiler; store at 0.5 CNY/kWh, 10 %/h loss, cyclic.  Delivering 10 kWh in
    hour 1 needs 10/0.9 = 11.11 kWh stored at the end of hour 0 (store empty after
    hour 1, so charge 11.11 kWh in hour 0).  Per kWh delivered (0.1 + 0.5)/0.9 = 0.667
    < 1.0: store 11.11 kWh, cost 11.11*0.6 = 6.6667 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.1, 1.0]),
                      heat_demand_kw=np.array([0.0, 10.0]),
                      boilers=[ElectricBoiler(efficiency=1.0, existing_kw=20.0)],
                      thermal_stores=[ThermalStorage(cost=c1(0.5), loss_per_h=0.1,
                                                     max_power_per_kwh=1.0)])
    r = solve(p)
    assert r.sizes["tes_kwh"]["tes"] == pytest.approx(100 / 9, rel=REL)
    assert r.objective_cny == pytest.approx(20 / 3, rel=REL)
    np.testing.assert_allclose(r.dispatch["e_tes_kwh"].sum("thermal_storage"), [100 / 9, 0.0], atol=1e-6)
    np.testing.assert_allclose(r.dispatch["q_tes_discharge_kw"].sum("thermal_storage"), [0.0, 10.0], atol=1e-6)


@pytest.mark.parametrize("carbon_price, expect_gas", [(0.0, True), (1000.0, False)])
def test_gas_boiler_fuel_cost_and_carbon_price(carbon_price, expect_gas):
    """9 kWh of heat: gas (eff 0.9, 0.3 CNY/kWh fuel, 0.2 kgCO2/kWh) costs 3 CNY and
    emits 2 kg; the existing electric boiler costs 9*0.5 = 4.5 CNY with zero-carbon
    power.  At 1000 CNY/t gas costs 3 + 2 = 5 > 4.5, so the boiler switches."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(1), grid=grid([0.5]),
                      heat_demand_kw=np.array([9.0]),
                      boilers=[ElectricBoiler(efficiency=1.0, existing_kw=100),
                               GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.3,
                                         ef_fuel_kgco2_per_kwh=0.2, existing_kw=100)],
                      carbon=Carbon(carbon_price_cny_per_t=carbon_price))
    r = solve(p)
    if expect_gas:
        assert r.objective_cny == pytest.approx(3.0, rel=REL)
        assert r.emissions["fuel_t"] == pytest.approx(0.002, rel=REL)
        assert float(r.dispatch["fuel_gas_kw"][0]) == pytest.approx(10.0, rel=REL)
    else:
        assert r.objective_cny == pytest.approx(4.5, rel=REL)
        assert r.emissions["fuel_t"] == pytest.approx(0.0, abs=1e-9)


def test_chiller_sized_to_peak_cooling():
    """Cooling [10, 20] kW, COP [5, 4], 1 CNY/kW, 0.5 CNY/kWh: size 20 kW, electricity
    [2, 5] kW, cost 20 + 3.5 = 23.5 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
                      cooling_demand_kw=np.array([10.0, 20.0]),
                      chillers=[Chiller(np.array([5.0, 4.0]), cost=c1(1.0))])
    r = solve(p)
    assert r.sizes["chiller_kw"]["chiller"] == pytest.approx(20.0, rel=REL)
    assert r.objective_cny == pytest.approx(23.5, rel=REL)
    np.testing.assert_allclose(r.dispatch["p_chiller_kw"], [2, 5], rtol=REL)


def ev_problem(mode, p_charge_max=10.0):
    """Four hours, price [1, 0.2, 0.2, 1], base load 10 kW in hour 3; the fleet must
    have 12 kWh in its batteries at the end (η_c 0.8, η_d 1); uncontrolled charging
    [10, 5, 0, 0] kW; V2G up to 5 kW in hour 3 at 0.1 CNY/kWh wear."""
    fleet = EVFleet("staff", p_uncontrolled_kw=np.array([10.0, 5.0, 0, 0]),
                    p_charge_max_kw=np.full(4, p_charge_max),
                    e_cum_min_kwh=np.array([0, 0, 0, 12.0]), e_cum_max_kwh=np.full(4, 40.0),
                    p_discharge_max_kw=np.array([0, 0, 0, 5.0]), eta_charge=0.8,
                    eta_discharge=1.0, v2g_degradation_cny_per_kwh=0.1, mode=mode)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.array([0, 0, 0, 10.0]),
                         grid=grid([1.0, 0.2, 0.2, 1.0]), ev_fleets=[fleet])


@pytest.mark.parametrize("mode, cost", [
    # 10 kWh at 1.0 + 5 kWh at 0.2 + base load 10 kWh at 1.0
    ("uncontrolled", 21.0),
    # 15 kWh in the cheap hours (12/0.8) = 3.0, + base load 10.0
    ("smart", 13.0),
    # charge 20 kWh in the cheap hours (4.0) = 16 kWh stored; discharge 4 kWh in hour 3
    # (keeping 12): import 6 kWh at 1.0, wear 0.4.  Charging at 1.0 to discharge more
    # costs 1.25 per kWh returned vs 0.9 saved, so not done: 4 + 6 + 0.4 = 10.4
    ("v2g", 10.4),
])
def test_ev_modes(mode, cost):
    r = solve(ev_problem(mode))
    assert r.objective_cny == pytest.approx(cost, rel=REL)
    ch = r.dispatch["p_ev_charge_kw"].sel(ev_fleet="staff").values
    if mode == "uncontrolled":
        np.testing.assert_allclose(ch, [10, 5, 0, 0])
    if mode == "v2g":
        np.testing.assert_allclose(r.dispatch["p_ev_discharge_kw"].sel(ev_fleet="staff"),
                                   [0, 0, 0, 4.0], atol=1e-6)


def v2g_share_problem(extra_capex, **kw):
    """Two hours, price [0.2, 1.0] CNY/kWh, 10 kW load in hour 1; a fleet of 10
    chargers simulated with half of them bidirectional (v2g_share 0.5) may discharge
    10 kW in hour 1 (2 kW per bidirectional charger) and must end with its energy
    unchanged (η 1, wear 0.1 CNY/kWh)."""
    fleet = EVFleet("vans", p_uncontrolled_kw=np.zeros(2), p_charge_max_kw=np.full(2, 10.0),
                    e_cum_min_kwh=np.zeros(2), e_cum_max_kwh=np.full(2, 20.0),
                    p_discharge_max_kw=np.array([0.0, 10.0]), eta_charge=1.0,
                    eta_discharge=1.0, v2g_degradation_cny_per_kwh=0.1, mode="v2g",
                    chargers=10, v2g_share=0.5,
                    v2g_charger_cost=None if extra_capex is None else c1(extra_capex), **kw)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.array([0.0, 10.0]),
                         grid=grid([0.2, 1.0]), ev_fleets=[fleet])


@pytest.mark.parametrize("extra_capex, kw, share, cost", [
    # each bidirectional charger shifts 2 kWh from hour 1 to hour 0, saving
    # 2 * (1.0 - 0.2 - 0.1) = 1.4 CNY: at 1 CNY per charger all 5 are built,
    # cost 10 - 10 * 0.7 + 5 * 1 = 8 CNY, share 5/10 = 0.5
    (1.0, {}, 0.5, 8.0),
    # at 2 CNY per charger (> 1.4) none: share 0, cost 10 kWh * 1.0 = 10 CNY
    (2.0, {}, 0.0, 10.0),
    # share capped at 0.3: 3 chargers, 6 kWh shifted: 10 - 4.2 + 3 = 8.8 CNY
    (1.0, {"v2g_share_max": 0.3}, 0.3, 8.8),
    # without a cost the share stays as simulated: all 10 kW shifted, 10 - 7 = 3 CNY
    (None, {}, 0.5, 3.0),
])
def test_v2g_share_decision(extra_capex, kw, share, cost):
    r = solve(v2g_share_problem(extra_capex, **kw))
    assert r.sizes["ev_v2g_share"]["vans"] == pytest.approx(share, abs=1e-7)
    assert r.objective_cny == pytest.approx(cost, rel=REL)
    np.testing.assert_allclose(r.dispatch["p_ev_discharge_kw"].sel(ev_fleet="vans"),
                               [0.0, 20 * share], atol=1e-6)
    if extra_capex is None:
        assert "ev_v2g_chargers" not in r.sizes
    else:
        assert r.sizes["ev_v2g_chargers"]["vans"] == pytest.approx(10 * share, abs=1e-6)
        assert r.costs["capex_annualised"]["ev_v2g_chargers[vans]"] == pytest.approx(
            10 * share * extra_capex, abs=1e-6)


def test_v2g_share_bound_above_simulated_share_is_rejected():
    """The envelope was simulated with half the chargers bidirectional: a larger
    share cannot be represented by scaling it, so the problem is refused."""
    with pytest.raises(ValueError, match="v2g_share_max"):
        solve(v2g_share_problem(1.0, v2g_share_max=0.8))


def test_ev_energy_shortfall_is_explained():
    """With 1 kW chargers the fleet can store at most 4 h * 1 kW * 0.8 = 3.2 kWh of the
    12 kWh needed: short by 8.8 kWh."""
    with pytest.raises(InfeasibleError) as exc:
        solve(ev_problem("smart", p_charge_max=1.0))
    assert exc.value.violations["EV energy shortfall of fleet staff [kWh]"] == pytest.approx(8.8, rel=1e-6)
    assert "EV energy shortfall" in str(exc.value)


def test_unmet_heat_demand_is_explained():
    """Heat demand with no heat source at all: unmet by 10 kW."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
                      heat_demand_kw=np.full(2, 10.0))
    with pytest.raises(InfeasibleError, match="unmet heat demand: short by up to 10 kW"):
        solve(p)


@pytest.mark.parametrize("fixed, built, cost", [
    # PV saves 0.1 CNY net per kWp on 12.5 kWp = 1.25 CNY < 5 CNY build cost: not built
    (5.0, False, 15.0),
    # 1.25 > 1.0: built as in the LP, 13.75 + 1.0
    (1.0, True, 14.75),
])
def test_fixed_build_cost_milp(fixed, built, cost):
    """PV of test_solvers.pv_problem with a build-at-all cost (MILP)."""
    g = GridConnection(price_import_cny_per_kwh=np.array([1.0, 0.5]),
                       ef_grid_kgco2_per_kwh=np.zeros(2))
    cst = AssetCost(0.3, lifetime_yr=1.0, discount_rate=0.0, fixed_build_cny=fixed)
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 10.0), grid=g,
                      pv=[PVArray("roof", np.array([0.0, 0.8]), max_kwp=100, cost=cst)])
    r = solve(p)
    assert r.objective_cny == pytest.approx(cost, rel=REL)
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(12.5 if built else 0.0, abs=1e-6)
    assert r.gap <= 1e-4


def test_battery_modules_milp():
    """Peak shaving (test_solvers.peak_problem) with 8 kWh modules: 16 kWh lets the
    peak fall to p = 20 - 16/2 = 12 kW with 8 kW: 120 + 20 + 32 + 24 = 196 CNY; 24 kWh
    cannot go below 10 kW (recharge limit): 100 + 20 + 48 + 30 = 198.  So 16 kWh."""
    g = GridConnection(price_import_cny_per_kwh=np.full(4, 0.5),
                       ef_grid_kgco2_per_kwh=np.zeros(4),
                       demand_charge_cny_per_kw_month=10.0, month=np.ones(4, int))
    bat = Battery(energy_cost=AssetCost(2.0, 1.0, discount_rate=0.0, module_size=8.0),
                  power_cost=c1(3.0), eta_charge=1.0, eta_discharge=1.0, max_kwh=80.0)
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.array([0.0, 0.0, 20.0, 20.0]), grid=g,
                      batteries=[bat])
    r = solve(p)
    assert r.sizes["battery_kwh"]["battery"] == pytest.approx(16.0, rel=REL)
    assert r.objective_cny == pytest.approx(196.0, rel=REL)


def test_representative_days_reproduce_a_periodic_year():
    """A year made of two alternating day types (sunny/cloudy PV) is represented
    exactly by k = 2 medoids: weights 183/182 days and the same optimum as the full
    year when the full year's battery also cycles daily (``period`` = day), since the
    full LP is then the aggregated one with identical days repeated (1e-6 relative)."""
    from solvers.aggregation import representative_days

    h = np.arange(8760) % 24
    day = np.arange(8760) // 24
    pv = np.sin(np.pi * (h - 6) / 12).clip(min=0) * np.where(day % 2 == 0, 0.8, 0.3)
    price = np.where(h < 8, 0.3, 0.9)
    p = SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(8760, 100.0),
        grid=GridConnection(price_import_cny_per_kwh=price,
                            ef_grid_kgco2_per_kwh=np.full(8760, 0.5)),
        pv=[PVArray("roof", pv, max_kwp=500,
                    cost=AssetCost(3000.0, 25))],
        batteries=[Battery(energy_cost=AssetCost(800.0, 12), power_cost=AssetCost(200.0, 12))],
        period=day)
    agg = representative_days(p, 2, linked=False)
    assert sorted(np.bincount(agg.assignment).tolist()) == [182, 183]
    assert agg.profile_rmse == pytest.approx(0.0, abs=1e-12)
    full = solve(p)
    red = solve(agg.problem)
    assert red.objective_cny == pytest.approx(full.objective_cny, rel=1e-6)
    assert red.sizes["battery_kwh"]["battery"] == pytest.approx(full.sizes["battery_kwh"]["battery"], rel=1e-4)


def test_ev_forced_charging_is_a_lower_bound():
    """The smart fleet of ev_problem charges its 15 kWh in the cheap hours 1-2 (cost 13).
    A vehicle that plugs in late forces 5 kW in hour 3 whatever the schedule
    (``p_charge_min_kw``): that charging at 1.0 instead of 0.2 adds 5·0.8 = 4 CNY, and
    only 10 kW are left for the cheap hours (cost 13 - 1 + 5 = 17 CNY)."""
    p = ev_problem("smart")
    p.ev_fleets[0].p_charge_min_kw = np.array([0.0, 0.0, 0.0, 5.0])
    r = solve(p)
    ch = r.dispatch["p_ev_charge_kw"].sel(ev_fleet="staff").values
    assert ch[3] == pytest.approx(5.0, abs=1e-6)
    assert ch[1] + ch[2] == pytest.approx(10.0, abs=1e-6)
    assert r.objective_cny == pytest.approx(17.0, rel=REL)


def test_ev_forced_charging_above_the_power_bound_is_refused():
    p = ev_problem("smart", p_charge_max=4.0)
    p.ev_fleets[0].p_charge_min_kw = np.array([0.0, 0.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="p_charge_min_kw exceeds p_charge_max_kw"):
        solve(p)
