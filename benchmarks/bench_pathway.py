"""A four-period pathway of the largest example on linked representative days.

Usage::

    python benchmarks/bench_pathway.py [--days 24] [--scenario scenarios/manufacturing_suzhou.yaml]

Goal (issue 15): under 5 minutes on this 2-core machine. Runs the pathway in both modes
(``--modes myopic,foresight``): prints the time of each stage (myopic: each period sized on
its representative days, then dispatched over the full year; foresight: the period problems,
the joint LP, then each period dispatched with the joint plan's capacity), the whole pathway,
its ratio to one single-year run measured in the same process, and the objective gap
between the modes (the myopic pathway's present value over the foresight one's, both
dispatched over the full years).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PATHWAY = {"periods": [2026, 2028, 2030, 2035], "end_year": 2040, "load_growth_per_year": 0.02,
           "cost_learning_per_year": {"pv": 0.03, "battery_energy": 0.05, "battery_power": 0.03},
           "period_overrides": {2035: {"objective.kind": "net_zero"}}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=24)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "manufacturing_suzhou.yaml"))
    ap.add_argument("--modes", default="myopic,foresight", help="comma-separated pathway modes to time")
    a = ap.parse_args()
    from twin.pathway.runner import run_pathway
    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    loaded = load_scenario(a.scenario)
    t0 = time.perf_counter()
    run(loaded, resolve_run_config(loaded.scenario, representative_days=a.days, objective="min_cost"))
    single = time.perf_counter() - t0

    class Timer:
        def __init__(self):
            self.t = {}

        def stage(self, text):
            self.cur, self.t0 = text, time.perf_counter()

        def done(self, detail=""):
            self.t[self.cur] = time.perf_counter() - self.t0
            print(f"  {self.cur}: {self.t[self.cur]:.1f} s ({detail})")

        def note(self, text):
            pass

    print(f"single year on {a.days} linked days: {single:.1f} s")
    npv = {}
    for mode in a.modes.split(","):
        print(f"{mode}:")
        t0 = time.perf_counter()
        res = run_pathway(a.scenario, representative_days=a.days,
                          base_overrides={"pathway": {**PATHWAY, "mode": mode}}, progress=Timer())
        total = time.perf_counter() - t0
        npv[mode] = res.npv_cost_cny
        print(f"{mode} four-period pathway: {total:.1f} s (goal < 300 s; {total / single:.2f}x one year)")
        print(f"  present value of the pathway's cost: {res.npv_cost_cny:,.0f} CNY")
        if res.foresight:
            f = res.foresight
            print(f"  joint LP: {f['n_variables']:,} variables, {f['n_constraints']:,} rows, built in "
                  f"{f['build_time_s']:.1f} s, solved in {f['solve_time_s']:.1f} s ({f['algorithm']}); objective on "
                  f"the sizing days {f['objective_cny']:,.0f} CNY")
    if {"myopic", "foresight"} <= set(npv):
        gap = npv["myopic"] / npv["foresight"] - 1.0
        print(f"myopic costs {gap:+.3%} against perfect foresight (present values, full-year dispatch)")


if __name__ == "__main__":
    main()
