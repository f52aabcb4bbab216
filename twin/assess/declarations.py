"""What the planner declares for the T/CSUS 66-2023 scorecard and the 910号 indicators.

Items the simulation cannot compute come from the planner, each with the document it
cites (``evidence``). A declaration left at its default (``None`` / ``False``) scores
nothing; it is never guessed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_CFG = ConfigDict(extra="forbid", frozen=True)


class Flag(BaseModel):
    """A yes/no declaration with the document that supports it."""

    model_config = _CFG
    value: bool = Field(False, description="Whether the requirement is met [-]. Default False.")
    evidence: str = Field("", description="Document the planner cites (title, section, date) [-].")


class Share(BaseModel):
    """A declared share with its evidence."""

    model_config = _CFG
    value: float | None = Field(None, ge=0.0, le=1.0, description="Declared share [-] (0–1); None = not declared.")
    evidence: str = Field("", description="Document the planner cites [-].")


class Quantity(BaseModel):
    """A declared non-negative quantity with its evidence."""

    model_config = _CFG
    value: float | None = Field(None, ge=0.0, le=1e12, description="Declared value, unit in the field description; None = not declared.")
    evidence: str = Field("", description="Document the planner cites [-].")


class Tier(BaseModel):
    """A declared tier of the smart energy management system (7.2.6)."""

    model_config = _CFG
    value: Literal["none", "L1", "L2", "L3", "L4"] = Field(
        "none",
        description=(
            "Highest tier fully met [-]: L1 monitoring ≥90 % of use; L2 + diagnosis/alarms; "
            "L3 + forecasting and closed-loop dispatch; L4 + real-time carbon accounting and "
            "DR/VPP interface ([twin-provisional-rubric]). Default 'none'."
        ),
    )
    evidence: str = Field("", description="Document the planner cites [-].")


class ChapterDeclaration(BaseModel):
    """Planner's own estimate for a chapter the model does not assess (4–6, 8–11)."""

    model_config = _CFG
    control_items_met: bool = Field(..., description="All control items (控制项) of the chapter met [-].")
    score_0_100: float = Field(..., ge=0.0, le=100.0, description="Chapter score Q_j on the 0–100 scale [points].")
    evidence: str = Field("", description="Document the planner cites (self-assessment table etc.) [-].")


def _flag(desc: str) -> Flag:
    return Field(default_factory=Flag, description=desc)


def _share(desc: str) -> Share:
    return Field(default_factory=Share, description=desc)


def _qty(desc: str) -> Quantity:
    return Field(default_factory=Quantity, description=desc)


class Declarations(BaseModel):
    """Planner declarations for T/CSUS 66-2023 chapters 7 and 12 and 910号 annex 3."""

    model_config = _CFG

    # --- chapter 7 control items ----------------------------------------------------------
    energy_plan_with_targets: Flag = _flag(
        "7.1.1: park energy / 碳达峰碳中和 plan with a renewable-share target, a 单位能耗碳排放 "
        "target and a timeline [-]. The model's own assessment of renewables and waste heat is "
        "added as evidence automatically."
    )
    metering_management_baseline: Flag = _flag(
        "7.1.2: meters to GB 17167 read remotely, no 淘汰目录 equipment, park energy-monitoring "
        "platform exists; efficiency and consumption limits met [-]."
    )
    # --- chapter 7 score items -------------------------------------------------------------
    energy_saving_equipment_share: Share = _share(
        "7.2.4: share by installed capacity of key equipment at 能效1级 or the 节能评价值 [-]."
    )
    product_energy_grade2_share: Share = _share(
        "7.2.4 alternative path and 910号 guiding indicator: share of output whose unit product "
        "energy reaches at least grade 2 of the GB energy-consumption limit standards [-]."
    )
    metering_by_category: Flag = _flag(
        "7.2.5(a): electricity, gas, heat, cold, water and on-site renewables metered separately "
        "at park boundary and enterprise/building level [-]."
    )
    metering_end_use_coverage: Share = _share(
        "7.2.5(b): share of consumption covered by level-3 meters on major systems [-]."
    )
    metering_automation: Flag = _flag(
        "7.2.5(c): automatic remote reading, ≤15 min electricity / ≤1 h others, data kept ≥1 year, "
        "meters ≥1.0 class, CTs ≥0.5 class [-]."
    )
    ems_tier: Tier = Field(default_factory=Tier, description="7.2.6: smart energy management system tier [-].")
    has_cchp: bool = Field(
        False, description="7.2.3(a): the park has CCHP / a combustion-based distributed energy station [-]."
    )
    cchp_annual_efficiency: Share = _share(
        "7.2.3(a): CCHP annual comprehensive energy efficiency [-] (only if has_cchp)."
    )
    cascade_extra_stages: list[str] = Field(
        default_factory=list,
        description=(
            "7.2.3(b): the stages of one energy stream used in sequence by grade (high → medium → "
            "low), in order, each described with its document (e.g. 'high-grade steam → turbine, "
            "design report §4'); counted as a stream of its own beside the modelled ones, the best "
            "stream scores; list the stream's modelled stages too [-]."
        ),
    )
    no_waste_heat_source_documented: Flag = _flag(
        "7.2.2: documented absence of recoverable waste heat or of stable heat demand → item "
        "不参评 (N/A) [-]."
    )
    # --- chapter 12 ------------------------------------------------------------------------
    microgrid_islanding: Flag = _flag("12.1(1): microgrid able to island, critical loads kept ≥2 h [-].")
    vpp_dr_enrolls_model_assets: Flag = _flag(
        "12.1(2): the plan's adjustable assets (battery power, V2G discharge, heat pumps and electric "
        "boilers with thermal storage) are enrolled with a virtual-power-plant operator or under a "
        "demand-response agreement; evidence: the aggregation contract or DR agreement [-]. Without it "
        "(or demand_response_declared_kw) the VPP / DR sub-item scores 0: a battery that earns the "
        "storage sub-item 12.1(1) is not counted again as adjustable capacity unless it is enrolled."
    )
    demand_response_declared_kw: Quantity = _qty(
        "12.1(2): adjustable capacity enrolled under VPP/DR contracts beyond the model's assets [kW]."
    )
    v2g_charger_share: Share = _share("12.1(3): V2G bidirectional chargers as a share of public chargers [-].")
    energy_intensity_further_reduction: Share = _share(
        "12.2 alternative path: annual further reduction of energy intensity below the local target [-]."
    )
    negative_emission_removals_t: Quantity = _qty(
        "12.3: measured and verified removals (CCUS, BECCS, DAC, biochar, 碳汇) per year [tCO2/yr]."
    )
    autonomous_driving: Flag = _flag("12.4: autonomous driving and vehicle-road coordination in operation [-].")
    ai_compute_infrastructure: Flag = _flag(
        "12.5: intelligent computing / large models used for infrastructure management [-]."
    )
    near_zero_building_share: Share = _share(
        "12.6: ultra-low / near-zero energy buildings (GB/T 51350) as a share of new civil floor area [-]."
    )
    certified_zero_energy_building: Flag = _flag("12.6: at least one certified zero-energy building [-].")
    pedf_building_count: Quantity = _qty("12.7: number of 光储直柔 (PEDF) buildings [-].")
    pedf_floor_area_share: Share = _share("12.7: PEDF buildings as a share of park building floor area [-].")
    source_grid_load_storage_project: Flag = _flag(
        "12.7: approved and operating park-level 源网荷储一体化 project [-]; awarded only if the "
        "model also has on-site generation, storage and flexible load."
    )
    green_construction: Flag = _flag("12.9: green construction technology applied to building works [-].")
    ai_control_coverage: Share = _share(
        "12.10: share of HVAC / energy-station capacity under AI or model-predictive control [-]."
    )
    ai_control_verified_savings: Share = _share("12.10: M&V-verified savings of that control [-].")
    carbon_platform_models: Flag = _flag(
        "12.11: carbon platform has built-in carbon accounting, abatement-potential and carbon "
        "profit/loss models [-]."
    )
    other_innovation: Flag = _flag("12.12: other innovation judged significant by reviewers [-].")
    # --- 910号 declared guiding indicators ----------------------------------------------
    industrial_solid_waste_use: Share = _share("910号 guiding: 工业固体废物综合利用率 [-].")
    industrial_water_reuse: Share = _share("910号 guiding: 工业用水重复利用率 [-].")
    guiding_excluded: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "910号 guiding indicators the park excludes for lack of conditions, key → explanation "
            "[-]; keys: clean_energy_share, product_energy_grade2_share, industrial_solid_waste_use, "
            "waste_heat_utilisation, industrial_water_reuse."
        ),
    )
    # --- other chapters --------------------------------------------------------------------
    chapters: dict[Literal["4", "5", "6", "8", "9", "10", "11"], ChapterDeclaration] = Field(
        default_factory=dict,
        description=(
            "Optional planner estimates for chapters the model does not assess, for a whole-park "
            "estimate; chapter number → declaration [-]."
        ),
    )
