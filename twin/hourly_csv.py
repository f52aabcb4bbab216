"""One reader for the user's hourly CSV series (loads, waste heat, grid emission factors).

``twin validate`` and ``twin run`` read every series through :func:`read_hourly_csv`, so
a file that validates is read the same way by the run. Accepted layouts:

* one value column (named as asked, e.g. ``p_kw``, or the only numeric column), with or
  without a time column (``time``, ``timestamp``, ``datetime``, ``date``, ``时间``);
* comma, semicolon or tab separated; with a semicolon or tab separator a decimal comma
  (``12,5``) is read as a decimal point; UTF-8 (with or without BOM) or GBK/GB18030 text;
  lines starting with ``#`` are comments;
* 8,760 hourly rows; 35,040 quarter-hour rows (96 points a day, as Chinese meters record
  them), averaged to hourly means (the hour's four quarter-hour powers [kW]); leap-year
  files with 8,784 hourly or 35,136 quarter-hour rows, whose 29 February is dropped
  (the rows dated 29 February by the time column, else the 60th day of the file).

A time column, when present, must be increasing at a constant step, start on 1 January
at 00:00 (start-of-interval labels) or one step later (end-of-interval labels, as
``00:15`` … ``24:00`` meter exports), and be local time of Asia/Shanghai: times without
an offset are taken as local time, times with an offset must carry ``+08:00``.

Values must be finite, non-negative numbers and not all zero. Anything else raises
:class:`SeriesError` naming the file, the row or column, and what is expected.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

#: Column names recognised as the time column (lower case).
TIME_COLUMNS = ("time", "timestamp", "datetime", "date", "date_time", "时间", "日期时间")

HOURS_PER_YEAR = 8760
QUARTERS_PER_HOUR = 4


class SeriesError(ValueError):
    """A CSV series that cannot be used; the message names the file and what is expected."""


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", raw, 0, 1, "neither UTF-8 nor GB18030")  # pragma: no cover


def _dialect(text: str) -> tuple[str, str]:
    """Separator and decimal mark of a CSV text, from its first non-comment line."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    head = lines[0] if lines else ""
    counts = {sep: head.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=counts.get) if max(counts.values()) > 0 else ","
    decimal = "."
    if sep != ",":
        sample = "\n".join(lines[1:50])
        if re.search(r"\d,\d", sample):
            decimal = ","
    return sep, decimal


def _read_frame(path: Path, expectation: str):
    import pandas as pd

    if path.is_dir():
        raise SeriesError(f"{path}: is a folder; expected {expectation}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SeriesError(f"{path}: file not found (expected {expectation})") from None
    except OSError as exc:
        raise SeriesError(f"{path}: cannot be read ({exc.strerror or exc}); expected {expectation}") from None
    if raw[:2] == b"\x1f\x8b" or b"\x00" in raw[:4096]:
        raise SeriesError(f"{path}: binary or compressed data; expected {expectation} as plain text")
    text = _decode(raw)
    if not text.strip():
        raise SeriesError(f"{path}: the file is empty; expected {expectation}")
    sep, decimal = _dialect(text)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, decimal=decimal, comment="#", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise SeriesError(f"{path}: no data rows; expected {expectation}") from None
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise SeriesError(f"{path}: not a readable CSV ({msg}); expected {expectation}") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df, sep, decimal


def _as_written(path: Path, column: str, row: int, sep: str, decimal: str, parsed) -> str:
    """The text of data row ``row`` of ``column`` as the file holds it: pandas reads 'n/a',
    'NA', '-' and the like as missing, which a message must not call an empty cell."""
    import pandas as pd

    try:
        df = pd.read_csv(io.StringIO(_decode(path.read_bytes())), sep=sep, decimal=decimal, comment="#",
                         skipinitialspace=True, dtype=str, keep_default_na=False)
        df.columns = [str(c).strip() for c in df.columns]
        return str(df[column].iloc[row])
    except (OSError, ValueError, KeyError, IndexError, pd.errors.ParserError):
        return "" if isinstance(parsed, float) and np.isnan(parsed) else str(parsed)


def _where(path: Path, row: int) -> str:
    """``line L (data row N)`` for data row ``row`` (0-based) of a CSV file: the line a planner finds
    in an editor, counting the header, comment lines (``#``) and blank lines the reader skips;
    ``data row N`` alone when the file cannot be read again."""
    try:
        lines = _decode(path.read_bytes()).splitlines()
    except OSError:
        return f"data row {row + 1}"
    idx = -1  # the header is the first line with content
    for k, line in enumerate(lines, 1):
        if not line.split("#", 1)[0].strip():
            continue
        if idx == row:
            return f"line {k} (data row {row + 1})"
        idx += 1
    return f"data row {row + 1}"


def _cell_text(text: str, decimal: str) -> str:
    """How a message names a cell that is not a finite number >= 0: 'empty', the number (-5,
    inf) or the text as written ('n/a')."""
    t = text.strip()
    if not t:
        return "empty"
    try:
        return f"{float(t.replace(',', '.') if decimal == ',' else t):g}"
    except ValueError:
        return repr(t)


def _time_column(df) -> str | None:
    for c in df.columns:
        if c.lower() in TIME_COLUMNS:
            return c
    return None


def _parse_times(path: Path, df, tcol: str):
    """Timestamps of the time column as naive Asia/Shanghai local time."""
    import pandas as pd

    s = df[tcol].astype(str).str.strip()
    try:
        t = pd.to_datetime(s, format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        # mixed offsets end here too
        msg = str(exc).splitlines()[0]
        raise SeriesError(f"{path}: column '{tcol}' is not a readable date-time column ({msg}); "
                          "expected times like 2025-01-01 00:00 in Asia/Shanghai local time") from None
    if t.dt.tz is not None:
        off = t.iloc[0].utcoffset()
        if off != pd.Timedelta(hours=8):
            raise SeriesError(f"{path}: column '{tcol}' is in UTC{_fmt_offset(off)}; expected local time "
                              "of Asia/Shanghai (UTC+08:00): convert the times, or drop the offset if they "
                              "are already local")
        t = t.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return pd.DatetimeIndex(t)


def _fmt_offset(off) -> str:
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    return f"{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"


def _check_times(path: Path, t, tcol: str, notes: list[str]):
    """Check order, step and start of the time column; return (step [h], start-of-interval labels)."""
    import pandas as pd

    if len(t) < 2:
        raise SeriesError(f"{path}: column '{tcol}' has fewer than 2 times")
    if t.isna().any():
        i = int(np.flatnonzero(t.isna())[0])
        raise SeriesError(f"{path}: column '{tcol}' {_where(path, i)}: empty time")
    d = np.diff(t.asi8) / 3.6e12  # [h]
    if (d <= 0).any():
        i = int(np.flatnonzero(d <= 0)[0])
        raise SeriesError(f"{path}: column '{tcol}' is not in increasing order: {_where(path, i + 1)} "
                          f"({t[i + 1]}) does not follow row {i + 1} ({t[i]}); sort the file by time")
    step = float(np.median(d))
    if not (np.isclose(step, 1.0) or np.isclose(step, 0.25)):
        raise SeriesError(f"{path}: column '{tcol}' steps by {step * 60:g} min; expected hourly (60 min) or "
                          "quarter-hour (15 min) data")
    bad = np.flatnonzero(~np.isclose(d, step))
    if bad.size:
        i = int(bad[0])
        raise SeriesError(f"{path}: column '{tcol}' has a gap or irregular step after {_where(path, i)} "
                          f"({t[i]} -> {t[i + 1]}); expected one row every {step * 60:g} min")
    first = t[0]
    jan1 = pd.Timestamp(year=first.year, month=1, day=1)
    if first == jan1:
        starts = t
    elif first == jan1 + pd.Timedelta(hours=step):
        starts = t - pd.Timedelta(hours=step)
        notes.append(f"{path.name}: times label the end of each interval (first {first}); read as "
                     "start-of-interval values")
    else:
        raise SeriesError(f"{path}: column '{tcol}' starts at {first}; expected a year starting on "
                          "1 January at 00:00 (or 00:15 / 01:00 for end-of-interval labels)")
    return step, starts


#: Units a value column's name may state that are not kW, with the factor to kW [-]
#: (``p_mw``, ``负荷(MW)``, ``Power [W]``): read as kW they were off by 1000 without a word.
_OTHER_POWER_UNITS = {"mw": 1000.0, "mwh": 1000.0, "gw": 1e6, "gwh": 1e6, "w": 0.001, "wh": 0.001,
                      "兆瓦": 1000.0, "兆瓦时": 1000.0}


def _unit_problem(path: Path, vcol, what: str) -> str | None:
    """A value column whose name states a power unit other than the kW expected."""
    import re

    if "[kW]" not in what:
        return None
    for token in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+|_", str(vcol)):
        factor = _OTHER_POWER_UNITS.get(token.lower())
        if factor is not None:
            return (f"{path}: column '{vcol}' states its values in {token} (by its name); expected {what}: "
                    f"multiply them by {factor:g} and name the column p_kw")
    return None


def _value_column(path: Path, df, column: str, tcol: str | None):
    if column in df.columns:
        return column
    cand = [c for c in df.columns if c != tcol]
    import pandas as pd

    num = [c for c in cand if pd.api.types.is_numeric_dtype(df[c])]
    if len(num) == 1:
        return num[0]
    if len(cand) == 1:
        return cand[0]  # non-numeric entries are reported row by row below
    raise SeriesError(f"{path}: expected a column '{column}' or exactly one value column besides the time, "
                      f"found columns {list(df.columns)}")


def read_hourly_csv(path: str | Path, n_steps: int = HOURS_PER_YEAR, *, column: str = "p_kw",
                    what: str = "load [kW]", upper: float | None = None,
                    notes: list[str] | None = None) -> np.ndarray:
    """Read one hourly series of a year from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.
    n_steps : int
        Hours expected [h] (8,760 for a year; quarter-hour and leap-year files of a
        year are converted as described in the module docstring).
    column : str
        Preferred value column; otherwise the only value column is used.
    what : str
        What the values are, with unit, for messages (e.g. ``"load [kW]"``).
    upper : float, optional
        Largest plausible value, in the unit of ``what``.
    notes : list of str, optional
        Receives one line per conversion applied (resampling, 29 February dropped, ...).

    Returns
    -------
    numpy.ndarray
        ``n_steps`` hourly values in the unit of ``what``.

    Raises
    ------
    SeriesError
        Naming the file, the row or column, and what was expected.
    """
    path = Path(path)
    notes = [] if notes is None else notes
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size, n_steps, column, what, upper)
    except (OSError, ValueError):
        key = None
    if key is not None and key in _CACHE:
        values, made = _CACHE[key]
        notes.extend(made)
        return values.copy()
    made: list[str] = []
    values = _read(path, n_steps, column, what, upper, made)
    notes.extend(made)
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (values.copy(), made)
    return values


#: series already read: (path, mtime, size, arguments) -> (values, notes); validation and
#: the run read each file once (sweeps derive many variants of one scenario)
_CACHE: dict[tuple, tuple[np.ndarray, list[str]]] = {}
_CACHE_SIZE = 64


def _read(path: Path, n_steps: int, column: str, what: str, upper: float | None, notes: list[str]) -> np.ndarray:
    expectation = (f"an hourly {what} CSV with {n_steps} rows (or 35,040 quarter-hour rows; "
                   f"column '{column}' or one value column)")
    df, sep, decimal = _read_frame(path, expectation)
    if decimal == ",":
        notes.append(f"{path.name}: read with separator {sep!r} and decimal comma")
    tcol = _time_column(df)
    vcol = _value_column(path, df, column, tcol)
    if (why := _unit_problem(path, vcol, what)) is not None:
        raise SeriesError(why)
    import pandas as pd

    raw = df[vcol]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        i = int(bad[0])
        kind = _cell_text(_as_written(path, vcol, i, sep, decimal, raw.iloc[i]), decimal)
        raise SeriesError(f"{path}: column '{vcol}' {_where(path, i)}: {kind} is not a finite number >= 0 "
                          f"({bad.size} such row(s)); expected {what} in every row")
    n = len(values)
    if tcol is not None:
        t = _parse_times(path, df, tcol)
        step, starts = _check_times(path, t, tcol, notes)
        feb29 = (starts.month == 2) & (starts.day == 29)
        if feb29.any():
            values = values[~feb29]
            notes.append(f"{path.name}: 29 February dropped ({int(feb29.sum())} rows of a leap year), "
                         "the model year has 365 days")
        per_hour = QUARTERS_PER_HOUR if np.isclose(step, 0.25) else 1
        if len(values) != n_steps * per_hour:
            raise SeriesError(f"{path}: {n} rows at a {step * 60:g}-min step ({len(values)} without 29 February); "
                              f"expected one year: {n_steps} hourly or {n_steps * QUARTERS_PER_HOUR} "
                              "quarter-hour rows")
    else:
        per_hour = 1
        if n in (n_steps * QUARTERS_PER_HOUR, (n_steps + 24) * QUARTERS_PER_HOUR) and n_steps == HOURS_PER_YEAR:
            per_hour = QUARTERS_PER_HOUR
        if n_steps == HOURS_PER_YEAR and n == (n_steps + 24) * per_hour:
            day = 24 * per_hour
            values = np.concatenate([values[: 59 * day], values[60 * day:]])
            notes.append(f"{path.name}: {n} rows = a leap year: the 60th day (29 February) dropped; "
                         "add a time column to say which rows are which")
        elif n != n_steps * per_hour:
            raise SeriesError(f"{path}: expected {n_steps} hourly rows (or {n_steps * QUARTERS_PER_HOUR} "
                              f"quarter-hour rows, or a leap year of {n_steps + 24} / "
                              f"{(n_steps + 24) * QUARTERS_PER_HOUR}), found {n}")
    if per_hour > 1:
        values = values.reshape(-1, per_hour).mean(axis=1)
        notes.append(f"{path.name}: quarter-hour data ({n} rows) averaged to {n_steps} hourly means")
    if not values.any():
        raise SeriesError(f"{path}: column '{vcol}' is zero in every row; expected {what} (a measured "
                          "series with no use at all is almost always an export error)")
    if upper is not None and values.max() > upper:
        i = int(np.argmax(values > upper))
        raise SeriesError(f"{path}: column '{vcol}' hour {i + 1}: {values[i]:g} is above {upper:g}, "
                          f"implausible for {what}")
    return values
