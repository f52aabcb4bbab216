"""``results.nc``: inputs, plan and baseline dispatch, sizes, ledger and metadata in one Dataset."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from twin import __version__
from twin.results.units import flat_sizes, size_unit


def build_dataset(*, loaded, config, weather, prof: xr.Dataset, res, base_res, summary: dict,
                  ledger=None, scorecard=None) -> xr.Dataset:
    """Everything in one NetCDF-ready dataset: inputs, dispatch, baseline, sizes, metadata.

    Parameters are those of :func:`twin.results.summary.build_summary`; ``summary`` is the
    run's summary (versions are copied from it).
    """
    disp = res.dispatch.assign_coords(time=prof["time"].values)
    base = base_res.dispatch.assign_coords(time=prof["time"].values)
    base = base.rename({v: f"baseline_{v}" for v in base.data_vars})
    ds = xr.merge([prof, disp.drop_vars([v for v in disp.data_vars if v in prof], errors="ignore"), base],
                  compat="override", join="outer", combine_attrs="drop_conflicts")
    for k, v in flat_sizes(res.sizes).items():
        name = "size_" + k.replace("[", "__").replace("]", "")
        ds[name] = xr.DataArray(v, attrs={"units": size_unit(k), "long_name": f"optimal size {k}"})
    if ledger is not None and hasattr(ledger, "to_dataset"):
        led = ledger.to_dataset()
        led = led.rename({v: f"ledger_{v}" for v in led.data_vars if not v.startswith("ledger_")})
        if "time" in led.dims:
            led = led.assign_coords(time=prof["time"].values)
        ds = xr.merge([ds, led], compat="override", join="outer", combine_attrs="drop_conflicts")
    sc = loaded.scenario
    attrs = dict(prof.attrs)  # calendar, tariff source, climate zone, time convention
    attrs.update({
        "title": f"Park twin results: {sc.park.name}",
        "park_type": sc.park.type,
        "planning_year": sc.park.planning_year,
        "scenario_file": str(loaded.path),
        "scenario_sha256": loaded.sha256,
        "scenario_overrides": json.dumps(loaded.overrides, ensure_ascii=False),
        "scenario_variant": getattr(loaded, "variant_name", "base"),
        "scenario_data_notes": json.dumps(list(getattr(loaded, "notes", [])), ensure_ascii=False),
        "scenario_applied_overrides": json.dumps(
            loaded.override_record() if hasattr(loaded, "override_record") else [], ensure_ascii=False, default=str),
        "scenario_yaml": json.dumps(sc.model_dump(mode="json"), ensure_ascii=False),
        "run_config": json.dumps(config.to_dict(), ensure_ascii=False),
        "solver_status": res.status,
        "solver_termination": res.termination,
        "solver_objective": config.objective,
        "solver_objective_value": float(res.objective_value),
        "solver_solve_time_s": float(res.solve_time_s),
        "solver_build_time_s": float(res.build_time_s),
        "solver_gap": float(res.gap),
        "solver_n_variables": int(res.n_variables),
        "solver_n_constraints": int(res.n_constraints),
        "time_zone": "Asia/Shanghai",
        "time_label": "start of hour",
        "Conventions": "CF-1.10",
        "history": f"created by park-twin {__version__}",
    })
    attrs.update({f"version_{k}": v for k, v in summary["versions"].items()})
    attrs.update({k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in weather.to_attrs().items()})
    for k, v in res.duals.items():
        if np.ndim(v) == 0:
            attrs[f"dual_{k}"] = float(v)
        elif np.ndim(v) == 1 and len(v) == ds.sizes.get("time", -1):
            ds[f"dual_{k}"] = xr.DataArray(np.asarray(v, dtype=float), dims=("time",),
                                           attrs={"long_name": f"dual value {k}", "units": "CNY per unit"})
    if scorecard is not None and hasattr(scorecard, "to_attrs"):
        attrs.update({f"scorecard_{k}": v for k, v in scorecard.to_attrs().items()})
    ds.attrs = attrs
    return ds


def to_netcdf(ds: xr.Dataset, path: str | Path) -> None:
    """Write NetCDF4 with compression; strings and bools made NetCDF-safe."""
    ds = ds.copy()
    for name, var in list(ds.variables.items()):
        if var.dtype == bool:
            ds[name] = var.astype("int8")
            ds[name].attrs.update(var.attrs)
            ds[name].attrs["flag_values"] = "0 1"
        elif var.dtype.kind == "O":
            ds[name] = var.astype(str)
    for k, v in list(ds.attrs.items()):
        if isinstance(v, bool):
            ds.attrs[k] = int(v)
        elif v is None:
            ds.attrs[k] = ""
    enc = {v: {"zlib": True, "complevel": 4} for v in ds.data_vars if ds[v].dtype.kind == "f"}
    ds.to_netcdf(path, engine="netcdf4", encoding=enc)


__all__ = ["build_dataset", "to_netcdf"]
