"""Report section of the park-grid check (HTML fragment with plotly figures).

Rebuilt from the written outputs alone: the ``grid_*`` variables of results.nc and the
``grid`` section of summary.json. :func:`grid_section` returns the fragment that
``twin.report.render_report`` appends; plotly.js is embedded once by the page.
"""

from __future__ import annotations

from twin.grid.violations import hours_text
from twin.report_text import label

import html

import numpy as np
import xarray as xr

VERDICT = {
    "pass": ("通过：全年所有小时均在电网限值内", "Pass: every hour within the grid limits"),
    "pass_with_limits": ("通过（已加入并网点逐时限值后重新优化）", "Pass after re-solving with hourly limits at the point of connection"),
    "upgrade_needed": ("不通过：需要电网改造", "Fails: the park grid needs reinforcement"),
    "pass_with_upgrade": ("改造后通过", "Passes with the reinforcement"),
}


def _esc(x) -> str:
    return html.escape(str(x))


def _div(fig) -> str:
    from twin.report_page import figure_div

    return figure_div(fig)


def grid_title(lang: str) -> str:
    """Title of the section."""
    return "园区配电网交流潮流校核" if lang == "zh" else "Park grid: hourly AC power flow of the plan"


def fig_duration(ds: xr.Dataset, lang: str):
    """Loading duration curves of every transformer and line [%]."""
    import plotly.graph_objects as go

    from twin.grid.violations import duration_curve

    zh = lang == "zh"
    fig = go.Figure()
    for var, dim in (("grid_trafo_loading_percent", "grid_trafo"), ("grid_line_loading_percent", "grid_line")):
        if var not in ds:
            continue
        for name in ds[dim].values:
            y = duration_curve(ds[var].sel({dim: name}).values)
            fig.add_trace(go.Scatter(x=np.arange(1, y.size + 1), y=y, mode="lines", name=_name(name, zh)))
    fig.add_hline(y=100, line_dash="dash", line_color="#c62828")
    fig.update_layout(title="负载率持续曲线" if zh else "Loading duration curves", height=420,
                      xaxis_title="小时（降序）" if zh else "hours (sorted)", yaxis_title="%",
                      margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def fig_voltage_band(ds: xr.Dataset, v_min: float, v_max: float, lang: str):
    """Daily lowest and highest bus voltage over the year, with the allowed band [pu]."""
    import plotly.graph_objects as go

    zh = lang == "zh"
    vm = ds["grid_vm_pu"]
    lo = vm.min("grid_bus").resample(time="1D").min()
    hi = vm.max("grid_bus").resample(time="1D").max()
    t = lo["time"].values
    fig = go.Figure([
        go.Scatter(x=t, y=hi.values, mode="lines", name="日最高" if zh else "daily highest", line={"color": "#d97706"}),
        go.Scatter(x=t, y=lo.values, mode="lines", name="日最低" if zh else "daily lowest", line={"color": "#2563eb"},
                   fill="tonexty", fillcolor="rgba(100,116,139,0.2)"),
    ])
    for v in (v_min, v_max):
        fig.add_hline(y=v, line_dash="dash", line_color="#c62828")
    fig.update_layout(title="全年母线电压范围（所有母线）" if zh else "Bus voltage band over the year (all buses)",
                      height=360, yaxis_title="pu", margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return fig


def _positions(names, edges, root: int) -> dict[int, tuple[float, float]]:
    """Tree layout: depth from the point of connection on x, leaves spread on y."""
    adj: dict[int, list[int]] = {i: [] for i in range(len(names))}
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    pos, nxt = {}, [0.0]

    def visit(u, depth, parent):
        kids = [v for v in adj[u] if v != parent and v not in pos]
        pos[u] = (float(depth), 0.0)
        ys = []
        for v in kids:
            if v not in pos:
                ys.append(visit(v, depth + 1, u))
        y = float(np.mean(ys)) if ys else nxt[0]
        if not ys:
            nxt[0] += 1.0
        pos[u] = (float(depth), y)
        return y

    visit(root, 0, -1)
    for i in range(len(names)):  # islands
        if i not in pos:
            visit(i, 0, -1)
    return pos


def fig_one_line(ds: xr.Dataset, grid: dict, lang: str):
    """One-line diagram at the worst hour: buses by voltage, branches by loading."""
    import plotly.graph_objects as go

    zh = lang == "zh"
    topo = grid.get("topology")
    if not topo:
        return None
    buses = list(ds["grid_bus"].values)
    idx = {b: i for i, b in enumerate(buses)}
    edges = [(idx[e["from"]], idx[e["to"]], e["name"], e["kind"]) for e in topo if e["from"] in idx and e["to"] in idx]
    pcc = idx.get(grid.get("pcc_bus", buses[0]), 0)
    pos = _positions(buses, [(a, b) for a, b, _, _ in edges], pcc)
    h = int(grid.get("worst_hour", 0))
    vm = ds["grid_vm_pu"].isel(time=h).values
    fig = go.Figure()
    for a, b, name, kind in edges:
        var, dim = (("grid_line_loading_percent", "grid_line") if kind == "line"
                    else ("grid_trafo_loading_percent", "grid_trafo"))
        ld = float(ds[var].sel({dim: name}).isel(time=h)) if name in ds[dim].values else float("nan")
        col = "#c62828" if ld > 100 else ("#d97706" if ld > 80 else "#2a7")
        (x0, y0), (x1, y1) = pos[a], pos[b]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="text",
                                 line={"color": col, "width": 5 if kind == "trafo" else 3,
                                       "dash": "dot" if kind == "trafo" else "solid"},
                                 text=f"{_name(name, zh)}: {ld:.0f} %"))
    xs = [pos[i][0] for i in range(len(buses))]
    ys = [pos[i][1] for i in range(len(buses))]
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=[_name(b, zh) for b in buses], textposition="top center",
        marker={"size": 12, "color": vm, "colorscale": "RdYlBu", "cmin": 0.9, "cmax": 1.1,
                "colorbar": {"title": "pu"}, "line": {"width": 1, "color": "#333"}},
        hovertext=[f"{_name(b, zh)}: {v:.4f} pu" for b, v in zip(buses, vm)], hoverinfo="text", showlegend=False))
    t = _when(ds["time"].values[h])
    fig.update_layout(title=(f"最不利小时单线图（{t}）：线宽颜色=负载率，节点颜色=电压" if zh else
                             f"One-line diagram at the worst hour ({t}): branch colour = loading, bus colour = voltage"),
                      height=max(360, 40 * (max(ys) + 2) if ys else 360), xaxis={"visible": False},
                      yaxis={"visible": False}, margin={"l": 20, "r": 20, "t": 50, "b": 20})
    return fig


def _item_text(it: dict, zh: bool) -> str:
    """One reinforcement item in words."""
    c = it.get("capex_cny")
    cost = (f"{c:,.0f} 元" if zh else f"{c:,.0f} CNY") if c else ("未计价" if zh else "not priced")
    if it["kind"] == "transformer":
        return f"{it['from_kva']:,.0f} → {it['to_kva']:,.0f} kVA, {cost}"
    if it["kind"] == "cable":
        return (f"增加 {it['extra_circuits']} 回 × {it['length_km']:.2f} km，{cost}" if zh
                else f"{it['extra_circuits']} more circuit(s) × {it['length_km']:.2f} km, {cost}")
    if it["kind"] in ("undervoltage", "overvoltage"):
        return (f"{it['worst_pu']:.4f} pu：调整分接头、光伏逆变器无功或加强馈线，{cost}" if zh
                else f"{it['worst_pu']:.4f} pu: taps, PV inverter reactive power or a stronger feeder, {cost}")
    return (f"{it['worst_kw']:,.0f} kW > {it['limit_kw']:,.0f} kW：向供电公司申请增容（报装容量），{cost}" if zh
            else f"{it['worst_kw']:,.0f} kW > {it['limit_kw']:,.0f} kW: ask the utility for more capacity (报装容量), {cost}")


_NAMES_ZH = (("main transformer", "主变"), ("point of connection", "并网点"), ("MV busbar", "中压母线"),
             (" transformer", " 变压器"), (" feeder", " 馈线"))
_KINDS = {"line_loading": ("线路过载", "line overload"), "trafo_loading": ("变压器过载", "transformer overload"),
          "undervoltage": ("低电压", "undervoltage"), "overvoltage": ("过电压", "overvoltage"),
          "pcc_import": ("并网点购电超限", "import above the contract at the point of connection"),
          "pcc_export": ("并网点上网超限", "export above the limit at the point of connection"),
          "transformer": ("变压器增容", "larger transformer"), "cable": ("增加电缆回路", "more cable circuits")}


#: Unit of a violation's worst value and limit by kind (twin.grid.violations.Violation).
_UNITS = {"line_loading": "%", "trafo_loading": "%", "undervoltage": "pu", "overvoltage": "pu",
          "pcc_import": "kW", "pcc_export": "kW"}


def _with_unit(x: float, kind: str) -> str:
    """A violation's worst value or limit with its unit: loading in %, voltage in pu, power at the
    point of connection in kW."""
    u = _UNITS.get(kind, "")
    if u == "kW":
        return f"{x:,.0f} kW"
    if u == "pu":
        return f"{x:.4f} pu"
    return f"{x:.4g} {u}".rstrip()


def _name(n: str, zh: bool) -> str:
    """Element names the tool generated, in the report's language."""
    if not zh:
        return str(n)
    n = str(n)
    for en, z in _NAMES_ZH:
        if n == en.strip() or n.endswith(en):
            return n[: len(n) - len(en)] + z if n.endswith(en) and n != en.strip() else z
    return n


def _operated_limits_note(grid: dict, zh: bool) -> str:
    """What the operated years know of the grid limits (twin.operate runs the published plan's problem)."""
    if grid.get("hourly_import_limit"):
        return ("运行年与规划方案遵守相同的并网点逐时购电限值：实际购电从不超过限值，限值内无法供应的负荷被切除并计为未供电量；"
                "滚动优化在其预测窗口内按这些限值安排，规则控制在限值内安排电动汽车充电，其储能充电由设备运行层实时截断" if zh else
                "the operated years keep to the same hourly import limits at the point of connection as the plan: "
                "the import never exceeds them, and load that cannot be served within them is shed and counted as "
                "unserved; the rolling horizon plans with them over its window, the rule-based controller plans its "
                "EV charging within them and the plant cuts its battery charging to them in real time")
    return ("运行年与规划方案遵守相同的合同购电限值" if zh else
            "the operated years keep to the contracted import limit, as the plan does")


def _kind(k: str, zh: bool) -> str:
    return _KINDS.get(k, (k, k))[0 if zh else 1]


def _when(t) -> str:
    return str(t)[:16].replace("T", " ")


def _rows(rows) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def grid_section(ds: xr.Dataset, grid: dict, lang: str = "zh", number: int = 0, heading: bool = True) -> str:
    """The report's park-grid section.

    Parameters
    ----------
    ds : xarray.Dataset
        results.nc content with the ``grid_*`` variables.
    grid : dict
        ``summary["grid"]``.
    """
    zh = lang == "zh"
    i = 0 if zh else 1
    title = grid_title(lang)
    head = "" if not heading else (f"<h2>{number}. {title}</h2>" if number else f"<h2>{title}</h2>")
    if "grid_vm_pu" not in ds or "network" not in grid:
        note = grid.get("note", "")
        return head + f"<p class='notes'>{_esc(note)}</p>"
    verdict = grid["verdict"]
    T = int(grid.get("hours_modelled") or ds.sizes.get("time", 8760))
    cls = "ok" if verdict.startswith("pass") else "bad"
    up = grid.get("upgrade") or {}
    rows = [
        ("结论" if zh else "Verdict", VERDICT.get(verdict, (verdict, verdict))[i]),
        ("反馈迭代次数" if zh else "Re-solves of the feedback loop", grid["iterations"]),
        ("越限小时数（发布方案）" if zh else "Hours with a violation (published plan)",
         hours_text(grid["violating_hours"], T, zh)),
        ("未收敛小时" if zh else "Hours not converged", hours_text(grid["nonconverged_hours"], T, zh)),
        ("网损" if zh else "Network losses", f"{grid['losses_mwh']:,.1f} MWh/{'年' if zh else 'yr'}"
         + (f" ({grid['losses_share_of_import']:.2%})" if grid.get("losses_share_of_import") is not None else "")
         + _losses_value(grid.get("losses") or {}, zh)),
        ("电压范围" if zh else "Voltage range", f"{grid['vm_min_pu']:.4f} – {grid['vm_max_pu']:.4f} pu"),
        ("并网点最大购电（交流）" if zh else "Peak AC import at the point of connection", f"{grid['peak_pcc_import_kw']:,.0f} kW"),
        ("批量潮流求解时间" if zh else "Batch power-flow time", f"{grid['batch_solve_time_s']:.2f} s"),
    ]
    if grid.get("objective_increase_cny_per_yr"):
        rows.append(("限值带来的年化成本增加" if zh else "Annual cost added by the grid limits",
                     f"{grid['objective_increase_cny_per_yr']:,.0f} {'元/年' if zh else 'CNY/yr'}"))
    if up.get("capex_cny"):
        rows.append(("改造方案投资" if zh else "Reinforcement capex (alternative)",
                     f"{up['capex_cny']:,.0f} 元（{up['annuity_cny_per_yr']:,.0f} 元/年）" if zh else
                     f"{up['capex_cny']:,.0f} CNY ({up['annuity_cny_per_yr']:,.0f} CNY/yr)"))
        if "passes_after_upgrade" in up:
            rows.append(("改造后首个方案的校核" if zh else "First plan on the reinforced network",
                         _after_upgrade(up, zh)))
    xc = grid.get("crosscheck") or {}
    if xc:
        dl = max(xc["max_abs_diff_line_loading_percent"], xc["max_abs_diff_trafo_loading_percent"])
        rows.append(("与 pandapower runpp 校核" if zh else "Cross-check against pandapower runpp",
                     (f"{len(xc['hours'])} 个小时：电压最大偏差 {xc['max_abs_diff_vm_pu']:.1e} pu，负载率最大偏差 {dl:.1e} %"
                      if zh else f"{len(xc['hours'])} hours: max |ΔV| {xc['max_abs_diff_vm_pu']:.1e} pu, "
                      f"max |Δloading| {dl:.1e} %")))
    parts = [head, f"<p class='{cls}'>{_esc(VERDICT.get(verdict, (verdict, verdict))[i])}</p>", _rows(rows)]
    viol = grid.get("violations") or grid.get("first_plan_violations") or []
    if viol:
        parts.append("<h3>" + ("越限元件" if zh else "Violations") + "</h3>" + _rows(
            [("元件" if zh else "element", "类型" if zh else "kind", "小时" if zh else "hours", "最不利" if zh else "worst",
              "限值" if zh else "limit", "时刻" if zh else "when")]
            + [(_name(v["element"], zh), _kind(v["kind"], zh), hours_text(v["hours"], T, zh),
                _with_unit(v["worst"], v["kind"]),
                _with_unit(v["limit"], v["kind"]), _when(v.get("worst_time", v["worst_hour"]))) for v in viol]))
    if up.get("items"):
        parts.append("<h3>" + ("改造方案" if zh else "Reinforcement") + "</h3>" + _rows(
            [(_name(it["element"], zh), _kind(it["kind"], zh), _item_text(it, zh)) for it in up["items"]])
            + "<p class='notes'>" + _esc("改造单价为示意值（假设，grid.network.upgrade_costs）" if zh
                                         else up.get("prices", {}).get("note", "")) + "</p>")
    ops = grid.get("operated") or {}
    if ops:
        hdr = (("控制器", "结论", "越限小时", "变压器最大负载率", "电压范围") if zh else
               ("controller", "verdict", "hours with a violation", "highest transformer loading", "voltage range"))
        vtext = {"pass": ("通过", "pass"), "violations": ("越限", "violations"),
                 "not_converged": ("潮流在任何小时均未收敛", "the AC flow converged in no hour")}

        def op_row(k: str, o: dict) -> tuple:
            name, verdict = label(f"controller_{k}", "zh" if zh else "en"), vtext.get(o["verdict"], (o["verdict"],) * 2)[i]
            if o["verdict"] == "not_converged":  # nothing to read off; the note says why
                return name, verdict if zh else f"{verdict}: {o.get('note', '')}", "—", "—", "—"
            return (name, verdict, hours_text(o["violating_hours"], T, zh),
                    f"{max(o['max_trafo_loading_percent'].values(), default=0.0):.1f} %",
                    f"{o['vm_min_pu']:.4f} – {o['vm_max_pu']:.4f} pu")

        parts.append("<h3>" + ("运行年（无完美预测）的电网校核" if zh else "The operated year on the grid (no perfect foresight)")
                     + "</h3>" + _rows([hdr] + [op_row(k, o) for k, o in ops.items()])
                     + "<p class='notes'>" + _esc(_operated_limits_note(grid, zh)) + "</p>"
                     + "<p class='notes'>" + _esc(THRESHOLDS_NOTE[i]) + "</p>")
    facts = (grid["network"].get("facts_zh", []) + grid.get("notes_zh", []) if zh
             else grid["network"].get("facts", []) + grid.get("notes", []))
    parts.append("<ul class='notes'>" + "".join(f"<li>{_esc(f)}</li>" for f in facts) + "</ul>")
    parts.append(_div(fig_duration(ds, lang)))
    parts.append(_div(fig_voltage_band(ds, grid.get("v_min_pu", 0.93), grid.get("v_max_pu", 1.07), lang)))
    one = fig_one_line(ds, grid, lang)
    if one is not None:
        parts.append(_div(one))
    return "".join(parts)


#: Why the AC check's violating hours of an operated year and the operation section's transformer hours differ.
THRESHOLDS_NOTE = (
    "此处的越限小时按交流潮流计：变压器电流负载率（含网损和电压）超过其负载率限值（默认 100 %）；运行章节的变压器越限小时"
    "按运行保护所守的容量计：额定容量 × 负载率限值 × (1 − 裕度) / 交流系数，不含网损。两者阈值不同，小时数因此不同。",
    "The hours with a violation here are the AC check's: a transformer's current-based loading (with losses and "
    "voltage) above its loading limit (100 % by default); the operation section's transformer hours count the "
    "apparent power above the capacity its guard holds, rating × loading limit × (1 − margin) / AC factor, without "
    "losses. The thresholds differ, and so do the counts.",
)


def _losses_value(losses: dict, zh: bool) -> str:
    """The losses' cost and CO2, and that they are in none of the plan's figures."""
    if losses.get("cost_cny_per_yr") is None and losses.get("tco2_per_yr") is None:
        return ""
    cost = losses.get("cost_cny_per_yr")
    co2 = losses.get("tco2_per_yr")
    if zh:
        vals = "，".join(x for x in (f"按各小时购电价计 {cost:,.0f} 元/年" if cost is not None else "",
                                    f"按各小时电网排放因子计 {co2:,.1f} tCO2/年" if co2 is not None else "") if x)
        return f"；{vals}；{losses.get('note_zh', '')}"
    vals = ", ".join(x for x in (f"{cost:,.0f} CNY/yr at the hours' import prices" if cost is not None else "",
                                 f"{co2:,.1f} tCO2/yr at the hours' grid factors" if co2 is not None else "") if x)
    return f"; {vals}; {losses.get('note', '')}"


def _after_upgrade(up: dict, zh: bool) -> str:
    """Whether the first plan passes on the reinforced network, and what still breaks."""
    rounds = up.get("upgrade_rounds", 1)
    if up["passes_after_upgrade"]:
        return (f"满足全部限值（改造规模经 {rounds} 轮潮流校核确定）" if zh
                else f"within every limit (reinforcement sized in {rounds} round(s) of the flow)")
    nc = up.get("nonconverged_hours_after_upgrade", 0)
    left = len(up.get("remaining_after_upgrade") or [])
    return (f"仍有 {left} 处越限、{nc} 个小时潮流不收敛：改造规模不足，需专项设计" if zh
            else f"still {left} violation(s) and {nc} hour(s) without a converged flow: the reinforcement "
                 "is not enough, a design study is needed")

