"""Cost of one technology (the scenario's ``costs`` entries and the own costs a store may give).

Lives with the components so that a component spec (a battery, a thermal store) can carry
its own costs; :mod:`twin.scenario.schema` re-exports it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AssetCost(BaseModel):
    """Capital and fixed operating cost of one technology."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capex_cny_per_unit: float = Field(ge=0, le=1e6, description="Investment per unit of size [CNY per kWp, kWh or kW, see the field].")
    lifetime_years: float = Field(ge=1, le=60, description="Economic lifetime [yr].")
    om_fraction_per_year: float = Field(0.01, ge=0, le=0.2, description="Fixed O&M per year as a share of capex [-].")
    fixed_build_cny: float = Field(
        0.0, ge=0, le=1e10, description="Cost of building the technology at all (grid connection, design) [CNY]; makes the model a MILP."
    )
    min_build: float = Field(
        0.0, ge=0, le=1e7, description="Smallest new size if built at all [kWp, kWh or kW]; makes the model a MILP."
    )
    module_size: float = Field(
        0.0, ge=0, le=1e7, description="Size of one discrete module (e.g. a 215 kWh cabinet) [kWp, kWh or kW]; makes the model a MILP."
    )
