r"""Assemble the Pyomo sizing model from the technology blocks.

Bus balances, for each step t [kW]:

.. math::
    \sum_{i \in supply(b)} x_{i,t} + \sum_{k} \phi_{k,t} S_k
    - \sum_{j \in sink(b)} x_{j,t} = D_{b,t}
    \;(- u_{b,t} \text{ unmet, elastic model only})

for the electricity, heat (the park's network) and cooling buses and each process-heat bus
hotter than the network (``heat:<name>``, row ``balance_heat_<name>``; district heat that may be
replaced is a source on the network, :mod:`solvers.blocks.district_heat`) and each process-cooling
loop at another temperature than the chilled-water network (``cool:<name>``, row
``balance_cool_<name>``) (:math:`\phi_{k,t} S_k`: output proportional to
a size, e.g. PV availability); the objective is the total annualised
cost :math:`\sum_k C_k` [CNY/yr] (see :mod:`solvers.blocks`), and the capital budget
:math:`\sum \mathrm{capex} \le B`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import battery, carbon, cooling, district_heat, ev, grid, heat, pv, targets
from solvers.blocks.base import INF, DispatchVar, ModelContext
from solvers.problem import SizingProblem

#: block order matters only in that carbon accounting comes after all emitters
BLOCKS = (grid, pv, battery, ev, heat, district_heat, cooling, carbon)

BUS_UNITS = {"elec": "electric load", "heat": "heat demand", "cool": "cooling demand"}


def bus_label(bus: str) -> str:
    """What a bus's balance serves, for messages: ``heat demand``, ``process heat demand 'steam'``."""
    if bus.startswith("heat:"):
        return f"process heat demand '{bus.split(':', 1)[1]}'"
    if bus.startswith("cool:"):
        return f"process cooling demand '{bus.split(':', 1)[1]}'"
    return BUS_UNITS[bus]


def buses(ctx: ModelContext) -> list[str]:
    """The buses of the model: electricity, the heat network, cooling, then each process-heat bus
    (:func:`solvers.problem.process_heat_bus`) and each process-cooling loop of its own
    (:func:`solvers.problem.process_cooling_bus`) in the problem's order."""
    hot = [d.bus for d in ctx.p.process_heat if d.bus.startswith("heat:")]
    cold = [d.bus for d in ctx.p.process_cooling if d.bus.startswith("cool:")]
    return ["elec", "heat", "cool", *dict.fromkeys(hot), *dict.fromkeys(cold)]


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
        ``ctx.m`` the ``ConcreteModel`` with one active objective (``m.cost_obj``, or
        ``m.slack_obj`` when elastic); ``ctx.cost_expr`` / ``ctx.residual`` the cost
        and emission objectives, ``m.em_cap`` the emission bound
        ``ctx.bound_expr <= m.eps``.

    Notes
    -----
    Python's cyclic garbage collector is paused while the model is built (Pyomo's
    ``PauseGC``, as its writers do): the build creates hundreds of thousands of
    small objects and no cycles to collect; measured on the full-year
    manufacturing example (2 cores) the build takes 0.6 s instead of 1.6-2.3 s.
    """
    from pyomo.common.gc_manager import PauseGC

    with PauseGC():
        return _build(problem, elastic)


def _build(problem: SizingProblem, elastic: bool, m=None) -> ModelContext:
    """Build ``problem`` into ``m`` (a new ``ConcreteModel`` when None, else a Pyomo ``Block``
    of a larger model, e.g. one period of :func:`solvers.pathway.solve_foresight`)."""
    problem.validate()
    if m is None:
        m = pyo.ConcreteModel(name="park_sizing")
    ctx = ModelContext(m=m, p=problem, elastic=elastic)
    ctx.add_fixed_demand("elec", problem.electric_load_kw)
    ctx.dispatch.append(DispatchVar("p_load_kw", "kW", "Fixed electric load",
                                    fixed=np.asarray(problem.electric_load_kw, float)))
    for blk in BLOCKS[:-1]:
        blk.add(ctx)
    _balances(ctx)
    carbon.add(ctx)
    targets.add(ctx)  # after carbon: the targets read its residual, green power and certificates
    _budget(ctx)
    ctx.cost_expr = pyo.quicksum(ctx.cost.values())
    kind = problem.objective
    c = problem.carbon
    bound_expr = ctx.residual if kind in ("min_emissions", "pareto") else ctx.net
    eps = INF
    if kind == "net_zero":
        eps = 0.0
    elif kind == "min_cost" and c.max_net_emissions_t is not None:
        eps = float(c.max_net_emissions_t)
    ctx.bound_expr = bound_expr
    m.eps = pyo.Param(mutable=True, initialize=eps, domain=pyo.Any)
    if elastic:
        m.s_em = pyo.Var(bounds=(0.0, None))
        ctx.slacks["emission bound [tCO2/yr]"] = ([m.s_em], None)
        bound_expr = bound_expr - m.s_em
    m.em_cap = pyo.Constraint(expr=bound_expr <= m.eps)
    if c.max_residual_emissions_t is not None:
        res_expr = ctx.residual
        if elastic:
            m.s_res = pyo.Var(bounds=(0.0, None))
            ctx.slacks["residual emission cap [tCO2/yr]"] = ([m.s_res], None)
            res_expr = res_expr - m.s_res
        m.residual_cap = pyo.Constraint(expr=res_expr <= float(c.max_residual_emissions_t))
    # offsets are bought only where they can lower the cost: to meet a net bound, or
    # where the carbon price on net emissions exceeds the offset price
    offsets_useless = (c.offset_price_cny_per_t is None
                       or (kind in ("min_cost", "min_emissions") and c.max_net_emissions_t is None
                           and c.carbon_price_cny_per_t <= c.offset_price_cny_per_t))
    if offsets_useless:
        m.offsets.setub(0.0)
    m.cost_obj = pyo.Objective(expr=ctx.cost_expr)
    if elastic:
        terms = []
        for v, wts in ctx.slacks.values():
            vs = list(v.values()) if hasattr(v, "values") else list(v)
            wl = [1.0] * len(vs) if wts is None else np.broadcast_to(
                np.asarray(wts, float), (len(vs),)).tolist()
            terms += [wi * vi for wi, vi in zip(wl, vs)]
        ctx.slack_expr = pyo.quicksum(terms)
        m.slack_obj = pyo.Objective(expr=ctx.slack_expr)
        m.cost_obj.deactivate()
    return ctx


def _balances(ctx: ModelContext) -> None:
    R = ctx.R
    for bus in buses(ctx):
        flows = ctx.bus.get(bus, [])
        size_terms = ctx.bus_size.get(bus, [])
        dem = ctx.bus_fixed.get(bus)
        if not flows and not size_terms and (dem is None or not np.any(dem)):
            continue
        if not flows and not size_terms and not ctx.elastic:
            from solvers.problem import InfeasibleError

            label = f"unmet {bus_label(bus)} [kW]"
            raise InfeasibleError(
                f"sizing problem infeasible — unmet {bus_label(bus)}: short by up to "
                f"{float(np.max(dem)):.6g} kW (no technology supplies this bus)",
                {label: float(np.max(dem))})
        d = (dem if dem is not None else np.zeros(ctx.T)).tolist()
        const = [(v, k) for v, k in flows if not isinstance(k, list)]
        series = [(v, k) for v, k in flows if isinstance(k, list)]
        unmet = None
        if ctx.elastic and bus != "elec":
            unmet = ctx.slack_series(f"unmet {bus_label(bus)}", "kW", ctx.wdt)

        def rule(t, const=const, series=series, size_terms=size_terms, d=d, unmet=unmet):
            e = pyo.quicksum([k * v[t] for v, k in const] + [k[t] * v[t] for v, k in series]
                             + [k[t] * v for v, k in size_terms if k[t]])
            if unmet is not None:
                e = e + unmet[t]
            return e == d[t]

        ctx.balance[bus] = ctx.rows(f"balance_{bus}", R, rule)


def _budget(ctx: ModelContext) -> None:
    B = ctx.p.capex_budget_cny
    if B is None or not ctx.capex:
        return
    m = ctx.m
    expr = pyo.quicksum(ctx.capex)
    if ctx.elastic:
        m.s_budget = pyo.Var(bounds=(0.0, None))
        ctx.slacks["capital budget [CNY]"] = ([m.s_budget], [1e-3])
        expr = expr - m.s_budget
    m.budget = pyo.Constraint(expr=expr <= B)
