"""The sweep file and its cases: a grid and a seeded Monte Carlo sample over dotted fields.

A sweep file (YAML)::

    scenario: ../scenarios/office_guangzhou.yaml   # relative to the sweep file
    variant: no_storage          # optional, as `twin run --variant`
    hours: 168                   # optional run horizon (quick looks)
    objective: min_cost          # optional
    operate: both                # optional: operate every case (rule, mpc, both; default none)
    seed: 42                     # seed of the Monte Carlo sample
    grid:                        # every combination (full factorial)
      costs.pv.capex_cny_per_unit: [2400, 3000]
      battery: [null, {name: bess}]
    monte_carlo:
      samples: 50                # drawn for every grid point
      fields:
        carbon.carbon_price_cny_per_t: {dist: uniform, low: 0, high: 200}
        process_loads[line].annual_mwh: {dist: normal, mean: 1.0, sd: 0.1, relative: true}
        site.weather_seed: {dist: integers, low: 0, high: 10000}
        ev_fleets[cars].vehicles: {dist: choice, values: [400, 600, 800]}
        grid.emission_factor.value_kgco2_per_kwh: {dist: triangular, low: 0.35, mode: 0.45, high: 0.55}

Distributions: ``uniform(low, high)``, ``normal(mean, sd)``, ``lognormal(mean, sd)`` (of
the log), ``triangular(low, mode, high)``, ``integers(low, high)`` (high exclusive),
``choice(values)``; optional ``min``/``max`` clip; ``relative: true`` multiplies the
scenario's own value. Sample *k* draws from ``numpy.random.default_rng([seed, k])`` in the
order the fields are written, so a case's values do not depend on how many samples there are.

Every case is a mapping of dotted paths to values (:mod:`twin.scenario.overrides`) with an
id ``c<index>-<hash of the overrides>``: a resumed sweep recognises its finished cases, and
an edited sweep file does not mistake old results for new cases.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from solvers.problem import Objective
from twin.scenario.loader import Problem, ScenarioError, line_of, read_yaml, value_at


#: Parameters each distribution needs.
NEEDS = {"uniform": ("low", "high"), "normal": ("mean", "sd"), "lognormal": ("mean", "sd"),
         "triangular": ("low", "mode", "high"), "integers": ("low", "high"), "choice": ("values",)}


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


#: Largest |mean| of a lognormal (of the log): exp(50) is 5e21, beyond any field [-].
MAX_LOG_MEAN = 50.0

#: Most cases a sweep may make (grid points × samples): each is a run of seconds to minutes,
#: and making and checking a million of them took hours before anything ran [-].
MAX_CASES = 100_000


def distribution_problems(d: dict) -> list[str]:
    """What is wrong with a distribution's parameters beyond each field's own type.

    Works on the mapping as written, so that a file with a misspelt ``dist`` or a negative
    ``sd`` still has its ranges checked in the same pass (all problems at once).
    """
    out = []
    dist = d.get("dist")
    need = NEEDS.get(dist) if isinstance(dist, str) else None
    if need:
        missing = [k for k in need if d.get(k) is None]
        if missing:
            out.append(f"'{dist}' needs {', '.join(need)} (missing: {', '.join(missing)})")
    ranged = need is None or dist in ("uniform", "integers", "triangular")
    low, high, mode = d.get("low"), d.get("high"), d.get("mode")
    if ranged and _num(low) and _num(high) and not low < high:
        out.append(f"expected low below high (got low {low:g}, high {high:g})")
    if (need is None or dist == "triangular") and _num(low) and _num(high) and _num(mode) \
            and low < high and not low <= mode <= high:
        out.append(f"expected mode between low and high (got low {low:g}, mode {mode:g}, high {high:g})")
    mean = d.get("mean")
    if dist == "lognormal" and _num(mean) and abs(mean) > MAX_LOG_MEAN:
        head = "a lognormal's mean and sd are of the natural log of the value (its median is exp(mean)), "
        out.append(head + (f"so mean {mean:g} gives exp({mean:g}), beyond any field: for a median of {mean:g} "
                           f"write mean: {math.log(mean):.4g}" if mean > 0 else
                           f"expected a mean within ±{MAX_LOG_MEAN:g} (got {mean:g})"))
    if dist == "choice" and isinstance(d.get("values"), list) and not d["values"]:
        out.append("'choice' needs a non-empty list of values")
    if _num(d.get("min")) and _num(d.get("max")) and d["min"] > d["max"]:
        out.append(f"expected min not above max (got min {d['min']:g}, max {d['max']:g})")
    return out


class Distribution(BaseModel):
    """One random field of the Monte Carlo sample."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Literal["uniform", "normal", "lognormal", "triangular", "integers", "choice"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, ge=0)
    values: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    relative: bool = Field(False, description="Multiply the scenario's own value by the draw.")

    @model_validator(mode="after")
    def _params(self) -> Distribution:
        problems = distribution_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def draw(self, rng: np.random.Generator) -> Any:
        d = self.dist
        if d == "uniform":
            v = rng.uniform(self.low, self.high)
        elif d == "normal":
            v = rng.normal(self.mean, self.sd)
        elif d == "lognormal":
            v = rng.lognormal(self.mean, self.sd)
        elif d == "triangular":
            v = rng.triangular(self.low, self.mode, self.high)
        elif d == "integers":
            return int(rng.integers(int(self.low), int(self.high)))
        else:
            return self.values[int(rng.integers(len(self.values)))]
        if self.min is not None:
            v = max(v, self.min)
        if self.max is not None:
            v = min(v, self.max)
        return float(v)


def central_value(d: dict) -> Any:
    """A representative value of a distribution as written (its centre), or None.

    Used to check a Monte Carlo field against the scenario before any case is drawn,
    even when the distribution itself has a problem."""
    dist, values = d.get("dist"), d.get("values")
    if dist == "choice" or (dist not in NEEDS and isinstance(values, list)):
        return values[0] if isinstance(values, list) and values else None
    low, high, mode, mean = d.get("low"), d.get("high"), d.get("mode"), d.get("mean")
    if dist == "integers" and _num(low):
        return int(low)
    if dist == "lognormal" and _num(mean):
        v = math.exp(mean) if abs(mean) <= MAX_LOG_MEAN else None  # refused by distribution_problems
    elif _num(mode):
        v = mode
    elif _num(mean):
        v = mean
    elif _num(low) and _num(high):
        v = (low + high) / 2
    else:
        v = low if _num(low) else high if _num(high) else None
    if v is None:
        return None
    if _num(d.get("min")):
        v = max(v, d["min"])
    if _num(d.get("max")):
        v = min(v, d["max"])
    return float(v)


class MonteCarlo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    samples: int = Field(ge=1, le=1_000_000, description="Samples drawn for every grid point [-].")
    fields: dict[str, Distribution] = Field(description="Dotted path -> distribution.")


class SweepSpec(BaseModel):
    """A sweep file (module doc)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: Path = Field(description="Scenario file, relative to the sweep file.")
    variant: str | None = Field(None, description="Variant(s) of the scenario file, 'a+b' combines.")
    hours: int | None = Field(None, ge=1, le=8760, description="Model only the first N hours of each case [h].")
    objective: Objective | None = Field(None, description="Objective of every case (default: the scenario's).")
    operate: Literal["none", "rule", "mpc", "both"] = Field(
        "none", description="Operate every case hour by hour with these controllers and record the operational "
        "gaps (op_* in cases.csv and sweep.nc); 'none' (the default) skips operation, also the scenario's "
        "`operation` section (about 30 s per full-year case).")
    seed: int = Field(0, ge=0, description="Seed of the Monte Carlo sample [-].")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Overrides applied to every case first.")
    grid: dict[str, list[Any]] = Field(default_factory=dict, description="Dotted path -> values (full factorial).")
    monte_carlo: MonteCarlo | None = None

    @model_validator(mode="after")
    def _some(self) -> SweepSpec:
        problems = shape_problems(self.model_dump(mode="python"))
        if problems:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {msg}" if loc else msg for loc, msg in problems))
        return self


def shape_problems(data: dict) -> list[tuple[tuple, str]]:
    """``(location, message)`` of what the sweep as a whole lacks (on the mapping as written)."""
    out: list[tuple[tuple, str]] = []
    grid = data.get("grid") or {}
    mc = data.get("monte_carlo")
    if not grid and mc is None:
        out.append(((), "give 'grid' and/or 'monte_carlo' (a sweep needs something to vary)"))
    if isinstance(grid, dict):
        for k, v in grid.items():
            if isinstance(v, list) and not v:
                out.append((("grid", k), "give at least one value"))
    fields = mc.get("fields") if isinstance(mc, dict) else None
    samples = mc.get("samples") if isinstance(mc, dict) else 1
    lengths = [len(v) for v in grid.values() if isinstance(v, list) and v] if isinstance(grid, dict) else []
    if isinstance(samples, int) and not isinstance(samples, bool) and samples >= 1:
        n = math.prod(lengths) * samples
        if n > MAX_CASES:
            what = " × ".join([*map(str, lengths), *([f"{samples} samples"] if isinstance(mc, dict) else [])])
            out.append(((), (f"the sweep makes {n:,} cases ({what}); at most {MAX_CASES:,}: fewer grid values or "
                             "samples (a Monte Carlo sample of a few hundred gives P10/P50/P90)")))
    if isinstance(grid, dict) and isinstance(fields, dict):
        for k in sorted(set(grid) & set(fields)):
            out.append((("monte_carlo", "fields", k), "this field is also in grid: vary it in one of the two"))
    return out


class SweepError(ValueError):
    """A sweep that cannot be read or run.

    ``problems`` (:class:`twin.scenario.loader.Problem`) each name the file, line, field
    and what was expected; the message lists them under its first line.
    """

    def __init__(self, message: str, problems: list | None = None):
        self.problems = list(problems or [])
        text = message + "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(text)


@dataclass(frozen=True)
class Case:
    """One case of a sweep: its id, position and the overrides that make it."""

    id: str
    index: int
    overrides: dict[str, Any]
    grid_point: int = 0
    sample: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # the swept values only (grid + Monte Carlo)


@dataclass
class SweepFile:
    """A sweep file as read: its mapping, YAML nodes (for line numbers), the spec when it
    validates, the scenario path (normalised) and every problem of the file itself."""

    path: Path
    data: dict
    node: Any
    spec: SweepSpec | None
    scenario: Path | None
    problems: list

    def problem(self, loc: tuple, message: str, value: Any = None) -> Problem:
        """A problem at ``loc`` (keys and list positions in the file), with its line."""
        return Problem(str(self.path), field_name(loc), message, value, line_of(self.node, loc))

    @property
    def variant(self) -> str | None:
        v = self.data.get("variant")
        return v if isinstance(v, str) else None

    def section(self, name: str) -> dict:
        """``overrides`` / ``grid`` as written (empty when absent or not a mapping)."""
        v = self.data.get(name)
        return v if isinstance(v, dict) else {}

    def mc_fields(self) -> dict:
        mc = self.data.get("monte_carlo")
        f = mc.get("fields") if isinstance(mc, dict) else None
        return f if isinstance(f, dict) else {}


def field_name(loc: tuple) -> str:
    """``("grid", "site.city", 1)`` -> ``grid.site.city[1]``."""
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def _pydantic_message(err: dict) -> str:
    """A validation error as 'expected ...' where pydantic's wording is not plain."""
    t, ctx = err["type"], err.get("ctx") or {}
    if t == "extra_forbidden":
        return "unknown field (see docs/outputs.md, 'Outputs of twin sweep', for the fields of a sweep file)"
    if t == "missing":
        return "required field is missing"
    if t == "path_type":
        return "expected the path of a scenario file (text)"
    if t == "literal_error":
        return "expected one of " + str(ctx.get("expected", "")).replace("'", "")
    for kind, word in (("greater_than_equal", "≥"), ("greater_than", ">"), ("less_than_equal", "≤"),
                       ("less_than", "<")):
        if t == kind:
            bound = next(iter(ctx.values()), "")
            return f"expected a number {word} {bound:g}" if _num(bound) else f"expected a number {word} {bound}"
    return "expected " + err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")


def read_sweep_file(path: str | Path) -> SweepFile:
    """Read a sweep file and collect every problem of the file itself (not yet of its
    cases against the scenario: :func:`twin.sweep.sweep.prepare`).

    Raises
    ------
    SweepError
        Only when there is nothing to check: the file cannot be read, is not YAML, or is
        not a mapping.
    """
    path = Path(path)
    file = str(path)
    try:
        node, data = read_yaml(path, file, what="sweep")
    except ScenarioError as exc:
        raise SweepError(f"{path}: not a readable sweep file", exc.problems) from None
    if not isinstance(data, dict):
        raise SweepError(f"{path}: not a sweep file",
                         [Problem(file, "", "expected a mapping with scenario, grid and/or monte_carlo",
                                  line=line_of(node, ()))])
    sf = SweepFile(path, data, node, None, None, [])
    try:
        sf.spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        bad_dists = set()
        for e in exc.errors(include_url=False):
            loc = tuple(e["loc"])
            if not loc:  # the whole-sweep checks: reported with their fields below
                continue
            if len(loc) >= 3 and loc[:2] == ("monte_carlo", "fields"):
                bad_dists.add(loc[2])
                if len(loc) == 3 and e["type"] == "value_error":  # the distribution's own check
                    for msg in e["msg"].removeprefix("Value error, ").split("; "):
                        sf.problems.append(sf.problem(loc, msg))
                    continue
            value = None if e["type"] in ("missing", "extra_forbidden") else value_at(data, loc)
            sf.problems.append(sf.problem(loc, _pydantic_message(e), value))
        for k in bad_dists:  # their ranges, which the schema checks only once the fields are right
            d = sf.mc_fields().get(k)
            if isinstance(d, dict) and any(tuple(e["loc"][:3]) == ("monte_carlo", "fields", k) and len(e["loc"]) > 3
                                           for e in exc.errors()):
                sf.problems += [sf.problem(("monte_carlo", "fields", k), m) for m in distribution_problems(d)]
        sf.problems += [sf.problem(loc, msg) for loc, msg in shape_problems(data)]
    sf.problems.sort(key=lambda p: p.line or 0)
    ref = data.get("scenario")
    if isinstance(ref, str) and ref:
        scenario = Path(ref)
        sf.scenario = Path(os.path.normpath(scenario if scenario.is_absolute() else path.parent / scenario))
        if not sf.scenario.is_file():
            why = "is a folder; expected a scenario YAML file" if sf.scenario.is_dir() else "file not found"
            sf.problems.append(sf.problem(("scenario",), f"{why} ({sf.scenario})", ref))
            sf.scenario = None
    return sf


def read_sweep(path: str | Path) -> tuple[SweepSpec, Path]:
    """Read and validate a sweep file; returns the spec and the scenario path (normalised).

    Raises
    ------
    SweepError
        Listing every problem of the file, each with its line, field and what was expected.
    """
    sf = read_sweep_file(path)
    if sf.problems:
        raise SweepError(f"{path}: {len(sf.problems)} problem(s) in the sweep file", sf.problems)
    return sf.spec, sf.scenario


def case_id(index: int, overrides: dict) -> str:
    """``c<index>-<8 hex of the overrides>``: stable across runs of the same sweep file."""
    text = json.dumps(overrides, sort_keys=True, ensure_ascii=False, default=str)
    return f"c{index:05d}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def make_cases(spec: SweepSpec, base_values: dict[str, Any] | None = None) -> list[Case]:
    """Every case of the sweep: grid points × Monte Carlo samples, in a stable order.

    ``base_values``: dotted path -> the scenario's own value, for ``relative`` fields.
    """
    keys = list(spec.grid)
    points = list(itertools.product(*(spec.grid[k] for k in keys))) if keys else [()]
    mc = spec.monte_carlo
    cases = []
    for g, point in enumerate(points):
        grid_over = dict(zip(keys, point))
        for k in range(mc.samples if mc else 1):
            params = dict(grid_over)
            if mc:
                rng = np.random.default_rng([spec.seed, k])
                for path, dist in mc.fields.items():
                    v = dist.draw(rng)
                    if dist.relative:
                        base = (base_values or {}).get(path)
                        if not isinstance(base, (int, float)):
                            raise SweepError(f"monte_carlo.fields.{path}: 'relative' needs a number in the "
                                             f"scenario at that path (found {base!r})")
                        v = type(base)(base * v) if isinstance(base, int) and dist.dist == "integers" else base * v
                    params[path] = v
            over = {**spec.overrides, **params}
            i = len(cases)
            cases.append(Case(case_id(i, over), i, over, g, k if mc else None, params))
    return cases


def relative_bases(spec: SweepSpec, loaded) -> dict[str, Any]:
    """The scenario's own values of the ``relative`` Monte Carlo fields."""
    from twin.scenario.overrides import get_path

    if spec.monte_carlo is None:
        return {}
    dump = loaded.scenario.model_dump(mode="json")
    return {p: get_path(dump, p) for p, d in spec.monte_carlo.fields.items() if d.relative}
