r"""Rolling-horizon dispatch of a park as built: one window model, its data changed in place.

The operational twin's model-predictive controller re-optimises the next ``H`` hours
every hour (or every ``k`` hours) from the current store contents.  Building and
compiling a Pyomo model for each of 8760 windows would cost far more than solving them,
so :class:`RollingWindow` builds two models once:

* the **full-horizon** model of the park as built (sizes fixed as existing capacity, so
  they are constants, not columns), compiled to matrix form but never solved, and
* the **window** model of its first ``H`` hours, compiled and handed to HiGHS.

Every window's data are then *gathered* from the full-horizon matrices: each column and
row of the window belongs to a Pyomo component indexed by the hour (``k = 0..H-1``);
at window start ``t0`` it takes cost, bounds, right-hand side and (where they change
with the hour, e.g. heat-pump COP) matrix coefficients from the same component at hour
``t0 + k`` of the full model.  Rows at ``k = 0`` that refer to the hour before the
window in the full model (the storage state equations) get that hour's content from
the plant moved to the right-hand side: this is the window's initial state.  Positions
past the end of the horizon are switched off (columns fixed at 0, rows free), so the
horizon shrinks at the end.  HiGHS keeps its simplex basis between windows (warm start).

Added to the window model in HiGHS directly (the full model has none of them):

* the monthly demand charge on the *increase* of the month's peak: a peak column for
  the current and one for the next month, with the lower bound of each at the peak already
  paid for (``month_peak_kw``: the highest import so far or a higher target;
  ``next_month_peak_kw``), rows ``P^{imp}_k \le \hat P`` for the hours of
  each month, cost :math:`c^{dem}` per kW; optionally (``peak_margin_rows``) rows
  ``P^{imp}_k - \sum_b P^{ch}_{b,k} + m_k \le \hat P`` that keep the import less the
  batteries' charging a margin ``m_k`` below the peak (forecast errors);
* non-negative slacks that keep every window feasible whatever the plant did (faults,
  forecast errors): unserved energy on each bus balance row at the value of lost load,
  and a positive and a negative slack at a penalty on the first state row of each
  stationary store and on every state row of each EV fleet;
* a value of the energy left in each store at the end of the window [CNY/kWh]
  (terminal value), so that the window does not empty the stores;
* optionally (``power_limits``) the apparent power through transformers: per hour a column of
  the active power through each and one of the consumption behind it, tied to the assets'
  columns, and a polygon of rows inscribed in the circle ``|(P, tan φ·C)| ≤ S̄``
  (:meth:`RollingWindow._add_power_limits`), with a slack at the value of lost load.

Forecasts enter as changes of the balance rows' right-hand sides and of column upper
bounds (:meth:`RollingWindow.solve` ``rhs_delta``, ``col_ub``).  A self-check at
construction compares the gathered data of the first window with the window model as
Pyomo compiled it and raises if they differ (the gathering relies on every hourly
component having the same structure in every hour, which the blocks keep).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import ClassVar

import numpy as np

from solvers.problem import COOL_BUS, HEAT_BUS, SizingProblem, SolveOptions

INF = float("inf")


def _in_window(positions: np.ndarray, values, n_active: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the window model of a component's first ``n_active`` hours (``-1`` = not
    in the window, dropped) and the hourly ``values`` given for those hours."""
    arr = np.asarray(values, dtype)
    m = min(arr.size, n_active)
    sel = positions[:m]
    ok = sel >= 0
    return sel[ok], arr[:m][ok]


def as_built(problem: SizingProblem, sizes: dict, *, initial_state: dict | None = None,
             emission_price_cny_per_t: float = 0.0) -> SizingProblem:
    """The dispatch problem of the park as built over the whole horizon.

    :func:`solvers.transform.with_fixed_sizes` with ``as_existing=True`` (every size a
    constant, no capital cost), then :func:`solvers.transform.window` over all steps from
    ``initial_state`` (stores start from a given content instead of closing a cycle; the
    objective is the operating cost).  Emissions are priced at
    ``emission_price_cny_per_t`` [CNY/tCO2] through the grid import and fuel prices
    instead of the annual carbon accounting (green power, certificates and offsets are
    bought for the year, not hour by hour: they are switched off here), and every step
    weighs 1 (the hours as they are, not scaled to a year).

    Parameters
    ----------
    problem : SizingProblem
    sizes : dict
        :attr:`SizingResult.sizes` of the plan.
    initial_state : dict, optional
        ``battery_kwh`` {battery: kWh}, ``tes_kwh`` {store: kWh}, ``cold_kwh`` {cold store:
        kWh} at the start (keys of
        :data:`solvers.transform.STATE_KEYS`; one number for a kind with one store);
        default: each battery at its ``initial_soc``, each thermal or cold store empty.
    emission_price_cny_per_t : float
        Price put on each tCO2 emitted [CNY/tCO2].
    """
    from solvers.transform import window, with_fixed_sizes

    lam = float(emission_price_cny_per_t) * 1e-3  # CNY per kgCO2
    p = with_fixed_sizes(problem, sizes, as_existing=True)
    p = replace(p, weights=None, period=None, period_order=None, objective="min_cost",
                capex_budget_cny=None)
    state = dict(initial_state or {})
    from solvers.transform import per_store

    for attr, key in (("batteries", "battery_kwh"), ("thermal_stores", "tes_kwh"), ("cold_stores", "cold_kwh")):
        stores = getattr(p, attr)
        given = per_store(state.get(key), key, "initial_state", [x.name for x in stores], attr)
        # default: each battery at its initial state of charge, each thermal or cold store empty
        state[key] = {x.name: given.get(x.name, x.initial_soc * x.existing_kwh if key == "battery_kwh"
                                        else 0.0) for x in stores}
        if not stores:
            state.pop(key)
    p = window(p, 0, p.n_steps, state)
    g = p.grid
    p.grid = replace(g, price_import_cny_per_kwh=np.asarray(g.price_import_cny_per_kwh, float)
                     + lam * np.asarray(g.ef_grid_kgco2_per_kwh, float))
    if lam:
        p.boilers = [b if b.fuel == "electric" else
                     replace(b, fuel_price_cny_per_kwh=b.fuel_price_cny_per_kwh + lam * b.ef_fuel_kgco2_per_kwh)
                     for b in p.boilers]
    # declared process CO2 is an annual constant no window can change (the operated year's
    # account adds it once, twin.operate.metrics)
    p.carbon = replace(p.carbon, carbon_price_cny_per_t=0.0, offset_price_cny_per_t=None,
                       certificate_max_mwh=0.0, green_power_max_mwh=0.0, max_net_emissions_t=None,
                       process_co2_t=0.0)
    return p


def head(problem: SizingProblem, hours: int) -> SizingProblem:
    """The first ``hours`` steps of ``problem`` (:func:`solvers.transform.window` at 0)."""
    from solvers.transform import window

    return window(problem, 0, int(hours))


def _layout(items, T: int) -> tuple[dict, list]:
    """Map hourly components of ``items`` (VarData or ConstraintData) to their positions.

    A component is hourly when it has ``T`` integer-indexed elements.  Component names
    are looked up once per component (Pyomo's ``name`` walks up the model each time).
    """
    names: dict = {}
    by_name: dict = {}
    keys = []
    for i, it in enumerate(items):
        pc = it.parent_component()
        info = names.get(id(pc))
        if info is None:
            info = names[id(pc)] = (pc.name, len(pc))
        name = info[0]
        idx = it.index()
        keys.append((name, idx))
        if info[1] == T and isinstance(idx, (int, np.integer)):
            arr = by_name.get(name)
            if arr is None:
                arr = by_name[name] = np.full(T, -1, dtype=np.int64)
            arr[int(idx)] = i
    return by_name, keys


class RollingWindow:
    """Window model of a park as built, re-solved in place for any window start.

    Parameters
    ----------
    problem : SizingProblem
        The park as built over the whole horizon (:func:`as_built`), true data.
    horizon : int
        Window length H [h] (cut to the horizon of ``problem``).
    value_of_lost_load : float
        Cost of unserved electricity, heat or cooling in the window [CNY/kWh].
    state_penalty : float
        Cost of each kWh a storage state equation is relaxed by [CNY/kWh].
    options : SolveOptions, optional
        HiGHS options; default dual simplex with Devex pricing, without presolve (warm
        starts).

    Attributes
    ----------
    build_s : float
        Wall time of building, compiling and checking both models [s].
    solve_s, update_s : float
        Accumulated HiGHS time and data-update time over all windows [s].
    """

    BUSES: ClassVar[dict] = {"elec": "balance_elec", HEAT_BUS: "balance_heat", "cool": "balance_cool"}

    def __init__(self, problem: SizingProblem, horizon: int, *, value_of_lost_load: float = 30.0,
                 state_penalty: float = 100.0, options: SolveOptions | None = None,
                 peak_margin_rows: bool = False, power_limits: list | None = None):
        from solvers.highs_backend import CompiledModel, HighsBackend
        from solvers.model import build_model

        t_build = time.perf_counter()
        self._voll = float(value_of_lost_load)
        self._penalty = float(state_penalty)
        self._margin_rows = bool(peak_margin_rows)
        self._power_limits = list(power_limits or [])
        self._balance_sign_cache = {}
        # each process-heat bus of its own has a balance row (and lost load) too
        self.BUSES = {**RollingWindow.BUSES, **{d.bus: re.sub(r"\W", "_", f"balance_{d.bus}")
                                                for d in problem.process_heat if d.bus != HEAT_BUS},
                      **{d.bus: re.sub(r"\W", "_", f"balance_{d.bus}")
                         for d in problem.process_cooling if d.bus != COOL_BUS}}
        T = problem.n_steps
        H = int(min(max(horizon, 1), T))
        self.T, self.H = T, H
        g = problem.grid
        self.dc = float(g.demand_charge_cny_per_kw_month)
        self.month = (np.asarray(g.month).astype(int) if g.month is not None
                      else np.ones(T, dtype=int))
        nodc = replace(problem, grid=replace(g, demand_charge_cny_per_kw_month=0.0))
        self.problem = nodc
        self.ctx_full = build_model(nodc)
        cf = CompiledModel(self.ctx_full.m)
        self.cm_full = cf
        self.ctx = build_model(head(nodc, H))
        # dual simplex with Devex pricing, no presolve: about 20 % faster per warm-started
        # window than the default pricing on the largest example (benchmarks/README.md)
        opts = options or SolveOptions(solver="simplex", presolve=False,
                                       highs_options={"simplex_dual_edge_weight_strategy": 1})
        self.be = HighsBackend(opts)
        self.be.set_instance(self.ctx.m)
        self.be.highs.disableCallbacks()  # highspy's Python callback hook costs ~1 ms a run
        for k, v in {"solver": opts.solver if opts.solver in ("simplex", "ipm", "ipx", "choose")
                     else "simplex", "presolve": "on" if opts.presolve else "off",
                     **opts.highs_options}.items():
            self.be.highs.setOptionValue(k, v)
        cw = self.be.cmodel
        self.cm = cw
        self.n_col0, self.n_row0 = cw.n_col, cw.n_row
        # ---- full-horizon arrays
        inf = INF
        fb = [v.bounds for v in cf.columns]
        self.f_lb = np.array([-inf if b[0] is None else b[0] for b in fb], float)
        self.f_ub = np.array([inf if b[1] is None else b[1] for b in fb], float)
        self.f_c = np.asarray(cf.info.c.toarray(), float).reshape(-1, cf.n_col)[0]
        rhs = np.asarray(cf.info.rhs, float).reshape(-1)
        bt = np.fromiter((r.bound_type for r in cf.info.rows), dtype=np.int8, count=cf.n_row)
        self.f_rlo = np.where(bt == 1, -inf, rhs)
        self.f_rhi = np.where(bt == -1, inf, rhs)
        self.f_A = cf.info.A.tocsr()  # rows x cols
        fcol, _ = _layout(cf.columns, T)
        frow, _ = _layout([r.constraint for r in cf.info.rows], T)
        # ---- window layout
        wcol, wcol_keys = _layout(cw.columns, H)
        wrow, wrow_keys = _layout([r.constraint for r in cw.info.rows], H)
        self._wcol_keys, self._wrow_keys = wcol_keys, wrow_keys
        missing = (set(wcol) - set(fcol)) | (set(wrow) - set(frow))
        if missing:
            raise RuntimeError(f"rolling window: hourly components missing in the full model: {missing}")
        cnames = sorted(wcol)
        rnames = sorted(wrow)
        self._cid = {n: i for i, n in enumerate(cnames)}
        self._rid = {n: i for i, n in enumerate(rnames)}
        self.fcol_tab = np.stack([fcol[n] for n in cnames]) if cnames else np.zeros((0, T), np.int64)
        self.frow_tab = np.stack([frow[n] for n in rnames]) if rnames else np.zeros((0, T), np.int64)
        # window columns/rows that are hourly: (position, component id, k)
        wc_pos, wc_id, wc_k = [], [], []
        for n in cnames:
            for k, j in enumerate(wcol[n]):
                if j >= 0:
                    wc_pos.append(j)
                    wc_id.append(self._cid[n])
                    wc_k.append(k)
        self.wc_pos, self.wc_id, self.wc_k = (np.array(x, np.int64) for x in (wc_pos, wc_id, wc_k))
        wr_pos, wr_id, wr_k = [], [], []
        for n in rnames:
            for k, i in enumerate(wrow[n]):
                if i >= 0:
                    wr_pos.append(i)
                    wr_id.append(self._rid[n])
                    wr_k.append(k)
        self.wr_pos, self.wr_id, self.wr_k = (np.array(x, np.int64) for x in (wr_pos, wr_id, wr_k))
        self._wcol, self._wrow = wcol, wrow
        self._prepare_coefficients(cf, cw)
        self._prepare_lags()
        self._add_extras()
        self._self_check()
        import highspy

        self._nc, self._nr = self.wc_pos.size, self.wr_pos.size
        self._wc_pos32 = self.wc_pos.astype(np.int32)
        self._wr_pos32 = self.wr_pos.astype(np.int32)
        if self.var_entries:
            self._ve_range = np.arange(len(self.var_entries))
            self._ve_row_l, self._ve_col_l = self.ve_row.tolist(), self.ve_col.tolist()
        self._state_slack_arr = np.array(self._state_slack, np.int64)
        self._cols_cache = {}
        self._cpos_of = np.full(self.n_col0, -1, np.int64)
        self._cpos_of[self.wc_pos] = np.arange(self.wc_pos.size)
        self._rpos_of = np.full(self.n_row0, -1, np.int64)
        self._rpos_of[self.wr_pos] = np.arange(self.wr_pos.size)
        self._last_active = H
        self._sent = {k: v.copy() for k, v in self._gather(0, {}).items() if k in ("c", "lb", "ub", "rlo", "rhi")}
        self._optimal = highspy.HighsModelStatus.kOptimal
        if self.peak_cols is not None:
            self._peak_lo = np.full(2 * H, -INF)
            self._peak_cols32 = np.array(self.peak_cols, np.int32)
            self._inf2 = np.full(2, INF)
        self.x = np.zeros(self.n_col)
        self.build_s = time.perf_counter() - t_build
        self.solve_s = 0.0
        self.update_s = 0.0
        self.n_solves = 0
        self.iterations = 0

    # ------------------------------------------------------------------ preparation
    def _prepare_coefficients(self, cf, cw) -> None:
        """Window matrix entries between hourly rows and columns whose value changes with
        the hour: their full-model series, to be written before each solve."""
        A = cw.info.A.tocoo()  # rows x cols of the window
        row_of = np.full(self.n_row0, -1, np.int64)
        rk = np.full(self.n_row0, -1, np.int64)
        row_of[self.wr_pos], rk[self.wr_pos] = self.wr_id, self.wr_k
        col_of = np.full(self.n_col0, -1, np.int64)
        ck = np.full(self.n_col0, -1, np.int64)
        col_of[self.wc_pos], ck[self.wc_pos] = self.wc_id, self.wc_k
        r, c = A.row, A.col
        hourly = (row_of[r] >= 0) & (col_of[c] >= 0)
        r, c = r[hourly], c[hourly]
        T = self.T
        classes = {}
        for ri, ci in zip(r.tolist(), c.tolist()):
            key = (int(row_of[ri]), int(col_of[ci]), int(ck[ci] - rk[ri]))
            classes.setdefault(key, []).append((ri, ci, int(rk[ri])))
        self.var_entries = []  # (window row, window col, series over full hours, k_row)
        tt = np.arange(T)
        for (rid, cid, lag), entries in classes.items():
            fr = self.frow_tab[rid]
            tc = tt + lag
            ok = (tc >= 0) & (tc < T) & (fr >= 0)
            fc = np.full(T, -1, np.int64)
            fc[ok] = self.fcol_tab[cid][tc[ok]]
            ok &= fc >= 0
            vals = np.zeros(T)
            if ok.any():
                vals[ok] = np.asarray(self.f_A[fr[ok], fc[ok]]).reshape(-1)
            v = vals[ok]
            if v.size and np.ptp(v) <= 1e-13 * max(1.0, np.abs(v).max()):
                continue
            for ri, ci, k in entries:
                self.var_entries.append((ri, ci, vals, k))
        if self.var_entries:
            self.ve_row = np.array([e[0] for e in self.var_entries], np.int32)
            self.ve_col = np.array([e[1] for e in self.var_entries], np.int32)
            self.ve_k = np.array([e[3] for e in self.var_entries], np.int64)
            self.ve_series = np.stack([e[2] for e in self.var_entries])

    def _prepare_lags(self) -> None:
        """Entries of full-model hourly rows on columns of earlier hours (state coupling)."""
        A = self.f_A
        T = self.T
        self.lags = []  # (row component id, column component id, lag, coefficient)
        col_comp = np.full(self.cm_full.n_col, -1, np.int64)
        col_t = np.full(self.cm_full.n_col, -1, np.int64)
        for cid in range(self.fcol_tab.shape[0]):
            ok = self.fcol_tab[cid] >= 0
            col_comp[self.fcol_tab[cid][ok]] = cid
            col_t[self.fcol_tab[cid][ok]] = np.flatnonzero(ok)
        t_probe = min(T - 1, max(1, T // 2))
        for rid in range(self.frow_tab.shape[0]):
            fr = self.frow_tab[rid][t_probe]
            if fr < 0:
                continue
            lo, hi = A.indptr[fr], A.indptr[fr + 1]
            for j, a in zip(A.indices[lo:hi], A.data[lo:hi]):
                if col_comp[j] < 0:
                    continue
                lag = t_probe - int(col_t[j])
                if lag > 1 or lag < 0:
                    raise RuntimeError("rolling window: rows coupling more than consecutive hours "
                                       "are not supported")
                if lag == 1:
                    self.lags.append((rid, int(col_comp[j]), float(a)))
        self.state_comps = sorted({self._cnames()[cid] for _, cid, _ in self.lags})

    def _cnames(self) -> list:
        return sorted(self._wcol)

    def _rnames(self) -> list:
        return sorted(self._wrow)

    def _add_extras(self) -> None:
        """Slack, peak and demand-charge columns and rows, added in HiGHS directly."""
        h = self.be.highs
        H = self.H
        n = self.n_col0
        cols_lo, cols_hi, cols_cost, starts, idx, vals = [], [], [], [], [], []
        self.slack_cols = {}

        def add_col(cost, rows, coefs, ub=INF):
            j = n + len(cols_cost)
            starts.append(len(idx))
            idx.extend(rows)
            vals.extend(coefs)
            cols_lo.append(0.0)
            cols_hi.append(ub)
            cols_cost.append(cost)
            return j

        self._voll_cols = []
        for bus, rname in self.BUSES.items():
            if rname not in self._wrow:
                continue
            rows = self._wrow[rname]
            sign = self._balance_sign(rname)
            self._voll_cols.append((bus, [add_col(self.voll, [int(rows[k])], [sign])
                                          for k in range(H)]))
        self._state_slack = []
        for rname in self._rnames():
            if not rname.endswith("_state"):
                continue
            rows = self._wrow[rname]
            # stationary stores can only be out of bounds where the window starts (a
            # content the plant left after an outage); EV fleets' drains can be out of
            # reach at any hour after a shortfall
            ev = rname.startswith("ev_")
            for k in range(H if ev else 1):
                if rows[k] >= 0:
                    self._state_slack.append(add_col(self.penalty, [int(rows[k])], [1.0]))
                    self._state_slack.append(add_col(self.penalty, [int(rows[k])], [-1.0]))
        if cols_cost:
            h.addCols(len(cols_cost), np.array(cols_cost), np.array(cols_lo), np.array(cols_hi),
                      len(idx), np.array(starts, np.int32), np.array(idx, np.int32),
                      np.array(vals, float))
        self.n_col = n + len(cols_cost)
        self.n_row = self.n_row0
        self.peak_cols = None
        if self.dc > 0:
            imp_cols, _ = self.cm.cols_of(self.ctx.imp)
            j0 = self.n_col
            h.addCols(2, np.array([self.dc, self.dc]), np.zeros(2), np.full(2, INF), 0,
                      np.zeros(2, np.int32), np.zeros(0, np.int32), np.zeros(0))
            self.peak_cols = (j0, j0 + 1)
            self.n_col += 2
            self.peak_rows = self._add_peak_rows(imp_cols, [], np.zeros(2 * H))
        self.margin_rows = None
        if self.dc > 0 and self._margin_rows:
            # the import less the batteries' charging (cut first in real time) kept a margin
            # below the peak: P_imp[k] - sum_b P_ch[b, k] - P_month <= -m[k] (free until given)
            bch = [np.asarray(self._wcol[column_component("battery_charge", b.name)], np.int64)
                   for b in self.problem.batteries if column_component("battery_charge", b.name) in self._wcol]
            self.margin_rows = self._add_peak_rows(imp_cols, bch, np.full(2 * H, INF))
        # columns of the stores' content at each position (terminal value)
        self._content_cols = {n: self._wcol[n] for n in self.state_comps}
        self._add_power_limits()

    #: Directions of the polygon inscribed in the circle of a power limit: every 15 degrees over
    #: the half plane of lagging reactive power (the rows cut the circle by cos(7.5°), 0.9 %).
    POWER_LIMIT_DIRECTIONS = 13

    def _add_power_limits(self) -> None:
        """Rows holding the apparent power through transformers (the constructor's
        ``power_limits``), in HiGHS directly.

        Each limit ``{"name", "p_terms", "c_terms", "tan_phi"}`` adds, per window hour ``k``, a
        column ``P_k`` (active power through it [kW]) and ``C_k`` (consumption behind it at the loads'
        power factor [kW]), both free, with the rows ``P_k − Σ a·x_k = p_k`` and ``C_k − Σ b·x_k = c_k``
        (``p_terms`` / ``c_terms``: (hourly column component, coefficient ``a``: a number or a
        full-horizon series); ``p_k``, ``c_k`` the fixed part, given per window in :meth:`solve`),
        and the rows ``cos θ_i · P_k + tan φ · sin θ_i · C_k − s_k ≤ S̄_k cos(π / (2(n−1)))`` for
        ``n`` directions ``θ_i`` from 0 to 180°: a polygon inscribed in the circle ``|(P, Q)| ≤ S̄``
        over lagging reactive power, in both directions of flow; ``s_k ≥ 0`` costs the value of lost
        load per kW (the window stays feasible where the fixed part alone is over the limit)."""
        lims = self._power_limits
        self.power_rows = {}
        self._power_col0 = {}
        self._pl_ve = []
        if not lims:
            return
        h = self.be.highs
        H, T = self.H, self.T
        n_dir = self.POWER_LIMIT_DIRECTIONS
        theta = np.linspace(0.0, np.pi, n_dir)
        self._power_shrink = float(np.cos(np.pi / (2 * (n_dir - 1))))
        ve = []  # (row, col, series, k): coefficients that change with the hour
        for lim in lims:
            j0 = self.n_col
            # P_k, C_k free, s_k >= 0 at the value of lost load
            lo = np.r_[np.full(2 * H, -INF), np.zeros(H)]
            hi = np.full(3 * H, INF)
            cost = np.r_[np.zeros(2 * H), np.full(H, self.voll)]
            h.addCols(3 * H, cost, lo, hi, 0, np.zeros(3 * H, np.int32), np.zeros(0, np.int32), np.zeros(0))
            self.n_col += 3 * H
            pc, cc, sc = np.arange(j0, j0 + H), np.arange(j0 + H, j0 + 2 * H), np.arange(j0 + 2 * H, j0 + 3 * H)
            r0 = self.n_row
            st, ix, va = [], [], []
            for which, terms, own in ((0, lim["p_terms"], pc), (1, lim["c_terms"], cc)):
                for k in range(H):
                    st.append(len(ix))
                    ix.append(int(own[k]))
                    va.append(1.0)
                    row = r0 + which * H + k
                    for comp, coef in terms:
                        cols = self._wcol.get(comp)
                        if cols is None or cols[k] < 0:
                            continue
                        a = np.broadcast_to(np.asarray(coef, float), (T,))
                        ix.append(int(cols[k]))
                        va.append(-float(a[min(k, T - 1)]))
                        if np.ptp(a) > 1e-13 * max(1.0, float(np.abs(a).max())):
                            ve.append((row, int(cols[k]), -a, k))
            tan = float(lim["tan_phi"])
            for i in range(n_dir):
                for k in range(H):
                    st.append(len(ix))
                    ix += [int(pc[k]), int(cc[k]), int(sc[k])]
                    va += [float(np.cos(theta[i])), tan * float(np.sin(theta[i])), -1.0]
            n = 2 * H + n_dir * H
            h.addRows(n, np.full(n, -INF), np.r_[np.zeros(2 * H), np.full(n_dir * H, INF)], len(ix),
                      np.array(st, np.int32), np.array(ix, np.int32), np.array(va, float))
            self.power_rows[lim["name"]] = (r0, n_dir)
            self._power_col0[lim["name"]] = int(j0)
            self.n_row += n
        self._pl_ve = ve
        if ve:
            self._pl_ve_row = [e[0] for e in ve]
            self._pl_ve_col = [e[1] for e in ve]
            self._pl_ve_k = np.array([e[3] for e in ve], np.int64)
            self._pl_ve_series = np.stack([e[2] for e in ve])

    def _add_peak_rows(self, imp_cols, less: list, hi: np.ndarray) -> np.ndarray:
        """Add the rows ``P_imp[k] - sum(less[k]) - P_month <= hi`` for every window hour ``k``
        and both months' peak columns (current month first); ``less``: HiGHS columns per hour
        subtracted from the import (-1 where none). Returns the rows' numbers."""
        H = self.H
        st, ix, va = [], [], []
        for which in (0, 1):
            for k in range(H):
                st.append(len(ix))
                ix += [int(imp_cols[k]), self.peak_cols[which]]
                va += [1.0, -1.0]
                for cols in less:
                    if cols[k] >= 0:
                        ix.append(int(cols[k]))
                        va.append(-1.0)
        self.be.highs.addRows(2 * H, np.full(2 * H, -INF), hi, len(ix), np.array(st, np.int32),
                              np.array(ix, np.int32), np.array(va, float))
        rows = np.arange(self.n_row, self.n_row + 2 * H, dtype=np.int32)
        self.n_row += 2 * H
        return rows

    @property
    def voll(self) -> float:
        return self._voll

    @property
    def penalty(self) -> float:
        return self._penalty

    def _balance_sign(self, rname: str) -> float:
        """+1 if a supply enters the compiled balance row with +1 (right-hand side = demand)."""
        rows = self._wrow[rname]
        i = int(rows[rows >= 0][0])
        A = self.cm.info.A.tocsr()
        imp_cols, _ = self.cm.cols_of(self.ctx.imp)
        if rname == "balance_elec":
            a = A[i, int(imp_cols[0])]
            return 1.0 if a > 0 else -1.0
        # heat/cool: the sign of a producer's column on the row
        producers = (("q_boiler", "q_heat_pump", "q_waste_heat_direct", "q_tes_discharge")
                     if rname.startswith("balance_heat") else ("q_chiller", "q_cold_discharge"))
        lo, hi = A.indptr[i], A.indptr[i + 1]
        for j, a in zip(A.indices[lo:hi], A.data[lo:hi]):
            name = self.cm.columns[j].parent_component().name
            if name.startswith(producers):
                return 1.0 if a > 0 else -1.0
        return 1.0

    def _state_rows(self, comp: str):
        """Positions in the window model of the state rows of the store whose content column
        component is ``comp`` (one per window hour, ``-1`` outside), and the sign of the
        content column in them (the drain enters as ``-sign · drain``); (None, 0) if unknown."""
        cache = self.__dict__.setdefault("_state_rows_cache", {})
        if comp in cache:
            return cache[comp]
        out = (None, 0.0)
        if comp in self._wcol:
            A = self.cm.info.A.tocsr()
            j0 = int(self._wcol[comp][0])  # column of hour 0 in the window model
            for rname in self._rnames():
                rows = np.asarray(self._wrow[rname], np.int64)
                if not rname.endswith("_state") or rows[0] < 0 or j0 < 0:
                    continue
                a = A[int(rows[0]), j0]
                if a != 0:
                    out = (np.where(rows >= 0, self._rpos_of[np.maximum(rows, 0)], -1), 1.0 if a > 0 else -1.0)
                    break
        cache[comp] = out
        return out

    def has_bus(self, bus: str) -> bool:
        """True if the window model has a balance row for ``bus`` (``elec``, ``heat``, ``cool``, a
        process-heat bus ``heat:<name>``, a process-cooling loop ``cool:<name>``)."""
        return self.BUSES[bus] in self._wrow

    def _self_check(self) -> None:
        """The gathered data of the window at t0 = 0 must equal the compiled window model."""
        lp = self.be.highs.getLp()
        c = np.asarray(lp.col_cost_)[: self.n_col0]
        lb = np.asarray(lp.col_lower_)[: self.n_col0]
        ub = np.asarray(lp.col_upper_)[: self.n_col0]
        rlo = np.asarray(lp.row_lower_)[: self.n_row0]
        rhi = np.asarray(lp.row_upper_)[: self.n_row0]
        g = self._gather(0, {})
        for name, mine, theirs in (("cost", g["c"], c[self.wc_pos]), ("lower", g["lb"], lb[self.wc_pos]),
                                   ("upper", g["ub"], ub[self.wc_pos]),
                                   ("row lower", g["rlo"], rlo[self.wr_pos]),
                                   ("row upper", g["rhi"], rhi[self.wr_pos])):
            both_inf = np.isinf(mine) & np.isinf(theirs) & (np.sign(mine) == np.sign(theirs))
            with np.errstate(invalid="ignore"):
                diff = np.where(both_inf, 0.0, np.abs(mine - theirs))
            if diff.size and not np.all(diff <= 1e-9 * np.maximum(1.0, np.abs(theirs))):
                k = int(np.argmax(diff))
                raise RuntimeError(f"rolling window self-check failed ({name}, entry {k}: "
                                   f"{mine[k]} vs {theirs[k]})")

    # ------------------------------------------------------------------ per window
    def _gather(self, t0: int, state: dict) -> dict:
        T = self.T
        tc = self.wc_k + t0
        act_c = tc < T
        fc = np.where(act_c, self.fcol_tab[self.wc_id, np.minimum(tc, T - 1)], -1)
        act_c &= fc >= 0
        c = np.where(act_c, self.f_c[np.maximum(fc, 0)], 0.0)
        lb = np.where(act_c, self.f_lb[np.maximum(fc, 0)], 0.0)
        ub = np.where(act_c, self.f_ub[np.maximum(fc, 0)], 0.0)
        tr = self.wr_k + t0
        act_r = tr < T
        fr = np.where(act_r, self.frow_tab[self.wr_id, np.minimum(tr, T - 1)], -1)
        act_r &= fr >= 0
        rlo = np.where(act_r, self.f_rlo[np.maximum(fr, 0)], -INF)
        rhi = np.where(act_r, self.f_rhi[np.maximum(fr, 0)], INF)
        if t0 > 0 and self.lags:
            cn = self._cnames()
            for rid, cid, a in self.lags:
                sel = (self.wr_id == rid) & (self.wr_k == 0)
                x = float(state.get(cn[cid], 0.0))
                # the full row at t0 holds a * x[t0-1]; in the window it is a constant
                shift = a * x
                rlo[sel] -= shift
                rhi[sel] -= shift
        return {"c": c, "lb": lb, "ub": ub, "rlo": rlo, "rhi": rhi, "act_c": act_c, "act_r": act_r}

    def solve(self, t0: int, state: dict, *, rhs_delta: dict | None = None,
              col_ub: dict | None = None, terminal_value: dict | None = None,
              month_peak_kw: float = 0.0, full_dispatch: bool = True,
              col_off: dict | None = None, next_month_peak_kw: float = 0.0,
              col_cost: dict | None = None, col_lb: dict | None = None,
              state_rhs: dict | None = None, peak_margin_kw: np.ndarray | None = None,
              power_limit_rhs: dict | None = None) -> dict:
        """Solve the window starting at hour ``t0``.

        Parameters
        ----------
        t0 : int
            First hour of the window.
        state : dict
            Content of each store at the end of hour ``t0 - 1``, by the component name
            of its content column (:attr:`state_comps`) [kWh]; ignored at ``t0 = 0``
            (the problem's own initial state applies).
        rhs_delta : dict, optional
            Bus (``elec``, ``heat``, ``cool``) -> change of the demand in each window hour
            (forecast minus true value) [kW], length ``H``.
        col_ub : dict, optional
            Hourly column component name -> upper bound per window hour (e.g. the
            forecast available PV output for ``p_pv_curtailed``) [kW].
        terminal_value : dict, optional
            Store content component -> value of each kWh left at the end of the window
            [CNY/kWh].
        month_peak_kw : float
            Peak of the month of ``t0`` that is paid for already [kW]: the highest import so
            far (or a higher target); the window pays the demand charge on the increase above it.
        next_month_peak_kw : float
            The same for the next month, where the window reaches into it [kW] (default 0).
        col_lb : dict, optional
            Hourly column component name -> lower bound per window hour (at most the upper
            bound) [unit of the column].
        col_cost : dict, optional
            Hourly column component name -> cost added per window hour [CNY per unit of the
            column per step] (e.g. a small preference for early EV charging).
        col_off : dict, optional
            Hourly column component name -> bool per window hour: the column is fixed at 0
            there (an asset out of service) [-].
        state_rhs : dict, optional
            Store content component (:func:`content_component`) -> the energy leaving the
            store in each window hour [kWh] (its drain), replacing the problem's drain and
            the content carried in from ``state`` (the store starts the window empty): an
            EV fleet's window built on its vehicles' sessions (:mod:`twin.operate.mpc`).
        peak_margin_kw : numpy.ndarray, optional
            Margin [kW] per window hour kept between the planned import less the batteries'
            charging (which the plant cuts first in real time) and the month's peak: rows
            ``P_imp[k] - sum_b P_ch[b, k] + m[k] <= P_month`` (the forecast error the import
            may still show, :mod:`twin.operate.mpc`); only in a window built with
            ``peak_margin_rows``; default none.
        power_limit_rhs : dict, optional
            Limit name (the constructor's ``power_limits``) -> ``(p, c, kva)``: the fixed active
            power through it and consumption behind it in each window hour [kW] and the apparent
            power it may carry [kVA] (a number or per hour); a limit not given is free.
        full_dispatch : bool
            Read the whole dispatch back (names of the optimiser's dispatch); False leaves
            it to :meth:`read` (faster in a loop).

        Returns
        -------
        dict
            ``status``, ``objective`` [CNY], ``dispatch`` (name -> array over the window
            hours, names as in :attr:`solvers.SizingResult.dispatch`), ``unserved_kwh``
            (bus -> kWh in the window), ``slack_kwh`` (storage relaxation), ``active``
            (number of window hours inside the horizon), ``power_limit_excess_kwh`` (power limit ->
            the planned flow above it, summed over the window [kWh]).
        """
        from solvers.highs_backend import Solution

        t_u = time.perf_counter()
        h = self.be.highs
        H, T = self.H, self.T
        g = self._gather(t0, state)
        c, lb, ub, rlo, rhi = g["c"], g["lb"], g["ub"], g["rlo"], g["rhi"]
        n_active = min(H, T - t0)
        last = n_active - 1
        if terminal_value:
            for comp, v in terminal_value.items():
                cols = self._comp_cols(comp)
                if cols is not None and cols[last] >= 0:
                    c[cols[last]] -= float(v)
        if col_cost:
            for comp, arr in col_cost.items():
                cols = self._comp_cols(comp)
                if cols is not None:
                    idx, v = _in_window(cols, arr, n_active, float)
                    c[idx] = c[idx] + v
        if col_ub:
            for comp, arr in col_ub.items():
                cols = self._comp_cols(comp)
                if cols is not None:
                    idx, v = _in_window(cols, arr, n_active, float)
                    ub[idx] = np.maximum(v, lb[idx])
        if col_lb:
            for comp, arr in col_lb.items():
                cols = self._comp_cols(comp)
                if cols is not None:
                    idx, v = _in_window(cols, arr, n_active, float)
                    lb[idx] = np.minimum(np.maximum(v, lb[idx]), ub[idx])
        if col_off:
            for comp, arr in col_off.items():
                cols = self._comp_cols(comp)
                if cols is not None:
                    idx, off = _in_window(cols, arr, n_active, bool)
                    lb[idx[off]] = 0.0
                    ub[idx[off]] = 0.0
        if state_rhs:
            for comp, arr in state_rhs.items():
                rows, sign = self._state_rows(comp)
                if rows is not None:
                    idx, v = _in_window(rows, arr, n_active, float)
                    rlo[idx] = -sign * v
                    rhi[idx] = -sign * v
        if rhs_delta:
            for bus, arr in rhs_delta.items():
                rows = self._bus_rows(bus)
                if rows is not None:
                    idx, v = _in_window(rows, arr, n_active, float)
                    d = self._balance_sign_cache[self.BUSES[bus]] * v
                    rlo[idx] += d
                    rhi[idx] += d
        # send only what changed since the last window (most bounds and costs repeat)
        prev = self._sent
        ch = np.flatnonzero(c != prev["c"])
        if ch.size:
            h.changeColsCost(ch.size, self._wc_pos32[ch], c[ch])
        ch = np.flatnonzero((lb != prev["lb"]) | (ub != prev["ub"]))
        if ch.size:
            h.changeColsBounds(ch.size, self._wc_pos32[ch], lb[ch], ub[ch])
        ch = np.flatnonzero((rlo != prev["rlo"]) | (rhi != prev["rhi"]))
        if ch.size:
            h.changeRowsBounds(ch.size, self._wr_pos32[ch], rlo[ch], rhi[ch])
        self._sent = {"c": c, "lb": lb, "ub": ub, "rlo": rlo, "rhi": rhi}
        if self.var_entries:
            t = np.minimum(self.ve_k + t0, T - 1)
            vals = self.ve_series[self._ve_range, t].tolist()
            for ri, ci, v in zip(self._ve_row_l, self._ve_col_l, vals):
                h.changeCoeff(ri, ci, v)
        if self.power_rows:
            self._send_power_limits(t0, n_active, power_limit_rhs or {})
        # slacks only where the window is inside the horizon
        if n_active != self._last_active:
            ks = np.arange(H)
            sl_ub = np.where(ks < n_active, INF, 0.0)
            for _bus, cols in self._voll_cols:
                h.changeColsBounds(H, np.array(cols, np.int32), np.zeros(H), sl_ub)
            self._last_active = n_active
        if self.peak_cols is not None:
            ks = np.arange(H)
            m0 = int(self.month[t0])
            months = self.month[np.minimum(t0 + ks, T - 1)]
            cur = (months == m0) & (ks < n_active)
            nxt = (months != m0) & (ks < n_active)
            hi = np.concatenate([np.where(cur, 0.0, INF), np.where(nxt, 0.0, INF)])
            h.changeRowsBounds(2 * H, self.peak_rows, self._peak_lo, hi)
            if self.margin_rows is not None:
                m = np.full(H, -INF)  # free rows without a margin
                if peak_margin_kw is not None:
                    pm = np.asarray(peak_margin_kw, float)[:H]
                    m[: pm.size] = -pm
                hi = np.concatenate([np.where(cur & (m > -INF), m, INF), np.where(nxt & (m > -INF), m, INF)])
                h.changeRowsBounds(2 * H, self.margin_rows, self._peak_lo, hi)
            h.changeColsBounds(2, self._peak_cols32, np.array([float(month_peak_kw), float(next_month_peak_kw)]),
                               self._inf2)
        self.update_s += time.perf_counter() - t_u
        t_s = time.perf_counter()
        h.run()  # output_flag is off: HiGHS prints nothing
        self.solve_s += time.perf_counter() - t_s
        self.n_solves += 1
        info = h.getInfo()
        self.iterations += int(info.simplex_iteration_count)
        ms = h.getModelStatus()
        status = "Optimal" if ms == self._optimal else h.modelStatusToString(ms)
        self.x = x = np.asarray(h.getSolution().col_value, float)
        unserved = {bus: float(x[np.array(cols)].sum()) for bus, cols in self._voll_cols}
        slack = float(x[self._state_slack_arr].sum()) if self._state_slack else 0.0
        out = {"status": status, "objective": float(info.objective_function_value),
               "unserved_kwh": unserved, "slack_kwh": slack, "active": n_active,
               "power_limit_excess_kwh": {name: float(x[j + 2 * H: j + 3 * H].sum())
                                          for name, j in self._power_col0.items()}}
        if full_dispatch:
            s = Solution(self.cm, x[: self.n_col0])
            out["dispatch"] = {d.name: np.asarray(d.fn(s), float) for d in self.ctx.dispatch
                               if d.fn is not None}
        return out

    def _send_power_limits(self, t0: int, n_active: int, rhs: dict) -> None:
        """The power-limit rows of the window at ``t0``: each limit's fixed parts and capacity
        (:meth:`solve` ``power_limit_rhs``; free where not given, zero past the horizon) and the
        coefficients that change with the hour."""
        h = self.be.highs
        H, T = self.H, self.T
        ks = np.arange(H)
        act = ks < n_active
        for name, (r0, n_dir) in self.power_rows.items():
            given = rhs.get(name)
            p, c, cap = np.zeros(H), np.zeros(H), np.full(H, INF)
            if given is not None:
                for arr, val in ((p, given[0]), (c, given[1]), (cap, given[2])):
                    if np.ndim(val) == 0:  # the same in every hour
                        arr[:] = float(val)
                    else:
                        v = np.asarray(val, float)[:H]
                        arr[: v.size] = v
            p, c = np.where(act, p, 0.0), np.where(act, c, 0.0)
            cap = np.where(act, cap * self._power_shrink, INF)
            rows = np.arange(r0, r0 + (2 + n_dir) * H, dtype=np.int32)
            lo = np.r_[p, c, np.full(n_dir * H, -INF)]
            hi = np.r_[p, c, np.tile(cap, n_dir)]
            h.changeRowsBounds(rows.size, rows, lo, hi)
        if self._pl_ve:
            t = np.minimum(self._pl_ve_k + t0, T - 1)
            vals = self._pl_ve_series[np.arange(len(self._pl_ve)), t].tolist()
            for ri, ci, v in zip(self._pl_ve_row, self._pl_ve_col, vals):
                h.changeCoeff(ri, ci, v)

    def power_through(self, name: str, n: int) -> np.ndarray:
        """Active power through power limit ``name`` at window positions ``0..n-1`` in the last
        solution [kW]."""
        j = self._power_col0[name]
        return self.x[j:j + n].copy()

    def _comp_cols(self, comp: str, *, lp: bool = False):
        """Positions of an hourly component's columns by hour k in the gathered arrays
        (or, with ``lp``, the HiGHS column numbers); -1 where none; None if no such
        component."""
        key = (comp, lp)
        hit = self._cols_cache.get(key)
        if hit is None and comp in self._wcol:
            cols = np.asarray(self._wcol[comp], np.int64)
            if not lp:
                cols = np.where(cols >= 0, self._cpos_of[np.maximum(cols, 0)], -1)
            hit = self._cols_cache[key] = cols
        return hit

    def _bus_rows(self, bus: str):
        """Positions of a bus's balance rows by hour k in the gathered row arrays, or None."""
        rname = self.BUSES[bus]
        if rname not in self._wrow:
            return None
        if rname not in self._balance_sign_cache:
            self._balance_sign_cache[rname] = self._balance_sign(rname)
        rows = np.asarray(self._wrow[rname], np.int64)
        return np.where(rows >= 0, self._rpos_of[np.maximum(rows, 0)], -1)

    def read(self, comp: str, n: int) -> np.ndarray:
        """Values of hourly component ``comp`` at window positions ``0..n-1`` in the last
        solution (0 where the component has no column or does not exist) [its unit]."""
        cols = self._comp_cols(comp, lp=True)
        if cols is None:
            return np.zeros(n)
        sel = cols[:n]
        return np.where(sel >= 0, self.x[np.maximum(sel, 0)], 0.0)

    def planned_peaks(self) -> tuple[float, float]:
        """The month peaks of the last solution: (month of ``t0``, next month) [kW]; (0, 0)
        without a demand charge."""
        if self.peak_cols is None:
            return 0.0, 0.0
        return float(self.x[self.peak_cols[0]]), float(self.x[self.peak_cols[1]])


def content_component(kind: str, name: str | None = None) -> str:
    """Name of the content column component of a store in the window model.

    ``kind``: ``battery``, ``tes``, ``cold`` (``name`` = the store's name) or ``ev`` (``name`` =
    fleet name); the EV "content" is the fleet's flexibility window (cumulative energy
    minus the planned lower envelope, see :mod:`solvers.blocks.ev`).
    """
    if kind == "battery":
        return re.sub(r"\W", "_", f"e_battery_{name}")
    if kind == "tes":
        return re.sub(r"\W", "_", f"e_tes_{name}")
    if kind == "cold":
        return re.sub(r"\W", "_", f"e_cold_{name}")
    if kind == "ev":
        return re.sub(r"\W", "_", f"e_ev_window_{name}")
    raise ValueError(kind)


#: Hourly decision columns of the window model by kind (names given by :mod:`solvers.blocks`).
_COLUMNS = {"battery_charge": "p_battery_charge_{}", "battery_discharge": "p_battery_discharge_{}",
            "tes_charge": "q_tes_charge_{}", "tes_discharge": "q_tes_discharge_{}",
            "cold_charge": "q_cold_charge_{}", "cold_discharge": "q_cold_discharge_{}", "ice": "q_ice_{}",
            "ev_charge": "p_ev_charge_{}", "ev_discharge": "p_ev_discharge_{}",
            "heat_pump": "q_heat_pump_{}", "boiler": "q_boiler_{}",
            "waste_heat_direct": "q_waste_heat_direct_{}", "chiller": "q_chiller_{}",
            "grid_import": "p_grid_import", "grid_export": "p_grid_export",
            "pv_curtailed": "p_pv_curtailed"}


def column_component(kind: str, name: str | None = None) -> str:
    """Name of an hourly decision column component of the window model (for
    :meth:`RollingWindow.read` and ``col_ub``): ``kind`` one of ``battery_charge``,
    ``battery_discharge``, ``tes_charge``, ``tes_discharge``, ``ev_charge``,
    ``ev_discharge``, ``heat_pump``, ``boiler``, ``waste_heat_direct``, ``chiller``,
    ``cold_charge``, ``cold_discharge``, ``ice`` (a chiller's ice making; with the asset ``name``),
    ``grid_import``, ``pv_curtailed``."""
    return re.sub(r"\W", "_", _COLUMNS[kind].format(name))
