"""Assets built in a period (vintages): when they live, what they still deliver, what they cost.

An asset built in the period starting in year ``b`` with lifetime ``L`` is in service in
year ``y`` when ``b <= y < b + L`` (PyPSA's multi-period rule) and pays its annuity and
fixed O&M every year it is in service, not after. A period's plan must hold in every year the
period stands for, so a period ``[s, e)`` counts an earlier build as existing capacity only
when it serves the whole period (``b <= s`` and ``e <= b + L``): one whose life ends inside the
period is left out and the period replaces it (conservative; a planner who wants to use it
until it retires adds its retirement year to ``pathway.periods``). A build serves at least its own
period: where its life is shorter than the period, it is charged for every year of the period
(replaced like for like within it, as the period's plan uses it in every year). Battery energy fades
linearly with age to the battery's end-of-life capacity at its calendar life
(``BatterySpec.eol_capacity_fraction`` at ``calendar_life_years``), counted at the period's
first year, a planning simplification stated in the outputs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from solvers.problem import capital_recovery_factor
from twin.results.units import EXISTING_SIZE_FIELDS

#: Size keys that become existing capacity of later periods (the table the report reads too).
EXISTING_FIELDS = EXISTING_SIZE_FIELDS
#: Size key -> (minimum field, maximum field) of its scenario section (see :data:`EXISTING_FIELDS`).
BOUND_FIELDS = {"pv_kwp": ("min_kwp", "max_kwp"), "battery_kwh": ("min_kwh", "max_kwh"),
                "battery_kw": ("min_kw", "max_kw"), "heat_pump_kw": ("min_kw", "max_kw"),
                "tes_kwh": ("min_kwh", "max_kwh"), "boiler_kw": ("min_kw", "max_kw"),
                "chiller_kw": ("min_kw", "max_kw"), "cold_kwh": ("min_kwh", "max_kwh")}


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
    period_end: int | None = None
    """First year after its build period [yr]: it is charged at least until then (None: its life only)."""

    def in_service(self, year: int) -> bool:
        """True while ``year`` is within the asset's life."""
        return self.year <= year < self.year + self.lifetime_yr

    def serves(self, start: int, end: int) -> bool:
        """True when in service in every year of ``[start, end)``."""
        return self.year <= start and end <= self.year + self.lifetime_yr

    @property
    def retirement_year(self) -> int:
        """First year out of service [yr]."""
        return math.ceil(self.year + self.lifetime_yr)

    def capacity(self, year: int) -> float:
        """Capacity delivered in ``year`` [unit]: zero outside its life, faded by age."""
        if not self.in_service(year):
            return 0.0
        return self.size * max(1.0 - self.fade_per_yr * (year - self.year), 0.0)

    def charged_in(self, year: int) -> bool:
        """True when its annuity and O&M are paid in ``year``: in service, or within its own build period."""
        return self.in_service(year) or (self.period_end is not None and self.year <= year < self.period_end)

    def annual_cost(self, rate: float) -> float:
        """Annuity and fixed O&M per year in service [CNY/yr]."""
        capex = self.size * self.unit_capex_cny
        return capex * (capital_recovery_factor(rate, self.lifetime_yr) + self.om_fraction_per_yr)

    def to_dict(self) -> dict:
        return asdict(self)


def capacity_in(vintages: list[Vintage], key: str, asset: str | None, year: int) -> float:
    """Capacity of earlier builds of one asset still delivering in ``year`` [unit]."""
    return sum(v.capacity(year) for v in vintages if v.key == key and v.asset == asset)


def capacity_through(vintages: list[Vintage], key: str, asset: str | None, start: int, end: int) -> float:
    """Capacity of earlier builds of one asset that serve every year of ``[start, end)`` [unit]
    (faded to ``start``); a build retiring inside the span counts nothing."""
    return sum(v.capacity(start) for v in vintages if v.key == key and v.asset == asset and v.serves(start, end))


def capital_charge(vintages: list[Vintage], year: int, rate: float) -> float:
    """Annuities and O&M of every vintage charged in ``year`` (:meth:`Vintage.charged_in`) [CNY/yr]."""
    return sum(v.annual_cost(rate) for v in vintages if v.charged_in(year))


def capital_charges(vintages: list[Vintage], start: int, end: int, rate: float) -> dict[int, float]:
    """:func:`capital_charge` of each year of ``[start, end)`` {year: CNY/yr}: a vintage stops
    paying in the year it retires."""
    return {y: capital_charge(vintages, y, rate) for y in range(start, end)}


def inside_period(vintages: list[Vintage], start: int, end: int) -> list[Vintage]:
    """Vintages in service at ``start`` whose life ends inside ``(start, end)``: not counted as
    existing capacity of the period ``[start, end)`` (:meth:`Vintage.serves`)."""
    return [v for v in vintages if v.in_service(start) and not v.serves(start, end)]


def retiring(vintages: list[Vintage], start: int, end: int) -> list[Vintage]:
    """Vintages whose life ends within the years ``[start, end)``."""
    return [v for v in vintages if start <= v.year + v.lifetime_yr < end]
