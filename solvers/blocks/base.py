"""Shared model context: buses, cost and emission registries, sizes, elastic slacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from solvers.lp import INF, Lin, LinearProgram
from solvers.problem import AssetCost, SizingProblem


@dataclass
class DispatchVar:
    """How to read one dispatch output back from the solution vector ``x``.

    Exactly one of ``fn`` (callable ``x -> array``) and ``fixed`` (constant array) is
    set; arrays have shape (T,) or (len(coords), T).
    """

    name: str
    units: str
    long_name: str
    dim: str | None = None  # asset dimension name
    coords: list[str] | None = None
    fn: Callable | None = None
    fixed: np.ndarray | None = None


@dataclass
class Size:
    """A total installed size ``existing + new`` with ``new`` a column (or fixed)."""

    existing: float
    col: int | None  # None: no new capacity possible (size is a constant)

    @property
    def lin(self) -> Lin:
        if self.col is None:
            return Lin(const=self.existing)
        return Lin.of([self.col], 1.0, self.existing)

    @property
    def fixed(self) -> bool:
        return self.col is None

    def value(self, x) -> float:
        return self.existing + (0.0 if self.col is None else float(x[self.col]))


@dataclass
class ModelContext:
    """Everything blocks share while the model is built.

    Attributes
    ----------
    lp : LinearProgram
    p : SizingProblem
    T : int, number of steps
    wdt : ndarray, ``weights[t] * dt_h`` [h] (energy weight of each step)
    elastic : bool, add penalised slacks on requirements (feasibility phase)
    linked : bool, storages are linked across periods through ``p.period_order``
    """

    lp: LinearProgram
    p: SizingProblem
    elastic: bool = False
    T: int = 0
    dt: float = 1.0
    w: np.ndarray = None
    wdt: np.ndarray = None
    prev: np.ndarray = None  # cyclic predecessor within period
    first: np.ndarray = None  # True where a period starts
    period_index: np.ndarray = None  # 0..K-1 index of the period of each step
    starts: np.ndarray = None  # first step of each period
    ends: np.ndarray = None  # last step of each period
    linked: bool = False
    bus: dict = field(default_factory=dict)  # bus -> list of (cols (T,), coefs (T,) or float)
    bus_fixed: dict = field(default_factory=dict)  # bus -> fixed demand (T,) [kW]
    balance_rows: dict = field(default_factory=dict)  # bus -> row indices (T,)
    cost: dict = field(default_factory=dict)  # name -> Lin [CNY/yr]
    capex: list = field(default_factory=list)  # Lin [CNY]
    emis: dict = field(default_factory=dict)  # name -> Lin [tCO2/yr]
    sizes: dict = field(default_factory=dict)  # key -> Size or {name: Size}
    dispatch: list = field(default_factory=list)
    slacks: dict = field(default_factory=dict)  # label -> (cols, weights or None)
    rows: dict = field(default_factory=dict)  # named rows / row blocks for duals
    n_int: int = 0

    def __post_init__(self):
        p = self.p
        self.T = p.n_steps
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

    # ----------------------------------------------------------------- buses
    def add_flow(self, bus: str, sign: float, cols, coef=1.0) -> None:
        """Register ``sign * coef[t] * x[cols[t]]`` as supply to ``bus`` [kW]."""
        self.bus.setdefault(bus, []).append((np.asarray(cols), sign * np.asarray(coef, float)))

    def add_fixed_demand(self, bus: str, kw) -> None:
        """Register a fixed demand profile [kW] on ``bus``."""
        arr = np.asarray(kw, dtype=float)
        self.bus_fixed[bus] = self.bus_fixed.get(bus, np.zeros(self.T)) + arr

    def energy(self, cols, coef=1.0) -> Lin:
        """Annual sum ``sum_t w_t dt coef_t x[cols_t]`` [unit h]."""
        return Lin.of(cols, self.wdt * np.asarray(coef, float))

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
        (:math:`S_{max} = S_0`) the size is a constant and no column is created, so
        the blocks turn their capacity rows into column bounds.
        """
        lp = self.lp
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
            col = int(lp.var(1, 0.0, ub_new)[0])
            s = Size(existing, col)
            if need > 1e-12:
                if self.elastic:
                    sl = int(lp.var(1)[0])
                    lp.row(Lin.of([col, sl]), lo=need)
                    self.slacks[f"minimum size {key}{'[' + sub + ']' if sub else ''} [{unit}]"] = (
                        np.array([sl]), None)
                else:
                    lp.set_bounds([col], lb=need)
            rate = self.p.discount_rate
            new = Lin.of([col])
            ann = new * (cost.annuity_per_unit(rate) + cost.om_per_unit())
            cap = new * cost.capex_cny_per_unit
            self.cost[f"capex:{label}"] = new * cost.annuity_per_unit(rate)
            self.cost[f"om:{label}"] = new * cost.om_per_unit()
            if cost.is_discrete:
                big = ub_new if np.isfinite(ub_new) else 1e7
                b = int(lp.var(1, 0.0, 1.0, integer=True)[0])
                self.n_int += 1
                lp.row(Lin.of([col, b], [1.0, -big]), hi=0.0)
                if cost.min_build > 0:
                    lp.row(Lin.of([col, b], [1.0, -cost.min_build]), lo=0.0)
                if cost.module_size > 0:
                    k = int(lp.var(1, 0.0, INF, integer=True)[0])
                    self.n_int += 1
                    lp.row(Lin.of([col, k], [1.0, -cost.module_size]), lo=0.0, hi=0.0)
                if cost.fixed_build_cny > 0:
                    self.cost[f"capex:{label}"] = (self.cost[f"capex:{label}"]
                                                   + Lin.of([b], cost.fixed_build_annuity(rate)))
                    cap = cap + Lin.of([b], cost.fixed_build_cny)
            del ann
            self.capex.append(cap)
        if sub is None:
            self.sizes[key] = s
        else:
            self.sizes.setdefault(key, {})[sub] = s
        return s

    def cap_rows(self, cols, size: Size, coef=1.0, *, lo_rows: bool = False) -> None:
        r"""``x_t <= coef_t S`` (or ``>=`` with ``lo_rows``) for every step.

        Where ``S`` is a constant or ``coef_t = 0`` the row becomes a column bound.
        """
        coef = np.broadcast_to(np.asarray(coef, float), np.shape(cols))
        if size.fixed or not np.any(coef):
            bound = coef * size.existing
            if lo_rows:
                self.lp.set_bounds(cols, lb=bound)
            else:
                self.lp.set_bounds(cols, ub=np.minimum(self.lp.ub()[cols], bound))
            return
        nz = coef != 0
        if not lo_rows and not nz.all():
            self.lp.set_bounds(np.asarray(cols)[~nz], ub=0.0)
        c = np.asarray(cols)[nz] if not lo_rows else np.asarray(cols)
        k = coef[nz] if not lo_rows else coef
        if lo_rows:
            self.lp.rows(len(c), [(c, 1.0), (size.col, -k)], lo=k * size.existing)
        else:
            self.lp.rows(len(c), [(c, 1.0), (size.col, -k)], hi=k * size.existing)

    # ----------------------------------------------------------------- slacks
    def slack_series(self, label: str, unit: str, weight=None) -> np.ndarray:
        """Non-negative hourly slack columns used only in the elastic model."""
        cols = self.lp.var(self.T)
        self.slacks[f"{label} [{unit}]"] = (cols, weight)
        return cols


def as_array(x, T: int) -> np.ndarray:
    """Scalar or array -> float array of length T."""
    a = np.asarray(x, dtype=float)
    return np.full(T, float(a)) if a.ndim == 0 else a
