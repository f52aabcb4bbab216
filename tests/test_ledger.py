"""Hand-calculated ledgers for a small synthetic park (4 hourly steps, each standing for 2190 h).

Reference constants not written by this project: GB/T 2589-2020 (electricity 当量值
0.1229 kgce/kWh, 1 kgce = 29.3076 MJ) and IPCC 2006 Vol.2 table 2.2 (natural gas
56 100 kgCO2/TJ). Tolerance 1e-9 relative: the sums are exact arithmetic on the inputs.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pydantic
import pytest
import xarray as xr

from twin.assess.national import national_indicators
from twin.ledger import AccountingSettings, build_ledger

W = 2190.0  # h per step: 4 steps = 8760 h
REL = 1e-9


def park(imp, exp, pv, gas, ef=0.5):
    t = pd.date_range("2025-01-01", periods=len(imp), freq="h")
    return xr.Dataset(
        {
            "p_grid_import_kw": ("time", np.asarray(imp, float)),
            "p_grid_export_kw": ("time", np.asarray(exp, float)),
            "p_pv_kw": (("time", "pv_array"), np.asarray(pv, float)[:, None]),
            "fuel_gas_kw": ("time", np.asarray(gas, float)),
            "ef_grid_kgco2_per_kwh": ("time", np.full(len(imp), ef)),
        },
        coords={"time": t, "pv_array": ["roof"]},
    )


PLANNED = park([100, 50, 0, 80], [0, 0, 30, 0], [0, 50, 130, 20], [10, 10, 10, 10])
BASELINE = park([100, 100, 100, 100], [0, 0, 0, 0], [0, 0, 0, 0], [20, 20, 20, 20])


def test_hand_calculated_planned_and_baseline():
    """Planned: import 230 kW·step → 503 700 kWh; export 65 700; PV 438 000 of which 65 700
    exported, 372 300 self-consumed; consumption 503 700 + 438 000 − 65 700 = 876 000 kWh →
    107.6604 tce; gas 87 600 kWh → 87 600·3.6/29.3076/1000 = 10.76035 tce and
    0.31536 TJ·56.1 t/TJ = 17.69170 tCO2; grid 503 700·0.5 = 251.85 tCO2.
    Baseline: import 876 000 kWh → 438 tCO2, 107.6604 tce; gas 175 200 kWh → 35.3834 tCO2."""
    L = build_ledger(PLANNED, BASELINE, AccountingSettings(), sizes={"pv_kwp": 100.0}, step_weight_h=W)
    a = L.planned.annual
    assert a["e_grid_import_kwh"] == pytest.approx(503_700, rel=REL)
    assert a["e_pv_self_consumed_kwh"] == pytest.approx(372_300, rel=REL)
    assert a["e_pv_exported_kwh"] == pytest.approx(65_700, rel=REL)
    assert a["e_electricity_consumption_kwh"] == pytest.approx(876_000, rel=REL)
    assert a["tce_electricity_tce"] == pytest.approx(107.6604, rel=REL)
    gas_tce = 87_600 * 3.6 / 29.3076 / 1000
    assert a["tce_fuels_tce"] == pytest.approx(gas_tce, rel=REL)
    assert a["co2_fuel_natural_gas_t"] == pytest.approx(0.31536 * 56.1, rel=REL)
    assert a["co2_gross_t"] == pytest.approx(251.85 + 0.31536 * 56.1, rel=REL)
    assert a["carbon_intensity_location_tco2_per_tce"] == pytest.approx(
        (251.85 + 17.69170) / (107.6604 + gas_tce), rel=1e-6)
    # the core indicator is on the acceptance basis by default: import at 0.8325 kgCO2/kWh
    assert a["carbon_intensity_tco2_per_tce"] == pytest.approx(
        (503_700 * 0.8325 / 1000 + 17.69170) / (107.6604 + gas_tce), rel=1e-6)
    assert a["renewable_share"] == pytest.approx(372_300 * 0.0001229 / (107.6604 + gas_tce), rel=REL)
    assert a["pv_specific_yield_kwh_per_kwp"] == pytest.approx(4380.0, rel=REL)
    b = L.baseline.annual
    assert b["co2_gross_t"] == pytest.approx(438 + 175_200 * 3.6e-6 * 56.1, rel=REL)
    cmp = {r["quantity"]: r for r in L.comparison()}
    assert cmp["co2_gross_t"]["from"] == pytest.approx(b["co2_gross_t"])
    assert cmp["co2_gross_t"]["to"] == pytest.approx(a["co2_gross_t"])
    assert L.internal_abatement_t == pytest.approx(b["co2_gross_t"] - a["co2_gross_t"])
    ds = L.to_dataset()
    assert ds["annual_co2_net_t"].attrs["units"] == "tCO2"
    assert list(ds["case"].values) == ["baseline", "planned"]
    json.dumps(L.to_dict())  # JSON-safe
    assert {"quantity", "value", "unit", "formula", "source"} <= set(L.evidence[0])


def test_exports_larger_than_imports():
    """Import 10 kW in step 1, export 100 kW in step 2 (PV 150): import 21 900 kWh → 10.95 t;
    export at grid factor 219 000·0.5 = 109.5 t. 'none' keeps 10.95 t; net credits only up to
    the import (10.95 t → 0) and reports the 98.55 t surplus, never negative emissions."""
    ds = park([10, 0], [0, 100], [0, 150], [0, 0])
    none = build_ledger(ds, None, step_weight_h=W).planned.annual
    assert none["co2_after_internal_t"] == pytest.approx(10.95, rel=REL)
    net = build_ledger(ds, None, AccountingSettings(export_credit="net_at_grid_factor"), step_weight_h=W).planned.annual
    assert net["co2_export_credit_t"] == pytest.approx(10.95, rel=REL)
    assert net["co2_after_internal_t"] == pytest.approx(0.0, abs=1e-9)
    assert net["co2_export_surplus_t"] == pytest.approx(98.55, rel=REL)
    assert net["e_electricity_consumption_kwh"] == pytest.approx(21_900 + 328_500 - 219_000, rel=REL)


def test_green_credits_capped_then_offsets_capped_last():
    """Planned grid import 503.7 MWh at 0.5 t/MWh. Green power 400 MWh → 200 t; certificates
    300 MWh but only 103.7 MWh of import left → 51.85 t, 196.3 MWh unused. Left: gas 17.6917 t.
    Offsets 100 t capped at 5 % of 17.6917 = 0.884585 t (cap on what is left)."""
    s = AccountingSettings(green_power_mwh=400, green_certificates_mwh=300, offsets_tco2=100,
                           offsets_cap_basis="after_internal")
    L = build_ledger(PLANNED, BASELINE, s, step_weight_h=W)
    a = L.planned.annual
    assert a["co2_green_power_credit_t"] == pytest.approx(200.0, rel=REL)
    assert a["green_certificates_credited_mwh"] == pytest.approx(103.7, rel=REL)
    assert a["green_certificates_unused_mwh"] == pytest.approx(196.3, rel=REL)
    gas_t = 0.31536 * 56.1
    assert a["co2_after_internal_t"] == pytest.approx(gas_t, rel=1e-9)
    assert a["offsets_used_t"] == pytest.approx(0.05 * gas_t, rel=REL)
    assert a["offsets_unused_t"] == pytest.approx(100 - 0.05 * gas_t, rel=REL)
    assert a["co2_net_t"] == pytest.approx(0.95 * gas_t, rel=REL)
    # the baseline never gets green credits or offsets
    assert L.baseline.annual["offsets_used_t"] == 0.0
    assert L.baseline.annual["co2_green_power_credit_t"] == 0.0


def test_equivalent_basis_requires_value_and_scales_tce():
    with pytest.raises(pydantic.ValidationError, match="electricity_kgce_per_kwh_equivalent"):
        AccountingSettings(electricity_tce_basis="equivalent")
    s = AccountingSettings(electricity_tce_basis="equivalent", electricity_kgce_per_kwh_equivalent=0.3)
    a = build_ledger(PLANNED, None, s, step_weight_h=W).planned.annual
    assert a["tce_electricity_tce"] == pytest.approx(876_000 * 0.3 / 1000, rel=REL)


def test_tiers_below_mid_and_large():
    """Small park (118 tce) → no official tier and no threshold: 910号 publishes none below 20万 tce and there
    is none to default to (standards update 2026-12, §6 item 3), so the indicator is computed but not judged;
    a planner's value judges it, reported as the planner's.
    Scaling each step to 1e7 h gives 491 tce·… > 1e6 tce → large tier at 0.3."""
    small = national_indicators(build_ledger(PLANNED, None, step_weight_h=W))
    assert small["core"]["tier"] == "no official tier"
    assert small["core"]["official"] is False
    assert small["core"]["threshold_tco2_per_tce"] is None and small["core"]["pass"] is None
    assert all(b["pass"] is None for b in small["core"]["bases"].values())
    assert "not judged" in small["notes"][0]
    row = next(p for p in small["open_parameters"] if p["name"] == "core_threshold_below_tier_tco2_per_tce")
    assert row["value"] == "none (not judged)"
    own = national_indicators(build_ledger(PLANNED, None, AccountingSettings(core_threshold_below_tier_tco2_per_tce=0.25),
                                           step_weight_h=W))
    assert own["core"]["threshold_tco2_per_tce"] == 0.25 and own["core"]["pass"] is not None
    assert "planner's value 0.25" in own["notes"][0]
    row = next(p for p in own["open_parameters"] if p["name"] == "core_threshold_below_tier_tco2_per_tce")
    assert row["status"] == "planner's value"
    big = national_indicators(build_ledger(PLANNED, None, step_weight_h=2.0e7))
    assert big["core"]["tce_total"] > 1e6
    assert big["core"]["threshold_tco2_per_tce"] == 0.3 and big["core"]["official"] is True
    assert big["core"]["pass"] is False


def test_offset_cap_on_gross_emissions_like_the_optimiser():
    """Suzhou example (full-year run): gross 22 000 t, certificates 11 000 t, optimiser retired
    11 000 t of offsets under max_offset_share 0.5 of *gross* emissions. The ledger must agree:
    cap = min(0.5 · gross, what is left). Here with the hand park: gross 251.85 + 17.6917 t,
    certificates 200 MWh → 100 t, left 169.5417 t; 50 % of gross = 134.7709 t < left → used
    134.7709 t, net 34.7709 t. Offsets 1000 t with share 1.0 are capped at what is left (net 0,
    never negative). Exact arithmetic, tolerance 1e-9 relative."""
    gross = 251.85 + 0.31536 * 56.1
    s = AccountingSettings(green_certificates_mwh=200, offsets_tco2=1000, offsets_max_share=0.5)
    a = build_ledger(PLANNED, BASELINE, s, step_weight_h=W).planned.annual
    assert a["co2_gross_t"] == pytest.approx(gross, rel=REL)
    assert a["co2_after_internal_t"] == pytest.approx(gross - 100.0, rel=REL)
    assert a["offsets_used_t"] == pytest.approx(0.5 * gross, rel=REL)
    assert a["co2_net_t"] == pytest.approx(gross - 100.0 - 0.5 * gross, rel=REL)
    s = AccountingSettings(green_certificates_mwh=200, offsets_tco2=1000, offsets_max_share=1.0)
    a = build_ledger(PLANNED, BASELINE, s, step_weight_h=W).planned.annual
    assert a["offsets_used_t"] == pytest.approx(gross - 100.0, rel=REL)
    assert a["co2_net_t"] == pytest.approx(0.0, abs=1e-9)


def test_a_changed_910_value_is_the_planners_never_the_notices():
    """Review: with tier_lower_tce 1000, core_threshold_mid 3.0 and clean_energy_share_target 0.5 the outputs said
    'official: true', '910号 annex 3', pass, and the clean-energy row cited 910号 for ≥50 %."""
    s = AccountingSettings(tier_lower_tce=100.0, core_threshold_mid_tco2_per_tce=3.0, clean_energy_share_target=0.5)
    nat = national_indicators(build_ledger(PLANNED, None, s, step_weight_h=W))
    core = nat["core"]
    assert core["tce_total"] > 100.0
    assert core["official"] is False and core["threshold_tco2_per_tce"] == 3.0
    assert core["tier"].endswith("(planner's)")
    assert "accounting.tier_lower_tce 100 (910号: 200,000)" in core["note"]
    assert "accounting.core_threshold_mid_tco2_per_tce 3 (910号: 0.2)" in core["note"]
    clean = next(g for g in nat["guiding"] if g["key"] == "clean_energy_share")
    assert "the planner's value 0.5" in clean["source"] and "910号: 0.9" in clean["source"]
    rows = {p["name"]: p for p in nat["open_parameters"] if p["status"] == "planner's value"}
    assert set(rows) >= {"tier_lower_tce", "core_threshold_mid_tco2_per_tce", "clean_energy_share_target"}
    from twin.report_text import phrase
    for text in [core["note"], clean["source"], *nat["notes"], *(r["note"] for r in rows.values())]:
        assert phrase(text, "zh") != text, text
    # the notice's own values: official, as before
    plain = national_indicators(build_ledger(PLANNED, None, step_weight_h=2.0e7))
    assert plain["core"]["official"] is True and plain["core"]["note"] == "910号 annex 3 [ndrc-910-2025]"
    assert not [p for p in plain["open_parameters"] if p["status"] == "planner's value"]
