"""Connect a solved run to the ledger, the national indicators and the scorecard.

The optimiser decides how many green certificates and how much green power
(绿电交易) to buy; the ledger credits exactly those, so the accounts and the
optimisation never disagree. Green power the planner declared as a fixed contract
(``accounting.green_power_mwh``) is passed through when the scenario does not offer
green power to the optimiser (the schema refuses both at once). The offset cap of the scenario's ``carbon``
section applies to both.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def _with_inputs(disp: xr.Dataset, prof: xr.Dataset) -> xr.Dataset:
    """Dispatch plus the profile variables the ledger reads (factors, waste heat, buildings)."""
    disp = disp.assign_coords(time=prof["time"].values)
    extra = [v for v in ("ef_grid_kgco2_per_kwh", "q_waste_heat_available_kw", "waste_heat_temperature_c",
                         "building_floor_area_m2", "building_hvac_type")
             if v in prof and v not in disp]
    out = xr.merge([disp, prof[extra]], compat="override", combine_attrs="drop_conflicts")
    from twin.plan import district_heat_kw

    dh = district_heat_kw(prof)
    if dh is not None and "q_heat_import_kw" not in disp:  # the optimiser's where it decides (replaceable)
        out["q_heat_import_kw"] = xr.DataArray(dh, dims=("time",), attrs={
            "units": "kW", "long_name": "district heat bought by buildings declared chiller_district_heat"})
    return out


def accounting_settings(sc, res):
    """The scenario's accounting settings with the optimiser's certificate and green-power purchase applied."""
    # The scenario's carbon section is the one place for the offset cap; the optimiser applies it
    # to gross emissions, and the ledger is told the same (no cap given = no cap).
    updates = {
        "green_certificates_mwh": float(res.emissions.get("certificates_mwh", 0.0)),
        # optimiser's green power when the scenario offers it (then nothing is declared, see the schema)
        "green_power_mwh": (float(res.emissions.get("green_power_mwh", 0.0)) if sc.carbon.max_green_power_mwh > 0
                            else sc.accounting.green_power_mwh),
        "offsets_tco2": float(res.emissions.get("offsets_t", 0.0)),
        "offsets_max_share": 1.0 if sc.carbon.max_offset_share is None else sc.carbon.max_offset_share,
        "offsets_cap_basis": "gross",
        # declared with its source under process_emissions (the optimiser counts the same tonnes)
        "process_emissions_t": {x.name: float(x.co2_t_per_yr) for x in sc.process_emissions},
    }
    return sc.accounting.model_copy(update=updates)


CIVIL_TYPES = ("office", "dormitory", "canteen")


def park_info(sc, prof: xr.Dataset):
    """Park facts for the scorecard: type and the civil buildings' floor area and energy use."""
    from twin.assess import ParkInfo

    area = elec = heat = 0.0
    if "building_floor_area_m2" in prof:
        types = {b.name: b.type for b in sc.buildings}
        civil = [n for n in prof["building"].values if types.get(str(n)) in CIVIL_TYPES]
        if civil:
            sel = prof.sel(building=civil)
            area = float(sel["building_floor_area_m2"].sum())
            for v in ("building_p_lighting_kw", "building_p_equipment_kw", "building_p_hvac_baseline_kw",
                      "building_p_dhw_kw"):
                if v in sel:
                    elec += float(sel[v].sum())
            # heat from the central plant, the heat network or district heat; decentral systems' and
            # their own water heaters' is in their electricity
            from twin.components.buildings import hvac_presets
            from twin.profiles import DECENTRAL_HVAC

            specs = {b.name: b for b in sc.buildings}
            central = [n for n in civil if specs[str(n)].hvac.type not in DECENTRAL_HVAC]
            # a central plant's chillers are the park's: the civil buildings' share of their electricity
            # at the plant type's seasonal COP (hvac.csv), an estimate for this indicator
            for n in central:
                if "building_q_cooling_kw" in sel:
                    cop = float(hvac_presets().loc[specs[str(n)].hvac.type, "cooling_cop"])
                    elec += float(sel["building_q_cooling_kw"].sel(building=n).sum()) / cop
            on_net = [n for n in civil if str(n) in central or specs[str(n)].hvac.dhw_supply == "network"]
            if "building_q_heating_kw" in sel and central:
                heat += float(sel["building_q_heating_kw"].sel(building=central).sum())
            if "building_q_dhw_kw" in sel and on_net:
                heat += float(sel["building_q_dhw_kw"].sel(building=on_net).sum())
    return ParkInfo(park_type=sc.park.type, civil_floor_area_m2=area, civil_electricity_kwh=elec,
                    civil_heat_kwh=heat)


def assess_run(loaded, prof: xr.Dataset, res, base_res, rubric_path=None):
    """Ledger, national indicators and planning-stage scorecard of a run.

    Returns
    -------
    tuple
        ``(ledger, scorecard, indicators)``; ``scorecard`` and ``indicators`` are
        ``None`` when the horizon is shorter than a year (scores need annual values).
    """
    from twin.ledger import build_ledger

    sc = loaded.scenario
    settings = accounting_settings(sc, res)
    planned = _with_inputs(res.dispatch, prof)
    baseline = _with_inputs(base_res.dispatch, prof)
    weight = 8760.0 / prof.sizes["time"]
    ledger = build_ledger(planned, baseline, settings, sizes=res.sizes, baseline_sizes=base_res.sizes,
                          step_weight_h=weight)
    if prof.sizes["time"] < 8760:
        return ledger, None, None
    from twin.assess import assess, load_rubric

    rubric = load_rubric(rubric_path) if rubric_path is not None else None
    waste = waste_heat_by_source(sc, prof, planned, weight)
    park = park_info(sc, prof).model_copy(update={"heat_uses_kwh": heat_uses_kwh(sc, prof, planned, weight)})
    scorecard = assess(ledger, declarations_of_plan(sc, res.sizes), park, rubric=rubric,
                       waste_heat=waste)
    annotate_pv_headroom(scorecard.improvements, sc, res.sizes)
    return ledger, scorecard, scorecard.national


def heat_uses_kwh(sc, prof: xr.Dataset, planned: xr.Dataset, weight) -> dict[str, float]:
    """Heat by use for 7.2.2 path B [kWh/yr]: ``steam`` (process heat that is steam or above 100 °C, on a
    heat balance of its own) and ``steam_waste_heat`` (waste heat used there, directly or by the heat
    pumps serving it), ``space_heating`` and ``hot_water`` of the buildings on the heat network."""
    from twin.profiles import DECENTRAL_HVAC
    from twin.statistics import annual_energy_kwh, by_heat_bus, step_weights

    w = step_weights(planned, weight)
    out = {"steam": 0.0, "steam_waste_heat": 0.0, "space_heating": 0.0, "hot_water": 0.0}
    steam = {d.name for d in sc.process_heat if d.carrier == "steam" or d.temperature_c > 100.0}
    if steam and "q_process_heat_demand_kw" in planned:
        q = planned["q_process_heat_demand_kw"]
        buses = set()
        for i, n in enumerate(q["process_heat"].values):
            if str(n) in steam:
                bus = str(q["process_heat_bus"].values[i]) if "process_heat_bus" in q.coords else "heat"
                if bus != "heat":  # on the network it is not told apart from the network's other heat
                    out["steam"] += annual_energy_kwh(q.sel(process_heat=n), w)
                    buses.add(bus)
        out["steam_waste_heat"] += sum(v for bus, v in by_heat_bus(planned, "q_waste_heat_direct_bus_kw", w).items()
                                       if bus in buses)
        if "q_waste_heat_source_kw" in planned:
            hs = planned["q_waste_heat_source_kw"]
            serves = {h.name: getattr(h, "serves", None) for h in sc.heat_pumps}
            out["steam_waste_heat"] += sum(annual_energy_kwh(hs.sel(heat_pump=h), w)
                                           for h in hs["heat_pump"].values if serves.get(str(h)) in steam)
    if "building" in prof.dims:
        specs = {b.name: b for b in sc.buildings}
        names = [str(n) for n in prof["building"].values if str(n) in specs]
        central = [n for n in names if specs[n].hvac.type not in DECENTRAL_HVAC]
        on_net = [n for n in names if n in central or specs[n].hvac.dhw_supply == "network"]
        wp = step_weights(prof, weight)
        if "building_q_heating_kw" in prof and central:
            out["space_heating"] = annual_energy_kwh(prof["building_q_heating_kw"].sel(building=central), wp)
        if "building_q_dhw_kw" in prof and on_net:
            out["hot_water"] = annual_energy_kwh(prof["building_q_dhw_kw"].sel(building=on_net), wp)
    return out


def waste_heat_by_source(sc, prof: xr.Dataset, planned: xr.Dataset, weight) -> xr.Dataset | None:
    """Each waste-heat source's temperature and its annual use, direct and by heat pumps [°C, kWh/yr]
    (``waste_heat_temperature_c``, ``waste_heat_direct_kwh``, ``waste_heat_to_heat_pump_kwh`` over
    ``waste_heat``): the streams the 7.2.3(b) cascade count follows. None without waste heat."""
    if "waste_heat_temperature_c" not in prof:
        return None
    from twin.statistics import annual_energy_kwh, step_weights

    out = prof[["waste_heat_temperature_c"]].copy()
    w = step_weights(planned, weight)
    names = [str(x) for x in out["waste_heat"].values]
    direct = np.zeros(len(names))
    if "q_waste_heat_direct_kw" in planned and "waste_heat" in planned["q_waste_heat_direct_kw"].dims:
        d = planned["q_waste_heat_direct_kw"]
        direct = np.array([annual_energy_kwh(d.sel(waste_heat=n), w) if n in d["waste_heat"].values else 0.0
                           for n in names])
    to_hp = np.zeros(len(names))
    if "q_waste_heat_source_kw" in planned and "heat_pump" in planned["q_waste_heat_source_kw"].dims:
        q = planned["q_waste_heat_source_kw"]
        src = {h.name: h.source for h in sc.heat_pumps}
        for hp in q["heat_pump"].values:
            if src.get(str(hp)) in names:
                to_hp[names.index(src[str(hp)])] += annual_energy_kwh(q.sel(heat_pump=hp), w)
    out["waste_heat_direct_kwh"] = ("waste_heat", direct)
    out["waste_heat_to_heat_pump_kwh"] = ("waste_heat", to_hp)
    return out


def declarations_of_plan(sc, sizes: dict):
    """The scenario's declarations, held to what the plan builds where the optimiser sizes it.

    The share of bidirectional (V2G) chargers (T/CSUS 66-2023 12.1) is chosen by the optimiser
    when the scenario prices them (``costs.v2g_charger_extra``: ``sizes["ev_v2g_chargers"]``). A
    declared share above the plan's scored the item for chargers the plan neither builds nor pays
    for (the office example: 30 % declared, none built, one point); it counts at the plan's share,
    and its evidence says so.
    """
    d = sc.declarations
    built = sizes.get("ev_v2g_chargers") or {}
    share = d.v2g_charger_share
    if share.value is None or not built:
        return d
    total = sum((f.chargers if f.chargers is not None else f.vehicles) for f in sc.ev_fleets)
    n = float(sum(built.values()))
    plan = n / total if total > 0 else 0.0
    if share.value <= plan + 1e-6:
        return d
    # the LP's number of chargers as it is (1.51, not "2" beside the 2.5 % it gives)
    count = f"{n:,.0f}" if abs(n - round(n)) < 1e-6 else f"{n:,.2f}"
    evidence = (f"{share.evidence or 'no evidence cited'}; declared {100 * share.value:.1f}%, but the plan builds "
                f"{count} of {total:,} chargers bidirectional ({100 * plan:.1f}%)")
    return d.model_copy(update={"v2g_charger_share": share.model_copy(update={"value": plan, "evidence": evidence})})


def pv_headroom_kwp(sc, sizes: dict) -> float:
    """PV capacity still free on the declared roofs, carports and land [kWp]."""
    built = sizes.get("pv_kwp", {})
    return float(sum(max(a.capacity_limit_kwp() - built.get(a.name, 0.0), 0.0) for a in sc.pv_arrays))


def annotate_pv_headroom(improvements: list[dict], sc, sizes: dict) -> None:
    """Say, for each improvement asking for more PV, whether the declared areas can take it.

    The optimiser has already filled the areas where PV pays; when the step needs more kWp
    than the areas leave, it can only come from green power, certificates or new areas.
    """
    free = pv_headroom_kwp(sc, sizes)
    for imp in improvements:
        q = imp.get("quantity") or {}
        need = q.get("pv_kwp")
        if not need:
            continue
        q["pv_headroom_kwp"] = free
        if need > free + 1e-6:
            extra = (f"; the declared PV areas have only {free:,.0f} kWp left after the optimal plan, so the rest "
                     "must come from green power / certificates or new areas")
            q["text"] = q.get("text", "") + extra
            imp["how"] = imp.get("how", "") + extra
