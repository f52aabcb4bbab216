"""Tests of the battery parameters and helpers (twin.components.battery), by hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from twin.components.battery import (
    BatterySpec,
    capacity_fade,
    charge_discharge_efficiency,
    equivalent_full_cycles,
    throughput_degradation_cost,
    years_to_end_of_life,
)


def test_efficiency_split():
    eta_c, eta_d = charge_discharge_efficiency(0.81)
    assert eta_c == pytest.approx(0.9) and eta_d == pytest.approx(0.9)
    spec = BatterySpec()
    assert spec.charge_efficiency * spec.discharge_efficiency == pytest.approx(0.88)
    arr_c, arr_d = charge_discharge_efficiency(np.array([0.64, 1.0]))
    np.testing.assert_allclose(arr_c, [0.8, 1.0])
    np.testing.assert_allclose(arr_c * arr_d, [0.64, 1.0])
    with pytest.raises(ValueError):
        charge_discharge_efficiency(1.2)


def test_degradation_cost_hand_values():
    # 800 CNY/kWh over 6000 full cycles (no fade averaging): 800 / 6000 = 0.1333 CNY/kWh
    assert throughput_degradation_cost(800.0, 6000) == pytest.approx(800 / 6000)
    # at DoD 0.9 and average capacity (1 + 0.8) / 2 = 0.9: 800 / (6000 * 0.81) = 0.16461
    assert throughput_degradation_cost(800.0, 6000, 0.9, 0.8) == pytest.approx(0.164609, rel=1e-5)
    spec = BatterySpec()
    assert spec.degradation_cost(800.0) == pytest.approx(0.164609, rel=1e-5)
    assert BatterySpec(degradation_cost_cny_per_kwh=0.05).degradation_cost(800.0) == 0.05
    with pytest.raises(ValueError):
        throughput_degradation_cost(800.0, 0)


def test_equivalent_full_cycles():
    # one full charge and one full discharge of 100 kWh over 4 h at 25 kW = 1 cycle
    pc = np.r_[np.full(4, 25.0), np.zeros(4)]
    pdis = np.r_[np.zeros(4), np.full(4, 25.0)]
    assert equivalent_full_cycles(pc, pdis, 100.0) == pytest.approx(1.0)
    # 15-min steps: a quarter of the energy
    assert equivalent_full_cycles(pc, pdis, 100.0, dt_h=0.25) == pytest.approx(0.25)
    assert equivalent_full_cycles(pc, pdis, 0.0) == 0.0
    with pytest.raises(ValueError):
        equivalent_full_cycles(-pc, pdis, 100.0)


def test_capacity_fade_hand_values():
    # calendar only: after 15/4 yr the loss is 0.2 * sqrt(1/4) = 0.1
    assert capacity_fade(15 / 4, 0.0) == pytest.approx(0.9)
    # cycle only: 2700 EFC = 2700 / (6000 * 0.9) = half the rated life -> loss 0.1
    assert capacity_fade(0.0, 2700.0) == pytest.approx(0.9)
    # both superpose
    assert capacity_fade(15 / 4, 2700.0) == pytest.approx(0.8)
    np.testing.assert_allclose(capacity_fade(np.array([0.0, 15.0]), np.array([0.0, 0.0])),
                               [1.0, 0.8])
    assert capacity_fade(100.0, 1e6) == 0.0  # floored


def test_years_to_end_of_life():
    assert years_to_end_of_life(0.0) == pytest.approx(15.0)
    # 365 EFC/yr: sqrt(t/15) + t*365/5400 = 1
    t = years_to_end_of_life(365.0)
    assert math.sqrt(t / 15) + t * 365 / 5400 == pytest.approx(1.0)
    assert capacity_fade(t, 365.0 * t) == pytest.approx(0.8)
    assert 5.0 < t < 15.0


def test_spec_validation():
    with pytest.raises(ValidationError, match="soc_min"):
        BatterySpec(soc_min=0.9, soc_max=0.5)
    with pytest.raises(ValidationError, match="min_kwh"):
        BatterySpec(min_kwh=100.0, max_kwh=50.0)
    with pytest.raises(ValidationError):
        BatterySpec(chemistry="lead")  # extra fields forbidden
    for name, field in BatterySpec.model_fields.items():
        assert field.description and "[" in field.description, name
