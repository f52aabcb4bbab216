"""Shared model context: the Pyomo model, buses, cost and emission registries, sizes,
elastic slacks, and the vectorised helpers the technology blocks build with.

Build style (measured on the project's models): hourly data go into
the constraint rules as plain Python float lists (Pyomo ``Param`` components were 26 %
slower, numpy scalar coefficients 19 % slower), annual sums use ``quicksum``, and
capacity rows whose right-hand side is a constant become variable bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from solvers.problem import AssetCost, SizingProblem

INF = float("inf")


@dataclass
class DispatchVar:
    """How to read one dispatch output back from a solution.

    Exactly one of ``fn`` (callable ``sol -> array``, ``sol`` a
    :class:`solvers.highs_backend.Solution`) and ``fixed`` (constant array) is set;
    arrays have shape (T,) or (len(coords), T).
    """

    name: str
    units: str
    long_name: str
    dim: str | None = None  # asset dimension name
    coords: list[str] | None = None
    fn: Callable | None = None
    fixed: np.ndarray | None = None
    extra_coords: dict | None = None  # more coordinates along ``dim`` (e.g. boiler_fuel)


@dataclass
class Size:
    """A total installed size ``existing + new`` with ``new`` a Pyomo variable (or none)."""

    existing: float
    var: object = None  # ScalarVar of the new capacity; None: the size is a constant

    @property
    def expr(self):
        """Total size as a Pyomo expression (or a float when fixed)."""
        return self.existing if self.var is None else self.existing + self.var

    @property
    def fixed(self) -> bool:
        return self.var is None

    def value(self, sol) -> float:
        return self.existing + (0.0 if self.var is None else sol.value(self.var))


@dataclass
class Scaled:
    """A reported quantity proportional to a :class:`Size` (e.g. a share of chargers)."""

    size: Size
    factor: float

    def value(self, sol) -> float:
        return self.factor * self.size.value(sol)


def _bound(v) -> float | None:
    v = float(v)
    return None if not np.isfinite(v) else v


@dataclass
class ModelContext:
    """Everything blocks share while the Pyomo model is built.

    Attributes
    ----------
    m : pyomo.environ.ConcreteModel
    p : SizingProblem
    T : int, number of steps; ``R = range(T)`` indexes every hourly component
    wdt : ndarray, ``weights[t] * dt_h`` [h] (energy weight of each step)
    elastic : bool, add penalised slacks on requirements (feasibility phase)
    linked : bool, storages are linked across periods through ``p.period_order``
    """

    m: object
    p: SizingProblem
    elastic: bool = False
    T: int = 0
    R: range = range(0)
    dt: float = 1.0
    w: np.ndarray = None
    wdt: np.ndarray = None
    prev: np.ndarray = None  # cyclic predecessor within period
    first: np.ndarray = None  # True where a period starts
    period_index: np.ndarray = None  # 0..K-1 index of the period of each step
    starts: np.ndarray = None  # first step of each period
    ends: np.ndarray = None  # last step of each period
    linked: bool = False
    bus: dict = field(default_factory=dict)  # bus -> list of (var over R, coef float|list)
    bus_fixed: dict = field(default_factory=dict)  # bus -> fixed demand (T,) [kW]
    bus_size: dict = field(default_factory=dict)  # bus -> list of (scalar var, coef list)
    balance: dict = field(default_factory=dict)  # bus -> balance Constraint over R
    cost: dict = field(default_factory=dict)  # name -> Pyomo expression [CNY/yr]
    capex: list = field(default_factory=list)  # Pyomo expressions [CNY]
    emis: dict = field(default_factory=dict)  # name -> Pyomo expression [tCO2/yr]
    annual_kwh: dict = field(default_factory=dict)  # grid_import, grid_export, pv_used, fuel, fuel_natural_gas
    # -> callable returning the annual energy [kWh/yr] as a linear expression (built on demand)
    sizes: dict = field(default_factory=dict)  # key -> Size or {name: Size}
    dispatch: list = field(default_factory=list)
    slacks: dict = field(default_factory=dict)  # label -> (IndexedVar or [VarData], weights)
    stores: dict = field(default_factory=dict)  # state key -> (sol -> initial, sol -> end) [kWh]
    n_int: int = 0
    asset_costs: dict = field(default_factory=dict)  # (key, sub) -> AssetCost of each sized quantity with a variable
    hourly_vars: list = field(default_factory=list)  # every variable over the time steps (flows [kW], contents [kWh])
    imp: object = None  # grid import over R [kW] (solvers.blocks.grid)
    exp: object = None  # grid export over R [kW], None when export is not allowed

    def __post_init__(self):
        p = self.p
        self.T = p.n_steps
        self.R = range(self.T)
        self.dt = float(p.dt_h)
        self.w = p.step_weights()
        self.wdt = self.w * self.dt
        per = np.zeros(self.T, dtype=int) if p.period is None else np.asarray(p.period)
        starts = np.r_[True, per[1:] != per[:-1]] if self.T else np.zeros(0, bool)
        start_idx = np.flatnonzero(starts)
        if len(np.unique(per[start_idx])) != len(start_idx):
            raise ValueError("period ids must form contiguous blocks")
        ends = np.r_[start_idx[1:] - 1, self.T - 1] if self.T else np.zeros(0, int)
        prev = np.arange(self.T) - 1
        prev[start_idx] = ends
        self.prev, self.first = prev, starts
        self.starts, self.ends = start_idx, ends
        self.period_index = np.cumsum(starts) - 1
        self.linked = p.period_order is not None

    # ----------------------------------------------------------------- components
    def name(self, *parts) -> str:
        """A unique, valid component name built from ``parts``."""
        base = "_".join(re.sub(r"\W", "_", str(x)) for x in parts if x not in (None, ""))
        name, k = base, 1
        while self.m.component(name) is not None:
            k += 1
            name = f"{base}_{k}"
        return name

    def var(self, name: str, n: int | None = None, lb=0.0, ub=INF, *,
            domain=pyo.Reals):
        """Add an indexed variable over ``range(n)`` (default: the time steps).

        ``lb`` and ``ub`` are scalars or arrays of length ``n`` (inf: unbounded).
        """
        idx = self.R if n is None else range(n)
        if np.ndim(lb) == 0 and np.ndim(ub) == 0:
            v = pyo.Var(idx, domain=domain, bounds=(_bound(lb), _bound(ub)))
        else:
            v = pyo.Var(idx, domain=domain)
        self.m.add_component(self.name(name), v)
        if np.ndim(lb) or np.ndim(ub):
            self.set_bounds(v, lb=lb, ub=ub)
        if n is None:
            self.hourly_vars.append(v)
        return v

    @staticmethod
    def set_bounds(v, lb=None, ub=None, where=None) -> None:
        """Set bounds of the elements of indexed variable ``v`` (``where``: their keys)."""
        keys = list(v.keys()) if where is None else list(where)
        n = len(keys)
        if lb is not None:
            for k, b in zip(keys, np.broadcast_to(np.asarray(lb, float), (n,)).tolist()):
                v[k].setlb(b if b > -INF else None)
        if ub is not None:
            for k, b in zip(keys, np.broadcast_to(np.asarray(ub, float), (n,)).tolist()):
                v[k].setub(b if b < INF else None)

    @staticmethod
    def upper(v) -> np.ndarray:
        """Current upper bounds of the elements of ``v`` (inf where unbounded)."""
        return np.array([INF if d.ub is None else d.ub for d in v.values()], float)

    def rows(self, name: str, index, rule) -> object:
        """Add ``Constraint(index, rule=rule)`` with ``rule(t) -> relational expression``."""
        c = pyo.Constraint(list(index), rule=lambda m, i: rule(i))
        self.m.add_component(self.name(name), c)
        return c

    def row(self, name: str, expr) -> object:
        """Add one scalar constraint."""
        c = pyo.Constraint(expr=expr)
        self.m.add_component(self.name(name), c)
        return c

    # ----------------------------------------------------------------- buses
    def add_flow(self, bus: str, sign: float, var, coef=1.0) -> None:
        """Register ``sign * coef[t] * var[t]`` as supply to ``bus`` [kW]."""
        c = sign * np.asarray(coef, float)
        self.bus.setdefault(bus, []).append((var, float(c) if c.ndim == 0 else c.tolist()))

    def add_size_flow(self, bus: str, sign: float, size: Size, coef) -> None:
        """Register ``sign * coef[t] * S`` as supply to ``bus`` [kW] for a size ``S``.

        The existing part is a fixed (negative) demand; the new part enters the
        balance rows through the size's own column.
        """
        c = sign * np.broadcast_to(np.asarray(coef, float), (self.T,))
        if size.existing:
            self.add_fixed_demand(bus, -c * size.existing)
        if size.var is not None:
            self.bus_size.setdefault(bus, []).append((size.var, c.tolist()))

    def add_fixed_demand(self, bus: str, kw) -> None:
        """Register a fixed demand profile [kW] on ``bus``."""
        arr = np.asarray(kw, dtype=float)
        self.bus_fixed[bus] = self.bus_fixed.get(bus, np.zeros(self.T)) + arr

    def energy(self, var, coef=1.0):
        """Annual sum ``sum_t w_t dt coef_t var[t]`` [unit h] as a linear expression."""
        k = (self.wdt * np.asarray(coef, float)).tolist()
        if len(k) != self.T:
            k = np.broadcast_to(np.asarray(k), (self.T,)).tolist()
        return pyo.quicksum(k[t] * var[t] for t in self.R if k[t] != 0.0)

    # ----------------------------------------------------------------- sizes
    def add_size(self, key: str, sub: str | None, unit: str, cost: AssetCost, *,
                 lo: float = 0.0, hi: float = INF, existing: float = 0.0) -> Size:
        r"""Create a total-size variable with its annualised cost and capital.

        .. math::
            S = S_0 + N,\quad N \ge 0,\quad S_{min} \le S \le S_{max}

            C_{ann} = N \,(c\,\mathrm{CRF} + c\,f_{OM} + o) + b\,F\,\mathrm{CRF}

        where ``c`` is capex per unit, ``F`` a build-at-all cost with binary ``b``;
        with ``min_build`` ``m``: :math:`m b \le N \le M b`; with ``module_size`` ``u``:
        :math:`N = u k`, ``k`` integer.  When no new capacity is allowed
        (:math:`S_{max} = S_0`) the size is a constant and no variable is created, so
        the blocks turn their capacity rows into variable bounds.
        """
        m = self.m
        lo_tot = max(lo, existing)
        ub_new = hi - existing if np.isfinite(hi) else INF
        if ub_new < -1e-9:
            raise ValueError(f"{key} {sub or ''}: existing size {existing} exceeds max {hi}")
        ub_new = max(ub_new, 0.0)
        need = lo_tot - existing
        label = key + (f"[{sub}]" if sub else "")
        if ub_new == 0.0 and need <= 1e-12:
            s = Size(existing, None)
        else:
            base = self.name("new", key, sub)
            new = pyo.Var(bounds=(0.0, _bound(ub_new)))
            m.add_component(base, new)
            s = Size(existing, new)
            self.asset_costs[(key, sub)] = cost
            if need > 1e-12:
                if self.elastic:
                    sl = pyo.Var(bounds=(0.0, None))
                    m.add_component(base + "_shortfall", sl)
                    m.add_component(base + "_min", pyo.Constraint(expr=new + sl >= need))
                    self.slacks[f"minimum size {label} [{unit}]"] = ([sl], None)
                else:
                    new.setlb(need)
            rate = self.p.discount_rate
            ann = cost.annuity_per_unit(rate) * new
            cap = cost.capex_cny_per_unit * new
            self.cost[f"om:{label}"] = cost.om_per_unit() * new
            if cost.is_discrete:
                big = ub_new if np.isfinite(ub_new) else 1e7
                b = pyo.Var(domain=pyo.Binary)
                m.add_component(base + "_built", b)
                self.n_int += 1
                m.add_component(base + "_ub", pyo.Constraint(expr=new - big * b <= 0.0))
                if cost.min_build > 0:
                    m.add_component(base + "_minb",
                                    pyo.Constraint(expr=new - cost.min_build * b >= 0.0))
                if cost.module_size > 0:
                    k = pyo.Var(domain=pyo.NonNegativeIntegers)
                    m.add_component(base + "_modules", k)
                    self.n_int += 1
                    m.add_component(base + "_mod",
                                    pyo.Constraint(expr=new - cost.module_size * k == 0.0))
                if cost.fixed_build_cny > 0:
                    ann = ann + cost.fixed_build_annuity(rate) * b
                    cap = cap + cost.fixed_build_cny * b
            self.cost[f"capex:{label}"] = ann
            self.capex.append(cap)
        if sub is None:
            self.sizes[key] = s
        else:
            self.sizes.setdefault(key, {})[sub] = s
        return s

    def cap_rows(self, name: str, x, size: Size, coef=1.0, *, lo_rows: bool = False) -> None:
        r"""``x_t <= coef_t S`` (or ``>=`` with ``lo_rows``) for every step.

        Where ``S`` is a constant or ``coef_t = 0`` the row becomes a variable bound.
        """
        coef = np.broadcast_to(np.asarray(coef, float), (len(x),))
        if size.fixed or not np.any(coef):
            bound = coef * size.existing
            if lo_rows:
                self.set_bounds(x, lb=bound)
            else:
                self.set_bounds(x, ub=np.minimum(self.upper(x), bound))
            return
        keys = list(x.keys())
        if lo_rows:
            sel = list(range(len(keys)))
        else:
            nz = coef != 0
            if not nz.all():
                self.set_bounds(x, ub=0.0, where=[keys[i] for i in np.flatnonzero(~nz)])
            sel = np.flatnonzero(nz).tolist()
        k = coef.tolist()
        s0, N = size.existing, size.var
        if lo_rows:
            self.rows(name, sel, lambda i: x[keys[i]] - k[i] * N >= k[i] * s0)
        else:
            self.rows(name, sel, lambda i: x[keys[i]] - k[i] * N <= k[i] * s0)

    # ----------------------------------------------------------------- slacks
    def slack_series(self, label: str, unit: str, weight=None):
        """Non-negative hourly slack variables used only in the elastic model."""
        v = self.var("slack_" + label, lb=0.0)
        self.slacks[f"{label} [{unit}]"] = (v, weight)
        return v


def as_array(x, T: int) -> np.ndarray:
    """Scalar or array -> float array of length T."""
    a = np.asarray(x, dtype=float)
    return np.full(T, float(a)) if a.ndim == 0 else a
