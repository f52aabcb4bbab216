"""Pure functions of the pathway's time axis: period spans, discount weights, trends and growth."""

from __future__ import annotations

import numpy as np


def period_spans(periods: list[int], last_year: int) -> list[tuple[int, int]]:
    """``[(first year, first year of the next period), ...]`` of each period [yr]."""
    ends = list(periods[1:]) + [last_year]
    return list(zip(periods, ends))


def period_weights(periods: list[int], last_year: int, rate: float) -> np.ndarray:
    r"""Discounted years each period stands for [-] (present value at the first period's year).

    .. math:: W_p = \sum_{y = y_p}^{y_{p+1} - 1} (1 + r)^{-(y - y_0)}

    A cost of ``C`` per year during period ``p`` is worth ``W_p C`` at the start; PyPSA's
    multi-period investment weights its periods the same way.

    Parameters
    ----------
    periods : list of int
        First year of each period [yr], ascending.
    last_year : int
        First year after the horizon [yr].
    rate : float
        Real discount rate [1/yr].
    """
    return np.array([sum(d.values()) for d in year_weights(periods, last_year, rate)])


def year_weights(periods: list[int], last_year: int, rate: float) -> list[dict[int, float]]:
    """Discount factor of each year of each period ``{year: (1 + r) ** -(year - y_0)}`` [-]
    (they sum to :func:`period_weights`)."""
    y0 = periods[0]
    return [{y: (1.0 + rate) ** -(y - y0) for y in range(a, b)} for a, b in period_spans(periods, last_year)]


def linear_trend(values: dict[int, float], year: int) -> float:
    """Least-squares straight line through ``{year: value}`` evaluated at ``year``, held at zero or above.

    With one value the line is flat (that value).
    """
    ys = sorted(values)
    if len(ys) == 1:
        return max(float(values[ys[0]]), 0.0)
    slope, icpt = np.polyfit(np.array(ys, float), np.array([values[y] for y in ys], float), 1)
    return max(float(slope * year + icpt), 0.0)


def projected_factor(published: dict[int, float], year: int) -> tuple[float, bool]:
    """Grid factor projected to ``year`` from the published ``{year: kgCO2/kWh}`` and whether it
    was held: the linear trend (:func:`linear_trend`), but never above the latest published value.

    Three years of provincial factors rise in the hydro provinces after the 2022 drought
    (Sichuan 0.126 -> 0.156, Chongqing 0.474 -> 0.558 kgCO2/kWh, 2021-2023): extended, that
    trend would more than double Sichuan's factor by 2035 and take Chongqing's above 1 kgCO2/kWh,
    against every national plan. A rising trend is weather, not a projection; it is held at the
    latest value (``True``) and the outputs say so.
    """
    latest = float(published[max(published)])
    v = linear_trend(published, year)
    return (latest, True) if v > latest else (v, False)


def compound(rate: float, years: float) -> float:
    """Growth factor ``(1 + rate) ** years`` [-]."""
    return (1.0 + rate) ** years


def learning(rate: float, years: float) -> float:
    """Cost factor after ``years`` of a fall of ``rate`` per year: ``(1 - rate) ** years`` [-]."""
    return (1.0 - rate) ** years
