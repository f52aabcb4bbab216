"""Industrial-process CO2 (910号 annex 4: E园区 = E能源活动 + E工业过程) declared under ``process_emissions``.

The tool does not compute process CO2; a park with it (cement clinker, lime, glass, ceramics,
chemicals) declares the tonnes with their source. Before, the core indicator's numerator held the
energy activities only and an open-parameter row said so: a glass works read as passing on its
energy alone. Now the declared tonnes are in the gross emissions of the optimiser and the ledger,
in the core indicator on both bases, in the targets and in the offsets' basis, the same in the plan
and the baseline, and every output shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import solvers as S
from twin.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
KILN = {"name": "kiln: carbonate decomposition", "co2_t_per_yr": 1200.0,
        "source": "2024 GHG report, carbonate method"}
T = 24
SIMPLEX = S.SolveOptions(solver="simplex")


def _park(process_t: float = 0.0, targets=None, **carbon):
    h = np.arange(T)
    pv = np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * 0.8
    return S.SizingProblem(
        dt_h=1.0, electric_load_kw=np.full(T, 100.0), weights=np.full(T, 365.0),
        grid=S.GridConnection(price_import_cny_per_kwh=np.where((h >= 8) & (h < 22), 0.9, 0.35),
                              ef_grid_kgco2_per_kwh=np.full(T, 0.5)),
        pv=[S.PVArray("roof", pv, max_kwp=300.0, cost=S.AssetCost(3000.0, 25.0, 0.01))],
        carbon=S.Carbon(process_co2_t=process_t, **carbon), discount_rate=0.08, objective="min_cost",
        targets=targets)


def test_the_optimiser_counts_declared_process_co2_in_gross_residual_and_net():
    without, with_ = S.solve(_park(), SIMPLEX), S.solve(_park(1200.0), SIMPLEX)
    # a constant: the plan is the same, every emission figure 1,200 t higher
    assert with_.sizes["pv_kwp"]["roof"] == pytest.approx(without.sizes["pv_kwp"]["roof"], rel=1e-9)
    assert with_.emissions["process_t"] == 1200.0 and without.emissions["process_t"] == 0.0
    for k in ("gross_t", "residual_t", "net_t"):
        assert with_.emissions[k] == pytest.approx(without.emissions[k] + 1200.0, rel=1e-9), k
    # offsets may cover it (at their cap of the gross, which holds it)
    off = S.solve(_park(1200.0, offset_price_cny_per_t=80.0, offset_max_share=0.5, carbon_price_cny_per_t=200.0),
                  SIMPLEX)
    assert off.emissions["offsets_t"] == pytest.approx(0.5 * off.emissions["gross_t"], rel=1e-9)


def test_the_core_target_holds_process_co2_on_both_bases_and_says_why_it_is_out_of_reach():
    grid_only = S.solve(_park(targets=S.Targets(core_max_tco2_per_tce=30.0)), SIMPLEX).targets[0]
    r = S.solve(_park(1200.0, targets=S.Targets(core_max_tco2_per_tce=30.0)), SIMPLEX)
    t = r.targets[0]
    # acceptance basis: grid at 0.8325 plus the process CO2, over the same energy use (no energy in it)
    imp = float((r.dispatch["p_grid_import_kw"] * 365).sum())
    assert t["energy_tce"] > 0
    assert t["value"] == pytest.approx((imp * 0.8325e-3 + 1200.0) / t["energy_tce"], rel=1e-9)
    assert t["value"] > grid_only["value"]
    loc = S.solve(_park(1200.0, targets=S.Targets(core_max_tco2_per_tce=30.0, core_basis="location")),
                  SIMPLEX).targets[0]
    assert loc["value"] == pytest.approx((imp * 0.5e-3 + 1200.0) / loc["energy_tce"], rel=1e-6)
    # a threshold the process CO2 alone exceeds: out of reach, and the message says what remains
    th = 0.5 * 1200.0 / t["energy_tce"]
    with pytest.raises(S.InfeasibleError) as e:
        S.solve(_park(1200.0, targets=S.Targets(core_max_tco2_per_tce=th)), SIMPLEX)
    assert ("of what remains, 1,200 tCO2/yr is the industrial-process CO2 the scenario declares "
            "(process_emissions), which no asset of the model reduces") in str(e.value)
    with pytest.raises(S.InfeasibleError) as e:  # a residual cap below it
        S.solve(_park(1200.0, targets=S.Targets(residual_max_t=600.0)), SIMPLEX)
    assert "1,200 tCO2/yr is the industrial-process CO2" in str(e.value)


def test_rolling_windows_leave_it_to_the_operated_year():
    from solvers.rolling import as_built

    p = _park(1200.0)
    sized = S.solve(p, SIMPLEX)
    assert as_built(p, sized.sizes).carbon.process_co2_t == 0.0


def _scenario(tmp_path, **extra) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data.update(extra)
    f = tmp_path / "park.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return f


def test_a_run_shows_the_declared_co2_in_the_ledger_summary_report_and_compare(tmp_path):
    f = _scenario(tmp_path, process_emissions=[KILN, {**KILN, "name": "lime", "co2_t_per_yr": 300.0}])
    out, cmp_dir = tmp_path / "out", tmp_path / "cmp"
    r = CliRunner().invoke(main, ["run", str(f), "-o", str(out), "--hours", "168", "--lang", "en", "-q"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    e, led = s["emissions_tco2"], s["ledger"]["annual"]
    assert e["process"] == 1500.0
    assert e["gross"] == pytest.approx(e["grid"] + e["fuel"] + e["heat_import"] + 1500.0, rel=1e-12)
    assert e["baseline"] > 1500.0
    for case in ("planned", "baseline"):
        a = led[case]
        assert a["co2_process_t"] == 1500.0
        assert a["co2_gross_t"] == pytest.approx(a["co2_grid_import_t"] + a["co2_fuels_t"] + a["co2_heat_import_t"]
                                                 + 1500.0, rel=1e-12)
        assert a["co2_acceptance_t"] == pytest.approx(a["co2_acceptance_grid_t"] + a["co2_fuels_t"]
                                                      + a["co2_heat_import_t"] + 1500.0, rel=1e-12)
        assert a["carbon_intensity_acceptance_tco2_per_tce"] == pytest.approx(
            a["co2_acceptance_t"] / a["tce_total_tce"], rel=1e-12)
    assert led["planned"]["co2_gross_t"] == pytest.approx(e["gross"], rel=1e-9)
    row = next(o for o in s["ledger"]["open_parameters"] if o["name"] == "industrial_process_co2")
    assert row["value"] == 1500.0 and row["status"] == "planner's declaration"
    ev = next(x for x in s["ledger"]["evidence"] if x["quantity"] == "co2_process_t" and x["case"] == "planned")
    assert "kiln: carbonate decomposition 1,200 t" in ev["formula"] and "lime 300 t" in ev["formula"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "of which industrial-process CO2 (declared)" in page and "Industrial processes" in page
    r = CliRunner().invoke(main, ["compare", str(out), "-o", str(cmp_dir), "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    import pandas as pd

    table = pd.read_csv(cmp_dir / "comparison.csv", index_col=0, encoding="utf-8-sig")
    assert float(table.loc["process_emissions", table.columns[-1]]) == 1500.0


def test_no_declaration_keeps_the_model_limit_row(tmp_path):
    from twin.ledger.settings import AccountingSettings

    row = AccountingSettings()._process_row()
    assert row["value"] == "none declared" and row["status"] == "model limit"
    assert "process_emissions" in row["note"]


def test_the_example_week_with_process_co2_agrees_everywhere(tmp_path):
    """The Suzhou example with a glass furnace's process CO2 declared: gross, process, residual, offsets and
    net agree in the optimiser, the ledger, summary.json, the report and twin compare (test_agreement)."""
    from tests.test_agreement import _run_and_check

    r = _run_and_check(ROOT / "scenarios" / "manufacturing_suzhou.yaml", tmp_path, hours=168,
                       overrides={"process_emissions": [{**KILN, "co2_t_per_yr": 5000.0}]})
    assert r.result.emissions["process_t"] == 5000.0 and r.ledger.baseline.annual["co2_process_t"] == 5000.0


@pytest.mark.parametrize("bad, words", [
    ({"process_emissions": [{"name": "kiln", "co2_t_per_yr": 10.0}]}, ("process_emissions.0.source", "required")),
    ({"process_emissions": [{**KILN, "co2_t_per_yr": -1}]}, ("process_emissions.0.co2_t_per_yr",)),
    ({"process_emissions": [KILN, KILN]}, ("process_emissions", "duplicate names", "give each source its own name")),
    ({"accounting": {"process_emissions_t": {"kiln": 10.0}}},
     ("accounting.process_emissions_t", "declare industrial-process CO2 under process_emissions")),
])
def test_bad_declarations_are_clear_errors(tmp_path, bad, words):
    f = _scenario(tmp_path, **bad)
    r = CliRunner().invoke(main, ["validate", str(f)], catch_exceptions=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    for w in words:
        assert w in r.output, (w, r.output)


def test_the_operated_year_counts_it_once_like_the_plan(tmp_path):
    f = _scenario(tmp_path, process_emissions=[KILN])
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(f), "-o", str(out), "--hours", "72", "--operate", "rule", "-q"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    op = json.loads((out / "summary.json").read_text(encoding="utf-8"))["operation"]
    for who in ("optimum", "rule"):
        e = op[who]["emissions_tco2"]
        assert e["process"] == 1200.0
        assert e["gross"] == pytest.approx(e["grid"] + e["fuel"] + e["heat_import"] + 1200.0 - e["export_credit"]
                                           + e["ev_energy_owed"], rel=1e-12)
    # the optimum measured by the operated year's function is the plan's account
    plan = json.loads((out / "summary.json").read_text(encoding="utf-8"))["emissions_tco2"]
    assert op["optimum"]["emissions_tco2"]["gross"] == pytest.approx(plan["gross"], rel=1e-6)


def test_the_pathway_chart_draws_the_declared_co2_where_there_is_some():
    from twin.report_pathway import fig_emissions

    def pw(process):
        return {"by_period": [{"year": y, "emissions_tco2": {"baseline": 10.0, "residual": 5.0, "offsets": 1.0,
                                                             "net": 4.0, "process": process}} for y in (2026, 2030)]}

    names = [d.name for d in fig_emissions(pw(3.0), "en").data]
    assert "of which industrial processes (declared)" in names
    assert "of which industrial processes (declared)" not in [d.name for d in fig_emissions(pw(0.0), "en").data]


def test_blank_name_or_source_is_refused(tmp_path):
    f = _scenario(tmp_path, process_emissions=[{"name": " ", "co2_t_per_yr": 10.0, "source": "  "}])
    r = CliRunner().invoke(main, ["validate", str(f)], catch_exceptions=False)
    assert r.exit_code == 1 and "process_emissions.0.source" in r.output and "process_emissions.0.name" in r.output


def test_closest_mode_says_what_remains_is_process_co2_and_the_outputs_cite_the_source(tmp_path):
    """`--out-of-reach closest` planned a residual cap below the declared tonnes for its best value and said
    nothing of why; the error mode did. The summary and the report now also name each declared source."""
    f = _scenario(tmp_path, process_emissions=[KILN], targets={"residual_emissions_max_t": 600.0})
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(f), "-o", str(out), "--hours", "168", "--lang", "en",
                                  "--out-of-reach", "closest"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    said = "of what remains, 1,200 tCO2/yr is the industrial-process CO2 the scenario declares"
    assert "OUT OF REACH" in r.output and said in r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any(said in x for sf in s["shortfalls"] for x in sf["remains"])
    assert s["process_emissions"] == [{"name": KILN["name"], "co2_t_per_yr": 1200.0, "source": KILN["source"]}]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert said in page and KILN["source"] in page and "declared industrial-process CO2" in page


def test_the_pathway_notes_say_a_change_of_the_declaration_is_not_the_plans():
    from twin.pathway.runner import process_path_note
    from twin.report_text import phrase

    n = process_path_note([(2026, 12800.0), (2030, 6800.0)], 0.03)
    assert n.startswith("declared industrial-process CO2 by period: 2026 12,800, 2030 6,800 tCO2/yr")
    assert "the declaration's, not the plan's" in n and "load_growth_per_year does not scale it" in n
    assert "the same in every period" in process_path_note([(2026, 50.0), (2030, 50.0)], 0.0)
    assert process_path_note([(2026, 0.0), (2030, 0.0)], 0.03) is None
    for x in (n, process_path_note([(2026, 50.0), (2030, 50.0)], 0.0)):
        zh = phrase(x, "zh")
        assert zh != x and "None" not in zh and "declared" not in zh
