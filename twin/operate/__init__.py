"""The operational twin: the sized park run hour by hour without perfect foresight.

Modules: :mod:`~twin.operate.state` (the park as built, plant state, set-points),
:mod:`~twin.operate.controllers` (controller lifecycle), :mod:`~twin.operate.rule`
(rule-based), :mod:`~twin.operate.mpc` (rolling horizon), :mod:`~twin.operate.forecasts`
(AR(1) forecast errors), :mod:`~twin.operate.faults`, :mod:`~twin.operate.loop` (simpy
process model and plant), :mod:`~twin.operate.metrics` (the gap to the optimum),
:mod:`~twin.operate.stage` (the pipeline stage), :mod:`~twin.operate.report` (HTML).
Importing the package is light: simpy and the solvers are imported where used.
"""
