"""Problem, options and result containers of the sizing optimisation.

Everything here is plain :mod:`dataclasses` and :mod:`numpy`; this module imports
neither scipy nor HiGHS so that ``import solvers`` stays light.  The lead's pipeline
(``twin.plan``) fills a :class:`SizingProblem` from a scenario; :func:`solvers.solve`
returns a :class:`SizingResult`.

Conventions
-----------
* ``T`` steps of ``dt_h`` hours each; every hourly array has length ``T``.
* Powers are averages over a step [kW]; energies are ``power * dt_h`` [kWh].
* ``weights[t]`` [-] says how many times step ``t`` occurs in the represented year
  (1 for a full 8760 h year; e.g. 52.14 for a single week, or the cluster size for
  representative days).  Every annual sum is ``sum_t weights[t] * x[t] * dt_h``, so
  for annual costs ``sum(weights) * dt_h`` should be 8760 h.
* Costs are in CNY per year (capital annualised with the capital recovery factor);
  emissions in tCO2 per year.
* Capacity variables are *total* installed sizes; capital cost applies only to the
  part above the ``existing`` size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = [
    "AssetCost",
    "capital_recovery_factor",
    "PVArray",
    "Battery",
    "GridConnection",
    "WasteHeatSource",
    "HeatPump",
    "Boiler",
    "BOILER_FUELS",
    "ElectricBoiler",
    "GasBoiler",
    "ThermalStorage",
    "ColdStorage",
    "DistrictHeat",
    "Chiller",
    "COOL_BUS",
    "ProcessCoolingDemand",
    "process_cooling_bus",
    "EVFleet",
    "Carbon",
    "Targets",
    "SizingProblem",
    "SolveOptions",
    "ParetoPoint",
    "SizingResult",
    "InfeasibleError",
]

Objective = Literal["min_cost", "min_emissions", "net_zero", "pareto"]


def hourly(unit: str, *, feature: bool = True, cumulative: bool = False,
           base: str | None = None, scalar_ok: bool = False, **kw):
    """A dataclass field holding one value per time step (length T), declared once.

    The metadata say what :mod:`solvers.transform` and :mod:`solvers.aggregation` do
    with the field, so no list of hourly fields is written by hand anywhere:

    ``unit``
        Unit of the values (e.g. ``"kW"``, ``"kW/kWp"``, ``"1"``).
    ``feature``
        Whether the series describes the day for representative-day clustering.
    ``cumulative``
        Values are cumulative from the first step (EV envelopes): windowing and
        aggregation shift them to a new origin instead of cutting them only.
    ``base``
        For a cumulative field, the cumulative field of the same owner it is measured
        against (the upper EV envelope against the lower one): its clustering feature
        is the distance to the base, and aggregation rebuilds it as base + distance.
    ``scalar_ok``
        A scalar stands for a constant series.
    """
    md = {"hourly": True, "unit": unit, "feature": feature, "cumulative": cumulative,
          "base": base, "scalar_ok": scalar_ok}
    return field(metadata=md, **kw)


def size_bound(key: str, bound: Literal["min", "max"], existing: str | None = None, **kw):
    """A dataclass field that bounds the size reported as ``SizingResult.sizes[key]``
    (per asset name where the size is a mapping); :func:`solvers.transform.with_fixed_sizes`
    pins it.  ``existing`` names the field of the already installed size, if any."""
    return field(metadata={"size_key": key, "bound": bound, "existing": existing}, **kw)


def capital_recovery_factor(rate: float, years: float) -> float:
    r"""Capital recovery (annuity) factor.

    .. math:: \mathrm{CRF} = \frac{r (1 + r)^n}{(1 + r)^n - 1}, \qquad
              \lim_{r \to 0} \mathrm{CRF} = 1/n

    Parameters
    ----------
    rate : float
        Real discount rate [1/yr], e.g. 0.06.
    years : float
        Economic lifetime [yr], > 0.

    Returns
    -------
    float
        Annuity per unit of present capital [1/yr].

    References
    ----------
    .. [1] Short, W., Packey, D. J., Holt, T. (1995). A Manual for the Economic
       Evaluation of Energy Efficiency and Renewable Energy Technologies.
       NREL/TP-462-5173, eq. 4-7.
    """
    if years <= 0:
        raise ValueError(f"lifetime must be > 0 years, got {years}")
    if abs(rate) < 1e-12:
        return 1.0 / years
    g = (1.0 + rate) ** years
    return rate * g / (g - 1.0)


@dataclass(frozen=True)
class AssetCost:
    """Investment and fixed operating cost of one sized quantity.

    The unit is that of the sized quantity (kWp, kWh or kW) as stated by the owning
    block.  Annualised cost of ``x`` new units:
    ``x * (capex * (CRF(discount_rate, lifetime) + om_fraction) + om_per_unit)``.
    """

    capex_cny_per_unit: float = 0.0
    """Overnight capital cost [CNY/unit]."""
    lifetime_yr: float = 20.0
    """Economic lifetime [yr]."""
    om_fraction_per_yr: float = 0.0
    """Fixed O&M as a fraction of capex per year [1/yr]."""
    om_cny_per_unit_yr: float = 0.0
    """Fixed O&M per unit per year [CNY/(unit yr)] (added to the fraction)."""
    discount_rate: float | None = None
    """Discount rate [1/yr]; ``None`` uses :attr:`SizingProblem.discount_rate`."""
    fixed_build_cny: float = 0.0
    """Capital cost of building the asset at all [CNY] (needs a binary: MILP)."""
    min_build: float = 0.0
    """Minimum new size if built at all [unit] (``> 0`` needs a binary: MILP)."""
    module_size: float = 0.0
    """Size of one discrete module [unit]; ``> 0`` makes new size an integer multiple
    (MILP)."""

    def annuity_per_unit(self, default_rate: float) -> float:
        """Annualised capital cost per unit [CNY/(unit yr)]."""
        r = self.discount_rate if self.discount_rate is not None else default_rate
        return self.capex_cny_per_unit * capital_recovery_factor(r, self.lifetime_yr)

    def om_per_unit(self) -> float:
        """Fixed O&M per unit [CNY/(unit yr)]."""
        return self.capex_cny_per_unit * self.om_fraction_per_yr + self.om_cny_per_unit_yr

    def fixed_build_annuity(self, default_rate: float) -> float:
        """Annualised cost of the build-at-all capital [CNY/yr]."""
        r = self.discount_rate if self.discount_rate is not None else default_rate
        return self.fixed_build_cny * capital_recovery_factor(r, self.lifetime_yr)

    @property
    def is_discrete(self) -> bool:
        """True if this cost needs integer variables."""
        return self.fixed_build_cny > 0 or self.min_build > 0 or self.module_size > 0


@dataclass
class PVArray:
    """A PV array candidate; sized in kWp DC.

    ``p_pv[t] + p_curtailed[t] = ac_per_kwp[t] * kwp``.
    """

    name: str
    """Array name (coordinate of the ``pv_array`` dimension)."""
    ac_per_kwp: np.ndarray = hourly("kW/kWp")
    """AC output per kWp DC installed, length T [kW/kWp]."""
    min_kwp: float = size_bound("pv_kwp", "min", "existing_kwp", default=0.0)
    """Lower bound on total size [kWp]."""
    max_kwp: float = size_bound("pv_kwp", "max", "existing_kwp", default=float("inf"))
    """Upper bound on total size, e.g. from roof area [kWp]."""
    existing_kwp: float = 0.0
    """Already installed size, no capital cost [kWp]."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kWp DC."""


@dataclass
class Battery:
    """Stationary battery candidate; energy [kWh] and power [kW] sized separately.

    Dynamics (Δt = ``dt_h``):
    ``e[t] = e[t-1] (1 - self_discharge_per_h)^Δt + (η_c p_ch[t] - p_dis[t]/η_d) Δt``.
    """

    name: str = "battery"
    """Battery name (coordinate of the ``battery`` dimension; key of its sizes and state)."""
    energy_cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kWh of usable nameplate energy."""
    power_cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kW of converter power."""
    eta_charge: float = 0.95
    """Charging efficiency [-]."""
    eta_discharge: float = 0.95
    """Discharging efficiency [-]."""
    soc_min: float = 0.0
    """Minimum state of charge as a fraction of the energy size [-]."""
    soc_max: float = 1.0
    """Maximum state of charge as a fraction of the energy size [-]."""
    c_rate_max: float = float("inf")
    """Maximum power per energy size [kW/kWh] (1/h)."""
    self_discharge_per_h: float = 0.0
    """Self-discharge fraction per hour [1/h]."""
    cyclic: bool = True
    """End state of charge equals start state (per period when periods are given)."""
    initial_soc: float = 0.5
    """Initial state of charge fraction [-] used when ``cyclic`` is False."""
    degradation_cny_per_kwh: float = 0.0
    """Wear cost per kWh discharged (throughput) [CNY/kWh]."""
    min_kwh: float = size_bound("battery_kwh", "min", "existing_kwh", default=0.0)
    """Lower bound on energy size [kWh]."""
    max_kwh: float = size_bound("battery_kwh", "max", "existing_kwh", default=float("inf"))
    """Upper bound on energy size [kWh]."""
    min_kw: float = size_bound("battery_kw", "min", "existing_kw", default=0.0)
    """Lower bound on power size [kW]."""
    max_kw: float = size_bound("battery_kw", "max", "existing_kw", default=float("inf"))
    """Upper bound on power size [kW]."""
    existing_kwh: float = 0.0
    """Already installed energy [kWh]."""
    existing_kw: float = 0.0
    """Already installed power [kW]."""
    initial_kwh: float | None = None
    """Stored energy before the first step [kWh] (a rolling-horizon window's state);
    given, it replaces ``cyclic`` and ``initial_soc``."""
    end_min_kwh: float | None = None
    """Lower bound on the stored energy at the end of the last step [kWh]."""
    end_value_cny_per_kwh: float = 0.0
    """Value of energy left in the store after the last step [CNY/kWh]; credited in the
    objective (``stored_energy_value``) so a window does not empty the store."""


@dataclass
class GridConnection:
    """Connection to the public grid (transformer) with tariffs and emission factor."""

    price_import_cny_per_kwh: np.ndarray = hourly("CNY/kWh")
    """Import energy price incl. TOU, length T [CNY/kWh]."""
    ef_grid_kgco2_per_kwh: np.ndarray = hourly("kgCO2/kWh")
    """Emission factor of imported electricity, length T [kgCO2/kWh]."""
    price_export_cny_per_kwh: np.ndarray | float = hourly("CNY/kWh", feature=False,
                                                          scalar_ok=True, default=0.0)
    """Export (feed-in) price, scalar or length T [CNY/kWh]."""
    import_limit_kw: float | np.ndarray = hourly("kW", feature=False, scalar_ok=True, default=float("inf"))
    """Transformer / contract import limit [kW]: a scalar, or length T for hourly limits
    (e.g. from the park-grid check of ``twin.grid``; inf where unlimited)."""
    export_limit_kw: float | np.ndarray = hourly("kW", feature=False, scalar_ok=True, default=0.0)
    """Export limit [kW]; 0 forbids export; a scalar or length T (hourly)."""
    demand_charge_cny_per_kw_month: float = 0.0
    """Charge on each calendar month's maximum import [CNY/(kW month)]."""
    month: np.ndarray | None = hourly("month", feature=False, default=None)
    """Month index 1..12 of each step, length T (needed if a demand charge is set)."""
    credit_export_emissions: bool = False
    """If True, exported kWh reduce accounted emissions at the hourly grid factor."""
    demand_charge_months_per_month: float = 1.0
    """Months of the represented year that each calendar month in the horizon stands
    for [-]: 1 for a full year; ``12 / months in the horizon`` for a short horizon
    (``--hours``) so that demand charges are scaled to a year like energy is."""
    peak_so_far_kw: dict | None = None
    """Maximum import already reached in a month before the horizon {month: kW} [kW]
    (rolling-horizon windows): the monthly peak variable is at least this, and only
    its increase above it is charged in this problem."""


@dataclass
class WasteHeatSource:
    """Recoverable waste heat shared by direct use and heat pumps that draw on it.

    ``q_direct[t] + sum_hp q_source[hp, t] <= available_kw[t]``.
    """

    name: str
    """Source name (coordinate of the ``waste_heat`` dimension)."""
    available_kw: np.ndarray = hourly("kW")
    """Recoverable heat available, length T [kW]."""
    direct_use: bool = True
    """Whether the heat is hot enough to feed the heat bus directly (via exchanger)."""
    direct_buses: tuple[str, ...] = ()
    """Process-heat buses (:attr:`ProcessHeatDemand.bus`, other than ``"heat"``) the heat is hot
    enough to feed directly; its one exchanger (``max_hx_kw``) carries the direct use of all
    buses, and its availability is shared by every user."""
    hx_cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kW of direct-use heat exchanger."""
    max_hx_kw: float = size_bound("waste_heat_hx_kw", "max", default=float("inf"))
    """Upper bound on the direct-use exchanger [kW]."""
    hot_share: dict[str, float] = field(default_factory=dict)
    """Share of ``available_kw`` released hot enough for each heat bus it feeds directly [-]: a
    sensible stream cooled from its supply to its outlet temperature releases only part of its heat
    above a bus's temperature plus the exchanger's approach
    (:func:`twin.components.heat.heat_above_kw`). The direct use on the buses at least as hot as a
    bus is held to that bus's share in every hour; a bus not listed: 1 (all of the heat)."""


@dataclass
class HeatPump:
    """Heat pump candidate, sized in kW of heat output.

    ``p[t] = q[t] / COP[t]``, ``q[t] <= avail[t] * size``; if ``source`` names a waste-heat
    source, ``q_source[t] = q[t] (1 - 1/COP[t])`` is drawn from it; otherwise ambient air.
    """

    name: str
    """Heat pump name (coordinate of the ``heat_pump`` dimension)."""
    cop: np.ndarray = hourly("1")
    """Coefficient of performance, length T [-] (> 1)."""
    avail: np.ndarray | float = hourly("1", scalar_ok=True, default=1.0)
    """Available heat output per kW of size, length T or a constant [-] in [0, 1]: an
    air-source heat pump's capacity falls in cold air and is 0 below its cut-off
    temperature (PyPSA's ``p_max_pu``); 1 for a heat pump on a waste-heat source."""
    source: str | None = None
    """Name of a :class:`WasteHeatSource` it draws on, or None for ambient air."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kW heat output."""
    min_kw: float = size_bound("heat_pump_kw", "min", "existing_kw", default=0.0)
    """Lower bound on size [kW heat]."""
    max_kw: float = size_bound("heat_pump_kw", "max", "existing_kw", default=float("inf"))
    """Upper bound on size [kW heat]."""
    existing_kw: float = 0.0
    """Already installed [kW heat]."""
    bus: str = "heat"
    """Heat bus it supplies: ``"heat"`` (the park's heat network) or a process-heat bus
    (:attr:`ProcessHeatDemand.bus`)."""


#: Fuels a boiler can burn (``"electric"`` draws on the electricity bus).
BOILER_FUELS = ("electric", "natural_gas", "coal", "oil", "biomass")


@dataclass
class Boiler:
    """A boiler of any fuel on the heat bus: ``q[t] = efficiency * fuel[t] <= size``.

    An electric boiler draws ``fuel[t]`` from the electricity bus; a fuel-fired one
    buys it at ``fuel_price_cny_per_kwh`` and emits ``ef_fuel_kgco2_per_kwh`` per kWh
    of fuel (net calorific value).  Sized in kW of heat output.
    """

    name: str
    """Boiler name (coordinate of the ``boiler`` dimension)."""
    fuel: Literal["electric", "natural_gas", "coal", "oil", "biomass"] = "natural_gas"
    """Energy carrier (coordinate ``boiler_fuel`` of the dispatch)."""
    efficiency: float = 0.92
    """Heat out per energy in (net calorific value for fuels) [-]."""
    fuel_price_cny_per_kwh: float = 0.0
    """Fuel price per kWh of fuel (NCV) [CNY/kWh]; 0 for electric (paid as electricity)."""
    ef_fuel_kgco2_per_kwh: float = 0.0
    """Fuel CO2 factor per kWh of fuel (NCV) [kgCO2/kWh]; 0 for electric."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kW heat output."""
    min_kw: float = size_bound("boiler_kw", "min", "existing_kw", default=0.0)
    """Lower bound on size [kW heat]."""
    max_kw: float = size_bound("boiler_kw", "max", "existing_kw", default=float("inf"))
    """Upper bound on size [kW heat]."""
    existing_kw: float = 0.0
    """Already installed [kW heat]."""
    implied: bool = False
    """True for a boiler the translation assumed (no heat source declared), not one the
    scenario gave; said so in the outputs."""
    bus: str = "heat"
    """Heat bus it supplies: ``"heat"`` (the park's heat network) or a process-heat bus
    (:attr:`ProcessHeatDemand.bus`)."""


def ElectricBoiler(efficiency: float = 0.99, cost: AssetCost | None = None,  # noqa: N802
                   max_kw: float = float("inf"), existing_kw: float = 0.0, *,
                   min_kw: float = 0.0, name: str = "electric_boiler", bus: str = "heat") -> Boiler:
    """An electric :class:`Boiler` (shorthand)."""
    return Boiler(name=name, fuel="electric", efficiency=efficiency,
                  cost=cost or AssetCost(), min_kw=min_kw, max_kw=max_kw,
                  existing_kw=existing_kw, bus=bus)


def GasBoiler(efficiency: float = 0.92, fuel_price_cny_per_kwh: float = 0.0,  # noqa: N802
              ef_fuel_kgco2_per_kwh: float = 0.0, cost: AssetCost | None = None,
              max_kw: float = float("inf"), existing_kw: float = 0.0, *,
              min_kw: float = 0.0, name: str = "gas_boiler") -> Boiler:
    """A natural-gas :class:`Boiler` (shorthand)."""
    return Boiler(name=name, fuel="natural_gas", efficiency=efficiency,
                  fuel_price_cny_per_kwh=fuel_price_cny_per_kwh,
                  ef_fuel_kgco2_per_kwh=ef_fuel_kgco2_per_kwh, cost=cost or AssetCost(),
                  min_kw=min_kw, max_kw=max_kw, existing_kw=existing_kw)


#: The park's heat network (the bus of the buildings' heat, thermal stores and absorption chillers).
HEAT_BUS = "heat"


def process_heat_bus(name: str) -> str:
    """Name of the own heat bus of a process-heat demand hotter than the heat network."""
    return f"heat:{name}"


@dataclass
class ProcessHeatDemand:
    """A process-heat demand (hot water or steam for production) on a heat bus.

    At or below the heat network's supply temperature it joins the network (``bus="heat"``);
    hotter, it has its own bus (:func:`process_heat_bus`), served only by the heat pumps and
    boilers that supply that bus and by waste heat hot enough for it
    (:attr:`WasteHeatSource.direct_buses`).
    """

    name: str
    """Demand name (coordinate of the ``process_heat`` dimension)."""
    demand_kw: np.ndarray = hourly("kW")
    """Heat demand, length T [kW]."""
    temperature_c: float = 60.0
    """Temperature the process needs [°C] (informative in the model: the bus carries it)."""
    bus: str = HEAT_BUS
    """``"heat"`` (joins the network) or its own bus :func:`process_heat_bus`."""


#: The park's chilled-water network (the bus of the buildings' central cooling).
COOL_BUS = "cool"


def process_cooling_bus(name: str) -> str:
    """Name of the own cooling bus (loop) of a process-cooling demand at another temperature than the
    chilled-water network."""
    return f"cool:{name}"


@dataclass
class ProcessCoolingDemand:
    """A process-cooling demand (chilled water or brine for production) on a cooling bus.

    At the chilled-water network's temperature it joins the network (``bus="cool"``); at any other
    it has its own bus (:func:`process_cooling_bus`), served only by the chillers that supply that
    bus (:attr:`Chiller.bus`).
    """

    name: str
    """Demand name (coordinate of the ``process_cooling`` dimension)."""
    demand_kw: np.ndarray = hourly("kW")
    """Cooling demand (heat removed), length T [kW]."""
    temperature_c: float = 7.0
    """Chilled-water supply temperature the process needs [°C] (informative in the model: the bus
    carries it)."""
    bus: str = COOL_BUS
    """``"cool"`` (joins the network) or its own bus :func:`process_cooling_bus`."""


@dataclass
class ThermalStorage:
    """Hot-water thermal store on the heat bus, sized in kWh.

    ``e[t] = e[t-1] (1 - loss_per_h)^Δt + (η_c q_ch[t] - q_dis[t]) Δt``;
    ``q_ch, q_dis <= max_power_per_kwh * size``.
    """

    name: str = "tes"
    """Store name (coordinate of the ``thermal_storage`` dimension; key of its size and state)."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kWh of storage capacity."""
    loss_per_h: float = 0.01
    """Standing loss as a fraction of content per hour [1/h]."""
    eta_charge: float = 1.0
    """Charging efficiency [-]."""
    max_power_per_kwh: float = 0.25
    """Charge / discharge limit per kWh of size [kW/kWh]."""
    throughput_cny_per_kwh: float = 0.0
    """Cost per kWh discharged (pumping, wear) [CNY/kWh]."""
    cyclic: bool = True
    """End content equals start content (per period when periods are given)."""
    min_kwh: float = size_bound("tes_kwh", "min", "existing_kwh", default=0.0)
    """Lower bound on size [kWh]."""
    max_kwh: float = size_bound("tes_kwh", "max", "existing_kwh", default=float("inf"))
    """Upper bound on size [kWh]."""
    existing_kwh: float = 0.0
    """Already installed [kWh]."""
    initial_kwh: float | None = None
    """Content before the first step [kWh] (a window's state); given, it replaces
    ``cyclic`` (None and not cyclic: empty)."""
    end_min_kwh: float | None = None
    """Lower bound on the content at the end of the last step [kWh]."""
    end_value_cny_per_kwh: float = 0.0
    """Value of heat left in the store after the last step [CNY/kWh] (objective credit
    ``stored_energy_value``)."""


#: Kinds of cold store: a chilled-water tank (水蓄冷) or an ice store (冰蓄冷).
COLD_STORE_KINDS = ("chilled_water", "ice")


@dataclass
class ColdStorage:
    """Cold store (蓄冷) on a cooling bus, sized in kWh of cooling.

    ``e[t] = e[t-1] (1 - loss_per_h)^Δt + (q_ch[t] - q_dis[t]) Δt``;
    ``q_ch <= min(charge_per_kwh * size, max_charge_kw)``, ``q_dis <= min(discharge_per_kwh * size,
    max_discharge_kw)``.  ``kind="chilled_water"``: charged from its bus (the bus's chillers make the
    cold water); ``kind="ice"``: charged only by the chillers of its bus that make ice
    (:attr:`Chiller.ice_cop`), at their ice COP.  Both discharge to the bus.
    """

    name: str = "cold store"
    """Store name (coordinate of the ``cold_store`` dimension; key of its size and state)."""
    kind: Literal["chilled_water", "ice"] = "chilled_water"
    """Chilled-water tank or ice store."""
    bus: str = COOL_BUS
    """Cooling bus it serves: ``"cool"`` (the network) or a process-cooling loop
    (:func:`process_cooling_bus`)."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kWh of cooling capacity."""
    loss_per_h: float = 0.0
    """Standing loss as a fraction of content per hour [1/h]."""
    charge_per_kwh: float = 0.125
    """Charge limit per kWh of size [kW/kWh]."""
    discharge_per_kwh: float = 0.25
    """Discharge limit per kWh of size [kW/kWh]."""
    max_charge_kw: float = float("inf")
    """Charge limit [kW] (pumps, exchangers), beside the one per kWh."""
    max_discharge_kw: float = float("inf")
    """Discharge limit [kW], beside the one per kWh."""
    cyclic: bool = True
    """End content equals start content (per period when periods are given)."""
    min_kwh: float = size_bound("cold_kwh", "min", "existing_kwh", default=0.0)
    """Lower bound on size [kWh of cooling]."""
    max_kwh: float = size_bound("cold_kwh", "max", "existing_kwh", default=float("inf"))
    """Upper bound on size [kWh of cooling]."""
    existing_kwh: float = 0.0
    """Already installed [kWh of cooling]."""
    initial_kwh: float | None = None
    """Content before the first step [kWh] (a window's state); given, it replaces ``cyclic``."""
    end_min_kwh: float | None = None
    """Lower bound on the content at the end of the last step [kWh]."""
    end_value_cny_per_kwh: float = 0.0
    """Value of cooling left in the store after the last step [CNY/kWh] (objective credit
    ``stored_energy_value``)."""


@dataclass
class DistrictHeat:
    r"""The tariff of heat bought from a district heating network (集中供热) and whether the plan
    may replace it; the heat itself is :attr:`SizingProblem.heat_import_kw` (the buildings that
    buy it).

    Fixed (``replaceable=False``): every kWh of those buildings' heat is bought, as today.
    Replaceable: their heat joins the heat network (bus ``"heat"``) and district heat is one source
    on it, :math:`0 \le Q^{dh}_t \le \min(D^{dh}_t, C)` (it serves only the buildings connected to
    it), so heat pumps, waste heat, boilers and thermal stores may displace it.

    Cost [CNY/yr]: :math:`\pi^{dh} \sum_t w_t \Delta t\, Q^{dh}_t + c^{cap} C + F` with the
    contracted capacity :math:`C` [kW] a decision between ``min_kw`` and ``max_kw`` where the
    tariff has a capacity part and the heat may be replaced (else ``max_kw``), and :math:`F` the
    fixed part (area-based fee); CO2 :math:`10^{-3} ef \sum_t w_t \Delta t\, Q^{dh}_t` [tCO2/yr].
    """

    name: str = "district heat"
    """Name of the connection (key of its contracted capacity in ``SizingResult.sizes``)."""
    price_cny_per_kwh: float = 0.0
    """Metered energy price of bought heat [CNY/kWh of heat] (CNY/GJ / 277.78)."""
    ef_kgco2_per_kwh: float = 0.0
    """CO2 factor of bought heat [kgCO2/kWh of heat]."""
    replaceable: bool = False
    """Whether the plan may replace part of the bought heat."""
    capacity_cny_per_kw_yr: float = 0.0
    """Capacity part of a two-part tariff per kW of contracted capacity and year [CNY/(kW·yr)]."""
    fixed_cny_per_yr: float = 0.0
    """Part of the bill that does not change with metered use or capacity (area-based fee) [CNY/yr]."""
    min_kw: float = size_bound("district_heat_kw", "min", default=0.0)
    """Lower bound on the contracted capacity [kW]."""
    max_kw: float = size_bound("district_heat_kw", "max", default=float("inf"))
    """Contracted capacity [kW] (upper bound where it is a decision); inf: the buildings' peak."""

    @property
    def capacity_is_decision(self) -> bool:
        """The contracted capacity is chosen by the plan: replaceable heat, a capacity price and room."""
        return self.replaceable and self.capacity_cny_per_kw_yr > 0 and self.max_kw > self.min_kw


@dataclass
class Chiller:
    """A chiller serving the cooling bus, sized in kW of cooling, ``q <= size``.

    ``kind="electric"``: ``p[t] = q[t] / COP[t]`` from the electricity bus;
    ``kind="absorption"``: ``q_heat_in[t] = q[t] / COP[t]`` from the heat bus
    (``COP`` the thermal COP, cooling out per driving heat in).
    """

    cop: np.ndarray = hourly("1")
    """Coefficient of performance, length T [-]."""
    cost: AssetCost = field(default_factory=AssetCost)
    """Cost per kW cooling output."""
    min_kw: float = size_bound("chiller_kw", "min", "existing_kw", default=0.0)
    """Lower bound on size [kW cooling]."""
    max_kw: float = size_bound("chiller_kw", "max", "existing_kw", default=float("inf"))
    """Upper bound on size [kW cooling]."""
    existing_kw: float = 0.0
    """Already installed [kW cooling]."""
    name: str = "chiller"
    """Chiller name (coordinate of the ``chiller`` dimension)."""
    kind: Literal["electric", "absorption"] = "electric"
    """Electric (vapour compression) or absorption (heat-driven)."""
    implied: bool = False
    """True for a chiller the translation assumed (cooling demand, none declared)."""
    bus: str = COOL_BUS
    """Cooling bus the chiller supplies: ``"cool"`` (the network) or a process-cooling demand's own bus
    (:func:`process_cooling_bus`)."""
    ice_cop: np.ndarray | None = hourly("1", feature=False, default=None)
    """COP when making ice for the ice stores (:class:`ColdStorage` ``kind="ice"``) on its bus, length T
    [-] (lower than ``cop``: the chiller makes brine below 0 °C); None: the chiller cannot make ice."""
    ice_capacity_ratio: float = 1.0
    """Cooling output in ice mode per kW of size [-]: ``q + q_ice / ratio <= size``."""


@dataclass
class EVFleet:
    """EV fleet flexibility envelope (see docs/architecture.md).

    ``E[t] = sum_{τ<=t} (η_c p_ch[τ] - p_dis[τ]/η_d) Δt`` must stay within
    ``[e_cum_min_kwh[t], e_cum_max_kwh[t]]`` (cumulative from the first step to the
    *end* of step t).  ``mode="uncontrolled"`` fixes ``p_ch = p_uncontrolled_kw``.
    """

    name: str
    """Fleet name (coordinate of the ``ev_fleet`` dimension)."""
    p_uncontrolled_kw: np.ndarray = hourly("kW", feature=False)
    """Charging power when charging on arrival, length T [kW]."""
    p_charge_max_kw: np.ndarray = hourly("kW")
    """Charging power the connected vehicles can take, length T [kW] (each vehicle at most its
    charger's power and its requirement: :func:`twin.components.ev.simulate_fleet`)."""
    e_cum_min_kwh: np.ndarray = hourly("kWh", cumulative=True)
    """Lower bound on cumulative net energy into the batteries, length T [kWh]."""
    e_cum_max_kwh: np.ndarray = hourly("kWh", cumulative=True, base="e_cum_min_kwh")
    """Upper bound on cumulative net energy into the batteries, length T [kWh]."""
    p_discharge_max_kw: np.ndarray | None = hourly("kW", feature=False, default=None)
    """V2G discharge power available, length T [kW] (None = 0)."""
    p_charge_min_kw: np.ndarray | None = hourly("kW", feature=False, default=None)
    """Charging the vehicles' sessions force whatever the schedule, length T [kW] (None = 0):
    a lower bound of ``p_ch`` that the fleet's aggregate envelope does not hold by itself
    (energy given earlier to one vehicle would count for a vehicle that plugs in late)."""
    eta_charge: float = 0.95
    """Charging efficiency [-]."""
    eta_discharge: float = 0.95
    """Discharging efficiency [-]."""
    v2g_degradation_cny_per_kwh: float = 0.0
    """Battery wear cost per kWh discharged to the park [CNY/kWh]."""
    mode: Literal["uncontrolled", "smart", "v2g"] = "smart"
    """Charging strategy."""
    chargers: float = 0.0
    """Charge points of the fleet [-]; needed when the V2G share is a decision."""
    v2g_share: float = 0.0
    """Share of ``chargers`` that are bidirectional in the simulation behind
    ``p_discharge_max_kw`` [-]: the reference the discharge bound is scaled from."""
    v2g_charger_cost: AssetCost | None = None
    """Extra cost of one bidirectional charger over a unidirectional one [CNY/charger]
    (capex, lifetime, O&M).  Given with ``mode="v2g"``, the bidirectional share
    ``s`` becomes a decision in ``[v2g_share_min, v2g_share_max]`` and
    ``p_dis[t] <= (s / v2g_share) p_discharge_max_kw[t]``; None keeps ``s = v2g_share``."""
    v2g_share_min: float = size_bound("ev_v2g_share", "min", default=0.0)
    """Lower bound on the bidirectional share when it is a decision [-]."""
    v2g_share_max: float | None = size_bound("ev_v2g_share", "max", default=None)
    """Upper bound on the bidirectional share when it is a decision [-]; None =
    ``v2g_share`` (it may not exceed it: the envelope was simulated at that share)."""
    e_cum_offset_kwh: float = 0.0
    """Cumulative net energy delivered into the batteries before the first step [kWh],
    already subtracted from ``e_cum_min_kwh`` / ``e_cum_max_kwh`` (a window's initial
    state, see :func:`solvers.transform.window`); reported in ``store_states``."""

    @property
    def v2g_share_is_decision(self) -> bool:
        """True if the optimiser chooses the bidirectional share of this fleet."""
        return (self.mode == "v2g" and self.v2g_charger_cost is not None
                and self.p_discharge_max_kw is not None)


@dataclass
class Carbon:
    """Carbon prices, offsets (CCER) and green electricity certificates (GEC).

    Accounting (all [tCO2/yr]):

    * gross = grid import × hourly factor + fuel × fuel factor + declared process CO2
      (− export × grid factor if ``credit_export_emissions``);
    * green power = ``h`` MWh bought through green-power trading (绿电交易), credited
      at the certificates' factor and reported separately from them;
    * certificates = ``g`` MWh × ``certificate_ef_kgco2_per_kwh`` (default: the
      time-weighted mean grid factor); ``g + h`` is at most the annual grid import;
    * residual = gross − green power − certificates;
    * net = residual − offsets, offsets ≤ residual and
      offsets ≤ ``offset_max_share`` × (residual or gross, per ``offset_share_basis``).

    Residual emissions not offset pay ``carbon_price_cny_per_t``.
    """

    carbon_price_cny_per_t: float = 0.0
    """Price on net emissions (e.g. ETS or internal shadow price) [CNY/tCO2]."""
    process_co2_t: float = 0.0
    """Industrial-process CO2 the park declares (910号 annex 4's E工业过程) [tCO2/yr]: a constant in the
    gross emissions, which no asset of the model reduces."""
    offset_price_cny_per_t: float | None = None
    """Price of offsets (CCER) [CNY/tCO2]; None = no offsets can be bought."""
    offset_max_share: float = 1.0
    """Maximum share of the basis that offsets may cover [-]."""
    offset_share_basis: Literal["residual", "gross"] = "gross"
    """Emissions the share applies to."""
    offset_max_t: float = float("inf")
    """Maximum offsets available [tCO2/yr]."""
    certificate_price_cny_per_mwh: float = 0.0
    """Green certificate price [CNY/MWh]."""
    certificate_max_mwh: float = 0.0
    """Green certificates available [MWh/yr]; 0 disables them."""
    certificate_ef_kgco2_per_kwh: float | None = None
    """Factor at which certificates and green power reduce accounted grid emissions
    [kgCO2/kWh]; None uses the time-weighted mean of the hourly grid factor."""
    green_power_premium_cny_per_mwh: float = 0.0
    """Premium of green power bought through green-power trading (绿电交易) over the
    grid energy price, which the import already pays [CNY/MWh]."""
    green_power_max_mwh: float = 0.0
    """Green power available per year [MWh/yr]; 0 disables the option."""
    max_net_emissions_t: float | None = None
    """Cap on net emissions for ``min_cost`` [tCO2/yr]; None = no cap."""
    max_residual_emissions_t: float | None = None
    """Cap on residual emissions (after green power and certificates, before offsets)
    [tCO2/yr], a constraint under every objective; None = no cap."""


@dataclass
class Targets:
    """Targets the sizing must meet, each one linear row (see :mod:`solvers.blocks.targets`).

    Energy use in tce is linear in the flows:
    ``T = k_el (E_imp − E_exp + E_pv) + k_fuel E_fuel + T_0`` [tce/yr], so the ratio target
    ``CO2 / T ≤ θ`` becomes ``CO2 − θ T ≤ 0``.  ``None`` leaves a target out.
    """

    core_max_tco2_per_tce: float | None = None
    """910号 core indicator 单位能耗碳排放 at most this [tCO2/tce]."""
    core_basis: Literal["acceptance", "location"] = "acceptance"
    """Emission basis of the core indicator: the 910号 acceptance basis (grid import at
    ``acceptance_ef_kgco2_per_kwh``, green power at zero) or location-based (residual
    emissions: grid factor, green power and certificates credited at it)."""
    acceptance_ef_kgco2_per_kwh: float = 0.8325
    """Grid electricity factor of the acceptance basis [kgCO2/kWh]."""
    acceptance_certificate_ef_kgco2_per_kwh: float = 0.8325
    """Factor of certificate-covered grid electricity on the acceptance basis [kgCO2/kWh]."""
    location_green_credits: bool = True
    """Whether green power and certificates reduce the location-basis core CO2."""
    clean_share_min: float | None = None
    """910号 清洁能源消费占比 at least this [-] (tce/tce)."""
    renewable_share_min: float | None = None
    """T/CSUS 66-2023 7.2.1 renewable share (on-site PV used + green power + certificates,
    tce/tce) at least this [-]."""
    residual_max_t: float | None = None
    """Residual emissions (location basis, before offsets) at most this [tCO2/yr]."""
    electricity_kgce_per_kwh: float = 0.1229
    """Electricity to standard coal (当量值 0.1229 or the chosen 等价值) [kgce/kWh]."""
    fuel_kgce_per_kwh: float = 3.6 / 29.3076
    """Fuel energy (net calorific) to standard coal [kgce/kWh]."""
    natural_gas_is_clean: bool = False
    """Whether gas counts as clean energy in the clean-energy share [-]."""
    grid_clean_share: float = 0.0
    """Share of grid electricity (not green power) counted as clean [-]."""
    fixed_energy_tce: float = 0.0
    """Energy use outside the optimised flows (e.g. district heat bought that may not be replaced)
    [tce/yr]."""
    fixed_co2_t: float = 0.0
    """CO2 of energy outside the model's emissions, on both bases [tCO2/yr]; not the bought heat's
    (``SizingProblem.heat_import_kw``), whose CO2 the model already has in its gross emissions."""


@dataclass
class SizingProblem:
    """The whole sizing problem handed from ``twin.plan`` to :func:`solvers.solve`."""

    dt_h: float
    """Step length [h]."""
    electric_load_kw: np.ndarray = hourly("kW")
    """Fixed electric load, length T [kW] (defines T)."""
    grid: GridConnection
    """Grid connection (required)."""
    time: np.ndarray | None = hourly("timestamp", feature=False, default=None)
    """Timestamps for the ``time`` coordinate (e.g. a DatetimeIndex); None = 0..T-1."""
    weights: np.ndarray | None = hourly("1", feature=False, default=None)
    """Occurrences of each step in the represented year, length T [-]; None = 1."""
    period: np.ndarray | None = hourly("period id", feature=False, default=None)
    """Integer period id per step (e.g. representative day); storages with ``cyclic``
    close their cycle within each period.  None = one period."""
    period_order: np.ndarray | None = None
    """Sequence of period ids that makes up the represented year (e.g. the
    representative day of each of the 365 days).  When given, storages and EV
    flexibility windows are linked across periods (inter-period state, Kotzur et al.
    2018) instead of closing their cycle within each period.  None = not linked."""
    pv: list[PVArray] = field(default_factory=list)
    """PV array candidates."""
    batteries: list[Battery] = field(default_factory=list)
    """Batteries (existing and candidates), each with its own costs and efficiencies."""
    heat_demand_kw: np.ndarray | None = hourly("kW", default=None)
    """Buildings' heat demand on the heat bus (the network), length T [kW]."""
    process_heat: list[ProcessHeatDemand] = field(default_factory=list)
    """Process-heat demands, each on the network or on its own bus."""
    waste_heat: list[WasteHeatSource] = field(default_factory=list)
    """Waste-heat sources."""
    heat_pumps: list[HeatPump] = field(default_factory=list)
    """Heat pump candidates."""
    boilers: list[Boiler] = field(default_factory=list)
    """Boilers of any fuel (existing and candidates)."""
    thermal_stores: list[ThermalStorage] = field(default_factory=list)
    """Thermal stores on the heat bus (existing and candidates)."""
    cooling_demand_kw: np.ndarray | None = hourly("kW", default=None)
    """Cooling demand on the cooling bus, length T [kW]."""
    chillers: list[Chiller] = field(default_factory=list)
    """Chillers (electric and absorption, existing and candidates), each on its cooling bus."""
    process_cooling: list[ProcessCoolingDemand] = field(default_factory=list)
    """Process-cooling demands, each on the network or on its own bus."""
    cold_stores: list[ColdStorage] = field(default_factory=list)
    """Cold stores (chilled water, ice), each on its cooling bus (existing and candidates)."""
    ev_fleets: list[EVFleet] = field(default_factory=list)
    """EV fleets."""
    heat_import_kw: np.ndarray | None = hourly("kW", feature=False, default=None)
    """Heat bought from outside (district heat) by consumers off the heat bus, length T
    [kW]: not dispatched, but its CO2 is part of gross emissions."""
    ef_heat_import_kgco2_per_kwh: float = 0.0
    """CO2 factor of bought heat [kgCO2/kWh]."""
    district_heat: DistrictHeat | None = None
    """Tariff of the bought heat and whether the plan may replace it (:class:`DistrictHeat`);
    None: the heat is bought at no cost in the objective (no price given), its CO2 at
    ``ef_heat_import_kgco2_per_kwh``."""
    notes: list[str] = field(default_factory=list)
    """Assumptions made when the problem was built (e.g. an implied boiler); copied to
    ``SizingResult.solver_notes`` so they reach the outputs."""
    carbon: Carbon = field(default_factory=Carbon)
    """Carbon prices, offsets, certificates."""
    discount_rate: float = 0.06
    """Default real discount rate for annuities [1/yr]."""
    capex_budget_cny: float | None = None
    """Cap on total overnight capital of new assets [CNY]; None = no cap."""
    objective: Objective = "min_cost"
    """``min_cost``, ``min_emissions`` (within budget), ``net_zero`` or ``pareto``."""
    pareto_points: int = 5
    """Number of points on the cost–emissions front for ``objective="pareto"``."""
    targets: Targets | None = None
    """Targets the plan must meet at least cost (910号 core indicator, clean-energy and
    renewable shares, residual emissions); None = none."""

    @property
    def n_steps(self) -> int:
        """Number of time steps T."""
        return int(np.asarray(self.electric_load_kw).shape[0])

    def step_weights(self) -> np.ndarray:
        """Weights as a float array of length T [-]."""
        if self.weights is None:
            return np.ones(self.n_steps)
        return np.asarray(self.weights, dtype=float)

    def validate(self) -> None:
        """Check array lengths and references; raise ValueError with the field name."""
        T = self.n_steps
        if self.dt_h <= 0:
            raise ValueError("dt_h must be > 0")

        def chk(name, arr, allow_scalar=False):
            if arr is None:
                return
            a = np.asarray(arr, dtype=float)
            if allow_scalar and a.ndim == 0:
                return
            if a.shape != (T,):
                raise ValueError(f"{name} must have length T={T}, got shape {a.shape}")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{name} contains non-finite values")

        chk("weights", self.weights)
        chk("period", self.period)
        if self.period_order is not None:
            if self.period is None:
                raise ValueError("period_order needs period")
            missing = set(np.asarray(self.period_order).tolist()) - set(
                np.asarray(self.period).tolist())
            if missing:
                raise ValueError(f"period_order names periods not in period: {sorted(missing)}")
        chk("grid.price_import_cny_per_kwh", self.grid.price_import_cny_per_kwh)
        chk("grid.price_export_cny_per_kwh", self.grid.price_export_cny_per_kwh, True)
        chk("grid.ef_grid_kgco2_per_kwh", self.grid.ef_grid_kgco2_per_kwh)
        if self.grid.demand_charge_cny_per_kw_month > 0:
            if self.grid.month is None:
                raise ValueError("grid.month is required with a demand charge")
            chk("grid.month", self.grid.month)
        for a in self.pv:
            chk(f"pv[{a.name}].ac_per_kwp", a.ac_per_kwp)
        chk("heat_demand_kw", self.heat_demand_kw)
        chk("cooling_demand_kw", self.cooling_demand_kw)
        buses = {HEAT_BUS} | {d.bus for d in self.process_heat}
        for d in self.process_heat:
            chk(f"process_heat[{d.name}].demand_kw", d.demand_kw)
        for kind, items in (("heat pump", self.heat_pumps), ("boiler", self.boilers)):
            for x in items:
                if x.bus not in buses:
                    raise ValueError(f"{kind} {x.name!r} supplies bus {x.bus!r}, which no process-heat "
                                     f"demand has (buses: {sorted(buses)})")
        for w in self.waste_heat:
            bad = sorted(set(w.direct_buses) - buses)
            if bad:
                raise ValueError(f"waste heat {w.name!r}: direct_buses {bad} are not heat buses")
            fed = set(w.direct_buses) | ({HEAT_BUS} if w.direct_use else set())
            bad = sorted(b for b, f in w.hot_share.items() if b not in fed or not 0.0 <= f <= 1.0)
            if bad:
                raise ValueError(f"waste heat {w.name!r}: hot_share must be a share in [0, 1] of a bus it "
                                 f"feeds directly (got {bad})")
        names = {w.name for w in self.waste_heat}
        for w in self.waste_heat:
            chk(f"waste_heat[{w.name}].available_kw", w.available_kw)
        for hp in self.heat_pumps:
            chk(f"heat_pumps[{hp.name}].cop", hp.cop)
            if hp.source is not None and hp.source not in names:
                raise ValueError(f"heat pump {hp.name!r} source {hp.source!r} is not a waste-heat source")
            if np.any(np.asarray(hp.cop) <= 1.0) and hp.source is not None:
                raise ValueError(f"heat pump {hp.name!r}: COP must be > 1 with a waste-heat source")
            if np.any(np.asarray(hp.cop) <= 0):
                raise ValueError(f"heat pump {hp.name!r}: COP must be > 0")
            if np.ndim(hp.avail):
                chk(f"heat_pumps[{hp.name}].avail", hp.avail)
            a = np.asarray(hp.avail, float)
            if not np.all(np.isfinite(a)) or np.any(a < 0) or np.any(a > 1):
                raise ValueError(f"heat pump {hp.name!r}: avail (available capacity per kW of size) "
                                 "must be in [0, 1]")
        cool_buses = {COOL_BUS} | {d.bus for d in self.process_cooling}
        for d in self.process_cooling:
            chk(f"process_cooling[{d.name}].demand_kw", d.demand_kw)
        for ch in self.chillers:
            if ch.bus not in cool_buses:
                raise ValueError(f"chiller {ch.name!r} supplies bus {ch.bus!r}, which no process-cooling "
                                 f"demand has (buses: {sorted(cool_buses)})")
            chk(f"chillers[{ch.name}].cop", ch.cop)
            if np.any(np.asarray(ch.cop) <= 0):
                raise ValueError(f"chiller {ch.name!r}: COP must be > 0")
            if ch.ice_cop is not None:
                chk(f"chillers[{ch.name}].ice_cop", ch.ice_cop)
                if ch.kind != "electric" or np.any(np.asarray(ch.ice_cop) <= 0):
                    raise ValueError(f"chiller {ch.name!r}: only an electric chiller makes ice, at an ice COP > 0")
                if not 0 < ch.ice_capacity_ratio <= 1:
                    raise ValueError(f"chiller {ch.name!r}: ice_capacity_ratio must be in (0, 1]")
        for cs in self.cold_stores:
            if cs.kind not in COLD_STORE_KINDS:
                raise ValueError(f"cold store {cs.name!r}: unknown kind {cs.kind!r}; expected one of "
                                 f"{COLD_STORE_KINDS}")
            if cs.bus not in cool_buses:
                raise ValueError(f"cold store {cs.name!r} serves bus {cs.bus!r}, which is not a cooling bus "
                                 f"(buses: {sorted(cool_buses)})")
            if cs.kind == "ice" and not any(c.bus == cs.bus and c.ice_cop is not None for c in self.chillers):
                raise ValueError(f"cold store {cs.name!r}: an ice store needs a chiller on bus {cs.bus!r} that "
                                 "makes ice (Chiller.ice_cop)")
            if not (0 <= cs.loss_per_h < 1 and cs.charge_per_kwh > 0 and cs.discharge_per_kwh > 0
                    and cs.max_charge_kw >= 0 and cs.max_discharge_kw >= 0):
                raise ValueError(f"cold store {cs.name!r}: need 0 <= loss_per_h < 1, power per kWh > 0 and "
                                 "power limits >= 0")
        for bo in self.boilers:
            if bo.fuel not in BOILER_FUELS:
                raise ValueError(f"boiler {bo.name!r}: unknown fuel {bo.fuel!r}; "
                                 f"expected one of {BOILER_FUELS}")
            if bo.efficiency <= 0:
                raise ValueError(f"boiler {bo.name!r}: efficiency must be > 0")
        for f in self.ev_fleets:
            for nm in ("p_uncontrolled_kw", "p_charge_max_kw", "e_cum_min_kwh", "e_cum_max_kwh",
                       "p_discharge_max_kw", "p_charge_min_kw"):
                chk(f"ev_fleets[{f.name}].{nm}", getattr(f, nm))
            if f.p_charge_min_kw is not None and np.any(
                    np.asarray(f.p_charge_min_kw, float) > np.asarray(f.p_charge_max_kw, float) + 1e-6):
                raise ValueError(f"ev_fleets[{f.name}]: p_charge_min_kw exceeds p_charge_max_kw")
            if f.v2g_share_is_decision:
                hi = f.v2g_share if f.v2g_share_max is None else f.v2g_share_max
                if f.chargers <= 0 or not 0.0 < f.v2g_share <= 1.0:
                    raise ValueError(f"ev_fleets[{f.name}]: a V2G share decision needs chargers > 0 "
                                     f"and 0 < v2g_share <= 1, got {f.chargers}, {f.v2g_share}")
                if not 0.0 <= f.v2g_share_min <= hi <= f.v2g_share + 1e-12:
                    raise ValueError(f"ev_fleets[{f.name}]: need 0 <= v2g_share_min <= v2g_share_max "
                                     f"<= v2g_share, got {f.v2g_share_min}, {hi}, {f.v2g_share}")
        dh = self.district_heat
        if dh is not None:
            for nm in ("price_cny_per_kwh", "ef_kgco2_per_kwh", "capacity_cny_per_kw_yr", "fixed_cny_per_yr",
                       "min_kw", "max_kw"):
                v = float(getattr(dh, nm))
                if not v >= 0 or (nm != "max_kw" and not np.isfinite(v)):
                    raise ValueError(f"district_heat.{nm} must be >= 0 and finite, got {v}")
            if dh.min_kw > dh.max_kw:
                raise ValueError(f"district_heat: min_kw {dh.min_kw} exceeds max_kw {dh.max_kw}")
            if dh.replaceable and self.heat_import_kw is None:
                raise ValueError("district_heat.replaceable needs heat_import_kw (the heat of the buildings "
                                 "that buy district heat)")
        c = self.carbon
        if c.green_power_max_mwh < 0 or c.certificate_max_mwh < 0:
            raise ValueError("carbon: green_power_max_mwh and certificate_max_mwh must be >= 0")
        for group, items in (("pv", self.pv), ("heat_pumps", self.heat_pumps),
                             ("waste_heat", self.waste_heat), ("ev_fleets", self.ev_fleets),
                             ("boilers", self.boilers), ("chillers", self.chillers),
                             ("batteries", self.batteries), ("thermal_stores", self.thermal_stores),
                             ("cold_stores", self.cold_stores),
                             ("process_heat", self.process_heat)):
            nm = [i.name for i in items]
            if len(set(nm)) != len(nm):
                raise ValueError(f"duplicate names in {group}: {nm}")
        if self.objective not in ("min_cost", "min_emissions", "net_zero", "pareto"):
            raise ValueError(f"unknown objective {self.objective!r}")

    @property
    def is_mip(self) -> bool:
        """True if any asset cost needs integer variables."""
        costs = [a.cost for a in self.pv] + [h.cost for h in self.heat_pumps]
        costs += [w.hx_cost for w in self.waste_heat]
        for b in self.batteries:
            costs += [b.energy_cost, b.power_cost]
        costs += [x.cost for x in self.boilers + self.chillers + self.thermal_stores + self.cold_stores]
        costs += [f.v2g_charger_cost for f in self.ev_fleets if f.v2g_share_is_decision]
        return any(c.is_discrete for c in costs)


@dataclass
class SolveOptions:
    """Options of :func:`solvers.solve` and of HiGHS."""

    solver: Literal["choose", "simplex", "ipm", "ipx", "hipo"] = "choose"
    """HiGHS LP algorithm (``solver`` option): ``"hipo"`` is HiGHS's HiPO interior point
    (needs the ``highspy-extras`` libraries; falls back to ``"ipx"`` where they are
    missing, and to ``"choose"`` for a MILP), run without crossover at
    ``ipm_optimality_tolerance = 1e-6`` unless ``highs_options`` say otherwise;
    ``"ipx"`` the older IPX interior point; ``"ipm"`` HiGHS's choice of the two."""
    presolve: bool = True
    """HiGHS presolve on/off."""
    time_limit_s: float | None = None
    """Wall-clock limit for each HiGHS run [s]."""
    threads: int | None = None
    """HiGHS threads (None = HiGHS default)."""
    mip_rel_gap: float = 1e-4
    """Relative MIP gap [-] (MILP only)."""
    save_model: str | None = None
    """Write the exact model passed to HiGHS to this path (``.mps`` or ``.lp``)."""
    explain_infeasibility: bool = True
    """On infeasibility, solve an elastic model and say which requirement fails. Its optimum
    also decides an interior-point verdict of infeasibility where it needs a requirement to give
    way by more than the solver's tolerance (:func:`solvers.optimise.solve`); without it, such a
    verdict is confirmed by the simplex method (:meth:`solvers.highs_backend.HighsBackend.run`)."""
    confirm_infeasible: bool = True
    """False: an interior-point verdict of infeasibility is taken as it is, unchecked and
    unexplained (for a caller with a fallback of its own, e.g. a problem held at a best reachable
    value that is tried again with more room, :func:`twin.run._solve_closest`)."""
    highs_options: dict = field(default_factory=dict)
    """Further raw HiGHS options, passed as given."""
    log_to_stderr: bool = False
    """Let HiGHS log to stderr (never to stdout)."""
    progress: object = None
    """Callable ``progress(text)`` told of each Pareto point as it finishes (or None)."""
    tick: object = None
    """Callable ``tick(text)`` told, while a HiGHS run lasts, how long it has taken and how
    far it is (``solvers.highs_backend.run_interruptible``), or None."""
    pareto_beside: bool = True
    """Pareto front of an LP with an interior-point algorithm: solve the least residual
    emissions in a second HiGHS instance at the same time as the first (minimum-cost) run,
    in a second thread (it does not depend on it; one more copy of the model in memory).
    False: one after the other."""


@dataclass
class ParetoPoint:
    """One point of the cost–emissions front."""

    cost_cny: float
    """Total annualised cost [CNY/yr]."""
    residual_co2_t: float
    """Residual emissions after certificates, before offsets [tCO2/yr]."""
    epsilon_co2_t: float
    """Emission bound of this point [tCO2/yr]."""
    mac_cny_per_t: float | None
    """Marginal abatement cost: −dual of the emission bound [CNY/tCO2]; None at the
    minimum-emission end (the vertical end of the front) and at a failed point."""
    sizes: dict
    """Sizes at this point (same keys as :attr:`SizingResult.sizes`; empty if failed)."""
    solve_time_s: float
    """HiGHS time of this point [s]."""
    status: str = "optimal"
    """HiGHS status of this point's run, or ``"failed: <termination>"`` (cost NaN)."""
    vertical: bool = False
    """True for the minimum-emission end: emissions cannot fall further at any cost."""
    headline: bool = False
    """True for the point whose plan the result carries (the minimum-cost end, or the
    point nearest to it that solved)."""
    method: str = ""
    """How HiGHS solved this point, e.g. ``"hipo + crossover"`` (the minimum-cost end) or
    ``"dual simplex from the held basis"`` (a warm-started re-solve)."""
    iterations: int = 0
    """Simplex, interior-point and crossover iterations of this point's run [-]."""


@dataclass
class SizingResult:
    """What :func:`solvers.solve` returns."""

    sizes: dict
    """Total installed sizes: ``pv_kwp`` {array: kWp}, ``battery_kwh`` {battery: kWh},
    ``battery_kw`` {battery: kW}, ``heat_pump_kw`` {hp: kW}, ``waste_heat_hx_kw`` {source: kW},
    ``tes_kwh`` {store: kWh}, ``cold_kwh`` {cold store: kWh of cooling},
    ``boiler_kw`` {boiler: kW}, ``chiller_kw`` {chiller: kW}; for EV fleets in mode
    ``v2g``: ``ev_v2g_share`` {fleet: bidirectional share of the chargers [-]} (chosen
    where the share is a decision, else the simulated share), and where it is a
    decision ``ev_v2g_chargers`` {fleet: bidirectional chargers [-], continuous unless
    the cost has a ``module_size``}."""
    dispatch: object
    """``xarray.Dataset`` with the hourly variables named in docs/architecture.md."""
    costs: dict
    """Annualised cost breakdown [CNY/yr]; ``total`` equals the cost objective."""
    emissions: dict
    """``gross_grid_t``, ``fuel_t``, ``heat_import_t`` (bought heat), ``export_credit_t``,
    ``gross_t``, ``green_power_t``, ``green_power_mwh``, ``certificates_t``, ``certificates_mwh``, ``residual_t``,
    ``offsets_t``, ``net_t`` [tCO2/yr, MWh/yr]."""
    objective_value: float
    """Value of the objective minimised last [CNY/yr or tCO2/yr]."""
    objective_cny: float
    """Total annualised cost [CNY/yr]."""
    status: str
    """``optimal``, ``time_limit`` (feasible incumbent) or other HiGHS status."""
    termination: str
    """Termination condition as reported by the interface."""
    solve_time_s: float
    """HiGHS run time (sum over re-solves) [s]."""
    build_time_s: float
    """Model construction (Pyomo model compiled to the sparse matrix passed to HiGHS) [s]."""
    handover_time_s: float
    """Passing the model to HiGHS [s]."""
    gap: float
    """Relative MIP gap (0 for LP) [-]."""
    n_variables: int
    """Columns passed to HiGHS."""
    n_constraints: int
    """Rows passed to HiGHS."""
    duals: dict
    """Marginal values: ``emission_constraint_cny_per_t``, ``import_limit_*`` summary,
    ``electricity_price_cny_per_kwh`` (hourly, per kWh at weight 1)."""
    pareto: list = field(default_factory=list)
    """:class:`ParetoPoint` list for ``objective="pareto"``."""
    load_time_s: float = 0.0
    """Loading the solution back into Python [s]."""
    algorithm: str = ""
    """HiGHS algorithm actually run (``solver`` option after any fallback)."""
    solver_notes: list = field(default_factory=list)
    """What the solver layer changed from the request (e.g. HiPO unavailable)."""
    targets: list = field(default_factory=list)
    """One dict per stated target (:func:`solvers.blocks.targets.report`): ``name``,
    ``target``, ``value``, ``unit``, ``binding``, ``marginal_cost_cny_per_unit`` (the dual:
    annual cost of tightening the target by one unit) and its ``marginal_cost_unit``."""
    n_solves: int = 0
    """HiGHS runs behind this result (e.g. 2 for ``min_emissions``)."""
    store_states: dict = field(default_factory=dict)
    """Content of every store before the first and after the last step:
    ``{"initial": state, "end": state}`` with ``state`` as taken by
    :func:`solvers.transform.window`: ``battery_kwh`` {battery: kWh}, ``tes_kwh``
    {store: kWh}, ``cold_kwh`` {cold store: kWh} (where the problem has stores) and ``ev_cum_kwh`` {fleet: cumulative net energy delivered
    into the fleet's batteries since the start of the original horizon [kWh]} (fleets
    not charging on arrival).  ``result.store_states["end"]`` is the ``initial_state``
    of the next window.  Empty for linked representative days."""


class InfeasibleError(RuntimeError):
    """The problem has no feasible solution; the message says which requirement fails.

    Attributes
    ----------
    violations : dict
        Requirement name -> amount missing (units in the name).
    shortfalls : list of dict
        The targets, emission bound and residual cap among them, each with ``name``,
        ``label``, ``target``, ``value`` (the best reachable), ``unit``, ``short`` (the slack
        in ``row_unit``) and ``slack`` (its key in ``violations``).
    levers : list of str
        Levers at their limit in the elastic solution (sizes at their maximum, green power).
    notes : list of str
        How the verdict was reached, as :attr:`SizingResult.solver_notes` would have said it
        (which HiGHS runs, how long, what decided; a run stopped at its time limit).
    decided : bool
        False where the elastic re-solve behind the message needs no requirement to give way
        beyond the solver's tolerance, or ended without an optimum (:func:`solvers.optimise.elastic_verdict`):
        it alone does not prove the problem infeasible.
    """

    def __init__(self, message: str, violations: dict | None = None, *, shortfalls: list | None = None,
                 levers: list | None = None, notes: list | None = None, decided: bool = True):
        super().__init__(message)
        self.decided = decided
        #: the elastic re-solve's HiGHS run behind the message (``solvers.highs_backend.RunResult``), if any
        self.run = None
        self.violations = violations or {}
        self.shortfalls = list(shortfalls or [])
        self.levers = list(levers or [])
        self.notes = list(notes or [])

    @property
    def only_shortfalls(self) -> bool:
        """True when every violation is a target, the emission bound or the residual cap (each
        with its best reachable value): moving those to their best values makes the problem feasible."""
        named = {s["slack"] for s in self.shortfalls}
        return bool(named) and all(k in named for k, v in self.violations.items() if v > 1e-6)


class UndecidedError(RuntimeError):
    """HiGHS stopped without a usable solution and without a verdict (status unknown, or its time or
    iteration limit reached first); the message says which method ran, how long and how far.

    Attributes
    ----------
    notes : list of str
        The solver notes of the solve so far (:attr:`SizingResult.solver_notes`).
    status : str
        The run's status (``"time_limit"``, ``"iteration_limit"``, ``"error"``, ...).
    method : str
        How the run ran (``"hipo"``, ``"ipx + crossover"``, ``"simplex"``).
    time_s : float
        Wall time of the run [s].
    iterations : int
        Iterations of the run (simplex, interior point and crossover).
    """

    def __init__(self, message: str, *, notes: list | None = None, status: str = "error", method: str = "",
                 time_s: float = 0.0, iterations: int = 0):
        super().__init__(message)
        self.notes = list(notes or [])
        self.status, self.method, self.time_s, self.iterations = status, method, float(time_s), int(iterations)

    @property
    def at_limit(self) -> bool:
        """The run stopped at its time or iteration limit (a longer limit may decide it)."""
        return self.status in ("time_limit", "iteration_limit")
