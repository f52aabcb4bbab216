"""Several batteries and thermal stores (issue 9, "the seams"): lists in the schema, the
problem, the blocks, the transforms, the outputs and the operational twin.

The solver cases are two hours standing for themselves (weights 1, discount rate 0, one-year
lives: a capex of c CNY/kWh is an annuity of c CNY/kWh), so every optimum is worked by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import solvers as S
from solvers.transform import window, with_fixed_sizes

TINY = Path(__file__).parent / "data" / "tiny_park.yaml"
REL = 1e-6


def year_cost(c: float) -> S.AssetCost:
    return S.AssetCost(capex_cny_per_unit=c, lifetime_yr=1.0)


def two_battery_problem() -> S.SizingProblem:
    """Valley 0.1, peak 1.0 CNY/kWh; 10 kW load in the peak hour only; no emissions.

    ``cheap``: lossless, 0.2 CNY/kWh of energy, at most 4 kWh. ``lossy``: η = 0.9 each way,
    0.5 CNY/kWh. Storing pays for both (a delivered kWh costs 0.2 + 0.1 and 0.5/0.9 + 0.1/0.81
    < 1.0), the cheaper first: cheap 4 kWh, lossy delivers the other 6 kWh, so it holds
    6/0.9 = 6.667 kWh and charges 6.667/0.9 = 7.407 kWh.
    Cost = 0.2·4 + 0.5·6.667 + 0.1·(4 + 7.407) = 5.2741 CNY."""
    grid = S.GridConnection(price_import_cny_per_kwh=np.array([0.1, 1.0]), ef_grid_kgco2_per_kwh=np.zeros(2))
    cheap = S.Battery(name="cheap", energy_cost=year_cost(0.2), eta_charge=1.0, eta_discharge=1.0,
                      max_kwh=4.0)
    lossy = S.Battery(name="lossy", energy_cost=year_cost(0.5), eta_charge=0.9, eta_discharge=0.9)
    return S.SizingProblem(dt_h=1.0, electric_load_kw=np.array([0.0, 10.0]), grid=grid,
                           batteries=[cheap, lossy], discount_rate=0.0, objective="min_cost")


def test_two_batteries_cheaper_first_sized_by_hand():
    r = S.solve(two_battery_problem())
    assert r.sizes["battery_kwh"]["cheap"] == pytest.approx(4.0, rel=REL)
    assert r.sizes["battery_kwh"]["lossy"] == pytest.approx(6.0 / 0.9, rel=REL)
    assert r.objective_cny == pytest.approx(0.2 * 4 + 0.5 * 6 / 0.9 + 0.1 * (4 + 6 / 0.81), rel=REL)
    ds = r.dispatch
    assert list(ds["battery"].values) == ["cheap", "lossy"]
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sel(battery="cheap"), [0.0, 4.0], atol=1e-6)
    np.testing.assert_allclose(ds["p_battery_discharge_kw"].sel(battery="lossy"), [0.0, 6.0], atol=1e-6)
    np.testing.assert_allclose(ds["p_battery_charge_kw"].sel(battery="lossy"), [6 / 0.81, 0.0], atol=1e-6)
    assert set(r.store_states["end"]["battery_kwh"]) == {"cheap", "lossy"}


def test_fixed_sizes_and_window_carry_each_store_state():
    p = two_battery_problem()
    r = S.solve(p)
    fixed = with_fixed_sizes(p, r.sizes, as_existing=True)
    assert [b.existing_kwh for b in fixed.batteries] == pytest.approx([4.0, 6.0 / 0.9])
    # the peak hour alone, starting from the contents the plan has after the valley hour
    w = window(fixed, 1, 2, {"battery_kwh": {"cheap": 4.0, "lossy": 6.0 / 0.9}})
    rw = S.solve(w)
    assert rw.objective_cny == pytest.approx(0.0, abs=1e-6)  # the stores cover the peak: nothing bought
    assert rw.store_states["initial"]["battery_kwh"] == pytest.approx({"cheap": 4.0, "lossy": 6.0 / 0.9})
    assert rw.store_states["end"]["battery_kwh"] == pytest.approx({"cheap": 0.0, "lossy": 0.0}, abs=1e-6)
    # one number is the one-store shorthand: refused with two batteries, names checked
    with pytest.raises(ValueError, match="one number but the problem has 2 batteries"):
        window(fixed, 1, 2, {"battery_kwh": 4.0})
    with pytest.raises(ValueError, match="unknown batteries"):
        window(fixed, 1, 2, {"battery_kwh": {"other": 1.0}})
    with pytest.raises(ValueError, match="duplicate names in batteries"):
        S.solve(S.SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=p.grid,
                                batteries=[S.Battery(name="a"), S.Battery(name="a")]))


def test_two_thermal_stores_by_hand():
    """Heat 10 kW in the second hour from an electric boiler (η 1, existing 20 kW) at
    0.1 then 1.0 CNY/kWh. ``tank`` costs 0.05 CNY/kWh up to 3 kWh, ``pit`` 0.3 CNY/kWh;
    both lossless, 1 kW per kWh: tank 3 kWh, pit 7 kWh; cost 0.05·3 + 0.3·7 + 0.1·10 = 3.25."""
    grid = S.GridConnection(price_import_cny_per_kwh=np.array([0.1, 1.0]), ef_grid_kgco2_per_kwh=np.zeros(2))
    boiler = S.ElectricBoiler(efficiency=1.0, existing_kw=20.0, max_kw=20.0, name="eb")
    stores = [S.ThermalStorage(name="tank", cost=year_cost(0.05), loss_per_h=0.0, max_power_per_kwh=1.0,
                               max_kwh=3.0),
              S.ThermalStorage(name="pit", cost=year_cost(0.3), loss_per_h=0.0, max_power_per_kwh=1.0)]
    p = S.SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid, heat_demand_kw=np.array([0.0, 10.0]),
                        boilers=[boiler], thermal_stores=stores, discount_rate=0.0, objective="min_cost")
    r = S.solve(p)
    assert r.sizes["tes_kwh"] == pytest.approx({"tank": 3.0, "pit": 7.0}, rel=REL)
    assert r.objective_cny == pytest.approx(3.25, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_tes_discharge_kw"].sel(thermal_storage="pit"), [0.0, 7.0], atol=1e-6)


def test_operated_park_with_two_batteries_uses_the_efficient_one_first():
    """Rule controller, two days; lossless ``a`` (20 kWh / 10 kW) and lossy ``b`` (η 0.9 each
    way, 20 kWh / 10 kW), both full at the start. In the first peak hour (8 h) the 15 kW net
    load is covered by ``a`` at its 10 kW and ``b`` for the other 5 kW; balances close."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    T = 48
    price = np.where((np.arange(T) % 24) < 8, 0.3, np.where((np.arange(T) % 24) < 12, 1.0, 0.6))
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                            month=np.ones(T, int))
    bats = [S.Battery(name="b", eta_charge=0.9, eta_discharge=0.9, soc_min=0.0, soc_max=1.0,
                      self_discharge_per_h=0.0),
            S.Battery(name="a", eta_charge=1.0, eta_discharge=1.0, soc_min=0.0, soc_max=1.0,
                      self_discharge_per_h=0.0)]
    prob = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 15.0), grid=grid, batteries=bats,
                           time=np.datetime64("2025-03-03T00", "h") + np.arange(T).astype("timedelta64[h]"))
    sizes = {"battery_kwh": {"a": 20.0, "b": 20.0}, "battery_kw": {"a": 10.0, "b": 10.0}}
    park = OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": {"a": 20.0, "b": 20.0}})
    assert [b["name"] for b in park.batteries] == ["a", "b"]  # stated order: the efficient one first
    fc = Forecaster({"load_kw": park.load_kw}, 1,
                    ForecastSettings(perfect=True))
    ds, stats = operate(park, RuleController(fc))
    assert stats["max_abs_balance_residual_kw"] < 1e-9
    assert float(ds["p_battery_discharge_kw"].sel(battery="a")[8]) == pytest.approx(10.0)
    assert float(ds["p_battery_discharge_kw"].sel(battery="b")[8]) == pytest.approx(5.0)
    assert float(ds["p_grid_import_kw"][8]) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="one number but the park has 2 stores"):
        OperatedPark.from_problem(prob, sizes, initial={"battery_kwh": 5.0})


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "s.yaml"
    f.write_text(f"extends: {TINY}\n{text}", encoding="utf-8")
    return f


@pytest.mark.parametrize("text, message", [
    ("batteries: [{name: new}]\n", "battery and batteries are both given"),
    ("battery: null\nbatteries: [{name: x}, {name: x}]\n", "batteries: duplicate names ['x']"),
    ("thermal_stores: [{name: t, max_kwh: 10}, {name: t}]\n", "thermal_stores: duplicate names ['t']"),
    ("battery: null\ncosts: {battery_energy: null}\nbatteries: [{name: new}]\n",
     "batteries: 'new' may be built, so it needs a cost per kWh"),
])
def test_bad_store_lists_are_named(tmp_path, text, message):
    from twin.scenario.loader import ScenarioError, load_scenario

    with pytest.raises(ScenarioError) as exc:
        load_scenario(_write(tmp_path, text))
    assert message in str(exc.value)


def test_existing_lead_acid_and_new_lfp_end_to_end(tmp_path):
    """A 2 MWh lead-acid bank kept as it is (no costs needed, round trip 0.75) beside the tiny
    park's LFP candidate with its own cheaper energy cost: both reach the problem with their own
    data, and a quick run reports both by name in summary.json and results.nc."""
    from click.testing import CliRunner

    from twin.cli import main
    from twin.plan import batteries_of
    from twin.scenario.loader import load_scenario

    text = ("battery: null\nbatteries:\n"
            "  - {name: lead_acid, round_trip_efficiency: 0.75, existing_kwh: 2000, existing_kw: 500,"
            " max_kwh: 2000, max_kw: 500, degradation_cost_cny_per_kwh: 0.3}\n"
            "  - {name: lfp, energy_cost: {capex_cny_per_unit: 600, lifetime_years: 15}}\n")
    f = _write(tmp_path, text)
    sc = load_scenario(f).scenario
    lead, lfp = batteries_of(sc, baseline=False)
    assert (lead.name, lead.existing_kwh, lead.max_kwh, lead.degradation_cny_per_kwh) == ("lead_acid", 2000, 2000, 0.3)
    assert lead.eta_charge * lead.eta_discharge == pytest.approx(0.75)
    assert lfp.energy_cost.capex_cny_per_unit == 600  # its own cost
    assert lfp.power_cost.capex_cny_per_unit == sc.costs.battery_power.capex_cny_per_unit  # the costs section's
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["run", str(f), "-o", str(out), "--hours", "48", "-q"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["sizes"]["battery_kwh"]["lead_acid"] == pytest.approx(2000.0)
    assert set(s["sizes"]["battery_kw"]) == {"lead_acid", "lfp"}
    import xarray as xr

    with xr.open_dataset(out / "results.nc") as ds:
        assert sorted(ds["battery"].values.tolist()) == ["lead_acid", "lfp"]
        assert ds["e_battery_kwh"].dims == ("battery", "time")
        # the report's battery chart: each store's own state of charge beside the seasons of the total
        from twin.report_charts import fig_battery

        fig = fig_battery(ds, "en", s["sizes"]["battery_kwh"])
        soc = {t.name: t for t in fig.data if t.xaxis == "x"}
        lead = soc["lead_acid (whole year)"]
        e = ds["e_battery_kwh"].sel(battery="lead_acid").to_numpy()
        hour = ds["time"].dt.hour.to_numpy()
        assert lead.y[5] == pytest.approx(100.0 * e[hour == 5].mean() / 2000.0)
        assert s["sizes"]["battery_kwh"]["lfp"] > 1.0  # both stores built: a line each
        assert set(soc) == {"Winter (Dec–Feb)", "lead_acid (whole year)", "lfp (whole year)"}


def test_a_store_with_its_own_cost_is_appraised_at_its_own_lifetime(tmp_path):
    """The LFP candidate's own energy cost has a 15-year life; the costs section's battery
    energy life applies to batteries without their own cost; the investment appraisal of
    ``twin compare`` reads each."""
    from twin.finance import crf, finance_costs, investment, lifetimes_from_costs
    from twin.scenario.loader import load_scenario

    f = _write(tmp_path, "battery: null\nbatteries:\n  - {name: a}\n"
                         "  - {name: lfp, energy_cost: {capex_cny_per_unit: 600, lifetime_years: 15}}\n")
    sc = load_scenario(f).scenario
    life = lifetimes_from_costs(finance_costs(sc))
    assert life["battery_kwh[lfp]"] == 15.0
    assert life["battery_kwh"] == sc.costs.battery_energy.lifetime_years != 15.0
    r = 0.08
    inv = investment({"capex_annualised": {"battery_kwh[lfp]": 600.0 * crf(r, 15), "battery_kwh[a]": 100.0},
                      "total": 0.0}, {"total": 0.0}, life, r)
    assert inv.assets["battery_kwh[lfp]"]["lifetime_years"] == 15.0
    assert inv.assets["battery_kwh[a]"]["lifetime_years"] == sc.costs.battery_energy.lifetime_years


def test_mpc_with_two_batteries_reproduces_the_optimum():
    """MPC with perfect forecasts over the whole horizon operates two batteries (and two thermal
    stores) exactly as the as-built LP dispatches them: the same energy cost to 1e-6."""
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.state import OperatedPark

    T = 48
    h = np.arange(T) % 24
    price = np.where(h < 8, 0.3, np.where((h >= 8) & (h < 12) | (h >= 17) & (h < 22), 1.0, 0.6))
    grid = S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                            month=np.full(T, 3))
    bats = [S.Battery(name="a", eta_charge=0.97, eta_discharge=0.97, soc_min=0.1, soc_max=0.9),
            S.Battery(name="b", eta_charge=0.9, eta_discharge=0.9, soc_min=0.2, soc_max=0.95,
                      degradation_cny_per_kwh=0.05)]
    stores = [S.ThermalStorage(name="tank", loss_per_h=0.01, max_power_per_kwh=0.25),
              S.ThermalStorage(name="pit", loss_per_h=0.002, max_power_per_kwh=0.1)]
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 100.0) + 40.0 * (h >= 8), grid=grid, batteries=bats,
        heat_demand_kw=np.full(T, 60.0), boilers=[S.ElectricBoiler(efficiency=0.99, existing_kw=150.0, max_kw=150.0,
                                                                   name="eb")],
        thermal_stores=stores,
        time=np.datetime64("2025-03-03T00", "h") + np.arange(T).astype("timedelta64[h]"))
    sizes = {"battery_kwh": {"a": 200.0, "b": 300.0}, "battery_kw": {"a": 100.0, "b": 60.0},
             "tes_kwh": {"tank": 200.0, "pit": 400.0}, "boiler_kw": {"eb": 150.0}}
    init = {"battery_kwh": {"a": 100.0, "b": 150.0}, "tes_kwh": {"tank": 0.0, "pit": 100.0}}
    ab = as_built(prob, sizes, initial_state=init)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    park = OperatedPark.from_problem(prob, sizes, initial=init)
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw}
    ds, stats = operate(park, MPCController(ab, Forecaster(truth, T, ForecastSettings(perfect=True)),
                                            horizon=T, step=24))
    cost = (float(np.dot(park.price, ds["p_grid_import_kw"].values))
            + float(ds["p_battery_discharge_kw"].sel(battery="b").sum()) * 0.05)
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    assert float(ds["p_battery_discharge_kw"].sel(battery="a").sum()) > 0
    assert sorted(ds["thermal_storage"].values.tolist()) == ["pit", "tank"]


def test_pathway_and_grid_see_each_battery(tmp_path):
    """The pathway fades each battery by its own end-of-life data and prices it at its own cost;
    the grid check draws each battery's charge − discharge at its own bus."""
    import xarray as xr

    from twin.grid.timeseries import asset_series
    from twin.pathway.runner import _cost_of, _fade_per_yr
    from twin.scenario.loader import load_scenario

    f = _write(tmp_path, "battery: null\nbatteries:\n"
                         "  - {name: a, eol_capacity_fraction: 0.7}\n"
                         "  - {name: b, energy_cost: {capex_cny_per_unit: 500, lifetime_years: 10}}\n")
    sc = load_scenario(f).scenario
    assert _fade_per_yr(sc, "battery_kwh", "a") == pytest.approx(0.3 / 15.0)
    assert _fade_per_yr(sc, "battery_kwh", "b") == pytest.approx(0.2 / 15.0)
    assert _fade_per_yr(sc, "battery_kw", "a") == 0.0
    assert _cost_of(sc, "battery_kwh", "b")[0].capex_cny_per_unit == 500
    assert _cost_of(sc, "battery_kwh", "a")[1] == "battery_energy"
    T = 3
    ds = xr.Dataset({"p_battery_charge_kw": (("battery", "time"), [[1.0, 0, 0], [0, 2.0, 0]]),
                     "p_battery_discharge_kw": (("battery", "time"), [[0, 0, 3.0], [0, 0, 0]]),
                     "p_load_kw": (("time",), np.zeros(T))},
                    coords={"battery": ["a", "b"], "time": np.arange(T)})
    loads, _ = asset_series(sc, ds)
    np.testing.assert_allclose(loads["a"], [1.0, 0.0, -3.0])
    np.testing.assert_allclose(loads["b"], [0.0, 2.0, 0.0])
    assert sc.electrical_assets()["a"] == sc.electrical_assets()["b"] == "battery"


def test_park_grid_places_each_battery_at_its_bus(tmp_path):
    """A second battery placed in the plant's site hangs at the site's LV bus; the candidate not
    placed sits at the MV busbar (stated in the network's facts)."""
    from twin.grid.build import build_network
    from twin.scenario.loader import load_scenario

    f = tmp_path / "g.yaml"
    f.write_text(f"extends: {TINY.parent / 'tiny_park_grid.yaml'}\nbattery: null\nbatteries:\n"
                 "  - {name: bess}\n"
                 "  - {name: site store, existing_kwh: 300, existing_kw: 100, max_kwh: 300, max_kw: 100}\n"
                 "grid:\n  network:\n    sites:\n"
                 "      - {name: plant, assets: [line, roof, site store], distance_m: 400}\n", encoding="utf-8")
    pn = build_network(load_scenario(f).scenario)
    bus = dict(zip(pn.net.load["name"], pn.net.load["bus"]))
    names = dict(zip(pn.net.bus.index, pn.net.bus["name"]))
    assert names[bus["site store"]] == "plant LV" and names[bus["line"]] == "plant LV"
    assert names[bus["bess"]] == "MV busbar"
    assert any("battery 'bess' at the MV busbar" in x for x in pn.facts)
