"""Hand-over of the sizing LP to HiGHS and the HiGHS runs.

Interface chosen by measurement on the full-year manufacturing example (227,785
columns, 2 cores, Pyomo 6.10.1, highspy 1.16): Pyomo build 4.1 s + hand-over through
``pyomo.contrib.solver`` "highs" 10.5 s (appsi was slower still on an 8760 x 2 battery
LP: 2.06 s vs 1.77 s) + loading the solution 2.3 s, against HiGHS 94 s.  The model is
now assembled directly as a sparse matrix (:mod:`solvers.lp`) and passed with one
``Highs.passModel``; the solution comes back as numpy arrays.  Re-solves (pareto,
lexicographic) change only the objective vector and the emission-bound row.
HiGHS prints a banner from C when created; it is sent to stderr here so that stdout
stays machine-readable.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from contextlib import contextmanager

from solvers.problem import SolveOptions


def _flush_c_stdio() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - platform without libc
        pass


@contextmanager
def c_stdout_to_stderr():
    """Send everything written to file descriptor 1 (also from C) to fd 2."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # pragma: no cover - closed stdout
        pass
    saved = os.dup(1)
    try:
        _flush_c_stdio()
        os.dup2(2, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


class HighsBackend:
    """Persistent HiGHS instance holding one LP (warm re-solves keep the basis)."""

    def __init__(self, options: SolveOptions):
        import highspy

        self.options = options
        with c_stdout_to_stderr():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", bool(options.log_to_stderr))
        self.highs_time = 0.0
        self.n_runs = 0

    def set_instance(self, lp, cost, offset: float = 0.0) -> float:
        """Pass the :class:`~solvers.lp.LinearProgram` ``lp``; returns the wall time [s]."""
        t0 = time.perf_counter()
        model = lp.to_highs(cost, offset)
        with c_stdout_to_stderr():
            self.highs.passModel(model)
        self.n_col, self.n_row = lp.n, lp.m
        return time.perf_counter() - t0

    def set_objective(self, cost, offset: float = 0.0) -> None:
        import numpy as np

        n = len(cost)
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(cost, float))
        self.highs.changeObjectiveOffset(float(offset))

    def set_row_upper(self, row: int, hi: float) -> None:
        lo = self.highs.getLp().row_lower_[row]
        self.highs.changeRowBounds(int(row), float(lo), float(hi))

    def write(self, path: str) -> None:
        """Write the model exactly as held by HiGHS (MPS or LP by extension)."""
        with c_stdout_to_stderr():
            self.highs.writeModel(str(path))

    def n_cols_rows(self) -> tuple[int, int]:
        return int(self.n_col), int(self.n_row)

    def run(self) -> "RunResult":
        """Solve (or re-solve) the held model."""
        o = self.options
        h = self.highs
        sopts = {"presolve": "on" if o.presolve else "off", "solver": o.solver,
                 "mip_rel_gap": float(o.mip_rel_gap)}
        if o.time_limit_s is not None:
            sopts["time_limit"] = float(o.time_limit_s)
        if o.threads is not None:
            sopts["threads"] = int(o.threads)
        sopts.update(o.highs_options)
        for k, v in sopts.items():
            st = h.setOptionValue(k, v)
            if str(st).endswith("kError"):
                raise ValueError(f"HiGHS rejects option {k}={v!r}")
        t0 = time.perf_counter()
        with c_stdout_to_stderr():
            h.run()
        el = time.perf_counter() - t0
        self.highs_time += el
        self.n_runs += 1
        return RunResult.from_highs(h)


_STATUS = {"kOptimal": "optimal", "kInfeasible": "infeasible",
           "kUnboundedOrInfeasible": "infeasible_or_unbounded", "kUnbounded": "unbounded",
           "kTimeLimit": "time_limit", "kIterationLimit": "iteration_limit"}


class RunResult:
    """Status, objective, primal and dual values of one HiGHS run."""

    def __init__(self, status, termination, objective, bound, has_solution, x, row_dual,
                 col_dual, gap):
        self.status, self.termination = status, termination
        self.objective, self.bound, self.has_solution = objective, bound, has_solution
        self.x, self.row_dual, self.col_dual, self.gap = x, row_dual, col_dual, gap

    @classmethod
    def from_highs(cls, h) -> "RunResult":
        import numpy as np

        ms = h.getModelStatus()
        name = str(ms).split(".")[-1]
        info = h.getInfo()
        has = int(info.primal_solution_status) == 2
        sol = h.getSolution()
        x = np.asarray(sol.col_value, float) if has else None
        rd = np.asarray(sol.row_dual, float) if sol.dual_valid else None
        cd = np.asarray(sol.col_dual, float) if sol.dual_valid else None
        return cls(_STATUS.get(name, "error"), h.modelStatusToString(ms),
                   float(info.objective_function_value) if has else None,
                   float(info.mip_dual_bound), has, x, rd, cd, float(info.mip_gap))
