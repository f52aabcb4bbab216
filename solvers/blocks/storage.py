r"""Generic storage state equation shared by the battery, the thermal store and the EV
flexibility window.

Consecutive steps (full year, or periods without linking):

.. math::
    e_t = (1-\lambda)^{\Delta t}\, e_{p(t)} + (\eta_c\, x^{ch}_t - x^{dis}_t/\eta_d)\,\Delta t
    - d_t

where :math:`p(t)` is the previous step, wrapping to the last step of the same
period when the store is cyclic, or :math:`e_{-1} = e_0` otherwise; :math:`d_t` is an
exogenous drain (EV driving energy), 0 for stationary stores.

Representative periods linked through the year (``SizingProblem.period_order``),
after Kotzur et al. [1]_: :math:`e_t` becomes the change of content since the start
of the representative period (:math:`e = 0` before its first step), and an
inter-period content :math:`s_i \ge 0` is defined for every period *i* of the year:

.. math::
    s_{i+1} = \kappa^{L} s_i + e_{\mathrm{end}(k(i))}, \qquad
    s_0 = \kappa^{L} s_{D-1} + e_{\mathrm{end}(k(D-1))} \;(\text{cyclic})

with :math:`\kappa = (1-\lambda)^{\Delta t}` and :math:`k(i)` the representative of
period *i*.  The content at step *h* of period *i* is
:math:`\kappa^{h+1} s_i + e_{k(i),h}`; its bounds are imposed through the maximum and
minimum intra-period change of each representative, :math:`\bar e_k \ge e_t - U_t`,
:math:`\underline e_k \le e_t - L_t`:

.. math::
    s_i + \bar e_{k(i)} \le u S, \qquad \kappa^{L} s_i + \underline e_{k(i)} \ge l S

(conservative with standing losses).  Storage can then carry energy between days
and seasons while the operation is still only modelled on the representative days.

References
----------
.. [1] Kotzur, L., Markewitz, P., Robinius, M., Stolten, D. (2018). Time series
   aggregation for energy system design: modeling seasonal storage. Applied Energy
   213, 123-135, eqs. (6)-(12).
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import ModelContext, Size
from solvers.lp import INF, Lin


def add_state(ctx: ModelContext, e, ch, dis, *, eta_c: float, eta_d: float,
              loss_per_h: float, cyclic: bool, e0: Lin | None = None, drain=None,
              upper_const=None, upper_size: Size | None = None, upper_coef: float = 1.0,
              lower_const=None, lower_size: Size | None = None, lower_coef: float = 0.0):
    """Add the state rows and content bounds of a store.

    Parameters
    ----------
    e, ch, dis : ndarray of int
        Columns (length T) of the content [kWh], charging and discharging [kW];
        ``dis`` may be None.
    e0 : Lin, optional
        Content before the first step when not cyclic [kWh].
    drain : ndarray, optional
        Exogenous energy leaving the store in each step [kWh].
    upper_const, upper_size, upper_coef
        Content upper bound ``upper_const[t] + upper_coef * S`` [kWh].
    lower_const, lower_size, lower_coef
        Content lower bound ``lower_const[t] + lower_coef * S`` [kWh].

    Returns
    -------
    callable
        ``x -> content`` [kWh] at the end of each step (for the dispatch output).
    """
    lp, T, dt = ctx.lp, ctx.T, ctx.dt
    keep = (1.0 - loss_per_h) ** dt
    a = eta_c * dt
    b = dt / eta_d
    rhs = np.zeros(T) if drain is None else -np.asarray(drain, float)
    first = ctx.first
    terms = [(e, 1.0), (ch, -a)]
    if dis is not None:
        terms.append((dis, b))
    uc = np.zeros(T) if upper_const is None else np.asarray(upper_const, float)
    lc = np.zeros(T) if lower_const is None else np.asarray(lower_const, float)
    if not ctx.linked:
        prev_col = e[ctx.prev]
        k = np.where(first & (not cyclic), 0.0, -keep)
        rhs = rhs.copy()
        fs = np.flatnonzero(first)
        if not cyclic and e0 is not None:  # first step: e - keep * e0 - ... = -drain
            rhs[fs] += keep * e0.const
        rows = lp.rows(T, terms + [(prev_col, k)], lo=rhs, hi=rhs)
        if not cyclic and e0 is not None and e0.cols.size:
            lp.add_entries(np.repeat(rows[fs], e0.cols.size), np.tile(e0.cols, fs.size),
                           np.tile(-keep * e0.coefs, fs.size))
        # content bounds: columns for constants, rows for sizes
        lp.set_bounds(e, lb=lc, ub=uc if upper_size is None else np.full(T, INF))
        if upper_size is not None:
            if np.any(uc):
                raise ValueError("upper_const with a size is not supported")
            ctx.cap_rows(e, upper_size, upper_coef)
        if lower_size is not None and lower_coef > 0:
            ctx.cap_rows(e, lower_size, lower_coef, lo_rows=True)
        return lambda x: x[e]

    # ---- linked representative periods (Kotzur et al. 2018)
    p = ctx.p
    order = np.asarray(p.period_order)
    pid = np.asarray(p.period)[ctx.starts]  # period id of each representative (in order)
    pos = {int(v): i for i, v in enumerate(pid)}
    kseq = np.array([pos[int(v)] for v in order])  # representative index of each period
    K, D = len(pid), len(order)
    kt = ctx.period_index
    lp.set_bounds(e, lb=-INF, ub=INF)
    k = np.where(first, 0.0, -keep)
    lp.rows(T, terms + [(e[np.maximum(np.arange(T) - 1, 0)], k)], lo=rhs, hi=rhs)
    length = (ctx.ends - ctx.starts + 1).astype(float)
    kL = keep ** length[kseq]
    s = lp.var(D, 0.0, INF)
    mx = lp.var(K, -INF, INF)
    mn = lp.var(K, -INF, INF)
    lp.rows(T, [(e, 1.0), (mx[kt], -1.0)], hi=uc)
    lp.rows(T, [(e, 1.0), (mn[kt], -1.0)], lo=lc)
    end_e = e[ctx.ends[kseq]]
    nxt = np.r_[np.arange(1, D), 0]
    if cyclic:
        lp.rows(D, [(s[nxt], 1.0), (s, -kL), (end_e, -1.0)], lo=0.0, hi=0.0)
    else:
        lp.rows(D - 1, [(s[1:], 1.0), (s[:-1], -kL[:-1]), (end_e[:-1], -1.0)], lo=0.0, hi=0.0)
        init = e0 if e0 is not None else Lin()
        lp.row(Lin.of([s[0]]) - init, lo=0.0, hi=0.0)
    if upper_size is None or upper_size.fixed:
        ucap = upper_coef * upper_size.existing if upper_size is not None else 0.0
        lp.rows(D, [(s, 1.0), (mx[kseq], 1.0)], hi=ucap)
    else:
        lp.rows(D, [(s, 1.0), (mx[kseq], 1.0), (upper_size.col, -upper_coef)],
                hi=upper_coef * upper_size.existing)
    if lower_size is None or lower_size.fixed or lower_coef == 0:
        lcap = lower_coef * lower_size.existing if lower_size is not None else 0.0
        lp.rows(D, [(s, kL), (mn[kseq], 1.0)], lo=lcap)
    else:
        lp.rows(D, [(s, kL), (mn[kseq], 1.0), (lower_size.col, -lower_coef)],
                lo=lower_coef * lower_size.existing)
    first_occ = np.array([int(np.flatnonzero(kseq == j)[0]) if np.any(kseq == j) else 0
                          for j in range(K)])
    h = np.arange(T) - ctx.starts[kt] + 1

    def content(x):
        return keep ** h * x[s[first_occ[kt]]] + x[e]

    return content
