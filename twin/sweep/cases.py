"""The sweep file and its cases: a grid and a seeded Monte Carlo sample over dotted fields.

A sweep file (YAML)::

    scenario: ../scenarios/office_guangzhou.yaml   # relative to the sweep file
    variant: no_storage          # optional, as `twin run --variant`
    hours: 168                   # optional run horizon (quick looks)
    objective: min_cost          # optional
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
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


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
        need = {"uniform": ("low", "high"), "normal": ("mean", "sd"), "lognormal": ("mean", "sd"),
                "triangular": ("low", "mode", "high"), "integers": ("low", "high"), "choice": ("values",)}[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"'{self.dist}' needs {', '.join(need)} (missing: {', '.join(missing)})")
        if self.dist in ("uniform", "integers", "triangular") and not self.low < self.high:
            raise ValueError("low must be below high")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError("mode must lie between low and high")
        if self.dist == "choice" and not self.values:
            raise ValueError("'choice' needs a non-empty list of values")
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
    objective: str | None = Field(None, description="Objective of every case (default: the scenario's).")
    seed: int = Field(0, ge=0, description="Seed of the Monte Carlo sample [-].")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Overrides applied to every case first.")
    grid: dict[str, list[Any]] = Field(default_factory=dict, description="Dotted path -> values (full factorial).")
    monte_carlo: MonteCarlo | None = None

    @model_validator(mode="after")
    def _some(self) -> SweepSpec:
        if not self.grid and self.monte_carlo is None:
            raise ValueError("give 'grid' and/or 'monte_carlo' (a sweep needs something to vary)")
        for k, v in self.grid.items():
            if not v:
                raise ValueError(f"grid.{k}: give at least one value")
        both = set(self.grid) & set(self.monte_carlo.fields if self.monte_carlo else {})
        if both:
            raise ValueError(f"fields both in grid and monte_carlo: {sorted(both)}")
        return self


class SweepError(ValueError):
    """A sweep file that cannot be read; the message names the file and field."""


@dataclass(frozen=True)
class Case:
    """One case of a sweep: its id, position and the overrides that make it."""

    id: str
    index: int
    overrides: dict[str, Any]
    grid_point: int = 0
    sample: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # the swept values only (grid + Monte Carlo)


def read_sweep(path: str | Path) -> tuple[SweepSpec, Path]:
    """Read and validate a sweep file; returns the spec and the scenario path (normalised:
    ``scenarios/sweeps/../park.yaml`` is ``scenarios/park.yaml``).

    Raises
    ------
    SweepError
        Naming the file, the field and what was expected.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SweepError(f"{path}:{mark.line + 1 if mark else '?'}: malformed YAML") from None
    if not isinstance(data, dict):
        raise SweepError(f"{path}: expected a mapping with scenario, grid and/or monte_carlo")
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False):
            loc = ".".join(str(x) for x in e["loc"])
            msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, ")
            lines.append(f"{path}: {loc}: {msg}" if loc else f"{path}: {msg}")
        raise SweepError("\n".join(lines)) from None
    scenario = Path(os.path.normpath(spec.scenario if spec.scenario.is_absolute() else path.parent / spec.scenario))
    if not scenario.exists():
        raise SweepError(f"{path}: scenario: file not found ({spec.scenario})")
    return spec, scenario


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
