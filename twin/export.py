"""Exports planners open in Excel: comparison workbooks, CSV with a byte-order mark, hourly tables.

* CSV files are UTF-8 **with a byte-order mark** (``utf-8-sig``), so Excel shows Chinese
  names correctly when the file is double-clicked.
* ``comparison.xlsx`` is written with xlsxwriter (about twice as fast as openpyxl for
  hourly sheets): one sheet per table, units in the headers, Chinese and English labels,
  numbers kept as numbers with a display format of about three significant figures, and
  the hourly results of each run on its own sheet when asked.
* ``dispatch.csv`` (and ``dispatch.parquet`` where pyarrow is installed — optional extra
  ``parquet``, a 55 MB wheel we do not force on every user) beside a run's ``results.nc``:
  every hourly variable of the run, one column per variable and asset, ``name [unit]``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from twin.io import atomic_write


def write_csv_bom(df: pd.DataFrame, path: str | Path, index: bool = True) -> Path:
    """Write ``df`` as CSV in UTF-8 with a byte-order mark (Excel-safe), atomically."""
    return atomic_write(path, lambda p: df.to_csv(p, index=index, encoding="utf-8-sig"))


def hourly_frame(ds) -> pd.DataFrame:
    """Every hourly variable of a results dataset as one table (index: time, start of hour).

    Variables with other dimensions (an asset: ``pv_array``, ``ev_fleet``, ...; an operated
    controller and an asset) become one column per coordinate, ``p_pv_kw[roof] [kW]``,
    ``op_p_pv_kw[mpc][roof] [kW]``; headers carry the unit in brackets. Label variables
    (``tou_period``: peak, flat, valley, ...) are text columns without a unit.
    """
    import itertools

    cols = {}
    for name, da in ds.data_vars.items():
        if "time" not in da.dims or da.dtype.kind not in "fiubUSO":
            continue
        unit = da.attrs.get("units", "")
        other = [d for d in da.dims if d != "time"]
        values = da.transpose(*other, "time").to_numpy()
        for idx in itertools.product(*(range(da.sizes[d]) for d in other)):
            key = name + "".join(f"[{da[d].values[i]}]" for d, i in zip(other, idx))
            cols[_head(key, unit)] = values[idx]
    return pd.DataFrame(cols, index=pd.Index(pd.to_datetime(ds["time"].values), name="time"))


def _head(name: str, unit: str) -> str:
    return f"{name} [{unit}]" if unit else name


def write_dispatch_tables(ds, out_dir: str | Path) -> dict[str, Path]:
    """``dispatch.csv`` (UTF-8 with BOM) and, with pyarrow, ``dispatch.parquet`` in ``out_dir``."""
    out_dir = Path(out_dir)
    df = hourly_frame(ds)
    paths = {"dispatch.csv": write_csv_bom(df, out_dir / "dispatch.csv")}
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return paths
    paths["dispatch.parquet"] = atomic_write(out_dir / "dispatch.parquet", lambda p: df.to_parquet(p))
    return paths


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, no []:*?/\\, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    out, i = clean, 2
    while out.lower() in used:
        suffix = f" ({i})"
        out = clean[: 31 - len(suffix)] + suffix
        i += 1
    used.add(out.lower())
    return out


def write_comparison_xlsx(tables: dict[str, pd.DataFrame], runs, path: str | Path, *,
                          hourly: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the comparison workbook.

    Parameters
    ----------
    tables
        From :func:`twin.compare.comparison_tables`.
    runs
        The :class:`twin.compare.ComparedRun` list (column labels in zh and en).
    hourly
        Run name -> :func:`hourly_frame`; each on its own sheet ``hourly <name>``.
    """
    from twin.fmt import excel_format

    labels = {r.name: (r.label("en"), r.label("zh")) for r in runs}

    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            wb = xw.book
            head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7",
                                  "border": 1})
            wrap = wb.add_format({"text_wrap": True, "valign": "top"})
            fmts: dict[str, object] = {}

            def numfmt(code: str):
                if code not in fmts:
                    fmts[code] = wb.add_format({"num_format": code, "valign": "top"})
                return fmts[code]

            used: set[str] = set()
            for key, title in (("comparison", "comparison 对比"), ("differences", "differences 差值")):
                df = tables.get(key)
                if df is None or df.empty:
                    continue
                ws = wb.add_worksheet(_sheet_name(title, used))
                names = [c for c in df.columns if c in labels]
                heads = ["指标", "Metric", "单位 unit"] + [f"{labels[n][1]}\n{labels[n][0]}" for n in names]
                for j, h in enumerate(heads):
                    ws.write(0, j, h, head)
                for i, (_, row) in enumerate(df.iterrows(), start=1):
                    ws.write(i, 0, row["zh"], wrap)
                    ws.write(i, 1, row["en"], wrap)
                    unit = "%" if row["kind"] == "share" else row["unit"]
                    ws.write(i, 2, unit, wrap)
                    vals = [row[n] for n in names]
                    if row["kind"] == "share":
                        vals = [None if v is None or (isinstance(v, float) and math.isnan(v)) else 100.0 * v
                                for v in vals]
                    f = numfmt(excel_format(vals))
                    for j, v in enumerate(vals, start=3):
                        if v is None or (isinstance(v, float) and math.isnan(v)):
                            ws.write_blank(i, j, None)
                        elif isinstance(v, bool):
                            ws.write(i, j, "是 yes" if v else "否 no")
                        elif isinstance(v, (int, float)):
                            ws.write_number(i, j, float(v), f)
                        else:
                            ws.write(i, j, str(v), wrap)
                ws.set_column(0, 0, 34)
                ws.set_column(1, 1, 48)
                ws.set_column(2, 2, 11)
                ws.set_column(3, 2 + len(names), 18)
                ws.set_row(0, 32)
                ws.freeze_panes(1, 3)
            for key, title, index_head in (("sizes", "sizes 规模", "资产 asset"),
                                           ("cash_flows", "cash flows 现金流", "年 year")):
                df = tables.get(key)
                if df is None or df.empty:
                    continue
                ws = wb.add_worksheet(_sheet_name(title, used))
                names = [c for c in df.columns if c in labels]
                unit_col = "unit" in df.columns
                heads = [index_head] + (["单位 unit"] if unit_col else []) + [
                    f"{labels[n][1]}\n{labels[n][0]}" + ("" if unit_col else " [CNY]") for n in names]
                for j, h in enumerate(heads):
                    ws.write(0, j, h, head)
                off = 2 if unit_col else 1
                for i, (idx, row) in enumerate(df.iterrows(), start=1):
                    ws.write(i, 0, idx if not isinstance(idx, (int, float)) else int(idx))
                    if unit_col:
                        ws.write(i, 1, row["unit"])
                    f = numfmt(excel_format([row[n] for n in names]))
                    for j, n in enumerate(names, start=off):
                        ws.write_number(i, j, float(row[n]), f)
                ws.set_column(0, 0, 30)
                ws.set_column(off, off + len(names), 18)
                ws.set_row(0, 32)
                ws.freeze_panes(1, off)
            df = tables.get("variants")
            if df is not None and not df.empty:
                ws = wb.add_worksheet(_sheet_name("variants 方案", used))
                heads = ["名称 name", "English label", "中文名称", "说明 description", "场景文件 scenario",
                         "覆盖项 overrides (JSON)", "sha256"]
                for j, h in enumerate(heads):
                    ws.write(0, j, h, head)
                for i, (name, row) in enumerate(df.iterrows(), start=1):
                    for j, v in enumerate([name, row["label_en"], row["label_zh"], row["description"],
                                           row["scenario"], row["overrides"], row["sha256"]]):
                        ws.write_string(i, j, str(v), wrap)
                for j, w in enumerate((16, 28, 20, 50, 40, 60, 20)):
                    ws.set_column(j, j, w)
            for name, df in (hourly or {}).items():
                sheet = _sheet_name(f"hourly {name}", used)
                df.to_excel(xw, sheet_name=sheet, index=True)
                ws = xw.sheets[sheet]
                ws.set_column(0, 0, 19)
                ws.set_column(1, df.shape[1], 14)
                ws.freeze_panes(1, 1)

    return atomic_write(path, write)
