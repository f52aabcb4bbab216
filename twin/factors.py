"""Accounting factors: grid CO2 emission factors and conversion to standard coal (tce).

The values live in ``twin/data/*.csv`` with their source; this module only looks
them up. See ``shared/reference/standards-and-factors.md`` §3–4 for provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

#: Electricity to standard coal, calorific equivalent (当量值) [kgce/kWh], GB/T 2589-2020 annex A.
ELECTRICITY_KGCE_PER_KWH_CALORIFIC = 0.1229
#: Energy content of one kilogram of coal equivalent [MJ/kgce], GB/T 2589-2020.
MJ_PER_KGCE = 29.3076

GRID_LEVELS = ("national", "national_excl_market_nonfossil", "national_fossil", "regional", "provincial")


@dataclass(frozen=True)
class FactorChoice:
    """A grid emission factor with where it came from."""

    value_kgco2_per_kwh: float
    level: str
    region: str
    year: int
    source: str


def _read_csv(name: str) -> pd.DataFrame:
    with resources.files("twin.data").joinpath(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


@cache
def grid_factor_table() -> pd.DataFrame:
    """The bundled table of official grid emission factors [kgCO2/kWh]."""
    return _read_csv("grid_emission_factors.csv")


@cache
def province_table() -> pd.DataFrame:
    """Provinces with their Chinese names and regional grid."""
    return _read_csv("provinces.csv")


def province_key(name: str) -> str:
    """Normalise a province given in English (any case) or Chinese to its table key.

    Raises
    ------
    KeyError
        With the list of accepted names when the province is unknown.
    """
    t = province_table()
    n = name.strip().lower().replace(" ", "_").replace("-", "_")
    for key, zh in zip(t["province"], t["name_zh"]):
        if n == key or name.strip() in (zh, zh + "省", zh + "市"):
            return key
    raise KeyError(f"unknown province {name!r}; accepted: {', '.join(t['province'])} (or Chinese names)")


def grid_region(province: str) -> str:
    """Regional grid (``north``, ``east``, …) of a province."""
    t = province_table().set_index("province")
    return str(t.loc[province_key(province), "grid_region"])


def grid_emission_factor(level: str, year: int, province: str | None = None) -> FactorChoice:
    """Official electricity consumption emission factor for a level, year and place.

    Parameters
    ----------
    level : str
        One of :data:`GRID_LEVELS`.
    year : int
        Factor year (the published years are 2021–2023; not every level has every year).
    province : str, optional
        Needed for ``regional`` and ``provincial``.

    Returns
    -------
    FactorChoice
        Value [kgCO2/kWh] and source text.

    Raises
    ------
    ValueError
        When the combination is not in the table, listing what is available.
    """
    t = grid_factor_table()
    if level not in GRID_LEVELS:
        raise ValueError(f"unknown emission-factor level {level!r}; accepted: {', '.join(GRID_LEVELS)}")
    if level in ("regional", "provincial"):
        if province is None:
            raise ValueError(f"level {level!r} needs the site's province")
        key = province_key(province)
        region = grid_region(key) if level == "regional" else key
    else:
        region = "national"
    rows = t[(t["level"] == level) & (t["region"] == region)]
    hit = rows[rows["year"] == year]
    if hit.empty:
        years = ", ".join(str(y) for y in sorted(rows["year"])) or "none"
        raise ValueError(
            f"no {level} grid emission factor for {region} in {year}; published years available: {years}"
        )
    r = hit.iloc[0]
    return FactorChoice(
        value_kgco2_per_kwh=float(r["ef_kgco2_per_kwh"]),
        level=level,
        region=region,
        year=int(year),
        source=f"MEE/NBS electricity CO2 emission factor {year}, {level} ({region}: {r['note']})",
    )
