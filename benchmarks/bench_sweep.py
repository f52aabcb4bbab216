"""Sweep throughput: cases per minute with 1 and 2 workers, on both engines.

Runs the same small sweep (a grid over costs and prices of ``tests/data/tiny_park.yaml``
with ``--hours`` hours, so every case shares one set of profiles) with 1 and then 2 worker
processes: on the default engine of one machine (``processes``: a pebble pool of spawned
processes, started inside the measured wall time) and on a fresh Dask ``LocalCluster`` of
single-threaded workers on 127.0.0.1 (started and warmed before the measured wall time).
Prints, per engine and worker count: start time (Dask only), sweep wall time (first
submission to last record written), cases per minute, the mean case time on its worker, and
the scheduling overhead
fraction ``1 - Σ case seconds / (workers · wall)`` (time workers were not running a case:
scheduling, transfer of the shared profiles, the client writing records, idle tails).
Then the speed-up 2 vs 1 per engine (goal ≥ 1.8) and the projected wall time of a 1,000-case sweep
on a 32-worker cluster from the measured per-case cost and overhead:
``1000 · t_case / 32 / (1 - overhead)`` (plus the cluster start).

Usage::

    python benchmarks/bench_sweep.py                 # 12 cases of 48 h, both engines
    python benchmarks/bench_sweep.py --cases 8 --hours 8760 --engine processes
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sweep_file(tmp: Path, n_cases: int, hours: int) -> Path:
    prices = [2000 + 100 * i for i in range(n_cases // 2)]
    text = (f"scenario: {ROOT / 'tests' / 'data' / 'tiny_park.yaml'}\nhours: {hours}\nobjective: min_cost\n"
            f"grid:\n  costs.pv.capex_cny_per_unit: {prices}\n  carbon.carbon_price_cny_per_t: [0, 100]\n")
    p = tmp / "bench_sweep.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def measure(path: Path, workers: int, tmp: Path, engine: str) -> dict:
    from twin.sweep.runner import run_cases
    from twin.sweep.sweep import prepare

    _, _, cases, loaded = prepare(path)
    client = cluster = None
    start = 0.0
    if engine == "dask":
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
        client.run(lambda: __import__("twin.run") and __import__("solvers") and None)  # imports warm on every worker
        start = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = run_cases(cases, loaded, tmp / f"{engine}{workers}", client=client, workers=workers, engine=engine,
                    attempts=False)
    wall = time.perf_counter() - t1
    if client is not None:
        client.close()
        cluster.close()
    ok = [r for r in res.records if r["status"] == "ok"]
    secs = [r["seconds"] for r in ok]
    shared = max((r.get("shared_inputs_s") or 0.0) for r in ok) if ok else 0.0  # one profile task
    baselines = {r["baseline_group"]: r["shared_baseline_s"] or 0.0 for r in ok if r.get("shared_baseline")}
    busy = sum(secs) + shared + sum(baselines.values())  # the shared tasks kept a worker busy too
    return {"engine": engine, "workers": workers, "cases": len(cases), "ok": len(secs), "start_s": start, "wall_s": wall,
            "cases_per_min": 60.0 * len(secs) / wall, "mean_case_s": sum(secs) / max(len(secs), 1),
            "mean_case_cpu_s": sum(r["cpu_seconds"] for r in ok) / max(len(ok), 1), "profiles_s": shared,
            "baselines": len(baselines), "baselines_s": sum(baselines.values()),
            "overhead": 1.0 - busy / (workers * wall)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=12)
    ap.add_argument("--hours", type=int, default=48)
    ap.add_argument("--engine", choices=["processes", "dask", "both"], default="both")
    args = ap.parse_args()
    engines = ["processes", "dask"] if args.engine == "both" else [args.engine]
    import os

    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = sweep_file(tmp, args.cases, args.hours)
        rows = [measure(path, w, tmp, e) for e in engines for w in (1, 2)]
    print(f"sweep of {rows[0]['cases']} cases, tiny park, {args.hours} h each, shared profiles")
    print("engine     workers  start s  wall s  cases/min  case wall s  case CPU s  shared profiles s  "
          "shared baselines (s)  overhead")
    for r in rows:
        print(f"{r['engine']:9s}  {r['workers']:7d}  {r['start_s']:7.1f}  {r['wall_s']:6.1f}  {r['cases_per_min']:9.1f}  "
              f"{r['mean_case_s']:11.2f}  {r['mean_case_cpu_s']:10.2f}  {r['profiles_s']:17.1f}  "
              f"{r['baselines']:4d} ({r['baselines_s']:5.1f})      {r['overhead']:8.1%}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(case wall > case CPU means the workers waited for a core)")
    for e in engines:
        one, two = (r for r in rows if r["engine"] == e)
        print(f"speed-up 2 vs 1 worker, {e}: {two['cases_per_min'] / one['cases_per_min']:.2f} (goal >= 1.8)")
    t_case = rows[-2]["mean_case_s"]  # a cluster is Dask: its per-case cost and overhead
    ov = rows[-2]["overhead"]
    proj = 1000 * t_case / 32 / (1 - ov)
    print(f"projected 1,000 cases on 32 workers at {t_case:.2f} s/case and {ov:.0%} overhead: "
          f"{proj:.0f} s ({proj / 60:.1f} min) + cluster start")
    for t_full in (30.0, 60.0):
        p = 1000 * t_full / 32 / (1 - ov)
        print(f"  with full-year cases of {t_full:.0f} s: {p / 60:.0f} min")


if __name__ == "__main__":
    main()
