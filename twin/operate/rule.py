"""Rule-based controller: what a good park operator's PLC does, hour by hour.

Rules, in order, for the hour ahead (forecasts of load and PV for the hour, and for the
rest of the connected vehicles' sessions and of the day where EV charging and the
battery's reserve look ahead; the tariff, the heat pumps' COP and the fleets' session
schedules are known):

* **PV self-consumption first**: a forecast PV surplus charges the battery (and lets the
  thermal store take energy early; EV charging prices such hours at the export price).
* **Time-of-use arbitrage**: in the day's valley hours the battery charges towards its upper
  limit at full power (only if a peak-hour kWh is worth more than a valley kWh after
  round-trip losses and wear), as an operator sets it: no forecast caps the set-point; the
  plant holds the charging in real time, on the hour's actual flows, to what the battery
  can take, to the month's threshold on the measured import (``Decision.charge_limit_kw``)
  and to the grid connection's and site transformers' capacity (the connection guard).
  A tariff with two cycles a day (a night valley before a morning peak, a midday valley
  before an evening one) is read from the hourly price (:func:`price_windows`): in a cheap
  block outside the day's valley the battery charges where a kWh taken now is worth more,
  after losses and wear, in the hours before the price next falls lower, as much as those
  hours' forecast import can use (:meth:`RuleController._cycle_charge`). It discharges to cover
  the park's net load (never to export; where the net load is above the month's threshold,
  at least the excess) in hours priced above the day's mean and in any other hour whose kWh
  can be put back cheaper, after losses and wear, before the price rises above this hour's
  (a flat morning before a midday valley). It keeps a reserve for the next 24 h: in every
  later hour the larger of the forecast import above the month's threshold (with the EV
  charging planned and that of the vehicles still to come, plus the forecast margin) and,
  in hours priced higher than this one, the net load the batteries could cover there, less
  what the hours it charges in before each can put back (the valley and the cheap blocks
  below the threshold less the margin, a forecast PV surplus less its margin;
  :meth:`RuleController._refill`), so that arbitrage does not empty the battery before a
  foreseeable peak or before dearer hours, and does not keep energy that a valley or the
  midday sun will replace anyway.
* **Peak shaving** under the monthly demand charge: whenever the net load would exceed
  the month's threshold (the higher of the month's peak so far and the plan's peak of
  that month, given as ``peak_targets``), the battery discharges the excess and valley
  charging is held below the threshold in real time on the measured import
  (``Decision.charge_limit_kw``: the plant cuts battery, thermal-store and EV charging
  beyond the promises as far as the actual load leaves no room; EV charging is also
  planned on the forecast room below it, battery charging is not), so a
  forecast error never lets charging set a new peak that would become the next day's
  allowance. Where the batteries' energy cannot hold the threshold through the forecast
  block (a long afternoon peak), they hold the lowest level they can hold in every hour of
  it instead of holding the threshold until they are empty and letting the block's last
  hours through (:meth:`RuleController._feasible_level`; recorded in
  ``RuleController.levels``). Where the actual import still exceeds the threshold (or that
  level), the batteries discharge in real time beyond the hour's set-point, within power
  and down to ``soc_min`` (``Decision.peak_hold_kw``, with
  ``operation.real_time_peak_hold``; the rule plans no later use to reserve energy for).
  A peak the load sets beyond that raises the threshold.
* **Charging for tomorrow's peaks**: in the hours priced neither in the valley nor above
  the day's mean where no discharge pays, the battery charges (below the threshold less the forecast margin) what
  holding the threshold over the next 24 h needs beyond its content and what the valley
  hours before each forecast excess can add below the threshold
  (:meth:`RuleController._peak_shortfall`): where the valley's room under the threshold is
  too small for the next day's excess, the flat hours before it fill the gap.
* **EV charging planned on the sessions** (:func:`plan_fleet_charging`): every hour the
  energy each connected vehicle still needs by its departure is placed in the hours of its
  session, vehicles in order of least laxity, at most the charger's power: first in the
  room below the month's threshold less a margin for forecast errors (one standard
  deviation of the load forecast's error), cheapest hours first and among hours of one
  price the least loaded first (valley filling); then in the margin; only what does not fit
  goes above the threshold. The room is the threshold less the forecast net load and the
  latest-start charging of the vehicles still to come (the fleets' session schedules); the
  hour's set-point is what the plan puts in this hour, at least what the vehicles must
  receive now to keep their promises at full power before departure (the plant keeps
  promises first in any case). Where the plan puts charging above the threshold in this
  hour, the real-time charging limit is raised by that much, so that the charging the plan
  spreads is not put off until the vehicles must charge at full power before departure.
  Without a demand charge the plan is by price and load alone. The room is also kept below
  the grid connection's capacity (the hourly import limit; with a park transformer at the
  point of connection, what it carries beside the reactive draw of the forecast consumption)
  and below the capacity of each site transformer the fleet charges through, beside the
  forecast flows of the assets behind it (:meth:`RuleController._capacity_rooms`): the rule
  does not plan charging that a transformer cannot carry.
* **V2G within the promise**: bidirectional vehicles discharge to cover the part of the
  net load above the month's threshold that the batteries' power cannot (without a demand
  charge: in peak hours, the net load), and the plant lets each discharge only as far as it
  can still reach its promise by departure (never below ``v2g_min_soc``).
* **Heat pump and thermal store follow heat demand and tariff**: the store charges in
  valley hours (or with PV surplus) from the electric heat capacity left over after the
  network's need (never from a boiler burning fuel) and discharges the network's need in
  peak hours; the heat sources serve the need in merit order at this hour's prices. The
  network's need counts the absorption chillers' driving heat (the cooling of the chilled-water
  network and of each process-cooling loop split among its own chillers in the plant's merit
  order, :func:`cooling_split_kw`), and the look-ahead of the
  net load (:meth:`RuleController._heat_plan`) runs this store policy from the stores'
  content over the coming hours, so that the heat's electricity it plans the battery and
  the EV charging on is what the plant will draw: less where the stores give heat, more
  where they charge.
* **Cold stores** (:func:`twin.operate.cold.rule_set_points`): in the valley hours they charge what
  the forecast cooling of their bus's peak-priced hours in the next 24 h needs beyond their content,
  spread over the valley hours left; in peak-priced hours they discharge the hour's forecast cooling,
  keeping what the day's later, dearer hours need; the chillers' electricity this changes is in the
  hour's net load.
* **Several batteries or thermal stores** act as one: the set-point is worked out for
  their total power and split in a stated order, the store with the highest round-trip
  efficiency (after standing losses) first (:func:`twin.operate.state.store_order`);
  whether valley charging pays is judged with that most efficient battery.
"""

from __future__ import annotations

import numpy as np

from solvers.problem import COOL_BUS, HEAT_BUS
from twin.operate.cold import rule_set_points as rule_cold_set_points
from twin.operate.forecasts import net_load_error_sd, process_cooling_series, process_heat_series
from twin.operate.spec import OperationSpec
from twin.operate.state import Decision, OperatedPark, PlantState, direct_room


def _direct(park: OperatedPark, bus: str, hrs: np.ndarray, need: np.ndarray, waste_left: dict, hx_left: list,
            dir_used: list | None = None) -> np.ndarray:
    """Waste heat used directly on ``bus`` in hours ``hrs`` first (it costs nothing), within each
    exchanger's room, the heat left and the share of the heat hot enough for the bus
    (:func:`twin.operate.state.direct_room`, ``dir_used``: each source's direct use by bus so far);
    ``need``, ``waste_left``, ``hx_left`` and ``dir_used`` [kW, per hour] change in place. Returns
    the need left [kW]."""
    dir_used = [{} for _ in park.waste] if dir_used is None else dir_used
    for j, w in enumerate(park.waste):
        if w["hx_kw"] > 0 and bus in w.get("buses", [HEAT_BUS]):
            room = direct_room(w, bus, dir_used[j], np.asarray(w["avail"], float)[hrs])
            got = np.clip(np.minimum(np.minimum(need, room), np.minimum(hx_left[j], waste_left[w["name"]])),
                          0.0, None)
            need -= got
            hx_left[j] -= got
            waste_left[w["name"]] -= got
            dir_used[j][bus] = dir_used[j].get(bus, 0.0) + got
    return need


def merit_take(need: np.ndarray, cap: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """What each source gives in merit order: ``need`` [kW, per hour] served by the sources (rows
    of ``cap`` [kW] and ``cost`` [CNY/kWh], one column per hour) cheapest first, the declared
    order among equals (a stable sort, as the plant's); returns the take [kW] of each source in
    each hour, shape of ``cap``."""
    order = np.argsort(cost, axis=0, kind="stable")
    c_sorted = np.take_along_axis(cap, order, axis=0)
    before = np.cumsum(c_sorted, axis=0) - c_sorted
    take = np.empty_like(cap)
    np.put_along_axis(take, order, np.clip(np.asarray(need, float)[None, :] - before, 0.0, c_sorted), axis=0)
    return take


def network_heat_cost(park: OperatedPark, hrs: np.ndarray) -> np.ndarray:
    """Cost of the cheapest source of the heat network [CNY/kWh of heat] in hours ``hrs``, as the
    plant prices an absorption chiller's driving heat (:meth:`twin.operate.loop.Plant._cheapest_heat_cost`):
    waste heat used directly (0), the network's heat pumps with output in the hour, its boilers and
    district heat that may be replaced, electricity and fuel with emissions at the controller's
    carbon price; inf where the network has no source."""
    lam = park.carbon_price * 1e-3
    el = park.price[hrs] + lam * park.ef[hrs]
    best = np.full(hrs.size, np.inf)
    if any(w["hx_kw"] > 0 and HEAT_BUS in w.get("buses", [HEAT_BUS]) for w in park.waste):
        best[:] = 0.0
    for h in park.heat_pumps:
        if h.get("bus", HEAT_BUS) != HEAT_BUS:
            continue
        on = park.in_service("heat_pump", h["name"], hrs)
        ok = on & (h["kw"] * np.asarray(h["avail"], float)[hrs] > 0)
        best = np.where(ok, np.minimum(best, el / np.asarray(h["cop"], float)[hrs]), best)
    for b in park.boilers:
        if b["kw"] > 0 and b.get("bus", HEAT_BUS) == HEAT_BUS:
            fuel = el if b["fuel"] == "electric" else b["price"] + lam * b["ef"]
            best = np.minimum(best, fuel / b["eff"])
    dh = park.district_heat
    if dh is not None and dh["cap"] > 0:
        best = np.minimum(best, dh["price"] + lam * dh["ef"])
    return best


def cooling_split_kw(park: OperatedPark, hrs: np.ndarray, demand: dict,
                     detail: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The cooling ``demand`` {cooling bus: kW per hour of ``hrs``} served in the plant's merit order
    (:meth:`twin.operate.loop.Plant._cool`), each cooling bus (the chilled-water network, each
    process-cooling loop of its own) by its own chillers: each chiller in service within its size,
    by cost per kWh of cold (an electric chiller: electricity with emissions at the carbon price
    over its COP; an absorption chiller: the network's cheapest heat, :func:`network_heat_cost`,
    over its COP), the declared order among equals. Returns (the electric chillers' electricity
    [kW], the absorption chillers' driving heat drawn from the heat network [kW]), summed over the
    buses; cooling beyond a bus's chillers draws neither. ``detail``, where given, gets each
    electric chiller's electricity under ``("chiller", j)`` [kW per hour]."""
    m = hrs.size
    lam = park.carbon_price * 1e-3
    el = park.price[hrs] + lam * park.ef[hrs]
    heat_cost = None
    p_el, q_heat = np.zeros(m), np.zeros(m)
    for bus, need in demand.items():
        cap, cost, per_e, per_h, keys = [], [], [], [], []
        for j, c in enumerate(park.chillers):
            if c["kw"] <= 0 or c.get("bus", COOL_BUS) != bus:
                continue
            keys.append(("chiller", j))
            on = park.in_service("chiller", c["name"], hrs).astype(float)
            cop = np.asarray(c["cop"], float)[hrs]
            cap.append(c["kw"] * on)
            if c["kind"] == "electric":
                cost.append(el / cop)
                per_e.append(1.0 / cop)
                per_h.append(np.zeros(m))
            else:
                heat_cost = network_heat_cost(park, hrs) if heat_cost is None else heat_cost
                cost.append(heat_cost / cop)
                per_e.append(np.zeros(m))
                per_h.append(1.0 / cop)
        if not cap:
            continue
        take = merit_take(np.asarray(need, float)[:m], np.array(cap), np.array(cost))
        e = take * np.array(per_e)
        if detail is not None:
            for k, key in enumerate(keys):
                if park.chillers[key[1]]["kind"] == "electric":
                    detail[key] = e[k]
        p_el += e.sum(axis=0)
        q_heat += (take * np.array(per_h)).sum(axis=0)
    return p_el, q_heat


def bus_electricity_kw(park: OperatedPark, bus: str, hrs: np.ndarray, demand: np.ndarray,
                       waste_left: dict, hx_left: list, dir_used: list | None = None,
                       detail: dict | None = None) -> np.ndarray:
    """Electricity [kW] the plant draws to serve ``demand`` [kW] on heat bus ``bus`` in hours ``hrs``,
    in its merit order (:meth:`twin.operate.loop.Plant._heat`): waste heat used directly first,
    then the bus's heat pumps and boilers by cost per kWh of heat at each hour's price (emissions at
    the controller's carbon price), each within its size (a waste-heat heat pump also within its
    source's heat left). ``waste_left``, ``hx_left`` [kW] and ``dir_used`` (each source's direct use
    by bus so far, which limits a hotter bus to the part of a stream hot enough for it,
    :func:`twin.operate.state.direct_room`) change in place (what the bus used); ``detail``, where
    given, gets each electric source's electricity [kW per hour] under ``("hp", j)``
    and ``("boiler", j)`` (indices into the park's heat pumps and boilers)."""
    m = hrs.size
    need = _direct(park, bus, hrs, np.asarray(demand, float).copy(), waste_left, hx_left, dir_used)
    el = park.price[hrs] + park.carbon_price * 1e-3 * park.ef[hrs]
    cap, cost, per, src, keys = [], [], [], [], []
    for j, h in enumerate(park.heat_pumps):
        if h.get("bus", HEAT_BUS) != bus or h["kw"] <= 0:
            continue
        keys.append(("hp", j))
        cop = np.asarray(h["cop"], float)[hrs]
        on = park.in_service("heat_pump", h["name"], hrs).astype(float)
        c = h["kw"] * np.asarray(h["avail"], float)[hrs] * on
        frac = 1.0 - 1.0 / cop
        if h["source"] is not None:
            c = np.minimum(c, np.where(frac > 0, waste_left.get(h["source"], np.zeros(m)) / np.maximum(frac, 1e-9),
                                       c))
        cap.append(c)
        cost.append(el / cop)
        per.append(1.0 / cop)
        src.append((h["source"], frac))
    for j, b in enumerate(park.boilers):
        if b.get("bus", HEAT_BUS) != bus or b["kw"] <= 0:
            continue
        keys.append(("boiler", j))
        cap.append(np.full(m, b["kw"]))
        if b["fuel"] == "electric":
            cost.append(el / b["eff"])
            per.append(np.full(m, 1.0 / b["eff"]))
        else:
            cost.append(np.full(m, (b["price"] + park.carbon_price * 1e-3 * b["ef"]) / b["eff"]))
            per.append(np.zeros(m))
        src.append((None, None))
    if not cap:
        return np.zeros(m)
    cap, cost, per = np.array(cap), np.array(cost), np.array(per)
    take = merit_take(need, cap, cost)
    for k, (source, frac) in enumerate(src):
        if source is not None:
            waste_left[source] = waste_left[source] - take[k] * frac
    if detail is not None:
        for k, key in enumerate(keys):
            detail[key] = detail.get(key, 0.0) + take[k] * per[k]
    return (take * per).sum(axis=0)


RESERVE_MARGIN_SD = float(OperationSpec.model_fields["rule_reserve_margin_sd"].default)
"""Standard deviations of the net-load forecast error (electric load and PV, at each lead:
:meth:`RuleController._net_error_sd`) the batteries' arbitrage reserve adds, in each later hour
of the day, to the forecast import above the month's threshold (:meth:`RuleController._above_reserve`).
The month's demand charge is set by its worst hour, not its typical one: over a month's hundred or so
peak-priced hours the largest of the errors is about 2.5 of them, so a reserve for one (the rule's
margin before, the load's error alone at a day's lead) left the batteries empty in the hour that set
the peak. ``operation.rule_reserve_margin_sd``; measured in benchmarks/README.md."""


class RuleController:
    """The rule set above (see the module docstring).

    Parameters
    ----------
    forecaster : twin.operate.forecasts.Forecaster
        Forecasts of ``load_kw``, ``pv_per_kwp`` (and ``heat_kw``, ``cool_kw``).
    peak_targets : dict, optional
        Month (1-12) -> peak-shaving threshold [kW], e.g. the plan's monthly peaks.
    peak_hold : bool
        Hold the threshold in real time by discharging the batteries beyond the set-point
        (``operation.real_time_peak_hold``).
    """

    name = "rule"

    EV_PLAN_H = 48
    """Longest EV charging plan [h] (vehicles leaving later plan to this hour)."""
    LOOKAHEAD_H = max(EV_PLAN_H, 24)
    """Forecast horizon the controller asks for [h]: its EV charging plan and its 24 h reserve. Its own
    forecaster has this horizon (:func:`twin.operate.stage.operate_plan`), whatever the rolling horizon's
    ``operation.horizon_h``: a shorter forecaster would cut the look-ahead (later hours repeat its last)."""

    def __init__(self, forecaster, peak_targets: dict | None = None, peak_hold: bool = True,
                 ev_planning: bool = True, battery_reserve: bool = True,
                 reserve_margin_sd: float = RESERVE_MARGIN_SD):
        self.fc = forecaster
        self.peak_targets = dict(peak_targets or {})
        self.peak_hold = bool(peak_hold)
        self.ev_planning = bool(ev_planning)
        self.battery_reserve = bool(battery_reserve)
        self.reserve_margin_sd = float(reserve_margin_sd)

    def initialise(self, park: OperatedPark, state: PlantState) -> None:
        self.park = park
        p = park.price
        T = park.T
        days = np.arange(T) // 24
        nd = days.max() + 1 if T else 0
        dmin = np.full(nd, np.inf)
        dmax = np.full(nd, -np.inf)
        np.minimum.at(dmin, days, p)
        np.maximum.at(dmax, days, p)
        dmean = np.bincount(days, weights=p, minlength=nd) / np.bincount(days, minlength=nd)
        self.valley = p <= dmin[days] + 1e-9
        self.peak = p > dmean[days] + 1e-9
        self.day_max = dmax[days]
        self.refill_price, self.ahead_max = price_windows(p)
        self.n_decisions = 0
        self.levels = {}  # hour -> import level held above the month's threshold (_feasible_level)
        self._plan_cache = None
        # room kept below the threshold for forecast errors: one standard deviation of the
        # load forecast's error (ForecastSpec.load_sd_of_mean times the mean load)
        st = getattr(self.fc, "s", None)
        sd = 0.0 if st is None or st.perfect else st.load_sd_of_mean
        self.margin = sd * float(np.mean(np.abs(park.load_kw))) if T else 0.0
        self._no_threshold = 1e9  # no demand charge: the lowest net load first among hours of one price
        # the fleets' sessions by plug-in time: vehicles still to come are known by their schedule
        self._sched = [(session_schedule(f.sessions), f.p_charger_kw * f.eta, f.eta)
                       for f in park.fleets if f.mode != "uncontrolled"]

    def observe(self, state: PlantState) -> None:
        self.state = state

    def _net_forecast(self, t: int, n: int) -> np.ndarray:
        """Forecast net load of hours ``t .. t+n-1`` before the batteries and EV charging [kW]: load
        less PV, plus the electric chillers' and the heat's electricity (:meth:`_heat_plan`: the
        cooling and every heat bus in the plant's merit order, with the absorption chillers'
        driving heat and the thermal stores' planned charging and discharging on the network)
        (the forecaster's horizon at most; later hours repeat its last hour)."""
        park = self.park
        m = max(1, min(n, getattr(self.fc, "H", n), park.T - t))
        plan = self._heat_plan(t, m)
        net = plan["net"][:m] + plan["p_cool"][:m] + plan["p_heat"][:m]
        if n > m:
            net = np.r_[net, np.full(n - m, net[-1])]
        return net

    def _cool_forecast(self, t: int, m: int) -> dict:
        """Forecast cooling demand of each cooling bus in hours ``t .. t+m-1`` [kW]: the chilled-water
        network's (the buildings' and the process cooling that joins it) and each process-cooling loop's;
        a demand the forecaster does not have is taken as known."""
        park = self.park
        out = {b: np.zeros(m) for b in park.cooling_buses}
        if park.cool_kw is not None and park.chillers:
            out[COOL_BUS] += np.asarray(self.fc.forecast("cool_kw", t, m), float)[:m]
        for x in park.process_cooling:
            name = process_cooling_series(x["name"])
            has = getattr(self.fc, "has", lambda _n: False)(name)
            out[x["bus"]] += (np.asarray(self.fc.forecast(name, t, m), float)[:m] if has
                              else np.asarray(x["kw"], float)[t:t + m])
        return out

    def _cool_electricity(self, t: int, m: int) -> np.ndarray:
        """Forecast electricity of the chillers [kW] in hours ``t .. t+m-1`` (:meth:`_heat_plan`): each
        cooling bus's forecast demand (:meth:`_cool_forecast`) served by its own chillers in the
        plant's merit order (:func:`cooling_split_kw`: electric and absorption chillers by cost per
        kWh of cold, each within its size)."""
        return self._heat_plan(t, m)["p_cool"][:m].copy()

    def _heat_forecast(self, t: int, m: int) -> dict:
        """Forecast heat demand of each heat bus in hours ``t .. t+m-1`` [kW]: the network's (the
        buildings' and the process heat that joins it) and each process-heat bus's; a demand the
        forecaster does not have is taken as known. Without the absorption chillers' driving heat
        (:meth:`_heat_plan` adds it)."""
        park = self.park
        out = {b: np.zeros(m) for b in park.heat_buses}
        if park.heat_kw is not None:
            out[HEAT_BUS] += np.asarray(self.fc.forecast("heat_kw", t, m), float)[:m]
        for x in park.process_heat:
            name = process_heat_series(x["name"])
            has = getattr(self.fc, "has", lambda _n: False)(name)
            out[x["bus"]] += (np.asarray(self.fc.forecast(name, t, m), float)[:m] if has
                              else np.asarray(x["kw"], float)[t:t + m])
        return out

    def _heat_electricity(self, t: int, m: int) -> np.ndarray:
        """Forecast electricity of the heat [kW] in hours ``t .. t+m-1`` (:meth:`_heat_plan`): each
        heat bus's forecast demand (the network's with the process heat that joins it, the absorption
        chillers' driving heat and the thermal stores' planned charging less their discharging, then
        each process-heat bus) served in the plant's merit order (:func:`bus_electricity_kw`), the
        waste heat shared by the buses in the plant's order."""
        return self._heat_plan(t, m)["p_heat"][:m].copy()

    def _bus_electricity(self, hrs: np.ndarray, demand: dict, detail: dict | None = None) -> np.ndarray:
        """Electricity [kW] of serving ``demand`` {heat bus: kW per hour of ``hrs``} bus after bus in
        the plant's order (the network first), the waste heat shared (:func:`bus_electricity_kw`)."""
        park = self.park
        m = hrs.size
        out = np.zeros(m)
        if not park.heat_pumps and not any(b["fuel"] == "electric" for b in park.boilers):
            return out
        waste_left = {w["name"]: np.asarray(w["avail"], float)[hrs].copy() for w in park.waste}
        hx_left = [np.full(m, w["hx_kw"]) for w in park.waste]
        dir_used = [{} for _ in park.waste]
        for bus in park.heat_buses:
            out += bus_electricity_kw(park, bus, hrs, demand[bus], waste_left, hx_left, dir_used, detail)
        return out

    def _heat_plan(self, t: int, m: int) -> dict:
        """The forecast hours ``t .. t+m-1`` (at least; computed once per hour for the longest
        look-ahead and cut) as the rule will run the heat and cooling [kW per hour]: ``net`` (load
        less PV), ``p_cool`` (the electric chillers' electricity) and ``q_abs`` (the absorption
        chillers' driving heat, on the network; :func:`cooling_split_kw`: the chilled-water network's
        and each process-cooling loop's forecast, :meth:`_cool_forecast`, each by its own chillers),
        ``q_net`` (the network's
        heat need with it), the thermal stores' planned ``tch`` / ``tdis`` and set-point ``tes``
        (:meth:`_tes_plan`: charged in valley hours and with a PV surplus from the network's spare
        electric heat, discharged in peak hours, from their content now), and ``p_heat`` (the heat's
        electricity on every bus with the stores' charging less their discharging on the network),
        with ``load``, ``pv`` (each array's forecast output, arrays × hours) and ``by_source`` (each
        heat pump's, electric boiler's and electric chiller's electricity, keys ``("hp", j)``,
        ``("boiler", j)``, ``("chiller", j)``: what flows through the site transformers,
        :meth:`_capacity_rooms`). The surplus that lets the stores charge is judged on the net load
        with the heat before the stores, as :meth:`decide` judges it."""
        cache = getattr(self, "_plan_cache", None)
        if cache is not None and cache[0] == t and cache[1] >= m:
            return cache[2]
        park = self.park
        M = max(m, min(max(self.EV_PLAN_H, 24), getattr(self.fc, "H", m), park.T - t))
        hrs = np.arange(t, t + M)
        load = np.asarray(self.fc.forecast("load_kw", t, M), float)[:M].copy()
        M = load.size
        hrs = hrs[:M]
        pv = np.zeros((len(park.pv_names), M))
        if park.pv_names:
            pv = self.fc.forecast("pv_per_kwp", t, M)[:, :M] * park.pv_kwp[:, None]
        net = load - pv.sum(axis=0)
        p_cool, q_abs = np.zeros(M), np.zeros(M)
        detail = {}  # each electric heat source's and chiller's electricity (the site transformers' flows)
        if park.chillers and park.cool_kw is not None:  # each cooling bus by its own chillers
            p_cool, q_abs = cooling_split_kw(park, hrs, self._cool_forecast(t, M), detail)
        demand = self._heat_forecast(t, M)
        demand[HEAT_BUS] = demand[HEAT_BUS] + q_abs
        q_net = demand[HEAT_BUS].copy()
        heat_detail = {}
        p_heat = self._bus_electricity(hrs, demand, heat_detail)
        tes = self._tes_plan(t, M, q_net, net + p_cool + p_heat < 0)
        if tes["tch"].any() or tes["tdis"].any():
            demand[HEAT_BUS] = q_net + tes["tch"] - tes["tdis"]
            heat_detail = {}
            p_heat = self._bus_electricity(hrs, demand, heat_detail)
        detail.update(heat_detail)
        plan = {"net": net, "load": load, "pv": pv, "p_cool": p_cool, "q_abs": q_abs, "q_net": q_net,
                "p_heat": p_heat, "by_source": detail, **tes}
        self._plan_cache = (t, M, plan)
        return plan

    def _tes_plan(self, t: int, m: int, q_net: np.ndarray, surplus: np.ndarray) -> dict:
        """The thermal stores' charging and discharging [kW heat] the rule plans in hours
        ``t .. t+m-1`` and what the plant lets them do, from their content at the start of hour
        ``t``: in a valley hour or one with a forecast PV surplus (``surplus``) they charge with
        what the network's electric heat (its heat pumps' output in the hour, its electric boilers)
        has to spare beyond the network's need ``q_net`` [kW] (never from a boiler burning fuel),
        in a peak hour they discharge the network's need; the set-point is split in store order
        (:func:`split`) and each store clipped, as the plant clips it, to its power, its room (over
        its charging efficiency) or content, and the need left. Returns ``tes`` (the set-point of
        all stores), ``tch`` and ``tdis`` [kW], each per hour."""
        park = self.park
        z = np.zeros(m)
        if not park.thermal_stores:
            return {"tes": z, "tch": z.copy(), "tdis": z.copy()}
        s = getattr(self, "state", None)
        content = dict(park.initial.get("tes_kwh", {}) if s is None else s.tes_kwh)
        hrs = np.arange(t, t + m)
        stores = park.thermal_stores
        e = [float(content.get(x["name"], 0.0)) for x in stores]
        power = [x["rho"] * x["kwh"] for x in stores]
        on = [park.in_service("thermal_storage", x["name"], hrs).tolist() for x in stores]
        spare = np.zeros(m)  # the network's electric heat in each hour: heat pumps in service, electric boilers
        for h in park.heat_pumps:
            if h.get("bus", HEAT_BUS) == HEAT_BUS:
                spare += h["kw"] * np.asarray(h["avail"], float)[hrs] * park.in_service("heat_pump", h["name"], hrs)
        spare += sum(b["kw"] for b in park.boilers if b["fuel"] == "electric" and b.get("bus", HEAT_BUS) == HEAT_BUS)
        spare = np.maximum(spare - q_net, 0.0).tolist()
        charge = (self.valley[hrs] | np.asarray(surplus, bool)).tolist()
        peak = self.peak[hrs].tolist()
        need = np.asarray(q_net, float).tolist()
        want_k, tch, tdis = np.zeros(m), np.zeros(m), np.zeros(m)
        for k in range(m):
            live = [i for i in range(len(stores)) if on[i][k]]
            want = 0.0
            if live:
                if charge[k] and spare[k] > 0:
                    want = min(sum(power[i] for i in live), spare[k])
                elif peak[k]:
                    want = -need[k]
            want_k[k] = want
            left, ch, dis = abs(want), 0.0, 0.0
            for i, x in enumerate(stores):  # split in store order (split()), each clipped as the plant clips it
                e0 = x["keep"] * e[i]
                v = 0.0
                if i in live and left > 0:
                    v = min(left, power[i])
                    left -= v
                if v > 0 and want > 0:
                    c = max(min(v, power[i], (x["kwh"] - e0) / x["eta_c"]), 0.0)
                    ch += c
                    e[i] = e0 + x["eta_c"] * c
                elif v > 0:
                    d = max(min(v, power[i], e0, need[k] - dis), 0.0)
                    dis += d
                    e[i] = e0 - d
                else:
                    e[i] = e0
            tch[k], tdis[k] = ch, dis
        return {"tes": want_k, "tch": tch, "tdis": tdis}

    def decide(self, t: int) -> Decision:
        park, s = self.park, self.state
        self.n_decisions += 1
        hp = self._heat_plan(t, 1)  # the heat and cooling as the rule runs them, its thermal stores' plan
        n = float(hp["net"][0] + hp["p_cool"][0] + hp["p_heat"][0])
        valley, peak = bool(self.valley[t]), bool(self.peak[t])
        # cold stores: valley charging for the next peak hours' cooling, peak discharge (twin.operate.cold)
        cold_kw, cold_el = rule_cold_set_points(self, t)
        n += cold_el
        surplus = n < 0
        m = int(park.month[t])
        thr = max(s.month_peak_kw, self.peak_targets.get(m, 0.0)) if park.demand_charge > 0 else np.inf
        d = Decision(charge_limit_kw=thr if np.isfinite(thr) else None, cold_kw=cold_kw)
        if self.peak_hold:
            d.peak_hold_kw = d.charge_limit_kw
        # EV fleets: charging planned on the connected vehicles' sessions (valley filling under
        # the threshold, least laxity first, plan_fleet_charging); V2G headroom beyond the
        # promises in the valley or with PV surplus
        plan = self._plan_ev(t, n, thr) if self.ev_planning else None
        if plan is not None and np.isfinite(thr) and plan["room"][0] < 0:
            # the promises do not fit below the threshold: the charging the plan spreads above it passes
            # the real-time limit (else it is put off until it is forced at full power before departure)
            d.charge_limit_kw = thr + min(-float(plan["room"][0]), sum(plan["now"].values()))
        for f in park.fleets:
            veh = s.vehicles(f.name) if f.mode != "uncontrolled" else None
            if f.mode == "uncontrolled" or veh is None or veh["need"].size == 0:
                continue
            p_b = f.p_charger_kw * f.eta
            # V2G only where the plan has bidirectional chargers (a plan without them had its vehicles
            # charged to full in the valley and discharged through chargers it never built)
            v2g = f.mode == "v2g" and f.bidirectional_chargers > 0
            ov = np.clip(np.minimum(veh["dep"], t + 1) - veh["start"], 0.0, 1.0)
            after = np.clip(veh["dep"] - (t + 1), 0.0, None)
            must = np.clip(veh["need"] - p_b * after, 0.0, p_b * ov)
            must_kw = float(must.sum()) / f.eta
            fill = float(np.minimum(veh["head"].clip(min=0), p_b * ov).sum()) / f.eta
            if plan is not None:
                want = max(must_kw, plan["now"].get(f.name, 0.0))
                if v2g and (valley or surplus):  # headroom for later V2G
                    want = max(want, fill)
                d.ev_charge_kw[f.name] = want
            elif valley or surplus:
                d.ev_charge_kw[f.name] = fill
            else:
                d.ev_charge_kw[f.name] = must_kw
            planned = 0.0 if plan is None else plan["now"].get(f.name, 0.0)
            if plan is None or not np.isfinite(thr):
                if v2g and peak and must_kw == 0.0 and n > 0:
                    d.ev_discharge_kw[f.name] = n
                    d.ev_charge_kw[f.name] = 0.0
            elif v2g and must_kw == 0.0 and planned <= 1e-9:
                # V2G holds the peak only where the batteries cannot: every kWh a vehicle gives
                # must come back before it leaves, at full power near departure at the latest
                bat_kw = sum(b["kw"] for b in park.batteries if park.available("battery", t, b["name"]))
                if n - thr - bat_kw > 0:
                    d.ev_discharge_kw[f.name] = n - thr - bat_kw
                    d.ev_charge_kw[f.name] = 0.0
            n += d.ev_charge_kw[f.name] - d.ev_discharge_kw.get(f.name, 0.0)
        # batteries: one set-point for all, split in the plant's store order
        bats = [b for b in park.batteries if park.available("battery", t, b["name"])]
        if bats:
            kw = sum(b["kw"] for b in bats)
            b0 = bats[0]  # the most efficient: is a valley-to-peak cycle worth it at all?
            want = 0.0
            if n < 0:
                want = min(-n, kw)
            elif n > thr:
                lev = self._feasible_level(t, bats, n, thr, plan)
                if lev > thr:  # the energy cannot hold the threshold all block: hold a level it can
                    self.levels[t] = lev
                    if d.peak_hold_kw is not None:
                        d.peak_hold_kw = lev
                want = -max(n - lev, 0.0)
                if peak or self._cycle_pays(t, b0, charge=False):
                    # the excess over the level at least; arbitrage may take more (the net load,
                    # within the reserve)
                    want = -max(n - lev, min(n, kw, self._above_reserve(t, bats, thr, plan)))
            elif valley and self._valley_pays(t, b0):
                # full power: the plant holds it in real time to the battery's room, the month's
                # threshold on the actual import (charge_limit_kw) and the connection's capacity
                want = kw
            elif self._cycle_pays(t, b0, charge=True):
                # a cheap block before dearer hours that come before the price falls lower (a second
                # cycle of the day, e.g. a night valley before a morning peak): what those hours can use
                want = min(kw, self._cycle_charge(t, bats, plan))
            elif peak:
                want = -min(n, kw, self._above_reserve(t, bats, thr, plan))
            else:
                # hours between valley and peak: discharge where the kWh can be put back cheaper before
                # the price rises above this hour's (within the reserve), else charge for tomorrow's
                # peaks if need be
                if self._cycle_pays(t, b0, charge=False):
                    want = -min(n, kw, self._above_reserve(t, bats, thr, plan))
                if want == 0.0 and np.isfinite(thr):
                    want = min(kw, max(thr - self.margin - n, 0.0), self._peak_shortfall(t, bats, thr, plan))
            d.battery_kw = split(want, bats, lambda b: b["kw"])
        # thermal stores: charged from the network's spare electric heat (heat pumps, electric boilers;
        # a process-heat bus's plant cannot feed them) in the valley or with PV surplus, discharged
        # in peak hours for the network's need with the absorption chillers' driving heat (_tes_plan,
        # the same plan the look-ahead counted)
        stores = [x for x in park.thermal_stores if park.available("thermal_storage", t, x["name"])]
        if stores:
            d.tes_kw = split(float(hp["tes"][0]), stores, lambda x: x["rho"] * x["kwh"])
        return d

    def _arrivals(self, t: int, n: int) -> np.ndarray:
        """Grid-side charging [kW] in hours ``t+1 .. t+n-1`` (index 0 = hour ``t``, zero) that the
        vehicles plugging in after hour ``t`` need at the latest (full power up to departure:
        their latest-start schedules), from the fleets' session schedules."""
        out = np.zeros(n)
        for sched, p_b, eta in self._sched:
            conn, dep, promise = plugging_in(sched, t, n)
            if conn.size:
                out += latest_start(promise, dep, p_b, t, n) / eta
        return out

    def _plan_ev(self, t: int, n_now: float, thr: float) -> dict | None:
        """The hour's EV charging planned on the connected vehicles' sessions
        (:func:`plan_fleet_charging`, fleet after fleet on the room they leave): ``now``
        {fleet: grid-side kW in hour ``t``}, ``ev`` (planned grid-side kW of all fleets in the
        hours ``t ..``), ``net`` (forecast net load of those hours before storage and EV
        charging [kW]); None without a controlled fleet with vehicles connected."""
        park, s = self.park, self.state
        fleets = []
        for f in park.fleets:
            veh = s.vehicles(f.name) if f.mode != "uncontrolled" else None
            if veh is not None and veh["need"].size and float(veh["need"].sum()) > 1e-9:
                fleets.append((f, veh))
        if not fleets:
            return None
        last = max(float(v["dep"].max()) for _, v in fleets)
        L = int(min(max(np.ceil(last - t), 1), self.EV_PLAN_H, park.T - t))
        net = self._net_forecast(t, L)
        net[0] = n_now
        net += self._arrivals(t, L)  # room the vehicles still to come take at the latest
        hrs = np.arange(t, t + L)
        cost = np.where(net < 0, park.price_export[hrs], park.price[hrs])
        room = (thr if np.isfinite(thr) else self._no_threshold) - net
        margin = self.margin if np.isfinite(thr) else 0.0
        conn, sites = self._capacity_rooms(t, L, net)
        now, ev = {}, np.zeros(L)
        for f, veh in fleets:
            p_b = f.p_charger_kw * f.eta
            # the room below the threshold, the connection's capacity and the fleet's site transformers
            i = next(j for j, g in enumerate(park.fleets) if g.name == f.name)
            mine = [k for k, x in enumerate(park.transformers) if i in x["fleets"]]
            r_f = np.minimum(room, conn)
            for k in mine:
                r_f = np.minimum(r_f, sites[k])
            e = plan_fleet_charging(veh["need"], veh["start"], np.minimum(veh["dep"], t + L), p_b, f.eta, t,
                                    cost, r_f, margin=margin)
            took = e / f.eta
            room -= took
            conn -= took
            for k in mine:
                sites[k] -= took
            now[f.name] = float(e[0]) / f.eta
            ev += took
        return {"now": now, "ev": ev, "net": net, "room": room}

    def _capacity_rooms(self, t: int, n: int, net: np.ndarray) -> tuple[np.ndarray, dict]:
        """Forecast room [kW] for more consumption at the loads' power factor in hours
        ``t .. t+n-1`` (the look-ahead's hours; later ones repeat its last): below the grid
        connection's capacity (the hourly import limit less ``net`` [kW], the forecast net load with
        the vehicles still to come; with a park transformer at the point of connection, what it
        carries beside the reactive draw of the forecast consumption, :func:`twin.operate.loop.apparent_room_kw`)
        and, for each transformer behind it (:attr:`OperatedPark.transformers`, by index), below its
        capacity beside the forecast flows of its assets: its buildings' and process loads' share of
        the park's load forecast (their share of the hour's load), its heat pumps', electric boilers'
        and electric chillers' electricity (:meth:`_heat_plan`), less its PV forecast. EV charging is
        planned within the smallest of them and the threshold's room (:meth:`_plan_ev`)."""
        from twin.operate.loop import apparent_room_kw

        park = self.park
        m = max(1, min(n, getattr(self.fc, "H", n), park.T - t))
        plan = self._heat_plan(t, m)
        hrs = np.arange(t, t + m)

        def stretch(a):
            a = np.asarray(a, float)[:m]
            return np.r_[a, np.full(n - m, a[-1])] if n > m else a

        up = np.array([park.grid_up(int(h)) for h in hrs])
        lim = np.where(up, park.import_limit_kw[hrs], 0.0)
        conn = stretch(lim - np.asarray(net, float)[:m])
        if np.isfinite(park.connection_kva):
            cons = plan["load"][:m] + plan["p_cool"][:m] + plan["p_heat"][:m]
            pcc = [apparent_room_kw(park.connection_kva if u else 0.0, park.reactive_per_kw, float(p), float(c))
                   for u, p, c in zip(up, np.asarray(net, float)[:m], cons)]
            conn = np.minimum(conn, stretch(pcc))
        sites = {}
        if park.transformers:
            share = np.divide(plan["load"][:m], park.load_kw[hrs], out=np.zeros(m), where=park.load_kw[hrs] > 1e-9)
            src = plan["by_source"]
            for k, x in enumerate(park.transformers):
                c = x["fixed_kw"][hrs] * share
                for key in ([("hp", j) for j in x["heat_pumps"]] + [("boiler", j) for j in x["boilers"]]
                            + [("chiller", j) for j in x["chillers"]]):
                    if key in src:
                        c = c + np.asarray(src[key], float)[:m]
                pw = c - plan["pv"][x["pv"]][:, :m].sum(axis=0)
                sites[k] = stretch([apparent_room_kw(x["kva"], x["tan_phi"], float(a), float(b)) for a, b in zip(pw, c)])
        return conn, sites

    def _import_forecast(self, t: int, n: int, plan: dict | None) -> np.ndarray:
        """Forecast import [kW] of hours ``t .. t+n-1`` before storage: net load, the EV charging
        planned for the connected vehicles and the latest-start charging of those still to come."""
        if plan is not None and plan["net"].size >= n:
            net = plan["net"][:n].copy()  # with the vehicles still to come
        else:
            net = self._net_forecast(t, n) + self._arrivals(t, n)
        if plan is not None:
            k = min(n, plan["ev"].size)
            net[:k] += plan["ev"][:k]
        return net

    def _above_reserve(self, t: int, bats: list, thr: float, plan: dict | None) -> float:
        """Power [kW] the batteries may discharge for price arbitrage in hour ``t``: the energy
        above ``soc_min`` and above the reserve for the next 24 h, over the discharge efficiency.
        The reserve: in each later hour, the larger of the forecast import above the month's
        threshold (net load, planned EV charging and the latest-start charging of vehicles still
        to come, plus :attr:`reserve_margin_sd` standard deviations of the net-load forecast error
        at the hour's lead, :meth:`_net_error_sd`; none without a demand charge) and, in an hour
        priced higher than this one, the net load the batteries could cover there, over the
        discharge efficiency; less what the hours the rule charges in put back before each
        (:meth:`_refill`), worked back from the last hour and at most the batteries' usable
        energy (a later need a valley refills costs nothing now). No limit with
        ``battery_reserve`` off."""
        if not self.battery_reserve:
            return np.inf
        park = self.park
        n = min(24, park.T - t)
        if n <= 1:
            return np.inf
        b0 = bats[0]
        net = self._import_forecast(t, n, plan)[1:]
        kw = sum(b["kw"] for b in bats)
        p = park.price[t + 1:t + n]
        dearer = p > park.price[t] + 1e-9
        need = np.where(dearer, np.clip(net, 0.0, kw), 0.0)
        margin = self.reserve_margin_sd * self._net_error_sd(t, n)[1:]
        if np.isfinite(thr):
            need = np.maximum(need, np.clip(net + margin - thr, 0.0, None))
        # the hours the rule charges in refill the batteries before the later ones
        refill = self._refill(t, bats, np.r_[0.0, net], np.r_[0.0, margin], thr)[1:]
        usable = sum((b["soc_max"] - b["soc_min"]) * b["kwh"] for b in bats)
        reserve = energy_to_hold(need / b0["eta_d"], refill, usable)
        above = self._above_floor(bats)
        return max((above - reserve) * b0["eta_d"], 0.0)

    def _feasible_level(self, t: int, bats: list, n_now: float, thr: float, plan: dict | None) -> float:
        """Lowest import [kW], at least the threshold ``thr``, that the batteries' energy above
        ``soc_min`` can hold in this hour (net load ``n_now``) and the next 24 h of forecast import,
        counting what the hours the rule charges in refill before each (:meth:`_refill`): where the
        energy cannot hold the threshold through a long peak block, shaving every hour of it to one
        level raises the month's peak less than holding the threshold until the batteries are empty.
        On the forecast without a margin: the level is found again every hour from the measured
        state (a margin at every later hour, as if every forecast erred the same way, raised the
        level more than the errors did; benchmarks/README.md)."""
        park = self.park
        n = min(24, park.T - t)
        net = np.r_[n_now, self._import_forecast(t, n, plan)[1:]]
        kw = sum(b["kw"] for b in bats)
        b0 = bats[0]
        above = self._above_floor(bats)

        def short(level: float) -> bool:
            need = np.clip(net - level, 0.0, kw) / b0["eta_d"]
            return energy_to_hold(need, self._refill(t, bats, net, np.zeros(n), level)) > above + 1e-6

        if not short(thr):
            return thr
        lo, hi = thr, thr + kw
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if short(mid) else (lo, mid)
        return hi

    def _refill(self, t: int, bats: list, net: np.ndarray, margin: np.ndarray, thr: float) -> np.ndarray:
        """Energy [kWh] the batteries take in each of hours ``t .. t+len(net)-1`` where the rule charges
        them: in the valley (where a cycle pays) and the cheap blocks of a second cycle, the room below
        ``thr`` less the forecast margin; with a forecast PV surplus, the surplus less the margin; at
        most their power; after the charge efficiency. None in hour ``t`` itself."""
        n = net.size
        b0 = bats[0]
        kw = sum(b["kw"] for b in bats)
        hrs = slice(t, t + n)
        room = np.clip(thr - margin - net, 0.0, kw) if np.isfinite(thr) else np.full(n, kw)
        charging = (self.valley[hrs] & self._valley_pays(hrs, b0)) | self._cycle_pays(hrs, b0, charge=True)
        refill = np.maximum(np.where(charging, room, 0.0), np.clip(-net - margin, 0.0, kw)) * b0["eta_c"]
        refill[0] = 0.0
        return refill

    def _valley_pays(self, t, b0: dict):
        """Whether a kWh charged in hour ``t`` (an hour or a slice of hours) into battery ``b0`` is
        worth more at the day's dearest price, after round-trip losses and wear."""
        return self.day_max[t] * b0["eta_c"] * b0["eta_d"] - self.park.price[t] - b0["wear"] > 0

    def _cycle_pays(self, t, b0: dict, charge: bool):
        """Whether a kWh cycled through battery ``b0`` pays in hour ``t`` (an hour or a slice of
        hours): charged now, against the dearest price before the price next falls below this
        hour's (``charge``); discharged now, against the cheapest price before it next rises above
        this hour's (within 24 h, :func:`price_windows`); after round-trip losses and wear."""
        eta = b0["eta_c"] * b0["eta_d"]
        p = self.park.price[t]
        if charge:
            return self.ahead_max[t] * eta - b0["wear"] > p + 1e-9
        return p * eta - b0["wear"] > self.refill_price[t] + 1e-9

    def _cycle_charge(self, t: int, bats: list, plan: dict | None) -> float:
        """Charging [kW] in a cheap hour ``t`` outside the day's valley: the forecast import the
        batteries can cover in the hours before the price next falls below this hour's where a kWh
        from now pays (:meth:`_cycle_pays`), at most their power, over the discharge efficiency,
        beyond the energy they hold above ``soc_min``; over the charge efficiency."""
        park = self.park
        n = min(24, park.T - t)
        p = park.price[t:t + n]
        later = np.flatnonzero(p[1:] < p[0] - 1e-9)
        end = int(later[0]) + 1 if later.size else n
        if end <= 1:
            return 0.0
        b0 = bats[0]
        kw = sum(b["kw"] for b in bats)
        net = self._import_forecast(t, end, plan)[1:]
        pays = p[1:end] * b0["eta_c"] * b0["eta_d"] - b0["wear"] > p[0] + 1e-9
        need = float(np.where(pays, np.clip(net, 0.0, kw), 0.0).sum()) / b0["eta_d"]
        return max(need - self._above_floor(bats), 0.0) / b0["eta_c"]

    def _net_error_sd(self, t: int, n: int) -> np.ndarray:
        """Standard deviation of the net-load forecast error [kW] in hours ``t .. t+n-1`` (leads 1..n):
        the electric load's and each PV array's in the hours its forecast gives output, taken as
        independent, as the rolling horizon's peak margin
        (:meth:`twin.operate.mpc.MPCController.peak_margin`); the forecaster's horizon at most, later
        hours repeat its last hour (as :meth:`_net_forecast`). Zero with perfect forecasts."""
        fc, park = self.fc, self.park
        if not hasattr(fc, "error_sd"):
            return np.zeros(n)
        m = max(1, min(n, getattr(fc, "H", n), park.T - t))
        pv = fc.forecast("pv_per_kwp", t, m) if park.pv_kwp.size and fc.has("pv_per_kwp") else None
        sd = net_load_error_sd(fc, park.pv_kwp, m, pv)
        return np.r_[sd, np.full(n - m, sd[-1])] if n > m else sd

    def _above_floor(self, bats: list) -> float:
        """Energy the batteries ``bats`` hold above ``soc_min`` at the end of this hour if they
        idle (after standing losses) [kWh]."""
        s = self.state
        return sum(b["keep"] * s.battery_kwh.get(b["name"], 0.0) - b["soc_min"] * b["kwh"] for b in bats)

    def _peak_shortfall(self, t: int, bats: list, thr: float, plan: dict | None) -> float:
        """Charging [kW] in hour ``t`` that holding the month's threshold over the next 24 h needs:
        for each later hour, the forecast import above the threshold up to it (net load, planned
        EV charging and the latest-start charging of vehicles still to come, plus the forecast
        margin; at most the batteries' power; over the discharge efficiency) less what the valley
        hours before it can add below the threshold less the margin (over the charge
        efficiency), the largest of these beyond the energy the batteries hold above
        ``soc_min``; over the charge efficiency. Zero where valley charging can cover it."""
        park = self.park
        n = min(24, park.T - t)
        if n <= 1:
            return 0.0
        net = self._import_forecast(t, n, plan)
        kw = sum(b["kw"] for b in bats)
        b0 = bats[0]
        exc = np.clip(net[1:] + self.margin - thr, 0.0, kw) / b0["eta_d"]
        val = self.valley[t + 1:t + n]
        add = np.where(val, np.clip(thr - self.margin - net[1:], 0.0, kw), 0.0) * b0["eta_c"]
        need = np.cumsum(exc) - (np.cumsum(add) - add)  # charging in an hour serves the excess after it
        above = self._above_floor(bats)
        return max(float(need.max()) - above, 0.0) / b0["eta_c"]

    def record(self, t: int, outcome: dict) -> None:
        pass

    def finalise(self) -> dict:
        return {"kind": "rule", "decisions": self.n_decisions,
                "peak_threshold": ("max(month peak so far, plan's monthly peak)"
                                   if self.peak_targets else "month peak so far")
                + "; charging held to it on the measured import"
                + ("; batteries discharge in real time to hold it" if self.peak_hold else ""),
                "ev_charging": ("planned on the connected vehicles' sessions: cheapest hours under the threshold, "
                                "least laxity first" if self.ev_planning else "by departure deadline"),
                "battery_reserve": self.battery_reserve,
                "peak_levels": {"hours": len(self.levels),
                                "note": "hours whose forecast block the batteries' energy could not hold at the "
                                        "month's threshold: they held one higher level over it"}}


def energy_to_hold(need: np.ndarray, refill: np.ndarray, cap: float = np.inf) -> float:
    """Energy [kWh] stores must hold now to give ``need`` [kWh] in each coming hour when
    ``refill`` [kWh] comes back in each (a refill serves only the needs after it): worked back
    from the last hour, never below zero, at most ``cap`` (the stores' usable energy)."""
    held = 0.0
    for d, r in zip(need[::-1], refill[::-1]):
        held = min(max(held + d - r, 0.0), cap)
    return held


def price_windows(price: np.ndarray, hours: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """For each hour of an hourly import price [CNY/kWh]: the cheapest price in the later hours
    before the price next rises above this hour's (``refill``: what a kWh given now costs to put
    back before it is worth more), and the dearest price in the later hours before it next falls
    below this hour's (``ahead``: what a kWh taken now is worth before it could be had cheaper);
    within ``hours``; ``inf`` and ``-inf`` where those hours are none."""
    price = np.asarray(price, float)
    T = price.size
    refill = np.full(T, np.inf)
    ahead = np.full(T, -np.inf)
    for t in range(T - 1):
        w = price[t + 1:t + 1 + hours]
        up = np.flatnonzero(w > price[t] + 1e-9)
        r = w[:up[0]] if up.size else w
        if r.size:
            refill[t] = r.min()
        down = np.flatnonzero(w < price[t] - 1e-9)
        a = w[:down[0]] if down.size else w
        if a.size:
            ahead[t] = a.max()
    return refill, ahead


def split(want: float, stores: list[dict], power) -> dict:
    """A charge (+) or discharge (−) set-point for several stores split in their order
    (:func:`twin.operate.state.store_order`): the first store up to its ``power(store)`` [kW],
    the rest to the next."""
    out, left = {}, abs(want)
    for x in stores:
        take = min(left, power(x))
        out[x["name"]] = take if want > 0 else -take
        left -= take
    return out


def plan_fleet_charging(need, start, dep, p_b: float, eta: float, t: int, cost, room,
                        margin: float = 0.0) -> np.ndarray:
    """Charging of the connected vehicles of one fleet planned over hours ``t .. t+L-1``
    (``L = len(cost)``) on their sessions; returns the planned battery-side energy [kWh] in
    each hour, shape (L,), and takes the planned grid-side charging off ``room`` in place.

    Valley filling under the month's peak threshold: vehicles in order of least laxity
    (the time left before departure less the time a full-power charge of the energy still
    promised takes) each place the energy they still need in the hours of their session
    (at most ``p_b`` [kW] per vehicle, for the part of each hour the vehicle is connected),
    in three passes:

    1. the room below the threshold less ``margin`` (left for forecast errors), cheapest
       hours first (``cost`` [CNY/kWh grid side]), the hour with the most room first among
       hours of the same cost, so that charging spreads instead of bunching;
    2. the ``margin`` band below the threshold, in the same order;
    3. above the threshold, the hours with the most room (lowest planned import) first: a
       promise is kept even where it raises the month's peak.

    Parameters
    ----------
    need, start, dep : numpy.ndarray
        Per vehicle: energy still promised [kWh battery side], connected from and departure
        [h since the start of the horizon].
    p_b : float
        Battery-side charging power of one charger [kW].
    eta : float
        Charger efficiency [-] (grid side = battery side / eta).
    t : int
        First hour of the plan.
    cost : numpy.ndarray
        Cost of a grid-side kWh in each hour of the plan [CNY/kWh].
    room : numpy.ndarray
        Grid-side room below the month's threshold in each hour [kW] (threshold less the
        forecast net load); reduced in place by the planned charging.
    margin : float
        Room [kW] kept below the threshold for forecast errors until the promises need it.
    """
    L = len(cost)
    out = np.zeros(L)
    need = np.asarray(need, float)
    if L == 0 or need.size == 0:
        return out
    hours = t + np.arange(L)
    lax = (np.asarray(dep, float) - np.asarray(start, float)) - need / max(p_b, 1e-12)
    for v in np.argsort(lax, kind="stable"):
        rem = float(need[v])
        if rem <= 1e-9:
            continue
        ov = np.clip(np.minimum(dep[v], hours + 1) - np.maximum(start[v], hours), 0.0, 1.0)
        cap = p_b * ov
        got = np.zeros(L)
        for band in (margin, 0.0, None):
            if rem <= 1e-9:
                break
            left = cap - got
            if band is None:  # above the threshold: least loaded hours first
                order = np.argsort(-room, kind="stable")
                c = left[order]
            else:
                avail = np.clip((room - band) * eta, 0.0, None)
                order = np.lexsort((-room, cost))
                c = np.minimum(left, avail)[order]
            before = np.cumsum(c) - c
            take = np.empty(L)
            take[order] = np.clip(rem - before, 0.0, c)
            got += take
            room -= take / eta
            rem -= float(take.sum())
        out += got
    return out


def session_schedule(sessions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fleet's served sessions by plug-in time: ``(connect_h, departure_h, promise_kwh)``, sorted
    by ``connect_h`` [h, h, kWh battery side] (the queue's plug-in times; :func:`plugging_in`)."""
    served = sessions["served"].to_numpy(bool)
    conn = sessions["connect_h"].to_numpy(float)[served]
    order = np.argsort(conn, kind="stable")
    return (conn[order], sessions["departure_h"].to_numpy(float)[served][order],
            sessions["promise_kwh"].to_numpy(float)[served][order])


def plugging_in(schedule, t: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sessions of a :func:`session_schedule` that plug in during hours ``t+1 .. t+n-1`` (hour
    ``t``'s plug-ins are connected already): ``(connect_h, departure_h, promise_kwh)``."""
    conn, dep, promise = schedule
    lo, hi = np.searchsorted(conn, [t + 1, t + n])
    return conn[lo:hi], dep[lo:hi], promise[lo:hi]


def latest_start(need, dep, p_b: float, t: int, n: int) -> np.ndarray:
    """Battery-side energy [kWh] in each of the hours ``t .. t+n-1`` that vehicles needing
    ``need`` [kWh] by their departures ``dep`` [h] must receive at the latest: at full power
    ``p_b`` [kW] up to departure (their latest-start schedules), summed over the vehicles."""
    need = np.asarray(need, float)[:, None]
    ends = t + np.arange(n + 1)[None, :]  # end of hour t-1 .. t+n-1
    cum = np.clip(need - p_b * np.clip(np.asarray(dep, float)[:, None] - ends, 0.0, None), 0.0, need)
    return np.diff(cum, axis=1).sum(axis=0)


def forced_charging(need, start, dep, p_b: float, t: int, n: int) -> np.ndarray:
    """Battery-side energy [kWh] in each of the hours ``t .. t+n-1`` that vehicles needing
    ``need`` [kWh] by their departures ``dep`` [h], connected from ``start`` [h], receive
    whatever the schedule: in each hour what does not fit into the rest of the vehicle's
    connection at full power ``p_b`` [kW], ``clip(need - p_b·(dwell - o), 0, p_b·o)`` with
    ``o`` the part of the hour the vehicle is connected and ``dwell`` its connected time from
    hour ``t`` on; summed over the vehicles (zero for a vehicle with an hour of laxity)."""
    need = np.asarray(need, float)[:, None]
    start = np.maximum(np.asarray(start, float), t)[:, None]
    dep = np.asarray(dep, float)[:, None]
    hrs = t + np.arange(n)[None, :]
    ov = np.clip(np.minimum(dep, hrs + 1) - np.maximum(start, hrs), 0.0, 1.0)
    dwell = np.clip(dep - start, 0.0, None)
    return np.clip(need - p_b * (dwell - ov), 0.0, p_b * ov).sum(axis=0)
