r"""Cooling bus served by an electric chiller.

.. math::
    Q^{ch}_t = D^{cool}_t,\qquad Q^{ch}_t \le S^{ch},\qquad P^{ch}_t = Q^{ch}_t / COP_t

The chiller is the only supplier of the cooling bus, so outside the elastic
(feasibility) model the balance is substituted: :math:`Q^{ch} = D` is a constant,
:math:`D/COP` a fixed electric demand and the capacity rows collapse into one bound
:math:`S^{ch} \ge \max_t D_t` (no columns, no hourly rows).
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    p = ctx.p
    T = ctx.T
    has_demand = p.cooling_demand_kw is not None and np.any(np.asarray(p.cooling_demand_kw) > 0)
    if not has_demand and p.chiller is None:
        return
    demand = (np.zeros(T) if p.cooling_demand_kw is None
              else np.asarray(p.cooling_demand_kw, float))
    ctx.dispatch.append(DispatchVar("q_cooling_demand_kw", "kW", "Cooling demand",
                                    fixed=demand))
    ch = p.chiller
    if ch is None:
        ctx.add_fixed_demand("cool", demand)  # unserved: the balance reports it
        return
    inv = 1.0 / np.asarray(ch.cop, float)
    peak = float(demand.max()) if T else 0.0
    if not ctx.elastic:
        # peak above max_kw: infeasible bounds, explained by the elastic model
        ctx.add_size("chiller_kw", None, "kW", ch.cost, lo=peak, hi=ch.max_kw,
                     existing=ch.existing_kw)
        ctx.add_fixed_demand("elec", demand * inv)
        ctx.dispatch += [
            DispatchVar("q_chiller_kw", "kW", "Chiller cooling output", fixed=demand),
            DispatchVar("p_chiller_kw", "kW", "Chiller electricity input", fixed=demand * inv),
        ]
        return
    ctx.add_fixed_demand("cool", demand)
    S = ctx.add_size("chiller_kw", None, "kW", ch.cost, hi=ch.max_kw, existing=ch.existing_kw)
    q = ctx.var("q_chiller", lb=0.0)
    ctx.cap_rows("chiller_max", q, S)
    ctx.add_flow("cool", +1, q)
    ctx.add_flow("elec", -1, q, inv)
    ctx.dispatch += [
        DispatchVar("q_chiller_kw", "kW", "Chiller cooling output", fn=lambda sol: sol.var(q)),
        DispatchVar("p_chiller_kw", "kW", "Chiller electricity input",
                    fn=lambda sol: sol.var(q) * inv),
    ]
