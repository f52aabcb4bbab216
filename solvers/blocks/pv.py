r"""PV arrays sized in kWp DC, with one curtailment for all arrays.

.. math::
    P^{pv}_t = \sum_a \phi_{a,t}\, S_a - P^{curt}_t, \qquad
    0 \le P^{curt}_t \le \sum_a \phi_{a,t}\, S_a, \qquad
    S^{min}_a \le S_a \le S^{max}_a

with :math:`\phi_{a,t}` the AC output per kWp DC [kW/kWp] from ``twin.components.pv``
(pvlib ModelChain) and :math:`S_a` the installed size [kWp].  The available output
:math:`\phi_{a,t} S_a` enters the electricity balance through the size columns and a
single curtailment column per hour takes back what is not used: the same optimum as a
used-output column and an availability row per array (no cost or constraint tells the
arrays' used output apart), with one column and one row per daylight hour instead of
one of each per array.  Measured on the full-year manufacturing example (three arrays,
benchmarks/README.md) this took HiPO from 59 to about 50 iterations.  Hours with
:math:`\sum_a \phi_{a,t} = 0` get no row, and arrays of fixed size only a bound.

Only PV output is exported (:func:`export_from_pv`):

.. math::
    P^{exp}_t + P^{curt}_t \le \sum_a \phi_{a,t}\, S_a

Without it the two one-way columns of the connection would let the park buy a kWh and
sell it back in the same hour wherever the export price exceeds the import price (a
valley price below a coal-benchmark export price): a 2,000 kW export limit then exported
5,840 MWh a year of grid power from a park without PV.  One meter cannot import and
export at once; the LP cannot forbid both columns being positive without binaries, but
this row keeps the exported energy PV's.  Batteries and V2G are not exported (user-side
storage does not feed back); they serve the park, which frees PV output for export.  The
export joins the curtailment rows (one row per hour in which any array shines, export 0 in
the others; every hour where all sizes are fixed, as the rolling window needs one structure
per hour), so no rows are added: 74,349 rows in the Qingdao example's full year as before
(83,109 as separate rows). Its HiPO solve still takes longer, 15.4 -> 20.7 s
(benchmarks/README.md): the export is now coupled to the PV output.

Reported per array (a convention, not a decision): curtailment shared in proportion
to each array's available output, :math:`P^{curt}_{a,t} = P^{curt}_t\,
\phi_{a,t} S_a / \sum_b \phi_{b,t} S_b`, and used output
:math:`\phi_{a,t} S_a - P^{curt}_{a,t}`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    arrays = ctx.p.pv
    if not arrays:
        if ctx.exp is not None:  # nothing on site to export
            ctx.set_bounds(ctx.exp, ub=0.0)
        return
    names = [a.name for a in arrays]
    prof, size = [], []
    for a in arrays:
        phi = np.asarray(a.ac_per_kwp, float).clip(min=0)
        S = ctx.add_size("pv_kwp", a.name, "kWp", a.cost, lo=a.min_kwp, hi=a.max_kwp,
                         existing=a.existing_kwp)
        ctx.add_size_flow("elec", +1, S, phi)
        prof.append(phi)
        size.append(S)
    prof = np.array(prof)
    curt = ctx.var("p_pv_curtailed", lb=0.0)
    fixed_avail = sum(phi * S.existing for phi, S in zip(prof, size))
    sized = [i for i, S in enumerate(size) if not S.fixed]
    phi_sized = prof[sized]  # (arrays of variable size, T)
    k = phi_sized.T.tolist()  # per hour, the output per kWp of each array of variable size
    n = [size[i].var for i in sized]
    fa = np.asarray(fixed_avail, float).tolist()  # per hour, the output of the fixed sizes [kW]
    # curtailment (and export, where allowed) up to the available output: a row where it can
    # shine, a bound elsewhere
    ctx.set_bounds(curt, ub=fixed_avail)
    rows, exp = export_from_pv(ctx, prof, phi_sized)
    if rows:
        ctx.set_bounds(curt, ub=float("inf"), where=rows)
        ctx.rows("pv_curtailment_max", rows,
                 lambda t: (curt[t] + (exp[t] if exp is not None else 0.0)
                            - sum(kk * v for kk, v in zip(k[t], n) if kk) <= fa[t]))
    ctx.add_flow("elec", -1, curt)
    # PV used in the year [kWh]: available output of every array minus curtailment
    ctx.annual_kwh["pv_used"] = lambda: (pyo.quicksum(float((ctx.wdt * phi).sum()) * S.expr
                                                      for phi, S in zip(prof, size)) - ctx.energy(curt))

    def available(sol):
        return prof * np.array([s.value(sol) for s in size])[:, None]

    def curtailed(sol):
        avail = available(sol)
        total = avail.sum(axis=0)
        share = np.divide(avail, total, out=np.zeros_like(avail), where=total > 0)
        return share * np.clip(sol.var(curt), 0.0, None)

    def used(sol):
        return np.maximum(available(sol) - curtailed(sol), 0.0)

    ctx.dispatch += [
        DispatchVar("p_pv_kw", "kW", "PV AC output used", "pv_array", names, fn=used),
        DispatchVar("p_pv_curtailed_kw", "kW", "PV output curtailed (shared in proportion "
                    "to each array's available output)", "pv_array", names, fn=curtailed),
    ]


def export_from_pv(ctx: ModelContext, prof: np.ndarray, phi_sized: np.ndarray) -> tuple[list, object]:
    """The hours of the rows ``P^curt_t (+ P^exp_t) - sum_a phi_{a,t} S^new_a <= sum_a phi_{a,t}
    S^existing_a`` [kW], and the export column they hold (None where export is not allowed).

    Without export: the hours where an array of variable size shines (elsewhere a bound holds the
    curtailment). With export, the rows also keep it to the PV output (module doc): in the hours
    where any array shines, and the export is 0 in the others; where every size is fixed (the
    park as built, whose hourly structure the rolling window gathers) in every hour."""
    exp = ctx.exp
    if exp is None:
        return np.flatnonzero(phi_sized.any(axis=0)).tolist(), None
    if not len(phi_sized):
        return list(ctx.R), exp
    shine = prof.any(axis=0)
    ctx.set_bounds(exp, ub=0.0, where=np.flatnonzero(~shine).tolist())
    return np.flatnonzero(shine).tolist(), exp
