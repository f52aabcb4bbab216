"""Hourly typical-year weather for any site in China (files or bundled statistics).

Public API::

    hourly_index(year) -> pandas.DatetimeIndex
    read_weather_file(path, year=2025) -> (DataFrame, WeatherMeta)
    site_weather(*, city=None, lat=None, lon=None, elevation=None, path=None,
                 year=2025, seed=0) -> (DataFrame, WeatherMeta)
    CITIES, CityInfo, WeatherMeta, WeatherError
"""

from ._core import COLUMNS, WeatherError, WeatherMeta, hourly_index
from .cities import CITIES, CityInfo
from .io import read_weather_file
from .site import site_weather

__all__ = ["CITIES", "COLUMNS", "CityInfo", "WeatherError", "WeatherMeta", "hourly_index",
           "read_weather_file", "site_weather"]
