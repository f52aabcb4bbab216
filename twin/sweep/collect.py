"""Gather a sweep's case records into one dataset and compute the sweep's statistics.

``sweep_dataset(cases, records)`` → ``xarray.Dataset`` with dimension ``case`` (every case
of the sweep, finished or not): ``status`` (ok / failed / missing), ``error``, the swept
values (``param__<dotted path>``, attr ``path``), the headline numbers (units in the names
and attrs), one ``size__<asset>`` variable per asset size and, for a sweep that operates
its cases (``operate``), the operated numbers ``op_<controller>_<name>`` (:data:`OP_METRICS`).

``sweep_statistics(ds)`` → P10/P50/P90 of cost and emissions over the successful cases,
the probability of meeting the 910号 core indicator, and the robust assets (new capacity
above today's park built in at least 90 % of the successful cases).
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from twin.sweep.cases import Case

#: Record key -> (units, long name) of the per-case numbers.
METRICS = {
    "annualised_cost_cny": ("CNY/yr", "annualised cost of the plan"),
    "capex_cny": ("CNY", "overnight investment in new assets"),
    "baseline_cost_cny": ("CNY/yr", "annualised cost of keeping today's park"),
    "npv_cny": ("CNY", "net present value of the investment against today's park"),
    "irr": ("1", "internal rate of return"),
    "simple_payback_years": ("yr", "simple payback"),
    "lcoe_cny_per_mwh": ("CNY/MWh", "levelised cost of electricity"),
    "lcoh_cny_per_mwh": ("CNY/MWh", "levelised cost of heat"),
    "baseline_tco2": ("tCO2/yr", "emissions of today's park"),
    "gross_tco2": ("tCO2/yr", "gross emissions of the plan"),
    "process_tco2": ("tCO2/yr", "declared industrial-process CO2, in the gross (process_emissions)"),
    "residual_tco2": ("tCO2/yr", "residual emissions before offsets (location basis)"),
    "offsets_tco2": ("tCO2/yr", "offsets bought"),
    "net_tco2": ("tCO2/yr", "net emissions"),
    "acceptance_tco2": ("tCO2/yr", "emissions before offsets, 910 acceptance basis"),
    "core_tco2_per_tce": ("tCO2/tce", "910 core indicator (scorecard basis)"),
    "core_threshold_tco2_per_tce": ("tCO2/tce", "910 core indicator threshold of the park's tier"),
    "pv_share": ("1", "PV share of electricity used"),
    "renewable_share": ("1", "renewable share of energy (tce)"),
    "clean_share": ("1", "clean-energy share of consumption"),
    "grid_import_mwh": ("MWh/yr", "grid electricity bought"),
    "grid_energy_cost_cny": ("CNY/yr", ("energy charges of the grid electricity bought (each hour at its "
                                        "season's time-of-use price)")),
    "district_heat_mwh": ("MWh/yr", "district heat bought (NaN where no building buys it)"),
    "district_heat_cost_cny": ("CNY/yr", ("district heat bill of the plan (NaN where no building buys it or no "
                                          "price is given: cost not included)")),
    "annual_ghi_kwh_m2": ("kWh/m2", "annual GHI of the case's typical year"),
    "annual_mean_temperature_c": ("degC", "annual mean air temperature of the case's typical year"),
    "weather_ghi_uncertainty": ("1", "expected uncertainty of that annual GHI (95 % of stations left "
                                     "out; NaN for a weather file)"),
    "weather_temperature_uncertainty_k": ("K", "expected uncertainty of that annual mean temperature "
                                               "(a site between stations; else NaN)"),
    "solve_time_s": ("s", "HiGHS solve time"),
    "seconds": ("s", "wall time of the case on its worker"),
}
#: Controllers a sweep may operate its cases with (``operate`` in the sweep file).
CONTROLLERS = {"rule": "rule-based controller", "mpc": "rolling-horizon (MPC) controller"}
#: Operated numbers of each case per controller: ``op_<controller>_<name>`` -> (units, long
#: name); the gaps are the controller's minus the plan's perfect-foresight optimum.
OP_METRICS = {
    "annualised_cost_cny": ("CNY/yr", "annualised cost of the plan operated by the {c}"),
    "cost_gap_cny": ("CNY/yr", "operational cost gap: {c} minus the perfect-foresight optimum"),
    "cost_gap_pct": ("%", "operational cost gap in % of the optimum's cost ({c})"),
    "emissions_gap_tco2": ("tCO2/yr", "operational gap of gross emissions ({c} minus optimum)"),
    "offsets_gap_tco2": ("tCO2/yr", "operational gap of offsets needed to reach the plan's net emissions ({c})"),
    "peak_gap_kw": ("kW", "operational gap of the highest monthly peak ({c})"),
    "ev_not_delivered_gap_mwh": ("MWh/yr", "operational gap of EV energy not delivered ({c})"),
    "unserved_electricity_mwh": ("MWh/yr", "electricity the {c} could not serve"),
    "unserved_heat_mwh": ("MWh/yr", "heat the {c} could not serve"),
    "unserved_cooling_mwh": ("MWh/yr", "cooling the {c} could not serve"),
}


def op_record(operation: dict | None, seconds: float | None = None) -> dict:
    """``op_<controller>_<name>`` numbers of one case from its summary's ``operation``
    section (:data:`OP_METRICS`); empty when the case was not operated."""
    if not operation:
        return {}
    out: dict = {"op_seconds": seconds}
    for c in operation.get("controllers", []):
        g, m = operation.get("gap", {}).get(c, {}), operation.get(c, {})
        unserved = m.get("unserved_mwh", {})
        vals = {"annualised_cost_cny": m.get("annualised_cost_cny"), "cost_gap_cny": g.get("annualised_cost_cny"),
                "cost_gap_pct": g.get("annualised_cost_pct"), "emissions_gap_tco2": g.get("gross_emissions_tco2"),
                "offsets_gap_tco2": g.get("offsets_needed_tco2"), "peak_gap_kw": g.get("max_monthly_peak_kw"),
                "ev_not_delivered_gap_mwh": g.get("ev_energy_not_delivered_mwh"),
                "unserved_electricity_mwh": unserved.get("electricity"), "unserved_heat_mwh": unserved.get("heat"),
                "unserved_cooling_mwh": unserved.get("cooling")}
        out.update({f"op_{c}_{k}": v for k, v in vals.items()})
    return out


def op_variables(records: list[dict]) -> dict[str, tuple[str, str]]:
    """Variable name -> (units, long name) of the operated numbers the records hold."""
    keys = {k for r in records for k in r if k.startswith("op_")}
    out = {}
    for c, cname in CONTROLLERS.items():
        for name, (unit, long) in OP_METRICS.items():
            if f"op_{c}_{name}" in keys:
                out[f"op_{c}_{name}"] = (unit, long.format(c=cname))
    if "op_seconds" in keys:
        out["op_seconds"] = ("s", "wall time of the operation stage of the case")
    return out


#: A size at or below this counts as not built [kWp, kWh, kW, 1].
BUILT_TOL = 1e-3
#: An asset is robust when built in at least this share of the successful cases.
ROBUST_SHARE = 0.9


def _var(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", path).strip("_")


def sweep_dataset(cases: list[Case], records: list[dict], attrs: dict | None = None) -> xr.Dataset:
    """One dataset of every case of the sweep (module doc)."""
    by_id = {r["id"]: r for r in records}
    ids = [c.id for c in cases]
    n = len(cases)
    ds = xr.Dataset(coords={"case": ids})
    ds["case_index"] = ("case", np.array([c.index for c in cases], dtype=int))
    ds["grid_point"] = ("case", np.array([c.grid_point for c in cases], dtype=int))
    ds["sample"] = ("case", np.array([-1 if c.sample is None else c.sample for c in cases], dtype=int))
    ds["sample"].attrs["long_name"] = "Monte Carlo sample (-1: none)"
    ds["status"] = ("case", np.array([by_id.get(i, {}).get("status", "missing") for i in ids], dtype=object))
    ds["error"] = ("case", np.array([by_id.get(i, {}).get("error", "") for i in ids], dtype=object))
    ds["worker"] = ("case", np.array([by_id.get(i, {}).get("worker", "") for i in ids], dtype=object))
    for key, long_name in (("radiation_basis", "radiation basis of the case's weather (tmyx, cswd or file)"),
                           ("temperature_period", "climate period of the case's temperatures (tmyx: recent, "
                                                  "cswd: 1971-2003, tmyx-2009-2023, or file)")):
        ds[key] = ("case", np.array([by_id.get(i, {}).get(key, "") for i in ids], dtype=object))
        ds[key].attrs["long_name"] = long_name
    for path in dict.fromkeys(p for c in cases for p in c.params):
        vals = [c.params.get(path) for c in cases]
        name = "param__" + _var(path)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            ds[name] = ("case", np.asarray(vals, dtype=float))
        else:
            import json

            ds[name] = ("case", np.array([json.dumps(v, ensure_ascii=False) for v in vals], dtype=object))
        ds[name].attrs.update({"path": path, "long_name": f"swept value of {path}"})
    for key, (unit, long) in {**METRICS, **op_variables(records)}.items():
        v = np.full(n, np.nan)
        for i, cid in enumerate(ids):
            x = by_id.get(cid, {}).get(key)
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                v[i] = float(x)
        ds[key] = ("case", v)
        ds[key].attrs.update({"units": unit, "long_name": long})
    for key, long in (("core_met", "910 core indicator met (1) or not (0); NaN: unknown"),
                      ("targets_met", "every stated target met (1) or the case planned for the best reachable "
                                      "value (0, objective.out_of_reach: closest); NaN: no targets")):
        met = np.full(n, np.nan)
        for i, cid in enumerate(ids):
            x = by_id.get(cid, {}).get(key)
            if x is not None:
                met[i] = float(bool(x))
        ds[key] = ("case", met)
        ds[key].attrs.update({"units": "1", "long_name": long})
    from twin.results.units import size_unit

    size_keys = sorted({k for r in records for k in (r.get("sizes") or {})})
    for field, prefix, long in (("sizes", "size__", "optimal size"), ("new_sizes", "new__", "new capacity (above today's)")):
        for k in size_keys:
            v = np.full(n, np.nan)
            for i, cid in enumerate(ids):
                r = by_id.get(cid)
                if r and r.get("status") == "ok":
                    v[i] = float((r.get(field) or r.get("sizes") or {}).get(k, 0.0))
            name = prefix + _var(k)
            ds[name] = ("case", v)
            ds[name].attrs.update({"units": size_unit(k), "long_name": f"{long} {k}", "asset": k})
    ds.attrs.update(attrs or {})
    return ds


def sweep_statistics(ds: xr.Dataset) -> dict:
    """P10/P50/P90, probability of meeting the 910 core indicator and robust assets (module doc)."""
    ok = ds["status"].values == "ok"
    n_ok = int(ok.sum())
    out: dict = {"cases": int(ds.sizes["case"]), "ok": n_ok, "failed": int((ds["status"].values == "failed").sum()),
                 "missing": int((ds["status"].values == "missing").sum()), "percentiles": {}}
    bases = sorted({str(b) for b in ds["radiation_basis"].values[ok] if b})
    out["radiation_bases"] = bases
    out["temperature_periods"] = sorted({str(p) for p in ds["temperature_period"].values[ok] if p})
    ops = [str(k) for k in ds.data_vars if re.match(r"^op_[a-z]+_(cost_gap_cny|cost_gap_pct|emissions_gap_tco2|"
                                                      r"unserved_electricity_mwh)$", str(k))]
    for key in ("annualised_cost_cny", "capex_cny", "npv_cny", "residual_tco2", "acceptance_tco2", "net_tco2",
                "offsets_tco2", "core_tco2_per_tce", "lcoe_cny_per_mwh", "annual_ghi_kwh_m2", *ops):
        v = ds[key].values[ok]
        v = v[np.isfinite(v)]
        if v.size:
            p10, p50, p90 = np.percentile(v, [10, 50, 90])
            out["percentiles"][key] = {"p10": float(p10), "p50": float(p50), "p90": float(p90),
                                       "mean": float(v.mean()), "units": ds[key].attrs["units"], "n": int(v.size)}
    met = ds["core_met"].values[ok]
    known = np.isfinite(met)
    out["core_met_probability"] = float(met[known].mean()) if known.any() else None
    out["core_met_cases_known"] = int(known.sum())
    # cases whose indicator is computed but has no threshold (a park below 910号's first tier, none stated)
    thr = ds["core_threshold_tco2_per_tce"].values[ok] if "core_threshold_tco2_per_tce" in ds else np.full(met.shape, 0.0)
    val = ds["core_tco2_per_tce"].values[ok]
    out["core_not_judged_cases"] = int((np.isfinite(val) & ~np.isfinite(thr.astype(float))).sum())
    if "targets_met" in ds:  # sweeps collected before the column existed have none
        tm = ds["targets_met"].values[ok]
        tm = tm[np.isfinite(tm)]
        out["targets_out_of_reach_cases"] = int((tm == 0).sum())
    assets = []
    for name in ds.data_vars:
        if not str(name).startswith("new__"):
            continue
        v = ds[name].values[ok]
        v = v[np.isfinite(v)]
        if not v.size:
            continue
        share = float((v > BUILT_TOL).mean())
        assets.append({"asset": ds[name].attrs["asset"], "units": ds[name].attrs["units"], "built_share": share,
                       "robust": share >= ROBUST_SHARE, "p10": float(np.percentile(v, 10)),
                       "p50": float(np.percentile(v, 50)), "p90": float(np.percentile(v, 90))})
    out["assets"] = sorted(assets, key=lambda a: -a["built_share"])
    out["robust_assets"] = [a["asset"] for a in out["assets"] if a["robust"]]
    out["robust_rule"] = (f"new capacity above today's park (> {BUILT_TOL}) built in at least {ROBUST_SHARE:.0%} "
                          "of the successful cases")
    return out
