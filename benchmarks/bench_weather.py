"""Speed of `twin weather` for a site (goal < 2 s) and of site_weather in one process.

Prints wall and CPU (user + sys) time of `twin weather --lat --lon -o` as a new process for
sites across China (elevation from the terrain grid), and in-process timings of the first
(cold caches) and later calls. CPU time is what the machine load does not inflate.

Usage: ``python benchmarks/bench_weather.py``
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

SITES = [("Xi'an", 34.27, 108.93), ("Lhasa", 29.65, 91.13), ("Kashi", 39.47, 75.98),
         ("Shenzhen", 22.54, 114.06), ("Harbin", 45.75, 126.65)]


#: Python writes and reuses compiled bytecode, as after any first run (an environment that sets
#: PYTHONDONTWRITEBYTECODE recompiles every module at each start, about 0.3 s more)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cli(lat: float, lon: float) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("twin")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([str(exe), "weather", "--lat", str(lat), "--lon", str(lon), "-o",
                    "/tmp/bench_weather.csv"], check=True, capture_output=True, env=ENV)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def main() -> int:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cli(*SITES[0][1:])  # untimed: bytecode written, files in the page cache
    print("| site | wall s | CPU s |")
    print("|---|---|---|")
    for name, la, lo in SITES:
        w, c = cli(la, lo)
        print(f"| {name} | {w:.2f} | {c:.2f} |")
    t0 = time.process_time()
    import weather

    weather.site_weather(lat=34.27, lon=108.93)
    cold = time.process_time() - t0
    t1 = time.process_time()
    for _, la, lo in SITES:
        weather.site_weather(lat=la, lon=lo)
    warm = (time.process_time() - t1) / len(SITES)
    print(f"in process: first call (imports, tables) {cold:.2f} s CPU, later calls {warm:.3f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
