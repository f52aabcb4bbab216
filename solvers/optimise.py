"""Solve a :class:`~solvers.problem.SizingProblem` with HiGHS and read the results back.

Objectives
----------
``min_cost``
    Minimise total annualised cost :math:`C` (capital annuities, O&M, energy, demand
    charges, fuel, wear, carbon price on net emissions, offsets, certificates minus
    export revenue), optionally with :math:`E^{net} \\le` ``carbon.max_net_emissions_t``.
``min_emissions``
    Lexicographic: minimise residual emissions :math:`E^{res}` within the capital
    budget, then minimise cost with :math:`E^{res} \\le E^{res*}(1+10^{-7})`.
``net_zero``
    Minimise cost with :math:`E^{net} = E^{res} - O \\le 0` (offsets limited by the
    share cap).
``pareto``
    Epsilon-constraint method [1]_: minimise cost subject to
    :math:`E^{res} \\le \\varepsilon_k` for ``pareto_points`` values between the
    minimum-emission and the minimum-cost solution, re-solving the live HiGHS model
    (simplex keeps its basis between points).  The marginal abatement cost of a point
    is minus the dual of the epsilon constraint [CNY/tCO2].

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
                             SolveOptions)

_EPS_REL = 1e-7


def _status(res) -> tuple[str, str]:
    tc = res.termination_condition
    name = getattr(tc, "name", str(tc))
    mapping = {
        "convergenceCriteriaSatisfied": "optimal",
        "provenInfeasible": "infeasible",
        "locallyInfeasible": "infeasible",
        "infeasibleOrUnbounded": "infeasible_or_unbounded",
        "unbounded": "unbounded",
        "maxTimeLimit": "time_limit",
        "iterationLimit": "iteration_limit",
    }
    return mapping.get(name, "error"), name


def _has_solution(res) -> bool:
    return getattr(res, "incumbent_objective", None) is not None


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
    m = ctx.m
    be = HighsBackend(opts)
    handover = be.set_instance(m)
    if opts.save_model:
        be.write(opts.save_model)
    kind = problem.objective
    pareto: list[ParetoPoint] = []

    res = be.run()
    _check(res, problem, opts)
    if kind == "min_emissions":
        res = _lexicographic(be, m, res, problem, opts)
    elif kind == "pareto":
        res, pareto = _pareto(be, ctx, res, problem, opts)

    status, term = _status(res)
    t1 = time.perf_counter()
    res.solution_loader.load_vars()
    out = _extract(ctx, be, res)
    load_time = time.perf_counter() - t1
    ncol, nrow = be.n_cols_rows()
    gap = 0.0
    if ctx.n_int:
        inc, bnd = res.incumbent_objective, res.objective_bound
        if inc is not None and bnd is not None:
            gap = abs(inc - bnd) / max(abs(inc), 1e-9)
    return SizingResult(
        sizes=out["sizes"], dispatch=out["dispatch"], costs=out["costs"],
        emissions=out["emissions"], objective_value=float(res.incumbent_objective),
        objective_cny=out["costs"]["total"], status=status, termination=term,
        solve_time_s=be.highs_time, build_time_s=build_time, handover_time_s=handover,
        gap=gap, n_variables=ncol, n_constraints=nrow, duals=out["duals"], pareto=pareto,
        load_time_s=load_time)


def _check(res, problem, opts) -> None:
    status, term = _status(res)
    if status == "optimal" or (status in ("time_limit", "iteration_limit")
                               and _has_solution(res)):
        return
    if status in ("infeasible", "infeasible_or_unbounded"):
        if opts.explain_infeasibility:
            explain_infeasibility(problem, opts, status)
        raise InfeasibleError(f"HiGHS reports the sizing problem {status}")
    raise RuntimeError(f"HiGHS stopped without a usable solution: {term}")


def _lexicographic(be, m, res, problem, opts):
    """Minimise residual emissions, then cost at that emission level."""
    m.cost_obj.deactivate()
    m.emis_obj.activate()
    be.set_objective(m.emis_obj)
    r = be.run()
    _check(r, problem, opts)
    e_min = float(r.incumbent_objective)
    m.eps.set_value(e_min + _EPS_REL * max(1.0, abs(e_min)))
    m.emis_obj.deactivate()
    m.cost_obj.activate()
    be.set_objective(m.cost_obj)
    r = be.run()
    _check(r, problem, opts)
    return r


def _pareto(be, ctx, res, problem, opts):
    import pyomo.environ as pyo

    m = ctx.m
    res.solution_loader.load_vars()
    e_hi = float(pyo.value(m.residual_expr))
    m.cost_obj.deactivate()
    m.emis_obj.activate()
    be.set_objective(m.emis_obj)
    r = be.run()
    _check(r, problem, opts)
    e_lo = float(r.incumbent_objective)
    m.emis_obj.deactivate()
    m.cost_obj.activate()
    be.set_objective(m.cost_obj)
    n = max(int(problem.pareto_points), 2)
    eps_list = np.linspace(e_lo, e_hi, n)
    eps_list[0] = e_lo + _EPS_REL * max(1.0, abs(e_lo))
    eps_list[-1] = e_hi + _EPS_REL * max(1.0, abs(e_hi))
    points = []
    for eps in eps_list:
        m.eps.set_value(float(eps))
        h0 = be.highs_time
        r = be.run()
        _check(r, problem, opts)
        r.solution_loader.load_vars()
        dual = 0.0 if ctx.n_int else float(r.solution_loader.get_duals([m.em_cap])[m.em_cap])
        points.append(ParetoPoint(
            cost_cny=float(pyo.value(m.cost_expr)),
            residual_co2_t=float(pyo.value(m.residual_expr)), epsilon_co2_t=float(eps),
            mac_cny_per_t=-dual, sizes=_sizes(ctx), solve_time_s=be.highs_time - h0))
    return r, points


def _val(x) -> float:
    import pyomo.environ as pyo

    v = pyo.value(x, exception=False)
    return float(v) if v is not None else 0.0


def _sizes(ctx) -> dict:
    out = {}
    for k, v in ctx.sizes.items():
        if isinstance(v, dict):
            out[k] = {n: _val(x) for n, x in v.items()}
        else:
            out[k] = _val(v)
    return out


def _extract(ctx, be, res) -> dict:
    import xarray as xr

    m, p, T = ctx.m, ctx.p, ctx.T
    sizes = _sizes(ctx)
    # ---- costs
    capex, om, costs = {}, {}, {}
    for k, e in ctx.cost.items():
        v = _val(e)
        if k.startswith("capex:"):
            capex[k[6:]] = v
        elif k.startswith("om:"):
            om[k[3:]] = v
        else:
            costs[k] = v
    total = _val(m.cost_expr)
    costs = {"capex_annualised": capex, "capex_annualised_total": sum(capex.values()),
             "om": om, "om_total": sum(om.values()), **costs, "total": total,
             "capex_overnight": sum(_val(c) for c in ctx.capex)}
    # ---- emissions
    em = {"gross_grid_t": _val(ctx.emis.get("gross_grid_t", 0.0)),
          "fuel_t": _val(ctx.emis.get("fuel_t", 0.0)),
          "export_credit_t": -_val(ctx.emis.get("export_credit_t", 0.0)),
          "gross_t": _val(m.gross_expr), "certificates_t": _val(m.cert_expr),
          "certificates_mwh": _val(m.cert_mwh) if hasattr(m, "cert_mwh") else 0.0,
          "residual_t": _val(m.residual_expr), "offsets_t": _val(m.offsets),
          "net_t": _val(m.net_expr)}
    # ---- dispatch
    time_coord = np.arange(T) if p.time is None else p.time
    data = {}
    for d in ctx.dispatch:
        if d.var is not None:
            vals = {k: (v.value if v.value is not None else 0.0) for k, v in d.var.items()}
        else:
            vals = {}
        if d.expr is not None:
            arr = d.expr(vals)
        elif d.var is not None:
            if d.dim is None:
                arr = np.array([vals[t] for t in range(T)])
            else:
                arr = np.array([[vals[(c, t)] for t in range(T)] for c in d.coords])
        else:
            arr = np.asarray(d.fixed, float)
        arr = np.asarray(arr, float) + 0.0  # no negative zeros in the output
        attrs = {"units": d.units, "long_name": d.long_name}
        if d.dim is None:
            data[d.name] = xr.DataArray(np.asarray(arr, float), dims=("time",), attrs=attrs)
        else:
            data[d.name] = xr.DataArray(np.asarray(arr, float), dims=(d.dim, "time"),
                                        coords={d.dim: list(d.coords)}, attrs=attrs)
    ds = xr.Dataset(data, coords={"time": time_coord})
    ds.attrs["dt_h"] = ctx.dt
    if p.weights is not None:
        ds["weight"] = xr.DataArray(np.asarray(ctx.w), dims=("time",),
                                    attrs={"units": "1", "long_name": "Step weight in the year"})
    # ---- duals
    duals = {}
    if not ctx.n_int:
        duals = _duals(ctx, res)
    return {"sizes": sizes, "costs": costs, "emissions": em, "dispatch": ds, "duals": duals}


def _duals(ctx, res) -> dict:
    m = ctx.m
    loader = res.solution_loader
    out = {}
    d = loader.get_duals([m.em_cap])
    out["emission_constraint_cny_per_t"] = -float(d[m.em_cap])
    rows = [m.balance_elec[t] for t in ctx.R]
    d = loader.get_duals(rows)
    wdt = np.asarray(ctx.wdt)
    out["electricity_price_cny_per_kwh"] = np.array([d[r] for r in rows]) / wdt
    if hasattr(m, "import_limit"):
        rows = [m.import_limit[t] for t in ctx.R]
        d = loader.get_duals(rows)
        y = -np.array([d[r] for r in rows])  # >= 0: value of 1 kW more in that hour
        out["import_limit_value_cny_per_kw_yr"] = float(y.sum())
        out["import_limit_binding_hours"] = int(np.count_nonzero(y > 1e-9))
        out["import_limit_max_cny_per_kw"] = float(y.max()) if y.size else 0.0
        out["import_limit_hourly_cny_per_kw"] = y
    return out


def explain_infeasibility(problem: SizingProblem, opts: SolveOptions, status: str) -> None:
    """Solve the elastic model and raise :class:`InfeasibleError` naming the violations."""
    from solvers.highs_backend import HighsBackend
    from solvers.model import build_model

    ctx = build_model(problem, elastic=True)
    be = HighsBackend(opts)
    be.set_instance(ctx.m)
    res = be.run()
    st, term = _status(res)
    if st != "optimal":
        raise InfeasibleError(f"sizing problem is {status}; elastic re-solve ended {term}")
    res.solution_loader.load_vars()
    viol, lines = {}, []
    for label, (vars_, wts) in ctx.slacks.items():
        vals = np.array([v.value or 0.0 for v in vars_])
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
    if not lines:
        raise InfeasibleError(
            f"HiGHS reports the problem {status}, but the elastic model needs no slack: "
            "the cost is probably unbounded (e.g. export price above import price with "
            "no export limit).", {})
    raise InfeasibleError("sizing problem infeasible — " + "; ".join(lines), viol)
