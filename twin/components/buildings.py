"""Hourly heating, cooling and electric loads of the buildings of a park.

Each building is one thermal zone modelled with the hourly resistance-capacitance
method of ISO 13790:2008 Annex C (the "5R1C" network: air node, central surface
node, one thermal mass node) driven by hourly weather. Solar gains come from
pvlib irradiance transposition (Perez) on the four facades and the roof, with
an angle-dependent glazing transmittance. Occupancy, lighting, equipment, HVAC
operation and hot-water draws follow hourly schedules by building type and
day type of the China holiday calendar (swapped working weekends included).
Heating and cooling are the power needed to hold the air temperature inside
the setpoint band while the plant is operating and the heating/cooling season
of the climate zone is on, limited to the building's heating and sensible
cooling capacities (the design loads or the scenario's figures); hours the
capacity cannot hold are reported as unmet. Cooling also dries the air: the
moisture of the outdoor air and the occupants above 60 % RH at the cooling
setpoint (70 % above 26 °C, GB 50736-2012 Table 3.0.2) is a latent load (:func:`latent_cooling_load_w`) that the cooling
delivers beside the sensible part, in the hours it operates.

Data presets (``twin/components/data/buildings/``) carry their sources in a
``source`` column; values marked ``recalled`` in ``envelopes.csv`` were entered
from the cited standard tables without a copy of the standard at hand and are
to be verified before they are quoted as official; ``secondary_partial`` rows
had their wall and roof U-values checked against a public transcription of
GB 55015-2021 (``gb55015_envelope_secondary.csv``, with repository, path and
commit), which is not the standard itself.

References
----------
ISO 13790:2008, Energy performance of buildings - Calculation of energy use for
space heating and cooling, Annex C (simple hourly method) and clause 11.3
(solar gains), 12.3 (effective thermal capacity).
GB 50176-2016, 民用建筑热工设计规范, Table 4.1.2 (first-level climate zoning).
Perez, R. et al. (1990). Modeling daylight availability and irradiance
components from direct and global irradiance. Solar Energy 44(5), 271-289.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from weather import design as _wdesign

BuildingType = Literal[
    "office", "factory", "warehouse", "cold_store", "dormitory", "canteen", "data_room"
]
ConstructionEra = Literal["pre2005", "2005-2015", "current", "ultra_low"]
ClimateZone = Literal["severe_cold", "cold", "hscw", "hsww", "mild"]
HVACType = Literal[
    "split_ac", "vrf", "chiller_boiler", "chiller_district_heat", "heat_pump",
    "electric_boiler", "none",
]
#: HVAC types served by the park's central plant: cooling from the central chillers (the cooling
#: bus), heat from the heat network (chiller_boiler) or bought district heat (chiller_district_heat).
#: Their heating and cooling electricity and fuel are the plant's, not the building's.
CENTRAL_PLANT_HVAC = ("chiller_boiler", "chiller_district_heat")

#: Chinese names of the climate zones of GB 50176-2016.
CLIMATE_ZONE_NAMES_ZH = {
    "severe_cold": "严寒", "cold": "寒冷", "hscw": "夏热冬冷", "hsww": "夏热冬暖", "mild": "温和",
}
ORIENTATIONS = ("south", "east", "north", "west")
_AZIMUTH = {"south": 180.0, "east": 90.0, "north": 0.0, "west": 270.0}

# physical constants
RHO_C_AIR_SEA_LEVEL = 1200.0  # volumetric heat capacity of air at sea level [J/(m3 K)]
H_IS = 3.45  # air to surface node heat transfer coefficient, ISO 13790 7.2.2.2 [W/(m2 K)]
H_MS = 9.1  # surface node to mass node heat transfer coefficient, ISO 13790 12.2.2 [W/(m2 K)]
R_SE = 0.04  # external surface resistance, ISO 6946 [m2 K/W]
H_R_SKY = 4.5  # external radiative coefficient 5*eps with eps=0.9, ISO 13790 11.4.6 [W/(m2 K)]
DT_SKY = 11.0  # mean air-to-sky temperature difference, ISO 13790 11.4.6 [K]
CP_WATER_KWH_PER_L_K = 4.186 / 3600.0  # heat capacity of water [kWh/(L K)]

#: Effective internal heat capacity [J/(m2 K) per m2 floor] and A_m/A_f of the mass
#: classes of ISO 13790:2008 Table 12.
MASS_CLASSES = {
    "very_light": (80e3, 2.5), "light": (110e3, 2.5), "medium": (165e3, 2.5),
    "heavy": (260e3, 3.0), "very_heavy": (370e3, 3.5),
}


# --------------------------------------------------------------------------- presets
def _data_path(name: str):
    return resources.files("twin.components") / "data" / "buildings" / name


@functools.cache
def envelope_presets() -> pd.DataFrame:
    """Envelope presets by climate zone and construction era (``envelopes.csv``).

    Returns
    -------
    pandas.DataFrame
        Indexed by preset key (``"<zone>/<era>"`` or a special key such as
        ``"cold_store_panel"``) with U-values [W/(m2 K)], SHGC [-], infiltration
        [1/h], ``source``, ``verified`` (``recalled``: entered from the cited
        table from memory and not yet checked against a copy of it;
        ``secondary_partial``: the fields named in ``check_note`` were checked
        against a secondary transcription of the standard, listed with repository,
        path and commit in ``gb55015_envelope_secondary.csv``, the others are as
        the note says; ``no``: project assumption) and ``check_note`` (what the
        verification found).
    """
    with _data_path("envelopes.csv").open() as f:
        return pd.read_csv(f, index_col="key")


@functools.cache
def gb55015_envelope_secondary() -> pd.DataFrame:
    """GB 55015-2021 envelope U-value limits as read from a secondary transcription.

    Rows of ``gb55015_envelope_secondary.csv``: GB climate zone (1A..5A), building
    class and shape-coefficient folder of the transcription, element, the single
    0.2 m layer it encodes (conductivity [W/(m K)], thickness [m], inside
    emissivity [-]), the U-value [W/(m2 K)] that layer gives with the ISO 10292
    air films used by honeybee-energy (h_out = 23, h_in = 3.6 + 4.4 eps/0.84
    W/(m2 K)), the preset key it is compared with (empty: listed for reference
    only) and the repository, path and commit it was read from. A transcription,
    not the standard: values are ``verified=secondary_partial`` at best.
    """
    with _data_path("gb55015_envelope_secondary.csv").open() as f:
        return pd.read_csv(f, keep_default_na=False, dtype={"preset_key": str})


@functools.cache
def type_presets() -> pd.DataFrame:
    """Per-type defaults (``types.csv``): geometry, gains, setpoints, hot water."""
    with _data_path("types.csv").open() as f:
        return pd.read_csv(f, index_col="type")


@functools.cache
def hvac_presets() -> pd.DataFrame:
    """Default heating carrier and seasonal efficiencies by HVAC type (``hvac.csv``)."""
    with _data_path("hvac.csv").open() as f:
        return pd.read_csv(f, index_col="type")


@functools.cache
def season_presets() -> pd.DataFrame:
    """Default heating and cooling seasons by climate zone (``seasons.csv``)."""
    with _data_path("seasons.csv").open() as f:
        return pd.read_csv(f, index_col="climate_zone", dtype=str)


@functools.cache
def schedule_presets() -> pd.DataFrame:
    """Hourly schedules [-] by type, day class (work/off) and quantity (``schedules.csv``)."""
    with _data_path("schedules.csv").open() as f:
        return pd.read_csv(f, index_col=["type", "day_class", "quantity"])


# --------------------------------------------------------------------------- specs
class HVACSpec(BaseModel):
    """Declared heating/cooling system of a building (used for the baseline electricity)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: HVACType = Field(
        "split_ac",
        description="HVAC system type [-]: split_ac, vrf, chiller_boiler (gas boiler), "
        "chiller_district_heat, heat_pump, electric_boiler, or none (unconditioned: "
        "the zone floats freely and no heating/cooling load is reported)",
    )
    heating_efficiency: float | None = Field(
        None, gt=0, le=8,
        description="Seasonal heating efficiency of a decentral system [-]: COP of heat pumps, split and VRF "
        "units, efficiency of electric boilers; None = default of the type (hvac.csv). Not for central plants "
        "(chiller_boiler: the heat network's boilers[].efficiency; chiller_district_heat: heat bought as "
        "delivered)",
    )
    cooling_cop: float | None = Field(
        None, gt=0, le=12,
        description="Seasonal cooling COP/EER of a decentral system, cooling delivered per electricity [-]; "
        "None = default of the type (cold stores: hour by hour from the outdoor air, 1.8 at -18 C with "
        "condensing at 40 C, scaled by the Carnot COP between the evaporator, ASSUMED 10 K below the store's "
        "setpoint, and the condenser, 10 K above the outdoor air but not below "
        "refrigeration_min_condensing_c: see cold_store_cop). Not "
        "for central plants (chiller_boiler, chiller_district_heat): the park's chillers[] cool them",
    )
    refrigeration_min_condensing_c: float | None = Field(
        None, ge=10, le=50,
        description="Cold stores: lowest condensing temperature the refrigeration holds in cool weather [°C]; "
        "None = 25 (ASSUMED: head pressure floating down to a floor, as electronic expansion valves allow; a "
        "plant held at a fixed head pressure keeps about 35-40). Not with a fixed cooling_cop",
    )
    dhw_supply: Literal["water_heaters", "network"] | None = Field(
        None,
        description="Where a decentral building's hot water comes from (split_ac, vrf, heat_pump, electric_boiler, "
        "none) [-]: water_heaters (default: its own electric water heaters, in the electric load at "
        "dhw_efficiency) or network (the park's heat network, like a central plant's: served by the "
        "network's boilers, heat pumps, waste heat and stores); central plants (chiller_boiler) always put "
        "it on the network, chiller_district_heat buys it",
    )
    dhw_efficiency: float | None = Field(
        None, gt=0, le=8,
        description="Hot water heat delivered per electricity of a decentral building's water heaters [-] "
        "(dhw_supply water_heaters: the hot water is in the electric load); None = default of the type "
        "(hvac.csv, ASSUMED: 0.95 electric storage water heaters, 2.5 heat-pump water heaters with the "
        "heat_pump type); not used by central plants (chiller_boiler, chiller_district_heat), whose hot "
        "water is on the heat bus or bought as district heat",
    )
    heating_capacity_w_m2: float | None = Field(
        None, gt=0, le=2000,
        description="Heating power the building's HVAC can deliver, per m2 of floor area [W/m2]; "
        "None = the design heating load (steady state at the site's heating design outdoor "
        "temperature, no gains, GB 50736-2012 4.1.2) times 1 + heating_intermittent_addition. "
        "The simulation recovers the setpoint within this power (unmet hours are reported)",
    )
    heating_intermittent_addition: float | None = Field(
        None, ge=0, le=2,
        description="Intermittent-heating addition to the design heating load (间歇附加率, GB 50736-2012 "
        "5.2.8) [-], e.g. 0.2 = +20 %; None = 0.2 for intermittently heated types (heating off or set "
        "back outside operating hours: office, factory, canteen) and 0 for continuously heated ones; "
        "not used when heating_capacity_w_m2 is given",
    )
    preheat_max_h: int | None = Field(
        None, ge=0, le=12,
        description="Longest optimal start of heating [h]: with a finite heating capacity the occupied "
        "setpoint may start up to this many hours before the operating hours, as late as still "
        "reaches it in time; 0 = no preheat; None = 3 (PREHEAT_MAX_H)",
    )

    cooling_capacity_w_m2: float | None = Field(
        None, gt=0, le=2000,
        description="Sensible cooling power the building's HVAC can deliver, per m2 of floor area [W/m2]; "
        "None = the design cooling load (the peak ideal sensible cooling load of the occupied hours whose "
        "outdoor dry-bulb is at or below the weather year's cooling design dry-bulb, the 51st-hottest hour, "
        "approximating GB 50736-2012 4.1.6) times 1 + cooling_sizing_margin. Above it the room warms "
        "(unmet hours are reported); the latent load (drying the outdoor air and the occupants' "
        "moisture to 60 % RH, 70 % above 26 °C) is served beside it, so give the sensible share of a plant's rated "
        "(total) capacity",
    )
    cooling_sizing_margin: float | None = Field(
        None, ge=0, le=2,
        description="Margin on the design cooling load for the default cooling capacity [-], e.g. 0.1 = "
        "+10 %; None = 0.1 (COOLING_SIZING_MARGIN, ASSUMED: a project parameter, not a standard's value); "
        "not used when cooling_capacity_w_m2 is given",
    )

    @model_validator(mode="after")
    def _heating_needs_a_system(self):
        if self.type == "none":
            given = [k for k in ("heating_capacity_w_m2", "heating_intermittent_addition", "preheat_max_h",
                                 "cooling_capacity_w_m2", "cooling_sizing_margin")
                     if getattr(self, k) is not None]
            if given:
                raise ValueError(f"hvac type 'none' has no heating or cooling, so {', '.join(given)} cannot be "
                                 "set; remove it or choose an HVAC type")
        central = self.type in CENTRAL_PLANT_HVAC
        for k in ("dhw_efficiency", "dhw_supply"):
            if getattr(self, k) is not None and central:
                raise ValueError(f"{k} is for decentral buildings; with hvac type '{self.type}' the hot water "
                                 "comes from the central plant (heat bus or district heat): remove it")
        if central and self.cooling_cop is not None:
            raise ValueError(f"cooling_cop is for decentral systems; with hvac type '{self.type}' the park's "
                             "central chillers cool the building at their own COP (from the outdoor temperature): "
                             "describe them in chillers[] (chilled_water_c, carnot_efficiency, "
                             "condenser_approach_k), or remove it (without declared chillers an air-cooled "
                             "electric chiller is implied)")
        if central and self.heating_efficiency is not None:
            from twin.plan import IMPLIED_BOILER_EFFICIENCY

            where = ("the park's heat network heats the building: give the boilers' efficiency in "
                     f"boilers[].efficiency (without declared plant a gas boiler of efficiency "
                     f"{IMPLIED_BOILER_EFFICIENCY:.2f} is implied)"
                     if self.type == "chiller_boiler" else "district heat is bought as delivered (efficiency 1)")
            raise ValueError(f"heating_efficiency is for decentral systems; with hvac type '{self.type}' {where}: "
                             "remove it")
        if self.dhw_supply == "network" and self.dhw_efficiency is not None:
            raise ValueError("dhw_efficiency is the water heaters'; with dhw_supply: network the hot water comes "
                             "from the park's heat network: remove one of the two")
        if self.heating_capacity_w_m2 is not None and self.heating_intermittent_addition is not None:
            raise ValueError("heating_intermittent_addition sizes the default heating capacity and is not "
                             "used when heating_capacity_w_m2 is given; give one of the two")
        if self.cooling_capacity_w_m2 is not None and self.cooling_sizing_margin is not None:
            raise ValueError("cooling_sizing_margin sizes the default cooling capacity and is not "
                             "used when cooling_capacity_w_m2 is given; give one of the two")
        if self.refrigeration_min_condensing_c is not None and self.cooling_cop is not None:
            raise ValueError("refrigeration_min_condensing_c shapes the hourly COP of a cold store's refrigeration, "
                             "which a fixed cooling_cop replaces: give one of the two")
        return self


class SetpointSpec(BaseModel):
    """Overrides of the indoor air temperature setpoints of a building type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    heating_c: float | None = Field(
        None, ge=-30, le=30, description="Heating setpoint while occupied/operating [°C]; None = type default")
    cooling_c: float | None = Field(
        None, ge=-40, le=40, description="Cooling setpoint while occupied/operating [°C]; None = type default")
    heating_setback_c: float | None = Field(
        None, ge=-30, le=30,
        description="Heating setpoint outside operating hours [°C]; None = type default "
        "(which may be 'off')")
    cooling_setback_c: float | None = Field(
        None, ge=-40, le=45,
        description="Cooling setpoint outside operating hours [°C]; None = type default "
        "(which may be 'off')")
    cooling_rh_max_pct: float | None = Field(
        None, ge=30, le=90,
        description="Highest indoor relative humidity the cooling holds while occupied, at the cooling "
        "setpoint [%]; it sets the latent load of drying the outdoor air and the occupants' moisture. "
        "None = the comfort class of the cooling setpoint in GB 50736-2012 Table 3.0.2: up to 26 °C class I, "
        "60 (40-60 %); above, class II (26-28 °C), 70 (at most 70 %)")

    @field_validator("cooling_rh_max_pct", mode="before")
    @classmethod
    def _rh_in_per_cent(cls, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1:
            raise ValueError(f"cooling_rh_max_pct {v:g} is in per cent and looks like a share ({v:g} = "
                             f"{100 * v:g} %): give {100 * v:g}")
        return v

    @model_validator(mode="after")
    def _band(self):
        if self.heating_c is not None and self.cooling_c is not None and self.heating_c > self.cooling_c:
            raise ValueError(
                f"heating setpoint {self.heating_c} °C is above cooling setpoint {self.cooling_c} °C")
        return self


#: envelope fields a planner can set from the design instead of the preset
ENVELOPE_FIELDS = ("u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k", "shgc",
                   "infiltration_ach")


class EnvelopeValues(BaseModel):
    """Design values that replace fields of the envelope preset, one by one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    u_wall_w_m2k: float | None = Field(
        None, gt=0, le=6, description="External wall U-value [W/(m2 K)]; None = preset")
    u_roof_w_m2k: float | None = Field(
        None, gt=0, le=6, description="Roof U-value [W/(m2 K)]; None = preset")
    u_floor_w_m2k: float | None = Field(
        None, gt=0, le=6, description="Ground-floor U-value (slab to ground) [W/(m2 K)]; None = preset")
    u_window_w_m2k: float | None = Field(
        None, gt=0, le=7, description="Window U-value incl. frame [W/(m2 K)]; None = preset")
    shgc: float | None = Field(
        None, gt=0, lt=1, description="Window solar heat gain coefficient [-]; None = preset")
    infiltration_ach: float | None = Field(
        None, ge=0, le=5, description="Infiltration air changes [1/h]; None = preset")

    def given(self) -> dict[str, float]:
        return {k: v for k in ENVELOPE_FIELDS if (v := getattr(self, k)) is not None}


#: Smallest floor area a storey of a building may have [m2]: a plausibility floor of the input
#: check (a project assumption, not a standard's value), below any room of the building types here.
MIN_STOREY_AREA_M2 = 10.0


class BuildingSpec(BaseModel):
    """A building (or ``count`` identical buildings) of the park, as a planner knows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(..., min_length=1, description="Name of the building [-]")
    type: BuildingType = Field(..., description="Use type of the building [-]")
    floor_area_m2: float = Field(
        ..., gt=0, le=2e6, description="Gross conditioned floor area of one building, all storeys [m2]")
    storeys: int = Field(1, ge=1, le=100, description="Number of above-ground storeys [-]")
    envelope: str = Field(
        "auto",
        description="Envelope preset key of envelopes.csv ('<zone>/<era>', e.g. 'cold/current', "
        "or 'cold_store_panel'), or 'auto' = preset of the site's climate zone (from the "
        "weather, GB 50176-2016) and construction_era [-]")
    envelope_values: EnvelopeValues | None = Field(
        None,
        description="Design envelope values that replace the preset's, field by field (e.g. "
        "the window U-value and SHGC of the chosen glazing) [-]; None = preset values; the "
        "outputs record which values came from the scenario and how the preset's were checked")
    construction_era: ConstructionEra = Field(
        "current",
        description="Construction era used by envelope='auto' [-]: pre2005, 2005-2015 "
        "(GB 50189-2005), current (GB 55015-2021), ultra_low (GB/T 51350-2019)")
    window_wall_ratio: float | dict[str, float] | None = Field(
        None,
        description="Window-to-wall ratio [-], one value for all facades or a mapping "
        "{south, east, north, west} -> ratio; None = type default")
    hvac: HVACSpec = Field(default_factory=HVACSpec, description="Declared HVAC system [-]")
    setpoints: SetpointSpec = Field(
        default_factory=SetpointSpec, description="Setpoint overrides [°C]")
    process_internal_gain_w_m2: float | None = Field(
        None, ge=0, le=5000,
        description="Sensible heat released into the space by process equipment whose "
        "electricity is accounted elsewhere (process loads), per floor area, during "
        "operating hours [W/m2]; None = 0")
    equipment_w_m2: float | None = Field(
        None, ge=0, le=5000,
        description="Peak electric equipment (plug/IT) power density of the building "
        "itself [W/m2]; None = type default (data_room: IT load)")
    lighting_w_m2: float | None = Field(
        None, ge=0, le=50, description="Installed lighting power density [W/m2]; None = type default")
    orientation_deg: float = Field(
        0.0, ge=-180, le=180,
        description="Rotation of the long (nominally south) facade from due south, "
        "positive towards west [deg]")
    heating_season: tuple[str, str] | None = Field(
        None,
        description="Heating season as ('MM-DD', 'MM-DD') start and end, inclusive [-]; "
        "None = climate-zone default (seasons.csv)")
    cooling_season: tuple[str, str] | None = Field(
        None,
        description="Cooling season as ('MM-DD', 'MM-DD') start and end, inclusive [-]; "
        "None = climate-zone default (year-round for data rooms and cold stores)")
    count: int = Field(1, ge=1, le=10000, description="Number of identical buildings [-]")

    @model_validator(mode="after")
    def _refrigeration_of_cold_stores(self):
        if self.hvac.refrigeration_min_condensing_c is None:
            return self
        if self.type != "cold_store":
            raise ValueError(f"hvac.refrigeration_min_condensing_c is for cold stores; a building of type "
                             f"'{self.type}' is cooled at hvac.cooling_cop: remove it")
        if self.hvac.type in CENTRAL_PLANT_HVAC or self.hvac.type == "none":
            raise ValueError(f"hvac.refrigeration_min_condensing_c is for a cold store's own refrigeration; with hvac "
                             f"type '{self.hvac.type}' it has none ("
                             + ("the park's chillers cool it" if self.hvac.type != "none" else "unconditioned")
                             + "): remove it, or give the store a decentral type (split_ac, vrf) for its own plant")
        return self

    @model_validator(mode="after")
    def _area_per_storey(self):
        """A storey smaller than :data:`MIN_STOREY_AREA_M2` is what a floor area in 万m2 (or in
        thousands of m2) looks like (11 for 110,000 m2): refused rather than simulated as a box of a
        few m2 whose loads are 10,000 times too small."""
        per = self.floor_area_m2 / self.storeys
        if per < MIN_STOREY_AREA_M2:
            raise ValueError(
                f"floor_area_m2 {self.floor_area_m2:g} over {self.storeys} storey(s) is {per:.3g} m2 a storey, "
                f"smaller than any room: it looks like 万m2 ({self.floor_area_m2:g} 万m2 = "
                f"{self.floor_area_m2 * 1e4:,.0f} m2) or thousands of m2; give the gross floor area of all "
                f"storeys in m2")
        return self

    @field_validator("window_wall_ratio")
    @classmethod
    def _wwr(cls, v):
        if v is None:
            return v
        vals = v.values() if isinstance(v, dict) else [v]
        if isinstance(v, dict):
            bad = set(v) - set(ORIENTATIONS)
            if bad:
                raise ValueError(f"window_wall_ratio keys must be among {ORIENTATIONS}, got {sorted(bad)}")
        for x in vals:
            if not 0.0 <= x <= 0.95:
                raise ValueError(f"window_wall_ratio must be within [0, 0.95], got {x}")
        return v

    @field_validator("envelope")
    @classmethod
    def _envelope(cls, v):
        if v != "auto" and v not in envelope_presets().index:
            raise ValueError(
                f"unknown envelope preset {v!r}; use 'auto' or one of {list(envelope_presets().index)}")
        return v

    @field_validator("heating_season", "cooling_season")
    @classmethod
    def _season(cls, v):
        if v is not None:
            for s in v:
                _mmdd(s)
        return v


def _mmdd(s: str) -> int:
    """'MM-DD' -> month*100+day, validating the date."""
    try:
        m, d = (int(x) for x in s.split("-"))
        pd.Timestamp(year=2001, month=m, day=d)
    except Exception as exc:
        raise ValueError(f"season bound must be 'MM-DD', got {s!r}") from exc
    return 100 * m + d


# --------------------------------------------------------------------------- climate zone
def climate_zone_from_monthly(t_coldest_month_c: float, t_hottest_month_c: float) -> str:
    """First-level building climate zone from monthly mean temperatures.

    Main indicators of GB 50176-2016 Table 4.1.2 (一级区划): severe cold
    (严寒) t_min,m <= -10 °C; cold (寒冷) -10 < t_min,m <= 0 °C; hot-summer-cold-
    winter (夏热冬冷) 0 < t_min,m <= 10 and 25 < t_max,m <= 30 °C; hot-summer-
    warm-winter (夏热冬暖) 10 < t_min,m and 25 < t_max,m <= 29 °C; mild (温和)
    0 < t_min,m <= 13 and 18 < t_max,m <= 25 °C. The auxiliary indicators (days
    with daily mean <= 5 °C or >= 25 °C) are not used; combinations outside the
    table go to the nearest zone by the coldest-month criterion.

    Parameters
    ----------
    t_coldest_month_c, t_hottest_month_c : float
        Mean temperature of the coldest and the hottest month [°C].

    Returns
    -------
    str
        ``severe_cold``, ``cold``, ``hscw``, ``hsww`` or ``mild``.
    """
    if t_coldest_month_c <= -10.0:
        return "severe_cold"
    if t_coldest_month_c <= 0.0:
        return "cold"
    if t_hottest_month_c <= 25.0 and t_coldest_month_c <= 13.0:
        return "mild"
    if t_coldest_month_c > 10.0:
        return "hsww"
    return "hscw"


def climate_zone(weather: pd.DataFrame) -> str:
    """Climate zone (GB 50176-2016) of an hourly weather year, as a preset key.

    Decided by the site's own heating and cooling degree days (HDD18, CDD26; second-level
    indicators of GB 50176-2016, which nest in the first-level zones) with the monthly
    main indicators checked alongside: :func:`weather.climate_zone.climate_zone_of`
    gives the sub-zone (e.g. 寒冷B) and says when the two disagree.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``temp_air`` [°C] on a DatetimeIndex.

    Returns
    -------
    str
        ``severe_cold``, ``cold``, ``hscw``, ``hsww`` or ``mild``.
    """
    from weather.climate_zone import zone_key

    if len(weather) < 24 * 300:  # quick looks (--hours): degree days need a year
        monthly = weather["temp_air"].groupby(weather.index.month).mean()
        return climate_zone_from_monthly(float(monthly.min()), float(monthly.max()))
    return zone_key(weather)


#: Zone of some cities (GB 50176-2016 Appendix / common usage), for convenience.
CITY_CLIMATE_ZONES = {
    "harbin": "severe_cold", "changchun": "severe_cold", "shenyang": "severe_cold",
    "urumqi": "severe_cold", "beijing": "cold", "tianjin": "cold", "shijiazhuang": "cold",
    "jinan": "cold", "qingdao": "cold", "dalian": "cold", "xuzhou": "cold", "yantai": "cold",
    "shanghai": "hscw", "nanjing": "hscw", "suzhou": "hscw", "hangzhou": "hscw", "ningbo": "hscw",
    "hefei": "hscw", "wuhan": "hscw", "changsha": "hscw", "nanchang": "hscw", "chengdu": "hscw",
    "chongqing": "hscw", "guangzhou": "hsww", "shenzhen": "hsww", "xiamen": "hsww",
    "fuzhou": "hsww", "nanning": "hsww", "haikou": "hsww", "kunming": "mild", "guiyang": "mild",
}


def climate_zone_for_city(city: str) -> str:
    """Climate zone of a listed city (lower-case English name, e.g. ``"suzhou"``).

    Raises
    ------
    KeyError
        If the city is not listed; use :func:`climate_zone` on the weather instead.
    """
    key = city.strip().lower()
    if key not in CITY_CLIMATE_ZONES:
        raise KeyError(f"no climate zone listed for {city!r}; derive it with climate_zone(weather)")
    return CITY_CLIMATE_ZONES[key]


# --------------------------------------------------------------------------- thermal core
@dataclass(frozen=True)
class ZoneParameters:
    """Parameters of the 5R1C zone (ISO 13790 Annex C), all for one zone.

    Attributes
    ----------
    floor_area_m2 : conditioned floor area A_f [m2]
    volume_m3 : air volume [m3]
    internal_area_m2 : area of all surfaces facing the zone A_t [m2]
    mass_area_m2 : effective mass area A_m [m2]
    heat_capacity_j_k : internal heat capacity C_m [J/K]
    windows : tuple of (azimuth [deg], tilt [deg], area [m2]) of glazed areas
    u_window_w_m2k : window U-value incl. films [W/(m2 K)]
    g_window : solar energy transmittance at normal incidence (SHGC) [-]
    frame_fraction : opaque frame share of window area [-]
    shading_factor : reduction factor for shading devices on windows [-]
    opaque : tuple of (azimuth, tilt, area, U, absorptance, sky form factor) of opaque
        elements facing outdoor air [deg, deg, m2, W/(m2 K), -, -]
    ground : tuple of (area, U) of elements facing the ground [m2, W/(m2 K)]
    infiltration_ach : infiltration air change rate [1/h]
    rho_c_air_j_m3k : volumetric heat capacity of air [J/(m3 K)]
    convective_fraction : share of internal gains released to the air node [-]
    """

    floor_area_m2: float
    volume_m3: float
    internal_area_m2: float
    mass_area_m2: float
    heat_capacity_j_k: float
    windows: tuple
    u_window_w_m2k: float
    g_window: float
    opaque: tuple
    ground: tuple = ()
    frame_fraction: float = 0.0
    shading_factor: float = 1.0
    infiltration_ach: float = 0.5
    rho_c_air_j_m3k: float = RHO_C_AIR_SEA_LEVEL
    convective_fraction: float = 0.5
    glazing_panes: int = 2

    @property
    def h_window_w_k(self) -> float:
        """Window transmission conductance [W/K]."""
        return self.u_window_w_m2k * sum(w[2] for w in self.windows)

    @property
    def h_opaque_w_k(self) -> float:
        """Opaque transmission conductance to outdoor air and ground [W/K]."""
        return sum(o[2] * o[3] for o in self.opaque) + sum(a * u for a, u in self.ground)

    @property
    def h_infiltration_w_k(self) -> float:
        """Infiltration conductance [W/K]."""
        return self.rho_c_air_j_m3k * self.infiltration_ach * self.volume_m3 / 3600.0


def steady_state_conductance_w_k(params: ZoneParameters, h_ve_extra_w_k: float = 0.0,
                                 interior_film_correction: bool = False) -> float:
    """Steady-state air-node-to-outdoor conductance of the 5R1C network [W/K].

    H_ve + (1/H_tr,is + 1/(H_tr,w + H_tr,op))^-1 (ISO 13790 Annex C), or
    H_ve + sum(U A) with ``interior_film_correction``.
    """
    h_ve = params.h_infiltration_w_k + h_ve_extra_w_k
    h_tr = params.h_window_w_k + params.h_opaque_w_k
    if interior_film_correction:
        return h_ve + h_tr
    return h_ve + 1.0 / (1.0 / (H_IS * params.internal_area_m2) + 1.0 / h_tr)


def air_density_factor(elevation_m: float) -> float:
    """Ratio of air density at ``elevation_m`` to sea level (standard atmosphere) [-]."""
    return (1.0 - 2.25577e-5 * elevation_m) ** 5.25588


def solar_geometry(index: pd.DatetimeIndex, latitude: float, longitude: float) -> pd.DataFrame:
    """Sun position at the middle of each start-of-hour step.

    Analytical Spencer (1971) declination and equation of time, as in
    ``pvlib.solarposition`` analytical functions (accurate to a few tenths of a
    degree, ample for hourly loads).

    Returns
    -------
    pandas.DataFrame
        ``zenith, azimuth`` [deg] and ``dni_extra`` [W/m2], indexed like ``index``.
    """
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    doy = mid.dayofyear.to_numpy()
    decl = pvlib.solarposition.declination_spencer71(doy)
    eot = pvlib.solarposition.equation_of_time_spencer71(doy)
    ha = pvlib.solarposition.hour_angle(mid, longitude, eot)
    zen = pvlib.solarposition.solar_zenith_analytical(np.radians(latitude), np.radians(ha), decl)
    az = pvlib.solarposition.solar_azimuth_analytical(np.radians(latitude), np.radians(ha), decl, zen)
    dni_extra = pvlib.irradiance.get_extra_radiation(doy)
    return pd.DataFrame({"zenith": np.degrees(zen), "azimuth": np.degrees(az),
                         "dni_extra": np.asarray(dni_extra)}, index=index)


def surface_irradiance(weather: pd.DataFrame, sun: pd.DataFrame, surface_tilt: float,
                       surface_azimuth: float, albedo: float = 0.2) -> pd.DataFrame:
    """Plane-of-array irradiance on a building surface (Perez transposition).

    Parameters
    ----------
    weather : pandas.DataFrame
        ``ghi, dni, dhi`` [W/m2].
    sun : pandas.DataFrame
        Output of :func:`solar_geometry`.
    surface_tilt, surface_azimuth : float
        Tilt from horizontal and azimuth (north=0, east=90) [deg].
    albedo : float
        Ground reflectance [-].

    Returns
    -------
    pandas.DataFrame
        ``poa_global, poa_direct, poa_sky_diffuse, poa_ground_diffuse`` [W/m2] and
        ``aoi`` [deg].
    """
    import pvlib

    dni = weather["dni"].where(sun["zenith"] < 90.0, 0.0)
    am = pvlib.atmosphere.get_relative_airmass(sun["zenith"])
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt, surface_azimuth, sun["zenith"], sun["azimuth"], dni, weather["ghi"],
        weather["dhi"], dni_extra=sun["dni_extra"], airmass=am, albedo=albedo, model="perez")
    poa = poa.fillna(0.0).clip(lower=0.0)
    poa["aoi"] = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, sun["zenith"], sun["azimuth"])
    return poa


def glazing_angular_factor(aoi_deg, panes: int = 2):
    """Angular dependence of glazing transmittance relative to normal incidence [-].

    Fresnel/Bouguer model of ``pvlib.iam.physical`` for one 3 mm clear pane
    (n = 1.526, K = 19.6 1/m, L = 3.175 mm: the BESTEST glass), raised to the
    number of panes.
    """
    import pvlib

    one = pvlib.iam.physical(aoi_deg, n=1.526, K=19.6, L=0.003175)
    return np.asarray(one) ** panes


@functools.cache
def _diffuse_glazing_factor(panes: int, tilt: float) -> tuple[float, float]:
    import pvlib

    f = functools.partial(glazing_angular_factor, panes=panes)
    sky = pvlib.iam.marion_integrate(f, tilt, "sky")
    gnd = pvlib.iam.marion_integrate(f, tilt, "ground") if tilt > 0 else 0.0
    return float(sky), float(gnd)


def solar_gains_w(params: ZoneParameters, weather: pd.DataFrame, sun: pd.DataFrame,
                  albedo: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Solar heat gains through windows and absorbed on opaque elements [W].

    Window gain = A_w (1 - F_F) F_sh g_n [IAM(aoi) G_b + IAM_sky G_sky + IAM_gnd G_gnd].
    Opaque gain = alpha R_se U A G - F_r R_se U A h_r dT_sky (ISO 13790 11.3.4-11.3.5,
    the second term the thermal radiation to the sky, also applied to windows).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Window gains and opaque-element net gains [W] per step.
    """
    n = len(weather)
    cache: dict[tuple[float, float], pd.DataFrame] = {}

    def poa(az, tilt):
        key = (round(az, 6), round(tilt, 6))
        if key not in cache:
            cache[key] = surface_irradiance(weather, sun, tilt, az, albedo)
        return cache[key]

    win = np.zeros(n)
    fr_window = 0.0
    for az, tilt, area in params.windows:
        if area <= 0:
            continue
        p = poa(az, tilt)
        k_sky, k_gnd = _diffuse_glazing_factor(params.glazing_panes, tilt)
        iam_b = glazing_angular_factor(p["aoi"].to_numpy(), params.glazing_panes)
        g = (iam_b * p["poa_direct"].to_numpy() + k_sky * p["poa_sky_diffuse"].to_numpy()
             + k_gnd * p["poa_ground_diffuse"].to_numpy())
        win += area * (1 - params.frame_fraction) * params.shading_factor * params.g_window * g
        fr_window += area * 0.5 * (1.0 + np.cos(np.radians(tilt)))  # view factor to sky
    opq = np.zeros(n)
    for az, tilt, area, u, alpha, f_sky in params.opaque:
        p = poa(az, tilt)
        opq += alpha * R_SE * u * area * p["poa_global"].to_numpy()
        opq -= f_sky * R_SE * u * area * H_R_SKY * DT_SKY
    win -= R_SE * params.u_window_w_m2k * fr_window * H_R_SKY * DT_SKY
    return win, opq


def simulate_5r1c(params: ZoneParameters, temp_out, phi_int_w, phi_sol_w,
                  heat_set, cool_set, *, h_ve_extra_w_k=None, temp_ground=None,
                  theta_m0: float | None = None, phi_sol_opaque_w=None,
                  interior_film_correction: bool = False, heating_cap_w=None, cooling_cap_w=None,
                  preheat_max_h: int = 0, preheat_tolerance_k: float = 0.5):
    """Hourly ISO 13790 5R1C simulation with ideal or limited heating and cooling.

    The Crank-Nicolson step of ISO 13790 C.3 is linear in the heating/cooling
    power phi_HC, so every step is written as theta_air = a_t + b_t theta_m,prev
    + c_t phi_HC; the vectorisable coefficients are computed with numpy and only
    the 1-state recursion with the setpoint clipping runs in a Python loop.
    Without ``heating_cap_w`` / ``cooling_cap_w`` the power is ideal and unlimited
    (ISO 13790 C.4.2); with them, the heating or cooling power needed to hold the
    setpoint is clipped to the capacity (:func:`clip_to_capacity`) and the air
    temperature follows from the clipped power (ISO 13790 C.4.3, limited power: the
    step being linear in phi_HC, the clipped step is exact). There is no precooling.

    Optimal start (``preheat_max_h`` > 0, with a finite ``heating_cap_w`` only):
    where the heating setpoint rises (setback or off -> occupied), the raised
    setpoint is applied up to ``preheat_max_h`` hours earlier, as late as still
    brings the air to within ``preheat_tolerance_k`` of the setpoint in the hour
    it rises (found by trial steps from the state at the start of the window);
    when no start in the window does, heating starts at the window's beginning.

    As in ISO 13790, H_tr,w and H_tr,op are the air-to-air U A of the elements
    and H_tr,is = 3.45 A_t is added in series, so the steady-state conductance
    from the air node to outdoors is H_ve + (1/H_tr,is + 1/(H_tr,w + H_tr,op))^-1
    (see :func:`steady_state_conductance_w_k`). With
    ``interior_film_correction=True`` the element conductances are raised so that
    it equals H_ve + sum(U A) instead (then gains entering the surface node see a
    larger conductance; the ISO form validates better against BESTEST).

    Parameters
    ----------
    params : ZoneParameters
    temp_out : array_like
        Outdoor air temperature [°C].
    phi_int_w : array_like
        Internal heat gains [W] (convective share ``params.convective_fraction``).
    phi_sol_w : array_like
        Solar gains through windows [W].
    heat_set, cool_set : array_like
        Heating / cooling setpoints of the air temperature [°C]; use -inf / +inf
        where the system is off.
    h_ve_extra_w_k : array_like, optional
        Additional ventilation conductance (mechanical ventilation) [W/K].
    temp_ground : float or array_like, optional
        Temperature beyond ground-coupled elements [°C]; default mean of temp_out.
    theta_m0 : float, optional
        Initial mass temperature [°C]; default: a one-month warm-up from the end of
        the series (periodic year).
    phi_sol_opaque_w : array_like, optional
        Net solar/sky gains of opaque elements [W], entering at the surface and mass
        nodes like window gains.
    interior_film_correction : bool
        See above.
    heating_cap_w : float or array_like, optional
        Heating capacity of the HVAC [W]; None = unlimited (ideal).
    cooling_cap_w : float or array_like, optional
        Sensible cooling capacity of the HVAC [W] (positive); None = unlimited (ideal).
    preheat_max_h : int
        Longest early start of the occupied heating setpoint (optimal start) [h];
        0 = none. Ignored without ``heating_cap_w``.
    preheat_tolerance_k : float
        How far below the setpoint the air may still be when the setpoint rises for
        a start to count as in time [K].

    Returns
    -------
    dict of numpy.ndarray
        ``phi_hc_w`` (heating > 0, cooling < 0) [W], ``theta_air`` [°C],
        ``theta_s`` [°C], ``theta_m`` [°C], ``preheat`` (bool: the hour ran at
        a raised setpoint by optimal start) [-].

    References
    ----------
    ISO 13790:2008 Annex C, equations C.1-C.11 and clause C.4.
    """
    te = np.asarray(temp_out, dtype=float)
    n = te.size
    phi_int = np.broadcast_to(np.asarray(phi_int_w, dtype=float), (n,))
    phi_sol = np.broadcast_to(np.asarray(phi_sol_w, dtype=float), (n,))
    if phi_sol_opaque_w is not None:
        phi_sol = phi_sol + np.broadcast_to(np.asarray(phi_sol_opaque_w, dtype=float), (n,))
    hs = np.broadcast_to(np.asarray(heat_set, dtype=float), (n,))
    cs = np.broadcast_to(np.asarray(cool_set, dtype=float), (n,))
    cap = _capacity_series(heating_cap_w, n, "heating_cap_w")
    ccap = _capacity_series(cooling_cap_w, n, "cooling_cap_w")
    windows = _preheat_windows(hs, int(preheat_max_h)) if heating_cap_w is not None else {}

    a_t = params.internal_area_m2
    a_m = params.mass_area_m2
    c_m = params.heat_capacity_j_k / 3600.0  # [Wh/K]
    h_is = H_IS * a_t
    h_ms = H_MS * a_m
    h_w_raw = params.h_window_w_k
    h_op_air_raw = sum(o[2] * o[3] for o in params.opaque)
    h_op_gr_raw = sum(a * u for a, u in params.ground)
    h_tot_raw = h_w_raw + h_op_air_raw + h_op_gr_raw
    if h_tot_raw <= 0:
        raise ValueError("zone has no transmission conductance")
    # remove the interior film represented by H_tr,is (see docstring)
    h_tot = 1.0 / (1.0 / h_tot_raw - 1.0 / h_is) if interior_film_correction else h_tot_raw
    k = h_tot / h_tot_raw
    h_w = k * h_w_raw
    h_op = k * (h_op_air_raw + h_op_gr_raw)
    h_em = 1.0 / (1.0 / h_op - 1.0 / h_ms)
    if h_em <= 0:
        raise ValueError("mass area too small for the opaque conductance (H_tr,em <= 0)")
    if temp_ground is None:
        temp_ground = float(te.mean())
    tg = np.broadcast_to(np.asarray(temp_ground, dtype=float), (n,))
    share_gr = h_op_gr_raw / (h_op_air_raw + h_op_gr_raw) if h_op > 0 else 0.0
    te_em = (1.0 - share_gr) * te + share_gr * tg

    h_ve = np.full(n, params.h_infiltration_w_k)
    if h_ve_extra_w_k is not None:
        h_ve = h_ve + np.broadcast_to(np.asarray(h_ve_extra_w_k, dtype=float), (n,))
    h_ve = np.maximum(h_ve, 1e-6)
    t_sup = te

    # gain split, ISO 13790 C.1-C.3
    phi_ia = params.convective_fraction * phi_int
    phi_rad = (1.0 - params.convective_fraction) * phi_int + phi_sol
    phi_m = a_m / a_t * phi_rad
    phi_st = (1.0 - a_m / a_t - h_w / (H_MS * a_t)) * phi_rad

    h1 = 1.0 / (1.0 / h_ve + 1.0 / h_is)
    h2 = h1 + h_w
    h3 = 1.0 / (1.0 / h2 + 1.0 / h_ms)
    den = c_m + 0.5 * (h3 + h_em)
    p = (c_m - 0.5 * (h3 + h_em)) / den  # theta_m,t = p theta_prev + q + m1 phi
    q0 = (phi_m + h_em * te_em + h3 / h2 * (phi_st + h_w * te + h1 * (phi_ia / h_ve + t_sup))) / den
    m1 = (h3 / h2 * h1 / h_ve) / den
    den_s = h_ms + h_w + h1
    den_a = h_is + h_ve
    # theta_m = 0.5 (theta_m,t + theta_prev) = 0.5 (1 + p) theta_prev + 0.5 q0 + 0.5 m1 phi
    # theta_s = (h_ms theta_m + phi_st + h_w te + h1 (t_sup + (phi_ia + phi)/h_ve)) / den_s
    s_const = (phi_st + h_w * te + h1 * (t_sup + phi_ia / h_ve)) / den_s
    s_prev = h_ms * 0.5 * (1.0 + p) / den_s
    s_q = h_ms * 0.5 / den_s
    s_phi = (h_ms * 0.5 * m1 + h1 / h_ve) / den_s
    # theta_air = (h_is theta_s + h_ve t_sup + phi_ia + phi) / den_a
    a_const = (h_is * (s_const + s_q * q0) + h_ve * t_sup + phi_ia) / den_a
    a_prev = h_is * s_prev / den_a
    a_phi = (h_is * s_phi + 1.0) / den_a

    A, B, C, Q, M = a_const.tolist(), a_prev.tolist(), a_phi.tolist(), q0.tolist(), m1.tolist()
    CS, P, CAP, CCAP = cs.tolist(), np.broadcast_to(p, (n,)).tolist(), cap.tolist(), ccap.tolist()

    def power(i, theta, sp):
        """Heating (> 0) or cooling (< 0) power of step i, clipped to the capacities [W]."""
        ta = A[i] + B[i] * theta
        if ta < sp:
            return clip_to_capacity((sp - ta) / C[i], CAP[i], CCAP[i])
        if ta > CS[i]:
            return clip_to_capacity((CS[i] - ta) / C[i], CAP[i], CCAP[i])
        return 0.0

    def start_of(theta, w, j):
        """Latest early start (hours before j, 0..j-w) that brings the air to setpoint at j."""
        for d in range(j - w + 1):
            th = theta
            for k in range(w, j):
                th = P[k] * th + Q[k] + M[k] * power(k, th, HS[j] if k >= j - d else HS[k])
            if A[j] + B[j] * th + C[j] * power(j, th, HS[j]) >= HS[j] - preheat_tolerance_k:
                return d
        return j - w

    def run(theta, lo, hi, store):
        sp_of = {}  # hour -> raised setpoint of an optimal start
        phi_out = [0.0] * (hi - lo) if store else None
        tprev_out = [0.0] * (hi - lo) if store else None
        for i in range(lo, hi):
            if i in windows:
                j = windows[i]
                for k in range(j - start_of(theta, i, j), j):
                    sp_of[k] = HS[j]
            ph = power(i, theta, sp_of.get(i, HS[i]))
            if store:
                phi_out[i - lo] = ph
                tprev_out[i - lo] = theta
            theta = P[i] * theta + Q[i] + M[i] * ph
        return theta, phi_out, tprev_out, sp_of

    HS = hs.tolist()

    if theta_m0 is None:
        warm = min(n, 24 * 31)
        theta_m0, _, _, _ = run(float(np.clip(te[n - warm:].mean(), hs[n - warm:].max(initial=-1e9),
                                              cs[n - warm:].min(initial=1e9))), n - warm, n, False)
    _, phi_l, tprev_l, raised = run(float(theta_m0), 0, n, True)
    preheat = np.zeros(n, dtype=bool)
    preheat[list(raised)] = True
    phi = np.asarray(phi_l)
    tprev = np.asarray(tprev_l)
    theta_mt = p * tprev + q0 + m1 * phi
    theta_m = 0.5 * (theta_mt + tprev)
    theta_s = (h_ms * theta_m + phi_st + h_w * te + h1 * (t_sup + (phi_ia + phi) / h_ve)) / den_s
    theta_air = (h_is * theta_s + h_ve * t_sup + phi_ia + phi) / den_a
    return {"phi_hc_w": phi, "theta_air": theta_air, "theta_s": theta_s, "theta_m": theta_m,
            "preheat": preheat}


def clip_to_capacity(phi_w: float, heating_cap_w: float, cooling_cap_w: float) -> float:
    """The power the HVAC delivers for a need ``phi_w`` [W] (heating > 0, cooling < 0):
    heating limited to ``heating_cap_w`` and cooling to ``cooling_cap_w`` (both >= 0) [W]."""
    return min(max(phi_w, -cooling_cap_w), heating_cap_w)


def _capacity_series(cap_w, n: int, name: str) -> np.ndarray:
    """Hourly capacity [W] of ``n`` steps from a scalar or array (None = unlimited)."""
    if cap_w is None:
        return np.full(n, np.inf)
    cap = np.broadcast_to(np.asarray(cap_w, dtype=float), (n,))
    if np.any(cap < 0) or np.any(np.isnan(cap)):
        raise ValueError(f"{name} must be >= 0 W (None = unlimited)")
    return cap


def _preheat_windows(heat_set: np.ndarray, max_h: int) -> dict[int, int]:
    """Optimal-start windows: {first hour of the window: hour j the heating setpoint rises}.

    A window holds up to ``max_h`` hours before j, all with a setpoint below the one
    of j and after the previous rise (windows never overlap).
    """
    if max_h <= 0 or heat_set.size < 2:
        return {}
    hs = np.asarray(heat_set, dtype=float)
    rises = np.flatnonzero((hs[1:] > hs[:-1]) & np.isfinite(hs[1:])) + 1
    out, last = {}, 0
    for j in rises.tolist():
        w = j
        while w > max(last, j - max_h) and hs[w - 1] < hs[j]:
            w -= 1
        if w < j:
            out[w] = j
        last = j
    return out


# --------------------------------------------------------------------------- BESTEST
#: ASHRAE Standard 140 Case 600/900 layers (inside first): (thickness [m],
#: conductivity [W/(m K)], density [kg/m3], specific heat [J/(kg K)]), per Standard
#: 140-2017 Section 5.2.1 tables (values as in the Modelica Buildings Library
#: BESTEST records, Buildings.ThermalZones.Detailed.Validation.BESTEST.Data).
_BESTEST_LAYERS = {
    "600": {
        "wall": [(0.012, 0.16, 950, 840), (0.066, 0.04, 12, 840), (0.009, 0.14, 530, 900)],
        "roof": [(0.010, 0.16, 950, 840), (0.1118, 0.04, 12, 840), (0.019, 0.14, 530, 900)],
        "floor": [(0.025, 0.14, 650, 1200), (1.003, 0.04, 0, 0)],
    },
    "900": {
        "wall": [(0.100, 0.51, 1400, 1000), (0.0615, 0.04, 10, 1400), (0.009, 0.14, 530, 900)],
        "roof": [(0.010, 0.16, 950, 840), (0.1118, 0.04, 12, 840), (0.019, 0.14, 530, 900)],
        "floor": [(0.080, 1.13, 1400, 1000), (1.007, 0.04, 0, 0)],
    },
}
#: Overall U-values incl. films of Standard 140 Cases 600/900 [W/(m2 K)] (SOURCES.md).
_BESTEST_U = {"wall": 0.514, "roof": 0.318, "floor": 0.039, "window": 3.0}


def _kappa(layers) -> float:
    """Areal internal heat capacity up to the first insulation layer or 10 cm [J/(m2 K)].

    ISO 13790:2008 12.3.1.2 / ISO 13786 Annex A effective-thickness rule.
    """
    kap, depth = 0.0, 0.0
    for d, lam, rho, c in layers:
        if lam <= 0.065:  # insulation layer stops the effective thickness
            break
        use = min(d, 0.10 - depth)
        if use <= 0:
            break
        kap += rho * c * use
        depth += use
    return kap


def _kappa_element(layers) -> float:
    """Areal heat capacity of the whole element, all layers [J/(m2 K)].

    The element capacity that ISO 52016-1:2017 (6.5.7) spreads over the nodes of
    each construction element.
    """
    return float(sum(d * rho * c for d, _lam, rho, c in layers))


#: Solar energy transmittance at normal incidence of the Standard 140-2020 double
#: clear window [-]. The 2020 edition changed the glass (3.048 mm panes, solar
#: transmittance 0.834 and reflectance 0.075 per pane, instead of 0.86156/0.0434
#: with SHGC 0.789 in 2017; listed in lbl-srg/modelica-buildings issue #3005);
#: 0.769 is the SHGC that IBPSA's ISO 13790 BESTEST models use for it (secondary).
#: The Annex B8 example results we test against are those of the 2020 edition.
BESTEST_SHGC_2020 = 0.769


def bestest_case(case: str, elevation_m: float = 1650.0,
                 capacity: Literal["element", "iso13790"] = "element") -> ZoneParameters:
    """Zone parameters of ASHRAE Standard 140 Case 600, 900, 600FF or 900FF.

    8 x 6 x 2.7 m single zone, two 3 x 2 m south windows (double clear glass,
    U = 3.0 W/(m2 K), SHGC :data:`BESTEST_SHGC_2020`), opaque solar absorptance
    0.6, 200 W internal gains 60 % radiative, 0.5 ach infiltration at the site air
    density (Standard 140-2020 states it as 0.414 ach at 1650 m), floor exposed to
    outdoor air through 1 m of insulation (no ground coupling in these cases).

    Parameters
    ----------
    case : {"600", "900", "600FF", "900FF"}
    elevation_m : float
        Site elevation for the air density of infiltration [m] (Denver file: 1650).
    capacity : {"element", "iso13790"}
        Internal heat capacity C_m = sum(A_j kappa_j) with kappa_j the areal heat
        capacity of the whole element (``"element"``, all layers, as ISO 52016-1
        uses for its element nodes) or of the layers inside the first insulation
        layer up to 10 cm (``"iso13790"``, ISO 13790:2008 12.3.1.2). The mass area
        is A_m = C_m^2 / sum(A_j kappa_j^2) (ISO 13790 eq. 65) in both cases.
        ``"element"`` is the default: for the lightweight case the ISO 13790 rule
        keeps only the 10-12 mm plasterboard and the 25 mm timber floor (C_m =
        1.93 MJ/K), and the single-capacity network then overstates the daily
        swing (heating 5.0 MWh vs 3.99-4.50 in Annex B8).

    Returns
    -------
    ZoneParameters
    """
    base = case.upper().removesuffix("FF")
    if base not in _BESTEST_LAYERS:
        raise ValueError(f"unknown BESTEST case {case!r}; expected 600, 900, 600FF or 900FF")
    if capacity not in ("element", "iso13790"):
        raise ValueError(f"capacity must be 'element' or 'iso13790', got {capacity!r}")
    kap = _kappa_element if capacity == "element" else _kappa
    lay = _BESTEST_LAYERS[base]
    a_floor, a_roof = 48.0, 48.0
    walls = {"south": 8 * 2.7 - 12.0, "north": 8 * 2.7, "east": 6 * 2.7, "west": 6 * 2.7}
    a_wall = sum(walls.values())
    a_t = a_floor + a_roof + a_wall + 12.0
    parts = [(a_wall, kap(lay["wall"])), (a_roof, kap(lay["roof"])), (a_floor, kap(lay["floor"]))]
    c_m = sum(a * k for a, k in parts)
    a_m = c_m**2 / sum(a * k**2 for a, k in parts)
    opaque = tuple((_AZIMUTH[o], 90.0, a, _BESTEST_U["wall"], 0.6, 0.5) for o, a in walls.items())
    opaque += ((180.0, 0.0, a_roof, _BESTEST_U["roof"], 0.6, 1.0),
               (180.0, 180.0, a_floor, _BESTEST_U["floor"], 0.0, 0.0))
    return ZoneParameters(
        floor_area_m2=a_floor, volume_m3=8 * 6 * 2.7, internal_area_m2=a_t, mass_area_m2=a_m,
        heat_capacity_j_k=c_m, windows=((180.0, 90.0, 12.0),), u_window_w_m2k=_BESTEST_U["window"],
        g_window=BESTEST_SHGC_2020, opaque=opaque, infiltration_ach=0.5,
        rho_c_air_j_m3k=RHO_C_AIR_SEA_LEVEL * air_density_factor(elevation_m),
        convective_fraction=0.4, glazing_panes=2)


def simulate_bestest(case: str, weather: pd.DataFrame, latitude: float, longitude: float,
                     elevation_m: float = 1650.0) -> pd.DataFrame:
    """Run a BESTEST case: 20/27 °C ideal control (600, 900) or free float (…FF).

    Returns
    -------
    pandas.DataFrame
        ``q_heating_kw, q_cooling_kw, t_indoor_c`` indexed like ``weather``.
    """
    params = bestest_case(case, elevation_m)
    sun = solar_geometry(weather.index, latitude, longitude)
    win, opq = solar_gains_w(params, weather, sun)
    ff = case.upper().endswith("FF")
    res = simulate_5r1c(params, weather["temp_air"].to_numpy(), 200.0, win,
                        -np.inf if ff else 20.0, np.inf if ff else 27.0, phi_sol_opaque_w=opq)
    phi = res["phi_hc_w"]
    return pd.DataFrame({"q_heating_kw": np.clip(phi, 0, None) / 1e3,
                         "q_cooling_kw": np.clip(-phi, 0, None) / 1e3,
                         "t_indoor_c": res["theta_air"]}, index=weather.index)


# --------------------------------------------------------------------------- buildings
#: Column names, units and long names of :func:`building_loads`.
LOAD_COLUMNS = {
    "q_heating_kw": ("kW", "space heating the HVAC delivers (within its heating capacity)"),
    "q_cooling_kw": ("kW", ("space cooling the HVAC delivers: sensible (within its sensible cooling capacity) "
                            "plus latent")),
    "q_cooling_latent_kw": ("kW", ("latent part of q_cooling_kw: drying the outdoor air (the larger of fresh air "
                                   "and infiltration) and the occupants' moisture to the humidity limit "
                                   "(cooling_rh_max_pct) at the cooling setpoint")),
    "p_lighting_kw": ("kW", "lighting electricity"),
    "p_equipment_kw": ("kW", "plug/IT equipment electricity of the building"),
    "q_dhw_kw": ("kW", "domestic hot water heat demand"),
    "p_dhw_kw": ("kW", "electricity of a decentral building's water heaters (0 on a central plant)"),
    "p_hvac_baseline_kw": ("kW", "electricity of the declared decentral HVAC for heating and cooling (0 for "
                                 "central plants: the chillers' and heat pumps' electricity is in their dispatch)"),
    "q_heating_nonelectric_kw": ("kW", "space heat delivered by fuel or district heat"),
    "fuel_heating_kw": ("kW", "district heat bought for the heating (0 for chiller_boiler: the heat network's "
                              "boilers burn the fuel, in their dispatch)"),
    "t_indoor_c": ("degC", "indoor air temperature"),
}

#: Per-building results of :func:`building_loads` (``attrs``) that :func:`park_building_loads`
#: stores as variables over ``building``: units and long names.
BUILDING_COLUMNS = {
    "heating_capacity_kw": ("kW", "heating capacity of the HVAC (all identical buildings)"),
    "heating_design_load_kw": ("kW", "design heating load at the design outdoor temperature, no gains"),
    "design_outdoor_temp_c": ("degC", "heating design outdoor temperature (6th-coldest daily mean of a year)"),
    "unmet_heating_hours": ("h", "occupied hours with the air more than 0.5 K below the heating setpoint"),
    "occupied_heating_hours": ("h", "occupied hours of the heating season (occupied heating setpoint in force)"),
    "preheat_hours": ("h", "hours heated at the occupied setpoint before the operating hours (optimal start)"),
    "heating_intermittent_addition": ("1", "intermittent-heating addition to the design load (NaN: capacity given)"),
    "cooling_capacity_kw": ("kW", "sensible cooling capacity of the HVAC (all identical buildings)"),
    "cooling_design_load_kw": ("kW", "design sensible cooling load (peak ideal cooling, occupied hours <= design dry-bulb)"),
    "cooling_design_drybulb_c": ("degC", "cooling design outdoor dry-bulb (51st-hottest hour of a year)"),
    "design_temperature_years": ("1", ("years the design temperatures are averaged over (1: this weather year; "
                                       "a synthetic site: synthetic years of its climate)")),
    "unmet_cooling_hours": ("h", "occupied hours with the air more than 0.5 K above the cooling setpoint"),
    "occupied_cooling_hours": ("h", "occupied hours of the cooling season (occupied cooling setpoint in force)"),
    "cooling_sizing_margin": ("1", "sizing margin on the design cooling load (NaN: capacity given)"),
    "cooling_latent_peak_kw": ("kW", "highest hourly latent cooling (dehumidification; served beside the sensible capacity)"),
    "cooling_latent_share": ("1", "latent share of the year's cooling (q_cooling_latent_kw over q_cooling_kw)"),
    "cooling_rh_max_pct": ("%", "highest indoor relative humidity the cooling holds at its setpoint (latent load)"),
    "cooling_cop_seasonal": ("1", ("cooling delivered per electricity of a decentral system over the simulated year (cold "
                                   "stores: hour by hour from the outdoor air, cold_store_cop; the type's without "
                                   "cooling); NaN for central plants, whose chillers are in the dispatch, and "
                                   "hvac type none")),
    "refrigeration_min_condensing_c": ("degC", ("lowest condensing temperature of a cold store's refrigeration "
                                                "(hvac.refrigeration_min_condensing_c or the ASSUMED default); NaN "
                                                "for other buildings")),
}
#: Per-building labels of :func:`building_loads` (``attrs``) that :func:`park_building_loads`
#: stores as coordinates over ``building``.
CAPACITY_LABELS = (*(f"{m}_capacity_{k}" for m in ("heating", "cooling") for k in ("note", "note_zh", "source")),
                   "cooling_latent_basis", "cooling_rh_source", "cooling_cop_source")

DHW_DELTA_T_K = 50.0  # cold water 10 °C heated to 60 °C (GB 50015-2019 design hot water temperature)
COLD_STORE_COOLING_COP = 1.8  # project default seasonal COP of -18 °C refrigeration [-]
#: Setpoint the cold-store COP of :data:`COLD_STORE_COOLING_COP` is for [°C].
COLD_STORE_REFERENCE_C = -18.0
#: Evaporating temperature below a cold store's air setpoint, the condensing temperature at which
#: :data:`COLD_STORE_COOLING_COP` holds, the condenser's approach to the outdoor air and the lowest
#: condensing temperature of :func:`cold_store_cop` [K, °C]: ASSUMED engineering values (project
#: assumption), not a standard's. 1.8 at -28 °C evaporating and 40 °C condensing is half the Carnot
#: COP, the project's electric chillers' default (``ChillerSpec.carnot_efficiency``), whose condenser
#: approach is also 10 K: 40 °C is the condensing temperature at 30 °C outdoors.
COLD_STORE_EVAPORATOR_APPROACH_K = 10.0
COLD_STORE_CONDENSING_C = 40.0
COLD_STORE_CONDENSER_APPROACH_K = 10.0
COLD_STORE_MIN_CONDENSING_C = 25.0
HEAT_RECOVERY_ULTRA_LOW = 0.75  # project default sensible heat recovery of ultra-low buildings [-]


#: Building types that GB 55015-2021 treats as industrial buildings; with
#: construction_era="current" they get the industrial envelope limits
#: (``<zone>/current-industrial``) instead of the class A public-building ones.
INDUSTRIAL_TYPES = ("factory", "warehouse")

#: Building types that GB 55015-2021 treats as residential buildings (居住建筑: JGJ 26-2018
#: covers 集体宿舍); with construction_era="current" they get the residential envelope limits
#: (``<zone>/current-residential``, 4 storeys or more, or ``<zone>/current-residential-low``,
#: 3 storeys or fewer, where the zone's limits differ by storeys) instead of the class A
#: public-building ones.
RESIDENTIAL_TYPES = ("dormitory",)


#: Share of a data room's IT heat released to the air node [-]: air-cooled servers blow
#: their heat into the room air, so it is taken as fully convective, as EnergyPlus does for
#: ``ElectricEquipment:ITE:AirCooled`` (gains to the zone or return air; the object has no
#: radiant-fraction field, unlike ``ElectricEquipment``). With ISO 13790's 0.5 (C.2) half of
#: 400 W/m2 went to the surface and mass nodes, whose high temperature then pushed heat out
#: through the envelope: cooling came out at 0.87-0.96 of the IT load and colder, better
#: insulated sites needed more of it (tests/test_buildings_data_room.py).
IT_CONVECTIVE_FRACTION = 1.0


#: GB 50176-2016 sub-zone -> the climate-zone code of GB 55015-2021's tables (1A..5B)
SUBZONE_CODES = {"严寒A": "1A", "严寒B": "1B", "严寒C": "1C", "寒冷A": "2A", "寒冷B": "2B",
                 "夏热冬冷A": "3A", "夏热冬冷B": "3B", "夏热冬暖A": "4A", "夏热冬暖B": "4B",
                 "温和A": "5A", "温和B": "5B"}


def envelope_for(spec: BuildingSpec, zone: str, subzone: str | None = None) -> pd.Series:
    """Envelope preset row used by ``spec`` in climate zone ``zone``.

    ``envelope="auto"`` picks ``cold_store_panel`` for cold stores,
    ``<zone>/current-industrial`` for factories and warehouses of the current era
    (GB 55015-2021 industrial-building limits), ``<zone>/current-residential`` for
    dormitories of the current era (residential-building limits; ``-low`` for 3 storeys or
    fewer where the zone has such limits) and ``<zone>/<era>`` otherwise; with the
    site's GB 50176 ``subzone`` (e.g. 寒冷A), the sub-zone's own preset where GB 55015-2021
    sets other limits for it (``<key>/<code>``: 1C public, 1A and 2A industrial, 1A, 1C,
    2A, 3B and 5B residential).
    """
    presets = envelope_presets()
    if spec.envelope != "auto":
        key = spec.envelope
    elif spec.type == "cold_store":
        key = "cold_store_panel"
    elif spec.type in INDUSTRIAL_TYPES and spec.construction_era == "current":
        key = f"{zone}/current-industrial"
    elif spec.type in RESIDENTIAL_TYPES and spec.construction_era == "current":
        key = f"{zone}/current-residential"
        if spec.storeys <= 3 and f"{key}-low" in presets.index:
            key = f"{key}-low"
    else:
        key = f"{zone}/{spec.construction_era}"
    code = SUBZONE_CODES.get(subzone or "")
    if spec.envelope == "auto" and code and f"{key}/{code}" in presets.index:
        key = f"{key}/{code}"
    row = presets.loc[key].copy()
    row["key"] = key
    given = spec.envelope_values.given() if spec.envelope_values is not None else {}
    for k, v in given.items():
        row[k] = v
    row["from_scenario"] = ",".join(given)
    return row


#: preset fields checked against a source, by the ``verified`` level of envelopes.csv
#: (``secondary_partial`` rows: wall and roof limits read from a secondary transcription
#: of GB 55015-2021; see their check notes)
CHECKED_FIELDS = {"yes": ENVELOPE_FIELDS, "secondary_partial": ("u_wall_w_m2k", "u_roof_w_m2k")}


def envelope_note(row: pd.Series, lang: str = "en") -> str:
    """Where the envelope values of a building come from, for the outputs.

    Names the preset and its source, the fields checked against a source, the fields
    that are as recalled or project assumptions (``envelopes.csv``), and the fields the
    scenario replaced (``BuildingSpec.envelope_values``); ``lang="zh"`` in Chinese (the
    preset's ``source_zh``).
    """
    zh = lang == "zh"
    given = [k for k in str(row.get("from_scenario", "")).split(",") if k]
    if len(given) == len(ENVELOPE_FIELDS):
        return ("围护结构参数全部取自情景（envelope_values）" if zh
                else "all envelope values from the scenario (envelope_values)")
    checked = [k for k in CHECKED_FIELDS.get(row["verified"], ()) if k not in given]
    unchecked = [k for k in ENVELOPE_FIELDS if k not in given and k not in checked]
    source = row.get("source_zh") if zh and isinstance(row.get("source_zh"), str) else row["source"]
    parts = [f"预设 {row['key']}：{source}" if zh else f"preset {row['key']}: {source}"]
    if checked:
        if zh:
            level = "所引标准" if row["verified"] == "yes" else "标准的二次转录"
            parts.append(f"已与{level}核对：{', '.join(checked)}")
        else:
            level = "the cited source" if row["verified"] == "yes" else "a secondary transcription"
            parts.append(f"checked against {level}: {', '.join(checked)}")
    if unchecked:
        parts.append(f"按记忆录入或为项目假定、未核实：{', '.join(unchecked)}（可在 buildings[].envelope_values "
                     f"中填写设计值）" if zh else
                     f"as recalled or project assumptions, not verified: {', '.join(unchecked)} "
                     "(buildings[].envelope_values takes design values)")
    if given:
        parts.append(f"取自情景：{', '.join(given)}" if zh else f"from the scenario: {', '.join(given)}")
    return ("；" if zh else "; ").join(parts)


def _window_wall_ratios(spec: BuildingSpec, default: float) -> dict[str, float]:
    w = spec.window_wall_ratio
    if w is None:
        return {o: default for o in ORIENTATIONS}
    if isinstance(w, dict):
        return {o: float(w.get(o, default)) for o in ORIENTATIONS}
    return {o: float(w) for o in ORIENTATIONS}


def zone_parameters(spec: BuildingSpec, zone: str, elevation_m: float = 0.0,
                    subzone: str | None = None) -> ZoneParameters:
    """5R1C parameters of one building of ``spec`` in climate zone ``zone``.

    Geometry: rectangular footprint A_f/storeys with the type's aspect ratio, long
    facades facing south/north (rotated by ``orientation_deg``), height storeys x
    storey height; internal surface area A_t = 4.5 A_f (ISO 13790 7.2.2.2); mass
    from the ISO 13790 Table 12 class of the type; ground floor coupled to the
    ground; roof solar absorptance 0.7, walls 0.6 (project defaults).
    """
    tp = type_presets().loc[spec.type]
    env = envelope_for(spec, zone, subzone)
    a_f = spec.floor_area_m2
    foot = a_f / spec.storeys
    length = float(np.sqrt(foot * tp["aspect_ratio"]))
    width = foot / length
    height = spec.storeys * float(tp["storey_height_m"])
    facade = {"south": length * height, "north": length * height,
              "east": width * height, "west": width * height}
    wwr = _window_wall_ratios(spec, float(tp["window_wall_ratio"]))
    windows, opaque = [], []
    for o in ORIENTATIONS:
        az = (_AZIMUTH[o] + spec.orientation_deg) % 360.0
        a_win = wwr[o] * facade[o]
        windows.append((az, 90.0, a_win))
        opaque.append((az, 90.0, facade[o] - a_win, float(env["u_wall_w_m2k"]), 0.6, 0.5))
    opaque.append((180.0, 0.0, foot, float(env["u_roof_w_m2k"]), 0.7, 1.0))
    kappa, am_ratio = MASS_CLASSES[tp["mass_class"]]
    return ZoneParameters(
        floor_area_m2=a_f, volume_m3=a_f * float(tp["storey_height_m"]),
        internal_area_m2=4.5 * a_f, mass_area_m2=am_ratio * a_f, heat_capacity_j_k=kappa * a_f,
        windows=tuple(windows), u_window_w_m2k=float(env["u_window_w_m2k"]),
        g_window=float(env["shgc"]), opaque=tuple(opaque),
        ground=((foot, float(env["u_floor_w_m2k"])),),
        infiltration_ach=float(env["infiltration_ach"]),
        rho_c_air_j_m3k=RHO_C_AIR_SEA_LEVEL * air_density_factor(elevation_m),
        convective_fraction=0.5, glazing_panes=2)


def _season_mask(index: pd.DatetimeIndex, season: tuple[str, str]) -> np.ndarray:
    md = index.month.to_numpy() * 100 + index.day.to_numpy()
    a, b = _mmdd(season[0]), _mmdd(season[1])
    return (md >= a) & (md <= b) if a <= b else (md >= a) | (md <= b)


def day_classes(spec_type: str, day_types: pd.Series) -> np.ndarray:
    """True where the type runs its working-day schedule.

    Workdays (incl. swapped working weekends) are working days; Saturdays too for
    types with ``saturday_works``; Sundays and public holidays use the off-day
    schedule.
    """
    dt = np.asarray(day_types, dtype=object)
    work = dt == "workday"
    if str(type_presets().loc[spec_type, "saturday_works"]) == "yes":
        work |= dt == "saturday"
    return work


def schedules(spec_type: str, index: pd.DatetimeIndex, day_types: pd.Series) -> dict[str, np.ndarray]:
    """Hourly schedule fractions [-] of a building type on ``index``.

    Returns
    -------
    dict of numpy.ndarray
        ``occupancy, lighting, equipment, hvac, dhw`` and ``dhw_norm`` (the daily
        sum of the working-day hot-water profile, for normalisation).
    """
    sch = schedule_presets().loc[spec_type]
    hours = index.hour.to_numpy()
    work = day_classes(spec_type, day_types)
    out = {}
    for q in ("occupancy", "lighting", "equipment", "hvac", "dhw"):
        w = sch.loc[("work", q)].to_numpy(dtype=float)
        o = sch.loc[("off", q)].to_numpy(dtype=float)
        out[q] = np.where(work, w[hours], o[hours])
    out["dhw_norm"] = float(sch.loc[("work", "dhw")].to_numpy(dtype=float).sum())
    return out


def _setpoint(value, default) -> float | None:
    if value is not None:
        return float(value)
    return None if pd.isna(default) else float(default)


#: Days a year the heating design outdoor temperature is not guaranteed (GB 50736-2012 4.1.2,
#: :data:`weather.design.DESIGN_DAYS_NOT_GUARANTEED`) [d].
DESIGN_DAYS_NOT_GUARANTEED = _wdesign.DESIGN_DAYS_NOT_GUARANTEED
#: Default intermittent-heating addition (间歇附加率) to the design heating load of buildings
#: heated only while in use [-]. GB 50736-2012 5.2.8 sets such an addition for intermittently
#: heated buildings (clause found in a secondary transcription); the value 0.2 for buildings
#: used only in the daytime (0.3 for buildings not often used, not applied here) is as
#: recalled and was NOT verified against the text: a configurable project parameter
#: (``hvac.heating_intermittent_addition``). The clause adds it to the envelope heat loss;
#: here it multiplies the whole design load, ventilation included (a slightly larger capacity).
INTERMITTENT_HEATING_ADDITION = 0.2
#: Default longest optimal start of the occupied heating setpoint before the operating hours
#: [h] (``hvac.preheat_max_h`` overrides), chosen by measurement (2026-12-05, the bundled
#: examples and a 62 000 m2 Harbin office): against no preheat, 3 h cut the unmet occupied
#: hours of the offices from 24-76 to 7-27 a year (Harbin 76 -> 27 of 1625) for 1.5-2.7 %
#: more heat (Guangzhou's 2 -> 0 h for 4.4 % of its small 120 MWh), and those of the
#: lightweight Suzhou factory halls from 73 to 14 for 11 % more; 6 h brought them to 0-2 h
#: for another 0.5-0.9 % (offices) and 2.4 % (factory).
PREHEAT_MAX_H = 3
#: An occupied hour is unmet when the air is more than this below the heating setpoint (above
#: the cooling setpoint) [K].
UNMET_TOLERANCE_K = 0.5
#: Hours a year the cooling design dry-bulb is not guaranteed (GB 50736-2012 4.1.6,
#: :data:`weather.design.COOLING_DESIGN_HOURS_NOT_GUARANTEED`) [h].
COOLING_DESIGN_HOURS_NOT_GUARANTEED = _wdesign.COOLING_DESIGN_HOURS_NOT_GUARANTEED
#: Default margin on the design cooling load for the cooling capacity [-]
#: (``hvac.cooling_sizing_margin`` overrides). ASSUMED, a project parameter: GB 50736-2012
#: 8.2.2 is recalled (NOT verified) to choose electric chillers from the calculated cooling load
#: without an addition and to allow at most 1.1 x that load where unit sizes do not match;
#: 0.1 is that recalled upper bound, not a value the standard prescribes.
COOLING_SIZING_MARGIN = 0.1


def heating_design_temperature_c(weather: pd.DataFrame) -> float:
    """Heating design outdoor temperature of one weather year [°C].

    GB 50736-2012 4.1.2 defines 供暖室外计算温度 as the daily mean temperature not
    guaranteed on :data:`DESIGN_DAYS_NOT_GUARANTEED` days a year averaged over the record
    years; of one year at hand, the 6th-coldest daily mean (a shorter series scales the count,
    down to its coldest day; :func:`weather.design.coldest_daily_mean_c`). A synthetic site's
    design value is the mean over several synthetic years of its climate
    (``WeatherMeta.design_temperatures``, which :func:`park_building_loads` is given).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``temp_air`` [°C] on a DatetimeIndex.

    Returns
    -------
    float
        Design outdoor temperature [°C].
    """
    return _wdesign.coldest_daily_mean_c(weather["temp_air"], DESIGN_DAYS_NOT_GUARANTEED)


def cooling_design_temperature_c(weather: pd.DataFrame) -> float:
    """Cooling design outdoor dry-bulb temperature of one weather year [°C].

    GB 50736-2012 4.1.6 defines 夏季空调室外计算干球温度 as the dry-bulb not guaranteed for
    :data:`COOLING_DESIGN_HOURS_NOT_GUARANTEED` hours a year averaged over the record years;
    of one year at hand, the 51st-hottest hour (a shorter series scales the count, down to its
    hottest hour; :func:`weather.design.extreme_hour_c`). A synthetic site's design value is the
    mean over several synthetic years of its climate (``WeatherMeta.design_temperatures``).
    The design wet-bulb (4.1.7) is not used: the latent load comes from each hour's humidity
    (:func:`latent_cooling_load_w`).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``temp_air`` [°C].

    Returns
    -------
    float
        Design outdoor dry-bulb temperature [°C].
    """
    return _wdesign.extreme_hour_c(weather["temp_air"].to_numpy(), COOLING_DESIGN_HOURS_NOT_GUARANTEED)


def design_cooling_load_w(cooling_w: np.ndarray, temp_out_c: np.ndarray, occupied: np.ndarray,
                          design_temp_c: float) -> float:
    """Design sensible cooling load of a building [W]: the peak of its ideal (unlimited) cooling
    ``cooling_w`` [W, >= 0] over the ``occupied`` cooling hours whose outdoor dry-bulb
    ``temp_out_c`` [°C] is at or below ``design_temp_c`` (:func:`cooling_design_temperature_c`);
    0 without such hours.

    :func:`building_loads` passes the cooling of the room held at its occupied setpoint around
    the clock (the constant room temperature of a design cooling-load calculation), so the
    pull-down after a night's or weekend's setback does not enter the design load, as the
    morning recovery does not enter the steady-state design heating load."""
    sel = np.asarray(occupied, dtype=bool) & (np.asarray(temp_out_c, dtype=float) <= design_temp_c)
    return float(np.max(np.asarray(cooling_w, dtype=float)[sel], initial=0.0))


#: Latent heat of vaporisation of water at 0 °C, the reference of the moist-air enthalpy
#: h = 1.006 t + W (2501 + 1.86 t) [kJ/kg] (ASHRAE Handbook - Fundamentals 2017, ch. 1, eq. 32):
#: a latent load is this times the water the cooling coil condenses [J/kg].
LATENT_HEAT_WATER_J_KG = 2.501e6
#: Specific heat of dry air of the same equation [J/(kg K)]; the zone's volumetric heat capacity
#: (``ZoneParameters.rho_c_air_j_m3k``) over it is the air's density [kg/m3].
CP_DRY_AIR_J_KG_K = 1006.0
#: Highest indoor relative humidity the cooling holds [-], by comfort class of GB 50736-2012
#: Table 3.0.2 (read from a secondary transcription of the table): class I in cooling is
#: 24-26 °C and 40-60 %, class II 26-28 °C and at most 70 %.
INDOOR_RH_MAX_COOLING = 0.60
INDOOR_RH_MAX_COOLING_CLASS_II = 0.70
#: Cooling setpoints above this are comfort class II of GB 50736-2012 Table 3.0.2 [°C].
CLASS_I_COOLING_MAX_C = 26.0


def cooling_humidity_limit(cooling_setpoint_c: float | None, given_pct: float | None = None) -> tuple[float, str]:
    """Highest indoor relative humidity the cooling holds [-] and where it comes from: the
    scenario's ``setpoints.cooling_rh_max_pct`` [%] if given (``"scenario"``), else the comfort
    class its cooling setpoint [°C] falls in (GB 50736-2012 Table 3.0.2): up to 26 °C class I,
    :data:`INDOOR_RH_MAX_COOLING` (``"class I"``); above, class II,
    :data:`INDOOR_RH_MAX_COOLING_CLASS_II` (``"class II"``)."""
    if given_pct is not None:
        return given_pct / 100.0, "scenario"
    if cooling_setpoint_c is not None and cooling_setpoint_c > CLASS_I_COOLING_MAX_C:
        return INDOOR_RH_MAX_COOLING_CLASS_II, "class II"
    return INDOOR_RH_MAX_COOLING, "class I"
#: Building types whose cooling refrigerates goods, not people: the moisture their air brings
#: freezes on the evaporator and is removed by defrosting, which the type's equipment power
#: (fans and defrost) carries; they get no latent comfort load.
REFRIGERATED_TYPES = ("cold_store",)


def latent_cooling_load_w(temp_out_c, rh_out_pct, pressure_pa: float, outdoor_air_kg_s, moisture_gain_w,
                          indoor_temp_c: float, indoor_rh_max: float = INDOOR_RH_MAX_COOLING):
    """Latent cooling load [W] of a zone whose cooling keeps its air at most ``indoor_rh_max``
    humid at ``indoor_temp_c`` (dehumidification by the cooling coil).

    Steady moisture balance of the room air, without moisture storage in the room:

        Phi_lat = h_fg max(0, m_a (W_out - W_max) + G_int),  G_int = moisture_gain_w / h_fg

    with ``m_a`` the dry air entering from outdoors [kg/s],
    ``W_out`` its humidity ratio, ``W_max`` that of the room air at ``indoor_temp_c`` and
    ``indoor_rh_max``, both [kg/kg] (:func:`weather.stats.humidity_ratio`, saturation by the
    Magnus form of :func:`weather.stats.vapour_pressure`), and ``h_fg`` =
    :data:`LATENT_HEAT_WATER_J_KG`. Outdoor air drier than the room takes up the occupants'
    moisture, so the load is zero until their moisture exceeds what it can absorb.

    Parameters
    ----------
    temp_out_c : array_like
        Outdoor dry-bulb [°C].
    rh_out_pct : array_like
        Outdoor relative humidity [%].
    pressure_pa : float
        Atmospheric pressure at the site [Pa] (:func:`weather.io.station_pressure`).
    outdoor_air_kg_s : array_like
        Dry air entering the zone from outdoors [kg/s]; 0 in the hours the coil does not run.
    moisture_gain_w : array_like
        Latent gains in the room (occupants' moisture) [W]; 0 in the hours the coil does not run.
    indoor_temp_c : float
        Room air temperature the humidity limit refers to (the occupied cooling setpoint) [°C].
    indoor_rh_max : float
        Highest room relative humidity [-].

    Returns
    -------
    numpy.ndarray
        Latent load [W], >= 0.
    """
    from weather.stats import humidity_ratio, vapour_pressure

    t = np.asarray(temp_out_c, dtype=float)
    pw_out = np.clip(np.asarray(rh_out_pct, dtype=float), 0.0, 100.0) / 100.0 * vapour_pressure(t)
    w_out = humidity_ratio(pw_out, pressure_pa)
    w_max = humidity_ratio(indoor_rh_max * vapour_pressure(indoor_temp_c), pressure_pa)
    moisture_kg_s = (np.asarray(outdoor_air_kg_s, dtype=float) * (w_out - w_max)
                     + np.asarray(moisture_gain_w, dtype=float) / LATENT_HEAT_WATER_J_KG)
    return LATENT_HEAT_WATER_J_KG * np.clip(moisture_kg_s, 0.0, None)


def _capacity(given_w_m2: float | None, floor_area_m2: float, design_w: float, factor: float | None,
              default_factor: float) -> dict:
    """A capacity [W] and how it was set: the scenario's ``given_w_m2`` x floor area, else
    ``design_w`` x (1 + ``factor``, default ``default_factor``) (heating: the intermittent
    addition; cooling: the sizing margin)."""
    if given_w_m2 is not None:
        return {"capacity_w": given_w_m2 * floor_area_m2, "design_load_w": design_w, "addition": None,
                "source": "scenario"}
    add = default_factor if factor is None else factor
    return {"capacity_w": design_w * (1.0 + add), "design_load_w": design_w, "addition": float(add),
            "source": "design"}


def cooling_capacity(spec: BuildingSpec, design_load_w: float) -> dict:
    """Sensible cooling capacity of one building of ``spec`` [W] and how it was set.

    The scenario's ``hvac.cooling_capacity_w_m2`` x floor area if given; otherwise the design
    cooling load ``design_load_w`` (:func:`design_cooling_load_w`) x (1 +
    ``hvac.cooling_sizing_margin``, default :data:`COOLING_SIZING_MARGIN`, ASSUMED).

    Returns
    -------
    dict
        As :func:`heating_capacity` (``addition`` is the sizing margin).
    """
    return _capacity(spec.hvac.cooling_capacity_w_m2, spec.floor_area_m2, design_load_w,
                     spec.hvac.cooling_sizing_margin, COOLING_SIZING_MARGIN)


def heating_capacity(spec: BuildingSpec, params: ZoneParameters, setpoint_c: float | None,
                     design_temp_c: float, h_ve_design_w_k: float, intermittent: bool) -> dict:
    """Heating capacity of one building of ``spec`` [W] and how it was set.

    The scenario's ``hvac.heating_capacity_w_m2`` x floor area if given; otherwise the design
    heating load, the steady-state conductance (:func:`steady_state_conductance_w_k`, with the
    design mechanical ventilation ``h_ve_design_w_k``) x (occupied heating setpoint -
    ``design_temp_c``), no internal or solar gains (GB 50736-2012 5.2 practice), times
    1 + the intermittent-heating addition (:data:`INTERMITTENT_HEATING_ADDITION` for an
    ``intermittent`` building, else 0; ``hvac.heating_intermittent_addition`` overrides).

    Returns
    -------
    dict
        ``capacity_w``, ``design_load_w`` [W], ``addition`` [-] (None when the scenario
        gave the capacity) and ``source`` (``"scenario"`` or ``"design"``).
    """
    h = steady_state_conductance_w_k(params, h_ve_design_w_k)
    design = h * max((setpoint_c if setpoint_c is not None else design_temp_c) - design_temp_c, 0.0)
    return _capacity(spec.hvac.heating_capacity_w_m2, spec.floor_area_m2, design,
                     spec.hvac.heating_intermittent_addition, INTERMITTENT_HEATING_ADDITION if intermittent else 0.0)


def capacity_note(attrs: dict, floor_area_m2: float, mode: str = "heating", lang: str = "en") -> str:
    """How a building's heating or cooling (``mode``) capacity was set and what it costs in comfort,
    for the outputs: the report's line (:func:`twin.report_text.capacity_line`) with its label.

    ``attrs`` are those of :func:`building_loads`; ``floor_area_m2`` of all its buildings.
    """
    from twin.report_text import capacity_line, text

    if attrs[f"{mode}_capacity_source"] == "none":
        return text(f"no_{mode}", lang)
    row = dict(attrs)
    row[f"{mode}_capacity_w_m2"] = attrs[f"{mode}_capacity_kw"] * 1e3 / floor_area_m2
    return f"{text(f'{mode}_capacity_of', lang)}{'：' if lang == 'zh' else ': '}{capacity_line(row, lang, mode)}"


def condensing_floor_c(min_condensing_c: float | None = None) -> float:
    """Lowest condensing temperature of a cold store's refrigeration [°C]: the scenario's
    ``hvac.refrigeration_min_condensing_c``, else :data:`COLD_STORE_MIN_CONDENSING_C` (ASSUMED)."""
    return COLD_STORE_MIN_CONDENSING_C if min_condensing_c is None else float(min_condensing_c)


def cooling_setpoint_c(spec: BuildingSpec) -> float | None:
    """A building's occupied cooling setpoint [°C]: its ``setpoints.cooling_c``, else its type's (None: not
    cooled)."""
    return _setpoint(spec.setpoints.cooling_c, type_presets().loc[spec.type, "cooling_setpoint_c"])


def cold_store_condensing_c(temp_air_c, min_condensing_c: float | None = None):
    """Condensing temperature of a cold store's air-cooled refrigeration [°C]: the outdoor air [°C]
    plus :data:`COLD_STORE_CONDENSER_APPROACH_K`, not below ``min_condensing_c`` [°C]
    (:func:`condensing_floor_c`: the head pressure floats down to a floor)."""
    return np.maximum(np.asarray(temp_air_c, dtype=float) + COLD_STORE_CONDENSER_APPROACH_K,
                      condensing_floor_c(min_condensing_c))


def cold_store_cop(setpoint_c: float, condensing_c=COLD_STORE_CONDENSING_C):
    """COP of a cold store's refrigeration at an air setpoint [°C] and a condensing temperature
    [°C, scalar or hourly array] -> [-].

    :data:`COLD_STORE_COOLING_COP` (1.8, project default) holds at -18 °C and 40 °C condensing; other
    conditions scale it with the Carnot COP between the evaporating temperature (setpoint less
    :data:`COLD_STORE_EVAPORATOR_APPROACH_K`) and the condensing temperature, both ASSUMED: at 40 °C
    a chilled store at 0 °C gets 2.6, at +4 °C 2.9, a deep-freeze store at -25 °C 1.6; the -18 °C store
    at 25 °C condensing (the default floor, outdoors at 15 °C or below) 2.3. The hourly condensing
    temperature is :func:`cold_store_condensing_c`."""
    def carnot(t_set: float, t_cond):
        te = t_set - COLD_STORE_EVAPORATOR_APPROACH_K + 273.15
        return te / (np.asarray(t_cond, dtype=float) + 273.15 - te)

    cop = (COLD_STORE_COOLING_COP * carnot(float(setpoint_c), condensing_c)
           / carnot(COLD_STORE_REFERENCE_C, COLD_STORE_CONDENSING_C))
    return float(cop) if np.ndim(cop) == 0 else cop


def dhw_on_network(hvac: HVACSpec) -> bool:
    """Whether a building's hot water is on the park's heat network: a ``chiller_boiler`` plant's,
    or a decentral building's with ``dhw_supply: network``."""
    return hvac.type == "chiller_boiler" or hvac.dhw_supply == "network"


def dhw_efficiency(spec: BuildingSpec) -> float | None:
    """Hot water heat per electricity of a building's water heaters [-]: ``hvac.dhw_efficiency`` or the
    type's default (``hvac.csv``, ASSUMED); None for hot water from a central plant or the heat
    network (:func:`dhw_on_network`) or bought as district heat."""
    if dhw_on_network(spec.hvac):
        return None
    if spec.hvac.dhw_efficiency is not None:
        return float(spec.hvac.dhw_efficiency)
    v = hvac_presets().loc[spec.hvac.type, "dhw_efficiency"]
    return None if pd.isna(v) else float(v)


def dhw_electricity_kw(spec: BuildingSpec, q_dhw_kw) -> np.ndarray:
    """Electricity of a decentral building's water heaters [kW]: its hot water demand [kW] over
    :func:`dhw_efficiency`; zeros for central plants."""
    eff = dhw_efficiency(spec)
    q = np.asarray(q_dhw_kw, dtype=float)
    return np.zeros_like(q) if eff is None else q / eff


def building_loads(spec: BuildingSpec, weather: pd.DataFrame, latitude: float, longitude: float,
                   *, day_types: pd.Series | None = None, elevation_m: float = 0.0,
                   zone: str | None = None, sun: pd.DataFrame | None = None,
                   subzone: str | None = None, design_temp_c: float | None = None,
                   cooling_design_temp_c: float | None = None, design_years: int = 1) -> pd.DataFrame:
    """Hourly loads of ``spec.count`` identical buildings.

    Parameters
    ----------
    spec : BuildingSpec
    weather : pandas.DataFrame
        Hourly weather (start-of-hour index) with ``ghi, dni, dhi, temp_air``
        [W/m2, °C].
    latitude, longitude : float
        Site [deg north, deg east].
    day_types : pandas.Series, optional
        Day type per step (``workday/saturday/sunday/holiday``); default
        :func:`twin.components.calendar.china_day_types` of the index.
    elevation_m : float
        Site elevation for the air density [m].
    zone : str, optional
        Climate zone; default :func:`climate_zone` of the weather.
    sun : pandas.DataFrame, optional
        Precomputed :func:`solar_geometry` (to share between buildings).
    subzone : str, optional
        GB 50176 sub-zone (e.g. 寒冷A) for the sub-zone presets of :func:`envelope_for`.
    design_temp_c : float, optional
        Heating design outdoor temperature [°C]; default
        :func:`heating_design_temperature_c` of ``weather``.
    cooling_design_temp_c : float, optional
        Cooling design outdoor dry-bulb temperature [°C]; default
        :func:`cooling_design_temperature_c` of ``weather``.
    design_years : int
        How many years the given design temperatures are averaged over (1: this weather
        year's; a synthetic site's climate, ``WeatherMeta.design_temperatures["years"]``), for
        the outputs' wording.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`LOAD_COLUMNS` [kW, °C] indexed like ``weather``; ``attrs``
        hold the climate zone, envelope preset and its source, the heating and cooling
        capacities [kW, all ``count`` buildings] and how they were set, and the unmet
        occupied heating (cooling) hours [h] (air more than :data:`UNMET_TOLERANCE_K`
        below the heating (above the cooling) setpoint while the HVAC operates in the
        season).

    Notes
    -----
    Heating/cooling are sensible loads of the 5R1C zone (:func:`simulate_5r1c`);
    heating is limited to the building's heating capacity (:func:`heating_capacity`)
    with an optimal start of up to :data:`PREHEAT_MAX_H` hours, cooling to its sensible
    cooling capacity (:func:`cooling_capacity`; a first run with ideal cooling and the
    occupied cooling setpoint held around the clock gives the design cooling load, the
    second clips to the capacity; no precooling). The latent load of drying the outdoor air
    (:func:`_latent_cooling`) and the occupants' moisture to the humidity limit
    (:func:`cooling_humidity_limit`: GB 50736-2012 Table 3.0.2's class of the setpoint) at the occupied
    cooling setpoint in the occupied cooling hours (:func:`latent_cooling_load_w`; none for
    refrigerated stores) is served in full beside the sensible capacity (a coil is chosen for
    both) and is part of ``q_cooling_kw`` (``q_cooling_latent_kw``). Fans and pumps are not
    included.
    ``p_hvac_baseline_kw`` = q_heating/COP (electric heating only) + q_cooling/COP for decentral
    systems; 0 for central plants (:data:`CENTRAL_PLANT_HVAC`), whose chillers and boilers are the
    park's (the optimiser's dispatch). Gas-boiler and district heating give
    ``q_heating_nonelectric_kw`` (heat delivered); ``fuel_heating_kw`` is the district heat bought
    (efficiency 1), 0 for chiller_boiler (the network's boilers burn the fuel).
    """
    missing = {"ghi", "dni", "dhi", "temp_air"} - set(weather.columns)
    if missing:
        raise ValueError(f"weather lacks columns {sorted(missing)}")
    index = weather.index
    if zone is None:
        zone = climate_zone(weather)
    if day_types is None:
        from twin.components.calendar import china_day_types

        day_types = china_day_types(index)
    if len(day_types) != len(index):
        raise ValueError(f"day_types has {len(day_types)} steps, weather {len(index)}")
    if sun is None:
        sun = solar_geometry(index, latitude, longitude)
    tp = type_presets().loc[spec.type]
    env = envelope_for(spec, zone, subzone)
    params = zone_parameters(spec, zone, elevation_m, subzone)
    sch = schedules(spec.type, index, day_types)
    a_f = spec.floor_area_m2

    persons = a_f / float(tp["occupant_density_m2_per_person"])
    lpd = spec.lighting_w_m2 if spec.lighting_w_m2 is not None else float(tp["lighting_w_m2"])
    epd = spec.equipment_w_m2 if spec.equipment_w_m2 is not None else float(tp["equipment_w_m2"])
    p_light = lpd * a_f * sch["lighting"]
    p_equip = epd * a_f * sch["equipment"]
    proc = (spec.process_internal_gain_w_m2 or 0.0) * a_f * sch["equipment"]
    phi_int = persons * float(tp["occupant_sensible_w"]) * sch["occupancy"] + p_light + p_equip + proc
    if spec.type == "data_room" and float(phi_int.sum()) > 0:
        # air-cooled IT hands its heat to the air stream; other gains keep ISO 13790's split
        conv = IT_CONVECTIVE_FRACTION * p_equip + params.convective_fraction * (phi_int - p_equip)
        params = replace(params, convective_fraction=float(conv.sum() / phi_int.sum()))

    fresh = persons * float(tp["fresh_air_m3_h_person"]) * sch["occupancy"] * (sch["hvac"] > 0)
    eta_hr = HEAT_RECOVERY_ULTRA_LOW if env["era"] == "ultra_low" else 0.0
    h_ve_mech = params.rho_c_air_j_m3k * fresh / 3600.0 * (1.0 - eta_hr)

    sp = spec.setpoints
    h_on = _setpoint(sp.heating_c, tp["heating_setpoint_c"])
    c_on = _setpoint(sp.cooling_c, tp["cooling_setpoint_c"])
    h_off = _setpoint(sp.heating_setback_c, tp["heating_setback_c"])
    c_off = _setpoint(sp.cooling_setback_c, tp["cooling_setback_c"])
    if h_on is not None and c_on is not None and h_on > c_on:
        raise ValueError(f"{spec.name}: heating setpoint {h_on} °C above cooling setpoint {c_on} °C")
    op = sch["hvac"] > 0
    heat_set = np.where(op, np.nan if h_on is None else h_on, np.nan if h_off is None else h_off)
    cool_set = np.where(op, np.nan if c_on is None else c_on, np.nan if c_off is None else c_off)
    seasons = season_presets().loc[zone]
    h_season = spec.heating_season or (seasons["heating_start_mmdd"], seasons["heating_end_mmdd"])
    c_season = spec.cooling_season or (seasons["cooling_start_mmdd"], seasons["cooling_end_mmdd"])
    heat_ok = _season_mask(index, h_season)
    if str(tp["year_round_cooling"]) == "yes" and spec.cooling_season is None:
        cool_ok = np.ones(len(index), dtype=bool)
    else:
        cool_ok = _season_mask(index, c_season)
    if spec.hvac.type == "none":
        heat_ok[:] = False
        cool_ok[:] = False
    heat_set = np.where(heat_ok & ~np.isnan(heat_set), heat_set, -np.inf)
    cool_set = np.where(cool_ok & ~np.isnan(cool_set), cool_set, np.inf)

    occupied_heating = op & heat_ok & (h_on is not None) & (spec.hvac.type != "none")
    if design_temp_c is None:
        design_temp_c = heating_design_temperature_c(weather)
    cap = heating_capacity(spec, params, h_on, design_temp_c, float(np.max(h_ve_mech, initial=0.0)),
                           intermittent=bool((heat_set[heat_ok] < (np.inf if h_on is None else h_on)).any()))

    win, opq = solar_gains_w(params, weather, sun)
    te = weather["temp_air"].to_numpy(dtype=float)
    sim = functools.partial(simulate_5r1c, params, te, phi_int, win, heat_set=heat_set, cool_set=cool_set,
                            h_ve_extra_w_k=h_ve_mech, phi_sol_opaque_w=opq,
                            heating_cap_w=cap["capacity_w"] if occupied_heating.any() else None,
                            preheat_max_h=PREHEAT_MAX_H if spec.hvac.preheat_max_h is None else spec.hvac.preheat_max_h,
                            preheat_tolerance_k=UNMET_TOLERANCE_K)
    occupied_cooling = op & cool_ok & (c_on is not None) & (spec.hvac.type != "none")
    if cooling_design_temp_c is None:
        cooling_design_temp_c = cooling_design_temperature_c(weather)
    if occupied_cooling.any():
        # design cooling load: ideal cooling of the room held at the occupied setpoint around the
        # clock in the cooling season (no pull-down after a night's setback), at its design hours
        held = sim(cool_set=np.where(cool_ok, c_on, np.inf))
        design_cool = design_cooling_load_w(np.clip(-held["phi_hc_w"], 0.0, None), te, occupied_cooling,
                                            cooling_design_temp_c)
    else:
        design_cool = 0.0
    ccap = cooling_capacity(spec, design_cool)
    res = sim(cooling_cap_w=ccap["capacity_w"] if occupied_cooling.any() else None)
    phi = res["phi_hc_w"]
    unmet = occupied_heating & (res["theta_air"] < heat_set - UNMET_TOLERANCE_K)
    unmet_cool = occupied_cooling & (res["theta_air"] > cool_set + UNMET_TOLERANCE_K)
    n = spec.count
    q_heat = np.clip(phi, 0.0, None) * n / 1e3
    q_sens = np.clip(-phi, 0.0, None)
    rh_max, rh_source = cooling_humidity_limit(c_on, sp.cooling_rh_max_pct)
    latent = _latent_cooling(spec, tp, params, weather, elevation_m, persons, fresh, sch, occupied_cooling, c_on,
                             rh_max)
    q_lat = latent["latent_w"] * n / 1e3
    q_cool = q_sens * n / 1e3 + q_lat

    dhw_day_kwh = persons * float(tp["dhw_l_per_person_day"]) * DHW_DELTA_T_K * CP_WATER_KWH_PER_L_K
    q_dhw = (dhw_day_kwh * sch["dhw"] / sch["dhw_norm"] * n) if sch["dhw_norm"] > 0 else np.zeros(len(index))

    hv = hvac_presets().loc[spec.hvac.type]
    eff_h = spec.hvac.heating_efficiency or float(hv["heating_efficiency"])
    if spec.hvac.cooling_cop is not None:
        cop_c = spec.hvac.cooling_cop
    elif spec.type == "cold_store":  # refrigeration at the store's own setpoint, hour by hour from the outdoor air
        cop_c = cold_store_cop(COLD_STORE_REFERENCE_C if c_on is None else c_on,
                               cold_store_condensing_c(weather["temp_air"].to_numpy(),
                                                       spec.hvac.refrigeration_min_condensing_c))
    else:
        cop_c = float(hv["cooling_cop"])
    electric_heat = hv["heating_carrier"] == "electricity"
    central = spec.hvac.type in CENTRAL_PLANT_HVAC
    # a central plant's electricity and boiler fuel are the plant's (its dispatch and the ledger), not
    # the building's: zero here, so that no column counts them at another efficiency
    p_hvac = np.zeros_like(q_cool) if central else q_cool / cop_c + (q_heat / eff_h if electric_heat else 0.0)
    cop_source = ("central plant" if central else "none" if spec.hvac.type == "none" else "scenario"
                  if spec.hvac.cooling_cop is not None else "type preset" if spec.type != "cold_store"
                  else "hourly from the outdoor air (scenario floor)" if spec.hvac.refrigeration_min_condensing_c
                  is not None else "hourly from the outdoor air (default floor)")
    if np.ndim(cop_c):  # hourly (a cold store): the horizon's seasonal COP, cooling over its electricity
        e_cool = float(np.sum(q_cool / cop_c))
        cop_c = float(np.sum(q_cool)) / e_cool if e_cool > 0 else float(np.mean(cop_c))
    p_dhw = dhw_electricity_kw(spec, q_dhw)
    q_nonel = np.zeros_like(q_heat) if electric_heat else q_heat
    fuel = np.zeros_like(q_heat) if spec.hvac.type == "chiller_boiler" else q_nonel / eff_h
    df = pd.DataFrame({
        "q_heating_kw": q_heat, "q_cooling_kw": q_cool, "q_cooling_latent_kw": q_lat,
        "p_lighting_kw": p_light * n / 1e3, "p_equipment_kw": p_equip * n / 1e3,
        "q_dhw_kw": q_dhw, "p_dhw_kw": p_dhw, "p_hvac_baseline_kw": p_hvac,
        "q_heating_nonelectric_kw": q_nonel, "fuel_heating_kw": fuel,
        "t_indoor_c": res["theta_air"],
    }, index=index)
    df.attrs.update({
        "building": spec.name, "type": spec.type, "count": n, "climate_zone": zone,
        "envelope": env["key"], "envelope_source": env["source"],
        "envelope_note": envelope_note(env),
        "envelope_note_zh": envelope_note(env, "zh"),
        "heating_carrier": hv["heating_carrier"], "heating_efficiency": eff_h, "cooling_cop": cop_c,
        "cooling_cop_seasonal": float("nan") if central or spec.hvac.type == "none" else float(cop_c),
        "cooling_cop_source": cop_source,
        "refrigeration_min_condensing_c": (condensing_floor_c(spec.hvac.refrigeration_min_condensing_c)
                                           if cop_source.startswith("hourly") else float("nan")),
        "heating_capacity_kw": cap["capacity_w"] * n / 1e3 if occupied_heating.any() else 0.0,
        "heating_design_load_kw": cap["design_load_w"] * n / 1e3 if occupied_heating.any() else 0.0,
        "design_outdoor_temp_c": float(design_temp_c),
        "heating_intermittent_addition": cap["addition"],
        "heating_capacity_source": cap["source"] if occupied_heating.any() else "none",
        "unmet_heating_hours": int(unmet.sum()), "occupied_heating_hours": int(occupied_heating.sum()),
        "preheat_hours": int((res["preheat"] & heat_ok).sum()),
        "cooling_capacity_kw": ccap["capacity_w"] * n / 1e3 if occupied_cooling.any() else 0.0,
        "cooling_design_load_kw": ccap["design_load_w"] * n / 1e3 if occupied_cooling.any() else 0.0,
        "cooling_design_drybulb_c": float(cooling_design_temp_c),
        "design_temperature_years": int(design_years),
        "cooling_sizing_margin": ccap["addition"],
        "cooling_capacity_source": ccap["source"] if occupied_cooling.any() else "none",
        "unmet_cooling_hours": int(unmet_cool.sum()), "occupied_cooling_hours": int(occupied_cooling.sum()),
        "cooling_latent_peak_kw": float(np.max(q_lat, initial=0.0)),
        "cooling_latent_share": (float(q_lat.sum() / q_cool.sum()) if q_cool.sum() > 0 else 0.0),
        "cooling_latent_basis": latent["basis"],
        "cooling_rh_max_pct": 100.0 * rh_max, "cooling_rh_source": rh_source,
    })
    for mode in ("heating", "cooling"):
        df.attrs[f"{mode}_capacity_note"] = capacity_note(df.attrs, a_f * n, mode)
        df.attrs[f"{mode}_capacity_note_zh"] = capacity_note(df.attrs, a_f * n, mode, "zh")
    return df


def _latent_cooling(spec: BuildingSpec, tp: pd.Series, params: ZoneParameters, weather: pd.DataFrame,
                    elevation_m: float, persons: float, fresh_m3_h, sch: dict, dehumidify: np.ndarray,
                    cooling_setpoint_c: float | None, rh_max: float = INDOOR_RH_MAX_COOLING) -> dict:
    """Latent cooling load of one building [W] (:func:`latent_cooling_load_w`) and a sentence on
    its basis: in the hours its cooling operates (``dehumidify``: occupied, cooling season), the
    outdoor air dried to ``rh_max`` (:func:`cooling_humidity_limit`) at the occupied cooling
    setpoint, and the
    occupants' moisture (``occupant_latent_w`` of ``types.csv`` per person present). The outdoor
    air entering is the larger of the fresh-air supply and the envelope's infiltration: a supply
    larger than the infiltration keeps the rooms at a slight overpressure, and air then leaks out
    rather than in (ASSUMED, a modelling choice; the sensible 5R1C balance keeps both). None for
    refrigerated stores (:data:`REFRIGERATED_TYPES`), buildings without cooling, and weather
    without ``relative_humidity``."""
    zero = np.zeros(len(weather.index))
    if spec.type in REFRIGERATED_TYPES:
        return {"latent_w": zero, "basis": "none: refrigerated store (moisture removed by defrost, "
                                           "in the equipment power)"}
    if cooling_setpoint_c is None or not np.any(dehumidify):
        return {"latent_w": zero, "basis": "none: no cooling"}
    if "relative_humidity" not in weather.columns:
        return {"latent_w": zero, "basis": "none: the weather has no relative_humidity"}
    from weather.io import station_pressure

    fresh_kg_s = params.rho_c_air_j_m3k / CP_DRY_AIR_J_KG_K * np.asarray(fresh_m3_h, dtype=float) / 3600.0
    air_kg_s = np.maximum(fresh_kg_s, params.h_infiltration_w_k / CP_DRY_AIR_J_KG_K) * dehumidify
    gains_w = persons * float(tp["occupant_latent_w"]) * sch["occupancy"] * dehumidify
    latent = latent_cooling_load_w(weather["temp_air"].to_numpy(dtype=float),
                                   weather["relative_humidity"].to_numpy(dtype=float),
                                   station_pressure(elevation_m), air_kg_s, gains_w, cooling_setpoint_c, rh_max)
    return {"latent_w": latent,
            "basis": (f"outdoor air (the larger of fresh air and infiltration) and occupants' moisture dried to "
                      f"{100 * rh_max:.0f} % RH at {cooling_setpoint_c:g} °C while the cooling operates")}


def park_building_loads(specs, weather: pd.DataFrame, latitude: float, longitude: float, *,
                        day_types: pd.Series | None = None, elevation_m: float = 0.0,
                        zone: str | None = None, subzone: str | None = None,
                        design_temperatures: dict | None = None):
    """Loads of all buildings of a park as one ``xarray.Dataset`` (dims building, time).

    Parameters
    ----------
    specs : sequence of BuildingSpec
        Names must be unique.
    weather, latitude, longitude, day_types, elevation_m
        As in :func:`building_loads`.
    zone, subzone : str, optional
        The site's climate zone and GB 50176 sub-zone (a synthetic site's come from the mean
        of several seeded years, ``WeatherMeta.climate_zone``); default: :func:`climate_zone`
        of this weather year, no sub-zone.
    design_temperatures : dict, optional
        The site's design temperatures (``WeatherMeta.design_temperatures``: ``heating_c``,
        ``cooling_c`` [°C] and ``years``; a synthetic site's averaged over several years of its
        climate, as GB 50736-2012 averages over the record's years); default: this weather
        year's (:func:`heating_design_temperature_c`, :func:`cooling_design_temperature_c`).

    Returns
    -------
    xarray.Dataset
        One variable per column of :data:`LOAD_COLUMNS`, each with ``units`` and
        ``long_name``; coordinates ``building``, ``time`` and per-building
        ``building_type``, ``envelope``; ``climate_zone`` in the attrs.
    """
    import xarray as xr

    specs = list(specs)
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"building names must be unique, got {names}")
    if zone is None:
        zone = climate_zone(weather)
    if day_types is None:
        from twin.components.calendar import china_day_types

        day_types = china_day_types(weather.index)
    sun = solar_geometry(weather.index, latitude, longitude)
    if design_temperatures:
        t_design, t_cool = design_temperatures["heating_c"], design_temperatures["cooling_c"]
        years = int(design_temperatures.get("years", 1))
    else:
        t_design, t_cool, years = heating_design_temperature_c(weather), cooling_design_temperature_c(weather), 1
    frames = [building_loads(s, weather, latitude, longitude, day_types=day_types,
                             elevation_m=elevation_m, zone=zone, sun=sun, subzone=subzone,
                             design_temp_c=t_design, cooling_design_temp_c=t_cool, design_years=years)
              for s in specs]
    time = weather.index.tz_localize(None) if weather.index.tz is not None else weather.index
    data_vars = {}
    for col, (unit, long_name) in LOAD_COLUMNS.items():
        arr = np.stack([f[col].to_numpy() for f in frames]) if frames else np.zeros((0, len(time)))
        data_vars[col] = xr.DataArray(arr, dims=("building", "time"),
                                      attrs={"units": unit, "long_name": long_name})
    for col, (unit, long_name) in BUILDING_COLUMNS.items():
        data_vars[col] = xr.DataArray(np.array([f.attrs[col] for f in frames], dtype=float), dims=("building",),
                                      attrs={"units": unit, "long_name": long_name})
    ds = xr.Dataset(data_vars, coords={
        "building": names, "time": time,
        "building_type": ("building", [s.type for s in specs]),
        "envelope": ("building", [f.attrs["envelope"] for f in frames]),
        "envelope_note": ("building", [f.attrs["envelope_note"] for f in frames]),
        "envelope_note_zh": ("building", [f.attrs["envelope_note_zh"] for f in frames]),
        **{k: ("building", [f.attrs[k] for f in frames]) for k in CAPACITY_LABELS},
    })
    ds.attrs.update({"climate_zone": zone, "timezone": str(weather.index.tz),
                     "model": "ISO 13790 5R1C hourly; heating within each building's heating capacity "
                              "(optimal start), sensible cooling within its cooling capacity, latent "
                              "cooling (outdoor air and occupants' moisture) dried to each building's "
                              "humidity limit while cooling",
                     "heating_design_outdoor_temp_c": t_design, "cooling_design_drybulb_c": t_cool,
                     "design_temperature_years": years})
    return ds
