"""Connect a solved run to the ledger, the national indicators and the scorecard.

The optimiser decides how many green certificates to buy; the ledger credits
exactly those (plus any green power the planner declared), so the accounts and
the optimisation never disagree. The offset cap of the scenario's ``carbon``
section applies to both.
"""

from __future__ import annotations

import xarray as xr


def _with_inputs(disp: xr.Dataset, prof: xr.Dataset) -> xr.Dataset:
    """Dispatch plus the profile variables the ledger reads (factors, waste heat, buildings)."""
    disp = disp.assign_coords(time=prof["time"].values)
    extra = [v for v in ("ef_grid_kgco2_per_kwh", "q_waste_heat_available_kw", "waste_heat_temperature_c",
                         "building_floor_area_m2", "building_hvac_type")
             if v in prof and v not in disp]
    return xr.merge([disp, prof[extra]], compat="override", combine_attrs="drop_conflicts")


def accounting_settings(sc, res):
    """The scenario's accounting settings with the optimiser's certificate purchase applied."""
    updates = {"green_certificates_mwh": float(res.emissions.get("certificates_mwh", 0.0))}
    if sc.carbon.max_offset_share is not None:
        updates["offsets_max_share"] = sc.carbon.max_offset_share
    return sc.accounting.model_copy(update=updates)


def assess_run(loaded, prof: xr.Dataset, res, base_res):
    """Ledger, national indicators and planning-stage scorecard of a run.

    Returns
    -------
    tuple
        ``(ledger, scorecard, indicators)``; ``scorecard`` and ``indicators`` are
        ``None`` when the horizon is shorter than a year (scores need annual values).
    """
    from twin.ledger import build_ledger

    sc = loaded.scenario
    settings = accounting_settings(sc, res)
    planned = _with_inputs(res.dispatch, prof)
    baseline = _with_inputs(base_res.dispatch, prof)
    weight = 8760.0 / prof.sizes["time"]
    ledger = build_ledger(planned, baseline, settings, sizes=res.sizes, baseline_sizes=base_res.sizes,
                          step_weight_h=weight)
    if prof.sizes["time"] < 8760:
        return ledger, None, None
    from twin.assess import assess

    scorecard = assess(ledger, sc, planned=planned, sizes=res.sizes, profiles=prof)
    indicators = getattr(scorecard, "national_indicators", None)
    return ledger, scorecard, indicators
