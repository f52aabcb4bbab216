r"""Stationary battery with energy and power sized separately.

.. math::
    e_t = (1-\sigma)^{\Delta t} e_{t-1} + (\eta_c P^{ch}_t - P^{dis}_t/\eta_d)\Delta t

    \underline{soc}\,E \le e_t \le \overline{soc}\,E,\quad
    P^{ch}_t \le P,\quad P^{dis}_t \le P,\quad P \le c_{max} E

    C^{deg} = c_{deg} \sum_t w_t \Delta t\, P^{dis}_t

Simultaneous charge and discharge is not excluded by binaries: with positive energy
prices or wear cost it is never optimal (see stack-notes: 8760 binaries buy nothing).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    b = ctx.p.battery
    if b is None:
        return
    m, R = ctx.m, ctx.R
    E = ctx.add_size("battery_kwh", None, "kWh", b.energy_cost, lo=b.min_kwh, hi=b.max_kwh,
                     existing=b.existing_kwh)
    P = ctx.add_size("battery_kw", None, "kW", b.power_cost, lo=b.min_kw, hi=b.max_kw,
                     existing=b.existing_kw)
    m.p_bch = pyo.Var(R, bounds=(0, None))
    m.p_bdis = pyo.Var(R, bounds=(0, None))
    m.e_bat = pyo.Var(R, bounds=(0, None))
    m.bat_ch_lim = pyo.Constraint(R, rule=lambda m, t: m.p_bch[t] <= P)
    m.bat_dis_lim = pyo.Constraint(R, rule=lambda m, t: m.p_bdis[t] <= P)
    m.bat_e_max = pyo.Constraint(R, rule=lambda m, t: m.e_bat[t] <= b.soc_max * E)
    if b.soc_min > 0:
        m.bat_e_min = pyo.Constraint(R, rule=lambda m, t: m.e_bat[t] >= b.soc_min * E)
    if np.isfinite(b.c_rate_max):
        m.bat_crate = pyo.Constraint(expr=P <= b.c_rate_max * E)
    storage.add_state(ctx, "bat_state", m.e_bat, m.p_bch, m.p_bdis, eta_c=b.eta_charge,
                      eta_d=b.eta_discharge, loss_per_h=b.self_discharge_per_h,
                      cyclic=b.cyclic, e0=b.initial_soc * E)
    ctx.add_flow("elec", +1, m.p_bdis)
    ctx.add_flow("elec", -1, m.p_bch)
    if b.degradation_cny_per_kwh > 0:
        ctx.cost["battery_degradation"] = b.degradation_cny_per_kwh * sum(
            ctx.wdt[t] * m.p_bdis[t] for t in R)
    ctx.dispatch += [
        DispatchVar("p_battery_charge_kw", "kW", "Battery charging power", var=m.p_bch),
        DispatchVar("p_battery_discharge_kw", "kW", "Battery discharging power", var=m.p_bdis),
        DispatchVar("e_battery_kwh", "kWh", "Battery stored energy at end of step",
                    var=m.e_bat),
    ]
