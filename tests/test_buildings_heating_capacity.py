"""Finite heating capacity of the building model (ISO 13790 C.4.3 limited power).

With ideal unlimited heating, the morning recovery after the night setback took whatever
power restored the air in one hour (a Harbin office: 164 W/m2 at 07:00 against a design
load near 80 W/m2). The HVAC now has a capacity (design heating load x (1 + intermittent
addition), or ``hvac.heating_capacity_w_m2``); these tests check the clipped step by hand,
that a large capacity reproduces the ideal model exactly, that an office's morning peak is
held at its capacity, and the new fields' validation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from twin.cli import main
from twin.components import buildings as b

TZ = "Asia/Shanghai"
ROOT = Path(__file__).resolve().parents[1]


def _winter_weather(mean=-20.0, swing=5.0, days=31, start="2025-01-06"):
    """No sun, a daily temperature wave around ``mean`` [°C] (coldest at 04:00)."""
    idx = pd.date_range(start, periods=24 * days, freq="h", tz=TZ)
    t = mean - swing * np.cos(2 * np.pi * (idx.hour.to_numpy() - 4) / 24)
    z = np.zeros(len(idx))
    return pd.DataFrame({"ghi": z, "dni": z, "dhi": z, "temp_air": t, "wind_speed": z,
                         "relative_humidity": z + 50}, index=idx)


# --------------------------------------------------------------------------- the clipped 5R1C step
def test_clipped_step_by_hand():
    """One step from a cold start: the air temperature is linear in the power, so with a
    capacity below the ideal power it lies on the line from free float to the setpoint at
    cap / phi_ideal; in steady state the capped zone settles at T_out + cap / H_steady."""
    p = b.bestest_case("900")
    te = np.full(1, -5.0)
    free = b.simulate_5r1c(p, te, 0.0, 0.0, -np.inf, np.inf, theta_m0=-5.0)["theta_air"][0]
    ideal = b.simulate_5r1c(p, te, 0.0, 0.0, 20.0, 27.0, theta_m0=-5.0)
    phi_ideal = ideal["phi_hc_w"][0]
    assert free == pytest.approx(-5.0) and ideal["theta_air"][0] == pytest.approx(20.0)
    cap = 0.25 * phi_ideal
    capped = b.simulate_5r1c(p, te, 0.0, 0.0, 20.0, 27.0, theta_m0=-5.0, heating_cap_w=cap)
    assert capped["phi_hc_w"][0] == pytest.approx(cap)
    assert capped["theta_air"][0] == pytest.approx(free + 0.25 * (20.0 - free))

    n = 3000
    h = b.steady_state_conductance_w_k(p)
    cap = 0.5 * h * 25.0  # half the steady-state need at -5 °C
    res = b.simulate_5r1c(p, np.full(n, -5.0), 0.0, 0.0, 20.0, 27.0, theta_m0=-5.0, heating_cap_w=cap)
    assert res["phi_hc_w"].max() <= cap
    assert res["theta_air"][-1] == pytest.approx(-5.0 + cap / h, rel=1e-6)  # = 7.5 °C


def test_power_never_above_cap_and_large_cap_is_the_ideal_model():
    """Intermittent setpoints over a cold month: the power never exceeds the cap; a cap far
    above any need (and the optimal start it enables) gives exactly the unlimited result."""
    p = b.bestest_case("600")
    w = _winter_weather()
    hours = w.index.hour.to_numpy()
    hs = np.where((hours >= 7) & (hours < 19), 20.0, 5.0)
    args = (p, w["temp_air"].to_numpy(), 200.0, 0.0, hs, 27.0)
    ideal = b.simulate_5r1c(*args)
    for cap in (0.3 * ideal["phi_hc_w"].max(), 0.6 * ideal["phi_hc_w"].max()):
        for pre in (0, 3):
            res = b.simulate_5r1c(*args, heating_cap_w=cap, preheat_max_h=pre)
            assert res["phi_hc_w"].max() <= cap * (1 + 1e-12)
            assert res["phi_hc_w"].max() == pytest.approx(cap)
    big = b.simulate_5r1c(*args, heating_cap_w=1e12, preheat_max_h=3)
    np.testing.assert_array_equal(big["phi_hc_w"], ideal["phi_hc_w"])
    np.testing.assert_array_equal(big["theta_air"], ideal["theta_air"])
    assert not big["preheat"].any() and not ideal["preheat"].any()


def test_optimal_start_windows_and_effect():
    """Windows end where the setpoint rises, hold at most N hours and never overlap; an early
    start leaves fewer cold occupied hours than none."""
    hs = np.array([5, 5, 5, 5, 20, 20, 5, 20, 20, -np.inf, -np.inf, 18], dtype=float)
    assert b._preheat_windows(hs, 3) == {1: 4, 6: 7, 9: 11}
    assert b._preheat_windows(hs, 0) == {}
    p = b.bestest_case("900")
    w = _winter_weather(days=14)
    hours = w.index.hour.to_numpy()
    hs = np.where((hours >= 7) & (hours < 19), 20.0, 5.0)
    args = (p, w["temp_air"].to_numpy(), 0.0, 0.0, hs, 27.0)
    cap = 1.5 * b.steady_state_conductance_w_k(p) * 40.0  # 1.5 x the need at the daily mean
    cold = {}
    for pre in (0, 3):
        r = b.simulate_5r1c(*args, heating_cap_w=cap, preheat_max_h=pre)
        cold[pre] = int(((hs == 20.0) & (r["theta_air"] < 19.5)).sum())
        assert r["preheat"].any() == (pre > 0)
        assert not (r["preheat"] & (hs == 20.0)).any()  # only hours before the occupied ones
    assert cold[3] < cold[0]


# --------------------------------------------------------------------------- building_loads
def test_design_temperature_is_the_sixth_coldest_daily_mean():
    idx = pd.date_range("2025-01-01", periods=365 * 24, freq="h", tz=TZ)
    daily = np.arange(365, dtype=float)  # day d has a mean of d °C
    w = pd.DataFrame({"temp_air": np.repeat(daily, 24)}, index=idx)
    assert b.heating_design_temperature_c(w) == 5.0  # 5 days (0..4 °C) colder
    assert b.heating_design_temperature_c(w.iloc[:48]) == 0.0  # short series: its coldest day


def test_office_morning_peak_is_limited_to_the_design_capacity():
    """A severe-cold office (Harbin-type): the capacity is H (design ventilation included) x
    (20 °C - design outdoor) x 1.2, the morning recovery runs at it instead of the ideal spike,
    and the month's heat changes little."""
    w = _winter_weather()
    spec = b.BuildingSpec(name="o", type="office", floor_area_m2=20000.0, storeys=8,
                          hvac=b.HVACSpec(type="chiller_boiler"))
    df = b.building_loads(spec, w, 45.75, 126.77, zone="severe_cold")
    a = df.attrs
    assert a["design_outdoor_temp_c"] == pytest.approx(-20.0)
    params = b.zone_parameters(spec, "severe_cold")
    tp = b.type_presets().loc["office"]
    persons = spec.floor_area_m2 / tp["occupant_density_m2_per_person"]
    h_ve_design = params.rho_c_air_j_m3k * persons * tp["fresh_air_m3_h_person"] * 0.95 / 3600.0  # peak occupancy
    design = b.steady_state_conductance_w_k(params, h_ve_design) * (20.0 + 20.0)
    assert a["heating_design_load_kw"] == pytest.approx(design / 1e3, rel=1e-9)
    assert a["heating_capacity_kw"] == pytest.approx(1.2 * design / 1e3, rel=1e-9)
    q = df["q_heating_kw"]
    assert q.max() <= a["heating_capacity_kw"] * (1 + 1e-12)
    assert q.max() == pytest.approx(a["heating_capacity_kw"])  # the recovery runs at full power
    w_m2 = a["heating_capacity_kw"] * 1e3 / spec.floor_area_m2
    assert 40 < w_m2 < 130  # a design figure, not the ideal model's recovery spike

    ideal = b.building_loads(spec.model_copy(update={"hvac": b.HVACSpec(type="chiller_boiler",
                                                                          heating_capacity_w_m2=2000)}),
                             w, 45.75, 126.77, zone="severe_cold")
    assert ideal["q_heating_kw"].max() > 1.4 * a["heating_capacity_kw"]
    assert ideal.attrs["unmet_heating_hours"] == 0
    assert q.sum() == pytest.approx(ideal["q_heating_kw"].sum(), rel=0.05)
    # unmet hours: occupied (working days, HVAC on 07:00-20:00) and more than 0.5 K below 20 °C
    from twin.components.calendar import china_day_types

    occ = b.day_classes("office", china_day_types(df.index)) & (df.index.hour >= 7) & (df.index.hour < 20)
    assert a["occupied_heating_hours"] == occ.sum()
    assert a["unmet_heating_hours"] == int(((df["t_indoor_c"] < 19.5) & occ).sum())


def test_scenario_capacity_and_continuous_buildings():
    """hvac.heating_capacity_w_m2 sets the cap; a continuously heated dormitory gets no
    intermittent addition; an unheated warehouse-type building reports none."""
    w = _winter_weather(days=10)
    spec = b.BuildingSpec(name="o", type="office", floor_area_m2=5000.0, count=2,
                          hvac=b.HVACSpec(heating_capacity_w_m2=60.0))
    df = b.building_loads(spec, w, 45.75, 126.77, zone="severe_cold")
    assert df.attrs["heating_capacity_kw"] == pytest.approx(60.0 * 5000.0 * 2 / 1e3)
    assert df.attrs["heating_capacity_source"] == "scenario"
    assert df["q_heating_kw"].max() <= 600.0 * (1 + 1e-12)
    dorm = b.building_loads(b.BuildingSpec(name="d", type="dormitory", floor_area_m2=3000.0),
                            w, 45.75, 126.77, zone="severe_cold")
    assert dorm.attrs["heating_intermittent_addition"] == 0.0
    assert dorm.attrs["heating_capacity_kw"] == pytest.approx(dorm.attrs["heating_design_load_kw"])
    cold = b.building_loads(b.BuildingSpec(name="c", type="cold_store", floor_area_m2=3000.0),
                            w, 45.75, 126.77, zone="severe_cold")
    assert cold.attrs["heating_capacity_kw"] == 0.0 and cold.attrs["occupied_heating_hours"] == 0


def test_park_dataset_carries_capacity_and_unmet_hours():
    w = _winter_weather(days=10)
    specs = [b.BuildingSpec(name="o", type="office", floor_area_m2=5000.0),
             b.BuildingSpec(name="c", type="cold_store", floor_area_m2=1000.0)]
    ds = b.park_building_loads(specs, w, 45.75, 126.77, zone="severe_cold")
    for col, (unit, _) in b.BUILDING_COLUMNS.items():
        assert ds[col].dims == ("building",) and ds[col].attrs["units"] == unit
    assert ds["heating_capacity_kw"].sel(building="o") > 0
    assert ds["heating_capacity_source"].values.tolist() == ["design", "none"]
    assert "heating capacity" in str(ds["heating_capacity_note"].values[0])
    assert "供暖能力" in str(ds["heating_capacity_note_zh"].values[0])


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs, message", [
    ({"heating_capacity_w_m2": 0}, "greater than 0"),
    ({"heating_capacity_w_m2": -10}, "greater than 0"),
    ({"heating_capacity_w_m2": 5000}, "less than or equal to 2000"),
    ({"heating_intermittent_addition": -0.1}, "greater than or equal to 0"),
    ({"preheat_max_h": 24}, "less than or equal to 12"),
    ({"type": "none", "heating_capacity_w_m2": 80}, "hvac type 'none' has no heating"),
    ({"heating_capacity_w_m2": 80, "heating_intermittent_addition": 0.2}, "give one of the two"),
])
def test_hvac_heating_fields_are_validated(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        b.HVACSpec(**kwargs)


def test_bad_capacity_in_a_scenario_names_file_and_field(tmp_path):
    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text(text + "buildings:\n  - {name: o, type: office, floor_area_m2: 1000, "
                        "hvac: {heating_capacity_w_m2: -5}}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    line = next((ln for ln in r.output.splitlines() if "buildings.0.hvac.heating_capacity_w_m2" in ln), "")
    assert str(p) in line and "greater than 0" in line, r.output
