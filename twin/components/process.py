"""Process (production) electric loads: annual energy with a built-in shape, or measured data.

No China-specific sector load profiles with numbers are published (none was
found), so the built-in shapes are SYNTHETIC:
engineering assumptions of shift pattern, night base and weekend level, calibrated to
annual load factor (average/peak) ranges assumed per sector [twin-assumption]. Every result carries the
shape's description so reports can label it synthetic. Calibrate against the park's
96-point meter data or monthly bills (``profile_csv``) where available.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.components.calendar import HOLIDAY, SATURDAY, SUNDAY, WORKDAY, china_day_types
from twin.components.life import ExistingLife


class ShapeDefinition(BaseModel):
    """Parameters of a synthetic sector load shape (relative units, peak ≈ 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    load_factor_range: tuple[float, float] = Field(description="Annual average/peak range assumed for the sector [twin-assumption] [-].")
    day_start: int = Field(description="First production hour of the day [h].")
    day_end: int = Field(description="End of production (exclusive) [h].")
    night_base: float = Field(description="Load outside production hours relative to day plateau [-].")
    level: dict[str, float] = Field(description="Plateau by day type relative to a working day [-].")
    summer_hump: float = Field(0.0, description="Extra load in July–August afternoons (HVAC) relative [-].")
    dip: tuple[int, int] | None = Field(None, description="Hours [start, end) of a lull inside production hours [h].")
    dip_level: float = Field(1.0, description="Load during the lull relative to the plateau [-].")


#: Built-in synthetic shapes, keyed by sector ([twin-assumption] ⚠).
SHAPES: dict[str, ShapeDefinition] = {
    "electronics_24h": ShapeDefinition(
        description="Electronics/semiconductor/PCB, 24/7 three shifts, cleanroom HVAC hump in summer "
        "(synthetic; load factor 0.75-0.90 [twin-assumption])",
        load_factor_range=(0.75, 0.90), day_start=0, day_end=24, night_base=0.92,
        level={WORKDAY: 1.0, SATURDAY: 0.95, SUNDAY: 0.92, HOLIDAY: 0.85}, summer_hump=0.10,
    ),
    "machinery_2shift": ShapeDefinition(
        description="Machinery/metalworking, two shifts 08-20, Saturday ~60 %, night base 20-35 % "
        "(synthetic; load factor 0.35-0.55 [twin-assumption])",
        load_factor_range=(0.35, 0.55), day_start=8, day_end=20, night_base=0.28,
        level={WORKDAY: 1.0, SATURDAY: 0.6, SUNDAY: 0.3, HOLIDAY: 0.25}, summer_hump=0.05,
    ),
    "food_2shift": ShapeDefinition(
        description="Food & beverage, two shifts with a refrigeration base "
        "(synthetic; load factor 0.50-0.70 [twin-assumption])",
        load_factor_range=(0.50, 0.70), day_start=7, day_end=21, night_base=0.5,
        level={WORKDAY: 1.0, SATURDAY: 0.85, SUNDAY: 0.7, HOLIDAY: 0.6}, summer_hump=0.08,
    ),
    "chemicals_continuous": ShapeDefinition(
        description="Continuous chemicals, 24/7 flat (synthetic; load factor 0.80-0.95 [twin-assumption])",
        load_factor_range=(0.80, 0.95), day_start=0, day_end=24, night_base=1.0,
        level={WORKDAY: 1.0, SATURDAY: 1.0, SUNDAY: 1.0, HOLIDAY: 0.85}, summer_hump=0.08,
    ),
    "logistics_handling": ShapeDefinition(
        description="Logistics handling (sorting, conveyors, forklifts charging), loading 06-10 and 16-22 "
        "(synthetic; cold-store refrigeration is modelled by the buildings component)",
        load_factor_range=(0.40, 0.60), day_start=6, day_end=22, night_base=0.2,
        level={WORKDAY: 1.0, SATURDAY: 0.9, SUNDAY: 0.8, HOLIDAY: 0.6}, summer_hump=0.0,
        dip=(10, 16), dip_level=0.45,
    ),
    "office_it": ShapeDefinition(
        description="Office plug loads and IT outside the building model, weekdays 08-18, weekend 30-40 % "
        "(synthetic; load factor 0.30-0.45 [twin-assumption])",
        load_factor_range=(0.30, 0.45), day_start=8, day_end=18, night_base=0.12,
        level={WORKDAY: 1.0, SATURDAY: 0.3, SUNDAY: 0.3, HOLIDAY: 0.25}, summer_hump=0.0,
        dip=(12, 13), dip_level=0.8,
    ),
}


class ProcessLoadSpec(BaseModel):
    """A process load: annual energy with a built-in shape, or an hourly CSV of the user's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Name of the load, e.g. 'SMT lines'.")
    annual_mwh: float | None = Field(
        None, gt=0, le=1e7, description="Annual electricity use [MWh/yr]; scales the shape (or the CSV if given)."
    )
    shape: Literal[tuple(SHAPES)] | None = Field(  # type: ignore[valid-type]
        None, description=f"Built-in synthetic shape: one of {', '.join(SHAPES)}."
    )
    profile_csv: Path | None = Field(
        None,
        description="Hourly measured load [kW], 8760 rows (a column 'p_kw' or the only numeric column); "
        "path relative to the scenario file.",
    )
    flexible_share: float = Field(
        0.0, ge=0, le=0.5,
        description="Share of the load that may be shifted within the day (reported as VPP-ready flexibility) [-].",
    )
    waste_heat_fraction: float = Field(
        0.0, ge=0, le=1,
        description="Fraction of the electricity that leaves as recoverable heat (e.g. compressors 0.5-0.9) [-].",
    )

    @model_validator(mode="after")
    def _not_modelled_yet(self) -> ProcessLoadSpec:
        # refused rather than silently ignored (twin.scenario.consumers.NOT_MODELLED)
        if self.flexible_share:
            raise ValueError(f"process load '{self.name}': flexible_share is not modelled yet (the load is "
                             "fixed); leave it at 0")
        if self.waste_heat_fraction:
            raise ValueError(f"process load '{self.name}': waste_heat_fraction is not modelled yet; declare the "
                             "recoverable heat as a waste_heat source (available_kw or annual_mwh, temperature_c)")
        return self

    @model_validator(mode="after")
    def _one_source(self) -> ProcessLoadSpec:
        if (self.shape is None) == (self.profile_csv is None):
            raise ValueError("give exactly one of 'shape' (with annual_mwh) or 'profile_csv'")
        if self.shape is not None and self.annual_mwh is None:
            raise ValueError("a built-in shape needs 'annual_mwh'")
        return self


def shape_profile(shape: ShapeDefinition, index: pd.DatetimeIndex, day_types: pd.Series | None = None) -> np.ndarray:
    """Relative hourly profile of a synthetic shape (peak about 1) [-].

    Production hours carry the day type's plateau; other hours ``night_base`` times
    that plateau; one-hour ramps at the shift edges; an afternoon summer hump in
    July–August for HVAC-sensitive sectors.
    """
    if day_types is None:
        day_types = china_day_types(index)
    level = day_types.map(shape.level).to_numpy(dtype=float)
    hour = index.hour.to_numpy()
    in_day = (hour >= shape.day_start) & (hour < shape.day_end)
    ramp = (hour == shape.day_start - 1) | (hour == shape.day_end)
    rel = np.where(in_day, 1.0, np.where(ramp, 0.5 * (1 + shape.night_base), shape.night_base))
    if shape.dip is not None:
        rel = np.where((hour >= shape.dip[0]) & (hour < shape.dip[1]), shape.dip_level, rel)
    prof = level * rel
    # weekend/holiday base cannot drop below the workday night base (refrigeration, compressors)
    prof = np.maximum(prof, shape.night_base * min(shape.level.values()))
    summer = np.isin(index.month.to_numpy(), (7, 8)) & (hour >= 12) & (hour < 18)
    return prof * (1.0 + shape.summer_hump * summer)


def read_profile_csv(path: Path, n_steps: int, column: str = "p_kw", what: str = "load [kW]",
                     notes: list[str] | None = None, upper: float | None = None) -> np.ndarray:
    """Read an hourly series (a load [kW] by default) of ``n_steps`` hours.

    The values are taken from ``column``, or from the only value column; quarter-hour,
    leap-year, semicolon/decimal-comma and time-stamped files are handled as described
    in :mod:`twin.hourly_csv`.

    Raises
    ------
    ValueError
        Naming the file, the row or column and what was expected.
    """
    from twin.hourly_csv import read_hourly_csv

    return read_hourly_csv(path, n_steps, column=column, what=what, notes=notes, upper=upper)


def process_load_kw(
    spec: ProcessLoadSpec,
    index: pd.DatetimeIndex,
    *,
    base_dir: Path | None = None,
    day_types: pd.Series | None = None,
    dt_h: float = 1.0,
) -> pd.Series:
    """Hourly electric demand of a process load [kW].

    Parameters
    ----------
    spec : ProcessLoadSpec
    index : pandas.DatetimeIndex
        Model time steps.
    base_dir : pathlib.Path, optional
        Directory against which a relative ``profile_csv`` is resolved.
    day_types : pandas.Series, optional
        Day types (:func:`twin.components.calendar.china_day_types`), computed if not given.
    dt_h : float
        Step length [h].

    Returns
    -------
    pandas.Series
        Demand [kW]; its annual energy equals ``annual_mwh`` when given.
    """
    if spec.profile_csv is not None:
        path = spec.profile_csv if base_dir is None or spec.profile_csv.is_absolute() else base_dir / spec.profile_csv
        prof = read_profile_csv(path, len(index))
        if spec.annual_mwh is not None:
            prof = prof * (spec.annual_mwh * 1000.0 / (prof.sum() * dt_h))
    else:
        rel = shape_profile(SHAPES[spec.shape], index, day_types)
        prof = rel * (spec.annual_mwh * 1000.0 / (rel.sum() * dt_h))
    return pd.Series(prof, index=index, name=f"p_process_{spec.name}_kw")


# --------------------------------------------------------------------------- process heat

#: Fuels of a process-heat demand's existing supply (a boiler; ``electric`` an electric boiler).
PROCESS_HEAT_FUELS = ("natural_gas", "coal", "oil", "biomass", "electric")


def _check_one_profile(spec, what: str, energy_unit: str) -> None:
    """A process heat or cooling demand's hourly shape given once (shape, follows_process or
    profile_csv) and its size once (annual_mwh or peak_kw, or the profile's own kW); ``what``
    names the kind in the error, ``energy_unit`` the unit of annual_mwh."""
    given = [k for k in ("shape", "follows_process", "profile_csv") if getattr(spec, k) is not None]
    if len(given) > 1:
        raise ValueError(f"{what} '{spec.name}': give at most one of shape, follows_process and "
                         f"profile_csv (got {', '.join(given)})")
    if spec.annual_mwh is not None and spec.peak_kw is not None:
        raise ValueError(f"{what} '{spec.name}': give annual_mwh or peak_kw, not both")
    if spec.profile_csv is None and spec.annual_mwh is None and spec.peak_kw is None:
        raise ValueError(f"{what} '{spec.name}': give annual_mwh [{energy_unit}] or peak_kw [kW] (or a "
                         "profile_csv of hourly kW)")


class ProcessHeatSpec(ExistingLife):
    """A process-heat demand: hot water or steam a production process needs, and its existing supply.

    The demand is ``annual_mwh`` spread over a profile (a built-in process shape, the shape of a
    process load, an hourly CSV, or flat), or ``peak_kw`` (the profile's maximum). At or below the
    park heat network's temperature (``heat_supply_temperature_c``) it joins the network; hotter, it
    has its own heat balance, served only by the boilers and heat pumps that name it in ``serves``
    and by waste heat hot enough for it. Its existing supply is a boiler of ``existing_fuel`` covering
    its peak where given (or ``existing_efficiency``), beside any declared boilers with existing
    capacity serving it; without it, those declared boilers, or, without any, a natural-gas boiler
    covering its peak (said so as implied in the outputs).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Name of the demand, e.g. 'sterilising steam' [-]; boilers and heat pumps "
                      "name it in 'serves'.")
    temperature_c: float = Field(ge=20, le=400, description="Temperature the process needs (supply) [°C]: "
                                 "hot water for washing or cooking 60-90, steam for sterilising or drying "
                                 "120-180.")
    medium: Literal["hot_water", "steam"] | None = Field(
        None, description="Heat carrier [-] (informative, for the report); None = steam above 100 °C, else "
        "hot water.")
    annual_mwh: float | None = Field(None, gt=0, le=1e7, description="Heat delivered to the process over the "
                                     "year [MWh/yr]; scales the profile.")
    peak_kw: float | None = Field(None, gt=0, le=2e6, description="Peak heat demand [kW] (alternative to "
                                  "annual_mwh): the profile's maximum.")
    shape: Literal[tuple(SHAPES)] | None = Field(  # type: ignore[valid-type]
        None, description=f"Built-in synthetic process shape: one of {', '.join(SHAPES)}; none of shape, "
        "follows_process and profile_csv = flat.")
    follows_process: str | None = Field(
        None, description="Name of a process load whose hourly shape the demand follows [-].")
    profile_csv: Path | None = Field(
        None, description="Hourly heat demand [kW], 8760 rows (a column 'q_kw' or the only numeric column); "
        "path relative to the scenario file; scaled to annual_mwh or peak_kw if one is given.")
    existing_fuel: Literal[PROCESS_HEAT_FUELS] | None = Field(  # type: ignore[valid-type]
        None, description="Fuel of the boiler supplying the demand today [-] (natural_gas, coal, oil, biomass, "
        "electric); None = a natural-gas boiler, implied, unless declared boilers with existing capacity serve "
        "the demand (then they alone are its supply). Given beside such boilers, both are today's supply: the "
        "boiler of this fuel covers the demand's peak, the declared ones add to it.")
    existing_efficiency: float | None = Field(
        None, gt=0, le=1.1, description="Efficiency of the existing boiler (heat out per fuel in, NCV) [-]; "
        "None = the fuel's default (boilers' BOILER_EFFICIENCY, an assumption).")
    keep_implied_supply: bool = Field(
        False, description="Keep the implied supply of a demand that states none (no existing_fuel or "
        "existing_efficiency: a natural-gas boiler covering its peak) beside declared boilers with existing capacity "
        "serving it, or beside the heat network's, which otherwise replace it [-]. `twin pathway` sets it in every "
        "period for a demand whose supply today is implied: a boiler an earlier period built is carried as "
        "existing_kw, and today's plant still stands beside it.")
    existing_commissioned_year: int | None = Field(
        None, ge=1950, le=2060, description="Year today's supply of the demand (the boiler of existing_fuel, or the "
        "implied natural-gas boiler) went into service [yr]; without existing_retires_year it retires after "
        "costs.electric_boiler.lifetime_years where that boiler is electric (a fuel-fired boiler has no cost entry: "
        "give existing_retires_year). Read by `twin pathway` only, as the assets' existing_commissioned_year. Not for "
        "a demand whose supply today is declared boilers: give their years.")
    existing_retires_year: int | None = Field(
        None, ge=1951, le=2100, description="First year today's supply of the demand (the boiler of existing_fuel, "
        "or the implied natural-gas boiler) is out of service [yr]; read by `twin pathway` only, as the assets' "
        "existing_retires_year.")
    supply_retired: bool = Field(
        False, description="Today's supply of the demand has retired [-]: no boiler of existing_fuel and none "
        "implied; declared boilers and heat pumps with capacity, waste heat and what the plan builds serve it. `twin "
        "pathway` sets it in the periods its supply does not stand through (existing_retires_year, or "
        "existing_commissioned_year + lifetime, or the retirement of the declared boilers that were its supply).")

    @model_validator(mode="after")
    def _one_profile(self) -> ProcessHeatSpec:
        _check_one_profile(self, "process heat", "MWh/yr")
        return self

    @property
    def carrier(self) -> str:
        """``hot_water`` or ``steam`` (given, or from the temperature)."""
        return self.medium or ("steam" if self.temperature_c > 100.0 else "hot_water")

    @property
    def states_supply(self) -> bool:
        """The demand states its supply today (``existing_fuel`` or ``existing_efficiency`` given)."""
        return self.existing_fuel is not None or self.existing_efficiency is not None

    @property
    def supply_fuel(self) -> str:
        """Fuel of the existing supply [-] (natural gas when not given)."""
        return self.existing_fuel or "natural_gas"

    @property
    def supply_efficiency(self) -> float:
        """Efficiency of the existing supply [-] (given, or the fuel's default)."""
        from twin.components.heat import BOILER_EFFICIENCY

        return self.existing_efficiency if self.existing_efficiency is not None else BOILER_EFFICIENCY[self.supply_fuel]


def process_heat_kw(spec: ProcessHeatSpec, index: pd.DatetimeIndex, *, base_dir: Path | None = None,
                    day_types: pd.Series | None = None, process_kw: dict | None = None,
                    dt_h: float = 1.0) -> pd.Series:
    """Hourly heat demand of a process-heat spec [kW].

    The shape (a built-in process shape, the process load ``follows_process`` from ``process_kw``
    {name: hourly kW}, the CSV, else flat) is scaled so that its energy over ``index`` is
    ``annual_mwh`` or its maximum is ``peak_kw``; a CSV without either is taken as it is.
    """
    prof = _demand_profile(spec, index, base_dir=base_dir, day_types=day_types, process_kw=process_kw, dt_h=dt_h,
                           what="process heat demand [kW]")
    return pd.Series(prof, index=index, name=f"q_process_heat_{spec.name}_kw")


def _demand_profile(spec, index: pd.DatetimeIndex, *, base_dir: Path | None, day_types: pd.Series | None,
                    process_kw: dict | None, dt_h: float, what: str) -> np.ndarray:
    """Hourly thermal demand [kW] of a process-heat or process-cooling spec: the shape (a built-in
    process shape, the process load ``follows_process`` from ``process_kw`` {name: hourly kW}, the CSV's
    column ``q_kw``, else flat) scaled so that its energy over ``index`` is ``annual_mwh`` [MWh] or its
    maximum ``peak_kw`` [kW]; a CSV without either is taken as it is."""
    if spec.profile_csv is not None:
        path = spec.profile_csv if base_dir is None or spec.profile_csv.is_absolute() else base_dir / spec.profile_csv
        rel = read_profile_csv(path, len(index), column="q_kw", what=what)
    elif spec.shape is not None:
        rel = shape_profile(SHAPES[spec.shape], index, day_types)
    elif spec.follows_process is not None:
        rel = np.asarray((process_kw or {})[spec.follows_process], float)
    else:
        rel = np.ones(len(index))
    rel = np.clip(np.asarray(rel, float), 0.0, None)
    if spec.annual_mwh is not None:
        total = rel.sum() * dt_h
        return rel * (spec.annual_mwh * 1000.0 / total) if total > 0 else rel * 0.0
    if spec.peak_kw is not None:
        peak = rel.max() if rel.size else 0.0
        return rel * (spec.peak_kw / peak) if peak > 0 else rel * 0.0
    return rel


# --------------------------------------------------------------------------- process cooling


class ProcessCoolingSpec(ExistingLife):
    """A process-cooling demand: chilled water a production process needs, and its existing supply.

    Cleanroom and process chilled water of electronics and pharmaceutical plants (5-12 °C),
    injection-moulding mould and tool cooling (10-18 °C), cold-chain process chilling (glycol below
    0 °C). The demand is ``annual_mwh`` of cooling spread over a profile (a built-in process shape, the
    shape of a process load, an hourly CSV, or flat), or ``peak_kw`` (the profile's maximum). At the
    temperature of the park's chilled-water network (``cooling_supply_temperature_c``) it joins the
    network and is served by its chillers with the buildings' cooling; at any other temperature it has
    its own cooling balance (its own loop), served only by the chillers that name it in ``serves``. A
    chiller whose chilled water is warmer than the loop it supplies cannot serve it. Its existing
    supply is an electric chiller covering its peak at ``existing_cop`` (a constant seasonal COP) where
    given, beside any declared chillers with existing capacity serving it; without ``existing_cop``,
    those declared chillers, or, without any, an air-cooled chiller at the demand's temperature with
    the Carnot-based COP of :func:`twin.components.heat.chiller_cop` (ASSUMED, said so as implied in
    the outputs). With ``existing_cop`` alone the baseline's electricity for the demand is its hourly
    cooling divided by that COP.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Name of the demand, e.g. 'cleanroom chilled water' [-]; chillers name it in "
                      "'serves'.")
    temperature_c: float = Field(ge=-10, le=25, description="Chilled-water (or brine) supply temperature the "
                                 "process needs [°C]: cleanroom make-up air 5-7, process chilled water 7-12, mould "
                                 "and tool cooling 10-18, cold-chain process chilling below 0 (the chillers' "
                                 "range, -10 to 25).")
    annual_mwh: float | None = Field(None, gt=0, le=1e7, description="Cooling delivered to the process over the "
                                     "year [MWh/yr] (heat removed, not electricity); scales the profile.")
    peak_kw: float | None = Field(None, gt=0, le=2e6, description="Peak cooling demand [kW] (alternative to "
                                  "annual_mwh): the profile's maximum.")
    shape: Literal[tuple(SHAPES)] | None = Field(  # type: ignore[valid-type]
        None, description=f"Built-in synthetic process shape: one of {', '.join(SHAPES)}; none of shape, "
        "follows_process and profile_csv = flat.")
    follows_process: str | None = Field(
        None, description="Name of a process load whose hourly shape the demand follows [-].")
    profile_csv: Path | None = Field(
        None, description="Hourly cooling demand [kW], 8760 rows (a column 'q_kw' or the only numeric column); "
        "path relative to the scenario file; scaled to annual_mwh or peak_kw if one is given.")
    existing_cop: float | None = Field(
        None, gt=0, le=15, description="Seasonal COP of the chillers supplying the demand today (cooling out per "
        "electricity in, including what the planner counts of pumps and cooling towers) [-]; the baseline's "
        "electricity for the demand is its cooling / this COP. None = an air-cooled electric chiller at the "
        "demand's temperature (COP from the Carnot model, ASSUMED), implied, unless declared chillers with "
        "existing capacity serve the demand (then they alone are its supply). Given beside such chillers, both "
        "are today's supply: the chillers at this COP cover the demand's peak, the declared ones add to them.")
    keep_implied_supply: bool = Field(
        False, description="Keep the implied supply of a demand that states none (no existing_cop: an air-cooled "
        "chiller covering its peak) beside declared chillers with existing capacity serving it, or beside the "
        "chilled-water network's, which otherwise replace it [-]. `twin pathway` sets it in every period for a "
        "demand whose supply today is implied: a chiller an earlier period built is carried as existing_kw, and "
        "today's plant still stands beside it.")
    existing_commissioned_year: int | None = Field(
        None, ge=1950, le=2060, description="Year today's supply of the demand (the chillers at existing_cop, or the "
        "implied air-cooled chiller) went into service [yr]; without existing_retires_year it retires after "
        "costs.chiller.lifetime_years. Read by `twin pathway` only, as the assets' existing_commissioned_year. Not "
        "for a demand whose supply today is declared chillers: give their years.")
    existing_retires_year: int | None = Field(
        None, ge=1951, le=2100, description="First year today's supply of the demand (the chillers at existing_cop, "
        "or the implied air-cooled chiller) is out of service [yr]; read by `twin pathway` only, as the assets' "
        "existing_retires_year.")
    supply_retired: bool = Field(
        False, description="Today's supply of the demand has retired [-]: no chiller at existing_cop and none "
        "implied; declared chillers with capacity and what the plan builds serve it. `twin pathway` sets it in the "
        "periods its supply does not stand through (existing_retires_year, or existing_commissioned_year + "
        "lifetime, or the retirement of the declared chillers that were its supply).")

    @model_validator(mode="after")
    def _one_profile(self) -> ProcessCoolingSpec:
        _check_one_profile(self, "process cooling", "MWh/yr of cooling")
        return self


def process_cooling_kw(spec: ProcessCoolingSpec, index: pd.DatetimeIndex, *, base_dir: Path | None = None,
                       day_types: pd.Series | None = None, process_kw: dict | None = None,
                       dt_h: float = 1.0) -> pd.Series:
    """Hourly cooling demand of a process-cooling spec [kW] (heat removed from the process).

    As :func:`process_heat_kw`: the shape (a built-in process shape, the process load
    ``follows_process`` from ``process_kw`` {name: hourly kW}, the CSV, else flat) scaled so that its
    energy over ``index`` is ``annual_mwh`` or its maximum is ``peak_kw``; a CSV without either is
    taken as it is.
    """
    prof = _demand_profile(spec, index, base_dir=base_dir, day_types=day_types, process_kw=process_kw, dt_h=dt_h,
                           what="process cooling demand [kW]")
    return pd.Series(prof, index=index, name=f"q_process_cooling_{spec.name}_kw")


class ProcessEmissionSpec(BaseModel):
    """Industrial-process CO2 of the park, as the planner declares it (910号 annex 4's E工业过程).

    Process CO2 is not combustion: carbonates decomposed in kilns and furnaces (cement clinker, lime,
    glass, ceramics), reducing agents (carbon anodes, coke in metallurgy), feedstock in chemicals. The
    tool does not compute it; it counts the declared tonnes in the park's gross emissions, in the
    core indicator's numerator on both bases, in the targets and in the offsets' basis, the same in
    the plan and the baseline (no asset of the model reduces it).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)  # a blank source is none

    name: str = Field(min_length=1, description="What emits, e.g. 'float-glass furnace: carbonate decomposition'.")
    co2_t_per_yr: float = Field(
        ge=0, le=1e8,
        description="Process CO2 per year [tCO2/yr], as accounted under the sector's method (the GB/T 32151 "
        "series; e.g. carbonate decomposition: raw-material mass × carbonate content × its emission factor).")
    source: str = Field(
        min_length=1,
        description="Where the figure comes from, as an assessor will ask for it: the accounting report or "
        "monitoring plan, its year and method, e.g. '2024 GHG report, carbonate method of the sector\'s GB/T 32151 part'.")
