"""The sweep page: spread of cost and emissions, the 910号 core indicator, robust assets.

One self-contained HTML page (plotly embedded) from ``sweep.nc`` content and the sweep
statistics (:func:`twin.sweep.collect.sweep_statistics`), in Chinese or English
(``lang``, as the run, comparison and pathway pages).
"""

from __future__ import annotations

import html

import numpy as np

from twin.fmt import fmt_number, fmt_share
from twin.report_text import _pick as _t  # (Chinese, English) pair in a language
from twin.report_text import label as asset_label
from twin.report_text import unit

#: Numbers of the sweep as the page names them: (Chinese, English).
LABELS = {
    "annualised_cost_cny": ("方案年化成本", "Annualised cost of the plan"), "capex_cny": ("投资", "Investment"),
    "npv_cny": ("相对现状园区的净现值", "NPV against today's park"),
    "residual_tco2": ("抵消前剩余排放", "Residual emissions before offsets"),
    "acceptance_tco2": ("910 验收口径排放", "Emissions, 910 acceptance basis"), "net_tco2": ("净排放", "Net emissions"),
    "offsets_tco2": ("购买的碳抵消", "Offsets bought"),
    "core_tco2_per_tce": ("910 核心指标（单位能耗碳排放）", "910 core indicator"),
    "lcoe_cny_per_mwh": ("平准化度电成本", "LCOE"),
    "annual_ghi_kwh_m2": ("典型年水平面总辐射", "annual GHI of the typical year"),
}

#: Controllers as the page names them.
CONTROLLER_LABELS = {"rule": ("规则控制", "rule-based"), "mpc": ("滚动优化（MPC）", "MPC")}
#: Operated numbers in the percentile table (``op_<controller>_<name>``).
OP_LABELS = {
    "cost_gap_cny": ("运行成本差距，{c}", "Operational cost gap, {c}"),
    "cost_gap_pct": ("运行成本差距（占最优），{c}", "Operational cost gap in % of the optimum, {c}"),
    "emissions_gap_tco2": ("运行排放差距，{c}", "Operational emissions gap, {c}"),
    "unserved_electricity_mwh": ("未供电量，{c}", "Electricity not served, {c}"),
}

#: The page's headings and sentences: (Chinese, English).
PAGE = {
    "title": ("多情景分析", "Sweep"),
    "head": ("{scenario} — {cases} 个情景：{ok} 个成功，{failed} 个失败，{missing} 个未运行；时段 {hours} 小时，随机种子 {seed}",
             "{scenario} — {cases} cases: {ok} ok, {failed} failed, {missing} not run; horizon {hours} h, seed {seed}"),
    "spread": ("分布", "Spread"), "assets": ("资产", "Assets"), "failed_cases": ("失败的情景", "Failed cases"),
    "quantity": ("指标", "quantity"), "unit": ("单位", "unit"), "cases": ("情景数", "cases"),
    "asset": ("资产", "asset"), "built_in": ("建设比例", "built in"), "robust": ("稳健", "robust"),
    "robust_rule": ("稳健：在至少 {share} 的成功情景中新建容量（高于现状园区 {tol} 以上）。",
                    ("Robust: new capacity above today's park (> {tol}) built in at least {share} of the successful "
                    "cases.")),
    "radiation": ("气象辐射基准：<b>{bases}</b>（weather/VALIDATION.md 第4节；各情景的 summary.json 给出其不确定度）",
                  ("Radiation basis of the weather: <b>{bases}</b> (weather/VALIDATION.md, section 4; each case's "
                  "summary states its uncertainty)")),
    "period": ("气温气候时段：<b>{periods}</b>（tmyx：近期气候；cswd：1971–2003；tmyx-2009-2023：2009–2023）",
               ("Temperature period of the weather: <b>{periods}</b> (tmyx: the recent climate; cswd: 1971–2003; "
               "tmyx-2009-2023: 2009–2023)")),
    "not_operated": (("逐时运行：<b>未运行</b> — 各情景只做了规划；多情景分析不运行情景文件的 <code>operation</code> 部分，"
                     "除非多情景文件设置 <code>operate: rule</code>、<code>mpc</code> 或 <code>both</code>"),
                     ("Operation: <b>not run</b> — the cases were sized only; a scenario's <code>operation</code> "
                     "section is not run in sweeps unless the sweep file sets <code>operate: rule</code>, "
                     "<code>mpc</code> or <code>both</code>")),
    "operated": ("逐时运行：<b>{ctrls}</b> — 每个情景在规划后逐时运行；差距相对完美预见的最优方案",
                 ("Operation: <b>{ctrls}</b> — every case operated hour by hour after sizing; the gaps are against "
                 "the plan's perfect-foresight optimum")),
    "core": ("达到 910号 核心指标的概率：<b>{p}</b>（{n} 个情景结果已知；短时段按年折算能量）",
             ("Probability of meeting the 910号 core indicator: <b>{p}</b> ({n} cases with a known result; short "
             "horizons scale energy to a year)")),
    "core_not_judged": ("910号 核心指标：<b>不判定</b>（{n} 个情景的园区能耗低于 910号 第一档，官方未给阈值；可在 "
                        "accounting.core_threshold_below_tier_tco2_per_tce 设定规划者阈值）",
                        ("910号 core indicator: <b>not judged</b> ({n} cases whose park uses less energy than 910号's "
                         "first tier, for which the notice gives no threshold; state one as "
                         "accounting.core_threshold_below_tier_tco2_per_tce)")),
    "out_of_reach": (("目标无法达到的情景：<b>{n}</b>（按可达到的最优值规划，objective.out_of_reach: closest；"
                     "cases.csv 中 targets_met = 0）"),
                     ("Cases whose stated targets are out of reach: <b>{n}</b> (planned for the best reachable value, "
                     "objective.out_of_reach: closest; column targets_met = 0 in cases.csv)")),
    "scatter": ("各情景的成本与剩余排放", "Cost against residual emissions, every case"),
    "n_cases": ("情景数", "cases"),
}


def page_text(key: str, lang: str, **fields) -> str:
    """A heading or sentence of the sweep page in ``lang`` ("zh" or "en"), its fields filled in."""
    return _t(PAGE[key], lang).format(**fields)


def label(key: str, lang: str = "en") -> str:
    """The page's name of a number of the sweep."""
    if key in LABELS:
        return _t(LABELS[key], lang)
    parts = key.split("_", 2)
    if key.startswith("op_") and len(parts) == 3 and parts[2] in OP_LABELS:
        c = CONTROLLER_LABELS.get(parts[1])
        return _t(OP_LABELS[parts[2]], lang).format(c=_t(c, lang) if c else parts[1])
    return key


def operation_text(summary: dict, lang: str = "en") -> str:
    """Whether the sweep's cases were operated hour by hour, and with which controllers."""
    op = summary.get("operation") or {}
    if op.get("operate", "none") == "none":
        return f"<p>{page_text('not_operated', lang)}</p>"
    ctrls = ", ".join(_t(CONTROLLER_LABELS[c], lang) if c in CONTROLLER_LABELS else c
                      for c in op.get("controllers", [])) or "–"
    return f"<p>{page_text('operated', lang, ctrls=html.escape(ctrls))}</p>"


def render_sweep(ds, summary: dict, lang: str = "zh") -> str:
    """Self-contained HTML page of a sweep in ``lang`` ("zh" or "en")."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    from twin.sweep.collect import BUILT_TOL, ROBUST_SHARE

    def esc(s) -> str:
        return html.escape(str(s))

    def num(x) -> str:
        return fmt_number(x, tol=1e-3)

    ok = ds["status"].values == "ok"
    rows = "".join(
        f"<tr><th>{esc(label(k, lang))}</th><td class='u'>{esc(unit(p['units'], lang))}</td>"
        f"<td>{num(p['p10'])}</td><td>{num(p['p50'])}</td><td>{num(p['p90'])}</td><td>{p['n']}</td></tr>"
        for k, p in summary["percentiles"].items())
    pct = (f"<table><tr><th>{page_text('quantity', lang)}</th><th>{page_text('unit', lang)}</th><th>P10</th>"
           f"<th>P50</th><th>P90</th><th>{page_text('cases', lang)}</th></tr>{rows}</table>")
    bases = summary.get("radiation_bases") or []
    if bases:
        pct += f"<p>{page_text('radiation', lang, bases=esc(', '.join(bases)))}</p>"
    periods = summary.get("temperature_periods") or []
    if periods:
        pct += f"<p>{page_text('period', lang, periods=esc(', '.join(periods)))}</p>"
    pct += operation_text(summary, lang)
    prob = summary.get("core_met_probability")
    core = (f"<p>{page_text('core', lang, p=fmt_share(prob) if prob is not None else '–', n=summary.get('core_met_cases_known', 0))}"
            "</p>")
    if summary.get("core_not_judged_cases"):
        core += f"<p>{page_text('core_not_judged', lang, n=summary['core_not_judged_cases'])}</p>"
    if summary.get("targets_out_of_reach_cases"):
        core += f"<p class='warn'>{page_text('out_of_reach', lang, n=summary['targets_out_of_reach_cases'])}</p>"
    arows = "".join(
        f"<tr><th>{esc(asset_label(a['asset'], lang))}</th><td class='u'>{esc(unit(a['units'], lang))}</td>"
        f"<td>{fmt_share(a['built_share'])}</td><td>{'✓ ' + page_text('robust', lang) if a['robust'] else ''}</td>"
        f"<td>{num(a['p10'])}</td><td>{num(a['p50'])}</td><td>{num(a['p90'])}</td></tr>" for a in summary["assets"])
    assets = (f"<table><tr><th>{page_text('asset', lang)}</th><th>{page_text('unit', lang)}</th>"
              f"<th>{page_text('built_in', lang)}</th><th></th><th>P10</th><th>P50</th><th>P90</th></tr>{arows}</table>"
              f"<p>{esc(page_text('robust_rule', lang, tol=BUILT_TOL, share=f'{ROBUST_SHARE:.0%}'))}</p>")
    figs = []
    x, y = ds["residual_tco2"].values[ok], ds["annualised_cost_cny"].values[ok]
    tco2, cny = unit("tCO2/yr", lang), unit("CNY/yr", lang)
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", text=list(ds["case"].values[ok]),
                               hovertemplate=f"%{{text}}<br>%{{x:,.3s}} {tco2}<br>%{{y:,.3s}} {cny}<extra></extra>"))
    fig.update_layout(title=page_text("scatter", lang), height=440, xaxis_title=tco2, yaxis_title=cny,
                      yaxis_tickformat=",.3s", xaxis_tickformat=",.3s")
    figs.append(fig)
    for key in ("annualised_cost_cny", "residual_tco2"):
        v = ds[key].values[ok]
        v = v[np.isfinite(v)]
        if v.size:
            f = go.Figure(go.Histogram(x=v, nbinsx=min(30, max(5, v.size // 2))))
            f.update_layout(title=label(key, lang), height=320, xaxis_title=unit(ds[key].attrs["units"], lang),
                            yaxis_title=page_text("n_cases", lang), xaxis_tickformat=",.3s")
            figs.append(f)
    divs = "".join(pio.to_html(f, include_plotlyjs=False, full_html=False) for f in figs)
    failed = summary.get("failed_cases") or []
    fail = (f"<h2>{page_text('failed_cases', lang)}</h2><ul>" + "".join(
        f"<li>{esc(f['id'])}: {esc(f['error'])}</li>" for f in failed) + "</ul>") if failed else ""
    sw = summary.get("sweep", {})
    head = page_text("head", lang, scenario=esc(sw.get("scenario", "")), cases=summary["cases"], ok=summary["ok"],
                     failed=summary["failed"], missing=summary["missing"], hours=sw.get("hours") or 8760,
                     seed=sw.get("seed"))
    title = page_text("title", lang)
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<title>{title}</title>"
            "<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:0 1em}table{border-collapse:collapse;"
            "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left;"
            "background:#f6f7f9}td.u{text-align:left;color:#555}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>{title}</h1><p>{head}</p>"
            f"<h2>{page_text('spread', lang)}</h2>{pct}{core}<h2>{page_text('assets', lang)}</h2>{assets}{divs}{fail}"
            "</body></html>")
