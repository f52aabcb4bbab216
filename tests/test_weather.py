"""Fast tests of the weather package: time axis, readers, shift repair, generator, site API."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import weather
from weather import CITIES, WeatherError, hourly_index, read_weather_file, site_weather
from weather.io import detect_radiation_shift

URUMQI = "CHN_XZ_Urumqi-Diwopu.AP.514635_TMYx.epw.gz"
SUZHOU = "CHN_JS_Suzhou.583580_TMYx.epw.gz"


def _wfile(shared_dir, name):
    return shared_dir / "data" / "weather" / name


# --- time axis --------------------------------------------------------------------------

def test_hourly_index_regular_and_leap_year():
    for year in (2025, 2024):
        idx = hourly_index(year)
        assert len(idx) == 8760
        assert str(idx.tz) == "Asia/Shanghai"
        assert idx[0] == pd.Timestamp(f"{year}-01-01 00:00", tz="Asia/Shanghai")
        assert idx[-1] == pd.Timestamp(f"{year}-12-31 23:00", tz="Asia/Shanghai")
        assert not ((idx.month == 2) & (idx.day == 29)).any()
    # leap year: 28 Feb 23:00 is followed by 1 Mar 00:00
    idx = hourly_index(2024)
    i = idx.get_loc(pd.Timestamp("2024-02-28 23:00", tz="Asia/Shanghai"))
    assert idx[i + 1] == pd.Timestamp("2024-03-01 00:00", tz="Asia/Shanghai")


def test_hourly_index_rejects_bad_year():
    with pytest.raises(WeatherError, match="year"):
        hourly_index(2025.5)


# --- readers ------------------------------------------------------------------------------

def test_epw_labels_start_of_hour_in_shanghai(shared_dir):
    path = _wfile(shared_dir, SUZHOU)
    df, meta = read_weather_file(path, year=2025)
    assert list(df.columns) == list(weather.COLUMNS)
    assert df.index.equals(hourly_index(2025))
    # EPW row 1 is "1/1 hour 1" (the hour ending 01:00) -> label 00:00; its dry-bulb value
    # is the 7th field of the 9th line of the file.
    with gzip.open(path, "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    first = lines[8].split(",")
    assert (int(first[1]), int(first[2]), int(first[3])) == (1, 1, 1)
    assert df["temp_air"].iloc[0] == pytest.approx(float(first[6]))
    last = lines[-1].split(",")
    assert (int(last[1]), int(last[2]), int(last[3])) == (12, 31, 24)
    assert df["temp_air"].iloc[-1] == pytest.approx(float(last[6]))
    assert meta.source == "file"
    assert len(meta.provenance["sha256"]) == 64
    # SOURCES.md lists the sha256 prefix of the uncompressed Suzhou EPW
    assert meta.provenance["sha256"].startswith("fa782be4a0749803")


def test_epw_leap_model_year_drops_feb29_and_keeps_march(shared_dir):
    df25, _ = read_weather_file(_wfile(shared_dir, SUZHOU), year=2025)
    df24, _ = read_weather_file(_wfile(shared_dir, SUZHOU), year=2024)
    assert len(df24) == 8760
    # same typical-year values, same month/day/hour, on another calendar year
    np.testing.assert_allclose(df24.to_numpy(), df25.to_numpy())
    assert df24.index[1416] == pd.Timestamp("2024-03-01 00:00", tz="Asia/Shanghai")


def test_shift_detection_urumqi_needs_one_hour_later(shared_dir):
    # SOURCES.md: Urumqi radiation runs about 1 h early; closure 0.94 as-is, 0.985 rolled 1 h.
    df, meta = read_weather_file(_wfile(shared_dir, URUMQI), repair_shift=False)
    shift, scores = detect_radiation_shift(df.ghi, df.dni, df.dhi, df.index,
                                           meta.latitude, meta.longitude)
    assert shift == 1
    assert scores.loc[0, "closure"] == pytest.approx(0.94, abs=0.01)
    assert scores.loc[1, "closure"] == pytest.approx(0.985, abs=0.01)
    fixed, meta2 = read_weather_file(_wfile(shared_dir, URUMQI))
    assert any("shifted 1 h later" in n for n in meta2.notes)
    np.testing.assert_allclose(fixed.ghi.to_numpy(), np.roll(df.ghi.to_numpy(), 1))


def test_shift_detection_eastern_city_needs_none(shared_dir):
    df, meta = read_weather_file(_wfile(shared_dir, SUZHOU))
    assert any("no shift needed" in n for n in meta.notes)
    raw, _ = read_weather_file(_wfile(shared_dir, SUZHOU), repair_shift=False)
    np.testing.assert_allclose(df.ghi.to_numpy(), raw.ghi.to_numpy())


def test_shift_detection_recovers_artificial_shift(shared_dir):
    df, meta = read_weather_file(_wfile(shared_dir, SUZHOU))
    moved = {c: np.roll(df[c].to_numpy(), -2) for c in ("ghi", "dni", "dhi")}
    shift, _ = detect_radiation_shift(moved["ghi"], moved["dni"], moved["dhi"], df.index,
                                      meta.latitude, meta.longitude)
    assert shift == 2


BEIJING = "CHN_BJ_Beijing-Capital.Intl.AP.545110_TMYx.epw.gz"


def _monthly_kd(df):
    m = df.groupby(df.index.month)[["ghi", "dhi"]].sum()
    return (m["dhi"] / m["ghi"]).to_numpy()


def test_months_without_beam_are_split_again_beijing(shared_dir):
    """Beijing's TMYx file has DNI zero and DHI = GHI in January-March and June (a gap of the
    file): those months are split from GHI with Erbs, every other hour is left as it is, GHI is
    untouched and the split closes; the note names the months."""
    raw, _ = read_weather_file(_wfile(shared_dir, BEIJING), repair_beam=False)
    df, meta = read_weather_file(_wfile(shared_dir, BEIJING))
    assert np.allclose(_monthly_kd(raw)[[0, 1, 2, 5]], 1.0, atol=1e-3)
    kd = _monthly_kd(df)
    assert (kd[[0, 1, 2, 5]] > 0.2).all() and (kd[[0, 1, 2, 5]] < 0.6).all()
    gap = np.isin(df.index.month, [1, 2, 3, 6])
    assert np.array_equal(df["ghi"].to_numpy(), raw["ghi"].to_numpy())
    for c in ("dni", "dhi"):
        assert np.array_equal(df[c].to_numpy()[~gap], raw[c].to_numpy()[~gap])
    assert df["dni"][gap].sum() > 0.3 * raw["dni"][~gap].sum() / 8
    from weather.io import cos_zenith
    cz = np.clip(cos_zenith(df.index, meta.latitude, meta.longitude, 0.5), 0, None)
    sky = gap & (cz > 0.1)
    closed = df["dhi"][sky] + df["dni"][sky] * cz[sky]
    assert np.allclose(closed, df["ghi"][sky], rtol=1e-6, atol=1e-6)
    note = [n for n in meta.notes if n.startswith("no direct sun")]
    assert note and "months 1, 2, 3, 6 " in note[0]
    assert "Erbs" in meta.provenance["method"]


def test_real_cloudy_month_is_not_split(shared_dir):
    """A month with little but real beam (CSWD Nanchong's January, about 3 % of GHI) and a file
    with beam in every month (Suzhou TMYx) are read as they are."""
    from weather.io import months_without_beam, split_missing_beam

    df, meta = read_weather_file(_wfile(shared_dir, SUZHOU))
    assert not any(n.startswith("no direct sun") for n in meta.notes)
    nan = shared_dir / "data" / "weather_cswd" / "CHN_Sichuan.Nanchong.574110_CSWD.epw.gz"
    df, meta = read_weather_file(nan)
    assert not any(n.startswith("no direct sun") for n in meta.notes)
    assert _monthly_kd(df)[0] > 0.9
    # a month whose beam is removed by hand is found and split again
    dni = df["dni"].to_numpy().copy()
    dhi = df["dhi"].to_numpy().copy()
    jul = df.index.month == 7
    dhi[jul], dni[jul] = df["ghi"].to_numpy()[jul], 0.0
    from weather.io import cos_zenith
    cz = cos_zenith(df.index, meta.latitude, meta.longitude, 0.5)
    assert months_without_beam(df["ghi"], dni, cz, df.index.month) == [7]
    dni2, dhi2, months = split_missing_beam(df["ghi"], dni, dhi, df.index, meta.latitude,
                                            meta.longitude)
    assert months == [7]
    assert 0.2 < dhi2[jul].sum() / df["ghi"].to_numpy()[jul].sum() < 0.9


def test_beam_note_in_chinese():
    from twin.report_text import phrase
    from weather.io import beam_note

    zh = phrase(beam_note([3, 6, 12]), "zh")
    assert zh.startswith("文件第 3, 6, 12 月无直射辐射") and "Erbs" in zh
    assert phrase(beam_note([1]), "zh").startswith("文件第 1 月")


def test_missing_and_garbage_files(tmp_path):
    with pytest.raises(WeatherError, match="not found"):
        read_weather_file(tmp_path / "nope.epw")
    g = tmp_path / "garbage.epw"
    g.write_text("this is not weather\n1,2,3\n")
    with pytest.raises(WeatherError, match="garbage.epw"):
        read_weather_file(g)
    b = tmp_path / "bin.epw.gz"
    b.write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(WeatherError, match="bin.epw.gz"):
        read_weather_file(b)


def test_zip_archive_is_read_through_its_one_epw(shared_dir, tmp_path):
    """Climate.OneBuilding.org distributes each TMYx station as a zip archive holding the EPW
    beside .ddy, .stat and other files: it reads as the EPW itself (same values, same sha256 of
    the EPW's bytes); archives without one EPW, or broken, are named with what was expected."""
    import zipfile

    with gzip.open(_wfile(shared_dir, SUZHOU), "rb") as fh:
        epw = fh.read()
    plain = tmp_path / "suzhou.epw"
    plain.write_bytes(epw)
    arc = tmp_path / "CHN_JS_Suzhou.583580_TMYx.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("CHN_JS_Suzhou.583580_TMYx.ddy", "! design days\n")
        zf.writestr("CHN_JS_Suzhou.583580_TMYx.epw", epw)
        zf.writestr("CHN_JS_Suzhou.583580_TMYx.stat", "statistics\n")
    a, ma = read_weather_file(plain)
    b, mb = read_weather_file(arc)
    pd.testing.assert_frame_equal(a, b)
    assert mb.provenance["sha256"] == ma.provenance["sha256"]
    assert mb.provenance["station"] == ma.provenance["station"] == "Suzhou"
    assert mb.provenance["archive_member"] == "CHN_JS_Suzhou.583580_TMYx.epw"
    assert "archive_member" not in ma.provenance

    none = tmp_path / "stat_only.zip"
    with zipfile.ZipFile(none, "w") as zf:
        zf.writestr("x.stat", "statistics\n")
    with pytest.raises(WeatherError, match=r"stat_only\.zip.*no EPW or CSV.*x\.stat.*one \.epw"):
        read_weather_file(none)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.epw", epw)
        zf.writestr("b.epw", epw)
    with pytest.raises(WeatherError, match=r"two\.zip.*holds 2 \.epw files \(a\.epw, b\.epw\)"):
        read_weather_file(two)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(WeatherError, match=r"broken\.zip.*broken zip archive"):
        read_weather_file(broken)


def test_truncated_epw_is_rejected(shared_dir, tmp_path):
    with gzip.open(_wfile(shared_dir, SUZHOU), "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    short = tmp_path / "short.epw"
    short.write_text("\n".join(lines[:-24]) + "\n", encoding="latin-1")
    with pytest.raises(WeatherError, match="8760"):
        read_weather_file(short)


def _suzhou_with_header(shared_dir, tmp_path, name="h.epw", prefix="", **fields):
    """The Suzhou TMYx file with LOCATION fields replaced (field number (1-based) -> text)."""
    with gzip.open(_wfile(shared_dir, SUZHOU), "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    loc = lines[0].split(",")
    for k, v in fields.items():
        loc[int(k.removeprefix("f")) - 1] = v
    path = tmp_path / name
    path.write_text(prefix + "\n".join([",".join(loc), *lines[1:]]) + "\n", encoding="utf-8")
    return path


def test_epw_with_byte_order_mark_is_read(shared_dir, tmp_path):
    df, _ = read_weather_file(_suzhou_with_header(shared_dir, tmp_path, prefix="\ufeff"))
    ref, _ = read_weather_file(_wfile(shared_dir, SUZHOU))
    assert np.allclose(df["ghi"], ref["ghi"])


@pytest.mark.parametrize("fields, expected", [
    # the data are Suzhou's (UTC+8): a header time zone of 0 puts 44 % of the GHI at night
    ({"f9": "0.0"}, ["time zone (UTC+0)", "fits the sun at this position with time zone UTC+8",
                     "field 9"]),
    ({"f9": "14"}, ["UTC+14", "with time zone UTC+8"]),
    ({"f7": "0", "f8": "0"}, ["latitude 0, longitude 0 is a placeholder", "fields 7 and 8"]),
    ({"f9": "abc"}, ["LOCATION field 9 (time zone) is 'abc'", "8 for China"]),
    ({"f7": "91"}, ["LOCATION field 7 (latitude) is '91'", "-90..90"]),
])
def test_epw_header_that_contradicts_the_data_is_refused(shared_dir, tmp_path, fields, expected):
    """A wrong time zone or position in the LOCATION line is not repaired silently: a PV plant
    sized on such a file would see the sun at night (issue 11 review)."""
    path = _suzhou_with_header(shared_dir, tmp_path, **fields)
    with pytest.raises(WeatherError) as exc:
        read_weather_file(path)
    for text in expected:
        assert text in str(exc.value), str(exc.value)


def _beijing_epw(shared_dir, tmp_path, tz: str, utc_data: bool = False):
    """Beijing's TMYx EPW (DNI does not close: closure 1.21) with header time zone ``tz``;
    with ``utc_data`` its values written in UTC (moved 8 h), as a reanalysis export is."""
    src = next((shared_dir / "data" / "weather").glob("CHN_BJ_Beijing*_TMYx.epw.gz"))
    with gzip.open(src, "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    head, data = lines[:8], lines[8:]
    if utc_data:
        vals = [ln.split(",")[5:] for ln in data]
        vals = vals[8:] + vals[:8]
        data = [",".join(ln.split(",")[:5] + v) for ln, v in zip(data, vals)]
    loc = head[0].split(",")
    loc[8] = tz
    path = tmp_path / f"beijing_tz{tz}.epw"
    path.write_text("\n".join([",".join(loc), *head[1:], *data]) + "\n", encoding="latin-1")
    return path


def test_a_header_time_zone_hours_off_is_refused_with_beijing_time(shared_dir, tmp_path):
    """Beijing's file labelled UTC+11 was read 3 h early and its radiation 'repaired' by the
    reader's 2 h, leaving temperature 3 h and radiation 1 h off; labelled UTC+0 it was refused
    suggesting UTC+9 (the file fits either side of the truth). Both now name UTC+8; a file
    really written in UTC is read, and equals the original."""
    for tz, text in (("11.0", "3 h from the header's time zone (UTC+11)"),
                     ("5.0", "3 h from the header's time zone (UTC+5)"),
                     ("0.0", "time zone (UTC+0)")):
        with pytest.raises(WeatherError) as exc:
            read_weather_file(_beijing_epw(shared_dir, tmp_path, tz))
        assert text in str(exc.value) and "with time zone UTC+8: correct" in str(exc.value)
    utc, meta = read_weather_file(_beijing_epw(shared_dir, tmp_path, "0.0", utc_data=True))
    ref, _ = read_weather_file(_beijing_epw(shared_dir, tmp_path, "8.0"))
    assert np.array_equal(utc.to_numpy(), ref.to_numpy())
    assert any("all columns +8 h" in n for n in meta.notes)


def test_epw_short_location_line_and_zero_irradiance_are_named(shared_dir, tmp_path):
    short = tmp_path / "short.epw"
    short.write_text("LOCATION,x\n", encoding="utf-8")
    with pytest.raises(WeatherError, match="LOCATION line has 2 fields, expected 10"):
        read_weather_file(short)
    with gzip.open(_wfile(shared_dir, SUZHOU), "rt", encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    zero = []
    for ln in lines:
        f = ln.split(",")
        if len(f) > 20 and f[0].isdigit():
            f[13:16] = ["0", "0", "0"]
        zero.append(",".join(f))
    path = tmp_path / "zero.epw"
    path.write_text("\n".join(zero) + "\n", encoding="utf-8")
    with pytest.raises(WeatherError, match="GHI .* is zero in every hour"):
        read_weather_file(path)


def test_oversized_weather_file_is_refused_before_reading_it_whole(tmp_path, monkeypatch):
    import weather.io as wio

    monkeypatch.setattr(wio, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.epw"
    big.write_bytes(b"LOCATION," + b"x" * 5000)
    with pytest.raises(WeatherError, match="larger than any hourly typical year"):
        read_weather_file(big)
    bomb = tmp_path / "bomb.epw.gz"
    bomb.write_bytes(gzip.compress(b"0" * 100_000))
    with pytest.raises(WeatherError, match="larger than any hourly typical year"):
        read_weather_file(bomb)


def test_points_outside_mainland_china():
    """Seoul, Taipei, Hanoi and Kathmandu are refused; islands beyond the generalised outline
    (嵊泗, 三沙), Hong Kong, Macau and the border towns are not; every bundled station is in."""
    from weather.places import OUTSIDE_CHINA_MARGIN_KM, km_outside_china
    from weather.stations import station_table

    for lat, lon in [(37.5, 127.0), (25.03, 121.56), (21.0, 105.8), (27.7, 85.3), (47.9, 106.9)]:
        assert km_outside_china(lat, lon) > OUTSIDE_CHINA_MARGIN_KM, (lat, lon)
    for lat, lon in [(30.73, 122.45), (16.83, 112.33), (22.3, 114.17), (22.19, 113.54),
                     (27.99, 85.98), (42.87, 130.36), (39.47, 75.99), (35.5, 91.0)]:
        assert km_outside_china(lat, lon) <= OUTSIDE_CHINA_MARGIN_KM, (lat, lon)
    st = station_table()
    assert max(km_outside_china(a, b) for a, b in zip(st["lat"], st["lon"])) < OUTSIDE_CHINA_MARGIN_KM
    with pytest.raises(WeatherError, match="outside mainland China"):
        site_weather(lat=37.5, lon=127.0)


def test_given_elevation_far_outside_the_terrain_is_refused():
    """Of the CMA's stations none lies more than about 1,000 m below or above the 5-arcmin
    terrain around it; 0 m for Lhasa (3,650 m) is a mistake, not a site."""
    from weather.site import ELEVATION_TERRAIN_MARGIN_M, elevation_conflict
    from weather.stations import station_table

    with pytest.raises(WeatherError, match="3,806 m below it"):
        site_weather(city="拉萨", elevation=0)
    st = station_table()
    assert not [s for s, a, b, z in zip(st.index, st["lat"], st["lon"], st["elevation_m"])
                if elevation_conflict(a, b, z)]
    assert ELEVATION_TERRAIN_MARGIN_M >= 1200


def test_tmy3_reader_roundtrip(shared_dir, tmp_path):
    """Write Suzhou as a TMY3 CSV (hour-ending 'HH:MM', 24:00 for midnight) and read it back."""
    df, meta = read_weather_file(_wfile(shared_dir, SUZHOU))
    end = df.index.tz_localize(None) + pd.Timedelta(hours=1)
    date = (end - pd.Timedelta(minutes=1)).strftime("%m/%d/%Y")
    hh = np.where(end.hour == 0, 24, end.hour)
    header = "583580,\"SUZHOU\",JS,8.0,31.267,120.617,19\n"
    cols = ["Date (MM/DD/YYYY)", "Time (HH:MM)", "GHI (W/m^2)", "DNI (W/m^2)", "DHI (W/m^2)",
            "Dry-bulb (C)", "RHum (%)", "Wspd (m/s)"]
    body = pd.DataFrame({cols[0]: date, cols[1]: [f"{h:02d}:00" for h in hh],
                         cols[2]: df.ghi.round(1), cols[3]: df.dni.round(1),
                         cols[4]: df.dhi.round(1), cols[5]: df.temp_air,
                         cols[6]: df.relative_humidity, cols[7]: df.wind_speed})
    p = tmp_path / "suzhou_tmy3.csv"
    p.write_text(header + body.to_csv(index=False))
    back, m2 = read_weather_file(p)
    assert m2.provenance["format"] == "TMY3"
    np.testing.assert_allclose(back.temp_air.to_numpy(), df.temp_air.to_numpy())
    np.testing.assert_allclose(back.ghi.to_numpy(), df.ghi.round(1).to_numpy())

    # a folder given to `twin weather-check` takes this TMY3 file, not a station list beside it
    from weather.validation import looks_like_tmy3, weather_files

    (tmp_path / "stations.csv").write_text("id,name,lat,lon,elevation_m\n583580,Suzhou,31.3,120.6,19\n")
    skipped: list = []
    assert weather_files([tmp_path], skipped) == [p] and skipped == [tmp_path / "stations.csv"]
    assert looks_like_tmy3(p) and not looks_like_tmy3(tmp_path / "stations.csv")
    p.unlink()
    with pytest.raises(WeatherError, match="stations.csv is a table, not a TMY3 file"):
        weather_files([tmp_path])


# --- cities and synthetic years -----------------------------------------------------------

def test_cities_accept_english_and_chinese_names():
    assert len(CITIES) == 34
    a, ma = site_weather(city="Suzhou")
    b, mb = site_weather(city="苏州")
    pd.testing.assert_frame_equal(a, b)
    assert ma.source == "synthetic-city" and ma.reference_city == "Suzhou"
    for name in ("Beijing", "Chengdu", "成都", "beijing"):
        site_weather(city=name)


def test_synthetic_year_reproducible():
    # speed is measured in benchmarks/bench_weather.py, not asserted here (a loaded CI machine)
    a, _ = site_weather(city="Chengdu", seed=7)
    b, _ = site_weather(city="Chengdu", seed=7)
    c, _ = site_weather(city="Chengdu", seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.ghi.to_numpy(), c.ghi.to_numpy())
    assert a.index.equals(hourly_index(2025))
    assert (a[["ghi", "dni", "dhi", "wind_speed"]] >= 0).all().all()
    assert a.relative_humidity.between(0, 100).all()
    assert (a.loc[a.ghi == 0, ["dni", "dhi"]] == 0).all().all()


def test_synthetic_city_matches_bundled_monthly_statistics():
    from weather.interp import tmyx_window_offsets
    from weather.stats import city_stats_table

    df, _ = site_weather(city="Changchun", seed=3)
    st = city_stats_table().loc["Changchun"]
    daily = df.ghi.resample("MS").sum().to_numpy() / df.ghi.resample("MS").count().to_numpy() * 24
    np.testing.assert_allclose(daily / 1000, st.ghi_kwh_day.to_numpy(), rtol=0.01)
    np.testing.assert_allclose(df.temp_air.resample("MS").mean().to_numpy(), st.t_mean, atol=0.05)
    # Harbin's TMYx file (Taiping airport's) holds 2004-2025 only: on the recent climate its
    # months are moved back to the whole-record level; on the 2009-2023 climate they are the
    # file's again
    st = city_stats_table().loc["Harbin Taiping Airport"]
    df, _ = site_weather(city="Harbin Taiping Airport", seed=3)
    np.testing.assert_allclose(df.temp_air.resample("MS").mean().to_numpy(), st.t_mean - tmyx_window_offsets(),
                               atol=0.05)
    df, _ = site_weather(city="Harbin Taiping Airport", seed=3, temperature_period="tmyx-2009-2023")
    np.testing.assert_allclose(df.temp_air.resample("MS").mean().to_numpy(), st.t_mean, atol=0.05)


def test_hourly_cap_falls_with_the_sun_from_kc_hmax_to_the_high_sun_value():
    from weather.generator import KC_HOURLY_CAP, hourly_cap

    cz = np.array([0.2, 0.45, 0.625, 0.8, 1.0])
    np.testing.assert_allclose(hourly_cap(1.25, 1.01, cz), [1.25, 1.25, 1.13, 1.01, 1.01])
    np.testing.assert_allclose(hourly_cap(1.25, np.nan, cz), 1.25)      # no high-sun value
    np.testing.assert_allclose(hourly_cap(0.9, 0.95, cz), [1.0, 1.0, 0.975, 0.95, 0.95])  # low at least 1
    np.testing.assert_allclose(hourly_cap(1.1, 1.2, cz), 1.1)           # high not above low
    np.testing.assert_allclose(hourly_cap(1.6, 1.5, cz), KC_HOURLY_CAP)


def test_soft_floor_keeps_an_overcast_hour_above_zero():
    """By hand: above 0.1 unchanged; below, 0.01 + 0.09 exp((x - 0.1) / 0.09): 0.1 -> 0.1,
    0.01 -> 0.01 + 0.09/e, far below -> 0.01; continuous with slope 1 at 0.1, rising."""
    from weather.generator import KC_LOWEST, KC_SOFT_FLOOR, soft_floor

    assert (KC_SOFT_FLOOR, KC_LOWEST) == (0.1, 0.01)
    x = np.array([0.5, 0.1, 0.01, -5.0])
    np.testing.assert_allclose(soft_floor(x), [0.5, 0.1, 0.01 + 0.09 / np.e, 0.01])
    h = 1e-6  # slope at the joint: 1 from both sides
    assert (soft_floor(0.1) - soft_floor(0.1 - h)) / h == pytest.approx(1.0, rel=1e-4)
    assert np.all(np.diff(soft_floor(np.linspace(-0.5, 1, 1501))) > 0)  # rising: ranks kept


@pytest.mark.parametrize("city", ["Qingdao", "Chengdu", "Guangzhou"])
def test_synthetic_daylight_hours_are_never_without_light(city):
    """A dark day's hourly excursions come in runs; cut at zero they left 1.5 % of the hours
    with the sun above 17.5 deg without any light at the median city (Qingdao's example year: none
    from 13:00 on 24 June to 17:00 on 25 June), which no typical-year file has (overcast skies
    let diffuse light through). Bent towards 0.01 instead (``soft_floor``): none, and the darkest
    hours' clearness index is of the file's order, with the months' GHI unchanged."""
    from weather.generator import synthesize
    from weather.stats import city_stats_table
    from weather.validation import overcast_hours

    lat, lon = CITIES[city][:2]
    st = city_stats_table().loc[city]
    for seed in range(4):
        df = synthesize(st, lat, lon, 2025, seed)
        o = overcast_hours(df, lat, lon)
        assert o["kt_dark_share"] == 0.0, (seed, o)
        assert 0.01 < o["kt_p001"] < 0.06 and 0.02 < o["kt_p01"] < 0.1, (seed, o)
        np.testing.assert_allclose(df.ghi.resample("MS").mean().to_numpy() * 24 / 1000,
                                   st["ghi_kwh_day"].to_numpy(), rtol=0.01)


@pytest.mark.parametrize("city", ["Guangzhou", "Chengdu", "Beijing", "Urumqi Diwopu Airport"])
def test_synthetic_noon_is_no_brighter_than_the_stations_file(city):
    """The hourly clear-sky index at a high sun keeps the file's high-sun 99.5th percentile
    (``kc_hmax_hi``; TMYx files 0.99 median above cos z 0.9), the month's own where it has
    enough such hours (summer's below spring's): peaks had run 12-20 % above the files'
    (Guangzhou GHI 1123 against 955 W/m2), inflating PV peaks, export and the grid check, with
    the monthly sums right."""
    from weather.generator import synthesize
    from weather.solar import cos_zenith, haurwitz_ghi
    from weather.stats import HIGH_SUN_COSZ, city_stats_table

    lat, lon = CITIES[city][:2]
    st = city_stats_table().loc[city]
    file_high = st["kc_hmax_hi"].to_numpy()
    for seed in (1, 2):
        df = synthesize(st, lat, lon, 2025, seed)
        cz = cos_zenith(df.index, lat, lon, 0.5)
        month = df.index.month.to_numpy()
        high = cz > HIGH_SUN_COSZ
        kc = df["ghi"].to_numpy() / np.maximum(haurwitz_ghi(cz), 1e-9)
        gaps = [file_high[m - 1] - kc[high & (month == m)].max() for m in range(1, 13)
                if (high & (month == m)).any()]
        assert min(gaps) >= -1e-9  # no month's high sun above its cap
        assert min(gaps) < 0.01  # and the cap is what holds the brightest
        np.testing.assert_allclose(df.ghi.resample("MS").mean().to_numpy() * 24 / 1000,
                                   st["ghi_kwh_day"].to_numpy(), rtol=0.01)


def test_city_with_coordinates_as_a_scenario_gives_them():
    """A scenario may name the city and the park's coordinates: near the station the city's
    statistics are used at the park's coordinates; far away the site is interpolated."""
    near, m_near = site_weather(city="Suzhou", lat=31.32, lon=120.70)
    assert m_near.source == "synthetic-city" and m_near.latitude == 31.32
    assert 0 < m_near.distance_km < 30
    far, m_far = site_weather(city="Suzhou", lat=31.9, lon=120.1)  # 80 km: still Suzhou's reach
    assert m_far.source == "synthetic-site"
    assert any("km from the given lat/lon" in n for n in m_far.notes)
    with pytest.raises(WeatherError, match="the two name different places"):  # 700 km: another place
        site_weather(city="Suzhou", lat=34.0, lon=113.0)
    high, m_high = site_weather(city="Chengdu", elevation=1495.3)
    base, _ = site_weather(city="Chengdu")
    # lapse rate fitted by region and month (south-west, same surrounding terrain)
    assert 4.0 < base.temp_air.mean() - high.temp_air.mean() < 8.0
    assert m_high.elevation == 1495.3


def test_city_at_a_far_other_elevation_is_interpolated_with_a_stated_uncertainty():
    """`--city 北京 --elevation 1000` moved the Beijing station 965 m up by one lapse rate and
    stated no uncertainty; more than 200 m from the station's height the site is interpolated
    at that height (the station among its neighbours) and its uncertainty is stated. Within
    200 m the station's own statistics are moved by the fitted lapse rates."""
    from twin.report_text import phrase

    df, meta = site_weather(city="北京", elevation=1000)
    assert meta.source == "synthetic-site" and meta.elevation == 1000.0
    assert meta.expected_temperature_uncertainty_k is not None
    assert meta.provenance["stations"][0] == "TMYx-54511"
    note = next(n for n in meta.notes if n.startswith("the given elevation 1000 m is 965 m above"))
    assert "按该海拔插值场址" in phrase(note, "zh") and "Beijing 北京</data> 站" in phrase(note, "zh")
    assert 4.0 < df.temp_air.mean() < 9.0  # Beijing's 12 degC, about 1 km higher
    _, near = site_weather(city="北京", elevation=150)
    assert near.source == "synthetic-city" and near.expected_temperature_uncertainty_k is None


def test_meta_to_attrs_is_flat():
    _, meta = site_weather(city="Beijing")
    attrs = meta.to_attrs()
    assert all(isinstance(v, (str, float)) for v in attrs.values())
    assert attrs["weather_source"] == "synthetic-city"


# --- lat/lon sites --------------------------------------------------------------------------

def test_site_near_city_resembles_city():
    df, meta = site_weather(lat=31.30, lon=120.60, elevation=10)
    city, _ = site_weather(city="Suzhou")
    assert meta.source == "synthetic-site"
    # a site between stations has no single reference city: the stations used are listed
    assert meta.reference_city is None and meta.distance_km < 10
    assert meta.stations[0]["name"] == "Suzhou" and meta.stations[0]["distance_km"] < 10
    assert all({"id", "name", "name_zh", "dataset", "distance_km", "role"} <= set(s) for s in meta.stations)
    assert df.ghi.sum() == pytest.approx(city.ghi.sum(), rel=0.03)
    assert df.temp_air.mean() == pytest.approx(city.temp_air.mean(), abs=0.5)
    assert any("EPW" in n for n in meta.notes)


def test_site_uncertainty_grows_with_distance_and_elevation():
    _, near = site_weather(lat=31.3, lon=120.6, elevation=10)
    _, far = site_weather(lat=32.5, lon=88.0, elevation=4700)  # central Tibet
    assert far.expected_uncertainty > near.expected_uncertainty
    assert any("radiation station is" in n for n in far.notes)


def test_lapse_rate_cools_elevated_site():
    low, _ = site_weather(lat=30.6, lon=104.0, elevation=500)
    high, m = site_weather(lat=30.6, lon=104.0, elevation=1500)
    # fitted from the station set (south-west region); the terrain around is unchanged
    assert 4.0 < low.temp_air.mean() - high.temp_air.mean() < 8.0
    assert m.region == "south-west"
    assert all(-9.5 < g < -3.0 for g in _lapse(m))


def _lapse(meta):
    from weather.interp import lapse_rates

    return [1000 * g for g in lapse_rates()[meta.region][:, 0]]


@pytest.mark.parametrize("kw", [dict(lat=0.0, lon=0.0), dict(lat=48.85, lon=2.35),
                                dict(lat=95.0, lon=110.0), dict(lat="north", lon=110.0),
                                dict(lat=30.0, lon=float("nan"))])
def test_bad_coordinates_raise(kw):
    with pytest.raises(WeatherError):
        site_weather(**kw)


def test_bad_site_arguments_raise():
    with pytest.raises(WeatherError, match="exactly one"):
        site_weather()
    with pytest.raises(WeatherError, match="not both"):
        site_weather(city="Suzhou", path="x.epw")
    with pytest.raises(WeatherError, match="together"):
        site_weather(lat=31.0)
    with pytest.raises(WeatherError, match="unknown station"):
        site_weather(city="Atlantis")
    with pytest.raises(WeatherError, match="elevation"):
        site_weather(lat=31.0, lon=120.0, elevation=12000)
    assert issubclass(WeatherError, ValueError)


# --- station set, climate zone, radiation basis (issue 11) -------------------------------

def test_bundled_station_set_and_provenance():
    import json
    from importlib import resources

    from weather.stations import station_stats_table, station_table

    st = station_table()
    assert st["dataset"].value_counts().to_dict() == {"CSWD": 256, "SWERA": 39, "TMYx": 34}
    assert st["name_zh"].str.len().min() >= 1 and st["province_zh"].notna().all()
    for col in ("name", "name_zh", "province", "province_zh"):  # names are matched as typed
        assert (st[col] == st[col].str.strip()).all(), st.loc[st[col] != st[col].str.strip(), col]
    assert set(st["region"]) == {"north-west", "plateau", "south-west", "north-east", "north",
                                 "east coast", "south"}
    assert st["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert len(station_stats_table()) == 12 * len(st)
    data = resources.files("weather").joinpath("data")
    size = sum(f.stat().st_size for f in Path(str(data)).iterdir())
    assert size < 5e6
    prov = json.loads(data.joinpath("station_stats.provenance.json").read_text(encoding="utf-8"))
    assert set(prov["datasets"]) == {"TMYx", "CSWD", "SWERA"}
    assert "energyplus.net" in prov["datasets"]["CSWD"] and "shared" not in json.dumps(prov)
    # CSWD radiation timing: the files run about half an hour late; every one was checked
    cswd = st[st["dataset"] == "CSWD"]
    assert (cswd["radiation_shift_h"] < -0.25).mean() > 0.9
    assert cswd["radiation_shift_h"].min() >= -1.6


def test_any_station_by_chinese_name_pinyin_or_wmo():
    from weather.stations import resolve_station

    assert resolve_station("和田") == resolve_station("Hotan") == "SWERA-51828"
    # the city's CMA station (its TMYx file is Taiping airport's, 43 km away): SWERA before CSWD
    assert resolve_station("哈尔滨") == resolve_station("Harbin") == "SWERA-50953"
    assert resolve_station("Harbin (CSWD)") == "CSWD-50953"
    assert resolve_station("Harbin (TMYx)") == "TMYx-541611"
    assert resolve_station("敦煌") == resolve_station("dunhuang") == "CSWD-52418"
    assert resolve_station("吉安县") == "CSWD-57799"  # its CMA list name has a leading space
    # CSWD file names that misspell the station: the pinyin of the Chinese name, the file's
    # spelling kept as an alias unless it names another station
    assert resolve_station("Zengcheng") == resolve_station("Zhengcheng") == "CSWD-59294"
    assert resolve_station("Chaocheng") == "CSWD-54808" and resolve_station("Chaoyang") == "CSWD-54324"
    from weather.stations import resolve_place, station_table

    assert resolve_place("Kashgar")[1].name_zh == "喀什"  # English names in use beside pinyin
    kind, sid = resolve_place("Ghulja")
    assert kind == "station" and station_table().loc[sid, "name_zh"] == "伊宁"
    _, meta = site_weather(city="敦煌")
    assert meta.source == "synthetic-city" and meta.reference_city == "Dunhuang"
    assert meta.stations[0]["dataset"] == "CSWD" and meta.stations[0]["distance_km"] == 0
    assert any(s["role"] == "radiation" for s in meta.stations[1:])


def test_a_stations_chinese_name_in_pinyin_is_the_station():
    """林芝's station is named Nyingchi: 'Linzhi' found the prefecture 林芝市 and interpolated at
    its seat with the terrain's elevation (280 m above the station in its valley), 2.1 K colder
    and another climate zone than 林芝 gave."""
    from weather.stations import resolve_place, resolve_station

    for zh, py in (("林芝", "Linzhi"), ("昌都", "changdu"), ("乌鲁木齐", "Wulumuqi"),
                   ("齐齐哈尔", "Qiqihaer"), ("沙坪坝", "Shapingba")):
        assert resolve_place(py) == ("station", resolve_station(zh)), py
    _, a = site_weather(city="Linzhi")
    _, b = site_weather(city="林芝")
    assert a.stations == b.stations and a.climate_zone == b.climate_zone
    # stations at no city or county seat, by the pinyin of their Chinese names (derived with
    # the station list, every reading): the industrial towns of the Qaidam basin and Alxa
    for zh, py in (("大柴旦", "Dachaidan"), ("茫崖", "Mangya"), ("吉兰太", "jilantai"),
                   ("帕里", "Pali")):
        assert resolve_place(py) == ("station", resolve_station(zh)), py
    # a major city without a station: its centre, by Chinese name, English name or pinyin
    assert resolve_place("Lasa") == resolve_place("拉萨") == resolve_place("Lhasa")
    assert resolve_place("Naqu") == resolve_place("那曲地区") == resolve_place("Nagqu")
    # another place of that pinyin, or a county beside a station of its short name, stays a place
    assert resolve_place("Baoshan")[1].name_zh == "保山市"  # Yunnan; the Shanghai station is 宝山
    assert resolve_place("伊宁县")[1].name_zh == "伊宁县"  # the county, not the city's station
    # pinyin with its tone marks, or with 'City' after it, as planners write it
    assert resolve_place("Línzhī") == resolve_place("Linzhi")
    assert resolve_place("Xī'ān") == resolve_place("Xi'an") == resolve_place("xi'an shi")
    assert resolve_place("Lhasa City") == resolve_place("Lhasa")
    assert resolve_place("Chángzhì")[1].name_zh == "长治市"


def _cbed_t(shared_dir, station_id):
    """Monthly normal temperatures of a CMA station (CBED 1988-2017, validation only) moved
    to the TMYx period by the median TMYx - CBED difference over the bundled TMYx cities."""
    from weather.stations import station_table

    cb = pd.read_csv(shared_dir / "data/climate/cbed_monthly_normals_1988-2017.csv")
    cb = cb[cb["flag_suspect"].astype(str) == "False"].set_index("station_id")
    cols = [f"tmean_C_{m:02d}" for m in range(1, 13)]
    st = station_table()
    tm = st[st["dataset"] == "TMYx"]
    diffs = [r["t_mean"] - cb.loc[int(r["wmo"]), cols].mean() for _, r in tm.iterrows()
             if int(r["wmo"]) in cb.index]
    return cb.loc[station_id, cols].to_numpy(float) + float(np.median(diffs)), cb.loc[station_id]


@pytest.mark.parametrize("sid", [51709, 56778])
def test_far_west_and_plateau_sites_not_in_the_set(shared_dir, sid):
    """Kashi and Kunming have no bundled station (their typical-year files are kept apart):
    the site's annual mean temperature against the CMA normals of the station (CBED,
    validation only) within the issue's 1.0 K; Kunming's worst month within 2.0 K."""
    ref, row = _cbed_t(shared_dir, sid)
    df, meta = site_weather(lat=row["latitude"], lon=row["longitude"], elevation=row["altitude"])
    t = df.temp_air.groupby(df.index.month).mean().to_numpy()
    assert abs(t.mean() - ref.mean()) <= 1.0, (t.round(1), ref.round(1))
    if sid == 56778:
        assert np.abs(t - ref).max() <= 2.0, (t.round(1), ref.round(1))


@pytest.mark.xfail(reason="Kashi's winter (December/January, Tarim basin cold pool) comes out "
                          "about 2.4 K too cold; the nearest bundled station, Shache, is 176 km away "
                          "(weather/VALIDATION.md)",
                   strict=True)
def test_kashi_worst_month(shared_dir):
    ref, row = _cbed_t(shared_dir, 51709)
    df, _ = site_weather(lat=row["latitude"], lon=row["longitude"], elevation=row["altitude"])
    t = df.temp_air.groupby(df.index.month).mean().to_numpy()
    assert np.abs(t - ref).max() <= 2.0, (t.round(1), ref.round(1))


@pytest.mark.xfail(reason="Lhasa: no bundled station within 290 km in the Yarlung Tsangpo valley; "
                          "the annual mean comes out about 2.2 K too cold (3.5 K before the ERA5 "
                          "estimate; the station estimate says 5.6 degC, ERA5 8.3 degC, the CMA "
                          "normal moved to the TMYx period 9.2 degC; weather/VALIDATION.md)",
                   strict=True)
def test_lhasa_site(shared_dir):
    ref, row = _cbed_t(shared_dir, 55591)
    df, _ = site_weather(lat=row["latitude"], lon=row["longitude"], elevation=row["altitude"])
    assert abs(df.temp_air.mean() - ref.mean()) <= 1.0


def test_xian_is_cold_zone_and_names_its_stations():
    from weather.climate_zone import zone_from_degree_days

    df, meta = site_weather(lat=34.27, lon=108.93)  # Xi'an, elevation from the terrain grid
    assert meta.climate_zone["zone_zh"] == "寒冷" and meta.climate_zone["key"] == "cold"
    assert 300 < meta.elevation < 600
    assert meta.reference_city is None and meta.distance_km < 250
    assert meta.stations and all(s["province"] in ("Shaanxi", "Henan", "Gansu", "Hubei", "Shanxi")
                                 for s in meta.stations)
    assert all(s["distance_km"] < 500 for s in meta.stations)
    # GB 50176-2016 Table 4.1.2 sub-zones
    assert zone_from_degree_days(6500, 0) == ("严寒", "A")
    assert zone_from_degree_days(4000, 0) == ("严寒", "C")
    assert zone_from_degree_days(2500, 120) == ("寒冷", "B")
    assert zone_from_degree_days(1000, 5) == ("温和", "A")
    assert zone_from_degree_days(1500, 150) == ("夏热冬冷", "A")
    assert zone_from_degree_days(300, 300) == ("夏热冬暖", "B")


@pytest.mark.parametrize("city", ["贵阳", "达拉特旗"])
def test_climate_zone_is_the_sites_not_the_random_years(city):
    """The zone (and so the building envelope presets) does not change with the weather seed:
    one synthetic year put Guiyang in 夏热冬冷A or 温和A and Dalad in 寒冷A or 严寒C."""
    zones = {site_weather(city=city, seed=s)[1].climate_zone["subzone"] for s in range(4)}
    assert len(zones) == 1, zones


def test_stations_sharing_a_wmo_number_are_at_one_place():
    """Files of one WMO station lie within 45 km of each other (an airport and a city site at
    most), which catches header positions gone wrong; the three CSWD headers found wrong
    (Linjiang 41.0 N, Jinzhou 41.68 N, Nanjing 32.83 N) carry the CMA list's position and say
    so in the provenance. The TMYx file of Harbin's Taiping airport has the header number
    541611, not a WMO index, whose first five digits are Changchun's 54161: it carries its own
    number 541611 (the provenance says so), so ``--city 54161`` is Changchun."""
    import json
    from importlib import resources

    from weather._core import haversine_km
    from weather.stations import station_table

    st = station_table()
    for wmo, g in st.groupby("wmo"):
        ids = list(g.index)
        for a in ids:
            for b in ids:
                d = float(haversine_km(st.lat[a], st.lon[a], st.lat[b], st.lon[b]))
                assert d < 45, (wmo, a, b, d)  # Nanning 38 km, Beijing (Capital airport) 33 km
    assert (st.loc["CSWD-54374", "lat"], st.loc["CSWD-54337", "lat"],
            st.loc["CSWD-58238", "lat"]) == (41.8, 41.13, 31.93)
    prov = json.loads(resources.files("weather").joinpath(
        "data/station_stats.provenance.json").read_text(encoding="utf-8"))
    text = json.dumps(prov, ensure_ascii=False)
    assert text.count("from the CMA station list: header latitude") == 3
    assert "own number 541611, named Harbin Taiping Airport: the file is Taiping airport's" in text
    assert "WMO index 50953" not in text
    from weather.stations import resolve_place

    assert resolve_place("54161") == ("station", "TMYx-54161")
    assert resolve_place("541611") == ("station", "TMYx-541611")
    assert st.loc["TMYx-54161", "name"] == "Changchun"
    assert st.loc["TMYx-541611", "name"] == "Harbin Taiping Airport" and "TMYx-50953" not in st.index


def test_urumqi_is_the_city_station_and_diwopu_airport_a_place_of_its_own():
    """The TMYx file 'Urumqi' is Diwopu airport's (header number 514635), 20 km from and 287 m
    below the city's CMA station 51463 (CSWD, 935 m). It was named 乌鲁木齐 and grouped with the
    city station: a park in 乌鲁木齐 got the airport's climate (cooling design dry-bulb 36.7
    against 34.1 degC at the city station; GB 50736-2012 gives 33.5 degC for 乌鲁木齐), and the
    leave-one-out left both out as one place. The city's names are now the city station's, the
    airport is found by its own, and the two are places of their own."""
    from weather._core import haversine_km
    from weather.stations import resolve_place, station_table
    from weather.validation import leave_one_out

    st = station_table()
    city = ("station", "CSWD-51463")
    for name in ("乌鲁木齐", "乌鲁木齐市", "Urumqi", "wulumuqi", "Ürümqi", "Urumchi", "51463"):
        assert resolve_place(name) == city, name
    assert st.loc["CSWD-51463", "elevation_m"] == 935 and st.loc["CSWD-51463", "name_zh"] == "乌鲁木齐"
    airport = ("station", "TMYx-514635")
    for name in ("Urumqi Diwopu Airport", "乌鲁木齐地窝堡机场", "514635", "Diwopu", "Urumqi-Diwopu",
                 "Urumqi (TMYx)"):
        assert resolve_place(name) == airport, name
    a, c = st.loc["TMYx-514635"], st.loc["CSWD-51463"]
    assert a["elevation_m"] == 647.7 and a["wmo"] == "514635"
    assert CITIES["Urumqi Diwopu Airport"].stem == "CHN_XZ_Urumqi-Diwopu.AP.514635_TMYx"
    assert "TMYx-51463" not in st.index and "Urumqi" not in CITIES
    # two places: 20 km apart (over the 15 km of one place) and no longer one number
    assert 19 < float(haversine_km(a["lat"], a["lon"], c["lat"], c["lon"])) < 21
    assert a["group"] != c["group"]
    assert list(st.index[st["group"] == a["group"]]) == ["TMYx-514635"]
    assert list(st.index[st["group"] == c["group"]]) == ["CSWD-51463"]
    # so each is predicted from the other in the leave-one-out (both were left out together,
    # nearest station then 157-177 km away)
    loo = leave_one_out(pv=False, ids=["TMYx-514635", "CSWD-51463"]).set_index("id")
    assert (loo["distance_km"] < 21).all()
    # a park in 乌鲁木齐 gets the city's climate, the airport's only by the airport's name
    _, m_city = site_weather(city="乌鲁木齐")
    _, m_ap = site_weather(city="Urumqi Diwopu Airport")
    assert m_city.stations[0]["id"] == "CSWD-51463" and m_ap.stations[0]["id"] == "TMYx-514635"
    assert 33.0 < m_city.design_temperatures["cooling_c"] < 35.0  # GB 50736-2012: 33.5 degC
    assert m_ap.design_temperatures["cooling_c"] > m_city.design_temperatures["cooling_c"] + 2.0


@pytest.mark.parametrize("city_names,city_ids,airport_names,airport_id,stem,km", [
    (("哈尔滨", "哈尔滨市", "Harbin", "haerbin", "50953"), ["SWERA-50953", "CSWD-50953"],
     ("Harbin Taiping Airport", "哈尔滨太平国际机场", "哈尔滨太平机场", "541611", "Harbin-Taiping",
      "Harbin (TMYx)"), "TMYx-541611", "CHN_HL_Harbin-Taiping.AP.541611_TMYx", (42, 44)),
    (("天津", "天津市", "Tianjin", "tianjin", "54527"), ["CSWD-54527"],
     ("Tianjin Binhai Airport", "天津滨海国际机场", "天津滨海机场", "545273", "Tianjin-Binhai",
      "Tianjin (TMYx)"), "TMYx-545273", "CHN_TJ_Tianjin-Binhai.Intl.AP.545273_TMYx", (23, 25)),
])
def test_harbin_and_tianjin_are_their_city_stations_and_their_airports_places_of_their_own(
        city_names, city_ids, airport_names, airport_id, stem, km):
    """As Ürümqi's: the TMYx files 'Harbin' (Taiping airport, header number 541611) and
    'Tianjin' (Binhai airport, 545273), neither number a WMO index, were named 哈尔滨 and 天津
    and counted as one place with the city's CMA station 43 and 24 km away. The city's names
    are now the city station, the airport is found by its own (and 'Harbin (TMYx)', as a
    scenario that chose the file wrote it), and the two are places of their own."""
    from weather._core import haversine_km
    from weather.stations import resolve_place, station_table
    from weather.validation import leave_one_out

    st = station_table()
    for name in city_names:
        assert resolve_place(name) == ("station", city_ids[0]), name
    for name in airport_names:
        assert resolve_place(name) == ("station", airport_id), name
    a = st.loc[airport_id]
    assert a["wmo"] == airport_id.split("-")[1] and a["file"] == stem + ".epw"
    assert CITIES[a["name"]].stem == stem and CITIES[a["name"]].name_zh == a["name_zh"]
    for cid in city_ids:
        c = st.loc[cid]
        assert km[0] < float(haversine_km(a["lat"], a["lon"], c["lat"], c["lon"])) < km[1]
        assert c["group"] != a["group"]
    assert list(st.index[st["group"] == a["group"]]) == [airport_id]
    assert sorted(st.index[st["group"] == st.loc[city_ids[0], "group"]]) == sorted(city_ids)
    # each is estimated with the other in the leave-one-out (before, all were left out together,
    # the nearest station then 78-111 km away)
    loo = leave_one_out(pv=False, ids=[airport_id, *city_ids]).set_index("id")
    assert (loo["distance_km"] < km[1]).all()
    # a park by the city's name gets the city station, the airport's file only by its own name
    _, m_city = site_weather(city=city_names[0])
    _, m_ap = site_weather(city=airport_names[0])
    assert m_city.stations[0]["id"] == city_ids[0] and m_ap.stations[0]["id"] == airport_id
    assert m_ap.design_temperatures["cooling_c"] > m_city.design_temperatures["cooling_c"] + 0.8
    assert m_ap.design_temperatures["heating_c"] < m_city.design_temperatures["heating_c"] - 0.4


def test_tmyx_files_far_from_their_wmo_station_are_each_decided():
    """Every TMYx file more than one place's 15 km from a CSWD/SWERA file of the WMO index it
    counted with is either a place of its own (an airport whose header number is no WMO index)
    or kept one place with that station for a stated reason (the audit, VALIDATION.md
    section 1)."""
    import sys

    from weather._core import haversine_km
    from weather.stations import station_table

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from derive_weather_stats import GROUP_KM, TMYX_FAR_KEPT, TMYX_OWN_NUMBERS

    st = station_table()
    own = {f"TMYx-{n}": n for n, _, _ in TMYX_OWN_NUMBERS.values()}
    assert set(own) == {"TMYx-514635", "TMYx-541611", "TMYx-545273"}
    assert all(n[5] != "0" for n in own.values())  # none a WMO index
    far = set()
    for sid, r in st[st["dataset"] == "TMYx"].iterrows():
        index = "50953" if sid == "TMYx-541611" else r["wmo"][:5]
        other = st[(st["dataset"] != "TMYx") & ((st["wmo"] == index) | (st["group"] == r["group"]))]
        d = [float(haversine_km(r["lat"], r["lon"], o["lat"], o["lon"])) for _, o in other.iterrows()]
        if d and max(d) > GROUP_KM:
            far.add(r["file"].removesuffix(".epw"))
    kept = far - {f for f in TMYX_OWN_NUMBERS}
    assert kept == set(TMYX_FAR_KEPT) and far >= set(TMYX_OWN_NUMBERS)
    assert len(far) == 10

def test_elevation_estimate_of_a_site_without_one():
    """A site given by latitude/longitude only gets the lowest terrain cell around it (towns lie
    on valley floors): against the 329 bundled stations' own elevations it is nearly unbiased
    where the plain cell reads high, and its stated uncertainty holds at 95 % of them."""
    from weather.interp import lookup_elevation, settlement_elevation
    from weather.site import estimated_elevation_uncertainty
    from weather.stations import station_table

    st = station_table()
    est = np.array([settlement_elevation(a, o) for a, o in zip(st["lat"], st["lon"])])
    cell = np.array([lookup_elevation(a, o) for a, o in zip(st["lat"], st["lon"])])
    z = st["elevation_m"].to_numpy()
    err, err_cell = est[:, 0] - z, cell - z
    assert abs(err.mean()) < 30 and err_cell.mean() > 50
    assert np.quantile(np.abs(err), 0.95) < 0.75 * np.quantile(np.abs(err_cell), 0.95)
    stated = np.array([estimated_elevation_uncertainty(r) for r in est[:, 1]])
    assert (np.abs(err) <= stated).mean() >= 0.95
    assert (est[:, 0] <= np.maximum(cell, 0.0) + 1e-9).all() and (est[:, 1] >= 0).all()


def test_coast_and_lake_cells_below_sea_level_are_not_a_sites_height():
    """The terrain grid codes some coast and lake cells -30 m (Hong Kong took -30 m); only
    the Turpan depression is land below sea level in China, and it keeps its depth."""
    from weather.interp import settlement_elevation

    assert settlement_elevation(22.30, 114.17)[0] == 0.0  # Kowloon, beside the harbour
    assert settlement_elevation(31.06, 119.98)[0] == 0.0  # Huzhou shore of Tai Hu (-58 m before)
    assert settlement_elevation(42.70, 89.30)[0] < -100.0  # Turpan depression (Aydingkol -154 m)


def test_site_without_elevation_states_the_estimate_and_its_uncertainty():
    """Lhasa's centre without an elevation: the estimate (3806 m, the valley; the plain cell
    reads 4086 m, the station is at 3650 m) is named with the terrain range, and the stated
    temperature uncertainty grows by the elevation uncertainty; with the elevation given it
    does not."""
    from weather.interp import lookup_elevation
    from weather.site import LAPSE_RATE_K_PER_M, estimated_elevation_uncertainty

    _, meta = site_weather(lat=29.65, lon=91.13)
    assert meta.elevation_source == "terrain grid"
    assert 3650 <= meta.elevation < lookup_elevation(29.65, 91.13) - 200
    note = next(n for n in meta.notes if n.startswith("elevation not given"))
    rng = float(note.split("spans ")[1].split(" m")[0])
    assert meta.elevation_uncertainty_m == pytest.approx(estimated_elevation_uncertainty(rng))
    assert f"off by up to about {meta.elevation_uncertainty_m:.0f} m" in note
    assert meta.expected_temperature_uncertainty_k == pytest.approx(
        round(np.hypot(2.0, LAPSE_RATE_K_PER_M * meta.elevation_uncertainty_m), 1))
    _, given = site_weather(lat=29.65, lon=91.13, elevation=3650)
    assert given.elevation_source == "given" and given.elevation_uncertainty_m is None
    assert given.expected_temperature_uncertainty_k == 2.0
    assert not any(n.startswith("elevation not given") for n in given.notes)
    _, own = site_weather(city="Suzhou")
    assert own.elevation_source == "station"


def test_diffuse_fraction_level_from_cswd_course_from_radiation_stations():
    """A synthetic site takes the annual level of its diffuse fraction from the nearest CSWD
    stations (the split that agrees with the CMA station climatology) and its course over the
    year from its TMYx/SWERA radiation stations (CSWD's months run low in summer, high in
    winter; weather/VALIDATION.md), names them and says so; a bundled TMYx station keeps its
    own split, a CSWD station its own level."""
    from weather._core import DAYS_IN_MONTH
    from weather.interp import _base, _col, interpolate, seasonal_diffuse_fraction

    stats, info = interpolate(34.27, 108.93, 418.0)  # Xi'an: SWERA neighbours for GHI
    b = _base()
    idx = lambda used: [int(np.flatnonzero(b["ids"] == s["id"])[0]) for s in used]
    cswd = [s for s in info["stations"] if s["weight_diffuse"] > 0]
    rad = [s for s in info["stations"] if s["weight_radiation"] > 0]
    assert len(cswd) == 4 and {s["dataset"] for s in cswd} == {"CSWD"}
    assert {s["dataset"] for s in rad} <= {"TMYx", "SWERA"}
    wd = np.array([s["weight_diffuse"] for s in cswd])
    wr = np.array([s["weight_radiation"] for s in rad])
    assert abs(wd.sum() - 1) < 1e-9 and abs(wr.sum() - 1) < 1e-9
    kd, g = _col("kd"), _col("ghi_kwh_day") * DAYS_IN_MONTH
    jd, jr = idx(cswd), idx(rad)
    expected = seasonal_diffuse_fraction(wd @ kd[jd], wd @ g[jd], kd[jr], g[jr], wr)
    np.testing.assert_allclose(stats["kd"].to_numpy(), expected, rtol=1e-12)
    # the level is the CSWD neighbours' (GHI-weighted over the year) ...
    level = (wd @ kd[jd]) @ (wd @ g[jd]) / (wd @ g[jd]).sum()
    assert abs(stats["kd"].to_numpy() @ (wd @ g[jd]) / (wd @ g[jd]).sum() - level) < 1e-12
    # ... and the months move as the radiation stations' do
    own = (kd[jr] * g[jr]).sum(1) / g[jr].sum(1)
    course = wr @ (kd[jr] - own[:, None])
    np.testing.assert_allclose(np.diff(stats["kd"].to_numpy()), np.diff(course), atol=1e-12)
    df, meta = site_weather(lat=34.27, lon=108.93, elevation=418.0)
    k = df.dhi.sum() / df.ghi.sum()
    assert any(n.startswith(f"diffuse fraction {k:.2f} (annual DHI/GHI): its level from the "
                            "nearest CSWD") and "course over the year" in n
               for n in meta.notes), meta.notes
    assert {s["dataset"] for s in meta.stations if "diffuse" in s["role"]} == {"CSWD"}
    own_t, _ = interpolate(31.17, 121.43, 7.0, own="TMYx-58362")
    k_t = int(np.flatnonzero(b["ids"] == "TMYx-58362")[0])
    np.testing.assert_allclose(own_t["kd"].to_numpy(), kd[k_t])
    # a CSWD station: its own annual level, the course of its TMYx/SWERA neighbours
    k_c = int(np.flatnonzero(b["ids"] == "CSWD-53068")[0])  # Erenhot
    own_c, _ = interpolate(b["lat"][k_c], b["lon"][k_c], b["z"][k_c], own="CSWD-53068")
    own_level = kd[k_c] @ g[k_c] / g[k_c].sum()
    assert kd[k_c].min() < 0.1  # CSWD's own June: less diffuse than a clear sky
    assert own_c["kd"].min() >= 0.15
    assert own_c["kd"].to_numpy() @ g[k_c] / g[k_c].sum() > own_level  # only raised
    k_x = int(np.flatnonzero(b["ids"] == "CSWD-57494")[0])  # Wuhan: nothing clipped
    own_x, _ = interpolate(b["lat"][k_x], b["lon"][k_x], b["z"][k_x], own="CSWD-57494")
    assert abs(own_x["kd"].to_numpy() @ g[k_x] / g[k_x].sum()
               - kd[k_x] @ g[k_x] / g[k_x].sum()) < 1e-12


def test_seasonal_diffuse_fraction_is_a_level_plus_a_course():
    from weather.interp import DIFFUSE_FRACTION_RANGE, seasonal_diffuse_fraction

    g = np.array([60, 80, 120, 150, 180, 190, 180, 170, 130, 100, 70, 55], float)
    flat = np.full(12, 0.4)
    course = np.array([[0.5, 0.5, 0.45, 0.4, 0.35, 0.3, 0.3, 0.35, 0.4, 0.45, 0.5, 0.5]])
    kd = seasonal_diffuse_fraction(flat, g, course, g[None], [1.0])
    assert abs(kd @ g / g.sum() - 0.4) < 1e-12
    np.testing.assert_allclose(np.diff(kd), np.diff(course[0]), atol=1e-12)
    # two stations of different levels: only their courses count
    two = np.vstack([course[0], course[0] + 0.2])
    np.testing.assert_allclose(seasonal_diffuse_fraction(flat, g, two, np.vstack([g, g]),
                                                         [0.5, 0.5]), kd, atol=1e-12)
    low = seasonal_diffuse_fraction(np.full(12, 0.12), g, course, g[None], [1.0])
    assert low.min() == DIFFUSE_FRACTION_RANGE[0]


def test_radiation_basis_is_selectable_and_reported():
    a, ma = site_weather(lat=30.0, lon=114.0)
    b, mb = site_weather(lat=30.0, lon=114.0, radiation_basis="cswd")
    assert ma.radiation_basis == "tmyx" and mb.radiation_basis == "cswd"
    assert 0.7 < b.ghi.sum() / a.ghi.sum() < 0.92
    assert any("radiation basis cswd" in n for n in mb.notes)
    assert len(ma.radiation_basis_range) == 2
    # monthly mean temperatures do not depend on the basis (daily values follow the sky)
    np.testing.assert_allclose(a.temp_air.groupby(a.index.month).mean().to_numpy(),
                               b.temp_air.groupby(b.index.month).mean().to_numpy(), atol=1e-6)
    with pytest.raises(WeatherError, match="radiation_basis"):
        site_weather(lat=30.0, lon=114.0, radiation_basis="nasa")
    attrs = ma.to_attrs()
    assert all(isinstance(v, (str, float)) for v in attrs.values())


def test_temperature_period_is_selectable_and_reported():
    """A planner matching a design institute's CSWD-based load calculation chooses the 1971-2003
    climate: every month moves by the CSWD period offset, the radiation does not, a named CSWD
    station gets its own file's temperatures back, and the outputs say which climate it is
    (in Chinese too); an unknown period is refused naming the field."""
    from twin.report_text import phrase
    from weather.interp import dataset_offsets
    from weather.site import TEMPERATURE_PERIODS

    a, ma = site_weather(lat=30.0, lon=114.0)
    b, mb = site_weather(lat=30.0, lon=114.0, temperature_period="cswd")
    assert ma.temperature_period == "tmyx" and mb.temperature_period == "cswd"
    shift = (b.temp_air.groupby(b.index.month).mean() - a.temp_air.groupby(a.index.month).mean()).to_numpy()
    np.testing.assert_allclose(shift, -dataset_offsets()["CSWD"], atol=1e-6)
    assert -0.6 < shift.mean() < -0.3 and (shift < 0).all()
    np.testing.assert_allclose(b.ghi.to_numpy(), a.ghi.to_numpy())
    note = [n for n in mb.notes if n.startswith("temperature period cswd")]
    assert len(note) == 1 and not any(n.startswith("temperature period") for n in ma.notes)
    assert "1971-2003" in note[0] and "1971–2003" in phrase(note[0], "zh")
    from weather.interp import humidity_offsets

    h = -humidity_offsets()["CSWD"]
    assert f"{h:.1f} points more humid" in note[0] and f"相对湿度高 {h:.1f} 个百分点" in phrase(note[0], "zh")
    # the station's estimate and the ERA5 estimate in the notes are on the chosen period too
    import re

    t_note = next(n for n in mb.notes if n.startswith("temperature: the station estimate"))
    t_st, t_era5 = (float(x) for x in re.findall(r"(-?\d+\.\d) degC", t_note))
    assert abs((t_st + t_era5) / 2 - b.temp_air.mean()) < 0.1
    # a named CSWD station: its own file's monthly means, not moved to the TMYx period
    from weather.interp import _base, _col

    k = int(np.flatnonzero(_base()["ids"] == "CSWD-58238")[0])
    c, mc = site_weather(city="CSWD-58238", temperature_period="cswd")
    np.testing.assert_allclose(c.temp_air.groupby(c.index.month).mean().to_numpy(), _col("t_mean")[k], atol=1e-6)
    np.testing.assert_allclose(c.relative_humidity.groupby(c.index.month).mean().to_numpy(),
                               _col("rh_mean")[k], atol=0.01)
    own = [n for n in mc.notes if n.startswith("temperature and RH the station's own (1971-2003)")]
    assert len(own) == 1 and phrase(own[0], "zh") != own[0]
    with pytest.raises(WeatherError, match="temperature_period: expected one of"):
        site_weather(lat=30.0, lon=114.0, temperature_period="1990s")
    assert set(TEMPERATURE_PERIODS) == {"tmyx", "cswd", "tmyx-2009-2023"}


def test_major_city_without_station_is_interpolated_at_its_centre():
    """A planner writes site.city: 西安 (no bundled station): interpolated at the city centre,
    said so, the province known for the grid factors; unknown names still fail clearly."""
    from weather.stations import resolve_place

    kind, hit = resolve_place("西安市")
    assert kind == "city" and hit[2] == "Shaanxi"
    assert resolve_place("Xi'an") == resolve_place("xian") == ("city", hit)
    _, meta = site_weather(city="西安")
    assert meta.source == "synthetic-site" and meta.climate_zone["key"] == "cold"
    assert any("has no bundled station" in n for n in meta.notes)
    with pytest.raises(WeatherError, match="unknown station"):
        resolve_place("Atlantis")


def test_any_chinese_city_or_county_names_a_site():
    """A planner writes the park's city or county (扬州, 昆山市, 达拉特旗): the site is
    interpolated at the seat of that division, said so with its code and source, and its
    province is known for the grid factors. A name several places share fails with the
    candidates and how to pick one; the province or city written first picks it."""
    from weather.places import place_table
    from weather.stations import place_province, resolve_place

    tab = place_table()
    assert (tab["level"] == "prefecture").sum() > 330 and (tab["level"] == "county").sum() > 2800
    kind, yz = resolve_place("扬州")
    assert kind == "city" and yz.code == "321000" and yz.province == "Jiangsu"
    assert resolve_place("扬州市") == resolve_place("江苏省扬州市") == resolve_place("江苏 扬州") == (kind, yz)
    _, dalat = resolve_place("达拉特旗")
    assert resolve_place("达拉特")[1] == dalat and dalat.parent_zh == "鄂尔多斯市"
    assert abs(dalat.lat - 40.40) < 0.1 and abs(dalat.lon - 110.03) < 0.1  # the PV plant of VALIDATION
    assert resolve_place("湘西")[1].name_zh == "湘西土家族苗族自治州"
    assert resolve_place("吉林")[1].code == "220200"
    # a prefecture-level city wins over counties of the same name; stations still come first
    assert resolve_place("苏州")[0] == "station" and resolve_place("西安")[1].code == ""
    with pytest.raises(WeatherError, match=r"names 4 places: .*南京市 鼓楼区.*write the province"):
        resolve_place("鼓楼区")
    assert resolve_place("南京鼓楼区")[1].parent_zh == "南京市"
    assert resolve_place("福建 福州市 鼓楼区")[1].province == "Fujian"
    assert place_province("昆山市") == "Jiangsu" and place_province("Atlantis") is None
    # pinyin in any reading of a polyphonic name; a province's name is never a place elsewhere
    assert resolve_place("Yangzhou City")[1] == yz and resolve_place("Kunshan")[1].code == "320583"
    assert resolve_place("Changzhi")[1].code == resolve_place("长治")[1].code == "140400"
    assert resolve_place("吉林")[1].code == resolve_place("Jilin")[1].code == "220200"
    for province in ("海南", "Hainan", "Xinjiang", "江苏省"):
        with pytest.raises(WeatherError, match="is a province"):
            resolve_place(province)
    assert resolve_place("青海 海南")[1].name_zh == "海南藏族自治州"
    _, far = site_weather(city="扬州", lat=33.2, lon=119.45)  # by 宝应, a county of 扬州
    assert any(n.startswith("city='扬州' (扬州市, Jiangsu) is 90 km") for n in far.notes)
    with pytest.raises(WeatherError, match="the two name different places"):
        site_weather(city="扬州", lat=39.9, lon=116.4)  # Beijing's coordinates
    _, near = site_weather(city="扬州", lat=32.3, lon=119.5)
    assert not any(n.startswith("city='扬州'") for n in near.notes)
    df, meta = site_weather(city="江都区")
    note = meta.notes[0]
    assert note.startswith("江都区 (Jiangsu, 扬州市; division code 321012) has no bundled station")
    assert "[cpca-du-2018]" in note and abs(meta.latitude - 32.43) < 0.01
    assert meta.source == "synthetic-site" and len(df) == 8760


def test_weather_notes_have_chinese_for_the_report():
    """Every note the station method writes has a Chinese rendering in the report catalogue
    (station names stay as data), so a Chinese report stays in one language."""
    from twin import report_text as rt

    cases = [{"city": "Suzhou"}, {"city": "敦煌"}, {"lat": 34.27, "lon": 108.93},
             {"lat": 32.5, "lon": 88.0, "elevation": 4700}, {"city": "西安"},
             {"city": "Chengdu", "elevation": 1495}, {"city": "Suzhou", "lat": 31.32, "lon": 120.70},
             {"city": "Suzhou", "lat": 31.9, "lon": 120.1}, {"lat": 30.0, "lon": 114.0, "radiation_basis": "cswd"},
             {"lat": 29.65, "lon": 91.13, "elevation": 3650}]
    for kw in cases:
        _, meta = site_weather(**kw)
        for n in meta.notes:
            n = n.replace("site_weather(path=...)", "site.weather_file in the scenario")
            assert rt.phrase(n, "zh") != n, n


def test_era5_climatology_bundled_with_provenance():
    """The ERA5 temperature grid is the file its provenance names (sha256), covers the site box
    with a margin, carries Copernicus attribution and a bibliography entry, and is read back
    exactly: stored values at grid nodes, their mean halfway between two."""
    import hashlib
    import json
    from importlib import resources

    from twin.sources import source
    from weather import interp
    from weather._core import CHINA_BBOX

    data = resources.files("weather").joinpath("data")
    prov = json.loads(data.joinpath("era5_t2m_china.provenance.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(data.joinpath("era5_t2m_china.npz").read_bytes()).hexdigest() == prov["sha256_npz"]
    assert "Copernicus" in prov["attribution"] and "shared" not in json.dumps(prov)
    w = prov["window_deg"]
    assert w["lat_min"] < CHINA_BBOX[0] and w["lat_max"] > CHINA_BBOX[1]
    assert w["lon_min"] < CHINA_BBOX[2] and w["lon_max"] > CHINA_BBOX[3]
    assert source("era5-hersbach-2020").kind == "dataset"
    g = interp._era5_grid()
    assert list(g["t"].shape) == prov["shape"]
    lat, lon = g["lat0"] + 100 * g["step"], g["lon0"] + 150 * g["step"]
    np.testing.assert_allclose(interp.era5_temperature(lat, lon)[0], g["t"][:, 100, 150])
    np.testing.assert_allclose(interp.era5_temperature(lat, lon + g["step"] / 2)[0],
                               g["t"][:, 100, 150:152].mean(1))
    # a temperature climatology in degC with the months in order: Harbin's winter, Haikou's warmth
    harbin, haikou = interp.era5_temperature([45.75, 20.03], [126.77, 110.35])
    assert harbin[0] < -15 and harbin[6] > 20 and haikou.min() > 15


def test_site_temperature_states_its_station_and_era5_estimates():
    """Between stations the site's temperature is the mean of a station estimate and an ERA5
    estimate; the note gives both (cited), and where they disagree by more than 1.5 K the
    outputs say the temperature is less certain there (Lhasa, 290 km from a station). Near
    stations that agree there is no such warning."""
    import re

    from weather.site import TEMPERATURE_GAP_NOTE_K

    df, meta = site_weather(lat=29.65, lon=91.13, elevation=3650)
    note = next(n for n in meta.notes if n.startswith("temperature: the station estimate"))
    assert note.endswith("[era5-hersbach-2020]")
    a, b = (float(x) for x in re.findall(r"(-?\d+\.\d) degC", note)[:2])
    assert abs(b - a) > TEMPERATURE_GAP_NOTE_K
    monthly = df.temp_air.groupby(df.index.month).mean().to_numpy()
    assert abs(monthly.mean() - (a + b) / 2) < 0.15
    assert any(n.startswith("the ERA5 and station temperature estimates differ by +") for n in meta.notes)
    assert meta.expected_temperature_uncertainty_k == 2.0  # where the estimates disagree
    assert "expected annual mean temperature uncertainty about 2.0 K" in " ".join(meta.notes)
    _, meta = site_weather(lat=31.0, lon=121.0, elevation=3)  # near Shanghai and Suzhou
    assert not any(n.startswith("the ERA5 and station temperature estimates differ") for n in meta.notes)
    assert meta.expected_temperature_uncertainty_k == 0.8  # a station within 100 km
    _, meta = site_weather(lat=31.0, lon=121.0)  # elevation estimated: +75 m at 6.5 K/km
    assert meta.expected_temperature_uncertainty_k == 0.9
    _, meta = site_weather(city="Suzhou")  # a bundled station's own statistics
    assert meta.expected_temperature_uncertainty_k is None


def test_pinyin_name_other_provinces_share_is_noted():
    """'Yulin' is the station 榆林 (Shaanxi) and also 玉林 (Guangxi): the weather says which it
    took and how to name the other; a scenario whose province was checked is not told."""
    _, meta = site_weather(city="Yulin")
    note = next(n for n in meta.notes if "was taken as the one in" in n)
    assert "Shaanxi" in note and "广西 玉林市" in note
    _, meta = site_weather(city="Yulin", province_known=True)
    assert not any("was taken as the one in" in n for n in meta.notes)
    for name in ("Hangzhou", "玉林", "榆林", "北京 朝阳区"):
        _, meta = site_weather(city=name)
        assert not any("was taken as the one in" in n for n in meta.notes), name
    # a Chinese name shared across provinces: 朝阳 is 朝阳市 (Liaoning) and Beijing's 朝阳区
    _, meta = site_weather(city="朝阳")
    note = next(n for n in meta.notes if "was taken as the one in" in n)
    assert "Liaoning" in note and "北京 朝阳区" in note and "province or city before the name" in note
    from twin.report_text import phrase

    assert phrase(note, "zh").endswith("如指其一，请在名称前写省或市")


def test_hourly_temperature_keeps_each_days_mean():
    """Interpolating between day centres smoothed the daily means (an AR(1) series at lag-1
    correlation 0.7 lost 7 % of its spread, hot spells 10-30 % of their CDD26): the knots are
    solved so that each day's hourly mean is the day's value."""
    from weather.generator import _daily_knots

    rng = np.random.default_rng(3)
    days = np.cumsum(rng.standard_normal(365)) * 0.5 + 15.0
    hour_pos = (np.arange(365 * 24) + 0.5) / 24.0 - 0.5
    hourly = np.interp(hour_pos, np.arange(365), _daily_knots(days))
    assert np.allclose(hourly.reshape(365, 24).mean(1), days, atol=1e-9)
    # Tianjin keeps its GB 50176 sub-zone 寒冷B (CDD26 102 in its file; 87 with smoothed days)
    _, meta = site_weather(city="Tianjin (TMYx)")
    assert meta.climate_zone["subzone"] == "寒冷B"


def test_temperature_alone_equals_the_full_years_temperature():
    """The climate zone's 16 synthetic years need only the temperature: the shortcut takes
    the random draws in the same order, so it is the full generator's temperature, bit for
    bit, and the zone is unchanged."""
    from weather import interp
    from weather.generator import synthesize, synthesize_temperature

    stats, _ = interp.interpolate(30.1, 103.2, 600.0)
    for seed in (0, 7):
        full = synthesize(stats, 30.1, 103.2, seed=seed)["temp_air"].to_numpy()
        assert np.array_equal(synthesize_temperature(stats, 103.2, seed=seed), full)


def test_a_station_whose_file_contradicts_its_header_is_not_taken_for_its_town():
    """'黄山' took the TMYx Huang.Shan file (summit elevation 1,836 m in its header, lowland
    temperatures) and wrote the summit's elevation for the town; the town's seat is now
    interpolated, and the station is still there by its id."""
    from weather.stations import resolve_place

    kind, place = resolve_place("黄山")
    assert kind == "city" and place.name_zh == "黄山市"
    assert resolve_place("TMYx-58437") == ("station", "TMYx-58437")
    _, meta = site_weather(city="Huangshan")
    assert meta.elevation < 500


def test_a_plateau_site_states_its_low_radiation_level():
    """Lhasa's GHI (about 1,650 kWh/m2) runs 20-25 % under the CMA ground climatology while the
    stated uncertainty said 7 %: the plateau's radiation stations (SWERA) read low. A plateau
    site on the tmyx basis states at least 25 % and why; the cswd basis and lowland sites do
    not get the note."""
    from twin.report_text import phrase
    from weather.site import PLATEAU_GHI_UNCERTAINTY

    _, meta = site_weather(lat=29.65, lon=91.13)
    assert meta.expected_uncertainty >= PLATEAU_GHI_UNCERTAINTY
    note = next(n for n in meta.notes if n.startswith("on the plateau the GHI is probably"))
    assert "高原上的水平面总辐射很可能偏低" in phrase(note, "zh")
    _, cswd = site_weather(lat=29.65, lon=91.13, radiation_basis="cswd")
    _, low = site_weather(lat=34.27, lon=108.93)
    for m in (cswd, low):
        assert not any(n.startswith("on the plateau") for n in m.notes)
    assert low.expected_uncertainty < 0.1


def test_a_zone_the_temperature_uncertainty_can_change_is_said_so():
    """Lhasa came out 严寒C (GB 50176 lists 寒冷A) and the severe-cold envelope presets were
    applied without a word; its stated temperature uncertainty (6 K) spans both zones, and
    the note now says so, in Chinese too. A site whose uncertainty keeps its zone gets none."""
    from twin.report_text import phrase

    _, lhasa = site_weather(lat=29.65, lon=91.13)
    note = next(n for n in lhasa.notes if n.startswith("climate zone "))
    assert "寒冷A" in note.split("could be")[1] and "Appendix A" in note
    assert "寒冷A" in phrase(note, "zh").split("也可能属于")[1]
    _, changsha = site_weather(lat=28.2, lon=112.9)
    assert not any(n.startswith("climate zone ") for n in changsha.notes)
    # west of Chengdu the sub-zone is near 夏热冬冷B, whose dormitories have limits of their own
    _, chengdu = site_weather(lat=30.1, lon=103.2)
    note = next(n for n in chengdu.notes if n.startswith("climate zone "))
    assert "夏热冬冷B" in note.split("could be")[1]


def test_a_station_site_near_a_sub_zone_threshold_is_said_so():
    """Tianjin's and Beijing's own stations give CDD26 of about 73 K d, 寒冷A, 17 K d below
    寒冷B's 90 K d; another typical year of the same place (they differ by up to 0.7 K in the
    annual mean) crosses it, and 寒冷A's industrial envelope limits are not 寒冷B's. The zone
    stays the degree days' and the note names the other sub-zone, in Chinese too; a station
    site far from any threshold gets none."""
    from twin.report_text import phrase
    from weather.site import TYPICAL_YEAR_SPREAD_K

    for city in ("天津", "北京"):
        _, meta = site_weather(city=city)
        assert meta.climate_zone["subzone"] == "寒冷A" and meta.climate_zone["cdd26"] < 90
        note = next(n for n in meta.notes if n.startswith("climate zone "))
        assert "station's typical year" in note and "could be 寒冷B" in note
        assert f"±{TYPICAL_YEAR_SPREAD_K:.1f} K" in note and "sub-zone" in note
        zh = phrase(note, "zh")
        assert "也可能属于 寒冷B" in zh and "按子区规定" in zh
    _, qingdao = site_weather(city="青岛")  # CDD26 about 41, HDD18 about 2490: 寒冷A either way
    assert not any(n.startswith("climate zone ") for n in qingdao.notes)


def test_the_sub_zones_with_presets_of_their_own_are_the_presets_keys():
    """A sub-zone-only note is given where the presets differ; the list the weather package
    keeps is the envelope presets' sub-zone keys."""
    from twin.components.buildings import SUBZONE_CODES, envelope_presets
    from weather.climate_zone import SUBZONES_WITH_OWN_PRESETS, subzone_changes_presets

    codes = {k.rsplit("/", 1)[1] for k in envelope_presets().index if k.count("/") == 2}
    assert {z for z, c in SUBZONE_CODES.items() if c in codes} == SUBZONES_WITH_OWN_PRESETS
    assert subzone_changes_presets("寒冷A", "寒冷B") and subzone_changes_presets("严寒B", "严寒C")
    assert subzone_changes_presets("夏热冬冷A", "夏热冬冷B")  # dormitories: 3B's residential limits
    assert not subzone_changes_presets("夏热冬暖A", "夏热冬暖B")
    assert subzone_changes_presets("夏热冬冷A", "寒冷B")


def test_the_typical_year_spread_is_measured_from_the_bundled_pairs():
    """The spread a station site's zone is judged within is the 95th percentile of the
    annual-mean difference between two files of one place, as weather/VALIDATION.md states."""
    from weather.site import TYPICAL_YEAR_SPREAD_K
    from weather.validation import colocated_pairs, typical_year_spread

    pairs = colocated_pairs()
    assert len(pairs) >= 60 and set(pairs["pair"]) == {"CSWD / SWERA", "CSWD / TMYx", "SWERA / TMYx"}
    assert round(typical_year_spread(), 1) == TYPICAL_YEAR_SPREAD_K


def test_station_roles_follow_the_radiation_basis():
    """On the cswd basis the GHI level comes from the CSWD stations' pattern; the summary
    labelled the TMYx/SWERA neighbours 'radiation' on both bases."""
    _, tmyx = site_weather(lat=39.47, lon=75.99)
    _, cswd = site_weather(lat=39.47, lon=75.99, radiation_basis="cswd")
    role = {b: {s["id"]: s["role"] for s in m.stations} for b, m in (("tmyx", tmyx), ("cswd", cswd))}
    swera = [i for i in role["tmyx"] if i.startswith(("SWERA", "TMYx"))]
    cs = [i for i, r in role["cswd"].items() if "diffuse fraction" in r]
    assert swera and all("radiation" in role["tmyx"][i] for i in swera)
    assert all("sky statistics" in role["cswd"][i] and "radiation" not in role["cswd"][i] for i in swera)
    assert cs and all("radiation" in role["cswd"][i] for i in cs)
    assert not any("radiation" in role["tmyx"][i] for i in cs)


def test_a_named_station_at_another_elevation_has_no_temperature_step():
    """Across the 200 m switch from the station's own statistics to the interpolation, a 2 m
    change of the given elevation moved Beijing's year by 0.4 K (HDD18 +3.5 %); the two are now
    blended between 100 and 300 m, and the note says how."""
    from twin.report_text import phrase

    t = {z: site_weather(city="Beijing", elevation=z)[0].temp_air.mean() for z in (234, 236, 334, 336)}
    assert abs(t[234] - t[236]) < 0.05 and abs(t[334] - t[336]) < 0.05
    _, meta = site_weather(city="Beijing", elevation=250)
    note = next(n for n in meta.notes if "blended for elevations 100-300 m" in n)
    assert phrase(note, "zh").startswith("气温取 ")


def test_sky_response_is_per_standard_deviation_and_bounded():
    """The day's temperature moves with the clear-sky index per standard deviation of the
    index, bounded by the temperature's own spread; a month whose index hardly varies (CSWD's
    modelled January at Zunyi) gave 161 K per unit before, and its synthetic year ran from
    -48.7 to 102.2 degC."""
    from weather.stats import per_sd

    rng = np.random.default_rng(1)
    x = rng.normal(0.5, 0.15, 31)
    y = 3.0 + 8.0 * (x - x.mean()) + rng.normal(0, 1.0, 31)
    ols = np.polyfit(x, y, 1)[0]
    assert per_sd(x, y) == pytest.approx(ols * x.std())
    assert abs(per_sd(x, y)) <= y.std() + 1e-12
    tiny = 0.25 + 1e-3 * rng.standard_normal(31)  # an index that hardly varies
    assert abs(per_sd(tiny, y)) <= y.std() + 1e-12
    assert per_sd(np.full(31, 0.25), y) == 0.0
    from weather.interp import _col

    for c in ("t_kc_sd", "dtr_kc_sd", "dd_kc_sd"):
        assert np.abs(_col(c)).max() < 8.0, c
    for kw in ({"city": "遵义"}, {"lat": 28.1, "lon": 106.8}):
        df, _ = site_weather(**kw)
        assert -15.0 < df["temp_air"].min() and df["temp_air"].max() < 42.0, kw
        assert df["relative_humidity"].min() > 5.0, kw


def test_wind_statistics_are_quantiles_over_the_months_mean():
    """The hourly wind of a month is stored as quantiles of speed over its mean: a station with
    many calms keeps them, and its tail is the file's, not a Weibull's of the same spread."""
    from weather.stats import WS_COLS, WS_LEVELS, monthly_stats

    idx = hourly_index(2025)
    rng = np.random.default_rng(5)
    ws = np.where(rng.random(len(idx)) < 0.2, 0.0, rng.gamma(4.0, 0.75, len(idx)))
    df = pd.DataFrame({"ghi": 0.0, "dni": 0.0, "dhi": 0.0, "temp_air": 10.0,
                       "relative_humidity": 60.0, "wind_speed": ws}, index=idx)
    df["ghi"] = np.clip(600 * np.sin(np.pi * (idx.hour - 6) / 12), 0, None)
    df["dhi"] = 0.4 * df["ghi"]
    st = monthly_stats(df, 31.3, 120.6)
    jan = ws[idx.month == 1]
    np.testing.assert_allclose(st.loc[1, list(WS_COLS)], np.quantile(jan / jan.mean(), WS_LEVELS))
    assert st.loc[1, "ws_p10"] == 0.0 and st.loc[1, "ws_p25"] > 0.0
    assert st.loc[1, "ws_calm"] == pytest.approx((jan == 0).mean())
    # a month without any wind (a still valley, a file's gap filled with zeros) stays still
    from weather.generator import synthesize

    df.loc[df.index.month == 2, "wind_speed"] = 0.0
    st = monthly_stats(df, 31.3, 120.6)
    syn = synthesize(st, 31.3, 120.6, seed=1)
    assert np.isfinite(syn.wind_speed).all()
    assert (syn.wind_speed[syn.index.month == 2] == 0).all()
    assert syn.wind_speed[syn.index.month == 1].mean() == pytest.approx(jan.mean())


def test_synthetic_wind_keeps_the_stations_quantiles_and_diurnal_cycle():
    """Darlag (达日, 3968 m, Qinghai): calm hours and light tails; the Weibull marginal of the
    same coefficient of variation gave hourly maxima of 54 m/s against the file's 18 m/s."""
    from weather.generator import WIND_TAIL, synthesize
    from weather.solar import solar_hour
    from weather.stations import resolve_station, station_stats_table, station_table
    from weather.stats import WS_COLS, WS_LEVELS

    sid = resolve_station("达日")
    st = station_stats_table().loc[sid]
    row = station_table().loc[sid]
    years = [synthesize(st, row.lat, row.lon, seed=s) for s in range(4)]
    ws = pd.concat([y.wind_speed for y in years])
    top = st["ws_p99"] + WIND_TAIL * (st["ws_p99"] - st["ws_p95"])
    assert ws.max() < 1.15 * (top * st["ws_mean"]).max() < 20.0  # file: 18 m/s
    for m in (1, 7):
        y = ws[ws.index.month == m]
        got = np.quantile(y.to_numpy() / st.loc[m, "ws_mean"], WS_LEVELS)
        want = st.loc[m, list(WS_COLS)].to_numpy()
        np.testing.assert_allclose(got[3:], want[3:], rtol=0.12)  # median to the 99th
        assert abs(got[:3] - want[:3]).max() < 0.15  # calms and light air, in units of the mean
        # the expected speed by hour follows the stored diurnal harmonic
        ph = 2 * np.pi * solar_hour(y.index, row.lon) / 24
        a = np.stack([np.cos(ph), np.sin(ph)], 1)
        coef, *_ = np.linalg.lstsq(a, y.to_numpy() / y.mean() - 1, rcond=None)
        want_h = st.loc[m, ["ws_a1", "ws_b1"]].to_numpy(float)
        assert np.hypot(*(coef - want_h)) < 0.25 * np.hypot(*want_h) + 0.03


def test_daily_means_follow_the_seasons_course_not_a_step_per_month():
    """The season's course through the monthly means keeps each month's mean and has no step
    at a month's start; the synthetic daily means follow it (before, Harbin's and Urumqi's
    synthetic years jumped by 7.2-7.5 K on average into each month against 2.7-2.9 K on
    other days)."""
    from weather.stats import seasonal_course

    month_d = hourly_index(2025).month.to_numpy()[::24]
    means = np.array([-18.3, -13.6, -3.6, 7.4, 15.5, 21.0, 23.3, 21.6, 15.2, 6.0, -5.3, -14.9])
    course = seasonal_course(means, month_d)
    np.testing.assert_allclose(pd.Series(course).groupby(month_d).mean(), means, atol=1e-9)
    assert np.abs(np.diff(course)).max() < 0.45  # K per day: April warms about 0.37 K a day
    assert abs(course[-1] - course[0]) < 0.45  # the year wraps round

    start = np.flatnonzero(np.diff(month_d) != 0)
    for city in ("Harbin Taiping Airport", "Urumqi Diwopu Airport"):  # the TMYx files of the figures
        into, other = [], []
        for seed in range(4):
            df, _ = site_weather(city=city, seed=seed)
            step = np.abs(np.diff(df["temp_air"].to_numpy().reshape(-1, 24).mean(1)))
            into.append(step[start].mean())
            other.append(np.delete(step, start).mean())
        assert np.mean(into) < 1.5 * np.mean(other), city


def test_temperature_residual_process_shows_the_months_lags_and_spread():
    """A month of about 30 days, about its own mean, shows lower lag-1 and lag-2
    autocorrelations and a smaller variance than its process (Bartlett 1946, Kendall 1954).
    The generator's residual is the AR(2) process whose months show the file's values, built
    so that it keeps a unit variance where the correlations change between months."""
    from weather.generator import _ar2, ar2_of_process, expected_sample_correlations

    def months(z):
        z = z.reshape(-1, 30)
        lag = lambda k: np.mean([np.corrcoef(m[:-k], m[k:])[0, 1] for m in z])
        return lag(1), lag(2), z.var(1).mean()

    rng = np.random.default_rng(1)
    n = 30 * 4000
    for r1, r2 in ((0.5, 0.25), (0.7, 0.35), (0.3, -0.05)):
        got = months(_ar2(rng, np.full(n, r1), np.full(n, r2)))
        want = [float(v[0]) for v in expected_sample_correlations([r1], [r2], [30])]
        assert got[0] == pytest.approx(want[0], abs=0.015)
        assert got[1] == pytest.approx(want[1], abs=0.015)
        assert got[2] == pytest.approx(want[2], rel=0.03)

    target1, target2 = np.array([0.62, 0.45]), np.array([0.27, 0.05])  # the files' median
    rho1, rho2, inflate = ar2_of_process(target1, target2, 30)
    assert np.all(rho1 > target1 + 0.05)
    for j in range(2):
        got = months(_ar2(rng, np.full(n, rho1[j]), np.full(n, rho2[j])) * inflate[j])
        assert got[0] == pytest.approx(target1[j], abs=0.02)
        assert got[1] == pytest.approx(target2[j], abs=0.02)
        assert got[2] == pytest.approx(1.0, rel=0.04)

    every_other = np.arange(n) // 30 % 2 == 0
    z = _ar2(rng, np.where(every_other, 0.3, 0.9), np.where(every_other, 0.09, 0.8))
    assert np.var(z) == pytest.approx(1.0, abs=0.04)


def _tmyx_city_years(shared_dir, city: str, seeds: int, temperature_only: bool = True):
    """A TMYx city's station row, its own file and ``seeds`` synthetic years from its own
    statistics: hourly temperatures [degC] with ``temperature_only``, else whole years."""
    from weather.generator import synthesize, synthesize_temperature
    from weather.stations import resolve_station, station_stats_table, station_table

    sid = resolve_station(city)
    row, stats = station_table().loc[sid], station_stats_table().loc[sid]
    own, _ = read_weather_file(shared_dir / "data" / "weather" / f"{row.file}.gz")
    if temperature_only:
        return row, own["temp_air"].to_numpy(), [synthesize_temperature(stats, row.lon, seed=s)
                                                 for s in range(seeds)]
    return row, own, [synthesize(stats, row.lat, row.lon, seed=s) for s in range(seeds)]


def test_synthetic_days_rise_fall_and_persist_like_the_files(shared_dir):
    """From a city's own statistics the synthetic year's days rise and fall by the file's daily
    range, and its days and three-day spells scatter about the season's course as much as the
    file's. Before: the two-harmonic course spanned about 0.8 of a range (Beijing 8.7 K
    against 10.8 K a day), and the AR(1) residual given a month's sample lag-1 left the three-day
    spells 10-20 % too weak (Urumqi 3.0 K against 3.8 K)."""
    from weather.generator import unit_range_harmonics
    from weather.stats import seasonal_course

    coef = np.array([[-0.45, -0.12, 0.05, 0.06]])
    x = np.linspace(0, 2 * np.pi, 1441)
    unit = unit_range_harmonics(coef)[0]
    course = unit @ np.stack([np.cos(x), np.sin(x), np.cos(2 * x), np.sin(2 * x)])
    assert np.ptp(course) == pytest.approx(1.0, abs=1e-3)

    month_d = hourly_index(2025).month.to_numpy()[::24]

    def figures(t):
        days = t.reshape(-1, 24)
        mean = days.mean(1)
        means = np.bincount(month_d, weights=mean)[1:] / np.bincount(month_d)[1:]
        anomaly = mean - seasonal_course(means, month_d)
        spell = np.convolve(anomaly, np.ones(3) / 3, "same")
        sd = lambda a: pd.Series(a).groupby(month_d).std().mean()
        return np.array([np.ptp(days, axis=1).mean(), sd(anomaly), sd(spell)])

    for city in ("Beijing", "Guangzhou", "Urumqi Diwopu Airport", "Harbin Taiping Airport"):  # TMYx
        _, own, years = _tmyx_city_years(shared_dir, city, 6)
        got = np.mean([figures(t) for t in years], 0)
        np.testing.assert_allclose(got, figures(own), rtol=0.08, err_msg=city)


def test_synthetic_days_peak_at_the_files_spread_of_hours(shared_dir):
    """Each synthetic day's course is shifted by a drawn number of hours, so that the hottest
    month's mean course is the file's while every day keeps its whole range. Before, every day
    peaked at the month's mean hour: the mean course spanned 14-19 % more than the file's
    (Beijing 8.8 K against 7.7 K, Wuhan 7.7 K against 6.5 K) and stood 1.0-1.2 K higher at
    14:00, GB 50736-2012's hour for the summer ventilation temperature (4.1.8); now 0.4-0.6 K,
    the clear days, which PV sees, keeping the files' narrower timing (TIMING_BY_SKY)."""
    from weather.generator import TIMING_BY_SKY, diurnal_timing_sd_h

    # one harmonic of span s: a day's shift of spread sd damps it by exp(-(w sd)^2 / 2), the month's
    # days' spreads sd x TIMING_BY_SKY at their skies' ranks, which lie evenly between 0 and 1
    w = 2 * np.pi / 24
    sd = diurnal_timing_sd_h(np.array([[0.4, 0.0, 0.0, 0.0], [0.0, -0.3, 0.0, 0.0], [0.6, 0.0, 0.0, 0.0]]))
    by_sky = np.interp((np.arange(4000) + 0.5) / 4000, *TIMING_BY_SKY)
    for span, s in zip((0.8, 0.6), sd[:2], strict=True):
        assert np.mean(np.exp(-(w * s * by_sky) ** 2 / 2)) == pytest.approx(span, abs=2e-3)
    assert sd[2] == 0.0  # a course that spans a whole range already
    idx = hourly_index(2025)

    def hottest_month_course(t):
        s = pd.Series(t, index=idx)
        month = s[idx.month == s.groupby(idx.month).mean().idxmax()]
        c = month.groupby(month.index.hour).mean()
        days = month.to_numpy().reshape(-1, 24)
        return np.array([np.ptp(c), c[13] - month.mean(), np.ptp(days, axis=1).mean()])

    for city in ("Beijing", "Guangzhou", "Urumqi Diwopu Airport", "Harbin Taiping Airport", "Wuhan"):  # TMYx
        _, own, years = _tmyx_city_years(shared_dir, city, 6)
        want = hottest_month_course(own)
        got = np.mean([hottest_month_course(t) for t in years], 0)
        assert got[0] == pytest.approx(want[0], rel=0.08), city  # the mean course's span
        # 14:00 above the month's mean: +0.40 to +0.63 K (Harbin), +0.99 to +1.22 K before
        assert got[1] == pytest.approx(want[1], abs=0.7), city
        assert got[2] == pytest.approx(want[2], rel=0.08), city  # the days' own ranges


def test_a_synthetic_days_timing_varies_with_its_sky_as_the_files_do(shared_dir):
    """An overcast day's warmest hour can come at any time, a clear day's follows the sun: in the
    files the timing's spread is 3.6 h on the darkest fifth of days and 0.5 h on the clearest
    (weather.generator.TIMING_BY_SKY). The synthetic days keep that order, darkest about 5 times
    the clearest; with one spread for every sky the clear afternoons came out 0.16 K cooler in the
    GHI-weighted mean than with this one."""
    from weather.validation import diurnal_timing_by_sky

    for city in ("Beijing", "Wuhan"):
        row, own, years = _tmyx_city_years(shared_dir, city, 3, temperature_only=False)
        want = diurnal_timing_by_sky(own, row.lon)
        got = np.mean([diurnal_timing_by_sky(y, row.lon) for y in years], 0)
        assert np.all(np.diff(got) < 0) and np.all(np.diff(want[:3]) < 0), (city, got, want)
        assert 3.0 < got[0] / got[-1] < 6.0 and got[0] == pytest.approx(want[0], rel=0.3), (city, got, want)
        assert got[-1] < 1.0 and want[-1] < 1.0, (city, got, want)


@pytest.mark.slow
def test_the_timing_table_is_what_the_files_show(shared_dir):
    """weather.generator.TIMING_BY_SKY re-measured on the 73 TMYx and SWERA files."""
    from weather.generator import TIMING_BY_SKY
    from weather.stations import station_table
    from weather.validation import diurnal_timing_by_sky

    st = station_table()
    folder = {"TMYx": "weather", "SWERA": "weather_swera"}
    rows = [diurnal_timing_by_sky(read_weather_file(shared_dir / "data" / folder[r.dataset] / f"{r.file}.gz")[0],
                                  r.lon) for r in st.itertuples() if r.dataset in folder]
    assert len(rows) == 73
    spread = np.median(np.array(rows), axis=0)
    np.testing.assert_allclose(spread, [3.55, 1.44, 0.85, 0.64, 0.51], atol=0.005)
    np.testing.assert_allclose(spread / spread[2], TIMING_BY_SKY[1], atol=0.005)


def test_sky_spells_keep_the_files_day_to_day_persistence():
    """A month's lag-1 autocorrelation about its own mean runs below its process's (Kendall
    1954); the daily clear-sky index's AR(1) is given the process value, so a synthetic month
    shows the file's statistic (before: daily GHI lag-1 0.24 against the files' 0.30 at the
    median TMYx/SWERA station, the darkest three days 11 % brighter than the files')."""
    from scipy.special import ndtri

    from weather.generator import _ar1, lag1_of_process, synthesize
    from weather.stations import resolve_station, station_stats_table, station_table

    rng = np.random.default_rng(0)
    for r in (0.2, 0.5):
        z = _ar1(rng, np.full(30 * 3000, lag1_of_process(r, 30))).reshape(3000, 30)
        sample = [np.corrcoef(month[:-1], month[1:])[0, 1] for month in z]  # as the statistics
        assert np.mean(sample) == pytest.approx(r, abs=0.02)

    sid = resolve_station("Chengdu")
    st = station_stats_table().loc[sid]
    row = station_table().loc[sid]
    month_d = hourly_index(2025).month.to_numpy()[::24]
    got = []
    for seed in range(6):
        ghi = synthesize(st, row.lat, row.lon, seed=seed)["ghi"].to_numpy().reshape(-1, 24).sum(1)
        for m in range(1, 13):
            g = ghi[month_d == m]
            z = ndtri((np.argsort(np.argsort(g)) + 0.5) / len(g))
            got.append(np.corrcoef(z[:-1], z[1:])[0, 1])
    assert np.mean(got) == pytest.approx(st["kc_rho"].mean(), abs=0.05)


def test_sun_height_slope_by_hand():
    """Days of one geometry whose hourly clear-sky index is the day's times 1 + s (cos z - the
    day's clear-sky-weighted mean cos z): the slope comes out s whatever the days' indices; a
    flat profile gives 0; too few hours give NaN."""
    from weather.stats import sun_height_slope

    z = np.clip(np.sin(np.pi * (np.arange(24) - 5.5) / 13.0), 0, None)  # sun 6-19 h
    clear = 1098 * z * np.exp(-0.057 / np.maximum(z, 0.01))
    mean_z = (clear * z).sum() / clear.sum()
    kc = np.random.default_rng(1).uniform(0.2, 0.9, 60)
    C, Z = np.tile(clear, (60, 1)), np.tile(z, (60, 1))
    for s in (0.0, 0.25, 0.6):
        G = kc[:, None] * C * (1 + s * (Z - mean_z))
        assert sun_height_slope(G, C, Z) == pytest.approx(s, abs=1e-12)
    assert np.isnan(sun_height_slope(G[:3], C[:3], Z[:3]))  # 3 days x 10 hours above cos z 0.2


@pytest.mark.parametrize("city", ["Qingdao", "Guangzhou", "Urumqi Diwopu Airport"])
def test_synthetic_light_rises_with_the_sun_as_the_stations(city):
    """The Haurwitz clear sky dims too little towards a low sun for China's hazy skies; a flat
    clear-sky index put 12-14 % too much of the light at a sun of 12-30 deg and 3-7 % too little
    above 64 deg (34 TMYx cities, median), the year's DNI +7.8 %. The year now keeps the
    station's rise of the index with the sun's height (``kc_sun``) and its months' GHI."""
    from weather.generator import synthesize
    from weather.solar import cos_zenith, haurwitz_ghi
    from weather.stats import city_stats_table, sun_height_slope

    lat, lon = CITIES[city][:2]
    st = city_stats_table().loc[city]
    assert 0.15 < st["kc_sun"].iloc[0] < 0.4
    cz = cos_zenith(hourly_index(2025), lat, lon, 0.5)
    shape = (365, 24)
    flat = st.copy()
    flat["kc_sun"] = np.nan  # without the statistic: the flat index of before
    for seed in range(3):
        df = synthesize(st, lat, lon, 2025, seed)
        got = sun_height_slope(df.ghi.to_numpy().reshape(shape), haurwitz_ghi(cz).reshape(shape),
                               cz.reshape(shape))
        assert got == pytest.approx(st["kc_sun"].iloc[0], abs=0.03), seed
        before = synthesize(flat, lat, lon, 2025, seed)
        low = (cz > 0) & (cz < 0.5)
        assert df.ghi[low].sum() < before.ghi[low].sum()
        assert df.dni.sum() < before.dni.sum()
        np.testing.assert_allclose(df.ghi.resample("MS").mean().to_numpy() * 24 / 1000,
                                   st["ghi_kwh_day"].to_numpy(), rtol=0.01)


def test_pv_peak_figures_name_the_park_s_brightest_pv_hours():
    """The year's yield is the sum of the hourly AC output; the peak figures are the 99.9th
    percentile of that output and the month and air temperature of its nine highest hours."""
    from weather.validation import PEAK_HOURS, pv_ac_hourly, pv_peak_figures, pv_specific_yield

    site = CITIES["Qingdao"]
    at = (site.lat, site.lon, site.elevation)
    year, _ = site_weather(city="Qingdao", seed=0)
    ac = pv_ac_hourly(year, *at, tilt=10.0)
    assert pv_specific_yield(year, *at, tilt=10.0) == pytest.approx(ac.sum())
    # light only at noon on nine April days, at 5 degC: those are the peak hours
    dark = year.assign(ghi=0.0, dni=0.0, dhi=0.0, temp_air=25.0)
    noon = (dark.index.month == 4) & (dark.index.hour == 12) & (dark.index.day <= PEAK_HOURS)
    dark.loc[noon, ["ghi", "dni", "dhi", "temp_air"]] = [900.0, 850.0, 150.0, 5.0]
    f = pv_peak_figures(dark, *at)
    assert f["pv_peak_month"] == 4.0
    assert f["pv_peak_temp"] == pytest.approx(5.0)
    ac_dark = pv_ac_hourly(dark, *at, tilt=10.0)
    assert f["pv_peak"] == pytest.approx(np.quantile(ac_dark, 0.999))
    assert 0.5 < ac_dark.max() < 1.0


def test_high_sun_cap_by_hand():
    """A month with enough high-sun hours has its own 99.5th percentile; one with fewer takes
    the year's."""
    from weather.stats import HIGH_SUN_MONTH_HOURS, high_sun_cap

    kc = np.linspace(0.5, 1.0, 1000)
    high = np.ones(1000, bool)
    month = np.zeros(1000, bool)
    month[:HIGH_SUN_MONTH_HOURS] = True  # the dimmest hours
    assert high_sun_cap(kc, high, month, 1.03) == pytest.approx(
        np.quantile(kc[:HIGH_SUN_MONTH_HOURS], 0.995))
    month[0] = False
    assert high_sun_cap(kc, high, month, 1.03) == 1.03
    assert high_sun_cap(kc, ~high, np.ones(1000, bool), 0.97) == 0.97


def test_soft_saturation_by_hand():
    """The dew point approaches the air temperature smoothly: a depression of a few kelvin is
    kept, a drawn dew point at or above the air's follows the air down just below it. Cut at
    the temperature, the synthetic years held about three times the files' hours at 98 % RH or
    more (weather/VALIDATION.md section 5, "Humidity")."""
    from weather.generator import SATURATION_SCALE_K, soft_saturation

    t = np.full(5, 20.0)
    td = soft_saturation(np.array([10.0, 16.0, 20.0, 22.0, 30.0]), t)
    s = SATURATION_SCALE_K
    assert td[0] == pytest.approx(10.0, abs=1e-3)  # 10 K depression: kept
    assert td[1] == pytest.approx(20.0 - s * np.log1p(np.exp(4.0 / s)))
    assert td[2] == pytest.approx(20.0 - s * np.log(2.0))  # drawn at the air's: ln 2 below it
    assert np.all(np.diff(td) > 0) and np.all(td < t)  # monotone, never saturated beyond
    assert 20.0 - td[4] < 1e-3 * s  # far above the air: at saturation


def test_dew_point_statistics_by_hand():
    """A year whose days are drier by 0.5 K of depression per kelvin of unexplained warmth, and
    whose dew point dips 1.5 K in the afternoon (a cosine with its low at 14:00 solar time),
    gives back ``dd_t_res`` and the dew point's diurnal harmonics."""
    from weather.generator import synthesize
    from weather.solar import solar_hour
    from weather.stats import dewpoint, monthly_stats, relative_humidity_from_dewpoint

    lat, lon = 35.0, 110.0
    idx = hourly_index(2025)
    nd = len(idx) // 24
    rng = np.random.default_rng(3)
    t_res = rng.normal(0.0, 2.0, nd)
    phase = 2 * np.pi * solar_hour(idx, lon) / 24.0
    temp = np.repeat(15.0 + t_res, 24) + 4.0 * np.cos(phase - 2 * np.pi * 15 / 24)
    dew = (np.repeat(15.0 + t_res - (8.0 + 0.5 * t_res), 24)
           + 1.5 * np.cos(phase - 2 * np.pi * 2 / 24))
    ghi = np.clip(700 * np.sin(np.pi * (idx.hour.to_numpy() - 6) / 12), 0, None)
    ghi = ghi * np.repeat(rng.uniform(0.3, 1.0, nd), 24)
    df = pd.DataFrame({"ghi": ghi, "dni": 0.0, "dhi": 0.4 * ghi, "temp_air": temp,
                       "relative_humidity": relative_humidity_from_dewpoint(temp, dew),
                       "wind_speed": 2.0}, index=idx)
    st = monthly_stats(df, lat, lon)
    assert st["dd_t_res"].to_numpy() == pytest.approx(np.full(12, 0.5), abs=0.03)
    month_mean = pd.Series(t_res).groupby(idx.month.to_numpy()[::24]).mean().to_numpy()
    assert st["dd_mean"].to_numpy() == pytest.approx(8.0 + 0.5 * month_mean, abs=0.05)
    # 1.5 cos(phase - 2 pi 2/24) = a1 cos + b1 sin with a1 = 1.5 cos(pi/6), b1 = 1.5 sin(pi/6)
    assert st["td_a1"].to_numpy() == pytest.approx(np.full(12, 1.5 * np.cos(np.pi / 6)), abs=0.02)
    assert st["td_b1"].to_numpy() == pytest.approx(np.full(12, 1.5 * np.sin(np.pi / 6)), abs=0.02)
    assert np.abs(st[["td_a2", "td_b2"]].to_numpy()).max() < 0.02
    # the generator carries both: a hot day is a drier one, the afternoon's dew point lower
    syn = synthesize(st, lat, lon, seed=2)
    t = syn.temp_air.to_numpy().reshape(-1, 24)
    td = dewpoint(syn.temp_air.to_numpy(), syn.relative_humidity.to_numpy()).reshape(-1, 24)
    dd = t.mean(1) - td.mean(1)
    warmth = t.mean(1) - pd.Series(t.mean(1)).rolling(31, center=True, min_periods=1).mean()
    assert np.corrcoef(warmth, dd)[0, 1] > 0.3
    solar = solar_hour(idx, lon).reshape(-1, 24)[0]
    course = (td - td.mean(1, keepdims=True)).mean(0)
    assert abs(solar[np.argmin(course)] - 14.0) < 2.5 and np.ptp(course) > 2.0


def test_the_older_period_is_more_humid_at_about_the_same_dew_point():
    """The stations' RH is moved to the TMYx period like their temperature: at the places
    holding both, the TMYx files are 0.34 K warmer and about 2 points drier than the CSWD files,
    their dew point about the same. Moving the temperature alone kept the older period's RH:
    interpolated sites came out 2.1 points more humid than the TMYx files (leave-one-out
    median). On the cswd period the RH moves back."""
    from weather.interp import _base, _col, humidity_offsets, station_humidity
    from weather.stats import dewpoint

    off = humidity_offsets()
    assert off["TMYx"] == 0.0 and -3.0 < off["CSWD"] < -1.0, off
    b = _base()
    k = int(np.flatnonzero(b["dataset"] == "CSWD")[0])
    assert station_humidity()[k] == pytest.approx(np.clip(_col("rh_mean")[k] + off["CSWD"], 1, 100))
    recent, _ = site_weather(city="西安", seed=0)
    older, _ = site_weather(city="西安", seed=0, temperature_period="cswd")
    d_rh = older.relative_humidity.mean() - recent.relative_humidity.mean()
    assert d_rh == pytest.approx(-off["CSWD"], abs=0.05)
    d_td = (dewpoint(older.temp_air, older.relative_humidity).mean()
            - dewpoint(recent.temp_air, recent.relative_humidity).mean())
    assert abs(d_td) < 0.2, d_td  # the temperature alone moved it by -0.34 K
