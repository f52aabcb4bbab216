"""Self-contained HTML report (plotly, opens with no network).

plotly.js is embedded once in the page; every chart is a ``<div>`` drawn by it.
The report answers, in order: what the park is and how to read baseline vs plan;
the headline results; what to build; what a year looks like (electricity, heat and
cooling balances); carbon from baseline to net; costs; the planning-stage evidence
(ledger, 910号 indicators, T/CSUS 66-2023 scorecard); every hourly profile of
``results.nc``; where each number came from.

The page can be rebuilt from the written outputs alone: ``render_report(ds, summary)``
reads the ledger and scorecard from ``summary["ledger"]`` / ``summary["scorecard"]``
when the objects are not passed.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import xarray as xr

from twin.fmt import change, fmt_percent, fmt_points, fmt_value  # noqa: E402
from twin.report_text import capacity_line, label, phrase, phrase_html, text  # noqa: E402
from twin.report_text import unit as text_unit  # noqa: E402
from twin.report_text import TEXT, VAR_LABELS, ENERGY_LABELS  # noqa: E402  (the catalogue)


def _i(lang: str) -> int:
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    return 0 if lang == "zh" else 1


def _t(key: str, lang: str) -> str:
    return TEXT[key][_i(lang)]


def _lab(var: str, lang: str) -> str:
    base = var.removeprefix("baseline_")
    zh_en = VAR_LABELS.get(base)
    name = zh_en[_i(lang)] if zh_en else base
    if base != var:
        name = f"{_t('baseline', lang)}: {name}"
    return name


def _esc(x) -> str:
    return html.escape(str(x))


_PERIOD_YEARS = {"cswd": "1971–2003", "tmyx-2009-2023": "2009–2023"}
"""Climate periods other than the default (the recent climate, unsaid) named beside the mean
temperature of the report's weather row."""

_ZONE_EN = {"severe_cold": "severe cold", "cold": "cold", "hscw": "hot summer and cold winter",
            "hsww": "hot summer and warm winter", "mild": "mild"}
"""GB 50176-2016 climate zones in English (the preset keys of twin.components.buildings)."""


def weather_source_words(w: dict, lang: str) -> str:
    """How a run's typical year was made (summary ``weather``), in words: a station's own
    statistics, interpolated between stations, or the user's file (named)."""
    words = text(f"weather_source_{w.get('source')}", lang)
    return words + (f" {w['file']}" if w.get("source") == "file" and w.get("file") else "")


def stations_words(w: dict, zh: bool, n: int = 4) -> str:
    """The first ``n`` stations a run's weather used, as summary.json lists them, each with its
    dataset and distance to the site ("" for a weather file)."""
    st = (w.get("stations") or [])[:n]
    if zh:
        return "、".join(f"{s.get('name_zh') or s['name']}（{s['dataset']}，{s['distance_km']:.0f} km）" for s in st)
    return ", ".join(f"{s['name']} ({s['dataset']}, {s['distance_km']:.0f} km)" for s in st)


def zone_words(w: dict, zh: bool) -> str:
    """GB 50176-2016 sub-zone of a run's weather ("夏热冬暖B"; in English "hot summer and warm
    winter (夏热冬暖B)"); "" when the summary has none."""
    z = w.get("climate_zone") or {}
    zone, key = z.get("subzone"), z.get("key", "")
    if not zone or zh:
        return zone or ""
    return f"{_ZONE_EN.get(key, key)} ({zone})" if key else zone


def site_words(w: dict, zh: bool) -> str | None:
    """Where a run's park is (summary ``weather.site``): the city as the scenario writes it (in
    the other language where it is the run's own station: Guangzhou / 广州) or the
    coordinates, with the province; None when the summary records no position."""
    site = w.get("site") or {}
    city = site.get("city")
    if city:
        own = next((s for s in w.get("stations") or [] if s.get("role") == "own statistics"), None)
        if own and str(city).casefold() in {str(own.get("name", "")).casefold(), str(own.get("name_zh", ""))}:
            city = (own.get("name_zh") or city) if zh else (own.get("name") or city)
        else:  # a place without a station of its own: its name in the page's language where known
            city = site.get("city_zh" if zh else "city_en") or city
        where = str(city)
    elif w.get("latitude") is not None and w.get("longitude") is not None:
        where = text("site_coordinates", "zh" if zh else "en").format(lat=w["latitude"], lon=w["longitude"])
    else:
        return None
    province = site.get("province_zh") if zh else site.get("province")
    return text("site_province", "zh" if zh else "en").format(where=where, province=province) if province else where


def site_row_words(w: dict, zh: bool) -> str | None:
    """The report's site row: where the park is (:func:`site_words`), its position and elevation
    with where the elevation came from (given, the station's, estimated from the terrain grid with
    how far it may be off, or the weather file's); None when the summary records no position."""
    where = site_words(w, zh)
    lat, lon, z = w.get("latitude"), w.get("longitude"), w.get("elevation_m")
    if lat is None or lon is None:
        return where
    lang = "zh" if zh else "en"
    parts = [where] if where else []
    if (w.get("site") or {}).get("city") or not where:  # a named city: its position too
        parts += [text("site_coordinates", lang).format(lat=lat, lon=lon)]
    if z is not None:
        src = w.get("elevation_source") or ""
        unc = w.get("elevation_uncertainty_m")
        how = text(f"elevation_from_{src.replace(' ', '_')}", lang) if src else ""
        if unc is not None:
            how += text("elevation_within", lang).format(u=unc)
        parts += [text("site_elevation", lang).format(z=z) + (text("in_brackets", lang).format(x=how) if how else "")]
    return ("，" if zh else ", ").join(parts)


def design_temperature_words(w: dict, zh: bool) -> str | None:
    """The report's design-temperature row (summary ``weather.design_temperatures``): heating and
    cooling design temperatures, the design wet-bulb where the summary has it, and what they are
    the mean of; None when the summary has none."""
    d = w.get("design_temperatures") or {}
    if d.get("heating_c") is None or d.get("cooling_c") is None:
        return None
    lang = "zh" if zh else "en"
    years = int(d.get("years") or 1)
    of = (text("design_of_years", lang).format(n=years) if years > 1 else text("design_of_year", lang))
    has_wet = d.get("wet_bulb_c") is not None  # summaries written before 2026-12-07 have none
    wet = text("design_wet_bulb", lang).format(w=d["wet_bulb_c"]) if has_wet else ""
    clauses = text("design_clauses_wet" if has_wet else "design_clauses", lang)
    return text("design_temperatures_line", lang).format(h=d["heating_c"], c=d["cooling_c"], wet=wet, of=of,
                                                         clauses=clauses)


def stated_uncertainty_words(w: dict, zh: bool) -> str | None:
    """The report's row of what the tool states of a synthetic year's accuracy: the expected
    uncertainty of its annual mean temperature and GHI, and the published operating PV yields
    against those modelled on its radiation basis; None for a weather file (the tool states
    none for it)."""
    if w.get("source") == "file":
        return None
    lang = "zh" if zh else "en"
    parts = []
    t, g, r = (w.get("expected_temperature_uncertainty_k"), w.get("expected_uncertainty"),
               w.get("radiation_basis_range") or [])
    if t is not None:
        parts.append(text("uncertainty_temperature", lang).format(t=t))
    if g is not None:
        parts.append(text("uncertainty_ghi", lang).format(g=100 * g))
    if len(r) == 2:
        parts.append(text("uncertainty_basis", lang).format(basis=w.get("radiation_basis") or "",
                                                              lo=100 * r[0], hi=100 * r[1]))
    return ("；" if zh else "; ").join(parts) or None


def _weather_text(w: dict, fmt, zh: bool) -> str:
    """Weather row of the overview: source (the file, or the stations used with distances), annual
    GHI and mean temperature, radiation basis, zone."""
    st = w.get("stations") or []
    basis = w.get("radiation_basis")
    zone = zone_words(w, zh)
    given = w.get("climate_zone_given")  # the scenario's zone for the buildings' presets
    t = w.get("annual_mean_temperature_c")
    period = w.get("temperature_period") or "tmyx"  # the default, the recent climate, goes unsaid
    older = _PERIOD_YEARS.get(period)
    is_file = w["source"] == "file"
    fc = w.get("file_check") or {}  # the tool's estimate at the file's position less the file
    if fc:
        from weather.site import FILE_CHECK_WORDS, file_check_text, signed_text
        from weather.validation import FILE_PERIODS
    if zh:
        used = stations_words(w, zh)
        parts = [weather_source_words(w, "zh")]
        parts += [f"站点：{used}"] if used else []
        parts += [f"水平面总辐射 {fmt(w['annual_ghi_kwh_m2'])} kWh/m²/年"]
        parts += [f"年平均气温 {t:.1f} °C" + (f"（{older} 年气候）" if older else "")] if t is not None else []
        parts += ["辐射取自文件" if is_file else text("weather_basis", "zh").format(basis=basis)] if basis else []
        parts += [f"气候区 {zone}"] if zone else []
        parts += [text("zone_given", "zh").format(zone=given)] if given else []
        if fc:
            parts += [f"本工具在文件表头位置的估计减文件：年均气温 {signed_text(fc['t_annual_error_k'], 1)} K"
                      + ("（按文件所属时段）" if fc.get("dataset") in FILE_PERIODS
                         or fc.get("temperature_period", "tmyx") != "tmyx" else "") + "，总辐射 "
                      f"{signed_text(100 * fc['ghi_error_tmyx'], 0)}%（tmyx 基准）/ "
                      f"{signed_text(100 * fc['ghi_error_cswd'], 0)}%（cswd 基准）"
                      + (f"；估计取文件所据的 {fc['estimate_station']} 站自身统计值" if fc.get("estimate_station")
                         else "；估计为文件所据场址的插值" if fc.get("dataset") == "park-twin" else "")]
        return "；".join(parts)
    # the source in words, then the file's name or the stations used
    used = stations_words(w, zh) if st else (w.get("reference_city") or "")
    head = weather_source_words(w, "en") + (f": {used}" if used and not is_file else "")
    extra = "".join([f", mean {t:.1f} °C" + (f" ({older.replace('–', '-')} climate)" if older else "") if t is not None else "",
                     ("; radiation from the file" if is_file else
                      "; " + text("weather_basis", "en").format(basis=basis)) if basis else "",
                     f"; climate zone {zone}" if zone else "",
                     "; " + text("zone_given", "en").format(zone=given) if given else "",
                     f"; {FILE_CHECK_WORDS}: {file_check_text(fc)}" if fc else ""])
    return f"{head}, GHI {fmt(w['annual_ghi_kwh_m2'])} kWh/m²/yr{extra}"


def _table(rows: list[tuple], header: tuple | None = None, cls: str = "") -> str:
    """HTML table; cells are escaped unless wrapped in :class:`_Raw`."""
    out = [f"<table class='{cls}'>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in header) + "</tr>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c if isinstance(c, _Raw) else _esc(c)}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


class _Raw(str):
    """Trusted HTML for a table cell."""


#: A figure and a share as every page of a run shows them (twin.fmt; `twin compare` uses them too).
fmt = fmt_value
pct = fmt_percent


def _sum_dims(da: xr.DataArray, how: str = "sum") -> xr.DataArray:
    extra = [d for d in da.dims if d != "time"]
    if not extra:
        return da
    return da.mean(extra) if how == "mean" else da.sum(extra)


def _monthly(ds: xr.Dataset, var: str, how: str = "sum") -> pd.Series:
    """Monthly sum [unit·h/1000, i.e. MWh for kW] or mean of an hourly variable (summed over assets)."""
    s = pd.Series(_sum_dims(ds[var].astype(float), "mean" if how == "mean" else "sum").to_numpy(),
                  index=pd.DatetimeIndex(ds["time"].values).month)
    g = s.groupby(level=0)
    return g.mean() if how == "mean" else g.sum() / 1000.0


def _layout(fig, title: str, ytitle: str = "", xtitle: str = "", height: int = 420):
    fig.update_layout(title={"text": title, "x": 0.01}, yaxis_title=ytitle, xaxis_title=xtitle, height=height,
                      margin={"t": 50, "l": 70, "r": 20, "b": 50}, template="plotly_white",
                      legend={"orientation": "v"}, font={"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"})
    return fig


def _month_axis(fig, lang: str):
    names = [f"{m}月" for m in range(1, 13)] if lang == "zh" else \
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    fig.update_xaxes(tickmode="array", tickvals=list(range(1, 13)), ticktext=names)


def _bus_balance(ds: xr.Dataset, supply, uses, title: str, lang: str):
    import plotly.graph_objects as go

    fig = go.Figure()
    for sign, group in ((1, supply), (-1, uses)):
        for v in group:
            if v in ds:
                s = _monthly(ds, v)
                if s.abs().sum() > 1e-6:
                    fig.add_bar(x=s.index, y=sign * s.values, name=_lab(v, lang))
    if not fig.data:
        return None
    fig.update_layout(barmode="relative")
    _layout(fig, title, "MWh", _t("month", lang))
    _month_axis(fig, lang)
    return fig


ELEC_SUPPLY = ("p_grid_import_kw", "p_pv_kw", "p_battery_discharge_kw", "p_ev_discharge_kw")
ELEC_USES = ("p_load_kw", "p_ev_charge_kw", "p_heat_pump_kw", "p_electric_boiler_kw", "p_chiller_kw",
             "p_battery_charge_kw", "p_grid_export_kw")
HEAT_SUPPLY = ("q_heat_pump_kw", "q_waste_heat_direct_kw", "q_electric_boiler_kw", "q_gas_boiler_kw",
               "q_coal_boiler_kw", "q_oil_boiler_kw", "q_biomass_boiler_kw",
               "q_heat_import_kw", "q_tes_discharge_kw")
HEAT_USES = ("q_heat_demand_kw", "q_process_heat_demand_kw", "q_tes_charge_kw", "q_absorption_heat_kw")


def fig_monthly_balance(ds: xr.Dataset, lang: str):
    """Stacked monthly supply (positive) and uses (negative) of the electricity bus [MWh]."""
    return _bus_balance(ds, ELEC_SUPPLY, ELEC_USES, _t("monthly", lang), lang)


def fig_monthly_heat(ds: xr.Dataset, lang: str):
    """Monthly heat balance of all heat buses [MWh] (the network and the process-heat buses) when the park
    has heat demand (``q_heat_demand_kw``, ``q_process_heat_demand_kw``), else None."""
    if not any(v in ds and float(np.abs(ds[v]).sum()) > 0 for v in ("q_heat_demand_kw", "q_process_heat_demand_kw")):
        return None
    return _bus_balance(ds, HEAT_SUPPLY, HEAT_USES, _t("monthly_heat", lang), lang)


def fig_monthly_cooling(ds: xr.Dataset, lang: str):
    """Monthly balance of all cooling buses [MWh] (the chilled-water network and the process-cooling
    loops) when the park has central or process cooling, else None."""
    uses = ("q_cooling_demand_kw", "q_process_cooling_demand_kw")
    if not any(v in ds and float(np.abs(ds[v]).sum()) > 0 for v in uses):
        return None
    return _bus_balance(ds, ("q_chiller_kw", "q_cold_discharge_kw"), (*uses, "q_cold_charge_kw"),
                        _t("monthly_cool", lang), lang)


def fig_emissions(summary: dict, ledger: dict | None, lang: str):
    """Waterfall: baseline → internal abatement → certificates → offsets → net [tCO2/yr]."""
    import plotly.graph_objects as go

    if ledger is not None:
        b, p = ledger["annual"].get("baseline"), ledger["annual"]["planned"]
        base = b["co2_gross_t"] if b else summary["emissions_tco2"]["baseline"]
        steps = [("baseline", base, "absolute"),
                 ("internal", p["co2_gross_t"] - base, "relative"),
                 ("export", -(p.get("co2_export_credit_t") or 0.0), "relative"),
                 ("green", -((p.get("co2_green_power_credit_t") or 0.0) + (p.get("co2_green_certificate_credit_t") or 0.0)),
                  "relative"),
                 ("offsets", -(p.get("offsets_used_t") or 0.0), "relative"),
                 ("net", p["co2_net_t"], "total")]
    else:
        e = summary["emissions_tco2"]
        steps = [("baseline", e["baseline"], "absolute"), ("internal", e["gross"] - e["baseline"], "relative"),
                 ("export", -abs(e.get("export_credit", 0.0)), "relative"),
                 ("green", -e.get("certificates", 0.0), "relative"), ("offsets", -e["offsets"], "relative"),
                 ("net", e["net"], "total")]
    names = {"baseline": ("基准排放", "Baseline"), "internal": ("园区内部减排", "Internal abatement"),
             "export": ("上网抵扣", "Export credit"), "green": ("绿电/绿证", "Green power / certificates"),
             "offsets": ("碳抵消", "Offsets"), "net": ("净排放", "Net")}
    steps = [s for s in steps if s[0] in ("baseline", "net") or abs(s[1]) > 1e-6]
    fig = go.Figure(go.Waterfall(
        x=[names[k][_i(lang)] for k, _, _ in steps], y=[v for _, v, _ in steps], measure=[m for _, _, m in steps],
        text=[fmt(v) for _, v, _ in steps], textposition="outside",
        decreasing={"marker": {"color": "#2ca02c"}}, increasing={"marker": {"color": "#d62728"}},
        totals={"marker": {"color": "#555"}}))
    _layout(fig, _t("carbon", lang), text_unit("tCO2/yr", lang), height=420)
    return fig


def _cost_items(costs: dict) -> dict[str, float]:
    return {k: float(v) for k, v in costs.items()
            if isinstance(v, (int, float)) and k not in ("total", "capex_overnight") and abs(float(v)) > 1e-6}


def fig_costs(summary: dict, lang: str):
    """Annualised cost of baseline and plan, stacked by item (capital annuity included) [CNY/yr]."""
    import plotly.graph_objects as go

    plan = _cost_items(summary["costs_cny_per_yr"])
    base = _cost_items(summary.get("baseline_costs_cny_per_yr") or {})
    if not plan:
        return None
    fig = go.Figure()
    cols = [_t("plan", lang)] if not base else [_t("baseline", lang), _t("plan", lang)]
    for k in dict.fromkeys(list(base) + list(plan)):
        y = [plan.get(k, 0.0)] if not base else [base.get(k, 0.0), plan.get(k, 0.0)]
        fig.add_bar(x=cols, y=[v / 1e4 for v in y], name=label(k, lang, "cost"))
    if not base and "baseline_cost_cny" in summary:
        fig.add_scatter(x=cols, y=[summary["baseline_cost_cny"] / 1e4], mode="markers",
                        marker={"symbol": "line-ew-open", "size": 40, "color": "black"},
                        name=_t("baseline", lang) + (" 合计" if lang == "zh" else " total"))
    fig.update_layout(barmode="relative")
    _layout(fig, _t("costs", lang), "万元/年" if lang == "zh" else "10k CNY/yr", height=420)
    return fig


def fig_pareto(summary: dict, lang: str):
    import plotly.graph_objects as go

    # failed points (no cost) are listed in summary.json, not drawn
    pts = [p for p in summary.get("pareto") or [] if p.get("cost_cny") is not None]
    if not pts:
        return None

    days = next((p["full_year"] for p in pts if p.get("headline") and p.get("full_year")), None)

    def label(p):
        if p.get("vertical"):
            return "minimum emissions (vertical end)" if lang != "zh" else "最低排放（垂直端）"
        mac = f"MAC {fmt(p['mac_cny_per_t'])} CNY/t" if p.get("mac_cny_per_t") is not None else ""
        if not p.get("headline"):
            return mac
        if days:  # the headline plan's point on the days; its full year is the marker beside it
            return mac + (" — 本方案（典型日）" if lang == "zh" else " — headline plan (on the representative days)")
        return mac + (" — headline plan" if lang != "zh" else " — 本方案")

    fig = go.Figure(go.Scatter(
        x=[p["residual_tco2"] for p in pts], y=[p["cost_cny"] / 1e4 for p in pts], mode="lines+markers",
        text=[label(p) for p in pts], name=_t("pareto_front_days" if days else "pareto", lang)))
    if days:
        fig.add_trace(go.Scatter(x=[days["residual_tco2"]], y=[days["cost_cny"] / 1e4], mode="markers",
                                 marker={"symbol": "star", "size": 14}, name=_t("pareto_headline_full_year", lang),
                                 text=[_t("pareto_headline_full_year", lang)]))
    _layout(fig, _t("pareto", lang), "万元/年" if lang == "zh" else "10k CNY/yr",
            "剩余排放 tCO2/年" if lang == "zh" else "residual tCO2/yr")
    return fig


def pareto_note(summary: dict, lang: str) -> str:
    """What the front's points were sized on, and where the headline plan's full-year values are,
    when they differ (representative days); empty otherwise."""
    head = next((p for p in summary.get("pareto") or [] if p.get("headline") and p.get("full_year")), None)
    if head is None:
        return ""
    k = (summary.get("solver", {}).get("representative_days") or {}).get("k", "")
    fy = head["full_year"]
    return "<p class='notes'>" + _esc(text("pareto_days_note", lang).format(
        k=k, c=fmt(fy["cost_cny"]), e=fmt(fy["residual_tco2"]), c0=fmt(head["cost_cny"]),
        e0=fmt(head["residual_tco2"]))) + "</p>"


def targets_table(targets: list[dict], lang: str) -> str:
    """Stated targets: value reached, binding or not, marginal cost (dual) and source."""
    zh = lang == "zh"
    rows = []
    for t in targets:
        val = pct(t["value"]) if t["unit"] == "1" else fmt(t["value"], 4)
        mc = t.get("marginal_cost_cny_per_unit")
        reach = t.get("out_of_reach")  # held at its best reachable value: no tightening is possible
        if reach:
            val += "（最好值）" if zh else " (best reachable)"
        held = t.get("row_value")
        if t["name"] != "residual" and held is not None and abs(held - t["value"]) > 1e-6 * max(abs(held), 1e-9):
            h = pct(held) if t["unit"] == "1" else fmt(held, 4)
            val += f"（不计储能损耗：{h}）" if zh else f" (without the stores' losses: {h})"
        # where the threshold comes from and its source, once each ("stated by the planner" is both for a residual cap)
        basis = list(dict.fromkeys(x for x in (t.get("threshold_origin"), t.get("tce_basis"), t.get("source")) if x))
        rows.append((phrase(t["label"], lang), val,
                     ("未能达到" if zh else "out of reach") if reach else
                     ("是" if zh else "yes") if t["binding"] else ("否" if zh else "no"),
                     ("—（已是可达到的最好值）" if zh else "— (already the best reachable value)") if reach else
                     "—" if mc is None else (f"{fmt(mc)} {phrase(t['marginal_cost_unit'], lang)}"
                                             f"（{phrase(t['marginal_cost_note'], lang)}）" if zh else
                                             f"{fmt(mc)} {t['marginal_cost_unit']} ({t['marginal_cost_note']})"),
                     _Raw("；".join(phrase_html(x, lang) for x in basis) if zh else _esc("; ".join(basis)))))
    head = (("目标", "达到值", "是否约束", "边际成本（对偶值）", "依据") if zh else
            ("Target", "Reached", "Binding", "Marginal cost (dual)", "Basis and source"))
    note = ("边际成本：目标每收紧一个单位，年化总成本的增加（线性规划的对偶值）。" if zh else
            "Marginal cost: increase of the annualised cost when the target is tightened by one unit (the LP dual).")
    lost = max((t.get("storage_losses_tce") or 0.0 for t in targets if t["name"] != "residual"), default=0.0)
    if lost > 0:
        note += (f"比值目标（核心指标、能源占比）按扣除储能损耗（{fmt(lost)} tce/年）后的能源消费量约束，使储能中损失的电量"
                 "不能降低核心指标或提高占比；达到值按台账口径（含损耗）计，因此可能优于目标。" if zh else
                 f" Ratio targets (core indicator, shares) are held with the stores' losses ({fmt(lost)} tce/yr) "
                 "left out of the energy use, so that energy lost in a battery cannot lower the core indicator or "
                 "raise a share; the reached value is the ledger's (with the losses) and may lie beyond the target.")
    return _table(rows, head) + f"<p class='notes'>{note}</p>"


def process_notes(summary: dict, lang: str) -> str:
    """The declared industrial-process CO2 source by source, with where each figure comes from (the
    planner's words, shown as data); empty where none is declared."""
    items = summary.get("process_emissions") or []
    if not items:
        return ""
    lines = [text("process_declared", lang).format(
        name=f"<span class='data'>{_esc(x['name'])}</span>", t=fmt(x["co2_t_per_yr"]), unit=text_unit("tCO2/yr", lang),
        source=f"<span class='data'>{_esc(x['source'])}</span>") for x in items]
    return "<p class='notes'>" + "<br>".join(lines) + "</p>"


def shortfall_notes(shortfalls: list[dict], lang: str) -> str:
    """Requirements out of reach (a pathway period, or a run with ``out_of_reach: closest``, plans for the
    best reachable value): one line each."""
    if not shortfalls:
        return ""
    items = "".join(f"<li>{phrase_html(sf['sentence'], lang)}"
                    + "".join(f"<br>{phrase_html(x, lang)}" for x in sf.get("remains", [])) + "</li>"
                    for sf in shortfalls)
    return (f"<div class='warn'><b>{_esc(text('out_of_reach', lang))}</b><ul>{items}</ul>"
            f"<p class='notes'>{_esc(text('out_of_reach_note', lang))}</p></div>")


def _headline_rows(summary: dict, led: dict | None, sc: dict | None, lang: str) -> list[tuple]:
    zh = lang == "zh"
    rows = []
    if led is not None:
        b, p = led["annual"].get("baseline") or {}, led["annual"]["planned"]

        def row(zh_name, en_name, key, unit, f=fmt):
            x, y = b.get(key), p.get(key)
            ch = f(change(y, x)) if (x is not None and y is not None and f is fmt) else (
                fmt_points(y - x, lang) if (x is not None and y is not None) else "—")
            rows.append((zh_name if zh else en_name, f(x), f(y), ch, text_unit(unit, lang)))

        row("综合能耗", "Total energy consumption", "tce_total_tce", "tce/yr")
        row("总排放（电网+燃料+外购热+工业过程）", "Gross CO2 (grid + fuel + bought heat + industrial processes)",
            "co2_gross_t", "tCO2/yr")
        if p.get("co2_process_t"):
            row("其中：工业过程 CO2（申报）", "of which industrial-process CO2 (declared)", "co2_process_t", "tCO2/yr")
        row("绿电/绿证与上网抵扣后", "After export and green-power credits", "co2_after_internal_t", "tCO2/yr")
        row("碳抵消后净排放", "Net after offsets", "co2_net_t", "tCO2/yr")
        basis = (led.get("settings") or {}).get("core_indicator_basis", "acceptance")
        tce_b = "当量值" if (led.get("settings") or {}).get("electricity_tce_basis", "calorific") == "calorific" else "等价值"
        row(f"单位能耗碳排放（910号核心指标，{'验收口径' if basis == 'acceptance' else '基于位置口径'}，电力按{tce_b}）",
            f"CO2 per tce (910号 core indicator, {basis} basis, electricity at "
            f"{'its calorific value' if tce_b == '当量值' else 'its primary-energy equivalent'} ({tce_b}))",
            "carbon_intensity_tco2_per_tce", "tCO2/tce")
        other = "location" if basis == "acceptance" else "acceptance"
        row(f"单位能耗碳排放（{'基于位置口径' if other == 'location' else '验收口径'}，对照）",
            f"CO2 per tce ({other} basis, for comparison)", f"carbon_intensity_{other}_tco2_per_tce", "tCO2/tce")
        row("可再生能源占综合能耗比例（含绿电绿证，tce/tce）", "Renewable share of energy use incl. green power (tce/tce)",
            "renewable_share", "%", pct)
        row("园区光伏占综合能耗比例（tce/tce）", "On-site PV share of energy use (tce/tce)", "onsite_renewable_share", "%", pct)
    from twin.results.summary import pv_share

    rows.append(("光伏自用电量占园区用电量比例（kWh/kWh）" if zh else "PV share of electricity use (kWh/kWh)", "—",
                 pct(pv_share(summary)), "", "%"))
    rows.append(("年化总成本" if zh else "Annualised cost", fmt(summary.get("baseline_cost_cny")),
                 fmt(summary["annualised_cost_cny"]),
                 fmt(summary["annualised_cost_cny"] - summary["baseline_cost_cny"]) if summary.get("baseline_cost_cny") is not None else "—",
                 text_unit("CNY/yr", lang)))
    rows.append(("初始投资" if zh else "Overnight investment", "—", fmt(summary.get("capex_cny")), "",
                 text_unit("CNY", lang)))
    if sc is not None:
        ag = sc["aggregate"]
        rows.append(("T/CSUS 66-2023 第7章得分（暂定）" if zh else "T/CSUS 66-2023 chapter 7 score (provisional)", "—",
                     fmt(ag["chapter7_Q"]), "", "/100"))
        rows.append(("第12章加分（暂定）" if zh else "Chapter 12 bonus (provisional)", "—", fmt(ag["QA"]), "",
                     f"/{fmt(ag['bonus_cap'])}"))
    return rows


def pv_yield_rows(led: dict | None, lang: str) -> list[tuple]:
    """The energy table's PV specific yield row: the ledger's AC energy available before
    curtailment per kWp DC (``pv_specific_yield_kwh_per_kwp``) [kWh/kWp/yr] of baseline and plan,
    the figure an assessor checks against the site's published yields; none without PV in the plan."""
    annual = (led or {}).get("annual") or {}

    def value(side: str) -> float | None:
        a = annual.get(side) or {}
        y = a.get("pv_specific_yield_kwh_per_kwp")
        return float(y) if y is not None and (a.get("pv_kwp") or 0.0) > 0 and np.isfinite(y) else None

    plan, base = value("planned"), value("baseline")
    if plan is None:
        return []
    return [(text("pv_specific_yield", lang), "—" if base is None else fmt(base), fmt(plan), "",
             text_unit("kWh/kWp/yr", lang))]


def _scop_text(v) -> str:
    return "—" if v is None else f"{float(v):.2f}"


def _share_text(v) -> str:
    return "—" if v is None else f"{100 * float(v):.1f}"


def direct_by_bus_rows(summary: dict, lang: str) -> list[tuple]:
    """Rows of the energy table under the waste heat used directly: the plan's on each heat bus
    (summary.json ``waste_heat_direct_by_bus_mwh`` [MWh/yr]) where some process-heat demand has a
    bus of its own; the baseline uses none."""
    from twin.report_text import direct_bus_label

    by_bus = summary.get("waste_heat_direct_by_bus_mwh") or {}
    if not any(b != "heat" for b in by_bus):
        return []
    return [(direct_bus_label(b, lang), fmt(0.0), fmt(v), fmt(change(v, 0.0)), text_unit("MWh/yr", lang))
            for b, v in by_bus.items()]


def heat_pump_sentences(summary: dict) -> list[str]:
    """English sentences on the heat pumps: seasonal COP (SCOP, heat delivered / electricity used)
    of plan and baseline, and per heat pump its SCOP, the shares of heating hours at reduced
    capacity and below the cut-off, and how its capacity is modelled (sources, ASSUMED parts).
    Chinese from :func:`twin.report_text.phrase`."""
    hp = summary.get("heat_pumps") or {}
    if not hp.get("per_heat_pump"):
        return []
    base = (summary.get("baseline_heat_pumps") or {}).get("scop")
    out = [f"Heat pumps: seasonal COP (heat delivered / electricity used) {_scop_text(hp.get('scop'))} in the plan"
           + ("" if base is None else f", {_scop_text(base)} in the baseline")]
    model = hp.get("capacity_model") or {}
    for name, st in hp["per_heat_pump"].items():
        m = model.get(name) or {}
        if m.get("source", "air") != "air":
            out.append(f"{name}: seasonal COP {_scop_text(st.get('scop'))}; on a waste-heat source, full capacity "
                       "in every hour")
            continue
        if st.get("hours_reduced_capacity_share") is not None and m.get("cutoff_temperature_c") is not None:
            out.append(f"{name}: seasonal COP {_scop_text(st.get('scop'))}; of the hours with heat demand, "
                       f"{_share_text(st['hours_reduced_capacity_share'])} % at reduced capacity (cold air) and "
                       f"{_share_text(st['hours_below_cutoff_share'])} % below its cut-off temperature "
                       f"({m['cutoff_temperature_c']:g} °C), when other heat sources must cover the demand")
        else:
            out.append(f"{name}: seasonal COP {_scop_text(st.get('scop'))}")
        out += list(m.get("notes") or [])
    return out


def process_cooling_sentences(summary: dict) -> list[str]:
    """English sentences on each process-cooling demand (``summary["process_cooling"]``): its cooling
    and peak, what supplies it today, and its chillers' electricity and seasonal COP (cooling
    delivered / electricity used) in baseline and plan, with the plan's chillers on its loop (a demand
    that joins the chilled-water network: the network's chillers, which serve the buildings too).
    Chinese from :func:`twin.report_text.phrase`."""
    pc = summary.get("process_cooling") or {}
    out = []
    net = pc.get("network") or {}
    for d in pc.get("demands") or []:
        chillers = ", ".join(f"{n} ({fmt(kw)} kW)" for n, kw in (d.get("chillers_kw") or {}).items() if kw > 0.1)
        head = (f"Process cooling '{d['name']}' ({d['temperature_c']:g} °C" + (
            ") joins the chilled-water network" if d["joins_network"] else ", a loop of its own)")
            + f": {fmt(d['cooling_mwh'])} MWh/yr of cooling, peak {fmt(d['peak_kw'])} kW")
        if d["joins_network"]:
            out.append(f"{head}; the network's chillers, which cool the buildings too, use "
                       f"{fmt(net.get('baseline_electricity_mwh') or 0.0)} MWh/yr of electricity in the baseline and "
                       f"{fmt(net.get('electricity_mwh') or 0.0)} MWh/yr in the plan; the plan's chillers on the "
                       f"network: {chillers or '—'}")
        else:
            out.append(f"{head}; its chillers use {fmt(d.get('baseline_electricity_mwh') or 0.0)} MWh/yr of "
                       f"electricity in the baseline (seasonal COP {_scop_text(d.get('baseline_scop'))}) and "
                       f"{fmt(d.get('electricity_mwh') or 0.0)} MWh/yr in the plan (seasonal COP "
                       f"{_scop_text(d.get('scop'))}); the plan's chillers on its loop: {chillers or '—'}")
        today = d.get("supply_today") or {}
        kind = today.get("kind")
        if kind == "existing_cop":
            out.append(f"Process cooling '{d['name']}' today: its chillers at a seasonal COP of {today['cop']:.2f} "
                       "(existing_cop), covering its peak")
            if len(today.get("chillers") or []) > 1:  # declared chillers with existing capacity beside them
                out.append(f"Process cooling '{d['name']}' today: the declared chillers "
                           f"{', '.join(today['chillers'][1:])}")
        elif kind == "declared_chillers":
            out.append(f"Process cooling '{d['name']}' today: the declared chillers "
                       f"{', '.join(today.get('chillers') or [])}")
        elif kind == "network_chillers":
            out.append(f"Process cooling '{d['name']}' today: the chilled-water network's declared chillers")
        elif kind == "implied_air_cooled":
            out.append(f"Process cooling '{d['name']}' today: an air-cooled chiller covering its peak, implied "
                       "(COP from the Carnot model, ASSUMED: give existing_cop)")
            if len(today.get("chillers") or []) > 1:  # kept beside declared chillers (keep_implied_supply)
                out.append(f"Process cooling '{d['name']}' today: the declared chillers "
                           f"{', '.join(today['chillers'][1:])}")
    return out


def cold_storage_sentences(summary: dict) -> list[str]:
    """English sentences on the cold stores (``summary["cold_storage"]``): each store's size, its year
    (charged, the share in valley hours, discharged, the share in peak hours, standing losses, full
    cycles), the chillers' ice making against their chilled-water COP, and the chillers' electricity in
    peak and valley hours and its cost at the hour's import price in baseline and plan
    (``summary["chiller_electricity_by_period"]``). Chinese from
    :func:`twin.report_text.phrase`."""
    cs = summary.get("cold_storage") or {}
    if not cs:
        return []
    out = []
    for st in cs.get("stores") or []:
        kind = "chilled-water tank" if st["kind"] == "chilled_water" else "ice store"
        where = ("the chilled-water network" if st["bus"] == "cool"
                 else f"the loop of '{st.get('serves') or st['bus'].split(':', 1)[-1]}'")
        head = f"Cold store '{st['name']}' ({kind} on {where})"
        if st["size_kwh"] < 0.5:
            out.append(f"{head}: not built (the plan finds it does not pay)")
            continue
        out.append(f"{head}: {fmt(st['size_kwh'])} kWh of cooling ({fmt(st['new_kwh'])} kWh new); charged "
                   f"{fmt(st['charge_mwh'])} MWh/yr ({_share_text(st.get('valley_charge_share') or 0.0)} % in valley "
                   f"hours), discharged {fmt(st['discharge_mwh'])} MWh/yr ({_share_text(st.get('peak_discharge_share') or 0.0)}"
                   f" % in peak hours), standing losses {fmt(st['losses_mwh'])} MWh/yr, {fmt(st['full_cycles'])} full "
                   "cycles a year")
    ice = cs.get("ice_making")
    if ice is not None and any(st["kind"] == "ice" and st["size_kwh"] >= 0.5 for st in cs.get("stores") or []):
        t = next((st["charge_temperature_c"] for st in cs.get("stores") or [] if st.get("charge_temperature_c")
                  is not None), None)
        out.append(f"Ice making: {fmt(ice['cooling_mwh'])} MWh/yr of cooling for {fmt(ice['electricity_mwh'])} MWh/yr "
                   f"of electricity (seasonal COP {_scop_text(ice.get('cop'))}, against "
                   f"{_scop_text(ice.get('chilled_water_cop'))} making chilled water): the chillers' own Carnot model "
                   f"with brine at {t:g} °C")
    ch = summary.get("chiller_electricity_by_period")
    if ch:
        b, p = ch["baseline"], ch["plan"]
        out.append(f"The chillers' electricity in peak hours: {fmt(b['peak_mwh'])} MWh/yr in the baseline, "
                   f"{fmt(p['peak_mwh'])} MWh/yr in the plan; in valley hours {fmt(b['valley_mwh'])} and "
                   f"{fmt(p['valley_mwh'])} MWh/yr; its cost at each hour's import price {fmt(b['cost_cny'])} CNY/yr in "
                   f"the baseline, {fmt(p['cost_cny'])} CNY/yr in the plan (energy price only)")
    return out


def district_heat_sentences(summary: dict) -> list[str]:
    """English sentences on the bought district heat of plan and baseline: heat and CO2, the bill by
    part (``summary["district_heat"]``, :func:`twin.statistics.district_heat_bill`), or that its cost is
    not included; the tariff's source. Chinese from :func:`twin.report_text.phrase`."""
    dh = summary.get("district_heat") or {}
    if not dh:
        return []
    p, b = dh["plan"], dh["baseline"]
    out = [(f"District heat bought: {fmt(p['heat_mwh'])} MWh/yr in the plan, {fmt(b['heat_mwh'])} MWh/yr in the "
            f"baseline; its CO2 {fmt(p['co2_t'])} tCO2/yr in the plan, {fmt(b['co2_t'])} tCO2/yr in the baseline "
            f"(at {dh['ef_tco2_per_gj']:g} tCO2/GJ)")]
    if not p["cost_included"]:
        out.append("district heat cost not included: no price is given (district_heat.energy_price_cny_per_gj, "
                   "capacity_price_cny_per_kw_yr or area_price_cny_per_m2_yr)")
        return out
    out.append(f"District heat bill: {fmt(p['cost_cny'])} CNY/yr in the plan (metered energy {fmt(p['energy_cost_cny'])} "
               f"CNY/yr at {fmt(p['energy_price_cny_per_gj'])} CNY/GJ, capacity part {fmt(p['capacity_cost_cny'])} "
               f"CNY/yr for {fmt(p['contracted_kw'])} kW contracted, area-based fee {fmt(p['fixed_cost_cny'])} CNY/yr), "
               f"{fmt(b['cost_cny'])} CNY/yr in the baseline")
    if p["replaceable"]:
        out.append("district heat may be replaced in the plan: heat pumps, waste heat and thermal stores displace it "
                   "where that costs less")
    if dh.get("area_fee_note"):
        out.append(dh["area_fee_note"])
    if dh.get("source"):
        out.append(f"District heat tariff: {dh['source']}")
    return out


def season_label(season: dict, lang: str) -> str:
    """A tariff season as the report names it: its given name, or its months ('1-2, 6-8, 12' / '1-2、6-8、12月')."""
    from twin.components.tariff import months_text

    if season.get("name"):
        return season["name"]
    months = months_text(season["months"])
    return f"{months.replace(', ', '、')}月" if lang == "zh" else f"months {months}"


def tariff_table(summary: dict, lang: str) -> str:
    """The time-of-use tariff season by season (``summary["tariff"]``): each period's all-in price and
    clock hours, a season's own prices marked *, the grid electricity the plan buys in the season, its
    energy charges in baseline and plan and the plan's mean price; a last row for the year (the plan's
    charges are the cost table's ``energy_import``, 'Electricity bought'). Empty without a ``tariff`` section."""
    from twin.components.tariff import PERIODS

    t = summary.get("tariff") or {}
    if not t.get("seasons"):
        return ""
    periods = [p for p in PERIODS if any(p in s["prices_cny_per_kwh"] for s in t["seasons"])]
    price_unit = text_unit("CNY/kWh", lang)
    header = ((text("tariff_season", lang),)
              + tuple(f"{text('tou_' + p, lang)} [{price_unit}]" for p in periods)
              + (f"{text('tariff_bought', lang)} [{text_unit('MWh/yr', lang)}]",
                 f"{text('tariff_charges_baseline', lang)} [{text_unit('CNY/yr', lang)}]",
                 f"{text('tariff_charges_plan', lang)} [{text_unit('CNY/yr', lang)}]",
                 f"{text('tariff_mean_price', lang)} [{price_unit}]"))

    rows = []
    for s in t["seasons"]:
        cells = []
        for p in periods:
            if p not in s["prices_cny_per_kwh"]:
                cells.append("—")
                continue
            mark = "*" if p in s.get("own_prices", []) else ""
            hours = ", ".join(s["hours"].get(p, []))
            cells.append(f"{s['prices_cny_per_kwh'][p]:.4f}{mark} ({hours})" if hours else
                         f"{s['prices_cny_per_kwh'][p]:.4f}{mark}")
        pl, bl = s["plan"], s["baseline"]
        modelled = bool(pl["hours"])
        name = _Raw(f"<span class='data'>{_esc(s['name'])}</span>") if s.get("name") else season_label(s, lang)
        rows.append((name, *cells,
                     fmt(pl["grid_import_mwh"]) if modelled else "—",
                     fmt(bl["energy_cost_cny"]) if modelled else "—",
                     fmt(pl["energy_cost_cny"]) if modelled else "—",
                     fmt(pl["mean_price_cny_per_kwh"]) if modelled else "—"))
    pl, bl = t["plan"], t["baseline"]
    rows.append((text("tariff_year", lang), *("" for _ in periods), fmt(pl["grid_import_mwh"]),
                 fmt(bl["energy_cost_cny"]), fmt(pl["energy_cost_cny"]), fmt(pl["mean_price_cny_per_kwh"])))
    note = text("tariff_note_seasonal" if t.get("seasonal_prices") else "tariff_note", lang)
    order = "".join(f"<p class='notes'>{phrase_html(n, lang)}</p>"
                    for n in [*(t.get("price_order_notes") or []), *(t.get("export_price_notes") or [])])
    return (f"<h3>{_esc(text('tariff_title', lang))}</h3>" + _table(rows, header, "num tariff")
            + f"<p class='notes'>{_esc(note)}</p>" + order)


def annual_values_text(summary: dict, ds: xr.Dataset, lang: str) -> str:
    """What the report's annual values are: sums over the year's 8760 hours, or over a short
    horizon's T hours scaled by 8760/T (``twin.statistics``; demand charges by 12/months)."""
    h = int(summary.get("hours") or ds.sizes.get("time", 8760))
    if h >= 8760:
        return text("read_annual", lang)
    return text("read_annual_short", lang).format(h=f"{h:,d}", w=f"{8760 / h:.4g}")


def _consistency_warning(summary: dict, led: dict | None, lang: str) -> str:
    """A visible warning when the optimiser's net emissions and the ledger's disagree."""
    if led is None:
        return ""
    e, p = summary["emissions_tco2"], led["annual"]["planned"]
    diffs = []
    for k_sum, k_led, name in (("gross", "co2_gross_t", "gross"), ("net", "co2_net_t", "net"),
                               ("offsets", "offsets_used_t", "offsets")):
        x, y = e.get(k_sum), p.get(k_led)
        if x is not None and y is not None and abs(x - y) > max(1.0, 1e-3 * abs(x)):
            diffs.append(f"{name}: optimiser {fmt(x)} t, ledger {fmt(y)} t")
    if not diffs:
        return ""
    return f"<p class='warn'>{_esc(_t('mismatch', lang).format(what='; '.join(diffs)))}</p>"


def _as_dict(obj, key: str, summary: dict):
    if obj is None:
        return summary.get(key)
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def existing_sizes(scenario: dict) -> dict:
    """Sizes already installed before the plan, keyed like ``summary["sizes"]`` [kWp, kWh, kW].

    ``scenario`` is the validated scenario as a mapping (``results.nc`` attribute
    ``scenario_yaml``). Assets the optimiser can only keep (fuel boilers, an implied
    existing plant) count as existing in full (see :func:`new_and_existing`).
    """
    from twin.results.units import EXISTING_SIZE_FIELDS

    out: dict = {}
    for key, (section, fld) in EXISTING_SIZE_FIELDS.items():
        obj = scenario.get(section)
        if isinstance(obj, list):
            if obj:
                out[key] = {a["name"]: float(a.get(fld) or 0.0) for a in obj}
        elif obj:
            out[key] = float(obj.get(fld) or 0.0)
    return out


#: Size keys of assets the plan keeps but never builds new (their whole size is existing).
KEEP_ONLY = ("gas_boiler_kw",)

#: Size keys whose assets, when the scenario does not declare them, are an implied existing plant.
IMPLIED_IF_UNDECLARED = ("boiler_kw", "chiller_kw")


def new_and_existing(summary: dict, scenario: dict | None) -> tuple[list, list]:
    """Split the plan's sizes into what to build and what exists already.

    Returns two lists of ``(size key, asset or None, size, unit)``: new capacity
    (total − existing, where above the noise of 0.5 units) and existing capacity kept.
    """
    from twin.results.units import size_unit

    have = existing_sizes(scenario or {})
    # the implied chiller of a pathway period after it retired: none of it stands, what the plan holds is new
    gone = {("chiller_kw", "implied chiller")} if (((scenario or {}).get("implied_plant") or {}).get("chiller")
                                                   or {}).get("retired") else set()
    new, old = [], []
    for k, v in summary.get("sizes", {}).items():
        items = v.items() if isinstance(v, dict) else [(None, v)]
        for asset, total in items:
            if total is None:
                continue
            total = float(total)
            ex = have.get(k)
            ex = (ex.get(asset) if isinstance(ex, dict) else ex) if ex is not None else None
            if (k, asset) in gone:
                ex = 0.0
            elif k in KEEP_ONLY or (ex is None and k in IMPLIED_IF_UNDECLARED):
                ex = total  # an implied existing plant (the run's notes say so)
            ex = 0.0 if ex is None else min(float(ex), total)
            unit = size_unit(k)
            if total - ex > 0.5:
                new.append((k, asset, total - ex, unit))
            if ex > 0.5:
                old.append((k, asset, ex, unit))
    return new, old


#: Units of sizes that count things (a whole number is built).
COUNT_UNITS = ("charger",)


def _size_text(v: float, unit: str) -> str:
    """A size for the tables; a whole count as a whole number (``33``, not ``33.0``)."""
    return fmt(int(round(v))) if unit in COUNT_UNITS and abs(v - round(v)) < 1e-6 else fmt(v)


def count_notes(new: list, lang: str) -> list[str]:
    """Why a count of things to build (V2G chargers) is not a whole number, and what to build.

    The linear programme sizes chargers as a continuous quantity: the fraction is its optimum,
    and the plan's costs are those of it; build the next whole number, or ask for whole
    chargers (``module_size: 1``, a mixed-integer solve)."""
    out = []
    for k, asset, v, unit in new:
        if unit in COUNT_UNITS and abs(v - round(v)) >= 1e-6:
            out.append(text("count_note", lang).format(name=_size_name(k, asset, lang), n=fmt(v),
                                                       up=math.ceil(v)))
    return out


def _size_name(k: str, asset, lang: str) -> str:
    name = label(k, lang)
    return f"{name} — {asset}" if asset else name


def _money(v, lang: str) -> str:
    """CNY for a planner: 万元 in Chinese, million CNY in English."""
    if v is None:
        return "—"
    return f"{fmt(float(v) / 1e4)} 万元" if lang == "zh" else f"{fmt(float(v) / 1e6)} M CNY"


def _card(key: str, value: str, detail: str = "", cls: str = "") -> str:
    return (f"<div class='card {cls}'><div class='k'>{_esc(key)}</div><div class='v'>{_esc(value)}</div>"
            f"<div class='d'>{detail}</div></div>")


def decision_section(ds: xr.Dataset, summary: dict, led: dict | None, sc: dict | None, lang: str) -> str:
    """The first screen: what to build, what it costs, emissions, indicators and scores."""
    import json

    zh = lang == "zh"
    scenario = None
    if "scenario_yaml" in ds.attrs:
        try:
            scenario = json.loads(ds.attrs["scenario_yaml"])
        except (TypeError, ValueError):
            scenario = None
    cards = []
    cost, base_cost = summary.get("annualised_cost_cny"), summary.get("baseline_cost_cny")
    cards.append(_card(text("card_capex", lang), _money(summary.get("capex_cny"), lang),
                       _esc(text("card_capex_note", lang))))
    if cost is not None and base_cost:
        d = (cost - base_cost) / abs(base_cost)
        cards.append(_card(text("card_cost", lang), _money(cost, lang) + ("/年" if zh else "/yr"),
                           _esc(text("card_cost_note", lang).format(base=_money(base_cost, lang), pct=f"{d:+.1%}"))))
    e = summary["emissions_tco2"]
    cards.append(_card(text("card_emissions", lang), f"{fmt(e['net'])} tCO2/{'年' if zh else 'yr'}",
                       _esc(text("card_emissions_note", lang).format(
                           base=fmt(e["baseline"]), res=fmt(e["residual"]), off=fmt(e["offsets"])))))
    if led is not None:
        p = led["annual"]["planned"]
        cards.append(_card(text("card_shares", lang), pct(p.get("renewable_share")),
                           _esc(text("card_shares_note", lang).format(
                               onsite=pct(p.get("onsite_renewable_share")), clean=pct(p.get("clean_energy_share"))))))
    if sc is not None:
        core = sc["national"]["core"]
        ok = core.get("pass")
        thr = core.get("threshold_tco2_per_tce")
        assumed = not core.get("official", False)
        verdict = text("pass", lang) if ok else (text("fail", lang) if ok is not None else
                                                 (text("not_judged", lang) if thr is None else "—"))
        which = "card_core_note_none" if thr is None else ("card_core_note_assumed" if assumed else "card_core_note")
        cards.append(_card(text("card_core", lang), f"{fmt(core.get('value_tco2_per_tce'))} tCO2/tce · {verdict}",
                           _esc(text(which, lang).format(
                               thr=fmt(thr), base=fmt(core.get("baseline_value_tco2_per_tce")))),
                           "pass" if ok else ("fail" if ok is not None else "")))
        ag = sc["aggregate"]
        prov = sc["rubric"].get("provisional", True)
        unrated = "" if ag.get("control_items_met", True) else " · " + text("card_not_rated", lang)
        cards.append(_card(text("card_ch7", lang), f"{fmt(ag.get('chapter7_Q'))} / 100{unrated}",
                           _esc(text("card_prov" if prov else "card_official", lang)), "fail" if unrated else ""))
        cards.append(_card(text("card_ch12", lang), f"{fmt(ag.get('QA'))} / {fmt(ag.get('bonus_cap'))}",
                           _esc(text("card_prov" if prov else "card_official", lang))))
    else:
        cards.append(_card(text("card_core", lang), "—", _esc(text("card_no_score", lang))))
    op = summary.get("operation")
    if isinstance(op, dict) and op.get("headline"):
        cards.append(_card(text("card_operation", lang), str(op["headline"].get(f"value_{lang}",
                                                                                op["headline"].get("value", "—"))),
                           _esc(str(op["headline"].get(f"note_{lang}", "")))))
    grid = summary.get("grid")
    if isinstance(grid, dict) and grid.get("verdict") is not None:
        gv = str(grid["verdict"])
        ok = gv.startswith("pass")
        cls = "pass" if ok else ("" if gv == "not_checked" else "fail")
        detail = text(f"grid_{gv}", lang) if f"grid_{gv}" in TEXT else ""
        if grid.get("violating_hours"):
            from twin.grid.violations import hours_text

            detail += " " + text("grid_hours", lang).format(
                h=hours_text(grid["violating_hours"], grid.get("hours_modelled") or summary.get("hours") or 8760,
                             lang == "zh"))
        if gv not in ("pass", "not_checked") and grid.get("iterations") is not None:
            detail += " " + text("grid_iterations", lang).format(n=grid["iterations"])
        cards.append(_card(text("card_grid", lang), text(f"grid_value_{gv}", lang) if f"grid_value_{gv}" in TEXT
                           else gv, _esc(detail.strip()), cls))
    new, old = new_and_existing(summary, scenario)
    capex_by = (summary.get("costs_cny_per_yr") or {}).get("capex_annualised") or {}
    rows = []
    for k, asset, v, unit in new:
        key = f"{k}[{asset}]" if asset else k
        a = capex_by.get(key)  # an annuity: per year
        rows.append((_size_name(k, asset, lang), _size_text(v, unit), text_unit(unit, lang),
                     _money(a, lang) + ("/年" if lang == "zh" else "/yr") if a is not None else _money(a, lang)))
    build = _table(rows, (text("asset", lang), text("new_size", lang), text("unit", lang),
                          text("capital_annuity", lang)), "num") if rows else f"<p>{_esc(text('nothing_new', lang))}</p>"
    build += "".join(f"<p class='notes'>{_esc(n)}</p>" for n in count_notes(new, lang))
    keep = _table([(_size_name(k, a, lang), fmt(v), text_unit(u, lang)) for k, a, v, u in old],
                  (text("asset", lang), text("size", lang), text("unit", lang)), "num") if old else \
        f"<p class='notes'>{_esc(text('no_existing', lang))}</p>"
    return (f"<section id='decision'><div class='cards'>{''.join(cards)}</div>"
            f"<div class='decision'><div><h3>{_esc(text('what_to_build', lang))}</h3>{build}</div>"
            f"<div><h3>{_esc(text('existing_kept', lang))}</h3>{keep}</div></div></section>")


class _Numbered:
    """Sections with numbers assigned in page order, and a table of contents."""

    def __init__(self):
        self.items: list[tuple[str, str, str]] = []

    def add(self, anchor: str, title: str, body: str) -> None:
        if body:
            self.items.append((anchor, title, body))

    def number(self, anchor: str) -> int | None:
        for i, (a, _, _) in enumerate(self.items, 1):
            if a == anchor:
                return i
        return None

    def toc(self, lang: str) -> str:
        links = " · ".join(f"<a href='#{a}'>{i}. {_esc(t)}</a>" for i, (a, t, _) in enumerate(self.items, 1))
        return f"<p class='notes toc'>{_esc(text('contents', lang))}: {links}</p>"

    def html(self) -> str:
        return "".join(f"<section id='{a}'><h2>{i}. {_esc(t)}</h2>{b}</section>"
                       for i, (a, t, b) in enumerate(self.items, 1))


def render_report(ds: xr.Dataset, summary: dict, ledger=None, scorecard=None, lang: str = "zh") -> str:
    """The complete HTML page as a string (plotly.js embedded, no network needed).

    Parameters
    ----------
    ds : xarray.Dataset
        The run's results (``results.nc`` content): hourly inputs, plan and ``baseline_*`` dispatch.
    summary : dict
        The run summary (``summary.json`` content, docs/outputs.md).
    ledger : twin.ledger.Ledger or dict, optional
        Default ``summary["ledger"]``.
    scorecard : twin.assess.Scorecard or dict, optional
        Default ``summary["scorecard"]``; absent for horizons shorter than a year.
    lang : {"zh", "en"}
    """
    from twin import report_charts as C
    from twin.report_page import figure_div as add
    from twin.report_page import page

    _i(lang)
    led = _as_dict(ledger, "ledger", summary)
    sc = _as_dict(scorecard, "scorecard", summary)
    zh = lang == "zh"
    p = summary["park"]
    types = {"manufacturing": "生产制造", "logistics": "仓储物流", "office": "商务办公"}
    ptype = types.get(p["type"], p["type"]) if zh else f"{p['type']} ({types.get(p['type'], '')})"
    head = [f"<h1>{_esc(text('title', lang))}：{_esc(p['name'])}</h1>" if zh else
            f"<h1>{_esc(text('title', lang))}: {_esc(p['name'])}</h1>",
            f"<p class='subtitle'>{_esc(text('subtitle', lang).format(type=ptype, year=p['planning_year'], hours=summary['hours'], objective=text('objective_' + str(summary['solver'].get('objective', '')), lang)))}</p>"]
    if summary.get("pathway_period"):  # a period of a pathway: how its costs relate to the pathway's
        from twin.report_text import phrase_html

        head.append(f"<p class='banner'>{phrase_html(summary['pathway_period']['sentence'], lang)}</p>")
    head.append(_consistency_warning(summary, led, lang))
    head.append(decision_section(ds, summary, led, sc, lang))
    if sc is not None:
        from twin.report_scorecard import rubric_statement

        head.append(rubric_statement(sc, lang))
    else:
        h = summary.get("hours", ds.sizes.get("time", 0))
        head.append(f"<p class='banner'>{_esc(text('no_scorecard', lang).format(h=h))}</p>")
    head.append(f"<details><summary>{_esc(text('read', lang))}</summary><p class='explain'>"
                f"{text('read_body', lang).format(annual=_esc(annual_values_text(summary, ds, lang)))}</p></details>")

    S = _Numbered()
    S.add("headline", text("headline", lang), _table(
        _headline_rows(summary, led, sc, lang),
        (text("item", lang), text("baseline", lang), text("plan", lang), text("change", lang), text("unit", lang)), "num"))
    from twin.operate.report import operation_section, operation_title

    S.add("operation", operation_title(lang), operation_section(ds, summary, lang, add))
    # --- energy ------------------------------------------------------------------------
    en, be = summary["energy_mwh"], summary["baseline_energy_mwh"]
    keys = [k for k in ENERGY_LABELS if k in en or k in be] + sorted(k for k in set(en) | set(be) if k not in ENERGY_LABELS)
    rows = []
    for k in keys:
        x, y = be.get(k, 0.0) or 0.0, en.get(k, 0.0) or 0.0
        if abs(x) < 1e-6 and abs(y) < 1e-6:
            continue
        rows.append((label(k, lang, "energy"), fmt(x), fmt(y), fmt(change(y, x)), text_unit("MWh/yr", lang)))
        if k == "waste_heat_direct":  # which demand it served: the network, each process-heat bus of its own
            rows += direct_by_bus_rows(summary, lang)
    rows += pv_yield_rows(led, lang)
    from twin.report_text import phrase_html

    hps = heat_pump_sentences(summary) + process_cooling_sentences(summary) + cold_storage_sentences(summary)
    hp_notes = ("<p class='notes'>" + "<br>".join(phrase_html(x, lang) for x in hps) + "</p>") if hps else ""
    S.add("flows", text("flows", lang),
          add(C.fig_sankey(summary, lang)) +
          _table(rows, (text("item", lang), text("baseline", lang), text("plan", lang), text("change", lang),
                        text("unit", lang)), "num") + hp_notes)
    S.add("monthly", text("monthly_title", lang),
          add(fig_monthly_balance(ds, lang)) + add(fig_monthly_heat(ds, lang)) + add(fig_monthly_cooling(ds, lang)))
    weeks = add(C.fig_week(ds, lang, "typical")) + add(C.fig_week(ds, lang, "worst"))
    S.add("weeks", text("weeks_title", lang), f"<p class='notes'>{_esc(text('weeks_note', lang))}</p>" + weeks)
    S.add("duration", text("duration_title", lang),
          add(C.fig_duration(ds, lang)) + add(C.fig_import_heatmap(ds, lang))
          + f"<p class='notes'>{_esc(text('heat_note', lang))}</p>")
    size_kwh = summary.get("sizes", {}).get("battery_kwh")
    storage = add(C.fig_battery(ds, lang, size_kwh)) + add(C.fig_ev(ds, lang))
    if storage:
        S.add("storage", text("storage_title", lang), storage)
    # --- costs and carbon ----------------------------------------------------------------
    crow = []
    for k, v in summary["costs_cny_per_yr"].items():
        if isinstance(v, (int, float)) and abs(float(v)) > 0.5:
            crow.append((label(k, lang, "cost"), fmt(v), text_unit("CNY" if k == "capex_overnight" else "CNY/yr", lang)))
    dhs = district_heat_sentences(summary)
    dh_notes = ("<p class='notes'>" + "<br>".join(phrase_html(x, lang) for x in dhs) + "</p>") if dhs else ""
    S.add("costs", text("costs", lang), _table(crow, (text("item", lang), text("value", lang), text("unit", lang)), "num")
          + tariff_table(summary, lang) + dh_notes + add(fig_costs(summary, lang)))
    e = summary["emissions_tco2"]
    erows = [(label(k, lang, "emission"), fmt(v), text_unit("tCO2/yr", lang)) for k, v in e.items()]
    S.add("carbon", text("carbon", lang), add(fig_emissions(summary, led, lang)) + _table(
        erows, (text("item", lang), text("value", lang), text("unit", lang)), "num") + process_notes(summary, lang))
    if summary.get("targets") or summary.get("shortfalls"):
        S.add("targets", "目标与边际成本" if zh else "Targets and their marginal cost",
              shortfall_notes(summary.get("shortfalls") or [], lang)
              + (targets_table(summary["targets"], lang) if summary.get("targets") else ""))
    if summary.get("pareto"):
        S.add("pareto", text("pareto", lang), add(fig_pareto(summary, lang)) + pareto_note(summary, lang))
    # --- assessment --------------------------------------------------------------------
    if led is not None:
        from twin.report_scorecard import scorecard_section

        frag, sfigs = scorecard_section(sc, led, lang=lang, number=None, heading=False)
        S.add("scorecard", text("scorecard_title", lang), frag + "".join(add(f) for f in sfigs))
    # --- park grid (twin.grid) ----------------------------------------------------------
    if (summary.get("grid") or {}).get("network"):
        from twin.grid.report import grid_section, grid_title

        S.add("grid", grid_title(lang), grid_section(ds, summary["grid"], lang, heading=False))
    # --- provenance and solver ---------------------------------------------------------
    prov = _provenance(ds, summary, led, lang)
    # every [key] the page cites resolves in its bibliography, also those of results.nc's attrs (tariff, load shapes)
    S.add("sources", text("provenance", lang), prov + bibliography(summary, lang, also="".join(head) + S.html() + prov))
    S.add("solver", text("solver", lang), _solver_table(summary, lang))
    body = "".join(head) + S.toc(lang) + S.html()
    return page(f"{text('title', lang)} — {p['name']}", lang, body, no_charts_note=text("no_charts", lang))


def no_url(entry: dict, lang: str) -> str:
    """What stands in the URL column of an entry without one: the tool's own material, or no URL
    recorded with the entry's note (an official text without a URL is not thereby unpublished)."""
    zh = lang == "zh"
    if entry.get("issuer") == "park twin project":
        return "本工具自带（无外部网址）" if zh else "part of this tool (no external URL)"
    note = entry.get("note") or ""
    return ("未记录网址" if zh else "no URL recorded") + (f" — {note}" if note else "")


def bibliography(summary: dict, lang: str, also: str = "") -> str:
    """The bibliography entries cited in this report by ``[key]`` (summary ``sources``, then those cited
    in ``also``, the page's other text), in full."""
    from twin.sources import cited

    refs = list(summary.get("sources") or [])
    have = {r["key"] for r in refs}
    refs += [r for r in cited(also) if r["key"] not in have]
    if not refs:
        return ""
    zh = lang == "zh"
    # a document is cited in its own words (title, issuer, number), as recorded in the bibliography
    rows = [(_Raw(f"<code>[{_esc(r['key'])}]</code>"),
             _Raw("<span class='cite'>" + _esc("; ".join(
                 x for x in (r["title"], r["issuer"], r["number"] if r["number"] not in ("", "—") else "", r["date"])
                 if x)) + "</span>"),
             _Raw(f"<span class='cite'>{_esc(r['url'] or no_url(r, lang))}</span>"))
            for r in refs]
    head = ("<h3>文献（方括号中的编号）</h3>" if zh else "<h3>Sources cited by [key]</h3>")
    return head + _table(rows, ("编号", "文献", "网址") if zh else ("Key", "Document", "URL"))


def _grid_factor_text(ds: xr.Dataset, lang: str) -> str:
    """The grid factor's source, and which level was taken where the scenario named none."""
    if "ef_grid_kgco2_per_kwh" not in ds:
        return "—"
    attrs = ds["ef_grid_kgco2_per_kwh"].attrs
    src = attrs.get("source", "")
    # the planner's constant or series, or a pathway period's projection (an official one cites its Chinese name)
    if src.startswith(("user ", "PROJECTION", "planner's value", "published ")):
        src = phrase(src, lang)
    note = attrs.get("note", "")
    return (src or "—") + (("（" + phrase(note, lang) + "）") if note and lang == "zh" else (f" ({note})" if note else ""))


def _provenance(ds: xr.Dataset, summary: dict, led: dict | None, lang: str) -> str:
    zh = lang == "zh"
    w = summary["weather"]
    prov = [
        (text("tariff", lang), ds.attrs.get("tariff_source", "") or "—"),
        (text("grid_factor", lang), _grid_factor_text(ds, lang)),
        (text("calendar", lang), "；".join(phrase(c, lang) for c in ds.attrs.get("calendar", "").split("; "))
         if zh and ds.attrs.get("calendar") else ds.attrs.get("calendar", "") or "—"),
    ]
    # where the park is, how its weather was made, its design temperatures and the stated accuracy
    extra = [(text("site_row", lang), site_row_words(w, zh)), (text("weather_source", lang), _weather_text(w, fmt, zh)),
             (text("design_temperatures_row", lang), design_temperature_words(w, zh)),
             (text("stated_uncertainty_row", lang), stated_uncertainty_words(w, zh))]
    prov += [(k, v) for k, v in extra if v]
    for n in w.get("notes", []):
        prov.append((text("weather_note", lang), _Raw(f"<span class='cite'>{phrase_html(n, lang)}</span>")))
    # what the scenario check said (unused fields, vehicles slower than their chargers, input files); the
    # tariff's own notes stand under the tariff table
    t = summary.get("tariff") or {}
    shown = {*(t.get("price_order_notes") or []), *(t.get("export_price_notes") or [])}
    for n in summary["scenario"].get("data_notes") or []:
        if n not in shown:
            prov.append((text("scenario_note", lang), _Raw(f"<span class='cite'>{phrase_html(n, lang)}</span>")))
    if led is not None:
        op = {o["name"]: o["value"] for o in led.get("open_parameters", [])}
        prov.append((text("tce_factor", lang), f"{op.get('electricity_tce_basis', '')} kgce/kWh"))
    if "process_shape" in ds:
        for name, desc in zip(ds["process_load"].values, ds["process_shape"].values):
            prov.append((_Raw(f"{_esc(text('process_load', lang))}: <span class='data'>{_esc(name)}</span>"),
                         _Raw(phrase_html(str(desc), lang))))
    for bld in summary.get("buildings", []):
        prov.append((_Raw(f"{_esc(text('envelope_of', lang))}: <span class='data'>{_esc(bld['name'])}</span>"),
                     (bld.get("envelope_note_zh") if zh else None) or bld.get("envelope_note", "")))
    for mode in ("heating", "cooling"):
        for bld in summary.get("buildings", []):
            if bld.get(f"{mode}_capacity_kw"):
                prov.append((_Raw(f"{_esc(text(f'{mode}_capacity_of', lang))}: "
                                  f"<span class='data'>{_esc(bld['name'])}</span>"),
                             _Raw(_esc(capacity_line(bld, lang, mode)))))
    prov.append((text("scenario_file", lang),
                 f"{summary['scenario']['file']} (sha256 {str(summary['scenario']['sha256'])[:12]}…)"))
    prov += [(f"{text('version', lang)} {k}", _Raw(f"<code>{_esc(v)}</code>")) for k, v in summary["versions"].items()]
    # records of where data came from (tariff documents, factor tables, standards) are citations, shown as recorded
    return _table([(k, v if isinstance(v, _Raw) else _Raw(f"<span class='cite'>{_esc(v)}</span>")) for k, v in prov])


#: Solver summary keys shown, in order, with catalogue keys for their names.
_SOLVER_ROWS = ("objective", "status", "algorithm", "notes", "objective_value", "solve_time_s", "build_time_s",
                "handover_time_s", "n_variables", "n_constraints", "gap", "duals")


def _solver_value(key: str, v, lang: str) -> str:
    """One entry of a solver sub-table (representative days, duals) for display."""
    if isinstance(v, (int, float)):
        return fmt(v)
    if key == "resized":  # what the full year added to the days' sizes
        return ", ".join(f"{label(n, lang)} +{fmt(x)}" for n, x in (v.get("added") or {}).items()) or "—"
    return phrase(v, lang)


def _solver_table(summary: dict, lang: str) -> str:
    sol = summary["solver"]
    rows = []
    for k in _SOLVER_ROWS + tuple(k for k in sol if k not in _SOLVER_ROWS and k != "termination"):
        if k not in sol:
            continue
        v = sol[k]
        if k == "objective":
            v = text("objective_" + str(v), lang)
        elif k == "status":
            v = text("status_" + str(v), lang) if ("status_" + str(v)) in TEXT else str(v)
        elif isinstance(v, dict):
            pre = "dual_" if k == "duals" else "solver_"
            v = ("；" if lang == "zh" else "; ").join(
                f"{label(pre + kk, lang)} = {_solver_value(kk, vv, lang)}" for kk, vv in v.items()) or "—"
        elif isinstance(v, float):
            v = fmt(v, 4)
        elif isinstance(v, list):
            v = _Raw("；".join(phrase_html(x, lang) for x in v) if lang == "zh" else "; ".join(_esc(x) for x in v)) \
                if v else "—"
        rows.append((label("solver_" + k, lang), v))
    return _table(rows)
