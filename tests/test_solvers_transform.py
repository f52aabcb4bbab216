"""Hand-computed checks of :mod:`solvers.transform`: hourly field metadata, fixed sizes,
rolling-horizon windows with store states, and the demand charge of a window.

Every instance is a few hours long; the optimum is derived in each docstring.
"""

from __future__ import annotations

import numpy as np
import pytest

from solvers import (AssetCost, Battery, Carbon, EVFleet, GridConnection, InfeasibleError,
                     PVArray, SizingProblem, ThermalStorage, solve)
from solvers.transform import iter_hourly, map_hourly, window, with_fixed_sizes, without_idle_costs

REL = 1e-6


def grid(price, ef=0.0, **kw):
    price = np.asarray(price, float)
    return GridConnection(price_import_cny_per_kwh=price,
                          ef_grid_kgco2_per_kwh=np.full(price.shape, float(ef)), **kw)


def battery_problem(**bkw):
    """Four hours, price [1, 0.2, 1, 0.2] CNY/kWh, load 5 kW; an existing 10 kWh / 10 kW
    lossless battery (no new capacity allowed)."""
    b = Battery(eta_charge=1.0, eta_discharge=1.0, existing_kwh=10.0, existing_kw=10.0,
                max_kwh=10.0, max_kw=10.0, **bkw)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.full(4, 5.0),
                         grid=grid([1.0, 0.2, 1.0, 0.2]), batteries=[b])


def test_every_hourly_field_is_declared_once_and_mapped():
    """iter_hourly finds the arrays of the problem and its assets through their field
    metadata; map_hourly returns a changed copy and leaves the original alone."""
    p = battery_problem()
    p.pv = [PVArray("roof", np.array([0.0, 0.5, 0.5, 0.0]))]
    p.ev_fleets = [EVFleet("vans", np.zeros(4), np.full(4, 3.0), np.zeros(4), np.full(4, 9.0))]
    paths = {path for path, _, _, v in iter_hourly(p) if v is not None}
    assert {"electric_load_kw", "grid.price_import_cny_per_kwh", "grid.ef_grid_kgco2_per_kwh",
            "pv[roof].ac_per_kwp", "ev_fleets[vans].e_cum_max_kwh"} <= paths
    units = {path: f.metadata["unit"] for path, _, f, _ in iter_hourly(p)}
    assert units["pv[roof].ac_per_kwp"] == "kW/kWp" and units["electric_load_kw"] == "kW"
    q = map_hourly(p, lambda a, meta, owner: a * 2)
    assert q.pv[0].ac_per_kwp[1] == 1.0 and p.pv[0].ac_per_kwp[1] == 0.5
    assert q.grid.price_export_cny_per_kwh == 0.0  # a scalar standing for a series is kept
    assert q.ev_fleets[0].e_cum_max_kwh[0] == 18.0


def test_window_starts_from_the_given_battery_content():
    """Window of hours 2-3 starting with 4 kWh stored: discharge 4 kWh at price 1
    (import 1 kWh at 1), import 5 kWh at 0.2: 1 + 1 = 2 CNY; the store ends empty."""
    r = solve(window(battery_problem(), 2, 4, {"battery_kwh": 4.0}))
    assert r.objective_cny == pytest.approx(2.0, rel=REL)
    assert r.store_states["initial"]["battery_kwh"]["battery"] == pytest.approx(4.0, abs=1e-6)
    assert r.store_states["end"]["battery_kwh"]["battery"] == pytest.approx(0.0, abs=1e-6)


def test_window_values_the_energy_left_at_the_end():
    """As above, but energy left is worth 0.5 CNY/kWh: hour 3 charges the full 10 kW at
    0.2 to keep 10 kWh: 1 + 15 * 0.2 - 0.5 * 10 = -1 CNY.  With a floor of 4 kWh at the
    end instead: 1 + 9 * 0.2 = 2.8 CNY."""
    r = solve(window(battery_problem(), 2, 4, {"battery_kwh": 4.0}, end_value_cny_per_kwh=0.5))
    assert r.objective_cny == pytest.approx(-1.0, rel=REL)
    assert r.costs["stored_energy_value[battery]"] == pytest.approx(-5.0, rel=REL)
    assert r.store_states["end"]["battery_kwh"]["battery"] == pytest.approx(10.0, rel=REL)
    r = solve(window(battery_problem(), 2, 4, {"battery_kwh": 4.0},
                     end_min_kwh={"battery_kwh": 4.0}))
    assert r.objective_cny == pytest.approx(2.8, rel=REL)


def test_windows_chain_through_store_states():
    """Two windows of two hours, the second starting from the first one's end state,
    give the states in between: hour 0 (price 1) starts with 6 kWh and discharges 5,
    hour 1 (0.2) refills to 10 for the end value of 0.5 CNY/kWh."""
    p = battery_problem()
    r1 = solve(window(p, 0, 2, {"battery_kwh": 6.0}, end_value_cny_per_kwh=0.5))
    assert r1.store_states["end"]["battery_kwh"]["battery"] == pytest.approx(10.0, rel=REL)
    r2 = solve(window(p, 2, 4, r1.store_states["end"]))
    assert r2.store_states["initial"]["battery_kwh"]["battery"] == pytest.approx(10.0, rel=REL)
    # no end value now: the 10 kWh cover both hours' 5 kW load, nothing is imported
    assert r2.objective_cny == pytest.approx(0.0, abs=1e-6)
    assert r2.store_states["end"]["battery_kwh"]["battery"] == pytest.approx(0.0, abs=1e-6)


def test_window_of_the_whole_horizon_is_the_problem():
    p = battery_problem()
    assert solve(window(p, 0, 4)).objective_cny == pytest.approx(solve(p).objective_cny, rel=REL)


def test_window_shifts_the_ev_envelope_to_the_fleets_state():
    """The fleet must have 12 kWh by the end of hour 3 (η_c 0.8).  A window of hours
    2-3 starting with 8 kWh delivered needs 4 kWh more: 5 kW in hour 2 at 0.2 = 1 CNY,
    plus the 10 kWh base load of hour 3 at 1.0: 11 CNY; the fleet ends at 12 kWh."""
    fleet = EVFleet("staff", p_uncontrolled_kw=np.array([10.0, 5.0, 0, 0]),
                    p_charge_max_kw=np.full(4, 10.0), e_cum_min_kwh=np.array([0, 0, 0, 12.0]),
                    e_cum_max_kwh=np.full(4, 40.0), eta_charge=0.8, mode="smart")
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.array([0, 0, 0, 10.0]),
                      grid=grid([1.0, 0.2, 0.2, 1.0]), ev_fleets=[fleet])
    w = window(p, 2, 4, {"ev_cum_kwh": {"staff": 8.0}})
    np.testing.assert_allclose(w.ev_fleets[0].e_cum_min_kwh, [-8.0, 4.0])
    r = solve(w)
    assert r.objective_cny == pytest.approx(11.0, rel=REL)
    assert r.store_states["initial"]["ev_cum_kwh"]["staff"] == pytest.approx(8.0)
    assert r.store_states["end"]["ev_cum_kwh"]["staff"] == pytest.approx(12.0, rel=REL)
    with pytest.raises(ValueError, match="unknown fleets"):
        window(p, 2, 4, {"ev_cum_kwh": {"bus": 1.0}})


@pytest.mark.parametrize("before, charge", [(None, 100.0), (15.0, 25.0), (30.0, 0.0)])
def test_window_charges_only_the_increase_of_the_months_peak(before, charge):
    """Load [10, 20] kW in January at 5 CNY/(kW month), energy free: the whole peak
    costs 100 CNY; with 15 kW already reached earlier in the month only 5 kW more are
    charged (25 CNY); with 30 kW reached, nothing."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.array([10.0, 20.0]),
                      grid=grid([0.0, 0.0], demand_charge_cny_per_kw_month=5.0,
                                month=np.array([1, 1])))
    state = None if before is None else {"grid_peak_kw": {1: before}}
    r = solve(window(p, 0, 2, state))
    assert r.costs["demand_charge"] == pytest.approx(charge, abs=1e-6)
    assert r.store_states["end"]["grid_peak_kw"][1] == pytest.approx(max(20.0, before or 0.0))


def test_window_refuses_annual_targets_and_unknown_state():
    p = battery_problem()
    with pytest.raises(ValueError, match="annual target"):
        window(p, 0, 2, objective="net_zero")
    with pytest.raises(ValueError, match="unknown initial_state"):
        window(p, 0, 2, {"soc": 0.5})
    with pytest.raises(ValueError, match="not within"):
        window(p, 3, 9)
    with pytest.raises(ValueError, match="no thermal_stores"):
        window(p, 0, 2, {"tes_kwh": 1.0})


def test_thermal_store_starts_from_its_state():
    """A 100 kWh store holding 20 kWh, no loss, heat demand 10 kW for 2 h and only the
    store can serve it: it delivers 20 kWh and ends empty."""
    tes = ThermalStorage(existing_kwh=100.0, max_kwh=100.0, loss_per_h=0.0,
                         max_power_per_kwh=1.0)
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([1.0, 1.0]),
                      heat_demand_kw=np.full(2, 10.0), thermal_stores=[tes])
    r = solve(window(p, 0, 2, {"tes_kwh": 20.0}))
    assert r.store_states["end"]["tes_kwh"]["tes"] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(r.dispatch["q_tes_discharge_kw"].sum("thermal_storage"), [10.0, 10.0], rtol=REL)


def test_fixed_sizes_as_existing_drop_the_capital_cost():
    """A PV array sized at 10 kWp (capex 1 CNY/kWp-yr): pinned, its annuity stays in the
    objective; made existing, the objective is the operation only."""
    c = AssetCost(capex_cny_per_unit=1.0, lifetime_yr=1.0, discount_rate=0.0)
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 5.0), grid=grid([1.0, 1.0]),
                      pv=[PVArray("roof", np.array([0.0, 0.5]), cost=c)])
    q = with_fixed_sizes(p, {"pv_kwp": {"roof": 10.0}})
    assert (q.pv[0].min_kwp, q.pv[0].max_kwp, p.pv[0].max_kwp) == (10.0, 10.0, float("inf"))
    assert solve(q).objective_cny == pytest.approx(10.0 + 5.0, rel=REL)
    e = with_fixed_sizes(p, {"pv_kwp": {"roof": 10.0}}, as_existing=True)
    assert e.pv[0].existing_kwp == 10.0
    assert solve(e).objective_cny == pytest.approx(5.0, rel=REL)


def test_costs_of_assets_that_can_build_nothing_are_dropped_and_the_lp_is_unchanged():
    """Existing PV of 10 kWp that may not grow: its price never reaches the LP; a candidate's does."""
    c = AssetCost(capex_cny_per_unit=7.0, lifetime_yr=1.0, discount_rate=0.0, om_cny_per_unit_yr=2.0)
    shape = np.array([0.0, 0.5])
    idle = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 5.0), grid=grid([1.0, 1.0]),
                         pv=[PVArray("roof", shape, cost=c, existing_kwp=10.0, max_kwp=10.0)])
    q = without_idle_costs(idle)
    assert q.pv[0].cost == AssetCost() and idle.pv[0].cost == c  # a copy
    assert solve(q).objective_cny == pytest.approx(solve(idle).objective_cny, rel=1e-12)
    cand = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 5.0), grid=grid([1.0, 1.0]),
                         pv=[PVArray("roof", shape, cost=c, existing_kwp=10.0)])
    assert without_idle_costs(cand).pv[0].cost == c


def test_two_fleets_infeasible_names_the_emission_bound():
    """Two fleets must receive 10 and 20 kWh (η 1) from a grid at 0.5 kgCO2/kWh with
    net zero required and no offsets: the emission bound is short by 0.015 tCO2 (each
    fleet's shortfall has its own label, so neither slack is free in the elastic model)."""
    def fleet(name, need):
        return EVFleet(name, np.zeros(2), np.full(2, 50.0), np.array([0.0, need]),
                       np.full(2, 100.0), eta_charge=1.0, mode="smart")
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([1.0, 1.0], ef=0.5),
                      ev_fleets=[fleet("a", 10.0), fleet("b", 20.0)], carbon=Carbon(),
                      objective="net_zero")
    with pytest.raises(InfeasibleError, match=r"emission bound: short by 0\.015 tCO2/yr"):
        solve(p)


def test_fingerprint_counts_content_not_memory_layout():
    from solvers.transform import fingerprint

    a = np.arange(12.0).reshape(3, 4)
    p = SizingProblem(dt_h=1.0, electric_load_kw=a[:, 1], grid=grid([1.0, 1.0, 1.0]))  # a strided view
    q = SizingProblem(dt_h=1.0, electric_load_kw=a[:, 1].copy(), grid=grid([1.0, 1.0, 1.0]))
    assert fingerprint(p) == fingerprint(q)
    r = SizingProblem(dt_h=1.0, electric_load_kw=a[:, 1] + 1e-12, grid=grid([1.0, 1.0, 1.0]))
    assert fingerprint(r) != fingerprint(p)
    assert fingerprint({"b": 1, "a": {2, 1}}) == fingerprint({"a": {1, 2}, "b": 1})
