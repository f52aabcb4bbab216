"""The ``pathway`` section of a scenario: investment periods and what changes between them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Cost entries of the scenario's ``costs`` section that a learning rate may apply to.
LEARNING_KEYS = ("pv", "battery_energy", "battery_power", "heat_pump", "thermal_storage", "electric_boiler",
                 "chiller", "absorption_chiller", "waste_heat_exchanger", "v2g_charger_extra",
                 "chilled_water_storage", "ice_storage")


class GridFactorPathSpec(BaseModel):
    """How the location-based grid emission factor develops over the periods."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    projection: Literal["trend", "constant"] = Field(
        "trend",
        description="Factor of a period without a value of its own: 'trend' = the least-squares linear trend "
        "of the published factors of the scenario's level and place (2021-2023, [mee-nbs-ef-2021] "
        "[mee-nbs-ef-2022] [mee-nbs-ef-2023]) extended to the period's year and held at zero or above, and "
        "never above the latest published value (a rising 2021-2023 trend, as in the hydro provinces after "
        "the 2022 drought, is held there) — a PROJECTION, labelled as such in every output, not an official "
        "value; 'constant' = the scenario's "
        "factor in every period.",
    )
    values_kgco2_per_kwh: dict[int, Annotated[float, Field(ge=0, le=1.5)]] = Field(
        default_factory=dict,
        description="The planner's own factor for some periods, by year [kgCO2/kWh] (e.g. a provincial plan's "
        "target); used instead of the projection for those years.",
    )


class PathwaySpec(BaseModel):
    """Investment periods from today to the target year and the values that change between them.

    Each period is sized as a typical year (or linked representative days) in turn: assets
    built in earlier periods are existing capacity of a period when they live through all of
    it (``build year <= year < build year + lifetime`` in every year of the period; one that
    retires inside it is replaced by the period; batteries lose capacity with age), and the
    period's grid factor, loads, costs and prices apply (myopic: a period does not know the later
    ones; foresight: all periods are sized together in one LP). Every period's values and
    where they came from are in the outputs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    periods: list[Annotated[int, Field(ge=2020, le=2060)]] = Field(
        ..., min_length=1, max_length=12,
        description="First year of each investment period, ascending [yr], e.g. [2026, 2028, 2030, 2035]; a "
        "period lasts until the next one starts.",
    )
    end_year: int | None = Field(
        None, ge=2021, le=2080,
        description="First year after the last period [yr]; default: the last period + 5. Costs of the years "
        "[first period, end_year) are discounted to the first period's year.",
    )
    mode: Literal["myopic", "foresight"] = Field(
        "myopic",
        description="How periods are sized: 'myopic' = one period after the other, each knowing only its own "
        "values (what a planner deciding today for today's prices would build); 'foresight' = all periods "
        "together in one LP (perfect foresight: builds early when later prices, factors or targets make it "
        "pay, as PyPSA's multi-period investment does); LP only (no discrete costs), objective min_cost or "
        "net_zero in every period.",
    )
    representative_days: int | None = Field(
        24, ge=4, le=120,
        description="Linked representative days each period is sized on (then dispatched over the full year); "
        "null = size on the full year (slower).",
    )
    load_growth_per_year: float = Field(
        0.0, ge=-0.2, le=0.5,
        description="Growth of every process load's annual energy, and of every process-heat and process-cooling "
        "demand (its annual energy or peak), per year from the first period [1/yr] (buildings and EV fleets change "
        "only through period_overrides).",
    )
    grid_factor: GridFactorPathSpec = Field(default_factory=GridFactorPathSpec,
                                            description="Grid emission factor over the periods.")
    cost_learning_per_year: dict[str, Annotated[float, Field(ge=-0.2, le=0.5)]] = Field(
        default_factory=dict,
        description="Fall of each cost entry's capex per year from the first period [1/yr], by name of the "
        f"costs section ({', '.join(LEARNING_KEYS)}), e.g. {{pv: 0.04, battery_energy: 0.06}}; the planner "
        "states them (no default learning rate).",
    )
    carbon_price_growth_per_year: float = Field(
        0.0, ge=-0.5, le=1.0,
        description="Growth of carbon.carbon_price_cny_per_t per year from the first period [1/yr].",
    )
    period_overrides: dict[int, dict[str, Any]] = Field(
        default_factory=dict,
        description="Any scenario field for a period and the periods after it, as dotted paths (the override API, "
        "e.g. {2030: {'targets.core_indicator_max_tco2_per_tce': 0.5}, 2035: {'objective.kind': 'net_zero'}}); "
        "a later period's value wins.",
    )

    @model_validator(mode="after")
    def _check(self):
        p = list(self.periods)
        if p != sorted(set(p)):
            raise ValueError(f"periods must be distinct years in ascending order, got {p}")
        if self.end_year is not None and self.end_year <= p[-1]:
            raise ValueError(f"end_year {self.end_year} must come after the last period {p[-1]}")
        bad = sorted(set(self.cost_learning_per_year) - set(LEARNING_KEYS))
        if bad:
            raise ValueError(f"cost_learning_per_year: unknown cost entries {bad}; known: {list(LEARNING_KEYS)}")
        for name, years in (("period_overrides", self.period_overrides),
                            ("grid_factor.values_kgco2_per_kwh", self.grid_factor.values_kgco2_per_kwh)):
            extra = sorted(set(years) - set(p))
            if extra:
                raise ValueError(f"{name}: years {extra} are not periods {p}")
        for year, ov in self.period_overrides.items():
            if any(str(k).startswith("pathway") for k in ov):
                raise ValueError(f"period_overrides[{year}]: the pathway section cannot change itself")
        return self

    @property
    def last_year(self) -> int:
        """First year after the horizon [yr]."""
        return self.end_year if self.end_year is not None else self.periods[-1] + 5
