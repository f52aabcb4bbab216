"""Energy and carbon ledger of a park: baseline vs planned, hourly and annual.

Accounting order (T/CSUS 66-2023 "强调碳减排的内部性"; 910号 annex 4, CO2 only):

1. gross emissions = grid import × hourly grid factor + fuels × IPCC factors + bought heat;
2. export credit (only if ``export_credit='net_at_grid_factor'``; electricity emissions
   floored at zero, the surplus reported separately);
3. green power (绿电交易), then green certificates (绿证), at the import-weighted grid
   factor, together capped at the imported electricity and at the electricity emissions left;
4. offsets (CCER) last, capped at ``offsets_max_share`` of the gross emissions (or of what is
   left, ``offsets_cap_basis``) and never beyond what is left.

Two emission bases of the 910号 core indicator, side by side and never mixed:
location-based (steps 1-3, the grid average factor of the scenario) and the acceptance
basis of 910号 annex 4 as reported by secondary sources [sec-910-acceptance-factor]
(purchased electricity at the national fossil-power factor, green power at zero,
certificates by a switch; :func:`acceptance_emissions`). ``carbon_intensity_tco2_per_tce``
uses ``settings.core_indicator_basis``; residual, net and offset figures stay location-based.

Internal abatement (baseline → planned) and offsets are always reported separately.
The baseline case gets no green power, certificates or offsets (they are planned measures).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from twin.io import json_safe
from twin.ledger.fuels import MJ_PER_KWH, fuel_factor, kwh_to_tce
from solvers.noise import clean
from twin.ledger.settings import AccountingSettings
from twin.statistics import (
    FLOWS,
    AnnualStatistics,
    annual_statistics,
    flow,
    fuel_name,
    fuel_variables,
    renewable_share_tce,
    share,
    step_weights,
)

#: Units of the annual account keys, by suffix.
_UNIT_BY_SUFFIX = (
    ("_kgco2_per_kwh", "kgCO2/kWh"),
    ("_tco2_per_tce", "tCO2/tce"),
    ("_kwh_per_kwp", "kWh/kWp"),
    ("_kwh", "kWh"),
    ("_mwh", "MWh"),
    ("_kwp", "kWp"),
    ("_kw", "kW"),
    ("_tce", "tce"),
    ("_t", "tCO2"),
    ("_share", "1"),
    ("_h", "h"),
)


def unit_of(key: str) -> str:
    """Unit of an annual account key, from its suffix (``co2_net_t`` → ``tCO2``)."""
    for suffix, unit in _UNIT_BY_SUFFIX:
        if key.endswith(suffix):
            return unit
    return "1"


def total_size(sizes: Mapping[str, Any] | None, name: str) -> float:
    """Total installed size over assets (scalar, mapping or DataArray); 0 when absent."""
    if not sizes or name not in sizes or sizes[name] is None:
        return 0.0
    v = sizes[name]
    if isinstance(v, Mapping):
        return float(sum(float(x) for x in v.values()))
    return float(np.sum(np.asarray(v, dtype=float)))


def electric_boiler_size(sizes: Mapping[str, Any] | None, ds: xr.Dataset) -> float:
    """Installed electric boiler heat capacity [kW]: the boilers of ``sizes["boiler_kw"]``
    whose ``boiler_fuel`` in the dispatch is electric (or a legacy ``electric_boiler_kw``)."""
    if sizes and "boiler_kw" in sizes and "boiler_fuel" in ds.coords:
        fuel = dict(zip(ds["boiler"].values.tolist(), ds["boiler_fuel"].values.tolist()))
        return float(sum(float(v) for k, v in sizes["boiler_kw"].items() if fuel.get(k) == "electric"))
    return total_size(sizes, "electric_boiler_kw")


@dataclass
class Accounts:
    """Annual and hourly accounts of one case (``baseline`` or ``planned``).

    Attributes
    ----------
    case : str
    annual : dict[str, float]
        Annual totals; the unit follows from the key suffix (:func:`unit_of`).
    hourly : xarray.Dataset
        Hourly flows [kW] and hourly emissions [kgCO2 per step-hour].
    fuels : dict[str, float]
        Fuel energy by fuel key [kWh/yr, net calorific].
    statistics : twin.statistics.AnnualStatistics or None
        The annual energies the accounts were built from (also behind summary.json's
        ``energy_mwh`` and ``pv_share_of_electricity``).
    """

    case: str
    annual: dict[str, float]
    hourly: xr.Dataset
    fuels: dict[str, float] = field(default_factory=dict)
    statistics: AnnualStatistics | None = field(default=None, repr=False)


def _accounts(
    ds: xr.Dataset,
    settings: AccountingSettings,
    *,
    case: str,
    sizes: Mapping[str, Any] | None,
    waste_heat: xr.Dataset | None,
    step_weight_h,
    credits: bool,
    evidence: list[dict],
) -> Accounts:
    w = step_weights(ds, step_weight_h)
    ann: dict[str, float] = {}

    def tot(da: xr.DataArray) -> float:
        return float((da * w).sum())

    def ev(q: str, formula: str, source: str) -> None:
        evidence.append(
            {"case": case, "quantity": q, "value": ann[q], "unit": unit_of(q), "formula": formula, "source": source}
        )

    # --- electricity and heat: annual energies from twin.statistics (computed once) ------
    stats = annual_statistics(ds, w)
    imp, exp = flow(ds, "p_grid_import_kw"), flow(ds, "p_grid_export_kw")
    ef = ds["ef_grid_kgco2_per_kwh"].astype(float) if "ef_grid_kgco2_per_kwh" in ds else None
    if ef is None and stats.energy_kwh["e_grid_import_kwh"] > 0:
        raise ValueError(f"{case} dispatch imports electricity but has no ef_grid_kgco2_per_kwh")
    if ef is None:
        ef = xr.zeros_like(imp)
    e = stats.energy_kwh
    for f in FLOWS:
        ann[f.key] = e[f.key]
        parts = f.var.split("+")
        ev(f.key, f"Σ_t {f.var if len(parts) == 1 else '(' + ' + '.join(parts) + ')'}·Δt_t", ", ".join(parts))
    for key, formula, src in (
        ("e_pv_self_consumed_kwh", "Σ_t (p_pv_kw − PV exported_t)·Δt_t", "p_pv_kw, p_grid_export_kw"),
        ("e_pv_exported_kwh", "Σ_t PV exported_t·Δt_t: export from PV first, then from storage at the PV "
         "fraction of the stored energy (battery tracked as one store, V2G by the fleet's charging over a day)",
         "p_pv_kw, p_grid_export_kw, p_battery_charge_kw, p_battery_discharge_kw, p_ev_charge_kw, "
         "p_ev_discharge_kw"),
        ("e_grid_reexported_kwh", "Σ_t (p_grid_export_kw − PV exported_t)·Δt_t: grid electricity stored and "
         "exported again", "p_grid_export_kw"),
    ):
        ann[key] = e[key]
        ev(key, formula, src)
    ann["e_pv_available_kwh"] = e["e_pv_available_kwh"]
    ann["e_battery_losses_kwh"] = e["e_battery_losses_kwh"]
    ev("e_battery_losses_kwh", "charge − discharge (cyclic state of charge assumed)", "p_battery_charge_kw, p_battery_discharge_kw")
    ann["e_electricity_consumption_kwh"] = e["e_electricity_consumption_kwh"]
    ev("e_electricity_consumption_kwh", "import + PV generated − export", "p_grid_import_kw, p_pv_kw, p_grid_export_kw")
    ann["pv_share_of_electricity"] = stats.pv_share_of_electricity
    ev("pv_share_of_electricity", "PV self-consumed / electricity consumption (kWh/kWh; not the tce-based "
       "renewable_share)", "e_pv_self_consumed_kwh, e_electricity_consumption_kwh")

    # --- heat ------------------------------------------------------------------------
    wh_direct = flow(ds, "q_waste_heat_direct_kw")
    wh_hp = flow(ds, "q_waste_heat_source_kw")
    ann["q_waste_heat_used_kwh"] = e["q_waste_heat_used_kwh"]
    ev("q_waste_heat_used_kwh", "direct + heat-pump source", "q_waste_heat_direct_kw, q_waste_heat_source_kw")
    wh_src = waste_heat if waste_heat is not None and "q_waste_heat_available_kw" in waste_heat else ds
    if "q_waste_heat_available_kw" in wh_src:
        avail = flow(wh_src, "q_waste_heat_available_kw")
        if "time" in avail.dims and avail.sizes["time"] == w.sizes["time"]:
            ann["q_waste_heat_available_kwh"] = float((avail.values * w.values).sum())
        else:
            raise ValueError("q_waste_heat_available_kw must be on the dispatch's time axis")
    else:
        ann["q_waste_heat_available_kwh"] = 0.0
    ev("q_waste_heat_available_kwh", "Σ_t Σ_source q_waste_heat_available_kw·Δt_t", "q_waste_heat_available_kw")
    # heat delivered from waste heat: direct use plus the waste-heat part of heat-pump output
    ann["q_heat_from_waste_heat_kwh"] = ann["q_waste_heat_direct_kwh"] + ann["q_waste_heat_to_heat_pump_kwh"]

    # --- fuels -------------------------------------------------------------------------
    fuels: dict[str, float] = {}
    co2_fuel_hourly = xr.zeros_like(imp)
    for name in fuel_variables(ds):
        fkey = fuel_name(name)
        ff = fuel_factor(fkey)
        da = flow(ds, name)
        fuels[ff.fuel] = fuels.get(ff.fuel, 0.0) + stats.fuels_kwh[fkey]
        co2_fuel_hourly = co2_fuel_hourly + da * ff.co2_kg_per_kwh
        k = f"fuel_{ff.fuel}_kwh"
        ann[k] = fuels[ff.fuel]
        ev(k, f"Σ_t {name}·Δt_t", str(name))
        ann[f"co2_fuel_{ff.fuel}_t"] = fuels[ff.fuel] * ff.co2_kg_per_kwh / 1000.0
        ev(f"co2_fuel_{ff.fuel}_t", f"E·{ff.co2_kg_per_tj:g} kgCO2/TJ·3.6e-6 TJ/kWh/1000 ({ff.co2_source})", str(name))
    ann["fuel_total_kwh"] = float(sum(fuels.values()))

    # --- tce ---------------------------------------------------------------------------
    k_el = settings.electricity_kgce_per_kwh / 1000.0  # tce/kWh
    ann["tce_electricity_tce"] = ann["e_electricity_consumption_kwh"] * k_el
    ev("tce_electricity_tce", f"electricity consumption × {settings.electricity_kgce_per_kwh} kgce/kWh "
       f"({settings.electricity_tce_basis})", "e_electricity_consumption_kwh")
    ann["tce_fuels_tce"] = float(kwh_to_tce(ann["fuel_total_kwh"]))
    ev("tce_fuels_tce", "fuel kWh·3.6/29.3076/1000 (GB/T 2589-2020, 1 kgce = 29.3076 MJ)", "fuel_*_kw")
    ann["tce_heat_import_tce"] = float(kwh_to_tce(ann["q_heat_import_kwh"]))
    ev("tce_heat_import_tce", "bought heat kWh·3.6/29.3076/1000 (当量值)", "q_heat_import_kw")
    ann["tce_total_tce"] = ann["tce_electricity_tce"] + ann["tce_fuels_tce"] + ann["tce_heat_import_tce"]
    ev("tce_total_tce", "electricity + fuels + bought heat; recovered waste heat is not added again "
       "(its energy is already counted within the boundary)", "tce_*")
    ann["tce_pv_self_consumed_tce"] = ann["e_pv_self_consumed_kwh"] * k_el

    # --- CO2 ---------------------------------------------------------------------------
    co2_imp_h = imp * ef
    co2_exp_h = exp * ef
    ann["co2_grid_import_t"] = tot(co2_imp_h) / 1000.0
    ev("co2_grid_import_t", "Σ_t p_grid_import_kw·ef_grid_kgco2_per_kwh·Δt_t/1000", "p_grid_import_kw, ef_grid_kgco2_per_kwh")
    ann["ef_grid_import_weighted_kgco2_per_kwh"] = (
        ann["co2_grid_import_t"] * 1000.0 / ann["e_grid_import_kwh"] if ann["e_grid_import_kwh"] > 0 else float(ef.mean())
    )
    ann["co2_export_at_grid_factor_t"] = tot(co2_exp_h) / 1000.0
    ann["co2_fuels_t"] = tot(co2_fuel_hourly) / 1000.0
    ann["co2_heat_import_t"] = ann["q_heat_import_kwh"] * MJ_PER_KWH / 1000.0 * settings.heat_ef_tco2_per_gj
    ev("co2_heat_import_t", f"bought heat GJ × {settings.heat_ef_tco2_per_gj} tCO2/GJ", "q_heat_import_kw")
    ann["co2_process_t"] = float(sum(settings.process_emissions_t.values()))
    ev("co2_process_t", "declared industrial-process CO2 (910号 annex 4 E工业过程): " + (
        "; ".join(f"{n} {v:,.6g} t" for n, v in settings.process_emissions_t.items()) or "none declared"),
       "process_emissions")
    ann["co2_gross_t"] = (ann["co2_grid_import_t"] + ann["co2_fuels_t"] + ann["co2_heat_import_t"]
                          + ann["co2_process_t"])
    ev("co2_gross_t", "grid import + fuels + bought heat + industrial processes",
       "co2_grid_import_t, co2_fuel_*_t, co2_heat_import_t, co2_process_t")

    if settings.export_credit == "net_at_grid_factor":
        credit = min(ann["co2_export_at_grid_factor_t"], ann["co2_grid_import_t"])
    else:
        credit = 0.0
    ann["co2_export_credit_t"] = credit
    ann["co2_export_surplus_t"] = (
        ann["co2_export_at_grid_factor_t"] - credit if settings.export_credit == "net_at_grid_factor" else 0.0
    )
    ev("co2_export_credit_t", f"rule {settings.export_credit!r}: min(Σ export·ef, grid-import CO2) or 0", "p_grid_export_kw")
    co2_el_left = ann["co2_grid_import_t"] - credit

    # green power, then certificates, capped at the import and the electricity CO2 left
    gp = settings.green_power_mwh * 1000.0 if credits else 0.0
    gc = settings.green_certificates_mwh * 1000.0 if credits else 0.0
    ef_w = ann["ef_grid_import_weighted_kgco2_per_kwh"] / 1000.0  # tCO2/kWh
    cap_kwh = min(ann["e_grid_import_kwh"], co2_el_left / ef_w if ef_w > 0 else 0.0)
    gp_used = min(gp, cap_kwh)
    gc_used = min(gc, cap_kwh - gp_used)
    ann["green_power_credited_mwh"] = gp_used / 1000.0
    ann["green_power_unused_mwh"] = (gp - gp_used) / 1000.0
    ann["green_certificates_credited_mwh"] = gc_used / 1000.0
    ann["green_certificates_unused_mwh"] = (gc - gc_used) / 1000.0
    ann["co2_green_power_credit_t"] = gp_used * ef_w
    ann["co2_green_certificate_credit_t"] = gc_used * ef_w
    ev("co2_green_power_credit_t", "min(green power, import) × import-weighted grid factor", "settings.green_power_mwh")
    ev("co2_green_certificate_credit_t", "min(certificates, import − green power) × import-weighted grid factor",
       "settings.green_certificates_mwh")
    # differences of the solver's figures within its tolerance of the gross are 0 (solvers.noise)
    ann["co2_after_internal_t"] = clean(
        ann["co2_gross_t"] - credit - ann["co2_green_power_credit_t"] - ann["co2_green_certificate_credit_t"],
        ann["co2_gross_t"])
    ev("co2_after_internal_t", "gross − export credit − green power − certificates", "co2_*_t")

    off = settings.offsets_tco2 if credits else 0.0
    left = max(ann["co2_after_internal_t"], 0.0)
    basis = ann["co2_gross_t"] if settings.offsets_cap_basis == "gross" else left
    off_cap = min(settings.offsets_max_share * max(basis, 0.0), left)
    ann["offsets_cap_t"] = off_cap
    ann["offsets_used_t"] = min(off, off_cap)
    ann["offsets_unused_t"] = clean(off - ann["offsets_used_t"], ann["co2_gross_t"])
    ev("offsets_cap_t", f"min({settings.offsets_max_share} × "
       f"{'gross emissions' if settings.offsets_cap_basis == 'gross' else 'emissions after internal abatement'}, "
       "emissions after internal abatement)", "settings.offsets_max_share, settings.offsets_cap_basis")
    ev("offsets_used_t", "min(offsets retired, offsets cap)", "settings.offsets_tco2")
    ann["co2_net_t"] = clean(ann["co2_after_internal_t"] - ann["offsets_used_t"], ann["co2_gross_t"])
    ev("co2_net_t", "after internal abatement − offsets used", "co2_after_internal_t, offsets_used_t")

    # --- indicators --------------------------------------------------------------------
    tce = ann["tce_total_tce"]
    loc_co2 = ann["co2_gross_t"] - credit
    if settings.green_credits_in_core_indicator:
        loc_co2 -= ann["co2_green_power_credit_t"] + ann["co2_green_certificate_credit_t"]
    ann["co2_location_t"] = loc_co2 = clean(loc_co2, ann["co2_gross_t"])
    ev("co2_location_t", "gross − export credit" + (" − green power − certificates (at the grid factor)"
       if settings.green_credits_in_core_indicator else ""), "co2_gross_t, co2_*_credit_t")
    ann["carbon_intensity_location_tco2_per_tce"] = loc_co2 / tce if tce > 0 else float("nan")
    ev("carbon_intensity_location_tco2_per_tce", "location-based CO2 (before offsets) / total energy consumption",
       "co2_location_t, tce_total_tce")
    acc = acceptance_emissions(ann["e_grid_import_kwh"], gp, gc, settings)
    ann.update(acc)
    ann["co2_acceptance_t"] = (acc["co2_acceptance_grid_t"] + ann["co2_fuels_t"] + ann["co2_heat_import_t"]
                               + ann["co2_process_t"])
    ev("co2_acceptance_grid_t", f"(import − green power − certificates) × {settings.acceptance_factor_kgco2_per_kwh} "
       f"+ certificates × {settings.acceptance_certificate_factor_kgco2_per_kwh} kgCO2/kWh / 1000 "
       f"({settings.acceptance_factor_label}; certificates: {settings.acceptance_green_certificates})",
       "e_grid_import_kwh, settings.green_power_mwh, settings.green_certificates_mwh")
    ev("co2_acceptance_t", "acceptance-basis grid electricity + fuels + bought heat + industrial processes "
       "(910号 annex 4 as reported)", "co2_acceptance_grid_t, co2_fuels_t, co2_heat_import_t, co2_process_t")
    ann["carbon_intensity_acceptance_tco2_per_tce"] = ann["co2_acceptance_t"] / tce if tce > 0 else float("nan")
    ev("carbon_intensity_acceptance_tco2_per_tce", "acceptance-basis CO2 / total energy consumption",
       "co2_acceptance_t, tce_total_tce")
    core_co2 = ann["co2_acceptance_t"] if settings.core_indicator_basis == "acceptance" else loc_co2
    ann["co2_core_indicator_t"] = core_co2
    ann["carbon_intensity_tco2_per_tce"] = core_co2 / tce if tce > 0 else float("nan")
    ev("carbon_intensity_tco2_per_tce", f"910号 core indicator on the {settings.core_indicator_basis} basis: "
       "CO2 (before offsets) / total energy consumption", "co2_core_indicator_t, tce_total_tce")
    green_kwh = gp_used + gc_used
    ann["green_electricity_credited_kwh"] = green_kwh
    # the shares count electricity used in the park: grid electricity stored and exported
    # again is not used, so green power and certificates count up to the grid electricity used
    grid_used_kwh = max(ann["e_grid_import_kwh"] - ann["e_grid_reexported_kwh"], 0.0)
    green_used_kwh = min(green_kwh, grid_used_kwh)
    ann["green_electricity_in_shares_kwh"] = green_used_kwh
    ev("green_electricity_in_shares_kwh", "min(green power + certificates credited, grid import − grid "
       "electricity exported again)", "green_electricity_credited_kwh, e_grid_reexported_kwh")
    re_tce, ann["renewable_share"] = renewable_share_tce(ann["e_pv_self_consumed_kwh"], green_used_kwh,
                                                         settings.electricity_kgce_per_kwh, tce)
    ann["tce_renewable_tce"] = re_tce
    ev("renewable_share", "(PV self-consumed + green power and certificates within the grid electricity used) "
       "× basis / total tce", "e_pv_self_consumed_kwh, green_electricity_in_shares_kwh, tce_total_tce")
    ann["onsite_renewable_share"] = share(ann["tce_pv_self_consumed_tce"], tce)
    ev("onsite_renewable_share", "PV self-consumed × basis / total tce", "e_pv_self_consumed_kwh, tce_total_tce")
    # grid electricity used in the park and not covered by green power or certificates
    grid_rest_kwh = max(grid_used_kwh - green_used_kwh, 0.0)
    clean_tce = re_tce + grid_rest_kwh * settings.grid_clean_share * k_el
    # certificates within the shares (green power counts first): ordinary grid electricity here
    # unless settings.certificates_in_clean_share
    certs_in_shares_kwh = max(green_used_kwh - min(gp_used, grid_used_kwh), 0.0)
    ann["green_certificates_in_clean_share_kwh"] = certs_in_shares_kwh if settings.certificates_in_clean_share else 0.0
    if not settings.certificates_in_clean_share:
        clean_tce -= certs_in_shares_kwh * (1.0 - settings.grid_clean_share) * k_el
    if settings.natural_gas_is_clean:
        clean_tce += float(kwh_to_tce(fuels.get("natural_gas", 0.0)))
    ann["tce_clean_tce"] = clean_tce
    ann["clean_energy_share"] = share(clean_tce, tce)
    ev("clean_energy_share", "(renewables + grid_clean_share × grid electricity used not green + gas if counted) / total tce"
       + ("" if settings.certificates_in_clean_share else "; certificates count as grid electricity "
          "(certificates_in_clean_share false)"), "tce_renewable_tce, settings")
    avail = ann["q_waste_heat_available_kwh"]
    ann["waste_heat_utilisation_share"] = ann["q_waste_heat_used_kwh"] / avail if avail > 0 else float("nan")
    ev("waste_heat_utilisation_share", "waste heat used / recoverable", "q_waste_heat_used_kwh, q_waste_heat_available_kwh")
    hd = ann["q_heat_demand_kwh"]
    ann["waste_heat_heat_share"] = ann["q_heat_from_waste_heat_kwh"] / hd if hd > 0 else float("nan")

    # --- sizes and capability ----------------------------------------------------------
    pv_kwp = total_size(sizes, "pv_kwp")
    ann["pv_kwp"] = pv_kwp
    ann["pv_specific_yield_kwh_per_kwp"] = ann["e_pv_available_kwh"] / pv_kwp if pv_kwp > 0 else float("nan")
    ann["battery_kwh"] = total_size(sizes, "battery_kwh")
    ann["battery_kw"] = total_size(sizes, "battery_kw")
    ann["tes_kwh"] = total_size(sizes, "tes_kwh")
    ann["heat_pump_kw"] = total_size(sizes, "heat_pump_kw")
    ann["electric_boiler_kw"] = electric_boiler_size(sizes, ds)
    demand = stats.hourly["p_electric_demand_kw"]
    pv_self, pv_exp = stats.hourly["p_pv_self_consumed_kw"], stats.hourly["p_pv_exported_kw"]
    ann["peak_electric_demand_kw"] = stats.peak_electric_demand_kw
    ann["v2g_peak_kw"] = stats.v2g_peak_kw

    hourly = xr.Dataset(
        {
            "p_grid_import_kw": imp, "p_grid_export_kw": exp, "p_pv_self_consumed_kw": pv_self,
            "p_pv_exported_kw": pv_exp, "p_electric_demand_kw": demand,
            "q_waste_heat_used_kw": wh_direct + wh_hp,
            "co2_grid_import_kg": co2_imp_h, "co2_fuels_kg": co2_fuel_hourly,
            "weight_h": w,
        }
    )
    units = {"co2_grid_import_kg": "kgCO2 per hour of the step", "co2_fuels_kg": "kgCO2 per hour of the step", "weight_h": "h"}
    for v in hourly.data_vars:
        hourly[v].attrs.update(units=units.get(v, "kW"), long_name=v.replace("_", " "))
    return Accounts(case=case, annual=ann, hourly=hourly, fuels=fuels, statistics=stats)


def acceptance_emissions(import_kwh: float, green_power_kwh: float, certificates_kwh: float, settings) -> dict:
    """Grid electricity CO2 on the 910号 acceptance basis (annex 4 as reported).

    Purchased electricity at the national fossil-power factor ``f``; green power (direct
    supply or 绿电交易) at zero; certificate-covered electricity at ``f_c`` (the
    ``acceptance_green_certificates`` switch)::

        G = min(green power, import),  C = min(certificates, import − G)
        E = ((import − G − C)·f + C·f_c) / 1000

    Parameters
    ----------
    import_kwh : float
        Grid electricity imported in the year [kWh].
    green_power_kwh, certificates_kwh : float
        Green power bought and certificates surrendered [kWh].
    settings : AccountingSettings

    Returns
    -------
    dict
        ``co2_acceptance_grid_t`` [tCO2], ``acceptance_green_power_kwh``,
        ``acceptance_certificates_kwh`` [kWh] and ``ef_acceptance_kgco2_per_kwh``.
    """
    g = min(max(green_power_kwh, 0.0), import_kwh)
    c = min(max(certificates_kwh, 0.0), import_kwh - g)
    f = settings.acceptance_factor_kgco2_per_kwh
    fc = settings.acceptance_certificate_factor_kgco2_per_kwh
    return {
        "co2_acceptance_grid_t": ((import_kwh - g - c) * f + c * fc) / 1000.0,
        "acceptance_green_power_kwh": g,
        "acceptance_certificates_kwh": c,
        "ef_acceptance_kgco2_per_kwh": f,
    }


#: Quantities shown as "from X to Y" in the baseline–planned comparison.
COMPARED = (
    "tce_total_tce", "co2_gross_t", "co2_process_t", "co2_after_internal_t", "co2_net_t", "carbon_intensity_tco2_per_tce",
    "carbon_intensity_location_tco2_per_tce", "carbon_intensity_acceptance_tco2_per_tce",
    "e_grid_import_kwh", "e_electricity_consumption_kwh", "fuel_total_kwh", "renewable_share",
    "clean_energy_share", "q_waste_heat_used_kwh",
)


@dataclass
class Ledger:
    """Energy and carbon ledger of a park (planned case, optional baseline).

    Attributes
    ----------
    planned, baseline : Accounts
    settings : AccountingSettings
    evidence : list of dict
        Rows ``{case, quantity, value, unit, formula, source}``.
    """

    planned: Accounts
    baseline: Accounts | None
    settings: AccountingSettings
    evidence: list[dict]

    def comparison(self) -> list[dict]:
        """Baseline → planned for the headline quantities (``from`` X ``to`` Y)."""
        rows = []
        for q in COMPARED:
            y = self.planned.annual.get(q)
            x = self.baseline.annual.get(q) if self.baseline is not None else None
            ch = (y - x) if (x is not None and y is not None) else None
            pct = (ch / x) if (ch is not None and x not in (0, None) and np.isfinite(x)) else None
            rows.append({"quantity": q, "unit": unit_of(q), "from": x, "to": y, "change": ch, "change_share": pct})
        return rows

    @property
    def internal_abatement_t(self) -> float | None:
        """Baseline gross CO2 − planned gross CO2 (physical measures only) [tCO2]."""
        if self.baseline is None:
            return None
        return self.baseline.annual["co2_gross_t"] - self.planned.annual["co2_gross_t"]

    def to_dataset(self) -> xr.Dataset:
        """Annual accounts on dim ``case`` and hourly accounts on (``case``, ``time``), with units."""
        cases = [a for a in (self.baseline, self.planned) if a is not None]
        names = [a.case for a in cases]
        keys = sorted(set().union(*(a.annual for a in cases)))
        out = xr.Dataset(coords={"case": names})
        for k in keys:
            vals = [a.annual.get(k, np.nan) for a in cases]
            out[f"annual_{k}"] = xr.DataArray(np.asarray(vals, dtype=float), dims="case",
                                             attrs={"units": unit_of(k), "long_name": k.replace("_", " ")})
        hourly = xr.concat([a.hourly for a in cases], dim="case", coords="minimal", compat="override",
                           join="override").assign_coords(case=names)
        for v in hourly.data_vars:
            out[f"hourly_{v}"] = hourly[v]
        out.attrs.update(
            electricity_tce_basis=self.settings.electricity_tce_basis,
            electricity_kgce_per_kwh=self.settings.electricity_kgce_per_kwh,
            export_credit=self.settings.export_credit,
            core_indicator_basis=self.settings.core_indicator_basis,
            acceptance_grid_factor=self.settings.acceptance_factor_label,
            electricity_tce_basis_label=self.settings.electricity_tce_basis_label,
        )
        return out

    def to_dict(self) -> dict:
        """JSON-safe summary.

        Keys: ``settings`` (the AccountingSettings), ``open_parameters``, ``annual``
        (``{case: {key: value}}``), ``units`` (``{key: unit}``), ``fuels_kwh``
        (``{case: {fuel: kWh}}``), ``comparison`` (rows of :meth:`comparison`),
        ``internal_abatement_t``, ``evidence`` (rows).
        """
        cases = [a for a in (self.baseline, self.planned) if a is not None]
        keys = sorted(set().union(*(a.annual for a in cases)))
        return json_safe(
            {
                "settings": self.settings.model_dump(),
                "open_parameters": self.settings.open_parameters(),
                "annual": {a.case: dict(a.annual) for a in cases},
                "units": {k: unit_of(k) for k in keys},
                "fuels_kwh": {a.case: dict(a.fuels) for a in cases},
                "comparison": self.comparison(),
                "internal_abatement_t": self.internal_abatement_t,
                "evidence": self.evidence,
            }
        )


def build_ledger(
    planned: xr.Dataset,
    baseline: xr.Dataset | None,
    settings: AccountingSettings | None = None,
    *,
    sizes: Mapping[str, Any] | None = None,
    baseline_sizes: Mapping[str, Any] | None = None,
    waste_heat: xr.Dataset | None = None,
    step_weight_h: float | np.ndarray | None = None,
) -> Ledger:
    """Build the energy and carbon ledger of the planned park and its baseline.

    Parameters
    ----------
    planned : xarray.Dataset
        Hourly dispatch of the optimised park, variables named as in docs/architecture.md
        (missing variable = technology absent). Needs ``ef_grid_kgco2_per_kwh`` when it
        imports electricity. Any ``fuel_<name>_kw`` [kW, net calorific] is a fuel input
        (``gas`` → natural gas); optional ``q_heat_import_kw`` is heat bought from outside.
    baseline : xarray.Dataset or None
        Same park without the planned measures. ``None`` → no baseline comparison.
    settings : AccountingSettings, optional
        Accounting rules; defaults to ``AccountingSettings()``.
    sizes, baseline_sizes : mapping, optional
        Installed sizes (``pv_kwp``, ``battery_kwh``, ``battery_kw``, ``tes_kwh``,
        ``heat_pump_kw``, ``electric_boiler_kw``), scalars or per-asset mappings/arrays.
    waste_heat : xarray.Dataset, optional
        ``q_waste_heat_available_kw(waste_heat, time)`` [kW] and
        ``waste_heat_temperature_c(waste_heat)`` [°C]; looked up in ``planned`` if absent.
    step_weight_h : float or array, optional
        Hours each step stands for in the annual totals [h]; default 1 h per step (or
        the dispatch's ``weight_h``).

    Returns
    -------
    Ledger
    """
    settings = settings or AccountingSettings()
    evidence: list[dict] = []
    p = _accounts(planned, settings, case="planned", sizes=sizes, waste_heat=waste_heat,
                  step_weight_h=step_weight_h, credits=True, evidence=evidence)
    b = None
    if baseline is not None:
        b = _accounts(baseline, settings, case="baseline", sizes=baseline_sizes, waste_heat=waste_heat,
                      step_weight_h=step_weight_h, credits=False, evidence=evidence)
    return Ledger(planned=p, baseline=b, settings=settings, evidence=evidence)


__all__ = ["Accounts", "Ledger", "acceptance_emissions", "build_ledger", "flow", "total_size", "unit_of"]
