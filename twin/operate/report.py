"""The report's section on the operated park: the optimum against each controller.

:func:`operation_section` returns the HTML of the section (table of the operational gap,
monthly costs and peaks optimum vs controllers, the worst week); :mod:`twin.report`
calls it right after the headline table when ``summary["operation"]`` exists.
plotly is imported inside the figure functions.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from twin.operate.metrics import difference

COLORS = {"optimum": "#2a7", "rule": "#d97706", "mpc": "#2563eb"}
NAMES = {"optimum": ("最优（完美预测）", "optimum (perfect foresight)"), "rule": ("规则控制", "rule-based"),
         "mpc": ("滚动优化（MPC）", "rolling horizon (MPC)")}


def _n(name: str, lang: str) -> str:
    return NAMES.get(name, (name, name))[0 if lang == "zh" else 1]


def _fmt(v, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "—"
    v = float(v)
    if abs(v) >= 1000 or v == 0:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _rows(op: dict, lang: str) -> list[tuple]:
    from twin.report_text import unit as text_unit

    zh = lang == "zh"
    ctrls = op.get("controllers", [])
    opt = op["optimum"]

    def max_peak(m):
        return max(m["monthly_peak_kw"].values(), default=0.0)

    items = [
        ("年化总成本" if zh else "Annualised cost", "CNY/yr", lambda m: m["annualised_cost_cny"]),
        ("其中：未供能量（按失负荷价值）" if zh else "of which unserved energy at the value of lost load", "CNY/yr",
         lambda m: m["costs_cny"].get("unserved_energy", 0.0)),
        ("购电电费" if zh else "Energy import", "CNY/yr", lambda m: m["costs_cny"]["energy_import"]),
        ("需量电费" if zh else "Demand charges", "CNY/yr", lambda m: m["costs_cny"]["demand_charge"]),
        ("燃料" if zh else "Fuel", "CNY/yr", lambda m: m["costs_cny"]["fuel"]),
        ("总排放" if zh else "Gross emissions", "tCO2/yr", lambda m: m["emissions_tco2"]["gross"]),
        ("其中：申报的工业过程 CO2（各控制方式相同）" if zh else
         "of which declared industrial-process CO2 (the same for every controller)", "tCO2/yr",
         lambda m: m["emissions_tco2"].get("process", 0.0)),
        ("所需抵消量" if zh else "Offsets needed", "tCO2/yr", lambda m: m["emissions_tco2"]["offsets_needed"]),
        ("最大月需量" if zh else "Highest monthly peak", "kW", max_peak),
        ("EV 未按时交付电量" if zh else "EV energy not delivered by departure", "MWh/yr",
         lambda m: m["ev_energy_not_delivered_mwh"]),
        ("期末仍欠 EV 电量（按方案 EV 充电均价计入成本与排放）" if zh else
         "EV energy still owed at the horizon's end (in cost and emissions at the plan's EV charging average)",
         "MWh/yr", lambda m: m.get("ev_energy_owed_mwh", 0.0)),
        ("未供电量" if zh else "Unserved electricity", "MWh/yr", lambda m: m["unserved_mwh"]["electricity"]),
        ("未供热量" if zh else "Unserved heat", "MWh/yr", lambda m: m["unserved_mwh"]["heat"]),
        ("未供冷量" if zh else "Unserved cooling", "MWh/yr", lambda m: m["unserved_mwh"]["cooling"]),
        ("未供能量合计（含 EV 欠交）" if zh else "Unserved energy in all (with EV charging short)", "MWh/yr",
         lambda m: m["unserved_mwh"].get("total", 0.0)),
        ("电池等效循环" if zh else "Battery equivalent full cycles", "1/yr", lambda m: m["battery_cycles"]),
        ("弃光" if zh else "PV curtailed", "MWh/yr", lambda m: m["curtailment_mwh"]),
    ]
    if any(m.get("heat_pump_scop") is not None for m in [opt, *(op[c] for c in ctrls)]):
        items.append(("热泵季节性能系数 SCOP（供热量/用电量）" if zh else
                      "Heat pumps' seasonal COP (heat delivered / electricity used)", "kWh/kWh",
                      lambda m: m.get("heat_pump_scop")))
    if opt.get("cold_stores"):  # cold stores: cooling they delivered, and their equivalent full cycles
        items += [
            ("蓄冷放冷量" if zh else "Cooling from cold stores", "MWh/yr",
             lambda m: sum(x["discharge_mwh"] for x in (m.get("cold_stores") or {}).get("stores", {}).values())),
            ("蓄冷等效循环" if zh else "Cold storage equivalent full cycles", "1/yr", lambda m: m.get("cold_cycles")),
        ]
    if any(op[c].get("connection", {}).get("guard_hours", 0.0) > 0
           or op[c].get("connection", {}).get("overload_hours", 0.0) > 0 for c in ctrls):
        items += [
            ("并网容量保护动作小时数" if zh else "Hours the connection guard acted", "h/yr",
             lambda m: m.get("connection", {}).get("guard_hours")),
            ("并网容量保护削减的交换电量" if zh else "Exchange the connection guard took off", "MWh/yr",
             lambda m: m.get("connection", {}).get("guard_mwh")),
            ("超出并网容量的小时数" if zh else "Hours of import above the connection's capacity", "h/yr",
             lambda m: m.get("connection", {}).get("overload_hours")),
            ("超出并网容量的购电量" if zh else "Import above the connection's capacity", "MWh/yr",
             lambda m: m.get("connection", {}).get("overload_mwh")),
        ]
    if any(op[c].get("transformers") for c in ctrls):
        items += _transformer_items(op, ctrls, zh)
    rows = []
    for label, unit, f in items:
        vals = [f(opt)] + [f(op[c]) for c in ctrls]
        row = [label, _fmt(vals[0])]
        for v in vals[1:]:
            if v is None or vals[0] is None:  # not defined for the optimum (the plant's guard) or absent
                row.append(_fmt(v))
                continue
            d = difference(v, vals[0])
            rel = f" ({100 * d / abs(vals[0]):+.1f} %)" if label in ("年化总成本", "Annualised cost") and vals[0] else ""
            row.append(f"{_fmt(v)} [{'+' if d >= 0 else ''}{_fmt(d)}{rel}]")
        row.append(text_unit(unit, lang))
        rows.append(tuple(row))
    rows += _ev_promise_rows(op, ctrls, lang)
    return rows


def _transformer_items(op: dict, ctrls: list[str], zh: bool) -> list[tuple]:
    """Rows of the transformers behind the point of connection (the site guard and the violations
    left, :func:`twin.operate.metrics.transformer_guard`): all together, then each transformer's
    hours above its capacity and its largest loading; none for the optimum (no guard)."""

    def tr(m):
        return m.get("transformers") or {}

    def each(name, key):
        return lambda m: (tr(m).get("by_transformer", {}).get(name) or {}).get(key)

    items = [
        ("站点变压器超容量小时数" if zh else "Hours with a site transformer above its capacity", "h/yr",
         lambda m: tr(m).get("violation_hours")),
        ("站点变压器最大超容量" if zh else "Largest overload of a site transformer", "kW",
         lambda m: tr(m).get("max_overload_kw")),
        ("站点变压器保护动作小时数" if zh else "Hours the site guard acted", "h/yr", lambda m: tr(m).get("guard_hours")),
        ("站点变压器保护削减的电量" if zh else "Flow the site guard took off", "MWh/yr", lambda m: tr(m).get("guard_mwh")),
    ]
    names: dict[str, float] = {}
    for c in ctrls:
        for n, v in tr(op[c]).get("by_transformer", {}).items():
            names.setdefault(n, v["capacity_kva"])
    for n, kva in names.items():
        items += [
            ((f"变压器“{n}”（{kva:,.0f} kVA）：超容量小时数" if zh else
              f"Transformer '{n}' ({kva:,.0f} kVA): hours above its capacity"), "h/yr", each(n, "violation_hours")),
            ((f"变压器“{n}”：最大负载率（不计损耗）" if zh else f"Transformer '{n}': highest loading (losses not modelled)"),
             "%", each(n, "max_loading_percent")),
        ]
    return items


def _ev_promise_rows(op: dict, ctrls: list[str], lang: str) -> list[tuple]:
    """One row per EV fleet with each controller's promises kept / violated in its own column
    [sessions]; fleets in the order they first appear."""
    zh = lang == "zh"
    fleets: list[str] = []
    for c in ctrls:
        fleets += [f for f in op[c].get("run", {}).get("ev", {}) if f not in fleets]
    rows = []
    for fleet in fleets:
        cells = []
        for c in ctrls:
            st = op[c].get("run", {}).get("ev", {}).get(fleet)
            cells.append(f"{st['promises_kept']:,} / {st['promises_violated']:,}" if st else "—")
        rows.append(((f"{fleet}：承诺兑现/未兑现" if zh else f"{fleet}: promises kept / violated"), "—",
                     *cells, "次充电" if zh else "sessions"))
    return rows


def _monthly_energy_cost(price: np.ndarray, imp: np.ndarray, months: np.ndarray) -> dict:
    return pd.Series(price * imp).groupby(months).sum().to_dict()


def fig_monthly(ds, op: dict, lang: str):
    """Monthly energy import cost + demand charge: optimum and each controller (grouped bars)."""
    import plotly.graph_objects as go

    if "p_grid_import_kw" not in ds or "op_p_grid_import_kw" not in ds:
        return None
    months = pd.DatetimeIndex(ds["time"].values).month.to_numpy()
    price = ds["price_import_cny_per_kwh"].values if "price_import_cny_per_kwh" in ds else np.zeros(months.size)
    fig = go.Figure()
    series = {"optimum": ds["p_grid_import_kw"].values}
    for c in op.get("controllers", []):
        series[c] = ds["op_p_grid_import_kw"].sel(controller=c).values
    for name, imp in series.items():
        e = _monthly_energy_cost(price, imp, months)
        m = op["optimum"] if name == "optimum" else op[name]
        dem = {int(k): v for k, v in m["monthly_demand_charge_cny"].items()}
        x = sorted(e)
        fig.add_bar(x=x, y=[(e[k] + dem.get(int(k), 0.0)) / 1e4 for k in x], name=_n(name, lang),
                    marker_color=COLORS.get(name))
    fig.update_layout(barmode="group", template="plotly_white", height=380,
                      title=("每月电费（电量+需量）" if lang == "zh" else "Monthly electricity bill (energy + demand)"),
                      yaxis_title=("万元" if lang == "zh" else "10k CNY"), xaxis_title=("月" if lang == "zh" else "month"),
                      margin={"t": 50, "l": 70, "r": 20, "b": 50})
    return fig


def fig_peaks(op: dict, lang: str):
    """Monthly import peaks: optimum and each controller."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for name in ["optimum", *op.get("controllers", [])]:
        m = op["optimum"] if name == "optimum" else op[name]
        pk = {int(k): v for k, v in m["monthly_peak_kw"].items()}
        x = sorted(pk)
        fig.add_bar(x=x, y=[pk[k] for k in x], name=_n(name, lang), marker_color=COLORS.get(name))
    fig.update_layout(barmode="group", template="plotly_white", height=360,
                      title=("每月最大购电需量" if lang == "zh" else "Monthly peak import"), yaxis_title="kW",
                      xaxis_title=("月" if lang == "zh" else "month"), margin={"t": 50, "l": 70, "r": 20, "b": 50})
    return fig


def worst_week(ds, op: dict) -> tuple[int, str] | None:
    """Start hour and controller of the 7-day window (whole days) with the largest extra energy
    cost against the optimum."""
    if "op_p_grid_import_kw" not in ds or "price_import_cny_per_kwh" not in ds:
        return None
    price = ds["price_import_cny_per_kwh"].values
    base = price * ds["p_grid_import_kw"].values
    T = base.size
    n = min(168, T)
    best = None
    for c in op.get("controllers", []):
        extra = price * ds["op_p_grid_import_kw"].sel(controller=c).values - base
        cs = np.concatenate([[0.0], np.cumsum(extra)])
        starts = np.arange(0, T - n + 1, 24)
        if starts.size == 0:
            continue
        w = cs[starts + n] - cs[starts]
        i = int(np.argmax(w))
        if best is None or w[i] > best[0]:
            best = (w[i], int(starts[i]), c)
    return None if best is None else (best[1], best[2])


def fig_worst_week(ds, op: dict, lang: str):
    """Grid import and battery content in the worst week: optimum and each controller."""
    from plotly.subplots import make_subplots

    ww = worst_week(ds, op)
    if ww is None:
        return None
    t0, who = ww
    sl = slice(t0, t0 + 168)
    x = pd.DatetimeIndex(ds["time"].values[sl])
    batt = "e_battery_kwh" in ds and "op_e_battery_kwh" in ds
    fig = make_subplots(rows=2 if batt else 1, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_scatter(x=x, y=ds["p_grid_import_kw"].values[sl], name=_n("optimum", lang),
                    line={"color": COLORS["optimum"]}, row=1, col=1)
    for c in op.get("controllers", []):
        fig.add_scatter(x=x, y=ds["op_p_grid_import_kw"].sel(controller=c).values[sl], name=_n(c, lang),
                        line={"color": COLORS.get(c)}, row=1, col=1)
        if batt:
            fig.add_scatter(x=x, y=_stores_total(ds["op_e_battery_kwh"].sel(controller=c))[sl], showlegend=False,
                            line={"color": COLORS.get(c), "dash": "dot"}, row=2, col=1)
    if batt:
        fig.add_scatter(x=x, y=_stores_total(ds["e_battery_kwh"])[sl], showlegend=False,
                        line={"color": COLORS["optimum"], "dash": "dot"}, row=2, col=1)
        fig.update_yaxes(title_text=("电池电量 kWh" if lang == "zh" else "battery kWh"), row=2, col=1)
    fig.update_yaxes(title_text=("购电 kW" if lang == "zh" else "import kW"), row=1, col=1)
    title = (f"最差一周（{x[0]:%m-%d} 起，{_n(who, lang)}相对最优多付电费最多）" if lang == "zh"
             else f"Worst week (from {x[0]:%m-%d}: largest extra energy cost of the {_n(who, lang)} controller)")
    fig.update_layout(template="plotly_white", height=520 if batt else 380, title=title,
                      margin={"t": 60, "l": 70, "r": 20, "b": 40})
    return fig


def operation_title(lang: str) -> str:
    """Title of the section."""
    return "无完美预见的运行：运行差距" if lang == "zh" else "Operated without perfect foresight: the operational gap"


def operation_section(ds, summary: dict, lang: str, add) -> str:
    """HTML of the operation section (empty when the run did not operate the park).

    Parameters
    ----------
    ds : xarray.Dataset
        The run's dataset (plan dispatch and ``op_*`` variables).
    summary : dict
        The run summary; reads ``summary["operation"]``.
    lang : {"zh", "en"}
    add : callable
        ``add(fig) -> html`` of the report (embeds a plotly figure).
    """
    op = summary.get("operation")
    if not op or not op.get("controllers"):
        return ""
    zh = lang == "zh"
    esc = html.escape
    st = op.get("settings", {})
    fc = st.get("forecast", {})
    ctrls = op["controllers"]
    head = ("项目" if zh else "Item", _n("optimum", lang), *[f"{_n(c, lang)} [{'差值' if zh else 'gap'}]" for c in ctrls],
            "单位" if zh else "Unit")
    intro = (("以上为完美预测下的最优方案。实际运行时控制器只知道过去和带误差的预测："
              f"规则控制逐时按规则调度；滚动优化每 {st.get('step_h')} 小时用 `solvers` 重新优化未来 {st.get('horizon_h')} 小时"
              f"（预测误差 AR(1)，光伏日前误差 {100 * fc.get('pv_sd_of_peak', 0):.0f}% 装机，负荷 "
              f"{100 * fc.get('load_sd_of_mean', 0):.1f}% 平均负荷，φ = {fc.get('phi')}，种子 {st.get('seed')}）。"
              "向规划者报告时应引用下表中控制器的数字（运行差距）。")
             if zh else
             ("The figures above are the perfect-foresight optimum. In operation a controller knows only the past and "
              f"forecasts with errors: the rule-based controller dispatches hour by hour; the rolling-horizon controller "
              f"re-optimises the next {st.get('horizon_h')} h every {st.get('step_h')} h with `solvers` (AR(1) forecast "
              f"errors: PV day-ahead {100 * fc.get('pv_sd_of_peak', 0):.0f} % of peak, load "
              f"{100 * fc.get('load_sd_of_mean', 0):.1f} % of mean, φ = {fc.get('phi')}, seed {st.get('seed')}). "
              "The controllers' figures (the operational gap) are the numbers to quote."))
    from twin.report import _table
    from twin.report_text import phrase_html

    # a controller that served less than the plan: said before the gap, which is not like for like
    warn = "".join(f"<p class='bad'>{phrase_html(w, lang)}</p>" for w in op.get("warnings", []))
    parts = [f"<p class='explain'>{esc(intro)}</p>", warn, _table(_rows(op, lang), head, "num")]
    faults = op.get("faults", [])
    if faults:
        # the faults as the scenario states them (data)
        parts.append("<p class='notes'>" + ("故障：" if zh else "Faults: ") + "<span class='data'>"
                     + esc("; ".join(map(str, faults))) + "</span></p>")
    src = st.get("value_of_lost_load_source")
    cite = ([("失负荷价值出处：" if zh else "Source of the value of lost load: ") + f"<span class='cite'>{esc(src)}</span>"]
            if src and src != "ASSUMED" else [])
    parts.append("<ul class='notes'>" + "".join(f"<li>{phrase_html(n, lang)}</li>" for n in op.get("notes", []))
                 + "".join(f"<li>{c}</li>" for c in cite) + "</ul>")
    parts += [add(fig_monthly(ds, op, lang)), add(fig_peaks(op, lang)), add(fig_worst_week(ds, op, lang))]
    return "".join(parts)


def _stores_total(da):
    """Hourly values summed over the ``battery`` dimension (all batteries together)."""
    return (da.sum("battery") if "battery" in da.dims else da).values
