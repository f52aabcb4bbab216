"""Where the park is, its design temperatures and the stated accuracy of its weather, in every
output: summary.json, the report (both languages) and `twin compare` (issue 11: a planner far
from the bundled cities reads the place in the page's language, the design temperatures the
buildings are sized on and the weather's uncertainty without opening the notes)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from twin.cli import main
from twin.report import (
    design_temperature_words,
    site_row_words,
    site_words,
    stated_uncertainty_words,
)
from twin.results.summary import city_names

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("city, zh, en", [
    ("Kashi", "喀什", "Kashi"),        # a major city without a station, by pinyin
    ("拉萨", "拉萨", "Lhasa"),          # the same, by its Chinese name
    ("Golmud", "格尔木", "Golmud"),    # a station, by its name
    ("51463", "乌鲁木齐", "Urumqi"),    # a station, by its WMO number
    ("江都区", "江都区", None),         # a county: named in Chinese only
    ("Kashgr", None, None),            # a slip (refused by the scenario check)
    (None, None, None),
])
def test_the_city_a_scenario_names_in_both_languages(city, zh, en):
    assert city_names(city) == (zh, en)


def _weather(**site) -> dict:
    return {"source": "synthetic-site", "site": {"province": "Xinjiang", "province_zh": "新疆", **site},
            "latitude": 39.47, "longitude": 75.99, "elevation_m": 1258.0, "elevation_source": "terrain grid",
            "elevation_uncertainty_m": 123.4, "stations": [], "radiation_basis": "tmyx",
            "radiation_basis_range": [-0.12, 0.0], "expected_uncertainty": 0.0712,
            "expected_temperature_uncertainty_k": 1.4,
            "design_temperatures": {"heating_c": -8.04, "cooling_c": 34.93, "years": 16}}


def test_the_site_row_names_the_place_in_the_pages_language_with_its_elevation():
    w = _weather(city="Kashi", city_zh="喀什", city_en="Kashi")
    assert site_words(w, True) == "喀什（新疆）"  # was Kashi（新疆） on a Chinese page
    assert site_row_words(w, True) == "喀什（新疆），北纬 39.47°，东经 75.99°，海拔 1258 m（未给出，取自地形网格，可能偏差约 123 m 以内）"
    assert site_row_words(w, False) == ("Kashi (Xinjiang), 39.47° N, 75.99° E, elevation 1258 m "
                                        "(not given, from the terrain grid, may be off by up to about 123 m)")
    # coordinates alone: not repeated; a given elevation states no uncertainty
    w = _weather() | {"elevation_source": "given", "elevation_uncertainty_m": None, "elevation_m": 1290.0}
    assert site_row_words(w, False) == "39.47° N, 75.99° E (Xinjiang), elevation 1290 m (given in the scenario)"


def test_design_temperatures_and_stated_accuracy_rows():
    w = _weather()
    assert design_temperature_words(w, False) == (
        "heating -8.0 °C (6th-coldest daily mean), cooling dry-bulb 34.9 °C (51st-hottest hour): the mean of 16 "
        "synthetic years of the site's climate, approximating GB 50736-2012 4.1.2 and 4.1.6")
    assert design_temperature_words(w, True).startswith("供暖 -8.0 °C（第6冷日平均温度），空调干球 34.9 °C（第51热小时）：场址气候 16 个")
    assert stated_uncertainty_words(w, False) == (
        "annual mean temperature about ±1.4 K (95 % of stations left out were within it); annual GHI about ±7 %; "
        "published operating yields of Chinese PV plants lie -12 % to +0 % from those modelled on the tmyx "
        "radiation basis")
    assert "年水平面总辐射约 ±7%" in stated_uncertainty_words(w, True)
    assert stated_uncertainty_words(w | {"source": "file"}, False) is None  # the tool states none for a file
    w["design_temperatures"] = {"heating_c": -3.0, "cooling_c": 35.2, "years": 1}
    assert design_temperature_words(w, False).endswith("35.2 °C (51st-hottest hour): of the weather year, "
                                                       "approximating GB 50736-2012 4.1.2 and 4.1.6")
    assert design_temperature_words(w | {"design_temperatures": None}, False) is None
    # with the design wet-bulb (GB 50736-2012 4.1.7; summaries since 2026-12-07)
    w["design_temperatures"] = {"heating_c": -8.04, "cooling_c": 34.93, "wet_bulb_c": 21.46, "years": 16}
    assert design_temperature_words(w, False) == (
        "heating -8.0 °C (6th-coldest daily mean), cooling dry-bulb 34.9 °C (51st-hottest hour), wet-bulb 21.5 °C "
        "(51st-highest wet-bulb hour; for the cooling plant, the building model's latent load follows each hour's "
        "humidity, not it): "
        "the mean of 16 synthetic years of the site's climate, approximating GB 50736-2012 4.1.2, 4.1.6 and 4.1.7")
    assert design_temperature_words(w, True) == (
        "供暖 -8.0 °C（第6冷日平均温度），空调干球 34.9 °C（第51热小时），空调湿球 21.5 °C（第51高湿球温度小时；"
        "供冷设备选型用，建筑模型的潜热负荷按逐时湿度计算，未用）：场址气候 16 个合成年的平均值，近似 GB 50736-2012 "
        "第4.1.2、4.1.6、4.1.7条")


def test_a_park_at_kashi_by_pinyin_in_summary_reports_and_compare(tmp_path):
    """End to end: a park named ``city: Kashi`` (no station of its own: interpolated at the city
    centre) shows 喀什 on the Chinese page, Kashi on the English one, and the same design
    temperatures and uncertainties as summary.json everywhere, twin compare included."""
    p = tmp_path / "kashi.yaml"
    p.write_text(TINY.read_text(encoding="utf-8").replace("site: {city: Hangzhou}", "site: {city: Kashi}"),
                 encoding="utf-8")
    runs, console = {}, {}
    for lang in ("zh", "en"):
        out = tmp_path / lang
        r = _run(["run", str(p), "--hours", "24", "--lang", lang, "-o", str(out)])
        assert r.exit_code == 0, r.output
        runs[lang], console[lang] = out, r.output
    w = json.loads((runs["zh"] / "summary.json").read_text(encoding="utf-8"))["weather"]
    assert w["site"] | {} == {"city": "Kashi", "city_zh": "喀什", "city_en": "Kashi", "province": "Xinjiang",
                              "province_zh": "新疆"}
    d = w["design_temperatures"]
    h, c, wb = d["heating_c"], d["cooling_c"], d["wet_bulb_c"]
    assert -12.0 < h < -6.0 and 32.0 < c < 37.0  # GB 50736-2012 gives Kashi -10.9 °C and 33.8 °C
    assert 17.0 < wb < 24.0  # a dry climate: the design wet-bulb far below the dry-bulb
    assert (f"climate zone {w['climate_zone']['subzone']}, design temperatures heating {h:.1f} °C, cooling {c:.1f} °C, "
            f"wet-bulb {wb:.1f} °C") in console["zh"]
    zh = _text((runs["zh"] / "report.html").read_text(encoding="utf-8"))
    en = _text((runs["en"] / "report.html").read_text(encoding="utf-8"))
    assert f"场址 喀什（新疆），北纬 {w['latitude']:.2f}°，东经 {w['longitude']:.2f}°，海拔 {w['elevation_m']:.0f} m" in zh
    assert f"Site Kashi (Xinjiang), {w['latitude']:.2f}° N, {w['longitude']:.2f}° E, elevation {w['elevation_m']:.0f} m" in en
    assert f"室外计算温度 供暖 {h:.1f} °C（第6冷日平均温度），空调干球 {c:.1f} °C（第51热小时）" in zh
    assert f"Design temperatures heating {h:.1f} °C (6th-coldest daily mean), cooling dry-bulb {c:.1f} °C" in en
    assert f"，空调湿球 {wb:.1f} °C（第51高湿球温度小时" in zh and f", wet-bulb {wb:.1f} °C (51st-highest" in en
    t, g = w["expected_temperature_uncertainty_k"], 100 * w["expected_uncertainty"]
    assert f"年平均气温约 ±{t:.1f} K" in zh and f"年水平面总辐射约 ±{g:.0f}%" in zh
    assert f"annual mean temperature about ±{t:.1f} K" in en and f"annual GHI about ±{g:.0f} %" in en
    assert "Kashi（" not in zh  # the pinyin no longer stands on the Chinese page
    cmp = tmp_path / "cmp"
    r = _run(["compare", str(runs["zh"]), str(runs["en"]), "--lang", "zh", "-q", "-o", str(cmp)])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(cmp / "comparison.csv", encoding="utf-8-sig").set_index("key")
    # runs in folders named zh and en (the tables' own columns) are named by their parent folder too
    assert list(table.columns[-2:]) == [f"{tmp_path.name}/zh", f"{tmp_path.name}/en"]
    assert table.loc["hours", "zh"] == "模拟小时数" and table.loc["hours", "en"] == "Hours modelled"
    run_col = table.columns[-1]
    assert float(table.loc["heating_design_temperature", run_col]) == pytest.approx(h, abs=1e-6)
    assert float(table.loc["cooling_design_temperature", run_col]) == pytest.approx(c, abs=1e-6)
    assert float(table.loc["wet_bulb_design_temperature", run_col]) == pytest.approx(wb, abs=1e-6)
    assert table.loc["site", run_col] == "喀什（新疆）"


def test_a_variant_named_as_a_table_column_is_refused_before_anything_runs(tmp_path):
    p = tmp_path / "v.yaml"
    p.write_text(TINY.read_text(encoding="utf-8") + "variants:\n  zh: {overrides: {battery: null}}\n", encoding="utf-8")
    r = _run(["compare", str(p), "--hours", "24", "-q", "-o", str(tmp_path / "c")])
    assert r.exit_code == 1
    assert "a variant named 'zh' cannot be compared" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "c").exists()


def test_latitude_and_longitude_the_wrong_way_round_are_named_as_such(tmp_path):
    """Xi'an as latitude 108.95, longitude 34.27 was refused as two range errors (latitude above 56,
    longitude below 72) without saying why; the scenario check and `twin weather` now say which
    values to write."""
    from weather.site import swapped_coordinates

    assert swapped_coordinates(108.95, 34.27) == (
        "latitude and longitude look swapped: latitude is degrees north (15-56 in China), longitude degrees "
        "east (72-136); write latitude 34.27, longitude 108.95")
    assert swapped_coordinates(34.27, 108.95) == ""  # the right way round
    assert swapped_coordinates(36.4, 194.9) == ""  # out of range either way: not a swap
    p = tmp_path / "swapped.yaml"
    p.write_text(TINY.read_text(encoding="utf-8").replace(
        "site: {city: Hangzhou}", "site: {latitude: 108.95, longitude: 34.27, province: shaanxi}"), encoding="utf-8")
    r = _run(["validate", str(p)])
    assert r.exit_code == 1
    assert "swapped.yaml:3: site: latitude 108.95, longitude 34.27: latitude and longitude look swapped" in r.output
    assert "write latitude 34.27, longitude 108.95" in r.output and "Input should be" not in r.output
    r = _run(["weather", "--lat", "108.95", "--lon", "34.27", "-o", str(tmp_path / "w.csv")])
    assert r.exit_code != 0 and "write latitude 34.27, longitude 108.95" in r.output
    assert not (tmp_path / "w.csv").exists()
