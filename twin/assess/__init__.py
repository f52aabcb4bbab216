"""Planning-stage assessment: 910号 national indicators and the T/CSUS 66-2023 scorecard.

Pipeline entry point: ``assess(ledger, declarations, park, rubric=None, waste_heat=None)``.
"""

from twin.assess.declarations import ChapterDeclaration, Declarations, Flag, Quantity, Share, Tier
from twin.assess.improve import improvement_options, quantity_for_measure
from twin.assess.national import core_tier, national_indicators
from twin.assess.rubric import (
    Rubric,
    RubricError,
    chapter_weights,
    load_rubric,
    provisional_rubric,
    standard_structure,
)
from twin.assess.scorecard import ParkInfo, Scorecard, assess, compute_measures, score_item

__all__ = [
    "ChapterDeclaration", "Declarations", "Flag", "ParkInfo", "Quantity", "Rubric", "RubricError", "Scorecard",
    "Share", "Tier", "assess", "chapter_weights", "compute_measures", "core_tier", "improvement_options",
    "load_rubric", "national_indicators", "provisional_rubric", "quantity_for_measure", "score_item",
    "standard_structure",
]
