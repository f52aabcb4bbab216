"""The two accounting bases of the 910号 core indicator, computed by hand.

Acceptance basis (910号 annex 4 as reported by secondary sources): purchased grid
electricity at the national fossil-power factor (0.8325 kgCO2/kWh for 2022, 0.8273 for
2023), green power at zero. Location basis: the grid average factor of the scenario.
Electricity 当量值 0.1229 kgce/kWh (GB/T 2589-2020). One step standing for 20 000 h puts
the parks in the 200 000-1 000 000 tce/yr tier (threshold 0.2 tCO2/tce).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twin.assess.national import national_indicators
from twin.ledger import AccountingSettings, build_ledger

W = 20_000.0  # h the single step stands for


def park(imp_kw, pv_kw, ef=0.5):
    t = pd.date_range("2025-01-01", periods=1, freq="h")
    return xr.Dataset(
        {"p_grid_import_kw": ("time", [float(imp_kw)]), "p_grid_export_kw": ("time", [0.0]),
         "p_pv_kw": (("time", "pv_array"), [[float(pv_kw)]]), "ef_grid_kgco2_per_kwh": ("time", [ef])},
        coords={"time": t, "pv_array": ["roof"]})


def indicators(ds, **settings):
    L = build_ledger(ds, None, AccountingSettings(**settings), step_weight_h=W)
    return L, national_indicators(L)


def test_exactly_at_the_threshold_on_the_acceptance_basis():
    """Import 2 458 kWh and PV 80 792 kWh per hour: CO2 = 2 458·0.8325 kg, energy = 83 250·0.1229 kgce,
    ratio = 2 046.285 / 10 231.425 = 0.2 exactly (×20 000 h: 40 926 tCO2 / 204 628.5 tce)."""
    L, nat = indicators(park(2458, 80792))
    a = L.planned.annual
    assert a["co2_acceptance_t"] == pytest.approx(2458 * 0.8325 * W / 1000, rel=1e-12)
    assert a["tce_total_tce"] == pytest.approx(83250 * 0.1229 * W / 1000, rel=1e-12)
    assert a["carbon_intensity_acceptance_tco2_per_tce"] == pytest.approx(0.2, rel=1e-12)
    core = nat["core"]
    assert core["basis"] == "acceptance" and core["tier"].startswith("200,000") and core["official"]
    assert core["threshold_tco2_per_tce"] == 0.2 and core["pass"] is True
    assert core["value_tco2_per_tce"] == pytest.approx(0.2, rel=1e-12)
    assert core["bases"]["acceptance"]["pass"] is True
    assert "当量值" in core["tce_basis"] and "0.8325" in core["why_bases_differ"]


def test_exactly_at_the_threshold_on_the_location_basis():
    """Grid average 0.5 kgCO2/kWh, import 2 458 kWh, PV 47 542 kWh: 1 229 kg / 6 145 kgce = 0.2."""
    # 122 900 tce: below the first tier, judged against the planner's 0.2 (910号 gives none there)
    L, nat = indicators(park(2458, 47542, ef=0.5), core_indicator_basis="location",
                        core_threshold_below_tier_tco2_per_tce=0.2)
    core = nat["core"]
    assert core["basis"] == "location"
    assert core["value_tco2_per_tce"] == pytest.approx(0.2, rel=1e-12) and core["pass"] is True
    # the same park on the acceptance basis: 2 046.285 / 6 145 = 0.33300 > 0.2
    assert core["bases"]["acceptance"]["value_tco2_per_tce"] == pytest.approx(2046.285 / 6145, rel=1e-12)
    assert core["bases"]["acceptance"]["pass"] is False


def test_passes_on_location_fails_on_acceptance():
    """Grid average 0.4: location 2 458·0.4 / 6 145 = 0.16 (pass); acceptance 0.333 (fail)."""
    L, nat = indicators(park(2458, 47542, ef=0.4), core_threshold_below_tier_tco2_per_tce=0.2)
    core = nat["core"]
    assert core["bases"]["location"]["value_tco2_per_tce"] == pytest.approx(0.16, rel=1e-12)
    assert core["bases"]["location"]["pass"] is True
    assert core["basis"] == "acceptance" and core["pass"] is False
    assert core["value_tco2_per_tce"] == pytest.approx(2046.285 / 6145, rel=1e-12)
    assert L.planned.annual["co2_net_t"] == pytest.approx(2458 * 0.4 * W / 1000, rel=1e-12)  # ledger stays location


def test_acceptance_factor_switch_and_user_value():
    ds = park(1000, 9000)
    a22 = indicators(ds)[0].planned.annual
    a23 = indicators(ds, acceptance_grid_factor="national_fossil_2023")[0].planned.annual
    au = indicators(ds, acceptance_grid_factor="user", acceptance_grid_factor_kgco2_per_kwh=0.7)[0].planned.annual
    assert a22["co2_acceptance_t"] == pytest.approx(1000 * 0.8325 * W / 1000, rel=1e-12)
    assert a23["co2_acceptance_t"] == pytest.approx(1000 * 0.8273 * W / 1000, rel=1e-12)
    assert au["co2_acceptance_t"] == pytest.approx(1000 * 0.7 * W / 1000, rel=1e-12)
    with pytest.raises(ValueError, match="acceptance_grid_factor_kgco2_per_kwh"):
        AccountingSettings(acceptance_grid_factor="user")


def test_green_power_zero_and_certificates_by_the_switch():
    """Import 1 000 kWh/h = 20 000 MWh/yr; green power 5 000 MWh and certificates 5 000 MWh."""
    ds = park(1000, 9000)
    gp = {"green_power_mwh": 5000.0, "green_certificates_mwh": 5000.0}
    f = 0.8325
    expect = {"not_credited": 15_000 * f, "zero": 10_000 * f, "excl_market_nonfossil": 10_000 * f + 5_000 * 0.5856}
    for mode, t in expect.items():
        a = indicators(ds, acceptance_green_certificates=mode, **gp)[0].planned.annual
        assert a["co2_acceptance_t"] == pytest.approx(t, rel=1e-12), mode


def test_tce_basis_changes_the_allowed_grid_share_about_2_3_times():
    """At 0.2 tCO2/tce with only grid and PV, the grid share of electricity may be 0.2·k/f:
    当量值 0.1229 → 2.95 %; 等价值 0.28 → 6.73 % (×2.28)."""
    f = 0.8325
    shares = {}
    for basis, k in (("calorific", 0.1229), ("equivalent", 0.28)):
        share = 0.2 * k / f
        imp = 1000.0
        extra = {"electricity_kgce_per_kwh_equivalent": k} if basis == "equivalent" else {}
        _, nat = indicators(park(imp, imp / share - imp), electricity_tce_basis=basis, **extra)
        assert nat["core"]["value_tco2_per_tce"] == pytest.approx(0.2, rel=1e-12)
        assert ("等价值" if basis == "equivalent" else "当量值") in nat["core"]["tce_basis"]
        shares[basis] = share
    assert shares["equivalent"] / shares["calorific"] == pytest.approx(0.28 / 0.1229, rel=1e-12)
    assert np.isclose(shares["equivalent"] / shares["calorific"], 2.28, atol=0.01)


def test_the_location_basis_credits_no_certificates_unless_asked_and_then_says_market():
    """Certificates for all 2 458 kWh: the location basis stays location-based, 2 458·0.5 / 6 145
    = 0.2 (a park whose certificates cost 25,000 CNY a year had read 0.000, "pass", on a basis
    labelled location); with green_credits_in_core_indicator the same basis credits them (0.0),
    and the sentence and the entry say it is market-based."""
    from twin.report_text import MISSING, phrase

    certs = W * 2458 / 1000  # MWh: every kWh imported over the step's 20 000 h
    L, nat = indicators(park(2458, 47542, ef=0.5), green_certificates_mwh=certs)
    loc = nat["core"]["bases"]["location"]
    assert loc["value_tco2_per_tce"] == pytest.approx(0.2, rel=1e-12) and loc["green_credits"] is False
    assert "credits no green power or certificates (location-based)" in nat["core"]["why_bases_differ"]
    L, nat = indicators(park(2458, 47542, ef=0.5), green_certificates_mwh=certs, green_credits_in_core_indicator=True)
    loc = nat["core"]["bases"]["location"]
    assert loc["value_tco2_per_tce"] == pytest.approx(0.0, abs=1e-12) and loc["green_credits"] is True
    why = nat["core"]["why_bases_differ"]
    assert "(market-based: accounting.green_credits_in_core_indicator)" in why
    assert "基于市场口径" in phrase(why, "zh") and why not in MISSING


def test_the_console_says_assumed_threshold_and_not_rated():
    """Below the official tiers the console's pass/fail says it is against the planner's threshold (or not
    judged, without one), and a chapter-7 score whose control items fail says 'NOT RATED' (the headline had
    shown 38.0/100 alone)."""
    from twin.results.summary import headline

    core = {"value_tco2_per_tce": 2.493, "basis": "acceptance", "tce_basis": "当量值", "tier": "no official tier",
            "official": False, "threshold_tco2_per_tce": 0.2, "pass": False,
            "bases": {"location": {"value_tco2_per_tce": 1.854, "pass": False, "green_credits": False}}}
    s = {"emissions_tco2": {"baseline": 10.0, "residual": 5.0, "offsets": 0.0}, "sizes": {},
         "pv_share_of_electricity": 0.5, "annualised_cost_cny": 1.0, "baseline_cost_cny": 2.0,
         "scorecard": {"aggregate": {"chapter7_Q": 38.0, "QA": 5.0, "control_items_met": False},
                       "rubric": {"provisional": True, "id": "r"}, "national": {"core": core}}}
    text = headline(s)
    assert "chapter 7 38.0/100, chapter 12 bonus 5.0; NOT RATED (不达标): a control item is not met" in text
    assert "tier no official tier, pass: False against the planner's 0.200 tCO2/tce, not 910号's)" in text
    assert "location basis: 1.854 tCO2/tce (pass: False against the planner's" in text
    unjudged = json.loads(json.dumps(s))
    c = unjudged["scorecard"]["national"]["core"]
    c.update(threshold_tco2_per_tce=None, **{"pass": None})
    c["bases"]["location"]["pass"] = None
    assert ("tier no official tier, not judged: 910号 gives no threshold for a park of this size)"
            in headline(unjudged))
    core["bases"]["location"]["green_credits"] = True
    assert "market basis (green power and certificates credited): 1.854" in headline(s)
    # twin compare: the same two facts as rows of their own
    from twin.compare import METRICS

    rows = {m.key: m for m in METRICS}
    assert rows["core_threshold_official"].get(s, {}) is False and rows["ch7_rated"].get(s, {}) is False


def test_certificates_in_the_clean_share_are_a_labelled_switch():
    """Certificates for all 2 458 kWh imported: the 910号 clean-energy share is (47 542 + 2 458) / 50 000
    = 1.0 with them counted as clean (default) and 47 542 / 50 000 = 0.95084 without; the guiding
    indicator's source says which, and the open parameters list the switch."""
    from twin.report_text import MISSING, phrase

    certs = W * 2458 / 1000
    L, nat = indicators(park(2458, 47542), green_certificates_mwh=certs)
    assert L.planned.annual["clean_energy_share"] == pytest.approx(1.0, rel=1e-12)
    L, nat = indicators(park(2458, 47542), green_certificates_mwh=certs, certificates_in_clean_share=False)
    assert L.planned.annual["clean_energy_share"] == pytest.approx(47542 / 50000, rel=1e-12)
    g = next(x for x in nat["guiding"] if x["key"] == "clean_energy_share")
    assert "count as ordinary grid electricity here (accounting.certificates_in_clean_share)" in g["source"]
    assert phrase(g["source"], "zh").startswith("计算（台账）：此处") and g["source"] not in MISSING
    op = next(x for x in nat["open_parameters"] if x["name"] == "certificates_in_clean_share")
    assert op["value"] is False
