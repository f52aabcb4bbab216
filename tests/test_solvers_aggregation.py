"""Representative days with storage linked across days (Kotzur et al. 2018).

Reference values are the full-year hourly LP itself: when every day of the year equals
its medoid, the aggregated LP with linked storage is the full-year LP written with
fewer columns, so both optima agree to the solver tolerance (1e-6 relative; HiGHS
solves each to its default 1e-7 feasibility/optimality tolerances).  Without standing
losses the inter-day bounds of Kotzur et al. (eqs. 10-11) are exact, not conservative.
"""

from __future__ import annotations

import numpy as np
import pytest

from solvers import (AssetCost, Battery, EVFleet, GridConnection, PVArray, SizingProblem,
                     ThermalStorage, solve)
from solvers.aggregation import representative_days

REL = 1e-6
H = np.arange(8760) % 24
DAY = np.arange(8760) // 24


#: a 5-day weather cycle (73 cycles = 365 days) of distinct day types: relative PV
CYCLE = np.array([1.0, 0.05, 0.6, 0.0, 0.2])


def pv_year(scale_by_day) -> SizingProblem:
    """PV scaled per day; a battery is the only way to serve dull days from PV."""
    pv = np.sin(np.pi * (H - 6) / 12).clip(min=0) * scale_by_day[DAY]
    return SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(8760, 100.0),
        grid=GridConnection(price_import_cny_per_kwh=np.full(8760, 1.0),
                            ef_grid_kgco2_per_kwh=np.full(8760, 0.5)),
        pv=[PVArray("roof", pv, max_kwp=1000, cost=AssetCost(1500.0, 25))],
        batteries=[Battery(energy_cost=AssetCost(300.0, 12), power_cost=AssetCost(50.0, 12),
                        eta_charge=0.95, eta_discharge=0.95)])


def test_linked_storage_carries_energy_between_days():
    """Sunny and dull days follow a 5-day cycle: the full-year optimum (cyclic battery,
    hence 5-day periodic) charges on sunny days for the dull ones.  Linked
    representative days (k=5) reproduce it exactly; a storage cycle closed within each
    day cannot and costs more."""
    p = pv_year(CYCLE[np.arange(365) % 5])
    full = solve(p)
    agg = representative_days(p, 5)
    assert np.bincount(agg.assignment).tolist() == [73] * 5
    linked = solve(agg.problem)
    daily = solve(representative_days(p, 5, linked=False).problem)
    assert linked.objective_cny == pytest.approx(full.objective_cny, rel=REL)
    assert linked.sizes["battery_kwh"]["battery"] == pytest.approx(full.sizes["battery_kwh"]["battery"], rel=1e-4)
    assert daily.objective_cny > full.objective_cny * (1 + 1e-2)
    # reported content stays within the sized energy
    e = linked.dispatch.e_battery_kwh.sum("battery").values
    assert e.min() >= -1e-6 and e.max() <= linked.sizes["battery_kwh"]["battery"] * (1 + 1e-6)


def test_linked_storage_with_losses_is_conservative():
    """With a standing loss the inter-day bounds of Kotzur et al. are conservative
    (content bounded at the day's start state before losses): the aggregated optimum is
    never below the full year, and close to it for a small loss."""
    p = pv_year(CYCLE[np.arange(365) % 5])
    p.batteries[0].self_discharge_per_h = 2e-4
    full = solve(p)
    agg = solve(representative_days(p, 5).problem)
    assert agg.objective_cny >= full.objective_cny * (1 - REL)
    assert agg.objective_cny == pytest.approx(full.objective_cny, rel=1e-2)


def test_seasonal_storage_needs_linking():
    """Blocks of 30 sunny then 30 dark days need storage over weeks: linked
    representative days find it, daily cycles cannot (here more than 20 % dearer).
    Tolerance 5 %: the year has 185 sunny and 180 dark days, and identical
    representative days must make the cyclic year balance, so the stored energy drifts
    over each block (measured 3.8 %)."""
    p = pv_year(np.where((np.arange(365) // 30) % 2 == 0, 1.0, 0.0))
    p.batteries[0].energy_cost = AssetCost(5.0, 12)  # cheap energy: seasonal storage pays
    full = solve(p)
    linked = solve(representative_days(p, 2).problem)
    daily = solve(representative_days(p, 2, linked=False).problem)
    assert full.sizes["battery_kwh"]["battery"] > 20 * 24 * 100  # weeks of load stored
    assert linked.objective_cny == pytest.approx(full.objective_cny, rel=0.05)
    assert daily.objective_cny > 1.2 * full.objective_cny


def test_thermal_storage_linked_matches_full_year():
    """The thermal store uses the same linked state: a 5-day price cycle is
    reproduced exactly by k=5."""
    from solvers import HeatPump

    price = np.array([1.0, 0.2, 0.9, 0.3, 0.6])[DAY % 5]
    p = SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(8760, 10.0),
        grid=GridConnection(price_import_cny_per_kwh=price,
                            ef_grid_kgco2_per_kwh=np.full(8760, 0.5)),
        heat_demand_kw=np.full(8760, 50.0),
        heat_pumps=[HeatPump("air", np.full(8760, 3.0), cost=AssetCost(500.0, 15))],
        thermal_stores=[ThermalStorage(cost=AssetCost(5.0, 20), loss_per_h=0.0,
                                       max_power_per_kwh=0.5)])
    full = solve(p)
    agg = solve(representative_days(p, 5).problem)
    assert agg.objective_cny == pytest.approx(full.objective_cny, rel=REL)
    assert agg.sizes["tes_kwh"]["tes"] == pytest.approx(full.sizes["tes_kwh"]["tes"], rel=1e-4)
    assert full.sizes["tes_kwh"]["tes"] > 0


def test_ev_fleet_aggregates_per_cluster():
    """An EV fleet plugged in 8-18 h on every day needs 300 kWh per day; charging is
    cheap 10-14 h.  Identical days: one representative day reproduces the full-year
    optimum (the window is closed at midnight, so the year's start changes nothing)."""
    plugged = (H >= 8) & (H < 18)
    pmax = np.where(plugged, 100.0, 0.0)
    need = np.where(H == 17, 300.0, 0.0)  # energy due by the end of the visit
    emin = np.cumsum(need)
    emax = np.cumsum(np.where(H == 7, 300.0, 0.0))  # may be charged from arrival
    emax = np.maximum(emax, emin)
    price = np.where((H >= 10) & (H < 14), 0.3, 1.0)
    f = EVFleet("cars", p_uncontrolled_kw=np.where((H >= 8) & (H < 11), 100.0, 0.0),
                p_charge_max_kw=pmax, e_cum_min_kwh=emin, e_cum_max_kwh=emax,
                eta_charge=1.0, mode="smart")
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(8760, 50.0),
                      grid=GridConnection(price_import_cny_per_kwh=price,
                                          ef_grid_kgco2_per_kwh=np.full(8760, 0.5)),
                      ev_fleets=[f])
    full = solve(p)
    agg = solve(representative_days(p, 1).problem)
    # hand value: 50 kW all day at the TOU price + 300 kWh at 0.3, for 365 days
    hand = 365 * (50 * (20 * 1.0 + 4 * 0.3) + 300 * 0.3)
    assert full.objective_cny == pytest.approx(hand, rel=REL)
    assert agg.objective_cny == pytest.approx(full.objective_cny, rel=REL)
    ch = agg.dispatch.p_ev_charge_kw.sel(ev_fleet="cars").values
    np.testing.assert_allclose(ch[10:14].sum(), 300.0, rtol=1e-6)


def test_linked_days_link_each_of_two_batteries():
    """The same 5-day cycle with two batteries (a cheap one capped at 1 MWh and a dearer
    one): each has its own inter-day state, and linked representative days reproduce the
    full year's optimum and both sizes."""
    from dataclasses import replace

    p = pv_year(CYCLE[np.arange(365) % 5])
    b = p.batteries[0]
    p.batteries = [replace(b, name="cheap", max_kwh=1000.0),
                   replace(b, name="dear", energy_cost=AssetCost(400.0, 12))]
    full = solve(p)
    linked = solve(representative_days(p, 5).problem)
    assert full.sizes["battery_kwh"]["cheap"] == pytest.approx(1000.0, rel=1e-6)
    assert full.sizes["battery_kwh"]["dear"] > 1.0
    assert linked.objective_cny == pytest.approx(full.objective_cny, rel=REL)
    for n in ("cheap", "dear"):
        assert linked.sizes["battery_kwh"][n] == pytest.approx(full.sizes["battery_kwh"][n], rel=1e-4)
