"""The public override API and named variants (precedence, records, clear errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twin.scenario.loader import ScenarioError, load_scenario
from twin.scenario.overrides import OverrideError, apply_overrides, get_path, parse_path, set_path

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"


def test_parse_path_steps():
    assert parse_path("pv_arrays[roof_a].max_kwp") == [("pv_arrays", "roof_a"), ("max_kwp", None)]
    assert parse_path("process_loads[0].annual_mwh") == [("process_loads", 0), ("annual_mwh", None)]
    assert parse_path("pv_arrays[roof.east].tilt_deg")[0] == ("pv_arrays", "roof.east")
    with pytest.raises(OverrideError, match="not a field name"):
        parse_path("costs..pv")


def test_set_path_rules():
    data = {"costs": {"pv": {"capex_cny_per_unit": 2800, "lifetime_years": 25}},
            "pv_arrays": [{"name": "a", "area_m2": 10}, {"name": "b", "area_m2": 20}], "battery": {"name": "x"}}
    out = set_path(data, "costs.pv.capex_cny_per_unit", 3000)
    assert out["costs"]["pv"] == {"capex_cny_per_unit": 3000, "lifetime_years": 25}
    assert data["costs"]["pv"]["capex_cny_per_unit"] == 2800  # input untouched
    # a mapping merges key by key; a list replaces; null removes
    assert set_path(data, "costs.pv", {"lifetime_years": 20})["costs"]["pv"] == {"capex_cny_per_unit": 2800,
                                                                                   "lifetime_years": 20}
    assert set_path(data, "pv_arrays", [{"name": "c"}])["pv_arrays"] == [{"name": "c"}]
    assert "battery" not in set_path(data, "battery", None)
    assert set_path(data, "pv_arrays[b].area_m2", 5)["pv_arrays"][1] == {"name": "b", "area_m2": 5}
    assert [a["name"] for a in set_path(data, "pv_arrays[a]", None)["pv_arrays"]] == ["b"]
    assert set_path(data, "carbon.carbon_price_cny_per_t", 100)["carbon"] == {"carbon_price_cny_per_t": 100}
    with pytest.raises(OverrideError, match="no element named 'zz'.*names: a, b"):
        set_path(data, "pv_arrays[zz].area_m2", 1)
    with pytest.raises(OverrideError, match="index 5 is out of range"):
        set_path(data, "pv_arrays[5].area_m2", 1)
    with pytest.raises(OverrideError, match="not a section"):
        set_path(data, "costs.pv.capex_cny_per_unit.x", 1)


def test_later_override_wins_and_is_recorded():
    out, applied = apply_overrides({"a": {"b": 1}}, {"a.b": 2, "a": {"b": 3, "c": 4}}, "test")
    assert out == {"a": {"b": 3, "c": 4}}
    assert [(x.source, x.path, x.value) for x in applied] == [("test", "a.b", 2), ("test", "a", {"b": 3, "c": 4})]
    assert get_path(out, "a.c") == 4 and get_path(out, "a.zz", "dflt") == "dflt"


def test_load_scenario_overrides_reach_the_scenario_and_the_record():
    loaded = load_scenario(TINY, overrides={"costs.pv.capex_cny_per_unit": 3000, "battery": None,
                                            "pv_arrays[roof].max_kwp": 500, "site.weather_seed": 3})
    sc = loaded.scenario
    assert sc.costs.pv.capex_cny_per_unit == 3000 and not sc.batteries
    assert sc.pv_arrays[0].max_kwp == 500 and sc.site.weather_seed == 3
    assert loaded.overrides == ["costs.pv.capex_cny_per_unit", "battery", "pv_arrays[roof].max_kwp", "site.weather_seed"]
    assert loaded.override_record()[0] == {"source": "overrides", "path": "costs.pv.capex_cny_per_unit", "value": 3000}
    assert loaded.sha256 != load_scenario(TINY).sha256
    assert get_path(sc, "pv_arrays[roof].max_kwp") == 500


def test_bad_override_is_a_clear_scenario_error():
    with pytest.raises(ScenarioError) as exc:
        load_scenario(TINY, overrides={"costs.pv.capex_cny_per_unit": -1})
    text = str(exc.value)
    assert "costs.pv.capex_cny_per_unit" in text and "[set by overrides]" in text
    with pytest.raises(ScenarioError, match="no element named 'nope'"):
        load_scenario(TINY, overrides={"pv_arrays[nope].max_kwp": 1})
    with pytest.raises(ScenarioError, match="unknown field"):
        load_scenario(TINY, overrides={"costs.pv.capex_typo": 1})


VARIANTS = """
variants:
  no_storage:
    label: Without battery
    label_zh: 无储能
    overrides: {battery: null}
  cheap_pv:
    overrides: {costs.pv.capex_cny_per_unit: 2000}
  dear_pv:
    overrides: {costs.pv.capex_cny_per_unit: 4000, carbon.carbon_price_cny_per_t: 50}
  lean:
    combine: [no_storage, cheap_pv]
    overrides: {costs.pv.capex_cny_per_unit: 2200}
"""


def _with_variants(tmp_path, extra: str = "") -> Path:
    p = tmp_path / "park.yaml"
    p.write_text(f"extends: {TINY}\n{extra}{VARIANTS}", encoding="utf-8")
    return p


def test_variants_apply_in_order_and_combine(tmp_path):
    p = _with_variants(tmp_path)
    base = load_scenario(p)
    assert base.variant_name == "base" and base.scenario.batteries and set(base.variants) == {
        "no_storage", "cheap_pv", "dear_pv", "lean"}
    assert base.overrides == []  # `variants:` itself is not an override of the base
    v = load_scenario(p, variant="cheap_pv+dear_pv")
    assert v.scenario.costs.pv.capex_cny_per_unit == 4000  # later variant wins
    assert v.variant == ("cheap_pv", "dear_pv") and v.variant_name == "cheap_pv+dear_pv"
    v = load_scenario(p, variant=["dear_pv", "cheap_pv"], overrides={"carbon.carbon_price_cny_per_t": 10})
    assert v.scenario.costs.pv.capex_cny_per_unit == 2000 and v.scenario.carbon.carbon_price_cny_per_t == 10
    assert [a.source for a in v.applied] == ["variant 'dear_pv'", "variant 'dear_pv'", "variant 'cheap_pv'",
                                             "overrides"]
    lean = load_scenario(p, variant="lean")
    assert not lean.scenario.batteries and lean.scenario.costs.pv.capex_cny_per_unit == 2200
    # derive gives the same scenario as loading the file again
    assert base.derive("lean").sha256 == lean.sha256


def test_variant_errors_name_file_and_field(tmp_path):
    p = _with_variants(tmp_path)
    with pytest.raises(ScenarioError, match="unknown variant 'nope'.*declared: no_storage"):
        load_scenario(p, variant="nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {TINY}\nvariants:\n  x:\n    overides: {{battery: null}}\n  y:\n    combine: [z]\n",
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad)
    text = str(exc.value)
    assert "bad.yaml:4: variants.x.overides" in text and "unknown variant 'z'" in text


def test_example_variants_all_load():
    from twin.scenario.loader import BASE_VARIANT

    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        loaded = load_scenario(f)
        for name in loaded.variants:
            v = loaded.derive(name)
            assert v.variant_name == name and v.sha256 != loaded.sha256, (f, name)
        assert loaded.variant_name == BASE_VARIANT


def test_cli_run_with_variant_and_set_records_them(tmp_path):
    import json

    from click.testing import CliRunner

    from twin.cli import main

    p = _with_variants(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(p), "--variant", "no_storage", "--set", "costs.pv.capex_cny_per_unit=2500",
                                  "--hours", "24", "-q", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["scenario"]["variant"] == "no_storage"
    assert s["scenario"]["applied_overrides"] == [
        {"source": "variant 'no_storage'", "path": "battery", "value": None},
        {"source": "overrides", "path": "costs.pv.capex_cny_per_unit", "value": 2500}]
    assert "battery_kwh" not in s["sizes"] or s["sizes"]["battery_kwh"] == 0
    r = CliRunner().invoke(main, ["run", str(p), "--set", "nonsense", "-q", "-o", str(out)])
    assert r.exit_code == 1 and "expected PATH=VALUE" in r.output


BAD_VARIANTS = """  badpath:
    overrides:
      costs.pv.capcity_cny: 3
  badvalue:
    overrides:
      costs.pv.capex_cny_per_unit: -5
  badselector:
    combine: [cheap_pv]
    overrides:
      pv_arrays[nope].max_kwp: 3
"""


def test_validate_checks_every_variant_at_its_line(tmp_path):
    """`twin validate` applies each declared variant as `twin run --variant` would, and places
    each problem at the line of the variant's override (the base file's, for a base's variant)."""
    from click.testing import CliRunner

    from twin.cli import main
    from twin.scenario.loader import variant_problems

    p = _with_variants(tmp_path)
    p.write_text(p.read_text(encoding="utf-8") + BAD_VARIANTS, encoding="utf-8")
    lines = p.read_text(encoding="utf-8").splitlines()
    line = {k: i + 1 for i, x in enumerate(lines) for k in ("capcity_cny", "-5", "nope") if k in x}
    got = [str(x) for x in variant_problems(load_scenario(p))]
    assert got == [
        (f"{p}:{line['capcity_cny']}: costs.pv.capcity_cny: unknown field (not in the schema; check spelling, see "
        "`twin schema`) [set by variant 'badpath']"),
        (f"{p}:{line['-5']}: costs.pv.capex_cny_per_unit: Input should be greater than or equal to 0 "
        "[set by variant 'badvalue'] (got -5)"),
        (f"{p}:{line['nope']}: pv_arrays[nope].max_kwp: variant 'badselector': no element named 'nope' in "
        "'pv_arrays' (names: roof)")], got
    # `twin run --variant` refuses it with the same line
    with pytest.raises(ScenarioError, match=f"park.yaml:{line['-5']}: costs.pv.capex_cny_per_unit"):
        load_scenario(p, variant="badvalue")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 1 and "3 problem(s) in its variants" in r.output
    assert f"park.yaml:{line['capcity_cny']}: costs.pv.capcity_cny" in r.output
    # a file extending it: the base's variant is placed in the base file
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {p}\nvariants:\n  badpath:\n    label: fixed later\n", encoding="utf-8")
    assert str(variant_problems(load_scenario(child))[0]).startswith(f"{p}:{line['capcity_cny']}: ")
    # good variants only: OK, and says they were checked
    r = CliRunner().invoke(main, ["validate", str(_with_variants(tmp_path))])
    assert r.exit_code == 0 and "4 variant(s) checked" in r.output, r.output


@pytest.mark.parametrize("name", ["", " ", "no_storage+", "+cheap_pv"])
def test_empty_variant_name_is_refused(tmp_path, name):
    p = _with_variants(tmp_path)
    with pytest.raises(ScenarioError, match="empty variant name.*declared: no_storage, cheap_pv"):
        load_scenario(p, variant=name)


def test_removing_a_misspelt_field_is_an_error_not_a_no_op(tmp_path):
    data = {"thermal_storage": {"name": "tank"}, "costs": {"pv": {"capex_cny_per_unit": 2800}}}
    # a field of the schema that is absent: removing it changes nothing (sweeps do this)
    assert set_path(data, "battery", None) == data
    assert set_path(data, "costs.heat_pump.capex_cny_per_unit", None) == data  # no empty section made
    assert set_path(data, "grid.tariff.prices_cny_per_kwh.critical", None) == data  # a free mapping
    # a misspelt one would leave the store in place and the variant equal to the base
    with pytest.raises(OverrideError, match="'thermal_store' is not a field of the scenario"):
        set_path(data, "thermal_store", None, "variant 'no_store'")
    with pytest.raises(OverrideError, match="'heatpump' is not a field of costs"):
        set_path(data, "costs.heatpump", None)
    with pytest.raises(OverrideError, match="'max_kw' is not a field of thermal_storage"):
        set_path(data, "thermal_storage.max_kw", None)
    text = TINY.read_text(encoding="utf-8") + "\nvariants:\n  no_store:\n    overrides:\n      thermal_store: null\n"
    f = tmp_path / "park.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="thermal_store.*variant 'no_store'.*not a field"):
        load_scenario(f, variant="no_store")


def test_variant_paths_beside_the_variant_fields_are_pointed_under_overrides(tmp_path):
    """`no_battery: {battery: null}` (the README's "sets of dotted-path overrides" read literally)
    was refused with pydantic's "Extra inputs are not permitted", which does not say where the
    paths go; a misspelt variant field names the field."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {TINY}\nvariants:\n  no_battery: {{battery: null}}\n"
                   "  cheap_pv: {costs.pv.capex_cny_per_unit: 2500}\n  x: {overide: {battery: null}}\n",
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad)
    lines = str(exc.value).splitlines()
    assert len(lines) == 3 and "Extra inputs" not in str(exc.value)
    assert lines[0].startswith(f"{bad}:3: variants.no_battery.battery: not a variant field")
    assert "(variants: {no_battery: {overrides: {battery: ...}}})" in lines[0]
    assert lines[1].startswith(f"{bad}:4: variants.cheap_pv.costs.pv.capex_cny_per_unit: not a variant field")
    assert lines[2].startswith(f"{bad}:5: variants.x.overide: unknown variant field (did you mean 'overrides'?")
    # the same variants under overrides: load, and change what they say
    good = tmp_path / "good.yaml"
    good.write_text(f"extends: {TINY}\nvariants:\n  no_battery: {{overrides: {{battery: null}}}}\n"
                    "  cheap_pv: {overrides: {costs.pv.capex_cny_per_unit: 2500}}\n", encoding="utf-8")
    assert load_scenario(good, variant="cheap_pv").scenario.costs.pv.capex_cny_per_unit == 2500
    assert not load_scenario(good, variant="no_battery").scenario.batteries
