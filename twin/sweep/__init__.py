"""Scenario sweeps: a grid and a seeded Monte Carlo sample over any field.

``cases`` (the sweep file and its cases), ``runner`` (the engine-independent part: each
finished case written atomically, resume, progress; the Dask engine for a LocalCluster or a
given scheduler), ``local`` (the default engine on one machine: spawned worker processes with
the same guarantees), ``collect`` (one xarray dataset with a ``case`` dimension and the
statistics of the sweep report). Only this package imports dask and pebble.
"""
