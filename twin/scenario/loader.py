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
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.components.tariff import export_price_notes, price_order_notes
from twin.scenario.overrides import Applied, OverrideError, apply_overrides

#: The variant name of the scenario as written (no variant applied).
BASE_VARIANT = "base"


class VariantSpec(BaseModel):
    """One named variant of a scenario: a set of dotted-path overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(None, description="Short English label shown in comparisons (default: the name).")
    label_zh: str | None = Field(None, description="Short Chinese label shown in comparisons (default: the English one).")
    description: str = Field("", description="What the variant changes and why (free text).")
    description_zh: str | None = Field(
        None, description="The same in Chinese, shown on Chinese comparison pages (default: the English one).")
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
        said = self.value is not None and (f"got {self.value!r}" in self.message
                                            or f"got {_short(self.value)}" in self.message)
        val = "" if self.value is None or said else f" (got {_short(self.value)})"
        field_ = f" {self.path}:" if self.path else ""
        return f"{where}:{field_} {self.message}{val}"


class ScenarioError(ValueError):
    """A scenario file could not be read or validated; ``problems`` lists every issue."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class VariantSource:
    """Where a named variant is written: ``(file, line)`` of its entry under ``variants:``
    and of each of its override paths (a variant of a base file names the base file)."""

    entry: tuple[str, int | None]
    paths: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def where(self, path: str | None) -> tuple[str, int | None]:
        """File and line of override ``path`` (else of the variant's entry)."""
        return self.paths.get(path, self.entry) if path is not None else self.entry


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Any  # twin.scenario.schema.Scenario
    path: Path
    base_dir: Path
    sha256: str  # of the validated scenario and the files it names (input_file_digests)
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
    #: Where each variant is written (file and lines), for problems a variant causes.
    variant_sources: dict[str, VariantSource] = field(default_factory=dict, repr=False, compare=False)
    #: What reading the weather file repaired (time zone, filled values, shifted radiation):
    #: shown by ``twin validate``; a run states it with the weather's own notes.
    weather_file_notes: list[str] = field(default_factory=list, compare=False)

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
                       variant, overrides, self.variant_sources)

    @property
    def extends_overrides(self) -> list[str]:
        """Paths changed by the ``extends`` chain (not by variants or API overrides)."""
        n = len(self.overrides) - len(self.applied)
        return self.overrides[: max(n, 0)]
    #: conversions made while reading the scenario's data files (resampling, 29 February)
    notes: list[str] = field(default_factory=list)

    def resolve(self, p: Path | str | None) -> Path | None:
        """A path from the scenario, relative to the scenario file's folder."""
        if p is None:
            return None
        p = Path(p)
        return p if p.is_absolute() else (self.base_dir / p)


def _short(value: Any, n: int = 80) -> str:
    s = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return s if len(s) <= n else s[: n - 3] + "..."


#: Largest scenario file read [bytes]; scenarios are a few kB.
MAX_SCENARIO_BYTES = 1_000_000
#: Most YAML nodes a scenario may expand to, each use of an alias counting its whole
#: subtree again (guards against "billion laughs" alias bombs) [-].
MAX_YAML_NODES = 100_000
#: Deepest ``extends`` chain (a variant of a variant of ...) [-].
MAX_EXTENDS_DEPTH = 16
#: Deepest nesting of YAML mappings and lists [-].
MAX_YAML_DEPTH = 64


#: Characters a Chinese keyboard puts where YAML needs ASCII punctuation, with what YAML needs.
_FULL_WIDTH = {"：": "':' and a space", "，": "','", "｛": "'{'", "｝": "'}'", "［": "'['", "］": "']'",
               "\u3000": "ordinary spaces", "\u00a0": "ordinary spaces"}


#: Invisible characters that make a field name unknown although it reads right.
_INVISIBLE = {"\u00a0": "a no-break space", "\u3000": "a full-width space",
              "\ufeff": "a byte-order mark", "\u200b": "a zero-width space"}


def _yaml_problem(exc: yaml.YAMLError, file: str, text: str = "") -> Problem:
    """A YAML syntax error with its position; where the file has full-width punctuation or
    odd spaces outside quotes and comments (a common cause, reported lines later), the first
    such line too."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    col = f", column {mark.column + 1}" if mark is not None else ""
    msg = getattr(exc, "problem", None) or str(exc)
    for n, raw in enumerate(text.splitlines(), start=1):
        code = re.sub(r"\"[^\"]*\"|'[^']*'", "", raw.split("#", 1)[0])
        bad = next((ch for ch in _FULL_WIDTH if ch in code), None)
        if bad:
            shown = _INVISIBLE.get(bad, repr(bad))
            msg += f"; line {n} has {shown} where YAML needs {_FULL_WIDTH[bad]}"
            break
    return Problem(file, "", f"malformed YAML{col}: {msg}", line=line)


_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")


def ambiguous_number(node) -> str | None:
    """What is wrong with a plain YAML scalar that YAML 1.1 (PyYAML) reads as a number other
    than the one written, else None: ``040`` is the octal number 32, ``1:30`` the base-60
    number 90 — a limit or price that silently became another value."""
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return None
    text = node.value
    if node.tag == "tag:yaml.org,2002:int" and _OCTAL.fullmatch(text):
        value = int(text.lstrip("+-").replace("_", ""), 8)
        sign = "-" if text.startswith("-") else ""
        return (f"'{text}' is read by YAML as the octal number {sign}{value} (a leading zero); write "
                f"{sign}{text.lstrip('+-').lstrip('0').replace('_', '') or '0'} without the zero, or quote it "
                "if text is meant")
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _BASE_60.fullmatch(text):
        value = yaml.safe_load(text)
        return (f"'{text}' is read by YAML as the base-60 number {value:g} (digits joined by ':'); write "
                f"the number itself, or quote it if text (a time of day) is meant")
    return None


def _check_nodes(root, file: str) -> None:
    """Reject duplicate keys, alias bombs, recursive aliases and deep nesting (before constructing).

    Walks the node graph once per distinct node (aliases share nodes), so the check
    itself stays linear in the file size.
    """
    problems: list[Problem] = []
    expanded: dict[int, int] = {}
    active: set[int] = set()

    def walk(node, path: str, depth: int) -> int:
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in active:
            raise ScenarioError([Problem(file, path, "recursive YAML alias (a list or mapping contains itself)",
                                         line=node.start_mark.line + 1)])
        if depth > MAX_YAML_DEPTH:
            raise ScenarioError([Problem(file, path, f"nested deeper than {MAX_YAML_DEPTH} levels; "
                                         "expected a scenario mapping", line=node.start_mark.line + 1)])
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    ident = (k.tag, k.value)
                    p = f"{path}.{k.value}" if path else str(k.value)
                    if ident in seen:
                        problems.append(Problem(
                            file, p, f"duplicate key '{k.value}' (first at line {seen[ident]}, again at line "
                            f"{k.start_mark.line + 1}); YAML would keep only the last one: remove one of them",
                            line=k.start_mark.line + 1))
                    else:
                        seen[ident] = k.start_mark.line + 1
                else:
                    p = path
                total += walk(k, p, depth + 1) + walk(v, p, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                total += walk(v, f"{path}.{i}" if path else str(i), depth + 1)
        elif (why := ambiguous_number(node)) is not None:
            problems.append(Problem(file, path, why, line=node.start_mark.line + 1))
        active.discard(key)
        expanded[key] = total
        if total > MAX_YAML_NODES:
            raise ScenarioError([Problem(
                file, path, f"the YAML expands to more than {MAX_YAML_NODES:,} values (anchors and aliases "
                "repeated over and over); a scenario needs a few hundred", line=node.start_mark.line + 1)])
        return total

    walk(root, "", 0)
    if problems:
        raise ScenarioError(problems)


_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"")
_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_YAML_DEPTH},}}")


def _nesting_problem(text: str, file: str) -> Problem | None:
    """Nesting deeper than :data:`MAX_YAML_DEPTH`, found by a scan of the text.

    PyYAML's scanner slows down quadratically with nested flow collections (3,000
    levels take seconds) and its composer recurses, so very deep nesting is refused
    before parsing. Brackets inside quotes and comments are not counted.
    """
    depth = 0
    for i, line in enumerate(text.splitlines(), start=1):
        line = _QUOTED.sub("", line)
        hash_ = line.find(" #")
        line = line[:hash_] if hash_ >= 0 else ("" if line.lstrip().startswith("#") else line)
        if _DASHES.search(line):
            return Problem(file, "", f"nested deeper than {MAX_YAML_DEPTH} levels; expected a scenario mapping",
                           line=i)
        for ch in line:
            if ch in "[{":
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return Problem(file, "", f"nested deeper than {MAX_YAML_DEPTH} levels; expected a scenario "
                                   "mapping", line=i)
            elif ch in "]}":
                depth = max(depth - 1, 0)
    return None


def _compose(text: str, file: str):
    """Parse YAML keeping line numbers; raise ScenarioError naming the line on bad syntax.

    Duplicate keys are errors (YAML would silently keep the last), and the node graph
    is checked for size and nesting before any Python object is built.
    """
    deep = _nesting_problem(text, file)
    if deep is not None:
        raise ScenarioError([deep])
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # control characters, checked when the reader starts
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError([Problem(file, "", f"malformed YAML: character #x{exc.character:04x} is not allowed "
                                     "in YAML text (control character)", line=line)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_nodes(node, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ScenarioError([_yaml_problem(exc, file, text)]) from None
    except RecursionError:
        raise ScenarioError([Problem(file, "", f"malformed YAML: nested too deeply (limit {MAX_YAML_DEPTH} "
                                     "levels)")]) from None
    finally:
        loader.dispose()
    return node, data


#: Lists of stores whose one-element shorthand a scenario may use (``battery:`` for ``batteries:``).
_SHORTHAND_OF = {"batteries": "battery", "thermal_stores": "thermal_storage"}


def _shorthand_loc(node, loc: tuple) -> tuple:
    """An error location in a store list, named as the file wrote it: ``thermal_stores.0.max_kwh``
    becomes ``thermal_storage.max_kwh`` (and ``batteries`` becomes ``battery``) where the file
    used the one-store shorthand."""
    if loc and loc[0] in _SHORTHAND_OF and (len(loc) == 1 or loc[1] == 0) and isinstance(node, yaml.MappingNode) \
            and any(k.value == _SHORTHAND_OF[loc[0]] for k, _ in node.value) \
            and not any(k.value == loc[0] for k, _ in node.value):
        return (_SHORTHAND_OF[loc[0]], *loc[2:])
    return loc


def line_of(node, loc: tuple) -> int | None:
    """Line (1-based) in the file of the value at ``loc`` in a node tree of :func:`read_yaml`.

    ``loc`` is a location as pydantic reports it: mapping keys and list positions from the
    top (``("grid", "site.city", 0)``; ``()`` is the whole file). Where the tree ends before
    ``loc`` does, the line of the deepest key found (best effort); ``None`` without a node or
    where the file lacks the top-level key itself.
    """
    line = node.start_mark.line + 1 if node is not None else None
    for depth, key in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == key:
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                # a top-level section the file does not have: no line (the file's first line
                # would point at an unrelated section)
                return None if depth == 0 else line
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


def _read_text(path: Path, file: str, what: str = "scenario") -> str:
    """Text of a scenario file, or a ScenarioError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise ScenarioError([Problem(file, "", f"is a folder; expected a {what} YAML file")])
        with path.open("rb") as fh:  # bounded: a device such as /dev/zero reports size 0
            raw = fh.read(MAX_SCENARIO_BYTES + 1)
        if len(raw) > MAX_SCENARIO_BYTES:
            size = path.stat().st_size
            has = f"{size:,} bytes" if size > MAX_SCENARIO_BYTES else f"more than {MAX_SCENARIO_BYTES:,} bytes"
            raise ScenarioError([Problem(file, "", f"the file has {has}; a {what} YAML file has a few kB (limit "
                                         f"{MAX_SCENARIO_BYTES:,})")])
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", "file not found")]) from None
    except (OSError, ValueError) as exc:  # permission, a file as a parent folder, NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError([Problem(file, "", f"cannot be read ({reason})")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        why = "not a UTF-8 text file (save the scenario as UTF-8)"
        try:
            gbk = raw.decode("gb18030")
        except UnicodeDecodeError:
            gbk = ""
        if gbk and "\x00" not in gbk and re.search(r"[\u4e00-\u9fff]", gbk):
            shown = gbk.splitlines()[line - 1].strip()[:40] if len(gbk.splitlines()) >= line else ""
            why = (f"not a UTF-8 text file: it reads as GBK/GB18030 (the Chinese encoding older editors save in"
                   f"{', this line: ' + repr(shown) if shown else ''}); save it as UTF-8 (in Notepad: Save As, "
                   f"Encoding UTF-8)")
        raise ScenarioError([Problem(file, "", why, line=line)]) from None


def read_yaml(path: Path, file: str | None = None, what: str = "scenario") -> tuple[Any, Any]:
    """Read a YAML file of the tool (scenario, sweep) as the scenario loader does: at most
    :data:`MAX_SCENARIO_BYTES` bytes of UTF-8 text, duplicate keys, alias bombs and nesting
    deeper than :data:`MAX_YAML_DEPTH` refused.

    Parameters
    ----------
    path
        The file.
    file
        How problems name the file (default ``str(path)``).
    what
        What the file is, for the messages ("a sweep YAML file").

    Returns
    -------
    (node, data)
        The YAML node tree, which keeps the lines (:func:`line_of`), and the data built from
        it (:func:`value_at`); ``(None, None)`` for an empty file.

    Raises
    ------
    ScenarioError
        The file cannot be read or is not valid YAML, with the line where there is one.
    """
    file = str(path) if file is None else file
    return _compose(_read_text(path, file, what=what), file)


def _read_raw(path: Path, chain: list[str]) -> tuple[dict, Any, list[str], dict[str, VariantSource]]:
    """Raw mapping of a file with its ``extends`` chain merged; returns (data, node, overrides,
    where each variant of the chain is written)."""
    file = str(path)
    text = _read_text(path, file)
    node, data = _compose(text, file)
    sources = _variant_sources(node, file)
    if data is None:
        raise ScenarioError([Problem(file, "", "the file is empty; expected a YAML mapping with park, site, grid, ...")])
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, "", "expected a YAML mapping at the top level", value=type(data).__name__)])
    overrides: list[str] = []
    base_ref = data.pop("extends", None)
    chain = chain + [str(path.resolve())]
    if base_ref is not None:
        line = line_of(node, ("extends",))
        if not isinstance(base_ref, str) or not base_ref.strip():
            raise ScenarioError([Problem(file, "extends", "expected the path of one base scenario file (text)",
                                         value=base_ref, line=line)])
        try:
            base_path = (path.parent / base_ref).resolve()
        except (OSError, ValueError, RuntimeError) as exc:
            raise ScenarioError([Problem(file, "extends", f"not a usable path ({exc})", value=base_ref,
                                         line=line)]) from None
        if str(base_path) in chain:
            names = " -> ".join(Path(c).name for c in chain + [str(base_path)])
            raise ScenarioError([Problem(file, "extends", f"circular 'extends' chain: {names}", value=base_ref,
                                         line=line)])
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ScenarioError([Problem(file, "extends", f"'extends' chain longer than {MAX_EXTENDS_DEPTH} files; "
                                         "merge some of the intermediate variants", value=base_ref, line=line)])
        if base_path.is_dir():
            raise ScenarioError([Problem(file, "extends", "is a folder; expected a base scenario YAML file",
                                         value=base_ref, line=line)])
        if not base_path.exists():
            raise ScenarioError([Problem(file, "extends", "base scenario not found", value=base_ref, line=line)])
        base, _, base_over, base_sources = _read_raw(base_path, chain)
        # Paths in the base stay relative to the base file.
        base = _rebase_paths(base, base_path.parent, path.parent)
        data = _merge(base, data, "", overrides)
        overrides = base_over + overrides
        sources = _merge_sources(base_sources, sources)
    return data, node, overrides, sources


def _variant_sources(node, file: str) -> dict[str, VariantSource]:
    """Lines of each variant's entry and override paths in one file's YAML node."""
    out: dict[str, VariantSource] = {}
    variants = _child(node, "variants")
    if not isinstance(variants, yaml.MappingNode):
        return out
    for k, v in variants.value:
        paths = {}
        over = _child(v, "overrides")
        if isinstance(over, yaml.MappingNode):
            paths = {str(pk.value): (file, pk.start_mark.line + 1) for pk, _ in over.value}
        out[str(k.value)] = VariantSource((file, k.start_mark.line + 1), paths)
    return out


def _child(node, key: str):
    """The value node of ``key`` in a YAML mapping node (None if absent or not a mapping)."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _merge_sources(base: dict[str, VariantSource], own: dict[str, VariantSource]) -> dict[str, VariantSource]:
    """Variant sources of a file over those of its base (variants merge like any mapping)."""
    out = dict(base)
    for name, src in own.items():
        old = out.get(name)
        out[name] = VariantSource(src.entry, {**old.paths, **src.paths}) if old else src
    return out


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


def value_at(data: Any, loc: tuple) -> Any:
    """The value at ``loc`` (mapping keys and list positions, as for :func:`line_of`) in the
    data of :func:`read_yaml`, as the file wrote it; ``None`` where there is none."""
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


#: Smallest non-zero magnitude accepted in any number of a scenario; below this a value
#: is a typo or an export artefact (e.g. 1e-300) and breaks the optimiser's numerics [-].
MIN_NONZERO_MAGNITUDE = 1e-9


def validate_data(data: dict, file: str = "<scenario>", node=None):
    """Validate a mapping against the schema; return the Scenario or raise ScenarioError.

    After the schema, the checks the schema cannot express: finite numbers everywhere,
    ``min_*`` not above ``max_*``, unique names in every asset list, and the tables the
    run will look values up in. Every problem found is raised at once, ordered by line
    (:func:`checked_scenario`).
    """
    scenario, problems, _ = checked_scenario(data, file, node)
    if problems:
        raise ScenarioError(ordered(problems))
    return scenario


@dataclass(frozen=True)
class FailedParts:
    """The parts of a scenario file that failed validation, left out of the scenario that the
    checks across sections see (:func:`checked_scenario`).

    ``unknown`` holds dotted paths as written in the file (``"grid"``, ``"costs.pv"``,
    ``"heat_pumps.2"``); ``kept`` the file's positions of the items kept in each asset list
    that lost some, so that a problem of the n-th item kept is placed at its own line.
    """

    unknown: frozenset[str] = frozenset()
    kept: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def remap(self, loc: tuple) -> tuple:
        """A location in the scenario checked -> the same in the file (list positions)."""
        if len(loc) > 1 and loc[0] in self.kept and isinstance(loc[1], int) and loc[1] < len(self.kept[loc[0]]):
            return (loc[0], self.kept[loc[0]][loc[1]], *loc[2:])
        return loc

    def known(self, loc: tuple) -> bool:
        """False when the file's location ``loc`` is, lies in or holds a part that failed."""
        from twin.scenario.schema import overlaps

        path = ".".join(str(x) for x in loc)
        return not any(overlaps(path, u) for u in self.unknown)


def ordered(problems: list[Problem]) -> list[Problem]:
    """Problems without repeats, those of the whole file (no line) first, then by line (a
    problem found earlier stays first on its line)."""
    seen: set[str] = set()
    once = [p for p in problems if str(p) not in seen and not seen.add(str(p))]
    return sorted(once, key=lambda p: (p.line is not None, p.line or 0))


def checked_scenario(data: dict, file: str = "<scenario>", node=None) -> tuple[Any, list[Problem], FailedParts]:
    """Validate a mapping and run every check on it, also where some fields fail.

    The fields are validated first (pydantic). Where some fail, the checks across sections
    (:func:`twin.scenario.schema.cross_section_problems`) and the loader's own checks still run,
    on a scenario built from the parts that passed (:func:`_partial_scenario`); a check that
    reads a part that failed is skipped, so no problem is reported that only follows from an
    earlier one (no "needs a cost" for a heat pump whose own block is wrong).

    Returns
    -------
    (scenario, problems, failed)
        The scenario (``None`` where none could be built; with failed sections ``None`` and
        failed list items left out where some failed), every problem found (unordered), and
        what failed.

    Raises
    ------
    ScenarioError
        Where the mapping is not one of field names, or a validator met an unexpected shape.
    """
    from twin.scenario.schema import FIELDS_ONLY, Scenario

    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        bad = [k for k in data if not isinstance(k, str)] if isinstance(data, dict) else []
        raise ScenarioError([Problem(file, "", "expected a mapping whose keys are field names (text)",
                                     value=bad or type(data).__name__)])
    errors, unknown, fields = [], set(), data
    for one, many in (("battery", "batteries"), ("thermal_storage", "thermal_stores")):
        try:
            Scenario._one_store_shorthand({one: data.get(one), many: data.get(many)})
        except ValueError as exc:  # both forms given: the rest of the file is still checked
            errors.append({"loc": (), "msg": f"Value error, {exc}", "type": "value_error"})
            unknown.add(many)
            fields = {k: v for k, v in fields.items() if k not in (one, many)}
    failed = FailedParts(frozenset(unknown))
    scenario = None
    try:
        scenario = Scenario.model_validate(fields, context={FIELDS_ONLY: True})
    except ValidationError as exc:
        errors += exc.errors(include_url=False)
    except (TypeError, KeyError, AttributeError, IndexError) as exc:  # a validator met an unexpected shape
        raise ScenarioError([Problem(file, "", f"could not be validated ({type(exc).__name__}: {exc}); check the "
                                     "types of the fields against `twin schema`")]) from None
    problems = _error_problems(errors, data, file, node)
    try:
        if scenario is None:
            scenario, failed = _partial_scenario(fields, errors, unknown) or (None, failed)
        if scenario is not None:
            problems += _scenario_problems(scenario, data, file, node, failed)
    except (TypeError, KeyError, AttributeError, IndexError, ValueError):
        if not errors:
            raise
        # the checks on the parts that passed are a best effort beside the errors found: a part
        # of an unexpected shape leaves them out, never the errors themselves
        scenario = None
    return scenario, problems, failed


def _scenario_problems(scenario, data: dict, file: str, node, failed: FailedParts) -> list[Problem]:
    """Problems of a scenario whose fields passed (or of the parts that passed: ``failed``):
    the checks across sections, YAML booleans read as numbers and :func:`semantic_problems`."""
    from twin.scenario.schema import cross_section_problems

    cross = cross_section_problems(scenario, failed.unknown)
    problems = _error_problems([{"loc": (), "msg": f"{p}: {m}" if p else m, "type": "value_error"}
                                for p, m in cross], data, file, node)
    # a list's duplicate names, once: as the schema names them where it did
    said = {p for p, m in cross if m.startswith("duplicate names")}
    problems += _bool_numbers(data, scenario, file, node, failed)
    problems += semantic_problems(scenario, file, node, failed, said_duplicates=said)
    return problems


def _close_fields(name: Any, fields: Any) -> set[str]:
    """Field names an unknown field ``name`` may be a misspelling of (``pvv``, ``cost``,
    ``baterry``)."""
    import difflib

    return set(difflib.get_close_matches(str(name).strip().lower(), list(fields), n=3, cutoff=0.6))


def _schema_fields_at(loc: tuple) -> list[str]:
    """Field names of the scenario section at ``loc`` (``("pv_arrays", 0)`` -> those of a PV array);
    [] where ``loc`` leads to no section of the schema (a mapping of names, a value)."""
    import typing

    from twin.scenario.schema import Scenario

    model = Scenario
    for key in loc:
        if isinstance(key, int):
            continue
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            return []
        ann, model = field.annotation, None
        for t in (ann, *typing.get_args(ann), *(a for x in typing.get_args(ann) for a in typing.get_args(x))):
            model = _model_of(t)
            if model is not None:
                break
        if model is None:
            return []
    return list(model.model_fields)


def _model_of(annotation: Any) -> Any:
    """The pydantic model class of a section's annotation (``X`` or ``X | None``), else None."""
    import typing

    from pydantic import BaseModel

    for t in (annotation, *typing.get_args(annotation)):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _partial_scenario(data: dict, errors: list[dict], unknown: set[str]) -> tuple[Any, FailedParts] | None:
    """A scenario of the parts of ``data`` that passed validation, for the checks to run on.

    What failed is left out at the smallest part a check can do without: an item of an asset
    list (the list keeps the others), a field of a section (the section is built without it)
    or, where the section cannot be built without it, the whole section (``None``). An unknown
    field counts as a failed attempt at the fields its name is close to (``pvv`` at
    ``costs.pv``). ``None`` where the errors cannot be placed (a problem of the whole file).
    """
    from typing import Annotated

    from pydantic import TypeAdapter

    from twin.scenario.schema import Scenario

    fields = Scenario.model_fields
    try:
        data = Scenario._one_store_shorthand(data)
    except ValueError:
        return None
    bad: dict[str, list[tuple[tuple, str]]] = {}
    for err in errors:
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        if not loc:
            if err["msg"].startswith("Value error, ") and " are both given" in err["msg"]:
                continue  # the one-store shorthand given with the list: left out already
            return None
        if len(loc) == 1 and loc[0] not in fields:  # an unknown section
            unknown.add(str(loc[0]))
            unknown |= _close_fields(loc[0], fields)
            continue
        bad.setdefault(loc[0], []).append((loc[1:], err["type"]))
    for one, many in (("battery", "batteries"), ("thermal_storage", "thermal_stores")):
        if one in unknown:
            unknown.add(many)
    values: dict[str, Any] = {}
    kept: dict[str, tuple[int, ...]] = {}
    for name, f in fields.items():
        if name not in data:
            values[name] = None if f.is_required() else f.get_default(call_default_factory=True)
            if f.is_required():
                unknown.add(name)
            continue
        raw = data[name]
        wrong = bad.get(name, [])
        if wrong and isinstance(raw, list) and all(r and isinstance(r[0], int) for r, _ in wrong):
            drop = {r[0] for r, _ in wrong}
            kept[name] = tuple(i for i in range(len(raw)) if i not in drop)
            unknown |= {f"{name}.{i}" for i in drop}
            raw = [raw[i] for i in kept[name]]
        elif wrong and isinstance(raw, dict) and all(r and isinstance(r[0], str) for r, _ in wrong):
            model = _model_of(f.annotation)
            drop = {r[0] for r, _ in wrong}
            for r, kind in wrong:
                if kind == "extra_forbidden" and len(r) == 1 and model is not None:
                    unknown |= {f"{name}.{m}" for m in _close_fields(r[0], model.model_fields)}
            unknown |= {f"{name}.{k}" for k in drop}
            raw = {k: v for k, v in raw.items() if k not in drop}
        elif wrong:
            values[name] = None
            unknown.add(name)
            continue
        annotation = Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation
        try:
            values[name] = TypeAdapter(annotation).validate_python(raw)
        except (ValidationError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            values[name] = None  # a section that needs the field that failed
            unknown.add(name)
            kept.pop(name, None)
    return Scenario.model_construct(**values), FailedParts(frozenset(unknown), kept)


def _error_problems(errors: list[dict], data: dict, file: str, node) -> list[Problem]:
    """Problems of pydantic errors (and of checks across sections given as errors of the whole
    scenario, ``loc == ()``): each at its field, line and value, in the schema's words made
    plain."""
    problems = []
    for err in errors:
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        msg = err["msg"]
        named = re.match(r"^(?:Value error, )?([a-z_]+(?:\.[a-z_0-9]+)*): (.+)$", msg, re.S)
        if not loc and named:
            # a check of the whole scenario names the field it is about: point there (its
            # line and value), not at the file's first line with the whole file as value
            loc = tuple(int(x) if x.isdigit() else x for x in named.group(1).split("."))
            msg = named.group(2)
        elif named and "." not in named.group(1) and isinstance(value_at(data, loc), dict) \
                and named.group(1) in value_at(data, loc):
            # a check of a section that names one of its fields ("city: unknown station"
            # from the site's check): point at that field
            loc = (*loc, named.group(1))
            msg = named.group(2)
        elif (entry := _entry_loc(data, loc, msg)) is not None:
            # a check of a section that names one of its entries ("transformers.1.lv_bus: ..." from
            # grid.network's check): point at that entry's line, not at the section's
            loc, msg = entry
        value_loc = loc
        loc = _shorthand_loc(node, loc)
        # drop union/tag noise like 'literal['a']' but keep real keys
        path = ".".join(str(x) for x in loc)
        if err["type"] == "extra_forbidden":
            name = str(loc[-1]) if loc else ""
            close = sorted(_close_fields(name, _schema_fields_at(value_loc[:-1])), key=lambda f: f != name.lower())
            msg = (f"unknown field (not in the schema; did you mean {' or '.join(repr(f) for f in close[:2])}? see "
                   "`twin schema`)" if close else "unknown field (not in the schema; check spelling, see `twin schema`)")
            odd = next((ch for ch in _INVISIBLE if ch in name), None)
            if odd:
                msg = (f"unknown field: its name holds U+{ord(odd):04X}, {_INVISIBLE[odd]}; indent "
                       f"and write field names with ordinary spaces and letters")
        elif err["type"] == "missing":
            msg = "required field is missing"
        # a check of the whole scenario that names no field: no value (not the whole file)
        value = None if err["type"] in ("missing",) or not value_loc else value_at(data, value_loc)
        if value is None and err["loc"] and loc != value_loc and err["type"] != "missing":
            value = value_at(data, loc)  # a field of the one-store shorthand: 'battery.max_kwh' as written
        if isinstance(value, str) and "：" in value and err["type"].endswith("_type"):
            # `city： 广州` under a section parses as the text 'city： 广州', not a field
            msg += "; it holds a full-width colon '：': write the field as 'name: value' with ':' and a space"
        if isinstance(value, str) and err["type"] in ("float_parsing", "int_parsing"):
            msg += number_text_hint(value)
        if err["type"] == "extra_forbidden":
            value = None
        if isinstance(value, (dict, list)) and len(_short(value, 10**6)) > 80:
            value = None  # a whole section: its line says where, a cut-off dump of it says nothing
        if isinstance(value, float) and not math.isfinite(value):
            msg = f"expected a finite number ({msg.removeprefix('Value error, ')})"
        problems.append(Problem(file, path, msg.removeprefix("Value error, "), value,
                                line_of(node, loc) if loc else None))
    return problems


def _entry_loc(data: dict, loc: tuple, msg: str) -> tuple[tuple, str] | None:
    """(location, message) of a section's error whose message starts with a dotted path inside
    that section (``transformers.1.lv_bus: ...``, ``connections.depot canopy: ...``; list positions
    as numbers) that the file has, else None. ``loc`` ``()``: a path from the top of the file."""
    head, sep, rest = msg.removeprefix("Value error, ").partition(": ")
    if not sep or "." not in head or " " in head.split(".")[0]:
        return None
    section = value_at(data, loc)
    if not isinstance(section, dict) or head.split(".")[0] not in section:
        return None
    path = tuple(int(x) if x.isdigit() else x for x in head.split("."))
    if value_at(section, path) is None:
        return None
    return (*loc, *path), rest


def number_text_hint(text: str) -> str:
    """What to write instead of a number written as text the schema cannot read: a percent
    sign, full-width digits, a thousands separator, a unit after the number ('' if none fits)."""
    t = text.strip()
    folded = t.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．－＋"}).replace("，", ",")
    if folded != t.replace("，", ",") and _plain_number(folded):
        return f"; it is written in full-width digits: write {folded} in ordinary (ASCII) digits"
    if t.endswith(("%", "％")) and _plain_number(t[:-1]):
        v = float(t[:-1])
        return (f"; percent signs are not read: write the number alone, for a share or rate as a fraction "
                f"({v / 100:g} for {t})")
    if re.fullmatch(r"[-+]?\d{1,3}([,，]\d{3})+(\.\d*)?", t):
        return f"; write {re.sub('[,，]', '', t)} without the thousands separator"
    m = re.fullmatch(r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*([^\d\s].*)", t)
    if m:
        return f"; write the number alone ({m.group(1)}), in the unit the field's name states"
    return ""


def _plain_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _bool_numbers(data: dict, scenario, file: str, node, failed: FailedParts | None = None) -> list[Problem]:
    """``true``/``yes``/``on`` (YAML booleans) where the schema took a number: pydantic reads
    them as 1 (and ``no``/``off`` as 0), e.g. ``demand_charge_cny_per_kw_month: yes``. Not
    looked for in the parts that ``failed``."""
    out: list[Problem] = []
    dump = None
    failed = failed or FailedParts()

    def walk(obj, loc):
        nonlocal dump
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, loc + (k,))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, loc + (i,))
        elif isinstance(obj, bool) and failed.known(loc):
            if dump is None:
                dump = _file_dump(scenario, failed)
            got = value_at(dump, loc)
            if isinstance(got, (int, float)) and not isinstance(got, bool):
                shown = _shorthand_loc(node, loc)
                out.append(Problem(file, ".".join(map(str, shown)),
                                   f"expected a number; YAML reads the word written here as {obj} (yes, no, on, off, "
                                   f"true and false are booleans), which would count as {got:g}", line=line_of(node, shown)))

    walk(data, ())
    return out


def _file_dump(scenario, failed: FailedParts) -> dict:
    """The scenario as plain data with the file's list positions (an item that failed is
    ``None``), to look up what a value of the file became."""
    from pydantic import BaseModel

    if not failed.unknown:
        return scenario.model_dump(mode="python")

    def plain(v):
        return v.model_dump(mode="python") if isinstance(v, BaseModel) else v

    out = {}
    for name in type(scenario).model_fields:
        v = getattr(scenario, name)
        if isinstance(v, list):
            v = [plain(x) for x in v]
            if name in failed.kept:
                full = [None] * (max(failed.kept[name], default=-1) + 1)
                for i, x in zip(failed.kept[name], v):
                    full[i] = x
                v = full
        out[name] = plain(v)
    return out


def _walk_numbers(obj: Any, path: tuple, out: list[tuple[tuple, Any]]) -> None:
    """Every (path, model) and (path, number) pair below a validated model."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        out.append((path, obj))
        for name in type(obj).model_fields:
            _walk_numbers(getattr(obj, name), path + (name,), out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk_numbers(v, path + (k,), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _walk_numbers(v, path + (i,), out)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out.append((path, obj))


def _pairs(model) -> list[tuple[str, str]]:
    """(min field, max field) pairs of a model: ``min_x``/``max_x`` and ``x_min``/``x_max``."""
    names = set(type(model).model_fields)
    out = []
    for n in sorted(names):
        if n.startswith("min_") and "max_" + n[4:] in names:
            out.append((n, "max_" + n[4:]))
        elif n.endswith("_min") and n[:-4] + "_max" in names:
            out.append((n, n[:-4] + "_max"))
    return out


def semantic_problems(scenario, file: str = "<scenario>", node=None, failed: FailedParts | None = None,
                      said_duplicates: set[str] | frozenset[str] = frozenset()) -> list[Problem]:
    """Problems of a schema-valid scenario that the run would otherwise meet later.

    Parameters
    ----------
    failed
        The parts of the file that failed validation (:func:`checked_scenario`): the scenario
        lacks them, and problems at or across them are not looked for.
    said_duplicates
        Asset lists whose duplicate names are reported already (by the schema's check).

    Returns
    -------
    list of Problem
        Non-finite or absurdly small numbers, ``min_*`` above ``max_*``, duplicate names in
        an asset list, setpoints the building type's defaults turn upside down, and plant the
        optimiser may build without a cost.
    """
    import math

    from pydantic import BaseModel

    problems: list[Problem] = []
    failed = failed or FailedParts()

    def add(loc: tuple, msg: str, value: Any = None) -> None:
        loc = failed.remap(loc)
        if not failed.known(loc):
            return
        loc = _shorthand_loc(node, loc)
        problems.append(Problem(file, ".".join(str(x) for x in loc), msg, value, line_of(node, loc)))

    items: list[tuple[tuple, Any]] = []
    _walk_numbers(scenario, (), items)
    for loc, v in items:
        if isinstance(v, BaseModel):
            for lo, hi in _pairs(v):
                a, b = getattr(v, lo), getattr(v, hi)
                if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b \
                        and failed.known(failed.remap(loc + (lo,))):
                    add(loc + (hi,), f"must not be below {lo} ({a:g})", b)
        elif isinstance(v, float) and not math.isfinite(v):
            add(loc, "expected a finite number", str(v))
        elif v != 0 and abs(v) < MIN_NONZERO_MAGNITUDE:
            add(loc, f"absurdly small magnitude; give 0 or a value of at least {MIN_NONZERO_MAGNITUDE:g} "
                "in the field's unit", v)
    for field_name in type(scenario).model_fields:
        seq = getattr(scenario, field_name)
        if not isinstance(seq, (list, tuple)) or not seq or not hasattr(seq[0], "name") \
                or field_name in said_duplicates:
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(seq):
            key = str(item.name).strip().casefold()
            if key in first:
                also = failed.remap((field_name, first[key]))[1]
                add((field_name, i, "name"), f"duplicate name (also {field_name}.{also}); names must be "
                    "unique within the list, the results are labelled by them", item.name)
            else:
                first[key] = i
    problems += _building_setpoint_problems(scenario, add)
    if scenario.costs is not None:  # None: the costs section failed, each cost is unknown
        _plant_cost_problems(scenario, add, lambda name: failed.known(("costs", name)))
    return problems


def _plant_cost_problems(scenario, add, known=lambda name: True) -> None:
    """Heat pumps, thermal and cold stores, electric boilers and electric chillers that the optimiser may
    build need a cost, as PV and batteries do: without one they were built at no cost (a free
    heat pump displaces every other heat source). ``known(name)``: whether ``costs.<name>`` is
    known (not a part of the file that failed validation)."""
    def may_grow(existing: float, maximum: float | None, minimum: float = 0.0) -> bool:
        return maximum is None or maximum > existing or minimum > existing

    costs = scenario.costs
    for i, hp in enumerate(scenario.heat_pumps or []):
        if costs.heat_pump is None and known("heat_pump") and may_grow(hp.existing_kw, hp.max_kw, hp.min_kw):
            add(("heat_pumps", i), f"'{hp.name}' may be built but has no cost: give costs.heat_pump [CNY per kW "
                "of heat], or set max_kw to its existing_kw to keep it as it is")
    for i, ts in enumerate(scenario.thermal_stores or []):
        if ts.cost is None and costs.thermal_storage is None and known("thermal_storage") \
                and may_grow(ts.existing_kwh, ts.capacity_limit_kwh(), ts.min_kwh):
            add(("thermal_stores", i), f"'{ts.name}' may be built but has no cost: give costs.thermal_storage [CNY "
                "per kWh of heat] or the store's own cost, or set max_kwh to its existing_kwh")
    for i, cs in enumerate(scenario.cold_stores or []):
        entry = "chilled_water_storage" if cs.kind == "chilled_water" else "ice_storage"
        if cs.cost is None and getattr(costs, entry) is None and known(entry) \
                and may_grow(cs.existing_kwh, cs.capacity_limit_kwh(), cs.min_kwh):
            add(("cold_stores", i), f"'{cs.name}' may be built but has no cost: give costs.{entry} [CNY per kWh "
                "of cooling] or the store's own cost, or set max_kwh to its existing_kwh")
    for i, bo in enumerate(scenario.boilers or []):
        if bo.fuel == "electric" and costs.electric_boiler is None and known("electric_boiler") and may_grow(bo.existing_kw, bo.max_kw, bo.min_kw):
            add(("boilers", i), f"'{bo.name}' (electric) may be built but has no cost: give costs.electric_boiler "
                "[CNY per kW of heat], or set max_kw to its existing_kw")
    for i, ch in enumerate(scenario.chillers or []):
        if ch.kind == "electric" and costs.chiller is None and known("chiller") and may_grow(ch.existing_kw, ch.max_kw, ch.min_kw):
            add(("chillers", i), f"'{ch.name}' may be built but has no cost: give costs.chiller [CNY per kW of "
                "cooling], or set max_kw to its existing_kw")


def _building_setpoint_problems(scenario, add) -> list:
    """A heating setpoint above the cooling one once the building type's defaults fill the gaps."""
    if not scenario.buildings:  # none, or the section failed (None)
        return []
    import pandas as pd

    from twin.components.buildings import type_presets

    presets = type_presets()
    for i, b in enumerate(scenario.buildings):
        if b.type not in presets.index:
            continue
        tp = presets.loc[b.type]
        h = b.setpoints.heating_c if b.setpoints.heating_c is not None else tp.get("heating_setpoint_c")
        c = b.setpoints.cooling_c if b.setpoints.cooling_c is not None else tp.get("cooling_setpoint_c")
        if h is not None and c is not None and not pd.isna(h) and not pd.isna(c) and float(h) > float(c):
            which = "heating_c" if b.setpoints.heating_c is not None else "cooling_c"
            add(("buildings", i, "setpoints", which),
                f"heating setpoint {float(h):g} °C would be above the cooling setpoint {float(c):g} °C "
                f"(the other one is the default of type '{b.type}')")
    return []


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
    data, node, ext_overrides, sources = _read_raw(path, [])
    variants = _read_variants(data.pop("variants", None), str(path), node)
    ext_overrides = [o for o in ext_overrides if o != "variants" and not o.startswith("variants.")]
    return _finish(path, data, node, ext_overrides, variants, variant, overrides, sources)


def variant_problems(loaded: LoadedScenario, names: list[str] | tuple[str, ...] | None = None) -> list[Problem]:
    """Every problem of the variants ``names`` (``"a+b"`` combines, ``"base"`` is the file as
    written, an unknown name is a problem too), each applied alone with its ``combine`` list; by
    default every variant the file declares. So ``twin validate`` finds what ``twin run
    --variant`` would refuse, and ``twin compare`` names every bad variant at once, before any
    is run. A problem several variants share (a combined variant repeats those of its parts)
    is listed once."""
    out: list[Problem] = []
    seen: set[str] = set()
    for name in (loaded.variants if names is None else names):
        try:
            loaded.derive(name)
        except ScenarioError as exc:
            out += [p for p in exc.problems if str(p) not in seen and not seen.add(str(p))]
        except ValueError as exc:  # an empty name in 'a+'
            out.append(Problem(str(loaded.path), "variants", str(exc)))
    return out


def variant_names(variant: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"a+b"`` / ``["a", "b"]`` / ``None`` / ``"base"`` -> ``("a", "b")`` / ``()``."""
    if variant is None:
        return ()
    parts = variant.split("+") if isinstance(variant, str) else [p for v in variant for p in str(v).split("+")]
    if any(not p.strip() for p in parts):
        raise ValueError(f"empty variant name in {variant!r}; name a declared variant, 'a+b' to combine "
                         f"two, or '{BASE_VARIANT}' for the file as written")
    return tuple(p.strip() for p in parts if p.strip() != BASE_VARIANT)


def _read_variants(raw: Any, file: str, node) -> dict[str, VariantSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ScenarioError([Problem(file, "variants", "expected a mapping of variant names to "
                                     "{label, description, combine, overrides}", value=type(raw).__name__,
                                     line=line_of(node, ("variants",)))])
    out, problems = {}, []
    for name, spec in raw.items():
        if str(name) == BASE_VARIANT or "+" in str(name):
            problems.append(Problem(file, f"variants.{name}", f"'{BASE_VARIANT}' and names with '+' are reserved",
                                    line=line_of(node, ("variants", name))))
            continue
        try:
            out[str(name)] = VariantSpec.model_validate(spec or {})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = ("variants", name, *err["loc"])
                msg = err["msg"]
                if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
                    msg = _variant_field_message(name, str(err["loc"][0]))
                problems.append(Problem(file, ".".join(map(str, loc)), msg, line=line_of(node, loc)))
    for name, spec in out.items():
        for other in spec.combine:
            if other not in out:
                problems.append(Problem(file, f"variants.{name}.combine", f"unknown variant '{other}' "
                                        f"(declared: {', '.join(out) or 'none'})", line=line_of(node, ("variants", name))))
    if problems:
        raise ScenarioError(problems)
    return out


def _variant_field_message(variant: Any, key: str) -> str:
    """The message of an unknown key ``key`` directly under variant ``variant``: a misspelt
    variant field names the field; a scenario path (``battery``, ``costs.pv.capex_cny_per_unit``)
    written beside them, not under ``overrides:``, is shown where it belongs."""
    fields = list(VariantSpec.model_fields)
    close = _close_fields(key, fields)
    if close:
        return (f"unknown variant field (did you mean {' or '.join(repr(f) for f in sorted(close))}? a variant "
                f"holds {', '.join(fields)})")
    return (f"not a variant field: a variant holds {', '.join(fields)}, and the scenario paths it changes go "
            f"under 'overrides:' (variants: {{{variant}: {{overrides: {{{key}: ...}}}}}})")


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
            variant, overrides, sources: dict[str, VariantSource] | None = None) -> LoadedScenario:
    """Apply variants and overrides to the merged mapping, validate, hash and check files.

    A problem an override causes is placed where the override is written: a variant's at
    its line under ``variants:`` (``sources``), a caller's (``--set``) with no line."""
    file = str(path)
    raw = data
    sources = sources or {}
    try:
        names = variant_names(variant)
    except ValueError as exc:
        raise ScenarioError([Problem(file, "variant", f"{exc} (declared: {', '.join(variants) or 'none'})")]) from None
    applied: list[Applied] = []
    where: list[tuple[str, int | None]] = []  # (file, line) of each applied override
    current = None  # the variant being applied (None: the caller's overrides)
    try:
        order: list[str] = []
        for n in names:
            order += [m for m in _expand(n, variants, file) if m not in order]
        for n in order:
            current = n
            data, a = apply_overrides(data, variants[n].overrides, f"variant '{n}'")
            applied += a
            where += [_override_where(sources, n, x.path, file) for x in a]
        current = None
        data, a = apply_overrides(data, overrides, "overrides")
        applied += a
        where += [(file, None)] * len(a)
    except OverrideError as exc:
        f, line = _override_where(sources, current, exc.path, file) if current else (file, None)
        raise ScenarioError([Problem(f, exc.path, f"{exc.source}: {exc.message}", line=line)]) from None
    scenario, problems, failed = checked_scenario(data, file, node)
    notes: list[str] = []
    weather_notes: list[str] = []
    inputs: list[Path] = []
    # the files the scenario names are checked too where fields failed: one round for all
    files = check_files(scenario, path, node, notes, weather_notes, inputs, failed) if scenario is not None else []
    if scenario is not None and not problems:
        notes += price_order_notes(scenario.grid.tariff) + export_price_notes(scenario.grid)
        notes += idle_v2g_share_notes(scenario)
        notes += vehicle_limited_charger_notes(scenario)
    if problems or files:
        raise ScenarioError(_placed(ordered(problems + files), {id(p) for p in files}, applied, where))
    canonical = json.dumps([scenario.model_dump(mode="json"), input_file_digests(inputs, path.parent)],
                           sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return LoadedScenario(scenario, path, path.parent, digest, list(ext_overrides) + [a.path for a in applied],
                          variant=names, applied=tuple(applied), variants=variants, raw=raw, notes=notes,
                          weather_file_notes=weather_notes, variant_sources=sources)


def _placed(problems: list[Problem], of_files: set[int], applied: list[Applied],
            where: list[tuple[str, int | None]]) -> list[Problem]:
    """Problems an override caused said so and placed where that override is written (a
    variant's line under ``variants:``; a caller's ``--set``, no line); the problems of the
    files the scenario names (``of_files``, ids) as they are."""
    if not applied:
        return problems
    from dataclasses import replace

    out = []
    for p in problems:
        # the problem at the overridden field, inside it, or at the section holding it
        # (site: ... for --set site.city=...)
        src = [] if id(p) in of_files else [
            i for i, a in enumerate(applied) if p.path == a.path
            or p.path.startswith(a.path.split("[")[0]) or a.path.startswith(p.path + ".")]
        if src:
            f, line = where[src[-1]]
            p = replace(p, file=f, line=line, message=f"{p.message} [set by {applied[src[-1]].source}]")
        out.append(p)
    return out


def _override_where(sources: dict[str, VariantSource], variant: str, path: str, file: str
                    ) -> tuple[str, int | None]:
    """File and line where ``variant`` writes override ``path`` (the scenario file, no line, if unknown)."""
    src = sources.get(variant)
    return src.where(path) if src else (file, None)


def input_file_digests(files: list[Path], base: Path) -> list[list[str]]:
    """``[name, sha256]`` of every input file a scenario names (weather file, hourly series),
    part of the scenario's sha256: a comparison or sweep run again after the user's EPW or
    load profile changed reused the old results, the YAML being the same. Names relative to
    the scenario's folder where they lie in it, so a moved project keeps its hash."""
    out = []
    for f in files:
        st = f.stat()
        key = (str(f.resolve()), st.st_mtime_ns, st.st_size)
        if key not in _FILE_DIGESTS:  # a sweep derives every case from the same files
            h = hashlib.sha256()
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            _FILE_DIGESTS[key] = h.hexdigest()
        try:
            name = f.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            name = f.resolve().as_posix()
        out.append([name, _FILE_DIGESTS[key]])
    return sorted(out)


#: sha256 of input files already hashed: (path, mtime, size) -> hex digest
_FILE_DIGESTS: dict[tuple, str] = {}


#: weather files already read by check_files: (path, mtime, size, year) -> problem or None
_WEATHER_CHECKED: dict[tuple, tuple[str | None, tuple[float, float] | None, list[str]]] = {}


def check_files(scenario, path: Path, node=None, notes: list[str] | None = None,
                weather_notes: list[str] | None = None, inputs: list[Path] | None = None,
                failed: FailedParts | None = None) -> list[Problem]:
    """Every file named in the scenario: it exists, the run can read it and a weather file
    is of the site (:func:`twin.scenario.schema.weather_file_conflict`). Where some parts of
    the file ``failed`` validation, the files of the others (the weather file only with the
    site and the park valid: it is read for the planning year and checked against the site).

    Weather files are read with :func:`weather.read_weather_file` and hourly series with
    :func:`twin.hourly_csv.read_hourly_csv`, the readers of the run; conversions they make
    (quarter-hour means, 29 February dropped) are appended to ``notes``, what the weather
    reader repaired to ``weather_notes``; the files found are appended to ``inputs``.
    """
    from twin.hourly_csv import SeriesError, read_hourly_csv

    problems: list[Problem] = []
    base = path.parent
    notes = [] if notes is None else notes
    failed = failed or FailedParts()

    def full(p) -> Path:
        return Path(p) if Path(p).is_absolute() else base / p

    def problem(loc: tuple, msg: str, value=None) -> None:
        loc = failed.remap(loc)
        problems.append(Problem(str(path), ".".join(str(x) for x in loc), msg, value, line_of(node, loc)))

    def exists(p, loc) -> bool:
        try:
            f = full(p)
            if f.is_dir():
                problem(loc, "is a folder; expected a file", str(p))
                return False
            if not f.exists():
                problem(loc, "file not found", str(p))
                return False
        except (OSError, ValueError) as exc:
            problem(loc, f"not a usable path ({exc})", str(p))
            return False
        if inputs is not None:
            inputs.append(f)
        return True

    def series(p, loc, **kw) -> None:
        if p is None or not exists(p, loc):
            return
        try:
            read_hourly_csv(full(p), notes=notes, **kw)
        except SeriesError as exc:
            problem(loc, str(exc))

    site = scenario.site
    if site is not None and scenario.park is not None and failed.known(("site",)) \
            and failed.known(("park", "planning_year")) \
            and site.weather_file is not None and exists(site.weather_file, ("site", "weather_file")):
        import weather as wx

        f = full(site.weather_file)
        try:
            st = f.stat()
            key = (str(f.resolve()), st.st_mtime_ns, st.st_size, scenario.park.planning_year)
        except OSError:
            key = None
        if key is None or key not in _WEATHER_CHECKED:
            station, repairs = None, []
            try:
                _, meta = wx.read_weather_file(f, year=scenario.park.planning_year)
                msg, station = None, (meta.latitude, meta.longitude)
                # what the reader changed (time zone, filled values, shifted radiation), not
                # the check that found nothing to change
                repairs = [f"{f.name}: {n}" for n in meta.notes if "no shift needed" not in n]
            except wx.WeatherError as exc:
                msg = str(exc)
            except (ValueError, OSError, EOFError, KeyError, IndexError, TypeError) as exc:
                msg = f"weather file could not be read ({type(exc).__name__}: {exc}); expected an EPW or TMY3 file"
            if key is not None:
                _WEATHER_CHECKED[key] = (msg, station, repairs)
        else:
            msg, station, repairs = _WEATHER_CHECKED[key]
        if weather_notes is not None:
            weather_notes.extend(repairs)
        if msg is None and station is not None:
            from twin.scenario.schema import weather_file_conflict

            msg = weather_file_conflict(site, *station)
        if msg:
            problem(("site", "weather_file"), msg)
    if scenario.grid is not None and failed.known(("grid", "emission_factor")):
        series(scenario.grid.emission_factor.hourly_csv, ("grid", "emission_factor", "hourly_csv"),
               column="ef_kgco2_per_kwh", what="grid emission factor [kgCO2/kWh]", upper=2.0)
    for i, pl in enumerate(scenario.process_loads or []):
        series(pl.profile_csv, ("process_loads", i, "profile_csv"), what=f"load of {pl.name!r} [kW]", upper=2e6)
    for i, ph in enumerate(scenario.process_heat or []):
        series(ph.profile_csv, ("process_heat", i, "profile_csv"), column="q_kw",
               what=f"process heat demand of {ph.name!r} [kW]", upper=2e6)
    for i, pc in enumerate(scenario.process_cooling or []):
        series(pc.profile_csv, ("process_cooling", i, "profile_csv"), column="q_kw",
               what=f"process cooling demand of {pc.name!r} [kW]", upper=2e6)
    for i, w in enumerate(scenario.waste_heat or []):
        if w.profile == "csv":
            series(w.csv_path, ("waste_heat", i, "csv_path"), column="q_kw",
                   what=f"raw waste heat of {w.name!r} [kW]", upper=2e6)
    return problems


def idle_v2g_share_notes(scenario) -> list[str]:
    """Fleets whose ``v2g_share`` is not used because their mode is not ``v2g`` (a variant that switches
    the mode keeps the base's share: said, not refused)."""
    return [f"EV fleet '{f.name}': v2g_share {f.v2g_share:g} is not used in mode '{f.mode}' (only in mode 'v2g')"
            for f in scenario.ev_fleets if f.mode != "v2g" and f.v2g_share > 0]


def vehicle_limited_charger_notes(scenario) -> list[str]:
    """Fleets whose vehicles take less than their chargers give (``vehicle_max_charge_kw`` below
    ``charger_kw``): the sessions charge at the vehicles' power, the chargers' rest is never used."""
    return [f"EV fleet '{f.name}': the vehicles take at most {f.vehicle_max_charge_kw:g} kW, so its "
            f"{f.charger_kw:g} kW chargers charge at {f.session_kw:g} kW (the load, the flexibility and V2G "
            "follow the vehicles' power)"
            for f in scenario.ev_fleets
            if f.vehicle_max_charge_kw is not None and f.vehicle_max_charge_kw < f.charger_kw]
