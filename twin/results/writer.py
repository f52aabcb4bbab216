"""Publishing a run's outputs: ``results.nc``, ``summary.json`` and ``report.html`` together.

The three files are staged beside their targets and renamed into place at the end
(:func:`twin.io.staged_outputs`): an interrupted write leaves the previous outputs, or
none, never a mixture.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT_FILES = ("results.nc", "summary.json", "report.html")


def write_outputs(out_dir: str | Path, *, dataset, summary: dict, ledger=None, scorecard=None,
                  lang: str = "zh", report: bool = True) -> dict[str, Path]:
    """Write results.nc, summary.json and (``report=True``) report.html into ``out_dir``.

    Returns
    -------
    dict
        ``{file name: path}`` of the files now in ``out_dir``.
    """
    from twin.io import stage, staged_outputs
    from twin.results.dataset import to_netcdf
    from twin.results.summary import summary_json

    out = Path(out_dir)
    with staged_outputs(out) as staged:
        to_netcdf(dataset, stage(staged, out, "results.nc"))
        stage(staged, out, "summary.json").write_text(summary_json(summary), encoding="utf-8")
        if report:
            from twin.report import render_report

            html = render_report(dataset, summary, ledger, scorecard, lang=lang)
            stage(staged, out, "report.html").write_text(html, encoding="utf-8")
    return {name: out / name for name in OUTPUT_FILES if (out / name).exists()}


__all__ = ["OUTPUT_FILES", "write_outputs"]
