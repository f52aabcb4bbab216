"""Hand-computed regressions for inputs that used to be lost on the way to the optimiser
(issue 9): boilers of any fuel, absorption chillers, minimum sizes, the residual
emission cap, the export credit, bought heat and offsets under ``min_emissions``.

Each instance is one or two hours; the optimum is derived in its docstring.
"""

from __future__ import annotations

import numpy as np
import pytest

from solvers import (AssetCost, Boiler, Carbon, Chiller, GridConnection, InfeasibleError,
                     PVArray, SizingProblem, ThermalStorage, solve)

REL = 1e-6


def c1(capex: float) -> AssetCost:
    """Annuity equal to capex (r = 0, one-year life)."""
    return AssetCost(capex_cny_per_unit=capex, lifetime_yr=1.0, discount_rate=0.0)


def grid(price, ef=0.0, **kw):
    price = np.asarray(price, float)
    return GridConnection(price_import_cny_per_kwh=price,
                          ef_grid_kgco2_per_kwh=np.full(price.shape, float(ef)), **kw)


def test_boilers_of_every_fuel_are_kept_and_reported_by_fuel():
    """Heat 5,000 kW for one hour from a coal boiler (3,000 kW, η 0.8, 0.1 CNY/kWh fuel,
    0.34 kg/kWh) and two gas boilers (3,000 kW each, η 1, 0.4 CNY/kWh, 0.2 kg/kWh): coal
    costs 0.125 CNY per kWh of heat, gas 0.4, so coal runs at 3,000 kW and one or both gas
    boilers supply 2,000 kW.  Fuel: coal 3,750 kWh, gas 2,000 kWh; cost 375 + 800 CNY;
    CO2 (3,750·0.34 + 2,000·0.2)/1000 = 1.675 t."""
    boilers = [Boiler("coal", "coal", 0.8, 0.1, 0.34, existing_kw=3000, max_kw=3000),
               Boiler("gas a", "natural_gas", 1.0, 0.4, 0.2, existing_kw=3000, max_kw=3000),
               Boiler("gas b", "natural_gas", 1.0, 0.4, 0.2, existing_kw=3000, max_kw=3000)]
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(1), grid=grid([1.0]),
                      heat_demand_kw=np.array([5000.0]), boilers=boilers)
    r = solve(p)
    ds = r.dispatch
    assert r.objective_cny == pytest.approx(1175.0, rel=REL)
    assert r.emissions["fuel_t"] == pytest.approx(1.675, rel=REL)
    assert float(ds["fuel_coal_kw"][0]) == pytest.approx(3750.0, rel=REL)
    assert float(ds["fuel_gas_kw"][0]) == pytest.approx(2000.0, rel=REL)
    assert list(ds["boiler_fuel"].values) == ["coal", "natural_gas", "natural_gas"]
    assert float(ds["q_boiler_kw"].sel(boiler="coal")[0]) == pytest.approx(3000.0, rel=REL)
    assert r.sizes["boiler_kw"] == {"coal": 3000.0, "gas a": 3000.0, "gas b": 3000.0}


def test_absorption_chiller_draws_heat_from_the_heat_bus():
    """Cooling 7 kW for one hour from an absorption chiller (COP 0.7, 10 kW existing):
    it draws 10 kW of heat, which a gas boiler (η 1, 0.1 CNY/kWh) supplies: 1 CNY, no
    electricity."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(1), grid=grid([1.0]),
                      cooling_demand_kw=np.array([7.0]),
                      chillers=[Chiller(np.array([0.7]), existing_kw=10, max_kw=10,
                                        name="abs", kind="absorption")],
                      boilers=[Boiler("gas", "natural_gas", 1.0, 0.1, existing_kw=20, max_kw=20)])
    r = solve(p)
    assert r.objective_cny == pytest.approx(1.0, rel=REL)
    assert float(r.dispatch["q_absorption_heat_kw"][0]) == pytest.approx(10.0, rel=REL)
    assert float(r.dispatch["p_chiller_kw"][0]) == pytest.approx(0.0, abs=1e-6)
    assert float(r.dispatch["q_chiller_kw"][0]) == pytest.approx(7.0, rel=REL)


def test_two_chillers_share_the_cooling_bus_by_cost():
    """Cooling [10, 20] kW; electric chiller A existing 10 kW (COP 5), B new at
    1 CNY/kW (COP 5), electricity 0.5 CNY/kWh: B is built for the 10 kW A cannot serve:
    10 + (2 + 4)·0.5 = 13 CNY; with min_kw 15 on B: 15 + 3 = 18 CNY."""
    def problem(min_b):
        return SizingProblem(
            dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
            cooling_demand_kw=np.array([10.0, 20.0]),
            chillers=[Chiller(np.full(2, 5.0), existing_kw=10, max_kw=10, name="A"),
                      Chiller(np.full(2, 5.0), cost=c1(1.0), min_kw=min_b, name="B")])
    r = solve(problem(0.0))
    assert r.sizes["chiller_kw"]["B"] == pytest.approx(10.0, rel=REL)
    assert r.objective_cny == pytest.approx(13.0, rel=REL)
    assert solve(problem(15.0)).objective_cny == pytest.approx(18.0, rel=REL)


def test_minimum_sizes_of_boilers_and_thermal_stores_are_kept():
    """An electric boiler at 1 CNY/kW with min_kw 30 and a store at 1 CNY/kWh with
    min_kwh 5, heat 10 kW for one hour at 0.5 CNY/kWh: 30 + 5 + 5 = 40 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(1), grid=grid([0.5]),
                      heat_demand_kw=np.array([10.0]),
                      boilers=[Boiler("eb", "electric", 1.0, cost=c1(1.0), min_kw=30.0)],
                      thermal_stores=[ThermalStorage(cost=c1(1.0), min_kwh=5.0)])
    r = solve(p)
    assert r.sizes["boiler_kw"]["eb"] == pytest.approx(30.0, rel=REL)
    assert r.sizes["tes_kwh"]["tes"] == pytest.approx(5.0, rel=REL)
    assert r.objective_cny == pytest.approx(40.0, rel=REL)


def pv_problem(**carbon):
    """Load 10 kW for two hours at 1 CNY/kWh and 0.5 kg/kWh; PV at 0.1 CNY/kWp producing
    only in hour 0 (1 kW/kWp)."""
    return SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 10.0), grid=grid([1.0, 1.0], 0.5),
                         pv=[PVArray("roof", np.array([1.0, 0.0]), cost=c1(0.1), max_kwp=10.0)],
                         carbon=Carbon(**carbon))


def test_residual_emission_cap_is_enforced_under_min_cost():
    """PV pays off anyway (0.1 < 1 CNY/kWh): 10 kWp, residual 0.005 t.  A cap of 0.005 t
    is met; a cap of 0.004 t cannot be (hour 1 needs the grid): short by 0.001 t."""
    r = solve(pv_problem(max_residual_emissions_t=0.005))
    assert r.emissions["residual_t"] == pytest.approx(0.005, rel=REL)
    with pytest.raises(InfeasibleError, match=r"residual emission cap: short by 0\.001 tCO2/yr"):
        solve(pv_problem(max_residual_emissions_t=0.004))


def test_export_credit_is_capped_at_the_import_emissions():
    """Existing PV of 40 kWp shining in hour 0 only: 30 kWh exported (limit 50 kW, price
    0), 10 kWh imported in hour 1, factor 0.5 kg/kWh: the credit is min(15, 5) kg =
    0.005 t, so gross emissions are 0 (as the ledger counts them)."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 10.0),
                      grid=grid([1.0, 1.0], 0.5, export_limit_kw=50.0, credit_export_emissions=True),
                      pv=[PVArray("roof", np.array([1.0, 0.0]), existing_kwp=40, max_kwp=40)])
    r = solve(p)
    assert r.emissions["export_credit_t"] == pytest.approx(0.005, rel=REL)
    assert r.emissions["gross_t"] == pytest.approx(0.0, abs=1e-9)


def test_bought_heat_is_in_gross_emissions_and_net_zero():
    """Heat bought from the district, 100 kW for two hours at 0.2 kg/kWh, is 0.04 t:
    gross emissions include it, and net zero needs 0.04 t of offsets at 50 CNY/t = 2 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([1.0, 1.0], 0.5),
                      heat_import_kw=np.full(2, 100.0), ef_heat_import_kgco2_per_kwh=0.2,
                      carbon=Carbon(offset_price_cny_per_t=50.0), objective="net_zero")
    r = solve(p)
    assert r.emissions["heat_import_t"] == pytest.approx(0.04, rel=REL)
    assert r.emissions["gross_t"] == pytest.approx(0.04, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.04, rel=REL)
    assert r.objective_cny == pytest.approx(2.0, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_heat_import_kw"], 100.0)


def test_min_emissions_buys_offsets_when_the_carbon_price_is_higher():
    """min_emissions with PV: residual 0.005 t (hour 1 from the grid) whatever offsets do.
    Carbon at 200 CNY/t, offsets at 50 CNY/t: the cost stage offsets the residual (saves
    0.005 · 150 = 0.75 CNY): 1 (PV) + 10 (grid) + 0.25 = 11.25 CNY.  With offsets dearer
    than the carbon price none are bought: 11 + 1 = 12 CNY."""
    p = pv_problem(carbon_price_cny_per_t=200.0, offset_price_cny_per_t=50.0)
    p.objective = "min_emissions"
    r = solve(p)
    assert r.emissions["residual_t"] == pytest.approx(0.005, rel=REL)
    assert r.emissions["offsets_t"] == pytest.approx(0.005, rel=REL)
    assert r.objective_cny == pytest.approx(11.25, rel=REL)
    p = pv_problem(carbon_price_cny_per_t=200.0, offset_price_cny_per_t=300.0)
    p.objective = "min_emissions"
    r = solve(p)
    assert r.emissions["offsets_t"] == pytest.approx(0.0, abs=1e-9)
    assert r.objective_cny == pytest.approx(12.0, rel=REL)


def test_min_emissions_solves_two_lps():
    p = pv_problem()
    p.objective = "min_emissions"
    assert solve(p).n_solves == 2


def pareto_problem():
    """pv_problem as a front: PV up to 10 kWp at 0.1 CNY/kWp, emissions 0.005-0.01 t."""
    p = pv_problem()
    p.pv[0].cost = c1(2.0)  # PV dearer than the grid: the minimum-cost end buys none
    p.objective, p.pareto_points = "pareto", 3
    return p


def test_pareto_marks_the_vertical_end_and_the_headline_point():
    """Emissions from 0.005 t (10 kWp) to 0.01 t (no PV).  The minimum-emission end is
    vertical (no MAC), the middle point's MAC is the PV cost per tonne avoided:
    (2 - 1) CNY/kWp per 0.5 kg = 2,000 CNY/t; the headline is the minimum-cost end."""
    said = []
    from solvers import SolveOptions

    r = solve(pareto_problem(), SolveOptions(progress=said.append))
    pts = r.pareto
    assert [p.vertical for p in pts] == [True, False, False]
    assert pts[0].mac_cny_per_t is None
    assert pts[1].mac_cny_per_t == pytest.approx(2000.0, rel=1e-4)
    assert [p.headline for p in pts] == [False, False, True]
    assert r.objective_cny == pytest.approx(pts[-1].cost_cny, rel=REL)
    assert len([s for s in said if s.startswith("pareto point")]) == 3
    # the minimum-cost end is the first solve itself: points + 1 runs (min emissions)
    assert r.n_solves == 4 and pts[2].mac_cny_per_t == 0.0


def test_a_failing_pareto_point_is_reported_and_the_rest_kept(monkeypatch):
    """The second point's run ends without a solution (as a time limit would): it is
    reported as failed, and the other two points and the headline plan remain."""
    from solvers.highs_backend import HighsBackend

    calls = {"n": 0}
    orig = HighsBackend._run

    def run(self, *args, **kwargs):
        r = orig(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 4:  # min cost, min emissions, point 1, point 2 <- fails (point 3 = min cost)
            r.status, r.termination, r.has_solution = "time_limit", "Time limit reached", False
        return r

    monkeypatch.setattr(HighsBackend, "_run", run)
    from solvers import SolveOptions

    r = solve(pareto_problem(), SolveOptions(pareto_beside=False))  # every run through _run
    assert [p.status for p in r.pareto] == ["optimal", "failed: Time limit reached", "optimal"]
    assert np.isnan(r.pareto[1].cost_cny) and r.pareto[2].headline


def test_a_failed_solve_beside_the_first_run_falls_back_to_one_after_the_other(monkeypatch):
    """If the least-emission LP run beside the first run ends without an optimum (e.g. its
    own time limit), it is solved again on the main instance afterwards: same front."""
    from solvers.highs_backend import HighsBackend

    orig = HighsBackend._run_pair

    def pair(self, *args):
        r = orig(self, *args)
        assert self.side is not None and self.side[0].status == "optimal"
        self.side[0].status = "time_limit"
        return r

    from solvers import SolveOptions

    beside = solve(pareto_problem(), SolveOptions(solver="hipo"))
    monkeypatch.setattr(HighsBackend, "_run_pair", pair)
    said = []
    r = solve(pareto_problem(), SolveOptions(solver="hipo", progress=said.append))
    assert "beside" not in said[0] and "ipx + crossover" in said[0]
    # the ends: 0.005 t (+1e-7 t, so 0.0002 kWp less PV than 10 kWp) and 0.01 t
    assert [q.cost_cny for q in r.pareto] == pytest.approx([29.9998, 25.0, 20.0], rel=REL)
    assert [q.cost_cny for q in r.pareto] == pytest.approx([q.cost_cny for q in beside.pareto], rel=1e-9)


def test_pareto_front_of_a_milp_is_solved_cold_point_by_point():
    """With integer columns (PV in 5 kWp modules) there is no basis to warm-start from: every
    point is its own MIP run.  Emissions 0.005-0.01 t; the middle point buys one module:
    cost 20 + (2 - 1) x 5 = 25 CNY, the ends 30 and 20 CNY."""
    p = pareto_problem()
    p.pv[0].cost = AssetCost(capex_cny_per_unit=2.0, lifetime_yr=1.0, discount_rate=0.0, module_size=5.0)
    r = solve(p)
    assert r.n_solves == 4 and all(q.method == "choose" for q in r.pareto)
    assert [q.cost_cny for q in r.pareto] == pytest.approx([30.0, 25.0, 20.0], rel=REL)
    assert [q.sizes["pv_kwp"]["roof"] for q in r.pareto] == pytest.approx([10.0, 5.0, 0.0], abs=1e-6)


def tes_problem(throughput=0.0):
    """Heat [0, 60, 0, 60] kW; electric boiler (η 1) of 30 kW at 1 CNY/kW with price
    [0.1, 1, 0.1, 1]; a lossless store at 0.5 CNY/kWh, ρ = 1 kW/kWh.  With boiler and
    store both x kW(h), 30 <= x <= 60, 2x kWh are made in the cheap hours: cost
    x + 0.5x + 0.1·2x + (120 - 2x) = 120 - 0.3x, least at x = 60: 102 CNY."""
    return SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(4), grid=grid([0.1, 1.0, 0.1, 1.0]),
        heat_demand_kw=np.array([0.0, 60.0, 0.0, 60.0]),
        boilers=[Boiler("eb", "electric", 1.0, cost=c1(1.0))],
        thermal_stores=[ThermalStorage(cost=c1(0.5), loss_per_h=0.0, max_power_per_kwh=1.0,
                                       throughput_cny_per_kwh=throughput)])


@pytest.mark.parametrize("solver", ["ipx", "simplex"])
def test_thermal_store_reports_physical_flows_and_its_size_does_not_rest_on_them(solver):
    """The reported charge and discharge never overlap in an hour, the heat balance closes
    with them, and the size is the one a throughput cost (which rules out simultaneous
    operation in the LP itself) gives: 60 kWh, boiler 60 kW."""
    from solvers import SolveOptions

    r = solve(tes_problem(), SolveOptions(solver=solver))
    ds = r.dispatch
    ch, dis = ds["q_tes_charge_kw"].sum("thermal_storage").values, ds["q_tes_discharge_kw"].sum("thermal_storage").values
    assert np.all(np.minimum(ch, dis) == 0.0)
    np.testing.assert_allclose(ds["q_boiler_kw"].sum("boiler") + dis - ch, ds["q_heat_demand_kw"],
                               atol=1e-6)
    ref = solve(tes_problem(throughput=1e-3), SolveOptions(solver=solver))
    assert r.sizes["tes_kwh"]["tes"] == pytest.approx(ref.sizes["tes_kwh"]["tes"], rel=1e-5)
    assert r.sizes["tes_kwh"]["tes"] == pytest.approx(60.0, rel=1e-5)
    assert r.sizes["boiler_kw"]["eb"] == pytest.approx(60.0, rel=1e-5)
    assert r.objective_cny == pytest.approx(102.0, rel=1e-6)


def test_solver_noise_is_reported_as_zero():
    """New capacity below solvers.optimise.NOISE_TOL (0.1 kW), hourly flows below
    FLOW_TOL (1e-6 kW, the floor of the park-relative tolerance) and annual sums below 1e-6
    are exact zeros in the outputs.  A park with no load needs nothing."""
    from solvers.optimise import FLOW_TOL, NOISE_TOL

    assert (NOISE_TOL, FLOW_TOL) == (0.1, 1e-6)
    p = pv_problem()
    p.electric_load_kw = np.zeros(2)
    r = solve(p)
    assert r.sizes["pv_kwp"]["roof"] == 0.0
    assert float(np.abs(r.dispatch["p_grid_import_kw"]).max()) == 0.0
    assert r.emissions["gross_t"] == 0.0 and r.costs["total"] == 0.0


def test_noise_relative_to_the_park_is_cleaned_once_so_every_output_agrees():
    """An interior-point solution leaves small amounts where the optimum has none: 0.005 kW of
    battery charging on a 1,000 kW park, a 0.05 kWh battery nobody builds, offsets of 1e-9 t
    on 1.2 t of emissions.  They are set to 0 once, in the solution itself
    (solvers.optimise.clean_solution: an hourly series below 1e-5 of the park's largest
    fixed demand in every hour, new capacity below 0.1, offsets below 1e-6 of the gross
    emissions), so sizes, the dispatch, the costs and their total all read 0 together; a
    series with 0.02 kW (above 0.01 kW) in one hour keeps every hour."""
    from solvers import Battery
    from solvers.highs_backend import HighsBackend
    from solvers.model import build_model
    from solvers.noise import hourly_tolerance
    from solvers.optimise import _compiled_cost, _extract, clean_solution, power_scale_kw
    from solvers.problem import SolveOptions

    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(2, 1000.0), grid=grid([0.5, 0.5], ef=0.6),
                      batteries=[Battery(energy_cost=c1(1.0), power_cost=c1(1.0), degradation_cny_per_kwh=1.0)],
                      carbon=Carbon(offset_price_cny_per_t=50.0))
    ctx = build_model(p)
    be = HighsBackend(SolveOptions(solver="simplex"))
    be.set_instance(ctx.m)
    cm = be.cmodel
    ctx.c_cost, ctx.c_offset = _compiled_cost(cm)
    ctx.em_row = int(cm.rows_of(ctx.m.em_cap)[0])  # as solve() does
    res = be.run()
    assert power_scale_kw(ctx) == 1000.0 and hourly_tolerance(1000.0) == pytest.approx(0.01)
    col = {v.local_name: cm.cols_of(v)[0] for v in ctx.hourly_vars}
    ch = next(c for k, c in col.items() if k.startswith("p_battery_charge"))
    dis = next(c for k, c in col.items() if k.startswith("p_battery_discharge"))
    noisy = res.x.copy()
    noisy[ch] = [0.005, 0.0]
    noisy[dis] = [0.002, 0.02]  # kept, both hours: above the tolerance in one
    size = ctx.sizes["battery_kwh"]["battery"].var
    noisy[cm.cols_of(size)[0][0]] = 0.05
    noisy[cm.cols_of(ctx.offsets)[0][0]] = 1e-9
    res.x = noisy
    out = _extract(ctx, cm, clean_solution(ctx, cm, res))
    ds = out["dispatch"]
    assert res.x is noisy and noisy[ch][0] == 0.005  # the solver's own result is left as it was
    assert ds["p_battery_charge_kw"].values.tolist() == [[0.0, 0.0]]
    assert ds["p_battery_discharge_kw"].values.tolist() == [[0.002, 0.02]]
    assert out["sizes"]["battery_kwh"]["battery"] == 0.0
    assert out["costs"]["capex_annualised"]["battery_kwh[battery]"] == 0.0
    assert out["costs"]["battery_degradation"] == pytest.approx(0.022)  # 0.022 kWh at 1 CNY/kWh
    assert out["emissions"]["offsets_t"] == 0.0 and out["costs"]["offsets"] == 0.0
    items = sum(v for k, v in out["costs"].items() if k not in ("total", "capex_overnight")
                and not isinstance(v, dict))
    assert out["costs"]["total"] == pytest.approx(items, abs=1e-9)


def test_report_draws_the_front_without_failed_points():
    """A failed point (cost null in summary.json) is left out of the chart; the vertical
    end and the headline plan are labelled."""
    from twin.report import fig_pareto

    s = {"pareto": [{"residual_tco2": 1, "cost_cny": 2e4, "mac_cny_per_t": None, "vertical": True},
                    {"residual_tco2": 2, "cost_cny": None, "mac_cny_per_t": None},
                    {"residual_tco2": 3, "cost_cny": 1e4, "mac_cny_per_t": 0.0, "headline": True}]}
    trace = fig_pareto(s, "en").data[0]
    assert list(trace.x) == [1, 3]
    assert "vertical" in trace.text[0] and "headline" in trace.text[1]
