"""Annual statistics of a dispatch: each annual quantity is computed here, once.

The ledger (``twin.ledger``), the summary (``twin.results.summary``, ``summary.json``)
and the report read these numbers; none of them sums an hourly flow again.

Annual sums weight each step by the hours it stands for (Δt = 1 h per step for the
8760-step year; 8760/T for a quick look of T hours; cluster sizes for representative
days): ``E = Σ_t x_t · w_t`` [kWh for kW].

Two shares that are easily confused have different names:

``pv_share_of_electricity``
    on-site PV electricity used in the park / electricity used in the park
    (kWh / kWh; both hourly, see :func:`electricity_origin_kw`: PV exported from
    the battery or V2G is exported, not used);
``renewable_share`` (ledger, :func:`renewable_share_tce`)
    renewable energy (PV used on site + green power and certificates credited) / total
    energy consumption, on the tce basis of the accounting settings (tce / tce);
``onsite_renewable_share`` (ledger) is the same without green power and certificates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

_FUEL_RE = re.compile(r"^fuel_(\w+)_kw$")


@dataclass(frozen=True)
class Flow:
    """An hourly flow and the names of its annual energy.

    Attributes
    ----------
    key : str
        Annual key in the ledger's accounts [kWh/yr], e.g. ``e_grid_import_kwh``.
    var : str
        Hourly dispatch variable [kW] (docs/architecture.md), e.g. ``p_grid_import_kw``.
    summary_key : str
        Key in ``summary.json``'s ``energy_mwh`` [MWh/yr], e.g. ``grid_import``.
    """

    key: str
    var: str
    summary_key: str


#: The park's whole heat demand [kW]: the buildings' heat on the network, every process-heat demand
#: and the heat of the buildings that buy district heat (on the network where it may be replaced,
#: bought as it is otherwise) (a ``+`` joins dispatch variables whose sum is the flow, :func:`flow`).
HEAT_DEMAND = "q_heat_demand_kw+q_process_heat_demand_kw+q_district_heat_demand_kw"

#: The park's whole cooling demand [kW]: the buildings' cooling on the chilled-water network and every
#: process-cooling demand (on the network or on a loop of its own).
COOLING_DEMAND = "q_cooling_demand_kw+q_process_cooling_demand_kw"

#: Every hourly flow with an annual energy, in the order of summary.json's ``energy_mwh``.
FLOWS: tuple[Flow, ...] = (
    Flow("e_grid_import_kwh", "p_grid_import_kw", "grid_import"),
    Flow("e_grid_export_kwh", "p_grid_export_kw", "grid_export"),
    Flow("e_pv_generated_kwh", "p_pv_kw", "pv_generation"),
    Flow("e_pv_curtailed_kwh", "p_pv_curtailed_kw", "pv_curtailed"),
    Flow("e_fixed_load_kwh", "p_load_kw", "fixed_electric_load"),
    Flow("e_battery_charge_kwh", "p_battery_charge_kw", "battery_charge"),
    Flow("e_battery_discharge_kwh", "p_battery_discharge_kw", "battery_discharge"),
    Flow("e_ev_charge_kwh", "p_ev_charge_kw", "ev_charging"),
    Flow("e_v2g_kwh", "p_ev_discharge_kw", "v2g_discharge"),
    Flow("e_heat_pump_kwh", "p_heat_pump_kw", "heat_pump_electricity"),
    Flow("q_heat_pump_kwh", "q_heat_pump_kw", "heat_pump_heat"),
    Flow("q_waste_heat_direct_kwh", "q_waste_heat_direct_kw", "waste_heat_direct"),
    Flow("q_waste_heat_to_heat_pump_kwh", "q_waste_heat_source_kw", "waste_heat_to_heat_pumps"),
    Flow("e_electric_boiler_kwh", "p_electric_boiler_kw", "electric_boiler_electricity"),
    Flow("q_electric_boiler_kwh", "q_electric_boiler_kw", "electric_boiler_heat"),
    Flow("q_gas_boiler_kwh", "q_gas_boiler_kw", "gas_boiler_heat"),
    Flow("q_coal_boiler_kwh", "q_coal_boiler_kw", "coal_boiler_heat"),
    Flow("q_oil_boiler_kwh", "q_oil_boiler_kw", "oil_boiler_heat"),
    Flow("q_biomass_boiler_kwh", "q_biomass_boiler_kw", "biomass_boiler_heat"),
    Flow("q_absorption_heat_kwh", "q_absorption_heat_kw", "absorption_chiller_heat"),
    Flow("q_heat_import_kwh", "q_heat_import_kw", "heat_import"),
    Flow("q_tes_charge_kwh", "q_tes_charge_kw", "thermal_storage_charge"),
    Flow("q_tes_discharge_kwh", "q_tes_discharge_kw", "thermal_storage_discharge"),
    # all heat demand: the buildings' (heat network) and the process heat (network and own buses)
    Flow("q_heat_demand_kwh", HEAT_DEMAND, "heat_demand"),
    Flow("q_process_heat_demand_kwh", "q_process_heat_demand_kw", "process_heat_demand"),
    # all cooling demand: the buildings' (chilled-water network) and the process cooling (network and own loops)
    Flow("q_cooling_demand_kwh", COOLING_DEMAND, "cooling_demand"),
    Flow("q_process_cooling_demand_kwh", "q_process_cooling_demand_kw", "process_cooling_demand"),
    Flow("e_chiller_kwh", "p_chiller_kw", "chiller_electricity"),
    Flow("q_chiller_kwh", "q_chiller_kw", "chiller_cooling"),
    # cold stores (chilled water, ice) and the chillers' ice making (its electricity is part of the chillers')
    Flow("q_cold_charge_kwh", "q_cold_charge_kw", "cold_storage_charge"),
    Flow("q_cold_discharge_kwh", "q_cold_discharge_kw", "cold_storage_discharge"),
    Flow("q_ice_making_kwh", "q_ice_making_kw", "ice_making"),
    Flow("e_ice_making_kwh", "p_ice_making_kw", "ice_making_electricity"),
)

#: Electric uses that make up the park's electric demand (peak demand, hourly demand).
ELECTRIC_USES = ("p_load_kw", "p_ev_charge_kw", "p_heat_pump_kw", "p_electric_boiler_kw", "p_chiller_kw")


def flow(ds: xr.Dataset, name: str) -> xr.DataArray:
    """Hourly flow summed over asset dimensions; zeros when the variable is absent [kW].

    Parameters
    ----------
    ds : xarray.Dataset
        Dispatch with dimension ``time``.
    name : str
        Variable name from the architecture contract (e.g. ``p_pv_kw``), or names joined by ``+``
        for their sum (:data:`HEAT_DEMAND`).
    """
    if "+" in name:
        parts = [flow(ds, n) for n in name.split("+")]
        return sum(parts[1:], parts[0]).rename(name)
    if name not in ds:
        return xr.zeros_like(ds["time"], dtype=float).rename(name)
    da = ds[name].astype(float)
    other = [d for d in da.dims if d != "time"]
    return (da.sum(other) if other else da).rename(name)


def step_weights(ds: xr.Dataset, step_weight_h: float | np.ndarray | None = None) -> xr.DataArray:
    """Duration each time step stands for in the annual sums [h].

    ``None`` → a ``weight_h`` variable of the dispatch if present, else 1 h per step
    (the 8760-step typical year of the contract).
    """
    if step_weight_h is None:
        if "weight_h" in ds:
            return ds["weight_h"].astype(float)
        return xr.ones_like(ds["time"], dtype=float)
    w = np.broadcast_to(np.asarray(step_weight_h, dtype=float), (ds.sizes["time"],))
    return xr.DataArray(w, dims="time", coords={"time": ds["time"]})


def year_weight_h(n_steps: int) -> float:
    """Hours of the year each of ``n_steps`` hourly steps stands for: 8760/T [h].

    A horizon of T < 8760 hours is scaled to a year, as the optimiser's annual costs are.
    """
    return 8760.0 / n_steps


def annual_energy_kwh(da: xr.DataArray, w: xr.DataArray) -> float:
    """Σ_t da_t · w_t of an hourly power [kW] summed over assets → [kWh/yr]."""
    other = [d for d in da.dims if d != "time"]
    x = da.sum(other) if other else da
    return float((x.astype(float) * w).sum())


#: Time constant of the EV fleet's energy memory for V2G's origin [h]: a vehicle's
#: battery turns over about once a day.
EV_ORIGIN_MEMORY_H = 24.0


def electricity_origin_kw(ds: xr.Dataset) -> xr.Dataset:
    """Where the park's PV and grid electricity go, hour by hour [kW].

    Each hour's sources (PV, battery discharge, V2G, grid import) are allotted to its sinks
    in a fixed order: PV serves the park's electric demand first (loads, EV charging, heat
    pumps, boilers, chillers), then the battery's charging, then export; export beyond
    that PV comes from storage discharge (battery and V2G), whose rest serves the demand
    left; the grid serves what is left (the export only where the park's own sources do
    not cover it). Electricity that leaves the park from storage carries the origin of the
    stored energy: the battery is tracked as one well-mixed store (the PV part of its
    charge in, each discharge at the store's PV fraction; discharges counted in charge
    units, Σ charge / Σ discharge, so the store closes over the horizon, which is taken
    as a cycle), the EV fleet by the PV fraction of its charging over the last
    :data:`EV_ORIGIN_MEMORY_H` hours (exponential memory). Export of stored PV is PV
    exported, not PV used in the park; export of stored grid electricity is grid
    electricity not used in the park.

    Returns
    -------
    xarray.Dataset
        ``p_pv_self_consumed_kw`` (PV used in the park), ``p_pv_exported_kw`` (PV leaving
        the park, directly or from storage) and ``p_grid_reexported_kw`` (grid
        electricity leaving again from storage) [kW]; ``p_pv_self_consumed_kw +
        p_pv_exported_kw = p_pv_kw`` every hour.
    """
    pv_da = flow(ds, "p_pv_kw")
    pv = pv_da.values
    x = flow(ds, "p_grid_export_kw").values
    bc = flow(ds, "p_battery_charge_kw").values
    bd = flow(ds, "p_battery_discharge_kw").values
    vd = flow(ds, "p_ev_discharge_kw").values
    ev_ch = flow(ds, "p_ev_charge_kw").values
    demand = electric_demand_kw(ds).values
    pv_demand = np.minimum(pv, demand)
    pv_battery = np.minimum(pv - pv_demand, bc)
    pv_export = np.clip(np.minimum(pv - pv_demand - pv_battery, x), 0.0, None)
    store_out = bd + vd
    store_export = np.clip(np.minimum(store_out, x - pv_export), 0.0, None)
    store_demand = np.clip(np.minimum(store_out - store_export, demand - pv_demand), 0.0, None)
    if store_export.any():
        f_out = _stored_pv_fraction(ds, pv_battery, bc, bd, vd, ev_ch, demand, pv_demand, store_demand)
    else:
        f_out = np.zeros_like(pv)
    pv_stored_export = store_export * f_out
    pv_exp = pv_export + pv_stored_export
    coords = {"time": pv_da["time"]}
    return xr.Dataset({
        "p_pv_self_consumed_kw": ("time", pv - pv_exp),
        "p_pv_exported_kw": ("time", pv_exp),
        "p_grid_reexported_kw": ("time", np.clip(x - pv_exp, 0.0, None)),
    }, coords=coords)


def _stored_pv_fraction(ds, pv_battery, bc, bd, vd, ev_ch, demand, pv_demand, store_demand) -> np.ndarray:
    """PV fraction of each hour's storage discharge [-] (see :func:`electricity_origin_kw`)."""
    n = len(bc)
    ratio = float(bc.sum() / bd.sum()) if bd.sum() > 0 else 1.0
    soc0 = float(flow(ds, "e_battery_kwh").values[0]) if "e_battery_kwh" in ds else 0.0
    keep = float(np.exp(-1.0 / EV_ORIGIN_MEMORY_H))
    out = np.zeros(n)
    bcl, bdl, vdl, pvbl, evl = bc.tolist(), bd.tolist(), vd.tolist(), pv_battery.tolist(), ev_ch.tolist()
    dl, pvdl, sdl = demand.tolist(), pv_demand.tolist(), store_demand.tolist()
    f_b = f_ev = 0.0
    for _ in range(3):  # the store's fraction at the start is its fraction at the end (a cycle)
        store, store_pv = soc0, soc0 * f_b
        ev_e, ev_pv = 0.0, 0.0
        for t in range(n):
            store += bcl[t]
            store_pv += pvbl[t]
            f_b = store_pv / store if store > 1e-9 else f_b
            f_ev = ev_pv / ev_e if ev_e > 1e-9 else f_ev
            s_out = bdl[t] + vdl[t]
            f = (bdl[t] * f_b + vdl[t] * f_ev) / s_out if s_out > 0 else 0.0
            out[t] = f
            take = min(bdl[t] * ratio, store)
            store -= take
            store_pv -= take * f_b
            d = dl[t]
            f_d = (pvdl[t] + sdl[t] * f) / d if d > 0 else 0.0
            ev_e = ev_e * keep + evl[t]
            ev_pv = ev_pv * keep + evl[t] * f_d
    return np.clip(out, 0.0, 1.0)


def electric_demand_kw(ds: xr.Dataset) -> xr.DataArray:
    """Electric demand of the park's uses (fixed load, EVs, heat pumps, boilers, chillers) [kW]."""
    return sum((flow(ds, v) for v in ELECTRIC_USES[1:]), flow(ds, ELECTRIC_USES[0]))


def fuel_variables(ds: xr.Dataset) -> list[str]:
    """The dispatch's fuel inputs ``fuel_<name>_kw`` [kW, net calorific], sorted: the
    per-fuel sums over time only (a per-asset breakdown such as ``fuel_boiler_kw`` over
    ``boiler`` is part of them and not counted again)."""
    return sorted(str(v) for v in ds.data_vars
                  if _FUEL_RE.match(str(v)) and set(ds[v].dims) <= {"time"})


def fuel_name(var: str) -> str:
    """``fuel_gas_kw`` → ``gas``."""
    m = _FUEL_RE.match(var)
    if m is None:
        raise ValueError(f"{var!r} is not a fuel variable fuel_<name>_kw")
    return m.group(1)


@dataclass
class AnnualStatistics:
    """Annual energies and physical indicators of one dispatch (plan or baseline).

    Attributes
    ----------
    energy_kwh : dict[str, float]
        Every key of :data:`FLOWS` (0 when the technology is absent) plus the derived
        ``e_pv_available_kwh``, ``e_pv_self_consumed_kwh``, ``e_pv_exported_kwh``,
        ``e_grid_reexported_kwh`` (grid electricity exported again from storage),
        ``e_battery_losses_kwh``, ``e_electricity_consumption_kwh``,
        ``q_waste_heat_used_kwh`` [kWh/yr].
    fuels_kwh : dict[str, float]
        Fuel input by dispatch fuel name (``gas`` for ``fuel_gas_kw``) [kWh/yr, net calorific].
    present : set[str]
        Keys of ``energy_kwh`` whose hourly variable is in the dispatch.
    peak_electric_demand_kw, v2g_peak_kw : float
        Highest hourly electric demand of the park's uses, and V2G discharge [kW].
    hourly : xarray.Dataset
        ``p_pv_self_consumed_kw``, ``p_pv_exported_kw``, ``p_electric_demand_kw`` [kW].
    heat_pumps : dict
        Seasonal COP and cold-hour shares of the heat pumps (:func:`heat_pump_performance`).
    """

    energy_kwh: dict[str, float]
    fuels_kwh: dict[str, float]
    present: set[str]
    peak_electric_demand_kw: float
    v2g_peak_kw: float
    hourly: xr.Dataset = field(repr=False)
    heat_pumps: dict = field(default_factory=dict)
    """:func:`heat_pump_performance` of the dispatch (empty without heat pumps)."""
    waste_heat_direct_by_bus_kwh: dict = field(default_factory=dict)
    """Waste heat used directly on each heat bus [kWh/yr] (:func:`by_heat_bus`; empty where the
    dispatch has no ``q_waste_heat_direct_bus_kw``); sums to ``q_waste_heat_direct_kwh``."""
    cooling_buses: dict = field(default_factory=dict)
    """:func:`cooling_bus_performance` of the dispatch: cooling, electricity and seasonal COP on each
    cooling bus (empty without process cooling)."""
    cold_stores: dict = field(default_factory=dict)
    """:func:`cold_storage_performance` of the dispatch: each cold store's charging, discharging and
    losses (empty without cold stores)."""
    grid_import_by_month: dict = field(default_factory=dict)
    """:func:`grid_import_by_month` of the dispatch: the grid electricity bought in each calendar month
    and its energy charges at each hour's import price (empty without a price in the dispatch)."""

    @property
    def grid_energy_cost_cny(self) -> float:
        """Energy charges of the grid electricity bought over the year [CNY/yr]: Σ_t import · price · w,
        the optimiser's ``energy_import`` cost term."""
        return float(sum(m["cost_cny"] for m in self.grid_import_by_month.values()))

    @property
    def pv_share_of_electricity(self) -> float:
        """On-site PV electricity used in the park / electricity used in the park [-]."""
        return pv_share_of_electricity(self.energy_kwh)

    def energy_mwh(self) -> dict[str, float]:
        """Annual energy by source and use for ``summary.json`` (``energy_mwh``) [MWh/yr].

        Only the flows present in the dispatch; ``battery_losses`` where a battery is;
        each fuel as ``<name>_fuel`` (``gas_fuel``).
        """
        e = self.energy_kwh
        out = {f.summary_key: e[f.key] / 1000.0 for f in FLOWS if f.key in self.present}
        if "e_battery_charge_kwh" in self.present:
            out["battery_losses"] = e["e_battery_losses_kwh"] / 1000.0
        for name, kwh in self.fuels_kwh.items():
            out[f"{name}_fuel"] = kwh / 1000.0
        return out


def by_heat_bus(ds: xr.Dataset, name: str, w: xr.DataArray | np.ndarray) -> dict[str, float]:
    """Annual energy of the hourly variable ``name`` [kW] (dimension ``heat_bus``) on each heat bus:
    the network ``heat`` and each process-heat bus ``heat:<demand>`` [kWh/yr]; empty when absent.

    Parameters
    ----------
    ds : xarray.Dataset
        Hourly dispatch, e.g. with ``q_waste_heat_direct_bus_kw`` or ``q_unserved_heat_bus_kw``.
    w : array
        Hours each step stands for [h] (:func:`step_weights`).
    """
    return _by_bus(ds, name, w, "heat_bus")


def by_cooling_bus(ds: xr.Dataset, name: str, w: xr.DataArray | np.ndarray) -> dict[str, float]:
    """Annual energy of the hourly variable ``name`` [kW] (dimension ``cooling_bus``) on each cooling
    bus: the chilled-water network ``cool`` and each process-cooling loop ``cool:<demand>`` [kWh/yr];
    empty when absent (e.g. ``p_chiller_bus_kw``, ``q_unserved_cooling_bus_kw``)."""
    return _by_bus(ds, name, w, "cooling_bus")


def _by_bus(ds: xr.Dataset, name: str, w, dim: str) -> dict[str, float]:
    if name not in ds or dim not in ds[name].dims:
        return {}
    ww = np.asarray(w, float)
    return {str(b): float((ds[name].sel({dim: b}).to_numpy() * ww).sum()) for b in ds[name][dim].values}


def annual_statistics(ds: xr.Dataset, step_weight_h: float | np.ndarray | None = None) -> AnnualStatistics:
    """Annual energies of a dispatch, computed once.

    Parameters
    ----------
    ds : xarray.Dataset
        Hourly dispatch (dimension ``time``), variables named as in docs/architecture.md.
    step_weight_h : float or array, optional
        Hours each step stands for [h]; default: the dispatch's ``weight_h`` or 1 h.
    """
    w = step_weights(ds, step_weight_h)
    e: dict[str, float] = {}
    present = set()
    for f in FLOWS:
        e[f.key] = annual_energy_kwh(flow(ds, f.var), w)
        if any(v in ds for v in f.var.split("+")):
            present.add(f.key)
    origin = electricity_origin_kw(ds)
    pv_self, pv_exp = origin["p_pv_self_consumed_kw"], origin["p_pv_exported_kw"]
    e["e_pv_self_consumed_kwh"] = annual_energy_kwh(pv_self, w)
    e["e_pv_exported_kwh"] = annual_energy_kwh(pv_exp, w)
    e["e_grid_reexported_kwh"] = annual_energy_kwh(origin["p_grid_reexported_kw"], w)
    e["e_pv_available_kwh"] = e["e_pv_generated_kwh"] + e["e_pv_curtailed_kwh"]
    e["e_battery_losses_kwh"] = e["e_battery_charge_kwh"] - e["e_battery_discharge_kwh"]
    e["e_electricity_consumption_kwh"] = e["e_grid_import_kwh"] + e["e_pv_generated_kwh"] - e["e_grid_export_kwh"]
    e["q_waste_heat_used_kwh"] = e["q_waste_heat_direct_kwh"] + e["q_waste_heat_to_heat_pump_kwh"]
    fuels = {fuel_name(v): annual_energy_kwh(flow(ds, v), w) for v in fuel_variables(ds)}
    demand = electric_demand_kw(ds)
    v2g = flow(ds, "p_ev_discharge_kw")
    hourly = xr.Dataset({"p_pv_self_consumed_kw": pv_self, "p_pv_exported_kw": pv_exp,
                         "p_electric_demand_kw": demand})
    return AnnualStatistics(
        energy_kwh=e, fuels_kwh=fuels, present=present,
        peak_electric_demand_kw=float(demand.max()) if demand.size else 0.0,
        v2g_peak_kw=float(v2g.max()) if v2g.size else 0.0, hourly=hourly,
        heat_pumps=heat_pump_performance(ds, w),
        waste_heat_direct_by_bus_kwh=by_heat_bus(ds, "q_waste_heat_direct_bus_kw", w),
        cooling_buses=cooling_bus_performance(ds, w), cold_stores=cold_storage_performance(ds, w),
        grid_import_by_month=grid_import_by_month(ds, w))


def grid_import_by_month(ds: xr.Dataset, w: xr.DataArray | np.ndarray) -> dict[int, dict[str, float]]:
    """Grid electricity bought in each calendar month of the dispatch and its energy charges:
    {month (1-12): {``import_kwh`` [kWh/yr], ``cost_cny`` [CNY/yr], ``hours`` (time steps)}}, the
    charges at each hour's import price (``price_import_cny_per_kwh``, the tariff's hourly series,
    seasonal prices included); empty where the dispatch has no price or no datetime ``time``."""
    if "price_import_cny_per_kwh" not in ds or not np.issubdtype(ds["time"].dtype, np.datetime64):
        return {}
    imp = flow(ds, "p_grid_import_kw").to_numpy().astype(float) * np.asarray(w, float)
    price = ds["price_import_cny_per_kwh"].to_numpy().astype(float)
    month = pd.DatetimeIndex(ds["time"].to_numpy()).month.to_numpy()
    return {int(m): {"import_kwh": float(imp[month == m].sum()), "cost_cny": float((imp * price)[month == m].sum()),
                     "hours": int((month == m).sum())} for m in np.unique(month)}


def cooling_bus_performance(ds: xr.Dataset, w: xr.DataArray | np.ndarray) -> dict:
    """Cooling, electricity and seasonal COP of the chillers on each cooling bus: the chilled-water
    network ``cool`` and each process-cooling loop of its own ``cool:<demand>`` (where a demand has a
    loop of its own, its loop's figures are the demand's own).

    Reads ``q_cooling_supply_kw`` along ``chiller`` with its coordinates ``chiller_bus`` and
    ``chiller_kind`` (and ``q_ice_making_kw``, the ice the chillers make, where there is any), and
    ``p_chiller_bus_kw`` along ``cooling_bus`` (the dispatch has both where the park has process
    cooling; empty otherwise).

    Returns
    -------
    dict
        ``{bus: {"cooling_mwh", "electric_cooling_mwh", "electricity_mwh", "scop"}}`` [MWh/yr] and the
        electric chillers' seasonal COP (cooling they delivered / their electricity, [kWh/kWh]; None
        where they used none). Absorption chillers' cooling is in ``cooling_mwh`` only.
    """
    q = ds.get("q_cooling_supply_kw")
    if q is None or "chiller_bus" not in q.coords or "p_chiller_bus_kw" not in ds:
        return {}
    ww = np.asarray(w, float)
    bus = q["chiller_bus"].to_numpy().astype(str)
    kind = (q["chiller_kind"].to_numpy().astype(str) if "chiller_kind" in q.coords
            else np.full(bus.shape, "electric"))
    qq = q.astype(float).transpose("chiller", "time").to_numpy() * ww
    if "q_ice_making_kw" in ds:  # the ice a chiller makes is cooling it delivers (into its bus's ice stores)
        qq = qq + ds["q_ice_making_kw"].astype(float).transpose("chiller", "time").to_numpy() * ww
    elec = by_cooling_bus(ds, "p_chiller_bus_kw", w)
    out = {}
    for b in ds["p_chiller_bus_kw"]["cooling_bus"].to_numpy().astype(str):
        on = bus == b
        cool = float(qq[on].sum())
        el_cool = float(qq[on & (kind == "electric")].sum())
        e = elec.get(b, 0.0)
        out[str(b)] = {"cooling_mwh": cool / 1000.0, "electric_cooling_mwh": el_cool / 1000.0,
                  "electricity_mwh": e / 1000.0, "scop": seasonal_cop(el_cool, e)}
    return out


def cold_storage_performance(ds: xr.Dataset, w: xr.DataArray | np.ndarray) -> dict:
    """Each cold store's year: cooling charged and discharged and the difference, its standing losses
    over a cyclic year [MWh/yr]; and the chillers' ice making (cooling made as ice, its electricity and
    its COP) where any.

    Reads ``q_cold_charge_kw`` and ``q_cold_discharge_kw`` along ``cold_store`` (with the
    coordinates ``cold_store_kind`` and ``cold_store_bus``), ``q_ice_making_kw`` and ``p_ice_making_kw``.

    Returns
    -------
    dict
        ``{"stores": {name: {"kind", "bus", "charge_mwh", "discharge_mwh", "losses_mwh"}},
        "ice_making": {"cooling_mwh", "electricity_mwh", "cop"}}``
        (``ice_making`` where the dispatch has ice making; ``cop`` = ice made / its electricity
        [kWh/kWh], None where none was made); empty without cold stores. ``losses_mwh`` = charged −
        discharged: the standing losses of a cyclic year (an operated year ends with some content).
    """
    if "q_cold_charge_kw" not in ds or "cold_store" not in ds["q_cold_charge_kw"].dims:
        return {}
    ww = np.asarray(w, float)
    ch = ds["q_cold_charge_kw"].astype(float)
    dis = ds["q_cold_discharge_kw"].astype(float)
    stores = {}
    for i, name in enumerate(ch["cold_store"].to_numpy()):
        c = float((ch.isel(cold_store=i).to_numpy() * ww).sum())
        d = float((dis.isel(cold_store=i).to_numpy() * ww).sum())
        co = ch["cold_store"]
        kind = str(co["cold_store_kind"].to_numpy()[i]) if "cold_store_kind" in co.coords else "chilled_water"
        bus = str(co["cold_store_bus"].to_numpy()[i]) if "cold_store_bus" in co.coords else "cool"
        stores[str(name)] = {"kind": kind, "bus": bus, "charge_mwh": c / 1000.0, "discharge_mwh": d / 1000.0,
                             "losses_mwh": (c - d) / 1000.0}
    out = {"stores": stores}
    if "q_ice_making_kw" in ds:
        q = annual_energy_kwh(ds["q_ice_making_kw"], xr.DataArray(ww, dims="time"))
        p = annual_energy_kwh(ds["p_ice_making_kw"], xr.DataArray(ww, dims="time")) if "p_ice_making_kw" in ds else 0.0
        out["ice_making"] = {"cooling_mwh": q / 1000.0, "electricity_mwh": p / 1000.0, "cop": seasonal_cop(q, p)}
    return out


#: Time-of-use periods counted as valley and as peak hours (:data:`twin.components.tariff.PERIODS`).
VALLEY_PERIODS = ("valley", "deep_valley")
PEAK_PERIODS = ("peak", "critical")


def in_periods(by_period: Mapping[str, float], group: tuple[str, ...]) -> float:
    """Sum of :func:`by_tou_period`'s values over the periods of ``group`` (:data:`VALLEY_PERIODS`,
    :data:`PEAK_PERIODS`) [its unit]."""
    return float(sum(v for k, v in by_period.items() if k in group))


def by_tou_period(values, periods, w) -> dict[str, float]:
    """Annual energy of an hourly series [kW] in each time-of-use period (``tou_period`` of the profiles:
    valley, flat, peak, critical, ...) [kWh/yr], in the order the periods first appear."""
    v = np.asarray(values, float) * np.asarray(w, float)
    per = np.asarray(periods).astype(str)
    return {str(k): float(v[per == k].sum()) for k in dict.fromkeys(per.tolist())}


def seasonal_cop(heat_kwh: float, electricity_kwh: float) -> float | None:
    """Seasonal COP (SCOP): heat delivered / electricity used over the year [kWh/kWh];
    None when the heat pump used no electricity."""
    return float(heat_kwh / electricity_kwh) if electricity_kwh > 1e-9 else None


def heat_pump_performance(ds: xr.Dataset, w: xr.DataArray) -> dict:
    """Seasonal COP of each heat pump and of all together, and how often the cold limits them.

    SCOP = Σ_t w_t Q_t / Σ_t w_t P_t (heat delivered / electricity used over the year,
    [kWh/kWh]).  Of the hours with heat demand (weighted by ``w``): the share in which a heat
    pump's available capacity is reduced (0 < factor < 1, cold air) and the share below its
    cut-off temperature (factor 0), from ``heat_pump_capacity_factor`` of the dispatch; None
    where the dispatch does not carry the factor.

    Parameters
    ----------
    ds : xarray.Dataset
        Dispatch with ``q_heat_pump_kw`` and ``p_heat_pump_kw`` along ``heat_pump`` [kW].
    w : xarray.DataArray
        Hours each step stands for [h].

    Returns
    -------
    dict
        ``{"scop": float | None, "heat_mwh", "electricity_mwh", "per_heat_pump": {name: {"scop",
        "heat_mwh", "electricity_mwh", "hours_reduced_capacity_share",
        "hours_below_cutoff_share"}}}``; empty without heat pumps.
    """
    if "q_heat_pump_kw" not in ds or "heat_pump" not in ds["q_heat_pump_kw"].dims:
        return {}
    q, p = ds["q_heat_pump_kw"].astype(float), flow_like(ds, "p_heat_pump_kw", ds["q_heat_pump_kw"])
    demand = flow(ds, HEAT_DEMAND)
    heating = (demand > 1e-9).astype(float) * w
    heating_h = float(heating.sum())
    cap = ds.get("heat_pump_capacity_factor")
    per = {}
    for name in q["heat_pump"].values:
        qk = float((q.sel(heat_pump=name) * w).sum())
        pk = float((p.sel(heat_pump=name) * w).sum())
        reduced = below = None
        if cap is not None and heating_h > 0:
            f = cap.sel(heat_pump=name).astype(float)
            reduced = float((heating * ((f > 0) & (f < 1 - 1e-9))).sum()) / heating_h
            below = float((heating * (f <= 0)).sum()) / heating_h
        per[str(name)] = {"scop": seasonal_cop(qk, pk), "heat_mwh": qk / 1000.0, "electricity_mwh": pk / 1000.0,
                          "hours_reduced_capacity_share": reduced, "hours_below_cutoff_share": below}
    qt = sum(v["heat_mwh"] for v in per.values())
    pt = sum(v["electricity_mwh"] for v in per.values())
    return {"scop": seasonal_cop(qt, pt), "heat_mwh": qt, "electricity_mwh": pt, "per_heat_pump": per}


def flow_like(ds: xr.Dataset, name: str, like: xr.DataArray) -> xr.DataArray:
    """``ds[name]`` as float, or zeros shaped like ``like`` where the dispatch lacks it [kW]."""
    return ds[name].astype(float) if name in ds else xr.zeros_like(like, dtype=float)


def pv_share_of_electricity(energy_kwh: Mapping[str, float]) -> float:
    """On-site PV electricity used / park electricity use (import + PV − export) [-].

    Not the ledger's ``renewable_share`` (tce basis, green power included).
    """
    use = energy_kwh["e_electricity_consumption_kwh"]
    return float(max(energy_kwh["e_pv_self_consumed_kwh"], 0.0) / use) if use > 0 else 0.0


def share(part: float, total: float) -> float:
    """``part / total``, 0 when the total is not positive [-]."""
    return part / total if total > 0 else 0.0


def renewable_share_tce(pv_self_consumed_kwh: float, green_kwh: float, kgce_per_kwh: float,
                        total_tce: float) -> tuple[float, float]:
    """Renewable energy on the tce basis and its share of total energy consumption.

    Parameters
    ----------
    pv_self_consumed_kwh : float
        On-site PV used in the park [kWh/yr].
    green_kwh : float
        Green power and certificates credited [kWh/yr].
    kgce_per_kwh : float
        Electricity-to-tce factor of the accounting settings [kgce/kWh].
    total_tce : float
        Total energy consumption [tce/yr].

    Returns
    -------
    (renewable_tce, renewable_share) : tuple of float
        [tce/yr], [-].
    """
    re_tce = (pv_self_consumed_kwh + green_kwh) * kgce_per_kwh / 1000.0
    return re_tce, share(re_tce, total_tce)


#: kWh of heat per GJ (1 GJ = 1000 MJ / 3.6 MJ/kWh).
KWH_PER_GJ = 1000.0 / 3.6


def district_heat_bill(heat_kwh: float, tariff, *, contracted_kw: float | None = None,
                       ef_tco2_per_gj: float) -> dict:
    """The bought district heat of a year and its bill, computed once for every output.

    Parameters
    ----------
    heat_kwh : float
        Heat bought in the year [kWh/yr] (``q_heat_import_kwh`` of :func:`annual_statistics`).
    tariff : solvers.DistrictHeat or None
        The tariff (:func:`twin.plan.district_heat_of`); None: no price given (cost not included).
    contracted_kw : float, optional
        Contracted capacity [kW] where the plan chose it (``sizes["district_heat_kw"]``); default the
        tariff's ``max_kw``.
    ef_tco2_per_gj : float
        CO2 factor of the bought heat [tCO2/GJ] (``accounting.heat_ef_tco2_per_gj``).

    Returns
    -------
    dict
        ``heat_mwh`` [MWh/yr], ``heat_gj`` [GJ/yr], ``co2_t`` [tCO2/yr], ``contracted_kw`` [kW],
        ``energy_price_cny_per_gj`` [CNY/GJ], ``energy_cost_cny`` (price × GJ), ``capacity_cost_cny``
        (capacity part × contracted kW), ``fixed_cost_cny`` (area-based fee), ``cost_cny`` (their sum)
        [CNY/yr], ``cost_included`` and ``replaceable`` [bool]. The costs are the optimiser's
        ``district_heat_energy``, ``district_heat_capacity`` and ``district_heat_fixed``.
    """
    gj = float(heat_kwh) / KWH_PER_GJ
    out = {"heat_mwh": float(heat_kwh) / 1000.0, "heat_gj": gj, "co2_t": gj * float(ef_tco2_per_gj),
           "cost_included": tariff is not None, "replaceable": bool(tariff is not None and tariff.replaceable)}
    if tariff is None:
        return {**out, "contracted_kw": None, "energy_price_cny_per_gj": None, "energy_cost_cny": None,
                "capacity_cost_cny": None, "fixed_cost_cny": None, "cost_cny": None}
    kw = float(tariff.max_kw if contracted_kw is None else contracted_kw)
    price_gj = float(tariff.price_cny_per_kwh) * KWH_PER_GJ
    energy = float(tariff.price_cny_per_kwh) * float(heat_kwh)
    capacity = float(tariff.capacity_cny_per_kw_yr) * kw
    fixed = float(tariff.fixed_cny_per_yr)
    return {**out, "contracted_kw": kw, "energy_price_cny_per_gj": price_gj, "energy_cost_cny": energy,
            "capacity_cost_cny": capacity, "fixed_cost_cny": fixed, "cost_cny": energy + capacity + fixed}


__all__ = [
    "COOLING_DEMAND",
    "ELECTRIC_USES",
    "FLOWS",
    "KWH_PER_GJ",
    "PEAK_PERIODS",
    "VALLEY_PERIODS",
    "AnnualStatistics",
    "Flow",
    "annual_energy_kwh",
    "annual_statistics",
    "by_cooling_bus",
    "by_tou_period",
    "cold_storage_performance",
    "cooling_bus_performance",
    "district_heat_bill",
    "electric_demand_kw",
    "electricity_origin_kw",
    "flow",
    "fuel_name",
    "fuel_variables",
    "grid_import_by_month",
    "in_periods",
    "pv_share_of_electricity",
    "renewable_share_tce",
    "share",
    "step_weights",
    "year_weight_h",
]
