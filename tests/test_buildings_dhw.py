"""Hot water of decentral buildings: their own water heaters' electricity, or the heat network.

Before, the hot water of buildings with decentral HVAC (split_ac, vrf, heat_pump, electric_boiler,
none) was computed and then left out of every balance: a Suzhou factory dormitory's 1,592 MWh/yr
of hot water was in neither the electric load nor a heat bus, in the baseline or the plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twin.components import buildings as b
from twin.plan import central_demands, electric_load_kw

TZ = "Asia/Shanghai"


def _weather(days=7):
    idx = pd.date_range("2025-03-03", periods=24 * days, freq="h", tz=TZ)
    h = idx.hour.to_numpy()
    s = np.clip(np.sin(np.pi * (h - 6) / 13), 0.0, None)
    return pd.DataFrame({"ghi": 600 * s, "dni": 400 * s, "dhi": 150 * s,
                         "temp_air": 12 + 4 * np.cos(2 * np.pi * (h - 15) / 24),
                         "wind_speed": np.zeros(len(idx)), "relative_humidity": np.full(len(idx), 60.0)}, index=idx)


def _dorm(**hvac):
    return b.BuildingSpec(name="dorm", type="dormitory", floor_area_m2=15000.0, storeys=8,
                          hvac=b.HVACSpec(**hvac))


@pytest.mark.parametrize(("hvac", "eff"), [({"type": "split_ac"}, 0.95), ({"type": "vrf"}, 0.95),
                                           ({"type": "heat_pump"}, 2.5), ({"type": "electric_boiler"}, 0.95),
                                           ({"type": "split_ac", "dhw_efficiency": 3.1}, 3.1)])
def test_decentral_water_heaters_are_electric_load(hvac, eff):
    df = b.building_loads(_dorm(**hvac), _weather(), 31.3, 120.6, zone="hscw")
    q = df["q_dhw_kw"].to_numpy()
    assert q.sum() > 0
    assert df["p_dhw_kw"].to_numpy() == pytest.approx(q / eff, rel=1e-12)
    assert b.dhw_efficiency(_dorm(**hvac)) == eff


@pytest.mark.parametrize("hvac", [{"type": "chiller_boiler"}, {"type": "chiller_district_heat"},
                                  {"type": "split_ac", "dhw_supply": "network"}])
def test_hot_water_from_a_plant_or_the_network_has_no_water_heaters(hvac):
    df = b.building_loads(_dorm(**hvac), _weather(), 31.3, 120.6, zone="hscw")
    assert df["q_dhw_kw"].sum() > 0
    assert float(df["p_dhw_kw"].abs().sum()) == 0.0
    assert b.dhw_on_network(b.HVACSpec(**hvac)) == (hvac["type"] != "chiller_district_heat")


def test_dhw_fields_refused_where_they_do_not_apply():
    with pytest.raises(ValueError, match="dhw_efficiency is for decentral buildings"):
        b.HVACSpec(type="chiller_boiler", dhw_efficiency=0.95)
    with pytest.raises(ValueError, match="dhw_supply is for decentral buildings"):
        b.HVACSpec(type="chiller_district_heat", dhw_supply="network")
    with pytest.raises(ValueError, match="remove one of the two"):
        b.HVACSpec(type="vrf", dhw_supply="network", dhw_efficiency=2.0)


def _profiles(specs):
    """The building part of the profiles as twin.profiles builds it."""
    w = _weather()
    bl = b.park_building_loads(specs, w, 31.3, 120.6, zone="hscw")
    ds = xr.Dataset({f"building_{k}": v for k, v in bl.data_vars.items()}, coords=bl.coords)
    ds["building_hvac_type"] = xr.DataArray([s.hvac.type for s in specs], dims=("building",))
    ds["building_dhw_on_network"] = xr.DataArray([float(b.dhw_on_network(s.hvac)) for s in specs],
                                                 dims=("building",))
    return ds


def test_water_heaters_in_the_electric_load_and_network_hot_water_on_the_heat_bus():
    own = _dorm(type="split_ac")
    net = _dorm(type="split_ac", dhw_supply="network").model_copy(update={"name": "dorm2"})
    plant = _dorm(type="chiller_boiler").model_copy(update={"name": "canteen"})
    ds = _profiles([own, net, plant])
    q = {n: ds["building_q_dhw_kw"].sel(building=n).to_numpy() for n in ("dorm", "dorm2", "canteen")}

    class _Sc:  # electric_load_kw reads only the profiles
        pass

    load = electric_load_kw(_Sc(), ds)
    base = (ds["building_p_lighting_kw"].sum("building") + ds["building_p_equipment_kw"].sum("building")
            + ds["building_p_hvac_baseline_kw"].sel(building=["dorm", "dorm2"]).sum("building")).to_numpy()
    assert load == pytest.approx(base + q["dorm"] / 0.95, rel=1e-12)
    heat, _ = central_demands(ds)
    want = ds["building_q_heating_kw"].sel(building="canteen").to_numpy() + q["dorm2"] + q["canteen"]
    assert heat == pytest.approx(want, rel=1e-12)
    # no central plant at all: the network's hot water alone is the heat bus's demand
    heat, cool = central_demands(_profiles([net]))
    assert heat == pytest.approx(_profiles([net])["building_q_dhw_kw"].sum("building").to_numpy())
    assert cool is None
