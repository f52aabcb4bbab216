"""Hourly AC power flow of a dispatch on the park network (lightsim2grid batch solver).

:func:`asset_series` splits the optimiser's park-level dispatch into per-asset hourly
powers; :func:`injections` turns them into the (T × n) load and sgen matrices of the
network; :func:`run_batch` solves all hours at once with lightsim2grid's ``TimeSeriesCPP``
(Newton-Raphson per hour, C++), masking hours that do not converge; :func:`runpp_hours`
re-solves chosen hours with pandapower's own Newton-Raphson for the cross-check.

Pitfalls handled (lightsim2grid 1.2.0): its converter ignores switches, so an open
bus-line switch is modelled by re-attaching that line end to a new dangling bus (exact),
closed ones are dropped; non-converged hours come back as 0 pu and are masked (NaN), and
since each hour starts from the previous one's voltages, one diverged hour can fail all later
ones: every failed hour is solved again alone from the flat start;
phase-shifting transformers get a DC-power-flow start.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr

from twin.profiles import DECENTRAL_HVAC


def _col(ds: xr.Dataset, var: str, dim: str | None = None, key: str | None = None) -> np.ndarray:
    T = ds.sizes["time"]
    if var not in ds:
        return np.zeros(T)
    da = ds[var]
    if dim is not None:
        if dim not in da.dims or key not in da[dim].values:
            return np.zeros(T)
        da = da.sel({dim: key})
    return np.asarray(da.to_numpy(), dtype=float)


def asset_series(sc, ds: xr.Dataset) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Hourly electric draw per load-like asset and output per PV array [kW].

    Parameters
    ----------
    sc : Scenario
    ds : xarray.Dataset
        Profiles merged with the dispatch (``time`` dimension): needs ``p_load_kw`` and
        the per-building / per-process inputs, ``p_pv_kw(pv_array)``, EV, battery, heat-pump,
        boiler and chiller dispatch where present.

    Returns
    -------
    loads : dict
        Asset name -> draw [kW] (negative: feeding the park, e.g. battery discharge, V2G).
        ``unallocated`` is the fixed load the profiles do not attribute (≈ 0). Electricity
        an operated year could not serve (``p_unserved_kw``) is shed in proportion at every
        building and process load.
    pv : dict
        PV array name -> AC output after curtailment [kW].
    """
    loads: dict[str, np.ndarray] = {}
    for b in sc.buildings:
        p = _col(ds, "building_p_lighting_kw", "building", b.name) + _col(ds, "building_p_equipment_kw", "building", b.name)
        if b.hvac.type in DECENTRAL_HVAC:
            p = p + _col(ds, "building_p_hvac_baseline_kw", "building", b.name)
            p = p + _col(ds, "building_p_dhw_kw", "building", b.name)  # its water heaters
        loads[b.name] = p
    for pl in sc.process_loads:
        loads[pl.name] = _col(ds, "p_process_kw", "process_load", pl.name)
    for fl in sc.ev_fleets:
        loads[fl.name] = _col(ds, "p_ev_charge_kw", "ev_fleet", fl.name) - _col(ds, "p_ev_discharge_kw", "ev_fleet", fl.name)
    for hp in sc.heat_pumps:
        loads[hp.name] = _col(ds, "p_heat_pump_kw", "heat_pump", hp.name)
    for b in sc.batteries:  # each battery at its own bus
        loads[b.name] = (_col(ds, "p_battery_charge_kw", "battery", b.name)
                         - _col(ds, "p_battery_discharge_kw", "battery", b.name))
    loads["central_plant"] = _col(ds, "p_electric_boiler_kw") + _col(ds, "p_chiller_kw")
    fixed_names = [b.name for b in sc.buildings] + [p.name for p in sc.process_loads]
    fixed = sum((loads[n] for n in fixed_names), np.zeros(ds.sizes["time"]))
    loads["unallocated"] = _col(ds, "p_load_kw") - fixed
    if "p_unserved_kw" in ds:  # an operated year that shed load: shed in proportion at every fixed load
        served = 1.0 - np.divide(_col(ds, "p_unserved_kw"), fixed, out=np.zeros_like(fixed), where=fixed > 1e-9)
        for n in fixed_names:
            loads[n] = loads[n] * np.clip(served, 0.0, 1.0)
    pv = {a.name: _col(ds, "p_pv_kw", "pv_array", a.name) for a in sc.pv_arrays}
    return loads, pv


def asset_peaks_kva(loads: dict[str, np.ndarray], pv: dict[str, np.ndarray], power_factor: float) -> dict[str, float]:
    """Peak apparent power per asset [kVA] (loads at ``power_factor``, PV at unity)."""
    out = {k: float(np.max(np.abs(v), initial=0.0)) / power_factor for k, v in loads.items()}
    out.update({k: float(np.max(np.abs(v), initial=0.0)) for k, v in pv.items()})
    return out


def injections(pn, loads: dict, pv: dict, load_power_factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T × n_load) active and reactive load [MW, MVAr] and (T × n_sgen) PV output [MW].

    Reactive power: consuming loads at ``load_power_factor`` lagging; battery, negative
    draws (V2G, discharge) and PV at unity power factor.
    """
    tan = math.tan(math.acos(load_power_factor))
    T = len(next(iter(loads.values())))
    p = np.zeros((T, len(pn.load_assets)))
    q = np.zeros_like(p)
    for j, (name, kind) in enumerate(pn.load_assets):
        x = loads.get(name, np.zeros(T)) / 1000.0
        p[:, j] = x
        if kind != "battery":
            q[:, j] = np.clip(x, 0.0, None) * tan
    s = np.zeros((T, len(pn.sgen_assets)))
    for j, name in enumerate(pn.sgen_assets):
        s[:, j] = pv[name] / 1000.0
    return p, q, s


@dataclass
class FlowResult:
    """Hourly AC power-flow results (T hours; non-converged hours NaN)."""

    vm_pu: np.ndarray
    """Bus voltage magnitude, (T × n_bus) [pu]."""
    line_loading_percent: np.ndarray
    """Line loading (largest end current / rated), (T × n_line) [%]."""
    trafo_loading_percent: np.ndarray
    """Transformer loading (largest side current × rated voltage / rating), (T × n_trafo) [%]."""
    p_line_from_mw: np.ndarray
    """Active power into each line at its from-bus, (T × n_line) [MW]."""
    p_trafo_hv_mw: np.ndarray
    """Active power into each transformer at its HV side, (T × n_trafo) [MW]."""
    q_line_from_mvar: np.ndarray
    """Reactive power into each line at its from-bus, (T × n_line) [MVAr]."""
    q_trafo_hv_mvar: np.ndarray
    """Reactive power into each transformer at its HV side, (T × n_trafo) [MVAr]."""
    losses_mw: np.ndarray
    """Active losses of lines and transformers, (T,) [MW]."""
    p_pcc_mw: np.ndarray
    """Active power drawn from the utility at the point of connection, (T,) [MW] (negative: export)."""
    converged: np.ndarray
    """Per hour, True where the Newton-Raphson converged, (T,) [-]."""
    solve_time_s: float
    """Wall time of the batch solve [s]."""


def prepare(net):
    """Copy of ``net`` the lightsim2grid converter reads correctly (switch handling, see module doc)."""
    import pandapower as pp

    n2 = copy.deepcopy(net)
    sw = n2.switch
    if len(sw):
        if (sw.et != "l").any() and (~sw.closed[sw.et == "b"]).any():
            raise ValueError("open bus-bus switches are not supported by the batch path; describe the split with "
                             "separate buses")
        for _, s in sw[(sw.et == "l") & (~sw.closed)].iterrows():
            nb = int(pp.create_bus(n2, vn_kv=float(n2.bus.vn_kv.at[s.bus]), name=f"open end of line {s.element}"))
            if int(n2.line.from_bus.at[s.element]) == int(s.bus):
                n2.line.at[s.element, "from_bus"] = nb
            else:
                n2.line.at[s.element, "to_bus"] = nb
        n2.switch = n2.switch.iloc[0:0]
    # lightsim2grid's converter refuses parallel lines: one equivalent line instead (exact)
    par = n2.line.parallel.to_numpy(float)
    if (par != 1).any():
        ln = n2.line
        for col in ("r_ohm_per_km", "x_ohm_per_km"):
            ln[col] = ln[col] / par
        for col in ("c_nf_per_km", "g_us_per_km", "max_i_ka"):
            if col in ln:
                ln[col] = ln[col] * par
        ln["parallel"] = 1
    # and parallel transformers: one unit of n times the rating, same vk/vkr/i0 (exact)
    tp = n2.trafo.parallel.to_numpy(float)
    if (tp != 1).any():
        tr = n2.trafo
        tr["sn_mva"] = tr["sn_mva"] * tp
        tr["pfe_kw"] = tr["pfe_kw"] * tp
        tr["parallel"] = 1
    return n2


def run_batch(net, load_p: np.ndarray, load_q: np.ndarray, sgen_p: np.ndarray, *,
              max_iter: int = 20, tol: float = 1e-8) -> FlowResult:
    """All hours' AC power flows in one lightsim2grid batch.

    Parameters
    ----------
    net : pandapowerNet
        Buses indexed 0..n-1 in order; one ext_grid.
    load_p, load_q : numpy.ndarray
        (T × n_load) [MW, MVAr], columns in ``net.load`` order.
    sgen_p : numpy.ndarray
        (T × n_sgen) [MW], columns in ``net.sgen`` order (sgen reactive power stays at its static value).
    """
    import time

    from lightsim2grid.network import init_from_pandapower
    from lightsim2grid.timeSerie import TimeSeriesCPP

    n2 = prepare(net)
    nb0 = len(net.bus)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = init_from_pandapower(n2)
    t0 = time.perf_counter()
    vm0 = float(n2.ext_grid.vm_pu.iloc[0])
    vinit = np.full(len(n2.bus), vm0, dtype=complex)
    if len(n2.trafo) and (n2.trafo.shift_degree.fillna(0.0) != 0).any():
        vdc = model.dc_pf(vinit, 10, 1e-8)
        vinit = vdc if len(vdc) else vinit
    T = load_p.shape[0]
    nbr = len(n2.line) + len(n2.trafo)
    V, br, conv = _solve_rows(TimeSeriesCPP, model, np.arange(T), load_p, load_q, sgen_p, vinit, max_iter, tol,
                              len(n2.bus), nbr)
    # the batch starts each hour from the previous hour's voltages, so after an hour that diverges every
    # later hour may start from its garbage and fail too: every failed hour again, alone, from the flat start
    for h in np.where(~conv)[0]:
        v1, b1, c1 = _solve_rows(TimeSeriesCPP, model, np.array([h]), load_p, load_q, sgen_p, vinit, max_iter, tol,
                                 len(n2.bus), nbr)
        if c1[0]:
            V[h], br[h], conv[h] = v1[0], b1[0], True
    dt = time.perf_counter() - t0
    vm = np.abs(V)
    nl = len(n2.line)
    ln, tr = n2.line, n2.trafo
    s1 = np.hypot(br[:, :, 0], br[:, :, 1])
    s2 = np.hypot(br[:, :, 2], br[:, :, 3])
    with np.errstate(divide="ignore", invalid="ignore"):
        f, t = ln.from_bus.to_numpy(int), ln.to_bus.to_numpy(int)
        vn = n2.bus.vn_kv.to_numpy(float)
        i1 = s1[:, :nl] / (math.sqrt(3) * vm[:, f] * vn[f])
        i2 = s2[:, :nl] / (math.sqrt(3) * vm[:, t] * vn[t])
        rated = (ln.max_i_ka * ln.df * ln.parallel).to_numpy(float)
        line_ld = np.maximum(i1, i2) / rated * 100.0
        hv, lv = tr.hv_bus.to_numpy(int), tr.lv_bus.to_numpy(int)
        ihv = s1[:, nl:] / (math.sqrt(3) * vm[:, hv] * vn[hv])
        ilv = s2[:, nl:] / (math.sqrt(3) * vm[:, lv] * vn[lv])
        sn = (tr.sn_mva * tr.parallel).to_numpy(float)
        tr_ld = np.maximum(ihv * tr.vn_hv_kv.to_numpy(float), ilv * tr.vn_lv_kv.to_numpy(float)) * math.sqrt(3) / sn * 100.0
    losses = br[:, :, 0].sum(axis=1) + br[:, :, 2].sum(axis=1)
    pcc = int(n2.ext_grid.bus.iloc[0])
    p_pcc = (br[:, :nl, 0][:, f == pcc].sum(axis=1) + br[:, :nl, 2][:, t == pcc].sum(axis=1)
             + br[:, nl:, 0][:, hv == pcc].sum(axis=1) + br[:, nl:, 2][:, lv == pcc].sum(axis=1))
    lb = n2.load.bus.to_numpy(int)
    if (lb == pcc).any():
        p_pcc = p_pcc + load_p[:, lb == pcc].sum(axis=1)
    sb = n2.sgen.bus.to_numpy(int)
    if (sb == pcc).any():
        p_pcc = p_pcc - sgen_p[:, sb == pcc].sum(axis=1)
    bad = ~conv
    out = [vm[:, :nb0], line_ld, tr_ld, br[:, :nl, 0], br[:, nl:, 0], br[:, :nl, 1], br[:, nl:, 1], losses, p_pcc]
    for a in out:
        a[bad] = np.nan
    return FlowResult(*out, converged=conv, solve_time_s=dt)


def _solve_rows(cls, model, rows, load_p, load_q, sgen_p, vinit, max_iter, tol, nbus, nbr):
    """One batch over ``rows``: complex voltages, branch results, convergence (zeros where none)."""
    ts = cls(model)
    if load_p.shape[1]:
        ts.modify_load_p(np.ascontiguousarray(load_p[rows], dtype=float))
        ts.modify_load_q(np.ascontiguousarray(load_q[rows], dtype=float))
    if sgen_p.shape[1]:
        ts.modify_sgen_p(np.ascontiguousarray(sgen_p[rows], dtype=float))
    ts.compute(vinit, max_iter, tol)
    n = len(rows)
    conv = np.asarray(ts.converged_mask(), dtype=bool)
    V = np.asarray(ts.get_voltages())
    if V.shape[0] != n or conv.size != n:  # nothing converged: the solver returns no rows
        return np.zeros((n, nbus), dtype=complex), np.zeros((n, nbr, 4)), np.zeros(n, dtype=bool)
    br = np.asarray(ts.compute_branch_results())
    return V.copy(), br.copy(), conv.copy()


def runpp_hours(net, load_p, load_q, sgen_p, hours) -> dict[str, np.ndarray]:
    """pandapower's own Newton-Raphson (``lightsim2grid=False``) for chosen hours.

    Returns
    -------
    dict with ``vm_pu`` (h × n_bus), ``line_loading_percent``, ``trafo_loading_percent``,
    ``p_pcc_mw`` (h,) and ``losses_mw`` (h,).
    """
    import pandapower as pp

    n = copy.deepcopy(net)
    res = {"vm_pu": [], "line_loading_percent": [], "trafo_loading_percent": [], "p_pcc_mw": [], "losses_mw": []}
    for h in hours:
        n.load["p_mw"] = load_p[h]
        n.load["q_mvar"] = load_q[h]
        n.sgen["p_mw"] = sgen_p[h]
        pp.runpp(n, lightsim2grid=False, numba=False, tolerance_mva=1e-10, max_iteration=30)
        res["vm_pu"].append(n.res_bus.vm_pu.to_numpy(float))
        res["line_loading_percent"].append(n.res_line.loading_percent.to_numpy(float))
        res["trafo_loading_percent"].append(n.res_trafo.loading_percent.to_numpy(float))
        res["p_pcc_mw"].append(float(n.res_ext_grid.p_mw.sum()))
        res["losses_mw"].append(float(n.res_line.pl_mw.sum() + n.res_trafo.pl_mw.sum()))
    return {k: np.asarray(v) for k, v in res.items()}
