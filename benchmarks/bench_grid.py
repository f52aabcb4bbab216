"""Benchmark of the park-grid check: 8,760 hourly AC power flows of a 30-bus park.

Run: ``python benchmarks/bench_grid.py [--pure-hours N]``. The network is the twin's
default radial layout (:func:`twin.grid.build.build_network`) of a park with 14 sites
(35 kV point of connection, main transformer, 14 feeders and 10/0.4 kV transformers:
30 buses), six PV arrays and a battery; hourly loads are synthetic. Measured side by side
in one process:

* the twin's path (:func:`twin.grid.timeseries.run_batch`: network conversion, lightsim2grid
  ``TimeSeriesCPP`` over all hours, loadings, losses, exchange at the point of connection);
* pandapower's ``run_timeseries`` (``ConstControl`` per load and sgen column, ``OutputWriter``)
  on the same network and profiles, its default power flow (which itself calls lightsim2grid
  per hour when installed), for the full year;
* pandapower's pure Newton-Raphson (``runpp(lightsim2grid=False)``) in ``run_timeseries`` on
  the first ``--pure-hours`` hours (a full year takes minutes), scaled per hour.

Goal (issue 17): the twin ≥ 50× faster than ``run_timeseries`` and < 2 s for the year.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

SITES = 14


def scenario_yaml() -> str:
    loads = "\n".join(f"  - {{name: hall {i}, annual_mwh: {800 + 150 * i}, shape: machinery_2shift}}"
                      for i in range(SITES))
    pv = "\n".join(f"  - {{name: roof {i}, mounting: roof, area_m2: {3000 + 500 * i}}}" for i in range(6))
    sites = "\n".join(
        f"      - {{name: site {i}, assets: [hall {i}{', roof ' + str(i) if i < 6 else ''}], distance_m: {200 + 90 * i}}}"
        for i in range(SITES))
    return f"""
park: {{name: benchmark park, type: manufacturing, planning_year: 2025}}
site: {{city: Hangzhou}}
process_loads:
{loads}
pv_arrays:
{pv}
battery: {{name: bess}}
grid:
  import_limit_kw: 20000
  voltage_kv: 35
  tariff:
    name: flat
    prices_cny_per_kwh: {{peak: 0.8, flat: 0.6, valley: 0.3}}
    seasons:
      - {{months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], peak: ["8-11"], valley: ["0-8"]}}
  network:
    sites:
{sites}
costs:
  pv: {{capex_cny_per_unit: 2800, lifetime_years: 25}}
  battery_energy: {{capex_cny_per_unit: 650, lifetime_years: 12}}
  battery_power: {{capex_cny_per_unit: 250, lifetime_years: 12}}
"""


def profiles(T: int = 8760, seed: int = 0):
    rng = np.random.default_rng(seed)
    h = np.arange(T)
    day = 0.55 + 0.45 * (np.sin((h % 24 - 6) / 24 * 2 * np.pi) > 0)
    loads = {f"hall {i}": (150 + 40 * i) * day * (0.8 + 0.4 * rng.random(T)) for i in range(SITES)}
    sun = np.clip(np.sin((h % 24 - 6) / 12 * np.pi), 0, None)
    pv = {f"roof {i}": (400 + 60 * i) * sun * (0.5 + 0.5 * rng.random(T)) for i in range(6)}
    loads["bess"] = 800 * np.where(h % 24 < 7, 1.0, np.where((h % 24 >= 17) & (h % 24 < 21), -1.5, 0.0))
    return loads, pv


def run_timeseries_pp(net, p, q, s, hours, **pf):
    import pandas as pd
    from pandapower.control import ConstControl
    from pandapower.timeseries import DFData, OutputWriter, run_timeseries

    n = __import__("copy").deepcopy(net)
    idx = range(hours)
    ds_p = DFData(pd.DataFrame(p[:hours], index=idx))
    ds_q = DFData(pd.DataFrame(q[:hours], index=idx))
    ds_s = DFData(pd.DataFrame(s[:hours], index=idx))
    ConstControl(n, "load", "p_mw", element_index=n.load.index, data_source=ds_p, profile_name=list(range(p.shape[1])))
    ConstControl(n, "load", "q_mvar", element_index=n.load.index, data_source=ds_q, profile_name=list(range(q.shape[1])))
    ConstControl(n, "sgen", "p_mw", element_index=n.sgen.index, data_source=ds_s, profile_name=list(range(s.shape[1])))
    with tempfile.TemporaryDirectory() as d:
        ow = OutputWriter(n, idx, output_path=d, output_file_type=".json", log_variables=[])
        ow.log_variable("res_bus", "vm_pu")
        ow.log_variable("res_line", "loading_percent")
        ow.log_variable("res_trafo", "loading_percent")
        t0 = time.perf_counter()
        run_timeseries(n, time_steps=idx, verbose=False, numba=False, **pf)
        dt = time.perf_counter() - t0
        vm = ow.output["res_bus.vm_pu"].to_numpy()
    return dt, vm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pure-hours", type=int, default=240)
    args = ap.parse_args()
    from twin.grid.build import build_network
    from twin.grid.timeseries import asset_peaks_kva, injections, run_batch
    from twin.scenario.loader import load_scenario

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench.yaml"
        path.write_text(scenario_yaml(), encoding="utf-8")
        sc = load_scenario(path).scenario
    loads, pv = profiles()
    pn = build_network(sc, asset_peaks_kva(loads, pv, 0.95))
    net = pn.net
    p, q, s = injections(pn, loads, pv, 0.95)
    print(f"network: {len(net.bus)} buses, {len(net.line)} lines, {len(net.trafo)} transformers, "
          f"{len(net.load)} load columns, {len(net.sgen)} PV sgens; {p.shape[0]} hours")
    run_batch(net, p[:24], q[:24], s[:24])  # warm-up imports
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fr = run_batch(net, p, q, s)
        times.append(time.perf_counter() - t0)
    t_twin = min(times)
    print(f"twin run_batch (whole call, best of 3): {t_twin:.3f} s (solver part {fr.solve_time_s:.3f} s), "
          f"converged {int(fr.converged.sum())}/{fr.converged.size}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_ts, vm_ts = run_timeseries_pp(net, p, q, s, p.shape[0])
    print(f"pandapower run_timeseries, default power flow, 8760 h: {t_ts:.1f} s  -> ratio {t_ts / t_twin:.0f}x")
    print(f"  max |ΔV| twin vs run_timeseries: {np.nanmax(np.abs(vm_ts - fr.vm_pu)):.2e} pu")
    if args.pure_hours:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_pure, vm_pure = run_timeseries_pp(net, p, q, s, args.pure_hours, lightsim2grid=False)
        per_year = t_pure / args.pure_hours * 8760
        print(f"pandapower run_timeseries, lightsim2grid=False, {args.pure_hours} h: {t_pure:.1f} s "
              f"(≈ {per_year:.0f} s per year, ratio ≈ {per_year / t_twin:.0f}x)")
        print(f"  max |ΔV| twin vs pure pandapower: {np.nanmax(np.abs(vm_pure - fr.vm_pu[:args.pure_hours])):.2e} pu")


if __name__ == "__main__":
    main()
