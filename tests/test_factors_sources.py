"""Grid emission factor tables, their validation, and the bibliography they cite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from twin.cli import main
from twin.factors import available_factors, grid_emission_factor, province_table
from twin.scenario.loader import ScenarioError, validate_data
from twin.sources import render_markdown, source, sources

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
PROVINCES_WITH_FACTORS = [p for p in province_table()["province"] if p != "tibet"]


def _tiny(**grid_ef):
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["grid"]["emission_factor"] = grid_ef
    return data


def _site_in(province: str) -> dict:
    """A site at the seat of the first prefecture-level city of ``province`` (key or Chinese),
    or of its first district for the four municipalities."""
    from weather.places import place_table, province_named

    en = province_named(province)
    t = place_table()
    t = t[t["province"] == en].sort_values("level", ascending=False)  # prefecture first
    r = t.iloc[0]
    return {"latitude": float(r["lat"]), "longitude": float(r["lon"]), "province": province}


def test_thirty_provinces_seven_regions_three_years():
    assert len(PROVINCES_WITH_FACTORS) == 30
    for year in (2021, 2022, 2023):
        prov = {r for lv, r, y in available_factors("provincial") if y == year}
        reg = {r for lv, r, y in available_factors("regional") if y == year}
        assert prov == set(PROVINCES_WITH_FACTORS)
        assert reg == {"north", "northeast", "east", "central", "northwest", "south", "southwest"}
    # the three national variants of the 2023 table (公告2025年第47号)
    assert grid_emission_factor("national", 2023).value_kgco2_per_kwh == 0.5306
    assert grid_emission_factor("national_excl_market_nonfossil", 2023).value_kgco2_per_kwh == 0.6096
    assert grid_emission_factor("national_fossil", 2023).value_kgco2_per_kwh == 0.8273
    assert grid_emission_factor("national_fossil", 2022).value_kgco2_per_kwh == 0.8325
    # spot values of the provincial tables
    assert grid_emission_factor("provincial", 2022, "shaanxi").value_kgco2_per_kwh == 0.6558
    assert grid_emission_factor("provincial", 2023, "云南").value_kgco2_per_kwh == 0.1333
    assert grid_emission_factor("provincial", 2021, "hubei").value_kgco2_per_kwh == 0.3672


def test_every_factor_cites_its_announcement():
    c = grid_emission_factor("provincial", 2023, "jiangsu")
    assert c.source_key == "mee-nbs-ef-2023" and "公告2025年第47号" in c.source
    s = source("mee-nbs-ef-2023")
    assert s.date == "2025-12-31" and s.url.startswith("https://www.mee.gov.cn/")
    for year in (2021, 2022, 2023):
        e = source(f"mee-nbs-ef-{year}")
        assert e.url and e.date


@pytest.mark.parametrize("province", PROVINCES_WITH_FACTORS)
def test_validate_accepts_every_province_and_year(province):
    for year in (2021, 2022, 2023):
        data = _tiny(level="provincial", year=year)
        data["site"] = _site_in(province)
        sc = validate_data(data)
        assert sc.grid.emission_factor.year == year


def test_validate_refuses_a_missing_factor_and_lists_what_exists():
    data = _tiny(level="provincial", year=2023)
    data["site"] = _site_in("西藏")
    with pytest.raises(ScenarioError) as e:
        validate_data(data)
    assert "Tibet" in str(e.value) and "regional" in str(e.value)
    with pytest.raises(ScenarioError) as e:
        validate_data(_tiny(level="national_excl_market_nonfossil", year=2021))
    msg = str(e.value)
    assert "published years for it: 2022, 2023" in msg and "national_fossil" in msg
    with pytest.raises(ScenarioError) as e:
        validate_data(_tiny(level="provincial", year=2024))  # Hangzhou: Zhejiang
    assert "zhejiang in 2024" in str(e.value) and "2021, 2022, 2023" in str(e.value)


def test_cli_validate_names_the_field(tmp_path):
    data = _tiny(level="provincial", year=2024)
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(f)], catch_exceptions=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "grid.emission_factor" in r.output and "2021, 2022, 2023" in r.output


def test_bibliography_doc_is_in_step_with_the_table():
    assert (ROOT / "docs" / "sources.md").read_text(encoding="utf-8") == render_markdown()


def _cited_keys(text: str) -> set[str]:
    return set(re.findall(r"(?<!ignore)(?<!\w)\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\]", text))


def test_every_cited_key_exists():
    known = set(sources())
    files = [*ROOT.glob("twin/**/*.py"), *ROOT.glob("twin/**/*.csv"), *ROOT.glob("twin/**/*.yaml"),
             *ROOT.glob("solvers/**/*.py"), *ROOT.glob("scenarios/*.yaml")]
    for f in files:
        if f.name == "sources.py":  # holds the citation pattern itself
            continue
        unknown = _cited_keys(f.read_text(encoding="utf-8")) - known
        unknown = {k for k in unknown if not k.startswith(("gh-", "v-"))}
        assert not unknown, f"{f.relative_to(ROOT)} cites unknown source keys {sorted(unknown)}"
    table = ROOT / "twin" / "data" / "grid_emission_factors.csv"
    keys = {line.rsplit(",", 1)[1].strip() for line in table.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "level"))}
    assert keys == {"mee-nbs-ef-2021", "mee-nbs-ef-2022", "mee-nbs-ef-2023"}


def test_product_code_never_cites_the_reference_folder():
    files = [*ROOT.glob("twin/**/*.py"), *ROOT.glob("twin/**/*.csv"), *ROOT.glob("twin/**/*.yaml"),
             *ROOT.glob("solvers/**/*.py"), *ROOT.glob("weather/**/*.py"), *ROOT.glob("scenarios/*.yaml")]
    bad = re.compile(r"shared/|provisional-rubric\.md|china-park-data|standards-and-factors|stack-notes")
    hits = [f"{f.relative_to(ROOT)}:{i}" for f in files
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if bad.search(line)]
    assert not hits, "product code cites files users do not have: " + ", ".join(hits)


def test_a_scenario_naming_no_level_takes_the_sites_province():
    """The standards reference asks for the 2023 provincial factor on the location basis; a
    scenario that names no level took the national average (Gansu 0.4471 read 0.5306). Where
    the tables publish no provincial value (Tibet) the region's is taken; where the province is
    unknown the national one, and the outputs say which and why."""
    from twin.factors import grid_factor_level, grid_region, province_key

    assert grid_factor_level(None, 2023, "甘肃") == "provincial"
    assert grid_factor_level(None, 2023, "西藏") == "regional"
    assert grid_factor_level(None, 2023, None) == "national"
    assert grid_factor_level("national", 2023, "甘肃") == "national"  # the planner's choice stands
    assert grid_region(province_key("西藏"))  # Tibet's region has a published factor
    assert validate_data(_tiny(year=2023)).grid.emission_factor.level is None
    tibet = _tiny(year=2023)
    tibet["site"] = _site_in("西藏")
    validate_data(tibet)  # no "Tibet has no provincial factor" for a level never asked for

    from twin.profiles import grid_emission_series, grid_factor_note
    from twin.scenario.loader import load_scenario

    loaded = load_scenario(TINY, overrides={"grid.emission_factor.level": None})  # Hangzhou: Zhejiang
    values, src = grid_emission_series(loaded, range(3), "zhejiang")
    assert values[0] == pytest.approx(grid_emission_factor("provincial", 2023, "zhejiang").value_kgco2_per_kwh)
    assert "mee-nbs-ef-2023" in src
    assert grid_factor_note(loaded, "zhejiang") == ("grid.emission_factor.level not given: the factor of the "
                                                    "site's province")
    assert "national factor (give site.province)" in grid_factor_note(loaded, None)
    assert grid_factor_note(load_scenario(TINY), "zhejiang") == ""  # tiny_park names its level


def test_sources_are_cited_again_after_the_later_stages():
    """summary["sources"] was built before shortfalls, the park grid and the operated years were
    added, so a key cited only there had no entry; twin.run now cites again at the end."""
    from twin.results.summary import cite_sources

    s = cite_sources({"ledger": {"note": "factor [mee-nbs-ef-2023]"}})
    assert [r["key"] for r in s["sources"]] == ["mee-nbs-ef-2023"]
    s["operation"] = {"note": "threshold [ndrc-910-2025]"}
    assert [r["key"] for r in cite_sources(s)["sources"]] == ["mee-nbs-ef-2023", "ndrc-910-2025"]
    assert len(cite_sources(s)["sources"]) == 2  # the entries' own text does not cite again
