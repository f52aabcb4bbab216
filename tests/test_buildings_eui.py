"""Office energy-use intensity of the building model against published Chinese values.

Reference values live in twin/components/data/buildings/gbt51161_eui.csv (each row
with its source and verification level). Measured values that are not part of
GB/T 51161-2016 are cited in the test that uses them.

The modelled office is the one of tests/test_buildings.py::_office_eui (8 storeys,
20 000 m2, VRF, design internal gains of the "office" type); its logic is copied
here so that this file stands alone.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from twin.components import buildings as b

AREA_M2 = 20000.0
VERIFIED_LEVELS = {"recalled", "no", "secondary", "secondary_derived", "secondary_partial", "yes"}


@pytest.fixture(scope="module")
def eui_table():
    path = resources.files("twin.components") / "data" / "buildings" / "gbt51161_eui.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p)


def _ref(table, climate_region, klass, sub_type="unspecified", indicator="office_energy"):
    row = table[(table["building_type"] == "office") & (table["class"] == klass)
                & (table["sub_type"] == sub_type) & (table["climate_region"] == climate_region)
                & (table["indicator"] == indicator)]
    assert len(row) == 1, (climate_region, klass, sub_type, indicator)
    return row.iloc[0]


def _office(china_weather, pattern):
    """Hourly electricity [kW] of the modelled office: lighting + equipment + VRF."""
    w, meta = china_weather(pattern)
    spec = b.BuildingSpec(name="o", type="office", floor_area_m2=AREA_M2, storeys=8,
                          hvac=b.HVACSpec(type="vrf"))
    df = b.building_loads(spec, w, meta["latitude"], meta["longitude"])
    return df["p_lighting_kw"] + df["p_equipment_kw"] + df["p_hvac_baseline_kw"]


# --------------------------------------------------------------------------- the table itself
def test_eui_table_is_consistent(eui_table):
    """Every row carries a source and an allowed verification level; guide <= constraint."""
    assert eui_table["source"].str.len().min() > 20
    assert set(eui_table["verified"]) <= VERIFIED_LEVELS
    both = eui_table.dropna(subset=["guide_kwh_m2a"])
    assert (both["guide_kwh_m2a"] <= both["constraint_kwh_m2a"]).all()
    # class B (mechanically ventilated all year) is never below class A of the same zone
    for (zone, ind), grp in eui_table.groupby(["climate_region", "indicator"]):
        if {"A", "B"} <= set(grp["class"]):
            a = grp[grp["class"] == "A"]["constraint_kwh_m2a"].max()
            bb = grp[grp["class"] == "B"]["constraint_kwh_m2a"].min()
            assert a <= bb, (zone, ind)


# --------------------------------------------------------------------------- hot summer, cold winter
@pytest.mark.parametrize("pattern", ["Shanghai-Baoshan", "Tianhe-Wuhan", "Hangzhou"])
def test_office_eui_hscw_vs_gbt51161(china_weather, eui_table, pattern):
    """Office electricity EUI in the hot-summer-cold-winter zone vs GB/T 51161-2016.

    Reference (secondary): the class A office constraint/guide values 85/70 and the
    class B values 110/80 kWh/(m2 a) for the hot-summer-cold-winter zone, as quoted
    from GB/T 51161-2016 by Liu & Ren (2018), Energy Sustain. Soc., Table 7
    (rows in gbt51161_eui.csv; primary Table 5.2.1 not found, sub-type not stated).
    Like with like: outside the northern heating zones the office indicator covers
    the whole energy use, so the model's total electricity (lighting, equipment,
    VRF heating and cooling) is compared; the model gives about 85 in all three
    cities. The modelled 8-storey VRF office with operable windows is closest to
    class A (the paper pairs class A with multi-storey offices), so the test asks
    for the class A constraint within +-25 %: the constraint is a ceiling met by most
    surveyed buildings, not a mean, and the model uses design gains, so only the
    same magnitude is required; the band's upper end (106) stays under the class B
    constraint, and the model must not exceed the class B constraint either.
    """
    a = _ref(eui_table, "hot_summer_cold_winter", "A")
    bb = _ref(eui_table, "hot_summer_cold_winter", "B")
    eui = float(_office(china_weather, pattern).sum()) / AREA_M2
    assert 0.75 * a["constraint_kwh_m2a"] <= eui <= 1.25 * a["constraint_kwh_m2a"], eui
    assert eui <= bb["constraint_kwh_m2a"], eui


# Monthly electricity intensity of Shanghai offices [kWh/(m2 month)], months 1..12:
# Wang H. et al., Green Building 2026(1), Table 2 (Shanghai building carbon-emission
# monitoring platform), as transcribed in tianyichen1001/Yuqian_Shanghai-Energy @
# cdcf7ad6c8855137dbf356d1baf5d891c4243a72, data/raw/benchmark/wang_2026_public_monthly.csv
# (archetype "office"). Secondary: the paper itself was not seen; sample size unknown.
_WANG_2026_SHANGHAI_OFFICE = [7.6, 6.4, 6.3, 5.4, 5.8, 6.7, 9.9, 10.2, 8.5, 5.8, 5.6, 7.1]


def test_office_eui_shanghai_vs_measured_monthly(china_weather):
    """Shanghai office: annual and monthly electricity vs monitored offices.

    Reference: Wang et al. (2026) monitored Shanghai offices, 85.3 kWh/(m2 a) summed
    over the twelve monthly means (secondary, see the constant above). The model
    gives about 89.0 (84.6 when it was sensible-only, before 2026-12-07; its latent load
    raises the summer months, July 11.1 against 9.9 measured). Tolerances: annual +-20 %, because the reference is a platform
    average over an unknown sample of real buildings and real weather years while
    the model is one design-condition office in a TMYx year; monthly CV(RMSE) <= 20 %,
    looser than the 15 % monthly criterion of ASHRAE Guideline 14 (as recalled) for
    the same reasons (the model is not calibrated to these data); the model is at
    about 10 % (8.7 % sensible-only). This checks the seasonal shape (summer cooling peak), not only the sum.
    """
    p = _office(china_weather, "Shanghai-Baoshan")
    sim = p.resample("MS").sum().to_numpy() / AREA_M2
    ref = np.array(_WANG_2026_SHANGHAI_OFFICE)
    assert 0.8 * ref.sum() <= sim.sum() <= 1.2 * ref.sum(), sim.sum()
    cv_rmse = float(np.sqrt(np.mean((sim - ref) ** 2)) / ref.mean())
    assert cv_rmse <= 0.20, (cv_rmse, sim.round(1))
    # the summer peak is where the measured one is
    assert int(np.argmax(sim)) + 1 in (7, 8), sim.round(1)
