"""Outdoor design conditions of a site's climate (GB 50736-2012 section 4.1).

GB 50736-2012 defines the heating design outdoor temperature (供暖室外计算温度) as the daily mean
not guaranteed on 5 days a year, the summer air-conditioning design dry-bulb (夏季空调室外
计算干球温度) as the hourly dry-bulb not guaranteed for 50 hours a year and the design wet-bulb
(夏季空调室外计算湿球温度) as the hourly wet-bulb not guaranteed for 50 hours a year, all
**averaged over the years of the record** (历年平均). One year of weather gives one draw of them: a synthetic year's
coldest days and hottest hours come from its random weather, so the design values of a synthetic
site are averaged over :data:`weather.site.ZONE_SEEDS` synthetic years of its climate
(:func:`climate_design_temperatures`), as the standard averages over its record's years, while a
weather file gives its one year's (:func:`design_of_year`). The section's other parameters
(4.1.3-4.1.5, 4.1.8-4.1.10, 4.1.13: :func:`section_4_1_of_year`) are taken the same way.

Checked against the climatic design conditions of the ASHRAE Handbook that the station files
carry, computed from each station's long hourly record (``scripts/validate_design_temperatures.py``
writes ``weather/DESIGN_TEMPERATURES.md``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .stats import dewpoint, humidity_ratio, vapour_pressure, wet_bulb

#: Days a year the heating design outdoor temperature is not guaranteed: GB 50736-2012 4.1.2
#: takes 供暖室外计算温度 as the daily mean temperature not guaranteed on 5 days a year on
#: average over the record years (历年平均不保证5天的日平均温度) [d].
DESIGN_DAYS_NOT_GUARANTEED = 5
#: Hours a year the cooling design dry-bulb is not guaranteed: GB 50736-2012 4.1.6 takes
#: 夏季空调室外计算干球温度 as the dry-bulb not guaranteed for 50 h a year on average over the
#: record years (历年平均不保证50小时的干球温度) [h].
COOLING_DESIGN_HOURS_NOT_GUARANTEED = 50
#: Hours a year the summer design wet-bulb is not guaranteed: GB 50736-2012 4.1.7 takes
#: 夏季空调室外计算湿球温度 as the wet-bulb not guaranteed for 50 h a year on average over the
#: record years (历年平均不保证50小时的湿球温度) [h].
WET_BULB_DESIGN_HOURS_NOT_GUARANTEED = 50
#: Days a year the winter air-conditioning design temperature is not guaranteed: GB 50736-2012
#: 4.1.4 takes 冬季空调室外计算温度 as the daily mean not guaranteed on 1 day a year on average
#: over the record years (历年平均不保证1天的日平均温度) [d].
WINTER_AC_DAYS_NOT_GUARANTEED = 1
#: Days a year the summer air-conditioning design daily mean is not guaranteed: GB 50736-2012
#: 4.1.10 takes 夏季空调室外计算日平均温度 as the daily mean not guaranteed on 5 days a year on
#: average over the record years (历年平均不保证5天的日平均温度) [d].
SUMMER_DAILY_DAYS_NOT_GUARANTEED = 5
#: Beijing-time hour of the summer ventilation parameters: GB 50736-2012 4.1.8 and 4.1.9 take
#: the mean temperature and RH of the hottest month at 14:00 (历年最热月14时的月平均温度 / 相对
#: 湿度的平均值), the hour of CMA's afternoon observation [h].
VENTILATION_HOUR = 14
#: Months of a season's mean wind speed: GB 50736-2012 4.1.13 takes the winter (summer) mean
#: wind speed as the mean of the monthly mean wind speeds of the 3 coldest (hottest) months
#: (累年最冷 / 最热3个月各月平均风速的平均值) [-].
SEASON_MONTHS = 3
#: Hours kept, beyond the count sought, when :func:`extreme_wet_bulb_c` ranks the hours by
#: enthalpy before it solves their wet-bulbs: the wet-bulb rises with the enthalpy, nearly
#: but not exactly. Measured over the synthetic years of 110 stations (two seeds each), the
#: 51 highest wet-bulb hours lay within the 60 highest-enthalpy hours [h].
WET_BULB_CANDIDATE_HOURS = 300
#: Hours a year a design condition of the ASHRAE Handbook's climatic design tables is exceeded
#: (cooling 0.4, 1, 2 %) or undercut (heating 99.6, 99 %): that share of 8760 h [h].
DESIGN_PERCENT_HOURS = {"0.4": 35.04, "1": 87.6, "2": 175.2, "99.6": 35.04, "99": 87.6}
#: Hours a year below the handbook's 99.6 % heating dry-bulb [h].
COLD_HOURS = DESIGN_PERCENT_HOURS["99.6"]


#: The outdoor design parameters of GB 50736-2012 section 4.1 the tool gives, as data: clause,
#: key of ``WeatherMeta.design_temperatures``, name in Chinese and English, unit, and how one
#: year's value is taken (a synthetic site's is the mean over its climate's synthetic years, as
#: the standard averages over the record's years). Not given: 4.1.11 (the hourly design
#: temperature, a formula), 4.1.12 (all-year conditions, set by the project), the wind
#: directions of 4.1.13-4.1.14 (the weather has no direction) and the pressures.
SECTION_4_1 = (
    ("4.1.2", "heating_c", "供暖室外计算温度", "heating design temperature", "°C",
     "daily mean undercut on 5 days a year (the 6th-coldest)"),
    ("4.1.3", "winter_ventilation_c", "冬季通风室外计算温度", "winter ventilation temperature", "°C",
     "the coldest month's mean"),
    ("4.1.4", "winter_ac_c", "冬季空调室外计算温度", "winter air-conditioning temperature", "°C",
     "daily mean undercut on 1 day a year (the 2nd-coldest)"),
    ("4.1.5", "winter_ac_rh_pct", "冬季空调室外计算相对湿度", "winter air-conditioning relative humidity", "%",
     "the coldest month's mean"),
    ("4.1.6", "cooling_c", "夏季空调室外计算干球温度", "summer air-conditioning dry-bulb", "°C",
     "hourly dry-bulb exceeded in 50 h a year (the 51st-hottest hour)"),
    ("4.1.7", "wet_bulb_c", "夏季空调室外计算湿球温度", "summer air-conditioning wet-bulb", "°C",
     "hourly wet-bulb exceeded in 50 h a year (the 51st-highest)"),
    ("4.1.8", "summer_ventilation_c", "夏季通风室外计算温度", "summer ventilation temperature", "°C",
     "the hottest month's mean at 14:00"),
    ("4.1.9", "summer_ventilation_rh_pct", "夏季通风室外计算相对湿度", "summer ventilation relative humidity", "%",
     "the hottest month's mean at 14:00"),
    ("4.1.10", "summer_ac_daily_c", "夏季空调室外计算日平均温度", "summer air-conditioning daily mean", "°C",
     "daily mean exceeded on 5 days a year (the 6th-hottest)"),
    ("4.1.13", "winter_wind_ms", "冬季室外平均风速", "winter mean wind speed", "m/s",
     "mean of the 3 coldest months' mean wind speeds"),
    ("4.1.13", "summer_wind_ms", "夏季室外平均风速", "summer mean wind speed", "m/s",
     "mean of the 3 hottest months' mean wind speeds"),
)


def extreme_hour_c(temp_c, hours_a_year: float, hottest: bool = True) -> float:
    """The hourly temperature exceeded (``hottest``) or undercut in ``hours_a_year`` hours of a
    year [°C]: of the hours sorted, the value after that many, the count scaled to the series'
    length (a shorter series down to its hottest or coldest hour). 50 h: the 51st-hottest hour
    of a year."""
    t = np.sort(np.asarray(temp_c, dtype=float))
    if hottest:
        t = t[::-1]
    k = round(hours_a_year * t.size / 8760.0)
    return float(t[min(k, t.size - 1)])


def extreme_wet_bulb_c(temp_c, relative_humidity, pressure_pa: float, hours_a_year: float) -> float:
    """The hourly thermodynamic wet-bulb exceeded in ``hours_a_year`` hours of a year [°C]
    (50 h: the 51st-highest wet-bulb hour, GB 50736-2012 4.1.7's count for one year), of hourly
    ``temp_c`` [°C] and ``relative_humidity`` [%] at the station pressure ``pressure_pa`` [Pa].

    The hours are ranked by their moist-air enthalpy first and the wet-bulb
    (:func:`weather.stats.wet_bulb`) solved for the :data:`WET_BULB_CANDIDATE_HOURS` more than
    the count: the wet-bulb rises with the enthalpy, and solving every hour would cost
    0.1-0.2 s for a climate's 16 years (measured), about as much as the rest of a site."""
    t = np.asarray(temp_c, dtype=float)
    td = dewpoint(t, relative_humidity)
    w = humidity_ratio(vapour_pressure(np.minimum(td, t)), pressure_pa)
    enthalpy = 1.006 * t + w * (2501.0 + 1.86 * t)  # [kJ/kg dry air], ASHRAE Fundamentals ch. 1
    k = round(hours_a_year * t.size / 8760.0)  # as extreme_hour_c counts them
    keep = min(t.size, k + 1 + WET_BULB_CANDIDATE_HOURS)
    top = np.argpartition(-enthalpy, keep - 1)[:keep]
    wb = np.sort(wet_bulb(t[top], td[top], pressure_pa))[::-1]
    return float(wb[min(k, wb.size - 1)])


def coldest_daily_mean_c(temp_c: pd.Series, days_a_year: float, hottest: bool = False) -> float:
    """The daily mean temperature undercut (or, ``hottest``, exceeded) on ``days_a_year`` days of
    a year [°C]: of the days' means sorted, the value after that many, the count scaled to the
    series' length (5 days: the 6th-coldest daily mean of a year). ``temp_c`` hourly on a
    DatetimeIndex."""
    daily = np.sort(temp_c.groupby(temp_c.index.normalize()).mean().to_numpy(dtype=float))
    if hottest:
        daily = daily[::-1]
    k = round(days_a_year * daily.size / 365.0)
    return float(daily[min(k, daily.size - 1)])


def _month_means(values, month: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over the hours of each month 1-12 (``month`` the hours' months; NaN
    for a month without hours) [their unit]."""
    n = np.bincount(month, minlength=13)[1:]
    total = np.bincount(month, weights=np.asarray(values, float), minlength=13)[1:]
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def season_wind_speeds(wind_speed, temp_c: pd.Series) -> dict:
    """Winter and summer mean wind speed of GB 50736-2012 4.1.13 of one year [m/s]: the mean of
    the monthly mean wind speeds of the :data:`SEASON_MONTHS` coldest and hottest months (by
    their mean temperature, ``temp_c`` hourly on a DatetimeIndex; ``wind_speed`` on the same
    hours): ``winter_wind_ms``, ``summer_wind_ms``. The synthetic years of a climate restore
    each month's mean wind speed and temperature, so these are the same in every one of them."""
    month = temp_c.index.month.to_numpy()
    t_m = _month_means(temp_c.to_numpy(float), month)
    have = ~np.isnan(t_m)
    t_m, ws_m = t_m[have], _month_means(wind_speed, month)[have]
    order = np.argsort(t_m)
    k = min(SEASON_MONTHS, order.size)
    return {"winter_wind_ms": float(ws_m[order[:k]].mean()), "summer_wind_ms": float(ws_m[order[-k:]].mean())}


def section_4_1_of_year(temp_c: pd.Series, relative_humidity=None) -> dict:
    """The other outdoor design parameters of GB 50736-2012 section 4.1 of one year of hourly
    air temperature ``temp_c`` [°C] (on a DatetimeIndex in Beijing time, an hour's value
    labelled by its start) and relative humidity [%], each as the clause defines it for one
    year of the record (the years then averaged, :func:`climate_design_temperatures`):

    ``winter_ventilation_c`` (4.1.3 冬季通风室外计算温度: the coldest month's mean),
    ``winter_ac_c`` (4.1.4 冬季空调室外计算温度: the daily mean undercut on 1 day, the
    2nd-coldest), ``summer_ac_daily_c`` (4.1.10 夏季空调室外计算日平均温度: the daily mean
    exceeded on 5 days, the 6th-hottest), ``summer_ventilation_c`` (4.1.8 夏季通风室外计算温度:
    the hottest month's mean at 14:00: the hour that ends at 14:00, EPW's hour 14, which in the
    station files carries the 14:00 reading) [°C]; with ``relative_humidity``,
    ``winter_ac_rh_pct`` (4.1.5
    冬季空调室外计算相对湿度: the coldest month's mean RH) and ``summer_ventilation_rh_pct``
    (4.1.9 夏季通风室外计算相对湿度: the hottest month's at 14:00) [%]."""
    t = temp_c.to_numpy(float)
    month = temp_c.index.month.to_numpy()
    hour = temp_c.index.hour.to_numpy()
    t_m = _month_means(t, month)
    cold, hot = int(np.nanargmin(t_m)) + 1, int(np.nanargmax(t_m)) + 1
    at_14 = (month == hot) & (hour == VENTILATION_HOUR - 1)  # labelled by its start, 13:00
    out = {"winter_ventilation_c": float(t_m[cold - 1]),
           "winter_ac_c": coldest_daily_mean_c(temp_c, WINTER_AC_DAYS_NOT_GUARANTEED),
           "summer_ac_daily_c": coldest_daily_mean_c(temp_c, SUMMER_DAILY_DAYS_NOT_GUARANTEED, hottest=True),
           "summer_ventilation_c": float(t[at_14].mean())}
    if relative_humidity is not None:
        rh = np.asarray(relative_humidity, float)
        out["winter_ac_rh_pct"] = float(rh[month == cold].mean())
        out["summer_ventilation_rh_pct"] = float(rh[at_14].mean())
    return out


def design_of_year(temp_c: pd.Series, relative_humidity=None, pressure_pa: float | None = None,
                   wind_speed=None) -> dict:
    """Heating and cooling design temperatures of one year of hourly air temperature [°C]:
    ``heating_c`` (6th-coldest daily mean), ``cooling_c`` (51st-hottest hour), ``cold_hour_c``
    (the hour undercut :data:`COLD_HOURS` a year) and, given the hours' ``relative_humidity``
    [%] and the station pressure ``pressure_pa`` [Pa], ``wet_bulb_c`` (51st-highest wet-bulb
    hour, :func:`extreme_wet_bulb_c`); the section's other parameters
    (:func:`section_4_1_of_year`) and, given ``wind_speed`` [m/s], the seasons' mean wind speeds
    (:func:`season_wind_speeds`)."""
    out = {"heating_c": coldest_daily_mean_c(temp_c, DESIGN_DAYS_NOT_GUARANTEED),
           "cooling_c": extreme_hour_c(temp_c.to_numpy(), COOLING_DESIGN_HOURS_NOT_GUARANTEED),
           "cold_hour_c": extreme_hour_c(temp_c.to_numpy(), COLD_HOURS, hottest=False)}
    if relative_humidity is not None and pressure_pa is not None:
        out["wet_bulb_c"] = extreme_wet_bulb_c(temp_c.to_numpy(), relative_humidity, pressure_pa,
                                               WET_BULB_DESIGN_HOURS_NOT_GUARANTEED)
    out.update(section_4_1_of_year(temp_c, relative_humidity))
    if wind_speed is not None:
        out.update(season_wind_speeds(wind_speed, temp_c))
    return out


def years_design(years: list[np.ndarray], index: pd.DatetimeIndex, humidity: list[np.ndarray] | None = None,
                 pressure_pa: float | None = None) -> list[dict]:
    """Each year's design temperatures (:func:`design_of_year`) [°C]; ``years``: hourly air
    temperature arrays on ``index``, ``humidity`` their hourly relative humidity [%] (for the
    design wet-bulb, with the station pressure ``pressure_pa`` [Pa])."""
    rhs = humidity if humidity is not None else [None] * len(years)
    return [design_of_year(pd.Series(t, index=index), rh, pressure_pa)
            for t, rh in zip(years, rhs, strict=True)]


def climate_design_temperatures(per_year: list[dict]) -> dict:
    """Design temperatures of a site's climate from several synthetic years of it [°C]: each
    year's (``per_year``, :func:`years_design`) averaged, as GB 50736-2012 averages over the
    record's years.

    Returns ``heating_c``, ``cooling_c`` (the means), ``heating_sd_k``, ``cooling_sd_k`` (their
    spread over the years [K]), ``cold_hour_c`` (the hourly dry-bulb undercut
    :data:`COLD_HOURS` a year, the handbooks' 99.6 % heating condition, averaged),
    ``wet_bulb_c`` and ``wet_bulb_sd_k`` (the design wet-bulb, GB 50736-2012 4.1.7, when every
    year has one), the mean of every other value all years have (:func:`design_of_year`) and
    ``years`` (how many)."""
    shared = [k for k in per_year[0] if all(k in p for p in per_year)]
    out = {k: float(np.mean([p[k] for p in per_year])) for k in shared}
    for key, sd in (("heating_c", "heating_sd_k"), ("cooling_c", "cooling_sd_k"), ("wet_bulb_c", "wet_bulb_sd_k")):
        if key in out:
            out[sd] = float(np.std([p[key] for p in per_year]))
    out["years"] = len(per_year)
    return out


def value_at_hours(v_rare: float, h_rare: float, v_common: float, h_common: float,
                   hours: float) -> float:
    """A design dry-bulb exceeded (or undercut) in ``hours`` hours a year, interpolated linearly
    in log(hours) between two of the handbook's conditions [°C]: e.g. the value exceeded 50 h a
    year (GB 50736-2012 4.1.6's count) between the 0.4 % (35.04 h, ``v_rare``) and 1 % (87.6 h,
    ``v_common``) cooling dry-bulbs. A project interpolation, not a value of the handbook."""
    w = (math.log(hours) - math.log(h_rare)) / (math.log(h_common) - math.log(h_rare))
    return float(v_rare + w * (v_common - v_rare))


#: Floors of the spreads that scale :func:`typical_year`'s distances: a figure that hardly varies
#: between the years (CDD26 of a cool site) should not decide [K d, K d, K, K, K].
TYPICAL_SD_FLOORS = (10.0, 5.0, 0.1, 0.1, 0.1)


def typical_year(per_year: list[dict], degree_days: list[tuple[float, float]]) -> int:
    """Which of a site's synthetic years is its most typical [index into the lists].

    The years share the monthly statistics (means, spreads, the sky) and differ in how the
    weather falls within the months; one year's degree days and extremes are a draw. Each year
    is scored by its HDD18 and CDD26 (``degree_days`` [K d]) and its design temperatures
    (``per_year``, :func:`years_design`: heating daily mean, cooling dry-bulb, cold hour [°C]),
    each as its distance from the mean over the years in units of their spread (floored,
    :data:`TYPICAL_SD_FLOORS`); the year with the least sum of squares is the typical one
    (ties: the first), as a typical meteorological year picks the months closest to the
    record's distributions."""
    x = np.array([(hdd, cdd, p["heating_c"], p["cooling_c"], p["cold_hour_c"])
                  for (hdd, cdd), p in zip(degree_days, per_year, strict=True)], dtype=float)
    z = (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), TYPICAL_SD_FLOORS)
    return int(np.argmin((z ** 2).sum(axis=1)))
