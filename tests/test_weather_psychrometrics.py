"""The wet-bulb of the design conditions (weather.stats.wet_bulb) against PsychroLib.

PsychroLib (Meyer & Thevenard 2019, JOSS 4(33) 1137) implements the psychrometric equations
of the ASHRAE Handbook of Fundamentals in scalar form; the tool solves the same equation
vectorised, with the Magnus saturation pressure its RH and dew point use."""

from __future__ import annotations

import numpy as np
import psychrolib
import pytest

from weather.stats import (
    dewpoint,
    humidity_ratio,
    psychrometric_humidity_ratio,
    relative_humidity_from_dewpoint,
    vapour_pressure,
    wet_bulb,
)

psychrolib.SetUnitSystem(psychrolib.SI)


@pytest.mark.parametrize("pressure_pa", [101325.0, 84000.0, 65000.0])  # sea level, 1600 m, 3600 m
def test_wet_bulb_as_psychrolib_in_summer_air(pressure_pa):
    """Summer air from dry to saturated: within 0.05 K of PsychroLib at the same humidity
    ratio (the two saturation-pressure formulas, Magnus and Hyland-Wexler, differ by
    about 0.2 % at 25 degC)."""
    rng = np.random.default_rng(7)
    t = rng.uniform(12.0, 42.0, 400)
    td = t - rng.uniform(0.0, 30.0, t.size)
    w = humidity_ratio(vapour_pressure(td), pressure_pa)
    ours = wet_bulb(t, td, pressure_pa)
    ref = np.array([psychrolib.GetTWetBulbFromHumRatio(a, max(b, 1e-7), pressure_pa) for a, b in zip(t, w)])
    keep = ref > 1.0  # near 0 degC the water and ice forms of the equation differ
    assert keep.sum() > 300
    assert np.max(np.abs(ours - ref)[keep]) < 0.05


def test_wet_bulb_between_dew_point_and_dry_bulb():
    t = np.array([30.0, 30.0, 30.0, -5.0, 5.0])
    td = np.array([30.0, 20.0, -10.0, -12.0, 6.0])  # the last above the air: saturated
    wb = wet_bulb(t, td, 101325.0)
    assert wb[0] == pytest.approx(30.0, abs=1e-6) and wb[4] == pytest.approx(5.0, abs=1e-6)
    assert np.all(wb <= t + 1e-6) and np.all(wb[:4] >= td[:4] - 1e-6)
    # the wet-bulb gives back the air's humidity ratio through the psychrometric equation
    w = humidity_ratio(vapour_pressure(np.minimum(td, t)), 101325.0)
    assert psychrometric_humidity_ratio(t, wb, 101325.0) == pytest.approx(w, rel=1e-6, abs=1e-9)


def test_wet_bulb_of_a_textbook_state():
    """30 degC and 50 % RH at sea level: wet-bulb 22.0 degC (any psychrometric chart; PsychroLib
    gives 22.02 degC)."""
    td = dewpoint(30.0, 50.0)
    assert relative_humidity_from_dewpoint(30.0, td) == pytest.approx(50.0)
    assert float(wet_bulb(30.0, td, 101325.0)) == pytest.approx(
        psychrolib.GetTWetBulbFromRelHum(30.0, 0.5, 101325.0), abs=0.05)
    assert float(wet_bulb(30.0, td, 101325.0)) == pytest.approx(22.0, abs=0.1)
