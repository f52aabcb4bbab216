"""Grid connection: time-of-use tariff, demand charge and emission factor as hourly series.

A Chinese C&I tariff (分时电价) is declared as seasons (lists of months) with clock-hour
ranges for each period (critical peak 尖峰, peak 峰, flat 平, valley 谷, deep valley 深谷)
and an all-in price per period [CNY/kWh]. A season may carry prices of its own
(``TariffSeason.prices_cny_per_kwh``), period by period over the tariff's: prices that differ by
season or month — the grid company's agency purchase price (电网企业代理购电价格, published every
month, so the all-in price of every period changes month by month: one season per month), a
丰水期/枯水期 price, peak/valley ratios that differ in summer and winter ([ndrc-1093-2021] encourages
seasonal prices). Every consumer reads the hourly series of :func:`tou_price`, never the tables.
The two-part tariff's basic charge is a monthly maximum-demand charge [CNY/kW·month]
(发改价格〔2023〕526号). Provincial period tables and example prices: [tou-jiangsu-2025],
[tou-guangdong-2021], [tou-shandong-2023], [sec-tariff-examples] (docs/sources.md).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Period = Literal["critical", "peak", "flat", "valley", "deep_valley"]
PERIODS: tuple[str, ...] = ("critical", "peak", "flat", "valley", "deep_valley")

#: Highest all-in energy price accepted [CNY/kWh] (a typo guard: the dearest critical-peak prices
#: of [sec-tariff-examples] are about 1.35).
MAX_PRICE_CNY_PER_KWH = 5.0


def check_prices(v: dict[str, float]) -> dict[str, float]:
    """A price table {period: CNY/kWh} with every price in 0-5 CNY/kWh; raises ValueError naming the period."""
    for k, p in v.items():
        if not 0 <= p <= MAX_PRICE_CNY_PER_KWH:
            raise ValueError(f"price of period '{k}' = {p} CNY/kWh is outside 0-5 CNY/kWh")
    return v


def consecutive_runs(values) -> list[list[int]]:
    """Distinct integers sorted and cut into runs of consecutive values: [8, 6, 7, 1] -> [[1], [6, 7, 8]]."""
    runs: list[list[int]] = []
    for v in sorted(set(values)):
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return runs


def months_text(months) -> str:
    """Calendar months as runs, in calendar order: [6, 7, 8, 12, 1, 2] -> '1-2, 6-8, 12'."""
    runs = consecutive_runs(int(m) for m in months)
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def parse_hour_range(text: str) -> tuple[int, int]:
    """Parse a clock-hour range ``"14-22"`` into (start, end) hours, end exclusive.

    A range may wrap midnight (``"22-2"`` = 22:00–02:00). ``"0-24"`` is the whole day.

    Raises
    ------
    ValueError
        When the text is not ``H-H`` with hours in 0–24 and start != end.
    """
    try:
        a, b = (int(x) for x in str(text).replace("–", "-").split("-"))
    except Exception as exc:
        raise ValueError(f"hour range {text!r} must look like '14-22' (start-end clock hours)") from exc
    if not (0 <= a <= 23 and 1 <= b <= 24 or (b == 0 and 0 <= a <= 23)) or a == b:
        raise ValueError(f"hour range {text!r}: hours must be 0-24 and start != end")
    return a, b


def hours_in_range(start: int, end: int) -> list[int]:
    """Clock hours covered by a range (end exclusive, wrapping midnight)."""
    end = 24 if end == 0 else end
    if start < end:
        return list(range(start, end))
    return list(range(start, 24)) + list(range(end))


class TariffSeason(BaseModel):
    """Hours of each TOU period for a group of months; unlisted hours are the default period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("", description="Name shown in the outputs, e.g. 'summer and winter' or '丰水期' "
                                      "(default: its months).")
    months: list[int] = Field(description="Calendar months (1-12) this season covers.")
    critical: list[str] = Field(default_factory=list, description="Critical-peak (尖峰) hour ranges, e.g. ['19-21'].")
    peak: list[str] = Field(default_factory=list, description="Peak (峰) hour ranges, e.g. ['14-22'].")
    flat: list[str] = Field(default_factory=list, description="Flat (平) hour ranges (default period if not listed).")
    valley: list[str] = Field(default_factory=list, description="Valley (谷) hour ranges, e.g. ['0-6','11-13'].")
    deep_valley: list[str] = Field(default_factory=list, description="Deep-valley (深谷) hour ranges.")
    prices_cny_per_kwh: dict[Period, float] = Field(
        default_factory=dict,
        description="All-in energy price per period in this season's months [CNY/kWh], overriding the tariff's "
                    "prices_cny_per_kwh period by period (a period not given here takes the tariff's price); for "
                    "prices that differ by season or month: a monthly agency purchase price (代理购电价格, one "
                    "season per month), a 丰水期/枯水期 price, seasonal peak/valley ratios. A price for a period "
                    "the season does not use is allowed and unused.")

    @field_validator("prices_cny_per_kwh")
    @classmethod
    def _prices(cls, v: dict[str, float]) -> dict[str, float]:
        return check_prices(v)

    @field_validator("months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        bad = [m for m in v if not 1 <= m <= 12]
        if bad or not v:
            raise ValueError(f"months must be a non-empty list of 1-12, got {v}")
        return v

    @model_validator(mode="after")
    def _hours(self) -> TariffSeason:
        seen: dict[int, str] = {}
        for period in PERIODS:
            for rng in getattr(self, period):
                for h in hours_in_range(*parse_hour_range(rng)):
                    if h in seen:
                        raise ValueError(f"hour {h} is in both '{seen[h]}' and '{period}'")
                    seen[h] = period
        return self

    def label(self) -> str:
        """The season's name, or its months ('months 1-2, 6-8, 12')."""
        return self.name or f"months {months_text(self.months)}"

    def period_of_hour(self, default: str) -> list[str]:
        """Period name for each clock hour 0..23."""
        out = [default] * 24
        for period in PERIODS:
            for rng in getattr(self, period):
                for h in hours_in_range(*parse_hour_range(rng)):
                    out[h] = period
        return out


class TOUTariff(BaseModel):
    """Time-of-use energy tariff of the park's grid connection (all-in prices)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("", description="Tariff name, e.g. 'Jiangsu two-part 1-10 kV'.")
    source: str = Field("", description="Where the periods and prices come from (policy document, date).")
    prices_cny_per_kwh: dict[Period, float] = Field(
        default_factory=dict,
        description="All-in energy price per period [CNY/kWh] (includes T&D, funds and fees), for every month "
                    "whose season gives no price of its own for the period (seasons[].prices_cny_per_kwh). "
                    "Every period a season uses needs a price here or in that season.",
    )
    seasons: list[TariffSeason] = Field(
        default_factory=list,
        description="Seasons covering all 12 months exactly once; empty = one flat price all year.",
    )
    default_period: Period = Field("flat", description="Period of hours not listed in a season.")
    critical_days: Literal["all", "workdays"] = Field(
        "all", description="Whether critical-peak hours apply on every day or on working days only."
    )

    @field_validator("prices_cny_per_kwh")
    @classmethod
    def _prices(cls, v: dict[str, float]) -> dict[str, float]:
        return check_prices(v)

    @model_validator(mode="after")
    def _cover(self) -> TOUTariff:
        if self.seasons:
            months = [m for s in self.seasons for m in s.months]
            missing = sorted(set(range(1, 13)) - set(months))
            dup = sorted({m for m in months if months.count(m) > 1})
            if missing or dup:
                raise ValueError(f"seasons must cover months 1-12 once each (missing {missing}, repeated {dup})")
        problems = []
        for i, season in enumerate(self.seasons):
            unpriced = [p for p in periods_used(self, season) if p not in season_prices(self, season)]
            if unpriced:
                problems.append(f"seasons[{i}] ({season.label()}) uses {unpriced} with no price: give "
                                f"{'it' if len(unpriced) == 1 else 'them'} in seasons[{i}].prices_cny_per_kwh or "
                                f"in prices_cny_per_kwh")
        if not self.seasons:
            unpriced = [p for p in periods_used(self, None) if p not in self.prices_cny_per_kwh]
            if unpriced:
                problems.append(f"periods {unpriced} are used but have no price in prices_cny_per_kwh")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def clock_ranges(hours: list[int]) -> list[str]:
    """Clock hours (0-23) as ranges by start hour, end exclusive, joined across midnight:
    [0, 1, 6, 22, 23] -> ['6-7', '22-2']."""
    runs = consecutive_runs(hours)
    if sum(len(r) for r in runs) == 24:
        return ["0-24"]
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 23:
        runs[0] = runs.pop() + runs[0]
    runs.sort(key=lambda r: r[0])
    return [f"{r[0]}-{(r[-1] + 1) % 24 if r[-1] != 23 or r[0] == 0 else 24}" for r in runs]


def all_seasons(tariff: TOUTariff) -> list[TariffSeason]:
    """The tariff's seasons, or one season of all twelve months where it lists none."""
    return list(tariff.seasons) or [TariffSeason(months=list(range(1, 13)))]


def periods_used(tariff: TOUTariff, season: TariffSeason | None) -> list[str]:
    """Periods a season's hours fall in, in :data:`PERIODS` order (``None``: the implicit all-year
    season); with ``critical_days: workdays`` a season with critical hours also uses peak (its
    critical hours on rest days)."""
    season = season or TariffSeason(months=list(range(1, 13)))
    used = set(season.period_of_hour(tariff.default_period))
    if tariff.critical_days == "workdays" and "critical" in used:
        used.add("peak")
    return [p for p in PERIODS if p in used]


def season_prices(tariff: TOUTariff, season: TariffSeason | None) -> dict[str, float]:
    """All-in price of each period in a season's months [CNY/kWh]: the tariff's, overridden period by
    period by the season's own (``None``: the tariff's alone)."""
    out = dict(tariff.prices_cny_per_kwh)
    if season is not None:
        out.update(season.prices_cny_per_kwh)
    return out


def seasonal_prices(tariff: TOUTariff) -> bool:
    """Whether any season prices a period it uses differently from the tariff's table."""
    return any(season_prices(tariff, s).get(p) != tariff.prices_cny_per_kwh.get(p)
               for s in tariff.seasons for p in periods_used(tariff, s))


def price_order_notes(tariff: TOUTariff) -> list[str]:
    """Notes on the seasons whose prices run against the periods' names: a period named cheaper
    (critical > peak > flat > valley > deep valley, :data:`PERIODS`) priced above one named dearer,
    among the periods the season uses. Not an error (the twin prices each hour as given, the optimiser
    and the operated twin's controllers read the prices, never the names), but a sign of prices typed
    into the wrong period or a season copied from another; the report names the periods by these names."""
    notes = []
    for s in all_seasons(tariff):
        prices = season_prices(tariff, s)
        used = periods_used(tariff, s)
        swapped = [f"{cheap.replace('_', ' ')} {prices[cheap]:.4f} > {dear.replace('_', ' ')} {prices[dear]:.4f}"
                   for i, dear in enumerate(used) for cheap in used[i + 1:] if prices[cheap] > prices[dear] + 1e-12]
        if swapped:
            where = f"season '{s.label()}'" if tariff.seasons else "the tariff"
            notes.append(f"tariff prices out of the periods' order in {where} ({'; '.join(swapped)} CNY/kWh): "
                         "a period named cheaper is priced above one named dearer; the twin prices each hour as "
                         "given: check grid.tariff")
    return notes


def export_price_notes(grid) -> list[str]:
    """A note where the export price (``grid.export_price_cny_per_kwh``, export allowed) exceeds the
    import price of some periods: in their hours the plan sells the PV output and buys the park's
    load (full feed-in, hour by hour), which a self-consumption contract (自发自用、余电上网) does not
    allow. Only PV output is exported, never grid power (:func:`solvers.blocks.pv.export_from_pv`)."""
    tariff, pe = grid.tariff, float(grid.export_price_cny_per_kwh)
    if grid.export_limit_kw <= 0:
        return []
    below: dict[str, float] = {}
    for s in all_seasons(tariff):
        prices = season_prices(tariff, s)
        for period in periods_used(tariff, s):
            if prices[period] < pe - 1e-12:
                below[period] = min(below.get(period, float("inf")), float(prices[period]))
    if not below:
        return []
    listed = "; ".join(f"{p.replace('_', ' ')} {below[p]:.4f}" for p in PERIODS if p in below)
    return [f"export price {pe:.4f} CNY/kWh above the import price of some periods ({listed} CNY/kWh): in their "
            "hours the plan sells the PV output and buys the park's load (full feed-in, hour by hour); only PV "
            "output is exported, never grid power; for self-consumption with surplus export set "
            "grid.export_price_cny_per_kwh at most the lowest import price"]


def price_table(tariff: TOUTariff) -> list[dict]:
    """The tariff season by season, as ``summary.json``'s ``tariff.seasons`` shows it: ``season``
    (1-based), ``name`` (as given, or ''), ``label``, ``months``, ``hours`` {period: its clock-hour ranges
    (:func:`clock_ranges`), the default period's too}, ``prices_cny_per_kwh`` {period used: all-in price}
    [CNY/kWh], ``own_prices`` (the periods priced by the season itself)."""
    rows = []
    for i, s in enumerate(all_seasons(tariff)):
        used = periods_used(tariff, s)
        prices = season_prices(tariff, s)
        of_hour = s.period_of_hour(tariff.default_period)
        hours = {p: clock_ranges([h for h in range(24) if of_hour[h] == p]) for p in PERIODS if p in of_hour}
        rows.append({"season": i + 1, "name": s.name, "label": s.label(), "months": sorted(s.months),
                     "hours": hours, "prices_cny_per_kwh": {p: float(prices[p]) for p in used},
                     "own_prices": [p for p in used if p in s.prices_cny_per_kwh]})
    return rows


def tou_seasons(tariff: TOUTariff, index: pd.DatetimeIndex) -> np.ndarray:
    """Season of every time step: its 1-based position in :func:`all_seasons` [-]."""
    of_month = {m: i + 1 for i, s in enumerate(all_seasons(tariff)) for m in s.months}
    return np.array([of_month[m] for m in index.month.to_numpy()], dtype=int)


def tou_periods(tariff: TOUTariff, index: pd.DatetimeIndex, working_day: np.ndarray | None = None) -> np.ndarray:
    """TOU period name of every time step.

    Parameters
    ----------
    tariff : TOUTariff
    index : pandas.DatetimeIndex
        Hourly model steps (local time, start of hour).
    working_day : numpy.ndarray of bool, optional
        Needed when critical-peak hours apply on working days only.

    Returns
    -------
    numpy.ndarray of str
    """
    table = {}
    for season in tariff.seasons or [TariffSeason(months=list(range(1, 13)))]:
        hours = season.period_of_hour(tariff.default_period)
        for m in season.months:
            table[m] = hours
    months = index.month.to_numpy()
    hours = index.hour.to_numpy()
    out = np.array([table[m][h] for m, h in zip(months, hours)], dtype=object)
    if tariff.critical_days == "workdays" and working_day is not None:
        out = np.where((out == "critical") & ~working_day, "peak", out)
    return out.astype(str)


def tou_price(tariff: TOUTariff, index: pd.DatetimeIndex, working_day: np.ndarray | None = None) -> np.ndarray:
    """Hourly import price [CNY/kWh]: each hour's period (:func:`tou_periods`) at the price of its
    month's season (:func:`season_prices`)."""
    periods = tou_periods(tariff, index, working_day)
    by_month = {m: season_prices(tariff, s) for s in all_seasons(tariff) for m in s.months}
    months = index.month.to_numpy()
    return np.array([by_month[m].get(p, np.nan) for m, p in zip(months, periods)], dtype=float)
