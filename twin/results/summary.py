"""``summary.json``: the headline numbers of a run with documented keys (docs/outputs.md).

Annual energies and shares come from :mod:`twin.statistics` (through the ledger's
accounts), emissions and costs from the optimiser's result; nothing is summed here.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np

from twin import __version__
from twin.io import json_safe
from twin.results.units import flat_sizes

#: Layout version of summary.json (2: ``run_config``, ``pv_share_of_electricity`` instead of
#: the ambiguous ``renewable_share``, thermal storage and chiller energies in ``energy_mwh``).
SCHEMA_VERSION = 3


def versions() -> dict[str, str]:
    """Versions of the tool and the libraries that shape its numbers."""
    import importlib.metadata as md

    out = {"park_twin": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "pandas", "xarray", "pvlib", "pyomo", "highspy", "simpy", "pydantic", "netCDF4"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            out[pkg] = "not installed"
    return out


#: Per-building numbers of the building model in summary.json (``building_<key>`` in results.nc).
BUILDING_NUMBERS = ("heating_capacity_kw", "heating_design_load_kw", "design_outdoor_temp_c",
                    "unmet_heating_hours", "occupied_heating_hours", "preheat_hours",
                    "heating_intermittent_addition", "cooling_capacity_kw", "cooling_design_load_kw",
                    "cooling_design_drybulb_c", "unmet_cooling_hours", "occupied_cooling_hours",
                    "cooling_sizing_margin", "design_temperature_years", "cooling_latent_peak_kw",
                    "cooling_latent_share", "cooling_rh_max_pct", "cooling_cop_seasonal",
                    "refrigeration_min_condensing_c")


def buildings_summary(prof) -> list[dict]:
    """Per building: type, envelope preset and where its envelope values come from; heating and
    cooling capacities [kW, W/m2], design outdoor temperatures [°C] and the unmet occupied heating
    and cooling hours [h] of the simulated year, with notes on how the capacities were set."""
    if "building" not in prof.dims:
        return []
    keys = [k for k in ("building_type", "envelope", "envelope_note", "envelope_note_zh",
                        *(f"{m}_capacity_{x}" for m in ("heating", "cooling") for x in ("note", "note_zh", "source")),
                        "cooling_latent_basis", "cooling_rh_source", "cooling_cop_source")
            if k in prof.coords]
    out = []
    for i, b in enumerate(prof["building"].values):
        row = {"name": str(b), **{k: str(prof[k].values[i]) for k in keys}}
        for k in BUILDING_NUMBERS:
            if f"building_{k}" in prof:
                v = float(prof[f"building_{k}"].values[i])
                row[k] = int(v) if k.endswith(("_hours", "_years")) else (None if np.isnan(v) else v)
        for m in ("heating", "cooling"):
            if f"{m}_capacity_kw" in row and "building_floor_area_m2" in prof:
                row[f"{m}_capacity_w_m2"] = (row[f"{m}_capacity_kw"] * 1e3
                                             / float(prof["building_floor_area_m2"].values[i]))
        out.append(row)
    return out


def scenario_record(loaded) -> dict:
    """Which scenario ran: file, hash of the validated scenario, overrides, variant and each override applied."""
    return {"file": str(loaded.path), "sha256": loaded.sha256, "overrides": loaded.overrides,
            "variant": getattr(loaded, "variant_name", "base"),
            "applied_overrides": loaded.override_record() if hasattr(loaded, "override_record") else [],
            "data_notes": list(getattr(loaded, "notes", []))}


def emissions_summary(res, base_res) -> dict[str, float]:
    """The optimiser's emission account of the plan and the baseline's gross [tCO2/yr]."""
    em = res.emissions
    return {
        "baseline": float(base_res.emissions["gross_grid_t"] + base_res.emissions["fuel_t"]
                          + base_res.emissions.get("heat_import_t", 0.0) + base_res.emissions.get("process_t", 0.0)),
        "gross": float(em["gross_grid_t"] + em["fuel_t"] + em.get("heat_import_t", 0.0) + em.get("process_t", 0.0)),
        "grid": float(em["gross_grid_t"]),
        "fuel": float(em["fuel_t"]),
        "heat_import": float(em.get("heat_import_t", 0.0)),
        "process": float(em.get("process_t", 0.0)),
        "export_credit": float(em.get("export_credit_t", 0.0)),
        "certificates": float(em.get("certificates_t", 0.0)),
        "green_power": float(em.get("green_power_t", 0.0)),
        "residual": float(em["residual_t"]),
        "offsets": float(em["offsets_t"]),
        "net": float(em["net_t"]),
    }


def purchases_summary(res) -> dict[str, float]:
    """Green power (绿电交易) and green certificates the optimiser buys [MWh/yr]."""
    em = res.emissions
    return {"green_power": float(em.get("green_power_mwh", 0.0)), "certificates": float(em.get("certificates_mwh", 0.0))}


def solver_summary(res, objective: str) -> dict[str, Any]:
    """Solver facts of the sizing solve (status, algorithm, times, model size, scalar duals)."""
    return {
        "objective": objective, "status": res.status, "termination": res.termination,
        "algorithm": res.algorithm, "notes": list(res.solver_notes),
        "objective_value": float(res.objective_value), "solve_time_s": float(res.solve_time_s),
        "build_time_s": float(res.build_time_s), "handover_time_s": float(res.handover_time_s),
        "gap": float(res.gap), "n_variables": int(res.n_variables), "n_constraints": int(res.n_constraints),
        "duals": json_safe({k: v for k, v in res.duals.items() if np.ndim(v) == 0}),
    }


def build_summary(*, loaded, config, weather, prof, res, base_res, statistics, baseline_statistics,
                  ledger=None, scorecard=None, indicators=None, timing_s: dict | None = None,
                  representative_days: dict | None = None) -> dict:
    """The documented summary of a run (docs/outputs.md).

    Parameters
    ----------
    loaded : twin.scenario.loader.LoadedScenario
    config : twin.scenario.run_config.RunConfig
    weather : weather.WeatherMeta
    prof : xarray.Dataset
        Hourly profiles of the modelled horizon.
    res, base_res : solvers.SizingResult
        Plan and baseline.
    statistics, baseline_statistics : twin.statistics.AnnualStatistics
        Annual energies of plan and baseline (the ledger's ``planned.statistics`` /
        ``baseline.statistics``).
    ledger, scorecard, indicators : optional
        Objects with ``to_dict()``; scores are absent for horizons shorter than a year.
    timing_s : dict, optional
        Stage times [s].
    representative_days : dict, optional
        Facts of the representative-day sizing, when used.
    """
    sc = loaded.scenario
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "park": {"name": sc.park.name, "type": sc.park.type, "planning_year": sc.park.planning_year},
        "scenario": scenario_record(loaded),
        "run_config": config.to_dict(),
        "weather": {"source": weather.source, "site": site_record(sc.site),
                    "latitude": weather.latitude, "longitude": weather.longitude,
                    "elevation_m": weather.elevation, "elevation_source": weather.elevation_source,
                    "elevation_uncertainty_m": weather.elevation_uncertainty_m,
                    "reference_city": weather.reference_city, "notes": list(weather.notes),
                    # the synthetic year's seed and how it was chosen (typical / given); null for a file
                    "seed": weather.seed if weather.source != "file" else None,
                    "seed_choice": getattr(weather, "seed_choice", "") or None,
                    "stations": [{k: st.get(k) for k in ("id", "name", "name_zh", "dataset", "distance_km", "role")}
                                 for st in getattr(weather, "stations", [])],
                    "radiation_basis": getattr(weather, "radiation_basis", ""),
                    "radiation_basis_range": list(getattr(weather, "radiation_basis_range", [])),
                    "temperature_period": getattr(weather, "temperature_period", ""),
                    "expected_uncertainty": weather.expected_uncertainty,
                    "expected_temperature_uncertainty_k": weather.expected_temperature_uncertainty_k,
                    "climate_zone": dict(getattr(weather, "climate_zone", {})),
                    # the zone the scenario gives for the buildings' presets (site.climate_zone)
                    "climate_zone_given": getattr(sc.site, "climate_zone", None),
                    "annual_ghi_kwh_m2": weather.annual_ghi_kwh_m2,
                    "annual_mean_temperature_c": getattr(weather, "annual_mean_temperature_c", None),
                    # GB 50736-2012 design temperatures of the site's climate (weather.design)
                    "design_temperatures": dict(getattr(weather, "design_temperatures", {})) or None,
                    "file": (getattr(weather, "provenance", None) or {}).get("file") if weather.source == "file"
                    else None,
                    "file_check": dict(getattr(weather, "file_check", {})) or None},
        "hours": int(prof.sizes["time"]),
        "buildings": buildings_summary(prof),
        "sizes": json_safe(res.sizes),
        "energy_mwh": statistics.energy_mwh(),
        # the waste heat used directly, by the heat bus it served (sums to energy_mwh.waste_heat_direct)
        **({"waste_heat_direct_by_bus_mwh": {b: v / 1000.0 for b, v in statistics.waste_heat_direct_by_bus_kwh.items()}}
           if statistics.waste_heat_direct_by_bus_kwh else {}),
        "baseline_energy_mwh": baseline_statistics.energy_mwh(),
        "emissions_tco2": emissions_summary(res, base_res),
        # declared industrial-process CO2, each source with where its figure comes from
        **({"process_emissions": [{"name": x.name, "co2_t_per_yr": float(x.co2_t_per_yr), "source": x.source}
                                  for x in sc.process_emissions]} if sc.process_emissions else {}),
        "purchases_mwh": purchases_summary(res),
        "costs_cny_per_yr": json_safe(res.costs),
        "annualised_cost_cny": float(res.objective_cny),
        "baseline_cost_cny": float(base_res.objective_cny),
        "baseline_costs_cny_per_yr": json_safe(base_res.costs),
        "capex_cny": float(res.costs.get("capex_overnight", np.nan)),
        "pv_share_of_electricity": statistics.pv_share_of_electricity,
        **heat_pumps_summary(sc, statistics, baseline_statistics),
        **process_cooling_summary(sc, prof, res, base_res, statistics, baseline_statistics),
        **cold_storage_summary(sc, prof, res, base_res, statistics, baseline_statistics),
        **chiller_periods_summary(prof, res, base_res),
        **district_heat_summary(sc, prof, res, statistics, baseline_statistics),
        **tariff_summary(sc, statistics, baseline_statistics),
        "solver": solver_summary(res, config.objective),
        "timing_s": dict(timing_s or {}),
        "versions": versions(),
    }
    if representative_days is not None:
        summary["solver"]["representative_days"] = representative_days
    if res.pareto:
        summary["pareto"] = [
            {"cost_cny": p.cost_cny, "residual_tco2": p.residual_co2_t, "epsilon_tco2": p.epsilon_co2_t,
             "mac_cny_per_t": p.mac_cny_per_t, "sizes": json_safe(p.sizes), "status": p.status,
             "vertical": p.vertical, "headline": p.headline, "solve_time_s": p.solve_time_s,
             "method": p.method, "iterations": p.iterations} for p in res.pareto]
        _pareto_basis(summary, representative_days)
    if getattr(res, "targets", None):
        summary["targets"] = json_safe(res.targets)
    if ledger is not None:
        summary["ledger"] = ledger.to_dict()
    if indicators is not None:
        summary["national_indicators"] = indicators.to_dict() if hasattr(indicators, "to_dict") else indicators
    if scorecard is not None:
        summary["scorecard"] = scorecard.to_dict()
    if "ef_grid_kgco2_per_kwh" in prof:
        ef = prof["ef_grid_kgco2_per_kwh"]
        summary["grid_emission_factor"] = {"mean_kgco2_per_kwh": float(ef.mean()),
                                           "source": str(ef.attrs.get("source", ""))}
        if ef.attrs.get("note"):
            summary["grid_emission_factor"]["note"] = str(ef.attrs["note"])
    cite_sources(summary)
    return summary


def tariff_summary(sc, statistics, baseline_statistics) -> dict:
    """``tariff``: the time-of-use tariff season by season (:func:`twin.components.tariff.price_table`:
    months, each period's clock hours and all-in price, the periods the season prices itself; notes on
    seasons priced against the periods' names, :func:`twin.components.tariff.price_order_notes`; on an export
    price above an import price, :func:`twin.components.tariff.export_price_notes`), with the
    grid electricity bought in each season, its energy charges at each hour's price and their mean
    price, in plan and baseline (:func:`twin.statistics.grid_import_by_month`, read from the ledger's
    statistics); ``plan`` / ``baseline`` the year's totals (the plan's charges are the optimiser's
    ``costs_cny_per_yr.energy_import``)."""
    from twin.components.tariff import (
        export_price_notes,
        price_order_notes,
        price_table,
        seasonal_prices,
    )

    t = sc.grid.tariff
    rows = price_table(t)

    def bought(by_month: dict, months) -> dict:
        ms = [by_month[m] for m in months if m in by_month]
        kwh = float(sum(m["import_kwh"] for m in ms))
        cost = float(sum(m["cost_cny"] for m in ms))
        return {"hours": int(sum(m["hours"] for m in ms)), "grid_import_mwh": kwh / 1000.0, "energy_cost_cny": cost,
                "mean_price_cny_per_kwh": cost / kwh if kwh > 1e-9 else None}

    for r in rows:
        r["plan"] = bought(statistics.grid_import_by_month, r["months"])
        r["baseline"] = bought(baseline_statistics.grid_import_by_month, r["months"])
    return {"tariff": {"name": t.name, "source": t.source, "default_period": t.default_period,
                       "critical_days": t.critical_days, "seasonal_prices": seasonal_prices(t), "seasons": rows,
                       "price_order_notes": price_order_notes(t),
                       "export_price_notes": export_price_notes(sc.grid),
                       "plan": bought(statistics.grid_import_by_month, range(1, 13)),
                       "baseline": bought(baseline_statistics.grid_import_by_month, range(1, 13))}}


def district_heat_summary(sc, prof, res, statistics, baseline_statistics) -> dict:
    """``district_heat``: the bought district heat of plan and baseline, its bill and CO2
    (:func:`twin.statistics.district_heat_bill`), the tariff's source and whether the plan may replace
    it; nothing where no building buys district heat."""
    from twin.plan import district_heat_kw, district_heat_of
    from twin.statistics import district_heat_bill

    dh = district_heat_kw(prof)
    if dh is None:
        return {}
    ef = sc.accounting.heat_ef_tco2_per_gj
    plan, _ = district_heat_of(sc, prof, dh, baseline=False)
    base, _ = district_heat_of(sc, prof, dh, baseline=True)
    chosen = (res.sizes.get("district_heat_kw") or {}).get(plan.name) if plan is not None else None
    out = {"plan": district_heat_bill(statistics.energy_kwh["q_heat_import_kwh"], plan, contracted_kw=chosen,
                                      ef_tco2_per_gj=ef),
           "baseline": district_heat_bill(baseline_statistics.energy_kwh["q_heat_import_kwh"], base,
                                          ef_tco2_per_gj=ef),
           "ef_tco2_per_gj": ef,
           "source": sc.district_heat.source if sc.district_heat is not None else None}
    spec = sc.district_heat
    if spec is not None and spec.area_price_cny_per_m2_yr:
        out["area_fee_note"] = ("the area-based fee is paid whatever the metered use: it falls only if buildings "
                                "leave the network, which the plan does not decide")
    return {"district_heat": out}


def heat_pumps_summary(sc, statistics, baseline_statistics) -> dict:
    """``heat_pumps`` and ``baseline_heat_pumps``: seasonal COP (SCOP, heat delivered / electricity
    used [kWh/kWh]) of each heat pump and overall, the shares of heating hours at reduced
    capacity and below the cut-off (:func:`twin.statistics.heat_pump_performance`), and how
    each heat pump's capacity is modelled; nothing without heat pumps."""
    if not sc.heat_pumps:
        return {}
    from twin.components.heat import capacity_model_record

    model = {hp.name: capacity_model_record(hp) for hp in sc.heat_pumps}
    out = {"heat_pumps": {**getattr(statistics, "heat_pumps", {}), "capacity_model": model}}
    base = getattr(baseline_statistics, "heat_pumps", {})
    if base and base.get("heat_mwh", 0.0) > 0:  # existing heat pumps at work in the baseline
        out["baseline_heat_pumps"] = base
    return out


def process_cooling_summary(sc, prof, res, base_res, statistics, baseline_statistics) -> dict:
    """``process_cooling``: each process-cooling demand with its temperature, loop, annual cooling
    [MWh/yr] and peak [kW], its supply today, the chillers on its loop in the plan and the baseline
    with their sizes [kW], and, for a demand on a loop of its own, its chillers' electricity and
    seasonal COP in plan and baseline (:func:`twin.statistics.cooling_bus_performance`; a demand that
    joins the chilled-water network shares the network's chillers, whose figures are under
    ``network``); nothing without process cooling."""
    if not sc.process_cooling:
        return {}
    from solvers.problem import COOL_BUS
    from twin.plan import cooling_bus_of, declared_cooling_supply, network_chillers

    q = prof["q_process_cooling_demand_kw"]
    w = 8760.0 / prof.sizes["time"]
    plan, base = getattr(statistics, "cooling_buses", {}), getattr(baseline_statistics, "cooling_buses", {})

    def on_bus(r, bus):
        ds = r.dispatch
        if "q_cooling_supply_kw" not in ds or "chiller_bus" not in ds["q_cooling_supply_kw"].coords:
            return {}
        sizes = (r.sizes or {}).get("chiller_kw", {})
        names = ds["chiller"].to_numpy()[ds["q_cooling_supply_kw"]["chiller_bus"].to_numpy() == bus]
        return {str(n): float(sizes.get(str(n), 0.0)) for n in names}

    demands = []
    for d in sc.process_cooling:
        kw = q.sel(process_cooling=d.name).to_numpy()
        bus = cooling_bus_of(sc, d.name)
        declared = [c.name for c in declared_cooling_supply(sc, d.name)]
        if d.existing_cop is not None:  # beside any declared chillers with existing capacity serving it
            today = {"kind": "existing_cop", "chillers": [f"{d.name} chiller", *declared],
                     "cop": float(d.existing_cop)}
        elif d.keep_implied_supply and (declared or (bus == COOL_BUS and network_chillers(sc))):
            # today's implied chiller kept beside declared ones (a pathway's later periods)
            today = {"kind": "implied_air_cooled", "chillers": [f"{d.name} chiller", *declared], "cop": None}
        elif declared:
            today = {"kind": "declared_chillers", "chillers": declared, "cop": None}
        elif bus == COOL_BUS and network_chillers(sc):
            today = {"kind": "network_chillers", "chillers": [c.name for c in network_chillers(sc)], "cop": None}
        else:
            today = {"kind": "implied_air_cooled", "chillers": [f"{d.name} chiller"], "cop": None}
        own = bus != COOL_BUS
        demands.append({
            "name": d.name, "temperature_c": float(d.temperature_c), "bus": bus, "joins_network": not own,
            "cooling_mwh": float(kw.sum()) * w / 1000.0, "peak_kw": float(kw.max()) if kw.size else 0.0,
            "supply_today": today, "chillers_kw": on_bus(res, bus), "baseline_chillers_kw": on_bus(base_res, bus),
            "electricity_mwh": plan.get(bus, {}).get("electricity_mwh") if own else None,
            "baseline_electricity_mwh": base.get(bus, {}).get("electricity_mwh") if own else None,
            "scop": plan.get(bus, {}).get("scop") if own else None,
            "baseline_scop": base.get(bus, {}).get("scop") if own else None})
    return {"process_cooling": {
        "network_temperature_c": float(sc.cooling_supply_temperature_c), "demands": demands,
        "network": {"electricity_mwh": plan.get(COOL_BUS, {}).get("electricity_mwh"),
                    "baseline_electricity_mwh": base.get(COOL_BUS, {}).get("electricity_mwh"),
                    "scop": plan.get(COOL_BUS, {}).get("scop"), "baseline_scop": base.get(COOL_BUS, {}).get("scop")},
        "by_bus": plan, "baseline_by_bus": base}}


def cold_storage_summary(sc, prof, res, base_res, statistics, baseline_statistics) -> dict:
    """``cold_storage``: each cold store (kind, the bus it serves, size in plan and baseline [kWh of
    cooling], cooling charged, discharged and lost [MWh/yr] with the charging and discharging in each
    time-of-use period, the share of its charging in valley hours and of its discharging in peak hours,
    equivalent full cycles [-]; :func:`twin.statistics.cold_storage_performance`), the
    chillers' ice making (ice made, its electricity and COP beside the electric chillers' COP making
    chilled water); nothing without cold stores (the chillers' electricity by time-of-use period is
    :func:`chiller_periods_summary`)."""
    if not sc.cold_stores:
        return {}
    from twin.plan import cooling_bus_of
    from twin.statistics import (
        PEAK_PERIODS,
        VALLEY_PERIODS,
        by_tou_period,
        in_periods,
        seasonal_cop,
    )

    T = prof.sizes["time"]
    w = np.full(T, 8760.0 / T)
    periods = prof["tou_period"].to_numpy() if "tou_period" in prof else np.full(T, "all")
    perf = getattr(statistics, "cold_stores", {}) or {}
    base_perf = getattr(baseline_statistics, "cold_stores", {}) or {}

    def mwh(d):
        return {k: v / 1000.0 for k, v in d.items()}

    def series(r, name, store):
        ds = r.dispatch
        return ds[name].sel(cold_store=store).to_numpy() if name in ds and store in ds[name]["cold_store"] else np.zeros(T)

    stores = []
    for cs in sc.cold_stores:
        st = perf.get("stores", {}).get(cs.name, {})
        size = float((res.sizes.get("cold_kwh") or {}).get(cs.name, cs.existing_kwh))
        base_size = float((base_res.sizes.get("cold_kwh") or {}).get(cs.name, cs.existing_kwh))
        charge, discharge = st.get("charge_mwh", 0.0), st.get("discharge_mwh", 0.0)
        by_c = mwh(by_tou_period(series(res, "q_cold_charge_kw", cs.name), periods, w))
        by_d = mwh(by_tou_period(series(res, "q_cold_discharge_kw", cs.name), periods, w))
        stores.append({
            "name": cs.name, "kind": cs.kind, "bus": cooling_bus_of(sc, cs.serves), "serves": cs.serves,
            "size_kwh": size, "existing_kwh": float(cs.existing_kwh), "new_kwh": max(size - cs.existing_kwh, 0.0),
            "baseline_size_kwh": base_size,
            "charge_mwh": charge, "discharge_mwh": discharge, "losses_mwh": st.get("losses_mwh", 0.0),
            "full_cycles": discharge * 1000.0 / size if size > 0 else 0.0,
            "valley_charge_share": in_periods(by_c, VALLEY_PERIODS) / charge if charge > 0 else None,
            "peak_discharge_share": in_periods(by_d, PEAK_PERIODS) / discharge if discharge > 0 else None,
            "charge_by_period_mwh": by_c, "discharge_by_period_mwh": by_d,
            "loss_per_h": float(cs.loss_per_h),
            "charge_temperature_c": float(cs.charge_temperature_c) if cs.kind == "ice" else None,
            "baseline_discharge_mwh": base_perf.get("stores", {}).get(cs.name, {}).get("discharge_mwh", 0.0)})

    out = {"stores": stores}
    ice = perf.get("ice_making")
    if ice is not None:
        ds = res.dispatch
        q = ds["q_cooling_supply_kw"]
        kind = q["chiller_kind"].to_numpy() if "chiller_kind" in q.coords else np.full(q.sizes["chiller"], "electric")
        qe = float((q.to_numpy()[kind == "electric"] * w).sum())
        pe = float((ds["p_chiller_kw"].to_numpy() * w).sum()) - ice["electricity_mwh"] * 1000.0
        out["ice_making"] = {**ice, "chilled_water_cop": seasonal_cop(qe, pe),
                             "cop_model": "the chillers' own Carnot model (chiller_cop: carnot_efficiency, "
                                          "condenser_approach_k) at the store's charge_temperature_c instead of their "
                                          "chilled water"}
    return {"cold_storage": out}


def chiller_periods_summary(prof, res, base_res) -> dict:
    """``chiller_electricity_by_period``: the chillers' electricity (ice making included) in each time-of-use
    period of the tariff with its peak (peak, critical) and valley (valley, deep valley) sums [MWh/yr], and
    its cost at each hour's import price [CNY/yr] (energy price only: no demand charge, PV or green power),
    in plan and baseline (:func:`twin.statistics.by_tou_period`); nothing without electric chillers."""
    from twin.statistics import PEAK_PERIODS, VALLEY_PERIODS, by_tou_period, in_periods

    if "p_chiller_kw" not in res.dispatch:
        return {}
    T = prof.sizes["time"]
    w = np.full(T, 8760.0 / T)
    periods = prof["tou_period"].to_numpy() if "tou_period" in prof else np.full(T, "all")
    price = prof["price_import_cny_per_kwh"].to_numpy().astype(float)

    def year(r):
        ds = r.dispatch
        p = ds["p_chiller_kw"].to_numpy().astype(float) if "p_chiller_kw" in ds else np.zeros(T)
        by = {k: v / 1000.0 for k, v in by_tou_period(p, periods, w).items()}
        return {"electricity_mwh": float((p * w).sum()) / 1000.0, "by_period_mwh": by,
                "peak_mwh": in_periods(by, PEAK_PERIODS), "valley_mwh": in_periods(by, VALLEY_PERIODS),
                "cost_cny": float((p * price * w).sum())}

    return {"chiller_electricity_by_period": {"plan": year(res), "baseline": year(base_res)}}


def cite_sources(summary: dict) -> dict:
    """Set ``summary["sources"]``: every bibliography entry the summary cites by ``[key]``, in
    full (title, issuer, number, date, URL). Called again once later stages (shortfalls, the
    park grid, the operated years) have added their sections. Returns ``summary``."""
    from twin.sources import cited

    rest = {k: v for k, v in summary.items() if k != "sources"}
    summary["sources"] = cited(json.dumps(rest, ensure_ascii=False, default=str))
    return summary


def site_record(site) -> dict[str, Any]:
    """Where the scenario puts the park, as it says it: ``city`` as written (None for
    coordinates), the place it names in Chinese and in English (``city_zh``, ``city_en``: 喀什
    and Kashi for ``city: Kashi``; :func:`city_names`) and the province, given or that of the
    city, in English and Chinese (None for bare coordinates without one)."""
    from twin.scenario.schema import site_province
    from weather.places import province_named
    from weather.stations import PROVINCE_ZH

    given = site_province(site)
    en = province_named(given) if given else None
    zh_name, en_name = city_names(site.city)
    return {"city": site.city, "city_zh": zh_name, "city_en": en_name,
            "province": en or given, "province_zh": PROVINCE_ZH.get(en) if en else None}


def city_names(city: str | None) -> tuple[str | None, str | None]:
    """The place ``site.city`` names, in Chinese and in English: a station's names (喀什, Kashi),
    a major city's (拉萨, Lhasa), a county's Chinese name with no English one (江都区, None);
    (None, None) for no city or a name that does not resolve."""
    if not city:
        return None, None
    from weather._core import WeatherError
    from weather.stations import resolve_place, station_table

    try:
        kind, hit = resolve_place(city)
    except (WeatherError, ValueError, KeyError):
        return None, None
    if kind == "station":
        row = station_table().loc[hit]
        return str(row["name_zh"]) or None, str(row["name"]) or None
    english = hit.name if hit.name.isascii() else None  # divisions are named in Chinese only
    return hit.name_zh or None, english


def pv_share(summary: dict) -> float | None:
    """PV share of electricity of a summary, also from layout 1 (``renewable_share``) [-]."""
    if "pv_share_of_electricity" in summary:
        return summary["pv_share_of_electricity"]
    return summary.get("renewable_share")


def targets_met(summary: dict) -> bool | None:
    """Every stated target of a run met (False where it was planned for the best reachable value
    instead: ``objective.out_of_reach: closest``); None without targets."""
    if not summary.get("targets") and not summary.get("shortfalls"):
        return None
    return not summary.get("shortfalls")


def stated_weather_uncertainty(summary: dict, key: str):
    """What the tool states of a run's synthetic year (``weather.<key>`` of a summary:
    ``expected_uncertainty``, ``expected_temperature_uncertainty_k``,
    ``radiation_basis_range``); None for a weather file, which carries its own."""
    w = summary.get("weather") or {}
    return None if w.get("source") == "file" else w.get(key)


def _num(v, nd: int = 1) -> str:
    return "n/a" if v is None else f"{float(v):.{nd}f}"


def headline(summary: dict) -> str:
    """A few lines for the terminal: sizes, emissions, cost and scores of a run."""
    s = summary
    e = s["emissions_tco2"]
    lines = [
        "  sizes: " + ", ".join(f"{k} {v:,.0f}" for k, v in flat_sizes(s["sizes"]).items() if v > 0.5),
        (f"  emissions: baseline {e['baseline']:,.0f} t -> residual {e['residual']:,.0f} t, "
        f"offsets {e['offsets']:,.0f} t; PV share of electricity {pv_share(s):.1%}"),
        f"  annualised cost {s['annualised_cost_cny']:,.0f} CNY/yr (baseline {s['baseline_cost_cny']:,.0f})",
    ]
    g = s.get("grid") or {}
    if g.get("verdict", "not_checked") != "not_checked":
        from twin.grid.violations import verdict_text

        lines.append(f"  park grid: {verdict_text(g)}")
    sc = s.get("scorecard")
    if sc:
        ag = sc["aggregate"]
        prov = "PROVISIONAL rubric" if sc["rubric"]["provisional"] else "official rubric"
        unrated = "" if ag.get("control_items_met", True) else "; NOT RATED (不达标): a control item is not met"
        lines.append(f"  T/CSUS 66-2023 planning stage ({prov} '{sc['rubric']['id']}'): chapter 7 "
                     f"{_num(ag.get('chapter7_Q'))}/100, chapter 12 bonus {_num(ag.get('QA'))}{unrated}")
        core = sc["national"]["core"]
        thr = core.get("threshold_tco2_per_tce")
        against = ("" if core.get("official", True) or thr is None else
                   f" against the planner's {_num(thr, 3)} tCO2/tce, not 910号's")

        def verdict(passed) -> str:
            if thr is None:  # below 910号's first tier with no threshold stated
                return "not judged: 910号 gives no threshold for a park of this size"
            return f"pass: {passed}{against}"

        lines.append(f"  910号 core indicator: {_num(core.get('value_tco2_per_tce'), 3)} tCO2/tce "
                     f"({core.get('basis', 'acceptance')} basis, tce at {core.get('tce_basis', '')}; "
                     f"tier {core.get('tier')}, {verdict(core.get('pass'))})")
        loc = (core.get("bases") or {}).get("location")
        if loc and core.get("basis") != "location":
            kind = "market basis (green power and certificates credited)" if loc.get("green_credits") else "location basis"
            lines.append(f"      {kind}: {_num(loc.get('value_tco2_per_tce'), 3)} tCO2/tce "
                         f"({verdict(loc.get('pass'))})")
    for t in s.get("targets") or []:
        mc = t.get("marginal_cost_cny_per_unit")
        if t.get("out_of_reach"):  # held at its best reachable value (objective.out_of_reach: closest)
            lines.append(f"  target {t['label']}: OUT OF REACH, at best {target_value_text(t)}; "
                         "the plan is the least-cost one there")
            continue
        lines.append(f"  target {t['label']}: reached {target_value_text(t)}"
                     + (f", binding, {t.get('marginal_cost_note')}" if t.get("binding") else ", not binding")
                     + ("" if mc is not None else " (no dual: MILP)"))
    return "\n".join(lines)


def _pareto_basis(summary: dict, representative_days: dict | None) -> None:
    """Say what each Pareto point was sized and costed on (``sized_on``). On representative days the
    points are the days' values scaled to a year, and the headline plan (the minimum-cost end) is then
    dispatched over the full year: its point also carries those full-year values (``full_year``),
    which the headline, the ledger and the report give (a point marked as the headline plan at the
    days' 11.4 M CNY/yr beside a headline of 12.4 M CNY/yr read as two results for one plan)."""
    h = summary["hours"]
    basis = (f"{representative_days['k']} representative days" if representative_days is not None else
             "the full year" if h == 8760 else f"the first {h} h")
    for p in summary["pareto"]:
        p["sized_on"] = basis
        if representative_days is not None and p.get("headline"):
            p["full_year"] = {"cost_cny": summary["annualised_cost_cny"],
                              "residual_tco2": summary["emissions_tco2"]["residual"]}


def target_value_text(t: dict) -> str:
    """The value a target row reached, in the unit of its label: a share in per cent (as the
    label states its threshold; 0.9283 beside "≥ 90.0%" read as a fraction of a per cent), the
    core indicator in tCO2/tce, residual emissions in tCO2/yr."""
    v, unit = t.get("value"), t.get("unit")
    if not isinstance(v, (int, float)) or not np.isfinite(v):
        return "—"
    if unit == "1":
        return f"{100 * v:.1f}%"
    if unit == "tCO2/yr":
        return f"{v:,.1f} tCO2/yr"
    return f"{v:.4f} {unit}" if unit else f"{v:.4f}"


def summary_json(summary: dict) -> str:
    """The text of summary.json (UTF-8, indented, non-ASCII kept; NaN and inf as null, strict JSON)."""
    return json.dumps(json_safe(summary), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"


def read_summary(path: str | Path) -> dict:
    """Read a run's summary from its output folder or the summary.json itself.

    Raises
    ------
    ValueError
        Naming the path and what was expected.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "summary.json"
    try:
        s = json.loads(p.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise ValueError(f"{p}: not found (expected a `twin run` output folder or its summary.json)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not valid JSON ({exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a UTF-8 text file (expected the summary.json a `twin run` writes)") from None
    except OSError as exc:  # a folder named summary.json, permission
        raise ValueError(f"{p}: cannot be read ({exc.strerror or exc}; expected the summary.json a `twin run` "
                         "writes)") from None
    if not isinstance(s, dict) or "emissions_tco2" not in s or "solver" not in s:
        raise ValueError(f"{p}: not a park twin summary (no emissions_tco2/solver keys)")
    missing = [k for k, kind in REQUIRED_KEYS.items()
               if not isinstance(s.get(k), kind) or isinstance(s.get(k), bool)
               or (k == "emissions_tco2" and not isinstance(s[k].get("residual"), (int, float)))]
    if missing:
        raise ValueError(f"{p}: a park twin summary without {', '.join(missing)} (written by another version of "
                         f"twin, schema {s.get('schema_version', 'unknown')}, this one writes {SCHEMA_VERSION}, or "
                         "edited): run the scenario again with this version")
    return s


#: Fields every reader of a summary uses, with their type (the rest are optional).
REQUIRED_KEYS = {"emissions_tco2": dict, "annualised_cost_cny": (int, float), "solver": dict}


__all__ = ["SCHEMA_VERSION", "build_summary", "buildings_summary", "emissions_summary", "headline",
           "purchases_summary", "pv_share", "read_summary", "scenario_record", "solver_summary", "summary_json",
           "target_value_text", "targets_met", "tariff_summary", "versions"]
