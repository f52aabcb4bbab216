"""Sweeps on a real Dask scheduler with worker processes on loopback: faults, resume, statistics."""

from __future__ import annotations

import json
import re
import os
import signal
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from twin.sweep.cases import SweepError, make_cases, read_sweep
from twin.sweep.runner import _executing

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
#: tiny_park.yaml on seed 0's weather, whose first day makes PV worth building at every price below
TINY_SEED0 = ROOT / "tests" / "data" / "tiny_park_seed0.yaml"

SWEEP = f"""
scenario: {TINY_SEED0}
hours: 24
objective: min_cost
seed: 3
grid:
  costs.pv.capex_cny_per_unit: [2200, 2800, 3400]
  carbon.carbon_price_cny_per_t: [0, 150]
"""


def _write(tmp_path, text=SWEEP, name="sweep.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_cases_grid_and_seeded_monte_carlo(tmp_path):
    p = _write(tmp_path, f"""
scenario: {TINY}
seed: 11
grid: {{costs.pv.capex_cny_per_unit: [2000, 3000]}}
monte_carlo:
  samples: 4
  fields:
    carbon.carbon_price_cny_per_t: {{dist: uniform, low: 0, high: 100}}
    site.weather_seed: {{dist: integers, low: 0, high: 1000}}
    process_loads[line].annual_mwh: {{dist: normal, mean: 1.0, sd: 0.1, relative: true, min: 0.5}}
""")
    spec, scenario = read_sweep(p)
    assert scenario == TINY
    cases = make_cases(spec, {"process_loads[line].annual_mwh": 2000})
    assert len(cases) == 8 and len({c.id for c in cases}) == 8
    # seeded: the same file gives the same cases; sample k does not depend on the sample count
    again = make_cases(spec, {"process_loads[line].annual_mwh": 2000})
    assert [c.overrides for c in cases] == [c.overrides for c in again]
    assert cases[0].params["carbon.carbon_price_cny_per_t"] == cases[4].params["carbon.carbon_price_cny_per_t"]
    assert all(isinstance(c.params["site.weather_seed"], int) for c in cases)
    assert all(1000 <= c.params["process_loads[line].annual_mwh"] <= 3000 for c in cases)


def test_bad_sweep_file_is_a_clear_error(tmp_path):
    with pytest.raises(SweepError, match="give 'grid' and/or 'monte_carlo'"):
        read_sweep(_write(tmp_path, f"scenario: {TINY}\n"))
    with pytest.raises(SweepError, match=r"monte_carlo.fields.x.uniform|'uniform' needs low, high"):
        read_sweep(_write(tmp_path, f"scenario: {TINY}\nmonte_carlo: {{samples: 2, fields: {{x: {{dist: uniform}}}}}}\n"))
    with pytest.raises(SweepError, match="scenario: file not found"):
        read_sweep(_write(tmp_path, "scenario: nowhere.yaml\ngrid: {a: [1]}\n"))


def test_profile_key_ignores_fields_the_profiles_do_not_read():
    from twin.run import profile_key
    from twin.scenario.loader import load_scenario

    base = load_scenario(TINY)
    assert profile_key(base) == profile_key(base.derive(overrides={"battery": None, "costs.pv.capex_cny_per_unit": 1000}))
    assert profile_key(base) != profile_key(base.derive(overrides={"site.weather_seed": 5}))
    assert profile_key(base) != profile_key(base.derive(overrides={"process_loads[line].annual_mwh": 1000}))


@pytest.fixture(scope="module")
def cluster():
    """A real scheduler with two single-threaded worker processes on 127.0.0.1."""
    import logging

    from distributed import Client, LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address=":0", silence_logs=logging.ERROR)
    client = Client(c)
    yield client
    client.close()
    c.close()


def _attempts(out: Path) -> dict[str, list[str]]:
    got: dict[str, list[str]] = {}
    for f in (out / ".attempts").iterdir():
        case, _host, pid, _t = f.name.rsplit(".", 3)
        got.setdefault(case, []).append(pid)
    return got


def _check_complete_after_kill(out: Path, res, killed: dict) -> None:
    """Every case finished exactly once, the killed worker's case ran again elsewhere, outputs whole."""
    assert killed, "no worker was busy when the first case finished"
    assert res.progress.done == 6 and res.progress.failed == 0 and not res.interrupted
    files = sorted(p.name for p in (out / "cases").glob("*.json"))
    assert len(files) == 6  # one record per case
    ds = xr.open_dataset(out / "sweep.nc")
    assert ds.sizes["case"] == 6 and len(set(ds["case"].values)) == 6
    assert (ds["status"].values == "ok").all() and np.isfinite(ds["annualised_cost_cny"].values).all()
    # the case the killed worker was running was tried again by another worker process
    att = _attempts(out)
    retried = [c for c in killed["cases"] if c in att and len(att[c]) >= 2]
    assert retried and all(killed["pid"] in att[c] and len(set(att[c])) >= 2 for c in retried)
    # one shared set of profiles for a sweep over costs and prices
    recs = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "cases").glob("*.json")]
    assert len({r["profile_key"] for r in recs}) == 1 and all(r["shared_inputs"] for r in recs)
    # HiGHS held to the single-threaded worker's one thread (no oversubscribed cores)
    assert {r["solver_threads"] for r in recs} == {1}
    # today's park solved once per carbon price and handed to the cases (the baseline task)
    assert all(r["shared_baseline"] for r in recs)
    # a dearer PV never lowers the optimum (same carbon price)
    cost = ds["annualised_cost_cny"].values.reshape(3, 2)
    assert (np.diff(cost, axis=0) >= -1e-6).all()
    summ = json.loads((out / "sweep_summary.json").read_text(encoding="utf-8"))
    p = summ["percentiles"]["annualised_cost_cny"]
    assert p["p10"] <= p["p50"] <= p["p90"] and summ["ok"] == 6
    # the example park is below 910号's first tier: its indicator is computed, never judged against an invented value
    assert summ["core_met_probability"] is None and summ["core_met_cases_known"] == 0
    assert summ["core_not_judged_cases"] == 6 and np.isfinite(ds["core_tco2_per_tce"].values).all()
    assert "<b>不判定</b>" in (out / "sweep.html").read_text(encoding="utf-8")  # a Chinese page by default
    assert "pv_kwp[roof]" in summ["robust_assets"]
    for a in summ["assets"]:  # robust = new capacity in >= 90 % of the cases
        new = ds["new__" + a["asset"].replace("[", "_").replace("]", "")].values
        assert a["robust"] == ((new > 1e-3).mean() >= 0.9)
    assert (out / "cases.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "<script src=" not in (out / "sweep.html").read_text(encoding="utf-8")
    # the weather of every case and its radiation basis (issue 11: stated in every output)
    assert summ["radiation_bases"] == ["tmyx"] and (ds["radiation_basis"].values == "tmyx").all()
    assert summ["temperature_periods"] == ["tmyx"] and (ds["temperature_period"].values == "tmyx").all()
    assert np.isfinite(ds["annual_ghi_kwh_m2"].values).all() and "annual_ghi_kwh_m2" in summ["percentiles"]
    # and the uncertainty the tool states for it, as in each case's summary.json
    assert (ds["weather_ghi_uncertainty"].values > 0).all()
    assert ds["weather_ghi_uncertainty"].attrs["units"] == "1"
    assert "气象辐射基准" in (out / "sweep.html").read_text(encoding="utf-8")  # the page's default language
    assert not (out / ".shared").exists()  # the shared objects of the processes engine are gone
    ds.close()


def test_worker_killed_mid_sweep_every_case_finished_exactly_once(tmp_path, cluster):
    from twin.sweep.sweep import run_sweep

    killed = {}

    def kill_busy_worker(prog, rec):
        if rec is None or killed:
            return
        # a worker executing a case now (the scheduler's processing() also lists tasks queued on
        # a worker: killing one that had only queued a case left nothing to retry)
        executing = cluster.run(_executing)
        busy = [w for w, keys in executing.items() if any(k.startswith("case-") for k in keys)]
        if not busy:
            return
        pid = cluster.run(os.getpid, workers=[busy[0]])[busy[0]]
        killed["pid"] = str(pid)
        killed["cases"] = [k[5:] for k in executing[busy[0]] if k.startswith("case-")]
        os.kill(pid, signal.SIGKILL)

    out = tmp_path / "out"
    res = run_sweep(_write(tmp_path), out, client=cluster, on_progress=kill_busy_worker)
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["engine"] == "dask"
    _check_complete_after_kill(out, res, killed)


def _busy_local_worker(out: Path) -> tuple[str, str] | None:
    """(case id, pid) of the case a local worker process started last and has not finished."""
    started = sorted((f.stat().st_mtime_ns, f.name.split(".")) for f in (out / ".attempts").iterdir())
    for _t, (case, _host, pid, _ns) in reversed(started):
        if not (out / "cases" / f"{case}.json").exists():
            return case, pid
    return None


def _kill_first_busy_local_worker(out: Path, killed: dict):
    """A progress callback that kills, once, the local worker process busiest with a case."""

    def kill(prog, rec):
        if rec is None or killed:
            return
        busy = _busy_local_worker(out)
        if busy:
            killed["cases"], killed["pid"] = [busy[0]], busy[1]
            os.kill(int(busy[1]), signal.SIGKILL)

    return kill


def test_local_worker_process_killed_mid_sweep_every_case_finished_exactly_once(tmp_path):
    """The default engine on one machine (spawned processes) keeps the guarantees of the Dask one."""
    from twin.sweep.sweep import run_sweep

    killed: dict = {}
    out = tmp_path / "out"
    res = run_sweep(_write(tmp_path), out, workers=2, on_progress=_kill_first_busy_local_worker(out, killed))
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["engine"] == "processes"
    _check_complete_after_kill(out, res, killed)


def test_local_case_whose_workers_keep_dying_is_recorded_as_failed(tmp_path, monkeypatch):
    """After the allowed number of lost workers the case is a failure record naming them; the rest run."""
    from twin.sweep import local
    from twin.sweep.sweep import run_sweep

    monkeypatch.setattr(local, "LOST_WORKER_RETRIES", 0)
    killed: dict = {}
    out = tmp_path / "out"
    res = run_sweep(_write(tmp_path), out, workers=2, on_progress=_kill_first_busy_local_worker(out, killed))
    assert killed and res.progress.failed == 1 and res.progress.done == 5
    case = killed["cases"][0]
    rec = json.loads((out / "cases" / f"{case}.json").read_text(encoding="utf-8"))
    assert rec["status"] == "failed"
    assert "1 worker process lost while running this case" in rec["error"] and killed["pid"] in rec["error"]
    summ = json.loads((out / "sweep_summary.json").read_text(encoding="utf-8"))
    assert summ["failed"] == 1 and summ["failed_cases"][0]["id"] == case


@pytest.mark.parametrize("engine", ["dask", "processes"])
def test_interrupted_sweep_resumes_without_recomputing(tmp_path, engine, request):
    from twin.sweep.sweep import run_sweep

    where = {"client": request.getfixturevalue("cluster")} if engine == "dask" else {"workers": 2}

    sweep = _write(tmp_path, SWEEP.replace("[2200, 2800, 3400]", "[2200, 3400]")
                   + "  grid.import_limit_kw: [1500, -1]\n")
    out = tmp_path / "out"

    def stop_after_two(prog, rec):
        if rec is not None and prog.finished_here >= 2:
            raise KeyboardInterrupt

    first = run_sweep(sweep, out, on_progress=stop_after_two, **where)
    assert first.interrupted and not (out / "sweep.nc").exists() and not (out / ".shared").exists()
    done_before = {p.name: p.stat().st_mtime_ns for p in (out / "cases").glob("*.json")}
    ok_before = [n for n in done_before
                 if json.loads((out / "cases" / n).read_text(encoding="utf-8"))["status"] == "ok"]
    assert len(ok_before) >= 2
    attempts_before = _attempts(out)

    second = run_sweep(sweep, out, **where)
    total = 2 * 2 * 2
    assert not second.interrupted and second.progress.skipped >= len(done_before)
    for n in ok_before:  # finished cases neither re-run nor rewritten
        assert (out / "cases" / n).stat().st_mtime_ns == done_before[n]
        assert _attempts(out)[n[:-5]] == attempts_before[n[:-5]]
    ds = xr.open_dataset(out / "sweep.nc")
    assert ds.sizes["case"] == total and "missing" not in set(ds["status"].values)
    # the invalid half (negative import limit) is recorded as failed with its error; the rest ran
    bad = ds["param__grid_import_limit_kw"].values < 0
    assert (ds["status"].values[bad] == "failed").all() and (ds["status"].values[~bad] == "ok").all()
    assert all("import_limit_kw" in e for e in ds["error"].values[bad])
    ds.close()


def test_cli_sweep_on_a_given_scheduler_shows_progress_and_resumes(tmp_path, cluster):
    from click.testing import CliRunner

    from twin.cli import main

    sweep = _write(tmp_path, SWEEP.replace("[2200, 2800, 3400]", "[2500]"))
    out = tmp_path / "out"
    args = ["sweep", str(sweep), "-o", str(out), "--scheduler", cluster.scheduler.address]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "cases done 2/2, failed 0" in r.output and "time left" in r.output and "sweep.nc" in r.output
    assert "on the Dask cluster at tcp://127.0.0.1:" in r.output  # (a case shorter than the 1 s poll shows no start)
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0 and "(resumed 2)" in r.output and "2 cases (0 to run, 2 finished before)" in r.output
    r = CliRunner().invoke(main, ["sweep", str(tmp_path / "missing.yaml"), "-o", str(out)])
    assert r.exit_code == 1 and "file not found" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, args + ["--engine", "processes"])
    assert r.exit_code == 1 and "--scheduler needs the dask engine" in r.output and "Traceback" not in r.output


def test_cli_sweep_on_this_machine_by_default(tmp_path):
    from click.testing import CliRunner

    from twin.cli import main

    sweep = _write(tmp_path, SWEEP.replace("[2200, 2800, 3400]", "[2500]"))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["sweep", str(sweep), "-o", str(out), "--workers", "999"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    # never more workers than cases, and said so (it printed "999 worker processes")
    assert "on this machine (2 worker processes; 999 asked, capped at the 2 cases to run)" in r.output, r.output
    assert "cases done 2/2, failed 0" in r.output
    # which case runs, with its swept values (progress showed counts only): on its start line, or on its done
    # line when it finished before a poll saw it start (a case of half a second had shown no values at all)
    assert re.search(r"(start c00000-\w+|c00000-\w+): costs\.pv\.capex_cny_per_unit=2500, "
                     r"carbon\.carbon_price_cny_per_t=0\b", r.output), r.output
    assert "start weather and profiles for c00000-" in r.output
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["engine"] == "processes"
    assert xr.open_dataset(out / "sweep.nc").sizes["case"] == 2


def test_worker_start_releases_pyomos_named_semaphore():
    """Pyomo makes its output-capture lock a multiprocessing lock (a named POSIX semaphore). A
    sweep worker swaps it for a thread lock at start, so the semaphore is released there and
    then: a worker stopped before its exit finalizers ran used to leave it registered, and one
    sweep in ten or so ended with "resource_tracker: There appear to be 1 leaked semaphore
    objects" (traced to that lock by logging every semaphore's creation and clean-up)."""
    import multiprocessing
    import threading
    import weakref

    from pyomo.common import dependencies as deps

    from twin.sweep.local import _release_pyomo_process_lock

    deps.multiprocessing.Lock  # noqa: B018  (Pyomo's deferred import done)
    saved = deps.capture_output_lock
    try:
        deps.capture_output_lock = multiprocessing.get_context("spawn").Lock()  # as Pyomo makes it
        released = weakref.ref(deps.capture_output_lock)
        _release_pyomo_process_lock()
        assert released() is None  # gone, so its finalizer has unlinked the semaphore
        assert isinstance(deps.capture_output_lock, type(threading.Lock()))
    finally:
        deps.capture_output_lock = saved


def test_a_case_that_fails_records_its_error_instead_of_raising(tmp_path):
    """run_case catches the case's own problem (here an infeasible emission bound) and says what it was."""
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config
    from twin.sweep.cases import Case
    from twin.sweep.runner import run_case

    loaded = load_scenario(TINY, overrides={"objective.kind": "net_zero", "carbon.max_offset_share": 0.0,
                                            "grid.export_limit_kw": 0, "pv_arrays[roof].area_m2": 10})
    case = Case("c00000-test", 0, {}, params={"x": 1})
    rec = run_case(case, loaded, resolve_run_config(loaded.scenario, hours=24), None, str(tmp_path / "att"))
    assert rec["status"] == "failed" and "infeasible" in rec["error"].lower(), rec["error"]
    assert rec["id"] == "c00000-test" and rec["params"] == {"x": 1} and rec["seconds"] > 0
    assert len(list((tmp_path / "att").iterdir())) == 1


def test_ctrl_c_twice_on_the_command_line_keeps_records_and_leaves_no_shared_files(tmp_path):
    """Ctrl-C reaches the whole process group; an impatient second one must not leave half a cleanup."""
    import subprocess
    import sys
    import time

    sweep = _write(tmp_path, SWEEP.replace("hours: 24", "hours: 720"))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "twin.cli", "sweep", str(sweep), "-o", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list((out / ".shared").glob("*.pkl")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)  # the pool is running once the shared profiles are written
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    # 130 from the command; -SIGINT when the second Ctrl-C lands after its message, as it exits
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "interrupted" in err and "resume" in err and "Traceback" not in err
    assert not (out / ".shared").exists()
    for f in (out / "cases").glob("*.json"):  # what was written is whole
        assert json.loads(f.read_text(encoding="utf-8"))["status"] == "ok"


def test_validate_checks_a_sweep_file_and_its_cases(tmp_path):
    """`twin validate SWEEP.yaml` read a sweep file as a scenario ('park: required field is
    missing'); it now checks the sweep, its scenario and every case it makes."""
    from click.testing import CliRunner

    from twin.cli import main

    root = Path(__file__).resolve().parents[1]
    r = CliRunner().invoke(main, ["validate", str(root / "scenarios/sweeps/office_uncertainty.yaml")])
    assert r.exit_code == 0 and "8 valid cases" in r.output, r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"scenario: {root / 'tests/data/tiny_park.yaml'}\nhours: 24\n"
                   "grid:\n  site.city: [Hangzhou, Atlantis]\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1 and "1 of 2 sweep case(s) not valid" in r.output
    assert "unknown station 'Atlantis'" in r.output and "park: required" not in r.output


def test_a_changed_scenario_or_horizon_reruns_the_finished_cases(tmp_path):
    """Finished cases are reused only for the same scenario, run settings and tool version: a
    sweep run again into its folder after the scenario or `hours` changed reused every case,
    so its tables mixed results of the old park with the new."""
    import shutil

    from twin.sweep.sweep import run_sweep

    park = tmp_path / "park.yaml"
    shutil.copy(TINY, park)
    text = SWEEP.replace(str(TINY_SEED0), str(park)).replace("[2200, 2800, 3400]", "[2500]")
    sweep = _write(tmp_path, text)
    out = tmp_path / "out"
    assert run_sweep(sweep, out, workers=1).progress.skipped == 0
    assert run_sweep(sweep, out, workers=1).progress.skipped == 2  # unchanged: reused
    park.write_text(park.read_text(encoding="utf-8").replace("import_limit_kw: 1500", "import_limit_kw: 1400"),
                    encoding="utf-8")
    again = run_sweep(sweep, out, workers=1)
    assert again.progress.skipped == 0 and again.progress.finished_here == 2
    # the records of the old park are kept apart, not mixed with the new ones (nor deleted)
    assert "moved to" in again.progress.notes[-1]
    assert len(list((out / "cases").glob("*.json"))) == 2 and len(list((out / "stale_cases").glob("*.json"))) == 2
    _write(tmp_path, text.replace("hours: 24", "hours: 48").replace("[0, 150]", "[150]"))
    res = run_sweep(sweep, out, workers=1)
    assert res.progress.skipped == 0 and res.progress.total == 1
    # cases/ holds the one case of the sweep as it is now (it held 4 records for a 2-case sweep)
    assert [json.loads(f.read_text(encoding="utf-8"))["params"]["carbon.carbon_price_cny_per_t"]
            for f in (out / "cases").glob("*.json")] == [150]
    assert xr.open_dataset(out / "sweep.nc").sizes["case"] == 1


def test_a_changed_input_file_reruns_the_finished_cases_and_variants(tmp_path):
    """The reuse key hashed the YAML only: after the user's measured load profile (or EPW)
    changed, a sweep reported 'resumed' and `twin compare` 'finished run reused' with the old
    results. The scenario's hash now covers the files it names."""
    import shutil

    from twin.scenario.loader import load_scenario
    from twin.sweep.sweep import run_sweep

    park = tmp_path / "park.yaml"
    shutil.copy(TINY, park)
    park.write_text(park.read_text(encoding="utf-8").replace(
        "  - {name: line, annual_mwh: 2000, shape: machinery_2shift}",
        "  - {name: line, profile_csv: line.csv}"), encoding="utf-8")
    csv = tmp_path / "line.csv"
    csv.write_text("p_kw\n" + "200\n" * 8760, encoding="utf-8")
    before = load_scenario(park).sha256
    sweep = _write(tmp_path, SWEEP.replace(str(TINY_SEED0), str(park)).replace("[2200, 2800, 3400]", "[2500]"))
    out = tmp_path / "out"
    assert run_sweep(sweep, out, workers=1).progress.skipped == 0
    assert run_sweep(sweep, out, workers=1).progress.skipped == 2
    csv.write_text("p_kw\n" + "400\n" * 8760, encoding="utf-8")
    assert load_scenario(park).sha256 != before  # what `twin compare` checks before reusing
    again = run_sweep(sweep, out, workers=1)
    assert again.progress.skipped == 0 and again.progress.finished_here == 2
    # the same project moved to another folder keeps its hash
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(park, moved / "park.yaml")
    shutil.copy(csv, moved / "line.csv")
    assert load_scenario(moved / "park.yaml").sha256 == load_scenario(park).sha256


def test_a_sweep_whose_cases_are_all_invalid_stops_before_running(tmp_path):
    """Every case invalid: the sweep used to start, write sweep.json and a report of failures;
    it now stops at once, writes nothing, and names the line of the sweep field at fault:
    a grid field none of whose values fits, or the combination every case makes."""
    from click.testing import CliRunner

    from twin.cli import main

    bad = _write(tmp_path, f"scenario: {TINY}\nhours: 24\n"
                           "grid:\n  costs.pv.capex_cny_per_unit: [2000, 3000, 4000]\n  site.city: [Atlantis]\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["sweep", str(bad), "-o", str(out)])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert f"{bad}:5: grid.site.city[0]: unknown station 'Atlantis'" in r.output, r.output
    assert r.output.count("  - ") == 1 and "Traceback" not in r.output and not out.exists()
    # each value fits alone, no combination does
    combo = _write(tmp_path, f"scenario: {TINY}\nhours: 24\ngrid:\n  pv_arrays[roof].min_kwp: [500]\n"
                             "  pv_arrays[roof].max_kwp: [100, 200]\n", name="combo.yaml")
    r = CliRunner().invoke(main, ["sweep", str(combo), "-o", str(out)])
    assert r.exit_code == 1 and "all 2 cases are invalid, nothing was run" in r.output, r.output
    assert r.output.count(f"{combo}:4: grid.pv_arrays[roof].min_kwp[0]: PV array 'roof': min_kwp 500") == 2
    assert "with grid.pv_arrays[roof].max_kwp[0] = 100 (line 5)" in r.output and not out.exists()


def test_every_problem_of_a_sweep_file_at_once_with_its_line(tmp_path):
    """Problems came in layers, without lines: three listed, the objective and an unknown
    field only after the first were fixed, one at a time; a wrong selector named no file."""
    from click.testing import CliRunner

    from twin.cli import main

    bad = _write(tmp_path, f"""scenario: {TINY}
hours: 24
objective: min_cots
grid:
  costs.pv.capex_cny_per_unit: [2400, 3200]
monte_carlo:
  samples: 1
  fields:
    carbon.carbon_price_cny_per_t: {{dist: uniform, low: 200, high: 0}}
    grid.emission_factor.value_kgco2_per_kwh: {{dist: triangle, low: 0.35, mode: 0.45, high: 0.55}}
    process_loads[line].annual_mwh: {{dist: normal, mean: 1.0, sd: -0.1, relative: true}}
    site.weather_sed: {{dist: integers, low: 0, high: 10000}}
    process_loads[lin].vehicles: {{dist: normal, mean: 1.0, sd: 0.1, relative: true}}
""")
    r = CliRunner().invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1 and "sweep not valid, 6 problem(s)" in r.output, r.output
    for expected in (":3: objective: expected one of min_cost, min_emissions, net_zero or pareto (got 'min_cots')",
                     ":9: monte_carlo.fields.carbon.carbon_price_cny_per_t: expected low below high (got low 200, "
                     "high 0)",
                     ":10: monte_carlo.fields.grid.emission_factor.value_kgco2_per_kwh.dist: expected one of uniform",
                     ":11: monte_carlo.fields.process_loads[line].annual_mwh.sd: expected a number ≥ 0 (got -0.1)",
                     ":12: monte_carlo.fields.site.weather_sed: unknown field",
                     ":13: monte_carlo.fields.process_loads[lin].vehicles: no element named 'lin' in "
                     "'process_loads' (names: line)"):
        assert f"{bad}{expected}" in r.output, (expected, r.output)
    assert "Traceback" not in r.output
    with pytest.raises(SweepError) as exc:  # the API says the same, problem by problem
        from twin.sweep.sweep import prepare_sweep

        prepare_sweep(bad)
    assert [p.line for p in exc.value.problems] == [3, 9, 10, 11, 12, 13]


def test_the_time_left_counts_the_work_left_not_the_start_up():
    """The first estimate divided the wall time since the start (worker start-up, the shared
    weather) by the cases finished and multiplied by those left: 6.4 min for a sweep that
    took 82 s. It now adds the cases left at their mean time on a worker and the shared tasks
    left at theirs, over the workers."""
    import time

    from twin.sweep.runner import SweepProgress

    prog = SweepProgress(total=8, workers=2, shared_left={"inputs": 2, "baseline": 0})
    prog.started = time.perf_counter() - 35.0  # start-up and shared weather before the first case
    assert prog.eta_s is None and "time left ≈ –" in prog.line()
    prog.record({"status": "ok", "seconds": 2.5, "profile_key": "a", "shared_inputs_s": 26.0,
                 "baseline_group": "b", "shared_baseline_s": 3.0})
    assert prog.done == 1 and prog.eta_s == pytest.approx((7 * 2.5 + 2 * 26.0) / 2)
    prog.shared_left["inputs"] = 0
    prog.record({"status": "failed", "seconds": 1.5, "error": "x"})
    assert prog.failed == 1 and prog.eta_s == pytest.approx(6 * 2.0 / 2)
    prog.running = ["c00002-aaaaaaaa", "c00003-bbbbbbbb"]
    assert prog.line().endswith("time left ≈ 6 s; running c00002-aaaaaaaa, c00003-bbbbbbbb")


def test_operate_records_the_operational_gaps_of_every_case(tmp_path):
    """A scenario's `operation` section was run in every case and its results thrown away
    (config.operate None meant 'the scenario's'). Sweeps now operate only when the sweep file
    says `operate:`, and then record each controller's gaps in cases.csv and sweep.nc."""
    import csv

    from twin.sweep.sweep import prepare_sweep, run_sweep

    park = tmp_path / "park_op.yaml"
    park.write_text(f"extends: {TINY}\noperation: {{controller: both, horizon_h: 12}}\n", encoding="utf-8")
    off = _write(tmp_path, "scenario: park_op.yaml\nhours: 24\ngrid: {costs.pv.capex_cny_per_unit: [2500]}\n",
                 name="off.yaml")
    prepared = prepare_sweep(off)
    assert [cfg.operate for _, cfg in prepared.loaded_cases.values()] == ["none"]
    assert "has an `operation` section" in prepared.notes[0] and "operate: rule" in prepared.notes[0]

    on = _write(tmp_path, off.read_text(encoding="utf-8") + "operate: rule\n", name="on.yaml")
    out = tmp_path / "out"
    res = run_sweep(on, out, workers=1, lang="en")
    assert res.progress.done == 1
    ds = xr.open_dataset(out / "sweep.nc")
    assert ds.attrs["operate"] == "rule" and not [v for v in ds.data_vars if str(v).startswith("op_mpc")]
    gap = float(ds["op_rule_cost_gap_cny"].values[0])
    cost = float(ds["op_rule_annualised_cost_cny"].values[0]) - float(ds["annualised_cost_cny"].values[0])
    assert np.isfinite(gap) and gap == pytest.approx(cost, rel=1e-6, abs=1.0)  # operated minus the optimum
    assert ds["op_rule_cost_gap_cny"].attrs["units"] == "CNY/yr" and ds["op_rule_unserved_electricity_mwh"].values[0] >= 0
    ds.close()
    with open(out / "cases.csv", encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert float(row["op_rule_cost_gap_cny [CNY/yr]"]) == pytest.approx(gap)
    summ = json.loads((out / "sweep_summary.json").read_text(encoding="utf-8"))
    assert summ["operation"]["controllers"] == ["rule"] and "op_rule_cost_gap_cny" in summ["percentiles"]
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert "Operational cost gap, rule-based" in page and "every case operated hour by hour" in page
    assert "<html lang='en'>" in page and "运行成本差距" not in page  # one language per page


def test_the_sweep_page_in_chinese_has_no_english_sentences(tmp_path):
    """The sweep page printed both languages side by side whatever the run's language; it now
    follows ``--lang`` as the run, comparison and pathway pages do."""
    import re

    from twin.sweep.sweep import run_sweep

    park = tmp_path / "park_op.yaml"
    park.write_text(f"extends: {TINY}\n", encoding="utf-8")
    sweep = _write(tmp_path, "scenario: park_op.yaml\nhours: 24\noperate: rule\n"
                   "grid: {costs.pv.capex_cny_per_unit: [2500, 3500]}\n", name="zh.yaml")
    out = tmp_path / "out"
    assert run_sweep(sweep, out, workers=1, lang="zh").progress.done == 2
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in page
    for zh in ("多情景分析", "方案年化成本", "运行成本差距，规则控制", "逐时运行：", "达到 910号 核心指标的概率",
               "建设比例", "光伏", "元/年"):
        assert zh in page, zh
    body = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    for en in ("Annualised cost", "Operation", "Probability", "Robust", "built in", "cases:", "Spread",
               "Assets", "CNY/yr"):
        assert en not in body, en


def test_ctrl_c_of_a_dask_sweep_is_clean(tmp_path):
    """Ctrl-C of `--engine dask` printed a KeyboardInterrupt traceback from each worker process
    (the terminal signals the whole process group) and a leaked-semaphore warning."""
    import subprocess
    import sys
    import time

    sweep = _write(tmp_path, SWEEP.replace("hours: 24", "hours: 720"))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "twin.cli", "sweep", str(sweep), "-o", str(out), "--workers", "2",
                             "--engine", "dask"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        line = proc.stderr.readline()  # progress goes to stderr
        lines.append(line)
        if line.lstrip().startswith("start c0"):  # a worker process is running a case
            break
    assert proc.poll() is None, "".join(lines)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = "".join(lines) + err
    assert proc.returncode == 130, err
    assert "interrupted;" in err and "run the same command to resume" in err
    for bad in ("Traceback", "KeyboardInterrupt", "leaked semaphore"):
        assert bad not in err, err


def test_a_scenario_path_through_dot_dot_is_shown_normalised(tmp_path):
    """The page showed `scenarios/sweeps/../office_guangzhou_options.yaml`."""
    import shutil

    (tmp_path / "sweeps").mkdir()
    shutil.copy(TINY, tmp_path / "park.yaml")
    spec, scenario = read_sweep(_write(tmp_path / "sweeps", "scenario: ../park.yaml\ngrid: {seed_x: [1]}\n"))
    assert scenario == tmp_path / "park.yaml" and ".." not in str(scenario)


def test_cases_planned_for_the_best_reachable_value_are_counted():
    """A case whose stated target is out of reach (objective.out_of_reach: closest) is a result, not a
    failure: `targets_met` is 0 in sweep.nc / cases.csv and the summary counts such cases; a case
    without targets is NaN, not "met"."""
    from twin.sweep.cases import Case
    from twin.sweep.collect import sweep_dataset, sweep_statistics

    cases = [Case(f"c{i}", i, {}) for i in range(3)]
    recs = [{"id": "c0", "status": "ok", "annualised_cost_cny": 1.0, "residual_tco2": 1.0, "targets_met": True},
            {"id": "c1", "status": "ok", "annualised_cost_cny": 2.0, "residual_tco2": 1.0, "targets_met": False},
            {"id": "c2", "status": "ok", "annualised_cost_cny": 3.0, "residual_tco2": 1.0, "targets_met": None}]
    ds = sweep_dataset(cases, recs)
    np.testing.assert_array_equal(ds["targets_met"].values, [1.0, 0.0, np.nan])
    assert sweep_statistics(ds)["targets_out_of_reach_cases"] == 1


def test_the_sweep_reads_yaml_through_the_loaders_public_api(tmp_path):
    """The sweep package imported four private helpers of twin/scenario/loader.py (_compose,
    _read_text, _line_of, _value_at); it uses the documented public read_yaml, line_of and
    value_at now, which read a file as before: lines 1-based, limits and messages kept."""
    import ast

    from twin.scenario import loader
    from twin.scenario.loader import ScenarioError, line_of, read_yaml, value_at

    for f in sorted((ROOT / "twin" / "sweep").glob("*.py")) + [ROOT / "twin" / "pathway" / "check.py"]:
        for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(n, ast.ImportFrom) and n.module == "twin.scenario.loader":
                private = [a.name for a in n.names if a.name.startswith("_")]
                assert not private, (f.name, private)
    for fn in (read_yaml, line_of, value_at):
        assert fn.__doc__ and fn.__module__ == loader.__name__
    p = tmp_path / "s.yaml"
    p.write_text("scenario: park.yaml\ngrid:\n  costs.pv.capex_cny_per_unit: [2400, 3000]\n", encoding="utf-8")
    node, data = read_yaml(p, what="sweep")
    assert data["grid"]["costs.pv.capex_cny_per_unit"] == [2400, 3000]
    assert line_of(node, ("grid", "costs.pv.capex_cny_per_unit", 1)) == 3 and line_of(node, ()) == 1
    assert value_at(data, ("grid", "costs.pv.capex_cny_per_unit", 1)) == 3000
    assert value_at(data, ("grid", "nope")) is None and line_of(None, ("grid",)) is None
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    assert read_yaml(tmp_path / "e.yaml") == (None, None)
    p.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_yaml(p, "shown.yaml", what="sweep")
    assert str(exc.value.problems[0]).startswith("shown.yaml:2:")
    with pytest.raises(ScenarioError, match="expected a sweep YAML file"):
        read_yaml(tmp_path, what="sweep")


def test_sweep_folder_must_be_its_own(tmp_path, monkeypatch):
    """A sweep writes and resumes in its folder: the working folder, a parent of it, a file or a
    folder of other files is refused before anything runs, and nothing there is touched."""
    from click.testing import CliRunner

    from twin.cli import main

    sweep = _write(tmp_path, SWEEP.replace("[2200, 2800, 3400]", "[2500]"))
    work = tmp_path / "work"
    (work / "cases").mkdir(parents=True)
    (work / "cases" / "mine.json").write_text("{}", encoding="utf-8")
    (work / "cases.csv").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(work)
    for out, why in ((".", "it is the working folder or contains it"),
                     ("..", "it is the working folder or contains it"),
                     ("cases.csv", "it is a file"),
                     (str(work / "cases"), "holds other files (mine.json) and is not an earlier sweep's")):
        r = CliRunner().invoke(main, ["sweep", str(sweep), "-o", out, "-q"])
        assert r.exit_code == 1 and why in r.output and "out/<name>" in r.output, (out, r.output)
        assert "Traceback" not in r.output
    assert sorted(p.name for p in work.rglob("*")) == ["cases", "cases.csv", "mine.json"]
    assert (work / "cases.csv").read_text(encoding="utf-8") == "mine\n"
