"""A pandapower network of the park: explicit topology or a stated radial default.

Every load-like asset of the scenario becomes one ``net.load`` row (one column of the
hourly batch): buildings (lighting, equipment, decentral HVAC), process loads, EV fleets
(charging minus V2G discharge, at the fleet's charging hub), heat pumps, the central plant
(electric boiler and chillers), the battery (charge minus discharge) and an ``unallocated``
column at the MV busbar for any fixed load the profiles do not attribute. Each PV array is
one static generator (``net.sgen``). Transformers get ``shift_degree = 0``: phase shift
changes no magnitude or flow of a radial park and keeps the batch solver on a flat start.

Sign convention (pandapower): loads positive consuming [MW], sgens positive generating.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from solvers.noise import NOISE_TOL
from twin.grid.spec import GridInputError

#: Standard 10(20)/0.4 kV distribution transformer ratings [kVA] (GB/T 6451 / GB 20052 series).
LV_RATINGS_KVA = (100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500)
#: Standard HV/MV power transformer ratings [kVA] (GB/T 6451 series).
HV_RATINGS_KVA = (315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000, 25000, 31500,
                  40000, 50000, 63000, 80000, 100000)
#: Peak below which an asset of the default layout counts as not built [kVA]: the optimiser's
#: noise tolerance (:data:`solvers.noise.NOISE_TOL`, 0.1 kW); an asset sized 0 can still show
#: a draw of a few watts of solver noise, which must not get a 100 kVA transformer and a feeder.
IDLE_KVA = NOISE_TOL
#: pandapower standard MV cables used by the default layout, smallest first (XLPE aluminium,
#: stand-ins for Chinese YJLV22 8.7/15 kV cables of the same cross-section).
MV_CABLES = ("NA2XS2Y 1x70 RM/25 6/10 kV", "NA2XS2Y 1x95 RM/25 6/10 kV", "NA2XS2Y 1x120 RM/25 6/10 kV",
             "NA2XS2Y 1x150 RM/25 6/10 kV", "NA2XS2Y 1x185 RM/25 6/10 kV", "NA2XS2Y 1x240 RM/25 6/10 kV")


@dataclass
class ParkNetwork:
    """A park network and how the scenario's assets map onto it."""

    net: object
    """pandapower network (buses indexed 0..n-1; loads, sgens as described in the module)."""
    layout: str
    """'explicit' or 'default'."""
    facts: list[str] = field(default_factory=list)
    """Choices the tool made (stated in summary.json and the report)."""
    facts_zh: list[str] = field(default_factory=list)
    """The same in Chinese (the zh report)."""

    def fact(self, en: str, zh: str) -> None:
        """State a choice in both languages."""
        self.facts.append(en)
        self.facts_zh.append(zh)
    load_assets: list[tuple[str, str]] = field(default_factory=list)
    """(asset name, kind) of each ``net.load`` row, in order."""
    sgen_assets: list[str] = field(default_factory=list)
    """PV array name of each ``net.sgen`` row, in order."""
    pcc_bus: int = 0
    """Bus index of the point of connection (ext_grid)."""
    main_trafos: list[int] = field(default_factory=list)
    """Transformer rows at the point of connection (all of the park's exchange passes them)."""


def rated_kva(need_kva: float, ratings=LV_RATINGS_KVA) -> tuple[float, int]:
    """Smallest standard rating covering ``need_kva``, and how many in parallel.

    Returns
    -------
    (rating [kVA], count [-])
    """
    need = max(float(need_kva), ratings[0])
    for r in ratings:
        if r >= need:
            return float(r), 1
    n = math.ceil(need / ratings[-1])
    return rated_kva(need / n, ratings)[0], n


def _trafo_params(sn_kva: float, hv_kv: float) -> dict:
    """Typical short-circuit and no-load values by rating [%] (labelled: GB/T 6451 / 10228 order of magnitude)."""
    if hv_kv > 20:
        vk = 10.5 if hv_kv >= 66 else (7.0 if sn_kva <= 6300 else 8.0)
        return {"vk_percent": vk, "vkr_percent": 0.5, "pfe_kw": 0.0008 * sn_kva, "i0_percent": 0.3}
    return {"vk_percent": 4.0 if sn_kva <= 630 else 4.5, "vkr_percent": 1.2 if sn_kva <= 630 else 1.0,
            "pfe_kw": 0.0012 * sn_kva, "i0_percent": 0.4}


def _add_trafo(net, name, hv, lv, sn_kva, count, max_loading):
    import pandapower as pp

    hv_kv, lv_kv = float(net.bus.vn_kv.at[hv]), float(net.bus.vn_kv.at[lv])
    i = pp.create_transformer_from_parameters(
        net, hv, lv, sn_mva=sn_kva / 1000.0, vn_hv_kv=hv_kv, vn_lv_kv=lv_kv, shift_degree=0.0,
        parallel=int(count), name=name, max_loading_percent=max_loading, **_trafo_params(sn_kva, hv_kv))
    return int(i)


@functools.lru_cache(maxsize=1)
def _cable_ratings() -> dict[str, float]:
    """Rated current of the default MV cables [kA] (one empty network built once: ~1 s)."""
    import pandapower as pp

    types = pp.create_empty_network()
    return {name: float(pp.load_std_type(types, name, "line")["max_i_ka"]) for name in MV_CABLES}


def cable_for(peak_ka: float) -> tuple[str, int]:
    """Smallest default MV cable (and parallel count) carrying ``peak_ka`` [kA]."""
    ratings = _cable_ratings()
    for name in MV_CABLES:
        if ratings[name] >= peak_ka:
            return name, 1
    return MV_CABLES[-1], math.ceil(peak_ka / ratings[MV_CABLES[-1]])


def site_assets(sc) -> list[tuple[str, list[str], float | None, object]]:
    """Default layout: (site name, assets, distance [m] or None, site spec or None).

    Assets not placed in any site get one of their own; the battery, when not placed,
    sits at the MV busbar (returned separately by :func:`build_network`).
    """
    netspec = sc.grid.network
    placed = {a for s in netspec.sites for a in s.assets}
    out = []
    for s in netspec.sites:
        d = s.distance_m
        if d is None and s.x_m is not None:
            d = abs(s.x_m) + abs(s.y_m)
        out.append((s.name, list(s.assets), d, s))
    for name, kind in sc.electrical_assets().items():
        if name in placed or kind in ("battery", "central_plant"):
            continue
        out.append((name, [name], None, None))
    return out


def build_network(sc, peaks_kva: dict[str, float] | None = None, flows: tuple[dict, dict] | None = None) -> ParkNetwork:
    """The park's pandapower network.

    Parameters
    ----------
    sc : Scenario
        With ``grid.network`` set.
    peaks_kva : dict, optional
        Default layout only: peak apparent power per asset [kVA] (from the plan's dispatch,
        :func:`twin.grid.timeseries.asset_peaks_kva`): which assets the plan builds, and without
        ``flows`` what the LV transformers and cables are sized for (the sum of a site's peaks).
    flows : (dict, dict), optional
        Default layout only: the plan's hourly draw per asset and output per PV array [kW]
        (:func:`twin.grid.timeseries.asset_series`): each site's transformer is sized for the highest
        apparent power through it (:func:`site_peak_kva`).
    """
    spec = sc.grid.network
    return _explicit(sc) if spec.explicit else _default(sc, peaks_kva or {}, flows)


def site_peak_kva(assets: list[str], kinds: dict[str, str], flows: tuple[dict, dict],
                  power_factor: float) -> tuple[float, float]:
    """Highest apparent power through a site's transformer in the plan's hours [kVA], importing
    and exporting: the site's assets' hourly net draw (loads less PV) with the loads' reactive
    power at ``power_factor`` lagging (PV, batteries and negative draws at unity), as the AC flow
    counts them (losses aside).

    Returns
    -------
    (peak import [kVA], peak export [kVA])
    """
    loads, pv = flows
    tan = math.tan(math.acos(power_factor))
    T = len(next(iter(loads.values()))) if loads else (len(next(iter(pv.values()))) if pv else 0)
    p, q = np.zeros(T), np.zeros(T)
    for a in assets:
        if a in pv:
            p -= np.asarray(pv[a], float)
        elif a in loads:
            x = np.asarray(loads[a], float)
            p += x
            if kinds.get(a) != "battery":
                q += np.clip(x, 0.0, None) * tan
    s = np.hypot(p, q)
    return float(np.max(s[p >= 0], initial=0.0)), float(np.max(s[p < 0], initial=0.0))


def _asset_rows(sc) -> list[tuple[str, str]]:
    kinds = sc.electrical_assets()
    rows = [(n, k) for n, k in kinds.items() if k != "pv_array"]
    return rows + [("unallocated", "unallocated")]


def _explicit(sc) -> ParkNetwork:
    import pandapower as pp

    spec = sc.grid.network
    net = pp.create_empty_network(name=sc.park.name)
    bus = {b.name: int(pp.create_bus(net, vn_kv=b.vn_kv, name=b.name)) for b in spec.buses}
    lim = spec.max_loading_percent
    for i, ln in enumerate(spec.lines):
        try:
            pp.create_line(net, bus[ln.from_bus], bus[ln.to_bus], ln.length_km, ln.std_type, name=ln.name,
                           parallel=ln.parallel, max_loading_percent=ln.max_loading_percent or lim)
        except (UserWarning, KeyError, ValueError) as exc:  # unknown std type (pandapower raises UserWarning)
            raise GridInputError(f"grid.network.lines.{i}.std_type: line '{ln.name}': {exc}") from None
    for i, t in enumerate(spec.transformers):
        tl = t.max_loading_percent or lim
        if t.std_type is not None:
            try:
                k = pp.create_transformer(net, bus[t.hv_bus], bus[t.lv_bus], t.std_type, name=t.name,
                                          parallel=t.parallel, max_loading_percent=tl)
            except (UserWarning, KeyError, ValueError) as exc:
                raise GridInputError(f"grid.network.transformers.{i}.std_type: transformer '{t.name}': {exc}") from None
            net.trafo.at[k, "shift_degree"] = 0.0
        else:
            k = _add_trafo(net, t.name, bus[t.hv_bus], bus[t.lv_bus], t.sn_kva, t.parallel, tl)
            if t.vk_percent is not None:
                net.trafo.at[k, "vk_percent"] = t.vk_percent
            if t.vkr_percent is not None:
                net.trafo.at[k, "vkr_percent"] = t.vkr_percent
    lines = {ln.name: i for i, ln in enumerate(spec.lines)}
    for s in spec.switches:
        pp.create_switch(net, bus[s.bus], lines[s.line], et="l", closed=s.closed, name=s.name)
    pcc = bus[spec.ext_grid_bus or spec.buses[0].name]
    pp.create_ext_grid(net, pcc, vm_pu=spec.pcc_vm_pu, name="point of connection")
    pn = ParkNetwork(net=net, layout="explicit", pcc_bus=pcc)
    default_bus = pcc
    for name, kind in _asset_rows(sc):
        b = bus[spec.connections[name]] if name in spec.connections else default_bus
        if name not in spec.connections and kind not in ("central_plant", "unallocated"):
            raise GridInputError(f"grid.network.connections: no bus given for '{name}'")
        pp.create_load(net, b, p_mw=0.0, q_mvar=0.0, name=name)
        pn.load_assets.append((name, kind))
    for a in sc.pv_arrays:
        pp.create_sgen(net, bus[spec.connections[a.name]], p_mw=0.0, q_mvar=0.0, name=a.name, type="PV")
        pn.sgen_assets.append(a.name)
    pn.main_trafos = [int(i) for i in net.trafo.index[net.trafo.hv_bus == pcc]]
    nopen = int((~net.switch.closed).sum()) if len(net.switch) else 0
    pn.fact(f"explicit network: {len(net.bus)} buses, {len(net.line)} lines, {len(net.trafo)} transformers, "
            f"{len(net.switch)} switches ({nopen} open); point of connection at "
            f"bus '{net.bus.name.at[pcc]}' held at {spec.pcc_vm_pu:.3f} pu",
            f"用户给定网络：{len(net.bus)} 条母线、{len(net.line)} 条线路、{len(net.trafo)} 台变压器、{len(net.switch)} 个开关"
            f"（{nopen} 个断开）；并网点为母线“{net.bus.name.at[pcc]}”，电压 {spec.pcc_vm_pu:.3f} pu")
    pn.fact("central-plant and unallocated fixed loads without a stated bus sit at the point of connection",
            "未指定母线的集中冷热站负荷和未归属的固定负荷接于并网点")
    return pn


def _default(sc, peaks: dict[str, float], flows: tuple[dict, dict] | None = None) -> ParkNetwork:
    import pandapower as pp

    spec = sc.grid.network
    g = sc.grid
    lim = spec.max_loading_percent
    net = pp.create_empty_network(name=sc.park.name)
    pcc = int(pp.create_bus(net, vn_kv=g.voltage_kv, name="point of connection"))
    pp.create_ext_grid(net, pcc, vm_pu=spec.pcc_vm_pu, name="point of connection")
    pn = ParkNetwork(net=net, layout="default", pcc_bus=pcc)
    pn.fact(f"default radial layout (放射式): the park is laid out by the tool, not surveyed; edit grid.network "
            f"to state the real one. Utility holds {spec.pcc_vm_pu:.3f} pu at the point of connection "
            f"({g.voltage_kv:g} kV)",
            f"默认放射式网络：由本工具按假设布置，并非实测；请在 grid.network 中填写实际网络。"
            f"并网点（{g.voltage_kv:g} kV）电压按 {spec.pcc_vm_pu:.3f} pu 考虑")
    if g.voltage_kv > spec.mv_kv + 1e-9:
        mv = int(pp.create_bus(net, vn_kv=spec.mv_kv, name="MV busbar"))
        need = max(g.import_limit_kw, g.export_limit_kw) / spec.design_power_factor
        sn, n = (spec.substation_kva, 1) if spec.substation_kva else rated_kva(need, HV_RATINGS_KVA)
        k = _add_trafo(net, "main transformer", pcc, mv, sn, n, lim)
        pn.main_trafos = [k]
        how = "stated" if spec.substation_kva else (
            f"smallest standard rating ≥ import limit {g.import_limit_kw:,.0f} kW / cos φ {spec.design_power_factor:g}")
        how_zh = "用户给定" if spec.substation_kva else (
            f"不小于购电限值 {g.import_limit_kw:,.0f} kW / cos φ {spec.design_power_factor:g} 的最小标准容量")
        pn.fact(f"main transformer {g.voltage_kv:g}/{spec.mv_kv:g} kV: {n} × {sn:,.0f} kVA ({how}); "
                f"vk {net.trafo.vk_percent.at[k]:g} %, typical values (labelled)",
                f"主变 {g.voltage_kv:g}/{spec.mv_kv:g} kV：{n} × {sn:,.0f} kVA（{how_zh}）；"
                f"短路电压 {net.trafo.vk_percent.at[k]:g} %，典型参数（假设）")
    else:
        mv = pcc
        pn.fact(f"connected at {g.voltage_kv:g} kV: the park's MV busbar is the point of connection (no park "
                f"transformer there); the contracted limits are checked as active power at the point of connection",
                f"{g.voltage_kv:g} kV 接入：园区中压母线即并网点（该处无园区变压器）；合同限值按并网点有功功率校核")
    sites = site_assets(sc)
    rows: list[tuple[str, str, int]] = []
    kinds = sc.electrical_assets()
    idle = []
    for name, assets, dist, s in sites:
        if s is None and peaks and sum(peaks.get(a, 0.0) for a in assets) < IDLE_KVA:
            idle += assets  # not built (or sized 0) in the plan: no transformer and feeder of its own
            continue
        d_m = dist if dist is not None else spec.default_distance_m
        site_mv = int(pp.create_bus(net, vn_kv=spec.mv_kv, name=f"{name} MV"))
        lv = int(pp.create_bus(net, vn_kv=spec.lv_kv, name=f"{name} LV"))
        if flows is not None:  # the highest apparent power through the transformer, either way
            imp, exp = site_peak_kva(assets, kinds, flows, spec.load_power_factor)
            peak = max(imp, exp)
            what = (f"the highest apparent power through it in the plan's hours, {peak:,.0f} kVA: peak import "
                    f"{imp:,.0f} kVA, peak export {exp:,.0f} kVA, loads at cos φ {spec.load_power_factor:g}, "
                    f"PV at unity")
            what_zh = (f"规划各小时通过该变压器的最大视在功率 {peak:,.0f} kVA：最大受电 {imp:,.0f} kVA、最大送出 "
                       f"{exp:,.0f} kVA，负荷 cos φ {spec.load_power_factor:g}，光伏功率因数 1")
        else:  # without the hourly flows: the assets' own peaks added (an upper bound)
            peak = sum(peaks.get(a, 0.0) for a in assets)
            what = f"the sum of its assets' peaks, {peak:,.0f} kVA"
            what_zh = f"各资产峰值之和 {peak:,.0f} kVA"
        if s is not None and s.transformer_kva:
            sn, n = s.transformer_kva, s.transformer_count
            how, how_zh = "stated", "用户给定"
        else:
            sn, n = rated_kva(peak / spec.design_loading)
            how = f"sized at {spec.design_loading:.0%} loading for {what}"
            how_zh = f"按负载率 {spec.design_loading:.0%} 选取，依据{what_zh}"
        _add_trafo(net, f"{name} transformer", site_mv, lv, sn, n, lim)
        ka = max(peak, sn * n) / (math.sqrt(3) * spec.mv_kv * 1000.0)
        ctype, npar = cable_for(ka / spec.design_loading)
        pp.create_line(net, mv, site_mv, d_m / 1000.0, ctype, name=f"{name} feeder", parallel=npar,
                       max_loading_percent=lim)
        pn.fact(f"site '{name}' ({', '.join(assets)}): {spec.mv_kv:g}/{spec.lv_kv:g} kV transformer {n} × {sn:,.0f} kVA "
                f"({how}); feeder {npar} × {ctype}, {d_m:,.0f} m"
                + ("" if dist is not None else " (default distance, labelled)"),
                f"站点“{name}”（{'、'.join(assets)}）：{spec.mv_kv:g}/{spec.lv_kv:g} kV 变压器 {n} × {sn:,.0f} kVA"
                f"（{how_zh}）；馈线 {npar} × {ctype}，{d_m:,.0f} m" + ("" if dist is not None else "（默认距离，假设）"))
        for a in assets:
            rows.append((a, kinds[a], lv))
    if idle:
        pn.fact(f"assets that draw nothing in the plan (peak below {IDLE_KVA:g} kVA) sit at the MV busbar "
                f"without a transformer or feeder of their own: {', '.join(idle)}",
                f"规划中无用电（峰值低于 {IDLE_KVA:g} kVA）的资产接于中压母线，不单独设变压器和馈线：{'、'.join(idle)}")
    placed = {r[0] for r in rows}
    for name, kind in kinds.items():
        if name not in placed:  # idle assets (a PV array sized 0 too) and batteries not placed
            rows.append((name, kind, mv))
            if kind == "battery":
                pn.fact(f"battery '{name}' at the MV busbar (not placed in a site)",
                        f"储能“{name}”接于中压母线（未指定站点）")
    rows.append(("unallocated", "unallocated", mv))
    pn.fact("transformers and cables are typical values for the stated ratings (labelled); PV at unity power "
            f"factor, loads at cos φ {spec.load_power_factor:g} lagging, battery at unity",
            f"变压器与电缆参数为相应容量的典型值（假设）；光伏功率因数 1，负荷 cos φ {spec.load_power_factor:g}（滞后），储能功率因数 1")
    for name, kind, b in rows:
        if kind == "pv_array":
            continue
        pp.create_load(net, b, p_mw=0.0, q_mvar=0.0, name=name)
        pn.load_assets.append((name, kind))
    where = {r[0]: r[2] for r in rows}
    for a in sc.pv_arrays:
        pp.create_sgen(net, where[a.name], p_mw=0.0, q_mvar=0.0, name=a.name, type="PV")
        pn.sgen_assets.append(a.name)
    return pn


def net_summary(pn: ParkNetwork) -> dict:
    """Counts and ratings of the network (summary.json)."""
    net = pn.net
    return {
        "layout": pn.layout,
        "buses": len(net.bus), "lines": len(net.line), "transformers": len(net.trafo),
        "switches": len(net.switch), "open_switches": int((~net.switch.closed).sum()) if len(net.switch) else 0,
        "transformer_kva": {str(r["name"]): float(r["sn_mva"] * 1000.0 * r["parallel"]) for _, r in net.trafo.iterrows()},
        "line_km": {str(r["name"]): float(r["length_km"]) for _, r in net.line.iterrows()},
        "facts": list(pn.facts),
        "facts_zh": list(pn.facts_zh),
    }


def upgrade_trafo_kva(sn_kva: float, peak_loading_percent: float, max_loading_percent: float, hv_kv: float) -> float:
    """Standard rating [kVA] that carries the observed peak within the limit."""
    need = sn_kva * peak_loading_percent / max_loading_percent
    r, n = rated_kva(need, HV_RATINGS_KVA if hv_kv > 20 else LV_RATINGS_KVA)
    return float(r * n)


def peak(values: np.ndarray) -> float:
    """Largest absolute value, 0 for an empty array."""
    return float(np.max(np.abs(values))) if np.size(values) else 0.0
