"""A cold store's refrigeration COP follows its setpoint (a chilled store is not a freezer) and, hour by hour,
the outdoor air through the condensing temperature: it had been 1.8 at -18 °C all year, the COP of 40 °C
condensing (30 °C outdoors), so a store in a northern winter drew as much electricity per unit of cooling as
on a summer afternoon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twin.components import buildings as b


def test_cold_store_cop_is_the_reference_at_minus_18_and_scales_by_carnot():
    assert b.cold_store_cop(-18.0) == pytest.approx(b.COLD_STORE_COOLING_COP)
    # evaporator 10 K below the air, condensing at 40 °C: Carnot 263.15/50 over 245.15/68 at 0 °C
    assert b.cold_store_cop(0.0) == pytest.approx(1.8 * (263.15 / 50.0) / (245.15 / 68.0), rel=1e-12)
    assert b.cold_store_cop(0.0) == pytest.approx(2.628, abs=5e-4)
    assert b.cold_store_cop(-25.0) < 1.8 < b.cold_store_cop(4.0)


def _summer(days=7):
    idx = pd.date_range("2025-07-07", periods=24 * days, freq="h", tz="Asia/Shanghai")
    h = idx.hour.to_numpy()
    s = np.clip(np.sin(np.pi * (h - 6) / 13), 0.0, None)
    return pd.DataFrame({"ghi": 800 * s, "dni": 600 * s, "dhi": 150 * s,
                         "temp_air": 30 + 4 * np.cos(2 * np.pi * (h - 15) / 24),
                         "wind_speed": np.zeros(len(idx)), "relative_humidity": np.full(len(idx), 60.0)}, index=idx)


@pytest.mark.parametrize("setpoint", [-18.0, 0.0])
def test_a_chilled_store_uses_less_electricity_per_unit_of_cooling(setpoint):
    spec = b.BuildingSpec(name="cs", type="cold_store", floor_area_m2=5000.0, storeys=1,
                          hvac=b.HVACSpec(type="split_ac"), setpoints=b.SetpointSpec(cooling_c=setpoint))
    df = b.building_loads(spec, _summer(), 31.2, 121.5, zone="hscw")
    q = df["q_cooling_kw"].to_numpy()
    assert q.sum() > 0
    cop = b.cold_store_cop(setpoint, _summer()["temp_air"].to_numpy() + 10.0)  # above the floor all week
    assert df["p_hvac_baseline_kw"].to_numpy() == pytest.approx(q / cop, rel=1e-9)
    # the week's seasonal COP: its cooling over its electricity
    assert df.attrs["cooling_cop"] == pytest.approx(q.sum() / (q / cop).sum(), rel=1e-12)
    assert cop.min() < b.cold_store_cop(setpoint) < cop.max()


def test_the_condensing_temperature_follows_the_air_down_to_its_floor():
    t = np.array([-10.0, 10.0, 15.0, 20.0, 30.0, 35.0])
    np.testing.assert_allclose(b.cold_store_condensing_c(t), [25.0, 25.0, 25.0, 30.0, 40.0, 45.0])
    np.testing.assert_allclose(b.cold_store_condensing_c(t, 35.0), [35.0, 35.0, 35.0, 35.0, 40.0, 45.0])
    # -18 °C store: 1.8 at 40 °C condensing, 2.31 at the 25 °C floor, by the Carnot ratio
    assert b.cold_store_cop(-18.0, 25.0) == pytest.approx(1.8 * (245.15 / 53.0) / (245.15 / 68.0), rel=1e-12)
    assert b.cold_store_cop(-18.0, 25.0) == pytest.approx(2.309, abs=5e-4)
    # 1.8 is half the Carnot COP there, the project's chillers' default efficiency
    assert b.COLD_STORE_COOLING_COP == pytest.approx(0.5 * 245.15 / 68.0, abs=3e-3)


def _winter(days=7):
    w = _summer(days)
    w.index = pd.date_range("2025-01-06", periods=24 * days, freq="h", tz="Asia/Shanghai")
    return w.assign(temp_air=w["temp_air"] - 32.0)  # -2 ± 4 °C


def test_a_winter_store_draws_less_per_unit_of_cooling_unless_its_head_pressure_is_held():
    def store(**hvac):
        spec = b.BuildingSpec(name="cs", type="cold_store", floor_area_m2=5000.0, storeys=1,
                              hvac=b.HVACSpec(type="split_ac", **hvac))
        return b.building_loads(spec, _winter(), 36.1, 120.4, zone="cold")

    floating, held = store(), store(refrigeration_min_condensing_c=40.0)
    assert floating["q_cooling_kw"].sum() > 0
    assert floating.attrs["cooling_cop"] == pytest.approx(b.cold_store_cop(-18.0, 25.0), rel=1e-12)
    assert held.attrs["cooling_cop"] == pytest.approx(1.8, rel=1e-12)  # as before, at 40 °C all week
    np.testing.assert_allclose(floating["p_hvac_baseline_kw"] * 2.309, held["p_hvac_baseline_kw"] * 1.8, rtol=1e-3)


@pytest.mark.parametrize("kw, words", [
    ({"type": "office", "hvac": {"type": "vrf", "refrigeration_min_condensing_c": 30}},
     "hvac.refrigeration_min_condensing_c is for cold stores"),
    ({"type": "cold_store", "hvac": {"type": "vrf", "refrigeration_min_condensing_c": 30, "cooling_cop": 2.0}},
     "give one of the two"),
])
def test_the_floor_is_refused_where_it_would_change_nothing(kw, words):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as e:
        b.BuildingSpec(name="x", floor_area_m2=5000.0, **kw)
    assert words in str(e.value)


@pytest.mark.parametrize("hvac", ["chiller_boiler", "none"])
def test_the_floor_is_refused_where_the_store_has_no_refrigeration_of_its_own(hvac):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as e:
        b.BuildingSpec(name="x", type="cold_store", floor_area_m2=5000.0,
                       hvac={"type": hvac, "refrigeration_min_condensing_c": 30})
    assert "has none" in str(e.value)


def test_a_freezer_on_the_chilled_water_network_is_refused_with_what_to_do(tmp_path):
    """A -18 °C store declared on the central plant was 'cooled' by 7 °C chilled water at the chillers'
    COP clamp (10): refused, naming the field; a 10 °C store on 7 °C water is fine."""
    import yaml
    from click.testing import CliRunner

    from twin.cli import main

    from pathlib import Path

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml")
                          .read_text(encoding="utf-8"))
    for setpoint, ok in ((None, False), (10.0, True)):
        store = {"name": "freezer", "type": "cold_store", "floor_area_m2": 3000, "hvac": {"type": "chiller_boiler"}}
        if setpoint is not None:
            store["setpoints"] = {"cooling_c": setpoint}
        f = tmp_path / "park.yaml"
        f.write_text(yaml.safe_dump({**data, "buildings": [store]}, allow_unicode=True), encoding="utf-8")
        r = CliRunner().invoke(main, ["validate", str(f)], catch_exceptions=False)
        assert "Traceback" not in r.output
        said = "cannot be cooled by the chilled-water network" in r.output
        assert said != ok, r.output
        if not ok:
            assert "buildings.0.hvac.type" in r.output and "split_ac or vrf" in r.output


def test_the_outputs_name_the_floor_used():
    w = _winter()
    spec = b.BuildingSpec(name="cs", type="cold_store", floor_area_m2=5000.0, storeys=1,
                          hvac=b.HVACSpec(type="vrf", refrigeration_min_condensing_c=35.0))
    df = b.building_loads(spec, w, 36.1, 120.4, zone="cold")
    assert df.attrs["refrigeration_min_condensing_c"] == 35.0
    assert df.attrs["cooling_cop_source"] == "hourly from the outdoor air (scenario floor)"
    from twin.report_text import capacity_line

    row = {"cooling_capacity_kw": 100.0, "cooling_capacity_w_m2": 20.0, "cooling_cop_seasonal": 1.95,
           "cooling_cop_source": df.attrs["cooling_cop_source"], "refrigeration_min_condensing_c": 35.0}
    assert "not below the scenario's hvac.refrigeration_min_condensing_c 35 °C" in capacity_line(row, "en", "cooling")
    row.update(cooling_cop_source="hourly from the outdoor air (default floor)", refrigeration_min_condensing_c=25.0)
    assert "not below 25 °C, the ASSUMED default" in capacity_line(row, "en", "cooling")
    office = b.building_loads(b.BuildingSpec(name="o", type="office", floor_area_m2=5000.0), w, 36.1, 120.4,
                              zone="cold")
    assert np.isnan(office.attrs["refrigeration_min_condensing_c"]) and office.attrs["cooling_cop_source"] == "type preset"


def test_a_chilled_store_that_freezes_without_heating_says_so(tmp_path):
    """A +2 °C store in Harbin fell to -8 °C in January without a word (a cold store is heated only where
    setpoints.heating_c is given); the run's notes now say so, and not once heating is given."""
    import json
    from pathlib import Path

    import yaml
    from click.testing import CliRunner

    from twin.cli import main

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "tests" / "data" / "tiny_park.yaml")
                          .read_text(encoding="utf-8"))
    data["site"] = {"city": "Harbin"}
    for heating, said in ((None, True), (0.0, False)):
        sp = {"cooling_c": 2.0} if heating is None else {"cooling_c": 2.0, "heating_c": heating}
        store = {"name": "chilled", "type": "cold_store", "floor_area_m2": 5000, "hvac": {"type": "vrf"},
                 "setpoints": sp}
        f = tmp_path / "park.yaml"
        f.write_text(yaml.safe_dump({**data, "buildings": [store]}, allow_unicode=True), encoding="utf-8")
        out = tmp_path / f"out{heating}"
        r = CliRunner().invoke(main, ["run", str(f), "-o", str(out), "--hours", "72", "-q"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        notes = json.loads((out / "summary.json").read_text(encoding="utf-8"))["solver"]["notes"]
        hit = [n for n in notes if n.startswith("cold store 'chilled' (cooling setpoint 2 °C) falls below 0 °C")]
        assert bool(hit) == said, notes
