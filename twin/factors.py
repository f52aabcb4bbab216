"""Accounting factors: grid CO2 emission factors and conversion to standard coal (tce).

The values live in ``twin/data/*.csv``, each row citing an entry of the bibliography
(``docs/sources.md``: [mee-nbs-ef-2021], [mee-nbs-ef-2022], [mee-nbs-ef-2023] for the grid
factors, [gbt-2589-2020] for standard coal); this module only looks them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

#: Electricity to standard coal, calorific equivalent (当量值) [kgce/kWh], GB/T 2589-2020 annex A [gbt-2589-2020].
ELECTRICITY_KGCE_PER_KWH_CALORIFIC = 0.1229
#: Energy content of one kilogram of coal equivalent [MJ/kgce], GB/T 2589-2020.
MJ_PER_KGCE = 29.3076

GRID_LEVELS = ("national", "national_excl_market_nonfossil", "national_fossil", "regional", "provincial")
#: Year of the official factors used when a scenario gives none (the latest published) [yr].
DEFAULT_FACTOR_YEAR = 2023
#: National fossil-power factors [kgCO2/kWh] offered for the 910号 acceptance basis, by year.
ACCEPTANCE_FACTOR_YEARS = (2022, 2023)


@dataclass(frozen=True)
class FactorChoice:
    """A grid emission factor with where it came from."""

    value_kgco2_per_kwh: float
    level: str
    region: str
    year: int
    source: str
    source_key: str = ""


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
    from weather.places import province_named

    t = province_table()
    en = province_named(name) if isinstance(name, str) else None
    key = en.lower().replace(" ", "_") if en else None
    if key in set(t["province"]):
        return key
    raise KeyError(f"unknown province {name!r}; accepted: {', '.join(t['province'])} (or the "
                   f"Chinese names, with or without 省, 市 or 自治区: 浙江, 广西壮族自治区)")


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
    region = _factor_region(level, province)
    t = grid_factor_table()
    rows = t[(t["level"] == level) & (t["region"] == region)]
    hit = rows[rows["year"] == year]
    if hit.empty:
        raise ValueError(_missing_message(level, region, year))
    r = hit.iloc[0]
    from twin.sources import source

    src = source(str(r["source"]))
    return FactorChoice(
        value_kgco2_per_kwh=float(r["ef_kgco2_per_kwh"]),
        level=level,
        region=region,
        year=int(year),
        source=f"{r['name_zh']} {year}: {src.cite()}",
        source_key=src.key,
    )


def _factor_region(level: str, province: str | None) -> str:
    """Table region of a level: ``national``, the province's grid region, or the province key."""
    if level not in GRID_LEVELS:
        raise ValueError(f"unknown emission-factor level {level!r}; accepted: {', '.join(GRID_LEVELS)}")
    if level in ("regional", "provincial"):
        if province is None:
            raise ValueError(f"level {level!r} needs the site's province (site.province, or a bundled site.city)")
        key = province_key(province)
        return grid_region(key) if level == "regional" else key
    return "national"


def available_factors(level: str | None = None, region: str | None = None) -> list[tuple[str, str, int]]:
    """Published (level, region, year) combinations in the bundled table, sorted."""
    t = grid_factor_table()
    if level is not None:
        t = t[t["level"] == level]
    if region is not None:
        t = t[t["region"] == region]
    return sorted((str(a), str(b), int(c)) for a, b, c in zip(t["level"], t["region"], t["year"]))


def _missing_message(level: str, region: str, year: int) -> str:
    years = [y for _, _, y in available_factors(level, region)]
    have = ", ".join(str(y) for y in years) or "none"
    others = sorted({lv for lv, rg, y in available_factors() if y == year
                     and (rg == region or lv.startswith("national") or lv == "regional")})
    hint = ""
    if level == "provincial" and region == "tibet":
        hint = " (the MEE/NBS tables publish no value for Tibet 西藏: use level 'regional' or a value of your own)"
    elif others:
        hint = f"; levels published for {year}: {', '.join(others)}"
    return (f"no {level} grid emission factor for {region} in {year}; published years for it: {have}{hint} "
            f"(tables: MEE/NBS factors 2021-2023, see docs/sources.md)")


def grid_factor_level(level: str | None, year: int, province: str | None) -> str:
    """The factor level a scenario uses: its own, or where it gives none the site's province
    (the location basis the standards reference asks for: the 2023 provincial factor), the
    province's grid region where the tables publish no provincial value for it (Tibet), and
    the national average where the site's province is unknown."""
    if level is not None:
        return level
    if province is None:
        return "national"
    key = province_key(province)
    return "provincial" if any(y == year for *_, y in available_factors("provincial", key)) else "regional"


def check_emission_factor(level: str, year: int, province: str | None) -> None:
    """Check that the official factor a scenario asks for is in the bundled table.

    Parameters
    ----------
    level : str
        One of :data:`GRID_LEVELS`.
    year : int
        Factor year [yr].
    province : str or None
        The site's province (needed for ``regional`` and ``provincial``).

    Raises
    ------
    ValueError
        Saying what is missing and listing what is published.
    """
    grid_emission_factor(level, year, province)
