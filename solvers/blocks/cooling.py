r"""Cooling bus served by an electric chiller.

.. math::
    Q^{ch}_t = D^{cool}_t,\qquad Q^{ch}_t \le S^{ch},\qquad P^{ch}_t = Q^{ch}_t / COP_t
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    p = ctx.p
    m, R = ctx.m, ctx.R
    has_demand = p.cooling_demand_kw is not None and np.any(np.asarray(p.cooling_demand_kw) > 0)
    if not has_demand and p.chiller is None:
        return
    demand = (np.zeros(ctx.T) if p.cooling_demand_kw is None
              else np.asarray(p.cooling_demand_kw, float))
    ctx.add_fixed_demand("cool", demand)
    ctx.dispatch.append(DispatchVar("q_cooling_demand_kw", "kW", "Cooling demand",
                                    fixed=demand))
    ch = p.chiller
    if ch is None:
        return
    S = ctx.add_size("chiller_kw", None, "kW", ch.cost, hi=ch.max_kw, existing=ch.existing_kw)
    m.q_chl = pyo.Var(R, bounds=(0, None))
    m.chl_cap = pyo.Constraint(R, rule=lambda m, t: m.q_chl[t] <= S)
    inv = (1.0 / np.asarray(ch.cop, float)).tolist()
    ctx.add_flow("cool", +1, m.q_chl)
    ctx.add_flow("elec", -1, m.q_chl, coef=inv)
    ctx.dispatch += [
        DispatchVar("q_chiller_kw", "kW", "Chiller cooling output", var=m.q_chl),
        DispatchVar("p_chiller_kw", "kW", "Chiller electricity input", var=m.q_chl,
                    expr=lambda v: np.array([v[t] * inv[t] for t in R])),
    ]
