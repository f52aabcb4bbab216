"""dispatch.csv holds every hourly variable of results.nc (docs/outputs.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from twin.export import hourly_frame, write_dispatch_tables


def _dataset() -> xr.Dataset:
    t = pd.date_range("2026-01-01", periods=3, freq="h", tz="Asia/Shanghai")
    return xr.Dataset(
        {"p_grid_import_kw": ("time", [1.0, 2.0, 3.0], {"units": "kW"}),
         "tou_period": ("time", np.array(["valley", "peak", "flat"])),
         "p_pv_kw": (("pv_array", "time"), [[0.0, 5.0, 1.0]], {"units": "kW"}),
         "op_p_pv_kw": (("controller", "time", "pv_array"), np.arange(6.0).reshape(2, 3, 1), {"units": "kW"}),
         "size_pv_kwp": ((), 10.0, {"units": "kWp"})},
        coords={"time": t, "pv_array": ["roof"], "controller": ["rule", "mpc"]})


def test_every_hourly_variable_has_its_columns_labels_too(tmp_path):
    """The time-of-use period is a text column; a variable over a controller and an asset has
    one column per pair (they were left out); scalars are not hourly."""
    df = hourly_frame(_dataset())
    assert list(df.columns) == ["p_grid_import_kw [kW]", "tou_period", "p_pv_kw[roof] [kW]",
                                "op_p_pv_kw[rule][roof] [kW]", "op_p_pv_kw[mpc][roof] [kW]"]
    assert df["tou_period"].tolist() == ["valley", "peak", "flat"]
    assert df["op_p_pv_kw[mpc][roof] [kW]"].tolist() == [3.0, 4.0, 5.0]
    write_dispatch_tables(_dataset(), tmp_path)
    back = pd.read_csv(tmp_path / "dispatch.csv", index_col=0, encoding="utf-8-sig")
    assert back["tou_period"].tolist() == ["valley", "peak", "flat"] and back.shape == (3, 5)
