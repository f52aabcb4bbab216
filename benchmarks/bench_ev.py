"""Benchmark of the EV fleet simulation: a full year of the largest example fleet.

Run: ``python benchmarks/bench_ev.py``. Prints wall time per fleet and the session
count; reference (stack-notes.md): a simpy year of 500 EVs, about 140k sessions,
200 chargers, event-based, took 3.8 s on a machine like the CI runner.
"""

from __future__ import annotations

import time

import pandas as pd

from twin.components.ev import EVFleetSpec, simulate_fleet


def main() -> None:
    index = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Asia/Shanghai")
    cases = [
        EVFleetSpec.preset("employee_car", 500, chargers=200, name="500 cars, 200 chargers"),
        EVFleetSpec.preset("employee_car", 500, chargers=200, mode="v2g", v2g_share=0.5,
                           name="500 cars, 200 chargers, V2G"),
        EVFleetSpec.preset("logistics_van", 200, chargers=120, name="200 vans, 120 chargers"),
        EVFleetSpec.preset("heavy_truck", 100, chargers=60, name="100 trucks, 60 chargers"),
    ]
    simulate_fleet(EVFleetSpec.preset("bus", 2), index[:48])  # warm-up imports
    for spec in cases:
        t0 = time.perf_counter()
        ds = simulate_fleet(spec, index, seed=0)
        dt = time.perf_counter() - t0
        print(f"{spec.name:32s} {dt:6.2f} s  sessions={ds.attrs['sessions']:7d}  "
              f"unserved={ds.attrs['energy_unserved_kwh'] / ds.attrs['energy_need_kwh']:.1%}")


if __name__ == "__main__":
    main()
