"""The scenario schema: one YAML file describes a park once.

Strict pydantic v2 models (unknown keys rejected, frozen). Every field states its unit
in square brackets in its description; ``twin schema`` prints the JSON Schema for
editor completion. Component specs live with their component modules
(``twin/components/*``) and are collected here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from twin.assess.declarations import Declarations
from twin.components.battery import BatterySpec
from twin.components.buildings import CENTRAL_PLANT_HVAC, BuildingSpec
from twin.components.costs import AssetCost
from twin.components.ev import EVFleetSpec
from twin.components.heat import (
    BoilerSpec,
    ChillerSpec,
    ColdStorageSpec,
    HeatPumpSpec,
    ThermalStorageSpec,
    WasteHeatSourceSpec,
)
from twin.components.life import ExistingLife
from twin.components.process import (
    ProcessCoolingSpec,
    ProcessEmissionSpec,
    ProcessHeatSpec,
    ProcessLoadSpec,
)
from twin.components.pv import PVArraySpec
from twin.components.tariff import TOUTariff
from twin.factors import GRID_LEVELS
from twin.grid.spec import GridNetworkSpec
from twin.ledger.settings import AccountingSettings
from twin.operate.spec import OperationSpec
from twin.pathway.spec import PathwaySpec
from twin.scenario.run_config import Objective, SolverMethod

PARK_TYPE_ALIASES = {
    "生产制造": "manufacturing", "制造": "manufacturing",
    "仓储物流": "logistics", "物流": "logistics", "仓储": "logistics",
    "商务办公": "office", "办公": "office",
}
"""Chinese names of the park types (T/CSUS 66-2023) and their short forms; English in any case."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParkSpec(_Strict):
    """What the park is."""

    name: str = Field(description="Park name as the planner knows it.")
    type: Literal["manufacturing", "logistics", "office"] = Field(
        description="Park type of T/CSUS 66-2023: manufacturing 生产制造, logistics 仓储物流, office 商务办公 "
        "(the Chinese names are accepted too); selects the chapter weights."
    )
    planning_year: int = Field(2026, ge=2020, le=2060, description="Year the plan is for; sets the calendar [yr].")
    description: str = Field("", description="Free text shown in the report.")

    @field_validator("type", mode="before")
    @classmethod
    def _alias(cls, v: object) -> object:
        if not isinstance(v, str):
            return v
        key = PARK_TYPE_ALIASES.get(v.strip(), v.strip().lower())
        if key not in ("manufacturing", "logistics", "office") and not key.isascii():
            # a Chinese name that is not one of the three: say the Chinese names, not only the English
            raise ValueError(f"park type {v!r} is not one of T/CSUS 66-2023's three: 生产制造 (manufacturing), "
                             f"仓储物流 (logistics), 商务办公 (office)")
        return key


class SiteSpec(_Strict):
    """Where the park is: a bundled city, or coordinates; the province sets grid factors."""

    @field_validator("city", mode="before")
    @classmethod
    def _wmo_number(cls, v: object) -> object:
        """A WMO number written without quotes (``city: 58457``) is the station's number."""
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    city: str | None = Field(
        None, description="Any bundled weather station (see `twin weather --list`) by Chinese name, pinyin or "
        "WMO number, e.g. 'Suzhou', '苏州', 'Hotan' or '和田' (English names in use such as 'Kashgar' too); "
        "or a major city without a station (e.g. '西安': "
        "interpolated at the city centre); or any prefecture-level city or county by its Chinese name (e.g. "
        "'扬州', '昆山市', '达拉特旗'; where several share a name, write the province or city first: "
        "'南京 鼓楼区'), interpolated at the seat of the division."
    )
    latitude: float | None = Field(None, ge=15, le=56, description="Latitude [deg N] (instead of city); "
                                   "the site must lie in mainland China (within 50 km of its outline or of a "
                                   "city or county seat: islands such as 三沙 count).")
    longitude: float | None = Field(None, ge=72, le=136, description="Longitude [deg E] (instead of city).")
    elevation_m: float | None = Field(None, ge=-200, le=6000, description="Elevation above sea level [m].")
    province: str | None = Field(
        None, description="Province (English key like 'jiangsu' or Chinese '江苏'); taken from the city if omitted. "
        "A city or coordinates more than 100 km outside it are refused (a pinyin name such as 'Yulin' may "
        "mean a city in another province)."
    )
    weather_file: Path | None = Field(
        None, description="The user's own EPW or TMY3 file (path relative to the scenario); recommended for final studies."
    )
    weather_seed: int | None = Field(None, ge=0, le=2**31 - 1, description=(
        "Seed of the synthetic typical year (reproducible) [-]; none (default): the most typical of the "
        "16 synthetic years of the site's climate (degree days and design temperatures closest to their "
        "means; the run's weather notes say which seed)."))
    radiation_basis: Literal["tmyx", "cswd"] = Field(
        "tmyx", description="Radiation level of the synthetic year: 'tmyx' (TMYx/SWERA, ERA5-based; default, closest "
        "to published PV operating data) or 'cswd' (China Standard Weather Data, about 18 % lower). Ignored with a "
        "weather_file. See weather/VALIDATION.md."
    )
    temperature_period: Literal["tmyx", "cswd", "tmyx-2009-2023"] = Field(
        "tmyx", description="Climate period of the synthetic year's temperatures: 'tmyx' (default, the recent "
        "climate of the TMYx files, typical months from each station's whole record; CSWD and SWERA stations moved "
        "to it), 'cswd' (1971-2003, the period of the CSWD typical years used in Chinese building-energy design, "
        "about 0.4 K colder and 2 points more humid: for loads comparable with a design institute's CSWD-based "
        "calculation) or "
        "'tmyx-2009-2023' (the TMYx files of that 15-year window, about 0.5 K warmer, from the few stations with "
        "both files: weather/VALIDATION.md section 1). Ignored with a weather_file."
    )

    climate_zone: str | None = Field(
        None, description="GB 50176-2016 climate sub-zone the buildings' envelope and season presets follow "
        "(严寒A/B/C, 寒冷A/B, 夏热冬冷A/B, 夏热冬暖A/B, 温和A/B, or a first-level zone alone), where the local "
        "authority assigns the site another zone than its weather's degree days give (e.g. Lhasa: 寒冷A in "
        "GB 50176-2016 Appendix A, 严寒C from the tool's estimated weather, weather/VALIDATION.md). Default: the "
        "zone of the site's weather. The weather itself is not changed."
    )

    @model_validator(mode="before")
    @classmethod
    def _swapped(cls, data):
        """Latitude and longitude the wrong way round are named as such (each was refused alone,
        latitude above 56 and longitude below 72, without saying why)."""
        if isinstance(data, dict):
            lat, lon = data.get("latitude"), data.get("longitude")
            if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
                from weather.site import swapped_coordinates

                hint = swapped_coordinates(float(lat), float(lon))
                if hint:
                    raise ValueError(f"latitude {lat:g}, longitude {lon:g}: {hint}")
        return data

    @field_validator("radiation_basis", "temperature_period", mode="before")
    @classmethod
    def _any_case(cls, v):
        """'CSWD' and ' Tmyx ' are the bases 'cswd' and 'tmyx'."""
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("climate_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is None:
            return None
        from weather.climate_zone import zone_given

        z = zone_given(v)  # ValueError names the zones
        return z["subzone"] or z["zone_zh"]

    @model_validator(mode="after")
    def _where(self) -> SiteSpec:
        has_city = self.city is not None
        has_coords = self.latitude is not None and self.longitude is not None
        if not has_city and not has_coords and self.weather_file is None:
            raise ValueError("give 'city', or 'latitude' and 'longitude', or a 'weather_file'")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both 'latitude' and 'longitude'")
        if has_coords:
            from weather.site import outside_china_message

            out = outside_china_message(self.latitude, self.longitude)
            if out:
                raise ValueError(f"latitude/longitude {self.latitude}, {self.longitude}: {out}")
        if has_city:
            from weather.stations import resolve_place

            try:
                resolve_place(self.city)
            except ValueError as exc:
                # "city: ..." names the field: the loader points at site.city and its line
                hint = _city_hint(self.city, self.province)
                raise ValueError(f"city: {hint}" if hint else str(exc)) from None
        if self.province is not None:
            from twin.factors import province_key

            try:
                province_key(self.province)
            except KeyError as exc:
                raise ValueError(str(exc).strip("'\"")) from None
        conflict = site_province_conflict(self) or site_city_conflict(self) or site_elevation_conflict(self)
        if conflict:
            raise ValueError(conflict)
        return self


def _city_hint(city: str, province: str | None) -> str | None:
    """For a city name several places share, the one in the site's stated province, if one:
    'Xifeng' is 西丰县 (Liaoning), 息烽县 (Guizhou) and 西峰区 (Gansu); with province gansu the
    message names 甘肃 庆阳市 西峰区 to write."""
    from weather.places import places_in_province, province_named

    prov = province_named(province) if province else None
    if prov is None:
        return None
    try:
        alts = places_in_province(city, prov)
    except ValueError:
        return None
    if len(alts) != 1:
        return None
    return (f"{city!r} names several places; in {prov}, the site's province, it is {alts[0]}: "
            f"write that Chinese name, or give latitude/longitude")


def site_point(site: SiteSpec) -> tuple[float, float, str] | None:
    """The site's position [deg] and how it was given: its coordinates, else the station or the
    place its city names; ``None`` for a site given by a weather file alone."""
    if site.latitude is not None and site.longitude is not None:
        return (site.latitude, site.longitude,
                f"latitude/longitude {site.latitude:.2f} N {site.longitude:.2f} E")
    if site.city is None:
        return None
    from weather.stations import resolve_place, station_table

    kind, hit = resolve_place(site.city)
    if kind == "station":
        row = station_table().loc[hit]
        return (float(row["lat"]), float(row["lon"]), f"city {site.city!r}, the {row['dataset']} "
                f"station {row['name']} ({row['name_zh']}, {row['province']})")
    return hit.lat, hit.lon, f"city {site.city!r}, {hit.name_zh} ({hit.province})"


def site_province_conflict(site: SiteSpec) -> str | None:
    """Why the site cannot lie in its province, else ``None``: its coordinates, or the station
    or place its city names, lie more than :data:`weather.places.PROVINCE_MARGIN_KM` farther
    from the province's nearest division seat than from any other. The province is the one
    given, else that of the city (coordinates far from the named city). A pinyin name such as
    'Yulin' is both 榆林 (Shaanxi, a station) and 玉林 (Guangxi): without this check the
    province would set the grid factors and the other city the weather."""
    from weather.places import (PROVINCE_MARGIN_KM, places_in_province, province_gap_km,
                                province_named)

    if site.province is not None:
        province = province_named(site.province)
        whose = f"the given province {site.province!r} ({province}"
    elif site.city is not None and site.latitude is not None:
        province = site_province(site)
        whose = f"{province} (the province of city {site.city!r}"
    else:
        return None
    if province is None:
        return None
    has_coords = site.latitude is not None and site.longitude is not None
    point = site_point(site)
    if point is None:
        return None
    lat, lon, what = point
    gap = province_gap_km(lat, lon, province)
    if gap <= PROVINCE_MARGIN_KM:
        return None
    alts = places_in_province(site.city, province) if site.city is not None and not has_coords else []
    if alts:
        hint = f"in {province} {site.city!r} names {', '.join(alts)}: write that Chinese name"
    elif has_coords:
        hint = ("correct the latitude/longitude, or the " + ("province" if site.province is not None
                                                             else "city"))
    else:
        hint = "correct the province or the city"
    return (f"{what} lies about {gap:,.0f} km outside {whose}, measured to its nearest county "
            f"or city seat); {hint}")


def site_city_conflict(site: SiteSpec) -> str | None:
    """Why ``city`` and ``latitude``/``longitude`` cannot name one site
    (:func:`weather.site.city_conflict`), else ``None``."""
    if site.city is None or site.latitude is None or site.longitude is None:
        return None
    from weather.site import city_conflict

    far = city_conflict(site.city, site.latitude, site.longitude)
    return (f"{far}; keep 'latitude'/'longitude' (the park's own position) and drop 'city', or the "
            f"reverse") if far else None


def site_elevation_conflict(site: SiteSpec) -> str | None:
    """Why ``elevation_m`` cannot be the site's (:func:`weather.site.elevation_conflict`),
    else ``None``; not checked with a weather file, whose own elevation stands."""
    if site.elevation_m is None or site.weather_file is not None:
        return None
    from weather.site import elevation_conflict

    point = site_point(site)
    if point is None:
        return None
    bad = elevation_conflict(point[0], point[1], site.elevation_m)
    return f"elevation_m: {bad.removeprefix('elevation ')}" if bad else None


WEATHER_FILE_MAX_KM = 300.0
"""Farthest a weather file's station may lie from the site (its coordinates, or the place its
city names) [km]: farther, a typical year describes another climate."""


def weather_file_conflict(site: SiteSpec, lat: float, lon: float) -> str | None:
    """Why the weather file, whose header puts its station at ``lat``, ``lon`` [deg], is not
    of this site, else ``None``: outside mainland China, more than
    :data:`weather.places.PROVINCE_MARGIN_KM` outside the site's province (given, or its
    city's) or more than :data:`WEATHER_FILE_MAX_KM` from the site."""
    from weather._core import haversine_km
    from weather.places import PROVINCE_MARGIN_KM, province_gap_km, province_named
    from weather.site import outside_china_message

    station = f"its station (header latitude/longitude {lat:.2f}, {lon:.2f})"
    out = outside_china_message(lat, lon)
    if out:
        return (f"{station} lies {out.split(';')[0]}: the file is not of a site in China, or "
                f"its LOCATION line is wrong")
    province = site_province(site)
    if province is not None:
        en = province_named(province) or province
        gap = province_gap_km(lat, lon, en)
        if gap > PROVINCE_MARGIN_KM:
            return (f"{station} lies about {gap:,.0f} km outside {en}, the site's province: use a "
                    f"file of a station in or near it, or correct the site")
    point = site_point(site)
    if point is not None:
        d = float(haversine_km(point[0], point[1], lat, lon))
        if d > WEATHER_FILE_MAX_KM:
            return (f"{station} lies {d:,.0f} km from the site ({point[2]}; limit "
                    f"{WEATHER_FILE_MAX_KM:.0f} km): a typical year that far away describes another "
                    f"climate; use the file of a station near the park, or leave weather_file out "
                    f"for a year interpolated at the site")
    return None


def _province_hint(site: SiteSpec) -> str:
    """For bare coordinates: the province whose division seats lie nearest, as a suggestion
    (not assumed: by a border the nearest seat may be across it)."""
    if site.latitude is None or site.longitude is None:
        return ""
    from weather.places import nearest_seat_province

    prov = nearest_seat_province(site.latitude, site.longitude)
    if prov is None:
        return ""
    en, zh, d = prov
    return (f"; the coordinates lie by {zh} ({en}; nearest county or city seat {d:.0f} km): "
            f"add 'province: {en.lower()}' to site if that is the park's province")


def site_province(site: SiteSpec) -> str | None:
    """The site's province: given, or that of the named station, city or county; None for bare
    coordinates."""
    if site.province is not None:
        return site.province
    if site.city is not None:
        from weather.stations import place_province

        return place_province(site.city)
    return None


class EmissionFactorSpec(_Strict):
    """Grid electricity CO2 emission factor: an official table value, a constant, or an hourly series."""

    level: Literal[GRID_LEVELS] | None = Field(  # type: ignore[valid-type]
        None,
        description="Official factor level of the MEE/NBS tables: national (average), national_excl_market_nonfossil "
        "(national average excluding market-traded non-fossil power), national_fossil (fossil-only), regional (the "
        "province's grid region, 7 regions) or provincial (30 provinces; none for Tibet). Not given: provincial for "
        "the site's province, regional where no provincial value is published (Tibet), national where the "
        "province is unknown (a site given by coordinates alone). This is the "
        "location-based factor; the 910号 acceptance basis is set in accounting.acceptance_grid_factor. "
        "Sources: [mee-nbs-ef-2021], [mee-nbs-ef-2022], [mee-nbs-ef-2023] in docs/sources.md.",
    )
    year: int = Field(2023, ge=2005, le=2060, description="Year of the official factor [yr]: 2021, 2022 or 2023 (default, the latest "
                      "published, 公告2025年第47号); `twin validate` lists what is published for a level and place.")
    value_kgco2_per_kwh: float | None = Field(
        None, ge=0, le=1.5, description="A constant factor of the user's instead of the table [kgCO2/kWh]."
    )
    hourly_csv: Path | None = Field(
        None, description="Hourly factors [kgCO2/kWh], 8760 rows (column 'ef_kgco2_per_kwh' or the only numeric one)."
    )
    source: str | None = Field(
        None, max_length=500,
        description="Where value_kgco2_per_kwh or hourly_csv comes from, shown as the factor's source in the "
        "outputs (e.g. a provincial plan's target, or a pathway period's projection, which `twin pathway` writes "
        "here) [-]; None = 'user constant factor' / 'user hourly series FILE'.",
    )


class GridSpec(_Strict):
    """The park's connection to the public grid."""

    import_limit_kw: float = Field(gt=0, le=2e6, description="Transformer / contracted import limit [kW].")
    export_limit_kw: float = Field(
        0.0, ge=0, le=2e6, description="Export limit [kW]; 0 for full self-consumption (large C&I PV after 国能发新能规〔2025〕7号)."
    )
    export_price_cny_per_kwh: float = Field(
        0.0, ge=0, le=2,
        description="Value of exported energy [CNY/kWh]; after 发改价格〔2025〕136号 new C&I PV sells surplus on the "
        "market, often near zero at midday [ndrc-136-2025], [nea-7-2025].",
    )
    tariff: TOUTariff = Field(description="Time-of-use energy tariff (all-in prices).")
    demand_charge_cny_per_kw_month: float = Field(
        0.0, ge=0, le=200, description="Two-part tariff maximum-demand charge [CNY/(kW·month)] (0 = single-part)."
    )
    voltage_kv: float = Field(10.0, gt=0, le=1000, description="Connection voltage [kV]: shown in the outputs and "
                              "used by the park-grid check (grid.network: a main transformer above its MV level); no "
                              "price depends on it: give the tariff and demand charge of this voltage level.")
    emission_factor: EmissionFactorSpec = Field(
        default_factory=EmissionFactorSpec, description="Grid CO2 emission factor used for the park's electricity."
    )
    network: GridNetworkSpec | None = Field(
        None,
        description="The park's electrical network for the hourly AC power-flow check of the plan (twin.grid). "
        "Absent: no grid check. '{}' : the default radial layout (every choice stated in the outputs); or an "
        "explicit topology (buses, lines, transformers, switches, connections).",
    )


#: Smallest capex per kWp, kWh or kW [CNY] that ``costs.pv``, ``battery_energy``, ``battery_power`` and
#: ``heat_pump`` accept above 0: a plausibility guard against prices given per W or Wh (installed
#: prices of these technologies lie in the hundreds to thousands of CNY per kW(h)(p); not a standard's
#: value). Thermal storage (tens of CNY per kWh of heat) is not checked.
PER_KILO_UNIT_FLOOR_CNY = 50.0


class CostsSpec(_Strict):
    """Costs of candidate assets (sources in the example scenarios' comments)."""

    discount_rate: float = Field(
        0.08, ge=0, le=0.3, description="Real discount rate [-] (8 % social rate, 发改投资〔2006〕1325号 [ndrc-1325-2006])."
    )
    pv: AssetCost | None = Field(None, description="PV per kWp DC.")
    battery_energy: AssetCost | None = Field(None, description="Battery per kWh of energy capacity.")
    battery_power: AssetCost | None = Field(None, description="Battery per kW of converter power.")
    heat_pump: AssetCost | None = Field(None, description="Heat pump per kW of heat output.")
    thermal_storage: AssetCost | None = Field(None, description="Thermal storage per kWh of heat capacity.")
    chilled_water_storage: AssetCost | None = Field(
        None, description="Chilled-water storage tank (水蓄冷) per kWh of cooling capacity, tank, diffusers and "
        "insulation (at an 8 K swing about 9.3 kWh per m3: 500-1,500 CNY/m3 of water tank, [twin-assumption] ⚠, is "
        "55-160 CNY/kWh); the cold_stores of kind chilled_water without a cost of their own.")
    ice_storage: AssetCost | None = Field(
        None, description="Ice store (冰蓄冷) per kWh of cooling capacity: ice tanks or coils and the brine loop; "
        "the dual-duty chillers that make the ice are costs.chiller. The cold_stores of kind ice without a cost "
        "of their own.")
    electric_boiler: AssetCost | None = Field(None, description="Electric boiler per kW of heat output.")
    chiller: AssetCost | None = Field(None, description="Electric chiller per kW of cooling output.")
    waste_heat_exchanger: AssetCost | None = Field(
        None, description="Heat exchanger per kW that feeds waste heat hot enough for the heat bus directly. "
        "Without it the exchanger is sized at no cost and the outputs say that its investment is not counted.")
    absorption_chiller: AssetCost | None = Field(
        None, description="Absorption chiller per kW of cooling output; without it absorption chillers are "
        "existing plant only (no new capacity).")
    v2g_charger_extra: AssetCost | None = Field(
        None,
        description="Extra cost of one bidirectional (V2G) charger over a unidirectional one [CNY per charger] "
        "(V2G DC about 1.5-3x a unidirectional DC charger, an unsourced range [twin-assumption] ⚠). When given, the optimiser "
        "chooses the bidirectional share of every 'v2g' fleet between 0 and the fleet's v2g_share; when absent "
        "the share is fixed at v2g_share.",
    )
    @field_validator("pv", "battery_energy", "battery_power", "heat_pump")
    @classmethod
    def _price_per_kilo_unit(cls, v: AssetCost | None, info: ValidationInfo):
        """A capex below :data:`PER_KILO_UNIT_FLOOR_CNY` per kWp, kWh or kW is what a price per W or Wh
        looks like (2.8 CNY/W = 2,800 CNY/kWp): refused rather than planned 1,000 times too cheap."""
        if v is not None and 0 < v.capex_cny_per_unit < PER_KILO_UNIT_FLOOR_CNY:
            unit = {"pv": "kWp", "battery_energy": "kWh", "battery_power": "kW", "heat_pump": "kW"}[info.field_name]
            per = {"kWp": "W", "kWh": "Wh", "kW": "W"}[unit]
            raise ValueError(
                f"capex_cny_per_unit {v.capex_cny_per_unit:g} CNY per {unit} is far below any installed price of this "
                f"technology and looks like a price per {per} ({v.capex_cny_per_unit:g} CNY/{per} = "
                f"{v.capex_cny_per_unit * 1000:,.0f} CNY/{unit}); give the price per {unit} (0 for no cost)")
        return v

    natural_gas_price_cny_per_kwh: float = Field(
        0.35, ge=0, le=3, description="Natural gas price per kWh of fuel (LHV) [CNY/kWh] (≈3.5 CNY/m3 / 9.9 kWh/m3)."
    )
    fuel_prices_cny_per_kwh: dict[Literal["coal", "oil", "biomass"], Annotated[float, Field(ge=0, le=3)]] = Field(
        default_factory=dict,
        description="Price of other boiler fuels per kWh of fuel (net calorific value) [CNY/kWh], e.g. "
        "{coal: 0.12}; required for every fuel a declared boiler burns (no default: prices vary by region "
        "and contract).",
    )


#: MJ per kWh: heat prices per GJ to per kWh (1 GJ = 277.78 kWh).
MJ_PER_KWH = 3.6


class DistrictHeatSpec(_Strict):
    """Heat bought from a district heating network (集中供热) by the buildings whose hvac type is
    chiller_district_heat: its tariff and whether the plan may replace it.

    Northern Chinese cities price heat for non-residential users by metered energy [CNY/GJ], as a
    two-part tariff (a capacity part per kW contracted, or per m2 of heated area, plus metered
    energy), or by heated floor area [CNY/m2 per heating season]; give the parts the supplier's
    contract has (no default: prices vary by city and contract). The CO2 of the bought heat is
    accounting.heat_ef_tco2_per_gj, one factor for the optimiser and the ledger."""

    energy_price_cny_per_gj: float | None = Field(
        None, ge=0, le=1000,
        description="Metered energy price of the bought heat [CNY/GJ] (1 GJ = 277.78 kWh of heat). Required when "
        "the heat may be replaced (replaceable: true); without any price the run says 'district heat cost not "
        "included'.")
    capacity_price_cny_per_kw_yr: float | None = Field(
        None, ge=0, le=5000,
        description="Capacity part of a two-part tariff per kW of contracted capacity per heating season "
        "(one season a year) [CNY/(kW·yr)]; where the heat may be replaced the plan chooses the contracted "
        "capacity between 0 and contracted_kw.")
    area_price_cny_per_m2_yr: float | None = Field(
        None, ge=0, le=500,
        description="Area-based fee, or the capacity part of a two-part tariff given per m2, per m2 of heated "
        "floor area (the buildings buying district heat) per heating season [CNY/(m2·yr)]. It does not fall "
        "with metered use: only a building that leaves the network stops paying it, which the plan does not "
        "decide.")
    contracted_kw: float | None = Field(
        None, ge=0, le=1e7,
        description="Contracted heat capacity of the connection [kW]; default: the year's peak of the buildings "
        "that buy district heat. Where the heat may not be replaced it must cover that peak.")
    replaceable: bool = Field(
        False,
        description="Whether the plan may replace district heat: true puts the buildings' heat on the park's "
        "heat network, where district heat (at most contracted_kw) is one source beside the heat pumps, waste "
        "heat, boilers and thermal stores; false buys all of it, as today (costed).")
    on_network_today: bool = Field(
        False,
        description="The buildings that buy district heat are on the park's heat network already [-] (with "
        "replaceable: true): the baseline, today's park, may then serve them from the network's existing heat "
        "pumps, waste heat, boilers and stores as the plan does, instead of buying all of their heat. `twin "
        "pathway` sets it in the periods after the first, whose park an earlier period's plan put there.")
    source: str | None = Field(
        None, description="Where the prices come from (tariff document, contract); shown beside the cost.")

    @model_validator(mode="after")
    def _network_needs_replaceable(self) -> DistrictHeatSpec:
        if self.on_network_today and not self.replaceable:
            raise ValueError("on_network_today: the buildings are on the park's heat network only where district "
                             "heat may be replaced; set replaceable: true, or leave on_network_today out")
        return self

    @property
    def priced(self) -> bool:
        """Some part of the tariff is given."""
        return any(v is not None for v in (self.energy_price_cny_per_gj, self.capacity_price_cny_per_kw_yr,
                                           self.area_price_cny_per_m2_yr))

    @property
    def energy_price_cny_per_kwh(self) -> float:
        """The metered energy price per kWh of heat [CNY/kWh] (0 where not given)."""
        return (self.energy_price_cny_per_gj or 0.0) * MJ_PER_KWH / 1000.0


class CarbonSpec(_Strict):
    """Carbon prices, offsets and green certificates."""

    offset_price_cny_per_t: float = Field(
        70.76, ge=0, le=5000, description="Price of offsets (CCER) [CNY/tCO2] (2025 average 70.76 [sec-carbon-prices-2025])."
    )
    max_offset_share: float | None = Field(
        None, ge=0, le=1,
        description="Cap on the share of the park's emissions that offsets may cover [-] (internal abatement first).",
    )
    carbon_price_cny_per_t: float = Field(
        0.0, ge=0, le=5000, description="Internal carbon price on residual emissions before offsets [CNY/tCO2]."
    )
    green_certificate_price_cny_per_mwh: float = Field(
        5.15, ge=0, le=1000, description="Green certificate (GEC) price [CNY/MWh] (Dec 2025, 2025 vintage [nea-gec-2025])."
    )
    max_green_certificates_mwh: float = Field(
        0.0, ge=0, le=1e7, description="Green certificates the park may buy per year [MWh/yr] (0 = none)."
    )
    green_power_premium_cny_per_mwh: float = Field(
        5.0, ge=0,
        le=1000, description="Premium of green power bought through 绿电交易 over the grid energy price [CNY/MWh] "
        "(about 4-6 at the GEC-equivalent price in 2025 [nea-gec-2025]; historic bilateral premia 10-30 "
        "[twin-assumption] ⚠).",
    )
    max_green_power_mwh: float = Field(
        0.0, ge=0,
        le=1e7, description="Green power the park may buy per year through 绿电交易 [MWh/yr] (0 = none); the optimiser "
        "chooses how much, credited like certificates and, with them, at most the grid import. Give green power "
        "either here (a choice) or as accounting.green_power_mwh (a fixed contract), not both.",
    )


class ObjectiveSpec(_Strict):
    """What the optimisation minimises, and its limits; kind, solver_method, time_limit_s, pareto_points and out_of_reach are the run's defaults, which the command line may override."""

    kind: Objective = Field(
        "net_zero",
        description="min_cost: least annualised cost with carbon priced and offsets for the residual; "
        "min_emissions: least residual emissions within the budget; net_zero: least cost with residual "
        "emissions fully covered by offsets; pareto: cost against residual emissions (epsilon constraint).",
    )
    capex_budget_cny: float | None = Field(None, gt=0, le=1e11, description="Limit on total investment [CNY].")
    max_residual_emissions_t: float | None = Field(
        None, ge=0, le=1e8, description="Cap on residual emissions before offsets [tCO2/yr]."
    )
    pareto_points: int = Field(6, ge=2, le=50, description="Points on the cost/emissions front [-].")
    solver_method: SolverMethod = Field(
        "hipo", description="HiGHS method: hipo (HiPO interior point, fastest on the full-year park LPs, "
        "see benchmarks/README.md; falls back to ipx where its libraries are missing), ipx (the older "
        "interior point), ipm (HiGHS's choice of the two), simplex, or choose (HiGHS's choice)."
    )
    time_limit_s: float = Field(900, ge=1, le=604800, description="Solver time limit [s].")
    out_of_reach: Literal["error", "closest"] = Field(
        "error", description="A target, net-zero bound or residual cap the park cannot reach: error stops the run "
        "saying which, by how much and which levers are exhausted; closest plans for the best reachable value "
        "(the least-cost plan there) and states the shortfall in every output (as a pathway period does)."
    )


class TargetsSpec(_Strict):
    """Targets the plan must meet; the optimiser meets all at least cost and prices each.

    Every target is optional (null = not required). The run reports, per target, the value
    reached, whether it binds, and its marginal cost (the dual: annual cost of tightening
    it by one unit); targets out of reach are explained (which, by how much, what is
    exhausted).
    """

    core_indicator_max_tco2_per_tce: float | Literal["tier"] | None = Field(
        None,
        description="910号 core indicator 单位能耗碳排放 at most this [tCO2/tce], on accounting.core_indicator_basis "
        "(acceptance by default) with electricity at accounting.electricity_tce_basis. 'tier' = the official "
        "threshold of the park's size tier from its baseline energy use: 0.2 for 200 000-1 000 000 tce/yr, 0.3 "
        "above [ndrc-910-2025]. Parks below 200 000 tce/yr have no official tier: state a value (no default).",
    )
    clean_energy_share_min: float | None = Field(
        None, ge=0, le=1,
        description="910号 清洁能源消费占比 at least this [-] (guiding value 0.90 [ndrc-910-2025]); clean energy as "
        "the ledger counts it (accounting.natural_gas_is_clean, accounting.grid_clean_share).",
    )
    renewable_share_min: float | None = Field(
        None, ge=0, le=1,
        description="T/CSUS 66-2023 7.2.1 新能源和可再生能源利用率 at least this [-]: PV used on site, green power "
        "and certificates over total energy use, tce/tce [tcsus-66-2023] (no official value: state one).",
    )
    residual_emissions_max_t: float | None = Field(
        None, ge=0,
        le=1e8, description="Residual emissions (location basis, after green power and certificates, before offsets) at "
        "most this [tCO2/yr].",
    )

    @field_validator("core_indicator_max_tco2_per_tce")
    @classmethod
    def _positive(cls, v):
        if isinstance(v, float) and not 0 < v <= 100:
            raise ValueError("must be > 0 and at most 100 tCO2/tce, or 'tier'")
        return v

    def stated(self) -> bool:
        """True when any target is given."""
        return any(v is not None for v in (self.core_indicator_max_tco2_per_tce, self.clean_energy_share_min,
                                           self.renewable_share_min, self.residual_emissions_max_t))


class ImpliedUnitSpec(ExistingLife):
    """When a unit of the plant the twin implies for a network went into service and when it retires."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retired: bool = Field(
        False, description="The implied unit has retired [-]: no longer implied (the boiler) or kept at no existing "
        "capacity, to be rebuilt at costs.chiller where the plan needs it (the chiller). `twin pathway` sets it in the "
        "periods the unit does not stand through (existing_retires_year, or existing_commissioned_year + lifetime).")


class ImpliedPlantSpec(_Strict):
    """The plant the twin implies for the park's networks where none is declared, and its age."""

    boiler: ImpliedUnitSpec = Field(
        default_factory=ImpliedUnitSpec, description="'implied gas boiler': the natural-gas boiler covering the heat "
        "network's peak where the buildings have central heat and no declared boiler serves the network. It has no "
        "cost entry: give existing_retires_year (a fuel-fired boiler is never built again; heat pumps, electric "
        "boilers, stores and waste heat replace it).")
    chiller: ImpliedUnitSpec = Field(
        default_factory=ImpliedUnitSpec, description="'implied chiller': the electric chiller covering the "
        "chilled-water network's peak where the buildings have central cooling and no declared chiller supplies the "
        "network; its life defaults to costs.chiller.lifetime_years, and after it retires it is rebuilt at "
        "costs.chiller where the plan needs it (its annuity stays in the period's cost, as any enlargement of implied "
        "plant).")


class Scenario(_Strict):
    """A park described once: everything the twin needs to simulate, size and assess it."""

    park: ParkSpec
    site: SiteSpec
    grid: GridSpec
    costs: CostsSpec = Field(default_factory=CostsSpec)
    carbon: CarbonSpec = Field(default_factory=CarbonSpec)
    objective: ObjectiveSpec = Field(default_factory=ObjectiveSpec)
    process_loads: list[ProcessLoadSpec] = Field(default_factory=list, description="Production loads.")
    process_heat: list[ProcessHeatSpec] = Field(
        default_factory=list, description="Process heat demands (hot water, steam) and their existing supply; at "
        "or below heat_supply_temperature_c they join the heat network, hotter ones have their own heat balance "
        "served by the boilers and heat pumps that name them in 'serves'.")
    process_cooling: list[ProcessCoolingSpec] = Field(
        default_factory=list, description="Process cooling demands (cleanroom and process chilled water, mould "
        "cooling, cold-chain process chilling) and their existing supply; at cooling_supply_temperature_c they join "
        "the chilled-water network, at any other temperature they have their own cooling balance served by the "
        "chillers that name them in 'serves'. Declare here the cooling that process_loads would otherwise carry as "
        "its chillers' electricity (and take that electricity out of the process load).")
    process_emissions: list[ProcessEmissionSpec] = Field(
        default_factory=list, description="Industrial-process CO2 (910号 annex 4's E工业过程: carbonates decomposed in "
        "kilns and furnaces, reducing agents, chemical feedstock), declared with its source; counted in gross "
        "emissions, the core indicator on both bases, the targets and the offsets' basis, in the plan and the "
        "baseline alike. Not combustion: fuels are the boilers' and process heat's.")
    buildings: list[BuildingSpec] = Field(default_factory=list, description="Buildings of the park.")
    pv_arrays: list[PVArraySpec] = Field(default_factory=list, description="PV candidates (roofs, carports, ground).")
    batteries: list[BatterySpec] = Field(
        default_factory=list, description="Batteries, existing and candidates, each with its unique name and "
        "optionally its own costs (energy and power sized separately per battery).")
    battery: BatterySpec | None = Field(
        None, description="One battery: shorthand for a one-element 'batteries' list (moved there when the "
        "scenario is loaded; give one form, not both).")
    ev_fleets: list[EVFleetSpec] = Field(default_factory=list, description="EV fleets using the park's chargers.")
    waste_heat: list[WasteHeatSourceSpec] = Field(default_factory=list, description="Waste-heat sources.")
    heat_pumps: list[HeatPumpSpec] = Field(default_factory=list, description="Heat-pump candidates.")
    thermal_stores: list[ThermalStorageSpec] = Field(
        default_factory=list, description="Thermal stores on the heat network (not on the heat balance of a "
        "process-heat demand hotter than the network), existing and candidates, each with its unique name and "
        "optionally its own cost.")
    thermal_storage: ThermalStorageSpec | None = Field(
        None, description="One thermal store: shorthand for a one-element 'thermal_stores' list (moved there when "
        "the scenario is loaded; give one form, not both).")
    heat_supply_temperature_c: float = Field(
        60.0, ge=30, le=200,
        description="Supply temperature of the park's heat network [°C]; waste heat this hot (plus a 5 K "
        "approach) is used directly, cooler heat only through heat pumps.",
    )
    boilers: list[BoilerSpec] = Field(
        default_factory=list, description="Boilers of any fuel: electric candidates (sized), fuel-fired plant "
        "(existing only). With central heat demand and none declared, an existing gas boiler is implied.")
    chillers: list[ChillerSpec] = Field(default_factory=list, description="Chillers serving cooling demand: the "
                                        "chilled-water network, or the process_cooling demand they name in 'serves'.")
    cold_stores: list[ColdStorageSpec] = Field(
        default_factory=list, description="Cold stores (蓄冷): chilled-water tanks and ice stores on the chilled-water "
        "network or on the loop of the process_cooling demand they name in 'serves', existing and candidates, each "
        "with its unique name and optionally its own cost. They charge when cooling is cheap (the time-of-use "
        "valley) and discharge to their loop; an ice store needs an electric chiller on its loop that makes ice "
        "(chillers[].makes_ice).")
    cooling_supply_temperature_c: float = Field(
        7.0, ge=-10, le=25,
        description="Supply temperature of the park's chilled-water network [°C] (the central plant of the "
        "buildings; 7, the chillers' default chilled_water_c, is the usual design value, ASSUMED). A process_cooling "
        "demand at this temperature joins the network; at any other temperature it has a loop of its own. Where a "
        "demand joins, the network's chillers must supply water at least this cold.",
    )
    implied_plant: ImpliedPlantSpec = Field(
        default_factory=ImpliedPlantSpec, description="Age of the plant the twin implies for the heat and chilled-water "
        "networks where none is declared (the 'implied gas boiler', the 'implied chiller'): when it went into "
        "service or retires, for `twin pathway`.")
    district_heat: DistrictHeatSpec | None = Field(
        None, description="Tariff of the district heat bought by buildings with hvac type chiller_district_heat "
        "and whether the plan may replace it (heat pumps, waste heat, thermal stores); None: bought as today, "
        "and the run says that its cost is not included.")
    accounting: AccountingSettings = Field(
        default_factory=AccountingSettings, description="Energy and carbon accounting rules (tce basis, credits)."
    )
    targets: TargetsSpec = Field(
        default_factory=TargetsSpec,
        description="Targets the plan must meet (910号 core indicator, clean-energy share, 7.2.1 renewable share, "
        "residual emissions); each is priced by its marginal cost.",
    )
    declarations: Declarations = Field(
        default_factory=Declarations, description="Planner's declarations for items the model cannot compute."
    )
    operation: OperationSpec | None = Field(
        None, description="Operate the sized park hour by hour with rule-based and rolling-horizon controllers, "
        "forecast errors and faults (the operational twin); None = only when `twin run --operate` asks."
    )
    pathway: PathwaySpec | None = Field(
        None, description="Investment periods from today to the target year and what changes between them "
        "(grid factor trajectory, load growth, cost learning, carbon price, per-period targets); `twin pathway` "
        "sizes them in turn. Ignored by `twin run`, which sizes one typical year.",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_store_shorthand(cls, data):
        """``battery:`` / ``thermal_storage:`` are the one-element forms of ``batteries:`` /
        ``thermal_stores:``: normalised here, once, so every consumer reads the lists."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for one, many in (("battery", "batteries"), ("thermal_storage", "thermal_stores")):
            if data.get(one) is None:
                data.pop(one, None)
                continue
            if data.get(many):
                raise ValueError(f"{one} and {many} are both given: '{one}:' is the one-element shorthand of "
                                 f"'{many}:'; list every store under '{many}:'")
            data[many] = [data.pop(one)]
        return data

    @model_validator(mode="after")
    def _consistency(self, info: ValidationInfo) -> Scenario:
        """The checks across sections (:func:`cross_section_problems`): the first one found is
        the error. The loader validates the fields alone (context :data:`FIELDS_ONLY`) and runs
        the checks itself, to report every problem of a file in one go."""
        if (info.context or {}).get(FIELDS_ONLY):
            return self
        problems = cross_section_problems(self)
        if problems:
            path, msg = problems[0]
            raise ValueError(f"{path}: {msg}" if path else msg)
        return self

    def electrical_assets(self) -> dict[str, str]:
        """Names of the assets that draw or inject electricity -> their kind (for ``grid.network``)."""
        out = {b.name: "building" for b in self.buildings}
        out.update({p.name: "process_load" for p in self.process_loads})
        out.update({a.name: "pv_array" for a in self.pv_arrays})
        out.update({f.name: "ev_fleet" for f in self.ev_fleets})
        out.update({h.name: "heat_pump" for h in self.heat_pumps})
        out.update({b.name: "battery" for b in self.batteries})
        out["central_plant"] = "central_plant"
        return out


#: Validation context key: check the fields of a :class:`Scenario` only, not the checks across
#: sections (the loader runs :func:`cross_section_problems` itself, also where fields failed).
FIELDS_ONLY = "twin_fields_only"

#: A problem across sections: (dotted field path, or "" for the whole scenario; what is wrong).
CrossProblem = tuple[str, str]


def overlaps(a: str, b: str) -> bool:
    """True when dotted path ``a`` is ``b``, lies inside it or holds it (``costs`` and
    ``costs.pv``; ``heat_pumps`` and ``heat_pumps.2``)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _duplicate_names(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    out = []
    for group, items, hint in (("pv_arrays", s.pv_arrays, ""),
                               ("batteries", s.batteries, "; give each store its own name"),
                               ("thermal_stores", s.thermal_stores, "; give each store its own name"),
                               ("process_heat", s.process_heat, "; give each demand its own name"),
                               ("process_cooling", s.process_cooling, "; give each demand its own name"),
                               ("cold_stores", s.cold_stores, "; give each store its own name"),
                               ("process_emissions", s.process_emissions, "; give each source its own name")):
        names = [x.name for x in items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            out.append((group, f"duplicate names {dup}{hint}"))
    return out


def _pv_cost(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    if given("pv_arrays") and s.costs.pv is None:
        return [("costs.pv", ("required when pv_arrays are given (the PV's capital cost and life), e.g. "
                 "costs: {pv: {capex_cny_per_unit: <CNY per kWp>, lifetime_years: 25}}; "
                 "the example scenarios cite sourced figures (docs/sources.md)"))]
    return []


def _battery_costs(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    return [("batteries", (f"'{b.name}' may be built, so it needs a cost per kWh and per kW: give "
             "costs.battery_energy and costs.battery_power, or the battery's own energy_cost and power_cost"))
            for b in s.batteries if b.can_grow and ((b.energy_cost or s.costs.battery_energy) is None
                                                    or (b.power_cost or s.costs.battery_power) is None)]


def _fuel_prices(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    return [("boilers", (f"'{b.name}' burns {b.fuel}; give its price as costs.fuel_prices_cny_per_kwh.{b.fuel} "
             "[CNY/kWh of fuel, NCV]"))
            for b in s.boilers if b.fuel in ("coal", "oil", "biomass") and b.fuel not in s.costs.fuel_prices_cny_per_kwh]


def _some_load(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    if not (given("process_loads") or given("buildings") or given("ev_fleets") or given("process_heat")
            or given("process_cooling")):
        return [("", ("the park has no load: give process_loads, buildings, ev_fleets, process_heat or "
                      "process_cooling"))]
    return []


def _pathway_start(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    if s.pathway is not None and s.pathway.periods[0] < s.park.planning_year:
        # the existing assets are today's park (the planning year's): a period before it would
        # stand them in years they were not yet all there, and plan investments in the past
        return [("pathway.periods", (f"the first period {s.pathway.periods[0]} is before park.planning_year "
                 f"{s.park.planning_year} (the year of today's park and its existing assets); start the "
                 "pathway at the planning year or later, or set park.planning_year to the first period"))]
    return []


def _accounting_decided_in_run(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    # in a run these four are the optimiser's and the carbon section's (twin.evaluate); a value written
    # under accounting would be replaced without a word while the outputs list it as the one used
    decided = {"offsets_max_share": "carbon.max_offset_share", "offsets_cap_basis": "carbon.max_offset_share",
               "offsets_tco2": "carbon.offset_price_cny_per_t", "green_certificates_mwh":
               "carbon.max_green_certificates_mwh"}
    out = [("", (f"accounting.{k} is not read in a run: the optimiser decides offsets and certificates and the "
            f"ledger credits what it bought, capped at carbon.max_offset_share of gross emissions; set "
            f"{decided[k]} instead")) for k in decided if k in s.accounting.model_fields_set]
    if "process_emissions_t" in s.accounting.model_fields_set:
        out.append(("accounting.process_emissions_t", (
            "is not read in a run: declare industrial-process CO2 under process_emissions (name, co2_t_per_yr, "
            "source), which the optimiser and the ledger both count")))
    return out


def _green_power_once(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    if s.carbon.max_green_power_mwh > 0 and s.accounting.green_power_mwh > 0:
        return [("", ("green power is given twice: carbon.max_green_power_mwh lets the optimiser choose a "
                 "purchase, accounting.green_power_mwh declares a fixed one; keep one of them"))]
    return []


def _network_assets(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    net = s.grid.network
    if net is None:
        return []
    known = s.electrical_assets()
    import difflib

    out = []
    # each unknown asset at its own entry (its connection, its place in a site's list)
    where = [(f"grid.network.connections.{a}", a) for a in net.connections]
    where += [(f"grid.network.sites.{i}.assets.{j}", a) for i, site in enumerate(net.sites)
              for j, a in enumerate(site.assets)]
    for path, a in where:
        if a not in known:
            close = difflib.get_close_matches(a, list(known), n=1, cutoff=0.6)
            mean = f" (did you mean '{close[0]}'?)" if close else ""
            out.append((path, f"unknown asset '{a}'{mean}; known: {sorted(known)}"))
    if net.explicit:
        missing = sorted({a for a in known if a != "central_plant"} - set(net.connections))
        if missing:
            out.append(("grid.network.connections", f"no bus given for {missing}"))
    return out


#: ``operation.faults[].asset`` -> the scenario's list of that family (names an outage may give).
_FAULT_FAMILIES = {"battery": "batteries", "heat_pump": "heat_pumps", "chiller": "chillers",
                   "thermal_storage": "thermal_stores", "cold_storage": "cold_stores"}


def _operation_faults(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """A fault names an asset or fleet the scenario has (the run maps it by that name: a misspelt one
    was reported as applied and changed nothing), and ``operation.step_h`` does not exceed
    ``operation.horizon_h`` (the window re-plans at least once per window)."""
    op = s.operation
    if op is None:
        return []
    out: list[CrossProblem] = []
    if op.step_h > op.horizon_h:
        out.append(("operation.step_h", (
            f"{op.step_h} h is longer than operation.horizon_h {op.horizon_h} h: the rolling horizon re-plans before "
            "its window runs out, at least every horizon_h hours; give step_h at most horizon_h (or a longer horizon_h)")))
    for i, f in enumerate(op.faults):
        if f.kind == "asset_outage":
            group = _FAULT_FAMILIES[f.asset]
            names = [x.name for x in getattr(s, group)]
            if f.asset == "chiller" and not any(_cooling_bus_name(s, c.serves) == "cool" for c in s.chillers):
                names.append("implied chiller")  # the chilled-water network's chiller where none is declared
            if f.name is not None and f.name not in names:
                out.append((f"operation.faults.{i}.name", (
                    f"'{f.name}' is not a {f.asset.replace('_', ' ')} of the scenario (known {group}: "
                    f"{sorted(names) or 'none'}); give one of them, or leave name out for all of them")))
            elif f.name is None and not names and f.asset != "chiller":
                out.append((f"operation.faults.{i}.asset", (
                    f"the scenario has no {group}: the outage would change nothing; remove it or declare the asset")))
        elif f.kind == "ev_low_arrival":
            names = [x.name for x in s.ev_fleets]
            if f.fleet is not None and f.fleet not in names:
                out.append((f"operation.faults.{i}.fleet", (
                    f"'{f.fleet}' is not an EV fleet of the scenario (known ev_fleets: {sorted(names) or 'none'}); "
                    "give one of them, or leave fleet out for every fleet")))
            elif f.fleet is None and not names:
                out.append((f"operation.faults.{i}.kind", (
                    "the scenario has no ev_fleets: the fault would change nothing; remove it or declare a fleet")))
    return out


#: A transformer at the point of connection rated below this share of the contracted exchange
#: (max of grid.import_limit_kw and export_limit_kw over network.design_power_factor) is taken
#: for a unit slip (MVA written in a kVA field) rather than a tight design [-].
PCC_RATING_FLOOR = 0.1
#: Smallest standard distribution transformer on a network of 1 kV or more (GB/T 6451: 30 kVA) [kVA].
SMALLEST_MV_KVA = 30.0


def _network_ratings(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """Transformer ratings that cannot be meant (a unit slip: MVA written in a kVA field): at the
    point of connection far below the exchange it carries (sn_kva: 6.3 meant as 6.3 MVA for a
    5 MW connection), elsewhere below the smallest standard MV transformer. The AC flow would
    converge in no hour."""
    net = s.grid.network
    if net is None:
        return []
    need = max(s.grid.import_limit_kw, s.grid.export_limit_kw) / net.design_power_factor
    out: list[CrossProblem] = []
    flagged: set[int] = set()
    if net.explicit:
        pcc = net.ext_grid_bus or net.buses[0].name
        at = [(i, t) for i, t in enumerate(net.transformers) if t.hv_bus == pcc and t.sn_kva is not None]
        total = sum(t.sn_kva * t.parallel for _, t in at)
        if at and total < PCC_RATING_FLOOR * need:
            i, t = at[0]
            flagged.add(i)
            out.append((f"grid.network.transformers.{i}.sn_kva", (
                f"transformer '{t.name}' at the point of connection is rated {total:,.4g} kVA in all, "
                f"{total / need:.1%} of the {need:,.0f} kVA the connection carries (grid.import_limit_kw "
                f"{s.grid.import_limit_kw:,.0f} kW / design_power_factor {net.design_power_factor:g}); "
                f"sn_kva is in kVA: a {t.sn_kva:g} MVA transformer is {t.sn_kva * 1000:,.0f}")))
    elif net.substation_kva is not None and s.grid.voltage_kv > net.mv_kv and net.substation_kva < PCC_RATING_FLOOR * need:
        out.append(("grid.network.substation_kva", (
            f"main transformer {net.substation_kva:,.4g} kVA is {net.substation_kva / need:.1%} of the {need:,.0f} kVA "
            f"the connection carries (grid.import_limit_kw / design_power_factor); substation_kva is in kVA: "
            f"{net.substation_kva:g} MVA is {net.substation_kva * 1000:,.0f}")))
    vn = {b.name: b.vn_kv for b in net.buses}
    for i, t in enumerate(net.transformers):
        if (i not in flagged and t.sn_kva is not None and vn.get(t.hv_bus, 0.0) >= 1.0
                and t.sn_kva < SMALLEST_MV_KVA):
            out.append((f"grid.network.transformers.{i}.sn_kva", (
                f"transformer '{t.name}' rated {t.sn_kva:g} kVA is below the smallest standard {vn[t.hv_bus]:g} kV "
                f"transformer ({SMALLEST_MV_KVA:g} kVA, GB/T 6451); sn_kva is in kVA: "
                f"{t.sn_kva:g} MVA is {t.sn_kva * 1000:,.0f}")))
    return out


def _grid_factor_published(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    ef = s.grid.emission_factor
    if ef.value_kgco2_per_kwh is not None or ef.hourly_csv is not None:
        return []
    from twin.factors import check_emission_factor, grid_factor_level

    province = site_province(s.site)
    try:
        check_emission_factor(grid_factor_level(ef.level, ef.year, province), ef.year, province)
    except (ValueError, KeyError) as exc:
        msg = str(exc).strip(chr(39))
        hint = _province_hint(s.site) if province is None else ""
        return [("grid.emission_factor", f"{msg}{hint}")]
    return []


def _heat_pump_sources(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    sources = {w.name for w in s.waste_heat}
    return [("heat_pumps", (f"'{hp.name}' takes heat from '{hp.source}', which is not a waste_heat source "
             f"(known: {sorted(sources) or 'none'}, or 'air')"))
            for hp in s.heat_pumps if hp.source != "air" and hp.source not in sources]


def _follows_process_problems(s: Scenario, section: str) -> list[CrossProblem]:
    """The demands of ``section`` (process_heat, process_cooling) whose ``follows_process`` names no
    process load."""
    loads = {p.name for p in s.process_loads}
    return [(f"{section}.{i}.follows_process", (f"'{d.name}' follows '{d.follows_process}', which is not a "
             f"process load (known: {sorted(loads) or 'none'})"))
            for i, d in enumerate(getattr(s, section)) if d.follows_process is not None and d.follows_process not in loads]


def _process_heat_refs(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """Names a process-heat demand, a boiler or a heat pump refers to exist; a heat pump reaches the
    temperature of the demand it serves; an existing coal, oil or biomass supply has a fuel price. An
    ``existing_fuel`` beside declared boilers with existing capacity serving the demand is not refused:
    both are its supply today (a pathway period carries the boilers an earlier one built as
    ``existing_kw``)."""
    demands = {d.name: d for d in s.process_heat}
    known = sorted(demands) or "none"
    out = _follows_process_problems(s, "process_heat")
    for group, items in (("boilers", s.boilers), ("heat_pumps", s.heat_pumps)):
        out += [(f"{group}.{i}.serves", (f"'{x.name}' serves '{x.serves}', which is not a process_heat demand "
                 f"(known: {known}); leave 'serves' out for the heat network"))
                for i, x in enumerate(items) if x.serves is not None and x.serves not in demands]
    for i, hp in enumerate(s.heat_pumps):
        d = demands.get(hp.serves) if hp.serves is not None else None
        if d is not None and hp.sink_temperature_c < d.temperature_c:
            out.append((f"heat_pumps.{i}.sink_temperature_c", (
                f"'{hp.name}' delivers {hp.sink_temperature_c:g} °C but serves '{d.name}', which needs "
                f"{d.temperature_c:g} °C: raise sink_temperature_c to at least {d.temperature_c:g} (a "
                "high-temperature heat pump; the COP follows from it) or serve the demand with a boiler")))
    for i, d in enumerate(s.process_heat):
        # existing_fuel beside declared boilers with existing capacity serving the demand is not refused: both
        # are its supply today (a pathway period carries the boilers an earlier one built as existing_kw)
        if d.existing_fuel in ("coal", "oil", "biomass") and d.existing_fuel not in s.costs.fuel_prices_cny_per_kwh:
            out.append((f"process_heat.{i}.existing_fuel", (
                f"'{d.name}' is supplied by {d.existing_fuel} today; give its price as "
                f"costs.fuel_prices_cny_per_kwh.{d.existing_fuel} [CNY/kWh of fuel, NCV]")))
    return out


def joins_cooling_network(s: Scenario, temperature_c: float) -> bool:
    """A process-cooling demand at ``temperature_c`` [°C] joins the park's chilled-water network: its
    temperature is the network's (``cooling_supply_temperature_c``); at any other it has its own loop."""
    return abs(float(temperature_c) - float(s.cooling_supply_temperature_c)) <= 1e-9


def _process_cooling_refs(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """Names a process-cooling demand or a chiller refers to exist; a chiller's chilled water is at least as
    cold as the loop it supplies (the demand's own loop, or the network where a demand joins it). An
    ``existing_cop`` beside declared chillers with existing capacity serving the demand is not refused:
    both are its supply today (a pathway period carries the chillers an earlier one built as
    ``existing_kw``)."""
    demands = {d.name: d for d in s.process_cooling}
    known = sorted(demands) or "none"
    out = _follows_process_problems(s, "process_cooling")
    out += [(f"chillers.{i}.serves", (f"'{c.name}' serves '{c.serves}', which is not a process_cooling demand "
             f"(known: {known}); leave 'serves' out for the chilled-water network"))
            for i, c in enumerate(s.chillers) if c.serves is not None and c.serves not in demands]
    joined = [d.name for d in s.process_cooling if joins_cooling_network(s, d.temperature_c)]
    net = s.cooling_supply_temperature_c
    for i, c in enumerate(s.chillers):
        d = demands.get(c.serves) if c.serves is not None else None
        if d is not None and not joins_cooling_network(s, d.temperature_c):
            if c.chilled_water_c > d.temperature_c:
                out.append((f"chillers.{i}.chilled_water_c", (
                    f"'{c.name}' supplies {c.chilled_water_c:g} °C chilled water but serves '{d.name}', which needs "
                    f"{d.temperature_c:g} °C: a chiller cannot serve a demand colder than its chilled water; lower "
                    f"chilled_water_c to at most {d.temperature_c:g} (the COP follows from it) or serve the demand "
                    "with another chiller")))
        elif (c.serves is None or d is not None) and joined and c.chilled_water_c > net:
            out.append((f"chillers.{i}.chilled_water_c", (
                f"'{c.name}' supplies {c.chilled_water_c:g} °C chilled water to the chilled-water network "
                f"(cooling_supply_temperature_c {net:g} °C), which process cooling {joined} joins: lower "
                f"chilled_water_c to at most {net:g}, or give the chiller a demand of its own to serve ('serves')")))
    return out


#: HVAC types whose buildings put cooling on the park's chilled-water network (a central plant).
NETWORK_COOLING_HVAC = CENTRAL_PLANT_HVAC


def cooling_network_exists(s: Scenario) -> bool:
    """The park has a chilled-water network: a building cooled by the central plant, a process-cooling
    demand at the network's temperature, or a declared chiller on the network."""
    return (any(b.hvac.type in NETWORK_COOLING_HVAC for b in s.buildings)
            or any(joins_cooling_network(s, d.temperature_c) for d in s.process_cooling)
            or any(c.serves is None for c in s.chillers))


def _cooling_bus_name(s: Scenario, serves: str | None) -> str | None:
    """The cooling bus an asset serving ``serves`` is on: ``cool`` (the network, also for a demand that
    joins it), ``cool:<demand>`` (a loop of its own), None for an unknown demand (reported elsewhere)."""
    if serves is None:
        return "cool"
    d = next((d for d in s.process_cooling if d.name == serves), None)
    if d is None:
        return None
    return "cool" if joins_cooling_network(s, d.temperature_c) else f"cool:{d.name}"


def _cold_store_refs(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """A cold store serves a cooling bus that exists (the chilled-water network, or a process-cooling demand's
    loop) above 0 °C; an ice store has an electric chiller on its bus that makes ice, and the ice stores of one
    bus share one charging (brine) temperature."""
    demands = {d.name: d for d in s.process_cooling}
    out: list[CrossProblem] = []
    brine: dict[str, tuple[str, float]] = {}
    for i, cs in enumerate(s.cold_stores):
        d = demands.get(cs.serves) if cs.serves is not None else None
        if cs.serves is not None and d is None:
            out.append((f"cold_stores.{i}.serves", (
                f"'{cs.name}' serves '{cs.serves}', which is not a process_cooling demand (known: "
                f"{sorted(demands) or 'none'}); leave 'serves' out for the chilled-water network")))
            continue
        joins = d is None or joins_cooling_network(s, d.temperature_c)
        if joins and not cooling_network_exists(s):
            out.append((f"cold_stores.{i}.serves", (
                f"'{cs.name}' serves the chilled-water network, but the park has none: no building is cooled by "
                f"the central plant (hvac type {' or '.join(NETWORK_COOLING_HVAC)}), no process_cooling demand is "
                f"at cooling_supply_temperature_c ({s.cooling_supply_temperature_c:g} °C) and no chiller supplies "
                "it; name the process_cooling demand whose loop the store serves in 'serves'")))
            continue
        t = s.cooling_supply_temperature_c if joins else d.temperature_c
        if t <= 0:
            out.append((f"cold_stores.{i}.serves", (
                f"'{cs.name}' serves a loop at {t:g} °C: a chilled-water tank or melting ice cannot cool below "
                "0 °C; serve a loop above 0 °C")))
            continue
        bus = _cooling_bus_name(s, cs.serves)
        if cs.kind != "ice":
            continue
        makers = [c.name for c in s.chillers if c.makes_ice and c.kind == "electric"
                  and _cooling_bus_name(s, c.serves) == bus]
        if not makers:
            where = "the chilled-water network" if joins else f"the loop of '{d.name}'"
            out.append((f"cold_stores.{i}.kind", (
                f"'{cs.name}' is an ice store, but no electric chiller on {where} makes ice: give one of its "
                "chillers 'makes_ice: true' (a dual-duty chiller; declare it with existing_kw, or as a candidate "
                "with max_kw and costs.chiller), or make the store a chilled_water tank")))
        if bus in brine and abs(brine[bus][1] - cs.charge_temperature_c) > 1e-9:
            out.append((f"cold_stores.{i}.charge_temperature_c", (
                f"'{cs.name}' is charged at {cs.charge_temperature_c:g} °C but '{brine[bus][0]}' on the same loop at "
                f"{brine[bus][1]:g} °C: the ice stores of one loop share its chillers' brine loop; give them one "
                "charge_temperature_c")))
        brine.setdefault(bus, (cs.name, cs.charge_temperature_c))
    return out


def _district_heat(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """A district_heat section needs buildings that buy district heat; replacing it needs its energy price."""
    dh = s.district_heat
    if dh is None:
        return []
    buyers = [b.name for b in s.buildings if b.hvac.type == "chiller_district_heat"]
    out = []
    if not buyers:
        what = "district_heat.replaceable" if dh.replaceable else "district_heat"
        out.append((what, ("no building buys district heat (hvac type chiller_district_heat), so there is nothing "
                    "to price or replace; give a building that hvac type or drop the district_heat section")))
    if dh.replaceable and dh.energy_price_cny_per_gj is None:
        out.append(("district_heat.energy_price_cny_per_gj", (
            "required when replaceable is true: the plan weighs each GJ of district heat against heat pumps, "
            "waste heat and stores at this price [CNY/GJ] (the supplier's non-residential metered price)")))
    return out


#: The checks across sections, in the order they are reported, each with the fields it reads
#: (dotted paths; a list stands for all its items): a check that reads a part of the file
#: that failed validation is skipped, its finding could only follow from that error. Asset
#: lists a check reads item by item are not listed: their failed items are left out.
def _existing_lives(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """The commissioning and retirement years of today's plant (:func:`twin.pathway.existing.life_problems`)."""
    from twin.pathway.existing import life_problems

    return life_problems(s)


def _waste_heat_declared_absent(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """A declaration of no recoverable waste heat (7.2.2 不参评) beside waste_heat sources the model recovers
    from: the declaration contradicts the model (it had raised the chapter-7 score from 62.8 to 74.7
    while the ledger still counted the sources)."""
    if not s.declarations.no_waste_heat_source_documented.value or not s.waste_heat:
        return []
    names = ", ".join(repr(w.name) for w in s.waste_heat)
    return [("declarations.no_waste_heat_source_documented",
             f"declares no recoverable waste heat, but waste_heat lists {names}, which the plan recovers and the "
             "ledger counts; remove the declaration, or the sources if the park has none")]


def _cold_store_on_chilled_water(s: Scenario, given: Callable[[str], bool]) -> list[CrossProblem]:
    """A cold store on the central plant (chiller_boiler, chiller_district_heat) is cooled by the chilled-water
    network: its air setpoint must lie above the network's supply temperature. A -18 °C store had been
    'cooled' by 7 °C chilled water at the chillers' COP (10, the clamp)."""
    from twin.components.buildings import cooling_setpoint_c

    out: list[CrossProblem] = []
    for i, b in enumerate(s.buildings):
        if b.type != "cold_store" or b.hvac.type not in CENTRAL_PLANT_HVAC:
            continue
        t = cooling_setpoint_c(b)
        if t is not None and t <= s.cooling_supply_temperature_c:
            out.append((f"buildings.{i}.hvac.type", (
                f"cold store '{b.name}' at {t:g} °C cannot be cooled by the chilled-water network at "
                f"cooling_supply_temperature_c {s.cooling_supply_temperature_c:g} °C (hvac type '{b.hvac.type}'); "
                "give it its own refrigeration (a decentral type: split_ac or vrf, whose COP follows the store's "
                "setpoint and the outdoor air)")))
    return out


CROSS_SECTION_CHECKS: tuple[tuple[tuple[str, ...], Callable[[Scenario, Callable[[str], bool]], list[CrossProblem]]], ...] = (
    (("pv_arrays", "batteries", "thermal_stores", "process_heat", "process_cooling", "cold_stores",
      "process_emissions"), _duplicate_names),
    (("costs.pv",), _pv_cost),
    (("costs.battery_energy", "costs.battery_power"), _battery_costs),
    (("costs.fuel_prices_cny_per_kwh",), _fuel_prices),
    ((), _some_load),
    (("pathway", "park.planning_year"), _pathway_start),
    (("accounting",), _accounting_decided_in_run),
    (("carbon.max_green_power_mwh", "accounting.green_power_mwh"), _green_power_once),
    (("grid.network", "buildings", "process_loads", "pv_arrays", "ev_fleets", "heat_pumps", "batteries"),
     _network_assets),
    (("grid",), _network_ratings),
    (("grid.emission_factor", "site"), _grid_factor_published),
    (("operation", "batteries", "heat_pumps", "chillers", "thermal_stores", "cold_stores", "ev_fleets",
      "process_cooling", "cooling_supply_temperature_c"), _operation_faults),
    (("waste_heat",), _heat_pump_sources),
    (("declarations", "waste_heat"), _waste_heat_declared_absent),
    (("process_loads", "costs.fuel_prices_cny_per_kwh"), _process_heat_refs),
    (("process_loads", "cooling_supply_temperature_c"), _process_cooling_refs),
    (("district_heat", "buildings"), _district_heat),
    (("process_cooling", "buildings", "chillers", "cooling_supply_temperature_c"), _cold_store_refs),
    (("buildings", "cooling_supply_temperature_c"), _cold_store_on_chilled_water),
    (("park.planning_year", "costs", "pv_arrays", "batteries", "heat_pumps", "thermal_stores", "cold_stores", "boilers",
      "chillers", "process_heat", "process_cooling", "implied_plant", "heat_supply_temperature_c",
      "cooling_supply_temperature_c"), _existing_lives),
)


def cross_section_problems(s: Scenario, unknown: Collection[str] = ()) -> list[CrossProblem]:
    """Every problem of the checks that span sections (a PV array needs ``costs.pv``, a
    battery that may be built a cost, the park a load, ...), in :data:`CROSS_SECTION_CHECKS`
    order.

    Parameters
    ----------
    s
        A scenario whose fields are valid; or, built by the loader from a file where some failed,
        with those sections ``None`` and the failed items of its asset lists left out.
    unknown
        Dotted paths of the parts of the file that failed validation (``"grid"``, ``"costs.pv"``,
        ``"heat_pumps.2"``): checks reading them are skipped, so no problem is reported that
        only follows from an earlier one.

    Returns
    -------
    list of (path, message)
        ``path`` the field the problem is at ("" for the whole scenario).
    """
    def known(path: str) -> bool:
        return not any(overlaps(path, u) for u in unknown)

    def given(name: str) -> bool:
        """The asset list ``name`` is given (a list with a failed item counts)."""
        return not known(name) or bool(getattr(s, name))

    out: list[CrossProblem] = []
    for reads, check in CROSS_SECTION_CHECKS:
        if not all(known(r) for r in reads):
            continue
        if not unknown:
            out += check(s, given)
            continue
        try:  # a failed section is None: a check that reads it without saying so is skipped too
            out += check(s, given)
        except (AttributeError, TypeError):
            continue
    return out
