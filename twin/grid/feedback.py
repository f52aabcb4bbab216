r"""The grid stage of a run: AC check of the plan, and violations back into the sizing.

:func:`grid_stage` builds the park network once (from the first plan), runs the hourly
AC power flow of the plan's dispatch, checks limits and, in the ``limits`` feedback mode,
turns every violation into an hourly limit on the park's exchange at the point of
connection and re-solves, until the plan is feasible on the grid, no lever is left, or
``max_iterations`` re-solves are spent. The reinforcement that would carry the first
(unconstrained) plan instead is always costed.

Linearisation (around the solved hour, all of the park's injections scaled together):
a branch's flow and a bus's voltage deviation from the point of connection scale with the
park's exchange :math:`P^{pcc}_t`, so an element at :math:`x_t` against limit :math:`\bar x`
needs the exchange cut to :math:`P^{pcc}_t\,(1-(1-\bar x/x_t)(1+m))` with margin
:math:`m`; an import (export) limit when the park imports (exports) in that hour. In the
hours where a violated element runs below its limit the exchange may grow by its linearised
headroom less the margin, so that load is not moved into them; an hour without a converged
flow keeps at most the largest exchange the network carried within every limit. The
point of connection itself is cut by the measured AC excess (the losses the lossless
optimiser does not see). An element whose violation does not shrink between iterations
(the sum of the worst overshoots, each hour without a converged flow counting one) is not
controllable from the point of connection (e.g. a roof's own PV behind its transformer):
the loop stops, the first plan is published and the upgrade is reported. The upgrade is
sized on the first plan's flow and, where the reinforced network still breaks a limit
(hours that had no solution on the weak one show their loading), reinforced again.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from twin.grid.spec import GridInputError
from twin.grid.violations import Check, check


@dataclass
class GridResult:
    """What the grid stage produced."""

    verdict: str
    """'pass', 'pass_with_limits', 'upgrade_needed' or 'pass_with_upgrade'."""
    network: object
    """:class:`twin.grid.build.ParkNetwork` the check ran on (before any upgrade)."""
    flow: object
    """:class:`twin.grid.timeseries.FlowResult` of the published plan."""
    check: Check
    """Violations of the published plan."""
    first_check: Check
    """Violations of the plan before any feedback."""
    result: object
    """The published :class:`solvers.SizingResult` (re-solved when limits were added)."""
    iterations: int = 0
    """Re-solves the feedback loop took [-]."""
    history: list[dict] = field(default_factory=list)
    """Per AC check: violations, violating hours, objective."""
    import_limit_kw: np.ndarray | None = None
    """Hourly import limits handed to the optimiser (None: unchanged) [kW]."""
    export_limit_kw: np.ndarray | None = None
    """Hourly export limits handed to the optimiser (None: unchanged) [kW]."""
    upgrade: dict = field(default_factory=dict)
    """Reinforcement carrying the first plan: items, capex [CNY], annuity [CNY/yr]."""
    crosscheck: dict = field(default_factory=dict)
    """Largest differences batch vs pandapower runpp on sampled hours."""
    notes: list[str] = field(default_factory=list)
    """What happened, in words."""
    notes_zh: list[str] = field(default_factory=list)
    """The same in Chinese."""
    v_band: tuple[float, float] = (0.93, 1.07)
    """Allowed voltage band [pu]."""
    problem: object = None
    """The problem the published plan solves (with the hourly limits when the loop added them)."""
    price_cny_per_kwh: np.ndarray | None = None
    """Each hour's import price (the profiles' ``price_import_cny_per_kwh``): values the losses [CNY/kWh]."""
    ef_kgco2_per_kwh: np.ndarray | None = None
    """Each hour's grid emission factor (``ef_grid_kgco2_per_kwh``): the losses' CO2 [kgCO2/kWh]."""
    year_weight_h: float = 1.0
    """Hours of the year each hourly step stands for (8760/T, :func:`twin.statistics.year_weight_h`):
    annual energies such as ``losses_mwh`` are the hourly sums times this [h]."""

    def summary(self, time_labels=None) -> dict:
        """The ``grid`` section of summary.json (docs/outputs.md)."""
        from twin.grid.build import net_summary

        fr = self.flow
        net = self.network.net
        first_obj = self.history[0]["objective_cny"] if self.history else None
        w = self.year_weight_h
        out = {
            "verdict": self.verdict,
            "iterations": int(self.iterations),
            "network": net_summary(self.network),
            "hours_modelled": int(fr.losses_mw.size),
            "violations": [per_year(v.to_dict(time_labels), w) for v in self.check.violations],
            "violating_hours": int(self.check.violating_hours.size),
            "violating_hours_per_yr": float(self.check.violating_hours.size * w),
            "first_plan_violations": [per_year(v.to_dict(time_labels), w) for v in self.first_check.violations],
            "nonconverged_hours": int(self.check.nonconverged_hours.size),
            "max_trafo_loading_percent": _max(fr.trafo_loading_percent, net.trafo.name),
            "max_line_loading_percent": _max(fr.line_loading_percent, net.line.name),
            "vm_min_pu": float(np.nanmin(fr.vm_pu)) if fr.vm_pu.size else None,
            "vm_max_pu": float(np.nanmax(fr.vm_pu)) if fr.vm_pu.size else None,
            "losses_mwh": annual_losses_mwh(fr, self.year_weight_h),
            "losses_share_of_import": _share(fr),
            "losses": losses_valued(fr, self.price_cny_per_kwh, self.ef_kgco2_per_kwh, w),
            "peak_pcc_import_kw": float(np.nanmax(fr.p_pcc_mw) * 1000.0),
            "batch_solve_time_s": float(fr.solve_time_s),
            "history": self.history,
            "objective_increase_cny_per_yr": (float(self.result.objective_cny - first_obj)
                                              if first_obj is not None else 0.0),
            "upgrade": self.upgrade,
            "crosscheck": self.crosscheck,
            "notes": list(self.notes),
            "notes_zh": list(self.notes_zh),
            "v_min_pu": float(self.v_band[0]), "v_max_pu": float(self.v_band[1]),
            "pcc_bus": _unique(net.bus.name)[self.network.pcc_bus],
            "worst_hour": _worst_hour(fr),
            "topology": _topology(net),
        }
        if self.import_limit_kw is not None:
            lim = self.import_limit_kw
            out["hourly_import_limit"] = {"hours_tightened": int(np.count_nonzero(lim < self.history[0]["import_limit_kw"] - 1e-9)),
                                          "lowest_kw": float(np.min(lim))}
        if self.export_limit_kw is not None:
            out["hourly_export_limit"] = {"lowest_kw": float(np.min(self.export_limit_kw))}
        return out

    def dataset(self, time) -> xr.Dataset:
        """Grid variables (element × time) for results.nc."""
        fr, net = self.flow, self.network.net
        ds = xr.Dataset(coords={"time": time, "grid_bus": _unique(net.bus.name),
                                "grid_line": _unique(net.line.name), "grid_trafo": _unique(net.trafo.name)})
        ds["grid_bus_vn_kv"] = ("grid_bus", net.bus.vn_kv.to_numpy(float), {"units": "kV", "long_name": "Nominal voltage"})
        ds["grid_vm_pu"] = (("grid_bus", "time"), fr.vm_pu.T,
                            {"units": "1", "long_name": "Bus voltage magnitude (AC power flow of the plan) [pu]"})
        ds["grid_line_loading_percent"] = (("grid_line", "time"), fr.line_loading_percent.T,
                                           {"units": "%", "long_name": "Line loading (largest end current / rated)"})
        ds["grid_trafo_loading_percent"] = (("grid_trafo", "time"), fr.trafo_loading_percent.T,
                                            {"units": "%", "long_name": "Transformer loading (current-based, pandapower)"})
        ds["grid_trafo_sn_kva"] = ("grid_trafo", (net.trafo.sn_mva * net.trafo.parallel * 1000.0).to_numpy(float),
                                   {"units": "kVA", "long_name": "Transformer rating (all parallel units)"})
        ds["grid_losses_kw"] = ("time", fr.losses_mw * 1000.0, {"units": "kW", "long_name": "Network losses (lines and transformers)"})
        ds["grid_p_pcc_kw"] = ("time", fr.p_pcc_mw * 1000.0,
                               {"units": "kW", "long_name": "AC power drawn at the point of connection (negative: export)"})
        ds["grid_converged"] = ("time", fr.converged.astype("int8"),
                                {"units": "1", "long_name": "AC power flow converged in this hour", "flag_values": "0 1"})
        viol = np.zeros(len(time), dtype="int8")
        viol[self.check.violating_hours] = 1
        ds["grid_violation"] = ("time", viol, {"units": "1", "long_name": "Some grid limit broken in this hour"})
        if self.import_limit_kw is not None:
            ds["grid_import_limit_kw"] = ("time", self.import_limit_kw,
                                          {"units": "kW", "long_name": "Hourly import limit handed to the optimiser"})
        if self.export_limit_kw is not None:
            ds["grid_export_limit_kw"] = ("time", self.export_limit_kw,
                                          {"units": "kW", "long_name": "Hourly export limit handed to the optimiser"})
        return ds


def _worst_hour(fr) -> int:
    """Hour of the highest branch loading (lowest voltage if there are no branches)."""
    ld = np.concatenate([fr.trafo_loading_percent, fr.line_loading_percent], axis=1)
    if ld.size and np.isfinite(ld).any():
        return int(np.nanargmax(np.nanmax(np.where(np.isfinite(ld), ld, -1.0), axis=1)))
    return int(np.nanargmin(np.nanmin(fr.vm_pu, axis=1))) if fr.vm_pu.size else 0


def _topology(net) -> list[dict]:
    """Branches as (name, kind, from bus, to bus) with the unique names used in results.nc."""
    bn = _unique(net.bus.name)
    out = [{"name": n, "kind": "line", "from": bn[int(f)], "to": bn[int(t)]}
           for n, f, t in zip(_unique(net.line.name), net.line.from_bus, net.line.to_bus)]
    out += [{"name": n, "kind": "trafo", "from": bn[int(f)], "to": bn[int(t)]}
            for n, f, t in zip(_unique(net.trafo.name), net.trafo.hv_bus, net.trafo.lv_bus)]
    return out


def _unique(names) -> list[str]:
    out, seen = [], {}
    for n in map(str, names):
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n} ({k + 1})")
    return out


def _max(a: np.ndarray, names) -> dict:
    if a.size == 0:
        return {}
    return {str(n): float(np.nanmax(a[:, j])) for j, n in enumerate(names)}


def annual_losses_mwh(fr, year_weight_h: float) -> float:
    """Network losses of a flow scaled to a year [MWh/yr]: the hourly losses summed, times the
    hours of the year each step stands for (8760/T for a horizon of T hours)."""
    return float(np.nansum(fr.losses_mw)) * float(year_weight_h)


def per_year(d: dict, year_weight_h: float) -> dict:
    """A violation's dict with ``hours_per_yr``: its hours in the modelled horizon scaled to a year."""
    d["hours_per_yr"] = float(d["hours"] * year_weight_h)
    return d


LOSSES_NOTE = ("not in the plan's energy, cost and emissions (the sizing's balance has no network losses): "
               "the park's import, its cost and its CO2 are this much higher on the network")
LOSSES_NOTE_ZH = "未计入规划方案的电量、成本和排放（容量优化的电力平衡不含网损）：园区实际购电及其成本、排放比方案数字高出此数"


def losses_valued(fr, price, ef, year_weight_h: float) -> dict:
    """The network losses of a flow in a year and what they are worth: their cost at each hour's
    import price and their CO2 at each hour's grid factor (NaN hours left out). They are in none of the
    plan's figures (the optimiser's balance is lossless), and say so."""
    loss_kw = np.nan_to_num(np.asarray(fr.losses_mw, float)) * 1000.0
    out = {"mwh_per_yr": float(loss_kw.sum() * year_weight_h / 1000.0),
           "cost_cny_per_yr": None, "tco2_per_yr": None, "in_plan_figures": False,
           "note": LOSSES_NOTE, "note_zh": LOSSES_NOTE_ZH}
    if price is not None:
        out["cost_cny_per_yr"] = float((loss_kw * np.asarray(price, float)[:loss_kw.size]).sum() * year_weight_h)
    if ef is not None:
        out["tco2_per_yr"] = float((loss_kw * np.asarray(ef, float)[:loss_kw.size]).sum() * year_weight_h / 1000.0)
    return out


def _share(fr) -> float | None:
    imp = np.nansum(np.clip(fr.p_pcc_mw, 0, None))
    return float(np.nansum(fr.losses_mw) / imp) if imp > 0 else None


def merged(prof: xr.Dataset, dispatch: xr.Dataset) -> xr.Dataset:
    """Profiles and dispatch on one time axis (dispatch wins on shared names)."""
    d = dispatch.assign_coords(time=prof["time"].values) if "time" in dispatch.dims else dispatch
    return xr.merge([prof.drop_vars([v for v in prof.data_vars if v in d], errors="ignore"), d],
                    compat="override", join="left", combine_attrs="drop_conflicts")


def flow_of(sc, pn, prof, res):
    """AC power flow of a result's dispatch: (FlowResult, (load_p, load_q, sgen_p), balance mismatch [kW])."""
    from twin.grid.timeseries import asset_series, injections, run_batch

    ds = merged(prof, res.dispatch)
    loads, pv = asset_series(sc, ds)
    p, q, s = injections(pn, loads, pv, sc.grid.network.load_power_factor)
    fr = run_batch(pn.net, p, q, s)
    net_draw = (p.sum(axis=1) - s.sum(axis=1)) * 1000.0
    exch = ds["p_grid_import_kw"].to_numpy() - (ds["p_grid_export_kw"].to_numpy() if "p_grid_export_kw" in ds else 0.0)
    return fr, (p, q, s), float(np.max(np.abs(net_draw - exch), initial=0.0)), (loads, pv)


def tighten(fr, chk: Check, imp_opt, exp_opt, imp_lim, exp_lim, pcc_vm: float, margin: float,
            v_min: float, v_max: float, near: float = 0.9):
    """New hourly import/export limits at the point of connection [kW] (see module doc).

    Every violated element is linearised in every hour it carries the park's exchange: where
    it is within ``near`` of its limit or beyond, the exchange is cut (margin ``margin`` on
    the cut); in the other hours the exchange may grow by the element's linearised headroom
    less ``margin`` of it, so the optimiser cannot move the problem into another hour. An
    hour whose flow did not converge keeps at most the largest exchange, in its direction,
    of a converged hour without any violation (the network is known to carry that). The
    point of connection is cut by each hour's AC losses.

    Parameters
    ----------
    fr : FlowResult
    chk : Check
    imp_opt, exp_opt : numpy.ndarray
        The optimiser's import and export in each hour [kW].
    imp_lim, exp_lim : numpy.ndarray
        The limits the optimiser had [kW].

    Returns
    -------
    (new import limits, new export limits, number of hours tightened)
    """
    new_imp, new_exp = imp_lim.copy(), exp_lim.copy()
    p = np.nan_to_num(fr.p_pcc_mw * 1000.0)
    loss = np.nan_to_num(fr.losses_mw * 1000.0)
    for v in chk.violations:
        if v.kind == "pcc_import":
            h = np.where(p > 0)[0]
            new_imp[h] = np.minimum(new_imp[h], v.limit - loss[h] * (1 + margin))  # contract limit less AC losses
            continue
        if v.kind == "pcc_export":
            h = np.where(p < 0)[0]
            new_exp[h] = np.minimum(new_exp[h], v.limit - loss[h] * (1 + margin))
            continue
        if v.kind in ("line_loading", "trafo_loading"):
            # reactive flow held, active flow cut: |S| = hypot(P, Q) back to the limit
            line = v.kind == "line_loading"
            ld = np.nan_to_num((fr.line_loading_percent if line else fr.trafo_loading_percent)[:, v.index])
            pe = np.nan_to_num((fr.p_line_from_mw if line else fr.p_trafo_hv_mw)[:, v.index]) * 1000.0
            qe = np.nan_to_num((fr.q_line_from_mvar if line else fr.q_trafo_hv_mvar)[:, v.index]) * 1000.0
            h = np.where(ld > 0)[0]
            s_now = np.maximum(np.hypot(pe[h], qe[h]), 1e-9)
            s_lim = s_now * v.limit / ld[h]
            p_ok = np.sqrt(np.clip(s_lim ** 2 - qe[h] ** 2, 0.0, None))
            cut = np.abs(pe[h]) - p_ok  # [kW], negative: room to grow
            cut = np.where(ld[h] >= near * v.limit, cut * (1 + margin), cut * (1 - margin))
            same = np.sign(pe[h]) == np.sign(p[h])  # the element carries the park's exchange direction
            h, cut = h[same], cut[same]
            imp_h, exp_h = p[h] > 0, p[h] < 0
            new_imp[h[imp_h]] = np.minimum(new_imp[h[imp_h]], imp_opt[h[imp_h]] - cut[imp_h])
            new_exp[h[exp_h]] = np.minimum(new_exp[h[exp_h]], exp_opt[h[exp_h]] - cut[exp_h])
            continue
        if v.kind == "undervoltage":
            band = pcc_vm - v_min
            dev = pcc_vm - np.nan_to_num(fr.vm_pu[:, v.index], nan=pcc_vm)
        else:
            band = v_max - pcc_vm
            dev = np.nan_to_num(fr.vm_pu[:, v.index], nan=pcc_vm) - pcc_vm
        h = np.where(dev > 1e-9)[0]
        keep = band / dev[h]  # > 1: room to grow
        keep = np.clip(np.where(dev[h] >= near * band, 1.0 - (1.0 - keep) * (1 + margin),
                                1.0 + (keep - 1.0) * (1 - margin)), 0.0, None)
        imp_h, exp_h = p[h] > 0, p[h] < 0
        new_imp[h[imp_h]] = np.minimum(new_imp[h[imp_h]], imp_opt[h[imp_h]] * keep[imp_h])
        new_exp[h[exp_h]] = np.minimum(new_exp[h[exp_h]], exp_opt[h[exp_h]] * keep[exp_h])
    bad = ~np.asarray(fr.converged, bool)
    if bad.any():
        ok = ~bad
        ok[chk.violating_hours] = False
        importing = imp_opt >= exp_opt
        for direction, lim, opt in ((importing, new_imp, imp_opt), (~importing, new_exp, exp_opt)):
            carried = opt[ok & direction]  # exchanges the network carried within every limit
            lim[bad & direction] = np.minimum(lim[bad & direction], carried.max() if carried.size else 0.0)
    new_imp = np.clip(new_imp, 0.0, None)
    new_exp = np.clip(new_exp, 0.0, None)
    n = int(np.count_nonzero((new_imp < imp_lim - 1e-6) | (new_exp < exp_lim - 1e-6)))
    return new_imp, new_exp, n


def upgrade_for(pn, chk: Check, fr, spec, discount_rate: float) -> dict:
    """Reinforcement that carries the checked flow: bigger transformers, parallel cables.

    Transformers are replaced by the standard rating that carries the peak within the limit
    (the whole new unit is priced); overloaded lines get parallel circuits (priced per km).
    Voltage violations are listed, not priced (taps or reactive power, a design task).
    """
    from solvers.problem import capital_recovery_factor
    from twin.grid.build import upgrade_trafo_kva

    net, cost = pn.net, spec.upgrade_costs
    items, capex = [], 0.0
    for v in chk.violations:
        if v.kind == "trafo_loading":
            t = net.trafo.iloc[v.index]
            old = float(t.sn_mva * t.parallel * 1000.0)
            new = upgrade_trafo_kva(old, v.worst, v.limit, float(t.vn_hv_kv))
            c = new * cost.transformer_cny_per_kva
            items.append({"element": v.element, "kind": "transformer", "from_kva": old, "to_kva": new, "capex_cny": c})
            capex += c
        elif v.kind == "line_loading":
            ln = net.line.iloc[v.index]
            extra = max(1, math.ceil(ln.parallel * v.worst / v.limit) - int(ln.parallel))
            c = extra * float(ln.length_km) * cost.cable_cny_per_km
            items.append({"element": v.element, "kind": "cable", "extra_circuits": extra,
                          "length_km": float(ln.length_km), "capex_cny": c})
            capex += c
        elif v.kind in ("undervoltage", "overvoltage"):
            items.append({"element": v.element, "kind": v.kind, "worst_pu": v.worst, "capex_cny": None,
                          "note": "voltage: transformer taps, reactive power of PV inverters or a stronger feeder; not priced"})
        else:
            items.append({"element": v.element, "kind": v.kind, "worst_kw": v.worst, "limit_kw": v.limit,
                          "capex_cny": None, "note": "contracted limit at the point of connection: ask the utility for "
                          "more capacity (报装容量), not priced"})
    crf = capital_recovery_factor(discount_rate, cost.lifetime_years)
    return {"items": items, "capex_cny": capex, "annuity_cny_per_yr": capex * (crf + 0.0),
            "prices": {"transformer_cny_per_kva": cost.transformer_cny_per_kva, "cable_cny_per_km": cost.cable_cny_per_km,
                       "lifetime_years": cost.lifetime_years,
                       "note": "indicative prices (labelled assumptions, grid.network.upgrade_costs)"}}


UPGRADE_ROUNDS = 4
"""Rounds of :func:`upgrade_until_passes`: after a reinforcement the flow is solved again and
what still breaks a limit is reinforced further (hours that did not converge on the weak
network show their loading only once it is stronger) [-]."""


def merge_upgrades(first: dict, more: dict, crf: float) -> dict:
    """One upgrade of two rounds: a transformer takes the later round's rating (the whole unit
    priced once), a cable the circuits of both; voltage and connection items the later round's.
    ``crf``: capital recovery factor of the upgrade's lifetime [1/yr]."""
    items = {(it["element"], it["kind"]): dict(it) for it in first["items"]}
    for it in more["items"]:
        key = (it["element"], it["kind"])
        if key in items and it["kind"] == "transformer":
            items[key].update(to_kva=it["to_kva"], capex_cny=it["capex_cny"])
        elif key in items and it["kind"] == "cable":
            items[key]["extra_circuits"] += it["extra_circuits"]
            items[key]["capex_cny"] += it["capex_cny"]
        else:
            items[key] = dict(it)
    capex = sum(it["capex_cny"] or 0.0 for it in items.values())
    return {**first, "items": list(items.values()), "capex_cny": capex, "annuity_cny_per_yr": capex * crf}


def upgrade_until_passes(pn, upgrade: dict, flow, check_of, spec, discount_rate: float,
                         rounds: int = UPGRADE_ROUNDS) -> tuple[dict, Check]:
    """The upgrade, reinforced round by round until the flow on the reinforced network passes.

    Parameters
    ----------
    pn : ParkNetwork
        The network as planned.
    upgrade : dict
        :func:`upgrade_for` of the first check.
    flow : callable
        ``flow(network) -> FlowResult`` of the plan on a network.
    check_of : callable
        ``check_of(network, flow_result) -> Check``.

    Returns
    -------
    (upgrade with ``passes_after_upgrade``, ``remaining_after_upgrade`` and ``upgrade_rounds``,
    the check on the reinforced network)
    """
    from solvers.problem import capital_recovery_factor

    crf = capital_recovery_factor(discount_rate, spec.upgrade_costs.lifetime_years)
    for n in range(1, rounds + 1):
        pn_up = apply_upgrade(pn, upgrade)
        chk_up = check_of(pn_up, fr_up := flow(pn_up))
        priced = [v for v in chk_up.violations if v.kind in ("trafo_loading", "line_loading")]
        if chk_up.passed or not priced or n == rounds:
            break
        upgrade = merge_upgrades(upgrade, upgrade_for(pn_up, Check(priced), fr_up, spec, discount_rate), crf)
    upgrade["passes_after_upgrade"] = bool(chk_up.passed)
    upgrade["remaining_after_upgrade"] = [v.to_dict() for v in chk_up.violations]
    upgrade["nonconverged_hours_after_upgrade"] = int(chk_up.nonconverged_hours.size)
    upgrade["upgrade_rounds"] = n
    return upgrade, chk_up


def apply_upgrade(pn, upgrade: dict):
    """Copy of the network with the upgrade's transformers and cables in place."""
    from twin.grid.build import _trafo_params

    pn2 = copy.deepcopy(pn)
    net = pn2.net
    for it in upgrade["items"]:
        if it["kind"] == "transformer":
            k = int(net.trafo.index[net.trafo.name == it["element"]][0])
            net.trafo.at[k, "sn_mva"] = it["to_kva"] / 1000.0 / net.trafo.parallel.at[k]
            for key, val in _trafo_params(it["to_kva"], float(net.trafo.vn_hv_kv.at[k])).items():
                if key != "pfe_kw":
                    net.trafo.at[k, key] = val
        elif it["kind"] == "cable":
            k = int(net.line.index[net.line.name == it["element"]][0])
            net.line.at[k, "parallel"] = int(net.line.parallel.at[k]) + int(it["extra_circuits"])
    return pn2


def crosscheck(pn, fr, inj, n_hours: int) -> dict:
    """pandapower runpp (lightsim2grid=False) on the worst-loaded, peak-import and peak-export hours."""
    from twin.grid.timeseries import runpp_hours

    if n_hours <= 0:
        return {}
    p_pcc = np.nan_to_num(fr.p_pcc_mw, nan=0.0)
    cand = [int(np.argmax(p_pcc)), int(np.argmin(p_pcc))]
    ld = np.concatenate([fr.trafo_loading_percent, fr.line_loading_percent], axis=1)
    if ld.size:
        cand.append(int(np.nanargmax(np.nanmax(np.nan_to_num(ld, nan=-1.0), axis=1))))
    cand += list(np.linspace(0, len(p_pcc) - 1, max(n_hours, 1)).astype(int))
    hours = [h for h in dict.fromkeys(cand) if fr.converged[h]][:max(n_hours, 3)]
    ref = runpp_hours(pn.net, *inj, hours)
    d = {"hours": hours,
         "max_abs_diff_vm_pu": float(np.max(np.abs(fr.vm_pu[hours] - ref["vm_pu"]), initial=0.0)),
         "max_abs_diff_line_loading_percent": float(np.max(np.abs(fr.line_loading_percent[hours] - ref["line_loading_percent"]), initial=0.0)),
         "max_abs_diff_trafo_loading_percent": float(np.max(np.abs(fr.trafo_loading_percent[hours] - ref["trafo_loading_percent"]), initial=0.0)),
         "max_abs_diff_p_pcc_kw": float(np.max(np.abs(fr.p_pcc_mw[hours] - ref["p_pcc_mw"]), initial=0.0) * 1000.0),
         "reference": "pandapower runpp(lightsim2grid=False), Newton-Raphson, tolerance 1e-10 MVA"}
    d["agrees"] = bool(d["max_abs_diff_vm_pu"] < 1e-6)
    return d


def carried_by(pn) -> list[tuple[list[int], list[int], list[int]]]:
    """What each transformer carries: (transformer rows between the same two buses, ``net.load``
    columns and ``net.sgen`` columns on their low-voltage side), for the transformers of a radial
    part of the network (the buses reached from the LV bus without crossing them nor an open line
    switch do not reach their HV bus or the point of connection)."""
    net = pn.net
    open_lines = {int(sw["element"]) for _, sw in net.switch.iterrows()
                  if sw["et"] == "l" and not bool(sw["closed"])} if len(net.switch) else set()
    adj: dict[int, set] = {}
    for i, ln in net.line.iterrows():
        if int(i) not in open_lines and bool(ln.get("in_service", True)):
            adj.setdefault(int(ln["from_bus"]), set()).add((int(ln["to_bus"]), ("line", int(i))))
            adj.setdefault(int(ln["to_bus"]), set()).add((int(ln["from_bus"]), ("line", int(i))))
    groups: dict[tuple[int, int], list[int]] = {}
    for i, tr in net.trafo.iterrows():
        if not bool(tr.get("in_service", True)):
            continue
        hv, lv = int(tr["hv_bus"]), int(tr["lv_bus"])
        adj.setdefault(hv, set()).add((lv, ("trafo", int(i))))
        adj.setdefault(lv, set()).add((hv, ("trafo", int(i))))
        groups.setdefault((hv, lv), []).append(int(i))
    out = []
    for (hv, lv), idx in groups.items():
        skip = {("trafo", i) for i in idx}
        seen, todo = {lv}, [lv]
        while todo:
            b = todo.pop()
            for nb, key in adj.get(b, ()):
                if key not in skip and nb not in seen:
                    seen.add(nb)
                    todo.append(nb)
        if hv in seen or pn.pcc_bus in seen:
            continue
        out.append((idx, [j for j, b in enumerate(net.load.bus) if int(b) in seen],
                    [j for j, b in enumerate(net.sgen.bus) if int(b) in seen]))
    return out


def no_flow_message(pn, inj) -> str:
    """Why no hour of the AC flow converged, in words: the transformers rated below the highest
    apparent power of the assets behind them (the likely cause), or where else to look."""
    load_p, load_q, sgen_p = inj
    T = load_p.shape[0]
    net = pn.net
    found = []
    for idx, lc, sc_ in carried_by(pn):
        p = load_p[:, lc].sum(axis=1) - sgen_p[:, sc_].sum(axis=1)
        q = load_q[:, lc].sum(axis=1)
        peak_kva = float(np.max(np.hypot(p, q), initial=0.0)) * 1000.0
        rating = sum(float(net.trafo.sn_mva.at[i]) * 1000.0 * float(net.trafo.parallel.at[i]) for i in idx)
        if rating > 0 and peak_kva > rating:
            found.append((peak_kva / rating, " + ".join(str(net.trafo.name.at[i]) for i in idx), rating, peak_kva))
    head = (f"no hour of the AC power flow converged (0 of {T} hours): the network as given cannot carry the "
            "plan's flows")
    if found:
        found.sort(reverse=True)
        said = "; ".join(f"transformer '{n}' is rated {r:,.4g} kVA and carries up to {pk:,.0f} kVA of the plan "
                         f"({x:,.1f} × its rating)" for x, n, r, pk in found[:3])
        return (f"{head}. Likely cause: {said}. Check sn_kva (in kVA: 6.3 MVA is 6300) or std_type "
                "in grid.network.transformers")
    return (f"{head}; no transformer is rated below the flow it carries: check the lines (std_type, length_km in "
            "km, parallel) and the buses' vn_kv (in kV: 0.4 for a 400 V bus)")


def grid_stage(sc, prof: xr.Dataset, res, problem=None, solve=None) -> GridResult:
    """AC check of a plan, with the feedback loop of ``grid.network.feedback``.

    Parameters
    ----------
    sc : Scenario
        With ``grid.network`` set.
    prof : xarray.Dataset
        Profiles of the run (:func:`twin.profiles.build_profiles`).
    res : solvers.SizingResult
        The plan.
    problem : solvers.SizingProblem, optional
        The problem ``res`` solves; needed to re-solve in the ``limits`` mode.
    solve : callable, optional
        ``solve(problem) -> SizingResult`` (raising on infeasibility); needed with ``problem``.

    Returns
    -------
    GridResult
        ``result`` is the plan to publish (re-solved if limits were added).
    """
    from twin.grid.build import build_network
    from twin.grid.timeseries import asset_peaks_kva, asset_series

    from twin.statistics import year_weight_h

    spec = sc.grid.network
    T = prof.sizes["time"]
    w_year = year_weight_h(T)
    loads, pv = asset_series(sc, merged(prof, res.dispatch))
    pn = build_network(sc, asset_peaks_kva(loads, pv, spec.load_power_factor), flows=(loads, pv))
    imp0 = np.broadcast_to(np.asarray(sc.grid.import_limit_kw, float), (T,)).copy()
    exp0 = np.broadcast_to(np.asarray(sc.grid.export_limit_kw, float), (T,)).copy()
    imp_lim, exp_lim = imp0.copy(), exp0.copy()
    history, notes, notes_zh = [], [], []
    iterations = 0
    first = None
    cur = res
    problem0 = problem
    while True:
        fr, inj, mismatch, _ = flow_of(sc, pn, prof, cur)
        if first is None and not np.asarray(fr.converged, bool).any():
            raise GridInputError(no_flow_message(pn, inj))
        chk = check(pn, fr, spec, imp0, exp0)
        history.append({"iteration": iterations, "objective_cny": float(cur.objective_cny),
                        "violations": len(chk.violations), "violating_hours": int(chk.violating_hours.size),
                        "severity": _severity(chk),
                        "import_limit_kw": float(sc.grid.import_limit_kw),
                        "max_trafo_loading_percent": float(np.nanmax(fr.trafo_loading_percent)) if fr.trafo_loading_percent.size else None,
                        "vm_min_pu": float(np.nanmin(fr.vm_pu)), "losses_mwh": annual_losses_mwh(fr, w_year),
                        "balance_mismatch_kw": mismatch})
        if first is None:
            first = (fr, chk, inj)
        if chk.passed or spec.feedback.mode != "limits" or problem is None or solve is None:
            break
        if iterations >= spec.feedback.max_iterations:
            notes.append(f"feedback stopped after {iterations} re-solves (grid.network.feedback.max_iterations)")
            notes_zh.append(f"反馈迭代 {iterations} 次后停止（grid.network.feedback.max_iterations）")
            break
        if iterations > 0 and not _improved(history):
            en, zh = stuck_note(chk.violations)
            notes.append(en)
            notes_zh.append(zh)
            break
        imp_opt = cur.dispatch["p_grid_import_kw"].to_numpy()
        exp_opt = cur.dispatch["p_grid_export_kw"].to_numpy() if "p_grid_export_kw" in cur.dispatch else np.zeros(T)
        new_imp, new_exp, n = tighten(fr, chk, imp_opt, exp_opt, imp_lim, exp_lim, spec.pcc_vm_pu,
                                      spec.feedback.margin, spec.v_min_pu, spec.v_max_pu)
        if n == 0:
            notes.append("no violation can be relieved at the point of connection (flows against the park's "
                         "exchange); the upgrade is needed")
            notes_zh.append("越限潮流与园区交换功率方向相反，无法通过并网点限值消除，需要电网改造")
            break
        q = copy.copy(problem)
        q.grid = copy.copy(problem.grid)
        q.grid.import_limit_kw = new_imp
        q.grid.export_limit_kw = new_exp
        from solvers.problem import InfeasibleError

        try:
            nxt = solve(q)
        except InfeasibleError as exc:  # infeasible with the tightened limits
            notes.append(f"re-solve with the grid limits failed ({str(exc).splitlines()[0][:200]}); the upgrade is needed")
            notes_zh.append("加入电网限值后重新优化无可行解，需要电网改造")
            break
        iterations += 1
        imp_lim, exp_lim, cur, problem = new_imp, new_exp, nxt, q
    fr0, chk0, inj0 = first
    upgrade = upgrade_for(pn, chk0, fr0, spec, sc.costs.discount_rate) if not chk0.passed else {}
    changed = iterations > 0
    if chk0.passed:
        verdict = "pass"
    elif chk.passed and changed:
        verdict = "pass_with_limits"
        notes_zh.append(f"加入并网点逐时限值后重新优化 {iterations} 次，规划满足全部电网限值")
        notes.append(f"the plan was re-solved {iterations} time(s) with hourly limits at the point of connection "
                     "and is within every grid limit")
    else:
        verdict = "upgrade_needed"
        cur, fr, chk = res, fr0, chk0  # publish the unconstrained plan with the upgrade it needs
        changed = False
    if upgrade.get("capex_cny"):  # the first plan on the reinforced network
        upgrade, chk_up = upgrade_until_passes(pn, upgrade, lambda n: flow_of(sc, n, prof, res)[0],
                                               lambda n, f: check(n, f, spec, imp0, exp0), spec, sc.costs.discount_rate)
        if chk_up.passed and verdict == "upgrade_needed" and spec.feedback.mode == "upgrade":
            verdict = "pass_with_upgrade"
    if upgrade and changed:
        inc = history[-1]["objective_cny"] - history[0]["objective_cny"]
        upgrade["limits_cost_cny_per_yr"] = float(inc)
        upgrade["cheaper"] = ("upgrade" if upgrade.get("capex_cny") and upgrade["annuity_cny_per_yr"] < inc
                              else "limits")
    xc = crosscheck(pn, fr, inj if changed or verdict == "pass" else inj0, spec.crosscheck_hours)
    return GridResult(verdict=verdict, network=pn, flow=fr, check=chk, first_check=chk0, result=cur,
                      iterations=iterations, history=history,
                      import_limit_kw=imp_lim if changed else None,
                      export_limit_kw=exp_lim if changed and np.any(exp_lim < exp0) else None,
                      upgrade=upgrade, crosscheck=xc, notes=notes, notes_zh=notes_zh, v_band=(spec.v_min_pu, spec.v_max_pu),
                      problem=problem if changed else problem0, year_weight_h=w_year,
                      price_cny_per_kwh=_hourly(prof, "price_import_cny_per_kwh"),
                      ef_kgco2_per_kwh=_hourly(prof, "ef_grid_kgco2_per_kwh"))


def _hourly(prof: xr.Dataset, var: str) -> np.ndarray | None:
    """A time-only series of the profiles as floats, None where absent."""
    if var not in prof or prof[var].dims != ("time",):
        return None
    return prof[var].to_numpy().astype(float)


def _severity(chk: Check) -> float:
    """Sum over violated elements of the worst relative overshoot, plus one per hour whose flow
    did not converge (no operating point at all: worse than any overshoot) [-]."""
    s = float(chk.nonconverged_hours.size)
    for v in chk.violations:
        s += abs(v.worst - v.limit) / max(abs(v.limit), 1e-9) if v.kind.startswith("pcc") or "loading" in v.kind \
            else abs(v.worst - v.limit)
    return float(s)


#: A violation's kind in words (English, Chinese) for the notes of the feedback loop.
KIND_WORDS = {"line_loading": ("overloaded", "过载"), "trafo_loading": ("overloaded", "过载"),
              "undervoltage": ("undervoltage", "低电压"), "overvoltage": ("overvoltage", "过电压"),
              "pcc_import": ("import above the limit", "购电超限"), "pcc_export": ("export above the limit", "上网超限")}


def stuck_note(violations: list) -> tuple[str, str]:
    """The note (English, Chinese) when a re-solve with tighter limits at the point of connection left
    the violations as they were: which ones remain (the others were relieved), so the note does not
    call an element the limits did relieve uncontrollable."""
    named = [(v.element, *KIND_WORDS.get(v.kind, (v.kind, v.kind))) for v in violations[:4]]
    more = len(violations) - len(named)
    en = ", ".join(f"{e} {w}" for e, w, _ in named) + (f" and {more} more" if more > 0 else "")
    zh = "、".join(f"{e}{w}" for e, _, w in named) + (f"等 {len(violations)} 项" if more > 0 else "")
    return (f"violations did not shrink after the last re-solve: what remains ({en}) is not relieved by limits at "
            "the point of connection; the upgrade is needed",
            f"上次重新优化后越限未减少：剩余越限（{zh}）无法通过并网点限值消除，需要电网改造")


def _improved(history: list[dict]) -> bool:
    """The last re-solve relieved the grid: its worst overshoots shrank, or they did not grow and
    fewer hours or elements broke a limit (fewer hours with a deeper overshoot is no relief)."""
    a, b = history[-2], history[-1]
    return (b["severity"] < 0.99 * a["severity"]
            or (b["severity"] <= a["severity"] * (1 + 1e-9)
                and (b["violating_hours"] < a["violating_hours"] or b["violations"] < a["violations"])))


def check_operated(gr: GridResult, sc, prof: xr.Dataset, dispatches: dict) -> tuple[dict, xr.Dataset]:
    """AC check of the operated years (``twin.operate``) on the same network, no feedback.

    Parameters
    ----------
    gr : GridResult
        The plan's grid stage (its network is reused).
    dispatches : dict
        Controller name -> operated dispatch (``xarray.Dataset`` with the optimiser's names).

    Returns
    -------
    (summary ``grid.operated`` {controller: {...}}, dataset with ``grid_op_*`` variables
    (``controller``, element, ``time``))
    """
    from types import SimpleNamespace

    from twin.statistics import year_weight_h

    spec = sc.grid.network
    net = gr.network.net
    out, vm, tl, ll = {}, [], [], []
    for name, disp in dispatches.items():
        fr, inj, mismatch, _ = flow_of(sc, gr.network, prof, SimpleNamespace(dispatch=disp))
        if not np.asarray(fr.converged, bool).any():  # the plan's flow converged, this year's in no hour
            out[name] = {"verdict": "not_converged", "nonconverged_hours": int(np.asarray(fr.converged).size),
                         "note": no_flow_message(gr.network, inj)}
            vm.append(fr.vm_pu.T)
            tl.append(fr.trafo_loading_percent.T)
            ll.append(fr.line_loading_percent.T)
            continue
        chk = check(gr.network, fr, spec, sc.grid.import_limit_kw, sc.grid.export_limit_kw)
        w = year_weight_h(fr.losses_mw.size)
        out[name] = {
            "verdict": "pass" if chk.passed else "violations",
            "violations": [per_year(v.to_dict(prof["time"].values), w) for v in chk.violations],
            "violating_hours": int(chk.violating_hours.size),
            "violating_hours_per_yr": float(chk.violating_hours.size * w),
            "nonconverged_hours": int(chk.nonconverged_hours.size),
            "max_trafo_loading_percent": _max(fr.trafo_loading_percent, net.trafo.name),
            "max_line_loading_percent": _max(fr.line_loading_percent, net.line.name),
            "vm_min_pu": float(np.nanmin(fr.vm_pu)), "vm_max_pu": float(np.nanmax(fr.vm_pu)),
            "losses_mwh": annual_losses_mwh(fr, year_weight_h(fr.losses_mw.size)), "balance_mismatch_kw": mismatch,
        }
        vm.append(fr.vm_pu.T)
        tl.append(fr.trafo_loading_percent.T)
        ll.append(fr.line_loading_percent.T)
    names = list(dispatches)
    ds = xr.Dataset(coords={"controller": names, "grid_bus": _unique(net.bus.name), "grid_line": _unique(net.line.name),
                            "grid_trafo": _unique(net.trafo.name), "time": prof["time"].values})
    if names:
        ds["grid_op_vm_pu"] = (("controller", "grid_bus", "time"), np.stack(vm),
                               {"units": "1", "long_name": "Bus voltage magnitude in the operated year [pu]"})
        ds["grid_op_trafo_loading_percent"] = (("controller", "grid_trafo", "time"), np.stack(tl),
                                               {"units": "%", "long_name": "Transformer loading in the operated year"})
        ds["grid_op_line_loading_percent"] = (("controller", "grid_line", "time"), np.stack(ll),
                                              {"units": "%", "long_name": "Line loading in the operated year"})
    return out, ds


def _trafo_rating(row, spec) -> tuple[float, float]:
    """A transformer's rating [kVA] (rating × parallel units) and loading limit [% of rating]: its own
    ``max_loading_percent``, else ``grid.network.max_loading_percent``."""
    lim = row.get("max_loading_percent", spec.max_loading_percent)
    lim = spec.max_loading_percent if lim is None or not np.isfinite(lim) else float(lim)
    return float(row["sn_mva"]) * 1000.0 * float(row["parallel"]), lim


def connection_rating(gr: GridResult, spec, loads: dict | None = None,
                      pv: dict | None = None) -> tuple[float, float]:
    """What the operated plant's connection guard holds (:meth:`twin.operate.loop.Plant.guard_import`).

    Parameters
    ----------
    gr : GridResult
        The plan's grid stage (its network, before any upgrade).
    spec : twin.grid.spec.GridNetworkSpec
        ``grid.network`` (loading limit, load power factor, feedback margin).
    loads, pv : dict, optional
        The published plan's flows per asset [kW] (:func:`twin.grid.timeseries.asset_series`): with
        them the capacity is cut by how far the AC flow loads the transformer(s) above the park's
        apparent power counted without losses (:func:`_ac_factor`: the network's losses and the
        transformers' own reactive draw, which the guard does not see; a 6,300 kVA transformer
        held by the guard ran at 100.7-101.7 % in the AC check of the operated week).

    Returns
    -------
    (float, float)
        Apparent power the park transformer(s) at the point of connection may carry [kVA]:
        Σ rating × parallel units × loading limit × (1 − ``feedback.margin``, the same margin the
        plan's hourly limits keep for the losses and the linearisation) / the AC factor, inf where
        no park transformer stands there; and tan φ of ``load_power_factor`` [kvar/kW].
    """
    net = gr.network.net
    kva = rating_sum = lim_sum = 0.0
    for k in gr.network.main_trafos:
        rating, lim = _trafo_rating(net.trafo.loc[k], spec)
        kva += rating * lim / 100.0
        rating_sum += rating
        lim_sum += rating * lim
    tan = math.tan(math.acos(spec.load_power_factor))
    if kva <= 0:
        return float("inf"), tan
    assets = list((loads or {}).keys()) + list((pv or {}).keys())
    factor = _ac_factor(gr, list(gr.network.main_trafos), assets, gr.network, loads, pv, tan, rating_sum,
                        lim_sum / rating_sum) if loads is not None else 1.0
    return kva * (1.0 - spec.feedback.margin) / factor, tan


def site_transformer_ratings(gr: GridResult, spec, loads: dict | None = None, pv: dict | None = None) -> list[dict]:
    """The park's transformers behind the point of connection that the operated plant guards
    (:meth:`twin.operate.loop.Plant.guard_transformers`), with the assets whose flows they carry.

    A transformer (or several between the same two buses, taken together) carries the assets on its
    low-voltage side: the buses reached from its LV bus without crossing it (closed lines, other
    transformers). Where that side reaches the point of connection or the HV bus another way (a
    meshed network), its flow is not the sum of those assets and it is left out (the park-grid check
    of the operated year still checks it). The transformers at the point of connection are the
    connection guard's (:func:`connection_rating`).

    Parameters
    ----------
    gr : GridResult
        The plan's grid stage (its network, before any upgrade).
    spec : twin.grid.spec.GridNetworkSpec
        ``grid.network`` (loading limit, load power factor, feedback margin).
    loads, pv : dict, optional
        The published plan's flows per asset [kW] (:func:`twin.grid.timeseries.asset_series` of
        its dispatch): with them each transformer's capacity is cut by how far the AC flow's
        loading of the plan (``gr.flow``: current at the LV voltage, with losses) lies above its
        apparent power counted without losses, the largest ratio over the hours the plan loads
        it to half its limit or more (at least 1; the guard counts without losses).

    Returns
    -------
    list of dict
        ``name`` (the transformer, or the names joined by " + "), ``rating_kva`` (Σ rating × parallel
        units [kVA]), ``limit_percent`` (loading limit [% of rating]), ``ac_factor`` (the ratio
        above, 1 without the plan's flows [-]), ``kva`` (what the guard holds: rating × loading
        limit × (1 − ``feedback.margin``) / ``ac_factor`` [kVA]), ``tan_phi`` (of
        ``load_power_factor`` [kvar/kW]) and ``assets`` (scenario asset names on the LV side:
        buildings, process loads, PV arrays, EV fleets, heat pumps, batteries, ``central_plant``).
    """
    pn = gr.network
    net = pn.net
    main = set(pn.main_trafos)
    tan = math.tan(math.acos(spec.load_power_factor))
    out = []
    for idx, load_cols, sgen_cols in carried_by(pn):  # radial parts only: meshed, the flow is not the LV sum
        if main.intersection(idx):
            continue
        assets = [pn.load_assets[j][0] for j in load_cols if pn.load_assets[j][1] != "unallocated"]
        assets += [pn.sgen_assets[j] for j in sgen_cols]
        if not assets:
            continue
        rating = lim_pct = 0.0
        for i in idx:
            r, lim = _trafo_rating(net.trafo.loc[i], spec)
            rating += r
            lim_pct += r * lim
        lim_pct /= rating
        factor = _ac_factor(gr, idx, assets, pn, loads, pv, tan, rating, lim_pct)
        out.append({"name": " + ".join(str(net.trafo.name.at[i]) for i in idx), "rating_kva": rating,
                    "limit_percent": lim_pct, "ac_factor": factor,
                    "kva": rating * lim_pct / 100.0 * (1.0 - spec.feedback.margin) / factor,
                    "tan_phi": tan, "assets": assets})
    return out


def _ac_factor(gr, idx: list, assets: list, pn, loads, pv, tan: float, rating: float, lim_pct: float) -> float:
    """How far the AC flow loads transformers ``idx`` above the apparent power of their assets' flows
    counted without losses (:func:`site_transformer_ratings`): the largest ratio over the plan's
    hours at half the loading limit or more, at least 1; 1 without the plan's flows."""
    fr = getattr(gr, "flow", None)
    if loads is None or fr is None or fr.trafo_loading_percent.size == 0:
        return 1.0
    pos = [list(pn.net.trafo.index).index(i) for i in idx]
    names = set(assets)
    kinds = dict(pn.load_assets)
    T = fr.trafo_loading_percent.shape[0]
    p = np.zeros(T)
    c = np.zeros(T)
    for a, v in loads.items():
        if a in names:
            v = np.asarray(v, float)[:T]
            p += v
            if kinds.get(a) != "battery":
                c += np.clip(v, 0.0, None)
    for a, v in (pv or {}).items():
        if a in names:
            p -= np.asarray(v, float)[:T]
    s_free = np.hypot(p, tan * c)
    sn = np.array([float(gr.network.net.trafo.sn_mva.at[i]) * 1000.0 * float(gr.network.net.trafo.parallel.at[i])
                   for i in idx])
    s_ac = (np.nan_to_num(fr.trafo_loading_percent[:, pos]) / 100.0 * sn).sum(axis=1)  # parallel units share it
    hot = (s_ac >= 0.5 * lim_pct / 100.0 * rating) & (s_free > 1e-6)
    if not hot.any():
        return 1.0
    return max(float(np.max(s_ac[hot] / s_free[hot])), 1.0)
