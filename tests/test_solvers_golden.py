"""Golden small-model test: any change of the formulation shows up as a reviewed diff.

A fixed six-hour instance with every block that matters for sizing (PV, battery,
monthly demand charge, air heat pump, thermal store, existing gas boiler, a V2G fleet
whose bidirectional share is a decision, green power, certificates and offsets under
net zero) is compiled and written as canonical LP text
(:func:`solvers.lpfile.canonical_lp`: rows and terms sorted by name, 12 significant
digits), which must equal ``tests/data/golden/small_model.lp`` line for line; its
optimal cost is pinned in ``tests/data/golden/small_model.json``.

After an intended change of the formulation, regenerate both files and review the
diff before committing it::

    PARK_TWIN_REGEN_GOLDEN=1 pytest tests/test_solvers_golden.py
    git diff tests/data/golden/

Tolerance of the pinned optimum: 1e-9 relative.  The instance is small and well
scaled (coefficients 1e-3 to 1e3), and HiGHS's simplex and interior-point optima of
it agree to about 1e-12 relative (checked below), so 1e-9 leaves room for rounding
only, not for a formulation change.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from solvers import (AssetCost, Battery, Carbon, EVFleet, GasBoiler, GridConnection, HeatPump,
                     PVArray, SizingProblem, SolveOptions, ThermalStorage, solve)
from solvers.lpfile import canonical_lp

GOLDEN = Path(__file__).parent / "data" / "golden"
LP = GOLDEN / "small_model.lp"
META = GOLDEN / "small_model.json"
REGEN = os.environ.get("PARK_TWIN_REGEN_GOLDEN") == "1"


def cost(capex: float, years: float = 10.0) -> AssetCost:
    return AssetCost(capex_cny_per_unit=capex, lifetime_yr=years, om_fraction_per_yr=0.01)


def small_model() -> SizingProblem:
    """Six hours standing for a year (weight 1460 each): night, morning, noon x2,
    evening peak, late evening; TOU price, flat grid factor 0.58 kgCO2/kWh."""
    price = np.array([0.3, 0.65, 0.65, 0.65, 1.05, 0.65])
    grid = GridConnection(price_import_cny_per_kwh=price,
                          ef_grid_kgco2_per_kwh=np.full(6, 0.58), import_limit_kw=400.0,
                          demand_charge_cny_per_kw_month=30.0, month=np.array([1, 1, 1, 7, 7, 7]))
    pv = PVArray("roof", np.array([0.0, 0.3, 0.8, 0.75, 0.1, 0.0]), max_kwp=200.0,
                 existing_kwp=50.0, cost=cost(3000.0, 25.0))
    battery = Battery(energy_cost=cost(700.0, 12.0), power_cost=cost(300.0, 12.0), eta_charge=0.95,
                      eta_discharge=0.95, soc_min=0.1, c_rate_max=0.5, degradation_cny_per_kwh=0.05)
    hp = HeatPump("ashp", np.array([2.5, 2.8, 3.4, 3.5, 3.0, 2.6]), cost=cost(1200.0, 15.0))
    tes = ThermalStorage(cost=cost(30.0, 20.0), loss_per_h=0.01, max_power_per_kwh=0.25)
    gas = GasBoiler(efficiency=0.92, fuel_price_cny_per_kwh=0.35, ef_fuel_kgco2_per_kwh=0.2,
                    existing_kw=150.0, max_kw=150.0)
    ev = EVFleet("vans", p_uncontrolled_kw=np.array([0, 0, 0, 0, 40.0, 20.0]),
                 p_charge_max_kw=np.array([60.0, 0, 0, 0, 60.0, 60.0]),
                 e_cum_min_kwh=np.array([0.0, 0, 0, 0, 0, 50.0]),
                 e_cum_max_kwh=np.array([70.0, 70, 70, 70, 70, 80]),
                 p_discharge_max_kw=np.array([20.0, 0, 0, 0, 30.0, 0]), eta_charge=0.92,
                 eta_discharge=0.92, v2g_degradation_cny_per_kwh=0.1, mode="v2g", chargers=6,
                 v2g_share=0.5, v2g_charger_cost=cost(6000.0, 8.0))
    carbon = Carbon(offset_price_cny_per_t=70.76, offset_max_share=0.5,
                    certificate_price_cny_per_mwh=5.15, certificate_max_mwh=300.0,
                    green_power_premium_cny_per_mwh=8.0, green_power_max_mwh=400.0)
    return SizingProblem(
        dt_h=1.0, electric_load_kw=np.array([80.0, 120, 150, 150, 140, 100]), grid=grid,
        weights=np.full(6, 8760.0 / 6), pv=[pv], batteries=[battery],
        heat_demand_kw=np.array([60.0, 90, 70, 60, 100, 80]), heat_pumps=[hp], boilers=[gas],
        thermal_stores=[tes], ev_fleets=[ev], carbon=carbon, discount_rate=0.06,
        objective="net_zero")


def _diff(expected: str, got: str, n: int = 60) -> str:
    lines = list(difflib.unified_diff(expected.splitlines(), got.splitlines(), "golden",
                                      "current", lineterm=""))
    more = f"\n... {len(lines) - n} more diff lines" if len(lines) > n else ""
    return "\n".join(lines[:n]) + more


def test_compiled_model_matches_golden_lp():
    text = canonical_lp(small_model(), title="golden small model, tests/test_solvers_golden.py")
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        LP.write_text(text, encoding="utf-8")
    expected = LP.read_text(encoding="utf-8")
    assert text == expected, ("the compiled model differs from the golden LP; if intended, "
                              "regenerate (see module docstring) and review:\n"
                              + _diff(expected, text))


def test_canonical_lp_is_stable_and_readable_by_highs(tmp_path):
    """Two builds give the same text, and HiGHS reads the golden LP back and finds the
    same optimum as the model handed over directly (plus the written constant)."""
    import highspy

    text = canonical_lp(small_model())
    assert canonical_lp(small_model()) == text
    path = tmp_path / "m.lp"
    path.write_text(text, encoding="utf-8")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    offset = float(text.split("objective constant: ")[1].split("\n")[0])
    direct = solve(small_model())
    assert h.getInfo().objective_function_value + offset == pytest.approx(direct.objective_cny,
                                                                        rel=1e-9)


def test_optimal_objective_is_pinned():
    r = solve(small_model())
    r_ipm = solve(small_model(), SolveOptions(solver="ipm"))
    meta = {"objective_cny": r.objective_cny, "n_variables": r.n_variables,
            "n_constraints": r.n_constraints,
            "note": "regenerate with PARK_TWIN_REGEN_GOLDEN=1 pytest tests/test_solvers_golden.py"}
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        META.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    pinned = json.loads(META.read_text(encoding="utf-8"))
    assert r.status == "optimal"
    assert (r.n_variables, r.n_constraints) == (pinned["n_variables"], pinned["n_constraints"])
    assert r.objective_cny == pytest.approx(pinned["objective_cny"], rel=1e-9)
    assert r_ipm.objective_cny == pytest.approx(pinned["objective_cny"], rel=1e-9)
    # the instance exercises what it is meant to (values of this optimum, 1e-6 relative):
    # net zero reached with green power and certificates at their limits, offsets for the
    # rest, and a bidirectional share between 0 and the simulated 0.5
    assert r.emissions["net_t"] == pytest.approx(0.0, abs=1e-6)
    assert r.emissions["green_power_mwh"] == pytest.approx(400.0, rel=1e-6)
    assert r.emissions["certificates_mwh"] == pytest.approx(300.0, rel=1e-6)
    assert r.emissions["offsets_t"] > 1.0
    assert 0.01 < r.sizes["ev_v2g_share"]["vans"] < 0.49
    assert r.sizes["tes_kwh"]["tes"] > 1.0 and r.sizes["battery_kwh"]["battery"] > 1.0
