"""The twin command line and the main job, as a user meets them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import xarray as xr
from click.testing import CliRunner

from solvers.noise import hourly_tolerance
from twin.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_validate_examples_ok():
    r = _run(["validate", *map(str, EXAMPLES)])
    assert r.exit_code == 0, r.output
    assert r.output.count(": OK") == len(EXAMPLES)


def test_validate_reports_every_problem_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "park:\n  name: x\n  type: factory\n  planning_yeer: 2026\nsite: {city: Suzhou}\n"
        "process_loads:\n  - {name: a, annual_mwh: -5, shape: electronics_24h}\n"
        "grid:\n  import_limit_kw: 1000\n  tariff:\n    prices_cny_per_kwh: {flat: 9}\n",
        encoding="utf-8",
    )
    r = _run(["validate", str(bad)])
    assert r.exit_code == 1
    out = r.output
    assert "Traceback" not in out
    assert "bad.yaml:3: park.type" in out and "'factory'" in out
    assert "bad.yaml:4: park.planning_yeer: unknown field" in out
    assert "process_loads.0.annual_mwh" in out and "greater than 0" in out
    assert "grid.tariff.prices_cny_per_kwh" in out and "outside 0-5" in out


def test_malformed_yaml_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("park:\n  name: x\n   type: y\n", encoding="utf-8")
    r = _run(["validate", str(bad)])
    assert r.exit_code == 1 and "broken.yaml:3" in r.output and "malformed YAML" in r.output


def test_run_bad_scenario_fails_cleanly_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("park: {name: x, type: office}\nsite: {city: Nowhere}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = _run(["run", str(bad), "-o", str(out), "-q"])
    assert r.exit_code == 1 and "unknown station" in r.output and "Traceback" not in r.output
    assert not out.exists()


@pytest.mark.parametrize("args, error", [
    (["--set", "nonsense"], "--set 'nonsense': expected PATH=VALUE"),
    (["--variant", ""], "variant: empty variant name in ''"),
    (["--set", "site.city=Nowhere"], "scenario is not valid:"),
])
def test_run_error_starts_its_own_line_after_the_progress_text(tmp_path, args, error):
    """The "reading FILE ..." progress line is ended before any error, and an empty variant
    name is refused (it used to run the base case)."""
    r = _run(["run", str(TINY), "-o", str(tmp_path / "out"), *args])
    assert r.exit_code == 1 and "Traceback" not in r.output
    lines = r.output.splitlines()
    assert lines[0] == f"reading {TINY} ..." and any(error in x for x in lines[1:]), r.output
    assert not (tmp_path / "out").exists()


def test_schema_is_json_schema():
    r = _run(["schema"])
    schema = json.loads(r.output)
    assert schema["additionalProperties"] is False
    assert {"park", "site", "grid"} <= set(schema["required"])


def test_variant_extends_records_overrides(tmp_path):
    from twin.scenario.loader import load_scenario

    v = tmp_path / "variant.yaml"
    v.write_text(f"extends: {TINY}\nobjective: {{kind: net_zero}}\ncarbon: {{max_offset_share: 0.3}}\n", encoding="utf-8")
    loaded = load_scenario(v)
    assert loaded.scenario.objective.kind == "net_zero"
    assert loaded.scenario.carbon.max_offset_share == 0.3
    assert loaded.overrides == ["objective.kind", "carbon"]  # a new section is recorded at its root


def test_tiny_park_one_week_end_to_end(tmp_path):
    out = tmp_path / "tiny"
    r = _run(["run", str(TINY), "-o", str(out), "--hours", "168", "-q"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("sizes", "energy_mwh", "emissions_tco2", "annualised_cost_cny", "pv_share_of_electricity", "run_config", "solver"):
        assert key in s
    assert s["solver"]["status"] == "optimal"
    # the site's annual GHI is the whole typical year's, not the simulated week's (it read 25
    # kWh/m2/yr for Lhasa in a 168 h run)
    assert 1200 < s["weather"]["annual_ghi_kwh_m2"] < 1600
    ds = xr.open_dataset(out / "results.nc")
    assert ds.sizes["time"] == 168 and ds.attrs["scenario_sha256"] == s["scenario"]["sha256"]
    assert ds["p_grid_import_kw"].attrs["units"] == "kW"
    # electricity balance closes every hour (kW): supply = use, to the solver noise cleaned out of
    # the solution (docs/outputs.md: 1e-5 of the park's largest fixed hourly demand)
    supply = ds["p_grid_import_kw"] + ds["p_pv_kw"].sum("pv_array") + ds["p_battery_discharge_kw"].sum("battery")
    use = ds["p_load_kw"] + ds["p_grid_export_kw"] + ds["p_battery_charge_kw"].sum("battery")
    assert float(abs(supply - use).max()) < hourly_tolerance(float(ds["p_load_kw"].max()))
    html = (out / "report.html").read_text(encoding="utf-8")
    # plotly.js is embedded: no script is loaded from elsewhere, so the page opens offline
    assert "<script type='text/javascript'>" in html and "<script src=" not in html
    ds.close()


def test_interrupted_write_keeps_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "tiny"
    assert _run(["run", str(TINY), "-o", str(out), "--hours", "48", "-q"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("twin.report.render_report", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        _run(["run", str(TINY), "-o", str(out), "--hours", "24", "-q"])
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # nothing half-written, nothing lost, no temp files left


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_examples_two_weeks_end_to_end(scenario, tmp_path):
    # two January weeks cannot reach net zero within the offset cap (PV is low), so size at least cost
    r = _run(["run", str(scenario), "-o", str(tmp_path / "o"), "--hours", "336", "-q", "--lang", "en",
              "--objective", "min_cost"])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert s["solver"]["status"] == "optimal"
    # the baseline (existing assets) is a feasible plan, so the least-cost plan cannot cost more
    assert s["annualised_cost_cny"] <= s["baseline_cost_cny"] * (1 + 1e-6)
    # every building says where its envelope values come from, in summary and results
    assert s["buildings"] and all("preset " in b["envelope_note"] or "scenario" in b["envelope_note"]
                                  for b in s["buildings"])
    with xr.open_dataset(tmp_path / "o" / "results.nc") as ds:
        assert list(ds["envelope_note"].values) == [b["envelope_note"] for b in s["buildings"]]
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert f"Building envelope: <span class='data'>{s['buildings'][0]['name']}</span>" in html
    # the solver section names the algorithm actually run and lists fallbacks as text
    assert f"<td>Algorithm (HiGHS)</td><td>{s['solver']['algorithm']}</td>" in html
    assert "<td>Solver notes</td><td>[" not in html


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_examples_full_year_end_to_end(scenario, tmp_path):
    r = _run(["run", str(scenario), "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert s["hours"] == 8760 and s["solver"]["status"] == "optimal"
    assert "scorecard" in s and "national_indicators" in s
    e = s["emissions_tco2"]
    if s["solver"]["objective"] == "net_zero":
        # net zero: offsets cover what internal abatement leaves, within the offset cap
        assert e["net"] <= 1e-3 * max(e["baseline"], 1.0)
    else:  # a least-cost plan (the pathway example's first period) emits no more than the baseline
        assert e["residual"] <= e["baseline"] * (1 + 1e-6)


def test_help_is_fast_and_light():
    """`twin --help` must not import the heavy stack (pandapower, pyomo, plotly)."""
    import subprocess
    import sys

    code = ("import sys, twin.cli; "
            "heavy=[m for m in ('pyomo','plotly','pandapower','simpy','pvlib') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.stdout.strip() == ""


def test_weather_export_city_and_site(tmp_path):
    import pandas as pd

    f = tmp_path / "suzhou.csv"
    r = _run(["weather", "--city", "苏州", "-o", str(f)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(f, comment="#", index_col="time")
    assert len(df) == 8760
    assert {"ghi", "dni", "dhi", "temp_air", "wind_speed", "relative_humidity"} <= set(df.columns)
    assert "source: synthetic-city" in f.read_text(encoding="utf-8").split("time,")[0]
    g = tmp_path / "site.csv"
    r = _run(["weather", "--lat", "31.0", "--lon", "120.3", "-o", str(g)])
    assert r.exit_code == 0, r.output
    assert "note:" in r.output  # distance to the reference city / recommendation to use an EPW
    assert "(recent climate)" in r.output.splitlines()[-1]
    # the older climate on request: colder, said on the last line, in the file's header and a note
    h = tmp_path / "site_1971.csv"
    r = _run(["weather", "--lat", "31.0", "--lon", "120.3", "--temperature-period", "cswd", "-o", str(h)])
    assert r.exit_code == 0, r.output
    assert "(1971-2003 climate)" in r.output.splitlines()[-1] and "note: temperature period cswd" in r.output
    assert "temperature_period: cswd" in h.read_text(encoding="utf-8").split("time,")[0]
    t_old = pd.read_csv(h, comment="#", index_col="time")["temp_air"].mean()
    assert -0.7 < t_old - pd.read_csv(g, comment="#", index_col="time")["temp_air"].mean() < -0.2


def test_scenario_named_by_county_gets_its_province_and_ambiguity_is_explained(tmp_path):
    """site.city: 昆山市 validates (Jiangsu, for the grid factors); 朝阳区 is refused with the
    places that share the name, naming the field, with no traceback."""
    from twin.scenario.loader import load_scenario

    ok = tmp_path / "ks.yaml"
    ok.write_text(f"extends: {TINY}\nsite: {{city: 昆山市}}\n", encoding="utf-8")
    r = _run(["validate", str(ok)])
    assert r.exit_code == 0, r.output
    from twin.profiles import load_weather

    _, meta, info = load_weather(load_scenario(ok))
    assert info.province == "Jiangsu" and "division code 320583" in meta.notes[0]
    # any bundled station or major city validates too, also where the factor needs the province
    # (site_province once knew only the 34 TMYx cities)
    for name, province in (("敦煌", "Gansu"), ("西安", "Shaanxi"), ("达拉特旗", "Inner Mongolia")):
        f = tmp_path / "p.yaml"
        f.write_text(f"extends: {TINY}\nsite: {{city: {name}}}\n"
                     "grid: {emission_factor: {level: provincial}}\n", encoding="utf-8")
        r = _run(["validate", str(f)])
        assert r.exit_code == 0, (name, r.output)
        assert load_weather(load_scenario(f))[2].province == province
    bad = tmp_path / "cy.yaml"
    bad.write_text(f"extends: {TINY}\nsite: {{city: 朝阳区}}\n", encoding="utf-8")
    r = _run(["validate", str(bad)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "cy.yaml:2: site.city:" in r.output and "北京 朝阳区" in r.output and "长春市 朝阳区" in r.output


def test_weather_rejects_bad_site_cleanly(tmp_path):
    r = _run(["weather", "--lat", "48.8", "--lon", "2.3", "-o", str(tmp_path / "paris.csv")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert not (tmp_path / "paris.csv").exists()


def test_infeasible_target_is_explained(tmp_path):
    """A transformer too small for the load: the user is told which limit fails and by how much."""
    v = tmp_path / "small_transformer.yaml"
    v.write_text(f"extends: {TINY}\ngrid: {{import_limit_kw: 50}}\nbattery: null\n", encoding="utf-8")
    r = _run(["run", str(v), "-o", str(tmp_path / "o"), "--hours", "48", "-q"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "infeasible" in r.output and "import limit" in r.output and "kW" in r.output
    assert not (tmp_path / "o").exists()


def test_save_model_writes_the_mps_passed_to_highs(tmp_path):
    mps = tmp_path / "model.mps"
    r = _run(["run", str(TINY), "-o", str(tmp_path / "o"), "--hours", "24", "-q", "--save-model", str(mps)])
    assert r.exit_code == 0, r.output
    text = mps.read_text()
    assert text.startswith(("NAME", "*")) and "ROWS" in text and "COLUMNS" in text


def test_discrete_battery_modules_make_a_milp_with_its_gap(tmp_path):
    """Battery cabinets of 215 kWh: the size is a whole number of modules and the gap is reported."""
    v = tmp_path / "modules.yaml"
    v.write_text(f"extends: {TINY}\ncosts: {{battery_energy: {{module_size: 215}}}}\n", encoding="utf-8")
    r = _run(["run", str(v), "-o", str(tmp_path / "o"), "--hours", "48", "-q"])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    kwh = s["sizes"]["battery_kwh"]["bess"]
    assert abs(kwh / 215 - round(kwh / 215)) < 1e-6
    assert s["solver"]["gap"] is not None and s["solver"]["gap"] >= 0


def test_compare_two_runs_side_by_side(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert _run(["run", str(TINY), "-o", str(a), "--hours", "48", "-q"]).exit_code == 0
    v = tmp_path / "no_battery.yaml"
    v.write_text(f"extends: {TINY}\nbattery: null\n", encoding="utf-8")
    assert _run(["run", str(v), "-o", str(b), "--hours", "48", "-q"]).exit_code == 0
    out = tmp_path / "cmp"
    r = _run(["compare", str(a), str(b), "-o", str(out)])
    assert r.exit_code == 0, r.output
    import pandas as pd

    sizes = pd.read_csv(out / "sizes.csv", index_col=0, encoding="utf-8-sig")
    assert list(sizes.columns) == ["unit", "a", "b"]
    assert float(sizes.loc["battery_kwh[bess]", "b"]) == 0.0
    assert "<script src=" not in (out / "comparison.html").read_text(encoding="utf-8")
    r = _run(["compare", str(a), str(tmp_path / "missing"), "-o", str(out)])
    assert r.exit_code == 1 and "not found" in r.output


def test_representative_days_fast_mode_sizes_then_dispatches_the_full_year(tmp_path):
    """Sizes from 12 linked representative days, full-year dispatch with them fixed.

    The full-year optimum is a lower bound: fixing sizes chosen on fewer days cannot
    beat it, and on this small park the gap stays within a few per cent.
    """
    fast, full = tmp_path / "fast", tmp_path / "full"
    assert _run(["run", str(TINY), "-o", str(fast), "-q", "--representative-days", "12"]).exit_code == 0
    assert _run(["run", str(TINY), "-o", str(full), "-q"]).exit_code == 0
    sf = json.loads((fast / "summary.json").read_text(encoding="utf-8"))
    so = json.loads((full / "summary.json").read_text(encoding="utf-8"))
    assert sf["hours"] == 8760 and sf["solver"]["representative_days"]["k"] == 12
    assert so["annualised_cost_cny"] <= sf["annualised_cost_cny"] * (1 + 1e-9)
    assert sf["annualised_cost_cny"] <= so["annualised_cost_cny"] * 1.05


def test_pareto_front_is_in_summary_and_report(tmp_path):
    out = tmp_path / "front"
    r = _run(["run", str(TINY), "-o", str(out), "--hours", "72", "-q", "--objective", "pareto"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    pts = sorted(s["pareto"], key=lambda p: p["residual_tco2"])
    assert len(pts) == 6  # objective.pareto_points default
    costs = [p["cost_cny"] for p in pts]
    # along the front, allowing more emissions never costs more
    assert all(a >= b - 1e-6 * abs(a) for a, b in zip(costs, costs[1:]))
    assert s["solver"]["objective"] == "pareto"


def test_pareto_on_representative_days_resizes_every_point(tmp_path):
    """With --representative-days each point of the front is sized (not only re-dispatched
    with one set of sizes), the minimum-emission end is the vertical end (no MAC) and the
    headline plan is the minimum-cost end, whose sizes the full-year dispatch uses."""
    out = tmp_path / "front"
    r = _run(["run", str(TINY), "-o", str(out), "-q", "--objective", "pareto", "--pareto-points", "3",
              "--representative-days", "6"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    pts = s["pareto"]
    assert [p["vertical"] for p in pts] == [True, False, False] and pts[0]["mac_cny_per_t"] is None
    assert [p["headline"] for p in pts] == [False, False, True]
    batt = [p["sizes"]["battery_kwh"]["bess"] for p in pts]
    assert abs(batt[0] - batt[-1]) > 1.0  # the ends differ in their sizes: points are re-sized
    assert s["sizes"]["battery_kwh"]["bess"] == pytest.approx(batt[-1], rel=1e-6, abs=1e-6)
    assert "re-sized" in s["solver"]["representative_days"]["note"] or "sized on the representative days" in \
        s["solver"]["representative_days"]["note"]


def test_hourly_emission_factor_from_csv(tmp_path):
    import numpy as np
    import pandas as pd

    ef = np.where(np.arange(8760) % 24 < 12, 0.3, 0.7)  # a clean morning, a dirty evening
    pd.DataFrame({"ef_kgco2_per_kwh": ef}).to_csv(tmp_path / "ef.csv", index=False)
    v = tmp_path / "hourly_ef.yaml"
    v.write_text(f"extends: {TINY}\ngrid: {{emission_factor: {{hourly_csv: ef.csv}}}}\n", encoding="utf-8")
    r = _run(["run", str(v), "-o", str(tmp_path / "o"), "--hours", "48", "-q"])
    assert r.exit_code == 0, r.output
    ds = xr.open_dataset(tmp_path / "o" / "results.nc")
    np.testing.assert_allclose(ds["ef_grid_kgco2_per_kwh"].values, ef[:48])
    assert "ef.csv" in ds["ef_grid_kgco2_per_kwh"].attrs["source"]
    ds.close()
    pd.DataFrame({"ef_kgco2_per_kwh": ef[:100]}).to_csv(tmp_path / "ef.csv", index=False)
    r = _run(["run", str(v), "-o", str(tmp_path / "o2"), "--hours", "48", "-q"])
    assert r.exit_code == 1 and "ef.csv: expected 8760 hourly rows" in r.output and "found 100" in r.output


def test_pv_headroom_annotation_of_improvements():
    from twin.evaluate import annotate_pv_headroom, pv_headroom_kwp
    from twin.scenario.loader import load_scenario

    sc = load_scenario(TINY).scenario  # one roof of 4000 m2 -> 588 kWp limit
    assert pv_headroom_kwp(sc, {"pv_kwp": {"roof": 500.0}}) == pytest.approx(88.0)
    imps = [{"how": "+1,000 MWh/yr", "quantity": {"pv_kwp": 850.0, "text": "+1,000 MWh/yr"}},
            {"how": "x", "quantity": {"pv_kwp": 50.0, "text": "x"}}]
    annotate_pv_headroom(imps, sc, {"pv_kwp": {"roof": 500.0}})
    assert "only 88 kWp left" in imps[0]["how"] and imps[0]["quantity"]["pv_headroom_kwp"] == pytest.approx(88.0)
    assert imps[1]["how"] == "x"


def test_weather_command_speaks_in_its_own_options(tmp_path, shared_dir):
    """Issue 11 review: API wording (site_weather(path=...)) in command-line messages, a
    missing --lon not named, options silently ignored with --file, --list ignoring -o, and
    the Chinese names --list shows not accepted back."""
    out = tmp_path / "x.csv"
    r = _run(["weather", "--lat", "30", "-o", str(out)])
    assert r.exit_code == 1 and "give --lat and --lon together" in r.output
    r = _run(["weather", "--city", "苏州", "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 1 and "ending in .csv (a table) or .epw" in r.output
    r = _run(["weather", "--city", "苏州", "-o", str(out)])
    assert "twin weather --file" in r.output and "site_weather(" not in r.output
    epw = shared_dir / "data/weather/CHN_JS_Suzhou.583580_TMYx.epw.gz"
    r = _run(["weather", "--file", str(epw), "--seed", "3", "--elevation", "50", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "not used with --file" in r.output and "--elevation, --seed" in r.output
    r = _run(["weather", "--file", str(epw), "--city", "苏州", "-o", str(out)])
    assert r.exit_code == 1 and "give either --city or --file, not both" in r.output
    listing = tmp_path / "stations.txt"
    r = _run(["weather", "--list", "-o", str(listing)])
    assert r.exit_code == 0 and "安徽·安庆" in listing.read_text(encoding="utf-8")
    # a .csv name gets a table (it got the aligned text, one column in a spreadsheet)
    import pandas as pd

    r = _run(["weather", "--list", "-o", str(tmp_path / "stations.csv")])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(tmp_path / "stations.csv", encoding="utf-8-sig")
    assert len(table) == 329 and "elevation [m]" in table.columns
    assert set(table["dataset"]) == {"TMYx", "CSWD", "SWERA"}
    # the pinyin of each Chinese name, by which the station is found too (Nyingchi: linzhi)
    assert "linzhi" in table.loc[table["name"] == "Nyingchi", "pinyin"].iloc[0].split("|")
    from weather.stations import resolve_place

    assert resolve_place("安徽·安庆") == ("station", "TMYx-58424")
    assert resolve_place("内蒙古·巴彦诺尔公") == ("station", "CSWD-52495")
    r = _run(["weather", "--city", "香港", "-o", str(out)])
    assert r.exit_code == 1 and "Hong Kong, which this tool does not know by name" in r.output
