"""Assets built in a period (vintages): when they live, what they still deliver, what they cost.

An asset built in the period starting in year ``b`` with lifetime ``L`` is in service in
year ``y`` when ``b <= y < b + L`` (PyPSA's multi-period rule) and pays its annuity every
year it is in service. Battery energy fades linearly with age to the battery's end-of-life
capacity at its calendar life (``BatterySpec.eol_capacity_fraction`` at
``calendar_life_years``), a planning simplification stated in the outputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from solvers.problem import capital_recovery_factor
from twin.results.units import EXISTING_SIZE_FIELDS

#: Size keys that become existing capacity of later periods (the table the report reads too).
EXISTING_FIELDS = EXISTING_SIZE_FIELDS


@dataclass(frozen=True)
class Vintage:
    """Capacity of one asset built in one period."""

    key: str
    """Size key (:data:`EXISTING_FIELDS`)."""
    asset: str | None
    """Asset name for listed assets (PV array, heat pump, boiler, chiller), else None."""
    year: int
    """First year in service (the period's first year) [yr]."""
    size: float
    """Capacity built [kWp, kWh or kW]."""
    unit_capex_cny: float
    """Overnight cost per unit in the build year [CNY/unit]."""
    lifetime_yr: float
    """Economic and technical life [yr]."""
    om_fraction_per_yr: float = 0.0
    """Fixed O&M per year as a fraction of capex [1/yr]."""
    fade_per_yr: float = 0.0
    """Capacity lost per year of age as a fraction of the new size [1/yr] (battery energy)."""

    def in_service(self, year: int) -> bool:
        """True while ``year`` is within the asset's life."""
        return self.year <= year < self.year + self.lifetime_yr

    def capacity(self, year: int) -> float:
        """Capacity delivered in ``year`` [unit]: zero outside its life, faded by age."""
        if not self.in_service(year):
            return 0.0
        return self.size * max(1.0 - self.fade_per_yr * (year - self.year), 0.0)

    def annual_cost(self, rate: float) -> float:
        """Annuity and fixed O&M per year in service [CNY/yr]."""
        capex = self.size * self.unit_capex_cny
        return capex * (capital_recovery_factor(rate, self.lifetime_yr) + self.om_fraction_per_yr)

    def to_dict(self) -> dict:
        return asdict(self)


def capacity_in(vintages: list[Vintage], key: str, asset: str | None, year: int) -> float:
    """Capacity of earlier builds of one asset still delivering in ``year`` [unit]."""
    return sum(v.capacity(year) for v in vintages if v.key == key and v.asset == asset)


def capital_charge(vintages: list[Vintage], year: int, rate: float) -> float:
    """Annuities and O&M of every vintage in service in ``year`` [CNY/yr]."""
    return sum(v.annual_cost(rate) for v in vintages if v.in_service(year))


def retiring(vintages: list[Vintage], start: int, end: int) -> list[Vintage]:
    """Vintages whose life ends within the years ``[start, end)``."""
    return [v for v in vintages if start <= v.year + v.lifetime_yr < end]
