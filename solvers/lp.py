"""A small vectorised linear-program container handed to HiGHS as one sparse matrix.

The sizing model is built block by block with numpy: each call adds a *block* of
columns (one per time step, say) or a block of rows whose terms are given as arrays,
so a full year costs a few array operations instead of hundreds of thousands of
Python expression objects.  The matrix goes to HiGHS in one ``passModel`` call.

Measured on the full-year manufacturing example (2 cores, highspy 1.16, Pyomo 6.10):
the previous Pyomo model took 4.1 s to build and 10.5 s to hand over through
``pyomo.contrib.solver`` "highs" (appsi was slower, see ``highs_backend``); this
container builds and passes the same LP in well under a second (``benchmarks/bench_run.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INF = float("inf")


@dataclass
class Lin:
    """Linear expression ``const + sum(coef * x[col])``; columns may repeat."""

    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coefs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    const: float = 0.0

    @staticmethod
    def of(cols, coefs=1.0, const: float = 0.0) -> "Lin":
        c = np.atleast_1d(np.asarray(cols, dtype=np.int64))
        v = np.broadcast_to(np.asarray(coefs, dtype=float), c.shape).copy()
        return Lin(c, v, float(const))

    def __add__(self, other):
        if isinstance(other, Lin):
            return Lin(np.r_[self.cols, other.cols], np.r_[self.coefs, other.coefs],
                       self.const + other.const)
        return Lin(self.cols, self.coefs, self.const + float(other))

    __radd__ = __add__

    def __neg__(self):
        return Lin(self.cols, -self.coefs, -self.const)

    def __sub__(self, other):
        return self + (-other if isinstance(other, Lin) else -float(other))

    def __mul__(self, k):
        k = float(k)
        return Lin(self.cols, self.coefs * k, self.const * k)

    __rmul__ = __mul__

    def value(self, x: np.ndarray) -> float:
        """Value at the column values ``x``."""
        return float(self.const + np.dot(self.coefs, x[self.cols])) if self.cols.size else self.const


def lin_sum(items) -> Lin:
    """Sum of expressions and numbers."""
    out = Lin()
    for it in items:
        out = out + it
    return out


class LinearProgram:
    """Columns with bounds, costs and integrality; rows ``lo <= A x <= hi``."""

    def __init__(self):
        self.n = 0
        self.m = 0
        self._lb, self._ub, self._int = [], [], []
        self._r, self._c, self._v = [], [], []
        self._lo, self._hi = [], []

    # ------------------------------------------------------------------ columns
    def var(self, n: int, lb=0.0, ub=INF, integer: bool = False) -> np.ndarray:
        """Add ``n`` columns; returns their indices."""
        idx = np.arange(self.n, self.n + n)
        self._lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self._int.append(np.full(n, bool(integer)))
        self.n += n
        return idx

    def lb(self) -> np.ndarray:
        return np.concatenate(self._lb) if self._lb else np.zeros(0)

    def ub(self) -> np.ndarray:
        return np.concatenate(self._ub) if self._ub else np.zeros(0)

    def set_bounds(self, cols, lb=None, ub=None) -> None:
        """Tighten bounds of existing columns (before :meth:`to_highs`)."""
        lbs, ubs = self.lb(), self.ub()
        cols = np.asarray(cols, dtype=np.int64)
        if lb is not None:
            lbs[cols] = lb
        if ub is not None:
            ubs[cols] = ub
        self._lb, self._ub = [lbs], [ubs]

    # ------------------------------------------------------------------ rows
    def rows(self, n: int, terms, lo=-INF, hi=INF) -> np.ndarray:
        """Add ``n`` rows ``lo[i] <= sum_k coef_k[i] * x[col_k[i]] <= hi[i]``.

        ``terms`` is a list of ``(cols, coefs)``; each broadcasts to length ``n``
        (a scalar column index puts the same column in every row).
        """
        idx = np.arange(self.m, self.m + n)
        for cols, coefs in terms:
            c = np.broadcast_to(np.asarray(cols, dtype=np.int64), (n,))
            v = np.broadcast_to(np.asarray(coefs, dtype=float), (n,))
            keep = v != 0
            self._r.append(idx[keep])
            self._c.append(c[keep])
            self._v.append(v[keep])
        self._lo.append(np.broadcast_to(np.asarray(lo, float), (n,)).copy())
        self._hi.append(np.broadcast_to(np.asarray(hi, float), (n,)).copy())
        self.m += n
        return idx

    def add_entries(self, rows, cols, vals) -> None:
        """Add matrix entries to rows that exist already."""
        self._r.append(np.asarray(rows, np.int64))
        self._c.append(np.asarray(cols, np.int64))
        self._v.append(np.asarray(vals, float))

    def row(self, expr: Lin, lo=-INF, hi=INF) -> int:
        """Add one row ``lo <= expr <= hi`` (the constant of ``expr`` moves to the bounds)."""
        r = self.m
        keep = expr.coefs != 0
        self._r.append(np.full(int(keep.sum()), r))
        self._c.append(expr.cols[keep])
        self._v.append(expr.coefs[keep])
        self._lo.append(np.array([lo - expr.const]))
        self._hi.append(np.array([hi - expr.const]))
        self.m += 1
        return r

    # ------------------------------------------------------------------ export
    def cost_vector(self, expr: Lin) -> np.ndarray:
        """Dense objective vector of ``expr`` (duplicate columns summed)."""
        c = np.zeros(self.n)
        np.add.at(c, expr.cols, expr.coefs)
        return c

    def to_highs(self, cost: np.ndarray, offset: float = 0.0):
        """The ``highspy.HighsLp`` of this program with objective ``cost``."""
        import highspy
        import scipy.sparse as sp

        r = np.concatenate(self._r) if self._r else np.zeros(0, np.int64)
        c = np.concatenate(self._c) if self._c else np.zeros(0, np.int64)
        v = np.concatenate(self._v) if self._v else np.zeros(0)
        A = sp.csc_matrix((v, (r, c)), shape=(self.m, self.n))
        A.sum_duplicates()
        A.eliminate_zeros()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, self.m
        lp.col_cost_ = np.asarray(cost, float)
        lp.offset_ = float(offset)
        lp.col_lower_, lp.col_upper_ = self.lb(), self.ub()
        lp.row_lower_ = np.concatenate(self._lo) if self._lo else np.zeros(0)
        lp.row_upper_ = np.concatenate(self._hi) if self._hi else np.zeros(0)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data
        ints = np.concatenate(self._int) if self._int else np.zeros(0, bool)
        if ints.any():
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                               highspy.HighsVarType.kContinuous for i in ints]
        return lp
