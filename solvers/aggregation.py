"""Representative-day time aggregation of a full-year :class:`SizingProblem`.

Days are clustered on their normalised hourly profiles (every time series of the
problem: load, prices, emission factor, PV, heat/cooling demand, COPs, waste heat)
with k-medoids (alternating assignment / medoid update, k-means++ seeding) [1]_.
The aggregated problem keeps the medoid days in calendar order, each step weighted
by its cluster's number of days, and each day is its own storage period (storages
close their cycle within the day, no inter-day linking).

Known error sources (measured in ``benchmarks/bench_solver.py``): seasonal storage
is not represented; monthly demand charges only see the medoid days' peaks and only
for months that have a medoid; EV cumulative envelopes are not supported.

References
----------
.. [1] Kotzur, L., Markewitz, P., Robinius, M., Stolten, D. (2018). Impact of
   different time series aggregation methods on optimal energy system design.
   Renewable Energy 117, 474-487.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from solvers.problem import SizingProblem


@dataclass
class Aggregation:
    """Result of :func:`representative_days`."""

    problem: SizingProblem
    """Aggregated problem (k*24 steps, weights = days per cluster)."""
    medoids: np.ndarray
    """Day of year (0-based) of each representative day, calendar order, shape (k,)."""
    assignment: np.ndarray
    """Representative index (into ``medoids``) of each day of the year, shape (365,)."""
    profile_rmse: float
    """RMS error of the normalised daily profiles against their medoid [-]."""


def _series(p: SizingProblem) -> list[np.ndarray]:
    out = [p.electric_load_kw, p.grid.price_import_cny_per_kwh, p.grid.ef_grid_kgco2_per_kwh]
    out += [a.ac_per_kwp for a in p.pv]
    for x in (p.heat_demand_kw, p.cooling_demand_kw):
        if x is not None:
            out.append(x)
    out += [h.cop for h in p.heat_pumps] + [w.available_kw for w in p.waste_heat]
    if p.chiller is not None:
        out.append(p.chiller.cop)
    return [np.asarray(s, float) for s in out]


def _kmedoids(X: np.ndarray, k: int, seed: int, iters: int = 50) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    med = [int(rng.integers(n))]
    for _ in range(1, k):  # k-means++ seeding on squared distances
        d = D[:, med].min(axis=1)
        med.append(int(rng.choice(n, p=d / d.sum())) if d.sum() > 0 else int(rng.integers(n)))
    med = np.array(med)
    for _ in range(iters):
        lab = D[:, med].argmin(axis=1)
        new = med.copy()
        for j in range(k):
            members = np.flatnonzero(lab == j)
            if members.size:
                new[j] = members[D[np.ix_(members, members)].sum(axis=1).argmin()]
        if np.array_equal(new, med):
            break
        med = new
    return med, D[:, med].argmin(axis=1)


def representative_days(problem: SizingProblem, k: int, seed: int = 0) -> Aggregation:
    """Aggregate a 8760-step hourly problem to ``k`` representative days.

    Parameters
    ----------
    problem : SizingProblem
        Full year, ``dt_h = 1``, 8760 steps, no EV fleets.
    k : int
        Number of representative days (1..365).
    seed : int
        Seed of the k-means++ initialisation.

    Returns
    -------
    Aggregation
    """
    T = problem.n_steps
    if T != 8760 or problem.dt_h != 1.0:
        raise ValueError("representative_days needs 8760 hourly steps")
    if problem.ev_fleets:
        raise ValueError("EV cumulative envelopes need consecutive hours; "
                         "aggregate without EV fleets")
    if not 1 <= k <= 365:
        raise ValueError("k must be within 1..365")
    feats = []
    for s in _series(problem):
        rng = s.max() - s.min()
        feats.append(((s - s.min()) / rng if rng > 0 else s * 0.0).reshape(365, 24))
    X = np.concatenate(feats, axis=1)
    med, lab = _kmedoids(X, k, seed)
    order = np.argsort(med)
    med = med[order]
    remap = np.empty(k, int)
    remap[order] = np.arange(k)
    lab = remap[lab]
    counts = np.bincount(lab, minlength=k).astype(float)
    rmse = float(np.sqrt(((X - X[med[lab]]) ** 2).mean()))
    idx = (med[:, None] * 24 + np.arange(24)[None, :]).ravel()

    def cut(a):
        if a is None:
            return None
        a = np.asarray(a)
        return a if a.ndim == 0 else a[idx]

    q = copy.deepcopy(problem)
    q.electric_load_kw = cut(problem.electric_load_kw)
    q.time = cut(problem.time) if problem.time is not None else idx
    w0 = problem.step_weights()[idx]
    q.weights = w0 * np.repeat(counts, 24)
    q.period = np.repeat(np.arange(k), 24)
    g = q.grid
    g.price_import_cny_per_kwh = cut(g.price_import_cny_per_kwh)
    g.price_export_cny_per_kwh = cut(g.price_export_cny_per_kwh)
    g.ef_grid_kgco2_per_kwh = cut(g.ef_grid_kgco2_per_kwh)
    g.month = cut(g.month)
    for a in q.pv:
        a.ac_per_kwp = cut(a.ac_per_kwp)
    q.heat_demand_kw = cut(q.heat_demand_kw)
    q.cooling_demand_kw = cut(q.cooling_demand_kw)
    for h in q.heat_pumps:
        h.cop = cut(h.cop)
    for w in q.waste_heat:
        w.available_kw = cut(w.available_kw)
    if q.chiller is not None:
        q.chiller.cop = cut(q.chiller.cop)
    return Aggregation(problem=q, medoids=med, assignment=lab, profile_rmse=rmse)
