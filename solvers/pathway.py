r"""Perfect-foresight sizing of several investment periods in one LP.

Each period's :class:`~solvers.problem.SizingProblem` (its own year, or linked
representative days, with its own prices, factors, loads, learned costs, emission bound
and targets) is built into its own Pyomo ``Block`` of one master model; the blocks' own
objectives are deactivated. One build variable :math:`b_{a,v} \ge 0` per sized quantity
``a`` and vintage period ``v`` links them: the period's new-capacity variable is what the
earlier and present builds deliver in every year of the period ``[y_p, e_p)`` (in service
while :math:`y_v \le y < y_v + L_v`, PyPSA's rule, in each of the period's years; an earlier
build retiring inside the period does not count there, so the period replaces it; a build
serves its own period whole, replaced like for like within it where its life is shorter),

.. math::
    N_{a,p} = b_{a,p} + \sum_{v < p,\ e_p \le y_v + L_{a,v}} (1 - f_a (y_p - y_v))^+ \, b_{a,v}

(:math:`f_a` the fade per year, battery energy), and the master objective is

.. math::
    \min \sum_p W_p \, C^{op}_p
    + \sum_{a,v} b_{a,v} \,(c_{a,v}\,\mathrm{CRF}(r, L_{a,v}) + c_{a,v} f^{OM}_{a,v} + o_{a,v})
      \sum_{y \in [y_v, \max(e_v, y_v + L_{a,v}))} w_y

with :math:`C^{op}_p` the period's annual cost without the capital annuities and fixed
O&M of the vintaged quantities, :math:`W_p` the discounted years of period ``p``,
:math:`w_y` the discount factor of year ``y`` within the horizon (annuities stop in the
year an asset retires) and
:math:`c_{a,v}` the capex of the vintage period's own (learned) costs. Quantities not
vintaged (``vintage_keys``) keep their annualised cost inside their period (re-decided
each period). A capital budget of period ``v`` bounds the capex spent in ``v``.
LP only: discrete costs (build-at-all cost, minimum build, modules) are refused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from solvers.problem import InfeasibleError, SizingProblem, SolveOptions

#: Period objectives the joint model can carry (a bound per period; no lexicographic or Pareto runs).
FORESIGHT_OBJECTIVES = ("min_cost", "net_zero")


@dataclass
class ForesightPeriod:
    """One investment period of the joint model."""

    year: int
    """First year of the period [yr]."""
    weight: float
    """Discounted years the period stands for [-] (present value at the first period)."""
    problem: SizingProblem
    """The period's sizing problem with its own (learned) costs."""
    end_year: int | None = None
    """First year after the period [yr]; None: the period is its first year alone."""
    year_weights: tuple | None = None
    """Discount factor of each year of the period, from ``year`` on [-] (they sum to ``weight``);
    None: ``(weight,)``, the period's cost counted in its first year."""

    @property
    def years(self) -> dict:
        """``{year: discount factor}`` of the period's years."""
        w = self.year_weights if self.year_weights is not None else (self.weight,)
        end = self.end_year if self.end_year is not None else self.year + len(w)
        if len(w) != end - self.year:
            raise ValueError(f"period {self.year}: {len(w)} year weights for the years {self.year}-{end - 1}")
        return {self.year + j: float(x) for j, x in enumerate(w)}


@dataclass
class ForesightResult:
    """The joint optimum."""

    builds: dict
    """``{(key, sub): {year: new capacity built in that period [unit]}}``."""
    sizes: list
    """Total size of each period's plan, in :attr:`SizingResult.sizes` form (one dict per period)."""
    operating_cny: list
    """Each period's annual cost without the annuities and fixed O&M of vintaged quantities [CNY/yr]."""
    capital_cny: list
    """Annuities and fixed O&M of the vintages in service in each period, discounted mean over
    its years [CNY/yr] (``weight *`` this is their present value)."""
    objective_cny: float
    """Present value of the pathway's cost at the first period's year [CNY]."""
    status: str
    solve_time_s: float
    build_time_s: float
    n_variables: int
    n_constraints: int
    algorithm: str = ""
    notes: list = field(default_factory=list)


def in_service(build_year: int, lifetime_yr: float, year: int) -> bool:
    """PyPSA's rule: a build of ``build_year`` serves ``year`` while ``build_year <= year < build_year + lifetime``."""
    return build_year <= year < build_year + lifetime_yr


def serves(build_year: int, lifetime_yr: float, years) -> bool:
    """True when a build of ``build_year`` is in service in every one of ``years``."""
    return all(in_service(build_year, lifetime_yr, y) for y in years)


def fade_factor(fade_per_yr: float, build_year: int, year: int) -> float:
    """Share of the built capacity still delivered in ``year`` [-] (linear fade, held at zero)."""
    return max(1.0 - fade_per_yr * (year - build_year), 0.0)


def _label(key, sub) -> str:
    return key + (f"[{sub}]" if sub else "")


def solve_foresight(periods: list[ForesightPeriod], *, vintage_keys, fade_per_yr: dict | None = None,
                    options: SolveOptions | None = None) -> ForesightResult:
    """Size every period together (perfect foresight) in one LP.

    Parameters
    ----------
    periods : list of ForesightPeriod
        In ascending year order.
    vintage_keys : collection of str or (str, str) pairs
        Size keys whose builds stay and age across periods (e.g. ``pv_kwp``, ``battery_kwh``), or
        ``(size key, asset name)`` pairs for single assets (others of the key stay in their period).
    fade_per_yr : dict, optional
        Capacity lost per year of age as a share of the built size, by size key or by
        ``(size key, asset name)`` (each battery its own) [1/yr].
    options : SolveOptions, optional

    Raises
    ------
    ValueError
        A period with discrete costs (MILP) or an objective other than min_cost / net_zero.
    InfeasibleError
        The joint model has no solution.
    """
    import pyomo.environ as pyo
    from pyomo.common.gc_manager import PauseGC

    from solvers.highs_backend import HighsBackend, Solution
    from solvers.model import _build
    from solvers.optimise import _sizes

    opts = options or SolveOptions()
    fade_per_yr = dict(fade_per_yr or {})
    vintage_keys = set(vintage_keys)
    years = [p.year for p in periods]
    if years != sorted(set(years)):
        raise ValueError(f"foresight periods must be distinct ascending years, got {years}")
    for p in periods:
        if p.problem.objective not in FORESIGHT_OBJECTIVES:
            raise ValueError(f"period {p.year}: objective {p.problem.objective!r} cannot be sized with perfect "
                             f"foresight (one LP); use {' or '.join(FORESIGHT_OBJECTIVES)} in every period, "
                             "or pathway.mode: myopic")
    years_of = [p.years for p in periods]
    for pi, p in enumerate(periods):
        if abs(sum(years_of[pi].values()) - p.weight) > 1e-9 * max(1.0, p.weight):
            raise ValueError(f"period {p.year}: its year weights do not sum to its weight {p.weight}")
        if pi + 1 < len(periods) and max(years_of[pi]) >= periods[pi + 1].year:
            raise ValueError(f"period {p.year} overlaps period {periods[pi + 1].year}")
    t0 = time.perf_counter()
    m = pyo.ConcreteModel(name="park_pathway")
    ctxs, op_exprs = [], []
    with PauseGC():
        for p in periods:
            blk = pyo.Block(concrete=True)
            m.add_component(f"period_{p.year}", blk)
            ctx = _build(p.problem, False, m=blk)
            if ctx.n_int:
                raise ValueError(f"period {p.year}: discrete costs (build-at-all cost, minimum build or module size "
                                 "in the costs section) need integer variables; the perfect-foresight pathway is an "
                                 "LP — remove them or use pathway.mode: myopic")
            blk.cost_obj.deactivate()
            if blk.component("budget") is not None:
                blk.budget.deactivate()  # replaced by the budget on each period's builds (below)
            vint = {ks for ks in ctx.asset_costs if ks in vintage_keys or ks[0] in vintage_keys}
            skip = {f"{kind}:{_label(*ks)}" for ks in vint for kind in ("capex", "om")}
            op_exprs.append(pyo.quicksum(e for k, e in ctx.cost.items() if k not in skip))
            ctxs.append((ctx, vint))
        keys = sorted({ks for _, vint in ctxs for ks in vint}, key=lambda ks: (ks[0], ks[1] or ""))
        idx = [(i, j) for i in range(len(keys)) for j, (ctx, vint) in enumerate(ctxs) if keys[i] in vint]
        m.build = pyo.Var(idx, bounds=(0.0, None))
        m.link = pyo.ConstraintList()
        capital = 0.0
        period_capital = [[] for _ in periods]
        for i, ks in enumerate(keys):
            f = float(fade_per_yr.get(ks, fade_per_yr.get(ks[0], 0.0)))
            for pi, p in enumerate(periods):
                ctx, vint = ctxs[pi]
                terms = []
                for vi in range(pi + 1):
                    if (i, vi) not in m.build:
                        continue
                    cost_v = ctxs[vi][0].asset_costs[ks]
                    # its own period always (a shorter life is replaced within it), a later one if it lasts
                    if vi == pi or serves(periods[vi].year, cost_v.lifetime_yr, years_of[pi]):
                        terms.append(fade_factor(f, periods[vi].year, p.year) * m.build[i, vi])
                size = ctx.sizes.get(ks[0])
                size = size.get(ks[1]) if isinstance(size, dict) else size
                var = getattr(size, "var", None)
                if var is None:
                    if terms:  # no new capacity allowed in this period: nothing built earlier may still be there
                        m.link.add(pyo.quicksum(terms) == 0.0)
                    continue
                m.link.add(var == pyo.quicksum(terms))
            for vi, v in enumerate(periods):
                if (i, vi) not in m.build:
                    continue
                c = ctxs[vi][0].asset_costs[ks]
                per_unit = c.annuity_per_unit(v.problem.discount_rate) + c.om_per_unit()
                for pi, p in enumerate(periods):
                    # paid in each year of its own period and in each later year it is in service (not
                    # after it retires)
                    w = sum(d for y, d in years_of[pi].items()
                            if pi == vi or (pi > vi and in_service(v.year, c.lifetime_yr, y)))
                    if w > 0.0:
                        period_capital[pi].append(w / p.weight * per_unit * m.build[i, vi])
                        capital = capital + w * per_unit * m.build[i, vi]
        m.budget_v = pyo.ConstraintList()
        for vi, v in enumerate(periods):
            B = v.problem.capex_budget_cny
            ctx, vint = ctxs[vi]
            if B is None:
                continue
            spent = [ctx.asset_costs[ks].capex_cny_per_unit * m.build[i, vi]
                     for i, ks in enumerate(keys) if (i, vi) in m.build]
            for ks, c in ctx.asset_costs.items():
                if ks in vint:
                    continue
                s = ctx.sizes.get(ks[0])
                s = s.get(ks[1]) if isinstance(s, dict) else s
                spent.append(c.capex_cny_per_unit * s.var)
            if spent:
                m.budget_v.add(pyo.quicksum(spent) <= float(B))
        m.obj = pyo.Objective(expr=pyo.quicksum(p.weight * e for p, e in zip(periods, op_exprs)) + capital)
    build_time = time.perf_counter() - t0
    be = HighsBackend(opts)
    be.set_instance(m)
    res = be.run()
    if res.status != "optimal" and not (res.status in ("time_limit", "iteration_limit") and res.has_solution):
        if res.status in ("infeasible", "infeasible_or_unbounded"):
            raise InfeasibleError(
                f"the perfect-foresight pathway is {res.status}: some period's requirement (emission bound, "
                "target, minimum size) cannot be met with the capacity that period may hold; the myopic mode "
                "(pathway.mode: myopic) names the period and the requirement", {})
        raise RuntimeError(f"HiGHS stopped without a usable pathway: {res.termination}")
    sol = Solution(be.cmodel, res.x)
    builds: dict = {}
    for i, ks in enumerate(keys):
        for vi, v in enumerate(periods):
            if (i, vi) in m.build:
                builds.setdefault(ks, {})[v.year] = max(sol.value(m.build[i, vi]), 0.0)
    ncol, nrow = be.n_cols_rows()
    return ForesightResult(
        builds=builds, sizes=[_sizes(ctx, sol) for ctx, _ in ctxs],
        operating_cny=[sol.expr(e) for e in op_exprs],
        capital_cny=[float(sum(sol.expr(t) for t in ts)) for ts in period_capital],
        objective_cny=float(res.objective), status=res.status, solve_time_s=be.highs_time,
        build_time_s=build_time, n_variables=ncol, n_constraints=nrow, algorithm=be.algorithm,
        notes=list(be.notes))


__all__ = ["FORESIGHT_OBJECTIVES", "ForesightPeriod", "ForesightResult", "fade_factor", "in_service", "serves",
           "solve_foresight"]
