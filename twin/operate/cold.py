"""Cold stores (蓄冷) in the operated twin: the plant's hour with them and the rule controller's set-points.

The plant (:class:`twin.operate.loop.Plant`) serves each cooling bus in hour ``t`` (Δt = 1 h, powers
[kW of cooling], contents [kWh]):

1. :func:`bus_set_points` — the controller's set-point of each cold store on the bus, clipped to its
   power, its content (after the hour's standing loss) and its room: a discharge covers at most what
   the bus still needs; a chilled-water store's charging is a demand of the bus, made by the bus's
   chillers at their chilled-water COP;
2. the bus's chillers serve the need (the controller's targets, then merit order, the chillers that make
   ice last where an ice store is to charge, :func:`ice_makers_wanted`); :func:`cut_bus_charging` takes
   a chilled-water store's charging back where they cannot;
3. :func:`make_ice` — an ice store's charging is made by the bus's chillers that make ice, from the
   capacity left in the hour (ice mode: ``ice_ratio`` kW of ice per kW of size left), the highest ice
   COP first;
4. where electricity is short or held (the charging limit, the connection guard, an import above the
   limit), :func:`cut_charging` takes the stores' charging off first: ice making (lowest ice COP
   first), then chilled-water charging (its chillers, lowest COP first);
5. :func:`update` — each store's content ``e ← keep·e + charge − discharge``.

The rule controller (:func:`rule_set_points`): in the day's valley hours each bus's stores charge what
the forecast cooling of the bus's peak-priced hours in the next 24 h needs beyond their content (at most
their size and discharge power in each of those hours), spread over the valley hours left; in
peak-priced hours they discharge the forecast need of the hour, keeping what the later, dearer hours of
the day need; otherwise they idle. Charging is shared among a bus's stores in proportion to the room left
in each (so that each charges over the whole valley), discharging in store order.
"""

from __future__ import annotations

import numpy as np

from solvers.problem import COOL_BUS

_TOL = 1e-6


def new_hour(park, n_chillers: int) -> dict:
    """The cold stores' part of a plant hour: ``cch``, ``cdis`` (per store) and ``ice`` (per chiller) [kW]."""
    return {"cch": np.zeros(len(park.cold_stores)), "cdis": np.zeros(len(park.cold_stores)),
            "ice": np.zeros(n_chillers)}


def bus_set_points(park, content: dict, t: int, d, bus: str, need: float, out: dict) -> float:
    """Clip the set-points (``d.cold_kw``) of the stores on cooling bus ``bus`` in hour ``t`` and record
    them in ``out`` (``cdis``; ``cch`` of chilled-water stores); ``content`` {store: kWh} at the start of
    the hour, ``need`` the bus's demand [kW]. Returns the bus's need with them [kW]: demand + chilled-water
    charging − discharging."""
    for i, x in enumerate(park.cold_stores):
        if x["bus"] != bus or not park.available("cold_storage", t, x["name"]):
            continue
        sp = float((d.cold_kw or {}).get(x["name"], 0.0))
        e0 = x["keep"] * content[x["name"]]
        if sp < 0:
            out["cdis"][i] = float(np.clip(min(-sp, x["discharge_kw"], e0, need), 0.0, None))
            need -= out["cdis"][i]
        elif sp > 0 and x["kind"] == "chilled_water":
            out["cch"][i] = float(np.clip(min(sp, x["charge_kw"], x["kwh"] - e0), 0.0, None))
            need += out["cch"][i]
    return need


def cut_bus_charging(park, bus: str, out: dict, short: float) -> float:
    """Take back the chilled-water charging of bus ``bus`` the chillers could not make (``short`` [kW]);
    returns what is left of ``short``."""
    for i in reversed(range(len(park.cold_stores))):
        x = park.cold_stores[i]
        if short <= _TOL or x["bus"] != bus or x["kind"] != "chilled_water":
            continue
        c = min(out["cch"][i], short)
        out["cch"][i] -= c
        short -= c
    return short


def make_ice(park, content: dict, t: int, d, bus: str, out: dict, q: np.ndarray) -> None:
    """Charge the ice stores of bus ``bus`` (set-points ``d.cold_kw`` > 0) from the capacity its ice-making
    chillers have left after the chilled water ``q`` [kW per chiller] of hour ``t``, the highest ice COP
    first; records ``cch`` of the ice stores and ``ice`` per chiller [kW of cooling]."""
    stores = [(i, x) for i, x in enumerate(park.cold_stores)
              if x["bus"] == bus and x["kind"] == "ice" and park.available("cold_storage", t, x["name"])]
    want = {}
    for i, x in stores:
        sp = float((d.cold_kw or {}).get(x["name"], 0.0))
        if sp > 0:
            want[i] = float(np.clip(min(sp, x["charge_kw"], x["kwh"] - x["keep"] * content[x["name"]]), 0.0, None))
    total = sum(want.values())
    if total <= _TOL:
        return
    makers = sorted((j for j, c in enumerate(park.chillers)
                     if c.get("ice_cop") is not None and c.get("bus", COOL_BUS) == bus and c["kw"] > 0
                     and park.available("chiller", t, c["name"])),
                    key=lambda j: -park.chillers[j]["ice_cop"][t])
    made = 0.0
    for j in makers:
        c = park.chillers[j]
        room = max(c["kw"] - q[j], 0.0) * c["ice_ratio"] - out["ice"][j]
        take = max(min(total - made, room), 0.0)
        out["ice"][j] += take
        made += take
        if made >= total - _TOL:
            break
    for i, x in stores:  # the ice made, to the stores in their order
        if i in want:
            out["cch"][i] = min(want[i], made)
            made -= out["cch"][i]


def ice_makers_wanted(park, d, bus: str) -> set:
    """Indices of the chillers of bus ``bus`` that make ice, where an ice store on the bus is to charge
    (``d.cold_kw`` > 0): the plant serves the bus's chilled water with its other chillers first, so that
    their capacity is left for the ice."""
    if not any(x["kind"] == "ice" and x["bus"] == bus and float((d.cold_kw or {}).get(x["name"], 0.0)) > 0
               for x in park.cold_stores):
        return set()
    return {j for j, c in enumerate(park.chillers) if c.get("ice_cop") is not None and c.get("bus", COOL_BUS) == bus}


def ice_electricity(park, t: int, out: dict) -> float:
    """Electricity of the hour's ice making [kW]."""
    ice = out.get("ice")
    if ice is None:
        return 0.0
    return float(sum(ice[j] / c["ice_cop"][t] for j, c in enumerate(park.chillers) if ice[j] > 0))


def cut_charging(park, t: int, cool: dict, short: float) -> float:
    """Charge the cold stores less to save ``short`` [kW of electricity] in hour ``t``: ice making first (the
    chillers with the lowest ice COP first, the ice stores' charging with it), then chilled-water charging
    (the bus's electric chillers with the lowest COP first, the store's charging with them); ``cool`` (the
    plant's cooling hour) changes in place. Returns what is left of ``short``."""
    if "cch" not in cool or short <= 0:
        return max(short, 0.0)
    stores = park.cold_stores
    for j in sorted((j for j, c in enumerate(park.chillers) if cool["ice"][j] > 0),
                    key=lambda j: park.chillers[j]["ice_cop"][t]):
        if short <= _TOL:
            break
        c = park.chillers[j]
        cut = min(cool["ice"][j], short * c["ice_cop"][t])
        cool["ice"][j] -= cut
        short -= cut / c["ice_cop"][t]
        for i in reversed(range(len(stores))):  # the ice stores of its bus charge that much less
            if cut <= 0:
                break
            if stores[i]["kind"] == "ice" and stores[i]["bus"] == c.get("bus", COOL_BUS):
                k = min(cool["cch"][i], cut)
                cool["cch"][i] -= k
                cut -= k
    for i in reversed(range(len(stores))):
        x = stores[i]
        if short <= _TOL:
            break
        if x["kind"] != "chilled_water" or cool["cch"][i] <= 0:
            continue
        for j in sorted((j for j, c in enumerate(park.chillers) if c["kind"] == "electric"
                         and c.get("bus", COOL_BUS) == x["bus"] and cool["q"][j] > 0),
                        key=lambda j: park.chillers[j]["cop"][t]):
            if short <= _TOL or cool["cch"][i] <= 0:
                break
            cop = park.chillers[j]["cop"][t]
            cut = min(cool["q"][j], cool["cch"][i], short * cop)
            cool["q"][j] -= cut
            cool["cch"][i] -= cut
            short -= cut / cop
    return max(short, 0.0)


def update(park, content: dict, out: dict) -> None:
    """Contents at the end of the hour: ``e ← keep·e + charge − discharge`` [kWh]."""
    for i, x in enumerate(park.cold_stores):
        n = x["name"]
        content[n] = x["keep"] * content[n] + out["cch"][i] - out["cdis"][i]


# ----------------------------------------------------------------------------- rule controller
def rule_set_points(ctrl, t: int) -> tuple[dict, float]:
    """The rule controller's cold-store set-points for hour ``t`` {store: + charge / − discharge [kW]} and
    the change of the chillers' electricity they bring in the hour [kW] (at the hour's best COP of the
    bus's chillers: chilled water, or ice for an ice store), for the controller's net-load forecast.

    ``ctrl``: a :class:`twin.operate.rule.RuleController` (its park, state, valley and peak hours, and
    the cooling forecast of each bus, :meth:`~twin.operate.rule.RuleController._cool_forecast`).
    Valley hour: the stores of a bus charge ``(need − content) / valley hours left``, ``need`` the
    forecast cooling of the bus in the peak-priced hours of the next 24 h, each hour at most the stores'
    discharge power, all at most their size (the next day's peak-period cooling); peak-priced hour: they
    discharge the hour's forecast cooling, within their power and above the reserve the later hours of
    the day priced higher need; other hours: idle.
    """
    park, s = ctrl.park, ctrl.state
    stores = [x for x in park.cold_stores if park.available("cold_storage", t, x["name"])]
    if not stores:
        return {}, 0.0
    n = min(24, park.T - t)
    valley, peak = ctrl.valley, ctrl.peak
    fc = ctrl._cool_forecast(t, n)
    out, d_el = {}, 0.0
    for bus in dict.fromkeys(x["bus"] for x in stores):
        on = [x for x in stores if x["bus"] == bus]
        demand = np.asarray(fc.get(bus, np.zeros(n)), float)[:n]
        content = sum(x["keep"] * s.cold_kwh.get(x["name"], 0.0) for x in on)
        dis_kw = sum(x["discharge_kw"] for x in on)
        want = 0.0
        if valley[t]:
            hrs = np.arange(t, t + n)
            later = peak[hrs] & (hrs > t)
            need = min(float(np.minimum(demand, dis_kw)[later].sum()), sum(x["kwh"] for x in on))
            left = 1
            while t + left < park.T and left < n and valley[t + left]:
                left += 1
            want = max(need - content, 0.0) / left
        elif peak[t]:
            end = t + 1
            while end < min(t + 24, park.T) and not valley[end]:
                end += 1
            dearer = park.price[t + 1:end] > park.price[t] + 1e-9
            reserve = float(np.minimum(demand[1:end - t], dis_kw)[dearer].sum())
            want = -min(float(demand[0]), dis_kw, max(content - reserve, 0.0))
        if abs(want) <= _TOL:
            continue
        if want > 0:  # charging over the whole valley: shared in proportion to the room left in each store
            room = [max(x["kwh"] - x["keep"] * s.cold_kwh.get(x["name"], 0.0), 0.0) for x in on]
            cap = [min(x["charge_kw"], r) for x, r in zip(on, room)]
            total = sum(room)
            take = [min(c, want * r / total) if total > 0 else 0.0 for c, r in zip(cap, room)]
            rest = want - sum(take)
            for k in range(len(on)):  # what a full store cannot take, to the others in store order
                more = min(rest, cap[k] - take[k])
                take[k] += more
                rest -= more
        else:  # discharging in store order, each at most its power and content
            rest, take = -want, []
            for x in on:
                take.append(min(rest, x["discharge_kw"], x["keep"] * s.cold_kwh.get(x["name"], 0.0)))
                rest -= take[-1]
        for x, k in zip(on, take):
            if k > _TOL:
                out[x["name"]] = k if want > 0 else -k
                d_el += _electricity_change(park, t, x, out[x["name"]])
    return out, d_el


def _electricity_change(park, t: int, store: dict, kw: float) -> float:
    """Change of the chillers' electricity [kW] a store's set-point ``kw`` brings in hour ``t``: charging at
    the best COP (ice COP for an ice store) of its bus's electric chillers, discharging saving at their best
    chilled-water COP; 0 where the bus has none."""
    on = [c for c in park.chillers if c["kind"] == "electric" and c.get("bus", COOL_BUS) == store["bus"]
          and c["kw"] > 0]
    if kw > 0 and store["kind"] == "ice":
        cops = [c["ice_cop"][t] for c in on if c.get("ice_cop") is not None]
    else:
        cops = [c["cop"][t] for c in on]
    return kw / max(cops) if cops else 0.0
