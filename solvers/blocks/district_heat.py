r"""District heat bought from outside (集中供热): the buildings that buy it, its tariff, and, where the
plan may replace it, a source on the heat network (:class:`solvers.problem.DistrictHeat`).

Fixed (no :class:`~solvers.problem.DistrictHeat`, or ``replaceable=False``): the buildings' heat
:math:`D^{dh}_t` is bought in every hour; its CO2 and cost are constants of the model.

Either way :math:`D^{dh}_t` is an output, ``q_district_heat_demand_kw``: a heat demand of the park
(in :data:`twin.statistics.HEAT_DEMAND`, hence summary.json's ``heat_demand``, the ledger's
``q_heat_demand_kwh`` and the waste-heat and civil-heat shares of the scorecard).

Replaceable: :math:`D^{dh}_t` joins the fixed demand of the heat network (bus ``"heat"``) and the
bought heat :math:`Q^{dh}_t` is a column on it,

.. math::
    0 \le Q^{dh}_t \le D^{dh}_t, \qquad Q^{dh}_t \le C,

with :math:`C` the contracted capacity [kW]: a decision in ``[min_kw, max_kw]`` priced at the
capacity part :math:`c^{cap}` where the tariff has one, else the bound ``max_kw``. Cost
:math:`\pi^{dh}\sum_t w_t\Delta t\,Q^{dh}_t + c^{cap} C + F` [CNY/yr], CO2
:math:`10^{-3} ef \sum_t w_t\Delta t\,Q^{dh}_t` [tCO2/yr] (``emissions["heat_import_t"]``); the
bought heat [kWh/yr] is registered as ``ctx.annual_kwh["heat_import"]`` for the targets' tce.
"""

from __future__ import annotations

import numpy as np

from solvers.blocks.base import DispatchVar, ModelContext, Size
from solvers.problem import HEAT_BUS

#: Cost keys of the bill's three parts in ``SizingResult.costs`` [CNY/yr].
COST_KEYS = ("district_heat_energy", "district_heat_capacity", "district_heat_fixed")


def add(ctx: ModelContext) -> None:
    """The bought heat of ``ctx.p.heat_import_kw`` (nothing when there is none)."""
    p = ctx.p
    if p.heat_import_kw is None:
        return
    demand = np.asarray(p.heat_import_kw, float)
    dh = p.district_heat
    if dh is None or not dh.replaceable:
        _fixed_import(ctx, demand, dh)
        return
    q = _supply(ctx, demand, dh)
    cap = _contract(ctx, q, demand, dh)
    _costs(ctx, q, cap, dh)


def _fixed_import(ctx: ModelContext, demand: np.ndarray, dh) -> None:
    """Every kWh of the buildings' heat bought: a fixed output, constant CO2 and cost."""
    p = ctx.p
    ctx.dispatch += [
        DispatchVar("q_heat_import_kw", "kW", "Heat bought from outside (district heat)", fixed=demand),
        # the buildings' heat is a demand of the park whether or not it may be replaced: in the heat
        # demand of the statistics (twin.statistics.HEAT_DEMAND) beside the heat network's
        DispatchVar("q_district_heat_demand_kw", "kW", "Heat demand of the buildings that buy district heat",
                    fixed=demand),
    ]
    ef = p.ef_heat_import_kgco2_per_kwh if dh is None else dh.ef_kgco2_per_kwh
    if ef:
        ctx.emis["heat_import_t"] = float(1e-3 * ef * np.dot(ctx.wdt, demand))
    if dh is not None:
        contracted = float(dh.max_kw) if np.isfinite(dh.max_kw) else float(demand.max(initial=0.0))
        _costs(ctx, None, contracted, dh, kwh=float(np.dot(ctx.wdt, demand)))


def _supply(ctx: ModelContext, demand: np.ndarray, dh):
    """The buildings' heat on the heat network and the bought heat as a column on it [kW]."""
    ctx.add_fixed_demand(HEAT_BUS, demand)
    q = ctx.var("q_district_heat", lb=0.0, ub=demand)
    ctx.add_flow(HEAT_BUS, +1, q)
    ctx.annual_kwh["heat_import"] = lambda: ctx.energy(q)
    if dh.ef_kgco2_per_kwh:
        ctx.emis["heat_import_t"] = ctx.energy(q, 1e-3 * dh.ef_kgco2_per_kwh)
    ctx.dispatch += [
        DispatchVar("q_heat_import_kw", "kW", "Heat bought from outside (district heat)",
                    fn=lambda sol: sol.var(q)),
        DispatchVar("q_district_heat_demand_kw", "kW", "Heat demand of the buildings that buy district heat "
                    "(on the heat network: district heat may be replaced)", fixed=demand),
    ]
    return q


def _contract(ctx: ModelContext, q, demand: np.ndarray, dh):
    """The contracted capacity: ``q_t <= C`` with ``C`` a decision (reported as
    ``sizes["district_heat_kw"][name]``) where :attr:`DistrictHeat.capacity_is_decision`, else a
    bound; returns ``C`` (a Pyomo variable or a float [kW])."""
    if not dh.capacity_is_decision:
        cap = float(dh.max_kw) if np.isfinite(dh.max_kw) else float(demand.max(initial=0.0))
        ctx.set_bounds(q, ub=np.minimum(ctx.upper(q), cap))
        return cap
    import pyomo.environ as pyo

    hi = float(dh.max_kw) if np.isfinite(dh.max_kw) else float(demand.max(initial=0.0))
    c = pyo.Var(bounds=(float(dh.min_kw), max(hi, float(dh.min_kw))))
    ctx.m.add_component(ctx.name("district_heat_contract"), c)
    ctx.cap_rows("district_heat_contract_max", q, Size(0.0, c))
    ctx.sizes.setdefault("district_heat_kw", {})[dh.name] = Size(0.0, c)
    return c


def _costs(ctx: ModelContext, q, cap, dh, *, kwh: float | None = None) -> None:
    """The bill's energy, capacity and fixed parts [CNY/yr] (:data:`COST_KEYS`); ``q`` None: the
    metered heat is the constant ``kwh`` [kWh/yr]."""
    if dh.price_cny_per_kwh:
        ctx.cost["district_heat_energy"] = (dh.price_cny_per_kwh * kwh if q is None
                                            else ctx.energy(q, dh.price_cny_per_kwh))
    if dh.capacity_cny_per_kw_yr:
        ctx.cost["district_heat_capacity"] = dh.capacity_cny_per_kw_yr * cap
    if dh.fixed_cny_per_yr:
        ctx.cost["district_heat_fixed"] = float(dh.fixed_cny_per_yr)
