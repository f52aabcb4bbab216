"""Scenario section ``grid.network``: the park's electrical network for the AC check.

Pure pydantic (no pandapower here, so the schema stays light). Two ways to describe it:

* **explicit**: ``buses``, ``lines`` (pandapower standard types and lengths),
  ``transformers`` (standard types or rated values), ``switches`` and ``connections``
  (which bus each asset of the scenario hangs on);
* **default layout** (no ``buses``): only ``sites`` (which assets sit together and how far
  they are from the park substation, or their positions), or nothing at all. The tool
  then lays out a radial network (:func:`twin.grid.build.default_layout`) and states
  every choice it made in the outputs.

Limits default to GB/T 12325-2008 (supply voltage deviation: ±7 % of nominal for three-phase
supply at 20 kV and below) and 100 % thermal loading.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class GridInputError(ValueError):
    """A network the input describes that the grid stage cannot use (an unknown standard type, no
    hour of the AC flow converging): the user's to fix, reported as such (``twin.run.grid_check``)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BusSpec(_Strict):
    """One node of an explicit network."""

    name: str = Field(description="Bus name, unique [-].")
    vn_kv: float = Field(gt=0, le=1000, description="Nominal voltage [kV].")


class LineSpec(_Strict):
    """A cable or overhead line of an explicit network."""

    name: str = Field(description="Line name, unique [-].")
    from_bus: str = Field(description="Bus at one end [-].")
    to_bus: str = Field(description="Bus at the other end [-].")
    std_type: str = Field(
        description="pandapower standard line type, e.g. 'NA2XS2Y 1x240 RM/25 12/20 kV' (see "
        "pandapower.available_std_types(net, 'line')) [-]."
    )
    length_km: float = Field(gt=0, le=100, description="Length [km].")
    parallel: int = Field(1, ge=1, le=10, description="Parallel circuits [-].")
    max_loading_percent: float | None = Field(
        None, gt=0, le=200, description="Thermal limit of this line [% of rated current]; default the network's."
    )


class TransformerSpec(_Strict):
    """A two-winding transformer: a pandapower standard type, or rated values."""

    name: str = Field(description="Transformer name, unique [-].")
    hv_bus: str = Field(description="High-voltage bus [-].")
    lv_bus: str = Field(description="Low-voltage bus [-].")
    std_type: str | None = Field(
        None, description="pandapower standard type, e.g. '25 MVA 110/10 kV' or '0.63 MVA 10/0.4 kV' [-]."
    )
    sn_kva: float | None = Field(None, gt=0, le=2e6, description="Rated power [kVA] (instead of std_type).")
    vk_percent: float | None = Field(
        None, gt=0, le=30, description="Short-circuit voltage [%] (with sn_kva; default by rating, GB/T 6451 / 10228 typical)."
    )
    vkr_percent: float | None = Field(
        None, ge=0, le=5, description="Real part of the short-circuit voltage [%] (with sn_kva; default by rating)."
    )
    parallel: int = Field(1, ge=1, le=10, description="Identical units in parallel [-].")
    max_loading_percent: float | None = Field(
        None, gt=0, le=200, description="Loading limit of this transformer [% of rating]; default the network's."
    )


class SwitchSpec(_Strict):
    """A bus-line switch (open switches split the network, e.g. a normally open ring point)."""

    name: str = Field(description="Switch name [-].")
    bus: str = Field(description="Bus the switch sits at [-].")
    line: str = Field(description="Line it connects to that bus [-].")
    closed: bool = Field(True, description="Closed (true) or open (false) [-].")


class SiteNodeSpec(_Strict):
    """A group of assets behind one LV transformer in the default layout (a 'building cluster')."""

    name: str = Field(description="Site name, e.g. 'north plant' [-].")
    assets: list[str] = Field(
        description="Names of scenario assets located here: buildings, process loads, pv arrays, ev fleets, "
        "the battery, heat pumps, or 'central_plant' (electric boiler and chillers) [-]."
    )
    distance_m: float | None = Field(
        None, gt=0, le=20000, description="Cable route length from the park substation's MV busbar [m]."
    )
    x_m: float | None = Field(None, ge=-20000, le=20000, description="East position relative to the substation [m] (instead of distance_m).")
    y_m: float | None = Field(None, ge=-20000, le=20000, description="North position relative to the substation [m] (instead of distance_m).")
    transformer_kva: float | None = Field(
        None, gt=0, le=2e6, description="Rating of this site's MV/LV transformer [kVA]; default sized for the highest apparent power "
        "through it in the plan's hours (peak import or export, loads less PV, at load_power_factor)."
    )
    transformer_count: int = Field(1, ge=1, le=10, description="Identical transformers in parallel at this site [-].")

    @model_validator(mode="after")
    def _where(self) -> SiteNodeSpec:
        if (self.x_m is None) != (self.y_m is None):
            raise ValueError("give both 'x_m' and 'y_m'")
        return self


class UpgradeCostSpec(_Strict):
    """Prices of reinforcements; indicative, labelled in the outputs, configurable."""

    transformer_cny_per_kva: float = Field(
        300.0, ge=0,
        le=10000, description="Installed cost of MV/LV or HV/MV transformer capacity [CNY/kVA] (indicative ≈250-400 CNY/kVA for "
        "10 kV oil or dry-type units incl. switchgear and installation; labelled assumption).",
    )
    cable_cny_per_km: float = Field(
        450000.0, ge=0,
        le=1e8, description="Installed cost of an added 10 kV cable circuit [CNY/km] (indicative incl. trenching; "
        "labelled assumption).",
    )
    lifetime_years: float = Field(30.0, gt=0, le=60, description="Economic lifetime of network assets [yr].")


class FeedbackSpec(_Strict):
    """How violations found by the AC check flow back into the sizing."""

    mode: Literal["limits", "upgrade", "report"] = Field(
        "limits",
        description="limits: turn violations into hourly import/export limits at the point of connection and "
        "re-solve until the plan is feasible on the grid (the upgrade alternative is costed too); upgrade: keep "
        "the plan and cost the reinforcement it needs; report: only report [-].",
    )
    max_iterations: int = Field(6, ge=1, le=20, description="Most re-solves of the limits mode [-].")
    margin: float = Field(
        0.02, ge=0, le=0.3,
        description="Extra cut applied to each linearised limit so the next iteration lands inside it; the operated "
        "years' connection guard also keeps the park transformer at the point of connection this share below its "
        "loading limit (the losses and voltage it does not model) [-].",
    )


class GridNetworkSpec(_Strict):
    """The park's network for the hourly AC power-flow check (``grid.network``)."""

    # explicit topology
    buses: list[BusSpec] = Field(default_factory=list, description="Buses of an explicit network (empty: default layout).")
    lines: list[LineSpec] = Field(default_factory=list, description="Lines of an explicit network.")
    transformers: list[TransformerSpec] = Field(default_factory=list, description="Transformers of an explicit network.")
    switches: list[SwitchSpec] = Field(default_factory=list, description="Switches of an explicit network.")
    ext_grid_bus: str | None = Field(
        None, description="Bus of the point of connection (the utility's slack) in an explicit network; default the first bus."
    )
    connections: dict[str, str] = Field(
        default_factory=dict,
        description="Explicit network: asset name -> bus name for every building, process load, pv array, ev fleet, "
        "the battery, heat pumps and 'central_plant' [-].",
    )
    # default layout
    sites: list[SiteNodeSpec] = Field(
        default_factory=list,
        description="Default layout: asset clusters with their distance or position; assets not listed get a site "
        "of their own at default_distance_m.",
    )
    default_distance_m: float = Field(
        300.0, gt=0, le=20000, description="Cable length of a site without distance or position [m] (labelled assumption)."
    )
    mv_kv: float = Field(10.0, gt=0, le=35, description="Park distribution (MV) voltage [kV].")
    lv_kv: float = Field(0.4, gt=0, le=1, description="Low-voltage level of the sites [kV].")
    substation_kva: float | None = Field(
        None, gt=0,
        le=2e6, description="Rating of the main transformer at the point of connection [kVA] (used when grid.voltage_kv > mv_kv); "
        "default the smallest standard rating ≥ grid.import_limit_kw / design_power_factor.",
    )
    design_power_factor: float = Field(0.95, gt=0.5, le=1, description="Power factor used to size transformers [-].")
    design_loading: float = Field(
        0.8, gt=0.3, le=1.0,
        description="Default-layout LV transformers and cables are sized so that the highest apparent power through "
        "them in the plan's hours loads them to this "
        "share of their rating [-] (labelled design assumption).",
    )
    # operation and limits
    load_power_factor: float = Field(
        0.95, gt=0.5, le=1, description="Power factor of loads, EV chargers' and heat pumps' draw (lagging) [-]."
    )
    pcc_vm_pu: float = Field(1.0, ge=0.9, le=1.1, description="Voltage held by the utility at the point of connection [pu].")
    v_min_pu: float = Field(0.93, gt=0.7, lt=1, description="Lowest allowed bus voltage [pu] (GB/T 12325-2008: -7 %).")
    v_max_pu: float = Field(1.07, gt=1, lt=1.3, description="Highest allowed bus voltage [pu] (GB/T 12325-2008: +7 %).")
    max_loading_percent: float = Field(
        100.0, gt=0, le=200, description="Loading limit of lines and transformers [% of rating]."
    )
    upgrade_costs: UpgradeCostSpec = Field(default_factory=UpgradeCostSpec, description="Reinforcement prices.")
    feedback: FeedbackSpec = Field(default_factory=FeedbackSpec, description="Violations back into the sizing.")
    crosscheck_hours: int = Field(
        3, ge=0, le=50, description="Hours re-run with pandapower's own Newton-Raphson to cross-check the batch solver [-]."
    )

    @property
    def explicit(self) -> bool:
        """True when the topology is given (buses listed)."""
        return bool(self.buses)

    @model_validator(mode="after")
    def _consistent(self) -> GridNetworkSpec:
        if self.v_min_pu >= self.v_max_pu:
            raise ValueError("v_min_pu must be below v_max_pu")
        if not self.explicit:
            if self.lines or self.transformers or self.switches or self.connections:
                raise ValueError("lines, transformers, switches and connections need 'buses' (an explicit network); "
                                 "for the default layout give 'sites'")
            seen: set[str] = set()
            for s in self.sites:
                dup = seen.intersection(s.assets)
                if dup:
                    raise ValueError(f"sites: asset(s) {sorted(dup)} placed twice")
                seen.update(s.assets)
            return self
        if self.sites:
            raise ValueError("give either 'buses' (explicit network) or 'sites' (default layout), not both")
        # each problem names the entry it is at, relative to grid.network ("transformers.1.lv_bus: ..."),
        # so that the loader points at that entry's line
        names = [b.name for b in self.buses]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"buses.{names.index(dup[0], names.index(dup[0]) + 1)}.name: duplicate names {dup}")
        known = set(names)
        for what, items in (("lines", self.lines), ("transformers", self.transformers), ("switches", self.switches)):
            nn = [x.name for x in items]
            dup = sorted({n for n in nn if nn.count(n) > 1})
            if dup:
                raise ValueError(f"{what}.{nn.index(dup[0], nn.index(dup[0]) + 1)}.name: duplicate names {dup}")
        for i, ln in enumerate(self.lines):
            for key, end in (("from_bus", ln.from_bus), ("to_bus", ln.to_bus)):
                if end not in known:
                    raise ValueError(f"lines.{i}.{key}: line '{ln.name}': unknown bus (known: {sorted(known)}), got '{end}'")
        for i, t in enumerate(self.transformers):
            for key, end in (("hv_bus", t.hv_bus), ("lv_bus", t.lv_bus)):
                if end not in known:
                    raise ValueError(f"transformers.{i}.{key}: transformer '{t.name}': unknown bus "
                                     f"(known: {sorted(known)}), got '{end}'")
            if (t.std_type is None) == (t.sn_kva is None):
                raise ValueError(f"transformers.{i}.name: transformer '{t.name}': give either std_type or sn_kva")
        lines = {ln.name for ln in self.lines}
        for i, s in enumerate(self.switches):
            if s.bus not in known:
                raise ValueError(f"switches.{i}.bus: switch '{s.name}': unknown bus (known: {sorted(known)}), got '{s.bus}'")
            if s.line not in lines:
                raise ValueError(f"switches.{i}.line: switch '{s.name}': unknown line (known: {sorted(lines)}), got '{s.line}'")
        if self.ext_grid_bus is not None and self.ext_grid_bus not in known:
            raise ValueError(f"ext_grid_bus: unknown bus (known: {sorted(known)}), got '{self.ext_grid_bus}'")
        for a, b in self.connections.items():
            if b not in known:
                raise ValueError(f"connections.{a}: asset '{a}' on an unknown bus (known: {sorted(known)}), got '{b}'")
        problem = voltage_problem(self) or std_type_problem(self)
        if problem:
            raise ValueError(problem)
        return self


#: A transformer's rated voltage (standard type) may differ this much from its bus's nominal
#: voltage (10.5 kV windings on a 10 kV bus) [-].
VN_TOLERANCE = 0.1


def voltage_problem(spec: GridNetworkSpec) -> str | None:
    """The first disagreement of nominal voltages in an explicit network, as ``path: message``
    (the path relative to ``grid.network``), else None: a transformer whose high-voltage bus is
    not above its low-voltage bus, a standard-type transformer whose rated voltages are not those
    of its buses, a line between buses of different voltage."""
    idx = {b.name: i for i, b in enumerate(spec.buses)}
    vn = {b.name: b.vn_kv for b in spec.buses}

    def volts(name: str) -> str:
        v = vn[name]
        hint = (f"; vn_kv is in kV: {v:g} V is {v / 1000:g} kV" if v >= 100 else "")
        return f"bus '{name}' vn_kv {v:g} kV{hint}"

    for i, t in enumerate(spec.transformers):
        hv, lv = vn[t.hv_bus], vn[t.lv_bus]
        if hv <= lv:
            # a low-voltage bus written in volts (400 for 0.4 kV): point at that bus
            where = f"buses.{idx[t.lv_bus]}.vn_kv" if lv >= 100 else f"transformers.{i}.lv_bus"
            return (f"{where}: transformer '{t.name}' has its high-voltage side ({volts(t.hv_bus)}) not above its "
                    f"low-voltage side ({volts(t.lv_bus)}); give hv_bus the higher voltage")
        if t.std_type is not None:
            rated = _std_types("trafo").get(t.std_type)
            if rated is not None:
                for side, bus, kv in (("hv", t.hv_bus, rated["vn_hv_kv"]), ("lv", t.lv_bus, rated["vn_lv_kv"])):
                    if abs(vn[bus] - kv) > VN_TOLERANCE * kv:
                        return (f"transformers.{i}.std_type: transformer '{t.name}' ({t.std_type}) is rated "
                                f"{kv:g} kV on its {side} side but sits on {volts(bus)}; choose a type of "
                                f"{vn[t.hv_bus]:g}/{vn[t.lv_bus]:g} kV or give sn_kva")
    for i, ln in enumerate(spec.lines):
        a, b = vn[ln.from_bus], vn[ln.to_bus]
        if abs(a - b) > VN_TOLERANCE * max(a, b):
            return (f"lines.{i}.to_bus: line '{ln.name}' joins buses of different voltage ({volts(ln.from_bus)}, "
                    f"{volts(ln.to_bus)}); a line joins buses of one voltage, a transformer joins two")
    return None


def std_type_problem(spec: GridNetworkSpec) -> str | None:
    """The first line or transformer of an explicit network whose ``std_type`` pandapower does
    not know, as ``path: message`` with the close matches and the types of that kind (pandapower
    is imported only when some ``std_type`` is given)."""
    if not any(ln.std_type for ln in spec.lines) and not any(t.std_type for t in spec.transformers):
        return None
    vn = {b.name: b.vn_kv for b in spec.buses}
    lines = _std_types("line")
    for i, ln in enumerate(spec.lines):
        if ln.std_type in lines:
            continue
        kv = max(vn[ln.from_bus], vn[ln.to_bus])
        level = "LV" if kv < 1 else ("MV" if kv <= 35 else "HV")
        same = [n for n, d in lines.items() if d.get("voltage_rating") == level] or list(lines)
        close = _close(ln.std_type, same)
        return (f"lines.{i}.std_type: line '{ln.name}': '{ln.std_type}' is not a pandapower standard line type"
                f"{close or '; pandapower' + chr(39) + 's ' + level + ' types: ' + ', '.join(same)} (a Chinese cable "
                f"such as YJV22 or YJLV22 is not one: take the pandapower type of the same cross-section and voltage)")
    trafos = _std_types("trafo")
    for i, t in enumerate(spec.transformers):
        if t.std_type is None or t.std_type in trafos:
            continue
        return (f"transformers.{i}.std_type: transformer '{t.name}': '{t.std_type}' is not a pandapower standard "
                f"transformer type{_close(t.std_type, list(trafos))}; pandapower's types: {', '.join(trafos)}; "
                f"or give sn_kva (with vk_percent, vkr_percent) instead")
    return None


def _close(name: str, names: list[str]) -> str:
    """'; close: ...' naming the types like ``name`` (spelling, or the same cross-section), or ''."""
    import difflib
    import re

    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    m = re.search(r"x\s*(\d+)", name)
    if m:
        close += [n for n in names if re.search(rf"(?:x|^){m.group(1)}\b", n) and n not in close]
    return f"; close: {', '.join(close[:6])}" if close else ""


@functools.lru_cache(maxsize=2)
def _std_types(kind: str) -> dict[str, dict]:
    """pandapower's standard types of ``kind`` ('line' or 'trafo'): name -> parameters."""
    import pandapower as pp

    table = pp.available_std_types(pp.create_empty_network(), kind)
    return {str(n): row.to_dict() for n, row in table.iterrows()}
