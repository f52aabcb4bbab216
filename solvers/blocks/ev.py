r"""EV fleets as flexibility envelopes (docs/architecture.md).

For fleet f (aggregated over its vehicles):

.. math::
    E_{f,t} = E_{f,t-1} + (\eta_c P^{ch}_{f,t} - P^{dis}_{f,t}/\eta_d)\Delta t,
    \quad E_{f,-1} = 0

    \underline{E}_{f,t} \le E_{f,t} \le \overline{E}_{f,t},\quad
    0 \le P^{ch}_{f,t} \le \overline{P}^{ch}_{f,t},\quad
    0 \le P^{dis}_{f,t} \le \overline{P}^{dis}_{f,t}

    C^{V2G} = c_{deg} \sum_t w_t\Delta t\, P^{dis}_{f,t}

``mode="uncontrolled"`` fixes :math:`P^{ch} = P^{unc}` (charge on arrival) and
:math:`P^{dis}=0`; ``"smart"`` frees the charging within the envelope; ``"v2g"``
also allows discharge.  The envelope is cumulative from the first step, so the
time steps must be consecutive (do not use EV envelopes with representative days).
In the elastic model a shortfall :math:`u_{f,t} \ge 0` relaxes the lower bound.

References
----------
.. [1] Sadeghianpourhamami, N., Refa, N., Strobbe, M., Develder, C. (2018).
   Quantitive analysis of electric vehicle flexibility: a data-driven approach.
   Int. J. Electr. Power Energy Syst. 95, 451-462 (cumulative energy envelopes).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import DispatchVar, ModelContext


def add(ctx: ModelContext) -> None:
    fleets = ctx.p.ev_fleets
    if not fleets:
        return
    m, R, dt = ctx.m, ctx.R, ctx.dt
    names = [f.name for f in fleets]
    fixed_ch = np.zeros((len(fleets), ctx.T))
    flex = [f for f in fleets if f.mode != "uncontrolled"]
    for i, f in enumerate(fleets):
        if f.mode == "uncontrolled":
            fixed_ch[i] = np.asarray(f.p_uncontrolled_kw, float)
            ctx.add_fixed_demand("elec", fixed_ch[i])
    if flex:
        fn = [f.name for f in flex]
        pch = {f.name: np.asarray(f.p_charge_max_kw, float).clip(min=0).tolist() for f in flex}
        pdis = {f.name: (np.zeros(ctx.T) if f.mode != "v2g" or f.p_discharge_max_kw is None
                         else np.asarray(f.p_discharge_max_kw, float).clip(min=0)).tolist()
                for f in flex}
        emin = {f.name: np.asarray(f.e_cum_min_kwh, float).tolist() for f in flex}
        emax = {f.name: np.asarray(f.e_cum_max_kwh, float).tolist() for f in flex}
        m.p_evch = pyo.Var(fn, R, bounds=lambda m, f, t: (0, pch[f][t]))
        m.p_evdis = pyo.Var(fn, R, bounds=lambda m, f, t: (0, pdis[f][t]))
        m.e_ev = pyo.Var(fn, R, bounds=lambda m, f, t: (None, emax[f][t]))
        eta = {f.name: (f.eta_charge * dt, dt / f.eta_discharge) for f in flex}

        def cum(m, f, t):
            a, b = eta[f]
            prev = m.e_ev[f, t - 1] if t > 0 else 0.0
            return m.e_ev[f, t] == prev + a * m.p_evch[f, t] - b * m.p_evdis[f, t]

        m.ev_cum = pyo.Constraint(fn, R, rule=cum)
        if ctx.elastic:
            m.s_ev = pyo.Var(fn, R, bounds=(0, None))
            ctx.slacks["EV energy shortfall [kWh]"] = (
                [m.s_ev[f, t] for f in fn for t in R], None)
            m.ev_min = pyo.Constraint(fn, R, rule=lambda m, f, t:
                                      m.e_ev[f, t] + m.s_ev[f, t] >= emin[f][t])
        else:
            m.ev_min = pyo.Constraint(fn, R, rule=lambda m, f, t: m.e_ev[f, t] >= emin[f][t])
        for f in flex:
            ctx.add_flow("elec", -1, m.p_evch, key=(f.name,))
            if f.mode == "v2g":
                ctx.add_flow("elec", +1, m.p_evdis, key=(f.name,))
                if f.v2g_degradation_cny_per_kwh > 0:
                    ctx.cost[f"v2g_degradation[{f.name}]"] = f.v2g_degradation_cny_per_kwh * sum(
                        ctx.wdt[t] * m.p_evdis[f.name, t] for t in R)
    flex_names = {f.name for f in flex}

    def read(var):
        def fn(vals):
            out = fixed_ch.copy() if var == "ch" else np.zeros_like(fixed_ch)
            for i, n in enumerate(names):
                if n in flex_names:
                    out[i] = [vals[(n, t)] for t in R]
            return out
        return fn

    ctx.dispatch += [
        DispatchVar("p_ev_charge_kw", "kW", "EV fleet charging power", "ev_fleet", names,
                    m.p_evch if flex else None, expr=read("ch")),
        DispatchVar("p_ev_discharge_kw", "kW", "EV fleet V2G discharging power", "ev_fleet",
                    names, m.p_evdis if flex else None, expr=read("dis")),
    ]
