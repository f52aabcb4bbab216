"""Finite sensible cooling capacity of the building model (ISO 13790 C.4.3 limited power).

With ideal unlimited cooling the hottest, sunniest hour (and the pull-down after a night's
setback) set the chillers' size and the park's electric peak. The HVAC now has a cooling
capacity: ``hvac.cooling_capacity_w_m2``, or the design sensible cooling load (the room held
at its occupied setpoint around the clock, peak over the occupied hours at or below the design
dry-bulb, the 51st-hottest hour, GB 50736-2012 4.1.6) x (1 + sizing margin). These tests check
the clipped step by hand, the design-hour rule on a synthetic year, the capacity from the
scenario, that summary rows equal the dataset and that the Chinese report line is Chinese.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from twin.components import buildings as b
from twin.report_text import capacity_line, text
from twin.results.summary import buildings_summary

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_text_check import wrong_language

TZ = "Asia/Shanghai"


def _summer_weather(mean=32.0, swing=4.0, days=21, start="2025-07-07", sun=True):
    """A daily temperature wave around ``mean`` [°C] (hottest at 15:00) with a clear-sky-like sun."""
    idx = pd.date_range(start, periods=24 * days, freq="h", tz=TZ)
    h = idx.hour.to_numpy()
    t = mean + swing * np.cos(2 * np.pi * (h - 15) / 24)
    s = np.clip(np.sin(np.pi * (h - 6) / 13), 0.0, None) if sun else np.zeros(len(idx))
    return pd.DataFrame({"ghi": 900 * s, "dni": 700 * s, "dhi": 150 * s, "temp_air": t,
                         "wind_speed": np.zeros(len(idx)), "relative_humidity": np.full(len(idx), 60.0)},
                        index=idx)


# --------------------------------------------------------------------------- the clipped 5R1C step
def test_clip_to_capacity_is_shared_by_heating_and_cooling():
    assert b.clip_to_capacity(5000.0, 3000.0, 2000.0) == 3000.0
    assert b.clip_to_capacity(-5000.0, 3000.0, 2000.0) == -2000.0
    assert b.clip_to_capacity(-1500.0, 3000.0, 2000.0) == -1500.0
    assert b.clip_to_capacity(-1500.0, np.inf, np.inf) == -1500.0
    with pytest.raises(ValueError, match="cooling_cap_w must be >= 0"):
        b.simulate_5r1c(b.bestest_case("600"), np.full(2, 30.0), 0.0, 0.0, 20.0, 26.0, cooling_cap_w=-1.0)


def test_hot_hour_above_the_capacity_runs_at_it_and_the_room_warms():
    """One hot, sunny step from a warm start: the air temperature is linear in the power, so
    with a cooling capacity of 40 % of the ideal power it lies 40 % of the way from free float
    to the setpoint; in steady state the capped zone settles at T_out - cap / H_steady."""
    p = b.bestest_case("900")
    te = np.full(1, 35.0)
    free = b.simulate_5r1c(p, te, 3000.0, 2000.0, -np.inf, np.inf, theta_m0=30.0)["theta_air"][0]
    ideal = b.simulate_5r1c(p, te, 3000.0, 2000.0, 20.0, 26.0, theta_m0=30.0)
    phi_ideal = ideal["phi_hc_w"][0]
    assert phi_ideal < 0 and ideal["theta_air"][0] == pytest.approx(26.0)
    cap = 0.4 * -phi_ideal
    capped = b.simulate_5r1c(p, te, 3000.0, 2000.0, 20.0, 26.0, theta_m0=30.0, cooling_cap_w=cap)
    assert capped["phi_hc_w"][0] == pytest.approx(-cap)
    assert capped["theta_air"][0] == pytest.approx(free + 0.4 * (26.0 - free))
    assert capped["theta_air"][0] > 26.5  # more than 0.5 K above the setpoint: an unmet hour

    n = 3000
    h = b.steady_state_conductance_w_k(p)
    cap = 0.5 * h * 10.0  # half the steady-state need at 36 °C outdoors, 26 °C inside, no gains
    res = b.simulate_5r1c(p, np.full(n, 36.0), 0.0, 0.0, 20.0, 26.0, theta_m0=36.0, cooling_cap_w=cap)
    assert res["phi_hc_w"].min() >= -cap * (1 + 1e-12)
    assert res["theta_air"][-1] == pytest.approx(36.0 - cap / h, rel=1e-6)  # = 31 °C


def test_large_cooling_capacity_is_the_ideal_model():
    p = b.bestest_case("600")
    w = _summer_weather(days=7)
    hours = w.index.hour.to_numpy()
    cs = np.where((hours >= 8) & (hours < 18), 26.0, np.inf)
    args = (p, w["temp_air"].to_numpy(), 400.0, 300.0 * (w["ghi"].to_numpy() > 0), 20.0, cs)
    ideal = b.simulate_5r1c(*args)
    big = b.simulate_5r1c(*args, cooling_cap_w=1e12)
    np.testing.assert_array_equal(big["phi_hc_w"], ideal["phi_hc_w"])
    cap = 0.5 * -ideal["phi_hc_w"].min()
    half = b.simulate_5r1c(*args, cooling_cap_w=cap)
    assert half["phi_hc_w"].min() == pytest.approx(-cap)
    assert half["theta_air"][cs == 26.0].max() > 26.5


# --------------------------------------------------------------------------- the design rule
def test_cooling_design_drybulb_is_the_51st_hottest_hour():
    """GB 50736-2012 4.1.6: not guaranteed for 50 h a year -> 50 hours of the year are hotter."""
    rng = np.random.default_rng(3)
    idx = pd.date_range("2025-01-01", periods=8760, freq="h", tz=TZ)
    t = rng.permutation(np.arange(8760)) * 0.01  # every hour a distinct value, 0 .. 87.59 °C
    w = pd.DataFrame({"temp_air": t}, index=idx)
    design = b.cooling_design_temperature_c(w)
    assert design == pytest.approx(87.59 - 0.50)  # 87.09 °C
    assert int((t > design).sum()) == 50
    assert b.cooling_design_temperature_c(w.iloc[:876]) == np.sort(t[:876])[-6]  # 5 h of 876 hotter
    assert b.cooling_design_temperature_c(w.iloc[:24]) == t[:24].max()  # short series: its hottest hour


def test_design_load_is_the_peak_over_occupied_hours_at_or_below_the_design_drybulb():
    cooling = np.array([10.0, 50.0, 30.0, 80.0, 99.0])
    temp = np.array([20.0, 30.0, 25.0, 35.0, 29.0])
    occupied = np.array([True, True, False, True, False])
    assert b.design_cooling_load_w(cooling, temp, occupied, 30.0) == 50.0  # 80 is hotter, 99 unoccupied
    assert b.design_cooling_load_w(cooling, temp, occupied, 35.0) == 80.0
    assert b.design_cooling_load_w(cooling, temp, occupied, 10.0) == 0.0


# --------------------------------------------------------------------------- building_loads
def _sensible(df):
    """The sensible part of the cooling [kW]: the capacity limits it, the latent is served in full."""
    return df["q_cooling_kw"] - df["q_cooling_latent_kw"]


def test_office_capacity_from_the_design_rule_and_unmet_hours():
    """A south-China office: the design load excludes the morning pull-down (held setpoint),
    the capacity is it x 1.1, the sensible cooling never exceeds it, and the occupied hours more
    than 0.5 K above 26 °C are counted."""
    w = _summer_weather()
    spec = b.BuildingSpec(name="o", type="office", floor_area_m2=20000.0, storeys=8,
                          hvac=b.HVACSpec(type="chiller_boiler"))
    df = b.building_loads(spec, w, 23.13, 113.26, zone="hsww")
    a = df.attrs
    assert a["cooling_design_drybulb_c"] == pytest.approx(b.cooling_design_temperature_c(w))
    assert a["cooling_sizing_margin"] == b.COOLING_SIZING_MARGIN == 0.1
    assert a["cooling_capacity_kw"] == pytest.approx(1.1 * a["cooling_design_load_kw"], rel=1e-12)
    q = _sensible(df)
    assert q.max() == pytest.approx(a["cooling_capacity_kw"])
    ideal = b.building_loads(spec.model_copy(update={"hvac": b.HVACSpec(type="chiller_boiler",
                                                                          cooling_capacity_w_m2=2000)}),
                             w, 23.13, 113.26, zone="hsww")
    assert ideal.attrs["unmet_cooling_hours"] == 0
    assert _sensible(ideal).max() > 1.2 * a["cooling_capacity_kw"]  # the pull-down spike
    # the warmer room takes in less heat: a little less cooling (1.7 % in this hot month)
    assert 0.97 * _sensible(ideal).sum() < q.sum() < _sensible(ideal).sum()
    # the latent part does not depend on the capacity (dried at the setpoint while cooling runs)
    np.testing.assert_allclose(ideal["q_cooling_latent_kw"], df["q_cooling_latent_kw"])
    assert ideal.attrs["cooling_design_load_kw"] == pytest.approx(a["cooling_design_load_kw"])
    from twin.components.calendar import china_day_types

    occ = b.day_classes("office", china_day_types(df.index)) & (df.index.hour >= 7) & (df.index.hour < 20)
    assert a["occupied_cooling_hours"] == occ.sum()
    unmet = int(((df["t_indoor_c"] > 26.5) & occ).sum())
    assert a["unmet_cooling_hours"] == unmet > 0
    assert df["t_indoor_c"][occ].max() > 26.5
    w_m2 = a["cooling_capacity_kw"] * 1e3 / spec.floor_area_m2
    assert 20 < w_m2 < 150


def test_capacity_from_the_scenario_and_margin_field():
    w = _summer_weather(days=10)
    spec = b.BuildingSpec(name="o", type="office", floor_area_m2=5000.0, count=2,
                          hvac=b.HVACSpec(cooling_capacity_w_m2=30.0))
    df = b.building_loads(spec, w, 23.13, 113.26, zone="hsww")
    assert df.attrs["cooling_capacity_kw"] == pytest.approx(30.0 * 5000.0 * 2 / 1e3)
    assert df.attrs["cooling_capacity_source"] == "scenario" and df.attrs["cooling_sizing_margin"] is None
    assert _sensible(df).max() == pytest.approx(300.0)
    assert df.attrs["unmet_cooling_hours"] > 0
    m0 = b.building_loads(spec.model_copy(update={"hvac": b.HVACSpec(cooling_sizing_margin=0.0)}),
                          w, 23.13, 113.26, zone="hsww")
    assert m0.attrs["cooling_capacity_kw"] == pytest.approx(m0.attrs["cooling_design_load_kw"], rel=1e-12)
    assert m0.attrs["cooling_sizing_margin"] == 0.0 and m0.attrs["cooling_capacity_source"] == "design"
    none = b.building_loads(spec.model_copy(update={"hvac": b.HVACSpec(type="none")}),
                            w, 23.13, 113.26, zone="hsww")
    assert none.attrs["cooling_capacity_kw"] == 0.0 and none.attrs["cooling_capacity_source"] == "none"
    assert none.attrs["cooling_capacity_note"] == "not cooled" and none.attrs["cooling_capacity_note_zh"] == "无供冷"


def test_summary_rows_equal_the_dataset_and_the_report_lines():
    w = _summer_weather(days=10)
    specs = [b.BuildingSpec(name="o", type="office", floor_area_m2=5000.0, count=2),
             b.BuildingSpec(name="c", type="cold_store", floor_area_m2=1000.0,
                            hvac=b.HVACSpec(cooling_capacity_w_m2=40.0))]
    ds = b.park_building_loads(specs, w, 23.13, 113.26, zone="hsww")
    for col, (unit, _) in b.BUILDING_COLUMNS.items():
        assert ds[col].dims == ("building",) and ds[col].attrs["units"] == unit
    assert ds.attrs["cooling_design_drybulb_c"] == pytest.approx(b.cooling_design_temperature_c(w))
    prof = ds.rename({k: f"building_{k}" for k in ds.data_vars})
    prof["building_floor_area_m2"] = ("building", [10000.0, 1000.0])
    rows = {r["name"]: r for r in buildings_summary(prof)}
    for name in ("o", "c"):
        r = rows[name]
        for k in ("cooling_capacity_kw", "cooling_design_load_kw", "cooling_design_drybulb_c"):
            assert r[k] == float(ds[k].sel(building=name))
        for k in ("unmet_cooling_hours", "occupied_cooling_hours"):
            assert r[k] == int(ds[k].sel(building=name))
        assert r["cooling_capacity_w_m2"] == pytest.approx(r["cooling_capacity_kw"] * 1e3
                                                           / float(prof["building_floor_area_m2"].sel(building=name)))
        assert r["cooling_capacity_source"] == str(ds["cooling_capacity_source"].sel(building=name).values)
        assert r["cooling_capacity_note_zh"] == str(ds["cooling_capacity_note_zh"].sel(building=name).values)
        for k in ("cooling_latent_peak_kw", "cooling_latent_share"):
            assert r[k] == float(ds[k].sel(building=name))
        assert r["cooling_latent_basis"] == str(ds["cooling_latent_basis"].sel(building=name).values)
    assert rows["c"]["cooling_capacity_w_m2"] == pytest.approx(40.0)
    # the office dries its humid air, the cold store does not; the report's line says so
    assert rows["o"]["cooling_latent_peak_kw"] > 0 and 0 < rows["o"]["cooling_latent_share"] < 1
    assert rows["c"]["cooling_latent_peak_kw"] == 0.0 and rows["c"]["cooling_latent_share"] == 0.0
    assert "latent" not in capacity_line(rows["c"], "en", "cooling")
    en = capacity_line(rows["o"], "en", "cooling")
    assert (f"latent load is served beside the sensible capacity: peak {rows['o']['cooling_latent_peak_kw']:,.0f} kW, "
            f"{rows['o']['cooling_latent_share']:.0%} of the year's cooling") in en
    assert rows["c"]["cooling_sizing_margin"] is None and rows["o"]["cooling_sizing_margin"] == pytest.approx(0.1)
    # the note is the report's line, numbers included
    o = rows["o"]
    line_zh = capacity_line(o, "zh", "cooling")
    assert o["cooling_capacity_note_zh"] == f"{text('cooling_capacity_of', 'zh')}：{line_zh}"
    assert f"{o['cooling_capacity_kw']:,.0f} kW" in line_zh
    assert f"{o['unmet_cooling_hours']} / {o['occupied_cooling_hours']} 小时" in line_zh
    assert f"峰值 {o['cooling_latent_peak_kw']:,.0f} kW" in line_zh and "表3.0.2" in line_zh
    for r in rows.values():
        for lang in ("zh", "en"):
            html = f"<p>{text('cooling_capacity_of', lang)}: {capacity_line(r, lang, 'cooling')}</p>"
            assert wrong_language(html, lang) == [], html
            html = f"<p>{text('heating_capacity_of', lang)}: {capacity_line(r, lang, 'heating')}</p>"
            assert wrong_language(html, lang) == [], html


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs, message", [
    ({"cooling_capacity_w_m2": 0}, "greater than 0"),
    ({"cooling_capacity_w_m2": 3000}, "less than or equal to 2000"),
    ({"cooling_sizing_margin": -0.1}, "greater than or equal to 0"),
    ({"type": "none", "cooling_sizing_margin": 0.1}, "hvac type 'none' has no heating or cooling"),
    ({"cooling_capacity_w_m2": 80, "cooling_sizing_margin": 0.1}, "give one of the two"),
])
def test_hvac_cooling_fields_are_validated(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        b.HVACSpec(**kwargs)
