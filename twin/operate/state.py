"""The sized park as the operational twin runs it: assets as built, true hourly data, and
the state that changes from hour to hour.

:class:`OperatedPark` is built once from the sized :class:`solvers.SizingProblem` and
its sizes (:meth:`OperatedPark.from_problem`); :class:`PlantState` is what a controller
observes at the start of each hour; :class:`Decision` is what it sets for the hour.
Units: powers are hourly means [kW], energies [kWh], Δt = 1 h.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solvers.problem import COOL_BUS, HEAT_BUS


@dataclass
class FleetPlant:
    """One EV fleet as operated: its sessions (vehicles) and the planned envelope."""

    name: str
    mode: str
    """``uncontrolled``, ``smart`` or ``v2g``."""
    sessions: object
    """pandas.DataFrame of :func:`twin.components.ev.fleet_sessions`."""
    p_charger_kw: float
    """Grid-side power of one charge point [kW]."""
    eta: float
    """Charger efficiency (both directions) [-]."""
    battery_kwh: float
    """Usable battery per vehicle [kWh]."""
    v2g_min_soc: float
    """Lowest state of charge V2G may leave a vehicle at [-]."""
    wear_cny_per_kwh: float
    """V2G battery wear per kWh discharged [CNY/kWh]."""
    e_cum_min_kwh: np.ndarray
    """Planned lower envelope (end of hour) [kWh] (what the MPC plans with)."""
    e_cum_max_kwh: np.ndarray
    """Planned upper envelope (end of hour) [kWh]."""
    p_charge_max_kw: np.ndarray
    """Planned connected charger power [kW]."""
    p_discharge_max_kw: np.ndarray
    """Planned V2G power [kW]."""
    p_uncontrolled_kw: np.ndarray
    """Charge-on-arrival load [kW]."""
    bidirectional_chargers: float = float("inf")
    """Bidirectional charge points the plan has [-]: at most this many vehicles give V2G in an hour
    (``ev_v2g_share`` × chargers where the optimiser chose the share; inf: every simulated one)."""


@dataclass
class OperatedPark:
    """Assets as built and the true hourly data of the operated horizon."""

    T: int
    time: np.ndarray
    load_kw: np.ndarray
    pv_names: list
    pv_per_kwp: np.ndarray
    """(arrays, T) [kW/kWp]."""
    pv_kwp: np.ndarray
    price: np.ndarray
    """Import price [CNY/kWh]."""
    price_export: np.ndarray
    ef: np.ndarray
    """Grid emission factor [kgCO2/kWh]."""
    month: np.ndarray
    import_limit_kw: np.ndarray
    """Hourly import limit at the point of connection (T) [kW]: the scenario's, or the park
    grid check's tighter hourly limits the plan was re-solved with."""
    export_limit_kw: np.ndarray
    """Hourly export limit (T) [kW]."""
    demand_charge: float
    """[CNY/(kW month)]."""
    connection_kva: float = float("inf")
    """Apparent power the park transformer(s) at the point of connection may carry: rating ×
    loading limit × (1 − the guard's margin) [kVA] (:func:`twin.grid.feedback.connection_rating`);
    inf where no park transformer stands there (the import limit alone is the connection's
    capacity)."""
    reactive_per_kw: float = 0.0
    """Reactive draw per kW of consumption, tan φ of the network's load power factor [kvar/kW]."""
    transformers: list = field(default_factory=list)
    """The park's transformers behind the point of connection that the plant guards
    (:meth:`attach_transformers`, :func:`twin.grid.feedback.site_transformer_ratings`): dicts
    ``name``, ``kva`` (apparent power the guard holds [kVA]), ``rating_kva``, ``limit_percent``,
    ``ac_factor`` (the plan's AC loading over its flows counted without losses [-]),
    ``tan_phi`` [kvar/kW], ``assets`` (scenario names), ``fixed_kw`` (T: the buildings' and process
    loads' electricity behind it [kW]) and the indices of the assets behind it: ``pv`` (arrays),
    ``fleets``, ``heat_pumps``, ``batteries``, ``boilers`` (electric boilers) and ``chillers``
    (electric chillers; both with ``central_plant``)."""
    batteries: list = field(default_factory=list)
    """Dicts ``name, kwh, kw, eta_c, eta_d, soc_min, soc_max, keep, wear`` of the batteries the
    plan has (energy > 0), in the rule controller's dispatch order (:func:`store_order`)."""
    heat_kw: np.ndarray | None = None
    """The buildings' heat demand on the heat network (T) [kW]."""
    process_heat: list = field(default_factory=list)
    """Dicts ``name, kw (T), bus``: each process-heat demand [kW] on the network (``bus`` ``"heat"``)
    or on its own bus (``"heat:<name>"``)."""
    heat_pumps: list = field(default_factory=list)
    """Dicts ``name, kw, cop (T), avail (T), source, bus``: ``kw * avail[t]`` is the heat output the
    heat pump can give in hour t [kW] (an air-source unit's capacity falls in cold air and is 0
    below its cut-off temperature) to its heat bus ``bus``."""
    waste: list = field(default_factory=list)
    """Dicts ``name, avail (T), hx_kw, buses``: the exchanger ``hx_kw`` [kW] carries the direct use on
    every heat bus in ``buses`` (those the heat is hot enough for)."""
    boilers: list = field(default_factory=list)
    """Dicts ``name, fuel, kw, eff, price, ef, bus`` (price [CNY/kWh] and ef [kgCO2/kWh] per kWh
    of fuel; electric boilers pay the electricity price; ``bus`` the heat bus it supplies)."""
    thermal_stores: list = field(default_factory=list)
    """Dicts ``name, kwh, rho, keep, eta_c`` of the thermal stores the plan has, in dispatch
    order (:func:`store_order`)."""
    district_heat_kw: np.ndarray | None = None
    """Heat demand of the buildings that buy district heat (T) [kW] (None: none do)."""
    district_heat: dict | None = None
    """Where district heat may be replaced: ``cap`` (contracted capacity [kW]), ``price`` [CNY/kWh of
    heat], ``ef`` [kgCO2/kWh of heat]: a source on the heat network serving at most its buildings'
    demand and ``cap``; None: all of the buildings' heat is bought, off the network."""
    cool_kw: np.ndarray | None = None
    """The buildings' cooling demand on the chilled-water network (T) [kW]."""
    process_cooling: list = field(default_factory=list)
    """Dicts ``name, kw (T), bus``: each process-cooling demand [kW] on the chilled-water network (``bus``
    ``"cool"``) or on a loop of its own (``"cool:<name>"``)."""
    chillers: list = field(default_factory=list)
    """Dicts ``name, kind (electric | absorption), kw, cop (T), bus`` (``bus`` the cooling bus it
    supplies), and ``ice_cop`` (T; None: it makes no ice) and ``ice_ratio`` (cooling output in ice
    mode per kW of size [-])."""
    cold_stores: list = field(default_factory=list)
    """Dicts ``name, kind (chilled_water | ice), bus, kwh, charge_kw, discharge_kw, keep`` of the cold
    stores the plan has (charge and discharge limits [kW], from the C-rates and the kW limits), in
    dispatch order (:func:`store_order`)."""
    fleets: list = field(default_factory=list)
    carbon_price: float = 0.0
    """Price the controllers put on each tCO2 emitted [CNY/t] (see :func:`emission_price`)."""
    masks: object = None
    """:class:`twin.operate.faults.FaultMasks`."""
    initial: dict = field(default_factory=dict)
    """Store contents at the start: ``battery_kwh`` {battery: kWh}, ``tes_kwh`` {store: kWh},
    ``cold_kwh`` {cold store: kWh of cooling}."""

    @property
    def heat_buses(self) -> list[str]:
        """The heat buses served hour by hour: the network (``"heat"``) first, then each process-heat
        bus of its own, in the problem's order."""
        return [HEAT_BUS, *dict.fromkeys(x["bus"] for x in self.process_heat if x["bus"] != HEAT_BUS)]

    def heat_demand_kw(self, bus: str, t: int) -> float:
        """Fixed heat demand of ``bus`` in hour ``t`` [kW]: on the network the buildings' and the
        process heat that joins it; on a process-heat bus its demand."""
        q = sum(float(x["kw"][t]) for x in self.process_heat if x["bus"] == bus)
        if bus == HEAT_BUS and self.heat_kw is not None:
            q += float(self.heat_kw[t])
        if bus == "heat" and self.district_heat is not None:
            q += float(self.district_heat_kw[t])
        return q

    @property
    def cooling_buses(self) -> list[str]:
        """The cooling buses served hour by hour: the chilled-water network (``"cool"``) first, then each
        process-cooling loop of its own, in the problem's order."""
        return [COOL_BUS, *dict.fromkeys(x["bus"] for x in self.process_cooling if x["bus"] != COOL_BUS)]

    def cooling_demand_kw(self, bus: str, t: int) -> float:
        """Fixed cooling demand of ``bus`` in hour ``t`` [kW]: on the network the buildings' and the
        process cooling that joins it; on a process-cooling loop its demand."""
        q = sum(float(x["kw"][t]) for x in self.process_cooling if x["bus"] == bus)
        if bus == COOL_BUS and self.cool_kw is not None:
            q += float(self.cool_kw[t])
        return q

    @property
    def pv_avail_kw(self) -> np.ndarray:
        """Available PV output of all arrays [kW], length T."""
        return (self.pv_per_kwp * self.pv_kwp[:, None]).sum(axis=0)

    @classmethod
    def from_problem(cls, problem, sizes: dict, sessions: dict | None = None, masks=None,
                     initial: dict | None = None, carbon_price: float = 0.0) -> OperatedPark:
        """The park of a sized problem.

        Parameters
        ----------
        problem : solvers.SizingProblem
            The sizing problem (full horizon, true data).
        sizes : dict
            :attr:`solvers.SizingResult.sizes` of the plan.
        sessions : dict, optional
            Fleet name -> sessions of :func:`twin.components.ev.fleet_sessions`; fleets
            without sessions are operated on their planned envelope only (not allowed:
            a clear error).
        masks : FaultMasks, optional
        initial : dict, optional
            Store contents at the start [kWh]; default the plan's cyclic start (half full
            battery where the plan gives none).
        carbon_price : float
            Emission price the controllers weigh [CNY/tCO2].
        """
        from twin.operate.faults import FaultMasks

        p = problem
        T = p.n_steps
        g = p.grid
        arr = lambda x: np.broadcast_to(np.asarray(x, float), (T,)).copy()
        pvk = sizes.get("pv_kwp", {})
        park = cls(
            T=T, time=np.arange(T) if p.time is None else np.asarray(p.time),
            load_kw=arr(p.electric_load_kw), pv_names=[a.name for a in p.pv],
            pv_per_kwp=(np.array([np.clip(np.asarray(a.ac_per_kwp, float), 0, None) for a in p.pv])
                        if p.pv else np.zeros((0, T))),
            pv_kwp=np.array([float(pvk.get(a.name, a.existing_kwp)) for a in p.pv]),
            price=arr(g.price_import_cny_per_kwh), price_export=arr(g.price_export_cny_per_kwh),
            ef=arr(g.ef_grid_kgco2_per_kwh),
            month=arr(g.month if g.month is not None else np.ones(T)).astype(int),
            import_limit_kw=arr(g.import_limit_kw), export_limit_kw=np.maximum(arr(g.export_limit_kw), 0.0),
            demand_charge=float(g.demand_charge_cny_per_kw_month),
            masks=masks or FaultMasks(), carbon_price=float(carbon_price))
        bk, bp = sizes.get("battery_kwh", {}), sizes.get("battery_kw", {})
        park.batteries = store_order([
            {"name": b.name, "kwh": float(bk.get(b.name, b.existing_kwh)), "kw": float(bp.get(b.name, b.existing_kw)),
             "eta_c": b.eta_charge, "eta_d": b.eta_discharge, "soc_min": b.soc_min,
             "soc_max": b.soc_max, "keep": (1.0 - b.self_discharge_per_h) ** p.dt_h,
             "wear": b.degradation_cny_per_kwh}
            for b in p.batteries if float(bk.get(b.name, b.existing_kwh)) > 0])
        if p.heat_demand_kw is not None or p.process_heat:
            park.heat_kw = arr(p.heat_demand_kw) if p.heat_demand_kw is not None else np.zeros(T)
            park.process_heat = [{"name": d.name, "kw": arr(d.demand_kw), "bus": d.bus} for d in p.process_heat]
            hpk = sizes.get("heat_pump_kw", {})
            park.heat_pumps = [{"name": h.name, "kw": float(hpk.get(h.name, h.existing_kw)),
                                "cop": arr(h.cop), "avail": arr(h.avail).clip(0.0, 1.0),
                                "source": h.source, "bus": h.bus} for h in p.heat_pumps]
            hx = sizes.get("waste_heat_hx_kw", {})
            park.waste = []
            for w in p.waste_heat:
                buses = ([HEAT_BUS] if w.direct_use else []) + [b for b in w.direct_buses if b != HEAT_BUS]
                park.waste.append({"name": w.name, "avail": arr(w.available_kw).clip(min=0),
                                   "hx_kw": float(hx.get(w.name, 0.0)) if buses else 0.0, "buses": buses,
                                   "share": dict(w.hot_share)})
            bk = sizes.get("boiler_kw", {})
            park.boilers = [{"name": b.name, "fuel": b.fuel, "kw": float(bk.get(b.name, b.existing_kw)),
                             "eff": b.efficiency, "price": b.fuel_price_cny_per_kwh,
                             "ef": b.ef_fuel_kgco2_per_kwh, "bus": b.bus} for b in p.boilers]
            tk = sizes.get("tes_kwh", {})
            park.thermal_stores = store_order([
                {"name": ts.name, "kwh": float(tk.get(ts.name, ts.existing_kwh)), "rho": ts.max_power_per_kwh,
                 "keep": (1.0 - ts.loss_per_h) ** p.dt_h, "eta_c": ts.eta_charge, "eta_d": 1.0}
                for ts in p.thermal_stores if float(tk.get(ts.name, ts.existing_kwh)) > 0])
        if p.heat_import_kw is not None:
            park.district_heat_kw = arr(p.heat_import_kw)
            dh = p.district_heat
            if dh is not None and dh.replaceable:
                cap = (sizes.get("district_heat_kw") or {}).get(dh.name, dh.max_kw)
                cap = float(cap) if np.isfinite(cap) else float(park.district_heat_kw.max(initial=0.0))
                park.district_heat = {"cap": cap, "price": float(dh.price_cny_per_kwh), "ef": float(dh.ef_kgco2_per_kwh)}
                if park.heat_kw is None:
                    park.heat_kw = np.zeros(T)
        if p.chillers and (p.cooling_demand_kw is not None or p.process_cooling):
            park.cool_kw = arr(p.cooling_demand_kw) if p.cooling_demand_kw is not None else np.zeros(T)
            park.process_cooling = [{"name": d.name, "kw": arr(d.demand_kw), "bus": d.bus} for d in p.process_cooling]
            ck = sizes.get("chiller_kw", {})
            park.chillers = [{"name": c.name, "kind": c.kind, "kw": float(ck.get(c.name, c.existing_kw)),
                              "cop": arr(c.cop), "bus": c.bus,
                              "ice_cop": None if c.ice_cop is None else arr(c.ice_cop),
                              "ice_ratio": float(c.ice_capacity_ratio)} for c in p.chillers]
            cs = sizes.get("cold_kwh", {})
            park.cold_stores = store_order([
                {"name": x.name, "kind": x.kind, "bus": x.bus, "kwh": float(cs.get(x.name, x.existing_kwh)),
                 "charge_kw": min(x.charge_per_kwh * float(cs.get(x.name, x.existing_kwh)), x.max_charge_kw),
                 "discharge_kw": min(x.discharge_per_kwh * float(cs.get(x.name, x.existing_kwh)), x.max_discharge_kw),
                 "keep": (1.0 - x.loss_per_h) ** p.dt_h, "eta_c": 1.0, "eta_d": 1.0}
                for x in p.cold_stores if float(cs.get(x.name, x.existing_kwh)) > 0])
        sessions = sessions or {}
        for f in p.ev_fleets:
            if f.name not in sessions:
                raise ValueError(f"EV fleet {f.name!r}: the operational twin needs its sessions")
            s = sessions[f.name]
            pdis = (np.zeros(T) if f.p_discharge_max_kw is None else arr(f.p_discharge_max_kw))
            share = sizes.get("ev_v2g_share", {}).get(f.name)
            n_bidir = float("inf") if f.mode == "v2g" else 0.0
            if share is not None and f.v2g_share > 0:
                pdis = pdis * min(share / f.v2g_share, 1.0)
                # whole charge points: a share the LP chose between them rounds down (a vehicle on a
                # charger that was not built cannot give V2G)
                n_bidir = float(np.floor(share * f.chargers + 1e-6)) if f.chargers > 0 else n_bidir
            park.fleets.append(FleetPlant(
                name=f.name, mode=f.mode, sessions=s, p_charger_kw=float(s.attrs.get(
                    "p_battery_kw", 0.0)) / float(s.attrs.get("eta", 1.0)),
                eta=float(s.attrs.get("eta", f.eta_charge)), battery_kwh=float(s.attrs.get("battery_kwh", 0.0)),
                v2g_min_soc=float(s.attrs.get("v2g_min_soc", 0.0)), wear_cny_per_kwh=f.v2g_degradation_cny_per_kwh,
                e_cum_min_kwh=arr(f.e_cum_min_kwh), e_cum_max_kwh=arr(f.e_cum_max_kwh),
                p_charge_max_kw=arr(f.p_charge_max_kw), p_discharge_max_kw=pdis,
                p_uncontrolled_kw=arr(f.p_uncontrolled_kw), bidirectional_chargers=n_bidir))
        init = dict(initial or {})
        # default: each battery half full, each thermal or cold store empty
        init["battery_kwh"] = _per_store(init.get("battery_kwh"), park.batteries, lambda b: 0.5 * b["kwh"])
        init["tes_kwh"] = _per_store(init.get("tes_kwh"), park.thermal_stores, lambda s: 0.0)
        init["cold_kwh"] = _per_store(init.get("cold_kwh"), park.cold_stores, lambda s: 0.0)
        park.initial = init
        return park

    def attach_transformers(self, specs: list[dict], fixed_kw: dict) -> None:
        """Set :attr:`transformers` from ``specs`` (:func:`twin.grid.feedback.site_transformer_ratings`)
        and ``fixed_kw`` {building or process load: electricity [kW], length T}: each transformer's
        assets resolved to the operated park's (an asset the plan did not build carries nothing)."""
        out = []
        for sp in specs:
            names = set(sp["assets"])
            fixed = np.zeros(self.T)
            for a in sp["assets"]:
                if a in fixed_kw:
                    fixed = fixed + np.asarray(fixed_kw[a], float)[: self.T]
            central = "central_plant" in names
            out.append({
                "name": sp["name"], "kva": float(sp["kva"]), "rating_kva": float(sp["rating_kva"]),
                "limit_percent": float(sp["limit_percent"]), "tan_phi": float(sp["tan_phi"]),
                "ac_factor": float(sp.get("ac_factor", 1.0)),
                "assets": list(sp["assets"]), "fixed_kw": fixed,
                "pv": [i for i, n in enumerate(self.pv_names) if n in names],
                "fleets": [i for i, f in enumerate(self.fleets) if f.name in names],
                "heat_pumps": [j for j, h in enumerate(self.heat_pumps) if h["name"] in names],
                "batteries": [i for i, b in enumerate(self.batteries) if b["name"] in names],
                "boilers": [j for j, b in enumerate(self.boilers) if central and b["fuel"] == "electric"],
                "chillers": [j for j, c in enumerate(self.chillers) if central and c["kind"] == "electric"]})
        self.transformers = out

    def available(self, family: str, t: int, name: str | None = None) -> bool:
        """False while a fault takes the asset out of service."""
        m = self.masks.out(family, name) if self.masks is not None else None
        return True if m is None else not bool(m[t])

    def in_service(self, family: str, name: str | None, hrs: np.ndarray) -> np.ndarray:
        """:meth:`available` over the hours ``hrs`` at once (bool array)."""
        m = self.masks.out(family, name) if self.masks is not None else None
        return np.ones(len(hrs), bool) if m is None else ~np.asarray(m, bool)[np.asarray(hrs, int)]

    def grid_up(self, t: int) -> bool:
        """False during a grid outage."""
        m = None if self.masks is None else self.masks.grid_out
        return True if m is None else not bool(m[t])


def direct_room(w: dict, bus: str, used: dict, avail):
    """Room [kW] left for direct use of waste heat ``w`` (an :attr:`OperatedPark.waste` entry) on heat
    bus ``bus`` within its hot shares (``w["share"]``, :attr:`solvers.problem.WasteHeatSource.hot_share`):
    for every share f at least the bus's, f x ``avail`` less the direct use already on the buses of a
    share at most f (``used``: kW by bus); ``inf`` where the bus may take all of the heat. Floats or
    hourly arrays alike; the total (heat pumps included) is the caller's ``waste_left``."""
    shares = w.get("share") or {}
    f_bus = shares.get(bus, 1.0)
    room = np.inf
    for f in sorted({g for g in shares.values() if g < 1.0}):
        if f >= f_bus:
            room = np.minimum(room, f * avail - sum(used.get(b, 0.0) for b, g in shares.items() if g <= f))
    return room


def store_order(stores: list[dict]) -> list[dict]:
    """Stores in the order the plant and the rule controller use them: highest round-trip
    efficiency first (``eta_c * eta_d * keep``: the store that loses least), declared order
    among equals. A charge or discharge set-point for the stores together is split in this
    order; power is cut (grid limits) in the same order."""
    return sorted(stores, key=lambda x: -x["eta_c"] * x["eta_d"] * x["keep"])


def _per_store(value, stores: list[dict], default) -> dict:
    """Initial contents {store: kWh} from ``value`` ({name: kWh}, one number for a single store,
    or None) with ``default(store)`` for stores not named; names of stores the plan did not
    build are dropped."""
    if value is not None and not isinstance(value, dict):
        if len(stores) > 1:
            raise ValueError(f"initial store content {value!r} is one number but the park has "
                             f"{len(stores)} stores {[x['name'] for x in stores]}; give {{name: kWh}}")
        value = {x["name"]: value for x in stores}
    value = value or {}
    return {x["name"]: float(value[x["name"]]) if value.get(x["name"]) is not None else float(default(x))
            for x in stores}


def emission_price(problem, result) -> float:
    """Price per tCO2 the controllers weigh [CNY/tCO2].

    The plan's marginal cost of emissions: the dual of its emission bound where one binds
    (net-zero, caps), otherwise the cheaper of the carbon price and the offset price.
    """
    dual = float(result.duals.get("emission_constraint_cny_per_t", 0.0) or 0.0)
    c = problem.carbon
    price = c.carbon_price_cny_per_t
    if c.offset_price_cny_per_t is not None and price > 0:
        price = min(price, c.offset_price_cny_per_t)
    return max(dual, price, 0.0)


@dataclass
class PlantState:
    """What a controller observes at the start of hour ``t``."""

    t: int
    battery_kwh: dict = field(default_factory=dict)
    """Battery -> stored energy [kWh]."""
    tes_kwh: dict = field(default_factory=dict)
    """Thermal store -> content [kWh]."""
    cold_kwh: dict = field(default_factory=dict)
    """Cold store -> content [kWh of cooling]."""
    ev_cum_kwh: dict = field(default_factory=dict)
    """Fleet -> net energy delivered into the vehicles since the start [kWh] (envelope frame)."""
    vehicles_fn: object = None
    """``fleet name -> dict`` of the vehicles connected during the hour (see :meth:`vehicles`)."""
    month_peak_kw: float = 0.0
    """Highest import so far in the current month [kW]."""

    def vehicles(self, fleet: str) -> dict | None:
        """Arrays of the vehicles of ``fleet`` connected during the hour: ``need`` (kWh still
        promised), ``dep`` (departure [h]), ``start`` (connected from [h]), ``energy`` (kWh
        above the V2G floor), ``head`` (kWh of headroom), ``bidir`` (bool); computed on demand."""
        return None if self.vehicles_fn is None else self.vehicles_fn(fleet)


@dataclass
class Decision:
    """Set-points for one hour (hourly means) [kW]; None leaves the plant's default."""

    battery_kw: dict = field(default_factory=dict)
    """Battery -> + charging / − discharging [kW]."""
    tes_kw: dict = field(default_factory=dict)
    """Thermal store -> + charging / − discharging [kW heat]."""
    cold_kw: dict = field(default_factory=dict)
    """Cold store -> + charging / − discharging [kW of cooling] (an ice store is charged by its bus's
    ice-making chillers)."""
    ev_charge_kw: dict = field(default_factory=dict)
    """Fleet -> grid-side charging power."""
    ev_discharge_kw: dict = field(default_factory=dict)
    """Fleet -> grid-side V2G power."""
    heat_kw: dict | None = None
    """Heat source -> output target (``hp:<index>``, ``dir:<index>``, ``boiler:<index>``);
    None = merit order."""
    cool_kw: dict | None = None
    """Chiller index -> cooling output target; None = merit order."""
    charge_limit_kw: float | None = None
    """Import above which the plant holds back flexible charging in real time, on the hour's
    actual flows (battery charging, then thermal-store charging from electric heat; EV charging
    beyond what the vehicles' promises need is given only the room below it) [kW]; the
    peak-shaving threshold of a demand charge. The load itself may still take the import
    above it; charging never does. None: no limit."""
    peak_hold_kw: float | None = None
    """Import the plant holds in real time by discharging the batteries beyond their
    set-points, on the hour's actual flows, once flexible charging is held
    (:meth:`twin.operate.loop.Plant.hold_import`) [kW]: the month's peak threshold, so that
    a load higher than its forecast does not set a new monthly peak while a battery has
    power and energy above its reserve. None: no real-time discharge for the peak (the
    plant still discharges before it sheds load at the import limit)."""
    battery_reserve_kwh: dict = field(default_factory=dict)
    """Battery -> content [kWh] the real-time peak hold leaves in it at the end of the hour
    (energy the controller plans to use later); a battery not named keeps only its
    ``soc_min``."""
