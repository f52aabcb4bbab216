"""Report section: planning-stage evidence document for the scorecard and the ledger (zh / en).

Only ``twin/report*`` modules import plotly.
"""

from __future__ import annotations

import html
import math

_T = {
    "title": {"zh": "智慧零碳园区评价（规划设计阶段）证据文件", "en": "Smart zero-carbon park assessment — planning-stage evidence"},
    "rubric": {"zh": "评分规则", "en": "Rubric"},
    "ledger": {"zh": "能源与碳排放台账（基准 → 规划）", "en": "Energy and carbon ledger (baseline → planned)"},
    "national": {"zh": "国家级零碳园区指标（发改环资〔2025〕910号 附件3）", "en": "National zero-carbon park indicators (910号 annex 3)"},
    "items": {"zh": "第7章与第12章逐项评分", "en": "Chapter 7 and 12 item scores"},
    "improve": {"zh": "最易提分的措施", "en": "What would raise the score most"},
    "open": {"zh": "官方文本未明确的参数（本次取值）", "en": "Parameters left open by the official texts (value used)"},
    "quantity": {"zh": "指标", "en": "Quantity"}, "from": {"zh": "基准", "en": "Baseline"},
    "to": {"zh": "规划", "en": "Planned"}, "unit": {"zh": "单位", "en": "Unit"},
    "value": {"zh": "数值", "en": "Value"}, "points": {"zh": "得分", "en": "Points"},
    "max": {"zh": "适用满分", "en": "Applicable max"}, "band": {"zh": "档位", "en": "Band"},
    "source": {"zh": "来源/证据", "en": "Source / evidence"}, "na": {"zh": "不参评", "en": "N/A"},
    "pass": {"zh": "达标", "en": "met"}, "fail": {"zh": "未达标", "en": "not met"},
    "total": {"zh": "总分估计", "en": "Overall estimate"},
}


def _t(k: str, lang: str) -> str:
    return _T[k][lang]


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            return "—"
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return html.escape(str(v))


def _table(head: list[str], rows: list[list]) -> str:
    h = "".join(f"<th>{html.escape(x)}</th>" for x in head)
    b = "".join("<tr>" + "".join(f"<td>{_fmt(c) if not isinstance(c, str) else html.escape(c)}</td>" for c in r) + "</tr>"
                for r in rows)
    return f"<table class='scorecard'><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"


def scorecard_section(scorecard, ledger, lang: str = "zh"):
    """HTML fragment and plotly figures for the report's assessment section.

    Parameters
    ----------
    scorecard : twin.assess.Scorecard
    ledger : twin.ledger.Ledger
    lang : {"zh", "en"}

    Returns
    -------
    (str, list of plotly.graph_objects.Figure)
    """
    import plotly.graph_objects as go

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    name = f"name_{lang}"
    parts = [f"<section class='scorecard-section'><h2>{_t('title', lang)}</h2>"]
    parts.append(f"<p class='disclaimer'><strong>{_t('rubric', lang)}:</strong> {html.escape(scorecard.disclaimer)}</p>")
    # ledger comparison
    parts.append(f"<h3>{_t('ledger', lang)}</h3>")
    parts.append(_table([_t("quantity", lang), _t("from", lang), _t("to", lang), _t("unit", lang)],
                        [[r["quantity"], r["from"], r["to"], r["unit"]] for r in ledger.comparison()]))
    # national
    nat = scorecard.national
    c = nat["core"]
    parts.append(f"<h3>{_t('national', lang)}</h3>")
    rows = [[c["name_zh"] if lang == "zh" else c["name_en"], c["value_tco2_per_tce"],
             f"≤ {c['threshold_tco2_per_tce']} ({c['tier']})", _t("pass", lang) if c["pass"] else _t("fail", lang)]]
    for g in nat["guiding"]:
        st = "—" if g["met"] is None else (_t("pass", lang) if g["met"] else _t("fail", lang))
        rows.append([g[name], g["value"], f"≥ {g['target']}", st + ("" if not g["excluded"] else f" ({g['exclusion_reason']})")])
    parts.append(_table([_t("quantity", lang), _t("value", lang), "threshold", "status"], rows))
    for n in nat["notes"]:
        parts.append(f"<p class='note'>{html.escape(n)}</p>")
    parts.append(f"<h4>{_t('open', lang)}</h4>")
    parts.append(_table(["name", _t("value", lang), _t("unit", lang), "note"],
                        [[p["name"], str(p["value"]), p["unit"], p["note"]] for p in nat["open_parameters"]]))
    # items
    parts.append(f"<h3>{_t('items', lang)}</h3>")
    rows = []
    for ci in scorecard.control_items:
        rows.append([ci["id"], ci[name], "", _t("pass", lang) if ci["met"] else _t("fail", lang), "", "", ci["evidence"]])
    for it in scorecard.items:
        if not it["applicable"]:
            rows.append([it["id"], it[name], "", _t("na", lang), 0.0, 0.0, "; ".join(r["reason"] for r in it["rules"])])
            continue
        for r in it["rules"]:
            band = r["band"] if r["applicable"] else _t("na", lang)
            rows.append([f"{it['id']}({r['id']})", r[name], r["value"],
                         band, r["points"], r["max_points"],
                         f"{r['source']}: {r['inputs']} — {r['formula']} [{r['tag']}; {r['analogue']}]"])
        rows.append([it["id"], "Σ", "", "", it["points"], it["applicable_max"], ""])
    parts.append(_table(["id", _t("quantity", lang), _t("value", lang), _t("band", lang), _t("points", lang),
                         _t("max", lang), _t("source", lang)], rows))
    ag = scorecard.aggregate
    parts.append(f"<p><strong>{_t('total', lang)}:</strong> Q7 = {_fmt(ag['chapter7_Q'])}, "
                 f"QA = {_fmt(ag['QA'])}, Q = {_fmt(ag['Q'])} {html.escape(ag.get('note') or '')}</p>")
    parts.append(f"<h3>{_t('improve', lang)}</h3><ol>")
    for o in scorecard.improvements:
        parts.append(f"<li>{html.escape(o['item'])} {html.escape(o[name])}: {html.escape(str(o['how']))} "
                     f"(+{o['points_gain']:.1f} pts, ΔQ ≈ +{o['total_score_gain']:.2f})</li>")
    parts.append("</ol></section>")

    ids = [it["id"] for it in scorecard.items if it["applicable"]]
    pts = [it["points"] for it in scorecard.items if it["applicable"]]
    mx = [it["applicable_max"] for it in scorecard.items if it["applicable"]]
    f1 = go.Figure([go.Bar(x=ids, y=mx, name=_t("max", lang), marker_color="#d0d7de"),
                    go.Bar(x=ids, y=pts, name=_t("points", lang), marker_color="#1f77b4")])
    f1.update_layout(barmode="overlay", title=_t("items", lang), yaxis_title=_t("points", lang))
    cases = [x for x in (ledger.baseline, ledger.planned) if x is not None]
    keys = ["co2_grid_import_t", "co2_fuels_t", "co2_heat_import_t"]
    f2 = go.Figure([go.Bar(x=[_t("from", lang) if a.case == "baseline" else _t("to", lang) for a in cases],
                           y=[a.annual[k] for a in cases], name=k) for k in keys])
    f2.update_layout(barmode="stack", title=_t("ledger", lang), yaxis_title="tCO2/yr")
    return "".join(parts), [f1, f2]
