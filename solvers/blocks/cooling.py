r"""Cooling buses served by electric and absorption chillers.

Cooling balance of each cooling bus k [kW]: the chilled-water network (``"cool"``: the buildings'
central cooling and the process cooling at the network's temperature) and each process-cooling
demand's own loop (``"cool:<name>"``, :class:`solvers.problem.ProcessCoolingDemand`):

.. math::
    \sum_{c \in k} Q^{c}_t = D^{k}_t,\qquad Q^{c}_t \le S^{c},\qquad
    P^{c}_t = Q^{c}_t / COP^{c}_t \;(\text{electric}),\qquad
    Q^{c,in}_t = Q^{c}_t / COP^{c}_t \;(\text{absorption, drawn from the heat network})

(:math:`c \in k`: the chillers whose ``bus`` is k.)  With a single electric chiller and no cooling
bus but the network, outside the elastic (feasibility) model, the balance is substituted:
:math:`Q^{c} = D` is a constant, :math:`D/COP` a fixed electric demand and the capacity rows
collapse into one bound :math:`S^{c} \ge \max_t D_t` (no columns, no hourly rows).  Several
chillers, an absorption chiller, or a process-cooling loop of its own get one cooling column per
chiller and the cooling balance rows.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import DispatchVar, ModelContext
from solvers.problem import COOL_BUS


def add(ctx: ModelContext) -> None:
    p = ctx.p
    T = ctx.T
    demands = bus_demands(p)
    has_demand = any(np.any(d > 0) for d in demands.values())
    if not has_demand and not p.chillers:
        return
    building = (np.zeros(T) if p.cooling_demand_kw is None
                else np.asarray(p.cooling_demand_kw, float))
    ctx.dispatch.append(DispatchVar("q_cooling_demand_kw", "kW", "Cooling demand of the buildings "
                                    "(chilled-water network)", fixed=building))
    if p.process_cooling:
        ctx.dispatch.append(DispatchVar(
            "q_process_cooling_demand_kw", "kW", "Process cooling demand (chilled water or brine for "
            "production)", "process_cooling", [d.name for d in p.process_cooling],
            fixed=np.array([np.asarray(d.demand_kw, float) for d in p.process_cooling]),
            extra_coords={"process_cooling_temperature_c": [float(d.temperature_c) for d in p.process_cooling],
                          "process_cooling_bus": [d.bus for d in p.process_cooling]}))
    if not p.chillers:
        for bus, demand in demands.items():
            ctx.add_fixed_demand(bus, demand)  # unserved: the balance reports it
        return
    names = [c.name for c in p.chillers]
    inv = np.array([1.0 / np.asarray(c.cop, float) * np.ones(T) for c in p.chillers])
    electric = np.array([c.kind == "electric" for c in p.chillers])
    order = cooling_buses(p)
    if len(p.chillers) == 1 and electric[0] and not ctx.elastic and order == [COOL_BUS]:
        ch = p.chillers[0]
        demand = demands[COOL_BUS]
        peak = float(demand.max()) if T else 0.0
        # peak above max_kw: infeasible bounds, explained by the elastic model
        ctx.add_size("chiller_kw", ch.name, "kW", ch.cost, lo=max(peak, ch.min_kw),
                     hi=ch.max_kw, existing=ch.existing_kw)
        ctx.add_fixed_demand("elec", demand * inv[0])
        _outputs(ctx, p, names, electric, inv, lambda sol: demand[None, :], order)
        return
    for bus, demand in demands.items():
        ctx.add_fixed_demand(bus, demand)
    qs = []
    for i, ch in enumerate(p.chillers):
        S = ctx.add_size("chiller_kw", ch.name, "kW", ch.cost, lo=ch.min_kw, hi=ch.max_kw,
                         existing=ch.existing_kw)
        q = ctx.var(f"q_chiller_{ch.name}", lb=0.0)
        ctx.cap_rows(f"chiller_max_{ch.name}", q, S)
        ctx.add_flow(ch.bus, +1, q)
        ctx.add_flow("elec" if electric[i] else "heat", -1, q, inv[i])
        qs.append(q)
    _outputs(ctx, p, names, electric, inv, lambda sol: np.array([sol.var(v) for v in qs]), order)


def bus_demands(p) -> dict[str, np.ndarray]:
    """Fixed cooling demand of every cooling bus [kW]: the network (``"cool"``: the buildings' central
    cooling and the process cooling that joins it) first, then each process-cooling loop of its own."""
    T = p.n_steps
    out = {COOL_BUS: np.zeros(T) if p.cooling_demand_kw is None else np.asarray(p.cooling_demand_kw, float).copy()}
    for d in p.process_cooling:
        out[d.bus] = out.get(d.bus, np.zeros(T)) + np.asarray(d.demand_kw, float)
    return out


def cooling_buses(p) -> list[str]:
    """The cooling buses of problem ``p``: the network (``COOL_BUS``) first, then each process-cooling
    loop of its own in the problem's order (the operated twin's order,
    :attr:`twin.operate.state.OperatedPark.cooling_buses`)."""
    return [COOL_BUS, *dict.fromkeys(d.bus for d in p.process_cooling if d.bus != COOL_BUS)]


def _outputs(ctx: ModelContext, p, names, electric, inv, q_out, order) -> None:
    """Per-chiller cooling, and the sums the ledger and report read; with process cooling the
    electric chillers' electricity on each cooling bus (``p_chiller_bus_kw``)."""
    kinds = {"chiller_kind": ["electric" if e else "absorption" for e in electric]}
    if p.process_cooling:
        kinds["chiller_bus"] = [c.bus for c in p.chillers]
    ctx.dispatch += [
        DispatchVar("q_chiller_kw", "kW", "Chiller cooling output (all chillers)",
                    fn=lambda sol: q_out(sol).sum(axis=0)),
        DispatchVar("q_cooling_supply_kw", "kW", "Cooling output of each chiller", "chiller",
                    names, fn=q_out, extra_coords=kinds),
        DispatchVar("p_chiller_kw", "kW", "Electric chillers' electricity input",
                    fn=lambda sol: (q_out(sol) * inv)[electric].sum(axis=0)),
    ]
    if p.process_cooling:
        on = np.array([[c.bus == b for c in p.chillers] for b in order])  # bus x chiller

        def p_bus(sol):
            p_each = q_out(sol) * inv * electric[:, None]
            return on.astype(float) @ p_each

        ctx.dispatch.append(DispatchVar(
            "p_chiller_bus_kw", "kW", "Electric chillers' electricity input on each cooling bus (the "
            "network, each process-cooling loop of its own)", "cooling_bus", list(order), fn=p_bus))
    if not electric.all():
        ctx.dispatch.append(DispatchVar(
            "q_absorption_heat_kw", "kW", "Driving heat drawn by absorption chillers from the "
            "heat bus", fn=lambda sol: (q_out(sol) * inv)[~electric].sum(axis=0)))
