r"""Grid connection: import/export, energy prices, monthly demand charge, grid emissions.

Equations (Δt = ``dt_h``, w the step weight):

.. math::
    0 \le P^{imp}_t \le \bar P^{imp} \;(+\, s_t \text{ in the elastic model}),
    \qquad 0 \le P^{exp}_t \le \bar P^{exp}

    C^{energy} = \sum_t w_t \Delta t \,\pi^{imp}_t P^{imp}_t, \qquad
    R^{export} = \sum_t w_t \Delta t \,\pi^{exp}_t P^{exp}_t

    P^{imp}_t \le \hat P_{m(t)}, \qquad C^{demand} = \sum_m c^{dem} \hat P_m

    E^{grid} = 10^{-3} \sum_t w_t \Delta t\, ef_t P^{imp}_t \;[\mathrm{tCO_2}]

The demand charge follows the Chinese two-part tariff (基本电价 by maximum demand,
CNY/kW-month) applied to each calendar month present in the horizon.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import DispatchVar, ModelContext, as_list


def add(ctx: ModelContext) -> None:
    m, g, R, T = ctx.m, ctx.p.grid, ctx.R, ctx.T
    exp_ub = g.export_limit_kw if g.export_limit_kw > 0 else 0.0
    m.p_imp = pyo.Var(R, bounds=(0, None))
    m.p_exp = pyo.Var(R, bounds=(0, exp_ub if np.isfinite(exp_ub) else None))
    ctx.add_flow("elec", +1, m.p_imp)
    ctx.add_flow("elec", -1, m.p_exp)
    if np.isfinite(g.import_limit_kw):
        lim = float(g.import_limit_kw)
        if ctx.elastic:
            s = ctx.slack_series("s_import", "kW", "grid import limit", ctx.wdt)
            m.import_limit = pyo.Constraint(R, rule=lambda m, t: m.p_imp[t] - s[t] <= lim)
        else:
            m.import_limit = pyo.Constraint(R, rule=lambda m, t: m.p_imp[t] <= lim)
    pim = as_list(g.price_import_cny_per_kwh, T)
    pex = as_list(g.price_export_cny_per_kwh, T)
    wdt = ctx.wdt
    ctx.cost["energy_import"] = sum(wdt[t] * pim[t] * m.p_imp[t] for t in R)
    if exp_ub > 0:
        ctx.cost["export_revenue"] = -sum(wdt[t] * pex[t] * m.p_exp[t] for t in R)
    if g.demand_charge_cny_per_kw_month > 0:
        month = np.asarray(g.month).astype(int)
        months = sorted(set(month.tolist()))
        m.peak = pyo.Var(months, bounds=(0, None))
        mlist = month.tolist()
        m.peak_def = pyo.Constraint(R, rule=lambda m, t: m.p_imp[t] <= m.peak[mlist[t]])
        ctx.cost["demand_charge"] = g.demand_charge_cny_per_kw_month * sum(
            m.peak[k] for k in months)
    ef = as_list(g.ef_grid_kgco2_per_kwh, T)
    ctx.emis["gross_grid_t"] = 1e-3 * sum(wdt[t] * ef[t] * m.p_imp[t] for t in R)
    if g.credit_export_emissions and exp_ub > 0:
        ctx.emis["export_credit_t"] = -1e-3 * sum(wdt[t] * ef[t] * m.p_exp[t] for t in R)
    ctx.dispatch += [
        DispatchVar("p_grid_import_kw", "kW", "Grid import", var=m.p_imp),
        DispatchVar("p_grid_export_kw", "kW", "Grid export", var=m.p_exp),
        DispatchVar("price_import_cny_per_kwh", "CNY/kWh", "Import energy price",
                    fixed=np.asarray(g.price_import_cny_per_kwh, float)),
        DispatchVar("ef_grid_kgco2_per_kwh", "kgCO2/kWh", "Grid emission factor",
                    fixed=np.asarray(g.ef_grid_kgco2_per_kwh, float)),
    ]
