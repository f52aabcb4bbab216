"""Recover the typical-year values the weather issue (issue 11) measured the tool against.

Issue 11 measured the method of its day (commit :data:`ISSUE_COMMIT`, the 34 TMYx cities and a
fixed 6.5 K/km lapse rate) with ``twin weather --lat --lon --elevation`` against typical-year
files of stations the project has never seen, and stated the errors (estimate less file):
annual mean temperature at eleven sites, annual GHI at three, PV yield at two
(:data:`ISSUE_ERRORS`). The files are not at hand, but each stated error with that method's own
estimate at the site gives the file's value back: temperature = estimate - error, GHI and
PV yield = estimate / (1 + error). Where a file is at hand the recovered value can be checked
(``--files``): Shenzhen's TMYx GHI and Kunming's TMYx temperature come back within 0.2 % and
0.05 K.

The script checks out :data:`ISSUE_COMMIT` into a temporary git worktree, runs its
``site_weather`` and its PV-yield chain (the same PVWatts chain as today's
``weather.validation.pv_specific_yield``) at every site in a separate Python process, and
writes the recovered values to ``benchmarks/issue11_sites.json``;
``scripts/validate_weather.py`` then measures the current method against them (VALIDATION
section 3, "The issue's own sites"). Nothing of the old code is kept.

Positions are those of the CMA stations of the sites' names (the checker's files may stand a
few km away, at an airport; the recovered value and today's estimate move together with the
position, so the error changes little). Where two files of one site were measured (Yinchuan:
-3.2 and -4.4 K), both are kept.

Usage: ``python scripts/derive_issue_sites.py [--files FOLDER] [--out benchmarks/issue11_sites.json]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(ROOT))  # today's weather package, after the script's folder

ISSUE_COMMIT = "ee42815"
"""The last commit of the weather package before issue 11's work began (2026-11-24)."""

SITES = {
    # name: (中文名, WMO, latitude [deg], longitude [deg], elevation [m]) of the CMA station
    "Lhasa": ("拉萨", 55591, 29.667, 91.133, 3650.1),
    "Golmud": ("格尔木", 52818, 36.417, 94.917, 2808.4),
    "Kashi": ("喀什", 51709, 39.483, 75.750, 1386.7),
    "Xining": ("西宁", 52866, 36.733, 101.750, 2296.0),
    "Kunming": ("昆明", 56778, 25.000, 102.650, 1889.1),
    "Lanzhou": ("兰州", 52889, 36.050, 103.883, 1517.2),
    "Yinchuan": ("银川", 53614, 38.467, 106.200, 1111.6),
    "Datong": ("大同", 53487, 40.083, 113.417, 1053.6),
    "Zhengzhou": ("郑州", 57083, 34.717, 113.650, 111.6),
    "Xi'an": ("西安", 57036, 34.300, 108.933, 397.5),
    "Haikou": ("海口", 59758, 20.000, 110.250, 64.7),
    "Shenzhen": ("深圳", 59493, 22.542, 114.003, 4.0),
    "Guiyang": ("贵阳", 57816, 26.583, 106.733, 1224.9),
}
"""The sites issue 11 names, at the CMA station's position (Shenzhen at its TMYx file's)."""

ISSUE_ERRORS = [
    # (site, quantity, error as the issue states it: K for temperature, fraction otherwise)
    ("Lhasa", "t_annual", -13.5), ("Golmud", "t_annual", -9.8), ("Kashi", "t_annual", -7.6),
    ("Xining", "t_annual", -6.7), ("Kunming", "t_annual", -5.8), ("Lanzhou", "t_annual", -4.9),
    ("Yinchuan", "t_annual", -3.2), ("Yinchuan", "t_annual", -4.4),
    ("Datong", "t_annual", -1.7), ("Zhengzhou", "t_annual", -0.2), ("Xi'an", "t_annual", 0.5),
    ("Haikou", "t_annual", 0.3),
    ("Shenzhen", "ghi_annual", -0.114), ("Lhasa", "ghi_annual", 0.111),
    ("Kunming", "ghi_annual", 0.105),
    ("Kashi", "pv_yield", 0.153), ("Guiyang", "pv_yield", 0.132),
]
"""Errors of the method of :data:`ISSUE_COMMIT` as issue 11 states them ("Why")."""

_OLD_RUN = """
import json, sys, warnings
warnings.filterwarnings("ignore")
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # the old tree's weather package first
from derive_issue_sites import site_estimates
print(json.dumps({k: site_estimates(*v) for k, v in json.loads(sys.argv[3]).items()}))
"""


def site_estimates(lat: float, lon: float, elevation: float) -> dict:
    """Annual mean temperature [degC], annual GHI [kWh/m2] and PV yield at latitude tilt
    [kWh/kWp] of the synthetic year that the importable ``weather`` package gives at a site
    (today's, or the old commit's in :func:`old_estimates`)."""
    from weather import site_weather
    from weather.validation import pv_specific_yield

    df, _ = site_weather(lat=lat, lon=lon, elevation=elevation)
    return {"t_annual": float(df["temp_air"].mean()),
            "ghi_annual": float(df["ghi"].sum() / 1000.0),
            "pv_yield": float(pv_specific_yield(df, lat, lon, elevation))}


def recovered(estimate: float, error: float, quantity: str) -> float:
    """The file's value from an estimate and its stated error (estimate less file): K for
    temperature [degC], relative for GHI [kWh/m2] and PV yield [kWh/kWp]."""
    return estimate - error if quantity == "t_annual" else estimate / (1.0 + error)


def error_against(estimate: float, file_value: float, quantity: str) -> float:
    """Estimate less file, as the issue states errors: [K] for temperature, relative [-]
    otherwise (the inverse of :func:`recovered`)."""
    return estimate - file_value if quantity == "t_annual" else estimate / file_value - 1.0


def old_estimates(commit: str = ISSUE_COMMIT) -> dict:
    """:func:`site_estimates` by the method of ``commit`` at every site of :data:`SITES`, in a
    process of its own whose ``weather`` package is that commit's."""
    sites = {k: v[2:] for k, v in SITES.items()}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                       check=True, capture_output=True)
        try:
            res = subprocess.run([sys.executable, "-c", _OLD_RUN, str(tree), str(ROOT / "scripts"),
                                  json.dumps(sites)],
                                 check=True, capture_output=True, text=True, cwd=tree)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def file_values(folder: Path) -> dict:
    """Annual mean temperature [degC] and GHI [kWh/m2] of the files in ``folder`` whose WMO
    number is a site's, keyed by site: the files at hand to check the recovered values."""
    from weather import WeatherError
    from weather.io import read_weather_file
    from weather.validation import weather_files

    by_wmo = {v[1]: k for k, v in SITES.items()}
    out = {}
    for path in weather_files([folder]):
        try:
            df, meta = read_weather_file(path)
        except WeatherError:
            continue
        wmo = str(meta.provenance.get("wmo") or "")[:5]
        site = by_wmo.get(int(wmo)) if wmo.isdigit() else None
        if site:
            out.setdefault(site, []).append({"file": path.name,
                                             "sha256": meta.provenance.get("sha256"),
                                             "t_annual": float(df["temp_air"].mean()),
                                             "ghi_annual": float(df["ghi"].sum() / 1000.0)})
    return out


def derive(files: Path | None = None, commit: str = ISSUE_COMMIT) -> dict:
    old = old_estimates(commit)
    rows = []
    for site, quantity, err in ISSUE_ERRORS:
        name_zh, wmo, lat, lon, z = SITES[site]
        rows.append({"site": site, "name_zh": name_zh, "wmo": wmo, "lat": lat, "lon": lon,
                     "elevation_m": z, "quantity": quantity, "issue_error": err,
                     "issue_estimate": round(old[site][quantity], 3),
                     "file_value": round(recovered(old[site][quantity], err, quantity), 3)})
    out = {"what": ("typical-year values of the files issue 11 measured the tool against, "
                    "recovered from the errors it states and the estimates of the method of "
                    "its day at the same sites"),
           "units": {"t_annual": "degC", "ghi_annual": "kWh/m2/yr",
                     "pv_yield": "kWh/kWp/yr (PVWatts chain, latitude tilt, south)"},
           "commit": commit, "sites": rows,
           "method_then": {k: {q: round(v, 3) for q, v in e.items()} for k, e in old.items()},
           "script": "scripts/derive_issue_sites.py"}
    if files is not None:
        out["files_at_hand"] = file_values(files)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=Path, help="folder of typical-year files of the sites, to "
                    "check the recovered values against")
    ap.add_argument("--commit", default=ISSUE_COMMIT)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "issue11_sites.json")
    a = ap.parse_args(argv)
    res = derive(a.files, a.commit)
    tmp = a.out.with_suffix(".json.tmp")  # a failed write leaves the old file whole
    tmp.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(a.out)
    print(f"wrote {a.out}: {len(res['sites'])} measurements")
    for site, files in res.get("files_at_hand", {}).items():
        for f in files:
            print(f"  {site}: {f['file']} {f['t_annual']:.2f} degC, {f['ghi_annual']:.0f} kWh/m2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
