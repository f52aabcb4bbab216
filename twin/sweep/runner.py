"""Run a sweep's cases without losing any, on worker processes of this machine or on Dask.

Two engines with the same guarantees (tested in tests/test_sweep.py, each with worker
processes killed mid-sweep):

* ``processes`` (the default on one machine, :mod:`twin.sweep.local`): a pool of spawned
  worker processes (pebble), one case at a time each;
* ``dask``: Dask distributed — an existing cluster given its scheduler address, or a
  ``LocalCluster`` of single-threaded worker processes on 127.0.0.1 (``engine="dask"``).

Guarantees:

* each finished case is written to ``DIR/cases/<case id>.json`` atomically (temporary file
  + ``os.replace``) as soon as its result reaches the client;
* an interrupted sweep resumes: cases with a file are not run again (``retry_failed``
  re-runs the failed ones);
* a worker lost mid-case has its case run again by another worker process (up to three
  lost workers per case — Dask's ``distributed.scheduler.allowed-failures``, default 3 —
  then the case is recorded as failed, naming the lost workers);
* a case that raises records its error (type, message, last traceback line) and the sweep
  goes on;
* weather and profiles are computed once per distinct set of profile fields
  (:func:`twin.run.profile_key`) as their own task and shared by every case that needs them;
  likewise today's park (the baseline) once per group of cases that leave it alike.

A cluster's workers need park-twin installed and the scenario's data files at the same paths.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin.io import atomic_write_text
from twin.sweep.cases import Case


@dataclass
class SweepProgress:
    """A sweep in progress: counts, what runs now, and the time left.

    The time left is the work left over the worker processes: the cases still to run at
    the mean time a finished case took on its worker, plus the shared tasks still to run
    (weather and profiles, today's park) at the mean time theirs took. Wall time since the
    start over the cases finished (as before) counted the start-up (worker processes,
    imports, the first shared weather) as if every case paid it again: the first estimate
    of an 8-case sweep that took 82 s was 6.4 min.
    """

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.perf_counter)
    finished_here: int = 0
    #: cases to run in this call (not finished before)
    to_run: int = 0
    #: where the cases run, for people ("this machine (2 worker processes)")
    where: str = ""
    #: worker processes (or threads of a Dask cluster) running cases side by side
    workers: int = 0
    #: shared tasks not finished yet, by kind ("inputs", "baseline")
    shared_left: dict = field(default_factory=dict)
    #: what runs now: case ids and shared tasks
    running: list = field(default_factory=list)
    #: what started since the last report, with the case's swept values
    started_now: list = field(default_factory=list)
    #: said once before the first case (invalid cases, operation, workers, stale records)
    notes: list = field(default_factory=list)
    _case_s: list = field(default_factory=list, repr=False)
    _shared_s: dict = field(default_factory=dict, repr=False)

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.failed

    def record(self, rec: dict) -> None:
        """Count a case finished here and learn its times (and those of the shared tasks it used)."""
        self.finished_here += 1
        if rec.get("status") == "ok":
            self.done += 1
        else:
            self.failed += 1
        if isinstance(rec.get("seconds"), (int, float)) and rec.get("seconds", 0) > 0:
            self._case_s.append(float(rec["seconds"]))
        for kind, group, secs in (("inputs", rec.get("profile_key"), rec.get("shared_inputs_s")),
                                  ("baseline", rec.get("baseline_group"), rec.get("shared_baseline_s"))):
            if group and isinstance(secs, (int, float)):
                self._shared_s.setdefault(kind, {})[group] = float(secs)

    @property
    def eta_s(self) -> float | None:
        if not self._case_s:
            return None
        case_s = sum(self._case_s) / len(self._case_s)
        work = self.remaining * case_s
        for kind, left in self.shared_left.items():
            seen = list(self._shared_s.get(kind, {}).values())
            work += left * (sum(seen) / len(seen) if seen else case_s)
        return work / max(1, min(self.workers or 1, max(self.remaining, 1)))

    def line(self) -> str:
        eta = self.eta_s
        if not self.remaining:
            eta = 0.0
        eta_txt = "–" if eta is None else (f"{eta:.0f} s" if eta < 120 else f"{eta / 60:.1f} min")
        run = ""
        if self.running and self.remaining:
            run = "; running " + ", ".join(self.running[:3]) + (f" and {len(self.running) - 3} more"
                                                                  if len(self.running) > 3 else "")
        return (f"cases done {self.done}/{self.total}, failed {self.failed}"
                + (f" (resumed {self.skipped})" if self.skipped else "") + f", time left ≈ {eta_txt}" + run)


def describe(case: Case, width: int = 110) -> str:
    """``c00003-1a2b3c4d: battery=null, costs.pv.capex_cny_per_unit=2712`` (values shortened)."""
    def short(v):
        if isinstance(v, float):
            return f"{v:.4g}"
        text = json.dumps(v, ensure_ascii=False, default=str)
        return text if len(text) <= 40 else text[:37] + "..."

    text = f"{case.id}: " + ", ".join(f"{k}={short(v)}" for k, v in case.params.items())
    return text if len(text) <= width else text[: width - 3] + "..."


def case_path(out_dir: Path, case: Case) -> Path:
    return out_dir / "cases" / f"{case.id}.json"


def case_fingerprint(loaded_case) -> str | None:
    """What a case's result depends on: the scenario after its overrides (sha256 of the
    validated scenario), the run settings and the tool's version; ``None`` for a case whose
    overrides do not validate. A finished case is reused only with the same fingerprint: a
    sweep run again after the scenario, the sweep's ``hours`` or the tool changed reran
    nothing and mixed old results with new ones."""
    if isinstance(loaded_case, dict):
        return None
    import twin

    loaded, config = loaded_case
    text = json.dumps([loaded.sha256, config.to_dict(), twin.__version__], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_case(out_dir: Path, case: Case, fingerprint: str | None = None) -> dict | None:
    """The record of a finished case (ok or failed) made with ``fingerprint``
    (:func:`case_fingerprint`), or None."""
    try:
        rec = json.loads(case_path(out_dir, case).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if rec.get("id") != case.id or rec.get("fingerprint") != fingerprint:
        return None
    return rec


def write_case(out_dir: Path, record: dict) -> Path:
    """Write a case record atomically."""
    return atomic_write_text(out_dir / "cases" / f"{record['id']}.json",
                             json.dumps(record, ensure_ascii=False, indent=1, default=str) + "\n")


# --------------------------------------------------------------------------- tasks (run on workers)

_READY = False


def _process_ready() -> None:
    """Once per worker process: Pyomo's process lock swapped for a thread lock
    (:func:`twin.sweep.local._release_pyomo_process_lock`; the local engine does it when a
    worker starts, a Dask worker with its first task), so that a worker stopped or killed
    leaves no named semaphore behind ("resource_tracker: ... leaked semaphore" at exit)."""
    global _READY
    if not _READY:
        from twin.sweep.local import _release_pyomo_process_lock

        _release_pyomo_process_lock()
        _READY = True


def build_inputs(loaded):
    """Task: weather and full-year profiles shared by the cases of one profile key."""
    from twin.run import prepare_inputs

    _process_ready()
    t0 = time.perf_counter()
    inputs = prepare_inputs(loaded)
    object.__setattr__(inputs, "profiles_time_s", time.perf_counter() - t0)  # weather + profiles, wall
    return inputs


def build_baseline(loaded, config, inputs):
    """Task: the baseline (today's park) shared by the cases of one baseline group, or None."""
    from twin.run import shared_baseline

    _process_ready()
    return shared_baseline(loaded, worker_config(config), inputs)


def run_case(case: Case, loaded, config, inputs=None, attempt_dir: str | None = None, baseline=None) -> dict:
    """Task: run one case and return its record (never raises for a problem of the case).

    ``baseline``: the group's shared baseline (:func:`build_baseline`); used when the
    case's own baseline problem has the same digest, else the case solves its own.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    _process_ready()
    if attempt_dir:  # who tried which case (the fault-tolerance test reads these)
        try:
            Path(attempt_dir).mkdir(parents=True, exist_ok=True)
            (Path(attempt_dir) / f"{case.id}.{socket.gethostname()}.{os.getpid()}.{time.time_ns()}").touch()
        except OSError:
            pass
    base = {"id": case.id, "index": case.index, "grid_point": case.grid_point, "sample": case.sample,
            "params": case.params, "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        from twin.run import run

        shared = inputs is not None and inputs.key == _key(loaded)
        from twin.run import BASELINE_COUNTS, prime_baseline

        cfg = worker_config(config)
        prime_baseline(baseline)
        hits = BASELINE_COUNTS["hits"]
        r = run(loaded, cfg, inputs=inputs if shared else None)
        rec = {**base, "status": "ok", "error": "", "profile_key": _key(loaded), "shared_inputs": shared,
               "solver_threads": cfg.solver_threads, "shared_baseline": BASELINE_COUNTS["hits"] > hits,
               "shared_baseline_s": baseline[2] if baseline is not None and BASELINE_COUNTS["hits"] > hits else None,
               "baseline_group": baseline[0][:16] if baseline is not None else None,
               "shared_inputs_s": inputs.profiles_time_s if shared else None,
               **case_metrics(r)}
    except Exception as exc:  # noqa: BLE001  (recorded: the sweep goes on)
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        rec = {**base, "status": "failed", "error": f"{type(exc).__name__}: {exc}{where}"}
    rec["seconds"] = time.perf_counter() - t0
    rec["cpu_seconds"] = time.process_time() - c0
    return rec


#: HiGHS threads of a case in a worker process of the local engine (set by its initializer)
LOCAL_WORKER_THREADS: int | None = None


def worker_config(config):
    """The case's run configuration with HiGHS held to its worker's threads.

    HiGHS by default starts about half the machine's cores as threads; on a node running
    one single-threaded worker per core that oversubscribes the cores. Outside a worker,
    or where the run configuration already sets ``solver_threads``, it is unchanged.
    """
    from dataclasses import replace

    if config.solver_threads is not None:
        return config
    n = LOCAL_WORKER_THREADS
    if n is None:
        try:
            from distributed import get_worker

            n = int(get_worker().state.nthreads)
        except (ImportError, ValueError, AttributeError):
            return config
    return replace(config, solver_threads=max(1, n), sources={**config.sources, "solver_threads": "sweep worker"})


def baseline_group(profile_key: str, case: Case, config) -> str:
    """Cases expected to share today's park: same profiles, same overrides outside ``costs.``.

    Only a guess made on the client (candidate costs never reach the baseline); the
    baseline's digest decides in :func:`run_case`, so a wrong guess costs a solve, never
    a wrong result.
    """
    import hashlib

    rest = {p: v for p, v in case.overrides.items() if not p.startswith("costs.")}
    text = json.dumps([profile_key, rest, config.hours, config.solver_threads], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _key(loaded) -> str:
    from twin.run import profile_key

    return profile_key(loaded)


def case_metrics(r) -> dict:
    """Scalars and sizes of one finished run for the sweep dataset (units in the names)."""
    from twin.compare import ComparedRun, extras
    from twin.finance import finance_costs
    from twin.results.summary import stated_weather_uncertainty, targets_met
    from twin.results.units import flat_sizes
    from twin.sweep.collect import op_record

    s = r.summary
    em = s["emissions_tco2"]
    a = s.get("ledger", {}).get("annual", {}).get("planned", {})
    ex = extras(ComparedRun("case", s, costs=finance_costs(r.loaded.scenario)))
    core = a.get("carbon_intensity_tco2_per_tce")
    threshold, tier_official = None, None
    if r.ledger is not None and a.get("tce_total_tce") is not None:
        from twin.assess.national import core_tier

        tier = core_tier(float(a["tce_total_tce"]), r.ledger.settings)
        threshold, tier_official = tier["threshold_tco2_per_tce"], tier["official"]
    return {
        "annualised_cost_cny": s["annualised_cost_cny"], "capex_cny": s.get("capex_cny"),
        "baseline_cost_cny": s["baseline_cost_cny"], "npv_cny": ex["npv_cny"], "irr": ex["irr"],
        "simple_payback_years": ex["simple_payback_years"], "lcoe_cny_per_mwh": ex["lcoe_cny_per_mwh"],
        "lcoh_cny_per_mwh": ex["lcoh_cny_per_mwh"],
        "baseline_tco2": em["baseline"], "gross_tco2": em["gross"], "process_tco2": em.get("process", 0.0),
        "residual_tco2": em["residual"],
        "offsets_tco2": em["offsets"], "net_tco2": em["net"], "acceptance_tco2": a.get("co2_acceptance_t"),
        "core_tco2_per_tce": core, "core_threshold_tco2_per_tce": threshold, "core_tier_official": tier_official,
        "core_met": (None if core is None or threshold is None or math.isnan(core) else bool(core <= threshold)),
        # False where the case was planned for the best reachable value (objective.out_of_reach: closest)
        "targets_met": targets_met(s),
        "pv_share": s.get("pv_share_of_electricity"), "renewable_share": a.get("renewable_share"),
        "clean_share": a.get("clean_energy_share"), "grid_import_mwh": s.get("energy_mwh", {}).get("grid_import"),
        # summary.json's district_heat (twin.statistics.district_heat_bill), the same numbers as report and compare
        "district_heat_mwh": (s.get("district_heat") or {}).get("plan", {}).get("heat_mwh"),
        "district_heat_cost_cny": (s.get("district_heat") or {}).get("plan", {}).get("cost_cny"),
        # summary.json's tariff (twin.statistics.grid_import_by_month): each hour's import at its season's price
        "grid_energy_cost_cny": (s.get("tariff") or {}).get("plan", {}).get("energy_cost_cny"),
        "annual_ghi_kwh_m2": s.get("weather", {}).get("annual_ghi_kwh_m2"),
        "annual_mean_temperature_c": s.get("weather", {}).get("annual_mean_temperature_c"),
        "weather_ghi_uncertainty": stated_weather_uncertainty(s, "expected_uncertainty"),
        "weather_temperature_uncertainty_k": stated_weather_uncertainty(
            s, "expected_temperature_uncertainty_k"),
        "radiation_basis": s.get("weather", {}).get("radiation_basis", ""),
        "temperature_period": s.get("weather", {}).get("temperature_period", ""),
        "hours": s["hours"], "objective": s["solver"]["objective"], "solver_status": s["solver"]["status"],
        "solve_time_s": s["solver"]["solve_time_s"], "sha256": s["scenario"]["sha256"],
        "sizes": flat_sizes(s.get("sizes", {})),
        # capacity above today's park (the baseline's sizes are the existing assets)
        "new_sizes": _new_sizes(flat_sizes(s.get("sizes", {})), flat_sizes(getattr(r.baseline, "sizes", {}) or {})),
        **op_record(s.get("operation"), s.get("timing_s", {}).get("operation")),
    }


def _new_sizes(plan: dict, existing: dict) -> dict:
    """Size above the existing one per asset [kWp, kWh, kW, 1] (never negative)."""
    return {k: max(float(v) - float(existing.get(k, 0.0)), 0.0) for k, v in plan.items()}


# --------------------------------------------------------------------------- the client

@dataclass
class SweepResult:
    """What a sweep call did: counts and every record of the sweep's cases."""

    progress: SweepProgress
    records: list[dict]
    interrupted: bool = False


ENGINES = ("processes", "dask")


def choose_engine(engine: str | None, *, client=None, scheduler: str | None = None) -> str:
    """The engine of a sweep: Dask for a given client or scheduler, else worker processes.

    Raises
    ------
    ValueError
        For an unknown engine, or a scheduler address with the processes engine.
    """
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    if client is not None or scheduler:
        if engine == "processes":
            raise ValueError("a Dask scheduler address (or client) needs the dask engine, not 'processes'")
        return "dask"
    return engine or "processes"


def start_client(workers: int | None = None, scheduler: str | None = None):
    """A Dask client: of the given scheduler, or of a new LocalCluster (returned so it can be closed).

    The LocalCluster's worker processes ignore Ctrl-C: the terminal sends it to the whole
    process group, and each worker printed a 30-line KeyboardInterrupt traceback while the
    client was stopping the sweep cleanly. They start with SIGINT ignored (the client ignores
    it while it spawns them, and a child keeps an ignored signal) and the preload
    :mod:`twin.sweep.dask_worker` ignores it again in a worker the nanny restarts. A given
    scheduler's workers are left as they are.
    """
    import logging
    import signal
    import threading

    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    from twin.compare import available_cores

    n = workers or max(1, available_cores())
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        # the scheduler's HTTP server on a free port: two sweeps (or a sweep and the tests) at once
        # would otherwise race for the default 8787 and one of them fail to start
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=":0", silence_logs=logging.ERROR,
                               preload=["twin.sweep.dask_worker"])
    finally:
        if main:
            signal.signal(signal.SIGINT, old)
    try:
        return Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


def failure_record(case: Case, error: str) -> dict:
    """The record of a case that did not get a result from a worker."""
    return {"id": case.id, "index": case.index, "grid_point": case.grid_point, "sample": case.sample,
            "params": case.params, "worker": "", "seconds": 0.0, "status": "failed", "error": error}


#: Folder of a sweep's output where records that do not belong to the sweep as it is now are moved.
STALE_DIR = "stale_cases"
#: Hidden folder of a sweep's output with one empty file per attempt to run a case.
ATTEMPTS_DIR = ".attempts"


def set_aside_stale(out_dir: Path, prints: dict[str, str | None]) -> int:
    """Move the records in ``DIR/cases`` that are not of this sweep's cases as they are now
    (another case id, or another fingerprint: the scenario, settings or tool changed) to
    ``DIR/stale_cases``; returns how many. Nothing is deleted, and ``cases/`` then holds only
    records the sweep's outputs are made of."""
    stale = out_dir / STALE_DIR
    n = 0
    for f in sorted((out_dir / "cases").glob("*.json")):
        cid = f.stem
        if cid in prints:
            try:
                rec = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError, UnicodeDecodeError):
                rec = None
            if isinstance(rec, dict) and rec.get("id") == cid and rec.get("fingerprint") == prints[cid]:
                continue
        stale.mkdir(exist_ok=True)
        os.replace(f, stale / f.name)
        n += 1
    return n


def _where(engine: str, n: int, asked: int | None, to_run: int, client=None, scheduler: str | None = None) -> str:
    """Where the cases run, for the first progress line."""
    if scheduler or client is not None:
        addr = scheduler or getattr(getattr(client, "scheduler", None), "address", "")
        return f"the Dask cluster at {addr}"
    what = f"{n} worker process" + ("es" if n != 1 else "")
    if asked and asked > n:
        what += f"; {asked} asked, capped at the {to_run} case{'s' if to_run != 1 else ''} to run"
    elif not asked:
        what += ", one per core available"
    return f"a local Dask cluster ({what})" if engine == "dask" else f"this machine ({what})"


def run_cases(cases: list[Case], loaded_cases: dict[str, Any], out_dir: Path, *,
              client=None, workers: int | None = None, scheduler: str | None = None, engine: str | None = None,
              retry_failed: bool = False, on_progress: Callable[[SweepProgress, dict | None], None] | None = None,
              attempts: bool = True, notes: list[str] | None = None) -> SweepResult:
    """Run the cases not finished yet and write each record as it arrives.

    Parameters
    ----------
    cases
        From :func:`twin.sweep.cases.make_cases`.
    loaded_cases
        Case id -> ``(LoadedScenario, RunConfig)``, or a failure record for a case whose
        overrides do not validate: ``{"status": "failed", "error": ...}``.
    client, scheduler
        An existing ``distributed.Client`` or a scheduler address (the dask engine).
    workers
        Worker processes started on this machine [default: the cores available]; never
        more than the cases to run.
    engine
        ``processes`` or ``dask`` (:func:`choose_engine`).
    on_progress
        Called with the counts and the record of a case that finished; with None as record
        first (``progress.where``, ``progress.notes``) and when tasks start
        (``progress.started_now``).
    notes
        Said with the first call of ``on_progress``.
    """
    engine = choose_engine(engine, client=client, scheduler=scheduler)
    out_dir = Path(out_dir)
    (out_dir / "cases").mkdir(parents=True, exist_ok=True)
    prog = SweepProgress(total=len(cases), notes=list(notes or []))
    records: dict[str, dict] = {}
    todo: list[Case] = []
    prints = {c.id: case_fingerprint(loaded_cases[c.id]) for c in cases}
    moved = set_aside_stale(out_dir, prints)
    if moved:
        prog.notes.append(f"{moved} record(s) in {out_dir / 'cases'} not of this sweep's cases as they are now "
                          f"(another case, scenario, setting or tool version) moved to {out_dir / STALE_DIR}/")
    for c in cases:
        rec = read_case(out_dir, c, prints[c.id])
        if rec is not None and (rec["status"] == "ok" or not retry_failed):
            records[c.id] = rec
            prog.skipped += 1
            prog.done += rec["status"] == "ok"
            prog.failed += rec["status"] != "ok"
            continue
        lc = loaded_cases[c.id]
        if isinstance(lc, dict):  # overrides that do not validate: recorded without running
            rec = {**failure_record(c, ""), **lc, "fingerprint": None}
            write_case(out_dir, rec)
            records[c.id] = rec
            prog.failed += 1
            continue
        todo.append(c)
    prog.to_run = len(todo)
    if todo:
        own = client is None and not scheduler
        if own:
            from twin.compare import available_cores

            n = max(1, min(workers or available_cores(), len(todo)))
        else:
            n = 0  # the cluster's threads, known once connected
        prog.workers = n
        prog.where = _where(engine, n, workers, len(todo), client, scheduler)
    if on_progress:
        on_progress(prog, None)
    if not todo:
        return SweepResult(prog, [records[c.id] for c in cases if c.id in records])

    attempt_dir = str((out_dir / ATTEMPTS_DIR).absolute()) if attempts else None
    if engine == "dask":
        stream = _dask_results(todo, loaded_cases, attempt_dir, client=client, workers=n or None,
                               scheduler=scheduler)
    else:
        from twin.sweep.local import process_results

        stream = process_results(todo, loaded_cases, attempt_dir, out_dir / ".shared", workers=n)
    interrupted = False
    running: dict = {}
    announced: set = set()  # cases whose start (with their swept values) was shown
    try:
        for event in stream:
            kind = event[0]
            if kind == "ready":  # the workers are up: the time left is estimated from here
                prog.started = time.perf_counter()
                prog.workers = event[1] or prog.workers
                prog.shared_left = dict(event[2])
            elif kind == "shared":  # a shared task finished
                prog.shared_left[event[1]] = max(0, prog.shared_left.get(event[1], 0) - 1)
            elif kind == "running":
                now = event[1]
                prog.started_now = [describe(v) if isinstance(v, Case) else v for k, v in now.items()
                                    if k not in running]
                announced.update(v.id for v in now.values() if isinstance(v, Case))
                prog.running = [v.id if isinstance(v, Case) else v for v in now.values()]
                running = dict(now)
                if prog.started_now and on_progress:
                    on_progress(prog, None)
                prog.started_now = []
            else:
                _, c, rec = event
                rec = {**rec, "fingerprint": prints[c.id]}
                write_case(out_dir, rec)
                records[c.id] = rec
                prog.record(rec)
                running.pop(f"case-{c.id}", None)
                prog.running = [x for x in prog.running if x != c.id]
                if on_progress:
                    # a case done before a poll saw it start: its swept values go with its done line
                    on_progress(prog, rec if c.id in announced else {**rec, "what": describe(c)})
    except KeyboardInterrupt:
        interrupted = True  # finished cases are on disk; the engine stops the rest as it closes
    finally:
        stream.close()
    return SweepResult(prog, [records[c.id] for c in cases if c.id in records], interrupted)


def task_label(kind: str, cases: list[Case]) -> str:
    """A shared task, for people: what it computes and for which cases."""
    what = "weather and profiles" if kind == "inputs" else "today's park (baseline)"
    ids = ", ".join(c.id for c in cases[:2]) + (f" and {len(cases) - 2} more" if len(cases) > 2 else "")
    return f"{what} for {ids}"


def _executing(dask_worker) -> list[str]:
    """On a Dask worker: keys of the tasks it is executing now (not those queued on it)."""
    return sorted(str(ts.key) for ts in dask_worker.state.executing)


def _dask_running(client, labels: dict, before: dict) -> dict:
    """Key -> case or label of the tasks the cluster's workers are executing now."""
    try:
        keys = sorted(k for ks in client.run(_executing, on_error="ignore").values()
                      if isinstance(ks, list) for k in ks)
    except Exception:  # noqa: BLE001  (a scheduler or worker lost for a moment: keep what was known)
        return before
    return {k: labels[k] for k in keys if k in labels}


def _dask_results(todo: list[Case], loaded_cases: dict[str, Any], attempt_dir: str | None, *,
                  client=None, workers: int | None = None, scheduler: str | None = None):
    """Events of the sweep on Dask (see :func:`twin.sweep.local.process_results`):
    ``("ready", threads, shared tasks by kind)`` once the cluster is ready,
    ``("running", {key: case or label})`` when that changes, ``("shared", kind)`` as a
    shared task finishes and ``("case", case, record)`` as each case finishes."""
    own = client is None
    cluster = None
    if own:
        client, cluster = start_client(workers, scheduler)
    futures = []
    finished = False
    try:
        from distributed import as_completed

        groups: dict[str, Any] = {}
        baselines: dict[str, Any] = {}
        by_key = {}
        labels: dict[str, Any] = {}
        of: dict[str, list[Case]] = {}  # shared task key -> its cases
        for c in todo:
            lc, config = loaded_cases[c.id]
            k = _key(lc)
            of.setdefault(f"inputs-{k}", []).append(c)
            of.setdefault(f"baseline-{baseline_group(k, c, config)}", []).append(c)
        for c in todo:
            lc, config = loaded_cases[c.id]
            k = _key(lc)
            if k not in groups:  # weather and profiles once per profile key, shared by its cases
                groups[k] = client.submit(build_inputs, lc, key=f"inputs-{k}", pure=False, retries=1)
                labels[f"inputs-{k}"] = task_label("inputs", of[f"inputs-{k}"])
            b = baseline_group(k, c, config)
            if b not in baselines:  # today's park once per group of cases that leave it alike
                baselines[b] = client.submit(build_baseline, lc, config, groups[k], key=f"baseline-{b}",
                                             pure=False, retries=1)
                labels[f"baseline-{b}"] = task_label("baseline", of[f"baseline-{b}"])
            f = client.submit(run_case, c, lc, config, groups[k], attempt_dir, baselines[b],
                              key=f"case-{c.id}", pure=False, retries=1)
            futures.append(f)
            by_key[f.key] = c
            labels[f"case-{c.id}"] = c
        threads = workers if own else sum(client.nthreads().values())
        yield "ready", threads, {"inputs": len(groups), "baseline": len(baselines)}
        ac = as_completed([*futures, *groups.values(), *baselines.values()])
        running: dict = {}
        polled = 0.0
        while not ac.is_empty():
            if not ac.has_ready():
                if time.perf_counter() - polled >= 1.0:
                    polled = time.perf_counter()
                    now = _dask_running(client, labels, running)
                    if now != running:
                        running = now
                        yield "running", now
                time.sleep(0.1)
                continue
            fut = next(ac)
            if fut.key not in by_key:
                yield "shared", "inputs" if str(fut.key).startswith("inputs-") else "baseline"
                continue
            c = by_key[fut.key]
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001  (KilledWorker, failed shared inputs, lost scheduler)
                rec = failure_record(c, f"{type(exc).__name__}: {exc}")
            fut.release()
            yield "case", c, rec
        finished = True
    finally:
        try:  # an interrupted sweep: stop what is still running
            client.cancel([f for f in futures if not f.done()])
        except Exception:  # noqa: BLE001, S110  (a lost scheduler: nothing left to cancel)
            pass
        if own:
            _close_own(client, cluster, quiet=not finished)


def _close_own(client, cluster, quiet: bool) -> None:
    """Close the sweep's own LocalCluster; after an interruption without the workers' (and the
    in-process scheduler's) log of transfers cut short as they stop."""
    import logging

    from twin.sweep.dask_worker import quiet_logs

    levels = {}
    if quiet:
        try:
            client.run(quiet_logs, on_error="ignore")
        except Exception:  # noqa: BLE001, S110  (a worker already gone: nothing to silence)
            pass
        levels = {n: logging.getLogger(n).level for n in list(logging.root.manager.loggerDict)
                  if n == "distributed" or n.startswith("distributed.")}
        quiet_logs()
    try:
        client.close()
    finally:
        try:
            if cluster is not None:
                cluster.close()
        finally:
            for n, level in levels.items():
                logging.getLogger(n).setLevel(level)
