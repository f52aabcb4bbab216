"""Seeded stochastic typical-year generator driven by monthly statistics.

Model (all steps vectorised, one year in well under a second):

1. Daily clear-sky index Kc (against Haurwitz clear-sky GHI): a first-order
   Gaussian autoregressive process z_d (lag-1 correlation ``kc_rho`` of the
   month, raised by its sampling bias within a month, :func:`lag1_of_process`)
   mapped through the month's empirical quantile function (Gaussian copula; the
   AR(1)-in-normal-scores approach of Aguiar & Collares-Pereira 1992 for daily
   clearness, with empirical instead of parametric marginals).
2. Hourly clear-sky index kc_h = Kc p(z) + sigma(Kc) e_h, e_h an hourly AR(1) with
   correlation ``rho_h`` (TAG model structure, Aguiar & Collares-Pereira 1992),
   sigma from the month's low/mid/high-Kc bins, p(z) the expected rise of the index with
   the sun's height (:func:`weather.stats.sun_profile`; its slope matched in rounds so that
   the year shows the statistics' ``kc_sun``, :func:`weather.stats.sun_height_slope`); bent
   towards 0.01 below 0.1 (:func:`soft_floor`: an overcast hour keeps its diffuse light)
   and cut at a cap falling with the sun's height from ``kc_hmax`` to ``kc_hmax_hi``
   (:func:`hourly_cap`); each day rescaled to its Kc, each month to its mean daily GHI.
3. Diffuse/direct split with the Erbs et al. (1982) correlation, DHI
   scaled per month to the month's diffuse fraction, DNI = (GHI - DHI)/cos z.
4. Temperature: daily mean = the season's smooth course through the monthly means
   (:func:`weather.stats.seasonal_course`) + (change per standard deviation of Kc) x
   (the day's Kc as a standard score within its month) + a second-order autoregressive
   residual (:func:`ar2_of_process`: the process whose months show the file's lag-1 and
   lag-2 autocorrelations and spread; its spread and its own month means follow the
   season's course, so no step at a month's start); daily range tied linearly to that
   score likewise; two-harmonic diurnal shape in local solar time, scaled to rise and fall
   by one daily range (:func:`unit_range_harmonics`), each day's course shifted earlier or
   later by a normal draw whose spread, wider on dark days than on clear ones, gives back the
   month's fitted mean course (:func:`diurnal_timing_sd_h`); daily values interpolated between
   days; monthly means restored exactly.
5. Humidity: the day's dew point = its mean temperature - depression (linear in the Kc
   score and in the day's temperature residual, + noise), with the month's diurnal course
   of the dew point about it; the dew point approaches the hour's temperature smoothly
   (:func:`soft_saturation`) instead of being cut at it; RH by the Magnus formula, monthly
   mean RH restored by a dew-point offset.
6. Wind: the month's empirical quantiles of hourly speed over its mean (calms
   and tail as in the station files) through a Gaussian copula with hourly
   AR(1); the diurnal harmonic enters as a shift of each hour's normal score,
   solved so that the expected speed of the hour follows it; the scores' ranks
   within the month give the probabilities, so the month keeps its quantiles;
   monthly means restored.

References
----------
Aguiar, R. & Collares-Pereira, M. (1992). TAG: a time-dependent,
autoregressive, Gaussian model for generating synthetic hourly radiation.
Solar Energy 49(3), 167-174.
Erbs, D. G., Klein, S. A. & Duffie, J. A. (1982). Estimation of the diffuse
radiation fraction for hourly, daily and monthly-average global radiation.
Solar Energy 28(4), 293-302.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from ._core import COLUMNS, hourly_index
from .io import enforce_closure
from .solar import cos_zenith, erbs_diffuse, haurwitz_ghi, solar_hour
from .stats import (
    HIGH_SUN_COSZ,
    KC_BINS,
    KC_COLS,
    KC_LEVELS,
    WS_COLS,
    WS_LEVELS,
    relative_humidity_from_dewpoint,
    seasonal_course,
    standard_scores,
    sun_height_slope,
    sun_profile,
)

_erfc = np.vectorize(math.erfc, otypes=[float])


def ndtr(x: np.ndarray) -> np.ndarray:
    """Standard normal cumulative distribution function [-] (math.erfc; no scipy import on
    the path of `twin weather`, whose start-up time is a goal)."""
    return 0.5 * _erfc(-np.asarray(x, float) / math.sqrt(2.0))


KC_HOURLY_CAP = 1.35
"""Upper cap on the hourly clear-sky index (cloud enhancement limit) [-]."""

MONTH_SCALE_ITERATIONS = 20
"""Most rounds of restoring each month's GHI with the hours at their cap (a clear October in
the east needs about 10: 1.2 % short after 4) [-]."""

CAP_FALL_COSZ = (0.45, HIGH_SUN_COSZ)
"""cos(zenith) between which the hourly cap falls from the month's ``kc_hmax`` to the high-sun
``kc_hmax_hi`` (linear in cos z; sun 27 to 53 deg) [-]."""


def hourly_cap(kc_hmax, kc_hmax_hi, cos_zenith):
    """Upper bound of the hourly clear-sky index (against Haurwitz) by the sun's height [-].

    Against the Haurwitz clear sky, which is too dark at a low sun and too bright at a high
    one, the typical-year files' 99.5th percentile of the hourly index falls with the sun's
    height (TMYx median 1.26 at cos z 0.3-0.4, 0.99 above 0.9; CSWD 1.29 and 1.02); a cap at
    ``kc_hmax`` (pooled over the sun above 17.5 deg, so set by the low sun) let a clear noon
    reach it: peaks 12-20 % above the files'. ``kc_hmax`` (at least 1, at most
    :data:`KC_HOURLY_CAP`) holds up to cos z 0.45, ``kc_hmax_hi`` (the 99.5th percentile
    with cos z above 0.8, the month's where it has enough such hours,
    :func:`weather.stats.high_sun_cap`; not above ``kc_hmax``) from 0.8; NaN ``kc_hmax_hi`` ->
    ``kc_hmax``.

    Parameters
    ----------
    kc_hmax, kc_hmax_hi : array_like
        Caps at a low and a high sun, per day (or broadcastable) [-].
    cos_zenith : array_like
        cos(zenith) of each hour [-].
    """
    lo = np.minimum(np.maximum(np.asarray(kc_hmax, float), 1.0), KC_HOURLY_CAP)
    hi = np.asarray(kc_hmax_hi, float)
    hi = np.where(np.isfinite(hi), np.minimum(hi, lo), lo)
    a, b = CAP_FALL_COSZ
    w = np.clip((np.asarray(cos_zenith, float) - a) / (b - a), 0.0, 1.0)
    return lo + (hi - lo) * w


KC_SOFT_FLOOR = 0.1
"""Hourly clear-sky index below which the Gaussian excursion of :func:`synthesize`'s step
2 is bent exponentially towards :data:`KC_LOWEST` instead of being cut at zero
(:func:`soft_floor`). Chosen on the hourly clearness index kt = GHI / (1367 W/m2 cos z), sun
above 17.5 deg, synthetic years from each station's own statistics against its file (the 34
TMYx and 15 SWERA files, 3 seeds each, median over stations): 0.1th percentile file 0.030,
cut at zero 0.000, bent from 0.1 towards 0.01 0.027 (towards zero from 0.1 0.022, from 0.15
0.037); 1st percentile file 0.064, cut at zero 0.050, bent from 0.1 towards 0.01 0.069
(towards zero from 0.1 0.067, from 0.15 0.080) [-]."""

KC_LOWEST = 0.01
"""Lowest hourly clear-sky index (against Haurwitz) of a daylight hour [-]: with the sun above
17.5 deg no TMYx or SWERA file at hand goes below 0.012 (73 files; their lowest hour, median
0.079)."""


def soft_floor(x, x0: float = KC_SOFT_FLOOR, lowest: float = KC_LOWEST) -> np.ndarray:
    """``x`` from ``x0`` up; below it ``lowest + (x0 - lowest) exp((x - x0) / (x0 - lowest))``:
    continuous with its slope at ``x0``, rising with ``x`` and tending to ``lowest`` [-].

    The hourly clear-sky index is the day's index plus a Gaussian excursion (an hourly AR(1),
    so excursions come in runs). Cut at zero, a dark day's deep excursions became daylight
    hours without any light: 0.85 % of the hours with the sun above 17.5 deg at the median
    TMYx station (3 seeds each), in runs of up to 13 hours. No typical-year file has such an
    hour (overcast skies still let diffuse light through)."""
    x = np.asarray(x, float)
    span = x0 - lowest
    return np.where(x >= x0, x, lowest + span * np.exp((np.minimum(x, x0) - x0) / span))


SUN_SLOPE_ROUNDS = 4
"""Most rounds of matching the year's :func:`weather.stats.sun_height_slope` to the
statistics' ``kc_sun`` (each round moves the profile's slope by the miss; the caps and the
day's rescaling flatten what the profile sets, by about 0.05-0.2) [-]."""

SUN_SLOPE_TOLERANCE = 0.01
"""Miss of the year's sun-height slope below which the rounds stop [-, per unit of cos z]."""


def _day_light(kc_day, excursion, profile, cap, clear_day_hour) -> np.ndarray:
    """Hourly GHI of every day [W/m2], shape (days, 24): the day's clear-sky index shaped by the
    sun-height profile, plus the hourly excursion, bent at the soft floor and cut at the cap,
    then rescaled (three rounds, the cap kept) so that each day keeps its index."""
    CS = clear_day_hour
    G = np.minimum(soft_floor(kc_day[:, None] * profile + excursion), cap) * CS
    for _ in range(3):
        day_sum = G.sum(1)
        f = np.where(day_sum > 0, kc_day * CS.sum(1) / np.where(day_sum > 0, day_sum, 1), 1.0)
        G = np.minimum(G * f[:, None], cap * CS)
    return G


def _ar1(rng: np.random.Generator, rho: np.ndarray) -> np.ndarray:
    """Unit-variance AR(1) series with time-varying lag-1 correlation ``rho``."""
    n = len(rho)
    rho = np.clip(rho, -0.95, 0.98)
    eps = rng.standard_normal(n)
    z = np.empty(n)
    z[0] = eps[0]
    s = np.sqrt(1 - rho ** 2)
    for i in range(1, n):  # 8760 scalar steps: ~3 ms
        z[i] = rho[i] * z[i - 1] + s[i] * eps[i]
    return z


def _daily_knots(day_means: np.ndarray) -> np.ndarray:
    """Values at the day centres whose hourly linear interpolation has ``day_means`` as its
    daily means.

    Interpolating linearly between day centres gives each day the mean
    0.125 k[d-1] + 0.75 k[d] + 0.125 k[d+1] (0.875/0.125 at the ends, where np.interp holds
    the end value): taking the daily means themselves as knots would smooth them, a standard
    deviation about 7 % too small at a lag-1 correlation of 0.7 and the hot and cold spells'
    degree days 10-30 % short. Solved as a tridiagonal system (its inverse, computed once).
    """
    d = np.asarray(day_means, float)
    n = len(d)
    if n < 3:
        return d.copy()
    return _knot_operator(n) @ d


@lru_cache(maxsize=4)
def _knot_operator(n: int) -> np.ndarray:
    """Inverse of the day-mean matrix of :func:`_daily_knots` for ``n`` days [-], (n, n)."""
    a = np.diag(np.full(n, 0.75)) + np.diag(np.full(n - 1, 0.125), 1) + np.diag(np.full(n - 1, 0.125), -1)
    a[0, 0] = a[-1, -1] = 0.875
    return np.linalg.inv(a)


def _knot_map(u: np.ndarray, p: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Piecewise-linear inverse CDF: u in [0, 1] -> value, through knots (p, v) per row (p rising
    from 0 to 1 along each row)."""
    j = np.clip((u[:, None] >= p[:, 1:-1]).sum(1), 0, p.shape[1] - 2)
    rows = np.arange(len(u))
    p0, p1 = p[rows, j], p[rows, j + 1]
    v0, v1 = v[rows, j], v[rows, j + 1]
    return v0 + (u - p0) / np.maximum(p1 - p0, 1e-12) * (v1 - v0)


def _quantile_map(u: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Inverse empirical CDF of the daily clear-sky index: u in (0,1) -> value, quantiles q at
    KC_LEVELS (rows per step); beyond the first and last levels linear to a quarter of the
    neighbouring step, not below 0.01."""
    levels = np.array(KC_LEVELS)
    lo = np.maximum(q[:, 0] - 0.25 * (q[:, 1] - q[:, 0]), 0.01)
    hi = q[:, -1] + 0.25 * (q[:, -1] - q[:, -2])
    p = np.broadcast_to(np.concatenate([[0.0], levels, [1.0]]), (len(u), len(levels) + 2))
    return _knot_map(u, p, np.column_stack([lo, q, hi]))


WIND_TAIL = 1.0
"""Above the top stored quantile (99th percentile) wind speed rises linearly to this many times
the step from the 95th to the 99th percentile [-]. In the 329 bundled files a month's highest
hour lies a median 1.0 such step above its 99th percentile (quartiles 0.5 and 1.6); a stored
99.9th percentile would carry single-hour spikes of a file (three SWERA files hold hours of
53-56 m/s) into every site near it."""

WIND_SCORE_SHIFTS = np.linspace(-3.0, 3.0, 61)
"""Grid of shifts of the hourly normal score of wind speed searched for the diurnal cycle [-]."""

_GAUSS_HERMITE = np.polynomial.hermite_e.hermegauss(24)
"""Nodes and weights of the expectation over the AR(1) score in the diurnal calibration."""


def _wind_knots(q: np.ndarray, calm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knots (probability, speed over the month's mean) of the inverse CDF of hourly wind speed,
    one row per row of ``q`` (quantiles at WS_LEVELS) and ``calm`` (share of calm hours) [-].

    Zero up to the calm share, then linear between the quantiles (the last level at or below
    the calm share moved up to it, so interpolation does not spread the calms over light air),
    beyond the 99th percentile :data:`WIND_TAIL` steps."""
    levels = np.broadcast_to(np.array(WS_LEVELS), q.shape).copy()
    below = levels <= calm[:, None]
    q = np.where(below, 0.0, q)
    k = below.sum(1) - 1
    rows = np.flatnonzero(k >= 0)
    levels[rows, k[rows]] = calm[rows]
    lo = np.maximum(q[:, 0] - 0.25 * (q[:, 1] - q[:, 0]), 0.0)
    hi = q[:, -1] + WIND_TAIL * (q[:, -1] - q[:, -2])
    n = len(q)
    return (np.column_stack([np.zeros(n), levels, np.ones(n)]), np.column_stack([lo, q, hi]))


_NDTR_X = np.linspace(-9.0, 9.0, 18001)
_NDTR_TABLE = ndtr(_NDTR_X)
"""Standard normal CDF tabulated every 0.001 (linear interpolation error below 1e-7) for the
many evaluations of the wind's diurnal calibration."""


def _diurnal_score_shifts(knots: tuple[np.ndarray, np.ndarray], month_h: np.ndarray,
                          target: np.ndarray):
    """Shift of every hour's normal score and the month's scale of the AR(1) scores so that the
    expected wind speed of the hour follows the diurnal multiplier and the shifted scores keep
    about unit variance (the generator takes their ranks within the month, so the month keeps
    its quantiles either way).

    Parameters
    ----------
    knots : tuple of numpy.ndarray
        (12, k) probabilities and speeds over the month's mean of each month's inverse CDF
        (:func:`_wind_knots`) [-].
    month_h : numpy.ndarray
        Month 1..12 of every hour.
    target : numpy.ndarray
        Diurnal multiplier of every hour (mean about 1 within a month) [-].

    Returns
    -------
    shift : numpy.ndarray
        Normal-score shift of every hour [-].
    sigma : numpy.ndarray
        (12,) scale of the unit-variance AR(1) scores in each month [-].
    """
    x, w = _GAUSS_HERMITE
    w = w / w.sum()
    shift = np.zeros(len(month_h))
    sigma = np.ones(12)
    for m in range(12):
        h = month_h == m + 1
        p_knots, v_knots = knots[0][m], knots[1][m]

        def expected(c, s):
            u = np.interp(np.add.outer(c, s * x), _NDTR_X, _NDTR_TABLE)
            return np.interp(u, p_knots, v_knots) @ w

        mean = expected(np.zeros(1), 1.0)[0]
        if not np.isfinite(mean) or mean <= 0:
            continue
        s = 1.0
        for it in range(6):  # the shifts for the scale s, then the scale they leave
            e = np.maximum.accumulate(expected(WIND_SCORE_SHIFTS, s) / mean)
            c = np.interp(target[h], e, WIND_SCORE_SHIFTS)
            s_next = math.sqrt(max(1.0 - float(np.mean(c ** 2)), 0.2))
            if abs(s_next - s) < 1e-3 or it == 5:
                break
            s = s_next
        shift[h], sigma[m] = c, s  # c was solved for this s
    return shift, sigma


def _ranks_within_month(x: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Rank of every value among the values of its month as a probability (rank + 0.5) / n [-]."""
    order = np.lexsort((x, month))
    n = np.bincount(month, minlength=13)
    first = np.concatenate([[0], np.cumsum(n)[:-1]])
    pos = np.empty(len(x))
    pos[order] = np.arange(len(x)) - first[month[order]]
    return (pos + 0.5) / n[month]


def _month_scale(values: np.ndarray, month: np.ndarray, target_sum: np.ndarray) -> np.ndarray:
    """Per-month factor so that sum(values in month m) == target_sum[m-1]."""
    sums = np.bincount(month, weights=values, minlength=13)[1:]
    f = np.where(sums > 0, target_sum / np.where(sums > 0, sums, 1), 1.0)
    return f[month - 1]


@lru_cache(maxsize=4)
def _calendar(year: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Hourly index of the model year and the month of every hour (computed once a year:
    the climate zone's 16 synthetic years each needed them)."""
    idx = hourly_index(year)
    month_h = idx.month.to_numpy()
    month_h.setflags(write=False)
    return idx, month_h


@lru_cache(maxsize=8)
def _diurnal_phase(year: int, longitude: float) -> np.ndarray:
    """Local mean solar time of every hour's middle as a phase [rad] (read-only)."""
    ph = 2 * np.pi * solar_hour(_calendar(year)[0], longitude) / 24.0
    ph.setflags(write=False)
    return ph


SATURATION_SCALE_K = 1.0
"""Width [K] of the dew point's approach to the air temperature (:func:`soft_saturation`),
chosen so that synthetic years from the stations' own statistics hold the files' share of
hours at 98 % RH or more (weather/VALIDATION.md section 5, "Humidity")."""

HUMIDITY_ROUNDS = 8
"""Rounds of the dew-point offset that restores each month's mean RH."""


def soft_saturation(dew_point, temp_air, scale: float = SATURATION_SCALE_K) -> np.ndarray:
    """A dew point [degC] that approaches the air temperature ``temp_air`` [degC] smoothly:
    the depression becomes ``scale * ln(1 + exp((temp_air - dew_point) / scale))`` [K].

    A depression of a few ``scale`` [K] is kept; as the air cools towards or below the drawn
    dew point, the dew point follows it down at a depression that shrinks towards zero, as
    dew and fog take water out of the cooling air. Cut at the temperature instead (the drawn
    dew point of the day's mean held through a clear night), the synthetic years held 2 to 3
    times the files' hours at 98 % RH or more, most of them near dawn."""
    t = np.asarray(temp_air, float)
    return t - scale * np.logaddexp(0.0, (t - np.asarray(dew_point, float)) / scale)


def two_harmonics(coef: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """a1 cos + b1 sin + a2 cos 2 + b2 sin 2 of ``phase`` [rad], the coefficients ``coef``
    (n x 4, one row per value of ``phase``; the fit is :func:`weather.stats._harmonics`) [their
    unit]."""
    return (coef[:, 0] * np.cos(phase) + coef[:, 1] * np.sin(phase)
            + coef[:, 2] * np.cos(2 * phase) + coef[:, 3] * np.sin(2 * phase))


def _dew_point_course(per_hour: dict, phase: np.ndarray) -> np.ndarray | float:
    """The month's diurnal course of the dew point about its day's mean [K] at each hour's
    solar phase ``phase`` [rad] (``td_a1`` .. ``td_b2``; zero for statistics without them)."""
    if "td_a1" not in per_hour:
        return 0.0
    return two_harmonics(np.nan_to_num(np.column_stack(
        [per_hour[c] for c in ("td_a1", "td_b1", "td_a2", "td_b2")])), phase)


def _month_tables(stats: pd.DataFrame, year: int):
    """Hourly index of the model year and the monthly statistics as arrays: by month (12),
    by day and by hour (units of :data:`weather.stats.STAT_COLUMNS`)."""
    st = stats.sort_index()
    idx, month_h = _calendar(year)
    month_d = month_h[::24]
    S = {c: st[c].to_numpy(float) for c in st.columns}
    per_day = {c: v[month_d - 1] for c, v in S.items()}
    per_day["days_in_month"] = np.bincount(month_d, minlength=13)[1:][month_d - 1]
    per_hour = {c: v[month_h - 1] for c, v in S.items()}
    return idx, S, per_day, per_hour


def lag1_of_process(lag1_in_month, days) -> np.ndarray:
    """Lag-1 correlation of an AR(1) process whose months of ``days`` days, each about its own
    mean, show on average the lag-1 autocorrelation ``lag1_in_month`` (a file's monthly
    statistic) [-]: a month's sample value runs below the process's by about
    (1 + 3 rho) / n (Kendall 1954), so a generator given the sample value makes its spells
    shorter than the file's.

    References
    ----------
    Kendall, M. G. (1954). Note on bias in the estimation of autocorrelation. Biometrika
    41(3/4), 403-404.
    """
    n = np.asarray(days, float)
    return np.clip((n * np.asarray(lag1_in_month, float) + 1.0) / (n - 3.0), -0.95, 0.98)


def _ar2_correlations(rho1: np.ndarray, rho2: np.ndarray, lags: int) -> np.ndarray:
    """Autocorrelations at lags 0..``lags`` of a stationary AR(2) process with lag-1 and lag-2
    correlations ``rho1``, ``rho2`` (Yule-Walker recursion), shape (len(rho1), lags + 1) [-]."""
    rho1, rho2 = np.asarray(rho1, float), np.asarray(rho2, float)
    phi2 = (rho2 - rho1 ** 2) / (1.0 - rho1 ** 2)
    phi1 = rho1 * (1.0 - phi2)
    r = np.empty((len(rho1), lags + 1))
    r[:, 0], r[:, 1] = 1.0, rho1
    for k in range(2, lags + 1):
        r[:, k] = phi1 * r[:, k - 1] + phi2 * r[:, k - 2]
    return r


def expected_sample_correlations(rho1, rho2, days) -> tuple[np.ndarray, ...]:
    """What a month of ``days`` days, about its own mean, shows on average of an AR(2) process
    with lag-1 and lag-2 correlations ``rho1``, ``rho2``: the sample lag-1 and lag-2
    autocorrelations and the sample variance over the process's [-], to first order in
    1/days.

    Mean removal lowers every lag's covariance by the variance of the month's mean, and the
    ratio of two sample covariances is biased by their own covariance (Bartlett 1946's
    covariances of sample autocovariances, Gaussian process): E r_k = rho_k - (1 - rho_k) S / n
    + 2 (rho_k sum_j rho_j^2 - sum_j rho_j rho_(j+k)) / n, S = sum_j rho_j, sums over all lags
    j. For an AR(1) this is Kendall's (1954) -(1 + 3 rho) / n at lag 1.

    References
    ----------
    Bartlett, M. S. (1946). On the theoretical specification and sampling properties of
    autocorrelated time-series. Supplement to the Journal of the Royal Statistical Society
    8(1), 27-41.
    """
    n = np.asarray(days, float)
    half = _ar2_correlations(rho1, rho2, _AR2_LAGS)
    full = np.concatenate([half[:, :0:-1], half], axis=1)  # lags -L..L
    total = full.sum(1)
    squares = (full ** 2).sum(1)
    out = []
    for k in (1, 2):
        cross = (full[:, :-k] * full[:, k:]).sum(1)
        out.append(half[:, k] - (1.0 - half[:, k]) * total / n
                   + 2.0 * (half[:, k] * squares - cross) / n)
    lag = np.arange(1, _AR2_LAGS + 1)
    var_of_mean = (1.0 + 2.0 * (np.clip(1.0 - lag / n[:, None], 0.0, None)
                                * half[:, 1:]).sum(1)) / n
    return out[0], out[1], 1.0 - var_of_mean


_AR2_LAGS = 60
"""Lags summed in :func:`expected_sample_correlations`; with the persistence bounded by
:data:`AR2_MAX_PERSISTENCE` the process's correlations have decayed below 1e-4 by then."""

AR2_MAX_PERSISTENCE = 0.85
"""Upper bound on the sum of the residual process's two autoregressive coefficients [-] (its
slowest decay per day; 1 would never forget). Beyond it the sample values no longer follow
the process's to first order in 1/days. About 10 % of the stations' months, whose days barely
return to the season's course (a typical-year month from a year that warmed or cooled through
it; lag-1 0.65 and more with a lag-2 close to it), ask for more: they keep their lag-1 and get
the largest lag-2 the bound allows."""


def _stationary_ar2(rho1: np.ndarray, rho2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lag-1 and lag-2 correlations held inside the region of a stationary AR(2) with margins
    [-]: rho1 in [-0.5, 0.9], the second coefficient above -0.95 and the two coefficients'
    sum at most :data:`AR2_MAX_PERSISTENCE` (with phi2 = (rho2 - rho1^2) / (1 - rho1^2) and
    phi1 = rho1 (1 - phi2): rho2 <= rho1^2 + (limit - rho1)(1 + rho1))."""
    rho1 = np.clip(rho1, -0.5, 0.9)
    lo = rho1 ** 2 - 0.95 * (1.0 - rho1 ** 2)
    hi = rho1 ** 2 + (AR2_MAX_PERSISTENCE - rho1) * (1.0 + rho1)
    return rho1, np.clip(rho2, lo, np.maximum(hi, lo))


def ar2_of_process(lag1_in_month, lag2_in_month, days, iterations: int = 40):
    """Lag-1 and lag-2 correlations of the AR(2) process whose months of ``days`` days, each
    about its own mean, show on average the sample autocorrelations ``lag1_in_month`` and
    ``lag2_in_month`` (a file's monthly statistics), and the factor [-] by which the process's
    standard deviation exceeds a month's sample standard deviation.

    Solved by a damped fixed-point iteration on :func:`expected_sample_correlations`: each
    step moves the process values by half the month's remaining shortfall, held inside
    :func:`_stationary_ar2` (a month beyond it gets the nearest process inside). A month's
    sample values run below its process's (at 30 days, an AR(1) of lag-1 0.75 shows about
    0.64 and a sample variance 0.79 of its own), so a generator given the sample values makes
    its warm and cold spells shorter and weaker than the file's.
    """
    t1, t2 = np.asarray(lag1_in_month, float), np.asarray(lag2_in_month, float)
    n = np.asarray(days, float) * np.ones_like(t1)
    key = (t1.tobytes(), t2.tobytes(), n.tobytes(), int(iterations))
    return tuple(v.copy() for v in _ar2_of_process_cached(key))


@lru_cache(maxsize=64)
def _ar2_of_process_cached(key) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ar2_of_process` for one set of months (the 16 years of a site's degree days and
    every seed of one site share it)."""
    t1, t2, n = (np.frombuffer(b, float) for b in key[:3])
    rho1, rho2 = _stationary_ar2(t1, t2)
    for _ in range(key[3]):
        e1, e2, _v = expected_sample_correlations(rho1, rho2, n)
        step1, step2 = 0.5 * (t1 - e1), 0.5 * (t2 - e2)
        rho1, rho2 = _stationary_ar2(rho1 + step1, rho2 + step2)
        if max(np.abs(step1).max(), np.abs(step2).max()) < 1e-5:
            break
    return rho1, rho2, 1.0 / np.sqrt(expected_sample_correlations(rho1, rho2, n)[2])


def _ar2(rng: np.random.Generator, rho1: np.ndarray, rho2: np.ndarray) -> np.ndarray:
    """Unit-variance second-order autoregressive series whose value on day t correlates with
    the day before by ``rho1[t]`` and with the day before that by ``rho2[t]`` [-].

    Each day's two coefficients solve the Yule-Walker equations with the correlation the two
    previous days actually have (``rho1[t-1]``), and the innovation takes the rest of a unit
    variance: where the correlations change from one month to the next, a stationary AR(2)
    with the new month's coefficients would start from the old month's state and lose variance
    and persistence for days (about 5 % of the variance over a year at the median station).
    """
    rho1, rho2 = _stationary_ar2(rho1, rho2)
    eps = rng.standard_normal(len(rho1))
    z = np.empty(len(rho1))
    z[0] = eps[0]
    z[1] = rho1[1] * z[0] + math.sqrt(1.0 - rho1[1] ** 2) * eps[1]
    c = rho1[:-1]  # correlation of the two previous days, for day t at index t - 1
    det = 1.0 - c ** 2
    a = (rho1[1:] - c * rho2[1:]) / det
    b = (rho2[1:] - c * rho1[1:]) / det
    s = np.sqrt(np.clip(1.0 - a * rho1[1:] - b * rho2[1:], 1e-6, None))
    for i in range(2, len(z)):
        z[i] = a[i - 1] * z[i - 1] + b[i - 1] * z[i - 2] + s[i - 1] * eps[i]
    return z


def _daily_clear_sky_index(rng: np.random.Generator, per_day: dict) -> np.ndarray:
    """Daily clear-sky index Kc [-]: AR(1) normal scores through the month's quantiles."""
    zd = _ar1(rng, lag1_of_process(per_day["kc_rho"], per_day["days_in_month"]))
    q = np.column_stack([per_day[c] for c in KC_COLS])
    return np.clip(_quantile_map(ndtr(zd), q), 0.01, KC_HOURLY_CAP)


def _day_positions(n_hours: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the hours and of the day centres on one axis [days]."""
    return (np.arange(n_hours) + 0.5) / 24.0 - 0.5, np.arange(n_hours // 24)


def _kc_scores(kc_day, month_d) -> np.ndarray:
    """Standard scores of the daily clear-sky index within each month of the year [-] (0 in a
    month where it does not vary)."""
    z = np.zeros_like(kc_day)
    for m in range(1, 13):
        sel = month_d == m
        z[sel] = standard_scores(kc_day[sel])
    return z


def _course_span(coef: np.ndarray) -> np.ndarray:
    """Rise and fall of the two-harmonic course (a1, b1, a2, b2 in rows) over a day [their
    unit], from 144 points of the day."""
    x = np.linspace(0.0, 2.0 * np.pi, 145)[:-1]
    basis = np.stack([np.cos(x), np.sin(x), np.cos(2 * x), np.sin(2 * x)])
    return np.ptp(np.asarray(coef, float) @ basis, axis=1)


def unit_range_harmonics(coef: np.ndarray) -> np.ndarray:
    """The two diurnal harmonics (a1, b1, a2, b2 in rows) scaled so that the day's course they
    draw rises and falls by exactly one unit of the daily range [-].

    The harmonics are a least-squares fit to the files' hours in units of each day's range;
    averaged over days whose warmest and coldest hours come at different times, the fitted
    course spans only about 0.8 of a range, and a day drawn with it rose and fell by 18 % less
    than the files' days at the median station (the hourly extremes a planner sizes heating
    and cooling for came out 0.6-0.8 K too mild). The days' differing timing is drawn apart
    (:func:`diurnal_timing_sd_h`), so that their mean course is the fitted one again."""
    return np.asarray(coef, float) / np.maximum(_course_span(coef), 0.2)[:, None]


TIMING_BY_SKY = ((0.1, 0.3, 0.5, 0.7, 0.9), (4.19, 1.70, 1.0, 0.76, 0.61))
"""How the day-to-day spread of the diurnal course's timing depends on the day's sky: at the
day's rank of the clear-sky index within its month (first row; the middle of each fifth), the
spread relative to the middle fifth's (second row) [-]. Measured on the files by
:func:`weather.validation.diurnal_timing_by_sky` (the circular standard deviation of the
phase of the first harmonic of each day's temperature course, by fifth of the daily GHI within
the month), median over the 73 TMYx and SWERA files: 3.55, 1.44, 0.85, 0.64 and 0.51 h from
the darkest fifth to the clearest (the 256 CSWD files: 3.46, 1.38, 0.80, 0.53, 0.40 h). A
clear day warms and cools with the sun; an overcast or frontal day's warmest hour can come at
any time."""


def _timing_by_sky(rank: np.ndarray) -> np.ndarray:
    """The spread of a day's timing relative to the middle fifth's [-] at its sky's rank
    ``rank`` (0-1) within its month (:data:`TIMING_BY_SKY`, linear between the fifths)."""
    return np.interp(rank, *TIMING_BY_SKY)


def diurnal_timing_sd_h(coef: np.ndarray, rounds: int = 40) -> np.ndarray:
    """Standard deviation [h] of the day-to-day shift of the diurnal course's timing on a day
    of the month's middle sky, per row of the fitted harmonics ``coef`` (a1, b1, a2, b2 in
    units of the daily range, one row per month; :func:`weather.stats._harmonics`); a darker
    day's spread is larger, a clearer day's smaller, by :data:`TIMING_BY_SKY`.

    The files' days reach their warmest and coldest hours at different times, so the mean
    course fitted to them spans less than one daily range (about 0.8 at the median station).
    The generator draws every day with the full range (:func:`unit_range_harmonics`), each
    shifted by a normal number of hours; a shift of standard deviation s damps the mean of
    the k-th harmonic by exp(-(k w s)^2 / 2), w = 2 pi / 24 h, here averaged over the month's
    days, whose skies rank evenly from 0 to 1. The value returned is the middle sky's s with
    which the damped unit-range course spans what the fitted one does (bisection, ``rounds``
    halvings of 0-8 h); 0 where the fitted course spans a whole range already.

    Without it every synthetic day peaked at the month's mean hour: the hottest month's mean
    course ran 14 % wider than the files' and its 14:00 value, GB 50736-2012's summer
    ventilation temperature (4.1.8), 0.9 K warmer (weather/VALIDATION.md section 5). The
    spread follows the sky because the hours PV panels work in follow it: the year's
    temperature weighted by GHI, synthetic less file at the 73 TMYx and SWERA stations (median),
    +0.35 K before the shift, -0.11 K with one spread for every sky, +0.05 K with this one."""
    coef = np.nan_to_num(np.asarray(coef, float)).reshape(-1, 4)
    return _diurnal_timing_sd_cached(coef.tobytes(), int(rounds)).copy()


@lru_cache(maxsize=64)
def _diurnal_timing_sd_cached(coef_bytes: bytes, rounds: int) -> np.ndarray:
    """:func:`diurnal_timing_sd_h` for one set of months (the 16 years of a site's climate and
    every seed of one site share it; 2 ms a solve)."""
    coef = np.frombuffer(coef_bytes, float).reshape(-1, 4)
    target = _course_span(coef)
    unit = unit_range_harmonics(coef)
    w = 2.0 * np.pi / 24.0
    sky = _timing_by_sky((np.arange(40) + 0.5) / 40)[None, :]
    lo, hi = np.zeros(len(coef)), np.full(len(coef), 8.0)
    for _ in range(rounds):
        mid = 0.5 * (lo + hi)
        v = (w * mid[:, None] * sky) ** 2
        d1, d2 = np.exp(-v / 2).mean(1), np.exp(-2 * v).mean(1)
        wide = _course_span(unit * np.column_stack([d1, d1, d2, d2])) > target
        lo, hi = np.where(wide, mid, lo), np.where(wide, hi, mid)
    return np.where(_course_span(unit) > target, 0.5 * (lo + hi), 0.0)


def _temperature(rng, idx, S, per_day, per_hour, kc_day, longitude):
    """Hourly air temperature [degC] (step 4 of the model), with the daily means t_day
    [degC] and the daily clear-sky index's standard scores within the month zkc [-] that
    humidity uses: the day's temperature, range and dew-point depression move by their
    change per standard deviation of the index (``t_kc_sd`` ...) times the score."""
    year = int(idx[0].year)
    month_h = _calendar(year)[1]
    month_d = month_h[::24]
    n_d = np.bincount(month_d, minlength=13)[1:]
    zkc = _kc_scores(kc_day, month_d)
    rho1, rho2, inflate = ar2_of_process(S["t_res_rho"], S["t_res_rho2"], n_d)
    # the residual's spread follows the season like its mean: a persistent residual scaled by
    # each month's own value would jump at every month's start
    spread = S["t_res_sd"] * inflate
    res = _ar2(rng, rho1[month_d - 1], rho2[month_d - 1]) * np.maximum(
        seasonal_course(spread, month_d), 0.5 * spread.min())
    t_day = seasonal_course(S["t_mean"], month_d) + per_day["t_kc_sd"] * zkc + res
    # the residual's own monthly means taken out along the season's course, not as a constant
    # per month: a persistent residual's month means differ by a kelvin or more, and constants
    # would leave that step at every month's start
    t_day = t_day - seasonal_course(np.bincount(month_d, weights=t_day, minlength=13)[1:] / n_d
                                    - S["t_mean"], month_d)
    dtr = np.clip(per_day["dtr_mean"] + per_day["dtr_kc_sd"] * zkc, 1.0, None)
    hour_pos, day_pos = _day_positions(len(idx))
    t_base = np.interp(hour_pos, day_pos, _daily_knots(t_day))
    dtr_h = np.interp(hour_pos, day_pos, dtr)
    ph = _diurnal_phase(year, float(longitude))
    fitted = np.column_stack([S[c] for c in ("t_a1", "t_b1", "t_a2", "t_b2")])
    # each day's course drawn earlier or later than the month's (a generator of its own,
    # spawned from the year's: every other draw of the year stays as it was)
    late = (rng.spawn(1)[0].standard_normal(len(month_d)) * diurnal_timing_sd_h(fitted)[month_d - 1]
            * _timing_by_sky(_ranks_within_month(kc_day, month_d)))
    late_h = np.interp(hour_pos, day_pos, late * (2.0 * np.pi / 24.0))
    temp = t_base + dtr_h * two_harmonics(unit_range_harmonics(fitted)[month_h - 1], ph - late_h)
    n_h = np.bincount(month_h, minlength=13)[1:]
    mean_now = np.bincount(month_h, weights=temp, minlength=13)[1:] / n_h
    return temp + (S["t_mean"] - mean_now)[month_h - 1], t_day, zkc


def _humidity(rng, S, per_day, per_hour, temp, t_day, zkc, month_h, phase):
    """Hourly relative humidity [%] (step 5 of the model) of the hourly air temperature
    ``temp`` [degC] with its daily means ``t_day`` [degC] and the days' clear-sky scores
    ``zkc`` [-] (:func:`_temperature`), ``month_h`` the hours' months and ``phase`` their
    solar phase [rad]: the day's dew-point depression from the sky, the day's temperature
    residual and a draw, the dew point's diurnal course, its soft approach to the air
    temperature (:func:`soft_saturation`), and a monthly offset that restores each month's
    mean RH."""
    nd = len(t_day)
    month_d = month_h[::24]
    n_h = np.bincount(month_h, minlength=13)[1:]
    hour_pos, day_pos = _day_positions(len(temp))
    t_res = t_day - seasonal_course(S["t_mean"], month_d) - per_day["t_kc_sd"] * zkc
    dd = np.clip(per_day["dd_mean"] + per_day["dd_kc_sd"] * zkc
                 + per_day.get("dd_t_res", 0.0) * t_res
                 + rng.standard_normal(nd) * per_day["dd_res_sd"], 0.0, None)
    tdew_base = (np.interp(hour_pos, day_pos, _daily_knots(t_day - dd))
                 + _dew_point_course(per_hour, phase))
    off = np.zeros(12)
    for _ in range(HUMIDITY_ROUNDS):
        rh = relative_humidity_from_dewpoint(temp, soft_saturation(tdew_base + off[month_h - 1],
                                                                   temp))
        rh_m = np.bincount(month_h, weights=rh, minlength=13)[1:] / n_h
        # d RH / d Tdew ~ RH * 0.06 /K near the surface
        off += (S["rh_mean"] - rh_m) / np.maximum(0.06 * rh_m, 0.5)
    return np.clip(relative_humidity_from_dewpoint(
        temp, soft_saturation(tdew_base + off[month_h - 1], temp)), 1.0, 100.0)


def _air(stats: pd.DataFrame, longitude: float, year: int, seed: int, humidity: bool):
    """Hourly air temperature [degC] and, with ``humidity``, relative humidity [%] (else None)
    of :func:`synthesize` with the same seed: the random draws in the same order, the hourly
    clear-sky index's drawn and discarded."""
    rng = np.random.default_rng(seed)
    idx, S, per_day, per_hour = _month_tables(stats, year)
    kc_day = _daily_clear_sky_index(rng, per_day)
    rng.standard_normal(len(idx))  # the hourly clear-sky index draws of synthesize
    temp, t_day, zkc = _temperature(rng, idx, S, per_day, per_hour, kc_day, longitude)
    if not humidity:
        return temp, None
    return temp, _humidity(rng, S, per_day, per_hour, temp, t_day, zkc, _calendar(year)[1],
                           _diurnal_phase(year, float(longitude)))


def synthesize_temperature(stats: pd.DataFrame, longitude: float, year: int = 2025,
                           seed: int = 0) -> np.ndarray:
    """Hourly air temperature of :func:`synthesize` with the same seed [degC], without the
    radiation, humidity and wind (a fifth of the time; the climate zone's degree days).

    The random draws are taken in the same order, so the values equal ``synthesize(...)
    ["temp_air"]``.
    """
    return _air(stats, longitude, year, seed, humidity=False)[0]


def synthesize_air(stats: pd.DataFrame, longitude: float, year: int = 2025,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Hourly air temperature [degC] and relative humidity [%] of :func:`synthesize` with the
    same seed, without the radiation and wind (the design wet-bulb of a site's climate,
    :func:`weather.design.climate_design_temperatures`).

    The random draws are taken in the same order, so the values equal ``synthesize(...)
    [["temp_air", "relative_humidity"]]``.
    """
    return _air(stats, longitude, year, seed, humidity=True)


def synthesize(stats: pd.DataFrame, latitude: float, longitude: float, year: int = 2025,
               seed: int = 0) -> pd.DataFrame:
    """One synthetic hourly year from monthly statistics.

    Parameters
    ----------
    stats : pandas.DataFrame
        12 rows (month 1..12) with the columns of :data:`weather.stats.STAT_COLUMNS`.
    latitude, longitude : float
        Site [deg].
    year : int
        Model year (:func:`weather.hourly_index`).
    seed : int
        Seed of :class:`numpy.random.Generator` (same seed -> same year).

    Returns
    -------
    pandas.DataFrame
        ``ghi, dni, dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s],
        ``relative_humidity`` [%] on ``hourly_index(year)``.
    """
    rng = np.random.default_rng(seed)
    idx, S, per_day, per_hour = _month_tables(stats, year)
    nd = len(idx) // 24
    month_h = _calendar(year)[1]
    month_d = month_h[::24]

    cz = cos_zenith(idx, latitude, longitude, 0.5)
    cs = haurwitz_ghi(cz)
    CS = cs.reshape(nd, 24)

    # 1. daily clear-sky index
    kc_day = _daily_clear_sky_index(rng, per_day)

    # 2. hourly clear-sky index
    sig = np.where(kc_day < KC_BINS[0], per_day["sig_lo"],
                   np.where(kc_day < KC_BINS[1], per_day["sig_mid"], per_day["sig_hi"]))
    eh = _ar1(rng, per_hour["rho_h"]).reshape(nd, 24)
    hi = per_day.get("kc_hmax_hi", np.full(nd, np.nan))
    CZ = cz.reshape(nd, 24)
    cap = hourly_cap(per_day["kc_hmax"][:, None], hi[:, None], CZ)
    excursion = sig[:, None] * eh
    # the sun-height profile's slope, matched in rounds to the statistics' (without one: flat)
    kc_sun = S.get("kc_sun")
    target_slope = (float(np.nanmean(kc_sun)) if kc_sun is not None and np.isfinite(kc_sun).any()
                    else None)
    slope = target_slope if target_slope is not None else 0.0
    for _ in range(SUN_SLOPE_ROUNDS):
        G = _day_light(kc_day, excursion, sun_profile(slope, CS, CZ), cap, CS)
        if target_slope is None:
            break
        miss = target_slope - sun_height_slope(G, CS, CZ)
        if not np.isfinite(miss) or abs(miss) < SUN_SLOPE_TOLERANCE:
            break
        slope += miss
    ghi = G.ravel()
    days_in_month = np.bincount(month_d, minlength=13)[1:]
    target = S["ghi_kwh_day"] * 1000.0 * days_in_month
    ceiling = cap.ravel() * cs
    for _ in range(MONTH_SCALE_ITERATIONS):  # hours at the cap pass their share to the others
        ghi = np.minimum(ghi * _month_scale(ghi, month_h, target), ceiling)
        got = np.bincount(month_h, weights=ghi, minlength=13)[1:]
        if np.all(np.abs(got - target) <= 1e-5 * np.maximum(target, 1e-9)):
            break
    ghi = np.where(cz > 0, ghi, 0.0)

    # 3. decomposition
    dhi = np.minimum(np.nan_to_num(erbs_diffuse(ghi, cz, idx.dayofyear.to_numpy())), ghi)
    target_d = S["kd"] * np.bincount(month_h, weights=ghi, minlength=13)[1:]
    for _ in range(3):
        dhi = np.minimum(dhi * _month_scale(dhi, month_h, target_d), ghi)
    dni, dhi = enforce_closure(ghi, dhi, cz)

    # 4. temperature
    temp, t_day, zkc = _temperature(rng, idx, S, per_day, per_hour, kc_day, longitude)
    ph = _diurnal_phase(year, float(longitude))

    # 5. humidity
    rh = _humidity(rng, S, per_day, per_hour, temp, t_day, zkc, month_h, ph)

    # 6. wind
    diurnal = np.clip(1.0 + per_hour["ws_a1"] * np.cos(ph) + per_hour["ws_b1"] * np.sin(ph),
                      0.2, None)
    knots = _wind_knots(np.column_stack([S[c] for c in WS_COLS]), S["ws_calm"])
    n_h = np.bincount(month_h, minlength=13)[1:]
    shift, sigma = _diurnal_score_shifts(knots, month_h, diurnal)
    z = shift + sigma[month_h - 1] * _ar1(rng, per_hour["ws_rho"])
    u = _ranks_within_month(z, month_h)
    ws = _knot_map(u, knots[0][month_h - 1], knots[1][month_h - 1])
    ws = ws * _month_scale(ws, month_h, S["ws_mean"] * n_h)

    out = pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp,
                        "wind_speed": ws, "relative_humidity": rh}, index=idx)
    return out[list(COLUMNS)]
