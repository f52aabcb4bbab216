"""A pathway's outputs: the ``pathway`` summary, a dataset with a ``period`` dimension, the files.

Folder layout written by :func:`write_pathway`::

    OUT/summary.json        the pathway section (docs/outputs.md) and each period's headline
    OUT/results.nc          sizes, builds, emissions and costs with dimension ``period``
    OUT/report.html         the pathway report (timeline, capacity, emissions, costs)
    OUT/periods/<year>/     each period's own run outputs (results.nc, summary.json, report.html)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from twin.pathway.runner import PathwayResult

#: Tolerance for "met" of net zero [tCO2/yr per tCO2/yr of baseline].
NET_ZERO_TOLERANCE = 1e-3


def _core(run) -> dict | None:
    sc = run.summary.get("scorecard")
    return None if sc is None else sc["national"]["core"]


def period_row(p) -> dict:
    """The summary of one period (JSON-safe)."""
    from twin.io import json_safe

    s = p.run.summary
    e = s["emissions_tco2"]
    core = _core(p.run)
    led = (s.get("ledger") or {}).get("annual", {}).get("planned", {})
    net_zero = e["net"] <= NET_ZERO_TOLERANCE * max(e["baseline"], 1.0)
    return json_safe({
        "year": p.year, "end_year": p.end_year, "weight": p.weight, "inputs": p.inputs,
        "existing": p.existing, "sizes": p.sizes, "built": p.built, "retired": p.retired,
        "emissions_tco2": e,
        "core_indicator": None if core is None else {k: core.get(k) for k in (
            "value_tco2_per_tce", "threshold_tco2_per_tce", "official", "pass", "basis")},
        "clean_energy_share": led.get("clean_energy_share"),
        "renewable_share": led.get("renewable_share"),
        "net_zero": bool(net_zero),
        "targets": s.get("targets"),
        "shortfalls": s.get("shortfalls", []),
        "targets_met": not s.get("shortfalls"),
        "operating_cost_cny_per_yr": p.operating_cost_cny,
        "capital_charge_cny_per_yr": p.capital_charge_cny,
        "capital_charge_by_year": {str(y): c for y, c in p.capital_charge_by_year.items()},
        "annual_cost_cny_per_yr": p.annual_cost_cny,
        "hours": s["hours"],
        "solver": {"status": s["solver"]["status"], "objective": s["solver"].get("objective")},
    })


def first_years(rows: list[dict]) -> dict[str, int | None]:
    """First period year in which each milestone holds (None: not within the pathway)."""
    def first(pred):
        return next((r["year"] for r in rows if pred(r)), None)

    return {
        "core_indicator_pass": first(lambda r: (r["core_indicator"] or {}).get("pass") is True),
        "net_zero": first(lambda r: r["net_zero"]),
        "clean_energy_share_0_9": first(lambda r: (r["clean_energy_share"] or 0.0) >= 0.9),
    }


def pathway_summary(res: PathwayResult) -> dict:
    """The ``pathway`` section of summary.json (docs/outputs.md)."""
    rows = [period_row(p) for p in res.periods]
    return {
        "mode": res.spec.mode, "periods": [p.year for p in res.periods], "end_year": res.spec.last_year,
        "complete": res.complete, "failed_period": res.failed,
        "planned_periods": list(res.spec.periods),
        "discount_rate": res.discount_rate, "npv_cost_cny": res.npv_cost_cny,
        "shortfalls": res.shortfalls,
        "first_year_met": first_years(rows), "notes": list(res.notes),
        "vintages": [v.to_dict() for v in res.vintages], "existing_plant": list(res.existing_plant),
        "by_period": rows,
        "elapsed_s": res.elapsed_s,
        "foresight": res.foresight,
    }


def pathway_dataset(res: PathwayResult):
    """Sizes, builds, emissions and costs by period (``xarray.Dataset``, dimension ``period``)."""
    import xarray as xr

    years = [p.year for p in res.periods]
    names = sorted({n for p in res.periods for n in p.sizes})
    data = {}

    def var(values, units, long_name):
        return xr.DataArray(np.asarray(values, float), dims=("period",), attrs={"units": units, "long_name": long_name})

    for n in names:
        unit = "kWp" if n.startswith("pv_kwp") else ("kWh" if "_kwh" in n else "kW")
        safe = n.replace("[", "__").replace("]", "")
        data[f"size_{safe}"] = var([p.sizes.get(n, 0.0) for p in res.periods], unit, f"capacity in service {n}")
        data[f"built_{safe}"] = var([p.built.get(n, 0.0) for p in res.periods], unit, f"capacity built {n}")
    for key, long_name in (("baseline", "baseline emissions"), ("gross", "gross emissions"),
                           ("process", "declared industrial-process CO2 (in the gross)"),
                           ("residual", "residual emissions"), ("offsets", "offsets"), ("net", "net emissions")):
        data[f"co2_{key}_t"] = var([p.run.summary["emissions_tco2"].get(key, 0.0) for p in res.periods], "tCO2/yr",
                                   long_name)
    data["operating_cost_cny"] = var([p.operating_cost_cny for p in res.periods], "CNY/yr",
                                     "annual cost without capital annuities and fixed O&M")
    data["capital_charge_cny"] = var([p.capital_charge_cny for p in res.periods], "CNY/yr",
                                     "annuities and fixed O&M of the vintages in service, discounted mean over "
                                     "the period's years")
    data["targets_met"] = var([0.0 if p.run.shortfalls else 1.0 for p in res.periods], "1",
                              "1: every target, net-zero bound and cap of the period met; 0: one out of reach, "
                              "planned for its best reachable value (summary.json pathway.shortfalls)")
    data["period_weight"] = var([p.weight for p in res.periods], "yr", "discounted years the period stands for")
    data["grid_factor_kgco2_per_kwh"] = var(
        [np.nan if p.inputs["grid_factor_kgco2_per_kwh"] is None else p.inputs["grid_factor_kgco2_per_kwh"]
         for p in res.periods], "kgCO2/kWh", "location-based grid factor of the period")
    ds = xr.Dataset(data, coords={"period": years})
    ds["period"].attrs = {"units": "yr", "long_name": "first year of the investment period"}
    ds.attrs = {"title": "Park twin pathway", "pathway_mode": res.spec.mode,
                "npv_cost_cny": float("nan") if res.npv_cost_cny is None else float(res.npv_cost_cny),
                "discount_rate": float(res.discount_rate),
                "complete": int(res.complete),
                "shortfalls": json.dumps(res.shortfalls, ensure_ascii=False, default=float),
                "grid_factor_sources": json.dumps({p.year: p.inputs["grid_factor_source"] for p in res.periods},
                                                  ensure_ascii=False),
                "notes": " | ".join(res.notes), "Conventions": "CF-1.10"}
    return ds


def write_pathway(res: PathwayResult, out_dir: str | Path, *, lang: str = "zh", report: bool = True) -> dict:
    """Publish the pathway's files and every period's run outputs in ``out_dir`` as one unit."""
    from twin.io import json_safe, publish_run
    from twin.results.writer import write_outputs

    out_dir = Path(out_dir)
    summary = {
        "schema_version": 1,
        "park": res.periods[0].run.summary["park"],
        "scenario": res.periods[0].run.summary["scenario"],
        # one site for every period: its weather, radiation basis and their uncertainties
        "weather": res.periods[0].run.summary.get("weather", {}),
        "pathway": pathway_summary(res),
    }
    ds = pathway_dataset(res)
    with publish_run(out_dir) as stage:
        (stage / "summary.json").write_text(json.dumps(json_safe(summary), indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
        ds.to_netcdf(stage / "results.nc", engine="netcdf4")
        if report:
            from twin.report_pathway import render_pathway_report

            (stage / "report.html").write_text(render_pathway_report(summary, lang=lang), encoding="utf-8")
        for p in res.periods:
            r = p.run
            write_outputs(stage / "periods" / str(p.year), dataset=r.dataset, summary=r.summary, ledger=r.ledger,
                          scorecard=r.scorecard, lang=lang, report=report)
    return {name: out_dir / name for name in ("summary.json", "results.nc", "report.html", "periods")
            if (out_dir / name).exists()}
