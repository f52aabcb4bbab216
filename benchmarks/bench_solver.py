"""Benchmark of the sizing model: Pyomo build, hand-over to HiGHS, HiGHS solve, load.

Synthetic park (deterministic profiles, no data files): electric load, PV arrays,
battery, TOU tariff with monthly demand charge and import limit, air heat pumps and
thermal storage on a heat bus, one smart-charging EV fleet.  For each case it prints
the Pyomo build time, the hand-over time (Pyomo's ``LinearStandardFormCompiler`` plus
``highspy.Highs.passModel``), the HiGHS time, the solution load time (HiGHS's numpy
arrays mapped through the compiler's column list into sizes, costs and dispatch), the
HiGHS time of the saved MPS solved by highspy alone, the modelling overhead ratio
``(solve() wall time - HiGHS time) / HiGHS-alone`` and peak memory (each case in its
own process so that peak RSS is per case).

Usage::

    python benchmarks/bench_solver.py                 # horizons x solvers, asset counts
    python benchmarks/bench_solver.py --case year simplex 1
    python benchmarks/bench_solver.py --repdays 12    # representative days vs full year
    python benchmarks/bench_solver.py --parks 12 24 48  # same on the example parks
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

HORIZON = {"week": 168, "month": 720, "year": 8760}


def synthetic_problem(T: int, n_assets: int = 1, seed: int = 0):
    """A synthetic park of T hourly steps weighted to one year; ``n_assets`` PV arrays
    and heat pumps each."""
    from solvers import (
        AssetCost,
        Battery,
        EVFleet,
        GridConnection,
        HeatPump,
        PVArray,
        SizingProblem,
        ThermalStorage,
    )

    rng = np.random.default_rng(seed)
    t = np.arange(T)
    h, d = t % 24, t // 24
    season = np.cos(2 * np.pi * (d - 15) / 365)
    sun = np.sin(np.pi * (h - 6) / 12).clip(min=0)
    load = 3000 + 1500 * sun * (d % 7 < 5) + 300 * rng.random(T)
    price = np.where(h < 8, 0.32, np.where(((h >= 10) & (h < 12)) | ((h >= 17) & (h < 21)),
                                           1.15, 0.72))
    month = np.minimum(d // 31 + 1, 12)
    heat = (1200 * season).clip(min=0) + 200 + 100 * rng.random(T)
    pv = []
    for k in range(n_assets):
        prof = 0.85 * sun * (0.5 + 0.5 * rng.random(T)) * (1 - 0.1 * k / max(n_assets, 1))
        pv.append(PVArray(f"pv{k}", prof, max_kwp=4000.0 / n_assets,
                          cost=AssetCost(3200.0, 25, om_fraction_per_yr=0.01)))
    hps = [HeatPump(f"hp{k}", 2.5 + 1.0 * (1 - season) / 2 + 0.1 * k,
                    cost=AssetCost(1800.0, 15)) for k in range(n_assets)]
    cap = np.where((h >= 8) & (h < 18) & (d % 7 < 5), 600.0, 50.0)
    need = np.cumsum(cap * 0.45)
    ev = EVFleet("fleet", p_uncontrolled_kw=cap * 0.5, p_charge_max_kw=cap,
                 e_cum_min_kwh=need * 0.8 - 600, e_cum_max_kwh=need * 1.2 + 600, mode="smart")
    return SizingProblem(
        dt_h=1.0, electric_load_kw=load, weights=np.full(T, 8760.0 / T),
        grid=GridConnection(price_import_cny_per_kwh=price,
                            ef_grid_kgco2_per_kwh=np.full(T, 0.5703), import_limit_kw=9000.0,
                            demand_charge_cny_per_kw_month=38.0, month=month,
                            export_limit_kw=2000.0, price_export_cny_per_kwh=0.35),
        pv=pv, batteries=[Battery(energy_cost=AssetCost(900.0, 12), power_cost=AssetCost(300.0, 12),
                               c_rate_max=0.5, degradation_cny_per_kwh=0.03)],
        heat_demand_kw=heat, heat_pumps=hps,
        thermal_stores=[ThermalStorage(cost=AssetCost(60.0, 20), loss_per_h=0.01)],
        ev_fleets=[ev])


def run_case(horizon: str, algo: str, n_assets: int) -> dict:
    from solvers import SolveOptions, solve
    from solvers.highs_backend import solve_mps

    T = HORIZON[horizon]
    p = synthetic_problem(T, n_assets)
    with tempfile.TemporaryDirectory() as tmp:
        mps = os.path.join(tmp, "model.mps")
        t0 = time.perf_counter()
        r = solve(p, SolveOptions(solver=algo, save_model=mps))
        wall = time.perf_counter() - t0
        alone, alone_obj = solve_mps(mps, algo)
    overhead = wall - r.solve_time_s
    return {"horizon": horizon, "solver": algo, "assets": n_assets, "T": T,
            "cols": r.n_variables, "rows": r.n_constraints, "build_s": r.build_time_s,
            "handover_s": r.handover_time_s, "highs_s": r.solve_time_s,
            "load_s": r.load_time_s, "wall_s": wall, "highs_alone_s": alone,
            "overhead_ratio": overhead / alone,
            "obj_rel_diff": abs(alone_obj - r.objective_value) / abs(alone_obj),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_repdays(k: int, linked: bool = True) -> dict:
    from solvers import SolveOptions, solve
    from solvers.aggregation import representative_days

    p = synthetic_problem(8760, 1)
    full = solve(p, SolveOptions(solver="hipo"))
    t0 = time.perf_counter()
    agg = representative_days(p, k, linked=linked)
    r = solve(agg.problem, SolveOptions(solver="hipo"))
    wall = time.perf_counter() - t0
    out = {"k": k, "linked": linked, "full_obj": full.objective_cny, "agg_obj": r.objective_cny,
           "obj_rel_err": r.objective_cny / full.objective_cny - 1, "full_wall_s":
           full.build_time_s + full.handover_time_s + full.solve_time_s, "agg_wall_s": wall}
    for key in ("battery_kwh", "battery_kw", "tes_kwh"):  # {store: size}: the total of the stores
        out[f"{key}_full"] = sum(full.sizes[key].values())
        out[f"{key}_agg"] = sum(r.sizes[key].values())
    out["pv_kwp_full"] = sum(full.sizes["pv_kwp"].values())
    out["pv_kwp_agg"] = sum(r.sizes["pv_kwp"].values())
    return out


def _flat(sizes: dict) -> dict:
    out = {}
    for key, v in sizes.items():
        if isinstance(v, dict):
            out.update({f"{key}[{n}]": x for n, x in v.items()})
        else:
            out[key] = v
    return out


def run_parks(ks: list[int]) -> None:
    """Full-year sizing of each example park against linked representative days."""
    from solvers import InfeasibleError, SolveOptions, solve
    from solvers.aggregation import representative_days
    from twin.plan import build_problem
    from twin.profiles import build_profiles, load_weather
    from twin.scenario.loader import load_scenario

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
    for name in sorted(os.listdir(root)):
        loaded = load_scenario(os.path.join(root, name))
        wdf, _, site = load_weather(loaded)
        prof = build_profiles(loaded, wdf, site)
        p = build_problem(loaded.scenario, prof)
        algo = loaded.scenario.objective.solver_method
        t0 = time.perf_counter()
        full = solve(p, SolveOptions(solver=algo))
        t_full = time.perf_counter() - t0
        fs = _flat(full.sizes)
        print(json.dumps({"park": name, "k": 365, "objective": full.objective_cny,
                          "wall_s": t_full, "cols": full.n_variables, "sizes": fs}), flush=True)
        for k in ks:
            t0 = time.perf_counter()
            agg = representative_days(p, k)
            try:
                r = solve(agg.problem, SolveOptions(solver=algo))
            except InfeasibleError as exc:
                print(json.dumps({"park": name, "k": k, "infeasible": str(exc)}), flush=True)
                continue
            wall = time.perf_counter() - t0
            rs = _flat(r.sizes)
            err = {n: (rs[n] - fs[n]) for n in fs if max(abs(fs[n]), abs(rs[n])) > 1.0}
            print(json.dumps({"park": name, "k": k, "objective": r.objective_cny,
                              "obj_rel_err": r.objective_cny / full.objective_cny - 1,
                              "wall_s": wall, "cols": r.n_variables,
                              "size_diff": err}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", nargs=3, metavar=("HORIZON", "SOLVER", "ASSETS"))
    ap.add_argument("--repdays", type=int, nargs="*")
    ap.add_argument("--parks", type=int, nargs="*", help="representative days on the parks")
    ap.add_argument("--unlinked", action="store_true", help="daily storage cycles")
    ap.add_argument("--quick", action="store_true", help="week and month only")
    a = ap.parse_args()
    if a.parks is not None:
        run_parks(a.parks or [12, 24, 48])
        return
    if a.case:
        print(json.dumps(run_case(a.case[0], a.case[1], int(a.case[2]))))
        return
    if a.repdays is not None:
        for k in a.repdays or [8, 12, 24]:
            print(json.dumps(run_repdays(k, linked=not a.unlinked)), flush=True)
        return
    horizons = ["week", "month"] if a.quick else ["week", "month", "year"]
    cases = [(hz, s, 1) for hz in horizons for s in ("simplex", "ipx", "hipo")]
    cases += [("month", "hipo", n) for n in (2, 4, 8)]
    hdr = ("horizon solver assets cols rows build_s handover_s highs_s load_s wall_s "
           "highs_alone_s overhead_ratio peak_rss_mb").split()
    print(" ".join(f"{x:>10}" for x in hdr))
    for hz, s, n in cases:
        out = subprocess.run([sys.executable, __file__, "--case", hz, s, str(n)],
                             capture_output=True, text=True, check=True)
        d = json.loads(out.stdout.strip().splitlines()[-1])
        print(" ".join(f"{d[x]:>10.3f}" if isinstance(d[x], float) else f"{d[x]:>10}"
                       for x in hdr), flush=True)


if __name__ == "__main__":
    main()
