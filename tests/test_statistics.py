"""Annual statistics are computed once and read by the ledger and the summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twin.ledger import build_ledger
from twin.statistics import FLOWS, annual_statistics, pv_share_of_electricity


def _dispatch(hours=48):
    t = pd.date_range("2026-06-01", periods=hours, freq="h", tz="Asia/Shanghai")
    h = np.arange(hours) % 24
    pv = np.where((h >= 8) & (h < 16), 300.0, 0.0)
    load = np.full(hours, 200.0)
    bat_dis = np.where(h >= 20, 50.0, 0.0)          # the battery exports at night
    bat_ch = np.where((h >= 10) & (h < 14), 60.0, 0.0)  # charged from PV at midday
    exp = np.clip(pv - load - bat_ch, 0, None) + bat_dis
    imp = np.clip(load - pv, 0, None)
    kw = {"units": "kW"}
    return xr.Dataset({
        "p_pv_kw": (("pv_array", "time"), pv[None, :], kw),
        "p_load_kw": ("time", load, kw),
        "p_grid_import_kw": ("time", imp, kw),
        "p_grid_export_kw": ("time", exp, kw),
        "p_battery_discharge_kw": ("time", bat_dis, kw),
        "p_battery_charge_kw": ("time", bat_ch, kw),
        "q_tes_charge_kw": ("time", np.full(hours, 5.0), kw),
        "fuel_gas_kw": ("time", np.full(hours, 10.0), kw),
        "ef_grid_kgco2_per_kwh": ("time", np.full(hours, 0.5)),
    }, coords={"time": t, "pv_array": ["roof"]})


def test_flow_keys_are_unique():
    for attr in ("key", "var", "summary_key"):
        names = [getattr(f, attr) for f in FLOWS]
        assert len(names) == len(set(names)), attr


def test_every_flow_has_a_report_label():
    from twin.report_text import ENERGY_LABELS

    missing = [f.summary_key for f in FLOWS if f.summary_key not in ENERGY_LABELS]
    assert not missing, f"add zh/en labels to twin.report_text.ENERGY_LABELS for {missing}"


def test_energies_weighted_and_present_only():
    ds = _dispatch()
    st = annual_statistics(ds, 8760 / 48)
    w = 8760 / 48
    assert st.energy_kwh["e_grid_import_kwh"] == pytest.approx(float(ds["p_grid_import_kw"].sum()) * w)
    mwh = st.energy_mwh()
    assert "heat_pump_electricity" not in mwh and "thermal_storage_charge" in mwh
    assert mwh["gas_fuel"] == pytest.approx(10 * 48 * w / 1000)
    assert mwh["battery_losses"] == pytest.approx(mwh["battery_charge"] - mwh["battery_discharge"])


def test_pv_share_counts_pv_used_hour_by_hour():
    ds = _dispatch()
    st = annual_statistics(ds)
    e = st.energy_kwh
    # the battery holds only midday PV, so its night export is PV leaving the park too
    assert e["e_pv_exported_kwh"] == pytest.approx(e["e_grid_export_kwh"])
    assert e["e_pv_self_consumed_kwh"] == pytest.approx(e["e_pv_generated_kwh"] - e["e_grid_export_kwh"])
    assert e["e_grid_reexported_kwh"] == pytest.approx(0.0, abs=1e-9)
    assert st.pv_share_of_electricity == pytest.approx(
        e["e_pv_self_consumed_kwh"] / (e["e_grid_import_kwh"] + e["e_pv_generated_kwh"] - e["e_grid_export_kwh"]))
    assert pv_share_of_electricity({"e_electricity_consumption_kwh": 0.0, "e_pv_self_consumed_kwh": 0.0}) == 0.0


def _grid_charged(hours=48):
    """PV 300 kW at midday, all used by a 300 kW load; a battery charged 100 kW from the
    grid at night and exported 80 kW in the evening."""
    t = pd.date_range("2026-06-01", periods=hours, freq="h", tz="Asia/Shanghai")
    h = np.arange(hours) % 24
    pv = np.where((h >= 8) & (h < 16), 300.0, 0.0)
    load = np.full(hours, 300.0)
    bat_ch = np.where(h < 4, 100.0, 0.0)
    bat_dis = np.where((h >= 18) & (h < 22), 80.0, 0.0)
    imp = load - pv + bat_ch
    kw = {"units": "kW"}
    return xr.Dataset({
        "p_pv_kw": (("pv_array", "time"), pv[None, :], kw), "p_load_kw": ("time", load, kw),
        "p_grid_import_kw": ("time", imp, kw), "p_grid_export_kw": ("time", bat_dis, kw),
        "p_battery_charge_kw": ("time", bat_ch, kw), "p_battery_discharge_kw": ("time", bat_dis, kw),
        "ef_grid_kgco2_per_kwh": ("time", np.full(hours, 0.5)),
    }, coords={"time": t, "pv_array": ["roof"]})


def test_grid_electricity_stored_and_exported_is_not_used_in_the_park():
    e = annual_statistics(_grid_charged()).energy_kwh
    assert e["e_pv_self_consumed_kwh"] == pytest.approx(e["e_pv_generated_kwh"])
    assert e["e_pv_exported_kwh"] == pytest.approx(0.0, abs=1e-9)
    assert e["e_grid_reexported_kwh"] == pytest.approx(e["e_grid_export_kwh"])


@pytest.mark.parametrize("make", [_dispatch, _grid_charged])
def test_shares_stay_within_one_with_certificates_for_every_kwh_imported(make):
    """Certificates for the whole import, PV or grid electricity exported from the battery:
    the renewable and clean-energy shares count electricity used in the park, at most 100 %."""
    from twin.ledger.settings import AccountingSettings

    ds = make()
    imported_mwh = float(ds["p_grid_import_kw"].sum()) * 8760 / ds.sizes["time"] / 1000
    settings = AccountingSettings(green_certificates_mwh=imported_mwh * 1.5)
    a = build_ledger(ds, ds, settings=settings).planned.annual
    assert a["renewable_share"] <= 1.0 + 1e-12
    assert a["clean_energy_share"] <= 1.0 + 1e-12
    assert a["green_electricity_in_shares_kwh"] == pytest.approx(
        a["e_grid_import_kwh"] - a["e_grid_reexported_kwh"])
    # every kWh of electricity used in the park is renewable (the gas of _dispatch is not)
    assert a["tce_renewable_tce"] == pytest.approx(a["tce_electricity_tce"], rel=1e-9)


def test_ledger_reads_the_statistics():
    ds = _dispatch()
    led = build_ledger(ds, ds, step_weight_h=2.0)
    st = led.planned.statistics
    for f in FLOWS:
        assert led.planned.annual[f.key] == st.energy_kwh[f.key]
    assert led.planned.annual["pv_share_of_electricity"] == st.pv_share_of_electricity
    # the tce-based renewable share is a different quantity with a different name
    assert led.planned.annual["renewable_share"] != pytest.approx(st.pv_share_of_electricity)
