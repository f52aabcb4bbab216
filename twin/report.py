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

TEXT = {
    "title": ("园区零碳规划报告", "Park zero-carbon planning report"),
    "read": ("如何阅读本报告", "How to read this report"),
    "read_body": (
        ("<b>基准</b>：仅现有资产、电动汽车到站即充、不购买绿证和碳抵消，按同一典型气象年逐时模拟；"
        "<b>规划</b>：优化后新增光伏、储能、热泵等资产的逐时调度（Pyomo/HiGHS 线性规划，目标见“求解信息”）。"
        "两者使用同一负荷、电价和电网排放因子，差值即园区内部减排。所有年度数值为8760小时之和（Δt = 1 h）；"
        "排放只计CO2（910号附件4）。数值来源：逐时曲线与调度见 results.nc，年度台账与评分见 summary.json。"),
        ("<b>Baseline</b>: existing assets only, EVs charge on arrival, no green certificates or offsets, "
        "simulated hour by hour over the same typical weather year. <b>Plan</b>: the optimal sizes of new PV, "
        "storage, heat pumps etc. and their hourly dispatch (Pyomo/HiGHS linear programme, objective under "
        "'Solver'). Both use the same loads, tariffs and hourly grid emission factors, so the difference is "
        "the park's internal abatement. Annual values are sums over 8760 hours (Δt = 1 h); emissions are CO2 "
        "only (910号 annex 4). Where numbers come from: hourly profiles and dispatch in results.nc, annual "
        "ledger and scores in summary.json."),
    ),
    "headline": ("核心结果", "Headline results"),
    "sizes": ("推荐配置（优化结果）", "Recommended assets (optimal sizes)"),
    "balance": ("能量平衡", "Energy balance"),
    "carbon": ("碳排放：从基准到规划", "Carbon: from baseline to plan"),
    "profiles": ("组件逐时曲线（results.nc 全部逐时变量）", "Hourly component profiles (every hourly variable of results.nc)"),
    "costs": ("年化成本", "Annualised cost"),
    "pareto": ("成本—排放权衡", "Cost–emissions trade-off"),
    "provenance": ("数据来源与假设", "Sources and assumptions"),
    "solver": ("求解信息", "Solver"),
    "monthly": ("月度电量平衡（正=供给，负=使用）", "Monthly electricity balance (positive = supply, negative = use)"),
    "monthly_heat": ("月度热量平衡（正=供热，负=用热）", "Monthly heat balance (positive = supply, negative = use)"),
    "monthly_cool": ("月度供冷平衡", "Monthly cooling balance"),
    "week": ("用电最高周的逐时调度", "Hourly dispatch in the week of highest load"),
    "heatmap_import": ("规划：电网购电功率热力图", "Plan: grid import heat map"),
    "heatmap_base_import": ("基准：电网购电功率热力图", "Baseline: grid import heat map"),
    "baseline": ("基准", "Baseline"),
    "plan": ("规划", "Plan"),
    "change": ("变化", "Change"),
    "item": ("项目", "Item"),
    "unit": ("单位", "Unit"),
    "value": ("数值", "Value"),
    "asset": ("资产", "Asset"),
    "size": ("规模", "Size"),
    "month": ("月份", "Month"),
    "hour": ("时刻", "Hour of day"),
    "date": ("日期", "Date"),
    "demand": ("总用电", "Total electric use"),
    "no_scorecard": (
        "模拟时长不足一年（{h} h），不给出评分卡和910号指标：评分需要全年数值。台账数值已按 8760/{h} 折算为年。",
        ("The horizon is shorter than a year ({h} h): no scorecard and no 910号 indicators, which need annual "
        "values. Ledger values are scaled by 8760/{h} to a year."),
    ),
    "mismatch": (
        "注意：优化器与台账的排放不一致（{what}）。报告中的评价使用台账数值；请检查碳抵消/绿证是否已传入台账。",
        ("Warning: the optimiser and the ledger disagree ({what}). The assessment uses the ledger; check that "
        "the offsets/certificates bought by the optimiser reach the ledger."),
    ),
    "monthly_note": (
        "柱为各月能量之和 [MWh]；强度量（温度、COP、电价、排放因子、kW/kWp）为月平均值。",
        ("Bars are monthly energy sums [MWh]; intensive quantities (temperature, COP, price, emission factor, "
        "kW/kWp) are monthly means."),
    ),
    "heat_note": ("热力图：横轴为日期，纵轴为一天中的小时（时间戳=小时开始，北京时间）。",
                  "Heat maps: date on the x axis, hour of day on the y axis (timestamp = start of hour, Asia/Shanghai)."),
}

#: Labels of hourly variables: (zh, en). Units come from the variable's attrs.
VAR_LABELS = {
    "p_grid_import_kw": ("电网购电", "Grid import"),
    "p_grid_export_kw": ("上网电量", "Grid export"),
    "p_pv_kw": ("光伏发电（已用）", "PV output used"),
    "p_pv_curtailed_kw": ("光伏弃电", "PV curtailed"),
    "p_battery_discharge_kw": ("储能放电", "Battery discharge"),
    "p_battery_charge_kw": ("储能充电", "Battery charge"),
    "e_battery_kwh": ("储能电量", "Battery state of charge"),
    "p_load_kw": ("固定电负荷", "Fixed electric load"),
    "p_ev_charge_kw": ("电动汽车充电", "EV charging"),
    "p_ev_discharge_kw": ("V2G放电", "V2G discharge"),
    "p_heat_pump_kw": ("热泵用电", "Heat pump electricity"),
    "q_heat_pump_kw": ("热泵供热", "Heat pump heat"),
    "q_waste_heat_source_kw": ("热泵取用余热", "Waste heat to heat pumps"),
    "q_waste_heat_direct_kw": ("余热直接利用", "Waste heat used directly"),
    "p_electric_boiler_kw": ("电锅炉用电", "Electric boiler electricity"),
    "q_electric_boiler_kw": ("电锅炉供热", "Electric boiler heat"),
    "q_gas_boiler_kw": ("燃气锅炉供热", "Gas boiler heat"),
    "fuel_gas_kw": ("天然气消耗", "Natural gas use"),
    "q_tes_charge_kw": ("蓄热充热", "Thermal storage charge"),
    "q_tes_discharge_kw": ("蓄热放热", "Thermal storage discharge"),
    "e_tes_kwh": ("蓄热量", "Thermal storage content"),
    "q_heat_demand_kw": ("热需求", "Heat demand"),
    "q_cooling_demand_kw": ("冷需求", "Cooling demand"),
    "q_heat_import_kw": ("外购热", "Heat bought"),
    "p_chiller_kw": ("冷机用电", "Chiller electricity"),
    "q_chiller_kw": ("冷机供冷", "Chiller cooling"),
    "price_import_cny_per_kwh": ("购电电价", "Import price"),
    "tou_period": ("分时电价时段", "TOU period"),
    "ef_grid_kgco2_per_kwh": ("电网排放因子", "Grid emission factor"),
    "working_day": ("工作日", "Working day"),
    "p_process_kw": ("工艺电负荷", "Process electric load"),
    "pv_ac_per_kwp": ("光伏单位出力", "PV output per kWp"),
    "q_waste_heat_available_kw": ("可回收余热", "Recoverable waste heat"),
    "heat_pump_cop": ("热泵COP", "Heat pump COP"),
    "weather_ghi": ("水平面总辐射", "Global horizontal irradiance"),
    "weather_dni": ("法向直射辐射", "Direct normal irradiance"),
    "weather_dhi": ("水平面散射辐射", "Diffuse horizontal irradiance"),
    "weather_temp_air": ("室外气温", "Outdoor air temperature"),
    "weather_wind_speed": ("风速", "Wind speed"),
    "weather_relative_humidity": ("相对湿度", "Relative humidity"),
    "building_q_heating_kw": ("建筑供暖负荷", "Building space heating"),
    "building_q_cooling_kw": ("建筑供冷负荷", "Building space cooling"),
    "building_p_lighting_kw": ("建筑照明用电", "Building lighting"),
    "building_p_equipment_kw": ("建筑设备用电", "Building equipment"),
    "building_q_dhw_kw": ("生活热水需求", "Domestic hot water"),
    "building_p_hvac_baseline_kw": ("分散空调用电", "Decentral HVAC electricity"),
    "building_q_heating_nonelectric_kw": ("非电供暖量", "Non-electric space heat"),
    "building_fuel_heating_kw": ("供暖燃料/外购热", "Heating fuel / district heat"),
    "building_t_indoor_c": ("室内温度", "Indoor temperature"),
    "ev_p_uncontrolled_kw": ("到站即充功率", "Charging on arrival"),
    "ev_p_charge_max_kw": ("可用充电功率", "Connected charger power"),
    "ev_p_discharge_max_kw": ("可用V2G功率", "Available V2G power"),
    "ev_e_cum_min_kwh": ("累计充电量下限", "Cumulative energy, lower bound"),
    "ev_e_cum_max_kwh": ("累计充电量上限", "Cumulative energy, upper bound"),
    "ev_e_cum_uncontrolled_kwh": ("到站即充累计电量", "Cumulative energy, charge on arrival"),
    "ev_n_connected": ("在桩车辆数", "Vehicles connected"),
    "ev_n_queued": ("排队车辆数", "Vehicles queued"),
    "ev_e_demand_kwh": ("出行用电需求", "Trip energy demand"),
}

#: Units for variables whose attrs lack them (contract names, docs/architecture.md).
_UNIT_FALLBACK = {"ev_n_connected": "vehicles", "ev_n_queued": "vehicles", "working_day": "1", "tou_period": "-"}

#: Groups of the profile section: (zh, en, prefixes / names).
PROFILE_GROUPS = (
    ("气象", "Weather", ("weather_",)),
    ("电价与电网", "Tariff and grid", ("price_import", "tou_period", "ef_grid", "working_day")),
    ("光伏", "PV", ("pv_ac_per_kwp", "p_pv_")),
    ("工艺负荷", "Process loads", ("p_process_kw", "p_load_kw")),
    ("建筑", "Buildings", ("building_",)),
    ("电动汽车", "EV fleets", ("ev_", "p_ev_")),
    ("储能", "Battery", ("p_battery_", "e_battery")),
    ("热与冷", "Heat and cooling", ("q_", "p_heat_pump", "heat_pump_cop", "p_electric_boiler", "fuel_", "e_tes",
                                   "p_chiller", "waste_heat")),
    ("电网交换", "Grid exchange", ("p_grid_",)),
)

ENERGY_LABELS = {
    "grid_import": ("电网购电", "Grid import"), "grid_export": ("上网电量", "Grid export"),
    "pv_generation": ("光伏发电（已用）", "PV generation used"), "pv_curtailed": ("光伏弃电", "PV curtailed"),
    "fixed_electric_load": ("固定电负荷", "Fixed electric load"), "battery_charge": ("储能充电", "Battery charge"),
    "battery_discharge": ("储能放电", "Battery discharge"), "battery_losses": ("储能损耗", "Battery losses"),
    "ev_charging": ("电动汽车充电", "EV charging"), "v2g_discharge": ("V2G放电", "V2G discharge"),
    "heat_pump_electricity": ("热泵用电", "Heat pump electricity"), "heat_pump_heat": ("热泵供热", "Heat pump heat"),
    "waste_heat_direct": ("余热直接利用", "Waste heat used directly"),
    "waste_heat_to_heat_pumps": ("热泵取用余热", "Waste heat to heat pumps"),
    "gas_boiler_heat": ("燃气锅炉供热", "Gas boiler heat"), "gas_fuel": ("天然气（低位热值）", "Natural gas (net calorific)"),
    "heat_demand": ("热需求", "Heat demand"), "cooling_demand": ("冷需求", "Cooling demand"),
    "chiller_electricity": ("冷机用电", "Chiller electricity"), "electric_boiler_heat": ("电锅炉供热", "Electric boiler heat"),
    "electric_boiler_electricity": ("电锅炉用电", "Electric boiler electricity"),
    "heat_import": ("外购热", "Heat bought"),
    "thermal_storage_charge": ("蓄热充热", "Thermal storage charge"),
    "thermal_storage_discharge": ("蓄热放热", "Thermal storage discharge"),
    "chiller_cooling": ("冷机供冷", "Chiller cooling"),
    "coal_fuel": ("煤（低位热值）", "Coal (net calorific)"), "oil_fuel": ("燃油（低位热值）", "Fuel oil (net calorific)"),
    "diesel_fuel": ("柴油（低位热值）", "Diesel (net calorific)"),
    "biomass_fuel": ("生物质（低位热值）", "Biomass (net calorific)"),
    "lpg_fuel": ("液化石油气（低位热值）", "LPG (net calorific)"),
}

SIZE_LABELS = {
    "pv_kwp": ("光伏", "PV", "kWp"), "battery_kwh": ("储能容量", "Battery energy", "kWh"),
    "battery_kw": ("储能功率", "Battery power", "kW"), "heat_pump_kw": ("热泵（热输出）", "Heat pump (heat output)", "kW"),
    "tes_kwh": ("蓄热容量", "Thermal storage", "kWh"), "electric_boiler_kw": ("电锅炉", "Electric boiler", "kW"),
    "chiller_kw": ("冷机", "Chiller", "kW"), "gas_boiler_kw": ("燃气锅炉", "Gas boiler", "kW"),
    "waste_heat_hx_kw": ("余热换热器", "Waste-heat exchanger", "kW"),
}

COST_LABELS = {
    "capex_annualised_total": ("投资年金", "Capital annuity"), "om_total": ("运维", "O&M"),
    "energy_import": ("购电电费", "Electricity bought"), "export_revenue": ("上网收入", "Export revenue"),
    "demand_charge": ("需量/容量电费", "Demand charge"), "battery_degradation": ("储能衰减", "Battery wear"),
    "green_certificates": ("绿证", "Green certificates"), "offsets": ("碳抵消", "Carbon offsets"),
    "carbon": ("内部碳价", "Internal carbon price"), "fuel": ("燃料", "Fuel"), "heat_import": ("外购热", "Heat bought"),
    "v2g_degradation": ("V2G电池损耗", "V2G battery wear"), "total": ("合计", "Total"),
    "capex_overnight": ("初始投资（不计入年化合计）", "Overnight investment (not in the annual total)"),
}

EMISSION_LABELS = {
    "baseline": ("基准排放", "Baseline emissions"), "gross": ("规划总排放（电网+燃料）", "Plan gross (grid + fuel)"),
    "grid": ("其中电网购电", "of which grid import"), "fuel": ("其中燃料", "of which fuel"),
    "export_credit": ("上网电量抵扣", "Export credit"), "certificates": ("绿证抵扣", "Green certificates"),
    "residual": ("内部减排与绿证后剩余", "Residual after internal abatement and certificates"),
    "offsets": ("碳抵消（CCER）", "Offsets (CCER)"), "net": ("净排放", "Net emissions"),
}

#: Monthly sums are energy; these (by suffix / name) are averaged instead.
_INTENSIVE = ("_c", "_cop", "cop", "_per_kwh", "_per_kwp", "tou_period", "working_day", "weather_", "_kwh", "ev_n_")


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


def _unit(ds: xr.Dataset, var: str) -> str:
    u = ds[var].attrs.get("units") if var in ds else None
    if u:
        return {"W m-2": "W/m²", "degC": "°C", "m s-1": "m/s"}.get(str(u), str(u))
    if var in _UNIT_FALLBACK:
        return _UNIT_FALLBACK[var]
    for suf, unit in (("_kwh", "kWh"), ("_kw", "kW"), ("_kwp", "kW/kWp")):
        if var.endswith(suf):
            return unit
    return "-"


def _esc(x) -> str:
    return html.escape(str(x))


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


def fmt(v, digits: int = 3) -> str:
    """A number for a table: about ``digits`` significant figures, thousands separated.

    Large values are shown as integers (``12,677``), small ones with significant figures
    (``0.641``); numerical noise below 1e-9 prints as 0; None/NaN as "—".
    """
    if v is None or isinstance(v, bool):
        return "—" if v is None else str(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return "—"
    if abs(x) < 1e-9:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    nd = max(digits - 1 - mag, 0)
    return f"{x:,.{nd}f}"


def pct(v) -> str:
    """A share [-] as a percentage with one decimal; None/NaN as "—"."""
    if v is None:
        return "—"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{x:.1%}" if math.isfinite(x) else "—"


def _sum_dims(da: xr.DataArray, how: str = "sum") -> xr.DataArray:
    extra = [d for d in da.dims if d != "time"]
    if not extra:
        return da
    return da.mean(extra) if how == "mean" else da.sum(extra)


def _is_intensive(var: str) -> bool:
    base = var.removeprefix("baseline_")
    return any(base.endswith(s) or base.startswith(s) for s in _INTENSIVE) or base.startswith("e_")


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
               "q_heat_import_kw", "q_tes_discharge_kw")
HEAT_USES = ("q_heat_demand_kw", "q_tes_charge_kw")


def fig_monthly_balance(ds: xr.Dataset, lang: str):
    """Stacked monthly supply (positive) and uses (negative) of the electricity bus [MWh]."""
    return _bus_balance(ds, ELEC_SUPPLY, ELEC_USES, _t("monthly", lang), lang)


def fig_monthly_heat(ds: xr.Dataset, lang: str):
    """Monthly heat-bus balance [MWh] when the park has a heat bus (``q_heat_demand_kw``), else None."""
    if "q_heat_demand_kw" not in ds or float(np.abs(ds["q_heat_demand_kw"]).sum()) <= 0:
        return None
    return _bus_balance(ds, HEAT_SUPPLY, HEAT_USES, _t("monthly_heat", lang), lang)


def fig_monthly_cooling(ds: xr.Dataset, lang: str):
    """Monthly cooling-bus balance [MWh] when the park has central cooling, else None."""
    if "q_cooling_demand_kw" not in ds or float(np.abs(ds["q_cooling_demand_kw"]).sum()) <= 0:
        return None
    return _bus_balance(ds, ("q_chiller_kw",), ("q_cooling_demand_kw",), _t("monthly_cool", lang), lang)


def fig_week(ds: xr.Dataset, lang: str):
    """Dispatch of the week with the highest electric use [kW]."""
    import plotly.graph_objects as go

    n = ds.sizes["time"]
    uses = [v for v in ELEC_USES if v in ds and v not in ("p_battery_charge_kw", "p_grid_export_kw")]
    load = sum(_sum_dims(ds[v]).to_numpy() for v in uses) if uses else np.zeros(n)
    if n > 24 * 7:
        weekly = pd.Series(load).rolling(24 * 7).sum().to_numpy()
        end = int(np.nanargmax(weekly)) + 1
        sl = slice(max(0, end - 24 * 7), end)
    else:
        sl = slice(0, n)
    sub = ds.isel(time=sl)
    t = pd.DatetimeIndex(sub["time"].values)
    fig = go.Figure()
    for v in ELEC_SUPPLY:
        if v in sub and float(np.abs(sub[v]).sum()) > 0:
            fig.add_scatter(x=t, y=_sum_dims(sub[v]).to_numpy(), name=_lab(v, lang), stackgroup="supply",
                            mode="none")
    for v in ("p_battery_charge_kw", "p_grid_export_kw"):
        if v in sub and float(np.abs(sub[v]).sum()) > 0:
            fig.add_scatter(x=t, y=-_sum_dims(sub[v]).to_numpy(), name=_lab(v, lang), stackgroup="sink", mode="none")
    fig.add_scatter(x=t, y=load[sl], name=_t("demand", lang), line={"color": "black", "width": 1.5})
    _layout(fig, _t("week", lang), "kW")
    return fig


def fig_heatmap(da: xr.DataArray, title: str, unit: str = "kW", how: str = "sum", height: int = 300):
    """Date × hour-of-day heat map of an hourly series (summed or averaged over assets)."""
    import plotly.graph_objects as go

    v = _sum_dims(da.astype(float), how).to_numpy()
    days = len(v) // 24
    if days < 1:
        return None
    z = v[: days * 24].reshape(days, 24).T.astype(np.float32)
    dates = pd.DatetimeIndex(da["time"].values[: days * 24 : 24]).strftime("%Y-%m-%d")
    fig = go.Figure(go.Heatmap(z=z, x=list(dates), y=np.arange(24), colorscale="Viridis",
                               colorbar={"title": unit}, hovertemplate="%{x} %{y}:00 → %{z:.3g}<extra></extra>"))
    _layout(fig, title, "", "", height=height)
    fig.update_yaxes(tickvals=[0, 6, 12, 18, 23])
    return fig


def _fig_monthly_group(ds: xr.Dataset, names: list[str], title: str, lang: str):
    """Monthly sums (energy) or means (intensive) of a group's variables, one trace per variable and asset."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for v in names:
        da = ds[v].astype(float)
        asset_dims = [d for d in da.dims if d != "time"]
        how = "mean" if _is_intensive(v) else "sum"
        unit = _unit(ds, v) if how == "mean" else ("MWh" if _unit(ds, v) == "kW" else _unit(ds, v) + "·h/1000")
        members = [(None, da)]
        if asset_dims and da.sizes[asset_dims[0]] > 1:
            members = [(str(a), da.isel({asset_dims[0]: i})) for i, a in enumerate(da[asset_dims[0]].values)]
        for asset, sub in members:
            s = _monthly(sub.to_dataset(name=v), v, how)
            name = _lab(v, lang) + (f" [{asset}]" if asset else "") + f" ({unit})"
            fig.add_bar(x=s.index, y=s.values, name=name)
    if not fig.data:
        return None
    fig.update_layout(barmode="group")
    _layout(fig, title, "", _t("month", lang), height=380)
    _month_axis(fig, lang)
    return fig


def profile_variables(ds: xr.Dataset) -> list[str]:
    """Every hourly variable of the dataset shown in the profile section (plan, inputs, baseline)."""
    return [str(v) for v in ds.data_vars
            if "time" in ds[v].dims and not str(v).startswith(("ledger_", "dual_", "op_"))
            and np.issubdtype(ds[v].dtype, np.number) and ds[v].ndim <= 2]


def _group_of(var: str) -> int:
    base = var.removeprefix("baseline_")
    for i, (_, _, keys) in enumerate(PROFILE_GROUPS):
        if any(base.startswith(k) or base == k for k in keys):
            return i
    return len(PROFILE_GROUPS)


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
    _layout(fig, _t("carbon", lang), "tCO2/yr", height=420)
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
        fig.add_bar(x=cols, y=[v / 1e4 for v in y], name=COST_LABELS.get(k, (k, k))[_i(lang)])
    if not base and "baseline_cost_cny" in summary:
        fig.add_scatter(x=cols, y=[summary["baseline_cost_cny"] / 1e4], mode="markers",
                        marker={"symbol": "line-ew-open", "size": 40, "color": "black"},
                        name=_t("baseline", lang) + (" 合计" if lang == "zh" else " total"))
    fig.update_layout(barmode="relative")
    _layout(fig, _t("costs", lang), "万元/年" if lang == "zh" else "10k CNY/yr", height=420)
    return fig


def fig_pareto(summary: dict, lang: str):
    import plotly.graph_objects as go

    pts = summary.get("pareto")
    if not pts:
        return None
    fig = go.Figure(go.Scatter(
        x=[p["residual_tco2"] for p in pts], y=[p["cost_cny"] / 1e4 for p in pts], mode="lines+markers",
        text=[f"MAC {fmt(p['mac_cny_per_t'])} CNY/t" if p.get("mac_cny_per_t") is not None else "" for p in pts]))
    _layout(fig, _t("pareto", lang), "万元/年" if lang == "zh" else "10k CNY/yr",
            "剩余排放 tCO2/年" if lang == "zh" else "residual tCO2/yr")
    return fig


def _sizes_rows(summary: dict, lang: str) -> list[tuple]:
    from twin.results.units import size_unit

    rows = []
    for k, v in summary["sizes"].items():
        zh, en, unit = SIZE_LABELS.get(k, (k, k, size_unit(k)))
        name = zh if lang == "zh" else en
        if isinstance(v, dict):
            for kk, vv in v.items():
                if vv is not None and abs(float(vv)) > 0.5:
                    rows.append((f"{name} [{kk}]", fmt(vv), unit))
        elif v is not None and abs(float(v)) > 0.5:
            rows.append((name, fmt(v), unit))
    return rows


def _headline_rows(summary: dict, led: dict | None, sc: dict | None, lang: str) -> list[tuple]:
    zh = lang == "zh"
    rows = []
    if led is not None:
        b, p = led["annual"].get("baseline") or {}, led["annual"]["planned"]

        def row(zh_name, en_name, key, unit, f=fmt):
            x, y = b.get(key), p.get(key)
            ch = f(y - x) if (x is not None and y is not None and f is fmt) else (
                f"{(y - x) * 100:+.1f} pp" if (x is not None and y is not None) else "—")
            rows.append((zh_name if zh else en_name, f(x), f(y), ch, unit))

        row("综合能耗", "Total energy consumption", "tce_total_tce", "tce/yr")
        row("总排放（电网+燃料+外购热）", "Gross CO2 (grid + fuel + bought heat)", "co2_gross_t", "tCO2/yr")
        row("绿电/绿证与上网抵扣后", "After export and green-power credits", "co2_after_internal_t", "tCO2/yr")
        row("碳抵消后净排放", "Net after offsets", "co2_net_t", "tCO2/yr")
        basis = (led.get("settings") or {}).get("core_indicator_basis", "acceptance")
        tce_b = "当量值" if (led.get("settings") or {}).get("electricity_tce_basis", "calorific") == "calorific" else "等价值"
        row(f"单位能耗碳排放（910号核心指标，{'验收口径' if basis == 'acceptance' else '基于位置口径'}，电力按{tce_b}）",
            f"CO2 per tce (910号 core indicator, {basis} basis, electricity at {tce_b})",
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
                 "CNY/yr"))
    rows.append(("初始投资" if zh else "Overnight investment", "—", fmt(summary.get("capex_cny")), "", "CNY"))
    if sc is not None:
        ag = sc["aggregate"]
        rows.append(("T/CSUS 66-2023 第7章得分（暂定）" if zh else "T/CSUS 66-2023 chapter 7 score (provisional)", "—",
                     fmt(ag["chapter7_Q"]), "", "/100"))
        rows.append(("第12章加分（暂定）" if zh else "Chapter 12 bonus (provisional)", "—", fmt(ag["QA"]), "",
                     f"/{fmt(ag['bonus_cap'])}"))
    return rows


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
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    _i(lang)
    led = _as_dict(ledger, "ledger", summary)
    sc = _as_dict(scorecard, "scorecard", summary)
    sections: list[str] = []

    def add(fig, cls: str = "fig"):
        if fig is None:
            return ""
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, config={"displaylogo": False})
        return f'<div class="{cls}">{div}</div>'

    p = summary["park"]
    w = summary["weather"]
    zh = lang == "zh"
    # --- banner: rubric and status ---------------------------------------------------
    if sc is not None:
        from twin.report_scorecard import rubric_statement

        sections.append(rubric_statement(sc, lang))
    else:
        h = summary.get("hours", ds.sizes.get("time", 0))
        sections.append(f"<p class='banner'>{_esc(_t('no_scorecard', lang).format(h=h))}</p>")
    # --- overview ----------------------------------------------------------------------
    types = {"manufacturing": "生产制造", "logistics": "仓储物流", "office": "商务办公"}
    overview = _table([
        ("园区" if zh else "Park", p["name"]),
        ("类型" if zh else "Type", f"{types.get(p['type'], p['type'])} ({p['type']})"),
        ("规划年" if zh else "Planning year", p["planning_year"]),
        ("情景文件" if zh else "Scenario", f"{summary['scenario']['file']} (sha256 {str(summary['scenario']['sha256'])[:12]}…)"),
        ("气象" if zh else "Weather",
         f"{w['source']} {w.get('reference_city') or ''}, GHI {fmt(w['annual_ghi_kwh_m2'])} kWh/m²/yr"),
        ("模拟时长" if zh else "Hours modelled", f"{summary['hours']} h"),
        ("优化目标" if zh else "Objective", summary["solver"].get("objective", "")),
    ])
    notes = "".join(f"<li>{_esc(n)}</li>" for n in w.get("notes", []))
    sections.append(f"<h2>1. {_t('read', lang)}</h2><p class='explain'>{_t('read_body', lang)}</p>"
                    f"{overview}<ul class='notes'>{notes}</ul>")
    sections.append(_consistency_warning(summary, led, lang))
    sections.append(f"<h2>2. {_t('headline', lang)}</h2>" + _table(
        _headline_rows(summary, led, sc, lang),
        (_t("item", lang), _t("baseline", lang), _t("plan", lang), _t("change", lang), _t("unit", lang)), "num"))
    from twin.operate.report import operation_section

    sections.append(operation_section(ds, summary, lang, add))
    sections.append(f"<h2>3. {_t('sizes', lang)}</h2>" + _table(
        _sizes_rows(summary, lang), (_t("asset", lang), _t("size", lang), _t("unit", lang)), "num"))

    # --- energy balance ----------------------------------------------------------------
    en = summary["energy_mwh"]
    be = summary["baseline_energy_mwh"]
    keys = [k for k in ENERGY_LABELS if k in en or k in be] + sorted(k for k in set(en) | set(be) if k not in ENERGY_LABELS)
    rows = []
    for k in keys:
        x, y = be.get(k, 0.0) or 0.0, en.get(k, 0.0) or 0.0
        if abs(x) < 1e-6 and abs(y) < 1e-6:
            continue
        rows.append((ENERGY_LABELS.get(k, (k, k))[_i(lang)], fmt(x), fmt(y), fmt(y - x), "MWh/yr"))
    parts = [f"<h2>4. {_t('balance', lang)}</h2>",
             _table(rows, (_t("item", lang), _t("baseline", lang), _t("plan", lang), _t("change", lang), _t("unit", lang)), "num")]
    parts += [add(fig_monthly_balance(ds, lang)), add(fig_monthly_heat(ds, lang)), add(fig_monthly_cooling(ds, lang)),
              add(fig_week(ds, lang))]
    hm = []
    if "p_grid_import_kw" in ds:
        hm.append(add(fig_heatmap(ds["p_grid_import_kw"], _t("heatmap_import", lang) + " (kW)"), "fig half"))
    if "baseline_p_grid_import_kw" in ds:
        hm.append(add(fig_heatmap(ds["baseline_p_grid_import_kw"], _t("heatmap_base_import", lang) + " (kW)"), "fig half"))
    parts.append(f"<p class='notes'>{_t('heat_note', lang)}</p><div class='grid'>{''.join(hm)}</div>")
    sections.append("".join(parts))

    # --- carbon ------------------------------------------------------------------------
    e = summary["emissions_tco2"]
    erows = [(EMISSION_LABELS.get(k, (k, k))[_i(lang)], fmt(v), "tCO2/yr") for k, v in e.items()]
    sections.append(f"<h2>5. {_t('carbon', lang)}</h2>" + add(fig_emissions(summary, led, lang))
                    + "<p class='notes'>" + ("下表为优化器的排放汇总；评价用的台账见第8节。" if zh else
                                             "The table is the optimiser's emission summary; the assessment uses the ledger in section 8.")
                    + "</p>" + _table(erows, (_t("item", lang), _t("value", lang), _t("unit", lang)), "num"))
    # --- costs -------------------------------------------------------------------------
    crow = []
    for k, v in summary["costs_cny_per_yr"].items():
        if isinstance(v, (int, float)):
            crow.append((COST_LABELS.get(k, (k, k))[_i(lang)], fmt(v), "CNY" if k == "capex_overnight" else "CNY/yr"))
    sections.append(f"<h2>6. {_t('costs', lang)}</h2>" + _table(crow, (_t("item", lang), _t("value", lang), _t("unit", lang)), "num")
                    + add(fig_costs(summary, lang)))
    n = 7
    if summary.get("pareto"):
        sections.append(f"<h2>{n}. {_t('pareto', lang)}</h2>" + add(fig_pareto(summary, lang)))
        n += 1
    # --- assessment --------------------------------------------------------------------
    if led is not None:
        from twin.report_scorecard import scorecard_section

        frag, sfigs = scorecard_section(sc, led, lang=lang, number=n)
        sections.append(frag + "".join(add(f) for f in sfigs))
        n += 1
    # --- profiles ----------------------------------------------------------------------
    names = profile_variables(ds)
    plan_names = [v for v in names if not v.startswith("baseline_")]
    groups: dict[int, list[str]] = {}
    for v in plan_names:
        groups.setdefault(_group_of(v), []).append(v)
    prof = [f"<h2>{n}. {_t('profiles', lang)}</h2><p class='notes'>{_t('monthly_note', lang)} {_t('heat_note', lang)}</p>"]
    for gi in sorted(groups):
        gname = PROFILE_GROUPS[gi][_i(lang)] if gi < len(PROFILE_GROUPS) else ("其他" if zh else "Other")
        vs = groups[gi]
        prof.append(f"<h3>{_esc(gname)}</h3>" + add(_fig_monthly_group(ds, vs, gname, lang)))
        cells = []
        for v in vs:
            how = "mean" if _is_intensive(v) else "sum"
            nassets = int(np.prod([ds[v].sizes[d] for d in ds[v].dims if d != "time"])) if ds[v].ndim > 1 else 1
            agg = "" if nassets == 1 else (f"（{nassets}项{'平均' if how == 'mean' else '合计'}）" if zh
                                            else f" ({'mean' if how == 'mean' else 'sum'} of {nassets})")
            cells.append(add(fig_heatmap(ds[v], f"{_lab(v, lang)}{agg} [{_unit(ds, v)}]", _unit(ds, v), how, 260),
                             "fig half"))
        prof.append(f"<div class='grid'>{''.join(cells)}</div>")
    base_names = [v for v in names if v.startswith("baseline_")]
    if base_names:
        prof.append(f"<h3>{_t('baseline', lang)}</h3>" + add(_fig_monthly_group(ds, base_names, _t("baseline", lang), lang)))
    sections.append("".join(prof))
    n += 1

    # --- provenance and solver ---------------------------------------------------------
    prov = [
        ("电价" if zh else "Tariff", ds.attrs.get("tariff_source", "") or "—"),
        ("电网排放因子" if zh else "Grid emission factor",
         (ds["ef_grid_kgco2_per_kwh"].attrs.get("source", "") if "ef_grid_kgco2_per_kwh" in ds else "") or
         ("逐时 ef_grid_kgco2_per_kwh（results.nc）" if zh else "hourly ef_grid_kgco2_per_kwh (results.nc)")),
        ("节假日" if zh else "Calendar", ds.attrs.get("calendar", "") or "China holiday calendar (twin.components.calendar)"),
        ("气象来源" if zh else "Weather source", f"{w['source']}; {ds.attrs.get('weather_provenance', '')}"),
    ]
    if led is not None:
        op = {o["name"]: o["value"] for o in led.get("open_parameters", [])}
        prov.append(("折标系数" if zh else "Electricity to tce", f"{op.get('electricity_tce_basis', '')} kgce/kWh"))
    if "process_shape" in ds:
        for name, desc in zip(ds["process_load"].values, ds["process_shape"].values):
            prov.append((f"{'工艺负荷' if zh else 'process load'} {name}", str(desc)))
    for bld in summary.get("buildings", []):
        prov.append((f"{'建筑围护结构' if zh else 'envelope of'} {bld['name']}", bld.get("envelope_note", "")))
    prov += [(f"version {k}", v) for k, v in summary["versions"].items()]
    sections.append(f"<h2>{n}. {_t('provenance', lang)}</h2>" + _table(prov))
    sol = summary["solver"]
    srows = []
    for k, v in sol.items():
        if isinstance(v, dict):
            v = ", ".join(f"{kk} = {fmt(vv)}" for kk, vv in v.items()) or "—"
        elif isinstance(v, float):
            v = fmt(v, 4)
        elif isinstance(v, list):
            v = "; ".join(map(str, v)) or "—"
        srows.append((k, v))
    sections.append(f"<h2>{n + 1}. {_t('solver', lang)}</h2>" + _table(srows))

    css = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',-apple-system,'Segoe UI',sans-serif;"
           "max-width:1280px;margin:auto;padding:1em;color:#222;line-height:1.45}"
           "table{border-collapse:collapse;margin:.5em 0;font-size:14px}"
           "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
           "table.num td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}"
           "th{background:#f3f3f3}h2{border-bottom:2px solid #2a7;padding-bottom:3px;margin-top:1.6em}"
           ".notes{color:#555;font-size:13px}.fig{margin:1em 0}.grid{display:flex;flex-wrap:wrap;gap:0 1%}"
           ".half{width:49.5%;margin:.3em 0}.explain{background:#f6f8fa;padding:.6em 1em;border-left:4px solid #2a7}"
           ".banner{background:#fff4e5;border:2px solid #d97706;padding:.7em 1em;font-size:15px}"
           ".warn{background:#fdecea;border:2px solid #c62828;padding:.6em 1em}"
           ".provisional{color:#a40;font-weight:bold}.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}"
           "td.small,.small{font-size:12px;color:#444}td.itemhead{background:#eef6f1}"
           "table.items td:nth-child(7){white-space:nowrap}")
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{_t('title', lang)} — {_esc(p['name'])}</title><style>{css}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>{_t('title', lang)}：{_esc(p['name'])}</h1>" + "".join(sections) + "</body></html>")
