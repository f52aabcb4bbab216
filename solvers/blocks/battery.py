r"""Stationary battery with energy and power sized separately.

.. math::
    e_t = (1-\sigma)^{\Delta t} e_{t-1} + (\eta_c P^{ch}_t - P^{dis}_t/\eta_d)\Delta t

    \underline{soc}\,E \le e_t \le \overline{soc}\,E,\quad
    P^{ch}_t \le P,\quad P^{dis}_t \le P,\quad P \le c_{max} E

    C^{deg} = c_{deg} \sum_t w_t \Delta t\, P^{dis}_t

Every battery of ``SizingProblem.batteries`` gets its own sizes, columns and rows
(named ``..._<battery>``); the LP chooses which to charge and discharge from their
efficiencies, wear and costs.  A rolling-horizon window starts from ``initial_kwh`` instead of closing the cycle and
may value the energy left at the end (:func:`solvers.blocks.storage.add_ends`).

Simultaneous charge and discharge is not excluded by binaries: with positive energy
prices or wear cost it is never optimal (8760 binaries buy nothing).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    """One set of sizes, variables and rows per battery of ``p.batteries``, named by the
    battery; dispatch outputs along the ``battery`` dimension."""
    bats = ctx.p.batteries
    if not bats:
        return
    chs, dises, socs, wear = [], [], [], []
    for b in bats:
        ch, dis, soc = _one(ctx, b)
        chs.append(ch)
        dises.append(dis)
        socs.append(soc)
        if b.degradation_cny_per_kwh > 0:
            wear.append(ctx.energy(dis, b.degradation_cny_per_kwh))
    if wear:
        ctx.cost["battery_degradation"] = pyo.quicksum(wear)
    # energy charged less energy discharged [kWh/yr]: the batteries' losses over a cyclic year,
    # left out of the energy use a ratio target is held to (solvers.blocks.targets)
    ctx.annual_kwh["battery_losses"] = lambda: pyo.quicksum(ctx.energy(c) - ctx.energy(d)
                                                            for c, d in zip(chs, dises))
    names = [b.name for b in bats]
    ctx.dispatch += [
        DispatchVar("p_battery_charge_kw", "kW", "Battery charging power", "battery", names,
                    fn=lambda s: np.array([s.var(v) for v in chs])),
        DispatchVar("p_battery_discharge_kw", "kW", "Battery discharging power", "battery", names,
                    fn=lambda s: np.array([s.var(v) for v in dises])),
        DispatchVar("e_battery_kwh", "kWh", "Battery stored energy at end of step", "battery", names,
                    fn=lambda s: np.array([f(s) for f in socs])),
    ]


def _one(ctx: ModelContext, b):
    """Sizes, dispatch columns and rows of battery ``b``; returns (charge, discharge, content)."""
    n = b.name
    E = ctx.add_size("battery_kwh", n, "kWh", b.energy_cost, lo=b.min_kwh, hi=b.max_kwh,
                     existing=b.existing_kwh)
    P = ctx.add_size("battery_kw", n, "kW", b.power_cost, lo=b.min_kw, hi=b.max_kw,
                     existing=b.existing_kw)
    ch = ctx.var(f"p_battery_charge_{n}", lb=0.0)
    dis = ctx.var(f"p_battery_discharge_{n}", lb=0.0)
    e = ctx.var(f"e_battery_{n}", lb=0.0)
    ctx.cap_rows(f"battery_charge_max_{n}", ch, P)
    ctx.cap_rows(f"battery_discharge_max_{n}", dis, P)
    if np.isfinite(b.c_rate_max) and not (E.fixed and P.fixed):
        ctx.row(f"battery_c_rate_{n}", P.expr - b.c_rate_max * E.expr <= 0.0)
    cyclic = b.cyclic and b.initial_kwh is None
    e0 = float(b.initial_kwh) if b.initial_kwh is not None else b.initial_soc * E.expr
    # energy with no converter to charge it (a pathway period's baseline keeps a later energy vintage whose
    # converter retired with an earlier one): idle, so its minimum state of charge is not held against its
    # self-discharge (that made the period's baseline infeasible, with nothing elastic to say why)
    idle = P.fixed and P.existing <= 0.0
    soc = storage.add_state(ctx, f"battery_{n}", e, ch, dis, eta_c=b.eta_charge,
                            eta_d=b.eta_discharge, loss_per_h=b.self_discharge_per_h,
                            cyclic=cyclic, e0=0.0 if idle else e0, upper_size=E,
                            upper_coef=b.soc_max, lower_size=E, lower_coef=0.0 if idle else b.soc_min)
    storage.add_ends(ctx, "battery_kwh", n, e, soc, cyclic=cyclic, e0=0.0 if idle else e0,
                     end_min_kwh=None if idle else b.end_min_kwh, end_value_cny_per_kwh=b.end_value_cny_per_kwh)
    ctx.add_flow("elec", +1, dis)
    ctx.add_flow("elec", -1, ch)
    return ch, dis, soc
