"""China working-day calendar for schedules of buildings, process loads and EV fleets.

Public holidays and the swapped working weekends (调休上班日) follow the annual
notice of the General Office of the State Council, as encoded in the ``holidays``
package (``holidays.China``). The notice for a year is published in the preceding
November/December; for later years only the statutory holidays are known (the
lunar-calendar dates are computed) and no weekend is swapped. ``calendar_notes``
says which case applies so that reports can state it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

#: Day types used by every schedule in the park twin.
WORKDAY, SATURDAY, SUNDAY, HOLIDAY = "workday", "saturday", "sunday", "holiday"


def _china_holidays(years: list[int]):
    import holidays  # light import, only where used

    return holidays.China(years=years)


def china_day_types(index: pd.DatetimeIndex) -> pd.Series:
    """Day type of each time step: ``workday``, ``saturday``, ``sunday`` or ``holiday``.

    A swapped working weekend day counts as ``workday``; a public holiday on any
    weekday counts as ``holiday``, and so does a weekend day inside a holiday break (a run of days
    off that holds a public holiday: the State Council notice gives the break as one block, e.g.
    春节 2026 from 15 to 23 February, whose Sunday 15th and weekend 21-22 had been typed as ordinary
    weekend days, with a weekend's loads and 90 office car sessions against 13-21 on the holidays).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Model time steps (timezone-aware or naive local time).

    Returns
    -------
    pandas.Series
        Day type per step (categorical strings), indexed like ``index``.
    """
    years = sorted(set(int(y) for y in index.year))
    around = sorted(set(years) | {years[0] - 1, years[-1] + 1})  # breaks across the new year
    cal = _china_holidays(around)
    swapped = {d for d in getattr(cal, "weekend_workdays", set()) if d.year in around}
    dates = pd.Index(index.date)
    unique = pd.unique(dates)
    lookup: dict[dt.date, str] = {}
    for d in unique:
        if d in swapped:
            lookup[d] = WORKDAY
        elif d in cal:
            lookup[d] = HOLIDAY
        elif d.weekday() == 5:
            lookup[d] = SATURDAY
        elif d.weekday() == 6:
            lookup[d] = SUNDAY
        else:
            lookup[d] = WORKDAY
    for d in _break_weekends(min(unique), max(unique), cal, swapped):
        if d in lookup:
            lookup[d] = HOLIDAY
    return pd.Series([lookup[d] for d in dates], index=index, name="day_type")


def _break_weekends(first: dt.date, last: dt.date, cal, swapped: set) -> set:
    """Weekend days (not swapped to work) inside a holiday break: in a run of consecutive days off
    (holidays and weekend days) that holds a public holiday, from ``first`` to ``last`` and a fortnight
    around them."""
    out: set = set()
    run: list = []
    has_holiday = False
    d, end = first - dt.timedelta(days=14), last + dt.timedelta(days=14)
    while d <= end:
        off = d not in swapped and (d in cal or d.weekday() >= 5)
        if off:
            run.append(d)
            has_holiday = has_holiday or d in cal
        else:
            if has_holiday:
                out.update(x for x in run if x not in cal)
            run, has_holiday = [], False
        d += dt.timedelta(days=1)
    if has_holiday:
        out.update(x for x in run if x not in cal)
    return out


def china_working_days(index: pd.DatetimeIndex) -> pd.Series:
    """True for steps on a working day (Mon–Fri or a swapped weekend, not a holiday).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Model time steps.

    Returns
    -------
    pandas.Series of bool
        Indexed like ``index``.
    """
    return (china_day_types(index) == WORKDAY).rename("working_day")


def calendar_notes(year: int) -> list[str]:
    """Human-readable statement of what the calendar for ``year`` is based on."""
    cal = _china_holidays([year])
    swapped = sorted(d for d in getattr(cal, "weekend_workdays", set()) if d.year == year)
    n_hol = sum(1 for d in cal if d.year == year)
    if swapped:
        return [
            f"China calendar {year}: {n_hol} public holidays and {len(swapped)} swapped working "
            f"weekend days ({', '.join(d.isoformat() for d in swapped)}) from the State Council notice"
        ]
    return [
        f"China calendar {year}: {n_hol} statutory public holidays; no State Council notice for "
        f"{year} is encoded, so no weekend days are swapped (working days may be off by 2-6 days)"
    ]


def working_day_array(index: pd.DatetimeIndex) -> np.ndarray:
    """Boolean numpy array of :func:`china_working_days` (convenience for vectorised code)."""
    return china_working_days(index).to_numpy(dtype=bool)
