"""Run configuration, the pure run and the results home (issue 9: the seams)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

import solvers.problem
from twin.scenario.loader import load_scenario
from twin.scenario.run_config import RunConfig, resolve_run_config
from twin.scenario.schema import ObjectiveSpec

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"


def test_one_objective_vocabulary():
    kinds = typing.get_args(solvers.problem.Objective)
    assert kinds == ("min_cost", "min_emissions", "net_zero", "pareto")
    schema = ObjectiveSpec.model_json_schema()["properties"]["kind"]
    assert tuple(schema["enum"]) == kinds
    from click.testing import CliRunner

    from twin.cli import main

    out = CliRunner().invoke(main, ["run", "--help"]).output
    assert "[" + "|".join(kinds) + "]" in out.replace("\n", "").replace(" ", "")


def test_objective_literal_written_once():
    """No module of twin repeats the objective kinds as a literal list."""
    hits = []
    for path in (ROOT / "twin").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.List, ast.Tuple)):
                vals = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                if {"min_cost", "min_emissions", "net_zero"} <= vals:
                    hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hits, hits


def test_precedence_override_scenario_default():
    sc = load_scenario(TINY).scenario
    c = resolve_run_config(sc)
    assert c.objective == sc.objective.kind and c.time_limit_s == sc.objective.time_limit_s
    assert c.sources["objective"] == "scenario" and c.sources["hours"] == "default"
    c2 = resolve_run_config(sc, objective="min_cost", hours=48, time_limit_s=None)
    assert c2.objective == "min_cost" and c2.hours == 48 and not c2.full_year
    assert c2.sources["objective"] == "override" and c2.sources["time_limit_s"] == "scenario"
    assert c2.to_dict()["hours"] == 48


@pytest.mark.parametrize("kw, needle", [
    ({"objective": "cheapest"}, "objective 'cheapest': expected one of min_cost"),
    ({"hours": 0}, "hours 0: expected an integer from 1 to 8760"),
    ({"hours": 168, "representative_days": 12}, "representative_days needs the full year"),
    ({"lang": "de"}, "lang 'de'"),
    ({"solver_threads": 0}, "solver_threads 0: expected an integer from 1"),
    ({"colour": "red"}, "unknown setting(s) ['colour']"),
])
def test_bad_settings_are_named(kw, needle):
    with pytest.raises(ValueError, match="run configuration") as exc:
        resolve_run_config(None, **kw)
    assert needle in str(exc.value)


def test_run_config_is_frozen():
    c = RunConfig()
    with pytest.raises(AttributeError):
        c.objective = "min_cost"  # type: ignore[misc]


def test_report_and_compare_do_not_import_the_run():
    for mod in ("report.py", "report_compare.py", "report_scorecard.py"):
        text = (ROOT / "twin" / mod).read_text(encoding="utf-8")
        assert "twin.pipeline" not in text and "twin.run " not in text and "from twin.run" not in text, mod


def test_run_is_pure_and_write_publishes(tmp_path, monkeypatch, capsys):
    from twin.run import run, write

    loaded = load_scenario(TINY)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48, objective="min_cost"))
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""
    assert set(tmp_path.rglob("*")) == before  # nothing written
    assert r.summary["run_config"]["hours"] == 48 and r.summary["solver"]["objective"] == "min_cost"
    assert r.dataset.attrs["solver_objective"] == "min_cost"
    # the summary's energies are the ledger's statistics, computed once
    assert r.summary["energy_mwh"]["grid_import"] == pytest.approx(
        r.ledger.planned.annual["e_grid_import_kwh"] / 1000, rel=1e-12)
    assert r.summary["pv_share_of_electricity"] == r.ledger.planned.annual["pv_share_of_electricity"]
    paths = write(r, tmp_path / "o", report=False)
    assert sorted(set(paths) - {"dispatch.parquet"}) == ["dispatch.csv", "results.nc", "summary.json"]


def test_cli_refuses_bad_combination_without_traceback(tmp_path):
    from click.testing import CliRunner

    from twin.cli import main

    r = CliRunner().invoke(main, ["run", str(TINY), "--hours", "168", "--representative-days", "8",
                                  "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1 and "representative_days needs the full year" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "o").exists()


def test_pipeline_wrapper_runs_and_writes(tmp_path):
    """``twin.pipeline.run_scenario`` (earlier API) is run + write, and refuses bad settings clearly."""
    from twin.pipeline import RunOptions, UserInputError, run_scenario

    loaded = load_scenario(TINY)
    res = run_scenario(loaded, RunOptions(out_dir=tmp_path / "o", hours=24, objective="min_cost", write_report=False))
    assert res.summary["hours"] == 24 and (tmp_path / "o" / "summary.json").exists()
    assert "results.nc" in res.paths and "report.html" not in res.paths
    with pytest.raises(UserInputError, match="hours 0"):
        run_scenario(loaded, RunOptions(out_dir=tmp_path / "p", hours=0))


def test_baseline_solved_once_for_cases_that_keep_todays_park_alike(monkeypatch):
    """Cases differing only in candidate costs share their baseline; a tariff change does not."""
    import twin.run as R

    monkeypatch.setattr(R, "_BASELINES", {})
    solved = []
    real = R._solve
    monkeypatch.setattr(R, "_solve", lambda p, o, what: (solved.append(what), real(p, o, what))[1])
    cfg = resolve_run_config(None, hours=48, objective="min_cost")
    base = load_scenario(TINY)
    a = R.run(base, cfg)
    b = R.run(base.derive(overrides={"costs.pv.capex_cny_per_unit": 4000}), cfg)
    assert solved.count("baseline") == 1
    assert b.baseline is not a.baseline  # a copy: one run cannot change another's baseline
    assert b.summary["baseline_cost_cny"] == a.summary["baseline_cost_cny"]
    assert b.summary["emissions_tco2"]["baseline"] == a.summary["emissions_tco2"]["baseline"]
    # the reused baseline is what a fresh solve gives
    monkeypatch.setattr(R, "_BASELINES", {})
    fresh = R.run(base.derive(overrides={"costs.pv.capex_cny_per_unit": 4000}), cfg)
    assert fresh.summary["baseline_cost_cny"] == pytest.approx(b.summary["baseline_cost_cny"], rel=1e-12)
    # a dearer peak price changes today's park cost: solved again
    c = R.run(base.derive(overrides={"grid.tariff.prices_cny_per_kwh.peak": 1.4}), cfg)
    assert solved.count("baseline") == 3
    assert c.summary["baseline_cost_cny"] > a.summary["baseline_cost_cny"]
    assert len(R._BASELINES) <= R.BASELINE_MEMO_SIZE


@pytest.mark.parametrize("threads, beside", [(None, True), (1, False)])
def test_a_run_held_to_one_thread_solves_the_front_one_run_at_a_time(threads, beside):
    from twin.run import run

    notes = []

    class Notes:
        def stage(self, text):
            pass

        def done(self, detail=""):
            pass

        def note(self, text):
            notes.append(text)

    loaded = load_scenario(TINY)
    cfg = resolve_run_config(loaded.scenario, hours=48, objective="pareto", pareto_points=3,
                             solver_method="hipo", solver_threads=threads)
    r = run(loaded, cfg, progress=Notes())
    assert len(r.result.pareto) >= 3
    assert any("beside the first run" in n for n in notes) == beside
