"""Planning-stage scorecard for T/CSUS 66-2023 chapters 7 and 12 (with an optional whole-park estimate).

Measures are computed from the ledger wherever the model knows the quantity and taken
from the planner's :class:`Declarations` otherwise (with the cited evidence). Points come
from a :class:`~twin.assess.rubric.Rubric` (default: the PROVISIONAL one, not official).
Aggregation ([twin-provisional-rubric]; GB/T 50378 method [gbt-50378-2014])::

    Q_j = 100 · earned_j / applicable_max_j        (N/A items removed)
    S   = Σ_j w_j(park type, stage) · Q_j
    QA  = min(Σ chapter-12 points, bonus_cap)
    Q   = Q0 + score_scale · S + QA,  Q0 = base_points if all control items are met
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from twin.assess.declarations import Declarations
from twin.assess.national import core_tier, national_indicators
from twin.assess.rubric import (
    Item,
    Rubric,
    Rule,
    chapter_weights,
    provisional_rubric,
    standard_structure,
)
from twin.ledger import Ledger

#: Temperature grades used to count cascade stages [°C]: ASSUMED by this tool (the rubric names high,
#: medium and low grade without edges): >= 120 °C high grade (power or process), 60–120 °C medium
#: grade (process, absorption cooling, direct heating), < 60 °C low grade (heating, hot water, heat-pump
#: upgrading). Configurable per run as ``ParkInfo.cascade_grade_edges_c``.
CASCADE_GRADE_EDGES_C = (60.0, 120.0)


class ParkInfo(BaseModel):
    """Park facts the scorecard needs besides the dispatch."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    park_type: Literal["manufacturing", "logistics", "office"] = Field(
        ..., description="T/CSUS 66-2023 park type (生产制造/仓储物流/商务办公) [-]."
    )
    stage: Literal["planning", "operation"] = Field("planning", description="Assessment stage [-]. Default planning.")
    industrial: bool | None = Field(
        None, description="Industrial park for 7.2.2 path A and 7.2.4 product path [-]; None = park_type == manufacturing."
    )
    civil_floor_area_m2: float = Field(0.0, ge=0, description="Floor area of civil (non-industrial) buildings [m2].")
    civil_electricity_kwh: float = Field(
        0.0, ge=0, description="Annual electricity use of civil buildings incl. their HVAC [kWh/yr] (for 12.8)."
    )
    civil_heat_kwh: float = Field(
        0.0, ge=0, description="Annual heat delivered to civil buildings [kWh/yr] (for 12.8)."
    )
    heat_uses_kwh: dict[str, float] | None = Field(
        None, description="7.2.2 path B: annual heat by use [kWh/yr], keys 'steam' (process heat above 100 °C or "
        "steam, on its own heat balance), 'steam_waste_heat' (waste heat used there), 'space_heating' and "
        "'hot_water' (on the heat network); None = uses not told apart (the combined share is scored)."
    )
    cascade_grade_edges_c: tuple[float, float] = Field(
        CASCADE_GRADE_EDGES_C, description="7.2.3(b) temperature grade edges (medium from, high from) [°C]; "
        "ASSUMED by the tool, not from the standard. Default (60, 120)."
    )

    @property
    def is_industrial(self) -> bool:
        return self.park_type == "manufacturing" if self.industrial is None else self.industrial


@dataclass
class Measure:
    """One measure: value, applicability and where it came from."""

    name: str
    value: float | str | bool | None
    unit: str
    source: str
    formula: str
    applicable: bool = True
    reason: str = ""
    evidence: str = ""


def _d(v, evidence, name, unit, desc) -> Measure:
    return Measure(name, v, unit, "declared", desc, evidence=evidence or "no evidence cited")


def _grade(t: float, edges) -> str:
    return "high" if t >= edges[1] else ("medium" if t >= edges[0] else "low")


def cascade_stages(ledger: Ledger, waste_heat=None, declarations: Declarations | None = None,
                   edges=CASCADE_GRADE_EDGES_C) -> tuple[int, list[str]]:
    """Cascade stages of the best energy stream and their description (7.2.3 b).

    One stream (a waste-heat source) used in sequence by grade, high → medium → low
    ([twin-provisional-rubric] 7.2.3b): its stages are the grades at which it is used, direct
    use at the grade of its temperature (edges ``edges``, ASSUMED) and heat-pump upgrading as a
    low-grade stage. The process rejecting the heat is not a stage, and two sources each used
    once are two streams of one stage, not one of two. The best stream counts; the planner's
    declared cascade (``cascade_extra_stages``: the stages of one documented stream) is a stream
    of its own. Per-source use comes from ``waste_heat`` (``waste_heat_direct_kwh(waste_heat)``,
    ``waste_heat_to_heat_pump_kwh(waste_heat)``); without it the ledger's totals are one
    source's only where a single source is modelled, else each use counts as its own stream.
    """
    a = ledger.planned.annual
    names, temps, direct, to_hp = [], [], None, None
    if waste_heat is not None and "waste_heat_temperature_c" in waste_heat:
        temps = [float(t) for t in np.atleast_1d(waste_heat["waste_heat_temperature_c"].values)]
        names = ([str(x) for x in np.atleast_1d(waste_heat["waste_heat"].values)] if "waste_heat" in waste_heat.coords
                 else [f"source {i + 1}" for i in range(len(temps))])
        if "waste_heat_direct_kwh" in waste_heat and "waste_heat_to_heat_pump_kwh" in waste_heat:
            direct = [float(x) for x in np.atleast_1d(waste_heat["waste_heat_direct_kwh"].values)]
            to_hp = [float(x) for x in np.atleast_1d(waste_heat["waste_heat_to_heat_pump_kwh"].values)]
    if direct is None:
        if len(temps) <= 1:  # one source (or none named): the totals are its own
            direct, to_hp = [a["q_waste_heat_direct_kwh"]], [a["q_waste_heat_to_heat_pump_kwh"]]
            names, temps = names or ["waste heat"], temps or [float("nan")]
        else:  # several sources, use not split by source: each use is a stream of its own (conservative)
            names, temps = ["direct use", "heat-pump use"], [float("nan"), float("nan")]
            direct, to_hp = [a["q_waste_heat_direct_kwh"], 0.0], [0.0, a["q_waste_heat_to_heat_pump_kwh"]]
    streams: list[tuple[str, list[str]]] = []
    for n, t, dk, hk in zip(names, temps, direct, to_hp):
        st = []
        if dk > 0:
            st.append(f"{_grade(t, edges)}-grade direct use" if math.isfinite(t) else "direct use (grade not known)")
        if hk > 0 and not (st and st[0].startswith("low")):
            st.append("low-grade heat upgraded by heat pump")
        if st:
            streams.append((n, st))
    if declarations is not None and declarations.cascade_extra_stages:
        streams.append(("declared", list(declarations.cascade_extra_stages)))
    if not streams:
        return 0, []
    name, best = max(streams, key=lambda x: len(x[1]))
    desc = [f"best stream '{name}': " + " → ".join(best)]
    desc += [f"'{n}': {' → '.join(st)}" for n, st in streams if n != name]
    desc.append(f"grade edges {edges[0]:g}/{edges[1]:g} °C (ASSUMED, ParkInfo.cascade_grade_edges_c); "
                "the process rejecting the heat is not a stage")
    return len(best), desc


#: Said where the model has no waste-heat source and the planner has not documented its absence.
UNDOCUMENTED_WASTE_HEAT = (" (no waste-heat source in the model and its absence not documented: "
                           "declarations.no_waste_heat_source_documented, with its evidence, makes the item not "
                           "assessed (不参评))")
_F_STEAM = "waste heat used on process heat above 100 °C or steam / that demand"
_F_NET = ("waste heat delivered to the heat network / its heat demand, the same share for its {use} (the network "
          "mixes its supply)")
_F_COMBINED = "heat from waste heat / all heat demand (uses not told apart in this run)"
_NO_USE = " (no such demand in the model: 0)"


def waste_heat_by_use(a: dict, park: ParkInfo, undocumented: str, applicable: bool, reason: str) -> dict[str, Measure]:
    """7.2.2 path B by use ([twin-provisional-rubric]: steam ≥40 %, space heating ≥30 % or hot water
    ≥30 % → 9; any ≥50 % → 15): the waste-heat share of process steam / heat above 100 °C (its own
    heat balance, so the share is exact), and of the heat network's space heating and domestic hot
    water (the network's waste-heat share, the same for every use it carries: the model does not
    tell which use a network kWh went to). Without ``park.heat_uses_kwh`` the combined share of
    all heat demand stands for space heating and the other two read 0."""
    ev = "q_waste_heat_direct_bus_kw, q_waste_heat_source_kw, q_heat_demand_kw, q_process_heat_demand_kw"
    u = park.heat_uses_kwh

    def ms(name, value, formula):
        return Measure(name, value, "1", "computed", formula + undocumented, applicable=applicable,
                       reason=reason, evidence=ev)

    if u is None:
        share = a["waste_heat_heat_share"]
        return {"waste_heat_steam_share": ms("waste_heat_steam_share", 0.0, _F_STEAM + _NO_USE),
                "waste_heat_space_heating_share": ms("waste_heat_space_heating_share",
                                                     share if math.isfinite(share) else 0.0, _F_COMBINED),
                "waste_heat_hot_water_share": ms("waste_heat_hot_water_share", 0.0,
                                                 _F_NET.format(use="domestic hot water") + _NO_USE)}
    steam, steam_wh = u.get("steam", 0.0), u.get("steam_waste_heat", 0.0)
    net_demand = max(a["q_heat_demand_kwh"] - steam, 0.0)
    net_wh = max(a["q_heat_from_waste_heat_kwh"] - steam_wh, 0.0)
    s_net = min(net_wh / net_demand, 1.0) if net_demand > 0 else 0.0
    out = {"waste_heat_steam_share": ms("waste_heat_steam_share", min(steam_wh / steam, 1.0) if steam > 0 else 0.0,
                                        _F_STEAM + ("" if steam > 0 else _NO_USE))}
    for key, use, name in (("space_heating", "space heating", "waste_heat_space_heating_share"),
                           ("hot_water", "domestic hot water", "waste_heat_hot_water_share")):
        has = u.get(key, 0.0) > 0
        out[name] = ms(name, s_net if has else 0.0, _F_NET.format(use=use) + ("" if has else _NO_USE))
    return out


def vpp_dr_measure(a: dict, d: Declarations, flex_model: float, dr_kw: float, peak: float) -> Measure:
    """12.1(2) VPP / demand response: the adjustable capacity the park declares enrolled, per kW of peak.

    Counted: the model's adjustable assets (battery kW, V2G discharge, heat pumps and electric
    boilers with thermal storage) where ``vpp_dr_enrolls_model_assets`` declares them enrolled with
    a VPP operator or under a DR agreement, plus ``demand_response_declared_kw``. Nothing counts
    without such a declaration, so a battery that earns the storage sub-item 12.1(1) is not
    counted a second time as adjustable capacity unless the park enrols it ([twin-provisional-rubric] 12-a).
    """
    enrol = d.vpp_dr_enrolls_model_assets
    enrolled = (flex_model if enrol.value else 0.0) + dr_kw
    share = enrolled / peak if peak > 0 else 0.0
    ev = "; ".join(x for x in (enrol.evidence if enrol.value else "", d.demand_response_declared_kw.evidence if dr_kw
                                else "") if x) or "no evidence cited"
    if enrol.value or dr_kw > 0:
        formula = ("adjustable capacity declared enrolled in VPP / demand response "
                   f"({'model assets ' + format(flex_model, ',.0f') + ' kW' if enrol.value else 'model assets not enrolled'}"
                   f" + declared {dr_kw:,.0f} kW) / peak electric demand {peak:,.0f} kW")
        return Measure("vpp_dr_enrolled_share", share, "1", "declared + model", formula, evidence=ev)
    hp = a["heat_pump_kw"] + a["electric_boiler_kw"] if a["tes_kwh"] > 0 else 0.0
    parts = (f"battery {a['battery_kw']:,.0f} kW, V2G {a['v2g_peak_kw']:,.0f} kW, heat pumps and e-boilers with "
             f"thermal storage {hp:,.0f} kW")
    pct = flex_model / peak if peak > 0 else 0.0
    formula = (f"no VPP / demand-response participation declared, so 0: the plan has {flex_model:,.0f} kW of "
               f"adjustable capacity ({parts}), {pct:.1%} of the {peak:,.0f} kW peak; declaring it enrolled "
               "(declarations.vpp_dr_enrolls_model_assets, or demand_response_declared_kw, with the aggregation "
               "contract or DR agreement as evidence) earns this sub-item")
    return Measure("vpp_dr_enrolled_share", 0.0, "1", "declared + model", formula,
                   evidence="declarations.vpp_dr_enrolls_model_assets, demand_response_declared_kw")


def compute_measures(ledger: Ledger, declarations: Declarations, park: ParkInfo, waste_heat=None) -> dict[str, Measure]:
    """All measures the rubric can use, from the ledger (planned case) and the declarations."""
    a, d, m = ledger.planned.annual, declarations, {}
    k_el = ledger.settings.electricity_kgce_per_kwh
    m["renewable_share"] = Measure("renewable_share", a["renewable_share"], "1", "computed",
                                   "(PV self-consumed + green power + certificates) / total tce",
                                   evidence="e_pv_self_consumed_kwh, green_*_credited_mwh, tce_total_tce")
    m["onsite_renewable_share"] = Measure("onsite_renewable_share", a["onsite_renewable_share"], "1", "computed",
                                          "PV self-consumed / total tce", evidence="p_pv_kw, p_grid_export_kw")
    # 7.2.2 is 不参评 (N/A) only where the park documents that it has no recoverable waste heat or no
    # stable heat demand (provisional rubric 7.2.2, Shanghai 5.5.1): a park that models no source and
    # documents nothing uses none, 0 points, and the formula says how to document it. Before, path B
    # was N/A by itself where the model had no central heat demand ("no heat demand"), e.g. Qingdao's
    # split-AC heating.
    no_wh = d.no_waste_heat_source_documented.value
    no_avail = a["q_waste_heat_available_kwh"] <= 0
    reason = "planner documents no recoverable waste heat / stable heat demand" if no_wh else ""
    undocumented = UNDOCUMENTED_WASTE_HEAT if no_avail else ""
    ind = park.is_industrial
    m["waste_heat_utilisation_share"] = Measure(
        "waste_heat_utilisation_share", 0.0 if no_avail else a["waste_heat_utilisation_share"], "1", "computed",
        "waste heat used (direct + to heat pumps) / recoverable" + undocumented,
        applicable=ind and not no_wh,
        reason=reason if ind else "path A is for industrial parks", evidence="q_waste_heat_direct_kw, q_waste_heat_source_kw, q_waste_heat_available_kw")
    why_b = "path B is for non-industrial parks" if ind else reason
    share = a["waste_heat_heat_share"]
    m["waste_heat_heat_share"] = Measure(
        "waste_heat_heat_share", share if math.isfinite(share) else 0.0, "1", "computed",
        "heat from waste heat / heat demand" + undocumented, applicable=(not ind) and not no_wh, reason=why_b,
        evidence="q_waste_heat_direct_kw, q_waste_heat_source_kw, q_heat_demand_kw")
    m.update(waste_heat_by_use(a, park, undocumented, applicable=(not ind) and not no_wh, reason=why_b))
    m["cchp_efficiency"] = Measure("cchp_efficiency", d.cchp_annual_efficiency.value, "1", "declared",
                                   "CCHP annual overall efficiency", applicable=d.has_cchp,
                                   reason="no CCHP / combustion energy station", evidence=d.cchp_annual_efficiency.evidence)
    n, stages = cascade_stages(ledger, waste_heat, d, park.cascade_grade_edges_c)
    m["cascade_stages"] = Measure("cascade_stages", float(n), "stages", "computed",
                                  "; ".join(stages) or "no recovered heat used",
                                  evidence="waste_heat_temperature_c, q_waste_heat_direct_kw, q_waste_heat_source_kw")
    m["energy_saving_equipment_share"] = _d(d.energy_saving_equipment_share.value, d.energy_saving_equipment_share.evidence,
                                            "energy_saving_equipment_share", "1", "declared capacity share")
    m["product_energy_grade2_share"] = _d(d.product_energy_grade2_share.value, d.product_energy_grade2_share.evidence,
                                          "product_energy_grade2_share", "1", "declared output share")
    if not ind:
        m["product_energy_grade2_share"].applicable = False
        m["product_energy_grade2_share"].reason = "product path is for industrial parks"
    for f in ("metering_by_category", "metering_automation", "microgrid_islanding", "autonomous_driving",
              "ai_compute_infrastructure", "certified_zero_energy_building", "green_construction",
              "carbon_platform_models", "other_innovation"):
        fl = getattr(d, f)
        m[f] = _d(fl.value, fl.evidence, f, "-", "declared flag")
    for f in ("metering_end_use_coverage", "v2g_charger_share", "energy_intensity_further_reduction",
              "near_zero_building_share", "pedf_floor_area_share"):
        sh = getattr(d, f)
        m[f] = _d(sh.value, sh.evidence, f, "1", "declared share")
    m["pedf_building_count"] = _d(d.pedf_building_count.value, d.pedf_building_count.evidence, "pedf_building_count", "-", "declared count")
    m["ems_tier"] = _d(d.ems_tier.value, d.ems_tier.evidence, "ems_tier", "-", "declared tier")
    pv, bat = a["pv_kwp"], a["battery_kwh"]
    m["storage_to_pv_2h_ratio"] = Measure("storage_to_pv_2h_ratio", bat / (2.0 * pv) if pv > 0 else 0.0, "1",
                                          "computed", "battery_kwh / (pv_kwp × 2 h)", evidence="sizes battery_kwh, pv_kwp")
    flex_model = a["battery_kw"] + a["v2g_peak_kw"] + (a["heat_pump_kw"] + a["electric_boiler_kw"] if a["tes_kwh"] > 0 else 0.0)
    dr_kw = d.demand_response_declared_kw.value or 0.0
    flex = flex_model + dr_kw
    peak = a["peak_electric_demand_kw"]
    m["flexible_capacity_share"] = Measure(
        "flexible_capacity_share", flex / peak if peak > 0 else 0.0, "1", "computed",
        "(battery_kw + V2G peak + heat pump & e-boiler kW if TES + declared DR kW) / peak electric demand",
        evidence="sizes, p_ev_discharge_kw, demand_response_declared_kw")
    m["vpp_dr_enrolled_share"] = vpp_dr_measure(a, d, flex_model, dr_kw, peak)
    m["v2g_peak_kw"] = Measure("v2g_peak_kw", a["v2g_peak_kw"], "kW", "computed", "max_t Σ p_ev_discharge_kw",
                               evidence="p_ev_discharge_kw")
    tier = core_tier(a["tce_total_tce"], ledger.settings)
    ci = a["carbon_intensity_tco2_per_tce"]
    thr = tier["threshold_tco2_per_tce"]  # None below the first tier without the planner's value: not judged
    m["carbon_intensity_headroom"] = Measure(
        "carbon_intensity_headroom", 1.0 - ci / thr if math.isfinite(ci) and thr else None, "1",
        "computed", f"1 − intensity / {thr} ({tier['tier']})" if thr else
        "not judged: 910号 gives no threshold below the first tier (accounting.core_threshold_below_tier_tco2_per_tce "
        "states one)", evidence="carbon_intensity_tco2_per_tce")
    rem = d.negative_emission_removals_t.value
    gross = a["co2_gross_t"]
    m["negative_emission_share"] = Measure("negative_emission_share", (rem / gross) if (rem is not None and gross > 0) else None,
                                           "1", "declared/computed", "declared removals / gross CO2",
                                           evidence=d.negative_emission_removals_t.evidence or "no evidence cited")
    model_sgls = a["pv_kwp"] > 0 and (a["battery_kwh"] > 0 or a["tes_kwh"] > 0) and flex > 0
    sg = d.source_grid_load_storage_project
    m["source_grid_load_storage"] = Measure(
        "source_grid_load_storage", bool(sg.value and model_sgls), "-", "declared + model",
        "declared approved project AND model has PV, storage and flexible capacity",
        evidence=(sg.evidence or "no evidence cited") + f"; model check {'passed' if model_sgls else 'failed'}")
    cov, sav = d.ai_control_coverage.value, d.ai_control_verified_savings.value
    m["ai_control_savings"] = Measure("ai_control_savings", (sav if (cov or 0) >= 0.5 else 0.0) if sav is not None else None,
                                      "1", "declared", "verified savings, counted when coverage ≥ 50 %",
                                      evidence=d.ai_control_verified_savings.evidence or "no evidence cited")
    el = a["e_electricity_consumption_kwh"]
    if park.civil_electricity_kwh > 0 and el > 0:
        alpha_h = park.civil_heat_kwh / a["q_heat_demand_kwh"] if a["q_heat_demand_kwh"] > 0 else 0.0
        prim = park.civil_electricity_kwh * k_el / 1000.0 + alpha_h * (a["tce_fuels_tce"] + a["tce_heat_import_tce"])
        ren = park.civil_electricity_kwh / el * a["tce_pv_self_consumed_tce"]
        m["civil_renewable_primary_share"] = Measure(
            "civil_renewable_primary_share", ren / prim if prim > 0 else 0.0, "1", "computed",
            "civil share of PV self-consumed / (civil electricity × basis + civil heat share × fuels & bought heat)",
            evidence="ParkInfo.civil_electricity_kwh, civil_heat_kwh, e_pv_self_consumed_kwh")
    else:
        m["civil_renewable_primary_share"] = Measure("civil_renewable_primary_share", None, "1", "computed", "",
                                                     applicable=False, reason="no civil building energy use given")
    return m


def _rule_points(rule: Rule, value) -> float:
    if value is None:
        return 0.0
    if rule.kind == "flag":
        return float(rule.flag_points) if bool(value) else 0.0
    if rule.kind == "tier":
        return float(rule.tier_points.get(str(value), 0.0))
    pts = 0.0
    for th, p in rule.bands:
        if float(value) >= th - 1e-12:
            pts = p
    return float(pts)


def _band_text(rule: Rule, value) -> str:
    if rule.kind == "bands" and value is not None:
        reached = [th for th, _ in rule.bands if float(value) >= th - 1e-12]
        return f">= {reached[-1]:g}" if reached else f"< {rule.bands[0][0]:g}"
    return str(value)


def score_item(item: Item, measures: dict[str, Measure]) -> dict:
    """Score one item: groups add up, rules within a group are alternatives (max).

    Returns a dict with ``points``, ``applicable_max``, ``applicable`` and ``rules`` rows.
    """
    groups: dict[str, list[dict]] = {}
    for r in item.rules:
        ms = measures[r.measure]
        row = {
            "id": r.id, "group": r.group, "name_zh": r.name_zh, "name_en": r.name_en, "measure": r.measure,
            "value": ms.value, "unit": ms.unit, "source": ms.source, "formula": ms.formula, "inputs": ms.evidence,
            "applicable": ms.applicable, "reason": ms.reason, "max_points": r.max_points,
            "band": _band_text(r, ms.value) if ms.applicable else "N/A",
            "points": _rule_points(r, ms.value) if ms.applicable else 0.0,
            "kind": r.kind, "bands": [list(b) for b in r.bands] if r.bands else None,
            "flag_points": r.flag_points, "tier_points": dict(r.tier_points) if r.tier_points else None,
            "declared_missing": ms.source == "declared" and ms.value is None,
            "provisional": r.provisional, "analogue": r.analogue, "tag": r.tag, "rule_source": r.source,
        }
        groups.setdefault(r.group, []).append(row)
    earned, app_max = 0.0, 0.0
    for rows in groups.values():
        app = [x for x in rows if x["applicable"]]
        if app:
            earned += max(x["points"] for x in app)
            app_max += max(x["max_points"] for x in app)
    app_max = min(app_max, item.max_points)
    return {
        "points": min(earned, item.max_points), "applicable_max": app_max, "max_points": item.max_points,
        "applicable": app_max > 0, "rules": [x for rows in groups.values() for x in rows],
        "provisional": item.provisional, "analogue": item.analogue, "tag": item.tag, "rule_source": item.source,
    }


@dataclass
class Scorecard:
    """Result of :func:`assess`. See :meth:`to_dict` for the documented keys."""

    rubric: Rubric
    park: ParkInfo
    items: list[dict]
    control_items: list[dict]
    chapters: dict[str, dict]
    aggregate: dict
    national: dict
    measures: dict[str, Measure]
    improvements: list[dict] = field(default_factory=list)

    @property
    def disclaimer(self) -> str:
        if self.rubric.is_provisional:
            return (f"Rubric '{self.rubric.rubric_id}': PROVISIONAL values modelled on analogous standards; "
                    "they are NOT the official T/CSUS 66-2023 values. 暂定评分规则，非标准官方分值。")
        return f"Rubric '{self.rubric.rubric_id}' (declared official by the user)."

    def to_dict(self) -> dict:
        """JSON-safe summary for summary.json.

        Keys: ``rubric`` (id, official, provisional, disclaimer), ``park``, ``control_items``,
        ``items`` (per item: id, chapter, names, points, applicable_max, rules with value, band,
        inputs, provenance), ``chapters`` (Q_j, weight, source), ``aggregate`` (Q0, S, QA, Q,
        pass, tier, missing chapters), ``national`` (910号 indicators), ``improvements``.
        """
        from twin.io import json_safe

        return json_safe({
            "rubric": {"id": self.rubric.rubric_id, "official": self.rubric.official,
                       "provisional": self.rubric.is_provisional, "disclaimer": self.disclaimer},
            "park": self.park.model_dump(), "control_items": self.control_items, "items": self.items,
            "chapters": self.chapters, "aggregate": self.aggregate, "national": self.national,
            "improvements": self.improvements,
        })

    def to_attrs(self) -> dict:
        """Flat attrs (str/float/int) for results.nc.

        Keys carry no ``scorecard_`` prefix: the writer adds it (``scorecard_Q``,
        ``scorecard_national_core_tier``, ...).
        """
        ag, out = self.aggregate, {}
        out["rubric_id"] = self.rubric.rubric_id
        out["rubric_provisional"] = int(self.rubric.is_provisional)
        out["disclaimer"] = self.disclaimer
        for k in ("Q", "S", "QA", "Q0", "chapter7_Q", "chapter7_weighted_contribution"):
            v = ag.get(k)
            out[k] = float(v) if v is not None else float("nan")
        out["pass"] = {True: "pass", False: "fail", None: "not estimated"}[ag.get("pass")]
        for it in self.items:
            out[f"item_{it['id']}_points"] = float(it["points"])
            out[f"item_{it['id']}_applicable_max"] = float(it["applicable_max"])
        core = self.national["core"]
        out["national_core_tco2_per_tce"] = float(core["value_tco2_per_tce"])
        out["national_core_tier"] = core["tier"]
        out["national_core_pass"] = str(core["pass"])
        return out


def assess(
    ledger: Ledger,
    declarations: Declarations,
    park: ParkInfo,
    *,
    rubric: Rubric | None = None,
    waste_heat=None,
    n_improvements: int = 5,
) -> Scorecard:
    """Score chapters 7 and 12 and aggregate with declared chapters.

    Parameters
    ----------
    ledger : Ledger
        From :func:`twin.ledger.build_ledger`.
    declarations : Declarations
        Planner declarations with evidence.
    park : ParkInfo
        Park type, stage, industrial flag, civil building energy.
    rubric : Rubric, optional
        Default: the bundled provisional rubric.
    waste_heat : xarray.Dataset, optional
        With ``waste_heat_temperature_c(waste_heat)`` [°C] for the cascade count.
    n_improvements : int
        Number of improvement options to keep.
    """
    rubric = rubric or provisional_rubric()
    struct = standard_structure()["chapters"]
    names = {it["id"]: it for ch in struct.values() for it in ch["score_items"] + ch["control_items"]}
    measures = compute_measures(ledger, declarations, park, waste_heat)
    items = []
    for it in rubric.items:
        r = score_item(it, measures)
        items.append({"id": it.id, "chapter": it.id.split(".")[0], "name_zh": names[it.id]["name_zh"],
                      "name_en": names[it.id]["name_en"], **r})
    # control items
    a = ledger.planned.annual
    uses = a["e_pv_self_consumed_kwh"] > 0 or a["green_electricity_credited_kwh"] > 0 or a["q_waste_heat_used_kwh"] > 0
    plan = declarations.energy_plan_with_targets
    c1 = bool(plan.value and uses)
    c1_why = (f"plan declared: {plan.value} ({plan.evidence or 'no evidence cited'}); model assessed PV, storage, heat pumps "
              f"and waste heat in this run and uses renewables or waste heat: {uses}")
    mb = declarations.metering_management_baseline
    control = [
        {"id": "7.1.1", "name_zh": names["7.1.1"]["name_zh"], "name_en": names["7.1.1"]["name_en"], "met": c1,
         "evidence": c1_why, "source": "declared + model"},
        {"id": "7.1.2", "name_zh": names["7.1.2"]["name_zh"], "name_en": names["7.1.2"]["name_en"], "met": bool(mb.value),
         "evidence": mb.evidence or "no evidence cited", "source": "declared"},
    ]
    ch7 = [i for i in items if i["chapter"] == "7"]
    earned7 = sum(i["points"] for i in ch7)
    max7 = sum(i["applicable_max"] for i in ch7)
    q7 = 100.0 * earned7 / max7 if max7 > 0 else 0.0
    weights = chapter_weights(park.park_type, park.stage)
    chapters = {"7": {"Q": q7, "earned": earned7, "applicable_max": max7, "weight": weights["7"],
                      "control_items_met": all(c["met"] for c in control), "source": "model + declarations"}}
    for ch, decl in declarations.chapters.items():
        if weights.get(ch) is None:
            continue
        chapters[ch] = {"Q": decl.score_0_100, "weight": weights[ch], "control_items_met": decl.control_items_met,
                        "source": f"declared: {decl.evidence or 'no evidence cited'}"}
    bonus_raw = sum(i["points"] for i in items if i["chapter"] == "12")
    ag = rubric.aggregation
    qa = min(bonus_raw, float(ag.bonus_cap.value))
    basic = [c for c, w in weights.items() if w is not None and c != "12"]
    missing = [c for c in basic if c not in chapters]
    scale = float(ag.score_scale.value)
    agg = {"chapter7_Q": q7, "chapter7_weighted_contribution": weights["7"] * q7,
           "chapter7_contribution_to_Q": scale * weights["7"] * q7, "bonus_raw": bonus_raw, "QA": qa,
           "bonus_cap": ag.bonus_cap.value, "missing_chapters": missing, "weights": weights}
    all_ctrl = all(c["control_items_met"] for c in chapters.values())
    agg["control_items_met"] = all_ctrl
    if missing:
        agg.update(S=None, Q0=None, Q=None, tier=None, **{"pass": None},
                   note=f"whole-park estimate needs declared chapters {_and(missing)}; chapter 7 and 12 shown alone")
    else:
        s = sum(weights[c] * chapters[c]["Q"] for c in basic)
        q0 = float(ag.base_points.value) if all_ctrl else 0.0
        q = q0 + scale * s + qa
        floor = ag.chapter_floor.value
        floor_ok = floor is None or all(chapters[c]["Q"] >= floor for c in basic)
        test = q if ag.pass_test.value == "total" else s
        ok = all_ctrl and floor_ok and test >= float(ag.pass_threshold.value)
        tiers = [t for t in ag.tiers.value if q >= t] if all_ctrl else []
        agg.update(S=s, Q0=q0, Q=q, **{"pass": ok}, floor_ok=floor_ok,
                   tier=(f"tier {len(tiers)} (>= {tiers[-1]})" if tiers else None),
                   note="not rated (不达标): a control item is not met" if not all_ctrl else "")
    sc = Scorecard(rubric=rubric, park=park, items=items, control_items=control, chapters=chapters, aggregate=agg,
                   national=national_indicators(ledger, declarations), measures=measures)
    from twin.assess.improve import improvement_options

    sc.improvements = improvement_options(sc, ledger, top=n_improvements)
    return sc


def _and(items: list[str]) -> str:
    """``['4', '6', '8']`` -> ``"4, 6, 8"`` (a note's words, not a Python list's repr)."""
    return ", ".join(str(x) for x in items)
