r"""Cooling buses served by electric and absorption chillers.

Cooling balance of each cooling bus k [kW]: the chilled-water network (``"cool"``: the buildings'
central cooling and the process cooling at the network's temperature) and each process-cooling
demand's own loop (``"cool:<name>"``, :class:`solvers.problem.ProcessCoolingDemand`):

.. math::
    \sum_{c \in k} Q^{c}_t = D^{k}_t,\qquad Q^{c}_t \le S^{c},\qquad
    P^{c}_t = Q^{c}_t / COP^{c}_t \;(\text{electric}),\qquad
    Q^{c,in}_t = Q^{c}_t / COP^{c}_t \;(\text{absorption, drawn from the heat network})

(:math:`c \in k`: the chillers whose ``bus`` is k; with cold stores the balance has their discharge and
a chilled-water store's charging too, see :func:`_cold_stores`.)  With a single electric chiller, no
cooling bus but the network and no cold store, outside the elastic (feasibility) model, the balance is
substituted:
:math:`Q^{c} = D` is a constant, :math:`D/COP` a fixed electric demand and the capacity rows
collapse into one bound :math:`S^{c} \ge \max_t D_t` (no columns, no hourly rows).  Several
chillers, an absorption chiller, or a process-cooling loop of its own get one cooling column per
chiller and the cooling balance rows.

Ice making: a chiller that makes ice (``Chiller.ice_cop`` given) on a bus with an ice store gets a second
column, the cooling it stores as ice :math:`Q^{ice}_{c,t}`, at its ice COP and within its size at its
ice-mode capacity ratio :math:`r_c`:

.. math::
    Q^{c}_t + Q^{ice}_{c,t} / r_c \le S^{c},\qquad P^{c}_t = Q^{c}_t / COP^{c}_t + Q^{ice}_{c,t} / COP^{ice}_{c,t}

and the ice of each bus is what its ice stores are charged with,
:math:`\sum_{c \in k} Q^{ice}_{c,t} = \sum_{s \in k,\ ice} Q^{ch}_{s,t}` (row ``ice_<bus>``).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext
from solvers.problem import COOL_BUS


def add(ctx: ModelContext) -> None:
    p = ctx.p
    T = ctx.T
    demands = bus_demands(p)
    has_demand = any(np.any(d > 0) for d in demands.values())
    if not has_demand and not p.chillers and not p.cold_stores:
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
        if p.cold_stores:
            _cold_stores(ctx, p.cold_stores, {})
        return
    names = [c.name for c in p.chillers]
    inv = np.array([1.0 / np.asarray(c.cop, float) * np.ones(T) for c in p.chillers])
    electric = np.array([c.kind == "electric" for c in p.chillers])
    order = cooling_buses(p)
    if (len(p.chillers) == 1 and electric[0] and not ctx.elastic and order == [COOL_BUS]
            and not p.cold_stores):
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
    ice_buses = {s.bus for s in p.cold_stores if s.kind == "ice"}
    qs, ices = [], []
    makers: dict[str, list] = {}
    ice_inv = np.zeros((len(p.chillers), T))
    for i, ch in enumerate(p.chillers):
        S = ctx.add_size("chiller_kw", ch.name, "kW", ch.cost, lo=ch.min_kw, hi=ch.max_kw,
                         existing=ch.existing_kw)
        q = ctx.var(f"q_chiller_{ch.name}", lb=0.0)
        ctx.add_flow(ch.bus, +1, q)
        ctx.add_flow("elec" if electric[i] else "heat", -1, q, inv[i])
        qs.append(q)
        if ch.ice_cop is None or ch.bus not in ice_buses:
            ctx.cap_rows(f"chiller_max_{ch.name}", q, S)
            ices.append(None)
            continue
        qi = ctx.var(f"q_ice_{ch.name}", lb=0.0)
        ice_inv[i] = 1.0 / np.asarray(ch.ice_cop, float) * np.ones(T)
        ctx.add_flow("elec", -1, qi, ice_inv[i])
        r = 1.0 / float(ch.ice_capacity_ratio)
        ctx.rows(f"chiller_max_{ch.name}", ctx.R, lambda t, q=q, qi=qi, S=S, r=r: q[t] + r * qi[t] <= S.expr)
        ices.append(qi)
        makers.setdefault(ch.bus, []).append(qi)
    if p.cold_stores:
        _cold_stores(ctx, p.cold_stores, makers)

    def q_out(sol):
        return np.array([sol.var(v) for v in qs])

    def ice_out(sol):
        return np.array([np.zeros(T) if v is None else sol.var(v) for v in ices])

    _outputs(ctx, p, names, electric, inv, q_out, order,
             (ice_out, ice_inv) if any(v is not None for v in ices) else None)


def _cold_stores(ctx: ModelContext, stores, makers: dict) -> None:
    r"""Cold stores (:class:`solvers.problem.ColdStorage`), one set of sizes, columns and rows per store
    (named ``..._<store>``), each on its cooling bus k (see :mod:`solvers.blocks.storage`):

    .. math::
        e_t = (1-\lambda)^{\Delta t} e_{t-1} + (Q^{ch}_t - Q^{dis}_t)\Delta t,\quad e_t \le S,\quad
        Q^{ch}_t \le \min(\rho_c S, \bar Q^{ch}),\quad Q^{dis}_t \le \min(\rho_d S, \bar Q^{dis})

    The discharge is a supply of bus k; a chilled-water store's charging a demand of bus k (its chillers
    make the cold water at their chilled-water COP); an ice store's charging is the ice its bus's
    ice-making chillers make (``makers``: bus -> their ice columns), row ``ice_<bus>``:
    :math:`\sum_c Q^{ice}_{c,t} = \sum_{s\ ice} Q^{ch}_{s,t}`.  Cooling charged less cooling discharged
    (the standing losses over a cyclic year) is registered as ``cold_losses`` for the ratio targets, one
    kWh of electricity per kWh of cooling (conservative, as the heat stores' losses,
    :mod:`solvers.blocks.targets`).  With charging and discharging both lossless, a chilled-water store
    that charges and discharges in one hour changes neither its bus nor its content: the outputs report
    the net flow, as the heat stores do (:mod:`solvers.blocks.heat`); an ice store's flows are reported
    as solved (its charging is the chillers' ice).
    """
    flows, contents, pairs = [], [], []
    ice_charge: dict[str, list] = {}
    for cs in stores:
        n = cs.name
        S = ctx.add_size("cold_kwh", n, "kWh", cs.cost, lo=cs.min_kwh, hi=cs.max_kwh,
                         existing=cs.existing_kwh)
        ch = ctx.var(f"q_cold_charge_{n}", lb=0.0, ub=cs.max_charge_kw)
        dis = ctx.var(f"q_cold_discharge_{n}", lb=0.0, ub=cs.max_discharge_kw)
        e = ctx.var(f"e_cold_{n}", lb=0.0)
        ctx.cap_rows(f"cold_charge_max_{n}", ch, S, cs.charge_per_kwh)
        ctx.cap_rows(f"cold_discharge_max_{n}", dis, S, cs.discharge_per_kwh)
        cyclic = cs.cyclic and cs.initial_kwh is None
        e0 = None if cs.initial_kwh is None else float(cs.initial_kwh)
        content = storage.add_state(ctx, f"cold_{n}", e, ch, dis, eta_c=1.0, eta_d=1.0,
                                    loss_per_h=cs.loss_per_h, cyclic=cyclic, e0=e0, upper_size=S)
        storage.add_ends(ctx, "cold_kwh", n, e, content, cyclic=cyclic, e0=e0, end_min_kwh=cs.end_min_kwh,
                         end_value_cny_per_kwh=cs.end_value_cny_per_kwh)
        ctx.add_flow(cs.bus, +1, dis)
        if cs.kind == "ice":
            ice_charge.setdefault(cs.bus, []).append(ch)
            flows.append(lambda sol, ch=ch, dis=dis: (sol.var(ch), sol.var(dis)))
        else:
            ctx.add_flow(cs.bus, -1, ch)
            flows.append(_net_flows(ch, dis))
        contents.append(content)
        pairs.append((ch, dis))
    for bus, chs in ice_charge.items():
        qi = makers.get(bus, [])
        if not qi:  # no chiller makes ice on this bus: the ice stores cannot be charged
            for c in chs:
                ctx.set_bounds(c, ub=0.0)
            continue
        ctx.rows(f"ice_{bus}", ctx.R, lambda t, qi=qi, chs=chs: pyo.quicksum(q[t] for q in qi)
                 - pyo.quicksum(c[t] for c in chs) == 0.0)
    ctx.annual_kwh["cold_losses"] = lambda: pyo.quicksum(ctx.energy(c) - ctx.energy(d) for c, d in pairs)
    names = [s.name for s in stores]
    coords = {"cold_store_kind": [s.kind for s in stores], "cold_store_bus": [s.bus for s in stores]}
    ctx.dispatch += [
        DispatchVar("q_cold_charge_kw", "kW", "Cold storage charging (cooling stored)", "cold_store", names,
                    fn=lambda sol: np.array([f(sol)[0] for f in flows]), extra_coords=coords),
        DispatchVar("q_cold_discharge_kw", "kW", "Cold storage discharging (cooling delivered to its bus)",
                    "cold_store", names, fn=lambda sol: np.array([f(sol)[1] for f in flows]),
                    extra_coords=coords),
        DispatchVar("e_cold_kwh", "kWh", "Cold storage content at end of step", "cold_store", names,
                    fn=lambda sol: np.array([c(sol) for c in contents]), extra_coords=coords),
    ]


def _net_flows(ch, dis):
    """``sol -> (charge, discharge)`` [kW] of a lossless store on its bus: the net flow (charging and
    discharging in one hour is a degenerate artefact of the LP)."""
    def flows(sol):
        net = sol.var(ch) - sol.var(dis)
        return np.maximum(net, 0.0), np.maximum(-net, 0.0)
    return flows


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


def _outputs(ctx: ModelContext, p, names, electric, inv, q_out, order, ice=None) -> None:
    """Per-chiller cooling, and the sums the ledger and report read; with process cooling the
    electric chillers' electricity on each cooling bus (``p_chiller_bus_kw``); with ice making
    (``ice``: (``sol -> ice per chiller``, 1/ice COP per chiller)) each chiller's ice and the
    electricity of ice making, which is part of ``p_chiller_kw`` and ``q_chiller_kw``'s cooling."""
    kinds = {"chiller_kind": ["electric" if e else "absorption" for e in electric]}
    if p.process_cooling:
        kinds["chiller_bus"] = [c.bus for c in p.chillers]
    T = ctx.T

    def ice_q(sol):
        return ice[0](sol) if ice is not None else np.zeros((len(names), T))

    def ice_p(sol):
        return ice_q(sol) * ice[1] if ice is not None else np.zeros((len(names), T))

    ctx.dispatch += [
        DispatchVar("q_chiller_kw", "kW", "Chiller cooling output (all chillers, chilled water and ice)",
                    fn=lambda sol: q_out(sol).sum(axis=0) + ice_q(sol).sum(axis=0)),
        DispatchVar("q_cooling_supply_kw", "kW", "Cooling output of each chiller", "chiller",
                    names, fn=q_out, extra_coords=kinds),
        DispatchVar("p_chiller_kw", "kW", "Electric chillers' electricity input (ice making included)",
                    fn=lambda sol: (q_out(sol) * inv)[electric].sum(axis=0) + ice_p(sol).sum(axis=0)),
    ]
    if ice is not None:
        ctx.dispatch += [
            DispatchVar("q_ice_making_kw", "kW", "Cooling each chiller stores as ice (ice mode)", "chiller",
                        names, fn=ice_q, extra_coords=kinds),
            DispatchVar("p_ice_making_kw", "kW", "Electricity of ice making (part of the chillers' electricity)",
                        fn=lambda sol: ice_p(sol).sum(axis=0)),
        ]
    if p.process_cooling:
        on = np.array([[c.bus == b for c in p.chillers] for b in order])  # bus x chiller

        def p_bus(sol):
            p_each = q_out(sol) * inv * electric[:, None] + ice_p(sol)
            return on.astype(float) @ p_each

        ctx.dispatch.append(DispatchVar(
            "p_chiller_bus_kw", "kW", "Electric chillers' electricity input on each cooling bus (the "
            "network, each process-cooling loop of its own)", "cooling_bus", list(order), fn=p_bus))
    if not electric.all():
        ctx.dispatch.append(DispatchVar(
            "q_absorption_heat_kw", "kW", "Driving heat drawn by absorption chillers from the "
            "heat bus", fn=lambda sol: (q_out(sol) * inv)[~electric].sum(axis=0)))
