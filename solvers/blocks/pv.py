r"""PV arrays sized in kWp DC with curtailment.

.. math::
    P^{pv}_{a,t} \le \phi_{a,t}\, S_a, \qquad
    P^{curt}_{a,t} = \phi_{a,t}\, S_a - P^{pv}_{a,t}, \qquad
    S^{min}_a \le S_a \le S^{max}_a

with :math:`\phi_{a,t}` the AC output per kWp DC [kW/kWp] from ``twin.components.pv``
(pvlib ModelChain) and :math:`S_a` the installed size [kWp].  Curtailment is the
slack of the inequality (no column); hours with :math:`\phi = 0` and arrays of fixed
size give column bounds instead of rows.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    arrays = ctx.p.pv
    if not arrays:
        return
    names = [a.name for a in arrays]
    out, prof, size = [], [], []
    for a in arrays:
        phi = np.asarray(a.ac_per_kwp, float).clip(min=0)
        S = ctx.add_size("pv_kwp", a.name, "kWp", a.cost, lo=a.min_kwp, hi=a.max_kwp,
                         existing=a.existing_kwp)
        x = ctx.var(f"p_pv_{a.name}", lb=0.0)
        ctx.cap_rows(f"pv_available_{a.name}", x, S, phi)
        ctx.add_flow("elec", +1, x)
        out.append(x)
        prof.append(phi)
        size.append(S)
    prof = np.array(prof)

    def used(sol):
        return np.array([sol.var(x) for x in out])

    def curtailed(sol):
        avail = prof * np.array([s.value(sol) for s in size])[:, None]
        return np.maximum(avail - used(sol), 0.0)

    ctx.dispatch += [
        DispatchVar("p_pv_kw", "kW", "PV AC output used", "pv_array", names, fn=used),
        DispatchVar("p_pv_curtailed_kw", "kW", "PV output curtailed", "pv_array", names,
                    fn=curtailed),
    ]
