"""Time to build every component profile of each example park (issue: goal < 10 s).

Run: python benchmarks/bench_profiles.py
Prints, per example scenario, the time of each stage and the ratio of the whole
profile build to the goal, measured within one process run.
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from twin.profiles import build_profiles, load_weather
    from twin.scenario.loader import load_scenario

    goal_s = 10.0
    print(f"{'scenario':28s} {'weather s':>9s} {'profiles s':>10s} {'ratio to goal':>13s}  assets")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        loaded = load_scenario(path)
        t0 = time.perf_counter()
        wdf, _, site = load_weather(loaded)
        t1 = time.perf_counter()
        prof = build_profiles(loaded, wdf, site)
        t2 = time.perf_counter()
        sc = loaded.scenario
        assets = (f"{len(sc.buildings)} buildings, {sum(f.vehicles for f in sc.ev_fleets)} EVs, "
                  f"{len(sc.pv_arrays)} PV arrays, {len(sc.waste_heat)} waste-heat sources")
        print(f"{path.stem:28s} {t1 - t0:9.2f} {t2 - t1:10.2f} {(t2 - t1) / goal_s:13.2f}  {assets}")
        del prof


if __name__ == "__main__":
    main()
