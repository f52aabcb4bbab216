"""The results home: what a run produced, in the shapes users read.

- :mod:`twin.results.units` — units of sizes and annual keys;
- :mod:`twin.results.summary` — ``summary.json`` (documented in docs/outputs.md) and the
  headline text;
- :mod:`twin.results.dataset` — ``results.nc`` (one xarray Dataset with units);
- :mod:`twin.results.writer` — publishing ``results.nc``, ``summary.json`` and
  ``report.html`` together.

The report (``twin.report``) and the comparison (``twin.report_compare``) import from
here; nothing here imports the run (``twin.run``) or the old pipeline module.
"""
