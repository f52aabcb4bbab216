"""One run of a park: scenario → weather → profiles → baseline and sizing → ledger and scores.

:func:`run` is pure: it neither prints nor writes files (progress goes to an optional
callback) and returns a :class:`Run` holding every object of the run, its summary and its
results dataset. :func:`write` publishes a run's outputs. ``twin run`` is ``run`` then
``write``; variants, comparisons and sweeps call ``run`` directly.

>>> from twin.scenario.loader import load_scenario
>>> from twin.scenario.run_config import resolve_run_config
>>> loaded = load_scenario("scenarios/office_guangzhou.yaml")
>>> r = run(loaded, resolve_run_config(loaded.scenario, hours=168, objective="min_cost"))  # doctest: +SKIP
>>> write(r, "out/office_week")                                                           # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from twin.scenario.loader import LoadedScenario
from twin.scenario.run_config import RunConfig


class UserInputError(ValueError):
    """A problem the user can fix (bad data file, infeasible target); printed without a traceback."""


class Progress(Protocol):
    """Progress callback of :func:`run` (``twin.cli.Progress`` prints it on stderr)."""

    def stage(self, text: str) -> None:
        """A stage starts."""

    def done(self, detail: str = "") -> None:
        """The current stage ended (``detail``: a short result)."""

    def note(self, text: str) -> None:
        """Something the user should read (weather repairs, solver fallbacks)."""


class Silent:
    """A :class:`Progress` that reports nothing."""

    def stage(self, text: str) -> None:
        pass

    def done(self, detail: str = "") -> None:
        pass

    def note(self, text: str) -> None:
        pass


def solver_tick(prog) -> Callable[[str], None] | None:
    """Where a long HiGHS run says how far it is (``SolveOptions.tick``): the stage line of a
    progress that has one and is not quiet, else nowhere."""
    return None if getattr(prog, "quiet", False) else getattr(prog, "tick", None)


#: Stages :func:`run` reports (the CLI adds reading the scenario and writing the outputs).
RUN_STAGES = 5


@dataclass
class Run:
    """Everything one run produced, in memory.

    Attributes
    ----------
    loaded : LoadedScenario
        The scenario as loaded (path, hash, overrides).
    config : RunConfig
        The resolved run configuration.
    weather : weather.WeatherMeta
        Where the weather came from (source, position, notes).
    profiles : xarray.Dataset
        Hourly component profiles of the modelled horizon (dimension ``time``).
    result, baseline : solvers.SizingResult
        The sized plan and the baseline (existing assets only).
    ledger : twin.ledger.Ledger
        Energy and carbon accounts of plan and baseline (``ledger.planned.statistics`` are
        the annual energies, :mod:`twin.statistics`).
    scorecard, indicators : optional
        T/CSUS 66-2023 scorecard and 910号 indicators; ``None`` for a horizon shorter than a year.
    summary : dict
        ``summary.json`` content (docs/outputs.md).
    dataset : xarray.Dataset
        ``results.nc`` content.
    timing_s : dict
        Stage times [s].
    representative_days : dict or None
        Facts of the representative-day sizing when ``config.representative_days`` is set.
    operation : twin.operate.stage.OperationResult or None
        The park operated hour by hour by each controller (``config.operate``), with the gap
        to the optimum; also in ``summary["operation"]`` and the ``op_*`` variables of the dataset.
    """

    loaded: LoadedScenario
    config: RunConfig
    weather: Any
    profiles: Any
    result: Any
    baseline: Any
    ledger: Any
    scorecard: Any = None
    indicators: Any = None
    summary: dict = field(default_factory=dict)
    dataset: Any = None
    timing_s: dict = field(default_factory=dict)
    representative_days: dict | None = None
    operation: Any = None
    grid: Any = None
    """:class:`twin.grid.feedback.GridResult` when the scenario has ``grid.network``."""
    shortfalls: list = field(default_factory=list)
    """Requirements out of reach, each met as closely as it can be (``out_of_reach="closest"``):
    :func:`twin.targets.shortfall_rows`; also ``summary["shortfalls"]``."""

    @property
    def statistics(self):
        """Annual statistics of the plan (:class:`twin.statistics.AnnualStatistics`)."""
        return self.ledger.planned.statistics

    @property
    def baseline_statistics(self):
        """Annual statistics of the baseline."""
        return self.ledger.baseline.statistics

    def headline(self) -> str:
        """A few lines for the terminal (sizes, emissions, cost, scores)."""
        from twin.results.summary import headline

        return headline(self.summary)


#: Scenario fields the weather and the hourly profiles depend on (twin/profiles.py reads only
#: these); runs that agree on them can share one :class:`RunInputs`. Keep in step with
#: ``build_profiles`` (tests/test_sweep.py checks a change outside them leaves profiles equal).
PROFILE_FIELDS = ("site", "park.planning_year", "grid.tariff", "grid.emission_factor", "process_loads",
                  "process_heat", "process_cooling", "buildings", "pv_arrays", "ev_fleets", "waste_heat",
                  "heat_pumps")


@dataclass(frozen=True)
class RunInputs:
    """Weather and full-year hourly profiles of a scenario, computed once and shared.

    Sweeps and comparisons pass one to :func:`run` for every case whose
    :func:`profile_key` is the same, instead of simulating weather, buildings and EV
    fleets again.
    """

    key: str
    weather_df: Any
    weather_meta: Any
    site: Any
    profiles: Any
    profiles_time_s: float


def profile_key(loaded: LoadedScenario) -> str:
    """Hash of the scenario fields the profiles depend on (:data:`PROFILE_FIELDS`) and the file's folder."""
    import hashlib
    import json

    from twin.scenario.overrides import get_path

    dump = loaded.scenario.model_dump(mode="json")
    part = {f: get_path(dump, f) for f in PROFILE_FIELDS}
    text = json.dumps([str(loaded.base_dir.resolve()), part], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def prepare_inputs(loaded: LoadedScenario) -> RunInputs:
    """Weather and full-year profiles of a scenario (:class:`RunInputs`).

    Raises
    ------
    UserInputError
        For a weather or data file the user can fix.
    """
    from twin.profiles import build_profiles, load_weather

    try:
        wdf, wmeta, site = load_weather(loaded)
    except ValueError as exc:
        raise UserInputError(f"weather: {exc}") from None
    t0 = time.perf_counter()
    try:
        prof = build_profiles(loaded, wdf, site)
    except ValueError as exc:
        raise UserInputError(f"profiles: {exc}") from None
    return RunInputs(profile_key(loaded), wdf, wmeta, site, prof, time.perf_counter() - t0)


#: The note of a run whose baseline keeps plant its plan no longer has (:func:`run`, ``baseline_scenario``).
BASELINE_KEEPS_NOTE = ("the baseline keeps today's plant that has retired by the end of this pathway period like for "
                       "like, as if replaced as it was; the plan has none of it (the pathway's report lists what "
                       "retired when)")


def run(loaded: LoadedScenario, config: RunConfig, progress: Progress | None = None,
        inputs: RunInputs | None = None, *, out_of_reach: str | None = None, baseline_scenario=None) -> Run:
    """Run the whole chain for one scenario, in memory.

    Parameters
    ----------
    loaded : LoadedScenario
        From :func:`twin.scenario.loader.load_scenario`.
    config : RunConfig
        From :func:`twin.scenario.run_config.resolve_run_config`.
    progress : Progress, optional
        Told about each of the :data:`RUN_STAGES` stages; nothing is printed without it.
    inputs : RunInputs, optional
        Weather and profiles computed before (:func:`prepare_inputs`) for a scenario with
        the same :func:`profile_key`; computed here when absent.
    out_of_reach : {"error", "closest"}, optional
        A target, net-zero bound or residual cap that no plan can meet: ``"error"`` raises
        :class:`UserInputError` saying by how much; ``"closest"`` plans for its best reachable
        value instead (least cost there) and states the shortfall in ``Run.shortfalls`` and
        ``summary["shortfalls"]`` (a pathway's period always). Default: ``config.out_of_reach``
        (the scenario's ``objective.out_of_reach`` or ``twin run --out-of-reach``).
    baseline_scenario : Scenario, optional
        The park the baseline keeps, where it differs from ``loaded``'s in its existing plant alone (same
        profiles): a pathway period whose plan has lost today's retired plant keeps it like for like in
        its baseline (:mod:`twin.pathway.existing`). Default: ``loaded.scenario``.

    With representative days, the sizes are dispatched over the full year; where the sized
    assets cannot meet a requirement on the full year (the days only approximate it), the
    full year is sized again with the representative-day sizes as minimum sizes (noted in
    ``summary.solver.representative_days.resized``), so the plan meets on the full year what
    it met on the days.

    Returns
    -------
    Run

    Raises
    ------
    UserInputError
        For problems the user can fix (data files, infeasible targets, a bad rubric).
    """
    from twin.profiles import build_profiles, load_weather

    sc = loaded.scenario
    prog = progress or Silent()
    t_start = time.perf_counter()

    if inputs is not None and inputs.key != profile_key(loaded):
        raise ValueError("run(): the shared inputs were computed for a scenario with other profile fields")
    prog.stage("weather")
    if inputs is None:
        try:
            wdf, wmeta, site = load_weather(loaded)
        except ValueError as exc:
            raise UserInputError(f"weather: {exc}") from None
    else:
        wdf, wmeta, site = inputs.weather_df, inputs.weather_meta, inputs.site
    from twin.report_text import text

    zone = (wmeta.climate_zone or {}).get("subzone")  # every source states it (a station's too)
    design = wmeta.design_temperatures or {}  # the buildings' design temperatures (GB 50736-2012)
    prog.done(f"{text('weather_source_' + wmeta.source, 'en')}, GHI {wdf['ghi'].sum() / 1000:.0f} kWh/m2"
              + (f", climate zone {zone}" if zone else "")
              + (f", design temperatures heating {design['heating_c']:.1f} °C, cooling {design['cooling_c']:.1f} °C"
                 if design.get("heating_c") is not None and design.get("cooling_c") is not None else "")
              + (f", wet-bulb {design['wet_bulb_c']:.1f} °C" if design.get("wet_bulb_c") is not None else ""))
    for n in wmeta.notes:
        prog.note(n)

    prog.stage("component profiles")
    t0 = time.perf_counter()
    if inputs is None:
        try:
            prof = build_profiles(loaded, wdf, site)
        except ValueError as exc:
            raise UserInputError(f"profiles: {exc}") from None
    else:
        prof = inputs.profiles
    from twin.plan import first_hours

    prof = first_hours(prof, config.hours)
    t_profiles = time.perf_counter() - t0
    prog.done(f"{prof.sizes['time']} h")

    import solvers as S

    prog.stage("baseline (existing assets only)")
    base_res = solve_baseline(*baseline_problem(sc if baseline_scenario is None else baseline_scenario, prof,
                                                config))
    prog.done(f"{base_res.emissions['net_t'] + base_res.emissions.get('offsets_t', 0):,.0f} tCO2")

    kind = config.objective
    k = f", {config.representative_days} representative days" if config.representative_days else ""
    prog.stage(f"sizing ({kind}{k}, HiGHS)")
    problem = sizing_problem(sc, prof, config)
    from twin.targets import TargetError, annotate, with_targets

    try:  # targets of the scenario (910号 core indicator, shares, residual): rows of the sizing
        problem, target_notes = with_targets(problem, sc, prof, base_res.dispatch)
    except TargetError as exc:
        raise UserInputError(str(exc)) from None
    sopts = S.SolveOptions(solver=config.solver_method, time_limit_s=config.time_limit_s, threads=config.solver_threads,
                           save_model=str(config.save_model) if config.save_model else None,
                           progress=prog.note, tick=solver_tick(prog),
                           # a run held to one thread (a sweep's worker) solves the front's ends one after the other
                           pareto_beside=config.solver_threads is None or config.solver_threads > 1)
    agg_info = None
    closest = (out_of_reach or config.out_of_reach) == "closest"
    originals: dict[str, dict] = {}  # requirements out of reach, as the planner set them
    levers: list[str] = []
    where = "the full year" if prof.sizes["time"] == 8760 else f"the first {prof.sizes['time']} h"
    if config.representative_days and prof.sizes["time"] == 8760:
        res, problem, agg_info, where, pareto = size_on_days(problem, config.representative_days, sopts, prog,
                                                             closest=closest, originals=originals, levers=levers)
    else:
        res, problem = _solve_closest(problem, sopts, "sizing", closest, originals, levers,
                                      horizon_hint=_short_horizon_hint(prof))
    if agg_info is not None and kind == "pareto":
        res.pareto = pareto
    prog.done(f"{res.status}, {res.n_variables:,} variables, {res.algorithm} {res.solve_time_s:.1f} s")
    shortfalls: list[dict] = []
    if originals:
        from twin.targets import shortfall_rows

        res.targets, shortfalls = shortfall_rows(res.targets, originals, res.emissions, levers, where)
        for sf in shortfalls:
            prog.note("OUT OF REACH: " + sf["sentence"])
            for x in sf["remains"]:
                prog.note("  " + x)
    res.targets = annotate(res.targets, target_notes, sc.accounting, sizes_fixed=agg_info is not None)
    res.solver_notes = with_limit_advice(res.solver_notes)  # a run at its time limit: what to do
    if baseline_scenario is not None:  # a pathway period: its baseline keeps today's retired plant
        res.solver_notes.append(BASELINE_KEEPS_NOTE)
    for n in res.solver_notes:
        prog.note(n)

    grid_res = None
    if sc.grid.network is not None:
        prog.stage("park grid: hourly AC power flow (pandapower + lightsim2grid)")
        grid_res = grid_check(sc, prof, res, problem, lambda q: S.solve(q, sopts))
        res = grid_res.result  # re-solved within the grid's limits when the feedback loop ran
        problem = grid_res.problem  # with those hourly limits: the operated years keep to them too
        from twin.grid.violations import verdict_text

        grid_summary = grid_res.summary(prof["time"].values)
        prog.done(verdict_text(grid_summary))  # what fails, how badly, what the upgrade costs
        for n in grid_res.notes:
            prog.note(n)

    prog.stage("ledger and scorecard")
    from twin.evaluate import assess_run

    try:
        ledger, scorecard, indicators = assess_run(loaded, prof, res, base_res, config.rubric)
    except ValueError as exc:  # e.g. a user rubric file that does not validate
        raise UserInputError(str(exc)) from None
    out = Run(loaded=loaded, config=config, weather=wmeta, profiles=prof, result=res, baseline=base_res,
              ledger=ledger, scorecard=scorecard, indicators=indicators, representative_days=agg_info,
              grid=grid_res, shortfalls=shortfalls)
    out.timing_s = {"profiles": t_profiles, "total": time.perf_counter() - t_start}
    out.summary = _summary(out)
    if shortfalls:
        out.summary["shortfalls"] = shortfalls
    out.summary["grid"] = (grid_summary if grid_res is not None else
                           {"verdict": "not_checked", "note": "no grid.network section in the scenario: the park grid "
                            "was not checked (add 'network: {}' under grid for the default radial layout)"})
    out.dataset = _dataset(out)
    if grid_res is not None:
        gds = grid_res.dataset(prof["time"].values)
        out.dataset = out.dataset.assign({v: gds[v] for v in gds.data_vars})
    prog.done()
    _operate(out, problem, prog)
    if grid_res is not None and out.operation is not None and out.operation.dispatch:
        _grid_operated(out)
    from twin.results.summary import cite_sources

    cite_sources(out.summary)  # with what the later stages cite too
    return out


def _grid_operated(r: Run) -> None:
    """The park-grid check of each operated year (same network, no feedback)."""
    import xarray as xr

    from twin.grid.feedback import check_operated

    ops = {k: v.assign_coords(time=r.profiles["time"].values) if "time" in v.dims else v
           for k, v in r.operation.dispatch.items()}
    summ, ds = check_operated(r.grid, r.loaded.scenario, r.profiles, ops)
    r.summary["grid"]["operated"] = summ
    if ds.data_vars:
        r.dataset = xr.merge([r.dataset, ds], compat="override", join="outer", combine_attrs="override")


def _operate(r: Run, problem, prog) -> None:
    """The operation stage (``config.operate``): adds ``summary["operation"]`` and ``op_*`` variables."""
    from twin.operate.stage import controllers_for, operate_plan, progress_reporter

    sc = r.loaded.scenario
    ops = controllers_for(r.config.operate, sc)
    if not ops:
        return
    import xarray as xr

    from twin.io import json_safe
    from twin.operate.spec import OperationSpec

    prog.stage(f"operation hour by hour ({', '.join(ops)})")
    t0 = time.perf_counter()
    connection = transformers = None
    if r.grid is not None:
        from twin.grid.feedback import connection_rating, merged, site_transformer_ratings
        from twin.grid.timeseries import asset_series

        loads, pv = asset_series(sc, merged(r.profiles, r.result.dispatch))  # the published plan's flows
        connection = connection_rating(r.grid, sc.grid.network, loads, pv)
        transformers = site_transformer_ratings(r.grid, sc.grid.network, loads, pv)
    try:
        op = operate_plan(sc, r.profiles, problem, r.result, sc.operation or OperationSpec(), ops,
                          progress=progress_reporter(getattr(prog, "tick", None)), connection=connection,
                          transformers=transformers)
    except ValueError as exc:
        raise UserInputError(f"operation: {exc}") from None
    r.operation = op
    r.summary["operation"] = json_safe(op.summary)
    if op.dataset.data_vars:
        ds = op.dataset.assign_coords(time=r.dataset["time"].values)
        r.dataset = xr.merge([r.dataset, ds], compat="override", join="outer", combine_attrs="override")
    r.timing_s["operation"] = time.perf_counter() - t0
    r.summary.setdefault("timing_s", {})["operation"] = r.timing_s["operation"]
    gaps = op.summary.get("gap", {})
    prog.done(", ".join(f"{k} {v['annualised_cost_pct']:+.2f} % cost"
                        + ("" if v.get("like_for_like", True) else
                           f" (not like for like: {v['unserved_mwh']['total']:,.1f} MWh/yr unserved, "
                           f"{v['unserved_energy_cny']:+,.0f} CNY/yr at the value of lost load)")
                        for k, v in gaps.items()))
    for n in op.summary.get("warnings", []):
        prog.note(n)
    if any(not v.get("like_for_like", True) for v in gaps.values()):
        st = op.summary["settings"]
        prog.note(f"value of lost load {st['value_of_lost_load_cny_per_kwh']:g} CNY/kWh "
                  f"({st['value_of_lost_load_source']}; operation.value_of_lost_load_cny_per_kwh)")
    for n in op.summary.get("faults", []):
        prog.note(f"fault {n}")
def run_stages(sc) -> int:
    """Stages :func:`run` reports for scenario ``sc`` (one more with a park-grid check)."""
    return RUN_STAGES + (1 if sc.grid.network is not None else 0)


def grid_check(sc, prof, res, problem, solve):
    """The park-grid stage (:func:`twin.grid.feedback.grid_stage`), user errors made readable.

    Only what the grid stage knows to be the input's (:class:`twin.grid.spec.GridInputError`) is
    reported as an input error; anything else is a fault of the tool and says so, with the
    exception, instead of reading as a message about the scenario.
    """
    from twin.grid.feedback import grid_stage
    from solvers.problem import InfeasibleError, UndecidedError
    from twin.grid.spec import GridInputError
    from twin.io import OutputError

    try:
        return grid_stage(sc, prof, res, problem, solve)
    except GridInputError as exc:
        raise UserInputError(str(exc) if str(exc).startswith("grid.network") else f"grid.network: {exc}") from None
    except (UserInputError, OutputError, OSError, InfeasibleError, UndecidedError, MemoryError):
        raise  # a re-solve's own errors (a time limit, --save-model on a full disk) keep their words
    except Exception as exc:  # noqa: BLE001 - a bug of the grid stage, not of the input
        raise UserInputError(f"internal error of the park-grid check ({type(exc).__name__}: {exc}); this is a bug, "
                             "please report it with the scenario file") from exc


def sizing_problem(sc, prof, config: RunConfig):
    """The sizing problem of the scenario with the run configuration's objective and Pareto points."""
    from dataclasses import replace

    from twin.plan import build_problem

    problem = build_problem(sc, prof, objective=config.objective)
    if problem.pareto_points != config.pareto_points:
        problem = replace(problem, pareto_points=config.pareto_points)
    return problem


def _summary(r: Run) -> dict:
    from twin.results.summary import build_summary

    return build_summary(loaded=r.loaded, config=r.config, weather=r.weather, prof=r.profiles, res=r.result,
                         base_res=r.baseline, statistics=r.statistics, baseline_statistics=r.baseline_statistics,
                         ledger=r.ledger, scorecard=r.scorecard, indicators=r.indicators, timing_s=r.timing_s,
                         representative_days=r.representative_days)


def _dataset(r: Run):
    from twin.results.dataset import build_dataset

    return build_dataset(loaded=r.loaded, config=r.config, weather=r.weather, prof=r.profiles, res=r.result,
                         base_res=r.baseline, summary=r.summary, ledger=r.ledger, scorecard=r.scorecard)


#: Baselines solved in this process, newest last: problem digest -> result (see solve_baseline).
_BASELINES: dict[str, Any] = {}
#: How many baselines :func:`solve_baseline` keeps (each a year of hourly dispatch, a few MB).
BASELINE_MEMO_SIZE = 4
#: Baselines this process took from the memo and solved (``hits``, ``solves``).
BASELINE_COUNTS = {"hits": 0, "solves": 0}


def problem_digest(problem, options) -> str:
    """SHA-256 of the LP a sizing problem gives and its solve options.

    Every array and number of the problem counts, except the costs of assets that can
    build nothing (:func:`solvers.transform.without_idle_costs`: they never reach the LP).
    """
    from dataclasses import replace

    from solvers.transform import fingerprint, without_idle_costs

    return fingerprint((without_idle_costs(problem), replace(options, progress=None, tick=None)))


def baseline_problem(sc, prof, config: RunConfig):
    """The baseline problem of a run (today's park: existing assets only) and its solve options."""
    import solvers as S
    from twin.plan import build_problem

    return build_problem(sc, prof, baseline=True), S.SolveOptions(solver="choose", threads=config.solver_threads)


def shared_baseline(loaded: LoadedScenario, config: RunConfig, inputs: RunInputs) -> tuple[str, Any, float] | None:
    """``(digest, result, seconds)`` of a scenario's baseline from shared inputs, or None if it fails.

    A sweep computes it once for cases that keep today's park alike and hands it to them
    (:func:`prime_baseline`); a case whose baseline differs after all (another digest)
    solves its own, and a failure is left to the case to report.
    """
    from twin.plan import first_hours

    prof = first_hours(inputs.profiles, config.hours)
    t0 = time.perf_counter()
    try:
        key, res = _baseline(*baseline_problem(loaded.scenario, prof, config))
        return key, res, time.perf_counter() - t0
    except Exception:  # noqa: BLE001  (the case solves it again and reports the problem)
        return None


def prime_baseline(shared: tuple[str, Any, float] | None) -> None:
    """Put a baseline solved elsewhere (:func:`shared_baseline`) into this process's memo."""
    if shared is None:
        return
    _remember(*shared[:2])


def _remember(key: str, res) -> None:
    """Keep ``res`` as the newest baseline of the memo, dropping the oldest beyond its size."""
    _BASELINES.pop(key, None)
    _BASELINES[key] = res
    while len(_BASELINES) > BASELINE_MEMO_SIZE:
        _BASELINES.pop(next(iter(_BASELINES)))


def solve_baseline(problem, options):
    """The baseline (existing assets only) of ``problem``, solved once per process.

    The cases of a sweep over candidate costs, or the variants of a comparison that differ
    only in what may be built, keep today's park under the same prices: their baseline
    problems are identical to the last number, so the result of the first is reused (a
    copy; the memo holds the last :data:`BASELINE_MEMO_SIZE` problems). A case that changes
    anything the baseline reads (a tariff, a factor, a load) has another digest and is
    solved afresh.
    """
    return _baseline(problem, options)[1]


#: What to raise in the scenario where today's park cannot serve a bus (baseline infeasible):
#: the violation named by the solver -> the scenario fields of the existing plant serving it.
BASELINE_FIELDS = {
    "unmet heat demand": "boilers[].existing_kw (or heat_pumps[].existing_kw, thermal storage existing_kwh; an "
                         "air-source heat pump gives less in cold air and nothing below its cut-off temperature, "
                         "heat_pumps[].air_source_class / min_source_temperature_c)",
    "unmet cooling demand": "chillers[].existing_kw",
    "unmet process cooling demand": "chillers[].existing_kw of the chillers serving it (serves), or leave them "
                                    "out so that its existing_cop supply covers its peak",
    "grid import limit": "grid.import_limit_kw (or existing PV, batteries)",
}


def baseline_hint(message: str) -> str:
    """The sentence added to an infeasible baseline's error: the baseline is today's park, so the
    existing plant of the short bus must cover its peak ('' where no known violation is named)."""
    fields = [f for key, f in BASELINE_FIELDS.items() if key in message]
    if not fields:
        return ""
    return ("; the baseline is today's park (existing assets only, no new capacity), so its existing plant must "
            f"cover every hour's peak: raise {'; '.join(fields)} by at least the shortfall \"up to\" above")


def _baseline(problem, options) -> tuple[str, Any]:
    """``(digest, copy of the result)`` of :func:`solve_baseline` (the digest computed once)."""
    import copy

    key = problem_digest(problem, options)
    if key in _BASELINES:
        res = _BASELINES[key]
        BASELINE_COUNTS["hits"] += 1
    else:
        try:
            res = _solve(problem, options, "baseline")
        except UserInputError as exc:
            raise UserInputError(f"{exc}{baseline_hint(str(exc))}") from None
        BASELINE_COUNTS["solves"] += 1
    _remember(key, res)  # most recently used last
    return key, copy.deepcopy(res)


def size_on_days(problem, k: int, sopts, prog=None, *, closest: bool = False, originals: dict | None = None,
                 levers: list | None = None):
    """Size a full-year ``problem`` on ``k`` linked representative days, then dispatch the full year.

    The days only approximate the year, so the sizes they give can fall short of a requirement
    (a target, the net-zero bound) over the full year, by a little: the full year is then
    sized again with the days' sizes as minimum sizes (:func:`floor_sizes`; only what the full
    year needs is added), and ``agg_info["resized"]`` says what was added.

    Returns
    -------
    (result, problem, agg_info, where, pareto)
        The full-year result; the problem of the plan with its sizes fixed (for the grid and
        operation stages); facts of the aggregation (``summary.solver.representative_days``);
        where a requirement out of reach was found (see :func:`_solve_closest`); the Pareto
        points of the days (None unless the objective is pareto).
    """
    from dataclasses import replace

    import solvers as S
    from solvers.aggregation import representative_days
    from twin.plan import fix_sizes
    from twin.results.units import flat_sizes

    prog = prog or Silent()
    originals = {} if originals is None else originals
    levers = [] if levers is None else levers
    kind = problem.objective
    where = "the full year"
    agg = representative_days(problem, k)
    sized, agg_problem = _solve_closest(
        agg.problem, sopts, f"sizing on {k} representative days", closest, originals, levers,
        near_hint=f"; within {NEAR_MISS:.0%} of reach on {k} days, it may be reachable on the full year: "
                  "raise --representative-days, or run without it")
    if agg_problem is not agg.problem:  # the full year is held to what the days could reach
        where = f"{k} representative days"
        problem = _relaxed_like(problem, agg_problem)
    agg_info = {"k": k, "profile_rmse": float(agg.profile_rmse),
                "sizing_objective_cny": float(sized.objective_cny), "sizing_solve_time_s": float(sized.solve_time_s),
                "note": "sizes from linked representative days (Kotzur et al. 2018); dispatch re-solved over the "
                        "full year with those sizes fixed"}
    if kind == "pareto":  # each point was sized on the representative days; the headline is dispatched
        problem = replace(problem, objective="min_cost")
        agg_info["note"] += ("; every Pareto point is sized on the representative days, and the headline "
                             "plan (the minimum-cost end) is dispatched over the full year")
    full_year = problem
    problem = fix_sizes(problem, sized.sizes)
    try:  # no elastic explanation, nor a confirmation of an interior point's verdict: a miss is repaired below
        # (sizing again from the days' sizes as minimum sizes finds these sizes if they do meet the year)
        res = S.solve(problem, replace(sopts, explain_infeasibility=False, confirm_infeasible=False))
    except S.InfeasibleError:
        # the days only approximate the year: the sized assets can fall short of a target the
        # days met (e.g. 0.54 tCO2/yr of the 910号 core indicator); size the full year again
        # with the days' sizes as minimum sizes
        prog.note("the sizes from the representative days cannot meet the requirements on the full year; "
                  "sizing the full year with them as minimum sizes")
        t_re = time.perf_counter()
        floored = floor_sizes(full_year, sized.sizes)
        res, solved = _solve_closest(floored, sopts, "full-year sizing with the representative-day sizes as "
                                     "minimum sizes", closest, originals, levers)
        if solved is not floored:
            where = "the full year"
        before, after = flat_sizes(sized.sizes), flat_sizes(res.sizes)
        agg_info["resized"] = {
            "reason": "the sizes from the representative days could not meet the requirements over the full year",
            "added": {k_: after[k_] - before.get(k_, 0.0) for k_ in after
                      if after[k_] - before.get(k_, 0.0) > 1e-6 * max(1.0, abs(after[k_]))},
            "solve_time_s": time.perf_counter() - t_re}
        agg_info["note"] += ("; the full year could not be met with those sizes, so it was sized again with them "
                             "as minimum sizes (resized)")
        problem = fix_sizes(solved, res.sizes)  # later stages (grid, operation) run the plan as sized
    except RuntimeError as exc:
        raise UserInputError(undecided("full-year dispatch with the representative-day sizes", exc)) from None
    # what the solver said about the days' sizing (e.g. an algorithm it fell back to) reaches the outputs
    day_notes = [f"sizing on the {k} representative days: {n}" for n in sized.solver_notes
                 if n not in res.solver_notes]
    res.solver_notes = day_notes + list(res.solver_notes)
    return res, problem, agg_info, where, (sized.pareto if kind == "pareto" else None)


def floor_sizes(problem, sizes: dict):
    """A copy of ``problem`` whose sizes may grow from ``sizes`` up to their maximum (``sizes`` as
    minimum sizes; :func:`solvers.transform.with_fixed_sizes` on the lower bounds only)."""
    from solvers.transform import with_fixed_sizes

    return with_fixed_sizes(problem, sizes, minimum_only=True)


def _relaxed_like(problem, relaxed):
    """``problem`` with the objective, targets and carbon bounds of ``relaxed`` (the same park on
    representative days, held to what they could reach)."""
    from dataclasses import replace

    return replace(problem, objective=relaxed.objective, targets=relaxed.targets, carbon=relaxed.carbon)


#: A requirement missed by at most this share of its value on representative days may be met on the
#: full year (the days only approximate it): the error then says how to check [-].
NEAR_MISS = 0.05


def _near_miss(shortfalls: list[dict]) -> bool:
    """Every requirement of ``shortfalls`` missed by at most :data:`NEAR_MISS` of its target (a
    target of 0, e.g. net zero, is never near: any miss is all of it)."""
    return bool(shortfalls) and all(
        abs(float(sf["value"]) - float(sf["target"])) <= NEAR_MISS * abs(float(sf["target"])) for sf in shortfalls)


def _short_horizon_hint(prof) -> str:
    """What an annual target out of reach on a horizon shorter than a year may mean ("" for a
    full year): the horizon's energies are scaled to a year, so its season stands for all of it."""
    n = int(prof.sizes["time"])
    if n >= 8760:
        return ""
    import pandas as pd

    t = pd.DatetimeIndex(prof["time"].values)
    return (f"; the horizon is the first {n} h ({t[0]:%d %b} to {t[-1]:%d %b}), scaled to a year, so its "
            f"season stands for the whole year: a target a full year reaches can be out of reach in a winter "
            f"week; run without --hours to decide")


def _solve_closest(problem, options, what: str, closest: bool, originals: dict, levers: list,
                   near_hint: str = "", horizon_hint: str = ""):
    """Solve ``problem``; ``(result, problem solved)``.

    With ``closest``, a problem whose only violations are requirements with a best reachable
    value (targets, emission bound, residual cap) is solved again with them at those values
    (:func:`twin.targets.relaxed_problem`); ``originals`` gets each requirement as the planner
    set it, ``levers`` the levers at their limit, and the result's ``solver_notes`` say how the
    verdict was reached (``"with the requirements as set: ..."``). Otherwise an infeasible problem
    raises :class:`UserInputError` saying which requirement fails and by how much, with ``near_hint``
    added where every miss is a near one (:func:`_near_miss`) and ``horizon_hint``
    (:func:`_short_horizon_hint`) where only requirements with a best reachable value fail.

    The verdict comes from the elastic re-solve's optimum (:func:`solvers.optimise.solve`), not
    from a simplex confirmation, wherever a requirement is short beyond the solver's tolerance;
    the tries held at the best values before the last one take an interior point's verdict of
    infeasibility as it is (the next try has more room), unconfirmed.
    """
    from dataclasses import replace

    import solvers as S
    from twin.targets import RELAX_ROOM, relaxed_problem

    try:
        return S.solve(problem, options), problem
    except S.InfeasibleError as exc:
        if not (closest and exc.only_shortfalls):
            hint = ("; to plan for the best reachable value instead and see the shortfall in the outputs, run with "
                    "--out-of-reach closest (or set objective.out_of_reach: closest)") if exc.only_shortfalls else ""
            if near_hint and _near_miss(exc.shortfalls):
                hint = near_hint + hint
            if exc.only_shortfalls:
                hint = horizon_hint + hint
            raise UserInputError(f"{what} is infeasible: {exc}{hint}{limit_text(exc.notes)}") from None
        first = exc
    except RuntimeError as exc:  # HiGHS ended undecided: said, not a traceback
        raise UserInputError(undecided(what, exc)) from None
    for sf in first.shortfalls:
        originals.setdefault(sf["name"], sf)
    levers[:] = first.levers
    last = None
    for i, room in enumerate(RELAX_ROOM):
        relaxed = relaxed_problem(problem, first.shortfalls, room)
        opts = (options if i == len(RELAX_ROOM) - 1 else
                replace(options, explain_infeasibility=False, confirm_infeasible=False))
        try:
            res = S.solve(relaxed, opts)
        except S.InfeasibleError as exc:
            last = exc
            continue
        except RuntimeError as exc:
            raise UserInputError(undecided(f"{what}, held at the best reachable values", exc, first.notes)) from None
        res.solver_notes = [f"{AS_SET}{n}" for n in first.notes] + list(res.solver_notes)
        return res, relaxed
    raise UserInputError(f"{what} is infeasible: {first}; held at the best reachable values it is still "
                         f"infeasible: {last}{limit_text(first.notes + last.notes)}")


#: Prefix of the notes of the solve that found a requirement out of reach, in a plan for its best value
AS_SET = "with the requirements as set: "

#: What to do where a HiGHS run stopped at its time limit (said once, after the notes that say which)
TIME_LIMIT_ADVICE = ("where a HiGHS run stops at its time limit, raise the limit (--time-limit, or "
                     "objective.time_limit_s in the scenario), model fewer hours (--hours) or size on representative "
                     "days (--representative-days), or choose another HiGHS algorithm (--solver-method simplex, ipx "
                     "or hipo)")


#: How a solver note says a HiGHS run stopped at its time or iteration limit
#: (:meth:`solvers.highs_backend.HighsBackend.limit_note`, :func:`solvers.highs_backend._stopped`)
LIMIT_WORDS = (" at its time limit", " at its iteration limit", "(Time limit reached)", "(Iteration limit reached)")


def at_limit(notes) -> list[str]:
    """The solver notes that say a HiGHS run stopped at its time or iteration limit."""
    return [n for n in notes if any(w in n for w in LIMIT_WORDS)]


def with_limit_advice(notes: list[str]) -> list[str]:
    """``notes`` with :data:`TIME_LIMIT_ADVICE` added once where one says a run stopped at its limit."""
    return list(notes) + [TIME_LIMIT_ADVICE] if at_limit(notes) and TIME_LIMIT_ADVICE not in notes else list(notes)


def limit_text(notes) -> str:
    """What an error adds where a HiGHS run behind it stopped at its limit: those notes and what to do."""
    hit = at_limit(notes)
    return "; " + "; ".join(hit + [TIME_LIMIT_ADVICE]) if hit else ""


def _solve(problem, options, what: str):
    import solvers as S

    try:
        return S.solve(problem, options)
    except S.InfeasibleError as exc:
        raise UserInputError(f"{what} is infeasible: {exc}{limit_text(exc.notes)}") from None
    except RuntimeError as exc:
        raise UserInputError(undecided(what, exc)) from None


def undecided(what: str, exc: RuntimeError, notes=()) -> str:
    """The message of a solve HiGHS ended without a usable solution and without a verdict: which solve,
    which method, how long (:class:`solvers.UndecidedError`), and what to try."""
    notes = list(notes) + list(getattr(exc, "notes", []))
    if getattr(exc, "at_limit", False) or at_limit(notes):
        return f"{what}: {exc}; neither a plan nor a proof that none exists was found{limit_text(notes)}"
    return (f"{what}: {exc}; neither a plan nor a proof that none exists was found. Try another HiGHS "
            "algorithm (--solver-method simplex or ipx; objective.solver_method in the scenario), or "
            "loosen the targets and bounds that are close to what the park can reach")


def write(r: Run, out_dir: str | Path, *, report: bool = True, lang: str | None = None) -> dict[str, Path]:
    """Publish a run's ``results.nc``, ``summary.json``, ``report.html`` and ``dispatch.csv`` in ``out_dir`` together.

    Parameters
    ----------
    r : Run
    out_dir : path
        Created if needed; previous outputs there are replaced only when all are written.
    report : bool
        Write ``report.html`` (the slowest part) too.
    lang : {"zh", "en"}, optional
        Report language; default ``r.config.lang``.

    Returns
    -------
    dict
        ``{file name: path}`` of the published files.
    """
    from twin.results.writer import write_outputs

    # the hourly dispatch for spreadsheets (CSV with BOM; Parquet with pyarrow) is published with the rest
    return write_outputs(out_dir, dataset=r.dataset, summary=r.summary, ledger=r.ledger, scorecard=r.scorecard,
                         lang=lang or r.config.lang, report=report)


__all__ = ["PROFILE_FIELDS", "RUN_STAGES", "Progress", "Run", "RunInputs", "Silent", "UserInputError", "grid_check",
           "prepare_inputs", "profile_key", "run", "run_stages", "sizing_problem", "write"]
