"""What would raise the score most: next thresholds and the quantity change that reaches them.

:func:`quantity_for_measure` translates a target value of a computed measure into a
physical change (MWh/yr, kWp, kWh, kW, tCO2) at this site, so the lead can later ask the
optimiser for it. Linear, first-order estimates: they hold the rest of the park fixed.
"""

from __future__ import annotations

import math

from twin.ledger import Ledger


def quantity_for_measure(ledger: Ledger, measure: str, target: float) -> dict | None:
    """Physical change that brings a computed measure to ``target`` (planned case).

    Parameters
    ----------
    ledger : Ledger
    measure : str
        One of ``renewable_share``, ``onsite_renewable_share``, ``waste_heat_utilisation_share``,
        ``waste_heat_heat_share``, ``carbon_intensity_headroom``, ``storage_to_pv_2h_ratio``,
        ``flexible_capacity_share``, ``vpp_dr_enrolled_share``, ``v2g_peak_kw``.
    target : float
        Target value in the measure's unit.

    Returns
    -------
    dict or None
        ``{"quantity", "delta", "unit", "text", ...}``; None for measures with no physical lever.
    """
    a = ledger.planned.annual
    k_el = ledger.settings.electricity_kgce_per_kwh / 1000.0  # tce/kWh
    tce = a["tce_total_tce"]
    if measure in ("renewable_share", "onsite_renewable_share"):
        cur = a["tce_renewable_tce"] if measure == "renewable_share" else a["tce_pv_self_consumed_tce"]
        mwh = max(target * tce - cur, 0.0) / k_el / 1000.0
        y = a["pv_specific_yield_kwh_per_kwp"]
        kwp = mwh * 1000.0 / y if math.isfinite(y) and y > 0 else None
        txt = f"+{mwh:,.0f} MWh/yr renewable electricity used on site"
        if kwp is not None:
            txt += f" ≈ +{kwp:,.0f} kWp PV at this site's specific yield {y:,.0f} kWh/kWp (if self-consumed)"
        if measure == "renewable_share":
            txt += " (or the same MWh as green power / certificates)"
        return {"quantity": "renewable_electricity_mwh", "delta": mwh, "unit": "MWh/yr", "pv_kwp": kwp, "text": txt}
    if measure == "waste_heat_utilisation_share":
        d = max(target * a["q_waste_heat_available_kwh"] - a["q_waste_heat_used_kwh"], 0.0) / 1000.0
        # the park's own heat demand can absorb at most what is not yet met from waste heat
        room = max(a["q_heat_demand_kwh"] - a["q_heat_from_waste_heat_kwh"], 0.0) / 1000.0
        txt = f"+{d:,.0f} MWh/yr waste heat used"
        if d > room:
            txt += (f"; the park's own heat demand can take only {room:,.0f} MWh/yr more, so the rest needs a new "
                    "heat user (neighbouring site or district network, absorption cooling, process preheating)")
        return {"quantity": "waste_heat_used_mwh", "delta": d, "unit": "MWh/yr", "room_in_heat_demand_mwh": room,
                "text": txt}
    if measure == "waste_heat_heat_share":
        d = max(target * a["q_heat_demand_kwh"] - a["q_heat_from_waste_heat_kwh"], 0.0) / 1000.0
        return {"quantity": "heat_from_waste_heat_mwh", "delta": d, "unit": "MWh/yr",
                "text": f"+{d:,.0f} MWh/yr of heat demand met from waste heat"}
    if measure == "carbon_intensity_headroom":
        from twin.assess.national import core_tier

        th = core_tier(tce, ledger.settings)["threshold_tco2_per_tce"]
        if th is None:  # no threshold for the park's size: nothing to reach
            return None
        d = max((a["carbon_intensity_tco2_per_tce"] - (1.0 - target) * th) * tce, 0.0)
        # a kWh of grid import replaced weighs what the core indicator's basis says it weighs
        ef = (a.get("ef_acceptance_kgco2_per_kwh", a["ef_grid_import_weighted_kgco2_per_kwh"])
              if ledger.settings.core_indicator_basis == "acceptance" else a["ef_grid_import_weighted_kgco2_per_kwh"])
        mwh = d / ef if ef > 0 else None
        txt = f"−{d:,.0f} tCO2/yr" + (f" ≈ {mwh:,.0f} MWh/yr grid import replaced by zero-carbon supply" if mwh else "")
        return {"quantity": "co2_reduction_t", "delta": d, "unit": "tCO2/yr", "grid_mwh": mwh, "text": txt}
    if measure == "storage_to_pv_2h_ratio":
        d = max(target * 2.0 * a["pv_kwp"] - a["battery_kwh"], 0.0)
        return {"quantity": "battery_kwh", "delta": d, "unit": "kWh", "text": f"+{d:,.0f} kWh battery"}
    if measure == "flexible_capacity_share":
        d = max(target * a["peak_electric_demand_kw"], 0.0) * 1.0
        return {"quantity": "flexible_capacity_kw", "delta": d, "unit": "kW (total needed)",
                "text": f"flexible capacity of {d:,.0f} kW in total (battery, V2G, heat pumps with storage, DR)"}
    if measure == "vpp_dr_enrolled_share":
        d = max(target * a["peak_electric_demand_kw"], 0.0)
        return {"quantity": "vpp_dr_enrolled_kw", "delta": d, "unit": "kW (total needed)",
                "text": f"{d:,.0f} kW of adjustable capacity enrolled with a VPP operator or under a demand-response "
                        "agreement, declared with the contract"}
    if measure == "v2g_peak_kw":
        d = max(target - a["v2g_peak_kw"], 0.0)
        return {"quantity": "v2g_kw", "delta": d, "unit": "kW", "text": f"+{d:,.0f} kW V2G discharge capability"}
    return None


def improvement_options(scorecard, ledger: Ledger, top: int = 5) -> list[dict]:
    """Items closest to their next threshold, with the score gain and the quantity change.

    Gain on the total Q: chapter 7 → ``score_scale · w7 · 100 · Δpoints / applicable_max7``;
    chapter 12 → Δpoints up to the bonus cap. Sorted by the gain on Q (largest first), ties by
    the relative gap to the next threshold (declared flags and tiers, which have no gap, after).
    """
    ag = scorecard.rubric.aggregation
    scale = float(ag.score_scale.value)
    w7 = scorecard.chapters["7"]["weight"]
    max7 = scorecard.chapters["7"]["applicable_max"]
    room12 = float(ag.bonus_cap.value) - scorecard.aggregate["QA"]
    out = []
    for it in scorecard.items:
        for r in it["rules"]:
            if not r["applicable"]:
                continue
            rule = next(x for x in scorecard.rubric.item(it["id"]).rules if x.id == r["id"])
            v = r["value"]
            nxt = None
            if rule.kind == "bands" and v is None and not r.get("declared_missing"):
                continue  # a computed measure with nothing to judge it by (no 910号 threshold for the park's size)
            if rule.kind == "bands":
                vv = float(v) if isinstance(v, (int, float)) and v is not None and math.isfinite(float(v)) else 0.0
                nxt = next(((th, p) for th, p in rule.bands if th > vv + 1e-12 and p > r["points"]), None)
                if nxt is None:
                    continue
                gap = nxt[0] - vv
                rel = gap / abs(nxt[0]) if nxt[0] != 0 else gap
                new_pts, target = nxt[1], nxt[0]
            elif rule.kind == "flag":
                if v:
                    continue
                rel, gap, new_pts, target = None, None, rule.flag_points, True
            else:
                cur = r["points"]
                better = sorted((p, t) for t, p in rule.tier_points.items() if p > cur)
                if not better:
                    continue
                rel, gap, (new_pts, target) = None, None, better[0]
            # item-level gain: replace this rule's points within its group
            grp = [x for x in it["rules"] if x["group"] == r["group"] and x["applicable"]]
            others = max((x["points"] for x in grp if x is not r), default=0.0)
            gain_item = min(it["points"] - max(r["points"], others) + max(new_pts, others), it["max_points"]) - it["points"]
            if gain_item <= 0:
                continue
            if it["chapter"] == "7":
                dq = scale * (w7 or 0.0) * 100.0 * gain_item / max7 if max7 > 0 else 0.0
            else:
                dq = max(min(gain_item, room12), 0.0)
            q = quantity_for_measure(ledger, r["measure"], target) if rule.kind == "bands" else None
            out.append({
                "item": it["id"], "rule": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"],
                "measure": r["measure"], "value": v, "next_threshold": target, "gap": gap, "relative_gap": rel,
                "points_gain": gain_item, "total_score_gain": dq,
                "quantity": q, "how": (q["text"] if q else ("declare and document" if rule.kind == "flag"
                                                             else f"raise {r['measure']} to {target}")),
            })
    out.sort(key=lambda x: (-round(x["total_score_gain"], 9), x["relative_gap"] is None,
                            x["relative_gap"] if x["relative_gap"] is not None else 0.0))
    return out[:top] if top else out
