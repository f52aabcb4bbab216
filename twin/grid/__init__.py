"""The park grid: hourly AC power flow of the plan on a pandapower network (issue 17).

The only package that imports pandapower and lightsim2grid (both imported inside
functions). Modules:

* :mod:`twin.grid.spec` — the ``grid.network`` scenario section (pydantic only);
* :mod:`twin.grid.build` — pandapower network from the scenario (explicit or default radial layout);
* :mod:`twin.grid.timeseries` — per-node injections from the dispatch and the lightsim2grid batch solve;
* :mod:`twin.grid.violations` — limits, violating hours and places, duration curves;
* :mod:`twin.grid.feedback` — violations back into the sizing (hourly limits or a priced upgrade);
* :mod:`twin.grid.report` — the report section (plotly).

:func:`twin.grid.feedback.grid_stage` is the entry point of a run.
"""
