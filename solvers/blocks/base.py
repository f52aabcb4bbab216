"""Shared model context: buses, cost and emission registries, sizes, elastic slacks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from solvers.problem import AssetCost, SizingProblem


@dataclass
class DispatchVar:
    """How to read one dispatch output back from the model."""

    name: str
    units: str
    long_name: str
    dim: str | None = None  # asset dimension name
    coords: list[str] | None = None
    var: object = None  # Pyomo indexed Var: var[t] or var[c, t]
    fixed: np.ndarray | None = None  # constant profile (T,) or (n, T)
    expr: object = None  # callable (values dict) -> array, computed after solve


@dataclass
class ModelContext:
    """Everything blocks share while the model is built.

    Attributes
    ----------
    m : pyomo ConcreteModel
    p : SizingProblem
    T : int, number of steps
    wdt : list of float, ``weights[t] * dt_h`` [h] (energy weight of each step)
    elastic : bool, add penalised slacks on requirements (feasibility phase)
    """

    m: object
    p: SizingProblem
    elastic: bool = False
    T: int = 0
    R: range = range(0)
    dt: float = 1.0
    w: list = field(default_factory=list)
    wdt: list = field(default_factory=list)
    prev: list = field(default_factory=list)  # cyclic predecessor within period
    first: list = field(default_factory=list)  # True where a period starts
    bus: dict = field(default_factory=dict)  # bus -> list of (sign, coef list|float|None, var, key)
    bus_fixed: dict = field(default_factory=dict)  # bus -> np.ndarray fixed net demand [kW]
    cost: dict = field(default_factory=dict)  # name -> annualised expression [CNY/yr]
    capex: list = field(default_factory=list)  # overnight capital expressions [CNY]
    emis: dict = field(default_factory=dict)  # name -> expression [tCO2/yr]
    sizes: dict = field(default_factory=dict)  # key -> var or {name: var}
    dispatch: list = field(default_factory=list)
    slacks: dict = field(default_factory=dict)  # requirement -> (vars list, unit, reducer)
    n_int: int = 0

    def __post_init__(self):
        p = self.p
        self.T = p.n_steps
        self.R = range(self.T)
        self.dt = float(p.dt_h)
        self.w = [float(x) for x in p.step_weights()]
        self.wdt = [x * self.dt for x in self.w]
        per = np.zeros(self.T, dtype=int) if p.period is None else np.asarray(p.period)
        starts = np.r_[True, per[1:] != per[:-1]] if self.T else np.zeros(0, bool)
        start_idx = np.flatnonzero(starts)
        if len(np.unique(per[start_idx])) != len(start_idx):
            raise ValueError("period ids must form contiguous blocks")
        ends = np.r_[start_idx[1:] - 1, self.T - 1]
        prev = np.arange(self.T) - 1
        prev[start_idx] = ends
        self.prev = prev.tolist()
        self.first = starts.tolist()

    # ----------------------------------------------------------------- buses
    def add_flow(self, bus: str, sign: float, var, coef=None, key=()):
        """Register ``sign * coef[t] * var[key + (t,)]`` as supply to ``bus`` [kW]."""
        self.bus.setdefault(bus, []).append((sign, coef, var, tuple(key)))

    def add_fixed_demand(self, bus: str, kw) -> None:
        """Register a fixed demand profile [kW] on ``bus``."""
        arr = np.asarray(kw, dtype=float)
        self.bus_fixed[bus] = self.bus_fixed.get(bus, np.zeros(self.T)) + arr

    # ----------------------------------------------------------------- sizes
    def add_size(self, key: str, sub: str | None, unit: str, cost: AssetCost, *,
                 lo: float = 0.0, hi: float = float("inf"), existing: float = 0.0):
        r"""Create a total-size variable with its annualised cost and capital.

        .. math::
            S = S_0 + N,\quad N \ge 0,\quad S_{min} \le S \le S_{max}

            C_{ann} = N \,(c\,\mathrm{CRF} + c\,f_{OM} + o) + b\,F\,\mathrm{CRF}

        where ``c`` is capex per unit, ``F`` a build-at-all cost with binary ``b``;
        with ``min_build`` ``m``: :math:`m b \le N \le M b`; with ``module_size`` ``u``:
        :math:`N = u k`, ``k`` integer.

        Returns the Pyomo expression of the total size.
        """
        m = self.m
        name = f"size_{key}" + (f"_{_safe(sub)}" if sub else "")
        lo_tot = max(lo, existing)
        ub_new = hi - existing if np.isfinite(hi) else None
        if ub_new is not None and ub_new < -1e-9:
            raise ValueError(f"{key} {sub or ''}: existing size {existing} exceeds max {hi}")
        new = pyo.Var(bounds=(0.0, max(ub_new, 0.0) if ub_new is not None else None))
        m.add_component(name, new)
        total = existing + new
        need = lo_tot - existing
        if need > 1e-12:
            if self.elastic:
                s = pyo.Var(bounds=(0, None))
                m.add_component(name + "_slack", s)
                m.add_component(name + "_min", pyo.Constraint(expr=new + s >= need))
                self.slacks[f"minimum size {key}{'[' + sub + ']' if sub else ''} [{unit}]"] = (
                    [s], None)
            else:
                new.setlb(need)
        rate = self.p.discount_rate
        ann = cost.annuity_per_unit(rate) * new
        om = cost.om_per_unit() * new
        cap = cost.capex_cny_per_unit * new
        if cost.is_discrete:
            big = ub_new if ub_new is not None else 1e7
            b = pyo.Var(domain=pyo.Binary)
            m.add_component(name + "_built", b)
            self.n_int += 1
            m.add_component(name + "_ub", pyo.Constraint(expr=new <= big * b))
            if cost.min_build > 0:
                m.add_component(name + "_minb", pyo.Constraint(expr=new >= cost.min_build * b))
            if cost.module_size > 0:
                k = pyo.Var(domain=pyo.NonNegativeIntegers)
                m.add_component(name + "_modules", k)
                self.n_int += 1
                m.add_component(name + "_mod", pyo.Constraint(expr=new == cost.module_size * k))
            if cost.fixed_build_cny > 0:
                ann = ann + (cost.fixed_build_annuity(rate)) * b
                cap = cap + cost.fixed_build_cny * b
        asset = key + (f"[{sub}]" if sub else "")
        self.cost[f"capex:{asset}"] = ann
        self.cost[f"om:{asset}"] = om
        self.capex.append(cap)
        if sub is None:
            self.sizes[key] = total
        else:
            self.sizes.setdefault(key, {})[sub] = total
        return total

    # ----------------------------------------------------------------- slacks
    def slack_series(self, name: str, unit: str, label: str, weight=None):
        """Non-negative hourly slack variables used only in the elastic model."""
        v = pyo.Var(self.R, bounds=(0, None))
        self.m.add_component(name, v)
        self.slacks[f"{label} [{unit}]"] = ([v[t] for t in self.R], weight)
        return v


def _safe(s: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in s)


def as_list(x, T: int) -> list[float]:
    """Scalar or array -> list of T Python floats (fastest Pyomo build input)."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return [float(a)] * T
    return a.tolist()
