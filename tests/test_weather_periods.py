"""The recent 15-year window of the TMYx files (2009-2023) as a temperature period: the bundled
differences between window and whole-record files, the period a planner can choose, the
period a window file is checked in, and the one bundled window station moved to the level of
the others."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pytest

from weather import WeatherError, site_weather
from weather.interp import (
    RECENT_WINDOW,
    annual_harmonics,
    dataset_offsets,
    is_recent_record,
    station_file_temperatures,
    tmyx_window_offsets,
    tmyx_windows,
)
from weather.io import read_weather_file, record_period
from weather.validation import check_weather_file, file_period

PERIOD = f"tmyx-{RECENT_WINDOW}"
EXAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "manufacturing_suzhou.yaml"


def test_bundled_window_differences_are_traceable_and_give_the_offset():
    """Each bundled difference names both files with their sha256; the offset is the smoothed
    median of the stations' months, about half a kelvin warmer in the annual mean."""
    data = tmyx_windows()
    rows = data["windows"][RECENT_WINDOW]
    assert len(rows) >= 5 and "Climate.OneBuilding.org" in data["attribution"]
    for r in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) and re.fullmatch(r"[0-9a-f]{64}", r["whole_record_sha256"])
        assert f"_TMYx.{RECENT_WINDOW}." in r["file"] and len(r["monthly_difference_k"]) == 12
        assert r["annual_difference_k"] == pytest.approx(np.mean(r["monthly_difference_k"]), abs=1e-3)
    diffs = np.array([r["monthly_difference_k"] for r in rows])
    off = tmyx_window_offsets()
    np.testing.assert_allclose(off, annual_harmonics(np.median(diffs, axis=0)))
    assert off.mean() == pytest.approx(np.median(diffs, axis=0).mean())
    assert 0.2 < off.mean() < 0.8
    with pytest.raises(KeyError, match="1990-2004"):
        tmyx_window_offsets("1990-2004")


def test_annual_harmonics_keep_a_smooth_course_and_drop_month_noise():
    m = (np.arange(12) + 0.5) / 12 * 2 * np.pi
    smooth = 0.5 + 0.3 * np.cos(m) - 0.2 * np.sin(2 * m)
    np.testing.assert_allclose(annual_harmonics(smooth), smooth, atol=1e-12)
    noisy = smooth + np.where(np.arange(12) == 3, 1.2, 0.0)  # one month's anomaly
    fitted = annual_harmonics(noisy)
    assert abs(fitted[3] - smooth[3]) < 0.6 and fitted.mean() == pytest.approx(noisy.mean())


def test_window_periods_are_recognised():
    assert is_recent_record("2009-2023") and is_recent_record("2011-2025") and is_recent_record("2007-2021")
    assert is_recent_record("2004-2025")  # recent years only, though not a 15-year window
    assert not is_recent_record("2004-2018")  # +0.1 K only
    assert not is_recent_record("1991-2025")  # reaches back before 2000
    assert not is_recent_record("1956-2025") and not is_recent_record("") and not is_recent_record("n/a")
    assert file_period("TMYx", "2011-2025") == PERIOD and file_period("TMYx", "1956-2025") == "tmyx"
    assert file_period("CSWD", "2009-2023") == "cswd" and file_period("", "2009-2023") == "tmyx"


def test_period_of_record_is_read_from_the_epw_comments(shared_dir, tmp_path):
    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    _, meta = read_weather_file(src)
    first, last = (int(y) for y in meta.provenance["record_period"].split("-"))
    assert last - first > 20  # the whole record
    assert record_period("LOCATION,x\nCOMMENTS 1,\"NCEI ISD/ERA5 - #years=[15] Period of Record=2009-2023; "
                         "Jan=2010\"\n") == "2009-2023"
    assert record_period("LOCATION,x\nCOMMENTS 1,\"no period here\"\n") == ""
    assert record_period("LOCATION,x\nCOMMENTS 1,\"Period of Record=2023-2009\"\n") == ""


def _as_window(shared_dir: Path, dst: Path, window: str) -> Path:
    """The bundled Anqing whole-record file with its header saying it is a window file."""
    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    with gzip.open(src, "rt", encoding="latin-1") as fh:
        text = fh.read()
    text = re.sub(r"Period of Record=\d{4}-\d{4}", f"Period of Record={window}", text, count=1)
    dst.write_text(text, encoding="latin-1")
    return dst


def test_a_window_file_is_checked_in_its_own_period(shared_dir, tmp_path):
    """The same hours, once stated as the whole record and once as the 2009-2023 window: the
    window file is compared with the estimate of the 2009-2023 climate, month by month warmer
    by the window offset; asked for the recent climate, both read alike."""
    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    whole = check_weather_file(src, leave_out_km=15)
    win = check_weather_file(_as_window(shared_dir, tmp_path / "CHN_AH_Anqing.584240_TMYx.2009-2023.epw",
                                        "2009-2023"), leave_out_km=15)
    assert whole["temperature_period"] == "tmyx" and win["temperature_period"] == PERIOD
    assert win["t_annual_error"] - whole["t_annual_error"] == pytest.approx(tmyx_window_offsets().mean(), abs=1e-6)
    assert win["ghi_error"] == pytest.approx(whole["ghi_error"])
    same = check_weather_file(tmp_path / "CHN_AH_Anqing.584240_TMYx.2009-2023.epw", leave_out_km=15,
                              temperature_period="tmyx")
    assert same["t_annual_error"] == pytest.approx(whole["t_annual_error"])


def test_a_planner_chooses_the_2009_2023_climate():
    """Every month moves by the window offset, the radiation does not, and the outputs say which
    climate it is and how uncertain, in Chinese too."""
    from twin.report_text import phrase

    a, _ = site_weather(lat=31.2, lon=121.4)
    b, mb = site_weather(lat=31.2, lon=121.4, temperature_period=PERIOD)
    assert mb.temperature_period == PERIOD
    shift = (b.temp_air.groupby(b.index.month).mean() - a.temp_air.groupby(a.index.month).mean()).to_numpy()
    np.testing.assert_allclose(shift, tmyx_window_offsets(), atol=1e-6)
    np.testing.assert_allclose(b.ghi.to_numpy(), a.ghi.to_numpy())
    note = next(n for n in mb.notes if n.startswith(f"temperature period {PERIOD}"))
    n = len(tmyx_windows()["windows"][RECENT_WINDOW])
    assert f"{shift.mean():.1f} K warmer" in note and f"from {n} stations" in note
    assert "[climate-onebuilding-tmyx]" in note  # the bibliography entry a run's summary lists
    zh = phrase(note, "zh")
    assert zh != note and "2009–2023" in zh and f"{n} 个" in zh
    # a named CSWD station on this period: moved to the TMYx period, then on by the window
    from weather.interp import _base, _col

    k = int(np.flatnonzero(_base()["ids"] == "CSWD-58238")[0])
    c, mc = site_weather(city="CSWD-58238", temperature_period=PERIOD)
    np.testing.assert_allclose(c.temp_air.groupby(c.index.month).mean().to_numpy(),
                               _col("t_mean")[k] + dataset_offsets()["CSWD"] + tmyx_window_offsets(), atol=1e-6)
    assert any(x.startswith("temperature and RH moved to the TMYx period") for x in mc.notes)
    with pytest.raises(WeatherError, match="temperature_period: expected one of"):
        site_weather(lat=31.2, lon=121.4, temperature_period="tmyx-2004-2018")


def test_the_bundled_recent_records_are_moved_to_the_whole_record_level():
    """Huoshan's bundled TMYx file is a 2011-2025 window and Harbin Taiping airport's a 2004-2025 record: their
    months enter the interpolation and the dataset offsets at the whole-record level of the
    other TMYx stations; every other station as its file has them."""
    from weather.interp import _base, _col
    from weather.stations import station_table

    st = station_table()
    assert st.loc["TMYx-58314", "record_period"] == "2011-2025" and st.loc["TMYx-541611", "record_period"] == "2004-2025"
    b = _base()
    moved = np.isin(b["ids"], ["TMYx-58314", "TMYx-541611"])
    np.testing.assert_allclose(station_file_temperatures()[moved], _col("t_mean")[moved] - tmyx_window_offsets())
    np.testing.assert_array_equal(station_file_temperatures()[~moved], _col("t_mean")[~moved])
    assert set(dataset_offsets()) == {"TMYx", "CSWD", "SWERA"}


def test_scenario_and_cli_accept_the_period(tmp_path):
    from click.testing import CliRunner

    from twin.cli import main
    from twin.scenario.loader import load_scenario

    out = tmp_path / "w.csv"
    r = CliRunner().invoke(main, ["weather", "--lat", "31.2", "--lon", "121.4", "--temperature-period", PERIOD,
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "(2009-2023 climate)" in r.output.splitlines()[-1]
    assert f"temperature period {PERIOD}" in out.read_text(encoding="utf-8").split("time,")[0]
    r = CliRunner().invoke(main, ["weather", "--lat", "31.2", "--lon", "121.4", "--temperature-period", "1990s",
                                  "-o", str(out)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    sc = load_scenario(EXAMPLE, overrides={"site.temperature_period": PERIOD})
    assert sc.scenario.site.temperature_period == PERIOD


def test_the_period_lists_written_out_by_hand_are_the_weather_packages():
    """The CLI's choices and the scenario schema name the periods without importing the weather
    package (start-up time); they must stay those ``weather.site`` knows."""
    import typing

    from twin.cli import main
    from twin.scenario.schema import SiteSpec
    from weather.site import TEMPERATURE_PERIODS

    assert set(typing.get_args(SiteSpec.model_fields["temperature_period"].annotation)) == set(TEMPERATURE_PERIODS)
    choices = {name: next(p.type.choices for p in cmd.params if p.name == "temperature_period")
               for name, cmd in main.commands.items() if name in ("weather", "weather-check")}
    assert set(choices["weather"]) == set(TEMPERATURE_PERIODS)
    assert set(choices["weather-check"]) == {"auto", *TEMPERATURE_PERIODS}


def test_a_run_on_a_window_file_states_it_against_the_window_estimate(shared_dir, tmp_path):
    """A planner's own weather file that is a 2009-2023 TMYx window is compared (summary.json's
    file_check, the report) with the estimate of that climate, and the text says so."""
    from weather._core import DAYS_IN_MONTH
    from weather.site import file_check_text

    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    _, whole = site_weather(path=src)
    _, win = site_weather(path=_as_window(shared_dir, tmp_path / "anqing_2009_2023.epw", "2009-2023"))
    assert whole.file_check["temperature_period"] == "tmyx" and win.file_check["temperature_period"] == PERIOD
    step = float(tmyx_window_offsets() @ DAYS_IN_MONTH / DAYS_IN_MONTH.sum())
    assert win.file_check["t_annual_estimate_c"] - whole.file_check["t_annual_estimate_c"] == pytest.approx(step)
    assert "(in the file's period, 2009-2023)" in file_check_text(win.file_check)
    assert "period" not in file_check_text(whole.file_check)


def test_weather_check_says_which_files_it_compared_in_the_window_climate(shared_dir, tmp_path):
    from click.testing import CliRunner

    from twin.cli import main

    folder = tmp_path / "files"
    folder.mkdir()
    _as_window(shared_dir, folder / "CHN_AH_Anqing.584240_TMYx.2009-2023.epw", "2009-2023")
    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    (folder / src.name).write_bytes(src.read_bytes())
    out = tmp_path / "check.csv"
    r = CliRunner().invoke(main, ["weather-check", str(folder), "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "1 of 2 files compared with the estimate of the 2009-2023 climate" in r.output
    import pandas as pd

    periods = pd.read_csv(out, comment="#").set_index("file")["temperature_period"]
    assert periods["CHN_AH_Anqing.584240_TMYx.2009-2023.epw"] == PERIOD and periods[src.name] == "tmyx"


def test_the_derivation_pairs_window_and_whole_record_files_by_station(shared_dir, tmp_path):
    """scripts/derive_tmyx_windows.py on a folder: a window file one kelvin warmer than the
    whole-record file of the same station gives +1 K in every month; a CSWD file is skipped."""
    import importlib.util
    import io
    import json
    from contextlib import redirect_stdout

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("derive_tmyx_windows", root / "scripts" / "derive_tmyx_windows.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    folder = tmp_path / "files"
    folder.mkdir()
    src = next((shared_dir / "data" / "weather").glob("CHN_AH_Anqing*TMYx.epw.gz"))
    (folder / src.name).write_bytes(src.read_bytes())
    win = _as_window(shared_dir, folder / "CHN_AH_Anqing.584240_TMYx.2009-2023.epw", "2009-2023")
    lines = win.read_text(encoding="latin-1").split("\n")
    for i in range(8, len(lines)):
        f = lines[i].split(",")
        if len(f) > 6:
            f[6] = f"{float(f[6]) + 1.0:.1f}"
            lines[i] = ",".join(f)
    win.write_text("\n".join(lines), encoding="latin-1")
    cswd = next((shared_dir / "data" / "weather_cswd").glob("*.epw.gz"))
    (folder / cswd.name).write_bytes(cswd.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert mod.main([str(folder), "--source", "test files", "--out", str(out)]) == 0
    assert f"skipped {cswd.name}" in buf.getvalue()
    data = json.loads((out / "tmyx_windows.json").read_text(encoding="utf-8"))
    assert data["files_from"] == "test files" and list(data["windows"]) == ["2009-2023"]
    (row,) = data["windows"]["2009-2023"]
    assert row["wmo"] == "58424" and row["whole_record_file"] == src.name
    np.testing.assert_allclose(row["monthly_difference_k"], 1.0, atol=2e-3)
    assert row["annual_ghi_ratio"] == pytest.approx(1.0)
    assert not list(out.glob("*.tmp"))
