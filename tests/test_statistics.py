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
    exp = np.clip(pv - load, 0, None) + bat_dis
    imp = np.clip(load - pv, 0, None)
    kw = {"units": "kW"}
    return xr.Dataset({
        "p_pv_kw": (("pv_array", "time"), pv[None, :], kw),
        "p_load_kw": ("time", load, kw),
        "p_grid_import_kw": ("time", imp, kw),
        "p_grid_export_kw": ("time", exp, kw),
        "p_battery_discharge_kw": ("time", bat_dis, kw),
        "p_battery_charge_kw": ("time", np.where((h >= 10) & (h < 14), 60.0, 0.0), kw),
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
    # night export comes from the battery, not from PV: PV used = PV − midday export only
    midday_export = float(np.clip(ds["p_pv_kw"].sum("pv_array") - ds["p_load_kw"], 0, None).sum())
    assert e["e_pv_self_consumed_kwh"] == pytest.approx(float(ds["p_pv_kw"].sum()) - midday_export)
    assert st.pv_share_of_electricity == pytest.approx(
        e["e_pv_self_consumed_kwh"] / (e["e_grid_import_kwh"] + e["e_pv_generated_kwh"] - e["e_grid_export_kwh"]))
    assert pv_share_of_electricity({"e_electricity_consumption_kwh": 0.0, "e_pv_self_consumed_kwh": 0.0}) == 0.0


def test_ledger_reads_the_statistics():
    ds = _dispatch()
    led = build_ledger(ds, ds, step_weight_h=2.0)
    st = led.planned.statistics
    for f in FLOWS:
        assert led.planned.annual[f.key] == st.energy_kwh[f.key]
    assert led.planned.annual["pv_share_of_electricity"] == st.pv_share_of_electricity
    # the tce-based renewable share is a different quantity with a different name
    assert led.planned.annual["renewable_share"] != pytest.approx(st.pv_share_of_electricity)
