r"""Generic storage state equation shared by the battery and the thermal store.

.. math::
    e_t = (1-\lambda)^{\Delta t}\, e_{p(t)} + (\eta_c\, x^{ch}_t - x^{dis}_t/\eta_d)\,\Delta t

where :math:`p(t)` is the previous step, wrapping to the last step of the same
period when the store is cyclic (closed cycle per period, so representative days
keep their energy balance), or :math:`e_{-1} = e_0` (a constant) otherwise.
"""

from __future__ import annotations

import pyomo.environ as pyo

from solvers.blocks.base import ModelContext


def add_state(ctx: ModelContext, name: str, e, ch, dis, *, eta_c: float, eta_d: float,
              loss_per_h: float, cyclic: bool, e0=None) -> None:
    """Add the state equation for stored-energy var ``e`` with flows ``ch``/``dis``."""
    keep = (1.0 - loss_per_h) ** ctx.dt
    dt, prev, first = ctx.dt, ctx.prev, ctx.first
    a, b = eta_c * dt, dt / eta_d

    def rule(m, t):
        if first[t] and not cyclic:
            return e[t] == keep * e0 + a * ch[t] - b * dis[t]
        return e[t] == keep * e[prev[t]] + a * ch[t] - b * dis[t]

    ctx.m.add_component(name, pyo.Constraint(ctx.R, rule=rule))
