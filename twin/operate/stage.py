"""The operation stage of a run: the sized park operated by each controller, and the gap.

:func:`operate_plan` is what the run calls after sizing (``twin run --operate``).  It is
pure: it neither prints nor writes; progress goes to an optional callback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

CONTROLLERS = {"rule": ("rule",), "mpc": ("mpc",), "both": ("rule", "mpc"), "none": ()}


@dataclass
class OperationResult:
    """What the operation stage returns."""

    summary: dict
    """The ``operation`` section of summary.json."""
    dataset: object
    """``xarray.Dataset`` of the operated years, variables ``op_*`` with a ``controller``
    dimension."""
    dispatch: dict = field(default_factory=dict)
    """Controller -> its operated dispatch (``xarray.Dataset``, optimiser names)."""
    park: object = None


def controllers_for(choice: str | None, scenario) -> tuple:
    """Controllers to run: the run's choice, else the scenario's ``operation.controller``
    where it has an ``operation`` section, else none."""
    if choice is None:
        op = getattr(scenario, "operation", None)
        choice = op.controller if op is not None else "none"
    if choice not in CONTROLLERS:
        raise ValueError(f"operate {choice!r}: expected rule, mpc, both or none")
    return CONTROLLERS[choice]


def progress_reporter(tick, step_pct: int = 10):
    """A progress callback for :func:`operate_plan` that calls ``tick(text)`` every
    ``step_pct`` % of each controller's run with an estimate of the time left."""
    if tick is None:
        return None
    last = {}

    def cb(name, done, total, elapsed):
        pct = int(100 * done / max(total, 1))
        if name not in last:
            last[name] = -1
            tick(f"{name}:")
        if (pct >= step_pct and pct // step_pct > last[name] // step_pct) or done == total:
            last[name] = pct
            left = elapsed * (total - done) / max(done, 1)
            tick(f"{pct}%" + (f" (~{left:.0f} s left)" if done < total else f" in {elapsed:.1f} s"))

    return cb


def fleet_sessions_for(scenario, prof) -> dict:
    """Sessions of each EV fleet, drawn exactly as the profiles drew the envelope."""
    import pandas as pd

    from twin.components.calendar import china_day_types
    from twin.components.ev import fleet_sessions

    if not scenario.ev_fleets:
        return {}
    import weather as wx

    index = wx.hourly_index(scenario.park.planning_year)
    t0 = pd.Timestamp(np.asarray(prof["time"].values)[0])
    if index.tz_localize(None)[0] != t0:
        raise ValueError("operation: the profiles do not start at the model year's first hour")
    day_types = china_day_types(index)
    return {f.name: fleet_sessions(f, index, seed=(scenario.site.weather_seed or 0) + 101 * (i + 1),
                                   day_types=day_types)
            for i, f in enumerate(scenario.ev_fleets)}


def operate_plan(scenario, prof, problem, result, spec, controllers=("rule", "mpc"),
                 progress=None, connection: tuple[float, float] | None = None,
                 transformers: list[dict] | None = None) -> OperationResult:
    """Operate the plan ``result`` of ``problem`` with each of ``controllers``.

    Parameters
    ----------
    scenario : twin.scenario.schema.Scenario
    prof : xarray.Dataset
        The run's profiles (for the time axis and the EV sessions).
    problem : solvers.SizingProblem
        The sizing problem as solved (full horizon, true data).
    result : solvers.SizingResult
        The plan (sizes, dispatch, costs, duals).
    spec : twin.operate.spec.OperationSpec
    controllers : sequence of str
        ``rule`` and/or ``mpc``.
    progress : callable, optional
        ``progress(controller, hours_done, hours_total, seconds_elapsed)``.
    connection : (float, float), optional
        The park transformer at the point of connection the plant's guard holds: (apparent
        power it may carry [kVA], tan φ of the loads [kvar/kW]) of
        :func:`twin.grid.feedback.connection_rating`; None: the import and export limits only.
    transformers : list of dict, optional
        The park's transformers behind the point of connection the plant's site guard holds and the
        controllers plan within (:func:`twin.grid.feedback.site_transformer_ratings`); None: none.
    """
    import xarray as xr

    from solvers.rolling import as_built
    from twin.operate.faults import fault_masks
    from twin.operate.forecasts import (
        Forecaster,
        ForecastSettings,
        process_cooling_series,
        process_heat_series,
    )
    from twin.operate.loop import operate
    from twin.operate.metrics import gap, operation_metrics
    from twin.operate.mpc import MPCController
    from twin.operate.rule import RuleController
    from twin.operate.state import OperatedPark, emission_price

    masks = fault_masks(spec.faults, prof["time"].values)
    sessions = fleet_sessions_for(scenario, prof)
    disp = result.dispatch
    # stores start where the plan's (cyclic) year ends
    end = (getattr(result, "store_states", None) or {}).get("end", {}) or {}
    initial = {k: {n: float(v) for n, v in end[k].items()} for k in ("battery_kwh", "tes_kwh", "cold_kwh")
               if end.get(k) is not None}
    lam = emission_price(problem, result)
    park = OperatedPark.from_problem(problem, result.sizes, sessions, masks, initial=initial,
                                     carbon_price=lam)
    if connection is not None:
        park.connection_kva, park.reactive_per_kw = (float(x) for x in connection)
    if transformers:
        from twin.grid.timeseries import asset_series

        loads, _ = asset_series(scenario, prof)  # each building's and process load's electricity
        fixed = {n: loads[n] for n in [b.name for b in scenario.buildings] + [x.name for x in scenario.process_loads]}
        park.attach_transformers(transformers, fixed)
    truth = {"load_kw": park.load_kw, "pv_per_kwp": park.pv_per_kwp}
    if park.heat_kw is not None:
        truth["heat_kw"] = park.heat_kw
    if park.cool_kw is not None:
        truth["cool_kw"] = park.cool_kw
    # each process-heat demand has errors of its own, drawn after the others' (their draws unchanged)
    truth.update({process_heat_series(x["name"]): x["kw"] for x in park.process_heat})
    # and each process-cooling demand, drawn after those (the others' draws unchanged)
    truth.update({process_cooling_series(x["name"]): x["kw"] for x in park.process_cooling})
    if not park.pv_names:
        truth.pop("pv_per_kwp")
    fs = spec.forecast
    settings = ForecastSettings(pv_sd_of_peak=fs.pv_sd_of_peak, load_sd_of_mean=fs.load_sd_of_mean,
                                process_heat_sd_of_mean=fs.process_heat_sd_of_mean,
                                process_cooling_sd_of_mean=fs.process_cooling_sd_of_mean, phi=fs.phi,
                                perfect=fs.perfect)
    bias = {"pv_per_kwp": masks.bias_pv, "load_kw": masks.bias_load, "heat_kw": masks.bias_load,
            "cool_kw": masks.bias_load, **{process_heat_series(x["name"]): masks.bias_load for x in park.process_heat},
            **{process_cooling_series(x["name"]): masks.bias_load for x in park.process_cooling}}
    H = min(spec.horizon_h, park.T)
    forecaster = Forecaster(truth, H, settings, seed=spec.seed, bias=bias)
    # the rule-based controller looks ahead its own hours, not the rolling horizon's window: a forecaster of
    # its own where the two differ (same seed and errors: the default 48 h window shares one)
    H_rule = min(RuleController.LOOKAHEAD_H, park.T)
    rule_fc = forecaster if H_rule == H or "rule" not in controllers else \
        Forecaster(truth, H_rule, settings, seed=spec.seed, bias=bias)
    plan_peaks = {}
    imp = disp["p_grid_import_kw"].to_numpy()
    for m in sorted(set(park.month.tolist())):
        plan_peaks[int(m)] = float(imp[park.month == m].max())
    voll = spec.value_of_lost_load_cny_per_kwh
    optimum = operation_metrics(disp, park, result, problem, value_of_lost_load=voll)
    summary = {
        "controllers": list(controllers),
        "settings": {"horizon_h": H, "step_h": spec.step_h, "rule_lookahead_h": H_rule, "seed": spec.seed,
                     "forecast": fs.model_dump(), "emission_price_cny_per_t": lam,
                     "value_of_lost_load_cny_per_kwh": voll,
                     "value_of_lost_load_source": voll_source(spec),
                     "real_time_peak_hold": spec.real_time_peak_hold,
                     "rule_ev_charging": spec.rule_ev_charging,
                     "mpc_ev_window": spec.mpc_ev_window,
                     "mpc_peak_margin_sd": spec.mpc_peak_margin_sd,
                     "rule_reserve_margin_sd": spec.rule_reserve_margin_sd,
                     # {fleet: {unplug_when_full_share, unplug_grace_h}}: who frees a charger once charged
                     "ev_unplug_when_full": {f.name: {"share": f.unplug_when_full_share,
                                                      "grace_h": f.unplug_grace_h}
                                             for f in scenario.ev_fleets},
                     # {store: kWh} of each battery, thermal store and cold store
                     "initial_battery_kwh": park.initial.get("battery_kwh", {}),
                     "initial_tes_kwh": park.initial.get("tes_kwh", {}),
                     "initial_cold_kwh": park.initial.get("cold_kwh", {})},
        "faults": list(masks.notes),
        "optimum": optimum,
        "notes": [
            ("optimum = the plan's perfect-foresight dispatch (whole horizon known); controllers see "
            "the past and forecasts with seeded AR(1) errors only"),
            ("costs keep the plan's capital, O&M, green power and certificates; offsets needed bring the "
            "operated residual emissions to the plan's net emissions"),
            ("stores start where the plan's cyclic year ends; the last window of the year values nothing "
            "left in them"),
            voll_note(voll, spec.value_of_lost_load_source),
        ] + ([peak_hold_note(spec.real_time_peak_hold)] if park.demand_charge > 0 else [])
        + ([EV_PLANNING_NOTE if spec.rule_ev_charging == "sessions" else EV_DEADLINE_NOTE]
           if any(f.mode != "uncontrolled" for f in park.fleets) else [])
        + ([MPC_EV_WINDOW_NOTE if spec.mpc_ev_window == "sessions" else MPC_EV_AGGREGATE_NOTE]
           if park.fleets and "mpc" in controllers else [])
        + ([MPC_BATTERY_LATE_NOTE] if park.batteries and "mpc" in controllers else [])
        + ([mpc_margin_note(spec.mpc_peak_margin_sd)]
           if park.demand_charge > 0 and "mpc" in controllers else [])
        + ([rule_reserve_note(spec.rule_reserve_margin_sd)]
           if park.demand_charge > 0 and park.batteries and "rule" in controllers else [])
        + [connection_note(park.connection_kva, park.reactive_per_kw)]
        + ([transformer_note(park.transformers)] if park.transformers else []),
        "warnings": [],
    }
    summary["notes"] += [queue_note(f, sessions[f.name], park.T) for f in scenario.ev_fleets
                         if f.name in sessions and f.mode != "uncontrolled"]
    summary["notes"] += list(masks.moved)
    if park.batteries or any(f.mode == "v2g" for f in park.fleets):
        summary["notes"].append(STORED_NOT_EXPORTED_NOTE)
    scaled = fault_scaling_warning(masks.mapped, park.T)
    if scaled:
        summary["warnings"].append(scaled)
    if park.process_heat:
        summary["notes"].append(process_heat_forecast_note(0.0 if fs.perfect else fs.process_heat_sd_of_mean))
    if park.process_cooling:
        summary["notes"].append(process_cooling_forecast_note(0.0 if fs.perfect else fs.process_cooling_sd_of_mean))
    datasets, dispatch = [], {}
    for name in controllers:
        t_c = time.perf_counter()
        if name == "rule":
            ctrl = RuleController(rule_fc, peak_targets=plan_peaks if park.demand_charge > 0 else None,
                                  peak_hold=spec.real_time_peak_hold,
                                  ev_planning=spec.rule_ev_charging == "sessions",
                                  reserve_margin_sd=spec.rule_reserve_margin_sd)
        elif name == "mpc":
            ab = as_built(problem, result.sizes, initial_state=dict(park.initial),
                          emission_price_cny_per_t=lam)
            ctrl = MPCController(ab, forecaster, horizon=H, step=spec.step_h,
                                 value_of_lost_load=spec.value_of_lost_load_cny_per_kwh,
                                 peak_targets=plan_peaks if park.demand_charge > 0 else None,
                                 peak_hold=spec.real_time_peak_hold, ev_window=spec.mpc_ev_window,
                                 peak_margin_sd=spec.mpc_peak_margin_sd)
        else:
            raise ValueError(f"unknown controller {name!r}; expected 'rule' or 'mpc'")

        def cb(done, total, name=name, t_c=t_c):
            if progress is not None:
                progress(name, done, total, time.perf_counter() - t_c)

        ds, stats = operate(park, ctrl, progress=cb)
        met = operation_metrics(ds, park, result, problem, value_of_lost_load=voll)
        met["run"] = stats
        met["run"]["total_s"] = time.perf_counter() - t_c
        summary[name] = met
        g = summary.setdefault("gap", {})[name] = gap(met, optimum)
        if not g["like_for_like"]:
            summary["warnings"].append(not_like_for_like(name, g))
        if met.get("transformers"):
            summary["warnings"] += transformer_violations(name, met["transformers"])
        if (met.get("connection") or {}).get("overload_hours", 0.0) > 0:
            summary["warnings"].append(connection_violation(name, met["connection"], park.connection_kva))
        dispatch[name] = ds
        datasets.append(ds)
    dataset = xr.Dataset()
    if datasets:
        import pandas as pd

        cat = xr.concat(datasets, dim=pd.Index(list(controllers), name="controller"),
                        data_vars="all", coords="minimal", compat="override", join="outer")
        cat = cat.drop_vars(["price_import_cny_per_kwh", "ef_grid_kgco2_per_kwh"], errors="ignore")
        ren = {}
        for v in cat.data_vars:
            ren[v] = f"op_{v}"
            cat[v].attrs["long_name"] = "operated: " + cat[v].attrs.get("long_name", v)
        dataset = cat.rename(ren)
        dataset["controller"].attrs = {"long_name": "controller that operated the park"}
    summary["headline"] = headline(summary)
    return OperationResult(summary=summary, dataset=dataset, dispatch=dispatch, park=park)


EV_PLANNING_NOTE = (
    "EV charging in operation: the rule-based controller plans each connected vehicle's remaining need on its "
    "session (cheapest hours below the month's peak threshold first, least laxity first, promises kept; "
    "operation.rule_ev_charging); the rolling horizon's window charges early among hours of one price and takes "
    "the charging that short sessions force as a lower bound")
EV_DEADLINE_NOTE = (
    "EV charging in operation: the rule-based controller charges what the promises need by departure, and "
    "everything in valley hours or with PV surplus (operation.rule_ev_charging: deadline); the rolling "
    "horizon's window charges early among hours of one price and takes the charging that short sessions force "
    "as a lower bound")

MPC_EV_WINDOW_NOTE = (
    "EV fleets in the rolling horizon's window: each fleet's envelope is rebuilt every hour from its vehicles' "
    "sessions (the energy each connected vehicle still needs by its departure, the vehicles the charger queue "
    "plugs in later), so energy one vehicle received ahead does not count for another's need "
    "(operation.mpc_ev_window)")
STORED_NOT_EXPORTED_NOTE = (
    "surplus in an hour: the plant cuts the batteries' discharge, then V2G, before it exports (stored energy is not "
    "sold at the export price; within a site transformer's room), then charges the batteries where a kWh kept is "
    "worth more than one sold (the cheapest import price of the next 24 h times the round trip, less wear; else "
    "only what would be curtailed), then exports within the export limit, then curtails PV")


def connection_note(kva: float, tan_phi: float) -> str:
    """What the plant's connection guard holds (summary notes, report)."""
    import math

    head = ("connection guard: the plant holds the import (export) within the import (export) limit in real time, "
            "cutting battery charging, then EV charging beyond the vehicles' promises, then thermal-store charging "
            "from electric heat, then discharging the batteries (an export: cutting battery discharge, charging the batteries, then "
            "curtailing PV)")
    if not math.isfinite(kva):
        return head + "; what no flexibility can take off is shed (import limit) or curtailed (export limit)"
    pf = 1.0 / math.sqrt(1.0 + tan_phi ** 2)
    return (head + f", and within the park transformer at the point of connection: {kva:,.0f} kVA (rating x loading "
            f"limit, less grid.network.feedback.margin) beside the loads' reactive draw at cos φ {pf:.2f}; an import "
            "still above it is reported as an overload of the connection (the park-grid check of the operated year "
            "shows its loading)")


def transformer_note(transformers: list[dict]) -> str:
    """What the plant's site guard holds and the controllers plan within (summary notes, report)."""
    return (f"site transformers ({len(transformers)} behind the point of connection): the controllers plan within "
            "them and the plant holds each in real time on its own flows (its batteries' charging cut, the thermal "
            "stores charged less from its heat pumps, its batteries discharged; feeding back: their discharge cut, "
            "the batteries charged, its PV curtailed; EV charging beyond the promises gets only the room left), within "
            "rating x loading limit less grid.network.feedback.margin beside the loads' reactive draw, less what the "
            "AC flow of the plan adds to its loading (losses, voltage drop); a flow still above it is counted as a "
            "violation (hours, kW)")


def transformer_violations(name: str, tr: dict) -> list[str]:
    """The warnings (summary, console, report) for an operated year that carried more than a
    transformer behind the point of connection can: one per transformer."""
    return [f"the {CONTROLLER_WORDS.get(name, name)} controller's operated year carried more than site transformer "
            f"'{n}' can ({v['capacity_kva']:,.0f} kVA) in {v['violation_hours']:,.0f} h/yr, up to "
            f"{v['max_overload_kw']:,.1f} kW above it ({v['overload_mwh']:,.2f} MWh/yr): the load behind it, beyond "
            "what the site guard could cut or cover"
            for n, v in tr["by_transformer"].items() if v["violation_hours"] > 0]


def connection_violation(name: str, con: dict, kva: float) -> str:
    """The warning (summary, console, report) for an operated year that imported more than the park
    transformer at the point of connection carries (``con``: :func:`twin.operate.metrics.connection_guard`;
    ``kva``: the capacity the plant's connection guard holds, :attr:`OperatedPark.connection_kva`), as
    :func:`transformer_violations` says it for a site transformer."""
    import math

    what = (f"the park transformer at the point of connection can ({kva:,.0f} kVA)" if math.isfinite(kva)
            else "the point of connection can")
    return (f"the {CONTROLLER_WORDS.get(name, name)} controller's operated year imported more than {what} in "
            f"{con['overload_hours']:,.0f} h/yr, up to {con['max_overload_kw']:,.1f} kW above it "
            f"({con['overload_mwh']:,.2f} MWh/yr): the park's load, beyond what the connection guard could cut or cover")


def mpc_margin_note(sd: float) -> str:
    """What the rolling horizon keeps below the month's peak for forecast errors."""
    if sd <= 0:
        return ("rolling horizon: no margin for forecast errors below the month's peak "
                "(operation.mpc_peak_margin_sd 0)")
    return (f"rolling horizon: the window plans its import, less the batteries' charging, {sd:g} standard "
            f"deviation(s) of the net-load forecast error below the month's peak (operation.mpc_peak_margin_sd)")


def rule_reserve_note(sd: float) -> str:
    """What the rule-based controller's batteries keep from arbitrage for forecast errors."""
    if sd <= 0:
        return ("rule-based controller: the batteries keep from arbitrage the forecast import above the month's "
                "peak in the day's later hours, no margin for forecast errors (operation.rule_reserve_margin_sd 0)")
    return (f"rule-based controller: the batteries keep from arbitrage the forecast import above the month's peak "
            f"in the day's later hours plus {sd:g} standard deviation(s) of the net-load forecast error "
            f"(operation.rule_reserve_margin_sd)")


MPC_BATTERY_LATE_NOTE = (
    "rolling horizon: among hours of one price the window discharges the batteries as late as it can (1e-4 "
    "CNY/kWh more per hour before the window's end), so that energy is left for the last hours of a peak-price "
    "block when the load comes in above its forecast")
MPC_EV_AGGREGATE_NOTE = (
    "EV fleets: the rolling horizon plans on the fleet's aggregate envelope (an outer approximation; "
    "operation.mpc_ev_window: aggregate); the plant charges each vehicle by its session and keeps promises first, "
    "which can raise imports and peaks where the aggregate plan cannot be split among the vehicles")


def queue_note(fleet, sessions, T: int = 8760) -> str:
    """The sentence (summary notes, report) on fleet ``fleet``'s charger queue: sessions of the
    year that waited for a charger, found none, and who frees a charger once charged."""
    s = sessions[(sessions["arrival_h"] >= 0) & (sessions["arrival_h"] < T)]
    served = s["served"].to_numpy(bool)
    wait = (s["connect_h"] - s["arrival_h"]).to_numpy()
    waited = served & (wait > 1e-9)
    mean = float(wait[waited].mean()) if waited.any() else 0.0
    head = (f"EV fleet '{fleet.name}': {int(waited.sum()):,} of {len(s):,} sessions waited for a charger "
            f"(mean {mean:.1f} h) and {int((~served).sum()):,} found none before leaving")
    if fleet.unplug_when_full_share > 0:
        return (head + f"; {fleet.unplug_when_full_share * 100:.0f} % of the vehicles free their charger "
                f"{fleet.unplug_grace_h:g} h after a full-power charge of their need would have ended "
                "(ev_fleets[].unplug_when_full_share, unplug_grace_h)")
    return head + "; every vehicle keeps its charger until it leaves (ev_fleets[].unplug_when_full_share: 0)"


def process_heat_forecast_note(sd: float) -> str:
    """The note on the process heat's forecast errors in the operated years (``sd``: error per mean
    demand, ``operation.forecast.process_heat_sd_of_mean`` [-])."""
    return (f"process heat: the controllers see each demand's forecast with an AR(1) error of {100 * sd:.1f} % of its "
            "mean a day ahead (ASSUMED, as the loads: operation.forecast.process_heat_sd_of_mean); the plant serves the "
            "actual demand on each heat bus from its own sources, boilers as backup, and counts what none can give as "
            "unserved heat")


def process_cooling_forecast_note(sd: float) -> str:
    """The note on the process cooling's forecast errors in the operated years (``sd``: error per mean
    demand, ``operation.forecast.process_cooling_sd_of_mean`` [-])."""
    return (f"process cooling: the controllers see each demand's forecast with an AR(1) error of {100 * sd:.1f} % of "
            "its mean a day ahead (ASSUMED, as the loads: operation.forecast.process_cooling_sd_of_mean); the plant "
            "serves the actual demand on each cooling bus from its own chillers and counts what they cannot give as "
            "unserved cooling")


def voll_source(spec) -> str:
    """The value of lost load's source as the outputs state it: the scenario's citation, or ASSUMED."""
    return spec.value_of_lost_load_source or "ASSUMED"


def voll_note(voll: float, source: str | None) -> str:
    """The sentence (summary notes, report) that states the value of lost load the gap uses."""
    why = ("the scenario's value; its source: operation.value_of_lost_load_source" if source
           else "ASSUMED: no official Chinese value of lost load for parks; operation.value_of_lost_load_cny_per_kwh")
    return (f"energy an operated year does not serve (electricity, heat, cooling, EV charging short at departure) "
            f"costs the value of lost load, {voll:g} CNY/kWh ({why})")


def peak_hold_note(on: bool) -> str:
    """The sentence (summary notes, report) that states what the real-time layer does about the
    month's peak (``operation.real_time_peak_hold``)."""
    if on:
        return ("real-time layer: where an hour's actual import would exceed the month's peak threshold once "
                "flexible charging is held, the batteries discharge beyond the controller's set-point to hold it, "
                "within their power (rule-based: down to the minimum state of charge; rolling horizon: above the "
                "reserve its window plans for later peak shaving); operation.real_time_peak_hold")
    return ("no real-time discharge for the month's peak (operation.real_time_peak_hold: false): only charging is "
            "held to the threshold")


#: Controller names in the sentences of the outputs.
CONTROLLER_WORDS = {"rule": "rule-based", "mpc": "rolling-horizon (MPC)"}


def fault_scaling_warning(n_faults: int, hours: int) -> str | None:
    """The warning for faults on a horizon shorter than a year: the operated figures are annualised
    by 8760/T like every other, so a fault in the horizon stands for 8760/T of them a year (a 4 h
    outage in a week: 52 outages, its 748 kWh unserved read 39 MWh/yr). None on a full year."""
    if n_faults == 0 or hours >= 8760 or hours <= 0:
        return None
    return (f"{n_faults} fault(s) in a horizon of {hours:,} h: the operated figures are scaled to a year by "
            f"8760/{hours:,}, so each fault counts {8760 / hours:,.1f} times a year; run the full year "
            "(no --hours) to count each fault once")


def not_like_for_like(name: str, g: dict) -> str:
    """The warning (summary, console, report) for a controller that served less than the plan."""
    u = g["unserved_mwh"]
    return (f"the {CONTROLLER_WORDS.get(name, name)} controller served less than the plan (unserved electricity "
            f"{u['electricity']:,.1f} MWh/yr, heat {u['heat']:,.1f} MWh/yr, cooling {u['cooling']:,.1f} MWh/yr; "
            f"EV charging {u['ev_charging']:,.1f} MWh/yr short, {g['ev_promises_broken']:,} of "
            f"{g['ev_promises']:,} promises broken): its gap is not like for like; the cost prices the unserved "
            f"energy at the value of lost load, the emissions count only what was served")


def headline(op: dict) -> dict:
    """The first-page card: cost gap per controller, and what else moved."""
    ctrls = [c for c in op.get("controllers", []) if c in op.get("gap", {})]
    if not ctrls:
        return {}
    names = {"rule": ("规则控制", "rule"), "mpc": ("滚动优化", "MPC")}
    g = op["gap"]

    def shed(c: str, lang: str) -> str:  # what the controller could not serve (e.g. within grid limits)
        gc = g[c]
        if gc.get("like_for_like", True):
            return ""
        u = gc["unserved_mwh"]
        v = op.get("settings", {}).get("value_of_lost_load_cny_per_kwh")
        src = op.get("settings", {}).get("value_of_lost_load_source", "ASSUMED")
        if lang == "zh":
            return (f"，未供电量 {u['electricity']:,.1f} MWh/年，未供热量 {u['heat']:,.1f} MWh/年，"
                    f"未供冷量 {u['cooling']:,.1f} MWh/年，{gc['ev_promises']:,} 次充电承诺中 {gc['ev_promises_broken']:,} "
                    f"次未兑现；未供能量按失负荷价值 {v:g} 元/kWh（{'假设值' if src == 'ASSUMED' else '出处见说明'}）"
                    f"计入成本 {gc['unserved_energy_cny']:+,.0f} 元/年：非同口径比较")
        return (f", unserved electricity {u['electricity']:,.1f} MWh/yr, heat {u['heat']:,.1f} MWh/yr, cooling "
                f"{u['cooling']:,.1f} MWh/yr, {gc['ev_promises_broken']:,} of {gc['ev_promises']:,} charging promises "
                f"broken; unserved energy at the value of lost load {v:g} CNY/kWh ({'ASSUMED' if src == 'ASSUMED' else 'source in the notes'}) "
                f"adds {gc['unserved_energy_cny']:+,.0f} CNY/yr: not like for like")

    def mark(c: str, lang: str) -> str:
        return "" if g[c].get("like_for_like", True) else ("（非同口径）" if lang == "zh" else " (not like for like)")

    value = " · ".join(f"{names.get(c, (c, c))[1]} {g[c]['annualised_cost_pct']:+.1f} %{mark(c, 'en')}" for c in ctrls)
    en = "; ".join(f"{names.get(c, (c, c))[1]}: {g[c]['annualised_cost_cny']:+,.0f} CNY/yr, "
                   f"{g[c]['gross_emissions_tco2']:+,.0f} tCO2/yr, peak {g[c]['max_monthly_peak_kw']:+,.0f} kW, "
                   f"EV not delivered {g[c]['ev_energy_not_delivered_mwh']:,.1f} MWh/yr" + shed(c, "en")
                   for c in ctrls)
    zh = "；".join(f"{names.get(c, (c, c))[0]}：{g[c]['annualised_cost_cny']:+,.0f} 元/年，"
                  f"排放 {g[c]['gross_emissions_tco2']:+,.0f} tCO2/年，最大需量 {g[c]['max_monthly_peak_kw']:+,.0f} kW，"
                  f"EV 未交付 {g[c]['ev_energy_not_delivered_mwh']:,.1f} MWh/年" + shed(c, "zh")
                  for c in ctrls)
    value_zh = " · ".join(f"{names.get(c, (c, c))[0]} {g[c]['annualised_cost_pct']:+.1f} %{mark(c, 'zh')}"
                          for c in ctrls)
    return {"value": value, "value_en": value, "value_zh": value_zh,
            "note_en": "against the perfect-foresight optimum: " + en,
            "note_zh": "相对完美预见最优：" + zh}
