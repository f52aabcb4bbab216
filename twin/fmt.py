"""Numbers for people: thousands separators, units, no noise.

A run's figures (``report.html``, ``twin compare``'s page and console table) use
:func:`fmt_value` and :func:`fmt_percent`, so one value reads the same wherever it is
shown: ``fmt_value(19085035.3)`` → ``"19,085,035"`` (every integer digit kept),
``fmt_value(0.64098)`` → ``"0.641"`` (about three significant figures below 100),
``fmt_percent(0.3795)`` → ``"38.0%"``; a difference of two shares is in percentage points
(:func:`fmt_points`: ``"+94.4 pp"``, in Chinese outputs ``"+94.4 个百分点"``).

The sweep's statistics round to three significant figures (:func:`fmt_number`):
``fmt_number(33250612.126454458)`` → ``"33,300,000"``; ``fmt_number(1.47e-10)`` → ``"0"``;
``fmt_number(-0.0004, tol=1e-3)`` → ``"0"``; ``fmt_share(0.3795)`` → ``"38.0 %"``.
"""

from __future__ import annotations

import math

import numpy as np

#: Values smaller than this in magnitude are shown as 0 (solver noise) [same unit as the value].
NOISE = 1e-6


#: Magnitudes below this print as 0 in a run's figures (numerical noise) [same unit as the value].
VALUE_NOISE = 1e-9

#: A change of a figure smaller than this share of the figure is the solver's tolerance, not a
#: change (HiGHS solves to 1e-7 relative feasibility) [-].
CHANGE_REL = 1e-7


def change(new, old, rel: float = CHANGE_REL, floor: float = 0.0):
    """``new - old`` for a table's change column, 0.0 where the change is below ``rel`` of
    the larger figure, or of ``floor`` where both are smaller (the baseline's 1,409 tce
    against the plan's 1,409 tce read "-0.000000115"); None where either is missing [unit of
    the figures]."""
    if new is None or old is None:
        return None
    d = float(new) - float(old)
    return 0.0 if abs(d) <= rel * max(abs(float(new)), abs(float(old)), floor) else d


def fmt_value(v, digits: int = 3, tol: float = VALUE_NOISE) -> str:
    """A figure of a run as ``report.html`` shows it: about ``digits`` significant figures,
    thousands separated, large values with every integer digit (``12,677,432``, never
    rounded to ``12,700,000``), small ones with significant figures (``0.641``), counts
    (int) as they are (``12``, not ``12.0``); magnitudes below ``tol`` print as 0; None/NaN
    as "—"; text as is.
    """
    if v is None or isinstance(v, bool):
        return "—" if v is None else str(v)
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,d}"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return "—"
    if abs(x) < tol:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    nd = max(digits - 1 - mag, 0)
    return f"{x:,.{nd}f}"


def fmt_percent(v) -> str:
    """A share [-] as ``report.html`` shows it: a percentage with one decimal (``38.0%``);
    None/NaN as "—"."""
    if v is None:
        return "—"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{x:.1%}" if math.isfinite(x) else "—"


POINTS_UNIT = {"en": "pp", "zh": "个百分点"}
"""Unit of a difference of two percentages (percentage points) in each output language."""


def fmt_points(diff, lang: str = "en") -> str:
    """A difference of two shares [-] in percentage points, signed, one decimal, with the
    unit in ``lang`` (:data:`POINTS_UNIT`): ``fmt_points(0.944)`` → ``"+94.4 pp"``,
    ``fmt_points(0.944, "zh")`` → ``"+94.4 个百分点"``, ``fmt_points(-0.0001)`` → ``"0 pp"``;
    None/NaN as "—"."""
    if diff is None:
        return "—"
    try:
        x = 100.0 * float(diff)
    except (TypeError, ValueError):
        return str(diff)
    if not math.isfinite(x):
        return "—"
    s = f"{x:.1f}"
    s = "0" if s in ("0.0", "-0.0") else s
    return ("+" if x > 0 and s != "0" else "") + s + " " + POINTS_UNIT.get(lang, POINTS_UNIT["en"])


def round_sig(x: float, sig: int = 3) -> float:
    """``x`` rounded to ``sig`` significant figures (0 stays 0)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, sig - 1 - math.floor(math.log10(abs(x))))


def fmt_number(x, sig: int = 3, unit: str = "", tol: float = NOISE) -> str:
    """A number with ``sig`` significant figures and thousands separators; ``–`` for missing.

    Integers of 4+ digits keep their digits rounded (``33,300,000``, never ``3.33e+07``);
    magnitudes below ``tol`` print as ``0`` (no ``-0.000``); booleans print yes/no.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    if isinstance(x, int):  # counts (hours, years) keep every digit
        text = f"{x:,d}".replace("-", "−")
        return f"{text} {unit}".rstrip() if unit else text
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if abs(x) < tol:
        text = "0"
    else:
        r = round_sig(x, sig)
        digits = math.floor(math.log10(abs(r))) if r != 0 else 0
        decimals = max(sig - 1 - digits, 0)
        text = f"{r:,.{decimals}f}"
        if text.startswith("-"):
            text = "−" + text[1:]  # a real minus sign
    return f"{text} {unit}".rstrip() if unit else text


def fmt_share(x, sig: int = 3) -> str:
    """A share [-] as a percentage with ``sig`` significant figures (``–`` for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return fmt_number(100.0 * float(x), sig, tol=1e-4) + " %"


def excel_format(values) -> str:
    """An Excel number format showing about 3 significant figures for a row of values."""
    xs = [abs(float(v)) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
          and math.isfinite(float(v)) and abs(float(v)) >= NOISE]
    if not xs:
        return "#,##0"
    m = max(xs)
    if m >= 100:
        return "#,##0"
    if m >= 10:
        return "#,##0.0"
    if m >= 1:
        return "#,##0.00"
    return "0.000"
