r"""Heat bus: heat pumps (air or waste-heat source), direct waste-heat use, electric and
gas boilers, thermal storage.

Heat balance [kW]:

.. math::
    \sum_h Q^{hp}_{h,t} + \sum_s Q^{dir}_{s,t} + Q^{eb}_t + Q^{gb}_t
    + Q^{dis}_t - Q^{ch}_t = D^{heat}_t

Heat pump h with coefficient of performance :math:`COP_{h,t}`:

.. math::
    P^{hp}_{h,t} = Q^{hp}_{h,t} / COP_{h,t}, \quad Q^{hp}_{h,t} \le S_h, \quad
    Q^{src}_{h,t} = Q^{hp}_{h,t}\,(1 - 1/COP_{h,t})

(energy balance of the heat pump: heat out = electricity in + heat drawn from the
source).  Waste-heat source s, shared by direct use and the heat pumps drawing on it:

.. math::
    Q^{dir}_{s,t} + \sum_{h: src(h)=s} Q^{src}_{h,t} \le A_{s,t},\quad
    Q^{dir}_{s,t} \le S^{hx}_s

Boilers: :math:`Q^{eb}_t = \eta^{eb} P^{eb}_t \le S^{eb}`,
:math:`Q^{gb}_t = \eta^{gb} F_t \le S^{gb}`, fuel cost
:math:`\pi^{fuel} \sum_t w_t \Delta t F_t` and emissions
:math:`10^{-3} ef^{fuel} \sum_t w_t\Delta t F_t` [tCO2].

Capacity rows of fixed-size plant become column bounds; a waste-heat source used by
one consumer only gives a column bound instead of a row.

Thermal store (see :mod:`solvers.blocks.storage`):
:math:`e_t = (1-\lambda)^{\Delta t} e_{t-1} + (\eta_c Q^{ch}_t - Q^{dis}_t)\Delta t`,
:math:`e_t \le S^{tes}`, :math:`Q^{ch}_t, Q^{dis}_t \le \rho S^{tes}`.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    p = ctx.p
    lp, T = ctx.lp, ctx.T
    has_demand = p.heat_demand_kw is not None and np.any(np.asarray(p.heat_demand_kw) > 0)
    if not (has_demand or p.heat_pumps or p.electric_boiler or p.gas_boiler
            or p.thermal_storage):
        return
    demand = np.zeros(T) if p.heat_demand_kw is None else np.asarray(p.heat_demand_kw, float)
    ctx.add_fixed_demand("heat", demand)
    ctx.dispatch.append(DispatchVar("q_heat_demand_kw", "kW", "Heat demand", fixed=demand))
    # consumers of each waste-heat source: (cols, coefficient of heat drawn per unit)
    draw: dict[str, list] = {w.name: [] for w in p.waste_heat}

    if p.heat_pumps:
        names = [h.name for h in p.heat_pumps]
        q = np.array([lp.var(T) for _ in names]).reshape(len(names), T)
        inv = np.array([1.0 / np.asarray(h.cop, float) for h in p.heat_pumps])
        src = np.array([h.source is not None for h in p.heat_pumps])
        for i, h in enumerate(p.heat_pumps):
            S = ctx.add_size("heat_pump_kw", h.name, "kW", h.cost, lo=h.min_kw, hi=h.max_kw,
                             existing=h.existing_kw)
            ctx.cap_rows(q[i], S)
            ctx.add_flow("heat", +1, q[i])
            ctx.add_flow("elec", -1, q[i], inv[i])
            if h.source is not None:
                draw[h.source].append((q[i], 1.0 - inv[i]))
        ctx.dispatch += [
            DispatchVar("q_heat_pump_kw", "kW", "Heat pump heat output", "heat_pump", names,
                        fn=lambda x: x[q]),
            DispatchVar("p_heat_pump_kw", "kW", "Heat pump electricity input", "heat_pump",
                        names, fn=lambda x: x[q] * inv),
            DispatchVar("q_waste_heat_source_kw", "kW",
                        "Heat drawn by the heat pump from a waste-heat source", "heat_pump",
                        names, fn=lambda x: x[q] * (1.0 - inv) * src[:, None]),
        ]

    if p.waste_heat:
        wnames = [w.name for w in p.waste_heat]
        direct = np.zeros((len(wnames), T), dtype=np.int64) - 1
        for i, w in enumerate(p.waste_heat):
            avail = np.asarray(w.available_kw, float).clip(min=0)
            if w.direct_use:
                hx = ctx.add_size("waste_heat_hx_kw", w.name, "kW", w.hx_cost, hi=w.max_hx_kw)
                if not (hx.fixed and hx.existing == 0):
                    c = lp.var(T)
                    ctx.cap_rows(c, hx)
                    ctx.add_flow("heat", +1, c)
                    direct[i] = c
                    draw[w.name].append((c, np.ones(T)))
            users = draw[w.name]
            if len(users) == 1:  # a single consumer: availability is a column bound
                c, k = users[0]
                ub = np.where(k > 0, avail / np.where(k > 0, k, 1.0), np.inf)
                lp.set_bounds(c, ub=np.minimum(lp.ub()[c], ub))
            elif users:
                lp.rows(T, [(c, k) for c, k in users], hi=avail)

        def q_direct(x):
            return np.where(direct >= 0, x[np.maximum(direct, 0)], 0.0)

        ctx.dispatch.append(DispatchVar("q_waste_heat_direct_kw", "kW",
                                        "Waste heat used directly", "waste_heat", wnames,
                                        fn=q_direct))

    eb = p.electric_boiler
    if eb is not None:
        S = ctx.add_size("electric_boiler_kw", None, "kW", eb.cost, hi=eb.max_kw,
                         existing=eb.existing_kw)
        qe = lp.var(T)
        ctx.cap_rows(qe, S)
        ctx.add_flow("heat", +1, qe)
        ctx.add_flow("elec", -1, qe, 1.0 / eb.efficiency)
        ctx.dispatch += [
            DispatchVar("q_electric_boiler_kw", "kW", "Electric boiler heat output",
                        fn=lambda x: x[qe]),
            DispatchVar("p_electric_boiler_kw", "kW", "Electric boiler electricity input",
                        fn=lambda x: x[qe] / eb.efficiency),
        ]

    gb = p.gas_boiler
    if gb is not None:
        S = ctx.add_size("gas_boiler_kw", None, "kW", gb.cost, hi=gb.max_kw,
                         existing=gb.existing_kw)
        qg = lp.var(T)
        ctx.cap_rows(qg, S)
        ctx.add_flow("heat", +1, qg)
        if gb.fuel_price_cny_per_kwh:
            ctx.cost["fuel"] = ctx.energy(qg, gb.fuel_price_cny_per_kwh / gb.efficiency)
        if gb.ef_fuel_kgco2_per_kwh:
            ctx.emis["fuel_t"] = ctx.energy(qg, 1e-3 * gb.ef_fuel_kgco2_per_kwh / gb.efficiency)
        ctx.dispatch += [
            DispatchVar("q_gas_boiler_kw", "kW", "Gas boiler heat output", fn=lambda x: x[qg]),
            DispatchVar("fuel_gas_kw", "kW", "Gas boiler fuel input (LHV)",
                        fn=lambda x: x[qg] / gb.efficiency),
        ]

    tes = p.thermal_storage
    if tes is not None:
        S = ctx.add_size("tes_kwh", None, "kWh", tes.cost, hi=tes.max_kwh,
                         existing=tes.existing_kwh)
        tch, tdis, e = lp.var(T), lp.var(T), lp.var(T)
        rho = tes.max_power_per_kwh
        ctx.cap_rows(tch, S, rho)
        ctx.cap_rows(tdis, S, rho)
        content = storage.add_state(ctx, e, tch, tdis, eta_c=tes.eta_charge, eta_d=1.0,
                                    loss_per_h=tes.loss_per_h, cyclic=tes.cyclic, e0=None,
                                    upper_size=S)
        ctx.add_flow("heat", +1, tdis)
        ctx.add_flow("heat", -1, tch)
        ctx.dispatch += [
            DispatchVar("q_tes_charge_kw", "kW", "Thermal storage charging", fn=lambda x: x[tch]),
            DispatchVar("q_tes_discharge_kw", "kW", "Thermal storage discharging",
                        fn=lambda x: x[tdis]),
            DispatchVar("e_tes_kwh", "kWh", "Thermal storage content at end of step", fn=content),
        ]
