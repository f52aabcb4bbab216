"""Today's plant over a pathway: when each existing asset retires and what that takes out of a period.

The scenario's existing capacity is today's park (``park.planning_year``): the listed assets'
``existing_kw`` / ``existing_kwh`` / ``existing_kwp``, the supply today of each process demand (the
boiler of its ``existing_fuel``, the chillers at its ``existing_cop``, or the implied ones) and the plant
the twin implies for the heat and chilled-water networks (``implied gas boiler``, ``implied chiller``).
Each may state ``existing_commissioned_year`` and/or ``existing_retires_year``
(:class:`twin.components.life.ExistingLife`; on the process demand for its supply, under
``implied_plant`` for the networks' plant). The first year out of service is the retirement year where
given, else the commissioning year + the ``lifetime_years`` of the cost entry that prices the asset
(its economic life taken as its technical life, ASSUMED and said so). The rule is the vintages'
(:mod:`twin.pathway.vintages`): the asset is existing capacity of a period ``[start, end)`` only when
it stands in every year of it (``retires >= end``); one whose life ends inside the period is not, and
the period replaces it (a new build at the period's costs, sized by the plan) or does without.
Without either year the asset stands for the whole pathway, as before (a note says so).

A period's baseline (its park before new builds) keeps today's plant that has retired like for
like: without its boilers or chillers the park could not serve its heat or cooling at all.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from twin.pathway.vintages import BOUND_FIELDS, EXISTING_FIELDS

#: Asset lists of the scenario whose existing capacity may retire: (section, kind shown, size keys).
LISTED = (("pv_arrays", "PV array", ("pv_kwp",)), ("batteries", "battery", ("battery_kwh", "battery_kw")),
          ("heat_pumps", "heat pump", ("heat_pump_kw",)), ("thermal_stores", "thermal store", ("tes_kwh",)),
          ("cold_stores", "cold store", ("cold_kwh",)), ("boilers", "boiler", ("boiler_kw",)),
          ("chillers", "chiller", ("chiller_kw",)))

#: Names of the plant the twin implies for the networks (:func:`twin.plan.boilers_of`, :func:`twin.plan.chillers_of`).
IMPLIED_NETWORK = {"boiler": ("boiler_kw", "implied gas boiler"), "chiller": ("chiller_kw", "implied chiller")}


@dataclass(frozen=True)
class ExistingAsset:
    """One piece of today's plant and when it retires."""

    where: str
    """Scenario path of the entry that holds its years (``boilers.0``, ``process_heat.1``, ``implied_plant.boiler``)."""
    section: str
    """``pv_arrays`` ... ``chillers``, ``process_heat``, ``process_cooling`` or ``implied_plant``."""
    entry: str
    """Name of the scenario entry (the asset, the process demand, or ``boiler`` / ``chiller`` of ``implied_plant``)."""
    kind: str
    """What it is, as the outputs say: ``PV array``, ``battery``, ``heat pump``, ``thermal store``, ``cold store``,
    ``boiler``, ``chiller``."""
    name: str
    """Its name in the plan's sizes (``boiler_kw[<name>]``)."""
    keys: tuple
    """Size keys it holds (a battery: energy and power)."""
    commissioned: int | None
    """Year it went into service [yr] (None: not given)."""
    retires: int | None
    """First year out of service [yr] (None: it stands for the whole pathway)."""
    basis: str
    """Where ``retires`` comes from: ``existing_retires_year``, ``existing_commissioned_year + <cost
    entry>.lifetime_years``, or ``none``."""
    lifetime_yr: float | None = None
    """The cost entry's lifetime used for ``retires`` [yr] (None where the retirement year is given)."""
    implied: bool = False
    """Plant the twin implies (a process demand's supply today, the networks' implied boiler or chiller):
    no existing-size field, so what replaces it is not carried as a vintage."""

    @property
    def label(self) -> str:
        """``boiler 'gas boilers'``."""
        return f"{self.kind} '{self.name}'"

    @property
    def size_names(self) -> tuple:
        """Its size names in the plan (``battery_kwh[bess]``, ``battery_kw[bess]``)."""
        return tuple(f"{k}[{self.name}]" for k in self.keys)

    def stands(self, start: int, end: int) -> bool:
        """True when it stands in every year of ``[start, end)`` (``retires >= end``)."""
        return self.retires is None or self.retires >= end

    def to_dict(self) -> dict:
        return {**asdict(self), "keys": list(self.keys), "label": self.label}


def life_cost(sc, section: str, spec):
    """The cost entry that prices an asset of ``section`` and its name, ``(AssetCost | None, "costs.pv")``
    (None where nothing prices it: a fuel-fired boiler, the networks' implied gas boiler)."""
    c = sc.costs
    fixed = {"pv_arrays": "pv", "heat_pumps": "heat_pump", "process_cooling": "chiller"}
    if section in fixed:
        return getattr(c, fixed[section]), f"costs.{fixed[section]}"
    if section == "batteries":
        if spec.energy_cost is not None:
            return spec.energy_cost, f"batteries[{spec.name}].energy_cost"
        return c.battery_energy, "costs.battery_energy"
    if section in ("thermal_stores", "cold_stores"):
        if spec.cost is not None:
            return spec.cost, f"{section}[{spec.name}].cost"
        entry = ("thermal_storage" if section == "thermal_stores" else
                 "chilled_water_storage" if spec.kind == "chilled_water" else "ice_storage")
        return getattr(c, entry), f"costs.{entry}"
    if section == "boilers":
        return (c.electric_boiler, "costs.electric_boiler") if spec.fuel == "electric" else (None, None)
    if section == "chillers":
        entry = "chiller" if spec.kind == "electric" else "absorption_chiller"
        return getattr(c, entry), f"costs.{entry}"
    if section == "process_heat":
        return (c.electric_boiler, "costs.electric_boiler") if spec.supply_fuel == "electric" else (None, None)
    if section == "implied_plant":
        return (c.chiller, "costs.chiller") if spec is sc.implied_plant.chiller else (None, None)
    raise ValueError(f"no cost entry for {section}")


def retirement(spec, cost, entry: str | None) -> tuple[int | None, str, float | None]:
    """``(first year out of service, basis, lifetime used)`` of an entry with :class:`ExistingLife` years
    [yr]: ``existing_retires_year`` where given, else ``ceil(existing_commissioned_year + lifetime)`` of its
    cost entry; ``(None, "none", None)`` without either year or without a cost entry to take the life from
    (the scenario check refuses that)."""
    if spec.existing_retires_year is not None:
        return int(spec.existing_retires_year), "existing_retires_year", None
    if spec.existing_commissioned_year is not None and cost is not None:
        life = float(cost.lifetime_years)
        return (math.ceil(spec.existing_commissioned_year + life), f"existing_commissioned_year + {entry}.lifetime_years",
                life)
    return None, "none", None


def _has_capacity(section: str, spec) -> bool:
    return any(float(getattr(spec, fld)) > 0 for key, (sec, fld) in EXISTING_FIELDS.items() if sec == section)


def own_supply(sc, section: str, d) -> bool:
    """Process demand ``d`` has a supply of its own today (the boiler of its ``existing_fuel``, the chillers
    at its ``existing_cop``, or an implied one) rather than declared plant serving it."""
    from twin.plan import cooling_supply_implied, heat_supply_implied

    if section == "process_heat":
        return d.states_supply or heat_supply_implied(sc, d.name)
    return d.existing_cop is not None or cooling_supply_implied(sc, d.name)


def network_has_declared(sc, unit: str) -> bool:
    """A declared boiler serves the heat network (``unit`` ``boiler``) or a declared chiller supplies the
    chilled-water network (``chiller``): then none is implied for it."""
    from solvers.problem import COOL_BUS
    from twin.plan import cooling_bus_of

    if unit == "boiler":
        return any(b.serves is None for b in sc.boilers)
    return any(cooling_bus_of(sc, c.serves) == COOL_BUS for c in sc.chillers)


def existing_assets(sc, present=()) -> list[ExistingAsset]:
    """Today's plant of scenario ``sc`` with its retirement year: every listed asset with existing capacity,
    the own supply of each process demand, and the networks' implied boiler and chiller where they state a
    year or are in ``present`` (size names of a run's plan, ``boiler_kw[implied gas boiler]``)."""
    out = []
    for section, kind, keys in LISTED:
        for i, a in enumerate(getattr(sc, section)):
            if not _has_capacity(section, a):
                continue
            cost, entry = life_cost(sc, section, a)
            retires, basis, life = retirement(a, cost, entry)
            out.append(ExistingAsset(f"{section}.{i}", section, a.name, kind, a.name, keys,
                                     a.existing_commissioned_year, retires, basis, life))
    for section, kind, key in (("process_heat", "boiler", "boiler_kw"), ("process_cooling", "chiller", "chiller_kw")):
        for i, d in enumerate(getattr(sc, section)):
            if d.supply_retired or not own_supply(sc, section, d):
                continue
            cost, entry = life_cost(sc, section, d)
            retires, basis, life = retirement(d, cost, entry)
            out.append(ExistingAsset(f"{section}.{i}", section, d.name, kind, f"{d.name} {kind}", (key,),
                                     d.existing_commissioned_year, retires, basis, life, implied=True))
    for unit, (key, name) in IMPLIED_NETWORK.items():
        spec = getattr(sc.implied_plant, unit)
        if spec.retired or not (spec.states_life or f"{key}[{name}]" in present):
            continue
        cost, entry = life_cost(sc, "implied_plant", spec)
        retires, basis, life = retirement(spec, cost, entry)
        out.append(ExistingAsset(f"implied_plant.{unit}", "implied_plant", unit, unit, name, (key,),
                                 spec.existing_commissioned_year, retires, basis, life, implied=True))
    return out


def life_problems(sc) -> list[tuple[str, str]]:
    """What is wrong with the commissioning and retirement years of today's plant, as ``(field path,
    message)``: a year on an entry without existing capacity or supply of its own, or on implied plant the
    scenario does not imply; commissioning after ``park.planning_year``; a retirement at or before it (the
    asset is not part of today's park); a commissioning year alone where no cost entry gives a life; the
    implied chiller's replacement without ``costs.chiller``. (A retirement not after the commissioning year
    is refused by the entry itself.)"""
    out: list[tuple[str, str]] = []
    today = sc.park.planning_year
    checked = []
    for section, kind, _ in LISTED:
        for i, a in enumerate(getattr(sc, section)):
            if not a.states_life:
                continue
            if not _has_capacity(section, a):
                fld = "existing_commissioned_year" if a.existing_commissioned_year is not None else "existing_retires_year"
                out.append((f"{section}.{i}.{fld}", (
                    f"{kind} '{a.name}' has no existing capacity whose life it could date (its existing size is 0); "
                    "give the years only for installed plant")))
                continue
            checked.append((f"{section}.{i}", f"{kind} '{a.name}'", a, *life_cost(sc, section, a)))
    for section, kind, plant in (("process_heat", "process heat", "boilers"),
                                 ("process_cooling", "process cooling", "chillers")):
        for i, d in enumerate(getattr(sc, section)):
            if not d.states_life:
                continue
            if not own_supply(sc, section, d):
                fld = "existing_commissioned_year" if d.existing_commissioned_year is not None else "existing_retires_year"
                out.append((f"{section}.{i}.{fld}", (
                    f"{kind} '{d.name}' has no supply of its own today: the declared {plant} with existing capacity "
                    f"that serve it are its supply; give the years on them")))
                continue
            checked.append((f"{section}.{i}", f"the supply today of {kind} '{d.name}'", d, *life_cost(sc, section, d)))
    for unit, (_, name) in IMPLIED_NETWORK.items():
        spec = getattr(sc.implied_plant, unit)
        if not spec.states_life:
            continue
        where = f"implied_plant.{unit}"
        if network_has_declared(sc, unit):
            net = "heat network" if unit == "boiler" else "chilled-water network"
            out.append((where, (f"no {unit} is implied for the {net}: declared {unit}s serve it; give the years on "
                                "them")))
            continue
        if unit == "chiller" and sc.costs.chiller is None:
            out.append((where, ("the implied chiller is rebuilt at costs.chiller after it retires (the chilled-water "
                                "network needs it); give costs.chiller (capex and lifetime_years)")))
            continue
        checked.append((where, f"the '{name}'", spec, *life_cost(sc, "implied_plant", spec)))
    for where, what, spec, cost, entry in checked:
        c = spec.existing_commissioned_year
        if c is not None and c > today:
            out.append((f"{where}.existing_commissioned_year", (
                f"{what} went into service in {c}, after park.planning_year {today}: the existing capacity is today's "
                "park (the planning year's, where the pathway starts); an asset that comes later is a candidate to "
                "build (min_kw / max_kw) or a pathway.period_overrides entry")))
            continue
        if spec.existing_retires_year is None and cost is None:
            why = ("a fuel-fired boiler is priced by no cost entry"
                   if where.startswith(("boilers", "process_heat", "implied_plant.boiler")) else "no cost entry prices it")
            out.append((f"{where}.existing_commissioned_year", (
                f"{what}: {why}, so no lifetime_years gives the end of its life; give existing_retires_year "
                "(the first year it is out of service)")))
            continue
        retires, _, life = retirement(spec, cost, entry)
        if retires is not None and retires <= today:
            how = (f"existing_retires_year {retires}" if life is None else
                   f"existing_commissioned_year {c} + {entry}.lifetime_years {life:g} = {retires}")
            fld = "existing_retires_year" if life is None else "existing_commissioned_year"
            out.append((f"{where}.{fld}", (
                f"{what} is out of service from {retires} ({how}), at or before park.planning_year {today}: it is not "
                "part of today's park; set its existing capacity to 0 or correct the year")))
    return out


def standing(declared: dict[str, float], assets: list[ExistingAsset], start: int, end: int) -> dict[str, float]:
    """The declared existing capacity ``{size name: unit}`` that stands in every year of ``[start, end)``:
    a listed asset whose life ends before ``end`` counts 0 there [unit]."""
    gone = {n for a in assets if not a.implied and not a.stands(start, end) for n in a.size_names}
    return {n: (0.0 if n in gone else v) for n, v in declared.items()}


def retired_in(assets: list[ExistingAsset], start: int, end: int) -> list[ExistingAsset]:
    """Today's plant that does not stand through ``[start, end)`` (retired before it or inside it)."""
    return [a for a in assets if not a.stands(start, end)]


def retirement_overrides(sc, assets: list[ExistingAsset], start: int, end: int) -> dict:
    """Dotted overrides that take today's plant retired by the end of ``[start, end)`` out of a period,
    beside its existing size (0, :func:`standing`): a fuel-fired boiler and an asset no cost entry prices
    cannot be built again (their bounds 0); a process demand's own supply is ``supply_retired``; the
    networks' implied boiler or chiller ``implied_plant.<unit>.retired``; the entry's years are removed
    (they dated today's capacity, and what the entry holds in the period was built since) [-]."""
    out: dict = {}
    for a in retired_in(assets, start, end):
        where = f"implied_plant.{a.entry}" if a.section == "implied_plant" else f"{a.section}[{a.entry}]"
        # the years dated today's capacity, which is gone: what the entry holds in the period is new
        out[f"{where}.existing_commissioned_year"] = None
        out[f"{where}.existing_retires_year"] = None
        if a.section == "implied_plant":
            out[f"{where}.retired"] = True
            continue
        if a.section in ("process_heat", "process_cooling"):
            out[f"{where}.supply_retired"] = True
            continue
        spec = next(x for x in getattr(sc, a.section) if x.name == a.entry)
        cost, _ = life_cost(sc, a.section, spec)
        fired = a.section == "boilers" and spec.fuel != "electric"
        if fired or cost is None:
            for key in a.keys:
                lo, hi = BOUND_FIELDS[key]
                out[f"{a.section}[{a.entry}].{lo}"] = 0.0
                out[f"{a.section}[{a.entry}].{hi}"] = 0.0
    return out


def lost_supply_overrides(before, after) -> dict:
    """``supply_retired`` for the process demands whose supply today is declared plant that has retired:
    with none of it left, ``after`` (the period's scenario with today's retired plant taken out) would
    imply a gas boiler or an air-cooled chiller for the demand again, a plant that is not there [-].
    ``before`` is the same period's scenario with today's plant standing."""
    out = {}
    for section in ("process_heat", "process_cooling"):
        for d in getattr(after, section):
            if d.supply_retired or own_supply(before, section, next(x for x in getattr(before, section)
                                                                     if x.name == d.name)):
                continue
            if own_supply(after, section, d):
                out[f"{section}[{d.name}].supply_retired"] = True
    return out


def standing_note(a: ExistingAsset, through: int) -> str:
    """The note for today's plant without a year: it stands through the pathway's last year."""
    return f"existing {a.label} has no commissioning/retirement year: assumed to stand through {through}"


def lifetime_note(a: ExistingAsset) -> str:
    """The note for a retirement year taken from a cost entry's lifetime (an assumption)."""
    entry = a.basis.removeprefix("existing_commissioned_year + ").removesuffix(".lifetime_years")
    return (f"existing {a.label} retires in {a.retires}: commissioned {a.commissioned} + {a.lifetime_yr:g} years, the "
            f"lifetime_years of {entry} (its economic life taken as its technical life, ASSUMED)")


#: What a period's baseline does with today's retired plant (a pathway note where any retires).
BASELINE_NOTE = ("a period's baseline (its park before new builds, the report's period start) keeps today's plant that "
                 "has retired like for like, as if replaced as it was: without its boilers or chillers the park could "
                 "not serve its heat or cooling; the plan counts none of it")


__all__ = ["BASELINE_NOTE", "IMPLIED_NETWORK", "LISTED", "ExistingAsset", "existing_assets", "life_cost",
           "life_problems", "lifetime_note", "lost_supply_overrides", "network_has_declared", "own_supply",
           "retired_in", "retirement", "retirement_overrides", "standing", "standing_note"]
