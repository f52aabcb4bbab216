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

from twin.io import atomic_write_text
from twin.sweep.cases import SweepError, make_cases, read_sweep, relative_bases
from twin.sweep.runner import SweepProgress, SweepResult, choose_engine, run_cases


def prepare(sweep_file: str | Path):
    """Spec, scenario path, cases and ``case id -> (loaded, config) | failure record``.

    Raises
    ------
    SweepError
        For a sweep file or base scenario that cannot be read.
    """
    from twin.scenario.loader import ScenarioError, load_scenario
    from twin.scenario.run_config import resolve_run_config

    spec, scenario = read_sweep(sweep_file)
    try:
        base = load_scenario(scenario, variant=spec.variant)
    except ScenarioError as exc:
        raise SweepError(f"{sweep_file}: scenario {scenario} is not valid:\n"
                         + "\n".join(f"  - {p}" for p in exc.problems)) from None
    cases = make_cases(spec, relative_bases(spec, base))
    loaded_cases: dict = {}
    for c in cases:
        try:
            lc = base.derive(spec.variant, c.overrides)
            config = resolve_run_config(lc.scenario, hours=spec.hours, objective=spec.objective, lang="en")
            loaded_cases[c.id] = (lc, config)
        except (ScenarioError, ValueError) as exc:
            loaded_cases[c.id] = {"status": "failed", "error": f"invalid case: {exc}"}
    return spec, scenario, cases, loaded_cases


def run_sweep(sweep_file: str | Path, out_dir: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, client=None, engine: str | None = None, retry_failed: bool = False,
              on_progress: Callable[[SweepProgress, dict | None], None] | None = None) -> SweepResult:
    """Run (or resume) a sweep and write its outputs (module doc).

    ``engine``: ``processes`` (worker processes of this machine, the default) or ``dask``
    (a LocalCluster, or the given ``scheduler`` / ``client``); see :mod:`twin.sweep.runner`.

    Raises
    ------
    SweepError
        For a sweep file or base scenario that cannot be read, or an engine that does not fit.
    """
    out_dir = Path(out_dir)
    try:
        engine = choose_engine(engine, client=client, scheduler=scheduler)
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    spec, scenario, cases, loaded_cases = prepare(sweep_file)
    invalid_cases_error(sweep_file, cases, loaded_cases)
    manifest = {"sweep_file": str(sweep_file), "scenario": str(scenario), "variant": spec.variant, "engine": engine,
                "hours": spec.hours, "objective": spec.objective, "seed": spec.seed,
                "spec": spec.model_dump(mode="json"),
                "cases": [{"id": c.id, "index": c.index, "grid_point": c.grid_point, "sample": c.sample,
                           "params": c.params} for c in cases]}
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "sweep.json", json.dumps(manifest, ensure_ascii=False, indent=1, default=str) + "\n")
    result = run_cases(cases, loaded_cases, out_dir, client=client, workers=workers, scheduler=scheduler,
                       engine=engine, retry_failed=retry_failed, on_progress=on_progress)
    if not result.interrupted:
        write_sweep_outputs(cases, result.records, out_dir, manifest)
    return result


MAX_LISTED_PROBLEMS = 5
"""Distinct problems listed when every case of a sweep is invalid [-]."""


def invalid_cases_error(sweep_file, cases, loaded_cases) -> None:
    """Stop before anything is run or written when every case is invalid.

    A sweep with some invalid cases runs the others and records each failure with its reason;
    when none is valid there is nothing to run, and the reasons (the same problem is listed
    once, with how many cases it stopped) are the whole answer.

    Raises
    ------
    SweepError
        Naming the sweep file, the number of cases and the distinct problems.
    """
    if not cases or any(not isinstance(loaded_cases[c.id], dict) for c in cases):
        return
    problems: dict[str, list[str]] = {}
    for c in cases:
        err = loaded_cases[c.id]["error"].removeprefix("invalid case: ")
        problems.setdefault(err, []).append(c.id)
    lines = []
    for err, ids in list(problems.items())[:MAX_LISTED_PROBLEMS]:
        which = ids[0] if len(ids) == 1 else f"{len(ids)} cases ({ids[0]}, ...)"
        lines.append(f"  - {which}: {err}")
    if len(problems) > MAX_LISTED_PROBLEMS:
        lines.append(f"  - and {len(problems) - MAX_LISTED_PROBLEMS} more problems")
    raise SweepError(f"{sweep_file}: all {len(cases)} cases are invalid, nothing was run "
                     f"(`twin validate {sweep_file}` lists every case):\n" + "\n".join(lines))


def write_sweep_outputs(cases, records, out_dir: Path, manifest: dict) -> dict[str, Path]:
    """sweep.nc, cases.csv, sweep_summary.json and sweep.html from the case records."""
    from twin.export import write_csv_bom
    from twin.io import atomic_write
    from twin.report_sweep import render_sweep
    from twin.sweep.collect import sweep_dataset, sweep_statistics

    attrs = {"title": "park twin sweep", "sweep_file": manifest["sweep_file"], "scenario_file": manifest["scenario"],
             "variant": manifest["variant"] or "base", "hours": manifest["hours"] or 8760,
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
    summary = {**stats, "failed_cases": failed, "sweep": {k: manifest[k] for k in
                                                          ("sweep_file", "scenario", "variant", "hours", "seed")}}
    paths["sweep_summary.json"] = atomic_write_text(out_dir / "sweep_summary.json",
                                                    json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n")
    paths["sweep.html"] = atomic_write_text(out_dir / "sweep.html", render_sweep(ds, summary))
    return paths
