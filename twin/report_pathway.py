"""The pathway report: what to build when, emissions and cost per year, when each milestone is met.

Reads only the written ``summary.json`` content (its ``pathway`` section), so the page can
be rebuilt from the outputs. Words come from the report catalogue (:mod:`twin.report_text`).
"""

from __future__ import annotations

import html

from twin.report import fmt
from twin.report_text import label, phrase, phrase_html, text, unit


def _esc(x) -> str:
    return html.escape(str(x))


def _split(name: str) -> tuple[str, str | None]:
    if name.endswith("]") and "[" in name:
        k, a = name[:-1].split("[", 1)
        return k, a
    return name, None


def _asset(name: str, lang: str) -> str:
    k, a = _split(name)
    return label(k, lang) + (f" — {a}" if a else "")


def _vintage_name(v: dict) -> str:
    """Size name of a vintage dict: ``key`` or ``key[asset]``."""
    return v["key"] + (f"[{v['asset']}]" if v["asset"] else "")


def _unit_of(name: str) -> str:
    k, _ = _split(name)
    return "kWp" if k.startswith("pv") else ("kWh" if k.endswith("_kwh") else "kW")


def fig_capacity(pw: dict, lang: str):
    """Capacity in service by period, stacked by asset family [kW / kWh / kWp on separate bars]."""
    from plotly.subplots import make_subplots

    from twin.report_charts import style

    rows = pw["by_period"]
    years = [str(r["year"]) for r in rows]
    names = sorted({n for r in rows for n, v in r["sizes"].items() if v > 0.5 and _split(n)[0] in (
        "pv_kwp", "battery_kwh", "battery_kw", "heat_pump_kw", "tes_kwh", "boiler_kw", "chiller_kw")})
    if not names:
        return None
    groups = [("kWp", [n for n in names if _unit_of(n) == "kWp"]), ("kWh", [n for n in names if _unit_of(n) == "kWh"]),
              ("kW", [n for n in names if _unit_of(n) == "kW"])]
    groups = [(u, ns) for u, ns in groups if ns]
    fig = make_subplots(rows=1, cols=len(groups), subplot_titles=[u for u, _ in groups])
    for c, (u, ns) in enumerate(groups, 1):
        for n in ns:
            fig.add_bar(x=years, y=[r["sizes"].get(n, 0.0) for r in rows], name=f"{_asset(n, lang)} [{u}]", row=1, col=c)
    style(fig, text("pw_capacity", lang), height=400)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return fig


def fig_emissions(pw: dict, lang: str):
    """Baseline, residual and net emissions by period [tCO2/yr]."""
    import plotly.graph_objects as go

    from twin.report_charts import style

    rows = pw["by_period"]
    years = [str(r["year"]) for r in rows]
    fig = go.Figure()
    fig.add_scatter(x=years, y=[r["emissions_tco2"]["baseline"] for r in rows], name=text("pw_period_start", lang),
                    line={"dash": "dot", "color": "#888"})
    fig.add_bar(x=years, y=[r["emissions_tco2"]["residual"] for r in rows], name=label("residual", lang))
    fig.add_bar(x=years, y=[r["emissions_tco2"]["offsets"] for r in rows], name=label("offsets", lang))
    fig.add_scatter(x=years, y=[r["emissions_tco2"]["net"] for r in rows], name=label("net", lang),
                    mode="lines+markers", line={"color": "black"})
    process = [r["emissions_tco2"].get("process", 0.0) for r in rows]
    if any(process):  # declared, in the residual: the part no asset of the plan reduces
        fig.add_scatter(x=years, y=process, name=label("process", lang, "emission"), mode="lines+markers",
                        line={"dash": "dash", "color": "#8c564b"})
    style(fig, text("pw_emissions", lang), unit("tCO2/yr", lang), height=380)
    fig.update_xaxes(type="category")
    return fig


def fig_costs(pw: dict, lang: str):
    """Cost of a year of each period: operation and capital of the assets in service [10k CNY/yr]."""
    import plotly.graph_objects as go

    from twin.report_charts import style

    rows = pw["by_period"]
    years = [str(r["year"]) for r in rows]
    fig = go.Figure([go.Bar(x=years, y=[r["operating_cost_cny_per_yr"] / 1e4 for r in rows], name=text("pw_operating", lang)),
                     go.Bar(x=years, y=[r["capital_charge_cny_per_yr"] / 1e4 for r in rows], name=text("pw_capital", lang))])
    fig.update_layout(barmode="stack")
    style(fig, text("pw_costs", lang), unit("10k CNY/yr", lang), height=360)
    fig.update_xaxes(type="category")
    return fig


def _timeline(pw: dict, lang: str) -> str:
    zh = lang == "zh"
    head = (text("pw_period", lang), text("pw_built", lang), text("pw_retired_span", lang), text("pw_factor", lang),
            label("net", lang) + f" [{unit('tCO2/yr', lang)}]", text("pw_core", lang),
            text("pw_year_cost", lang) + f" [{unit('10k CNY/yr', lang)}]")
    out = ["<table class='num'><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in head) + "</tr>"]
    for r in pw["by_period"]:
        built = "<br>".join(f"{_esc(_asset(n, lang))} {fmt(v)} {_unit_of(n)}" for n, v in r["built"].items()) or "—"
        ret = "<br>".join(_retired_text(v, lang) for v in r["retired"]) or "—"
        ci = r["core_indicator"]
        core = "—" if ci is None else (f"{fmt(ci['value_tco2_per_tce'])} · "
                                       f"{text('pass', lang) if ci['pass'] else text('fail', lang)}")
        gf = r["inputs"]["grid_factor_kgco2_per_kwh"]
        src = phrase(r["inputs"]["grid_factor_source"], lang)
        factor = ("—" if gf is None else fmt(gf)) + f"<br><span class='small'>{_esc(src)}</span>"
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in (
            f"{r['year']}–{r['end_year'] - 1}", built, ret, factor, fmt(r["emissions_tco2"]["net"]), core,
            fmt(r["annual_cost_cny_per_yr"] / 1e4))) + "</tr>")
    out.append("</table>")
    if any(r["retired"] for r in pw["by_period"]):
        out.append(f"<p class='notes'>{_esc(text('pw_retired_rule', lang))}</p>")
    if any(v.get("todays_plant") for r in pw["by_period"] for v in r["retired"]):
        out.append(f"<p class='notes'>{_esc(text('pw_retired_existing_rule', lang))}</p>")
    del zh
    return "".join(out)


def _retired_text(v: dict, lang: str) -> str:
    """One retirement of the timeline: a vintage (build year – first year out of service), or today's plant
    (marked existing: its commissioning year, '?' where not given – first year out of service)."""
    head = f"{_esc(_asset(_vintage_name(v), lang))} {fmt(v['size'])}"
    if v.get("todays_plant"):
        since = "?" if v.get("year") is None else v["year"]
        return f"{head} ({_esc(text('pw_todays_plant', lang))} {since}–{v['retirement_year']})"
    return f"{head} ({v['year']}–{v.get('retirement_year', '?')})"


def _warnings(pw: dict, lang: str) -> str:
    """What the pathway does not deliver: targets out of reach (by period) and a period that could not be solved."""
    out = []
    shortfalls = pw.get("shortfalls") or []
    if shortfalls:
        items = "".join(f"<li>{sf['year']}: {phrase_html(sf['sentence'], lang)}"
                        + "".join(f"<br>{phrase_html(x, lang)}" for x in sf.get("remains", [])) + "</li>"
                        for sf in shortfalls)
        out.append(f"<div class='warn'><b>{_esc(text('pw_out_of_reach', lang))}</b><ul>{items}</ul>"
                   f"<p class='notes'>{_esc(text('pw_out_of_reach_note', lang))}</p></div>")
    failed = pw.get("failed_period")
    if failed:
        out.append(f"<div class='warn'><b>{_esc(text('pw_incomplete', lang))}</b>"
                   f"<p>{_esc(text('pw_incomplete_note', lang).format(year=failed['year']))}</p>"
                   f"<p><code>{_esc(failed['error'])}</code></p></div>")
    return "".join(out)


def render_pathway_report(summary: dict, lang: str = "zh") -> str:
    """The pathway page (self-contained, offline) from a pathway run's ``summary.json`` content."""
    from twin.report_page import figure_div, page

    pw = summary["pathway"]
    park = summary["park"]
    zh = lang == "zh"
    rows = pw["by_period"]
    first = pw["first_year_met"]

    def year_or_not(y):
        return str(y) if y is not None else text("pw_not_met", lang)

    npv = pw["npv_cost_cny"]
    cards = [
        (text("pw_npv", lang), "—" if npv is None else (f"{fmt(npv / 1e4)} 万元" if zh else f"{fmt(npv / 1e6)} M CNY"),
         text("pw_npv_incomplete", lang) if npv is None else
         text("pw_npv_note", lang).format(y0=pw["periods"][0], end=pw["end_year"] - 1, r=f"{pw['discount_rate']:.0%}")),
        (text("pw_net", lang), f"{fmt(rows[0]['emissions_tco2']['net'])} → {fmt(rows[-1]['emissions_tco2']['net'])} "
                               f"tCO2/{'年' if zh else 'yr'}",
         f"{rows[0]['year']} → {rows[-1]['year']}"),
        (text("pw_first_core", lang), year_or_not(first["core_indicator_pass"]), text("pw_first_core_note", lang)),
        (text("pw_first_net_zero", lang), year_or_not(first["net_zero"]), ""),
    ]
    card_html = "".join(f"<div class='card'><div class='k'>{_esc(k)}</div><div class='v'>{_esc(v)}</div>"
                        f"<div class='d'>{_esc(d)}</div></div>" for k, v, d in cards)
    notes = "".join(f"<li>{phrase_html(n, lang)}</li>" for n in pw["notes"])
    w = summary.get("weather") or {}
    if w:  # the site's weather and its radiation basis hold for every period
        from twin.report import _weather_text

        unc = w.get("expected_uncertainty")
        extra = ((f"；年总辐射预期不确定度约 {100 * unc:.0f}%" if zh else
                  f"; expected annual GHI uncertainty about {100 * unc:.0f} %") if unc else "")
        notes = (f"<li>{_esc(('气象' if zh else 'Weather') + ('：' if zh else ': '))}"
                 f"{_esc(_weather_text(w, fmt, zh) + extra)}</li>") + notes
    links = " · ".join(f"<a href='periods/{r['year']}/report.html'>{r['year']}</a>" for r in rows)
    sub = "pw_subtitle_foresight" if pw.get("mode") == "foresight" else "pw_subtitle"
    body = (f"<h1>{_esc(text('pw_title', lang))}{'：' if zh else ': '}{_esc(park['name'])}</h1>"
            f"<p class='subtitle'>{_esc(text(sub, lang).format(n=len(rows), y0=pw['periods'][0], end=pw['end_year'] - 1))}</p>"
            f"<div class='cards'>{card_html}</div>{_warnings(pw, lang)}"
            f"<section id='timeline'><h2>1. {_esc(text('pw_timeline', lang))}</h2>{_timeline(pw, lang)}"
            f"<p class='notes'>{_esc(text('pw_period_reports', lang))}: {links}</p></section>"
            f"<section id='capacity'><h2>2. {_esc(text('pw_capacity', lang))}</h2>{figure_div(fig_capacity(pw, lang))}</section>"
            f"<section id='emissions'><h2>3. {_esc(text('pw_emissions', lang))}</h2>{figure_div(fig_emissions(pw, lang))}</section>"
            f"<section id='costs'><h2>4. {_esc(text('pw_costs', lang))}</h2>{figure_div(fig_costs(pw, lang))}</section>"
            f"<section id='assumptions'><h2>5. {_esc(text('pw_assumptions', lang))}</h2><ul class='notes'>{notes}</ul></section>")
    return page(f"{text('pw_title', lang)} — {park['name']}", lang, body, no_charts_note=text("no_charts", lang))
