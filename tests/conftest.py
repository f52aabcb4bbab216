"""Shared fixtures: where the reference data in ``../shared`` lives.

Tests that need the reference material beside the project (``../shared``) use the
``shared_dir`` fixture; on a user's fresh clone without it they skip with a reason.
CI always has it.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A test run launched in the background of a shell without job control (`pytest ... &` in a
# script, nohup) starts with Ctrl-C (SIGINT) ignored, and Python then leaves it ignored, as do
# the commands the tests start: the tests that press Ctrl-C on a solve or a sweep would see
# nothing happen (a HiGHS solve ran its full minute and the sweep finished with status 0).
# The tests are about the tool's handling of Ctrl-C, so the test process takes it as a
# terminal delivers it; the commands it starts then get the default disposition.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _shared_dir() -> Path | None:
    env = os.environ.get("PARK_TWIN_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared")
    for c in candidates:
        if (c / "data").is_dir():
            return c
    return None


SHARED = _shared_dir()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED is None:
        pytest.skip("reference data ../shared not found (set PARK_TWIN_SHARED); CI always has it")
    return SHARED


@pytest.fixture(scope="session")
def root_dir() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def china_weather(shared_dir):
    """Loader ``pattern -> (weather, metadata)`` of the typical-year EPW files in
    ``../shared/data/weather``.

    ``pattern`` must match exactly one file name.  The weather (GHI, DNI, DHI, air
    temperature, wind speed, relative humidity) is read by pvlib, 29 February dropped,
    on an hourly 2025 index in China time; each file is read once per session and
    every call gets its own copy.
    """
    import gzip

    import pandas as pd
    import pvlib

    cache = {}

    def load(pattern: str):
        if pattern not in cache:
            paths = sorted((shared_dir / "data" / "weather").glob(f"*{pattern}*.epw.gz"))
            assert len(paths) == 1, (pattern, paths)
            with gzip.open(paths[0], "rt") as f:
                w, meta = pvlib.iotools.read_epw(f)
            w = w[~((w.index.month == 2) & (w.index.day == 29))]
            w.index = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Asia/Shanghai")
            cache[pattern] = (w[["ghi", "dni", "dhi", "temp_air", "wind_speed", "relative_humidity"]], meta)
        w, meta = cache[pattern]
        return w.copy(), dict(meta)

    return load
