"""The optional ``operation`` section of a scenario: how the sized park is operated.

Imported by :mod:`twin.scenario.schema`; pydantic only (no simpy, no solvers).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from twin.operate.faults import FaultSpec

ControllerChoice = Literal["rule", "mpc", "both", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ForecastSpec(_Strict):
    """Forecast errors the controllers live with (AR(1) growing with lead time)."""

    pv_sd_of_peak: float = Field(0.12, ge=0, le=1, description="Day-ahead PV forecast error, standard "
                                 "deviation per peak AC output [-] (10-14 % of nameplate, Larson et al. 2016)")
    load_sd_of_mean: float = Field(0.075, ge=0, le=1, description="Day-ahead load forecast error, standard "
                                   "deviation per mean load [-] (5-10 % typical; assumption)")
    process_heat_sd_of_mean: float = Field(
        0.075, ge=0, le=1, description="Day-ahead process-heat forecast error, standard deviation per mean "
        "demand of each process-heat demand [-] (ASSUMED: the loads' 7.5 %, no source for process heat; "
        "batch processes may be less predictable)")
    process_cooling_sd_of_mean: float = Field(
        0.075, ge=0, le=1, description="Day-ahead process-cooling forecast error, standard deviation per mean "
        "demand of each process-cooling demand [-] (ASSUMED: the loads' 7.5 %, no source for process cooling)")
    phi: float = Field(0.9, ge=0, lt=1, description="AR(1) coefficient of the error from one lead hour to "
                       "the next [-]")
    perfect: bool = Field(False, description="No forecast errors (perfect foresight within the horizon) [-]")


class OperationSpec(_Strict):
    """Operate the sized park hour by hour (the operational twin)."""

    controller: ControllerChoice = Field("both", description="Controllers to run: 'rule', 'mpc' (rolling "
                                         "horizon), 'both' or 'none' [-]; `twin run --operate` overrides it")
    horizon_h: int = Field(48, ge=1, le=8760, description="Rolling-horizon window [h] (the rolling-horizon "
                           "controller's; the rule-based controller looks 48 h ahead whatever it is)")
    step_h: int = Field(1, ge=1, le=168, description="Hours between re-optimisations of the rolling horizon [h], "
                        "at most horizon_h")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed of the forecast errors [-]")
    forecast: ForecastSpec = Field(default_factory=ForecastSpec, description="Forecast errors [-]")
    value_of_lost_load_cny_per_kwh: float = Field(
        30.0, gt=0, le=1000, description="Value of lost load [CNY/kWh]: the cost the rolling-horizon controller "
        "puts on unserved energy, and the price of every kWh of electricity, heat or cooling an operated year "
        "does not serve (and of EV charging short at departure) in the operational gap. ASSUMED by default: "
        "there is no official Chinese value of lost load for parks; give yours with its source")
    value_of_lost_load_source: str | None = Field(
        None, max_length=300, description="Where value_of_lost_load_cny_per_kwh comes from (a citation) [-]; "
        "empty: the outputs label the value ASSUMED")
    real_time_peak_hold: bool = Field(
        True, description="Real-time layer under both controllers [-]: where an hour's actual import would "
        "exceed the month's peak threshold (the highest import already paid for this month, or the plan's peak "
        "where higher) once flexible charging is held, the batteries discharge beyond the controller's set-point "
        "to hold it, within their power and down to the energy the controller keeps in reserve (the rolling "
        "horizon: what its window plans for later peak shaving; the rule-based controller: soc_min). false: only "
        "charging is held to the threshold")
    rule_ev_charging: Literal["sessions", "deadline"] = Field(
        "sessions", description="EV charging under the rule-based controller [-]: 'sessions' plans each connected "
        "vehicle's remaining need in the cheapest hours of its session below the month's peak threshold (least "
        "laxity first; full year: Qingdao cost gap +22.1 % -> +12.3 %, Guangzhou +13.0 % -> +8.0 %, but Suzhou "
        "+1.9 % -> +2.2 %); 'deadline' charges what the promises need by departure, and everything in valley "
        "hours or with PV surplus (the rule before session planning)")
    mpc_ev_window: Literal["sessions", "aggregate"] = Field(
        "sessions", description="EV fleets in the rolling horizon's window [-]: 'sessions' builds each fleet's "
        "envelope every hour from its vehicles' sessions (the energy each connected vehicle still needs by its "
        "departure, the vehicles the charger queue plugs in later); 'aggregate' plans on the sizing's fleet "
        "envelope, where energy one vehicle received ahead counts for another's need (the window before)")
    mpc_peak_margin_sd: float = Field(
        1.0, ge=0, le=5, description="Rolling horizon under a demand charge [-]: the window keeps its planned "
        "import, less the batteries' charging (which the plant cuts first in real time), this many standard "
        "deviations of the net-load forecast error (electric load and PV, at each lead) below the month's peak, "
        "discharging the batteries that much more at the peak's hours, so that a load above its forecast finds "
        "the peak held (1: 84 % of hours with normal errors). Full year, cost gap at 0 / 0.5 / 1 / 2: Qingdao "
        "+4.96 / +4.84 / +4.75 / +4.90 %, Guangzhou +3.67 / - / +3.60 / - %, Suzhou +0.70 / +0.71 / +0.72 / - %; "
        "0: none")
    rule_reserve_margin_sd: float = Field(
        2.0, ge=0, le=5, description="Rule-based controller under a demand charge [-]: the energy its batteries "
        "keep from price arbitrage for the day's later hours covers, in each of them, the forecast import above "
        "the month's peak threshold plus this many standard deviations of the net-load forecast error (electric "
        "load and PV, at each lead). The month's peak is set by its worst hour, so one standard deviation left the "
        "batteries empty in the hour that set it. Full year, cost gap of the rule-based controller: see "
        "benchmarks/README.md; 0: the forecast alone")
    faults: list[FaultSpec] = Field(default_factory=list, description="Faults with a time window [-]")
