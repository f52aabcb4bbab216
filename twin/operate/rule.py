"""Rule-based controller: what a good park operator's PLC does, hour by hour.

Rules, in order, for the hour ahead (forecast of load and PV one hour ahead; the tariff
and the heat pumps' COP are known):

* **PV self-consumption first**: a forecast PV surplus charges the battery (and lets EVs
  and the thermal store take energy early).
* **Time-of-use arbitrage**: in the day's valley hours the battery charges to its upper
  limit (only if a peak-hour kWh is worth more than a valley kWh after round-trip
  losses and wear); in hours priced above the day's mean it discharges to cover the
  park's net load (never to export).
* **Peak shaving** under the monthly demand charge: whenever the net load would exceed
  the month's threshold (the higher of the month's peak so far and the plan's peak of
  that month, given as ``peak_targets``), the battery discharges the excess and valley
  charging is held below the threshold: planned on the forecast, and held in real time on
  the measured import (``Decision.charge_limit_kw``: the plant cuts battery, thermal-store
  and EV charging beyond the promises as far as the actual load leaves no room), so a
  forecast error never lets charging set a new peak that would become the next day's
  allowance. Where the actual import still exceeds the threshold, the batteries
  discharge in real time beyond the hour's set-point, within power and down to
  ``soc_min`` (``Decision.peak_hold_kw``, with ``operation.real_time_peak_hold``; the rule
  plans no later use to reserve energy for). A peak the load sets beyond that raises the
  threshold.
* **EV charging by departure deadline**: every connected vehicle gets at least what it
  must receive this hour to reach its promise at full power before departure; in valley
  hours or with PV surplus the fleet charges everything it can.
* **V2G within the promise**: bidirectional vehicles discharge in peak hours to cover
  net load, and the plant lets each discharge only as far as it can still reach its
  promise by departure (never below ``v2g_min_soc``).
* **Heat pump and thermal store follow heat demand and tariff**: the store charges in
  valley hours (or with PV surplus) from the electric heat capacity left over after the
  demand (never from a boiler burning fuel) and discharges in peak hours; the heat
  sources serve the need in merit order at this hour's prices.
* **Several batteries or thermal stores** act as one: the set-point is worked out for
  their total power and split in a stated order, the store with the highest round-trip
  efficiency (after standing losses) first (:func:`twin.operate.state.store_order`);
  whether valley charging pays is judged with that most efficient battery.
"""

from __future__ import annotations

import numpy as np

from twin.operate.state import Decision, OperatedPark, PlantState


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

    def __init__(self, forecaster, peak_targets: dict | None = None, peak_hold: bool = True):
        self.fc = forecaster
        self.peak_targets = dict(peak_targets or {})
        self.peak_hold = bool(peak_hold)

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
        self.n_decisions = 0

    def observe(self, state: PlantState) -> None:
        self.state = state

    def decide(self, t: int) -> Decision:
        park, s = self.park, self.state
        self.n_decisions += 1
        load = float(self.fc.forecast("load_kw", t, 1)[0])
        pv = float((self.fc.forecast("pv_per_kwp", t, 1)[:, 0] * park.pv_kwp).sum()) if park.pv_names else 0.0
        cool = float(self.fc.forecast("cool_kw", t, 1)[0]) if park.chillers else 0.0
        heat = float(self.fc.forecast("heat_kw", t, 1)[0]) if park.heat_kw is not None else 0.0
        n = load - pv
        el = [c for c in park.chillers if c["kind"] == "electric" and c["kw"] > 0]
        if el:
            main = max(el, key=lambda c: c["kw"])
            n += cool / main["cop"][t]
        if park.heat_pumps:
            best = max(park.heat_pumps, key=lambda h: h["kw"])
            n += min(heat, best["kw"]) / best["cop"][t]
        valley, peak = bool(self.valley[t]), bool(self.peak[t])
        surplus = n < 0
        m = int(park.month[t])
        thr = max(s.month_peak_kw, self.peak_targets.get(m, 0.0)) if park.demand_charge > 0 else np.inf
        d = Decision(charge_limit_kw=thr if np.isfinite(thr) else None)
        if self.peak_hold:
            d.peak_hold_kw = d.charge_limit_kw
        # EV fleets: deadline first, everything in the valley or with PV surplus
        for f in park.fleets:
            veh = s.vehicles(f.name) if f.mode != "uncontrolled" else None
            if f.mode == "uncontrolled" or veh is None or veh["need"].size == 0:
                continue
            p_b = f.p_charger_kw * f.eta
            ov = np.clip(np.minimum(veh["dep"], t + 1) - veh["start"], 0.0, 1.0)
            after = np.clip(veh["dep"] - (t + 1), 0.0, None)
            must = np.clip(veh["need"] - p_b * after, 0.0, p_b * ov)
            must_kw = float(must.sum()) / f.eta
            if valley or surplus:
                d.ev_charge_kw[f.name] = float(np.minimum(veh["head"].clip(min=0), p_b * ov).sum()) / f.eta
            else:
                d.ev_charge_kw[f.name] = must_kw
            if f.mode == "v2g" and peak and must_kw == 0.0 and n > 0:
                d.ev_discharge_kw[f.name] = n
                d.ev_charge_kw[f.name] = 0.0
            n += d.ev_charge_kw[f.name] - d.ev_discharge_kw.get(f.name, 0.0)
        # batteries: one set-point for all, split in the plant's store order
        bats = [b for b in park.batteries if park.available("battery", t, b["name"])]
        if bats:
            kw = sum(b["kw"] for b in bats)
            b0 = bats[0]  # the most efficient: is a valley-to-peak cycle worth it at all?
            worth = self.day_max[t] * b0["eta_c"] * b0["eta_d"] - park.price[t] - b0["wear"]
            want = 0.0
            if n < 0:
                want = min(-n, kw)
            elif n > thr:
                want = -(n - thr)
            elif valley and worth > 0:
                want = min(kw, max(thr - n, 0.0))
            elif peak:
                want = -min(n, kw)
            d.battery_kw = split(want, bats, lambda b: b["kw"])
        # thermal stores: charged from electric heat (heat pumps, electric boiler) only
        stores = [x for x in park.thermal_stores if park.available("thermal_storage", t, x["name"])]
        if stores:
            spare = sum(h["kw"] for h in park.heat_pumps if park.available("heat_pump", t, h["name"]))
            spare += sum(b["kw"] for b in park.boilers if b["fuel"] == "electric")
            spare = max(spare - heat, 0.0)
            want = 0.0
            if (valley or surplus) and spare > 0:
                want = min(sum(x["rho"] * x["kwh"] for x in stores), spare)
            elif peak:
                want = -heat
            d.tes_kw = split(want, stores, lambda x: x["rho"] * x["kwh"])
        return d

    def record(self, t: int, outcome: dict) -> None:
        pass

    def finalise(self) -> dict:
        return {"kind": "rule", "decisions": self.n_decisions,
                "peak_threshold": ("max(month peak so far, plan's monthly peak)"
                                   if self.peak_targets else "month peak so far")
                + "; charging held to it on the measured import"
                + ("; batteries discharge in real time to hold it" if self.peak_hold else "")}


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
