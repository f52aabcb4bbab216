"""Self-contained HTML report (plotly, opens with no network).

plotly.js is embedded once in the page; every chart is a ``<div>`` drawn by it.
The report answers, in order: what the park is and which assumptions hold; what
to build; what a year looks like; energy and carbon from baseline to plan; the
planning-stage scorecard; where each number came from.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import xarray as xr

TEXT = {
    "title": {"zh": "园区零碳规划报告", "en": "Park zero-carbon planning report"},
    "overview": {"zh": "概况", "en": "Overview"},
    "sizes": {"zh": "推荐配置（优化结果）", "en": "Recommended assets (optimal sizes)"},
    "balance": {"zh": "能量平衡", "en": "Energy balance"},
    "carbon": {"zh": "碳排放：从基准到规划", "en": "Carbon: from baseline to plan"},
    "profiles": {"zh": "组件逐时曲线", "en": "Hourly component profiles"},
    "costs": {"zh": "年化成本", "en": "Annualised cost"},
    "pareto": {"zh": "成本—排放权衡", "en": "Cost–emissions trade-off"},
    "provenance": {"zh": "数据来源与假设", "en": "Sources and assumptions"},
    "solver": {"zh": "求解信息", "en": "Solver"},
    "monthly": {"zh": "月度电量平衡 (MWh)", "en": "Monthly electricity balance (MWh)"},
    "week": {"zh": "典型周调度 (kW)", "en": "Dispatch in a typical week (kW)"},
    "heatmap_import": {"zh": "电网购电功率热力图 (kW)", "en": "Grid import heat map (kW)"},
    "baseline": {"zh": "基准", "en": "Baseline"},
    "plan": {"zh": "规划", "en": "Plan"},
}

LABELS = {
    "p_grid_import_kw": ("电网购电", "Grid import"),
    "p_grid_export_kw": ("上网电量", "Grid export"),
    "p_pv_kw": ("光伏", "PV"),
    "p_battery_discharge_kw": ("储能放电", "Battery discharge"),
    "p_battery_charge_kw": ("储能充电", "Battery charge"),
    "p_load_kw": ("固定负荷", "Fixed load"),
    "p_ev_charge_kw": ("电动汽车充电", "EV charging"),
    "p_ev_discharge_kw": ("V2G放电", "V2G discharge"),
    "p_heat_pump_kw": ("热泵用电", "Heat pumps"),
    "p_electric_boiler_kw": ("电锅炉", "Electric boiler"),
    "p_chiller_kw": ("冷机用电", "Chillers"),
}


def _t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _lab(var: str, lang: str) -> str:
    zh, en = LABELS.get(var, (var, var))
    return zh if lang == "zh" else en


def _esc(x) -> str:
    return html.escape(str(x))


def _table(rows: list[tuple], header: tuple | None = None) -> str:
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in header) + "</tr>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _fmt(v, nd=0) -> str:
    try:
        return f"{float(v):,.{nd}f}"
    except (TypeError, ValueError):
        return str(v)


def _sum_dims(da: xr.DataArray) -> xr.DataArray:
    extra = [d for d in da.dims if d != "time"]
    return da.sum(extra) if extra else da


def fig_monthly_balance(ds: xr.Dataset, lang: str):
    """Stacked monthly supply (positive) and uses (negative) of the electricity bus [MWh]."""
    import plotly.graph_objects as go

    fig = go.Figure()
    month = pd.DatetimeIndex(ds["time"].values).month
    supply = ["p_grid_import_kw", "p_pv_kw", "p_battery_discharge_kw", "p_ev_discharge_kw"]
    uses = ["p_load_kw", "p_ev_charge_kw", "p_heat_pump_kw", "p_electric_boiler_kw", "p_chiller_kw",
            "p_battery_charge_kw", "p_grid_export_kw"]
    for sign, group in ((1, supply), (-1, uses)):
        for v in group:
            if v in ds:
                s = pd.Series(_sum_dims(ds[v]).to_numpy(), index=month).groupby(level=0).sum() / 1000
                if s.abs().sum() > 1e-6:
                    fig.add_bar(x=s.index, y=sign * s.values, name=_lab(v, lang))
    fig.update_layout(barmode="relative", title=_t("monthly", lang), xaxis_title="month", yaxis_title="MWh",
                      height=420, margin=dict(t=50, l=60, r=20, b=40))
    return fig


def fig_week(ds: xr.Dataset, lang: str):
    """Dispatch of the week with the highest load (summer) [kW]."""
    import plotly.graph_objects as go

    n = ds.sizes["time"]
    load = _sum_dims(ds["p_load_kw"]).to_numpy() if "p_load_kw" in ds else np.zeros(n)
    if n > 24 * 7:
        weekly = pd.Series(load).rolling(24 * 7).sum().to_numpy()
        end = int(np.nanargmax(weekly)) + 1
        sl = slice(max(0, end - 24 * 7), end)
    else:
        sl = slice(0, n)
    sub = ds.isel(time=sl)
    t = pd.DatetimeIndex(sub["time"].values)
    fig = go.Figure()
    for v in ("p_pv_kw", "p_grid_import_kw", "p_battery_discharge_kw", "p_ev_discharge_kw"):
        if v in sub:
            fig.add_scatter(x=t, y=_sum_dims(sub[v]).to_numpy(), name=_lab(v, lang), stackgroup="supply", mode="none")
    demand = None
    for v in ("p_load_kw", "p_ev_charge_kw", "p_heat_pump_kw", "p_electric_boiler_kw", "p_chiller_kw",
              "p_battery_charge_kw", "p_grid_export_kw"):
        if v in sub:
            x = _sum_dims(sub[v]).to_numpy()
            demand = x if demand is None else demand + x
    if demand is not None:
        fig.add_scatter(x=t, y=demand, name="demand" if lang == "en" else "总用电", line=dict(color="black", width=1.5))
    fig.update_layout(title=_t("week", lang), yaxis_title="kW", height=420, margin=dict(t=50, l=60, r=20, b=40))
    return fig


def fig_heatmap(da: xr.DataArray, title: str, unit: str = "kW"):
    """Day-of-year × hour heat map of an hourly series."""
    import plotly.graph_objects as go

    v = _sum_dims(da).to_numpy()
    days = len(v) // 24
    if days < 1:
        return None
    z = v[: days * 24].reshape(days, 24).T
    fig = go.Figure(go.Heatmap(z=z, x=np.arange(1, days + 1), y=np.arange(24), colorscale="Viridis",
                               colorbar=dict(title=unit)))
    fig.update_layout(title=title, xaxis_title="day", yaxis_title="hour", height=320,
                      margin=dict(t=50, l=60, r=20, b=40))
    return fig


def fig_emissions(summary: dict, lang: str):
    """Baseline → gross → residual → net emissions [tCO2/yr]."""
    import plotly.graph_objects as go

    e = summary["emissions_tco2"]
    names = (["基准排放", "规划总排放", "绿证/绿电抵扣后", "碳抵消后(净)"] if lang == "zh"
             else ["Baseline", "Plan gross", "After certificates", "Net after offsets"])
    vals = [e["baseline"], e["gross"], e["residual"], e["net"]]
    fig = go.Figure(go.Bar(x=names, y=vals, text=[f"{v:,.0f}" for v in vals], textposition="outside",
                           marker_color=["#888", "#d62728", "#ff7f0e", "#2ca02c"]))
    fig.update_layout(title=_t("carbon", lang) + " (tCO2/yr)", height=380, margin=dict(t=50, l=60, r=20, b=40))
    return fig


def fig_costs(summary: dict, lang: str):
    import plotly.graph_objects as go

    c = {k: v for k, v in summary["costs_cny_per_yr"].items()
         if isinstance(v, (int, float)) and v and k not in ("total",) and not k.startswith("capex")}
    if not c:
        return None
    fig = go.Figure(go.Bar(x=list(c), y=list(c.values())))
    fig.update_layout(title=_t("costs", lang) + " (CNY/yr)", height=380, margin=dict(t=50, l=60, r=20, b=90))
    return fig


def fig_pareto(summary: dict, lang: str):
    import plotly.graph_objects as go

    pts = summary.get("pareto")
    if not pts:
        return None
    fig = go.Figure(go.Scatter(
        x=[p["residual_tco2"] for p in pts], y=[p["cost_cny"] for p in pts], mode="lines+markers",
        text=[f"MAC {p['mac_cny_per_t']:,.0f} CNY/t" if p["mac_cny_per_t"] is not None else "" for p in pts]))
    fig.update_layout(title=_t("pareto", lang), xaxis_title="residual tCO2/yr", yaxis_title="CNY/yr",
                      height=400, margin=dict(t=50, l=70, r=20, b=40))
    return fig


def _sizes_rows(summary: dict) -> list[tuple]:
    rows = []
    for k, v in summary["sizes"].items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                rows.append((f"{k} [{kk}]", _fmt(vv)))
        else:
            rows.append((k, _fmt(v)))
    return rows


def render_report(ds: xr.Dataset, summary: dict, ledger=None, scorecard=None, lang: str = "zh") -> str:
    """The complete HTML page as a string (plotly.js embedded, no network needed)."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    figs: list[tuple[str, object]] = []
    sections: list[str] = []

    def add(fig):
        if fig is None:
            return ""
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, config={"displaylogo": False})
        return f'<div class="fig">{div}</div>'

    p = summary["park"]
    e = summary["emissions_tco2"]
    sol = summary["solver"]
    w = summary["weather"]
    overview = _table([
        ("park" if lang == "en" else "园区", p["name"]),
        ("type" if lang == "en" else "类型", p["type"]),
        ("planning year" if lang == "en" else "规划年", p["planning_year"]),
        ("scenario" if lang == "en" else "情景文件", f"{summary['scenario']['file']} (sha256 {summary['scenario']['sha256'][:12]}…)"),
        ("weather" if lang == "en" else "气象", f"{w['source']} {w.get('reference_city') or ''}, GHI {w['annual_ghi_kwh_m2']:,.0f} kWh/m²"),
        ("hours modelled" if lang == "en" else "模拟小时数", summary["hours"]),
        ("renewable share (electricity)" if lang == "en" else "可再生电力占比", f"{summary['renewable_share']:.1%}"),
        ("annualised cost" if lang == "en" else "年化成本", f"{_fmt(summary['annualised_cost_cny'])} CNY/yr"),
        ("baseline → residual → net" if lang == "en" else "基准 → 剩余 → 净排放",
         f"{_fmt(e['baseline'])} → {_fmt(e['residual'])} → {_fmt(e['net'])} tCO2/yr (offsets {_fmt(e['offsets'])})"),
    ])
    notes = "".join(f"<li>{_esc(n)}</li>" for n in w.get("notes", []))
    sections.append(f"<h2>{_t('overview', lang)}</h2>{overview}<ul class='notes'>{notes}</ul>")
    sections.append(f"<h2>{_t('sizes', lang)}</h2>" + _table(_sizes_rows(summary), ("asset", "size")))

    en = summary["energy_mwh"]
    be = summary["baseline_energy_mwh"]
    keys = sorted(set(en) | set(be))
    sections.append(f"<h2>{_t('balance', lang)}</h2>" + _table(
        [(k, _fmt(be.get(k, 0), 1), _fmt(en.get(k, 0), 1)) for k in keys],
        ("MWh/yr", _t("baseline", lang), _t("plan", lang))))
    sections.append(add(fig_monthly_balance(ds, lang)) + add(fig_week(ds, lang)))
    if "p_grid_import_kw" in ds:
        sections.append(add(fig_heatmap(ds["p_grid_import_kw"], _t("heatmap_import", lang))))
    sections.append(f"<h2>{_t('carbon', lang)}</h2>" + add(fig_emissions(summary, lang)))
    sections.append(f"<h2>{_t('costs', lang)}</h2>" + _table(
        [(k, _fmt(v)) for k, v in summary["costs_cny_per_yr"].items() if isinstance(v, (int, float))],
        ("item", "CNY/yr")) + add(fig_costs(summary, lang)))
    if summary.get("pareto"):
        sections.append(f"<h2>{_t('pareto', lang)}</h2>" + add(fig_pareto(summary, lang)))

    prof_sections = []
    for var, title in (("pv_ac_per_kwp", "PV kW/kWp"), ("p_process_kw", "process kW"),
                       ("building_q_heating_kw", "building heating kW"), ("building_q_cooling_kw", "building cooling kW"),
                       ("ev_p_uncontrolled_kw", "EV uncontrolled charging kW"),
                       ("q_waste_heat_available_kw", "waste heat available kW"),
                       ("q_heat_pump_kw", "heat pump heat kW")):
        if var in ds:
            da = ds[var] if var != "pv_ac_per_kwp" else ds[var].mean([d for d in ds[var].dims if d != "time"])
            prof_sections.append(add(fig_heatmap(da, title, unit=title.split()[-1])))
    if prof_sections:
        sections.append(f"<h2>{_t('profiles', lang)}</h2>" + "".join(prof_sections))

    if scorecard is not None:
        from twin.report_scorecard import scorecard_section

        frag, sfigs = scorecard_section(scorecard, ledger, lang=lang)
        sections.append(frag + "".join(add(f) for f in sfigs))

    prov = [
        ("tariff", ds.attrs.get("tariff_source", "")),
        ("grid emission factor", ds["ef_grid_kgco2_per_kwh"].attrs.get("source", "") if "ef_grid_kgco2_per_kwh" in ds else ""),
        ("calendar", ds.attrs.get("calendar", "")),
    ]
    if "process_shape" in ds:
        for name, desc in zip(ds["process_load"].values, ds["process_shape"].values):
            prov.append((f"process load {name}", str(desc)))
    prov += [(f"version {k}", v) for k, v in summary["versions"].items()]
    sections.append(f"<h2>{_t('provenance', lang)}</h2>" + _table(prov))
    sections.append(f"<h2>{_t('solver', lang)}</h2>" + _table([(k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v)
                                                           for k, v in sol.items()]))

    css = ("body{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
           "max-width:1200px;margin:auto;padding:1em;color:#222}table{border-collapse:collapse;margin:.5em 0}"
           "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
           "th{background:#f3f3f3}h2{border-bottom:2px solid #2a7;padding-bottom:3px;margin-top:1.6em}"
           ".notes{color:#555}.fig{margin:1em 0}.provisional{color:#a40;font-weight:bold}")
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{_t('title', lang)} — {_esc(p['name'])}</title><style>{css}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>{_t('title', lang)}: {_esc(p['name'])}</h1>" + "".join(sections) + "</body></html>")
