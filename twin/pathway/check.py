"""Checks of a pathway's own inputs before anything is solved: each period's scenario validates.

A period's scenario is the scenario with the ``pathway.period_overrides`` of that period and
the periods before it (a later period's value wins). :func:`period_problems` loads each of
them as :func:`twin.pathway.runner.run_period` will, and names every problem by the override
that causes it: the file and line of the entry in ``period_overrides`` (in the file of the
``extends`` chain that holds it), its field ``pathway.period_overrides.<year>.<path>`` and
what was expected. ``twin validate`` and ``twin pathway`` (before the first period) call it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

_SET_BY = re.compile(r" \[set by [^\]]*\]$")


def _child(node, key):
    """The value node of ``key`` in a YAML mapping node (keys compared as text), its key node."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None, None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and str(k.value) == str(key):
            return v, k
    return None, None


def override_line(path: Path, year: int, key: str, shown: str | None = None,
                  depth: int = 0) -> tuple[str, int | None]:
    """File and line of the entry ``key`` of ``pathway.period_overrides.<year>`` along the
    ``extends`` chain of ``path`` (the file nearest the leaf that sets it; ``(leaf, None)`` if none)."""
    import yaml

    from twin.scenario.loader import MAX_EXTENDS_DEPTH, ScenarioError, read_yaml

    shown = shown or str(path)
    try:
        node, data = read_yaml(path, shown)
    except ScenarioError:
        return shown, None
    ov, _ = _child(node, "pathway")
    ov, _ = _child(ov, "period_overrides")
    entries, year_key = _child(ov, year)
    if isinstance(entries, yaml.MappingNode):
        v, k = _child(entries, key)
        if k is not None:
            return shown, k.start_mark.line + 1
    elif year_key is not None:  # `2035: null` removes the base's entries; a scalar is the schema's problem
        return shown, year_key.start_mark.line + 1
    base = data.get("extends") if isinstance(data, dict) else None
    if isinstance(base, str) and base.strip() and depth < MAX_EXTENDS_DEPTH:
        bp = path.parent / base
        if bp.is_file():
            f, line = override_line(bp.resolve(), year, key, str(Path(shown).parent / base), depth + 1)
            if line is not None:
                return f, line
    return shown, None


def _owner(problem_path: str, keys: list[str]) -> str | None:
    """The override key (dotted path) a validation problem at ``problem_path`` comes from."""
    def plain(k: str) -> str:
        return re.sub(r"\[[^\]]*\]", "", k)

    for k in reversed(keys):  # the exact field, then a field inside it, then the section holding it
        if problem_path == k or problem_path == plain(k):
            return k
    for k in reversed(keys):
        if problem_path.startswith(plain(k) + ".") or plain(k).startswith(problem_path + "."):
            return k
    for k in reversed(keys):
        if problem_path.split(".")[0] == plain(k).split(".")[0]:
            return k
    return None


def _add(out: list, seen: set, problem) -> None:
    ident = (problem.file, problem.line, problem.path, problem.message)
    if ident not in seen:
        seen.add(ident)
        out.append(problem)


def _located(p, year: int, path: Path, ov: dict, by_key: dict):
    """A validation problem of period ``year`` at the ``period_overrides`` entry that causes it."""
    from twin.scenario.loader import Problem

    msg = _SET_BY.sub("", p.message).removeprefix("overrides: ")
    key = _owner(p.path, list(ov))
    if key is None:
        return replace(p, message=f"period {year}: {msg}")
    y = by_key[key]
    file, line = override_line(path, y, key)
    plain = re.sub(r"\[[^\]]*\]", "", key)
    sub = p.path[len(plain):] if p.path.startswith(plain + ".") else ""
    return Problem(file, f"pathway.period_overrides.{y}.{key}{sub}", msg, value=p.value, line=line)


def period_problems(path: str | Path, spec, *, variant: str | None = None,
                    base_overrides: dict[str, Any] | None = None) -> list:
    """Every problem of the periods' scenarios (:class:`twin.scenario.loader.Problem`, deduplicated),
    each at the line of the ``period_overrides`` entry that causes it; empty when all validate.

    Parameters
    ----------
    path : path
        The pathway's scenario file.
    spec : PathwaySpec
        Its ``pathway`` section (as loaded with ``variant`` and ``base_overrides``).
    """
    from solvers.pathway import FORESIGHT_OBJECTIVES
    from twin.scenario.loader import Problem, ScenarioError, load_scenario

    path = Path(path)
    base = dict(base_overrides or {})
    out: list = []
    seen: set = set()
    for year in spec.periods:
        # the overrides of this period and the ones before (later wins), each with its year
        by_key: dict[str, int] = {}
        ov: dict[str, Any] = {}
        for y in sorted(spec.period_overrides):
            if y <= year:
                for k, v in spec.period_overrides[y].items():
                    ov[k], by_key[k] = v, y
        while True:  # an override that cannot be applied at all hides the others: drop it and go on
            try:
                loaded = load_scenario(path, overrides={**base, **ov}, variant=variant) if ov else None
            except ScenarioError as exc:
                unusable = [p.path for p in exc.problems if p.path in ov and p.message.startswith("overrides: ")]
                for p in exc.problems:
                    _add(out, seen, _located(p, year, path, ov, by_key))
                if not unusable:
                    break
                for k in unusable:
                    ov.pop(k)
                continue
            except ValueError as exc:  # not a ScenarioError: say which period
                _add(out, seen, Problem(str(path), "pathway.period_overrides", f"period {year}: {exc}"))
                break
            if spec.mode == "foresight":
                sc = loaded.scenario if loaded is not None else load_scenario(path, overrides=base or None,
                                                                              variant=variant).scenario
                if sc.objective.kind not in FORESIGHT_OBJECTIVES:
                    y = by_key.get("objective.kind")
                    file, line = override_line(path, y, "objective.kind") if y is not None else (str(path), None)
                    _add(out, seen, Problem(
                        file, f"pathway.period_overrides.{y}.objective.kind" if y else "objective.kind",
                        f"period {year}: pathway.mode foresight sizes every period in one LP, so the objective "
                        f"must be {' or '.join(FORESIGHT_OBJECTIVES)} in every period (or use pathway.mode: "
                        "myopic)", value=sc.objective.kind, line=line))
            break
    return out


__all__ = ["override_line", "period_problems"]
