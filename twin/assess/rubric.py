"""Scoring rubric as data: schema, loading and validation.

The bundled ``data/rubric_provisional.yaml`` is PROVISIONAL (built from analogous
standards, [twin-provisional-rubric]). A user with the official values
writes a file in the same format and passes it to :func:`load_rubric`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Tag = Literal["official", "V-T", "V-M", "S", "R", "J"]

#: Measures the scorecard can evaluate (computed from the run or declared).
MEASURES = frozenset(
    {
        "renewable_share", "onsite_renewable_share", "waste_heat_utilisation_share", "waste_heat_heat_share",
        "waste_heat_steam_share", "waste_heat_space_heating_share", "waste_heat_hot_water_share",
        "cchp_efficiency", "cascade_stages", "energy_saving_equipment_share", "product_energy_grade2_share",
        "metering_by_category", "metering_end_use_coverage", "metering_automation", "ems_tier",
        "storage_to_pv_2h_ratio", "microgrid_islanding", "flexible_capacity_share", "vpp_dr_enrolled_share",
        "v2g_peak_kw",
        "v2g_charger_share", "carbon_intensity_headroom", "energy_intensity_further_reduction",
        "negative_emission_share", "autonomous_driving", "ai_compute_infrastructure", "near_zero_building_share",
        "certified_zero_energy_building", "pedf_building_count", "pedf_floor_area_share",
        "source_grid_load_storage", "civil_renewable_primary_share", "green_construction", "ai_control_savings",
        "carbon_platform_models", "other_innovation",
    }
)

#: Score items the scorecard evaluates; a rubric must define each of them.
REQUIRED_ITEMS = ("7.2.1", "7.2.2", "7.2.3", "7.2.4", "7.2.5", "7.2.6") + tuple(f"12.{i}" for i in range(1, 13))
REQUIRED_CONTROL_ITEMS = ("7.1.1", "7.1.2")

_CFG = ConfigDict(extra="forbid", frozen=True)


class _Prov(BaseModel):
    model_config = _CFG
    provisional: bool = Field(..., description="True when the number is not the standard's official value [-].")
    analogue: str = Field(..., description="Analogous published rule the number copies, or 'official' [-].")
    source: str = Field(..., description="Where the analogue or official clause was read (URL, clause) [-].")
    tag: Tag = Field(..., description="Verification tag: official, V-T, V-M, S, R or J (judgement) [-].")


class Param(_Prov):
    """An aggregation parameter with its provenance."""

    value: Any = Field(..., description="Parameter value; unit given by the parameter's role [points or -].")


class Rule(_Prov):
    """One sub-indicator of a score item."""

    id: str = Field(..., description="Sub-item id within the item, e.g. 'a' [-].")
    group: str = Field(..., description="Rules in one group are alternatives (max); groups add up [-].")
    measure: str = Field(..., description="Name of the measure evaluated, one of MEASURES [-].")
    kind: Literal["bands", "flag", "tier"] = Field(..., description="Rule type [-].")
    max_points: float = Field(..., gt=0, description="Maximum points of the rule [points].")
    bands: list[tuple[float, float]] | None = Field(
        None, description="(threshold, points) pairs, ascending; highest band reached with >= [measure unit, points]."
    )
    flag_points: float | None = Field(None, ge=0, description="Points when the flag is true [points].")
    tier_points: dict[str, float] | None = Field(None, description="Points by tier name [points].")
    name_zh: str = Field(..., description="Chinese name [-].")
    name_en: str = Field(..., description="English name [-].")

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; known: {', '.join(sorted(MEASURES))}")
        if self.kind == "bands":
            if not self.bands:
                raise ValueError("kind 'bands' needs a non-empty `bands` list of [threshold, points]")
            th = [b[0] for b in self.bands]
            pts = [b[1] for b in self.bands]
            if th != sorted(th) or len(set(th)) != len(th):
                raise ValueError(f"band thresholds must be strictly ascending, got {th}")
            if pts != sorted(pts) or min(pts) < 0:
                raise ValueError(f"band points must be non-negative and non-decreasing, got {pts}")
            if max(pts) > self.max_points:
                raise ValueError(f"band points {max(pts)} exceed max_points {self.max_points}")
        if self.kind == "flag" and (self.flag_points is None or self.flag_points > self.max_points):
            raise ValueError("kind 'flag' needs flag_points <= max_points")
        if self.kind == "tier" and (not self.tier_points or max(self.tier_points.values()) > self.max_points):
            raise ValueError("kind 'tier' needs tier_points with values <= max_points")
        return self


class Item(_Prov):
    """A score item (评分项) with its rules."""

    id: str = Field(..., description="Item id, e.g. '7.2.1' [-].")
    max_points: float = Field(..., gt=0, description="Item maximum [points].")
    rules: list[Rule] = Field(..., min_length=1, description="Sub-indicators [-].")


class ControlItem(_Prov):
    """A control item (控制项) check."""

    id: str = Field(..., description="Control item id, e.g. '7.1.1' [-].")
    check: str = Field(..., description="What is checked [-].")


class Aggregation(BaseModel):
    """Aggregation parameters (each with provenance)."""

    model_config = _CFG
    base_points: Param = Field(..., description="Q0 when all control items are met [points].")
    score_scale: Param = Field(..., description="Factor on the weighted score-item total S [-].")
    bonus_cap: Param = Field(..., description="Cap on chapter-12 points QA [points].")
    pass_threshold: Param = Field(..., description="Pass mark [points].")
    pass_test: Param = Field(..., description="'total' (Q) or 'score_items' (S) [-].")
    chapter_floor: Param = Field(..., description="Minimum chapter score Q_j or null [points].")
    tiers: Param = Field(..., description="Ascending tier thresholds on Q [points].")

    @model_validator(mode="after")
    def _check(self) -> Aggregation:
        if self.pass_test.value not in ("total", "score_items"):
            raise ValueError("aggregation.pass_test.value must be 'total' or 'score_items'")
        t = self.tiers.value
        if not isinstance(t, list) or t != sorted(t):
            raise ValueError("aggregation.tiers.value must be an ascending list of points")
        return self


class Rubric(BaseModel):
    """A complete rubric for chapters 7 and 12 plus aggregation."""

    model_config = _CFG
    rubric_id: str = Field(..., description="Identifier reported with every result [-].")
    official: bool = Field(..., description="True only for the standard's official values [-].")
    title: str = Field(..., description="Human-readable title [-].")
    aggregation: Aggregation = Field(..., description="Aggregation parameters [-].")
    control_items: list[ControlItem] = Field(..., description="Control item checks [-].")
    items: list[Item] = Field(..., description="Score items [-].")

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        ids = [i.id for i in self.items]
        missing = [i for i in REQUIRED_ITEMS if i not in ids]
        if missing:
            raise ValueError(f"rubric lacks score items {missing}; every one of {list(REQUIRED_ITEMS)} is needed")
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate score items {sorted(dup)}")
        cids = [c.id for c in self.control_items]
        if [c for c in REQUIRED_CONTROL_ITEMS if c not in cids]:
            raise ValueError(f"rubric needs control items {list(REQUIRED_CONTROL_ITEMS)}")
        if self.official and self.is_provisional:
            raise ValueError("a rubric marked official: true must not contain provisional: true values")
        return self

    def item(self, item_id: str) -> Item:
        """The score item with this id."""
        return next(i for i in self.items if i.id == item_id)

    @property
    def is_provisional(self) -> bool:
        """True when any number in the rubric is provisional."""
        params = [getattr(self.aggregation, f) for f in Aggregation.model_fields]
        return any(p.provisional for p in params) or any(
            i.provisional or any(r.provisional for r in i.rules) for i in self.items
        ) or any(c.provisional for c in self.control_items)


class RubricError(ValueError):
    """A rubric file that does not follow the schema (message lists every problem)."""


def _format_errors(path: str, err: ValidationError) -> str:
    lines = [f"rubric file {path} is invalid ({err.error_count()} problem(s)):"]
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        lines.append(f"  - {loc}: {e['msg']}")
    return "\n".join(lines)


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate a rubric YAML file.

    Parameters
    ----------
    path : str or Path
        A file in the format of ``twin/assess/data/rubric_provisional.yaml``.

    Raises
    ------
    RubricError
        With one line per schema problem (location and message).
    """
    text = Path(path).read_text(encoding="utf-8")
    return _parse(text, str(path))


def _parse(text: str, label: str) -> Rubric:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricError(f"rubric file {label} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RubricError(f"rubric file {label} must contain a mapping at the top level")
    try:
        return Rubric.model_validate(data)
    except ValidationError as err:
        raise RubricError(_format_errors(label, err)) from None


@lru_cache(maxsize=1)
def provisional_rubric() -> Rubric:
    """The bundled provisional rubric (NOT official values)."""
    text = resources.files("twin.assess.data").joinpath("rubric_provisional.yaml").read_text(encoding="utf-8")
    return _parse(text, "twin/assess/data/rubric_provisional.yaml")


@lru_cache(maxsize=1)
def standard_structure() -> dict:
    """Chapters, items and weights of T/CSUS 66-2023 (``data/tcsus66_2023_structure.yaml``)."""
    text = resources.files("twin.assess.data").joinpath("tcsus66_2023_structure.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def chapter_weights(park_type: str, stage: str) -> dict[str, float | None]:
    """Chapter weights for a park type (manufacturing/logistics/office) and stage (planning/operation)."""
    w = standard_structure()["weights"]
    if park_type not in w:
        raise KeyError(f"unknown park type {park_type!r}; accepted: {', '.join(w)}")
    if stage not in w[park_type]:
        raise KeyError(f"unknown stage {stage!r}; accepted: {', '.join(w[park_type])}")
    return dict(w[park_type][stage])
