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

Thermal store (see :mod:`solvers.blocks.storage`):
:math:`e_t = (1-\lambda)^{\Delta t} e_{t-1} + (\eta_c Q^{ch}_t - Q^{dis}_t)\Delta t`,
:math:`e_t \le S^{tes}`, :math:`Q^{ch}_t, Q^{dis}_t \le \rho S^{tes}`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    p = ctx.p
    m, R, T = ctx.m, ctx.R, ctx.T
    has_demand = p.heat_demand_kw is not None and np.any(np.asarray(p.heat_demand_kw) > 0)
    if not (has_demand or p.heat_pumps or p.electric_boiler or p.gas_boiler
            or p.thermal_storage):
        return
    demand = np.zeros(T) if p.heat_demand_kw is None else np.asarray(p.heat_demand_kw, float)
    ctx.add_fixed_demand("heat", demand)
    ctx.dispatch.append(DispatchVar("q_heat_demand_kw", "kW", "Heat demand", fixed=demand))
    wdt = ctx.wdt
    src_draw: dict[str, list] = {w.name: [] for w in p.waste_heat}

    if p.heat_pumps:
        names = [h.name for h in p.heat_pumps]
        m.q_hp = pyo.Var(names, R, bounds=(0, None))
        inv_cop = {h.name: (1.0 / np.asarray(h.cop, float)).tolist() for h in p.heat_pumps}
        size = {h.name: ctx.add_size("heat_pump_kw", h.name, "kW", h.cost, lo=h.min_kw,
                                     hi=h.max_kw, existing=h.existing_kw)
                for h in p.heat_pumps}
        m.hp_cap = pyo.Constraint(names, R, rule=lambda m, h, t: m.q_hp[h, t] <= size[h])
        for h in p.heat_pumps:
            ctx.add_flow("heat", +1, m.q_hp, key=(h.name,))
            ctx.add_flow("elec", -1, m.q_hp, coef=inv_cop[h.name], key=(h.name,))
            if h.source is not None:
                src_draw[h.source].append(h.name)
        one_minus = {h: [1.0 - x for x in inv_cop[h]] for h in names}

        def p_hp(vals):
            return np.array([[vals[(n, t)] * inv_cop[n][t] for t in R] for n in names])

        has_src = {h.name: h.source is not None for h in p.heat_pumps}

        def q_src(vals):
            return np.array([[vals[(n, t)] * one_minus[n][t] if has_src[n] else 0.0
                              for t in R] for n in names])

        ctx.dispatch += [
            DispatchVar("q_heat_pump_kw", "kW", "Heat pump heat output", "heat_pump", names,
                        m.q_hp),
            DispatchVar("p_heat_pump_kw", "kW", "Heat pump electricity input", "heat_pump",
                        names, m.q_hp, expr=p_hp),
            DispatchVar("q_waste_heat_source_kw", "kW",
                        "Heat drawn by the heat pump from a waste-heat source", "heat_pump",
                        names, m.q_hp, expr=q_src),
        ]
    else:
        one_minus = {}

    if p.waste_heat:
        wnames = [w.name for w in p.waste_heat]
        direct = [w.name for w in p.waste_heat if w.direct_use]
        avail = {w.name: np.asarray(w.available_kw, float).clip(min=0).tolist()
                 for w in p.waste_heat}
        m.q_wh = pyo.Var(wnames, R, bounds=(0, None))
        for w in p.waste_heat:
            if not w.direct_use:
                for t in R:
                    m.q_wh[w.name, t].fix(0.0)
        if direct:
            hx = {w.name: ctx.add_size("waste_heat_hx_kw", w.name, "kW", w.hx_cost,
                                       hi=w.max_hx_kw)
                  for w in p.waste_heat if w.direct_use}
            m.wh_hx = pyo.Constraint(direct, R, rule=lambda m, s, t: m.q_wh[s, t] <= hx[s])
        for s in wnames:
            ctx.add_flow("heat", +1, m.q_wh, key=(s,))

        def wh_rule(m, s, t):
            e = m.q_wh[s, t] + sum(one_minus[h][t] * m.q_hp[h, t] for h in src_draw[s])
            return e <= avail[s][t]

        m.wh_avail = pyo.Constraint(wnames, R, rule=wh_rule)
        ctx.dispatch.append(DispatchVar("q_waste_heat_direct_kw", "kW",
                                        "Waste heat used directly", "waste_heat", wnames,
                                        m.q_wh))

    eb = p.electric_boiler
    if eb is not None:
        S = ctx.add_size("electric_boiler_kw", None, "kW", eb.cost, hi=eb.max_kw,
                         existing=eb.existing_kw)
        m.q_eb = pyo.Var(R, bounds=(0, None))
        m.eb_cap = pyo.Constraint(R, rule=lambda m, t: m.q_eb[t] <= S)
        ctx.add_flow("heat", +1, m.q_eb)
        ctx.add_flow("elec", -1, m.q_eb, coef=1.0 / eb.efficiency)
        ctx.dispatch += [
            DispatchVar("q_electric_boiler_kw", "kW", "Electric boiler heat output",
                        var=m.q_eb),
            DispatchVar("p_electric_boiler_kw", "kW", "Electric boiler electricity input",
                        var=m.q_eb, expr=lambda v: np.array([v[t] for t in R]) / eb.efficiency),
        ]

    gb = p.gas_boiler
    if gb is not None:
        S = ctx.add_size("gas_boiler_kw", None, "kW", gb.cost, hi=gb.max_kw,
                         existing=gb.existing_kw)
        m.q_gb = pyo.Var(R, bounds=(0, None))
        m.gb_cap = pyo.Constraint(R, rule=lambda m, t: m.q_gb[t] <= S)
        ctx.add_flow("heat", +1, m.q_gb)
        fuel = sum(wdt[t] * m.q_gb[t] for t in R) * (1.0 / gb.efficiency)
        if gb.fuel_price_cny_per_kwh:
            ctx.cost["fuel"] = gb.fuel_price_cny_per_kwh * fuel
        if gb.ef_fuel_kgco2_per_kwh:
            ctx.emis["fuel_t"] = 1e-3 * gb.ef_fuel_kgco2_per_kwh * fuel
        ctx.dispatch += [
            DispatchVar("q_gas_boiler_kw", "kW", "Gas boiler heat output", var=m.q_gb),
            DispatchVar("fuel_gas_kw", "kW", "Gas boiler fuel input (LHV)", var=m.q_gb,
                        expr=lambda v: np.array([v[t] for t in R]) / gb.efficiency),
        ]

    tes = p.thermal_storage
    if tes is not None:
        S = ctx.add_size("tes_kwh", None, "kWh", tes.cost, hi=tes.max_kwh,
                         existing=tes.existing_kwh)
        m.q_tch = pyo.Var(R, bounds=(0, None))
        m.q_tdis = pyo.Var(R, bounds=(0, None))
        m.e_tes = pyo.Var(R, bounds=(0, None))
        rho = tes.max_power_per_kwh
        m.tes_e = pyo.Constraint(R, rule=lambda m, t: m.e_tes[t] <= S)
        m.tes_ch = pyo.Constraint(R, rule=lambda m, t: m.q_tch[t] <= rho * S)
        m.tes_dis = pyo.Constraint(R, rule=lambda m, t: m.q_tdis[t] <= rho * S)
        storage.add_state(ctx, "tes_state", m.e_tes, m.q_tch, m.q_tdis,
                          eta_c=tes.eta_charge, eta_d=1.0, loss_per_h=tes.loss_per_h,
                          cyclic=tes.cyclic, e0=0.0)
        ctx.add_flow("heat", +1, m.q_tdis)
        ctx.add_flow("heat", -1, m.q_tch)
        ctx.dispatch += [
            DispatchVar("q_tes_charge_kw", "kW", "Thermal storage charging", var=m.q_tch),
            DispatchVar("q_tes_discharge_kw", "kW", "Thermal storage discharging",
                        var=m.q_tdis),
            DispatchVar("e_tes_kwh", "kWh", "Thermal storage content at end of step",
                        var=m.e_tes),
        ]
