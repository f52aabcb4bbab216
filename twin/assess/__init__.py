"""Planning-stage assessment: 910号 national indicators and the T/CSUS 66-2023 scorecard."""

from twin.assess.declarations import Declarations

__all__ = ["Declarations"]
