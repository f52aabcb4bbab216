"""Shared fixtures: where the reference data in ``../shared`` lives.

Tests that need the reference material beside the project (``../shared``) use the
``shared_dir`` fixture; on a user's fresh clone without it they skip with a reason.
CI always has it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
