"""National zero-carbon park indicators, 发改环资〔2025〕910号 annex 3 ("1 core + 5 guiding").

Thresholds come from :class:`twin.ledger.AccountingSettings` (secondary sources,
[ndrc-910-2025]). Parks below the first size tier get "no official tier": their core
indicator is computed and judged only against a threshold the planner states. A value the
planner changes is reported as the planner's, never as the notice's.
"""

from __future__ import annotations

import math

from twin.assess.declarations import Declarations
from twin.ledger import Ledger


def core_tier(tce_per_year: float, settings) -> dict:
    """Size tier and core threshold of 单位能耗碳排放 for a park's energy use.

    Parameters
    ----------
    tce_per_year : float
        Total energy consumption [tce/yr].
    settings : AccountingSettings

    Returns
    -------
    dict
        ``tier`` (label), ``official`` (bool: the notice's tier bounds and threshold, none changed by the
        planner), ``threshold_tco2_per_tce`` (None below the first tier without a planner's value: 910号
        publishes none, so the indicator is not judged), ``note``.
    """
    lo, hi = settings.tier_lower_tce, settings.tier_upper_tce
    dep = settings.departures_from_910()
    bounds = [k for k in ("tier_lower_tce", "tier_upper_tce") if k in dep]
    if tce_per_year >= lo:
        field = "core_threshold_large_tco2_per_tce" if tce_per_year >= hi else "core_threshold_mid_tco2_per_tce"
        label = f">= {hi:,.0f} tce/yr" if tce_per_year >= hi else f"{lo:,.0f}–{hi:,.0f} tce/yr"
        changed = bounds + ([field] if field in dep else [])
        thr = float(getattr(settings, field))
        if not changed:
            return {"tier": label, "official": True, "threshold_tco2_per_tce": thr,
                    "note": "910号 annex 3 [ndrc-910-2025]"}
        what = "; ".join(f"accounting.{k} {dep[k][0]:,.10g} (910号: {dep[k][1]:,.10g})" for k in changed)
        return {"tier": f"{label} (planner's)", "official": False, "threshold_tco2_per_tce": thr,
                "note": (f"evaluated against the planner's values, not 910号's: {what}; 910号 annex 3 gives "
                         "0.2 tCO2/tce for 200,000–1,000,000 tce/yr and 0.3 above [ndrc-910-2025]")}
    below = settings.core_threshold_below_tier_tco2_per_tce
    if below is None:
        return {"tier": "no official tier", "official": False, "threshold_tco2_per_tce": None,
                "note": (f"910号 gives no threshold below {lo:,.0f} tce/yr: the core indicator is computed but not "
                         "judged; state one as accounting.core_threshold_below_tier_tco2_per_tce to judge it "
                         "against a value of your own")}
    return {"tier": "no official tier", "official": False, "threshold_tco2_per_tce": float(below),
            "note": (f"910号 gives no threshold below {lo:,.0f} tce/yr; evaluated against the planner's value "
                     f"{below:g} tCO2/tce (accounting.core_threshold_below_tier_tco2_per_tce)")}


def bases_sentence(settings, annual: dict) -> str:
    """One sentence saying why the acceptance and location bases of the core indicator differ."""
    ef_loc = annual.get("ef_grid_import_weighted_kgco2_per_kwh", float("nan"))
    certs = {"not_credited": "certificates earn nothing",
             "zero": "certificates count as green power (zero)",
             "excl_market_nonfossil": "certificate-covered power counts at the national factor excluding "
                                      "market-traded non-fossil power"}[settings.acceptance_green_certificates]
    credit = ("credits green power and certificates at that factor (market-based: "
              "accounting.green_credits_in_core_indicator)" if settings.green_credits_in_core_indicator
              else "credits no green power or certificates (location-based)")
    return (f"The acceptance basis (910号 annex 4 as two secondary sources report it) counts purchased grid "
            f"electricity at the {settings.acceptance_factor_label} and green power at zero ({certs}), while the "
            f"location basis counts it at the park's grid average of {ef_loc:.4f} kgCO2/kWh and {credit}; both "
            f"divide by the same energy use, with electricity at its "
            f"{settings.electricity_tce_basis_label.split(' [')[0]}.")


def _guiding(key, name_zh, name_en, value, target, source, excluded: dict, not_applicable: str | None = None) -> dict:
    ok = None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(value >= target)
    return {
        "key": key, "name_zh": name_zh, "name_en": name_en, "value": None if ok is None else value,
        "target": target, "met": ok, "source": source, "excluded": key in excluded,
        "exclusion_reason": excluded.get(key),
        # a computed indicator without a basis in the model (no recoverable waste heat): not "not declared"
        "not_applicable": not_applicable if ok is None else None,
    }


def _clean_share_source(a: dict, s) -> str:
    """What the clean-energy share counts, in the words an assessor checks against the core indicator:
    certificates count as clean here whatever the acceptance basis makes of them."""
    gc = a.get("green_certificates_credited_mwh", 0.0) or 0.0
    thr = s.target_source("clean_energy_share_target")
    if gc > 0 and not s.certificates_in_clean_share:
        return (f"computed (ledger): green certificates of {gc:,.0f} MWh count as ordinary grid electricity here "
                f"(accounting.certificates_in_clean_share); {thr}")
    if gc <= 0:
        return f"computed (ledger); {thr}"
    return (f"computed (ledger): green certificates of {gc:,.0f} MWh count as clean here, while the acceptance basis "
            f"of the core indicator {'counts them at zero' if s.acceptance_green_certificates == 'zero' else 'does not'} "
            f"(accounting.acceptance_green_certificates); {thr}")


def national_indicators(ledger: Ledger, declarations: Declarations | None = None) -> dict:
    """Evaluate the 910号 annex-3 indicators for the planned case (and baseline value).

    Returns
    -------
    dict
        ``core`` (value, tier, threshold, pass, baseline value), ``guiding`` (list),
        ``open_parameters`` (list of parameters the official annex leaves open, with the
        value used) and ``notes``.
    """
    d = declarations or Declarations()
    s = ledger.settings
    a = ledger.planned.annual
    tier = core_tier(a["tce_total_tce"], s)
    ci = a["carbon_intensity_tco2_per_tce"]
    thr = tier["threshold_tco2_per_tce"]

    def passes(v):
        # at the threshold passes ("≤"); 1e-9 relative absorbs floating-point rounding of the ratio; no
        # threshold (a park below the first tier, none stated): not judged
        if thr is None or v is None or not math.isfinite(v):
            return None
        return bool(v <= thr * (1.0 + 1e-9))

    loc, acc = a.get("carbon_intensity_location_tco2_per_tce"), a.get("carbon_intensity_acceptance_tco2_per_tce")
    core = {
        "name_zh": "单位能耗碳排放", "name_en": "CO2 per unit of energy consumption",
        "value_tco2_per_tce": ci, "tce_total": a["tce_total_tce"], "co2_t": a["co2_core_indicator_t"],
        **tier, "pass": passes(ci),
        "baseline_value_tco2_per_tce": ledger.baseline.annual["carbon_intensity_tco2_per_tce"] if ledger.baseline else None,
        "formula": "CO2 (energy activities and declared industrial processes, before offsets) / total energy "
                   "consumption (tce)",
        "basis": s.core_indicator_basis,
        "tce_basis": s.electricity_tce_basis_label,
        "bases": {
            "acceptance": {"value_tco2_per_tce": acc, "co2_t": a.get("co2_acceptance_t"), "pass": passes(acc),
                           "grid_factor": s.acceptance_factor_label,
                           "green_certificates": s.acceptance_green_certificates,
                           "source": "[sec-910-acceptance-factor]; [ndrc-910-annex4]"},
            "location": {"value_tco2_per_tce": loc, "co2_t": a.get("co2_location_t"), "pass": passes(loc),
                         "grid_factor": f"{a.get('ef_grid_import_weighted_kgco2_per_kwh', float('nan')):.4f} kgCO2/kWh "
                                        "(import-weighted grid.emission_factor)",
                         # True: green power and certificates credited at the grid factor (market-based)
                         "green_credits": bool(s.green_credits_in_core_indicator),
                         "source": "grid.emission_factor of the scenario"},
        },
        "why_bases_differ": bases_sentence(s, a),
        "source": "[ndrc-910-2025]",
    }
    ex = dict(d.guiding_excluded)
    guiding = [
        _guiding("clean_energy_share", "清洁能源消费占比", "Clean-energy share of consumption",
                 a["clean_energy_share"], s.clean_energy_share_target, _clean_share_source(a, s), ex),
        _guiding("product_energy_grade2_share", "园区企业产出产品单位能耗", "Product energy at grade 2 or better (share of output)",
                 d.product_energy_grade2_share.value, 1.0,
                 f"declared: {d.product_energy_grade2_share.evidence or 'no evidence cited'}; threshold [ndrc-910-2025]", ex),
        _guiding("industrial_solid_waste_use", "工业固体废物综合利用率", "Industrial solid waste utilisation",
                 d.industrial_solid_waste_use.value, s.solid_waste_use_target,
                 f"declared: {d.industrial_solid_waste_use.evidence or 'no evidence cited'}; "
                 f"{s.target_source('solid_waste_use_target')}", ex),
        _guiding("waste_heat_utilisation", "余热/余冷/余压综合利用率", "Waste heat/cold/pressure utilisation",
                 a["waste_heat_utilisation_share"], s.waste_heat_utilisation_target,
                 "computed (ledger): waste heat only; waste cold and pressure are not modelled; "
                 f"{s.target_source('waste_heat_utilisation_target')}", ex,
                 None if a.get("q_waste_heat_available_kwh", 0.0) > 0 else
                 ("no recoverable waste heat, documented by the planner (declarations.no_waste_heat_source_documented: "
                  f"{d.no_waste_heat_source_documented.evidence or 'no evidence cited'})"
                  if d is not None and d.no_waste_heat_source_documented.value else
                  "no waste-heat source in the model (q_waste_heat_available_kw absent or zero), so no recoverable "
                  "amount to divide by; the planner documents the absence (declarations.no_waste_heat_source_documented "
                  "or guiding_excluded.waste_heat_utilisation, with evidence)")),
        _guiding("industrial_water_reuse", "工业用水重复利用率", "Industrial water reuse",
                 d.industrial_water_reuse.value, s.water_reuse_target,
                 f"declared: {d.industrial_water_reuse.evidence or 'no evidence cited'}; "
                 f"{s.target_source('water_reuse_target')}", ex),
    ]
    open_params = s.open_parameters() + [
        {"name": "product_energy_grade2_target", "value": 1.0, "unit": "-", "status": "open in official text",
         "note": "annex 3 says 'at or better than grade 2'; read here as the whole output (share 1.0)"},
        {"name": "waste_heat_scope", "value": "heat only", "unit": "-", "status": "model limit",
         "note": "waste cold and pressure (余冷/余压) not modelled; recoverable = q_waste_heat_available_kw"},
    ]
    notes = []
    if not tier["official"]:
        notes.append(tier["note"])
    for k, (used, official) in s.departures_from_910().items():
        if k.endswith("_target"):
            notes.append(f"accounting.{k}: the planner's value {used:g}, not 910号's {official:g} [ndrc-910-2025]")
    notes.append(core["why_bases_differ"])
    return {"core": core, "guiding": guiding, "open_parameters": open_params, "notes": notes}
