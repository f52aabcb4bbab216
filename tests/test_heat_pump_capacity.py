"""Heat pumps' available capacity in cold air (``HeatPump.avail``) and their seasonal COP.

* LP: ``q[t] <= avail[t] * size``; an hour with avail 0 is left to the boiler (hand-computed).
* The capacity curve against its sourced points ([energystar-cchp-v6], cut-offs [sec-ccashp-cutoff]).
* Transforms carry the field (window, representative days); the operated plant respects it.
* SCOP = heat delivered / electricity used, by hand.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import solvers as S
from solvers import (
    AssetCost,
    ElectricBoiler,
    GasBoiler,
    GridConnection,
    HeatPump,
    SizingProblem,
    solve,
)

REL = 1e-6


def c1(capex: float) -> AssetCost:
    """Annuity equal to capex (r = 0, one-year life)."""
    return AssetCost(capex_cny_per_unit=capex, lifetime_yr=1.0, discount_rate=0.0)


def _grid(T, price=0.5):
    return GridConnection(price_import_cny_per_kwh=np.full(T, price), ef_grid_kgco2_per_kwh=np.zeros(T))


# ----------------------------------------------------------------------------- LP


def test_avail_zero_hour_is_left_to_the_boiler():
    """Heat 10 kW for 3 h, electricity 0.5 CNY/kWh.  Air heat pump COP 2 (0.25 CNY/kWh heat) at
    1 CNY/kW, electric boiler (eff 1, 0.5 CNY/kWh heat) at 0.5 CNY/kW; the heat pump is
    available [1, 0, 1] per kW of size (hour 1 below its cut-off).

    The boiler must cover hour 1 alone: boiler 10 kW (5 CNY), which then also serves hours 0
    and 2 at 0.5 CNY/kWh.  A kW of heat pump saves 2 h x 0.25 = 0.5 CNY < its 1 CNY, so no heat
    pump: boiler 10 kW, cost 5 + 3 x 10 x 0.5 = 20 CNY.  With avail 1 in every hour the heat
    pump is worth 3 x 0.25 + 0.5 (boiler kW saved) = 1.25 > 1 CNY: heat pump 10 kW, no boiler,
    cost 10 + 3 x 10 x 0.25 = 17.5 CNY."""
    base = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(3), grid=_grid(3),
                         heat_demand_kw=np.full(3, 10.0),
                         heat_pumps=[HeatPump("air", np.full(3, 2.0), cost=c1(1.0),
                                              avail=np.array([1.0, 0.0, 1.0]))],
                         boilers=[ElectricBoiler(efficiency=1.0, cost=c1(0.5))])
    r = solve(base)
    assert r.sizes["heat_pump_kw"]["air"] == pytest.approx(0.0, abs=1e-6)
    assert r.sizes["boiler_kw"]["electric_boiler"] == pytest.approx(10.0, rel=REL)
    assert r.objective_cny == pytest.approx(20.0, rel=REL)
    np.testing.assert_allclose(r.dispatch["q_heat_pump_kw"].sel(heat_pump="air"), 0.0, atol=1e-6)
    np.testing.assert_allclose(r.dispatch["heat_pump_capacity_factor"].sel(heat_pump="air"), [1, 0, 1])

    full = dataclasses.replace(base, heat_pumps=[dataclasses.replace(base.heat_pumps[0], avail=1.0)])
    r1 = solve(full)
    assert r1.sizes["heat_pump_kw"]["air"] == pytest.approx(10.0, rel=REL)
    assert r1.objective_cny == pytest.approx(17.5, rel=REL)


def test_existing_heat_pump_limited_hour_by_hour():
    """An existing 100 kW heat pump (COP 3, 0.1 CNY/kWh heat at 0.3 CNY/kWh) and an existing
    gas boiler (0.45/0.9 = 0.5 CNY/kWh heat), demand 100 kW for 3 h, avail [1, 0, 0.5]: the heat
    pump gives [100, 0, 50] kW and the boiler the rest [0, 100, 50] kW; operating cost
    150 x 0.1 + 150 x 0.5 = 90 CNY."""
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(3), grid=_grid(3, 0.3),
                      heat_demand_kw=np.full(3, 100.0),
                      heat_pumps=[HeatPump("air", np.full(3, 3.0), existing_kw=100.0, max_kw=100.0,
                                           min_kw=100.0, avail=np.array([1.0, 0.0, 0.5]))],
                      boilers=[GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.45, existing_kw=200.0,
                                         max_kw=200.0)])
    r = solve(p)
    np.testing.assert_allclose(r.dispatch["q_heat_pump_kw"].sel(heat_pump="air"), [100, 0, 50], atol=1e-6)
    np.testing.assert_allclose(r.dispatch["q_boiler_kw"].sum("boiler"), [0, 100, 50], atol=1e-6)
    assert r.objective_cny == pytest.approx(90.0, rel=REL)


def test_avail_outside_unit_interval_is_rejected():
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.zeros(2), grid=_grid(2), heat_demand_kw=np.ones(2),
                      heat_pumps=[HeatPump("air", np.full(2, 2.0), avail=np.array([1.0, 1.5]))])
    with pytest.raises(ValueError, match=r"heat pump 'air': avail .* \[0, 1\]"):
        p.validate()


# ----------------------------------------------------------------------------- capacity curve


def test_capacity_curve_at_its_sourced_points():
    """[energystar-cchp-v6]: 100 % at 47 °F (8.3 °C), 70 % at 5 °F (-15 °C); cut-offs -15 °C
    (standard) and -25 °C (low ambient) [sec-ccashp-cutoff]; linear extension below -15 °C."""
    from twin.components.heat import AIR_SOURCE_CUTOFF_C, HeatPumpSpec, air_source_capacity_factor

    assert AIR_SOURCE_CUTOFF_C == {"standard": -15.0, "low_ambient": -25.0}
    f = air_source_capacity_factor
    assert f(8.3) == pytest.approx(1.0)
    assert f(25.0) == pytest.approx(1.0)
    assert f(-15.0) == pytest.approx(0.70)
    assert f(-3.35) == pytest.approx(0.85)  # midway
    assert f(-15.01) == 0.0  # standard cut-off
    slope = 0.30 / 23.3
    assert f(-25.0, cutoff_c=-25.0) == pytest.approx(0.70 - 10 * slope)
    assert f(-25.01, cutoff_c=-25.0) == 0.0
    std, low = HeatPumpSpec(name="a"), HeatPumpSpec(name="b", air_source_class="low_ambient")
    temps = np.array([10.0, -15.0, -20.0, -30.0])
    np.testing.assert_allclose(std.capacity_factor(temps), [1.0, 0.70, 0.0, 0.0])
    np.testing.assert_allclose(low.capacity_factor(temps), [1.0, 0.70, 0.70 - 5 * slope, 0.0])
    given = HeatPumpSpec(name="c", min_source_temperature_c=-30.0, capacity_curve=[(7.0, 1.0), (-20.0, 0.5)])
    np.testing.assert_allclose(given.capacity_factor(np.array([7.0, -20.0, -30.0, -31.0])),
                               [1.0, 0.5, 0.5 - 10 * 0.5 / 27, 0.0])
    whp = HeatPumpSpec(name="w", source="kiln")
    np.testing.assert_allclose(whp.capacity_factor(np.array([-40.0, 20.0])), [1.0, 1.0])


def test_capacity_settings_on_a_waste_heat_pump_are_a_clear_error():
    from pydantic import ValidationError

    from twin.components.heat import HeatPumpSpec

    with pytest.raises(ValidationError, match="air-source heat pump only"):
        HeatPumpSpec(name="w", source="kiln", min_source_temperature_c=-10.0)
    with pytest.raises(ValidationError, match=r"capacity_curve\.0\.1\n.*less than or equal to 1"):
        HeatPumpSpec(name="a", capacity_curve=[(7.0, 1.2)])


# ----------------------------------------------------------------------------- transforms


def test_window_and_representative_days_carry_avail():
    from solvers.aggregation import representative_days
    from solvers.transform import window

    T = 8760
    hour = np.arange(T)
    avail = np.clip(0.5 + 0.5 * np.cos(2 * np.pi * hour / T), 0, 1)  # winter 1 -> summer 0, smooth
    avail[np.arange(T) % 24 == 3] = 0.0  # a cut-off hour every night
    p = SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 10.0), grid=_grid(T),
                      heat_demand_kw=np.full(T, 5.0),
                      heat_pumps=[HeatPump("air", np.full(T, 3.0), cost=c1(1.0), avail=avail)],
                      boilers=[ElectricBoiler(efficiency=1.0, cost=c1(0.5))])
    w = window(p, 100, 148)
    np.testing.assert_array_equal(w.heat_pumps[0].avail, avail[100:148])
    agg = representative_days(p, 6, seed=1)
    idx = (agg.medoids[:, None] * 24 + np.arange(24)[None, :]).ravel()
    np.testing.assert_array_equal(agg.problem.heat_pumps[0].avail, avail[idx])
    assert agg.problem.heat_pumps[0].avail.shape == (6 * 24,)
    # a scalar (the default) stays a scalar: problems without the field are unchanged
    q = dataclasses.replace(p, heat_pumps=[dataclasses.replace(p.heat_pumps[0], avail=1.0)])
    assert window(q, 0, 24).heat_pumps[0].avail == 1.0


# ----------------------------------------------------------------------------- operated plant

T_OP = 48
HOURS = np.arange(T_OP) % 24


def _op_problem():
    """A 100 kW heat pump (cheap heat) below its cut-off from 0 to 6 h each night and at half
    capacity 6-9 h; a gas boiler covers the rest."""
    avail = np.where(HOURS < 6, 0.0, np.where(HOURS < 9, 0.5, 1.0))
    prob = SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T_OP, 50.0),
        grid=GridConnection(price_import_cny_per_kwh=np.full(T_OP, 0.3), ef_grid_kgco2_per_kwh=np.full(T_OP, 0.5),
                            month=np.full(T_OP, 1)),
        time=pd.date_range("2025-01-06", periods=T_OP, freq="h").to_numpy(),
        heat_demand_kw=np.full(T_OP, 80.0),
        heat_pumps=[HeatPump("hp", np.full(T_OP, 3.0), avail=avail)],
        boilers=[GasBoiler(efficiency=0.9, fuel_price_cny_per_kwh=0.45, existing_kw=200.0, max_kw=200.0)])
    sizes = {"heat_pump_kw": {"hp": 100.0}, "boiler_kw": {"gas_boiler": 200.0}}
    return prob, sizes, avail


def test_operated_plant_respects_the_cold_limit():
    from solvers.rolling import as_built
    from twin.operate.forecasts import Forecaster, ForecastSettings
    from twin.operate.loop import operate
    from twin.operate.mpc import MPCController
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark

    prob, sizes, avail = _op_problem()
    park = OperatedPark.from_problem(prob, sizes)
    np.testing.assert_array_equal(park.heat_pumps[0]["avail"], avail)
    truth = {"load_kw": park.load_kw, "heat_kw": park.heat_kw}
    perfect = ForecastSettings(perfect=True)
    expect_hp = np.minimum(80.0, 100.0 * avail)  # the heat pump is the cheaper source
    ab = as_built(prob, sizes)
    opt = S.solve(ab, S.SolveOptions(solver="simplex"))
    np.testing.assert_allclose(opt.dispatch["q_heat_pump_kw"].sel(heat_pump="hp"), expect_hp, atol=1e-6)
    for ctrl in (RuleController(Forecaster(truth, 1, perfect)),
                 MPCController(ab, Forecaster(truth, T_OP, perfect), horizon=24, step=24)):
        ds, _stats = operate(park, ctrl)
        q = ds["q_heat_pump_kw"].sel(heat_pump="hp").values
        assert np.all(q <= 100.0 * avail + 1e-6)
        np.testing.assert_allclose(q, expect_hp, atol=1e-6)
        np.testing.assert_allclose(ds["q_boiler_kw"].sum("boiler").values, 80.0 - expect_hp, atol=1e-6)
        assert float(ds["q_unserved_heat_kw"].sum()) == pytest.approx(0.0, abs=1e-6)
        np.testing.assert_array_equal(ds["heat_pump_capacity_factor"].sel(heat_pump="hp").values, avail)


# ----------------------------------------------------------------------------- SCOP


def test_scop_by_hand():
    """Two heat pumps over 4 steps weighted [1, 1, 2, 2] h.  A: heat [10, 10, 0, 20] kW,
    electricity [5, 4, 0, 10] kW -> 10+10+40 = 60 kWh / 5+4+20 = 29 kWh, SCOP 60/29.  B: heat
    [0, 6, 6, 0], electricity [0, 2, 3, 0] -> 6+12 = 18 kWh / 2+6 = 8 kWh, SCOP 2.25.  Overall
    78/37.  Heat demand in steps 0-2 only (4 h of heating): A's factor [1, 0.5, 0, 1] -> reduced
    in 1 h of 4 (0.25), below the cut-off in 2 h of 4 (0.5)."""
    from twin.statistics import annual_statistics

    t = pd.date_range("2025-01-01", periods=4, freq="h")
    hp = ["A", "B"]
    ds = xr.Dataset({
        "q_heat_pump_kw": (("heat_pump", "time"), [[10.0, 10, 0, 20], [0, 6, 6, 0]]),
        "p_heat_pump_kw": (("heat_pump", "time"), [[5.0, 4, 0, 10], [0, 2, 3, 0]]),
        "heat_pump_capacity_factor": (("heat_pump", "time"), [[1.0, 0.5, 0, 1], [1, 1, 1, 1]]),
        "q_heat_demand_kw": ("time", [10.0, 16, 6, 0]),
        "weight_h": ("time", [1.0, 1, 2, 2]),
    }, coords={"time": t, "heat_pump": hp})
    st = annual_statistics(ds).heat_pumps
    assert st["per_heat_pump"]["A"]["scop"] == pytest.approx(60 / 29)
    assert st["per_heat_pump"]["B"]["scop"] == pytest.approx(2.25)
    assert st["scop"] == pytest.approx(78 / 37)
    assert st["heat_mwh"] == pytest.approx(0.078)
    assert st["per_heat_pump"]["A"]["hours_reduced_capacity_share"] == pytest.approx(0.25)
    assert st["per_heat_pump"]["A"]["hours_below_cutoff_share"] == pytest.approx(0.5)
    assert st["per_heat_pump"]["B"]["hours_below_cutoff_share"] == pytest.approx(0.0)
    idle = ds.assign(p_heat_pump_kw=ds["p_heat_pump_kw"] * 0, q_heat_pump_kw=ds["q_heat_pump_kw"] * 0)
    assert annual_statistics(idle).heat_pumps["scop"] is None


def test_report_sentences_have_chinese():
    from twin.components.heat import HeatPumpSpec, capacity_model_record
    from twin.report import heat_pump_sentences
    from twin.report_text import phrase

    summary = {"heat_pumps": {
        "scop": 2.4, "per_heat_pump": {
            "air": {"scop": 2.3, "hours_reduced_capacity_share": 0.6, "hours_below_cutoff_share": 0.1},
            "water": {"scop": 4.0, "hours_reduced_capacity_share": 0.0, "hours_below_cutoff_share": 0.0}},
        "capacity_model": {"air": capacity_model_record(HeatPumpSpec(name="air")),
                           "water": capacity_model_record(HeatPumpSpec(name="water", source="kiln"))}},
        "baseline_heat_pumps": {"scop": 2.1}}
    lines = heat_pump_sentences(summary)
    assert lines[0] == ("Heat pumps: seasonal COP (heat delivered / electricity used) 2.40 in the plan, "
                        "2.10 in the baseline")
    assert any("60.0 % at reduced capacity" in x and "10.0 % below its cut-off temperature (-15 °C)" in x
               for x in lines)
    for x in lines:
        zh = phrase(x, "zh")
        assert zh != x, x
        rest = zh.replace("air", "").replace("water", "")
        assert not any(w in rest for w in ("seasonal", "capacity", "ASSUMED", "cut-off", "class")), zh
