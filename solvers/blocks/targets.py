r"""Targets the plan must meet: 910号 core indicator, clean-energy and renewable shares,
residual emissions, each one linear row whose dual is the target's marginal cost.

Annual energies are columns defined once by a dense row each (so the target rows hold a
handful of entries), all [kWh/yr]: grid import :math:`E^{imp}`, export :math:`E^{exp}`,
PV used :math:`E^{pv}` and boiler fuel of all fuels :math:`E^{f}` (with its CO2
:math:`CO_2^{f}` [tCO2/yr]).  Energy use in tce (GB/T 2589,
electricity at :math:`k_{el}` = 当量值 0.1229 or the chosen 等价值 kgce/kWh, fuel at
:math:`k_f` = 3.6/29.3076 kgce/kWh):

.. math::
    T = 10^{-3}\,[k_{el}(E^{imp} - E^{exp} + E^{pv}) + k_f E^{f}] + T_0

A ratio rewards energy use that emits nothing: CO2/tce falls, and a share of zero-carbon
energy rises, as more PV or green power is used, even when it is only lost in a battery that
charges and discharges in the same hours (an LP does that when it is the cheapest way to a
ratio, e.g. a park whose remaining CO2 is bought heat it cannot abate).  The rows therefore
hold the energy use less the stores' losses over the year,

.. math::
    T' = T - 10^{-3} k_{el} (L^{bat} + L^{V2G} + L^{tes} + L^{cold}),\qquad
    L^{bat} = \sum_t w_t \Delta t (P^{ch}_t - P^{dis}_t),\quad
    L^{V2G} = \sum_t w_t \Delta t\, P^{dis,V2G}_t \Big(\frac{1}{\eta_c\eta_d} - 1\Big),\quad
    L^{tes} = \sum_t w_t \Delta t (Q^{ch}_t - Q^{dis}_t)

(the losses of a cyclic year; heat lost in a thermal store counted as 1 kWh of electricity per
kWh, about what an electric boiler takes for it; :math:`L^{cold}`, cooling charged less discharged in
the cold stores, likewise, more than a chiller takes for it, so conservative), and a share's numerator less the same
:math:`\ell = T - T'`, as though all losses were zero-carbon energy.  Losses then neither raise nor
lower a row, and each row is conservative: the energy use the ledger reports (with the losses)
gives a core indicator at or below the row's and shares at or above it, so a target met by a row
is met in the ledger.  The ratio target :math:`CO_2 / T' \le \theta` is linearised exactly
(T' > 0) as

.. math::
    CO_2 - \theta\, T' \le 0

with, on the 910号 acceptance basis (annex 4 as reported: grid import at the national
fossil-power factor :math:`f`, green power :math:`h` at zero, certificates :math:`g` at
:math:`f_c`; h, g in MWh, f in tCO2/MWh)

.. math::
    CO_2^{acc} = 10^{-3} f E^{imp} - f h - (f - f_c) g + CO_2^{f} + CO_2^{heat} + CO_2^{process} + C_0

(:math:`CO_2^{process}` the industrial-process CO2 the park declares, a constant that is part of
the gross emissions of :mod:`solvers.blocks.carbon` too), and on the location basis :math:`CO_2^{loc} = E^{res} + C_0` (the residual of
:mod:`solvers.blocks.carbon`).  Shares are linearised the same way:

.. math::
    s\,T' - (R - \ell) \le 0, \qquad R = 10^{-3} k_{el} (E^{pv} - E^{exp} + 10^3 (h + g))

(renewables: PV used net of export, green power and certificates; the clean-energy share
adds ``grid_clean_share`` of the other grid import and gas when counted as clean), and
residual emissions :math:`E^{res} + C_0 \le \bar E`.  PV self-consumption is taken as
PV used minus export, exact when exports come from PV and conservative otherwise (the
ledger takes it hour by hour).

Marginal cost (LP only): with :math:`y` the row dual (change of the annual cost per unit
of the row's bound, HiGHS sign convention), tightening the target by one unit costs
:math:`-y\,T'^*` for the ratio and share targets (the bound moves by :math:`T^*` per unit
of θ or s, envelope theorem) and :math:`-y` for residual emissions [CNY/yr per unit].
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from solvers.blocks.base import ModelContext

#: Marginal costs at most this [CNY/yr per unit of the target] count as zero (not binding).
BINDING_TOL = 1e-3

_UNITS = {"core": "tCO2/tce", "clean_share": "1", "renewable_share": "1", "residual": "tCO2/yr"}

#: Annual losses of the stores [kWh/yr] registered by their blocks in ``ctx.annual_kwh``.
LOSS_KEYS = ("battery_losses", "v2g_losses", "tes_losses", "cold_losses")


def add(ctx: ModelContext) -> None:
    """Add the stated targets of ``ctx.p.targets`` (nothing when it is None)."""
    tg = ctx.p.targets
    ctx.target_rows, ctx.target_exprs, ctx.target_specs = {}, {}, []
    if tg is None or not _stated(tg):
        return
    m = ctx.m
    e = {}
    for key, expr in (*((k, _annual(ctx, k)) for k in ("grid_import", "grid_export", "pv_used", "fuel")),
                      ("storage_losses", pyo.quicksum(_annual(ctx, k) for k in LOSS_KEYS)),
                      ("fuel_co2_t", ctx.emis.get("fuel_t", 0.0)),
                      # district heat (solvers.blocks.district_heat): its CO2 is in ctx.emis (and so in the
                      # gross and residual of the location basis) whether or not it may be replaced; its heat is a
                      # flow here where it may be, else in fixed_energy_tce
                      ("heat_import", _annual(ctx, "heat_import")),
                      ("heat_import_co2_t", ctx.emis.get("heat_import_t", 0.0))):
        v = pyo.Var(domain=pyo.Reals)
        m.add_component(ctx.name("target_e", key), v)
        ctx.row(f"target_e_{key}_def", v - expr == 0.0)
        e[key] = v
    k_el, k_f = 1e-3 * tg.electricity_kgce_per_kwh, 1e-3 * tg.fuel_kgce_per_kwh
    energy = (k_el * (e["grid_import"] - e["grid_export"] + e["pv_used"]) + k_f * e["fuel"]
              + k_f * e["heat_import"] + tg.fixed_energy_tce)
    h = ctx.green_var if ctx.green_var is not None else 0.0
    g = ctx.cert_var if ctx.cert_var is not None else 0.0
    f, fc = 1e-3 * tg.acceptance_ef_kgco2_per_kwh, 1e-3 * tg.acceptance_certificate_ef_kgco2_per_kwh
    co2_acc = (f * e["grid_import"] - 1e3 * f * h - 1e3 * (f - fc) * g + e["fuel_co2_t"] + e["heat_import_co2_t"]
               + ctx.emis.get("process_t", 0.0) + tg.fixed_co2_t)
    co2_loc = (ctx.residual if tg.location_green_credits else ctx.gross) + tg.fixed_co2_t
    renew = k_el * (e["pv_used"] - e["grid_export"] + 1e3 * (h + g))
    clean = renew + tg.grid_clean_share * k_el * (e["grid_import"] - 1e3 * (h + g))
    if tg.natural_gas_is_clean:
        gas = pyo.Var(domain=pyo.Reals)
        m.add_component(ctx.name("target_e", "fuel_natural_gas"), gas)
        ctx.row("target_e_fuel_natural_gas_def", gas - _annual(ctx, "fuel_natural_gas") == 0.0)
        clean = clean + k_f * gas
    lost = k_el * e["storage_losses"]  # [tce/yr], module doc: left out of what the rows hold
    ctx.target_exprs = {"energy_tce": energy, "co2_acceptance_t": co2_acc, "co2_location_t": co2_loc,
                        "renewable_tce": renew, "clean_tce": clean, "residual_t": ctx.residual + tg.fixed_co2_t,
                        "storage_losses_tce": lost}
    co2 = co2_acc if tg.core_basis == "acceptance" else co2_loc
    specs = []
    if tg.core_max_tco2_per_tce is not None:
        th = float(tg.core_max_tco2_per_tce)
        specs.append(("core", f"910号 core indicator ≤ {th:g} tCO2/tce ({tg.core_basis} basis)", th,
                      co2 - th * (energy - lost), 0.0, "tCO2/yr"))
    if tg.clean_share_min is not None:
        s = float(tg.clean_share_min)
        specs.append(("clean_share", f"910号 clean-energy share ≥ {s:.1%}", s, s * (energy - lost) - (clean - lost),
                      0.0, "tce/yr"))
    if tg.renewable_share_min is not None:
        s = float(tg.renewable_share_min)
        specs.append(("renewable_share", f"T/CSUS 66-2023 7.2.1 renewable share ≥ {s:.1%}", s,
                      s * (energy - lost) - (renew - lost), 0.0, "tce/yr"))
    if tg.residual_max_t is not None:
        r = float(tg.residual_max_t)
        specs.append(("residual", f"residual emissions ≤ {r:,.6g} tCO2/yr", r, ctx.residual, r - tg.fixed_co2_t,
                      "tCO2/yr"))
    for key, label, value, body, rhs, unit in specs:
        if ctx.elastic:
            sl = pyo.Var(bounds=(0.0, None))
            m.add_component(ctx.name("target_slack", key), sl)
            ctx.slacks[f"target: {label} [{unit}]"] = ([sl], None)
            body = body - sl
        ctx.target_rows[key] = ctx.row(f"target_{key}", body <= rhs)
        ctx.target_specs.append({"name": key, "label": label, "target": value, "unit": _UNITS[key],
                                 "row_unit": unit})


def _annual(ctx: ModelContext, key: str):
    """Annual energy ``key`` registered by a block [kWh/yr] as an expression; 0 when absent."""
    f = ctx.annual_kwh.get(key)
    return 0.0 if f is None else f()


def _stated(tg) -> bool:
    return any(v is not None for v in (tg.core_max_tco2_per_tce, tg.clean_share_min, tg.renewable_share_min,
                                       tg.residual_max_t))


def values(ctx: ModelContext, sol) -> dict:
    """Achieved value of every target quantity in a solution (core in tCO2/tce, shares [-]): as the
    ledger counts them (``core``, ``clean_share``, ...: energy use with the stores' losses) and as
    the rows hold them (``core_row``, ...: without the losses, module doc)."""
    x = {k: sol.expr(v) for k, v in ctx.target_exprs.items()}
    T = x["energy_tce"]
    lost = x["storage_losses_tce"]
    Tr = T - lost
    tg = ctx.p.targets
    co2 = x["co2_acceptance_t"] if tg.core_basis == "acceptance" else x["co2_location_t"]

    def ratio(a, b):
        return a / b if b > 0 else float("nan")

    return {"energy_tce": T, "energy_row_tce": Tr, **x,
            "core": ratio(co2, T), "core_row": ratio(co2, Tr),
            "clean_share": ratio(x["clean_tce"], T), "clean_share_row": ratio(x["clean_tce"] - lost, Tr),
            "renewable_share": ratio(x["renewable_tce"], T),
            "renewable_share_row": ratio(x["renewable_tce"] - lost, Tr),
            "residual": x["residual_t"], "residual_row": x["residual_t"]}


def report(ctx: ModelContext, cm, res, sol) -> list[dict]:
    """Each stated target: value reached, whether it binds and its marginal cost.

    ``marginal_cost_cny_per_unit`` is the increase of the annual cost [CNY/yr] per unit by
    which the target is tightened (per tCO2/tce of the core threshold, per 1.0 of a share,
    per tCO2 of the residual cap); ``None`` for a MILP (no duals).
    """
    if not ctx.target_specs:
        return []
    v = values(ctx, sol)
    T, Tr = v["energy_tce"], v["energy_row_tce"]
    out = []
    for spec in ctx.target_specs:
        key = spec["name"]
        row = int(cm.rows_of(ctx.target_rows[key])[0])
        y = None if (ctx.n_int or res.row_dual is None) else float(res.row_dual[row])
        if y is None:
            mc = None
        elif key == "residual":
            mc = -y
        else:
            mc = -y * Tr  # the row's bound moves by T' per unit of the target
        val, held = v[key], v[f"{key}_row"]
        # at the bound (as the row holds it) within the solver's tolerance (interior point without
        # crossover: ~1e-6 relative)
        tol = 1e-5 * max(1.0, abs(spec["target"])) if key == "residual" else 1e-5
        at_bound = (held >= spec["target"] - tol) if key in ("core", "residual") else (held <= spec["target"] + tol)
        if mc is not None:  # complementary slackness: a target with room has no price
            mc = max(mc, 0.0) if (at_bound and mc > BINDING_TOL) else 0.0
        binding = bool(mc > 0.0) if mc is not None else bool(at_bound)
        per = {"core": "CNY/yr per tCO2/tce", "clean_share": "CNY/yr per 1.0 of share",
               "renewable_share": "CNY/yr per 1.0 of share", "residual": "CNY/yr per tCO2"}[key]
        out.append({**spec, "value": val, "row_value": held, "binding": binding, "at_bound": bool(at_bound),
                    "dual": y, "marginal_cost_cny_per_unit": mc, "marginal_cost_unit": per,
                    "marginal_cost_note": _mc_note(key, mc),
                    "energy_tce": T, "storage_losses_tce": v["storage_losses_tce"]})
    return out


def _mc_note(key: str, mc) -> str:
    if mc is None:
        return "MILP: no dual; compare two runs with the target moved to price it"
    if key == "core":
        return f"{mc * 0.01:,.0f} CNY/yr per 0.01 tCO2/tce tighter"
    if key in ("clean_share", "renewable_share"):
        return f"{mc * 0.01:,.0f} CNY/yr per percentage point more"
    return f"{mc:,.2f} CNY/yr per tCO2 less"


#: A lever at its limit whose reduced cost in the elastic solve is at most this [slack units per
#: unit of the lever] in magnitude would not lower the shortfall if it were larger: not listed.
LEVER_TOL = 1e-7


def exhausted_levers(ctx: ModelContext, sol, col_dual=None) -> list[str]:
    """Levers at their limit in a solution: sizes at their maximum, green power and
    certificates at what is available.

    ``col_dual``: the elastic solve's reduced costs (HiGHS column duals), when valid. The
    elastic objective is the shortfall alone, so a lever that cannot lower it (heat pumps
    with no heat to deliver) may sit anywhere, its maximum included; with the reduced costs
    only the levers whose limit holds the shortfall (reduced cost beyond :data:`LEVER_TOL`)
    are listed.
    """
    def limiting(var) -> bool:
        if col_dual is None:
            return True
        col = int(sol.cm.cols_of(var)[0][0])
        return col < 0 or abs(float(col_dual[col])) > LEVER_TOL

    out = []
    for key, val in ctx.sizes.items():
        items = val.items() if isinstance(val, dict) else [(None, val)]
        for sub, s in items:
            if getattr(s, "var", None) is None:  # fixed sizes, and quantities derived from a size
                continue
            ub = s.var.ub
            if (ub is not None and np.isfinite(ub) and s.var.ub > 0 and sol.value(s.var) >= ub - 1e-6 * max(1.0, ub)
                    and limiting(s.var)):
                out.append(f"{key}{f'[{sub}]' if sub else ''} at its maximum {s.existing + ub:,.6g}")
    c = ctx.p.carbon
    if (ctx.green_var is not None and sol.value(ctx.green_var) >= c.green_power_max_mwh * (1 - 1e-6)
            and limiting(ctx.green_var)):
        out.append(f"green power at the {c.green_power_max_mwh:,.6g} MWh/yr available")
    if (ctx.cert_var is not None and sol.value(ctx.cert_var) >= c.certificate_max_mwh * (1 - 1e-6)
            and limiting(ctx.cert_var)):
        out.append(f"green certificates at the {c.certificate_max_mwh:,.6g} MWh/yr available")
    if ctx.green_var is None:
        out.append("no green power offered (carbon.max_green_power_mwh = 0)")
    off = getattr(ctx, "offsets", None)
    if off is not None and getattr(ctx, "gross", None) is not None:  # (unit tests pass a bare context)
        o = sol.value(off)
        if off.ub is not None and off.ub > 0 and o >= off.ub * (1 - 1e-6):
            out.append(f"offsets at the {off.ub:,.6g} tCO2/yr available")
        elif c.offset_max_share <= 0.0:
            out.append("no offsets allowed (carbon.max_offset_share = 0)")
        elif c.offset_max_share < 1.0:
            gross = c.offset_share_basis != "residual"
            cap = c.offset_max_share * sol.expr(ctx.gross if gross else ctx.residual)
            if cap > 0 and o >= cap - 1e-6 * max(1.0, cap):
                out.append(f"offsets at their cap of {c.offset_max_share:.0%} of {'gross' if gross else 'residual'} "
                           f"emissions, {cap:,.6g} tCO2/yr (carbon.max_offset_share)")
    return out


def process_remains(process_t: float, net: bool = False) -> str:
    """The sentence on declared industrial-process CO2 [tCO2/yr] in what remains of a target out of
    reach; ``net``: the requirement counts offsets (net emissions), which may cover it."""
    return (f"of what remains, {process_t:,.6g} tCO2/yr is the industrial-process CO2 the scenario declares "
            "(process_emissions), which no asset of the model reduces"
            + (" (offsets within their cap may cover it)" if net else ""))


def shortfalls(ctx: ModelContext, sol, violations: dict) -> list[dict]:
    """Violated targets of an elastic solution: ``name``, ``label``, ``target``, ``value`` (the
    best reachable, in the target's ``unit``) and ``short`` (the row's slack, in ``row_unit``)."""
    if not ctx.target_specs:
        return []
    v = values(ctx, sol)
    out = []
    for spec in ctx.target_specs:
        lab = f"target: {spec['label']} [{spec['row_unit']}]"
        if violations.get(lab, 0.0) <= 1e-6:
            continue
        # the best reachable as the row holds it (the relaxed target it is held to next)
        out.append({"name": spec["name"], "label": spec["label"], "target": float(spec["target"]),
                    "value": float(v[f"{spec['name']}_row"]), "unit": spec["unit"], "short": float(violations[lab]),
                    "row_unit": spec["row_unit"], "slack": lab})
    return out


def explain(ctx: ModelContext, sol, violations: dict, col_dual=None) -> list[str]:
    """Sentences on violated targets of an elastic solution: by how much, and what is exhausted."""
    if not ctx.target_specs:
        return []
    lines = []
    for sf in shortfalls(ctx, sol, violations):
        spec = {"label": sf["label"], "target": sf["target"]}
        key, val = sf["name"], sf["value"]
        if key == "core":
            lines.append(f"{spec['label']} is out of reach: at best {val:.4g} tCO2/tce, "
                         f"{val - spec['target']:.4g} above the target")
        elif key == "residual":
            lines.append(f"{spec['label']} is out of reach: at best {val:,.6g} tCO2/yr, "
                         f"{val - spec['target']:,.6g} above the cap")
        else:
            lines.append(f"{spec['label']} is out of reach: at best {val:.2%}, "
                         f"{(spec['target'] - val) * 100:.3g} percentage points short")
    if lines:
        lev = exhausted_levers(ctx, sol, col_dual)
        lines.append("levers exhausted: " + ("; ".join(lev) if lev else "none at a bound (the target "
                                                                       "conflicts with another requirement)"))
        fuel = float(sol.expr(ctx.emis["fuel_t"])) if "fuel_t" in ctx.emis else 0.0
        process = float(ctx.emis.get("process_t", 0.0))
        names = {sf["name"] for sf in shortfalls(ctx, sol, violations)}
        tg = ctx.p.targets
        if ("core" in names and tg.core_basis == "acceptance" and ctx.cert_var is not None
                and tg.acceptance_certificate_ef_kgco2_per_kwh >= tg.acceptance_ef_kgco2_per_kwh):
            # certificates on offer but not among the levers: say why, or the planner wonders
            lines.append("green certificates earn nothing on the core indicator's acceptance basis "
                         "(accounting.acceptance_green_certificates: not_credited); green power and PV do")
        if fuel > 1e-6 and names & {"core", "residual"}:
            # a residual cap of 0 on the office example listed V2G chargers and certificates, while what
            # remained was the gas boiler's fuel, which none of them reduces
            lines.append(f"of what remains, {fuel:,.6g} tCO2/yr is boiler fuel, which PV, green power and "
                         "certificates do not reduce (heat pumps or electric boilers in the scenario can replace "
                         "it; offsets do not count here)")
        if process > 0 and names & {"core", "residual"}:
            lines.append(process_remains(process))
    return lines
