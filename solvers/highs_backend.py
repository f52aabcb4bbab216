"""Hand-over of the Pyomo sizing model to HiGHS, the HiGHS runs, and the solution map.

Interface chosen by measurement on the full-year manufacturing example (2 cores,
Pyomo 6.10.1, highspy 1.16): the persistent ``pyomo.contrib.solver`` "highs" interface
took 13.2 s to hand over the model and 2.3 s to load the solution (appsi was slower),
against about 60 s in HiGHS.  Here the model goes through Pyomo's
``LinearStandardFormCompiler`` (``pyomo.repn.plugins.standard_form``, mixed form: one
row per constraint with its sense) into a ``highspy.HighsLp`` passed with one
``Highs.passModel``; the solution comes back as numpy arrays mapped to the Pyomo
variables through the compiler's column list (no values are loaded into the Pyomo
variables).  Re-solves (pareto, lexicographic) change only the objective vector and
the emission-bound row of the live HiGHS model; a Pareto front keeps the basis of its
first run (HiPO with crossover) and re-solves its points by the simplex method from it
(:meth:`HighsBackend.resolve`); its least-emission LP runs at the same time as the first run
in a second instance (``HighsBackend.run(beside=)``).  HiGHS prints a banner from C when
created; it is sent to stderr here so that stdout stays machine-readable.

Algorithm: ``solver="hipo"`` (the scenario default) runs HiGHS's HiPO interior-point
solver, which needs the BLAS, METIS, AMD and RCM libraries of ``highspy-extras``.
Measured on the saved full-year model of the largest example (2 cores, highspy 1.15.1,
benchmarks/README.md): HiPO without crossover 25-28 s, IPX (``"ipx"``) 37-50 s, dual
simplex 48-54 s (and IPX of highspy 1.16: 54 s).  Crossover is off for HiPO (with it, 37 s: more
IPM iterations plus the crossover; the interior solution and its duals are what the
results use).  The optimality tolerance is 1e-6 instead of HiGHS's 1e-8: two fewer
iterations (about 1.5 s) for an objective within 5e-7 relative of the vertex optimum,
sizes within 2e-5 relative and the same emission dual to 1e-6 (measured on that
model).  Where the extras are missing, or the model has integer columns, the run
falls back to IPX or HiGHS's own choice and says so in :attr:`HighsBackend.notes`.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from contextlib import contextmanager

import numpy as np

from solvers.problem import SolveOptions


def _flush_c_stdio() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - platform without libc
        pass


@contextmanager
def c_stdout_to_stderr(discard: bool = False):
    """Send everything written to file descriptor 1 (also from C) to fd 2, or discard it."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # pragma: no cover - closed stdout
        pass
    saved = os.dup(1)
    target = os.open(os.devnull, os.O_WRONLY) if discard else 2
    try:
        _flush_c_stdio()
        os.dup2(target, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)
        if discard:
            os.close(target)


#: HiGHS options applied with ``solver="hipo"`` unless ``SolveOptions.highs_options`` set them
HIPO_DEFAULTS = {"run_crossover": "off", "ipm_optimality_tolerance": 1e-6}

_HIPO: bool | None = None


def hipo_available() -> bool:
    """Whether this highspy can run HiPO (its option is refused without the extras)."""
    global _HIPO
    if _HIPO is None:
        import highspy

        with c_stdout_to_stderr(discard=True):
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            _HIPO = not str(h.setOptionValue("solver", "hipo")).endswith("kError")
    return _HIPO


def solve_mps(path: str, solver: str) -> tuple[float, float]:
    """HiGHS alone on a saved model, with the options the pipeline uses for ``solver``.

    Returns the HiGHS run time [s] and the objective value.  For the benchmarks, which
    compare the pipeline with HiGHS solving the very model it was handed.
    """
    import highspy

    with c_stdout_to_stderr(discard=True):
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    opts = {"solver": solver, **(HIPO_DEFAULTS if solver == "hipo" else {})}
    for k, v in opts.items():
        h.setOptionValue(k, v)
    t0 = time.perf_counter()
    with c_stdout_to_stderr():
        h.run()
    return time.perf_counter() - t0, float(h.getInfo().objective_function_value)


#: Longest wait [s] for HiGHS to stop after Ctrl-C before the interrupt is passed on anyway
INTERRUPT_GRACE_S = 3.0


#: First heartbeat of a long HiGHS run and the interval of the next ones [s]
HEARTBEAT_FIRST_S, HEARTBEAT_EVERY_S = 10.0, 30.0


class IterationCounter:
    """Iterations of a HiGHS run so far, counted by HiGHS's interrupt callbacks (which the
    interior-point methods, HiPO and IPX, and the simplex call at every iteration, branch
    and bound at its nodes)."""

    def __init__(self):
        self.ipm = 0
        self.simplex = 0
        self.nodes = 0
        self.gap = None

    def _ipm(self, e) -> None:
        self.ipm = max(self.ipm, int(e.data_out.ipm_iteration_count))

    def _simplex(self, e) -> None:
        self.simplex = max(self.simplex, int(e.data_out.simplex_iteration_count))

    def _mip(self, e) -> None:
        self.nodes = max(self.nodes, int(e.data_out.mip_node_count))
        gap = float(e.data_out.mip_gap)
        self.gap = gap if np.isfinite(gap) and gap < 1e30 else None

    def attach(self, h) -> bool:
        """Count the iterations of ``h``'s runs (False where highspy has no such callbacks)."""
        try:
            for hook, fn in self._hooks():
                getattr(h, hook).subscribe(fn)
        except Exception:  # an older highspy, or a callback HiGHS refuses
            self.detach(h)
            return False
        return True

    def _hooks(self):
        return (("cbIpmInterrupt", self._ipm), ("cbSimplexInterrupt", self._simplex), ("cbMipInterrupt", self._mip))

    def detach(self, h) -> None:
        for hook, fn in self._hooks():
            try:
                getattr(h, hook).unsubscribe(fn)
            except Exception:  # never subscribed
                pass

    def text(self) -> str:
        """How far the run is, in words: ``"interior point, iteration 12"``, with the
        crossover's simplex iterations once they start; ``"presolve and analysis"`` before."""
        parts = []
        if self.ipm:
            parts.append(f"interior point, iteration {self.ipm}")
        if self.simplex:
            parts.append(f"simplex, {self.simplex:,} iterations")
        if self.nodes:
            parts.append(f"branch and bound, {self.nodes:,} nodes"
                         + (f", gap {100 * self.gap:.2g} %" if self.gap is not None else ""))
        return "; ".join(parts) or "presolve and analysis"


#: How the heartbeat names the algorithm of a run after the first one of a model
ALGORITHM_NAMES = {"hipo": "HiPO", "ipx": "IPX", "ipm": "interior point", "simplex": "simplex", "choose": "HiGHS"}


def rerun_heartbeat(tick, n_runs: int, alg: str):
    """The heartbeat of the next run of a model: ``tick`` itself for its first run; for a
    re-solve, ``tick`` with the first beat led by ``"then <algorithm>: "``, so that the clock
    starting again at 10 s reads as a new run (a Kunming office park's line went "10 s: interior
    point, iteration 8; 40 s: ...; 10 s: interior point, iteration 11" as HiPO gave way to IPX,
    unexplained until its end); None without ``tick``."""
    if tick is None or not n_runs:
        return tick
    said = []

    def beat(text: str) -> None:
        if not said:
            said.append(True)
            text = f"then {ALGORITHM_NAMES.get(alg, alg)}: {text}"
        tick(text)

    return beat


def run_interruptible(h, heartbeat=None) -> None:
    """``h.run()`` in HiGHS's solver thread, so that Ctrl-C (SIGINT) cancels the solve.

    The main thread waits in short steps and so receives ``KeyboardInterrupt``; it then
    asks HiGHS to stop (``cancelSolve``, checked by HiGHS's interrupt callbacks), waits at
    most :data:`INTERRUPT_GRACE_S` and re-raises.  ``h`` needs ``HandleUserInterrupt``
    set (done once by :class:`HighsBackend`).  Outside the main thread, or with a
    highspy without ``startSolve``, this is plain ``h.run()``.

    ``heartbeat(text)``, if given, is told how long the run has taken and how far it is
    (:class:`IterationCounter`) after :data:`HEARTBEAT_FIRST_S` and then every
    :data:`HEARTBEAT_EVERY_S` seconds, e.g. ``"10 s: interior point, iteration 12"``: an
    interior-point run has no reliable time left, so its iterations say how far it is.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(h, "startSolve"):
        h.run()
        return
    counter = IterationCounter() if heartbeat is not None else None
    if counter is not None and not counter.attach(h):
        counter = None
    t0 = time.monotonic()
    next_beat = HEARTBEAT_FIRST_S
    h.startSolve()
    try:
        while not h.wait(0.1)[0]:
            if counter is not None and time.monotonic() - t0 >= next_beat:
                heartbeat(f"{next_beat:.0f} s: {counter.text()};")
                next_beat += HEARTBEAT_EVERY_S
    except KeyboardInterrupt:
        h.cancelSolve()
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        while time.monotonic() < deadline and not h.wait(0.1)[0]:
            pass
        raise
    finally:
        if counter is not None:
            counter.detach(h)


def _stopped(r) -> str:
    """How a run that decided nothing ended, for a note: how long it ran, how far it got and HiGHS's
    words (``"after 880 s and 57,851 iterations (Time limit reached)"``)."""
    return f"after {r.time_s:.0f} s and {r.iterations:,} iterations ({r.termination})"


def _release_scheduler(highs_class) -> None:
    """Release HiGHS's global task scheduler once no solve is running (as highspy does
    after each ``startSolve`` run): its worker threads otherwise outlive an interrupted
    pair of solves and abort the interpreter at exit."""
    reset = getattr(highs_class, "resetGlobalScheduler", None)
    if reset is not None:
        reset(True)


class HighsBackend:
    """Persistent HiGHS instance holding one compiled Pyomo model (warm re-solves)."""

    def __init__(self, options: SolveOptions):
        import highspy

        self.options = options
        # the banner HiGHS prints from C at construction says nothing a user needs
        with c_stdout_to_stderr(discard=not options.log_to_stderr):
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", bool(options.log_to_stderr))
        if hasattr(self.highs, "HandleUserInterrupt"):
            self.highs.HandleUserInterrupt = True  # Ctrl-C cancels a solve (run_interruptible)
        self.highs_time = 0.0
        self.n_runs = 0
        self.algorithm = options.solver
        self.notes: list[str] = []
        #: (result, basis or None) of the solve run beside the last run (``run(beside=)``)
        self.side = None
        self._defaults = {k: self.highs.getOptionValue(k)[1]
                          for k in (*HIPO_DEFAULTS, "simplex_strategy")}

    def set_instance(self, model) -> float:
        """Compile the Pyomo ``model`` (its one active objective) and pass it to HiGHS.

        Returns the wall time [s] of compilation and hand-over.
        """
        from pyomo.common.gc_manager import PauseGC

        t0 = time.perf_counter()
        with PauseGC():  # no cycles are created; see solvers.model.build_model
            self.cmodel = CompiledModel(model)
            lp = self.cmodel.to_highs()
        with c_stdout_to_stderr():
            self.highs.passModel(lp)
        return time.perf_counter() - t0

    def set_objective(self, cost, offset: float = 0.0) -> None:
        """Replace the objective by the dense column-cost vector ``cost``."""
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

    def _algorithm(self) -> str:
        """The ``solver`` option to run: the request, or its fallback (noted once)."""
        want = self.options.solver
        if want != "hipo" or self.algorithm != "hipo":
            return self.algorithm
        if self.cmodel.n_int:
            alg, why = "choose", "the model has integer columns (HiPO solves LPs only)"
        elif not hipo_available():
            alg, why = "ipx", "HiPO's libraries (highspy-extras matching highspy) are missing"
        else:
            return "hipo"
        note = f"HiGHS algorithm {alg!r} instead of 'hipo': {why}"
        if note not in self.notes:
            self.notes.append(note)
        self.algorithm = alg
        return alg

    def n_cols_rows(self) -> tuple[int, int]:
        return self.cmodel.n_col, self.cmodel.n_row

    def run(self, *, basis: bool = False, algorithm: str | None = None,
            cold: bool = False, beside: tuple | None = None, confirm: bool = True) -> RunResult:
        """Solve (or re-solve) the held model.

        Parameters
        ----------
        basis : bool
            Leave an optimal basis for warm-started re-solves (:meth:`resolve`): an
            interior-point run is followed by crossover (HiPO runs without it otherwise).
        algorithm : str, optional
            Run this HiGHS algorithm instead of the configured one, for this run only.
        cold : bool
            Discard the held basis and solution first (so that presolve runs; an
            interior point ignores a basis anyway).
        beside : (cost, offset), optional
            Also solve, at the same time in a second HiGHS instance holding a copy of the
            model, the same model with this objective by IPX with crossover (the least
            emissions of a Pareto front, which does not depend on this run); its result and
            basis are left in :attr:`side` (None if that could not be done: the run is
            then alone).
        confirm : bool
            Confirm an interior-point verdict of infeasibility here (:meth:`confirm_infeasible`).
            False: the verdict is returned as it is, noted, for the caller to check in a cheaper
            way (:func:`solvers.optimise.solve` re-solves the elastic model, whose optimum decides
            a shortfall beyond the solver's tolerance; only a shortfall within it is confirmed).

        A HiPO run that ends undecided (status unknown, e.g. on the minimum-emission
        end of a Pareto front, where the feasible set has no interior) is repeated with IPX
        and crossover, and the later re-solves of this model use IPX directly.
        (HiGHS 1.15's ``"ipm"`` means "an interior-point solver of HiGHS's choice",
        which is HiPO when its libraries are present; ``"ipx"`` asks for IPX itself.)
        """
        if cold:
            self.highs.clearSolver()
        alg = algorithm or self._algorithm()
        extra = {"run_crossover": "on"} if basis else {}
        self.side = None
        if beside is not None:
            r = self._run_pair(alg, extra, *beside)
        else:
            r = self._run(alg, extra)
        if alg == "hipo" and r.status == "error":
            self.notes.append(f"HiPO ended with status {r.termination!r}; re-solved with IPX "
                              "(with crossover), which the later re-solves of this model use")
            self.algorithm = alg = "ipx"
            r = self._run("ipx")
        if r.status in ("time_limit", "iteration_limit"):
            self.notes.append(self.limit_note(r))
        if self.interior_verdict(r):
            if confirm:
                r = self.confirm_infeasible(r)
            else:
                self.notes.append(f"{ALGORITHM_NAMES.get(r.algorithm, r.algorithm)} reported the model "
                                  f"{r.status} after {r.time_s:.1f} s ({r.iterations:,} iterations)")
        return r

    def limit_note(self, r: RunResult) -> str:
        """The note on a run ``r`` that stopped at its time or iteration limit: the method, the limit,
        the iterations, and whether it left a solution (not proven optimal) or none."""
        what = ALGORITHM_NAMES.get(r.algorithm, r.algorithm or "HiGHS")
        limit = (f"time limit of {self.options.time_limit_s:g} s" if r.status == "time_limit"
                 and self.options.time_limit_s is not None else r.status.replace("_", " "))
        return (f"{what} stopped at its {limit}, after {r.time_s:.0f} s and {r.iterations:,} iterations, "
                + ("with a solution not proven optimal" if r.has_solution else "without a solution"))

    def interior_verdict(self, r: RunResult) -> bool:
        """Whether ``r`` is an interior-point run's verdict of infeasibility on an LP (which is not
        trusted alone: :meth:`confirm_infeasible`)."""
        return (r.algorithm in ("hipo", "ipx", "ipm") and not self.cmodel.n_int
                and r.status in ("infeasible", "infeasible_or_unbounded"))

    def confirm_infeasible(self, r: RunResult) -> RunResult:
        """Check an interior-point verdict of infeasibility ``r`` of the held model by other methods.

        HiPO's verdict is checked by IPX (with crossover), and IPX's by the dual simplex method;
        the later re-solves of this model use the method that decided. A check that ends undecided
        (status unknown, or its time or iteration limit without a solution) leaves the verdict
        standing (returned), with a note saying so: how long it ran and how many iterations.

        Returns
        -------
        RunResult
            The deciding run (a solution where the verdict was wrong), or ``r`` where it stands.
        """
        alg = r.algorithm
        if alg == "hipo" and r.status in ("infeasible", "infeasible_or_unbounded"):
            # HiPO has declared feasible target-constrained full-year models infeasible (the
            # office example's core_910 variant, which IPX solves): a verdict of infeasibility
            # is confirmed by IPX before anyone is told their targets are out of reach
            note = (f"HiPO reported the model {r.status}; re-solved with IPX (with crossover) "
                    "to confirm, which the later re-solves of this model use")
            self.notes.append(note)
            self.algorithm = alg = "ipx"
            hipo, r = r, self._run("ipx")
            if r.status == "error" or (r.status in ("time_limit", "iteration_limit") and not r.has_solution):
                # IPX can end undecided here (the office example at net zero with no offsets allowed,
                # on eight representative days: "Solve error" after 0 iterations), which stopped the
                # run with no verdict; HiPO's goes on to the simplex method's check below
                self.notes[self.notes.index(note)] = (
                    f"HiPO reported the model {hipo.status}; IPX, asked to confirm, ended undecided "
                    f"{_stopped(r)}")
                r = hipo
        if (alg in ("ipx", "ipm") and not self.cmodel.n_int
                and r.status in ("infeasible", "infeasible_or_unbounded")):
            # interior-point methods can misjudge a model whose feasible set has no interior:
            # both IPX and HiPO declared a residual-emission cap of 0 infeasible on eight
            # representative days that the dual simplex solves (and which it solves in less
            # time than IPX on the full year); the verdict is confirmed by the simplex method
            note = (f"the interior-point solver reported the model {r.status}; re-solved with the "
                    "simplex method to confirm, which the later re-solves of this model use")
            self.notes.append(note)
            self.algorithm = "simplex"
            self.highs.clearSolver()
            ip, r = r, self._run("simplex")
            if r.status == "error" or (r.status in ("time_limit", "iteration_limit") and not r.has_solution):
                # the simplex method can end undecided on such a model too (the office example
                # with a 910号 core indicator of 0.2 out of reach on eight representative days:
                # status Unknown after 2,175 iterations), which stopped the run with a traceback;
                # or crawl to the time limit (a Xiamen factory's full year with the same target:
                # 57,851 iterations in 880 s, then the run stopped with no verdict and no outputs);
                # it does not overturn the verdict, which stands and is explained as out of reach
                self.notes[self.notes.index(note)] = (
                    f"the interior-point solver reported the model {ip.status}; the simplex method, asked to "
                    f"confirm, ended undecided {_stopped(r)}, so the verdict stands")
                self.algorithm = alg
                r = ip
        return r

    def basis(self):
        """A copy of the held basis (``highspy.HighsBasis``), or None if there is no valid one
        (after an interior-point run without crossover, or for a MILP)."""
        if self.cmodel.n_int:
            return None
        b = self.highs.getBasis()
        return b if b.valid else None

    def set_basis(self, basis) -> None:
        """Make ``basis`` (from :meth:`basis` on this model) the start of the next re-solve."""
        self.highs.setBasis(basis)

    def resolve(self, method: str) -> RunResult:
        """Re-solve from the held basis with the simplex method: ``"dual"`` after a change
        of bounds or right-hand sides only (the basis stays dual feasible), ``"primal"``
        after a change of the objective only (it stays primal feasible).

        Without a valid basis this is :meth:`run`.  HiGHS skips presolve when it starts
        from a basis.
        """
        if self.basis() is None:
            return self.run()
        return self._run("simplex", {"simplex_strategy": {"dual": 1, "primal": 4}[method]})

    def _run_pair(self, alg: str, extra: dict, cost, offset: float) -> RunResult:
        """This model's run (``alg``) and, at the same time in a second instance, the model
        with objective ``cost`` by IPX with crossover (see :meth:`run`, ``beside``).

        Both run in threads of this process calling HiGHS's own ``run`` (highspy's
        ``startSolve`` allows one solve at a time per process); Ctrl-C cancels both.  If
        the second instance cannot be set up, this is :meth:`_run` alone.
        """
        import highspy

        try:
            from highspy.highs import _Highs

            with c_stdout_to_stderr(discard=not self.options.log_to_stderr):
                side = highspy.Highs()
            side.setOptionValue("output_flag", bool(self.options.log_to_stderr))
            if hasattr(side, "HandleUserInterrupt"):
                side.HandleUserInterrupt = True
            with c_stdout_to_stderr():
                side.passModel(self.highs.getLp())
            n = len(cost)
            side.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(cost, float))
            side.changeObjectiveOffset(float(offset))
            side_defaults = {k: side.getOptionValue(k)[1] for k in self._defaults}
        except (ImportError, AttributeError, RuntimeError) as exc:  # pragma: no cover - old highspy
            self.notes.append(f"least-emission solve not run beside the first run ({exc})")
            return self._run(alg, extra)
        sopts = self._set_options(self.highs, alg, extra, self._defaults)
        self._set_options(side, "ipx", {"run_crossover": "on"}, side_defaults)
        done, errors = {}, {}
        t0 = time.perf_counter()

        def go(key, h):
            try:
                _Highs.run(h)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors[key] = exc
            done[key] = time.perf_counter() - t0

        threads = [threading.Thread(target=go, args=(k, h), daemon=True)
                   for k, h in (("main", self.highs), ("side", side))]
        with c_stdout_to_stderr():
            for t in threads:
                t.start()
            try:
                while any(t.is_alive() for t in threads):
                    for t in threads:
                        t.join(0.1)
            except KeyboardInterrupt:
                for h in (self.highs, side):
                    h.cancelSolve()
                deadline = time.monotonic() + INTERRUPT_GRACE_S
                for t in threads:
                    t.join(max(0.0, deadline - time.monotonic()))
                if not any(t.is_alive() for t in threads):
                    _release_scheduler(_Highs)
                raise
        _release_scheduler(_Highs)
        if errors:
            raise RuntimeError(f"HiGHS failed: {errors}")
        el = time.perf_counter() - t0
        self.highs_time += el
        self.n_runs += 2
        r = self._result(self.highs, alg, sopts, extra, done["main"])
        s = RunResult.from_highs(side)
        s.time_s, s.method, s.algorithm = done["side"], "ipx + crossover, beside the first run", "ipx"
        b = side.getBasis()
        self.side = (s, b if b.valid else None)
        return r

    def _set_options(self, h, alg: str, extra: dict | None, defaults: dict) -> dict:
        o = self.options
        sopts = {"presolve": "on" if o.presolve else "off", "solver": alg,
                 "mip_rel_gap": float(o.mip_rel_gap)}
        # options HiPO or a warm re-solve change go back to HiGHS's defaults for the others
        sopts.update(defaults)
        if alg == "hipo":
            sopts.update(HIPO_DEFAULTS)
        sopts.update(extra or {})
        if o.time_limit_s is not None:
            # HiGHS compares time_limit with the run time accumulated over every run of this
            # instance (ERGO-Code/HiGHS#1477): give each run its own limit
            sopts["time_limit"] = float(h.getRunTime()) + float(o.time_limit_s)
        if o.threads is not None:
            sopts["threads"] = int(o.threads)
        sopts.update(o.highs_options)
        for k, v in sopts.items():
            st = h.setOptionValue(k, v)
            if str(st).endswith("kError"):
                raise ValueError(f"HiGHS rejects option {k}={v!r}")
        return sopts

    def _run(self, alg: str, extra: dict | None = None) -> RunResult:
        h = self.highs
        sopts = self._set_options(h, alg, extra, self._defaults)
        t0 = time.perf_counter()
        with c_stdout_to_stderr():
            run_interruptible(h, heartbeat=rerun_heartbeat(self.options.tick, self.n_runs, alg))
        el = time.perf_counter() - t0
        self.highs_time += el
        self.n_runs += 1
        return self._result(h, alg, sopts, extra, el)

    @staticmethod
    def _result(h, alg: str, sopts: dict, extra: dict | None, el: float) -> RunResult:
        r = RunResult.from_highs(h)
        r.time_s, r.algorithm = el, alg
        strategy = (extra or {}).get("simplex_strategy")
        r.method = (f"{'dual' if strategy == 1 else 'primal'} simplex from the held basis"
                    if alg == "simplex" and strategy is not None else alg)
        if alg in ("hipo", "ipx", "ipm") and sopts.get("run_crossover") == "on":
            r.method += " + crossover"
        return r


class CompiledModel:
    """Matrix form of a Pyomo model and the maps between its rows/columns and Pyomo.

    Attributes
    ----------
    info : pyomo.repn.plugins.standard_form.LinearStandardFormInfo
        Mixed form: row *i* reads ``A[i] x (<=, ==, >=) rhs[i]`` for
        ``rows[i].bound_type`` (1, 0, -1).
    colpos : dict
        ``id(VarData) -> column``.  Variables in no constraint and not in the
        objective are not columns; fixed variables are substituted by the compiler.
    """

    def __init__(self, model):
        from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

        self.model = model
        self.info = info = LinearStandardFormCompiler().write(model, mixed_form=True)
        self.columns = info.columns
        self.n_col, self.n_row = len(info.columns), len(info.rows)
        self.colpos = {id(v): i for i, v in enumerate(info.columns)}
        self._is_int = [v.is_integer() for v in info.columns]
        self.n_int = sum(self._is_int)
        self._rowpos = None
        self._index_cache = {}
        self._linear_cache = {}

    def to_highs(self):
        """The ``highspy.HighsLp`` of the compiled model."""
        import highspy
        info, n, m = self.info, self.n_col, self.n_row
        inf = float("inf")
        bounds = [v.bounds for v in self.columns]
        lb = np.array([-inf if b[0] is None else b[0] for b in bounds], float)
        ub = np.array([inf if b[1] is None else b[1] for b in bounds], float)
        rhs = np.asarray(info.rhs, float).reshape(-1)
        bt = np.fromiter((r.bound_type for r in info.rows), dtype=np.int8, count=m)
        cost = np.asarray(info.c.toarray(), float).reshape(-1, n)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = cost[0] if cost.shape[0] else np.zeros(n)
        lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
        lp.col_lower_, lp.col_upper_ = lb, ub
        lp.row_lower_ = np.where(bt == 1, -inf, rhs)
        lp.row_upper_ = np.where(bt == -1, inf, rhs)
        A = info.A
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.asarray(A.indptr, np.int32)
        lp.a_matrix_.index_ = np.asarray(A.indices, np.int32)
        lp.a_matrix_.value_ = np.asarray(A.data, float)
        if self.n_int:
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                               highspy.HighsVarType.kContinuous for i in self._is_int]
        return lp

    # ------------------------------------------------------------------ maps
    def rows_of(self, con) -> np.ndarray:
        """Row indices of the elements of constraint component ``con`` (in key order)."""
        if self._rowpos is None:
            self._rowpos = {id(r.constraint): i for i, r in enumerate(self.info.rows)}
        return np.array([self._rowpos[id(c)] for c in con.values()], dtype=np.int64)

    def cols_of(self, var) -> tuple:
        """``(columns, fallback)``: column of each element of ``var`` (-1 if none) and
        the value of elements that are not columns (fixed value, else 0 within bounds)."""
        key = id(var)
        hit = self._index_cache.get(key)
        if hit is None:
            data = list(var.values()) if hasattr(var, "values") else [var]
            cols = np.array([self.colpos.get(id(v), -1) for v in data], dtype=np.int64)
            fb = np.array([_fallback(v) if c < 0 else 0.0 for v, c in zip(data, cols)], float)
            hit = self._index_cache[key] = (cols, fb)
        return hit

    def linear(self, expr) -> tuple:
        """``(cols, coefs, const)`` of a linear Pyomo expression over the columns."""
        from pyomo.repn.linear import LinearRepnVisitor

        if isinstance(expr, (int, float)):
            return np.zeros(0, np.int64), np.zeros(0), float(expr)
        hit = self._linear_cache.get(id(expr))
        if hit is not None and hit[0] is expr:
            return hit[1]
        vis = LinearRepnVisitor({})
        repn = vis.walk_expression(expr)
        if repn.nonlinear is not None:
            raise ValueError("expression is not linear")
        const = float(repn.constant) * float(repn.multiplier)
        cols, coefs = [], []
        for vid, k in repn.linear.items():
            k = float(k) * float(repn.multiplier)
            c = self.colpos.get(vid, -1)
            if c < 0:
                const += k * _fallback(vis.var_map[vid])
            else:
                cols.append(c)
                coefs.append(k)
        out = np.array(cols, np.int64), np.array(coefs, float), const
        self._linear_cache[id(expr)] = (expr, out)
        return out

    def cost_vector(self, expr) -> tuple:
        """Dense objective vector and offset of the linear expression ``expr``."""
        cols, coefs, const = self.linear(expr)
        c = np.zeros(self.n_col)
        np.add.at(c, cols, coefs)
        return c, const


def _fallback(v) -> float:
    """Value of a variable that is not a column: its fixed value, else 0 within bounds."""
    if v.fixed:
        return float(v.value)
    lo, hi = v.bounds
    x = 0.0 if lo is None else max(0.0, lo)
    return x if hi is None else min(x, hi)


class Solution:
    """Primal values of a HiGHS run mapped back to the Pyomo model (numpy, no loading)."""

    def __init__(self, cmodel: CompiledModel, x):
        self.cm, self.x = cmodel, x

    def var(self, var) -> np.ndarray:
        """Values of the elements of indexed variable ``var`` (in key order)."""
        cols, fb = self.cm.cols_of(var)
        return np.where(cols >= 0, self.x[np.maximum(cols, 0)], fb)

    def value(self, v) -> float:
        """Value of one scalar variable."""
        return float(self.var(v)[0])

    def expr(self, expr) -> float:
        """Value of a linear expression."""
        cols, coefs, const = self.cm.linear(expr)
        return float(const + np.dot(coefs, self.x[cols])) if cols.size else const


_STATUS = {"kOptimal": "optimal", "kInfeasible": "infeasible",
           "kUnboundedOrInfeasible": "infeasible_or_unbounded", "kUnbounded": "unbounded",
           "kTimeLimit": "time_limit", "kIterationLimit": "iteration_limit"}


class RunResult:
    """Status, objective, primal and dual values of one HiGHS run."""

    def __init__(self, status, termination, objective, bound, has_solution, x, row_dual,
                 col_dual, gap, iterations=0, crossover_iterations=0):
        self.status, self.termination = status, termination
        self.objective, self.bound, self.has_solution = objective, bound, has_solution
        self.x, self.row_dual, self.col_dual, self.gap = x, row_dual, col_dual, gap
        #: simplex + interior-point + crossover iterations of the run, and crossover's alone
        self.iterations, self.crossover_iterations = iterations, crossover_iterations
        #: wall time [s] of the run, how it ran (``"ipx + crossover"``) and the HiGHS ``solver`` option
        #: it ran with (``"hipo"``, ``"ipx"``, ``"simplex"``, ...; set by HighsBackend)
        self.time_s, self.method, self.algorithm = 0.0, "", ""

    @classmethod
    def from_highs(cls, h) -> RunResult:
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
                   float(info.mip_dual_bound), has, x, rd, cd, float(info.mip_gap),
                   iterations=sum(max(0, int(getattr(info, k, 0))) for k in (
                       "simplex_iteration_count", "ipm_iteration_count", "crossover_iteration_count")),
                   crossover_iterations=max(0, int(info.crossover_iteration_count)))
