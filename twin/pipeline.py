"""The main job: scenario → weather → profiles → sizing → ledger and scores → outputs.

:func:`run_scenario` is what ``twin run`` calls. Outputs are staged and published
together (``results.nc``, ``summary.json``, ``report.html``): an interrupted run
leaves the previous outputs untouched.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from twin import __version__
from twin.io import json_safe
from twin.scenario.loader import LoadedScenario


class UserInputError(ValueError):
    """A problem the user can fix (bad data file, infeasible target); printed without a traceback."""


@dataclass
class RunOptions:
    """Options of one run."""

    out_dir: Path
    save_model: Path | None = None
    lang: str = "zh"
    hours: int | None = None
    write_report: bool = True
    rubric: Path | None = None
    objective: str | None = None
    representative_days: int | None = None


@dataclass
class RunResult:
    """Everything a run produced (also written to disk)."""

    summary: dict
    dataset: xr.Dataset
    paths: dict[str, Path] = field(default_factory=dict)

    def headline(self) -> str:
        s = self.summary
        e = s["emissions_tco2"]
        lines = [
            "  sizes: " + ", ".join(f"{k} {v:,.0f}" for k, v in flat_sizes(s["sizes"]).items() if v > 0.5),
            f"  emissions: baseline {e['baseline']:,.0f} t -> residual {e['residual']:,.0f} t, "
            f"offsets {e['offsets']:,.0f} t; renewable share {s['renewable_share']:.1%}",
            f"  annualised cost {s['annualised_cost_cny']:,.0f} CNY/yr (baseline {s['baseline_cost_cny']:,.0f})",
        ]
        sc = s.get("scorecard")
        if sc:
            ag = sc["aggregate"]
            prov = "PROVISIONAL rubric" if sc["rubric"]["provisional"] else "official rubric"
            lines.append(f"  T/CSUS 66-2023 planning stage ({prov} '{sc['rubric']['id']}'): chapter 7 "
                         f"{_num(ag.get('chapter7_Q'))}/100, chapter 12 bonus {_num(ag.get('QA'))}")
            core = sc["national"]["core"]
            lines.append(f"  910号 core indicator: {_num(core.get('value_tco2_per_tce'), 3)} tCO2/tce "
                         f"(tier {core.get('tier')}, pass: {core.get('pass')})")
        return "\n".join(lines)


def _num(v, nd: int = 1) -> str:
    return "n/a" if v is None else f"{float(v):.{nd}f}"


def size_unit(key: str) -> str:
    """Unit of a size key of :attr:`solvers.SizingResult.sizes`."""
    if "share" in key:
        return "1"
    if "chargers" in key:
        return "charger"
    if "kwp" in key:
        return "kWp"
    return "kWh" if "kwh" in key else "kW"


def flat_sizes(sizes: dict) -> dict[str, float]:
    """Sizes with per-asset mappings flattened to ``name[asset]`` keys."""
    out = {}
    for k, v in sizes.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                out[f"{k}[{kk}]"] = float(vv)
        else:
            out[k] = float(v)
    return out


def versions() -> dict[str, str]:
    """Versions of the tool and the libraries that shape its numbers."""
    import importlib.metadata as md

    out = {"park_twin": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "pandas", "xarray", "pvlib", "pyomo", "highspy", "simpy", "pydantic", "netCDF4"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            out[pkg] = "not installed"
    return out


def _annual(da: xr.DataArray, scale: float = 1.0) -> float:
    """Annual energy of an hourly power [kW] -> [MWh/yr], summing over extra dims."""
    v = da.sum([d for d in da.dims]) if da.ndim else da
    return float(v) * scale / 1000.0


def energy_summary(disp: xr.Dataset) -> dict[str, float]:
    """Annual energy by source and use [MWh/yr] from a dispatch dataset (Δt = 1 h).

    A horizon shorter than a year is scaled to a year (each hour stands for 8760/T
    hours), as the optimiser's annual costs are.
    """
    scale = 8760.0 / disp.sizes["time"] if "time" in disp.sizes else 1.0
    out: dict[str, float] = {}
    for key, var in (("grid_import", "p_grid_import_kw"), ("grid_export", "p_grid_export_kw"),
                     ("pv_generation", "p_pv_kw"), ("pv_curtailed", "p_pv_curtailed_kw"),
                     ("fixed_electric_load", "p_load_kw"), ("battery_charge", "p_battery_charge_kw"),
                     ("battery_discharge", "p_battery_discharge_kw"), ("ev_charging", "p_ev_charge_kw"),
                     ("v2g_discharge", "p_ev_discharge_kw"), ("heat_pump_electricity", "p_heat_pump_kw"),
                     ("heat_pump_heat", "q_heat_pump_kw"), ("waste_heat_direct", "q_waste_heat_direct_kw"),
                     ("waste_heat_to_heat_pumps", "q_waste_heat_source_kw"),
                     ("electric_boiler_heat", "q_electric_boiler_kw"), ("gas_boiler_heat", "q_gas_boiler_kw"),
                     ("gas_fuel", "fuel_gas_kw"), ("heat_demand", "q_heat_demand_kw"),
                     ("cooling_demand", "q_cooling_demand_kw"), ("chiller_electricity", "p_chiller_kw")):
        if var in disp:
            out[key] = _annual(disp[var], scale)
    if "battery_charge" in out:
        out["battery_losses"] = out["battery_charge"] - out.get("battery_discharge", 0.0)
    return out


def run_scenario(loaded: LoadedScenario, opts: RunOptions, progress=None) -> RunResult:
    """Run the whole chain for one scenario and write its outputs.

    Raises
    ------
    UserInputError
        For problems the user can fix (data files, infeasible targets).
    """
    from twin.profiles import build_profiles, load_weather

    sc = loaded.scenario
    prog = progress or _Silent()
    t_start = time.perf_counter()

    prog.stage("weather")
    try:
        wdf, wmeta, site = load_weather(loaded)
    except ValueError as exc:
        raise UserInputError(f"weather: {exc}") from None
    prog.done(f"{wmeta.source}, GHI {wdf['ghi'].sum() / 1000:.0f} kWh/m2")
    for n in wmeta.notes:
        prog.note(n)

    prog.stage("component profiles")
    t0 = time.perf_counter()
    try:
        prof = build_profiles(loaded, wdf, site)
    except ValueError as exc:
        raise UserInputError(f"profiles: {exc}") from None
    if opts.hours:
        prof = prof.isel(time=slice(0, opts.hours))
    t_profiles = time.perf_counter() - t0
    prog.done(f"{prof.sizes['time']} h")

    import solvers as S
    from twin.plan import build_problem

    prog.stage("baseline (existing assets only)")
    base_res = _solve(build_problem(sc, prof, baseline=True), S.SolveOptions(solver="choose"), "baseline")
    prog.done(f"{base_res.emissions['net_t'] + base_res.emissions.get('offsets_t', 0):,.0f} tCO2")

    kind = opts.objective or sc.objective.kind
    k = f", {opts.representative_days} representative days" if opts.representative_days else ""
    prog.stage(f"sizing ({kind}{k}, HiGHS)")
    problem = build_problem(sc, prof, objective=kind)
    sopts = S.SolveOptions(solver=sc.objective.solver_method, time_limit_s=sc.objective.time_limit_s,
                           save_model=str(opts.save_model) if opts.save_model else None)
    agg_info = None
    if opts.representative_days and prof.sizes["time"] == 8760:
        from solvers.aggregation import representative_days
        from twin.plan import fix_sizes

        agg = representative_days(problem, opts.representative_days)
        sized = _solve(agg.problem, sopts, f"sizing on {opts.representative_days} representative days"
                       " (raise --representative-days if the target is only just out of reach)")
        agg_info = {"k": opts.representative_days, "profile_rmse": float(agg.profile_rmse),
                    "sizing_objective_cny": float(sized.objective_cny), "sizing_solve_time_s": float(sized.solve_time_s),
                    "note": "sizes from linked representative days (Kotzur et al. 2018); dispatch re-solved over the "
                            "full year with those sizes fixed"}
        problem = fix_sizes(problem, sized.sizes)
    res = _solve(problem, sopts, "sizing" if agg_info is None else "full-year dispatch with the sized assets")
    prog.done(f"{res.status}, {res.n_variables:,} variables, {res.algorithm} {res.solve_time_s:.1f} s")
    for n in res.solver_notes:
        prog.note(n)

    prog.stage("ledger and scorecard")
    try:
        ledger, scorecard, indicators = _assess(loaded, prof, res, base_res, opts.rubric)
    except ValueError as exc:  # e.g. a user rubric file that does not validate
        raise UserInputError(str(exc)) from None
    prog.done()

    summary = build_summary(loaded, wmeta, prof, res, base_res, ledger, scorecard, indicators,
                            t_profiles, time.perf_counter() - t_start)
    summary["solver"]["objective"] = kind
    if agg_info is not None:
        summary["solver"]["representative_days"] = agg_info
    ds = build_dataset(loaded, wmeta, prof, res, base_res, ledger, scorecard, summary)
    ds.attrs["solver_objective"] = kind

    prog.stage("writing outputs")
    paths = write_outputs(ds, summary, opts, loaded, ledger, scorecard, res)
    prog.done(str(opts.out_dir))
    return RunResult(summary=summary, dataset=ds, paths=paths)


class _Silent:
    def stage(self, text):
        pass

    def done(self, detail=""):
        pass

    def note(self, text):
        pass


def _solve(problem, options, what: str):
    import solvers as S

    try:
        return S.solve(problem, options)
    except S.InfeasibleError as exc:
        raise UserInputError(f"{what} is infeasible: {exc}") from None


def _assess(loaded, prof, res, base_res, rubric_path):
    """Ledger, national indicators and scorecard (scores only for a full year)."""
    from twin.evaluate import assess_run

    return assess_run(loaded, prof, res, base_res, rubric_path)


def renewable_share(energy: dict[str, float]) -> float:
    """On-site renewable electricity used in the park / park electricity use [-]."""
    pv_used = energy.get("pv_generation", 0.0) - energy.get("grid_export", 0.0)
    use = energy.get("grid_import", 0.0) + energy.get("pv_generation", 0.0) - energy.get("grid_export", 0.0)
    return float(max(pv_used, 0.0) / use) if use > 0 else 0.0


def _buildings_summary(prof: xr.Dataset) -> list[dict]:
    """Per building: type, envelope preset and where its envelope values come from."""
    if "building" not in prof.dims:
        return []
    keys = [k for k in ("building_type", "envelope", "envelope_note") if k in prof.coords]
    return [{"name": str(b), **{k: str(prof[k].values[i]) for k in keys}}
            for i, b in enumerate(prof["building"].values)]


def build_summary(loaded, wmeta, prof, res, base_res, ledger, scorecard, indicators, t_profiles, t_total) -> dict:
    """The documented summary (see docs/outputs.md)."""
    sc = loaded.scenario
    energy = energy_summary(res.dispatch)
    base_energy = energy_summary(base_res.dispatch)
    em = res.emissions
    summary: dict[str, Any] = {
        "schema_version": 1,
        "park": {"name": sc.park.name, "type": sc.park.type, "planning_year": sc.park.planning_year},
        "scenario": {"file": str(loaded.path), "sha256": loaded.scenario and loaded.sha256,
                     "overrides": loaded.overrides},
        "weather": {"source": wmeta.source, "latitude": wmeta.latitude, "longitude": wmeta.longitude,
                    "reference_city": wmeta.reference_city, "notes": list(wmeta.notes),
                    "annual_ghi_kwh_m2": float(prof["weather_ghi"].sum()) / 1000.0},
        "hours": int(prof.sizes["time"]),
        "buildings": _buildings_summary(prof),
        "sizes": json_safe(res.sizes),
        "energy_mwh": energy,
        "baseline_energy_mwh": base_energy,
        "emissions_tco2": {
            "baseline": float(base_res.emissions["gross_grid_t"] + base_res.emissions["fuel_t"]),
            "gross": float(em["gross_grid_t"] + em["fuel_t"]),
            "grid": float(em["gross_grid_t"]),
            "fuel": float(em["fuel_t"]),
            "export_credit": float(em.get("export_credit_t", 0.0)),
            "certificates": float(em.get("certificates_t", 0.0)),
            "green_power": float(em.get("green_power_t", 0.0)),
            "residual": float(em["residual_t"]),
            "offsets": float(em["offsets_t"]),
            "net": float(em["net_t"]),
        },
        "costs_cny_per_yr": json_safe(res.costs),
        "annualised_cost_cny": float(res.objective_cny),
        "baseline_cost_cny": float(base_res.objective_cny),
        "baseline_costs_cny_per_yr": json_safe(base_res.costs),
        "capex_cny": float(res.costs.get("capex_overnight", np.nan)),
        "renewable_share": renewable_share(energy),
        "solver": {
            "objective": sc.objective.kind, "status": res.status, "termination": res.termination,
            "algorithm": res.algorithm, "notes": list(res.solver_notes),
            "objective_value": float(res.objective_value), "solve_time_s": float(res.solve_time_s),
            "build_time_s": float(res.build_time_s), "handover_time_s": float(res.handover_time_s),
            "gap": float(res.gap), "n_variables": int(res.n_variables), "n_constraints": int(res.n_constraints),
            "duals": json_safe({k: v for k, v in res.duals.items() if np.ndim(v) == 0}),
        },
        "timing_s": {"profiles": t_profiles, "total": t_total},
        "versions": versions(),
    }
    if res.pareto:
        summary["pareto"] = [
            {"cost_cny": p.cost_cny, "residual_tco2": p.residual_co2_t, "epsilon_tco2": p.epsilon_co2_t,
             "mac_cny_per_t": p.mac_cny_per_t, "sizes": json_safe(p.sizes)} for p in res.pareto]
    if ledger is not None:
        summary["ledger"] = ledger.to_dict()
    if indicators is not None:
        summary["national_indicators"] = indicators.to_dict() if hasattr(indicators, "to_dict") else indicators
    if scorecard is not None:
        summary["scorecard"] = scorecard.to_dict()
    return summary


def build_dataset(loaded, wmeta, prof, res, base_res, ledger, scorecard, summary) -> xr.Dataset:
    """Everything in one NetCDF-ready dataset: inputs, dispatch, baseline, sizes, metadata."""
    disp = res.dispatch.assign_coords(time=prof["time"].values)
    base = base_res.dispatch.assign_coords(time=prof["time"].values)
    base = base.rename({v: f"baseline_{v}" for v in base.data_vars})
    ds = xr.merge([prof, disp.drop_vars([v for v in disp.data_vars if v in prof], errors="ignore"), base],
                  compat="override", join="outer", combine_attrs="drop_conflicts")
    for k, v in flat_sizes(res.sizes).items():
        name = "size_" + k.replace("[", "__").replace("]", "")
        unit = size_unit(k)
        ds[name] = xr.DataArray(v, attrs={"units": unit, "long_name": f"optimal size {k}"})
    if ledger is not None and hasattr(ledger, "to_dataset"):
        led = ledger.to_dataset()
        led = led.rename({v: f"ledger_{v}" for v in led.data_vars if not v.startswith("ledger_")})
        if "time" in led.dims:
            led = led.assign_coords(time=prof["time"].values)
        ds = xr.merge([ds, led], compat="override", join="outer", combine_attrs="drop_conflicts")
    attrs = dict(prof.attrs)  # calendar, tariff source, climate zone, time convention
    attrs.update({
        "title": f"Park twin results: {loaded.scenario.park.name}",
        "park_type": loaded.scenario.park.type,
        "planning_year": loaded.scenario.park.planning_year,
        "scenario_file": str(loaded.path),
        "scenario_sha256": loaded.sha256,
        "scenario_overrides": json.dumps(loaded.overrides, ensure_ascii=False),
        "scenario_yaml": json.dumps(loaded.scenario.model_dump(mode="json"), ensure_ascii=False),
        "solver_status": res.status,
        "solver_termination": res.termination,
        "solver_objective": loaded.scenario.objective.kind,
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
    attrs.update({k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in wmeta.to_attrs().items()})
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


def write_outputs(ds, summary, opts: RunOptions, loaded, ledger, scorecard, res) -> dict[str, Path]:
    """Write results.nc, summary.json and report.html, published together as one folder.

    See :func:`twin.io.publish_run`: a run killed at any moment leaves the complete
    previous outputs or the complete new ones.
    """
    from twin.io import publish_run

    out = Path(opts.out_dir)
    names = ["results.nc", "summary.json"] + (["report.html"] if opts.write_report else [])
    with publish_run(out) as folder:
        _to_netcdf(ds, folder / "results.nc")
        text = json.dumps(json_safe(summary), indent=2, ensure_ascii=False, default=str, allow_nan=False)
        (folder / "summary.json").write_text(text + "\n", encoding="utf-8")
        if opts.write_report:
            from twin.report import render_report

            html = render_report(ds, summary, ledger, scorecard, lang=opts.lang)
            (folder / "report.html").write_text(html, encoding="utf-8")
    return {name: out / name for name in names}


def _to_netcdf(ds: xr.Dataset, path: Path) -> None:
    """NetCDF4 with compression; strings and bools made NetCDF-safe."""
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
