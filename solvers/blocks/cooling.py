r"""Cooling bus served by electric and absorption chillers.

.. math::
    \sum_c Q^{c}_t = D^{cool}_t,\qquad Q^{c}_t \le S^{c},\qquad
    P^{c}_t = Q^{c}_t / COP^{c}_t \;(\text{electric}),\qquad
    Q^{c,in}_t = Q^{c}_t / COP^{c}_t \;(\text{absorption, drawn from the heat bus})

With a single electric chiller outside the elastic (feasibility) model the balance is
substituted: :math:`Q^{c} = D` is a constant, :math:`D/COP` a fixed electric demand and
the capacity rows collapse into one bound :math:`S^{c} \ge \max_t D_t` (no columns, no
hourly rows).  Several chillers, or an absorption chiller, get one cooling column each
and the cooling balance rows.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    p = ctx.p
    T = ctx.T
    has_demand = p.cooling_demand_kw is not None and np.any(np.asarray(p.cooling_demand_kw) > 0)
    if not has_demand and not p.chillers:
        return
    demand = (np.zeros(T) if p.cooling_demand_kw is None
              else np.asarray(p.cooling_demand_kw, float))
    ctx.dispatch.append(DispatchVar("q_cooling_demand_kw", "kW", "Cooling demand",
                                    fixed=demand))
    if not p.chillers:
        ctx.add_fixed_demand("cool", demand)  # unserved: the balance reports it
        return
    names = [c.name for c in p.chillers]
    inv = np.array([1.0 / np.asarray(c.cop, float) * np.ones(T) for c in p.chillers])
    electric = np.array([c.kind == "electric" for c in p.chillers])
    if len(p.chillers) == 1 and electric[0] and not ctx.elastic:
        ch = p.chillers[0]
        peak = float(demand.max()) if T else 0.0
        # peak above max_kw: infeasible bounds, explained by the elastic model
        ctx.add_size("chiller_kw", ch.name, "kW", ch.cost, lo=max(peak, ch.min_kw),
                     hi=ch.max_kw, existing=ch.existing_kw)
        ctx.add_fixed_demand("elec", demand * inv[0])
        _outputs(ctx, names, electric, inv, lambda sol: demand[None, :])
        return
    ctx.add_fixed_demand("cool", demand)
    qs = []
    for i, ch in enumerate(p.chillers):
        S = ctx.add_size("chiller_kw", ch.name, "kW", ch.cost, lo=ch.min_kw, hi=ch.max_kw,
                         existing=ch.existing_kw)
        q = ctx.var(f"q_chiller_{ch.name}", lb=0.0)
        ctx.cap_rows(f"chiller_max_{ch.name}", q, S)
        ctx.add_flow("cool", +1, q)
        ctx.add_flow("elec" if electric[i] else "heat", -1, q, inv[i])
        qs.append(q)
    _outputs(ctx, names, electric, inv, lambda sol: np.array([sol.var(v) for v in qs]))


def _outputs(ctx: ModelContext, names, electric, inv, q_out) -> None:
    """Per-chiller cooling, and the sums the ledger and report read."""
    kinds = {"chiller_kind": ["electric" if e else "absorption" for e in electric]}
    ctx.dispatch += [
        DispatchVar("q_chiller_kw", "kW", "Chiller cooling output (all chillers)",
                    fn=lambda sol: q_out(sol).sum(axis=0)),
        DispatchVar("q_cooling_supply_kw", "kW", "Cooling output of each chiller", "chiller",
                    names, fn=q_out, extra_coords=kinds),
        DispatchVar("p_chiller_kw", "kW", "Electric chillers' electricity input",
                    fn=lambda sol: (q_out(sol) * inv)[electric].sum(axis=0)),
    ]
    if not electric.all():
        ctx.dispatch.append(DispatchVar(
            "q_absorption_heat_kw", "kW", "Driving heat drawn by absorption chillers from the "
            "heat bus", fn=lambda sol: (q_out(sol) * inv)[~electric].sum(axis=0)))
