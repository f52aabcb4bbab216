"""Report section: planning-stage evidence document for the scorecard and the ledger (zh / en).

Works on the objects (:class:`twin.assess.Scorecard`, :class:`twin.ledger.Ledger`) or on
their ``to_dict()`` forms as written to ``summary.json``. Only ``twin/report*`` modules
import plotly.
"""

from __future__ import annotations

import html
import math
import re

from twin.fmt import change, fmt_points
from twin.report_text import phrase, phrase_html, unit as _unit_text, yes_no

_T = {
    "title": ("智慧零碳园区评价（规划设计阶段）证据文件", "Smart zero-carbon park assessment — planning-stage evidence"),
    "rubric": ("评分规则", "Rubric"),
    "ledger": ("能源与碳排放台账（基准 → 规划）", "Energy and carbon ledger (baseline → plan)"),
    "national": ("国家级零碳园区指标（发改环资〔2025〕910号 附件3）", "National zero-carbon park indicators (发改环资〔2025〕910号 annex 3)"),
    "control": ("控制项", "Control items"),
    "items": ("第7章（能源体系）与第12章（提高与创新）逐项评分", "Chapter 7 (energy system) and 12 (improvement and innovation), item by item"),
    "chapters": ("章节得分与加权贡献", "Chapter scores and weighted contribution"),
    "improve": ("最能提高得分的措施", "What would raise the score most"),
    "open": ("官方文本未明确的参数（本次取值）", "Parameters left open by the official texts (value used here)"),
    "quantity": ("指标", "Quantity"), "from": ("基准", "Baseline"), "to": ("规划", "Plan"),
    "change": ("变化", "Change"), "unit": ("单位", "Unit"), "value": ("数值", "Value"), "points": ("得分", "Points"),
    "max": ("满分", "Max"), "band": ("档位（阈值→分）", "Bands (threshold → points)"),
    "reached": ("达到档", "Band reached"), "definition": ("定义与公式", "Definition and formula"),
    "inputs": ("输入及其在本次运行中的来源", "Inputs and their source in this run"),
    "prov": ("暂定/类比依据", "Provisional / analogue"), "na": ("不参评", "N/A"),
    "pass": ("达标", "met"), "fail": ("未达标", "not met"), "unknown": ("未申报", "not declared"),
    "threshold": ("阈值", "Threshold"), "status": ("状态", "Status"), "source": ("来源", "Source"),
    "excluded": ("排除", "excluded"), "note": ("说明", "Note"), "name": ("参数", "Parameter"),
    "weight": ("权重", "Weight"), "contrib": ("对总分Q的贡献", "Contribution to Q"),
    "chapter": ("章节", "Chapter"), "gain": ("ΔQ（总分增量）", "ΔQ (total score gain)"),
    "how": ("怎样做", "How"), "next": ("下一档", "Next threshold"),
    "current": ("当前值", "Current value"), "evidence": ("证据", "Evidence"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "key": ("键名（summary.json ledger.annual）", "key (summary.json ledger.annual)"),
    "core": ("核心", "core"), "guiding": ("引导", "guiding"),
    "no_tier": ("无官方档位：不判定（可设定阈值）", "no official tier: not judged (a threshold may be stated)"),
    "no_tier_planner": ("无官方档位，阈值为规划者设定值", "no official tier; the planner's threshold"),
    "not_judged": ("不判定", "not judged"),
}

#: Measure units for display: shares as %, others as given.
_SHARE_UNITS = ("1",)


def _t(k: str, lang: str) -> str:
    return _T[k][0 if lang == "zh" else 1]


def _fmt(v, digits: int = 3) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        x = float(v)
        if not math.isfinite(x):
            return "—"
        if abs(x) < 1e-9:
            return "0"
        mag = math.floor(math.log10(abs(x)))
        return f"{x:,.{max(digits - 1 - mag, 0)}f}"
    return str(v)


def _val(v, unit: str, lang: str) -> str:
    """A measure value with its unit: shares as %, flags as yes/no."""
    if v is None:
        return _t("unknown", lang)
    if isinstance(v, bool):
        return _t("yes", lang) if v else _t("no", lang)
    if isinstance(v, (int, float)) and unit in _SHARE_UNITS:
        return f"{float(v):.1%}" if math.isfinite(float(v)) else "—"
    if isinstance(v, (int, float)):
        u = _UNIT_WORDS.get(unit, (unit, unit))[0 if lang == "zh" else 1] if unit not in ("-", "") else ""
        return f"{_fmt(v)} {_unit_text(u, lang)}".strip()
    return phrase(v, lang)


#: Measure units that are words: (zh, en).
_UNIT_WORDS = {"stages": ("级", "stages")}

_EVIDENCE_PREFIX = re.compile(r"^(declared|computed|declared \+ model|declared/computed|model \+ declarations|"
                              r"plan declared): (.*)$", re.S)


def _evidence(s, lang: str) -> str:
    """HTML of an evidence or source text: the tool's words translated, the planner's own
    evidence (from the scenario's declarations) kept as written and marked as data."""
    s = "" if s is None else str(s)
    t = phrase(s, lang)
    if t != s:
        return phrase_html(s, lang)
    m = _EVIDENCE_PREFIX.match(s)
    if m:
        colon = "：" if lang == "zh" else ": "
        return f"{_e(phrase(m.group(1), lang))}{colon}<span class='data'>{_e(m.group(2))}</span>"
    return f"<span class='data'>{_e(s)}</span>"


def _th(v, unit: str) -> str:
    if unit in _SHARE_UNITS:
        return f"{v:.0%}" if v >= 0.01 or v == 0 else f"{v:.1%}"
    return _fmt(v)


def _reached_text(band: str, unit: str) -> str:
    """The band reached, its threshold written as the bands column writes it ('≥ 50%', not '≥ 0.5')."""
    m = re.fullmatch(r"(>=|<) ([-+\d.eE]+)", band)
    if not m:
        return band.replace(">=", "≥")
    return f"{'≥' if m.group(1) == '>=' else '<'} {_th(float(m.group(2)), unit)}"


def _bands_text(r: dict, lang: str) -> str:
    unit = r.get("unit", "1")
    if r.get("kind") == "bands" and r.get("bands"):
        return "; ".join(f"≥{_th(th, unit)}→{_fmt(p)}" for th, p in r["bands"])
    if r.get("kind") == "flag":
        return f"{_t('yes', lang)}→{_fmt(r.get('flag_points'))}"
    if r.get("kind") == "tier" and r.get("tier_points"):
        return "; ".join(f"{k}→{_fmt(p)}" for k, p in r["tier_points"].items())
    return "—"


def _e(x) -> str:
    return html.escape(str(x))


def _table(head: list[str], rows: list[list], cls: str = "scorecard") -> str:
    """Cells are escaped; a cell given as ``("raw", html)`` is inserted as is."""
    h = "".join(f"<th>{_e(x)}</th>" for x in head)
    body = []
    for r in rows:
        tds = []
        for c in r:
            if isinstance(c, tuple) and len(c) == 2 and c[0] == "raw":
                tds.append(f"<td>{c[1]}</td>")
            elif isinstance(c, tuple) and len(c) == 2 and c[0] == "span":
                tds.append(f"<td colspan='{len(head) - len(r) + 1}' class='itemhead'>{c[1]}</td>")
            else:
                tds.append(f"<td>{_e(c)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table class='{cls}'><thead><tr>{h}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _d(obj):
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def rubric_statement(scorecard, lang: str = "zh") -> str:
    """Banner naming the rubric and, when provisional, that its values are not official."""
    sc = _d(scorecard)
    r = sc["rubric"]
    if r.get("provisional"):
        text = (f"本报告的T/CSUS 66-2023 [tcsus-66-2023] 评分使用规则“{r['id']}”：其分值与阈值为<b>暂定值</b>，依据类似的已发布标准拟定，"
                f"<b>不是标准的官方分值</b>；得分仅供规划参考，不能作为正式评价结论。取得官方文本后可用同格式文件替换（twin run --rubric）。"
                if lang == "zh" else
                f"T/CSUS 66-2023 [tcsus-66-2023] scores in this report use the rubric '{r['id']}': its points and thresholds are "
                f"<b>PROVISIONAL</b>, modelled on analogous published standards, and are <b>not the official values</b> "
                f"of the standard; the scores support planning only and are not an assessment result. Replace the rubric "
                f"with the official values in the same format when available (twin run --rubric).")
    else:
        text = (f"评分规则：“{r['id']}”（用户声明为官方分值）。" if lang == "zh"
                else f"Rubric: '{r['id']}' (declared official by the user).")
    # the banner says what summary.json's bilingual `disclaimer` says, in the page's language alone
    return f"<p class='banner'><b>{_t('rubric', lang)}:</b> {text}</p>"


_LEDGER_LABELS = {
    "tce_total_tce": ("综合能耗", "Total energy consumption"),
    "co2_gross_t": ("总排放（电网+燃料+外购热+工业过程）", "Gross CO2 (grid + fuels + bought heat + industrial processes)"),
    "co2_process_t": ("工业过程 CO2（申报）", "Industrial-process CO2 (declared)"),
    "co2_after_internal_t": ("扣除上网抵扣和绿电/绿证后", "After export credit and green power/certificates"),
    "co2_net_t": ("碳抵消后净排放", "Net after offsets"),
    "carbon_intensity_tco2_per_tce": ("单位能耗碳排放", "CO2 per unit energy"),
    "carbon_intensity_location_tco2_per_tce": ("单位能耗碳排放（基于位置口径）", "CO2 per unit energy (location basis)"),
    "carbon_intensity_acceptance_tco2_per_tce": ("单位能耗碳排放（验收口径）", "CO2 per unit energy (acceptance basis)"),
    "e_grid_import_kwh": ("电网购电", "Grid import"),
    "e_electricity_consumption_kwh": ("用电量（购电+光伏−上网）", "Electricity use (import + PV − export)"),
    "fuel_total_kwh": ("燃料（低位热值）", "Fuels (net calorific)"),
    "renewable_share": ("可再生能源占比（含绿电绿证）", "Renewable share incl. green power"),
    "clean_energy_share": ("清洁能源消费占比", "Clean-energy share"),
    "q_waste_heat_used_kwh": ("余热利用量", "Waste heat used"),
}


def _ledger_rows(led: dict, lang: str) -> list[list]:
    rows = []
    for r in led["comparison"]:
        q, unit = r["quantity"], r["unit"]
        x, y = r["from"], r["to"]
        name = _LEDGER_LABELS.get(q, (q, q))[0 if lang == "zh" else 1]
        if unit == "kWh":
            x, y, unit = (None if x is None else x / 1000), (None if y is None else y / 1000), "MWh/yr"
        elif unit in ("tce", "tCO2"):
            unit += "/yr"
        if unit == "1":
            ch = fmt_points(y - x, lang) if (x is not None and y is not None) else "—"
            rows.append([name, _val(x, "1", lang), _val(y, "1", lang), ch, "%", q])
        else:
            ch = _fmt(change(y, x)) if (x is not None and y is not None) else "—"
            rows.append([name, _fmt(x), _fmt(y), ch, _unit_text(unit, lang), q])
    a = led["annual"]["planned"]
    for k, zh, en, unit in (("green_certificates_credited_mwh", "绿证抵扣电量", "Certificates credited", "MWh/yr"),
                            ("green_power_credited_mwh", "绿电交易抵扣电量", "Green power credited", "MWh/yr"),
                            ("offsets_used_t", "使用的碳抵消", "Offsets used", "tCO2/yr"),
                            ("offsets_cap_t", "碳抵消上限", "Offset cap", "tCO2/yr"),
                            ("offsets_unused_t", "超出上限未计的碳抵消", "Offsets above the cap (not counted)", "tCO2/yr"),
                            ("q_waste_heat_available_kwh", "可回收余热", "Recoverable waste heat", "MWh/yr")):
        v = a.get(k)
        if v is None:
            continue
        if k.endswith("_kwh"):
            v = v / 1000
        rows.append([zh if lang == "zh" else en, "—", _fmt(v), "", _unit_text(unit, lang), k])
    return rows


def scorecard_section(scorecard, ledger, lang: str = "zh", number: int | None = None, heading: bool = True):
    """HTML fragment and plotly figures for the report's assessment section.

    Parameters
    ----------
    scorecard : twin.assess.Scorecard or dict or None
        ``None`` (horizon shorter than a year) shows the ledger only.
    ledger : twin.ledger.Ledger or dict
    lang : {"zh", "en"}
    number : int, optional
        Section number for the heading.
    heading : bool
        Write the section heading (the main report numbers its sections itself).

    Returns
    -------
    (str, list of plotly.graph_objects.Figure)
        Figures: item points vs maxima (if scored) and the ledger's CO2 by source.
    """
    import plotly.graph_objects as go

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    zh = lang == "zh"
    sc, led = _d(scorecard), _d(ledger)
    num = f"{number}. " if number is not None else ""
    parts = [f"<section class='scorecard-section'>"
             + (f"<h2>{num}{_t('title', lang)}</h2>" if heading else "")]
    if sc is not None and heading:
        parts.append(rubric_statement(sc, lang))
    # --- ledger ------------------------------------------------------------------------
    parts.append(f"<h3>{_t('ledger', lang)}</h3>")
    parts.append(_table([_t("quantity", lang), _t("from", lang), _t("to", lang), _t("change", lang), _t("unit", lang),
                         _t("key", lang)], _ledger_rows(led, lang), "scorecard num"))
    parts.append("<p class='notes'>" + (
        "计算顺序：总排放 = 购电×逐时电网因子 + 燃料×IPCC因子 + 外购热 + 申报的工业过程排放；再扣上网抵扣（如启用）、绿电、绿证（不超过购电量）；"
        "最后扣碳抵消（不超过上限）。基准情形不计绿电绿证和碳抵消。每项的公式与输入见 summary.json 的 ledger.evidence。"
        if zh else
        "Order: gross = import × hourly grid factor + fuels × IPCC factors + bought heat + declared industrial-process "
        "CO2; then export credit (if "
        "enabled), green power and certificates (up to the import); offsets last, within their cap. The baseline gets "
        "no green power, certificates or offsets. Every formula and input is listed in summary.json ledger.evidence.")
        + "</p>")
    figs = []
    if sc is not None:
        parts.append(_national(sc["national"], lang))
        parts.append(_control(sc, lang))
        parts.append(_items(sc, lang))
        parts.append(_chapters(sc, lang))
        parts.append(_improve(sc, lang))
        app = [it for it in sc["items"] if it["applicable"]]
        ids = [it["id"] for it in app]
        f1 = go.Figure([go.Bar(x=ids, y=[it["applicable_max"] for it in app], name=_t("max", lang), marker_color="#d0d7de"),
                        go.Bar(x=ids, y=[it["points"] for it in app], name=_t("points", lang), marker_color="#1f77b4")])
        f1.update_layout(barmode="overlay", title=_t("items", lang) + (" — 暂定规则" if zh else " — provisional rubric")
                         if sc["rubric"].get("provisional") else _t("items", lang),
                         yaxis_title=_t("points", lang), template="plotly_white", height=380)
        figs.append(f1)
    cases = [(c, led["annual"][c]) for c in ("baseline", "planned") if led["annual"].get(c)]
    src = (("co2_grid_import_t", "电网购电", "Grid import"), ("co2_fuels_t", "燃料", "Fuels"),
           ("co2_heat_import_t", "外购热", "Bought heat"), ("co2_process_t", "工业过程", "Industrial processes"))
    f2 = go.Figure([go.Bar(x=[_t("from", lang) if c == "baseline" else _t("to", lang) for c, _ in cases],
                           y=[a.get(k) or 0.0 for _, a in cases], name=zh_n if zh else en_n)
                    for k, zh_n, en_n in src if any((a.get(k) or 0.0) > 0 for _, a in cases)])
    f2.update_layout(barmode="stack", title=("台账：按来源的总排放" if zh else "Ledger: gross CO2 by source"),
                     yaxis_title=_unit_text("tCO2/yr", lang), template="plotly_white", height=380)
    figs.append(f2)
    parts.append("</section>")
    return "".join(parts), figs


def _national(nat: dict, lang: str) -> str:
    zh = lang == "zh"
    c = nat["core"]
    name = f"name_{lang}"
    thr = c["threshold_tco2_per_tce"]
    st = (_t("pass", lang) if c["pass"] else _t("fail", lang)) if c["pass"] is not None else \
        (_t("not_judged", lang) if thr is None else "—")
    # a park below every official tier: no threshold unless the planner states one; a tier whose bounds or
    # threshold the planner changed reads as the planner's (its label says so)
    if c.get("official") or c["tier"] != "no official tier":
        tier = phrase(c["tier"], lang)
    else:
        tier = _t("no_tier" if thr is None else "no_tier_planner", lang)
    limit = f"≤ {thr}" if thr is not None else "—"
    rows = [[("raw", f"<b>{_e(c[name])}</b> ({'核心' if zh else 'core'})"),
             f"{_fmt(c['value_tco2_per_tce'])} tCO2/tce",
             f"{_fmt(c.get('baseline_value_tco2_per_tce'))} tCO2/tce",
             f"{limit} ({tier})",
             st, f"{phrase(c['formula'], lang)}{'；' if zh else '; '}CO2 {_fmt(c['co2_t'])} t / {_fmt(c['tce_total'])} tce"
                 + (f"{'；核算口径：' if zh else '; basis: '}{phrase(c['basis'], lang)}"
                    f"{'；折标：' if zh else '; tce: '}{phrase(c['tce_basis'], lang)}" if c.get("basis") else "")]]
    labels = {"acceptance": ("验收口径（化石能源电力因子）", "acceptance basis (fossil-power factor)"),
              "location": ("基于位置口径（电网平均因子）", "location basis (grid average factor)")}
    for key, b in (c.get("bases") or {}).items():
        bst = (_t("pass", lang) if b["pass"] else _t("fail", lang)) if b["pass"] is not None else "—"
        lab = labels[key][0 if zh else 1] + (" ★" if key == c.get("basis") else "")
        rows.append([f"　{c[name]}: {lab}", f"{_fmt(b['value_tco2_per_tce'])} tCO2/tce", "—",
                     limit, bst,
                     ("raw", f"CO2 {_fmt(b['co2_t'])} t{'；电网因子 ' if zh else '; grid '}{_e(phrase(b['grid_factor'], lang))}"
                      f"{'；折标 ' if zh else '; tce '}{_e(phrase(c['tce_basis'], lang))}{'；' if zh else '; '}"
                      f"<span class='cite'>{_e(phrase(b['source'], lang))}</span>")])
    for g in nat["guiding"]:
        na = g.get("not_applicable")
        if g["excluded"]:
            s = f"{_t('excluded', lang)}: {g['exclusion_reason']}"
        elif na:
            s = f"{_t('na', lang)}{'：' if zh else ': '}{phrase(na, lang)}"
        else:
            s = _t("unknown", lang) if g["met"] is None else (_t("pass", lang) if g["met"] else _t("fail", lang))
        rows.append([f"{g[name]} ({'引导' if zh else 'guiding'})", "—" if na else _val(g["value"], "1", lang), "—",
                     f"≥ {g['target']:.0%}", phrase(s, lang), ("raw", _evidence(g["source"], lang))])
    out = [f"<h3>{_t('national', lang)}</h3>",
           _table([_t("quantity", lang), _t("to", lang), _t("from", lang), _t("threshold", lang), _t("status", lang),
                   _t("source", lang)], rows)]
    out += [f"<p class='note'>{_e(phrase(n, lang))}</p>" for n in nat["notes"]]
    out.append(f"<h4>{_t('open', lang)}</h4>")
    out.append(_table([_t("name", lang), _t("value", lang), _t("unit", lang), _t("note", lang)],
                      [[p["name"], phrase(yes_no(p["value"], lang), lang), _unit_text(p["unit"], lang),
                        phrase(p["note"], lang)] for p in nat["open_parameters"]]))
    return "".join(out)


def _control(sc: dict, lang: str) -> str:
    name = f"name_{lang}"
    rows = [[ci["id"], ci[name], ("raw", (f"<span class='{'ok' if ci['met'] else 'bad'}'>"
                                        f"{_t('pass', lang) if ci['met'] else _t('fail', lang)}</span>")),
             phrase(ci.get("source", ""), lang), ("raw", _evidence(ci["evidence"], lang))] for ci in sc["control_items"]]
    return f"<h3>{_t('control', lang)}</h3>" + _table(
        ["id", _t("quantity", lang), _t("status", lang), _t("source", lang), _t("evidence", lang)], rows)


def _items(sc: dict, lang: str) -> str:
    zh = lang == "zh"
    name = f"name_{lang}"
    rows = []
    for it in sc["items"]:
        head = (f"<b>{_e(it['id'])} {_e(it[name])}</b>")
        if not it["applicable"]:
            why = "; ".join(sorted({r["reason"] for r in it["rules"] if r["reason"]}))
            why = "；".join(phrase(w, lang) for w in why.split("; ")) if zh else why
            rows.append([("span", f"{head}: <i>{_t('na', lang)}</i> — {_e(why)}"), "0 / 0", ""])
            continue
        rows.append([("span", head), ("raw", f"<b>{_fmt(it['points'])}&nbsp;/&nbsp;{_fmt(it['applicable_max'])}</b>"),
                     ("raw", f"<span class='provisional'>{'暂定' if zh else 'provisional'}</span>" if it["provisional"] else "")])
        for r in it["rules"]:
            val = _val(r["value"], r["unit"], lang) if r["applicable"] else _t("na", lang)
            formula = f"{r[name]}{'：' if zh else '. '}{phrase(r['formula'], lang)}" if r["formula"] else r[name]
            inputs = f"{phrase(r['source'], lang)}{'：' if zh else ': '}" + (_evidence(r["inputs"], lang) if r["source"] != "computed"
                                                          else _e(phrase(r["inputs"], lang)))
            if not r["applicable"]:
                inputs += f" — {_e(phrase(r['reason'], lang))}"
            # the analogue is the rubric's words, its source a citation: in Chinese translated; in English as
            # recorded, a citation too (it names Chinese documents and terms: 澄迈, 十四五, 二级, 标杆)
            analogue = (_e(phrase(r["analogue"], lang)) if zh
                        else f"<span class='cite'>{_e(r['analogue'])}</span>")
            prov = (f"{'暂定' if zh else 'PROVISIONAL'} [{r['tag']}] {analogue} "
                    f"<span class='cite'>({_e(phrase(r['rule_source'], lang))})</span>" if r["provisional"]
                    else f"[{r['tag']}] <span class='cite'>{_e(r['rule_source'])}</span>")
            pts = f"{_fmt(r['points'])} / {_fmt(r['max_points'])}" if r["applicable"] else f"— / {_fmt(r['max_points'])}"
            reached = (_reached_text(r["band"], r.get("unit", "1")) if r.get("kind", "bands") == "bands"
                       and r["value"] is not None else "—") if r["applicable"] else _t("na", lang)
            rows.append([("raw", f"<code>({_e(r['id'])})</code>"), formula, ("raw", f"<span class='small'>{inputs}</span>"), val,
                         _bands_text(r, lang), reached, pts, ("raw", f"<span class='small'>{prov}</span>")])
    note = ("组内规则取最高，组间相加；每项不超过其满分；不参评的项目从满分中移除（GB/T 50378-2014 3.2.7 方法）。"
            if zh else "Rules within a group are alternatives (highest counts), groups add up, each item is capped at "
            "its maximum; N/A items are removed from the maximum (GB/T 50378-2014 3.2.7 method).")
    return (f"<h3>{_t('items', lang)}</h3><p class='notes'>{note}</p>" + _table(
        ["id", _t("definition", lang), _t("inputs", lang), _t("value", lang), _t("band", lang), _t("reached", lang),
         f"{_t('points', lang)} / {_t('max', lang)}", _t("prov", lang)], rows, "scorecard items"))


def _chapters(sc: dict, lang: str) -> str:
    zh = lang == "zh"
    ag = sc["aggregate"]
    w = ag["weights"]
    scale = None
    rows = []
    c7 = sc["chapters"]["7"]
    rows.append(["7 " + ("能源体系" if zh else "Energy system"), f"{_fmt(c7['earned'])} / {_fmt(c7['applicable_max'])}",
                 _fmt(c7["Q"]), _fmt(w.get("7")), _fmt(ag["chapter7_weighted_contribution"]),
                 _fmt(ag.get("chapter7_contribution_to_Q")), phrase(c7["source"], lang)])
    for ch, c in sc["chapters"].items():
        if ch == "7":
            continue
        rows.append([ch, "—", _fmt(c["Q"]), _fmt(c["weight"]), _fmt(c["weight"] * c["Q"]), "—", phrase(c["source"], lang)])
    rows.append(["12 " + ("提高与创新" if zh else "Improvement and innovation"),
                 f"{_fmt(ag['bonus_raw'])} ({'封顶' if zh else 'cap'} {_fmt(ag['bonus_cap'])})", "—", "—", "—",
                 _fmt(ag["QA"]), phrase("QA = min(Σ, cap)", lang)])
    head = [_t("chapter", lang), ("得分/适用满分" if zh else "Earned / applicable max"), "Q_j (0–100)", _t("weight", lang),
            "w_j·Q_j", _t("contrib", lang), _t("source", lang)]
    formula = ("Q_j = 100·得分/适用满分；S = Σ w_j·Q_j；QA = min(第12章得分, 封顶)；Q = Q0 + 比例系数·S + QA（暂定汇总方法）"
               if zh else "Q_j = 100·earned/applicable max; S = Σ w_j·Q_j; QA = min(chapter-12 points, cap); "
               "Q = Q0 + scale·S + QA (provisional aggregation)")
    if ag.get("Q") is None:
        total = (f"未给出全园区总分：{phrase(ag.get('note', ''), lang)}。第7章对总分Q的贡献为 {_fmt(ag.get('chapter7_contribution_to_Q'))} 分，"
                 f"第12章加分 {_fmt(ag['QA'])} 分。" if zh else
                 f"No whole-park total: {ag.get('note', '')}. Chapter 7 contributes {_fmt(ag.get('chapter7_contribution_to_Q'))} "
                 f"points to Q, chapter 12 adds {_fmt(ag['QA'])}.")
    else:
        total = (f"Q0 = {_fmt(ag['Q0'])}, S = {_fmt(ag['S'])}, QA = {_fmt(ag['QA'])} → Q = {_fmt(ag['Q'])}; "
                 f"{'达标' if ag['pass'] else '未达标'} {phrase(ag.get('tier') or '', lang)} {phrase(ag.get('note') or '', lang)}"
                 if zh else
                 f"Q0 = {_fmt(ag['Q0'])}, S = {_fmt(ag['S'])}, QA = {_fmt(ag['QA'])} → Q = {_fmt(ag['Q'])}; "
                 f"{'pass' if ag['pass'] else 'fail'} {ag.get('tier') or ''} {ag.get('note') or ''}")
    if not ag.get("control_items_met"):
        total += (" 控制项未全部满足：按暂定方法不予评级（Q0 = 0）。" if zh
                  else " Not all control items are met: not rated under the provisional method (Q0 = 0).")
    del scale
    return (f"<h3>{_t('chapters', lang)}</h3><p class='notes'>{_e(formula)}</p>" + _table(head, rows, "scorecard num")
            + f"<p><b>{'总分' if zh else 'Total'}:</b> {_e(total)}</p>")


def _improve(sc: dict, lang: str) -> str:
    zh = lang == "zh"
    rows = []
    units = {}
    for it in sc["items"]:
        for r in it["rules"]:
            units[(it["id"], r["id"])] = r["unit"]
    for o in sc["improvements"]:
        unit = units.get((o["item"], o["rule"]), "1")
        how = o["how"]
        if o.get("quantity") is None:
            how = ("申报并提供证明材料" if zh else "declare it with supporting documents") if how == "declare and document" \
                else (f"将“{o['name_zh']}”提高到 {_th(o['next_threshold'], unit) if isinstance(o['next_threshold'], (int, float)) and not isinstance(o['next_threshold'], bool) else o['next_threshold']}（申报并提供证据）"
                      if zh else f"raise '{o['name_en']}' to {_th(o['next_threshold'], unit) if isinstance(o['next_threshold'], (int, float)) and not isinstance(o['next_threshold'], bool) else o['next_threshold']} (declare with evidence)")
        cur = _val(o["value"], unit, lang)
        nxt = o["next_threshold"]
        nxt = _th(nxt, unit) if isinstance(nxt, (int, float)) and not isinstance(nxt, bool) else yes_no(nxt, lang)
        rows.append([("raw", f"<code>{_e(o['item'])}({_e(o['rule'])})</code>"), o[f"name_{lang}"], cur, nxt,
                     f"+{_fmt(o['points_gain'])}", f"+{_fmt(o['total_score_gain'])}", phrase(how, lang)])
    note = ("按对总分Q的增量排序；第7章增量 = 比例系数·w7·100·Δ分/第7章适用满分，第12章增量受封顶限制；物理量为一阶估算（其余不变）。"
            if zh else "Sorted by the gain on the total Q; chapter 7 gain = scale·w7·100·Δpoints/applicable max of chapter 7, "
            "chapter 12 gains are limited by the cap; physical quantities are first-order estimates (rest of the park fixed).")
    return (f"<h3>{_t('improve', lang)}</h3><p class='notes'>{note}</p>" + _table(
        ["id", _t("quantity", lang), _t("current", lang), _t("next", lang), "Δ" + _t("points", lang), _t("gain", lang),
         _t("how", lang)], rows))
