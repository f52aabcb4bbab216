"""`twin weather-check`: the tool's weather against typical-year files it has not seen.

Issue 11: "stations not in ../shared will be used to check the same figures independently".
The check must give the figures of weather/VALIDATION.md's leave-one-out for a bundled file
with its place left out, name every file it cannot check, and never end in a traceback.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import weather as wx
from twin.cli import main
from weather.validation import check_weather_file, file_dataset, places_near, weather_files

DATASET_DIRS = {"TMYx": "weather", "CSWD": "weather_cswd", "SWERA": "weather_swera"}


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _file(shared_dir: Path, sid: str) -> Path:
    from weather.stations import station_table

    row = station_table().loc[sid]
    return shared_dir / "data" / DATASET_DIRS[row["dataset"]] / f"{row['file']}.gz"


def test_dataset_named_by_the_header():
    assert file_dataset("SRC-TMYx") == "TMYx"
    assert file_dataset("CSWD") == "CSWD"
    assert file_dataset("SWERA") == "SWERA"
    assert file_dataset("") == "" and file_dataset("ISD-TMY3") == ""


def test_places_near_by_distance_and_wmo_number():
    from weather.stations import station_table

    st = station_table()
    anqing = st.loc["TMYx-58424"]
    assert places_near(anqing["lat"], anqing["lon"], 0.0) == frozenset()
    near = places_near(anqing["lat"], anqing["lon"], 15.0)
    assert near == frozenset([anqing["group"]])
    # a file of Harbin's WMO number is one place with the city's SWERA and CSWD stations, as in
    # the leave-one-out; the TMYx file of Taiping airport, 43 km away with a number of its own
    # (541611), is a place of its own
    harbin = st.loc["SWERA-50953"]
    by_number = places_near(harbin["lat"], harbin["lon"], 15.0, wmo="509530")
    assert harbin["group"] in by_number
    assert set(st.loc[st["wmo"] == "50953", "group"]) <= by_number
    assert st.loc["TMYx-541611", "group"] not in by_number


def test_excluded_places_only_for_a_site_by_coordinates():
    with pytest.raises(wx.WeatherError, match="lat=/lon="):
        wx.site_weather(city="苏州", exclude_groups=frozenset(["g000"]))


@pytest.mark.parametrize("sid", ["TMYx-58424", "CSWD-50854", "SWERA-50953"])
def test_check_repeats_the_leave_one_out(shared_dir, sid):
    """With its place left out, a bundled file's check gives its leave-one-out row: the same
    estimate, compared in the file's own period (CSWD and SWERA files in their older climate)
    and on its radiation basis."""
    from weather.validation import leave_one_out

    loo = leave_one_out(pv=True, ids=[sid]).iloc[0]
    r = check_weather_file(_file(shared_dir, sid), leave_out_km=15.0)
    assert r["dataset"] == sid.split("-")[0]
    assert r["independent"]
    assert r["t_annual_error"] == pytest.approx(loo["t_annual"], abs=2e-3)
    assert r["t_worst_month_error"] == pytest.approx(loo["t_worst_month"], abs=2e-3)
    if sid.startswith("CSWD"):  # the bundled statistics moved CSWD radiation by its timing offset
        assert r["radiation_basis"] == "cswd" and r["temperature_period"] == "cswd"
        assert r["ghi_error"] == pytest.approx(loo["ghi_annual"], abs=0.01)
    else:
        assert r["ghi_error"] == pytest.approx(loo["ghi_annual"], abs=1e-4)
        # a SWERA file's synthetic year is in its own, 0.4 K colder period (the leave-one-out's
        # at the TMYx period): cooler cells, about 0.2 % more yield
        assert r["pv_yield_error"] == pytest.approx(loo["pv_yield"], abs=1e-3 if sid.startswith("TMYx") else 4e-3)
    assert r["left_out"] and sid.split("-")[0] in r["left_out"]


def test_check_at_a_station_is_marked_not_independent(shared_dir):
    r = check_weather_file(_file(shared_dir, "TMYx-58424"))
    assert r["nearest_km"] < 1.0 and not r["independent"] and r["left_out"] == ""
    assert abs(r["t_annual_error"]) < 0.5 and abs(r["ghi_error"]) < 0.03
    # the file's own period by default; the recent climate when asked (TMYx: the same)
    r2 = check_weather_file(_file(shared_dir, "TMYx-58424"), temperature_period="tmyx")
    assert r2["t_annual_error"] == pytest.approx(r["t_annual_error"])
    with pytest.raises(wx.WeatherError, match="temperature_period"):
        check_weather_file(_file(shared_dir, "TMYx-58424"), temperature_period="1990s")


def _moved_epw(src: Path, dst: Path, lat: float, lon: float) -> Path:
    with gzip.open(src, "rt") as fh:
        lines = fh.read().split("\n")
    f = lines[0].split(",")
    f[6], f[7] = str(lat), str(lon)
    lines[0] = ",".join(f)
    dst.write_text("\n".join(lines))
    return dst


def test_cli_checks_a_folder_and_names_what_it_cannot(tmp_path, shared_dir):
    folder = tmp_path / "held_back"
    folder.mkdir()
    for sid in ("TMYx-58424", "SWERA-50953"):
        shutil.copy(_file(shared_dir, sid), folder)
    (folder / "broken.epw").write_text("LOCATION,x\n")
    _moved_epw(_file(shared_dir, "TMYx-58424"), folder / "ulaanbaatar.epw", 47.92, 106.92)
    (folder / "notes.txt").write_text("not a weather file")
    (folder / "stations.csv").write_text("id,name,lat,lon\nTMYx-58424,Anqing,30.5,117.0\n")
    out = tmp_path / "check.csv"
    r = _run(["weather-check", str(folder), "--leave-out-km", "15", "-o", str(out), "-q"])
    assert r.exit_code == 1  # two files could not be checked
    assert "Traceback" not in r.output
    assert "not checked: " in r.output and "broken.epw" in r.output and "LOCATION line" in r.output
    assert "ulaanbaatar.epw" in r.output and "outside mainland China" in r.output and "LOCATION" in r.output
    assert "notes.txt" not in r.output
    assert "skipped: " in r.output and "stations.csv: a CSV table, not a TMY3 file" in r.output
    assert "CHN_AH_Anqing.584240_TMYx.epw.gz" in r.output and "SWERA_509530_HARBIN.epw.gz" in r.output
    assert "annual mean temperature: 2 files" in r.output and "within 1.00 K" in r.output
    assert "places within 15 km left out" in r.output
    assert "by region (absolute errors" in r.output  # Anqing (east coast) and Harbin (north-east)
    assert [ln.split()[:2] for ln in r.output.splitlines() if ln.startswith(("east coast", "north-east"))] \
        == [["north-east", "1"], ["east", "coast"]]
    assert "by dataset (absolute errors;" in r.output  # the SWERA files' split, the PV goal's tail
    assert [ln.split()[:2] for ln in r.output.splitlines() if ln.startswith(("TMYx ", "SWERA "))] \
        == [["TMYx", "1"], ["SWERA", "1"]]
    assert "the uncertainty the tool states for a site (meant to hold at 95 %) held for: annual mean " \
           "temperature at" in r.output and "of 2 files; annual GHI at" in r.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [x["file"] for x in rows] == ["CHN_AH_Anqing.584240_TMYx.epw.gz", "SWERA_509530_HARBIN.epw.gz"]
    assert {"t_annual_error [K]", "t_worst_month_error [K]", "ghi_error [-]", "pv_yield_error [-]",
            "pv_yield_roof_error [-]", "ghi_file [kWh/m2]", "zone_file", "zone_estimate", "left_out",
            "independent"} <= set(rows[0])


def test_cli_marks_files_at_bundled_stations(shared_dir):
    r = _run(["weather-check", str(_file(shared_dir, "TMYx-58424")), "-q"])
    assert r.exit_code == 0, r.output
    assert "CHN_AH_Anqing.584240_TMYx.epw.gz *" in r.output
    assert "no independent check" in r.output and "--leave-out-km 15" in r.output
    assert "annual mean temperature: 1 file," in r.output


def test_cli_checks_a_folder_of_the_zip_archives_climate_onebuilding_distributes(tmp_path, shared_dir):
    """A checker who downloads TMYx stations gets one zip archive per station (the EPW beside
    .ddy, .stat, ...): a folder of them is checked like the EPW files themselves."""
    import zipfile

    with gzip.open(_file(shared_dir, "TMYx-58424"), "rb") as fh:
        epw = fh.read()
    folder = tmp_path / "downloads"
    folder.mkdir()
    with zipfile.ZipFile(folder / "CHN_AH_Anqing.584240_TMYx.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("CHN_AH_Anqing.584240_TMYx.epw", epw)
        zf.writestr("CHN_AH_Anqing.584240_TMYx.stat", "statistics\n")
    assert weather_files([folder]) == [folder / "CHN_AH_Anqing.584240_TMYx.zip"]
    r = _run(["weather-check", str(folder), "--leave-out-km", "15", "-q"])
    assert r.exit_code == 0, r.output
    assert "CHN_AH_Anqing.584240_TMYx.zip" in r.output and "annual mean temperature: 1 file," in r.output
    row = check_weather_file(folder / "CHN_AH_Anqing.584240_TMYx.zip", leave_out_km=15)
    ref = check_weather_file(_file(shared_dir, "TMYx-58424"), leave_out_km=15)
    assert row["dataset"] == "TMYx" and row["t_annual_error"] == ref["t_annual_error"]
    assert row["pv_yield_error"] == ref["pv_yield_error"]


def test_errors_by_dataset_count_a_users_own_file_as_other(tmp_path, shared_dir):
    """The table by dataset holds every file: a file whose header names none of the bundled
    datasets (a logger's year) is counted as "other", not dropped."""
    import pandas as pd

    from weather.validation import checks_by_region

    with gzip.open(_file(shared_dir, "TMYx-58424"), "rt", encoding="latin-1") as fh:
        text = fh.read()
    own = tmp_path / "logger.epw"
    own.write_text(text.replace("SRC-TMYx", "MyLogger", 1), encoding="latin-1")
    rows = pd.DataFrame([check_weather_file(_file(shared_dir, "TMYx-58424")), check_weather_file(own)])
    assert list(rows["dataset"]) == ["TMYx", "other"]
    t = checks_by_region(rows, by="dataset")
    assert list(t.index) == ["TMYx", "other", "all"] and list(t["n"]) == [1, 1, 2]
    assert t.loc["other", "t_annual_mean"] == pytest.approx(t.loc["TMYx", "t_annual_mean"])


def test_cli_refuses_bad_paths_cleanly(tmp_path):
    r = _run(["weather-check", str(tmp_path / "missing")])
    assert r.exit_code == 1 and "no such file or folder" in r.output
    r = _run(["weather-check", str(tmp_path)])
    assert r.exit_code == 1 and "no weather file in this folder" in r.output
    (tmp_path / "a.epw").write_text("x")
    r = _run(["weather-check", str(tmp_path), "-o", str(tmp_path / "t.xlsx")])
    assert r.exit_code == 1 and "ending in .csv" in r.output
    r = _run(["weather-check", str(tmp_path), "--leave-out-km", "-5"])
    assert r.exit_code == 2 and "leave-out-km" in r.output
    assert weather_files([tmp_path]) == [tmp_path / "a.epw"]


def test_a_wrong_header_position_is_named_with_the_listed_one(shared_dir):
    """The CSWD Linjiang header says 41.0 N (the minutes dropped), a point in North Korea: the
    check refuses the site and says where the station with that WMO number stands."""
    with pytest.raises(wx.WeatherError) as err:
        check_weather_file(_file(shared_dir, "CSWD-54374"))
    msg = str(err.value)
    assert "outside mainland China" in msg and "WMO number 54374" in msg and "41.8" in msg


def _halved_radiation(src: Path, dst: Path) -> Path:
    with gzip.open(src, "rt") as fh:
        lines = fh.read().split("\n")
    for i in range(8, len(lines)):
        f = lines[i].split(",")
        if len(f) > 15:
            for c in (13, 14, 15):  # GHI, DNI, DHI [Wh/m2]
                f[c] = f"{float(f[c]) / 2:.0f}"
            lines[i] = ",".join(f)
    dst.write_text("\n".join(lines))
    return dst


def test_a_file_far_from_the_estimate_gets_a_note(tmp_path, shared_dir):
    """The TMYx Huang.Shan file: header 1836 m (the summit) with lowland temperatures, 9.8 K
    warmer than the estimate there; a file with half its radiation. Both say what to check,
    in both languages; a sound file says nothing."""
    from report_text_check import wrong_language

    from twin.report_text import phrase

    _, meta = wx.site_weather(path=shared_dir / "data/weather/CHN_AH_Huang.Shan.584370_TMYx.epw.gz")
    note = [n for n in meta.notes if n.startswith("the weather file's annual mean temperature")]
    assert len(note) == 1 and "K above the tool's estimate" in note[0] and "1836 m" in note[0]
    assert "twin weather-check CHN_AH_Huang.Shan" in note[0]
    _, meta = wx.site_weather(path=_halved_radiation(_file(shared_dir, "TMYx-58424"), tmp_path / "half.epw"))
    ghi = [n for n in meta.notes if n.startswith("the weather file's annual GHI")]
    assert len(ghi) == 1 and "radiation columns and units" in ghi[0]
    for n in (note[0], ghi[0]):
        zh = phrase(n, "zh")
        assert zh != n and not wrong_language(zh, "zh"), zh
    _, meta = wx.site_weather(path=_file(shared_dir, "TMYx-58424"))
    assert not [n for n in meta.notes if n.startswith("the weather file's")]


def test_stated_coverage_counts_files_within_the_stated_uncertainty():
    import pandas as pd

    from weather.validation import stated_coverage

    rows = pd.DataFrame({"dataset": ["TMYx", "CSWD", "SWERA"], "t_annual_error": [0.5, -1.5, 0.1],
                         "expected_temperature_uncertainty_k": [0.8, 1.2, None],
                         "ghi_error": [0.02, -0.3, 0.2], "expected_ghi_uncertainty": [0.05, 0.1, 0.1]})
    c = stated_coverage(rows)
    assert c["temperature"] == 0.5 and c["temperature_files"] == 2
    assert c["ghi"] == 0.5 and c["ghi_files"] == 2  # the CSWD file's radiation is not counted


def test_a_run_on_a_weather_file_states_it_against_the_estimate(tmp_path, shared_dir):
    """summary.json's weather.file_check and the report's weather row give the file against the
    tool's estimate at its position (evidence that the file is the site's); null for a
    synthetic year."""
    import json

    text = (Path(__file__).parent / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    shutil.copy(_file(shared_dir, "TMYx-58358"), tmp_path / "w.epw.gz")
    p = tmp_path / "s.yaml"
    p.write_text(text.replace("site: {city: Hangzhou}", "site: {city: Suzhou, weather_file: w.epw.gz}"),
                 encoding="utf-8")
    for lang in ("en", "zh"):
        out = tmp_path / f"out_{lang}"
        r = _run(["run", str(p), "--hours", "48", "-o", str(out), "-q", "--lang", lang])
        assert r.exit_code == 0, r.output
        w = json.loads((out / "summary.json").read_text(encoding="utf-8"))["weather"]
        fc = w["file_check"]
        assert set(fc) == {"dataset", "temperature_period", "estimate_station", "t_annual_estimate_c",
                           "t_annual_error_k", "ghi_tmyx_kwh_m2", "ghi_cswd_kwh_m2", "ghi_error_tmyx",
                           "ghi_error_cswd"}
        assert fc["estimate_station"] is None  # a TMYx file: the interpolation at its position
        assert abs(fc["t_annual_error_k"]) < 1.0 and abs(fc["ghi_error_tmyx"]) < 0.05  # Suzhou's own file
        # estimate less file, as twin weather-check's errors
        assert fc["t_annual_error_k"] == pytest.approx(fc["t_annual_estimate_c"] - w["annual_mean_temperature_c"])
        assert fc["ghi_error_tmyx"] == pytest.approx(fc["ghi_tmyx_kwh_m2"] / w["annual_ghi_kwh_m2"] - 1)
        import html as _html

        from weather.site import signed_text

        page = _html.unescape((out / "report.html").read_text(encoding="utf-8"))
        said = (f"估计减文件：年均气温 {signed_text(fc['t_annual_error_k'], 1)} K，总辐射 "
                f"{signed_text(100 * fc['ghi_error_tmyx'], 0)}%（tmyx 基准）" if lang == "zh"
                else f"the tool's estimate at the file's header position less the file: mean temperature "
                     f"{signed_text(fc['t_annual_error_k'], 1)} K")
        assert said in page
    p.write_text(text, encoding="utf-8")
    r = _run(["run", str(p), "--hours", "48", "-o", str(tmp_path / "synthetic"), "-q"])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "synthetic" / "summary.json").read_text(encoding="utf-8"))["weather"]["file_check"] is None


def test_a_cswd_file_is_judged_in_its_own_period(shared_dir):
    """A CSWD file (1971-2003) against the estimate moved back by the CSWD offset, not against
    the recent climate (about 0.4 K warmer): its own station's difference stays small."""
    from weather.interp import dataset_offsets

    _, meta = wx.site_weather(path=_file(shared_dir, "CSWD-58424"))
    fc = meta.file_check
    assert fc["dataset"] == "CSWD"
    assert abs(fc["t_annual_error_k"]) < 0.3
    recent = fc["t_annual_estimate_c"] + float(dataset_offsets()["CSWD"] @ [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) / 365
    assert recent - fc["t_annual_estimate_c"] > 0.3


def test_weather_written_as_epw_reads_back(tmp_path):
    """`twin weather -o x.epw`: the typical year in EnergyPlus's format, which the tool's own
    reader (and pvlib's) read back to the values written, within the format's rounding; dew
    point never above the air temperature."""
    import numpy as np
    import pvlib

    out = tmp_path / "chengdu.epw"
    r = _run(["weather", "--city", "成都", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df, meta = wx.site_weather(city="成都", year=2026)
    back, bmeta = wx.read_weather_file(out, year=2026)
    for col, tol in (("ghi", 0.5), ("dni", 0.5), ("dhi", 0.5), ("temp_air", 0.05), ("wind_speed", 0.05),
                     ("relative_humidity", 0.5)):
        assert float(np.abs(back[col].to_numpy() - df[col].to_numpy()).max()) <= tol + 1e-9, col
    assert (bmeta.latitude, bmeta.longitude) == pytest.approx((meta.latitude, meta.longitude), abs=1e-4)
    assert bmeta.elevation == pytest.approx(meta.elevation, abs=0.05)
    assert "no shift needed" in bmeta.notes[0]
    data, pmeta = pvlib.iotools.read_epw(str(out))
    assert len(data) == 8760 and pmeta["TZ"] == 8.0 and pmeta["city"] == "Chengdu"
    assert (data["temp_dew"] <= data["temp_air"] + 1e-9).all()
    assert data["atmospheric_pressure"].iloc[0] == pytest.approx(101325 * (1 - 2.25577e-5 * meta.elevation) ** 5.25588, abs=1)
    first = out.read_text(encoding="utf-8").splitlines()
    assert first[5].startswith("COMMENTS 1,park-twin ") and "synthetic typical year" in first[5]
    assert all(line.isascii() for line in first)
    assert first[8].startswith("2026,1,1,1,0,") and first[-1].startswith("2026,12,31,24,0,")


def test_a_file_rewritten_as_epw_keeps_its_dataset_and_number(tmp_path, shared_dir):
    """`twin weather --file CSWD.epw -o x.epw` keeps the CSWD data source and WMO number in the
    LOCATION line, so the re-written file is still judged in its own (1971-2003) period."""
    out = tmp_path / "anqing.epw"
    r = _run(["weather", "--file", str(_file(shared_dir, "CSWD-58424")), "-o", str(out)])
    assert r.exit_code == 0, r.output
    loc = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert loc[4] == "CSWD via park-twin" and loc[5] == "584240"
    _, meta = wx.site_weather(path=out)
    assert meta.file_check["dataset"] == "CSWD"
