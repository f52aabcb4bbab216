r"""Grid connection: import/export, energy prices, monthly demand charge, grid emissions.

Equations (Δt = ``dt_h``, w the step weight):

.. math::
    0 \le P^{imp}_t \le \bar P^{imp} \;(+\, s_t \text{ in the elastic model}),
    \qquad 0 \le P^{exp}_t \le \bar P^{exp}

    C^{energy} = \sum_t w_t \Delta t \,\pi^{imp}_t P^{imp}_t, \qquad
    R^{export} = \sum_t w_t \Delta t \,\pi^{exp}_t P^{exp}_t

    P^{imp}_t \le \hat P_{m(t)}, \qquad C^{demand} = \sum_m c^{dem} \hat P_m

    E^{grid} = 10^{-3} \sum_t w_t \Delta t\, ef_t P^{imp}_t \;[\mathrm{tCO_2}]

    E^{credit} \le 10^{-3} \sum_t w_t \Delta t\, ef_t P^{exp}_t,\quad
    E^{credit} \le E^{grid} \quad (\text{only with } \texttt{credit\_export\_emissions})

The import limit is a column bound (its dual is the reduced cost of the import), not
a row.  Export columns exist only when export is allowed, and only PV output is exported
(:func:`solvers.blocks.pv.export_from_pv`).  The demand charge follows
the Chinese two-part tariff (基本电价 by maximum demand, CNY/kW-month) applied to each
calendar month present in the horizon, counted ``demand_charge_months_per_month`` times
(12 / months present for a horizon shorter than a year, so that a quick look charges a
year of demand charges as it charges a year of energy).  With
``peak_so_far_kw`` (a rolling-horizon window) :math:`\hat P_m \ge \hat P^0_m` and only
:math:`c^{dem}(\hat P_m - \hat P^0_m)` is charged.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import INF, DispatchVar, ModelContext, as_array

#: Objective weight that makes the export credit as large as allowed [CNY/tCO2].
EXPORT_CREDIT_TIEBREAK = 1e-6


def add(ctx: ModelContext) -> None:
    g, T, R = ctx.p.grid, ctx.T, ctx.R
    exp_lim = np.asarray(g.export_limit_kw, dtype=float)
    exp_ub = (np.clip(as_array(exp_lim, T), 0.0, None) if exp_lim.ndim else
              (float(exp_lim) if exp_lim > 0 else 0.0))
    lim = np.asarray(g.import_limit_kw, dtype=float)
    if lim.ndim == 0:
        lim = float(lim)
        imp = ctx.var("p_grid_import", lb=0.0,
                      ub=lim if (np.isfinite(lim) and not ctx.elastic) else INF)
    else:  # hourly limits, e.g. from the park-grid check (twin.grid)
        lim = as_array(lim, T)
        imp = ctx.var("p_grid_import", lb=0.0, ub=INF if ctx.elastic else lim)
    ctx.imp = imp
    ctx.add_flow("elec", +1, imp)
    if np.isfinite(lim).any() and ctx.elastic:
        s = ctx.slack_series("grid import limit", "kW", ctx.wdt)
        lims = as_array(lim, T).tolist()
        ctx.rows("grid_import_limit", [t for t in R if np.isfinite(lims[t])],
                 lambda t: imp[t] - s[t] <= lims[t])
    pim = as_array(g.price_import_cny_per_kwh, T)
    pex = as_array(g.price_export_cny_per_kwh, T)
    ctx.cost["energy_import"] = ctx.energy(imp, pim)
    exp = None
    if np.any(exp_ub > 0):
        exp = ctx.var("p_grid_export", lb=0.0, ub=exp_ub)
        ctx.add_flow("elec", -1, exp)
        ctx.cost["export_revenue"] = ctx.energy(exp, -pex)
    ctx.exp = exp  # the PV block holds it to the PV output (solvers.blocks.pv.export_from_pv)
    if g.demand_charge_cny_per_kw_month > 0:
        month = np.asarray(g.month).astype(int)
        months, mi = np.unique(month, return_inverse=True)
        before = g.peak_so_far_kw or {}
        p0 = np.array([float(before.get(int(mo), 0.0)) for mo in months])
        peak = ctx.var("p_grid_monthly_peak", len(months), lb=p0)
        mi = mi.tolist()
        ctx.rows("grid_monthly_peak", R, lambda t: imp[t] - peak[mi[t]] <= 0.0)
        k_dem = g.demand_charge_cny_per_kw_month * g.demand_charge_months_per_month
        ctx.cost["demand_charge"] = pyo.quicksum(k_dem * peak[k] for k in peak)
        if p0.any():  # only the increase above the peak already reached is charged
            ctx.cost["demand_charge"] -= k_dem * float(p0.sum())
    if g.month is not None and T:
        _peak_state(ctx, imp, np.asarray(g.month).astype(int), g.peak_so_far_kw or {})
    ctx.annual_kwh["grid_import"] = lambda: ctx.energy(imp)  # annual energies: built only if asked for
    if exp is not None:
        ctx.annual_kwh["grid_export"] = lambda: ctx.energy(exp)
    ef = as_array(g.ef_grid_kgco2_per_kwh, T)
    ctx.emis["gross_grid_t"] = ctx.energy(imp, 1e-3 * ef)
    if g.credit_export_emissions and exp is not None:
        # credit = min(exports, imports) at the hourly factor, as the ledger counts it; a
        # tie-break of 1e-6 CNY/tCO2 makes it the largest allowed where nothing else prices it
        cr = ctx.var("export_credit", 1, lb=0.0)[0]
        ctx.row("export_credit_le_export", cr - ctx.energy(exp, 1e-3 * ef) <= 0.0)
        ctx.row("export_credit_le_import", cr - ctx.energy(imp, 1e-3 * ef) <= 0.0)
        ctx.emis["export_credit_t"] = -cr
        ctx.cost["export_credit_tiebreak"] = -EXPORT_CREDIT_TIEBREAK * cr
    zero = np.zeros(T)
    ctx.dispatch += [
        DispatchVar("p_grid_import_kw", "kW", "Grid import", fn=lambda s: s.var(imp)),
        DispatchVar("p_grid_export_kw", "kW", "Grid export",
                    fn=(lambda s: s.var(exp)) if exp is not None else None,
                    fixed=zero if exp is None else None),
        DispatchVar("price_import_cny_per_kwh", "CNY/kWh", "Import energy price", fixed=pim),
        DispatchVar("ef_grid_kgco2_per_kwh", "kgCO2/kWh", "Grid emission factor", fixed=ef),
    ]


def _peak_state(ctx: ModelContext, imp, month: np.ndarray, before: dict) -> None:
    """Report each month's maximum import before and after the horizon [kW]
    (``store_states[...]["grid_peak_kw"]``, the demand-charge state of a window)."""
    months = np.unique(month)
    init = {int(mo): float(before.get(int(mo), 0.0)) for mo in months}
    init.update({int(k): float(v) for k, v in before.items()})

    def end(sol):
        x = sol.var(imp)
        out = dict(init)
        for mo in months:
            out[int(mo)] = max(out[int(mo)], float(x[month == mo].max()))
        return out

    ctx.stores["grid_peak_kw"] = (lambda sol: dict(init), end)
