r"""Heat buses: heat pumps (air or waste-heat source), direct waste-heat use, boilers of any
fuel, thermal storage.

Heat balance of each heat bus k [kW]: the network (``"heat"``: the buildings' heat and the
process heat at or below its temperature, thermal stores, absorption chillers) and each
process-heat bus hotter than it (``"heat:<name>"``, :class:`solvers.problem.ProcessHeatDemand`):

.. math::
    \sum_{h \in k} Q^{hp}_{h,t} + \sum_s Q^{dir}_{s,k,t} + \sum_{b \in k} Q^{b}_t
    + [k = net](Q^{dis}_t - Q^{ch}_t - \sum_a Q^{abs,in}_{a,t}) = D^{k}_t

(:math:`h \in k`: the heat pumps and boilers whose ``bus`` is k; :math:`Q^{dir}_{s,k}` exists
where source s is hot enough for bus k: ``direct_use`` for the network, ``direct_buses``.)

Heat pump h with coefficient of performance :math:`COP_{h,t}`:

.. math::
    P^{hp}_{h,t} = Q^{hp}_{h,t} / COP_{h,t}, \quad Q^{hp}_{h,t} \le a_{h,t} S_h, \quad
    Q^{src}_{h,t} = Q^{hp}_{h,t}\,(1 - 1/COP_{h,t})

(energy balance of the heat pump: heat out = electricity in + heat drawn from the
source; :math:`a_{h,t} \in [0, 1]` is the available capacity per kW of size,
``HeatPump.avail``: an air-source heat pump's capacity falls in cold air and is 0 below
its cut-off temperature; 1 by default, which gives the plain :math:`Q \le S`).  Waste-heat source s, shared by direct use and the heat pumps drawing on it:

.. math::
    \sum_k Q^{dir}_{s,k,t} + \sum_{h: src(h)=s} Q^{src}_{h,t} \le A_{s,t},\quad
    \sum_k Q^{dir}_{s,k,t} \le S^{hx}_s,\quad
    \sum_{j:\,f_{s,j} \le f_{s,k}} Q^{dir}_{s,j,t} \le f_{s,k} A_{s,t} \;\; (f_{s,k} < 1)

(one exchanger per source carries its direct use on every bus; heat pumps on any bus share the
source; :math:`f_{s,k}` is the share of the source's heat released above bus k's temperature plus
the approach, ``WasteHeatSource.hot_share``: a stream cooled to an outlet temperature above which
a hotter bus lies gives that bus, and every bus hotter still, only its hotter part)

Boiler b of any fuel (electric, natural gas, coal, oil, biomass):
:math:`Q^{b}_t = \eta^{b} F^{b}_t \le S^{b}`, with :math:`F^b` drawn from the electricity
bus for an electric boiler, else bought at :math:`\pi^{b}` and emitting
:math:`10^{-3} ef^{b} \sum_t w_t\Delta t F^b_t` [tCO2]; fuel cost
:math:`\pi^{b} \sum_t w_t \Delta t F^b_t`.  Absorption chillers
(:mod:`solvers.blocks.cooling`) draw their driving heat from this bus.

Capacity rows of fixed-size plant become column bounds; a waste-heat source used by
one consumer only gives a column bound instead of a row.

Thermal store (see :mod:`solvers.blocks.storage`):
:math:`e_t = (1-\lambda)^{\Delta t} e_{t-1} + (\eta_c Q^{ch}_t - Q^{dis}_t)\Delta t`,
:math:`e_t \le S^{tes}`, :math:`Q^{ch}_t, Q^{dis}_t \le \rho S^{tes}`, optional throughput
cost :math:`c^{tp} \sum_t w_t \Delta t Q^{dis}_t`.  With :math:`\eta_c = 1` charging and
discharging in the same hour changes neither the heat balance nor the content, so the LP
is indifferent to it and an interior-point solution (no crossover) may show both: the
outputs report the physical net flow, :math:`\max(Q^{ch}_t - Q^{dis}_t, 0)` and
:math:`\max(Q^{dis}_t - Q^{ch}_t, 0)`, which is an equally optimal solution with the
same content and the same size (the power bounds hold for the net flow whenever they
hold for both).  With :math:`\eta_c < 1` both in one hour wastes heat and is not
optimal, and the flows are reported as solved.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext
from solvers.problem import HEAT_BUS


def add(ctx: ModelContext) -> None:
    p = ctx.p
    has_demand = ((p.heat_demand_kw is not None and np.any(np.asarray(p.heat_demand_kw) > 0))
                  or any(np.any(np.asarray(d.demand_kw) > 0) for d in p.process_heat))
    if not (has_demand or p.heat_pumps or p.boilers or p.thermal_stores):
        return
    _demands(ctx, p)
    # consumers of each waste-heat source: (var, heat drawn per unit of the var)
    draw: dict[str, list] = {w.name: [] for w in p.waste_heat}
    if p.heat_pumps:
        _heat_pumps(ctx, p.heat_pumps, draw)
    if p.waste_heat:
        _waste_heat(ctx, p.waste_heat, draw, heat_buses(p))
    if p.boilers:
        _boilers(ctx, p.boilers)
    if p.thermal_stores:
        _thermal_stores(ctx, p.thermal_stores)


def bus_demands(p) -> dict[str, np.ndarray]:
    """Fixed heat demand of every heat bus [kW]: the network (``"heat"``: the buildings' heat and
    the process heat at or below the network's temperature) first, then each process-heat bus."""
    T = p.n_steps
    out = {HEAT_BUS: np.zeros(T) if p.heat_demand_kw is None else np.asarray(p.heat_demand_kw, float).copy()}
    for d in p.process_heat:
        out[d.bus] = out.get(d.bus, np.zeros(T)) + np.asarray(d.demand_kw, float)
    return out


def _demands(ctx: ModelContext, p) -> None:
    """The fixed demand of each heat bus (:func:`bus_demands`); dispatch outputs of the buildings'
    heat demand and of each process-heat demand."""
    for bus, demand in bus_demands(p).items():
        ctx.add_fixed_demand(bus, demand)
    building = np.zeros(ctx.T) if p.heat_demand_kw is None else np.asarray(p.heat_demand_kw, float)
    ctx.dispatch.append(DispatchVar("q_heat_demand_kw", "kW", "Heat demand of the buildings (heat network)",
                                    fixed=building))
    if p.process_heat:
        ctx.dispatch.append(DispatchVar(
            "q_process_heat_demand_kw", "kW", "Process heat demand (hot water or steam for production)",
            "process_heat", [d.name for d in p.process_heat],
            fixed=np.array([np.asarray(d.demand_kw, float) for d in p.process_heat]),
            extra_coords={"process_heat_temperature_c": [float(d.temperature_c) for d in p.process_heat],
                          "process_heat_bus": [d.bus for d in p.process_heat]}))


def _heat_pumps(ctx: ModelContext, pumps, draw: dict) -> None:
    """Heat pumps, each on its bus (``HeatPump.bus``); the heat drawn from a waste-heat source is
    registered in ``draw`` for the source's availability row."""
    T = ctx.T
    names = [h.name for h in pumps]
    q = []
    inv = np.array([1.0 / np.asarray(h.cop, float) * np.ones(T) for h in pumps])
    avail = np.array([np.asarray(h.avail, float) * np.ones(T) for h in pumps])
    src = np.array([h.source is not None for h in pumps])
    for i, h in enumerate(pumps):
        S = ctx.add_size("heat_pump_kw", h.name, "kW", h.cost, lo=h.min_kw, hi=h.max_kw,
                         existing=h.existing_kw)
        qi = ctx.var(f"q_heat_pump_{h.name}", lb=0.0)
        ctx.cap_rows(f"heat_pump_max_{h.name}", qi, S, avail[i])
        ctx.add_flow(h.bus, +1, qi)
        ctx.add_flow("elec", -1, qi, inv[i])
        if h.source is not None:
            draw[h.source].append((qi, 1.0 - inv[i]))
        q.append(qi)

    def q_out(sol):
        return np.array([sol.var(v) for v in q])

    ctx.dispatch += [
        DispatchVar("q_heat_pump_kw", "kW", "Heat pump heat output", "heat_pump", names,
                    fn=q_out),
        DispatchVar("p_heat_pump_kw", "kW", "Heat pump electricity input", "heat_pump",
                    names, fn=lambda sol: q_out(sol) * inv),
        DispatchVar("q_waste_heat_source_kw", "kW",
                    "Heat drawn by the heat pump from a waste-heat source", "heat_pump",
                    names, fn=lambda sol: q_out(sol) * (1.0 - inv) * src[:, None]),
        DispatchVar("heat_pump_capacity_factor", "1",
                    "Available heat output of the heat pump per kW of size (0 below its "
                    "cut-off temperature)", "heat_pump", names, fixed=avail),
    ]


def direct_column(source: str, bus: str) -> str:
    """Name of the column of waste heat ``source`` used directly on ``bus`` (the network's keeps
    the historical ``q_waste_heat_direct_<source>``)."""
    return (f"q_waste_heat_direct_{source}" if bus == HEAT_BUS
            else f"q_waste_heat_direct_{source}_to_{bus.split(':', 1)[1]}")


def heat_buses(p) -> list[str]:
    """The heat buses of problem ``p``: the network (``HEAT_BUS``) first, then each process-heat bus
    of its own in the problem's order (the operated twin's order,
    :attr:`twin.operate.state.OperatedPark.heat_buses`)."""
    return [HEAT_BUS, *dict.fromkeys(d.bus for d in p.process_heat if d.bus != HEAT_BUS)]


def _waste_heat(ctx: ModelContext, sources, draw: dict, bus_order: list[str]) -> None:
    """Direct use of each waste-heat source on every bus it is hot enough for, through one
    exchanger per source, and the source's availability shared by all its users (direct use on
    any bus, heat pumps on any bus): one row ``waste_heat_available_<source>`` (a column bound
    where it has a single user). Outputs: ``q_waste_heat_direct_kw`` by source (all buses) and
    ``q_waste_heat_direct_bus_kw`` by heat bus (all sources; ``bus_order``: every heat bus, in the
    outputs' order), the same heat split two ways."""
    T, R = ctx.T, ctx.R
    wnames = [w.name for w in sources]
    direct: list[list] = [[] for _ in wnames]
    on_bus: dict[str, list] = {}
    for i, w in enumerate(sources):
        avail = np.asarray(w.available_kw, float).clip(min=0) * np.ones(T)
        buses = ([HEAT_BUS] if w.direct_use else []) + [b for b in w.direct_buses if b != HEAT_BUS]
        if buses:
            hx = ctx.add_size("waste_heat_hx_kw", w.name, "kW", w.hx_cost, hi=w.max_hx_kw)
            if not (hx.fixed and hx.existing == 0):
                for bus in buses:
                    c = ctx.var(direct_column(w.name, bus), lb=0.0)
                    ctx.add_flow(bus, +1, c)
                    direct[i].append(c)
                    on_bus.setdefault(bus, []).append(c)
                    draw[w.name].append((c, np.ones(T)))
                if len(direct[i]) == 1:
                    ctx.cap_rows(f"waste_heat_hx_max_{w.name}", direct[i][0], hx)
                else:  # one exchanger per source carries its direct use on every bus
                    cs = direct[i]
                    ctx.rows(f"waste_heat_hx_max_{w.name}", R,
                             lambda t, cs=cs, hx=hx: sum(c[t] for c in cs) <= hx.expr)
                _hot_shares(ctx, w, dict(zip(buses, direct[i])), avail)
        users = draw[w.name]
        if len(users) == 1:  # a single consumer: availability is a variable bound
            c, k = users[0]
            ub = np.where(k > 0, avail / np.where(k > 0, k, 1.0), np.inf)
            ctx.set_bounds(c, ub=np.minimum(ctx.upper(c), ub))
        elif users:
            kl = [(c, np.asarray(k, float).tolist()) for c, k in users]
            al = avail.tolist()
            ctx.rows(f"waste_heat_available_{w.name}", R,
                     lambda t, kl=kl, al=al: sum(k[t] * c[t] for c, k in kl) <= al[t])

    def q_direct(sol):
        return np.array([sum((sol.var(c) for c in cs), np.zeros(T)) for cs in direct])

    ctx.dispatch.append(DispatchVar("q_waste_heat_direct_kw", "kW",
                                    "Waste heat used directly (all heat buses)", "waste_heat", wnames,
                                    fn=q_direct))
    if on_bus:  # over every heat bus (0 where no source is hot enough), as the operated twin's
        buses = list(bus_order)

        def q_direct_bus(sol):
            return np.array([sum((sol.var(c) for c in on_bus.get(b, [])), np.zeros(T)) for b in buses])

        ctx.dispatch.append(DispatchVar(
            "q_waste_heat_direct_bus_kw", "kW", "Waste heat used directly on each heat bus (all sources)",
            "heat_bus", buses, fn=q_direct_bus))


def hot_share_levels(shares: dict[str, float]) -> list[tuple[float, list[str]]]:
    """The nested limits of a waste-heat source's direct use [-]: (share f, the buses whose share is at
    most f: those at least as hot as a bus of share f), for every share below 1, hottest first."""
    levels = sorted({float(f) for f in shares.values() if f < 1.0})
    return [(f, [b for b, g in shares.items() if g <= f]) for f in levels]


def _hot_shares(ctx: ModelContext, w, cols: dict, avail: np.ndarray) -> None:
    """Direct use of source ``w`` on the buses at least as hot as a bus held to that bus's share of
    the heat ``avail`` [kW] (``WasteHeatSource.hot_share``; a column bound where one bus is concerned)."""
    shares = {b: float(w.hot_share.get(b, 1.0)) for b in cols}
    for k, (f, group) in enumerate(hot_share_levels(shares)):
        lim = f * avail
        if len(group) == 1:
            c = cols[group[0]]
            ctx.set_bounds(c, ub=np.minimum(ctx.upper(c), lim))
        else:
            cs, al = [cols[b] for b in group], lim.tolist()
            ctx.rows(f"waste_heat_hot_{w.name}_{k}", ctx.R,
                     lambda t, cs=cs, al=al: sum(c[t] for c in cs) <= al[t])


def _thermal_stores(ctx: ModelContext, stores) -> None:
    """One set of sizes, columns and rows per thermal store (named ``..._<store>``);
    dispatch outputs along the ``thermal_storage`` dimension."""
    flows, contents, through, pairs = [], [], [], []
    for tes in stores:
        n = tes.name
        S = ctx.add_size("tes_kwh", n, "kWh", tes.cost, lo=tes.min_kwh, hi=tes.max_kwh,
                         existing=tes.existing_kwh)
        tch = ctx.var(f"q_tes_charge_{n}", lb=0.0)
        tdis = ctx.var(f"q_tes_discharge_{n}", lb=0.0)
        e = ctx.var(f"e_tes_{n}", lb=0.0)
        rho = tes.max_power_per_kwh
        ctx.cap_rows(f"tes_charge_max_{n}", tch, S, rho)
        ctx.cap_rows(f"tes_discharge_max_{n}", tdis, S, rho)
        cyclic = tes.cyclic and tes.initial_kwh is None
        e0 = None if tes.initial_kwh is None else float(tes.initial_kwh)
        content = storage.add_state(ctx, f"tes_{n}", e, tch, tdis, eta_c=tes.eta_charge, eta_d=1.0,
                                    loss_per_h=tes.loss_per_h, cyclic=cyclic, e0=e0,
                                    upper_size=S)
        storage.add_ends(ctx, "tes_kwh", n, e, content, cyclic=cyclic, e0=e0,
                         end_min_kwh=tes.end_min_kwh,
                         end_value_cny_per_kwh=tes.end_value_cny_per_kwh)
        ctx.add_flow("heat", +1, tdis)
        ctx.add_flow("heat", -1, tch)
        if tes.throughput_cny_per_kwh > 0:
            through.append(ctx.energy(tdis, tes.throughput_cny_per_kwh))
        flows.append(_tes_flows(tch, tdis, tes.eta_charge))
        contents.append(content)
        pairs.append((tch, tdis))
    if through:
        ctx.cost["thermal_storage_throughput"] = pyo.quicksum(through)
    # heat charged less heat discharged [kWh/yr]: the stores' losses over a cyclic year, left out
    # of the energy use a ratio target is held to (solvers.blocks.targets)
    ctx.annual_kwh["tes_losses"] = lambda: pyo.quicksum(ctx.energy(c) - ctx.energy(d) for c, d in pairs)
    names = [t.name for t in stores]
    ctx.dispatch += [
        DispatchVar("q_tes_charge_kw", "kW", "Thermal storage charging", "thermal_storage", names,
                    fn=lambda sol: np.array([f(sol)[0] for f in flows])),
        DispatchVar("q_tes_discharge_kw", "kW", "Thermal storage discharging", "thermal_storage",
                    names, fn=lambda sol: np.array([f(sol)[1] for f in flows])),
        DispatchVar("e_tes_kwh", "kWh", "Thermal storage content at end of step", "thermal_storage",
                    names, fn=lambda sol: np.array([c(sol) for c in contents])),
    ]


#: Prefix of the per-fuel dispatch sums (``q_<prefix>_boiler_kw``, ``fuel_<prefix>_kw``);
#: natural gas keeps the historical ``gas``.
FUEL_PREFIX = {"natural_gas": "gas", "coal": "coal", "oil": "oil", "biomass": "biomass"}


def _boilers(ctx: ModelContext, boilers) -> None:
    """Boilers of any fuel; per-boiler and per-fuel dispatch outputs."""
    names = [b.name for b in boilers]
    eff = np.array([b.efficiency for b in boilers], float)
    qs, fuel_cost, fuel_em, fuel_kwh = [], [], [], []
    for b in boilers:
        S = ctx.add_size("boiler_kw", b.name, "kW", b.cost, lo=b.min_kw, hi=b.max_kw,
                         existing=b.existing_kw)
        q = ctx.var(f"q_boiler_{b.name}", lb=0.0)
        ctx.cap_rows(f"boiler_max_{b.name}", q, S)
        ctx.add_flow(b.bus, +1, q)
        if b.fuel == "electric":
            ctx.add_flow("elec", -1, q, 1.0 / b.efficiency)
        else:
            fuel_kwh.append((q, 1.0 / b.efficiency, b.fuel))
            if b.fuel_price_cny_per_kwh:
                fuel_cost.append(ctx.energy(q, b.fuel_price_cny_per_kwh / b.efficiency))
            if b.ef_fuel_kgco2_per_kwh:
                fuel_em.append(ctx.energy(q, 1e-3 * b.ef_fuel_kgco2_per_kwh / b.efficiency))
        qs.append(q)
    if fuel_cost:
        ctx.cost["fuel"] = pyo.quicksum(fuel_cost)
    if fuel_em:
        ctx.emis["fuel_t"] = pyo.quicksum(fuel_em)
    if fuel_kwh:  # fuel energy [kWh/yr, net calorific] for the targets' tce (built only if asked for)
        ctx.annual_kwh["fuel"] = lambda: pyo.quicksum(ctx.energy(q, k) for q, k, _ in fuel_kwh)
        ctx.annual_kwh["fuel_natural_gas"] = lambda: pyo.quicksum(
            [ctx.energy(q, k) for q, k, f in fuel_kwh if f == "natural_gas"])

    def q_out(sol):
        return np.array([sol.var(v) for v in qs])

    fuels = [b.fuel for b in boilers]
    coords = {"boiler_fuel": fuels}
    ctx.dispatch += [
        DispatchVar("q_boiler_kw", "kW", "Boiler heat output", "boiler", names, fn=q_out,
                    extra_coords=coords),
        DispatchVar("fuel_boiler_kw", "kW", "Boiler energy input (electricity, or fuel on a "
                    "net calorific basis; the per-fuel sums are fuel_<fuel>_kw)", "boiler",
                    names, fn=lambda sol: q_out(sol) / eff[:, None], extra_coords=coords),
    ]
    for fuel in dict.fromkeys(fuels):
        sel = np.array([f == fuel for f in fuels])

        def heat(sol, sel=sel):
            return q_out(sol)[sel].sum(axis=0)

        def energy_in(sol, sel=sel):
            return (q_out(sol)[sel] / eff[sel, None]).sum(axis=0)

        if fuel == "electric":
            ctx.dispatch += [
                DispatchVar("q_electric_boiler_kw", "kW", "Electric boiler heat output", fn=heat),
                DispatchVar("p_electric_boiler_kw", "kW", "Electric boiler electricity input",
                            fn=energy_in)]
        else:
            k = FUEL_PREFIX[fuel]
            ctx.dispatch += [
                DispatchVar(f"q_{k}_boiler_kw", "kW", f"{fuel} boiler heat output", fn=heat),
                DispatchVar(f"fuel_{k}_kw", "kW", f"{fuel} boiler fuel input (NCV)",
                            fn=energy_in)]


def _tes_flows(tch, tdis, eta_charge: float):
    """``sol -> (charge, discharge)`` [kW] of the thermal store: the net flow where
    simultaneous charge and discharge is a degenerate artefact (η_c = 1)."""
    def flows(sol):
        ch, dis = sol.var(tch), sol.var(tdis)
        if eta_charge != 1.0:
            return ch, dis
        net = ch - dis
        return np.maximum(net, 0.0), np.maximum(-net, 0.0)
    return flows
