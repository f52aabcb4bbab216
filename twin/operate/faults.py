"""Faults a park lives with, as scenario options with a time window.

Each fault names a start (local time, start of hour) and a duration [h]; the twin maps
it onto the model hours (:func:`fault_masks`).  Kinds:

``asset_outage``
    A battery, heat pump (by name, or all), chiller or thermal store out of service:
    its power is zero in the window; controllers learn of it when it starts and are
    told how long it lasts.
``grid_outage``
    No import and no export: the park runs on PV and storage; what cannot be carried is
    unserved energy by load class (EV charging first, then cooling, heat pumps (boilers
    take over where they can), then the fixed electric load).
``ev_low_arrival``
    Vehicles of a fleet (or all fleets) arriving in the window have a state of charge
    lower than planned by ``soc_drop``: they need more energy than the plan promised.
``forecast_bias``
    Forecasts issued in the window are biased by ``bias`` (relative, e.g. 0.2 = 20 %
    too high) for PV, loads or both.

Specs are frozen pydantic models (``extra="forbid"``) used by the scenario schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class _Fault(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: datetime = Field(description="Start of the fault, local time at the start of an hour, "
                            "e.g. '2026-07-14 08:00' [-]; the model is one typical year (park.planning_year): a "
                            "start written in another year is placed on the same date and hour of it, and a note "
                            "says so")
    hours: int = Field(gt=0, le=8760, description="Duration [h]")


class AssetOutage(_Fault):
    """A battery, heat pump, chiller, thermal store or cold store out of service."""

    kind: Literal["asset_outage"] = Field(description="Fault kind [-]")
    asset: Literal["battery", "heat_pump", "chiller", "thermal_storage", "cold_storage"] = Field(
        description="Which asset family is out of service [-]")
    name: str | None = Field(None, description="Name of the battery, heat pump, chiller, thermal store or cold store; "
                             "None = all of the family [-]")


class GridOutage(_Fault):
    """No import and no export from the public grid."""

    kind: Literal["grid_outage"] = Field(description="Fault kind [-]")


class EVLowArrival(_Fault):
    """Vehicles arrive with less charge than planned."""

    kind: Literal["ev_low_arrival"] = Field(description="Fault kind [-]")
    fleet: str | None = Field(None, description="Fleet name; None = every fleet [-]")
    soc_drop: float = Field(0.2, gt=0, le=1, description="Arrival state of charge lower by this "
                            "share of the battery [-] (not below zero)")


class ForecastBias(_Fault):
    """Forecasts issued in the window are biased."""

    kind: Literal["forecast_bias"] = Field(description="Fault kind [-]")
    series: Literal["pv", "load", "all"] = Field("all", description="Which forecasts are biased [-]")
    bias: float = Field(0.2, ge=-1, le=2, description="Relative bias of the forecast [-], "
                        "e.g. 0.2 = 20 % above the true value")


FaultSpec = Annotated[AssetOutage | GridOutage | EVLowArrival | ForecastBias,
                      Field(discriminator="kind")]


@dataclass
class FaultMasks:
    """Hourly masks of the faults over the model hours (True = fault active)."""

    asset_out: dict = field(default_factory=dict)
    """``(family, name or None)`` -> bool array [-]."""
    grid_out: np.ndarray | None = None
    """Grid outage per hour [-]."""
    ev_soc_drop: dict = field(default_factory=dict)
    """Fleet name or None (all) -> (start hour, end hour, soc drop)."""
    bias_pv: np.ndarray | None = None
    """Relative PV forecast bias of forecasts issued at each hour [-]."""
    bias_load: np.ndarray | None = None
    """Relative load forecast bias of forecasts issued at each hour [-]."""
    notes: list = field(default_factory=list)
    """What was mapped and what fell outside the horizon."""
    moved: list = field(default_factory=list)
    """Sentences for the faults written for a year other than the model's, placed on the same date
    and hour of the model year (the model is one typical year, ``park.planning_year``)."""
    mapped: int = 0
    """Faults that fall at least partly in the horizon [-]."""

    def out(self, family: str, name: str | None = None) -> np.ndarray | None:
        """Outage mask of one asset (family-wide faults included), or None."""
        m = None
        for (fam, nm), v in self.asset_out.items():
            if fam == family and (nm is None or nm == name):
                m = v.copy() if m is None else (m | v)
        return m


def fault_masks(faults, time_index) -> FaultMasks:
    """Map fault specs onto the model hours.

    Parameters
    ----------
    faults : list of fault specs
    time_index : array of datetime64 or pandas.DatetimeIndex
        Start of each model hour (local time).

    Returns
    -------
    FaultMasks
        A fault whose window lies outside the horizon is listed in ``notes`` and ignored; one written
        for another year than the model's is placed on the same date and hour of the model year and
        said in ``moved``.
    """
    import pandas as pd

    idx = pd.DatetimeIndex(time_index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    T = len(idx)
    out = FaultMasks()
    for i, f in enumerate(faults or []):
        label = f"{f.kind} from {f.start:%m-%d %H:%M} for {f.hours} h"
        if T == 0:
            out.notes.append(f"{label}: outside the operated hours, ignored")
            continue
        year = int(idx[0].year)
        try:
            start = pd.Timestamp(f.start).replace(year=year)
        except ValueError:  # 29 February of a leap year in a model year without it
            out.notes.append(f"{label}: outside the operated hours, ignored")
            continue
        if f.start.year != year:
            out.moved.append(f"operation.faults[{i}] ({f.kind}) starts in {f.start.year}, the model year is {year} "
                             f"(park.planning_year): placed at {start:%Y-%m-%d %H:%M}, the same date and hour of the "
                             "model year")
        h0 = int(np.searchsorted(idx.to_numpy(), np.datetime64(start)))
        h1 = min(h0 + int(f.hours), T)
        if h0 >= T:
            out.notes.append(f"{label}: outside the operated hours, ignored")
            continue
        m = np.zeros(T, bool)
        m[h0:h1] = True
        out.notes.append(f"{label}: hours {h0}-{h1 - 1}")
        out.mapped += 1
        if f.kind == "asset_outage":
            key = (f.asset, f.name)
            out.asset_out[key] = out.asset_out.get(key, np.zeros(T, bool)) | m
        elif f.kind == "grid_outage":
            out.grid_out = m if out.grid_out is None else (out.grid_out | m)
        elif f.kind == "ev_low_arrival":
            out.ev_soc_drop.setdefault(f.fleet, []).append((h0, h1, float(f.soc_drop)))
        elif f.kind == "forecast_bias":
            b = np.where(m, float(f.bias), 0.0)
            if f.series in ("pv", "all"):
                out.bias_pv = b if out.bias_pv is None else out.bias_pv + b
            if f.series in ("load", "all"):
                out.bias_load = b if out.bias_load is None else out.bias_load + b
    return out
