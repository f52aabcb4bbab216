"""Run configuration: how to run a park, kept apart from what the park is.

A scenario describes the park (loads, assets, costs, accounting) and, in its
``objective`` section, the default way to run it. :func:`resolve_run_config` turns that
section plus any overrides (command line, a notebook, a sweep) into one frozen
:class:`RunConfig`, once, at the start of a run; nothing downstream reads
``scenario.objective.kind`` or a CLI flag again.

Vocabulary: the objective kinds are :data:`solvers.problem.Objective` — the CLI, the
scenario schema and the sizing problem share that one ``Literal`` type.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from solvers.problem import Objective

#: HiGHS method names accepted in ``objective.solver_method`` and ``--solver-method``.
SolverMethod = Literal["choose", "hipo", "ipx", "ipm", "simplex"]
#: Report languages.
Lang = Literal["zh", "en"]

#: Hours of the model year (8760 hourly steps).
YEAR_HOURS = 8760


def objective_kinds() -> tuple[str, ...]:
    """The objective kinds, in the order of :data:`solvers.problem.Objective`."""
    return get_args(Objective)


def solver_methods() -> tuple[str, ...]:
    """The HiGHS method names of :data:`SolverMethod`."""
    return get_args(SolverMethod)


@dataclass(frozen=True)
class RunConfig:
    """Settings of one run, resolved once (see :func:`resolve_run_config`).

    Attributes
    ----------
    objective : Objective
        ``min_cost``, ``min_emissions``, ``net_zero`` or ``pareto``.
    solver_method : SolverMethod
        HiGHS method of the sizing solve (the baseline always lets HiGHS choose).
    time_limit_s : float
        Wall-clock limit of each HiGHS run [s].
    solver_threads : int or None
        Threads of each HiGHS run; ``None`` lets HiGHS choose (about half the machine's
        cores). Sweeps set it to their worker's thread count, so that 32 single-threaded
        workers on a 32-core node do not start 16 solver threads each; with one thread a
        Pareto front also solves its two ends one after the other, not side by side.
    pareto_points : int
        Points on the cost–emissions front for ``objective="pareto"`` [-].
    hours : int or None
        Model only the first ``hours`` hourly steps (a quick look; each step then stands
        for 8760/hours hours of the year) [h]; ``None`` = the full year.
    representative_days : int or None
        Size on K linked representative days, then dispatch the full year with those
        sizes fixed [d]; ``None`` = size on the full horizon.
    lang : Lang
        Report language.
    rubric : Path or None
        Scoring rubric YAML replacing the bundled provisional rubric.
    save_model : Path or None
        Write the model handed to HiGHS (MPS) here.
    operate : {"rule", "mpc", "both", "none"} or None
        Operate the sized park hour by hour with these controllers (:mod:`twin.operate`);
        ``None`` = the scenario's ``operation.controller`` where it has an ``operation``
        section, else none.
    out_of_reach : {"error", "closest"}
        A requirement the park cannot reach (target, net-zero bound, residual cap): stop with
        an explanation, or plan for the best reachable value and state the shortfall.
    sources : dict
        Where each setting came from: ``"scenario"``, ``"override"`` or ``"default"``.
    """

    objective: Objective = "net_zero"
    solver_method: SolverMethod = "hipo"
    time_limit_s: float = 900.0
    solver_threads: int | None = None
    pareto_points: int = 6
    hours: int | None = None
    representative_days: int | None = None
    lang: Lang = "zh"
    rubric: Path | None = None
    save_model: Path | None = None
    operate: Literal["rule", "mpc", "both", "none"] | None = None
    out_of_reach: Literal["error", "closest"] = "error"
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        problems = check_settings(asdict(self))
        if problems:
            raise ValueError("run configuration: " + "; ".join(problems))

    @property
    def full_year(self) -> bool:
        """True when the whole 8760-hour year is modelled."""
        return self.hours is None or self.hours >= YEAR_HOURS

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record for ``summary.json`` (``run_config``) and results.nc attrs."""
        d = asdict(self)
        for k in ("rubric", "save_model"):
            d[k] = None if d[k] is None else str(d[k])
        return d


def check_settings(values: dict[str, Any]) -> list[str]:
    """Problems with run settings, each naming the setting and what was expected."""
    out = []
    if values.get("objective") not in objective_kinds():
        out.append(f"objective {values.get('objective')!r}: expected one of {', '.join(objective_kinds())}")
    if values.get("solver_method") not in solver_methods():
        out.append(f"solver_method {values.get('solver_method')!r}: expected one of {', '.join(solver_methods())}")
    if values.get("lang") not in get_args(Lang):
        out.append(f"lang {values.get('lang')!r}: expected zh or en")
    t = values.get("time_limit_s")
    if not isinstance(t, (int, float)) or t <= 0:
        out.append(f"time_limit_s {t!r}: expected a number of seconds > 0")
    th = values.get("solver_threads")
    if th is not None and (not isinstance(th, int) or isinstance(th, bool) or not 1 <= th <= 1024):
        out.append(f"solver_threads {th!r}: expected an integer from 1 to 1024")
    n = values.get("pareto_points")
    if not isinstance(n, int) or not 2 <= n <= 50:
        out.append(f"pareto_points {n!r}: expected an integer from 2 to 50")
    h = values.get("hours")
    if h is not None and (not isinstance(h, int) or not 1 <= h <= YEAR_HOURS):
        out.append(f"hours {h!r}: expected an integer from 1 to {YEAR_HOURS}")
    op = values.get("operate")
    if op is not None and op not in ("rule", "mpc", "both", "none"):
        out.append(f"operate {op!r}: expected rule, mpc, both or none")
    if values.get("out_of_reach", "error") not in ("error", "closest"):
        out.append(f"out_of_reach {values.get('out_of_reach')!r}: expected error or closest")
    k = values.get("representative_days")
    if k is not None and (not isinstance(k, int) or not 2 <= k <= 365):
        out.append(f"representative_days {k!r}: expected an integer from 2 to 365")
    if k is not None and h is not None and h < YEAR_HOURS:
        out.append("representative_days needs the full year: drop hours (a short horizon is sized directly)")
    sm = values.get("save_model")
    if sm is not None and Path(sm).suffix.lower() not in MODEL_SUFFIXES:
        out.append(f"save_model {str(sm)!r}: expected a file name ending in {' or '.join(MODEL_SUFFIXES)} (the "
                   "formats HiGHS writes; with another ending it wrote nothing)")
    rubric = values.get("rubric")
    if rubric is not None:  # read now, not after the solve (scores are made at the end of a run)
        from twin.assess.rubric import load_rubric

        try:
            load_rubric(rubric)
        except IsADirectoryError:
            out.append(f"rubric {str(rubric)!r}: is a folder; expected a rubric YAML file (the format of "
                       "twin/assess/data/rubric_provisional.yaml)")
        except (OSError, UnicodeDecodeError) as exc:
            out.append(f"rubric {str(rubric)!r}: cannot be read ({getattr(exc, 'strerror', None) or exc})")
        except ValueError as exc:  # RubricError: not YAML, or not the rubric's schema
            out.append(" ".join(str(exc).split()))
    return out


#: Endings of a model file ``--save-model`` writes (HiGHS picks the format by them).
MODEL_SUFFIXES = (".mps", ".lp")


#: Run settings read from the scenario's ``objective`` section (same names there).
SCENARIO_KEYS = {"objective": "kind", "solver_method": "solver_method", "time_limit_s": "time_limit_s",
                 "pareto_points": "pareto_points", "out_of_reach": "out_of_reach"}


def resolve_run_config(scenario=None, **overrides: Any) -> RunConfig:
    """The run configuration of ``scenario`` with ``overrides`` applied.

    Precedence: an override that is not ``None`` > the scenario's ``objective`` section
    (``kind``, ``solver_method``, ``time_limit_s``, ``pareto_points``, ``out_of_reach``) > the defaults of
    :class:`RunConfig`.

    Parameters
    ----------
    scenario : twin.scenario.schema.Scenario, optional
        The park; ``None`` uses only the overrides and defaults.
    **overrides
        Any field of :class:`RunConfig` (``objective``, ``hours``, ``representative_days``,
        ``time_limit_s``, ``lang``, ...); ``None`` means "not given".

    Raises
    ------
    ValueError
        Naming an unknown setting, or each setting whose value is not allowed.
    """
    known = set(RunConfig.__dataclass_fields__) - {"sources"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"run configuration: unknown setting(s) {unknown}; known: {sorted(known)}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if scenario is not None:
        for key, name in SCENARIO_KEYS.items():
            values[key] = getattr(scenario.objective, name)
            sources[key] = "scenario"
    for key, v in overrides.items():
        if v is not None:
            values[key] = Path(v) if key in ("rubric", "save_model") else v
            sources[key] = "override"
    for key in known - set(sources):
        sources[key] = "default"
    return RunConfig(**values, sources=sources)


__all__ = [
    "YEAR_HOURS",
    "Lang",
    "Objective",
    "RunConfig",
    "SolverMethod",
    "check_settings",
    "objective_kinds",
    "resolve_run_config",
    "solver_methods",
]
