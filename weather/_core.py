"""Time axis, metadata and errors shared by the weather readers and generators."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"
"""Model time zone (UTC+8, no daylight saving since 1991)."""

COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "relative_humidity")
"""Columns of every weather frame: [W/m2], [W/m2], [W/m2], [degC], [m/s], [%]."""

DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
"""Days of each month of the (non-leap) typical year."""

CHINA_BBOX = (15.0, 56.0, 72.0, 136.0)
"""Bounding box accepted for sites (lat_min, lat_max, lon_min, lon_max) [deg]."""


class WeatherError(ValueError):
    """Bad weather input: names the file or field and what was expected."""


def hourly_index(year: int) -> pd.DatetimeIndex:
    """Hourly model time axis of one year.

    Parameters
    ----------
    year : int
        Model year.

    Returns
    -------
    pandas.DatetimeIndex
        8760 start-of-hour timestamps in ``Asia/Shanghai``; in leap years the
        24 hours of 29 February are dropped (typical-year practice).
    """
    if not isinstance(year, (int, np.integer)) or isinstance(year, bool) or not 1901 <= year <= 2200:
        raise WeatherError(f"year: expected an integer between 1901 and 2200, got {year!r}")
    idx = pd.date_range(f"{year}-01-01", periods=8784 if _is_leap(year) else 8760, freq="h", tz=TZ)
    idx = idx[~((idx.month == 2) & (idx.day == 29))]
    idx.name = "time"
    return idx


def _is_leap(year: int) -> bool:
    return (year % 4 == 0 and year % 100 != 0) or year % 400 == 0


@dataclass
class WeatherMeta:
    """What a weather frame is and where it came from.

    Attributes
    ----------
    latitude, longitude : float
        Site position [deg north, deg east].
    elevation : float
        Site elevation [m].
    elevation_source : str
        Where the elevation came from: ``"given"`` (by the user), ``"station"`` (the bundled
        station's), ``"terrain grid"`` (estimated, :func:`weather.interp.settlement_elevation`)
        or ``"file"`` (the weather file's header).
    elevation_uncertainty_m : float or None
        For an elevation estimated from the terrain grid, how far it may be off (95 %) [m].
    source : str
        ``"file"``, ``"synthetic-city"`` or ``"synthetic-site"``.
    reference_city : str or None
        Name of the bundled station whose own statistics are the site's (source
        ``"synthetic-city"``); ``None`` for a file and for a site interpolated between
        stations, which has no single reference: ``stations`` lists every station used with
        its distance and weights.
    distance_km : float
        Great-circle distance to the nearest station used [km] (0 for a file).
    expected_uncertainty : float or None
        Expected relative error of the annual GHI of a synthetic year [-] (e.g. 0.03 = 3 %);
        ``None`` for a weather file, whose uncertainty the tool does not state.
    expected_temperature_uncertainty_k : float or None
        Expected error of the annual mean temperature of a site interpolated between
        stations (95th percentile of the leave-one-out for its kind of place) [K]; ``None``
        for a file or a bundled station's own statistics.
    notes : list of str
        Human-readable notes (time-shift repair, interpolation, advice).
    seed : int or None
        Random seed of a synthetic year.
    seed_choice : str
        How the seed was chosen: ``"typical"`` (the most typical of the site's synthetic
        years, :func:`weather.design.typical_year`), ``"given"`` (by the user), ``""`` (a file).
    provenance : dict
        File name, sha256 and method.
    stations : list of dict
        Stations the synthetic year was built from: ``id``, ``name``, ``name_zh``,
        ``dataset``, ``province``, ``elevation_m``, ``distance_km`` [km], weights and
        ``role``; empty for a file.
    radiation_basis : str
        ``"tmyx"`` or ``"cswd"`` for synthetic years (:data:`weather.site.RADIATION_BASES`),
        ``"file"`` for the user's file.
    temperature_period : str
        ``"tmyx"`` (recent) or ``"cswd"`` (1971-2003) for synthetic years
        (:data:`weather.site.TEMPERATURE_PERIODS`), ``"file"`` for the user's file.
    radiation_basis_range : list of float
        Low and high relative PV-yield deviation of the basis from published operating
        data [-] (empty for a file).
    region : str
        Planning region of the site (lapse rates, validation tables).
    climate_zone : dict
        GB 50176-2016 zone of the site (:func:`weather.climate_zone.climate_zone_of`; for a
        synthetic year from the mean degree days of several seeds,
        :func:`weather.site.climate_degree_days`).
    annual_ghi_kwh_m2 : float or None
        Annual GHI of the whole typical year [kWh/m2], whatever part of it a run simulates.
    annual_mean_temperature_c : float or None
        Mean air temperature of the whole typical year [degC].
    file_check : dict
        For a file, the tool's estimate at its header position and elevation less the file
        (:func:`weather.site.file_against_estimate`): ``dataset`` (the typical-year
        dataset its header names, "" for another file), ``temperature_period`` (the period it
        is compared in, :func:`weather.validation.file_period`), ``t_annual_estimate_c`` [degC,
        in the file's period: CSWD 1971-2003, SWERA 1973-2002, 2009-2023 for a TMYx file whose
        record holds recent years only (:func:`weather.interp.is_recent_record`), else the
        recent climate],
        ``t_annual_error_k`` (estimate minus file [K]), ``ghi_tmyx_kwh_m2``,
        ``ghi_cswd_kwh_m2`` [kWh/m2], ``ghi_error_tmyx``, ``ghi_error_cswd`` (estimate / file - 1
        [-], the errors of ``twin weather-check``); empty for a synthetic year or a file outside
        mainland China.
    design_temperatures : dict
        Design temperatures of the site's climate (:mod:`weather.design`) [degC]: ``heating_c``
        (daily mean undercut on 5 days a year, GB 50736-2012 4.1.2), ``cooling_c`` (hourly
        dry-bulb exceeded 50 h a year, 4.1.6), ``cold_hour_c`` (hourly dry-bulb undercut 35 h a
        year), averaged over ``years`` synthetic years of the site's climate (the standard
        averages over its record's years; ``heating_sd_k``, ``cooling_sd_k`` their spread [K])
        or, for a file, its one year's (``years`` 1).
    """

    latitude: float
    longitude: float
    elevation: float
    source: str
    elevation_source: str = ""
    elevation_uncertainty_m: float | None = None
    reference_city: str | None = None
    distance_km: float = 0.0
    expected_uncertainty: float | None = None
    expected_temperature_uncertainty_k: float | None = None
    notes: list[str] = field(default_factory=list)
    seed: int | None = None
    seed_choice: str = ""
    provenance: dict = field(default_factory=dict)
    stations: list = field(default_factory=list)
    radiation_basis: str = ""
    temperature_period: str = ""
    radiation_basis_range: list = field(default_factory=list)
    region: str = ""
    climate_zone: dict = field(default_factory=dict)
    annual_ghi_kwh_m2: float | None = None
    annual_mean_temperature_c: float | None = None
    file_check: dict = field(default_factory=dict)
    design_temperatures: dict = field(default_factory=dict)

    def to_attrs(self, prefix: str = "weather_") -> dict[str, str | float]:
        """Flat dict of str/float values for NetCDF attributes.

        Lists are joined with ``"; "``, dicts are JSON-encoded, ``None`` becomes ``""``.
        """
        out: dict[str, str | float] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is None:
                v = ""
            elif isinstance(v, bool):
                v = str(v)
            elif isinstance(v, (int, float, np.integer, np.floating)):
                v = float(v)
            elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
                v = json.dumps(v, ensure_ascii=False, default=str)
            elif isinstance(v, list):
                v = "; ".join(str(x) for x in v)
            elif isinstance(v, dict):
                v = json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
            else:
                v = str(v)
            out[prefix + f.name] = v
        return out

    def header_lines(self) -> list[str]:
        """``key: value`` lines of the provenance for a text header (the CSV of ``twin weather``):
        numbers as written (an integer stays one), dicts and lists of dicts as JSON, other lists
        joined by ``"; "``, ``null`` for a value not stated (a file's GHI uncertainty); a weather
        file has no ``seed`` line."""
        out = []
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "seed" and self.source == "file":
                continue
            if v is None:
                v = "null"
            elif isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v)):
                v = json.dumps(v, sort_keys=isinstance(v, dict), ensure_ascii=False, default=str)
            elif isinstance(v, list):
                v = "; ".join(str(x) for x in v)
            elif isinstance(v, (np.integer, np.floating)):
                v = v.item()
            out.append(f"{f.name}: {v}")
        return out


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance [km] on a sphere of radius 6371 km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
