"""Readers for EPW and TMY3 typical-year files, with radiation time-shift repair, and an EPW
writer for the tool's typical years (:func:`epw_text`).

Conventions (EnergyPlus Auxiliary Programs, "EPW data dictionary"; NREL TMY3
user's manual, Wilcox & Marion 2008, NREL/TP-581-43156): the value at hour h
covers the hour **ending** at h in the file's local standard time. Here each row
is labelled with the **start** of its hour, moved to Asia/Shanghai (UTC+8) and
placed on the model year by month/day/hour (typical-year months come from
different calendar years).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ._core import COLUMNS, WeatherError, WeatherMeta, hourly_index
from .solar import cos_zenith, erbs_diffuse, extra_radiation, hour_mean_cos_zenith

CHINA_UTC_OFFSET_H = 8.0
"""China's one time zone, Beijing time [h]: files are moved to it, and a refused file's
irradiance is checked against it first, before any other time zone that fits."""

SHIFT_CANDIDATES_H = (-3, -2, -1, 0, 1, 2, 3)
"""Whole-hour radiation shifts tried by :func:`detect_radiation_shift` [h]: radiation columns
written 3 h late were repaired by 2 h when the search stopped there, and left 1 h late without a
word. A file whose radiation fits the sun best farther off is refused
(:data:`SHIFT_BEYOND_H`)."""

SHIFT_BEYOND_H = 6
"""The shifts beyond :data:`SHIFT_CANDIDATES_H` scored to see whether the best lies outside the
repair [h]: a file whose radiation fits the sun better there than at any shift repaired is
refused, naming the shift (its other columns are in question too)."""

HEADER_TIME_ZONE_SLACK_H = 2
"""A header time zone more than this from UTC+8 whose data fit UTC+8 as well as the repair is
refused (:func:`_check_sun`): the whole file, temperature included, is then that far off, which
a radiation-only repair would hide [h]."""

SHIFT_MIN_GAIN = 0.01
"""A radiation shift is made only if it lowers the score of :func:`shift_scores` by more than
this [-]."""

WIDE_TIE_SCORE = 0.05
"""When a refused file's irradiance fits UTC+8 within this score of the best time zone, UTC+8
is the one named (Beijing's TMYx file with time zone 0 fitted UTC+9 by 0.02) [-]."""

CLOSURE_TOLERANCE = 0.05
"""After shift repair, DNI is recomputed from GHI and DHI when the annual closure
ratio is further than this from 1 [-]."""

NIGHT_MAX = 0.05
"""Largest share of the annual GHI allowed in hours with the sun below the horizon after the
shift repair [-]. Over the 329 typical-year files the project derives its statistics from
it is at most 0.6 % (median 0.02 %); a file whose header time zone or position is wrong
puts 20-50 % of its GHI at night and is refused (a PV plant sized on it would see little
sun)."""

_MIN_COSZ_DNI = 0.087
"""Below this cos(zenith) (sun under 5 deg) recomputed DNI is set to 0 and DHI = GHI [-]."""

NO_BEAM_SHARE = 0.01
"""A month whose beam on the horizontal (sum of DNI cos z) is below this share of its GHI
carries no direct sun at all: a gap of the file, not weather. Over the 329 bundled typical
years the cloudiest real month keeps 2.9 % (CSWD Nanchong, January); the TMYx files of Beijing
(January-March, June) and Hangzhou (March, June, December) and the CSWD files of Tongzi and
Zunyi (January) carry 0.00-0.04 %, DNI zero and all GHI as DHI [-]."""

# RH above 100 % (up to 150 %) is accepted and clipped to 100 %: CSWD files of very cold
# stations (Mohe, Hailun) report RH over water well above 100 % at -30 degC and below.
_RANGES = {
    "ghi": (0.0, 1500.0), "dni": (0.0, 1400.0), "dhi": (0.0, 1000.0),
    "temp_air": (-70.0, 65.0), "wind_speed": (0.0, 60.0), "relative_humidity": (0.0, 150.0),
}
_UNITS = {"ghi": "W/m2", "dni": "W/m2", "dhi": "W/m2", "temp_air": "degC", "wind_speed": "m/s",
          "relative_humidity": "%"}
_EPW_MISSING = {"ghi": 9999, "dni": 9999, "dhi": 9999, "temp_air": 99.9,
                "wind_speed": 999, "relative_humidity": 999}


MIN_ANNUAL_GHI_KWH_M2 = 400.0
"""Least annual GHI a weather file may have [kWh/m2]: the cloudiest places in China (the
Sichuan basin) have about 900, the darkest inhabited places on earth about 600; a file below
this holds its radiation in another unit (kW/m2, MJ/m2 per hour), which a run read as W/m2
sized PV on a thousandth of the sun without a word."""

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Largest weather file read, compressed or not [bytes]: a year of hourly EPW is about
1.6 MB, of half-hourly TMY3 about 4 MB."""


def _too_large(name: str) -> WeatherError:
    return WeatherError(f"weather file {name!r}: more than {MAX_FILE_BYTES >> 20} MiB, larger than "
                        f"any hourly typical year (an EPW is about 1.6 MB); expected an EPW or "
                        f"TMY3 file")


def _read_text(path: Path) -> tuple[str, str, str | None]:
    """Return (text, sha256 of the uncompressed bytes, the member read from a zip archive or
    ``None``); a UTF-8 byte-order mark is dropped."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise WeatherError(f"weather file {str(path)!r}: not found") from None
    except OSError as exc:
        raise WeatherError(f"weather file {str(path)!r}: cannot be read ({exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(path.name)
    if raw[:2] == b"\x1f\x8b":
        try:
            dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = dec.decompress(raw, MAX_FILE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise WeatherError(f"weather file {path.name!r}: broken gzip data ({exc}); expected a gzip-"
                               "compressed EPW or TMY3 file, or the uncompressed file") from None
        if len(raw) > MAX_FILE_BYTES:
            raise _too_large(path.name)
    member = None
    if raw[:4] == b"PK\x03\x04":
        raw, member = _zip_member(raw, path.name)
    _check_content(raw, path.name)
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.removeprefix("\ufeff"), sha, member


EXPECTED_FILE = ("expected an EPW file (text, first line 'LOCATION,...'), a TMY3 CSV, or either "
                 "gzip-compressed (.epw.gz) or in a zip archive (.zip)")
"""What a weather file may be, said by every message about one that is none of them."""


def _check_content(raw: bytes, name: str) -> None:
    """Refuse, in plain words, content that cannot be a weather file whatever its name: empty,
    binary, or named .zip / .gz without being one (a renamed EPW is read)."""
    body = raw.removeprefix(b"\xef\xbb\xbf")
    if not body.strip():
        raise WeatherError(f"weather file {name!r}: empty ({len(raw)} bytes); {EXPECTED_FILE}")
    if body.lstrip().startswith(b"LOCATION"):
        return
    lower = name.lower()
    for suffix, what in ((".zip", "a zip archive"), (".gz", "gzip-compressed")):
        if lower.endswith(suffix):
            raise WeatherError(f"weather file {name!r}: named {suffix} but not {what} (its first bytes "
                               f"are not those of one, nor of an EPW file); {EXPECTED_FILE}")
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise WeatherError(f"weather file {name!r}: UTF-16 text, which weather files are not written in; save "
                           f"it as UTF-8 or ASCII ({EXPECTED_FILE.removeprefix('expected ')})")
    head = body[:4096]
    text_like = sum(b in b"\t\n\r" or 32 <= b for b in head)
    if b"\x00" in head or text_like < 0.95 * len(head):
        raise WeatherError(f"weather file {name!r}: binary data, not a text file; {EXPECTED_FILE}")


ZIP_WEATHER_SUFFIXES = (".epw", ".csv")
"""Members of a zip archive read as the weather file, in this order of preference: the
archives of Climate.OneBuilding.org hold one ``.epw`` beside ``.ddy``, ``.stat``, ``.clm``,
``.wea``, ``.rain`` and ``.pvsyst`` files."""


def _zip_member(raw: bytes, name: str) -> tuple[bytes, str]:
    """The weather file inside a zip archive ``raw`` (``name`` for messages): its single EPW,
    or without one its single CSV (a TMY3 file), and that member's name."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        members = [i for i in zf.infolist() if not i.is_dir()]
        for suffix in ZIP_WEATHER_SUFFIXES:
            found = [i for i in members if i.filename.lower().endswith(suffix)]
            if len(found) > 1:
                raise WeatherError(
                    f"weather file {name!r}: the zip archive holds {len(found)} {suffix} files "
                    f"({', '.join(i.filename for i in found[:5])}); expected one weather file in it "
                    f"(extract the one to use)")
            if found:
                if found[0].file_size > MAX_FILE_BYTES:
                    raise _too_large(f"{name}:{found[0].filename}")
                return zf.read(found[0]), found[0].filename
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            zlib.error) as exc:
        raise WeatherError(f"weather file {name!r}: broken zip archive ({exc}); expected a zip "
                           "archive holding one EPW file, or the EPW file itself") from None
    listed = ", ".join(i.filename for i in members[:8]) or "nothing"
    raise WeatherError(f"weather file {name!r}: the zip archive holds no EPW or CSV weather file "
                       f"(it holds {listed}); expected one .epw file inside, as "
                       f"Climate.OneBuilding.org distributes them")


def _expected_mdh() -> np.ndarray:
    idx = hourly_index(2025)
    return np.stack([idx.month, idx.day, idx.hour + 1], axis=1)


def _parse_epw(text: str, name: str):
    import pvlib

    if not text.startswith("LOCATION"):
        raise WeatherError(f"weather file {name!r}: not an EPW file (first line must start "
                           f"with 'LOCATION', got {text[:40]!r})")
    _check_location_line(text.split("\n", 1)[0], name)
    _check_epw_rows(text, name)
    try:
        data, meta = pvlib.iotools.read_epw(io.StringIO(text))
    except Exception as exc:  # pvlib raises assorted parse errors
        raise WeatherError(f"weather file {name!r}: EPW could not be read ({_plain(exc)})") from None
    for col, miss in _EPW_MISSING.items():
        data[col] = pd.to_numeric(data[col], errors="coerce").where(lambda s: s < miss)
    m, d, h = (data[c].to_numpy(dtype=int) for c in ("month", "day", "hour"))
    return (m, d, h, data[list(COLUMNS)].reset_index(drop=True),
            dict(latitude=float(meta["latitude"]), longitude=float(meta["longitude"]),
                 elevation=float(meta["altitude"]), tz=float(meta["TZ"]),
                 station=str(meta.get("city", "")), fmt="EPW",
                 data_source=str(meta.get("data_type", "")).strip(),
                 wmo=str(meta.get("WMO_code", "")).strip(),
                 record_period=record_period(text)))


EPW_FIELDS = 35
"""Fields of an EPW data row (year, month, day, hour, minute, flags, then 29 weather fields)."""


def _check_epw_rows(text: str, name: str) -> None:
    """Every data row of an EPW (from line 9) has at most :data:`EPW_FIELDS` fields and whole
    numbers for year, month, day and hour; the first row that does not is named by its line."""
    import calendar

    lines = text.split("\n")
    if len(lines) > 7 and not lines[7].startswith("DATA PERIODS"):
        n = next((i for i, ln in enumerate(lines[:8]) if ln[:1].isdigit()), None)
        raise WeatherError(f"weather file {name!r}: line 8 is {lines[7][:40]!r}; expected the eighth and last "
                           f"header line 'DATA PERIODS,...' (an EPW has 8 header lines: LOCATION, DESIGN "
                           f"CONDITIONS, TYPICAL/EXTREME PERIODS, GROUND TEMPERATURES, HOLIDAYS/DAYLIGHT "
                           f"SAVINGS, COMMENTS 1, COMMENTS 2, DATA PERIODS)"
                           + (f"; the data start at line {n + 1}" if n is not None else ""))
    for i, line in enumerate(lines[8:], start=9):
        if not line.strip():
            continue
        f = line.rstrip("\r").split(",")
        if len(f) > EPW_FIELDS or len(f) < 4:
            raise WeatherError(f"weather file {name!r}: line {i} has {len(f)} fields, expected {EPW_FIELDS} "
                               f"(an EPW data row: year, month, day, hour, minute, flags, then the weather "
                               f"values); got {line[:60]!r}")
        for k, what in enumerate(("year", "month", "day", "hour")):
            if not f[k].strip().lstrip("-").isdigit():
                raise WeatherError(f"weather file {name!r}: line {i}, field {k + 1} ({what}) is "
                                   f"{f[k]!r}; expected a whole number")
        year, month, day, hour = (int(x) for x in f[:4])
        if not 1 <= month <= 12:
            raise WeatherError(f"weather file {name!r}: line {i}, field 2 (month) is {month}; expected 1..12")
        if not 1 <= hour <= 24:
            raise WeatherError(f"weather file {name!r}: line {i}, field 4 (hour) is {hour}; expected 1..24 (EPW "
                               f"hours end the hour: 1 is 00:00-01:00, 24 is 23:00-24:00)")
        days = 29 if month == 2 else calendar.monthrange(2001, month)[1]
        if not 1 <= day <= days:
            raise WeatherError(f"weather file {name!r}: line {i}, field 3 (day) is {day}; expected 1..{days} in "
                               f"month {month}")
        if month == 2 and day == 29 and not calendar.isleap(year):
            raise WeatherError(f"weather file {name!r}: line {i} is 29 February {year}, which is not a leap year; "
                               f"drop the 24 rows of 29 February (a typical year has 8760 hours) or give them "
                               f"the leap year their February comes from")


def _plain(exc: Exception) -> str:
    """A parser's error in plain words: its first line, pandas' tokenizer wording as fields and
    line, a missing column as such."""
    if isinstance(exc, KeyError):
        return f"the column {exc.args[0]!r} is missing"
    first = str(exc).strip().split("\n")[0]
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", first)
    if m:
        return f"a row has {m.group(3)} fields where {m.group(1)} were expected"
    return first[:160]


_RECORD_PERIOD = re.compile(r"Period of Record\s*=\s*(\d{4})\s*-\s*(\d{4})")


def record_period(text: str) -> str:
    """The period of record an EPW header's COMMENTS lines state, ``"2009-2023"``, else ``""``.

    Climate.OneBuilding.org's TMYx files say from which years their typical months were chosen
    (``COMMENTS 1,"NCEI ISD/ERA5 - #years=[15] Period of Record=2009-2023; Jan=2010; ..."``):
    the station's whole record, or a recent 15-year window whose climate is warmer
    (:func:`weather.interp.tmyx_window_offsets`). Only the eight header lines are read."""
    for line in text.split("\n", 8)[:8]:
        if line.startswith("COMMENTS"):
            m = _RECORD_PERIOD.search(line)
            if m and m.group(1) <= m.group(2):
                return f"{m.group(1)}-{m.group(2)}"
    return ""


def design_conditions(text: str) -> dict | None:
    """The climatic design conditions an EPW header's DESIGN CONDITIONS line carries, else None.

    Files of the EnergyPlus weather site and Climate.OneBuilding.org copy the ASHRAE Handbook
    of Fundamentals' climatic design information for the station, computed from its long
    hourly record (not from the typical year)::

        DESIGN CONDITIONS,1,<source>,[,]Heating,<coldest month>,<99.6 % DB>,<99 % DB>,...,
        Cooling,<hottest month>,<daily range>,<0.4 % DB>,<MCWB>,<1 % DB>,<MCWB>,<2 % DB>,...

    The cooling part goes on ``<0.4 % WB>,<MCDB>,<1 % WB>,<MCDB>,<2 % WB>,<MCDB>,...``.

    Returns ``source`` (the handbook the line names), ``heating_996_c``, ``heating_99_c``
    (dry-bulb the hours are below in only 0.4 % and 1 % of the year, the 99.6 % and 99 %
    conditions [°C]),
    ``cooling_04_c``, ``cooling_1_c``, ``cooling_2_c`` (dry-bulb exceeded in 0.4 %, 1 %, 2 %
    of the hours [°C]), ``wet_bulb_04_c``, ``wet_bulb_1_c``, ``wet_bulb_2_c`` (wet-bulb
    exceeded so [°C]; NaN where the line has none), ``coldest_month``, ``hottest_month``. Only
    the eight header lines are read."""
    for line in text.split("\n", 8)[:8]:
        if not line.startswith("DESIGN CONDITIONS"):
            continue
        f = [x.strip() for x in line.split(",")]
        if "Heating" not in f or "Cooling" not in f:
            return None
        h, c = f.index("Heating"), f.index("Cooling")
        try:
            out = {"source": f[2] if len(f) > 2 else "",
                   "coldest_month": int(float(f[h + 1])), "heating_996_c": float(f[h + 2]),
                   "heating_99_c": float(f[h + 3]), "hottest_month": int(float(f[c + 1])),
                   "cooling_04_c": float(f[c + 3]), "cooling_1_c": float(f[c + 5]),
                   "cooling_2_c": float(f[c + 7])}
        except (IndexError, ValueError):
            return None
        ok = (-60 < out["heating_996_c"] <= out["heating_99_c"] < 40
              and 0 < out["cooling_2_c"] <= out["cooling_1_c"] <= out["cooling_04_c"] < 55)
        if not ok:
            return None
        try:
            wb = {"wet_bulb_04_c": float(f[c + 9]), "wet_bulb_1_c": float(f[c + 11]),
                  "wet_bulb_2_c": float(f[c + 13])}
        except (IndexError, ValueError):
            wb = {}
        if not (wb and -20 < wb["wet_bulb_2_c"] <= wb["wet_bulb_1_c"] <= wb["wet_bulb_04_c"]
                <= out["cooling_04_c"]):
            wb = dict.fromkeys(("wet_bulb_04_c", "wet_bulb_1_c", "wet_bulb_2_c"), float("nan"))
        return {**out, **wb}
    return None


_LOCATION_NUMBERS = {6: ("latitude", "degrees north", -90, 90),
                     7: ("longitude", "degrees east", -180, 180),
                     8: ("time zone", "hours from UTC, e.g. 8 for China", -12, 14),
                     9: ("elevation", "metres", -1000, 9000)}
"""Numeric fields of the EPW LOCATION line (0-based after 'LOCATION'): name, unit, range."""


def _check_location_line(line: str, name: str) -> None:
    """The EPW LOCATION line has its ten fields and numbers where numbers belong."""
    fields = [f.strip() for f in line.rstrip("\r").split(",")]
    if len(fields) < 10:
        raise WeatherError(f"weather file {name!r}: the LOCATION line has {len(fields)} fields, "
                           f"expected 10 (LOCATION, city, state, country, source, WMO, latitude, "
                           f"longitude, time zone, elevation); got {line[:80]!r}")
    for i, (what, unit, lo, hi) in _LOCATION_NUMBERS.items():
        try:
            v = float(fields[i])
        except ValueError:
            v = float("nan")
        if not (lo <= v <= hi):
            raise WeatherError(f"weather file {name!r}: LOCATION field {i + 1} ({what}) is "
                               f"{fields[i]!r}; expected {unit}, {lo}..{hi}")


TMY3_FIRST_LINE = "the station's number, name, state, time zone, latitude, longitude and elevation"
"""What the first line of a TMY3 file holds (NREL TMY3 user's manual)."""


def _is_tmy3_station_line(line: str) -> bool:
    """Whether a first line is a TMY3 station line: seven or more fields, the fourth to seventh
    numbers."""
    fields = [f.strip().strip('"') for f in line.split(",")]
    try:
        [float(x) for x in fields[3:7]]
    except ValueError:
        return False
    return len(fields) >= 7


def _parse_tmy3(text: str, name: str):
    import pvlib

    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith("# ") and "\ntime," in text[:20000]:
        raise WeatherError(f"weather file {name!r}: a table written by 'twin weather' (a '#' header, then "
                           f"'time,ghi,...'), an output, not a weather file: give the weather file it was "
                           f"made from, or write the year as EPW (twin weather ... -o x.epw)")
    if not _is_tmy3_station_line(first):
        raise WeatherError(f"weather file {name!r}: neither an EPW file (its first line starts with "
                           f"'LOCATION,') nor a TMY3 file (its first line holds {TMY3_FIRST_LINE}); the "
                           f"first line is {first[:60]!r}")
    try:
        data, meta = pvlib.iotools.read_tmy3(io.StringIO(text), map_variables=True)
    except Exception as exc:
        raise WeatherError(f"weather file {name!r}: a TMY3 file whose data could not be read "
                           f"({_plain(exc)}); expected its second line to name the columns (Date "
                           f"(MM/DD/YYYY), Time (HH:MM), GHI (W/m^2), ...) and one row per hour") from None
    missing = [c for c in COLUMNS if c not in data.columns]
    if missing:
        raise WeatherError(f"weather file {name!r}: TMY3 columns {missing} missing")
    # pvlib labels TMY3 rows with the end of the hour (file hour h -> hh:00).
    start = data.index.tz_localize(None) - pd.Timedelta(hours=1)
    m, d, h = start.month.to_numpy(), start.day.to_numpy(), start.hour.to_numpy() + 1
    return (m, d, h, data[list(COLUMNS)].reset_index(drop=True).astype(float),
            dict(latitude=float(meta["latitude"]), longitude=float(meta["longitude"]),
                 elevation=float(meta["altitude"]), tz=float(meta["TZ"]),
                 station=str(meta.get("Name", "")), fmt="TMY3", data_source="",
                 wmo=str(meta.get("USAF", "")).strip()))


def shift_scores(ghi, dni, dhi, index, latitude, longitude, shifts=SHIFT_CANDIDATES_H):
    """Closure and night-irradiance diagnostics for whole-hour radiation shifts.

    For each shift s (positive = values moved s hours later) the radiation
    columns are rolled circularly and two tests are computed with the sun at
    the middle of each start-of-hour interval:

    * closure = sum(DHI + DNI cos z) / sum(GHI)  (ideal 1, reported),
    * hourly closure error = sum|GHI - DHI - DNI cos z| / sum(GHI)  (ideal 0),
    * night = sum(GHI in hours with the sun below the horizon the whole hour) / sum(GHI).

    The score is hourly closure error + night. The hour-by-hour error is used
    rather than the annual ratio because some files do not close even when
    aligned (DNI biased by 10-20 %), which moves the annual ratio in the same
    direction for every shift while the hourly error stays minimal at the true
    alignment.

    Parameters
    ----------
    ghi, dni, dhi : array-like
        Hourly irradiance [W/m2] on ``index``.
    index : pandas.DatetimeIndex
        Start-of-hour labels.
    latitude, longitude : float
        Site [deg].
    shifts : sequence of int
        Shifts to try [h].

    Returns
    -------
    pandas.DataFrame
        One row per shift: ``closure``, ``night``, ``score``.
    """
    ghi, dni, dhi = (np.nan_to_num(np.asarray(a, float)) for a in (ghi, dni, dhi))
    cz = np.clip(cos_zenith(index, latitude, longitude, 0.5), 0, None)
    up = hour_mean_cos_zenith(index, latitude, longitude) > 0
    rows = []
    for s in shifts:
        g, b, d = np.roll(ghi, s), np.roll(dni, s), np.roll(dhi, s)
        tot = g.sum()
        closure = (d + b * cz).sum() / tot if tot > 0 else np.nan
        night = g[~up].sum() / tot if tot > 0 else np.nan
        err = np.abs(g - d - b * cz).sum() / tot if tot > 0 else np.nan
        rows.append((s, closure, err, night, err + night))
    cols = ["shift_h", "closure", "closure_error", "night", "score"]
    return pd.DataFrame(rows, columns=cols).set_index("shift_h")


def detect_radiation_shift(ghi, dni, dhi, index, latitude, longitude):
    """Best whole-hour radiation shift [h] among :data:`SHIFT_CANDIDATES_H` and the diagnostics
    table.

    Zero is kept unless another shift lowers the score by more than
    :data:`SHIFT_MIN_GAIN`.
    """
    sc = shift_scores(ghi, dni, dhi, index, latitude, longitude)
    best = int(sc["score"].idxmin())
    if best != 0 and sc.loc[0, "score"] - sc.loc[best, "score"] <= SHIFT_MIN_GAIN:
        best = 0
    return best, sc


def _check_sun(data: pd.DataFrame, shift: int, sc: pd.DataFrame, index, info: dict,
               name: str) -> None:
    """Refuse a file whose irradiance does not fit the sun at its header's position and time
    zone, saying which header field to correct.

    Refused: more than :data:`NIGHT_MAX` of the GHI at night even after the shift repair
    (``shift``, scores ``sc`` of :func:`detect_radiation_shift`); or a header time zone other
    than UTC+8 whose data fit UTC+8 at least as well as the repair, more than
    :data:`HEADER_TIME_ZONE_SLACK_H` away: the whole file, temperature included, is then hours
    off, which the radiation
    repair would hide (Beijing's TMYx file labelled UTC+11 was read 3 h early with its
    radiation "repaired" to 1 h early). The shift of up to 12 h that fits the sun
    (:func:`shift_scores`) names the time zone the data were written in; UTC+8 is named when
    it fits about as well as the best (a file whose DNI does not close can fit one hour either
    side equally)."""
    night = sc.loc[shift, "night"]
    lat, lon, tz = info["latitude"], info["longitude"], info["tz"]
    china = int(round(tz - CHINA_UTC_OFFSET_H))
    limit = HEADER_TIME_ZONE_SLACK_H
    if not (night > NIGHT_MAX or abs(china) > limit):
        return
    wide = shift_scores(data["ghi"], data["dni"], data["dhi"], index, lat, lon,
                        shifts=range(-12, 13))
    best = int(wide["score"].idxmin())
    china_fits = -12 <= china <= 12 and wide.loc[china, "night"] <= NIGHT_MAX
    if china_fits and wide.loc[china, "score"] <= wide.loc[best, "score"] + WIDE_TIE_SCORE:
        best = china
    if night > NIGHT_MAX:
        where = (f"{100 * night:.0f} % of its GHI falls in hours when the sun is below the horizon "
                 f"at the header's position ({lat:.2f} N, {lon:.2f} E) and time zone (UTC{tz:+g})")
    elif china_fits and wide.loc[china, "score"] <= wide.loc[shift, "score"] + SHIFT_MIN_GAIN:
        where = (f"its irradiance fits the sun {abs(china)} h from the header's time zone "
                 f"(UTC{tz:+g}) at its position ({lat:.2f} N, {lon:.2f} E), more than the "
                 f"{limit} h a header's time zone is taken to be off by, and its other columns would be "
                 f"as far off")
    else:
        return  # written in another time zone and read correctly
    if lat == 0 and lon == 0:
        fix = ("latitude 0, longitude 0 is a placeholder, not a station: write the station's "
               "latitude and longitude in the LOCATION line (fields 7 and 8)")
    elif wide.loc[best, "night"] <= NIGHT_MAX:
        fix = (f"the irradiance fits the sun at this position with time zone UTC{tz - best:+g}: "
               f"correct the LOCATION line's time zone (field 9), or its latitude and longitude "
               f"(fields 7 and 8) if they are not the station's")
    else:
        fix = ("no time zone makes it fit: check the LOCATION line's latitude and longitude "
               "(fields 7 and 8; east and north positive) and its time zone (field 9)")
    raise WeatherError(f"weather file {name!r}: {where}; {fix}")


def shift_beyond_repair(ghi, dni, dhi, index, latitude, longitude, shift: int) -> tuple[int, float] | None:
    """The best shift past a repair at the edge of :data:`SHIFT_CANDIDATES_H` (on its side, up to
    :data:`SHIFT_BEYOND_H`) and its score (:func:`shift_scores`); ``None`` for a ``shift`` inside
    the search, which its neighbours on both sides bound."""
    edge = max(SHIFT_CANDIDATES_H)
    if abs(shift) < edge:
        return None
    side = 1 if shift > 0 else -1
    wide = shift_scores(ghi, dni, dhi, index, latitude, longitude,
                        shifts=[side * k for k in range(edge + 1, SHIFT_BEYOND_H + 1)])
    best = int(wide["score"].idxmin())
    return best, float(wide.loc[best, "score"])


def _check_beyond(beyond: tuple[int, float] | None, shift: int, sc: pd.DataFrame, name: str) -> list[str]:
    """Refuse a file whose radiation fits the sun better past the repair's edge
    (:func:`shift_beyond_repair`) than at the repaired ``shift`` (scores ``sc``); a note where it
    fits about as well there (within :data:`SHIFT_MIN_GAIN`)."""
    if beyond is None:
        return []
    far, score = beyond
    edge = max(SHIFT_CANDIDATES_H)
    way = "later" if far > 0 else "earlier"
    if sc.loc[shift, "score"] - score > SHIFT_MIN_GAIN:
        raise WeatherError(
            f"weather file {name!r}: its radiation columns (GHI, DNI, DHI) fit the sun at its position "
            f"best moved {abs(far)} h {way}, more than the {edge} h the reader repairs (closure "
            f"{sc.loc[0, 'closure']:.3f} as written); expected hour-ending values in the header's time "
            f"zone: check the file's hours (field 4) and the LOCATION line's time zone (field 9), or move "
            f"the radiation columns")
    if score > sc.loc[shift, "score"] + SHIFT_MIN_GAIN:
        return []  # the optimum lies inside the search
    return [f"the radiation shift of {edge} h is the edge of the {min(SHIFT_CANDIDATES_H):+d}..{edge:+d} h "
            f"search: {abs(far)} h {way} fits about as well (score {score:.3f} against "
            f"{sc.loc[shift, 'score']:.3f}), so the radiation may still be an hour off: check the file's "
            f"hours and time zone"]


def radiation_centroid_offset(ghi, index, latitude, longitude) -> float:
    """Timing offset of hourly GHI against clear-sky GHI [h] (positive = data late).

    Per day, the GHI-weighted mean clock time of the hour centres is compared with the
    same mean weighted by Haurwitz clear-sky GHI (sun at mid-hour); the differences
    are averaged with the daily GHI as weights. An aligned file gives about 0; a file
    whose values are centred half an hour after their interval gives +0.5.

    Parameters
    ----------
    ghi : array-like
        Hourly GHI [W/m2] on ``index`` (8760 start-of-hour labels).
    index : pandas.DatetimeIndex
    latitude, longitude : float
        Site [deg].
    """
    from .solar import haurwitz_ghi

    g = np.clip(np.nan_to_num(np.asarray(ghi, float)), 0, None)
    cs = haurwitz_ghi(cos_zenith(index, latitude, longitude, 0.5))
    nd = len(g) // 24
    G, C = g[: nd * 24].reshape(nd, 24), cs[: nd * 24].reshape(nd, 24)
    h = np.arange(24) + 0.5
    ok = (G.sum(1) > 0) & (C.sum(1) > 0)
    t_obs = (G[ok] * h).sum(1) / G[ok].sum(1)
    t_cs = (C[ok] * h).sum(1) / C[ok].sum(1)
    w = G[ok].sum(1)
    return float(((t_obs - t_cs) * w).sum() / w.sum()) if ok.any() else 0.0


def shift_fractional(x, shift_h: float) -> np.ndarray:
    """Hourly series moved ``shift_h`` hours later (negative = earlier), circularly.

    Fractional shifts interpolate linearly between neighbouring hours.
    """
    x = np.asarray(x, float)
    k = int(np.floor(shift_h))
    f = shift_h - k
    return (1 - f) * np.roll(x, k) + f * np.roll(x, k + 1)


def enforce_closure(ghi, dhi, cosz):
    """DNI and DHI that close exactly with GHI [W/m2].

    DNI = (GHI - DHI) / cos z (capped at 1400 W/m2) with the sun above 5 deg,
    else DNI = 0 and DHI = GHI.

    Returns
    -------
    dni, dhi : numpy.ndarray
    """
    hi = cosz >= _MIN_COSZ_DNI
    dni_new = np.where(hi, np.clip(ghi - dhi, 0, None) / np.where(hi, cosz, 1), 0.0)
    dni_new = np.minimum(dni_new, 1400.0)
    dhi_new = np.where(hi, np.minimum(dhi, ghi), ghi)
    return dni_new, dhi_new


def months_without_beam(ghi, dni, cosz, months) -> list[int]:
    """Months (1-12) whose beam on the horizontal is below :data:`NO_BEAM_SHARE` of their GHI.

    ``ghi``, ``dni`` [W/m2] and ``cosz`` (cosine of the zenith at mid-interval) hourly,
    ``months`` the month of each hour."""
    months = np.asarray(months)
    g = np.bincount(months, weights=np.asarray(ghi, float), minlength=13)[1:]
    beam = np.bincount(months, weights=np.asarray(dni, float) * np.clip(cosz, 0, None),
                       minlength=13)[1:]
    return [int(m) + 1 for m in np.flatnonzero((g > 0) & (beam < NO_BEAM_SHARE * g))]


def split_missing_beam(ghi, dni, dhi, index, latitude, longitude):
    """DNI and DHI with the months that carry no beam (:func:`months_without_beam`) split again
    from GHI by the Erbs et al. (1982) correlation (:func:`weather.solar.erbs_diffuse`), DNI
    closing exactly with GHI; the other months as given [W/m2].

    Returns
    -------
    dni, dhi : numpy.ndarray
    months : list of int
        The months split again (empty: nothing changed).
    """
    ghi, dni, dhi = (np.asarray(x, float) for x in (ghi, dni, dhi))
    cz = cos_zenith(index, latitude, longitude, 0.5)
    months = months_without_beam(ghi, dni, cz, index.month)
    if not months:
        return dni, dhi, []
    dhi_e = np.minimum(erbs_diffuse(ghi, cz, index.dayofyear.to_numpy()), ghi)
    dni_e, dhi_e = enforce_closure(ghi, dhi_e, cz)
    sel = np.isin(index.month, months)
    return np.where(sel, dni_e, dni), np.where(sel, dhi_e, dhi), months


def beam_note(months) -> str:
    """The note of :func:`read_weather_file` for months split again by
    :func:`split_missing_beam`."""
    return (f"no direct sun in month{'s' if len(months) > 1 else ''} "
            f"{', '.join(map(str, months))} of the file (DNI zero, all "
            f"GHI given as diffuse: a gap of the file, not weather; beam under "
            f"{100 * NO_BEAM_SHARE:g} % of GHI): DNI and DHI there split from GHI by the Erbs "
            f"et al. (1982) correlation")


def read_weather_file(path, year: int = 2025, repair_shift: bool = True,
                      closure_tolerance: float | None = CLOSURE_TOLERANCE,
                      repair_beam: bool = True):
    """Read an EPW (``.epw``/``.epw.gz``, or the ``.zip`` archive Climate.OneBuilding.org
    distributes) or TMY3 CSV file onto the model year.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; gzip-compressed files and zip archives (their one ``.epw``, or without one their
        one ``.csv``: :data:`ZIP_WEATHER_SUFFIXES`) are detected by content.
    year : int
        Model year; see :func:`weather.hourly_index`.
    repair_shift : bool
        Detect and undo a whole-hour shift of the radiation columns
        (:func:`detect_radiation_shift`); the result is reported in ``meta.notes``.
    closure_tolerance : float or None
        If the annual closure sum(DHI + DNI cos z)/sum(GHI) after shift repair is
        further than this from 1, DNI is recomputed from GHI and DHI (GHI taken
        as the primary quantity) and a note says so; ``None`` disables this [-].
    repair_beam : bool
        Split GHI again into DNI and DHI in months that carry no direct sun at all (DNI zero,
        all GHI as DHI: :func:`split_missing_beam`); a note names the months.

    Returns
    -------
    df : pandas.DataFrame
        ``ghi, dni, dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s],
        ``relative_humidity`` [%] on ``hourly_index(year)``.
    meta : WeatherMeta
        ``source="file"``; notes say what was repaired.

    Raises
    ------
    WeatherError
        Missing, unreadable or malformed file, wrong number of hours, values
        out of physical range.
    """
    path = Path(path)
    index = hourly_index(year)
    text, sha, member = _read_text(path)
    name = path.name
    is_epw = text.startswith("LOCATION")
    m, d, h, data, info = (_parse_epw if is_epw else _parse_tmy3)(text, name)

    keep = ~((m == 2) & (d == 29))
    m, d, h, data = m[keep], d[keep], h[keep], data[keep].reset_index(drop=True)
    exp = _expected_mdh()
    if len(data) != 8760:
        n = min(len(data), 8760)
        got = np.stack([m[:n], d[:n], h[:n]], axis=1)
        off = np.flatnonzero((got != exp[:n]).any(axis=1))
        where = ""
        key = (m * 100 + d) * 100 + h
        if len(data) in (17520, 35040) and (np.diff(key) == 0).mean() > 0.4:  # each hour on consecutive rows
            per = len(data) // 8760
            where = (f": {per} rows per hour ({60 // per}-minute steps); average them to hourly means, one row "
                     f"per hour")
        elif off.size:
            i = int(off[0])
            where = (f": data row {i + 1} is month/day/hour {tuple(map(int, got[i]))} where "
                     f"{tuple(map(int, exp[i]))} was expected (a day repeated or left out there?)")
        elif len(data) < 8760:
            where = f": the rows stop at month/day/hour {tuple(map(int, exp[n - 1]))} (a truncated file?)"
        else:
            where = (f": after 31 December hour 24 the rows go on from data row 8761 (month/day/hour "
                     f"{(int(m[8760]), int(d[8760]), int(h[8760]))}; a second year, or rows repeated?)")
        raise WeatherError(f"weather file {name!r}: expected 8760 hourly rows (8784 with "
                           f"29 February), found {len(data)}{' without 29 February' if (~keep).any() else ''}"
                           f"{where}")
    got = np.stack([m, d, h], axis=1)
    bad = np.flatnonzero((got != exp).any(axis=1))
    if bad.size:
        i = int(bad[0])
        raise WeatherError(f"weather file {name!r}: row {i + 1} of the data is month/day/hour "
                           f"{tuple(map(int, got[i]))}, expected {tuple(map(int, exp[i]))} (hour-ending 1..24, "
                           f"one typical year in calendar order)")
    notes: list[str] = []
    lat, lon = info["latitude"], info["longitude"]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise WeatherError(f"weather file {name!r}: header latitude/longitude {lat}, {lon} "
                           f"out of range")

    for col in COLUMNS:
        s = data[col].astype(float)
        lo, hi = _RANGES[col]
        n_out = int(((s < lo) | (s > hi)).sum())
        if n_out > 0.01 * len(s):
            first = int(np.flatnonzero(((s < lo) | (s > hi)).to_numpy())[0])
            v = float(s.iloc[first])
            code = (f"; {v:g} looks like a missing-value code: leave such fields empty or write the "
                    f"format's own code (EPW: {_EPW_MISSING[col]:g}), and at most 10 % of the hours may be missing"
                    if v in (-999, -9999, -99.9, -99, 999, 9999, -999.9) else "")
            raise WeatherError(f"weather file {name!r}: column {col!r} has {n_out} values outside [{lo}, {hi}] "
                               f"(expected {_UNITS[col]}; the first at data row {first + 1}: {v:g}){code}")
        s = s.where((s >= lo) & (s <= hi))
        n_nan = int(s.isna().sum())
        if n_nan > 0.1 * len(s):
            raise WeatherError(f"weather file {name!r}: column {col!r} has {n_nan} missing "
                               f"values (more than 10 %)")
        if n_nan:
            s = s.interpolate(limit_direction="both")
            notes.append(f"{col}: {n_nan} missing/out-of-range values filled by linear "
                         f"interpolation")
        data[col] = s.clip(lower=lo, upper=min(hi, 100.0) if col == "relative_humidity" else hi)

    tz_shift = CHINA_UTC_OFFSET_H - info["tz"]
    roll = int(round(tz_shift))
    if roll:
        data = pd.DataFrame(np.roll(data.to_numpy(), roll, axis=0), columns=data.columns)
        notes.append(f"file time zone UTC{info['tz']:+g} moved to Asia/Shanghai (UTC+8): "
                     f"all columns {roll:+d} h (circular over the typical year)")
    if abs(tz_shift - roll) > 1e-6:
        notes.append(f"file time zone UTC{info['tz']:+g} is not a whole-hour offset from "
                     f"UTC+8; rounded to {roll:+d} h")

    method = "labels: EPW/TMY3 hour-ending h -> start-of-hour h-1, local standard time"
    if not float(data["ghi"].sum()) > 0:
        raise WeatherError(f"weather file {name!r}: GHI (global horizontal irradiance) is zero "
                           f"in every hour; expected a year of measured or modelled irradiance")
    annual = float(data["ghi"].sum()) / 1000
    if annual < MIN_ANNUAL_GHI_KWH_M2:
        peak = float(data["ghi"].max())
        raise WeatherError(f"weather file {name!r}: annual GHI (global horizontal irradiance) {annual:.4g} kWh/m2, "
                           f"highest hour {peak:.4g} W/m2; expected hourly mean irradiance in W/m2 (a year in "
                           f"China has 900-2300 kWh/m2, noon peaks of 800-1100 W/m2): the radiation columns look "
                           f"like another unit — multiply kW/m2 by 1000, MJ/m2 per hour by 277.8")
    if repair_shift:
        shift, sc = detect_radiation_shift(data["ghi"], data["dni"], data["dhi"], index, lat, lon)
        _check_sun(data, shift, sc, index, info, name)
        beyond = shift_beyond_repair(data["ghi"], data["dni"], data["dhi"], index, lat, lon, shift)
        edge_note = _check_beyond(beyond, shift, sc, name)
        c0, n0 = sc.loc[0, "closure"], sc.loc[0, "night"]
        if shift:
            for col in ("ghi", "dni", "dhi"):
                data[col] = np.roll(data[col].to_numpy(), shift)
            c1, n1 = sc.loc[shift, "closure"], sc.loc[shift, "night"]
            notes.append(f"radiation columns shifted {abs(shift)} h "
                         f"{'later' if shift > 0 else 'earlier'}: closure {c0:.3f} -> {c1:.3f}, "
                         f"GHI with sun below horizon {100 * n0:.1f} % -> {100 * n1:.1f} %")
            notes.extend(edge_note)
        else:
            notes.append(f"radiation time alignment checked, no shift needed: closure {c0:.3f}, "
                         f"GHI with sun below horizon {100 * n0:.1f} %")
        method += (f"; radiation shift {shift:+d} h (closure/night test over {min(SHIFT_CANDIDATES_H):+d}.."
                   f"{max(SHIFT_CANDIDATES_H):+d} h)")
        closure = sc.loc[shift, "closure"]
        if closure_tolerance is not None and abs(closure - 1) > closure_tolerance:
            cz = cos_zenith(index, lat, lon, 0.5)
            dni, dhi = enforce_closure(data["ghi"].to_numpy(), data["dhi"].to_numpy(), cz)
            data["dni"], data["dhi"] = dni, dhi
            c2 = shift_scores(data["ghi"], dni, dhi, index, lat, lon, shifts=(0,))
            notes.append(f"GHI, DNI and DHI do not close (closure {closure:.3f}, tolerance "
                         f"{closure_tolerance}): DNI recomputed as (GHI - DHI)/cos z, "
                         f"closure now {c2.loc[0, 'closure']:.3f}")
            method += "; DNI recomputed from GHI and DHI (closure)"
    if repair_beam:
        dni, dhi, months = split_missing_beam(data["ghi"], data["dni"], data["dhi"], index,
                                              lat, lon)
        if months:
            data["dni"], data["dhi"] = dni, dhi
            notes.append(beam_note(months))
            method += "; DNI and DHI split from GHI (Erbs) in months without beam " + \
                ", ".join(map(str, months))
    df = pd.DataFrame(data.to_numpy(dtype=float), index=index, columns=list(COLUMNS))
    meta = WeatherMeta(latitude=lat, longitude=lon, elevation=info["elevation"], source="file",
                       elevation_source="file",
                       reference_city=None, distance_km=0.0, expected_uncertainty=None,
                       notes=notes, seed=None,
                       provenance={"file": name, "sha256": sha, "format": info["fmt"],
                                   "station": info["station"], "data_source": info["data_source"],
                                   "wmo": info["wmo"], "method": method})
    if info.get("record_period"):
        meta.provenance["record_period"] = info["record_period"]
    own = park_twin_provenance(text) if is_epw else {}
    if own:  # a synthetic year this tool wrote: compared with what it was made from
        meta.provenance["park_twin"] = own
    if member is not None:
        meta.provenance["archive_member"] = member  # the sha256 is this member's
    return df, meta


EPW_SOURCE_FLAGS = "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"
"""Data source and uncertainty flags of every written EPW row (field 6): not from a station
(EnergyPlus reads them as text)."""

EPW_MISSING_BEFORE_WIND = "999999,999999,999999,9999,999"
"""EPW's missing-value codes of the three illuminances, zenith luminance and wind direction,
which a typical year of this tool does not carry (EnergyPlus substitutes its defaults, e.g.
wind direction 180 deg)."""

EPW_MISSING_AFTER_WIND = "99,99,9999,99999,9,999999999,999,.999,999,99,999,999,99"
"""EPW's missing-value codes of sky cover (total, opaque), visibility, ceiling height, present
weather (observation, codes), precipitable water, aerosol optical depth, snow depth, days since
snow, albedo and liquid precipitation (depth, quantity); EnergyPlus takes e.g. sky cover 5/10."""


def dew_point(temp_air, relative_humidity) -> np.ndarray:
    """Dew point over water [degC] from air temperature [degC] and relative humidity [%]
    (Magnus form, coefficients of Alduchov & Eskridge 1996: 17.625, 243.04 degC)."""
    a, b = 17.625, 243.04
    t = np.asarray(temp_air, float)
    g = np.log(np.clip(np.asarray(relative_humidity, float), 1.0, 100.0) / 100.0) + a * t / (b + t)
    return b * g / (a - g)


def station_pressure(elevation_m: float) -> float:
    """Atmospheric pressure of the ICAO standard atmosphere at ``elevation_m`` [Pa]."""
    return 101325.0 * (1.0 - 2.25577e-5 * elevation_m) ** 5.25588


def _epw_field(text: str) -> str:
    """A header text as one EPW field: ASCII (other characters dropped), a comma written as ';'
    (it would end the field), no line breaks."""
    return "".join(c if c.isascii() and c not in ",\n\r" else ";" if c == "," else "" for c in str(text)).strip() or "-"


def epw_text(df: pd.DataFrame, meta: WeatherMeta, name: str, comment: str = "",
             source: str = "park-twin synthetic", wmo: str = "-", state: str = "-") -> str:
    """An hourly year of this tool as an EPW file (EnergyPlus weather format), readable back by
    :func:`read_weather_file` to the values written.

    Rows are labelled hour-ending in UTC+8 (the start-of-hour label plus one hour: EPW's
    convention); written are dry-bulb and dew-point temperature (:func:`dew_point`), relative
    humidity, station pressure at the site's elevation (:func:`station_pressure`; the year
    carries none), extraterrestrial horizontal and normal irradiation, GHI, DNI, DHI and wind
    speed; the rest as EPW's missing codes (:data:`EPW_MISSING_BEFORE_WIND`,
    :data:`EPW_MISSING_AFTER_WIND`). The header has no design
    conditions or ground temperatures.

    Parameters
    ----------
    df : pandas.DataFrame
        ``ghi, dni, dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s],
        ``relative_humidity`` [%] on :func:`weather.hourly_index`.
    meta : WeatherMeta
        Position, elevation (LOCATION line).
    name : str
        Site name for the LOCATION line (ASCII kept, commas replaced).
    comment : str
        Provenance for the COMMENTS 1 line.
    source, wmo, state : str
        Data-source, WMO and state fields of the LOCATION line (a re-written file keeps its
        dataset there, :func:`weather.validation.file_dataset` reads it).
    """
    idx = df.index
    if len(df) != 8760:
        raise WeatherError(f"epw_text: expected 8760 hourly rows, got {len(df)}")
    lat, lon, z = meta.latitude, meta.longitude, meta.elevation
    cz = hour_mean_cos_zenith(idx, lat, lon)
    e0 = extra_radiation(idx)
    etr = np.where(cz > 0, e0 * cz, 0.0)
    etrn = np.where(cz > 0, e0, 0.0)
    t = df["temp_air"].to_numpy(float)
    rh = np.clip(df["relative_humidity"].to_numpy(float), 0.0, 100.0)
    td = np.minimum(dew_point(t, rh), t)
    p = station_pressure(z)
    first = idx[0]
    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[first.weekday()]
    head = [f"LOCATION,{_epw_field(name)},{_epw_field(state)},CHN,{_epw_field(source)},{_epw_field(wmo)},"
            f"{lat:.4f},{lon:.4f},8.0,"
            f"{z:.1f}",
            "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
            "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
            f"COMMENTS 1,{_epw_field(comment)}",
            "COMMENTS 2,hour-ending values in UTC+8; missing fields carry EPW's missing codes",
            f"DATA PERIODS,1,1,Data,{weekday},1/1,12/31"]
    ghi, dni, dhi = (np.rint(df[c].to_numpy(float)).astype(int) for c in ("ghi", "dni", "dhi"))
    ws = df["wind_speed"].to_numpy(float)
    rows = []
    for k in range(len(df)):
        s0 = idx[k]  # hour-ending label: the hour starting at 23:00 is hour 24 of its day
        rows.append(f"{s0.year},{s0.month},{s0.day},{s0.hour + 1},0,{EPW_SOURCE_FLAGS},{t[k]:.1f},{td[k]:.1f},"
                    f"{rh[k]:.0f},{p:.0f},{etr[k]:.0f},{etrn[k]:.0f},9999,{ghi[k]},{dni[k]},{dhi[k]},"
                    f"{EPW_MISSING_BEFORE_WIND},{ws[k]:.1f},{EPW_MISSING_AFTER_WIND}")
    return "\n".join(head + rows) + "\n"


PARK_TWIN_SOURCE = "park-twin synthetic"
"""Data-source field of the LOCATION line of a synthetic year this tool wrote."""

ZONE_WORDS = {"severe_cold": "severe cold", "cold": "cold", "hscw": "hot summer and cold winter",
              "hsww": "hot summer and warm winter", "mild": "mild"}
"""GB 50176-2016 first-level zones in English for an EPW header (ASCII, no commas)."""


def _zone_words(zone: dict) -> str:
    """``climate_zone=cold-A (GB 50176-2016 cold A: HDD18 2695 and CDD26 89 K d, ...)`` of a
    year's :attr:`WeatherMeta.climate_zone`."""
    key, letter = zone.get("key", ""), zone.get("subzone", "")[-1:]
    if not key:
        return ""
    head = (f"climate_zone={key}-{letter} (GB 50176-2016 {ZONE_WORDS.get(key, key)} {letter}: HDD18 "
            f"{zone['hdd18']:.0f} and CDD26 {zone['cdd26']:.0f} K d")
    if "year_hdd18" not in zone:  # a file: its own year's, not a climate's (no key=value item)
        return head.replace(f"climate_zone={key}-{letter} (", f"climate zone of this year {key}-{letter} (") + ")"
    from .climate_zone import ZONE_KEYS

    year = zone["year_subzone"]
    year_key = ZONE_KEYS[year.rstrip("ABC")]
    return (head + f" - the mean of 16 synthetic years of the site's climate; this year alone HDD18 "
            f"{zone['year_hdd18']:.0f} and CDD26 {zone['year_cdd26']:.0f}: {year_key}-{year[-1:]})")


def _station_words(s: dict) -> str:
    return f"{s['id']} {s['name']} {s['dataset']} {s['distance_km']:.0f} km {s.get('role', '')}".strip()


def epw_comment(meta: WeatherMeta, tool: str) -> str:
    """The provenance of a year ``twin weather`` writes as EPW, for its ``COMMENTS 1`` line.

    A synthetic year: the place, how it was made (``source=synthetic-city`` with
    ``station=<id>`` whose own statistics it is, or ``source=synthetic-site``), elevation and its
    source, ``radiation_basis=``, ``temperature_period=``, ``seed=``, the stated uncertainties,
    ``climate_zone=`` (the site's, and this year's own degree days beside it) and every station
    used with its distance and role. A re-written file: the file and its sha256, its ``Period of
    Record=`` (read by :func:`record_period`), how it was read and its year's zone. ``key=value``
    items are read back by :func:`park_twin_provenance`."""
    zone = _zone_words(meta.climate_zone)
    prov = meta.provenance
    if meta.source == "file":
        member = f" (archive member {prov['archive_member']})" if prov.get("archive_member") else ""
        made = prov.get("park_twin") or {}  # a year this tool wrote: what it was made from, carried on
        parts = [f"re-written by {tool} from the weather file {prov.get('file', '')}{member} (sha256 "
                 f"{prov.get('sha256', '')[:16]})",
                 *([f"Period of Record={prov['record_period']}"] if prov.get("record_period") else []),
                 *([("that file's own provenance: " + " ".join(f"{k}={v}" for k, v in made.items()))]
                   if made else []),
                 f"read with: {prov.get('method', '')}",
                 "GHI uncertainty: not stated (a weather file)", zone]
        return "; ".join(p for p in parts if p)
    where = (f"place {prov['place']} ({prov.get('province', '')}"
             + (f" division code {prov['division_code']}" if prov.get("division_code") else "") + ")"
             if prov.get("place") else "site")
    if meta.source == "synthetic-city":
        own = meta.stations[0]
        how = f"source=synthetic-city: the own statistics of station={own['id']} ({own['name']} {own['dataset']})"
    else:
        how = "source=synthetic-site: interpolated between the stations listed"
    unc_z = (f" +-{meta.elevation_uncertainty_m:.0f} m" if meta.elevation_uncertainty_m else "")
    lo, hi = (meta.radiation_basis_range or [0.0, 0.0])[:2]
    unc_t = (f"expected annual mean temperature uncertainty {meta.expected_temperature_uncertainty_k:.1f} K"
             if meta.expected_temperature_uncertainty_k is not None
             else "annual mean temperature: the station's own (no interpolation uncertainty)")
    parts = [f"{tool} synthetic typical year (weather/VALIDATION.md)",
             f"{where} {meta.latitude:.4f}N {meta.longitude:.4f}E {meta.elevation:.0f} m (elevation from "
             f"{meta.elevation_source}{unc_z})", how,
             f"radiation_basis={meta.radiation_basis} (published operating PV yields {100 * lo:+.0f} % to "
             f"{100 * hi:+.0f} % from the yield modelled on it)",
             f"temperature_period={meta.temperature_period}", f"seed={meta.seed}",
             f"expected annual GHI uncertainty {100 * (meta.expected_uncertainty or 0.0):.0f} %", unc_t, zone,
             _design_words(meta.design_temperatures),
             "stations used (id name dataset distance role): "
             + "; ".join(_station_words(s) for s in meta.stations)]
    return "; ".join(p for p in parts if p)


def epw_location(meta: WeatherMeta) -> dict[str, str]:
    """The LOCATION fields ``name``, ``state``, ``source`` and ``wmo`` of a year ``twin weather``
    writes as EPW: a re-written file keeps its station, dataset and WMO number; a synthetic year
    is named by the place it was asked for in Latin letters (Xi'an, Jiangdu; its coordinates
    for bare latitude/longitude), a station's own statistics carry its WMO number."""
    prov = meta.provenance
    if meta.source == "file":
        return {"name": prov.get("station") or "file", "state": "-",
                "source": f"{prov.get('data_source') or 'file'} via park-twin", "wmo": prov.get("wmo") or "-"}
    name = prov.get("place") or f"site {meta.latitude:.2f}N {meta.longitude:.2f}E"
    wmo = "-"
    if meta.source == "synthetic-city":
        from .stations import station_table

        wmo = str(station_table().loc[meta.stations[0]["id"], "wmo"])
    return {"name": name, "state": prov.get("province") or "-", "source": PARK_TWIN_SOURCE, "wmo": wmo}


def epw_of_year(df: pd.DataFrame, meta: WeatherMeta, tool: str) -> str:
    """A year of :func:`weather.site_weather` as the EPW file ``twin weather -o x.epw`` writes:
    :func:`epw_text` with :func:`epw_location` and :func:`epw_comment` (``tool`` names the
    writer, e.g. ``"park-twin 0.1.0"``)."""
    loc = epw_location(meta)
    return epw_text(df, meta, loc["name"], epw_comment(meta, tool), source=loc["source"], wmo=loc["wmo"],
                    state=loc["state"])


_PARK_TWIN_KEYS = re.compile(r"\b(source|station|radiation_basis|temperature_period|seed|climate_zone|"
                             r"design_\w+)=([\w.+-]+)")


def _design_words(dt: dict) -> str:
    """The design conditions of a synthetic year's climate in its EPW comment, read back by
    :func:`park_twin_provenance` (a run on the written file keeps the climate's design values):
    ``design_<key>=<value>`` for each value of ``WeatherMeta.design_temperatures`` but the
    spreads over the years."""
    if not dt or dt.get("years", 1) <= 1:
        return ""
    values = " ".join(f"design_{k}={v:.2f}" for k, v in dt.items()
                      if k != "years" and not k.endswith("_sd_k") and v is not None)
    return (f"GB 50736-2012 outdoor design conditions of the site's climate (mean of {dt['years']} synthetic "
            f"years; heating_c the 6th-coldest daily mean; cooling_c the 51st-hottest hour; wet_bulb_c the "
            f"51st-highest wet-bulb hour): {values} design_years={dt['years']}")


def park_twin_provenance(text: str) -> dict[str, str]:
    """What a synthetic year this tool wrote as EPW says of itself (:func:`epw_comment`):
    ``source`` (synthetic-city / synthetic-site), ``station`` (whose own statistics),
    ``radiation_basis``, ``temperature_period``, ``seed``, ``climate_zone`` (``cold-A``),
    ``design_heating_c``, ``design_cooling_c``, ``design_wet_bulb_c``, ... ``design_years`` (the
    climate's design conditions, :func:`_design_words`); empty for any other file. Only the eight header lines are read."""
    head = text.split("\n", 8)[:8]
    if not head or PARK_TWIN_SOURCE not in head[0]:
        return {}
    for line in head:
        if line.startswith("COMMENTS 1"):
            return dict(_PARK_TWIN_KEYS.findall(line))
    return {}
