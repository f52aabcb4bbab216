"""Run a park's pathway: each investment period sized in turn, earlier builds carried forward.

:func:`run_pathway` is pure like :func:`twin.run.run` (no printing, no files; progress goes
to an optional callback); :func:`twin.pathway.results.write_pathway` publishes it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twin.pathway.existing import (BASELINE_NOTE, existing_assets, lifetime_note,
                                   lost_supply_overrides, retired_in, retirement_overrides, standing, standing_note)
from twin.pathway.periods import (compound, learning, period_spans, period_weights, projected_factor,
                                  year_weights)
from twin.pathway.spec import PathwaySpec
from twin.pathway.vintages import (EXISTING_FIELDS, Vintage, capacity_through, capital_charges, inside_period,
                                   retiring)

#: Size key -> costs-section entry its capex comes from (absorption chillers and ice stores by kind, below).
COST_ENTRY = {"pv_kwp": "pv", "battery_kwh": "battery_energy", "battery_kw": "battery_power",
              "heat_pump_kw": "heat_pump", "tes_kwh": "thermal_storage", "boiler_kw": "electric_boiler",
              "chiller_kw": "chiller", "cold_kwh": "chilled_water_storage"}

#: Sizes below this are solver noise, not a build [unit].
BUILD_TOLERANCE = 0.5

#: Years of the published grid factor tables the trend is fitted to.
PUBLISHED_FACTOR_YEARS = (2021, 2022, 2023)


#: How an asset that retires inside a period is counted (summary notes, report, docs/architecture.md).
RETIREMENT_NOTE = ("an asset whose life ends inside a period is not counted as existing capacity of that period "
                   "(the period's plan must hold in every year it stands for, so the period replaces it; add the "
                   "retirement year to pathway.periods to use the asset until then); its annuity and fixed O&M "
                   "are charged until the year it retires")


class PathwayError(ValueError):
    """A pathway that cannot be run as described (message names the field or period)."""


@dataclass
class PeriodResult:
    """One investment period of a pathway."""

    year: int
    end_year: int
    weight: float
    inputs: dict
    """What changed for this period: grid factor and its label, load factor, cost factors,
    carbon price, the dotted overrides applied."""
    run: Any
    """The period's :class:`twin.run.Run` (in memory only)."""
    existing: dict
    """Capacity that serves the whole period (declared + earlier builds that do not retire
    inside it) {size name: unit}."""
    sizes: dict
    """Total capacity of the period's plan {size name: unit}."""
    built: dict
    """New capacity built in this period {size name: unit}."""
    retired: list
    """Vintages whose life ends during this period (as dicts)."""
    operating_cost_cny: float
    """The period's annual cost without capital annuities and fixed O&M [CNY/yr]."""
    capital_charge_cny: float
    """Annuities and fixed O&M of the vintages in service, discounted mean over the period's
    years [CNY/yr] (``weight * capital_charge_cny`` is their present value)."""
    capital_charge_by_year: dict = field(default_factory=dict)
    """Annuities and fixed O&M of the vintages in service in each year of the period {year: CNY/yr}
    (a vintage stops paying in the year it retires)."""
    declared: dict = field(default_factory=dict)
    """Today's declared existing capacity that stands through the period {size name: unit} (a listed
    asset retiring before its end counts 0; :func:`twin.pathway.existing.standing`)."""

    @property
    def annual_cost_cny(self) -> float:
        """Cost of a year of this period [CNY/yr]."""
        return self.operating_cost_cny + self.capital_charge_cny


@dataclass
class PathwayResult:
    """A whole pathway (or its finished periods, when ``failed`` says which period could not be solved)."""

    spec: PathwaySpec
    periods: list[PeriodResult]
    vintages: list[Vintage]
    discount_rate: float
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    foresight: dict | None = None
    """Facts of the joint solve (perfect-foresight mode): its objective [CNY], solve time, size."""
    failed: dict | None = None
    """``{"year", "error"}`` of the period that could not be solved (the periods before it are
    in ``periods``); None when every period was solved."""
    existing_plant: list = field(default_factory=list)
    """Today's plant with its retirement year (:meth:`twin.pathway.existing.ExistingAsset.to_dict` and
    ``size`` {size name: unit}: today's, implied plant as the first period's baseline holds it)."""

    @property
    def complete(self) -> bool:
        """True when every period of the pathway was solved."""
        return self.failed is None

    @property
    def npv_cost_cny(self) -> float | None:
        """Present value of the pathway's yearly costs at the first period's year [CNY]
        (None for an incomplete pathway: the later periods' costs are unknown)."""
        if not self.complete:
            return None
        return sum(p.weight * p.annual_cost_cny for p in self.periods)

    @property
    def shortfalls(self) -> list[dict]:
        """Every requirement out of reach, with the ``year`` of its period."""
        return [{"year": p.year, **sf} for p in self.periods for sf in p.run.shortfalls]


def _flat(sizes: dict) -> dict[str, float]:
    out = {}
    for k, v in sizes.items():
        if isinstance(v, dict):
            out.update({f"{k}[{a}]": float(x) for a, x in v.items()})
        else:
            out[k] = float(v)
    return out


def _split(name: str) -> tuple[str, str | None]:
    if name.endswith("]") and "[" in name:
        k, a = name[:-1].split("[", 1)
        return k, a
    return name, None


def declared_existing(sc) -> dict[str, float]:
    """Capacity the scenario declares installed {size name: unit} (it stays for the whole pathway)."""
    out = {}
    for key, (section, fld) in EXISTING_FIELDS.items():
        obj = getattr(sc, section)
        if obj is None:
            continue
        if isinstance(obj, list):
            for a in obj:
                out[f"{key}[{a.name}]"] = float(getattr(a, fld))
        else:
            out[key] = float(getattr(obj, fld))
    return out


def existing_overrides(declared: dict[str, float], vintages: list[Vintage], year: int,
                       end: int | None = None) -> dict[str, float]:
    """Dotted overrides that install the capacity serving every year of ``[year, end)`` [unit]
    (``end`` None: the year alone)."""
    out = {}
    end = year + 1 if end is None else end
    for name, base in declared.items():
        key, asset = _split(name)
        section, fld = EXISTING_FIELDS[key]
        total = base + capacity_through(vintages, key, asset, year, end)
        path = f"{section}[{asset}].{fld}" if asset is not None else f"{section}.{fld}"
        out[path] = floor_micro(total)
    return out


def kept_supply_overrides(sc) -> dict[str, bool]:
    """Dotted overrides that keep today's implied supply of each process demand in a period [-].

    ``sc`` is the period's scenario without the capacity carried from earlier periods. A
    process-heat or process-cooling demand that states no supply of its own is served by an
    implied boiler or chiller only while no declared plant with existing capacity serves it
    (:func:`twin.plan.heat_supply_implied`, :func:`twin.plan.cooling_supply_implied`): a boiler or
    chiller built in an earlier period, carried as ``existing_kw``, would replace it, although
    today's plant still stands (a second period failed with the carried chiller 0.0003 kW short of
    the peak the implied one had covered). ``keep_implied_supply`` keeps it.
    """
    from twin.plan import cooling_supply_implied, heat_supply_implied

    out = {f"process_heat[{d.name}].keep_implied_supply": True
           for d in sc.process_heat if not d.keep_implied_supply and heat_supply_implied(sc, d.name)}
    out.update({f"process_cooling[{d.name}].keep_implied_supply": True
                for d in sc.process_cooling if not d.keep_implied_supply and cooling_supply_implied(sc, d.name)})
    return out


def network_today_overrides(sc, first: bool) -> dict[str, bool]:
    """``district_heat.on_network_today`` for a period after the first whose district heat may be
    replaced: the first period's plan put the buildings on the park's heat network, so the period's
    baseline (its park before new builds) serves them from the network's sources in service, as the
    plan does, instead of buying all of their heat as today's park does [-]."""
    dh = None if sc is None else sc.district_heat
    if first or dh is None or not dh.replaceable or dh.on_network_today:
        return {}
    return {"district_heat.on_network_today": True}


def period_scenario(path, overrides: dict, variant: str | None):
    """The period's scenario with ``overrides`` (validated only, no profiles), or None where it does not load
    (:func:`run_period` then says why)."""
    from twin.scenario.loader import load_scenario

    try:
        return load_scenario(path, overrides=overrides, variant=variant).scenario
    except ValueError:
        return None


def floor_micro(value: float) -> float:
    """A carried size rounded down to 1e-6 [unit]: an existing size and the bounds pinned from
    the same total (:func:`twin.pathway.foresight.pinned_overrides`) must round alike, or 40.000116
    kWp in service meets a 40.000115 kWp cap (rounded to nearest the one, down the other)."""
    return math.floor(max(float(value), 0.0) * 1e6) / 1e6


def period_section(p: PeriodResult, mode: str, declared: dict[str, float]) -> dict:
    """What a period's own outputs say of the pathway it belongs to (its summary's ``pathway_period``).

    A period's run sees the assets built in earlier periods as existing capacity, so its
    annualised cost (``costs_cny_per_yr.total``) holds the annuities of its own builds only;
    the pathway counts a year of the period as ``annual_cost_cny_per_yr`` = its cost without
    the annuities and fixed O&M of the tracked assets + those of every build in service [CNY/yr].
    """
    declared = p.declared or declared  # today's capacity that stands through the period
    carried = {n: float(v) - float(declared.get(n, 0.0)) for n, v in p.existing.items()
               if float(v) - float(declared.get(n, 0.0)) > BUILD_TOLERANCE}
    total = float(p.run.result.costs["total"])
    sentence = (f"period {p.year}-{p.end_year - 1} of a {mode} pathway: {len(carried)} asset(s) built in earlier "
                f"periods stand here as existing capacity, so this run's annualised cost ({total:,.0f} CNY/yr) leaves "
                f"out their annuities and fixed O&M; the pathway counts a year of this period at "
                f"{p.annual_cost_cny:,.0f} CNY/yr ({p.operating_cost_cny:,.0f} without the annuities and fixed O&M of "
                f"the assets it tracks + {p.capital_charge_cny:,.0f} of every build in service; the pathway's report)")
    return {"year": p.year, "end_year": p.end_year, "mode": mode, "existing_from_earlier_periods": carried,
            "run_annualised_cost_cny_per_yr": total, "operating_cost_cny_per_yr": p.operating_cost_cny,
            "capital_charge_cny_per_yr": p.capital_charge_cny, "annual_cost_cny_per_yr": p.annual_cost_cny,
            "sentence": sentence}


def run_period(path, overrides: dict, variant: str | None, year: int, *, hours: int | None,
               representative_days: int | None, lang: str | None, baseline_overrides: dict | None = None,
               retired: list | None = None):
    """The normal run of one period: the scenario with the period's dotted overrides.

    A target, net-zero bound or residual cap out of reach is a result, not an error: the
    period plans for its best reachable value and states the shortfall (``Run.shortfalls``,
    ``out_of_reach="closest"`` of :func:`twin.run.run`). ``baseline_overrides`` (where today's plant
    has retired by the period's end, :func:`period_existing`) give the park its baseline keeps;
    ``retired`` (that plant, :class:`twin.pathway.existing.ExistingAsset`) is named where the period
    cannot be solved.

    Raises
    ------
    PathwayError
        Naming the period when its scenario does not validate or it cannot be solved at all.
    """
    from twin.run import UserInputError, run
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    try:
        loaded = load_scenario(path, overrides=overrides, variant=variant)
        base = (None if baseline_overrides is None else
                load_scenario(path, overrides=baseline_overrides, variant=variant).scenario)
    except ValueError as exc:
        raise PathwayError(f"period {year}: {exc}") from None
    config = resolve_run_config(loaded.scenario, hours=hours,
                                representative_days=representative_days if not hours else None, lang=lang)
    try:
        return run(loaded, config, out_of_reach="closest", baseline_scenario=base)
    except UserInputError as exc:
        raise PathwayError(f"period {year}: {exc}{retired_hint(retired or [])}") from None


def retired_hint(retired: list) -> str:
    """What to add to a period's error where today's plant has retired by its end ('' where none has)."""
    if not retired:
        return ""
    names = ", ".join(f"{a.label} (out of service from {a.retires})" for a in retired)
    return (f"; today's plant retired by the end of this period: {names}; the period must replace it with what the "
            "scenario lets it build (candidates with max_kw and a cost: heat pumps, electric boilers, chillers, "
            "stores), or give a later existing_retires_year")


def period_existing(path, variant, ov: dict, pov: dict, sc0, declared: dict[str, float], assets: list,
                    vintages: list[Vintage], year: int, end: int, first: bool) -> tuple[dict, dict | None]:
    """Dotted overrides of the plant a period ``[year, end)`` starts with: ``(plan, baseline)``.

    ``plan``: today's declared capacity that stands through the period
    (:func:`twin.pathway.existing.standing`) plus the earlier builds that serve it, today's plant
    retired by ``end`` taken out (:func:`twin.pathway.existing.retirement_overrides`; the process
    demands whose supply was declared plant that has retired, :func:`lost_supply_overrides`), today's
    implied supply kept beside carried plant (:func:`kept_supply_overrides`), the network's district
    heat (:func:`network_today_overrides`). ``baseline``: the same with today's plant standing, as its
    baseline keeps it (like for like); None where none of it has retired by ``end`` (the baseline is
    the plan's park). ``ov`` are the period's other overrides, ``pov`` its ``period_overrides``
    (applied after these by the caller).
    """
    today0 = period_scenario(path, {**ov, **pov}, variant)

    def completed(sc_today, existing: dict) -> dict:
        out = dict(existing)
        out.update(kept_supply_overrides(sc_today) if sc_today is not None else {})
        out.update(network_today_overrides(sc_today, first=first))
        return out

    full = existing_overrides(declared, vintages, year, end)
    gone = retired_in(assets, year, end)
    if not gone:
        return completed(today0, full), None
    now = standing(declared, assets, year, end)
    ret = retirement_overrides(today0 if today0 is not None else sc0, assets, year, end)
    zero = existing_overrides(now, [], year)
    today = period_scenario(path, {**ov, **zero, **ret, **pov}, variant)
    if today is not None and today0 is not None:
        lost = lost_supply_overrides(today0, today)
        if lost:
            ret.update(lost)
            today = period_scenario(path, {**ov, **zero, **ret, **pov}, variant)
    return completed(today, {**existing_overrides(now, vintages, year, end), **ret}), completed(today0, full)


def note_retiring_existing(assets: list, start: int, end: int, first: bool, prog) -> None:
    """Tell the user of today's plant the period ``[start, end)`` does not count (its life ends before ``end``)."""
    for a in assets:
        if a.retires is not None and (start <= a.retires < end or (first and a.retires < start)):
            prog.note(f"existing {a.label} is out of service from {a.retires}: not existing capacity of the period "
                      f"{start}-{end - 1}, which replaces it or does without")


def existing_retired_rows(assets: list, start: int, end: int, first: bool, declared: dict,
                          baseline_sizes: dict) -> list[dict]:
    """Today's plant whose life ends in ``[start, end)`` (in the first period also before it), one row per
    size name as :func:`retired_rows` gives the vintages': ``key``, ``asset``, ``year`` (its commissioning
    year, None where not given), ``size`` (a listed asset's ``declared`` existing size; implied plant as the
    period's baseline holds it), ``retirement_year``, ``counted`` False, ``todays_plant`` True, ``basis``
    and ``kind``."""
    out = []
    for a in assets:
        if a.retires is None or not (start <= a.retires < end or (first and a.retires < start)):
            continue
        for key, name in zip(a.keys, a.size_names):
            size = declared[name] if name in declared else baseline_sizes.get(name, 0.0)
            out.append({"key": key, "asset": a.name, "year": a.commissioned, "size": float(size),
                        "retirement_year": a.retires, "counted": False, "todays_plant": True, "basis": a.basis,
                        "kind": a.kind})
    return out


def existing_plant_rows(sc0, assets: list, declared: dict, present: dict,
                        last_year: int) -> tuple[list[dict], list[str]]:
    """Today's plant for the pathway's summary (``existing_plant``) and its notes: the assets of
    :func:`twin.pathway.existing.existing_assets` (the networks' implied plant where ``present``, the first
    period's baseline sizes {size name: unit}, holds it), each with its ``size`` (``declared``, or as
    ``present`` holds implied plant); a note for each without a year (it stands through the last year) and
    for each whose retirement comes from a cost's lifetime."""
    rows, notes = [], []
    known = {a.where for a in assets}
    every = assets + [a for a in existing_assets(sc0, present) if a.where not in known]
    for a in every:
        rows.append({**a.to_dict(), "size": {n: float(declared[n] if n in declared else present.get(n, 0.0))
                                             for n in a.size_names}})
        if a.retires is None:
            notes.append(standing_note(a, last_year - 1))
        elif a.lifetime_yr is not None and a.retires < last_year:
            notes.append(lifetime_note(a))
    if any(a.retires is not None and a.retires < last_year for a in every):
        notes.append(BASELINE_NOTE)
    return rows, notes


def operating_cost(costs: dict, tracked) -> float:
    """A period's annual cost without the annuities and fixed O&M of the capacity the pathway
    tracks as vintages [CNY/yr]: ``tracked`` holds the size names (``pv_kwp[roof]``) of the
    scenario's listed assets (:func:`declared_existing`).

    Those are charged by :func:`twin.pathway.vintages.capital_charges` while in service.
    Capacity without an existing-size field in the scenario — bidirectional (V2G) chargers,
    waste-heat exchangers, and the existing plant the twin implies (the network's implied
    chiller, a process demand's boiler or chiller of today's supply), which no scenario entry can
    carry into the next period — is chosen again in every period, so its annuity and O&M stay in
    the period's cost (as if leased for the period); subtracting it too would lose it from
    the pathway's cost altogether.
    """
    tracked = set(tracked)

    def of_vintages(part: dict) -> float:
        return sum(float(v) for label, v in (part or {}).items() if label in tracked)

    return float(costs["total"]) - of_vintages(costs.get("capex_annualised")) - of_vintages(costs.get("om"))


def _province(sc) -> str | None:
    if sc.site.province is not None:
        return sc.site.province
    if sc.site.city is None:
        return None
    from weather.stations import place_province

    return place_province(sc.site.city)


def grid_factor_path(sc, spec: PathwaySpec) -> dict[int, tuple[float | None, str]]:
    """Location-based grid factor of each period [kgCO2/kWh] and where it comes from.

    ``None`` keeps the scenario's own hourly series for that period.
    """
    from twin.factors import grid_emission_factor, grid_factor_level

    ef = sc.grid.emission_factor
    out: dict[int, tuple[float | None, str]] = {}
    published: dict[int, float] = {}
    base_label = ""
    level = ef.level
    if ef.hourly_csv is None and ef.value_kgco2_per_kwh is None:
        province = _province(sc)
        level = grid_factor_level(ef.level, ef.year, province)
        for y in PUBLISHED_FACTOR_YEARS:
            try:
                published[y] = grid_emission_factor(level, y, province).value_kgco2_per_kwh
            except ValueError:
                continue
        if not published:
            raise PathwayError(f"pathway.grid_factor: no published {level} factor for the site to project from")
    for year in spec.periods:
        user = spec.grid_factor.values_kgco2_per_kwh.get(year)
        if user is not None:
            out[year] = (float(user), "planner's value (pathway.grid_factor.values_kgco2_per_kwh)")
        elif ef.hourly_csv is not None:
            out[year] = (None, "the scenario's hourly series, held (no projection of an hourly series)")
        elif ef.value_kgco2_per_kwh is not None:
            out[year] = (float(ef.value_kgco2_per_kwh), "the scenario's constant factor, held")
        elif year in published:
            out[year] = (published[year], f"published {level} factor {year} [mee-nbs-ef-{year}]")
        elif spec.grid_factor.projection == "constant":
            y = ef.year if ef.year in published else max(published)
            out[year] = (published[y], f"published {level} factor {y}, held (projection 'constant')")
        else:
            v, held = projected_factor(published, year)
            if held:
                base_label = (f"PROJECTION, not an official value: the published {level} factors "
                              f"{min(published)}-{max(published)} rise; held at the {max(published)} value in "
                              f"{year} (a rising trend is not extended)")
            else:
                base_label = (f"PROJECTION, not an official value: linear trend of the published {level} factors "
                              f"{min(published)}-{max(published)} extended to {year}")
            out[year] = (v, base_label)
    return out


def falling_trend_note(sc, spec: PathwaySpec, factors: dict[int, tuple[float | None, str]]) -> str | None:
    """How far the projected grid factors fall, in numbers, beside the national average's own
    2021-2023 trend; None where no period's factor is a falling-trend projection.

    Three published years make a steep line where one year dropped: Heilongjiang's 0.6342,
    0.5368, 0.5229 kgCO2/kWh (2021-2023) extend to 0.342 in 2026 and 0.119 in 2030 (-77 % on
    2023's), against the national average's -0.0131 kgCO2/kWh a year. The projection is what
    the field documents; the note lets the planner weigh it (pathway.grid_factor.values_kgco2_per_kwh,
    or projection 'constant').
    """
    from twin.factors import grid_emission_factor, grid_factor_level

    years = [y for y, (_, lab) in factors.items() if lab.startswith("PROJECTION") and "rising trend" not in lab]
    if not years:
        return None
    ef = sc.grid.emission_factor
    province = _province(sc)
    level = grid_factor_level(ef.level, ef.year, province)

    def published(lv: str) -> dict[int, float]:
        out = {}
        for y in PUBLISHED_FACTOR_YEARS:
            try:
                out[y] = grid_emission_factor(lv, y, province).value_kgco2_per_kwh
            except ValueError:
                continue
        return out

    own, nat = published(level), published("national")
    if len(own) < 2:
        return None
    slope = float(np.polyfit(list(own), list(own.values()), 1)[0])
    latest_y = max(own)
    latest = own[latest_y]
    last = max(years)
    v_last = factors[last][0]
    parts = [f"{y} {factors[y][0]:.3f}" for y in sorted(years)]
    text = (f"the projected grid factors fall {-slope:.4f} kgCO2/kWh a year ({-slope / latest:.1%} of the "
            f"{latest_y} value {latest:.4f}), the least-squares line of the published {level} factors "
            f"{min(own)}-{latest_y}: {', '.join(parts)} kgCO2/kWh ({v_last / latest - 1:+.0%} on {latest_y} by {last})")
    icpt = float(np.polyfit(list(own), list(own.values()), 1)[1])
    zero = math.ceil(-icpt / slope) if slope < 0 else None
    if zero is not None and zero <= last:
        text += f", held at zero from {zero}"
    if len(nat) >= 2 and level != "national":
        ns = float(np.polyfit(list(nat), list(nat.values()), 1)[0])
        text += (f"; the national average's line over the same years falls {-ns:.4f} kgCO2/kWh a year "
                 f"({-ns / nat[max(nat)]:.1%})")
    return text + ("; a line through three published years: give the province's own plan in "
                   "pathway.grid_factor.values_kgco2_per_kwh where it has one, or hold the latest published value "
                   "with projection 'constant'")


def _period_overrides(spec: PathwaySpec, year: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for y in sorted(spec.period_overrides):
        if y <= year:
            out.update(spec.period_overrides[y])
    return out


def _cost_of(sc, key: str, asset: str | None):
    """The cost of one new unit of ``key`` of ``asset`` and the costs-section entry it comes from
    (a store's own cost where it gives one)."""
    entry = COST_ENTRY[key]
    own = {"battery_kwh": ("batteries", "energy_cost"), "battery_kw": ("batteries", "power_cost"),
           "tes_kwh": ("thermal_stores", "cost"), "cold_kwh": ("cold_stores", "cost")}.get(key)
    if own is not None and asset is not None:
        store = next((x for x in getattr(sc, own[0]) if x.name == asset), None)
        if store is not None and getattr(store, own[1]) is not None:
            return getattr(store, own[1]), f"{own[0]}[{asset}].{own[1]}"
    if key == "chiller_kw" and asset is not None:
        ch = next((c for c in sc.chillers if c.name == asset), None)
        if ch is not None and getattr(ch, "kind", "electric") == "absorption":
            entry = "absorption_chiller"
    if key == "cold_kwh" and asset is not None:
        cs = next((c for c in sc.cold_stores if c.name == asset), None)
        if cs is not None and cs.kind == "ice":
            entry = "ice_storage"
    return getattr(sc.costs, entry), entry


def period_capital(vintages: list[Vintage], start: int, end: int, rate: float,
                   discounts: dict[int, float]) -> tuple[float, dict[int, float]]:
    """Capital charge of the period ``[start, end)``: the discounted mean over its years [CNY/yr]
    and each year's {year: CNY/yr} (:func:`twin.pathway.vintages.capital_charges`)."""
    by_year = capital_charges(vintages, start, end, rate)
    mean = sum(discounts[y] * c for y, c in by_year.items()) / sum(discounts[y] for y in by_year)
    return mean, by_year


def note_retiring_inside(vintages: list[Vintage], start: int, end: int, prog) -> None:
    """Tell the user of each earlier build the period ``[start, end)`` does not count (it retires inside)."""
    for v in inside_period(vintages, start, end):
        name = v.key + (f"[{v.asset}]" if v.asset is not None else "")
        prog.note(f"{name} built {v.year} ({v.size:,.0f}) retires in {v.retirement_year}, inside the period "
                  f"{start}-{end - 1}: not counted as existing there, the period replaces it")


def retired_rows(vintages: list[Vintage], start: int, end: int) -> list[dict]:
    """Vintages whose life ends in ``[start, end)`` (dicts, with ``retirement_year``, the first year
    out of service, and ``counted`` False: none of them is existing capacity of the period)."""
    return [{**v.to_dict(), "retirement_year": v.retirement_year, "counted": False, "todays_plant": False}
            for v in retiring(vintages, start, end)]


def _fade_per_yr(sc, key: str, asset: str | None) -> float:
    """Energy fade of the battery named ``asset`` per year of age [1/yr] (0 for other sizes)."""
    b = next((x for x in sc.batteries if x.name == asset), None) if key == "battery_kwh" else None
    if b is None:
        return 0.0
    return (1.0 - b.eol_capacity_fraction) / b.calendar_life_years


def run_pathway(path: str | Path, *, hours: int | None = None, representative_days: int | None = None,
                lang: str | None = None, base_overrides: dict | None = None, variant: str | None = None,
                progress=None) -> PathwayResult:
    """Size every investment period of the scenario at ``path`` in turn (myopic).

    Parameters
    ----------
    path : path
        Scenario file with a ``pathway`` section.
    hours : int, optional
        Model only the first ``hours`` of each period's year (quick looks and tests).
    representative_days : int, optional
        Overrides ``pathway.representative_days`` (``0`` = full year).
    lang : {"zh", "en"}, optional
        Language of the period reports.
    base_overrides : dict, optional
        Dotted overrides applied to the scenario before the pathway's own.
    variant : str, optional
        Named variant(s) of the scenario file (``"a+b"``), applied before the pathway's values.
    progress : twin.run.Progress, optional
        Told about each period (``stage``/``done``) and notes.

    A period whose target (or net-zero bound) is out of reach is planned for the best
    reachable value and its shortfall stated (:attr:`PathwayResult.shortfalls`). A period
    that cannot be solved at all ends the pathway there: the result holds the finished
    periods and ``failed`` names the period and why (myopic mode; in foresight mode
    nothing is finished before the joint LP, which raises).

    Raises
    ------
    PathwayError
        The scenario has no pathway section or a period's overrides do not validate (each
        problem with its file, line and field: :func:`twin.pathway.check.period_problems`),
        or the first period (foresight: the joint LP) cannot be solved.
    """
    from twin.run import Silent
    from twin.scenario.loader import load_scenario

    prog = progress or Silent()
    t_start = time.perf_counter()
    base_overrides = dict(base_overrides or {})
    base = load_scenario(path, overrides=base_overrides or None, variant=variant)
    spec: PathwaySpec | None = base.scenario.pathway
    if spec is None:
        raise PathwayError(f"{path}: no 'pathway' section (periods, and what changes between them)")
    from twin.pathway.check import period_problems

    problems = period_problems(path, spec, variant=variant, base_overrides=base_overrides)
    if problems:  # before anything is solved
        raise PathwayError(f"the periods' scenarios do not validate ({len(problems)} problem(s)):\n"
                           + "\n".join(f"  - {p}" for p in problems))
    sc0 = base.scenario
    rate = sc0.costs.discount_rate
    spans = period_spans(spec.periods, spec.last_year)
    weights = period_weights(spec.periods, spec.last_year, rate)
    discounts = year_weights(spec.periods, spec.last_year, rate)
    factors = grid_factor_path(sc0, spec)
    declared = declared_existing(sc0)
    assets = existing_assets(sc0)
    k = spec.representative_days if representative_days is None else (representative_days or None)
    notes = [
        "myopic pathway: each period is sized knowing only its own prices, factors and targets; assets built "
        "earlier are existing capacity while in service (build year <= year < build year + lifetime)"
        if spec.mode == "myopic" else
        "perfect-foresight pathway: every period sized together in one LP (one build variable per asset and "
        "period; an asset serves while build year <= year < build year + lifetime and pays its annuity and fixed "
        "O&M in every period it serves); each period is then dispatched with its capacity fixed",
        "battery energy fades linearly with age to its end-of-life capacity at its calendar life; today's existing "
        "capacity stands until it retires (existing_retires_year, or existing_commissioned_year + its cost's "
        "lifetime_years), without either year for the whole pathway",
        RETIREMENT_NOTE,
    ]
    if any("PROJECTION" in lab for _, lab in factors.values()):
        notes.append("grid emission factors of later periods are a PROJECTION (linear trend of the published "
                     "2021-2023 factors), not official values; give your own in pathway.grid_factor")
    steep = falling_trend_note(sc0, spec, factors)
    if steep:
        notes.append(steep)
    if any("a rising trend is not extended" in lab for _, lab in factors.values()):
        notes.append("the published factors of the site's grid rise over 2021-2023 (in hydro provinces the 2022 "
                     "drought); the projection holds the latest published value instead of extending that rise")
    failed = None
    if spec.mode == "foresight":
        from twin.pathway.foresight import run_foresight

        periods, vintages, info = run_foresight(
            path, variant=variant, base_overrides=base_overrides, spec=spec, sc0=sc0, spans=spans, weights=weights,
            factors=factors, declared=declared, k=k, hours=hours, lang=lang, prog=prog, notes=notes,
            discounts=discounts, assets=assets)
    else:
        periods, vintages, failed = _run_myopic(path, variant, base_overrides, spec, sc0, spans, weights, factors,
                                                declared, k, hours, lang, prog, rate, discounts, assets)
        info = None
    present = _flat(periods[0].run.baseline.sizes) if periods else {}
    plant, plant_notes = existing_plant_rows(sc0, assets, declared, present, spec.last_year)
    notes += plant_notes
    note = process_path_note([(p.year, float(p.run.summary["emissions_tco2"].get("process", 0.0))) for p in periods],
                             spec.load_growth_per_year)
    if note:
        notes.append(note)
    notes += [energy_without_converter_note(p.year, name, kwh) for p in periods
              for name, kwh in energy_without_converter(p.existing)]
    return PathwayResult(spec=spec, periods=periods, vintages=vintages, discount_rate=rate, notes=notes,
                         elapsed_s=time.perf_counter() - t_start, foresight=info, failed=failed, existing_plant=plant)


def energy_without_converter(existing: dict[str, float]) -> list[tuple[str, float]]:
    """Batteries of a period's existing capacity {size key: value} with energy but no converter power:
    ``[(battery, kWh)]``."""
    return [(k[len("battery_kwh["):-1], v) for k, v in existing.items()
            if k.startswith("battery_kwh[") and v > 1e-6
            and existing.get("battery_kw[" + k[len("battery_kwh["):], 0.0) <= 1e-9]


def energy_without_converter_note(year: int, battery: str, kwh: float) -> str:
    """A period whose existing battery energy [kWh] has no converter in service (it was added to one that
    retires within the period): idle in the period's baseline until the period builds power."""
    return (f"{year}: battery '{battery}' has {kwh:,.0f} kWh of energy in service but no converter power through "
            "the period (the converter it was added to retires within it): idle in the period's baseline, "
            "usable where the period builds power")


def process_path_note(by_year: list[tuple[int, float]], load_growth: float) -> str | None:
    """The declared industrial-process CO2 of each period [tCO2/yr] as a note: a change between periods is
    the declaration's (``pathway.period_overrides``), not the plan's, and load growth does not scale it;
    None where nothing is declared."""
    if not any(v for _, v in by_year):
        return None
    shown = ", ".join(f"{y} {v:,.6g}" for y, v in by_year)
    changes = len({round(v, 6) for _, v in by_year}) > 1
    return (f"declared industrial-process CO2 by period: {shown} tCO2/yr (process_emissions"
            + (", pathway.period_overrides): its change between periods is the declaration's, not the plan's"
               if changes else "): the same in every period")
            + ("; pathway.load_growth_per_year does not scale it" if load_growth else ""))


def period_inputs(sc0, spec: PathwaySpec, factors: dict, base_overrides: dict, year: int,
                  base_mwh: dict[str, float]) -> tuple[dict[str, Any], dict]:
    """Dotted overrides of one period (grid factor, load growth, learned capex, carbon price, the
    planner's period overrides; not the existing capacity) and the ``inputs`` record of what changed."""
    dy = year - spec.periods[0]
    ov: dict[str, Any] = dict(base_overrides)
    value, label = factors[year]
    if value is not None:
        ov["grid.emission_factor.value_kgco2_per_kwh"] = value
        if label != "the scenario's constant factor, held":
            # the period's outputs name the factor by its origin (a PROJECTION), not as the user's constant
            ov["grid.emission_factor.source"] = label
    load_factor = compound(spec.load_growth_per_year, dy)
    if dy and spec.load_growth_per_year:
        for pl in sc0.process_loads:
            mwh = pl.annual_mwh if pl.annual_mwh is not None else base_mwh.get(pl.name)
            if mwh is not None:
                ov[f"process_loads[{pl.name}].annual_mwh"] = mwh * load_factor
        # production's heat and cooling grow with it
        for section, demands in (("process_heat", sc0.process_heat), ("process_cooling", sc0.process_cooling)):
            for d in demands:
                if d.peak_kw is not None:
                    ov[f"{section}[{d.name}].peak_kw"] = d.peak_kw * load_factor
                    continue
                mwh = d.annual_mwh if d.annual_mwh is not None else base_mwh.get(f"{section}:{d.name}")
                if mwh is not None:
                    ov[f"{section}[{d.name}].annual_mwh"] = mwh * load_factor
    cost_factors = {}
    # a store's own cost learns at the rate of the costs-section entry it stands in for
    own = {"battery_energy": [(f"batteries[{b.name}].energy_cost", b.energy_cost) for b in sc0.batteries],
           "battery_power": [(f"batteries[{b.name}].power_cost", b.power_cost) for b in sc0.batteries],
           "thermal_storage": [(f"thermal_stores[{t.name}].cost", t.cost) for t in sc0.thermal_stores],
           "chilled_water_storage": [(f"cold_stores[{c.name}].cost", c.cost) for c in sc0.cold_stores
                                     if c.kind == "chilled_water"],
           "ice_storage": [(f"cold_stores[{c.name}].cost", c.cost) for c in sc0.cold_stores if c.kind == "ice"]}
    for entry, rate_l in spec.cost_learning_per_year.items():
        c = getattr(sc0.costs, entry)
        if c is not None:
            cost_factors[entry] = learning(rate_l, dy)
            ov[f"costs.{entry}.capex_cny_per_unit"] = c.capex_cny_per_unit * cost_factors[entry]
        for where, oc in own.get(entry, []):
            if oc is not None:
                cost_factors[entry] = learning(rate_l, dy)
                ov[f"{where}.capex_cny_per_unit"] = oc.capex_cny_per_unit * cost_factors[entry]
    carbon_price = sc0.carbon.carbon_price_cny_per_t * compound(spec.carbon_price_growth_per_year, dy)
    if spec.carbon_price_growth_per_year and dy:
        ov["carbon.carbon_price_cny_per_t"] = carbon_price
    inputs = {"grid_factor_kgco2_per_kwh": value, "grid_factor_source": label, "load_factor": load_factor,
              "cost_factors": cost_factors, "carbon_price_cny_per_t": carbon_price}
    return ov, inputs


def base_energies(profiles) -> dict[str, float]:
    """Annual energy of each process load, of each process-heat demand (key ``process_heat:<name>``) and of
    each process-cooling demand (key ``process_cooling:<name>``) in a period's profiles [MWh/yr] (basis of
    load growth)."""
    T = profiles.sizes["time"]
    out = {}
    if "p_process_kw" in profiles:
        out.update({str(n): float(profiles["p_process_kw"].sel(process_load=n).sum()) * 8760.0 / T / 1000.0
                    for n in profiles["process_load"].values})
    if "q_process_heat_demand_kw" in profiles:
        q = profiles["q_process_heat_demand_kw"]
        out.update({f"process_heat:{n}": float(q.sel(process_heat=n).sum()) * 8760.0 / T / 1000.0
                    for n in profiles["process_heat"].values})
    if "q_process_cooling_demand_kw" in profiles:
        q = profiles["q_process_cooling_demand_kw"]
        out.update({f"process_cooling:{n}": float(q.sel(process_cooling=n).sum()) * 8760.0 / T / 1000.0
                    for n in profiles["process_cooling"].values})
    return out


def _run_myopic(path, variant, base_overrides, spec, sc0, spans, weights, factors, declared, k, hours, lang, prog,
                rate, discounts, assets) -> tuple[list, list, dict | None]:
    vintages: list[Vintage] = []
    periods: list[PeriodResult] = []
    base_mwh: dict[str, float] = {}
    durations: list[float] = []
    for i, ((year, end), w) in enumerate(zip(spans, weights)):
        t0 = time.perf_counter()
        left = ""
        if durations:
            left = f", about {sum(durations) / len(durations) * (len(spans) - i):.0f} s left"
        prog.stage(f"period {year}-{end - 1} ({i + 1}/{len(spans)}{left})")
        ov, inputs = period_inputs(sc0, spec, factors, base_overrides, year, base_mwh)
        pov = _period_overrides(spec, year)
        plant, base_plant = period_existing(path, variant, ov, pov, sc0, declared, assets, vintages, year, end, i == 0)
        base_ov = None if base_plant is None else {**ov, **base_plant, **pov}
        ov.update(plant)
        ov.update(pov)
        note_retiring_inside(vintages, year, end, prog)
        note_retiring_existing(assets, year, end, i == 0, prog)
        now = standing(declared, assets, year, end)
        try:
            r = run_period(path, ov, variant, year, hours=hours, representative_days=k, lang=lang,
                           baseline_overrides=base_ov, retired=retired_in(assets, year, end))
        except PathwayError as exc:
            if not periods:  # nothing finished: nothing to keep
                raise
            prog.done("failed")
            return periods, vintages, {"year": year, "error": str(exc)}
        sc = r.loaded.scenario
        if not base_mwh:
            base_mwh = base_energies(r.profiles)
        existing = {n: float(now.get(n, 0.0)) + capacity_through(vintages, *_split(n), year, end)
                    for n in declared}
        sizes = _flat(r.result.sizes)
        built = {}
        for name, total in sizes.items():
            key, asset = _split(name)
            if key not in COST_ENTRY or name not in declared:
                continue  # implied plant (today's supply of a demand) is no build and no scenario entry carries it
            new = total - existing.get(name, 0.0)
            cost, _ = _cost_of(sc, key, asset)
            if new > BUILD_TOLERANCE and cost is not None:
                built[name] = new
                vintages.append(Vintage(key=key, asset=asset, year=year, size=new,
                                        unit_capex_cny=cost.capex_cny_per_unit, lifetime_yr=cost.lifetime_years,
                                        om_fraction_per_yr=cost.om_fraction_per_year,
                                        fade_per_yr=_fade_per_yr(sc, key, asset), period_end=end))
        operating = operating_cost(r.result.costs, declared)
        capital, by_year = period_capital(vintages, year, end, rate, discounts[i])
        periods.append(PeriodResult(
            year=year, end_year=end, weight=float(w),
            inputs={**inputs, "overrides": {k_: v_ for k_, v_ in ov.items() if k_ not in base_overrides}},
            run=r, existing=existing, sizes=sizes, built=built,
            retired=retired_rows(vintages, year, end) + existing_retired_rows(assets, year, end, i == 0, declared,
                                                                              _flat(r.baseline.sizes)),
            operating_cost_cny=operating, capital_charge_cny=capital, capital_charge_by_year=by_year, declared=now))
        r.summary["pathway_period"] = period_section(periods[-1], spec.mode, declared)
        durations.append(time.perf_counter() - t0)
        e = r.summary["emissions_tco2"]
        resized = "resized" in (r.representative_days or {})
        prog.done(f"built {len(built)} asset(s), net {e['net']:,.0f} tCO2/yr"
                  + ("; the days' sizes fell short on the full year, re-sized on it" if resized else "")
                  + (f"; {len(r.shortfalls)} target(s) OUT OF REACH" if r.shortfalls else ""))
    return periods, vintages, None
