"""Cross-check of the Pyomo sizing model against an independent matrix formulation.

The same two-week sizing LP (PV + battery + TOU prices + two monthly demand charges +
air heat pump + thermal storage, weighted to a year) is written a second time here
directly as a sparse matrix for highspy, without any code from ``solvers``.  Both must
reach the same optimal objective to 1e-6 relative: they are the same LP, and HiGHS
solves each to its default 1e-7 feasibility/optimality tolerances.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from solvers import (AssetCost, Battery, GridConnection, HeatPump, PVArray, SizingProblem,
                     SolveOptions, ThermalStorage, capital_recovery_factor, solve)

T = 336
W = 8760.0 / T
RATE = 0.06


def data():
    h = np.arange(T) % 24
    day = np.arange(T) // 24
    load = 500 + 200 * np.sin(np.pi * (h - 6) / 12).clip(min=0) + 20 * (day % 7 < 5)
    pv = 0.8 * np.sin(np.pi * (h - 6) / 12).clip(min=0) * (0.6 + 0.4 * np.cos(day))
    price = np.where(h < 8, 0.3, np.where((h >= 18) & (h < 21), 1.1, 0.7))
    heat = 300 + 100 * np.cos(2 * np.pi * h / 24)
    cop = 3.0 + 0.5 * np.sin(2 * np.pi * (h - 9) / 24)
    month = np.where(np.arange(T) < 168, 1, 2)
    return load, pv, price, heat, cop, month


COSTS = dict(pv=(3500.0, 25), e=(900.0, 12), p=(300.0, 12), hp=(1500.0, 15), tes=(60.0, 20))
DEMAND = 38.0  # CNY/kW-month
EF = 0.58
LIMIT = 900.0
ETA = 0.95
LOSS = 0.01
RHO = 0.25
CRATE = 0.5
DEG = 0.02


def annuity(name):
    c, n = COSTS[name]
    return c * capital_recovery_factor(RATE, n)


def pyomo_problem():
    load, pv, price, heat, cop, month = data()

    def cost(name):
        c, n = COSTS[name]
        return AssetCost(capex_cny_per_unit=c, lifetime_yr=n)

    return SizingProblem(
        dt_h=1.0, electric_load_kw=load, weights=np.full(T, W), discount_rate=RATE,
        grid=GridConnection(price_import_cny_per_kwh=price, ef_grid_kgco2_per_kwh=np.full(T, EF),
                            import_limit_kw=LIMIT, demand_charge_cny_per_kw_month=DEMAND,
                            month=month),
        pv=[PVArray("roof", pv, max_kwp=2000.0, cost=cost("pv"))],
        batteries=[Battery(energy_cost=cost("e"), power_cost=cost("p"), eta_charge=ETA,
                        eta_discharge=ETA, c_rate_max=CRATE, degradation_cny_per_kwh=DEG)],
        heat_demand_kw=heat, heat_pumps=[HeatPump("air", cop, cost=cost("hp"))],
        thermal_stores=[ThermalStorage(cost=cost("tes"), loss_per_h=LOSS, max_power_per_kwh=RHO)])


def matrix_objective() -> float:
    """The same LP as a sparse matrix, solved by highspy directly."""
    import highspy

    load, pv, price, heat, cop, month = data()
    names = ["imp", "pvu", "curt", "bch", "bdis", "e", "qhp", "tch", "tdis", "etes"]
    col = {n: i * T for i, n in enumerate(names)}
    K, E, P, S, Z = (len(names) * T + k for k in range(5))
    PK = len(names) * T + 5  # two monthly peaks
    n = PK + 2
    cost = np.zeros(n)
    cost[col["imp"]:col["imp"] + T] = W * price
    cost[col["bdis"]:col["bdis"] + T] = W * DEG
    cost[K], cost[E], cost[P] = annuity("pv"), annuity("e"), annuity("p")
    cost[S], cost[Z] = annuity("hp"), annuity("tes")
    cost[PK:PK + 2] = DEMAND
    lb, ub = np.zeros(n), np.full(n, np.inf)
    ub[col["imp"]:col["imp"] + T] = LIMIT
    ub[K] = 2000.0
    rows, cols, vals, rlo, rhi = [], [], [], [], []
    r = 0

    def row(entries, lo, hi):
        nonlocal r
        for c_, v in entries:
            rows.append(r)
            cols.append(c_)
            vals.append(v)
        rlo.append(lo)
        rhi.append(hi)
        r += 1

    for t in range(T):
        prev = t - 1 if t > 0 else T - 1
        c = {k: v + t for k, v in col.items()}
        cp = {k: v + prev for k, v in col.items()}
        row([(c["imp"], 1), (c["pvu"], 1), (c["bdis"], 1), (c["bch"], -1),
             (c["qhp"], -1 / cop[t])], load[t], load[t])
        row([(c["pvu"], 1), (c["curt"], 1), (K, -pv[t])], 0, 0)
        row([(c["e"], 1), (cp["e"], -1), (c["bch"], -ETA), (c["bdis"], 1 / ETA)], 0, 0)
        row([(c["e"], 1), (E, -1)], -np.inf, 0)
        row([(c["bch"], 1), (P, -1)], -np.inf, 0)
        row([(c["bdis"], 1), (P, -1)], -np.inf, 0)
        row([(c["qhp"], 1), (c["tdis"], 1), (c["tch"], -1)], heat[t], heat[t])
        row([(c["qhp"], 1), (S, -1)], -np.inf, 0)
        row([(c["etes"], 1), (cp["etes"], -(1 - LOSS)), (c["tch"], -1), (c["tdis"], 1)], 0, 0)
        row([(c["etes"], 1), (Z, -1)], -np.inf, 0)
        row([(c["tch"], 1), (Z, -RHO)], -np.inf, 0)
        row([(c["tdis"], 1), (Z, -RHO)], -np.inf, 0)
        row([(c["imp"], 1), (PK + month[t] - 1, -1)], -np.inf, 0)
    row([(P, 1), (E, -CRATE)], -np.inf, 0)
    A = sp.csr_matrix((vals, (rows, cols)), shape=(r, n))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVars(n, lb, np.where(np.isinf(ub), inf, ub))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.addRows(r, np.where(np.isinf(rlo), -inf, rlo), np.where(np.isinf(rhi), inf, rhi),
              A.nnz, A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32), A.data)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value


@pytest.mark.parametrize("algo", ["simplex", "ipx", "hipo"])
def test_pyomo_model_matches_independent_matrix_lp(algo):
    ref = matrix_objective()
    r = solve(pyomo_problem(), SolveOptions(solver=algo))
    assert r.status == "optimal"
    assert r.objective_cny == pytest.approx(ref, rel=1e-6)
    # the instance exercises every block it was built for
    assert r.sizes["pv_kwp"]["roof"] > 0
    assert r.sizes["battery_kwh"]["battery"] > 0
    assert r.sizes["tes_kwh"]["tes"] > 0
    assert r.costs["demand_charge"] > 0
