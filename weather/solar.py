"""Fast vectorised sun geometry for hourly series (start-of-hour labels).

Uses the Spencer (1971) declination and equation of time through pvlib's
analytical functions; accuracy of a few tenths of a degree is ample for hourly
irradiance work (clear-sky normalisation, closure and night tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._core import TZ


def _doy_and_utc_hours(index: pd.DatetimeIndex, offset_h: float):
    utc = index.tz_convert("UTC") if index.tz is not None else index.tz_localize(TZ).tz_convert("UTC")
    doy = utc.dayofyear.to_numpy().astype(float)
    hours = utc.hour.to_numpy() + utc.minute.to_numpy() / 60.0 + offset_h
    return doy, hours


def cos_zenith(index: pd.DatetimeIndex, latitude: float, longitude: float, offset_h: float = 0.5):
    """Cosine of the solar zenith angle at ``label + offset_h`` [-].

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps (tz-aware; naive ones are taken as Asia/Shanghai).
    latitude, longitude : float
        Site [deg north, deg east].
    offset_h : float
        Offset from the label [h]; 0.5 gives the middle of a start-of-hour interval.

    Returns
    -------
    numpy.ndarray
        cos(zenith), negative when the sun is below the horizon.

    References
    ----------
    Spencer, J. W. (1971). Fourier series representation of the position of the
    sun. Search 2(5), 172.
    """
    doy, hours = _doy_and_utc_hours(index, offset_h)
    day_angle = 2 * np.pi * (doy - 1 + hours / 24.0) / 365.0
    decl = (0.006918 - 0.399912 * np.cos(day_angle) + 0.070257 * np.sin(day_angle)
            - 0.006758 * np.cos(2 * day_angle) + 0.000907 * np.sin(2 * day_angle)
            - 0.002697 * np.cos(3 * day_angle) + 0.00148 * np.sin(3 * day_angle))
    eot_min = (1440.0 / (2 * np.pi)) * (0.0000075 + 0.001868 * np.cos(day_angle)
                                        - 0.032077 * np.sin(day_angle)
                                        - 0.014615 * np.cos(2 * day_angle)
                                        - 0.04089 * np.sin(2 * day_angle))
    solar_time = hours + longitude / 15.0 + eot_min / 60.0
    hour_angle = np.radians(15.0 * (solar_time - 12.0))
    lat = np.radians(latitude)
    return np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)


def hour_mean_cos_zenith(index, latitude, longitude, n: int = 6):
    """Mean over the hour of max(cos zenith, 0), sampled at n sub-hour points [-]."""
    acc = np.zeros(len(index))
    for k in range(n):
        acc += np.clip(cos_zenith(index, latitude, longitude, (k + 0.5) / n), 0, None)
    return acc / n


def extra_radiation(index: pd.DatetimeIndex) -> np.ndarray:
    """Extraterrestrial normal irradiance [W/m2] (Spencer 1971, solar constant 1366.1 W/m2,
    as ``pvlib.irradiance.get_extra_radiation(method="spencer")``)."""
    return extra_radiation_doy(index.dayofyear.to_numpy())


def extra_radiation_doy(doy) -> np.ndarray:
    """Extraterrestrial normal irradiance [W/m2] for day(s) of year (Spencer 1971)."""
    b = 2 * np.pi * (np.asarray(doy, float) - 1) / 365.0
    return 1366.1 * (1.00011 + 0.034221 * np.cos(b) + 0.00128 * np.sin(b)
                     + 0.000719 * np.cos(2 * b) + 0.000077 * np.sin(2 * b))


def erbs_diffuse(ghi, cos_zenith, doy, min_cos_zenith: float = 0.065, max_zenith: float = 87.0):
    """DHI from GHI by the Erbs et al. (1982) diffuse-fraction correlation [W/m2].

    As ``pvlib.irradiance.erbs`` (clearness index against extraterrestrial irradiance on a
    horizontal surface with cos z floored at ``min_cos_zenith``; DHI = GHI where the sun is
    lower than 90 - ``max_zenith`` deg), without importing pvlib.

    References
    ----------
    Erbs, D. G., Klein, S. A. & Duffie, J. A. (1982). Estimation of the diffuse radiation
    fraction for hourly, daily and monthly-average global radiation. Solar Energy 28(4),
    293-302.
    """
    ghi = np.asarray(ghi, float)
    cz = np.asarray(cos_zenith, float)
    kt = np.clip(ghi / (extra_radiation_doy(doy) * np.maximum(cz, min_cos_zenith)), 0, 1)
    df = np.where(kt <= 0.22, 1 - 0.09 * kt,
                  np.where(kt <= 0.8, 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3
                           + 12.336 * kt ** 4, 0.165))
    dhi = df * ghi
    low = cz < np.cos(np.radians(max_zenith))
    return np.where(low | (ghi - dhi < 0), ghi, dhi)


def solar_hour(index: pd.DatetimeIndex, longitude: float, offset_h: float = 0.5) -> np.ndarray:
    """Local mean solar time of ``label + offset_h`` [h, 0..24) (no equation of time)."""
    doy, hours = _doy_and_utc_hours(index, offset_h)
    return np.mod(hours + longitude / 15.0, 24.0)


def haurwitz_ghi(cosz: np.ndarray) -> np.ndarray:
    """Clear-sky GHI of the Haurwitz model [W/m2].

    GHI_cs = 1098 cos z exp(-0.059 / cos z) for cos z > 0, else 0.

    References
    ----------
    Haurwitz, B. (1945). Insolation in relation to cloudiness and cloud density.
    J. Meteorology 2, 154-166; as given in Reno, Hansen & Stein (2012), SAND2012-2389.
    """
    c = np.asarray(cosz, dtype=float)
    out = np.zeros_like(c)
    pos = c > 0.01
    out[pos] = 1098.0 * c[pos] * np.exp(-0.059 / c[pos])
    return out
