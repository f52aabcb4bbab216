"""Compatibility layer over :mod:`twin.run` (the run) and :mod:`twin.results` (the outputs).

New code calls :func:`twin.run.run` with a :class:`twin.scenario.run_config.RunConfig`
and :func:`twin.run.write`. :func:`run_scenario` with :class:`RunOptions` is kept for
scripts written against the earlier API; it runs and writes in one call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from twin.results.summary import headline, versions
from twin.results.units import flat_sizes, size_unit
from twin.run import UserInputError
from twin.scenario.loader import LoadedScenario


@dataclass
class RunOptions:
    """Options of one run (earlier API; see :class:`twin.scenario.run_config.RunConfig`)."""

    out_dir: Path
    save_model: Path | None = None
    lang: str = "zh"
    hours: int | None = None
    write_report: bool = True
    rubric: Path | None = None
    objective: str | None = None
    representative_days: int | None = None


@dataclass
class RunResult:
    """Everything a run produced (also written to disk)."""

    summary: dict
    dataset: xr.Dataset
    paths: dict[str, Path] = field(default_factory=dict)

    def headline(self) -> str:
        return headline(self.summary)


def run_scenario(loaded: LoadedScenario, opts: RunOptions, progress=None) -> RunResult:
    """Run the whole chain for one scenario and write its outputs (:func:`twin.run.run` + :func:`twin.run.write`).

    Raises
    ------
    UserInputError
        For problems the user can fix (data files, infeasible targets, bad run settings).
    """
    from twin.run import Silent, run, write
    from twin.scenario.run_config import resolve_run_config

    try:
        config = resolve_run_config(loaded.scenario, objective=opts.objective, hours=opts.hours,
                                    representative_days=opts.representative_days, lang=opts.lang,
                                    rubric=opts.rubric, save_model=opts.save_model)
    except ValueError as exc:
        raise UserInputError(str(exc)) from None
    prog = progress or Silent()
    r = run(loaded, config, prog)
    prog.stage("writing outputs")
    paths = write(r, opts.out_dir, report=opts.write_report)
    prog.done(str(opts.out_dir))
    return RunResult(summary=r.summary, dataset=r.dataset, paths=paths)


__all__ = ["RunOptions", "RunResult", "UserInputError", "flat_sizes", "run_scenario", "size_unit", "versions"]
