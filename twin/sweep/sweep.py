"""``twin sweep SWEEP.yaml -o DIR``: read the sweep, run its cases, gather and report.

Files in ``DIR``:

* ``sweep.json`` — the sweep as run: file, scenario, settings and every case (id, swept values);
* ``cases/<case id>.json`` — one record per finished case (ok or failed with its error),
  written atomically as soon as the case finishes; what a resumed sweep skips;
* ``stale_cases/`` — records that no longer belong to the sweep as it is now (moved, kept);
* ``.attempts/`` — hidden: an empty file per attempt to run a case (which worker tried it);
* ``sweep.nc`` — all cases in one dataset with a ``case`` dimension (:mod:`twin.sweep.collect`);
* ``cases.csv`` — the same as a table (UTF-8 with BOM);
* ``sweep_summary.json`` and ``sweep.html`` — P10/P50/P90 of cost and emissions, the
  probability of meeting the 910号 core indicator, robust assets, failed cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dataclasses import dataclass, field

from twin.io import atomic_write_text, folder_in_the_way
from twin.scenario.loader import Problem
from twin.sweep.cases import (
    Case,
    SweepError,
    SweepFile,
    SweepSpec,
    central_value,
    field_name,
    make_cases,
    read_sweep_file,
    relative_bases,
)
from twin.sweep.runner import SweepProgress, SweepResult, choose_engine, run_cases


@dataclass
class PreparedSweep:
    """A sweep ready to run: its file, spec, scenario path, cases and each case's run (or
    failure record), the problems of invalid cases (each once, with the cases it stops)
    and notes for the user."""

    file: SweepFile
    spec: SweepSpec
    scenario: Path
    cases: list[Case]
    loaded_cases: dict
    case_problems: list[tuple[Problem, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def invalid_lines(self) -> list[str]:
        """One line per distinct problem of the invalid cases, with how many it stops."""
        out = []
        for p, ids in self.case_problems:
            which = ids[0] if len(ids) == 1 else f"{len(ids)} cases ({ids[0]}, ...)"
            out.append(f"{p} — {which}")
        return out


def prepare(sweep_file: str | Path):
    """Spec, scenario path, cases and ``case id -> (loaded, config) | failure record``
    (:func:`prepare_sweep`)."""
    p = prepare_sweep(sweep_file)
    return p.spec, p.scenario, p.cases, p.loaded_cases


def prepare_sweep(sweep_file: str | Path) -> PreparedSweep:
    """Read the sweep file, load its scenario, check every swept field, make the cases.

    Everything that stops the whole sweep is collected first and reported at once: the
    sweep file's own problems, the scenario's, and each field of ``overrides``,
    ``monte_carlo`` and ``grid`` checked alone against the scenario (a grid field only when
    none of its values fits). A case whose combination of values does not validate becomes
    a failure record naming the line of the field that broke it.

    Raises
    ------
    SweepError
        Listing every such problem, each with file, line, field and what was expected.
    """
    from twin.scenario.loader import ScenarioError, load_scenario
    from twin.scenario.run_config import resolve_run_config

    sf = read_sweep_file(sweep_file)
    problems: list = list(sf.problems)
    base = None
    if sf.scenario is not None:
        try:
            base = load_scenario(sf.scenario, variant=sf.variant)
        except ScenarioError as exc:
            problems.append(sf.problem(("variant",) if sf.variant else ("scenario",),
                                       f"the scenario {sf.scenario} is not valid ({len(exc.problems)} "
                                       "problem(s) of its own, below)"))
            problems += exc.problems
    if base is not None:
        problems += field_problems(sf, base)
    if problems:
        raise SweepError(f"{sweep_file}: {len(problems)} problem(s)", problems)
    spec, scenario = sf.spec, sf.scenario
    cases = make_cases(spec, relative_bases(spec, base))
    loaded_cases: dict = {}
    grouped: dict[str, tuple[Problem, list[str]]] = {}
    for c in cases:
        try:
            lc = base.derive(spec.variant, c.overrides)
            config = resolve_run_config(lc.scenario, hours=spec.hours, objective=spec.objective,
                                        operate=spec.operate, lang="en")
            loaded_cases[c.id] = (lc, config)
        except ScenarioError as exc:
            found = [case_problem(sf, c, p) for p in exc.problems]
            for p in found:
                grouped.setdefault(str(p), (p, []))[1].append(c.id)
            loaded_cases[c.id] = {"status": "failed", "error": "invalid case: " + "; ".join(map(str, found))}
        except ValueError as exc:
            p = sf.problem((), str(exc))
            grouped.setdefault(str(p), (p, []))[1].append(c.id)
            loaded_cases[c.id] = {"status": "failed", "error": f"invalid case: {exc}"}
    prepared = PreparedSweep(sf, spec, scenario, cases, loaded_cases, list(grouped.values()))
    op = getattr(base.scenario, "operation", None)
    if spec.operate == "none" and op is not None and op.controller != "none":
        prepared.notes.append(
            f"{scenario.name} has an `operation` section: sweeps do not operate their cases unless the sweep "
            "file asks for it (add `operate: rule`, `mpc` or `both`; each case's operational gaps are then "
            "recorded as op_* columns)")
    return prepared


def _plain_path(path: str) -> str:
    """A dotted path without list selectors or positions: ``pv_arrays[roof].min_kwp`` and
    ``pv_arrays.0.min_kwp`` both become ``pv_arrays.min_kwp``."""
    import re

    return ".".join(k for k in re.sub(r"\[[^\]]*\]", "", path).split(".") if k and not k.isdigit())


def _relation(problem_path: str, key: str) -> str:
    """``same`` field, ``section`` (the problem is about a section holding the swept field,
    e.g. ``site`` for ``site.city``), ``inside`` (a field within a swept section) or ``other``."""
    a, b = _plain_path(problem_path), _plain_path(key)
    if not a:
        return "other"
    if a == b:
        return "same"
    if b.startswith(a + "."):
        return "section"
    return "inside" if a.startswith(b + ".") else "other"


def _scenario_message(p: Problem, path: str) -> tuple[str, bool]:
    """A scenario problem caused by an override at ``path``, as said of the sweep file's
    field; and whether it is about the path itself (a selector, an unknown field) rather
    than the value."""
    import re

    msg = re.sub(r" \[set by [^\]]*\]$", "", p.message)
    structural = msg.startswith(("overrides: ", "unknown field"))
    msg = msg.removeprefix("overrides: ")
    if p.path and _relation(p.path, path) in ("other", "inside") and p.path != path:
        msg += f" (at {p.path} in the scenario)"
    return msg, structural


def _shown_value(p: Problem, path: str, value):
    """The value to quote: the scenario's at the problem's field, or the swept value where the
    problem is about a whole section (not the section's every field)."""
    return value if _relation(p.path, path) == "section" or p.value is None else p.value


def field_problems(sf: SweepFile, base) -> list[Problem]:
    """Each swept field alone against the scenario: a selector naming no element, an unknown
    field, a value the schema rejects (``overrides``; the centre of each Monte Carlo
    distribution; a grid field when every one of its values is rejected)."""
    from twin.scenario.loader import ScenarioError
    from twin.scenario.overrides import get_path

    def check(path: str, over: dict) -> list[tuple[str, object, bool]]:
        try:
            base.derive(sf.variant, over)
            return []
        except ScenarioError as exc:
            out = []
            for p in exc.problems:
                msg, structural = _scenario_message(p, path)
                out.append((msg, structural, None if structural else _shown_value(p, path, over[path])))
            return out

    out: list[Problem] = []
    common: dict = {}
    for path, value in sf.section("overrides").items():
        found = check(path, {path: value})
        out += [sf.problem(("overrides", path), m, v) for m, _, v in found]
        if not found:
            common[path] = value
    for path, values in sf.section("grid").items():
        if isinstance(values, list) and values:
            per = [check(path, {**common, path: v}) for v in values]
            if all(per):  # no value of this field fits: no case could run
                out += [sf.problem(("grid", path, i), m, v) for i, found in enumerate(per) for m, _, v in found]
    dump = None
    for path, d in sf.mc_fields().items():
        value = central_value(d) if isinstance(d, dict) else None
        if value is None:
            continue
        loc = ("monte_carlo", "fields", path)
        if d.get("relative") is True:
            dump = dump if dump is not None else base.scenario.model_dump(mode="json")
            own = get_path(dump, path)
            if not isinstance(own, (int, float)) or isinstance(own, bool):
                found = [f for f in check(path, {**common, path: 1.0}) if f[1]]
                out += ([sf.problem(loc, m, v) for m, _, v in found] or [sf.problem(
                    loc, f"'relative: true' multiplies the scenario's own value, but {sf.scenario.name} has no "
                    f"number at this path (found {own!r}); give the value itself, without 'relative'")])
                continue
            value = own * value
        out += [sf.problem(loc, m, v) for m, _, v in check(path, {**common, path: value})]
    return out


def case_problem(sf: SweepFile, case: Case, p: Problem) -> Problem:
    """A problem of one case's scenario, placed at the line of the sweep field that set it
    (naming the other swept fields of the same section it may come from)."""
    keys = [k for k in case.overrides if k == p.path or _relation(p.path, k) != "other"]
    named = [k for k in keys if _plain_path(k).rsplit(".", 1)[-1] in p.message]
    exact = [k for k in keys if k == p.path or _relation(p.path, k) == "same"]
    key = (exact or named or keys or [None])[0]
    if key is None:
        return Problem(str(sf.path), "", f"{p.message} (at {p.path} in the scenario)" if p.path else p.message,
                       p.value)
    msg, _ = _scenario_message(p, key)
    others = [k for k in keys if k != key]
    if others:
        msg += "; with " + ", ".join(f"{field_name(_loc(sf, case, k))} = {case.overrides[k]!r} (line "
                                     f"{sf.problem(_loc(sf, case, k), '').line})" for k in others)
    return sf.problem(_loc(sf, case, key), msg, _shown_value(p, key, case.overrides[key]))


def _loc(sf: SweepFile, case: Case, key: str) -> tuple:
    """Where the sweep file sets ``key`` for this case: the grid value it took, the Monte
    Carlo field, or the common overrides."""
    spec = sf.spec
    if key in spec.grid:
        i = next((j for j, v in enumerate(spec.grid[key]) if v == case.overrides[key]), None)
        return ("grid", key) if i is None else ("grid", key, i)
    if spec.monte_carlo is not None and key in spec.monte_carlo.fields:
        return ("monte_carlo", "fields", key)
    return ("overrides", key)


#: what a sweep's folder holds besides its case records, as messages say it
SWEEP_HOLDS = "cases/, sweep.json, sweep.nc, cases.csv, sweep_summary.json and sweep.html"


def check_sweep_dir(out_dir: str | Path) -> Path:
    """Make sure ``out_dir`` can be a sweep's folder, before any case runs.

    A sweep writes its case records and outputs into the folder and resumes from what it
    finds there, so the folder must be the sweep's own: not the working folder or one of
    its parents, not a file, and either new, empty or an earlier sweep's (it holds
    ``sweep.json``). Any other folder is refused: the sweep would write among the user's
    files (``cases.csv``, ``cases/``) and set aside JSON files it does not know.

    Raises
    ------
    SweepError
        Naming the folder and what to give instead.
    """
    out_dir = Path(out_dir)
    dedicated = f"give a folder of its own such as out/<name> (it will hold {SWEEP_HOLDS})"
    try:
        why = folder_in_the_way(out_dir)
    except OSError:
        why = None  # written to, it says what is wrong
    if why:
        raise SweepError(f"cannot write the sweep to {out_dir}: {why}; {dedicated}")
    try:
        entries = [e.name for e in out_dir.iterdir()] if out_dir.is_dir() else []
    except OSError:
        entries = []
    if entries and "sweep.json" not in entries:
        shown = ", ".join(sorted(entries)[:5]) + (", ..." if len(entries) > 5 else "")
        raise SweepError(f"cannot write the sweep to {out_dir}: the folder holds other files ({shown}) and is not "
                         f"an earlier sweep's (no sweep.json); {dedicated}")
    return out_dir


def run_sweep(sweep_file: str | Path, out_dir: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, client=None, engine: str | None = None, retry_failed: bool = False,
              on_progress: Callable[[SweepProgress, dict | None], None] | None = None,
              lang: str = "zh") -> SweepResult:
    """Run (or resume) a sweep and write its outputs (module doc); ``lang`` ("zh" or "en") is
    the language of sweep.html.

    ``engine``: ``processes`` (worker processes of this machine, the default) or ``dask``
    (a LocalCluster, or the given ``scheduler`` / ``client``); see :mod:`twin.sweep.runner`.

    Raises
    ------
    SweepError
        For a sweep file or base scenario that cannot be read, or an engine that does not fit.
    """
    out_dir = check_sweep_dir(out_dir)
    try:
        engine = choose_engine(engine, client=client, scheduler=scheduler)
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    prepared = prepare_sweep(sweep_file)
    invalid_cases_error(prepared)
    spec, scenario, cases, loaded_cases = prepared.spec, prepared.scenario, prepared.cases, prepared.loaded_cases
    notes = list(prepared.notes)
    n_bad = sum(isinstance(loaded_cases[c.id], dict) for c in cases)
    if n_bad:
        notes.append(f"{n_bad} of {len(cases)} cases are invalid and are recorded as failed without running:"
                     + "".join(f"\n    - {line}" for line in prepared.invalid_lines()))
    manifest = {"sweep_file": str(sweep_file), "scenario": str(scenario), "variant": spec.variant, "engine": engine,
                "hours": spec.hours, "objective": spec.objective, "operate": spec.operate, "seed": spec.seed,
                "spec": spec.model_dump(mode="json"),
                "cases": [{"id": c.id, "index": c.index, "grid_point": c.grid_point, "sample": c.sample,
                           "params": c.params} for c in cases]}
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "sweep.json", json.dumps(manifest, ensure_ascii=False, indent=1, default=str) + "\n")
    result = run_cases(cases, loaded_cases, out_dir, client=client, workers=workers, scheduler=scheduler,
                       engine=engine, retry_failed=retry_failed, on_progress=on_progress, notes=notes)
    if not result.interrupted:
        write_sweep_outputs(cases, result.records, out_dir, manifest, lang=lang)
    return result


MAX_LISTED_PROBLEMS = 5
"""Distinct problems listed when every case of a sweep is invalid [-]."""


def invalid_cases_error(prepared: PreparedSweep) -> None:
    """Stop before anything is run or written when every case is invalid.

    A sweep with some invalid cases runs the others and records each failure with its reason;
    when none is valid there is nothing to run, and the reasons (the same problem is listed
    once, at the line of the sweep field that caused it, with how many cases it stopped) are
    the whole answer.

    Raises
    ------
    SweepError
        Naming the sweep file, the number of cases and the distinct problems.
    """
    cases, loaded_cases = prepared.cases, prepared.loaded_cases
    if not cases or any(not isinstance(loaded_cases[c.id], dict) for c in cases):
        return
    lines = prepared.invalid_lines()
    shown = lines[:MAX_LISTED_PROBLEMS]
    if len(lines) > MAX_LISTED_PROBLEMS:
        shown.append(f"and {len(lines) - MAX_LISTED_PROBLEMS} more problems")
    f = prepared.file.path
    raise SweepError(f"{f}: all {len(cases)} cases are invalid, nothing was run "
                     f"(`twin validate {f}` lists every problem):", shown)


#: What the sweep's outputs say about operation (``operate`` in the sweep file).
OPERATION_NOTES = {
    "off": ("cases were not operated hour by hour (operate: none, the default; a scenario's operation "
            "section is not run in sweeps): add operate: rule, mpc or both to the sweep file to record "
            "each case's operational gaps"),
    "on": ("each case was operated hour by hour after sizing; op_<controller>_* are the operated numbers and "
           "their gaps against the plan's perfect-foresight optimum"),
}


def write_sweep_outputs(cases, records, out_dir: Path, manifest: dict, lang: str = "zh") -> dict[str, Path]:
    """sweep.nc, cases.csv, sweep_summary.json and sweep.html (in ``lang``) from the case records."""
    from twin.export import write_csv_bom
    from twin.io import atomic_write
    from twin.report_sweep import render_sweep
    from twin.sweep.collect import CONTROLLERS, sweep_dataset, sweep_statistics

    attrs = {"title": "park twin sweep", "sweep_file": manifest["sweep_file"], "scenario_file": manifest["scenario"],
             "variant": manifest["variant"] or "base", "hours": manifest["hours"] or 8760,
             "operate": manifest.get("operate", "none"),
             "seed": manifest["seed"], "sweep_spec": json.dumps(manifest["spec"], ensure_ascii=False)}
    ds = sweep_dataset(cases, records, attrs)
    stats = sweep_statistics(ds)
    paths = {}
    enc_ds = ds.copy()
    for name, var in list(enc_ds.variables.items()):
        if var.dtype.kind == "O":
            enc_ds[name] = var.astype(str)
    paths["sweep.nc"] = atomic_write(out_dir / "sweep.nc", lambda p: enc_ds.to_netcdf(p, engine="netcdf4"))
    df = ds.to_dataframe()
    df.columns = [f"{c} [{ds[c].attrs['units']}]" if ds[c].attrs.get("units") else c for c in df.columns]
    paths["cases.csv"] = write_csv_bom(df, out_dir / "cases.csv")
    failed = [{"id": r["id"], "params": r.get("params"), "error": r.get("error", "")} for r in records
              if r.get("status") != "ok"]
    operate = manifest.get("operate", "none")
    ops = [c for c in CONTROLLERS if any(str(v).startswith(f"op_{c}_") for v in ds.data_vars)]
    summary = {**stats, "failed_cases": failed,
               "sweep": {k: manifest.get(k) for k in ("sweep_file", "scenario", "variant", "hours", "seed", "operate")},
               "operation": {"operate": operate, "controllers": ops,
                             "note": OPERATION_NOTES["on" if operate != "none" else "off"]}}
    paths["sweep_summary.json"] = atomic_write_text(out_dir / "sweep_summary.json",
                                                    json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n")
    paths["sweep.html"] = atomic_write_text(out_dir / "sweep.html", render_sweep(ds, summary, lang))
    return paths
