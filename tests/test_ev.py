"""Tests of the EV fleet model (twin.components.ev).

Fast tests use two-week horizons and small fleets; the full-year 500-vehicle run is
marked slow. Reference shapes come from ../shared/data/ev (ElaadNL, Caltech ACN,
NREL depot schedules), which no one on this project wrote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from twin.components.ev import (
    EVFleetSpec,
    draw_sessions,
    fleet_annual_summary,
    fleet_preset_sources,
    fleet_presets,
    run_charger_queue,
    simulate_fleet,
    virtual_battery,
)

KINDS = ["employee_car", "logistics_van", "heavy_truck", "bus"]


def _index(days: int, start: str = "2025-03-03") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=24 * days, freq="h", tz="Asia/Shanghai")


TWO_WEEKS = _index(14)


# ----------------------------------------------------------------------------- spec


@pytest.mark.parametrize("kind", KINDS)
def test_presets_fill_every_default_and_cite_a_source(kind):
    spec = EVFleetSpec.preset(kind, 10)
    for field in ("battery_kwh", "consumption_kwh_per_km", "charger_kw", "charger_efficiency",
                  "min_soc_departure", "v2g_min_soc", "v2g_degradation_cost_cny_per_kwh"):
        assert getattr(spec, field) is not None
    assert spec.schedules is not None
    assert spec.n_chargers == 10
    rows = fleet_preset_sources(kind)
    assert rows and all(r["source"].strip() for r in rows)


def test_preset_values_follow_the_china_park_data_rows():
    # china-park-data.md §4: light van 140.41 kWh / 400 km; heavy truck 1.5 kWh/km short
    # haul on 342 kWh; bus consumption within 0.8-1.3 kWh/km; passenger 15-20 kWh/100 km
    van = fleet_presets("logistics_van")
    assert van["battery_kwh"] == pytest.approx(140.41)
    assert van["consumption_kwh_per_km"] == pytest.approx(140.41 / 400, rel=0.01)
    truck = fleet_presets("heavy_truck")
    assert truck["consumption_kwh_per_km"] == 1.5 and truck["battery_kwh"] == 342
    assert 0.8 <= fleet_presets("bus")["consumption_kwh_per_km"] <= 1.3
    assert 0.15 <= fleet_presets("employee_car")["consumption_kwh_per_km"] <= 0.20


def test_spec_is_frozen_strict_and_merges_partial_schedules():
    spec = EVFleetSpec(name="staff", kind="employee_car", vehicles=5,
                       schedules={"workday": {"arrival_hour_mean": 9.5}})
    assert spec.schedules.workday.arrival_hour_mean == 9.5
    assert spec.schedules.workday.departure_hour_mean == 17.75  # preset kept
    with pytest.raises(ValidationError):
        EVFleetSpec(name="x", kind="employee_car", vehicles=5, unknown_field=1)
    with pytest.raises(ValidationError):
        EVFleetSpec(name="x", kind="scooter", vehicles=5)
    with pytest.raises(ValidationError):
        EVFleetSpec.preset("bus", 5, v2g_min_soc=0.95, min_soc_departure=0.9)
    with pytest.raises(ValidationError):
        spec.vehicles = 3
    # every field documents its unit in square brackets
    for name, f in EVFleetSpec.model_fields.items():
        assert f.description and "[" in f.description, name


def test_v2g_share_counts_only_in_v2g_mode():
    assert EVFleetSpec.preset("bus", 10, chargers=8, v2g_share=0.5).n_bidirectional == 0
    assert EVFleetSpec.preset("bus", 10, chargers=8, mode="v2g",
                              v2g_share=0.5).n_bidirectional == 4


# ----------------------------------------------------------------------------- simulation


@pytest.mark.parametrize("kind", KINDS)
def test_energy_conservation_is_exact(kind):
    # delivered + unserved == need for every session (summed), to 1e-9 relative; and the
    # hourly uncontrolled profile integrates to the energy delivered inside the horizon.
    spec = EVFleetSpec.preset(kind, 30, chargers=12)
    ds = simulate_fleet(spec, TWO_WEEKS, seed=3)
    a = ds.attrs
    assert a["sessions"] > 0 and a["energy_unserved_kwh"] > 0  # queue is binding here
    assert a["energy_delivered_kwh"] + a["energy_unserved_kwh"] == pytest.approx(
        a["energy_need_kwh"], rel=1e-9)
    grid_kwh = float(ds["p_uncontrolled_kw"].sum()) * 1.0  # Δt = 1 h
    assert grid_kwh * a["eta_charge"] == pytest.approx(a["energy_delivered_in_horizon_kwh"],
                                                       rel=1e-9)
    # no hour exceeds the connected charger power
    assert (ds["p_uncontrolled_kw"] <= ds["p_charge_max_kw"] + 1e-9).all()
    assert (ds["p_charge_max_kw"] <= spec.n_chargers * spec.charger_kw + 1e-9).all()


def test_energy_in_horizon_equals_need_when_chargers_are_plentiful():
    # one fast charger per car and an 8 h stay: every need is served, so the horizon's
    # energy equals the need of all sessions (spin-up day and weekend edge are empty for
    # workday-only cars on a Monday-start horizon ending on a Sunday)
    spec = EVFleetSpec.preset("employee_car", 40, charger_kw=22.0)
    ds = simulate_fleet(spec, TWO_WEEKS, seed=0,
                        day_types=np.repeat(["workday"] * 5 + ["sunday"] * 2, 24).tolist() * 2)
    assert ds.attrs["energy_unserved_kwh"] == 0.0
    assert ds.attrs["energy_delivered_kwh"] == pytest.approx(ds.attrs["energy_need_kwh"],
                                                             rel=1e-12)


def test_reproducible_for_a_seed_and_different_for_another():
    spec = EVFleetSpec.preset("logistics_van", 15, chargers=10)
    a = simulate_fleet(spec, TWO_WEEKS, seed=7)
    b = simulate_fleet(spec, TWO_WEEKS, seed=7)
    c = simulate_fleet(spec, TWO_WEEKS, seed=8)
    assert a.identical(b)
    assert not np.array_equal(a["p_uncontrolled_kw"], c["p_uncontrolled_kw"])


def test_outputs_carry_units_and_long_names():
    ds = simulate_fleet(EVFleetSpec.preset("bus", 5), TWO_WEEKS)
    assert ds.sizes == {"time": len(TWO_WEEKS)}
    for name in ("p_uncontrolled_kw", "p_charge_max_kw", "p_discharge_max_kw", "e_cum_min_kwh",
                 "e_cum_max_kwh", "n_connected", "n_queued", "e_demand_kwh"):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
    assert (ds["p_discharge_max_kw"] == 0).all()  # not v2g


def test_bad_index_is_rejected():
    with pytest.raises(ValueError, match="midnight"):
        simulate_fleet(EVFleetSpec.preset("bus", 2), TWO_WEEKS[3:])
