r"""EV fleets: charging sessions by discrete-event simulation and the flexibility envelope.

A fleet is a number of vehicles of one kind (employee cars, logistics vans, heavy
trucks, buses) that park at the site's chargers. :func:`simulate_fleet` draws one
session per present vehicle and day (arrival and departure times by China day type,
daily distance and hence energy need), runs the charger queue as a simpy [1]_
discrete-event simulation (first come, first served; a vehicle waits for a free
charger, keeps it until it departs and leaves uncharged if none frees up in time)
and aggregates the sessions into hourly quantities:

* the uncontrolled load (every vehicle charges at full power from plug-in until
  its need is met or it departs), and
* the flexibility envelope used by the optimiser: connected charger power,
  V2G discharge power and bounds on the cumulative energy delivered into the
  batteries.

Envelope of one session (connected from ``c`` to departure ``d``, battery-side
charge power :math:`P_b = \eta P`, need :math:`R`, headroom :math:`H`, V2G depth
:math:`D`, battery-side discharge power :math:`P_{d,b} = P / \eta`), cumulative
net energy into the battery since plug-in:

.. math::

    u(t) = \min\bigl(P_b (t-c)^+,\ H,\ R + P_{d,b} (d-t)\bigr), \qquad
    l(t) = \max\bigl(-D,\ -P_{d,b}(t-c),\ R - P_b (d-t)\bigr),
    \qquad c \le t \le d,

and :math:`u = l = R` after departure: every vehicle leaves with exactly its
requirement, so the fleet's net energy over the horizon is fixed and only its
timing is flexible (without V2G, :math:`D = 0`, :math:`P_{d,b} = 0` and
:math:`u(t) = \min(P_b (t-c)^+, R)` is charge-on-arrival itself). :math:`R` is the
need where it fits into the connection time (``min(need, P_b (d-c))``), the rest is
reported as unserved energy.

The fleet envelope is the sum over sessions evaluated at the end of each hour,
the usual aggregation of individual EV energy/power bounds into one "virtual
battery" [2]_ [3]_. The sum of individual bounds is an outer approximation: an
hourly fleet schedule inside it may not be disaggregable exactly into vehicle
schedules, which is the accepted trade-off for planning-stage sizing [3]_.

Sessions of the day before the horizon are simulated too; vehicles connected at
the start of the horizon enter it in the state uncontrolled charging left them.
Sessions that depart after the horizon keep only the part of their requirement
that cannot be delivered after the end (no wrap-around of the year).

References
----------
.. [1] simpy 4 documentation, simpy.readthedocs.io (Resource/Store queues
   serve requests first-in first-out).
.. [2] Zhang, H., Hu, Z., Xu, Z., Song, Y., "Evaluation of achievable vehicle-to-grid
   capacity using aggregate PEV model", IEEE Trans. Power Systems 32(1), 784-794,
   2017. doi:10.1109/TPWRS.2016.2561296
.. [3] Müller, F. L., Szabó, J., Sundström, O., Lygeros, J., "Aggregation and
   disaggregation of energetic flexibility from distributed energy resources",
   IEEE Trans. Smart Grid 10(2), 1205-1214, 2019. doi:10.1109/TSG.2017.2761439
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.components.calendar import HOLIDAY, SATURDAY, SUNDAY, WORKDAY, china_day_types

FleetKind = Literal["employee_car", "logistics_van", "heavy_truck", "bus"]
ChargingMode = Literal["uncontrolled", "smart", "v2g"]
DAY_TYPES = (WORKDAY, SATURDAY, SUNDAY, HOLIDAY)

PRESETS_CSV = Path(__file__).parent / "data" / "ev" / "fleet_presets.csv"


@lru_cache(maxsize=1)
def _preset_rows() -> tuple[tuple[str, str, float, str, str], ...]:
    with PRESETS_CSV.open(encoding="utf-8") as fh:
        return tuple(
            (r["kind"], r["field"], float(r["value"]), r["unit"], r["source"])
            for r in csv.DictReader(fh)
        )


def fleet_presets(kind: str) -> dict[str, Any]:
    """Default parameters of a fleet kind, from ``data/ev/fleet_presets.csv``.

    Parameters
    ----------
    kind : str
        One of ``employee_car, logistics_van, heavy_truck, bus``.

    Returns
    -------
    dict
        Field name -> value; day-type schedules nested under ``schedules``.
        The CSV states the unit and source (or "assumption") of every value.
    """
    out: dict[str, Any] = {}
    sched: dict[str, dict[str, float]] = {}
    for k, field, value, _unit, _src in _preset_rows():
        if k != kind:
            continue
        if "." in field:
            day, sub = field.split(".", 1)
            sched.setdefault(day, {})[sub] = value
        else:
            out[field] = value
    if not out:
        raise ValueError(f"no EV fleet preset for kind {kind!r}")
    out["schedules"] = sched
    return out


def fleet_preset_sources(kind: str) -> list[dict[str, str]]:
    """Rows of the preset table for ``kind`` with value, unit and source (for reports)."""
    return [
        {"field": f, "value": repr(v), "unit": u, "source": s}
        for k, f, v, u, s in _preset_rows()
        if k == kind
    ]


class DaySchedule(BaseModel):
    """Presence and plug-in/plug-out times of a fleet on one day type.

    Times are hours after local midnight of the arrival day, drawn from normal
    distributions and clipped to [0, 24). If the mean departure hour is not
    later than the mean arrival hour the schedule is overnight (departure the
    next day).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    share_present: float = Field(
        ..., ge=0.0, le=1.0,
        description="Probability that a vehicle arrives (one session) on this day type [-]",
    )
    arrival_hour_mean: float = Field(
        ..., ge=0.0, lt=24.0, description="Mean arrival (plug-in request) hour [h after midnight]"
    )
    arrival_hour_sd: float = Field(
        ..., ge=0.0, le=12.0, description="Standard deviation of the arrival hour [h]"
    )
    departure_hour_mean: float = Field(
        ..., ge=0.0, lt=24.0, description="Mean departure hour [h after midnight]"
    )
    departure_hour_sd: float = Field(
        ..., ge=0.0, le=12.0, description="Standard deviation of the departure hour [h]"
    )
    arrival_hour_shares: tuple[float, ...] | None = Field(
        None,
        description="Optional measured arrival histogram: 24 non-negative weights for the hours "
        "0-23 (normalised here; uniform within the hour). Replaces the normal arrival draw; "
        "arrival_hour_mean then only decides whether the schedule is overnight [-]",
    )

    @model_validator(mode="after")
    def _check_shares(self) -> DaySchedule:
        sh = self.arrival_hour_shares
        if sh is not None and (len(sh) != 24 or not all(math.isfinite(x) and x >= 0 for x in sh)
                               or sum(sh) <= 0):
            raise ValueError("arrival_hour_shares needs 24 non-negative weights with a positive sum")
        return self

    @property
    def overnight(self) -> bool:
        """True when vehicles leave on the day after they arrive."""
        return self.departure_hour_mean <= self.arrival_hour_mean


class FleetSchedules(BaseModel):
    """Day-type schedules of a fleet (China calendar: swapped weekend days are workdays)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workday: DaySchedule = Field(..., description="Schedule on working days [-]")
    saturday: DaySchedule = Field(..., description="Schedule on non-working Saturdays [-]")
    sunday: DaySchedule = Field(..., description="Schedule on non-working Sundays [-]")
    holiday: DaySchedule = Field(..., description="Schedule on public holidays [-]")


_KIND_DEFAULTED = (
    "battery_kwh", "consumption_kwh_per_km", "daily_distance_km_mean", "daily_distance_km_sd",
    "charger_kw", "charger_efficiency", "min_soc_departure", "min_arrival_soc", "v2g_min_soc",
    "v2g_degradation_cost_cny_per_kwh",
)


class EVFleetSpec(BaseModel):
    """An EV fleet parking at the site's chargers.

    Fields left at ``None`` take the value of the fleet ``kind`` from
    :func:`fleet_presets` (table ``twin/components/data/ev/fleet_presets.csv`` with
    the source of each value); ``schedules`` given partially are completed from the
    preset. ``chargers=None`` means one charger per vehicle.

    Energy need per session: the vehicle left with ``min_soc_departure`` and drove
    the day's distance, so it arrives with
    ``soc_a = max(min_soc_departure - distance*consumption/battery, min_arrival_soc)``
    (or ``arrival_soc`` when given) and needs ``battery*(min_soc_departure - soc_a)``
    [kWh, battery side] back before it departs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(..., min_length=1, description="Fleet name, unique in the park [-]")
    kind: FleetKind = Field(..., description="Vehicle kind; selects the preset defaults [-]")
    vehicles: int = Field(..., ge=0, le=100_000, description="Number of vehicles in the fleet [-]")
    battery_kwh: float | None = Field(
        None, ge=1, le=2000, description="Usable battery capacity per vehicle [kWh]; None = kind preset"
    )
    consumption_kwh_per_km: float | None = Field(
        None, ge=0.01,
        le=5, description="Real-world energy use per distance, battery side [kWh/km]; None = kind preset",
    )
    daily_distance_km_mean: float | None = Field(
        None, ge=0, le=2000, description="Mean distance driven per day of presence [km]; None = kind preset"
    )
    daily_distance_km_sd: float | None = Field(
        None, ge=0,
        le=1000, description="Standard deviation of the daily distance (lognormal draw) [km]; "
        "None = kind preset",
    )
    schedules: FleetSchedules | None = Field(
        None, description="Arrival/departure distributions and presence by day type [-]; "
        "None or partial = kind preset",
    )
    chargers: int | None = Field(
        None, ge=0, le=100_000, description="Number of charge points shared by the fleet [-]; None = vehicles"
    )
    charger_kw: float | None = Field(
        None, ge=1, le=2000, description="Rated (grid-side) power per charge point [kW]; None = kind preset"
    )
    vehicle_max_charge_kw: float | None = Field(
        None, ge=1, le=2000,
        description="Highest power the vehicles take from a charger (the on-board charger's rating on AC "
        "piles, the battery's acceptance on DC piles) [kW, grid side like charger_kw]; a session charges at "
        "the lower of it and charger_kw (and gives V2G at the same). None = the vehicles take the charger's "
        "full power",
    )
    charger_efficiency: float | None = Field(
        None, gt=0, le=1,
        description="Grid-to-battery efficiency, also used battery-to-grid for V2G [-]; "
        "None = kind preset",
    )
    mode: ChargingMode = Field(
        "uncontrolled",
        description="Charging control: 'uncontrolled' (charge on arrival, fixed load), "
        "'smart' (optimiser shifts within the envelope), 'v2g' (smart plus discharge) [-]",
    )
    v2g_share: float = Field(
        0.0, ge=0, le=1,
        description="Fraction of chargers that are bidirectional (V2G); used only in mode 'v2g'. "
        "With costs.v2g_charger_extra in the scenario it is the upper bound of the share the optimiser "
        "chooses [-]"
    )
    min_soc_departure: float | None = Field(
        None, gt=0, le=1,
        description="State of charge each vehicle must have when it departs [-]; None = kind preset",
    )
    min_arrival_soc: float | None = Field(
        None, ge=0, lt=1,
        description="Floor of the arrival state of charge; energy driven beyond it is assumed "
        "charged elsewhere [-]; None = kind preset",
    )
    arrival_soc: float | None = Field(
        None, ge=0, le=1,
        description="Fixed arrival state of charge; overrides the distance-derived need when set [-]",
    )
    v2g_min_soc: float | None = Field(
        None, ge=0, le=1,
        description="Lowest state of charge V2G may discharge a vehicle to [-]; None = kind preset",
    )
    v2g_degradation_cost_cny_per_kwh: float | None = Field(
        None, ge=0,
        le=10, description="Battery wear cost per kWh discharged to the grid [CNY/kWh]; None = kind preset",
    )
    min_dwell_h: float = Field(
        0.25, ge=0, le=24,
        description="Shortest stay; a drawn departure earlier than arrival + this is moved to it [h]",
    )
    unplug_when_full_share: float = Field(
        0.0, ge=0, le=1,
        description="Share of sessions whose driver (or the depot's staff) frees the charger once the vehicle "
        "is charged: it is unplugged unplug_grace_h after a full-power charge of its need would have ended "
        "(an idle fee, 占位费, or a depot's rotation), so a waiting vehicle gets the charger then; its "
        "charging must be done by that time. 0 (default): every vehicle keeps its charger until it leaves [-]",
    )
    unplug_grace_h: float = Field(
        0.5, ge=0, le=24,
        description="Time a vehicle that frees its charger when charged stays plugged in after a full-power "
        "charge of its need would have ended (the idle-fee grace period; the smart charging's laxity for "
        "such a session) [h]",
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_kind_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("kind") is None:
            return data
        try:
            preset = fleet_presets(str(data["kind"]))
        except ValueError:
            return data  # the Literal check reports the bad kind
        data = dict(data)
        for key in _KIND_DEFAULTED:
            if data.get(key) is None:
                data[key] = preset[key]
        given = data.get("schedules")
        if isinstance(given, BaseModel):
            given = given.model_dump()
        if given is not None and not isinstance(given, dict):
            return data  # wrong shape: the FleetSchedules check reports it with its path
        merged: dict[str, Any] = {}
        for day in DAY_TYPES:
            base = dict(preset["schedules"][day])
            user = (given or {}).get(day)
            if isinstance(user, BaseModel):
                user = user.model_dump()
            if user is not None and not isinstance(user, dict):
                merged[day] = user  # reported by the DaySchedule check
                continue
            base.update(user or {})
            merged[day] = base
        for day in set(given or {}) - set(DAY_TYPES):
            merged[day] = given[day]  # unknown day types are reported, not dropped
        data["schedules"] = merged
        return data

    @model_validator(mode="after")
    def _check(self) -> EVFleetSpec:
        # the "before" validator has filled every kind default, so nothing is None here
        if self.v2g_min_soc > self.min_soc_departure:
            raise ValueError(
                f"v2g_min_soc ({self.v2g_min_soc}) must not exceed min_soc_departure "
                f"({self.min_soc_departure})"
            )
        if self.min_arrival_soc > self.min_soc_departure:
            raise ValueError(
                f"min_arrival_soc ({self.min_arrival_soc}) must not exceed min_soc_departure "
                f"({self.min_soc_departure})"
            )
        if self.arrival_soc is not None and self.arrival_soc >= self.min_soc_departure:
            # the need is min_soc_departure - arrival_soc: none, and the fleet would silently charge nothing
            raise ValueError(
                f"arrival_soc ({self.arrival_soc}) is not below min_soc_departure ({self.min_soc_departure}): "
                "the vehicles would need no charging in the park; give the state of charge they arrive with "
                "below the one they must leave with, or leave arrival_soc out (then it follows the day's distance)")
        if self.mode == "v2g" and self.chargers == 0:
            raise ValueError("mode 'v2g' with chargers 0: V2G needs charge points in the park; give chargers "
                             "(and v2g_share of them bidirectional) or choose mode 'uncontrolled'")
        return self

    @classmethod
    def preset(cls, kind: FleetKind, vehicles: int, *, name: str | None = None,
               **overrides: Any) -> EVFleetSpec:
        """Fleet of ``kind`` with preset defaults; keyword ``overrides`` replace fields.

        Examples
        --------
        >>> EVFleetSpec.preset("logistics_van", 20, chargers=10).battery_kwh
        140.41
        """
        return cls(name=name or kind, kind=kind, vehicles=vehicles, **overrides)

    @property
    def n_chargers(self) -> int:
        """Number of charge points (``chargers`` or one per vehicle) [-]."""
        return self.vehicles if self.chargers is None else self.chargers

    @property
    def session_kw(self) -> float:
        """Power one session draws at full charge (grid side): ``charger_kw`` limited by
        ``vehicle_max_charge_kw`` [kW]."""
        if self.vehicle_max_charge_kw is None:
            return float(self.charger_kw)
        return float(min(self.charger_kw, self.vehicle_max_charge_kw))

    @property
    def n_bidirectional(self) -> int:
        """Number of bidirectional charge points (0 unless mode is ``v2g``) [-]."""
        if self.mode != "v2g":
            return 0
        return round(self.v2g_share * self.n_chargers)


# --------------------------------------------------------------------------- sessions


def _lognormal(rng: np.random.Generator, mean: float, sd: float, size) -> np.ndarray:
    """Lognormal draws with the given mean and standard deviation (moment matching)."""
    if mean <= 0:
        return np.zeros(size)
    if sd <= 0:
        return np.full(size, float(mean))
    s2 = np.log1p((sd / mean) ** 2)
    return rng.lognormal(np.log(mean) - 0.5 * s2, np.sqrt(s2), size)


def draw_sessions(spec: EVFleetSpec, day_types: list[str], *, seed: int = 0,
                  prior_day_type: str | None = None) -> pd.DataFrame:
    """Draw the charging sessions of a fleet (vectorised over vehicles, looped over days).

    Parameters
    ----------
    spec : EVFleetSpec
    day_types : list of str
        Day type of each model day (``workday``, ``saturday``, ``sunday``, ``holiday``).
    seed : int
        Seed of the ``numpy.random.Generator``.
    prior_day_type : str, optional
        Day type of the day before the horizon; its sessions are drawn too (spin-up)
        so that vehicles are parked at the start. None = no spin-up day.

    Returns
    -------
    pandas.DataFrame
        One row per session: ``vehicle``, ``arrival_h``, ``departure_h`` [h since the
        start of the horizon], ``need_kwh`` (battery side) [kWh], ``arrival_soc`` [-],
        ``need_capped`` (bool: distance energy exceeded the SOC window).
    """
    rng = np.random.default_rng(seed)
    n = spec.vehicles
    days = ([prior_day_type] if prior_day_type else []) + list(day_types)
    offset = -1 if prior_day_type else 0
    last_dep = np.full(n, -np.inf)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in
                                         ("vehicle", "arrival_h", "departure_h", "distance_km")}
    for j, dtype in enumerate(days):
        sch: DaySchedule = getattr(spec.schedules, dtype)
        day0 = 24.0 * (j + offset)
        # draws are made for all vehicles every day so the stream stays aligned
        present = rng.random(n) < sch.share_present
        if sch.arrival_hour_shares is None:
            a = np.clip(rng.normal(sch.arrival_hour_mean, sch.arrival_hour_sd, n), 0.0,
                        24.0 - 1e-6)
        else:
            w = np.asarray(sch.arrival_hour_shares, dtype=float)
            a = rng.choice(24, size=n, p=w / w.sum()) + rng.random(n)
        d = np.clip(rng.normal(sch.departure_hour_mean, sch.departure_hour_sd, n), 0.0,
                    24.0 - 1e-6)
        dist = _lognormal(rng, spec.daily_distance_km_mean, spec.daily_distance_km_sd, n)
        arr = day0 + a
        dep = day0 + d + (24.0 if sch.overnight else 0.0)
        arr = np.maximum(arr, last_dep)  # a vehicle cannot arrive before it left
        dep = np.maximum(dep, arr + spec.min_dwell_h)
        idx = np.flatnonzero(present)
        cols["vehicle"].append(idx)
        cols["arrival_h"].append(arr[idx])
        cols["departure_h"].append(dep[idx])
        cols["distance_km"].append(dist[idx])
        last_dep[idx] = dep[idx]
    df = pd.DataFrame({k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()})
    df["vehicle"] = df["vehicle"].astype(np.int64)
    b = spec.battery_kwh
    if spec.arrival_soc is not None:
        soc_a = np.full(len(df), min(spec.arrival_soc, spec.min_soc_departure))
        capped = np.zeros(len(df), dtype=bool)
        dropped = np.zeros(len(df))
    else:
        soc_raw = spec.min_soc_departure - df["distance_km"].to_numpy() * \
            spec.consumption_kwh_per_km / b
        capped = soc_raw < spec.min_arrival_soc
        soc_a = np.maximum(soc_raw, spec.min_arrival_soc)
        dropped = b * np.maximum(spec.min_arrival_soc - soc_raw, 0.0)  # the trip's energy beyond the window
    df["arrival_soc"] = soc_a
    df["need_kwh"] = b * (spec.min_soc_departure - soc_a)
    df["need_capped"] = capped
    df["need_dropped_kwh"] = dropped
    return df.sort_values(["arrival_h", "vehicle"], kind="stable").reset_index(drop=True)


def run_charger_queue(arrival_h: np.ndarray, departure_h: np.ndarray, n_chargers: int,
                      n_bidirectional: int = 0, hold_h: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Simulate first-come-first-served access to shared chargers with simpy.

    A vehicle requests a charger on arrival, waits in a FIFO queue while all are
    taken, holds the charger until its departure (or for ``hold_h`` after plugging in,
    whichever comes first: a vehicle unplugged once charged) and leaves unserved if none
    frees up before it departs. Free bidirectional chargers are handed out first.

    Parameters
    ----------
    arrival_h, departure_h : numpy.ndarray
        Session times [h], arrays of equal length.
    n_chargers : int
        Number of charge points [-].
    n_bidirectional : int
        How many of them are bidirectional [-].
    hold_h : numpy.ndarray, optional
        Longest time each session keeps its charger after plugging in [h] (inf: until it
        departs); None = every session until it departs.

    Returns
    -------
    connect_h : numpy.ndarray
        Plug-in time [h]; NaN for sessions that never got a charger.
    bidirectional : numpy.ndarray of bool
        True if the session got a bidirectional charger.
    """
    import simpy  # only here (and in twin.operate): keeps `import twin` light

    arrival_h = np.asarray(arrival_h, dtype=float)
    departure_h = np.asarray(departure_h, dtype=float)
    n = arrival_h.size
    connect = np.full(n, np.nan)
    bidir = np.zeros(n, dtype=bool)
    if n == 0 or n_chargers == 0:
        return connect, bidir
    order = np.argsort(arrival_h, kind="stable")
    arr_list = arrival_h[order].tolist()
    dep_list = departure_h[order].tolist()
    hold_list = (np.full(n, np.inf) if hold_h is None else np.asarray(hold_h, float)[order]).tolist()
    env = simpy.Environment(initial_time=arr_list[0])
    store = simpy.PriorityStore(env)
    for k in range(n_chargers):
        store.put(simpy.PriorityItem(0 if k < n_bidirectional else 1, k))
    connect_sorted = [np.nan] * n
    bidir_sorted = [False] * n
    timeout = env.timeout

    def session(i: int):
        get = store.get()
        if not get.triggered:
            yield get | timeout(dep_list[i] - env.now)
            if not get.triggered:  # departed before a charger freed up
                get.cancel()
                return
        item = get.value
        connect_sorted[i] = env.now
        bidir_sorted[i] = item.priority == 0
        wait = min(dep_list[i] - env.now, hold_list[i])
        if wait > 0:
            yield timeout(wait)
        store.put(item)

    def source():
        process = env.process
        for i in range(n):
            dt = arr_list[i] - env.now
            if dt > 0:
                yield timeout(dt)
            process(session(i))

    env.process(source())
    env.run()
    connect[order] = connect_sorted
    bidir[order] = bidir_sorted
    return connect, bidir


# --------------------------------------------------------------------------- aggregation


def _ramp_sum(knots: np.ndarray, slopes: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Evaluate ``sum_j slopes_j * max(x - knots_j, 0)`` at every ``x`` (exact, vectorised)."""
    if knots.size == 0:
        return np.zeros_like(x, dtype=float)
    order = np.argsort(knots, kind="stable")
    k = knots[order]
    s = slopes[order]
    cs = np.concatenate([[0.0], np.cumsum(s)])
    cks = np.concatenate([[0.0], np.cumsum(s * k)])
    pos = np.searchsorted(k, x, side="right")
    return x * cs[pos] - cks[pos]


def _interval_integral(start: np.ndarray, end: np.ndarray, weight: np.ndarray,
                       edges: np.ndarray) -> np.ndarray:
    """Integral of ``sum_i weight_i * 1[start_i <= t < end_i]`` over each bin of ``edges``."""
    ok = end > start
    knots = np.concatenate([start[ok], end[ok]])
    slopes = np.concatenate([weight[ok], -weight[ok]])
    g = _ramp_sum(knots, slopes, edges)
    return np.diff(g)


def _session_table(spec: EVFleetSpec, sessions: pd.DataFrame, connect: np.ndarray,
                   bidir: np.ndarray) -> dict[str, np.ndarray]:
    """Per-session quantities in the horizon frame (spin-up sessions start at t = 0)."""
    eta = spec.charger_efficiency
    p_grid = spec.session_kw  # the charger's power, or the vehicle's where it takes less
    p_b = p_grid * eta  # battery-side charge power [kW]
    arr = sessions["arrival_h"].to_numpy()
    dep = sessions["departure_h"].to_numpy()
    need = sessions["need_kwh"].to_numpy()
    soc_a = sessions["arrival_soc"].to_numpy()
    served = np.isfinite(connect)
    c = np.where(served, connect, dep)
    dwell = np.maximum(dep - c, 0.0)
    delivered = np.where(served, np.minimum(need, p_b * dwell), 0.0)
    headroom = spec.battery_kwh * (1.0 - soc_a)
    v2g = spec.mode == "v2g"
    depth = np.where(served & bidir & v2g,
                     spec.battery_kwh * np.maximum(soc_a - spec.v2g_min_soc, 0.0), 0.0)
    # spin-up: state at t = 0 is what uncontrolled charging left
    pre = np.where(served & (c < 0.0), np.minimum(p_b * np.clip(-c, 0.0, None), delivered), 0.0)
    c0 = np.maximum(c, 0.0)
    return {
        "arr": arr, "dep": dep, "need": need, "served": served, "c": c, "c0": c0,
        "bidir": served & bidir, "delivered": delivered, "pre": pre,
        "req": delivered - pre,  # requirement left in the horizon frame [kWh]
        "head": headroom - pre, "depth": depth + pre, "p_b": p_b,
        "p_db": (p_grid / eta) if v2g else 0.0,
    }


def _session_hour_bounds(t: dict[str, Any], n_steps: int, *, v2g: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-hour bounds of the fleet's charging that the vehicles' own sessions set [kWh battery
    side per hour], whatever the schedule; each sums over the sessions connected in the hour.

    * ``take``: what the connected vehicles can take in the hour, each at most its charger's
      power over its part of the hour and at most its requirement (``min(P_b·o, R)``; a
      bidirectional session in V2G mode may take its charger's power: what it gives back it
      takes again). The count of connected chargers alone lets a vehicle that needs little
      (or one that is full) lend its charger's power to another.
    * ``forced``: what each vehicle must receive in the hour even if it charged at full power
      in every other hour of its session, ``P_b·max(o − λ, 0)`` with ``o`` the part of the
      hour it is connected and ``λ = dwell − R/P_b`` its laxity [h] (non-zero only where
      ``λ`` < 1 h: vehicles that plug in late, after a wait for a charger, or need nearly
      all their stay). The fleet envelope alone lets energy given earlier to another vehicle
      count for it.

    Both are bounds the sum of individual schedules keeps and the sum of the envelopes does
    not; each vehicle's charge-on-arrival keeps them.
    """
    p_b = t["p_b"]
    m = t["served"] & (t["dep"] > 0.0) & (t["dep"] > t["c0"])
    c, d, req = t["c0"][m], t["dep"][m], np.clip(t["req"][m], 0.0, None)
    bid = t["bidir"][m] if v2g else np.zeros(c.size, dtype=bool)
    lax = np.clip((d - c) - req / p_b, 0.0, None)
    take = np.zeros(n_steps)
    forced = np.zeros(n_steps)
    if c.size == 0:
        return take, forced
    h0 = np.floor(c).astype(np.int64)
    span = int(np.ceil(float(np.max(d - h0)))) + 1
    for k in range(span):
        h = h0 + k
        ov = np.clip(np.minimum(d, h + 1.0) - np.maximum(c, h), 0.0, 1.0)
        ok = (ov > 0.0) & (h < n_steps)
        if not ok.any():
            if np.all(h >= n_steps) or np.all(h + 0.0 >= d):
                break
            continue
        hk = h[ok]
        cap = np.where(bid[ok], p_b * ov[ok], np.minimum(p_b * ov[ok], req[ok]))
        take += np.bincount(hk, weights=cap, minlength=n_steps)[:n_steps]
        forced += np.bincount(hk, weights=p_b * np.clip(ov[ok] - lax[ok], 0.0, None),
                              minlength=n_steps)[:n_steps]
    return take, np.minimum(forced, take)


def _envelope_ramps(t: dict[str, Any], *, which: str) -> tuple[np.ndarray, np.ndarray]:
    """Knots and slopes of the summed per-session cumulative energy curves [kWh]."""
    p_b = t["p_b"]
    m = t["served"] & (t["dep"] > 0.0)
    c, d = t["c0"][m], t["dep"][m]
    req, head, depth = t["req"][m], t["head"][m], t["depth"][m]
    pb = np.full(c.size, p_b)
    if which == "uncontrolled":
        # min(P_b (t-c)^+, req)
        return (np.concatenate([c, c + req / p_b]), np.concatenate([pb, -pb]))
    if which == "max":
        p_db = t["p_db"]
        bd = t["bidir"][m] & (head > req) if p_db > 0.0 else np.zeros(c.size, dtype=bool)
        if not bd.any():
            # min(P_b (t-c)^+, req): as fast as possible, never more than the need
            return (np.concatenate([c, c + req / p_b]), np.concatenate([pb, -pb]))
        # V2G sessions: up at P_b to the headroom, flat, down at P_db to req at d
        t_star = (req + p_db * d + p_b * c) / (p_b + p_db)
        t1 = np.where(bd, np.minimum(c + head / p_b, t_star), c + req / p_b)
        t2 = np.where(bd, np.maximum(d - (head - req) / p_db, t_star), d)
        pdb = np.where(bd, p_db, 0.0)
        return (np.concatenate([c, t1, t2, d]), np.concatenate([pb, -pb, -pdb, pdb]))
    if which == "min":
        rise = d - req / p_b
        p_db = t["p_db"]
        if p_db <= 0.0:
            return (np.concatenate([rise, d]), np.concatenate([pb, -pb]))
        bd = t["bidir"][m] & (depth > 0)
        # V2G sessions: down at P_db to -depth, flat, up at P_b to req at d
        t_star = (p_b * d - req + p_db * c) / (p_b + p_db)
        t1 = np.where(bd, np.minimum(c + depth / p_db, t_star), c)
        t2 = np.where(bd, np.maximum(d - (req + depth) / p_b, t_star), rise)
        pdb = np.where(bd, p_db, 0.0)
        return (np.concatenate([c, t1, t2, d]), np.concatenate([-pdb, pdb, pb, -pb]))
    raise ValueError(which)


_SESSION_CACHE: dict = {}


def _simulate_sessions(spec: EVFleetSpec, index: pd.DatetimeIndex, dts: np.ndarray, *,
                       seed: int, calendar_given: bool) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw the sessions, run the charger queue and build the session table (one place,
    shared by :func:`simulate_fleet` and :func:`fleet_sessions`).

    The last few results are kept (same fleet, seed, horizon and calendar): a run that
    simulates the fleet for its profiles and then operates it hour by hour runs the
    charger queue once.  Callers must not modify what is returned.
    """
    import hashlib

    key = (spec.model_dump_json(), int(seed), str(index[0]), len(index), bool(calendar_given),
           hashlib.sha1(np.asarray(dts).astype(str).tobytes()).hexdigest())
    hit = _SESSION_CACHE.get(key)
    if hit is not None:
        return hit
    out = _simulate_sessions_uncached(spec, index, dts, seed=seed, calendar_given=calendar_given)
    if len(_SESSION_CACHE) >= 8:
        _SESSION_CACHE.pop(next(iter(_SESSION_CACHE)))
    _SESSION_CACHE[key] = out
    return out


def _simulate_sessions_uncached(spec: EVFleetSpec, index: pd.DatetimeIndex, dts: np.ndarray, *,
                                seed: int, calendar_given: bool) -> tuple[pd.DataFrame, dict[str, Any]]:
    day_list = [str(x) for x in dts[::24]]
    bad = set(day_list) - set(DAY_TYPES)
    if bad:
        raise ValueError(f"unknown day types {sorted(bad)}; expected {DAY_TYPES}")
    if not calendar_given:
        prior = str(china_day_types(pd.DatetimeIndex([index[0] - pd.Timedelta(days=1)]))
                    .iloc[0])
    else:
        prior = day_list[-1]  # caller-defined calendar: the cyclic guess
    sessions = draw_sessions(spec, day_list, seed=seed, prior_day_type=prior)
    hold, movers = None, np.zeros(len(sessions), dtype=bool)
    if spec.unplug_when_full_share > 0 and len(sessions):
        # a stream of its own: the sessions' draws stay those of a fleet without the policy
        movers = np.random.default_rng([int(seed), 0x5EA7]).random(len(sessions)) < spec.unplug_when_full_share
        p_b = spec.session_kw * spec.charger_efficiency
        hold = np.where(movers, sessions["need_kwh"].to_numpy() / p_b + spec.unplug_grace_h, np.inf)
    dep = sessions["departure_h"].to_numpy()
    connect, bidir = run_charger_queue(sessions["arrival_h"].to_numpy(), dep,
                                       spec.n_chargers, spec.n_bidirectional, hold_h=hold)
    if hold is not None:
        # the charging session ends when the charger is freed (the vehicle itself stays parked)
        sessions = sessions.copy()
        freed = movers & np.isfinite(connect)
        sessions["departure_h"] = np.where(freed, np.minimum(dep, connect + np.where(freed, hold, 0.0)), dep)
    sessions["unplugs_when_full"] = movers
    return sessions, _session_table(spec, sessions, connect, bidir)


def fleet_sessions(spec: EVFleetSpec, index: pd.DatetimeIndex, *, seed: int = 0,
                   day_types=None) -> pd.DataFrame:
    """The charging sessions behind :func:`simulate_fleet` (same draws for the same seed).

    Used by the operational twin (``twin.operate``), which charges each vehicle inside
    the hour instead of the fleet envelope.

    Parameters
    ----------
    spec, index, seed, day_types
        As for :func:`simulate_fleet`.

    Returns
    -------
    pandas.DataFrame
        One row per session that reaches the horizon (departure after its start):
        ``vehicle``, ``arrival_h`` [h since the start of the horizon], ``connect_h``
        (plug-in after any wait; NaN if no charger freed up) [h], ``departure_h`` [h],
        ``need_kwh`` (energy to reach ``min_soc_departure``, battery side) [kWh],
        ``promise_kwh`` (the part of the need that fits into the connection: the
        envelope's requirement ``R``) [kWh], ``pre_kwh`` (received before the horizon
        starts, spin-up sessions) [kWh], ``arrival_soc`` [-], ``bidirectional`` (bool),
        ``served`` (bool), ``unplugs_when_full`` (bool: the charger is freed once the vehicle is
        charged, ``departure_h`` is then that time, see ``EVFleetSpec.unplug_when_full_share``).  Attributes ``p_battery_kw`` (battery-side charge power per
        charger) [kW], ``eta`` [-], ``battery_kwh`` [kWh], ``v2g_min_soc`` [-].
    """
    index = pd.DatetimeIndex(index)
    n_steps = len(index)
    if n_steps == 0 or n_steps % 24 or index[0].hour != 0 or index[0].minute != 0:
        raise ValueError("index must start at local midnight and cover whole days of 24 steps")
    dts = china_day_types(index).to_numpy() if day_types is None else np.asarray(day_types)
    if dts.shape != (n_steps,):
        raise ValueError(f"day_types must have one entry per step ({n_steps})")
    sessions, t = _simulate_sessions(spec, index, dts, seed=seed,
                                     calendar_given=day_types is not None)
    keep = t["dep"] > 0.0
    df = pd.DataFrame({
        "vehicle": sessions["vehicle"].to_numpy()[keep],
        "arrival_h": t["arr"][keep],
        "connect_h": np.where(t["served"], t["c"], np.nan)[keep],
        "departure_h": t["dep"][keep],
        "need_kwh": t["need"][keep],
        "promise_kwh": t["delivered"][keep],
        "pre_kwh": t["pre"][keep],
        "arrival_soc": sessions["arrival_soc"].to_numpy()[keep],
        "bidirectional": (t["bidir"] & (spec.mode == "v2g"))[keep],
        "served": t["served"][keep],
        "unplugs_when_full": sessions["unplugs_when_full"].to_numpy()[keep],
    })
    df.attrs.update({"p_battery_kw": float(t["p_b"]), "eta": float(spec.charger_efficiency),
                     "battery_kwh": float(spec.battery_kwh),
                     "v2g_min_soc": float(spec.v2g_min_soc), "fleet": spec.name,
                     "mode": spec.mode})
    return df


def simulate_fleet(spec: EVFleetSpec, index: pd.DatetimeIndex, *, seed: int = 0,
                   day_types=None):
    """Simulate a fleet over the model horizon and return hourly load and flexibility envelope.

    Parameters
    ----------
    spec : EVFleetSpec
        Fleet description.
    index : pandas.DatetimeIndex
        Hourly model steps (start-of-hour labels), starting at local midnight; the
        length must be a whole number of days (8760 for the model year). Model time
        is counted in steps, so the leap-day gap of the typical year is bridged.
    seed : int
        Seed of the random draws; equal seeds give identical results.
    day_types : array-like of str, optional
        Day type per step (``workday/saturday/sunday/holiday``); default
        :func:`twin.components.calendar.china_day_types`.

    Returns
    -------
    xarray.Dataset
        Dimension ``time`` (= ``index``). Variables, each with ``units`` and ``long_name``:
        ``p_uncontrolled_kw``, ``p_charge_max_kw``, ``p_discharge_max_kw``,
        ``e_cum_min_kwh``, ``e_cum_max_kwh``, ``e_cum_uncontrolled_kwh``,
        ``n_connected``, ``n_queued``, ``e_demand_kwh``. Attributes: fleet parameters
        (``eta_charge``, ``eta_discharge``, ``mode``, ``v2g_degradation_cost_cny_per_kwh``
        ...) and session statistics (``sessions``, ``energy_need_kwh``,
        ``energy_delivered_kwh``, ``energy_unserved_kwh``, ``mean_dwell_h`` ...),
        all counted over every simulated session including the spin-up day and the
        parts after the horizon.

    Notes
    -----
    Envelope convention (docs/architecture.md): the optimiser keeps
    ``E[t] = sum_{tau<=t} (eta_c p_ch[tau] - p_dis[tau]/eta_d) * 1 h`` within
    ``[e_cum_min_kwh[t], e_cum_max_kwh[t]]``, with ``0 <= p_ch <= p_charge_max_kw`` and
    ``0 <= p_dis <= p_discharge_max_kw``. For ``mode='uncontrolled'`` the fleet is a fixed
    load ``p_uncontrolled_kw``; the envelope is still reported for comparison.

    Scaling of the V2G envelope when the optimiser chooses the bidirectional share
    ``s`` below the simulated ``v2g_share`` (``solvers.EVFleet.v2g_charger_cost``):
    only the discharge power bound scales, ``p_dis <= (s / v2g_share) *
    p_discharge_max_kw``; ``e_cum_min_kwh`` and ``e_cum_max_kwh`` stay as simulated
    here with ``v2g_share``, i.e. they keep the V2G depth and headroom of all
    simulated bidirectional sessions. This is an optimistic approximation (the
    window is wider than fewer bidirectional chargers could use; the energy shifted
    is limited only through the scaled power), exact at ``s = v2g_share``. The
    simulated share is ``n_bidirectional / n_chargers`` (rounded to whole chargers).
    """
    import xarray as xr

    index = pd.DatetimeIndex(index)
    n_steps = len(index)
    if n_steps == 0 or n_steps % 24 or index[0].hour != 0 or index[0].minute != 0:
        raise ValueError("index must start at local midnight and cover whole days of 24 steps")
    if day_types is None:
        dts = china_day_types(index).to_numpy()
    else:
        dts = np.asarray(day_types)
        if dts.shape != (n_steps,):
            raise ValueError(f"day_types must have one entry per step ({n_steps})")
    sessions, t = _simulate_sessions(spec, index, dts, seed=seed,
                                     calendar_given=day_types is not None)

    edges = np.arange(n_steps + 1, dtype=float)
    ends = edges[1:]
    eta = spec.charger_efficiency
    p_grid = spec.session_kw

    def cum(which: str) -> np.ndarray:
        k, s = _envelope_ramps(t, which=which)
        return _ramp_sum(k, s, ends)

    e_unc = cum("uncontrolled")
    e_max = cum("max")
    e_min = cum("min")
    # the ramp sums are exact up to float rounding (~1e-12 relative); remove that noise
    # so that the contract holds exactly: min <= max, and monotone bounds without V2G
    if spec.mode != "v2g" or spec.n_bidirectional == 0:
        e_max = np.maximum.accumulate(np.clip(e_max, 0.0, None))
        e_min = np.maximum.accumulate(np.clip(e_min, 0.0, None))
    e_min = np.minimum(e_min, e_max)
    # grid side [kW] over 1 h steps; clip float noise (~1e-12) so the load is never negative
    # and rebuild the cumulative from it so both stay exactly consistent
    p_unc = np.clip(np.diff(np.concatenate([[0.0], e_unc])) / eta, 0.0, None)
    e_unc = np.cumsum(p_unc * eta)

    served = t["served"]
    c0, dep = t["c0"], t["dep"]
    ones = np.ones(served.sum())
    n_conn = _interval_integral(c0[served], dep[served], ones, edges)
    p_take, p_forced = _session_hour_bounds(t, n_steps, v2g=spec.mode == "v2g")
    bid = t["bidir"] & (spec.mode == "v2g")
    n_bid = _interval_integral(c0[bid], dep[bid], np.ones(bid.sum()), edges)
    q_end = np.where(served, t["c"], dep)
    q_start = np.maximum(t["arr"], 0.0)
    n_queue = _interval_integral(q_start, np.maximum(q_end, q_start),
                                 np.ones(q_end.size), edges)
    n_conn, n_bid, n_queue = (np.clip(x, 0.0, None) for x in (n_conn, n_bid, n_queue))
    arr = t["arr"]
    in_h = (arr >= 0) & (arr < n_steps)
    e_dem = np.bincount(np.floor(arr[in_h]).astype(np.int64), weights=t["need"][in_h],
                        minlength=n_steps)[:n_steps]

    def da(values, units, long_name):
        return xr.DataArray(np.asarray(values, dtype=float), dims="time",
                            attrs={"units": units, "long_name": long_name})

    dwell = np.maximum(dep - t["c"], 0.0)[served]
    wait = (np.where(served, t["c"], dep) - arr)
    need_total = float(t["need"].sum())
    delivered_total = float(t["delivered"].sum())
    attrs = {
        "fleet": spec.name, "kind": spec.kind, "mode": spec.mode, "seed": int(seed),
        "vehicles": spec.vehicles, "chargers": spec.n_chargers,
        "bidirectional_chargers": spec.n_bidirectional,
        "charger_kw": float(spec.charger_kw), "session_kw": float(p_grid), "battery_kwh": float(spec.battery_kwh),
        "eta_charge": float(eta), "eta_discharge": float(eta),
        "v2g_degradation_cost_cny_per_kwh": float(spec.v2g_degradation_cost_cny_per_kwh),
        "sessions": len(sessions),
        "sessions_unserved": int((~served).sum()),
        "sessions_need_capped": int(sessions["need_capped"].sum()),
        "sessions_waited": int((served & (t["c"] > sessions["arrival_h"].to_numpy() + 1e-9)).sum()),
        "sessions_unplugged_when_full": int((sessions["unplugs_when_full"].to_numpy() & served).sum()),
        "unplug_when_full_share": float(spec.unplug_when_full_share),
        "unplug_grace_h": float(spec.unplug_grace_h),
        "energy_need_kwh": need_total,
        "energy_delivered_kwh": delivered_total,
        "energy_unserved_kwh": float(np.sum(t["need"] - t["delivered"])),
        # of it, the need of sessions that found no charger (the rest: a charger found too late to charge fully)
        "energy_no_charger_kwh": float(np.sum(t["need"][~served])),
        # trips that need more than the battery's usable window: the energy beyond it is in no need
        "energy_dropped_kwh": float(sessions["need_dropped_kwh"].sum()),
        "energy_delivered_in_horizon_kwh": float(e_unc[-1]),
        "mean_dwell_h": float(dwell.mean()) if dwell.size else 0.0,
        "mean_wait_h": float(wait.mean()) if wait.size else 0.0,
        "max_wait_h": float(wait.max()) if wait.size else 0.0,
        "energy_basis": "need/delivered/unserved are battery side; p_* are grid side",
        "horizon_note": "sessions of the day before the horizon are simulated; connected vehicles "
                        "enter at t=0 in the uncontrolled state; no wrap-around at the end",
    }
    ds = xr.Dataset(
        {
            "p_uncontrolled_kw": da(p_unc, "kW", "EV charging power, charge on arrival (grid side)"),
            "p_charge_max_kw": da(np.minimum(p_take / eta, n_conn * p_grid), "kW",
                                  "charging power the connected vehicles can take: each at most its "
                                  "charger's power and its requirement (grid side)"),
            "p_charge_min_kw": da(p_forced / eta, "kW",
                                  "charging the vehicles' sessions force whatever the schedule: each "
                                  "vehicle's hours with less than an hour of laxity (grid side)"),
            "p_discharge_max_kw": da(n_bid * p_grid, "kW",
                                     "rated V2G power of bidirectional chargers with a vehicle "
                                     "connected"),
            "e_cum_min_kwh": da(e_min, "kWh",
                                "lower bound of cumulative net energy into the batteries, "
                                "end of hour"),
            "e_cum_max_kwh": da(e_max, "kWh",
                                "upper bound of cumulative net energy into the batteries, "
                                "end of hour"),
            "e_cum_uncontrolled_kwh": da(e_unc, "kWh",
                                         "cumulative energy into the batteries under uncontrolled "
                                         "charging, end of hour"),
            "n_connected": da(n_conn, "1", "mean number of vehicles connected to a charger"),
            "n_queued": da(n_queue, "1", "mean number of vehicles waiting for a charger"),
            "e_demand_kwh": da(e_dem, "kWh",
                               "energy need (battery side) of sessions arriving in the hour"),
        },
        coords={"time": index},
        attrs=attrs,
    )
    return ds


def virtual_battery(ds) -> Any:
    """Describe the fleet flexibility as a virtual battery around the uncontrolled baseline.

    State ``x[t] = E[t] - E_unc[t]`` (energy shifted relative to charge-on-arrival)
    with bounds and power limits, following the aggregate-EV battery view of [2]_.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`simulate_fleet`.

    Returns
    -------
    xarray.Dataset
        ``e_vb_min_kwh`` (<= 0: energy that may be deferred or discharged),
        ``e_vb_max_kwh`` (>= 0: energy that may be charged ahead of the baseline),
        ``p_vb_up_kw`` (extra grid-side charging possible above the baseline) and
        ``p_vb_down_kw`` (reduction below the baseline plus V2G discharge).
    """
    import xarray as xr

    e_unc = ds["e_cum_uncontrolled_kwh"]
    p_unc = ds["p_uncontrolled_kw"]

    def da(v, units, name):
        return xr.DataArray(v.to_numpy(), dims="time", attrs={"units": units, "long_name": name})

    return xr.Dataset(
        {
            "e_vb_min_kwh": da(ds["e_cum_min_kwh"] - e_unc, "kWh",
                               "lower bound of energy shifted relative to uncontrolled charging"),
            "e_vb_max_kwh": da(ds["e_cum_max_kwh"] - e_unc, "kWh",
                               "upper bound of energy shifted relative to uncontrolled charging"),
            "p_vb_up_kw": da((ds["p_charge_max_kw"] - p_unc).clip(min=0.0), "kW",
                             "charging power available above the uncontrolled load"),
            "p_vb_down_kw": da(p_unc + ds["p_discharge_max_kw"], "kW",
                               "power reduction available below the uncontrolled load incl. V2G"),
        },
        coords={"time": ds["time"]},
        attrs={k: ds.attrs[k] for k in ("fleet", "mode", "eta_charge", "eta_discharge")},
    )


def fleet_annual_summary(ds) -> dict[str, float | int | str]:
    """Annual key figures of a simulated fleet.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`simulate_fleet`.

    Returns
    -------
    dict
        ``energy_grid_uncontrolled_kwh`` (grid side, in the horizon), ``peak_uncontrolled_kw``,
        ``hour_of_peak_mean_profile`` [h], ``mean_connected``, ``max_queued``,
        ``mean_flexible_energy_kwh`` (mean of ``e_cum_max - e_cum_min``),
        ``v2g_capacity_kwh_h`` (sum of hourly V2G discharge capacity [kW h]),
        plus the session statistics from ``ds.attrs``.
    """
    p = ds["p_uncontrolled_kw"].to_numpy()
    hours = pd.DatetimeIndex(ds["time"].to_numpy()).hour
    prof = pd.Series(p).groupby(np.asarray(hours)).mean()
    out: dict[str, float | int | str] = {
        "fleet": ds.attrs["fleet"], "mode": ds.attrs["mode"],
        "energy_grid_uncontrolled_kwh": float(p.sum() * 1.0),
        "peak_uncontrolled_kw": float(p.max()) if p.size else 0.0,
        "hour_of_peak_mean_profile": int(prof.idxmax()) if p.size else 0,
        "mean_connected": float(ds["n_connected"].mean()),
        "max_queued": float(ds["n_queued"].max()),
        "mean_flexible_energy_kwh": float((ds["e_cum_max_kwh"] - ds["e_cum_min_kwh"]).mean()),
        "v2g_capacity_kwh_h": float(ds["p_discharge_max_kw"].sum() * 1.0),
    }
    for k in ("sessions", "sessions_unserved", "energy_need_kwh", "energy_delivered_kwh",
              "energy_unserved_kwh", "mean_dwell_h", "mean_wait_h"):
        out[k] = ds.attrs[k]
    return out
