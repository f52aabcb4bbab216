"""A requirement out of reach (``out_of_reach: closest``): the time to the verdict and to the plan at the best value.

In one process, on the largest example (``scenarios/manufacturing_suzhou.yaml``) with a requirement put out of
reach by ``--set`` (default: a 910号 core indicator of 0.2 at least cost, as a Xiamen factory's full year had),
the sizing problem built as ``twin run`` builds it, then two flows on it:

``now``
    ``twin.run._solve_closest``: the interior point's verdict, the elastic re-solve that decides it (IPX with
    crossover), the plan at the best reachable value.
``before``
    The previous release's sequence of HiGHS runs, re-enacted with today's code: the verdict confirmed by IPX and
    the dual simplex method (``SolveOptions(explain_infeasibility=False)``: ``HighsBackend.run``'s confirmation),
    the elastic re-solve by the configured algorithm (HiPO, then IPX where it ends undecided), the plan at the best
    value (its tries before the last with the confirmation).

Prints every HiGHS run (flow, algorithm, status, iterations, seconds), the wall time of each flow to its verdict
and to its plan, their ratio, the best reachable value and the plan's cost of each (which must agree), and the
load average. The ``before`` flow spends up to ``--time-limit`` in its simplex run.

Usage::

    python benchmarks/bench_out_of_reach.py --hours 336
    python benchmarks/bench_out_of_reach.py                       # the full year (the 'before' flow: ~25 min)
    python benchmarks/bench_out_of_reach.py --hours 336 --objective net_zero --set targets.residual_emissions_max_t=8000
    python benchmarks/bench_out_of_reach.py --only now
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def problem_of(path: str, overrides: dict, hours: int | None, objective: str | None):
    """The sizing problem of ``twin run`` (targets included) and its solve options."""
    import solvers as S
    from twin.plan import first_hours
    from twin.run import baseline_problem, prepare_inputs, sizing_problem, solve_baseline
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config
    from twin.targets import with_targets

    loaded = load_scenario(path, overrides=overrides or None)
    sc = loaded.scenario
    cfg = resolve_run_config(sc, hours=hours, objective=objective)
    prof = first_hours(prepare_inputs(loaded).profiles, cfg.hours)
    base = solve_baseline(*baseline_problem(sc, prof, cfg))
    problem = with_targets(sizing_problem(sc, prof, cfg), sc, prof, base.dispatch)[0]
    return problem, S.SolveOptions(solver=cfg.solver_method, time_limit_s=cfg.time_limit_s,
                                   threads=cfg.solver_threads)


def before(problem, opts):
    """The previous release's runs: (best values, plan, seconds to the verdict)."""
    from dataclasses import replace

    import solvers as S
    from solvers.optimise import elastic_verdict
    from twin.targets import RELAX_ROOM, relaxed_problem

    t0 = time.perf_counter()
    try:
        S.solve(problem, replace(opts, explain_infeasibility=False))
        raise SystemExit("the requirements are within reach: nothing to measure")
    except S.InfeasibleError as exc:
        status = "infeasible" if "infeasible_or_unbounded" not in str(exc) else "infeasible_or_unbounded"
    verdict = elastic_verdict(problem, opts, status, solver=opts.solver)
    t_verdict = time.perf_counter() - t0
    for i, room in enumerate(RELAX_ROOM):
        try:
            res = S.solve(relaxed_problem(problem, verdict.shortfalls, room),
                          opts if i == len(RELAX_ROOM) - 1 else replace(opts, explain_infeasibility=False))
            return verdict.shortfalls, res, t_verdict
        except S.InfeasibleError:
            continue
    raise SystemExit("before: no plan at the best values")


def now(problem, opts):
    """Today's runs (``twin.run._solve_closest``): (best values, plan, seconds to the verdict)."""
    import solvers as S
    from twin.run import _solve_closest

    t0 = time.perf_counter()
    t_verdict = []
    real = S.solve

    def timed(p, o=None):  # the first solve's end is the verdict
        try:
            return real(p, o)
        finally:
            if not t_verdict:
                t_verdict.append(time.perf_counter() - t0)

    S.solve = timed
    try:
        originals = {}
        res, _ = _solve_closest(problem, opts, "sizing", True, originals, [])
    finally:
        S.solve = real
    return list(originals.values()), res, t_verdict[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "manufacturing_suzhou.yaml"))
    ap.add_argument("--hours", type=int, default=None)
    ap.add_argument("--objective", default="min_cost")
    ap.add_argument("--set", action="append", default=None, metavar="PATH=VALUE",
                    help="dotted-path override (default: targets.core_indicator_max_tco2_per_tce=0.2)")
    ap.add_argument("--only", choices=["now", "before"], default=None)
    a = ap.parse_args()
    sets = a.set or ["targets.core_indicator_max_tco2_per_tce=0.2"]
    overrides = {k: yaml.safe_load(v) for k, v in (x.split("=", 1) for x in sets)}

    import solvers.highs_backend as hb

    flow = {"name": ""}
    real = hb.HighsBackend._run

    def _run(self, alg, extra=None):
        r = real(self, alg, extra)
        print(json.dumps({"flow": flow["name"], "highs": alg, "method": r.method, "status": r.status,
                          "iterations": r.iterations, "s": round(r.time_s, 1)}), flush=True)
        return r

    hb.HighsBackend._run = _run
    problem, opts = problem_of(a.scenario, overrides, a.hours, a.objective)
    print(f"# {a.scenario} {sets} hours={a.hours or 8760} objective={a.objective} time limit {opts.time_limit_s} s; "
          f"load average {os.getloadavg()}", flush=True)
    out = {}
    for name, fn in (("now", now), ("before", before)):
        if a.only and a.only != name:
            continue
        flow["name"] = name
        t0 = time.perf_counter()
        short, res, t_verdict = fn(problem, opts)
        wall = time.perf_counter() - t0
        out[name] = wall
        print(json.dumps({"flow": name, "verdict_s": round(t_verdict, 1), "plan_s": round(wall, 1),
                          "best": {s["name"]: s["value"] for s in short}, "plan_cost_cny": res.objective_cny,
                          "load_average": os.getloadavg()}, ensure_ascii=False), flush=True)
    if len(out) == 2:
        print(f"before / now: {out['before'] / out['now']:.2f}x", flush=True)


if __name__ == "__main__":
    main()
