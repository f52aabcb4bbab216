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
    weekday counts as ``holiday``.

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
    cal = _china_holidays(years)
    swapped = {d for d in getattr(cal, "weekend_workdays", set()) if d.year in years}
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
    return pd.Series([lookup[d] for d in dates], index=index, name="day_type")


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
