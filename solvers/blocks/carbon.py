r"""Carbon accounting: certificates, residual emissions, offsets and carbon price.

All quantities in tCO2 per year:

.. math::
    E^{gross} = E^{grid} + E^{fuel} - E^{export\,credit}

    E^{cert} = 10^{-3}\, ef^{cert} \cdot 10^3 g = ef^{cert} g,\quad
    0 \le g \le \bar g,\quad 10^3 g \le \sum_t w_t\Delta t P^{imp}_t

    E^{res} = E^{gross} - E^{cert}, \qquad E^{net} = E^{res} - O

    0 \le O \le \bar O,\quad O \le E^{res},\quad
    O \le \alpha\, B \;(B = E^{res} \text{ or } E^{gross})

    C^{carbon} = \pi^{CO_2} E^{net},\quad C^{off} = \pi^{off} O,\quad
    C^{cert} = \pi^{cert} g

with ``g`` the green certificates bought [MWh] (one certificate = 1 MWh); they
reduce accounted grid emissions at factor :math:`ef^{cert}` [kgCO2/kWh = tCO2/MWh],
by default the time-weighted mean of the hourly grid factor.  Certificates are
counted as a purchase, not as internal abatement: the outputs keep gross, certificate,
residual and offset amounts separate.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import ModelContext


def add(ctx: ModelContext) -> None:
    m, c, R = ctx.m, ctx.p.carbon, ctx.R
    gross = sum(ctx.emis.values())
    m.gross_expr = pyo.Expression(expr=gross)
    if c.certificate_max_mwh > 0:
        if c.certificate_ef_kgco2_per_kwh is None:
            w = np.asarray(ctx.w)
            ef_c = float(np.average(np.asarray(ctx.p.grid.ef_grid_kgco2_per_kwh, float),
                                    weights=w))
        else:
            ef_c = float(c.certificate_ef_kgco2_per_kwh)
        m.cert_mwh = pyo.Var(bounds=(0, c.certificate_max_mwh))
        m.cert_le_import = pyo.Constraint(
            expr=1e3 * m.cert_mwh <= sum(ctx.wdt[t] * m.p_imp[t] for t in R))
        m.cert_expr = pyo.Expression(expr=ef_c * m.cert_mwh)
        ctx.cost["green_certificates"] = c.certificate_price_cny_per_mwh * m.cert_mwh
    else:
        m.cert_expr = pyo.Expression(expr=0.0)
    m.residual_expr = pyo.Expression(expr=m.gross_expr - m.cert_expr)
    off_ub = c.offset_max_t if np.isfinite(c.offset_max_t) else None
    m.offsets = pyo.Var(bounds=(0, off_ub))
    m.off_le_res = pyo.Constraint(expr=m.offsets <= m.residual_expr)
    if c.offset_max_share < 1.0 or c.offset_share_basis == "gross":
        basis = m.residual_expr if c.offset_share_basis == "residual" else m.gross_expr
        m.off_share = pyo.Constraint(expr=m.offsets <= c.offset_max_share * basis)
    m.net_expr = pyo.Expression(expr=m.residual_expr - m.offsets)
    if c.carbon_price_cny_per_t != 0:
        ctx.cost["carbon_price"] = c.carbon_price_cny_per_t * m.net_expr
    if c.offset_price_cny_per_t is not None:
        ctx.cost["offsets"] = c.offset_price_cny_per_t * m.offsets
