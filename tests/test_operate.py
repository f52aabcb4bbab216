"""Operational twin: rule dispatch by hand, MPC = optimum with perfect forecasts over the
whole horizon, balances close every hour, EV promises kept or reported, faults do not crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import solvers as S
from solvers.problem import COOL_BUS, process_cooling_bus, process_heat_bus
from twin.operate.faults import fault_masks
from twin.operate.forecasts import (
    Forecaster,
    ForecastSettings,
    process_cooling_series,
    process_heat_series,
)
from twin.operate.loop import operate
from twin.operate.mpc import MPCController
from twin.operate.rule import RuleController
from twin.operate.state import OperatedPark

T = 168
HOURS = np.arange(T) % 24
PRICE = np.where(HOURS < 8, 0.3, np.where(((HOURS >= 8) & (HOURS < 12)) | ((HOURS >= 17) & (HOURS < 22)),
                                           1.0, 0.6))
TIME = pd.date_range("2025-03-03", periods=T, freq="h").to_numpy()
PERFECT = ForecastSettings(perfect=True)


def _grid(dc=0.0, limit=float("inf")):
    return S.GridConnection(price_import_cny_per_kwh=PRICE, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                            import_limit_kw=limit, demand_charge_cny_per_kw_month=dc,
                            month=np.full(T, 3))


def _truth(park):
    out = {"load_kw": park.load_kw}
    if park.pv_names:
        out["pv_per_kwp"] = park.pv_per_kwp
    if park.heat_kw is not None:
        out["heat_kw"] = park.heat_kw
    if park.cool_kw is not None:
        out["cool_kw"] = park.cool_kw
    out.update({process_heat_series(x["name"]): x["kw"] for x in park.process_heat})
    out.update({process_cooling_series(x["name"]): x["kw"] for x in park.process_cooling})
    return out


def _battery_park():
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 100.0), grid=_grid(), time=TIME,
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                             self_discharge_per_h=0.0)])
    sizes = {"battery_kwh": {"battery": 200.0}, "battery_kw": {"battery": 100.0}}
    return prob, sizes


def test_rule_dispatch_by_hand():
    """Load 100 kW, battery 200 kWh / 100 kW, lossless, half full at the start; valley
    0.3 (0-8 h), peak 1.0 (8-12, 17-22 h), flat 0.6 CNY/kWh, no demand charge.
    By hand: day 1 charges 100 kW at 0 h (full), days 2-7 at 0 and 1 h; every day it
    discharges 100 kW at 8 and 9 h (empty), charges again in the flat hours before the
    evening peak, 100 kW at 12 and 13 h (a flat kWh is worth a peak one: a second cycle, as
    much as the evening's five peak hours can use, at most full), and discharges 100 kW at 17
    and 18 h (empty); the flat hours at 22-23 h, before the night's valley, find it empty."""
    prob, sizes = _battery_park()
    park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 100.0})
    ds, stats = operate(park, RuleController(Forecaster(_truth(park), 1, PERFECT)))
    ch = np.zeros(T)
    dis = np.zeros(T)
    ch[0] = 100.0
    for d in range(1, 7):
        ch[24 * d] = ch[24 * d + 1] = 100.0
    for d in range(7):
        dis[24 * d + 8] = dis[24 * d + 9] = 100.0
        ch[24 * d + 12] = ch[24 * d + 13] = 100.0
        dis[24 * d + 17] = dis[24 * d + 18] = 100.0
    np.testing.assert_allclose(ds["p_battery_charge_kw"].sum("battery").values, ch, atol=1e-9)
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, dis, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, 100.0 + ch - dis, atol=1e-9)
    e = 100.0 + np.cumsum(ch - dis)
    np.testing.assert_allclose(ds["e_battery_kwh"].sum("battery").values, e, atol=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def _rich_problem(cooling: bool = False):
    """PV, battery, demand charge, heat pump, thermal store and a gas boiler (no EVs);
    with ``cooling`` also a cooling demand served by an electric and an absorption chiller."""
    pv = np.clip(np.sin((HOURS - 6) / 12 * np.pi), 0, None) * 0.8
    heat = 80.0 + 40.0 * np.cos(HOURS / 24 * 2 * np.pi)
    load = 150.0 + 50.0 * ((HOURS >= 8) & (HOURS < 18))
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=load, grid=_grid(dc=40.0, limit=400.0), time=TIME,
        pv=[S.PVArray(name="roof", ac_per_kwp=pv)],
        batteries=[S.Battery(eta_charge=0.95, eta_discharge=0.95, soc_min=0.05, soc_max=0.95,
                          self_discharge_per_h=1e-4, degradation_cny_per_kwh=0.02)],
        heat_demand_kw=heat,
        heat_pumps=[S.HeatPump(name="hp", cop=3.0 + 0.5 * np.sin(HOURS / 24 * 2 * np.pi))],
        boilers=[S.GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.35, ef_fuel_kgco2_per_kwh=0.2,
                             existing_kw=200.0, max_kw=200.0)],
        thermal_stores=[S.ThermalStorage(loss_per_h=0.005, max_power_per_kwh=0.25)])
    sizes = {"pv_kwp": {"roof": 300.0}, "battery_kwh": {"battery": 400.0}, "battery_kw": {"battery": 150.0},
             "heat_pump_kw": {"hp": 90.0}, "boiler_kw": {"gas_boiler": 200.0}, "tes_kwh": {"tes": 300.0}}
    if cooling:
        from dataclasses import replace

        cool = 60.0 + 60.0 * np.clip(np.sin((HOURS - 8) / 12 * np.pi), 0, None)
        prob = replace(prob, cooling_demand_kw=cool, chillers=[
            S.Chiller(name="screw", cop=np.full(T, 4.5), existing_kw=100.0, max_kw=100.0),
            S.Chiller(name="absorber", kind="absorption", cop=np.full(T, 0.7), existing_kw=80.0, max_kw=80.0)])
        sizes["chiller_kw"] = {"screw": 100.0, "absorber": 80.0}
    return prob, sizes


def _operated_cost(ds, park, gas_price, wear):
    imp = ds["p_grid_import_kw"].values
    return (float(np.dot(park.price, imp)) + park.demand_charge * imp.max()
            + float(ds["fuel_boiler_kw"].sum()) * gas_price
            + float(ds["p_battery_discharge_kw"].sum()) * wear)


@pytest.mark.parametrize("cooling", [False, True])
def test_mpc_reproduces_optimum_with_perfect_forecasts(cooling):
    from solvers.rolling import as_built

    prob, sizes = _rich_problem(cooling)
    ab = as_built(prob, sizes, initial_state={"battery_kwh": 200.0})
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 200.0, "tes_kwh": 0.0})
    # without the late-discharge preference (a hedge against forecast errors that gives up a little
    # of the optimum, 1e-4 of the cost here, where the forecasts are perfect)
    ctrl = MPCController(ab, Forecaster(_truth(park), T, PERFECT), horizon=T, step=24,
                         battery_late_cny_per_kwh_h=0.0)
    ds, stats = operate(park, ctrl)
    cost = _operated_cost(ds, park, 0.35, 0.02)
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    if cooling:  # the absorption chiller's driving heat came from the heat bus, and cooling was met
        assert float(ds["q_absorption_heat_kw"].sum()) > 0
        assert float(ds["q_unserved_cooling_kw"].sum()) == 0.0
    assert stats["controller"]["windows_solved"] == 7
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_rolling_window_gathers_the_full_model():
    """Windows at later starts solve the same LP as a model built for that window."""
    from solvers.rolling import RollingWindow, as_built, head

    prob, sizes = _rich_problem()
    ab = as_built(prob, sizes, initial_state={"battery_kwh": 200.0})
    w = RollingWindow(ab, 48)
    first = w.solve(0, {})
    direct = S.solve(head(ab, 48), S.SolveOptions(solver="simplex"))
    assert first["objective"] == pytest.approx(direct.objective_cny, rel=1e-9)
    # a later window from a given state equals a freshly built model of those hours
    out = w.solve(24, {"e_battery_battery": 150.0, "e_tes_tes": 40.0})
    from solvers.transform import window

    ref = S.solve(window(ab, 24, 72, {"battery_kwh": 150.0, "tes_kwh": 40.0}),
                  S.SolveOptions(solver="simplex"))
    # the same stores' contents and no terminal value: the transform's window model
    assert out["objective"] == pytest.approx(ref.objective_cny, rel=1e-9)


def _heat_balance(ds):
    supply = (ds["q_heat_pump_kw"].sum("heat_pump") + ds["q_boiler_kw"].sum("boiler") + ds["q_tes_discharge_kw"].sum("thermal_storage")
              - ds["q_tes_charge_kw"].sum("thermal_storage") + ds["q_unserved_heat_kw"])
    return float(np.abs(supply - ds["q_heat_demand_kw"]).max())


@pytest.mark.parametrize("kind", ["rule", "mpc"])
def test_balances_close_with_forecast_errors_and_faults(kind):
    from solvers.rolling import as_built
    from twin.operate.faults import AssetOutage, ForecastBias, GridOutage

    prob, sizes = _rich_problem()
    faults = [GridOutage(kind="grid_outage", start="2025-03-04 18:00", hours=6),
              AssetOutage(kind="asset_outage", asset="battery", start="2025-03-05 00:00", hours=30),
              AssetOutage(kind="asset_outage", asset="heat_pump", name="hp", start="2025-03-06 00:00", hours=12),
              ForecastBias(kind="forecast_bias", series="all", bias=0.3, start="2025-03-07 00:00", hours=48)]
    masks = fault_masks(faults, TIME)
    park = OperatedPark.from_problem(prob, sizes, masks=masks, initial={"battery_kwh": 200.0})
    fc = Forecaster(_truth(park), 48, ForecastSettings(), seed=3,
                    bias={"pv_per_kwp": masks.bias_pv, "load_kw": masks.bias_load,
                          "heat_kw": masks.bias_load})
    if kind == "rule":
        ctrl = RuleController(fc)
    else:
        ctrl = MPCController(as_built(prob, sizes, initial_state={"battery_kwh": 200.0}), fc, horizon=48)
    ds, stats = operate(park, ctrl)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    assert _heat_balance(ds) < 1e-6
    out = masks.grid_out
    assert np.all(ds["p_grid_import_kw"].values[out] == 0.0)
    assert np.all(ds["p_grid_export_kw"].values[out] == 0.0)
    b_out = masks.out("battery")
    assert np.all(ds["p_battery_charge_kw"].sum("battery").values[b_out] == 0.0)
    assert np.all(ds["p_battery_discharge_kw"].sum("battery").values[b_out] == 0.0)
    assert np.all(ds["q_heat_pump_kw"].values[0][masks.out("heat_pump", "hp")] == 0.0)
    # the outage evening cannot be carried by PV and an (unavailable next day) battery alone
    assert float(ds["p_unserved_kw"].sum()) >= 0.0
    e = ds["e_battery_kwh"].sum("battery").values
    # self-discharge may take a resting battery a little below its minimum, never more
    assert np.all(e >= 0.99 * 0.05 * 400) and np.all(e <= 0.95 * 400 + 1e-6)


def _fleet_problem(mode="smart", unplug=0.0):
    from twin.components.calendar import china_day_types
    from twin.components.ev import EVFleetSpec, fleet_sessions, simulate_fleet

    idx = pd.date_range("2025-03-03", periods=T, freq="h", tz="Asia/Shanghai")
    spec = EVFleetSpec.preset("employee_car", 30, chargers=12, charger_kw=7.0, mode=mode,
                              v2g_share=0.5 if mode == "v2g" else 0.0, unplug_when_full_share=unplug)
    dt = china_day_types(idx)
    env = simulate_fleet(spec, idx, seed=5, day_types=dt)
    ses = fleet_sessions(spec, idx, seed=5, day_types=dt)
    fleet = S.EVFleet(name="cars", p_uncontrolled_kw=env["p_uncontrolled_kw"].values,
                      p_charge_max_kw=env["p_charge_max_kw"].values,
                      e_cum_min_kwh=env["e_cum_min_kwh"].values, e_cum_max_kwh=env["e_cum_max_kwh"].values,
                      p_discharge_max_kw=env["p_discharge_max_kw"].values if mode == "v2g" else None,
                      p_charge_min_kw=env["p_charge_min_kw"].values,
                      eta_charge=spec.charger_efficiency, eta_discharge=spec.charger_efficiency, mode=mode)
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 60.0), grid=_grid(), time=TIME,
                           ev_fleets=[fleet])
    return prob, {"cars": ses}, env


def test_fleet_sessions_match_the_envelope():
    _, ses, env = _fleet_problem()
    s = ses["cars"]
    served = s["served"].to_numpy()
    # the envelope's final requirement = the promises of the sessions that end in the horizon
    assert float(s["promise_kwh"][served].sum() - s["pre_kwh"][served].sum()) >= float(env["e_cum_min_kwh"][-1]) - 1e-6


def _promises_kept_by_both_controllers(prob, ses) -> None:
    """Rule and rolling horizon under perfect forecasts: every promise kept, no EV shortfall,
    the hourly balance closed."""
    from solvers.rolling import as_built

    park = OperatedPark.from_problem(prob, {}, sessions=ses)
    for ctrl in (RuleController(Forecaster(_truth(park), 1, PERFECT)),
                 MPCController(as_built(prob, {}), Forecaster(_truth(park), 24, PERFECT), horizon=24)):
        ds, stats = operate(park, ctrl)
        ev = stats["ev"]["cars"]
        assert ev["promises_violated"] == 0 and ev["promises_kept"] > 0
        assert float(ds["e_ev_shortfall_kwh"].sum()) == 0.0
        assert stats["max_abs_balance_residual_kw"] < 1e-6


@pytest.mark.parametrize("mode", ["smart", "v2g"])
def test_ev_promises_kept_or_reported(mode):
    from twin.operate.faults import EVLowArrival

    prob, ses, _ = _fleet_problem(mode)
    _promises_kept_by_both_controllers(prob, ses)
    # vehicles arriving nearly empty on one day: the shortfall is reported, nothing crashes
    masks = fault_masks([EVLowArrival(kind="ev_low_arrival", start="2025-03-04 00:00", hours=24,
                                      soc_drop=0.9)], TIME)
    park = OperatedPark.from_problem(prob, {}, sessions=ses, masks=masks)
    ds, stats = operate(park, RuleController(Forecaster(_truth(park), 1, PERFECT)))
    ev = stats["ev"]["cars"]
    assert ev["promises_violated"] > 0
    assert ev["shortfall_kwh"] == pytest.approx(float(ds["e_ev_shortfall_kwh"].sum()))


def test_forecast_errors_grow_with_lead_and_are_seeded():
    truth = {"load_kw": np.full(2000, 100.0)}
    a = Forecaster(truth, 48, seed=7)
    b = Forecaster(truth, 48, seed=7)
    np.testing.assert_array_equal(a.forecast("load_kw", 10, 48), b.forecast("load_kw", 10, 48))
    err = np.array([a.forecast("load_kw", t, 48) - 100.0 for t in range(1950)])
    sd = err.std(axis=0)
    theory = 7.5 * np.sqrt(1 - 0.9 ** (2 * np.arange(1, 49)))
    np.testing.assert_allclose(sd, theory, rtol=0.12)
    assert sd[0] < 0.5 * sd[23]


def test_operation_section_in_the_schema():
    from pydantic import ValidationError

    from twin.operate.spec import OperationSpec

    spec = OperationSpec.model_validate({"controller": "mpc", "horizon_h": 24, "faults": [
        {"kind": "grid_outage", "start": "2026-07-14 08:00", "hours": 4},
        {"kind": "asset_outage", "asset": "heat_pump", "name": "hp1", "start": "2026-01-10 00:00", "hours": 48}]})
    assert spec.faults[0].kind == "grid_outage" and spec.step_h == 1
    assert spec.real_time_peak_hold  # the batteries hold the month's peak in real time by default
    assert not OperationSpec.model_validate({"real_time_peak_hold": False}).real_time_peak_hold
    # EV charging under the rule-based controller is planned on the sessions by default
    assert spec.rule_ev_charging == "sessions"
    assert OperationSpec.model_validate({"rule_ev_charging": "deadline"}).rule_ev_charging == "deadline"
    from twin.operate.stage import EV_DEADLINE_NOTE, EV_PLANNING_NOTE
    from twin.report_text import phrase as _phrase

    for note in (EV_PLANNING_NOTE, EV_DEADLINE_NOTE):
        assert "operation.rule_ev_charging" in _phrase(note, "zh") and "充电" in _phrase(note, "zh")
    with pytest.raises(ValidationError):
        OperationSpec.model_validate({"faults": [{"kind": "meteor", "start": "2026-01-01 00:00", "hours": 1}]})
    with pytest.raises(ValidationError):
        OperationSpec.model_validate({"horizon": 24})
    # the value of lost load is labelled: ASSUMED unless the scenario cites a source
    from twin.operate.stage import voll_note, voll_source
    from twin.report_text import phrase

    assert voll_source(spec) == "ASSUMED" and spec.value_of_lost_load_cny_per_kwh == 30.0
    cited = OperationSpec.model_validate({"value_of_lost_load_cny_per_kwh": 45, "value_of_lost_load_source": "survey X"})
    assert voll_source(cited) == "survey X"
    assert "45 CNY/kWh (ASSUMED" in voll_note(45.0, None) and "ASSUMED" not in voll_note(45.0, "survey X")
    assert "45 元/kWh" in phrase(voll_note(45.0, "survey X"), "zh") and "假设值" in phrase(voll_note(45.0, None), "zh")


def test_run_operates_the_sized_park(tmp_path):
    """`twin run --operate both`: summary.json operation section, op_* variables with a
    controller dimension, the report section; the optimum's figures match the plan."""
    import json
    from pathlib import Path

    import xarray as xr
    from click.testing import CliRunner

    from twin.cli import main

    tiny = Path(__file__).parent / "data" / "tiny_park.yaml"
    out = tmp_path / "op"
    r = CliRunner().invoke(main, ["run", str(tiny), "-o", str(out), "--hours", "168", "--operate", "both",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "operation hour by hour" in r.output and "left" in r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    op = s["operation"]
    assert op["controllers"] == ["rule", "mpc"]
    assert op["settings"]["mpc_peak_margin_sd"] == 1.0  # the default, said in a note (demand charge)
    assert any("standard deviation(s) of the net-load forecast error" in n for n in op["notes"])
    for c in ("rule", "mpc"):
        assert op[c]["run"]["max_abs_balance_residual_kw"] < 1e-6
        assert set(op["gap"][c]) >= {"annualised_cost_cny", "annualised_cost_pct", "gross_emissions_tco2",
                                     "offsets_needed_tco2", "ev_energy_not_delivered_mwh", "battery_cycles",
                                     "curtailment_mwh", "demand_charge_cny"}
    # the optimum measured by the operation metrics equals the plan's own energy cost
    assert op["optimum"]["costs_cny"]["energy_import"] == pytest.approx(
        s["costs_cny_per_yr"]["energy_import"], rel=1e-6)
    ds = xr.open_dataset(out / "results.nc")
    assert ds["op_p_grid_import_kw"].dims == ("controller", "time")
    assert list(ds["controller"].values) == ["rule", "mpc"]
    # every variable carries a unit and a name (labels: "-"), the project's convention
    for name, var in ds.data_vars.items():
        assert var.attrs.get("units") and var.attrs.get("long_name"), name
    ds.close()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "operational gap" in html and "Worst week" in html


def test_window_fixes_out_of_service_columns_at_zero():
    """A fault known at the window start fixes the asset's columns at 0 for its duration."""
    from solvers.rolling import RollingWindow, as_built, column_component

    prob, sizes = _rich_problem()
    w = RollingWindow(as_built(prob, sizes, initial_state={"battery_kwh": 200.0}), 48)
    out = np.zeros(48, bool)
    out[:10] = True
    off = {column_component("battery_charge", "battery"): out, column_component("battery_discharge", "battery"): out,
           column_component("heat_pump", "hp"): out}
    w.solve(30, {"e_battery_battery": 200.0, "e_tes_tes": 0.0}, col_off=off, full_dispatch=False)
    for kind, name in (("battery_charge", "battery"), ("battery_discharge", "battery"), ("heat_pump", "hp")):
        v = w.read(column_component(kind, name), 48)
        assert np.all(v[:10] == 0.0)
    assert w.read(column_component("heat_pump", "hp"), 48)[10:].max() > 0.0
    # the next window without the fault uses the assets again (bounds restored)
    w.solve(31, {"e_battery_battery": 200.0, "e_tes_tes": 0.0}, full_dispatch=False)
    assert w.read(column_component("heat_pump", "hp"), 48)[:10].max() > 0.0


def _new_peak_hours(ds, targets: dict | None = None):
    """Hours whose import raises the month's peak: (hours, increase over the threshold in force
    [kW], battery charging [kW]); the threshold is the month's peak before the hour, or the plan's
    peak of the month where ``targets`` gives one and it is higher."""
    imp = ds["p_grid_import_kw"].values
    mp = ds["p_month_peak_kw"].values
    months = pd.DatetimeIndex(ds["time"].values).month.to_numpy()
    first = np.r_[True, months[1:] != months[:-1]]
    before = np.where(first, 0.0, np.r_[0.0, mp[:-1]])
    thr = np.maximum(before, np.array([float((targets or {}).get(int(m), 0.0)) for m in months]))
    inc = imp - thr
    hours = np.flatnonzero((inc > 1e-6) & ~first)
    return hours, inc[hours], ds["p_battery_charge_kw"].sum("battery").values[hours]


@pytest.mark.parametrize("kind", ["rule", "mpc"])
def test_charging_never_sets_a_new_monthly_peak(kind):
    """Large load forecast errors under a demand charge: where the actual load turns out higher
    than forecast, the plant holds charging back on the measured import, so no hour that sets a
    new monthly peak above the threshold (the month's peak so far, or the plan's peak where
    higher) has the battery charging by at least the increase; the peaks the load sets remain
    only where the battery cannot discharge enough in real time to hold them."""
    from solvers.rolling import as_built

    prob, sizes = _rich_problem()
    ab = as_built(prob, sizes, initial_state={"battery_kwh": 200.0})
    plan = S.solve(ab, S.SolveOptions(solver="simplex"))
    targets = {3: float(plan.dispatch["p_grid_import_kw"].max())}
    park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 200.0, "tes_kwh": 0.0})
    settings = ForecastSettings(load_sd_of_mean=0.2, pv_sd_of_peak=0.2)
    fc = Forecaster(_truth(park), 48, settings, seed=12)
    # the window's late discharge holds every peak of this small case (none left to test the hold
    # on): without it here, the hold is what this test is about
    ctrl = (RuleController(fc, peak_targets=targets) if kind == "rule"
            else MPCController(ab, fc, horizon=48, peak_targets=targets, battery_late_cny_per_kwh_h=0.0))
    ds, stats = operate(park, ctrl)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    assert _heat_balance(ds) < 1e-6
    hours, inc, bch = _new_peak_hours(ds, targets)
    assert hours.size > 0  # forecast errors do raise the peak: through the load, not charging
    assert np.all(bch < inc) and np.all(bch == 0.0)  # charging was cut whole in those hours
    assert ds["p_charge_held_kw"].values.max() > 0  # the hold did act
    # the load sets a new peak only where the battery cannot hold it in real time: at full
    # power or (rule: no reserve) down to soc_min at the end of the hour, or where the rule
    # holds a higher level because its forecast says the energy cannot hold the threshold all
    # block (RuleController.levels, never above the import it let through)
    b = park.batteries[0]
    dis = ds["p_battery_discharge_kw"].sum("battery").values[hours]
    e = ds["e_battery_kwh"].sum("battery").values[hours]
    if kind == "rule":
        level = np.array([ctrl.levels.get(int(h), -np.inf) for h in hours])
        imp = ds["p_grid_import_kw"].values[hours]
        assert np.all((dis >= b["kw"] - 1e-6) | (e <= b["soc_min"] * b["kwh"] + 1e-6) | (imp <= level + 1e-6))
    assert ds["p_battery_hold_kw"].values.max() > 0  # the real-time discharge did act
    # the rule without the plan's peaks: the threshold is the measured peak so far
    if kind == "rule":
        park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 200.0, "tes_kwh": 0.0})
        ds, _ = operate(park, RuleController(Forecaster(_truth(park), 48, settings, seed=12)))
        hours, inc, bch = _new_peak_hours(ds)
        assert np.all(bch < inc)


def _peak_hold_park(initial_kwh: float, dc: float = 40.0, limit: float = float("inf")):
    """24 h, flat price 0.6 CNY/kWh (the rule neither charges nor discharges by itself),
    demand charge 40 CNY/kW/month, plan peak 100 kW; the load is 100 kW except 120 kW at
    3 h, 140 kW at 5 h and 160 kW at 8 h, all forecast at 100 kW; battery 60 kWh / 25 kW,
    lossless, soc_min 0.1 (6 kWh)."""
    n = 24
    load = np.full(n, 100.0)
    load[[3, 5, 8]] = [120.0, 140.0, 160.0]
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            demand_charge_cny_per_kw_month=dc, import_limit_kw=limit, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=load, grid=grid, time=TIME[:n],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.1, soc_max=1.0,
                                                self_discharge_per_h=0.0)])
    sizes = {"battery_kwh": {"battery": 60.0}, "battery_kw": {"battery": 25.0}}
    park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": initial_kwh})
    forecast = Forecaster({"load_kw": np.full(n, 100.0)}, 1, PERFECT)  # "perfect" on the wrong load
    return park, forecast


@pytest.mark.parametrize("hold", [True, False])
def test_battery_holds_the_peak_when_the_load_exceeds_its_forecast(hold):
    """By hand (rule controller, threshold = max(month peak so far, plan peak 100 kW)):
    3 h: 20 kW over, the battery discharges 20 kW (36 -> 16 kWh), import 100 kW;
    5 h: 40 kW over, power allows 25 kW but only 16 - 6 = 10 kWh are above soc_min: import
    130 kW, the peak rises to 130 kW (6 kWh left);
    8 h: 30 kW over the new threshold 130 kW, the battery is at soc_min: import 160 kW.
    Without the hold (operation.real_time_peak_hold false) the battery idles: import = load."""
    park, fc = _peak_hold_park(36.0)
    ds, stats = operate(park, RuleController(fc, peak_targets={3: 100.0}, peak_hold=hold))
    imp = ds["p_grid_import_kw"].values
    dis = ds["p_battery_discharge_kw"].sum("battery").values
    want_dis = np.zeros(24)
    if hold:
        want_dis[3], want_dis[5] = 20.0, 10.0
    np.testing.assert_allclose(dis, want_dis, atol=1e-9)
    np.testing.assert_allclose(ds["p_battery_hold_kw"].values, want_dis, atol=1e-9)
    np.testing.assert_allclose(imp, park.load_kw - want_dis, atol=1e-9)
    np.testing.assert_allclose(ds["e_battery_kwh"].sum("battery").values, 36.0 - np.cumsum(want_dis), atol=1e-9)
    assert ds["p_battery_charge_kw"].values.max() == 0.0
    assert imp[:8].max() == pytest.approx(130.0 if hold else 140.0)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def _one_day_battery_park(price, load, kwh, kw, initial_kwh):
    """24 h of ``price`` and ``load``, demand charge 40 CNY/kW/month, a lossless battery
    (``soc_min`` 0, no wear) of ``kwh`` / ``kw``; forecasts perfect."""
    n = 24
    grid = S.GridConnection(price_import_cny_per_kwh=np.asarray(price, float), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            demand_charge_cny_per_kw_month=40.0, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.asarray(load, float), grid=grid, time=TIME[:n],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=0.0)])
    park = OperatedPark.from_problem(prob, {"battery_kwh": {"battery": kwh}, "battery_kw": {"battery": kw}},
                                     initial={"battery_kwh": initial_kwh})
    return park, Forecaster(_truth(park), 24, PERFECT)


def test_rule_discharges_for_arbitrage_above_the_threshold():
    """Load 100 kW all day, threshold 95 kW, prices of PRICE (peak 1.0 at 8-11 and 17-21 h, day
    mean 0.65), battery 200 kWh / 100 kW full at the start. By hand: 5 kW (the excess) every
    hour, except at 8 h, the first peak hour: the reserve for the excess of 9-23 h is
    15 x 5 = 75 kWh, the battery holds 200 - 8 x 5 = 160 kWh, so it discharges 160 - 75 = 85 kW
    (the rule before discharged only the 5 kW excess in peak hours above the threshold). It
    ends empty; the import never exceeds 95 kW."""
    park, fc = _one_day_battery_park(PRICE[:24], np.full(24, 100.0), 200.0, 100.0, 200.0)
    ds, stats = operate(park, RuleController(fc, peak_targets={3: 95.0}))
    want = np.full(24, 5.0)
    want[8] = 85.0
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, want, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, 100.0 - want, atol=1e-9)
    assert ds["e_battery_kwh"].sum("battery").values[-1] == pytest.approx(0.0, abs=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


class _KnownLoadError(Forecaster):
    """Perfect forecasts whose stated load error is 2.5 kW at every lead (the controller plans on
    the error statistics it is told, :meth:`Forecaster.error_sd`)."""

    def error_sd(self, name, n):
        return np.full(n, 2.5)


@pytest.mark.parametrize("margin_sd", [0.0, 2.0])
def test_the_arbitrage_reserve_keeps_a_margin_for_forecast_errors(margin_sd):
    """The day of test_rule_discharges_for_arbitrage_above_the_threshold (load 100 kW, threshold
    95 kW, battery 200 kWh / 100 kW full, peak 1.0 CNY/kWh at 8-11 and 17-21 h), the load's
    forecast error stated as 2.5 kW. By hand, at 8 h the battery holds 200 - 8 x 5 = 160 kWh;
    the reserve for 9-23 h is 15 x (5 + margin_sd x 2.5) kWh: 75 kWh without a margin (85 kW
    discharged, as before), 150 kWh with 2 standard deviations, so it discharges 160 - 150 =
    10 kW and keeps 10 kWh an hour against errors for the hours that set the month's peak
    (operation.rule_reserve_margin_sd). The import never exceeds 95 kW."""
    park, _ = _one_day_battery_park(PRICE[:24], np.full(24, 100.0), 200.0, 100.0, 200.0)
    fc = _KnownLoadError(_truth(park), 24, PERFECT)
    rc = RuleController(fc, peak_targets={3: 95.0}, reserve_margin_sd=margin_sd)
    ds, stats = operate(park, rc)
    dis = ds["p_battery_discharge_kw"].sum("battery").values
    assert dis[:8] == pytest.approx(np.full(8, 5.0), abs=1e-9)
    assert dis[8] == pytest.approx(160.0 - 15 * (5.0 + margin_sd * 2.5), abs=1e-9)
    np.testing.assert_allclose(rc._net_error_sd(8, 4), 2.5, rtol=1e-12)  # no PV: the load's error
    assert ds["p_grid_import_kw"].values.max() <= 95.0 + 1e-9
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_the_reserve_margin_beyond_the_forecasters_horizon_repeats_its_last_hour():
    """The reserve looks up to 24 h ahead, a forecaster may see fewer (operation.horizon_h 12):
    the rule asked it for PV beyond its horizon and stopped (a sweep's case failed with
    'operands could not be broadcast'). The margin's standard deviation is the load's and, in
    hours whose PV forecast gives output, the array's (0.12 x the array's peak per kWp x 300 kWp
    at each lead), taken as independent; beyond the horizon it repeats the last hour's."""
    prob, sizes = _rich_problem()
    park = OperatedPark.from_problem(prob, sizes)
    fc = Forecaster(_truth(park), 6, ForecastSettings(), seed=3)
    rc = RuleController(fc)
    rc.initialise(park, None)
    sd = rc._net_error_sd(10, 20)
    assert sd.shape == (20,) and np.all(sd[5:] == sd[5])
    pv = fc.forecast("pv_per_kwp", 10, 6)[0]
    by_hand = np.sqrt(fc.error_sd("load_kw", 6) ** 2
                      + (pv > 0) * (fc.error_sd("pv_per_kwp", 6)[0] * 300.0) ** 2)
    np.testing.assert_allclose(sd[:6], by_hand, rtol=1e-12)
    assert sd[0] > fc.error_sd("load_kw", 1)[0]  # 10 h: the sun is up, its error counts


def test_rule_charges_in_flat_hours_for_the_next_peak():
    """Flat 0.6 CNY/kWh at 0-3 and 9-23 h, valley 0.3 at 4 h, peak 1.0 at 5-8 h (day mean 0.65);
    load 100 kW, 120 kW at 5-8 h; threshold 110 kW; battery 100 kWh / 50 kW, empty. The
    valley hour can add only 10 kWh below the threshold, the peak needs 4 x 10 = 40 kWh. By
    hand: the flat hours before charge the shortfall within the room below the threshold,
    10 kW at 0, 1 and 2 h (30, 20, 10 kWh short), nothing at 3 h; 10 kW in the valley; 10 kW
    discharged at 5-8 h: the import never exceeds 110 kW (the rule before charged only in the
    valley: empty from 6 h, a peak of 120 kW)."""
    price = np.full(24, 0.6)
    price[4], price[5:9] = 0.3, 1.0
    load = np.full(24, 100.0)
    load[5:9] = 120.0
    park, fc = _one_day_battery_park(price, load, 100.0, 50.0, 0.0)
    ds, stats = operate(park, RuleController(fc, peak_targets={3: 110.0}))
    ch, dis = np.zeros(24), np.zeros(24)
    ch[[0, 1, 2, 4]] = 10.0
    dis[5:9] = 10.0
    np.testing.assert_allclose(ds["p_battery_charge_kw"].sum("battery").values, ch, atol=1e-9)
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, dis, atol=1e-9)
    assert ds["p_grid_import_kw"].values.max() == pytest.approx(110.0)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_price_windows_see_both_cycles_of_a_shandong_winter_day():
    """Shandong's winter periods (鲁发改价格〔2023〕914号): valley 0.28 at 2-6 h, 10-11 and 14-15 h,
    deep valley 0.18 at 11-14 h, peak 0.99 at 7-9 and 19-21 h, critical 1.14 at 16-19 h, flat
    0.63 otherwise. A kWh taken in the night's valley is worth the morning peak before the price
    falls lower (ahead 0.99), one given in the flat hours before it comes back at 0.28 (refill);
    the deep valley's dearest hour before it falls again is the next day's critical one."""
    from twin.operate.rule import price_windows

    day = np.full(24, 0.63)
    day[[2, 3, 4, 5, 10, 14]] = 0.28
    day[11:14] = 0.18
    day[[7, 8, 19, 20]] = 0.99
    day[16:19] = 1.14
    refill, ahead = price_windows(np.tile(day, 3))
    assert ahead[2] == 0.99 and ahead[5] == 0.99  # the night's valley: a second cycle, for the morning
    assert ahead[10] == -np.inf  # 10 h: the price falls at once, nothing to charge for
    assert ahead[11] == 1.14 and ahead[13] == 1.14  # the deep valley, for the evening
    assert refill[0] == 0.28 and refill[1] == 0.28  # the flat night hours before the valley
    assert refill[9] == 0.18  # 9 h: put back in the deep valley before the critical hours
    assert refill[7] == 0.18 and refill[16] == 0.18  # peak: back in the valleys before the dearer hours
    assert refill[2] == 0.28  # the valley itself: nothing cheaper before the price rises


def test_rule_discharges_in_flat_hours_when_a_cheaper_valley_refills_before_the_peak():
    """Flat 0.6 CNY/kWh, valley 0.2 at 10-13 h, peak 1.0 at 17-20 h; load 100 kW; no threshold to
    hold (1,000 kW); battery 200 kWh / 100 kW, lossless, half full. A flat kWh given now comes
    back at 0.2 before the price rises above 0.6: by hand the rule discharges 100 kW at 0 h
    (empty), charges 100 kW at 10 and 11 h (full), and discharges 100 kW at 17 and 18 h; the
    valley and the flat hours before the peak refill more than the peak needs, so nothing is
    kept (the rule before discharged only above the day's mean price: it kept the 100 kWh
    through the night and charged 100 kWh in the valley)."""
    price = np.full(24, 0.6)
    price[10:14], price[17:21] = 0.2, 1.0
    park, fc = _one_day_battery_park(price, np.full(24, 100.0), 200.0, 100.0, 100.0)
    ds, stats = operate(park, RuleController(fc, peak_targets={3: 1000.0}))
    ch, dis = np.zeros(24), np.zeros(24)
    dis[[0, 17, 18]] = 100.0
    ch[[10, 11]] = 100.0
    np.testing.assert_allclose(ds["p_battery_charge_kw"].sum("battery").values, ch, atol=1e-9)
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, dis, atol=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


@pytest.mark.parametrize("peak_priced", [False, True])
def test_rule_shaves_a_long_peak_block_to_the_level_its_energy_can_hold(peak_priced):
    """Flat price (or the block peak-priced, 1.0 against 0.3 CNY/kWh); load 100 kW, 150 kW at
    14-21 h; threshold 100 kW; battery 200 kWh / 100 kW, lossless, full. Holding 100 kW needs
    8 x 50 = 400 kWh, twice the battery. By hand the rule holds one level over the block,
    8 x (150 - L) = 200: L = 125 kW, discharging 25 kW in every hour of it
    (RuleController.levels records 125 kW at 14 h; after it the month's peak is 125); the rule
    before held 100 kW for four hours and then let 150 kW through. Peak-priced, the arbitrage
    reserve keeps the whole battery for the block, so the set-point is the excess over the
    level there too (it was the excess over the threshold: empty by 18 h)."""
    load = np.full(24, 100.0)
    load[14:22] = 150.0
    price = np.where((np.arange(24) >= 14) & (np.arange(24) < 22), 1.0, 0.3) if peak_priced else np.full(24, 0.6)
    park, fc = _one_day_battery_park(price, load, 200.0, 100.0, 200.0)
    rc = RuleController(fc, peak_targets={3: 100.0})
    ds, stats = operate(park, rc)
    dis = np.zeros(24)
    dis[14:22] = 25.0
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, dis, atol=1e-6)
    assert ds["p_grid_import_kw"].values.max() == pytest.approx(125.0, abs=1e-6)
    assert rc.levels[14] == pytest.approx(125.0, abs=1e-6) and list(rc.levels) == [14]
    assert stats["max_abs_balance_residual_kw"] < 1e-9


@pytest.mark.parametrize("actual_above_forecast", [False, True])
def test_rule_charges_at_full_power_in_the_valley_held_in_real_time(actual_above_forecast):
    """PRICE (valley 0.3 CNY/kWh at 0-7 h), demand charge, threshold 150 kW; battery 400 kWh /
    100 kW, lossless, empty. The load is 100 kW, 115 kW at 3 h; the valley's load is forecast
    30 kW too high (130 kW, 145 kW at 3 h). By hand: the rule sets 100 kW (full power) in every
    valley hour, the plant holds the charging to the threshold on the actual import: 50 kW, and
    35 kW at 3 h (held back 50 and 65 kW; 15 kW at 7 h, where the battery takes only 65 kWh more): 385 kWh by 8 h, the import at 150 kW and never above.
    The rule before capped the set-point by the forecast at 150 - 130 = 20 kW (5 kW at 3 h; 145 kWh
    by 8 h). With the load forecast 30 kW too low instead (70 kW, 85 kW at 3 h), the charging is the same:
    it follows the actual load, not its forecast."""
    load = np.full(24, 100.0)
    load[3] = 115.0
    park, _ = _one_day_battery_park(PRICE[:24], load, 400.0, 100.0, 0.0)
    fc_load = load.copy()
    fc_load[:8] += -30.0 if actual_above_forecast else 30.0
    ds, stats = operate(park, RuleController(Forecaster({"load_kw": fc_load}, 24, PERFECT),
                                             peak_targets={3: 150.0}))
    ch = np.zeros(24)
    ch[:8] = 50.0
    ch[3] = 35.0
    np.testing.assert_allclose(ds["p_battery_charge_kw"].sum("battery").values[:8], ch[:8], atol=1e-9)
    held = 100.0 - ch[:8]
    held[7] = 65.0 - 50.0  # the battery takes 65 kWh more at 7 h: the plant clips the set-point to it first
    np.testing.assert_allclose(ds["p_charge_held_kw"].values[:8], held, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values[:8], 150.0, atol=1e-9)
    assert ds["e_battery_kwh"].sum("battery").values[7] == pytest.approx(385.0, abs=1e-9)
    assert ds["p_grid_import_kw"].values.max() <= 150.0 + 1e-9
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def _stores_and_absorption_park(initial_tes_kwh: float):
    """24 h of PRICE (valley 0.3 CNY/kWh at 0-7 h, peak 1.0 at 8-11 and 17-21 h), no carbon price;
    load 100 kW, heat 60 kW, cooling 150 kW; a heat pump 90 kW at COP 3, a gas boiler 200 kW at 0.9
    (0.35 CNY/kWh of gas), a lossless thermal store of 300 kWh charging and discharging at 75 kW;
    an electric chiller 100 kW at COP 4.5 and an absorption chiller 80 kW at COP 0.7; forecasts
    perfect."""
    n = 24
    grid = S.GridConnection(price_import_cny_per_kwh=PRICE[:n], ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            month=np.full(n, 3))
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(n, 100.0), grid=grid, time=TIME[:n], heat_demand_kw=np.full(n, 60.0),
        heat_pumps=[S.HeatPump(name="hp", cop=np.full(n, 3.0))],
        boilers=[S.GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.35, existing_kw=200.0, max_kw=200.0)],
        thermal_stores=[S.ThermalStorage(loss_per_h=0.0, max_power_per_kwh=0.25)],
        cooling_demand_kw=np.full(n, 150.0),
        chillers=[S.Chiller(name="screw", cop=np.full(n, 4.5), existing_kw=100.0, max_kw=100.0),
                  S.Chiller(name="absorber", kind="absorption", cop=np.full(n, 0.7), existing_kw=80.0, max_kw=80.0)])
    sizes = {"heat_pump_kw": {"hp": 90.0}, "boiler_kw": {"gas_boiler": 200.0}, "tes_kwh": {"tes": 300.0},
             "chiller_kw": {"screw": 100.0, "absorber": 80.0}}
    park = OperatedPark.from_problem(prob, sizes, initial={"tes_kwh": initial_tes_kwh})
    return park, Forecaster(_truth(park), 24, PERFECT)


def test_rule_look_ahead_counts_the_stores_heat_and_the_absorption_chillers_draw():
    """By hand, the rule's look-ahead from 8 h (peak, 1.0 CNY/kWh) with 100 kWh in the store.
    Cooling: the electric chiller costs 1.0/4.5 = 0.222 CNY/kWh of cold, the absorption chiller the
    heat pump's 1.0/3 over 0.7 = 0.476: the screw chiller takes its 100 kW (22.22 kW), the absorber
    the other 50 kW, drawing 50/0.7 = 71.43 kW of heat from the network. The network needs 131.43 kW
    of heat; the store discharges 75 kW at 8 h (its power) and its last 25 kWh at 9 h; the heat pump
    (0.333 CNY/kWh of heat, below gas at 0.389) gives the rest up to 90 kW: 56.43 kW (18.81 kW of
    electricity) at 8 h, 90 kW (30 kW) at 9-11 h, the gas boiler 16.43 and 41.43 kW. The look-ahead
    before left out both: 60/3 = 20 kW for the heat and 150/4.5 = 33.33 kW for the cooling in every
    hour (the screw chiller cannot give 150 kW). The hour's set-point discharges the network's need
    within the store's power: 75 kW."""
    from twin.operate.state import PlantState

    park, fc = _stores_and_absorption_park(100.0)
    rc = RuleController(fc)
    rc.initialise(park, None)
    rc.observe(PlantState(t=8, tes_kwh={"tes": 100.0}))
    plan = rc._heat_plan(8, 4)
    np.testing.assert_allclose(plan["p_cool"][:4], 100.0 / 4.5, rtol=1e-12)
    np.testing.assert_allclose(plan["q_abs"][:4], 50.0 / 0.7, rtol=1e-12)
    np.testing.assert_allclose(plan["tdis"][:4], [75.0, 25.0, 0.0, 0.0], atol=1e-9)
    need = 60.0 + 50.0 / 0.7
    np.testing.assert_allclose(plan["p_heat"][:4], [(need - 75.0) / 3.0, 30.0, 30.0, 30.0], rtol=1e-12)
    assert (need - 75.0) / 3.0 == pytest.approx(18.81, abs=0.005)
    np.testing.assert_allclose(rc._net_forecast(8, 4), 100.0 + 100.0 / 4.5 + plan["p_heat"][:4], rtol=1e-12)
    d = rc.decide(8)
    assert d.tes_kw["tes"] == pytest.approx(-75.0, rel=1e-12)


STEAM = process_heat_bus("steam")
HOT_STEAM = process_heat_bus("hot steam")
MOULD = process_cooling_bus("mould")


def _process_cooling_problem():
    """The rich park with both network chillers (:func:`_rich_problem`), 40 kW of process cooling that
    joins the chilled-water network and a 15 °C mould loop of its own (60 kW at night, 100 kW by day)
    served by its old chiller (COP 3.5, 60 kW), a new one whose COP follows the hour (3-7, 30 kW) and
    an absorption chiller (COP 0.7, 30 kW: the day's last 10 kW) that draws its heat from the network."""
    from dataclasses import replace

    prob, sizes = _rich_problem(cooling=True)
    mould = 60.0 + 40.0 * ((HOURS >= 6) & (HOURS < 22))
    prob = replace(prob, process_cooling=[S.ProcessCoolingDemand("joined", np.full(T, 40.0), 7.0, COOL_BUS),
                                          S.ProcessCoolingDemand("mould", mould, 15.0, MOULD)],
                   chillers=[*prob.chillers, S.Chiller(cop=np.full(T, 3.5), name="old mould", bus=MOULD),
                             S.Chiller(cop=5.0 + 2.0 * np.cos(HOURS / 24 * 2 * np.pi), name="new mould", bus=MOULD),
                             S.Chiller(name="mould absorber", kind="absorption", cop=np.full(T, 0.7), bus=MOULD)])
    sizes["chiller_kw"] = {**sizes["chiller_kw"], "old mould": 60.0, "new mould": 30.0, "mould absorber": 30.0}
    return prob, sizes


def _hot_share_problem():
    """The rich park's heat (no chillers) with 150 °C process steam on its own bus (60 kW at night,
    100 kW by day) from a gas boiler and an electric boiler, and a 30-60 kW waste-heat stream used
    directly on the network and the steam through one 50 kW exchanger; the stream is cooled to its
    outlet, so only 0.4 of its heat is hot enough for the steam (``hot_share``), and 0.2 for 30 kW of
    hotter steam on a bus of its own with an electric boiler: what the steam took of the hot part is
    not there for the hotter steam (the rule's look-ahead counts it, ``dir_used``)."""
    from dataclasses import replace

    prob, sizes = _rich_problem()
    steam = 60.0 + 40.0 * ((HOURS >= 6) & (HOURS < 22))
    waste = 30.0 + 30.0 * ((HOURS >= 8) & (HOURS < 18))
    prob = replace(prob, process_heat=[S.ProcessHeatDemand("steam", steam, 150.0, STEAM),
                                       S.ProcessHeatDemand("hot steam", np.full(T, 30.0), 180.0, HOT_STEAM)],
                   waste_heat=[S.WasteHeatSource("oven", waste, direct_buses=(STEAM, HOT_STEAM),
                                                 hot_share={STEAM: 0.4, HOT_STEAM: 0.2})],
                   boilers=[*prob.boilers,
                            S.Boiler("steam gas", "natural_gas", 0.9, fuel_price_cny_per_kwh=0.35, existing_kw=150.0,
                                     max_kw=150.0, bus=STEAM),
                            S.ElectricBoiler(efficiency=0.99, name="steam eb", bus=STEAM),
                            S.ElectricBoiler(efficiency=0.99, name="hot eb", bus=HOT_STEAM)])
    sizes["boiler_kw"] = {**sizes["boiler_kw"], "steam gas": 150.0, "steam eb": 60.0, "hot eb": 40.0}
    sizes["waste_heat_hx_kw"] = {"oven": 50.0}
    return prob, sizes


@pytest.mark.parametrize("initial_tes_kwh", [0.0, 150.0])
def test_rule_look_ahead_is_what_the_plant_does_on_a_perfect_forecast(initial_tes_kwh):
    """With perfect forecasts the rule's plan of every hour (the thermal stores' charging and
    discharging, the absorption chillers' driving heat, the electricity of the heat and of the
    cooling) is what the plant then does in it: its look-ahead counts what the stores give and what
    the absorption chillers draw, as the plant serves them. The heat-and-cooling park above (the
    store charges in the valley only where the heat pump has heat to spare: never, the network
    needs 131 kW), the rich park with PV, a battery, a demand charge and both chillers, the same with
    process cooling (:func:`_process_cooling_problem`: a loop of its own served by its own chillers,
    one of them an absorption chiller drawing on the heat network, and a demand joining the network)
    and with process steam from a cooled waste-heat stream (:func:`_hot_share_problem`: the steam
    gets only the hot part of the stream)."""
    class Recording(RuleController):
        def decide(self, t):
            d = super().decide(t)
            p = self._heat_plan(t, 1)
            self.seen.append([p[k][0] for k in ("tch", "tdis", "q_abs", "p_heat", "p_cool")])
            return d

    for case in ("small", "rich", "process cooling", "hot share"):
        if case == "small":
            park, fc = _stores_and_absorption_park(initial_tes_kwh)
        else:
            prob, sizes = {"rich": lambda: _rich_problem(cooling=True), "process cooling": _process_cooling_problem,
                           "hot share": _hot_share_problem}[case]()
            park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 200.0, "tes_kwh": initial_tes_kwh})
            fc = Forecaster(_truth(park), 24, PERFECT)
        rc = Recording(fc, peak_targets={3: 1e4})
        rc.seen = []
        ds, stats = operate(park, rc)
        seen = np.array(rc.seen)
        p_heat = ds["p_heat_pump_kw"].sum("heat_pump").values
        if "p_electric_boiler_kw" in ds:
            p_heat = p_heat + ds["p_electric_boiler_kw"].values.reshape(-1, ds.sizes["time"]).sum(axis=0)
        did = np.stack([ds["q_tes_charge_kw"].sum("thermal_storage").values,
                        ds["q_tes_discharge_kw"].sum("thermal_storage").values,
                        ds["q_absorption_heat_kw"].values if "q_absorption_heat_kw" in ds else np.zeros(park.T),
                        p_heat, ds["p_chiller_kw"].values if "p_chiller_kw" in ds else np.zeros(park.T)], axis=1)
        np.testing.assert_allclose(seen, did, atol=1e-9)
        if initial_tes_kwh or case in ("rich", "process cooling"):
            assert did[:, 1].sum() > 0  # the stores did give heat
        if case != "hot share":
            assert did[:, 2].sum() > 0  # the absorption chillers did draw heat
        assert stats["max_abs_balance_residual_kw"] < 1e-9
        if case == "process cooling":  # the loop from its own chillers, its absorber among them
            q = ds["q_cooling_supply_kw"]
            loop = ["old mould", "new mould", "mould absorber"]
            np.testing.assert_allclose(q.sel(chiller=loop).sum("chiller"), park.process_cooling[1]["kw"], atol=1e-9)
            assert float(q.sel(chiller="mould absorber").sum()) > 0
            assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-9)
        if case == "hot share":  # the steam got the hot part of the stream only, and got it
            direct = ds["q_waste_heat_direct_bus_kw"]
            steam, hot = direct.sel(heat_bus=STEAM).values, direct.sel(heat_bus=HOT_STEAM).values
            avail = np.asarray(park.waste[0]["avail"], float)
            assert np.all(hot <= 0.2 * avail + 1e-9) and np.all(steam + hot <= 0.4 * avail + 1e-9)
            assert steam.max() == pytest.approx(0.4 * avail.max(), rel=1e-9)


def test_an_empty_battery_does_not_hold_the_peak():
    """The same hours with the battery at soc_min (6 kWh) from the start: nothing to discharge,
    the load sets the peaks (120, 140, 160 kW) and the battery content stays 6 kWh."""
    park, fc = _peak_hold_park(6.0)
    ds, _ = operate(park, RuleController(fc, peak_targets={3: 100.0}))
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, park.load_kw, atol=1e-9)
    assert ds["p_battery_discharge_kw"].values.max() == 0.0
    assert ds["p_battery_hold_kw"].values.max() == 0.0
    np.testing.assert_allclose(ds["e_battery_kwh"].values, 6.0, atol=1e-9)


def test_mpc_holds_the_peak_above_the_reserve_its_window_plans():
    """48 h, flat price 0.6 CNY/kWh, wear 0.01 CNY/kWh (no arbitrage), demand charge 40 CNY/kW/month,
    plan peak 100 kW; load 100 kW, 120 kW at 10-13 h (forecast right) and 130 kW at 4 h (forecast
    100 kW); battery 100 kWh / 50 kW, lossless, full. By hand: at 4 h the window plans 20 kW at
    10-13 h to hold 100 kW, so it keeps 80 kWh in reserve; the plant holds what the other 20 kWh
    can: import 110 kW (80 kWh left). From then the threshold is 110 kW and 10 kW at 10-13 h hold
    it: the month's peak is 110 kW."""

    n = 48
    load = np.full(n, 100.0)
    load[10:14] = 120.0
    load[4] = 130.0
    forecast = load.copy()
    forecast[4] = 100.0
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.zeros(n),
                            demand_charge_cny_per_kw_month=40.0, month=np.full(n, 3))
    prob, ab, park = _full_lossless_battery(load, grid, n)
    ctrl = MPCController(ab, Forecaster({"load_kw": forecast}, 12, PERFECT), horizon=12,
                         peak_targets={3: 100.0})
    ds, stats = operate(park, ctrl)
    imp = ds["p_grid_import_kw"].values
    e = ds["e_battery_kwh"].sum("battery").values
    np.testing.assert_allclose(imp[:4], 100.0, atol=1e-6)
    assert imp[4] == pytest.approx(110.0, abs=1e-6)
    assert ds["p_battery_hold_kw"].values[4] == pytest.approx(20.0, abs=1e-6)
    assert e[4] == pytest.approx(80.0, abs=1e-6)
    assert imp.max() == pytest.approx(110.0, abs=1e-6)
    np.testing.assert_allclose(imp[10:14], 110.0, atol=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_batteries_discharge_before_load_is_shed_at_the_import_limit():
    """No demand charge (no peak hold), import limit 110 kW, the same loads and battery
    (36 kWh, 30 kWh above soc_min). By hand: 3 h: 10 kW over the limit, the battery gives
    10 kW (26 kWh left); 5 h: 30 kW over, 20 kWh above soc_min: 10 kW unserved; 8 h: empty,
    50 kW unserved. Before the real-time layer all 90 kWh were shed."""
    park, fc = _peak_hold_park(36.0, dc=0.0, limit=110.0)
    ds, stats = operate(park, RuleController(fc))
    want_dis = np.zeros(24)
    want_dis[3], want_dis[5] = 10.0, 20.0
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, want_dis, atol=1e-9)
    np.testing.assert_allclose(ds["p_battery_hold_kw"].values, want_dis, atol=1e-9)
    unserved = np.zeros(24)
    unserved[5], unserved[8] = 10.0, 50.0
    np.testing.assert_allclose(ds["p_unserved_kw"].values, unserved, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, np.minimum(park.load_kw, 110.0), atol=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def _two_vans_problem():
    """48 h, load 100 kW, price 0.6 CNY/kWh except 0.2 at 11-14 h (a midday valley the vans
    miss), demand charge 40 CNY/kW/month with the plan's peak 150 kW; two vans plug in at
    20 h and leave at 6 h the next morning (hour 30), each needing 60 kWh from a 50 kW
    charger (lossless). No battery."""
    n = 48
    hours = np.arange(n) % 24
    price = np.where((hours >= 11) & (hours < 14), 0.2, 0.6)
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            demand_charge_cny_per_kw_month=40.0, month=np.full(n, 3))
    emin = np.zeros(n)
    emin[28], emin[29:] = 20.0, 120.0  # both at full power in their last hours
    emax = np.zeros(n)
    emax[20], emax[21:] = 100.0, 120.0  # both at full power from plug-in
    pmax = np.where((np.arange(n) >= 20) & (np.arange(n) < 30), 100.0, 0.0)
    fleet = S.EVFleet(name="vans", p_uncontrolled_kw=np.where(np.arange(n) == 20, 100.0, 0.0) +
                      np.where(np.arange(n) == 21, 20.0, 0.0), p_charge_max_kw=pmax,
                      e_cum_min_kwh=emin, e_cum_max_kwh=emax, eta_charge=1.0, eta_discharge=1.0,
                      mode="smart")
    return S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 100.0), grid=grid, time=TIME[:n],
                           ev_fleets=[fleet])


def _two_vans_park():
    """The park of _two_vans_problem with the two vans' sessions, and perfect forecasts."""
    prob = _two_vans_problem()
    ses = pd.DataFrame({"vehicle": [0, 1], "arrival_h": [20.0, 20.0], "connect_h": [20.0, 20.0],
                        "departure_h": [30.0, 30.0], "need_kwh": [60.0, 60.0], "promise_kwh": [60.0, 60.0],
                        "pre_kwh": [0.0, 0.0], "arrival_soc": [0.4, 0.4], "bidirectional": [False, False],
                        "served": [True, True]})
    ses.attrs.update({"p_battery_kw": 50.0, "eta": 1.0, "battery_kwh": 150.0, "v2g_min_soc": 0.0})
    park = OperatedPark.from_problem(prob, {}, sessions={"vans": ses})
    return park, Forecaster(_truth(park), 48, PERFECT)


def test_plan_fleet_charging_by_hand():
    """The two vans of _two_vans_park planned at 20 h, room 50 kW below the threshold in every
    hour, one price all night: the first van (equal laxity: the first) takes the hour with the
    most room first, 20 h (50 kWh), then 21 h (10 kWh); the second the hours with the most room
    left, 22 h (50) and 23 h (10); the room falls by what was planned."""
    from twin.operate.rule import plan_fleet_charging

    room = np.full(10, 50.0)
    e = plan_fleet_charging(np.array([60.0, 60.0]), np.array([20.0, 20.0]), np.array([30.0, 30.0]), 50.0, 1.0,
                            20, np.full(10, 0.6), room)
    np.testing.assert_allclose(e, [50, 10, 50, 10, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(room, 50.0 - e)
    # cheaper hours first: a valley at 26-29 h takes all 120 kWh, 30 kWh in each hour
    room = np.full(10, 50.0)
    cost = np.where(np.arange(20, 30) >= 26, 0.3, 0.6)
    e = plan_fleet_charging(np.array([60.0, 60.0]), np.array([20.0, 20.0]), np.array([30.0, 30.0]), 50.0, 1.0,
                            20, cost, room)
    np.testing.assert_allclose(e, [0, 0, 0, 0, 0, 0, 50, 10, 50, 10])
    # not enough room: what does not fit goes above the threshold where the most room is left
    room = np.full(10, 5.0)
    e = plan_fleet_charging(np.array([60.0, 60.0]), np.array([20.0, 20.0]), np.array([30.0, 30.0]), 50.0, 1.0,
                            20, np.full(10, 0.6), room)
    assert e.sum() == pytest.approx(120.0) and np.all(e <= 100.0 + 1e-9)


@pytest.mark.parametrize("planning", [True, False])
def test_rule_spreads_overnight_ev_charging_under_the_threshold(planning):
    """Two vans overnight (_two_vans_park), threshold 150 kW = load + 50 kW. By hand:
    charging by deadline only (the rule before session planning) gives each van 10 kWh at
    28 h and 50 kWh at 29 h: import 200 kW at 29 h, a new monthly peak of 200 kW (charging a
    promise needs is not held). Planned on the sessions, the vans charge 50, 50, 10, 10 kW at
    20-23 h (test_plan_fleet_charging_by_hand, re-planned each hour): the import never exceeds
    150 kW. Both promises are kept either way, nothing is short."""
    park, fc = _two_vans_park()
    ds, stats = operate(park, RuleController(fc, peak_targets={3: 150.0}, ev_planning=planning))
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    want = np.zeros(48)
    if planning:
        want[20:24] = [50.0, 50.0, 10.0, 10.0]
    else:
        want[28:30] = [20.0, 100.0]
    np.testing.assert_allclose(ev, want, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, 100.0 + want, atol=1e-9)
    assert ds["p_grid_import_kw"].values.max() == pytest.approx(150.0 if planning else 200.0)
    assert stats["ev"]["vans"]["promises_kept"] == 2 and stats["ev"]["vans"]["promises_violated"] == 0
    assert float(ds["e_ev_shortfall_kwh"].sum()) == 0.0
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_forced_charging_by_hand():
    """Charging a vehicle's session forces whatever the schedule, lossless 50 kW chargers from
    hour 20: 60 kWh over 20-30 h has 8.8 h of laxity (nothing forced); 45 kWh in 29-30 h is all
    forced (45 kWh at 29 h); 60 kWh in 28.5-30 h: at 28 h (half an hour connected) what the
    hour 29 cannot take, 60 - 50 = 10 kWh, and at 29 h what the half hour at 28 h cannot take,
    60 - 25 = 35 kWh."""
    from twin.operate.rule import forced_charging

    f = forced_charging(np.array([60.0, 45.0, 60.0]), np.array([20.0, 29.0, 28.5]), np.array([30.0, 30.0, 30.0]),
                        50.0, 20, 10)
    np.testing.assert_allclose(f, [0, 0, 0, 0, 0, 0, 0, 0, 10.0, 80.0])


def test_mpc_charges_overnight_vans_early_under_the_threshold():
    """The two vans of _two_vans_park under the rolling horizon with perfect forecasts: one price
    all night, so the window's tie-break charges as early as the threshold (150 kW = load +
    50 kW) allows: 50, 50 and 20 kW at 20-22 h. The import never exceeds 150 kW and both
    promises are kept."""
    from solvers.rolling import as_built

    park, fc = _two_vans_park()
    prob = _two_vans_problem()
    ctrl = MPCController(as_built(prob, {}), fc, horizon=24, peak_targets={3: 150.0})
    ds, stats = operate(park, ctrl)
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    want = np.zeros(48)
    want[20:23] = [50.0, 50.0, 20.0]
    np.testing.assert_allclose(ev, want, atol=1e-6)
    assert ds["p_grid_import_kw"].values.max() <= 150.0 + 1e-6
    assert stats["ev"]["vans"]["promises_kept"] == 2 and stats["ev"]["vans"]["promises_violated"] == 0
    assert float(ds["e_ev_shortfall_kwh"].sum()) == 0.0


def _late_van_case():
    """48 h, load 100 kW (140 kW in hour 29), price 0.6 CNY/kWh except 0.2 at 30-34 h, demand
    charge 40 CNY/kW/month, plan's peak 150 kW; lossless 50 kW chargers. Van A plugs in at
    20 h, leaves at 34 h and needs 60 kWh; van B plugs in at 27 h (after a wait for a charger),
    leaves at 30 h and needs 100 kWh (1 h of laxity). The fleet envelope is the sum of the
    two vans' curves."""
    n = 48
    k = np.arange(n)
    end = k + 1.0
    price = np.where((k >= 30) & (k < 34), 0.2, 0.6)
    load = np.where(k == 29, 140.0, 100.0)
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            demand_charge_cny_per_kw_month=40.0, month=np.full(n, 3))
    u = np.clip(50 * (end - 20), 0, 60) + np.clip(50 * (end - 27), 0, 100)
    lo = np.where(end > 20, np.clip(60 - 50 * (34 - end), 0, 60), 0) + \
        np.where(end > 27, np.clip(100 - 50 * (30 - end), 0, 100), 0)
    conn = ((k >= 20) & (k < 34)).astype(float) + ((k >= 27) & (k < 30))
    fleet = S.EVFleet(name="vans", p_uncontrolled_kw=np.diff(np.r_[0.0, u]), p_charge_max_kw=50.0 * conn,
                      e_cum_min_kwh=lo, e_cum_max_kwh=u, eta_charge=1.0, eta_discharge=1.0, mode="smart")
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=load, grid=grid, time=TIME[:n], ev_fleets=[fleet])
    ses = pd.DataFrame({"vehicle": [0, 1], "arrival_h": [20.0, 21.0], "connect_h": [20.0, 27.0],
                        "departure_h": [34.0, 30.0], "need_kwh": [60.0, 100.0], "promise_kwh": [60.0, 100.0],
                        "pre_kwh": [0.0, 0.0], "arrival_soc": [0.5, 0.3], "bidirectional": [False, False],
                        "served": [True, True]})
    ses.attrs.update({"p_battery_kw": 50.0, "eta": 1.0, "battery_kwh": 200.0, "v2g_min_soc": 0.0})
    park = OperatedPark.from_problem(prob, {}, sessions={"vans": ses})
    return prob, park, Forecaster(_truth(park), 48, PERFECT)


@pytest.mark.parametrize("window", ["sessions", "aggregate"])
def test_mpc_window_on_the_vehicles_sessions(window):
    """_late_van_case under the rolling horizon, perfect forecasts. Van A takes its 60 kWh at
    20-21 h (early among hours of one price). On the fleet envelope ('aggregate') those 60 kWh
    stay in the window's state and count for van B's need: the window plans 40 kWh for B at
    27 h and only what B's own session forces after that, so B must take 50 kW in hour 29,
    where the load is 140 kW: a new peak of 190 kW. On the vans' sessions the window sees A full
    and B's 100 kWh and charges B before hour 29: the import stays at the plan's 150 kW."""
    from solvers.rolling import as_built

    prob, park, fc = _late_van_case()
    ctrl = MPCController(as_built(prob, {}), fc, horizon=24, peak_targets={3: 150.0}, ev_window=window)
    ds, stats = operate(park, ctrl)
    imp = ds["p_grid_import_kw"].values
    assert stats["ev"]["vans"]["promises_violated"] == 0 and stats["ev"]["vans"]["promises_kept"] == 2
    if window == "sessions":
        assert imp.max() <= 150.0 + 1e-6
        assert ds["p_ev_charge_kw"].sum("ev_fleet").values[29] == pytest.approx(0.0, abs=1e-6)
    else:
        assert imp[29] == pytest.approx(190.0, abs=1e-6)


def test_mpc_ev_window_by_hand():
    """The window of _late_van_case at 27 h with van A full (60 kWh delivered) and B plugging in:
    drain = B's latest start (50 kWh in hours 28 and 29), width = B's curve above it (50 at the
    end of hour 27, 50 at 28, then 0), power = B's charger (50 kW in 27-29 h, 0 after)."""
    from solvers.rolling import as_built

    prob, park, fc = _late_van_case()
    ctrl = MPCController(as_built(prob, {}), fc, horizon=24, peak_targets={3: 150.0})
    from twin.operate.loop import Plant

    plant = Plant(park)
    plant.fleets[0].e[0] = 60.0  # A full
    ctrl.initialise(park, plant.state(27))
    ctrl.observe(plant.state(27))
    drain, width, pmax = ctrl._ev_window(park.fleets[0], 27, 6)
    np.testing.assert_allclose(drain, [0, 50, 50, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(width, [50, 50, 0, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(pmax, [50, 50, 50, 0, 0, 0], atol=1e-9)


def test_vehicles_that_free_their_charger_when_charged():
    """Half of the 30 cars free their charger half an hour after a full-power charge would have
    ended: more sessions get a charger and less waits; the freed sessions end then (their
    promise is checked at that time) and both controllers keep every promise."""

    _, ses0, env0 = _fleet_problem()
    prob, ses, env = _fleet_problem(unplug=0.5)
    s0, s = ses0["cars"], ses["cars"]
    assert s["served"].sum() > s0["served"].sum()
    assert env.attrs["sessions_unserved"] < env0.attrs["sessions_unserved"]
    moved = s["unplugs_when_full"].to_numpy() & s["served"].to_numpy()
    assert moved.any() and not s0["unplugs_when_full"].any()
    # a freed session ends when its grace after a full-power charge ends (or when the car leaves)
    p_b = s.attrs["p_battery_kw"]
    end = s["connect_h"] + s["need_kwh"] / p_b + 0.5
    assert (s["departure_h"][moved] <= end[moved] + 1e-9).all()
    _promises_kept_by_both_controllers(prob, ses)


def _full_lossless_battery(load, grid, n):
    """A park of ``load`` [kW] with a full, lossless 100 kWh / 50 kW battery: the sizing
    problem, its as-built form for the rolling horizon and the operated park."""
    from solvers.rolling import as_built

    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=load, grid=grid, time=TIME[:n],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=0.01)])
    sizes = {"battery_kwh": {"battery": 100.0}, "battery_kw": {"battery": 50.0}}
    ab = as_built(prob, sizes, initial_state={"battery_kwh": 100.0})
    return prob, ab, OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 100.0})


def _window_reference(need, start, dep, head, depth, p_b, p_d, eta, t0, n):
    """Each vehicle's curves hour by hour (the definition in MPCController._ev_window)."""
    R, S, D, Hd, Dp = (np.asarray(x, float)[:, None] for x in (need, start, dep, head, depth))
    R = np.minimum(R, p_b * np.clip(D - S, 0.0, None))
    Hd = np.maximum(Hd, R)
    tau = (t0 + np.arange(1, n + 1, dtype=float))[None, :]
    up, left = np.clip(tau - S, 0.0, None), np.clip(D - tau, 0.0, None)
    u = np.minimum.reduce([p_b * up, np.broadcast_to(Hd, up.shape), R + p_d * left])
    low = np.maximum.reduce([np.broadcast_to(-Dp, up.shape), -p_d * up, R - p_b * left])
    u = np.where(tau >= D, R, u)
    low = np.minimum(np.where(tau >= D, R, low), u)
    L, U = low.sum(axis=0), u.sum(axis=0)
    hrs = t0 + np.arange(n)[None, :]
    ov = np.clip(np.minimum(D, hrs + 1.0) - np.maximum(S, hrs), 0.0, 1.0)
    bid = (Dp > 0) | (Hd > R + 1e-9)
    can = np.where(bid, p_b * ov, np.minimum(p_b * ov, Hd)).sum(axis=0) / eta
    return np.diff(np.r_[0.0, L]), U - L, can


@pytest.mark.parametrize("v2g", [False, True])
def test_window_envelope_matches_the_vehicles_curves(v2g):
    """The window's ramp sums equal each vehicle's curves summed hour by hour (random vehicles,
    fractional plug-in and departure times, some leaving after the window, some that cannot
    reach their need)."""
    from twin.operate.mpc import window_envelope

    rng = np.random.default_rng(4)
    m, t0, n, p_b = 300, 100, 48, 7.0
    start = t0 + rng.uniform(0, 40, m) * (rng.random(m) < 0.7)
    dep = start + rng.uniform(0.2, 20, m)
    need = rng.uniform(0, 40, m)
    head = need + (rng.uniform(0, 20, m) if v2g else 0.0)
    depth = rng.uniform(0, 15, m) * (rng.random(m) < 0.5) if v2g else np.zeros(m)
    p_d = p_b / 0.9 ** 2 if v2g else 0.0
    got = window_envelope(need, start, dep, head, depth, p_b=p_b, p_d=p_d, eta=0.9, t0=t0, n=n)
    want = _window_reference(need, start, dep, head, depth, p_b, p_d, 0.9, t0, n)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-7)


@pytest.mark.parametrize("late", [1e-4, 0.0])
def test_mpc_discharges_late_among_hours_of_one_price(late):
    """24 h, price 0.3 CNY/kWh except 1.0 at 14-18 h, no demand charge, load 100 kW, 110 kW at
    17 h; a lossless 100 kWh / 50 kW battery, full, wear 0.01 CNY/kWh. The forecast says 100 kW
    at 17 h. Any discharge of the 100 kWh in 14-18 h is worth the same to the window; with the
    tie-break (``battery_late_cny_per_kwh_h``) it discharges 50 kW at 16 and 17 h. Without it the
    LP's choice may fall earlier; the cost of the operated day is the same either way here (no
    demand charge), the test pins where the energy goes."""

    n = 24
    load = np.full(n, 100.0)
    load[17] = 110.0
    forecast = np.full(n, 100.0)
    price = np.where((np.arange(n) >= 14) & (np.arange(n) < 18), 1.0, 0.3)
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.zeros(n), month=np.full(n, 3))
    prob, ab, park = _full_lossless_battery(load, grid, n)
    ctrl = MPCController(ab, Forecaster({"load_kw": forecast}, 24, PERFECT), horizon=24,
                         battery_late_cny_per_kwh_h=late)
    ds, _ = operate(park, ctrl)
    dis = ds["p_battery_discharge_kw"].sum("battery").values
    assert dis[14:18].sum() == pytest.approx(100.0, abs=1e-6)
    if late > 0:
        np.testing.assert_allclose(dis[14:18], [0.0, 0.0, 50.0, 50.0], atol=1e-6)


def test_forecast_error_sd_is_the_error_model():
    """What a controller knows of its forecaster: sigma_inf * sqrt(1 - phi^(2 l)) per lead, the
    spread the drawn errors show (test above); PV per array and kWp; nothing with perfect forecasts."""
    truth = {"load_kw": np.full(100, 100.0), "pv_per_kwp": np.array([np.full(100, 0.5), np.full(100, 0.8)])}
    fc = Forecaster(truth, 24, seed=3)
    lead = np.arange(1, 25)
    np.testing.assert_allclose(fc.error_sd("load_kw", 24), 7.5 * np.sqrt(1 - 0.9 ** (2 * lead)))
    pv = fc.error_sd("pv_per_kwp", 24)
    assert pv.shape == (2, 24)
    np.testing.assert_allclose(pv[:, -1] / np.sqrt(1 - 0.9 ** 48), [0.12 * 0.5, 0.12 * 0.8])
    assert not Forecaster(truth, 24, PERFECT).error_sd("load_kw", 24).any()


class _KnownErrors(Forecaster):
    """Forecasts that turn out right, from a forecaster whose stated error is ``sd`` kW at every
    lead: the margin's effect on the plan alone."""

    def __init__(self, truth, horizon, sd):
        super().__init__(truth, horizon, PERFECT)
        self.sd = sd

    def error_sd(self, name, n):
        return np.full(n, self.sd) if name == "load_kw" else super().error_sd(name, n)


@pytest.mark.parametrize("z", [0.0, 1.0])
def test_mpc_keeps_its_import_a_margin_below_the_peak(z):
    """48 h, flat price 0.6 CNY/kWh, wear 0.01 CNY/kWh, demand charge 40 CNY/kW/month, plan peak
    100 kW; load 80 kW, 120 kW at 10-13 h; battery 100 kWh / 50 kW, lossless, full; the
    forecaster's stated error 5 kW at every lead. By hand: without a margin the window discharges
    20 kW at 10-13 h (import 100 kW, 20 kWh left); with one standard deviation (5 kW) it keeps the
    import at 95 kW there (discharge 25 kW, the battery empty at 14 h), so a load 5 kW above its
    forecast would still find the month's peak held; the margin costs only the wear of 20 kWh."""
    n = 48
    load = np.full(n, 80.0)
    load[10:14] = 120.0
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.zeros(n),
                            demand_charge_cny_per_kw_month=40.0, month=np.full(n, 3))
    prob, ab, park = _full_lossless_battery(load, grid, n)
    ctrl = MPCController(ab, _KnownErrors({"load_kw": load}, 12, 5.0), horizon=12, peak_targets={3: 100.0},
                         peak_margin_sd=z)
    ds, stats = operate(park, ctrl)
    imp = ds["p_grid_import_kw"].values
    e = ds["e_battery_kwh"].sum("battery").values
    np.testing.assert_allclose(imp[10:14], 100.0 - 5.0 * z, atol=1e-6)
    np.testing.assert_allclose(imp[:10], 80.0, atol=1e-6)
    assert e[13] == pytest.approx(20.0 - 20.0 * z, abs=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    if z:
        np.testing.assert_allclose(ctrl.margin, 5.0)
    else:
        assert ctrl.margin is None


def _valley_charging_park(limit: float = float("inf")):
    """24 h of the test prices (valley 0.3 CNY/kWh at 0-8 h), no demand charge, load 100 kW
    except 150 kW at 2 h, all forecast at 100 kW; an empty lossless battery of 200 kWh / 50 kW
    (soc_min 0): the rule charges it at 50 kW from 0 h until it is full."""
    n = 24
    load = np.full(n, 100.0)
    load[2] = 150.0
    grid = S.GridConnection(price_import_cny_per_kwh=PRICE[:n], ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            import_limit_kw=limit, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=load, grid=grid, time=TIME[:n],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=0.0)])
    park = OperatedPark.from_problem(prob, {"battery_kwh": {"battery": 200.0}, "battery_kw": {"battery": 50.0}},
                                     initial={"battery_kwh": 0.0})
    return park, Forecaster({"load_kw": np.full(n, 100.0)}, 1, PERFECT)


@pytest.mark.parametrize("case", ["import_limit", "transformer"])
def test_connection_guard_cuts_battery_charging_when_the_load_exceeds_its_forecast(case):
    """The rule charges the battery at 50 kW in the valley on a 100 kW load forecast; at 2 h the
    load is 150 kW. import_limit: limit 160 kW, so 200 kW would be drawn: the guard cuts the
    charging by 40 kW to 10 kW, import 160 kW. transformer: no import limit, a park transformer
    that may carry 200 kVA and loads at tan φ 0.75 (cos φ 0.8): Q = 0.75 × 150 = 112.5 kvar, the
    connection carries sqrt(200² − 112.5²) = 165.36 kW, so the charging is cut by 34.64 kW.
    Nothing is shed, no overload is left, and the battery charges on at 50 kW in the other
    valley hours (the guard acts only where the limit binds)."""
    if case == "import_limit":
        park, fc = _valley_charging_park(limit=160.0)
        cap = 160.0
    else:
        park, fc = _valley_charging_park()
        park.connection_kva, park.reactive_per_kw = 200.0, 0.75
        cap = float(np.sqrt(200.0 ** 2 - (0.75 * 150.0) ** 2))
    ds, stats = operate(park, RuleController(fc))
    bch = ds["p_battery_charge_kw"].sum("battery").values
    imp = ds["p_grid_import_kw"].values
    cut = 200.0 - cap
    assert cap == pytest.approx(160.0 if case == "import_limit" else 165.3595, abs=1e-4)
    assert bch[[0, 1, 3]] == pytest.approx([50.0, 50.0, 50.0], abs=1e-9)
    assert bch[2] == pytest.approx(50.0 - cut, abs=1e-9)
    assert imp[2] == pytest.approx(cap, abs=1e-9)
    assert ds["p_connection_capacity_kw"].values[2] == pytest.approx(cap, abs=1e-9)
    guard = np.zeros(24)
    guard[2] = cut
    np.testing.assert_allclose(ds["p_connection_guard_kw"].values, guard, atol=1e-9)
    assert ds["p_battery_discharge_kw"].values[:, :4].max() == 0.0  # charging was cut, not discharge added
    assert ds["p_connection_overload_kw"].values.max() == 0.0
    assert ds["p_unserved_kw"].values.max() == 0.0
    assert ds["p_connection_guard_kw"].attrs["units"] == "kW"
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_connection_guard_discharges_then_reports_the_overload():
    """Flat price (the rule leaves the battery idle), no demand charge; loads 120 kW at 3 h,
    140 kW at 5 h, 160 kW at 8 h (forecast 100 kW); battery 60 kWh / 25 kW, 36 kWh at the start,
    soc_min 6 kWh; a park transformer carrying 130 kW (130 kVA, unity power factor), no import
    limit. By hand: 3 h below 130 kW: nothing; 5 h: 10 kW over, the battery discharges 10 kW
    (26 kWh left); 8 h: 30 kW over, the battery has 20 kWh above soc_min: it gives 20 kW, a 10 kW
    overload of the connection is left, import 140 kW, nothing shed (the transformer is not the
    import limit)."""
    from twin.operate.metrics import connection_guard

    park, fc = _peak_hold_park(36.0, dc=0.0)
    park.connection_kva = 130.0
    ds, stats = operate(park, RuleController(fc))
    want = np.zeros(24)
    want[5], want[8] = 10.0, 20.0
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sum("battery").values, want, atol=1e-9)
    np.testing.assert_allclose(ds["p_connection_guard_kw"].values, want, atol=1e-9)
    over = np.zeros(24)
    over[8] = 10.0
    np.testing.assert_allclose(ds["p_connection_overload_kw"].values, over, atol=1e-9)
    np.testing.assert_allclose(ds["p_grid_import_kw"].values, park.load_kw - want, atol=1e-9)
    assert ds["p_unserved_kw"].values.max() == 0.0
    fig = connection_guard(ds, 8760.0 / 24)
    assert fig["guard_hours"] == pytest.approx(2 * 365.0)
    assert fig["guard_mwh"] == pytest.approx(30.0 * 365.0 / 1e3)
    assert fig["overload_hours"] == pytest.approx(365.0)
    assert fig["overload_mwh"] == pytest.approx(10.0 * 365.0 / 1e3)
    assert fig["max_overload_kw"] == pytest.approx(10.0)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_connection_guard_holds_the_export_by_charging_before_curtailing():
    """PV surplus above the transformer: 24 h, flat price, load 50 kW, PV 300 kW at 12 h only
    (forecast perfect); export limit 1000 kW, a transformer carrying 200 kW (unity power
    factor); an empty lossless battery of 100 kWh / 30 kW that the rule charges from the PV
    surplus. At 12 h the surplus is 250 kW: the rule charges 30 kW, the export would be 220 kW:
    the battery is already at its power, so 20 kW of PV is curtailed (guard 20 kW); export
    200 kW."""
    n = 24
    pv = np.zeros(n)
    pv[12] = 300.0
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            export_limit_kw=1000.0, price_export_cny_per_kwh=0.1, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 50.0), grid=grid, time=TIME[:n],
                           pv=[S.PVArray(name="roof", ac_per_kwp=pv / 1000.0)],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=0.0)])
    park = OperatedPark.from_problem(prob, {"pv_kwp": {"roof": 1000.0}, "battery_kwh": {"battery": 100.0},
                                            "battery_kw": {"battery": 30.0}}, initial={"battery_kwh": 0.0})
    park.connection_kva = 200.0
    ds, stats = operate(park, RuleController(Forecaster(_truth(park), 1, PERFECT)))
    assert ds["p_battery_charge_kw"].sum("battery").values[12] == pytest.approx(30.0, abs=1e-9)
    assert ds["p_grid_export_kw"].values[12] == pytest.approx(200.0, abs=1e-9)
    assert ds["p_pv_curtailed_kw"].sum("pv_array").values[12] == pytest.approx(20.0, abs=1e-9)
    assert ds["p_connection_guard_kw"].values[12] == pytest.approx(20.0, abs=1e-9)
    assert ds["p_connection_guard_kw"].values.sum() == pytest.approx(20.0, abs=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


@pytest.mark.parametrize("kind", ["rule", "mpc"])
def test_operated_heat_pump_scop_equals_the_plans_on_a_perfect_forecast(kind):
    """A week of heat demand 80 ± 40 kW served by one heat pump (COP 3.0 ± 0.5 over the day, 200 kW,
    no other heat source or store): with perfect forecasts the operated year's seasonal COP is the
    plan's, Σ q / Σ (q / COP) by hand, and the operated year's gap in it is 0."""
    from solvers.rolling import as_built
    from twin.operate.metrics import gap, operation_metrics
    from twin.statistics import annual_statistics

    heat = 80.0 + 40.0 * np.cos(HOURS / 24 * 2 * np.pi)
    cop = 3.0 + 0.5 * np.sin(HOURS / 24 * 2 * np.pi)
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 100.0), grid=_grid(), time=TIME,
                           heat_demand_kw=heat, heat_pumps=[S.HeatPump(name="hp", cop=cop)])
    sizes = {"heat_pump_kw": {"hp": 200.0}}
    ab = as_built(prob, sizes)
    plan = S.solve(ab, S.SolveOptions(solver="simplex"))
    park = OperatedPark.from_problem(prob, sizes)
    fc = Forecaster(_truth(park), 48, PERFECT)
    ctrl = RuleController(fc) if kind == "rule" else MPCController(ab, fc, horizon=48)
    ds, _ = operate(park, ctrl)
    by_hand = heat.sum() / (heat / cop).sum()
    planned = annual_statistics(plan.dispatch).heat_pumps["scop"]  # the plan's, as the summary has it
    assert planned == pytest.approx(by_hand, rel=1e-9)
    met = operation_metrics(ds, park, plan, prob)
    opt = operation_metrics(plan.dispatch, park, plan, prob)
    assert met["heat_pump_scop"] == pytest.approx(planned, rel=1e-9)
    assert opt["heat_pump_scop"] == pytest.approx(planned, rel=1e-9)
    assert met["heat_pumps"]["per_heat_pump"]["hp"]["heat_mwh"] == pytest.approx(heat.sum() * 8760 / T / 1e3)
    assert gap(met, opt)["heat_pump_scop"] == 0.0


class _FixedController:
    """Sets the same decision every hour (to test the plant alone)."""

    def __init__(self, decision):
        self.decision = decision

    def initialise(self, park, state):
        pass

    def observe(self, state):
        pass

    def decide(self, t):
        return self.decision

    def record(self, t, outcome):
        pass

    def finalise(self):
        return {}


@pytest.mark.parametrize("battery", [False, True])
def test_connection_guard_cuts_battery_charging_before_ev_charging(battery):
    """The two vans of _two_vans_park (60 kWh each, 20 h → 30 h, 50 kW chargers, no charging
    forced at 20 h) asked for 100 kW every hour, load 100 kW, a park transformer carrying 170 kW
    (unity power factor). Without a battery: at 20 h the vans get the 70 kW below the capacity
    (30 kW held, import 170 kW), the rest later. With a battery asked to charge 50 kW: the vans
    still get 70 kW (battery charging counts as room) and the battery's 50 kW is cut whole:
    guard 80 kW, import 170 kW (the battery, 5000 kWh, is not full before 100 h)."""
    from dataclasses import replace

    from twin.operate.state import Decision

    park, _ = _two_vans_park()
    if battery:
        prob = replace(_two_vans_problem(), batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0,
                                                                 soc_max=1.0, self_discharge_per_h=0.0)])
        ses = park.fleets[0].sessions
        park = OperatedPark.from_problem(prob, {"battery_kwh": {"battery": 5000.0}, "battery_kw": {"battery": 50.0}},
                                         sessions={"vans": ses}, initial={"battery_kwh": 0.0})
    park.connection_kva = 170.0
    dec = Decision(battery_kw={"battery": 50.0} if battery else {}, ev_charge_kw={"vans": 100.0})
    ds, stats = operate(park, _FixedController(dec))
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    assert ev[20] == pytest.approx(70.0, abs=1e-9)
    assert ds["p_grid_import_kw"].values[20] == pytest.approx(170.0, abs=1e-9)
    assert ds["p_connection_guard_kw"].values[20] == pytest.approx(80.0 if battery else 30.0, abs=1e-9)
    if battery:
        assert ds["p_battery_charge_kw"].sum("battery").values[20] == pytest.approx(0.0, abs=1e-9)
        assert ds["p_battery_charge_kw"].sum("battery").values[19] == pytest.approx(50.0, abs=1e-9)
    assert ev.sum() == pytest.approx(120.0, abs=1e-6)  # both promises kept
    assert stats["ev"]["vans"]["promises_violated"] == 0
    assert ds["p_connection_overload_kw"].values.max() == 0.0
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def _vans_depot(kva: float = 50.0, tan_phi: float = 0.75, dc: float = 0.0):
    """The two vans overnight (_two_vans_park: 60 kWh each from a 50 kW charger, plugged in 20-30 h)
    at a depot behind its own transformer with the depot's 20 kW of the park's 100 kW load; no
    demand charge (``dc``). The transformer may carry ``kva`` beside the loads' reactive draw at
    ``tan_phi`` (0.75: cos φ 0.8, so that S = 1.25 × the depot's consumption)."""
    from dataclasses import replace

    park, fc = _two_vans_park()
    park.demand_charge = dc
    spec = {"name": "depot", "kva": kva, "rating_kva": kva, "limit_percent": 100.0, "tan_phi": tan_phi,
            "assets": ["vans", "depot office"]}
    park.attach_transformers([spec], {"depot office": np.full(48, 20.0), "hall": np.full(48, 80.0)})
    return replace(park), fc


@pytest.mark.parametrize("planning", [True, False])
def test_site_transformer_planned_within_then_violation_counted(planning):
    """The depot's transformer carries 50 kVA at cos φ 0.8: its consumption may reach 40 kW, 20 kW
    above the depot's own load. Planned on the sessions (planning), the rule places the vans' 120 kWh
    in the room it leaves: 20 kW at 20-25 h, the transformer at 50 kVA and never above, the guard
    never acting (the controller planned within it). By deadline instead, the vans must charge 20 kW
    at 28 h (the transformer at its 50 kVA) and 100 kW at 29 h: a promise is kept (nothing else
    behind the transformer can give way), the depot consumes 120 kW (150 kVA) and the overload is
    counted: 1 hour, 120 − 0.8 × 50 = 80 kW of consumption above what the transformer carries."""
    from twin.operate.metrics import transformer_guard

    park, fc = _vans_depot()
    ds, stats = operate(park, RuleController(fc, ev_planning=planning))
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    want = np.zeros(48)
    over = np.zeros(48)
    if planning:
        want[20:26] = 20.0
    else:
        want[28:30] = [20.0, 100.0]
        over[29] = 80.0
    np.testing.assert_allclose(ev, want, atol=1e-9)
    s = ds["s_transformer_kva"].sel(transformer="depot").values
    np.testing.assert_allclose(s, 1.25 * (20.0 + want), atol=1e-9)
    np.testing.assert_allclose(ds["p_transformer_overload_kw"].sel(transformer="depot").values, over, atol=1e-9)
    np.testing.assert_allclose(ds["p_transformer_guard_kw"].values, 0.0, atol=1e-9)
    assert stats["ev"]["vans"]["promises_kept"] == 2
    fig = transformer_guard(ds, park, 8760.0 / 48)["by_transformer"]["depot"]
    assert fig["violation_hours"] == pytest.approx(0.0 if planning else 8760.0 / 48)
    assert fig["max_overload_kw"] == pytest.approx(0.0 if planning else 80.0)
    assert fig["max_loading_percent"] == pytest.approx(100.0 if planning else 300.0)
    assert ds["s_transformer_kva"].attrs["units"] == "kVA" and ds["p_transformer_overload_kw"].attrs["units"] == "kW"
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_site_guard_holds_charging_the_controller_did_not_plan_within():
    """A controller that asks for the vans' charging at full power from plug-in (100 kW at 20 h):
    the plant gives the flexible charging only the 20 kW of room the depot's transformer has in the
    hour (the site guard took 80 kW off: 50 kVA, no overload), the promises at full power later."""
    class Greedy(RuleController):
        def decide(self, t):
            d = super().decide(t)
            if 20 <= t < 30:
                d.ev_charge_kw["vans"] = 100.0
            return d

    park, fc = _vans_depot()
    ds, _ = operate(park, Greedy(fc, ev_planning=False))
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    np.testing.assert_allclose(ev[20:26], 20.0, atol=1e-9)
    assert ds["p_transformer_guard_kw"].sel(transformer="depot").values[20] == pytest.approx(80.0)
    assert ds["s_transformer_kva"].values.max() == pytest.approx(50.0)
    assert ds["p_transformer_overload_kw"].values.max() == 0.0


def test_site_guard_holds_a_battery_and_pv_behind_a_transformer():
    """A roof's PV and a battery behind a 100 kVA transformer (unity power factor, no load behind
    it); the park's 400 kW of load elsewhere, a flat price (the rule leaves the battery idle: no
    surplus, no spread). PV 300 kW at 12 h. By hand: 300 kW would feed back through 100 kVA; the
    site guard charges the empty battery 60 kW (its power) and curtails the roof 140 kW, the
    transformer carries 100 kW back to the park, which imports 300 kW. Nothing is overloaded."""
    n = 24
    pv = np.zeros(n)
    pv[12] = 1.0
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            export_limit_kw=1000.0, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 400.0), grid=grid, time=TIME[:n],
                           pv=[S.PVArray(name="roof", ac_per_kwp=pv)],
                           batteries=[S.Battery(name="bess", eta_charge=1.0, eta_discharge=1.0, soc_min=0.0,
                                                soc_max=1.0, self_discharge_per_h=0.0)])
    park = OperatedPark.from_problem(prob, {"pv_kwp": {"roof": 300.0}, "battery_kwh": {"bess": 200.0},
                                            "battery_kw": {"bess": 60.0}}, initial={"battery_kwh": 0.0})
    park.attach_transformers([{"name": "roof station", "kva": 100.0, "rating_kva": 100.0, "limit_percent": 100.0,
                               "tan_phi": 0.0, "assets": ["roof", "bess"]}], {})
    ds, stats = operate(park, RuleController(Forecaster(_truth(park), 1, PERFECT)))
    assert ds["p_battery_charge_kw"].sum("battery").values[12] == pytest.approx(60.0)
    assert ds["p_pv_curtailed_kw"].sel(pv_array="roof").values[12] == pytest.approx(140.0)
    assert ds["p_transformer_kw"].sel(transformer="roof station").values[12] == pytest.approx(-100.0)
    assert ds["p_grid_import_kw"].values[12] == pytest.approx(300.0)
    guard = np.zeros(n)
    guard[12] = 200.0
    np.testing.assert_allclose(ds["p_transformer_guard_kw"].sel(transformer="roof station").values, guard, atol=1e-9)
    assert ds["p_battery_charge_kw"].sum("battery").values.sum() == pytest.approx(60.0)
    assert ds["p_transformer_overload_kw"].values.max() == 0.0
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_mpc_plans_within_the_site_transformer():
    """The rolling horizon on the vans' depot (perfect forecasts, 24 h windows): its window has the
    depot transformer's rows (a polygon inside the 50 kVA circle), so it plans the vans' 120 kWh
    within the 20 kW of room (6 hours or more); the plant's site guard never acts, nothing is
    overloaded, both promises are kept."""
    from dataclasses import replace

    from solvers.rolling import as_built

    park, fc = _vans_depot()
    prob = _two_vans_problem()
    prob = replace(prob, grid=replace(prob.grid, demand_charge_cny_per_kw_month=0.0))
    ctrl = MPCController(as_built(prob, {}), fc, horizon=24)
    ds, stats = operate(park, ctrl)
    ev = ds["p_ev_charge_kw"].sum("ev_fleet").values
    assert ev.sum() == pytest.approx(120.0, abs=1e-6)
    assert ev.max() <= 20.0 + 1e-6 and np.count_nonzero(ev > 1e-6) >= 6
    assert ds["s_transformer_kva"].values.max() <= 50.0 + 1e-6
    assert ds["p_transformer_guard_kw"].values.max() == pytest.approx(0.0, abs=1e-6)
    assert ds["p_transformer_overload_kw"].values.max() == 0.0
    assert stats["ev"]["vans"]["promises_kept"] == 2
    assert [x["name"] for x in ctrl.limits] == ["transformer depot"]


def test_mpc_connection_row_counts_the_process_cooling_a_lone_chiller_serves():
    """One electric chiller (COP 4) serves the buildings' 40 kW of cooling and 20 kW of process cooling
    that joins the chilled-water network: the window has no column for it (the balance substituted),
    so the fixed consumption of the connection's rows counts its electricity, 60/4 = 15 kW beside the
    100 kW load (the buildings' cooling alone gave 10 kW)."""
    from solvers.rolling import as_built
    from twin.operate.state import PlantState

    n = 24
    grid = S.GridConnection(price_import_cny_per_kwh=PRICE[:n], ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 100.0), grid=grid, time=TIME[:n],
                           cooling_demand_kw=np.full(n, 40.0),
                           process_cooling=[S.ProcessCoolingDemand("rinse", np.full(n, 20.0), 7.0, COOL_BUS)],
                           chillers=[S.Chiller(name="screw", cop=np.full(n, 4.0))])
    sizes = {"chiller_kw": {"screw": 100.0}}
    park = OperatedPark.from_problem(prob, sizes)
    park.connection_kva, park.reactive_per_kw = 200.0, 0.75
    ctrl = MPCController(as_built(prob, sizes), Forecaster(_truth(park), 24, PERFECT), horizon=24)
    ctrl.initialise(park, PlantState(t=0))
    assert not ctrl.win.has_bus(COOL_BUS)
    _, cons, kva = ctrl._limit_rhs(0, n, None)["connection"]
    np.testing.assert_allclose(cons, 100.0 + 60.0 / 4.0, rtol=1e-12)
    assert kva == 200.0


def test_mpc_plans_within_the_park_transformer_at_the_connection():
    """The valley-charging park (load 100 kW, 150 kW at 2 h, an empty 200 kWh / 50 kW battery) behind a
    park transformer of 200 kVA at tan φ 0.75, forecasts perfect, 2 h the cheapest valley hour (0.25
    CNY/kWh): the window's connection rows (the polygon inside the circle, cos 7.5° = 0.9914) keep its
    planned import within what the transformer carries beside the loads' reactive draw, 165.36 kW at
    2 h (112.5 kvar): it charges only what fits there, so the plant's connection guard never has to
    cut its charging (without the rows the window charged 50 kW at 2 h and the guard cut it); the
    battery still fills in the valley."""
    from solvers.rolling import as_built

    park, _ = _valley_charging_park()
    park.connection_kva, park.reactive_per_kw = 200.0, 0.75
    load = park.load_kw
    n = load.size
    price = PRICE[:n].copy()
    price[2] = 0.25
    park.price = price
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=load, grid=grid, time=TIME[:n],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=0.0)])
    ab = as_built(prob, {"battery_kwh": {"battery": 200.0}, "battery_kw": {"battery": 50.0}},
                  initial_state={"battery_kwh": 0.0})
    ctrl = MPCController(ab, Forecaster({"load_kw": load}, 24, PERFECT), horizon=24)
    ds, stats = operate(park, ctrl)
    imp = ds["p_grid_import_kw"].values
    cap = np.sqrt(200.0 ** 2 - (0.75 * load) ** 2)
    assert cap[2] == pytest.approx(165.36, abs=0.01)
    assert (imp <= cap + 1e-6).all()
    assert 165.36 * 0.9914 - 0.01 <= imp[2] < 165.35  # the cheapest hour charged up to the rows, not beyond
    np.testing.assert_allclose(ds["p_connection_guard_kw"].values, 0.0, atol=1e-6)
    assert ds["e_battery_kwh"].sum("battery").values[7] == pytest.approx(200.0, abs=1e-6)
    assert [x["name"] for x in ctrl.limits] == ["connection"]
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_horizon_end_requirement_adds_the_plans_end_state_to_the_last_hour():
    from twin.operate.mpc import horizon_end_requirement

    drain, width = np.array([10.0, 5.0, 0.0]), np.array([20.0, 30.0, 40.0])
    d, w = horizon_end_requirement(drain, width, required_kwh=100.0, delivered_kwh=60.0)
    np.testing.assert_allclose(d, [10.0, 5.0, 25.0])  # 100 - 60 - 15 more by the last hour
    np.testing.assert_allclose(w, [20.0, 30.0, 15.0])
    np.testing.assert_allclose(drain, [10.0, 5.0, 0.0])  # the caller's arrays untouched
    d, w = horizon_end_requirement(drain, width, required_kwh=70.0, delivered_kwh=60.0)  # already due
    assert d is drain and w is width
    _, w = horizon_end_requirement(drain, width, required_kwh=200.0, delivered_kwh=60.0)
    assert w[-1] == 0.0  # more than the vehicles can take: a shortfall, not a negative width


def test_a_perfect_forecast_week_is_not_cheaper_than_the_optimum():
    """Vehicles still plugged in at the horizon's end are owed what charging on arrival gives them
    by then (the plan's end state). The MPC's last windows asked only for what departing vehicles
    need: with perfect forecasts the Qingdao week read 3.1 % cheaper than the optimum, 5.9 MWh of
    EV charging left undone and uncounted. Its last window now keeps to the end state, and what a
    controller still owes is valued as the plan bought it."""
    from pathlib import Path

    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    root = Path(__file__).resolve().parents[1]
    loaded = load_scenario(root / "scenarios" / "logistics_qingdao.yaml",
                           overrides={"operation.forecast.perfect": True})
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="both"))
    op = r.summary["operation"]
    opt = op["optimum"]["annualised_cost_cny"]
    assert op["optimum"]["ev_energy_owed_mwh"] == 0.0
    for c in ("rule", "mpc"):
        m, g = op[c], op["gap"][c]
        assert g["like_for_like"]
        assert m["annualised_cost_cny"] >= opt * (1 - 1e-6), c
        owed = m["ev_energy_owed_mwh"]
        assert owed >= 0.0 and (owed > 0) == (m["costs_cny"]["ev_energy_owed"] > 0)
        assert g["ev_energy_owed_mwh"] == pytest.approx(owed, abs=1e-9)
    assert op["mpc"]["ev_energy_owed_mwh"] < 10.0  # the MPC's last window charges it (at most a rest)


def test_faults_on_a_short_horizon_say_they_are_scaled_to_a_year():
    """A 4 h grid outage in a week's run counted 52 times in the annualised figures (748 kWh
    unserved read 39 MWh/yr) and nothing said so; the warning says how often each fault counts, in
    both languages. A fault outside the hours is ignored and not counted."""
    from pathlib import Path

    from twin.operate.stage import fault_scaling_warning
    from twin.report_text import MISSING, phrase
    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    assert fault_scaling_warning(1, 8760) is None and fault_scaling_warning(0, 168) is None
    tiny = Path(__file__).parent / "data" / "tiny_park.yaml"
    faults = [{"kind": "grid_outage", "start": "2025-01-03 18:00", "hours": 4},
              {"kind": "grid_outage", "start": "2025-06-03 18:00", "hours": 4}]  # the second outside a week
    loaded = load_scenario(tiny, overrides={"operation.faults": faults})
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="rule"))
    (w,) = [x for x in r.summary["operation"]["warnings"] if "fault(s) in a horizon" in x]
    assert w.startswith("1 fault(s) in a horizon of 168 h: the operated figures are scaled to a year by 8760/168, "
                        "so each fault counts 52.1 times a year")
    zh = phrase(w, "zh")
    assert zh.startswith("运行时段 168 小时内有 1 个故障") and w not in MISSING


def test_no_v2g_through_bidirectional_chargers_the_plan_did_not_build(tmp_path):
    """The office example's plan builds no bidirectional charger (ev_v2g_share 0). Operated, the rule-based
    controller had discharged 692 kWh a week through them and both controllers had charged vehicles to
    full for V2G that never came (+26 % / +46 % energy into the cars, cost gaps 3.5 % / 4.1 % against
    1.7 % / 2.1 % with smart charging). Now no vehicle gives V2G, and what vehicles take away beyond
    their promises is reported (here nothing)."""
    import json

    from click.testing import CliRunner

    from twin.cli import main

    from pathlib import Path

    out = tmp_path / "gz"
    root = Path(__file__).resolve().parents[1]
    r = CliRunner().invoke(main, ["run", str(root / "scenarios" / "office_guangzhou.yaml"), "--hours", "168",
                                  "--operate", "both", "-o", str(out), "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["sizes"]["ev_v2g_share"]["employee cars"] == 0.0
    op = s["operation"]
    for c in ("rule", "mpc"):
        assert op["gap"][c]["ev_energy_beyond_promise_mwh"] == pytest.approx(0.0, abs=1e-6)
        assert op["gap"][c]["ev_promises_broken"] == 0
        assert op["gap"][c]["annualised_cost_pct"] < 3.0
    import xarray as xr

    with xr.open_dataset(out / "results.nc") as ds:
        assert float(ds["op_p_ev_discharge_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
        assert list(ds["controller"].values) == ["rule", "mpc"]


@pytest.mark.parametrize("store", ["battery", "v2g"])
def test_stored_energy_is_not_exported(store):
    """A battery (or V2G) told to discharge more than the park uses: the plant exported the rest at the
    export price (Beijing full year: 49.4 / 55.7 MWh/yr of battery energy by the rule / the rolling
    horizon, 0.003 MWh in the optimum). Now a surplus cuts the discharge first. Battery: 24 h, load 50 kW,
    PV 300 kW at 12 h only, export limit 1000 kW at 0.1 CNY/kWh, a lossless 5000 kWh / 100 kW battery
    told to discharge 100 kW every hour: it discharges the 50 kW the load takes, nothing at 12 h (the PV's
    250 kW surplus is exported), and nothing is exported in any other hour. V2G: the smart-charging cars
    of _fleet_problem in mode v2g asked to discharge 1000 kW every hour on a 10 kW load: the vehicles give
    what the park uses, never an export; their promises are kept."""
    from dataclasses import replace

    from twin.operate.state import Decision

    if store == "battery":
        n = 24
        pv = np.zeros(n)
        pv[12] = 0.3
        grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                                export_limit_kw=1000.0, price_export_cny_per_kwh=0.1, month=np.full(n, 3))
        prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 50.0), grid=grid, time=TIME[:n],
                               pv=[S.PVArray(name="roof", ac_per_kwp=pv)],
                               batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                    self_discharge_per_h=0.0, degradation_cny_per_kwh=0.0)])
        park = OperatedPark.from_problem(prob, {"pv_kwp": {"roof": 1000.0}, "battery_kwh": {"battery": 5000.0},
                                                "battery_kw": {"battery": 100.0}}, initial={"battery_kwh": 5000.0})
        ds, stats = operate(park, _FixedController(Decision(battery_kw={"battery": -100.0})))
        dis = ds["p_battery_discharge_kw"].sum("battery").values
        want = np.full(n, 50.0)
        want[12] = 0.0
        np.testing.assert_allclose(dis, want, atol=1e-9)
        # at 12 h the surplus charges the battery at its 100 kW (a kWh kept is worth 0.6 later, 0.1 sold:
        # Plant.store_surplus), the other 150 kW are exported
        exp = np.zeros(n)
        exp[12] = 150.0
        np.testing.assert_allclose(ds["p_grid_export_kw"].values, exp, atol=1e-9)
        assert ds["p_battery_charge_kw"].sum("battery").values[12] == pytest.approx(100.0)
        assert ds["e_battery_kwh"].sum("battery").values[-1] == pytest.approx(5000.0 - 50.0 * 23 + 100.0, abs=1e-6)
    else:
        prob, ses, _ = _fleet_problem("v2g")
        grid = S.GridConnection(price_import_cny_per_kwh=PRICE, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                                export_limit_kw=1000.0, price_export_cny_per_kwh=0.1, month=np.full(T, 3))
        prob = replace(prob, grid=grid, electric_load_kw=np.full(T, 10.0))
        park = OperatedPark.from_problem(prob, {}, sessions=ses)
        ds, stats = operate(park, _FixedController(Decision(ev_discharge_kw={"cars": 1000.0})))
        v2g = ds["p_ev_discharge_kw"].sum("ev_fleet").values
        assert v2g.max() > 5.0  # the vehicles do give V2G
        np.testing.assert_allclose(ds["p_grid_export_kw"].values, 0.0, atol=1e-9)
        assert stats["ev"]["cars"]["promises_violated"] == 0
        # the energy kept in the vehicles is theirs: the fleet's record follows the V2G given
        eta = park.fleets[0].eta
        cum = np.cumsum(ds["p_ev_charge_kw"].sum("ev_fleet").values * eta - v2g / eta)
        np.testing.assert_allclose(ds["e_ev_cum_kwh"].sum("ev_fleet").values, cum, atol=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-9


def test_fault_written_for_another_year_is_placed_in_the_model_year_and_said():
    """A fault written for 2024 in a 2025 model ran on the same date of 2025 without a word; now a note says so
    (in both languages), and a fault in the model year gives none."""
    from twin.operate.faults import GridOutage
    from twin.report_text import MISSING, phrase

    masks = fault_masks([GridOutage(kind="grid_outage", start="2024-03-04 10:00", hours=6),
                         GridOutage(kind="grid_outage", start="2025-03-05 10:00", hours=2)], TIME)
    assert masks.notes == ["grid_outage from 03-04 10:00 for 6 h: hours 34-39",
                           "grid_outage from 03-05 10:00 for 2 h: hours 58-59"]
    (note,) = masks.moved
    assert note == ("operation.faults[0] (grid_outage) starts in 2024, the model year is 2025 (park.planning_year): "
                    "placed at 2025-03-04 10:00, the same date and hour of the model year")
    assert phrase(note, "zh").startswith("operation.faults[0]（grid_outage）起始于 2024 年") and note not in MISSING
    assert masks.grid_out.sum() == 8


def test_rule_look_ahead_does_not_depend_on_the_rolling_horizon():
    """operation.horizon_h is the rolling horizon's window; it had also cut the rule-based controller's
    look-ahead (one forecaster for both): Beijing office, 168 h, rule gap +6.01 % at horizon_h 4 against
    +2.63 % at 48. The rule now has a forecaster of its own (48 h): same dispatch whatever horizon_h."""
    from pathlib import Path

    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    tiny = Path(__file__).parent / "data" / "tiny_park.yaml"
    ops = []
    for h in (4, 48):
        loaded = load_scenario(tiny, overrides={"operation.horizon_h": h})
        r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="rule"))
        ops.append(r.operation)
        assert r.summary["operation"]["settings"]["rule_lookahead_h"] == 48
        assert r.summary["operation"]["settings"]["horizon_h"] == h
    a, b = (o.dispatch["rule"] for o in ops)
    for v in ("p_grid_import_kw", "p_battery_charge_kw", "p_battery_discharge_kw"):
        np.testing.assert_allclose(a[v].values, b[v].values, atol=1e-9, err_msg=v)
    assert ops[0].summary["gap"]["rule"]["annualised_cost_pct"] == pytest.approx(
        ops[1].summary["gap"]["rule"]["annualised_cost_pct"], abs=1e-12)


def test_an_overloaded_connection_in_the_operated_year_is_a_warning():
    """The tiny park behind a 250 kVA park transformer at the point of connection: the operated year imports
    above it for hundreds of h/yr; a site transformer overloaded so had a warning, the connection none
    (Xi'an, main 1000 kVA: 678 h/yr, up to 705 kW over, operation.warnings []). Now the same warning, in
    both languages."""
    from pathlib import Path

    from twin.report_text import MISSING, phrase
    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    grid = Path(__file__).parent / "data" / "tiny_park_grid.yaml"
    loaded = load_scenario(grid, overrides={"grid.network.substation_kva": 250})
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="rule"))
    op = r.summary["operation"]
    con = op["rule"]["connection"]
    assert con["overload_hours"] > 100
    (w,) = [x for x in op["warnings"] if "point of connection" in x]
    assert w.startswith("the rule-based controller's operated year imported more than the park transformer at the "
                        "point of connection can (")
    assert f"{con['max_overload_kw']:,.1f} kW above it" in w
    zh = phrase(w, "zh")
    assert zh.startswith("规则控制运行年中购电超出并网点园区主变") and w not in MISSING


@pytest.mark.parametrize("wear, export_limit, stored, exported, curtailed", [
    (0.0, 1000.0, 100.0, 150.0, 0.0),   # kept 0.6 later > 0.1 sold: stored up to the battery's power
    (0.55, 1000.0, 0.0, 250.0, 0.0),    # worn at 0.55: a kWh kept is worth 0.05 < 0.1 sold: exported
    (0.55, 0.0, 100.0, 0.0, 150.0),     # no export: stored rather than curtailed while worth anything
])
def test_a_surplus_is_stored_where_a_kept_kwh_is_worth_more_than_one_sold(wear, export_limit, stored, exported,
                                                                         curtailed):
    """The plant exported or curtailed PV the battery could still take (Xi'an logistics: 838 MWh/yr under the
    rolling horizon). A surplus now charges the batteries beyond their set-points where a kWh kept, at the
    cheapest import price of the next 24 h times the round trip less wear, is worth more than the export price,
    and, where it is not, the part the export limit would curtail. 24 h, load 50 kW, 250 kW surplus at 12 h,
    import 0.6 CNY/kWh, export 0.1, a lossless 1000 kWh / 100 kW battery at half charge told to stay idle."""
    from twin.operate.state import Decision

    n = 24
    pv = np.zeros(n)
    pv[12] = 0.3
    grid = S.GridConnection(price_import_cny_per_kwh=np.full(n, 0.6), ef_grid_kgco2_per_kwh=np.full(n, 0.5),
                            export_limit_kw=export_limit, price_export_cny_per_kwh=0.1, month=np.full(n, 3))
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(n, 50.0), grid=grid, time=TIME[:n],
                           pv=[S.PVArray(name="roof", ac_per_kwp=pv)],
                           batteries=[S.Battery(eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                                                self_discharge_per_h=0.0, degradation_cny_per_kwh=wear)])
    park = OperatedPark.from_problem(prob, {"pv_kwp": {"roof": 1000.0}, "battery_kwh": {"battery": 1000.0},
                                            "battery_kw": {"battery": 100.0}}, initial={"battery_kwh": 500.0})
    ds, stats = operate(park, _FixedController(Decision(battery_kw={"battery": 0.0})))
    assert ds["p_battery_charge_kw"].sum("battery").values[12] == pytest.approx(stored)
    assert ds["p_grid_export_kw"].values[12] == pytest.approx(exported)
    assert float(ds["p_pv_curtailed_kw"].sum([d for d in ds["p_pv_curtailed_kw"].dims if d != "time"]).values[12]) == \
        pytest.approx(curtailed)
    assert ds["p_battery_charge_kw"].sum("battery").values[np.arange(n) != 12].max() == pytest.approx(0.0)
    assert stats["max_abs_balance_residual_kw"] < 1e-9
