"""Scenario targets → the optimiser's :class:`solvers.Targets`, and their report.

The targets speak the ledger's language (``accounting`` section): the core indicator's
basis (910号 acceptance or location), the tce basis of electricity, what counts as clean.
``'tier'`` takes the official threshold of the park's size tier from its baseline energy
use; below the first tier (200 000 tce/yr) 910号 publishes none [ndrc-910-2025], and the
planner must state a value.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Bibliography keys of each target (docs/sources.md).
TARGET_SOURCES = {
    "core": "[ndrc-910-2025]; acceptance basis [sec-910-acceptance-factor]",
    "clean_share": "[ndrc-910-2025]",
    "renewable_share": "[tcsus-66-2023] item 7.2.1 (threshold stated by the planner)",
    "residual": "stated by the planner",
}


class TargetError(ValueError):
    """A target cannot be set up (e.g. 'tier' for a park without an official tier)."""


def baseline_energy_tce(base_dispatch: xr.Dataset, settings, fixed_tce: float = 0.0) -> float:
    """Total energy use of the baseline [tce/yr], as the ledger counts it.

    ``(import − export + PV) · k_el + fuel · 3.6/29.3076 / 1000 + fixed``, from the annual
    energies of :func:`twin.statistics.annual_statistics` (a horizon shorter than a year is
    scaled to 8760 h; each fuel counted once, not again through a per-boiler breakdown).
    """
    from twin.ledger.fuels import kwh_to_tce
    from twin.statistics import annual_statistics, year_weight_h

    st = annual_statistics(base_dispatch, year_weight_h(base_dispatch.sizes["time"]))
    el = st.energy_kwh["e_electricity_consumption_kwh"]
    fuel = sum(st.fuels_kwh.values())
    return el * settings.electricity_kgce_per_kwh / 1000.0 + float(kwh_to_tce(fuel)) + fixed_tce


def core_threshold(value, baseline_tce: float, settings) -> tuple[float, str]:
    """The core-indicator threshold of a target [tCO2/tce] and where it comes from.

    Raises
    ------
    TargetError
        For ``'tier'`` when the park is below the first official tier.
    """
    if value != "tier":
        return float(value), "stated by the planner"
    from twin.assess.national import core_tier

    tier = core_tier(baseline_tce, settings)
    if tier["threshold_tco2_per_tce"] is None:
        raise TargetError(
            f"targets.core_indicator_max_tco2_per_tce: 'tier' needs an official size tier, but the park's baseline "
            f"energy use is {baseline_tce:,.0f} tce/yr, below {settings.tier_lower_tce:,.0f} tce/yr, for which "
            "910号 publishes no threshold; state a value in tCO2/tce (there is no default)")
    if not tier["official"]:
        return float(tier["threshold_tco2_per_tce"]), f"the planner's threshold of the tier {tier['tier']} ({tier['note']})"
    return float(tier["threshold_tco2_per_tce"]), f"official threshold of the tier {tier['tier']} (baseline energy use)"


def fixed_heat(prof: xr.Dataset, settings) -> tuple[float, float]:
    """District heat bought by buildings (outside the optimised flows): [tce/yr], [tCO2/yr]."""
    from twin.ledger.fuels import MJ_PER_KWH, kwh_to_tce
    from twin.plan import district_heat_kw

    dh = district_heat_kw(prof)
    if dh is None:
        return 0.0, 0.0
    kwh = float(np.sum(dh)) * 8760.0 / prof.sizes["time"]
    return float(kwh_to_tce(kwh)), kwh * MJ_PER_KWH / 1000.0 * settings.heat_ef_tco2_per_gj


def problem_targets(sc, prof: xr.Dataset, base_dispatch: xr.Dataset):
    """The :class:`solvers.Targets` of a scenario, with a note per target; ``(None, {})`` if none.

    Returns
    -------
    tuple
        ``(targets, notes)`` with ``notes`` {target name: where its threshold comes from}.
    """
    import solvers as S

    spec = sc.targets
    if not spec.stated():
        return None, {}
    s = sc.accounting
    fixed_tce, _ = fixed_heat(prof, s)
    replaceable = sc.district_heat is not None and sc.district_heat.replaceable
    notes = {}
    core = None
    if spec.core_indicator_max_tco2_per_tce is not None:
        core, notes["core"] = core_threshold(spec.core_indicator_max_tco2_per_tce,
                                             baseline_energy_tce(base_dispatch, s, fixed_tce), s)
    for k, v in (("clean_share", spec.clean_energy_share_min), ("renewable_share", spec.renewable_share_min),
                 ("residual", spec.residual_emissions_max_t)):
        if v is not None:
            notes[k] = "stated by the planner"
    tg = S.Targets(
        core_max_tco2_per_tce=core, core_basis=s.core_indicator_basis,
        acceptance_ef_kgco2_per_kwh=s.acceptance_factor_kgco2_per_kwh,
        acceptance_certificate_ef_kgco2_per_kwh=s.acceptance_certificate_factor_kgco2_per_kwh,
        location_green_credits=s.green_credits_in_core_indicator,
        clean_share_min=spec.clean_energy_share_min, renewable_share_min=spec.renewable_share_min,
        residual_max_t=spec.residual_emissions_max_t, electricity_kgce_per_kwh=s.electricity_kgce_per_kwh,
        natural_gas_is_clean=s.natural_gas_is_clean, grid_clean_share=s.grid_clean_share,
        # district heat the plan may replace is a flow of the model (solvers.blocks.district_heat); the baseline's
        # energy use above still counts all of it (the baseline buys it). Its CO2 is in the model's emissions
        # either way (it was counted twice on the location basis and in the residual target while fixed here)
        fixed_energy_tce=0.0 if replaceable else fixed_tce, fixed_co2_t=0.0)
    return tg, notes


def with_targets(problem, sc, prof: xr.Dataset, base_dispatch: xr.Dataset):
    """``problem`` with the scenario's targets; ``(problem, notes)``."""
    from dataclasses import replace

    tg, notes = problem_targets(sc, prof, base_dispatch)
    return (problem if tg is None else replace(problem, targets=tg)), notes


def annotate(rows: list[dict], notes: dict, settings, *, sizes_fixed: bool = False) -> list[dict]:
    """Target rows of the result with their source, threshold origin and basis.

    ``sizes_fixed``: the result is a dispatch with sizes fixed (representative-day mode), so
    its duals price operation and purchases only, not investment; said so in each row.
    """
    out = []
    for r in rows:
        r = dict(r)
        if sizes_fixed and r.get("marginal_cost_cny_per_unit") is not None:
            r["marginal_cost_note"] += ("; sizes were fixed from representative days, so this prices operation and "
                                        "purchases only (run without --representative-days for the full marginal cost)")
        r["threshold_origin"] = notes.get(r["name"], "")
        r["source"] = TARGET_SOURCES.get(r["name"], "")
        if r["name"] == "core":
            r["basis"] = settings.core_indicator_basis
            r["tce_basis"] = settings.electricity_tce_basis_label
        out.append(r)
    return out


#: Room added to a best reachable value when a requirement out of reach is moved to it [-, relative]
#: (the elastic solve's interior point stops within ~1e-6 of it; a try that fails takes the next).
RELAX_ROOM = (1e-6, 1e-4, 1e-3)


def relaxed_problem(problem, shortfalls: list[dict], room: float = RELAX_ROOM[0]):
    """``problem`` with each requirement of ``shortfalls`` (:attr:`solvers.InfeasibleError.shortfalls`:
    targets, emission bound, residual cap) moved to its best reachable value plus ``room``.

    A net-zero bound out of reach becomes a bound on net emissions at the best value (the
    objective is then least cost under it, as ``min_cost`` with ``max_net_emissions_t``).
    """
    from dataclasses import replace

    def up(v, floor):
        return v + room * max(abs(v), floor)

    tg, carbon, objective = {}, {}, problem.objective
    for s in shortfalls:
        v, n = float(s["value"]), s["name"]
        if n == "core":
            tg["core_max_tco2_per_tce"] = up(v, 0.01)
        elif n in ("clean_share", "renewable_share"):
            tg[f"{n}_min"] = max(v - room * max(abs(v), 0.01), 0.0)
        elif n == "residual":
            tg["residual_max_t"] = up(v, 1.0)
        elif n == "residual_cap":
            carbon["max_residual_emissions_t"] = up(v, 1.0)
        elif n == "emission_bound":
            carbon["max_net_emissions_t"] = up(v, 1.0)
            if objective == "net_zero":
                objective = "min_cost"
        else:
            raise ValueError(f"unknown requirement {n!r}")
    out = replace(problem, objective=objective)
    if tg:
        out = replace(out, targets=replace(problem.targets, **tg))
    if carbon:
        out = replace(out, carbon=replace(problem.carbon, **carbon))
    return out


def shortfall_rows(rows: list[dict], originals: dict[str, dict], emissions: dict, levers: list[str],
                   sized_on: str) -> tuple[list[dict], list[dict]]:
    """The plan's target rows with the requirements out of reach stated against the planner's values.

    Parameters
    ----------
    rows : list of dict
        ``SizingResult.targets`` of the plan solved with the relaxed requirements.
    originals : dict
        ``{name: shortfall dict}`` of each requirement moved, as first found out of reach (its
        ``label`` and ``target`` are the planner's).
    emissions : dict
        ``SizingResult.emissions`` of the plan [tCO2/yr].
    levers : list of str
        Levers at their limit (:attr:`solvers.InfeasibleError.levers`).
    sized_on : str
        Where the requirement was found out of reach ("representative days", "the full year").

    Returns
    -------
    (rows, shortfalls)
        ``rows`` with ``label``/``target`` set back to the planner's and ``out_of_reach`` set
        (``relaxed_to`` the value the plan was held to); ``shortfalls`` one dict per requirement:
        ``label``, ``target``, ``value`` (what the plan reaches), ``best`` (the best reachable where it
        was found: on representative days the days' value), ``gap`` (in the target's unit,
        > 0 = short), ``short`` in ``short_unit`` (tCO2/yr, or tce/yr for shares), ``levers``,
        ``sized_on``, ``sentence`` and ``remains`` (sentences on what remains that no lever reduces: the
        declared industrial-process CO2 of an emission requirement).
    """
    from solvers.blocks.targets import process_remains

    process = float(emissions.get("process_t", 0.0))
    rows = [dict(r) for r in rows]
    out = []
    for name, o in originals.items():
        row = next((r for r in rows if r["name"] == name), None)
        if name == "emission_bound":
            value, T = float(emissions["net_t"]), None
        elif name == "residual_cap":
            value, T = float(emissions["residual_t"]), None
        elif row is not None:
            value, T = float(row["value"]), float(row["energy_tce"])
        else:
            continue
        target = float(o["target"])
        share = name in ("clean_share", "renewable_share")
        gap = target - value if share else value - target
        short = gap * T if name in ("core", "clean_share", "renewable_share") else gap
        short_unit = "tce/yr" if share else "tCO2/yr"
        if row is not None:
            row.update(relaxed_to=row["target"], label=o["label"], target=target, out_of_reach=True)
        def shown(v):
            return f"{v:.4g} tCO2/tce" if name == "core" else f"{v:.2%}" if share else f"{v:,.6g} tCO2/yr"

        how = (f"{gap:.4g} above the target" if name == "core" else f"{gap * 100:.3g} percentage points short"
               if share else f"{gap:,.6g} above the cap")
        if "representative days" in sized_on:  # the days' best; the full year's plan held to it
            sentence = (f"{o['label']} is out of reach on {sized_on} (at best {shown(float(o['value']))} there): "
                        f"the plan reaches {shown(value)} over the full year, {how} (short by {short:,.4g} "
                        f"{short_unit}); it is the least-cost plan held to the days' best value")
        else:
            sentence = (f"{o['label']} is out of reach on {sized_on}: at best {shown(value)}, {how} (short by "
                        f"{short:,.4g} {short_unit}); the plan is the least-cost one at that value")
        out.append({"name": name, "label": o["label"], "target": target, "value": value,
                    "best": float(o["value"]) if "representative days" in sized_on else value, "unit": o["unit"],
                    "gap": gap, "short": short, "short_unit": short_unit, "levers": list(levers),
                    "sized_on": sized_on, "sentence": sentence,
                    "remains": ([process_remains(process, net=name == "emission_bound")]
                                if process > 0 and name in ("core", "residual", "residual_cap", "emission_bound")
                                else [])})
    for r in rows:
        r.setdefault("out_of_reach", False)
    return rows, out


__all__ = ["RELAX_ROOM", "TARGET_SOURCES", "TargetError", "annotate", "baseline_energy_tce", "core_threshold",
           "problem_targets", "relaxed_problem", "shortfall_rows", "with_targets"]
