"""Cold storage (蓄冷: chilled-water tanks and ice stores) on the cooling buses: a day checked by hand (valley
charging only, the store's balance closing with its standing losses, the saving the tariff gives), the ice
store's COP penalty (the chillers' Carnot COP at the brine temperature) and its capacity in ice mode, the
scenario's stores through baseline, plan, summary.json and the report in both languages, bad input named,
and the operated twin (the plant, the rule controller's valley charging and peak discharge, the rolling
horizon reproducing the plan with perfect forecasts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_check import validate_text as _validate

import solvers as S
from solvers.problem import COOL_BUS

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_cold_storage.yaml"
TINY_TEXT = TINY.read_text(encoding="utf-8")

# --------------------------------------------------------------------------- one day by hand
#: 0-8 h valley 0.3, 8-12 h peak 1.0, 12-24 h flat 0.6 CNY/kWh
H24 = np.arange(24)
PRICE = np.where(H24 < 8, 0.3, np.where(H24 < 12, 1.0, 0.6))
LOSS = 0.01  # of the content per hour


def _day(stores, *, ice_cop=None):
    """100 kW of cooling every hour from a 300 kW chiller at COP 4 (and, given ``ice_cop``, making ice at
    that COP with 70 % of its size in ice mode); each hour once (no annual scaling)."""
    ch = S.Chiller(cop=np.full(24, 4.0), existing_kw=300.0, max_kw=300.0, name="plant",
                   ice_cop=None if ice_cop is None else np.full(24, ice_cop), ice_capacity_ratio=0.7)
    return S.SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(24),
                           grid=S.GridConnection(price_import_cny_per_kwh=PRICE, ef_grid_kgco2_per_kwh=np.full(24, 0.5)),
                           cooling_demand_kw=np.full(24, 100.0), chillers=[ch], cold_stores=stores)


def _tank(kind="chilled_water", kwh=400.0):
    """An existing 400 kWh store, charging at most 200 kW and discharging at most 100 kW, 1 %/h lost."""
    return S.ColdStorage(name=kind, kind=kind, existing_kwh=kwh, max_kwh=kwh, loss_per_h=LOSS,
                         charge_per_kwh=0.5, discharge_per_kwh=0.25)


def test_chilled_water_tank_day_by_hand():
    """The tank fills to its 400 kWh at the end of the valley as late as it can (less is lost): 200 kW in
    hours 7 and 6 and 2/0.99² = 2.0406 kW in hour 5 (e_6 = 200/0.99); it covers the 100 kW of the peak
    hours 8-10 and what is left in hour 11 (e_10 = 0.99·(0.99·(0.99·400 − 100) − 100) − 100 = 91.1096,
    0.99 of it); it never charges outside the valley (a peak kWh is worth 1.0, a flat one 0.6, a valley
    kWh costs 0.3 over 0.99^k). Its balance closes every hour and over the day charged − discharged =
    1 % of each hour's content before it. The saving is the chillers' electricity moved:
    (1.0 · 390.1985 − 0.3 · 402.0406) / 4 = 67.3966 CNY."""
    base = S.solve(_day([]), S.SolveOptions(solver="simplex"))
    assert base.objective_cny == pytest.approx(25.0 * (8 * 0.3 + 4 * 1.0 + 12 * 0.6), rel=1e-9)  # 100/4 kW
    r = S.solve(_day([_tank()]), S.SolveOptions(solver="simplex"))
    d = r.dispatch
    ch = d["q_cold_charge_kw"].sel(cold_store="chilled_water").to_numpy()
    dis = d["q_cold_discharge_kw"].sel(cold_store="chilled_water").to_numpy()
    e = d["e_cold_kwh"].sel(cold_store="chilled_water").to_numpy()
    e6 = 200.0 / 0.99  # e_7 = 0.99 e_6 + 200 = 400
    want_ch = np.zeros(24)
    want_ch[5:8] = [(e6 - 200.0) / 0.99, 200.0, 200.0]  # e_5 = the charge of hour 5 (empty before)
    np.testing.assert_allclose(ch, want_ch, atol=1e-6)
    assert not np.any(ch[8:] > 1e-9)  # charged in valley hours only
    e10 = 0.99 * (0.99 * (0.99 * 400.0 - 100.0) - 100.0) - 100.0
    want_dis = np.zeros(24)
    want_dis[8:12] = [100.0, 100.0, 100.0, 0.99 * e10]
    np.testing.assert_allclose(dis, want_dis, atol=1e-6)
    # the store's balance, hour by hour (cyclic: the hour before the first is the last)
    np.testing.assert_allclose(e, (1 - LOSS) * np.roll(e, 1) + ch - dis, atol=1e-6)
    assert float(e[7]) == pytest.approx(400.0, rel=1e-9)
    losses = ch.sum() - dis.sum()
    assert losses == pytest.approx(LOSS * np.roll(e, 1).sum(), rel=1e-9)
    assert losses == pytest.approx(402.0406 - 390.1985, abs=1e-3)
    saving = (1.0 * dis.sum() - 0.3 * ch.sum()) / 4.0
    assert saving == pytest.approx(67.3966, abs=1e-3)
    assert base.objective_cny - r.objective_cny == pytest.approx(saving, rel=1e-9)
    # the chillers make the cooling and the tank's charge: their electricity is (demand + charge − discharge) / 4
    np.testing.assert_allclose(d["p_chiller_kw"], (100.0 + ch - dis) / 4.0, atol=1e-9)
    assert r.store_states["end"]["cold_kwh"]["chilled_water"] == pytest.approx(float(e[-1]), abs=1e-9)


def test_ice_store_makes_ice_at_its_cop_within_the_ice_mode_capacity():
    """The same day with an ice store: its charging is the chiller's ice, at the ice COP 3 instead of 4
    (electricity q/4 + q_ice/3 every hour) and at most 70 % of the chiller's size left after the 100 kW
    of chilled water, (300 − 100) · 0.7 = 140 kW; the ice costs 0.3/3 per kWh instead of 0.3/4, so the
    saving shrinks to (1.0 · discharge − 0.3 · 4/3 · charge) / 4."""
    base = S.solve(_day([], ice_cop=3.0), S.SolveOptions(solver="simplex"))
    r = S.solve(_day([_tank("ice")], ice_cop=3.0), S.SolveOptions(solver="simplex"))
    d = r.dispatch
    ice = d["q_ice_making_kw"].sel(chiller="plant").to_numpy()
    ch = d["q_cold_charge_kw"].sel(cold_store="ice").to_numpy()
    dis = d["q_cold_discharge_kw"].sel(cold_store="ice").to_numpy()
    np.testing.assert_allclose(ice, ch, atol=1e-9)  # the ice store is charged by the chiller's ice only
    assert ice.max() == pytest.approx(140.0, rel=1e-9)
    assert not np.any(ice[8:] > 1e-9)
    q = d["q_cooling_supply_kw"].sel(chiller="plant").to_numpy()
    np.testing.assert_allclose(q + dis, 100.0, atol=1e-9)  # chilled water + ice melted = the demand
    np.testing.assert_allclose(d["p_chiller_kw"], q / 4.0 + ice / 3.0, atol=1e-9)
    np.testing.assert_allclose(d["p_ice_making_kw"], ice / 3.0, atol=1e-9)
    saving = (1.0 * dis.sum() - 0.3 * ch.sum() * 4.0 / 3.0) / 4.0
    assert base.objective_cny - r.objective_cny == pytest.approx(saving, rel=1e-9)
    assert saving > 0
    # the same store as a chilled-water tank saves more: its charging is made at COP 4
    tank = S.solve(_day([_tank()]), S.SolveOptions(solver="simplex"))
    assert base.objective_cny - tank.objective_cny > saving


def test_ice_store_needs_a_chiller_that_makes_ice():
    with pytest.raises(ValueError, match="needs a chiller on bus 'cool' that makes ice"):
        S.solve(_day([_tank("ice")]))


def test_window_starts_from_a_cold_store_content():
    """A window of the day from hour 8 with 300 kWh in the tank: it discharges them in the peak hours (the
    content state key ``cold_kwh``), and reports its start and end content."""
    from solvers.transform import window

    w = window(_day([_tank()]), 8, 24, {"cold_kwh": {"chilled_water": 300.0}})
    r = S.solve(w, S.SolveOptions(solver="simplex"))
    assert r.store_states["initial"]["cold_kwh"]["chilled_water"] == pytest.approx(300.0)
    dis = r.dispatch["q_cold_discharge_kw"].sel(cold_store="chilled_water").to_numpy()
    assert dis[:3].tolist() == pytest.approx([100.0, 100.0, 0.99 * (0.99 * (0.99 * 300 - 100) - 100)], abs=1e-6)


# --------------------------------------------------------------------------- the ice COP from the chillers' model


def test_ice_cop_is_the_chillers_carnot_cop_at_the_brine_temperature(tmp_path):
    """The dual-duty chiller of the tiny park (carnot_efficiency 0.5, condenser approach 10 K, evaporator
    5 K below the water) makes 7 °C water at 0.5·(275.15 − 0)/(T_air + 10 − 2) and -5 °C brine at
    0.5·263.15/(T_air + 10 + 10), each clipped to 1-10: the plan's ice COP is that, hour by hour, and
    below the chilled-water COP in every hour."""
    from twin.plan import build_problem, first_hours
    from twin.run import prepare_inputs
    from twin.scenario.loader import load_scenario

    loaded = load_scenario(TINY)
    prof = first_hours(prepare_inputs(loaded).profiles, 72)
    p = build_problem(loaded.scenario, prof)
    ch = next(c for c in p.chillers if c.name == "plant chiller")
    t = prof["weather_temp_air"].to_numpy()
    carnot = lambda t_evap_c: np.clip(0.5 * (t_evap_c + 273.15) / (t + 10.0 - t_evap_c), 1.0, 10.0)
    np.testing.assert_allclose(ch.cop, carnot(2.0), rtol=1e-12)
    np.testing.assert_allclose(ch.ice_cop, carnot(-10.0), rtol=1e-12)
    assert np.all(ch.ice_cop < ch.cop) and ch.ice_capacity_ratio == 0.65
    stores = {s.name: s for s in p.cold_stores}
    assert stores["ice"].kind == "ice" and stores["tank"].bus == COOL_BUS
    assert stores["tank"].loss_per_h == pytest.approx(1 - 0.99 ** (1 / 24))  # 1 %/day, ASSUMED default
    assert stores["ice"].loss_per_h == pytest.approx(1 - 0.98 ** (1 / 24))
    # the baseline keeps today's park: no store may be built
    base = build_problem(loaded.scenario, prof, baseline=True)
    assert all(s.max_kwh == 0.0 for s in base.cold_stores)


def test_chilled_water_tank_capacity_from_its_volume():
    from twin.components.heat import ColdStorageSpec

    tank = ColdStorageSpec(name="tank", volume_m3=4000.0)  # 4,000 m3 x 1000 kg x 4.2 kJ/(kg K) x 8 K
    assert tank.capacity_limit_kwh() == pytest.approx(4000.0 * 1000.0 * 4.2 * 8.0 / 3600.0)


# --------------------------------------------------------------------------- the scenario's outputs


def test_tiny_park_week_builds_stores_into_every_output(tmp_path):
    """A week of the tiny park (flat 400 kW of 7 °C process cooling in Guangzhou's January): the plan builds
    the chilled-water tank to its 6,000 kWh, charges it in valley hours (never in the peak) and discharges
    it in the peak; summary.json's cold_storage, the energy flows and the chillers' electricity by time-of-use
    period agree with the optimiser's dispatch; the report says it in English and Chinese."""
    from twin import report_text
    from twin.run import run, write
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    loaded = load_scenario(TINY)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=168))
    assert r.result.sizes["cold_kwh"]["tank"] == pytest.approx(6000.0, rel=1e-6)
    d, prof = r.result.dispatch, r.profiles.isel(time=slice(0, 168))
    w = 8760.0 / 168
    per = prof["tou_period"].to_numpy()
    ch = d["q_cold_charge_kw"].sel(cold_store="tank").to_numpy()
    cs = r.summary["cold_storage"]
    tank = next(s for s in cs["stores"] if s["name"] == "tank")
    assert tank["charge_mwh"] == pytest.approx(ch.sum() * w / 1000.0, rel=1e-9)
    # in the valley at its 750 kW (0.125 C); a few kWh in the flat hour before it top up what it lost
    assert tank["valley_charge_share"] == pytest.approx(ch[per == "valley"].sum() / ch.sum(), rel=1e-9)
    assert tank["valley_charge_share"] > 0.99 and ch[per == "peak"].max() < 1e-3
    assert tank["losses_mwh"] == pytest.approx(tank["charge_mwh"] - tank["discharge_mwh"], rel=1e-12)
    en = r.summary["energy_mwh"]
    assert en["cold_storage_charge"] == pytest.approx(sum(s["charge_mwh"] for s in cs["stores"]), rel=1e-9)
    by = r.summary["chiller_electricity_by_period"]
    p = d["p_chiller_kw"].to_numpy()
    assert by["plan"]["peak_mwh"] == pytest.approx(p[per == "peak"].sum() * w / 1000.0, rel=1e-9, abs=1e-9)
    assert by["plan"]["electricity_mwh"] == pytest.approx(en["chiller_electricity"], rel=1e-9)
    assert by["plan"]["cost_cny"] == pytest.approx(float((p * prof["price_import_cny_per_kwh"].to_numpy()).sum()) * w,
                                                   rel=1e-9)
    assert by["plan"]["peak_mwh"] < 0.01 * by["baseline"]["peak_mwh"]  # the tank carries the peak
    out = tmp_path / "run"
    write(r, out, lang="zh")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "蓄冷装置“<span class='data'>tank</span>”（水蓄冷罐，接冷冻水管网）：蓄冷容量 6,000 kWh" in page
    assert "冷水机组峰段用电：现状" in page
    assert not report_text.MISSING
    write(r, tmp_path / "en", lang="en")
    en_page = (tmp_path / "en" / "report.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    assert "Cold store 'tank' (chilled-water tank on the chilled-water network): 6,000 kWh of cooling" in en_page
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["cold_storage"]["stores"][0]["size_kwh"] == pytest.approx(6000.0, rel=1e-6)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("old, new, path, message", [
    ("{name: tank, kind: chilled_water, max_kwh: 6000}", "{name: tank, serves: chilled wtr, max_kwh: 6000}",
     "cold_stores.0.serves", "'chilled wtr', which is not a process_cooling demand (known: ['process chilled water'])"),
    ("{name: plant chiller, existing_kw: 1200, makes_ice: true}", "{name: plant chiller, existing_kw: 1200}",
     "cold_stores.1.kind", "is an ice store, but no electric chiller on the chilled-water network makes ice"),
    ("{name: plant chiller, existing_kw: 1200, makes_ice: true}",
     "{name: plant chiller, existing_kw: 1200, makes_ice: true, kind: absorption}", "chillers.0",
     "makes_ice needs an electric chiller"),
    ("{name: ice, kind: ice, max_kwh: 6000}", "{name: ice, kind: ice, volume_m3: 600}", "cold_stores.1",
     "volume_m3 is for chilled-water tanks"),
    ("{name: tank, kind: chilled_water, max_kwh: 6000}", "{name: tank, kind: ice, max_kwh: 6000, charge_temperature_c: -8}",
     "cold_stores.1.charge_temperature_c", "the ice stores of one loop share its chillers' brine loop"),
    ("{name: tank, kind: chilled_water, max_kwh: 6000}", "{name: ice, kind: chilled_water, max_kwh: 6000}",
     "cold_stores", "duplicate names ['ice']"),
    ("  chilled_water_storage: {capex_cny_per_unit: 110, lifetime_years: 20, om_fraction_per_year: 0.01}\n", "",
     "cold_stores.0", "'tank' may be built but has no cost: give costs.chilled_water_storage"),
    ("  - {name: process chilled water, temperature_c: 7, peak_kw: 400}",
     "  - {name: process chilled water, temperature_c: 7, peak_kw: 400}\n  - {name: brine, temperature_c: -5, peak_kw: 50}",
     None, None),
    ("{name: tank, kind: chilled_water, max_kwh: 6000}", "{name: tank, serves: brine, max_kwh: 6000}",
     "cold_stores.0.serves", "serves a loop at -5 °C: a chilled-water tank or melting ice cannot cool below 0 °C"),
])
def test_bad_cold_storage_input_is_named(tmp_path, old, new, path, message):
    assert old in TINY_TEXT
    text = TINY_TEXT.replace(old, new)
    if "serves: brine" in new:  # a brine loop the tank names
        text = text.replace("  - {name: process chilled water, temperature_c: 7, peak_kw: 400}",
                            "  - {name: process chilled water, temperature_c: 7, peak_kw: 400}\n"
                            "  - {name: brine, temperature_c: -5, peak_kw: 50}")
    r = _validate(tmp_path, text)
    if path is None:  # a loop the stores do not name is no problem
        assert r.exit_code == 0, r.output
        return
    assert r.exit_code == 1, r.output
    assert path in r.output and message in r.output, r.output


def test_store_on_a_network_the_park_does_not_have(tmp_path):
    """A park whose only cooling is a 15 °C loop of its own has no chilled-water network: a store that names
    no demand is refused, naming the loop to give instead; on the loop it is fine."""
    text = (TINY_TEXT.replace("temperature_c: 7, peak_kw: 400", "temperature_c: 15, peak_kw: 400")
            .replace("{name: plant chiller, existing_kw: 1200, makes_ice: true}",
                     "{name: plant chiller, existing_kw: 1200, makes_ice: true, chilled_water_c: 12, "
                     "serves: process chilled water}")
            .replace("  - {name: ice, kind: ice, max_kwh: 6000}\n", ""))
    r = _validate(tmp_path, text)
    assert r.exit_code == 1 and "cold_stores.0.serves" in r.output, r.output
    assert "serves the chilled-water network, but the park has none" in r.output
    ok = _validate(tmp_path, text.replace("{name: tank, kind: chilled_water,", "{name: tank, serves: process chilled water,"))
    assert ok.exit_code == 0, ok.output


# --------------------------------------------------------------------------- the operated twin

T = 72
HOURS = np.arange(T) % 24
TOU = np.where(HOURS < 8, 0.3, np.where((HOURS >= 10) & (HOURS < 18), 1.0, 0.6))


def _stored_park():
    """Three days of an office's cooling (300-900 kW in the day, 200 at night) from an old COP-4 chiller
    and a dual-duty chiller (COP 5 making water, 3.5 making ice, 65 % in ice mode), a 2,000 kWh tank and
    a 1,500 kWh ice store, both 1 %/day lost."""
    cool = 200.0 + 700.0 * np.clip(np.sin((HOURS - 7) / 12 * np.pi), 0.0, None)
    keep = 1 - 0.99 ** (1 / 24)
    prob = S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 300.0),
        grid=S.GridConnection(price_import_cny_per_kwh=TOU, ef_grid_kgco2_per_kwh=np.full(T, 0.5),
                              month=np.full(T, 7)),
        time=pd.date_range("2025-07-07", periods=T, freq="h").to_numpy(),
        cooling_demand_kw=cool,
        chillers=[S.Chiller(cop=np.full(T, 4.0), name="old"),
                  S.Chiller(cop=np.full(T, 5.0), name="dual duty", ice_cop=np.full(T, 3.5), ice_capacity_ratio=0.65)],
        cold_stores=[S.ColdStorage(name="tank", kind="chilled_water", loss_per_h=keep, charge_per_kwh=0.25,
                                   discharge_per_kwh=0.25),
                     S.ColdStorage(name="ice", kind="ice", loss_per_h=keep, charge_per_kwh=0.125,
                                   discharge_per_kwh=0.25)])
    sizes = {"chiller_kw": {"old": 600.0, "dual duty": 500.0}, "cold_kwh": {"tank": 2000.0, "ice": 1500.0}}
    return prob, sizes


def _operate(ctrl_of):
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.state import OperatedPark

    prob, sizes = _stored_park()
    park = OperatedPark.from_problem(prob, sizes)
    fc = Forecaster({"load_kw": park.load_kw, "cool_kw": park.cool_kw}, T, ForecastSettings(perfect=True))
    ds, stats = operate(park, ctrl_of(prob, sizes, fc))
    return park, ds, stats


def _store_balance_closes(park, ds):
    for x in park.cold_stores:
        e = ds["e_cold_kwh"].sel(cold_store=x["name"]).to_numpy()
        ch = ds["q_cold_charge_kw"].sel(cold_store=x["name"]).to_numpy()
        dis = ds["q_cold_discharge_kw"].sel(cold_store=x["name"]).to_numpy()
        before = np.r_[park.initial["cold_kwh"][x["name"]], e[:-1]]
        np.testing.assert_allclose(e, x["keep"] * before + ch - dis, atol=1e-9)
        assert e.min() >= -1e-9 and e.max() <= x["kwh"] + 1e-9


def test_mpc_reproduces_the_plan_with_cold_stores():
    """With perfect forecasts over the whole horizon the rolling-horizon controller operates the tank, the ice
    store and the chillers' ice making at the plan's cost; every hour's cooling is served and each store's
    balance closes."""
    from solvers.rolling import as_built
    from twin.operate.mpc import MPCController

    prob, sizes = _stored_park()
    ab = as_built(prob, sizes)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    assert opt.dispatch["q_ice_making_kw"].sum() > 0 and opt.dispatch["q_cold_discharge_kw"].sum() > 0
    park, ds, stats = _operate(lambda p, s, fc: MPCController(as_built(p, s), fc, horizon=T, step=24,
                                                                battery_late_cny_per_kwh_h=0.0))
    cost = float(np.dot(park.price, ds["p_grid_import_kw"].values))
    assert cost == pytest.approx(opt.objective_cny, rel=1e-6)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    np.testing.assert_allclose(ds["p_ice_making_kw"], ds["q_ice_making_kw"].sel(chiller="dual duty") / 3.5, atol=1e-9)
    _store_balance_closes(park, ds)


def test_rule_controller_charges_in_the_valley_and_discharges_in_the_peak():
    """The rule controller: the stores charge only in valley hours (the ice from the dual-duty chiller, at most
    its 65 % in ice mode), discharge only in peak hours, carry the next day's peak-period cooling as far as
    they hold it, and balance; nothing unserved; the peak-hour chiller electricity falls well below the
    park's without stores."""
    from twin.operate.rule import RuleController

    park, ds, stats = _operate(lambda p, s, fc: RuleController(fc))
    ch = ds["q_cold_charge_kw"].sum("cold_store").to_numpy()
    dis = ds["q_cold_discharge_kw"].sum("cold_store").to_numpy()
    valley, peak = HOURS < 8, (HOURS >= 10) & (HOURS < 18)
    assert ch[~valley].max() < 1e-9 and ch[valley].sum() > 0
    assert dis[~peak].max() < 1e-9 and dis[peak].sum() > 0
    ice = ds["q_ice_making_kw"].sel(chiller="dual duty").to_numpy()
    np.testing.assert_allclose(ice, ds["q_cold_charge_kw"].sel(cold_store="ice"), atol=1e-9)
    q = ds["q_cooling_supply_kw"].sel(chiller="dual duty").to_numpy()
    assert np.all(q + ice / 0.65 <= 500.0 + 1e-6)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-9)
    assert stats["max_abs_balance_residual_kw"] < 1e-6
    _store_balance_closes(park, ds)
    # the peak hours' cooling within the stores' 875 kW of discharge is more than they hold: both are full
    # at the end of every valley (the ice store within what its 187.5 kW for 8 h less 1 %/day of losses
    # gives, 1,497.8 kWh), charged over all its hours
    e = ds["e_cold_kwh"].to_numpy()
    np.testing.assert_allclose(e[:, [7, 31, 55]], [[2000.0] * 3, [1497.80] * 3], rtol=1e-5)
    assert (ds["q_cold_charge_kw"].to_numpy()[:, :8] > 0).all()
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.state import OperatedPark

    prob, sizes = _stored_park()
    bare = OperatedPark.from_problem(prob, {**sizes, "cold_kwh": {"tank": 0.0, "ice": 0.0}})
    fc = Forecaster({"load_kw": bare.load_kw, "cool_kw": bare.cool_kw}, T, ForecastSettings(perfect=True))
    ds0, _ = operate(bare, RuleController(fc))
    p, p0 = ds["p_chiller_kw"].to_numpy(), ds0["p_chiller_kw"].to_numpy()
    assert p[peak].sum() < 0.5 * p0[peak].sum()
    assert float(np.dot(park.price, ds["p_grid_import_kw"])) < float(np.dot(park.price, ds0["p_grid_import_kw"]))


def test_a_short_import_cuts_the_stores_charging_before_the_cooling():
    """An import limit in the valley hours that leaves room for the load and the demand's chillers but
    little for charging: the plant takes the stores' charging off (ice making first), never the cooling;
    the import keeps to the limit, nothing goes unserved, and the stores charge less than without it."""
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    def year(limit):
        prob, sizes = _stored_park()
        prob.grid.import_limit_kw = limit
        park = OperatedPark.from_problem(prob, sizes)
        fc = Forecaster({"load_kw": park.load_kw, "cool_kw": park.cool_kw}, T, ForecastSettings(perfect=True))
        return park, *operate(park, RuleController(fc))

    lim = np.where(HOURS < 8, 300.0 + 200.0 / 4.0 + 30.0, np.inf)  # load, the night's 200 kW at COP 4, 30 kW more
    park, ds, _ = year(lim)
    _, free, _ = year(np.inf)
    assert float(ds["q_unserved_cooling_kw"].sum()) == pytest.approx(0.0, abs=1e-9)
    assert float(ds["p_unserved_kw"].sum()) == pytest.approx(0.0, abs=1e-9)
    assert np.all(ds["p_grid_import_kw"].to_numpy() <= lim + 1e-6)
    charged = float(ds["q_cold_charge_kw"].sum())
    assert 0 < charged < 0.5 * float(free["q_cold_charge_kw"].sum())
    _store_balance_closes(park, ds)
