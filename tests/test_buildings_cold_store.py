"""A cold store's refrigeration COP follows its setpoint (a chilled store is not a freezer)."""

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
    assert df.attrs["cooling_cop"] == pytest.approx(b.cold_store_cop(setpoint))
    assert df["p_hvac_baseline_kw"].to_numpy() == pytest.approx(q / b.cold_store_cop(setpoint), rel=1e-9)
