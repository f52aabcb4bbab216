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


def test_energy_without_a_converter_is_idle_not_infeasible():
    """A pathway period's baseline kept a later battery energy vintage (1,117 kWh, built 2030) after the
    converter it had been added to retired (2026 + 12 years, inside the 2035 period): energy with no power
    cannot hold its minimum state of charge against self-discharge, and the baseline was infeasible with
    nothing elastic to say why, so the pathway stopped. It is now idle and empty."""
    import solvers as S

    T = 24
    bat = S.Battery(name="bess", existing_kwh=1117.0, existing_kw=0.0, max_kwh=1117.0, max_kw=0.0, soc_min=0.1,
                    self_discharge_per_h=0.0005)
    p = S.SizingProblem(dt_h=1.0, electric_load_kw=np.full(T, 100.0),
                        grid=S.GridConnection(price_import_cny_per_kwh=np.full(T, 0.6),
                                              ef_grid_kgco2_per_kwh=np.full(T, 0.5)),
                        batteries=[bat], objective="min_cost")
    r = S.solve(p, S.SolveOptions(solver="simplex"))
    assert r.status == "optimal"
    assert float(r.dispatch["e_battery_kwh"].max()) == pytest.approx(0.0, abs=1e-6)
    # with a converter the minimum state of charge holds as before
    held = S.solve(p.__class__(**{**p.__dict__, "batteries": [S.Battery(
        name="bess", existing_kwh=1117.0, existing_kw=100.0, max_kwh=1117.0, max_kw=100.0, soc_min=0.1,
        self_discharge_per_h=0.0005)]}), S.SolveOptions(solver="simplex"))
    assert float(held.dispatch["e_battery_kwh"].min()) >= 111.7 - 1e-6


def test_a_pathway_names_energy_left_without_its_converter():
    from twin.pathway.runner import energy_without_converter, energy_without_converter_note
    from twin.report_text import phrase

    existing = {"battery_kwh[bess]": 1042.3, "battery_kw[bess]": 0.0, "battery_kwh[b2]": 10.0, "battery_kw[b2]": 5.0,
                "pv_kwp[roofs]": 4410.0}
    assert energy_without_converter(existing) == [("bess", 1042.3)]
    note = energy_without_converter_note(2035, "bess", 1042.3)
    assert note.startswith("2035: battery 'bess' has 1,042 kWh of energy in service but no converter power")
    assert "bess" in phrase(note, "zh") and "battery" not in phrase(note, "zh")
