"""Solve a :class:`~solvers.problem.SizingProblem` with HiGHS and read the results back.

Objectives
----------
``min_cost``
    Minimise total annualised cost :math:`C` (capital annuities, O&M, energy, demand
    charges, fuel, wear, carbon price on net emissions, offsets, certificates minus
    export revenue), optionally with :math:`E^{net} \\le` ``carbon.max_net_emissions_t``.
    ``carbon.max_residual_emissions_t`` caps :math:`E^{res}` under every objective.
    Offsets are bought only to meet a net bound or where the carbon price exceeds
    their price.
``min_emissions``
    Lexicographic, two LPs: minimise residual emissions :math:`E^{res}` within the
    capital budget, then minimise cost :math:`C` with
    :math:`E^{res} \\le E^{res*}(1+10^{-7})`; :math:`C` includes the carbon price on net
    emissions, so offsets (which do not change :math:`E^{res}`) are bought when the
    carbon price exceeds the offset price.
``net_zero``
    Minimise cost with :math:`E^{net} = E^{res} - O \\le 0` (offsets limited by the
    share cap).
``pareto``
    Epsilon-constraint method [1]_: minimise cost subject to
    :math:`E^{res} \\le \\varepsilon_k` for ``pareto_points`` values between the
    minimum-emission and the minimum-cost solution, re-solving the live HiGHS model: the
    first run (minimum cost) ends with crossover, and the other points are warm-started
    from a basis by the simplex method, and the least-emission LP runs beside the first run
    in a second HiGHS instance (see :func:`_pareto`; on the largest example the front takes
    about 1.2 times its single sizing, ``benchmarks/README.md``).  The marginal
    abatement cost of a point is minus the dual of the epsilon constraint [CNY/tCO2].

References
----------
.. [1] Mavrotas, G. (2009). Effective implementation of the epsilon-constraint method
   in multi-objective mathematical programming problems. Applied Mathematics and
   Computation 213(2), 455-465.
"""

from __future__ import annotations

import time

import numpy as np

from solvers.problem import (InfeasibleError, ParetoPoint, SizingProblem, SizingResult,
                             SolveOptions, UndecidedError)

_EPS_REL = 1e-7

INFEASIBLE = ("infeasible", "infeasible_or_unbounded")

#: A violation of the elastic re-solve larger than this share of its row's scale (gross emissions
#: for a tCO2/yr row, energy use for a tce/yr row, the park's power scale for kW or kWh) is beyond
#: any interior point's tolerance (about 1e-6 relative): the elastic optimum then decides an
#: interior-point verdict of infeasibility without a simplex confirmation [-]
EDGE_REL = 1e-5
#: ... and larger than this, in the row's unit (the threshold a violation is reported from)
EDGE_ABS = 1e-6

# What counts as solver noise, and how it is set to 0 once: solvers/noise.py
from solvers.noise import FLOW_TOL, NOISE_TOL, SUM_TOL, clean, hourly_tolerance  # noqa: F401, E402


def solve(problem: SizingProblem, options: SolveOptions | None = None) -> SizingResult:
    """Build, hand over and solve ``problem``; return sizes, dispatch, costs and duals.

    Parameters
    ----------
    problem : SizingProblem
    options : SolveOptions, optional

    Returns
    -------
    SizingResult

    Raises
    ------
    InfeasibleError
        If no feasible solution exists; the message names the requirement that
        cannot be met and by how much (from an elastic re-solve).
    RuntimeError
        If HiGHS stops without a usable solution for another reason.
    """
    from solvers.highs_backend import HighsBackend
    from solvers.model import build_model

    opts = options or SolveOptions()
    t0 = time.perf_counter()
    ctx = build_model(problem)
    build_time = time.perf_counter() - t0
    be = HighsBackend(opts)
    handover = be.set_instance(ctx.m)
    cm = be.cmodel
    ctx.c_cost, ctx.c_offset = _compiled_cost(cm)
    ctx.em_row = int(cm.rows_of(ctx.m.em_cap)[0])
    ctx.em_const = cm.linear(ctx.bound_expr)[2]
    if opts.save_model:
        be.write(opts.save_model)
    kind = problem.objective
    pareto: list[ParetoPoint] = []

    if kind == "min_emissions":  # two LPs: emissions, then cost at that level
        res = _lexicographic(be, ctx, problem, opts)
    else:
        # a Pareto front warm-starts its later points from the first run's basis, and its
        # least-emission LP can run beside the first run
        beside = None
        if (kind == "pareto" and opts.pareto_beside and not ctx.n_int
                and be._algorithm() in ("hipo", "ipx", "ipm")):
            beside = cm.cost_vector(ctx.residual)
        res = be.run(basis=kind == "pareto", beside=beside, confirm=_confirm(opts))
        res = _settle(be, res, problem, opts)
        if kind == "pareto":
            res, pareto = _pareto(be, ctx, res, problem, opts)

    t1 = time.perf_counter()
    out = _extract(ctx, cm, clean_solution(ctx, cm, res))
    load_time = time.perf_counter() - t1
    ncol, nrow = be.n_cols_rows()
    gap = 0.0
    if ctx.n_int and res.objective is not None:
        gap = abs(res.objective - res.bound) / max(abs(res.objective), 1e-9)
    return SizingResult(
        sizes=out["sizes"], dispatch=out["dispatch"], costs=out["costs"],
        emissions=out["emissions"], objective_value=float(res.objective),
        objective_cny=out["costs"]["total"], status=res.status, termination=res.termination,
        solve_time_s=be.highs_time, build_time_s=build_time, handover_time_s=handover,
        gap=gap, n_variables=ncol, n_constraints=nrow, duals=out["duals"], pareto=pareto,
        load_time_s=load_time, algorithm=be.algorithm,
        solver_notes=list(problem.notes) + list(be.notes), n_solves=be.n_runs,
        store_states=out["store_states"], targets=out["targets"])


def _compiled_cost(cm):
    """Objective vector and offset of the model's active objective, as compiled."""
    c = np.asarray(cm.info.c.toarray(), float).reshape(-1, cm.n_col)
    return c[0], float(cm.info.c_offset[0])


def _confirm(opts) -> bool:
    """Whether :meth:`HighsBackend.run` confirms an interior-point verdict of infeasibility itself:
    not where the elastic re-solve decides it (:func:`_settle`), nor where the caller takes it as it is."""
    return opts.confirm_infeasible and not opts.explain_infeasibility


def _settle(be, res, problem, opts):
    """``res`` if it has a usable solution; else the verdict, decided and explained.

    An interior-point verdict of infeasibility (unconfirmed: :func:`_confirm`) is decided by the
    elastic re-solve (:func:`elastic_verdict`): where its optimum needs a requirement to give way by
    more than the solver's tolerance (:data:`EDGE_REL`), the requirement is out of reach and the
    :class:`InfeasibleError` says by how much, with no simplex confirmation (which crawled to the
    900 s time limit on a factory's full year with a core indicator out of reach, after the
    interior point had said so in 30 s). Where it needs none, or less, the model is at the edge of
    reach: the simplex method decides on the model as stated
    (:meth:`HighsBackend.confirm_infeasible`), and a solution it finds is returned.

    Raises
    ------
    InfeasibleError
        The verdict, with the elastic re-solve's explanation and the notes of every run behind it.
    UndecidedError
        HiGHS stopped without a solution and without a verdict.
    """
    if res.status in INFEASIBLE and opts.explain_infeasibility:
        verdict = elastic_verdict(problem, opts, res.status)
        notes = list(verdict.notes)
        if not be.interior_verdict(res):
            notes.append(elastic_note(verdict))
        elif verdict.decided:
            notes.append(elastic_note(verdict, ": a requirement is short beyond the solver's tolerance, which "
                                               "decides the verdict with no simplex confirmation"))
        else:
            be.notes += notes + [elastic_note(verdict, (", so " if verdict.run.status != "optimal" else
                                                        ": nothing is short beyond the solver's tolerance, so ")
                                                       + "the simplex method decides on the model as stated")]
            notes = []
            res = be.confirm_infeasible(res)
            if res.status not in INFEASIBLE:
                _check(res, problem, opts, be)
                return res
        raise InfeasibleError(str(verdict), verdict.violations, shortfalls=verdict.shortfalls,
                              levers=verdict.levers, notes=list(be.notes) + notes,
                              decided=verdict.decided or not be.interior_verdict(res))
    _check(res, problem, opts, be)
    return res


def _check(res, problem, opts, be=None) -> None:
    if res.status == "optimal" or (res.status in ("time_limit", "iteration_limit")
                                   and res.has_solution):
        return
    notes = list(be.notes) if be is not None else []
    if res.status in INFEASIBLE:
        if opts.explain_infeasibility:
            v = elastic_verdict(problem, opts, res.status)
            raise InfeasibleError(str(v), v.violations, shortfalls=v.shortfalls, levers=v.levers,
                                  notes=notes + v.notes + [elastic_note(v)])
        raise InfeasibleError(f"HiGHS reports the sizing problem {res.status}", notes=notes)
    raise undecided_error(res, notes)


def undecided_error(res, notes=()) -> UndecidedError:
    """The :class:`UndecidedError` of a run ``res`` that ended without a usable solution: HiGHS's
    words, the method, how long it ran and how far it got."""
    limit = {"time_limit": "at its time limit", "iteration_limit": "at its iteration limit"}.get(res.status)
    how = (f"{res.method or res.algorithm or 'HiGHS'} stopped {limit} after {res.time_s:.0f} s and "
           f"{res.iterations:,} iterations" if limit else
           f"{res.method or res.algorithm or 'HiGHS'}, {res.time_s:.0f} s, {res.iterations:,} iterations")
    return UndecidedError(f"HiGHS stopped without a usable solution: {res.termination} ({how})", notes=notes,
                          status=res.status, method=res.method or res.algorithm, time_s=res.time_s,
                          iterations=res.iterations)


def _set_eps(be, ctx, eps: float) -> None:
    """Move the emission bound of the live HiGHS model (and keep ``m.eps`` in step)."""
    ctx.m.eps.set_value(float(eps))
    be.set_row_upper(ctx.em_row, eps - ctx.em_const)


def _lexicographic(be, ctx, problem, opts):
    """Minimise residual emissions, then cost at that emission level."""
    be.set_objective(*be.cmodel.cost_vector(ctx.residual))
    r = _settle(be, be.run(confirm=_confirm(opts)), problem, opts)
    e_min = float(r.objective)
    _set_eps(be, ctx, e_min + _EPS_REL * max(1.0, abs(e_min)))
    be.set_objective(ctx.c_cost, ctx.c_offset)
    r = be.run()
    _check(r, problem, opts, be)
    return r


def _pareto(be, ctx, res, problem, opts):
    """Epsilon-constraint front; each point is its own HiGHS run with its own time limit.

    A point whose run fails is reported (``ParetoPoint.status``) and the rest are kept.
    ``pareto_points + 1`` HiGHS runs on the one held model, warm-started where a basis
    exists (an LP whose first run left one: :func:`solve` asks for crossover after HiPO):

    1. the minimum-cost end is the first (unconstrained) solve itself, not solved again;
       its optimal basis is kept;
    2. the minimum residual emissions :math:`E^{lo}` (objective changed): cold by IPX with
       crossover when the configured algorithm is an interior point (the warm primal
       simplex from the minimum-cost basis took twice its time on the largest example, and
       HiPO ends undecided there: the set of minimum-emission plans has no interior) — by
       default in a second HiGHS instance at the same time as step 1
       (``SolveOptions.pareto_beside``), its basis then passed to this model — and by
       the primal simplex from the minimum-cost basis otherwise;
    3. the minimum-emission end (cost objective again, :math:`E \\le E^{lo}(1+10^{-7})`): primal
       simplex from the basis of step 2, which stays primal feasible;
    4. the inner points from the highest bound down, dual simplex from the minimum-cost
       basis and then each from the previous point's (only the bound's right-hand side
       changes, so the basis stays dual feasible and each step is short).

    Every run is solved to optimality as a cold run would be; sizes are re-optimised at
    every point.  Without a basis (a MILP) each point is a cold run.  The headline plan
    returned with the front is the minimum-cost end (or the point nearest to it that
    solved, ``ParetoPoint.headline``); the minimum-emission end is the vertical end of the
    front (``mac_cny_per_t = None``, ``vertical = True``): its bound cannot be tightened at
    any price, so its dual says nothing about abatement cost.
    """
    from solvers.highs_backend import Solution

    cm = be.cmodel
    say = opts.progress or (lambda text: None)
    e_hi = Solution(cm, res.x).expr(ctx.residual)
    hi_basis = be.basis()
    side, lo_basis = be.side or (None, None)
    if side is not None and side.status == "optimal" and lo_basis is not None and hi_basis is not None:
        r = side  # solved beside the first run (SolveOptions.pareto_beside)
    else:
        lo_basis = None
        be.set_objective(*cm.cost_vector(ctx.residual))
        if hi_basis is None:
            r = be.run()
        elif be.algorithm in ("hipo", "ipx", "ipm"):
            r = be.run(basis=True, algorithm="ipx", cold=True)
        else:
            r = be.resolve("primal")
    _check(r, problem, opts, be)
    e_lo = float(r.objective)
    say(f"pareto: emissions from {e_lo:,.1f} to {e_hi:,.1f} tCO2/yr "
        f"(minimum-emission solve {r.time_s:.1f} s, {r.method}, {r.iterations:,} iterations)")
    be.set_objective(ctx.c_cost, ctx.c_offset)
    n = max(int(problem.pareto_points), 2)
    eps_list = np.linspace(e_lo, e_hi, n)
    eps_list[0] = e_lo + _EPS_REL * max(1.0, abs(e_lo))
    eps_list[-1] = e_hi + _EPS_REL * max(1.0, abs(e_hi))
    points: dict[int, ParetoPoint] = {}
    runs: dict[int, object] = {}

    def point(k: int, r) -> None:
        eps = float(eps_list[k])
        if not (r.status == "optimal" or (r.status in ("time_limit", "iteration_limit")
                                          and r.has_solution)):
            points[k] = ParetoPoint(
                cost_cny=float("nan"), residual_co2_t=float("nan"), epsilon_co2_t=eps,
                mac_cny_per_t=None, sizes={}, solve_time_s=r.time_s,
                status=f"failed: {r.termination}", vertical=k == 0, method=r.method,
                iterations=r.iterations)
            say(f"pareto point {k + 1}/{n} (≤ {eps:,.1f} tCO2/yr): FAILED after {r.time_s:.1f} s "
                f"({r.termination}); the other points are kept")
            return
        x = clean_solution(ctx, cm, r).x
        sol = Solution(cm, x)
        dual = 0.0 if (ctx.n_int or r.row_dual is None) else float(r.row_dual[ctx.em_row])
        points[k] = ParetoPoint(
            cost_cny=float(ctx.c_cost @ x + ctx.c_offset),
            residual_co2_t=sol.expr(ctx.residual), epsilon_co2_t=eps,
            mac_cny_per_t=None if k == 0 else -dual, sizes=_sizes(ctx, sol),
            solve_time_s=r.time_s, status=r.status, vertical=k == 0, method=r.method,
            iterations=r.iterations)
        runs[k] = r
        say(f"pareto point {k + 1}/{n} (≤ {eps:,.1f} tCO2/yr): {points[k].cost_cny:,.0f} CNY/yr, "
            f"{r.status}, {r.time_s:.1f} s ({r.method}, {r.iterations:,} iterations)")

    # the minimum-emission end, from the minimum-emission basis
    _set_eps(be, ctx, float(eps_list[0]))
    if lo_basis is not None:
        be.set_basis(lo_basis)
    point(0, be.resolve("primal") if hi_basis is not None else be.run())
    # the inner points downwards from the minimum-cost end, each from the last good basis
    start = hi_basis
    for k in range(n - 2, 0, -1):
        if start is not None:
            be.set_basis(start)
        _set_eps(be, ctx, float(eps_list[k]))
        point(k, be.resolve("dual") if start is not None else be.run())
        if k in runs and start is not None:
            start = be.basis() or start
    # the minimum-cost end: the first solve itself (whose emissions are e_hi)
    point(n - 1, res)
    if not runs:
        raise RuntimeError("HiGHS stopped without a usable solution at every Pareto point: "
                           + "; ".join(points[k].status for k in sorted(points)))
    best = max(runs)
    points[best].headline = True
    return runs[best], [points[k] for k in range(n)]


def _size_value(s, sol) -> float:
    """Total size with new capacity below :data:`NOISE_TOL` reported as none, and held
    within its bounds: an interior point stands up to its tolerance (about 1e-6 relative)
    beyond a bound, and 588.0000006 kWp on a roof that holds 588 kWp would be carried into
    the next period of a pathway as an existing size the roof cannot hold."""
    from solvers.blocks.base import Scaled

    if isinstance(s, Scaled):
        return s.factor * _size_value(s.size, sol)
    if s.var is None:
        return float(s.existing)
    new = sol.value(s.var)
    if s.var.ub is not None:
        new = min(new, s.var.ub)
    if s.var.lb is not None:
        new = max(new, s.var.lb)
    return float(s.existing + (0.0 if abs(new) < NOISE_TOL else new))


def _sizes(ctx, sol) -> dict:
    out = {}
    for k, v in ctx.sizes.items():
        if isinstance(v, dict):
            out[k] = {n: _size_value(s, sol) for n, s in v.items()}
        else:
            out[k] = _size_value(v, sol)
    return out


def power_scale_kw(ctx) -> float:
    """The park's power scale P [kW]: its largest fixed hourly demand on any bus (the noise
    tolerance of hourly values is relative to it, :func:`solvers.noise.hourly_tolerance`)."""
    return max((float(np.abs(d).max()) for d in ctx.bus_fixed.values() if np.size(d)), default=0.0)


def clean_solution(ctx, cm, res):
    """``res`` with its primal solution cleaned of solver noise (:mod:`solvers.noise`), so
    that sizes, costs, emissions and the dispatch read from it agree: an hourly series (one
    variable of one asset) below the park's hourly tolerance in every hour, new capacity
    below ``NOISE_TOL`` and offsets below ``SUM_REL`` of the gross emissions are exactly 0.
    A series that is real in some hours keeps its values in all (the balances, emissions
    and offsets bought stay as the solver found them).  ``res`` itself is not changed."""
    import copy

    from solvers.highs_backend import Solution

    x = np.array(res.x, dtype=float)
    tol = hourly_tolerance(power_scale_kw(ctx))
    for v in ctx.hourly_vars:  # a series that is noise in every hour (V2G nobody builds) is none
        cols, _ = cm.cols_of(v)
        cols = cols[cols >= 0]
        if cols.size and float(np.abs(x[cols]).max()) < tol:
            x[cols] = 0.0
    for s in _size_list(ctx.sizes):
        if s.var is not None:
            cols, _ = cm.cols_of(s.var)
            cols = cols[(cols >= 0) & (np.abs(x[np.maximum(cols, 0)]) < NOISE_TOL)]
            x[cols] = 0.0
    cols, _ = cm.cols_of(ctx.offsets)
    if cols[0] >= 0:
        x[cols[0]] = clean(x[cols[0]], Solution(cm, x).expr(ctx.gross_sum))
    out = copy.copy(res)
    out.x = x
    return out


def _size_list(sizes: dict) -> list:
    """Every Size of ``ctx.sizes`` (a Scaled quantity stands on a Size listed elsewhere)."""
    from solvers.blocks.base import Size

    out = []
    for v in sizes.values():
        out += [s for s in (v.values() if isinstance(v, dict) else [v]) if isinstance(s, Size)]
    return out


def _extract(ctx, cm, res) -> dict:
    import xarray as xr

    from solvers.highs_backend import Solution

    p, T, x = ctx.p, ctx.T, res.x
    sol = Solution(cm, x)
    sizes = _sizes(ctx, sol)
    # ---- costs
    capex, om, costs = {}, {}, {}
    for k, e in ctx.cost.items():
        v = sol.expr(e)
        if k.startswith("capex:"):
            capex[k[6:]] = v
        elif k.startswith("om:"):
            om[k[3:]] = v
        else:
            costs[k] = v
    total = float(ctx.c_cost @ x + ctx.c_offset)
    costs = {"capex_annualised": capex, "capex_annualised_total": sum(capex.values()),
             "om": om, "om_total": sum(om.values()), **costs, "total": total,
             "capex_overnight": sum(sol.expr(c) for c in ctx.capex)}
    # ---- emissions (from the defining sums, not the gross column, to avoid its tolerance)
    gross = sol.expr(ctx.gross_sum)
    cert = sol.expr(ctx.cert)
    green = sol.expr(ctx.green)
    off = sol.value(ctx.offsets)
    em = {"gross_grid_t": sol.expr(ctx.emis["gross_grid_t"]) if "gross_grid_t" in ctx.emis
          else 0.0,
          "fuel_t": sol.expr(ctx.emis["fuel_t"]) if "fuel_t" in ctx.emis else 0.0,
          "heat_import_t": sol.expr(ctx.emis["heat_import_t"]) if "heat_import_t" in ctx.emis else 0.0,
          "process_t": float(ctx.emis.get("process_t", 0.0)),
          "export_credit_t": (-sol.expr(ctx.emis["export_credit_t"])
                              if "export_credit_t" in ctx.emis else 0.0),
          "gross_t": gross, "green_power_t": green,
          "green_power_mwh": sol.value(ctx.green_var) if ctx.green_var is not None else 0.0,
          "certificates_t": cert,
          "certificates_mwh": sol.value(ctx.cert_var) if ctx.cert_var is not None else 0.0,
          "residual_t": clean(gross - green - cert, gross), "offsets_t": off,
          "net_t": clean(gross - green - cert - off, gross)}
    em = {k: clean(v) for k, v in em.items()}
    costs = {k: ({kk: clean(vv) for kk, vv in v.items()} if isinstance(v, dict) else clean(v))
             for k, v in costs.items()}
    # ---- dispatch
    time_coord = np.arange(T) if p.time is None else p.time
    data = {}
    for d in ctx.dispatch:
        arr = d.fn(sol) if d.fn is not None else d.fixed
        arr = np.asarray(arr, float) + 0.0  # a copy, and no negative zeros in the output
        if d.fn is not None and d.units in ("kW", "kWh"):  # sums of cleaned columns: their noise too
            arr[np.abs(arr) < FLOW_TOL] = 0.0
        attrs = {"units": d.units, "long_name": d.long_name}
        if d.dim is None:
            data[d.name] = xr.DataArray(arr, dims=("time",), attrs=attrs)
        else:
            coords = {d.dim: list(d.coords)}
            coords.update({k: (d.dim, list(v)) for k, v in (d.extra_coords or {}).items()})
            data[d.name] = xr.DataArray(arr.reshape(len(d.coords), T), dims=(d.dim, "time"),
                                        coords=coords, attrs=attrs)
    ds = xr.Dataset(data, coords={"time": time_coord})
    ds.attrs["dt_h"] = ctx.dt
    if p.weights is not None:
        ds["weight"] = xr.DataArray(np.asarray(ctx.w), dims=("time",),
                                    attrs={"units": "1", "long_name": "Step weight in the year"})
    duals = {}
    if not ctx.n_int and res.row_dual is not None:
        duals = _duals(ctx, cm, res)
    from solvers.blocks import targets

    return {"sizes": sizes, "costs": costs, "emissions": em, "dispatch": ds, "duals": duals,
            "targets": targets.report(ctx, cm, res, sol),
            "store_states": _store_states(ctx, sol)}


def _store_states(ctx, sol) -> dict:
    """``{"initial": state, "end": state}`` of every store (see SizingResult.store_states)."""
    out = {"initial": {}, "end": {}}
    for key, v in ctx.stores.items():
        if isinstance(v, dict):
            out["initial"][key] = {n: float(a(sol)) for n, (a, _) in v.items()}
            out["end"][key] = {n: float(b(sol)) for n, (_, b) in v.items()}
        else:
            out["initial"][key], out["end"][key] = v[0](sol), v[1](sol)
    return out if ctx.stores else {}


def _duals(ctx, cm, res) -> dict:
    out = {"emission_constraint_cny_per_t": -float(res.row_dual[ctx.em_row])}
    rows = cm.rows_of(ctx.balance["elec"])
    out["electricity_price_cny_per_kwh"] = res.row_dual[rows] / np.asarray(ctx.wdt)
    lim = np.asarray(ctx.p.grid.import_limit_kw, dtype=float)
    if np.isfinite(lim).any():
        # the limit is a column bound: its dual is the reduced cost at the upper bound
        cols, _ = cm.cols_of(ctx.imp)
        z = np.where(cols >= 0, res.col_dual[np.maximum(cols, 0)], 0.0)
        xi = np.where(cols >= 0, res.x[np.maximum(cols, 0)], 0.0)
        y = np.where(xi >= lim - 1e-6 * np.maximum(1.0, lim), -z, 0.0).clip(min=0.0)
        out["import_limit_value_cny_per_kw_yr"] = float(y.sum())
        out["import_limit_binding_hours"] = int(np.count_nonzero(y > 1e-9))
        out["import_limit_max_cny_per_kw"] = float(y.max()) if y.size else 0.0
        out["import_limit_hourly_cny_per_kw"] = y
    return out


def explain_infeasibility(problem: SizingProblem, opts: SolveOptions, status: str) -> None:
    """Solve the elastic model and raise :class:`InfeasibleError` naming the violations."""
    raise elastic_verdict(problem, opts, status)


def _edge(label: str, ctx, sol) -> float:
    """The least violation of the elastic requirement ``label`` that no solver tolerance explains, in
    its unit (:data:`EDGE_ABS` + :data:`EDGE_REL` × its row's scale)."""
    unit = label[label.rfind("[") + 1:-1]
    scale = 0.0
    if unit == "tCO2/yr":
        scale = abs(sol.expr(ctx.gross_sum))
    elif unit == "tce/yr" and getattr(ctx, "target_exprs", None):
        scale = abs(sol.expr(ctx.target_exprs["energy_tce"]))
    elif unit in ("kW", "kWh", "kWp"):
        scale = power_scale_kw(ctx)
    elif unit == "CNY" and ctx.p.capex_budget_cny is not None:
        scale = abs(float(ctx.p.capex_budget_cny))
    return EDGE_ABS + EDGE_REL * scale


def elastic_verdict(problem: SizingProblem, opts: SolveOptions, status: str, *,
                    solver: str | None = None) -> InfeasibleError:
    """Solve the elastic model of ``problem`` (every requirement may give way, at a price: its
    least total violation) and return the :class:`InfeasibleError` naming the violations.

    ``solver``: the HiGHS algorithm of the elastic solve; by default ``opts.solver``, except IPX
    (with crossover) where that is HiPO.

    The error carries ``decided``: True where the elastic optimum needs a requirement to give way by
    more than any solver tolerance explains (:func:`_edge`), which decides that ``problem`` is
    infeasible whatever another method would say about it; False where it needs none or less (the
    problem is at the edge of reach, or the elastic re-solve ended without an optimum), and
    ``notes`` say what ran (method, time) and what it found.
    """
    from dataclasses import replace

    from solvers.highs_backend import HighsBackend, Solution
    from solvers.model import build_model

    ctx = build_model(problem, elastic=True)
    # HiPO ended undecided ("Unknown") on every elastic model measured, after 199 s on a factory's full year
    # (IPX then took 60 s): the elastic model is solved by IPX with crossover (a vertex: clean reduced costs)
    solver = solver or ("ipx" if opts.solver == "hipo" else opts.solver)
    be = HighsBackend(replace(opts, solver=solver))
    be.set_instance(ctx.m)
    res = be.run()
    notes = [f"elastic re-solve: {n}" for n in be.notes]
    if res.status != "optimal":
        return _elastic(InfeasibleError(f"sizing problem is {status}; elastic re-solve ended {res.termination}", {},
                                        notes=notes, decided=False), res)
    sol = Solution(be.cmodel, res.x)
    viol, lines = {}, []
    for label, (var, wts) in ctx.slacks.items():
        vals = (sol.var(var) if hasattr(var, "values")
                else np.array([sol.value(v) for v in var], float))
        if vals.size == 0 or vals.max() <= 1e-6:
            continue
        unit = label[label.rfind("[") + 1:-1]
        name = label[:label.rfind("[")].strip()
        if len(vals) > 1 and wts is not None and len(wts) == len(vals):
            energy = float(np.dot(vals, wts))
            viol[label] = float(vals.max())
            lines.append(f"{name}: short by up to {vals.max():.6g} {unit} "
                         f"in {int(np.count_nonzero(vals > 1e-6))} steps "
                         f"({energy:.6g} {unit}h over the year)")
        elif len(vals) > 1:
            viol[label] = float(vals.max())
            lines.append(f"{name}: short by up to {vals.max():.6g} {unit}")
        else:
            viol[label] = float(vals.sum())
            lines.append(f"{name}: short by {vals.sum():.6g} {unit}")
    from solvers.blocks import targets

    col_dual = None if ctx.n_int else res.col_dual  # reduced costs: which levers hold the shortfall
    lines += targets.explain(ctx, sol, viol, col_dual)
    decided = any(v > _edge(label, ctx, sol) for label, v in viol.items())
    if not lines:
        return _elastic(InfeasibleError(
            f"HiGHS reports the problem {status}, but the elastic model meets every requirement to "
            "within 1e-6: either a requirement is only just within reach (relax it by a little, e.g. "
            "a residual-emission cap of 0.01 instead of 0 tCO2/yr) or the cost is unbounded (e.g. an "
            "export price above the import price with no export limit).", {}, notes=notes, decided=False), res)
    short = targets.shortfalls(ctx, sol, viol)
    c = problem.carbon
    for label, name, bound, what in (
            ("emission bound [tCO2/yr]", "emission_bound", float(ctx.m.eps.value), "net emissions"),
            ("residual emission cap [tCO2/yr]", "residual_cap", c.max_residual_emissions_t, "residual emissions")):
        if viol.get(label, 0.0) > 1e-6 and bound is not None and np.isfinite(bound):
            short.append({"name": name, "label": f"{what} ≤ {bound:,.6g} tCO2/yr", "target": float(bound),
                          "value": float(bound) + viol[label], "unit": "tCO2/yr", "short": viol[label],
                          "row_unit": "tCO2/yr", "slack": label})
    levers = targets.exhausted_levers(ctx, sol, col_dual) if short else []
    bounds = [sf for sf in short if sf["name"] in ("emission_bound", "residual_cap")]
    for sf in bounds:  # net zero (or a residual cap) out of reach said as a target's is, not as a bare slack
        lines.append(f"{sf['label']} is out of reach: at best {sf['value']:,.6g} tCO2/yr")
    if bounds and not any(x.startswith("levers exhausted: ") for x in lines):
        lines.append("levers exhausted: " + ("; ".join(levers) if levers else "none at a bound"))
        fuel = float(sol.expr(ctx.emis["fuel_t"])) if "fuel_t" in ctx.emis else 0.0
        if fuel > 1e-6:  # offsets count against net emissions only, not against a residual cap
            net = any(sf["name"] == "emission_bound" for sf in bounds)
            lines.append(f"of what remains, {fuel:,.6g} tCO2/yr is boiler fuel, which PV, green power and "
                         "certificates do not reduce (heat pumps or electric boilers in the scenario can replace "
                         + ("it, or offsets within their cap cover it)" if net else "it; offsets do not count here)"))
        process = float(ctx.emis.get("process_t", 0.0))
        if process > 0:
            lines.append(targets.process_remains(process, net=any(sf["name"] == "emission_bound" for sf in bounds)))
    return _elastic(InfeasibleError("sizing problem infeasible — " + "; ".join(lines), viol, shortfalls=short,
                                    levers=levers, notes=notes, decided=decided), res)


def _elastic(err: InfeasibleError, res) -> InfeasibleError:
    """``err`` with the elastic run ``res`` it came from (``err.run``)."""
    err.run = res
    return err


def elastic_note(verdict: InfeasibleError, tail: str = "") -> str:
    """The note on the elastic re-solve behind ``verdict`` (:func:`elastic_verdict`): its method and time,
    and ``tail``, what it decided."""
    from solvers.highs_backend import _stopped

    r = verdict.run
    out = f"re-solved with every requirement elastic, to measure what is short ({r.method}, {r.time_s:.1f} s)"
    if r.status != "optimal":
        out += f": it ended undecided {_stopped(r)}"
    return out + tail
