r"""EV fleets as flexibility envelopes (docs/architecture.md).

For fleet f (aggregated over its vehicles) the cumulative energy
:math:`E_{f,t} = \sum_{\tau \le t} (\eta_c P^{ch}_{f,\tau} - P^{dis}_{f,\tau}/\eta_d)\Delta t`
must stay within :math:`[\underline{E}_{f,t}, \overline{E}_{f,t}]`.  It is modelled as
the *flexibility window* :math:`x_{f,t} = E_{f,t} - \underline{E}_{f,t}`, a store with
time-varying capacity and an exogenous drain (the energy the fleet must have received
by the end of each step):

.. math::
    x_{f,t} = x_{f,t-1} + (\eta_c P^{ch}_{f,t} - P^{dis}_{f,t}/\eta_d)\Delta t - d_{f,t},
    \quad d_{f,t} = \underline{E}_{f,t} - \underline{E}_{f,t-1},\quad x_{f,-1} = 0

    0 \le x_{f,t} \le \overline{E}_{f,t} - \underline{E}_{f,t},\quad
    \underline{P}^{ch}_{f,t} \le P^{ch}_{f,t} \le \overline{P}^{ch}_{f,t},\quad
    0 \le P^{dis}_{f,t} \le \overline{P}^{dis}_{f,t}

    C^{V2G} = c_{deg} \sum_t w_t\Delta t\, P^{dis}_{f,t}

The power bounds are sums over the fleet's sessions, not counts of chargers:
:math:`\overline{P}^{ch}` is what the connected vehicles can take in the hour (each at most
its charger's power and its requirement) and :math:`\underline{P}^{ch}` what their sessions
force whatever the schedule (a vehicle with less than an hour of laxity, e.g. one that plugged
in late after waiting for a charger); without them the aggregate envelope lets energy given
earlier to one vehicle count for another's forced charging (``p_charge_min_kw``; None = 0; not
in the elastic model).

This is the same LP as bounding :math:`E` directly, but :math:`x` stays of the order of
one day's energy while :math:`E` grows to the annual total (bounds up to 5e5 kWh in the
examples), which the interior-point solver handles badly.  With representative days
(``period_order``) the window is a linked store (see :mod:`solvers.blocks.storage`):
:math:`d` and the window are daily profiles, so fleets aggregate per cluster like loads.

Bidirectional share as a decision (``EVFleet.v2g_charger_cost`` given, mode ``v2g``):
with :math:`n` charge points, :math:`\sigma_0` the bidirectional share the envelope
was simulated with and :math:`N_f` the bidirectional chargers chosen,

.. math::
    P^{dis}_{f,t} \le \frac{N_f}{\sigma_0 n}\,\overline{P}^{dis}_{f,t},\qquad
    \sigma^{min} n \le N_f \le \sigma^{max} n \;(\sigma^{max} \le \sigma_0),\qquad
    C^{bidir}_f = N_f\,(c\,\mathrm{CRF} + c\,f_{OM} + o)

and the share is :math:`s_f = N_f / n`.  Only the discharge *power* bound scales; the
cumulative bounds :math:`\underline{E}, \overline{E}` stay as simulated at
:math:`\sigma_0`.  Those already contain the V2G depth and headroom of the
simulated bidirectional sessions, so below :math:`\sigma_0` the window is wider than
what fewer bidirectional chargers could use: the energy they can shift is limited
only through the scaled discharge power (an optimistic, outer approximation that is
exact at :math:`s = \sigma_0` and at :math:`s = 0`, where no discharge is possible
and the extra window can only hold charge the vehicles would take anyway, up to their
headroom).  Each bidirectional session is taken to lose the same fraction of its
discharge power, i.e. the chargers are assigned in proportion.

``mode="uncontrolled"`` fixes :math:`P^{ch} = P^{unc}` (charge on arrival) as a
constant demand (no columns) and :math:`P^{dis}=0`; ``"smart"`` frees the charging
within the envelope; ``"v2g"`` also allows discharge.  In the elastic model a
shortfall :math:`u_{f,t} \ge 0` relaxes the lower bound.

References
----------
.. [1] Sadeghianpourhamami, N., Refa, N., Strobbe, M., Develder, C. (2018).
   Quantitive analysis of electric vehicle flexibility: a data-driven approach.
   Int. J. Electr. Power Energy Syst. 95, 451-462 (cumulative energy envelopes).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks import storage
from solvers.blocks.base import INF, DispatchVar, ModelContext, Scaled, Size


def drain_and_window(ctx: ModelContext, emin, emax) -> tuple[np.ndarray, np.ndarray]:
    """Per-step drain :math:`d_t` [kWh] and window width [kWh] of a cumulative envelope."""
    emin = np.asarray(emin, float)
    prev = np.where(ctx.first, 0.0, np.r_[0.0, emin[:-1]])
    return emin - prev, np.asarray(emax, float) - emin


def add(ctx: ModelContext) -> None:
    fleets = ctx.p.ev_fleets
    if not fleets:
        return
    T, R = ctx.T, ctx.R
    names = [f.name for f in fleets]
    n = len(fleets)
    ch_vars, dis_vars = [None] * n, [None] * n
    v2g_losses: list = []  # (discharge column, round-trip loss per kWh given back)
    fixed_ch = np.zeros((n, T))
    states = {}  # fleet -> (initial, end) cumulative energy [kWh]
    if not ctx.linked:
        ctx.stores["ev_cum_kwh"] = states
    for i, f in enumerate(fleets):
        if f.mode == "uncontrolled":
            fixed_ch[i] = np.asarray(f.p_uncontrolled_kw, float)
            ctx.add_fixed_demand("elec", fixed_ch[i])
            e_end = f.e_cum_offset_kwh + f.eta_charge * ctx.dt * float(fixed_ch[i].sum())
            states[f.name] = (lambda sol, f=f: f.e_cum_offset_kwh, lambda sol, e=e_end: e)
            continue
        ub = np.asarray(f.p_charge_max_kw, float).clip(min=0)
        # what the sessions force (a late plug-in): not relaxed by the elastic model's shortfall
        lb = (0.0 if f.p_charge_min_kw is None or ctx.elastic
              else np.minimum(np.asarray(f.p_charge_min_kw, float).clip(min=0), ub))
        ch = ctx.var(f"p_ev_charge_{f.name}", lb=lb, ub=ub)
        dis = None
        if f.mode == "v2g" and f.p_discharge_max_kw is not None:
            pmax = np.asarray(f.p_discharge_max_kw, float).clip(min=0)
            dis = ctx.var(f"p_ev_discharge_{f.name}", lb=0.0, ub=pmax)
            if f.v2g_share_is_decision:
                hi = f.v2g_share if f.v2g_share_max is None else f.v2g_share_max
                n_bid = ctx.add_size("ev_v2g_chargers", f.name, "charger", f.v2g_charger_cost,
                                     lo=f.v2g_share_min * f.chargers, hi=hi * f.chargers)
                ctx.cap_rows(f"ev_v2g_discharge_max_{f.name}", dis, n_bid,
                             pmax / (f.v2g_share * f.chargers))
                ctx.sizes.setdefault("ev_v2g_share", {})[f.name] = Scaled(n_bid, 1.0 / f.chargers)
            else:
                ctx.sizes.setdefault("ev_v2g_share", {})[f.name] = Size(float(f.v2g_share))
        d, width = drain_and_window(ctx, f.e_cum_min_kwh, f.e_cum_max_kwh)
        x = ctx.var(f"e_ev_window_{f.name}", lb=0.0)
        if not ctx.linked:
            emin_end = float(np.asarray(f.e_cum_min_kwh, float)[-1])
            states[f.name] = (lambda sol, f=f: f.e_cum_offset_kwh,
                              lambda sol, f=f, x=x, e=emin_end: f.e_cum_offset_kwh + e
                              + float(sol.var(x)[-1]))
        if ctx.elastic:  # shortfall below the lower envelope, penalised
            s = ctx.slack_series(f"EV energy shortfall of fleet {f.name}", "kWh")
            storage.add_state(ctx, f"ev_{f.name}", x, ch, dis, eta_c=f.eta_charge,
                              eta_d=f.eta_discharge, loss_per_h=0.0, cyclic=ctx.linked,
                              e0=None, drain=d, upper_const=width,
                              lower_const=np.full(T, -INF))
            ctx.rows(f"ev_{f.name}_shortfall", R, lambda t, x=x, s=s: x[t] + s[t] >= 0.0)
        else:
            storage.add_state(ctx, f"ev_{f.name}", x, ch, dis, eta_c=f.eta_charge,
                              eta_d=f.eta_discharge, loss_per_h=0.0, cyclic=ctx.linked,
                              e0=None, drain=d, upper_const=width, lower_const=np.zeros(T))
        ctx.add_flow("elec", -1, ch)
        ch_vars[i] = ch
        if dis is not None:
            ctx.add_flow("elec", +1, dis)
            dis_vars[i] = dis
            if f.v2g_degradation_cny_per_kwh > 0:
                ctx.cost[f"v2g_degradation[{f.name}]"] = ctx.energy(
                    dis, f.v2g_degradation_cny_per_kwh)
            # the round trip behind each kWh given back [kWh/yr], left out of the energy use a ratio
            # target is held to (solvers.blocks.targets)
            v2g_losses.append((dis, 1.0 / (f.eta_charge * f.eta_discharge) - 1.0))

    if v2g_losses:
        ctx.annual_kwh["v2g_losses"] = lambda: pyo.quicksum(ctx.energy(v, k) for v, k in v2g_losses)

    def read(vars_, base):
        def fn(sol):
            out = base.copy()
            for i, v in enumerate(vars_):
                if v is not None:
                    out[i] = sol.var(v)
            return out
        return fn

    ctx.dispatch += [
        DispatchVar("p_ev_charge_kw", "kW", "EV fleet charging power", "ev_fleet", names,
                    fn=read(ch_vars, fixed_ch)),
        DispatchVar("p_ev_discharge_kw", "kW", "EV fleet V2G discharging power", "ev_fleet",
                    names, fn=read(dis_vars, np.zeros((n, T)))),
    ]
