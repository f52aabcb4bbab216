"""Units of the keys in the outputs (sizes, annual energies)."""

from __future__ import annotations

from collections.abc import Mapping


#: Size keys of :attr:`solvers.SizingResult.sizes` that a scenario can declare installed:
#: key -> (scenario list or section, field of the installed size). Read by the report (new vs
#: existing assets) and the pathway (capacity carried into later periods).
EXISTING_SIZE_FIELDS = {
    "pv_kwp": ("pv_arrays", "existing_kwp"),
    "battery_kwh": ("batteries", "existing_kwh"),
    "battery_kw": ("batteries", "existing_kw"),
    "heat_pump_kw": ("heat_pumps", "existing_kw"),
    "tes_kwh": ("thermal_stores", "existing_kwh"),
    "cold_kwh": ("cold_stores", "existing_kwh"),
    "boiler_kw": ("boilers", "existing_kw"),
    "chiller_kw": ("chillers", "existing_kw"),
}


def size_unit(key: str) -> str:
    """Unit of a size key of :attr:`solvers.SizingResult.sizes` (``pv_kwp`` → ``kWp``).

    Works on flattened keys too (``pv_kwp[roof]``).
    """
    if "share" in key:
        return "1"
    if "chargers" in key:
        return "charger"
    if "kwp" in key:
        return "kWp"
    return "kWh" if "kwh" in key else "kW"


def flat_sizes(sizes: Mapping) -> dict[str, float]:
    """Sizes with per-asset mappings flattened to ``name[asset]`` keys [unit of :func:`size_unit`]."""
    out = {}
    for k, v in sizes.items():
        if isinstance(v, Mapping):
            for kk, vv in v.items():
                out[f"{k}[{kk}]"] = float(vv)
        else:
            out[k] = float(v)
    return out


#: Units of the top-level numbers of summary.json.
SUMMARY_UNITS = {
    "energy_mwh": "MWh/yr",
    "waste_heat_direct_by_bus_mwh": "MWh/yr",
    "baseline_energy_mwh": "MWh/yr",
    "emissions_tco2": "tCO2/yr",
    "costs_cny_per_yr": "CNY/yr",
    "annualised_cost_cny": "CNY/yr",
    "baseline_cost_cny": "CNY/yr",
    "capex_cny": "CNY",
    "pv_share_of_electricity": "1",
    "hours": "h",
}

__all__ = ["EXISTING_SIZE_FIELDS", "SUMMARY_UNITS", "flat_sizes", "size_unit"]
