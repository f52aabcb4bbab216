"""Process cooling (chilled water, brine): one cooling balance per loop, hand-checked; the rule that a
chiller cannot serve a demand colder than its chilled water; the baseline's electricity is the demand
over the existing COP; the operated twin serves each loop hour by hour; the scenario's process cooling
reaches baseline, plan, ledger, summary.json and the report's language; bad input is named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_check import validate_text as _validate

import solvers as S
from solvers.problem import COOL_BUS, process_cooling_bus

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_process_cooling.yaml"
TINY_TEXT = TINY.read_text(encoding="utf-8")
REL = 1e-6
MOULD = process_cooling_bus("mould")


def grid(price, ef=0.0):
    price = np.asarray(price, float)
    return S.GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(price.shape, float(ef)))


# --------------------------------------------------------------------------- the LP, loop by loop


def _two_loop_problem(**kw):
    """Three hours: the network's cooling 100/50/80 kW with a COP-4 chiller, a 15 °C mould loop of
    30 kW with its own COP-5 chiller, and a cheap COP-10 chiller on the network with room to spare."""
    return S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(3), grid=grid([0.5, 0.5, 0.5], ef=0.6),
        cooling_demand_kw=np.array([100.0, 50.0, 80.0]),
        process_cooling=[S.ProcessCoolingDemand("mould", np.full(3, 30.0), 15.0, MOULD)],
        chillers=[S.Chiller(cop=np.full(3, 4.0), existing_kw=100.0, max_kw=100.0, name="network"),
                  S.Chiller(cop=np.full(3, 10.0), existing_kw=60.0, max_kw=60.0, name="network good"),
                  S.Chiller(cop=np.full(3, 5.0), existing_kw=40.0, max_kw=40.0, name="mould chiller", bus=MOULD)],
        **kw)


def test_each_cooling_loop_balances_hour_by_hour():
    """The mould loop's 30 kW come from its own COP-5 chiller every hour (6 kW of electricity), not from
    the network's COP-10 chiller, which has room but supplies the network only; the network takes
    up to 60 kW from its COP-10 chiller and the rest (40/0/20 kW) from its COP-4 chiller. Electricity
    6 + 6 + 10 = 22, 6 + 5 = 11, 6 + 6 + 5 = 17 kW: 50 kWh, cost 0.5 x 50 = 25 CNY, CO2 0.6 x 50 = 30 kg."""
    r = S.solve(_two_loop_problem())
    q = r.dispatch["q_cooling_supply_kw"]
    np.testing.assert_allclose(q.sel(chiller="mould chiller"), [30, 30, 30], rtol=REL)
    np.testing.assert_allclose(q.sel(chiller="network good"), [60, 50, 60], rtol=REL)
    np.testing.assert_allclose(q.sel(chiller="network"), [40, 0, 20], rtol=REL, atol=1e-6)
    # the balance of each loop, hour by hour: its chillers' cooling = its demand
    bus = q["chiller_bus"].to_numpy()
    np.testing.assert_allclose(q.isel(chiller=np.where(bus == COOL_BUS)[0]).sum("chiller"), [100, 50, 80], rtol=REL)
    np.testing.assert_allclose(q.isel(chiller=np.where(bus == MOULD)[0]).sum("chiller"), [30, 30, 30], rtol=REL)
    pb = r.dispatch["p_chiller_bus_kw"]
    assert list(pb["cooling_bus"].values) == [COOL_BUS, MOULD]
    np.testing.assert_allclose(pb.sel(cooling_bus=MOULD), [6, 6, 6], rtol=REL)
    np.testing.assert_allclose(pb.sel(cooling_bus=COOL_BUS), [16, 5, 11], rtol=REL)
    np.testing.assert_allclose(r.dispatch["p_chiller_kw"], [22, 11, 17], rtol=REL)
    assert r.objective_cny == pytest.approx(0.5 * 50.0, rel=REL)
    assert r.emissions["gross_t"] == pytest.approx(0.6e-3 * 50.0, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_process_cooling_demand_kw"].sel(process_cooling="mould"), [30] * 3)
    assert str(r.dispatch["process_cooling_bus"].sel(process_cooling="mould").values) == MOULD
    np.testing.assert_allclose(r.dispatch["q_cooling_demand_kw"], [100, 50, 80])  # the buildings' cooling only


def test_a_loop_whose_chillers_are_too_small_is_named():
    """The mould loop with only the network's chillers: infeasible, the loop named; a chiller on a bus no
    demand has is refused by the problem's check."""
    p = _two_loop_problem()
    p.chillers = p.chillers[:2]
    with pytest.raises(S.InfeasibleError, match="process cooling demand 'mould'"):
        S.solve(p)
    p.chillers = [*p.chillers, S.Chiller(cop=np.full(3, 5.0), name="lost", bus="cool:nowhere")]
    with pytest.raises(ValueError, match="chiller 'lost' supplies bus 'cool:nowhere'"):
        p.validate()


def test_one_network_chiller_keeps_the_substituted_balance():
    """A single electric chiller and a joined process demand (no loop of its own): the balance is
    substituted (no cooling columns), the chiller's electricity is (buildings + process) / COP and
    its size at least the peak of both."""
    p = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([1.0, 1.0]), cooling_demand_kw=np.array([40.0, 20.0]),
        process_cooling=[S.ProcessCoolingDemand("pcw", np.array([10.0, 30.0]), 7.0, COOL_BUS)],
        chillers=[S.Chiller(cop=np.full(2, 5.0), existing_kw=50.0, max_kw=50.0, name="only")])
    r = S.solve(p)
    np.testing.assert_allclose(r.dispatch["p_chiller_kw"], [10.0, 10.0], rtol=REL)
    np.testing.assert_allclose(r.dispatch["p_chiller_bus_kw"].sel(cooling_bus=COOL_BUS), [10.0, 10.0], rtol=REL)
    assert r.objective_cny == pytest.approx(20.0, rel=REL)


# --------------------------------------------------------------------------- the scenario


def _loaded(tmp_path, text: str = TINY_TEXT):
    from twin.scenario.loader import load_scenario

    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return load_scenario(p)


def test_scenario_builds_loops_supply_and_notes(tmp_path):
    """7 °C process chilled water joins the 7 °C network; 15 °C mould cooling and -5 °C brine have
    loops of their own. The mould loop's existing supply is a chiller at COP 3.5 covering its 300 kW
    peak, not to be enlarged; the brine states no supply: an air-cooled chiller at -5 °C is implied,
    its COP from the Carnot model (said in a note, in Chinese too); each declared chiller supplies the
    loop of what it serves."""
    from twin.components.heat import chiller_cop
    from twin.plan import build_problem, first_hours
    from twin.report_text import phrase
    from twin.run import prepare_inputs

    loaded = _loaded(tmp_path)
    inputs = prepare_inputs(loaded)
    prof = first_hours(inputs.profiles, 168)
    p = build_problem(loaded.scenario, prof)
    dem = {d.name: d for d in p.process_cooling}
    assert dem["process chilled water"].bus == COOL_BUS
    assert dem["mould cooling"].bus == process_cooling_bus("mould cooling")
    assert dem["brine"].bus == process_cooling_bus("brine")
    year = inputs.profiles["q_process_cooling_demand_kw"].sel(process_cooling="process chilled water").sum()
    assert float(year) == pytest.approx(1500e3, rel=1e-9)  # annual_mwh over the year
    ch = {c.name: c for c in p.chillers}
    assert ch["mould chiller"].bus == dem["mould cooling"].bus and ch["new network chiller"].bus == COOL_BUS
    old = ch["mould cooling chiller"]
    assert old.existing_kw == old.max_kw == pytest.approx(300.0) and not old.implied
    np.testing.assert_allclose(old.cop, 3.5)
    brine = ch["brine chiller"]
    assert brine.implied and brine.existing_kw == pytest.approx(100.0)
    np.testing.assert_allclose(brine.cop, chiller_cop(prof["weather_temp_air"].to_numpy(), -5.0))
    assert "implied chiller" not in ch  # no building cooling: nothing implied for the network
    note = next(n for n in p.notes if n.startswith("chiller 'brine chiller'"))
    assert "process cooling 'brine' states no existing supply" in note and "ASSUMED" in note
    zh = phrase(note, "zh")
    assert "工艺供冷" in zh and "卡诺" in zh and "100 kW" in zh and "implied" not in zh


def test_baseline_electricity_is_the_demand_over_the_existing_cop(tmp_path):
    """Two days: today's mould loop uses its demand / 3.5 every hour and the network's process
    chilled water / 4.0 (the new chillers are not built in the baseline); the plan serves the same
    cooling with less electricity; ledger, summary.json and dispatch agree on the process cooling and
    the chillers' electricity, scaled to a year."""
    from twin.run import run, write
    from twin.scenario.run_config import resolve_run_config

    loaded = _loaded(tmp_path)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48))
    base = r.baseline.dispatch
    mould = r.profiles["q_process_cooling_demand_kw"].sel(process_cooling="mould cooling").to_numpy()
    pcw = r.profiles["q_process_cooling_demand_kw"].sel(process_cooling="process chilled water").to_numpy()
    np.testing.assert_allclose(base["p_chiller_bus_kw"].sel(cooling_bus="cool:mould cooling"), mould / 3.5, rtol=1e-6)
    np.testing.assert_allclose(base["p_chiller_bus_kw"].sel(cooling_bus=COOL_BUS), pcw / 4.0, rtol=1e-6)
    write(r, tmp_path / "out", lang="en")
    s = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    w = 8760 / 48
    d = {x["name"]: x for x in s["process_cooling"]["demands"]}
    assert d["mould cooling"]["cooling_mwh"] == pytest.approx(300.0 * 8760 / 1e3, rel=1e-9)
    assert d["mould cooling"]["baseline_electricity_mwh"] == pytest.approx(300.0 * 8760 / 1e3 / 3.5, rel=1e-6)
    assert d["mould cooling"]["baseline_scop"] == pytest.approx(3.5, rel=1e-6)
    assert d["mould cooling"]["supply_today"] == {"kind": "existing_cop", "chillers": ["mould cooling chiller"],
                                                  "cop": 3.5}
    assert d["process chilled water"]["joins_network"] and d["process chilled water"]["electricity_mwh"] is None
    assert s["process_cooling"]["network"]["baseline_electricity_mwh"] == pytest.approx(
        pcw.sum() * w / 4.0 / 1e3, rel=1e-6)
    assert d["brine"]["supply_today"]["kind"] == "implied_air_cooled"
    # the plan's new mould chiller (COP up to 10 in winter air) takes the load off the COP-3.5 plant
    assert d["mould cooling"]["electricity_mwh"] < d["mould cooling"]["baseline_electricity_mwh"]
    assert d["mould cooling"]["chillers_kw"]["mould chiller"] > 0
    led, bled = r.ledger.planned.annual, r.ledger.baseline.annual
    total = (pcw.sum() + mould.sum() + 100.0 * 48) * w / 1e3
    for acc, en in ((led, s["energy_mwh"]), (bled, s["baseline_energy_mwh"])):
        assert acc["q_process_cooling_demand_kwh"] / 1e3 == pytest.approx(total, rel=1e-9)
        assert en["process_cooling_demand"] == pytest.approx(total, rel=1e-9)
        assert en["cooling_demand"] == pytest.approx(total, rel=1e-9)  # no building cooling here
        assert en["chiller_electricity"] == pytest.approx(acc["e_chiller_kwh"] / 1e3, rel=1e-9)
    by_bus = s["process_cooling"]["by_bus"]
    assert sum(b["electricity_mwh"] for b in by_bus.values()) == pytest.approx(s["energy_mwh"]["chiller_electricity"],
                                                                             rel=1e-9)
    plan_el = float(r.result.dispatch["p_chiller_kw"].sum()) * w / 1e3
    assert s["energy_mwh"]["chiller_electricity"] == pytest.approx(plan_el, rel=1e-9)
    import xarray as xr

    ds = xr.open_dataset(tmp_path / "out" / "results.nc")
    q = ds["q_process_cooling_demand_kw"]
    assert q.dims == ("process_cooling", "time") and q.attrs["units"] == "kW" and q.attrs["long_name"]
    csv = pd.read_csv(tmp_path / "out" / "dispatch.csv", nrows=2)
    assert any(c.startswith("q_process_cooling_demand_kw") for c in csv.columns)


def test_report_states_each_demand_in_both_languages(tmp_path):
    """The report's sentences on process cooling carry summary.json's figures, in English and in
    Chinese (no English left but names and identifiers)."""
    from report_text_check import data_words, wrong_language

    from twin.fmt import fmt_value
    from twin.report import process_cooling_sentences
    from twin.report_text import phrase
    from twin.run import run, write
    from twin.scenario.run_config import resolve_run_config

    loaded = _loaded(tmp_path)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48))
    s = r.summary
    sentences = process_cooling_sentences(s)
    d = {x["name"]: x for x in s["process_cooling"]["demands"]}
    mould = next(x for x in sentences if x.startswith("Process cooling 'mould cooling' (15 °C, a loop of its own)"))
    assert fmt_value(d["mould cooling"]["baseline_electricity_mwh"]) in mould and "seasonal COP 3.50" in mould
    assert any(x.startswith("Process cooling 'process chilled water' (7 °C) joins the chilled-water network")
               for x in sentences)
    for x in sentences:
        zh = phrase(x, "zh")
        assert zh != x and "Process cooling" not in zh, x
    write(r, tmp_path / "zh", lang="zh")
    page = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    words = data_words(json.loads((tmp_path / "zh" / "summary.json").read_text(encoding="utf-8")))
    words |= {w for n in d for w in n.split()}
    assert "独立环路" in page and "并入冷冻水管网" in page
    assert not wrong_language(page, "zh", words)


def test_statistics_count_process_cooling_in_the_cooling_demand():
    """The cooling demand is the buildings' plus the process cooling: 20 + 60 kW over 4 h = 320 kWh, of
    which 240 kWh process cooling; without process cooling the buildings' alone."""
    from twin.statistics import annual_statistics

    t = pd.date_range("2025-07-01", periods=4, freq="h")
    ds = pd.DataFrame({"q_cooling_demand_kw": [20.0] * 4}, index=t).rename_axis("time").to_xarray()
    ds["q_process_cooling_demand_kw"] = (("process_cooling", "time"), np.full((1, 4), 60.0))
    st = annual_statistics(ds, 1.0)
    assert st.energy_kwh["q_cooling_demand_kwh"] == pytest.approx(320.0)
    assert st.energy_kwh["q_process_cooling_demand_kwh"] == pytest.approx(240.0)
    assert st.energy_mwh()["process_cooling_demand"] == pytest.approx(0.24)
    st0 = annual_statistics(ds.drop_vars("q_process_cooling_demand_kw"), 1.0)
    assert st0.energy_kwh["q_cooling_demand_kwh"] == pytest.approx(80.0)
    assert "q_process_cooling_demand_kwh" not in st0.present


def test_joined_demand_uses_the_network_chillers_instead_of_an_implied_one(tmp_path):
    """Process chilled water at the network's 7 °C without existing_cop, beside a declared 500 kW network
    chiller: no chiller is implied for it, a note says so (in Chinese too); at 8 °C it has a loop of its
    own and an implied chiller."""
    from twin.plan import build_problem, first_hours
    from twin.report_text import phrase
    from twin.run import prepare_inputs

    text = TINY_TEXT.replace(", follows_process: line, existing_cop: 4.0}", ", follows_process: line}")
    text = text.replace("chillers:\n", "chillers:\n  - {name: old plant, existing_kw: 500}\n")
    loaded = _loaded(tmp_path, text)
    p = build_problem(loaded.scenario, first_hours(prepare_inputs(loaded).profiles, 48))
    names = [c.name for c in p.chillers]
    assert "process chilled water chiller" not in names and "old plant" in names
    note = next(n for n in p.notes if n.startswith("process cooling 'process chilled water' joins"))
    assert "(500 kW)" in note
    zh = phrase(note, "zh")
    assert "并入冷冻水管网" in zh and "500 kW" in zh and "joins" not in zh
    warmer = _loaded(tmp_path, text.replace("temperature_c: 7, annual_mwh: 1500", "temperature_c: 8, annual_mwh: 1500"))
    p2 = build_problem(warmer.scenario, first_hours(prepare_inputs(warmer).profiles, 48))
    d = {x.name: x for x in p2.process_cooling}
    assert d["process chilled water"].bus == process_cooling_bus("process chilled water")
    assert any(c.name == "process chilled water chiller" and c.implied for c in p2.chillers)


def test_pathway_load_growth_grows_process_cooling(tmp_path):
    """10 %/yr over 5 years: the brine's peak 100 -> 161.05 kW, the process chilled water's 1500 MWh/yr ->
    2415.8 MWh/yr."""
    from twin.pathway.runner import base_energies, period_inputs
    from twin.pathway.spec import PathwaySpec

    sc0 = _loaded(tmp_path).scenario
    spec = PathwaySpec(periods=[2025, 2030], load_growth_per_year=0.1)
    ov, _ = period_inputs(sc0, spec, {2030: (None, "scenario")}, {}, 2030, {})
    f = 1.1 ** 5
    assert ov["process_cooling[brine].peak_kw"] == pytest.approx(100.0 * f)
    assert ov["process_cooling[process chilled water].annual_mwh"] == pytest.approx(1500.0 * f)
    t = pd.date_range("2025-01-01", periods=8760, freq="h")
    prof = pd.DataFrame({"q": np.full(8760, 2.0)}, index=t).rename_axis("time").to_xarray()
    prof["q_process_cooling_demand_kw"] = (("process_cooling", "time"), np.full((1, 8760), 3.0))
    prof = prof.assign_coords(process_cooling=["csv loop"])
    assert base_energies(prof) == {"process_cooling:csv loop": pytest.approx(26.28)}


def test_profile_key_follows_process_heat_and_cooling(tmp_path):
    """Profiles shared between variants are keyed on the process heat and cooling too: a comparison
    of two process-cooling sizes must not reuse the other's demand."""
    from twin.run import profile_key

    a = _loaded(tmp_path)
    b = a.derive(None, {"process_cooling[brine].peak_kw": 200})
    c = a.derive(None, {"process_heat": [{"name": "steam", "temperature_c": 150, "peak_kw": 50}]})
    assert len({profile_key(a), profile_key(b), profile_key(c)}) == 3


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("old, new, path, message", [
    # a 14 °C chiller cannot serve the 12 °C loop it names (too warm)
    ("temperature_c: 15, peak_kw: 300", "temperature_c: 12, peak_kw: 300", "chillers.1.chilled_water_c",
     "supplies 14 °C chilled water but serves 'mould cooling', which needs 12 °C"),
    # a 9 °C chiller on the 7 °C network that the process chilled water joins
    ("name: new network chiller, chilled_water_c: 7", "name: new network chiller, chilled_water_c: 9",
     "chillers.0.chilled_water_c", "supplies 9 °C chilled water to the chilled-water network"),
    ("serves: mould cooling, chilled_water_c", "serves: mold cooling, chilled_water_c", "chillers.1.serves",
     ("'mold cooling', which is not a process_cooling demand (known: ['brine', 'mould cooling', "
      "'process chilled water'])")),
    ("follows_process: line,", "follows_process: lines,", "process_cooling.0.follows_process",
     "'lines', which is not a process load"),
    ("peak_kw: 300,", "peak_kw: 300, annual_mwh: 100,", "process_cooling.1", "give annual_mwh or peak_kw, not both"),
    ("{name: brine, temperature_c: -5, peak_kw: 100}", "{name: brine, temperature_c: -5}", "process_cooling.2",
     "give annual_mwh [MWh/yr of cooling] or peak_kw [kW]"),
    ("{name: brine, temperature_c: -5, peak_kw: 100}", "{name: brine, temperature_c: -40, peak_kw: 100}",
     "process_cooling.2.temperature_c", "greater than or equal to -10"),
    ("{name: brine, temperature_c: -5, peak_kw: 100}", "{name: mould cooling, temperature_c: -5, peak_kw: 100}",
     "process_cooling", "duplicate names ['mould cooling']"),
])
def test_bad_process_cooling_input_is_named(tmp_path, old, new, path, message):
    assert old in TINY_TEXT
    r = _validate(tmp_path, TINY_TEXT.replace(old, new))
    assert r.exit_code == 1, r.output
    assert path in r.output and message in r.output, r.output


def test_existing_cop_beside_declared_chillers_both_supply_today(tmp_path):
    """The mould loop with existing_cop 3.5 and a declared mould chiller of 100 kW existing (as a pathway
    period carries a chiller an earlier one built): both stand in the baseline, the COP-3.5 chiller at
    the loop's peak, and the summary names both; without existing_cop the declared chiller alone."""
    from twin.plan import build_problem, first_hours
    from twin.run import prepare_inputs

    text = TINY_TEXT.replace("     max_kw: 400}", "     max_kw: 400, existing_kw: 100}")
    assert _validate(tmp_path, text).exit_code == 0
    loaded = _loaded(tmp_path, text)
    prof = first_hours(prepare_inputs(loaded).profiles, 48)
    base = {c.name: c for c in build_problem(loaded.scenario, prof, baseline=True).chillers}
    assert base["mould chiller"].existing_kw == 100.0 and base["mould cooling chiller"].existing_kw == pytest.approx(300)
    without = _loaded(tmp_path, text.replace("peak_kw: 300, existing_cop: 3.5", "peak_kw: 300"))
    names = [c.name for c in build_problem(without.scenario, prof, baseline=True).chillers]
    assert "mould chiller" in names and "mould cooling chiller" not in names


def test_a_colder_chiller_may_serve_a_warmer_loop(tmp_path):
    """The rule is one way: a 5 °C chiller serves the 15 °C mould loop (at its own, lower COP)."""
    r = _validate(tmp_path, TINY_TEXT.replace("serves: mould cooling, chilled_water_c: 14",
                                              "serves: mould cooling, chilled_water_c: 5"))
    assert r.exit_code == 0, r.output


# --------------------------------------------------------------------------- the operated twin

T = 72
HOURS = np.arange(T) % 24
PRICE = np.where(HOURS < 8, 0.3, np.where((HOURS >= 8) & (HOURS < 20), 1.0, 0.6))


def _cooling_park():
    """The network's cooling (buildings) from a COP-4 and a COP-6 chiller; a 15 °C mould loop of
    60-100 kW from its old COP-3.5 chiller and a new chiller whose COP follows the hour."""
    cool = 200.0 + 100.0 * np.sin(HOURS / 24 * 2 * np.pi) ** 2
    mould = 60.0 + 40.0 * ((HOURS >= 6) & (HOURS < 22))
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 150.0),
        grid=S.GridConnection(price_import_cny_per_kwh=PRICE, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                              month=np.full(T, 7)),
        time=pd.date_range("2025-07-07", periods=T, freq="h").to_numpy(),
        cooling_demand_kw=cool,
        process_cooling=[S.ProcessCoolingDemand("mould", mould, 15.0, MOULD)],
        chillers=[S.Chiller(cop=np.full(T, 4.0), name="old network"),
                  S.Chiller(cop=np.full(T, 6.0), name="new network"),
                  S.Chiller(cop=np.full(T, 3.5), name="old mould", bus=MOULD),
                  S.Chiller(cop=5.0 + 2.0 * np.cos(HOURS / 24 * 2 * np.pi), name="new mould", bus=MOULD)])
    sizes = {"chiller_kw": {"old network": 300.0, "new network": 150.0, "old mould": 100.0, "new mould": 70.0}}
    return prob, sizes


def _truth(park):
    from twin.operate.forecasts import process_cooling_series

    return {"load_kw": park.load_kw, "cool_kw": park.cool_kw,
            **{process_cooling_series(x["name"]): x["kw"] for x in park.process_cooling}}


def test_mpc_reproduces_the_plan_with_process_cooling():
    """With perfect forecasts over the whole horizon the rolling-horizon controller operates the park
    at the plan's cost; each loop closes from its own chillers every hour."""
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.state import OperatedPark

    prob, sizes = _cooling_park()
    ab = as_built(prob, sizes)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    park = OperatedPark.from_problem(prob, sizes)
    assert park.cooling_buses == [COOL_BUS, MOULD]
    ctrl = MPCController(ab, Forecaster(_truth(park), T, ForecastSettings(perfect=True)), horizon=T, step=24,
                         battery_late_cny_per_kwh_h=0.0)
    ds, stats = operate(park, ctrl)
    cost = float(np.dot(park.price, ds["p_grid_import_kw"].values))
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    q = ds["q_cooling_supply_kw"]
    np.testing.assert_allclose(q.sel(chiller=["old mould", "new mould"]).sum("chiller"), park.process_cooling[0]["kw"],
                               rtol=1e-9)
    np.testing.assert_allclose(q.sel(chiller=["old network", "new network"]).sum("chiller"), park.cool_kw, rtol=1e-9)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_rule_controller_serves_each_loop_in_merit_order():
    """The rule controller (merit order per loop): the new mould chiller runs up to its 70 kW in every hour
    (its COP 3-7 is above the old plant's 3.5 except where cos < -0.25, 8-16 h, where the old one
    is cheaper), the network's COP-6 chiller first; every loop balances; the electricity by loop is
    its chillers' cooling over their COP."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _cooling_park()
    park = OperatedPark.from_problem(prob, sizes)
    ds, stats = operate(park, RuleController(Forecaster(_truth(park), 24, ForecastSettings(perfect=True))))
    q = ds["q_cooling_supply_kw"]
    mould = park.process_cooling[0]["kw"]
    cop_new = 5.0 + 2.0 * np.cos(HOURS / 24 * 2 * np.pi)
    new = np.where(cop_new >= 3.5, np.minimum(mould, 70.0), np.maximum(mould - 100.0, 0.0))
    np.testing.assert_allclose(q.sel(chiller="new mould"), new, atol=1e-9)
    np.testing.assert_allclose(q.sel(chiller="old mould"), mould - new, atol=1e-9)
    np.testing.assert_allclose(q.sel(chiller="new network"), np.minimum(park.cool_kw, 150.0), atol=1e-9)
    np.testing.assert_allclose(ds["p_chiller_bus_kw"].sel(cooling_bus=MOULD), new / cop_new + (mould - new) / 3.5,
                               rtol=1e-9)
    np.testing.assert_allclose(ds["p_chiller_bus_kw"].sum("cooling_bus"), ds["p_chiller_kw"], rtol=1e-12)
    np.testing.assert_allclose(ds["q_process_cooling_demand_kw"].sel(process_cooling="mould"), mould)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_unserved_process_cooling_is_counted_on_its_loop():
    """With the new mould chiller out (size 0) and the old at 80 kW, 20 kW of the loop's 100 kW day
    demand is unserved in each of the 16 day hours, on the mould loop only (320 kWh a day), though the
    network's chillers have room; the metrics give it per loop, scaled to the year."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.metrics import operation_metrics
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes = _cooling_park()
    sizes = {"chiller_kw": {"old network": 400.0, "new network": 150.0, "old mould": 80.0, "new mould": 0.0}}
    park = OperatedPark.from_problem(prob, sizes)
    ds, _ = operate(park, RuleController(Forecaster(_truth(park), 24, ForecastSettings(perfect=True))))
    by_bus = ds["q_unserved_cooling_bus_kw"]
    day = (HOURS >= 6) & (HOURS < 22)
    np.testing.assert_allclose(by_bus.sel(cooling_bus=MOULD), np.where(day, 20.0, 0.0), atol=1e-9)
    np.testing.assert_allclose(by_bus.sel(cooling_bus=COOL_BUS), 0.0, atol=1e-9)
    np.testing.assert_allclose(by_bus.sum("cooling_bus"), ds["q_unserved_cooling_kw"], atol=1e-9)
    res = type("R", (), {"costs": {}, "emissions": {}})()
    m = operation_metrics(ds, park, res, prob)
    assert m["unserved_cooling_by_bus_mwh"][MOULD] == pytest.approx(3 * 320.0 * 8760 / T / 1e3, rel=1e-9)
    assert m["unserved_mwh"]["cooling"] == pytest.approx(3 * 320.0 * 8760 / T / 1e3, rel=1e-9)
    assert m["cooling_buses"][MOULD]["scop"] == pytest.approx(3.5, rel=1e-9)


def test_process_cooling_forecast_error_size_and_the_other_series_unchanged():
    """Each process-cooling demand has an AR(1) error of sd 0.075 x its mean by default (ASSUMED, as the
    loads), configurable; adding its series leaves the other series' draws as they were; the MPC with
    a 30 % error on the mould loop still serves it every hour from its own chillers."""
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings, process_cooling_series
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.spec import ForecastSpec
    from twin.operate.state import OperatedPark

    assert ForecastSettings().process_cooling_sd_of_mean == 0.075 == ForecastSpec().process_cooling_sd_of_mean
    n = 3000
    load = 100.0 + 10.0 * np.sin(np.arange(n) / 24 * 2 * np.pi)
    name = process_cooling_series("mould")
    f1 = Forecaster({"load_kw": load}, 24, seed=3)
    f2 = Forecaster({"load_kw": load, name: np.full(n, 100.0)}, 24,
                    ForecastSettings(process_cooling_sd_of_mean=0.2), seed=3)
    np.testing.assert_array_equal(f1.forecast("load_kw", 5, 24), f2.forecast("load_kw", 5, 24))
    assert f2.error_sd(name, 24)[-1] == pytest.approx(0.2 * 100.0 * np.sqrt(1 - 0.9 ** 48), rel=1e-12)
    err = np.array([f2.forecast(name, t, 24)[-1] - 100.0 for t in range(n - 24)])
    assert float(err.std()) == pytest.approx(20.0, rel=0.1)

    prob, sizes = _cooling_park()
    ab = as_built(prob, sizes)
    park = OperatedPark.from_problem(prob, sizes)
    fc = Forecaster(_truth(park), 24, ForecastSettings(load_sd_of_mean=0.0, process_cooling_sd_of_mean=0.3), seed=1)
    off = np.abs(fc.forecast(process_cooling_series("mould"), 10, 24) - park.process_cooling[0]["kw"][10:34])
    assert float(off.max()) > 5.0
    ds, stats = operate(park, MPCController(ab, fc, horizon=24, step=1, battery_late_cny_per_kwh_h=0.0))
    q = ds["q_cooling_supply_kw"]
    np.testing.assert_allclose(q.sel(chiller=["old mould", "new mould"]).sum("chiller"), park.process_cooling[0]["kw"],
                               rtol=1e-9)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6


def test_process_cooling_forecast_note_states_the_assumed_error_in_both_languages():
    from twin.operate.stage import process_cooling_forecast_note
    from twin.report_text import phrase

    note = process_cooling_forecast_note(0.075)
    assert "7.5 % of its mean" in note and "ASSUMED" in note
    zh = phrase(note, "zh")
    assert "7.5 %" in zh and "假定" in zh and "the plant" not in zh


def test_operated_year_of_the_scenario_serves_process_cooling(tmp_path):
    """One week of the tiny park operated by both controllers: no cooling unserved on any loop, the
    forecast note in the outputs, and the rule's mould loop uses its chillers' electricity as the
    statistics count it."""
    from twin.run import run
    from twin.scenario.run_config import resolve_run_config

    loaded = _loaded(tmp_path)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168, operate="both"))
    s = r.operation.summary
    assert any(n.startswith("process cooling: the controllers see") for n in s["notes"])
    for c in ("rule", "mpc"):
        assert s[c]["unserved_mwh"]["cooling"] == pytest.approx(0.0, abs=1e-6)
        assert set(s[c]["unserved_cooling_by_bus_mwh"]) == {COOL_BUS, "cool:mould cooling", "cool:brine"}
        perf = s[c]["cooling_buses"]
        assert perf["cool:mould cooling"]["cooling_mwh"] == pytest.approx(300.0 * 8760 / 1e3, rel=1e-6)


def test_rule_look_ahead_serves_each_loop_in_merit_order():
    """The rule controller's forecast of the chillers' electricity, by hand: the mould loop's 250 kW of
    cooling from its own 200 kW chiller at COP 3 and 100 kW chiller at COP 6 (hour 0) or 2 (hour 1):
    hour 0 100/6 + 150/3 = 66.67 kW, hour 1 200/3 + 50/2 = 91.67 kW (the largest chiller's COP alone
    gave 83.33 kW in both); the network's 100 kW from its COP-4 chiller, 25 kW, whose 200 kW of room
    left never serves the loop. Beyond the loop's chillers nothing more is counted (400 kW -> 200/3 +
    100/6)."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.rule import RuleController, cooling_split_kw
    from twin.operate.state import OperatedPark

    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.zeros(2), grid=grid([0.5, 0.5]), cooling_demand_kw=np.full(2, 100.0),
        process_cooling=[S.ProcessCoolingDemand("mould", np.full(2, 250.0), 15.0, MOULD)],
        chillers=[S.Chiller(cop=np.full(2, 4.0), name="network"),
                  S.Chiller(cop=np.full(2, 3.0), name="big", bus=MOULD),
                  S.Chiller(cop=np.array([6.0, 2.0]), name="small", bus=MOULD)])
    park = OperatedPark.from_problem(prob, {"chiller_kw": {"network": 300.0, "big": 200.0, "small": 100.0}})
    loop = [100 / 6 + 150 / 3, 200 / 3 + 50 / 2]
    p_el, q_abs = cooling_split_kw(park, np.arange(2), {COOL_BUS: np.full(2, 100.0), MOULD: np.full(2, 250.0)})
    np.testing.assert_allclose(p_el, np.add(loop, 25.0), rtol=1e-12)
    assert q_abs.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(cooling_split_kw(park, np.arange(1), {MOULD: np.array([400.0])})[0],
                               [200 / 3 + 100 / 6], rtol=1e-12)
    rc = RuleController(Forecaster(_truth(park), 2, ForecastSettings(perfect=True)))
    rc.initialise(park, None)
    np.testing.assert_allclose(rc._cool_electricity(0, 2), np.add(loop, 25.0), rtol=1e-12)
