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

from solvers.blocks.base import INF, ModelContext, Size


def add_state(ctx: ModelContext, name: str, e, ch, dis, *, eta_c: float, eta_d: float,
              loss_per_h: float, cyclic: bool, e0=None, drain=None,
              upper_const=None, upper_size: Size | None = None, upper_coef: float = 1.0,
              lower_const=None, lower_size: Size | None = None, lower_coef: float = 0.0):
    """Add the state rows and content bounds of a store.

    Parameters
    ----------
    name : str
        Prefix of the constraint names.
    e, ch, dis : pyomo IndexedVar over the time steps
        Content [kWh], charging and discharging [kW]; ``dis`` may be None.
    e0 : float or Pyomo expression, optional
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
        ``sol -> content`` [kWh] at the end of each step (for the dispatch output).
    """
    T, R, dt = ctx.T, ctx.R, ctx.dt
    keep = (1.0 - loss_per_h) ** dt
    a = eta_c * dt
    b = dt / eta_d
    rhs = (np.zeros(T) if drain is None else -np.asarray(drain, float)).tolist()
    first = ctx.first.tolist()
    uc = np.zeros(T) if upper_const is None else np.asarray(upper_const, float)
    lc = np.zeros(T) if lower_const is None else np.asarray(lower_const, float)

    def flows(t):
        return a * ch[t] - b * dis[t] if dis is not None else a * ch[t]

    if not ctx.linked:
        prev = ctx.prev.tolist()

        def state(t):
            if first[t] and not cyclic:
                start = 0.0 if e0 is None else keep * e0
                return e[t] - start - flows(t) == rhs[t]
            return e[t] - keep * e[prev[t]] - flows(t) == rhs[t]

        ctx.rows(f"{name}_state", R, state)
        # content bounds: variable bounds for constants, rows for sizes
        ctx.set_bounds(e, lb=lc, ub=uc if upper_size is None else np.full(T, INF))
        if upper_size is not None:
            if np.any(uc):
                raise ValueError("upper_const with a size is not supported")
            ctx.cap_rows(f"{name}_content_max", e, upper_size, upper_coef)
        if lower_size is not None and lower_coef > 0:
            ctx.cap_rows(f"{name}_content_min", e, lower_size, lower_coef, lo_rows=True)
        return lambda sol: sol.var(e)

    # ---- linked representative periods (Kotzur et al. 2018)
    p = ctx.p
    order = np.asarray(p.period_order)
    pid = np.asarray(p.period)[ctx.starts]  # period id of each representative (in order)
    pos = {int(v): i for i, v in enumerate(pid)}
    kseq = np.array([pos[int(v)] for v in order])  # representative index of each period
    K, D = len(pid), len(order)
    kt = ctx.period_index
    ctx.set_bounds(e, lb=-INF, ub=INF)

    def delta(t):  # change of content since the start of the representative period
        if first[t]:
            return e[t] - flows(t) == rhs[t]
        return e[t] - keep * e[t - 1] - flows(t) == rhs[t]

    ctx.rows(f"{name}_state", R, delta)
    length = (ctx.ends - ctx.starts + 1).astype(float)
    kL = (keep ** length[kseq]).tolist()
    s = ctx.var(f"{name}_interperiod", D, lb=0.0)
    mx = ctx.var(f"{name}_delta_max", K, lb=-INF)
    mn = ctx.var(f"{name}_delta_min", K, lb=-INF)
    ktl, ucl, lcl = kt.tolist(), uc.tolist(), lc.tolist()
    ctx.rows(f"{name}_delta_le_max", R, lambda t: e[t] - mx[ktl[t]] <= ucl[t])
    ctx.rows(f"{name}_delta_ge_min", R, lambda t: e[t] - mn[ktl[t]] >= lcl[t])
    end_e = ctx.ends[kseq].tolist()
    ks = kseq.tolist()
    if cyclic:
        nxt = np.r_[np.arange(1, D), 0].tolist()
        ctx.rows(f"{name}_interperiod_state", range(D),
                 lambda i: s[nxt[i]] - kL[i] * s[i] - e[end_e[i]] == 0.0)
    else:
        ctx.rows(f"{name}_interperiod_state", range(D - 1),
                 lambda i: s[i + 1] - kL[i] * s[i] - e[end_e[i]] == 0.0)
        ctx.row(f"{name}_interperiod_start", s[0] - (0.0 if e0 is None else e0) == 0.0)
    if upper_size is None or upper_size.fixed:
        ucap = upper_coef * upper_size.existing if upper_size is not None else 0.0
        ctx.rows(f"{name}_content_max", range(D), lambda i: s[i] + mx[ks[i]] <= ucap)
    else:
        N, s0 = upper_size.var, upper_size.existing
        ctx.rows(f"{name}_content_max", range(D),
                 lambda i: s[i] + mx[ks[i]] - upper_coef * N <= upper_coef * s0)
    if lower_size is None or lower_size.fixed or lower_coef == 0:
        lcap = lower_coef * lower_size.existing if lower_size is not None else 0.0
        ctx.rows(f"{name}_content_min", range(D), lambda i: kL[i] * s[i] + mn[ks[i]] >= lcap)
    else:
        N, s0 = lower_size.var, lower_size.existing
        ctx.rows(f"{name}_content_min", range(D),
                 lambda i: kL[i] * s[i] + mn[ks[i]] - lower_coef * N >= lower_coef * s0)
    first_occ = np.array([int(np.flatnonzero(kseq == j)[0]) if np.any(kseq == j) else 0
                          for j in range(K)])
    h = np.arange(T) - ctx.starts[kt] + 1
    s_of_step = first_occ[kt]

    def content(sol):
        return keep ** h * sol.var(s)[s_of_step] + sol.var(e)

    return content


def add_ends(ctx: ModelContext, key: str, name: str, e, content, *, cyclic: bool, e0,
             end_min_kwh: float | None, end_value_cny_per_kwh: float) -> None:
    r"""End-of-horizon conditions of a store and its reported initial and end content.

    .. math::
        e_{T-1} \ge e^{end}_{min}, \qquad C^{stored} = -v^{end}\, e_{T-1}

    (``stored_energy_value[name]`` in the cost breakdown, unweighted: the energy is
    left once, at the end of the horizon).  Registers ``ctx.stores[key][name]`` =
    (initial content, end content) read from a solution [kWh]: the content before the
    first step (``e0``, or for a cyclic store the content at the end of its first
    period) and after the last step.

    Parameters
    ----------
    key : str
        State key (``battery_kwh``, ``tes_kwh``, ``cold_kwh``).
    name : str
        The store's name (several stores share a key).
    e0 : float, Pyomo expression or None
        Content before the first step of a non-cyclic store [kWh] (None: empty).
    """
    if ctx.linked:
        if end_min_kwh is not None or end_value_cny_per_kwh:
            raise ValueError(f"{name}: end conditions need an hourly (not linked) problem")
        return
    last = ctx.T - 1
    if end_min_kwh is not None:
        e[last].setlb(max(float(end_min_kwh), 0.0 if e[last].lb is None else e[last].lb))
    if end_value_cny_per_kwh:
        k = f"stored_energy_value[{name}]"
        ctx.cost[k] = ctx.cost.get(k, 0.0) - float(end_value_cny_per_kwh) * e[last]
    first_end = int(ctx.ends[0])

    def initial(sol):
        if cyclic:
            return float(content(sol)[first_end])
        if e0 is None:
            return 0.0
        return float(e0) if isinstance(e0, (int, float)) else float(sol.expr(e0))

    ctx.stores.setdefault(key, {})[name] = (initial, lambda sol: float(content(sol)[last]))
