"""Grid connection: time-of-use tariff, demand charge and emission factor as hourly series.

A Chinese C&I tariff (分时电价) is declared as seasons (lists of months) with clock-hour
ranges for each period (critical peak 尖峰, peak 峰, flat 平, valley 谷, deep valley 深谷)
and an all-in price per period [CNY/kWh]. The two-part tariff's basic charge is a
monthly maximum-demand charge [CNY/kW·month] (发改价格〔2023〕526号). Provincial period
tables and example prices: [tou-jiangsu-2025], [tou-guangdong-2021], [tou-shandong-2023],
[sec-tariff-examples] (docs/sources.md).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Period = Literal["critical", "peak", "flat", "valley", "deep_valley"]
PERIODS: tuple[str, ...] = ("critical", "peak", "flat", "valley", "deep_valley")


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

    months: list[int] = Field(description="Calendar months (1-12) this season covers.")
    critical: list[str] = Field(default_factory=list, description="Critical-peak (尖峰) hour ranges, e.g. ['19-21'].")
    peak: list[str] = Field(default_factory=list, description="Peak (峰) hour ranges, e.g. ['14-22'].")
    flat: list[str] = Field(default_factory=list, description="Flat (平) hour ranges (default period if not listed).")
    valley: list[str] = Field(default_factory=list, description="Valley (谷) hour ranges, e.g. ['0-6','11-13'].")
    deep_valley: list[str] = Field(default_factory=list, description="Deep-valley (深谷) hour ranges.")

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
        description="All-in energy price per period [CNY/kWh] (includes T&D, funds and fees)."
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
        for k, p in v.items():
            if not 0 <= p <= 5:
                raise ValueError(f"price of period '{k}' = {p} CNY/kWh is outside 0-5 CNY/kWh")
        return v

    @model_validator(mode="after")
    def _cover(self) -> TOUTariff:
        if self.seasons:
            months = [m for s in self.seasons for m in s.months]
            missing = sorted(set(range(1, 13)) - set(months))
            dup = sorted({m for m in months if months.count(m) > 1})
            if missing or dup:
                raise ValueError(f"seasons must cover months 1-12 once each (missing {missing}, repeated {dup})")
        used = {self.default_period}
        for s in self.seasons:
            used.update(s.period_of_hour(self.default_period))
        unpriced = sorted(used - set(self.prices_cny_per_kwh))
        if unpriced:
            raise ValueError(f"periods {unpriced} are used but have no price in prices_cny_per_kwh")
        return self


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
    """Hourly import price [CNY/kWh] from the tariff's periods."""
    periods = tou_periods(tariff, index, working_day)
    prices = tariff.prices_cny_per_kwh
    fallback = {"critical": "peak", "deep_valley": "valley"}
    return np.array([prices.get(p, prices.get(fallback.get(p, p), np.nan)) for p in periods], dtype=float)
