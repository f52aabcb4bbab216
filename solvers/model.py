r"""Assemble the Pyomo sizing model from the technology blocks.

Bus balances, for each step t [kW]:

.. math::
    \sum_{i \in supply(b)} x_{i,t} - \sum_{j \in sink(b)} x_{j,t} = D_{b,t}
    \;(- u_{b,t} \text{ unmet, elastic model only})

for the electricity, heat and cooling buses; the objective is the total annualised
cost :math:`\sum_k C_k` [CNY/yr] (see :mod:`solvers.blocks`), and the capital budget
:math:`\sum \mathrm{capex} \le B`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import battery, carbon, cooling, ev, grid, heat, pv
from solvers.blocks.base import DispatchVar, ModelContext
from solvers.problem import SizingProblem

#: block order matters only in that carbon accounting comes after all emitters
BLOCKS = (grid, pv, battery, ev, heat, cooling, carbon)

BUS_UNITS = {"elec": "electric load", "heat": "heat demand", "cool": "cooling demand"}


def build_model(problem: SizingProblem, *, elastic: bool = False) -> ModelContext:
    """Build the Pyomo model of ``problem``.

    Parameters
    ----------
    problem : SizingProblem
    elastic : bool
        Add non-negative slacks on requirements (import limit, unmet heat/cooling,
        EV energy, minimum sizes, budget, emission bound) and minimise their sum
        instead of cost (phase-1 feasibility model used to explain infeasibility).

    Returns
    -------
    ModelContext
        ``ctx.m`` is the ``ConcreteModel``; ``ctx.m.cost_obj``/``ctx.m.emis_obj``
        objectives, ``ctx.m.eps``/``ctx.m.em_cap`` the emission bound.
    """
    problem.validate()
    m = pyo.ConcreteModel(name="park_sizing")
    ctx = ModelContext(m=m, p=problem, elastic=elastic)
    ctx.add_fixed_demand("elec", problem.electric_load_kw)
    ctx.dispatch.append(DispatchVar("p_load_kw", "kW", "Fixed electric load",
                                    fixed=np.asarray(problem.electric_load_kw, float)))
    for blk in BLOCKS[:-1]:
        blk.add(ctx)
    _balances(ctx)
    carbon.add(ctx)
    _budget(ctx)
    m.cost_expr = pyo.Expression(expr=sum(ctx.cost.values()))
    # emission bound: ``expr <= eps``; which expression is chosen by the objective
    kind = problem.objective
    c = problem.carbon
    m.eps = pyo.Param(mutable=True, initialize=1e12)
    if kind in ("min_emissions", "pareto"):
        bound_expr = m.residual_expr
    else:
        bound_expr = m.net_expr
    if kind == "net_zero":
        m.eps.set_value(0.0)
    elif kind == "min_cost" and c.max_net_emissions_t is not None:
        m.eps.set_value(float(c.max_net_emissions_t))
    if elastic:
        m.s_em = pyo.Var(bounds=(0, None))
        ctx.slacks["emission bound [tCO2/yr]"] = ([m.s_em], None)
        m.em_cap = pyo.Constraint(expr=bound_expr - m.s_em <= m.eps)
    else:
        m.em_cap = pyo.Constraint(expr=bound_expr <= m.eps)
    offsets_useless = (c.offset_price_cny_per_t is None or kind == "min_emissions"
                       or (kind == "min_cost" and c.max_net_emissions_t is None
                           and c.carbon_price_cny_per_t <= c.offset_price_cny_per_t))
    if offsets_useless:
        m.offsets.fix(0.0)
    m.cost_obj = pyo.Objective(expr=m.cost_expr)
    m.emis_obj = pyo.Objective(expr=m.residual_expr)
    m.emis_obj.deactivate()
    if elastic:
        terms = []
        for vars_, wts in ctx.slacks.values():
            if wts is None:
                terms += list(vars_)
            else:
                terms += [wi * v for wi, v in zip(wts, vars_)]
        m.slack_obj = pyo.Objective(expr=sum(terms) if terms else 0.0)
        m.cost_obj.deactivate()
    return ctx


def _balances(ctx: ModelContext) -> None:
    m, R = ctx.m, ctx.R
    for bus in ("elec", "heat", "cool"):
        flows = ctx.bus.get(bus, [])
        dem = ctx.bus_fixed.get(bus)
        if not flows and (dem is None or not np.any(dem)):
            continue
        if not flows and not ctx.elastic:
            from solvers.problem import InfeasibleError

            label = f"unmet {BUS_UNITS[bus]} [kW]"
            raise InfeasibleError(
                f"sizing problem infeasible — unmet {BUS_UNITS[bus]}: short by up to "
                f"{float(np.max(dem)):.6g} kW (no technology supplies this bus)",
                {label: float(np.max(dem))})
        d = (dem if dem is not None else np.zeros(ctx.T)).tolist()
        terms = []
        for sign, coef, var, key in flows:
            if coef is None:
                terms.append((sign, None, var, key))
            elif np.ndim(coef) == 0:
                terms.append((sign * float(coef), None, var, key))
            else:
                terms.append((sign, list(coef), var, key))
        unmet = None
        if ctx.elastic and bus != "elec":
            unmet = ctx.slack_series(f"s_unmet_{bus}", "kW", f"unmet {BUS_UNITS[bus]}",
                                     ctx.wdt)

        def rule(m, t, terms=terms, d=d, unmet=unmet):
            e = sum(s * (c[t] if c is not None else 1.0) * (v[k + (t,)] if k else v[t])
                    for s, c, v, k in terms)
            if unmet is not None:
                e = e + unmet[t]
            return e == d[t]

        m.add_component(f"balance_{bus}", pyo.Constraint(R, rule=rule))


def _budget(ctx: ModelContext) -> None:
    B = ctx.p.capex_budget_cny
    if B is None or not ctx.capex:
        return
    m = ctx.m
    if ctx.elastic:
        m.s_budget = pyo.Var(bounds=(0, None))
        ctx.slacks["capital budget [CNY]"] = ([m.s_budget], [1e-3])
        m.budget = pyo.Constraint(expr=sum(ctx.capex) - m.s_budget <= B)
    else:
        m.budget = pyo.Constraint(expr=sum(ctx.capex) <= B)
