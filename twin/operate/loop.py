"""The process model: the sized park run hour by hour under a controller (simpy).

One simpy process ticks the hours: at the start of hour ``t`` it hands the plant state
to the controller, takes its set-points and lets the plant run the hour with the true
data.  EV arrivals and departures are events inside the hour: each fleet has an arrival
and a departure process over its sessions (those of the fleet simulation,
:func:`twin.components.ev.fleet_sessions`); a departure checks the vehicle's promise
(the energy it was to receive by then) and records any shortfall.

The plant in hour ``t`` (all powers hourly means [kW], Δt = 1 h):

1. each battery's set-point clipped to its power, content limits and outages;
2. heat buses: the thermal store's set-point clipped, the network's heat need
   ``demand + charge − discharge`` (buildings and the process heat at or below the network's
   temperature) served by the controller's heat targets, then in merit order (waste heat,
   heat pumps, electric boiler, gas boiler by cost per kWh of heat at this hour's prices,
   emissions priced at the controller's carbon price); then each process-heat bus of its own
   in the same way from its own sources, the waste heat left over shared by all buses; what
   no source can give is unserved heat (on the network the store's charging is cut first);
3. cooling buses: the chilled-water network (the buildings' cooling and the process cooling that
   joins it), then each process-cooling loop of its own, each served by its own chillers (the
   controller's targets, then merit order), each up to its size, with its cold stores' set-points
   (discharge, chilled-water charging; ice made from the capacity left, :mod:`twin.operate.cold`);
   what a bus's chillers cannot give is unserved cooling on that bus (a store's charging is taken
   back first);
4. EV fleets: the fleet set-point (uncontrolled fleets: every vehicle at full power)
   shared among the vehicles connected during the hour, least laxity first, each within
   its charger power, its overlap with the hour and its promise (V2G: its headroom);
   charging beyond the promises only within the room left below the charging limit, the
   connection's capacity and each site transformer the fleet charges through
   (:func:`apparent_room_kw`);
   V2G only from bidirectional chargers and only as far as the vehicle can still reach
   its promise by departure at full charging power, never below ``v2g_min_soc``;
5. the controller's charging limit (``Decision.charge_limit_kw``, the demand charge's
   peak threshold) held in real time on the hour's actual flows, not its forecast: EV
   charging beyond what the promises need gets only the room below it (step 4), then
   battery charging and then thermal-store charging from electric heat are cut until the
   import is at the limit or no flexible charging is left (cold-store charging last,
   :func:`twin.operate.cold.cut_charging`; ``p_charge_held_kw``), so that
   charging never sets a new monthly peak (the load itself may);
6. the controller's peak hold (``Decision.peak_hold_kw``, the same threshold) held in real
   time: where the import is still above it, the batteries discharge beyond their
   set-points within their power and down to the controller's reserve
   (``Decision.battery_reserve_kwh``; :meth:`Plant.hold_import`), so that a load higher than
   its forecast sets a new monthly peak only where the batteries cannot hold it
   (``p_battery_hold_kw``);
7. the connection guard (:meth:`Plant.guard_import`, :meth:`Plant.guard_export`): the
   exchange is held at or below the connection's capacity
   (:meth:`Plant.connection_capacity_kw`: the import or export limit — the scenario's, the
   park-grid check's hourly limit, 0 in a grid outage — and, with a park transformer at the
   point of connection, the active power it carries within its loading limit beside the
   hour's reactive draw). An import above it: battery charging is cut, then EV charging
   beyond the promises (given only the room below the capacity in step 4, battery charging
   counted as room), then thermal-store charging from electric heat, then the batteries
   discharge beyond their set-points down to ``soc_min``. An export above it: battery
   discharge is cut, then the batteries charge beyond their set-points, then PV is curtailed
   (step 8). What the guard took off is ``p_connection_guard_kw``; an import still above the
   capacity is an overload of the connection (``p_connection_overload_kw``) as far as the
   import limit allows;
7b. the site guard (:meth:`Plant.guard_transformers`, with transformers behind the point of
   connection, :attr:`OperatedPark.transformers`): each held on its own flows to what it
   carries beside the reactive draw of the consumption behind it, in either direction: its
   batteries' charging cut, its heat pumps' and electric boilers' thermal-store charging cut,
   its batteries discharged; feeding back, their discharge cut, its batteries charged, its PV
   curtailed. What it took off is ``p_transformer_guard_kw``, what is left above the capacity
   a violation ``p_transformer_overload_kw`` (:func:`apparent_excess_kw`);
8. electricity balance closed by the grid within its limits; an import still above the
   import limit (grid outage) is shed in the order heat pumps and electric boiler (the gas
   boiler takes over where it can, else unserved heat), chiller (unserved cooling), fixed
   load (unserved electricity); a surplus first cuts the batteries' discharge, then V2G
   (:meth:`Plant.keep_stored`: stored energy is not sold at the export price, as a plant's
   energy-management system holds it; each within the room of a site transformer behind it),
   then charges the batteries beyond their set-points where a kWh kept is worth more than one
   sold (:meth:`Plant.store_surplus`; only what would be curtailed where it is not), then is
   exported within the export limit, then PV is curtailed.

Every hour the balance closes exactly; the dataset records each flow under the names of
the optimiser's dispatch (docs/architecture.md) plus ``p_unserved_kw``,
``q_unserved_heat_kw``, ``q_unserved_cooling_kw``, ``e_ev_shortfall_kwh``, ``p_month_peak_kw``,
``p_charge_held_kw``, ``p_battery_hold_kw``, ``p_connection_capacity_kw``,
``p_connection_guard_kw`` and ``p_connection_overload_kw`` and, with site transformers,
``p_transformer_kw``, ``s_transformer_kva``, ``p_transformer_guard_kw`` and
``p_transformer_overload_kw`` (dimension ``transformer``).
"""

from __future__ import annotations

import time as _time

import numpy as np

from solvers.problem import COOL_BUS, HEAT_BUS
from twin.operate import cold
from twin.operate.state import Decision, OperatedPark, PlantState, direct_room

_TOL = 1e-6


class _Fleet:
    """Runtime of one EV fleet: per-session energy, promises and the hourly sharing."""

    def __init__(self, fp, masks, T: int):
        s = fp.sessions
        self.fp = fp
        served = s["served"].to_numpy(bool)
        self.conn = np.where(served, s["connect_h"].to_numpy(float), np.inf)
        self.dep = s["departure_h"].to_numpy(float)
        self.arr = s["arrival_h"].to_numpy(float)
        B = fp.battery_kwh
        self.p_b = float(s.attrs.get("p_battery_kw", fp.p_charger_kw * fp.eta))
        self.p_g = fp.p_charger_kw
        soc_a = s["arrival_soc"].to_numpy(float).copy()
        need = s["need_kwh"].to_numpy(float).copy()
        promise = s["promise_kwh"].to_numpy(float).copy()
        # faults: vehicles arriving in the window with less charge need more energy
        for key in (fp.name, None):
            for h0, h1, drop in masks.ev_soc_drop.get(key, []) if masks is not None else []:
                hit = (self.arr >= h0) & (self.arr < h1)
                new_soc = np.maximum(soc_a[hit] - drop, 0.0)
                extra = B * (soc_a[hit] - new_soc)
                need[hit] += extra
                promise[hit] += extra  # the promise is the planned departure charge
                soc_a[hit] = new_soc
        self.promise = np.where(served, promise, 0.0)
        self.need = need
        self.unserved_sessions = int(((~served) & (self.arr >= 0) & (self.arr < T)).sum())
        self.e = np.where(served, s["pre_kwh"].to_numpy(float), 0.0)  # net kWh since plug-in
        self.pre = self.e.copy()
        # V2G only where the plan has bidirectional chargers: none built, no vehicle gives V2G or is
        # charged beyond its promise for it (a plan without them had discharged 692 kWh a week)
        self.n_bidir = fp.bidirectional_chargers
        v2g = fp.mode == "v2g" and self.n_bidir > 0
        self.bidir = s["bidirectional"].to_numpy(bool) & served & v2g
        self.head = np.where(self.bidir, B * (1.0 - soc_a), self.promise)
        self.depth = np.where(self.bidir, B * np.maximum(soc_a - fp.v2g_min_soc, 0.0), 0.0)
        self.cum = 0.0  # net battery-side kWh delivered in the horizon (envelope frame)
        self.beyond_promise_kwh = 0.0  # battery-side energy vehicles took away beyond their promise
        self.shortfall = np.zeros(T)
        self.violations = 0
        self.kept = 0
        self.order_dep = np.argsort(self.dep, kind="stable")
        self.order_arr = np.argsort(np.where(np.isfinite(self.conn), self.conn, self.arr),
                                    kind="stable")
        # sessions by plug-in time, to find those connected in an hour without a full scan
        self._by_conn = np.argsort(self.conn, kind="stable")
        self._conn_sorted = self.conn[self._by_conn]
        fin = np.isfinite(self.conn)
        self._max_dwell = float(np.max(self.dep[fin] - self.conn[fin])) if fin.any() else 0.0
        self.connected = np.zeros(self.dep.size, bool)
        self.connected[(self.conn <= 0.0) & (self.dep > 0.0)] = True

    def active(self, t: int) -> np.ndarray:
        """Sessions connected at some time in hour ``t`` (plugged in before its end, leaving
        after its start)."""
        lo = np.searchsorted(self._conn_sorted, t - self._max_dwell - 1e-9, side="left")
        hi = np.searchsorted(self._conn_sorted, t + 1, side="left")
        cand = self._by_conn[lo:hi]
        return cand[self.dep[cand] > t]

    # -- state for the controllers
    def vehicles(self, t: int) -> dict:
        idx = self.active(t)
        return {"need": np.maximum(self.promise[idx] - self.e[idx], 0.0), "dep": self.dep[idx],
                "energy": self.e[idx] + self.depth[idx], "bidir": self.bidir[idx],
                "start": np.maximum(self.conn[idx], t), "head": self.head[idx] - self.e[idx]}

    def step(self, t: int, p_ch: float, p_dis: float, limit: float = np.inf,
             flex_limit: float = np.inf) -> tuple[float, float, float]:
        """Share the fleet's set-points in hour ``t``; returns grid-side (charge, discharge,
        charging held back by ``flex_limit``) [kW].

        Every connected vehicle first gets what it must receive in this hour to keep its
        promise at full power before departure (the charging management keeps promises
        where it physically can, whatever the set-point), as far as ``limit`` (the power
        the park can supply) allows; the rest of the charging set-point goes least laxity
        first, within ``flex_limit`` (grid side: the room below the controller's charging
        limit) for the fleet's charging as a whole; V2G comes from bidirectional vehicles
        only, each within its promise.
        """
        self._v2g = None  # this hour's V2G: (vehicles, battery-side kWh each), for give_back
        idx = self.active(t)
        if idx.size == 0:
            return 0.0, 0.0, 0.0
        start = np.maximum(self.conn[idx], t)
        end = np.minimum(self.dep[idx], t + 1)
        ov = np.clip(end - start, 0.0, 1.0)
        e = self.e[idx]
        p_b, eta = self.p_b, self.fp.eta
        after = np.clip(self.dep[idx] - (t + 1), 0.0, None)
        cap = np.clip(np.minimum(p_b * ov, self.head[idx] - e), 0.0, None)
        must = np.clip(self.promise[idx] - e - p_b * after, 0.0, cap)
        lim_b = max(limit, 0.0) * eta  # battery side
        if must.sum() > lim_b:  # not even the promises fit: least laxity first
            must = self._fill(must, must, lim_b, after, e, idx)
        got = must.copy()
        want = max(p_ch - p_dis, 0.0) * eta
        room = float((cap - got).sum())
        extra = min(want, lim_b) - got.sum()
        flex_b = max(flex_limit, 0.0) * eta
        held = max(min(extra, room) - min(extra, flex_b - got.sum(), room), 0.0) if extra > 0 else 0.0
        extra = min(extra, flex_b - got.sum())
        if extra > 0:
            got += self._fill(cap - got, cap - got, extra, after, e, idx)
        self.e[idx] += got
        ch = float(got.sum())
        dis = 0.0
        if p_dis > p_ch and self.bidir[idx].any():
            p_db = self.p_g / eta
            e = self.e[idx]
            room = np.minimum.reduce([p_db * ov - got / eta ** 2, e + self.depth[idx],
                                      e - self.promise[idx] + p_b * after])
            room = np.where(self.bidir[idx] & (got <= 0), np.clip(room, 0.0, None), 0.0)
            slack = e - self.promise[idx] + p_b * after
            order = np.argsort(-slack, kind="stable")
            if np.isfinite(self.n_bidir):  # as many vehicles as the plan has bidirectional chargers
                giving = order[room[order] > 0]
                room[giving[int(self.n_bidir):]] = 0.0
            want_d = (p_dis - p_ch) / eta  # battery side
            c = room[order]
            before = np.cumsum(c) - c
            take = np.empty_like(c)
            take[order] = np.clip(want_d - before, 0.0, c)
            self.e[idx] -= take
            dis = float(take.sum())
            self._v2g = (idx, take)
        self.cum += ch - dis
        return ch / eta, dis * eta, held / eta

    def give_back(self, kw: float) -> float:
        """Cut this hour's V2G discharge (:meth:`step`) by up to ``kw`` [kW, grid side], each giving
        vehicle keeping its share in proportion; returns the discharge cut [kW, grid side]."""
        v2g = getattr(self, "_v2g", None)
        if v2g is None or kw <= 0:
            return 0.0
        idx, take = v2g
        eta, total = self.fp.eta, float(take.sum())
        back = min(kw / eta, total)  # battery side
        if back <= 0:
            return 0.0
        share = take * (back / total)
        self.e[idx] += share
        take -= share
        self.cum += back
        return back * eta

    def _fill(self, cap, _unused, amount, after, e, idx):
        """Share ``amount`` [kWh] within ``cap`` least laxity first."""
        lax = after - np.maximum(self.promise[idx] - e, 0.0) / self.p_b
        order = np.argsort(lax, kind="stable")
        c = cap[order]
        before = np.cumsum(c) - c
        out = np.empty_like(c)
        out[order] = np.clip(amount - before, 0.0, c)
        return out

    def depart(self, i: int, t: int) -> None:
        self.beyond_promise_kwh += max(self.e[i] - self.promise[i], 0.0)
        short = self.promise[i] - self.e[i]
        if short > _TOL * max(1.0, self.promise[i]):
            self.violations += 1
            self.shortfall[min(t, self.shortfall.size - 1)] += short
        else:
            self.kept += 1
        self.connected[i] = False


def _record_arrays(park: OperatedPark) -> dict:
    T = park.T
    z = lambda *s: np.zeros((*s, T))
    rec = {k: z() for k in (
        "p_grid_import_kw", "p_grid_export_kw", "p_pv_total_kw", "p_pv_curtailed_total_kw",
        "p_load_kw", "p_unserved_kw", "q_unserved_heat_kw", "q_unserved_cooling_kw", "q_heat_demand_kw",
        "q_cooling_demand_kw", "q_chiller_kw", "p_chiller_kw", "q_absorption_heat_kw",
        "balance_residual_kw", "heat_balance_residual_kw", "p_month_peak_kw", "p_charge_held_kw",
        "p_battery_hold_kw", "p_connection_capacity_kw", "p_connection_guard_kw", "p_connection_overload_kw")}
    nh, nw, nf = len(park.heat_pumps), len(park.waste), len(park.fleets)
    rec_process = {"q_process_heat_demand_kw": z(len(park.process_heat))} if park.process_heat else {}
    nb, nc = len(park.boilers), len(park.chillers)
    rec.update({"q_heat_pump_kw": z(nh), "p_heat_pump_kw": z(nh), "q_waste_heat_source_kw": z(nh),
                "q_waste_heat_direct_kw": z(nw), "p_ev_charge_kw": z(nf), "p_ev_discharge_kw": z(nf),
                "e_ev_shortfall_kwh": z(nf), "e_ev_cum_kwh": z(nf), "q_boiler_kw": z(nb),
                "fuel_boiler_kw": z(nb), "q_cooling_supply_kw": z(nc)})
    na, ns = len(park.batteries), len(park.thermal_stores)
    rec.update({k: z(na) for k in ("p_battery_charge_kw", "p_battery_discharge_kw", "e_battery_kwh")})
    rec.update({k: z(ns) for k in ("q_tes_charge_kw", "q_tes_discharge_kw", "e_tes_kwh")})
    if park.cold_stores:  # cold stores, and the chillers' ice making where one is an ice store
        rec.update({k: z(len(park.cold_stores)) for k in ("q_cold_charge_kw", "q_cold_discharge_kw", "e_cold_kwh")})
        if any(x["kind"] == "ice" for x in park.cold_stores):
            rec.update({"q_ice_making_kw": z(nc), "p_ice_making_kw": z()})
    rec.update(rec_process)
    if park.transformers:  # the transformers behind the point of connection (site guard)
        nt = len(park.transformers)
        rec.update({k: z(nt) for k in ("p_transformer_kw", "s_transformer_kva", "p_transformer_guard_kw",
                                        "p_transformer_overload_kw")})
        rec["p_pv_curtailed_site_kw"] = z(len(park.pv_names))
    if any(w["buses"] for w in park.waste):  # waste heat used directly, on every heat bus as in the plan
        rec["q_waste_heat_direct_bus_kw"] = z(len(park.heat_buses))
    if park.process_heat:  # unserved heat by heat bus
        rec["q_unserved_heat_bus_kw"] = z(len(park.heat_buses))
    if park.process_cooling:  # process cooling, unserved cooling and chiller electricity by cooling bus
        rec["q_process_cooling_demand_kw"] = z(len(park.process_cooling))
        rec["q_unserved_cooling_bus_kw"] = z(len(park.cooling_buses))
        rec["p_chiller_bus_kw"] = z(len(park.cooling_buses))
    if park.district_heat_kw is not None:
        rec["q_heat_import_kw"] = z()
        rec["q_district_heat_demand_kw"] = z()
    return rec


class Plant:
    """The park's physics for one hour at a time (see the module docstring)."""

    def __init__(self, park: OperatedPark):
        self.park = park
        self.batt = {b["name"]: float(park.initial["battery_kwh"][b["name"]]) for b in park.batteries}
        self.tes = {x["name"]: float(park.initial["tes_kwh"][x["name"]]) for x in park.thermal_stores}
        self.cold = {x["name"]: float(park.initial.get("cold_kwh", {}).get(x["name"], 0.0)) for x in park.cold_stores}
        self.fleets = [_Fleet(f, park.masks, park.T) for f in park.fleets]
        self.rec = _record_arrays(park)
        self.month_peak = {}
        # the transformers each fleet charges through (its site's, and any it is nested in)
        self._fleet_tr = [[k for k, x in enumerate(park.transformers) if i in x["fleets"]]
                          for i in range(len(park.fleets))]

    def state(self, t: int) -> PlantState:
        p = self.park
        m = int(p.month[t]) if t < p.T else 0
        by_name = {f.fp.name: f for f in self.fleets}
        return PlantState(t=t, battery_kwh=dict(self.batt), tes_kwh=dict(self.tes), cold_kwh=dict(self.cold),
                          ev_cum_kwh={f.fp.name: f.cum for f in self.fleets},
                          vehicles_fn=(lambda name: by_name[name].vehicles(t)) if t < p.T else None,
                          month_peak_kw=self.month_peak.get(m, 0.0))

    # ------------------------------------------------------------------ one hour
    def run_hour(self, t: int, d: Decision) -> dict:
        p, r = self.park, self.rec
        grid_up = p.grid_up(t)
        imp_cap = float(p.import_limit_kw[t]) if grid_up else 0.0
        exp_cap = float(p.export_limit_kw[t]) if grid_up else 0.0
        price = p.price[t]
        cprice = p.carbon_price * 1e-3  # CNY per kgCO2
        pv_arr = p.pv_per_kwp[:, t] * p.pv_kwp
        pv_avail = float(pv_arr.sum())
        load = float(p.load_kw[t])
        # 1. batteries, each within its power, content limits and outages
        nb = len(p.batteries)
        bch, bdis = np.zeros(nb), np.zeros(nb)
        for i, b in enumerate(p.batteries):
            if not p.available("battery", t, b["name"]):
                continue
            sp = float(d.battery_kw.get(b["name"], 0.0))
            e0 = b["keep"] * self.batt[b["name"]]
            if sp > 0:
                room = (b["soc_max"] * b["kwh"] - e0) / b["eta_c"]
                bch[i] = float(np.clip(min(sp, b["kw"], room), 0.0, None))
            elif sp < 0:
                avail = (e0 - b["soc_min"] * b["kwh"]) * b["eta_d"]
                bdis[i] = float(np.clip(min(-sp, b["kw"], avail), 0.0, None))
        # 2. cooling (absorption chillers draw on the heat bus), 3. heat bus
        cool = self._cool(t, d, price, cprice)
        self._cool_now = cool  # the connection guard cuts cold-store charging too
        heat = self._heat(t, d, price, cprice, extra=cool["q_abs_heat"])
        p_chiller = cool["p_elec"]
        # 4. EV fleets, within the power the park can supply; charging beyond the promises
        # only within the room below the charging limit and below the connection's capacity
        # (battery charging left aside: it is cut first)
        n0 = load + heat["p_elec"] + p_chiller + bch.sum() - bdis.sum() - pv_avail
        room = imp_cap - n0 if np.isfinite(imp_cap) else np.inf
        lim = np.inf if d.charge_limit_kw is None else float(d.charge_limit_kw)
        flex_room = lim - (n0 - bch.sum())
        guard_room = self.connection_capacity_kw(t, load + heat["p_elec"] + p_chiller) - (n0 - bch.sum())
        ev_ch, ev_dis = [], []
        held = guarded = 0.0
        nt = len(p.transformers)
        tr_guard = np.zeros(nt)
        site_curt = np.zeros(len(p.pv_names))
        # each transformer's flows before EV charging, its batteries' charging left aside (cut first)
        tr_p, tr_c = np.zeros(nt), np.zeros(nt)
        for k, x in enumerate(p.transformers):
            tr_p[k], tr_c[k] = self._site_flows(t, x, heat, cool, [0.0] * len(self.fleets), [0.0] * len(self.fleets),
                                                np.zeros(len(p.batteries)), bdis, pv_arr, site_curt)
        for i, f in enumerate(self.fleets):
            site_room = min((apparent_room_kw(p.transformers[k]["kva"], p.transformers[k]["tan_phi"], tr_p[k], tr_c[k])
                             for k in self._fleet_tr[i]), default=np.inf)
            if f.fp.mode == "uncontrolled":
                sp_c, sp_d, flex = np.inf, 0.0, np.inf  # charging on arrival is not flexible
            else:
                sp_c = float(d.ev_charge_kw.get(f.fp.name, 0.0))
                sp_d = float(d.ev_discharge_kw.get(f.fp.name, 0.0)) if f.fp.mode == "v2g" else 0.0
                flex = max(min(flex_room, guard_room, site_room), 0.0) + sp_d
            sp_d = min(sp_d, max(n0, 0.0) + exp_cap)
            c, dch, h = f.step(t, sp_c, sp_d, limit=max(room, 0.0) + sp_d, flex_limit=flex)
            if site_room < min(flex_room, guard_room):  # a site transformer held it back
                for k in self._fleet_tr[i]:
                    tr_guard[k] += h
            elif guard_room < flex_room:  # the connection's capacity held it back, not the charging limit
                guarded += h
            else:
                held += h
            room -= c - dch
            flex_room -= c - dch
            guard_room -= c - dch
            for k in self._fleet_tr[i]:
                tr_p[k] += c - dch
                tr_c[k] += max(c - dch, 0.0)
            ev_ch.append(c)
            ev_dis.append(dch)
        net = n0 + sum(ev_ch) - sum(ev_dis)
        # 5. charging held in real time so that it never takes the import above the limit
        if net > lim + _TOL:
            over = net - lim
            left = _cut(bch, over)
            if left > 0:
                left = self._cut_tes_charging(t, heat, left)
            if left > 0:
                left = cold.cut_charging(p, t, cool, left)
                self._cool_totals(t, cool)
                p_chiller = cool["p_elec"]
            net -= over - left
            held += over - left
        # 6. the peak held in real time: the batteries discharge beyond their set-points,
        # each above the reserve the controller keeps for later
        hold = np.inf if d.peak_hold_kw is None else float(d.peak_hold_kw)
        added = 0.0
        if net > hold + _TOL:
            over = net - hold
            left = self.hold_import(t, bch, bdis, over, d.battery_reserve_kwh)
            net -= over - left
            added += over - left
        # 7. the connection guard: import held by cutting flexible charging, then by the
        # batteries' discharge; export held by cutting discharge, charging more, curtailing PV
        cons = load + heat["p_elec"] + p_chiller + sum(ev_ch)
        cap = self.connection_capacity_kw(t, cons, export=net < 0)
        if net >= 0:
            net, taken, dis_added = self.guard_import(t, net, cap, bch, bdis, heat)
            added += dis_added
            p_chiller = cool["p_elec"]
        else:
            net, taken = self.guard_export(t, net, cap, bch, bdis)
        guarded += taken
        # 7b. the transformers behind the point of connection, each on its own flows
        if nt:
            tr_guard += self.guard_transformers(t, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)
            p_chiller = cool["p_elec"]
            net = (load + heat["p_elec"] + p_chiller + bch.sum() - bdis.sum() + sum(ev_ch) - sum(ev_dis)
                   - (pv_avail - site_curt.sum()))
            cap = self.connection_capacity_kw(t, load + heat["p_elec"] + p_chiller + sum(ev_ch), export=net < 0)
        overload = max(min(net, imp_cap) - cap, 0.0)
        pv_left = pv_avail - float(site_curt.sum())  # PV after the site transformers' curtailment
        # 8. balance: shed a shortfall, export or curtail a surplus
        unserved = 0.0
        if net > imp_cap:
            short = net - imp_cap
            if short > 0:
                short = self._shed_heat(heat, short)
            if short > 0 and p_chiller > 0:
                short = self._shed_cool(t, cool, short)
                p_chiller = cool["p_elec"]
            unserved = max(short, 0.0)
            imp, exp, curt = imp_cap, 0.0, 0.0
        elif net >= 0:
            imp, exp, curt = net, 0.0, 0.0
        else:
            # stored energy is not exported: the batteries' discharge and V2G are cut first
            surplus = -net - self.keep_stored(t, -net, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)
            # what is left is stored where a kWh kept is worth more than one sold (or curtailed)
            surplus -= self.store_surplus(t, surplus, cap, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)
            exp = min(surplus, cap)  # the export capacity: the export limit or the transformer's
            curt = min(surplus - exp, pv_left)
            guarded += min(surplus, exp_cap) - exp  # PV curtailed to hold the transformer
            rest = surplus - exp - curt
            if rest > 0:
                rest = _cut(bdis, rest)
            imp = 0.0
            if rest > 1e-9:  # V2G beyond what the park can take: count it as curtailed
                curt += rest
        # store updates
        for i, b in enumerate(p.batteries):
            n = b["name"]
            self.batt[n] = b["keep"] * self.batt[n] + b["eta_c"] * bch[i] - bdis[i] / b["eta_d"]
        self._tes_update(heat)
        if p.cold_stores:
            cold.update(p, self.cold, cool)
        # record
        r["p_grid_import_kw"][t], r["p_grid_export_kw"][t] = imp, exp
        r["p_pv_total_kw"][t], r["p_pv_curtailed_total_kw"][t] = pv_left - curt, curt + (pv_avail - pv_left)
        if nt:
            self._record_transformers(t, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt, curt,
                                      unserved, load, tr_guard)
        r["p_battery_charge_kw"][:, t], r["p_battery_discharge_kw"][:, t] = bch, bdis
        r["e_battery_kwh"][:, t] = [self.batt[b["name"]] for b in p.batteries]
        r["p_load_kw"][t] = load
        r["p_unserved_kw"][t] = unserved
        r["p_charge_held_kw"][t] = held
        r["p_battery_hold_kw"][t] = added
        r["p_connection_capacity_kw"][t] = cap
        r["p_connection_guard_kw"][t] = guarded
        r["p_connection_overload_kw"][t] = overload
        self._record_cool(t, cool)
        for i in range(len(self.fleets)):
            r["p_ev_charge_kw"][i, t], r["p_ev_discharge_kw"][i, t] = ev_ch[i], ev_dis[i]
            r["e_ev_cum_kwh"][i, t] = self.fleets[i].cum
        self._record_heat(t, heat)
        m = int(p.month[t])
        self.month_peak[m] = max(self.month_peak.get(m, 0.0), imp)
        r["p_month_peak_kw"][t] = self.month_peak[m]
        supply = imp + (pv_left - curt) + bdis.sum() + sum(ev_dis)
        use = (exp + load - unserved + heat["p_elec"] + p_chiller + bch.sum() + sum(ev_ch))
        r["balance_residual_kw"][t] = supply - use
        return {"import_kw": imp, "export_kw": exp, "battery_kwh": dict(self.batt), "tes_kwh": dict(self.tes),
                "cold_kwh": dict(self.cold)}

    # ------------------------------------------------------------------ site transformers
    def _site_flows(self, t: int, x: dict, heat: dict, cool: dict, ev_ch, ev_dis, bch: np.ndarray,
                    bdis: np.ndarray, pv_arr: np.ndarray, site_curt: np.ndarray) -> tuple[float, float]:
        """Flows through transformer ``x`` (an entry of :attr:`OperatedPark.transformers`) in hour
        ``t``: (active power into its low-voltage side [kW], negative where it feeds back; the
        consumption at the loads' power factor behind it [kW]: buildings and process loads, heat
        pumps, electric boilers and chillers, EV charging beyond V2G), as the park-grid check counts
        them (:func:`twin.grid.timeseries.injections`: batteries, PV and V2G at unity power factor)."""
        p = self.park
        c = float(x["fixed_kw"][t])
        c += sum(heat["q_hp"][j] / p.heat_pumps[j]["cop"][t] for j in x["heat_pumps"])
        c += sum(heat["q_b"][j] / p.boilers[j]["eff"] for j in x["boilers"])
        c += sum(cool["q"][j] / p.chillers[j]["cop"][t] for j in x["chillers"])
        ev = [ev_ch[i] - ev_dis[i] for i in x["fleets"]]
        c += sum(max(v, 0.0) for v in ev)
        pw = c + sum(min(v, 0.0) for v in ev)
        pw += sum(bch[i] - bdis[i] for i in x["batteries"])
        pw -= sum(pv_arr[i] - site_curt[i] for i in x["pv"])
        return float(pw), float(c)

    def keep_stored(self, t: int, surplus: float, heat: dict, cool: dict, ev_ch, ev_dis, bch: np.ndarray,
                    bdis: np.ndarray, pv_arr: np.ndarray, site_curt: np.ndarray) -> float:
        """Cut the batteries' discharge (``bdis`` [kW], in store order), then the fleets' V2G
        (``ev_dis`` [kW], :meth:`_Fleet.give_back`), by up to the hour's ``surplus`` [kW]: energy
        in store is not exported at the export price (the plant's energy-management system trims
        discharge to the park's own use, as 防逆流 practice does). Each within the room left
        below the capacity of a site transformer behind it (cutting a discharge raises the flow in).
        ``bdis`` and ``ev_dis`` change in place; returns the discharge cut [kW]."""
        p = self.park
        left = surplus

        def room(tr: list) -> float:
            return self._site_room(t, tr, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)

        for i in range(len(bdis)):
            if left <= _TOL:
                break
            tr = [k for k, x in enumerate(p.transformers) if i in x["batteries"]]
            c = min(left, bdis[i], max(room(tr), 0.0))
            if c > 0:
                bdis[i] -= c
                left -= c
        for i, f in enumerate(self.fleets):
            if left <= _TOL:
                break
            if ev_dis[i] <= 0:
                continue
            c = f.give_back(min(left, ev_dis[i], max(room(self._fleet_tr[i]), 0.0)))
            ev_dis[i] -= c
            left -= c
        return surplus - left

    def _charge_room(self, t: int, i: int, bch: np.ndarray, bdis: np.ndarray) -> float:
        """More charging battery ``i`` can take in hour ``t`` [kW]: within its power less the charge
        ``bch[i]`` it already takes and its room below ``soc_max`` at the end of the hour; 0 while it
        discharges (``bdis[i]`` > 0) or is out of service."""
        b = self.park.batteries[i]
        n = b["name"]
        if bdis[i] > 0 or not self.park.available("battery", t, n):
            return 0.0
        return min(b["kw"], (b["soc_max"] * b["kwh"] - b["keep"] * self.batt[n]) / b["eta_c"]) - bch[i]

    def _site_room(self, t: int, tr: list, heat: dict, cool: dict, ev_ch, ev_dis, bch: np.ndarray,
                   bdis: np.ndarray, pv_arr: np.ndarray, site_curt: np.ndarray) -> float:
        """Room left below the capacity of the site transformers ``tr`` (indices of
        :attr:`OperatedPark.transformers`) for more flow in, on the hour's flows as they stand [kW];
        inf behind none."""
        p = self.park
        return min((-self._site_over(t, p.transformers[k], heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr,
                                     site_curt)[0] for k in tr), default=np.inf)

    def store_surplus(self, t: int, surplus: float, cap: float, heat: dict, cool: dict, ev_ch, ev_dis,
                      bch: np.ndarray, bdis: np.ndarray, pv_arr: np.ndarray, site_curt: np.ndarray) -> float:
        """Charge the batteries beyond their set-points from the hour's ``surplus`` [kW] (what is left
        after :meth:`keep_stored`), as a plant's energy-management system soaks up PV it would
        otherwise sell or curtail: each battery in store order, in service and not discharging, within
        its power and its room below ``soc_max`` at the end of the hour, and within the room of a site
        transformer behind it. A kWh stored is worth ``η_c·η_d`` times the cheapest import price of the
        next 24 h (with the controller's carbon price on the grid factor) less the battery's wear: the
        whole surplus is stored where that is above the export price, else only the part beyond the
        export capacity ``cap`` [kW] (which would be curtailed). ``bch`` changes in place; returns the
        power stored [kW]."""
        p = self.park
        if surplus <= _TOL or not p.batteries:
            return 0.0
        nxt = slice(t + 1, min(t + 25, p.T))
        later = p.price[nxt] + p.carbon_price * 1e-3 * p.ef[nxt]
        if later.size == 0:
            return 0.0  # the last hour of the year: nothing later to use it for
        cheapest = float(later.min())
        sell = float(p.price_export[t])
        left = surplus

        def room(tr: list) -> float:
            return self._site_room(t, tr, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)

        for i, b in enumerate(p.batteries):
            if left <= _TOL:
                break
            head = self._charge_room(t, i, bch, bdis)
            worth = b["eta_c"] * b["eta_d"] * cheapest - float(b.get("wear") or 0.0)
            if head <= 0.0 or worth <= 0.0:
                continue
            # above the export price all of it; else only what the export capacity would curtail
            take = left if worth > sell else max(left - max(cap, 0.0), 0.0)
            tr = [k for k, x in enumerate(p.transformers) if i in x["batteries"]]
            add = min(take, head, max(room(tr), 0.0))
            if add > 0:
                bch[i] += add
                left -= add
        return surplus - left

    def guard_transformers(self, t: int, heat: dict, cool: dict, ev_ch, ev_dis, bch: np.ndarray,
                           bdis: np.ndarray, pv_arr: np.ndarray, site_curt: np.ndarray) -> np.ndarray:
        """Hold each transformer behind the point of connection within the apparent power it may
        carry (``kva``, :attr:`OperatedPark.transformers`) on the hour's actual flows, as the site's
        energy-management system does: the active power it carries beside the reactive draw of the
        consumption behind it, ``sqrt(S̄² − (tan φ · consumption)²)`` [kW], in either direction.

        Flowing in above it: the batteries behind it stop charging, then the thermal stores charge
        less from its heat pumps and electric boilers (:meth:`_cut_tes_charging`), then its
        batteries discharge beyond their set-points down to ``soc_min`` (:meth:`hold_import`).
        Feeding back above it: its batteries' discharge is cut, then they charge (within power and
        room), then its PV is curtailed (``site_curt`` [kW per array], in proportion to what each
        array still gives). EV charging beyond the promises was given only the room below it
        (step 4). ``heat``, ``cool``, ``bch``, ``bdis`` and ``site_curt`` change in place; returns
        what the guard took off each transformer's flow [kW]; what is left above the capacity is
        the transformer's overload (:meth:`_record_transformers`)."""
        p = self.park
        taken = np.zeros(len(p.transformers))
        flows = (heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, site_curt)
        for k, x in enumerate(p.transformers):
            imp, exp, p0 = self._site_over(t, x, *flows)
            if imp > _TOL:
                left = imp
                for i in x["batteries"]:  # battery charging behind it first
                    cut = min(bch[i], left)
                    bch[i] -= cut
                    left -= cut
                if left > _TOL and x["heat_pumps"] + x["boilers"]:
                    self._cut_tes_charging(t, heat, left, hps=x["heat_pumps"], boilers=x["boilers"])
                    left = max(self._site_over(t, x, *flows)[0], 0.0)
                if left > _TOL and x["batteries"]:
                    self.hold_import(t, bch, bdis, left, only=x["batteries"])
            elif exp > _TOL:
                left = exp
                for i in x["batteries"]:  # its batteries' discharge first, then they charge
                    cut = min(bdis[i], left)
                    bdis[i] -= cut
                    left -= cut
                for i in x["batteries"]:
                    b = p.batteries[i]
                    if left <= _TOL or bdis[i] > 0 or not p.available("battery", t, b["name"]):
                        continue
                    add = max(min(left, b["kw"] - bch[i],
                                  (b["soc_max"] * b["kwh"] - b["keep"] * self.batt[b["name"]]) / b["eta_c"] - bch[i]), 0.0)
                    bch[i] += add
                    left -= add
                if left > _TOL and x["pv"]:  # then its PV, in proportion to what each array gives
                    give = np.array([pv_arr[i] - site_curt[i] for i in x["pv"]])
                    tot = float(give.sum())
                    if tot > 0:
                        cut = min(left, tot)
                        for i, g in zip(x["pv"], give):
                            site_curt[i] += cut * g / tot
            taken[k] = abs(p0 - self._site_over(t, x, *flows)[2])
        return taken

    def _site_over(self, t: int, x: dict, *flows) -> tuple[float, float, float]:
        """Transformer ``x``'s flow in hour ``t`` against its capacity (:meth:`_site_flows` with
        ``flows``): (active power flowing in above the capacity, feeding back above it, the active
        power flowing in) [kW]; the capacity is ``sqrt(S̄² − (tan φ · consumption)²)``."""
        pw, c = self._site_flows(t, x, *flows)
        cap = float(np.sqrt(max(x["kva"] ** 2 - (x["tan_phi"] * c) ** 2, 0.0)))
        return pw - cap, -pw - cap, pw

    def _record_transformers(self, t: int, heat: dict, cool: dict, ev_ch, ev_dis, bch, bdis, pv_arr,
                             site_curt, curt: float, unserved: float, load: float, guard: np.ndarray) -> None:
        """Each transformer's flows in hour ``t`` once the hour is closed: load shed in proportion at
        every fixed load, the park's PV curtailment in proportion at every array; its active power,
        apparent power, what the guard took off and the overload left above its capacity
        (:func:`apparent_excess_kw`) [kW, kVA]."""
        p, r = self.park, self.rec
        left = pv_arr - site_curt
        tot = float(left.sum())
        final = site_curt + (left / tot * curt if tot > 0 else 0.0)  # the park's curtailment by share
        served = 1.0 - (unserved / load if load > 1e-9 else 0.0)
        for k, x in enumerate(p.transformers):
            fixed = float(x["fixed_kw"][t])
            pw, c = self._site_flows(t, x, heat, cool, ev_ch, ev_dis, bch, bdis, pv_arr, final)
            shed = fixed * (1.0 - min(max(served, 0.0), 1.0))
            pw, c = pw - shed, c - shed
            q = x["tan_phi"] * c
            r["p_transformer_kw"][k, t] = pw
            r["s_transformer_kva"][k, t] = float(np.hypot(pw, q))
            r["p_transformer_guard_kw"][k, t] = guard[k]
            r["p_transformer_overload_kw"][k, t] = apparent_excess_kw(x["kva"], x["tan_phi"], pw, c)
        r["p_pv_curtailed_site_kw"][:, t] = site_curt

    # ------------------------------------------------------------------ real time
    def connection_capacity_kw(self, t: int, consumption_kw: float, export: bool = False) -> float:
        """Import (``export``: export) the grid connection carries in hour ``t`` [kW].

        The import (export) limit (the scenario's, or the park-grid check's hourly limit; 0 in
        a grid outage) and, where a park transformer stands at the point of connection
        (``OperatedPark.connection_kva`` [kVA]: its rating times its loading limit, less the
        guard's margin), the active power it carries beside the hour's reactive draw:
        ``sqrt(S̄² − Q²)`` with ``Q = reactive_per_kw · consumption_kw`` [kvar] (loads, heat
        pumps, chillers and EV chargers at the network's load power factor; batteries and PV at
        unity, as in the park-grid check), 0 where ``Q ≥ S̄``.
        """
        p = self.park
        lim = p.export_limit_kw if export else p.import_limit_kw
        cap = float(lim[t]) if p.grid_up(t) else 0.0
        s = p.connection_kva
        if np.isfinite(s):
            q = p.reactive_per_kw * max(consumption_kw, 0.0)
            cap = min(cap, float(np.sqrt(max(s * s - q * q, 0.0))))
        return cap

    def guard_import(self, t: int, net: float, cap: float, bch: np.ndarray, bdis: np.ndarray,
                     heat: dict) -> tuple[float, float, float]:
        """Hold the import ``net`` [kW] of hour ``t`` at or below the connection's capacity
        ``cap`` [kW] (:meth:`connection_capacity_kw`), as an energy-management system does on
        the hour's actual flows.

        Cut in this order until the import is at ``cap``: battery charging (``bch`` [kW], in
        store order; EV charging beyond what the promises need was given only the room below
        ``cap`` with battery charging counted as room, step 4 of the module docstring, so it
        comes next), thermal-store charging from electric heat (:meth:`_cut_tes_charging`;
        ``heat`` changed in place), then the batteries discharge beyond their set-points down to
        ``soc_min`` (:meth:`hold_import`; ``bdis`` [kW] changed in place). Returns (import left
        [kW], import taken off [kW], battery discharge added [kW]); what is left above ``cap``
        is the connection's overload.
        """
        over = net - cap
        if over <= _TOL:
            return net, 0.0, 0.0
        left = _cut(bch, over)
        if left > 0:
            left = self._cut_tes_charging(t, heat, left)
        if left > 0 and getattr(self, "_cool_now", None) is not None:  # then the cold stores' charging
            left = cold.cut_charging(self.park, t, self._cool_now, left)
            self._cool_totals(t, self._cool_now)
        dis0 = float(bdis.sum())
        if left > 0:  # the batteries discharge down to soc_min before any overload or shedding
            left = self.hold_import(t, bch, bdis, left)
        taken = over - left
        return net - taken, taken, float(bdis.sum()) - dis0

    def guard_export(self, t: int, net: float, cap: float, bch: np.ndarray,
                     bdis: np.ndarray) -> tuple[float, float]:
        """Hold the export ``-net`` [kW] of hour ``t`` at or below the connection's export
        capacity ``cap`` [kW]: battery discharge (``bdis`` [kW]) is cut, then the batteries not
        discharging charge beyond their set-points (``bch`` [kW]) within their power and room
        below ``soc_max`` (both changed in place); PV is curtailed after (step 8). Returns
        (net import left, negative for export [kW], export taken off [kW])."""
        p = self.park
        over = -net - cap
        if over <= _TOL:
            return net, 0.0
        left = _cut(bdis, over)
        for i in range(len(p.batteries)):
            if left <= _TOL:
                break
            add = min(left, self._charge_room(t, i, bch, bdis))
            if add > 0:
                bch[i] += add
                left -= add
        taken = over - max(left, 0.0)
        return net + taken, taken

    def hold_import(self, t: int, bch: np.ndarray, bdis: np.ndarray, over: float,
                    reserve: dict | None = None, only: list | None = None) -> float:
        """Discharge the batteries beyond their set-points to take up to ``over`` [kW] off the
        import of hour ``t``; returns what is left of ``over`` [kW].

        The real-time layer under the controller's schedule: it acts on the hour's actual
        flows, once flexible charging is held. Each battery, in store order
        (:func:`twin.operate.state.store_order`), in service and not charging (``bch`` [kW]:
        charging is cut before any discharge is added), adds discharge within its power
        (``kw`` less the discharge ``bdis`` [kW] it already gives) and within the energy it
        holds above its floor at the end of the hour, ``(keep·e − floor)·η_d − bdis`` [kW over
        Δt = 1 h], where ``e`` is its content at the start of the hour [kWh] and ``floor`` the
        higher of ``soc_min·kwh`` and ``reserve[name]`` [kWh] (the controller's reserve; None:
        ``soc_min`` only). ``only``: the batteries that may act (indices; None: all). ``bdis`` is
        changed in place.
        """
        p = self.park
        reserve = reserve or {}
        for i, b in enumerate(p.batteries):
            if over <= _TOL:
                break
            n = b["name"]
            if bch[i] > 0 or not p.available("battery", t, n) or (only is not None and i not in only):
                continue
            floor = max(b["soc_min"] * b["kwh"], float(reserve.get(n, 0.0)))
            room = min(b["kw"], (b["keep"] * self.batt[n] - floor) * b["eta_d"]) - bdis[i]
            add = min(over, room)
            if add > 0:
                bdis[i] += add
                over -= add
        return max(over, 0.0)

    # ------------------------------------------------------------------ cooling
    def _cool(self, t: int, d: Decision, price: float, cprice: float) -> dict:
        """Serve each cooling bus from its own chillers: the chilled-water network (the buildings'
        cooling and the process cooling that joins it) first, then each process-cooling loop of its
        own; on each bus the controller's targets first, then merit order (cost per kWh of cooling at
        this hour's prices, emissions at the controller's carbon price); what a bus's chillers cannot
        give is its unserved cooling."""
        p = self.park
        n = len(p.chillers)
        buses = p.cooling_buses
        out = {"q": np.zeros(n), "unserved": 0.0, "p_elec": 0.0, "q_abs_heat": 0.0, "demand": 0.0,
               "process": np.zeros(len(p.process_cooling)), "unserved_bus": np.zeros(len(buses)),
               **cold.new_hour(p, n)}
        if p.cool_kw is None:
            return out
        out["demand"] = float(p.cool_kw[t])
        out["process"] = np.array([float(x["kw"][t]) for x in p.process_cooling])
        heat_cost = self._cheapest_heat_cost(t, price, cprice)
        targets = d.cool_kw or {}
        for b, bus in enumerate(buses):
            need = cold.bus_set_points(p, self.cold, t, d, bus, p.cooling_demand_kw(bus, t), out)
            cands = []
            for j, c in enumerate(p.chillers):
                if c.get("bus", COOL_BUS) != bus or c["kw"] <= 0 or not p.available("chiller", t, c["name"]):
                    continue
                cost = ((price + cprice * p.ef[t]) if c["kind"] == "electric" else heat_cost) / c["cop"][t]
                cands.append((j, cost))
            ice = cold.ice_makers_wanted(p, d, bus)  # chillers that make ice the stores want: chilled water last
            cands.sort(key=lambda jc: (-(targets.get(jc[0], 0.0) > 0), jc[0] in ice, jc[1]))
            for j, _ in [(j, c) for j, c in cands if targets.get(j, 0.0) > 0] + cands:
                if need <= _TOL:
                    break
                amount = targets.get(j) if out["q"][j] == 0 and targets.get(j, 0.0) > 0 else None
                want = need if amount is None else min(need, amount)
                got = max(min(want, p.chillers[j]["kw"] - out["q"][j]), 0.0)
                out["q"][j] += got
                need -= got
            if need > _TOL:  # a chilled-water store's charging the chillers cannot make is taken back first
                need = cold.cut_bus_charging(p, bus, out, need)
            out["unserved_bus"][b] = max(need, 0.0)
            cold.make_ice(p, self.cold, t, d, bus, out, out["q"])
        out["unserved"] = float(out["unserved_bus"].sum())
        self._cool_totals(t, out)
        return out

    def _cool_totals(self, t: int, out: dict) -> None:
        p = self.park
        out["p_elec"] = float(sum(out["q"][j] / c["cop"][t] for j, c in enumerate(p.chillers)
                                  if c["kind"] == "electric")) + cold.ice_electricity(p, t, out)
        out["q_abs_heat"] = float(sum(out["q"][j] / c["cop"][t] for j, c in enumerate(p.chillers)
                                      if c["kind"] != "electric"))

    def _shed_cool(self, t: int, cool: dict, short: float) -> float:
        """Take the cold stores' charging off (:func:`twin.operate.cold.cut_charging`), then electric chillers
        (unserved cooling); returns the shortfall [kW] left."""
        p = self.park
        short = cold.cut_charging(p, t, cool, short)
        for j, c in enumerate(p.chillers):
            if short <= 0:
                break
            if c["kind"] != "electric" or cool["q"][j] <= 0:
                continue
            q_cut = min(cool["q"][j], short * c["cop"][t])
            cool["q"][j] -= q_cut
            cool["unserved"] += q_cut
            if "unserved_bus" in cool:
                cool["unserved_bus"][p.cooling_buses.index(c.get("bus", COOL_BUS))] += q_cut
            short -= q_cut / c["cop"][t]
        self._cool_totals(t, cool)
        return max(short, 0.0)

    def _record_cool(self, t: int, cool: dict) -> None:
        r = self.rec
        r["q_cooling_demand_kw"][t] = cool["demand"]
        r["q_cooling_supply_kw"][:, t] = cool["q"]
        r["q_chiller_kw"][t] = float(cool["q"].sum()) + float(cool["ice"].sum())
        r["p_chiller_kw"][t] = cool["p_elec"]
        r["q_absorption_heat_kw"][t] = cool["q_abs_heat"]
        r["q_unserved_cooling_kw"][t] = cool["unserved"]
        if "q_process_cooling_demand_kw" in r:
            p = self.park
            r["q_process_cooling_demand_kw"][:, t] = cool["process"]
            r["q_unserved_cooling_bus_kw"][:, t] = cool["unserved_bus"]
            r["p_chiller_bus_kw"][:, t] = [
                sum(cool["q"][j] / c["cop"][t] for j, c in enumerate(p.chillers)
                    if c["kind"] == "electric" and c.get("bus", COOL_BUS) == bus)
                + sum(cool["ice"][j] / c["ice_cop"][t] for j, c in enumerate(p.chillers)
                      if cool["ice"][j] > 0 and c.get("bus", COOL_BUS) == bus) for bus in p.cooling_buses]
        if "q_cold_charge_kw" in r:
            p = self.park
            r["q_cold_charge_kw"][:, t], r["q_cold_discharge_kw"][:, t] = cool["cch"], cool["cdis"]
            r["e_cold_kwh"][:, t] = [self.cold[x["name"]] for x in p.cold_stores]
            if "q_ice_making_kw" in r:
                r["q_ice_making_kw"][:, t] = cool["ice"]
                r["p_ice_making_kw"][t] = cold.ice_electricity(p, t, cool)

    # ------------------------------------------------------------------ heat buses
    def _heat_sources(self, t: int, price: float, cprice: float, bus: str = HEAT_BUS) -> list:
        """(key, cost per kWh heat) of every source of heat bus ``bus`` available in hour ``t``:
        ``("dir", j)`` (on a process-heat bus ``("dir", j, bus)``), ``("hp", j)``, ``("boiler", j)``."""
        p = self.park
        el = price + cprice * p.ef[t]
        srcs = [((("dir", j) if bus == HEAT_BUS else ("dir", j, bus)), 0.0) for j, w in enumerate(p.waste)
                if w["hx_kw"] > 0 and bus in w.get("buses", [HEAT_BUS])]
        srcs += [(("hp", j), el / h["cop"][t]) for j, h in enumerate(p.heat_pumps)
                 if h.get("bus", HEAT_BUS) == bus and h["kw"] * h["avail"][t] > 0
                 and p.available("heat_pump", t, h["name"])]
        for j, b in enumerate(p.boilers):
            if b["kw"] > 0 and b.get("bus", HEAT_BUS) == bus:
                cost = el if b["fuel"] == "electric" else b["price"] + cprice * b["ef"]
                srcs.append((("boiler", j), cost / b["eff"]))
        dh = p.district_heat
        if bus == HEAT_BUS and dh is not None and dh["cap"] > 0:  # district heat that may be replaced
            srcs.append((("dh", 0), dh["price"] + cprice * dh["ef"]))
        return srcs

    def _cheapest_heat_cost(self, t: int, price: float, cprice: float) -> float:
        srcs = self._heat_sources(t, price, cprice)
        return min((c for _, c in srcs), default=np.inf)

    def _heat(self, t: int, d: Decision, price: float, cprice: float, extra: float = 0.0) -> dict:
        """Serve every heat bus in hour ``t``: the network first (its thermal stores' set-points,
        the buildings' and the joined process heat, absorption chillers' ``extra`` [kW]), then each
        process-heat bus, each from its own sources (the controller's targets first, then merit
        order), the waste heat's availability shared by all buses."""
        p = self.park
        out = {"q_hp": np.zeros(len(p.heat_pumps)), "q_src": np.zeros(len(p.heat_pumps)),
               "q_dir": np.zeros(len(p.waste)), "q_b": np.zeros(len(p.boilers)),
               "tch": np.zeros(len(p.thermal_stores)), "tdis": np.zeros(len(p.thermal_stores)), "unserved": 0.0,
               "p_elec": 0.0, "demand": 0.0, "extra": extra, "process": np.zeros(len(p.process_heat)),
               "unserved_bus": np.zeros(len(p.heat_buses)),
               "q_dir_bus": np.zeros((len(p.waste), len(p.heat_buses))),
               "q_dh": np.zeros(1), "dh_demand": 0.0}
        if p.district_heat is not None:
            out["dh_demand"] = float(p.district_heat_kw[t])
        if p.heat_kw is None and extra <= 0 and not p.process_heat:
            return out
        demand = (float(p.heat_kw[t]) if p.heat_kw is not None else 0.0)
        out["demand"] = demand
        out["process"] = np.array([float(x["kw"][t]) for x in p.process_heat])
        on_network = p.heat_demand_kw(HEAT_BUS, t)
        for i, x in enumerate(p.thermal_stores):
            if not p.available("thermal_storage", t, x["name"]):
                continue
            sp = float(d.tes_kw.get(x["name"], 0.0))
            e0 = x["keep"] * self.tes[x["name"]]
            if sp > 0:
                out["tch"][i] = float(np.clip(min(sp, x["rho"] * x["kwh"], (x["kwh"] - e0) / x["eta_c"]),
                                              0.0, None))
            elif sp < 0:
                out["tdis"][i] = float(np.clip(min(-sp, x["rho"] * x["kwh"], e0,
                                                   on_network + extra - out["tdis"].sum()), 0.0, None))
        waste_left = {w["name"]: float(w["avail"][t]) for w in p.waste}
        targets = d.heat_kw or {}
        for bus in p.heat_buses:
            need = p.heat_demand_kw(bus, t)
            if bus == HEAT_BUS:
                need += extra + out["tch"].sum() - out["tdis"].sum()
            order = sorted(self._heat_sources(t, price, cprice, bus), key=lambda s: s[1])
            first = [(k, targets[self._heat_key(k)]) for k, _ in order if targets.get(self._heat_key(k), 0.0) > 0]
            for k, amount in first + [(k, None) for k, _ in order]:
                if need <= _TOL:
                    break
                want = need if amount is None else min(need, amount)
                need -= self._take(t, k, want, out, waste_left)
            if need > _TOL and bus == HEAT_BUS:  # cut the store's charging first, then unserved
                need = _cut(out["tch"], need)
            if need > _TOL:  # counted on its bus: no heat goes unserved unsaid
                out["unserved"] += need
                out["unserved_bus"][p.heat_buses.index(bus)] += need
        out["p_elec"] = self._heat_elec(t, out)
        return out

    @staticmethod
    def _heat_key(k) -> str:
        """Key of a heat source in :attr:`Decision.heat_kw`: ``hp:j``, ``boiler:j``, ``dir:j`` (direct
        use on the network) or ``dir:j:<bus>`` (on a process-heat bus)."""
        return ":".join(str(x) for x in k)

    def _take(self, t: int, k, want: float, out: dict, waste_left: dict) -> float:
        p = self.park
        kind, j = k[0], k[1]
        if kind == "dir":  # one exchanger per source carries its direct use on every bus
            w = p.waste[j]
            bus = k[2] if len(k) > 2 else HEAT_BUS
            used = {b: out["q_dir_bus"][j, p.heat_buses.index(b)] for b in w.get("share") or {}}
            got = max(min(want, w["hx_kw"] - out["q_dir"][j], waste_left[w["name"]],
                          direct_room(w, bus, used, float(w["avail"][t]))), 0.0)
            out["q_dir"][j] += got
            out["q_dir_bus"][j, p.heat_buses.index(bus)] += got
            waste_left[w["name"]] -= got
            return got
        if kind == "hp":
            h = p.heat_pumps[j]
            cap = h["kw"] * h["avail"][t] - out["q_hp"][j]  # less in cold air, 0 below the cut-off
            frac = 1.0 - 1.0 / h["cop"][t]
            if h["source"] is not None and frac > 0:
                cap = min(cap, waste_left.get(h["source"], 0.0) / frac)
            got = max(min(want, cap), 0.0)
            out["q_hp"][j] += got
            if h["source"] is not None:
                out["q_src"][j] += got * frac
                waste_left[h["source"]] -= got * frac
            return got
        if kind == "dh":  # at most the contracted capacity and the demand of the buildings it serves
            got = max(min(want, min(p.district_heat["cap"], out["dh_demand"]) - out["q_dh"][0]), 0.0)
            out["q_dh"][0] += got
            return got
        got = max(min(want, p.boilers[j]["kw"] - out["q_b"][j]), 0.0)
        out["q_b"][j] += got
        return got

    def _heat_elec(self, t: int, out: dict) -> float:
        p = self.park
        e = sum(out["q_hp"][j] / h["cop"][t] for j, h in enumerate(p.heat_pumps))
        e += sum(out["q_b"][j] / b["eff"] for j, b in enumerate(p.boilers) if b["fuel"] == "electric")
        return float(e)

    def _shed_heat(self, heat: dict, short: float) -> float:
        """Take electric heat off (fuel boilers of the same heat bus take over where they can, else
        unserved); returns the shortfall [kW] left."""
        p = self.park
        t = self._t
        for j, h in enumerate(p.heat_pumps):
            if short <= 0:
                break
            cop = h["cop"][t]
            q_cut = min(heat["q_hp"][j], short * cop)
            heat["q_hp"][j] -= q_cut
            if h["source"] is not None:
                heat["q_src"][j] = heat["q_hp"][j] * (1.0 - 1.0 / cop)
            short -= q_cut / cop
            self._backfill(heat, q_cut, h.get("bus", HEAT_BUS))
        for j, b in enumerate(p.boilers):
            if short <= 0:
                break
            if b["fuel"] != "electric" or heat["q_b"][j] <= 0:
                continue
            q_cut = min(heat["q_b"][j], short * b["eff"])
            heat["q_b"][j] -= q_cut
            short -= q_cut / b["eff"]
            self._backfill(heat, q_cut, b.get("bus", HEAT_BUS))
        heat["p_elec"] = self._heat_elec(t, heat)
        return max(short, 0.0)

    def _cut_tes_charging(self, t: int, heat: dict, short: float, hps: list | None = None,
                          boilers: list | None = None) -> float:
        """Charge the thermal stores less, taking the heat off the network's electric sources
        (electric boilers first, then heat pumps, lowest COP first; only those in ``boilers`` and
        ``hps``, indices, where given) until ``short`` [kW electric] is saved or the stores are not
        charging; returns what is left of ``short``."""
        p = self.park
        srcs = [("boiler", j, b["eff"]) for j, b in enumerate(p.boilers)
                if b["fuel"] == "electric" and b.get("bus", HEAT_BUS) == HEAT_BUS and (boilers is None or j in boilers)]
        srcs += sorted((("hp", j, h["cop"][t]) for j, h in enumerate(p.heat_pumps)
                        if h.get("bus", HEAT_BUS) == HEAT_BUS and (hps is None or j in hps)),
                       key=lambda s: s[2])
        for kind, j, per in srcs:  # per: kWh heat per kWh electricity
            tch = float(heat["tch"].sum())
            if short <= 0 or tch <= 0:
                break
            key = "q_b" if kind == "boiler" else "q_hp"
            q_cut = min(heat[key][j], short * per, tch)
            if q_cut <= 0:
                continue
            heat[key][j] -= q_cut
            _cut(heat["tch"], q_cut)
            if kind == "hp" and p.heat_pumps[j]["source"] is not None:
                heat["q_src"][j] = heat["q_hp"][j] * (1.0 - 1.0 / per)
            short -= q_cut / per
        heat["p_elec"] = self._heat_elec(t, heat)
        return max(short, 0.0)

    def _backfill(self, heat: dict, q: float, bus: str = HEAT_BUS) -> None:
        """Fuel boilers of heat bus ``bus`` take over ``q`` [kW] of heat; on the network the stores'
        charging is cut for what they cannot, the rest is unserved."""
        for j, b in enumerate(self.park.boilers):
            if q <= 0:
                break
            if b["fuel"] == "electric" or b.get("bus", HEAT_BUS) != bus:
                continue
            add = max(min(q, b["kw"] - heat["q_b"][j]), 0.0)
            heat["q_b"][j] += add
            q -= add
        if bus == HEAT_BUS and q > 0 and self.park.district_heat is not None:  # district heat within its limits
            q -= self._take(self._t, ("dh", 0), q, heat, {})
        left = _cut(heat["tch"], q) if bus == HEAT_BUS else q
        heat["unserved"] += left
        heat["unserved_bus"][self.park.heat_buses.index(bus)] += left

    def _tes_update(self, heat: dict) -> None:
        for i, x in enumerate(self.park.thermal_stores):
            n = x["name"]
            self.tes[n] = x["keep"] * self.tes[n] + x["eta_c"] * heat["tch"][i] - heat["tdis"][i]

    def _record_heat(self, t: int, h: dict) -> None:
        p, r = self.park, self.rec
        r["q_heat_demand_kw"][t] = h["demand"]
        if p.process_heat:
            r["q_process_heat_demand_kw"][:, t] = h["process"]
        r["q_heat_pump_kw"][:, t] = h["q_hp"]
        r["p_heat_pump_kw"][:, t] = [h["q_hp"][j] / hp["cop"][t] for j, hp in enumerate(p.heat_pumps)]
        r["q_waste_heat_source_kw"][:, t] = h["q_src"]
        r["q_waste_heat_direct_kw"][:, t] = h["q_dir"]
        r["q_boiler_kw"][:, t] = h["q_b"]
        r["fuel_boiler_kw"][:, t] = [h["q_b"][j] / b["eff"] for j, b in enumerate(p.boilers)]
        r["q_tes_charge_kw"][:, t], r["q_tes_discharge_kw"][:, t] = h["tch"], h["tdis"]
        r["e_tes_kwh"][:, t] = [self.tes[x["name"]] for x in p.thermal_stores]
        r["q_unserved_heat_kw"][t] = h["unserved"]
        if "q_unserved_heat_bus_kw" in r:
            r["q_unserved_heat_bus_kw"][:, t] = h["unserved_bus"]
        if "q_waste_heat_direct_bus_kw" in r:
            r["q_waste_heat_direct_bus_kw"][:, t] = h["q_dir_bus"].sum(axis=0)
        if p.district_heat_kw is not None:  # bought heat: the source's where it may be replaced, else all of it
            r["q_heat_import_kw"][t] = h["q_dh"][0] if p.district_heat is not None else p.district_heat_kw[t]
            r["q_district_heat_demand_kw"][t] = p.district_heat_kw[t]
        supply = (h["q_hp"].sum() + h["q_dir"].sum() + h["q_b"].sum() + h["tdis"].sum() - h["tch"].sum()
                  + h["unserved"] + h["q_dh"][0])
        r["heat_balance_residual_kw"][t] = supply - h["demand"] - h["dh_demand"] - h["process"].sum() - h["extra"]


#: Long names of the plant's own hourly variables (the others: their name in words).
LONG_NAMES = {
    "q_heat_import_kw": "Heat bought from outside (district heat)",
    "q_district_heat_demand_kw": "Heat demand of the buildings that buy district heat (on the heat network "
                                 "where it may be replaced)",
    "p_connection_capacity_kw": "Capacity of the grid connection in the hour's direction (import or export limit, "
                                "park transformer at the point of connection beside the hour's reactive draw)",
    "p_connection_guard_kw": "Exchange the connection guard took off in real time (charging cut, battery "
                             "discharge added or cut, batteries charged, PV curtailed)",
    "p_connection_overload_kw": "Import above the connection's capacity the guard could not take off",
    "q_unserved_heat_bus_kw": "Heat demand not served on each heat bus (the network, each process-heat bus)",
    "p_transformer_kw": "Active power into each transformer behind the point of connection towards its assets "
                        "(negative: feeding back)",
    "s_transformer_kva": "Apparent power through each transformer behind the point of connection (its assets' "
                         "active power beside the loads' reactive draw)",
    "p_transformer_guard_kw": "Flow the site guard took off each transformer behind the point of connection in real "
                              "time (charging cut or held, battery discharge added or cut, batteries charged, PV "
                              "curtailed)",
    "p_transformer_overload_kw": "Flow through each transformer behind the point of connection above the capacity the "
                                 "guard holds (a violation): flowing in, the consumption at the loads' power factor "
                                 "that would have to go; feeding back, the active power above it",
    "q_unserved_cooling_bus_kw": "Cooling demand not served on each cooling bus (the chilled-water network, each "
                                 "process-cooling loop)",
    "q_process_cooling_demand_kw": "Process cooling demand (chilled water or brine for production)",
    "p_chiller_bus_kw": "Electric chillers' electricity input on each cooling bus",
    "q_waste_heat_direct_bus_kw": "Waste heat used directly on each heat bus (all sources)",
    "q_cold_charge_kw": "Cold storage charging (cooling stored)",
    "q_cold_discharge_kw": "Cold storage discharging (cooling delivered to its bus)",
    "e_cold_kwh": "Cold storage content at end of step",
    "q_ice_making_kw": "Cooling each chiller stores as ice (ice mode)",
    "p_ice_making_kw": "Electricity of ice making (part of the chillers' electricity)",
}


def apparent_room_kw(kva: float, tan_phi: float, p_kw: float, c_kw: float) -> float:
    """Consumption [kW] at the loads' power factor that a transformer carrying active power
    ``p_kw`` [kW] beside the reactive draw of ``c_kw`` [kW] of consumption may still take within
    ``kva`` [kVA]: the largest ``x`` with ``(p + x)² + (tan φ · (c + x))² ≤ S̄²`` (0 where there is
    none; inf without a limit)."""
    if not np.isfinite(kva):
        return np.inf
    a = 1.0 + tan_phi * tan_phi
    b = 2.0 * (p_kw + tan_phi * tan_phi * c_kw)
    c = p_kw * p_kw + (tan_phi * c_kw) ** 2 - kva * kva
    disc = b * b - 4.0 * a * c
    if disc < 0:
        return 0.0
    return max((-b + float(np.sqrt(disc))) / (2.0 * a), 0.0)


def apparent_excess_kw(kva: float, tan_phi: float, p_kw: float, c_kw: float) -> float:
    """How far a transformer carrying active power ``p_kw`` [kW] beside the reactive draw of ``c_kw``
    [kW] of consumption is above ``kva`` [kVA], in kW: flowing in, the consumption at the loads'
    power factor that would have to go for it to carry ``kva`` (the smallest ``x`` with
    ``(p − x)² + (tan φ · (c − x))² ≤ S̄²``); feeding back, the active power at unity power factor
    (PV, batteries, V2G) above ``sqrt(S̄² − (tan φ · c)²)``; 0 within it."""
    q = tan_phi * c_kw
    if p_kw * p_kw + q * q <= kva * kva:
        return 0.0
    if p_kw < 0:
        return max(-p_kw - float(np.sqrt(max(kva * kva - q * q, 0.0))), 0.0)
    a = 1.0 + tan_phi * tan_phi
    b = 2.0 * (p_kw + tan_phi * tan_phi * c_kw)
    c = p_kw * p_kw + q * q - kva * kva
    disc = max(b * b - 4.0 * a * c, 0.0)
    return max((b - float(np.sqrt(disc))) / (2.0 * a), 0.0)


def _cut(flows: np.ndarray, amount: float) -> float:
    """Reduce ``flows`` (one per store, in dispatch order) by up to ``amount`` in total, the
    first store first; returns what is left of ``amount``."""
    for i in range(len(flows)):
        if amount <= 0:
            break
        c = min(amount, flows[i])
        flows[i] -= c
        amount -= c
    return amount


def operate(park: OperatedPark, controller, *, progress=None) -> tuple:
    """Run ``park`` through its horizon under ``controller`` (simpy process model).

    Parameters
    ----------
    park : OperatedPark
    controller : twin.operate.controllers.Controller
    progress : callable, optional
        ``progress(hours_done, hours_total)`` called about every 1 % of the run.

    Returns
    -------
    (xarray.Dataset, dict)
        The operated dispatch (dimension ``time``; asset dimensions as in the optimiser's
        dispatch) and the run's statistics (EV promises kept and violated, the
        controller's own figures, wall time of the plant and the controller) [s].
    """
    import simpy  # only in twin.operate and the EV simulation

    plant = Plant(park)
    env = simpy.Environment()
    T = park.T
    timing = {"controller_s": 0.0, "plant_s": 0.0}
    controller.initialise(park, plant.state(0))
    every = max(T // 100, 1)

    def hours():
        for t in range(T):
            plant._t = t
            s = plant.state(t)
            c0 = _time.perf_counter()
            controller.observe(s)
            dec = controller.decide(t)
            c1 = _time.perf_counter()
            out = plant.run_hour(t, dec)
            timing["controller_s"] += c1 - c0
            timing["plant_s"] += _time.perf_counter() - c1
            controller.record(t, out)
            if progress is not None and (t % every == 0 or t == T - 1):
                progress(t + 1, T)
            yield env.timeout(1.0)

    def departures(f: _Fleet):
        for i in f.order_dep.tolist():
            d = f.dep[i]
            if d <= 0.0 or not np.isfinite(f.conn[i]):
                continue
            if d >= T:
                break
            if d > env.now:
                yield env.timeout(d - env.now)
            f.depart(i, int(d))

    def arrivals(f: _Fleet):
        for i in f.order_arr.tolist():
            a = f.conn[i]
            if not np.isfinite(a) or a <= 0.0:
                continue
            if a >= T:
                break
            if a > env.now:
                yield env.timeout(a - env.now)
            f.connected[i] = True

    env.process(hours())
    for f in plant.fleets:
        env.process(arrivals(f))
        env.process(departures(f))
    t0 = _time.perf_counter()
    env.run(until=T)
    wall = _time.perf_counter() - t0
    ds = _dataset(park, plant)
    stats = {"wall_s": wall, **timing, "controller": controller.finalise(),
             "ev": {f.fp.name: {"promises_kept": f.kept, "promises_violated": f.violations,
                                "shortfall_kwh": float(f.shortfall.sum()),
                                # taken away beyond the promise, battery side (bought for nothing the park uses)
                                "beyond_promise_kwh": float(f.beyond_promise_kwh),
                                "sessions_without_charger": f.unserved_sessions}
                    for f in plant.fleets},
             "max_abs_balance_residual_kw": float(np.abs(plant.rec["balance_residual_kw"]).max())
             if T else 0.0}
    return ds, stats


def _dataset(park: OperatedPark, plant: Plant):
    import xarray as xr

    r = plant.rec
    for i, f in enumerate(plant.fleets):
        r["e_ev_shortfall_kwh"][i] = f.shortfall
    pv_tot = r.pop("p_pv_total_kw")
    curt_tot = r.pop("p_pv_curtailed_total_kw")
    avail = park.pv_per_kwp * park.pv_kwp[:, None]
    site = r.pop("p_pv_curtailed_site_kw", None)  # curtailed at a site transformer, array by array
    if site is None:
        site = np.zeros_like(avail)
    left = avail - site
    tot = left.sum(axis=0)
    share = np.divide(left, tot, out=np.zeros_like(left), where=tot > 0)
    r["p_pv_curtailed_kw"] = site + share * (curt_tot - site.sum(axis=0))  # the rest in proportion
    r["p_pv_kw"] = np.maximum(avail - r["p_pv_curtailed_kw"], 0.0)
    del pv_tot
    # per-fuel sums under the optimiser's names (electric boilers, gas boilers, ...)
    from solvers.blocks.heat import FUEL_PREFIX

    for fuel in dict.fromkeys(b["fuel"] for b in park.boilers):
        sel = np.array([b["fuel"] == fuel for b in park.boilers])
        q = r["q_boiler_kw"][sel].sum(axis=0)
        e = r["fuel_boiler_kw"][sel].sum(axis=0)
        if fuel == "electric":
            r["q_electric_boiler_kw"], r["p_electric_boiler_kw"] = q, e
        else:
            r[f"q_{FUEL_PREFIX[fuel]}_boiler_kw"], r[f"fuel_{FUEL_PREFIX[fuel]}_kw"] = q, e
    dims = {"pv_array": park.pv_names, "heat_pump": [h["name"] for h in park.heat_pumps],
            "waste_heat": [w["name"] for w in park.waste], "ev_fleet": [f.name for f in park.fleets],
            "boiler": [b["name"] for b in park.boilers], "chiller": [c["name"] for c in park.chillers],
            "battery": [b["name"] for b in park.batteries],
            "thermal_storage": [x["name"] for x in park.thermal_stores],
            "cold_store": [x["name"] for x in park.cold_stores],
            "process_heat": [x["name"] for x in park.process_heat],
            "heat_bus": park.heat_buses, "process_cooling": [x["name"] for x in park.process_cooling],
            "cooling_bus": park.cooling_buses, "transformer": [x["name"] for x in park.transformers]}
    dim_of = {"q_boiler_kw": "boiler", "fuel_boiler_kw": "boiler", "q_cooling_supply_kw": "chiller",
              "p_pv_kw": "pv_array", "p_pv_curtailed_kw": "pv_array", "q_heat_pump_kw": "heat_pump",
              "p_heat_pump_kw": "heat_pump", "q_waste_heat_source_kw": "heat_pump",
              "q_waste_heat_direct_kw": "waste_heat", "p_ev_charge_kw": "ev_fleet",
              "p_ev_discharge_kw": "ev_fleet", "e_ev_shortfall_kwh": "ev_fleet", "e_ev_cum_kwh": "ev_fleet",
              "p_battery_charge_kw": "battery", "p_battery_discharge_kw": "battery", "e_battery_kwh": "battery",
              "q_tes_charge_kw": "thermal_storage", "q_tes_discharge_kw": "thermal_storage",
              "e_tes_kwh": "thermal_storage", "q_process_heat_demand_kw": "process_heat",
              "q_unserved_heat_bus_kw": "heat_bus", "q_waste_heat_direct_bus_kw": "heat_bus",
              "p_transformer_kw": "transformer", "s_transformer_kva": "transformer",
              "p_transformer_guard_kw": "transformer", "p_transformer_overload_kw": "transformer",
              "q_process_cooling_demand_kw": "process_cooling", "q_unserved_cooling_bus_kw": "cooling_bus",
              "p_chiller_bus_kw": "cooling_bus", "q_cold_charge_kw": "cold_store", "q_cold_discharge_kw": "cold_store",
              "e_cold_kwh": "cold_store", "q_ice_making_kw": "chiller"}
    data = {}
    for k, v in r.items():
        unit = "kWh" if k.startswith("e_") else ("kVA" if k.startswith("s_") else "kW")
        attrs = {"units": unit, "long_name": LONG_NAMES.get(k, k.replace("_", " "))}
        if k in dim_of:
            data[k] = xr.DataArray(v, dims=(dim_of[k], "time"), coords={dim_of[k]: dims[dim_of[k]]},
                                   attrs=attrs)
        else:
            data[k] = xr.DataArray(v, dims=("time",), attrs=attrs)
    if park.process_cooling and "q_cooling_supply_kw" in data:  # each chiller's kind and bus, as in the plan's
        data["q_cooling_supply_kw"] = data["q_cooling_supply_kw"].assign_coords(
            chiller_kind=("chiller", [c["kind"] for c in park.chillers]),
            chiller_bus=("chiller", [c.get("bus", COOL_BUS) for c in park.chillers]))
    for k in ("q_cold_charge_kw", "q_cold_discharge_kw", "e_cold_kwh"):  # each store's kind and bus, as the plan's
        if k in data:
            data[k] = data[k].assign_coords(cold_store_kind=("cold_store", [x["kind"] for x in park.cold_stores]),
                                            cold_store_bus=("cold_store", [x["bus"] for x in park.cold_stores]))
    if park.heat_pumps:  # the heat pumps' available output per kW of size, as in the plan's dispatch
        data["heat_pump_capacity_factor"] = xr.DataArray(
            np.array([h["avail"] for h in park.heat_pumps]), dims=("heat_pump", "time"),
            coords={"heat_pump": dims["heat_pump"]},
            attrs={"units": "1", "long_name": "Available heat output of the heat pump per kW of size"})
    data["price_import_cny_per_kwh"] = xr.DataArray(park.price, dims=("time",),
                                                    attrs={"units": "CNY/kWh", "long_name": "Import energy price"})
    data["ef_grid_kgco2_per_kwh"] = xr.DataArray(park.ef, dims=("time",),
                                                 attrs={"units": "kgCO2/kWh", "long_name": "Grid emission factor"})
    return xr.Dataset(data, coords={"time": park.time})
