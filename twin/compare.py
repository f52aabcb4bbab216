"""Compare investment options: run a scenario's variants and tabulate them against a base.

``twin compare FILE [VARIANT ...] -o DIR`` runs the named variants of one scenario file
(all of them, and ``base``, when none is named) — in parallel processes where cores allow
— and writes one comparison: tables against the base variant (investment appraisal,
levelised costs, emissions, shares, 910号 core indicator, T/CSUS 66-2023 scores), the
differences to the base, and a cost–emissions chart. Finished run folders can be compared
too (``twin compare out/a out/b -o DIR``).

Pure parts (no printing, no files): :data:`METRICS`, :func:`comparison_tables`,
:func:`investment_of`. Files: :func:`run_variants` (one ``twin run`` output folder per
variant under ``DIR/runs/``), :mod:`twin.export` (Excel, CSV) and
:mod:`twin.report_compare` (HTML). ``twin compare`` writes all of them into a staging
folder published as ``DIR`` in one step (:func:`twin.io.publish_run`): a comparison that
fails or is interrupted leaves the previous one whole.
"""

from __future__ import annotations

import json
import math
import os
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from twin.finance import Investment, finance_costs, investment, levelised_costs, lifetimes_from_costs
from twin.fmt import change


@dataclass
class ComparedRun:
    """One column of a comparison: a finished run and how to label it."""

    name: str
    summary: dict
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    folder: Path | None = None
    description_zh: str = ""
    #: The scenario's ``costs`` (lifetimes, discount rate); read from the scenario file when None.
    costs: dict | None = None

    def label(self, lang: str = "en") -> str:
        if lang == "zh":
            return self.label_zh or self.label_en or self.name
        return self.label_en or self.name

    def describe(self, lang: str = "en") -> str:
        """What the variant changes, in ``lang`` where the scenario gives it (else the English text)."""
        return (self.description_zh or self.description) if lang == "zh" else self.description


@dataclass(frozen=True)
class Metric:
    """One row of the comparison table.

    ``kind``: ``number`` (shown as report.html shows it, :func:`twin.fmt.fmt_value`), ``share``
    (shown as %, one decimal), ``text``,
    ``bool``; ``better``: ``lower``/``higher``/``""`` (shown in the differences table).
    """

    key: str
    en: str
    zh: str
    unit: str
    get: Callable[[dict, dict], Any]
    kind: str = "number"
    better: str = ""
    section: str = ""

    def header(self, lang: str = "en") -> str:
        name = self.zh if lang == "zh" else self.en
        return f"{name} [{self.unit}]" if self.unit else name


def _g(*path, default=None) -> Callable[[dict, dict], Any]:
    """Getter of a nested summary key (missing -> default)."""
    def get(s: dict, extra: dict):
        node: Any = s
        for p in path:
            if not isinstance(node, dict) or p not in node:
                return default
            node = node[p]
        return node
    return get


def _planned(key: str) -> Callable[[dict, dict], Any]:
    return _g("ledger", "annual", "planned", key)


def _x(key: str) -> Callable[[dict, dict], Any]:
    return lambda s, extra: extra.get(key)


def _mwh(key: str) -> Callable[[dict, dict], Any]:
    def get(s, extra):
        v = (s.get("ledger", {}).get("annual", {}).get("planned", {}) or {}).get(key)
        return None if v is None else float(v) / 1000.0
    return get


def _nonzero_mwh(key: str) -> Callable[[dict, dict], Any]:
    """The ledger's planned annual ``key`` [kWh/yr] in MWh/yr; None where it is 0 (a park without
    that flow leaves the row out)."""
    get = _mwh(key)

    def nonzero(s, extra):
        v = get(s, extra)
        return None if not v else v
    return nonzero


def _pv_share(s: dict):
    from twin.results.summary import pv_share

    return pv_share(s)


def _core(s: dict) -> dict | None:
    """The summary's 910号 core indicator entry (either layout), None where the run has none."""
    return (s.get("national_indicators") or {}).get("core") or (s.get("scorecard") or {}).get("national", {}).get("core")


def _core_pass(s: dict, extra: dict):
    core = _core(s)
    return None if not core else core.get("pass")


def _core_official(s: dict, extra: dict):
    """Whether the core indicator's threshold is an official tier's (910号 annex 3), or the planner's (a changed
    tier or threshold, a value below the tiers), or none (below the tiers, not judged)."""
    core = _core(s)
    return None if not core else core.get("official")


def _operated(controller: str, *path) -> Callable[[dict, dict], Any]:
    """Getter of an operated year's figure (``summary["operation"][controller]...``); None where the
    run was not operated hour by hour or not by that controller."""
    return _g("operation", controller, *path)


def _gap_share(controller: str) -> Callable[[dict, dict], Any]:
    """The operated year's cost gap against the optimum as a share [-] (summary.json holds it in %)."""
    def get(s, extra):
        v = _g("operation", "gap", controller, "annualised_cost_pct")(s, extra)
        return None if v is None else float(v) / 100.0
    return get


def _grid_words(s: dict, lang: str) -> str | None:
    """The park-grid check's verdict as the report names it; None where the run has no grid section
    or the scenario described no network (the check was not asked for)."""
    from twin.report_text import TEXT, text

    verdict = (s.get("grid") or {}).get("verdict")
    if verdict in (None, "not_checked"):
        return None
    return text(f"grid_value_{verdict}", lang) if f"grid_value_{verdict}" in TEXT else str(verdict)


def _target(name: str, what: str, scale: float = 1.0) -> Callable[[dict, dict], Any]:
    """Getter of a stated target's limit (``what="target"``) or marginal cost (the LP dual,
    ``what="marginal_cost_cny_per_unit"``, times ``scale``); None where the run has no such target,
    and no marginal cost for a target out of reach (held at its best value, it cannot be tightened)."""
    def get(s, extra):
        for t in s.get("targets") or []:
            if t.get("name") == name:
                if t.get("out_of_reach") and what == "marginal_cost_cny_per_unit":
                    return None
                v = t.get(what)
                return None if v is None else float(v) * scale
        return None
    return get


def _targets_met(s: dict, extra: dict):
    """:func:`twin.results.summary.targets_met` of a compared run."""
    from twin.results.summary import targets_met

    return targets_met(s)


def _first(*getters) -> Callable[[dict, dict], Any]:
    """The first getter that finds a value."""
    def get(s, extra):
        for g in getters:
            v = g(s, extra)
            if v is not None:
                return v
        return None
    return get


def _both(words: Callable[[dict, str], str | None]) -> Callable[[dict, dict], Any]:
    """Getter of a text row in both languages: ``(en, zh)`` from ``words(summary, lang)`` (None
    where the run records nothing); the table keeps the page's language."""
    def get(s, extra):
        en, zh = words(s, "en"), words(s, "zh")
        return None if en is None and zh is None else (en, zh)
    return get


def _objective_words(s: dict, lang: str) -> str | None:
    """The run's objective as its report names it ("least cost at net zero")."""
    from twin.report_text import TEXT, text

    kind = (s.get("solver") or {}).get("objective")
    return None if kind is None else text(f"objective_{kind}", lang) if f"objective_{kind}" in TEXT else str(kind)


def _site_words(s: dict, lang: str) -> str | None:
    from twin.report import site_words

    return site_words(s.get("weather") or {}, lang == "zh") if s.get("weather") else None


def _weather_words(s: dict, lang: str) -> str | None:
    """How the run's typical year was made, its radiation basis, and the temperature period
    when not the recent climate (summary ``weather``)."""
    from twin.report import _PERIOD_YEARS, weather_source_words
    from twin.report_text import text

    w = s.get("weather") or {}
    if not w:
        return None
    parts = [weather_source_words(w, lang)]
    basis = w.get("radiation_basis")
    if basis and basis != "file":
        parts.append(text("weather_basis", lang).format(basis=basis))
    years = _PERIOD_YEARS.get(w.get("temperature_period") or "tmyx")  # the recent climate goes unsaid
    if years:
        parts.append(text("weather_period", lang).format(years=years if lang == "zh" else years.replace("–", "-")))
    return ("；" if lang == "zh" else "; ").join(parts)


def _stations_words(s: dict, lang: str) -> str | None:
    from twin.report import stations_words

    return stations_words(s.get("weather") or {}, lang == "zh") or None


def _zone_words(s: dict, lang: str) -> str | None:
    """GB 50176-2016 sub-zone of the run's weather, and the zone the scenario gives for its
    buildings (``site.climate_zone``) when it gives one."""
    from twin.report import zone_words
    from twin.report_text import text

    w = s.get("weather") or {}
    zone = zone_words(w, lang == "zh")
    given = w.get("climate_zone_given")
    parts = ([zone] if zone else []) + ([text("zone_given", lang).format(zone=given)] if given else [])
    return ("；" if lang == "zh" else "; ").join(parts) or None


def _weather_stated(key: str) -> Callable[[dict, dict], Any]:
    """Getter of what the tool states of a run's synthetic year
    (:func:`twin.results.summary.stated_weather_uncertainty`)."""
    from twin.results.summary import stated_weather_uncertainty

    return lambda s, extra: stated_weather_uncertainty(s, key)


def _basis_range(s: dict) -> str | None:
    """Operating PV yields relative to the yield modelled on the run's radiation basis
    (``weather.radiation_basis_range``), as '-12 % ~ +0 %'; None for a weather file."""
    from twin.results.summary import stated_weather_uncertainty

    r = stated_weather_uncertainty(s, "radiation_basis_range") or []
    return f"{100 * r[0]:+.0f} % ~ {100 * r[1]:+.0f} %" if len(r) == 2 else None  # either language


#: What a comparison writes in its folder (error messages name them).
COMPARE_HOLDS = "comparison.html, comparison.xlsx, the CSV tables and runs/"

#: Entries of a comparison's folder: an earlier comparison's are never carried into a new one.
COMPARE_OUTPUTS = ("comparison.html", "comparison.xlsx", "comparison.csv", "differences.csv", "sizes.csv",
                   "cash_flows.csv", "variants.csv", "runs")


#: Columns of the comparison tables beside the runs': a run may not take one of these names (a run
#: folder named ``zh`` or ``en``, as runs of the two report languages are, took the row labels' column).
TABLE_COLUMNS = frozenset({"key", "section", "en", "zh", "unit", "kind", "better"})

#: Rows of the comparison table, grouped by section.
METRICS: tuple[Metric, ...] = (
    Metric("objective", "Objective", "优化目标", "", _both(_objective_words), "text", section="run"),
    Metric("hours", "Hours modelled", "模拟小时数", "h", _g("hours"), section="run"),
    Metric("site", "Site (city or coordinates, province)", "场址（城市或坐标，省份）", "", _both(_site_words), "text",
           section="run"),
    Metric("weather", "Weather source and radiation basis (and the temperature period if not the "
           "recent climate)", "气象来源与辐射基准（气温非近期气候时注明时期）", "",
           _both(_weather_words), "text", section="run"),
    Metric("stations", "Weather stations used (dataset, distance from the site)", "所用气象站（数据集，与场址距离）", "",
           _both(_stations_words), "text", section="run"),
    Metric("climate_zone", "Climate zone (GB 50176-2016 sub-zone of the site's weather; the zone the scenario "
           "gives for the buildings, if any)", "气候区（GB 50176-2016，场址气象的二级区；情景为建筑给定的气候区另注）",
           "", _both(_zone_words), "text", section="run"),
    Metric("pv_basis_range", "Operating PV yields against those modelled on this radiation basis",
           "实际运行光伏发电量相对本辐射基准模拟值", "", lambda s, x: _basis_range(s), "text",
           section="run"),
    Metric("annual_ghi", "Annual GHI of the typical year", "典型年水平面总辐射", "kWh/m2",
           _g("weather", "annual_ghi_kwh_m2"), section="run"),
    Metric("annual_temperature", "Annual mean temperature of the typical year", "典型年年平均气温", "°C",
           _g("weather", "annual_mean_temperature_c"), section="run"),
    Metric("ghi_uncertainty", "Expected uncertainty of its annual GHI (95 % of stations left out)",
           "其年水平面总辐射的预期不确定度（留一检验 95% 站点）", "%",
           _weather_stated("expected_uncertainty"), "share", section="run"),
    Metric("temperature_uncertainty", "Expected uncertainty of its annual mean temperature (a site "
           "between stations; 95 % of stations left out)", "其年平均气温的预期不确定度（站点之间的场址；"
           "留一检验 95% 站点）", "K", _weather_stated("expected_temperature_uncertainty_k"),
           section="run"),
    Metric("heating_design_temperature", "Heating design temperature (6th-coldest daily mean, GB 50736-2012 "
           "4.1.2; of a synthetic site, the mean of its climate's 16 synthetic years)",
           "供暖室外计算温度（第6冷日平均温度，GB 50736-2012 第4.1.2条；合成气象取场址气候 16 个合成年的平均值）", "°C",
           _g("weather", "design_temperatures", "heating_c"), section="run"),
    Metric("cooling_design_temperature", "Cooling design dry-bulb temperature (51st-hottest hour, GB 50736-2012 "
           "4.1.6; of a synthetic site, the mean of its climate's 16 synthetic years)",
           "空调室外计算干球温度（第51热小时，GB 50736-2012 第4.1.6条；合成气象取场址气候 16 个合成年的平均值）", "°C",
           _g("weather", "design_temperatures", "cooling_c"), section="run"),
    Metric("wet_bulb_design_temperature", "Design wet-bulb temperature (51st-highest wet-bulb hour, GB 50736-2012 "
           "4.1.7; of a synthetic site, the mean of its climate's 16 synthetic years; not used by the "
           "building model, whose latent load follows each hour's humidity)",
           "空调室外计算湿球温度（第51高湿球温度小时，GB 50736-2012 第4.1.7条；合成气象取场址气候 16 个合成年的平均值；"
           "建筑模型的潜热负荷按逐时湿度计算，未用）", "°C",
           _g("weather", "design_temperatures", "wet_bulb_c"), section="run"),
    Metric("capex", "Investment in new assets (overnight)", "新增资产投资（一次性）", "CNY", _x("capex_cny"),
           better="lower", section="investment"),
    Metric("annualised_cost", "Annualised cost of the plan", "方案年化总成本", "CNY/yr", _g("annualised_cost_cny"),
           better="lower", section="investment"),
    Metric("baseline_cost", "Annualised cost of keeping today's park", "维持现状年化成本", "CNY/yr",
           _g("baseline_cost_cny"), section="investment"),
    Metric("opex", "Operating cost of the plan", "方案年运行成本", "CNY/yr", _x("plan_operating_cost_cny_per_yr"),
           better="lower", section="investment"),
    Metric("savings", "Annual savings against today's park", "相对现状年节约", "CNY/yr", _x("annual_savings_cny"),
           better="higher", section="investment"),
    Metric("savings_carbon_price", "of which the carbon price avoided (cash under an emissions trading scheme, a "
           "shadow price otherwise)", "其中：避免的碳价（纳入碳排放权交易时为现金支出，否则为影子价格）", "CNY/yr",
           _x("carbon_price_saving_cny"), section="investment"),
    Metric("npv", "Net present value of the investment", "投资净现值 (NPV)", "CNY", _x("npv_cny"),
           better="higher", section="investment"),
    Metric("irr", "Internal rate of return", "内部收益率 (IRR)", "%", _x("irr"), "share", "higher", "investment"),
    Metric("payback", "Simple payback", "静态投资回收期", "yr", _x("simple_payback_years"), better="lower",
           section="investment"),
    Metric("discounted_payback", "Discounted payback", "动态投资回收期", "yr", _x("discounted_payback_years"),
           better="lower", section="investment"),
    Metric("horizon", "Appraisal horizon (longest asset life)", "评价期（最长资产寿命）", "yr", _x("horizon_years"),
           section="investment"),
    Metric("discount_rate", "Real discount rate", "实际折现率", "%", _x("discount_rate"), "share", section="investment"),
    Metric("lcoe", "Levelised cost of electricity (LCOE)", "平准化度电成本 (LCOE)", "CNY/MWh", _x("lcoe_cny_per_mwh"),
           better="lower", section="investment"),
    Metric("lcoh", "Levelised cost of heat (LCOH)", "平准化供热成本 (LCOH)", "CNY/MWh", _x("lcoh_cny_per_mwh"),
           better="lower", section="investment"),
    Metric("district_heat_cost", "District heat bill of the plan (metered energy, capacity and area parts)",
           "方案集中供热费用（计量热费、容量热费及面积热费）", "CNY/yr", _g("district_heat", "plan", "cost_cny"),
           better="lower", section="investment"),
    Metric("grid_energy_cost", "Energy charges of the grid electricity bought by the plan (each hour at its "
           "time-of-use price of its season)", "方案购电电度电费（逐时按所在季节的分时电价）", "CNY/yr",
           _g("tariff", "plan", "energy_cost_cny"), better="lower", section="investment"),
    Metric("mean_import_price", "Mean price paid for the plan's grid electricity", "方案平均购电价", "CNY/kWh",
           _g("tariff", "plan", "mean_price_cny_per_kwh"), better="lower", section="investment"),
    Metric("baseline_emissions", "Emissions of today's park", "现状碳排放", "tCO2/yr", _g("emissions_tco2", "baseline"),
           section="carbon"),
    Metric("gross_emissions", "Gross emissions of the plan (grid + fuel + bought heat + industrial processes)",
           "方案总排放（电网+燃料+外购热+工业过程）", "tCO2/yr", _g("emissions_tco2", "gross"), better="lower",
           section="carbon"),
    Metric("process_emissions", "of which industrial-process CO2 (declared)", "其中工业过程 CO2（申报）", "tCO2/yr",
           _g("emissions_tco2", "process"), section="carbon"),
    Metric("export_credit", "Export credit", "上网电量减排抵扣", "tCO2/yr", _g("emissions_tco2", "export_credit"),
           section="carbon"),
    Metric("green_power_credit", "Green power credit (绿电交易)", "绿电交易减排量", "tCO2/yr",
           _g("emissions_tco2", "green_power"), section="carbon"),
    Metric("certificate_credit", "Green certificate credit", "绿证减排量", "tCO2/yr", _g("emissions_tco2", "certificates"),
           section="carbon"),
    Metric("residual", "Residual emissions before offsets (location basis)", "抵消前剩余排放（基于位置口径）", "tCO2/yr",
           _g("emissions_tco2", "residual"), better="lower", section="carbon"),
    Metric("residual_acceptance", "Emissions before offsets, 910号 acceptance basis (grid at the fossil-power factor)",
           "抵消前排放（910号验收口径，电网按全国化石能源电力因子）", "tCO2/yr", _planned("co2_acceptance_t"), better="lower",
           section="carbon"),
    Metric("offsets", "Offsets bought", "购买碳抵消量", "tCO2/yr", _g("emissions_tco2", "offsets"), better="lower",
           section="carbon"),
    Metric("net", "Net emissions", "净排放", "tCO2/yr", _g("emissions_tco2", "net"), better="lower", section="carbon"),
    Metric("pv_share", "PV share of electricity used", "光伏占用电量比例", "%", lambda s, x: _pv_share(s), "share",
           "higher", "shares"),
    Metric("renewable_share", "Renewable share of energy (tce, with green power)", "可再生能源消费占比（标煤口径）", "%",
           _planned("renewable_share"), "share", "higher", "shares"),
    Metric("clean_share", "Clean-energy share of consumption (910号 guiding)", "清洁能源消费占比（910号引导性指标）", "%",
           _planned("clean_energy_share"), "share", "higher", "shares"),
    Metric("core_acceptance", "910号 core indicator, acceptance basis: CO2 per energy use",
           "910号核心指标（验收口径）：单位能耗碳排放", "tCO2/tce", _planned("carbon_intensity_acceptance_tco2_per_tce"),
           better="lower", section="shares"),
    # `core` is summary.json's core indicator (national_indicators.core.value_tco2_per_tce: the basis the
    # scenario's accounting.core_indicator_basis names); the two bases stand beside it under their own keys
    Metric("core", "910号 core indicator, scorecard basis: CO2 per energy use",
           "910号核心指标（评分口径）：单位能耗碳排放", "tCO2/tce",
           _planned("carbon_intensity_tco2_per_tce"), better="lower", section="shares"),
    Metric("core_location", "910号 core indicator, location basis (grid average factor; market-based where green "
           "credits are counted)",
           "910号核心指标（基于位置口径，电网平均因子；抵扣绿电绿证时为市场口径）",
           "tCO2/tce", _first(_planned("carbon_intensity_location_tco2_per_tce"),
                              _planned("carbon_intensity_tco2_per_tce")), better="lower", section="shares"),
    Metric("core_pass", "910号 core indicator met, scorecard basis (full year only)", "达到910号核心指标（评分口径，仅全年）",
           "", _core_pass, "bool",
           section="shares"),
    Metric("core_threshold_official", "910号 core threshold official (no: the planner's value, or none below the "
           "official tiers)", "910号阈值为官方值（否：规划者设定值，或低于官方分档而无阈值）", "", _core_official, "bool",
           section="shares"),
    Metric("ch7", "T/CSUS 66-2023 chapter 7 score (full year only)", "T/CSUS 66-2023 第7章得分（仅全年）", "/100",
           _g("scorecard", "aggregate", "chapter7_Q"), better="higher", section="shares"),
    Metric("ch7_rated", "T/CSUS 66-2023 control items met (no: not rated, whatever the score)",
           "T/CSUS 66-2023 控制项达标（否：不予评级）", "", _g("scorecard", "aggregate", "control_items_met"), "bool",
           section="shares"),
    Metric("ch12", "T/CSUS 66-2023 chapter 12 bonus (full year only)", "T/CSUS 66-2023 第12章加分（仅全年）", "points",
           _g("scorecard", "aggregate", "QA"), better="higher", section="shares"),
    # stated targets (scenario ``targets``): the limit, and what tightening it costs at the margin
    Metric("targets_met", "Every stated target met (no: planned for the best reachable value)",
           "所有目标均达到（否：按可达到的最好值规划）", "", _targets_met, "bool", section="targets"),
    Metric("target_core", "Target: 910号 core indicator at most", "目标：910号核心指标不高于", "tCO2/tce",
           _target("core", "target"), section="targets"),
    Metric("target_core_mc", "Marginal cost of the core-indicator target (per 0.01 tCO2/tce tighter)",
           "核心指标目标的边际成本（每收紧 0.01 tCO2/tce）", "CNY/yr", _target("core", "marginal_cost_cny_per_unit", 0.01),
           better="lower", section="targets"),
    Metric("target_clean_share", "Target: clean-energy share at least", "目标：清洁能源消费占比不低于", "%",
           _target("clean_share", "target"), "share", section="targets"),
    Metric("target_clean_share_mc", "Marginal cost of the clean-share target (per percentage point)",
           "清洁能源占比目标的边际成本（每提高 1 个百分点）", "CNY/yr",
           _target("clean_share", "marginal_cost_cny_per_unit", 0.01), better="lower", section="targets"),
    Metric("target_renewable_share", "Target: renewable share at least", "目标：可再生能源消费占比不低于", "%",
           _target("renewable_share", "target"), "share", section="targets"),
    Metric("target_renewable_share_mc", "Marginal cost of the renewable-share target (per percentage point)",
           "可再生能源占比目标的边际成本（每提高 1 个百分点）", "CNY/yr",
           _target("renewable_share", "marginal_cost_cny_per_unit", 0.01), better="lower", section="targets"),
    Metric("target_residual", "Target: residual emissions at most", "目标：剩余排放不高于", "tCO2/yr",
           _target("residual", "target"), section="targets"),
    Metric("target_residual_mc", "Marginal cost of the residual-emissions target (per tCO2 less)",
           "剩余排放目标的边际成本（每减少 1 tCO2）", "CNY/yr", _target("residual", "marginal_cost_cny_per_unit"),
           better="lower", section="targets"),
    # the operated year (`--operate` or a scenario's `operation`): the numbers to quote beside the optimum
    Metric("op_rule_cost", "Annualised cost as operated, rule-based controller", "实际运行年化总成本（规则控制）",
           "CNY/yr", _operated("rule", "annualised_cost_cny"), better="lower", section="operation"),
    Metric("op_rule_gap", "Operational gap of the cost, rule-based controller", "运行差距：年化总成本（规则控制）",
           "%", _gap_share("rule"), "share", "lower", "operation"),
    Metric("op_mpc_cost", "Annualised cost as operated, rolling horizon (MPC)", "实际运行年化总成本（滚动优化）",
           "CNY/yr", _operated("mpc", "annualised_cost_cny"), better="lower", section="operation"),
    Metric("op_mpc_gap", "Operational gap of the cost, rolling horizon (MPC)", "运行差距：年化总成本（滚动优化）",
           "%", _gap_share("mpc"), "share", "lower", "operation"),
    Metric("grid_check", "Park-grid check (hourly AC power flow of the plan)", "园区电网校核（规划的逐时交流潮流）", "",
           _both(_grid_words), "text", section="operation"),
    Metric("green_power_bought", "Green power bought (绿电交易)", "绿电交易购买量", "MWh/yr",
           _g("purchases_mwh", "green_power"), section="energy"),
    Metric("certificates_bought", "Green certificates bought", "绿证购买量", "MWh/yr", _g("purchases_mwh", "certificates"),
           section="energy"),
    Metric("grid_import", "Grid electricity bought", "电网购电量", "MWh/yr", _mwh("e_grid_import_kwh"), better="lower",
           section="energy"),
    Metric("district_heat", "District heat bought", "外购集中供热量", "MWh/yr", _g("district_heat", "plan", "heat_mwh"),
           better="lower", section="energy"),
    Metric("pv_generation", "PV generation", "光伏发电量", "MWh/yr", _mwh("e_pv_generated_kwh"), section="energy"),
    Metric("electricity_use", "Electricity used in the park", "园区用电量", "MWh/yr", _mwh("e_electricity_consumption_kwh"),
           section="energy"),
    Metric("energy_tce", "Total energy consumption", "综合能源消费量", "tce/yr", _planned("tce_total_tce"),
           section="energy"),
    Metric("heat_demand", "Heat demand (buildings and process heat)", "热需求（建筑与工艺用热）", "MWh/yr",
           _nonzero_mwh("q_heat_demand_kwh"), section="energy"),
    Metric("process_heat_demand", "of which process heat (hot water, steam)", "其中工艺用热（热水、蒸汽）", "MWh/yr",
           _nonzero_mwh("q_process_heat_demand_kwh"), section="energy"),
    Metric("process_cooling_demand", "Process cooling (chilled water for production)", "工艺供冷（生产用冷冻水）",
           "MWh/yr", _nonzero_mwh("q_process_cooling_demand_kwh"), section="energy"),
    Metric("chiller_electricity", "Chillers' electricity (buildings and process cooling)",
           "冷机用电（建筑与工艺供冷）", "MWh/yr", _nonzero_mwh("e_chiller_kwh"), better="lower", section="energy"),
    Metric("cold_storage_discharge", "Cooling from cold stores (蓄冷)", "蓄冷放冷量", "MWh/yr",
           _nonzero_mwh("q_cold_discharge_kwh"), better="higher", section="energy"),
    Metric("chiller_peak_electricity", "Chillers' electricity in peak hours", "冷机峰段用电", "MWh/yr",
           _g("chiller_electricity_by_period", "plan", "peak_mwh"), better="lower", section="energy"),
    Metric("waste_heat_used", "Waste heat used (direct and by heat pumps)", "余热利用量（直接利用与热泵取热）", "MWh/yr",
           _nonzero_mwh("q_waste_heat_used_kwh"), better="higher", section="energy"),
    Metric("heat_pump_scop", "Heat pumps' seasonal COP (heat delivered / electricity used)",
           "热泵季节性能系数 SCOP（供热量/用电量）", "kWh/kWh", _g("heat_pumps", "scop"), better="higher",
           section="energy"),
)

#: Section titles (en, zh).
SECTIONS = {"run": ("Run", "运行"), "investment": ("Investment against keeping today's park", "投资（对比维持现状）"),
            "carbon": ("Emissions", "碳排放"), "shares": ("Shares, indicators and scores", "占比、指标与评分"),
            "targets": ("Stated targets and their marginal cost (LP dual; 0 = not binding)",
                        "设定目标及其边际成本（线性规划对偶值；0 表示不起约束作用）"),
            "operation": ("Operated without perfect foresight, and the park-grid check",
                          "无完美预测的实际运行与园区电网校核"),
            "energy": ("Energy", "能源"), "sizes": ("Sizes of new and existing assets", "资产规模")}


def investment_of(summary: dict, scenario_costs: Any = None) -> Investment:
    """Investment appraisal of a run (:mod:`twin.finance`) from its summary.

    Lifetimes and the discount rate come from the scenario's ``costs`` (``scenario_costs``,
    or the ``scenario_costs`` the summary carries, or the scenario file it names).
    """
    costs = scenario_costs if scenario_costs is not None else _scenario_costs(summary)
    rate = (costs.get("discount_rate") if isinstance(costs, dict) else getattr(costs, "discount_rate", None))
    return investment(summary.get("costs_cny_per_yr", {}), summary.get("baseline_costs_cny_per_yr", {}),
                      lifetimes_from_costs(costs or {}), 0.08 if rate is None else float(rate))


def _scenario_costs(summary: dict) -> dict:
    sc = summary.get("scenario", {})
    if isinstance(sc.get("costs"), dict):
        return sc["costs"]
    try:  # the run folder's scenario file, with the variant and overrides the run used
        from twin.scenario.loader import load_scenario

        over = {a["path"]: a["value"] for a in sc.get("applied_overrides", []) if a.get("source") == "overrides"}
        variant = sc.get("variant")
        loaded = load_scenario(sc["file"], overrides=over or None, variant=None if variant == "base" else variant)
        return finance_costs(loaded.scenario)
    except Exception:  # noqa: BLE001  (a moved file: fall back to the documented default rate)
        return {}


def extras(run: ComparedRun) -> dict:
    """Derived numbers of a run: investment appraisal and levelised costs."""
    inv = investment_of(run.summary, run.costs)
    planned = run.summary.get("ledger", {}).get("annual", {}).get("planned", {})
    return {**inv.to_dict(), **levelised_costs(run.summary.get("costs_cny_per_yr", {}), planned)}


def comparison_tables(runs: list[ComparedRun], base: str | None = None, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The comparison as tables (numbers unformatted; :mod:`twin.fmt` formats them; words of
    text rows such as the site and the weather in ``lang``).

    Returns
    -------
    dict of DataFrame
        ``comparison``: one row per metric (index: metric key; columns ``section``, ``en``,
        ``zh``, ``unit``, ``kind``, ``better`` and one column per run name);
        ``differences``: run minus base for the numeric metrics (base column omitted);
        ``sizes``: optimal sizes per asset [kWp, kWh, kW, 1];
        ``cash_flows``: years 0..N of each run's investment against today's park [CNY];
        ``variants``: labels, descriptions and the overrides of each run.
    """
    if not runs:
        raise ValueError("nothing to compare")
    names = [r.name for r in runs]
    base = base or names[0]
    if base not in names:
        raise ValueError(f"base '{base}' is not among the runs ({', '.join(names)})")
    ex = {r.name: extras(r) for r in runs}
    rows = []
    for m in METRICS:
        vals = {r.name: _value(m, r.summary, ex[r.name], lang) for r in runs}
        if all(v is None for v in vals.values()):
            continue
        rows.append({"key": m.key, "section": m.section, "en": m.en, "zh": m.zh, "unit": m.unit, "kind": m.kind,
                     "better": m.better, **vals})
    comp = pd.DataFrame(rows).set_index("key")
    diff_rows = []
    for key, row in comp.iterrows():
        if row["kind"] not in ("number", "share") or key in ("hours", "horizon", "discount_rate"):
            continue
        b = row[base]
        d = {n: change(row[n], b) for n in names if n != base}  # solver noise (1e-7 relative) reads 0
        diff_rows.append({"key": key, **{c: row[c] for c in ("section", "en", "zh", "unit", "kind", "better")}, **d})
    diffs = pd.DataFrame(diff_rows).set_index("key") if diff_rows else pd.DataFrame()
    from twin.results.units import flat_sizes, size_unit

    flat = {r.name: flat_sizes(r.summary.get("sizes", {})) for r in runs}
    size_rows = [{"key": k, "unit": size_unit(k), **{n: flat[n].get(k, 0.0) for n in names}}
                 for k in sorted({k for f in flat.values() for k in f})]
    sizes = pd.DataFrame(size_rows).set_index("key") if size_rows else pd.DataFrame()
    horizon = max(len(ex[n]["cash_flows_cny"]) for n in names)
    flows = pd.DataFrame({n: ex[n]["cash_flows_cny"] + [0.0] * (horizon - len(ex[n]["cash_flows_cny"]))
                          for n in names}, index=pd.RangeIndex(horizon, name="year"))
    variants = pd.DataFrame([{"name": r.name, "label_en": r.label("en"), "label_zh": r.label("zh"),
                              "description": r.description, "description_zh": r.describe("zh"), "scenario": r.summary.get("scenario", {}).get("file", ""),
                              "overrides": json.dumps(r.summary.get("scenario", {}).get("applied_overrides", []),
                                                      ensure_ascii=False, default=str),
                              "sha256": r.summary.get("scenario", {}).get("sha256", "")} for r in runs]).set_index("name")
    return {"comparison": comp, "differences": diffs, "sizes": sizes, "cash_flows": flows, "variants": variants}


def _value(m: Metric, s: dict, extra: dict, lang: str = "en"):
    try:
        v = m.get(s, extra)
    except (KeyError, TypeError, AttributeError):
        return None
    if isinstance(v, tuple):  # (en, zh) words
        v = v[1] if lang == "zh" else v[0]
    if m.kind in ("number", "share") and v is not None:
        try:
            return int(v) if m.key in ("hours", "horizon") else float(v)
        except (TypeError, ValueError):
            return None
    return v


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points not dominated in (emissions, cost), both minimised, sorted by emissions."""
    idx = []
    for i, (e, c) in enumerate(points):
        if not any((e2 <= e and c2 <= c) and (e2 < e or c2 < c) for j, (e2, c2) in enumerate(points) if j != i):
            idx.append(i)
    return sorted(idx, key=lambda i: points[i][0])


# --------------------------------------------------------------------------- running variants

@dataclass
class VariantJob:
    """What one worker process runs: a variant of a scenario file into a folder."""

    scenario: str
    variant: str
    out_dir: str
    hours: int | None = None
    objective: str | None = None
    lang: str = "zh"
    overrides: dict = field(default_factory=dict)
    #: Weather and profiles shared with the other variants of the same profile key (twin.run.RunInputs).
    inputs: Any = None


#: Seconds between the lines saying which variants still run, in a comparison run in processes [s].
HEARTBEAT_S = 60.0


class VariantProgress:
    """Progress of one variant's run in a comparison run one after the other (a
    :class:`twin.run.Progress`): each stage as ``  <variant>: <stage> ...`` through ``echo``, and
    within a long stage (a solve, an operated year) its latest beat at most every
    :data:`HEARTBEAT_S` / 2 seconds; the run's notes stay in its own outputs."""

    def __init__(self, name: str, echo: Callable[[str], None]):
        self.name, self.echo = name, echo
        self._last = _time.perf_counter()

    def stage(self, text: str) -> None:
        self.echo(f"  {self.name}: {text} ...")
        self._last = _time.perf_counter()

    def done(self, detail: str = "") -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def tick(self, text: str) -> None:
        text = text.strip().rstrip(";")
        if text and _time.perf_counter() - self._last >= HEARTBEAT_S / 2:
            self.echo(f"  {self.name}: {text}")
            self._last = _time.perf_counter()


def run_variant_job(job: VariantJob, progress=None) -> dict:
    """Run one variant and write its folder (results.nc, summary.json, report.html, dispatch.csv);
    ``progress``: a :class:`twin.run.Progress` told about its stages (none in a worker process).

    Returns ``{"name", "ok", "error", "seconds"}``; a failing variant records its error
    and the comparison goes on without it.
    """
    import time

    from twin.io import OutputError
    from twin.scenario.loader import ScenarioError, load_scenario

    t0 = time.perf_counter()
    try:
        loaded = load_scenario(job.scenario, overrides=job.overrides or None, variant=job.variant)
        run_loaded(loaded, Path(job.out_dir), hours=job.hours, objective=job.objective, lang=job.lang,
                   inputs=job.inputs, progress=progress)
        return {"name": job.variant, "ok": True, "error": "", "seconds": time.perf_counter() - t0}
    except (ScenarioError, ValueError, OutputError) as exc:
        return {"name": job.variant, "ok": False, "error": str(exc), "seconds": time.perf_counter() - t0}


def run_loaded(loaded, out_dir: Path, *, hours: int | None = None, objective: str | None = None,
               lang: str = "zh", report: bool = True, inputs=None, progress=None) -> dict:
    """Run a loaded scenario (:func:`twin.run.run`, told ``progress``) and write its folder
    (:func:`twin.run.write`); the summary."""
    from twin.run import run, write
    from twin.scenario.run_config import resolve_run_config

    config = resolve_run_config(loaded.scenario, objective=objective, hours=hours, lang=lang)
    r = run(loaded, config, progress, inputs=inputs)
    write(r, out_dir, report=report)
    return r.summary


def finished(folder: Path, sha256: str, hours: int | None, objective: str | None) -> bool:
    """A folder holds a finished run of exactly this scenario hash, horizon and objective, made
    by this version of the tool (an upgrade reruns the variants)."""
    import twin

    try:
        s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return False
    return (s.get("scenario", {}).get("sha256") == sha256 and (hours is None or s.get("hours") == hours)
            and s.get("versions", {}).get("park_twin") == twin.__version__
            and (objective is None or s.get("solver", {}).get("objective") == objective)
            and (folder / "dispatch.csv").exists())


def run_variants(scenario: Path, variants: list[str], out_dir: Path, *, hours: int | None = None,
                 objective: str | None = None, lang: str = "zh", workers: int | None = None,
                 echo: Callable[[str], None] = lambda s: None, previous: Path | None = None) -> list[dict]:
    """Run variants of one scenario file, one folder each under ``out_dir/runs/``.

    A variant whose folder under ``previous/runs/`` (an earlier comparison; default
    ``out_dir``) holds a finished run of the same scenario hash, horizon, objective and
    tool version is reused: linked into ``out_dir/runs/`` (:func:`twin.io.link_tree`)
    when ``previous`` is another folder. Up to ``workers`` variants run at once in
    separate processes (default: the cores available, at most the number of variants);
    an interrupt (Ctrl-C) stops them all before it is raised.
    """
    from twin.io import link_tree
    from twin.run import prepare_inputs, profile_key
    from twin.scenario.loader import load_scenario

    base = load_scenario(scenario)
    jobs, status = [], []
    keys: dict[str, tuple[str, Any]] = {}
    for v in variants:
        folder = out_dir / "runs" / v
        loaded = base.derive(v)
        earlier = (previous or out_dir) / "runs" / v
        if finished(earlier, loaded.sha256, hours, objective):
            if earlier != folder:
                link_tree(earlier, folder)
            echo(f"  {v}: finished run reused ({earlier})")
            status.append({"name": v, "ok": True, "error": "", "seconds": 0.0, "reused": True})
            continue
        jobs.append(VariantJob(str(scenario), v, str(folder), hours, objective, lang))
        keys[v] = (profile_key(loaded), loaded)
    n = max(1, min(len(jobs), workers or available_cores()))
    # weather and profiles once per profile key, shared by the variants that only change
    # costs, prices, storage or targets (computed in the pool when there is one)
    groups: dict[str, Any] = {}
    for j in jobs:
        k, lc = keys[j.variant]
        groups.setdefault(k, lc)
    if n == 1 or len(jobs) <= 1:
        inputs = {}
        for k, lc in groups.items():
            try:
                inputs[k] = prepare_inputs(lc) if sum(keys[j.variant][0] == k for j in jobs) > 1 else None
            except ValueError:
                inputs[k] = None  # the variant's own run reports the problem
        for j in jobs:
            j.inputs = inputs.get(keys[j.variant][0])
            echo(f"  {j.variant}: running ...")
            status.append(run_variant_job(j, VariantProgress(j.variant, echo)))
            _echo_status(status[-1], echo)
        return status
    import concurrent.futures as cf
    import multiprocessing as mp

    pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=_ignore_interrupts)
    try:
        shared = {k: pool.submit(prepare_inputs, lc) for k, lc in groups.items()
                  if sum(keys[j.variant][0] == k for j in jobs) > 1}
        if shared:
            echo(f"  weather and profiles: {len(shared)} set(s) shared by {len(jobs)} variant(s) ...")
        for j in jobs:
            f = shared.get(keys[j.variant][0])
            try:
                j.inputs = f.result() if f is not None else None
            except Exception:  # noqa: BLE001  (the variant's own run reports the problem)
                j.inputs = None
        futs = {pool.submit(run_variant_job, j): j for j in jobs}
        echo(f"  running {len(jobs)} variant(s) in {n} processes ...")
        t0, pending = _time.perf_counter(), set(futs)
        while pending:
            finished_now, pending = cf.wait(pending, timeout=HEARTBEAT_S, return_when=cf.FIRST_COMPLETED)
            if not finished_now:  # a heartbeat: which variants are still running, and for how long
                echo(f"  {_time.perf_counter() - t0:.0f} s: still running "
                     f"{', '.join(futs[f].variant for f in futs if f in pending)}")
            for fut in finished_now:
                try:
                    st = fut.result()
                except Exception as exc:  # noqa: BLE001  (a crashed worker process: record and go on)
                    st = {"name": futs[fut].variant, "ok": False, "error": f"{type(exc).__name__}: {exc}",
                          "seconds": 0.0}
                status.append(st)
                _echo_status(st, echo)
    except BaseException:
        _stop_workers(pool)  # an interrupt or a failure here: no worker goes on writing
        raise
    pool.shutdown()
    return status


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops them (no traceback from each)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool) -> None:
    """End a process pool's workers now (running variants too) and shut it down."""
    stop = getattr(pool, "terminate_workers", None)  # Python 3.14
    if stop is not None:
        stop()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _echo_status(st: dict, echo) -> None:
    echo(f"  {st['name']}: " + (f"done in {st['seconds']:.1f} s" if st["ok"] else f"FAILED — {st['error']}"))


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover  (not Linux)
        return os.cpu_count() or 1


def read_summary(path: str | Path) -> dict:
    """A run's summary from its folder or summary.json (:func:`twin.results.summary.read_summary`)."""
    from twin.results.summary import read_summary as read

    return read(path)


def write_comparison(runs: list[ComparedRun], out_dir: Path, *, lang: str = "zh", base: str | None = None,
                     hourly: bool = False, failed: list[dict] | None = None) -> dict[str, Path]:
    """Write ``comparison.html``, ``comparison.xlsx`` and the tables as CSV (UTF-8 with BOM) in ``out_dir``.

    ``hourly``: add each run's hourly results (``dispatch.csv`` of its folder) to the workbook.
    """
    from twin.export import hourly_frame, write_comparison_xlsx, write_csv_bom
    from twin.io import atomic_write_text
    from twin.report_compare import render_comparison

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = comparison_tables(runs, base, lang)
    paths = {}
    lab = {r.name: r.label(lang) for r in runs}
    for key in ("comparison", "differences", "sizes", "cash_flows", "variants"):
        df = tables[key]
        if df.empty:
            continue
        if key in ("comparison", "differences"):
            df = for_people(df, [r.name for r in runs if r.name in df.columns], pp=key == "differences")
        paths[f"{key}.csv"] = write_csv_bom(df.rename(columns=lambda c: lab.get(c, c)), out_dir / f"{key}.csv")
    frames = {}
    if hourly:
        import xarray as xr

        for r in runs:
            if r.folder is not None and (r.folder / "results.nc").exists():
                with xr.open_dataset(r.folder / "results.nc") as ds:
                    frames[r.name] = hourly_frame(ds.load())
    paths["comparison.xlsx"] = write_comparison_xlsx(tables, runs, out_dir / "comparison.xlsx", hourly=frames)
    paths["comparison.html"] = atomic_write_text(out_dir / "comparison.html",
                                                 render_comparison(runs, lang, base, failed, tables))
    return paths


def for_people(df: pd.DataFrame, names: list[str], pp: bool = False) -> pd.DataFrame:
    """A metric table for export: shares in % (differences in percentage points), unit column kept."""
    out = df.drop(columns=["kind"]).copy()
    share = df["kind"] == "share"
    for n in names:
        out[n] = [(100.0 * v if (sh and isinstance(v, (int, float)) and not math.isnan(v)) else v)
                  for v, sh in zip(df[n], share)]
    out.loc[share, "unit"] = "pp" if pp else "%"
    return out


def _display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for a wide (CJK) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns, at least two spaces before it."""
    return " " * max(width - _display_width(text), 2) + text


#: Marks that may not start a line of a wrapped label, and those that may not end one.
_CLOSERS = "）)]」』，、；。：,;:"
_OPENERS = "（([「『"


def wrap_label(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a Chinese character counts two):
    Latin words whole (hyphenated ones too), Chinese between any two characters, but never a
    closing bracket or punctuation mark at the start of a line nor an opening one at its end
    (no lone "）"). A word longer than ``width`` gets a line of its own."""
    import re

    units: list[str] = []
    for tok in re.findall(r"\s+|[A-Za-z0-9][\w./+%°²·'’-]*|.", text):
        if units and not tok.isspace() and (tok[0] in _CLOSERS or units[-1][-1] in _OPENERS):
            units[-1] += tok
        else:
            units.append(tok)
    lines, cur = [], ""
    for u in units:
        if u.isspace():
            cur += " " if cur else ""
            continue
        if cur.strip() and _display_width(cur + u) > width:
            lines.append(cur.rstrip())
            cur = u
        else:
            cur += u
    lines.append(cur.rstrip())
    return lines


def text_table(tables: dict[str, pd.DataFrame], runs: list[ComparedRun], lang: str = "en", width: int = 44) -> str:
    """The comparison table for a terminal (formatted numbers, labels wrapped, not cut; columns
    counted in terminal columns, so Chinese labels and long cells do not run into the next)."""
    from twin.report_compare import fmt_cell
    from twin.report_text import unit as unit_text

    comp = tables["comparison"]
    names = [r.name for r in runs]
    heads = [r.label(lang) for r in runs]
    colw = [max(12, min(20, len(h))) for h in heads]
    wrapped_heads = [wrap_label(h, w) for h, w in zip(heads, colw)]  # full labels, wrapped
    depth = max(len(h) for h in wrapped_heads)
    lines = ["".ljust(width + 10) + "".join(_cell(h[i] if i < len(h) else "", w + 2)
                                              for h, w in zip(wrapped_heads, colw)) for i in range(depth)]
    for _, row in comp.iterrows():
        label = (row["zh"] if lang == "zh" else row["en"])
        unit = "%" if row["kind"] == "share" else unit_text(str(row["unit"]), lang)
        wrapped = wrap_label(label, width)
        cells = "".join(_cell(fmt_cell(row[n], row["kind"]).replace("&#x27;", "'"), w + 2)
                        for n, w in zip(names, colw))
        lines.extend(wrapped[:-1])
        last = wrapped[-1]
        pad = " " * max(9 - _display_width(unit), 0)
        lines.append(last + " " * max(width - _display_width(last), 0) + f" {unit}{pad}" + cells)
    return "\n".join(lines)
