"""What counts as solver noise in a solution, stated once.

An interior-point solve (HiGHS HiPO, optimality tolerance 1e-6 relative, no crossover)
stops near, not at, the vertex of an LP: quantities that are zero at the optimum come back
as small positive amounts (0.007 kW of V2G discharge in an hour, 0.016 kW of a heat pump
nobody builds, 1.7e-6 tCO2 of residual emissions on a 7,800 t park).  They are not results,
and every output must show them as 0 in the same way.  So the solution is cleaned once,
where it is read from the solver (:func:`solvers.optimise.clean_solution`), before sizes,
costs, emissions and the hourly dispatch are computed from it; the ledger
(:mod:`twin.ledger`) cleans its own differences by the same rule (:func:`clean`).

The rules, each relative to the scale of the quantity:

- new capacity below :data:`NOISE_TOL` (0.1 kW, kWh, kWp or chargers) is none: far below
  anything a planner builds, and above what the solver leaves in sizes that should be zero;
- an hourly series (one flow [kW] or stored energy [kWh] of one asset) whose magnitude is
  below :data:`FLOW_REL` × P (at least :data:`FLOW_TOL`) in every hour is 0, where P is the
  park's power scale, its largest fixed hourly demand on any bus [kW]
  (:func:`hourly_tolerance`): ten times the solver's relative tolerance.  A series that is
  real in some hours is kept as it is in all: zeroing its small hours would move the
  emissions away from the offsets bought for them;
- an annual figure below :data:`SUM_REL` × its scale (at least :data:`SUM_TOL`) is 0: the
  offsets bought and the residual and net emissions against the gross emissions, a
  difference against its largest term.

Balances then hold to these tolerances (an hourly balance to the noise series set to zero
in it).
"""

from __future__ import annotations

#: New capacity below this is none [kW, kWh, kWp, chargers].
NOISE_TOL = 0.1

#: Hourly values below this fraction of the park's power scale are 0 [-].
FLOW_REL = 1e-5

#: Hourly values below this are 0 whatever the scale [kW, kWh].
FLOW_TOL = 1e-6

#: Annual figures below this fraction of their scale are 0 [-].
SUM_REL = 1e-6

#: Annual figures below this are 0 whatever the scale [CNY/yr, tCO2/yr, MWh/yr].
SUM_TOL = 1e-6


def hourly_tolerance(power_scale_kw: float) -> float:
    """Largest hourly magnitude [kW or kWh] that is solver noise on a park of this power scale."""
    return max(FLOW_TOL, FLOW_REL * abs(float(power_scale_kw)))


def clean(value: float, scale: float = 0.0) -> float:
    """``value`` as reported: exactly 0 when it is below :data:`SUM_REL` × ``scale`` (at least
    :data:`SUM_TOL`), e.g. a residual of 1.7e-6 t against 7,800 t of gross emissions."""
    v = float(value)
    return 0.0 if abs(v) < max(SUM_TOL, SUM_REL * abs(float(scale))) else v
