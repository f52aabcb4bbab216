"""Validate the weather package and write ``weather/VALIDATION.md``.

1. Synthetic city years vs each of the 34 TMYx files (several seeds).
2. Leave-one-out over the 34 cities for the lat/lon method (and two baselines).
3. Spatial pattern against the 1042-station CDSRD monthly GHI climatology and
   monthly temperature against CBED normals (``flag_suspect == False``) --
   validation only, nothing from them is bundled.

Usage: ``python scripts/validate_weather.py [--shared ../shared] [--seeds 3]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import weather.site as site  # noqa: E402
from weather import CITIES, read_weather_file, site_weather  # noqa: E402
from weather._core import haversine_km  # noqa: E402
from weather.stats import city_stats_table  # noqa: E402
from weather.validation import KT_MIN_COSZ, compare_years  # noqa: E402

DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
TOL = {"annual_ghi_err": 0.03, "worst_month_ghi_err": 0.08, "worst_month_temp_err": 1.0,
       "pv_yield_err": 0.05, "kt_ks": 0.12}


def _annual(st) -> float:
    return float((st["ghi_kwh_day"].to_numpy() * DAYS).sum())


def _monthly(st) -> np.ndarray:
    return st["ghi_kwh_day"].to_numpy() * DAYS


def city_table(shared: Path, seeds: int) -> pd.DataFrame:
    rows = []
    for name, info in CITIES.items():
        ref, meta = read_weather_file(shared / "data/weather" / f"{info.stem}.epw.gz")
        for seed in range(seeds):
            syn, _ = site_weather(city=name, seed=seed)
            r = compare_years(syn, ref, info.lat, info.lon, info.elevation)
            r.update(city=name, seed=seed, repair=meta.notes[-1])
            rows.append(r)
    return pd.DataFrame(rows)


def _loo_exclude(name: str) -> tuple[str, ...]:
    # the two Shanghai stations are 22 km apart: leave both out together
    return ("Shanghai", "Shanghai-Hongqiao") if name.startswith("Shanghai") else (name,)


def loo_table() -> pd.DataFrame:
    tab = city_stats_table()
    rows = []
    for name, info in CITIES.items():
        truth = tab.loc[name].sort_index()
        row = {"city": name}
        for label, kw in (("method", {}), ("nearest", {"N_NEIGHBOURS": 1})):
            saved = {k: getattr(site, k) for k in kw}
            for k, v in kw.items():
                setattr(site, k, v)
            try:
                st, inf = site.interpolate_stats(info.lat, info.lon, info.elevation,
                                                 exclude=_loo_exclude(name))
            finally:
                for k, v in saved.items():
                    setattr(site, k, v)
            if label == "nearest":
                row["nn_annual"] = _annual(tab.loc[inf["nearest"]]) / _annual(truth) - 1
                continue
            rel = _monthly(st) / _monthly(truth) - 1
            row[f"{label}_annual"] = _annual(st) / _annual(truth) - 1
            row[f"{label}_worst_month"] = rel[np.argmax(np.abs(rel))]
            row[f"{label}_temp"] = float((st["t_mean"] - truth["t_mean"]).mean())
            if label == "method":
                row["nearest_city"] = inf["nearest"]
                row["distance_km"] = inf["distance_km"]
                row["dz_m"] = info.elevation - inf["nearest_elevation"]
                row["expected_unc"] = site.expected_uncertainty(inf["distance_km"], row["dz_m"])
        rows.append(row)
    return pd.DataFrame(rows)


def _in_bbox(df, lat, lon):
    la0, la1, lo0, lo1 = site.CHINA_BBOX
    return df[(df[lat] >= la0) & (df[lat] <= la1) & (df[lon] >= lo0) & (df[lon] <= lo1)]


def cdsrd_table(shared: Path) -> pd.DataFrame:
    cd = _in_bbox(pd.read_csv(shared / "data/climate/cdsrd_monthly_climatology_1991-2017.csv"),
                  "lat", "lon")
    rows = []
    for _, r in cd.iterrows():
        st, inf = site.interpolate_stats(r.lat, r.lon, r.alt_m)
        m_cd = np.array([r[f"ghi_{m:02d}"] for m in range(1, 13)]) / 3.6 * DAYS  # kWh/m2
        merra = site.merra2_monthly_ghi(r.lat, r.lon) * 24 / 1000 * DAYS
        rows.append({"station": r.station, "name": r.name_en, "province": r.province_en,
                     "lat": r.lat, "lon": r.lon, "alt_m": r.alt_m,
                     "distance_km": inf["distance_km"],
                     "dz_m": r.alt_m - inf["nearest_elevation"],
                     "pred_annual": _annual(st), "cdsrd_annual": m_cd.sum(),
                     "merra_annual": merra.sum(),
                     "nn_annual": _annual(city_stats_table().loc[inf["nearest"]]),
                     "pred_month": _monthly(st), "cdsrd_month": m_cd})
    return pd.DataFrame(rows)


def cbed_table(shared: Path) -> pd.DataFrame:
    cb = pd.read_csv(shared / "data/climate/cbed_monthly_normals_1988-2017.csv")
    cb = _in_bbox(cb[cb["flag_suspect"].astype(str) == "False"], "latitude", "longitude")
    rows = []
    for _, r in cb.iterrows():
        st, inf = site.interpolate_stats(r.latitude, r.longitude, r.altitude)
        t_cb = np.array([r[f"tmean_C_{m:02d}"] for m in range(1, 13)])
        rows.append({"station": r.station_id, "alt_m": r.altitude,
                     "distance_km": inf["distance_km"],
                     "err_annual": float(st["t_mean"].mean() - t_cb.mean()),
                     "err_month": st["t_mean"].to_numpy() - t_cb})
    return pd.DataFrame(rows)


def _pct(x) -> str:
    return f"{100 * x:+.1f} %"


def render(cities: pd.DataFrame, loo: pd.DataFrame, cd: pd.DataFrame, cb: pd.DataFrame,
           seeds: int, elapsed: float) -> str:
    L = []
    a = L.append
    a("# Weather package validation\n")
    a("Generated by `python scripts/validate_weather.py` (do not edit by hand). "
      f"Run time {elapsed:.0f} s.\n")
    a("## Method\n")
    a("* **Reference years**: the 34 Climate.OneBuilding.org TMYx EPW files in "
      "`shared/data/weather`, read with `weather.read_weather_file` (EPW hour-ending rows "
      "labelled start-of-hour in Asia/Shanghai; radiation time shift detected per file by "
      "the hourly closure error sum|GHI-DHI-DNI cos z|/sum GHI plus the share of GHI in "
      "hours with the sun below the horizon all hour, sun at mid-hour, shifts -2..+2 h; "
      "DNI recomputed as (GHI-DHI)/cos z where the annual closure is off by more than 5 %).")
    a("* **Synthetic city year**: `site_weather(city=...)`: Gaussian-copula AR(1) daily "
      "clear-sky index with the month's empirical quantiles, hourly AR(1) deviations "
      "(TAG structure, Aguiar & Collares-Pereira 1992), Erbs et al. (1982) decomposition "
      "scaled to the monthly diffuse fraction, temperature/dew point/wind tied to the daily "
      "clear-sky index; monthly GHI, diffuse fraction, temperature, RH and wind means "
      "restored exactly.")
    a("* **PV yield**: pvlib PVWatts chain, fixed south-facing at tilt = latitude, "
      "Hay-Davies, SAPM open-rack cell temperature, gamma -0.47 %/K, 96 % inverter.")
    a(f"* **Clearness-index distribution**: two-sample Kolmogorov-Smirnov statistic of "
      f"hourly kt = GHI/(E0 cos z) for cos z >= {KT_MIN_COSZ} (sun at mid-hour).")
    a("* **Any lat/lon** (`site_weather(lat=, lon=, elevation=)`): the "
      f"{site.N_NEIGHBOURS} nearest cities, weights 1/max(d, {site.IDW_MIN_DISTANCE_KM:.0f} "
      f"km)^{site.IDW_POWER:g} x exp(-|dz|/{site.ELEVATION_SCALE_M:.0f} m); each "
      "monthly GHI = MERRA-2(site) x IDW of the cities' GHI/MERRA-2 factors with a "
      f"background weight 1/({site.BACKGROUND_LENGTH_KM:.0f} km)^2 toward their median; "
      "temperature = per-month latitude trend of the cities' sea-level temperatures + IDW "
      "residuals - 6.5 K/km x elevation; other statistics IDW, clear-sky-index quantiles "
      "rescaled to the site's monthly level. Constants chosen on the leave-one-out test "
      "(background length among 150/300/500 km).")
    a(f"* Tolerances used by the tests: annual GHI {TOL['annual_ghi_err']:.0%}, every month "
      f"{TOL['worst_month_ghi_err']:.0%}, monthly mean temperature {TOL['worst_month_temp_err']} "
      f"K, PV specific yield {TOL['pv_yield_err']:.0%}, KS statistic <= {TOL['kt_ks']}.\n")

    a(f"## 1. Synthetic city year vs its TMYx file ({seeds} seeds; worst seed shown)\n")
    g = cities.groupby("city", sort=False)
    worst = g.agg(lambda s: s.iloc[np.argmax(np.abs(s.to_numpy()))] if s.dtype.kind == "f"
                  else s.iloc[0])
    a("| city | annual GHI | worst month GHI | worst month T [K] | PV yield ref "
      "[kWh/kWp] | PV yield err | KS kt | RH [%] | wind [m/s] | file repair |")
    a("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in worst.iterrows():
        a(f"| {name} | {_pct(r.annual_ghi_err)} | {_pct(r.worst_month_ghi_err)} | "
          f"{r.worst_month_temp_err:+.2f} | {r.pv_yield_ref:.0f} | {_pct(r.pv_yield_err)} | "
          f"{r.kt_ks:.3f} | {r.rh_err:+.2f} | {r.ws_err:+.2f} | {r.repair} |")
    ok = all((cities[k].abs() <= v).all() for k, v in TOL.items())
    a(f"\nAll cities and seeds within tolerance: **{'yes' if ok else 'NO'}** (max |PV yield "
      f"err| {cities.pv_yield_err.abs().max():.1%}, max KS {cities.kt_ks.max():.3f}).\n")
    a("Monthly GHI and temperature match by construction (the generator rescales to the "
      "bundled monthly statistics); PV yield and the kt distribution test the hourly "
      "structure and the diffuse/direct split.\n")

    a("## 2. Leave-one-out over the 34 cities (lat/lon method)\n")
    a("Each city is predicted from the other cities' bundled statistics (both Shanghai "
      "stations left out together). Baseline: the nearest remaining city's statistics "
      "unchanged.\n")
    a("| city | nearest | d [km] | dz [m] | annual GHI | worst month | T [K] | expected unc. "
      "| nearest city's statistics |")
    a("|---|---|---|---|---|---|---|---|---|")
    for _, r in loo.iterrows():
        a(f"| {r.city} | {r.nearest_city} | {r.distance_km:.0f} | {r.dz_m:+.0f} | "
          f"{_pct(r.method_annual)} | {_pct(r.method_worst_month)} | {r.method_temp:+.2f} | "
          f"{r.expected_unc:.0%} | {_pct(r.nn_annual)} |")
    cover = (loo.method_annual.abs() <= loo.expected_unc).mean()
    a(f"\nMean |annual GHI error|: method {loo.method_annual.abs().mean():.1%}, nearest city's "
      f"statistics {loo.nn_annual.abs().mean():.1%}."
      f" Mean |worst month| {loo.method_worst_month.abs().mean():.1%}. Mean |annual temperature "
      f"error| {loo.method_temp.abs().mean():.2f} K. Share of cities whose error is within the "
      f"reported expected uncertainty: {cover:.0%}.\n")

    a("## 3. Spatial pattern against CDSRD (1042 CMA stations, validation only)\n")
    ratio = cd.pred_annual / cd.cdsrd_annual
    b = float(np.median(ratio))
    pe = ratio / b - 1
    merra_ratio = cd.merra_annual / cd.cdsrd_annual
    pm = merra_ratio / np.median(merra_ratio) - 1
    nn_ratio = cd.nn_annual / cd.cdsrd_annual
    pn = nn_ratio / np.median(nn_ratio) - 1
    a(f"CDSRD's level runs about 12 % below the TMYx radiation (ERA5), so the pattern is "
      f"compared: error = (pred/CDSRD) / median(pred/CDSRD) - 1. Median ratio here: {b:.3f}. "
      f"The same normalisation is applied to raw MERRA-2 and to the nearest city's annual "
      f"GHI as baselines.\n")
    mon = np.stack(cd.pred_month.to_numpy()) / np.stack(cd.cdsrd_month.to_numpy())
    mon = mon / np.median(mon, axis=0) - 1
    cover = (pe.abs().to_numpy() <= np.array([site.expected_uncertainty(d, z) for d, z in
                                              zip(cd.distance_km, cd.dz_m)])).mean()
    a("| stations | n | method mean abs | method p95 abs | method bias | raw MERRA-2 mean abs "
      "| nearest city mean abs | monthly mean abs (method) |")
    a("|---|---|---|---|---|---|---|---|")
    groups = [("all", np.ones(len(cd), bool)),
              ("< 150 km from a city", cd.distance_km < 150),
              ("150-400 km", (cd.distance_km >= 150) & (cd.distance_km < 400)),
              (">= 400 km", cd.distance_km >= 400),
              ("altitude > 1000 m", cd.alt_m > 1000),
              ("Sichuan + Chongqing", cd.province.isin(["Sichuan", "Chongqing"])),
              ("Yunnan + Guizhou", cd.province.isin(["Yunnan", "Guizhou"])),
              ("Tibet + Qinghai", cd.province.isin(["Tibet", "Qinghai", "Xizang"]))]
    for label, sel in groups:
        sel = np.asarray(sel)
        if sel.sum() == 0:
            continue
        a(f"| {label} | {sel.sum()} | {pe[sel].abs().mean():.1%} | "
          f"{np.quantile(pe[sel].abs(), 0.95):.1%} | {_pct(pe[sel].mean())} | "
          f"{pm[sel].abs().mean():.1%} | {pn[sel].abs().mean():.1%} | "
          f"{np.abs(mon[sel]).mean():.1%} |")
    a(f"\nShare of stations whose pattern error is within the reported expected uncertainty: "
      f"{cover:.0%}.\n")

    a("## 4. Temperature against CBED normals (flag_suspect == False, validation only)\n")
    bias = float(np.median(cb.err_annual))
    e = cb.err_annual - bias
    em = np.stack(cb.err_month.to_numpy()) - bias
    a(f"CBED runs about 1 K below TMYx; the median difference here is {bias:+.2f} K and is "
      f"removed before the statistics below.\n")
    a("| stations | n | annual mean abs [K] | annual p95 abs [K] | monthly mean abs [K] |")
    a("|---|---|---|---|---|")
    for label, sel in (("all", np.ones(len(cb), bool)), ("< 150 km", cb.distance_km < 150),
                       (">= 400 km", cb.distance_km >= 400), ("altitude > 1000 m", cb.alt_m > 1000)):
        sel = np.asarray(sel)
        if sel.sum():
            a(f"| {label} | {sel.sum()} | {e[sel].abs().mean():.2f} | "
              f"{np.quantile(e[sel].abs(), 0.95):.2f} | {np.abs(em[sel]).mean():.2f} |")
    a("\n## Limits\n")
    a("* A synthetic year reproduces the monthly statistics of a typical year, not a "
      "particular year's sequence of weather; for final studies use the site's own EPW "
      "(`site_weather(path=...)`).")
    a("* Far from the 34 cities (north-west, Tibet, Yunnan) the lat/lon method depends on "
      "the coarse 3 deg MERRA-2 gradient; sites on plateaus are predicted with the error "
      "shown above, and `meta.expected_uncertainty` grows with distance and elevation "
      "difference.")
    a("* The reference files are ERA5-based typical years; station-based climatologies "
      "(CDSRD) are about 12 % lower in level.")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "weather" / "VALIDATION.md")
    args = ap.parse_args(argv)
    t0 = time.time()
    cities = city_table(args.shared, args.seeds)
    loo = loo_table()
    cd = cdsrd_table(args.shared)
    cb = cbed_table(args.shared)
    text = render(cities, loo, cd, cb, args.seeds, time.time() - t0)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
