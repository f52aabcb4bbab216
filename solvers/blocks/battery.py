r"""Stationary battery with energy and power sized separately.

.. math::
    e_t = (1-\sigma)^{\Delta t} e_{t-1} + (\eta_c P^{ch}_t - P^{dis}_t/\eta_d)\Delta t

    \underline{soc}\,E \le e_t \le \overline{soc}\,E,\quad
    P^{ch}_t \le P,\quad P^{dis}_t \le P,\quad P \le c_{max} E

    C^{deg} = c_{deg} \sum_t w_t \Delta t\, P^{dis}_t

A rolling-horizon window starts from ``initial_kwh`` instead of closing the cycle and
may value the energy left at the end (:func:`solvers.blocks.storage.add_ends`).

Simultaneous charge and discharge is not excluded by binaries: with positive energy
prices or wear cost it is never optimal (8760 binaries buy nothing).
"""

from __future__ import annotations

import numpy as np

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    b = ctx.p.battery
    if b is None:
        return
    E = ctx.add_size("battery_kwh", None, "kWh", b.energy_cost, lo=b.min_kwh, hi=b.max_kwh,
                     existing=b.existing_kwh)
    P = ctx.add_size("battery_kw", None, "kW", b.power_cost, lo=b.min_kw, hi=b.max_kw,
                     existing=b.existing_kw)
    ch = ctx.var("p_battery_charge", lb=0.0)
    dis = ctx.var("p_battery_discharge", lb=0.0)
    e = ctx.var("e_battery", lb=0.0)
    ctx.cap_rows("battery_charge_max", ch, P)
    ctx.cap_rows("battery_discharge_max", dis, P)
    if np.isfinite(b.c_rate_max) and not (E.fixed and P.fixed):
        ctx.row("battery_c_rate", P.expr - b.c_rate_max * E.expr <= 0.0)
    cyclic = b.cyclic and b.initial_kwh is None
    e0 = float(b.initial_kwh) if b.initial_kwh is not None else b.initial_soc * E.expr
    soc = storage.add_state(ctx, "battery", e, ch, dis, eta_c=b.eta_charge,
                            eta_d=b.eta_discharge, loss_per_h=b.self_discharge_per_h,
                            cyclic=cyclic, e0=e0, upper_size=E,
                            upper_coef=b.soc_max, lower_size=E, lower_coef=b.soc_min)
    storage.add_ends(ctx, "battery_kwh", "battery", e, soc, cyclic=cyclic, e0=e0,
                     end_min_kwh=b.end_min_kwh, end_value_cny_per_kwh=b.end_value_cny_per_kwh)
    ctx.add_flow("elec", +1, dis)
    ctx.add_flow("elec", -1, ch)
    if b.degradation_cny_per_kwh > 0:
        ctx.cost["battery_degradation"] = ctx.energy(dis, b.degradation_cny_per_kwh)
    ctx.dispatch += [
        DispatchVar("p_battery_charge_kw", "kW", "Battery charging power",
                    fn=lambda s: s.var(ch)),
        DispatchVar("p_battery_discharge_kw", "kW", "Battery discharging power",
                    fn=lambda s: s.var(dis)),
        DispatchVar("e_battery_kwh", "kWh", "Battery stored energy at end of step", fn=soc),
    ]
