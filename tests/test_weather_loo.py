"""Leave-one-out over all 329 bundled stations (slow): the figures of weather/VALIDATION.md.

The issue's goals (each at 95 % of stations left out): annual temperature 1.0 K, worst month
2.0 K, annual GHI and PV yield 8 % (TMYx/SWERA stations). The goals that are met are asserted;
the others are strict xfails that state why they are missed (weather/VALIDATION.md, section 3).
No tolerance here is a measured figure.
"""

from __future__ import annotations

import numpy as np
import pytest

from weather.validation import GOALS, leave_one_out, summarise_loo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loo():
    return leave_one_out(pv=False)


@pytest.fixture(scope="module")
def loo_pv():
    from weather.stations import station_table

    st = station_table()
    return leave_one_out(pv=True, ids=list(st.index[st["dataset"] != "CSWD"]))


def test_loo_goals_where_stations_are_dense(loo):
    """Where TMYx/SWERA stations are dense the temperature and GHI goals hold region-wide."""
    s = summarise_loo(loo)
    assert len(loo) == 328  # 329 less the suspect Huang.Shan TMYx file
    assert s.loc["all", "n_rad"] == 72
    assert s.loc["south", "t_annual_p95"] <= GOALS["t_annual_k"], s["t_annual_p95"]
    assert s.loc["east coast", "ghi_p95"] <= GOALS["ghi_annual"], s["ghi_p95"]


@pytest.mark.xfail(reason="annual GHI: measured p95 8.0 % (goal 8 %; 7.2 % while the TMYx file of "
                          "Urumqi's Diwopu airport and the city station 20 km away were one place "
                          "and left out together: the city's CSWD radiation pattern now enters the "
                          "airport's estimate, which reads -8.5 % instead of -6.4 %; "
                          "weather/VALIDATION.md, section 1)",
                   strict=True)
def test_loo_annual_ghi_goal(loo):
    """Annual GHI within 8 % at 95 % of the TMYx/SWERA stations left out (clearness-index
    interpolation nudged by the CSWD pattern)."""
    assert summarise_loo(loo).loc["all", "ghi_p95"] <= GOALS["ghi_annual"]


def _colocated_temperature_disagreement():
    """Worst-month |T| difference between typical years of two datasets at one place [K]."""
    from weather.interp import TEMPERATURE_SUSPECT, _base, station_temperatures

    b = _base()
    t = station_temperatures()
    ok = ~np.isin(b["ids"], list(TEMPERATURE_SUSPECT))
    out = []
    for g in np.unique(b["group"]):
        i = np.flatnonzero((b["group"] == g) & ok)
        out += [np.abs(t[p] - t[q]).max() for n, p in enumerate(i) for q in i[n + 1:]
                if b["dataset"][p] != b["dataset"][q]]
    return np.array(out)


def test_worst_month_goal_is_below_the_reference_data_agreement():
    """Why the worst-month goal cannot be met against typical-year truths: two typical years
    of one place (different datasets, periods aligned) differ by more than 2.0 K in their worst
    month at more than 5 % of places."""
    d = _colocated_temperature_disagreement()
    assert len(d) >= 60
    assert np.quantile(d, 0.95) > GOALS["t_worst_month_k"]


def test_pv_goal_is_below_the_tmyx_swera_agreement_at_one_place():
    """Why the PV-yield goal is so hard against these truths: where a TMYx and a SWERA file
    describe the same place, their PV yields (same chain) differ by more than 8 % at more than
    5 % of the places, and their annual GHI by several per cent on average."""
    from weather.interp import _base, _col
    from weather.stations import station_table

    b = _base()
    y = station_table()["pv_yield_kwh_kwp"].reindex(b["ids"]).to_numpy(float)
    g = (_col("ghi_kwh_day") * np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])).sum(1)
    dy, dg = [], []
    for grp in np.unique(b["group"]):
        t = np.flatnonzero((b["group"] == grp) & (b["dataset"] == "TMYx"))
        s = np.flatnonzero((b["group"] == grp) & (b["dataset"] == "SWERA"))
        if len(t) and len(s):
            dy.append(abs(y[s[0]] / y[t[0]] - 1))
            dg.append(abs(g[s[0]] / g[t[0]] - 1))
    assert len(dy) >= 10
    assert np.quantile(dy, 0.95) > GOALS["pv_yield"]
    assert np.mean(dg) > 0.02


@pytest.mark.xfail(reason="annual temperature: measured p95 1.05 K (goal 1.0 K; 1.40 K before the "
                          "ERA5 estimate; 1.04 K while the Harbin and Tianjin airports counted as "
                          "one place with their city stations); winter cold pools in valleys far from any station "
                          "(Fuyun, Tulihe, Arxan), Kuqa and a warm city (Jinan) miss by "
                          "1.5-2.3 K; 94 % of stations are within 1.0 K (weather/VALIDATION.md)",
                   strict=True)
def test_loo_annual_temperature_goal(loo):
    assert summarise_loo(loo).loc["all", "t_annual_p95"] <= GOALS["t_annual_k"]


@pytest.mark.xfail(reason="worst-month temperature: measured p95 3.14 K (goal 2.0 K; 3.88 K "
                          "before the ERA5 estimate); typical "
                          "years pick each month from one real "
                          "year, so co-located files disagree beyond 2.0 K themselves "
                          "(test_worst_month_goal_is_below_the_reference_data_agreement); winter "
                          "cold pools in the north-west and north-east add to it",
                   strict=True)
def test_loo_worst_month_temperature_goal(loo):
    assert summarise_loo(loo).loc["all", "t_worst_p95"] <= GOALS["t_worst_month_k"]


def test_errors_against_the_files_own_period(loo):
    """Against a file as it is, the default estimate (recent climate) misses a CSWD or SWERA file by
    its dataset's period offset more; on temperature_period cswd a CSWD file reads as on the
    common period (VALIDATION, "Against each file in its own period")."""
    from weather.interp import dataset_offsets

    off = dataset_offsets()
    for ds, g in loo.groupby("dataset"):
        np.testing.assert_allclose(g["t_annual_own_period"] - g["t_annual"], off[ds].mean(), atol=1e-9)
    cs = loo[loo.dataset == "CSWD"]
    np.testing.assert_allclose(cs["t_worst_month_own_period_cswd"], cs["t_worst_month"].abs(), atol=1e-9)
    assert (cs["t_annual_own_period"].abs() <= GOALS["t_annual_k"]).mean() < (
        cs["t_annual"].abs() <= GOALS["t_annual_k"]).mean()


def test_national_mean_ghi_within_the_ghi_goal_of_the_cma_mean():
    """The method's area mean GHI over mainland China on either basis lies within the GHI goal of
    the CMA's national 30-year mean (VALIDATION, "National mean GHI")."""
    from weather.validation import CMA_NATIONAL_MEAN_GHI_KWH_M2, national_mean_ghi

    nat = national_mean_ghi()
    assert nat["cells"] > 900 and set(nat["regions"]) >= {"plateau", "north-west", "east coast"}
    for basis in ("tmyx", "cswd"):
        assert abs(nat[basis] / CMA_NATIONAL_MEAN_GHI_KWH_M2 - 1) <= GOALS["ghi_annual"], (basis, nat)


def test_era5_estimate_lowers_the_temperature_error(loo, monkeypatch):
    """The ERA5 estimate earns its place: without it (the station estimate alone) the
    leave-one-out annual and worst-month errors are larger overall and at the places more
    than 150 km from any other station, and fewer stations are within the annual goal."""
    from weather import interp

    monkeypatch.setattr(interp, "ERA5_WEIGHT", 0.0)
    without = leave_one_out(pv=False)
    assert list(without["id"]) == list(loo["id"])
    s_with, s_without = summarise_loo(loo).loc["all"], summarise_loo(without).loc["all"]
    assert s_with.t_annual_p95 < s_without.t_annual_p95
    assert s_with.t_worst_p95 < s_without.t_worst_p95
    far = (loo["distance_km"] > 150).to_numpy()
    assert far.sum() >= 20
    assert (loo.t_annual[far].abs().quantile(0.95)
            < without.t_annual[far].abs().quantile(0.95))
    goal = GOALS["t_annual_k"]
    assert (loo.t_annual.abs() <= goal).mean() > (without.t_annual.abs() <= goal).mean()


def test_stated_temperature_uncertainty_covers_the_leave_one_out(loo):
    """The annual-temperature uncertainty a site's outputs state (by its kind of place) holds
    for at least 90 % of the stations of that kind left out."""
    from weather.site import expected_temperature_uncertainty

    stated = np.array([expected_temperature_uncertainty(d, g)
                       for d, g in zip(loo["distance_km"], loo["t_gap_era5"])])
    within = loo["t_annual"].abs().to_numpy() <= stated
    for u in np.unique(stated):
        assert within[stated == u].mean() >= 0.9, (u, within[stated == u].mean())
    assert len(np.unique(stated)) == 3


def test_stated_temperature_uncertainty_covers_sites_without_elevation():
    """Predicted at the elevation a site without one gets (weather.interp.settlement_elevation),
    the stations left out are closer than at the plain terrain cell, and the uncertainty the
    outputs then state (with the elevation uncertainty) holds for at least 90 % of them in
    every terrain-range class."""
    import pandas as pd

    est = leave_one_out(pv=False, elevation="estimated")
    cell = leave_one_out(pv=False, elevation="cell")
    assert (est.t_annual.abs().quantile(0.95)
            < 0.7 * cell.t_annual.abs().quantile(0.95))
    within = est.t_annual.abs() <= est.expected_temperature_uncertainty + 1e-9
    by_range = within.groupby(pd.cut(est.terrain_range_m, [-1, 100, 200, 400, 800, np.inf]),
                              observed=True).mean()
    assert (by_range >= 0.9).all(), by_range
    assert len(by_range) == 5


def test_loo_pv_yield_where_stations_are_dense(loo_pv):
    """PV yield through the synthetic year: within the 8 % goal on the east coast, where
    TMYx/SWERA stations are dense."""
    s = summarise_loo(loo_pv)
    assert s.loc["east coast", "pv_p95"] <= GOALS["pv_yield"], s["pv_p95"]
    assert loo_pv["pv_yield"].notna().sum() == 72


@pytest.mark.xfail(reason="PV yield: measured p95 13.1 % (goal 8 %; 10.8 % with CSWD's months of the "
                          "diffuse fraction, whose course the ground climatology contradicts). With "
                          "each left-out station's own diffuse fraction it is still 8.9 %, with its "
                          "own annual GHI 7.9 %: the annual GHI error (p95 8.0 %) decides; TMYx "
                          "(ERA5) and SWERA files also disagree on the diffuse fraction (about 0.4 "
                          "against 0.55-0.7) and co-located files differ in PV yield by up to 13.7 % "
                          "at p95 (weather/VALIDATION.md, section 3)",
                   strict=True)
def test_loo_pv_yield_goal(loo_pv):
    assert summarise_loo(loo_pv).loc["all", "pv_p95"] <= GOALS["pv_yield"]


def test_diffuse_fraction_closer_to_the_cma_climatology_than_tmyx_swera(shared_dir):
    """The reason the diffuse fraction comes from CSWD stations: at CDSRD stations (CMA station
    climatology 1991-2017, validation only) more than 15 km from every bundled station, the
    site's annual diffuse fraction is closer to CDSRD's than what the nearest TMYx/SWERA
    stations (the previous method), TMYx alone or SWERA alone would give."""
    import pandas as pd

    from weather._core import haversine_km
    from weather.interp import N_RAD, _base, _col, _nearest, _weights, interpolate

    f = shared_dir / "data" / "climate" / "cdsrd_monthly_climatology_1991-2017.csv"
    if not f.exists():
        pytest.skip("CDSRD climatology not beside the repository")
    cd = pd.read_csv(f)
    b = _base()
    d = haversine_km(cd["lat"].to_numpy()[:, None], cd["lon"].to_numpy()[:, None],
                     b["lat"][None], b["lon"][None])
    far = cd[d.min(1) > 15].iloc[::4]  # every fourth of about 820, for time
    dim = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    kd = _col("kd")
    err = {"method": [], "TMYx/SWERA": [], "TMYx": [], "SWERA": []}
    for _, r in far.iterrows():
        g = r[[f"ghi_{m:02d}" for m in range(1, 13)]].to_numpy(float) * dim
        truth = (r[[f"dhi_{m:02d}" for m in range(1, 13)]].to_numpy(float) * dim).sum() / g.sum()
        w = g / g.sum()
        err["method"].append(interpolate(r.lat, r.lon, r.alt_m)[0]["kd"].to_numpy() @ w - truth)
        for name, ds in (("TMYx/SWERA", ["TMYx", "SWERA"]), ("TMYx", ["TMYx"]), ("SWERA", ["SWERA"])):
            j, dj = _nearest(r.lat, r.lon, np.isin(b["dataset"], ds), N_RAD)
            wj = _weights(dj, b["z"][j] - r.alt_m)
            err[name].append((wj[:, None] * kd[j]).sum(0) @ w - truth)
    mae = {k: float(np.mean(np.abs(v))) for k, v in err.items()}
    assert len(far) > 150
    assert mae["method"] < min(mae["TMYx/SWERA"], mae["TMYx"], mae["SWERA"]), mae
    assert abs(np.mean(err["method"])) < 0.03, mae  # no systematic bias, unlike TMYx or SWERA
    assert np.mean(err["TMYx"]) < -0.03 and np.mean(err["SWERA"]) > 0.03, mae
