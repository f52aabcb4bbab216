r"""Carbon accounting: certificates, residual emissions, offsets and carbon price.

All quantities in tCO2 per year:

.. math::
    G = E^{grid} + E^{fuel} - E^{export\,credit}

    E^{cert} = ef^{cert} g,\quad
    0 \le g \le \bar g,\quad 10^3 g \le \sum_t w_t\Delta t P^{imp}_t

    E^{res} = G - E^{cert}, \qquad E^{net} = E^{res} - O

    0 \le O \le \bar O,\quad O \le E^{res},\quad
    O \le \alpha\, B \;(B = E^{res} \text{ or } G)

    C^{carbon} = \pi^{CO_2} E^{net},\quad C^{off} = \pi^{off} O,\quad
    C^{cert} = \pi^{cert} g

with ``g`` the green certificates bought [MWh] (one certificate = 1 MWh); they
reduce accounted grid emissions at factor :math:`ef^{cert}` [kgCO2/kWh = tCO2/MWh],
by default the time-weighted mean of the hourly grid factor.  Gross emissions
:math:`G` are one column defined by one dense row, so the emission bound and the
offset rows each hold a handful of entries instead of repeating the 8760-term sum.
Certificates are counted as a purchase, not as internal abatement: the outputs keep
gross, certificate, residual and offset amounts separate.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import ModelContext
from solvers.lp import INF, Lin, lin_sum


def add(ctx: ModelContext) -> None:
    lp, c = ctx.lp, ctx.p.carbon
    gross_sum = lin_sum(ctx.emis.values())
    G = int(lp.var(1, -INF, INF)[0])
    lp.row(Lin.of([G]) - gross_sum, lo=0.0, hi=0.0)
    gross = Lin.of([G])
    ctx.gross_sum = gross_sum
    ctx.gross = gross
    if c.certificate_max_mwh > 0:
        if c.certificate_ef_kgco2_per_kwh is None:
            ef_c = float(np.average(np.asarray(ctx.p.grid.ef_grid_kgco2_per_kwh, float),
                                    weights=ctx.w))
        else:
            ef_c = float(c.certificate_ef_kgco2_per_kwh)
        g = int(lp.var(1, 0.0, c.certificate_max_mwh)[0])
        ctx.cert_col = g
        lp.row(Lin.of([g], 1e3) - ctx.energy(ctx.imp), hi=0.0)
        ctx.cert = Lin.of([g], ef_c)
        ctx.cost["green_certificates"] = Lin.of([g], c.certificate_price_cny_per_mwh)
    else:
        ctx.cert_col = None
        ctx.cert = Lin()
    ctx.residual = gross - ctx.cert
    off_ub = c.offset_max_t if np.isfinite(c.offset_max_t) else INF
    O = int(lp.var(1, 0.0, off_ub)[0])
    ctx.offsets_col = O
    lp.row(Lin.of([O]) - ctx.residual, hi=0.0)
    if c.offset_max_share < 1.0 or c.offset_share_basis == "gross":
        basis = ctx.residual if c.offset_share_basis == "residual" else gross
        lp.row(Lin.of([O]) - basis * c.offset_max_share, hi=0.0)
    ctx.net = ctx.residual - Lin.of([O])
    if c.carbon_price_cny_per_t != 0:
        ctx.cost["carbon_price"] = ctx.net * c.carbon_price_cny_per_t
    if c.offset_price_cny_per_t is not None:
        ctx.cost["offsets"] = Lin.of([O], c.offset_price_cny_per_t)
