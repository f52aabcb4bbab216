"""Turn a scenario and its hourly profiles into the optimiser's problem.

The only place where scenario vocabulary (specs, costs section, objective) is
translated into :mod:`solvers` dataclasses. ``baseline=True`` builds "the same park
without the planned measures": existing assets only, EVs charging on arrival, no
offsets, certificates or green power bought.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from twin.profiles import DECENTRAL_HVAC, DISTRICT_HEAT_HVAC
from twin.scenario.schema import AssetCost as ScenarioCost
from twin.scenario.schema import Scenario

#: Share of a fleet's energy need that the charger queue leaves uncharged above which the run
#: says so (below it, a few late arrivals on a busy evening) [-].
UNSERVED_NOTE_SHARE = 0.01


def unserved_sessions_note(name: str, fleet) -> str:
    """The run's note on an EV fleet whose vehicles find no free charger ('' when the share of
    the energy need left uncharged is at most :data:`UNSERVED_NOTE_SHARE`).

    ``fleet``: the fleet's slice of the profiles (``ev_sessions``, ``ev_sessions_unserved``,
    ``ev_energy_need_kwh``, ``ev_energy_unserved_kwh``; absent in older profiles: '').
    """
    if "ev_energy_unserved_kwh" not in fleet or "ev_energy_need_kwh" not in fleet:
        return ""
    need = float(fleet["ev_energy_need_kwh"])
    unserved = float(fleet["ev_energy_unserved_kwh"])
    if need <= 0 or unserved <= UNSERVED_NOTE_SHARE * need:
        return ""
    if "ev_energy_no_charger_kwh" in fleet:  # the two causes apart (the whole had been put on the first)
        none = min(float(fleet["ev_energy_no_charger_kwh"]), unserved)
        return (f"EV fleet '{name}': {unserved / need * 100:.0f} % of the fleet's energy need "
                f"({unserved * 1e-3:,.0f} MWh battery side) is not charged in the park before the vehicles leave: "
                f"{int(fleet['ev_sessions_unserved']):,} of {int(fleet['ev_sessions']):,} sessions of the year find no "
                f"free charger ({none * 1e-3:,.0f} MWh), others get one too late to charge fully "
                f"({(unserved - none) * 1e-3:,.0f} MWh); that energy is charged outside the park and is in neither "
                "the baseline nor the plan; more chargers (ev_fleets[].chargers) or drivers who free them when "
                "charged (ev_fleets[].unplug_when_full_share) bring it into the park")
    return (f"EV fleet '{name}': {int(fleet['ev_sessions_unserved']):,} of {int(fleet['ev_sessions']):,} sessions "
            f"of the year find no free charger before the vehicle leaves ({unserved / need * 100:.0f} % of the "
            f"fleet's energy need, {unserved * 1e-3:,.0f} MWh battery side): that energy is charged outside the "
            "park and is in neither the baseline nor the plan; more chargers (ev_fleets[].chargers) or drivers "
            "who free them when charged (ev_fleets[].unplug_when_full_share) bring it into the park")


def dropped_trips_note(name: str, fleet) -> str:
    """The run's note on an EV fleet whose trips need more than the battery's usable window ('' below
    :data:`UNSERVED_NOTE_SHARE` of the need): the energy beyond it was dropped without a word (a truck of
    500 km a day lost 63 % of its driving energy)."""
    if "ev_energy_dropped_kwh" not in fleet or "ev_energy_need_kwh" not in fleet:
        return ""
    need, dropped = float(fleet["ev_energy_need_kwh"]), float(fleet["ev_energy_dropped_kwh"])
    if dropped <= UNSERVED_NOTE_SHARE * max(need, 1e-9):
        return ""
    return (f"EV fleet '{name}': {int(fleet['ev_sessions_need_capped']):,} of {int(fleet['ev_sessions']):,} sessions' "
            f"trips need more than the battery's usable window (min_soc_departure down to min_arrival_soc): "
            f"{dropped * 1e-3:,.0f} MWh a year of their driving energy ({dropped / (need + dropped) * 100:.0f} %) is in "
            "no need of the model (charged on the road or not driven); check daily_distance_km_mean, "
            "consumption_kwh_per_km and battery_kwh")


def ev_lower_envelope(fleet_profiles) -> np.ndarray:
    """A fleet's lower cumulative-energy envelope for the plan [kWh]: the simulated one, its
    last step raised to the energy charging on arrival delivers by then.

    The envelope's lower edge only asks for what departing vehicles need; vehicles still
    plugged in when the horizon ends need nothing yet, so a plan could deliver less than the
    baseline (which charges every arrival) and count the energy it never delivered as
    savings: 13 % less EV energy over a week (Qingdao logistics, 2,031 against 2,337
    MWh/yr), 0.2 % over a year. Both now deliver the same energy by the horizon's end.

    Parameters
    ----------
    fleet_profiles : xarray.Dataset
        One fleet's ``ev_e_cum_min_kwh``, ``ev_e_cum_max_kwh`` and
        ``ev_e_cum_uncontrolled_kwh`` over the horizon [kWh].
    """
    lower = fleet_profiles["ev_e_cum_min_kwh"].to_numpy().astype(float)
    if "ev_e_cum_uncontrolled_kwh" in fleet_profiles and len(lower):
        delivered = float(fleet_profiles["ev_e_cum_uncontrolled_kwh"].to_numpy()[-1])
        upper = float(fleet_profiles["ev_e_cum_max_kwh"].to_numpy()[-1])
        lower[-1] = max(lower[-1], min(delivered, upper))
    return lower

def _cost(c: ScenarioCost | None):
    from solvers import AssetCost

    if c is None:
        return AssetCost()
    return AssetCost(capex_cny_per_unit=c.capex_cny_per_unit, lifetime_yr=c.lifetime_years,
                     om_fraction_per_yr=c.om_fraction_per_year, fixed_build_cny=c.fixed_build_cny,
                     min_build=c.min_build, module_size=c.module_size)


def _limit(existing: float, maximum: float | None, baseline: bool) -> float:
    if baseline:
        return existing
    return float("inf") if maximum is None else float(maximum)


def _capacity_factor(prof: xr.Dataset, name: str) -> np.ndarray | float:
    """A heat pump's hourly available heat output per kW of size [-] from the profiles
    (``heat_pump_capacity_factor``); 1 (a constant) where the profiles carry none."""
    if "heat_pump_capacity_factor" not in prof:
        return 1.0
    a = prof["heat_pump_capacity_factor"].sel(heat_pump=name).to_numpy().astype(float)
    return 1.0 if np.all(a == 1.0) else a


def electric_load_kw(sc: Scenario, prof: xr.Dataset) -> np.ndarray:
    """Fixed (non-dispatchable) electric load [kW]: process, building lighting/equipment, decentral HVAC
    and decentral water heaters."""
    load = np.zeros(prof.sizes["time"])
    if "p_process_kw" in prof:
        load += prof["p_process_kw"].sum("process_load").to_numpy()
    if "building_p_lighting_kw" in prof:
        load += prof["building_p_lighting_kw"].sum("building").to_numpy()
        load += prof["building_p_equipment_kw"].sum("building").to_numpy()
        decentral = np.isin(prof["building_hvac_type"].to_numpy(), list(DECENTRAL_HVAC))
        if decentral.any():
            load += prof["building_p_hvac_baseline_kw"].isel(building=np.where(decentral)[0]).sum("building").to_numpy()
        if "building_p_dhw_kw" in prof:  # decentral water heaters (0 for central plants)
            load += prof["building_p_dhw_kw"].sum("building").to_numpy()
    return load


def central_demands(prof: xr.Dataset) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Heat and cooling demand on the park's central buses [kW]: central-plant buildings' heating,
    cooling and hot water, and the hot water of decentral buildings that take it from the heat
    network (``hvac.dhw_supply: network``, ``building_dhw_on_network``)."""
    if "building_q_heating_kw" not in prof:
        return None, None
    hvac = prof["building_hvac_type"].to_numpy()
    central = ~np.isin(hvac, list(DECENTRAL_HVAC))
    on_bus = central & ~np.isin(hvac, list(DISTRICT_HEAT_HVAC))
    dhw_net = (prof["building_dhw_on_network"].to_numpy() > 0 if "building_dhw_on_network" in prof
               else on_bus)
    cool = (prof.isel(building=np.where(central)[0])["building_q_cooling_kw"].sum("building").to_numpy()
            if central.any() else None)
    if not on_bus.any() and not dhw_net.any():
        return None, cool
    heat = np.zeros(prof.sizes["time"])
    if on_bus.any():
        heat += prof.isel(building=np.where(on_bus)[0])["building_q_heating_kw"].sum("building").to_numpy()
    if dhw_net.any() and "building_q_dhw_kw" in prof:
        heat += prof.isel(building=np.where(dhw_net)[0])["building_q_dhw_kw"].sum("building").to_numpy()
    return heat, cool


def heat_pumps_idle_note(names: list[str]) -> str:
    """The note for heat pumps declared where no heat is delivered through the park's heat bus."""
    return (f"heat pumps {', '.join(repr(n) for n in names)} have no heat to deliver: no building puts its heating "
            "on the park's heat bus (hvac type chiller_boiler); buildings with chiller_district_heat buy district "
            "heat, which the heat pumps replace only with district_heat.replaceable: true, and decentral systems "
            "(split_ac, vrf, heat_pump, electric_boiler) are in the electric load; the heat pumps are not built")


def district_heat_buyers(prof: xr.Dataset) -> list[str]:
    """Names of the buildings that buy district heat (hvac type chiller_district_heat)."""
    if "building_hvac_type" not in prof:
        return []
    dh = np.isin(prof["building_hvac_type"].to_numpy(), list(DISTRICT_HEAT_HVAC))
    return [str(n) for n in prof["building"].to_numpy()[dh]]


def district_heat_area_m2(prof: xr.Dataset) -> float:
    """Heated floor area of the buildings that buy district heat [m2] (what an area-based fee is paid on)."""
    names = district_heat_buyers(prof)
    if not names or "building_floor_area_m2" not in prof:
        return 0.0
    return float(prof["building_floor_area_m2"].sel(building=names).sum())


def district_heat_of(sc: Scenario, prof: xr.Dataset, demand: np.ndarray | None, baseline: bool):
    """The :class:`solvers.DistrictHeat` tariff of the bought heat and the run's notes on it.

    ``demand``: the heat of the buildings that buy district heat over the horizon [kW]
    (:func:`district_heat_kw`). Returns ``(None, notes)`` where no building buys district heat or no
    price is given (the heat is then bought as before, its cost not included, which a note says).
    The baseline buys all of it (replacing district heat is a measure of the plan), unless the buildings
    are on the heat network already (``district_heat.on_network_today``: a pathway's periods after the
    first, whose park an earlier plan put there).
    """
    import solvers as S

    if demand is None:
        return None, []
    spec = sc.district_heat
    buyers = district_heat_buyers(prof)
    if spec is None or not spec.priced:
        return None, ([] if baseline else [district_heat_unpriced_note(buyers)])
    peak = _year_peak(prof, "year_peak_district_heat_kw", demand)
    contracted = peak if spec.contracted_kw is None else float(spec.contracted_kw)
    # the baseline buys all of it, unless the buildings are on the heat network already (a pathway's later periods)
    replaceable = spec.replaceable and (not baseline or spec.on_network_today)
    if not spec.replaceable and contracted < peak * (1 - 1e-9):
        from twin.run import UserInputError

        raise UserInputError(
            f"district_heat.contracted_kw: {contracted:,.0f} kW is below the year's peak of the buildings that buy "
            f"district heat ({peak:,.0f} kW) while replaceable is false (all of their heat is bought); raise "
            "contracted_kw, leave it out (the peak), or set replaceable: true so other heat covers the rest")
    area = district_heat_area_m2(prof)
    fixed = (spec.area_price_cny_per_m2_yr or 0.0) * area
    dh = S.DistrictHeat(price_cny_per_kwh=spec.energy_price_cny_per_kwh,
                        ef_kgco2_per_kwh=sc.accounting.heat_ef_tco2_per_gj * 3.6, replaceable=replaceable,
                        capacity_cny_per_kw_yr=spec.capacity_price_cny_per_kw_yr or 0.0, fixed_cny_per_yr=fixed,
                        min_kw=0.0, max_kw=contracted)
    notes = []
    if replaceable:
        notes.append(
            f"district heat may be replaced: the buildings that buy it ({', '.join(repr(b) for b in buyers)}) are "
            f"taken to be on the park's heat network, where district heat (at most {contracted:,.0f} kW contracted) "
            "is one source beside heat pumps, waste heat, boilers and thermal stores")
        if fixed > 0:
            notes.append(
                f"district heat's area-based fee ({fixed:,.0f} CNY/yr on {area:,.0f} m2) is paid whatever the metered "
                "use: it falls only if buildings leave the network, which the plan does not decide")
    return dh, notes


def district_heat_unpriced_note(buyers: list[str]) -> str:
    """The note of a run whose buildings buy district heat without a price: its cost is left out."""
    return (f"district heat cost not included: the buildings {', '.join(repr(b) for b in buyers)} buy district heat "
            "and the scenario gives no price (district_heat.energy_price_cny_per_gj, capacity_price_cny_per_kw_yr "
            "or area_price_cny_per_m2_yr); annual costs, NPV and comparisons leave the heat bill out, and the "
            "heat pumps cannot replace it")


def cold_store_frost_notes(sc: Scenario, prof: xr.Dataset) -> list[str]:
    """Chilled stores (cooling setpoint above 0 °C) whose air falls below 0 °C in the modelled hours because the
    building model heats a cold store only where ``setpoints.heating_c`` is given (a Harbin +2 °C store fell to
    -8 °C in January without a word)."""
    if "building_t_indoor_c" not in prof:
        return []
    from twin.components.buildings import cooling_setpoint_c

    out = []
    for spec in sc.buildings:
        if spec.type != "cold_store" or spec.setpoints.heating_c is not None or spec.hvac.type == "none":
            continue
        t_set = cooling_setpoint_c(spec)
        if t_set is None or t_set <= 0.0:
            continue
        t = prof["building_t_indoor_c"].sel(building=spec.name).to_numpy()
        cold = int((t < 0.0).sum())
        if cold:
            out.append(f"cold store '{spec.name}' (cooling setpoint {t_set:g} °C) falls below 0 °C in {cold:,d} of the "
                       f"modelled hours (lowest {float(t.min()):.1f} °C): a cold store is heated only where "
                       "setpoints.heating_c is given (e.g. 0 °C against frost; the heat then comes from its hvac "
                       "type at its heating efficiency)")
    return out


def chillers_idle_note(names: list[str]) -> str:
    """The note for chillers declared where no cooling is delivered through the park's cooling bus."""
    return (f"chillers {', '.join(repr(n) for n in names)} have nothing to cool: no building puts its cooling on "
            "the park's cooling bus (hvac type chiller_boiler or chiller_district_heat), and decentral systems "
            "(split_ac, vrf, heat_pump, electric_boiler) are in the electric load; the chillers are not built (a "
            "process's cooling is declared under process_cooling, with the chillers serving it)")


def first_hours(prof: xr.Dataset, hours: int | None) -> xr.Dataset:
    """The profiles of the first ``hours`` hours (all for None), remembering the full year's
    central heat and cooling peaks [kW] (attrs ``year_peak_heat_kw``, ``year_peak_cooling_kw``):
    existing plant implied for a demand (:func:`boilers_of`, :func:`chillers_of`) covers the
    year's peak, not the horizon's, and a winter quick look keeps the park's chillers."""
    if not hours or hours >= prof.sizes["time"]:
        return prof
    heat, cool = central_demands(prof)
    out = prof.isel(time=slice(0, hours))
    dh = district_heat_kw(prof)
    out.attrs = {**prof.attrs, "year_peak_heat_kw": float(heat.max()) if heat is not None else 0.0,
                 "year_peak_cooling_kw": float(cool.max()) if cool is not None else 0.0,
                 "year_peak_district_heat_kw": float(dh.max()) if dh is not None else 0.0}
    if "q_process_heat_demand_kw" in prof:
        out.attrs["year_peak_process_heat_kw"] = [
            float(x) for x in prof["q_process_heat_demand_kw"].max("time").to_numpy()]
    if "q_process_cooling_demand_kw" in prof:
        out.attrs["year_peak_process_cooling_kw"] = [
            float(x) for x in prof["q_process_cooling_demand_kw"].max("time").to_numpy()]
    return out


def _year_peak(prof: xr.Dataset, key: str, demand: np.ndarray) -> float:
    """The full year's peak of a central demand [kW] (:func:`first_hours`), else the horizon's."""
    return max(float(prof.attrs.get(key, 0.0)), float(demand.max()) if demand.size else 0.0)


def district_heat_kw(prof: xr.Dataset) -> np.ndarray | None:
    """Heat bought from the district network by buildings declared 'chiller_district_heat' [kW]."""
    if "building_hvac_type" not in prof:
        return None
    dh = np.isin(prof["building_hvac_type"].to_numpy(), list(DISTRICT_HEAT_HVAC))
    if not dh.any():
        return None
    sel = prof.isel(building=np.where(dh)[0])
    return (sel["building_q_heating_kw"] + sel["building_q_dhw_kw"]).sum("building").to_numpy()


#: Boiler fuels of the scenario mapped to rows of the ledger's fuel table
#: (:func:`twin.ledger.fuels.fuel_factor`), so optimiser and ledger use one factor.
BOILER_FUEL_KEYS = {"natural_gas": "natural_gas", "coal": "raw_coal", "oil": "fuel_oil", "biomass": "biomass"}

#: Efficiency of the gas boiler implied when central heat demand has no declared source [-].
IMPLIED_BOILER_EFFICIENCY = 0.92


def process_co2_t(sc: Scenario) -> float:
    """Industrial-process CO2 the scenario declares (``process_emissions``) [tCO2/yr]."""
    return float(sum(x.co2_t_per_yr for x in sc.process_emissions))


def fuel_price(sc: Scenario, fuel: str) -> float:
    """Price of a boiler fuel per kWh of fuel (NCV) [CNY/kWh] from the costs section."""
    if fuel == "natural_gas":
        return sc.costs.natural_gas_price_cny_per_kwh
    return sc.costs.fuel_prices_cny_per_kwh[fuel]


def existing_boiler(sc: Scenario, name: str, fuel: str, efficiency: float, kw: float, *, bus: str = "heat",
                    implied: bool = False):
    """An existing boiler of ``fuel`` at ``kw`` [kW] heat (no new capacity) on heat bus ``bus``, with
    the fuel's price and CO2 factor where it burns one: a declared fuel-fired boiler, the gas
    boiler implied for the network, or the existing supply of a process-heat demand."""
    import solvers as S
    from twin.ledger.fuels import fuel_factor

    fired = fuel != "electric"
    return S.Boiler(name=name, fuel=fuel, efficiency=efficiency,
                    fuel_price_cny_per_kwh=fuel_price(sc, fuel) if fired else 0.0,
                    ef_fuel_kgco2_per_kwh=fuel_factor(BOILER_FUEL_KEYS[fuel]).co2_kg_per_kwh if fired else 0.0,
                    max_kw=kw, existing_kw=kw, implied=implied, bus=bus)


def boilers_of(sc: Scenario, heat: np.ndarray, baseline: bool, year_peak_kw: float | None = None) -> list:
    """The :class:`solvers.Boiler` list: every declared boiler, of any fuel.

    Electric boilers are sized between ``min_kw`` and ``max_kw`` at ``costs.electric_boiler``;
    fuel-fired boilers are existing plant (the schema refuses new fuel-fired capacity).
    Each boiler supplies the bus of what it ``serves`` (:func:`heat_bus_of`). Only when the
    central heat bus has demand and no boiler serving the network is declared, an existing gas
    boiler covering the peak is implied (``Boiler.implied``; said so in the outputs): the
    year's peak ``year_peak_kw`` [kW] where given (a short horizon), else the horizon's.
    """
    import solvers as S

    out = []
    for bo in sc.boilers:
        bus = heat_bus_of(sc, bo.serves)
        if bo.fuel == "electric":
            out.append(S.Boiler(
                name=bo.name, fuel="electric", efficiency=bo.efficiency, cost=_cost(sc.costs.electric_boiler),
                min_kw=0.0 if baseline else bo.min_kw, max_kw=_limit(bo.existing_kw, bo.max_kw, baseline),
                existing_kw=bo.existing_kw, bus=bus))
        else:
            out.append(existing_boiler(sc, bo.name, bo.fuel, bo.efficiency, bo.existing_kw, bus=bus))
    peak = implied_boiler_kw(sc, heat, year_peak_kw)
    if peak > 0 and not sc.implied_plant.boiler.retired:
        out.append(existing_boiler(sc, "implied gas boiler", "natural_gas", IMPLIED_BOILER_EFFICIENCY, peak,
                                   implied=True))
    return out


def implied_boiler_kw(sc: Scenario, heat: np.ndarray, year_peak_kw: float | None = None) -> float:
    """Size of the gas boiler the twin implies for the heat network [kW]: the central heat's peak (the
    year's ``year_peak_kw`` where given, else the horizon's) where no declared boiler serves the network,
    else 0 (whether it has retired in a pathway period is :func:`boilers_of`'s to say)."""
    if any(bo.serves is None for bo in sc.boilers):
        return 0.0
    return max(float(heat.max()) if heat.size else 0.0, year_peak_kw or 0.0)


def heat_bus_of(sc: Scenario, serves: str | None) -> str:
    """The heat bus a boiler or heat pump serving ``serves`` supplies: the network (``"heat"``) for
    None or a process-heat demand at or below ``heat_supply_temperature_c``, else that demand's own
    bus (:func:`solvers.problem.process_heat_bus`)."""
    from solvers.problem import HEAT_BUS, process_heat_bus

    if serves is None:
        return HEAT_BUS
    d = next(d for d in sc.process_heat if d.name == serves)
    return HEAT_BUS if d.temperature_c <= sc.heat_supply_temperature_c else process_heat_bus(d.name)


def declared_supply(sc: Scenario, name: str) -> list:
    """The declared boilers with existing capacity that serve process heat ``name``: where there are
    any, they are its existing supply, beside the boiler of its ``existing_fuel`` (or
    ``existing_efficiency``) where the demand states one (a pathway period carries the boilers an
    earlier period built so)."""
    return [b for b in sc.boilers if b.serves == name and b.existing_kw > 0]


def network_boilers(sc: Scenario) -> list:
    """The declared boilers with existing capacity on the heat network (serving it, or a process-heat
    demand that joins it): the existing supply of a process-heat demand that joins the network and
    states none of its own (``existing_fuel``)."""
    from solvers.problem import HEAT_BUS

    return [b for b in sc.boilers if b.existing_kw > 0 and heat_bus_of(sc, b.serves) == HEAT_BUS]


def heat_supply_implied(sc: Scenario, name: str) -> bool:
    """Process heat ``name``'s existing supply is the implied natural-gas boiler: it states none
    (``existing_fuel``, ``existing_efficiency``), no declared boiler with existing capacity serves it, and
    where it joins the network, the network has none either (or ``keep_implied_supply`` keeps it)."""
    from solvers.problem import HEAT_BUS

    d = next(d for d in sc.process_heat if d.name == name)
    if d.states_supply or d.supply_retired:
        return False
    if d.keep_implied_supply:
        return True
    return not declared_supply(sc, name) and not (heat_bus_of(sc, name) == HEAT_BUS and network_boilers(sc))


def kept_supply_note(kind: str, name: str, unit: str, kw: float) -> str:
    """The note for a process demand's implied supply kept beside declared plant (``keep_implied_supply``)."""
    plant = "boilers" if kind == "heat" else "chillers"
    return (f"process {kind} '{name}' keeps its implied supply '{unit}' ({kw:,.0f} kW) beside the declared {plant} "
            f"with existing capacity that serve it (keep_implied_supply; in a pathway, what earlier periods built)")


def retired_supply_note(kind: str, name: str) -> str:
    """The note for a process demand whose supply today has retired (``supply_retired``, a pathway period)."""
    plant = "boilers and heat pumps with capacity, waste heat" if kind == "heat" else "chillers with capacity"
    return (f"today's supply of process {kind} '{name}' has retired (supply_retired, a pathway period): the declared "
            f"{plant} and what the plan builds serve it")


def retired_network_note(unit: str) -> str:
    """The note for the networks' implied boiler or chiller that has retired (``implied_plant.<unit>.retired``)."""
    if unit == "boiler":
        return ("the heat network's implied gas boiler has retired (implied_plant.boiler.retired, a pathway period): "
                "heat pumps, electric boilers, thermal stores and waste heat serve the network")
    return ("the chilled-water network's implied chiller has retired (implied_plant.chiller.retired, a pathway "
            "period): none of it stands, and the plan builds what the network needs at costs.chiller")


def joined_supply_note(name: str, boilers: list) -> str:
    """The note for a process-heat demand on the network served by the network's declared boilers."""
    kw = sum(b.existing_kw for b in boilers)
    return (f"process heat '{name}' joins the heat network and states no existing supply (existing_fuel): "
            f"the network's declared boilers ({kw:,.0f} kW) serve it, no boiler is implied for it")


def process_heat_of(sc: Scenario, prof: xr.Dataset, baseline: bool) -> tuple[list, list, list[str]]:
    """The process-heat demands, the boilers of their existing supply and the notes on them.

    Returns ``(demands, boilers, notes)``: a :class:`solvers.ProcessHeatDemand` per
    ``process_heat`` entry on its bus (:func:`heat_bus_of`); for each demand that states its supply
    (``existing_fuel`` or ``existing_efficiency``), an existing boiler of that fuel at its efficiency
    covering the year's peak [kW] (:func:`first_hours` keeps it for a short horizon), beside any declared
    boilers with existing capacity serving it (:func:`declared_supply`; a pathway period carries the
    boilers an earlier period built so); without one, those declared boilers, or, where there are none,
    a natural-gas boiler covering the peak, implied (kept beside declared boilers with
    ``keep_implied_supply``, as a pathway's later periods keep today's plant: :func:`heat_supply_implied`).
    A demand that joins the network without an ``existing_fuel`` of its own is served by the
    network's declared boilers where there are any (:func:`network_boilers`; a note says so): no
    boiler is implied for it beside them, which counted existing plant twice.
    """
    import solvers as S
    from solvers.problem import HEAT_BUS

    if not sc.process_heat:
        return [], [], []
    q = prof["q_process_heat_demand_kw"]
    peaks = prof.attrs.get("year_peak_process_heat_kw")
    demands, boilers, notes = [], [], []
    network = network_boilers(sc)
    for i, d in enumerate(sc.process_heat):
        kw = q.sel(process_heat=d.name).to_numpy().astype(float)
        bus = heat_bus_of(sc, d.name)
        demands.append(S.ProcessHeatDemand(name=d.name, demand_kw=kw, temperature_c=d.temperature_c, bus=bus))
        if d.supply_retired:  # a pathway period after today's supply of the demand retired
            notes.append(retired_supply_note("heat", d.name))
            continue
        keep = d.keep_implied_supply and not d.states_supply
        if declared_supply(sc, d.name) and not d.states_supply and not keep:
            continue
        if bus == HEAT_BUS and d.existing_fuel is None and network and not keep:
            # it joins the network: the network's declared boilers are its supply, not another one implied
            notes.append(joined_supply_note(d.name, network))
            continue
        peak = max(float(kw.max()) if kw.size else 0.0, float(peaks[i]) if peaks else 0.0)
        if peak <= 0:
            continue
        eff = d.supply_efficiency
        boilers.append(existing_boiler(sc, f"{d.name} boiler", d.supply_fuel, eff, peak, bus=heat_bus_of(sc, d.name),
                                       implied=d.existing_fuel is None))
        if keep and (declared_supply(sc, d.name) or (bus == HEAT_BUS and network)):
            notes.append(kept_supply_note("heat", d.name, f"{d.name} boiler", peak))
        elif d.existing_fuel is None:
            notes.append(f"boiler '{d.name} boiler' ({peak:,.0f} kW, natural gas, efficiency {eff:.2f}) is implied: "
                         f"process heat '{d.name}' states no existing supply (existing_fuel) and no boiler serves it, "
                         "so its existing plant is taken to be a gas boiler covering its peak")
    return demands, boilers, notes


def thermal_stores_of(sc: Scenario, baseline: bool) -> list:
    """The :class:`solvers.ThermalStorage` list: every declared thermal store, each at its own
    ``cost`` or else ``costs.thermal_storage``."""
    import solvers as S

    return [S.ThermalStorage(name=ts.name, cost=_cost(ts.cost or sc.costs.thermal_storage),
                             loss_per_h=ts.loss_fraction_per_h,
                             max_power_per_kwh=min(ts.charge_kw_per_kwh, ts.discharge_kw_per_kwh),
                             min_kwh=0.0 if baseline else ts.min_kwh,
                             max_kwh=_limit(ts.existing_kwh, ts.capacity_limit_kwh(), baseline),
                             existing_kwh=ts.existing_kwh)
            for ts in sc.thermal_stores]


def batteries_of(sc: Scenario, baseline: bool) -> list:
    """The :class:`solvers.Battery` list: every declared battery, each at its own ``energy_cost``
    and ``power_cost`` or else ``costs.battery_energy`` and ``costs.battery_power``; the wear
    cost is derived from the battery's energy capex unless given."""
    import solvers as S

    out = []
    for b in sc.batteries:
        e_cost = b.energy_cost or sc.costs.battery_energy
        p_cost = b.power_cost or sc.costs.battery_power
        out.append(S.Battery(
            name=b.name, energy_cost=_cost(e_cost), power_cost=_cost(p_cost),
            eta_charge=b.charge_efficiency, eta_discharge=b.discharge_efficiency,
            soc_min=b.soc_min, soc_max=b.soc_max,
            initial_soc=b.soc_initial,  # used where the battery does not close a cycle
            c_rate_max=b.c_rate_max, self_discharge_per_h=b.self_discharge_per_h,
            degradation_cny_per_kwh=b.degradation_cost(0.0 if e_cost is None else e_cost.capex_cny_per_unit),
            min_kwh=0.0 if baseline else b.min_kwh, max_kwh=_limit(b.existing_kwh, b.max_kwh, baseline),
            min_kw=0.0 if baseline else b.min_kw, max_kw=_limit(b.existing_kw, b.max_kw, baseline),
            existing_kwh=b.existing_kwh, existing_kw=b.existing_kw))
    return out


def chillers_of(sc: Scenario, prof: xr.Dataset, cool: np.ndarray, baseline: bool) -> list:
    """The :class:`solvers.Chiller` list: every declared chiller, electric or absorption, on the
    cooling bus of what it ``serves`` (:func:`cooling_bus_of`).

    Electric chillers cost ``costs.chiller``; absorption chillers ``costs.absorption_chiller``
    and without it are existing plant only.  Where the buildings put cooling on the network and no
    declared chiller supplies the network, the existing plant is taken to be an electric chiller
    covering the buildings' peak (``Chiller.implied``).
    """
    import solvers as S
    from solvers.problem import COOL_BUS
    from twin.components.heat import chiller_cop, ice_making_cop

    temp = prof["weather_temp_air"].to_numpy()
    out = []
    for ch in sc.chillers:
        cop = np.asarray(ch.cop(temp), dtype=float) * np.ones(len(temp))
        ice_cop = None
        if ch.makes_ice and ch.kind == "electric":
            ice_cop = np.asarray(ice_making_cop(ch, temp, ice_charge_temperature_c(sc, cooling_bus_of(sc, ch.serves))),
                                 dtype=float) * np.ones(len(temp))
        if ch.kind == "electric":
            cost, hi = _cost(sc.costs.chiller), _limit(ch.existing_kw, ch.max_kw, baseline)
        else:
            priced = sc.costs.absorption_chiller is not None
            cost = _cost(sc.costs.absorption_chiller)
            hi = _limit(ch.existing_kw, ch.max_kw, baseline) if priced else ch.existing_kw
        out.append(S.Chiller(cop=cop, cost=cost, min_kw=0.0 if baseline else ch.min_kw, max_kw=hi,
                             existing_kw=ch.existing_kw, name=ch.name, kind=ch.kind,
                             bus=cooling_bus_of(sc, ch.serves), ice_cop=ice_cop,
                             ice_capacity_ratio=ch.ice_capacity_ratio))
    peak = _year_peak(prof, "year_peak_cooling_kw", cool)
    if not any(c.bus == COOL_BUS for c in out) and peak > 0:
        # retired (a pathway period): none of it stands, the plan rebuilds what the network needs at costs.chiller
        kw = 0.0 if sc.implied_plant.chiller.retired else peak
        out.append(S.Chiller(cop=np.asarray(chiller_cop(temp), dtype=float), cost=_cost(sc.costs.chiller),
                             max_kw=_limit(kw, None, baseline), existing_kw=kw,
                             name="implied chiller", implied=True))
    return out


def ice_charge_temperature_c(sc: Scenario, bus: str) -> float:
    """Brine temperature the chillers of cooling bus ``bus`` make ice at [°C]: the ``charge_temperature_c``
    of the bus's ice stores (one per bus, a schema check), the field's default where it has none."""
    from twin.components.heat import ColdStorageSpec

    for cs in sc.cold_stores:
        if cs.kind == "ice" and cooling_bus_of(sc, cs.serves) == bus:
            return float(cs.charge_temperature_c)
    return float(ColdStorageSpec.model_fields["charge_temperature_c"].default)


def cold_stores_of(sc: Scenario, baseline: bool) -> list:
    """The :class:`solvers.ColdStorage` list: every declared cold store on its cooling bus
    (:func:`cooling_bus_of` of what it ``serves``), each at its own ``cost`` or else
    ``costs.chilled_water_storage`` / ``costs.ice_storage`` by kind; the baseline keeps the existing
    capacity only."""
    import solvers as S

    out = []
    for cs in sc.cold_stores:
        own = cs.cost or (sc.costs.chilled_water_storage if cs.kind == "chilled_water" else sc.costs.ice_storage)
        out.append(S.ColdStorage(
            name=cs.name, kind=cs.kind, bus=cooling_bus_of(sc, cs.serves), cost=_cost(own),
            loss_per_h=cs.loss_per_h, charge_per_kwh=cs.charge_kw_per_kwh, discharge_per_kwh=cs.discharge_kw_per_kwh,
            max_charge_kw=float("inf") if cs.max_charge_kw is None else float(cs.max_charge_kw),
            max_discharge_kw=float("inf") if cs.max_discharge_kw is None else float(cs.max_discharge_kw),
            min_kwh=0.0 if baseline else cs.min_kwh, max_kwh=_limit(cs.existing_kwh, cs.capacity_limit_kwh(), baseline),
            existing_kwh=cs.existing_kwh))
    return out


def cooling_bus_of(sc: Scenario, serves: str | None) -> str:
    """The cooling bus a chiller serving ``serves`` supplies: the chilled-water network (``"cool"``)
    for None or a process-cooling demand at the network's temperature
    (:func:`twin.scenario.schema.joins_cooling_network`), else that demand's own loop
    (:func:`solvers.problem.process_cooling_bus`)."""
    from solvers.problem import COOL_BUS, process_cooling_bus
    from twin.scenario.schema import joins_cooling_network

    if serves is None:
        return COOL_BUS
    d = next(d for d in sc.process_cooling if d.name == serves)
    return COOL_BUS if joins_cooling_network(sc, d.temperature_c) else process_cooling_bus(d.name)


def declared_cooling_supply(sc: Scenario, name: str) -> list:
    """The declared chillers with existing capacity that serve process cooling ``name``: where there
    are any, they are its existing supply (and its ``existing_cop`` is not used)."""
    return [c for c in sc.chillers if c.serves == name and c.existing_kw > 0]


def network_chillers(sc: Scenario) -> list:
    """The declared chillers with existing capacity on the chilled-water network (serving it, or a
    process-cooling demand that joins it): the existing supply of a joining demand that states no
    ``existing_cop`` of its own."""
    from solvers.problem import COOL_BUS

    return [c for c in sc.chillers if c.existing_kw > 0 and cooling_bus_of(sc, c.serves) == COOL_BUS]


def cooling_supply_implied(sc: Scenario, name: str) -> bool:
    """Process cooling ``name``'s existing supply is the implied air-cooled chiller: it states none
    (``existing_cop``), no declared chiller with existing capacity serves it, and where it joins the network,
    the network has none either (or ``keep_implied_supply`` keeps it)."""
    from solvers.problem import COOL_BUS

    d = next(d for d in sc.process_cooling if d.name == name)
    if d.existing_cop is not None or d.supply_retired:
        return False
    if d.keep_implied_supply:
        return True
    return not declared_cooling_supply(sc, name) and not (cooling_bus_of(sc, name) == COOL_BUS
                                                          and network_chillers(sc))


def joined_cooling_note(name: str, chillers: list) -> str:
    """The note for a process-cooling demand on the network served by the network's declared chillers."""
    kw = sum(c.existing_kw for c in chillers)
    return (f"process cooling '{name}' joins the chilled-water network and states no existing supply "
            f"(existing_cop): the network's declared chillers ({kw:,.0f} kW) serve it, no chiller is implied "
            "for it")


def implied_cooling_note(name: str, chiller: str, kw: float, temperature_c: float, mean_cop: float) -> str:
    """The note for the chiller implied as a process-cooling demand's existing supply."""
    return (f"chiller '{chiller}' ({kw:,.0f} kW, electric, air-cooled, chilled water {temperature_c:g} °C, mean COP "
            f"{mean_cop:.2f} over the horizon) is implied: process cooling '{name}' states no existing supply "
            "(existing_cop) and no chiller serves it, so its existing plant is taken to be an air-cooled chiller "
            "covering its peak, its COP from the Carnot model (ASSUMED); give existing_cop for the plant's own")


def process_cooling_of(sc: Scenario, prof: xr.Dataset, baseline: bool) -> tuple[list, list, list[str]]:
    """The process-cooling demands, the chillers of their existing supply and the notes on them.

    Returns ``(demands, chillers, notes)``: a :class:`solvers.ProcessCoolingDemand` per
    ``process_cooling`` entry on its bus (:func:`cooling_bus_of` of its own name); for each demand with an
    ``existing_cop``, an existing electric chiller at that constant COP covering the year's peak [kW]
    (:func:`first_hours` keeps it for a short horizon), not to be enlarged (no cost), beside any declared
    chillers with existing capacity serving it (:func:`declared_cooling_supply`; a pathway period carries
    the chillers an earlier period built so); without one, those declared chillers, or, where there are
    none, an air-cooled chiller at the demand's temperature (``Chiller.implied``, the Carnot-based
    :func:`twin.components.heat.chiller_cop`, a note says so; kept beside declared chillers with
    ``keep_implied_supply``, as a pathway's later periods keep today's plant: :func:`cooling_supply_implied`). A demand that joins the network
    without an ``existing_cop`` of its own is served by the network's declared chillers where there are
    any (:func:`network_chillers`; a note says so). The baseline's electricity for a demand on its
    own loop supplied at ``existing_cop`` alone is therefore its hourly cooling / that COP.
    """
    import solvers as S
    from solvers.problem import COOL_BUS
    from twin.components.heat import chiller_cop

    if not sc.process_cooling:
        return [], [], []
    q = prof["q_process_cooling_demand_kw"]
    peaks = prof.attrs.get("year_peak_process_cooling_kw")
    temp = prof["weather_temp_air"].to_numpy()
    demands, chillers, notes = [], [], []
    network = network_chillers(sc)
    for i, d in enumerate(sc.process_cooling):
        kw = q.sel(process_cooling=d.name).to_numpy().astype(float)
        bus = cooling_bus_of(sc, d.name)
        demands.append(S.ProcessCoolingDemand(name=d.name, demand_kw=kw, temperature_c=d.temperature_c, bus=bus))
        if d.supply_retired:  # a pathway period after today's supply of the demand retired
            notes.append(retired_supply_note("cooling", d.name))
            continue
        keep = d.keep_implied_supply and d.existing_cop is None
        if declared_cooling_supply(sc, d.name) and d.existing_cop is None and not keep:
            continue
        if bus == COOL_BUS and d.existing_cop is None and network and not keep:
            notes.append(joined_cooling_note(d.name, network))
            continue
        peak = max(float(kw.max()) if kw.size else 0.0, float(peaks[i]) if peaks else 0.0)
        if peak <= 0:
            continue
        name = f"{d.name} chiller"
        if d.existing_cop is not None:
            cop = np.full(len(temp), float(d.existing_cop))
        else:
            cop = np.asarray(chiller_cop(temp, d.temperature_c), dtype=float) * np.ones(len(temp))
            if keep and (declared_cooling_supply(sc, d.name) or (bus == COOL_BUS and network)):
                notes.append(kept_supply_note("cooling", d.name, name, peak))
            else:
                notes.append(implied_cooling_note(d.name, name, peak, d.temperature_c, float(cop.mean())))
        chillers.append(S.Chiller(cop=cop, max_kw=peak, existing_kw=peak, name=name, bus=bus,
                                  implied=d.existing_cop is None))
    return demands, chillers, notes


def build_problem(sc: Scenario, prof: xr.Dataset, *, baseline: bool = False, objective: str | None = None):
    """The :class:`solvers.SizingProblem` of a scenario.

    Parameters
    ----------
    sc : Scenario
    prof : xarray.Dataset
        Output of :func:`twin.profiles.build_profiles`.
    baseline : bool
        Existing assets only (no new capacity), EVs uncontrolled, no offsets, certificates
        or green power.
    objective : str, optional
        Override of the scenario's objective kind.
    """
    import solvers as S

    T = prof.sizes["time"]
    month = prof["time"].dt.month.to_numpy()
    g = sc.grid
    grid = S.GridConnection(
        price_import_cny_per_kwh=prof["price_import_cny_per_kwh"].to_numpy(),
        ef_grid_kgco2_per_kwh=prof["ef_grid_kgco2_per_kwh"].to_numpy(),
        price_export_cny_per_kwh=g.export_price_cny_per_kwh,
        import_limit_kw=g.import_limit_kw,
        export_limit_kw=g.export_limit_kw,
        demand_charge_cny_per_kw_month=g.demand_charge_cny_per_kw_month,
        month=month,
        # the ledger's rule (accounting.export_credit), so optimiser and ledger credit exports alike
        credit_export_emissions=sc.accounting.export_credit == "net_at_grid_factor",
        # a short horizon stands for the year: its months' demand charges count 12/months times,
        # as its energy counts 8760/T times
        demand_charge_months_per_month=1.0 if T >= 8760 else 12.0 / len(np.unique(month)),
    )
    pv = []
    for a in sc.pv_arrays:
        pv.append(S.PVArray(
            name=a.name, ac_per_kwp=prof["pv_ac_per_kwp"].sel(pv_array=a.name).to_numpy(),
            min_kwp=a.existing_kwp if baseline else max(a.min_kwp, a.existing_kwp),
            max_kwp=_limit(a.existing_kwp, a.capacity_limit_kwp(), baseline),
            existing_kwp=a.existing_kwp, cost=_cost(sc.costs.pv)))
    batteries = batteries_of(sc, baseline)

    heat, cool = central_demands(prof)
    waste, hps, boilers, tes, implied = [], [], [], [], []
    process, process_boilers, process_notes = process_heat_of(sc, prof, baseline)
    if heat is not None or sc.heat_pumps or sc.waste_heat or process:
        from twin.components.heat import direct_use_possible, hot_shares

        heat = np.zeros(T) if heat is None else heat
        hot = [d for d in process if d.bus != "heat"]
        bus_c = {"heat": sc.heat_supply_temperature_c, **{d.bus: d.temperature_c for d in hot}}
        for i, w in enumerate(sc.waste_heat):
            avail = prof["q_waste_heat_available_kw"].sel(waste_heat=w.name).to_numpy()
            direct_use = bool(direct_use_possible(w.temperature_c, sc.heat_supply_temperature_c))
            # a process-heat bus of its own only where the source is hot enough for its temperature
            direct_buses = tuple(d.bus for d in hot if direct_use_possible(w.temperature_c, d.temperature_c))
            fed = (["heat"] if direct_use else []) + list(direct_buses)
            waste.append(S.WasteHeatSource(
                name=w.name, available_kw=avail, direct_use=direct_use, direct_buses=direct_buses,
                # a stream cooled to its outlet temperature: only its part above a bus's temperature
                hot_share=hot_shares(w.temperature_c, w.outlet_temperature_c, {b: bus_c[b] for b in fed}),
                hx_cost=_cost(sc.costs.waste_heat_exchanger),
                max_hx_kw=0.0 if baseline else float("inf")))
        for hp in sc.heat_pumps:
            hps.append(S.HeatPump(
                name=hp.name, cop=prof["heat_pump_cop"].sel(heat_pump=hp.name).to_numpy(),
                avail=_capacity_factor(prof, hp.name),
                source=None if hp.source == "air" else hp.source, cost=_cost(sc.costs.heat_pump),
                min_kw=0.0 if baseline else hp.min_kw, max_kw=_limit(hp.existing_kw, hp.max_kw, baseline),
                existing_kw=hp.existing_kw, bus=heat_bus_of(sc, hp.serves)))
        boilers = boilers_of(sc, heat, baseline, _year_peak(prof, "year_peak_heat_kw", heat))
        implied = [b for b in boilers if b.implied]  # the network's (process heat's have notes of their own)
        boilers += process_boilers
        tes = thermal_stores_of(sc, baseline)
    # the park's chillers stand in a winter quick look too (existing plant, idle there)
    cooling, process_chillers, cooling_notes = process_cooling_of(sc, prof, baseline)
    on_network = cool is not None and (cool.max() > 0 or sc.chillers or prof.attrs.get("year_peak_cooling_kw", 0.0) > 0)
    chillers = []
    if on_network or cooling:
        cool = np.zeros(T) if cool is None else cool
        chillers = chillers_of(sc, prof, cool, baseline) + process_chillers
    cold = cold_stores_of(sc, baseline) if chillers else []

    fleets = []
    for f in sc.ev_fleets:
        sel = prof.sel(ev_fleet=f.name)
        mode = "uncontrolled" if baseline else f.mode
        # the share of bidirectional chargers behind the simulated discharge envelope
        share = f.n_bidirectional / f.n_chargers if f.n_chargers else 0.0
        v2g_cost = (_cost(sc.costs.v2g_charger_extra)
                    if mode == "v2g" and share > 0 and sc.costs.v2g_charger_extra is not None else None)
        fleets.append(S.EVFleet(
            name=f.name, p_uncontrolled_kw=sel["ev_p_uncontrolled_kw"].to_numpy(),
            p_charge_max_kw=sel["ev_p_charge_max_kw"].to_numpy(),
            e_cum_min_kwh=ev_lower_envelope(sel), e_cum_max_kwh=sel["ev_e_cum_max_kwh"].to_numpy(),
            p_discharge_max_kw=sel["ev_p_discharge_max_kw"].to_numpy() if mode == "v2g" else None,
            p_charge_min_kw=sel["ev_p_charge_min_kw"].to_numpy() if "ev_p_charge_min_kw" in sel else None,
            eta_charge=float(sel["ev_eta_charge"]), eta_discharge=float(sel["ev_eta_discharge"]),
            v2g_degradation_cny_per_kwh=float(sel["ev_v2g_degradation_cost_cny_per_kwh"]), mode=mode,
            chargers=float(f.n_chargers), v2g_share=share, v2g_charger_cost=v2g_cost))

    c = sc.carbon
    carbon = S.Carbon(
        carbon_price_cny_per_t=c.carbon_price_cny_per_t,
        process_co2_t=process_co2_t(sc),
        offset_price_cny_per_t=c.offset_price_cny_per_t,
        offset_max_share=1.0 if c.max_offset_share is None else c.max_offset_share,
        offset_share_basis="gross",  # carbon.max_offset_share caps offsets as a share of gross emissions
        certificate_price_cny_per_mwh=c.green_certificate_price_cny_per_mwh,
        certificate_max_mwh=0.0 if baseline else c.max_green_certificates_mwh,
        green_power_premium_cny_per_mwh=c.green_power_premium_cny_per_mwh,
        green_power_max_mwh=0.0 if baseline else c.max_green_power_mwh,
        max_net_emissions_t=None,
        max_residual_emissions_t=None if baseline else sc.objective.max_residual_emissions_t,
    )
    notes = [f"boiler '{b.name}' ({b.existing_kw:,.0f} kW, natural gas) is implied: the central heat demand has "
             "no declared boiler, so the existing plant is taken to be a gas boiler covering the peak"
             for b in implied]
    notes += process_notes
    notes += [f"chiller '{c.name}' ({c.existing_kw:,.0f} kW, electric) is implied: the cooling demand has no "
              "declared chiller, so the existing plant is taken to be an electric chiller covering the peak"
              for c in chillers if c.implied and not any(c is x for x in process_chillers)
              and not sc.implied_plant.chiller.retired]
    if (sc.implied_plant.boiler.retired and heat is not None
            and implied_boiler_kw(sc, heat, _year_peak(prof, "year_peak_heat_kw", heat)) > 0):
        notes.append(retired_network_note("boiler"))
    if sc.implied_plant.chiller.retired and any(c.implied and c.name == "implied chiller" for c in chillers):
        notes.append(retired_network_note("chiller"))
    notes += cooling_notes
    from solvers.problem import HEAT_BUS

    heat_import = district_heat_kw(prof)
    district, dh_notes = district_heat_of(sc, prof, heat_import, baseline)
    notes += dh_notes
    on_network = [h.name for h in hps if h.bus == HEAT_BUS]
    if (not baseline and on_network and not any(c.kind == "absorption" for c in sc.chillers)
            and not any(d.bus == HEAT_BUS for d in process)
            and _year_peak(prof, "year_peak_heat_kw", heat) <= 0.0
            and not (district is not None and district.replaceable)):
        # an Urumqi office park declared air-source heat pumps beside district heat: sized 0 unsaid;
        # a process-heat demand on the network (a Xiamen factory's 55 °C dormitory hot water) is heat
        # to deliver, and a heat pump serving a hotter demand has that demand's own bus
        notes.append(heat_pumps_idle_note(on_network))
    if not baseline and sc.chillers and not chillers:
        # a Xiamen factory's declared 3 MW process chiller beside vrf/split buildings: dropped unsaid
        notes.append(chillers_idle_note([c.name for c in sc.chillers]))
    if not baseline and sc.costs.waste_heat_exchanger is None and any(w.direct_use for w in waste):
        notes.append("waste-heat exchangers are sized at no cost (costs.waste_heat_exchanger not given): their "
                     "investment is not in the capex and cost totals")
    for f in fleets:
        if f.mode != "uncontrolled" and f.p_charge_min_kw is not None and float(np.sum(f.p_charge_min_kw)) > 0:
            notes.append(
                f"EV fleet '{f.name}': the sizing holds its charging in each hour between what its vehicles' "
                f"sessions force ({float(np.sum(f.p_charge_min_kw)) * 1e-3:,.1f} MWh in the horizon: vehicles with "
                "less than an hour of laxity, such as those plugging in late after a wait for a charger) and what "
                "the connected vehicles can take (each within its charger's power and its need), not only within "
                "the fleet's aggregate envelope")
    if not baseline:
        notes += [unserved_sessions_note(f.name, prof.sel(ev_fleet=f.name)) for f in sc.ev_fleets]
        notes += [dropped_trips_note(f.name, prof.sel(ev_fleet=f.name)) for f in sc.ev_fleets]
        notes += cold_store_frost_notes(sc, prof)
        notes = [n for n in notes if n]
    n_months = len(np.unique(month))
    if T < 8760:
        notes.append(
            f"short horizon of {T} h: energy, fuel and carbon are scaled to a year (each hour counts "
            f"{8760.0 / T:.4g} times) and the demand charge of each of its {n_months} month(s) counts "
            f"{12.0 / n_months:.4g} times; sizes from a short horizon are a quick look, not a plan")
    kind = objective or sc.objective.kind
    if baseline:
        kind = "min_cost"
    return S.SizingProblem(
        dt_h=1.0, electric_load_kw=electric_load_kw(sc, prof), grid=grid,
        time=prof["time"].to_numpy(), pv=pv,
        # a shorter horizon stands for the whole year (quick looks): each step weighs 8760/T
        weights=None if T >= 8760 else np.full(T, 8760.0 / T), batteries=batteries,
        heat_demand_kw=heat if (heat is not None and (hps or waste or boilers)) else None,
        process_heat=process, waste_heat=waste, heat_pumps=hps, boilers=boilers, thermal_stores=tes,
        cooling_demand_kw=cool if chillers else None, chillers=chillers, process_cooling=cooling, cold_stores=cold,
        ev_fleets=fleets, carbon=carbon, discount_rate=sc.costs.discount_rate,
        heat_import_kw=heat_import,
        # the ledger's factor (tCO2/GJ × 3.6 GJ/MWh = kgCO2/kWh): bought heat's CO2 is in gross emissions
        ef_heat_import_kgco2_per_kwh=sc.accounting.heat_ef_tco2_per_gj * 3.6, district_heat=district, notes=notes,
        capex_budget_cny=None if baseline else sc.objective.capex_budget_cny,
        objective=kind, pareto_points=sc.objective.pareto_points,
    )


def fix_sizes(problem, sizes: dict):
    """A copy of ``problem`` with its sizes pinned to ``sizes``: :func:`solvers.transform.with_fixed_sizes`
    (kept under this name for callers of the representative-day mode)."""
    from solvers.transform import with_fixed_sizes

    return with_fixed_sizes(problem, sizes)
