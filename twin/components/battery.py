"""Stationary battery (BESS): specification and pure helper functions.

The dynamics (state of charge, charge/discharge) live in the optimiser
(``solvers``); this module supplies the physical parameters and the functions that
turn ratings into model coefficients: the split of round-trip efficiency, the
throughput degradation cost, equivalent full cycles and a capacity-fade estimate
used to report battery ageing.

Defaults are engineering ranges for a C&I cabinet [twin-assumption] (market context
[sec-bess-2025]): LFP, 6,000-8,000
cycles to 70-80 % state of health, AC round-trip efficiency 85-90 %, 10-15 yr life
(indicative ⚠). Capital costs are kept in the scenario's
costs section, not here.

References
----------
.. [1] B. Xu, A. Oudalov, A. Ulbig, G. Andersson, D. S. Kirschen, "Modeling of
   lithium-ion battery degradation for cell life assessment", IEEE Trans. Smart
   Grid 9(2), 1131-1140, 2018 (superposition of calendar and cycle ageing).
.. [2] M. Naumann, M. Schimpe, P. Keil, H. C. Hesse, A. Jossen, "Analysis and
   modeling of calendar aging of a commercial LiFePO4/graphite cell", J. Energy
   Storage 17, 153-169, 2018 (capacity loss grows with the square root of time).
.. [3] IEC 62933-2-1:2017, Electrical energy storage systems - unit parameters and
   testing methods (round-trip efficiency, equivalent full cycles).
"""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from twin.components.costs import AssetCost
from twin.components.life import ExistingLife


class BatterySpec(ExistingLife):
    """A park battery the optimiser may size (energy and power sized separately)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="battery", description="Battery name [-]")
    round_trip_efficiency: float = Field(
        default=0.88, gt=0, le=1,
        description="AC round-trip efficiency [-]; split into charge and discharge "
                    "efficiency sqrt(rte) each. 0.88 = middle of 85-90 % "
                    "([twin-assumption], C&I cabinet ⚠)")
    soc_min: float = Field(
        default=0.05, ge=0, lt=1,
        description="Minimum state of charge [-] of the installed energy capacity "
                    "(BMS reserve; assumption for LFP cabinets)")
    soc_max: float = Field(
        default=0.95, gt=0, le=1,
        description="Maximum state of charge [-] of the installed energy capacity "
                    "(assumption for LFP cabinets)")
    soc_initial: float = Field(
        default=0.5, ge=0, le=1,
        description="State of charge at the start (and required at the end) of the year [-]")
    c_rate_max: float = Field(
        default=0.5, gt=0,
        le=10, description="Maximum power per energy capacity [kW/kWh] (charge and discharge); "
                    "0.5 = typical C&I cabinet, e.g. 100 kW / 215 kWh (assumption)")
    self_discharge_per_h: float = Field(
        default=4e-5, ge=0, lt=0.01,
        description="Self-discharge [1/h] as a fraction of stored energy; 4e-5/h is about "
                    "3 %/month, typical for LFP (assumption)")
    cycle_life: float = Field(
        default=6000.0, gt=0,
        le=50000, description="Equivalent full cycles at cycle_life_dod until end of life [cycles]; "
                    "[twin-assumption]: 6,000-8,000 for LFP")
    cycle_life_dod: float = Field(
        default=0.9, gt=0, le=1,
        description="Depth of discharge at which cycle_life is rated [-]")
    eol_capacity_fraction: float = Field(
        default=0.8, gt=0, lt=1,
        description="Remaining capacity that defines end of life [-] (70-80 % in "
                    "[twin-assumption]; 0.8 is the usual warranty definition)")
    calendar_life_years: float = Field(
        default=15.0, gt=0,
        le=50, description="Years to end of life from calendar ageing alone [yr] "
                    "([twin-assumption]: 10-15 yr system life)")
    degradation_cost_cny_per_kwh: float | None = Field(
        default=None, ge=0,
        le=10, description="Wear cost per kWh discharged [CNY/kWh]; None = derive from the "
                    "scenario's battery energy capex with throughput_degradation_cost()")
    min_kwh: float = Field(default=0.0, ge=0, le=1e7, description="Minimum energy capacity to build [kWh]")
    max_kwh: float | None = Field(
        default=None, ge=0, le=1e7, description="Maximum energy capacity [kWh]; None = unbounded")
    min_kw: float = Field(default=0.0, ge=0, le=2e6, description="Minimum converter power to build [kW]")
    max_kw: float | None = Field(
        default=None, ge=0, le=2e6, description="Maximum converter power [kW]; None = unbounded")
    existing_kwh: float = Field(
        default=0.0, ge=0, le=1e7, description="Already installed energy capacity [kWh]")
    existing_kw: float = Field(
        default=0.0, ge=0, le=2e6, description="Already installed converter power [kW]")
    energy_cost: AssetCost | None = Field(
        default=None, description="This battery's cost per kWh of energy capacity; None = costs.battery_energy "
                                  "(give it where several batteries differ, e.g. an existing lead-acid bank and a "
                                  "new LFP candidate) [CNY/kWh]")
    power_cost: AssetCost | None = Field(
        default=None, description="This battery's cost per kW of converter power; None = costs.battery_power [CNY/kW]")

    @model_validator(mode="after")
    def _check(self):
        if self.calendar_life_years != 15.0:  # refused rather than ignored (twin.scenario.consumers)
            raise ValueError(f"battery {self.name!r}: calendar_life_years is not modelled yet (the optimiser's "
                             "battery life is costs.battery_energy.lifetime_years); leave it out")
        if self.soc_min >= self.soc_max:
            raise ValueError(f"battery {self.name!r}: soc_min must be below soc_max")
        if not self.soc_min <= self.soc_initial <= self.soc_max:
            raise ValueError(f"battery {self.name!r}: soc_initial outside [soc_min, soc_max]")
        if self.max_kwh is not None and self.min_kwh > self.max_kwh:
            raise ValueError(f"battery {self.name!r}: min_kwh exceeds max_kwh")
        if self.max_kw is not None and self.min_kw > self.max_kw:
            raise ValueError(f"battery {self.name!r}: min_kw exceeds max_kw")
        return self

    @property
    def charge_efficiency(self) -> float:
        """One-way charge efficiency [-] (sqrt of the round-trip efficiency)."""
        return charge_discharge_efficiency(self.round_trip_efficiency)[0]

    @property
    def discharge_efficiency(self) -> float:
        """One-way discharge efficiency [-] (sqrt of the round-trip efficiency)."""
        return charge_discharge_efficiency(self.round_trip_efficiency)[1]

    @property
    def can_grow(self) -> bool:
        """True if new energy or power may be built (a cost is then needed)."""
        return (self.max_kwh is None or self.max_kwh > self.existing_kwh
                or self.max_kw is None or self.max_kw > self.existing_kw)

    def degradation_cost(self, capex_cny_per_kwh: float) -> float:
        """Wear cost per kWh discharged [CNY/kWh]: the explicit value, else derived."""
        if self.degradation_cost_cny_per_kwh is not None:
            return float(self.degradation_cost_cny_per_kwh)
        return float(throughput_degradation_cost(
            capex_cny_per_kwh, self.cycle_life, self.cycle_life_dod,
            self.eol_capacity_fraction))


def charge_discharge_efficiency(round_trip_efficiency):
    """Split a round-trip efficiency equally into charge and discharge efficiency.

    ``eta_c = eta_d = sqrt(eta_rt)`` so that ``eta_c * eta_d = eta_rt``.

    Parameters
    ----------
    round_trip_efficiency : float or array-like
        AC-to-AC round-trip efficiency [-], in (0, 1].

    Returns
    -------
    tuple of (float or numpy.ndarray)
        ``(eta_charge, eta_discharge)`` [-].
    """
    rte = np.asarray(round_trip_efficiency, dtype=float)
    if np.any((rte <= 0) | (rte > 1)):
        raise ValueError("round-trip efficiency must lie in (0, 1]")
    eta = np.sqrt(rte)
    if eta.ndim == 0:
        return float(eta), float(eta)
    return eta, eta.copy()


def throughput_degradation_cost(capex_cny_per_kwh, cycle_life, depth_of_discharge=1.0,
                                eol_capacity_fraction=None):
    """Battery wear cost per kWh discharged [CNY/kWh].

    Replacing the energy part at ``capex`` buys ``cycle_life`` cycles, each delivering
    ``depth_of_discharge`` times the (average) usable capacity, so

    ``c_deg = capex / (N * DoD * f_avg)``,  ``f_avg = (1 + EOL) / 2``

    where ``f_avg`` accounts for the capacity shrinking linearly from 100 % to the
    end-of-life fraction (``f_avg = 1`` when ``eol_capacity_fraction`` is None). This
    is the throughput-based ("cycle-counting") wear cost used in market studies, e.g.
    Xu et al. 2018 [1]_.

    Parameters
    ----------
    capex_cny_per_kwh : float or array-like
        Replacement cost of the energy part [CNY/kWh of capacity].
    cycle_life : float
        Cycles to end of life at ``depth_of_discharge`` [cycles].
    depth_of_discharge : float, default 1
        Depth of discharge of the rated cycles [-].
    eol_capacity_fraction : float, optional
        Capacity fraction at end of life [-].

    Returns
    -------
    float or numpy.ndarray
        Wear cost per kWh discharged [CNY/kWh].
    """
    if cycle_life <= 0 or not 0 < depth_of_discharge <= 1:
        raise ValueError("cycle_life must be positive and depth_of_discharge in (0, 1]")
    f_avg = 1.0 if eol_capacity_fraction is None else (1.0 + eol_capacity_fraction) / 2.0
    cost = np.asarray(capex_cny_per_kwh, dtype=float) / (cycle_life * depth_of_discharge * f_avg)
    return float(cost) if cost.ndim == 0 else cost


def equivalent_full_cycles(p_charge_kw, p_discharge_kw, capacity_kwh, dt_h=1.0):
    """Equivalent full cycles of a charge/discharge series [cycles].

    ``EFC = sum((p_ch + p_dis) * dt) / (2 * E_nom)``: the energy throughput (charged
    plus discharged, AC side) divided by twice the nominal capacity (IEC 62933-2-1 [3]_).

    Parameters
    ----------
    p_charge_kw, p_discharge_kw : array-like
        Charging and discharging power, both non-negative [kW].
    capacity_kwh : float
        Nominal energy capacity [kWh].
    dt_h : float, default 1
        Step length [h].

    Returns
    -------
    float
        Equivalent full cycles [cycles] (0 when the capacity is 0).
    """
    pc = np.asarray(p_charge_kw, dtype=float)
    pd_ = np.asarray(p_discharge_kw, dtype=float)
    if np.any(pc < 0) or np.any(pd_ < 0):
        raise ValueError("charge and discharge power must be non-negative")
    if capacity_kwh <= 0:
        return 0.0
    return float((pc.sum() + pd_.sum()) * dt_h / (2.0 * capacity_kwh))


def capacity_fade(years, equivalent_cycles, *, cycle_life=6000.0, cycle_life_dod=0.9,
                  calendar_life_years=15.0, eol_capacity_fraction=0.8):
    """Remaining capacity fraction after calendar and cycle ageing [-].

    Superposition of calendar and cycle ageing (Xu et al. 2018 [1]_):

    ``Q = 1 - L_cal - L_cyc``,
    ``L_cal = (1 - EOL) * sqrt(t / t_cal)`` (square-root-of-time calendar fade of
    LFP/graphite, Naumann et al. 2018 [2]_, scaled so that calendar ageing alone
    reaches end of life after ``calendar_life_years``),
    ``L_cyc = (1 - EOL) * EFC / (N * DoD_N)`` (cycle fade linear in throughput,
    scaled so that the rated ``cycle_life`` at ``cycle_life_dod`` reaches end of
    life; equivalent full cycles are converted to rated cycles by the DoD).

    Parameters
    ----------
    years : float or array-like
        Time since commissioning [yr].
    equivalent_cycles : float or array-like
        Cumulative equivalent full cycles [cycles] (see :func:`equivalent_full_cycles`).
    cycle_life : float
        Rated cycles to end of life [cycles].
    cycle_life_dod : float
        Depth of discharge of the rating [-].
    calendar_life_years : float
        Years to end of life from calendar ageing alone [yr].
    eol_capacity_fraction : float
        Capacity fraction that defines end of life [-].

    Returns
    -------
    float or numpy.ndarray
        Remaining capacity as a fraction of nominal [-], floored at 0.
    """
    t = np.asarray(years, dtype=float)
    efc = np.asarray(equivalent_cycles, dtype=float)
    if np.any(t < 0) or np.any(efc < 0):
        raise ValueError("years and equivalent cycles must be non-negative")
    span = 1.0 - eol_capacity_fraction
    loss_cal = span * np.sqrt(t / calendar_life_years)
    loss_cyc = span * efc / (cycle_life * cycle_life_dod)
    q = np.clip(1.0 - loss_cal - loss_cyc, 0.0, None)
    return float(q) if q.ndim == 0 else q


def years_to_end_of_life(equivalent_cycles_per_year, *, cycle_life=6000.0, cycle_life_dod=0.9,
                         calendar_life_years=15.0, eol_capacity_fraction=0.8):
    """Years until :func:`capacity_fade` reaches the end-of-life fraction [yr].

    Solves ``sqrt(t / t_cal) + k t = 1`` with ``k = EFC_yr / (N DoD_N)`` (a quadratic
    in ``sqrt(t)``).

    Parameters
    ----------
    equivalent_cycles_per_year : float
        Equivalent full cycles per year [cycles/yr].
    cycle_life, cycle_life_dod, calendar_life_years, eol_capacity_fraction : float
        As for :func:`capacity_fade`.

    Returns
    -------
    float
        Service life [yr].
    """
    k = equivalent_cycles_per_year / (cycle_life * cycle_life_dod)
    a = 1.0 / np.sqrt(calendar_life_years)
    if k <= 0:
        return float(calendar_life_years)
    s = (-a + np.sqrt(a * a + 4.0 * k)) / (2.0 * k)  # s = sqrt(t)
    return float(s * s)
