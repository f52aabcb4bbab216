"""Publishing a run's outputs: ``results.nc``, ``summary.json`` and ``report.html`` together.

The files are written into a fresh hidden folder beside ``out_dir`` and swapped in as
one unit (:func:`twin.io.publish_run`): a run killed at any moment leaves the complete
previous outputs or the complete new ones, never a mixture; leftovers of killed runs
are cleaned by the next run.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT_FILES = ("results.nc", "summary.json", "report.html", "dispatch.csv", "dispatch.parquet")


def write_outputs(out_dir: str | Path, *, dataset, summary: dict, ledger=None, scorecard=None,
                  lang: str = "zh", report: bool = True, tables: bool = True) -> dict[str, Path]:
    """Write results.nc, summary.json, (``report=True``) report.html and (``tables=True``) the
    hourly dispatch for spreadsheets (``dispatch.csv``, UTF-8 with BOM; ``dispatch.parquet``
    with pyarrow) into ``out_dir``, published together.

    Returns
    -------
    dict
        ``{file name: path}`` of the files now in ``out_dir``.
    """
    from twin.io import publish_run
    from twin.results.dataset import to_netcdf
    from twin.results.summary import summary_json

    out = Path(out_dir)
    with publish_run(out) as folder:
        to_netcdf(dataset, folder / "results.nc")
        (folder / "summary.json").write_text(summary_json(summary), encoding="utf-8")
        if report:
            from twin.report import render_report

            html = render_report(dataset, summary, ledger, scorecard, lang=lang)
            (folder / "report.html").write_text(html, encoding="utf-8")
        if tables:
            from twin.export import write_dispatch_tables

            write_dispatch_tables(dataset, folder)
    return {name: out / name for name in OUTPUT_FILES if (out / name).exists()}


__all__ = ["OUTPUT_FILES", "write_outputs"]
