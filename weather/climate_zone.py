"""Building thermal climate zone of a site (GB 50176-2016) from its own weather year.

GB 50176-2016 《民用建筑热工设计规范》 (Code for thermal design of civil buildings),
Ministry of Housing and Urban-Rural Development, in force 2017-04-01:

* first level (Table 4.1.1, main indicators): 严寒 t_min,m <= -10 degC; 寒冷
  -10 < t_min,m <= 0; 夏热冬冷 0 < t_min,m <= 10 and 25 < t_max,m <= 30; 夏热冬暖
  t_min,m > 10 and 25 < t_max,m <= 29; 温和 0 < t_min,m <= 13 and 18 < t_max,m <= 25;
* second level (Table 4.1.2), heating and cooling degree days HDD18 / CDD26 [K d]:
  严寒A 6000 <= HDD18; 严寒B 5000 <= HDD18 < 6000; 严寒C 3800 <= HDD18 < 5000;
  寒冷A 2000 <= HDD18 < 3800 and CDD26 <= 90; 寒冷B same HDD18 and CDD26 > 90;
  夏热冬冷A 1200 <= HDD18 < 2000; 夏热冬冷B 700 <= HDD18 < 1200; 夏热冬暖A
  500 <= HDD18 < 700; 夏热冬暖B HDD18 < 500; 温和A CDD26 < 10 and 700 <= HDD18 < 2000;
  温和B CDD26 < 10 and HDD18 < 700.

The degree-day thresholds partition the country consistently with the first level
(HDD18 >= 3800 only occurs with t_min,m far below 0, etc.) and integrate the whole
season, while a single month's mean sits near a boundary at many places (Xi'an's
coldest month is close to 0 degC). Here the **degree days decide** the zone and
sub-zone; the first-level main indicators are computed too and a disagreement is
reported, never silently resolved.
"""

from __future__ import annotations

import pandas as pd

ZONE_KEYS = {"严寒": "severe_cold", "寒冷": "cold", "夏热冬冷": "hscw", "夏热冬暖": "hsww",
             "温和": "mild"}
"""Chinese first-level zone -> key of the envelope and season presets."""

ZONE_NAMES_EN = {"severe_cold": "severe cold", "cold": "cold", "hscw": "hot summer, cold winter",
                 "hsww": "hot summer, warm winter", "mild": "mild"}


def degree_days(temp_air, heat_base: float = 18.0, cool_base: float = 26.0) -> tuple[float, float]:
    """HDD18 and CDD26 [K d] from an hourly temperature year [degC] (daily means)."""
    from .stats import degree_days as _dd

    return _dd(temp_air, heat_base, cool_base)


def zone_from_degree_days(hdd18: float, cdd26: float) -> tuple[str, str]:
    """(first-level zone in Chinese, sub-zone letter or "") by GB 50176-2016 Table 4.1.2."""
    if hdd18 >= 6000:
        return "严寒", "A"
    if hdd18 >= 5000:
        return "严寒", "B"
    if hdd18 >= 3800:
        return "严寒", "C"
    if hdd18 >= 2000:
        return "寒冷", "A" if cdd26 <= 90 else "B"
    if cdd26 < 10:
        return "温和", "A" if hdd18 >= 700 else "B"
    if hdd18 >= 1200:
        return "夏热冬冷", "A"
    if hdd18 >= 700:
        return "夏热冬冷", "B"
    return "夏热冬暖", "A" if hdd18 >= 500 else "B"


def zone_from_monthly(t_coldest_month_c: float, t_hottest_month_c: float) -> str:
    """First-level zone (Chinese) from the main indicators of GB 50176-2016 Table 4.1.1.

    Combinations outside the table go to the nearest zone by the coldest month.
    """
    if t_coldest_month_c <= -10.0:
        return "严寒"
    if t_coldest_month_c <= 0.0:
        return "寒冷"
    if t_hottest_month_c <= 25.0 and t_coldest_month_c <= 13.0:
        return "温和"
    if t_coldest_month_c > 10.0:
        return "夏热冬暖"
    return "夏热冬冷"


ZONE_ADVICE = "give it as site.climate_zone in a scenario"
"""The words with which a note on an uncertain zone (the main indicators against the degree days;
a zone within the temperature uncertainty, :func:`weather.site._zone_uncertainty_note`) advises
the planner; a scenario that gives ``site.climate_zone`` drops such notes
(:func:`twin.profiles.buildings_zone`)."""


def climate_zone_of(weather: pd.DataFrame, hdd_cdd: tuple[float, float] | None = None) -> dict:
    """Climate zone of an hourly weather year.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``temp_air`` [degC] on a DatetimeIndex (8760 rows).
    hdd_cdd : (float, float), optional
        HDD18 and CDD26 [K d] of the site's climate to use instead of this year's (a
        synthetic site: :func:`weather.site.climate_degree_days`).

    Returns
    -------
    dict
        ``key`` (preset key: severe_cold, cold, hscw, hsww, mild), ``zone_zh``
        (e.g. 寒冷), ``subzone`` (e.g. 寒冷B), ``hdd18``, ``cdd26`` [K d],
        ``t_coldest_month``, ``t_warmest_month`` [degC], ``main_indicator_zone_zh``
        (Table 4.1.1) and ``note`` (non-empty when the two levels disagree).
    """
    t = weather["temp_air"]
    hdd, cdd = degree_days(t.to_numpy()) if hdd_cdd is None else hdd_cdd
    monthly = t.groupby(weather.index.month).mean()
    tmin, tmax = float(monthly.min()), float(monthly.max())
    zh, sub = zone_from_degree_days(hdd, cdd)
    main = zone_from_monthly(tmin, tmax)
    note = ""
    if main != zh:
        note = (f"GB 50176-2016: degree days (HDD18 {hdd:.0f}, CDD26 {cdd:.0f}) give {zh}{sub}, "
                f"the monthly main indicators (coldest month {tmin:.1f} °C, warmest "
                f"{tmax:.1f} °C) give {main}; the degree days are used (whole-season "
                f"indicator); if the local authority assigns the other zone, {ZONE_ADVICE}")
    return {"key": ZONE_KEYS[zh], "zone_zh": zh, "subzone": zh + sub, "hdd18": round(hdd, 1),
            "cdd26": round(cdd, 1), "t_coldest_month": round(tmin, 2),
            "t_warmest_month": round(tmax, 2), "main_indicator_zone_zh": main, "note": note}


SUBZONE_LETTERS = {"严寒": "ABC", "寒冷": "AB", "夏热冬冷": "AB", "夏热冬暖": "AB", "温和": "AB"}
"""The sub-zones of each first-level zone (GB 50176-2016 Table 4.1.2)."""


SUBZONES_WITH_OWN_PRESETS = frozenset({"严寒A", "严寒C", "寒冷A", "夏热冬冷B", "温和B"})
"""Sub-zones whose envelope presets differ from their zone's others (GB 55015-2021 sets
limits of their own there: 严寒C public buildings, 严寒A and 寒冷A industrial buildings,
严寒A, 严寒C, 寒冷A, 夏热冬冷B and 温和B residential buildings (dormitories);
``twin/components/data/buildings/envelopes.csv`` keys ``<zone>/<era>/<code>``, kept in step by a test).
Elsewhere a sub-zone changes no preset, and a site near a sub-zone threshold needs no note."""


def subzone_changes_presets(a: str, b: str) -> bool:
    """Whether the building presets differ between GB 50176 sub-zones ``a`` and ``b``
    (e.g. 寒冷A and 寒冷B): another first-level zone, or either sub-zone one of
    :data:`SUBZONES_WITH_OWN_PRESETS`."""
    if a == b:
        return False
    return a[:-1] != b[:-1] or a in SUBZONES_WITH_OWN_PRESETS or b in SUBZONES_WITH_OWN_PRESETS


def zone_given(text: str) -> dict:
    """A zone or sub-zone as a planner writes it (寒冷A, 严寒C, 夏热冬冷) -> ``key``,
    ``zone_zh`` and ``subzone`` ("" for a first-level zone alone), as :func:`climate_zone_of`
    names them.

    Raises
    ------
    ValueError
        Not one of GB 50176-2016's zones or sub-zones (the message lists them).
    """
    s = str(text).strip().upper().replace("区", "")
    zh, letter = (s[:-1], s[-1]) if s[-1:] in "ABC" else (s, "")
    if zh not in SUBZONE_LETTERS or (letter and letter not in SUBZONE_LETTERS[zh]):
        allowed = ", ".join(z + x for z, xs in SUBZONE_LETTERS.items() for x in xs)
        raise ValueError(f"expected a GB 50176-2016 climate zone or sub-zone ({allowed}, or a "
                         f"first-level zone alone: {', '.join(SUBZONE_LETTERS)}), got {text!r}")
    return {"key": ZONE_KEYS[zh], "zone_zh": zh, "subzone": zh + letter if letter else ""}


def zone_key(weather: pd.DataFrame) -> str:
    """Preset key of the site's climate zone (see :func:`climate_zone_of`)."""
    return climate_zone_of(weather)["key"]


__all__ = [
    "SUBZONES_WITH_OWN_PRESETS",
    "SUBZONE_LETTERS",
    "ZONE_ADVICE",
    "ZONE_KEYS",
    "climate_zone_of",
    "degree_days",
    "subzone_changes_presets",
    "zone_from_degree_days",
    "zone_from_monthly",
    "zone_given",
    "zone_key",
]
