"""When today's installed plant went into service and when it retires.

An asset's existing capacity (``existing_kw``, ``existing_kwh``, ``existing_kwp``; the supply today of a
process demand; the plant the twin implies for the heat and chilled-water networks) is today's park.
:class:`ExistingLife` gives it a commissioning year and/or a retirement year; ``twin pathway`` removes it
from the periods its life does not cover (:mod:`twin.pathway.existing`). A single run ignores both: its
year is today's park.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

#: Description of :attr:`ExistingLife.existing_commissioned_year` (reused by the specs that restate it).
COMMISSIONED_DESCRIPTION = (
    "Year today's installed capacity went into service [yr]. Without existing_retires_year it is out of service "
    "from this year + the lifetime_years of the cost entry that prices the asset (costs.*, or the asset's own "
    "cost): the economic life stands for the technical one, an assumption said in the pathway's outputs. Read by "
    "`twin pathway` only: a period whose years the asset does not all stand in does not count it as existing "
    "capacity (as an asset the pathway built); none of the two years = it stands for the whole pathway (a note "
    "says so). Not after park.planning_year.")
#: Description of :attr:`ExistingLife.existing_retires_year`.
RETIRES_DESCRIPTION = (
    "First year today's installed capacity is out of service [yr] (its end of life, a planned decommissioning, "
    "the end of a lease or permit); given, it is used instead of existing_commissioned_year + lifetime. Read by "
    "`twin pathway` only (see existing_commissioned_year). After park.planning_year and after "
    "existing_commissioned_year.")


class ExistingLife(BaseModel):
    """Commissioning and retirement year of an asset's existing capacity (read by ``twin pathway``)."""

    existing_commissioned_year: int | None = Field(None, ge=1950, le=2060, description=COMMISSIONED_DESCRIPTION)
    existing_retires_year: int | None = Field(None, ge=1951, le=2100, description=RETIRES_DESCRIPTION)

    @model_validator(mode="after")
    def _retires_after_commissioning(self):
        c, r = self.existing_commissioned_year, self.existing_retires_year
        if c is not None and r is not None and r <= c:
            who = getattr(self, "name", None)
            raise ValueError(f"{repr(who) + ': ' if who else ''}existing_retires_year {r} is not after "
                             f"existing_commissioned_year {c} (the first year out of service comes after the year it "
                             "went into service)")
        return self

    @property
    def states_life(self) -> bool:
        """A commissioning or a retirement year is given."""
        return self.existing_commissioned_year is not None or self.existing_retires_year is not None


__all__ = ["COMMISSIONED_DESCRIPTION", "RETIRES_DESCRIPTION", "ExistingLife"]
