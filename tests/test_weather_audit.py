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
    _, syn_meta = wx.site_weather(city="成都", year=2026)
    assert syn_meta.seed_choice == "typical" and syn_meta.seed is not None
    assert head["seed"] == str(syn_meta.seed) and head["expected_uncertainty"] == "0.03"


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


def test_epw_provenance_names_the_place_every_station_and_how_it_was_made(tmp_path):
    """`twin weather --city 西安 -o x.epw` wrote LOCATION 'site 34.27N 108.94E', the first 7
    stations only (dropping the radiation stations), no uncertainty and no zone; pvlib reads the
    place back, and every station the year used is listed with its distance and role."""
    import pvlib

    from weather.io import park_twin_provenance

    path = tmp_path / "xa.epw"
    assert _run(["weather", "--city", "西安", "-o", str(path)]).exit_code == 0
    _, meta = wx.site_weather(city="西安", year=2026)
    _, loc = pvlib.iotools.read_epw(path)
    assert loc["city"] == "Xi'an" and loc["state-prov"] == "Shaanxi"
    text = path.read_text(encoding="utf-8")
    assert text.isascii()
    comment = next(ln for ln in text.splitlines() if ln.startswith("COMMENTS 1"))
    assert len(meta.stations) > 7
    for s in meta.stations:
        assert f"{s['id']} {s['name']} {s['dataset']} {s['distance_km']:.0f} km {s['role']}" in comment
    assert "radiation" in comment and "expected annual GHI uncertainty 5 %" in comment
    assert "expected annual mean temperature uncertainty 1.6 K" in comment
    prov = park_twin_provenance(text)
    assert {k: prov[k] for k in ("source", "radiation_basis", "temperature_period", "seed", "climate_zone")} == {
        "source": "synthetic-site", "radiation_basis": "tmyx", "temperature_period": "tmyx",
        "seed": str(meta.seed), "climate_zone": "cold-B"}
    # the climate's design temperatures (weather.design), read back by a run on the file
    assert prov["design_years"] == "16"
    assert float(prov["design_cooling_c"]) == pytest.approx(meta.design_temperatures["cooling_c"], abs=0.005)
    # a station's own statistics: its name and WMO number, and which station it is
    cd = tmp_path / "cd.epw"
    assert _run(["weather", "--city", "成都", "--seed", "3", "-o", str(cd)]).exit_code == 0
    _, loc = pvlib.iotools.read_epw(cd)
    assert loc["city"] == "Chengdu" and loc["WMO_code"] == "56294"
    said = park_twin_provenance(cd.read_text(encoding="utf-8"))
    assert said["source"] == "synthetic-city" and said["station"] == "TMYx-56294" and said["seed"] == "3"
    # a county by its pinyin, bare coordinates by their position
    jd = tmp_path / "jd.epw"
    assert _run(["weather", "--city", "江都区", "-o", str(jd)]).exit_code == 0
    assert jd.read_text(encoding="utf-8").startswith("LOCATION,Jiangdu,Jiangsu,CHN,park-twin synthetic")
    assert "division code 321012" in jd.read_text(encoding="utf-8")[:3000]


def test_a_rewritten_file_keeps_its_period_of_record(shared_dir, tmp_path):
    """Re-writing a recent-window TMYx file dropped 'Period of Record=2011-2025' from COMMENTS 1:
    `twin weather-check` then judged the copy in the whole-record climate (-0.63 K against the
    original's -0.14 K). The period, the file's sha256 and dataset are carried through, also
    through a second re-write."""
    from weather.validation import check_weather_file

    src = shared_dir / "data/weather/CHN_AH_Huoshan.583140_TMYx.2011-2025.epw.gz"
    once, twice = tmp_path / "hs.epw", tmp_path / "hs2.epw"
    assert _run(["weather", "--file", str(src), "-o", str(once)]).exit_code == 0
    assert _run(["weather", "--file", str(once), "-o", str(twice)]).exit_code == 0
    head = once.read_text(encoding="utf-8")[:3000]
    assert "Period of Record=2011-2025" in head and "SRC-TMYx via park-twin,583140" in head
    rows = [check_weather_file(p) for p in (src, once, twice)]
    assert {r["temperature_period"] for r in rows} == {"tmyx-2009-2023"}
    assert rows[1]["t_annual_error"] == pytest.approx(rows[0]["t_annual_error"], abs=0.02)
    assert rows[2]["t_annual_error"] == pytest.approx(rows[0]["t_annual_error"], abs=0.02)


def test_the_tools_own_file_of_a_station_is_checked_against_that_station(chengdu_epw, tmp_path):
    """`twin weather --city 成都 -o cd.epw` then `twin weather-check cd.epw` compared the station's
    own year (GHI 1217) with the interpolation at its position (1255): +3.1 %, 'held at 0 % of 1
    files'. A year the tool wrote is compared with what it was made from, on its own basis and
    period, and says so."""
    _, meta = wx.site_weather(path=chengdu_epw)
    fc = meta.file_check
    assert fc["dataset"] == "park-twin" and fc["estimate_station"] == "TMYx-56294"
    assert abs(fc["ghi_error_tmyx"]) < 0.001 and abs(fc["t_annual_error_k"]) < 0.05
    r = _run(["weather-check", str(chengdu_epw)])
    assert r.exit_code == 0, r.output
    row = next(ln for ln in r.output.splitlines() if ln.startswith("cd.epw"))
    assert "park-twin" in row and "+0.0%" in row and "station" in row
    assert "park-twin: a year this tool wrote, compared with what it was made from" in r.output
    assert "annual GHI at 100 % of 1 files" in r.output
    # a year on the older climate and the cswd basis is checked on them, not on the defaults
    old = tmp_path / "old.epw"
    assert _run(["weather", "--lat", "31.3", "--lon", "120.6", "--temperature-period", "cswd",
                 "--radiation-basis", "cswd", "-o", str(old)]).exit_code == 0
    from weather.validation import check_weather_file

    row = check_weather_file(old)
    assert (row["dataset"], row["radiation_basis"], row["temperature_period"]) == ("park-twin", "cswd", "cswd")
    assert abs(row["t_annual_error"]) < 0.05 and abs(row["ghi_error"]) < 0.002


def test_coordinates_at_a_station_say_why_the_year_is_not_the_stations(chengdu_epw):
    """`--lat 30.579 --lon 103.947 --elevation 495.3`, Chengdu station's position, gave GHI 1255
    where `--city 成都` gives 1217, with no word why: a note now gives both and how to get the
    station's own; a site 10 km away gets none."""
    from twin.report_text import phrase

    _, meta = wx.site_weather(lat=30.579, lon=103.947, elevation=495.3)
    note = next(n for n in meta.notes if n.startswith("the site lies"))
    assert "TMYx station Chengdu 成都" in note and "annual GHI 1255 kWh/m2" in note
    assert "own statistics give GHI 1217 kWh/m2" in note and "--city Chengdu" in note
    assert phrase(note, "zh").startswith("场址距内置 TMYx 气象站")
    _, far = wx.site_weather(lat=30.67, lon=103.947, elevation=495.3)
    assert not any(n.startswith("the site lies") for n in far.notes)


def test_the_zone_printed_and_the_written_years_own_are_told_apart(tmp_path):
    """`--city 廊坊 --seed 0 -o lf.epw` printed 寒冷A (CDD26 89), `--file lf.epw` 寒冷B (CDD26
    100): the zone is the climate's (mean of 16 seeded years) and seed 0's summer is warmer than
    that mean at most sites (the same seed draws the same anomalies), not a miscount: the file's
    degree days are the year's own, exactly. The last line gives both, and reading the file back
    says why its zone differs from its header's."""
    from weather.climate_zone import degree_days

    path = tmp_path / "lf.epw"
    r = _run(["weather", "--city", "廊坊", "--seed", "0", "-o", str(path)])
    last = r.output.strip().splitlines()[-1]
    # HDD18 2695 -> 2696 when the Urumqi airport left the city station's place (the CSWD period
    # offset, a median over places with both datasets, lost the airport less the city), 2696 ->
    # 2697 and CDD26 89 -> 88 (the year's 100 -> 99) when the Harbin and Tianjin airports did (and
    # CSWD Tianjin, 天津's station, became a neighbour of its own), 2697 -> 2698, CDD26 88 -> 90 and
    # the year's HDD18 2697 -> 2700, CDD26 99 -> 101 when the synthetic days' timing varied
    assert "climate zone 寒冷A of the site's climate (HDD18 2698, CDD26 90: the mean of 16 synthetic years)" in last
    assert "this year (seed 0) alone: HDD18 2700, CDD26 101, which gives 寒冷B" in last
    df, meta = wx.site_weather(city="廊坊", year=2026, seed=0)
    back, bmeta = wx.site_weather(path=path, year=2026)
    own = degree_days(df["temp_air"].to_numpy())
    assert degree_days(back["temp_air"].to_numpy()) == pytest.approx(own, abs=0.5)  # 0.1 K rounding
    assert meta.climate_zone["year_cdd26"] == pytest.approx(own[1], abs=0.1)
    assert bmeta.climate_zone["subzone"] == "寒冷B"
    note = next(n for n in bmeta.notes if n.startswith("the file's header gives climate zone 寒冷A"))
    assert "give site.climate_zone: 寒冷A" in note
    r = _run(["weather", "--city", "成都", "-o", str(tmp_path / "cd.csv")])
    assert "this year (seed 6) alone: HDD18 1318, CDD26 54; design temperatures heating " in r.output
    assert r.output.strip().endswith("(51st-highest wet-bulb hour): the mean of 16 synthetic years of the site's climate")


def _radiation_moved(shared_dir, tmp_path, hours: int) -> Path:
    """Suzhou's TMYx EPW with its GHI, DNI and DHI written ``hours`` later (circularly)."""
    import gzip

    with gzip.open(shared_dir / "data/weather/CHN_JS_Suzhou.583580_TMYx.epw.gz", "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    head, rows = lines[:8], [ln.split(",") for ln in lines[8:] if ln]
    cols = [[r[c] for r in rows] for c in (13, 14, 15)]
    for c, vals in zip((13, 14, 15), cols):
        for r, v in zip(rows, vals[-hours:] + vals[:-hours]):
            r[c] = v
    path = tmp_path / f"moved{hours}.epw"
    path.write_text("\n".join(head + [",".join(r) for r in rows]) + "\n", encoding="utf-8")
    return path


def test_radiation_three_hours_late_is_repaired_in_full_and_four_is_refused(shared_dir, tmp_path):
    """Radiation 3 h late was repaired by the search's 2 h, leaving it 1 h late without a word;
    the search now reaches 3 h, and a file whose radiation fits best beyond it is refused naming
    the shift."""
    import numpy as np

    ref, _ = wx.read_weather_file(shared_dir / "data/weather/CHN_JS_Suzhou.583580_TMYx.epw.gz")
    df, meta = wx.read_weather_file(_radiation_moved(shared_dir, tmp_path, 3))
    assert any(n.startswith("radiation columns shifted 3 h earlier") for n in meta.notes)
    np.testing.assert_allclose(df["ghi"].to_numpy(), ref["ghi"].to_numpy())
    with pytest.raises(WeatherError, match="best moved 4 h earlier, more than the 3 h the reader repairs"):
        wx.read_weather_file(_radiation_moved(shared_dir, tmp_path, 4))


@pytest.mark.parametrize("name, region", [
    ("台北", "Taiwan"), ("臺北市", "Taiwan"), ("高雄", "Taiwan"), ("Taipei", "Taiwan"), ("New Taipei City", "Taiwan"),
    ("Kaohsiung", "Taiwan"), ("台湾台中市", "Taiwan"), ("金門縣", "Taiwan"), ("九龍城", "Hong Kong"),
    ("油尖旺区", "Hong Kong"), ("Sha Tin", "Hong Kong"), ("氹仔", "Macau"), ("Taipa", "Macau"),
])
def test_cities_of_taiwan_hong_kong_and_macau_get_the_regions_message(name, region):
    """台湾 and 香港 said the tool covers mainland China; 台北, 高雄, Taipei said 'unknown station
    ... twin weather --list shows the 329 stations'."""
    from weather.stations import resolve_place

    with pytest.raises(WeatherError) as exc:
        resolve_place(name)
    msg = str(exc.value)
    assert f"{name!r} is in {region}, which this tool does not know by name: it covers mainland China" in msg
    assert "unknown station" not in msg


def test_a_name_a_mainland_place_shares_stays_that_place_with_a_note(tmp_path):
    """连江 (Fujian), 九龙 (Sichuan), Taoyuan (桃源, Hunan) stay the mainland places; the note says
    the name also means a place the tool does not cover. A scenario's site.city: Taipei is refused
    naming the field."""
    from twin.report_text import phrase

    _, meta = wx.site_weather(city="连江")
    note = next(n for n in meta.notes if "does not cover" in n)
    assert note.startswith("'连江' was taken as the one in Fujian; it also names a place in Taiwan")
    assert "台湾的地点" in phrase(note, "zh")
    p = tmp_path / "tp.yaml"
    p.write_text(TINY.read_text(encoding="utf-8").replace("site: {city: Hangzhou}", "site: {city: Taipei}"),
                 encoding="utf-8")
    r = _run(["validate", str(p)])
    assert r.exit_code == 1 and "tp.yaml:3: site.city: 'Taipei' is in Taiwan" in r.output


def test_unreadable_files_are_named_for_what_they_are(tmp_path, chengdu_epw):
    """Empty, binary and fake-zip files all ended with "a table written by 'twin weather' is an
    output, not a weather file", some with pandas' "Error tokenizing data. C error: ..."; each
    case now says what it is, and a broken EPW row is named by its line."""
    lines = chengdu_epw.read_text(encoding="utf-8").split("\n")
    long_row = lines[:]
    long_row[500] += ",1,2,3"
    bad_month = lines[:]
    f = bad_month[500].split(",")
    f[1] = "x"
    bad_month[500] = ",".join(f)
    out = tmp_path / "out.csv"
    assert _run(["weather", "--city", "成都", "-o", str(out)]).exit_code == 0
    cases = {"empty.epw": (b"", "empty (0 bytes); expected an EPW file"),
             "bin.epw": (bytes(range(256)) * 8, "binary data, not a text file"),
             "fake.zip": (b"not a zip\n", "named .zip but not a zip archive"),
             "stations.csv": (b"x,y,z\n1,2,3\n", "nor a TMY3 file (its first line holds the station's number"),
             "long.epw": ("\n".join(long_row).encode(), "line 501 has 38 fields, expected 35"),
             "month.epw": ("\n".join(bad_month).encode(), "line 501, field 2 (month) is 'x'; expected a whole number"),
             "out.csv": (out.read_bytes(), "a table written by 'twin weather'")}
    for name, (content, said) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(WeatherError) as exc:
            wx.read_weather_file(path)
        msg = str(exc.value)
        assert said in msg and "\n" not in msg, msg
        assert "tokenizing" not in msg and ("output, not a weather file" in msg) == (name == "out.csv"), msg
    renamed = tmp_path / "renamed.zip"  # an EPW under another name is still read
    renamed.write_bytes(chengdu_epw.read_bytes())
    assert len(wx.read_weather_file(renamed)[0]) == 8760


def test_weather_check_of_a_file_abroad_says_what_it_checks(tmp_path, chengdu_epw):
    """`twin weather-check <non-China EPW>` said '... this generator only covers China — give a
    weather file with --file' to a user who had given one."""
    lines = chengdu_epw.read_text(encoding="utf-8").split("\n")
    loc = lines[0].split(",")
    loc[1], loc[6], loc[7] = "Hanoi", "21.03", "105.85"  # the Chengdu year at Hanoi
    lines[0] = ",".join(loc)
    abroad = tmp_path / "abroad.epw"
    abroad.write_text("\n".join(lines), encoding="utf-8")
    r = _run(["weather-check", str(abroad)])
    assert r.exit_code == 1
    line = next(ln for ln in r.output.splitlines() if ln.startswith("not checked"))
    assert "outside mainland China, where the tool makes no estimate to compare it with" in line
    assert "--file" not in line and "generator" not in line


def test_a_city_and_coordinates_of_different_places_are_refused(tmp_path):
    """`--city 成都 --lat 30 --lon 100` modelled a 4142 m plateau site 384 km away with a note;
    now an error naming both and saying to give one. Within the city's own reach (its county
    seats, plus a margin) the coordinates stay the site, with the note; 重庆's reach is its
    municipality's."""
    r = _run(["weather", "--city", "成都", "--lat", "30", "--lon", "100", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 1 and not (tmp_path / "x.csv").exists()
    assert "is 384 km from the given latitude/longitude (30.000, 100.000)" in r.output
    assert "give either --city or --lat/--lon (the park's own position), not both" in r.output
    _, meta = wx.site_weather(city="重庆", lat=30.8, lon=108.4)  # 万州, 231 km: still 重庆
    assert any(n.startswith("city='重庆' is 231 km") for n in meta.notes)
    p = tmp_path / "cc.yaml"
    p.write_text(TINY.read_text(encoding="utf-8").replace(
        "site: {city: Hangzhou}", "site: {city: 成都, latitude: 30, longitude: 100}"), encoding="utf-8")
    r = _run(["validate", str(p)])
    assert r.exit_code == 1 and "cc.yaml:3: site: city='成都'" in r.output and "drop 'city'" in r.output


def test_an_elevation_below_sea_level_away_from_turpan_is_refused(tmp_path):
    """`--city 成都 --elevation -200` was accepted (mean 21.7 °C, 夏热冬暖A) while +3000 m was
    refused; below sea level is now refused where the terrain is not, as far above it is. The
    Turpan depression (-150 m) and a coastal -5 m are accepted."""
    from weather.site import elevation_conflict

    r = _run(["weather", "--city", "成都", "--elevation", "-200", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 1 and "elevation -200 m: 200 m below sea level" in r.output
    assert "only the Turpan depression lies below sea level" in r.output
    assert "above it, farther than any CMA weather station" in elevation_conflict(30.58, 103.95, 3000.0)
    assert elevation_conflict(42.66, 89.26, -150.0) is None  # 艾丁湖
    assert elevation_conflict(31.23, 121.47, -5.0) is None  # Shanghai's coast
    assert "below sea level" in elevation_conflict(31.23, 121.47, -50.0)


def test_signed_zeros_are_written_without_a_minus():
    """'mean temperature -0.0 K, GHI -0 %' (CLI and report.html)."""
    from weather.site import file_check_text, signed_text

    assert signed_text(-0.04, 1) == "+0.0" and signed_text(-0.004 * 100, 0) == "+0" and signed_text(-0.06, 1) == "-0.1"
    fc = {"t_annual_error_k": -0.01, "ghi_error_tmyx": -0.002, "ghi_error_cswd": 0.3, "dataset": "TMYx",
          "temperature_period": "tmyx"}
    assert file_check_text(fc).startswith("mean temperature +0.0 K, GHI +0 % (tmyx basis) / +30 %")


def test_cosmetics_of_the_weather_commands(tmp_path):
    """The zone error said "got '寒冷C' (got '寒冷C')"; --radiation-basis CSWD was refused as
    case-sensitive (CLI and scenario); --list -o x.epw wrote a text table into .epw; typos got no
    suggestion."""
    from twin.compare import _display_width
    from weather.stations import resolve_place

    p = tmp_path / "z.yaml"
    text = TINY.read_text(encoding="utf-8")
    p.write_text(text.replace("site: {city: Hangzhou}", "site: {city: 成都, climate_zone: 寒冷C}"), encoding="utf-8")
    r = _run(["validate", str(p)])
    assert r.exit_code == 1 and r.output.count("got '寒冷C'") == 1
    p.write_text(text.replace("site: {city: Hangzhou}", "site: {city: 成都, radiation_basis: CSWD}"), encoding="utf-8")
    assert _run(["validate", str(p)]).exit_code == 0
    r = _run(["weather", "--city", "成都", "--radiation-basis", "CSWD", "-o", str(tmp_path / "c.csv")])
    assert r.exit_code == 0 and "(cswd)" in r.output.splitlines()[-1]
    assert wx.site_weather(city="成都", radiation_basis="CSWD")[1].radiation_basis == "cswd"
    r = _run(["weather", "--list", "-o", str(tmp_path / "x.epw")])
    assert r.exit_code == 1 and not (tmp_path / "x.epw").exists() and ".csv (a table) or .txt" in r.output
    lines = _run(["weather", "--list"]).output.splitlines()[:-1]
    starts = {_display_width(ln[:ln.index(" CSWD ") if " CSWD " in ln else ln.index(" TMYx ") if " TMYx " in ln
                             else ln.index(" SWERA ")]) for ln in lines[1:]}
    assert len(starts) == 1  # the dataset column starts at one terminal column on every line
    for typo, meant in (("Chengdo", "Chengdu (成都, Sichuan)"), ("Guangzho", "Guangzhou (广州, Guangdong)")):
        with pytest.raises(WeatherError) as exc:
            resolve_place(typo)
        assert f"unknown station {typo!r} (did you mean {meant}" in str(exc.value)


def test_chinese_names_are_read_in_traditional_characters_and_slips_get_a_did_you_mean(tmp_path):
    """A Chinese near-miss got nothing useful: 廣州 and 蘇州 (traditional characters) and 广州市区
    (the city's urban area) were 'unknown station' with no suggestion, and so were slips such as
    苏洲 or 苏州工业园区. Traditional characters are now read as simplified, a word for the urban
    area after a city's name means the city, and other unknown Chinese names get candidates by
    character similarity with their province; a scenario's error names site.city and its line."""
    from weather.places import name_stems, simplified
    from weather.stations import resolve_place, similar_names

    assert simplified("烏魯木齊") == "乌鲁木齐" and simplified("乾县") == "乾县"  # 乾 is no 干 here
    assert name_stems("蘇州工業園區") == ["苏州工业园区", "苏州"]
    for written, meant in (("廣州", "广州"), ("蘇州", "苏州"), ("蘇州市", "苏州"), ("重慶", "重庆"),
                           ("烏魯木齊", "乌鲁木齐"), ("广州市区", "广州"), ("成都主城区", "成都"),
                           ("哈尔滨市区", "哈尔滨"), ("青岛市", "青岛"), ("乌鲁木齐市", "乌鲁木齐")):
        assert resolve_place(written) == resolve_place(meant), written
    assert resolve_place("江都区") == resolve_place("江都區")
    with pytest.raises(WeatherError, match=r"'朝陽區' \(read as 朝阳区\) names 2 places"):
        resolve_place("朝陽區")
    with pytest.raises(WeatherError) as exc:  # a county is no city's urban area: 宝安区 is not 宝安市区
        resolve_place("宝安市区")
    assert "did you mean 宝安区 (Guangdong)" in str(exc.value)
    for typo, first in (("苏洲", "苏州 (Jiangsu)"), ("杭洲", "杭州 (Zhejiang)"), ("深训", "深圳 (Guangdong)"),
                        ("苏州工业园区", "苏州 (Jiangsu)"), ("乌鲁木其", "乌鲁木齐 (Xinjiang)"),
                        ("江都县", "江都区 (Jiangsu)"), ("海南州", "海南藏族自治州 (Qinghai)"),
                        ("天津滨海", "滨海新区 (Tianjin)"), ("廣洲", "广州 (Guangdong)")):
        with pytest.raises(WeatherError) as exc:
            resolve_place(typo)
        assert f"unknown station {typo!r} (did you mean {first}" in str(exc.value), str(exc.value)
    # a name other places share is suggested so that it picks one
    assert "吉林 长春市 朝阳区 (Jilin)" in similar_names("朝阳县区")
    assert similar_names("Atlantis") == [] and similar_names("") == []
    p = tmp_path / "su.yaml"
    text = TINY.read_text(encoding="utf-8")
    p.write_text(text.replace("site: {city: Hangzhou}", "site:\n  city: 苏洲"), encoding="utf-8")
    r = _run(["validate", str(p)])
    assert r.exit_code == 1 and "su.yaml:4: site.city: unknown station '苏洲' (did you mean 苏州 (Jiangsu)" \
        in r.output, r.output
    p.write_text(text.replace("site: {city: Hangzhou}", "site: {city: 杭州市区}"), encoding="utf-8")
    assert _run(["validate", str(p)]).exit_code == 0
    r = _run(["weather", "--city", "杭洲", "-o", str(tmp_path / "h.csv")])
    assert r.exit_code == 1 and "--city: unknown station '杭洲' (did you mean 杭州 (Zhejiang)" in r.output


def test_the_report_and_the_run_name_the_weather_in_words(tmp_path):
    """The English report said 'synthetic-site stations: ...'; `twin run` stated the climate zone
    for some sites and not for a bundled station's city (成都)."""
    from twin.report import _weather_text

    w = {"source": "synthetic-site", "stations": [{"name": "Nanjing", "dataset": "TMYx", "distance_km": 84.0}],
         "annual_ghi_kwh_m2": 1300.0, "radiation_basis": "tmyx", "climate_zone": {"subzone": "夏热冬冷A", "key": "hscw"}}
    line = _weather_text(w, lambda x: f"{x:.0f}", False)
    assert line.startswith("synthetic year interpolated between stations: Nanjing (TMYx, 84 km)")
    p = tmp_path / "cd.yaml"
    p.write_text(TINY.read_text(encoding="utf-8").replace("site: {city: Hangzhou}", "site: {city: 成都}"),
                 encoding="utf-8")
    r = _run(["run", str(p), "--hours", "24", "-o", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "weather ... synthetic year from the station's own statistics, GHI 1217 kWh/m2, climate zone 夏热冬冷A" \
        in r.output


def test_a_rewritten_year_of_the_tool_keeps_what_it_was_made_from(tmp_path):
    """A year the tool wrote, re-written with `twin weather --file`, is still checked against
    what it was made from (the station's own statistics in the 1971-2003 climate)."""
    from weather.validation import check_weather_file

    first, again = tmp_path / "c1.epw", tmp_path / "c2.epw"
    assert _run(["weather", "--city", "成都", "--temperature-period", "cswd", "-o", str(first)]).exit_code == 0
    assert _run(["weather", "--file", str(first), "-o", str(again)]).exit_code == 0
    assert "that file's own provenance: source=synthetic-city station=TMYx-56294" in again.read_text(encoding="utf-8")[:3000]
    row = check_weather_file(again)
    assert (row["dataset"], row["temperature_period"]) == ("park-twin", "cswd")
    assert abs(row["t_annual_error"]) < 0.05 and abs(row["ghi_error"]) < 0.001
