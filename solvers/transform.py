r"""Transformations of a :class:`~solvers.problem.SizingProblem` that return a new problem.

Written once over the field declarations of :mod:`solvers.problem`: every hourly array
is declared with :func:`solvers.problem.hourly` (time axis, unit, whether it is a
clustering feature, whether it is cumulative) and every size bound with
:func:`solvers.problem.size_bound`, so no function here lists fields by hand.

``map_hourly(obj, fn)``
    A copy of a problem (or of one of its asset dataclasses) with every hourly field
    replaced by ``fn(values, meta, owner)``.  Used by :func:`window` and by
    :func:`solvers.aggregation.representative_days`.
``with_fixed_sizes(problem, sizes)``
    Pin every size bound to a solved size: a dispatch-only re-solve.
``window(problem, t0, t1, initial_state)``
    The sub-problem over steps ``[t0, t1)`` with the content of every store taken from
    ``initial_state`` (a rolling-horizon controller's state), optionally valuing the
    energy left at the end.

Costs of a window
-----------------
A window keeps its parent's step weights (1 for a full year), so its energy, fuel,
wear and carbon costs are those of its own hours; capital annuities of sized assets
stay in the objective as a constant unless the sizes were made existing
(``with_fixed_sizes(..., as_existing=True)``, the normal case for operation).  The
demand charge of a window charges only the *increase* of each month's maximum import
above ``GridConnection.peak_so_far_kw[month]`` (the peak already reached earlier in the
month): :math:`c^{dem} \sum_m (\hat P_m - \hat P^{0}_m)`, :math:`\hat P_m \ge \hat P^{0}_m`.
Emission caps (``carbon.max_net_emissions_t``, net zero) are annual targets and are not
divided among windows: a window of a ``net_zero`` problem is rejected; give a window
``objective="min_cost"`` (the default of :func:`window`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from solvers.problem import AssetCost, SizingProblem

__all__ = ["iter_hourly", "map_hourly", "with_fixed_sizes", "window", "per_store", "STATE_KEYS"]

#: Keys of a store state (``initial_state`` of :func:`window`,
#: ``SizingResult.store_states["initial" | "end"]``).
STATE_KEYS = ("battery_kwh", "tes_kwh", "cold_kwh", "ev_cum_kwh", "grid_peak_kw")


def _children(obj) -> Iterator[tuple[str, Any]]:
    for f in dataclasses.fields(obj):
        yield f.name, getattr(obj, f.name)


def iter_hourly(obj, path: str = "") -> Iterator[tuple[str, Any, dataclasses.Field, Any]]:
    """Every hourly field below ``obj``: ``(path, owner, field, value)``.

    ``path`` is a readable location such as ``"pv[roof].ac_per_kwp"``; ``value`` is
    the stored value (array, scalar where ``scalar_ok``, or None).
    """
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        p = f"{path}.{f.name}" if path else f.name
        if f.metadata.get("hourly"):
            yield p, obj, f, v
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            yield from iter_hourly(v, p)
        elif isinstance(v, list):
            for i, item in enumerate(v):
                if dataclasses.is_dataclass(item):
                    yield from iter_hourly(item, f"{p}[{getattr(item, 'name', i)}]")


def map_hourly(obj, fn: Callable[[np.ndarray, dict, Any], Any]):
    """A copy of ``obj`` with every hourly array ``a`` replaced by ``fn(a, meta, owner)``.

    Recurses into dataclass fields and lists of dataclasses; ``None`` values and
    scalars standing for constant series are kept as they are.  ``meta`` is the field
    metadata of :func:`solvers.problem.hourly` plus ``name`` (the field name);
    ``owner`` is the original dataclass holding the field.  ``obj`` is not modified.
    """
    changes = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if f.metadata.get("hourly"):
            if v is None or (f.metadata.get("scalar_ok") and np.ndim(v) == 0):
                continue
            changes[f.name] = fn(np.asarray(v), {**f.metadata, "name": f.name}, obj)
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            changes[f.name] = map_hourly(v, fn)
        elif isinstance(v, list) and any(dataclasses.is_dataclass(i) for i in v):
            changes[f.name] = [map_hourly(i, fn) if dataclasses.is_dataclass(i) else i for i in v]
    return dataclasses.replace(obj, **changes)


def _map_assets(obj, fn):
    """A copy of ``obj`` with every nested asset dataclass replaced by ``fn(asset)``."""
    changes = {}
    for name, v in _children(obj):
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            changes[name] = _map_assets(v, fn)
        elif isinstance(v, list) and any(dataclasses.is_dataclass(i) for i in v):
            changes[name] = [_map_assets(i, fn) if dataclasses.is_dataclass(i) else i for i in v]
    return fn(dataclasses.replace(obj, **changes))


def with_fixed_sizes(problem: SizingProblem, sizes: dict, *, as_existing: bool = False,
                     minimum_only: bool = False) -> SizingProblem:
    """A copy of ``problem`` whose asset sizes are pinned to ``sizes``.

    Every field declared with :func:`solvers.problem.size_bound` whose size key is in
    ``sizes`` (``sizes[key][asset.name]`` for per-asset sizes) is set to that size:
    lower and upper bounds alike, so the re-solve is a dispatch with the sizes of the
    sizing solve (the representative-day mode, the operational twin).  Upper bounds
    are never set below the existing size.  Sizes missing from ``sizes`` keep their
    bounds.

    Parameters
    ----------
    problem : SizingProblem
    sizes : dict
        ``SizingResult.sizes`` of a solve of the same park [kW, kWh, kWp, -].
    as_existing : bool
        Also declare the sizes as already installed (``existing_*``), so no capital
        cost and no size column remain: the problem of operating the built park.
    minimum_only : bool
        Set the lower bounds only: ``sizes`` become minimum sizes and the upper bounds stay
        (a re-sizing that may only add to ``sizes``).

    Returns
    -------
    SizingProblem
        A new problem; ``problem`` is not modified.
    """

    def fix(asset):
        changes = {}
        for f in dataclasses.fields(asset):
            key = f.metadata.get("size_key")
            if key is None or key not in sizes:
                continue
            val = sizes[key]
            if isinstance(val, dict):
                name = getattr(asset, "name", None)
                if name not in val:
                    continue
                val = val[name]
            val = float(val)
            if minimum_only and f.metadata.get("bound") != "min":
                continue
            ex = f.metadata.get("existing")
            if ex is not None:
                existing = float(getattr(asset, ex))
                if f.metadata["bound"] == "max":
                    val = max(val, existing)
                if as_existing:
                    changes[ex] = max(val, existing)
            changes[f.name] = val
        return dataclasses.replace(asset, **changes) if changes else asset

    return _map_assets(problem, fix)


def without_idle_costs(problem: SizingProblem) -> SizingProblem:
    """A copy of ``problem`` in which assets that can build nothing carry no costs.

    Capital and fixed costs apply only to the part of a size above the existing one
    (module docstring of :mod:`solvers.problem`); an asset whose every upper size bound is
    at most its existing size — every asset of a baseline — has no size column, so its
    :class:`~solvers.problem.AssetCost` never reaches the LP. Replacing those costs by
    ``AssetCost()`` gives the same LP, which lets problems that differ only in the prices
    of unbuildable assets be recognised as one (:func:`twin.run.solve_baseline`).
    """

    def idle(asset):
        bounds = [f for f in dataclasses.fields(asset) if f.metadata.get("bound") == "max"]
        if not bounds or any(f.metadata.get("existing") is None for f in bounds):
            return asset
        for f in bounds:
            hi, existing = getattr(asset, f.name), getattr(asset, f.metadata["existing"])
            if hi is None or existing is None or float(hi) > float(existing):
                return asset
        changes = {f.name: AssetCost() for f in dataclasses.fields(asset)
                   if isinstance(getattr(asset, f.name), AssetCost)}
        return dataclasses.replace(asset, **changes) if changes else asset

    return _map_assets(problem, idle)


def fingerprint(obj, h=None) -> str:
    """SHA-256 of the content of a problem (or any nest of dataclasses, containers, arrays).

    Canonical, unlike a pickle: an array counts by its dtype, shape and values in C order
    (not by its memory layout, which differs between a process that built the profiles
    and one that received them from another), a dict by its sorted items, anything else by
    its type and ``repr``. Equal fingerprints mean equal data to the last bit.
    """
    import hashlib

    top = h is None
    h = hashlib.sha256() if top else h
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"<{type(obj).__qualname__}>".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            fingerprint(getattr(obj, f.name), h)
    elif isinstance(obj, np.ndarray):
        a = np.ascontiguousarray(obj)
        h.update(f"<array {a.dtype.str} {a.shape}>".encode())
        h.update(a.tobytes() if a.dtype != object else repr(a.tolist()).encode())
    elif isinstance(obj, dict):
        h.update(b"<dict>")
        for k in sorted(obj, key=repr):
            h.update(repr(k).encode())
            fingerprint(obj[k], h)
    elif isinstance(obj, (list, tuple)):
        h.update(f"<{type(obj).__name__} {len(obj)}>".encode())
        for v in obj:
            fingerprint(v, h)
    elif isinstance(obj, (set, frozenset)):  # iteration order varies between processes
        h.update(f"<set {len(obj)}>".encode())
        for v in sorted(obj, key=repr):
            fingerprint(v, h)
    else:
        h.update(f"<{type(obj).__name__}>{obj!r}".encode())
    return h.hexdigest() if top else ""


def window(problem: SizingProblem, t0: int, t1: int, initial_state: dict | None = None, *,
           end_value_cny_per_kwh: dict | float | None = None,
           end_min_kwh: dict | None = None,
           objective: str = "min_cost") -> SizingProblem:
    """The sub-problem over steps ``[t0, t1)`` of ``problem``, starting from a known state.

    Parameters
    ----------
    problem : SizingProblem
        Hourly problem (not linked representative days).
    t0, t1 : int
        First step and one past the last step of the window, ``0 <= t0 < t1 <= T``.
    initial_state : dict, optional
        Content of the stores before step ``t0`` (keys of :data:`STATE_KEYS`, as in
        ``SizingResult.store_states["end"]`` of the previous window):
        ``battery_kwh`` {battery: kWh}, ``tes_kwh`` {store: kWh} and ``cold_kwh`` {cold store:
        kWh of cooling} (each store named
        starts from it instead of closing a cycle; one number is accepted where the
        problem has one store of the kind); ``ev_cum_kwh`` {fleet: cumulative net energy delivered into
        the fleet's batteries since the start of ``problem``'s horizon [kWh]} (the
        fleet's envelope is shifted to it; default: the envelope's lower bound just
        before ``t0``, 0 at ``t0 = 0``); ``grid_peak_kw`` {month: maximum import so far
        in that month [kW]} (sets ``GridConnection.peak_so_far_kw``).  A store not named
        keeps ``problem``'s rule (cyclic by default).
    end_value_cny_per_kwh : float or dict, optional
        Value of energy left in the stores after the last step [CNY/kWh], one number
        for all or {``"battery_kwh"``: v, ``"tes_kwh"``: v, ``"cold_kwh"``: v} with ``v`` a number or
        {store: CNY/kWh}; credited in the objective
        so the window does not empty its stores for free.
    end_min_kwh : dict, optional
        Lower bounds on the content after the last step {``"battery_kwh"`` | ``"tes_kwh"`` | ``"cold_kwh"``:
        {store: kWh}} (a number for a kind with one store).
    objective : str
        Objective of the window; annual emission targets cannot be windowed, so
        ``"min_cost"`` by default (``carbon.max_net_emissions_t`` is dropped).

    Returns
    -------
    SizingProblem
        ``t1 - t0`` steps; ``problem`` is not modified.
    """
    T = problem.n_steps
    if not 0 <= t0 < t1 <= T:
        raise ValueError(f"window [{t0}, {t1}) is not within the problem's 0..{T} steps")
    if problem.period_order is not None:
        raise ValueError("window: linked representative days cannot be windowed "
                         "(window the full-year problem)")
    if objective != "min_cost":
        raise ValueError(f"window: objective {objective!r} is an annual target; a window "
                         "is a dispatch problem (objective='min_cost')")
    state = dict(initial_state or {})
    unknown = set(state) - set(STATE_KEYS)
    if unknown:
        raise ValueError(f"window: unknown initial_state keys {sorted(unknown)}; "
                         f"expected {STATE_KEYS}")
    ev_state = dict(state.get("ev_cum_kwh") or {})
    names = {f.name for f in problem.ev_fleets}
    if set(ev_state) - names:
        raise ValueError(f"window: initial_state ev_cum_kwh names unknown fleets "
                         f"{sorted(set(ev_state) - names)} (known: {sorted(names)})")

    def shift_of(fleet) -> float:
        """Cumulative energy at the window start minus the fleet's current origin [kWh]."""
        if fleet.name in ev_state:
            return float(ev_state[fleet.name]) - fleet.e_cum_offset_kwh
        return float(np.asarray(fleet.e_cum_min_kwh)[t0 - 1]) if t0 > 0 else 0.0

    def cut(a, meta, owner):
        if a.ndim == 0:
            return a
        out = a[t0:t1]
        if meta.get("cumulative"):
            out = out - shift_of(owner)
        return out

    q = map_hourly(problem, cut)
    q.ev_fleets = [dataclasses.replace(fq, e_cum_offset_kwh=fp.e_cum_offset_kwh + shift_of(fp))
                   for fq, fp in zip(q.ev_fleets, problem.ev_fleets)]
    q.objective = "min_cost"
    q.carbon = dataclasses.replace(q.carbon, max_net_emissions_t=None)
    if "grid_peak_kw" in state:
        q.grid = dataclasses.replace(q.grid, peak_so_far_kw={
            int(k): float(v) for k, v in (state["grid_peak_kw"] or {}).items()})

    end_min = dict(end_min_kwh or {})
    if set(end_min) - {"battery_kwh", "tes_kwh", "cold_kwh"}:
        raise ValueError(f"window: end_min_kwh keys must be battery_kwh, tes_kwh or cold_kwh, "
                         f"got {sorted(end_min)}")
    for attr, key in (("batteries", "battery_kwh"), ("thermal_stores", "tes_kwh"), ("cold_stores", "cold_kwh")):
        stores = getattr(q, attr)
        names = [x.name for x in stores]
        init = per_store(state.get(key), key, "initial_state", names, attr)
        emin = per_store(end_min.get(key), key, "end_min_kwh", names, attr)
        ev = end_value_cny_per_kwh
        if isinstance(ev, dict):
            ev = ev.get(key)
        evals = per_store(ev, key, "end_value_cny_per_kwh", names, attr, broadcast=True)
        new = []
        for x in stores:
            ch = {"end_value_cny_per_kwh": float(evals.get(x.name, 0.0))}
            if init.get(x.name) is not None:
                ch.update(initial_kwh=float(init[x.name]), cyclic=False)
            if x.name in emin:
                ch["end_min_kwh"] = float(emin[x.name])
            new.append(dataclasses.replace(x, **ch))
        setattr(q, attr, new)
    return q


def per_store(value, key: str, what: str, names: list[str], attr: str, *,
              broadcast: bool = False) -> dict:
    """A per-store value of a window argument as {store name: value}.

    ``value`` is None (nothing given), a mapping {store name: value}, or one number: the
    one-store shorthand (with ``broadcast``: the same number for every store).
    """
    if value is None:
        return {}
    if isinstance(value, dict):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"window: {what} {key} names unknown {attr} {sorted(unknown)} "
                             f"(known: {names or 'none'})")
        return {k: v for k, v in value.items() if v is not None}
    if not names:
        if broadcast:
            return {}
        raise ValueError(f"window: {what} {key} given but the problem has no {attr}")
    if len(names) > 1 and not broadcast:
        raise ValueError(f"window: {what} {key} is one number but the problem has {len(names)} "
                         f"{attr} {names}; give {{name: kWh}}")
    return {n: value for n in names}
