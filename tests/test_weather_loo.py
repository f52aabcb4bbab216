"""Leave-one-out over all 329 bundled stations (slow): the figures of weather/VALIDATION.md.

The issue's goals (annual temperature 1.0 K, worst month 2.0 K, annual GHI and PV yield 8 %,
each at 95 % of stations) are not all met; these limits are the measured 95th percentiles
rounded up, so the test catches regressions of the method and states the gap.
"""

from __future__ import annotations

import numpy as np
import pytest

from weather.validation import GOALS, leave_one_out, summarise_loo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loo():
    return leave_one_out(pv=False)


def test_loo_temperature_and_ghi_by_region(loo):
    s = summarise_loo(loo)
    assert len(loo) == 328  # 329 less the suspect Huang.Shan TMYx file
    assert s.loc["all", "t_annual_p95"] <= 1.6
    assert s.loc["all", "t_worst_p95"] <= 4.2
    assert s.loc["all", "ghi_p95"] <= 0.105
    assert s.loc["all", "t_annual_mean"] <= 0.6 and s.loc["all", "ghi_mean"] <= 0.035
    # where stations are dense the goals hold
    assert s.loc["south", "t_annual_p95"] <= GOALS["t_annual_k"]
    assert s.loc["east coast", "ghi_p95"] <= GOALS["ghi_annual"]
    # share of stations within the goals
    assert (np.abs(loo["t_annual"]) <= GOALS["t_annual_k"]).mean() >= 0.85


def test_loo_pv_yield_of_a_sample(shared_dir):
    """PV yield through the synthetic year for stations left out: within the 8 % goal where
    TMYx/SWERA stations are dense; Hotan (nearest radiation station 572 km) misses it."""
    dense = ["TMYx-58358", "TMYx-59287", "TMYx-58238", "TMYx-56294", "TMYx-54342"]
    r = leave_one_out(pv=True, ids=[*dense, "SWERA-51828"]).set_index("id")
    assert (r.loc[dense, "pv_yield"].abs() <= GOALS["pv_yield"]).all(), r
    assert abs(r.loc["SWERA-51828", "pv_yield"]) <= 0.16, r
