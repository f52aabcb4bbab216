"""Every field of the scenario schema is consumed, or declared report-only (issue 9).

The test walks :class:`twin.scenario.schema.Scenario` and the component specs it holds,
and for each leaf field looks for a read of it (``.field``, ``"field"``, ``'field'``,
other than its own declaration) in the modules of its stage
(:data:`twin.scenario.consumers.STAGES`).  A field no module reads — an input that would
be silently lost — fails the test unless :data:`~twin.scenario.consumers.REPORT_ONLY`
says why it changes no number.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from twin.scenario.consumers import NOT_MODELLED, REPORT_ONLY, STAGES
from twin.scenario.schema import Scenario


def _models(ann) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in get_args(ann) for m in _models(a)]


def leaf_fields(model=Scenario, prefix: str = "") -> list[str]:
    """Dotted paths of every leaf field (``[]`` marks list items)."""
    out = []
    for name, f in model.model_fields.items():
        subs = _models(f.annotation)
        if not subs:
            out.append(prefix + name)
            continue
        sep = "[]." if "list[" in str(f.annotation) else "."
        for sub in subs:
            out += leaf_fields(sub, prefix + name + sep)
    return sorted(set(out))


@cache
def _source(module: str) -> str:
    """Source of a module, or of every module of a package."""
    mod = importlib.import_module(module)
    paths = [Path(mod.__file__)]
    if hasattr(mod, "__path__"):
        paths = sorted(Path(mod.__path__[0]).rglob("*.py"))
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def _stage(path: str) -> tuple[str, tuple[str, ...]]:
    best = max((p for p in STAGES if path == p or path.startswith(p)), key=len, default=None)
    assert best is not None, f"{path}: no stage in twin.scenario.consumers.STAGES"
    return STAGES[best]


def _read_in(name: str, text: str) -> bool:
    """True if ``name`` is read in ``text`` other than by its own field declaration."""
    reads = re.compile(rf"""(\.{name}\b|["']{name}["'])""")
    for line in text.splitlines():
        if re.match(rf"\s*{name}\s*:", line):  # the declaration itself
            continue
        if reads.search(line):
            return True
    return False


def test_every_schema_field_is_consumed_or_report_only():
    lost = []
    for path in leaf_fields():
        if path in REPORT_ONLY or path in NOT_MODELLED:
            continue
        stage, modules = _stage(path)
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        if not any(_read_in(name, _source(m)) for m in modules):
            lost.append(f"{path} ({stage}: {', '.join(modules)})")
    assert not lost, "scenario fields no module of their stage reads:\n  " + "\n  ".join(lost)


def test_the_map_names_only_existing_fields():
    fields = leaf_fields()
    assert len(fields) > 300  # the walk reaches the component specs
    assert set(REPORT_ONLY) <= set(fields) and set(NOT_MODELLED) <= set(fields)
    for prefix in STAGES:
        assert any(f == prefix or f.startswith(prefix) for f in fields), prefix


def test_fields_not_modelled_yet_are_refused_not_ignored():
    """A value for a field whose effect is not modelled is a validation error naming it."""
    import pytest
    from pydantic import ValidationError

    from twin.components.battery import BatterySpec
    from twin.components.process import ProcessLoadSpec

    base = {"name": "line", "annual_mwh": 100, "shape": "machinery_2shift"}
    for field in ("flexible_share", "waste_heat_fraction"):
        with pytest.raises(ValidationError, match=field):
            ProcessLoadSpec.model_validate({**base, field: 0.2})
    with pytest.raises(ValidationError, match="calendar_life_years"):
        BatterySpec.model_validate({"name": "b", "calendar_life_years": 12})
