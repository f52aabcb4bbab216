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


def _scaled_radiation(src: Path, dst: Path, factor: float) -> Path:
    """An EPW with its GHI, DNI and DHI (fields 14-16) times ``factor``."""
    lines = src.read_text(encoding="utf-8").splitlines()
    out = []
    for ln in lines:
        f = ln.split(",")
        if len(f) > 20 and f[0].isdigit():
            f[13:16] = [str(round(float(x) * factor)) for x in f[13:16]]
        out.append(",".join(f))
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dst


def test_a_file_and_the_estimate_have_one_sign_everywhere(tmp_path):
    """`twin weather --file` said 'GHI -3 %' and summary.json ghi_diff_tmyx -0.03 where `twin
    weather-check` said '+3.1%' for the same file: now both are the estimate less the file, and
    say so."""
    site = tmp_path / "site.epw"
    assert _run(["weather", "--lat", "31.3", "--lon", "120.6", "-o", str(site)]).exit_code == 0
    dim = _scaled_radiation(site, tmp_path / "dim.epw", 0.8)  # the file reads 20 % low
    _, meta = wx.site_weather(path=dim)
    fc = meta.file_check
    assert fc["ghi_error_tmyx"] == pytest.approx(0.25, abs=0.02) and "ghi_diff_tmyx" not in fc
    r = _run(["weather", "--file", str(dim), "-o", str(tmp_path / "b.csv")])
    line = next(ln for ln in r.output.splitlines() if "less the file" in ln)
    assert "the tool's estimate at the file's header position less the file" in line and "GHI +25 %" in line
    r = _run(["weather-check", str(dim)])
    assert "errors: the tool's estimate less the file" in r.output
    row = next(ln for ln in r.output.splitlines() if ln.startswith("dim.epw"))
    assert "+25." in row or "+24." in row, row
