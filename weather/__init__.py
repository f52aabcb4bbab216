"""Hourly typical-year weather for any site in China (files or bundled statistics).

Public API::

    hourly_index(year) -> pandas.DatetimeIndex
    read_weather_file(path, year=2025) -> (DataFrame, WeatherMeta)
    site_weather(*, city=None, lat=None, lon=None, elevation=None, path=None,
                 year=2025, seed=None, radiation_basis=None, province_known=False,
                 temperature_period=None)
                 -> (DataFrame, WeatherMeta)
    CITIES, CityInfo, WeatherMeta, WeatherError

Synthetic years come from 329 bundled stations (:mod:`weather.stations`: 34 TMYx, 256
CSWD, 39 SWERA) interpolated to the site (:mod:`weather.interp`); the GB 50176-2016
climate zone of a year from :mod:`weather.climate_zone`; the leave-one-out test in
:func:`weather.validation.leave_one_out` and ``weather/VALIDATION.md``.
"""

from ._core import COLUMNS, WeatherError, WeatherMeta, hourly_index
from .cities import CITIES, CityInfo
from .io import read_weather_file
from .site import site_weather

__all__ = ["CITIES", "COLUMNS", "CityInfo", "WeatherError", "WeatherMeta", "hourly_index",
           "read_weather_file", "site_weather"]
