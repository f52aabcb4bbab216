"""Today's plant retires along a pathway: when it went into service or retires, what a period then counts,
builds and keeps in its baseline, and what the outputs say.

The tiny parks (tests/data/tiny_*.yaml) over two periods, 2025-2029 and 2030-2034, on their first hours:
an existing asset whose life ends inside the second period (out of service from 2032) stands in the first
and is not existing capacity of the second, which replaces it at its own costs; without the new fields a
pathway gives the numbers it gave before they existed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from solvers.problem import capital_recovery_factor

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
HOURS = 48


def _park(tmp_path: Path, src: str, pathway: dict | None = None, edit=None, name: str = "park.yaml") -> Path:
    data = yaml.safe_load((DATA / src).read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    data["pathway"] = {"periods": [2025, 2030], "end_year": 2035, "representative_days": None, **(pathway or {})}
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _steam_boiler_retires(d):
    d["process_heat"][1]["existing_retires_year"] = 2032  # the coal boiler of the steam, 400 kW


def _battery(d, **life):
    d.pop("battery", None)
    d["batteries"] = [{"name": "bess", "existing_kwh": 300, "existing_kw": 150, **life}]


# ----------------------------------------------------------------------------- a retirement inside the second period
@pytest.mark.parametrize("mode", ["myopic", "foresight"])
def test_todays_boiler_retiring_inside_the_second_period_is_replaced_there(tmp_path, mode):
    """The steam (400 kW peak) is supplied today by a coal boiler out of service from 2032. It stands in
    2025-2029 (its life covers the period) and is no capacity of 2030-2034 (its life ends inside): that period
    builds the steam heat pump to its 300 kW limit and an electric steam boiler of about 124.6 kW, which with the oven
    exhaust's direct heat serve the steam (a fuel-fired boiler is never built again); the 2030 baseline keeps the
    coal boiler like for like. The builds are vintages at 2030's costs: the period's capital charge is their
    annuities and O&M. The park has no roof for PV here: whether two days' sun pay for panels at 2030's price is
    a matter of the days drawn (it did once the synthetic days' timing varied), not of the retirement."""
    from twin.pathway.runner import run_pathway

    def edit(d):
        _steam_boiler_retires(d)
        d.pop("pv_arrays")
        d["costs"].pop("pv")

    res = run_pathway(_park(tmp_path, "tiny_process_heat.yaml", {"mode": mode}, edit), hours=HOURS)
    assert res.complete, res.failed
    first, second = res.periods
    assert first.sizes["boiler_kw[steam boiler]"] == pytest.approx(400.0)
    assert first.retired == [] and first.built == {}
    assert "boiler_kw[steam boiler]" not in second.sizes  # no existing supply of the steam in 2030
    assert second.built["heat_pump_kw[steam heat pump]"] == pytest.approx(300.0, abs=1e-3)
    # 125.29 kW in both modes before the synthetic light rose with the sun (its week of weather moved);
    # 125.23/125.25 before each month's high-sun cap; 125.29 (myopic) and 125.26 (foresight) before the
    # synthetic days' timing varied (Hangzhou's typical year is seed 5 since, not 15: the air-source
    # steam heat pump's hours are others); now 124.59 in both
    assert second.built["boiler_kw[electric steam boiler]"] == pytest.approx(124.59, abs=0.03)
    # the steam's supply in 2030 covers its 400 kW peak from the builds and the exhaust's direct heat
    ds = second.run.result.dispatch
    steam = ds["q_process_heat_demand_kw"].sel(process_heat="steam")
    assert float(steam.max()) == pytest.approx(400.0)
    assert second.run.baseline.sizes["boiler_kw"]["steam boiler"] == pytest.approx(400.0)
    [row] = second.retired
    assert row == {"key": "boiler_kw", "asset": "steam boiler", "year": None, "size": pytest.approx(400.0),
                   "retirement_year": 2032, "counted": False, "todays_plant": True, "basis": "existing_retires_year",
                   "kind": "boiler"}
    notes = second.run.result.solver_notes
    assert any(n.startswith("today's supply of process heat 'steam' has retired") for n in notes), notes
    assert any(n.startswith("the baseline keeps today's plant that has retired") for n in notes), notes
    assert not any("the baseline keeps" in n for n in first.run.result.solver_notes)
    assert {(v.key, v.year) for v in res.vintages} == {("heat_pump_kw", 2030), ("boiler_kw", 2030)}
    crf_hp = capital_recovery_factor(res.discount_rate, 15)
    built = second.built  # the heat pump at 3,000 CNY/kW, O&M 1.5 %; the boiler at 300 CNY/kW, O&M 1 % (default)
    charge = (built["heat_pump_kw[steam heat pump]"] * 3000.0 * (crf_hp + 0.015)
              + built["boiler_kw[electric steam boiler]"] * 300.0 * (crf_hp + 0.01))
    assert second.capital_charge_cny == pytest.approx(charge, rel=1e-9)
    assert res.npv_cost_cny == pytest.approx(sum(p.weight * p.annual_cost_cny for p in res.periods), rel=1e-12)


@pytest.mark.parametrize("mode", ["myopic", "foresight"])
def test_a_listed_asset_retires_after_its_cost_lifetime_and_is_existing_capacity_until_then(tmp_path, mode):
    """A 300 kWh / 150 kW battery commissioned in 2020 retires after costs.battery_energy's 12 years, in 2032:
    existing capacity of 2025-2029, none of 2030-2034. Its baseline there keeps it; a note says the life came
    from the cost entry (an assumption)."""
    from twin.pathway.runner import run_pathway

    res = run_pathway(_park(tmp_path, "tiny_park.yaml", {"mode": mode},
                            lambda d: _battery(d, existing_commissioned_year=2020)), hours=HOURS)
    first, second = res.periods
    assert first.existing["battery_kwh[bess]"] == pytest.approx(300.0)
    assert first.existing["battery_kw[bess]"] == pytest.approx(150.0)
    # 2030 counts only what 2025 built (faded by 5 years), nothing of today's battery
    built = first.built.get("battery_kwh[bess]", 0.0)
    fade = (1 - 0.8) / 15
    assert second.existing["battery_kwh[bess]"] == pytest.approx(built * (1 - 5 * fade), abs=1e-5)
    assert second.existing["battery_kw[bess]"] == pytest.approx(first.built.get("battery_kw[bess]", 0.0), abs=1e-5)
    assert second.built["battery_kw[bess]"] > 100.0  # the converter rebuilt at 2030's cost
    assert second.run.baseline.sizes["battery_kw"]["bess"] == pytest.approx(150.0 + second.existing["battery_kw[bess]"])
    assert {r["key"]: r["size"] for r in second.retired if r["todays_plant"]} == {"battery_kwh": 300.0,
                                                                                  "battery_kw": 150.0}
    assert ("existing battery 'bess' retires in 2032: commissioned 2020 + 12 years, the lifetime_years of "
            "costs.battery_energy (its economic life taken as its technical life, ASSUMED)") in res.notes
    [plant] = res.existing_plant
    assert plant["retires"] == 2032 and plant["basis"] == "existing_commissioned_year + costs.battery_energy.lifetime_years"
    assert plant["size"] == {"battery_kwh[bess]": pytest.approx(300.0), "battery_kw[bess]": pytest.approx(150.0)}


def _central_building(d):
    d["site"] = {"city": "Qingdao"}
    d["buildings"] = [{"name": "offices", "type": "office", "floor_area_m2": 20000, "storeys": 4,
                       "hvac": {"type": "chiller_boiler"}}]
    d["heat_pumps"] = [{"name": "ashp", "source": "air", "sink_temperature_c": 55, "max_kw": 3000}]
    d["thermal_stores"] = [{"name": "tank", "max_kwh": 4000}]
    d["costs"]["heat_pump"] = {"capex_cny_per_unit": 1500, "lifetime_years": 15}
    d["costs"]["thermal_storage"] = {"capex_cny_per_unit": 25, "lifetime_years": 20}
    d["costs"]["chiller"] = {"capex_cny_per_unit": 1200, "lifetime_years": 20}
    d["costs"]["natural_gas_price_cny_per_kwh"] = 0.38
    d["implied_plant"] = {"boiler": {"existing_commissioned_year": 2008, "existing_retires_year": 2032},
                          "chiller": {"existing_commissioned_year": 2012}}


@pytest.mark.parametrize("mode", ["myopic", "foresight"])
def test_the_networks_implied_boiler_and_chiller_retire(tmp_path, mode):
    """An office on central heating and cooling with no declared boiler or chiller: today a gas boiler and an
    electric chiller covering the peaks are implied. implied_plant dates them: the boiler retires in 2032, the
    chiller (2012 + costs.chiller's 20 years) too. In 2030 neither stands: the air-source heat pump and the tank
    carry the January week's heat, the implied chiller has no existing capacity (the plan rebuilds it at
    costs.chiller where needed; a winter week needs none), and the baseline keeps both as they were."""
    from twin.pathway.runner import run_pathway

    res = run_pathway(_park(tmp_path, "tiny_park.yaml", {"mode": mode}, _central_building), hours=168)
    assert res.complete, res.failed
    first, second = res.periods
    boiler = first.sizes["boiler_kw[implied gas boiler]"]
    chiller = first.sizes["chiller_kw[implied chiller]"]
    assert boiler > 500.0 and chiller > 500.0
    assert "boiler_kw[implied gas boiler]" not in second.sizes
    assert second.sizes["chiller_kw[implied chiller]"] == pytest.approx(0.0, abs=1e-6)
    heat = second.run.result.dispatch["q_heat_demand_kw"]
    hp = second.sizes["heat_pump_kw[ashp]"]
    assert hp > 0.3 * float(heat.max())
    assert float(second.run.result.dispatch["q_heat_pump_kw"].sum()) == pytest.approx(
        float(heat.sum()) + float(second.run.result.dispatch["q_tes_charge_kw"].sum())
        - float(second.run.result.dispatch["q_tes_discharge_kw"].sum()), rel=1e-6)
    base = second.run.baseline.sizes
    assert base["boiler_kw"]["implied gas boiler"] == pytest.approx(boiler)
    assert base["chiller_kw"]["implied chiller"] == pytest.approx(chiller)
    retired = {r["asset"]: r for r in second.retired if r["todays_plant"]}
    assert retired["implied gas boiler"]["size"] == pytest.approx(boiler)
    assert retired["implied chiller"]["retirement_year"] == 2032
    notes = second.run.result.solver_notes
    assert any(n.startswith("the heat network's implied gas boiler has retired") for n in notes), notes
    assert any(n.startswith("the chilled-water network's implied chiller has retired") for n in notes), notes


# ----------------------------------------------------------------------------- backwards compatibility
@pytest.mark.parametrize("mode, src, edit, npv", [
    ("myopic", "tiny_process_heat.yaml", None, 15691344.013976224),
    ("foresight", "tiny_process_heat.yaml", None, 15691344.013976224),
    ("myopic", "tiny_park.yaml", _battery, 9297608.914335635),
    ("foresight", "tiny_park.yaml", _battery, 9297610.161627626),
])
def test_without_the_new_fields_a_pathway_is_what_it_was(tmp_path, mode, src, edit, npv):
    """Present values measured before the commissioning and retirement years existed (same parks, same
    hours; tiny_park's re-measured when overcast hours stopped being cut to zero light, which moved its
    Hangzhou weather in the first week, -0.08 and -1.53 CNY, and again when the synthetic light rose with
    the sun's height, foresight +4.93 CNY, and when the synthetic days' timing varied, which made
    Hangzhou's typical year another seed, -0.09 and -4.34 CNY, and when the weekend days inside holiday
    breaks became holidays, which made weekend days of the periods' New Year breaks holidays, +0.57 % and +0.40 %); today's plant without a year stands through the pathway's last year, and a note says so. A
    retirement after the horizon (2040, the pathway ends in 2034) changes nothing either."""
    from twin.pathway.runner import run_pathway

    res = run_pathway(_park(tmp_path, src, {"mode": mode}, edit), hours=HOURS)
    assert res.npv_cost_cny == pytest.approx(npv, rel=1e-7)
    plant = {r["label"] for r in res.existing_plant}
    assert plant and all(f"existing {x} has no commissioning/retirement year: assumed to stand through 2034" in res.notes
                         for x in plant)
    assert not any(r for p in res.periods for r in p.retired if r["todays_plant"])

    def later(d):
        if edit is not None:
            edit(d)
        for section in ("process_heat", "batteries"):
            for x in d.get(section, []):
                x["existing_retires_year"] = 2040

    again = run_pathway(_park(tmp_path, src, {"mode": mode}, later, name="later.yaml"), hours=HOURS)
    assert again.npv_cost_cny == pytest.approx(npv, rel=1e-7)
    assert not any("has no commissioning/retirement year" in n for n in again.notes)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("src, edit, path, match", [
    ("tiny_park.yaml", lambda d: _battery(d, existing_commissioned_year=2020, existing_retires_year=2018),
     "batteries.0", "existing_retires_year 2018 is not after existing_commissioned_year 2020"),
    ("tiny_park.yaml", lambda d: _battery(d, existing_commissioned_year=2027),
     "batteries.0.existing_commissioned_year", "went into service in 2027, after park.planning_year 2025"),
    ("tiny_park.yaml", lambda d: _battery(d, existing_commissioned_year=2010),
     "batteries.0.existing_commissioned_year",
     (r"out of service from 2022 \(existing_commissioned_year 2010 \+ costs.battery_energy.lifetime_years 12 = 2022\), "
      "at or before park.planning_year 2025")),
    ("tiny_park.yaml", lambda d: d["pv_arrays"][0].update(existing_retires_year=2030),
     "pv_arrays.0.existing_retires_year", "has no existing capacity whose life it could date"),
    ("tiny_process_heat.yaml", lambda d: d["process_heat"][1].update(existing_commissioned_year=2010),
     "process_heat.1.existing_commissioned_year", "no lifetime_years gives the end of its life; give existing_retires_year"),
    ("tiny_process_heat.yaml", lambda d: (d["boilers"].append({"name": "cooker", "fuel": "natural_gas", "existing_kw": 300,
                                                               "serves": "cooking water"}),
                                          d["process_heat"][0].update(existing_retires_year=2030)),
     "process_heat.0.existing_retires_year", "has no supply of its own today"),
    ("tiny_process_heat.yaml", lambda d: (d["boilers"].append({"name": "gas", "fuel": "natural_gas", "existing_kw": 300}),
                                          d.update(implied_plant={"boiler": {"existing_retires_year": 2030}})),
     "implied_plant.boiler", "no boiler is implied for the heat network: declared boilers serve it"),
    ("tiny_park.yaml", lambda d: d.update(implied_plant={"chiller": {"existing_retires_year": 2030}}),
     "implied_plant.chiller", "give costs.chiller"),
])
def test_bad_years_are_named(tmp_path, src, edit, path, match):
    from twin.scenario.loader import ScenarioError, load_scenario

    with pytest.raises(ScenarioError) as exc:
        load_scenario(_park(tmp_path, src, None, edit))
    problems = [p for p in exc.value.problems if p.path == path]
    assert problems, [str(p) for p in exc.value.problems]
    assert any(re.search(match, p.message) for p in problems), [p.message for p in problems]


# ----------------------------------------------------------------------------- the outputs agree
@pytest.mark.parametrize("mode", ["myopic", "foresight"])
def test_retirements_and_costs_agree_across_the_outputs(tmp_path, mode):
    """The pathway's summary.json, results.nc, each period's own summary and both reports: the same cost of
    each period and present value; today's retired boiler listed in 2030 beside nothing of 2025, with its
    size and years, in English and in Chinese (no sentence left untranslated)."""
    import xarray as xr
    from click.testing import CliRunner

    from twin import report_text
    from twin.cli import main
    from twin.fmt import fmt_value
    from twin.report_pathway import render_pathway_report

    def edit(d):
        _steam_boiler_retires(d)
        d["process_heat"][1]["existing_commissioned_year"] = 2007

    out = tmp_path / "pw"
    r = CliRunner().invoke(main, ["pathway", str(_park(tmp_path, "tiny_process_heat.yaml", {"mode": mode}, edit)),
                                  "--hours", str(HOURS), "-o", str(out), "--lang", "en"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "2030: built " in r.output and "today's plant retired: boiler_kw[steam boiler] 400 (out of service from 2032)" \
        in r.output
    pw = json.loads((out / "summary.json").read_text(encoding="utf-8"))["pathway"]
    rows = pw["by_period"]
    assert pw["npv_cost_cny"] == pytest.approx(sum(x["weight"] * x["annual_cost_cny_per_yr"] for x in rows), rel=1e-12)
    steam = next(x for x in pw["existing_plant"] if x["name"] == "steam boiler")
    assert (steam["commissioned"], steam["retires"], steam["size"]) == (2007, 2032, {"boiler_kw[steam boiler]": 400.0})
    assert rows[0]["retired"] == []
    [gone] = rows[1]["retired"]
    assert gone["todays_plant"] and gone["year"] == 2007 and gone["retirement_year"] == 2032
    with xr.open_dataset(out / "results.nc") as ds:
        for i, row in enumerate(rows):
            own = json.loads((out / "periods" / str(row["year"]) / "summary.json").read_text(encoding="utf-8"))
            assert float(ds["capital_charge_cny"][i]) == pytest.approx(row["capital_charge_cny_per_yr"], rel=1e-12)
            assert float(ds["operating_cost_cny"][i]) == pytest.approx(row["operating_cost_cny_per_yr"], rel=1e-12)
            assert own["pathway_period"]["annual_cost_cny_per_yr"] == pytest.approx(row["annual_cost_cny_per_yr"])
            assert own["emissions_tco2"] == row["emissions_tco2"]
        assert float(ds["size_boiler_kw__steam boiler"][0]) == pytest.approx(400.0)
        assert float(ds["size_boiler_kw__steam boiler"][1]) == 0.0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"{fmt_value(pw['npv_cost_cny'] / 1e6)} M CNY" in page
    assert "Boiler — steam boiler 400 (existing 2007–2032)" in page and "Items marked existing are today&#x27;s plant" in page
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    report_text.MISSING.clear()
    zh = render_pathway_report(summary, lang="zh")
    assert "(现有 2007–2032)" in zh and "标为“现有”的为今天园区的设备" in zh
    # the period's own notes on the retired supply, in Chinese too
    own = json.loads((out / "periods" / "2030" / "summary.json").read_text(encoding="utf-8"))
    notes = {report_text.phrase(n, "zh") for n in own["solver"]["notes"] if "has retired" in n}
    assert notes == {("工艺用热“<data>steam</data>”的现有供热已退役（supply_retired，路径阶段）：由已申报的在役锅炉和热泵、"
                      "余热及规划新建设备供热"),
                     "基准将本路径阶段结束前已退役的现有设备按原样保留，视同原样更新；规划方案不含这些设备（路径报告列出各设备的退役时间）"}
    assert not report_text.MISSING, report_text.MISSING


# ----------------------------------------------------------------------------- foresight on representative days
def test_minimum_only_gives_the_scenarios_own_maxima_back():
    """The retry of a period whose pinned joint plan falls short: each heat and cooling plant's pinned maximum
    back at the scenario's own (the tank's 4,000 kWh), never below the pinned minimum; PV stays pinned."""
    from twin.pathway.foresight import minimum_only, pinned_overrides
    from twin.scenario.loader import load_scenario

    def edit(d):
        _central_building(d)
        d["heat_pumps"][0]["max_kw"] = 500

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        sc = load_scenario(_park(Path(tmp), "tiny_park.yaml", None, edit)).scenario
    pins = pinned_overrides({"tes_kwh[tank]": 1200.5, "heat_pump_kw[ashp]": 700.0, "pv_kwp[roof]": 300.0})
    loose = minimum_only(pins, sc)
    assert loose["thermal_stores[tank].min_kwh"] == 1200.5 and loose["thermal_stores[tank].max_kwh"] == 4000.0
    assert loose["heat_pumps[ashp].min_kw"] == 700.0 and loose["heat_pumps[ashp].max_kw"] == 700.0
    assert loose["pv_arrays[roof].min_kwp"] == loose["pv_arrays[roof].max_kwp"] == 300.0  # PV stays pinned


@pytest.mark.slow
def test_foresight_period_short_on_the_full_year_builds_the_rest_itself(tmp_path):
    """The central-plant office on 4 linked representative days, full year, foresight: its implied gas boiler
    retires in 2032 and the joint plan's 2030 heat pump and tank (sized on the days) fall short of the full
    year's heat. The period keeps them as its minimum and builds 653 kW of heat pump and 730 kWh of tank more
    itself, on the joint plan's 1,231 kWh (measured; 154 kW of heat pump and none of tank on 1,825 kWh before
    the synthetic days' timing varied, 1,797 kWh before each month's high-sun cap, and before the synthetic
    day's light rose with the sun, 653 kW of heat pump and 1,601 kWh of tank, and 678 kW and 1,719 kWh before
    overcast daylight hours kept some light: the representative days and what they size move with the
    weather), vintages of 2030; a note says so, and the costs agree."""
    from twin.pathway.runner import run_pathway

    res = run_pathway(_park(tmp_path, "tiny_park.yaml", {"mode": "foresight", "representative_days": 4},
                            _central_building))
    assert res.complete, res.failed
    second = res.periods[1]
    added = res.foresight["resized"]["2030"]
    assert added["heat_pump_kw[ashp]"] == pytest.approx(653.5, abs=5.0)
    assert added["tes_kwh[tank]"] == pytest.approx(729.8, abs=20.0)
    assert second.existing["tes_kwh[tank]"] == pytest.approx(1230.8, abs=20.0)
    assert any(n.startswith("period 2030: the joint plan's heat and cooling plant fell short in the period's own run "
                            "(sized on 4 representative days, it does not cover the full year)") for n in res.notes)
    built: dict = {}  # the joint plan's builds and the period's own, both vintages of 2030
    for v in res.vintages:
        if v.year == 2030:
            built[f"{v.key}[{v.asset}]"] = built.get(f"{v.key}[{v.asset}]", 0.0) + v.size
    assert built == pytest.approx(second.built)
    assert sum(v.year == 2030 and v.key == "heat_pump_kw" for v in res.vintages) == 2
    for n, v in second.built.items():  # what the period adds below 0.5 unit is no build (as in the myopic mode)
        assert second.sizes[n] == pytest.approx(second.existing[n] + v, abs=0.5)
    assert "boiler_kw[implied gas boiler]" not in second.sizes
    assert second.sizes["chiller_kw[implied chiller]"] > 500.0  # rebuilt at costs.chiller for the summer
    assert "chiller_kw[implied chiller]" not in second.built  # implied plant: its annuity stays in the period cost
    assert res.npv_cost_cny == pytest.approx(sum(p.weight * p.annual_cost_cny for p in res.periods), rel=1e-12)
