r"""PV arrays sized in kWp DC with curtailment.

.. math::
    P^{pv}_{a,t} + P^{curt}_{a,t} = \phi_{a,t}\, S_a, \qquad
    S^{min}_a \le S_a \le S^{max}_a

with :math:`\phi_{a,t}` the AC output per kWp DC [kW/kWp] from ``twin.components.pv``
(pvlib ModelChain) and :math:`S_a` the installed size [kWp].
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    arrays = ctx.p.pv
    if not arrays:
        return
    m, R = ctx.m, ctx.R
    names = [a.name for a in arrays]
    m.p_pv = pyo.Var(names, R, bounds=(0, None))
    m.p_curt = pyo.Var(names, R, bounds=(0, None))
    prof, size = {}, {}
    for a in arrays:
        prof[a.name] = np.asarray(a.ac_per_kwp, float).clip(min=0).tolist()
        size[a.name] = ctx.add_size("pv_kwp", a.name, "kWp", a.cost, lo=a.min_kwp,
                                    hi=a.max_kwp, existing=a.existing_kwp)
    m.pv_avail = pyo.Constraint(
        names, R, rule=lambda m, a, t: m.p_pv[a, t] + m.p_curt[a, t] == prof[a][t] * size[a])
    for a in names:
        ctx.add_flow("elec", +1, m.p_pv, key=(a,))
    ctx.dispatch += [
        DispatchVar("p_pv_kw", "kW", "PV AC output used", "pv_array", names, m.p_pv),
        DispatchVar("p_pv_curtailed_kw", "kW", "PV output curtailed", "pv_array", names,
                    m.p_curt),
    ]
