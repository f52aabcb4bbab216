"""A cold store's refrigeration COP follows its setpoint (a chilled store is not a freezer) and, hour by hour,
the outdoor air through the condensing temperature: it had been 1.8 at -18 °C all year, the COP of 40 °C
condensing (30 °C outdoors), so a store in a northern winter drew as much electricity per unit of cooling as
on a summer afternoon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twin.components import buildings as b


def test_cold_store_cop_is_the_reference_at_minus_18_and_scales_by_carnot():
    assert b.cold_store_cop(-18.0) == pytest.approx(b.COLD_STORE_COOLING_COP)
    # evaporator 10 K below the air, condensing at 40 °C: Carnot 263.15/50 over 245.15/68 at 0 °C
    assert b.cold_store_cop(0.0) == pytest.approx(1.8 * (263.15 / 50.0) / (245.15 / 68.0), rel=1e-12)
    assert b.cold_store_cop(0.0) == pytest.approx(2.628, abs=5e-4)
    assert b.cold_store_cop(-25.0) < 1.8 < b.cold_store_cop(4.0)


def _summer(days=7):
    idx = pd.date_range("2025-07-07", periods=24 * days, freq="h", tz="Asia/Shanghai")
    h = idx.hour.to_numpy()
    s = np.clip(np.sin(np.pi * (h - 6) / 13), 0.0, None)
    return pd.DataFrame({"ghi": 800 * s, "dni": 600 * s, "dhi": 150 * s,
                         "temp_air": 30 + 4 * np.cos(2 * np.pi * (h - 15) / 24),
                         "wind_speed": np.zeros(len(idx)), "relative_humidity": np.full(len(idx), 60.0)}, index=idx)


@pytest.mark.parametrize("setpoint", [-18.0, 0.0])
def test_a_chilled_store_uses_less_electricity_per_unit_of_cooling(setpoint):
    spec = b.BuildingSpec(name="cs", type="cold_store", floor_area_m2=5000.0, storeys=1,
                          hvac=b.HVACSpec(type="split_ac"), setpoints=b.SetpointSpec(cooling_c=setpoint))
    df = b.building_loads(spec, _summer(), 31.2, 121.5, zone="hscw")
    q = df["q_cooling_kw"].to_numpy()
    assert q.sum() > 0
    cop = b.cold_store_cop(setpoint, _summer()["temp_air"].to_numpy() + 10.0)  # above the floor all week
    assert df["p_hvac_baseline_kw"].to_numpy() == pytest.approx(q / cop, rel=1e-9)
    # the week's seasonal COP: its cooling over its electricity
    assert df.attrs["cooling_cop"] == pytest.approx(q.sum() / (q / cop).sum(), rel=1e-12)
    assert cop.min() < b.cold_store_cop(setpoint) < cop.max()


def test_the_condensing_temperature_follows_the_air_down_to_its_floor():
    t = np.array([-10.0, 10.0, 15.0, 20.0, 30.0, 35.0])
    np.testing.assert_allclose(b.cold_store_condensing_c(t), [25.0, 25.0, 25.0, 30.0, 40.0, 45.0])
    np.testing.assert_allclose(b.cold_store_condensing_c(t, 35.0), [35.0, 35.0, 35.0, 35.0, 40.0, 45.0])
    # -18 °C store: 1.8 at 40 °C condensing, 2.31 at the 25 °C floor, by the Carnot ratio
    assert b.cold_store_cop(-18.0, 25.0) == pytest.approx(1.8 * (245.15 / 53.0) / (245.15 / 68.0), rel=1e-12)
    assert b.cold_store_cop(-18.0, 25.0) == pytest.approx(2.309, abs=5e-4)
    # 1.8 is half the Carnot COP there, the project's chillers' default efficiency
    assert b.COLD_STORE_COOLING_COP == pytest.approx(0.5 * 245.15 / 68.0, abs=3e-3)


def _winter(days=7):
    w = _summer(days)
    w.index = pd.date_range("2025-01-06", periods=24 * days, freq="h", tz="Asia/Shanghai")
    return w.assign(temp_air=w["temp_air"] - 32.0)  # -2 ± 4 °C


def test_a_winter_store_draws_less_per_unit_of_cooling_unless_its_head_pressure_is_held():
    def store(**hvac):
        spec = b.BuildingSpec(name="cs", type="cold_store", floor_area_m2=5000.0, storeys=1,
                              hvac=b.HVACSpec(type="split_ac", **hvac))
        return b.building_loads(spec, _winter(), 36.1, 120.4, zone="cold")

    floating, held = store(), store(refrigeration_min_condensing_c=40.0)
    assert floating["q_cooling_kw"].sum() > 0
    assert floating.attrs["cooling_cop"] == pytest.approx(b.cold_store_cop(-18.0, 25.0), rel=1e-12)
    assert held.attrs["cooling_cop"] == pytest.approx(1.8, rel=1e-12)  # as before, at 40 °C all week
    np.testing.assert_allclose(floating["p_hvac_baseline_kw"] * 2.309, held["p_hvac_baseline_kw"] * 1.8, rtol=1e-3)


@pytest.mark.parametrize("kw, words", [
    ({"type": "office", "hvac": {"type": "vrf", "refrigeration_min_condensing_c": 30}},
     "hvac.refrigeration_min_condensing_c is for cold stores"),
    ({"type": "cold_store", "hvac": {"type": "vrf", "refrigeration_min_condensing_c": 30, "cooling_cop": 2.0}},
     "give one of the two"),
])
def test_the_floor_is_refused_where_it_would_change_nothing(kw, words):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as e:
        b.BuildingSpec(name="x", floor_area_m2=5000.0, **kw)
    assert words in str(e.value)
