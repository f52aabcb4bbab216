r"""Representative-day time aggregation of a full-year :class:`SizingProblem`.

Days are clustered on their normalised hourly profiles (every time series of the
problem: load, prices, emission factor, PV, heat/cooling demand, COPs, waste heat)
with k-medoids (alternating assignment / medoid update, k-means++ seeding) [1]_.
The aggregated problem keeps the medoid days in calendar order, each step weighted
by its cluster's number of days, and each day is its own period.  With
``linked=True`` (default) the problem also carries the sequence of representative
days through the year (``period_order``) and storages are linked across days with an
inter-day state of charge [2]_ (see :mod:`solvers.blocks.storage`), so batteries,
thermal stores and EV fleets can carry energy from one day to the next and between
seasons; ``linked=False`` closes each storage cycle within its day.

EV fleets are aggregated per cluster like loads: the cumulative envelope is turned
into a daily drain :math:`d_t = \underline E_t - \underline E_{t-1}` (energy the
fleet must have received in hour t) and a flexibility window
:math:`\overline E_t - \underline E_t`; both, with the charger availability, are
clustering features and the medoid day's profiles stand for its cluster.

Known error sources (measured in ``benchmarks/bench_solver.py`` and
``benchmarks/bench_run.py``): monthly demand charges only see the medoid days' peaks
and only for months that have a medoid; extreme days are smoothed unless they are
medoids.

References
----------
.. [1] Kotzur, L., Markewitz, P., Robinius, M., Stolten, D. (2018). Impact of
   different time series aggregation methods on optimal energy system design.
   Renewable Energy 117, 474-487.
.. [2] Kotzur, L., Markewitz, P., Robinius, M., Stolten, D. (2018). Time series
   aggregation for energy system design: modeling seasonal storage. Applied Energy
   213, 123-135.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.problem import SizingProblem
from solvers.transform import iter_hourly, map_hourly


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


def _increment(owner, meta: dict) -> np.ndarray:
    """Per-step form of a cumulative field: its step increase, or (with a ``base``) its
    distance to the base field [same unit]."""
    c = np.asarray(getattr(owner, meta["name"]), float)
    if meta.get("base"):
        return c - np.asarray(getattr(owner, meta["base"]), float)
    return np.diff(c, prepend=0.0)


def _series(p: SizingProblem) -> list[np.ndarray]:
    """The clustering features: every hourly field declared a ``feature`` (cumulative
    ones as per-step increments, see :func:`_increment`)."""
    out = []
    for _, owner, f, v in iter_hourly(p):
        if v is None or not f.metadata["feature"] or np.ndim(v) == 0:
            continue
        if f.metadata["cumulative"]:
            out.append(_increment(owner, {**f.metadata, "name": f.name}))
        else:
            out.append(np.asarray(v, float))
    return out


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


def representative_days(problem: SizingProblem, k: int, seed: int = 0, *,
                        linked: bool = True) -> Aggregation:
    """Aggregate a 8760-step hourly problem to ``k`` representative days.

    Parameters
    ----------
    problem : SizingProblem
        Full year, ``dt_h = 1``, 8760 steps.
    k : int
        Number of representative days (1..365).
    seed : int
        Seed of the k-means++ initialisation.
    linked : bool
        Link storages across days through the year's sequence of representative
        days (``period_order``); False closes each storage cycle within its day.

    Returns
    -------
    Aggregation
    """
    T = problem.n_steps
    if T != 8760 or problem.dt_h != 1.0:
        raise ValueError("representative_days needs 8760 hourly steps")
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

    def cut(a, meta, owner):
        if meta["cumulative"]:
            inc = _increment(owner, meta)[idx]
            if meta.get("base"):  # rebuilt on the aggregated base: base + distance
                base = _increment(owner, {**meta, "name": meta["base"], "base": None})[idx]
                return np.cumsum(base.reshape(k, 24), axis=1).ravel() + inc
            return np.cumsum(inc.reshape(k, 24), axis=1).ravel()  # within each day
        return a if a.ndim == 0 else a[idx]

    q = map_hourly(problem, cut)
    if problem.time is None:
        q.time = idx
    w0 = problem.step_weights()[idx]
    q.weights = w0 * np.repeat(counts, 24)
    q.period = np.repeat(np.arange(k), 24)
    q.period_order = lab.copy() if linked else None
    return Aggregation(problem=q, medoids=med, assignment=lab, profile_rmse=rmse)
