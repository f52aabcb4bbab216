"""How a target out of reach is decided, and what the planner is told about the runs behind it.

An interior point's verdict of infeasibility is decided by the elastic re-solve's optimum (the least
shortfall, one solve) where the shortfall is beyond the solver's tolerance, with no simplex
confirmation (which crawled to the 900 s time limit on a factory's full year after the interior
point had said so in 30 s); at the edge of reach the simplex method decides on the model as stated,
so that a reachable target is never reported out of reach. A run stopped at its time limit is said,
with what to do, in the console, summary.json and the report (en and zh).

The one-day park of tests/test_targets.py (24 h standing for a year): its best 910号 core indicator
with a 300 kWp roof is found by the simplex method first, then targets are set around it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_targets import SIMPLEX, _scenario, park

import solvers as S
import solvers.highs_backend as hb
import solvers.optimise as opt
from twin.cli import main


@pytest.fixture(scope="module")
def best() -> float:
    """The best reachable core indicator of the park with a 300 kWp roof [tCO2/tce], by the simplex method."""
    with pytest.raises(S.InfeasibleError) as e:
        S.solve(park(S.Targets(core_max_tco2_per_tce=0.2), pv_max=300.0), SIMPLEX)
    [sf] = e.value.shortfalls
    assert sf["name"] == "core" and 1.0 < sf["value"] < 3.0
    return float(sf["value"])


@pytest.fixture
def runs(monkeypatch) -> list[str]:
    """The HiGHS runs of the test, ``"<algorithm>:<status>"`` each."""
    seen = []
    real = hb.HighsBackend._run

    def _run(self, alg, extra=None):
        r = real(self, alg, extra)
        seen.append(f"{alg}:{r.status}")
        return r

    monkeypatch.setattr(hb.HighsBackend, "_run", _run)
    return seen


def core_park(theta: float):
    return park(S.Targets(core_max_tco2_per_tce=theta), pv_max=300.0)


@pytest.mark.parametrize("solver", ["hipo", "ipx"])
def test_a_target_clearly_out_of_reach_is_decided_by_the_elastic_optimum_without_the_simplex(best, runs, solver):
    with pytest.raises(S.InfeasibleError) as e:
        S.solve(core_park(0.2), S.SolveOptions(solver=solver))
    exc = e.value
    [sf] = exc.shortfalls
    assert exc.decided and exc.only_shortfalls
    assert sf["value"] == pytest.approx(best, rel=1e-6) and sf["target"] == 0.2
    # the interior point's verdict, then one elastic solve (IPX with crossover): no simplex run at all
    assert runs[0] == f"{solver}:infeasible" and runs[-1] == "ipx:optimal"
    assert not any(r.startswith("simplex") for r in runs), runs
    said = exc.notes
    assert said[0].startswith(f"{hb.ALGORITHM_NAMES[solver]} reported the model infeasible after ")
    assert said[-1].startswith("re-solved with every requirement elastic, to measure what is short (ipx + crossover, ")
    assert said[-1].endswith("a requirement is short beyond the solver's tolerance, which decides the verdict with "
                             "no simplex confirmation")


@pytest.mark.parametrize("solver", ["hipo", "ipx", "simplex"])
def test_a_reachable_target_at_the_edge_is_never_reported_out_of_reach(best, solver):
    """A target 1e-7 (relative) looser than the best reachable value, thinner than any interior point's
    tolerance: planned for as stated, nothing out of reach; 1e-3 tighter: out of reach at the best value."""
    from twin.run import _solve_closest

    opts = S.SolveOptions(solver=solver)
    theta = best * (1 + 1e-7)
    originals = {}
    res, solved = _solve_closest(core_park(theta), opts, "sizing", True, originals, [])
    assert originals == {} and solved.targets.core_max_tco2_per_tce == theta
    row = res.targets[0]
    assert row["row_value"] <= theta * (1 + 1e-6) and row["row_value"] == pytest.approx(best, rel=1e-5)
    theta = best * (1 - 1e-3)
    res, solved = _solve_closest(core_park(theta), opts, "sizing", True, originals, [])
    assert originals["core"]["target"] == theta and originals["core"]["value"] == pytest.approx(best, rel=1e-6)
    assert solved.targets.core_max_tco2_per_tce == pytest.approx(best, rel=2e-6)
    assert res.targets[0]["row_value"] == pytest.approx(best, rel=1e-5)
    assert any(n.startswith("with the requirements as set: re-solved with every requirement elastic")
               for n in res.solver_notes)


def test_a_false_interior_point_verdict_at_the_edge_is_overturned_by_the_simplex_method(best, runs, monkeypatch):
    """An interior point that calls a reachable model infeasible (as HiPO and IPX did for a residual cap of 0 on
    representative days): the elastic optimum needs nothing beyond the tolerance, so the model as stated is
    decided by IPX and then the simplex method, and the plan meets the target."""
    real = hb.HighsBackend._run
    calls = []

    def lying(self, alg, extra=None):  # the first interior-point run of the model as stated says infeasible
        r = real(self, alg, extra)
        calls.append(alg)
        if len(calls) == 1 and alg in ("hipo", "ipx"):
            r.status, r.termination, r.has_solution, r.x = "infeasible", "Infeasible", False, None
        return r

    monkeypatch.setattr(hb.HighsBackend, "_run", lying)
    theta = best * (1 + 1e-7)
    res = S.solve(core_park(theta), S.SolveOptions(solver="hipo"))
    assert res.status == "optimal" and res.targets[0]["row_value"] <= theta * (1 + 1e-6)
    assert res.solver_notes[0].startswith("HiPO reported the model infeasible after ")
    assert any(n.endswith("nothing is short beyond the solver's tolerance, so the simplex method decides on the "
                          "model as stated") for n in res.solver_notes), res.solver_notes
    assert any(n.startswith("HiPO reported the model infeasible; re-solved with IPX") for n in res.solver_notes)


def test_the_verdict_is_reached_in_fewer_runs_than_through_the_simplex_confirmation(best, runs):
    """Before: the interior point's verdict went to IPX, then the simplex method, then the elastic re-solve (HiPO
    undecided, then IPX); now the verdict and the shortfall come from one elastic solve."""
    with pytest.raises(S.InfeasibleError):
        S.solve(core_park(0.2), S.SolveOptions(solver="hipo"))
    assert runs == ["hipo:infeasible", "ipx:optimal"]


def _faked_limit(real):
    """``HighsBackend._run`` whose simplex runs stop at their time limit after 900 s and 57,851 iterations."""
    def _run(self, alg, extra=None):
        if alg != "simplex":
            return real(self, alg, extra)
        r = hb.RunResult("time_limit", "Time limit reached", None, 0.0, False, None, None, None, 0.0,
                         iterations=57851)
        r.time_s, r.method, r.algorithm = 900.0, "simplex", "simplex"
        self.n_runs += 1
        return r
    return _run


def test_a_confirmation_stopped_at_its_time_limit_is_said_with_what_to_do(tmp_path, monkeypatch):
    """The Xiamen case: the simplex method asked to decide crawls to its time limit. The run plans for the best
    value (closest) and says which solve stopped, how, after how long and what to do: console, summary.json,
    report in English and Chinese; without closest the error says it."""
    monkeypatch.setattr(opt, "EDGE_REL", 1e9)  # every shortfall 'at the edge': the simplex method must decide
    monkeypatch.setattr(hb.HighsBackend, "_run", _faked_limit(hb.HighsBackend._run))
    f = _scenario(tmp_path, {"renewable_share_min": 0.95})
    said = ("with the requirements as set: the interior-point solver reported the model infeasible; the simplex "
            "method, asked to confirm, ended undecided after 900 s and 57,851 iterations (Time limit reached), so "
            "the verdict stands")
    out = {}
    for lang in ("en", "zh"):
        out[lang] = tmp_path / lang
        r = CliRunner().invoke(main, ["run", str(f), "-o", str(out[lang]), "--hours", "168", "--lang", lang,
                                      "--out-of-reach", "closest", "--solver-method", "ipx"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        assert said in r.output and "raise the limit (--time-limit" in r.output
    s = json.loads((out["en"] / "summary.json").read_text(encoding="utf-8"))
    [sf] = s["shortfalls"]
    assert sf["name"] == "renewable_share" and sf["value"] < 0.95
    notes = s["solver"]["notes"]
    assert said in notes and notes[-1].startswith("where a HiGHS run stops at its time limit, raise the limit")
    en = (out["en"] / "report.html").read_text(encoding="utf-8")
    assert "ended undecided after 900 s and 57,851 iterations (Time limit reached)" in en
    assert "--representative-days" in en and "--solver-method simplex, ipx or hipo" in en
    zh = (out["zh"] / "report.html").read_text(encoding="utf-8")
    assert "按原设定的要求求解时：内点法判定模型不可行；用单纯形法复核，运行 900 秒、57,851 次迭代后未得出结论（达到时间上限），维持该判定" in zh
    assert "HiGHS 求解达到时间上限时：可提高时间上限" in zh and "ended undecided" not in zh
    # without closest: the error says it too
    r = CliRunner().invoke(main, ["run", str(f), "-o", str(tmp_path / "err"), "--hours", "168", "-q",
                                  "--solver-method", "ipx"], catch_exceptions=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "ended undecided after 900 s and 57,851 iterations (Time limit reached)" in r.output
    assert "raise the limit (--time-limit" in r.output and "--out-of-reach closest" in r.output


def test_a_sizing_stopped_at_its_time_limit_without_a_solution_says_which_solve_how_long_and_what_to_do(
        monkeypatch):
    from twin.run import UserInputError, _solve_closest

    real = hb.HighsBackend._run

    def stopped(self, alg, extra=None):
        r = real(self, alg, extra)
        r.status, r.termination, r.has_solution, r.x = "time_limit", "Time limit reached", False, None
        r.time_s, r.iterations = 600.0, 41
        return r

    monkeypatch.setattr(hb.HighsBackend, "_run", stopped)
    with pytest.raises(UserInputError) as e:
        _solve_closest(park(), S.SolveOptions(solver="ipx", time_limit_s=600.0), "sizing on 8 representative days",
                       True, {}, [])
    msg = str(e.value)
    assert msg.startswith("sizing on 8 representative days: HiGHS stopped without a usable solution: Time limit "
                          "reached (ipx + crossover stopped at its time limit after 600 s and 41 iterations)")
    assert "IPX stopped at its time limit of 600 s, after 600 s and 41 iterations, without a solution" in msg
    assert "raise the limit (--time-limit" in msg and "--hours" in msg


def test_the_notes_on_how_a_verdict_was_reached_are_in_chinese():
    from twin.report_text import MISSING, phrase

    for en, zh in (
            ("with the requirements as set: HiPO reported the model infeasible after 29.6 s (17 iterations)",
             "按原设定的要求求解时：HiPO 判定模型不可行（29.6 秒，17 次迭代）"),
            (("re-solved with every requirement elastic, to measure what is short (ipx + crossover, 131.4 s): a "
              "requirement is short beyond the solver's tolerance, which decides the verdict with no simplex "
              "confirmation"),
             ("已将各项要求设为弹性重新求解以度量缺口（ipx + crossover，131.4 秒）：有要求的缺口超出"
              "求解器容差，据此即可判定，无需单纯形法复核")),
            ("simplex stopped at its time limit of 900 s, after 900 s and 32,092 iterations, without a solution",
             "simplex 达到时间上限 900 秒（运行 900 秒，32,092 次迭代），未得到解"),
            (("elastic re-solve: HiPO ended with status 'Unknown'; re-solved with IPX (with crossover), which the "
              "later re-solves of this model use"),
             "弹性重解：HiPO 以状态 'Unknown' 结束；已改用 IPX（含 crossover）求解，该模型之后的求解均用 IPX")):
        assert phrase(en, "zh") == zh
    n = len(MISSING)
    phrase("re-solved with every requirement elastic, to measure what is short (ipx + crossover, 9.0 s): it ended "
           "undecided after 900 s and 12 iterations (Time limit reached), so the simplex method decides on the "
           "model as stated", "zh")
    assert len(MISSING) == n


@pytest.mark.slow
def test_the_suzhou_factory_with_a_core_indicator_out_of_reach_is_planned_at_its_best_without_a_simplex_run(
        tmp_path, runs):
    """The largest example over 336 h with a 910号 core indicator of 0.2 at least cost (the Xiamen factory's
    target, out of reach on its roofs): planned at the best value, the verdict from one elastic solve, said how."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(root / "scenarios" / "manufacturing_suzhou.yaml"), "-o", str(out),
                                  "--hours", "336", "--objective", "min_cost", "--lang", "en", "--out-of-reach",
                                  "closest", "--set", "targets.core_indicator_max_tco2_per_tce=0.2"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    [sf] = s["shortfalls"]
    [t] = s["targets"]
    assert sf["name"] == "core" and sf["target"] == 0.2 and 1.0 < sf["value"] < 10.0 and sf["short"] > 1000.0
    assert t["out_of_reach"] and t["relaxed_to"] >= sf["value"] * (1 - 1e-6)
    assert not any(x.startswith("simplex") for x in runs), runs
    notes = s["solver"]["notes"]
    assert any(n.startswith("with the requirements as set: HiPO reported the model infeasible after ") for n in notes)
    assert any(n.startswith("with the requirements as set: re-solved with every requirement elastic") and
               n.endswith("which decides the verdict with no simplex confirmation") for n in notes), notes
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "which decides the verdict with no simplex confirmation" in html
