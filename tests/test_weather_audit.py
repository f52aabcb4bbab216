"""The weather audit's defects, each as a user met it: provenance of written files, one sign
convention for a file against the estimate, messages that fit their case."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import weather as wx
from twin.cli import main
from weather import WeatherError

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines of a CSV written by ``twin weather``."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        out[key] = value
    return out


@pytest.fixture(scope="module")
def chengdu_epw(tmp_path_factory) -> Path:
    """``twin weather --city 成都 -o cd.epw``: the tool's own file of a station."""
    path = tmp_path_factory.mktemp("cd") / "cd.epw"
    r = _run(["weather", "--city", "成都", "-o", str(path)])
    assert r.exit_code == 0, r.output
    return path


def test_a_file_states_no_uncertainty_and_no_seed(chengdu_epw, tmp_path):
    """A weather file's GHI uncertainty is not stated: None in the meta, null in the CSV header
    (it said 0.0, as if certain), and no seed line (a file has none)."""
    _, meta = wx.site_weather(path=chengdu_epw)
    assert meta.expected_uncertainty is None
    out = tmp_path / "b.csv"
    assert _run(["weather", "--file", str(chengdu_epw), "-o", str(out)]).exit_code == 0
    head = _header(out)
    assert head["expected_uncertainty"] == "null" and head["expected_temperature_uncertainty_k"] == "null"
    assert "seed" not in head and "site_weather(" not in out.read_text(encoding="utf-8")[:20000]
    syn = tmp_path / "c.csv"
    assert _run(["weather", "--city", "成都", "-o", str(syn)]).exit_code == 0
    head = _header(syn)
    assert head["seed"] == "0" and head["expected_uncertainty"] == "0.03"
