"""Monthly climate statistics of an hourly weather year, and the bundled table.

The statistics are what :mod:`weather.generator` needs to synthesise a
typical year: daily clear-sky-index distribution and persistence, hourly
variability, diffuse fraction, temperature level / day-to-day variability /
diurnal cycle and their link to cloudiness, dew-point depression, wind.

The clear-sky index is taken against the Haurwitz clear-sky GHI
(:func:`weather.solar.haurwitz_ghi`) with the sun at mid-hour; the generator
uses the same reference, so only ratios matter.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .solar import cos_zenith, haurwitz_ghi, solar_hour

KC_LEVELS = (0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.98)
"""Probability levels of the stored daily clear-sky-index quantiles [-]."""

KC_COLS = tuple(f"kc_p{int(round(p * 100)):02d}" for p in KC_LEVELS)

WS_LEVELS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
"""Probability levels of the stored quantiles of hourly wind speed over the month's mean [-].
The hourly distribution of a station with many calms is zero-inflated and has a lighter tail
than the Weibull distribution of the same coefficient of variation; the quantiles (with the
calm share ``ws_calm``) carry both."""

CALM_MS = 0.05
"""Hours with wind speed below this are calm (files report calms as 0 m/s) [m/s]."""

WS_COLS = tuple(f"ws_p{str(p)[2:]:0<2}" for p in WS_LEVELS)

KC_BINS = (0.35, 0.7)
"""Daily clear-sky index limits of the low/mid/high bins of hourly variability [-]."""

MIN_COSZ = 0.1
"""Hours with cos(zenith) below this are left out of hourly clear-sky-index statistics [-]."""

HIGH_SUN_COSZ = 0.8
"""cos(zenith) above which an hour counts as high sun for ``kc_hmax_hi`` [-] (sun above 53
deg: every bundled station, up to 53.5 N, has at least 50 such hours a year)."""

HIGH_SUN_MONTH_HOURS = 100
"""High-sun hours a month needs for a ``kc_hmax_hi`` of its own (:func:`high_sun_cap`); a month
with fewer takes the year's [-]."""


def high_sun_cap(kc_hour, high_sun, in_month, year_cap: float) -> float:
    """A month's cap of the high-sun hourly clear-sky index [-]: the 99.5th percentile of its
    hours with the sun high (``high_sun`` and ``in_month``), or ``year_cap`` when it has fewer
    than :data:`HIGH_SUN_MONTH_HOURS` of them.

    Against the Haurwitz clear sky the typical-year files' brightest high-sun hours change with
    the season: over the hours with cos z above 0.7 the TMYx files' 99th percentile is 1.08 in
    March and 0.95 in July (median over the 34 cities; summer's hazier, more humid air), so a
    single value over the year lets clear summer noons pass the files' brightest.

    Parameters
    ----------
    kc_hour : numpy.ndarray
        Hourly clear-sky index [-] (NaN where not counted).
    high_sun, in_month : numpy.ndarray of bool
        Hours with cos z above :data:`HIGH_SUN_COSZ`, hours of the month (same shape).
    year_cap : float
        The year's cap [-].
    """
    sel = np.asarray(high_sun, bool) & np.asarray(in_month, bool)
    if sel.sum() < HIGH_SUN_MONTH_HOURS:
        return float(year_cap)
    return float(np.nanquantile(np.asarray(kc_hour, float)[sel], 0.995))


SUN_SLOPE_MIN_COSZ = 0.2
"""Hours with cos(zenith) at or below this are left out of :func:`sun_height_slope` (sun
below 11.5 deg, where hour-ending files hold light the mid-hour sun does not yet see) [-]."""

SUN_SLOPE_MIN_KC = 0.1
"""Days whose clear-sky index is at or below this are left out of :func:`sun_height_slope` [-]."""

SUN_PROFILE_LOWEST = 0.2
"""Least factor :func:`sun_profile` gives an hour, relative to its day's index [-]."""


def sun_profile(slope: float, clear_day_hour: np.ndarray, cosz_day_hour: np.ndarray) -> np.ndarray:
    """Expected hourly clear-sky index over the day's, by the sun's height [-], shape (days, 24):
    1 + slope (cos z - the day's clear-sky-weighted mean cos z), at least
    :data:`SUN_PROFILE_LOWEST`, so that a day's clear-sky-weighted mean is about 1.

    Parameters
    ----------
    slope : float
        Rise per unit of cos z [-] (:func:`sun_height_slope`).
    clear_day_hour, cosz_day_hour : numpy.ndarray
        Clear-sky GHI [W/m2] and cos(zenith) [-], shape (days, 24).
    """
    C = np.asarray(clear_day_hour, float)
    Z = np.asarray(cosz_day_hour, float)
    mean_z = (C * Z).sum(1) / np.maximum(C.sum(1), 1e-9)
    return np.maximum(1.0 + slope * (Z - mean_z[:, None]), SUN_PROFILE_LOWEST)


def sun_height_slope(ghi_day_hour, clear_day_hour, cosz_day_hour) -> float:
    """How the hourly clear-sky index, relative to its day's, rises with the sun's height
    [-, per unit of cos z].

    The least-squares slope of kc_h / Kc_d (hourly GHI over Haurwitz clear-sky GHI, over the
    day's) on cos z, weighted by Kc_d, over the hours with cos z above
    :data:`SUN_SLOPE_MIN_COSZ` of the days with Kc_d above :data:`SUN_SLOPE_MIN_KC`. The
    Haurwitz clear sky dims too little towards a low sun for the hazy skies of China: in the
    typical-year files the hours with the sun at 12-17 deg hold about 0.89 of their day's
    index and noon hours (sun above 64 deg) 1.04 (TMYx median); slope per file TMYx median
    0.23, SWERA 0.34, CSWD 0.14. Returns NaN with fewer than 50 such hours.

    Parameters
    ----------
    ghi_day_hour, clear_day_hour, cosz_day_hour : numpy.ndarray
        GHI and clear-sky GHI [W/m2] and cos(zenith) [-], shape (days, 24).
    """
    G = np.asarray(ghi_day_hour, float)
    C = np.asarray(clear_day_hour, float)
    Z = np.asarray(cosz_day_hour, float)
    kc_day = G.sum(1) / np.maximum(C.sum(1), 1e-9)
    sel = (Z > SUN_SLOPE_MIN_COSZ) & (kc_day > SUN_SLOPE_MIN_KC)[:, None]
    if sel.sum() < 50:
        return float("nan")
    w = np.broadcast_to(kc_day[:, None], G.shape)[sel]  # each hour's day index, its weight
    z = Z[sel]
    r = G[sel] / (C[sel] * w)
    zm, rm = np.average(z, weights=w), np.average(r, weights=w)
    return float(np.sum(w * (z - zm) * (r - rm)) / np.sum(w * (z - zm) ** 2))


STAT_COLUMNS = (
    "ghi_kwh_day", "kd", "kc_mean", *KC_COLS, "kc_rho", "kc_hmax", "kc_hmax_hi", "kc_sun",
    "sig_lo", "sig_mid", "sig_hi", "rho_h",
    "t_mean", "t_kc_sd", "t_res_sd", "t_res_rho", "t_res_rho2", "dtr_mean", "dtr_kc_sd",
    "t_a1", "t_b1", "t_a2", "t_b2",
    "rh_mean", "dd_mean", "dd_kc_sd", "dd_t_res", "dd_res_sd", "td_a1", "td_b1", "td_a2", "td_b2",
    "ws_mean", "ws_calm", *WS_COLS, "ws_rho", "ws_a1", "ws_b1",
)
"""Columns of the per-month statistics (see :func:`monthly_stats` for units)."""


def seasonal_course(monthly_means, month_of_day) -> np.ndarray:
    """Daily values of a smooth annual course through monthly means [unit of the means].

    Linear between knots at the middle of each month (the year wrapping round from December
    to January), the knots solved so that each month's days average to its mean: a month's
    days then follow the season instead of a step at each month's start (April warms by about
    6 K from its first to its last day at a continental station).

    Parameters
    ----------
    monthly_means : array-like
        12 values, January first.
    month_of_day : numpy.ndarray
        Month 1..12 of every day of the year, in order.
    """
    basis = _season_basis(np.asarray(month_of_day, np.int64).tobytes())
    return basis[0] @ (basis[1] @ np.asarray(monthly_means, float))


@lru_cache(maxsize=4)
def _season_basis(month_of_day: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Hat functions of :func:`seasonal_course` at the days (n_days, 12) and the inverse of
    their monthly means (12, 12)."""
    month = np.frombuffer(month_of_day, np.int64)
    n = len(month)
    day = np.arange(n) + 0.5
    n_m = np.bincount(month, minlength=13)[1:]
    centre = np.bincount(month, weights=day, minlength=13)[1:] / n_m
    knots_x = np.concatenate([[centre[-1] - n], centre, [centre[0] + n]])
    hats = np.empty((n, 12))
    for j in range(12):
        e = np.zeros(14)  # knots: December before the year, January..December, January after
        e[j + 1] = 1.0
        e[0], e[13] = float(j == 11), float(j == 0)
        hats[:, j] = np.interp(day, knots_x, e)
    means = np.stack([np.bincount(month, weights=hats[:, j], minlength=13)[1:] / n_m
                      for j in range(12)], axis=1)
    return hats, np.linalg.inv(means)


def dewpoint(temp_air, relative_humidity):
    """Dew point [degC] from temperature [degC] and RH [%] (Magnus, Alduchov & Eskridge 1996).

    References
    ----------
    Alduchov, O. A. & Eskridge, R. E. (1996). Improved Magnus form approximation of
    saturation vapor pressure. J. Appl. Meteor. 35, 601-609 (a = 17.625, b = 243.04 degC).
    """
    a, b = 17.625, 243.04
    rh = np.clip(np.asarray(relative_humidity, float), 1.0, 100.0)
    t = np.asarray(temp_air, float)
    g = np.log(rh / 100.0) + a * t / (b + t)
    return b * g / (a - g)


def vapour_pressure(temp_dew):
    """Water vapour pressure [Pa] of air with dew point ``temp_dew`` [degC] (Magnus, Alduchov &
    Eskridge 1996: 610.94 Pa x exp(a Td / (b + Td)), the constants of :func:`dewpoint`)."""
    td = np.asarray(temp_dew, float)
    return 610.94 * np.exp(17.625 * td / (243.04 + td))


def relative_humidity_from_dewpoint(temp_air, temp_dew):
    """RH [%] from temperature and dew point [degC] (Magnus, Alduchov & Eskridge 1996)."""
    a, b = 17.625, 243.04
    t, td = np.asarray(temp_air, float), np.asarray(temp_dew, float)
    return 100.0 * np.exp(a * td / (b + td) - a * t / (b + t))


#: Ratio of the molar masses of water vapour and dry air, ASHRAE Handbook of Fundamentals
#: (2017), chapter 1, eq. 20 [-].
_WATER_TO_AIR = 0.621945
#: Halvings of the wet-bulb bracket in :func:`wet_bulb` (60 K / 2**34 < 1e-8 K).
_WET_BULB_HALVINGS = 34


def humidity_ratio(vapour_pa, pressure_pa):
    """Humidity ratio [kg water per kg dry air] of air with water vapour pressure ``vapour_pa``
    at total pressure ``pressure_pa`` [Pa] (ASHRAE Handbook of Fundamentals 2017, ch. 1,
    eq. 20)."""
    pw = np.asarray(vapour_pa, float)
    return _WATER_TO_AIR * pw / (np.asarray(pressure_pa, float) - pw)


def ice_vapour_pressure(temp_c):
    """Saturation vapour pressure over ice [Pa] at ``temp_c`` [degC] (Magnus form over ice,
    Alduchov & Eskridge 1996: 611.21 Pa x exp(22.587 T / (273.86 + T)))."""
    t = np.asarray(temp_c, float)
    return 611.21 * np.exp(22.587 * t / (273.86 + t))


def psychrometric_humidity_ratio(temp_air, temp_wet, pressure_pa):
    """Humidity ratio [kg/kg] of air at dry-bulb ``temp_air`` whose thermodynamic wet-bulb is
    ``temp_wet`` [degC], at ``pressure_pa`` [Pa]: the psychrometric equation of the ASHRAE
    Handbook of Fundamentals (2017), ch. 1, eq. 33 (wet-bulb at or above 0 degC, water) and
    eq. 35 (below, ice; enthalpies in kJ/kg). Saturation over water from :func:`vapour_pressure`
    (the Magnus form the tool's RH and dew point use), over ice from
    :func:`ice_vapour_pressure`."""
    t, tw = np.asarray(temp_air, float), np.asarray(temp_wet, float)
    frozen = tw < 0.0
    ws = humidity_ratio(np.where(frozen, ice_vapour_pressure(tw), vapour_pressure(tw)), pressure_pa)
    water = ((2501.0 - 2.326 * tw) * ws - 1.006 * (t - tw)) / (2501.0 + 1.86 * t - 4.186 * tw)
    ice = ((2830.0 - 0.24 * tw) * ws - 1.006 * (t - tw)) / (2830.0 + 1.86 * t - 2.1 * tw)
    return np.where(frozen, ice, water)


def wet_bulb(temp_air, temp_dew, pressure_pa):
    """Thermodynamic wet-bulb temperature [degC] of air at dry-bulb ``temp_air`` and dew point
    ``temp_dew`` [degC] at total pressure ``pressure_pa`` [Pa] (the station's: the wet-bulb
    falls with the pressure at equal dew point).

    The air's humidity ratio is that of its dew point (:func:`vapour_pressure`,
    :func:`humidity_ratio`); the wet-bulb is the temperature between dew point and dry-bulb at
    which the psychrometric equation (:func:`psychrometric_humidity_ratio`) gives it, found
    by halving the bracket (vectorised; the equation's humidity ratio rises with the
    wet-bulb). A dew point above the dry-bulb is taken as the dry-bulb (saturated air).
    Agrees with PsychroLib (Meyer & Thevenard 2019), which implements the same ASHRAE
    equations with Hyland-Wexler saturation, to about 0.03 K in summer air; near 0 degC the
    equation's water and ice forms disagree by up to 0.6 K (bibliography key
    ``ashrae-psychrometrics``).
    """
    t = np.asarray(temp_air, float)
    td = np.minimum(np.asarray(temp_dew, float), t)
    w = humidity_ratio(vapour_pressure(td), pressure_pa)
    lo, hi = np.broadcast_arrays(td - 0.5, t)
    lo, hi = lo.copy(), hi.copy()
    for _ in range(_WET_BULB_HALVINGS):
        mid = 0.5 * (lo + hi)
        above = psychrometric_humidity_ratio(t, mid, pressure_pa) > w
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


def _lag(x: np.ndarray, k: int) -> float:
    """Lag-k sample autocorrelation: the correlation of the series with itself k steps on [-]
    (0 for a series too short or constant)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) < k + 2 or np.std(x[:-k]) == 0 or np.std(x[k:]) == 0:
        return 0.0
    return float(np.corrcoef(x[:-k], x[k:])[0, 1])


def per_sd(x, y) -> float:
    """Change of ``y`` with one standard deviation of ``x``: cov(x, y) / sd(x), the least-squares
    slope times sd(x) [unit of y]; 0 where ``x`` does not vary.

    The weather statistics relate the day's temperature, range and dew-point depression to the
    day's clear-sky index this way, not per unit of the index: a slope per unit grows without
    bound where the index hardly varies (CSWD's modelled January radiation at Zunyi, Kc
    0.247-0.256 on 80 % of days: 161 K per unit), and a site applying its neighbours' slope to
    its own sky's variation got days 50 K off. Per standard deviation the value is bounded by the
    standard deviation of ``y`` (|correlation| <= 1)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    sx = np.std(x)
    return float(np.cov(x, y, bias=True)[0, 1] / sx) if sx > 1e-9 else 0.0


def standard_scores(x) -> np.ndarray:
    """Standard scores of ``x`` (0 where it does not vary) [-]."""
    x = np.asarray(x, float)
    sx = np.std(x)
    return (x - x.mean()) / sx if sx > 1e-9 else np.zeros_like(x)


def _harmonics(phase, y):
    """Least-squares a1, b1, a2, b2 of y ~ a1 cos + b1 sin + a2 cos2 + b2 sin2 (phase in rad)."""
    A = np.stack([np.cos(phase), np.sin(phase), np.cos(2 * phase), np.sin(2 * phase)], axis=1)
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef


def monthly_stats(df: pd.DataFrame, latitude: float, longitude: float) -> pd.DataFrame:
    """Per-month statistics of an hourly year (8760 rows on ``hourly_index``).

    Parameters
    ----------
    df : pandas.DataFrame
        ``ghi, dni, dhi, temp_air, wind_speed, relative_humidity``.
    latitude, longitude : float
        Site [deg].

    Returns
    -------
    pandas.DataFrame
        Index month 1..12, columns :data:`STAT_COLUMNS`:

        * ``ghi_kwh_day`` mean daily GHI [kWh/m2/day]; ``kd`` diffuse fraction
          sum(DHI)/sum(GHI) [-];
        * ``kc_mean`` mean and ``kc_pNN`` quantiles of the daily clear-sky index
          Kc = sum(GHI)/sum(GHI_clear) [-]; ``kc_rho`` lag-1 autocorrelation of
          the normal scores of daily Kc [-]; ``kc_hmax`` 99.5th percentile of the
          hourly clear-sky index with the sun above 17.5 deg [-]; ``kc_hmax_hi`` the same
          with cos z above :data:`HIGH_SUN_COSZ` (sun above 53 deg), over the month's hours
          where it has at least :data:`HIGH_SUN_MONTH_HOURS` of them, else over the year's
          (:func:`high_sun_cap`) [-]; ``kc_sun`` the rise of the
          hourly index, relative to its day's, with cos z (:func:`sun_height_slope`; over
          the year, one value in every month) [-];
        * ``sig_lo/mid/hi`` standard deviation of hourly kc minus daily Kc on days
          with Kc below 0.35 / between / above 0.7 [-]; ``rho_h`` its hour-to-hour
          lag-1 autocorrelation [-];
        * ``t_mean`` mean temperature [degC]; ``t_kc_sd`` change of the daily mean
          temperature with one standard deviation of daily Kc (:func:`per_sd`) [K];
          ``t_res_sd`` [K], ``t_res_rho`` and ``t_res_rho2`` [-] the residual's standard
          deviation and lag-1 and lag-2 autocorrelations, all of the day's departure from the
          season's smooth course (:func:`seasonal_course`), not from the month's mean;
          ``dtr_mean`` mean daily range [K]; ``dtr_kc_sd`` its change with one standard
          deviation of Kc [K];
          ``t_a1, t_b1, t_a2, t_b2`` two harmonics of the mean diurnal cycle in local
          mean solar time, in units of the daily range [-];
        * ``rh_mean`` [%]; ``dd_mean`` daily dew-point depression (the day's mean
          temperature less its mean dew point) [K], its change with one standard deviation
          of Kc ``dd_kc_sd`` [K] and with the day's temperature residual (``t_res_sd``'s)
          ``dd_t_res`` [K/K] (a hot day is a drier one, most in summer), and the standard
          deviation of what neither explains ``dd_res_sd`` [K];
          ``td_a1, td_b1, td_a2, td_b2`` two harmonics of the dew point's mean diurnal
          course about its day's mean in local mean solar time [K] (it dips in the afternoon
          as the mixed layer deepens);
        * ``ws_mean`` [m/s]; ``ws_calm`` share of calm hours (below :data:`CALM_MS`) [-];
          ``ws_pNN`` quantiles of hourly wind speed over ``ws_mean``
          at :data:`WS_LEVELS` [-]; ``ws_rho`` hourly lag-1 autocorrelation [-];
          ``ws_a1, ws_b1`` first diurnal harmonic relative to the mean [-].
    """
    from scipy.special import ndtri  # lazy: not on the path of `twin weather`

    idx = df.index
    n_days = len(idx) // 24
    cz = cos_zenith(idx, latitude, longitude, 0.5)
    cs = haurwitz_ghi(cz)
    ghi = df["ghi"].to_numpy(float)
    G = ghi.reshape(n_days, 24)
    C = cs.reshape(n_days, 24)
    CZ = cz.reshape(n_days, 24)
    T = df["temp_air"].to_numpy(float).reshape(n_days, 24)
    RH = df["relative_humidity"].to_numpy(float).reshape(n_days, 24)
    day_month = idx.month.to_numpy()[::24]
    kc_day = G.sum(1) / np.maximum(C.sum(1), 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        kc_h = np.where(CZ > MIN_COSZ, G / C, np.nan)
    dev = kc_h - kc_day[:, None]
    t_day = T.mean(1)
    t_month = np.bincount(day_month, weights=t_day, minlength=13)[1:] / np.bincount(
        day_month, minlength=13)[1:]
    t_anomaly = t_day - seasonal_course(t_month, day_month)
    dtr = T.max(1) - T.min(1)
    TD = dewpoint(T, RH)
    dd_day = t_day - TD.mean(1)
    phase = 2 * np.pi * solar_hour(idx, longitude).reshape(n_days, 24) / 24.0
    ws = df["wind_speed"].to_numpy(float)
    month_h = idx.month.to_numpy()

    high_sun = CZ > HIGH_SUN_COSZ
    kc_hmax_hi = (float(np.nanquantile(kc_h[high_sun], 0.995)) if high_sun.sum() >= 50
                  else float("nan"))
    kc_sun = sun_height_slope(G, C, CZ)
    rows = {}
    for m in range(1, 13):
        dm = day_month == m
        hm = month_h == m
        k = kc_day[dm]
        q = np.quantile(k, KC_LEVELS)
        ranks = (np.argsort(np.argsort(k)) + 0.5) / len(k)
        z = ndtri(ranks)
        r = {"ghi_kwh_day": G[dm].sum() / dm.sum() / 1000.0,
             "kd": df["dhi"].to_numpy()[hm].sum() / max(ghi[hm].sum(), 1e-9),
             "kc_mean": float(k.mean()), "kc_rho": _lag(z, 1),
             "kc_hmax": float(np.nanquantile(np.where(CZ[dm] > 0.3, kc_h[dm], np.nan), 0.995)),
             "kc_hmax_hi": high_sun_cap(kc_h, high_sun, dm[:, None], kc_hmax_hi),
             "kc_sun": kc_sun}
        r.update(dict(zip(KC_COLS, q)))
        d = dev[dm]
        overall = float(np.nanstd(d))
        for name, sel in (("sig_lo", k < KC_BINS[0]), ("sig_mid", (k >= KC_BINS[0]) & (k < KC_BINS[1])),
                          ("sig_hi", k >= KC_BINS[1])):
            vals = d[sel]
            r[name] = float(np.nanstd(vals)) if np.isfinite(vals).sum() >= 20 else overall
        a, b = d[:, :-1].ravel(), d[:, 1:].ravel()
        ok = np.isfinite(a) & np.isfinite(b)
        r["rho_h"] = float(np.corrcoef(a[ok], b[ok])[0, 1]) if ok.sum() > 10 else 0.5
        td = t_day[dm]
        r["t_mean"] = float(T[dm].mean())
        kz = standard_scores(k)
        ta = t_anomaly[dm]  # the day's departure from the season's smooth course
        r["t_kc_sd"] = per_sd(k, ta)
        res = ta - ta.mean() - r["t_kc_sd"] * kz
        r["t_res_sd"] = float(res.std())
        r["t_res_rho"] = _lag(res, 1)
        r["t_res_rho2"] = _lag(res, 2)
        r["dtr_mean"] = float(dtr[dm].mean())
        r["dtr_kc_sd"] = per_sd(k, dtr[dm])
        prof = (T[dm] - td[:, None]) / np.maximum(dtr[dm], 0.5)[:, None]
        r["t_a1"], r["t_b1"], r["t_a2"], r["t_b2"] = _harmonics(phase[dm].ravel(), prof.ravel())
        r["rh_mean"] = float(RH[dm].mean())
        dd = dd_day[dm]
        r["dd_mean"] = float(dd.mean())
        r["dd_kc_sd"] = per_sd(k, dd)
        d_res = dd - dd.mean() - r["dd_kc_sd"] * kz
        r["dd_t_res"] = float((d_res @ res) / max(float(res @ res), 1e-9))
        r["dd_res_sd"] = float((d_res - r["dd_t_res"] * res).std())
        r["td_a1"], r["td_b1"], r["td_a2"], r["td_b2"] = _harmonics(
            phase[dm].ravel(), (TD[dm] - TD[dm].mean(1, keepdims=True)).ravel())
        w = ws[hm]
        r["ws_mean"] = float(w.mean())
        r["ws_calm"] = float((w < CALM_MS).mean())
        r.update(zip(WS_COLS, np.quantile(w / max(w.mean(), 1e-6), WS_LEVELS)))
        r["ws_rho"] = _lag(w, 1)
        wp = phase.ravel()[hm]
        A = np.stack([np.cos(wp), np.sin(wp)], axis=1)
        coef, *_ = np.linalg.lstsq(A, w / max(w.mean(), 1e-6) - 1.0, rcond=None)
        r["ws_a1"], r["ws_b1"] = coef
        rows[m] = r
    out = pd.DataFrame.from_dict(rows, orient="index")[list(STAT_COLUMNS)]
    out.index.name = "month"
    return out


def degree_days(temp_air: pd.Series, heat_base: float = 18.0, cool_base: float = 26.0):
    """Heating and cooling degree days of an hourly year from daily means [K d].

    HDD18 = sum over days of max(18 - T_day, 0) and CDD26 = sum of max(T_day - 26, 0),
    T_day the mean of the day's 24 hourly values, as defined in GB 50176-2016 (2.1.9,
    2.1.10) for the climate-zone indicators.

    Returns
    -------
    hdd, cdd : float
    """
    t = np.asarray(temp_air, float)
    td = t[: len(t) // 24 * 24].reshape(-1, 24).mean(1)
    return float(np.clip(heat_base - td, 0, None).sum()), float(np.clip(td - cool_base, 0, None).sum())


@lru_cache(maxsize=1)
def city_stats_table() -> pd.DataFrame:
    """Monthly statistics of the 34 TMYx reference cities, MultiIndex (city, month).

    A view of :func:`weather.stations.station_stats_table` keyed by the names of
    :data:`weather.CITIES`.
    """
    from .stations import station_stats_table, station_table

    st = station_table()
    tmyx = st[st["dataset"] == "TMYx"]
    names = dict(zip(tmyx.index, tmyx["name"]))
    tab = station_stats_table().loc[list(names)].reset_index()
    tab["city"] = tab["id"].map(names)
    return tab.drop(columns="id").set_index(["city", "month"]).sort_index()
