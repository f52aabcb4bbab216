"""Tests of the sizing optimisation against hand-computed optima of tiny instances.

Every expected value below is derived by hand in the test's docstring (LP optimality
by comparing marginal costs), not by running the code.  Tolerance 1e-6 relative:
HiGHS's default primal/dual feasibility tolerance is 1e-7, so optimal objectives and
sizes of these well-scaled LPs agree to well within 1e-6.
"""

from __future__ import annotations

import numpy as np
import pytest

from solvers import (
    AssetCost,
    Battery,
    Carbon,
    GridConnection,
    InfeasibleError,
    PVArray,
    SizingProblem,
    SolveOptions,
    capital_recovery_factor,
    solve,
)

REL = 1e-6


def one_year_cost(capex: float) -> AssetCost:
    """Cost whose annuity equals its capex (r = 0, 1-year life => CRF = 1)."""
    return AssetCost(capex_cny_per_unit=capex, lifetime_yr=1.0, discount_rate=0.0)


def test_capital_recovery_factor_textbook():
    """CRF(8 %, 10 yr) = 0.149029 (standard annuity table, e.g. NREL/TP-462-5173)."""
    assert capital_recovery_factor(0.08, 10) == pytest.approx(0.1490295, rel=1e-6)
    assert capital_recovery_factor(0.0, 20) == pytest.approx(0.05)


def test_import_solvers_is_light():
    """``import solvers`` must not pull in Pyomo (checked in a fresh interpreter)."""
    import subprocess
    import sys

    code = "import sys, solvers; print('pyomo' in sys.modules, 'highspy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"


def pv_problem(**kw) -> SizingProblem:
    """Two hours, 10 kW load, TOU price [1.0, 0.5] CNY/kWh, PV [0, 0.8] kW/kWp."""
    grid = GridConnection(price_import_cny_per_kwh=np.array([1.0, 0.5]),
                          ef_grid_kgco2_per_kwh=np.array([0.6, 0.6]),
                          export_limit_kw=5.0, price_export_cny_per_kwh=0.1)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.array([10.0, 10.0]), grid=grid,
                         pv=[PVArray("roof", np.array([0.0, 0.8]), max_kwp=100.0,
                                     cost=one_year_cost(0.3))], **kw)


def test_pv_tou_hand_optimum():
    """PV sized to the load in the sunny hour.

    Each kWp gives 0.8 kWh in hour 1; self-consumed it saves 0.8*0.5 = 0.40 CNY > its
    0.30 CNY annuity, exported it earns 0.8*0.1 = 0.08 < 0.30.  So PV covers exactly
    the 10 kW load: 10/0.8 = 12.5 kWp.  Cost = 12.5*0.3 + 10 kWh*1.0 = 13.75 CNY.
    Emissions = 10 kWh * 0.6 kg/kWh = 6 kg = 0.006 t.  Marginal price of electricity:
    hour 0 = 1.0 (grid), hour 1 = 0.3/0.8 = 0.375 CNY/kWh (one more kWp).
    """
    r = solve(pv_problem())
    assert r.status == "optimal"
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(12.5, rel=REL)
    assert r.objective_cny == pytest.approx(13.75, rel=REL)
    assert r.emissions["gross_grid_t"] == pytest.approx(0.006, rel=REL)
    assert r.costs["capex_annualised"]["pv_kwp[roof]"] == pytest.approx(3.75, rel=REL)
    assert r.costs["energy_import"] == pytest.approx(10.0, rel=REL)
    np.testing.assert_allclose(r.duals["electricity_price_cny_per_kwh"], [1.0, 0.375],
                               rtol=REL)
    ds = r.dispatch
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, [10.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(ds["p_pv_kw"].sel(pv_array="roof").values, [0.0, 10.0],
                               atol=1e-7)
    for name in ("p_grid_import_kw", "p_pv_kw", "p_load_kw", "price_import_cny_per_kwh"):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]


def test_only_pv_output_is_exported_whatever_the_prices():
    """An export price above the valley import price made the connection a money pump: the park
    bought 5 kW in the valley and sold them back in the same hour (5,840 MWh a year of grid
    power exported by a park without PV). Only PV output is exported: without PV nothing, with
    PV at most its output less curtailment (here PV is fixed at 10 kWp, 8 kW in hour 1)."""
    grid = {"price_import_cny_per_kwh": np.array([1.0, 0.5]), "ef_grid_kgco2_per_kwh": np.array([0.6, 0.6]),
            "export_limit_kw": 50.0, "price_export_cny_per_kwh": 0.8}
    load = np.array([10.0, 10.0])
    r = solve(SizingProblem(dt_h=1.0, electric_load_kw=load, grid=GridConnection(**grid)))
    np.testing.assert_allclose(r.dispatch["p_grid_export_kw"].values, [0.0, 0.0], atol=1e-7)
    assert r.objective_cny == pytest.approx(15.0, rel=REL)  # the load at the tariff, no revenue
    pv = [PVArray("roof", np.array([0.0, 0.8]), min_kwp=10.0, max_kwp=10.0, cost=one_year_cost(0.0))]
    r = solve(SizingProblem(dt_h=1.0, electric_load_kw=load, grid=GridConnection(**grid), pv=pv))
    ds = r.dispatch
    # selling the 8 kWh at 0.8 and buying the load at 0.5 (full feed-in in that hour) is allowed;
    # buying more to sell is not
    np.testing.assert_allclose(ds["p_grid_export_kw"].values, [0.0, 8.0], atol=1e-6)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, [10.0, 10.0], atol=1e-6)
    assert r.objective_cny == pytest.approx(10.0 + 5.0 - 6.4, rel=REL)


def test_weights_scale_energy_not_capital():
    """Weights 2 double every energy term: PV saves 0.8 CNY/kWp (> 0.3 annuity) while
    export earns 0.16 (< 0.3): still 12.5 kWp; cost = 3.75 + 2*10 = 23.75 CNY."""
    r = solve(pv_problem(weights=np.array([2.0, 2.0])))
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(12.5, rel=REL)
    assert r.objective_cny == pytest.approx(23.75, rel=REL)


def peak_problem(import_limit=float("inf")) -> SizingProblem:
    """Four hours, load [0, 0, 20, 20] kW, flat 0.5 CNY/kWh, 10 CNY/kW-month demand."""
    grid = GridConnection(price_import_cny_per_kwh=np.full(4, 0.5),
                          ef_grid_kgco2_per_kwh=np.full(4, 0.5),
                          demand_charge_cny_per_kw_month=10.0, month=np.ones(4, int),
                          import_limit_kw=import_limit)
    bat = Battery(energy_cost=one_year_cost(2.0), power_cost=one_year_cost(3.0),
                  eta_charge=1.0, eta_discharge=1.0)
    return SizingProblem(dt_h=1.0, electric_load_kw=np.array([0.0, 0.0, 20.0, 20.0]),
                         grid=grid, batteries=[bat])


def test_battery_peak_shaving_hand_optimum():
    """Shaving the peak from 20 to p kW needs 20-p kW and 2(20-p) kWh of battery,
    costing 3 + 2*2 = 7 CNY per kW shaved against 10 CNY/kW demand charge, so shave as
    far as recharging in hours 0-1 allows: charge 20-p <= p  =>  p = 10 kW.
    Cost = 10*10 (demand) + 40 kWh*0.5 (energy, lossless) + 20 kWh*2 + 10 kW*3 = 190.
    """
    r = solve(peak_problem())
    assert r.sizes["battery_kwh"]["battery"] == pytest.approx(20.0, rel=REL)
    assert r.sizes["battery_kw"]["battery"] == pytest.approx(10.0, rel=REL)
    assert r.objective_cny == pytest.approx(190.0, rel=REL)
    assert r.costs["demand_charge"] == pytest.approx(100.0, rel=REL)
    np.testing.assert_allclose(r.dispatch["p_grid_import_kw"].values, [10, 10, 10, 10],
                               atol=1e-6)


def test_import_limit_dual_from_column_bound():
    """The import limit is a column bound; its value is read from the reduced cost.
    Load [0, 20] kW, limit 15 kW: the battery shifts 5 kWh (lossless), costing
    2 CNY/kWh + 3 CNY/kW; one more kW of limit in hour 1 saves 2 + 3 = 5 CNY, in
    hour 0 nothing.  Cost = 20 kWh * 0.5 + 5 * 2 + 5 * 3 = 35 CNY."""
    grid = GridConnection(price_import_cny_per_kwh=np.full(2, 0.5),
                          ef_grid_kgco2_per_kwh=np.full(2, 0.5), import_limit_kw=15.0)
    bat = Battery(energy_cost=one_year_cost(2.0), power_cost=one_year_cost(3.0),
                  eta_charge=1.0, eta_discharge=1.0)
    r = solve(SizingProblem(dt_h=1.0, electric_load_kw=np.array([0.0, 20.0]), grid=grid,
                            batteries=[bat]))
    assert r.objective_cny == pytest.approx(35.0, rel=REL)
    np.testing.assert_allclose(r.duals["import_limit_hourly_cny_per_kw"], [0.0, 5.0], atol=1e-6)
    assert r.duals["import_limit_binding_hours"] == 1
    assert r.duals["import_limit_value_cny_per_kw_yr"] == pytest.approx(5.0, rel=REL)


def test_import_limit_infeasible_is_explained():
    """With an 8 kW import limit the battery can be charged with at most 16 kWh in
    hours 0-1 but hours 2-3 need 2*(20-8) = 24 kWh: 8 kWh over the limit in total."""
    with pytest.raises(InfeasibleError) as exc:
        solve(peak_problem(import_limit=8.0))
    key = "grid import limit [kW]"
    assert key in exc.value.violations
    assert "grid import limit" in str(exc.value)
    assert "8 kWh over the year" in str(exc.value)


def carbon_problem(objective="net_zero", pv_max=600.0, **carbon) -> SizingProblem:
    """Two hours of 1000 kW load at 0.5 CNY/kWh and 0.5 kgCO2/kWh (1 tCO2 in total);
    flat PV (1 kW/kWp) at 1.04 CNY/kWp: each kWp saves 2 kWh = 1 CNY and 1 kgCO2, so
    PV abates at 0.04 CNY/kg = 40 CNY/tCO2."""
    grid = GridConnection(price_import_cny_per_kwh=np.full(2, 0.5),
                          ef_grid_kgco2_per_kwh=np.full(2, 0.5))
    return SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 1000.0), grid=grid,
                         pv=[PVArray("roof", np.ones(2), max_kwp=pv_max,
                                     cost=one_year_cost(1.04))],
                         carbon=Carbon(**carbon), objective=objective)


def test_min_cost_ignores_uneconomic_pv():
    """Without a carbon price PV (1.04 CNY/kWp for 1 CNY of savings) is not built:
    cost = 2000 kWh * 0.5 = 1000 CNY, residual 1 tCO2, no offsets."""
    r = solve(carbon_problem("min_cost", offset_price_cny_per_t=50.0))
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(0.0, abs=1e-6)
    assert r.objective_cny == pytest.approx(1000.0, rel=REL)
    assert r.emissions["residual_t"] == pytest.approx(1.0, rel=REL)
    assert r.emissions["offsets_t"] == 0.0


def test_net_zero_pv_then_offsets_marginal_cost():
    """Net zero: PV (40 CNY/t) up to its 600 kWp limit abates 0.6 t, offsets at 50 CNY/t
    cover the remaining 0.4 t.  Cost = 1000 + 0.6*40 + 0.4*50 = 1044 CNY; the marginal
    tonne is an offset, so the dual of the net-zero constraint is 50 CNY/tCO2."""
    r = solve(carbon_problem(offset_price_cny_per_t=50.0))
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(600.0, rel=REL)
    assert r.objective_cny == pytest.approx(1044.0, rel=REL)
    assert r.emissions["residual_t"] == pytest.approx(0.4, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.4, rel=REL)
    assert r.emissions["net_t"] == pytest.approx(0.0, abs=1e-9)
    assert r.costs["offsets"] == pytest.approx(20.0, rel=REL)
    assert r.duals["emission_constraint_cny_per_t"] == pytest.approx(50.0, rel=REL)


def test_emission_cap_marginal_cost_is_pv_when_offsets_dear():
    """min_cost with net emissions capped at 0.5 t and offsets at 60 CNY/t: PV
    (40 CNY/t) abates 0.5 t with 500 kWp; cost 1000 + 0.5*40 = 1020 CNY; MAC = 40."""
    r = solve(carbon_problem("min_cost", pv_max=5000.0, offset_price_cny_per_t=60.0,
                             max_net_emissions_t=0.5))
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(500.0, rel=REL)
    assert r.objective_cny == pytest.approx(1020.0, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.0, abs=1e-9)
    assert r.duals["emission_constraint_cny_per_t"] == pytest.approx(40.0, rel=REL)


def test_offset_share_cap_infeasible_is_explained():
    """Offsets may cover at most 20 % of the park's gross emissions (after its own
    measures, as in the ETS rule limiting CCER use to a share of verified emissions).
    With PV at its 600 kWp limit gross = 0.4 t, offsets <= 0.08 t: the net-zero target
    is missed by 0.32 t (any less PV only raises the shortfall: 0.8 t per extra t)."""
    with pytest.raises(InfeasibleError) as exc:
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2))
    assert exc.value.violations["emission bound [tCO2/yr]"] == pytest.approx(0.32, rel=1e-5)


def test_net_zero_out_of_reach_is_explained_like_a_target():
    """Net zero out of reach said only "emission bound: short by 0.32 tCO2/yr" (the manufacturing
    example without heat pumps: "short by 63.1976 tCO2/yr"), naming neither the requirement nor
    what ran out; it now says both, with the offset cap among the levers."""
    with pytest.raises(InfeasibleError) as exc:
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2))
    msg = str(exc.value)
    assert "net emissions ≤ 0 tCO2/yr is out of reach: at best 0.32 tCO2/yr" in msg
    assert ("levers exhausted: pv_kwp[roof] at its maximum 600; no green power offered (carbon.max_green_power_mwh = "
            "0); offsets at their cap of 20% of gross emissions, 0.08 tCO2/yr (carbon.max_offset_share)") in msg
    assert "boiler fuel" not in msg
    with pytest.raises(InfeasibleError) as exc:
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.0))
    assert "no offsets allowed (carbon.max_offset_share = 0)" in str(exc.value)


def test_green_certificates_reduce_grid_emissions():
    """Certificates at 20 CNY/MWh reduce grid emissions at the mean factor 0.5 t/MWh:
    40 CNY/t, below offsets (50).  With PV capped at 0 kWp and 1 MWh of certificates
    available, net zero buys all of them (0.5 t) and 0.5 t of offsets:
    cost 1000 + 20 + 25 = 1045 CNY; the marginal tonne is an offset: MAC 50.
    Gross grid emissions stay 1 t: certificates are reported separately."""
    r = solve(carbon_problem(pv_max=0.0, offset_price_cny_per_t=50.0,
                             certificate_price_cny_per_mwh=20.0, certificate_max_mwh=1.0))
    assert r.emissions["certificates_mwh"] == pytest.approx(1.0, rel=REL)
    assert r.emissions["certificates_t"] == pytest.approx(0.5, rel=REL)
    assert r.emissions["gross_grid_t"] == pytest.approx(1.0, rel=REL)
    assert r.emissions["residual_t"] == pytest.approx(0.5, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.5, rel=REL)
    assert r.costs["green_certificates"] == pytest.approx(20.0, rel=REL)
    assert r.objective_cny == pytest.approx(1045.0, rel=REL)
    assert r.duals["emission_constraint_cny_per_t"] == pytest.approx(50.0, rel=REL)


def test_certificates_limited_to_grid_import():
    """Certificates can only cover imported electricity: 2 MWh imported, so of 10 MWh
    available 2 MWh are bought (1 t), cost 1000 + 40 = 1040 CNY, no offsets."""
    r = solve(carbon_problem(pv_max=0.0, offset_price_cny_per_t=50.0,
                             certificate_price_cny_per_mwh=20.0, certificate_max_mwh=10.0))
    assert r.emissions["certificates_mwh"] == pytest.approx(2.0, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.0, abs=1e-9)
    assert r.objective_cny == pytest.approx(1040.0, rel=REL)


@pytest.mark.parametrize("premium, green_mwh, cert_mwh, offsets_t, cost, mac", [
    # 10 CNY/MWh = 20 CNY/t: cheapest, all 1.2 MWh bought (0.6 t, 12 CNY); certificates
    # (40 CNY/t) fill the import left, 2 - 1.2 = 0.8 MWh (0.4 t, 16 CNY); no offsets.
    # One tonne more allowed saves certificates: MAC 40 CNY/t.
    (10.0, 1.2, 0.8, 0.0, 1028.0, 40.0),
    # 30 CNY/MWh = 60 CNY/t: dearer than certificates (40) and offsets (50): none bought;
    # certificates 1 MWh (0.5 t, 20 CNY) and offsets 0.5 t (25 CNY).  MAC 50 CNY/t.
    (30.0, 0.0, 1.0, 0.5, 1045.0, 50.0),
])
def test_green_power_purchase_next_to_certificates(premium, green_mwh, cert_mwh, offsets_t,
                                                   cost, mac):
    """Green power (绿电交易) at a premium over the grid price, credited at the
    certificates' factor (mean grid factor 0.5 t/MWh), 1.2 MWh available; certificates
    20 CNY/MWh, 1 MWh available; offsets 50 CNY/t; no PV; net zero.  Green power and
    certificates together cover at most the 2 MWh imported, and are reported apart:
    gross grid emissions stay 1 t."""
    r = solve(carbon_problem(pv_max=0.0, offset_price_cny_per_t=50.0,
                             certificate_price_cny_per_mwh=20.0, certificate_max_mwh=1.0,
                             green_power_premium_cny_per_mwh=premium,
                             green_power_max_mwh=1.2))
    assert r.emissions["green_power_mwh"] == pytest.approx(green_mwh, abs=1e-7)
    assert r.emissions["green_power_t"] == pytest.approx(0.5 * green_mwh, abs=1e-7)
    assert r.emissions["certificates_mwh"] == pytest.approx(cert_mwh, rel=REL)
    assert r.emissions["certificates_t"] == pytest.approx(0.5 * cert_mwh, rel=REL)
    assert r.emissions["gross_grid_t"] == pytest.approx(1.0, rel=REL)
    assert r.emissions["residual_t"] == pytest.approx(offsets_t, abs=1e-7)
    assert r.emissions["offsets_t"] == pytest.approx(offsets_t, abs=1e-7)
    assert r.costs["green_power_premium"] == pytest.approx(premium * green_mwh, abs=1e-6)
    assert r.objective_cny == pytest.approx(cost, rel=REL)
    assert r.duals["emission_constraint_cny_per_t"] == pytest.approx(mac, rel=REL)


def test_green_power_not_bought_without_a_carbon_reason():
    """min_cost with no carbon price: a premium of 10 CNY/MWh buys nothing the
    objective values, so none is bought; cost 2000 kWh * 0.5 = 1000 CNY."""
    r = solve(carbon_problem("min_cost", pv_max=0.0, green_power_premium_cny_per_mwh=10.0,
                             green_power_max_mwh=5.0))
    assert r.emissions["green_power_mwh"] == pytest.approx(0.0, abs=1e-9)
    assert r.objective_cny == pytest.approx(1000.0, rel=REL)


def test_min_emissions_within_budget():
    """A 312 CNY capital budget buys 300 kWp (1.04 CNY/kWp), abating 0.3 t: residual
    0.7 t; second stage cost = 1000 + 300*0.04 = 1012 CNY."""
    p = carbon_problem("min_emissions")
    p.capex_budget_cny = 312.0
    r = solve(p)
    assert r.emissions["residual_t"] == pytest.approx(0.7, rel=REL)
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(300.0, rel=REL)
    assert r.objective_cny == pytest.approx(1012.0, rel=REL)


def test_pareto_front_and_mac():
    """Front between 1.0 t (no PV, 1000 CNY) and 0.4 t (600 kWp, 1024 CNY): cost is
    1000 + 40*(1 - eps) and the MAC of interior points is 40 CNY/tCO2."""
    p = carbon_problem("pareto")
    p.pareto_points = 3
    r = solve(p)
    pts = r.pareto
    assert [pt.residual_co2_t for pt in pts] == pytest.approx([0.4, 0.7, 1.0], rel=1e-5)
    assert [pt.cost_cny for pt in pts] == pytest.approx([1024.0, 1012.0, 1000.0], rel=1e-5)
    assert pts[1].mac_cny_per_t == pytest.approx(40.0, rel=REL)
    assert pts[2].mac_cny_per_t == pytest.approx(0.0, abs=1e-6)
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(0.0, abs=1e-6)


def test_save_model_and_quiet_stdout(tmp_path, capfd):
    """The MPS file is written and HiGHS prints nothing on stdout."""
    path = tmp_path / "model.mps"
    r = solve(pv_problem(), SolveOptions(save_model=str(path), solver="simplex"))
    out = capfd.readouterr().out
    assert out == ""
    assert path.exists() and "ROWS" in path.read_text()
    assert r.n_variables > 0 and r.n_constraints > 0


def test_budget_too_small_for_minimum_size_is_explained():
    """A 100 kWp minimum PV size costs 104 CNY of capital against a 50 CNY budget: the
    elastic model reports the budget short by 54 CNY (cheaper in its phase-1 weights,
    1e-3 per CNY, than 51.9 kWp of missing minimum size at 1 per kWp)."""
    p = carbon_problem("min_cost")
    p.pv[0].min_kwp = 100.0
    p.capex_budget_cny = 50.0
    with pytest.raises(InfeasibleError) as exc:
        solve(p)
    assert exc.value.violations["capital budget [CNY]"] == pytest.approx(54.0, rel=1e-6)
    assert "capital budget: short by 54 CNY" in str(exc.value)


CONTRACT_NAMES = """p_grid_import_kw p_grid_export_kw p_pv_kw p_pv_curtailed_kw
p_battery_charge_kw p_battery_discharge_kw e_battery_kwh p_load_kw p_ev_charge_kw
p_ev_discharge_kw p_heat_pump_kw q_heat_pump_kw q_waste_heat_source_kw heat_pump_capacity_factor
q_waste_heat_direct_kw q_waste_heat_direct_bus_kw p_electric_boiler_kw q_electric_boiler_kw q_gas_boiler_kw
fuel_gas_kw q_tes_charge_kw q_tes_discharge_kw e_tes_kwh q_heat_demand_kw
q_cooling_demand_kw p_chiller_kw q_chiller_kw price_import_cny_per_kwh
q_boiler_kw fuel_boiler_kw q_cooling_supply_kw
ef_grid_kgco2_per_kwh""".split()


def all_blocks_problem() -> SizingProblem:
    """Six hours with every technology block present."""
    from solvers import (
        Chiller,
        ElectricBoiler,
        EVFleet,
        GasBoiler,
        HeatPump,
        ThermalStorage,
        WasteHeatSource,
    )

    T = 6
    g = GridConnection(price_import_cny_per_kwh=np.linspace(0.3, 1.0, T),
                       ef_grid_kgco2_per_kwh=np.full(T, 0.5), export_limit_kw=10.0,
                       price_export_cny_per_kwh=0.1)
    ev = EVFleet("bus", p_uncontrolled_kw=np.full(T, 2.0), p_charge_max_kw=np.full(T, 5.0),
                 e_cum_min_kwh=np.cumsum(np.full(T, 1.5)), e_cum_max_kwh=np.full(T, 50.0),
                 p_discharge_max_kw=np.full(T, 3.0), mode="v2g")
    p = SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 20.0), grid=g,
        time=np.arange("2025-01-01T00", T, dtype="datetime64[h]"),
        pv=[PVArray("roof", np.linspace(0, 1, T), cost=one_year_cost(0.5))],
        batteries=[Battery(energy_cost=one_year_cost(0.2), power_cost=one_year_cost(0.1))],
        heat_demand_kw=np.full(T, 8.0), cooling_demand_kw=np.full(T, 4.0),
        waste_heat=[WasteHeatSource("kiln", np.full(T, 3.0))],
        heat_pumps=[HeatPump("whp", np.full(T, 4.0), source="kiln", cost=one_year_cost(0.3))],
        boilers=[ElectricBoiler(cost=one_year_cost(0.1)),
                 GasBoiler(fuel_price_cny_per_kwh=0.4, existing_kw=10)],
        thermal_stores=[ThermalStorage(cost=one_year_cost(0.05))],
        chillers=[Chiller(np.full(T, 4.0), cost=one_year_cost(0.2))], ev_fleets=[ev])
    return p


def test_dispatch_has_every_contract_variable():
    """With every block present the dispatch holds exactly the names listed in
    docs/architecture.md, each with units and long_name, and the electricity balance
    closes in every hour."""
    r = solve(all_blocks_problem())
    ds = r.dispatch
    assert set(CONTRACT_NAMES) == set(ds.data_vars)
    for name in CONTRACT_NAMES:
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
        assert "time" in ds[name].dims
    supply = (ds.p_grid_import_kw + ds.p_pv_kw.sum("pv_array") + ds.p_battery_discharge_kw.sum("battery")
              + ds.p_ev_discharge_kw.sum("ev_fleet"))
    use = (ds.p_load_kw + ds.p_grid_export_kw + ds.p_battery_charge_kw.sum("battery")
           + ds.p_ev_charge_kw.sum("ev_fleet") + ds.p_heat_pump_kw.sum("heat_pump")
           + ds.p_electric_boiler_kw + ds.p_chiller_kw)
    np.testing.assert_allclose(supply, use, atol=1e-6)
    # the waste heat used directly, by heat bus (here the network only) and by source: the same heat
    assert list(ds.q_waste_heat_direct_bus_kw["heat_bus"].values) == ["heat"]
    np.testing.assert_allclose(ds.q_waste_heat_direct_bus_kw.sum("heat_bus"), ds.q_waste_heat_direct_kw.sum("waste_heat"))
    heat = (ds.q_heat_pump_kw.sum("heat_pump") + ds.q_waste_heat_direct_kw.sum("waste_heat")
            + ds.q_electric_boiler_kw + ds.q_gas_boiler_kw + ds.q_tes_discharge_kw.sum("thermal_storage")
            - ds.q_tes_charge_kw.sum("thermal_storage"))
    np.testing.assert_allclose(heat, ds.q_heat_demand_kw, atol=1e-6)
    assert ds.time.dtype.kind == "M"
    assert set(r.sizes) >= {"pv_kwp", "battery_kwh", "battery_kw", "heat_pump_kw", "tes_kwh",
                            "boiler_kw", "chiller_kw"}


def test_highs_solves_the_pyomo_model(tmp_path):
    """The model handed to HiGHS is the Pyomo model.  The HiGHS solution, put into the
    Pyomo variables through the standard-form compiler's column list, satisfies every
    active Pyomo constraint and gives the Pyomo cost objective HiGHS's optimum; the
    saved MPS, solved by highspy alone, reaches the same optimum.  Tolerances: 1e-6
    absolute on constraint bodies of order 10 (HiGHS feasibility tolerance 1e-7);
    1e-9 relative on objectives (the same LP with the same algorithm)."""
    import highspy
    import pyomo.environ as pyo

    from solvers.highs_backend import HighsBackend, c_stdout_to_stderr
    from solvers.model import build_model

    p = all_blocks_problem()
    ctx = build_model(p)
    assert isinstance(ctx.m, pyo.ConcreteModel)
    names = {v.name for v in ctx.m.component_objects(pyo.Var)}
    assert {"p_grid_import", "p_grid_export", "p_pv_curtailed", "p_battery_charge_battery", "e_battery_battery",
            "p_ev_charge_bus", "e_ev_window_bus", "q_heat_pump_whp", "q_boiler_electric_boiler",
            "q_boiler_gas_boiler", "e_tes_tes", "gross_emissions", "offsets"} <= names
    be = HighsBackend(SolveOptions(solver="simplex"))
    be.set_instance(ctx.m)
    res = be.run()
    assert res.status == "optimal"
    for v, x in zip(be.cmodel.columns, res.x):
        v.set_value(float(x), skip_validation=True)
    n = 0
    for con in ctx.m.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        lo, hi = pyo.value(con.lower), pyo.value(con.upper)
        assert lo is None or body >= lo - 1e-6, con.name
        assert hi is None or body <= hi + 1e-6, con.name
        n += 1
    assert n == be.cmodel.n_row
    assert pyo.value(ctx.m.cost_obj) == pytest.approx(res.objective, rel=1e-9)

    path = tmp_path / "model.mps"
    r = solve(p, SolveOptions(solver="simplex", save_model=str(path)))
    assert r.objective_cny == pytest.approx(res.objective, rel=1e-9)
    with c_stdout_to_stderr():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    h.setOptionValue("solver", "simplex")
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(res.objective, rel=1e-9)
    # MPS has no free rows: the emission bound of a min_cost run without a cap
    # (``<= inf``) is written as an N row, which the reader drops
    live = be.highs.getLp()
    free = int(np.sum(np.isinf(live.row_lower_) & np.isinf(live.row_upper_)))
    assert free == 1
    assert (h.getLp().num_col_, h.getLp().num_row_) == (r.n_variables, r.n_constraints - free)


# --------------------------------------------------------------------------- HiPO
def test_hipo_reaches_the_hand_optimum():
    """HiPO (the scenario default) finds the PV/TOU hand optimum; no fallback note.

    HiPO runs without crossover at an optimality tolerance of 1e-6, so the interior
    solution is compared at 1e-6 relative (the tolerance of the other hand-optimum tests).
    """
    from solvers.highs_backend import hipo_available

    if not hipo_available():
        pytest.skip("HiPO libraries (highspy-extras) not installed")
    r = solve(pv_problem(), SolveOptions(solver="hipo"))
    assert r.status == "optimal" and r.algorithm == "hipo" and r.solver_notes == []
    assert r.sizes["pv_kwp"]["roof"] == pytest.approx(12.5, rel=1e-6)
    assert r.objective_cny == pytest.approx(13.75, rel=1e-6)
    np.testing.assert_allclose(r.duals["electricity_price_cny_per_kwh"], [1.0, 0.375], rtol=1e-5)


def test_hipo_undecided_run_falls_back_to_ipx(monkeypatch):
    """A HiPO run that ends with an unknown status is repeated with IPX, and said so."""
    from solvers import highs_backend as hb

    real = hb.HighsBackend._run
    calls = []

    def first_hipo_fails(self, alg, extra=None):
        calls.append(alg)
        r = real(self, alg, extra)
        if alg == "hipo":
            r.status, r.termination = "error", "Unknown"
        return r

    monkeypatch.setattr(hb, "hipo_available", lambda: True)
    monkeypatch.setattr(hb.HighsBackend, "_run", first_hipo_fails)
    p = carbon_problem("pareto")
    p.pareto_points = 3
    r = solve(p, SolveOptions(solver="hipo", pareto_beside=False))  # every run through _run
    # later runs never go back to HiPO: IPX for the least emissions, then warm simplex re-solves
    assert calls[:2] == ["hipo", "ipx"] and "hipo" not in calls[2:] and "simplex" in calls
    assert r.algorithm == "ipx" and "re-solved with IPX" in r.solver_notes[0]
    assert [pt.cost_cny for pt in r.pareto] == pytest.approx([1024.0, 1012.0, 1000.0], rel=1e-5)


def test_interior_point_infeasibility_is_confirmed_by_simplex(monkeypatch):
    """An interior-point verdict of infeasibility is checked before anyone is told their
    requirements are out of reach (IPX and HiPO both declared a residual cap of 0 on
    representative days infeasible that the simplex method solves), and said so: the elastic
    re-solve needs nothing to give way, so the model as stated is decided by IPX and then the
    simplex method."""
    from solvers import highs_backend as hb

    real = hb.HighsBackend._run
    calls = []

    def interior_point_says_infeasible(self, alg, extra=None):
        calls.append(alg)
        r = real(self, alg, extra)
        if alg in ("hipo", "ipx") and self.cmodel.model.name == "park_sizing" and not hasattr(
                self.cmodel.model, "slack_obj"):  # the model as stated, not its elastic re-solve
            r.status, r.termination = "infeasible", "Infeasible"
        return r

    monkeypatch.setattr(hb, "hipo_available", lambda: True)
    monkeypatch.setattr(hb.HighsBackend, "_run", interior_point_says_infeasible)
    r = solve(pv_problem(), SolveOptions(solver="hipo"))
    assert calls == ["hipo", "ipx", "ipx", "simplex"]  # the verdict, the elastic re-solve, IPX, the simplex method
    assert r.status == "optimal" and r.algorithm == "simplex"
    assert any(n.endswith("nothing is short beyond the solver's tolerance, so the simplex method decides on the "
                          "model as stated") for n in r.solver_notes), r.solver_notes
    assert "re-solved with the simplex method to confirm" in r.solver_notes[-1]
    assert r.objective_cny == pytest.approx(13.75, rel=REL)


def test_infeasibility_stands_when_the_simplex_confirmation_ends_undecided(monkeypatch):
    """The simplex method asked to confirm an interior-point verdict of infeasibility can end
    undecided (status Unknown: the office example with a 910号 core indicator of 0.2 on eight
    representative days, after 2,175 iterations): `twin run` then stopped with a RuntimeError
    traceback instead of saying the target is out of reach. The verdict stands, the shortfall is
    explained, and the notes say what happened."""
    from solvers import highs_backend as hb

    real = hb.HighsBackend._run
    calls = []

    def simplex_undecided(self, alg, extra=None):
        calls.append(alg)
        r = real(self, alg, extra)
        if alg == "simplex" and r.status == "infeasible":
            r.status, r.termination = "error", "Unknown"
        return r

    import solvers.optimise as opt

    monkeypatch.setattr(hb.HighsBackend, "_run", simplex_undecided)
    monkeypatch.setattr(opt, "EDGE_REL", 1e9)  # the shortfall taken to be at the edge: the simplex method decides
    with pytest.raises(InfeasibleError) as exc:  # the offset share cap of test_offset_share_cap_infeasible_is_explained
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2), SolveOptions(solver="ipx"))
    assert calls == ["ipx", "ipx", "simplex"]  # the verdict, the elastic re-solve, the simplex method
    assert exc.value.violations["emission bound [tCO2/yr]"] == pytest.approx(0.32, rel=1e-5)
    assert any(n.startswith("the interior-point solver reported the model infeasible; the simplex method, asked to "
                            "confirm, ended undecided after ") and n.endswith(" iterations (Unknown), so the verdict "
                                                                              "stands") for n in exc.value.notes)


def test_an_undecided_ipx_confirmation_hands_hipo_s_verdict_to_the_simplex_method(monkeypatch):
    """HiPO said infeasible and IPX, asked to confirm, ended with "Solve error" after 0 iterations
    (the office example at net zero with no offsets allowed, on 8 representative days): the run
    stopped with no verdict. HiPO's verdict now goes on to the simplex method, which decides."""
    from solvers import highs_backend as hb

    real = hb.HighsBackend._run
    calls = []

    def ipx_undecided(self, alg, extra=None):
        calls.append(alg)
        r = real(self, alg, extra)
        if alg == "hipo":
            r.status, r.termination = "infeasible", "Infeasible"
        elif alg == "ipx":
            r.status, r.termination = "error", "Solve error"
        return r

    monkeypatch.setattr(hb, "hipo_available", lambda: True)
    monkeypatch.setattr(hb.HighsBackend, "_run", ipx_undecided)
    r = solve(pv_problem(), SolveOptions(solver="hipo"))  # feasible: the simplex method solves it
    # the verdict, the elastic re-solve (IPX, undecided too), IPX, the simplex method
    assert calls == ["hipo", "ipx", "ipx", "simplex"] and r.status == "optimal"
    assert r.objective_cny == pytest.approx(13.75, rel=REL)
    assert any(n.startswith("HiPO reported the model infeasible; IPX, asked to confirm, ended undecided after ")
               and n.endswith(" iterations (Solve error)") for n in r.solver_notes), r.solver_notes
    calls.clear()
    with pytest.raises(InfeasibleError) as exc:  # infeasible: said so, with the shortfall
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2),
              SolveOptions(solver="hipo", explain_infeasibility=False))
    assert calls == ["hipo", "ipx", "simplex"]


def test_hipo_missing_libraries_fall_back_to_ipx(monkeypatch):
    from solvers import highs_backend as hb

    monkeypatch.setattr(hb, "hipo_available", lambda: False)
    r = solve(pv_problem(), SolveOptions(solver="hipo"))
    assert r.algorithm == "ipx" and "highspy-extras" in r.solver_notes[0]
    assert r.objective_cny == pytest.approx(13.75, rel=REL)


def test_hipo_is_not_used_for_a_milp():
    """HiPO solves LPs only: a model with integer columns runs HiGHS's MIP solver."""
    bat_cost = AssetCost(2.0, 1.0, discount_rate=0.0, module_size=8.0)
    p = pv_problem()
    p.batteries = [Battery(energy_cost=bat_cost, power_cost=one_year_cost(0.1))]
    r = solve(p, SolveOptions(solver="hipo"))
    assert r.algorithm == "choose" and "integer columns" in r.solver_notes[0]
    assert r.status == "optimal"


def test_infeasibility_stands_when_the_simplex_confirmation_reaches_its_time_limit(monkeypatch):
    """A Xiamen factory's full year with a 910号 core indicator of 0.2 out of reach (`out_of_reach:
    closest`): HiPO and IPX said infeasible in 50 s, the simplex method asked to confirm crawled
    57,851 iterations to the 900 s time limit, and the run stopped ("HiGHS stopped without a usable
    solution: Time limit reached") with no plan, no shortfall and no outputs (new-user review). A
    confirmation that reaches its time or iteration limit without a solution, like one that ends
    undecided, leaves the interior point's verdict standing, which is then explained."""
    from solvers import highs_backend as hb
    from twin.report_text import phrase

    real = hb.HighsBackend._run
    calls = []

    def simplex_out_of_time(self, alg, extra=None):
        calls.append(alg)
        r = real(self, alg, extra)
        if alg == "simplex" and r.status == "infeasible":
            r.status, r.termination, r.has_solution = "time_limit", "Time limit reached", False
        return r

    import solvers.optimise as opt

    monkeypatch.setattr(hb.HighsBackend, "_run", simplex_out_of_time)
    # a shortfall beyond the solver's tolerance is decided by the elastic optimum: no simplex run to wait for
    with pytest.raises(InfeasibleError) as exc:
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2), SolveOptions(solver="ipx"))
    assert calls == ["ipx", "ipx"] and exc.value.decided
    assert exc.value.violations["emission bound [tCO2/yr]"] == pytest.approx(0.32, rel=1e-5)
    # at the edge the simplex method decides, and its time limit leaves the verdict standing, said with its figures
    calls.clear()
    monkeypatch.setattr(opt, "EDGE_REL", 1e9)
    with pytest.raises(InfeasibleError) as exc:
        solve(carbon_problem(offset_price_cny_per_t=50.0, offset_max_share=0.2), SolveOptions(solver="ipx"))
    assert calls == ["ipx", "ipx", "simplex"]
    assert exc.value.violations["emission bound [tCO2/yr]"] == pytest.approx(0.32, rel=1e-5)
    [note] = [n for n in exc.value.notes if "asked to confirm" in n]
    assert note.startswith("the interior-point solver reported the model infeasible; the simplex method, asked to "
                           "confirm, ended undecided after ") and note.endswith("(Time limit reached), so the verdict stands")
    assert phrase(note, "zh").endswith("（达到时间上限），维持该判定")
