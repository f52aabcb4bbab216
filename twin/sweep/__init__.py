"""Scenario sweeps on Dask distributed: a grid and a seeded Monte Carlo sample over any field.

``cases`` (the sweep file and its cases), ``runner`` (Dask: LocalCluster or a given
scheduler; each finished case written atomically, resume, retries), ``collect`` (one
xarray dataset with a ``case`` dimension and the statistics of the sweep report).
Only this package imports dask.
"""
