"""Key figures of an operated (or optimal) year and the operational gap between them.

:func:`operation_metrics` computes the same figures from any dispatch dataset that uses
the optimiser's variable names, so the perfect-foresight optimum and each controller are
measured by one function.  Costs follow the optimiser's objective (docs/architecture.md):
fixed annual cost of the plan (capital annuities and O&M, unchanged by operation) +
energy import − export revenue + demand charges + fuel + district heat + battery and V2G wear + the
plan's green power and certificates + offsets + carbon price on net emissions + energy
the operated park did not serve (electricity, heat, cooling, EV charging short at
departure) at the value of lost load (``operation.value_of_lost_load_cny_per_kwh``; the
optimum serves everything).  Where a controller served less than the plan its gap is not
like for like (:func:`gap` says so): its emissions count only what it served.  The
carbon settlement keeps the plan's purchases of green power and certificates and its net
emissions: the offsets needed are what brings the operated residual emissions down to
the plan's net emissions.

A horizon shorter than a year is scaled to a year like the optimiser's energy terms
(×8760/T); its monthly demand charges are scaled by 12 / (months in the horizon).
"""

from __future__ import annotations

import numpy as np


def _sum(ds, name) -> float:
    return float(ds[name].sum()) if name in ds else 0.0


#: Unserved energy [MWh/yr] below which an operated year counts as serving what the plan serves
#: (the one decimal the outputs show).
LIKE_FOR_LIKE_MWH = 0.05


def ev_energy_owed(ds, park, plan) -> dict:
    """EV energy the fleets are still owed at the horizon's end, and what it costs.

    The plan's fleets end the horizon with what charging on arrival delivers by then
    (:func:`twin.plan.ev_lower_envelope`); an operated fleet that ends below it leaves vehicles
    still plugged in with energy they are owed but no promise broken yet. Without counting it an
    operated week read 3 % cheaper than the perfect-foresight optimum. It is valued as the plan
    bought it: at the plan's average import price and grid factor of its own EV charging.

    Returns
    -------
    dict
        ``grid_kwh`` (grid side, in the horizon) [kWh], ``cost_cny`` [CNY] and ``tco2`` [tCO2],
        all 0 for a dispatch without ``e_ev_cum_kwh`` (the optimum's).
    """
    out = {"grid_kwh": 0.0, "cost_cny": 0.0, "tco2": 0.0}
    if "e_ev_cum_kwh" not in ds or not park.fleets or not park.T:
        return out
    plan_ch = plan.dispatch.get("p_ev_charge_kw")
    for f in park.fleets:
        if f.name not in ds["ev_fleet"].values or f.mode == "uncontrolled":
            continue
        short = float(f.e_cum_min_kwh[-1]) - float(ds["e_ev_cum_kwh"].sel(ev_fleet=f.name)[-1])
        if short <= 1e-6 * max(1.0, abs(float(f.e_cum_min_kwh[-1]))):
            continue
        kwh = short / f.eta
        w = (plan_ch.sel(ev_fleet=f.name).to_numpy() if plan_ch is not None and f.name in plan_ch["ev_fleet"].values
             else np.zeros(park.T))
        w = w / w.sum() if w.sum() > 0 else np.full(park.T, 1.0 / park.T)
        out["grid_kwh"] += kwh
        out["cost_cny"] += kwh * float(np.dot(w, park.price))
        out["tco2"] += kwh * float(np.dot(w, park.ef)) * 1e-3
    return out


def operation_metrics(ds, park, plan, problem, value_of_lost_load: float = 0.0) -> dict:
    """Annual figures of one dispatch.

    Parameters
    ----------
    ds : xarray.Dataset
        Hourly dispatch (optimiser names; operated runs add unserved and EV shortfall).
    park : twin.operate.state.OperatedPark
    plan : solvers.SizingResult
        The plan (fixed costs, carbon purchases, net emissions).
    problem : solvers.SizingProblem
        The sizing problem (prices of offsets and carbon, wear costs).
    value_of_lost_load : float
        Cost of each kWh of electricity, heat or cooling not served and of EV charging
        short at departure [CNY/kWh].

    Returns
    -------
    dict
        ``annualised_cost_cny`` and ``costs_cny`` (breakdown) [CNY/yr],
        ``emissions_tco2`` (``gross``, ``grid``, ``fuel``, ``residual``, ``offsets_needed``,
        ``net``, ``ev_energy_owed``) [tCO2/yr], ``monthly_peak_kw`` and ``monthly_demand_charge_cny``
        (month -> value), ``ev_energy_not_delivered_mwh``, ``ev_energy_owed_mwh`` (EV energy still
        owed at the horizon's end, :func:`ev_energy_owed`, valued in ``costs_cny["ev_energy_owed"]``
        and in the gross emissions), ``unserved_mwh`` (by load class and
        ``total``; ``costs_cny["unserved_energy"]`` prices the total),
        ``battery_cycles`` and ``tes_cycles`` (equivalent full cycles per year, discharge
        throughput / size) [-], ``curtailment_mwh``, ``grid_import_mwh``, ``grid_export_mwh``,
        ``heat_pumps`` (:func:`twin.statistics.heat_pump_performance`: seasonal COP of each heat
        pump and of all together) and ``heat_pump_scop`` (all together, None without heat pumps
        or heat-pump electricity) [kWh/kWh], ``connection`` (:func:`connection_guard`; empty for
        a dispatch without the plant's guard, e.g. the optimum), ``transformers`` (where the park has
        transformers behind the point of connection and the dispatch the site guard's flows:
        :func:`transformer_guard`), ``waste_heat_direct_by_bus_mwh``
        and ``unserved_heat_by_bus_mwh`` {heat bus: MWh/yr} where the dispatch has
        ``q_waste_heat_direct_bus_kw`` / ``q_unserved_heat_bus_kw`` (:func:`twin.statistics.by_heat_bus`);
        with process cooling ``unserved_cooling_by_bus_mwh`` {cooling bus: MWh/yr} (controllers) and
        ``cooling_buses`` (:func:`twin.statistics.cooling_bus_performance`: cooling, electricity and
        seasonal COP of the chillers on each cooling bus); with cold stores ``cold_stores``
        (:func:`twin.statistics.cold_storage_performance`) and ``cold_cycles`` (equivalent full cycles of
        their total size) [-].
    """
    from twin.statistics import (
        by_cooling_bus,
        by_heat_bus,
        cold_storage_performance,
        cooling_bus_performance,
        heat_pump_performance,
        step_weights,
        year_weight_h,
    )

    T = park.T
    scale = 8760.0 / T if T else 1.0
    imp = ds["p_grid_import_kw"].to_numpy()
    exp = ds["p_grid_export_kw"].to_numpy() if "p_grid_export_kw" in ds else np.zeros(T)
    costs = {}
    costs["energy_import"] = float(np.dot(park.price, imp)) * scale
    costs["export_revenue"] = float(np.dot(park.price_export, exp)) * scale
    months = park.month
    uniq = sorted(set(months.tolist()))
    peaks = {int(m): float(imp[months == m].max()) for m in uniq}
    mscale = 12.0 / len(uniq) if uniq else 1.0
    charges = {m: park.demand_charge * v for m, v in peaks.items()}
    costs["demand_charge"] = float(sum(charges.values())) * mscale
    fuel_cost = fuel_em = 0.0
    if "fuel_boiler_kw" in ds:
        for b in park.boilers:
            if b["fuel"] != "electric" and b["name"] in ds["boiler"].values:
                kwh = float(ds["fuel_boiler_kw"].sel(boiler=b["name"]).sum())
                fuel_cost += kwh * b["price"]
                fuel_em += kwh * b["ef"]
    costs["fuel"] = fuel_cost * scale
    # bought district heat (solvers.blocks.district_heat): metered energy at its price, the capacity part of the
    # plan's contracted capacity and the fixed fee, as in the optimiser's objective; its CO2 at its factor
    heat_kwh = _sum(ds, "q_heat_import_kw") * scale
    dh = problem.district_heat
    costs["district_heat"] = 0.0
    if dh is not None:
        cap = (plan.sizes.get("district_heat_kw") or {}).get(dh.name, dh.max_kw)
        if not np.isfinite(cap):
            cap = float(np.max(np.asarray(problem.heat_import_kw, float), initial=0.0))
        costs["district_heat"] = (dh.price_cny_per_kwh * heat_kwh + dh.capacity_cny_per_kw_yr * float(cap)
                                  + dh.fixed_cny_per_yr)
    heat_ef = dh.ef_kgco2_per_kwh if dh is not None else problem.ef_heat_import_kgco2_per_kwh
    heat_t = heat_kwh * heat_ef * 1e-3
    wear = 0.0
    if park.batteries and "p_battery_discharge_kw" in ds:
        dis = ds["p_battery_discharge_kw"]
        wear += sum(float(dis.sel(battery=b["name"]).sum()) * b["wear"] for b in park.batteries
                    if b["name"] in dis["battery"].values)
    if "p_ev_discharge_kw" in ds:
        for f in park.fleets:
            if f.name in ds["ev_fleet"].values:
                wear += float(ds["p_ev_discharge_kw"].sel(ev_fleet=f.name).sum()) * f.wear_cny_per_kwh
    costs["wear"] = wear * scale
    em_plan = plan.emissions
    c = problem.carbon
    grid_t = float(np.dot(park.ef, imp)) * 1e-3 * scale
    fuel_t = fuel_em * 1e-3 * scale
    credit = 0.0
    if problem.grid.credit_export_emissions:
        credit = float(np.dot(park.ef, exp)) * 1e-3 * scale
    owed = ev_energy_owed(ds, park, plan)
    costs["ev_energy_owed"] = owed["cost_cny"] * scale
    owed_t = owed["tco2"] * scale
    process_t = float(c.process_co2_t)  # declared, annual: the same whatever the dispatch
    gross = grid_t + fuel_t + heat_t + process_t - credit + owed_t
    green, cert = float(em_plan.get("green_power_t", 0.0)), float(em_plan.get("certificates_t", 0.0))
    residual = gross - green - cert
    net_plan = float(em_plan.get("net_t", 0.0))
    offsets = max(residual - max(net_plan, 0.0), 0.0) if c.offset_price_cny_per_t is not None else 0.0
    net = residual - offsets
    pc = plan.costs
    costs["green_power_premium"] = float(pc.get("green_power_premium", 0.0))
    costs["green_certificates"] = float(pc.get("green_certificates", 0.0))
    costs["offsets"] = offsets * float(c.offset_price_cny_per_t or 0.0)
    costs["carbon_price"] = c.carbon_price_cny_per_t * net
    fixed = float(pc.get("capex_annualised_total", 0.0)) + float(pc.get("om_total", 0.0))
    costs["capex_and_om"] = fixed
    unserved = {"electricity": _sum(ds, "p_unserved_kw") * scale / 1e3,
                "heat": _sum(ds, "q_unserved_heat_kw") * scale / 1e3,
                "cooling": _sum(ds, "q_unserved_cooling_kw") * scale / 1e3,
                "ev_charging": _sum(ds, "e_ev_shortfall_kwh") * scale / 1e3}
    unserved["total"] = float(sum(unserved.values()))
    costs["unserved_energy"] = float(value_of_lost_load) * unserved["total"] * 1e3
    total = (fixed + costs["energy_import"] - costs["export_revenue"] + costs["demand_charge"]
             + costs["fuel"] + costs["district_heat"] + costs["wear"] + costs["green_power_premium"] + costs["green_certificates"]
             + costs["offsets"] + costs["carbon_price"] + costs["unserved_energy"] + costs["ev_energy_owed"])
    out = {
        "annualised_cost_cny": total,
        "costs_cny": costs,
        "emissions_tco2": {"gross": gross, "grid": grid_t, "fuel": fuel_t, "heat_import": heat_t,
                           "process": process_t, "export_credit": credit, "ev_energy_owed": owed_t,
                           "green_power": green, "certificates": cert, "residual": residual,
                           "offsets_needed": offsets, "net": net},
        "monthly_peak_kw": peaks,
        "monthly_demand_charge_cny": charges,
        "ev_energy_not_delivered_mwh": unserved["ev_charging"],
        "ev_energy_owed_mwh": owed["grid_kwh"] * scale / 1e3,
        "unserved_mwh": unserved,
        # several stores: equivalent full cycles of their total size
        "battery_cycles": (_sum(ds, "p_battery_discharge_kw") * scale / sum(b["kwh"] for b in park.batteries)
                           if park.batteries else 0.0),
        "tes_cycles": (_sum(ds, "q_tes_discharge_kw") * scale / sum(x["kwh"] for x in park.thermal_stores)
                       if park.thermal_stores else 0.0),
        "curtailment_mwh": _sum(ds, "p_pv_curtailed_kw") * scale / 1e3,
        "grid_import_mwh": float(imp.sum()) * scale / 1e3,
        "grid_export_mwh": float(exp.sum()) * scale / 1e3,
    }
    hp = heat_pump_performance(ds, step_weights(ds, year_weight_h(T))) if T else {}
    out["heat_pumps"] = hp
    out["heat_pump_scop"] = hp.get("scop")
    out["connection"] = connection_guard(ds, scale)
    if getattr(park, "transformers", None) and "p_transformer_overload_kw" in ds:
        out["transformers"] = transformer_guard(ds, park, scale)
    # by heat bus (the network, each process-heat bus): the waste heat used directly and what went unserved
    w = step_weights(ds, year_weight_h(T)) if T else None
    for key, var in (("waste_heat_direct_by_bus_mwh", "q_waste_heat_direct_bus_kw"),
                     ("unserved_heat_by_bus_mwh", "q_unserved_heat_bus_kw")):
        if T and var in ds:
            out[key] = {b: v / 1e3 for b, v in by_heat_bus(ds, var, w).items()}
    if T and "q_unserved_cooling_bus_kw" in ds:
        out["unserved_cooling_by_bus_mwh"] = {b: v / 1e3 for b, v in
                                              by_cooling_bus(ds, "q_unserved_cooling_bus_kw", w).items()}
    if T and getattr(park, "process_cooling", None):
        out["cooling_buses"] = cooling_bus_performance(ds, w)
    if T and getattr(park, "cold_stores", None):  # each cold store's year (and the chillers' ice making)
        out["cold_stores"] = cold_storage_performance(ds, w)
        out["cold_cycles"] = _sum(ds, "q_cold_discharge_kw") * scale / sum(x["kwh"] for x in park.cold_stores)
    return out


def connection_guard(ds, scale: float = 1.0) -> dict:
    """What the plant's connection guard did in an operated year
    (:meth:`twin.operate.loop.Plant.guard_import`, :meth:`~twin.operate.loop.Plant.guard_export`).

    Parameters
    ----------
    ds : xarray.Dataset
        Operated dispatch with ``p_connection_guard_kw`` and ``p_connection_overload_kw`` [kW].
    scale : float
        Year per horizon (8760/T) [-]: hours and energies are per year.

    Returns
    -------
    dict
        ``guard_hours`` (hours in which the guard took something off) [h/yr], ``guard_mwh``
        (exchange it took off) [MWh/yr], ``overload_hours`` and ``overload_mwh`` (import left
        above the connection's capacity) [h/yr, MWh/yr], ``max_overload_kw`` [kW]; empty where
        the dispatch has no guard.
    """
    if "p_connection_guard_kw" not in ds or "p_connection_overload_kw" not in ds:
        return {}
    g = ds["p_connection_guard_kw"].to_numpy()
    o = ds["p_connection_overload_kw"].to_numpy()
    tol = 1e-6
    return {"guard_hours": float(np.count_nonzero(g > tol)) * scale,
            "guard_mwh": float(g.sum()) * scale / 1e3,
            "overload_hours": float(np.count_nonzero(o > tol)) * scale,
            "overload_mwh": float(o.sum()) * scale / 1e3,
            "max_overload_kw": float(o.max(initial=0.0))}


def transformer_guard(ds, park, scale: float = 1.0) -> dict:
    """The transformers behind the point of connection in an operated year: what the plant's site
    guard did (:meth:`twin.operate.loop.Plant.guard_transformers`) and the violations left.

    Parameters
    ----------
    ds : xarray.Dataset
        Operated dispatch with ``p_transformer_guard_kw``, ``p_transformer_overload_kw`` and
        ``s_transformer_kva`` (dimension ``transformer``) [kW, kVA].
    park : twin.operate.state.OperatedPark
        Its ``transformers`` (capacity the guard holds, rating, loading limit).
    scale : float
        Year per horizon (8760/T) [-]: hours and energies are per year.

    Returns
    -------
    dict
        ``violation_hours`` (hours in which some transformer carried more than the capacity the guard
        holds) [h/yr], ``overload_mwh`` (the energy above it, all transformers) [MWh/yr],
        ``max_overload_kw`` [kW], ``guard_hours`` and ``guard_mwh`` (hours in which the guard acted on
        some transformer, the flow it took off) [h/yr, MWh/yr], and ``by_transformer`` {name:
        ``capacity_kva`` (what the guard holds: rating × loading limit × (1 − margin) / ``ac_factor``),
        ``rating_kva``, ``limit_percent``, ``ac_factor`` (the plan's AC loading over its flows counted
        without losses, at least 1), ``violation_hours``, ``overload_mwh``, ``max_overload_kw``, ``guard_hours``,
        ``guard_mwh``, ``max_loading_percent`` (largest apparent power over the rating, losses not
        modelled) [%]}.
    """
    tol = 1e-6
    o = ds["p_transformer_overload_kw"].to_numpy()
    g = ds["p_transformer_guard_kw"].to_numpy()
    sva = ds["s_transformer_kva"].to_numpy()
    by = {}
    for k, x in enumerate(park.transformers):
        by[x["name"]] = {"capacity_kva": x["kva"], "rating_kva": x["rating_kva"], "limit_percent": x["limit_percent"],
                         "ac_factor": x.get("ac_factor", 1.0),
                         "violation_hours": float(np.count_nonzero(o[k] > tol)) * scale,
                         "overload_mwh": float(o[k].sum()) * scale / 1e3,
                         "max_overload_kw": float(o[k].max(initial=0.0)),
                         "guard_hours": float(np.count_nonzero(g[k] > tol)) * scale,
                         "guard_mwh": float(g[k].sum()) * scale / 1e3,
                         "max_loading_percent": 100.0 * float(sva[k].max(initial=0.0)) / x["rating_kva"]}
    return {"violation_hours": float(np.count_nonzero((o > tol).any(axis=0))) * scale,
            "overload_mwh": float(o.sum()) * scale / 1e3, "max_overload_kw": float(o.max(initial=0.0)),
            "guard_hours": float(np.count_nonzero((g > tol).any(axis=0))) * scale,
            "guard_mwh": float(g.sum()) * scale / 1e3, "by_transformer": by}


def difference(value: float, optimum: float, rel_tol: float = 1e-9) -> float:
    """``value - optimum`` in the quantity's unit, 0 where the two agree to ``rel_tol`` of their
    magnitude (at least 1 unit): a peak held exactly at the optimum's is a gap of 0 kW, not a
    solver's 1.14e-12 (:func:`twin.fmt.change` with the operated year's tolerance)."""
    from twin.fmt import change

    return change(value, optimum, rel=rel_tol, floor=1.0)


def gap(metrics: dict, optimum: dict) -> dict:
    """Controller minus optimum for the headline figures (and the cost gap in %), with what
    the controller did not serve beside it: ``unserved_mwh`` (by load class and ``total``),
    ``unserved_energy_cny`` (its cost at the value of lost load, part of the cost gap),
    ``ev_promises_broken`` of ``ev_promises`` (sessions), and ``like_for_like`` (False when
    it served less than the plan: more than :data:`LIKE_FOR_LIKE_MWH` unserved)."""
    d = difference
    cost = d(metrics["annualised_cost_cny"], optimum["annualised_cost_cny"])
    base = abs(optimum["annualised_cost_cny"]) or 1.0
    ev = metrics.get("run", {}).get("ev", {})
    broken = int(sum(v["promises_violated"] for v in ev.values()))
    unserved = {k: d(v, optimum["unserved_mwh"].get(k, 0.0)) for k, v in metrics["unserved_mwh"].items()}
    return {
        "like_for_like": bool(unserved.get("total", 0.0) < LIKE_FOR_LIKE_MWH),
        "unserved_mwh": unserved,
        "unserved_energy_cny": d(metrics["costs_cny"].get("unserved_energy", 0.0),
                                 optimum["costs_cny"].get("unserved_energy", 0.0)),
        "ev_promises_broken": broken,
        "ev_promises": broken + int(sum(v["promises_kept"] for v in ev.values())),
        # energy the vehicles left with beyond their promises (charged for V2G that did not come), the
        # horizon's, battery side [MWh]: in the cost gap through the energy bought, named here
        "ev_energy_beyond_promise_mwh": float(sum(v.get("beyond_promise_kwh", 0.0) for v in ev.values())) / 1e3,
        "annualised_cost_cny": cost,
        "annualised_cost_pct": 100.0 * cost / base,
        "energy_import_cny": d(metrics["costs_cny"]["energy_import"], optimum["costs_cny"]["energy_import"]),
        "demand_charge_cny": d(metrics["costs_cny"]["demand_charge"], optimum["costs_cny"]["demand_charge"]),
        "gross_emissions_tco2": d(metrics["emissions_tco2"]["gross"], optimum["emissions_tco2"]["gross"]),
        "offsets_needed_tco2": d(metrics["emissions_tco2"]["offsets_needed"],
                                 optimum["emissions_tco2"]["offsets_needed"]),
        "ev_energy_not_delivered_mwh": d(metrics["ev_energy_not_delivered_mwh"],
                                         optimum["ev_energy_not_delivered_mwh"]),
        "ev_energy_owed_mwh": d(metrics.get("ev_energy_owed_mwh", 0.0), optimum.get("ev_energy_owed_mwh", 0.0)),
        "battery_cycles": d(metrics["battery_cycles"], optimum["battery_cycles"]),
        "curtailment_mwh": d(metrics["curtailment_mwh"], optimum["curtailment_mwh"]),
        "max_monthly_peak_kw": d(max(metrics["monthly_peak_kw"].values(), default=0.0),
                                 max(optimum["monthly_peak_kw"].values(), default=0.0)),
        # the heat pumps' seasonal COP, operated minus planned [kWh/kWh] (None without heat pumps)
        "heat_pump_scop": (None if metrics.get("heat_pump_scop") is None or optimum.get("heat_pump_scop") is None
                           else d(metrics["heat_pump_scop"], optimum["heat_pump_scop"])),
    }
