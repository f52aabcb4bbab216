"""The sweep page: spread of cost and emissions, the 910号 core indicator, robust assets.

One self-contained HTML page (plotly embedded) from ``sweep.nc`` content and the sweep
statistics (:func:`twin.sweep.collect.sweep_statistics`).
"""

from __future__ import annotations

import html

import numpy as np

from twin.fmt import fmt_number, fmt_share

LABELS = {
    "annualised_cost_cny": "Annualised cost of the plan 方案年化成本", "capex_cny": "Investment 投资",
    "npv_cny": "NPV against today's park 净现值", "residual_tco2": "Residual emissions before offsets 抵消前剩余排放",
    "acceptance_tco2": "Emissions, 910 acceptance basis 验收口径排放", "net_tco2": "Net emissions 净排放",
    "offsets_tco2": "Offsets bought 碳抵消", "core_tco2_per_tce": "910 core indicator 单位能耗碳排放",
    "lcoe_cny_per_mwh": "LCOE 平准化度电成本",
    "annual_ghi_kwh_m2": "annual GHI of the typical year 典型年水平面总辐射",
}


#: Controllers as the page names them.
CONTROLLER_LABELS = {"rule": "rule-based 规则控制", "mpc": "MPC 滚动优化"}
#: Operated numbers in the percentile table (``op_<controller>_<name>``).
OP_LABELS = {
    "cost_gap_cny": "Operational cost gap, {c} 运行成本差距",
    "cost_gap_pct": "Operational cost gap in % of the optimum, {c} 运行成本差距（占最优）",
    "emissions_gap_tco2": "Operational emissions gap, {c} 运行排放差距",
    "unserved_electricity_mwh": "Electricity not served, {c} 未供电量",
}


def label(key: str) -> str:
    """The page's name of a number of the sweep."""
    if key in LABELS:
        return LABELS[key]
    parts = key.split("_", 2)
    if key.startswith("op_") and len(parts) == 3 and parts[2] in OP_LABELS:
        return OP_LABELS[parts[2]].format(c=CONTROLLER_LABELS.get(parts[1], parts[1]))
    return key


def operation_text(summary: dict) -> str:
    """Whether the sweep's cases were operated hour by hour, and with which controllers."""
    op = summary.get("operation") or {}
    if op.get("operate", "none") == "none":
        return ("<p>Operation 逐时运行: <b>not run 未运行</b> — the cases were sized only; a scenario's "
                "<code>operation</code> section is not run in sweeps unless the sweep file sets "
                "<code>operate: rule</code>, <code>mpc</code> or <code>both</code> "
                "(多情景分析默认不做逐时运行模拟；在多情景文件中设置 operate 以记录各情景的运行差距)</p>")
    ctrls = ", ".join(CONTROLLER_LABELS.get(c, c) for c in op.get("controllers", [])) or "–"
    return (f"<p>Operation 逐时运行: <b>{html.escape(ctrls)}</b> — every case operated hour by hour after "
            "sizing; the gaps are against the plan's perfect-foresight optimum "
            "(每个情景在规划后逐时运行，差距相对完美预见最优)</p>")


def render_sweep(ds, summary: dict) -> str:
    """Self-contained HTML page of a sweep."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    ok = ds["status"].values == "ok"
    rows = "".join(
        f"<tr><th>{html.escape(label(k))}</th><td class='u'>{html.escape(p['units'])}</td>"
        f"<td>{fmt_number(p['p10'], tol=1e-3)}</td><td>{fmt_number(p['p50'], tol=1e-3)}</td>"
        f"<td>{fmt_number(p['p90'], tol=1e-3)}</td><td>{p['n']}</td></tr>"
        for k, p in summary["percentiles"].items())
    pct = (f"<table><tr><th>quantity 指标</th><th>unit 单位</th><th>P10</th><th>P50</th><th>P90</th><th>cases</th></tr>"
           f"{rows}</table>")
    bases = summary.get("radiation_bases") or []
    if bases:
        pct += (f"<p>Radiation basis of the weather 气象辐射基准: <b>{html.escape(', '.join(bases))}</b> "
                f"(weather/VALIDATION.md, section 4; each case's summary states its uncertainty)</p>")
    periods = summary.get("temperature_periods") or []
    if periods:
        pct += (f"<p>Temperature period of the weather 气温气候时段: <b>{html.escape(', '.join(periods))}</b> "
                f"(tmyx: the recent climate 近期气候; cswd: 1971–2003; tmyx-2009-2023: 2009–2023)</p>")
    pct += operation_text(summary)
    prob = summary.get("core_met_probability")
    core = ("<p>Probability of meeting the 910号 core indicator 达到核心指标的概率: <b>"
            + (fmt_share(prob) if prob is not None else "–") + f"</b> ({summary.get('core_met_cases_known', 0)} cases "
            "with a known result; short horizons scale energy to a year)</p>")
    if summary.get("targets_out_of_reach_cases"):
        core += (f"<p class='warn'>Cases whose stated targets are out of reach 目标无法达到的情景: "
                 f"<b>{summary['targets_out_of_reach_cases']}</b> (planned for the best reachable value, "
                 "objective.out_of_reach: closest; column targets_met = 0 in cases.csv)</p>")
    arows = "".join(
        f"<tr><th>{html.escape(a['asset'])}</th><td class='u'>{html.escape(a['units'])}</td>"
        f"<td>{fmt_share(a['built_share'])}</td><td>{'✓ robust 稳健' if a['robust'] else ''}</td>"
        f"<td>{fmt_number(a['p10'], tol=1e-3)}</td><td>{fmt_number(a['p50'], tol=1e-3)}</td>"
        f"<td>{fmt_number(a['p90'], tol=1e-3)}</td></tr>" for a in summary["assets"])
    assets = (f"<table><tr><th>asset 资产</th><th>unit</th><th>built in 建设比例</th><th></th><th>P10</th><th>P50</th>"
              f"<th>P90</th></tr>{arows}</table><p>Robust: {html.escape(summary['robust_rule'])}.</p>")
    figs = []
    x, y = ds["residual_tco2"].values[ok], ds["annualised_cost_cny"].values[ok]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", text=list(ds["case"].values[ok]),
                               hovertemplate="%{text}<br>%{x:,.3s} tCO2/yr<br>%{y:,.3s} CNY/yr<extra></extra>"))
    fig.update_layout(title="Cost against residual emissions, every case 各情景成本与剩余排放", height=440,
                      xaxis_title="tCO2/yr", yaxis_title="CNY/yr", yaxis_tickformat=",.3s", xaxis_tickformat=",.3s")
    figs.append(fig)
    for key in ("annualised_cost_cny", "residual_tco2"):
        v = ds[key].values[ok]
        v = v[np.isfinite(v)]
        if v.size:
            f = go.Figure(go.Histogram(x=v, nbinsx=min(30, max(5, v.size // 2))))
            f.update_layout(title=LABELS[key], height=320, xaxis_title=ds[key].attrs["units"], yaxis_title="cases",
                            xaxis_tickformat=",.3s")
            figs.append(f)
    divs = "".join(pio.to_html(f, include_plotlyjs=False, full_html=False) for f in figs)
    failed = summary.get("failed_cases") or []
    fail = ("<h2>Failed cases 失败的情景</h2><ul>" + "".join(
        f"<li>{html.escape(f['id'])}: {html.escape(str(f['error']))}</li>" for f in failed) + "</ul>") if failed else ""
    sw = summary.get("sweep", {})
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sweep 多情景分析</title>"
            "<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:0 1em}table{border-collapse:collapse;"
            "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left;"
            "background:#f6f7f9}td.u{text-align:left;color:#555}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>Sweep 多情景分析</h1><p>{html.escape(str(sw.get('scenario', '')))} — {summary['cases']} cases: "
            f"{summary['ok']} ok, {summary['failed']} failed, {summary['missing']} not run; "
            f"horizon {sw.get('hours') or 8760} h, seed {sw.get('seed')}</p>"
            f"<h2>Spread 分布</h2>{pct}{core}<h2>Assets 资产</h2>{assets}{divs}{fail}</body></html>")
