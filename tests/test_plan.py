"""Unit tests of :func:`twin.plan.build_problem` and :func:`twin.plan.fix_sizes`.

The profiles are built by hand for two days (48 steps) so that every number the
problem receives is known; only the EV envelope comes from
:func:`twin.components.ev.simulate_fleet` (tested on its own in ``test_ev.py``).
Expected values are read off the scenario below, not from running the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from pydantic import ValidationError

from twin.plan import build_problem, fix_sizes
from twin.scenario.schema import Scenario

T = 48
TARIFF = {"name": "flat test tariff", "prices_cny_per_kwh": {"peak": 0.8, "flat": 0.6, "valley": 0.3},
          "seasons": [{"months": list(range(1, 13)), "peak": ["8-11", "17-22"], "valley": ["0-8"]}]}
COST = {"capex_cny_per_unit": 1000.0, "lifetime_years": 10}


def scenario(**over) -> Scenario:
    """A tiny park: one process line, one roof (100 kWp existing), a battery with 50 kWh
    existing, an air heat pump (20 kW existing), a hot-water tank, a v2g van fleet
    (10 chargers, 4 bidirectional), a central-plant hall (heat on the heat bus, no
    boiler declared) and a VRF office; offsets, certificates and green power offered."""
    data = {
        "park": {"name": "plan test park", "type": "manufacturing", "planning_year": 2025},
        "site": {"city": "Hangzhou"},
        "grid": {"import_limit_kw": 5000, "demand_charge_cny_per_kw_month": 30, "tariff": TARIFF},
        "process_loads": [{"name": "line", "annual_mwh": 1000, "shape": "machinery_2shift"}],
        "buildings": [
            {"name": "hall", "type": "factory", "floor_area_m2": 5000, "storeys": 1,
             "hvac": {"type": "chiller_boiler"}},
            {"name": "office", "type": "office", "floor_area_m2": 2000, "storeys": 2, "hvac": {"type": "vrf"}},
        ],
        "pv_arrays": [{"name": "roof", "mounting": "roof", "area_m2": 3000, "existing_kwp": 100}],
        "battery": {"name": "bess", "existing_kwh": 50, "existing_kw": 25},
        "heat_pumps": [{"name": "ashp", "source": "air", "sink_temperature_c": 55, "existing_kw": 20,
                        "max_kw": 500}],
        "thermal_storage": {"name": "tank", "max_kwh": 800},
        "ev_fleets": [{"name": "vans", "kind": "logistics_van", "vehicles": 12, "chargers": 10,
                       "mode": "v2g", "v2g_share": 0.4}],
        "costs": {"pv": COST, "battery_energy": COST, "battery_power": COST, "heat_pump": COST,
                  "thermal_storage": COST, "v2g_charger_extra": {"capex_cny_per_unit": 30000,
                                                                 "lifetime_years": 10}},
        "carbon": {"max_green_certificates_mwh": 100, "max_green_power_mwh": 200,
                   "green_power_premium_cny_per_mwh": 8.0},
        "objective": {"kind": "net_zero", "capex_budget_cny": 5e6},
    }
    for k, v in over.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return Scenario.model_validate(data)


def profiles(sc: Scenario) -> xr.Dataset:
    """Hand-made profiles of ``sc`` for 48 h from Monday 2025-01-06 00:00."""
    from twin.components.ev import simulate_fleet

    index = pd.date_range("2025-01-06", periods=T, freq="h", tz="Asia/Shanghai")
    h = np.arange(T) % 24
    ds = xr.Dataset(coords={"time": index.tz_localize(None)})
    t = ("time",)
    ds["price_import_cny_per_kwh"] = (t, np.where(h < 8, 0.3, 0.8))
    ds["ef_grid_kgco2_per_kwh"] = (t, np.full(T, 0.5))
    ds["weather_temp_air"] = (t, 5.0 + 5.0 * np.sin(2 * np.pi * (h - 9) / 24))
    ds["p_process_kw"] = (("process_load", "time"), np.full((1, T), 100.0))
    ds = ds.assign_coords(process_load=["line"])
    ds["pv_ac_per_kwp"] = (("pv_array", "time"),
                           np.clip(np.sin(np.pi * (h - 6) / 12), 0, None)[None, :] * 0.8)
    ds = ds.assign_coords(pv_array=["roof"])
    b = ("building", "time")
    heat = np.where((h >= 7) & (h < 19), 200.0, 50.0)
    ds["building_q_heating_kw"] = (b, np.stack([heat, 0.5 * heat]))
    ds["building_q_dhw_kw"] = (b, np.stack([np.full(T, 10.0), np.full(T, 5.0)]))
    ds["building_q_cooling_kw"] = (b, np.zeros((2, T)))
    ds["building_p_lighting_kw"] = (b, np.full((2, T), 4.0))
    ds["building_p_equipment_kw"] = (b, np.full((2, T), 6.0))
    ds["building_p_hvac_baseline_kw"] = (b, np.stack([np.zeros(T), np.full(T, 30.0)]))
    ds = ds.assign_coords(building=["hall", "office"])
    ds["building_hvac_type"] = (("building",), ["chiller_boiler", "vrf"])
    ds["heat_pump_cop"] = (("heat_pump", "time"), np.full((1, T), 3.0))
    ds = ds.assign_coords(heat_pump=["ashp"])
    fleets = []
    for f in sc.ev_fleets:
        ev = simulate_fleet(f, index, seed=3, day_types=["workday"] * T)
        ev = ev.assign_coords(time=ds.time)
        for key in ("eta_charge", "eta_discharge", "v2g_degradation_cost_cny_per_kwh"):
            ev[key] = xr.DataArray(float(ev.attrs[key]))
        fleets.append(ev.expand_dims(ev_fleet=[f.name]))
    if fleets:
        evs = xr.concat(fleets, dim="ev_fleet", combine_attrs="override")
        for name in evs.data_vars:
            ds[f"ev_{name}"] = evs[name]
    return ds


@pytest.fixture(scope="module")
def park():
    sc = scenario()
    return sc, profiles(sc)


def test_plan_offers_candidates_within_their_limits(park):
    sc, prof = park
    p = build_problem(sc, prof)
    assert p.objective == "net_zero" and p.capex_budget_cny == 5e6
    # a 48 h horizon stands for the year: each step weighs 8760/48 h
    np.testing.assert_allclose(p.weights, 8760.0 / 48)
    # fixed electric load: process 100 + lighting/equipment 2 x (4 + 6) + decentral office VRF 30
    np.testing.assert_allclose(p.electric_load_kw, 150.0)
    assert p.pv[0].existing_kwp == 100 and p.pv[0].max_kwp == sc.pv_arrays[0].capacity_limit_kwp() > 100
    assert p.batteries[0].max_kwh == np.inf and p.batteries[0].existing_kwh == 50
    assert p.heat_pumps[0].max_kw == 500 and p.heat_pumps[0].existing_kw == 20
    assert p.thermal_stores[0].max_kwh == 800
    # heat bus: hall heating + hot water only (the office is decentral)
    np.testing.assert_allclose(p.heat_demand_kw, prof["building_q_heating_kw"].sel(building="hall") + 10.0)
    assert p.carbon.certificate_max_mwh == 100 and p.carbon.green_power_max_mwh == 200
    assert p.carbon.green_power_premium_cny_per_mwh == 8.0


def test_baseline_keeps_only_existing_assets(park):
    sc, prof = park
    p = build_problem(sc, prof, baseline=True)
    assert p.objective == "min_cost" and p.capex_budget_cny is None
    assert p.pv[0].min_kwp == p.pv[0].max_kwp == 100
    assert p.batteries[0].max_kwh == 50 and p.batteries[0].max_kw == 25
    assert p.batteries[0].min_kwh == 0 and p.batteries[0].min_kw == 0
    assert p.heat_pumps[0].max_kw == 20
    assert p.thermal_stores[0].max_kwh == 0
    # nothing bought on the carbon side in the baseline
    assert p.carbon.certificate_max_mwh == 0 and p.carbon.green_power_max_mwh == 0


def test_ev_uncontrolled_in_baseline_and_v2g_share_a_decision_in_plan(park):
    sc, prof = park
    base = build_problem(sc, prof, baseline=True).ev_fleets[0]
    assert base.mode == "uncontrolled"
    assert base.p_discharge_max_kw is None and base.v2g_charger_cost is None
    np.testing.assert_allclose(base.p_uncontrolled_kw, prof["ev_p_uncontrolled_kw"].sel(ev_fleet="vans"))
    plan = build_problem(sc, prof).ev_fleets[0]
    assert plan.mode == "v2g" and plan.v2g_share_is_decision
    # 4 of 10 chargers bidirectional in the simulation (round(0.4 x 10))
    assert plan.chargers == 10 and plan.v2g_share == pytest.approx(0.4)
    assert plan.v2g_charger_cost.capex_cny_per_unit == 30000
    np.testing.assert_allclose(plan.p_discharge_max_kw, prof["ev_p_discharge_max_kw"].sel(ev_fleet="vans"))
    # without the extra-cost entry the share stays as simulated
    costs = dict(scenario().costs.model_dump(), v2g_charger_extra=None)
    fixed = build_problem(scenario(costs=costs), prof).ev_fleets[0]
    assert fixed.v2g_charger_cost is None and not fixed.v2g_share_is_decision


def test_implied_gas_boiler_covers_central_heat_without_a_boiler(park):
    from twin.ledger.fuels import fuel_factor

    sc, prof = park
    p = build_problem(sc, prof)
    [gb] = p.boilers
    peak = 200.0 + 10.0  # hall heating peak + hot water
    assert gb.implied and gb.fuel == "natural_gas"
    assert gb.existing_kw == gb.max_kw == pytest.approx(peak)
    assert gb.efficiency == 0.92
    assert gb.ef_fuel_kgco2_per_kwh == fuel_factor("natural_gas").co2_kg_per_kwh
    assert any("implied" in n for n in p.notes)  # stated in the outputs (solver notes)
    # a declared electric boiler serves the bus instead: no gas boiler is implied
    sc_e = scenario(boilers=[{"name": "eb", "fuel": "electric", "existing_kw": 300}])
    p = build_problem(sc_e, prof)
    assert [(b.name, b.fuel, b.existing_kw, b.implied) for b in p.boilers] == [("eb", "electric", 300, False)]
    assert not any("implied" in n for n in p.notes)


def test_fix_sizes_pins_every_size(park):
    sc, prof = park
    p = build_problem(sc, prof)
    sizes = {"pv_kwp": {"roof": 321.0}, "battery_kwh": 88.0, "battery_kw": 44.0,
             "heat_pump_kw": {"ashp": 120.0}, "tes_kwh": 300.0, "ev_v2g_share": {"vans": 0.25}}
    q = fix_sizes(p, sizes)
    assert q.pv[0].min_kwp == q.pv[0].max_kwp == 321.0
    assert (q.batteries[0].min_kwh, q.batteries[0].max_kwh, q.batteries[0].min_kw, q.batteries[0].max_kw) == (88, 88, 44, 44)
    assert q.heat_pumps[0].min_kw == q.heat_pumps[0].max_kw == 120.0
    assert q.thermal_stores[0].max_kwh == 300.0
    f = q.ev_fleets[0]
    assert f.v2g_share_min == f.v2g_share_max == 0.25
    assert p.ev_fleets[0].v2g_share_max is None  # the original problem is not changed


def test_fixed_sizes_reproduce_the_sized_solution(park):
    """Re-solving with the optimal sizes pinned gives the same sizes and cost (to the
    LP tolerance, 1e-6 relative): fix_sizes loses no decision, including the V2G share."""
    from solvers import solve

    sc, prof = park
    p = build_problem(sc, prof, objective="min_cost")
    r = solve(p)
    r2 = solve(fix_sizes(p, r.sizes))
    assert r2.objective_cny == pytest.approx(r.objective_cny, rel=1e-6)
    assert r2.sizes["ev_v2g_share"]["vans"] == pytest.approx(r.sizes["ev_v2g_share"]["vans"], abs=1e-6)
    assert r2.sizes["pv_kwp"]["roof"] == pytest.approx(r.sizes["pv_kwp"]["roof"], rel=1e-6)


def test_green_power_given_twice_is_refused():
    with pytest.raises(ValidationError, match="green power is given twice"):
        scenario(accounting={"green_power_mwh": 50})


def test_ledger_credits_the_optimisers_green_power_and_certificates(park):
    """The optimiser's purchase reaches the ledger through evaluate.accounting_settings,
    and both count the same tonnes (flat grid factor 0.5 kg/kWh, so the ledger's
    import-weighted factor equals the optimiser's mean factor; 1e-6 relative)."""
    from solvers import solve
    from twin.evaluate import _with_inputs, accounting_settings
    from twin.ledger import build_ledger

    sc, prof = park
    # green power (8 CNY/MWh = 16 CNY/t) and certificates (5.15 CNY/MWh) both beat
    # offsets at 70.76 CNY/t, so net zero buys some of each
    res = solve(build_problem(sc, prof))
    base = solve(build_problem(sc, prof, baseline=True))
    settings = accounting_settings(sc, res)
    assert settings.green_power_mwh == pytest.approx(res.emissions["green_power_mwh"])
    assert settings.green_power_mwh > 0 and settings.green_certificates_mwh > 0
    ledger = build_ledger(_with_inputs(res.dispatch, prof), _with_inputs(base.dispatch, prof), settings,
                          sizes=res.sizes, baseline_sizes=base.sizes, step_weight_h=8760.0 / T)
    ann = ledger.planned.annual
    got = {k: float(ann[k]) for k in ("co2_green_power_credit_t", "co2_green_certificate_credit_t")}
    assert got["co2_green_power_credit_t"] == pytest.approx(res.emissions["green_power_t"], rel=1e-6)
    assert got["co2_green_certificate_credit_t"] == pytest.approx(res.emissions["certificates_t"], rel=1e-6)


def test_declared_green_power_passes_through_without_the_option(park):
    """Without carbon.max_green_power_mwh the planner's declared contract goes to the
    ledger unchanged (the optimiser buys none)."""
    from types import SimpleNamespace

    from twin.evaluate import accounting_settings

    sc = scenario(carbon={"max_green_certificates_mwh": 100}, accounting={"green_power_mwh": 50})
    res = SimpleNamespace(emissions={"certificates_mwh": 12.0, "offsets_t": 3.0, "green_power_mwh": 0.0})
    s = accounting_settings(sc, res)
    assert (s.green_power_mwh, s.green_certificates_mwh, s.offsets_tco2) == (50.0, 12.0, 3.0)


def test_short_horizon_scales_demand_charges_like_energy_and_says_so(park):
    """48 h in January stand for a year: energy counts 8760/48 times, and January's
    demand charge 12 times (before: once, undervaluing peak shaving twelvefold)."""
    sc, prof = park
    p = build_problem(sc, prof)
    assert p.grid.demand_charge_months_per_month == 12.0
    assert any("not a plan" in n and "182.5" in n for n in p.notes)


def test_scenario_inputs_reach_the_problem(park):
    """Inputs that used to be lost: a residual cap, the export credit rule, minimum sizes,
    several boilers of any fuel (coal priced from the costs section, factor from the
    ledger's fuel table), absorption chillers, and bought district heat with its CO2."""
    from twin.ledger.fuels import fuel_factor

    sc, prof = park
    boilers = [{"name": "coal", "fuel": "coal", "existing_kw": 3000},
               {"name": "gas 1", "fuel": "natural_gas", "existing_kw": 3000},
               {"name": "gas 2", "fuel": "natural_gas", "existing_kw": 3000},
               {"name": "eb", "fuel": "electric", "min_kw": 40, "max_kw": 900}]
    costs = dict(scenario().costs.model_dump(), fuel_prices_cny_per_kwh={"coal": 0.11})
    sc2 = scenario(boilers=boilers, costs=costs, accounting={"export_credit": "net_at_grid_factor"},
                   thermal_storage={"name": "tank", "max_kwh": 800, "min_kwh": 100},
                   objective={"kind": "min_cost", "max_residual_emissions_t": 12.5},
                   chillers=[{"name": "abs", "kind": "absorption", "existing_kw": 500}])
    cool = prof.copy()
    cool["building_q_cooling_kw"] = cool["building_q_cooling_kw"] + 100.0
    p = build_problem(sc2, cool)
    assert [(b.name, b.fuel, b.existing_kw) for b in p.boilers] == [
        ("coal", "coal", 3000), ("gas 1", "natural_gas", 3000), ("gas 2", "natural_gas", 3000),
        ("eb", "electric", 0)]
    coal = p.boilers[0]
    assert coal.fuel_price_cny_per_kwh == 0.11 and coal.efficiency == 0.80
    assert coal.ef_fuel_kgco2_per_kwh == fuel_factor("raw_coal").co2_kg_per_kwh
    assert (p.boilers[3].min_kw, p.boilers[3].max_kw) == (40, 900)
    assert p.thermal_stores[0].min_kwh == 100
    assert p.carbon.max_residual_emissions_t == 12.5
    assert p.grid.credit_export_emissions
    [ch] = p.chillers
    assert ch.kind == "absorption" and ch.max_kw == 500  # no absorption cost given: existing only
    np.testing.assert_allclose(ch.cop, 0.7)
    assert build_problem(sc2, cool, baseline=True).carbon.max_residual_emissions_t is None
    # a coal boiler without a price is refused, naming the field
    with pytest.raises(ValidationError, match="costs.fuel_prices_cny_per_kwh.coal"):
        scenario(boilers=boilers)


def test_district_heat_co2_is_in_the_optimiser_as_in_the_ledger(park):
    """A 'chiller_district_heat' hall: its bought heat is in the problem, and the
    optimiser's gross emissions include the ledger's CO2 of bought heat (1e-6)."""
    from solvers import solve
    from twin.evaluate import _with_inputs, accounting_settings
    from twin.ledger import build_ledger

    sc, prof = park
    dh = prof.copy()
    dh["building_hvac_type"] = (("building",), ["chiller_district_heat", "vrf"])
    sc2 = scenario(objective={"kind": "min_cost"})
    p = build_problem(sc2, dh)
    assert p.heat_import_kw is not None and p.heat_import_kw.max() > 0
    res = solve(p)
    base = solve(build_problem(sc2, dh, baseline=True))
    ledger = build_ledger(_with_inputs(res.dispatch, dh), _with_inputs(base.dispatch, dh),
                          accounting_settings(sc2, res), sizes=res.sizes, baseline_sizes=base.sizes,
                          step_weight_h=8760.0 / T)
    ann = ledger.planned.annual
    assert res.emissions["heat_import_t"] == pytest.approx(float(ann["co2_heat_import_t"]), rel=1e-6)
    assert res.emissions["gross_t"] == pytest.approx(float(ann["co2_gross_t"]), rel=1e-6)


def test_coal_boiler_is_burnt_as_coal_in_optimiser_and_ledger(park):
    """A park whose only boiler burns coal: the optimiser runs it (no implied gas boiler),
    and the ledger counts raw coal with the same CO2 as the optimiser (1e-6)."""
    from solvers import solve
    from twin.evaluate import _with_inputs, accounting_settings
    from twin.ledger import build_ledger

    sc, prof = park
    costs = dict(scenario().costs.model_dump(), fuel_prices_cny_per_kwh={"coal": 0.11})
    sc2 = scenario(boilers=[{"name": "coal", "fuel": "coal", "existing_kw": 3000}], costs=costs,
                   objective={"kind": "min_cost"})
    base_p = build_problem(sc2, prof, baseline=True)
    assert [b.fuel for b in base_p.boilers] == ["coal"]
    base = solve(base_p)
    assert "fuel_coal_kw" in base.dispatch and "fuel_gas_kw" not in base.dispatch
    ledger = build_ledger(_with_inputs(base.dispatch, prof), _with_inputs(base.dispatch, prof),
                          accounting_settings(sc2, base), sizes=base.sizes, baseline_sizes=base.sizes,
                          step_weight_h=8760.0 / T)
    ann = ledger.baseline.annual
    assert float(ann["fuel_raw_coal_kwh"]) > 0 and "fuel_natural_gas_kwh" not in ann
    assert float(ann["co2_fuels_t"]) == pytest.approx(base.emissions["fuel_t"], rel=1e-6)


def test_rolling_windows_over_the_planned_park(park):
    """The operational twin's use of solvers.transform: sizes of a min-cost plan made
    existing, then two 24 h windows chained through store_states.  Each window starts where
    the previous one ended (battery, thermal store, EV fleet, month's peak); built assets
    carry no capital cost in a window."""
    from solvers import solve
    from solvers.transform import window, with_fixed_sizes

    sc, prof = park
    p = build_problem(sc, prof, objective="min_cost")
    plan = solve(p)
    built = with_fixed_sizes(p, plan.sizes, as_existing=True)
    state = None
    for t0 in (0, 24):
        r = solve(window(built, t0, t0 + 24, state, end_value_cny_per_kwh=0.0))
        if state is not None:
            for key in ("battery_kwh", "tes_kwh"):
                assert r.store_states["initial"][key] == pytest.approx(state[key], abs=1e-6)
            assert r.store_states["initial"]["ev_cum_kwh"] == pytest.approx(state["ev_cum_kwh"])
        state = r.store_states["end"]
        assert r.status == "optimal" and not any(k.startswith(("pv_kwp", "battery", "tes", "heat_pump"))
                                                 for k in r.costs["capex_annualised"])
    assert set(state) == {"battery_kwh", "tes_kwh", "ev_cum_kwh", "grid_peak_kw"}


def test_a_short_horizon_keeps_the_years_plant(park):
    """A quick look at the first hours (here hours 0-7: night, heat 50 + 10 kW, no cooling) stands
    for the year: the implied gas boiler covers the year's peak (210 kW, not the horizon's 60 kW),
    and a declared chiller or the implied one stays existing plant though nothing is cooled in
    these hours (a January `--hours 336` of the office example dropped its 9,000 kW chillers)."""
    from twin.plan import first_hours

    sc, prof = park
    cool = prof["building_q_cooling_kw"].values.copy()
    cool[0, 30] = 120.0  # the year's cooling peak, outside the first 8 hours
    year = prof.assign(building_q_cooling_kw=(("building", "time"), cool))
    short = first_hours(year, 8)
    assert short.sizes["time"] == 8 and first_hours(year, None) is year
    assert short.attrs["year_peak_heat_kw"] == pytest.approx(210.0)
    assert short.attrs["year_peak_cooling_kw"] == pytest.approx(120.0)
    p = build_problem(sc, short)
    [gb] = p.boilers
    assert gb.implied and gb.existing_kw == pytest.approx(210.0)
    [ch] = p.chillers
    assert ch.implied and ch.existing_kw == pytest.approx(120.0)
    declared = scenario(chillers=[{"name": "central chillers", "kind": "electric", "existing_kw": 900}])
    [ch] = build_problem(declared, first_hours(prof, 8)).chillers  # no cooling in the year at all
    assert (ch.name, ch.existing_kw, ch.implied) == ("central chillers", 900, False)
    # the sliced horizon's own solve: sizes name the plant, and the balance holds with no cooling
    from solvers import SolveOptions, solve

    r = solve(build_problem(declared, first_hours(prof, 8), baseline=True), SolveOptions(solver="simplex"))
    assert r.sizes["chiller_kw"]["central chillers"] == pytest.approx(900.0)


def test_the_waste_heat_exchanger_is_costed_or_said_to_be_free():
    """Suzhou's 372 kW waste-heat exchanger showed 0 万元 with nothing said: the LP had a cost
    slot the scenario could never fill. costs.waste_heat_exchanger fills it; without it a note
    says the investment is not counted."""
    from twin.plan import build_problem
    from twin.profiles import build_profiles
    from twin.run import prepare_inputs
    from twin.scenario.loader import load_scenario

    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scenarios" / "manufacturing_suzhou.yaml"
    loaded = load_scenario(path)
    prof = prepare_inputs(loaded).profiles.isel(time=slice(0, 48))
    free = build_problem(loaded.scenario, prof)
    assert all(w.hx_cost.capex_cny_per_unit == 0 for w in free.waste_heat if w.direct_use)
    assert any("waste-heat exchangers are sized at no cost" in n for n in free.notes)
    priced = load_scenario(path, overrides={"costs.waste_heat_exchanger": {"capex_cny_per_unit": 300,
                                                                           "lifetime_years": 20}})
    p = build_problem(priced.scenario, prof)
    assert [w.hx_cost.capex_cny_per_unit for w in p.waste_heat if w.direct_use] == [300]
    assert not any("waste-heat exchangers" in n for n in p.notes)
    assert not any("waste-heat exchangers" in n for n in build_problem(loaded.scenario, prof, baseline=True).notes)


def test_heat_pumps_with_no_heat_to_deliver_are_said_to_be_idle():
    """An Urumqi office park declared air-source heat pumps beside district heat (chiller_district_heat)
    and decentral systems: the heat pumps were sized 0 and no output said why (new-user review). The
    plan now says they have no heat to deliver, in both languages; with a building on the heat bus,
    or in the baseline, nothing is said."""
    from pathlib import Path

    from twin.plan import build_problem
    from twin.report_text import phrase
    from twin.run import prepare_inputs
    from twin.scenario.loader import load_scenario

    tiny = Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml"
    hp = {"heat_pumps": [{"name": "ashp", "source": "air", "sink_temperature_c": 45, "max_kw": 400}],
          "costs.heat_pump": {"capex_cny_per_unit": 1500, "lifetime_years": 15}}
    district = {**hp, "buildings": [
        {"name": "offices", "type": "office", "floor_area_m2": 5000, "storeys": 4,
         "hvac": {"type": "chiller_district_heat"}},
        {"name": "shops", "type": "office", "floor_area_m2": 1000, "storeys": 1, "hvac": {"type": "heat_pump"}}]}
    loaded = load_scenario(tiny, overrides=district)
    prof = prepare_inputs(loaded).profiles.isel(time=slice(0, 48))  # January: the offices are heated
    assert float(prof["building_q_heating_kw"].sum()) > 0
    notes = [n for n in build_problem(loaded.scenario, prof).notes if n.startswith("heat pumps")]
    assert notes == [("heat pumps 'ashp' have no heat to deliver: no building puts its heating on the park's heat "
                      "bus (hvac type chiller_boiler); buildings with chiller_district_heat buy district heat, which "
                      "the heat pumps replace only with district_heat.replaceable: true, and decentral systems "
                      "(split_ac, vrf, heat_pump, electric_boiler) are in the electric load; the heat pumps are not "
                      "built")]
    assert phrase(notes[0], "zh").startswith("热泵 <data>'ashp'</data> 无热可供")
    assert not any(n.startswith("heat pumps") for n in build_problem(loaded.scenario, prof, baseline=True).notes)
    central = load_scenario(tiny, overrides={**district, "buildings[offices].hvac.type": "chiller_boiler"})
    prof = prepare_inputs(central).profiles.isel(time=slice(0, 48))
    assert not any(n.startswith("heat pumps") for n in build_problem(central.scenario, prof).notes)


def test_heat_pumps_with_process_heat_on_the_network_are_not_said_to_be_idle():
    """A Xiamen factory (decentral vrf/split buildings) with a 55 °C dormitory hot-water demand
    (process_heat at or below heat_supply_temperature_c: on the heat network) and a heat pump on
    mould cooling water: the plan built 252 kW of heat pump delivering 1,207 MWh/yr, while its
    notes said the heat pumps 'have no heat to deliver ... are not built' (new-user review). A
    process-heat demand on the network, or a hotter one a heat pump serves, is heat to deliver."""
    from pathlib import Path

    from twin.plan import build_problem
    from twin.run import prepare_inputs
    from twin.scenario.loader import load_scenario

    tiny = Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml"
    base = {"heat_pumps": [{"name": "hw hp", "source": "air", "sink_temperature_c": 60, "max_kw": 400}],
            "costs.heat_pump": {"capex_cny_per_unit": 1500, "lifetime_years": 15},
            "buildings": [{"name": "offices", "type": "office", "floor_area_m2": 5000, "storeys": 4,
                           "hvac": {"type": "split_ac"}}]}
    idle = load_scenario(tiny, overrides=base)
    prof = prepare_inputs(idle).profiles.isel(time=slice(0, 48))
    assert [n for n in build_problem(idle.scenario, prof).notes if "no heat to deliver" in n]  # still said
    warm = load_scenario(tiny, overrides={**base, "process_heat": [
        {"name": "dorm hot water", "temperature_c": 55, "annual_mwh": 1200, "shape": "office_it"}]})
    prof = prepare_inputs(warm).profiles.isel(time=slice(0, 48))
    p = build_problem(warm.scenario, prof)
    assert [d.bus for d in p.process_heat] == ["heat"] and not [n for n in p.notes if "no heat to deliver" in n]
    # sized: the heat pump delivers the hot water, the note would have contradicted it
    import solvers as S
    res = S.solve(p, S.SolveOptions())
    assert res.sizes["heat_pump_kw"]["hw hp"] > 1.0
    hot = load_scenario(tiny, overrides={**base, "heat_pumps[hw hp].sink_temperature_c": 130,
                                         "heat_pumps[hw hp].serves": "steam", "process_heat": [
        {"name": "steam", "temperature_c": 120, "annual_mwh": 800, "shape": "office_it"}]})
    prof = prepare_inputs(hot).profiles.isel(time=slice(0, 48))
    assert not [n for n in build_problem(hot.scenario, prof).notes if "no heat to deliver" in n]


def test_chillers_with_nothing_to_cool_are_said_so():
    """A Xiamen factory declared a 3,000 kW process chiller (with costs.chiller, which validation
    asked for) beside vrf and split_ac buildings: no cooling bus, so the chiller was dropped from the
    plan with no word (new-user review). The plan says so, in both languages; with a building on
    the cooling bus the chiller is sized and nothing is said."""
    from pathlib import Path

    from twin.plan import build_problem
    from twin.report_text import phrase
    from twin.run import prepare_inputs
    from twin.scenario.loader import load_scenario

    tiny = Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml"
    ch = {"chillers": [{"name": "process chiller", "kind": "electric", "chilled_water_c": 12, "max_kw": 3000}],
          "costs.chiller": {"capex_cny_per_unit": 900, "lifetime_years": 20},
          "buildings": [{"name": "halls", "type": "factory", "floor_area_m2": 6000, "storeys": 1,
                         "hvac": {"type": "vrf"}}]}
    loaded = load_scenario(tiny, overrides=ch)
    prof = prepare_inputs(loaded).profiles.isel(time=slice(4000, 4048))  # June: the halls are cooled
    p = build_problem(loaded.scenario, prof)
    assert not p.chillers
    notes = [n for n in p.notes if n.startswith("chillers")]
    assert notes == ["chillers 'process chiller' have nothing to cool: no building puts its cooling on the park's "
                     "cooling bus (hvac type chiller_boiler or chiller_district_heat), and decentral systems "
                     "(split_ac, vrf, heat_pump, electric_boiler) are in the electric load; the chillers are not "
                     "built (a process's cooling is declared under process_cooling, with the chillers serving it)"]
    assert phrase(notes[0], "zh").startswith("冷水机组 <data>'process chiller'</data> 无冷可供")
    assert not any(n.startswith("chillers") for n in build_problem(loaded.scenario, prof, baseline=True).notes)
    central = load_scenario(tiny, overrides={**ch, "buildings[halls].hvac.type": "chiller_boiler"})
    prof = prepare_inputs(central).profiles.isel(time=slice(4000, 4048))
    p = build_problem(central.scenario, prof)
    assert [c.name for c in p.chillers] == ["process chiller"] and p.chillers[0].max_kw == 3000
    assert not any(n.startswith("chillers") for n in p.notes)
