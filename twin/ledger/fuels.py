"""Fuel reference factors (GB/T 2589-2020 calorific values, IPCC 2006 CO2 factors).

The table lives in ``twin/data/fuel_factors.csv`` with its sources; this module only
reads it and converts fuel energy to tce and CO2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from twin.factors import MJ_PER_KGCE

#: Dispatch fuel names (``fuel_<name>_kw``) mapped to rows of the fuel table.
DISPATCH_FUEL_ALIASES = {"gas": "natural_gas", "ng": "natural_gas", "oil": "fuel_oil", "coal": "raw_coal"}

#: Megajoules per kilowatt-hour [MJ/kWh].
MJ_PER_KWH = 3.6


@dataclass(frozen=True)
class FuelFactor:
    """Reference factors of one fuel."""

    fuel: str
    name_zh: str
    unit: str
    ncv_low_kj_per_unit: float
    ncv_high_kj_per_unit: float
    co2_kg_per_tj: float
    ncv_source: str
    co2_source: str

    @property
    def co2_kg_per_kwh(self) -> float:
        """CO2 per unit of fuel energy on a net calorific basis [kgCO2/kWh]."""
        return self.co2_kg_per_tj * MJ_PER_KWH * 1e-6


@cache
def fuel_table() -> pd.DataFrame:
    """The bundled fuel factor table (one row per fuel)."""
    with resources.files("twin.data").joinpath("fuel_factors.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


def fuel_factor(name: str) -> FuelFactor:
    """Look up a fuel by table key or dispatch alias (``gas`` → ``natural_gas``).

    Raises
    ------
    KeyError
        With the accepted names when the fuel is unknown.
    """
    key = DISPATCH_FUEL_ALIASES.get(name, name)
    t = fuel_table().set_index("fuel")
    if key not in t.index:
        raise KeyError(
            f"unknown fuel {name!r}; accepted: {', '.join(t.index)} or aliases {', '.join(DISPATCH_FUEL_ALIASES)}"
        )
    r = t.loc[key]
    return FuelFactor(
        fuel=key,
        name_zh=str(r["name_zh"]),
        unit=str(r["unit"]),
        ncv_low_kj_per_unit=float(r["ncv_low_kj_per_unit"]),
        ncv_high_kj_per_unit=float(r["ncv_high_kj_per_unit"]),
        co2_kg_per_tj=float(r["co2_kg_per_tj"]),
        ncv_source=str(r["ncv_source"]),
        co2_source=str(r["co2_source"]),
    )


def kwh_to_tce(energy_kwh):
    """Energy on a net calorific basis to tonnes of standard coal.

    ``tce = E [kWh] · 3.6 [MJ/kWh] / 29.3076 [MJ/kgce] / 1000`` (GB/T 2589-2020: 1 kgce =
    29 307.6 kJ net calorific value). Works on scalars and arrays.
    """
    return energy_kwh * MJ_PER_KWH / MJ_PER_KGCE / 1000.0
