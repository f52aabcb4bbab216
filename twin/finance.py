"""Investment appraisal of a plan against keeping today's park (pure functions).

The plan is an investment; the alternative is to keep the park as it is (the run's
*baseline*: existing assets only, dispatched optimally at the same prices). Cash flows,
real terms, end of year, in CNY:

* year 0: the overnight investment of every new asset, ``-Σ_i C_i`` (``capex_cny``);
* years 1..N: annual savings ``S = O_base - O_plan``, the operating cost of keeping
  today's park minus the plan's operating cost. Operating cost is the annualised cost of a
  run without capital annuities: energy bought, demand charges, minus export revenue,
  fuel, O&M, battery and V2G wear, green power and certificates, carbon price and offsets
  (``costs_cny_per_yr.total - capex_annualised_total``);
* an asset whose lifetime ``L_i`` ends before the horizon is bought again at ``C_i`` in
  years ``L_i, 2 L_i, ... < N`` (rounded to whole years);
* in year N the assets' remaining life is credited at straight-line value,
  ``C_i · (1 - (N mod L_i) / L_i)`` for the last purchase.

The horizon ``N`` is the longest lifetime among the assets the plan builds
(``costs.<asset>.lifetime_years``), the discount rate ``r`` is ``costs.discount_rate``.
With one lifetime for every asset ``NPV = AF(r, N) · (baseline cost - plan cost)``, the
annualised costs the optimiser reports (checked in the tests).

LCOE and LCOH are the park's levelised supply costs from the same annualised costs:

* LCOE [CNY/MWh] = (annuities + O&M of PV, batteries and V2G chargers, energy bought,
  demand charges, export revenue (negative), battery and V2G wear, green power and
  certificates) / electricity used in the park;
* LCOH [CNY/MWh heat] = (annuities + O&M of heat pumps, thermal storage, electric boilers
  and waste-heat exchangers, fuel, plus the electricity of heat pumps and electric boilers
  at the LCOE) / heat delivered to the park's heat demand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Size-key prefix -> the ``costs`` field that prices it.
#: The keys are the optimiser's size keys (``SizingResult.sizes``, ``capex_annualised``): ``boiler_kw``
#: are the electric boilers (the only boilers the plan builds), ``chiller_kw`` the electric chillers (an
#: absorption chiller's life, ``costs.absorption_chiller``, is its own: :func:`finance_costs`).
#: Before 2026-12-07 three keys missed (``ev_v2g``, ``electric_boiler_kw``, and no waste-heat exchanger):
#: V2G chargers, electric boilers and exchangers were taken to last the whole horizon, never bought again.
COST_FIELD = {
    "pv_kwp": "pv", "battery_kwh": "battery_energy", "battery_kw": "battery_power",
    "heat_pump_kw": "heat_pump", "tes_kwh": "thermal_storage", "boiler_kw": "electric_boiler",
    "chiller_kw": "chiller", "ev_v2g_chargers": "v2g_charger_extra", "waste_heat_hx_kw": "waste_heat_exchanger",
}
#: Cold store kind -> the ``costs`` field that prices it (a cold store's size key, ``cold_kwh``, is priced
#: by its kind: :func:`finance_costs` gives each store's lifetime).
COLD_COST_FIELD = {"chilled_water": "chilled_water_storage", "ice": "ice_storage"}
#: Size-key prefixes of electricity-supply assets (LCOE) and of heat-supply assets (LCOH).
ELECTRIC_ASSETS = ("pv_kwp", "battery_kwh", "battery_kw", "ev_v2g_chargers")
HEAT_ASSETS = ("heat_pump_kw", "tes_kwh", "boiler_kw", "waste_heat_hx_kw")
ELECTRIC_OPEX = ("energy_import", "export_revenue", "demand_charge", "battery_degradation", "v2g_degradation",
                 "green_power_premium", "green_certificates")
#: the heat bought as district heat is heat delivered too (in the heat demand): its bill with it
HEAT_OPEX = ("fuel", "district_heat_energy", "district_heat_capacity", "district_heat_fixed")


def crf(rate: float, years: float) -> float:
    """Capital recovery factor ``r / (1 - (1 + r)^-n)`` [1/yr] (``1/n`` at ``r = 0``)."""
    if years <= 0:
        raise ValueError("years must be positive")
    return 1.0 / years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -years)


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 CNY a year for ``years`` years [yr]."""
    return 1.0 / crf(rate, years)


def _prefix(key: str) -> str:
    return key.split("[", 1)[0]


@dataclass(frozen=True)
class Investment:
    """Cash flows of the plan against keeping today's park, and their measures.

    Attributes
    ----------
    cash_flows : list of float
        Years 0..N [CNY]: investment (negative), savings, reinvestments, residual value.
    capex_cny : float
        Overnight investment in year 0 [CNY].
    annual_savings_cny : float
        ``O_base - O_plan`` [CNY/yr].
    horizon_years : int
        N [yr]; discount_rate [-].
    """

    cash_flows: list[float]
    capex_cny: float
    annual_savings_cny: float
    plan_opex_cny: float
    baseline_opex_cny: float
    horizon_years: int
    discount_rate: float
    assets: dict[str, dict] = field(default_factory=dict)
    carbon_price_saving_cny: float = 0.0
    """Part of the savings that is the carbon price avoided (``carbon.carbon_price_cny_per_t`` on net
    emissions) [CNY/yr]: cash under an emissions trading scheme, a shadow price otherwise."""

    @property
    def npv_cny(self) -> float:
        """Net present value at the discount rate [CNY]."""
        return npv(self.cash_flows, self.discount_rate)

    @property
    def irr(self) -> float | None:
        """Internal rate of return [-] (None when the flows never change sign or no root exists)."""
        return irr(self.cash_flows)

    @property
    def simple_payback_years(self) -> float | None:
        """Years until the undiscounted cumulative cash flow turns non-negative [yr] (None: never)."""
        return payback(self.cash_flows, 0.0)

    @property
    def discounted_payback_years(self) -> float | None:
        """Years until the discounted cumulative cash flow turns non-negative [yr] (None: never)."""
        return payback(self.cash_flows, self.discount_rate)

    def to_dict(self) -> dict:
        return {"capex_cny": self.capex_cny, "annual_savings_cny": self.annual_savings_cny,
                "plan_operating_cost_cny_per_yr": self.plan_opex_cny,
                "baseline_operating_cost_cny_per_yr": self.baseline_opex_cny,
                "horizon_years": self.horizon_years, "discount_rate": self.discount_rate,
                "npv_cny": self.npv_cny, "irr": self.irr, "simple_payback_years": self.simple_payback_years,
                "discounted_payback_years": self.discounted_payback_years, "cash_flows_cny": self.cash_flows,
                "assets": self.assets, "carbon_price_saving_cny": self.carbon_price_saving_cny}


def operating_cost(costs: Mapping) -> float:
    """Annual operating cost of a run [CNY/yr]: its annualised cost without capital annuities."""
    return float(costs.get("total", 0.0)) - float(costs.get("capex_annualised_total", 0.0))


def investment(costs: Mapping, baseline_costs: Mapping, lifetimes: Mapping[str, float], discount_rate: float
               ) -> Investment:
    """Cash flows of a plan against the baseline (module doc).

    Parameters
    ----------
    costs, baseline_costs
        ``costs_cny_per_yr`` of the plan and ``baseline_costs_cny_per_yr`` (summary.json)
        [CNY/yr]; per-asset annuities under ``capex_annualised``.
    lifetimes
        Size-key prefix, or flat size key of one asset, -> lifetime [yr]
        (:func:`lifetimes_from_costs`).
    discount_rate
        Real discount rate [-].
    """
    assets = {}
    for key, ann in (costs.get("capex_annualised") or {}).items():
        ann = float(ann)
        if ann <= 0:
            continue
        life = float(lifetimes.get(key) or lifetimes.get(_prefix(key), 0.0)) or None
        if life is None:  # unknown lifetime: spread over the horizon, valued from the annuity later
            assets[key] = {"annuity_cny": ann, "lifetime_years": None}
            continue
        assets[key] = {"annuity_cny": ann, "lifetime_years": life, "capex_cny": ann / crf(discount_rate, life)}
    known = [a["lifetime_years"] for a in assets.values() if a["lifetime_years"]]
    horizon = math.ceil(max(known)) if known else 20
    for a in assets.values():
        if a["lifetime_years"] is None:
            a["lifetime_years"] = float(horizon)
            a["capex_cny"] = a["annuity_cny"] / crf(discount_rate, horizon)
    capex_total = float(costs.get("capex_overnight", sum(a["capex_cny"] for a in assets.values())))
    # scale per-asset capex so their sum is the reported overnight investment (fixed build costs etc.)
    s = sum(a["capex_cny"] for a in assets.values())
    if s > 0 and capex_total > 0:
        for a in assets.values():
            a["capex_cny"] *= capex_total / s
    o_plan, o_base = operating_cost(costs), operating_cost(baseline_costs)
    saving = o_base - o_plan
    flows = [-capex_total] + [saving] * horizon
    for a in assets.values():
        life = a["lifetime_years"]
        t = life
        while round(t) < horizon:
            flows[round(t)] -= a["capex_cny"]
            t += life
        last = t - life  # year of the last purchase
        left = (last + life - horizon) / life
        flows[horizon] += a["capex_cny"] * max(left, 0.0)
    carbon = float(baseline_costs.get("carbon_price", 0.0) or 0.0) - float(costs.get("carbon_price", 0.0) or 0.0)
    return Investment(flows, capex_total, saving, o_plan, o_base, horizon, float(discount_rate), assets, carbon)


def finance_costs(scenario) -> dict:
    """A scenario's ``costs`` as a mapping for :func:`lifetimes_from_costs`, with the lifetimes
    of stores that give their own costs under ``asset_lifetimes_years`` {``battery_kwh[name]``:
    yr} (a battery's or thermal store's own cost overrides the costs section's), and of every cold store
    (its own cost, else the costs entry of its kind)."""
    out = scenario.costs.model_dump()
    own = {}
    for b in scenario.batteries:
        for key, c in (("battery_kwh", b.energy_cost), ("battery_kw", b.power_cost)):
            if c is not None:
                own[f"{key}[{b.name}]"] = float(c.lifetime_years)
    for t in scenario.thermal_stores:
        if t.cost is not None:
            own[f"tes_kwh[{t.name}]"] = float(t.cost.lifetime_years)
    for c in getattr(scenario, "cold_stores", []):  # priced by kind: costs.chilled_water_storage / ice_storage
        cost = c.cost or getattr(scenario.costs, COLD_COST_FIELD[c.kind])
        if cost is not None:
            own[f"cold_kwh[{c.name}]"] = float(cost.lifetime_years)
    if scenario.costs.absorption_chiller is not None:  # priced by costs.absorption_chiller, not costs.chiller
        for ch in scenario.chillers:
            if ch.kind == "absorption":
                own[f"chiller_kw[{ch.name}]"] = float(scenario.costs.absorption_chiller.lifetime_years)
    out["asset_lifetimes_years"] = own
    return out


def lifetimes_from_costs(costs) -> dict[str, float]:
    """Size-key prefix (or flat key of one asset, ``battery_kwh[lead]``) -> lifetime [yr] from a
    scenario's ``costs`` (model or mapping; :func:`finance_costs` adds the stores' own)."""
    out = {}
    if isinstance(costs, Mapping):
        out.update({k: float(v) for k, v in (costs.get("asset_lifetimes_years") or {}).items()})
    for prefix, name in COST_FIELD.items():
        c = costs.get(name) if isinstance(costs, Mapping) else getattr(costs, name, None)
        if c is None:
            continue
        life = c.get("lifetime_years") if isinstance(c, Mapping) else getattr(c, "lifetime_years", None)
        if life:
            out[prefix] = float(life)
    return out


def npv(flows: list[float], rate: float) -> float:
    """Net present value of end-of-year flows, year 0 undiscounted [CNY]."""
    return float(sum(f / (1.0 + rate) ** t for t, f in enumerate(flows)))


def irr(flows: list[float]) -> float | None:
    """Internal rate of return [-]: the rate in (-0.99, 1e4] where NPV = 0 (bisection), or None.

    The upper end starts at 10 (1,000 %) and is raised tenfold while the NPV there keeps the sign of the
    lower end's (a small investment with large savings: it had shown no IRR at all)."""
    if not flows or all(f >= 0 for f in flows) or all(f <= 0 for f in flows):
        return None
    lo, hi = -0.99, 10.0
    f_lo, f_hi = npv(flows, lo), npv(flows, hi)
    while f_lo * f_hi > 0 and hi < 1e4:
        hi *= 10.0
        f_hi = npv(flows, hi)
    if f_lo * f_hi > 0:
        return None
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = npv(flows, mid)
        if f_lo * f_mid <= 0:
            hi = mid
        else:
            lo, f_lo = mid, f_mid
        if hi - lo < 1e-10:
            break
    return 0.5 * (lo + hi)


def payback(flows: list[float], rate: float = 0.0) -> float | None:
    """Years until the (discounted) cumulative cash flow is non-negative, interpolated in the year [yr].

    ``0`` when nothing is invested and the plan saves (or costs nothing more); ``None`` when the horizon
    ends first, and when nothing is invested but the plan costs more to run (it had read 0, "paid back at
    once", for a plan that only buys offsets).
    """
    cum = 0.0
    for t, f in enumerate(flows):
        d = f / (1.0 + rate) ** t
        if t == 0 and d == 0 and any(x < 0 for x in flows[1:]) and sum(flows) < 0:
            return None
        if cum + d >= 0 and (t > 0 or d >= 0):
            return float(t - 1 + (-cum / d)) if t > 0 and d > 0 else float(t)
        cum += d
    return None


def levelised_costs(costs: Mapping, annual: Mapping) -> dict[str, float | None]:
    """LCOE [CNY/MWh] and LCOH [CNY/MWh heat] of a run (module doc).

    Parameters
    ----------
    costs
        ``costs_cny_per_yr`` [CNY/yr].
    annual
        The ledger's annual accounts of the plan [kWh/yr] (``ledger.annual.planned``).
    """
    def assets_cost(prefixes):
        tot = 0.0
        for part in ("capex_annualised", "om"):
            for k, v in (costs.get(part) or {}).items():
                if _prefix(k).startswith(prefixes):
                    tot += float(v)
        return tot

    def opex(prefixes):
        return sum(float(v) for k, v in costs.items() if isinstance(v, (int, float)) and _prefix(k) in prefixes)

    e_used = float(annual.get("e_electricity_consumption_kwh", 0.0) or 0.0) / 1000.0
    elec = assets_cost(ELECTRIC_ASSETS) + opex(ELECTRIC_OPEX)
    lcoe = elec / e_used if e_used > 0 else None
    q_heat = float(annual.get("q_heat_demand_kwh", 0.0) or 0.0) / 1000.0
    if not any(_prefix(k) in HEAT_OPEX[1:] for k in costs):
        # district heat bought without a price (its cost not included): not heat the park pays for here
        q_heat -= float(annual.get("q_heat_import_kwh", 0.0) or 0.0) / 1000.0
    lcoh = None
    if q_heat > 1e-6:  # [MWh]
        e_heat = (float(annual.get("e_heat_pump_kwh", 0.0) or 0.0)
                  + float(annual.get("e_electric_boiler_kwh", 0.0) or 0.0)) / 1000.0
        heat = assets_cost(HEAT_ASSETS) + opex(HEAT_OPEX) + (lcoe or 0.0) * e_heat
        lcoh = heat / q_heat
    return {"lcoe_cny_per_mwh": lcoe, "lcoh_cny_per_mwh": lcoh}
