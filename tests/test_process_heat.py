"""Process heat (hot water, steam): one heat balance per bus, hand-checked; the heat pump's sink
temperature rule; waste heat shared between buses; the operated twin agrees with the plan with
perfect forecasts; the scenario's process heat reaches baseline, plan, ledger, scorecard and the
report's language; bad input is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_check import validate_text as _validate

import solvers as S
from solvers.problem import process_heat_bus

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_process_heat.yaml"
TINY_TEXT = TINY.read_text(encoding="utf-8")
REL = 1e-6
STEAM = process_heat_bus("steam")


def c1(capex: float) -> S.AssetCost:
    """Annuity equal to capex (r = 0, one-year life)."""
    return S.AssetCost(capex_cny_per_unit=capex, lifetime_yr=1.0, discount_rate=0.0)


def grid(price, ef=0.0):
    price = np.asarray(price, float)
    return S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(price.shape, float(ef)))


# --------------------------------------------------------------------------- the LP, bus by bus


def test_steam_bus_balance_by_hand():
    """Steam 100 kW flat for 2 h on its own bus, a gas boiler (efficiency 0.9, 0.3 CNY/kWh fuel,
    0.2 kgCO2/kWh) serving it: fuel 100/0.9 = 111.1 kW, cost 2 x 111.1 x 0.3 = 66.67 CNY, CO2
    2 x 111.1 x 0.2 = 44.4 kg. The network's 50 kW comes from its own electric boiler (50 x 0.5 x
    2 = 50 CNY): the network's free gas boiler (price 0) cannot serve the steam, nor the steam
    boiler the network."""
    p = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]), heat_demand_kw=np.full(2, 50.0),
        process_heat=[S.ProcessHeatDemand("steam", np.full(2, 100.0), 150.0, STEAM)],
        boilers=[S.Boiler("network gas", "natural_gas", 0.9, existing_kw=10.0, max_kw=10.0),
                 S.ElectricBoiler(efficiency=1.0, existing_kw=100.0, max_kw=100.0, name="eb"),
                 S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.3, ef_fuel_kgco2_per_kwh=0.2,
                          existing_kw=200.0, max_kw=200.0, bus=STEAM)])
    r = S.solve(p)
    q = r.dispatch["q_boiler_kw"]
    np.testing.assert_allclose(q.sel(boiler="steam gas"), [100.0, 100.0], rtol=REL)
    np.testing.assert_allclose(q.sel(boiler="network gas"), [10.0, 10.0], rtol=REL)
    np.testing.assert_allclose(q.sel(boiler="eb"), [40.0, 40.0], rtol=REL)
    np.testing.assert_allclose(r.dispatch["fuel_boiler_kw"].sel(boiler="steam gas"), [1000 / 9] * 2, rtol=REL)
    assert r.objective_cny == pytest.approx(2 * 1000 / 9 * 0.3 + 2 * 40 * 0.5, rel=REL)
    assert r.emissions["fuel_t"] == pytest.approx(2 * 1000 / 9 * 0.2e-3, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_process_heat_demand_kw"].sel(process_heat="steam"), [100, 100])
    assert r.dispatch["q_process_heat_demand_kw"].attrs["units"] == "kW"
    assert float(r.dispatch["process_heat_temperature_c"].sel(process_heat="steam")) == 150.0
    np.testing.assert_allclose(r.dispatch["q_heat_demand_kw"], [50, 50])  # the buildings' heat only


def _shared_source_problem():
    """Two hours: the network's 50 kW (electric boiler), 100 kW of 150 °C steam (gas boiler) and a
    200 °C source of 60 kW hot enough for both, one exchanger at 0.1 CNY/kW."""
    return S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]), heat_demand_kw=np.full(2, 50.0),
        process_heat=[S.ProcessHeatDemand("steam", np.full(2, 100.0), 150.0, STEAM)],
        waste_heat=[S.WasteHeatSource("oven", np.full(2, 60.0), hx_cost=c1(0.1), direct_buses=(STEAM,))],
        boilers=[S.ElectricBoiler(efficiency=1.0, existing_kw=100.0, max_kw=100.0, name="eb"),
                 S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.3,
                          existing_kw=200.0, max_kw=200.0, bus=STEAM)])


def test_waste_heat_is_shared_between_buses():
    """A 200 °C source of 60 kW, hot enough for both buses, one exchanger at 0.1 CNY/kW. The
    network's heat otherwise costs 0.5 CNY/kWh (electric boiler), the steam 0.3/0.9 = 0.333
    (gas): the waste heat serves the network's 50 kW first and the steam the 10 kW left, the
    shared availability binding (50 + 10 = 60). Cost: exchanger 6 + steam gas 2 x 90/0.9 x 0.3 =
    60 -> 66 CNY."""
    p = _shared_source_problem()
    r = S.solve(p)
    assert r.objective_cny == pytest.approx(66.0, rel=REL)
    assert r.sizes["waste_heat_hx_kw"]["oven"] == pytest.approx(60.0, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_waste_heat_direct_kw"].sel(waste_heat="oven"), [60, 60], rtol=REL)
    np.testing.assert_allclose(r.dispatch["q_boiler_kw"].sel(boiler="steam gas"), [90, 90], rtol=REL)
    np.testing.assert_allclose(r.dispatch["q_boiler_kw"].sel(boiler="eb"), [0, 0], atol=1e-6)
    # a source too cool for the steam (no direct bus) serves the network only: steam all from gas
    p2 = S.SizingProblem(**{**p.__dict__, "waste_heat": [S.WasteHeatSource("oven", np.full(2, 60.0),
                                                                           hx_cost=c1(0.1))]})
    r2 = S.solve(p2)
    np.testing.assert_allclose(r2.dispatch["q_boiler_kw"].sel(boiler="steam gas"), [100, 100], rtol=REL)
    np.testing.assert_allclose(r2.dispatch["q_waste_heat_direct_kw"].sel(waste_heat="oven"), [50, 50], rtol=REL)


def test_a_stream_cooled_to_its_outlet_gives_a_hotter_bus_only_its_hotter_part():
    """The 60 kW source of :func:`_shared_source_problem` as flue gas from 200 °C down to 120 °C: of
    its heat only (200 - 155) / (200 - 120) = 0.5625 lies above the 150 °C steam plus the 5 K
    approach, so with steam dearer than the network's heat (gas at 0.9 / 0.9 = 1.0 CNY/kWh against
    0.5) the steam takes 33.75 kW, not all 60 kW; the network takes the 26.25 kW left and its
    electric boiler 23.75. Cost: exchanger 6 + 2 x (66.25 x 1.0 + 23.75 x 0.5) = 162.25 CNY (with
    the whole stream on the steam: 6 + 2 x (40 + 25) = 136). A Shenyang paint shop's 260 -> 120 °C
    furnace gas gave its 150 °C steam 9,363 MWh/yr of the 7,096 it holds above 155 °C."""
    from twin.components.heat import hot_shares

    share = hot_shares(200.0, 120.0, {"heat": 60.0, STEAM: 150.0})
    assert share == {STEAM: pytest.approx(0.5625)}  # the network (65 °C) may take all of it: not listed
    assert hot_shares(200.0, None, {STEAM: 150.0}) == {}  # isothermal: all or nothing
    base = _shared_source_problem()
    boilers = [base.boilers[0], S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.9,
                                         existing_kw=200.0, max_kw=200.0, bus=STEAM)]
    whole = S.solve(S.SizingProblem(**{**base.__dict__, "boilers": boilers}))
    assert whole.objective_cny == pytest.approx(136.0, rel=REL)
    w = base.waste_heat[0]
    p = S.SizingProblem(**{**base.__dict__, "boilers": boilers, "waste_heat": [S.WasteHeatSource(
        w.name, w.available_kw, hx_cost=w.hx_cost, direct_buses=w.direct_buses, hot_share=share)]})
    r = S.solve(p)
    bus = r.dispatch["q_waste_heat_direct_bus_kw"]
    np.testing.assert_allclose(bus.sel(heat_bus=STEAM), [33.75, 33.75], rtol=REL)
    np.testing.assert_allclose(bus.sel(heat_bus="heat"), [26.25, 26.25], rtol=REL)
    np.testing.assert_allclose(r.dispatch["q_boiler_kw"].sel(boiler="eb"), [23.75, 23.75], rtol=REL)
    assert r.objective_cny == pytest.approx(162.25, rel=REL)
    with pytest.raises(ValueError, match="hot_share"):
        S.SizingProblem(**{**p.__dict__, "waste_heat": [S.WasteHeatSource(
            "oven", w.available_kw, hot_share={"heat:nowhere": 0.5})]}).validate()


def test_heat_pump_on_steam_bus_shares_its_source_with_direct_use():
    """A 60 kW source, used directly on the network (needs 50 kW, else 0.5 CNY/kWh) and by a
    steam heat pump (COP 2, draws half its output from the source, existing 40 kW) whose
    alternative is gas at 0.3/0.9: each kW of source on the network saves 0.5, as heat-pump source
    it saves 2 x 0.333 - 1 x 0.5 (the pump's electricity) = 0.167 per kW of source. The network
    takes 50, the pump the 10 kW left -> 20 kW of steam, the gas boiler 80."""
    p = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(1), grid=grid([0.5]), heat_demand_kw=np.array([50.0]),
        process_heat=[S.ProcessHeatDemand("steam", np.array([100.0]), 150.0, STEAM)],
        waste_heat=[S.WasteHeatSource("oven", np.array([60.0]))],
        heat_pumps=[S.HeatPump("steam hp", np.array([2.0]), source="oven", existing_kw=40.0, max_kw=40.0,
                               bus=STEAM)],
        boilers=[S.ElectricBoiler(efficiency=1.0, existing_kw=100.0, max_kw=100.0, name="eb"),
                 S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.3,
                          existing_kw=200.0, max_kw=200.0, bus=STEAM)])
    r = S.solve(p)
    assert float(r.dispatch["q_waste_heat_direct_kw"].sel(waste_heat="oven")[0]) == pytest.approx(50.0, rel=REL)
    assert float(r.dispatch["q_heat_pump_kw"].sel(heat_pump="steam hp")[0]) == pytest.approx(20.0, rel=REL)
    assert float(r.dispatch["q_boiler_kw"].sel(boiler="steam gas")[0]) == pytest.approx(80.0, rel=REL)
    assert r.objective_cny == pytest.approx(80 / 0.9 * 0.3 + 10 * 0.5, rel=REL)


def test_a_bus_without_supply_is_named():
    p = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]),
        process_heat=[S.ProcessHeatDemand("steam", np.full(2, 100.0), 150.0, STEAM)],
        boilers=[S.ElectricBoiler(efficiency=1.0, existing_kw=100.0, max_kw=100.0, name="eb")])
    with pytest.raises(S.InfeasibleError, match="process heat demand 'steam'"):
        S.solve(p)
    bad = S.SizingProblem(**{**p.__dict__, "boilers": [S.ElectricBoiler(name="eb", existing_kw=1.0)],
                             "heat_pumps": [S.HeatPump("hp", np.full(2, 2.0), bus="heat:nowhere")]})
    with pytest.raises(ValueError, match="heat pump 'hp' supplies bus 'heat:nowhere'"):
        bad.validate()


# --------------------------------------------------------------------------- the operated twin

T = 72
HOURS = np.arange(T) % 24
PRICE = np.where(HOURS < 8, 0.3, np.where((HOURS >= 8) & (HOURS < 20), 1.0, 0.6))


def _process_heat_park():
    """Network heat with a heat pump, a thermal store and a gas boiler; steam on its own bus from a
    gas boiler, an electric boiler and a waste-heat heat pump; a 180 °C source used directly on
    both buses and by the steam heat pump (its availability shared by all three)."""
    heat = 80.0 + 40.0 * np.cos(HOURS / 24 * 2 * np.pi)
    steam = 60.0 + 40.0 * ((HOURS >= 6) & (HOURS < 22))
    waste = 30.0 + 30.0 * ((HOURS >= 8) & (HOURS < 18))
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 150.0),
        grid=S.GridConnection(price_import_cny_per_kwh=PRICE, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                              month=np.full(T, 3)),
        time=pd.date_range("2025-03-03", periods=T, freq="h").to_numpy(),
        heat_demand_kw=heat,
        process_heat=[S.ProcessHeatDemand("steam", steam, 150.0, STEAM)],
        waste_heat=[S.WasteHeatSource("oven", waste, direct_buses=(STEAM,))],
        heat_pumps=[S.HeatPump(name="hp", cop=3.0 + 0.5 * np.sin(HOURS / 24 * 2 * np.pi)),
                    S.HeatPump(name="steam hp", cop=np.full(T, 2.2), source="oven", bus=STEAM)],
        boilers=[S.GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.35, existing_kw=200.0, max_kw=200.0),
                 S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.35, existing_kw=150.0,
                          max_kw=150.0, bus=STEAM),
                 S.ElectricBoiler(efficiency=0.99, name="steam eb", bus=STEAM)],
        thermal_stores=[S.ThermalStorage(loss_per_h=0.005, max_power_per_kwh=0.25)])
    sizes = {"heat_pump_kw": {"hp": 90.0, "steam hp": 40.0}, "tes_kwh": {"tes": 300.0},
             "boiler_kw": {"gas_boiler": 200.0, "steam gas": 150.0, "steam eb": 60.0},
             "waste_heat_hx_kw": {"oven": 50.0}}
    return prob, sizes


def test_mpc_reproduces_the_plan_with_process_heat():
    """With perfect forecasts over the whole horizon the rolling-horizon controller operates the
    park at the plan's cost, each bus from its own sources, the waste heat shared."""
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    ab = as_built(prob, sizes)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    park = OperatedPark.from_problem(prob, sizes, initial={"tes_kwh": 0.0})
    assert park.heat_buses == ["heat", STEAM]
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw}
    ctrl = MPCController(ab, Forecaster(truth, T, ForecastSettings(perfect=True)), horizon=T, step=24,
                         battery_late_cny_per_kwh_h=0.0)
    ds, stats = operate(park, ctrl)
    cost = float(np.dot(park.price, ds["p_grid_import_kw"].values)) + 0.35 * float(
        ds["fuel_boiler_kw"].sel(boiler=["gas_boiler", "steam gas"]).sum())
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    assert float(ds["q_unserved_heat_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    # the steam bus by itself: its boilers, its heat pump and the waste heat it used cover its demand
    steam_supply = (ds["q_boiler_kw"].sel(boiler=["steam gas", "steam eb"]).sum("boiler")
                    + ds["q_heat_pump_kw"].sel(heat_pump="steam hp"))
    # (equal-cost hours may split differently from the plan's; the rest is direct waste heat)
    direct_to_steam = ds["q_process_heat_demand_kw"].sel(process_heat="steam") - steam_supply
    assert float(direct_to_steam.min()) >= -1e-6
    assert float((direct_to_steam - ds["q_waste_heat_direct_kw"].sel(waste_heat="oven")).max()) <= 1e-6
    assert float(direct_to_steam.sum()) > 0  # the steam did use the waste heat directly
    used = ds["q_waste_heat_direct_kw"].sel(waste_heat="oven") + ds["q_waste_heat_source_kw"].sel(heat_pump="steam hp")
    assert float((used - park.waste[0]["avail"]).max()) <= 1e-6
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_rule_controller_serves_each_bus_and_closes_the_balances():
    """The rule controller (merit order): every hour's heat balance closes over all buses and the
    steam bus takes nothing from the network's sources (its gas boiler stays below the network's
    demand)."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    park = OperatedPark.from_problem(prob, sizes)
    ds, stats = operate(park, RuleController(Forecaster({"load_kw": park.load_kw, "heat_kw": park.heat_kw}, 24,
                                                        ForecastSettings(perfect=True))))
    assert float(np.abs(ds["heat_balance_residual_kw"]).max()) < 1e-6
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    assert float(ds["q_unserved_heat_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    steam = ds["q_process_heat_demand_kw"].sel(process_heat="steam")
    own = (ds["q_boiler_kw"].sel(boiler=["steam gas", "steam eb"]).sum("boiler")
           + ds["q_heat_pump_kw"].sel(heat_pump="steam hp"))
    assert float((steam - own).min()) >= -1e-6  # the rest is waste heat, within the exchanger
    assert float((steam - own).max()) <= 50.0 + 1e-6


def test_operated_twin_keeps_the_hot_share_of_a_cooled_stream():
    """The park of :func:`_process_heat_park` with 0.4 of its 180 °C source hot enough for the steam
    (a stream cooled to 117.5 °C: (180 - 155) / (180 - 117.5) = 0.4). The plan, the rolling horizon
    with perfect forecasts and the rule controller all keep the steam's direct use within 0.4 of the
    heat in every hour, and the rolling horizon's cost equals the plan's."""
    import dataclasses

    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    prob.waste_heat = [dataclasses.replace(prob.waste_heat[0], hot_share={STEAM: 0.4})]
    ab = as_built(prob, sizes)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    avail = np.asarray(prob.waste_heat[0].available_kw, float)
    plan_steam = opt.dispatch["q_waste_heat_direct_bus_kw"].sel(heat_bus=STEAM).to_numpy()
    assert np.all(plan_steam <= 0.4 * avail + 1e-6) and plan_steam.max() == pytest.approx(0.4 * avail.max(), rel=1e-6)
    park = OperatedPark.from_problem(prob, sizes, initial={"tes_kwh": 0.0})
    assert park.waste[0]["share"] == {STEAM: 0.4}
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw}
    ds, _ = operate(park, MPCController(ab, Forecaster(truth, T, ForecastSettings(perfect=True)), horizon=T,
                                        step=24, battery_late_cny_per_kwh_h=0.0))
    cost = float(np.dot(park.price, ds["p_grid_import_kw"].values)) + 0.35 * float(
        ds["fuel_boiler_kw"].sel(boiler=["gas_boiler", "steam gas"]).sum())
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    for d in (ds, operate(OperatedPark.from_problem(prob, sizes),
                          RuleController(Forecaster(truth, 24, ForecastSettings(perfect=True))))[0]):
        steam = d["q_waste_heat_direct_bus_kw"].sel(heat_bus=STEAM).to_numpy()
        assert np.all(steam <= 0.4 * avail + 1e-6) and steam.sum() > 0
        assert float(np.abs(d["heat_balance_residual_kw"]).max()) < 1e-6
        assert float(d["q_unserved_heat_kw"].sum()) == pytest.approx(0.0, abs=1e-6)


# --------------------------------------------------------------------------- the scenario


def _loaded(tmp_path, text: str = TINY_TEXT):
    from twin.scenario.loader import load_scenario

    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return load_scenario(p)


def test_scenario_builds_buses_supply_and_notes(tmp_path):
    """Cooking water at 55 °C joins the 60 °C network; steam at 150 °C has its own bus, its existing
    coal boiler (efficiency 0.8) covers its 400 kW peak, the steam heat pump and electric boiler
    supply it; the 200 °C oven exhaust may serve both buses directly (200 ≥ 150 + 5); cooking water
    states no supply: an implied gas boiler, said in a note."""
    from twin.plan import build_problem, first_hours
    from twin.run import prepare_inputs

    loaded = _loaded(tmp_path)
    inputs = prepare_inputs(loaded)
    prof = first_hours(inputs.profiles, 168)
    sc = loaded.scenario
    p = build_problem(sc, prof)
    dem = {d.name: d for d in p.process_heat}
    assert dem["cooking water"].bus == "heat" and dem["steam"].bus == STEAM
    assert float(inputs.profiles["q_process_heat_demand_kw"].sel(process_heat="steam").max()) == pytest.approx(400.0)
    year = inputs.profiles["q_process_heat_demand_kw"].sel(process_heat="cooking water").sum()
    assert float(year) == pytest.approx(1500e3, rel=1e-9)  # annual_mwh over the year
    boilers = {b.name: b for b in p.boilers}
    assert boilers["steam boiler"].fuel == "coal" and boilers["steam boiler"].efficiency == 0.8
    assert boilers["steam boiler"].existing_kw == pytest.approx(400.0) and boilers["steam boiler"].bus == STEAM
    assert not boilers["steam boiler"].implied
    assert boilers["cooking water boiler"].implied and boilers["cooking water boiler"].bus == "heat"
    assert boilers["electric steam boiler"].bus == STEAM
    assert {h.name: h.bus for h in p.heat_pumps} == {"steam heat pump": STEAM}
    assert p.waste_heat[0].direct_use and p.waste_heat[0].direct_buses == (STEAM,)
    # the exhaust cooled from 200 to 120 °C: (200 - 155) / 80 of it above the steam's 150 °C + 5 K
    assert p.waste_heat[0].hot_share == {STEAM: pytest.approx(45.0 / 80.0)}
    assert any("process heat 'cooking water' states no existing supply" in n for n in p.notes)
    # a cooler source (140 °C, outlet 100 °C) cannot serve the steam directly
    cooler = _loaded(tmp_path, TINY_TEXT.replace("temperature_c: 200,\n     outlet_temperature_c: 120",
                                                 "temperature_c: 140,\n     outlet_temperature_c: 100"))
    p2 = build_problem(cooler.scenario, first_hours(prepare_inputs(cooler).profiles, 168))
    assert p2.waste_heat[0].direct_buses == () and p2.waste_heat[0].direct_use


def test_run_counts_process_heat_in_baseline_ledger_and_statistics(tmp_path):
    """One week: the baseline burns the steam's coal (400 kW x 168 h / 0.8, scaled to a year) and
    the cooking water's gas; heat demand in summary.json and the ledger is the buildings' (none
    here) plus the process heat; the plan's fuel lands in the ledger by fuel."""
    from twin.run import run, write
    from twin.scenario.run_config import resolve_run_config

    loaded = _loaded(tmp_path)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168))
    base = r.ledger.baseline.annual
    steam_mwh = 400.0 * 8760 / 1000  # flat 400 kW, the week scaled to a year
    cooking = r.profiles["q_process_heat_demand_kw"].sel(process_heat="cooking water").to_numpy()
    cooking_mwh = float(cooking.sum()) * 8760 / 168 / 1000
    assert base["q_process_heat_demand_kwh"] / 1e3 == pytest.approx(steam_mwh + cooking_mwh, rel=1e-9)
    assert base["q_heat_demand_kwh"] == pytest.approx(base["q_process_heat_demand_kwh"], rel=1e-12)
    assert base["fuel_raw_coal_kwh"] / 1e3 == pytest.approx(steam_mwh / 0.8, rel=1e-6)
    assert base["fuel_natural_gas_kwh"] / 1e3 == pytest.approx(cooking_mwh / 0.92, rel=1e-6)
    plan = r.ledger.planned.annual
    fuel = r.result.dispatch["fuel_coal_kw"].sum() * 8760 / 168 / 1e3
    assert plan.get("fuel_raw_coal_kwh", 0.0) / 1e3 == pytest.approx(float(fuel), rel=1e-6, abs=1e-6)
    write(r, tmp_path / "out")
    import json

    import xarray as xr

    s = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert s["energy_mwh"]["heat_demand"] == pytest.approx(plan["q_heat_demand_kwh"] / 1e3, rel=1e-9)
    assert s["energy_mwh"]["process_heat_demand"] == pytest.approx(steam_mwh + cooking_mwh, rel=1e-9)
    assert s["baseline_energy_mwh"]["coal_fuel"] == pytest.approx(steam_mwh / 0.8, rel=1e-6)
    ds = xr.open_dataset(tmp_path / "out" / "results.nc")
    q = ds["q_process_heat_demand_kw"]
    assert q.dims == ("process_heat", "time") and q.attrs["units"] == "kW" and q.attrs["long_name"]
    csv = pd.read_csv(tmp_path / "out" / "dispatch.csv", nrows=2)
    assert any(c.startswith("q_process_heat_demand_kw") for c in csv.columns)


def test_heat_demand_of_the_statistics_includes_process_heat():
    """The heat demand the ledger, the waste-heat share and the T/CSUS 66 civil heat share
    (``alpha_h = civil_heat_kwh / q_heat_demand_kwh``, scorecard) divide by is the buildings' heat
    plus the process heat: 25 + 75 kW over 4 h = 400 kWh, of which 300 kWh process heat. A civil
    100 kWh is then a quarter of the heat, not all of it: process heat counts as industrial."""
    from twin.statistics import HEAT_DEMAND, annual_statistics, flow

    t = pd.date_range("2025-01-01", periods=4, freq="h")
    ds = pd.DataFrame({"q_heat_demand_kw": [25.0] * 4}, index=t).rename_axis("time").to_xarray()
    ds["q_process_heat_demand_kw"] = (("process_heat", "time"), np.full((1, 4), 75.0))
    st = annual_statistics(ds, 1.0)
    assert st.energy_kwh["q_heat_demand_kwh"] == pytest.approx(400.0)
    assert st.energy_kwh["q_process_heat_demand_kwh"] == pytest.approx(300.0)
    assert float(flow(ds, HEAT_DEMAND).sum()) == pytest.approx(400.0)
    assert st.energy_mwh()["heat_demand"] == pytest.approx(0.4)
    assert st.energy_mwh()["process_heat_demand"] == pytest.approx(0.3)
    # without process heat nothing changes: the buildings' heat alone
    st0 = annual_statistics(ds.drop_vars("q_process_heat_demand_kw"), 1.0)
    assert st0.energy_kwh["q_heat_demand_kwh"] == pytest.approx(100.0)
    assert "q_process_heat_demand_kwh" not in st0.present


def test_implied_boiler_note_in_chinese():
    from twin.report_text import phrase

    note = ("boiler 'steam boiler' (1,200 kW, natural gas, efficiency 0.92) is implied: process heat 'steam' "
            "states no existing supply (existing_fuel) and no boiler serves it, so its existing plant is taken to "
            "be a gas boiler covering its peak")
    zh = phrase(note, "zh")
    assert "工艺用热" in zh and "1,200 kW" in zh and "效率 0.92" in zh and "steam" in zh
    assert "implied" not in zh


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("old, new, path, message", [
    ("sink_temperature_c: 155, serves: steam", "sink_temperature_c: 90, serves: steam",
     "heat_pumps.0.sink_temperature_c", "delivers 90 °C but serves 'steam', which needs 150 °C"),
    ("serves: steam, max_kw: 300", "serves: stem, max_kw: 300", "heat_pumps.0.serves",
     "'stem', which is not a process_heat demand (known: ['cooking water', 'steam'])"),
    ("follows_process: line", "follows_process: lines", "process_heat.0.follows_process",
     "'lines', which is not a process load"),
    ("fuel_prices_cny_per_kwh: {coal: 0.12}", "fuel_prices_cny_per_kwh: {}", "process_heat.1.existing_fuel",
     "costs.fuel_prices_cny_per_kwh.coal"),
    ("peak_kw: 400,", "peak_kw: 400, annual_mwh: 100,", "process_heat.1", "give annual_mwh or peak_kw, not both"),
])
def test_bad_process_heat_input_is_named(tmp_path, old, new, path, message):
    assert old in TINY_TEXT
    r = _validate(tmp_path, TINY_TEXT.replace(old, new))
    assert r.exit_code == 1, r.output
    assert path in r.output and message in r.output, r.output


def test_existing_fuel_beside_declared_boilers_both_supply_today(tmp_path):
    """The steam with existing_fuel coal (efficiency 0.8) and a declared electric steam boiler of 150 kW
    existing (as a pathway period carries a boiler an earlier one built): both stand in the baseline, the
    coal boiler at the steam's 400 kW peak; without existing_fuel the declared boiler alone (no boiler
    implied beside it). It was refused ('supplied today by the declared boiler(s)'), which stopped a
    pathway at its second period."""
    from twin.plan import build_problem, first_hours
    from twin.run import prepare_inputs

    text = TINY_TEXT.replace("serves: steam, max_kw: 600}", "serves: steam, max_kw: 600, existing_kw: 150}")
    assert _validate(tmp_path, text).exit_code == 0
    loaded = _loaded(tmp_path, text)
    prof = first_hours(prepare_inputs(loaded).profiles, 48)
    base = {b.name: b for b in build_problem(loaded.scenario, prof, baseline=True).boilers}
    assert base["electric steam boiler"].existing_kw == 150.0
    assert base["steam boiler"].existing_kw == pytest.approx(400.0) and base["steam boiler"].fuel == "coal"
    assert base["steam boiler"].efficiency == 0.8 and not base["steam boiler"].implied
    without = _loaded(tmp_path, text.replace(", existing_fuel: coal, existing_efficiency: 0.8", ""))
    names = [b.name for b in build_problem(without.scenario, prof, baseline=True).boilers]
    assert "electric steam boiler" in names and "steam boiler" not in names


def test_steam_beyond_a_heat_pumps_reach_is_covered_by_the_implied_boiler(tmp_path):
    """Steam at 180 °C with only a 190 °C heat pump serving it and no boiler: its existing supply (a gas
    boiler, implied) covers it, so the baseline is feasible and the plan may add the heat pump."""
    text = TINY_TEXT.replace("temperature_c: 150, peak_kw: 400, existing_fuel: coal, existing_efficiency: 0.8",
                             "temperature_c: 180, peak_kw: 400")
    text = text.replace("sink_temperature_c: 155", "sink_temperature_c: 190")
    text = text.replace("  - {name: electric steam boiler, fuel: electric, serves: steam, max_kw: 600}\n", "")
    text = text.replace("boilers:\n", "")
    from twin.run import run
    from twin.scenario.run_config import resolve_run_config

    loaded = _loaded(tmp_path, text)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48))
    q = r.baseline.dispatch["q_boiler_kw"].sel(boiler="steam boiler")
    np.testing.assert_allclose(q, 400.0, rtol=1e-6)
    assert any("process heat 'steam' states no existing supply" in n for n in r.result.solver_notes)


def test_pathway_load_growth_grows_process_heat(tmp_path):
    """10 %/yr over 5 years (factor 1.1^5 = 1.61051): the steam's peak 400 -> 644.2 kW, the cooking
    water's 1500 MWh/yr -> 2415.8 MWh/yr, beside the process load's 2000 -> 3221.0 MWh/yr."""
    from twin.pathway.runner import base_energies, period_inputs
    from twin.pathway.spec import PathwaySpec

    sc0 = _loaded(tmp_path).scenario
    spec = PathwaySpec(periods=[2025, 2030], load_growth_per_year=0.1)
    ov, inputs = period_inputs(sc0, spec, {2030: (None, "scenario")}, {}, 2030, {})
    f = 1.1 ** 5
    assert inputs["load_factor"] == pytest.approx(f)
    assert ov["process_heat[steam].peak_kw"] == pytest.approx(400.0 * f)
    assert ov["process_heat[cooking water].annual_mwh"] == pytest.approx(1500.0 * f)
    assert ov["process_loads[line].annual_mwh"] == pytest.approx(2000.0 * f)
    t = pd.date_range("2025-01-01", periods=8760, freq="h")
    prof = pd.DataFrame({"q": np.full(8760, 2.0)}, index=t).rename_axis("time").to_xarray()
    prof["q_process_heat_demand_kw"] = (("process_heat", "time"), np.full((1, 8760), 2.0))
    prof = prof.assign_coords(process_heat=["csv steam"])
    assert base_energies(prof) == {"process_heat:csv steam": pytest.approx(17.52)}


# --------------------------------------------------------------------------- operated twin: forecasts, look-ahead, buses


def test_process_heat_forecast_error_size_and_the_other_series_unchanged():
    """Each process-heat demand has an AR(1) error of sd 0.075 x its mean by default (ASSUMED, as the
    loads), configurable; adding its series leaves the other series' draws as they were."""
    from twin.operate.forecasts import Forecaster, ForecastSettings, process_heat_series
    from twin.operate.spec import ForecastSpec

    assert ForecastSettings().process_heat_sd_of_mean == 0.075 == ForecastSpec().process_heat_sd_of_mean
    n = 3000
    load = 100.0 + 10.0 * np.sin(np.arange(n) / 24 * 2 * np.pi)
    steam = np.full(n, 100.0)
    name = process_heat_series("steam")
    f1 = Forecaster({"load_kw": load}, 24, seed=3)
    f2 = Forecaster({"load_kw": load, name: steam}, 24, ForecastSettings(process_heat_sd_of_mean=0.2), seed=3)
    np.testing.assert_array_equal(f1.forecast("load_kw", 5, 24), f2.forecast("load_kw", 5, 24))
    assert f2.error_sd(name, 24)[-1] == pytest.approx(0.2 * 100.0 * np.sqrt(1 - 0.9 ** 48), rel=1e-12)
    err = np.array([f2.forecast(name, t, 24)[-1] - 100.0 for t in range(n - 24)])
    assert float(err.std()) == pytest.approx(20.0, rel=0.1)  # 0.2 x mean at lead 24 (99.9 % of sd_inf)
    assert f2.has(name) and not f1.has(name)


def _mpc_run(settings, sizes_change=None):
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, process_heat_series
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    ab = as_built(prob, sizes)
    park = OperatedPark.from_problem(prob, sizes, initial={"tes_kwh": 0.0})
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw,
             **{process_heat_series(x["name"]): x["kw"] for x in park.process_heat}}
    fc = Forecaster(truth, 24, settings, seed=1)
    ds, stats = operate(park, MPCController(ab, fc, horizon=24, step=1, battery_late_cny_per_kwh_h=0.0))
    cost = float(np.dot(park.price, ds["p_grid_import_kw"].values)) + 0.35 * float(
        ds["fuel_boiler_kw"].sel(boiler=["gas_boiler", "steam gas"]).sum())
    return park, fc, ds, stats, cost


def test_mpc_lives_with_process_heat_forecast_errors_and_the_plant_closes_each_bus():
    """The MPC sees the steam demand with a 30 % error (the buildings' heat and the load exactly): its
    forecasts are off, yet the plant closes the steam bus every hour from its own sources (boilers
    as backup), serves everything, and pays more than with a perfect forecast."""
    from twin.operate.forecasts import ForecastSettings, process_heat_series

    perfect = _mpc_run(ForecastSettings(perfect=True))
    park, fc, ds, stats, cost = _mpc_run(ForecastSettings(load_sd_of_mean=0.0, process_heat_sd_of_mean=0.3))
    steam = park.process_heat[0]["kw"]
    off = np.abs(fc.forecast(process_heat_series("steam"), 10, 24) - steam[10:34])
    assert float(off.max()) > 5.0  # the forecast the MPC saw was wrong by more than 5 kW
    assert float(ds["q_unserved_heat_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(ds["q_unserved_heat_bus_kw"].sum("time"), 0.0, atol=1e-6)
    assert float(np.abs(ds["heat_balance_residual_kw"]).max()) < 1e-6
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    own = (ds["q_boiler_kw"].sel(boiler=["steam gas", "steam eb"]).sum("boiler")
           + ds["q_heat_pump_kw"].sel(heat_pump="steam hp")
           + ds["q_waste_heat_direct_bus_kw"].sel(heat_bus=STEAM))
    np.testing.assert_allclose(own, steam, atol=1e-6)  # the steam bus closes on its own, hour by hour
    np.testing.assert_allclose(ds["q_waste_heat_direct_bus_kw"].sum("heat_bus"),
                               ds["q_waste_heat_direct_kw"].sum("waste_heat"), atol=1e-9)
    assert cost > perfect[4] * (1 + 1e-6)


def test_unserved_process_heat_is_counted_on_its_bus():
    """Steam (60-100 kW) with only a 70 kW gas boiler left (no heat pump, electric boiler or waste
    heat): 30 kW of steam unserved in each of the 16 day hours, counted on the steam bus (480 kWh
    a day), none on the network; the summary gives it per bus, scaled to the year."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.metrics import operation_metrics
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    sizes = {**sizes, "heat_pump_kw": {"hp": 90.0, "steam hp": 0.0}, "waste_heat_hx_kw": {"oven": 0.0},
             "boiler_kw": {"gas_boiler": 200.0, "steam gas": 70.0, "steam eb": 0.0}}
    park = OperatedPark.from_problem(prob, sizes)
    ds, _ = operate(park, RuleController(Forecaster({"load_kw": park.load_kw, "heat_kw": park.heat_kw}, 24,
                                                    ForecastSettings(perfect=True))))
    by_bus = ds["q_unserved_heat_bus_kw"]
    np.testing.assert_allclose(by_bus.sel(heat_bus=STEAM), np.where((HOURS >= 6) & (HOURS < 22), 30.0, 0.0),
                               atol=1e-9)
    np.testing.assert_allclose(by_bus.sel(heat_bus="heat"), 0.0, atol=1e-9)
    np.testing.assert_allclose(by_bus.sum("heat_bus"), ds["q_unserved_heat_kw"], atol=1e-9)
    res = type("R", (), {"costs": {}, "emissions": {}})()
    m = operation_metrics(ds, park, res, prob)
    assert m["unserved_heat_by_bus_mwh"][STEAM] == pytest.approx(3 * 480.0 * 8760 / T / 1e3, rel=1e-9)
    assert m["unserved_heat_by_bus_mwh"]["heat"] == pytest.approx(0.0, abs=1e-9)


def test_rule_look_ahead_counts_the_process_heat_electricity():
    """The rule controller's forecast of the heat's electricity, by hand (perfect forecasts), in the
    plant's merit order bus by bus. 02:00 (0.3 CNY/kWh, 30 kW of waste heat): the network's
    114.64 kW take the 30 kW directly, its heat pump (COP 3.25, 0.092 CNY/kWh of heat) the other
    84.64 kW: 26.04 kW; the steam's 60 kW from the electric boiler (0.303 CNY/kWh of heat, cheaper
    than gas at 0.389; no waste heat left for the steam heat pump): 60/0.99 = 60.61 kW. Before,
    only the largest heat pump serving the network's heat was counted (90/3.25 = 27.69 kW) and the
    steam's electricity was left out. 12:00 (1.0 CNY/kWh, 60 kW of waste heat, network 40 kW, steam
    100 kW): the network uses 40 directly, the steam 10 (the exchanger's 50 kW), the rest from gas
    (0.389 against 0.455 for the heat pump): no electricity (the largest heat pump's rule said
    40/3 = 13.33 kW)."""
    from twin.operate.forecasts import Forecaster, ForecastSettings, process_heat_series
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _process_heat_park()
    park = OperatedPark.from_problem(prob, sizes)
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw,
             process_heat_series("steam"): park.process_heat[0]["kw"]}
    rc = RuleController(Forecaster(truth, 24, ForecastSettings(perfect=True)))
    rc.initialise(park, None)
    cop2 = 3.0 + 0.5 * np.sin(2 / 24 * 2 * np.pi)
    net2 = 80.0 + 40.0 * np.cos(2 / 24 * 2 * np.pi) - 30.0
    at2 = net2 / cop2 + 60.0 / 0.99
    assert net2 / cop2 == pytest.approx(26.04, abs=0.01) and at2 == pytest.approx(86.65, abs=0.01)
    assert float(rc._heat_electricity(2, 1)[0]) == pytest.approx(at2, rel=1e-9)
    assert float(rc._heat_electricity(12, 1)[0]) == pytest.approx(0.0, abs=1e-9)
    two = rc._heat_electricity(2, 11)  # the look-ahead: the same numbers at 02:00 and 12:00
    assert two[0] == pytest.approx(at2, rel=1e-9) and two[10] == pytest.approx(0.0, abs=1e-9)
    assert rc._net_forecast(2, 1)[0] == pytest.approx(150.0 + at2, rel=1e-9)


def test_waste_heat_direct_use_split_by_heat_bus_in_the_plan():
    """The shared 60 kW source of the two-bus case: 50 kW to the network, 10 kW to the steam, by bus,
    summing to the total by source; the statistics give it per bus [kWh/yr]; a source too cool for
    the steam gives the network its 50 kW and the steam bus 0."""
    from twin.statistics import annual_statistics

    p = _shared_source_problem()
    d = S.solve(p).dispatch
    by_bus = d["q_waste_heat_direct_bus_kw"]
    assert list(by_bus["heat_bus"].values) == ["heat", STEAM]
    np.testing.assert_allclose(by_bus.sel(heat_bus="heat"), [50, 50], rtol=REL)
    np.testing.assert_allclose(by_bus.sel(heat_bus=STEAM), [10, 10], rtol=REL)
    np.testing.assert_allclose(by_bus.sum("heat_bus"), d["q_waste_heat_direct_kw"].sum("waste_heat"), rtol=1e-12)
    st = annual_statistics(d, 1.0)
    assert st.waste_heat_direct_by_bus_kwh == pytest.approx({"heat": 100.0, STEAM: 20.0}, rel=REL)
    # a source too cool for the steam: the steam bus is still in the coordinate, at 0 (as in the operated twin)
    cool = S.solve(S.SizingProblem(**{**p.__dict__, "waste_heat": [
        S.WasteHeatSource("oven", np.full(2, 60.0), hx_cost=c1(0.1))]})).dispatch["q_waste_heat_direct_bus_kw"]
    np.testing.assert_allclose(cool.sel(heat_bus="heat"), [50, 50], rtol=REL)
    np.testing.assert_allclose(cool.sel(heat_bus=STEAM), [0, 0], atol=1e-12)
    assert sum(st.waste_heat_direct_by_bus_kwh.values()) == pytest.approx(st.energy_kwh["q_waste_heat_direct_kwh"])


def test_joined_process_heat_uses_the_network_boilers_instead_of_an_implied_one(tmp_path):
    """Cooking water at 55 °C joins the 60 °C network. With a declared 500 kW network gas boiler it
    gets no implied boiler of its own (its peak was counted twice: 500 kW plus a boiler at its peak),
    and a note says so (in Chinese too); without one it keeps its implied boiler."""
    from twin.plan import build_problem, first_hours
    from twin.report_text import phrase
    from twin.run import prepare_inputs

    text = TINY_TEXT.replace("boilers:\n", "boilers:\n  - {name: network gas boiler, fuel: natural_gas, existing_kw: 500}\n")
    loaded = _loaded(tmp_path, text)
    p = build_problem(loaded.scenario, first_hours(prepare_inputs(loaded).profiles, 168))
    names = [b.name for b in p.boilers]
    assert "cooking water boiler" not in names and "implied gas boiler" not in names
    assert [b.existing_kw for b in p.boilers if b.name == "network gas boiler"] == [500.0]
    note = next(n for n in p.notes if n.startswith("process heat 'cooking water' joins the heat network"))
    assert "(500 kW)" in note
    zh = phrase(note, "zh")
    assert "并入热网" in zh and "500 kW" in zh and "joins" not in zh
    # steam (its own bus, stated coal supply) keeps its boiler
    assert "steam boiler" in names


def test_process_heat_forecast_note_states_the_assumed_error_in_both_languages():
    from twin.operate.stage import process_heat_forecast_note
    from twin.report_text import phrase

    note = process_heat_forecast_note(0.075)
    assert "7.5 % of its mean" in note and "ASSUMED" in note
    zh = phrase(note, "zh")
    assert "7.5 %" in zh and "假定" in zh and "the plant" not in zh
    assert "0.0 % of its mean" in process_heat_forecast_note(0.0)


def test_report_energy_table_says_which_demand_the_direct_waste_heat_served():
    """Rows under the waste heat used directly, one per heat bus, where a process-heat demand has a
    bus of its own (the Suzhou variant's full year: 2,863 MWh/yr on the network, 0 for the steam);
    none where the network is the only bus."""
    from twin.report import direct_by_bus_rows

    s = {"waste_heat_direct_by_bus_mwh": {"heat": 2862.66, STEAM: 0.0}}
    en = direct_by_bus_rows(s, "en")
    assert [r[0] for r in en] == ["of which on the heat network", "of which for process heat 'steam'"]
    assert en[0][2] == "2,863" and en[1][2] == "0"
    zh = direct_by_bus_rows(s, "zh")
    assert zh[0][0] == "其中供热网" and "steam" in zh[1][0] and "工艺用热" in zh[1][0]
    assert direct_by_bus_rows({"waste_heat_direct_by_bus_mwh": {"heat": 5.0}}, "en") == []
