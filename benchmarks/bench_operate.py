"""The operated year of the largest example: hourly re-optimisation over 48 h windows
against the full-year sizing of the same park, in one run.

``twin.run.run`` on ``scenarios/manufacturing_suzhou.yaml`` (full year, the scenario's
objective) with ``operate="mpc"`` (or ``both``): the sizing stage and the operation stage
are timed by the run's own progress stages.  Printed: sizing stage [s], operation stage
[s] and their ratio (goal <= 2 and < 90 s on the 2-core machine), and inside the
operation: building the window model (full-horizon compile + window model + checks),
HiGHS time, data updates, the Python loop (controller bookkeeping, plant, simpy),
windows solved, mean solve time per window [ms] and simplex iterations per window.

Usage::

    python benchmarks/bench_operate.py                       # full year, MPC only
    python benchmarks/bench_operate.py --operate both
    python benchmarks/bench_operate.py --hours 720 --objective min_cost   # a quick look
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class StageClock:
    """Progress sink that records the wall time of each stage of the run."""

    def __init__(self):
        self.times: dict[str, float] = {}
        self._name, self._t = None, 0.0

    def stage(self, text: str) -> None:
        self._name, self._t = text, time.perf_counter()
        print(f"  {text} ...", end="", flush=True)

    def done(self, detail: str = "") -> None:
        dt = time.perf_counter() - self._t
        self.times[self._name] = dt
        print(f" {detail} {dt:.1f} s", flush=True)

    def note(self, text: str) -> None:
        pass

    def tick(self, text: str) -> None:
        print(f" {text}", end="", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "manufacturing_suzhou.yaml"))
    ap.add_argument("--hours", type=int, default=None)
    ap.add_argument("--objective", default=None)
    ap.add_argument("--operate", default="mpc", choices=["mpc", "rule", "both"])
    args = ap.parse_args()

    from twin.run import run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    loaded = load_scenario(args.scenario)
    cfg = resolve_run_config(loaded.scenario, hours=args.hours, objective=args.objective, operate=args.operate)
    clock = StageClock()
    t0 = time.perf_counter()
    r = run(loaded, cfg, clock)
    total = time.perf_counter() - t0
    sizing = next(v for k, v in clock.times.items() if k.startswith("sizing"))
    operation = next(v for k, v in clock.times.items() if k.startswith("operation"))
    op = r.summary["operation"]
    out = {"scenario": Path(args.scenario).name, "hours": r.profiles.sizes["time"],
           "objective": cfg.objective, "sizing_stage_s": sizing, "operation_stage_s": operation,
           "ratio": operation / sizing, "run_total_s": total,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for c in op["controllers"]:
        run_c = op[c]["run"]
        ctrl = run_c["controller"]
        out[c] = {"total_s": run_c["total_s"], "loop_wall_s": run_c["wall_s"],
                  "controller_s": run_c["controller_s"], "plant_s": run_c["plant_s"],
                  "cost_gap_pct": op["gap"][c]["annualised_cost_pct"]}
        if c == "mpc":
            out[c].update({k: ctrl[k] for k in ("window_build_s", "highs_s", "update_s", "python_s",
                                                "windows_solved", "mean_window_solve_ms",
                                                "simplex_iterations_per_window", "window_columns",
                                                "window_rows", "windows_not_optimal")})
            loop = run_c["wall_s"] - ctrl["highs_s"] - ctrl["update_s"]
            out[c]["python_loop_s"] = loop
            out[c]["python_loop_ms_per_hour"] = 1e3 * loop / max(out["hours"], 1)
    print(json.dumps(out, indent=2))
    goal = out["ratio"] <= 2.0 and operation < 90.0
    print(f"operation {operation:.1f} s vs sizing {sizing:.1f} s: ratio {out['ratio']:.2f} "
          f"(goal <= 2 and < 90 s: {'met' if goal else 'MISSED'})")


if __name__ == "__main__":
    main()
