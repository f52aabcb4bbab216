"""Public override API: change any scenario field by its dotted path.

Sweeps, variants and the command line all change a scenario the same way: a mapping
from a **dotted path** to a new value, applied to the raw scenario mapping before it is
validated, e.g.::

    {"costs.pv.capex_cny_per_unit": 3000,       # a scalar deep inside a section
     "battery": None,                            # remove an optional asset
     "pv_arrays[roof_a].max_kwp": 500,           # a list element chosen by its name
     "process_loads[0].annual_mwh": 12000,       # ... or by its position (from 0)
     "site.weather_seed": 7}

Path syntax
-----------
``key(.key)*`` where every key may carry one selector ``[name]`` or ``[index]``: a
list element is chosen by the value of its ``name`` field (or, for an integer, its
position). A key that does not exist yet is created (with an empty mapping on the way),
so ``battery.max_kwh`` works on a park without a battery only if the resulting section
then validates.

Precedence (the same rules as ``extends:``; written down once, here)
-------------------------------------------------------------------
1. Sources are applied in this order, each on the result of the previous:
   the ``extends`` chain (base first), the scenario file's own keys, the named
   ``variants`` in the order asked for (a variant's own ``combine`` list first, then its
   ``overrides``), and last the explicit ``overrides`` mapping of the caller (API, CLI,
   sweep case). **A later source wins.**
2. Within one mapping, paths are applied in their order; a path inside a section that an
   earlier path of the same mapping replaced applies to the replaced value.
3. A mapping value is merged key by key into the existing mapping (as ``extends``);
   any other value (scalars **and lists**) replaces the existing value.
4. ``null`` (``None``) removes the field, so the schema's default applies; on a list
   element (``pv_arrays[roof_a]: null``) it removes that element.
5. A store may be addressed in either form whichever the scenario uses: ``battery...`` /
   ``thermal_storage...`` (the one-store shorthand) or ``batteries[name]...`` /
   ``thermal_stores[name]...`` (:func:`_one_or_many`).

Every applied override is recorded as an :class:`Applied` (source, path, value) and the
loader keeps them in ``LoadedScenario.applied``; ``summary.json`` (``scenario``) and
``results.nc`` (attrs ``scenario_overrides*``) carry them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: One key of a dotted path: ``name`` or ``name[selector]``.
_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<sel>[^\[\]]+)\])?$")


class OverrideError(ValueError):
    """An override path that does not fit the scenario; ``path`` and ``source`` say where."""

    def __init__(self, source: str, path: str, message: str):
        self.source = source
        self.path = path
        self.message = message
        super().__init__(f"{source}: {path}: {message}")


@dataclass(frozen=True)
class Applied:
    """One override that was applied: where it came from, its dotted path and value."""

    source: str
    path: str
    value: Any

    def to_dict(self) -> dict:
        return {"source": self.source, "path": self.path, "value": self.value}


def parse_path(path: str, source: str = "overrides") -> list[tuple[str, str | int | None]]:
    """Split a dotted path into ``(key, selector)`` steps.

    ``"pv_arrays[roof_a].max_kwp"`` → ``[("pv_arrays", "roof_a"), ("max_kwp", None)]``;
    an all-digit selector becomes an ``int`` (a position).

    Raises
    ------
    OverrideError
        When a step is not ``key`` or ``key[selector]``.
    """
    if not isinstance(path, str) or not path.strip():
        raise OverrideError(source, str(path), "empty path; expected e.g. 'costs.pv.capex_cny_per_unit'")
    steps: list[tuple[str, str | int | None]] = []
    for part in _split(path):
        m = _KEY.match(part.strip())
        if not m:
            raise OverrideError(source, path, f"'{part}' is not a field name or 'field[name]' / 'field[index]'")
        sel = m.group("sel")
        if sel is not None:
            sel = sel.strip().strip("'\"")
            sel = int(sel) if sel.isdigit() else sel
        steps.append((m.group("key"), sel))
    return steps


def _split(path: str) -> list[str]:
    """Split at dots outside brackets (a list element's name may contain dots)."""
    parts, buf, depth = [], "", 0
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    return parts


def merge(base: Any, over: Any) -> Any:
    """``over`` on top of ``base``: mappings merge key by key, ``None`` removes, else replace."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v)
            else:
                out[k] = copy.deepcopy(v)
        return out
    return copy.deepcopy(over)


def _find(items: list, sel: str | int, source: str, path: str, key: str) -> int:
    if isinstance(sel, int):
        if not 0 <= sel < len(items):
            raise OverrideError(source, path, f"'{key}' has {len(items)} element(s); index {sel} is out of range")
        return sel
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == sel:
            return i
    names = [str(it.get("name")) for it in items if isinstance(it, dict)]
    raise OverrideError(source, path, f"no element named '{sel}' in '{key}' (names: {', '.join(names) or 'none'})")


def set_path(data: dict, path: str, value: Any, source: str = "overrides") -> dict:
    """A copy of ``data`` with ``value`` applied at ``path`` (rules 3 and 4 of the module doc)."""
    steps = parse_path(path, source)
    out = copy.deepcopy(data)
    _one_or_many(out, steps, value, source, path)
    node: Any = out
    for depth, (key, sel) in enumerate(steps):
        last = depth == len(steps) - 1
        where = ".".join(f"{k}[{s}]" if s is not None else k for k, s in steps[: depth + 1])
        if not isinstance(node, dict):
            raise OverrideError(source, path, f"'{where.rsplit('.', 1)[0]}' is not a section (it holds "
                                              f"{type(node).__name__}); cannot set '{key}' inside it")
        if sel is None:
            if value is None and key not in node:
                # removing what is not there: a no-op for a field of the schema, an error for
                # a misspelt one (`thermal_store: null` would otherwise leave the store in place)
                _check_known_field(steps[: depth + 1], source, path)
                return out
            if last:
                if value is None:
                    node.pop(key, None)
                else:
                    node[key] = merge(node.get(key), value) if isinstance(node.get(key), dict) else copy.deepcopy(value)
                return out
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
            continue
        items = node.get(key)
        if not isinstance(items, list):
            raise OverrideError(source, path, f"'{key}' is not a list here; '[{sel}]' selects a list element")
        i = _find(items, sel, source, path, key)
        if last:
            if value is None:
                items.pop(i)
            else:
                items[i] = merge(items[i], value)
            return out
        node = items[i]
    return out  # pragma: no cover  (loop always returns)


def _model_of(annotation: Any):
    """The pydantic model a field holds (itself, in a list or an optional), else ``None``."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _check_known_field(steps: list, source: str, path: str) -> None:
    """Raise :class:`OverrideError` where the last key of ``steps`` is no field of the scenario
    schema at that place; silent where the place is not a section the schema describes
    field by field (a free mapping such as the tariff's prices)."""
    from twin.scenario.schema import Scenario

    model: Any = Scenario
    for depth, (key, _sel) in enumerate(steps):
        fields = model.model_fields
        if depth == 0 and key in ("extends", "variants"):
            return
        if key not in fields:
            where = ".".join(k for k, _ in steps[:depth]) or "the scenario"
            raise OverrideError(source, path, f"'{key}' is not a field of {where} (not in the schema; check "
                                              f"spelling, see `twin schema`), so there is nothing to remove")
        model = _model_of(fields[key].annotation)
        if model is None:
            return


#: One-store shorthand keys of the scenario and their lists (:class:`twin.scenario.schema.Scenario`).
SHORTHAND = {"battery": "batteries", "thermal_storage": "thermal_stores"}


def _one_or_many(data: dict, steps: list, value: Any, source: str, path: str) -> None:
    """Let a path use either form of a store, whichever form the raw scenario has.

    ``batteries[x]...`` on a scenario written with ``battery:`` turns the shorthand into its
    one-element list first; ``battery...`` on a scenario with a one-element ``batteries:``
    list addresses that element (``battery: null`` removes it). With several stores a
    ``battery`` path is refused: it could mean any of them.
    """
    key, sel = steps[0]
    for one, many in SHORTHAND.items():
        if key == many and data.get(many) is None and isinstance(data.get(one), dict):
            data[many] = [data.pop(one)]
        elif key == one and sel is None and data.get(one) is None and isinstance(data.get(many), list) \
                and data[many]:
            if len(data[many]) > 1:
                names = [str(x.get("name")) for x in data[many] if isinstance(x, dict)]
                raise OverrideError(source, path, f"the scenario lists {len(data[many])} {many} ({', '.join(names)}); "
                                                  f"name one as '{many}[name]...'")
            data[one] = data.pop(many)[0]


def apply_overrides(data: dict, overrides: Mapping[str, Any] | None, source: str = "overrides"
                    ) -> tuple[dict, list[Applied]]:
    """Apply a dotted-path mapping to a raw scenario mapping.

    Parameters
    ----------
    data
        The raw (not yet validated) scenario mapping; not modified.
    overrides
        ``{dotted path: value}``; applied in order, later paths win (module doc).
    source
        Named in errors and in the record, e.g. ``"variant 'no_storage'"``.

    Returns
    -------
    (new mapping, list of :class:`Applied`)

    Raises
    ------
    OverrideError
        Naming the source, the path and what was expected.
    """
    if not overrides:
        return copy.deepcopy(data), []
    if not isinstance(overrides, Mapping):
        raise OverrideError(source, "", f"expected a mapping of dotted paths to values, got {type(overrides).__name__}")
    applied = []
    for path, value in overrides.items():
        data = set_path(data, str(path), value, source)
        applied.append(Applied(source, str(path), _plain(value)))
    return data, applied


def get_path(data: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path of a raw mapping or a pydantic model (``default`` if absent)."""
    node = data
    for key, sel in parse_path(path):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
        if node is None:
            return default
        if sel is not None:
            try:
                if isinstance(sel, int):
                    node = node[sel]
                else:
                    node = next(it for it in node
                                if (it.get("name") if isinstance(it, dict) else getattr(it, "name", None)) == sel)
            except (IndexError, StopIteration, TypeError):
                return default
    return node


def _plain(value: Any) -> Any:
    """JSON-friendly copy of an override value for the record."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value
