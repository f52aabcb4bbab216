"""Limits of the park network, the hours and places that break them, duration curves.

Elements checked: every line and transformer (loading against ``max_loading_percent``),
every bus (voltage against the band ``v_min_pu``..``v_max_pu``), and the point of
connection (active power against the contracted import and export limits, which the
optimiser meets without losses; the AC flow adds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Tolerances below which a limit counts as met [%, pu, kW] (numerical noise of the flow).
TOL_LOADING = 1e-3
TOL_V = 1e-6
TOL_KW = 1e-3


@dataclass
class Violation:
    """One element that breaks its limit in at least one hour."""

    element: str
    """Element name (line, transformer, bus or 'point of connection')."""
    kind: str
    """'line_loading', 'trafo_loading', 'undervoltage', 'overvoltage', 'pcc_import', 'pcc_export'."""
    index: int
    """Row of the element in its pandapower table (-1 for the point of connection)."""
    hours: np.ndarray
    """Hours (0-based) in which the limit is broken [-]."""
    worst: float
    """Worst value [% loading, pu voltage or kW at the point of connection]."""
    limit: float
    """The limit [same unit]."""
    worst_hour: int
    """Hour of the worst value [-]."""

    def to_dict(self, time_labels=None) -> dict:
        d = {"element": self.element, "kind": self.kind, "hours": int(self.hours.size),
             "worst": float(self.worst), "limit": float(self.limit), "worst_hour": int(self.worst_hour)}
        if time_labels is not None:
            d["worst_time"] = str(time_labels[self.worst_hour])
        return d


@dataclass
class Check:
    """All violations of one hourly flow."""

    violations: list[Violation] = field(default_factory=list)
    nonconverged_hours: np.ndarray = field(default_factory=lambda: np.zeros(0, int))

    @property
    def passed(self) -> bool:
        """True when no limit is broken and every hour converged."""
        return not self.violations and self.nonconverged_hours.size == 0

    @property
    def violating_hours(self) -> np.ndarray:
        """Hours with at least one violation."""
        if not self.violations:
            return np.zeros(0, int)
        return np.unique(np.concatenate([v.hours for v in self.violations]))


def _over(values: np.ndarray, limit, tol: float):
    """Hours where ``values`` exceed ``limit`` by more than ``tol`` (NaN never)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.nan_to_num(values - limit, nan=-np.inf) > tol)[0]


def check(pn, fr, spec, import_limit_kw, export_limit_kw) -> Check:
    """Violations of one :class:`twin.grid.timeseries.FlowResult`.

    Parameters
    ----------
    pn : ParkNetwork
    fr : FlowResult
    spec : GridNetworkSpec
    import_limit_kw, export_limit_kw : float or numpy.ndarray
        Contracted limits at the point of connection [kW] (scalars or hourly).
    """
    net = pn.net
    out = Check(nonconverged_hours=np.where(~fr.converged)[0])
    for kind, table, ld in (("line_loading", net.line, fr.line_loading_percent),
                            ("trafo_loading", net.trafo, fr.trafo_loading_percent)):
        for j in range(len(table)):
            lim = float(table.max_loading_percent.iloc[j]) if "max_loading_percent" in table else spec.max_loading_percent
            if not np.isfinite(lim):
                lim = spec.max_loading_percent
            h = _over(ld[:, j], lim, TOL_LOADING)
            if h.size:
                w = int(h[np.argmax(ld[h, j])])
                out.violations.append(Violation(str(table.name.iloc[j]), kind, j, h, float(ld[w, j]), lim, w))
    for j in range(len(net.bus)):
        v = fr.vm_pu[:, j]
        for kind, vals, lim, sgn in (("undervoltage", -v, -spec.v_min_pu, -1), ("overvoltage", v, spec.v_max_pu, 1)):
            h = _over(vals, lim, TOL_V)
            if h.size:
                w = int(h[np.argmax(vals[h])])
                out.violations.append(Violation(str(net.bus.name.iloc[j]), kind, j, h, float(v[w]), sgn * lim, w))
    p_kw = fr.p_pcc_mw * 1000.0
    T = p_kw.size
    imp = np.broadcast_to(np.asarray(import_limit_kw, float), (T,))
    exp = np.broadcast_to(np.asarray(export_limit_kw, float), (T,))
    for kind, vals, lim in (("pcc_import", p_kw, imp), ("pcc_export", -p_kw, exp)):
        h = _over(vals, lim, TOL_KW)
        if h.size:
            w = int(h[np.argmax(vals[h] - lim[h])])
            out.violations.append(Violation("point of connection", kind, -1, h, float(vals[w]), float(lim[w]), w))
    return out


def duration_curve(values: np.ndarray) -> np.ndarray:
    """Values sorted from highest to lowest, NaN dropped (a load-duration curve)."""
    v = np.asarray(values, float)
    return np.sort(v[np.isfinite(v)])[::-1]


def hours_text(hours: float, modelled: int, zh: bool = False) -> str:
    """Hours of a violation with their unit: h/yr for a full year; for a shorter horizon the hours of
    the modelled horizon and the same scaled to a year (8760/T, as the operation section's h/yr)."""
    if not modelled or modelled == 8760:
        return f"{hours:,.0f} 小时/年" if zh else f"{hours:,.0f} h/yr"
    per_yr = hours * 8760.0 / modelled
    return (f"模拟的 {modelled} 小时中 {hours:,.0f} 小时（折合 {per_yr:,.0f} 小时/年）" if zh else
            f"{hours:,.0f} h of the {modelled} modelled hours ({per_yr:,.0f} h/yr)")


def _violation_words(v: dict) -> str:
    k, w = v["kind"], v["worst"]
    if k.endswith("loading"):
        what = f"{v['element']} {w:,.0f} %"
    elif k.endswith("voltage"):
        what = f"{k} {w:.3f} pu at {v['element']}"
    else:
        what = f"{k.replace('_', ' ')} {w:,.0f} kW over {v['limit']:,.0f} kW"
    return what + f" in {v.get('hours_per_yr', v['hours']):,.0f} h/yr"


def verdict_text(grid: dict) -> str:
    """The park-grid check in one line (console, headline): the verdict and what fails, with the
    worst value, its hours per year and the upgrade's cost; what the feedback did."""
    verdict = grid.get("verdict", "not_checked")
    if verdict == "not_checked":
        return "not checked"
    n = int(grid.get("iterations", 0))
    up = grid.get("upgrade") or {}
    first = grid.get("first_plan_violations") or []
    if verdict == "pass":
        ld = {**(grid.get("max_trafo_loading_percent") or {}), **(grid.get("max_line_loading_percent") or {})}
        top = max(ld.items(), key=lambda kv: kv[1], default=None)
        return ("pass" + (f": highest loading {top[1]:.0f} % ({top[0]})" if top else "")
                + (f", voltages {grid['vm_min_pu']:.3f}-{grid['vm_max_pu']:.3f} pu" if grid.get("vm_min_pu") is not None else ""))
    fails = "; ".join(_violation_words(v) for v in first[:3]) + (f"; {len(first) - 3} more" if len(first) > 3 else "")
    cost = (f"; upgrade {up['capex_cny']:,.0f} CNY" if up.get("capex_cny") else "")
    if verdict == "pass_with_limits":
        return (f"pass_with_limits after {n} re-solve(s) with hourly limits at the point of connection "
                f"(+{grid.get('objective_increase_cny_per_yr', 0.0):,.0f} CNY/yr); the first plan broke: {fails}{cost}")
    if verdict == "pass_with_upgrade":
        return f"pass_with_upgrade: {fails}{cost}"
    nc = int(grid.get("nonconverged_hours", 0))
    return (f"upgrade_needed: {fails}" + (f"; {nc} h without a converged flow" if nc else "") + cost
            + f"; {n} re-solve(s)")
