"""Build every hourly component profile of a park from its scenario and weather.

One function, :func:`build_profiles`, runs each component model and collects the
results in one :class:`xarray.Dataset` (dim ``time`` plus one dim per asset kind),
the single input of the optimiser and of the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from twin.components.calendar import calendar_notes, china_day_types
from twin.components.process import SHAPES, process_load_kw
from twin.components.tariff import tou_periods, tou_price
from twin.scenario.loader import LoadedScenario

#: HVAC types whose energy use stays inside the building (fixed electric load);
#: the others (central plant) put heating/cooling demand on the park's heat/cooling buses.
DECENTRAL_HVAC = {"split_ac", "vrf", "heat_pump", "electric_boiler", "none"}
#: Central plant whose heating comes from the district network (bought heat, not on the heat bus).
DISTRICT_HEAT_HVAC = {"chiller_district_heat"}


@dataclass
class SiteInfo:
    """Where the park is, resolved from the scenario."""

    latitude: float
    longitude: float
    elevation: float
    province: str | None
    notes: list[str] = field(default_factory=list)
    #: GB 50176 zone of the site (``WeatherMeta.climate_zone``: key, subzone, ...)
    climate_zone: dict = field(default_factory=dict)
    #: design temperatures of the site's climate (``WeatherMeta.design_temperatures``)
    design_temperatures: dict = field(default_factory=dict)


def _da(values, dims, coords, units: str, long_name: str) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), dims=dims, coords=coords,
                        attrs={"units": units, "long_name": long_name})


def load_weather(loaded: LoadedScenario):
    """Weather for the scenario's site: the user's file, a bundled city or any lat/lon."""
    import weather as wx

    sc = loaded.scenario
    site = sc.site
    year = sc.park.planning_year
    path = loaded.resolve(site.weather_file)
    df, meta = wx.site_weather(
        city=site.city if path is None else None,
        lat=site.latitude, lon=site.longitude, elevation=site.elevation_m,
        path=path, year=year, seed=site.weather_seed,
        radiation_basis=getattr(site, "radiation_basis", None),
        temperature_period=getattr(site, "temperature_period", None),
        province_known=site.province is not None,  # the schema checked the city lies in it
    )
    province = site.province
    if province is None and site.city is not None:
        from weather.stations import place_province

        province = place_province(site.city)
    # weather speaks in its API's terms; the planner edits the scenario's site.weather_file
    meta.notes[:] = [n.replace("site_weather(path=...)", "site.weather_file in the scenario") for n in meta.notes]
    unused = [f for f in ("elevation_m", "weather_seed", "radiation_basis", "temperature_period")
              if f in site.model_fields_set]
    if path is not None and unused:
        meta.notes.append(f"not used with site.weather_file (they shape synthetic years; the file's own "
                          f"values stand): {', '.join(unused)}")
    zone = dict(meta.climate_zone)
    if getattr(site, "climate_zone", None):
        zone = buildings_zone(site.climate_zone, meta)
    info = SiteInfo(meta.latitude, meta.longitude, meta.elevation, province, list(meta.notes), zone,
                    dict(meta.design_temperatures))
    return df, meta, info


def buildings_zone(given: str, meta) -> dict:
    """The climate zone a scenario gives for its buildings' presets (``site.climate_zone``),
    with a note in the weather's notes that says it and what the site's weather gives."""
    from weather.climate_zone import ZONE_ADVICE, zone_given

    z = zone_given(given)
    # the weather's advice to give site.climate_zone where its zone is uncertain: given, it is moot
    meta.notes[:] = [n for n in meta.notes if ZONE_ADVICE not in n]
    own = meta.climate_zone or {}
    weather_zone = own.get("subzone") or own.get("zone_zh") or ""
    if weather_zone == (z["subzone"] or z["zone_zh"]):
        what = "the same"
    else:
        what = (f"{weather_zone} (HDD18 {own['hdd18']:.0f}, CDD26 {own['cdd26']:.0f})"
                if "hdd18" in own else weather_zone or "no zone")
    meta.notes.append(f"the buildings' envelope and season presets follow the climate zone the "
                      f"scenario gives, {z['subzone'] or z['zone_zh']} (site.climate_zone); the "
                      f"site's weather gives {what}")
    return z


def grid_emission_series(loaded: LoadedScenario, index: pd.DatetimeIndex, province: str | None):
    """Hourly grid emission factor [kgCO2/kWh] and the text of its source."""
    from twin.components.process import read_profile_csv
    from twin.factors import grid_emission_factor, grid_factor_level

    ef = loaded.scenario.grid.emission_factor
    if ef.hourly_csv is not None:
        values = read_profile_csv(loaded.resolve(ef.hourly_csv), len(index), column="ef_kgco2_per_kwh",
                                  what="grid emission factor [kgCO2/kWh]")
        return values, ef.source or f"user hourly series {ef.hourly_csv}"
    if ef.value_kgco2_per_kwh is not None:
        return np.full(len(index), ef.value_kgco2_per_kwh), ef.source or "user constant factor"
    choice = grid_emission_factor(grid_factor_level(ef.level, ef.year, province), ef.year, province)
    return np.full(len(index), choice.value_kgco2_per_kwh), choice.source


def grid_factor_note(loaded: LoadedScenario, province: str | None) -> str:
    """Which official factor level a scenario that names none takes, in words ('' when it names
    one, or gives its own value or series)."""
    from twin.factors import grid_factor_level

    ef = loaded.scenario.grid.emission_factor
    if ef.level is not None or ef.value_kgco2_per_kwh is not None or ef.hourly_csv is not None:
        return ""
    level = grid_factor_level(None, ef.year, province)
    return {"provincial": "grid.emission_factor.level not given: the factor of the site's province",
            "regional": "grid.emission_factor.level not given: the factor of the province's grid region, the tables "
                        "publishing none for the province",
            "national": "grid.emission_factor.level not given and the site's province unknown: the national factor "
                        "(give site.province)"}[level]


def build_profiles(loaded: LoadedScenario, weather_df: pd.DataFrame, site: SiteInfo) -> xr.Dataset:
    """Hourly profiles of every component of the park.

    Returns
    -------
    xarray.Dataset
        ``time`` plus the dims ``process_load``, ``building``, ``pv_array``,
        ``ev_fleet``, ``waste_heat``, ``heat_pump`` as present. Units in attrs.
    """
    sc = loaded.scenario
    index = weather_df.index
    day_types = china_day_types(index)
    working = (day_types == "workday").to_numpy()
    ds = xr.Dataset(coords={"time": index.tz_localize(None)})
    ds.attrs["time_zone"] = "Asia/Shanghai"
    ds.attrs["time_label"] = "start of hour"
    ds.attrs["calendar"] = "; ".join(calendar_notes(int(index[0].year)))
    ds.attrs["tariff_source"] = f"{sc.grid.tariff.name}: {sc.grid.tariff.source}".strip(": ")
    t = ("time",)
    for col, unit, name in (("ghi", "W m-2", "global horizontal irradiance"),
                            ("temp_air", "degC", "air temperature"),
                            ("wind_speed", "m s-1", "wind speed")):
        ds[f"weather_{col}"] = _da(weather_df[col].to_numpy(), t, None, unit, name)
    ds["working_day"] = xr.DataArray(working, dims=t, attrs={"units": "1", "long_name": "working day (China calendar): 1 working, 0 weekend or holiday"})

    # Grid: tariff and emission factor
    price = tou_price(sc.grid.tariff, index, working)
    ds["price_import_cny_per_kwh"] = _da(price, t, None, "CNY/kWh", "import energy price (TOU, all-in)")
    ds["tou_period"] = xr.DataArray(tou_periods(sc.grid.tariff, index, working), dims=t,
                                    attrs={"units": "-", "long_name": "time-of-use period (label)"})
    ef, ef_source = grid_emission_series(loaded, index, site.province)
    ds["ef_grid_kgco2_per_kwh"] = _da(ef, t, None, "kgCO2/kWh", "grid electricity emission factor")
    ds["ef_grid_kgco2_per_kwh"].attrs["source"] = ef_source
    note = grid_factor_note(loaded, site.province)
    if note:
        ds["ef_grid_kgco2_per_kwh"].attrs["note"] = note

    # Process loads
    if sc.process_loads:
        names = [p.name for p in sc.process_loads]
        arr = np.stack([process_load_kw(p, index, base_dir=loaded.base_dir, day_types=day_types).to_numpy()
                        for p in sc.process_loads])
        ds["p_process_kw"] = _da(arr, ("process_load", "time"), {"process_load": names}, "kW", "process electric load")
        ds["process_shape"] = xr.DataArray(
            [SHAPES[p.shape].description if p.shape else f"measured: {p.profile_csv}" for p in sc.process_loads],
            dims=("process_load",), attrs={"units": "-", "long_name": "shape of the process load (label)"})

    # the process loads' hourly kW, which process heat and cooling demands may follow
    by_load = ({n: ds["p_process_kw"].sel(process_load=n).to_numpy() for n in ds["process_load"].values}
               if "p_process_kw" in ds and (sc.process_heat or sc.process_cooling) else {})

    # Process heat (hot water, steam)
    if sc.process_heat:
        from twin.components.process import process_heat_kw

        coords = {"process_heat": [d.name for d in sc.process_heat]}
        arr = np.stack([process_heat_kw(d, index, base_dir=loaded.base_dir, day_types=day_types,
                                        process_kw=by_load).to_numpy() for d in sc.process_heat])
        ds["q_process_heat_demand_kw"] = _da(arr, ("process_heat", "time"), coords, "kW",
                                             "process heat demand (hot water or steam for production)")

    # Process cooling (chilled water, brine)
    if sc.process_cooling:
        from twin.components.process import process_cooling_kw

        coords = {"process_cooling": [d.name for d in sc.process_cooling]}
        arr = np.stack([process_cooling_kw(d, index, base_dir=loaded.base_dir, day_types=day_types,
                                           process_kw=by_load).to_numpy() for d in sc.process_cooling])
        ds["q_process_cooling_demand_kw"] = _da(arr, ("process_cooling", "time"), coords, "kW",
                                                "process cooling demand (chilled water or brine for production)")

    # PV per kWp
    if sc.pv_arrays:
        from twin.components.pv import pv_profiles

        pv = pv_profiles(weather_df, site.latitude, site.longitude, site.elevation, list(sc.pv_arrays))
        pv = pv.assign_coords(time=ds.time)
        for name in pv.data_vars:
            ds[name] = pv[name]

    # Buildings
    if sc.buildings:
        from twin.components.buildings import park_building_loads

        # the site's zone (a synthetic site's from several seeded years), not this year's
        bl = park_building_loads(list(sc.buildings), weather_df, site.latitude, site.longitude,
                                 day_types=day_types, elevation_m=site.elevation,
                                 zone=site.climate_zone.get("key"),
                                 subzone=site.climate_zone.get("subzone"),
                                 # a synthetic site's over several years of its climate, not this year's
                                 design_temperatures=site.design_temperatures)
        bl = bl.assign_coords(time=ds.time)
        for name in bl.data_vars:
            ds[f"building_{name}"] = bl[name]
        ds["building_hvac_type"] = xr.DataArray([b.hvac.type for b in sc.buildings], dims=("building",),
                                                coords={"building": bl["building"].values},
                                                attrs={"units": "-", "long_name": "HVAC system of the building (label)"})
        from twin.components.buildings import dhw_on_network

        ds["building_dhw_on_network"] = _da([float(dhw_on_network(b.hvac)) for b in sc.buildings], ("building",),
                                            {"building": bl["building"].values}, "1",
                                            "hot water from the park's heat network (1) or the building's own "
                                            "water heaters / district heat (0)")
        ds["building_floor_area_m2"] = _da([b.floor_area_m2 * b.count for b in sc.buildings], ("building",),
                                           {"building": bl["building"].values}, "m2", "floor area")
        ds.attrs["climate_zone"] = str(bl.attrs.get("climate_zone", ""))

    # EV fleets
    if sc.ev_fleets:
        from twin.components.ev import simulate_fleet

        fleets = []
        for i, f in enumerate(sc.ev_fleets):
            ev = simulate_fleet(f, index, seed=(sc.site.weather_seed or 0) + 101 * (i + 1), day_types=day_types)
            ev = ev.assign_coords(time=ds.time)
            for key, unit in (("eta_charge", "1"), ("eta_discharge", "1"),
                              ("v2g_degradation_cost_cny_per_kwh", "CNY/kWh")):
                ev[key] = xr.DataArray(float(ev.attrs[key]), attrs={"units": unit, "long_name": key})
            # the charger queue's year (per fleet: the concatenation below keeps one fleet's attrs)
            for key, unit, long_name in (
                    ("sessions", "1", "sessions simulated (the year with its spin-up day)"),
                    ("sessions_unserved", "1", "sessions that found no free charger before leaving"),
                    ("energy_need_kwh", "kWh", "energy need of all sessions (battery side)"),
                    ("energy_unserved_kwh", "kWh", "energy need not charged in the park (battery side)"),
                    ("energy_no_charger_kwh", "kWh", "of it, the need of sessions that found no free charger"),
                    ("sessions_need_capped", "1", "sessions whose trip needs more than the battery's usable window"),
                    ("energy_dropped_kwh", "kWh", "the trips' energy beyond the battery's usable window, in no need")):
                ev[key] = xr.DataArray(float(ev.attrs[key]), attrs={"units": unit, "long_name": long_name})
            ev = ev.expand_dims(ev_fleet=[f.name])
            fleets.append(ev)
        evs = xr.concat(fleets, dim="ev_fleet", combine_attrs="override")
        for name in evs.data_vars:
            ds[f"ev_{name}"] = evs[name]

    # Waste heat and heat pumps
    if sc.waste_heat:
        from twin.components.heat import waste_heat_available_kw

        total_process = (pd.Series(ds["p_process_kw"].sum("process_load").to_numpy(), index=index)
                         if "p_process_kw" in ds else None)
        arr = np.stack([
            np.asarray(waste_heat_available_kw(w, index, process_profile=total_process, base_dir=loaded.base_dir), dtype=float)
            for w in sc.waste_heat
        ])
        coords = {"waste_heat": [w.name for w in sc.waste_heat]}
        ds["q_waste_heat_available_kw"] = _da(arr, ("waste_heat", "time"), coords, "kW", "recoverable waste heat")
        ds["waste_heat_temperature_c"] = _da([w.temperature_c for w in sc.waste_heat], ("waste_heat",), coords,
                                             "degC", "waste-heat temperature level")
    if sc.heat_pumps:
        from twin.components.heat import heat_pump_cop_series

        sources = {w.name: w for w in sc.waste_heat}
        cops = [heat_pump_cop_series(hp, weather_df, sources).to_numpy(dtype=float) for hp in sc.heat_pumps]
        ds["heat_pump_cop"] = _da(np.stack(cops), ("heat_pump", "time"), {"heat_pump": [h.name for h in sc.heat_pumps]},
                                  "1", "heat pump coefficient of performance")
        from twin.components.heat import heat_pump_capacity_series

        caps = [heat_pump_capacity_series(hp, weather_df).to_numpy(dtype=float) for hp in sc.heat_pumps]
        ds["heat_pump_capacity_factor"] = _da(
            np.stack(caps), ("heat_pump", "time"), {"heat_pump": [h.name for h in sc.heat_pumps]}, "1",
            "heat pump available heat output per kW of size (air source: falls in cold air, 0 below the "
            "cut-off temperature)")
    return ds
