"""The warm-started Pareto front (issue 9): every point is the optimum a cold solve of that
point alone reaches, on a two-week horizon and on linked representative days of the
largest example, and the sizes are re-optimised per point."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from solvers import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def suzhou():
    from twin.profiles import build_profiles, load_weather
    from twin.scenario.loader import load_scenario

    loaded = load_scenario(ROOT / "scenarios" / "manufacturing_suzhou.yaml")
    wdf, _, site = load_weather(loaded)
    return loaded.scenario, build_profiles(loaded, wdf, site)


def cold_point(problem, eps: float):
    """Least cost with residual emissions at most ``eps``, solved alone by the dual simplex
    from scratch (a vertex optimum, the reference)."""
    cap = problem.carbon.max_residual_emissions_t
    carbon = replace(problem.carbon, max_residual_emissions_t=eps if cap is None else min(cap, eps))
    return solve(replace(problem, objective="min_cost", carbon=carbon), SolveOptions(solver="simplex"))


def check_front(problem, beside=True):
    said = []
    r = solve(problem, SolveOptions(solver="hipo", progress=said.append, pareto_beside=beside))
    pts = r.pareto
    assert len(pts) == problem.pareto_points and all(p.status == "optimal" for p in pts)
    # how each point was reached: the first run with crossover leaves the basis every later
    # point starts from
    assert "crossover" in pts[-1].method
    assert pts[0].method == "primal simplex from the held basis"
    assert all(p.method == "dual simplex from the held basis" for p in pts[1:-1])
    assert r.n_solves == problem.pareto_points + 1
    assert len([s for s in said if s.startswith("pareto point")]) == problem.pareto_points
    assert ("beside the first run" in said[0]) == beside  # the least-emission solve's line
    for p in pts:
        cold = cold_point(problem, p.epsilon_co2_t)
        assert p.cost_cny == pytest.approx(cold.objective_cny, rel=1e-7), p
        assert p.residual_co2_t <= p.epsilon_co2_t * (1 + 1e-7)
    costs = [p.cost_cny for p in pts]
    assert all(a >= b for a, b in zip(costs, costs[1:]))  # less emission never costs less
    # sizes are re-optimised per point, not only the dispatch: the ends differ
    ends = [np.hstack([np.ravel(list(v.values())) if isinstance(v, dict) else [v]
                       for _, v in sorted(p.sizes.items())]) for p in (pts[0], pts[-1])]
    assert np.abs(ends[0] - ends[1]).max() > 1.0
    assert [p.headline for p in pts] == [False] * (len(pts) - 1) + [True]
    return r


def test_front_on_two_weeks_matches_cold_solves_of_each_point(suzhou):
    from twin.plan import build_problem

    sc, prof = suzhou
    p = build_problem(sc, prof.isel(time=slice(0, 336)), objective="pareto")
    r = check_front(p)
    # the least-emission LP solved one after the other gives the same front
    seq = check_front(p, beside=False)
    assert [q.cost_cny for q in seq.pareto] == pytest.approx([q.cost_cny for q in r.pareto], rel=1e-9)


def test_front_on_linked_representative_days_matches_cold_solves(suzhou):
    from solvers.aggregation import representative_days
    from twin.plan import build_problem

    sc, prof = suzhou
    agg = representative_days(build_problem(sc, prof, objective="pareto"), 6)
    assert agg.problem.period_order is not None  # linked days
    check_front(replace(agg.problem, pareto_points=4))
