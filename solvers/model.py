r"""Assemble the sizing LP from the technology blocks (a :class:`~solvers.lp.LinearProgram`).

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

from solvers.blocks import battery, carbon, cooling, ev, grid, heat, pv
from solvers.blocks.base import DispatchVar, ModelContext
from solvers.lp import INF, Lin, LinearProgram, lin_sum
from solvers.problem import SizingProblem

#: block order matters only in that carbon accounting comes after all emitters
BLOCKS = (grid, pv, battery, ev, heat, cooling, carbon)

BUS_UNITS = {"elec": "electric load", "heat": "heat demand", "cool": "cooling demand"}


def build_model(problem: SizingProblem, *, elastic: bool = False) -> ModelContext:
    """Build the LP of ``problem``.

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
        ``ctx.lp`` the program; ``ctx.cost_expr`` / ``ctx.residual`` the cost and
        emission objectives, ``ctx.em_row`` the row of the emission bound
        ``ctx.bound_expr <= eps`` with ``ctx.eps`` its right-hand side.
    """
    problem.validate()
    ctx = ModelContext(lp=LinearProgram(), p=problem, elastic=elastic)
    ctx.add_fixed_demand("elec", problem.electric_load_kw)
    ctx.dispatch.append(DispatchVar("p_load_kw", "kW", "Fixed electric load",
                                    fixed=np.asarray(problem.electric_load_kw, float)))
    for blk in BLOCKS[:-1]:
        blk.add(ctx)
    _balances(ctx)
    carbon.add(ctx)
    _budget(ctx)
    ctx.cost_expr = lin_sum(ctx.cost.values())
    kind = problem.objective
    c = problem.carbon
    bound_expr = ctx.residual if kind in ("min_emissions", "pareto") else ctx.net
    eps = INF
    if kind == "net_zero":
        eps = 0.0
    elif kind == "min_cost" and c.max_net_emissions_t is not None:
        eps = float(c.max_net_emissions_t)
    ctx.bound_expr = bound_expr
    if elastic:
        s = int(ctx.lp.var(1)[0])
        ctx.slacks["emission bound [tCO2/yr]"] = (np.array([s]), None)
        bound_expr = bound_expr - Lin.of([s])
    ctx.em_row = ctx.lp.row(bound_expr, hi=eps)
    ctx.em_const = bound_expr.const
    ctx.eps = eps
    offsets_useless = (c.offset_price_cny_per_t is None or kind == "min_emissions"
                       or (kind == "min_cost" and c.max_net_emissions_t is None
                           and c.carbon_price_cny_per_t <= c.offset_price_cny_per_t))
    if offsets_useless:
        ctx.lp.set_bounds([ctx.offsets_col], ub=0.0)
    if elastic:
        terms = []
        for cols, wts in ctx.slacks.values():
            terms.append(Lin.of(cols, 1.0 if wts is None else np.asarray(wts, float)))
        ctx.slack_expr = lin_sum(terms)
    return ctx


def _balances(ctx: ModelContext) -> None:
    lp, T = ctx.lp, ctx.T
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
        d = dem if dem is not None else np.zeros(T)
        terms = list(flows)
        if ctx.elastic and bus != "elec":
            u = ctx.slack_series(f"unmet {BUS_UNITS[bus]}", "kW", ctx.wdt)
            terms.append((u, 1.0))
        ctx.balance_rows[bus] = lp.rows(T, terms, lo=d, hi=d)


def _budget(ctx: ModelContext) -> None:
    B = ctx.p.capex_budget_cny
    if B is None or not ctx.capex:
        return
    expr = lin_sum(ctx.capex)
    if ctx.elastic:
        s = int(ctx.lp.var(1)[0])
        ctx.slacks["capital budget [CNY]"] = (np.array([s]), np.array([1e-3]))
        expr = expr - Lin.of([s])
    ctx.lp.row(expr, hi=B)
