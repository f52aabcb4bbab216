"""Time-of-use tariffs whose prices differ by season: hourly prices, validation, and the same
energy charges in the optimiser, the ledger's statistics, summary.json, the report and twin compare."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from twin.components.tariff import (
    TOUTariff,
    price_table,
    seasonal_prices,
    tou_periods,
    tou_price,
    tou_seasons,
)

ROOT = Path(__file__).resolve().parents[1]
IDX = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Asia/Shanghai")

#: The Suzhou example's seasonal_prices variant: 苏发改价格发〔2025〕426号 periods, the October 2025
#: example prices in spring and autumn, summer and winter prices of its own (ASSUMED there).
SEASONAL = {
    "name": "Jiangsu two-part, prices by season",
    "prices_cny_per_kwh": {"peak": 0.9566, "flat": 0.6400, "valley": 0.3828},
    "seasons": [
        {"name": "summer and winter", "months": [6, 7, 8, 12, 1, 2], "peak": ["14-22"], "valley": ["0-6", "11-13"],
         "prices_cny_per_kwh": {"peak": 1.0278, "flat": 0.6796, "valley": 0.3966}},
        {"name": "spring and autumn", "months": [3, 4, 5, 9, 10, 11], "peak": ["15-22"], "valley": ["2-6", "10-14"]},
    ],
}


def _at(day: str, hour: int) -> int:
    """Position of ``day`` ``hour``:00 in the 2025 model year."""
    return int(np.flatnonzero(IDX == pd.Timestamp(f"{day} {hour:02d}:00", tz="Asia/Shanghai"))[0])


def test_two_season_prices_hour_by_hour():
    t = TOUTariff(**SEASONAL)
    price = tou_price(t, IDX)
    # hand values: 2 January (summer and winter): peak 14-22 at the season's 1.0278, valley 0-6 and 11-13
    # at 0.3966, flat otherwise at 0.6796; 1 April (spring and autumn): peak 15-22 at 0.9566, valley 2-6 and
    # 10-14 at 0.3828, flat 22-2, 6-10, 14-15 at 0.64
    for day, hour, p in (("2025-01-02", 14, 1.0278), ("2025-01-02", 12, 0.3966), ("2025-01-02", 6, 0.6796),
                         ("2025-01-02", 22, 0.6796), ("2025-04-01", 14, 0.64), ("2025-04-01", 15, 0.9566),
                         ("2025-04-01", 12, 0.3828), ("2025-04-01", 1, 0.64), ("2025-07-15", 21, 1.0278),
                         ("2025-10-31", 23, 0.64), ("2025-12-31", 5, 0.3966)):
        assert price[_at(day, hour)] == p, (day, hour)
    # a day's mean: (8 × 1.0278 + 8 × 0.6796 + 8 × 0.3966) / 24 in winter; (7 × 0.9566 + 9 × 0.64 +
    # 8 × 0.3828) / 24 in spring
    jan2, apr1 = _at("2025-01-02", 0), _at("2025-04-01", 0)
    assert price[jan2:jan2 + 24].mean() == pytest.approx(16.832 / 24, abs=1e-12)
    assert price[apr1:apr1 + 24].mean() == pytest.approx(15.5186 / 24, abs=1e-12)
    # a constant 1 kW over the year: 182 summer and winter days (Jun-Aug, Dec-Feb), 183 spring and autumn days
    assert price.sum() == pytest.approx(182 * 16.832 + 183 * 15.5186, abs=1e-9)  # 5,903.3278 CNY
    assert price.sum() == pytest.approx(5903.3278, abs=1e-9)
    # the periods do not change with the prices; every hour knows its season (1-based)
    assert (tou_periods(t, IDX) == tou_periods(TOUTariff(**dict(SEASONAL, seasons=[
        {k: v for k, v in s.items() if k != "prices_cny_per_kwh"} for s in SEASONAL["seasons"]])), IDX)).all()
    season = tou_seasons(t, IDX)
    assert season[_at("2025-01-02", 0)] == 1 and season[_at("2025-04-01", 0)] == 2 and (season == 1).sum() == 182 * 24


def test_season_prices_fall_back_to_the_tariff_period_by_period():
    t = TOUTariff(**dict(SEASONAL, seasons=[dict(SEASONAL["seasons"][0], prices_cny_per_kwh={"peak": 1.1}),
                                            SEASONAL["seasons"][1]]))
    price = tou_price(t, IDX)
    assert price[_at("2025-01-02", 14)] == 1.1             # the season's own peak
    assert price[_at("2025-01-02", 12)] == 0.3828          # its valley and flat: the tariff's
    assert price[_at("2025-01-02", 6)] == 0.64
    rows = price_table(t)
    assert rows[0]["prices_cny_per_kwh"] == {"peak": 1.1, "flat": 0.64, "valley": 0.3828}
    assert rows[0]["own_prices"] == ["peak"] and rows[1]["own_prices"] == []
    assert rows[0]["hours"] == {"peak": ["14-22"], "flat": ["6-11", "13-14", "22-24"], "valley": ["0-6", "11-13"]}
    assert rows[1]["hours"]["flat"] == ["6-10", "14-15", "22-2"] and rows[1]["label"] == "spring and autumn"
    assert seasonal_prices(t)
    # a season may price a period it never uses (unused), and prices given only in the seasons are enough
    TOUTariff(**dict(SEASONAL, seasons=[dict(SEASONAL["seasons"][0], prices_cny_per_kwh={"critical": 1.5}),
                                        SEASONAL["seasons"][1]]))
    only = TOUTariff(seasons=[dict(s, prices_cny_per_kwh={"peak": 1.0, "flat": 0.6, "valley": 0.3 + i / 10})
                              for i, s in enumerate(SEASONAL["seasons"])])
    assert only.prices_cny_per_kwh == {} and tou_price(only, IDX)[_at("2025-04-01", 12)] == pytest.approx(0.4)


def test_tariffs_without_season_prices_are_unchanged():
    """Every bundled scenario (and variant) prices every hour as before season prices existed: the
    tariff's one table at each hour's period."""
    from twin.scenario.loader import load_scenario

    n = 0
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        loaded = load_scenario(path)
        for variant in [None, *loaded.variants]:
            if variant == "seasonal_prices":
                continue
            t = (load_scenario(path, variant=variant) if variant else loaded).scenario.grid.tariff
            old = np.array([t.prices_cny_per_kwh[p] for p in tou_periods(t, IDX)])
            assert np.array_equal(tou_price(t, IDX), old), (path.name, variant)
            assert not seasonal_prices(t) and all(r["own_prices"] == [] for r in price_table(t))
            n += 1
    assert n >= 10


def test_bad_season_prices_are_refused_naming_the_field():
    with pytest.raises(ValidationError, match=r"price of period 'valley' = -0.1 CNY/kWh is outside 0-5") as e:
        TOUTariff(**dict(SEASONAL, seasons=[dict(SEASONAL["seasons"][0], prices_cny_per_kwh={"valley": -0.1}),
                                            SEASONAL["seasons"][1]]))
    assert e.value.errors()[0]["loc"] == ("seasons", 0, "prices_cny_per_kwh")
    # a period used in one season without a price anywhere: named with the season and where to give it
    no_flat = dict(SEASONAL, prices_cny_per_kwh={"peak": 0.9566, "valley": 0.3828})
    with pytest.raises(ValidationError, match=(r"seasons\[1\] \(spring and autumn\) uses \['flat'\] with no price: "
                                               r"give it in seasons\[1\]\.prices_cny_per_kwh or in prices_cny_per_kwh")):
        TOUTariff(**no_flat)
    # critical hours only on working days: the rest days' critical hours are peak, which needs a price
    crit = {"seasons": [{"months": list(range(1, 13)), "critical": ["19-21"], "valley": ["0-6"],
                         "prices_cny_per_kwh": {"critical": 1.3, "flat": 0.6, "valley": 0.3}}],
            "critical_days": "workdays"}
    with pytest.raises(ValidationError, match=r"seasons\[0\] \(months 1-12\) uses \['peak'\] with no price"):
        TOUTariff(**crit)
    ok = TOUTariff(**dict(crit, prices_cny_per_kwh={"peak": 1.1}))
    working = np.ones(8760, bool)
    working[_at("2025-01-04", 0):_at("2025-01-04", 0) + 24] = False  # a Saturday
    price = tou_price(ok, IDX, working)
    assert price[_at("2025-01-03", 19)] == 1.3 and price[_at("2025-01-04", 19)] == 1.1


def test_scenario_file_errors_name_file_line_and_field(tmp_path):
    from click.testing import CliRunner

    from twin.cli import main

    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8").replace(
        '{months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], peak: ["8-11", "17-22"], valley: ["0-8"]}',
        '{months: [1, 12], peak: ["8-11", "17-22"], valley: ["0-8"], prices_cny_per_kwh: {peak: -1.2}}\n'
        '      - {months: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], peak: ["8-11", "17-22"], valley: ["0-8"]}')
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(f)])
    assert res.exit_code == 1
    line = text.splitlines().index(next(x for x in text.splitlines() if "-1.2" in x)) + 1
    assert (f"bad.yaml:{line}: grid.tariff.seasons.0.prices_cny_per_kwh: price of period 'peak' = -1.2 CNY/kWh "
            "is outside 0-5 CNY/kWh") in res.output


def test_rule_controller_finds_valley_and_peak_hours_in_each_season():
    """The rule-based controller takes each day's cheapest hours as its valley and the hours above the
    day's mean as its peak, from the hourly prices: with season prices it finds the season's periods, and
    judges a valley-to-peak cycle by the day's own spread (1.0278 - 0.3966 in winter, 0.9566 - 0.3828 in
    spring)."""
    from twin.operate.rule import RuleController

    t = TOUTariff(**SEASONAL)
    price = tou_price(t, IDX)
    periods = tou_periods(t, IDX)
    park = SimpleNamespace(price=price, T=8760, load_kw=np.full(8760, 100.0), fleets=[])
    rule = RuleController(SimpleNamespace(s=None))
    rule.initialise(park, None)
    assert np.array_equal(rule.valley, periods == "valley")
    assert np.array_equal(rule.peak, periods == "peak")
    assert rule.day_max[_at("2025-01-02", 3)] == 1.0278 and rule.day_max[_at("2025-04-01", 3)] == 0.9566


def test_seasonal_tariff_costs_agree_everywhere(tmp_path):
    """A tiny park on a two-season tariff (January and December dearer at peak and cheaper in the valley),
    planned over 912 hours (January and the first week of February, both seasons): the optimiser's energy
    import cost equals the energy charges of the ledger's statistics, summary.json's tariff section (its
    seasons adding up), the report's tariff table (both languages, each in its own language) and twin compare; every other figure
    agrees as in tests/test_agreement.py."""
    from tests.report_text_check import data_words, wrong_language
    from tests.test_agreement import _run_and_check, close, shown_agrees, table_rows
    from twin import report_text
    from twin.report_text import text
    from twin.run import write

    scenario = tmp_path / "two_seasons.yaml"
    scenario.write_text(
        "extends: " + str(ROOT / "tests" / "data" / "tiny_park.yaml") + "\n"
        "grid:\n  tariff:\n    name: test two-season TOU\n"
        "    prices_cny_per_kwh: {peak: 1.0, flat: 0.65, valley: 0.35}\n    seasons:\n"
        "      - {name: winter, months: [1, 12], peak: ['8-11', '17-22'], valley: ['0-8'],\n"
        "         prices_cny_per_kwh: {peak: 1.2, valley: 0.3}}\n"
        "      - {months: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], peak: ['8-11', '17-22'], valley: ['0-8']}\n",
        encoding="utf-8")
    out = tmp_path / "en"
    r = _run_and_check(scenario, out, hours=912, lang="en")
    lp = float(r.result.costs["energy_import"])
    summary = json.loads((out / "run" / "summary.json").read_text(encoding="utf-8"))
    tariff = summary["tariff"]
    # the optimiser's term = Σ import × hourly price × 8760/912 from the dispatch = summary.json
    disp = r.result.dispatch
    by_hand = float((disp["p_grid_import_kw"] * disp["price_import_cny_per_kwh"]).sum()) * 8760 / 912
    assert close(lp, by_hand) and close(lp, r.statistics.grid_energy_cost_cny)
    assert close(lp, tariff["plan"]["energy_cost_cny"]) and close(lp, summary["costs_cny_per_yr"]["energy_import"])
    assert close(float(r.baseline.costs["energy_import"]), tariff["baseline"]["energy_cost_cny"])
    winter, rest = tariff["seasons"]
    assert (winter["plan"]["hours"], rest["plan"]["hours"]) == (744, 168)
    assert close(winter["plan"]["energy_cost_cny"] + rest["plan"]["energy_cost_cny"], lp)
    assert close(winter["plan"]["grid_import_mwh"] + rest["plan"]["grid_import_mwh"], summary["energy_mwh"]["grid_import"])
    assert winter["prices_cny_per_kwh"] == {"peak": 1.2, "flat": 0.65, "valley": 0.3}
    assert rest["prices_cny_per_kwh"] == {"peak": 1.0, "flat": 0.65, "valley": 0.35}
    assert tariff["seasonal_prices"] and winter["own_prices"] == ["peak", "valley"]
    # the season's charges by hand from the dispatch's January hours
    jan = disp["time"].dt.month == 1
    assert close(winter["plan"]["energy_cost_cny"],
                 float((disp["p_grid_import_kw"] * disp["price_import_cny_per_kwh"]).where(jan, 0.0).sum()) * 8760 / 912)
    # twin compare: the plan's energy charges and mean price
    table = pd.read_csv(out / "cmp" / "comparison.csv", index_col=0, encoding="utf-8-sig")
    assert close(float(table.loc["grid_energy_cost", table.columns[-1]]), lp)
    assert close(float(table.loc["mean_import_price", table.columns[-1]]),
                 lp / (summary["energy_mwh"]["grid_import"] * 1000.0))
    # a sweep's case record carries the same charges
    from twin.sweep.runner import case_metrics

    assert case_metrics(r)["grid_energy_cost_cny"] == tariff["plan"]["energy_cost_cny"]
    # the report's tariff table in both languages: the season rows and the year's row show the same charges
    report_text.MISSING.clear()
    write(r, tmp_path / "zh", lang="zh")
    for lang, page in (("en", out / "run" / "report.html"), ("zh", tmp_path / "zh" / "report.html")):
        html = page.read_text(encoding="utf-8")
        rows = table_rows(html)
        head = next(x for x in rows if x[0] == text("tariff_season", lang))
        col = next(i for i, h in enumerate(head) if h.startswith(text("tariff_charges_plan", lang)))
        by_name = {x[0]: x for x in rows if len(x) == len(head)}
        assert shown_agrees(by_name["winter"][col], winter["plan"]["energy_cost_cny"])
        assert shown_agrees(by_name[text("tariff_year", lang)][col], lp)
        assert by_name["winter"][1] == "1.2000* (8-11, 17-22)" and by_name["winter"][2] == "0.6500 (11-17, 22-24)"
        rest_name = "2-11月" if lang == "zh" else "months 2-11"
        assert by_name[rest_name][1] == "1.0000 (8-11, 17-22)"
        assert not wrong_language(html, lang, data_words(summary) | {"winter"}), lang
    assert not report_text.MISSING


def test_a_season_price_is_part_of_the_profiles_key():
    """Variants and sweep cases that change a season's price get their own hourly prices (profiles are
    shared only between cases whose profiles would be identical)."""
    from twin.run import profile_key
    from twin.scenario.loader import load_scenario

    path = ROOT / "scenarios" / "manufacturing_suzhou.yaml"
    base = load_scenario(path, variant="seasonal_prices")
    dearer = load_scenario(path, variant="seasonal_prices",
                           overrides={"grid.tariff.seasons[summer and winter].prices_cny_per_kwh.peak": 1.1})
    assert dearer.scenario.grid.tariff.seasons[0].prices_cny_per_kwh["peak"] == 1.1
    assert profile_key(dearer) != profile_key(base)
    assert profile_key(base) != profile_key(load_scenario(path))


def test_prices_against_the_periods_names_are_noted():
    """A season whose prices run against the periods' names (a valley dearer than the peak: prices typed
    into the wrong period) is noted, not refused: every inverted pair with both prices; the tariffs in
    the right order, a flat price and the bundled examples give no note."""
    from twin.components.tariff import price_order_notes

    swapped = TOUTariff(prices_cny_per_kwh={"peak": 0.6, "flat": 0.7, "valley": 0.3}, seasons=[
        {"name": "丰水期", "months": [4, 5, 6, 7, 8, 9], "peak": ["8-12"], "valley": ["0-8"],
         "prices_cny_per_kwh": {"valley": 0.8}},
        {"months": [1, 2, 3, 10, 11, 12], "peak": ["8-12"], "valley": ["0-8"], "prices_cny_per_kwh": {"peak": 0.9}}])
    (note,) = price_order_notes(swapped)
    assert note.startswith("tariff prices out of the periods' order in season '丰水期' (flat 0.7000 > peak 0.6000; "
                           "valley 0.8000 > peak 0.6000; valley 0.8000 > flat 0.7000 CNY/kWh)")
    one = TOUTariff(prices_cny_per_kwh={"peak": 0.6, "flat": 0.7, "valley": 0.3},
                    seasons=[{"months": list(range(1, 13)), "peak": ["8-12"], "valley": ["0-8"]}])
    assert price_order_notes(one)[0].startswith(
        "tariff prices out of the periods' order in season 'months 1-12' (flat 0.7000 > peak 0.6000 CNY/kWh)")
    assert price_order_notes(TOUTariff(**SEASONAL)) == []
    assert price_order_notes(TOUTariff(prices_cny_per_kwh={"flat": 0.7, "peak": 0.5})) == []  # only flat used
    # Chinese: the periods and the season's months in Chinese
    from twin.report_text import phrase

    assert phrase(price_order_notes(one)[0], "zh").startswith("分时电价与时段名称顺序不符（1-12月：平段 0.7000 > 高峰 0.6000 元/kWh）")
    assert "季节“<data>丰水期</data>”：平段 0.7000 > 高峰 0.6000；低谷 0.8000 > 高峰 0.6000" in phrase(note, "zh")


def test_swapped_prices_are_noted_by_validate_summary_and_report(tmp_path):
    """``twin validate`` prints the note; summary.json's tariff section and the report's tariff table
    (both languages) carry it; the tiny park's own tariff gives none."""
    from click.testing import CliRunner

    from twin.cli import main
    from twin.report_text import text
    from twin.run import run, write
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    f = tmp_path / "swapped.yaml"
    f.write_text("extends: " + str(ROOT / "tests" / "data" / "tiny_park.yaml") + "\n"
                 "grid:\n  tariff:\n    prices_cny_per_kwh: {peak: 0.35, flat: 0.65, valley: 1.0}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(f)])
    assert res.exit_code == 0, res.output
    assert "note: tariff prices out of the periods' order in season 'months 1-12' (flat 0.6500 > peak 0.3500; " \
           "valley 1.0000 > peak 0.3500; valley 1.0000 > flat 0.6500 CNY/kWh)" in res.output
    plain = CliRunner().invoke(main, ["validate", str(ROOT / "tests" / "data" / "tiny_park.yaml")])
    assert "out of the periods' order" not in plain.output
    loaded = load_scenario(f)
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48))
    (note,) = r.summary["tariff"]["price_order_notes"]
    assert note in loaded.notes and note in r.summary["scenario"]["data_notes"]
    for lang in ("en", "zh"):
        write(r, tmp_path / lang, lang=lang)
        html = (tmp_path / lang / "report.html").read_text(encoding="utf-8")
        tariff = html[html.index(text("tariff_title", lang)):]
        want = ("flat 0.6500 &gt; peak 0.3500; valley 1.0000 &gt; peak 0.3500" if lang == "en" else
                "平段 0.6500 &gt; 高峰 0.3500；低谷 1.0000 &gt; 高峰 0.3500")
        below = tariff[tariff.index("</table>"):]  # the notes right below the table
        assert want in below[:below.index("<h")], lang


def test_an_export_price_above_an_import_price_is_noted_in_both_languages():
    """Selling PV at 0.50 while buying the valley at 0.35 is full feed-in hour by hour, not what a
    self-consumption contract allows: the scenario's notes say so (the optimiser exports PV output
    only, solvers.blocks.pv.export_from_pv); none where export is not allowed or priced below."""
    from pathlib import Path

    from twin.report_text import MISSING, phrase
    from twin.scenario.loader import load_scenario

    tiny = Path(__file__).parent / "data" / "tiny_park.yaml"
    loaded = load_scenario(tiny, overrides={"grid.export_limit_kw": 500.0, "grid.export_price_cny_per_kwh": 0.5})
    (note,) = [n for n in loaded.notes if n.startswith("export price")]
    assert note.startswith("export price 0.5000 CNY/kWh above the import price of some periods (valley 0.3500 CNY/kWh)")
    zh = phrase(note, "zh")
    assert zh.startswith("上网电价 0.5000 元/kWh 高于部分时段的购电价（低谷 0.3500 元/kWh）") and note not in MISSING
    for over in ({"grid.export_limit_kw": 500.0, "grid.export_price_cny_per_kwh": 0.3},
                 {"grid.export_limit_kw": 0.0, "grid.export_price_cny_per_kwh": 0.5}):
        assert not [n for n in load_scenario(tiny, overrides=over).notes if n.startswith("export price")]


def test_the_export_price_note_reaches_summary_and_report(tmp_path):
    """summary.json's tariff section and the report's tariff table carry the export-price note."""
    from pathlib import Path

    from twin.run import run, write
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    tiny = Path(__file__).parent / "data" / "tiny_park.yaml"
    loaded = load_scenario(tiny, overrides={"grid.export_limit_kw": 500.0, "grid.export_price_cny_per_kwh": 0.5})
    r = run(loaded, resolve_run_config(loaded.scenario, hours=48))
    (note,) = r.summary["tariff"]["export_price_notes"]
    assert note.startswith("export price 0.5000 CNY/kWh") and note in r.summary["scenario"]["data_notes"]
    html = write(r, tmp_path, lang="zh")["report.html"].read_text(encoding="utf-8")
    assert "上网电价 0.5000 元/kWh 高于部分时段的购电价" in html
