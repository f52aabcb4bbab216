r"""Carbon accounting: certificates, residual emissions, offsets and carbon price.

All quantities in tCO2 per year:

.. math::
    G = E^{grid} + E^{fuel} + E^{process} - E^{export\,credit}

    E^{cert} = ef^{cert} g,\quad E^{gp} = ef^{cert} h,\quad
    0 \le g \le \bar g,\quad 0 \le h \le \bar h,\quad
    10^3 (g + h) \le \sum_t w_t\Delta t P^{imp}_t

    E^{res} = G - E^{gp} - E^{cert}, \qquad E^{net} = E^{res} - O

    0 \le O \le \bar O,\quad O \le E^{res},\quad
    O \le \alpha\, B \;(B = E^{res} \text{ or } G)

    C^{carbon} = \pi^{CO_2} E^{net},\quad C^{off} = \pi^{off} O,\quad
    C^{cert} = \pi^{cert} g,\quad C^{gp} = \pi^{gp} h

with :math:`E^{process}` the industrial-process CO2 the park declares (a constant), ``g`` the green certificates bought [MWh] (one certificate = 1 MWh) and ``h`` the
green power bought through green-power trading (绿电交易) [MWh], whose energy is
paid at the grid price with the import and whose premium :math:`\pi^{gp}` [CNY/MWh]
is the extra cost.  Both reduce accounted grid emissions at factor
:math:`ef^{cert}` [kgCO2/kWh = tCO2/MWh], by default the time-weighted mean of the
hourly grid factor, and together cover at most the annual grid import (the ledger,
``twin.ledger``, credits green power first, then certificates, up to the import).  Gross emissions
:math:`G` are one column defined by one dense row, so the emission bound and the
offset rows each hold a handful of entries instead of repeating the 8760-term sum.
Green power and certificates are counted as purchases, not as internal abatement:
the outputs keep gross, green-power, certificate, residual and offset amounts separate.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import ModelContext


def add(ctx: ModelContext) -> None:
    m, c = ctx.m, ctx.p.carbon
    if c.process_co2_t > 0:
        ctx.emis["process_t"] = float(c.process_co2_t)
    gross_sum = pyo.quicksum(ctx.emis.values())
    m.gross_emissions = pyo.Var(domain=pyo.Reals)
    m.gross_emissions_def = pyo.Constraint(expr=m.gross_emissions - gross_sum == 0.0)
    ctx.gross_sum = gross_sum
    ctx.gross = m.gross_emissions
    ef_c = _credit_factor(ctx)
    ctx.cert_var = ctx.green_var = None
    ctx.cert = ctx.green = 0.0
    bought = []
    if c.green_power_max_mwh > 0:
        m.green_power = pyo.Var(bounds=(0.0, float(c.green_power_max_mwh)))
        ctx.green_var = m.green_power
        ctx.green = ef_c * m.green_power
        ctx.cost["green_power_premium"] = c.green_power_premium_cny_per_mwh * m.green_power
        bought.append(m.green_power)
    if c.certificate_max_mwh > 0:
        m.certificates = pyo.Var(bounds=(0.0, float(c.certificate_max_mwh)))
        ctx.cert_var = m.certificates
        ctx.cert = ef_c * m.certificates
        ctx.cost["green_certificates"] = c.certificate_price_cny_per_mwh * m.certificates
        bought.append(m.certificates)
    if len(bought) == 1 and ctx.cert_var is not None:  # the row as before green power existed
        m.certificates_within_import = pyo.Constraint(
            expr=1e3 * m.certificates - ctx.energy(ctx.imp) <= 0.0)
    elif bought:
        m.green_within_import = pyo.Constraint(
            expr=1e3 * pyo.quicksum(bought) - ctx.energy(ctx.imp) <= 0.0)
    ctx.residual = m.gross_emissions - ctx.green - ctx.cert
    off_ub = float(c.offset_max_t) if np.isfinite(c.offset_max_t) else None
    m.offsets = pyo.Var(bounds=(0.0, off_ub))
    ctx.offsets = m.offsets
    m.offsets_within_residual = pyo.Constraint(expr=m.offsets - ctx.residual <= 0.0)
    if c.offset_max_share < 1.0 or c.offset_share_basis == "gross":
        basis = ctx.residual if c.offset_share_basis == "residual" else m.gross_emissions
        m.offsets_share = pyo.Constraint(expr=m.offsets - c.offset_max_share * basis <= 0.0)
    ctx.net = ctx.residual - m.offsets
    if c.carbon_price_cny_per_t != 0:
        ctx.cost["carbon_price"] = c.carbon_price_cny_per_t * ctx.net
    if c.offset_price_cny_per_t is not None:
        ctx.cost["offsets"] = c.offset_price_cny_per_t * m.offsets


def _credit_factor(ctx: ModelContext) -> float:
    """Factor at which green power and certificates are credited [tCO2/MWh]."""
    c = ctx.p.carbon
    if c.certificate_ef_kgco2_per_kwh is not None:
        return float(c.certificate_ef_kgco2_per_kwh)
    return float(np.average(np.asarray(ctx.p.grid.ef_grid_kgco2_per_kwh, float)
                            * np.ones(ctx.T), weights=ctx.w))
