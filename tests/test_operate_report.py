"""The operational-gap table of the report (twin.operate.report._rows): one row per EV fleet
with each controller in its column, and differences free of solver round-off."""

from twin.operate.metrics import difference, gap
from twin.operate.report import _rows


def _metrics(peak_kw: float, cost: float) -> dict:
    return {"annualised_cost_cny": cost, "costs_cny": {"energy_import": cost, "demand_charge": 0.0, "fuel": 0.0},
            "emissions_tco2": {"gross": 10.0, "offsets_needed": 1.0},
            "monthly_peak_kw": {"1": peak_kw}, "ev_energy_not_delivered_mwh": 0.0,
            "unserved_mwh": {"electricity": 0.0, "heat": 0.0, "cooling": 0.0, "total": 0.0},
            "battery_cycles": 300.0, "curtailment_mwh": 2.0}


def _op() -> dict:
    ev = {"rule": {"trucks": (5187, 0), "vans": (10884, 2)}, "mpc": {"trucks": (5180, 7), "vans": (10886, 0)}}
    op = {"controllers": ["rule", "mpc"], "optimum": _metrics(1185.4133589671708, 1000.0)}
    for c, fleets in ev.items():
        op[c] = _metrics(1185.4133589671708 + 1.14e-12, 1100.0)
        op[c]["run"] = {"ev": {f: {"promises_kept": k, "promises_violated": v} for f, (k, v) in fleets.items()}}
    return op


def test_one_promise_row_per_fleet_with_both_controllers():
    rows = [r for r in _rows(_op(), "en") if "promises" in r[0]]
    assert [r[0] for r in rows] == ["trucks: promises kept / violated", "vans: promises kept / violated"]
    assert rows[0][2:4] == ("5,187 / 0", "5,180 / 7")
    assert rows[1][2:4] == ("10,884 / 2", "10,886 / 0")
    zh = [r for r in _rows(_op(), "zh") if "承诺" in r[0]]
    assert len(zh) == 2 and zh[0][-1] == "次充电"


def test_a_peak_held_at_the_optimum_reads_plus_zero():
    peak = next(r for r in _rows(_op(), "en") if r[0] == "Highest monthly peak")
    assert peak[2] == "1,185 [+0]" and peak[3] == "1,185 [+0]"
    assert difference(1185.4133589671708 + 1.14e-12, 1185.4133589671708) == 0.0
    assert difference(1186.0, 1185.0) == 1.0 and difference(0.5, 0.0) == 0.5
    # summary.json's gap too (sweeps read it as op_*_peak_gap_kw)
    op = _op()
    assert gap(op["rule"], op["optimum"])["max_monthly_peak_kw"] == 0.0
