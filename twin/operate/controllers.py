"""The controller interface of the operational twin.

A controller runs through the same lifecycle as a pandapower controller
(``initialize_control`` / ``control_step`` / ``finalize_step`` / ``finalize_control``),
one step per hour:

1. :meth:`Controller.initialise` once, with the park as built and its initial state;
2. every hour ``t``: :meth:`Controller.observe` (the state at the start of the hour:
   store contents, connected vehicles, the month's peak so far), then
   :meth:`Controller.decide` (the set-points for the hour), then, after the plant has
   run the hour with the true data, :meth:`Controller.record` (what actually happened);
3. :meth:`Controller.finalise` once, returning the controller's own statistics
   (e.g. solve times) for the outputs.

Controllers see the true data only of hours that have passed; for the coming hours they
ask the :class:`twin.operate.forecasts.Forecaster` they were given.  The plant
(:mod:`twin.operate.loop`) clips every set-point to what the assets can do in that hour,
so a controller cannot break the physics; what it cannot deliver is reported.

A :class:`twin.operate.state.Decision` holds set-points planned before the hour on
forecasts, and real-time rules that the plant applies to the hour's actual flows, as the
local real-time layer of an energy management system does under its schedule: the
charging limit (``charge_limit_kw``), the import the batteries hold by discharging beyond
their set-points (``peak_hold_kw``) and the energy each battery keeps for the controller's
later use (``battery_reserve_kwh``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from twin.operate.state import Decision, OperatedPark, PlantState


@runtime_checkable
class Controller(Protocol):
    """What :func:`twin.operate.loop.operate` needs from a controller."""

    name: str
    """Label of the controller in the outputs (coordinate of the ``controller`` dimension)."""

    def initialise(self, park: OperatedPark, state: PlantState) -> None:
        """Prepare for a run of ``park`` starting from ``state``."""

    def observe(self, state: PlantState) -> None:
        """Take in the state at the start of hour ``state.t``."""

    def decide(self, t: int) -> Decision:
        """Set-points for hour ``t``."""

    def record(self, t: int, outcome: dict) -> None:
        """What the plant did in hour ``t`` (actual flows [kW]); optional bookkeeping."""

    def finalise(self) -> dict:
        """Statistics of the run (JSON-safe) for ``summary.json``."""
