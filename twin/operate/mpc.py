"""Rolling-horizon (model-predictive) controller: re-optimise the next hours with `solvers`.

Every ``step`` hours the controller solves the dispatch of the park as built over the
next ``horizon`` hours (:class:`solvers.rolling.RollingWindow`: one window model, its
data changed in place, HiGHS warm-started) from the current store contents, on
forecasts with errors (:mod:`twin.operate.forecasts`), and applies the first ``step``
hours of the plan.  The window:

* prices the monthly demand charge on the increase of the month's peak above the higher
  of its peak so far and the plan's peak of that month (``peak_targets``, the month's
  plan-level target: import up to it is paid for anyway); the next month in the window
  starts from its own target;
* keeps a margin for forecast errors below the month's peak (``peak_margin_sd``,
  ``operation.mpc_peak_margin_sd``, default 1): the planned import less the batteries'
  charging stays that many standard deviations of the net-load forecast error at each
  lead (electric load and PV, :meth:`MPCController.peak_margin`) below the peak, so the
  window discharges the batteries that much more at the peak's hours and a load above
  its forecast finds the peak held (the chance-constrained form of the peak rows);
  charging needs no margin, the plant cuts it first in real time;
* holds charging to that threshold in real time (``Decision.charge_limit_kw``): where the
  actual load turns out higher than its forecast, the plant cuts the window's charging
  (battery, thermal store, EV charging beyond the promises) on the measured import, so
  charging never sets a new monthly peak; a peak the load sets raises the threshold (a
  window that expects the load to raise it may plan charging up to that level, and the
  plant lets it charge so far only once the load has done so);
* holds the month's peak in real time (``Decision.peak_hold_kw``, with
  ``operation.real_time_peak_hold``): where the actual import would still exceed the
  threshold (or the window's planned peak of the month less the hour's margin, where it
  plans the peak higher) once charging is held, the plant discharges the batteries beyond the plan, each
  down to the reserve the window plans to use later for its own peak shaving
  (``Decision.battery_reserve_kwh``, :meth:`MPCController.reserves`); energy the window
  meant for price arbitrage is not reserved (a kW of peak avoided is worth a month's
  demand charge, a kWh of arbitrage the price spread);
* values the energy left in each store at the end of the window (terminal value) at
  the mean import price of the window (battery: times the discharge efficiency; thermal
  store: the mean cost of heat from the cheapest heat source; cold store: divided by the mean
  chilled-water COP of its bus's best electric chiller; EV fleets: per kWh in the
  vehicles, the mean price divided by the charging efficiency), so that it does not
  empty the stores; the last window of the horizon values nothing (the run ends);
* prices emissions at the plan's marginal emission price
  (:func:`twin.operate.state.emission_price`);
* with a park network, plans within the transformers: the park transformer at the point of
  connection and each transformer behind it (:func:`power_limits`: rows of the apparent power
  through each, an inscribed polygon of the circle, beside the loads' reactive draw; the fixed
  flows from the forecasts, :meth:`MPCController._limit_rhs`); the plant's guards hold them
  in real time;
* cannot become infeasible: unserved energy costs the value of lost load, relaxed
  store equations a penalty, power above a transformer's limit the value of lost load
  (what the windows planned unserved or above a transformer is in the run's statistics:
  ``unserved_planned_kwh``, ``transformer_excess_planned_kwh``);
* knows a fault from the hour it starts, with its duration (the asset's columns, or the
  grid's, are fixed at 0 for the rest of the fault within the window).

The EV fleets are planned on envelopes rebuilt every hour from the vehicles' sessions
(:meth:`MPCController._ev_window`: the connected vehicles' states and the charger queue's
later plug-ins; ``ev_window="aggregate"`` keeps the plan's fleet envelope, an outer
approximation where energy given to one vehicle counts for another's need); the plant shares
each fleet's set-point among the vehicles. The window also gets as lower bounds of each
fleet's charging what the vehicles' own sessions force whatever the schedule
(:meth:`MPCController._forced_ev`). Among hours of one price the
window charges the vehicles as early as it can: each kWh of EV charging at window hour
``k`` costs ``ev_early_cny_per_kwh_h · k`` more (1e-4 CNY/kWh per hour, at most 0.005
CNY/kWh over 48 h: it only breaks ties). Without it the LP's choice among equally priced
night hours fell on the latest (the lower envelope): charging in the last hours before
departure, at the threshold, where a load above its forecast leaves the promises no room
but a new monthly peak. Likewise the batteries discharge late among hours of one price
(``battery_late_cny_per_kwh_h``, 1e-4 CNY/kWh per hour before the window's end): without it
the window's choice among the hours of a long peak-price block fell on the first, and where
the load then came in above its forecast the energy it needed for the block's last hours
(Guangzhou: 17 h, where cars that waited for a charger must charge at once) was gone; the
demand charge of that peak costs far more than the block's price spread, which is none.
"""

from __future__ import annotations

import re
import time

import numpy as np

from solvers.problem import COOL_BUS, HEAT_BUS
from twin.operate.forecasts import net_load_error_sd, process_cooling_series, process_heat_series
from twin.operate.rule import forced_charging, plugging_in, session_schedule
from twin.operate.state import Decision, OperatedPark, PlantState


class MPCController:
    """Rolling-horizon controller (see the module docstring).

    Parameters
    ----------
    problem : solvers.SizingProblem
        The park as built (:func:`solvers.rolling.as_built`) with true data.
    forecaster : twin.operate.forecasts.Forecaster
    horizon : int
        Window length [h] (24-48 typical).
    step : int
        Hours between re-optimisations [h].
    value_of_lost_load : float
        [CNY/kWh].
    peak_targets : dict, optional
        Month (1-12) -> the plan's peak of that month [kW]: import up to it carries no
        demand charge in the window, and charging is held to it (or the month's peak so
        far, the higher).
    peak_hold : bool
        Hold the threshold in real time by discharging the batteries beyond the plan, above
        the window's reserve (``operation.real_time_peak_hold``).
    ev_early_cny_per_kwh_h : float
        Cost added per kWh of EV charging and hour of lead in the window [CNY/kWh/h]: among
        hours of one price, charge early (0: no preference).
    ev_forced : bool
        Bound each fleet's charging in the window from below by what the vehicles' sessions
        force (:meth:`_forced_ev`).
    battery_late_cny_per_kwh_h : float
        Cost added per kWh of battery discharge and hour it comes before the window's last
        hour [CNY/kWh/h]: among hours of one price, discharge late (0: no preference).
    peak_margin_sd : float
        Margin kept between the planned import (less the batteries' charging) and the month's
        peak, in standard deviations of the net-load forecast error at each lead
        (:meth:`peak_margin`; 0: none) [-].
    ev_window : str
        ``sessions`` (default): each fleet's envelope in the window is built every hour from
        its vehicles' sessions (:meth:`_ev_window`: the connected vehicles' remaining needs
        and those still to come, from the charger queue); ``aggregate``: the sizing's fleet
        envelope with the energy delivered so far carried in (energy one vehicle received
        ahead counts for another's need).
    """

    name = "mpc"

    def __init__(self, problem, forecaster, *, horizon: int = 48, step: int = 1,
                 value_of_lost_load: float = 30.0, options=None, peak_targets: dict | None = None,
                 peak_hold: bool = True, ev_early_cny_per_kwh_h: float = 1e-4, ev_forced: bool = True,
                 ev_window: str = "sessions", battery_late_cny_per_kwh_h: float = 1e-4,
                 peak_margin_sd: float = 1.0):
        self.problem = problem
        self.peak_targets = {int(m): float(v) for m, v in (peak_targets or {}).items()}
        self.fc = forecaster
        self.H = int(horizon)
        self.step = max(int(step), 1)
        self.voll = float(value_of_lost_load)
        self.options = options
        self.peak_hold = bool(peak_hold)
        self.ev_early = float(ev_early_cny_per_kwh_h)
        self.battery_late = float(battery_late_cny_per_kwh_h)
        self.ev_forced = bool(ev_forced)
        self.peak_margin_sd = float(peak_margin_sd)
        if ev_window not in ("sessions", "aggregate"):
            raise ValueError(f"ev_window {ev_window!r}: expected 'sessions' or 'aggregate'")
        self.ev_window = ev_window

    def initialise(self, park: OperatedPark, state: PlantState) -> None:
        from solvers.blocks.heat import direct_column
        from solvers.rolling import RollingWindow, column_component, content_component

        self.park = park
        t0 = time.perf_counter()
        self.limits = power_limits(park)
        self.win = RollingWindow(self.problem, self.H, value_of_lost_load=self.voll,
                                 options=self.options, peak_margin_rows=self.peak_margin_sd > 0,
                                 power_limits=self.limits)
        self.build_s = time.perf_counter() - t0
        self.H = self.win.H
        self.comp_b = {b["name"]: content_component("battery", b["name"]) for b in park.batteries}
        self.comp_t = {x["name"]: content_component("tes", x["name"]) for x in park.thermal_stores}
        self.comp_c = {x["name"]: content_component("cold", x["name"]) for x in park.cold_stores}
        self.comp_ev = {f.name: content_component("ev", f.name) for f in park.fleets}
        # the window's decision columns read after each solve (component names of solvers.blocks)
        cols = {}
        for b in park.batteries:
            cols[("bch", b["name"])] = column_component("battery_charge", b["name"])
            cols[("bdis", b["name"])] = column_component("battery_discharge", b["name"])
        for x in park.thermal_stores:
            cols[("tch", x["name"])] = column_component("tes_charge", x["name"])
            cols[("tdis", x["name"])] = column_component("tes_discharge", x["name"])
        for x in park.cold_stores:
            cols[("cch", x["name"])] = column_component("cold_charge", x["name"])
            cols[("cdis", x["name"])] = column_component("cold_discharge", x["name"])
        for f in park.fleets:
            cols[("evc", f.name)] = column_component("ev_charge", f.name)
            cols[("evd", f.name)] = column_component("ev_discharge", f.name)
        for j, h in enumerate(park.heat_pumps):
            cols[("hp", j)] = column_component("heat_pump", h["name"])
        for j, b in enumerate(park.boilers):
            cols[("boiler", j)] = column_component("boiler", b["name"])
        for j, w in enumerate(park.waste):
            for bus in w.get("buses", [HEAT_BUS]):  # direct use on each heat bus the heat is hot enough for
                key = ("dir", j) if bus == HEAT_BUS else ("dir", j, bus)
                cols[key] = re.sub(r"\W", "_", direct_column(w["name"], bus))
        for j, c in enumerate(park.chillers):
            cols[("chiller", j)] = column_component("chiller", c["name"])
        self.cols = cols
        self._sched = {f.name: session_schedule(f.sessions) for f in park.fleets}
        self.plan = None
        self.plan_t0 = -1
        self.reserve = {}
        self.margin = None
        self.windows = []
        self.unserved_planned = 0.0
        self.limit_excess_planned = 0.0
        self.status_bad = 0
        self.python_s = 0.0

    def observe(self, state: PlantState) -> None:
        self.state = state

    def _terminal(self, t0: int) -> dict:
        park = self.park
        if t0 + self.H >= park.T:
            return {}
        sl = slice(t0, t0 + self.H)
        lam = park.carbon_price * 1e-3
        price = float(np.mean(park.price[sl] + lam * park.ef[sl]))
        out = {}
        for b in park.batteries:
            out[self.comp_b[b["name"]]] = price * b["eta_d"]
        if park.thermal_stores:
            costs = []
            for h in park.heat_pumps:  # the network's sources (the stores are on the network)
                if h["kw"] > 0 and h.get("bus", HEAT_BUS) == HEAT_BUS:
                    costs.append(price / float(np.mean(h["cop"][sl])))
            for b in park.boilers:
                if b["kw"] > 0 and b.get("bus", HEAT_BUS) == HEAT_BUS:
                    fuel = price if b["fuel"] == "electric" else b["price"] + lam * b["ef"]
                    costs.append(fuel / b["eff"])
            if costs:
                out.update({self.comp_t[x["name"]]: min(costs) for x in park.thermal_stores})
        for x in park.cold_stores:  # cooling left: the electricity the bus's best chiller would take for it
            cops = [float(np.mean(c["cop"][sl])) for c in park.chillers
                    if c["kind"] == "electric" and c["kw"] > 0 and c.get("bus", COOL_BUS) == x["bus"]]
            if cops:
                out[self.comp_c[x["name"]]] = price / max(cops)
        for f in park.fleets:
            if f.mode != "uncontrolled":
                out[self.comp_ev[f.name]] = price / f.eta
        return out

    def _outages(self, t0: int, n: int) -> dict:
        """Columns fixed at 0 in the window: faults that are on at ``t0`` (the controller
        learns of a fault when it starts and is told how long it lasts)."""
        from solvers.rolling import column_component as cc

        park, masks = self.park, self.park.masks
        if masks is None:
            return {}

        def run_of(m):
            if m is None or not m[t0]:
                return None
            w = m[t0:t0 + n].copy()
            stop = np.flatnonzero(~w)
            if stop.size:
                w[stop[0]:] = False
            return w

        off = {}
        w = run_of(masks.grid_out)
        if w is not None:
            off[cc("grid_import")] = off[cc("grid_export")] = w
        for b in park.batteries:
            w = run_of(masks.out("battery", b["name"]))
            if w is not None:
                off[cc("battery_charge", b["name"])] = off[cc("battery_discharge", b["name"])] = w
        for x in park.thermal_stores:
            w = run_of(masks.out("thermal_storage", x["name"]))
            if w is not None:
                off[cc("tes_charge", x["name"])] = off[cc("tes_discharge", x["name"])] = w
        for x in park.cold_stores:
            w = run_of(masks.out("cold_storage", x["name"]))
            if w is not None:
                off[cc("cold_charge", x["name"])] = off[cc("cold_discharge", x["name"])] = w
        for h in park.heat_pumps:
            w = run_of(masks.out("heat_pump", h["name"]))
            if w is not None:
                off[cc("heat_pump", h["name"])] = w
        for c in park.chillers:
            w = run_of(masks.out("chiller", c["name"]))
            if w is not None:
                off[cc("chiller", c["name"])] = w
        return off

    def _solve(self, t0: int) -> None:
        from solvers.rolling import column_component as cc

        park, s, fc, H = self.park, self.state, self.fc, self.H
        tp = time.perf_counter()
        n = min(H, park.T - t0)
        sl = slice(t0, t0 + n)
        d_load = fc.forecast("load_kw", t0, n) - park.load_kw[sl]
        delta_e = d_load.copy()
        col_ub = {}
        if park.pv_names:
            pv_fc = fc.forecast("pv_per_kwp", t0, n)
            avail_fc = (pv_fc * park.pv_kwp[:, None]).sum(axis=0)
            avail = (park.pv_per_kwp[:, sl] * park.pv_kwp[:, None]).sum(axis=0)
            delta_e -= avail_fc - avail
            col_ub["p_pv_curtailed"] = avail_fc
        rhs = {}
        if park.chillers:
            d_cool = {COOL_BUS: fc.forecast("cool_kw", t0, n) - park.cool_kw[sl]}
            for x in park.process_cooling:  # the network's joined demands and each process-cooling loop of its own
                name = process_cooling_series(x["name"])
                if fc.has(name):
                    d = fc.forecast(name, t0, n) - x["kw"][sl]
                    d_cool[x["bus"]] = d_cool[x["bus"]] + d if x["bus"] in d_cool else d
            for bus, d in d_cool.items():
                if self.win.has_bus(bus):
                    rhs[bus] = d
                elif bus == COOL_BUS:  # one electric chiller: its electricity is a fixed demand of the window
                    delta_e += d / park.chillers[0]["cop"][sl]
        rhs["elec"] = delta_e
        if park.heat_kw is not None:
            rhs[HEAT_BUS] = fc.forecast("heat_kw", t0, n) - park.heat_kw[sl]
        for x in park.process_heat:  # the network's joined demands and each process-heat bus of its own
            name = process_heat_series(x["name"])
            if fc.has(name):
                d = fc.forecast(name, t0, n) - x["kw"][sl]
                rhs[x["bus"]] = rhs[x["bus"]] + d if x["bus"] in rhs else d
        state = {self.comp_b[n]: v for n, v in s.battery_kwh.items()}
        state.update({self.comp_t[n]: v for n, v in s.tes_kwh.items()})
        state.update({self.comp_c[n]: v for n, v in s.cold_kwh.items()})
        ev_rhs, ev_ub = {}, {}
        for f in park.fleets:
            prev = f.e_cum_min_kwh[t0 - 1] if t0 > 0 else 0.0
            state[self.comp_ev[f.name]] = s.ev_cum_kwh.get(f.name, 0.0) - prev
            if self.ev_window == "sessions" and f.mode != "uncontrolled":
                drain, width, p_max = self._ev_window(f, t0, n)
                if t0 + n == park.T:
                    drain, width = horizon_end_requirement(drain, width, f.e_cum_min_kwh[-1],
                                                           s.ev_cum_kwh.get(f.name, 0.0))
                state[self.comp_ev[f.name]] = 0.0
                ev_rhs[self.comp_ev[f.name]] = drain
                ev_ub[self.comp_ev[f.name]] = width
                ev_ub[cc("ev_charge", f.name)] = p_max
        off = self._outages(t0, n)
        m0 = int(park.month[t0])
        later = park.month[t0:t0 + n]
        m1 = int(later[later != m0][0]) if np.any(later != m0) else None
        self.python_s += time.perf_counter() - tp
        col_lb = {}
        if self.ev_forced:
            for f in park.fleets:
                if f.mode == "uncontrolled":
                    continue
                forced = self._forced_ev(f, t0, n)
                if forced.any():
                    col_lb[cc("ev_charge", f.name)] = forced
        col_cost = None
        if self.ev_early > 0:  # among hours of one price, charge the vehicles early
            ramp = self.ev_early * np.arange(n)
            col_cost = {cc("ev_charge", f.name): ramp for f in park.fleets if f.mode != "uncontrolled"}
        if self.battery_late > 0:  # among hours of one price, discharge the batteries late
            late = self.battery_late * np.arange(n)[::-1]
            col_cost = dict(col_cost or {})
            col_cost.update({cc("battery_discharge", b["name"]): late for b in park.batteries})
        col_ub.update(ev_ub)
        limits = self._limit_rhs(t0, n, pv_fc if park.pv_names else None)
        margin = self.peak_margin(t0, n, pv_fc if park.pv_names else None)
        self.margin = margin
        out = self.win.solve(t0, state, rhs_delta=rhs, col_ub=col_ub, col_off=off, col_cost=col_cost,
                             col_lb=col_lb, state_rhs=ev_rhs or None,
                             terminal_value=self._terminal(t0), month_peak_kw=self._threshold(t0),
                             next_month_peak_kw=self.peak_targets.get(m1, 0.0) if m1 is not None else 0.0,
                             peak_margin_kw=margin, power_limit_rhs=limits, full_dispatch=False)
        tp = time.perf_counter()
        if out["status"] != "Optimal":
            self.status_bad += 1
        self.unserved_planned += sum(out["unserved_kwh"].values())
        self.limit_excess_planned += sum(out.get("power_limit_excess_kwh", {}).values())
        k = min(self.step, out["active"])
        rd = self.win.read
        self.plan = {name: rd(comp, k) for name, comp in self.cols.items()}
        self.plan_t0 = t0
        self.reserve = self.reserves(t0, out["active"], k) if self.peak_hold and self.win.dc > 0 else {}
        if self.reserve:
            p_cur, p_next = self.win.planned_peaks()
            months = park.month[t0:t0 + k]
            self.hold = np.where(months == months[0], p_cur, p_next)
            if self.margin is not None:  # the import the window plans at its peak
                self.hold = self.hold - self.margin[:k]
        self.python_s += time.perf_counter() - tp

    def _limit_rhs(self, t0: int, n: int, pv_fc: np.ndarray | None) -> dict:
        """The fixed parts of the window's power limits (:func:`power_limits`) at ``t0``: for each
        transformer behind the point of connection, the forecast electricity of the buildings and
        process loads behind it (the park's load forecast split by their share of the hour's load)
        less its PV forecast; for the connection, the load forecast; each with the electric
        chiller's electricity where the window has no column for it (the network's cooling with the
        process cooling that joins it) [kW]. Returns
        ``{name: (p, c, kva)}`` (:meth:`solvers.rolling.RollingWindow.solve` ``power_limit_rhs``)."""
        from solvers.rolling import column_component as cc

        park = self.park
        if not self.limits:
            return {}
        sl = slice(t0, t0 + n)
        load_fc = np.asarray(self.fc.forecast("load_kw", t0, n), float)
        share = np.divide(1.0, park.load_kw[sl], out=np.zeros(n), where=park.load_kw[sl] > 1e-9)
        chill = np.zeros((len(park.chillers), n))
        if park.chillers:
            cool_fc = np.asarray(self.fc.forecast("cool_kw", t0, n), float)
            for x in park.process_cooling:  # with the process cooling that joins the network (a loop has columns)
                name = process_cooling_series(x["name"])
                if x["bus"] == COOL_BUS:
                    cool_fc = cool_fc + (np.asarray(self.fc.forecast(name, t0, n), float) if self.fc.has(name)
                                         else np.asarray(x["kw"], float)[sl])
            for j, c in enumerate(park.chillers):  # no column: one electric chiller serves all the cooling
                if c["kind"] == "electric" and self.win._comp_cols(cc("chiller", c["name"])) is None:
                    chill[j] = np.minimum(cool_fc, c["kw"]) / c["cop"][sl]
        out = {}
        for lim in self.limits:
            x = lim["site"]
            if x is None:  # the connection: the whole park's consumption
                cons = load_fc + chill.sum(axis=0)
                out[lim["name"]] = (np.zeros(n), cons, park.connection_kva)
                continue
            cons = x["fixed_kw"][sl] * share * load_fc + chill[x["chillers"]].sum(axis=0)
            pv = (pv_fc[x["pv"]] * park.pv_kwp[x["pv"], None]).sum(axis=0) if pv_fc is not None and x["pv"] \
                else np.zeros(n)
            out[lim["name"]] = (cons - pv, cons, x["kva"])
        return out

    def _ev_window(self, f, t0: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fleet ``f``'s envelope in window hours ``t0 .. t0+n-1`` built on its vehicles'
        sessions: the connected vehicles with the energy each still needs by its departure
        (and, bidirectional, what it can give and take), and those the charger queue plugs in
        later in the window with their promises (:attr:`_sched`).

        Each vehicle's cumulative net energy from the start of the window [kWh battery side]
        lies between its latest-start curve ``l(k) = max(−D, −P_d·(τ_k − s), R − P_b·(d − τ_k))``
        and ``u(k) = min(P_b·(τ_k − s), H, R + P_d·(d − τ_k))`` (``τ_k`` the end of window hour
        ``k``, ``s`` its start in the window, ``d`` departure, ``R`` the energy still
        promised, ``H`` its headroom and ``D`` what V2G may take, both 0 beyond ``R`` without
        V2G; ``l = u = R`` after departure). Summed over the vehicles from their states, not
        from the plan's sessions: energy a vehicle received ahead of its own curve no longer
        counts for another's need, as it does in the fleet's aggregate envelope.

        Returns
        -------
        (drain, width, p_max)
            The window's drain ``L(k) − L(k−1)`` [kWh], width ``U(k) − L(k)`` [kWh] (the store
            starts the window empty) and the charging the vehicles can take in each hour
            (each at most its charger's power over its part of the hour and what it can still
            take) [kW grid side].
        """
        s = self.state
        p_b, eta = f.p_charger_kw * f.eta, f.eta
        p_d = f.p_charger_kw / eta if f.mode == "v2g" else 0.0
        veh = s.vehicles(f.name)
        need, start, dep, head, depth = [], [], [], [], []
        if veh is not None and veh["need"].size:
            bid = veh["bidir"] & (p_d > 0)
            need.append(veh["need"])
            start.append(np.maximum(veh["start"], t0))
            dep.append(veh["dep"])
            head.append(np.where(bid, np.maximum(veh["head"], veh["need"]), veh["need"]))
            depth.append(np.where(bid, np.clip(veh["energy"], 0.0, None), 0.0))
        conn, dp, promise = plugging_in(self._sched[f.name], t0, n)
        if conn.size:  # plugging in later in the window (the queue's plug-in times)
            need.append(promise)
            start.append(conn)
            dep.append(dp)
            head.append(promise)
            depth.append(np.zeros(conn.size))
        if not need:
            z = np.zeros(n)
            return z, z, z
        return window_envelope(*(np.concatenate(x) for x in (need, start, dep, head, depth)),
                               p_b=p_b, p_d=p_d, eta=eta, t0=t0, n=n)

    def _forced_ev(self, f, t0: int, n: int) -> np.ndarray:
        """Grid-side charging [kW] of fleet ``f`` in window hours ``t0 .. t0+n-1`` that the
        vehicles' own sessions force whatever the schedule (:func:`twin.operate.rule.forced_charging`):
        of the vehicles connected (the energy each still needs by its departure) and of those
        still to come (their promises, from the fleet's sessions). The fleet's envelope is an
        aggregate and lets energy given to one vehicle count for another's need; this lower
        bound shows the window the charging that short sessions force."""
        s = self.state
        out = np.zeros(n)
        veh = s.vehicles(f.name)
        p_b = f.p_charger_kw * f.eta
        if veh is not None and veh["need"].size:
            out += forced_charging(veh["need"], veh["start"], veh["dep"], p_b, t0, n)
        conn, dep, promise = plugging_in(self._sched[f.name], t0, n)
        if conn.size:
            out += forced_charging(promise, conn, dep, p_b, t0, n)
        return out / f.eta

    def reserves(self, t0: int, n: int, k: int) -> dict:
        """Battery -> content [kWh] to keep at the end of each of the first ``k`` hours of the
        window just solved (starting at hour ``t0``, ``n`` hours inside the horizon) for the
        peak shaving the window plans later.

        Peak-shaving discharge: the planned discharge [kW] in the hours where the planned
        import is at the window's planned peak of its month (the demand-charge rows bind;
        discharge beyond what holds the peak would leave the row slack, so it is arbitrage
        and not reserved). Going backwards over the window with the planned charging
        [kW], the content needed at the end of hour ``j − 1`` is
        ``A_{j-1} = max(floor, (A_j + dis_peak_j/η_d − η_c·ch_j) / keep)`` [kWh] with
        ``A_{n-1} = floor = soc_min·kwh`` (Δt = 1 h); the reserve at the end of window hour
        ``o`` is ``A_o``.
        """
        from solvers.rolling import column_component as cc

        park, rd = self.park, self.win.read
        imp = rd(cc("grid_import"), n)
        p_cur, p_next = self.win.planned_peaks()
        months = park.month[t0:t0 + n]
        peak = np.where(months == months[0], p_cur, p_next)
        if self.margin is not None:  # the window keeps the import this far below its peak
            imp = imp + self.margin[:n]
        at_peak = imp >= peak - 1e-3 - 1e-6 * np.abs(peak)
        out = {}
        for b in park.batteries:
            ch = rd(cc("battery_charge", b["name"]), n)
            dis = np.where(at_peak, rd(cc("battery_discharge", b["name"]), n), 0.0)
            floor = b["soc_min"] * b["kwh"]
            a = np.full(n, floor)
            for j in range(n - 1, 0, -1):
                a[j - 1] = max(floor, (a[j] + dis[j] / b["eta_d"] - b["eta_c"] * ch[j]) / b["keep"])
            out[b["name"]] = a[:k]
        return out

    def peak_margin(self, t0: int, n: int, pv_fc: np.ndarray | None) -> np.ndarray | None:
        """Margin [kW] the window keeps between the planned import less the batteries'
        charging (cut first in real time, so it needs none) and the month's peak in hours
        ``t0 .. t0+n-1`` (:class:`solvers.rolling.RollingWindow` ``peak_margin_rows``):
        ``peak_margin_sd`` standard deviations of the net-load
        forecast error at each lead, the electric load's and each PV array's
        (:meth:`twin.operate.forecasts.Forecaster.error_sd`; PV in hours its forecast gives
        output) taken as independent; None without a demand charge or with
        ``peak_margin_sd`` 0. The chance-constrained form of the peak rows: with normal
        errors, the actual import stays below the planned peak with the probability of
        that many standard deviations (1: 84 %), paid for by discharging the batteries
        that much more at the hours of the peak."""
        park = self.park
        if self.peak_margin_sd <= 0 or self.win.dc <= 0:
            return None
        return self.peak_margin_sd * net_load_error_sd(self.fc, park.pv_kwp, n, pv_fc)

    def _threshold(self, t: int) -> float:
        """The month's peak threshold at hour ``t``: the higher of its peak so far and the plan's
        peak of the month [kW]."""
        return max(float(self.state.month_peak_kw), self.peak_targets.get(int(self.park.month[t]), 0.0))

    def decide(self, t: int) -> Decision:
        if self.plan is None or t - self.plan_t0 >= self.step or t - self.plan_t0 >= self.H:
            self._solve(t)
        tp = time.perf_counter()
        o = t - self.plan_t0
        p = self.plan
        park = self.park
        d = Decision(charge_limit_kw=self._threshold(t) if self.win.dc > 0 else None)
        if self.reserve:  # the peak the window plans for this hour's month, if it plans it higher
            d.peak_hold_kw = max(d.charge_limit_kw, float(self.hold[o]))
            d.battery_reserve_kwh = {name: float(r[o]) for name, r in self.reserve.items()}
        d.battery_kw = {b["name"]: float(p[("bch", b["name"])][o] - p[("bdis", b["name"])][o])
                        for b in park.batteries}
        d.tes_kw = {x["name"]: float(p[("tch", x["name"])][o] - p[("tdis", x["name"])][o])
                    for x in park.thermal_stores}
        d.cold_kw = {x["name"]: float(p[("cch", x["name"])][o] - p[("cdis", x["name"])][o])
                     for x in park.cold_stores}
        for f in park.fleets:
            d.ev_charge_kw[f.name] = float(p[("evc", f.name)][o])
            d.ev_discharge_kw[f.name] = float(p[("evd", f.name)][o])
        heat = {}
        for j in range(len(park.heat_pumps)):
            heat[f"hp:{j}"] = float(p[("hp", j)][o])
        for j in range(len(park.boilers)):
            heat[f"boiler:{j}"] = float(p[("boiler", j)][o])
        for key in self.cols:
            if key[0] == "dir":
                heat[":".join(str(x) for x in key)] = float(p[key][o])
        d.heat_kw = heat or None
        if len(park.chillers) > 1:
            d.cool_kw = {j: float(p[("chiller", j)][o]) for j in range(len(park.chillers))}
        self.python_s += time.perf_counter() - tp
        return d

    def record(self, t: int, outcome: dict) -> None:
        pass

    def finalise(self) -> dict:
        w = self.win
        n = max(w.n_solves, 1)
        return {"kind": "mpc", "horizon_h": self.H, "step_h": self.step,
                "peak_threshold": ("max(month peak so far, plan's monthly peak)" if self.peak_targets
                                   else "month peak so far") + "; charging held to it on the measured import"
                + ("; batteries discharge in real time to hold it, above the window's reserve for its "
                   "planned peak shaving" if self.peak_hold else ""),
                "ev_window": self.ev_window, "ev_early_cny_per_kwh_h": self.ev_early,
                "battery_late_cny_per_kwh_h": self.battery_late,
                "windows_solved": w.n_solves, "window_build_s": self.build_s,
                "highs_s": w.solve_s, "update_s": w.update_s, "python_s": self.python_s,
                "mean_window_solve_ms": 1e3 * w.solve_s / n,
                "simplex_iterations_per_window": w.iterations / n,
                "windows_not_optimal": self.status_bad,
                "unserved_planned_kwh": self.unserved_planned,
                "transformer_excess_planned_kwh": self.limit_excess_planned,
                "window_columns": int(w.n_col), "window_rows": int(w.n_row)}


def power_limits(park: OperatedPark) -> list[dict]:
    """The window's apparent-power limits (:class:`solvers.rolling.RollingWindow` ``power_limits``):
    one for the park transformer at the point of connection (where :attr:`OperatedPark.connection_kva`
    is finite: the import less the export beside the consumption of the whole park) and one for each
    transformer behind it (:attr:`OperatedPark.transformers`: its EV fleets' charging less V2G, its
    batteries' charging less discharge, its heat pumps', electric boilers' and electric chillers'
    electricity beside their consumption, the EV charging counted whole); each ``{"name", "p_terms",
    "c_terms", "tan_phi", "site"}`` (``site``: the transformer's entry, None for the connection).
    The window plans within them; the plant's guards hold them in real time."""
    from solvers.rolling import column_component as cc

    def consumption(fleets, hps, boilers, chillers):  # at the loads' power factor: EV charging, heat, cold
        terms = [(cc("ev_charge", park.fleets[i].name), 1.0) for i in fleets]
        return terms + plant(hps, boilers, chillers)

    def plant(hps, boilers, chillers):
        terms = [(cc("heat_pump", park.heat_pumps[j]["name"]), 1.0 / np.asarray(park.heat_pumps[j]["cop"], float))
                 for j in hps]
        terms += [(cc("boiler", park.boilers[j]["name"]), 1.0 / park.boilers[j]["eff"]) for j in boilers]
        terms += [(cc("chiller", park.chillers[j]["name"]), 1.0 / np.asarray(park.chillers[j]["cop"], float))
                  for j in chillers]
        return terms

    out = []
    if np.isfinite(park.connection_kva):
        c = consumption(range(len(park.fleets)), range(len(park.heat_pumps)),
                        [j for j, b in enumerate(park.boilers) if b["fuel"] == "electric"],
                        [j for j, x in enumerate(park.chillers) if x["kind"] == "electric"])
        out.append({"name": "connection", "p_terms": [(cc("grid_import"), 1.0), (cc("grid_export"), -1.0)],
                    "c_terms": c, "tan_phi": park.reactive_per_kw, "site": None})
    for x in park.transformers:
        c = consumption(x["fleets"], x["heat_pumps"], x["boilers"], x["chillers"])
        p_terms = plant(x["heat_pumps"], x["boilers"], x["chillers"])  # and EV charging less V2G
        p_terms += [(cc("ev_charge", park.fleets[i].name), 1.0) for i in x["fleets"]]
        p_terms += [(cc("ev_discharge", park.fleets[i].name), -1.0) for i in x["fleets"]]
        p_terms += [(cc("battery_charge", park.batteries[i]["name"]), 1.0) for i in x["batteries"]]
        p_terms += [(cc("battery_discharge", park.batteries[i]["name"]), -1.0) for i in x["batteries"]]
        out.append({"name": f"transformer {x['name']}", "p_terms": p_terms, "c_terms": c,
                    "tan_phi": x["tan_phi"], "site": x})
    return out


def horizon_end_requirement(drain: np.ndarray, width: np.ndarray, required_kwh: float,
                            delivered_kwh: float) -> tuple[np.ndarray, np.ndarray]:
    """A window that reaches the horizon's end, held to the plan's end state.

    The plan's fleet envelope asks by the last hour for what charging on arrival delivers by
    then (:func:`twin.plan.ev_lower_envelope`: vehicles still plugged in would otherwise count
    the energy they are owed as a saving); the sessions' own window asks only for what
    departing vehicles need, so the last windows left it undone and the operated week read
    3 % cheaper than the perfect-foresight optimum. The shortfall of the window's own lower
    edge against the requirement is added to the last hour's drain and taken off its width
    (not below zero: what the vehicles cannot take shows as a shortfall).

    Parameters
    ----------
    drain, width : numpy.ndarray
        The window's drain and width [kWh battery side] (:func:`window_envelope`).
    required_kwh : float
        The fleet's cumulative energy due by the horizon's end [kWh battery side].
    delivered_kwh : float
        The fleet's cumulative energy delivered before the window [kWh battery side].
    """
    extra = max(required_kwh - delivered_kwh - float(drain.sum()), 0.0)
    if extra <= 0.0 or not drain.size:
        return drain, width
    drain, width = drain.copy(), width.copy()
    drain[-1] += extra
    width[-1] = max(width[-1] - extra, 0.0)
    return drain, width


def window_envelope(need, start, dep, head, depth, *, p_b: float, p_d: float, eta: float, t0: int,
                    n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drain, width and charging power of a fleet's window over hours ``t0 .. t0+n-1`` from its
    vehicles (:meth:`MPCController._ev_window`): per vehicle the energy ``need`` [kWh battery
    side] still promised, ``start`` (at least ``t0``) and ``dep`` [h], ``head`` (what it can
    take: ``need`` without V2G) and ``depth`` (what V2G may take from it, 0 without) [kWh];
    ``p_b`` and ``p_d`` the battery-side charging and V2G power of a charger [kW] (``p_d`` 0
    without V2G), ``eta`` the charging efficiency.

    The curves are summed as ramps (:func:`twin.components.ev._envelope_ramps`, the sizing's
    own per-session curves) evaluated at the ends of the window hours, so the cost grows with
    the number of vehicles, not with vehicles × hours.
    """
    from twin.components.ev import _envelope_ramps, _ramp_sum

    need, start, dep, head, depth = (np.asarray(x, float) for x in (need, start, dep, head, depth))
    if need.size == 0:
        z = np.zeros(n)
        return z, z, z
    bid = (depth > 0) | (head > need + 1e-9)
    # what cannot be reached at full power before departure is short anyway (the plant records it)
    need = np.minimum(need, p_b * np.clip(dep - start, 0.0, None))
    head = np.maximum(head, need)
    tab = {"served": np.ones(need.size, bool), "dep": dep, "c0": start, "req": need, "head": head,
           "depth": depth, "bidir": bid, "p_b": p_b, "p_db": p_d}
    tau = t0 + np.arange(1, n + 1, dtype=float)
    U = _ramp_sum(*_envelope_ramps(tab, which="max"), tau)
    L = np.minimum(_ramp_sum(*_envelope_ramps(tab, which="min"), tau), U)
    drain = np.diff(np.r_[0.0, L])
    # charging each vehicle can take in each hour: its charger's power over its part of the hour,
    # at most what it can still take (a bidirectional vehicle: its charger's power)
    cap = np.where(bid, np.inf, head)
    hs = np.floor(start).astype(np.int64) - t0
    hd = np.floor(dep).astype(np.int64) - t0
    one = hs == hd
    part = np.where(one, np.minimum(p_b * (dep - start), cap), np.minimum(p_b * (hs + t0 + 1 - start), cap))
    last = np.where(one, 0.0, np.minimum(p_b * (dep - (hd + t0)), cap))
    per = np.where(one, 0.0, np.minimum(p_b, cap))  # each full hour between

    def at(idx, w):
        return np.bincount(np.clip(idx, 0, n + 1), weights=w, minlength=n + 2)

    can = (at(hs, part) + at(hd, last) + np.cumsum(at(hs + 1, per) - at(hd, per)))[:n]
    return drain, np.clip(U - L, 0.0, None), can / eta
