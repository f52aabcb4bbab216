"""The comparison page: tables against the base variant and the cost–emissions chart.

One self-contained HTML page (plotly embedded, opens offline) in Chinese or English,
numbers formatted as ``report.html`` formats them (:func:`twin.fmt.fmt_value`: every integer
digit of large values, about three significant figures of small ones; shares with one decimal),
so a run's figure reads the same in its report and in the comparison; units,
full labels (wrapped, never cut). The tables come from :func:`twin.compare.comparison_tables`.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from twin.compare import SECTIONS, ComparedRun, comparison_tables, pareto_front, read_summary  # noqa: F401
import numbers

from twin.fmt import fmt_percent, fmt_points, fmt_value
from twin.report_text import label as size_label
from twin.report_text import unit as unit_for

#: Magnitudes below this print as 0 in the tables (solver noise; 1 kg CO2, 0.001 CNY, 1 kWh when in MWh).
NOISE_DISPLAY = 1e-3

TEXT = {
    "title": ("Comparison of investment options", "投资方案对比"),
    "base": ("Base variant", "基准方案"),
    "diff": ("Differences to the base variant", "相对基准方案的差值"),
    "sizes": ("Sizes", "资产规模"),
    "chart": ("Annualised cost against residual emissions", "年化成本与剩余排放"),
    "front": ("Pareto front of", "帕累托前沿："),
    "nondom": ("not dominated among the variants", "方案中的非劣解"),
    "metric": ("Quantity", "指标"),
    "unit": ("Unit", "单位"),
    "better": ("better", "更优"),
    "cashflow": (
        ("Investment appraisal against keeping today's park: year 0 the overnight investment in new assets; "
        "years 1..N the annual savings = operating cost of today's park (baseline run: existing assets only) "
        "minus the plan's operating cost (energy, demand charges, fuel, O&M, wear, green power, certificates, "
        "carbon price and offsets; no capital annuities); assets with a shorter life are bought again, the "
        "remaining life is credited at straight-line value in year N. N is the longest asset lifetime of the "
        "plan and the rate the scenario's costs.discount_rate (both shown in the table). LCOE: electricity-supply "
        "assets and purchases per MWh used; LCOH: heat assets, fuel and their electricity at the LCOE per MWh of "
        "heat delivered."),
        ("投资评价以“维持现状”为对照：第0年为新增资产一次性投资；第1至N年为年节约 = 现状（仅现有资产的基线运行）"
        "年运行成本 − 方案年运行成本（购电、需量电费、燃料、运维、损耗、绿电、绿证、碳价与碳抵消，不含资本年金）；"
        "寿命较短的资产到期重置，第N年按直线法计入剩余价值。N取方案中最长资产寿命，折现率取场景 costs.discount_rate"
        "（均列于表中）。LCOE：供电资产与购电成本 / 园区用电量；LCOH：供热资产、燃料及其用电（按LCOE计）/ 供热量。")),
    "short": (("Runs shorter than a year scale energy and costs to a year; scores and the 910 pass/fail need a full "
              "year (shown as —)."),
              "短于一年的运行按比例折算为全年能量与成本；评分与910号是否达标需全年运行（显示为 —）。"),
    "provisional": (("Scores use a PROVISIONAL rubric modelled on analogous standards, not the official "
                    "T/CSUS 66-2023 values."), "评分为暂定规则（参照类似标准），非 T/CSUS 66-2023 官方分值。"),
    "failed": ("Variants that failed", "运行失败的方案"),
}


def keep_together(text: str) -> str:
    """``text`` (escaped HTML) with no line break before a closing bracket or punctuation mark,
    after an opening bracket, inside a number such as 50176-2016, or between a number and its
    unit (each pair in a
    ``<span class='nb'>``, which does not wrap): a wrapped Chinese label never leaves a lone
    "）" on a line of its own, whatever the browser's line-breaking rules; copied text stays
    as it was."""
    import re

    numbers = r"\d+(?:-\d+)+"  # a standard's number and year (GB 50176-2016), never split at the hyphen
    char = rf"(?:&#?\w+;|{numbers}|[^\s<>])"  # one character, an HTML entity or such a number
    op, cl = r"[（(\[「『]", r"[）)\]」』，、；。：]"
    text = re.sub(rf"{op}*{char}{cl}+|{op}+{char}|{numbers}", lambda m: f"<span class='nb'>{m.group(0)}</span>", text)
    return re.sub(r"(\d) (?=[A-Za-z%°])", r"\1&nbsp;", text)


def t(key: str, lang: str) -> str:
    en, zh = TEXT[key]
    return zh if lang == "zh" else en


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_cell(v, kind: str) -> str:
    """A table cell as report.html shows the same figure (``—`` for missing; counts such as
    hours and years as integers)."""
    if _missing(v):
        return "—"
    if kind == "share":
        return fmt_percent(v)
    if kind == "bool":
        return "✓" if v else "✗"
    if kind == "text":
        return html.escape(str(v))
    if isinstance(v, numbers.Integral):
        return f"{int(v):,d}"
    return fmt_value(v, tol=NOISE_DISPLAY)


def fmt_diff(v, kind: str, lang: str = "en") -> str:
    """A difference to the base in the cells' format, signed (shares in percentage points,
    :func:`twin.fmt.fmt_points`: "+94.4 pp", in Chinese "+94.4 个百分点")."""
    if _missing(v):
        return "—"
    if kind == "share":
        return fmt_points(v, lang)
    s = fmt_value(v, tol=NOISE_DISPLAY)
    return ("+" if v > 0 and s != "0" else "") + s


def _table(df: pd.DataFrame, runs: list[ComparedRun], lang: str, diff: bool = False) -> str:
    names = [r.name for r in runs if r.name in df.columns]
    lab = {r.name: r.label(lang) for r in runs}
    head = (f"<tr><th>{t('metric', lang)}</th><th>{t('unit', lang)}</th>"
            + "".join(f"<th>{html.escape(lab[n])}</th>" for n in names) + "</tr>")
    body, section = [], None
    for _, row in df.iterrows():
        if row["section"] != section:
            section = row["section"]
            title = SECTIONS.get(section, (section, section))
            body.append(f"<tr class='sec'><th colspan='{2 + len(names)}'>{html.escape(title[1] if lang == 'zh' else title[0])}</th></tr>")
        name = row["zh"] if lang == "zh" else row["en"]
        unit = "%" if row["kind"] == "share" and not diff else ("pp" if row["kind"] == "share" else row["unit"])
        better = f" <span class='b'>({t('better', lang)}: {'↓' if row['better'] == 'lower' else '↑'})</span>" \
            if diff and row["better"] else ""
        cells = "".join(f"<td>{keep_together(fmt_diff(row[n], row['kind'], lang) if diff else fmt_cell(row[n], row['kind']))}</td>"
                        for n in names)
        body.append(f"<tr><th>{keep_together(html.escape(name))}{better}</th><td class='u'>{html.escape(unit_for(unit, lang))}</td>"
                    f"{cells}</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _sizes_table(df: pd.DataFrame, runs: list[ComparedRun], lang: str) -> str:
    if df.empty:
        return ""
    names = [r.name for r in runs if r.name in df.columns]
    head = (f"<tr><th>{t('metric', lang)}</th><th>{t('unit', lang)}</th>"
            + "".join(f"<th>{html.escape(r.label(lang))}</th>" for r in runs if r.name in names) + "</tr>")
    rows = "".join(f"<tr><th>{keep_together(html.escape(size_label(str(k), lang)))}</th>"
                   f"<td class='u'>{html.escape(unit_for(row['unit'], lang))}</td>"
                   + "".join(f"<td>{fmt_value(row[n], tol=NOISE_DISPLAY)}</td>" for n in names) + "</tr>"
                   for k, row in df.iterrows())
    return f"<table>{head}{rows}</table>"


def cost_emissions_figure(runs: list[ComparedRun], lang: str = "en"):
    """Cost against residual emissions: every variant, the non-dominated ones joined, Pareto fronts where run."""
    import plotly.graph_objects as go

    pts = [(float(r.summary["emissions_tco2"]["residual"]), float(r.summary["annualised_cost_cny"])) for r in runs]
    fig = go.Figure()
    for r in runs:
        front = r.summary.get("pareto") or []
        if front:
            # a front sized on representative days holds the days' values; the run's marker is its full year
            days = "representative days" in str(front[0].get("sized_on", ""))
            fig.add_trace(go.Scatter(
                x=[p["residual_tco2"] for p in front], y=[p["cost_cny"] for p in front], mode="lines+markers",
                line={"dash": "dot"}, name=f"{t('front', lang)} {r.label(lang)}"
                + (("（典型日）" if lang == "zh" else " (representative days)") if days else "")))
    nd = pareto_front(pts)
    if len(nd) > 1:
        fig.add_trace(go.Scatter(x=[pts[i][0] for i in nd], y=[pts[i][1] for i in nd], mode="lines",
                                 line={"color": "#999"}, name=t("nondom", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=[p[0] for p in pts], y=[p[1] for p in pts], mode="markers+text", text=[r.label(lang) for r in runs],
        textposition="top center", marker={"size": 11}, name="variants" if lang == "en" else "方案",
        hovertemplate="%{text}<br>%{x:,.3s} tCO2/yr<br>%{y:,.3s} CNY/yr<extra></extra>"))
    fig.update_layout(title=t("chart", lang), height=460,
                      xaxis_title="tCO2/yr" + (" 剩余排放" if lang == "zh" else " residual emissions"),
                      yaxis_title="CNY/yr" + (" 年化成本" if lang == "zh" else " annualised cost"),
                      yaxis_tickformat=",.3s", xaxis_tickformat=",.3s")
    return fig


def render_comparison(runs: list[ComparedRun] | dict[str, dict], lang: str = "en", base: str | None = None,
                      failed: list[dict] | None = None, tables: dict | None = None) -> str:
    """Self-contained HTML page comparing the runs (plotly embedded)."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    if isinstance(runs, dict):  # {name: summary} as before
        runs = [ComparedRun(n, s) for n, s in runs.items()]
    tables = tables or comparison_tables(runs, base, lang)
    base = base or runs[0].name
    base_label = next(r.label(lang) for r in runs if r.name == base)
    fig = pio.to_html(cost_emissions_figure(runs, lang), include_plotlyjs=False, full_html=False)
    provisional = any(r.summary.get("scorecard", {}).get("rubric", {}).get("provisional") for r in runs)
    notes = [t("cashflow", lang)]
    if any(r.summary.get("hours", 8760) < 8760 for r in runs):
        notes.append(t("short", lang))
    horizons = {int(r.summary.get("hours", 8760)) for r in runs}
    if len(horizons) > 1:
        # a full year beside a 336-h January quick look read as +10.6 M CNY/yr "of the option"
        from twin.report_text import text as report_text

        hours = "; ".join(f"{r.label(lang)} {int(r.summary.get('hours', 8760)):,d} h" for r in runs)
        notes.insert(0, "<b>" + html.escape(report_text("cmp_horizons", lang).format(runs=hours)) + "</b>")
    if provisional:
        notes.append("<b>" + t("provisional", lang) + "</b>")
    desc = "".join(f"<li><b>{html.escape(r.label(lang))}</b> ({html.escape(r.name)}): {html.escape(r.describe(lang))}</li>"
                   for r in runs if r.describe(lang))
    fail = ""
    if failed:
        fail = f"<h2>{t('failed', lang)}</h2><ul>" + "".join(
            f"<li>{html.escape(f['name'])}: {html.escape(f['error'])}</li>" for f in failed) + "</ul>"
    diff = tables.get("differences")
    diff_html = (f"<h2>{t('diff', lang)} ({html.escape(base_label)})</h2>" + _table(diff, [r for r in runs if r.name != base], lang, diff=True)
                 if diff is not None and not diff.empty and len(runs) > 1 else "")
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{t('title', lang)}</title>"
            "<style>body{font-family:sans-serif;max-width:1300px;margin:auto;padding:0 1em}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
            "text-align:right;vertical-align:top}th{text-align:left;background:#f6f7f9;white-space:normal;"
            "max-width:28em}tr.sec th{background:#dfe6ee}td.u{text-align:left;color:#555;white-space:nowrap}"
            ".b{font-weight:normal;color:#666}.nb{white-space:nowrap}.note{color:#333;font-size:90%}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>{t('title', lang)}</h1><p>{t('base', lang)}: <b>{html.escape(base_label)}</b></p>"
            f"<ul>{desc}</ul>{_table(tables['comparison'], runs, lang)}{diff_html}{fig}"
            f"<h2>{t('sizes', lang)}</h2>{_sizes_table(tables['sizes'], runs, lang)}{fail}"
            + "".join(f"<p class='note'>{n}</p>" for n in notes) + "</body></html>")
