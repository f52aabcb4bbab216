"""The sweep engine of one machine: spawned worker processes, one case at a time each.

Why not a Dask ``LocalCluster`` here: on a 2-core machine the Dask worker process (its event
loop and nanny) took 5-10 % CPU from each full-year case and made it wait for a core, so two
workers ran 1.58-1.66x as many cases as one; the same cases in plain processes ran 2.17x
(benchmarks/README.md). The guarantees are those of :mod:`twin.sweep.runner`:

* a worker lost mid-case (killed, out of memory) is replaced and its case run again, up to
  :data:`LOST_WORKER_RETRIES` lost workers per case, then recorded as failed naming them
  (pebble tells which task a dead process was running, so no other case is touched);
* the shared weather and profiles, and today's park (the baseline), are computed once as
  their own tasks and handed to the cases through pickle files in ``DIR/.shared`` (removed
  at the end), loaded once per worker process; a shared task that fails only means the cases
  compute their own (and record their own error, if the problem is theirs);
* Ctrl-C stops the pool (workers ignore SIGINT, so a case is never half-recorded as failed);
  every record already written stays.
"""

from __future__ import annotations

import pickle
import shutil
import signal
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path
from typing import Any

from twin.io import atomic_write
from twin.sweep.cases import Case, SweepError

#: lost worker processes tolerated per task before it is recorded as failed (Dask's default
#: ``distributed.scheduler.allowed-failures``)
LOST_WORKER_RETRIES = 3

_CACHE: dict[str, Any] = {}  # per worker process: shared objects by file path


# --------------------------------------------------------------------------- in the workers

def _init_worker(threads: int) -> None:
    """Worker start: Ctrl-C is the client's to handle; HiGHS held to ``threads``; imports warm."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from twin.sweep import runner

    runner.LOCAL_WORKER_THREADS = threads
    import solvers.optimise  # noqa: F401  (the first case need not pay for the imports)
    import twin.run  # noqa: F401

    runner._process_ready()  # Pyomo's process lock released (below)


def _release_pyomo_process_lock() -> None:
    """Swap Pyomo's process-wide output-capture lock for a thread lock in this worker.

    On its first use of ``multiprocessing`` Pyomo creates ``capture_output_lock`` as a
    ``multiprocessing.Lock``: a named POSIX semaphore registered with the resource tracker
    the workers share with the client. A spawned worker creates its own, so it guards
    nothing beyond this process, where a thread lock does the same. But when the pool stops
    a worker before its exit finalizers have run, the semaphore stays registered, and the
    client printed "resource_tracker: There appear to be 1 leaked semaphore objects" at the
    end of some sweeps (2 of 20 here). Dropping it here unlinks it at once.
    """
    import threading

    from pyomo.common import dependencies as deps

    deps.multiprocessing.Lock  # noqa: B018  (the deferred import creates the semaphore lock)
    deps.capture_output_lock = threading.Lock()


def _shared(path: str | None):
    """A shared object from its pickle file (cached in this process), or None."""
    if path is None:
        return None
    if path not in _CACHE:
        if len(_CACHE) >= 8:  # a sweep over many profile keys: keep memory bounded
            _CACHE.pop(next(iter(_CACHE)))
        with open(path, "rb") as fh:
            _CACHE[path] = pickle.load(fh)  # noqa: S301  (written by this sweep's own tasks)
    return _CACHE[path]


def _dump(obj, path: str) -> None:
    """Pickle ``obj`` to ``path`` atomically (a lost worker never leaves half a file)."""
    atomic_write(path, lambda tmp: tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)))


def _inputs_task(loaded, path: str) -> float:
    """Build the shared weather and profiles into ``path``; seconds taken."""
    from twin.sweep.runner import build_inputs

    inputs = build_inputs(loaded)
    _dump(inputs, path)
    _CACHE[path] = inputs
    return inputs.profiles_time_s


def _baseline_task(loaded, config, inputs_path: str | None, path: str) -> bool:
    """Solve today's park once into ``path``; whether there is one to share."""
    from twin.sweep.runner import build_baseline

    baseline = build_baseline(loaded, config, _shared(inputs_path))
    _dump(baseline, path)
    return baseline is not None


def _case_task(case: Case, loaded, config, inputs_path: str | None, attempt_dir: str | None,
               baseline_path: str | None) -> dict:
    from twin.sweep.runner import run_case

    return run_case(case, loaded, config, _shared(inputs_path), attempt_dir, _shared(baseline_path))


# --------------------------------------------------------------------------- in the client

def process_results(todo: list[Case], loaded_cases: dict[str, Any], attempt_dir: str | None, shared_dir: Path, *,
                    workers: int | None = None):
    """Events of the sweep: ``("ready", workers, shared tasks by kind)`` once the pool is up,
    ``("running", {key: case or label})`` when what runs changes, ``("shared", kind)`` as a
    shared task finishes and ``("case", case, record)`` as each case finishes.

    Tasks wait for what they need: a case for its profiles and its baseline group's
    baseline, a baseline for its profiles. ``shared_dir`` holds the shared objects while the
    sweep runs (emptied and removed at the end; a stale one is overwritten). Closing the
    generator (the sweep interrupted) stops the pool.
    """
    import multiprocessing

    from pebble import ProcessExpired, ProcessPool

    from twin.compare import available_cores
    from twin.sweep.runner import _key, baseline_group, failure_record, task_label

    n = max(1, min(workers or available_cores(), len(todo)))
    pending: dict[Any, tuple] = {}  # future -> ("inputs" | "baseline" | "case", key[, case])
    shared_dir = Path(shared_dir)
    shared_dir.mkdir(parents=True, exist_ok=True)
    pool = ProcessPool(max_workers=n, initializer=_init_worker, initargs=(1,),
                       context=multiprocessing.get_context("spawn"))
    try:
        # plan: profile key -> its cases' baseline groups -> their cases
        plan: dict[str, dict[str, list[Case]]] = {}
        for c in todo:
            lc, config = loaded_cases[c.id]
            k = _key(lc)
            plan.setdefault(k, {}).setdefault(baseline_group(k, c, config), []).append(c)
        first = {k: loaded_cases[next(iter(groups.values()))[0].id][0] for k, groups in plan.items()}
        inputs_path: dict[str, str | None] = {}
        baseline_path: dict[str, str | None] = {}
        lost: Counter = Counter()
        lost_pids: dict[tuple, list[int]] = {}

        def schedule(task: tuple) -> None:
            kind, key = task[0], task[1]
            if kind == "inputs":
                f = pool.schedule(_inputs_task, (first[key], str(shared_dir / f"inputs-{key}.pkl")))
            elif kind == "baseline":
                k, b = key
                lc, config = loaded_cases[plan[k][b][0].id]
                f = pool.schedule(_baseline_task, (lc, config, inputs_path[k],
                                                   str(shared_dir / f"baseline-{b}.pkl")))
            else:
                c, k, b = task[2], key[0], key[1]
                lc, config = loaded_cases[c.id]
                f = pool.schedule(_case_task, (c, lc, config, inputs_path[k], attempt_dir, baseline_path[b]))
            pending[f] = task

        def submit(task: tuple) -> None:
            try:
                schedule(task)
            except RuntimeError as exc:  # pebble: the pool could not start or keep its workers
                raise SweepError(
                    f"the worker processes could not start ({exc}); from a Python script, call the "
                    "sweep under `if __name__ == \"__main__\":` (workers are spawned and import the "
                    "script), or run `twin sweep`") from None

        def label(task: tuple) -> tuple[str, Any]:
            kind, key = task[0], task[1]
            if kind == "case":
                return f"case-{task[2].id}", task[2]
            if kind == "inputs":
                return f"inputs-{key}", task_label("inputs", [c for cs in plan[key].values() for c in cs])
            return f"baseline-{key[1]}", task_label("baseline", plan[key[0]][key[1]])

        shared = {"inputs": sum(sum(len(cs) for cs in g.values()) > 1 for g in plan.values()),
                  "baseline": sum(len(cs) > 1 for g in plan.values() for cs in g.values())}
        for k in plan:  # weather and profiles once per profile key (only worth it when shared)
            if sum(len(cs) for cs in plan[k].values()) > 1:
                submit(("inputs", k))
            else:
                inputs_path[k] = None
                _after_inputs(k, plan, baseline_path, submit)
        yield "ready", n, shared
        running: dict = {}
        while pending:
            done, _ = wait(list(pending), timeout=0.5, return_when=FIRST_COMPLETED)
            now = dict(label(t) for f, t in pending.items() if f.running() and f not in done)
            if now != running:  # pebble marks a task running once a worker process has taken it
                running = now
                yield "running", now
            for f in done:
                task = pending.pop(f)
                kind, key = task[0], task[1]
                try:
                    result = f.result()
                except ProcessExpired as exc:  # the worker died under this task
                    ident = (kind, task[2].id if kind == "case" else key)
                    lost[ident] += 1
                    lost_pids.setdefault(ident, []).append(exc.pid)
                    if lost[ident] <= LOST_WORKER_RETRIES:
                        submit(task)  # a fresh worker process takes it
                        continue
                    n_lost = lost[ident]
                    error = (f"{n_lost} worker process{'es' if n_lost > 1 else ''} lost while running this "
                             f"{'case' if kind == 'case' else kind + ' task'} (pid "
                             f"{', '.join(map(str, lost_pids[ident]))}; last exit code {exc.exitcode})")
                    result = exc
                except Exception as exc:  # noqa: BLE001  (a shared task's own error; cases never raise)
                    error = f"{type(exc).__name__}: {exc}"
                    result = exc
                if kind == "inputs":  # failed: every case computes its own profiles
                    path = str(shared_dir / f"inputs-{key}.pkl")
                    inputs_path[key] = None if isinstance(result, BaseException) else path
                    _after_inputs(key, plan, baseline_path, submit)
                elif kind == "baseline":
                    k, b = key
                    has = not isinstance(result, BaseException) and result
                    baseline_path[b] = str(shared_dir / f"baseline-{b}.pkl") if has else None
                    for c in plan[k][b]:
                        submit(("case", (k, b), c))
                else:
                    c = task[2]
                    yield "case", c, (failure_record(c, error) if isinstance(result, BaseException) else result)
                if kind != "case":  # its cases are submitted: say it is done (the time left counts it)
                    yield "shared", kind
    finally:
        # nested so that a second Ctrl-C (impatient users; `timeout` signals the process and its
        # group) still leaves no shared files: a worker stopped mid-write finds its folder gone
        try:
            if pending:  # an interrupted sweep: running cases end here, their records are not written
                pool.stop()
            else:
                pool.close()
        finally:
            shutil.rmtree(shared_dir, ignore_errors=True)
            try:
                pool.join(timeout=30)
            finally:
                # a worker stopped just as it wrote its result may have made the folder again
                # (an atomic write creates its folder); the workers are gone now
                shutil.rmtree(shared_dir, ignore_errors=True)


def _after_inputs(k: str, plan: dict, baseline_path: dict, submit) -> None:
    """Profiles ready (or not shared): a baseline task per group of several cases, else the cases."""
    for b, cases in plan[k].items():
        if len(cases) > 1:
            submit(("baseline", (k, b)))
        else:
            baseline_path[b] = None
            submit(("case", (k, b), cases[0]))
