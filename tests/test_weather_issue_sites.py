"""The sites issue 11 measured: the files' values recovered from its stated errors
(``scripts/derive_issue_sites.py``, ``benchmarks/issue11_sites.json``) and today's method
against them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from weather.validation import GOALS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "issue11_sites.json"


def _script():
    spec = importlib.util.spec_from_file_location("derive_issue_sites",
                                                  ROOT / "scripts" / "derive_issue_sites.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def recovered_sites() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_recovered_value_inverts_the_stated_error():
    rec = _script().recovered
    # estimate less file: -13.5 K from -5.2 degC means a file at 8.3 degC
    assert rec(-5.2, -13.5, "t_annual") == pytest.approx(8.3)
    # +11.1 % from 2020 kWh/m2 means a file at 2020 / 1.111
    assert rec(2020.0, 0.111, "ghi_annual") == pytest.approx(1818.2, abs=0.1)
    assert rec(1890.0, 0.153, "pv_yield") == pytest.approx(1639.2, abs=0.1)


def test_every_measurement_of_the_issue_is_recovered(recovered_sites):
    mod = _script()
    rows = recovered_sites["sites"]
    assert [(r["site"], r["quantity"], r["issue_error"]) for r in rows] == mod.ISSUE_ERRORS
    assert recovered_sites["commit"] == mod.ISSUE_COMMIT
    for r in rows:
        assert (r["lat"], r["lon"], r["elevation_m"]) == mod.SITES[r["site"]][2:]
        assert r["issue_estimate"] == pytest.approx(
            recovered_sites["method_then"][r["site"]][r["quantity"]])
        assert r["file_value"] == pytest.approx(
            mod.recovered(r["issue_estimate"], r["issue_error"], r["quantity"]), abs=2e-3)


def test_recovered_values_match_the_files_at_hand(recovered_sites):
    """Shenzhen's TMYx GHI and Kunming's TMYx temperature are the files the issue measured."""
    rec = {(r["site"], r["quantity"]): r["file_value"] for r in recovered_sites["sites"]}
    hand = recovered_sites["files_at_hand"]
    assert hand["Shenzhen"][0]["ghi_annual"] == pytest.approx(rec[("Shenzhen", "ghi_annual")],
                                                              rel=0.005)
    assert hand["Kunming"][0]["t_annual"] == pytest.approx(rec[("Kunming", "t_annual")], abs=0.1)
    assert all(len(f["sha256"]) == 64 for fs in hand.values() for f in fs)


def test_todays_method_at_the_issues_sites(recovered_sites):
    """At the sites the issue measured, today's estimate is within the goal where the issue
    found 3 of 12 temperatures, and closer than the issue's method for every measurement."""
    mod = _script()
    now, errors = {}, []
    for r in recovered_sites["sites"]:
        key = (r["lat"], r["lon"], r["elevation_m"])
        if key not in now:
            now[key] = mod.site_estimates(*key)
        e = mod.error_against(now[key][r["quantity"]], r["file_value"], r["quantity"])
        errors.append((r["site"], r["quantity"], r["issue_error"], e))
    for site, q, then, e in errors:
        assert abs(e) < abs(then), (site, q, then, e)
    t = np.array([abs(e) for _, q, _, e in errors if q == "t_annual"])
    assert (t <= GOALS["t_annual_k"]).sum() >= 11, t
    assert t.max() < 1.6, t  # Lhasa's valley (weather/VALIDATION.md, Limits)
