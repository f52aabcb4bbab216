"""Perfect-foresight pathway: every period sized together, then each period run with its capacity fixed.

Each period's sizing problem is built exactly as :func:`twin.run.run` builds it (baseline,
objective, targets, linked representative days), all of them go into one LP
(:func:`solvers.pathway.solve_foresight`), and each period is then the normal
:func:`twin.run.run` of its scenario with the earlier builds still in service as existing
capacity and this period's total capacity pinned (``min_* = max_* =`` the joint plan), so
every output and report of a period is the same as in the myopic mode.
"""

from __future__ import annotations

import time
from typing import Any

from twin.pathway.existing import retired_in, standing
from twin.pathway.runner import (BUILD_TOLERANCE, COST_ENTRY, PathwayError, PeriodResult, _cost_of, _fade_per_yr, _flat,
                                 _period_overrides, _split, base_energies, existing_retired_rows, floor_micro,
                                 note_retiring_existing, note_retiring_inside, operating_cost, period_capital,
                                 period_existing, period_inputs, period_section, retired_hint, retired_rows, run_period)
from twin.pathway.vintages import BOUND_FIELDS, EXISTING_FIELDS, Vintage, capacity_through



#: Room above a pinned size other than PV [-] of the size, at least :data:`PIN_SLACK_MIN` [unit]: the
#: joint LP meets each period's balances to its solver's tolerance, and the period's own exact re-solve
#: with the plan pinned found the Suzhou pathway's 2030 heat 1.5e-5 kW short once its gas boilers had
#: retired (nothing else on the network to take up the difference).
PIN_SLACK_REL = 1e-6
PIN_SLACK_MIN = 1e-4


def pinned_overrides(totals: dict[str, float]) -> dict[str, float]:
    """Dotted overrides that pin each size ``{size name: unit}``: ``min =`` the value rounded down to
    1e-6 (so existing sizes and pinned bounds round alike), ``max =`` the same for PV (its totals are
    first held within their roof's limit by :func:`within_roof_limits`, as rounding alone does not
    absorb the solver's tolerance) and that plus :data:`PIN_SLACK_REL` of it, at least
    :data:`PIN_SLACK_MIN`, for the others (the joint LP's own tolerance: the period's re-solve may need
    that hair more of a heat pump or a store; its cost, below 0.01 CNY/yr, stays out of the vintages)."""
    out = {}
    for name, total in totals.items():
        key, asset = _split(name)
        section = EXISTING_FIELDS[key][0]
        where = f"{section}[{asset}]" if asset is not None else section
        v = floor_micro(total)
        lo, hi = BOUND_FIELDS[key]
        out[f"{where}.{lo}"] = v
        out[f"{where}.{hi}"] = v if key == "pv_kwp" else floor_micro(v + max(PIN_SLACK_REL * v, PIN_SLACK_MIN))
    return out


#: Sections of the heat and cooling plant whose pinned maxima a period may exceed where the joint plan
#: falls short in its own run (:func:`minimum_only`); PV and batteries stay pinned (electricity can be bought).
SUPPLY_SECTIONS = ("heat_pumps", "boilers", "chillers", "thermal_stores", "cold_stores")


def minimum_only(pins: dict, scenario) -> dict:
    """``pins`` (:func:`pinned_overrides`) with the maximum of each heat and cooling plant
    (:data:`SUPPLY_SECTIONS`) back at the scenario's own, at least the pinned minimum (None: the field
    removed, so no limit applies again); PV and batteries stay pinned."""
    out = dict(pins)
    for path in pins:
        head, fld = path.rsplit(".", 1)
        if not fld.startswith("max_") or not head.startswith(SUPPLY_SECTIONS):
            continue
        section, name = head[:-1].split("[", 1)
        spec = next(x for x in getattr(scenario, section) if x.name == name)
        own = getattr(spec, fld)
        lo = pins[f"{head}.min_{fld[4:]}"]
        out[path] = None if own is None else max(float(own), lo)
    return out


def resized_note(year: int, k: int | None, added: dict[str, float]) -> str:
    """The note of a period whose joint-plan heat and cooling plant fell short in its own run (:func:`run_foresight`)."""
    why = (f"sized on {k} representative days, it does not cover the full year" if k else
           "the joint LP meets the balances to its tolerance only")
    return (f"period {year}: the joint plan's heat and cooling plant fell short in the period's own run ({why}); the "
            "period keeps it as its minimum and builds the rest itself: "
            + ", ".join(f"{n} {v:,.0f}" for n, v in added.items()))


def within_roof_limits(totals: dict[str, float], scenario, rel: float = 1e-6) -> dict[str, float]:
    """Pinned PV sizes no larger than each array's capacity limit (its area or ``max_kwp``) [kWp].

    The joint LP keeps each array within its limit up to the solver's tolerance: the Qingdao
    foresight pathway's 2035 period carried 1,764.000003 kWp onto a 1,764 kWp roof and was refused.
    A total within ``rel`` of the limit (relative, at least 1e-6 kWp) is set to it; a larger excess
    is left for the scenario check to report.
    """
    out = dict(totals)
    for array in scenario.pv_arrays:
        name = f"pv_kwp[{array.name}]"
        if name in out:
            limit = array.capacity_limit_kwp()
            if limit < out[name] <= limit + max(rel * limit, 1e-6):
                out[name] = limit
    return out


def builds_within_roof_limits(builds: dict, scenario, declared: dict[str, float], rel: float = 1e-6) -> dict:
    """The joint LP's PV builds ``{(key, asset): {year: kWp}}`` held within each array's capacity limit [kWp].

    The LP keeps each period's total within the limit only up to its tolerance, and the builds are
    carried into later periods as ``existing_kwp``, which the scenario check holds to the limit exactly:
    a 588 kWp roof built as 588.000021 kWp in 2025 refused the 2030 period. Walking the periods in
    order, a period whose declared capacity plus the builds so far exceed the limit by at most ``rel``
    of it (at least 1e-6 kWp) builds that much less; a larger excess is left for the scenario check.
    """
    out = {ks: dict(by_year) for ks, by_year in builds.items()}
    for array in scenario.pv_arrays:
        ks = ("pv_kwp", array.name)
        if ks not in out:
            continue
        limit = array.capacity_limit_kwp()
        total = float(declared.get(f"pv_kwp[{array.name}]", 0.0))
        for year in sorted(out[ks]):
            excess = total + out[ks][year] - limit
            if 0.0 < excess <= max(rel * limit, 1e-6):
                out[ks][year] = max(limit - total, 0.0)
            total += out[ks][year]
    return out


def period_problem(loaded, config, inputs, baseline_scenario=None):
    """The sizing problem :func:`twin.run.run` would solve for ``loaded`` (targets and representative days
    included), from the weather and profiles ``inputs`` (:func:`twin.run.prepare_inputs`); its baseline
    keeps ``baseline_scenario``'s plant where given (today's retired plant, as the period's run does)."""
    import solvers as S
    from twin.plan import build_problem, first_hours
    from twin.run import sizing_problem
    from twin.targets import TargetError, with_targets

    sc = loaded.scenario
    prof = first_hours(inputs.profiles, config.hours)
    base_sc = sc if baseline_scenario is None else baseline_scenario
    base = S.solve(build_problem(base_sc, prof, baseline=True),
                   S.SolveOptions(solver="choose", threads=config.solver_threads))
    problem = sizing_problem(sc, prof, config)
    try:
        problem, _ = with_targets(problem, sc, prof, base.dispatch)
    except TargetError as exc:
        raise PathwayError(str(exc)) from None
    if config.representative_days and prof.sizes["time"] == 8760:
        from solvers.aggregation import representative_days

        problem = representative_days(problem, config.representative_days).problem
    return problem, prof


def _within_reach(job, options, prog):
    """``job`` with the requirements its period cannot meet alone moved to their best reachable values.

    Raises
    ------
    PathwayError
        The period cannot be solved at all (a violation other than a target, net-zero bound or cap).
    """
    from dataclasses import replace

    import solvers as S
    from twin.targets import relaxed_problem

    try:
        S.solve(job.problem, options)
        return job
    except S.InfeasibleError as exc:
        if not exc.only_shortfalls:
            raise PathwayError(f"period {job.year}: {exc}") from None
        prog.note(f"period {job.year}: " + "; ".join(f"{sf['label']} is out of reach (at best {sf['value']:.4g})"
                                                     for sf in exc.shortfalls))
        return replace(job, problem=relaxed_problem(job.problem, exc.shortfalls, 1e-4))


def run_foresight(path, *, variant, base_overrides, spec, sc0, spans, weights, factors, declared, k, hours, lang,
                  prog, notes, discounts, assets=()) -> tuple[list[PeriodResult], list[Vintage], dict]:
    """Size the periods of a pathway together (perfect foresight); see :func:`twin.pathway.runner.run_pathway`.

    Returns
    -------
    (periods, vintages, facts)
        ``facts``: the joint LP's objective (present value on the sizing days) [CNY], its size and times.
    """
    import solvers as S
    from solvers.pathway import ForesightPeriod, solve_foresight
    from twin.run import UserInputError, prepare_inputs, solver_tick
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    t0 = time.perf_counter()
    prog.stage(f"perfect foresight: {len(spans)} period problems")
    base_mwh: dict[str, float] = {}
    setups: list[tuple[dict[str, Any], dict, Any, Any]] = []
    jobs: list[ForesightPeriod] = []
    for ((year, _end), w), disc in zip(zip(spans, weights), discounts):
        ov, inputs = period_inputs(sc0, spec, factors, base_overrides, year, base_mwh)
        pov = _period_overrides(spec, year)
        # today's plant that stands through the period (the rest retired: out of the plan, kept in the baseline);
        # with the buildings on the heat network after the first period where district heat may be replaced
        plant, base_plant = period_existing(path, variant, ov, pov, sc0, declared, list(assets), [], year, _end,
                                            not setups)
        base_ov = None if base_plant is None else {**ov, **base_plant, **pov}
        ov.update(plant)
        ov.update(pov)
        try:
            loaded = load_scenario(path, overrides=ov, variant=variant)
            base_sc = None if base_ov is None else load_scenario(path, overrides=base_ov, variant=variant).scenario
            config = resolve_run_config(loaded.scenario, hours=hours, representative_days=k if not hours else None,
                                        lang=lang)
            prepared = prepare_inputs(loaded)
            problem, prof = period_problem(loaded, config, prepared, base_sc)
        except (ValueError, UserInputError, S.InfeasibleError) as exc:
            raise PathwayError(f"period {year}: {exc}{retired_hint(retired_in(list(assets), year, _end))}") from None
        if not base_mwh:
            base_mwh = base_energies(prof)
        setups.append((ov, inputs, loaded, config))
        jobs.append(ForesightPeriod(year=year, weight=float(w), problem=problem, end_year=_end,
                                    year_weights=tuple(disc[y] for y in range(year, _end))))
    prog.done(f"{sum(j.problem.n_steps for j in jobs):,} steps")

    # the scenario's listed assets age across periods; implied plant (today's supply of a demand) has no
    # scenario entry to carry it and stays inside its period
    tracked = {_split(n) for n in declared}
    prog.stage("perfect foresight: joint LP of all periods (HiGHS)")
    cfg0 = setups[0][3]
    fade = {("battery_kwh", b.name): _fade_per_yr(sc0, "battery_kwh", b.name) for b in sc0.batteries}
    opts = S.SolveOptions(solver=cfg0.solver_method, time_limit_s=cfg0.time_limit_s, threads=cfg0.solver_threads,
                          tick=solver_tick(prog))
    try:
        try:
            fr = solve_foresight(jobs, vintage_keys=tracked, fade_per_yr=fade, options=opts)
        except S.InfeasibleError:
            # a target out of reach in some period: each period alone (it may build up to its maximum
            # sizes, as in the joint LP) names it; held to its best reachable value, the joint LP
            # is solved again, and that period's own run states the shortfall
            jobs = [_within_reach(j, opts, prog) for j in jobs]
            fr = solve_foresight(jobs, vintage_keys=tracked, fade_per_yr=fade, options=opts)
    except S.InfeasibleError as exc:
        gone = [a for a in assets if a.retires is not None and a.retires < spec.last_year]
        raise PathwayError(f"{exc}{retired_hint(gone)}") from None
    except ValueError as exc:
        raise PathwayError(f"pathway.mode foresight: {exc}") from None
    prog.done(f"{fr.status}, {fr.n_variables:,} variables, {fr.algorithm} {fr.solve_time_s:.1f} s")

    vintages: list[Vintage] = []
    for (key, asset), by_year in builds_within_roof_limits(fr.builds, sc0, declared).items():
        for year, size in by_year.items():
            if size <= BUILD_TOLERANCE or key not in COST_ENTRY:
                continue
            sc = setups[[j.year for j in jobs].index(year)][2].scenario
            cost, _ = _cost_of(sc, key, asset)
            if cost is None:
                continue
            vintages.append(Vintage(key=key, asset=asset, year=year, size=size, unit_capex_cny=cost.capex_cny_per_unit,
                                    lifetime_yr=cost.lifetime_years, om_fraction_per_yr=cost.om_fraction_per_year,
                                    fade_per_yr=_fade_per_yr(sc0, key, asset),
                                    period_end=spans[[j.year for j in jobs].index(year)][1]))
    vintages.sort(key=lambda v: (v.year, list(EXISTING_FIELDS).index(v.key), v.asset or ""))
    rate = sc0.costs.discount_rate
    periods: list[PeriodResult] = []
    resized: dict[int, dict[str, float]] = {}
    for i, ((year, end), w) in enumerate(zip(spans, weights)):
        prog.stage(f"period {year}-{end - 1} ({i + 1}/{len(spans)}): dispatch with the joint plan's capacity")
        _, inputs, loaded0, _ = setups[i]
        ov, _ = period_inputs(sc0, spec, factors, base_overrides, year, base_mwh)
        pov = _period_overrides(spec, year)
        earlier = [v for v in vintages if v.year < year]
        now = {f"{v.key}[{v.asset}]" if v.asset is not None else v.key: v.size for v in vintages if v.year == year}
        standing_now = standing(declared, list(assets), year, end)
        existing = {n: float(standing_now.get(n, 0.0)) + capacity_through(earlier, *_split(n), year, end)
                    for n in declared}
        sized = {n for n in (f"{key}[{a}]" if a is not None else key for key, a in fr.builds)}
        totals = within_roof_limits({n: existing.get(n, 0.0) + now.get(n, 0.0) for n in sized if n in existing},
                                    loaded0.scenario)
        plant, base_plant = period_existing(path, variant, ov, pov, sc0, declared, list(assets), earlier, year, end,
                                            i == 0)
        base_ov = None if base_plant is None else {**ov, **base_plant, **pov}
        pins = pinned_overrides(totals)
        ov = {**ov, **plant, **pov, **pins}
        note_retiring_inside(earlier, year, end, prog)
        note_retiring_existing(list(assets), year, end, i == 0, prog)
        kw = {"hours": hours, "representative_days": k, "lang": lang, "baseline_overrides": base_ov,
              "retired": retired_in(list(assets), year, end)}
        try:
            r = run_period(path, ov, variant, year, **kw)
        except PathwayError:
            # the joint plan can fall short in the period's own run: sized on representative days, of the full year
            # (a cold spell no day stands for), else by the LP's tolerance, and with today's boilers retired nothing
            # else takes it up. As the myopic mode re-sizes a period on the full year, the period keeps the plan's
            # heat and cooling plant as its minimum and builds the rest itself, a vintage carried into later periods
            ov = {**ov, **minimum_only(pins, loaded0.scenario)}
            r = run_period(path, ov, variant, year, **kw)
            sizes = _flat(r.result.sizes)
            added = {n: sizes[n] - t for n, t in totals.items() if sizes.get(n, 0.0) - t > BUILD_TOLERANCE}
            for n, extra in added.items():
                key, asset = _split(n)
                cost, _ = _cost_of(loaded0.scenario, key, asset)
                if cost is None:
                    continue
                vintages.append(Vintage(key=key, asset=asset, year=year, size=extra,
                                        unit_capex_cny=cost.capex_cny_per_unit, lifetime_yr=cost.lifetime_years,
                                        om_fraction_per_yr=cost.om_fraction_per_year,
                                        fade_per_yr=_fade_per_yr(sc0, key, asset), period_end=end))
                now[n] = now.get(n, 0.0) + extra
            if added:  # less than 0.5 unit is no build (as in the myopic mode)
                resized[year] = added
                notes.append(resized_note(year, None if hours else k, added))
                prog.note(notes[-1])
        operating = operating_cost(r.result.costs, declared)
        capital, by_year = period_capital(vintages, year, end, rate, discounts[i])
        periods.append(PeriodResult(
            year=year, end_year=end, weight=float(w),
            inputs={**inputs, "overrides": {k_: v_ for k_, v_ in ov.items() if k_ not in base_overrides}},
            run=r, existing=existing, sizes=_flat(r.result.sizes), built=now,
            retired=retired_rows(vintages, year, end) + existing_retired_rows(list(assets), year, end, i == 0,
                                                                              declared, _flat(r.baseline.sizes)),
            operating_cost_cny=operating, capital_charge_cny=capital, capital_charge_by_year=by_year,
            declared=standing_now))
        r.summary["pathway_period"] = period_section(periods[-1], spec.mode, declared)
        e = r.summary["emissions_tco2"]
        prog.done(f"built {len(now)} asset(s), net {e['net']:,.0f} tCO2/yr")
    facts = {"objective_cny": fr.objective_cny, "status": fr.status, "algorithm": fr.algorithm,
             "solve_time_s": fr.solve_time_s, "build_time_s": fr.build_time_s, "n_variables": fr.n_variables,
             "n_constraints": fr.n_constraints, "elapsed_s": time.perf_counter() - t0,
             "sized_on": ("first %d h of each year" % hours if hours else
                          f"{k} linked representative days per period" if k else "the full year of each period"),
             "note": "objective_cny is the joint LP's present value on the sizing days; npv_cost_cny is the same plan "
                     "dispatched hour by hour in each period's run", "solver_notes": fr.notes,
             "resized": {str(y): a for y, a in resized.items()}}
    return periods, vintages, facts
