"""Read scenario YAML files, merge variants, and report every problem clearly.

Variants: a scenario may start with ``extends: base.yaml`` (path relative to the
variant). The variant's keys override the base's with this precedence:

1. mappings are merged key by key, recursively;
2. any other value in the variant (scalars **and lists**) replaces the base's value;
3. ``null`` in the variant removes the base's value (the field's default applies).

Every override applied is recorded (dotted path) and written to the results' attrs.

Named variants: a scenario may hold ``variants:`` — named sets of dotted-path overrides
(:mod:`twin.scenario.overrides`) — and ``load_scenario(path, variant="a+b")`` applies them
after the ``extends`` chain and the file's own keys, in the order asked for, followed by
the caller's ``overrides`` mapping; a later source wins (precedence written down in
:mod:`twin.scenario.overrides`). ``variants`` merge through ``extends`` like any mapping.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.scenario.overrides import Applied, OverrideError, apply_overrides

#: The variant name of the scenario as written (no variant applied).
BASE_VARIANT = "base"


class VariantSpec(BaseModel):
    """One named variant of a scenario: a set of dotted-path overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(None, description="Short English label shown in comparisons (default: the name).")
    label_zh: str | None = Field(None, description="Short Chinese label shown in comparisons (default: the English one).")
    description: str = Field("", description="What the variant changes and why (free text).")
    combine: list[str] = Field(
        default_factory=list,
        description="Other variants applied first, in this order (their overrides lose to this variant's).")
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted path -> value, e.g. {'costs.pv.capex_cny_per_unit': 3000, 'battery': null}.")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file."""

    file: str
    path: str
    message: str
    value: Any = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        val = "" if self.value is None else f" (got {_short(self.value)})"
        field_ = f" {self.path}:" if self.path else ""
        return f"{where}:{field_} {self.message}{val}"


class ScenarioError(ValueError):
    """A scenario file could not be read or validated; ``problems`` lists every issue."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Any  # twin.scenario.schema.Scenario
    path: Path
    base_dir: Path
    sha256: str
    overrides: list[str] = field(default_factory=list)
    extends: list[str] = field(default_factory=list)
    #: Variants applied, in order (empty for the scenario as written).
    variant: tuple[str, ...] = ()
    #: Every variant/API override applied: source, dotted path, value (in order).
    applied: tuple[Applied, ...] = ()
    #: Variants the file declares (name -> spec), whether applied or not.
    variants: dict[str, VariantSpec] = field(default_factory=dict)
    #: The merged mapping before variants and overrides (to derive other variants cheaply).
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def variant_name(self) -> str:
        """``"a+b"`` for the variants applied, ``"base"`` when none."""
        return "+".join(self.variant) or BASE_VARIANT

    def override_record(self) -> list[dict]:
        """The applied overrides as JSON-friendly dicts (for summary.json and attrs)."""
        return [a.to_dict() for a in self.applied]

    def derive(self, variant: str | list[str] | tuple[str, ...] | None = None,
               overrides: dict[str, Any] | None = None) -> LoadedScenario:
        """The same file with other variants/overrides (no file is read again)."""
        return _finish(self.path, dict(self.raw), None, list(self.extends_overrides), self.variants,
                       variant, overrides)

    @property
    def extends_overrides(self) -> list[str]:
        """Paths changed by the ``extends`` chain (not by variants or API overrides)."""
        n = len(self.overrides) - len(self.applied)
        return self.overrides[: max(n, 0)]

    def resolve(self, p: Path | str | None) -> Path | None:
        """A path from the scenario, relative to the scenario file's folder."""
        if p is None:
            return None
        p = Path(p)
        return p if p.is_absolute() else (self.base_dir / p)


def _short(value: Any, n: int = 80) -> str:
    s = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return s if len(s) <= n else s[: n - 3] + "..."


def _compose(text: str, file: str):
    """Parse YAML keeping line numbers; raise ScenarioError naming the line on bad syntax."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        col = f", column {mark.column + 1}" if mark is not None else ""
        msg = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(file, "", f"malformed YAML{col}: {msg}", line=line)]) from None
    return node, data


def _line_of(node, loc: tuple) -> int | None:
    """Line of the YAML node at a validation error location (best effort)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == key:
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _merge(base: Any, over: Any, prefix: str, record: list[str]) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            p = f"{prefix}.{k}" if prefix else str(k)
            if v is None:
                out.pop(k, None)
                record.append(p)
            elif k in base:
                out[k] = _merge(base[k], v, p, record)
            else:
                out[k] = v
                record.append(p)
        return out
    if base != over:
        record.append(prefix)
    return over


def _read_raw(path: Path, chain: list[str]) -> tuple[dict, Any, list[str]]:
    """Raw mapping of a file with its ``extends`` chain merged; returns (data, node, overrides)."""
    file = str(path)
    if str(path.resolve()) in chain:
        raise ScenarioError([Problem(file, "extends", "circular 'extends' chain: " + " -> ".join(chain))])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", "file not found")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([Problem(file, "", "not a UTF-8 text file")]) from None
    node, data = _compose(text, file)
    if data is None:
        raise ScenarioError([Problem(file, "", "the file is empty; expected a YAML mapping with park, site, grid, ...")])
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, "", "expected a YAML mapping at the top level", value=type(data).__name__)])
    overrides: list[str] = []
    base_ref = data.pop("extends", None)
    chain = chain + [str(path.resolve())]
    if base_ref is not None:
        base_path = (path.parent / str(base_ref)).resolve()
        if not base_path.exists():
            raise ScenarioError(
                [Problem(file, "extends", "base scenario not found", value=str(base_ref), line=_line_of(node, ("extends",)))]
            )
        base, _, base_over = _read_raw(base_path, chain)
        # Paths in the base stay relative to the base file.
        base = _rebase_paths(base, base_path.parent, path.parent)
        data = _merge(base, data, "", overrides)
        overrides = base_over + overrides
    return data, node, overrides


_PATH_KEYS = {"weather_file", "profile_csv", "hourly_csv", "csv_path", "profile_path"}


def _rebase_paths(obj: Any, src_dir: Path, dst_dir: Path) -> Any:
    """Rewrite relative file paths of a base scenario so they resolve from the variant's folder."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in _PATH_KEYS and isinstance(v, str) and not Path(v).is_absolute():
                out[k] = str(Path(_relpath(src_dir / v, dst_dir)))
            else:
                out[k] = _rebase_paths(v, src_dir, dst_dir)
        return out
    if isinstance(obj, list):
        return [_rebase_paths(v, src_dir, dst_dir) for v in obj]
    return obj


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), start.resolve())


def _value_at(data: Any, loc: tuple) -> Any:
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def validate_data(data: dict, file: str = "<scenario>", node=None):
    """Validate a mapping against the schema; return the Scenario or raise ScenarioError."""
    from twin.scenario.schema import Scenario

    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
            # drop union/tag noise like 'literal['a']' but keep real keys
            path = ".".join(str(x) for x in loc)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field (not in the schema; check spelling, see `twin schema`)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            value = None if err["type"] in ("missing",) else _value_at(data, loc)
            if err["type"] == "extra_forbidden":
                value = None
            problems.append(Problem(file, path, msg.removeprefix("Value error, "), value, _line_of(node, loc)))
        raise ScenarioError(problems) from None


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None,
                  variant: str | list[str] | tuple[str, ...] | None = None) -> LoadedScenario:
    """Read, merge (``extends``), apply variants and overrides, and validate a scenario file.

    Parameters
    ----------
    path
        The scenario YAML file.
    overrides
        Dotted path -> value (see :mod:`twin.scenario.overrides`), applied last.
    variant
        Name(s) of variants declared under ``variants:``; ``"a+b"`` or ``["a", "b"]``
        combines them (later wins); ``"base"`` or ``None`` is the scenario as written.

    Raises
    ------
    ScenarioError
        With every problem found: file, line, field path, value and what is accepted.
    """
    path = Path(path)
    data, node, ext_overrides = _read_raw(path, [])
    variants = _read_variants(data.pop("variants", None), str(path), node)
    ext_overrides = [o for o in ext_overrides if o != "variants" and not o.startswith("variants.")]
    return _finish(path, data, node, ext_overrides, variants, variant, overrides)


def variant_names(variant: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"a+b"`` / ``["a", "b"]`` / ``None`` / ``"base"`` -> ``("a", "b")`` / ``()``."""
    if variant is None:
        return ()
    parts = variant.split("+") if isinstance(variant, str) else [p for v in variant for p in str(v).split("+")]
    return tuple(p.strip() for p in parts if p.strip() and p.strip() != BASE_VARIANT)


def _read_variants(raw: Any, file: str, node) -> dict[str, VariantSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ScenarioError([Problem(file, "variants", "expected a mapping of variant names to "
                                     "{label, description, combine, overrides}", value=type(raw).__name__,
                                     line=_line_of(node, ("variants",)))])
    out, problems = {}, []
    for name, spec in raw.items():
        if str(name) == BASE_VARIANT or "+" in str(name):
            problems.append(Problem(file, f"variants.{name}", f"'{BASE_VARIANT}' and names with '+' are reserved",
                                    line=_line_of(node, ("variants", name))))
            continue
        try:
            out[str(name)] = VariantSpec.model_validate(spec or {})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = ("variants", name, *err["loc"])
                problems.append(Problem(file, ".".join(map(str, loc)), err["msg"], line=_line_of(node, loc)))
    for name, spec in out.items():
        for other in spec.combine:
            if other not in out:
                problems.append(Problem(file, f"variants.{name}.combine", f"unknown variant '{other}' "
                                        f"(declared: {', '.join(out) or 'none'})", line=_line_of(node, ("variants", name))))
    if problems:
        raise ScenarioError(problems)
    return out


def _expand(name: str, variants: dict[str, VariantSpec], file: str, seen: tuple[str, ...] = ()) -> list[str]:
    """A variant's ``combine`` list first (recursively), then the variant itself."""
    if name not in variants:
        raise ScenarioError([Problem(file, "variants", f"unknown variant '{name}' (declared: "
                                     f"{', '.join(variants) or 'none'}; '{BASE_VARIANT}' is the file as written)")])
    if name in seen:
        raise ScenarioError([Problem(file, f"variants.{name}.combine", "circular 'combine': " + " -> ".join(seen + (name,)))])
    out: list[str] = []
    for other in variants[name].combine:
        out += [n for n in _expand(other, variants, file, seen + (name,)) if n not in out]
    return out + ([name] if name not in out else [])


def _finish(path: Path, data: dict, node, ext_overrides: list[str], variants: dict[str, VariantSpec],
            variant, overrides) -> LoadedScenario:
    """Apply variants and overrides to the merged mapping, validate, hash and check files."""
    file = str(path)
    raw = data
    names = variant_names(variant)
    applied: list[Applied] = []
    try:
        order: list[str] = []
        for n in names:
            order += [m for m in _expand(n, variants, file) if m not in order]
        for n in order:
            data, a = apply_overrides(data, variants[n].overrides, f"variant '{n}'")
            applied += a
        data, a = apply_overrides(data, overrides, "overrides")
        applied += a
    except OverrideError as exc:
        raise ScenarioError([Problem(file, exc.path, f"{exc.source}: {exc.message}")]) from None
    try:
        scenario = validate_data(data, file, node)
    except ScenarioError as exc:
        if not applied:
            raise
        from dataclasses import replace

        problems = []
        for p in exc.problems:  # say which override broke it (its line in the file is not the cause)
            src = [a.source for a in applied if p.path == a.path or p.path.startswith(a.path.split("[")[0])]
            problems.append(replace(p, message=f"{p.message} [set by {src[-1]}]", line=None) if src else p)
        raise ScenarioError(problems) from None
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    problems = _check_files(scenario, path)
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(scenario, path, path.parent, digest, list(ext_overrides) + [a.path for a in applied],
                          variant=names, applied=tuple(applied), variants=variants, raw=raw)


def _check_files(scenario, path: Path) -> list[Problem]:
    """Files named in the scenario must exist (checked before any work starts)."""
    problems = []
    base = path.parent

    def check(p, where):
        if p is not None:
            full = p if Path(p).is_absolute() else base / p
            if not Path(full).exists():
                problems.append(Problem(str(path), where, "file not found", value=str(p)))

    check(scenario.site.weather_file, "site.weather_file")
    check(scenario.grid.emission_factor.hourly_csv, "grid.emission_factor.hourly_csv")
    for i, pl in enumerate(scenario.process_loads):
        check(pl.profile_csv, f"process_loads.{i}.profile_csv")
    return problems
