"""The report's text catalogue: every label, heading and sentence in Chinese and English.

One place for the words of the HTML reports (``twin.report*``): ``text(key, lang)`` for
headings and sentences, ``label(name, lang)`` for variables, energy, size, cost and
emission keys. A key with no entry is shown as is and recorded in :data:`MISSING`, which
the tests check is empty after rendering every example report in both languages.
"""

from __future__ import annotations

TEXT = {
    "title": ("园区零碳规划报告", "Park zero-carbon planning report"),
    "read": ("如何阅读本报告", "How to read this report"),
    "read_body": (
        ("<b>基准</b>：仅现有资产、电动汽车到站即充、不购买绿证和碳抵消，按同一典型气象年逐时模拟；"
        "<b>规划</b>：优化后新增光伏、储能、热泵等资产的逐时调度（Pyomo/HiGHS 线性规划，目标见“求解信息”）。"
        "两者使用同一负荷、电价和电网排放因子，差值即园区内部减排。{annual}；"
        "排放只计CO2（910号附件4）。数值来源：逐时曲线与调度见 results.nc，年度台账与评分见 summary.json。"),
        ("<b>Baseline</b>: existing assets only, EVs charge on arrival, no green certificates or offsets, "
        "simulated hour by hour over the same typical weather year. <b>Plan</b>: the optimal sizes of new PV, "
        "storage, heat pumps etc. and their hourly dispatch (Pyomo/HiGHS linear programme, objective under "
        "'Solver'). Both use the same loads, tariffs and hourly grid emission factors, so the difference is "
        "the park's internal abatement. {annual}; emissions are CO2 "
        "only (910号 annex 4). Where numbers come from: hourly profiles and dispatch in results.nc, annual "
        "ledger and scores in summary.json."),
    ),
    "read_annual": ("所有年度数值为8760小时之和（Δt = 1 h）", "Annual values are sums over the 8760 hours (Δt = 1 h)"),
    "read_annual_short": (
        "本次只模拟了 {h} 小时：年度数值为这 {h} 小时之和按 8760/{h} 折算为全年（每小时计 {w} 次；需量电费按所含月份折算为 12 个月），"
        "是快速估算，不是全年模拟的结果",
        "only {h} hours are modelled: annual values are the sums over those {h} hours scaled to a year by "
        "8760/{h} (each hour counts {w} times; demand charges of the months covered count for 12 months), a "
        "quick look, not the result of a full-year simulation"),
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
    "q_coal_boiler_kw": ("燃煤锅炉供热", "Coal boiler heat"),
    "q_oil_boiler_kw": ("燃油锅炉供热", "Oil boiler heat"),
    "q_biomass_boiler_kw": ("生物质锅炉供热", "Biomass boiler heat"),
    "q_absorption_heat_kw": ("吸收式制冷机驱动热", "Absorption chiller driving heat"),
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
    "building_q_cooling_kw": ("建筑供冷负荷（显热与潜热）", "Building space cooling (sensible and latent)"),
    "building_q_cooling_latent_kw": ("建筑除湿潜热负荷", "Building latent cooling (dehumidification)"),
    "building_p_lighting_kw": ("建筑照明用电", "Building lighting"),
    "building_p_equipment_kw": ("建筑设备用电", "Building equipment"),
    "building_q_dhw_kw": ("生活热水需求", "Domestic hot water"),
    "building_p_hvac_baseline_kw": ("分散空调用电", "Decentral HVAC electricity"),
    "building_p_dhw_kw": ("分散热水器用电", "Decentral water heaters' electricity"),
    "building_q_heating_nonelectric_kw": ("非电供暖量", "Non-electric space heat"),
    "building_fuel_heating_kw": ("供暖燃料/外购热", "Heating fuel / district heat"),
    "building_t_indoor_c": ("室内温度", "Indoor temperature"),
    "ev_p_uncontrolled_kw": ("到站即充功率", "Charging on arrival"),
    "ev_p_discharge_max_kw": ("可用V2G功率", "Available V2G power"),
    "ev_e_cum_min_kwh": ("累计充电量下限", "Cumulative energy, lower bound"),
    "ev_e_cum_max_kwh": ("累计充电量上限", "Cumulative energy, upper bound"),
    "ev_e_cum_uncontrolled_kwh": ("到站即充累计电量", "Cumulative energy, charge on arrival"),
    "ev_n_connected": ("在桩车辆数", "Vehicles connected"),
    "ev_n_queued": ("排队车辆数", "Vehicles queued"),
    "ev_e_demand_kwh": ("出行用电需求", "Trip energy demand"),
}

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
    "coal_boiler_heat": ("燃煤锅炉供热", "Coal boiler heat"), "oil_boiler_heat": ("燃油锅炉供热", "Oil boiler heat"),
    "biomass_boiler_heat": ("生物质锅炉供热", "Biomass boiler heat"),
    "absorption_chiller_heat": ("吸收式冷机驱动热", "Heat driving absorption chillers"),
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
    "boiler_kw": ("锅炉", "Boiler", "kW"),
    "ev_v2g_share": ("双向充电桩比例（V2G）", "Bidirectional charger share (V2G)", "1"),
    "ev_v2g_chargers": ("双向充电桩（V2G）", "Bidirectional chargers (V2G)", "charger"),
    "waste_heat_hx_kw": ("余热换热器", "Waste-heat exchanger", "kW"),
}

COST_LABELS = {
    "capex_annualised_total": ("投资年金", "Capital annuity"), "om_total": ("运维", "O&M"),
    "energy_import": ("购电电费", "Electricity bought"), "export_revenue": ("上网收入", "Export revenue"),
    "demand_charge": ("需量/容量电费", "Demand charge"), "battery_degradation": ("储能衰减", "Battery wear"),
    "green_certificates": ("绿证购买", "Green certificates bought"), "offsets": ("碳抵消购买", "Carbon offsets bought"),
    "carbon": ("内部碳价", "Internal carbon price"), "fuel": ("燃料", "Fuel"), "heat_import": ("外购热", "Heat bought"),
    "v2g_degradation": ("V2G电池损耗", "V2G battery wear"), "total": ("合计", "Total"),
    "carbon_price": ("内部碳价", "Internal carbon price"),
    "green_power_premium": ("绿电交易溢价", "Green power premium"),
    "export_credit_tiebreak": ("上网抵扣排序项（数值极小）", "Export credit tie-break (negligible)"),
    "thermal_storage_throughput": ("蓄热吞吐成本", "Thermal storage throughput"),
    "stored_energy_value": ("期末储能价值", "Value of energy left in store"),
    "capex_overnight": ("初始投资（不计入年化合计）", "Overnight investment (not in the annual total)"),
}

EMISSION_LABELS = {
    "baseline": ("基准排放", "Baseline emissions"), "gross": ("规划总排放（电网+燃料+外购热+工业过程）",
                                                         "Plan gross (grid + fuel + bought heat + industrial processes)"),
    "grid": ("其中电网购电", "of which grid import"), "fuel": ("其中燃料", "of which fuel"),
    "heat_import": ("其中外购热", "of which bought heat"),
    "process": ("其中工业过程（申报）", "of which industrial processes (declared)"),
    "export_credit": ("上网电量抵扣", "Export credit"), "certificates": ("绿证抵扣", "Green certificates"),
    "green_power": ("绿电交易抵扣", "Green power (绿电交易)"),
    "residual": ("内部减排与上网、绿电、绿证抵扣后剩余", "Residual after internal abatement, export credit, green power and certificates"),
    "offsets": ("碳抵消（CCER）", "Offsets (CCER)"), "net": ("净排放", "Net emissions"),
}



TEXT.update({
    "subtitle": ("{type} · 规划年 {year} · 模拟 {hours} 小时 · 优化目标：{objective}",
                 "{type} · planning year {year} · {hours} hours modelled · objective: {objective}"),
    "objective_min_cost": ("成本最低", "least cost"),
    "objective_min_emissions": ("排放最低（预算内）", "least emissions within the budget"),
    "objective_net_zero": ("净零排放下成本最低", "least cost at net zero"),
    "objective_pareto": ("成本—排放权衡前沿", "cost–emissions front"),
    "card_capex": ("新增投资", "New investment"),
    "card_capex_note": ("新建资产的初始投资（不含现有资产）", "overnight capital of the new assets (existing ones excluded)"),
    "card_cost": ("年化总成本", "Annualised cost"),
    "card_cost_note": ("基准（维持现状）{base}/年，变化 {pct}", "baseline (keep today's park) {base}/yr, change {pct}"),
    "card_emissions": ("净排放（基于位置口径）", "Net emissions (location basis)"),
    "card_emissions_note": ("基准 {base} t → 剩余 {res} t（园区减排与绿电绿证后）→ 碳抵消 {off} t",
                            "baseline {base} t → residual {res} t (after park measures, green power and certificates) → offsets {off} t"),
    "card_shares": ("可再生能源占比（按tce，含绿电绿证）", "Renewable share (tce, incl. green power and certificates)"),
    "card_shares_note": ("园区自发 {onsite}；清洁能源 {clean}", "on-site {onsite}; clean energy {clean}"),
    "card_core": ("910号核心指标 单位能耗碳排放", "910号 core indicator: CO2 per tce"),
    "card_core_note": ("阈值 ≤ {thr} tCO2/tce（官方档位）；基准 {base}", "threshold ≤ {thr} tCO2/tce (official tier); baseline {base}"),
    "card_core_note_assumed": ("阈值 ≤ {thr} tCO2/tce 为规划者设定值（非910号官方值）；基准 {base}",
                               "threshold ≤ {thr} tCO2/tce is the planner's value (not 910号's); baseline {base}"),
    "card_core_note_none": ("910号未给出此规模园区的阈值：不判定（可设 accounting.core_threshold_below_tier_tco2_per_tce）；"
                            "基准 {base}",
                            "910号 gives no threshold for a park of this size: not judged (state one as "
                            "accounting.core_threshold_below_tier_tco2_per_tce); baseline {base}"),
    "not_judged": ("不判定", "not judged"),
    "card_ch7": ("T/CSUS 66-2023 第7章得分", "T/CSUS 66-2023 chapter 7 score"),
    "card_not_rated": ("不予评级：控制项未达标", "not rated: a control item is not met"),
    "card_ch12": ("第12章加分", "Chapter 12 bonus"),
    "card_prov": ("暂定评分规则，非官方分值", "provisional rubric, not the official values"),
    "card_official": ("用户声明的官方评分规则", "official rubric declared by the user"),
    "card_no_score": ("模拟不足一年，不评分", "horizon shorter than a year: not scored"),
    "card_operation": ("运行差距（无完美预见）", "Operational gap (no perfect foresight)"),
    "card_grid": ("园区电网校核", "Park grid check"),
    "pass": ("达标", "pass"),
    "fail": ("未达标", "fail"),
    "what_to_build": ("建设内容（新增）", "What to build (new)"),
    "existing_kept": ("现有资产（保留）", "Existing assets (kept)"),
    "new_size": ("新增规模", "New size"),
    "capital_annuity": ("投资年金", "Capital annuity"),
    "nothing_new": ("本方案不新建资产。", "The plan builds no new assets."),
    "count_note": ("{name}：线性规划按连续量优化台数，{n} 台为其最优解，规划成本按此计算；实际建设取整为 {up} 台，"
                   "或在情景中设 costs.v2g_charger_extra.module_size: 1 按整台优化（混合整数求解）。",
                   "{name}: the linear programme sizes the number of chargers as a continuous quantity; {n} is its "
                   "optimum and the plan's costs are those of it. Build {up}, or set "
                   "costs.v2g_charger_extra.module_size: 1 for whole chargers (a mixed-integer solve)."),
    "no_existing": ("情景中未声明现有资产。", "The scenario declares no existing assets."),
    "contents": ("目录", "Contents"),
    "flows": ("能量流向（年）", "Energy flows (annual)"),
    "sankey": ("规划方案的年能量流向 [MWh/年]", "Annual energy flows of the plan [MWh/yr]"),
    "monthly_title": ("月度能量平衡", "Monthly energy balance"),
    "weeks_title": ("典型周与最不利周", "A typical and the worst week"),
    "weeks_note": ("典型周：用电量最接近全年中位数的一周；最不利周：包含全年最高购电功率（决定需量电费）的一周。"
                   "正值为供给，负值为储能充电与上网。",
                   "Typical week: the week whose electricity use is closest to the median week; worst week: the week "
                   "holding the year's highest grid import (which sets the demand charge). Positive = supply, "
                   "negative = battery charging and export."),
    "week_typical": ("典型周逐时电力平衡 [kW]", "Hourly electricity balance, typical week [kW]"),
    "week_worst": ("最不利周逐时电力平衡 [kW]", "Hourly electricity balance, worst week [kW]"),
    "baseline_import": ("基准：电网购电", "Baseline: grid import"),
    "plan_import": ("规划：电网购电", "Plan: grid import"),
    "duration_title": ("持续曲线与购电分布", "Duration curves and where import remains"),
    "duration": ("功率持续曲线 [kW]", "Duration curves [kW]"),
    "hours_exceeded": ("超过该功率的小时数 [h]", "Hours at or above the power [h]"),
    "storage_title": ("储能与电动汽车的运行", "How storage and EVs operate"),
    "battery": ("储能：按小时的平均荷电状态与充放电", "Battery: mean state of charge and power by hour of day"),
    "soc_by_hour": ("平均荷电状态 [% 容量]", "Mean state of charge [% of size]"),
    "power_by_hour": ("平均充电（负）/放电（正）[kW]", "Mean charge (−) / discharge (+) [kW]"),
    "winter": ("冬季（12–2月）", "Winter (Dec–Feb)"),
    "spring_autumn": ("春秋季", "Spring and autumn"),
    "summer": ("夏季（6–8月）", "Summer (Jun–Aug)"),
    "whole_year": ("全年", "whole year"),
    "ev": ("电动汽车：按小时的平均充电功率 [kW]", "EVs: mean charging power by hour of day [kW]"),
    "ev_on_arrival": ("到站即充（基准）", "Charge on arrival (baseline)"),
    "ev_planned": ("规划：有序充电", "Plan: managed charging"),
    "scorecard_title": ("规划设计阶段评价证据（T/CSUS 66-2023、910号）",
                        "Planning-stage evidence (T/CSUS 66-2023, 910号)"),
    "no_charts": ("此浏览器无法解压内嵌的图表库（需要支持 DecompressionStream 的现代浏览器）；表格数值不受影响。",
                  "This browser cannot unpack the embedded chart library (a current browser with DecompressionStream "
                  "is needed); the tables are unaffected."),
    "tariff": ("电价", "Tariff"),
    "grid_factor": ("电网排放因子", "Grid emission factor"),
    "calendar": ("节假日", "Calendar"),
    "weather_source": ("气象来源", "Weather source"),
    "weather_note": ("气象说明", "Weather note"),
    "scenario_note": ("情景说明", "Scenario note"),
    "tce_factor": ("电力折标系数", "Electricity to tce"),
    "process_load": ("工艺负荷", "Process load"),
    "envelope_of": ("建筑围护结构", "Building envelope"),
    "scenario_file": ("情景文件", "Scenario file"),
    "version": ("版本", "Version"),
    "node_grid": ("电网", "Grid"),
    "node_grid_out": ("上网", "Export to grid"),
    "node_pv": ("光伏", "PV"),
    "node_battery": ("储能", "Battery"),
    "node_ev": ("电动汽车", "EVs"),
    "node_elec": ("园区电力", "Park electricity"),
    "node_load": ("固定电负荷", "Fixed electric load"),
    "node_heat_pump": ("热泵", "Heat pumps"),
    "node_electric_boiler": ("电锅炉", "Electric boilers"),
    "node_chiller": ("冷机", "Chillers"),
    "node_heat": ("园区供热", "Park heat"),
    "node_waste_heat": ("余热", "Waste heat"),
    "node_gas": ("天然气", "Natural gas"),
    "node_boiler": ("燃气锅炉", "Gas boilers"),
    "node_district_heat": ("外购热", "District heat"),
    "node_heat_use": ("热需求", "Heat demand"),
    "node_cool_use": ("冷需求", "Cooling demand"),
    "status_optimal": ("最优", "optimal"),
    "green_power": ("绿电交易抵扣", "Green power (green-power trading)"),
    "solver_objective": ("优化目标", "Objective"),
    "solver_status": ("求解状态", "Status"),
    "solver_algorithm": ("求解算法（HiGHS）", "Algorithm (HiGHS)"),
    "solver_notes": ("求解说明", "Solver notes"),
    "solver_objective_value": ("目标函数值", "Objective value"),
    "solver_solve_time_s": ("求解时间 [s]", "Solve time [s]"),
    "solver_build_time_s": ("建模时间 [s]", "Model build time [s]"),
    "solver_handover_time_s": ("模型传递时间 [s]", "Hand-over time [s]"),
    "solver_n_variables": ("变量数", "Variables"),
    "solver_n_constraints": ("约束数", "Constraints"),
    "solver_gap": ("相对间隙", "Relative gap"),
    "solver_duals": ("对偶值（影子价格）", "Dual values (shadow prices)"),
    "solver_representative_days": ("典型日聚合", "Representative days"),
    "solver_k": ("典型日数", "days"), "solver_profile_rmse": ("曲线聚合误差（RMSE）", "profile RMSE"),
    "solver_sizing_objective_cny": ("典型日规模优化目标值 [元/年]", "sizing objective [CNY/yr]"),
    "solver_sizing_solve_time_s": ("典型日规模优化时间 [s]", "sizing solve time [s]"),
    "solver_note": ("说明", "note"),
    "dual_emission_constraint_cny_per_t": ("排放约束影子价格 [元/tCO2]", "Emission bound shadow price [CNY/tCO2]"),
    "dual_import_limit_value_cny_per_kw_yr": ("购电上限价值 [元/kW·年]", "Import limit value [CNY/(kW yr)]"),
    "dual_import_limit_binding_hours": ("购电上限起作用小时数", "Hours at the import limit"),
    "dual_import_limit_max_cny_per_kw": ("购电上限最大影子价格 [元/kW]", "Largest import-limit shadow price [CNY/kW]"),
})

# the weather of a run, in the report's provenance and `twin compare`'s rows (twin.report.weather_words)
TEXT.update({
    "weather_source_file": ("用户气象文件", "weather file"),
    "weather_source_synthetic-city": ("气象站合成典型年（该站自身统计）", "synthetic year from the station's own statistics"),
    "weather_source_synthetic-site": ("多站插值合成典型年", "synthetic year interpolated between stations"),
    "weather_basis": ("辐射基准 {basis}", "radiation basis {basis}"),
    "weather_period": ("气温取 {years} 年气候", "temperatures of the {years} climate"),
    "zone_given": ("建筑预设按情景给定的气候区 {zone}", "buildings' presets in the zone the scenario gives, {zone}"),
    "site_coordinates": ("北纬 {lat:.2f}°，东经 {lon:.2f}°", "{lat:.2f}° N, {lon:.2f}° E"),
    "site_province": ("{where}（{province}）", "{where} ({province})"),
})

#: Keys asked for that have no catalogue entry (filled while rendering; tests assert empty).
MISSING: set[str] = set()

_LABEL_TABLES = (VAR_LABELS, ENERGY_LABELS, EMISSION_LABELS, COST_LABELS)

#: The table each kind of key is labelled from: a key such as ``fuel`` or ``offsets`` is a
#: cost in the cost table and an emission in the emission table, with different words.
LABEL_KINDS = {"var": VAR_LABELS, "energy": ENERGY_LABELS, "emission": EMISSION_LABELS, "cost": COST_LABELS}


def _pick(pair, lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    return pair[0] if lang == "zh" else pair[1]


def unit(u: str, lang: str) -> str:
    """A unit for display: Chinese time and currency words in Chinese reports ("CNY/yr" → "元/年")."""
    if lang == "en":
        return u
    if u == "pp":  # percentage points (twin.fmt.POINTS_UNIT)
        return "个百分点"
    if u == "points":  # T/CSUS 66-2023 bonus points (twin compare)
        return "分"
    if u == "yr":  # payback periods and appraisal horizons (twin compare)
        return "年"
    return (u.replace("10k CNY", "万元").replace("CNY", "元").replace("/yr", "/年").replace("/ yr", "/年")
            .replace("vehicles", "辆").replace("chargers", "台").replace("charger", "台"))


def text(key: str, lang: str) -> str:
    """Heading or sentence ``key`` in ``lang`` ("zh" or "en")."""
    pair = TEXT.get(key)
    if pair is None:
        MISSING.add(key)
        return key
    return _pick(pair, lang)


def label(name: str, lang: str, kind: str | None = None) -> str:
    """Display name of a variable / energy / emission / cost / size key in ``lang``.

    ``kind`` ("var", "energy", "emission", "cost": :data:`LABEL_KINDS`) names the table the
    key belongs to, for keys the tables share (``fuel``: a cost line, "Fuel", and an emission
    line, "of which fuel"); without it the tables are searched in order.
    ``baseline_`` prefixes are shown as "基准：" / "Baseline: ".
    """
    base = name.removeprefix("baseline_")
    if base.endswith("]") and "[" in base:  # a per-asset key such as "v2g_degradation[employee cars]"
        key, asset = base[:-1].split("[", 1)
        out = f"{label(key, lang, kind)} — {asset}"
        return f"{text('baseline', lang)}: {out}" if base != name else out
    for table in ((LABEL_KINDS[kind],) if kind else _LABEL_TABLES):
        if base in table:
            out = _pick(table[base], lang)
            break
    else:
        if base in SIZE_LABELS:
            out = _pick(SIZE_LABELS[base][:2], lang)
        elif base in TEXT:
            out = _pick(TEXT[base], lang)
        else:
            MISSING.add(base)
            out = base
    if base != name:
        out = f"{text('baseline', lang)}: {out}"
    return out


# --------------------------------------------------------------------------- tool phrases
#: Sentences other modules (assessment, ledger settings, weather) write in English, with
#: their Chinese. Matched whole, or as ``prefix: rest`` where the rest is translated again
#: (it may be the user's own evidence text, which stays as written).
PHRASES: dict[str, str] = {
    "no evidence cited": "未引用证据",
    "computed (ledger)": "计算（台账）",
    "computed (ledger): waste heat only; waste cold and pressure are not modelled": "计算（台账）：仅计余热，余冷与余压未建模",
    "declared + model": "申报 + 模型",
    "model + declarations": "模型 + 申报",
    "declared": "申报",
    "computed": "计算",
    "declared/computed": "申报/计算",
    "model check passed": "模型校核通过",
    "model check failed": "模型校核未通过",
    "model assessed PV, storage, heat pumps and waste heat": "模型评估了光伏、储能、热泵和余热",
    "no official tier": "无官方档位",
    "open in official text": "官方文本未明确",
    "model limit": "模型局限",
    "not modelled": "未建模",
    ("annex 4 counts the park's CO2 as energy activities plus industrial processes; the tool does not compute "
     "process CO2: a park with it (cement, lime, glass, chemicals) declares it under process_emissions, or the "
     "numerator reads low"):
        "附件4按 E园区 = E能源活动 + E工业过程 核算；本工具不计算工业过程排放：有此类排放（水泥、石灰、玻璃、化工等）的园区须在 "
        "process_emissions 中申报，否则分子偏低",
    "none declared": "未申报",
    "planner's declaration": "规划方申报",
    "910号 annex 4 does not say calorific (当量值) or primary-energy equivalent (等价值)": "910号附件4未规定采用当量值还是等价值",
    "annex 4's prescribed electricity factor is UNKNOWN": "附件4规定的电力排放因子未知",
    "crediting of exports is not specified": "未规定上网电量是否抵扣",
    "crediting of 绿电/绿证 in annex 4 is UNKNOWN": "附件4中绿电/绿证是否抵扣未知",
    "treatment of green certificates (绿证) in the clean-energy share UNKNOWN": "清洁能源消费占比中绿证如何计入未知",
    ("the grid-factor basis only: True credits green power and certificates (绿电/绿证) there (market-based), False keeps it location-based; "
     "crediting in annex 4 is UNKNOWN"):
        "仅用于电网因子口径：True 时按该因子抵扣绿电/绿证（基于市场口径），False 时保持基于位置口径；附件4中是否抵扣未知",
    "no cap in 910号; CCER 5 % analogue": "910号未设上限；类比CCER 5%",
    "share of gross emissions (CCER analogue) or of emissions after internal abatement":
        "占总排放的比例（类比CCER）或占内部减排后排放的比例",
    "definition of clean energy (清洁能源) UNKNOWN": "清洁能源的定义未知",
    "whether grid electricity counts as clean UNKNOWN": "电网电力是否计为清洁能源未知",
    "hourly ef_grid_kgco2_per_kwh of the dispatch": "调度的逐时电网排放因子 ef_grid_kgco2_per_kwh",
    "none": "无",
    "QA = min(Σ, cap)": "QA = min(Σ, 封顶值)",
    "waste cold and pressure (余冷/余压) not modelled; recoverable = q_waste_heat_available_kw": "余冷/余压未建模；可回收量 = q_waste_heat_available_kw",
    "heat only": "仅余热",
    "gross": "总排放",
    "residual": "剩余排放",
    "CO2 (energy activities and declared industrial processes, before offsets) / total energy consumption (tce)":
        "能源活动与申报的工业过程CO2排放（碳抵消前）/ 综合能耗（tce）",
    "— no CCHP / combustion energy station": "— 无冷热电联供/燃烧类能源站",
    "path B is for non-industrial parks": "路径B适用于非工业园区",
    "path A is for industrial parks": "路径A适用于工业园区",
    "product path is for industrial parks": "产品能耗路径适用于工业园区",
    "planner documents no recoverable waste heat / stable heat demand": "规划方说明无可回收余热或无稳定热需求",
    "no waste-heat source in the model (q_waste_heat_available_kw absent or zero)":
        "模型中无余热源（q_waste_heat_available_kw 缺失或为零）",
    "no heat demand": "无热需求",
    "no CCHP / combustion energy station": "无冷热电联供/燃烧类能源站",
    "no civil building energy use given": "未给出民用建筑能耗",
    "no recovered heat used": "未利用回收热",
    "(PV self-consumed + green power + certificates) / total tce": "（光伏自用 + 绿电 + 绿证）/ 综合能耗（tce）",
    "PV self-consumed / total tce": "光伏自用 / 综合能耗（tce）",
    "waste heat used (direct + to heat pumps) / recoverable": "余热利用量（直接利用 + 热泵取用）/ 可回收量",
    "heat from waste heat / heat demand": "余热供热量 / 热需求",
    ("waste heat used (direct + to heat pumps) / recoverable (no waste-heat source in the model and its absence not "
     "documented: declarations.no_waste_heat_source_documented makes the item 不参评)"):
        "余热利用量（直接利用 + 热泵取用）/ 可回收量（模型中无余热源且未提供无余热证明：填写 "
        "declarations.no_waste_heat_source_documented 后本项不参评）",
    ("heat from waste heat / heat demand (no waste-heat source in the model and its absence not documented: "
     "declarations.no_waste_heat_source_documented makes the item 不参评)"):
        "余热供热量 / 热需求（模型中无余热源且未提供无余热证明：填写 declarations.no_waste_heat_source_documented 后本项不参评）",
    "CCHP annual overall efficiency": "冷热电联供全年综合效率",
    "declared capacity share": "申报的容量占比",
    "declared output share": "申报的产出占比",
    "declared flag": "申报（是/否）",
    "declared share": "申报的比例",
    "declared count": "申报的数量",
    "declared tier": "申报的等级",
    "battery_kwh / (pv_kwp × 2 h)": "储能容量 battery_kwh /（光伏容量 pv_kwp × 2 h）",
    "(battery_kw + V2G peak + heat pump & e-boiler kW if TES + declared DR kW) / peak electric demand":
        "（储能功率 + V2G峰值 + 有蓄热时热泵与电锅炉功率 + 申报需求响应功率）/ 最大用电负荷",
    "max_t Σ p_ev_discharge_kw": "V2G放电功率的全年最大值 max_t Σ p_ev_discharge_kw",
    "declared removals / gross CO2": "申报的负排放量 / 总排放",
    "declared approved project AND model has PV, storage and flexible capacity":
        "已申报获批项目，且模型含光伏、储能和可调节容量",
    "verified savings, counted when coverage ≥ 50 %": "经验证的节能率，覆盖率 ≥ 50% 时计入",
    "civil share of PV self-consumed / (civil electricity × basis + civil heat share × fuels & bought heat)":
        "民用部分光伏自用量 /（民用电量 × 折标系数 + 民用热占比 × 燃料与外购热）",
    "process rejecting heat (first use)": "排热工艺（一级利用）",
    "high-grade direct use": "高品位直接利用",
    "medium-grade direct heating": "中品位直接供热",
    "low-grade heat upgraded by heat pump": "低品位热经热泵提升",
    "sizes battery_kwh, pv_kwp": "规模 battery_kwh, pv_kwp",
    "sizes, p_ev_discharge_kw, demand_response_declared_kw": "规模、p_ev_discharge_kw、demand_response_declared_kw",
    "declare and document": "申报并提供证明材料",
    "none (not judged)": "无（不判定）",
}

#: Sentences with numbers: (regular expression, Chinese with the same named groups).
PATTERNS: list[tuple[str, str]] = [
    # 910号 values the notice does not give, or the planner changed (twin.assess.national, AccountingSettings)
    (r"^910号 gives no threshold below (?P<t>[\d,.]+) tce/yr: the core indicator is computed but not judged; state "
     r"one as accounting\.core_threshold_below_tier_tco2_per_tce to judge it against a value of your own$",
     "910号未给出低于 {t} tce/年 园区的阈值：核心指标只计算、不判定；如需判定，请在 "
     "accounting.core_threshold_below_tier_tco2_per_tce 设定自己的阈值"),
    (r"^910号 gives no threshold below (?P<t>[\d,.]+) tce/yr; evaluated against the planner's value (?P<v>[\d.]+) "
     r"tCO2/tce \(accounting\.core_threshold_below_tier_tco2_per_tce\)$",
     "910号未给出低于 {t} tce/年 园区的阈值；按规划者设定值 {v} tCO2/tce 评价"
     "（accounting.core_threshold_below_tier_tco2_per_tce）"),
    (r"^evaluated against the planner's values, not 910号's: (?P<w>.+); 910号 annex 3 gives 0\.2 tCO2/tce for "
     r"200,000–1,000,000 tce/yr and 0\.3 above \[ndrc-910-2025\]$",
     "按规划者设定值评价，非910号官方值：{w}；910号附件3：20万–100万 tce/年 为 0.2 tCO2/tce，100万以上为 0.3 "
     "[ndrc-910-2025]"),
    (r"^910号 publishes no threshold below (?P<t>[\d,.]+) tce/yr: the core indicator of such a park is computed but "
     r"not judged until the planner states one$",
     "910号未公布低于 {t} tce/年 园区的阈值：此类园区的核心指标只计算、不判定，直至规划者设定阈值"),
    (r"^910号 publishes no threshold below (?P<t>[\d,.]+) tce/yr; the planner's value$",
     "910号未公布低于 {t} tce/年 园区的阈值；此为规划者设定值"),
    (r"^the planner's value; 910号 annex 3 gives (?P<v>[\d,.]+) \[ndrc-910-2025\]$",
     "规划者设定值；910号附件3为 {v} [ndrc-910-2025]"),
    (r"^threshold: the planner's value (?P<v>[\d.e+-]+) \(accounting\.(?P<k>\w+), 910号: (?P<o>[\d.]+) "
     r"\[ndrc-910-2025\]\)$",
     "阈值：规划者设定值 {v}（accounting.{k}；910号为 {o} [ndrc-910-2025]）"),
    (r"^accounting\.(?P<k>\w+): the planner's value (?P<v>[\d.e+-]+), not 910号's (?P<o>[\d.]+) \[ndrc-910-2025\]$",
     "accounting.{k}：规划者设定值 {v}，非910号的 {o} [ndrc-910-2025]"),
    (r"^(?P<l>.+ tce/yr) \(planner's\)$", "{l}（规划者设定）"),
    (r"^not judged: 910号 gives no threshold below the first tier \(accounting\.core_threshold_below_tier_tco2_per_tce "
     r"states one\)$", "不判定：910号未给出第一档以下园区的阈值（可在 accounting.core_threshold_below_tier_tco2_per_tce 设定）"),
    (r"^ASSUMPTION: 910号 gives no tier below (?P<t>[\d,.]+) tce/yr$", "假设：910号对低于 {t} tce/年 的园区未设档位"),
    (r"^910号 gives no tier below (?P<t>[\d,.]+) tce/yr; evaluated against the ASSUMED value (?P<v>[\d.]+) "
     r"tCO2/tce \((?P<k>\w+)\)$", "910号对低于 {t} tce/年 的园区未设档位；按假设值 {v} tCO2/tce 评价（参数 {k}，可配置）"),
    (r"^plan declared: (?P<v>\w+) \((?P<d>.*)\); model assessed PV, storage, heat pumps and waste heat in this run "
     r"and uses renewables or waste heat: (?P<u>\w+)$",
     "规划已申报：{v}（<data>{d}</data>）；本次模型评估了光伏、储能、热泵和余热，园区利用可再生能源或余热：{u}"),
    (r"^whole-park estimate needs declared chapters (?P<c>\[.*\]); chapter 7 and 12 shown alone$",
     "全园区总分需要申报第 {c} 章的得分；此处仅给出第7章和第12章"),
    (r"^−(?P<d>[\d,.]+) tCO2/yr ≈ (?P<m>[\d,.]+) MWh/yr grid import replaced by zero-carbon supply$",
     "减排 {d} tCO2/年 ≈ 以零碳电力替代 {m} MWh/年 的电网购电"),
    (r"^−(?P<d>[\d,.]+) tCO2/yr$", "减排 {d} tCO2/年"),
    (r"^annex 3 says 'at or better than grade 2'; read here as the whole output \(share (?P<s>[\d.]+)\)$",
     "附件3要求“达到2级及以上”；此处理解为全部产出（比例 {s}）"),
    (r"^(?P<a>.*); model check (?P<r>passed|failed)$", "{a}；模型校核{r}"),
    (r"^(?P<p>declared|computed|declared \+ model|declared/computed|model \+ declarations): (?P<rest>.*)$",
     "{p}：{rest}"),
    (r"^(?P<x>.*) — (?P<why>path B is for non-industrial parks)$", "{x} — {why}"),
    (r"^short horizon of (?P<T>\d+) h: energy, fuel and carbon are scaled to a year \(each hour counts (?P<w>[\d.]+) "
     r"times\) and the demand charge of each of its (?P<m>\d+) month\(s\) counts (?P<k>[\d.]+) times; sizes from a "
     r"short horizon are a quick look, not a plan$",
     "短时段 {T} 小时：能量、燃料和碳排放折算为全年（每小时计 {w} 次），其 {m} 个月的需量电费各计 {k} 次；"
     "短时段得出的规模仅供快速查看，不是规划方案"),
    (r"^boiler '(?P<n>.+)' \((?P<kw>[\d,.]+) kW, natural gas\) is implied: the central heat demand has no declared "
     r"boiler, so the existing plant is taken to be a gas boiler covering the peak$",
     "锅炉“<data>{n}</data>”（{kw} kW，天然气）为推定：集中热需求未声明锅炉，按覆盖峰值的现有燃气锅炉计"),
    (r"^chiller '(?P<n>.+)' \((?P<kw>[\d,.]+) kW, electric\) is implied: the cooling demand has no declared chiller, "
     r"so the existing plant is taken to be an electric chiller covering the peak$",
     "冷机“<data>{n}</data>”（{kw} kW，电制冷）为推定：冷需求未声明冷机，按覆盖峰值的现有电制冷机计"),
    (r"^1 − intensity / (?P<t>[\d.]+) \((?P<tier>.*)\)$", "1 − 单位能耗碳排放 / {t}（{tier}）"),
    (r"^synthetic typical year for (?P<c>.+) from bundled monthly statistics of its TMYx file, seed (?P<s>\d+)$",
     "按内置 TMYx 月统计值为 {c} 生成的合成典型年（随机种子 {s}）"),
    (r"^for final studies use a measured or typical-year EPW of the site \(site\.weather_file in the scenario\): "
     r"synthetic years reproduce monthly statistics, not a particular year's weather$",
     "正式研究请使用场址实测或典型年 EPW 文件（情景中的 site.weather_file）：合成年只复现月统计特征，不代表某一具体年份的天气"),
]

# --- T/CSUS 66-2023 scorecard: 12.1 VPP/DR, 7.2.2 path B by use, 7.2.3(b) cascade by stream, sources -----------
PATTERNS.extend([
    (r"^no VPP / demand-response participation declared, so 0: the plan has (?P<f>[\d,.]+) kW of adjustable capacity "
     r"\(battery (?P<b>[\d,.]+) kW, V2G (?P<v>[\d,.]+) kW, heat pumps and e-boilers with thermal storage (?P<h>[\d,.]+) kW\), "
     r"(?P<p>[\d.]+%) of the (?P<pk>[\d,.]+) kW peak; declaring it enrolled \(declarations\.vpp_dr_enrolls_model_assets, "
     r"or demand_response_declared_kw, with the aggregation contract or DR agreement as evidence\) earns this sub-item$",
     "未申报参与虚拟电厂/需求响应，得 0 分：规划方案有可调节容量 {f} kW（储能 {b} kW、V2G {v} kW、配蓄热的热泵和电锅炉 {h} kW），占峰值负荷 {pk} kW 的 {p}；"
     "申报其已参与（declarations.vpp_dr_enrolls_model_assets 或 demand_response_declared_kw，以聚合协议或需求响应协议为证明材料）"
     "即可按本子项计分"),
    (r"^adjustable capacity declared enrolled in VPP / demand response \((?P<x>model assets [\d,.]+ kW|model assets not "
     r"enrolled) \+ declared (?P<d>[\d,.]+) kW\) / peak electric demand (?P<pk>[\d,.]+) kW$",
     "申报参与虚拟电厂/需求响应的可调节容量（{x} + 申报 {d} kW）/ 峰值电力负荷 {pk} kW"),
    (r"^model assets (?P<k>[\d,.]+) kW$", "模型内资产 {k} kW"),
    (r"^tier (?P<n>\d+) \(>= (?P<t>[\d.]+)\)$", "第 {n} 档（≥ {t}）"),
    (r"^not rated \(不达标\): a control item is not met$", "不予评级（不达标）：有控制项未满足"),
    (r"^(?P<x>.+) \(no waste-heat source in the model and its absence not documented: "
     r"declarations\.no_waste_heat_source_documented, with its evidence, makes the item not assessed \(不参评\)\)$",
     "{x}（模型中无余热源且未提供无余热证明：申报 declarations.no_waste_heat_source_documented 并附证明材料后本项不参评）"),
    (r"^(?P<x>.+) \(no such demand in the model: 0\)$", "{x}（模型中无此类用热：0）"),
    (r"^no recoverable waste heat, documented by the planner \(declarations\.no_waste_heat_source_documented: "
     r"(?P<e>.*)\)$", "无可回收余热，规划方已提供证明（declarations.no_waste_heat_source_documented：{e}）"),
    (r"^best stream 'declared': (?P<d>.*)$", "最佳能流（规划申报）：{d}"),
    (r"^'declared': (?P<d>.*)$", "规划申报的能流：{d}"),
    (r"^best stream '(?P<n>.+?)': (?P<x>(?:(?:high|medium|low)-grade direct use|direct use \\(grade not known\\)|low-grade heat upgraded by heat pump)(?: → low-grade heat upgraded by heat pump)?)$", "最佳能流“{n}”：{x}"),
    (r"^'(?P<n>.+?)': (?P<x>(?:(?:high|medium|low)-grade direct use|direct use \\(grade not known\\)|low-grade heat upgraded by heat pump)(?: → low-grade heat upgraded by heat pump)?)$", "“{n}”：{x}"),
    (r"^grade edges (?P<a>[\d.]+)/(?P<b>[\d.]+) °C \(ASSUMED, ParkInfo\.cascade_grade_edges_c\)$",
     "品位分界 {a}/{b} °C（本工具的假设，可通过 ParkInfo.cascade_grade_edges_c 配置）"),
    (r"^(?P<d>[\d,.]+) kW of adjustable capacity enrolled with a VPP operator or under a demand-response agreement, "
     r"declared with the contract$", "{d} kW 可调节容量参与虚拟电厂聚合或需求响应协议，并以协议申报"),
])
PHRASES.update({
    "high-grade direct use": "高品位直接利用",
    "high-grade direct use → low-grade heat upgraded by heat pump": "高品位直接利用 → 低品位热经热泵提升",
    "medium-grade direct use": "中品位直接利用",
    "medium-grade direct use → low-grade heat upgraded by heat pump": "中品位直接利用 → 低品位热经热泵提升",
    "low-grade direct use": "低品位直接利用",
    "direct use (grade not known)": "直接利用（品位未知）",
    "direct use (grade not known) → low-grade heat upgraded by heat pump": "直接利用（品位未知） → 低品位热经热泵提升",
    "low-grade heat upgraded by heat pump": "低品位热经热泵提升",
    "the process rejecting the heat is not a stage": "排出余热的工艺本身不计为一级",
    "no recovered heat used": "未利用回收热",
    "waste_heat_temperature_c, q_waste_heat_direct_kw, q_waste_heat_source_kw":
        "waste_heat_temperature_c、q_waste_heat_direct_kw、q_waste_heat_source_kw",
    "model assets not enrolled": "模型内资产未申报参与",
    "910号 encourages cascade use (鼓励梯级利用)": "910号「鼓励梯级利用」",
    "GB/T 50378-2014 11.2.3 CCHP 70 %; 910号 cascade use (梯级利用)": "GB/T 50378-2014 11.2.3 冷热电联供 70 %；910号 梯级利用",
    "GB/T 50378-2014 11.2.2 efficiency grade 1 (能效1级) or evaluating value (节能评价值); 910号 grade 2 (二级)":
        "GB/T 50378-2014 11.2.2 能效1级/节能评价值；910号 二级",
    "910号 grade 2 (二级) [S]; provincial benchmark (标杆) share 50 % [S]": "910号 二级 [S]；省级标杆比例 50 % [S]",
    "14th Five-Year Plan (十四五) building renewable target 8 %": "十四五建筑可再生能源替代率目标 8 %",
    "14th Five-Year Plan (十四五) 8 % [R]; GB/T 50378 renewable tables": "十四五 8 % [R]；GB/T 50378 可再生能源分档表",
    "none found: the standard's item, no published scoring rule; 1 point by judgement":
        "未找到：标准条目，无公开的评分规则；按专业判断 1 分",
    "judgement: no published rule for a carbon platform's models; the nearest, GB/T 50378-2019 9.2.7, scores a "
    "building's carbon calculation (12/1000 ≈ 1 point), not a platform":
        "专业判断：碳平台模型无公开评分规则；最接近的 GB/T 50378-2019 9.2.7 针对建筑碳排放计算（12/1000 ≈ 1 分），并非平台",
    "judgement; nearest: GB/T 50378-2019 9.2.7 (building carbon calculation)":
        "专业判断；最接近：GB/T 50378-2019 9.2.7（建筑碳排放计算）",
    "[twin-provisional-rubric]: the standard's item with no published scoring rule; 1 point by judgement":
        "[twin-provisional-rubric]：标准条目，无公开的评分规则；按专业判断 1 分",
    "Shanghai elderly-care 5.5.1 40 % of steam (explanatory notes, 条文说明)": "上海养老设施标准 5.5.1 条文说明：蒸汽 40 %",
    "Shanghai elderly-care 5.5.1 30 % of heating (explanatory notes, 条文说明)": "上海养老设施标准 5.5.1 条文说明：供暖 30 %",
    "Shanghai elderly-care 5.5.1 30 % of hot water (explanatory notes, 条文说明)": "上海养老设施标准 5.5.1 条文说明：生活热水 30 %",
    "waste heat used on process heat above 100 °C or steam / that demand": "用于100 °C以上工艺热或蒸汽的余热 / 该用热量",
    "waste heat delivered to the heat network / its heat demand, the same share for its space heating (the network "
    "mixes its supply)": "输入热网的余热 / 热网热需求，其供暖用热按同一比例计（热网混合供热）",
    "waste heat delivered to the heat network / its heat demand, the same share for its domestic hot water (the "
    "network mixes its supply)": "输入热网的余热 / 热网热需求，其生活热水用热按同一比例计（热网混合供热）",
    "heat from waste heat / all heat demand (uses not told apart in this run)": "余热供热量 / 全部热需求（本次运行未区分用途）",
    "q_waste_heat_direct_bus_kw, q_waste_heat_source_kw, q_heat_demand_kw, q_process_heat_demand_kw":
        "q_waste_heat_direct_bus_kw、q_waste_heat_source_kw、q_heat_demand_kw、q_process_heat_demand_kw",
    "no waste-heat source in the model (q_waste_heat_available_kw absent or zero), so no recoverable amount to divide "
    "by; the planner documents the absence (declarations.no_waste_heat_source_documented or "
    "guiding_excluded.waste_heat_utilisation, with evidence)":
        "模型中无余热源（q_waste_heat_available_kw 缺失或为零），无可回收量作分母；规划方应提供无余热的证明"
        "（declarations.no_waste_heat_source_documented 或 guiding_excluded.waste_heat_utilisation，附证明材料）",
    "declarations.vpp_dr_enrolls_model_assets, demand_response_declared_kw":
        "declarations.vpp_dr_enrolls_model_assets、demand_response_declared_kw",
})


_WORDS_ZH = {"passed": "通过", "failed": "未通过", "True": "是", "False": "否", "declared": "申报", "computed": "计算",
             "declared + model": "申报 + 模型", "declared/computed": "申报/计算", "model + declarations": "模型 + 申报"}

# operated year: a fault placed in the model year, stored energy kept from export, the connection overloaded
PATTERNS.extend([
    (r"^operation\.faults\[(?P<i>\d+)\] \((?P<k>\w+)\) starts in (?P<y>\d+), the model year is (?P<m>\d+) "
     r"\(park\.planning_year\): placed at (?P<d>[\d-]+ [\d:]+), the same date and hour of the model year$",
     "operation.faults[{i}]（{k}）起始于 {y} 年，模型年为 {m} 年（park.planning_year）：按模型年的同月同日同时刻置于 {d}"),
    (r"^surplus in an hour: the plant cuts the batteries' discharge, then V2G, before it exports \(stored energy is "
     r"not sold at the export price; within a site transformer's room\), then charges the batteries where a kWh kept "
     r"is worth more than one sold \(the cheapest import price of the next 24 h times the round trip, less wear; "
     r"else only what would be curtailed\), then exports within the export limit, then curtails PV$",
     "某小时电量富余时：运行中先削减储能放电、再削减 V2G 放电，然后才上网（储存的电能不按上网电价售出；以站点变压器余量为限），"
     "再在存储一度电比售出更值时为储能充电（按未来 24 小时最低购电价乘往返效率、扣除损耗成本；否则只存将被弃掉的部分），"
     "再在售电限值内上网，最后弃光"),
    ((r"^the (?P<c>rule-based|rolling-horizon \(MPC\)) controller's operated year imported more than the park "
      r"transformer at the point of connection can \((?P<k>[\d,.]+) kVA\) in (?P<h>[\d,.]+) h/yr, up to "
      r"(?P<kw>[\d,.]+) kW above it \((?P<mwh>[\d,.]+) MWh/yr\): the park's load, beyond what the connection guard "
      r"could cut or cover$"),
     "{c}运行年中购电超出并网点园区主变可承载的容量（{k} kVA）{h} 小时/年，最多超出 {kw} kW（{mwh} MWh/年）："
     "为园区负荷所致，超出了并网容量保护可削减或补足的范围"),
    ((r"^the (?P<c>rule-based|rolling-horizon \(MPC\)) controller's operated year imported more than the point of "
      r"connection can in (?P<h>[\d,.]+) h/yr, up to (?P<kw>[\d,.]+) kW above it \((?P<mwh>[\d,.]+) MWh/yr\): the "
      r"park's load, beyond what the connection guard could cut or cover$"),
     "{c}运行年中购电超出并网点可承载的容量 {h} 小时/年，最多超出 {kw} kW（{mwh} MWh/年）："
     "为园区负荷所致，超出了并网容量保护可削减或补足的范围"),
])


def phrase(s, lang: str) -> str:
    """A sentence written by another module, in ``lang`` (Chinese from :data:`PHRASES` / :data:`PATTERNS`).

    Unknown sentences are returned unchanged and, in Chinese, recorded in :data:`MISSING`
    when they contain English words (the tests assert none remain).
    """
    import re

    s = "" if s is None else str(s)
    if lang == "en" or not s:
        return s
    if s in PHRASES:
        return PHRASES[s]
    if s in _WORDS_ZH:
        return _WORDS_ZH[s]
    if "; " in s:  # a list of the tool's phrases
        parts = [phrase(x, lang) for x in s.split("; ")]
        if all(p != x or re.fullmatch(r"\[[\w-]+\]", x) for p, x in zip(parts, s.split("; "))):
            return "；".join(parts)
    for rx, zh in PATTERNS:
        m = re.match(rx, s)
        if m:
            parts = {k: (phrase(v, lang) if k in ("rest", "e", "why", "x", "tier", "fac", "tb")
                         else _WORDS_ZH.get(v, _value_zh(v)))
                     for k, v in m.groupdict().items()}
            return zh.format(**parts)
    return s


_PER_YEAR_VALUE = r"^(?:[−+-]?[\d,.]+(?:e[+-]?\d+)?%? )?(?:10k CNY|CNY|tCO2|tce|kWh|MWh|GWh)/yr$"
"""A captured value that is a figure with a per-year unit, or the unit alone ("130 tCO2/yr")."""


def _value_zh(v):
    """A value a pattern captured, with a per-year unit written as the Chinese outputs write
    units (:func:`unit`: "130 tCO2/yr" -> "130 tCO2/年", "tce/yr" -> "tce/年", "1,200 CNY/yr" ->
    "1,200 元/年"); anything else unchanged (the planner's names are never rewritten)."""
    import re

    return unit(v, "zh") if isinstance(v, str) and re.match(_PER_YEAR_VALUE, v) else v


def phrase_html(s, lang: str) -> str:
    """:func:`phrase` as HTML: escaped, with the user's own text marked ``<span class='data'>``."""
    import html as _html

    out = _html.escape(phrase(s, lang))
    return out.replace("&lt;data&gt;", "<span class='data'>").replace("&lt;/data&gt;", "</span>")


def yes_no(v, lang: str) -> str:
    """A flag for display: 是/否 or yes/no; other values unchanged."""
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    return str(v)

TEXT.update({
    "pw_title": ("园区零碳路径", "Park zero-carbon pathway"),
    "pw_subtitle": ("{n} 个投资阶段，{y0}–{end} 年；逐阶段规模优化（短视：每阶段只知本阶段的价格、排放因子和目标）",
                    "{n} investment periods, {y0}–{end}; sized period by period (myopic: each period knows only its "
                    "own prices, factors and targets)"),
    "pw_subtitle_foresight": ("{n} 个投资阶段，{y0}–{end} 年；全部阶段一次联合优化（完全预见：在一个线性规划中同时确定各阶段建设）",
                              "{n} investment periods, {y0}–{end}; all periods sized together (perfect foresight: one "
                              "LP decides every period's builds)"),
    "pw_npv": ("路径总成本现值", "Present value of the pathway's cost"),
    "pw_npv_note": ("{y0}–{end} 年各年成本折现到 {y0} 年（折现率 {r}）", "costs of {y0}–{end} discounted to {y0} at {r}"),
    "pw_net": ("净排放：首阶段 → 末阶段", "Net emissions: first → last period"),
    "pw_first_core": ("910号核心指标首次达标年份", "First year the 910号 core indicator passes"),
    "pw_first_core_note": ("按各阶段的核算口径与阈值", "on each period's basis and threshold"),
    "pw_first_net_zero": ("首次净零年份", "First net-zero year"),
    "pw_not_met": ("路径内未达到", "not within the pathway"),
    "pw_timeline": ("分阶段建设时间表", "What to build when"),
    "pw_period": ("阶段", "Period"),
    "pw_built": ("本阶段新建", "Built in the period"),
    "pw_retired": ("本阶段到寿退役（建设年）", "Retiring in the period (build year)"),
    "pw_factor": ("电网排放因子 [kgCO2/kWh]", "Grid factor [kgCO2/kWh]"),
    "pw_core": ("910号核心指标 [tCO2/tce]", "910号 core indicator [tCO2/tce]"),
    "pw_year_cost": ("年成本", "Cost per year"),
    "pw_period_reports": ("各阶段的完整报告", "Full report of each period"),
    "pw_capacity": ("各阶段在役容量", "Capacity in service by period"),
    "pw_emissions": ("各阶段排放", "Emissions by period"),
    "pw_costs": ("各阶段年成本：运行与在役资产的资本", "Cost per year: operation and capital of the assets in service"),
    "pw_operating": ("运行（电费、燃料、碳价、抵消等）", "Operation (energy, fuel, carbon price, offsets, ...)"),
    "pw_capital": ("在役资产的投资年金与运维", "Annuities and fixed O&M of the assets in service"),
    "pw_assumptions": ("假设与说明", "Assumptions"),
})

PHRASES.update({
    "myopic pathway: each period is sized knowing only its own prices, factors and targets; assets built "
    "earlier are existing capacity while in service (build year <= year < build year + lifetime)":
        "短视路径：每个阶段只按本阶段的价格、排放因子和目标确定规模；此前建设的资产在寿命期内（建设年 ≤ 年份 < 建设年 + 寿命）"
        "作为现有容量",
    "perfect-foresight pathway: every period sized together in one LP (one build variable per asset and "
    "period; an asset serves while build year <= year < build year + lifetime and pays its annuity and fixed "
    "O&M in every period it serves); each period is then dispatched with its capacity fixed":
        "完全预见路径：全部阶段在一个线性规划中联合确定规模（每项资产每个阶段一个建设变量；资产在寿命期内"
        "（建设年 ≤ 年份 < 建设年 + 寿命）服役，并在服役的每个阶段支付投资年金与固定运维）；随后各阶段按确定的容量逐时调度",
    "grid emission factors of later periods are a PROJECTION (linear trend of the published "
    "2021-2023 factors), not official values; give your own in pathway.grid_factor":
        "后续阶段的电网排放因子为预测值（按已发布的2021–2023年因子线性外推），不是官方数值；可在 pathway.grid_factor 中给出自己的数值",
    "planner's value (pathway.grid_factor.values_kgco2_per_kwh)": "规划方给定值（pathway.grid_factor.values_kgco2_per_kwh）",
    "the scenario's hourly series, held (no projection of an hourly series)": "沿用情景的逐时因子（逐时序列不做外推）",
    "the scenario's constant factor, held": "沿用情景的固定因子",
})

PATTERNS.extend([
    (r"^published (?P<l>\w+) factor (?P<y>\d{4}) \[(?P<k>[\w-]+)\]$", "已发布的{l}因子 {y}年 [{k}]"),
    (r"^published (?P<l>\w+) factor (?P<y>\d{4}), held \(projection 'constant'\)$", "已发布的{l}因子 {y}年，保持不变"),
    (r"^PROJECTION, not an official value: linear trend of the published (?P<l>\w+) factors (?P<a>\d{4})-(?P<b>\d{4}) "
     r"extended to (?P<y>\d{4})$", "预测值，非官方数值：按已发布的{l}因子（{a}–{b}年）线性外推至{y}年"),
])

TEXT.update({
    "grid_value_pass": ("通过", "pass"),
    "grid_value_pass_with_limits": ("通过（加限值）", "pass with limits"),
    "grid_value_pass_with_upgrade": ("通过（需扩容）", "pass with upgrade"),
    "grid_value_upgrade_needed": ("需扩容", "upgrade needed"),
    "grid_value_not_checked": ("未校核", "not checked"),
    "grid_pass": ("全年逐时交流潮流无越限", "no limit exceeded in any hour's AC power flow"),
    "grid_pass_with_limits": ("越限已作为逐时限值反馈给优化，方案在限值内", "violations fed back as hourly limits; the plan keeps within them"),
    "grid_pass_with_upgrade": ("按所列扩容方案可满足", "feasible with the listed upgrade"),
    "grid_upgrade_needed": ("需要变压器或线路扩容，见电网章节", "a transformer or feeder upgrade is needed, see the grid section"),
    "grid_not_checked": ("情景未描述园区电网（在 grid 下加 network: {} 使用默认放射式布置）",
                         "the scenario describes no park grid (add network: {} under grid for the default radial layout)"),
    "grid_hours": ("越限：{h}。", "Over a limit: {h}."),
    "grid_iterations": ("反馈迭代 {n} 次。", "{n} feedback iterations."),
})
# weather notes (weather.site, weather.climate_zone): station names and lists stay as data
_WORDS_ZH.update({"north-west": "西北", "plateau": "高原", "south-west": "西南", "north-east": "东北",
                  "north": "华北", "east coast": "东部沿海", "south": "华南", "above": "高", "below": "低",
                  "later": "延后", "earlier": "提前"})
PATTERNS.extend([
    (
        (r"^synthetic typical year for the (?P<ds>\w+) station (?P<n>.+?) \((?P<zh>[^,]+)"
         r", (?P<p>[^)]+)\) from its bundled monthly statistics, seed (?P<s>\d+)$"),
        ("按内置月统计值为 {ds} 气象站 <data>{n}</data>（{zh}，<data>{p}</data>）生成的"
         "合成典型年（随机种子 {s}）"),
    ),
    (
        (r"^temperature and RH moved to the TMYx period \(CSWD 1971-2003 runs about 0\.4 K "
         r"colder and 2 points more humid\); GHI: the station's CSWD GHI on the (?P<b>\w+) "
         r"level, sky statistics from "
         r"TMYx/SWERA neighbours; diffuse fraction: the station's annual level, its course over "
         r"the year from those neighbours$"),
        ("气温和相对湿度已折算到 TMYx 时段（CSWD 1971–2003 年约偏冷 0.4 K、相对湿度约高 2 个百分点）；"
         "水平面总辐射取该站 CSWD 值并按"
         " {b} 基准定水平，天空统计取自邻近 TMYx/SWERA 站；散射比取该站全年水平，逐月变化取自这些邻站"),
    ),
    (
        (r"^temperature and RH the station's own \(1971-2003\); GHI: the station's CSWD GHI on the "
         r"(?P<b>\w+) level, sky statistics from TMYx/SWERA neighbours; diffuse fraction: the "
         r"station's annual level, its course over the year from those neighbours$"),
        ("气温和相对湿度取该站自身值（1971–2003 年）；水平面总辐射取该站 CSWD 值并按 {b} 基准定水平，天空统计取自邻近"
         " TMYx/SWERA 站；散射比取该站全年水平，逐月变化取自这些邻站"),
    ),
    (
        (r"^temperature period (?P<p>\w+): 1971-2003, the climate of China Standard Weather Data "
         r"\(CSWD\), the typical years of Chinese building-energy design; (?P<d>[\d.]+) K colder "
         r"than the recent climate on average \(months (?P<a>[\d.]+) to (?P<b>[\d.]+) K\) and "
         r"(?P<h>[\d.]+) points more humid \(relative humidity\): "
         r"heating loads come out higher and cooling loads lower than in today's climate; "
         r"site\.temperature_period: tmyx for the recent climate$"),
        ("气温气候时段 {p}：1971–2003 年，即中国建筑热环境分析专用气象数据集（CSWD）的气候，我国建筑节能设计所用"
         "的典型年；平均比近期气候低 {d} K（各月低 {a} 至 {b} K），相对湿度高 {h} 个百分点：采暖负荷偏高、供冷负荷偏低于当前气候；"
         "site.temperature_period 设为 tmyx 即采用近期气候"),
    ),
    (
        (r"^temperature period (?P<p>[\w-]+): 2009-2023, the climate of the TMYx files of that "
         r"15-year window \(Climate\.OneBuilding\.org \[climate-onebuilding-tmyx\]\): the recent climate moved by the median "
         r"difference between window and whole-record files of the same stations; (?P<d>[\d.]+) K "
         r"warmer than the recent climate on average \(months (?P<a>-?[\d.]+) to (?P<b>-?[\d.]+) K; "
         r"from (?P<n>\d+) stations with both files, whose own annual differences scatter by "
         r"(?P<s>[\d.]+) K\): heating loads come out lower and cooling loads higher than on the "
         r"whole-record typical years; site\.temperature_period: tmyx for the recent climate$"),
        ("气温气候时段 {p}：2009–2023 年，即 Climate.OneBuilding.org [climate-onebuilding-tmyx] 该 15 年窗口 TMYx 典型年的气候：在近期气候上"
         "加同一气象站窗口典型年与全记录典型年之差的中位数；平均比近期气候高 {d} K（各月高 {a} 至 {b} K；取自 {n} "
         "个两种文件俱全的气象站，各站年差的标准差 {s} K）：采暖负荷偏低、供冷负荷偏高于全记录典型年；"
         "site.temperature_period 设为 tmyx 即采用近期气候"),
    ),
    (
        (r"^synthetic typical year interpolated from stations: (?P<used>.+); temperature "
         r"moved to the site elevation (?P<z>-?\d+) m with the (?P<r>[\w -]+) region's la"
         r"pse rates fitted by month \((?P<a>-?[\d.]+) to (?P<b>-?[\d.]+) K/km\) and its "
         r"terrain and latitude terms, averaged with a regression-kriging estimate \(trend in "
         r"latitude, longitude, elevation and surrounding terrain over all stations\)$"),
        ("由以下气象站插值生成的合成典型年：<data>{used}</data>；气温按{r}区逐月拟合的气温直减率（{a} 至"
         " {b} K/km）及地形、纬度项修正到场址海拔 {z} m，再与回归克里金估计（全部站点上纬度、经度、海拔"
         "和周边地形的趋势）取平均"),
    ),
    (
        (r"^temperature: the station estimate \(annual mean (?P<a>-?[\d.]+) degC\) averaged "
         r"with an ERA5-based estimate \((?P<b>-?[\d.]+) degC: ERA5 monthly 2 m temperature "
         r"2000-2025 moved to the site's height above the surrounding terrain and to the "
         r"stations' residuals\) \[era5-hersbach-2020\]$"),
        ("气温：台站估计（年均 {a} °C）与 ERA5 估计（{b} °C：ERA5 2000–2025 年逐月 2 m 气温，按场址高出"
         "周边地形的高度修正，并以台站残差校正）取平均 [era5-hersbach-2020]"),
    ),
    (
        (r"^the weather file's annual mean temperature (?P<t>-?[\d.]+) degC is (?P<d>[\d.]+) K "
         r"(?P<dir>above|below) the tool's estimate for its header position and elevation "
         r"\((?P<la>[\d.]+) N, (?P<lo>[\d.]+) E, (?P<z>-?\d+) m: (?P<e>-?[\d.]+) degC; stations left "
         r"out of the estimate missed by at most (?P<m>[\d.]+) K\): check that the header gives this file's "
         r"station and elevation \(twin weather-check (?P<f>.+)\)$"),
        ("气象文件的年平均气温 {t} °C 比本工具按其文件头位置和海拔（北纬 {la}°、东经 {lo}°、{z} m）的估计值"
         "（{e} °C）{dir} {d} K（留一检验中各站的最大偏差为 {m} K）：请核对文件头是否为该文件台站的位置和海拔"
         "（twin weather-check {f}）"),
    ),
    (
        (r"^the weather file's annual GHI (?P<g>[\d.]+) kWh/m2 lies outside the tool's estimates "
         r"for its header position \((?P<la>[\d.]+) N, (?P<lo>[\d.]+) E, (?P<z>-?\d+) m: "
         r"(?P<lo_g>[\d.]+) kWh/m2 on the cswd basis to (?P<hi_g>[\d.]+) on the tmyx basis\) by more "
         r"than (?P<p>\d+) %: check the file's radiation columns and units \(twin weather-check "
         r"(?P<f>.+)\)$"),
        ("气象文件的年总辐射 {g} kWh/m² 超出本工具按其文件头位置（北纬 {la}°、东经 {lo}°、{z} m）估计范围"
         "（cswd 基准 {lo_g} 至 tmyx 基准 {hi_g} kWh/m²）{p}% 以上：请核对文件的辐射列及单位"
         "（twin weather-check {f}）"),
    ),
    (
        (r"^the ERA5 and station temperature estimates differ by (?P<d>[+-][\d.]+) K in the "
         r"annual mean: the site lies in terrain the stations do not represent and its "
         r"temperature is less certain than elsewhere \(weather/VALIDATION\.md, section 3\)$"),
        ("ERA5 与台站两种气温估计的年均值相差 {d} K：场址所在地形缺少代表性台站，其气温比其他地方更不确定"
         "（weather/VALIDATION.md 第 3 节）"),
    ),
    (
        (r"^diffuse fraction (?P<kd>[\d.]+) \(annual DHI/GHI\): its level from the nearest CSWD "
         r"stations, whose annual split agrees with the CMA station climatology \(TMYx files split "
         r"lower, SWERA higher\), its course over the year from the TMYx/SWERA radiation stations "
         r"\(CSWD's months run low in summer and high in winter\)$"),
        ("散射比 {kd}（全年散射/总辐射）：全年水平取自最近的 CSWD 站，其全年直散分离与中国气象局台站气候值一致"
         "（TMYx 文件偏低，SWERA 偏高）；逐月变化取自用于辐射的 TMYx/SWERA 站（CSWD 各月夏季偏低、冬季偏高）"),
    ),
    (
        (r"^elevation not given: (?P<z>-?\d+) m, the lowest 5-arcmin terrain cell within about "
         r"9 km \(pvlib's grid; towns lie on valley floors\); the terrain there spans (?P<r>\d+) "
         r"m, so the elevation may be off by up to about (?P<e>\d+) m: give the park's "
         r"elevation where it matters$"),
        ("未给出海拔：取约 9 km 范围内最低的 5 角分地形网格值 {z} m（pvlib 地形网格；城镇多位于谷底）；"
         "该范围地形高差 {r} m，海拔可能偏差约 {e} m 以内，海拔重要时请给出园区海拔"),
    ),
    (
        (r"^elevation not given: (?P<z>-?\d+) m, the lowest 5-arcmin terrain cell within about "
         r"9 km \(pvlib's grid; towns lie on valley floors\); the terrain there is flat at the "
         r"grid's 9 km scale, so the elevation may be off by up to about (?P<e>\d+) m: give the "
         r"park's elevation where it matters$"),
        ("未给出海拔：取约 9 km 范围内最低的 5 角分地形网格值 {z} m（pvlib 地形网格；城镇多位于谷底）；"
         "在该网格 9 km 尺度上地形平坦，海拔可能偏差约 {e} m 以内，海拔重要时请给出园区海拔"),
    ),
    (
        (r"^radiation time alignment checked, no shift needed: closure (?P<c>[\d.]+), GHI with "
         r"sun below horizon (?P<n>[\d.]+) %$"),
        ("已检查辐射时间对齐，无需平移：闭合度 {c}，太阳在地平线以下时的总辐射占 {n}%"),
    ),
    (
        (r"^radiation columns shifted (?P<h>\d+) h (?P<dir>later|earlier): closure (?P<c0>[\d.]+)"
         r" -> (?P<c1>[\d.]+), GHI with sun below horizon (?P<n0>[\d.]+) % -> (?P<n1>[\d.]+) %$"),
        ("辐射三列整体{dir} {h} h：闭合度 {c0} → {c1}，太阳在地平线以下时的总辐射占 {n0}% → {n1}%"),
    ),
    (
        (r"^file time zone UTC(?P<tz>[+-][\d.]+) moved to Asia/Shanghai \(UTC\+8\): all columns "
         r"(?P<h>[+-]\d+) h \(circular over the typical year\)$"),
        ("文件时区 UTC{tz} 已换算为北京时间（UTC+8）：所有列平移 {h} h（在典型年内循环）"),
    ),
    (
        (r"^(?P<col>\w+): (?P<n>\d+) missing/out-of-range values filled by linear interpolation$"),
        ("{col}：{n} 个缺失或超出范围的值已线性插补"),
    ),
    (
        (r"^no direct sun in months? (?P<m>[\d, ]+) of the file \(DNI zero, all GHI given as "
         r"diffuse: a gap of the file, not weather; beam under (?P<p>[\d.]+) % of GHI\): DNI and "
         r"DHI there split from GHI by the Erbs et al\. \(1982\) correlation$"),
        ("文件第 {m} 月无直射辐射（DNI 为零，总辐射全部记为散射：属文件缺测而非天气；直射不足总辐射的 {p}%）："
         "这些月份的 DNI 与 DHI 已按 Erbs 等（1982）相关式由总辐射重新分离"),
    ),
    (
        (r"^GHI, DNI and DHI do not close \(closure (?P<c>[\d.]+), tolerance (?P<t>[\d.]+)\): DNI "
         r"recomputed as \(GHI - DHI\)/cos z, closure now (?P<c2>[\d.]+)$"),
        ("GHI、DNI 与 DHI 不闭合（闭合度 {c}，容差 {t}）：DNI 按 (GHI − DHI)/cos z 重算，闭合度现为 {c2}"),
    ),
    (
        (r"^the buildings' envelope and season presets follow the climate zone the scenario gives, "
         r"(?P<z>\S+) \(site\.climate_zone\); the site's weather gives the same$"),
        ("建筑围护结构与季节预设按情景给定的气候区 {z}（site.climate_zone）；场址气象数据得出的气候区相同"),
    ),
    (
        (r"^the buildings' envelope and season presets follow the climate zone the scenario gives, "
         r"(?P<z>\S+) \(site\.climate_zone\); the site's weather gives (?P<w>\S+) \(HDD18 (?P<h>\d+), "
         r"CDD26 (?P<c>\d+)\)$"),
        ("建筑围护结构与季节预设按情景给定的气候区 {z}（site.climate_zone）；场址气象数据得出 {w}"
         "（HDD18 {h}，CDD26 {c}）"),
    ),
    (
        (r"^climate zone (?P<z>\S+) from the estimated temperatures; within their stated "
         r"uncertainty \(±(?P<u>[\d.]+) K\) the site could be (?P<o>.+): check the zone GB "
         r"50176-2016 Appendix A lists for the nearest city, and give it as site\.climate_zone in "
         r"a scenario if it differs \((?P<why>[^()]+)\)$"),
        ("气候区 {z} 由估计气温得出；在其预期不确定度（±{u} K）内场址也可能属于 {o}：请核对 GB 50176-2016 "
         "附录 A 中最近城市的气候区，如不同请在情景中以 site.climate_zone 给定（{why}）"),
    ),
    (
        (r"^China calendar (?P<y>\d{4}): (?P<n>\d+) public holidays and (?P<k>\d+) swapped working "
         r"weekend days \((?P<d>[\d, -]+)\) from the State Council notice$"),
        ("{y} 年中国日历：{n} 天法定节假日及 {k} 个调休上班的周末（{d}），依据国务院办公厅通知"),
    ),
    (
        (r"^China calendar (?P<y>\d{4}): (?P<n>\d+) statutory public holidays; no State Council "
         r"notice for (?P<y2>\d{4}) is encoded, so no weekend days are swapped \(working days may "
         r"be off by 2-6 days\)$"),
        ("{y} 年中国日历：{n} 天法定节假日；尚未录入该年国务院办公厅放假通知，周末未作调休"
         "（工作日可能相差 2–6 天）"),
    ),
    (
        (r"^measured: (?P<f>.+)$"),
        ("实测：<data>{f}</data>"),
    ),
    (
        (r"^temperature (?P<a>\d+) % the station's moved by the lapse rates and (?P<b>\d+) % "
         r"interpolated at the site's elevation \(the two are blended for elevations (?P<lo>\d+)-"
         r"(?P<hi>\d+) m from the station's\): annual mean (?P<t>-?[\d.]+) degC, station moved "
         r"(?P<t1>-?[\d.]+), interpolated (?P<t2>-?[\d.]+)$"),
        ("气温取 {a}% 按直减率修正的站点值与 {b}% 按场址海拔插值的估计（与站点高差 {lo}–{hi} m 时两者加权）："
         "年均 {t} °C，站点修正值 {t1} °C，插值 {t2} °C"),
    ),
    (
        (r"^the nearest TMYx/SWERA radiation station is (?P<d>\d+) km away: radiation sta"
         r"tistics are a rough estimate, and the GHI may be off by more than the uncertainty "
         r"stated below$"),
        ("最近的 TMYx/SWERA 辐射站在 {d} km 外：辐射统计仅为粗略估计，总辐射误差可能超过下列预期不确定度"),
    ),
    (
        (r"^on the plateau the GHI is probably underestimated: the radiation stations there \(SW"
         r"ERA\) read lower against the CSWD stations beside them than elsewhere, and against the"
         r" CMA station climatology this estimate runs about 14 % low on the plateau \(Lhasa, "
         r"Shigatse and Shiquanhe 20-30 %; weather/VALIDATION\.md\): PV yields here are "
         r"conservative$"),
        ("高原上的水平面总辐射很可能偏低：当地辐射站（SWERA）相对邻近 CSWD 站的读数低于其他地区，"
         "与中国气象局台站辐射气候值相比，本估计在高原平均偏低约 14%（拉萨、日喀则、狮泉河偏低 20–30%；"
         "weather/VALIDATION.md）：此处光伏发电量估计偏保守"),
    ),
    (
        (r"^expected annual mean temperature uncertainty about (?P<u>[\d.]+) K \(95 % of "
         r"stations left out of the interpolation were within it\)$"),
        ("年平均气温的预期不确定度约 {u} K（留一法检验中 95% 的站点在此范围内）"),
    ),
    (
        (r"^expected annual GHI uncertainty about (?P<u>\d+) %$"),
        ("年水平面总辐射的预期不确定度约 {u}%"),
    ),
    (
        (r"^radiation basis (?P<b>\w+): .+; published operating yields of Chinese PV plan"
         r"ts lie (?P<lo>[+-]\d+) % to (?P<hi>[+-]\d+) % from the yield modelled on this "
         r"basis with PVWatts' 14 % losses \(weather/VALIDATION\.md\); choose with site\."
         r"radiation_basis, or raise the PV system losses for a conservative yield$"),
        ("辐射基准 {b}（tmyx：TMYx/SWERA 水平，辐射来自 ERA5 再分析；cswd：中国建筑热环境分析专用气象"
         "数据集水平，平均约低 18%，但并非处处如此：高原上两者接近，高低不定）；国内光伏电站公开的运行发电量相对按此基准、PVWatts 14% 损失建模的发电量在 {lo"
         "}% 至 {hi}% 之间（weather/VALIDATION.md）；可用 site.radiation_basis"
         " 选择，或提高光伏系统损失以得到保守的发电量"),
    ),
    (
        (r"^GB 50176-2016: degree days \(HDD18 (?P<h>\d+), CDD26 (?P<c>\d+)\) give (?P<z>"
         r"\S+), the monthly main indicators \(coldest month (?P<t1>-?[\d.]+) °C, warmest"
         r" (?P<t2>-?[\d.]+) °C\) give (?P<m>\S+); the degree days are used \(whole-seaso"
         r"n indicator\); if the local authority assigns the other zone, give it as site\.cl"
         r"imate_zone in a scenario$"),
        ("GB 50176-2016：度日数（HDD18 {h}，CDD26 {c}）判为{z}，月均主要指标（最冷月 {t1} "
         "°C，最热月 {t2} °C）判为{m}；采用度日数（全季指标）；如当地主管部门划入另一气候区，请在情景中以 "
         "site.climate_zone 给定"),
    ),
    (
        (r"^city='(?P<c>[^']+)' \((?P<zh>[^,]+), (?P<p>[^)]+)\) is (?P<d>\d+) km from the given "
         r"lat/lon: the weather is for the lat/lon; check that both name the same place \(the "
         r"province is taken from the city\)$"),
        ("场址名称 {c}（{zh}）距所给经纬度 {d} km：气象按经纬度生成；请核对两者是否为同一地点"
         "（电网因子所用省份取自场址名称）"),
    ),
    (
        (r"^(?P<zh>\S+) \((?P<p>[^;]+); division code (?P<c>\d{6})\) has no bundled station: the "
         r"site is interpolated at the seat of the division \((?P<la>[\d.]+) N, (?P<lo>[\d.]+) E\) "
         r"\[cpca-du-2018\]; give latitude/longitude \(and elevation\) of the park for a better "
         r"estimate$"),
        ("{zh}（行政区划代码 {c}）无内置气象站：按其政府驻地（北纬 {la}°，东经 {lo}°）插值 "
         "[cpca-du-2018]；给出园区经纬度（及海拔）可提高精度"),
    ),
    (
        (r"^(?P<en>.+) \((?P<zh>[^,]+), (?P<p>[^)]+)\) has no bundled station: the site i"
         r"s interpolated at the city centre \((?P<la>[\d.]+) N, (?P<lo>[\d.]+) E\); give"
         r" latitude/longitude \(and elevation\) of the park for a better estimate$"),
        ("{zh}无内置气象站：按城市中心（北纬 {la}°，东经 {lo}°）插值；给出园区经纬度（及海拔）可提高精度"),
    ),
    (
        (r"^temperature moved (?P<dt>[+-][\d.]+) K \(annual mean\) for the site elevation"
         r" (?P<z>-?\d+) m \(station (?P<zs>-?\d+) m, lapse rates of the (?P<r>[\w -]+) r"
         r"egion fitted by month, (?P<a>-?[\d.]+) to (?P<b>-?[\d.]+) K/km\)$"),
        ("气温按场址海拔 {z} m 修正 {dt} K（年均；站点 {zs} m，{r}区逐月拟合的直减率 {a} 至 {b} "
         "K/km）"),
    ),
    (
        (r"^the given elevation (?P<z>-?\d+) m is (?P<dz>\d+) m (?P<ab>above|below) the (?P<n>.+)"
         r" station \((?P<zs>-?\d+) m\): the site is interpolated at that elevation, the stati"
         r"on among its neighbours \(more than (?P<t>\d+) m\)$"),
        ("给定海拔 {z} m 比 <data>{n}</data> 站（{zs} m）{ab} {dz} m：按该海拔插值场址，该站为邻近站之一"
         "（高差超过 {t} m）"),
    ),
    (
        (r"^site \((?P<la>[\d.]+), (?P<lo>[\d.]+)\) is (?P<d>\d+) km from the (?P<n>.+) s"
         r"tation: the station's statistics are used$"),
        ("场址（{la}，{lo}）距 <data>{n}</data> 站 {d} km：采用该站统计值"),
    ),
    (
        (r"^(?P<c>'[^']+'|\"[^\"]+\") was taken as the one in (?P<p>[^;]+); it also names "
         r"(?P<o>.+): write the Chinese name for one of those$"),
        ("<data>{c}</data> 按 {p} 的同名地点处理；该拼音也指 {o}：如指其一，请写其中文名"),
    ),
    (
        (r"^(?P<c>'[^']+'|\"[^\"]+\") was taken as the one in (?P<p>[^;]+); it also names "
         r"(?P<o>.+): write its province or city before the name for one of those$"),
        ("<data>{c}</data> 按 {p} 的同名地点处理；该名称也指 {o}：如指其一，请在名称前写省或市"),
    ),
    (
        (r"^city=(?P<c>.+) is (?P<d>\d+) km from the given lat/lon: the site is interpola"
         r"ted from lat/lon \(more than (?P<m>\d+) km\)$"),
        ("city=<data>{c}</data> 距所给经纬度 {d} km（超过 {m} km）：按经纬度插值"),
    ),
    (
        (r"^not used with site\.weather_file \(they shape synthetic years; the file's own values "
         r"stand\): (?P<f>.+)$"),
        ("使用 site.weather_file 时不采用（这些参数只影响合成典型年，以文件自身数值为准）：{f}"),
    ),
])

TEXT.update({
    "controller_rule": ("规则控制", "rule-based"),
    "controller_mpc": ("滚动优化（MPC）", "rolling horizon (MPC)"),
    "controller_optimum": ("最优（完美预测）", "optimum (perfect foresight)"),
})

# the operational twin's notes (twin.operate.stage)
PHRASES.update({
    "optimum = the plan's perfect-foresight dispatch (whole horizon known); controllers see the past and forecasts "
    "with seeded AR(1) errors only":
        "最优 = 规划方案的完美预见调度（已知整个时段）；控制器只知道过去和带随机种子 AR(1) 误差的预测",
    "costs keep the plan's capital, O&M, green power and certificates; offsets needed bring the operated residual "
    "emissions to the plan's net emissions":
        "成本沿用规划方案的投资、运维、绿电和绿证；所需抵消量使运行后的剩余排放降到规划方案的净排放",
    "stores start where the plan's cyclic year ends; the last window of the year values nothing left in them":
        "储能从规划方案循环年的终点状态开始；全年最后一个窗口不计剩余储能的价值",
})

TEXT.update({
    "pw_period_start": ("阶段初的园区（在役资产，不新建）", "The period's park before new builds (assets in service)"),
})

# the two accounting bases (twin.assess.national, twin.ledger.settings)
_WORDS_ZH.update({"acceptance": "验收口径", "location": "基于位置口径"})
_WORDS_ZH.update({
    "credits green power and certificates at that factor (market-based: accounting.green_credits_in_core_indicator)":
        "按该因子抵扣绿电绿证（基于市场口径：accounting.green_credits_in_core_indicator）",
    "credits no green power or certificates (location-based)": "不抵扣绿电绿证（基于位置口径）",
})
PHRASES.update({
    "grid.emission_factor of the scenario": "情景的 grid.emission_factor",
    "location basis: hourly ef_grid_kgco2_per_kwh of the dispatch": "基于位置口径：调度的逐时 ef_grid_kgco2_per_kwh",
    "location-based emissions; the core indicator uses core_indicator_basis":
        "基于位置的排放；核心指标按 core_indicator_basis 所选口径",
    "acceptance": "验收口径",
    "location": "基于位置口径",
    "annex 4 as reported values grid power at the fossil factor [sec-910-acceptance-factor]":
        "据二手来源，附件4按化石能源电力因子计算购电排放 [sec-910-acceptance-factor]",
    "treatment of green certificates (绿证) on the acceptance basis is not public": "验收口径下绿证如何计入尚未公开",
    "computed (ledger)": "计算（台账）",
})
PATTERNS[:0] = [
    (r"^(?P<x>.+); threshold \[(?P<k>[\w-]+)\]$", "{x}；阈值 [{k}]"),
]
PATTERNS.extend([
    (r"^national fossil-power factor (?P<y>\d{4}), (?P<v>[\d.]+) kgCO2/kWh \[(?P<k>[\w-]+)\]$",
     "全国化石能源电力因子 {y}年 {v} kgCO2/kWh [{k}]"),
    (r"^(?P<v>[\d.]+) kgCO2/kWh \(import-weighted grid\.emission_factor\)$",
     "{v} kgCO2/kWh（按购电量加权的 grid.emission_factor）"),
    (r"^当量值 \(calorific\) (?P<v>[\d.]+) kgce/kWh \[(?P<k>[\w-]+)\]$", "当量值 {v} kgce/kWh [{k}]"),
    (r"^等价值 \(equivalent\) (?P<v>[\d.]+) kgce/kWh \[(?P<k>[\w-]+)\]$", "等价值 {v} kgce/kWh [{k}]"),
    (r"^(?P<a>[\d.]+) \((?P<ya>\d{4})\) as reported, or the latest fossil factor (?P<b>[\d.]+) \((?P<yb>\d{4})\): "
     r"not settled$", "二手来源报道为 {a}（{ya}年），也可能采用最新的化石能源电力因子 {b}（{yb}年）：尚无定论"),
    (r"^The acceptance basis \(910号 annex 4 as two secondary sources report it\) counts purchased grid electricity "
     r"at the national fossil-power factor (?P<y>\d{4}), (?P<f>[\d.]+) kgCO2/kWh \[(?P<k>[\w-]+)\] and green power "
     r"at zero \((?P<cert>certificates earn nothing|certificates are credited at that factor)\), while the location "
     r"basis counts it at the park's grid average of (?P<g>[\d.]+) kgCO2/kWh and (?P<cr>credits green power and "
     r"certificates at that factor \(market-based: accounting\.green_credits_in_core_indicator\)|credits no green "
     r"power or certificates \(location-based\)); both divide by the same energy use, with electricity at its "
     r"(?P<t>当量值|等价值) \((?P<tt>calorific|equivalent)\) (?P<e>[\d.]+) kgce/kWh\.$",
     "验收口径（据两份二手来源对910号附件4的解读）按全国化石能源电力因子（{y}年 {f} kgCO2/kWh [{k}]）计算购入电力，绿电计零"
     "（{cert}），基于位置口径则按园区电网平均因子 {g} kgCO2/kWh 计算并{cr}；两者除以同一综合能耗，电力按{t} {e} kgce/kWh 折标。"),
])
_WORDS_ZH.update({"certificates earn nothing": "绿证不抵扣", "certificates are credited at that factor": "绿证按该因子抵扣"})

# targets (twin.targets) and the solver's fallback note
PHRASES.update({
    "stated by the planner": "规划方给定",
})
_WORDS_ZH.update({"infeasible": "不可行", "infeasible_or_unbounded": "不可行或无界"})  # HiGHS statuses
PATTERNS.extend([
    (r"^HiPO reported the model (?P<st>infeasible|infeasible_or_unbounded); re-solved with IPX \(with "
     r"crossover\) to confirm, which the later re-solves of this model use$",
     "HiPO 判定模型{st}；已用 IPX（含 crossover）复核求解，该模型之后的求解均用 IPX"),
    (r"^the interior-point solver reported the model (?P<st>infeasible|infeasible_or_unbounded); re-solved with the "
     r"simplex method to confirm, which the later re-solves of this model use$",
     "内点法判定模型{st}；已用单纯形法复核求解，该模型之后的求解均用单纯形法"),
    (r"^HiPO ended with status '(?P<s>[^']*)'; re-solved with IPX \(with crossover\), which the later re-solves of "
     r"this model use$", "HiPO 以状态 '{s}' 结束；已改用 IPX（含 crossover）求解，该模型之后的求解均用 IPX"),
    (r"^sizing on the (?P<k>\d+) representative days: (?P<rest>.+)$", "按 {k} 个典型日定容时：{rest}"),
])
PATTERNS.extend([
    (r"^910号 core indicator ≤ (?P<v>[\d.]+) tCO2/tce \((?P<b>acceptance|location) basis\)$",
     "910号核心指标 ≤ {v} tCO2/tce（{b}）"),
    (r"^910号 clean-energy share ≥ (?P<v>[\d.]+)%$", "910号清洁能源消费占比 ≥ {v}%"),
    (r"^T/CSUS 66-2023 7\.2\.1 renewable share ≥ (?P<v>[\d.]+)%$", "T/CSUS 66-2023 7.2.1 可再生能源利用率 ≥ {v}%"),
    (r"^residual emissions ≤ (?P<v>[\d,.]+) tCO2/yr$", "剩余排放 ≤ {v} tCO2/年"),
    (r"^CNY/yr per (?P<u>.+)$", "元/年 每 {u}"),
    (r"^(?P<c>[\d,.]+) CNY/yr per (?P<d>[\d.]+) tCO2/tce tighter$", "每收紧 {d} tCO2/tce 增加 {c} 元/年"),
    (r"^(?P<c>[\d,.]+) CNY/yr per percentage point more$", "每提高一个百分点增加 {c} 元/年"),
    (r"^(?P<c>[\d,.]+) CNY/yr per tCO2/yr less$", "每减少 1 tCO2/年 增加 {c} 元/年"),
    (r"^acceptance basis \[(?P<k>[\w-]+)\]$", "验收口径 [{k}]"),
    (r"^\[(?P<k>[\w-]+)\] item 7\.2\.1 \(threshold stated by the planner\)$", "[{k}] 第7.2.1条（阈值由规划方给定）"),
])
_WORDS_ZH.update({"acceptance": "验收口径", "location": "基于位置口径"})


PHRASES.update({  # built-in process-load shapes (twin.components.process.SHAPES)
    "Electronics/semiconductor/PCB, 24/7 three shifts, cleanroom HVAC hump in summer (synthetic; "
    "load factor 0.75-0.90 [twin-assumption])":
        "电子/半导体/PCB，全年无休三班倒，夏季洁净室空调负荷抬升（合成曲线；负荷率 0.75–0.90 [twin-assumption]）",
    "Machinery/metalworking, two shifts 08-20, Saturday ~60 %, night base 20-35 % (synthetic; load "
    "factor 0.35-0.55 [twin-assumption])":
        "机械/金属加工，两班 08–20 时，周六约 60%，夜间基荷 20–35%（合成曲线；负荷率 0.35–0.55 [twin-assumption]）",
    "Food & beverage, two shifts with a refrigeration base (synthetic; load factor 0.50-0.70 "
    "[twin-assumption])":
        "食品饮料，两班并有制冷基荷（合成曲线；负荷率 0.50–0.70 [twin-assumption]）",
    "Continuous chemicals, 24/7 flat (synthetic; load factor 0.80-0.95 [twin-assumption])":
        "连续化工，全年无休平稳运行（合成曲线；负荷率 0.80–0.95 [twin-assumption]）",
    "Logistics handling (sorting, conveyors, forklifts charging), loading 06-10 and 16-22 (synthetic; "
    "cold-store refrigeration is modelled by the buildings component)":
        "物流作业（分拣、输送、叉车充电），装卸时段 06–10 时和 16–22 时（合成曲线；冷库制冷由建筑模块计算）",
    "Office plug loads and IT outside the building model, weekdays 08-18, weekend 30-40 % (synthetic; "
    "load factor 0.30-0.45 [twin-assumption])":
        "建筑模型之外的办公插座与 IT 负荷，工作日 08–18 时，周末 30–40%（合成曲线；负荷率 0.30–0.45 [twin-assumption]）",
})

# the operational gap where a controller served less than the plan (twin.operate.stage)
_WORDS_ZH.update({"rule-based": "规则控制", "rolling-horizon (MPC)": "滚动优化（MPC）"})
PATTERNS.extend([
    (r"^energy an operated year does not serve \(electricity, heat, cooling, EV charging short at departure\) costs "
     r"the value of lost load, (?P<v>[\d.,e+]+) CNY/kWh \(ASSUMED: no official Chinese value of lost load for parks; "
     r"operation\.value_of_lost_load_cny_per_kwh\)$",
     "运行年未能供应的能量（电、热、冷，以及离站时电动汽车未充足的电量）按失负荷价值 {v} 元/kWh 计入成本"
     "（假设值：国内没有园区失负荷价值的官方数值；operation.value_of_lost_load_cny_per_kwh）"),
    (r"^energy an operated year does not serve \(electricity, heat, cooling, EV charging short at departure\) costs "
     r"the value of lost load, (?P<v>[\d.,e+]+) CNY/kWh \(the scenario's value; its source: "
     r"operation\.value_of_lost_load_source\)$",
     "运行年未能供应的能量（电、热、冷，以及离站时电动汽车未充足的电量）按失负荷价值 {v} 元/kWh 计入成本"
     "（情景给定值，出处见 operation.value_of_lost_load_source）"),
    (r"^(?P<n>\d+) fault\(s\) in a horizon of (?P<h>[\d,]+) h: the operated figures are scaled to a year by "
     r"8760/(?P<h2>[\d,]+), so each fault counts (?P<k>[\d,.]+) times a year; run the full year \(no --hours\) to "
     r"count each fault once$",
     "运行时段 {h} 小时内有 {n} 个故障：运行指标按 8760/{h2} 折算为全年，每个故障在全年中计 {k} 次；如需每个故障只计一次，"
     "请按全年运行（不用 --hours）"),
    (r"^the (?P<c>rule-based|rolling-horizon \(MPC\)) controller served less than the plan \(unserved electricity "
     r"(?P<e>[\d,.]+) MWh/yr, heat (?P<h>[\d,.]+) MWh/yr, cooling (?P<k>[\d,.]+) MWh/yr; EV charging (?P<v>[\d,.]+) "
     r"MWh/yr short, (?P<b>[\d,]+) of (?P<n>[\d,]+) promises broken\): its gap is not like for like; the cost prices "
     r"the unserved energy at the value of lost load, the emissions count only what was served$",
     "{c}的供能少于规划方案（未供电量 {e} MWh/年，未供热量 {h} MWh/年，未供冷量 {k} MWh/年；电动汽车离站欠充 {v} MWh/年，"
     "{n} 次充电承诺中 {b} 次未兑现）：其运行差距并非同口径比较；成本按失负荷价值计入未供能量，排放只计实际供给的部分"),
])

# --------------------------------------------------------------------------- pathway: retirement inside a period
TEXT.update({
    "pw_retired_span": ("本阶段到寿退役（建设年–退役年）", "Retiring in the period (built – retires)"),
    "pw_retired_rule": ("寿命在阶段内结束的资产不计入该阶段的现有容量：阶段方案须在其代表的每一年都成立，因此由该阶段替换；"
                        "其投资年金与运维只计到退役当年之前。若要用到退役，请把退役年加入 pathway.periods。",
                        "An asset whose life ends inside a period is not counted as existing capacity of that period: "
                        "the period's plan must hold in every year it stands for, so the period replaces it; its "
                        "annuity and O&M are charged only until it retires. To use it until then, add its retirement "
                        "year to pathway.periods."),
})

PHRASES.update({
    "an asset whose life ends inside a period is not counted as existing capacity of that period "
    "(the period's plan must hold in every year it stands for, so the period replaces it; add the "
    "retirement year to pathway.periods to use the asset until then); its annuity and fixed O&M "
    "are charged until the year it retires":
        "寿命在阶段内结束的资产不计入该阶段的现有容量（阶段方案须在其代表的每一年都成立，因此由该阶段替换；"
        "若要用到退役，请把退役年加入 pathway.periods）；其投资年金与固定运维计到退役当年之前",
})


# --------------------------------------------------------------------------- requirements out of reach (twin.targets)
TEXT.update({
    "pw_out_of_reach": ("未能达到的目标", "Targets out of reach"),
    "pw_out_of_reach_note": ("这些阶段按可达到的最好值规划（该值下的最低成本方案），并给出与目标的差距；其余结果均为该方案的结果。",
                             "These periods are planned for the best value they can reach (the least-cost plan at "
                             "that value), with the gap to the target; every other figure is that plan's."),
    "pw_incomplete": ("路径未完成", "Pathway incomplete"),
    "pw_incomplete_note": ("路径在 {year} 年阶段中止：该阶段无法求解（工具给出的原因如下）。此前各阶段的结果照常给出；路径总成本现值未计算。",
                           "The pathway stops at the period {year}: it could not be solved (the tool's reason "
                           "below). The periods before it are shown as solved; the present value of the pathway's "
                           "cost is not computed."),
    "pw_npv_incomplete": ("路径未完成，未计算", "not computed: the pathway is incomplete"),
    "out_of_reach": ("未能达到的目标", "Targets out of reach"),
    "out_of_reach_note": ("方案按可达到的最好值规划（该值下的最低成本方案），并给出与目标的差距；其余结果均为该方案的结果。",
                          "The plan is made for the best value the park can reach (the least-cost plan at that "
                          "value), with the gap to the target; every other figure is that plan's."),
})
PHRASES.update({
    "the full year": "全年",
})
PATTERNS.extend([
    (r"^(?P<k>\d+) representative days$", "{k} 个代表日"),
    (r"^the first (?P<h>\d+) h$", "前 {h} 小时"),
    (r"^net emissions ≤ (?P<v>[\d,.]+) tCO2/yr$", "净排放 ≤ {v} tCO2/年"),
    (r"^(?P<x>.+) is out of reach on (?P<why>.+?): at best (?P<v>[\d,.]+ tCO2/(?:tce|yr)), (?P<g>[\d,.e+-]+) above the "
     r"(?:target|cap) \(short by (?P<s>[\d,.e+-]+) (?P<u>tCO2/yr|tce/yr)\); the plan is the least-cost one at that "
     r"value$",
     "{x}：按{why}计算无法达到，最好为 {v}，超出 {g}（缺口 {s} {u}）；方案为达到该值的最低成本方案"),
    (r"^(?P<x>.+) is out of reach on (?P<why>\d+ representative days) \(at best (?P<b>[\d,.]+(?: tCO2/(?:tce|yr)|%)) "
     r"there\): the plan reaches (?P<v>[\d,.]+ tCO2/(?:tce|yr)) over the full year, (?P<g>[\d,.e+-]+) "
     r"(?:above the target|above the cap) \(short by (?P<s>[\d,.e+-]+) "
     r"(?P<u>tCO2/yr|tce/yr)\); it is the least-cost plan held to the days' best value$",
     "{x}：按{why}计算无法达到（代表日上最好为 {b}）；方案全年达到 {v}，超出 {g}（缺口 {s} {u}）；"
     "方案为按代表日最好值约束的最低成本方案"),
    (r"^(?P<x>.+) is out of reach on (?P<why>\d+ representative days) \(at best (?P<b>[\d,.]+%) there\): the plan "
     r"reaches (?P<v>[\d,.]+%) over the full year, (?P<g>[\d,.e+-]+) percentage points short \(short by "
     r"(?P<s>[\d,.e+-]+) (?P<u>tCO2/yr|tce/yr)\); it is the least-cost plan held to the days' best value$",
     "{x}：按{why}计算无法达到（代表日上最好为 {b}）；方案全年达到 {v}，差 {g} 个百分点（缺口 {s} {u}）；"
     "方案为按代表日最好值约束的最低成本方案"),
    (r"^(?P<x>.+) is out of reach on (?P<why>.+?): at best (?P<v>[\d,.]+%), (?P<g>[\d,.e+-]+) percentage points short "
     r"\(short by (?P<s>[\d,.e+-]+) (?P<u>tCO2/yr|tce/yr)\); the plan is the least-cost one at that value$",
     "{x}：按{why}计算无法达到，最好为 {v}，差 {g} 个百分点（缺口 {s} {u}）；方案为达到该值的最低成本方案"),
])


# --------------------------------------------------------------------------- representative days re-sized on the full year
TEXT.update({
    "solver_resized": ("全年重新优化时新增（典型日规模全年不足）", "added on the full year (the days' sizes fell short)"),
})
PHRASES.update({
    "sizes from linked representative days (Kotzur et al. 2018)": "规模由相互关联的典型日确定（Kotzur 等，2018）",
    "dispatch re-solved over the full year with those sizes fixed": "再按该规模固定求解全年调度",
    "the full year could not be met with those sizes, so it was sized again with them as minimum sizes (resized)":
        "该规模在全年无法满足要求，因此以其为最小规模按全年重新优化（已重新优化）",
    "sizes were fixed from representative days, so this prices operation and purchases only (run without "
    "--representative-days for the full marginal cost)":
        "规模由典型日确定后固定，此值只反映运行与购买的边际成本（完整边际成本请不使用 --representative-days 运行）",
})

PATTERNS.extend([  # weather notes of the weather audit's fixes (weather.site, weather.io)
    (
        (r"^the site lies (?P<d>[\d.]+) km from the bundled (?P<ds>\w+) station (?P<n>.+?) (?P<zh>\S+) "
         r"\((?P<z>-?\d+) m\): this year is interpolated between stations \(annual GHI (?P<g1>\d+) kWh/m2, "
         r"mean (?P<t1>-?[\d.]+) degC\), which weighs that station with its neighbours rather than taking its "
         r"own year; the station's own statistics give GHI (?P<g0>\d+) kWh/m2 and (?P<t0>-?[\d.]+) degC: "
         r"name it as the city \(--city (?P<c>.+), site\.city in a scenario\) to use them$"),
        ("场址距内置 {ds} 气象站 <data>{n}</data>（{zh}，{z} m）{d} km：本年为多站插值（年水平面总辐射 {g1} "
         "kWh/m²，年均气温 {t1} °C），插值将该站与其邻站加权，而非取该站自身的年份；该站自身统计值为总辐射 "
         "{g0} kWh/m²、气温 {t0} °C：如需采用，请以该站为城市（--city {c}，情景中为 site.city）"),
    ),
])
PATTERNS.extend([
    (
        (r"^the file's header gives climate zone (?P<z0>\S+), the climate of the site it was written for \(the "
         r"mean of (?P<n>\d+) synthetic years\); this one year's degree days \(HDD18 (?P<h>\d+), CDD26 "
         r"(?P<c>\d+)\) give (?P<z1>\S+), which the buildings' presets follow: give site\.climate_zone: "
         r"(?P<z2>\S+) to use the climate's$"),
        ("文件表头给出的气候区为 {z0}，即其所写场址的气候（{n} 个合成年的平均）；本年自身的度日数（HDD18 {h}，"
         "CDD26 {c}）判为 {z1}，建筑预设按此取值：如需采用气候的分区，请设 site.climate_zone: {z2}"),
    ),
])
PATTERNS.extend([
    (
        (r"^the radiation shift of (?P<e>\d+) h is the edge of the (?P<a>[-+]\d+)\.\.(?P<b>[-+]\d+) h search: "
         r"(?P<f>\d+) h (?P<w>later|earlier) fits about as well \(score (?P<s1>[\d.]+) against (?P<s0>[\d.]+)\), "
         r"so the radiation may still be an hour off: check the file's hours and time zone$"),
        ("辐射时移 {e} h 已到 {a}..{b} h 检测范围的边缘：{w}{f} h 的吻合程度相近（评分 {s1}，对比 {s0}），"
         "辐射可能仍偏差一小时：请核对文件的小时列和时区"),
    ),
])
PATTERNS.extend([
    (
        (r"^(?P<c>'[^']+'|\"[^\"]+\") was taken as the one in (?P<p>[^;]+); it also names a place in "
         r"(?P<r>Taiwan|Hong Kong|Macau), which this tool does not cover \(mainland China only\)$"),
        ("<data>{c}</data> 按 {p} 的同名地点处理；该名称也指{r}的地点，本工具不覆盖该地区（仅限中国大陆）"),
    ),
])
_WORDS_ZH.update({"Taiwan": "台湾", "Hong Kong": "香港", "Macau": "澳门"})

# real-time correction (twin.operate)
PHRASES.update({
    ("real-time layer: where an hour's actual import would exceed the month's peak threshold once "
     "flexible charging is held, the batteries discharge beyond the controller's set-point to hold it, "
     "within their power (rule-based: down to the minimum state of charge; rolling horizon: above the "
     "reserve its window plans for later peak shaving); operation.real_time_peak_hold"):
        ("实时层：在灵活充电已被限制后，若某小时的实际购电功率仍将超过当月需量阈值，电池在控制器设定值之外"
         "加大放电以守住阈值，受其功率限制（规则控制：放至最低荷电状态为止；滚动优化：保留其窗口为后续削峰"
         "计划的储备电量）；operation.real_time_peak_hold"),
    ("no real-time discharge for the month's peak (operation.real_time_peak_hold: false): only charging is "
     "held to the threshold"):
        "不做针对当月需量的实时放电（operation.real_time_peak_hold: false）：仅将充电限制在阈值以内",
})

# --------------------------------------------------------------------------- audit of unusual runs
PHRASES.update({
    "CNY/yr per 1.0 of share": "元/年 每单位占比（1.0 即 100 个百分点）",
})
PATTERNS.extend([
    (r"^(?P<c>[\d,.]+) CNY/yr per tCO2 less$", "每减少 1 tCO2 增加 {c} 元/年"),
])
TEXT.update({
    "pareto_front_days": ("前沿（按典型日定容）", "front (sized on the representative days)"),
    "pareto_headline_full_year": ("本方案（全年调度）", "headline plan over the full year"),
    "pareto_days_note": (
        "前沿各点均按 {k} 个典型日定容，其成本与排放为典型日折算的全年值。本方案即前沿的最低成本端，随后按全年逐时调度："
        "全年为 {c} 元/年、剩余排放 {e} tCO2/年（在典型日上为 {c0} 元/年、{e0} tCO2/年，星号为全年值）；"
        "核心结果、台账与评分均为全年值。",
        "Every point of the front is sized on {k} representative days: its cost and emissions are the days' "
        "values scaled to a year. The headline plan, the front's minimum-cost end, was then dispatched over the "
        "full year: {c} CNY/yr and {e} tCO2/yr residual there ({c0} CNY/yr and {e0} tCO2/yr on the days; the "
        "star marks the full year); the headline figures, the ledger and the scores are the full year's."),
})
PHRASES.update({
    "every Pareto point is sized on the representative days, and the headline plan (the minimum-cost end) is "
    "dispatched over the full year": "前沿各点均按典型日定容，本方案（最低成本端）按全年调度",
})
PATTERNS.extend([
    (r"^whole-park estimate needs declared chapters (?P<c>\d+(?:, \d+)*); chapter 7 and 12 shown alone$",
     "全园区总分需要申报第 {c} 章的得分；此处仅给出第7章和第12章"),
])
PATTERNS.extend([
    (r"^(?P<rest>.*); declared (?P<d>[\d.]+)%, but the plan builds (?P<n>[\d,.]+) of (?P<m>[\d,]+) chargers "
     r"bidirectional \((?P<s>[\d.]+)%\)$",
     "<data>{rest}</data>；申报 {d}%，但规划只建设 {n}/{m} 台双向充电桩（{s}%），按规划计"),
])
PATTERNS.extend([
    (r"^HiPO reported the model (?P<st>infeasible|infeasible_or_unbounded); IPX, asked to confirm, ended undecided "
     r"\((?P<t>[^)]*)\)$", "HiPO 判定模型{st}；用 IPX 复核时未得出结论（{t}）"),
    (r"^the interior-point solver reported the model (?P<st>infeasible|infeasible_or_unbounded); the simplex method, "
     r"asked to confirm, ended undecided \((?P<t>[^)]*)\), so the verdict stands$",
     "内点法判定模型{st}；用单纯形法复核时未得出结论（{t}），维持该判定"),
])

# EV charging in operation
PHRASES.update({
    ("EV charging in operation: the rule-based controller plans each connected vehicle's remaining need on its "
     "session (cheapest hours below the month's peak threshold first, least laxity first, promises kept; "
     "operation.rule_ev_charging); the rolling horizon's window charges early among hours of one price and takes "
     "the charging that short sessions force as a lower bound"):
        ("运行中的电动汽车充电：规则控制按每辆已接入车辆的充电会话安排其尚需电量（优先安排在当月需量阈值以下"
         "电价最低的时段，松弛时间最少的车辆优先，兑现承诺；operation.rule_ev_charging）；滚动优化窗口在同价时段"
         "中尽早充电，并以短会话必须的充电量作为下限"),
    ("EV charging in operation: the rule-based controller charges what the promises need by departure, and "
     "everything in valley hours or with PV surplus (operation.rule_ev_charging: deadline); the rolling "
     "horizon's window charges early among hours of one price and takes the charging that short sessions force "
     "as a lower bound"):
        ("运行中的电动汽车充电：规则控制在离站前充足承诺所需电量，谷段或光伏富余时尽量充电"
         "（operation.rule_ev_charging: deadline）；滚动优化窗口在同价时段中尽早充电，并以短会话必须的充电量"
         "作为下限"),
})


# ----------------------------------------------------------------------------- audit 3 (zh additions)
# the 910号 section under every accounting switch: the certificate rule, the planner's acceptance factor,
# the 等价值 basis; the offset cap's origin; bibliography entries without a URL
PHRASES.update({
    "not_credited": "不抵扣（绿证覆盖电量仍按化石能源电力因子计）",
    "zero": "计零（绿证视同合规绿电）",
    "excl_market_nonfossil": "按不含市场化交易非化石能源电量的全国因子计",
    "no cap in 910号 and none applied here; the CCER rule of the carbon market would allow 5 % [mee-ets-2021]":
        "910号未设上限，本次也未设上限；全国碳市场CCER规则为不超过5% [mee-ets-2021]",
    "no cap in 910号; CCER 5 % analogue [mee-ets-2021]": "910号未设上限；类比CCER 5% [mee-ets-2021]",
    "no cap in 910号; the planner's cap (carbon.max_offset_share of the scenario), not the CCER 5 % analogue "
    "[mee-ets-2021]": "910号未设上限；此为规划方设定的上限（情景 carbon.max_offset_share），不是类比CCER的5% [mee-ets-2021]",
})
_WORDS_ZH.update({
    "certificates count as green power (zero)": "绿证视同绿电计零",
    "certificate-covered power counts at the national factor excluding market-traded non-fossil power":
        "绿证覆盖电量按不含市场化交易非化石能源电量的全国因子计",
})
PATTERNS.extend([
    (r"^当量值 \(calorific\) (?P<v>[\d.]+) kgce/kWh$", "当量值 {v} kgce/kWh"),
    (r"^等价值 \(primary-energy equivalent\) (?P<v>[\d.]+) kgce/kWh \(planner's value\)$",
     "等价值 {v} kgce/kWh（规划方取值）"),
    (r"^等价值 \(primary-energy equivalent\) (?P<v>[\d.]+) kgce/kWh \(planner's value\) \[(?P<k>[\w-]+)\]$",
     "等价值 {v} kgce/kWh（规划方取值）[{k}]"),
    (r"^planner's value (?P<v>[\d.]+) kgCO2/kWh$", "规划方取值 {v} kgCO2/kWh"),
    (r"^The acceptance basis \(910号 annex 4 as two secondary sources report it\) counts purchased grid electricity "
     r"at the (?P<fac>.+?) and green power at zero \((?P<cert>certificates earn nothing|certificates count as green "
     r"power \(zero\)|certificate-covered power counts at the national factor excluding market-traded non-fossil "
     r"power)\), while the location basis counts it at the park's grid average of (?P<g>[\d.]+) kgCO2/kWh and "
     r"(?P<cr>credits green power and certificates at that factor \(market-based: "
     r"accounting\.green_credits_in_core_indicator\)|credits no green power or certificates \(location-based\)); both "
     r"divide by the same energy use, with electricity at its (?P<tb>.+)\.$",
     "验收口径（据两份二手来源对910号附件4的解读）按{fac}计算购入电力，绿电计零（{cert}），基于位置口径则按园区电网平均因子 "
     "{g} kgCO2/kWh 计算并{cr}；两者除以同一综合能耗，电力按{tb}折标。"),
])
PATTERNS[:0] = [
    (r"^computed \(ledger\): green certificates of (?P<m>[\d,.]+) MWh count as ordinary grid electricity here "
     r"\(accounting\.certificates_in_clean_share\); threshold \[(?P<k>[\w-]+)\]$",
     "计算（台账）：此处 {m} MWh 绿证按普通电网电力计（accounting.certificates_in_clean_share）；阈值 [{k}]"),
    (r"^computed \(ledger\): green certificates of (?P<m>[\d,.]+) MWh count as clean here, while the acceptance "
     r"basis of the core indicator (?P<w>counts them at zero|does not) \(accounting\.acceptance_green_certificates\); "
     r"threshold \[(?P<k>[\w-]+)\]$",
     "计算（台账）：此处 {m} MWh 绿证计为清洁能源，而核心指标的验收口径{w}（accounting.acceptance_green_certificates）；"
     "阈值 [{k}]"),
]
_WORDS_ZH.update({"counts them at zero": "将其计零", "does not": "不抵扣绿证"})
# grid emission factor: the planner's own, and the level taken where the scenario names none
PHRASES.update({
    "user constant factor": "规划方给定的常数因子",
    "grid.emission_factor.level not given: the factor of the site's province":
        "未给出 grid.emission_factor.level：取园区所在省份的因子",
    "grid.emission_factor.level not given: the factor of the province's grid region, the tables publishing none for "
    "the province": "未给出 grid.emission_factor.level：该省无公布值，取所在区域电网的因子",
    "grid.emission_factor.level not given and the site's province unknown: the national factor (give site.province)":
        "未给出 grid.emission_factor.level 且园区所在省份未知：取全国因子（请给出 site.province）",
})
PATTERNS.append((r"^user hourly series (?P<f>.+)$", "规划方给定的逐时序列 {f}"))
PHRASES["GB/T 32150—2025 default for heat without a measured factor [gbt-32150-2025]; 910号 annex 4 gives none"] = \
    "GB/T 32150—2025 对无实测值热力的缺省值 [gbt-32150-2025]；910号附件4未给出"
PHRASES["waste-heat exchangers are sized at no cost (costs.waste_heat_exchanger not given): their investment is not "
        "in the capex and cost totals"] = "余热换热器按零成本配置（未给出 costs.waste_heat_exchanger）：其投资未计入初始投资与成本合计"
# EV charger queue, sizing bounds and the rolling horizon's window on the sessions (all zh of this change)
PHRASES.update({
    "EV fleets: the rolling horizon plans on the fleet's aggregate envelope (an outer approximation; "
    "operation.mpc_ev_window: aggregate); the plant charges each vehicle by its session and keeps promises first, "
    "which can raise imports and peaks where the aggregate plan cannot be split among the vehicles":
        "电动汽车车队：滚动优化按车队的聚合包络（外近似；operation.mpc_ev_window: aggregate）安排；实际按每辆车的"
        "充电会话充电并优先兑现承诺，聚合计划无法分配到各车时可能增加购电和峰值",
    "rolling horizon: among hours of one price the window discharges the batteries as late as it can (1e-4 "
    "CNY/kWh more per hour before the window's end), so that energy is left for the last hours of a peak-price "
    "block when the load comes in above its forecast":
        "滚动优化：同价时段中窗口尽量推迟电池放电（距窗口末每提前一小时每 kWh 多计 1e-4 元），"
        "使负荷高于预测时峰价时段的最后几小时仍有电量可用",
    "EV fleets in the rolling horizon's window: each fleet's envelope is rebuilt every hour from its vehicles' "
    "sessions (the energy each connected vehicle still needs by its departure, the vehicles the charger queue "
    "plugs in later), so energy one vehicle received ahead does not count for another's need "
    "(operation.mpc_ev_window)":
        "滚动优化窗口中的电动汽车车队：每小时按各车的充电会话重建车队包络（每辆已接入车辆离站前尚需的电量，"
        "以及充电桩排队后稍后接入的车辆），一辆车提前充入的电量不再抵作另一辆车的需求（operation.mpc_ev_window）",
})
PATTERNS.extend([
    (r"^EV fleet '(?P<n>.+)': the sizing holds its charging in each hour between what its vehicles' sessions force "
     r"\((?P<x>[\d,.]+) MWh in the horizon: vehicles with less than an hour of laxity, such as those plugging in "
     r"late after a wait for a charger\) and what the connected vehicles can take \(each within its charger's power "
     r"and its need\), not only within the fleet's aggregate envelope$",
     "电动汽车车队“{n}”：定容时每小时的充电量介于各车充电会话必须的充电量（计算期内 {x} MWh：松弛时间不足一小时的"
     "车辆，例如排队等桩后才接入的车辆）与已接入车辆可接受的充电量（每辆车不超过其充电桩功率和其需求）之间，"
     "而不仅受车队聚合包络约束"),
])
PATTERNS.extend([
    (r"^EV fleet '(?P<n>.+)': (?P<w>[\d,]+) of (?P<s>[\d,]+) sessions waited for a charger \(mean (?P<h>[\d.]+) h\) "
     r"and (?P<u>[\d,]+) found none before leaving; every vehicle keeps its charger until it leaves "
     r"\(ev_fleets\[\]\.unplug_when_full_share: 0\)$",
     "电动汽车车队“{n}”：{s} 次充电会话中 {w} 次排队等桩（平均 {h} 小时），{u} 次离开前未等到充电桩；"
     "每辆车占用充电桩直到离开（ev_fleets[].unplug_when_full_share: 0）"),
    (r"^EV fleet '(?P<n>.+)': (?P<w>[\d,]+) of (?P<s>[\d,]+) sessions waited for a charger \(mean (?P<h>[\d.]+) h\) "
     r"and (?P<u>[\d,]+) found none before leaving; (?P<p>\d+) % of the vehicles free their charger (?P<g>[\d.]+) h "
     r"after a full-power charge of their need would have ended \(ev_fleets\[\]\.unplug_when_full_share, "
     r"unplug_grace_h\)$",
     "电动汽车车队“{n}”：{s} 次充电会话中 {w} 次排队等桩（平均 {h} 小时），{u} 次离开前未等到充电桩；"
     "{p}% 的车辆在按满功率充足所需电量后 {g} 小时让出充电桩（ev_fleets[].unplug_when_full_share、unplug_grace_h）"),
])
VAR_LABELS.update({
    "ev_p_charge_max_kw": ("在桩车辆可接受充电功率", "Charging power the connected vehicles can take"),
    "ev_p_charge_min_kw": ("会话必须充电功率", "Charging the sessions force"),
})
# ----------------------------------------------------------------------------- new-user test (zh additions)
PHRASES.update({
    "the published factors of the site's grid rise over 2021-2023 (in hydro provinces the 2022 drought); the "
    "projection holds the latest published value instead of extending that rise":
        "场址电网已发布的2021–2023年因子逐年上升（水电省份为2022年干旱所致）；预测按最新发布值保持，不外推该上升趋势",
})
PATTERNS.extend([
    (r"^PROJECTION, not an official value: the published (?P<l>\w+) factors (?P<a>\d{4})-(?P<b>\d{4}) rise; held at "
     r"the (?P<c>\d{4}) value in (?P<y>\d{4}) \(a rising trend is not extended\)$",
     "预测值，非官方数值：已发布的{l}因子（{a}–{b}年）逐年上升；{y}年按{c}年数值保持（不外推上升趋势）"),
])
PATTERNS.extend([
    (r"^EV fleet '(?P<n>.+)': (?P<u>[\d,]+) of (?P<s>[\d,]+) sessions of the year find no free charger before the "
     r"vehicle leaves \((?P<p>\d+) % of the fleet's energy need, (?P<m>[\d,]+) MWh battery side\): that energy is "
     r"charged outside the park and is in neither the baseline nor the plan; more chargers \(ev_fleets\[\]\.chargers\) "
     r"or drivers who free them when charged \(ev_fleets\[\]\.unplug_when_full_share\) bring it into the park$",
     "电动汽车车队“{n}”：全年 {s} 次充电会话中有 {u} 次在车辆离开前等不到空闲充电桩（占车队需求电量的 {p}%，"
     "电池侧 {m} MWh）：这部分电量在园区外充电，既不在基准中也不在规划中；增加充电桩（ev_fleets[].chargers）"
     "或让驾驶员充满后让出充电桩（ev_fleets[].unplug_when_full_share）可将其纳入园区"),
])
# grid-factor levels (twin.factors.GRID_LEVELS) as the pathway's factor labels capture them
_WORDS_ZH.update({"national": "全国", "national_excl_market_nonfossil": "全国（不含市场化交易非化石电力）",
                  "national_fossil": "全国化石能源电力", "regional": "区域电网", "provincial": "省级"})
# ----------------------------------------------------------------------------- rolling horizon's peak margin
PHRASES.update({
    "rolling horizon: no margin for forecast errors below the month's peak (operation.mpc_peak_margin_sd 0)":
        "滚动优化：月度峰值以下不留预测误差裕度（operation.mpc_peak_margin_sd 为 0）",
})
PATTERNS.extend([
    (r"^rolling horizon: the window plans its import, less the batteries' charging, (?P<z>[\d.]+) standard "
     r"deviation\(s\) of the net-load forecast error below the month's peak \(operation\.mpc_peak_margin_sd\)$",
     "滚动优化：窗口计划的购电功率（扣除储能充电）比当月峰值低 {z} 倍净负荷预测误差标准差（operation.mpc_peak_margin_sd）"),
])
# ----------------------------------------------------------------------------- heat pumps: cold-air capacity and SCOP
VAR_LABELS.update({
    "heat_pump_capacity_factor": ("热泵可用制热能力（每kW装机）", "Heat pump available output per kW of size"),
})
PHRASES.update({
    "capacity curve given in the scenario": "制热能力曲线由情景给定",
    "cut-off temperature given in the scenario": "停机温度由情景给定",
    ("capacity curve: 100 % at 8.3 °C, 70 % at -15 °C, the ENERGY STAR cold-climate minimum [energystar-cchp-v6]; "
     "linear below -15 °C down to the cut-off: ASSUMED [twin-assumption]"):
        "制热能力曲线：8.3 °C 时 100%，-15 °C 时 70%，即 ENERGY STAR 寒冷气候热泵最低要求 [energystar-cchp-v6]；"
        "-15 °C 以下至停机温度按线性外推：假定值 [twin-assumption]",
    "the cold-climate curve applied to a standard unit: ASSUMED (optimistic) [twin-assumption]":
        "普通机组沿用寒冷气候热泵曲线：假定值（偏乐观）[twin-assumption]",
})
PATTERNS.extend([
    ((r"^Heat pumps: seasonal COP \(heat delivered / electricity used\) (?P<p>[\d.—]+) in the plan, "
      r"(?P<b>[\d.—]+) in the baseline$"),
     "热泵：季节性能系数 SCOP（供热量 / 用电量）规划 {p}，基准 {b}"),
    (r"^Heat pumps: seasonal COP \(heat delivered / electricity used\) (?P<p>[\d.—]+) in the plan$",
     "热泵：季节性能系数 SCOP（供热量 / 用电量）规划 {p}"),
    (r"^(?P<n>.+): seasonal COP (?P<s>[\d.—]+); on a waste-heat source, full capacity in every hour$",
     "{n}：季节性能系数 {s}；以余热为热源，各小时均为满额制热能力"),
    ((r"^(?P<n>.+): seasonal COP (?P<s>[\d.—]+); of the hours with heat demand, (?P<r>[\d.—]+) % at reduced "
      r"capacity \(cold air\) and (?P<z>[\d.—]+) % below its cut-off temperature \((?P<c>[−\d.-]+) °C\), when other "
      r"heat sources must cover the demand$"),
     ("{n}：季节性能系数 {s}；有热负荷的小时中，{r}% 因室外低温制热能力下降，{z}% 低于停机温度（{c} °C），"
      "须由其他热源承担负荷")),
    (r"^(?P<n>.+): seasonal COP (?P<s>[\d.—]+)$", "{n}：季节性能系数 {s}"),
    (r"^cut-off (?P<c>[−\d.-]+) °C, the (?P<k>standard|low_ambient) class default \[sec-ccashp-cutoff\]$",
     "停机温度 {c} °C，为 {k} 类机组默认值 [sec-ccashp-cutoff]"),
])
_WORDS_ZH.update({"standard": "普通（standard）", "low_ambient": "低环境温度（low_ambient）"})
# ----------------------------------------------------------------------------- buildings' heating capacity
TEXT.update({
    "heating_capacity_of": ("建筑供暖能力", "Building heating capacity"),
    "heating_capacity_line": (
        ("{kw} kW（{wm2} W/m2，{how}）；使用时段室温低于供暖设定值 0.5 K 以上的小时数：{unmet} / {occ} 小时"
         "（提前预热 {pre} 小时）"),
        ("{kw} kW ({wm2} W/m2, {how}); occupied hours more than 0.5 K below the heating setpoint: {unmet} of "
         "{occ} h (preheat {pre} h)")),
    "heating_capacity_design": (
        ("设计热负荷（室外计算温度 {t} °C：{basis}，近似 GB 50736-2012 第4.1.2条）× (1 + 间歇附加 "
         "{add})，GB 50736-2012 第5.2.8条 [gb-50736-2012]，附加值未经核实，可在 hvac.heating_intermittent_addition 中设置"),
        ("design heating load (design outdoor temperature {t} °C: {basis}, "
         "approximating GB 50736-2012 4.1.2) x (1 + intermittent addition {add}), GB 50736-2012 5.2.8 "
         "[gb-50736-2012], the addition not verified, set it in hvac.heating_intermittent_addition")),
    "heating_capacity_scenario": ("取自情景 hvac.heating_capacity_w_m2", "from the scenario's hvac.heating_capacity_w_m2"),
})


TEXT.update({
    "design_basis_heating_year": ("本气象年第6冷的日平均温度", "the 6th-coldest daily mean of this weather year"),
    "design_basis_heating_climate": (
        "场址气候 {n} 个合成年中各年第6冷日平均温度的平均值（标准按历年平均取值）",
        "the 6th-coldest daily mean averaged over {n} synthetic years of the site's climate (the standard "
        "averages over the record's years)"),
    "design_basis_cooling_year": ("本气象年第51热的小时干球温度", "the 51st-hottest hour of this weather year"),
    "design_basis_cooling_climate": (
        "场址气候 {n} 个合成年中各年第51热小时干球温度的平均值（标准按历年平均取值）",
        "the 51st-hottest hour averaged over {n} synthetic years of the site's climate (the standard "
        "averages over the record's years)"),
})


def design_basis(bld: dict, lang: str, mode: str) -> str:
    """What a building's design outdoor temperature is of: this weather year, or the mean over the
    synthetic years of a synthetic site's climate (``design_temperature_years``)."""
    n = int(bld.get("design_temperature_years") or 1)
    return text(f"design_basis_{mode}_{'year' if n <= 1 else 'climate'}", lang).format(n=n)


def capacity_line(bld: dict, lang: str, mode: str = "heating") -> str:
    """The report's line on a building's heating or cooling capacity (``mode``) and its comfort cost
    (a summary.json ``buildings`` row)."""
    if bld.get(f"{mode}_capacity_source") == "scenario":
        how = text(f"{mode}_capacity_scenario", lang)
    elif mode == "heating":
        how = text("heating_capacity_design", lang).format(
            t=f"{bld.get('design_outdoor_temp_c', float('nan')):.1f}", basis=design_basis(bld, lang, mode),
            add=f"{bld.get('heating_intermittent_addition', 0.0):.2f}")
    else:
        how = text("cooling_capacity_design", lang).format(
            t=f"{bld.get('cooling_design_drybulb_c', float('nan')):.1f}", basis=design_basis(bld, lang, mode),
            add=f"{bld.get('cooling_sizing_margin', 0.0):.2f}")
    line = text(f"{mode}_capacity_line", lang).format(
        kw=f"{bld[f'{mode}_capacity_kw']:,.0f}", wm2=f"{bld.get(f'{mode}_capacity_w_m2', float('nan')):.0f}",
        how=how, unmet=bld.get(f"unmet_{mode}_hours", 0), occ=bld.get(f"occupied_{mode}_hours", 0),
        pre=bld.get("preheat_hours", 0))
    if mode == "cooling" and (bld.get("cooling_latent_peak_kw") or 0.0) > 0:
        rh = bld.get("cooling_rh_max_pct") or 60.0
        cls = bld.get("cooling_rh_source") or "class I"
        src = text({"class I": "cooling_rh_class_1", "class II": "cooling_rh_class_2"}.get(cls, "cooling_rh_scenario"),
                   lang)
        line += text("cooling_latent_line", lang).format(kw=f"{bld['cooling_latent_peak_kw']:,.0f}",
                                                         share=bld.get("cooling_latent_share") or 0.0, rh=rh, src=src)
    cop = bld.get("cooling_cop_seasonal")
    src = bld.get("cooling_cop_source") or ""
    if mode == "cooling" and src.startswith("hourly") and cop:
        line += text("cold_store_cop_line_given" if "scenario" in src else "cold_store_cop_line", lang).format(
            cop=cop, floor=bld.get("refrigeration_min_condensing_c") or 25.0)
    return line
# ----------------------------------------------------------------------------- scorecard: the rubric's analogues
# The provisional rubric's `analogue` of each rule (twin/assess/data/rubric_provisional.yaml), shown
# in the scorecard beside the rule's source; names of standards and clause numbers stay as written.
PHRASES.update({
    "none found": "未找到",
    "none found (judgement, 1 point)": "未找到（专业判断，1 分）",
    "judgement": "专业判断",
    "none with numbers; prerequisite follows GB/T 50378-2019 9.2.7": "无带数值的先例；前提条件参照 GB/T 50378-2019 9.2.7",
    "910号 core indicator": "910号核心指标",
    "910号 50 % [S]; provincial 95 % [S]; Shanghai 30 % [V-T]": "910号 50 % [S]；省级 95 % [S]；上海 30 % [V-T]",
    "910号 二级 [S]; provincial 标杆 50 % [S]": "910号 二级 [S]；省级标杆 50 % [S]",
    "GB/T 39583 6.8.1-6.8.3 [V-T]; GB/T 50378-2019 EMS about 8/100 [R]":
        "GB/T 39583 6.8.1-6.8.3 [V-T]；GB/T 50378-2019 能源管理系统约 8/100 分 [R]",
    "GB/T 50378 electricity bands 0.5-4 % widened for a park; Shanghai elderly 5.5.2":
        "GB/T 50378 电量分档 0.5-4 %，按园区放宽；上海养老设施标准 5.5.2",
    "GB/T 50378-2019 9.2.1 step style": "GB/T 50378-2019 9.2.1 的分档方式",
    "GB/T 50378-2019 table 7.2.9 steps; provincial 30 %; 910号 90 %":
        "GB/T 50378-2019 表 7.2.9 分档；省级 30 %；910号 90 %",
    "Shanghai DG/TJ08-2253 9.2.9 0.5 %/1 %": "上海 DG/TJ08-2253 9.2.9 0.5 %/1 %",
    "Shanghai elderly-care 5.5.1 条文说明 30 %": "上海养老设施标准 5.5.1 条文说明 30 %",
    "十四五 8 % [R]; GB/T 50378 renewable tables": "十四五 8 % [R]；GB/T 50378 可再生能源分档表",
    "澄迈 2022 PV selection storage ratio": "澄迈 2022 光伏项目遴选的配储比例",
    "proposal Q = Q0 + 0.8·S + QA so that 20 + 80 + 10 spans the 100-point scale":
        "建议 Q = Q0 + 0.8·S + QA，使 20 + 80 + 10 覆盖百分制",
    "'total' = Q >= pass_threshold; 'score_items' = S >= pass_threshold (the slides' wording is ambiguous)":
        "按总分（pass_test: total）：Q >= pass_threshold；按评分项（pass_test: score_items）：S >= pass_threshold（演示文稿的表述有歧义）",
    "910号 core value; Shanghai DG/TJ08-2253 9.2.9": "910号核心值；上海 DG/TJ08-2253 9.2.9",
    "GB/T 39583 6.8.1-6.8.3; GB/T 50378-2019 EMS item": "GB/T 39583 6.8.1-6.8.3；GB/T 50378-2019 能源管理系统条文",
    "GB/T 39583-2020 6.8.4 [V-T]; MIIT green-park basic requirements [S]":
        "GB/T 39583-2020 6.8.4 [V-T]；工信部绿色园区基本要求 [S]",
    "GB/T 50378-2014 11.2.8 (2 points)": "GB/T 50378-2014 11.2.8（2 分）",
    "GB/T 50378-2019 3.2.8 star grades 60/70/85 (grade names of T/CSUS 66-2023 UNKNOWN)":
        "GB/T 50378-2019 3.2.8 星级 60/70/85 分（T/CSUS 66-2023 的等级名称未知）",
    "GB/T 50378-2019 7.2.9 / 2014 5.2.16 five-step tables; 910号 90 %":
        "GB/T 50378-2019 7.2.9 / 2014 版 5.2.16 的五档表；910号 90 %",
    "GB/T 50378-2019 9.2.7 carbon analysis (12/1000)": "GB/T 50378-2019 9.2.7 碳排放分析（12/1000）",
    "GB/T 50378-2019 9.2.7 carbon calculation (12/1000 ≈ 1 point)":
        "GB/T 50378-2019 9.2.7 碳排放计算（12/1000 ≈ 1 分）",
    "GB/T 50378-2019 each category >= 30 % [R] or GB/T 50378-2014 >= 40 [S]; off by default":
        "GB/T 50378-2019 每类 >= 30 % [R] 或 GB/T 50378-2014 >= 40 分 [S]；默认不启用",
    "GB/T 51255 ch.7 control items [R]; 910号 targets from a 2025 baseline [S]":
        "GB/T 51255 第7章控制项 [R]；910号以 2025 年为基准的目标 [S]",
    "GB/T 51350 definitions; GB/T 50378-2014 11.2.1": "GB/T 51350 的定义；GB/T 50378-2014 11.2.1",
    "T/CSUS 66-2023 3.2 as shown in the chief editor's slides (控制项全部满足得20分基础分)":
        "T/CSUS 66-2023 3.2，据主编演示文稿（控制项全部满足得20分基础分）",
    "banding style of GB/T 50378-2019 9.2.1": "GB/T 50378-2019 9.2.1 的分档方式",
    "澄迈 storage 15/20/25 %×2h; VPP and V2G judgement": "澄迈配储 15/20/25 %×2h；虚拟电厂与 V2G 为专业判断",
})
# ----------------------------------------------------------------------------- heat pumps with no heat to deliver
PATTERNS.extend([
    ((r"^heat pumps (?P<n>.+) have no heat to deliver: no building puts its heating on the park's heat bus \(hvac "
      r"type chiller_boiler\); buildings with chiller_district_heat buy district heat, which the heat pumps replace "
      r"only with district_heat\.replaceable: true, and decentral systems \(split_ac, vrf, heat_pump, electric_boiler\) "
      r"are in the electric load; the heat pumps are not built$"),
     ("热泵 <data>{n}</data> 无热可供：没有建筑把供暖接入园区热力母线（hvac 类型 chiller_boiler）；"
      "chiller_district_heat 类建筑外购市政热力，仅当 district_heat.replaceable: true 时热泵才可替代；"
      "分散式系统（split_ac、vrf、heat_pump、electric_boiler）计入电负荷；热泵不予建设")),
])


# ----------------------------------------------------------------------------- buildings' cooling capacity
TEXT.update({
    "cooling_capacity_of": ("建筑供冷能力", "Building cooling capacity"),
    "cooling_capacity_line": (
        "{kw} kW（{wm2} W/m2，{how}）；使用时段室温高于供冷设定值 0.5 K 以上的小时数：{unmet} / {occ} 小时",
        "{kw} kW ({wm2} W/m2, {how}); occupied hours more than 0.5 K above the cooling setpoint: {unmet} of {occ} h"),
    "cooling_capacity_design": (
        ("设计显热冷负荷（室温全天保持使用时段设定值时，室外干球温度不高于计算温度 {t} °C 的使用时段中理想显热冷负荷的"
         "最大值；计算温度取{basis}，近似 GB 50736-2012 第4.1.6条历年平均不保证50小时的干球温度）"
         "× (1 + 选型余量 {add})，"
         "[gb-50736-2012]；余量为假定值，可在 hvac.cooling_sizing_margin 中设置"),
        ("design sensible cooling load (the peak ideal sensible cooling of the room held at its occupied setpoint around "
         "the clock, over the occupied hours at or below the design dry-bulb {t} °C: {basis}, "
         "approximating GB 50736-2012 4.1.6, 50 h a year not guaranteed) x (1 + sizing margin {add}) "
         "[gb-50736-2012]; the margin is ASSUMED, set it in "
         "hvac.cooling_sizing_margin")),
    "cooling_latent_line": (
        ("；除湿潜热负荷在显热供冷能力之外另行满足：峰值 {kw} kW，占全年供冷量的 {share:.0%}（室外空气取新风量与渗透风量中"
         "较大者，连同人员散湿，除湿至供冷设定温度下相对湿度 {rh:.0f} %，{src}）"),
        ("; the latent load is served beside the sensible capacity: peak {kw} kW, {share:.0%} of the year's cooling "
         "(the outdoor air, the larger of the fresh air and the infiltration, and the occupants' moisture dried to "
         "{rh:.0f} % RH at the cooling setpoint, {src})")),
    "process_declared": ("申报的工业过程 CO2：{name} {t} {unit}（来源：{source}；本工具不计算该项，按申报值计入总排放与核心指标）",
                         ("Declared industrial-process CO2: {name} {t} {unit} (source: {source}; the tool does not "
                          "compute it and counts the declared figure in the gross emissions and the core indicator)")),
    "cold_store_cop_line": (
        "；制冷全年平均 COP {cop:.2f}（整个模拟年，含 --hours 运行；逐时随室外气温：冷凝温度取室外气温加 10 K，且不低于 "
        "{floor:g} °C，为默认假设值，可由 hvac.refrigeration_min_condensing_c 设定）",
        "; refrigeration COP {cop:.2f} over the whole simulated year, also with --hours (hour by hour from the outdoor "
        "air: condensing 10 K above it, not below {floor:g} °C, the ASSUMED default; set it with "
        "hvac.refrigeration_min_condensing_c)"),
    "cold_store_cop_line_given": (
        "；制冷全年平均 COP {cop:.2f}（整个模拟年，含 --hours 运行；逐时随室外气温：冷凝温度取室外气温加 10 K，且不低于情景给定的 "
        "hvac.refrigeration_min_condensing_c {floor:g} °C）",
        "; refrigeration COP {cop:.2f} over the whole simulated year, also with --hours (hour by hour from the outdoor "
        "air: condensing 10 K above it, not below the scenario's hvac.refrigeration_min_condensing_c {floor:g} °C)"),
    "cooling_rh_class_1": ("供冷设定温度不高于 26 °C，取 GB 50736-2012 表3.0.2 I级上限 [gb-50736-2012]",
                           ("a cooling setpoint up to 26 °C: the upper limit of GB 50736-2012 Table 3.0.2 class I "
                            "[gb-50736-2012]")),
    "cooling_rh_class_2": ("供冷设定温度高于 26 °C，取 GB 50736-2012 表3.0.2 II级上限 [gb-50736-2012]",
                           ("a cooling setpoint above 26 °C: the upper limit of GB 50736-2012 Table 3.0.2 class II "
                            "[gb-50736-2012]")),
    "cooling_rh_scenario": (
        "取自情景 setpoints.cooling_rh_max_pct；GB 50736-2012 表3.0.2：I级 40–60 %，II级不高于 70 % [gb-50736-2012]",
        ("from the scenario's setpoints.cooling_rh_max_pct; GB 50736-2012 Table 3.0.2: class I 40-60 %, class II at "
         "most 70 % [gb-50736-2012]")),
    "cooling_capacity_scenario": ("取自情景 hvac.cooling_capacity_w_m2", "from the scenario's hvac.cooling_capacity_w_m2"),
    "no_heating": ("无供暖", "not heated"),
    "no_cooling": ("无供冷", "not cooled"),
})
# ----------------------------------------------------------------------------- process heat
VAR_LABELS.update({"q_process_heat_demand_kw": ("工艺热需求", "Process heat demand")})
# the process heat's row right after the heat demand it is part of
_energy = list(ENERGY_LABELS.items())
_at = next(i for i, (k, _) in enumerate(_energy) if k == "heat_demand") + 1
_energy[_at:_at] = [("process_heat_demand", ("其中工艺用热", "of which process heat"))]
ENERGY_LABELS.clear()
ENERGY_LABELS.update(_energy)
PATTERNS.extend([
    (r"^boiler '(?P<n>.+)' \((?P<kw>[\d,.]+) kW, natural gas, efficiency (?P<e>[\d.]+)\) is implied: process heat "
     r"'(?P<d>.+)' states no existing supply \(existing_fuel\) and no boiler serves it, so its existing plant is "
     r"taken to be a gas boiler covering its peak$",
     "锅炉“<data>{n}</data>”（{kw} kW，天然气，效率 {e}）为推定：工艺用热“<data>{d}</data>”未说明现有供热"
     "（existing_fuel），也没有锅炉为其供热，按覆盖其峰值的现有燃气锅炉计"),
])
# ----------------------------------------------------------------------------- operated year: connection guard
_GUARD_HEAD = (r"^connection guard: the plant holds the import \(export\) within the import \(export\) limit in real "
               r"time, cutting battery charging, then EV charging beyond the vehicles' promises, then thermal-store "
               r"charging from electric heat, then discharging the batteries \(an export: cutting battery discharge, charging the "
               r"batteries, then curtailing PV\)")
_GUARD_HEAD_ZH = ("并网容量保护：运行中实时将购电（售电）控制在购电（售电）限值以内，依次削减储能充电、超出车辆承诺的电动汽车充电、"
                  "电制热蓄热充热，再增加储能放电（售电超限时：削减储能放电、增加储能充电，再弃光）")
PATTERNS.extend([
    (_GUARD_HEAD + r"; what no flexibility can take off is shed \(import limit\) or curtailed \(export limit\)$",
     _GUARD_HEAD_ZH + "；灵活资源无法削减的部分切负荷（购电限值）或弃光（售电限值）"),
    (_GUARD_HEAD + r", and within the park transformer at the point of connection: (?P<k>[\d,.]+) kVA \(rating x "
     r"loading limit, less grid\.network\.feedback\.margin\) beside the loads' reactive draw at cos φ (?P<pf>[\d.]+); "
     r"an import still above it is reported as an overload of the connection \(the park-grid check of the operated "
     r"year shows its loading\)$",
     _GUARD_HEAD_ZH + "，并控制在并网点园区主变容量以内：{k} kVA（额定容量 × 负载率限值，扣除园区电网校核的反馈裕度），"
     "计及负荷功率因数 cos φ {pf} 的无功；仍超出的购电记为并网容量越限（运行年的园区电网校核给出其负载率）"),
])
# ----------------------------------------------------------------------------- chillers with nothing to cool
PATTERNS.extend([
    ((r"^chillers (?P<n>.+) have nothing to cool: no building puts its cooling on the park's cooling bus \(hvac "
      r"type chiller_boiler or chiller_district_heat\), and decentral systems \(split_ac, vrf, heat_pump, "
      r"electric_boiler\) are in the electric load; the chillers are not built \(a process's cooling is declared "
      r"under process_cooling, with the chillers serving it\)$"),
     ("冷水机组 <data>{n}</data> 无冷可供：没有建筑把供冷接入园区冷量母线（hvac 类型 chiller_boiler 或 "
      "chiller_district_heat）；分散式系统（split_ac、vrf、heat_pump、electric_boiler）计入电负荷；冷水机组不予建设"
      "（工艺供冷请在 process_cooling 中申报，并注明为其供冷的冷水机组）")),
])
# ----------------------------------------------------------------------------- pathway: how far a falling grid-factor trend goes
_TREND_HEAD = (r"^the projected grid factors fall (?P<s>[\d.]+) kgCO2/kWh a year \((?P<p>[\d.]+)% of the (?P<y>\d+) "
               r"value (?P<v>[\d.]+)\), the least-squares line of the published (?P<lv>\w+) factors (?P<a>\d+)-"
               r"(?P<b>\d+): (?P<list>[\d., ]+) kgCO2/kWh \((?P<d>[+-]\d+)% on (?P<y2>\d+) by (?P<last>\d+)\)")
_TREND_HEAD_ZH = ("预测的电网排放因子每年下降 {s} kgCO2/kWh（为 {y} 年数值 {v} 的 {p}%），即已发布的{lv}因子 {a}–{b} 年的"
                  "最小二乘直线：{list} kgCO2/kWh（至 {last} 年较 {y2} 年 {d}%）")
PATTERNS.extend([
    (_TREND_HEAD + "$", _TREND_HEAD_ZH),
    (_TREND_HEAD + r", held at zero from (?P<z>\d+)$", _TREND_HEAD_ZH + "，自 {z} 年起取零"),
    (r"^the national average's line over the same years falls (?P<s>[\d.]+) kgCO2/kWh a year \((?P<p>[\d.]+)%\)$",
     "同期全国平均因子的直线每年下降 {s} kgCO2/kWh（{p}%）"),
])
PHRASES.update({
    ("a line through three published years: give the province's own plan in pathway.grid_factor.values_kgco2_per_kwh "
     "where it has one, or hold the latest published value with projection 'constant'"):
        ("这是穿过三个已发布年份的直线：省里有规划值时，在 pathway.grid_factor.values_kgco2_per_kwh 中给出；"
         "或用 projection 'constant' 沿用最新发布值"),
})
# ----------------------------------------------------------------------------- energy table: PV specific yield
TEXT.update({
    "pv_specific_yield": ("光伏单位装机发电量（弃光前交流电量 / 直流装机）",
                          "PV specific yield (AC energy before curtailment per kWp DC)"),
})
# ----------------------------------------------------------------------------- twin compare: runs of different horizons
TEXT.update({
    "cmp_horizons": ("各运行的模拟时段不同（{runs}）：短时段把其自身的小时按比例折算为全年（例如一月的两周代表全年），"
                     "故其差值混入了时段的差别，而不仅是方案的差别；请以相同的 --hours（或全年）比较",
                     "The runs model different horizons ({runs}): a short horizon scales its own hours to a year (two "
                     "January weeks stand for the year), so their differences mix the horizons with the options; "
                     "compare runs of the same --hours (or full years)"),
})


# ----------------------------------------------------------------------------- process heat: joined demands, operated twin
PATTERNS.extend([
    ((r"^process heat '(?P<d>.+)' joins the heat network and states no existing supply \(existing_fuel\): the "
      r"network's declared boilers \((?P<kw>[\d,.]+) kW\) serve it, no boiler is implied for it$"),
     ("工艺用热“<data>{d}</data>”并入热网且未说明现有供热（existing_fuel）：由热网已申报的锅炉（{kw} kW）供热，"
      "不再为其推定锅炉")),
    ((r"^process heat: the controllers see each demand's forecast with an AR\(1\) error of (?P<p>[\d.]+) % of its "
      r"mean a day ahead \(ASSUMED, as the loads: operation\.forecast\.process_heat_sd_of_mean\); the plant serves "
      r"the actual demand on each heat bus from its own sources, boilers as backup, and counts what none can give "
      r"as unserved heat$"),
     ("工艺用热：控制器看到的各项工艺热需求预测带 AR(1) 误差，日前为其平均值的 {p} %（假定，同负荷："
      "operation.forecast.process_heat_sd_of_mean）；实际运行按真实需求在各热母线由其自身热源供热，锅炉兜底，"
      "无热源可供的部分计为未供热量")),
])


def direct_bus_label(bus: str, lang: str) -> str:
    """Label of the energy table's row for the waste heat used directly on heat bus ``bus``
    (``heat`` the network, ``heat:<name>`` a process-heat demand's own bus)."""
    if bus == "heat":
        return "其中供热网" if lang == "zh" else "of which on the heat network"
    name = bus.split(":", 1)[1]
    return f"其中供工艺用热“{name}”" if lang == "zh" else f"of which for process heat '{name}'"


# ----------------------------------------------------------------------------- district heat: tariff, replacement
COST_LABELS.update({
    "district_heat_energy": ("集中供热计量热费", "District heat, metered energy"),
    "district_heat_capacity": ("集中供热容量热费", "District heat, capacity part"),
    "district_heat_fixed": ("集中供热面积热费", "District heat, area-based fee"),
})
SIZE_LABELS["district_heat_kw"] = ("集中供热约定容量", "District heat contracted capacity", "kW")
VAR_LABELS.update({"q_district_heat_demand_kw": ("外购集中供热建筑热需求", "Heat demand of the buildings on district heat")})
PHRASES.update({
    "the area-based fee is paid whatever the metered use: it falls only if buildings leave the network, which the plan "
    "does not decide": "面积热费与计量用热量无关：只有建筑退出供热管网才不再缴纳，规划不作此决策",
    "district heat may be replaced in the plan: heat pumps, waste heat and thermal stores displace it where that costs "
    "less": "规划中集中供热可被替代：热泵、余热和蓄热在成本更低处替代外购热",
    "district heat cost not included: no price is given (district_heat.energy_price_cny_per_gj, "
    "capacity_price_cny_per_kw_yr or area_price_cny_per_m2_yr)":
    "未计入集中供热费用：未给出热价（district_heat.energy_price_cny_per_gj、capacity_price_cny_per_kw_yr 或 "
    "area_price_cny_per_m2_yr）",
})
PATTERNS.extend([
    ((r"^district heat may be replaced: the buildings that buy it \((?P<b>.+)\) are taken to be on the park's heat "
     r"network, where district heat \(at most (?P<kw>[\d,.]+) kW contracted\) is one source beside heat pumps, waste "
     r"heat, boilers and thermal stores$"),
     ("集中供热可被替代：外购热的建筑（<data>{b}</data>）视为接入园区热网，集中供热（约定容量至多 {kw} kW）"
     "与热泵、余热、锅炉和蓄热并列为热源")),
    ((r"^district heat's area-based fee \((?P<c>[\d,.]+) CNY/yr on (?P<a>[\d,.]+) m2\) is paid whatever the metered "
     r"use: it falls only if buildings leave the network, which the plan does not decide$"),
     "集中供热面积热费（{c} 元/年，{a} m²）与计量用热量无关：只有建筑退出供热管网才不再缴纳，规划不作此决策"),
    ((r"^district heat cost not included: the buildings (?P<b>.+) buy district heat and the scenario gives no price "
     r"\(district_heat\.energy_price_cny_per_gj, capacity_price_cny_per_kw_yr or area_price_cny_per_m2_yr\); annual "
     r"costs, NPV and comparisons leave the heat bill out, and the heat pumps cannot replace it$"),
     ("未计入集中供热费用：建筑 <data>{b}</data> 外购集中供热，情景未给出热价（district_heat.energy_price_cny_per_gj、"
     "capacity_price_cny_per_kw_yr 或 area_price_cny_per_m2_yr）；年化成本、净现值和方案比较均不含热费，热泵也不能替代外购热")),
    ((r"^District heat bought: (?P<p>\S+) MWh/yr in the plan, (?P<b>\S+) MWh/yr in the baseline; its CO2 (?P<pc>\S+) "
     r"tCO2/yr in the plan, (?P<bc>\S+) tCO2/yr in the baseline \(at (?P<ef>\S+) tCO2/GJ\)$"),
     "外购集中供热：规划 {p} MWh/年，现状 {b} MWh/年；其碳排放规划 {pc} tCO2/年，现状 {bc} tCO2/年（按 {ef} tCO2/GJ）"),
    ((r"^District heat bill: (?P<t>\S+) CNY/yr in the plan \(metered energy (?P<e>\S+) CNY/yr at (?P<pr>\S+) CNY/GJ, "
     r"capacity part (?P<c>\S+) CNY/yr for (?P<kw>\S+) kW contracted, area-based fee (?P<f>\S+) CNY/yr\), (?P<bt>\S+) "
     r"CNY/yr in the baseline$"),
     ("集中供热费用：规划 {t} 元/年（计量热费 {e} 元/年，{pr} 元/GJ；容量热费 {c} 元/年，约定容量 {kw} kW；"
     "面积热费 {f} 元/年），现状 {bt} 元/年")),
    (r"^District heat tariff: (?P<src>.+)$", "集中供热热价来源：<data>{src}</data>"),
])
PATTERNS.extend([
    ((r"^the hourly year is seed (?P<s>\d+), the most typical of the (?P<n>\d+) synthetic years of the site's "
     r"climate \(degree days and design temperatures closest to their means\); site\.weather_seed picks another$"),
     ("逐时典型年取随机种子 {s}：场地气候 {n} 个合成年中最典型的一年（度日数和设计温度最接近其平均值）；"
      "site.weather_seed 可另选")),
])


# ----------------------------------------------------------------------------- process cooling
VAR_LABELS.update({
    "q_process_cooling_demand_kw": ("工艺冷需求", "Process cooling demand"),
    "p_chiller_bus_kw": ("各冷量母线冷机用电", "Chiller electricity by cooling bus"),
    "q_unserved_cooling_bus_kw": ("各冷量母线未供冷量", "Unserved cooling by cooling bus"),
})
# the process cooling's row right after the cooling demand it is part of
_energy = list(ENERGY_LABELS.items())
_at = next(i for i, (k, _) in enumerate(_energy) if k == "cooling_demand") + 1
_energy[_at:_at] = [("process_cooling_demand", ("其中工艺供冷", "of which process cooling"))]
ENERGY_LABELS.clear()
ENERGY_LABELS.update(_energy)
_PC_SCOP = r"(?:[\d.]+|—)"
PATTERNS.extend([
    ((r"^chiller '(?P<n>.+)' \((?P<kw>[\d,.]+) kW, electric, air-cooled, chilled water (?P<t>-?[\d.]+) °C, mean COP "
      r"(?P<c>[\d.]+) over the horizon\) is implied: process cooling '(?P<d>.+)' states no existing supply "
      r"\(existing_cop\) and no chiller serves it, so its existing plant is taken to be an air-cooled chiller covering "
      r"its peak, its COP from the Carnot model \(ASSUMED\); give existing_cop for the plant's own$"),
     ("冷水机组“<data>{n}</data>”（{kw} kW，电制冷，风冷，冷冻水 {t} °C，本时段平均 COP {c}）为推定：工艺供冷"
      "“<data>{d}</data>”未说明现有供冷（existing_cop），也没有冷水机组为其供冷，按覆盖其峰值的现有风冷冷水机组计，"
      "COP 按卡诺模型（假定）；请用 existing_cop 给出现有机组的实际能效")),
    ((r"^process cooling '(?P<d>.+)' joins the chilled-water network and states no existing supply \(existing_cop\): "
      r"the network's declared chillers \((?P<kw>[\d,.]+) kW\) serve it, no chiller is implied for it$"),
     ("工艺供冷“<data>{d}</data>”并入冷冻水管网且未说明现有供冷（existing_cop）：由管网已申报的冷水机组（{kw} kW）"
      "供冷，不再为其推定冷水机组")),
    ((r"^Process cooling '(?P<d>.+)' \((?P<t>-?[\d.]+) °C\) joins the chilled-water network: (?P<c>[\d,.]+) MWh/yr of "
      r"cooling, peak (?P<p>[\d,.]+) kW; the network's chillers, which cool the buildings too, use (?P<be>[\d,.]+) "
      r"MWh/yr of electricity in the baseline and (?P<pe>[\d,.]+) MWh/yr in the plan; the plan's chillers on the "
      r"network: (?P<ch>.+)$"),
     ("工艺供冷“<data>{d}</data>”（{t} °C）并入冷冻水管网：供冷量 {c} MWh/年，峰值 {p} kW；管网冷水机组（同时为建筑供冷）"
      "用电现状 {be} MWh/年，规划 {pe} MWh/年；规划中管网上的冷水机组：<data>{ch}</data>")),
    ((r"^Process cooling '(?P<d>.+)' \((?P<t>-?[\d.]+) °C, a loop of its own\): (?P<c>[\d,.]+) MWh/yr of cooling, "
      r"peak (?P<p>[\d,.]+) kW; its chillers use (?P<be>[\d,.]+) MWh/yr of electricity in the baseline \(seasonal COP "
      r"(?P<bs>" + _PC_SCOP + r")\) and (?P<pe>[\d,.]+) MWh/yr in the plan \(seasonal COP (?P<ps>" + _PC_SCOP + r")\); "
      r"the plan's chillers on its loop: (?P<ch>.+)$"),
     ("工艺供冷“<data>{d}</data>”（{t} °C，独立环路）：供冷量 {c} MWh/年，峰值 {p} kW；其冷水机组用电现状 {be} MWh/年"
      "（季节能效比 {bs}），规划 {pe} MWh/年（季节能效比 {ps}）；规划中该环路的冷水机组：<data>{ch}</data>")),
    ((r"^Process cooling '(?P<d>.+)' today: its chillers at a seasonal COP of (?P<c>[\d.]+) \(existing_cop\), "
      r"covering its peak$"),
     "工艺供冷“<data>{d}</data>”现状：季节能效比 {c} 的冷水机组（existing_cop），覆盖其峰值"),
    (r"^Process cooling '(?P<d>.+)' today: the declared chillers (?P<n>.+)$",
     "工艺供冷“<data>{d}</data>”现状：已申报的冷水机组 <data>{n}</data>"),
    (r"^Process cooling '(?P<d>.+)' today: the chilled-water network's declared chillers$",
     "工艺供冷“<data>{d}</data>”现状：冷冻水管网已申报的冷水机组"),
    ((r"^Process cooling '(?P<d>.+)' today: an air-cooled chiller covering its peak, implied \(COP from the Carnot "
      r"model, ASSUMED: give existing_cop\)$"),
     "工艺供冷“<data>{d}</data>”现状：推定为覆盖其峰值的风冷冷水机组（COP 按卡诺模型，假定；请给出 existing_cop）"),
    ((r"^process cooling: the controllers see each demand's forecast with an AR\(1\) error of (?P<p>[\d.]+) % of its "
      r"mean a day ahead \(ASSUMED, as the loads: operation\.forecast\.process_cooling_sd_of_mean\); the plant "
      r"serves the actual demand on each cooling bus from its own chillers and counts what they cannot give as "
      r"unserved cooling$"),
     ("工艺供冷：控制器看到的各项工艺冷需求预测带 AR(1) 误差，日前为其平均值的 {p} %（假定，同负荷："
      "operation.forecast.process_cooling_sd_of_mean）；实际运行按真实需求在各冷量母线由其自身冷水机组供冷，"
      "无法供给的部分计为未供冷量")),
])
# ----------------------------------------------------------------------------- pathway: today's implied supply kept
PATTERNS.extend([
    ((r"^process heat '(?P<d>.+)' keeps its implied supply '(?P<n>.+)' \((?P<kw>[\d,.]+) kW\) beside the declared "
      r"boilers with existing capacity that serve it \(keep_implied_supply; in a pathway, what earlier periods "
      r"built\)$"),
     ("工艺用热“<data>{d}</data>”保留其推定的现有供热“<data>{n}</data>”（{kw} kW），与为其供热的已申报在役锅炉并存"
      "（keep_implied_supply；在路径中即前期所建）")),
    ((r"^process cooling '(?P<d>.+)' keeps its implied supply '(?P<n>.+)' \((?P<kw>[\d,.]+) kW\) beside the declared "
      r"chillers with existing capacity that serve it \(keep_implied_supply; in a pathway, what earlier periods "
      r"built\)$"),
     ("工艺供冷“<data>{d}</data>”保留其推定的现有供冷“<data>{n}</data>”（{kw} kW），与为其供冷的已申报在役冷水机组并存"
      "（keep_implied_supply；在路径中即前期所建）")),
])
# ----------------------------------------------------------------------------- pathway: a period's own report
_PW_PERIOD = (r"^period (?P<y0>\d{4})-(?P<y1>\d{4}) of a {mode} pathway: (?P<n>\d+) asset\(s\) built in earlier periods "
              r"stand here as existing capacity, so this run's annualised cost \((?P<t>[\d,.]+) CNY/yr\) leaves out "
              r"their annuities and fixed O&M; the pathway counts a year of this period at (?P<a>[\d,.]+) CNY/yr "
              r"\((?P<o>-?[\d,.]+) without the annuities and fixed O&M of the assets it tracks \+ (?P<c>[\d,.]+) of "
              r"every build in service; the pathway's report\)$")
_PW_PERIOD_ZH = ("本报告为{mode}路径的 {{y0}}–{{y1}} 年阶段：前期所建的 {{n}} 项资产在此作为现有容量，故本次计算的年化成本"
                 "（{{t}} 元/年）不含其年金和固定运维；路径按 {{a}} 元/年计本阶段每年成本（不含所跟踪资产年金和固定运维的成本 "
                 "{{o}} + 在役各期新建资产的年金和固定运维 {{c}}；见路径报告）")
PATTERNS.extend([
    (_PW_PERIOD.replace("{mode}", "myopic"), _PW_PERIOD_ZH.format(mode="逐阶段（短视）")),
    (_PW_PERIOD.replace("{mode}", "foresight"), _PW_PERIOD_ZH.format(mode="完全预见")),
])


# ----------------------------------------------------------------------------- out of reach: how the verdict was reached
_WORDS_ZH.update({"Time limit reached": "达到时间上限", "Iteration limit reached": "达到迭代次数上限"})
PHRASES.update({
    ("where a HiGHS run stops at its time limit, raise the limit (--time-limit, or "
     "objective.time_limit_s in the scenario), model fewer hours (--hours) or size on representative days "
     "(--representative-days), or choose another HiGHS algorithm (--solver-method simplex, ipx or hipo)"):
        ("HiGHS 求解达到时间上限时：可提高时间上限（--time-limit，或情景中的 objective.time_limit_s）、"
         "减少建模小时数（--hours）或按典型日定容（--representative-days），或改用其他 HiGHS 算法"
         "（--solver-method simplex、ipx 或 hipo）"),
})
PATTERNS.extend([
    (r"^with the requirements as set: (?P<rest>.+)$", "按原设定的要求求解时：{rest}"),
    (r"^elastic re-solve: (?P<rest>.+)$", "弹性重解：{rest}"),
    ((r"^(?P<a>HiPO|IPX|interior point|simplex|HiGHS) reported the model (?P<st>infeasible|infeasible_or_unbounded) "
      r"after (?P<t>[\d,.]+) s \((?P<it>[\d,]+) iterations\)$"),
     "{a} 判定模型{st}（{t} 秒，{it} 次迭代）"),
    ((r"^(?P<a>HiPO|IPX|interior point|simplex|HiGHS) stopped at its time limit of (?P<l>[\d,.e+]+) s, after "
      r"(?P<t>[\d,]+) s and (?P<it>[\d,]+) iterations, with a solution not proven optimal$"),
     "{a} 达到时间上限 {l} 秒（运行 {t} 秒，{it} 次迭代），所得解未经证明为最优"),
    ((r"^(?P<a>HiPO|IPX|interior point|simplex|HiGHS) stopped at its time limit of (?P<l>[\d,.e+]+) s, after "
      r"(?P<t>[\d,]+) s and (?P<it>[\d,]+) iterations, without a solution$"),
     "{a} 达到时间上限 {l} 秒（运行 {t} 秒，{it} 次迭代），未得到解"),
    ((r"^(?P<a>HiPO|IPX|interior point|simplex|HiGHS) stopped at its iteration limit, after (?P<t>[\d,]+) s and "
      r"(?P<it>[\d,]+) iterations, with a solution not proven optimal$"),
     "{a} 达到迭代次数上限（运行 {t} 秒，{it} 次迭代），所得解未经证明为最优"),
    ((r"^(?P<a>HiPO|IPX|interior point|simplex|HiGHS) stopped at its iteration limit, after (?P<t>[\d,]+) s and "
      r"(?P<it>[\d,]+) iterations, without a solution$"),
     "{a} 达到迭代次数上限（运行 {t} 秒，{it} 次迭代），未得到解"),
    ((r"^HiPO reported the model (?P<st>infeasible|infeasible_or_unbounded); IPX, asked to confirm, ended undecided "
      r"after (?P<t>[\d,]+) s and (?P<it>[\d,]+) iterations \((?P<h>[^)]*)\)$"),
     "HiPO 判定模型{st}；用 IPX 复核，运行 {t} 秒、{it} 次迭代后未得出结论（{h}）"),
    ((r"^the interior-point solver reported the model (?P<st>infeasible|infeasible_or_unbounded); the simplex method, "
      r"asked to confirm, ended undecided after (?P<t>[\d,]+) s and (?P<it>[\d,]+) iterations \((?P<h>[^)]*)\), so "
      r"the verdict stands$"),
     "内点法判定模型{st}；用单纯形法复核，运行 {t} 秒、{it} 次迭代后未得出结论（{h}），维持该判定"),
    (r"^re-solved with every requirement elastic, to measure what is short \((?P<m>[^()]+), (?P<t>[\d,.]+) s\)$",
     "已将各项要求设为弹性重新求解以度量缺口（{m}，{t} 秒）"),
    ((r"^re-solved with every requirement elastic, to measure what is short \((?P<m>[^()]+), (?P<t>[\d,.]+) s\): a "
      r"requirement is short beyond the solver's tolerance, which decides the verdict with no simplex confirmation$"),
     "已将各项要求设为弹性重新求解以度量缺口（{m}，{t} 秒）：有要求的缺口超出求解器容差，据此即可判定，无需单纯形法复核"),
    ((r"^re-solved with every requirement elastic, to measure what is short \((?P<m>[^()]+), (?P<t>[\d,.]+) s\): "
      r"nothing is short beyond the solver's tolerance, so the simplex method decides on the model as stated$"),
     "已将各项要求设为弹性重新求解以度量缺口（{m}，{t} 秒）：没有超出求解器容差的缺口，故由单纯形法对原模型作出判定"),
    ((r"^re-solved with every requirement elastic, to measure what is short \((?P<m>[^()]+), (?P<t>[\d,.]+) s\): it "
      r"ended undecided after (?P<s>[\d,]+) s and (?P<it>[\d,]+) iterations \((?P<h>[^)]*)\), so the simplex method "
      r"decides on the model as stated$"),
     "已将各项要求设为弹性重新求解以度量缺口（{m}，{t} 秒）：运行 {s} 秒、{it} 次迭代后未得出结论（{h}），故由单纯形法对原模型作出判定"),
    ((r"^re-solved with every requirement elastic, to measure what is short \((?P<m>[^()]+), (?P<t>[\d,.]+) s\): it "
      r"ended undecided after (?P<s>[\d,]+) s and (?P<it>[\d,]+) iterations \((?P<h>[^)]*)\)$"),
     "已将各项要求设为弹性重新求解以度量缺口（{m}，{t} 秒）：运行 {s} 秒、{it} 次迭代后未得出结论（{h}）"),
])


# ----------------------------------------------------------------------------- operated year: site transformers
PATTERNS.extend([
    ((r"^site transformers \((?P<n>\d+) behind the point of connection\): the controllers plan within them and the "
      r"plant holds each in real time on its own flows \(its batteries' charging cut, the thermal stores charged less "
      r"from its heat pumps, its batteries discharged; feeding back: their discharge cut, the batteries charged, its "
      r"PV curtailed; EV charging beyond the promises gets only the room left\), within rating x loading limit less "
      r"grid\.network\.feedback\.margin beside the loads' reactive draw, less what the AC flow of the plan adds to "
      r"its loading \(losses, voltage drop\); a flow still above it is counted as a violation \(hours, kW\)$"),
     ("站点变压器（并网点之后 {n} 台）：控制器在其容量内安排运行，运行中再按各变压器自身的实时潮流控制（削减其下储能充电、"
      "减少其下热泵向蓄热充热、增加其下储能放电；反送时：削减储能放电、增加储能充电、对其下光伏弃光；超出车辆承诺的电动汽车"
      "充电只得剩余容量），容量为额定容量 × 负载率限值，扣除园区电网校核的反馈裕度，并计及负荷无功，再扣除规划方案交流潮流"
      "所增加的负载率（损耗、电压降）；仍超出的潮流计为越限（小时数、kW）")),
    ((r"^the (?P<c>rule-based|rolling-horizon \(MPC\)) controller's operated year carried more than site transformer "
      r"'(?P<t>.+)' can \((?P<k>[\d,.]+) kVA\) in (?P<h>[\d,.]+) h/yr, up to (?P<kw>[\d,.]+) kW above it "
      r"\((?P<mwh>[\d,.]+) MWh/yr\): the load behind it, beyond what the site guard could cut or cover$"),
     ("{c}运行年中站点变压器“<data>{t}</data>”（{k} kVA）超容量 {h} 小时/年，最多超出 {kw} kW（{mwh} MWh/年）："
      "为其下负荷所致，超出了站点保护可削减或补足的范围")),
])


# ----------------------------------------------------------------------------- cold storage (蓄冷)
VAR_LABELS.update({
    "q_cold_charge_kw": ("蓄冷充冷", "Cold storage charge"),
    "q_cold_discharge_kw": ("蓄冷放冷", "Cold storage discharge"),
    "e_cold_kwh": ("蓄冷量", "Cold storage content"),
    "q_ice_making_kw": ("制冰供冷量", "Ice making (cooling stored as ice)"),
    "p_ice_making_kw": ("制冰用电", "Ice making electricity"),
})
SIZE_LABELS["cold_kwh"] = ("蓄冷容量", "Cold storage", "kWh")
# the cold stores' rows right after the chillers' cooling they shift
_energy = list(ENERGY_LABELS.items())
_at = next(i for i, (k, _) in enumerate(_energy) if k == "chiller_cooling") + 1
_energy[_at:_at] = [("cold_storage_charge", ("蓄冷充冷", "Cold storage charge")),
                    ("cold_storage_discharge", ("蓄冷放冷", "Cold storage discharge")),
                    ("ice_making", ("其中制冰", "of which ice making")),
                    ("ice_making_electricity", ("制冰用电（含于冷机用电）", "Ice making electricity (in the chillers')"))]
ENERGY_LABELS.clear()
ENERGY_LABELS.update(_energy)
_WORDS_ZH.update({"chilled-water tank": "水蓄冷罐", "ice store": "冰蓄冷装置",
                  "the chilled-water network": "接冷冻水管网"})
_CS_WHERE = r"(?:the chilled-water network|the loop of '.+')"
PATTERNS.extend([
    (r"^the loop of '(?P<lp>.+)'$", "接“<data>{lp}</data>”的环路"),
    ((r"^Cold store '(?P<n>.+)' \((?P<k>chilled-water tank|ice store) on (?P<x>" + _CS_WHERE + r")\): not built "
      r"\(the plan finds it does not pay\)$"),
     "蓄冷装置“<data>{n}</data>”（{k}，{x}）：未建设（规划认为不经济）"),
    ((r"^Cold store '(?P<n>.+)' \((?P<k>chilled-water tank|ice store) on (?P<x>" + _CS_WHERE + r")\): (?P<s>[\d,.]+) "
      r"kWh of cooling \((?P<new>[\d,.]+) kWh new\); charged (?P<c>[\d,.]+) MWh/yr \((?P<vs>[\d.—]+) % in valley "
      r"hours\), discharged (?P<d>[\d,.]+) MWh/yr \((?P<ps>[\d.—]+) % in peak hours\), standing losses (?P<l>[\d,.]+) "
      r"MWh/yr, (?P<cy>[\d,.]+) full cycles a year$"),
     ("蓄冷装置“<data>{n}</data>”（{k}，{x}）：蓄冷容量 {s} kWh（新建 {new} kWh）；充冷 {c} MWh/年（谷段占 {vs} %），"
      "放冷 {d} MWh/年（峰段占 {ps} %），自然损耗 {l} MWh/年，每年等效满充放 {cy} 次")),
    ((r"^Ice making: (?P<q>[\d,.]+) MWh/yr of cooling for (?P<e>[\d,.]+) MWh/yr of electricity \(seasonal COP "
      r"(?P<c>[\d.—]+), against (?P<w>[\d.—]+) making chilled water\): the chillers' own Carnot model with brine at "
      r"(?P<t>-?[\d.]+) °C$"),
     ("制冰：制冰供冷量 {q} MWh/年，用电 {e} MWh/年（季节能效比 {c}，制冷冻水时为 {w}）：按冷水机组自身的卡诺模型，"
      "乙二醇溶液温度 {t} °C")),
    ((r"^The chillers' electricity in peak hours: (?P<bp>[\d,.]+) MWh/yr in the baseline, (?P<pp>[\d,.]+) MWh/yr in "
      r"the plan; in valley hours (?P<bv>[\d,.]+) and (?P<pv>[\d,.]+) MWh/yr; its cost at each hour's import price "
      r"(?P<bc>[\d,.]+) CNY/yr in the baseline, (?P<pc>[\d,.]+) CNY/yr in the plan \(energy price only\)$"),
     ("冷水机组峰段用电：现状 {bp} MWh/年，规划 {pp} MWh/年；谷段用电分别为 {bv} 和 {pv} MWh/年；按各小时购电电价计，"
      "冷机电费现状 {bc} 元/年，规划 {pc} 元/年（仅电度电价）")),
])


# ----------------------------------------------------------------------------- tariffs whose prices differ by season
TEXT.update({
    "tariff_title": ("分时电价（按季节）", "Time-of-use tariff by season"),
    "tariff_season": ("季节", "Season"),
    "tou_critical": ("尖峰", "Critical peak"),
    "tou_peak": ("高峰", "Peak"),
    "tou_flat": ("平段", "Flat"),
    "tou_valley": ("低谷", "Valley"),
    "tou_deep_valley": ("深谷", "Deep valley"),
    "tariff_bought": ("规划购电量", "Grid electricity bought, plan"),
    "tariff_charges_baseline": ("现状电度电费", "Energy charges, baseline"),
    "tariff_charges_plan": ("规划电度电费", "Energy charges, plan"),
    "tariff_mean_price": ("规划平均购电价", "Mean price paid, plan"),
    "tariff_year": ("全年", "Year"),
    "tariff_note": (
        ("各时段电价为全部电度电价（含输配电价、基金及附加），括号内为该时段的钟点；电度电费按每小时所处时段的电价"
         "计算（不含需量电费、光伏自发自用和绿电）；全年规划电度电费即成本表中的“购电电费”。"),
        ("Each period's all-in energy price (T&D, funds and fees included) with its clock hours in brackets; the "
         "energy charges price every hour at its period's price (no demand charge, PV or green power); the plan's "
         "charges for the year are the cost table's 'Electricity bought'."),
    ),
    "tariff_note_seasonal": (
        ("各时段电价为全部电度电价（含输配电价、基金及附加），括号内为该时段的钟点；带 * 的电价为该季节自身的电价"
         "（grid.tariff.seasons[].prices_cny_per_kwh），其余为电价表统一电价；每小时按其所在月份季节的电价计费，"
         "优化、基准与实际运行均同；全年规划电度电费即成本表中的“购电电费”。"),
        ("Each period's all-in energy price (T&D, funds and fees included) with its clock hours in brackets; prices "
         "marked * are the season's own (grid.tariff.seasons[].prices_cny_per_kwh), the others the tariff's; every "
         "hour is charged at the price of its month's season, in the plan, the baseline and the operated years "
         "alike; the plan's charges for the year are the cost table's 'Electricity bought'."),
    ),
})


# ----------------------------------------------------------------------------- pathway: today's plant retires
TEXT.update({
    "pw_todays_plant": ("现有", "existing"),
    "pw_retired_existing_rule": (
        ("标为“现有”的为今天园区的设备（投运年–停止服役的第一年，投运年未给出时为 ?）：按同一规则，寿命在某阶段结束的，"
         "不计入该阶段的现有容量，由该阶段按当期成本新建替换或不再替换；阶段基准仍按原样保留。"),
        ("Items marked existing are today's plant (commissioned – first year out of service, ? where the commissioning "
         "year is not given): by the same rule, one whose life ends in a period is not existing capacity of that "
         "period, which replaces it at its own costs or does without; the period's baseline keeps it like for like."),
    ),
})
PHRASES.update({
    "battery energy fades linearly with age to its end-of-life capacity at its calendar life; today's existing "
    "capacity stands until it retires (existing_retires_year, or existing_commissioned_year + its cost's "
    "lifetime_years), without either year for the whole pathway":
        ("储能容量随使用年限线性衰减，至日历寿命时降到寿命终止容量；现有容量服役至其退役（existing_retires_year，或 "
         "existing_commissioned_year 加其成本项的 lifetime_years），两者均未给出时在整个路径中保留"),
    "a period's baseline (its park before new builds, the report's period start) keeps today's plant that has retired "
    "like for like, as if replaced as it was: without its boilers or chillers the park could not serve its heat or "
    "cooling; the plan counts none of it":
        ("阶段基准（新建之前的园区，即报告中的“阶段初”）将已退役的现有设备按原样保留，视同原样更新：否则园区的锅炉或冷水机组"
         "无法供热供冷；规划方案不计入这些设备"),
    "the baseline keeps today's plant that has retired by the end of this pathway period like for like, as if "
    "replaced as it was; the plan has none of it (the pathway's report lists what retired when)":
        "基准将本路径阶段结束前已退役的现有设备按原样保留，视同原样更新；规划方案不含这些设备（路径报告列出各设备的退役时间）",
    "the heat network's implied gas boiler has retired (implied_plant.boiler.retired, a pathway period): heat pumps, "
    "electric boilers, thermal stores and waste heat serve the network":
        "热网推定的燃气锅炉已退役（implied_plant.boiler.retired，路径阶段）：由热泵、电锅炉、蓄热装置和余热为热网供热",
    "the chilled-water network's implied chiller has retired (implied_plant.chiller.retired, a pathway period): none "
    "of it stands, and the plan builds what the network needs at costs.chiller":
        ("冷冻水管网推定的冷水机组已退役（implied_plant.chiller.retired，路径阶段）：原有容量不再计入，规划按 costs.chiller "
         "新建管网所需的冷水机组"),
})
_EXISTING_KINDS = {"PV array": "光伏阵列", "battery": "储能电池", "heat pump": "热泵", "thermal store": "蓄热装置",
                   "cold store": "蓄冷装置", "boiler": "锅炉", "chiller": "冷水机组"}
for _en, _zh in _EXISTING_KINDS.items():
    PATTERNS.extend([
        (rf"^existing {_en} '(?P<n>.+)' has no commissioning/retirement year: assumed to stand through (?P<y>\d{{4}})$",
         f"现有{_zh}“<data>{{n}}</data>”未给出投运年或退役年：假定在整个路径中服役（至 {{y}} 年）"),
        ((rf"^existing {_en} '(?P<n>.+)' retires in (?P<r>\d{{4}}): commissioned (?P<c>\d{{4}}) \+ (?P<l>[\d.]+) years, the "
          r"lifetime_years of (?P<e>\S+) \(its economic life taken as its technical life, ASSUMED\)$"),
         (f"现有{_zh}“<data>{{n}}</data>”于 {{r}} 年退役：投运年 {{c}} 加 {{l}} 年，即 {{e}} 的 lifetime_years"
          "（以经济寿命代替技术寿命，假设值）")),
    ])
PATTERNS.extend([
    ((r"^today's supply of process heat '(?P<d>.+)' has retired \(supply_retired, a pathway period\): the declared "
      r"boilers and heat pumps with capacity, waste heat and what the plan builds serve it$"),
     "工艺用热“<data>{d}</data>”的现有供热已退役（supply_retired，路径阶段）：由已申报的在役锅炉和热泵、余热及规划新建设备供热"),
    ((r"^today's supply of process cooling '(?P<d>.+)' has retired \(supply_retired, a pathway period\): the declared "
      r"chillers with capacity and what the plan builds serve it$"),
     "工艺供冷“<data>{d}</data>”的现有供冷已退役（supply_retired，路径阶段）：由已申报的在役冷水机组及规划新建设备供冷"),
])
PATTERNS.extend([
    ((r"^period (?P<y>\d{4}): the joint plan's heat and cooling plant fell short in the period's own run \(sized on "
      r"(?P<k>\d+) representative days, it does not cover the full year\); the period keeps it as its minimum and builds "
      r"the rest itself: (?P<x>.+)$"),
     ("{y} 年阶段：联合规划的供热供冷设备在本阶段自身的运行中不足（按 {k} 个代表日确定，不足以覆盖全年）；该阶段以其为下限，"
      "自行新建其余部分：<data>{x}</data>")),
    ((r"^period (?P<y>\d{4}): the joint plan's heat and cooling plant fell short in the period's own run \(the joint LP "
      r"meets the balances to its tolerance only\); the period keeps it as its minimum and builds the rest itself: "
      r"(?P<x>.+)$"),
     ("{y} 年阶段：联合规划的供热供冷设备在本阶段自身的运行中不足（联合线性规划只在求解容差内满足平衡）；该阶段以其为下限，"
      "自行新建其余部分：<data>{x}</data>")),
])

_TOU_NAME = r"critical|peak|flat|valley|deep valley"
PHRASES.update({"critical": "尖峰", "peak": "高峰", "flat": "平段", "valley": "低谷", "deep valley": "深谷"})
PATTERNS.extend([
    ((r"^tariff prices out of the periods' order in season 'months (?P<m>[\d, -]+)' \((?P<x>.+) CNY/kWh\): a period "
      r"named cheaper is priced above one named dearer; the twin prices each hour as given: check grid\.tariff$"),
     ("分时电价与时段名称顺序不符（{m}月：{x} 元/kWh）：名称上较便宜的时段电价高于较贵的时段；孪生模型按所给电价逐小时计费，请核对 "
      "grid.tariff")),
    ((r"^tariff prices out of the periods' order in season '(?P<s>.+)' \((?P<x>.+) CNY/kWh\): a period named cheaper "
      r"is priced above one named dearer; the twin prices each hour as given: check grid\.tariff$"),
     ("分时电价与时段名称顺序不符（季节“<data>{s}</data>”：{x} 元/kWh）：名称上较便宜的时段电价高于较贵的时段；孪生模型按所给电价"
      "逐小时计费，请核对 grid.tariff")),
    ((r"^tariff prices out of the periods' order in the tariff \((?P<x>.+) CNY/kWh\): a period named cheaper is priced "
      r"above one named dearer; the twin prices each hour as given: check grid\.tariff$"),
     ("分时电价与时段名称顺序不符（{x} 元/kWh）：名称上较便宜的时段电价高于较贵的时段；孪生模型按所给电价逐小时计费，请核对 "
      "grid.tariff")),
    (r"^(?P<x>" + _TOU_NAME + r") (?P<a>[\d.]+) > (?P<tb>" + _TOU_NAME + r") (?P<b>[\d.]+)$", "{x} {a} > {tb} {b}"),
    (r"^(?P<x>" + _TOU_NAME + r") (?P<a>[\d.]+)$", "{x} {a}"),
    ((r"^export price (?P<p>[\d.]+) CNY/kWh above the import price of some periods \((?P<x>.+) CNY/kWh\): in their "
      r"hours the plan sells the PV output and buys the park's load \(full feed-in, hour by hour\); only PV output is "
      r"exported, never grid power; for self-consumption with surplus export set grid\.export_price_cny_per_kwh at "
      r"most the lowest import price$"),
     ("上网电价 {p} 元/kWh 高于部分时段的购电价（{x} 元/kWh）：这些时段方案将光伏发电全部上网、园区用电全部外购（逐时全额上网）；"
      "只输出光伏发电，从不转售电网电力；如按自发自用、余电上网，请将 grid.export_price_cny_per_kwh 设为不高于最低购电价")),
])

# ----------------------------------------------------------------------------- the site, design temperatures and stated accuracy rows
TEXT.update({
    "site_row": ("场址", "Site"),
    "site_elevation": ("海拔 {z:.0f} m", "elevation {z:.0f} m"),
    "in_brackets": ("（{x}）", " ({x})"),
    "elevation_from_given": ("情景给定", "given in the scenario"),
    "elevation_from_station": ("气象站海拔", "the station's"),
    "elevation_from_terrain_grid": ("未给出，取自地形网格", "not given, from the terrain grid"),
    "elevation_from_file": ("气象文件表头", "the weather file's header"),
    "elevation_within": ("，可能偏差约 {u:.0f} m 以内", ", may be off by up to about {u:.0f} m"),
    "design_temperatures_row": ("室外计算温度", "Design temperatures"),
    "design_temperatures_line": (
        "供暖 {h:.1f} °C（第6冷日平均温度），空调干球 {c:.1f} °C（第51热小时）{wet}：{of}，近似 GB 50736-2012 第{clauses}条",
        ("heating {h:.1f} °C (6th-coldest daily mean), cooling dry-bulb {c:.1f} °C (51st-hottest hour){wet}: {of}, "
         "approximating GB 50736-2012 {clauses}")),
    "design_clauses": ("4.1.2、4.1.6", "4.1.2 and 4.1.6"),
    "design_clauses_wet": ("4.1.2、4.1.6、4.1.7", "4.1.2, 4.1.6 and 4.1.7"),
    "design_wet_bulb": ("，空调湿球 {w:.1f} °C（第51高湿球温度小时；供冷设备选型用，建筑模型的潜热负荷按逐时湿度计算，未用）",
                        (", wet-bulb {w:.1f} °C (51st-highest wet-bulb hour; for the cooling plant, the "
                         "building model's latent load follows each hour's humidity, not it)")),
    "design_of_years": ("场址气候 {n} 个合成年的平均值", "the mean of {n} synthetic years of the site's climate"),
    "design_of_year": ("取自该气象年", "of the weather year"),
    "stated_uncertainty_row": ("气象的预期不确定度", "Stated accuracy of the weather"),
    "uncertainty_temperature": ("年平均气温约 ±{t:.1f} K（留一法检验中 95% 的站点在此范围内）",
                                "annual mean temperature about ±{t:.1f} K (95 % of stations left out were within it)"),
    "uncertainty_ghi": ("年水平面总辐射约 ±{g:.0f}%", "annual GHI about ±{g:.0f} %"),
    "uncertainty_basis": ("国内光伏电站公开的运行发电量相对按辐射基准 {basis} 建模的发电量在 {lo:+.0f}% 至 {hi:+.0f}% 之间",
                          ("published operating yields of Chinese PV plants lie {lo:+.0f} % to {hi:+.0f} % from "
                           "those modelled on the {basis} radiation basis")),
})

# ----------------------------------------------------------------------------- a climate zone near a threshold at a station site
PHRASES.update({
    "the buildings' envelope and season presets follow it": "建筑围护结构与季节预设随之确定",
    "GB 55015-2021 sets some envelope limits by sub-zone, and the presets follow them":
        "GB 55015-2021 对部分围护结构限值按子区规定，预设随之确定",
})
PATTERNS.extend([
    ((r"^climate zone (?P<z>\S+) from the station's typical year \(HDD18 (?P<h>\d+), CDD26 (?P<c>\d+)\); "
      r"two typical years of one place differ by up to ±(?P<u>[\d.]+) K in the annual mean, within "
      r"which the site could be (?P<o>.+): check the zone GB 50176-2016 Appendix A lists for the city, "
      r"and give it as site\.climate_zone in a scenario if it differs \((?P<why>[^()]+)\)$"),
     ("气候区 {z} 由气象站典型年得出（HDD18 {h}，CDD26 {c}）；同一地点的两个典型年年平均气温可相差 ±{u} K，"
      "在此范围内场址也可能属于 {o}：请核对 GB 50176-2016 附录 A 中该城市的气候区，如不同请在情景中以 "
      "site.climate_zone 给定（{why}）")),
])

# ----------------------------------------------------------------------------- the rule's arbitrage reserve margin
PHRASES.update({
    ("rule-based controller: the batteries keep from arbitrage the forecast import above the month's peak in the "
     "day's later hours, no margin for forecast errors (operation.rule_reserve_margin_sd 0)"):
        "规则控制：电池为当日后续时段保留的电量只覆盖预测购电功率超出当月峰值的部分，不留预测误差裕度（operation.rule_reserve_margin_sd 为 0）",
})
PATTERNS.extend([
    ((r"^rule-based controller: the batteries keep from arbitrage the forecast import above the month's peak in "
      r"the day's later hours plus (?P<z>[\d.]+) standard deviation\(s\) of the net-load forecast error "
      r"\(operation\.rule_reserve_margin_sd\)$"),
     ("规则控制：电池为当日后续时段保留、不用于峰谷套利的电量，覆盖预测购电功率超出当月峰值的部分另加 {z} 倍净负荷预测误差标准差"
      "（operation.rule_reserve_margin_sd）")),
])


# ----------------------------------------------------------------------------- declared industrial-process CO2
PATTERNS.extend([
    ((r"^declared under process_emissions \((?P<n>\d+) source\(s\)\), counted in gross emissions and the core "
      r"indicator on both bases; the tool does not compute it$"),
     "在 process_emissions 中申报（{n} 个排放源），计入总排放及两种口径的核心指标；本工具不计算该项"),
    ((r"^declared industrial-process CO2 \(910号 annex 4 E工业过程\): (?P<x>.+)$"),
     "申报的工业过程 CO2（910号附件4 E工业过程）：{x}"),
    ((r"^of what remains, (?P<v>[\d,.]+(?:e[+-]?\d+)?) tCO2/yr is the industrial-process CO2 the scenario declares "
      r"\(process_emissions\), which no asset of the model reduces$"),
     "其余排放中有 {v} tCO2/年为情景申报的工业过程 CO2（process_emissions），模型中没有任何设备能减少它"),
    ((r"^of what remains, (?P<v>[\d,.]+(?:e[+-]?\d+)?) tCO2/yr is the industrial-process CO2 the scenario declares "
      r"\(process_emissions\), which no asset of the model reduces \(offsets within their cap may cover it\)$"),
     "其余排放中有 {v} tCO2/年为情景申报的工业过程 CO2（process_emissions），模型中没有任何设备能减少它（上限内的碳抵消可覆盖）"),
])
PATTERNS.extend([
    ((r"^declared industrial-process CO2 by period: (?P<v>.+) tCO2/yr \(process_emissions, pathway\.period_overrides\): "
      r"its change between periods is the declaration's, not the plan's(?P<g>; pathway\.load_growth_per_year does "
      r"not scale it)?$"),
     "各时期申报的工业过程 CO2：{v} tCO2/年（process_emissions、pathway.period_overrides）：时期间的变化来自申报，而非规划方案{g}"),
    ((r"^declared industrial-process CO2 by period: (?P<v>.+) tCO2/yr \(process_emissions\): the same in every "
      r"period(?P<g>(?:; pathway\.load_growth_per_year does not scale it)?)$"),
     "各时期申报的工业过程 CO2：{v} tCO2/年（process_emissions）：各时期相同{g}"),
])
_WORDS_ZH.update({"; pathway.load_growth_per_year does not scale it": "；pathway.load_growth_per_year 不对其缩放"})
PATTERNS.append((
    (r"^(?P<y>\d{4}): battery '(?P<b>.+)' has (?P<k>[\d,]+) kWh of energy in service but no converter power through "
     r"the period \(the converter it was added to retires within it\): idle in the period's baseline, usable where "
     r"the period builds power$"),
    "{y}：电池“{b}”有 {k} kWh 储能容量在役，但本时期内无在役变流器（其所配的变流器在本时期内退役）：在本时期基准情形中闲置，本时期新建功率后方可使用"))
PATTERNS.append((
    (r"^cold store '(?P<b>.+)' \(cooling setpoint (?P<s>[-\d.]+) °C\) falls below 0 °C in (?P<n>[\d,]+) of the modelled "
     r"hours \(lowest (?P<t>[-\d.]+) °C\): a cold store is heated only where setpoints\.heating_c is given \(e\.g\. 0 °C "
     r"against frost; the heat then comes from its hvac type at its heating efficiency\)$"),
    "冷库“{b}”（供冷设定 {s} °C）在所模拟的 {n} 小时内室温低于 0 °C（最低 {t} °C）：冷库仅在给定 setpoints.heating_c 时才供暖"
    "（如取 0 °C 防冻；热量由其 HVAC 类型按其供热效率提供）"))
PATTERNS.extend([
    (r"^EV fleet '(?P<n>.+)': (?P<p>\d+) % of the fleet's energy need \((?P<m>[\d,]+) MWh battery side\) is not charged "
     r"in the park before the vehicles leave: (?P<u>[\d,]+) of (?P<s>[\d,]+) sessions of the year find no free charger "
     r"\((?P<a>[\d,]+) MWh\), others get one too late to charge fully \((?P<b>[\d,]+) MWh\); that energy is charged "
     r"outside the park and is in neither the baseline nor the plan; more chargers \(ev_fleets\[\]\.chargers\) or "
     r"drivers who free them when charged \(ev_fleets\[\]\.unplug_when_full_share\) bring it into the park$",
     "电动汽车车队“{n}”：车队需求电量的 {p}%（电池侧 {m} MWh）在车辆离开前未能在园区内充入：全年 {s} 次充电会话中有 {u} 次"
     "等不到空闲充电桩（{a} MWh），另有会话接入过晚未能充满（{b} MWh）；这部分电量在园区外充电，既不在基准中也不在规划中；"
     "增加充电桩（ev_fleets[].chargers）或让驾驶员充满后让出充电桩（ev_fleets[].unplug_when_full_share）可将其纳入园区"),
    (r"^EV fleet '(?P<n>.+)': (?P<c>[\d,]+) of (?P<s>[\d,]+) sessions' trips need more than the battery's usable window "
     r"\(min_soc_departure down to min_arrival_soc\): (?P<m>[\d,]+) MWh a year of their driving energy \((?P<p>\d+) %\) "
     r"is in no need of the model \(charged on the road or not driven\); check daily_distance_km_mean, "
     r"consumption_kwh_per_km and battery_kwh$",
     "电动汽车车队“{n}”：{s} 次充电会话中有 {c} 次的行程耗电超过电池可用区间（min_soc_departure 至 min_arrival_soc）："
     "每年 {m} MWh 行驶电量（{p}%）未计入模型需求（视为途中补电或未行驶）；请核对 daily_distance_km_mean、"
     "consumption_kwh_per_km 与 battery_kwh"),
])
PATTERNS.append((r"^EV fleet '(?P<n>.+)': v2g_share (?P<v>[\d.]+) is not used in mode '(?P<m>\w+)' \(only in mode 'v2g'\)$",
                 "电动汽车车队“{n}”：v2g_share {v} 在模式“{m}”下不使用（仅用于 v2g 模式）"))
PATTERNS.append((r"^EV fleet '(?P<n>.+)': the vehicles take at most (?P<v>[\d.]+) kW, so its (?P<c>[\d.]+) kW chargers "
                 r"charge at (?P<s>[\d.]+) kW \(the load, the flexibility and V2G follow the vehicles' power\)$",
                 "电动汽车车队“{n}”：车辆最大接受 {v} kW，故其 {c} kW 充电桩按 {s} kW 充电（负荷、灵活性与 V2G 均按车辆功率）"))
# the notes of the scenario check on the planner's hourly CSV files (twin.hourly_csv), shown in the report
PATTERNS.extend([
    (r"^(?P<f>[^:]+): times label the end of each interval \(first (?P<t>[^)]+)\); read as start-of-interval values$",
     "{f}：时间标记为各时段的结束时刻（首行 {t}），按时段起始值读取"),
    (r"^(?P<f>[^:]+): read with separator (?P<s>'.*') and decimal comma$",
     "{f}：按分隔符 {s} 与小数逗号读取"),
    (r"^(?P<f>[^:]+): 29 February dropped \((?P<n>\d+) rows of a leap year\), the model year has 365 days$",
     "{f}：删去 2 月 29 日（闰年的 {n} 行），模型年为 365 天"),
    (r"^(?P<f>[^:]+): (?P<n>\d+) rows = a leap year: the 60th day \(29 February\) dropped; add a time column to "
     r"say which rows are which$",
     "{f}：{n} 行即闰年：删去第 60 天（2 月 29 日）；请加时间列以标明各行时刻"),
    (r"^(?P<f>[^:]+): quarter-hour data \((?P<n>\d+) rows\) averaged to (?P<h>\d+) hourly means$",
     "{f}：15 分钟数据（{n} 行）平均为 {h} 个小时均值"),
])
