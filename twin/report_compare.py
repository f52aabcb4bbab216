"""Compare investment scenarios side by side from their ``summary.json`` files.

``twin compare out/a out/b ... -o compare.html`` reads each run's summary and
writes one table (CSV and HTML) and charts of cost, emissions and scores, so a
planner can put variants next to each other without re-running them.
"""

from __future__ import annotations

import html

import pandas as pd

from twin.results.summary import pv_share, read_summary
from twin.results.units import flat_sizes

#: Rows of the comparison: (label, unit, function of the summary).
ROWS = [
    ("park", "", lambda s: s["park"]["name"]),
    ("objective", "", lambda s: s["solver"]["objective"]),
    ("hours modelled", "h", lambda s: s["hours"]),
    ("annualised cost", "CNY/yr", lambda s: s["annualised_cost_cny"]),
    ("baseline cost", "CNY/yr", lambda s: s["baseline_cost_cny"]),
    ("investment (new assets)", "CNY", lambda s: s.get("capex_cny")),
    ("baseline emissions", "tCO2/yr", lambda s: s["emissions_tco2"]["baseline"]),
    ("gross emissions (grid + fuel)", "tCO2/yr", lambda s: s["emissions_tco2"]["gross"]),
    ("export credit", "tCO2/yr", lambda s: s["emissions_tco2"].get("export_credit")),
    ("green power credit", "tCO2/yr", lambda s: s["emissions_tco2"].get("green_power")),
    ("green certificate credit", "tCO2/yr", lambda s: s["emissions_tco2"].get("certificates")),
    ("residual emissions", "tCO2/yr", lambda s: s["emissions_tco2"]["residual"]),
    ("offsets", "tCO2/yr", lambda s: s["emissions_tco2"]["offsets"]),
    ("net emissions", "tCO2/yr", lambda s: s["emissions_tco2"]["net"]),
    ("green power bought", "MWh/yr", lambda s: s.get("purchases_mwh", {}).get("green_power")),
    ("green certificates bought", "MWh/yr", lambda s: s.get("purchases_mwh", {}).get("certificates")),
    ("PV share of electricity use (kWh/kWh)", "-", pv_share),
    ("grid import", "MWh/yr", lambda s: s["energy_mwh"].get("grid_import")),
    ("PV generation", "MWh/yr", lambda s: s["energy_mwh"].get("pv_generation")),
    ("910 core indicator", "tCO2/tce",
     lambda s: s.get("national_indicators", {}).get("core", {}).get("value_tco2_per_tce")),
    ("T/CSUS chapter 7 (provisional)", "/100", lambda s: s.get("scorecard", {}).get("aggregate", {}).get("chapter7_Q")),
    ("T/CSUS chapter 12 bonus (provisional)", "points", lambda s: s.get("scorecard", {}).get("aggregate", {}).get("QA")),
]


def comparison_table(runs: dict[str, dict]) -> pd.DataFrame:
    """One column per run, one row per headline quantity and per asset size."""
    rows = {}
    for label, unit, f in ROWS:
        key = f"{label} [{unit}]" if unit else label
        rows[key] = {name: _safe(f, s) for name, s in runs.items()}
    flat = {name: flat_sizes(s["sizes"]) for name, s in runs.items()}
    for k in sorted({k for f in flat.values() for k in f}):
        rows[f"size {k}"] = {name: f.get(k, 0.0) for name, f in flat.items()}
    return pd.DataFrame(rows).T


def _safe(f, s):
    try:
        return f(s)
    except (KeyError, TypeError):
        return None


def render_comparison(runs: dict[str, dict]) -> str:
    """Self-contained HTML page comparing the runs (plotly embedded)."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    table = comparison_table(runs)

    def fmt(v):
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
        return html.escape(str(v)) if v is not None else "–"

    head = "<tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in table.columns) + "</tr>"
    body = "".join("<tr><th>" + html.escape(i) + "</th>" + "".join(f"<td>{fmt(v)}</td>" for v in r) + "</tr>"
                   for i, r in zip(table.index, table.to_numpy()))
    names = list(runs)
    fig1 = go.Figure([go.Bar(name="annualised cost", x=names, y=[runs[n]["annualised_cost_cny"] for n in names])])
    fig1.update_layout(title="Annualised cost (CNY/yr)", height=380)
    fig2 = go.Figure()
    for key, label in (("baseline", "baseline"), ("residual", "residual"), ("offsets", "offsets")):
        fig2.add_bar(name=label, x=names, y=[runs[n]["emissions_tco2"][key] for n in names])
    fig2.update_layout(title="Emissions (tCO2/yr)", barmode="group", height=380)
    fig3 = go.Figure(go.Scatter(
        x=[runs[n]["emissions_tco2"]["residual"] for n in names], y=[runs[n]["annualised_cost_cny"] for n in names],
        text=names, mode="markers+text", textposition="top center"))
    fig3.update_layout(title="Cost against residual emissions", xaxis_title="tCO2/yr", yaxis_title="CNY/yr", height=420)
    divs = "".join(pio.to_html(f, include_plotlyjs=False, full_html=False) for f in (fig1, fig2, fig3))
    provisional = any(r.get("scorecard", {}).get("rubric", {}).get("provisional") for r in runs.values())
    note = ("<p><b>Scores use a PROVISIONAL rubric modelled on analogous standards, not the official "
            "T/CSUS 66-2023 values. 评分为暂定规则，非标准官方分值。</b></p>" if provisional else "")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Scenario comparison</title>"
            "<style>body{font-family:sans-serif;max-width:1200px;margin:auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left;background:#f3f3f3}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>Scenario comparison</h1>{note}<table>{head}{body}</table>{divs}</body></html>")


__all__ = ["ROWS", "comparison_table", "read_summary", "render_comparison"]
