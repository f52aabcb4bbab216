"""Whole-pipeline benchmark of the largest example park, then HiGHS alone on its model.

In one process: ``twin.run.run`` (then ``twin.run.write`` without the report) on ``scenarios/manufacturing_suzhou.yaml``
(full year) with the sizing model saved as MPS, then highspy alone on that MPS with
the same algorithm; then the horizon growth (168 / 744 / 8760 h via
``RunConfig.hours``).  The sizing model is a Pyomo model: "build" is the Pyomo
model construction, "hand-over" Pyomo's ``LinearStandardFormCompiler`` plus
``highspy.Highs.passModel``, "load" the solution read back from HiGHS as numpy arrays
into sizes, costs and the dispatch dataset.  Prints these, the HiGHS time, the
sizing-stage and pipeline wall times, peak memory and the modelling overhead ratio
``(build + hand-over + load) / HiGHS alone``.  Goals (issue): overhead <= 0.30 and a
full-year sizing < 30 s on 2 cores.

With ``--pareto``: the cost/emissions front instead (issue 9's goal: a six-point front
of the largest example in under 3x the time of its single full-year sizing).  In one
process, on the same full-year problem built as ``twin run`` builds it: the single
sizing with the scenario's own objective, then the front (``objective="pareto"``,
``pareto_points`` of the scenario), each timed as the sizing stage (``solvers.solve``:
build, hand-over, HiGHS, load), with wall and process CPU time, the ratio and every
point's run (method, iterations, time).  ``--repdays K`` adds the front sized on K linked
representative days and its headline dispatched over the full year, as
``twin run --objective pareto --representative-days K`` does.

Usage::

    python benchmarks/bench_run.py                      # full year + horizon growth
    python benchmarks/bench_run.py --hours 168 744      # horizons only
    python benchmarks/bench_run.py --scenario scenarios/office_guangzhou.yaml
    python benchmarks/bench_run.py --pareto             # single sizing vs six-point front
    python benchmarks/bench_run.py --pareto --repdays 48
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(path: Path, hours: int | None, tmp: Path) -> dict:
    """One pipeline run; solver timings are taken from its summary.

    A short horizon stands for the whole year, so its net-zero target can be
    infeasible (e.g. January heating with the offset share cap): it is then rerun with
    ``objective="min_cost"`` and the row says so.
    """
    import solvers
    from twin.run import UserInputError, run, write
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    def run_scenario(loaded, *, out_dir, save_model, hours, objective=None):
        r = run(loaded, resolve_run_config(loaded.scenario, save_model=save_model, hours=hours, objective=objective))
        write(r, out_dir, report=False)
        return r

    results = []
    real_solve = solvers.solve

    def recording_solve(problem, options=None):  # keeps every SizingResult of the run
        r = real_solve(problem, options)
        results.append(r)
        return r

    solvers.solve = recording_solve

    mps = tmp / f"model_{hours or 8760}.mps"
    objective = None
    t0 = time.perf_counter()
    try:
        res = run_scenario(load_scenario(path), out_dir=tmp / f"out_{hours or 8760}", save_model=mps,
                           hours=hours)
    except UserInputError as exc:
        print(f"# {hours} h: {exc}; rerun with min_cost", file=sys.stderr)
        objective = "min_cost"
        t0 = time.perf_counter()
        res = run_scenario(load_scenario(path), out_dir=tmp / f"out_{hours or 8760}", save_model=mps,
                           hours=hours, objective=objective)
    wall = time.perf_counter() - t0
    solvers.solve = real_solve
    s = res.summary["solver"]
    sized = [r for r in results if r.objective_value == s["objective_value"]][-1]
    return {"hours": hours or 8760, "objective_kind": objective or "scenario",
            "pipeline_wall_s": wall, "build_s": s["build_time_s"],
            "handover_s": s["handover_time_s"], "highs_s": s["solve_time_s"],
            "load_s": sized.load_time_s,
            "cols": s["n_variables"], "rows": s["n_constraints"],
            "objective": s["objective_value"], "mps": str(mps),
            "peak_rss_mb": peak_rss_mb()}


def highs_alone(mps: str, solver: str) -> dict:
    """HiGHS on the saved MPS with the pipeline's algorithm and options."""
    from solvers.highs_backend import solve_mps

    t, obj = solve_mps(mps, solver)
    return {"alone_s": t, "alone_objective": obj}


def compare_algorithms(mps: str) -> None:
    """Each HiGHS algorithm alone on the saved full-year model (pipeline options)."""
    from solvers.highs_backend import hipo_available, solve_mps

    for alg in ["hipo"] * hipo_available() + ["ipx", "simplex"]:
        t, obj = solve_mps(mps, alg)
        print(json.dumps({"algorithm": alg, "highs_alone_s": round(t, 2), "objective": obj}),
              flush=True)


def cpu_s() -> float:
    """CPU time of this process and its threads so far [s] (HiGHS's threads included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed_solve(problem, options) -> tuple:
    import solvers

    t0, c0 = time.perf_counter(), cpu_s()
    r = solvers.solve(problem, options)
    return r, time.perf_counter() - t0, cpu_s() - c0


def pareto_bench(path: str, repdays: int | None) -> None:
    """Single full-year sizing against the front of the same problem, in this process."""
    from dataclasses import replace

    import solvers
    from twin.plan import build_problem
    from twin.profiles import build_profiles, load_weather
    from twin.run import sizing_problem
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config
    from twin.targets import with_targets

    loaded = load_scenario(path)
    sc = loaded.scenario
    cfg = resolve_run_config(sc)
    wdf, _, site = load_weather(loaded)
    prof = build_profiles(loaded, wdf, site)
    base = solvers.solve(build_problem(sc, prof, baseline=True), solvers.SolveOptions(solver="choose"))

    def problem_for(objective):
        p = sizing_problem(sc, prof, resolve_run_config(sc, objective=objective))
        return with_targets(p, sc, prof, base.dispatch)[0]

    def say(text):
        print(f"#   {text}", flush=True)

    opts = solvers.SolveOptions(solver=cfg.solver_method)
    print(f"# load average before: {os.getloadavg()}", flush=True)
    single, t_single, c_single = timed_solve(problem_for(cfg.objective), opts)
    print(json.dumps({"run": f"single sizing ({cfg.objective})", "wall_s": round(t_single, 2),
                      "cpu_s": round(c_single, 2), "highs_s": round(single.solve_time_s, 2),
                      "objective_cny": single.objective_cny, "algorithm": single.algorithm}), flush=True)
    front_problem = problem_for("pareto")
    front, t_front, c_front = timed_solve(front_problem, replace(opts, progress=say))
    print(json.dumps({"run": f"front ({front_problem.pareto_points} points)", "wall_s": round(t_front, 2),
                      "cpu_s": round(c_front, 2), "highs_s": round(front.solve_time_s, 2),
                      "highs_runs": front.n_solves}), flush=True)
    print(f"# load average after: {os.getloadavg()}", flush=True)
    print("| point | epsilon tCO2/yr | cost CNY/yr | residual tCO2/yr | MAC CNY/t | method | iterations | s |")
    print("|---|---|---|---|---|---|---|---|")
    for k, q in enumerate(front.pareto):
        mac = "vertical end" if q.vertical else ("–" if q.mac_cny_per_t is None else f"{q.mac_cny_per_t:,.2f}")
        print(f"| {k + 1} | {q.epsilon_co2_t:,.1f} | {q.cost_cny:,.0f} | {q.residual_co2_t:,.1f} | {mac} | "
              f"{q.method} | {q.iterations:,} | {q.solve_time_s:.2f} |")
    print(f"front / single sizing: wall {t_front / t_single:.2f}x, CPU {c_front / c_single:.2f}x "
          f"(goal < 3x); HiGHS {front.solve_time_s / single.solve_time_s:.2f}x", flush=True)
    if repdays:
        from solvers.aggregation import representative_days
        from twin.plan import fix_sizes

        t0, c0 = time.perf_counter(), cpu_s()
        agg = representative_days(front_problem, repdays)
        sized, t_sz, c_sz = timed_solve(agg.problem, replace(opts, progress=say))
        dispatch, t_d, c_d = timed_solve(replace(fix_sizes(front_problem, sized.sizes), objective="min_cost"), opts)
        wall, cpu = time.perf_counter() - t0, cpu_s() - c0
        print(json.dumps({"run": f"front on {repdays} linked representative days + full-year dispatch",
                          "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "front_sizing_wall_s": round(t_sz, 2),
                          "front_sizing_highs_s": round(sized.solve_time_s, 2), "dispatch_wall_s": round(t_d, 2),
                          "iterations": [q.iterations for q in sized.pareto],
                          "methods": [q.method for q in sized.pareto]}), flush=True)
        print(f"representative-day front / single full-year sizing: wall {wall / t_single:.2f}x, "
              f"CPU {cpu / c_single:.2f}x", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "manufacturing_suzhou.yaml"))
    ap.add_argument("--hours", type=int, nargs="*", default=[168, 744])
    ap.add_argument("--no-full", action="store_true", help="skip the full-year run")
    ap.add_argument("--algorithms", action="store_true",
                    help="also solve the full-year model alone with hipo, ipx and simplex")
    ap.add_argument("--pareto", action="store_true",
                    help="single full-year sizing against the cost/emissions front, in one process")
    ap.add_argument("--repdays", type=int, default=None,
                    help="with --pareto: also the front sized on this many linked representative days")
    a = ap.parse_args()
    if a.pareto:
        pareto_bench(a.scenario, a.repdays)
        return
    from twin.scenario.loader import load_scenario

    solver = load_scenario(a.scenario).scenario.objective.solver_method
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        horizons = list(a.hours) + ([] if a.no_full else [None])
        for hours in horizons:
            r = run_once(Path(a.scenario), hours, tmp)
            r.update(highs_alone(r["mps"], solver))
            # the sizing stage as the pipeline sees it: build + hand-over + HiGHS + load
            r["modelling_s"] = r["build_s"] + r["handover_s"] + r["load_s"]
            r["sizing_s"] = r["modelling_s"] + r["highs_s"]
            r["overhead_ratio"] = r["modelling_s"] / r["alone_s"]
            r["obj_rel_diff"] = abs(r["alone_objective"] - r["objective"]) / abs(r["alone_objective"])
            if a.algorithms and hours is None:
                compare_algorithms(r["mps"])
            os.remove(r.pop("mps"))
            rows.append(r)
            print(json.dumps(r), flush=True)
    hdr = ["hours", "cols", "rows", "build_s", "handover_s", "load_s", "modelling_s",
           "highs_s", "sizing_s",
           "pipeline_wall_s", "alone_s", "overhead_ratio", "obj_rel_diff", "peak_rss_mb"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for r in rows:
        print("| " + " | ".join(f"{r[k]:.3g}" if isinstance(r[k], float) else f"{r[k]:,}"
                                for k in hdr) + " |")


if __name__ == "__main__":
    main()
