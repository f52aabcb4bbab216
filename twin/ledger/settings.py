"""Accounting settings of the carbon and energy ledger.

Every choice that the official texts leave open (发改环资〔2025〕910号 annex 3/4,
T/CSUS 66-2023) is an explicit, documented field here; the ledger reports the value it
used in its list of open parameters. Sources: [ndrc-910-2025], [ndrc-910-annex4],
[sec-910-acceptance-factor], [gbt-2589-2020] (docs/sources.md); what they leave UNKNOWN is a field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.factors import ELECTRICITY_KGCE_PER_KWH_CALORIFIC

#: Plausible range of the 等价值 (coal consumption rate of power supply) [kgce/kWh];
#: no official single value was found [gbt-2589-2020].
EQUIVALENT_KGCE_PER_KWH_RANGE = (0.28, 0.32)


class AccountingSettings(BaseModel):
    """How energy is converted to tce and how CO2 is counted and credited.

    The defaults reproduce the conservative reading of 910号 annex 4: CO2 only, gross
    grid imports at the dispatch's hourly grid factor, no export credit, electricity in
    the tce denominator at the calorific value (当量值), offsets applied last and capped.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    electricity_tce_basis: Literal["calorific", "equivalent"] = Field(
        "calorific",
        description=(
            "Conversion of electricity to standard coal [-]: 'calorific' = 当量值 "
            f"{ELECTRICITY_KGCE_PER_KWH_CALORIFIC} kgce/kWh (GB/T 2589-2020 annex A); "
            "'equivalent' = 等价值 (coal consumption rate of power supply), which then needs "
            "`electricity_kgce_per_kwh_equivalent`. Which basis 910号 annex 4 prescribes is "
            "UNKNOWN. Default 'calorific'."
        ),
    )
    electricity_kgce_per_kwh_equivalent: float | None = Field(
        None,
        gt=0.0,
        le=0.5,
        description=(
            "Electricity 等价值 [kgce/kWh], i.e. the previous year's national coal consumption "
            "rate of power supply, roughly 0.28–0.32 kgce/kWh; no official single value is "
            "bundled. Required when electricity_tce_basis='equivalent'. Default None (unknown)."
        ),
    )
    core_indicator_basis: Literal["acceptance", "location"] = Field(
        "acceptance",
        description=(
            "Emission basis of the 910号 core indicator 单位能耗碳排放 [-]: 'acceptance' = the park-acceptance "
            "basis of 910号 annex 4 as two secondary sources report it [sec-910-acceptance-factor]: purchased "
            "grid electricity at the national fossil-power factor (acceptance_grid_factor), directly supplied "
            "non-fossil and compliant green power at zero; 'location' = the location-based emissions of the "
            "ledger (grid.emission_factor; green power and certificates credited at that factor only with "
            "green_credits_in_core_indicator, which makes it market-based). Both are "
            "always reported, side by side and never mixed. Default 'acceptance'."
        ),
    )
    acceptance_grid_factor: Literal["national_fossil_2022", "national_fossil_2023", "user"] = Field(
        "national_fossil_2022",
        description=(
            "Factor of purchased grid electricity on the acceptance basis [-]: 'national_fossil_2022' = "
            "0.8325 kgCO2/kWh [mee-nbs-ef-2022], the value the secondary sources report for 910号 annex 4 "
            "(the latest published when the method was issued); 'national_fossil_2023' = 0.8273 "
            "[mee-nbs-ef-2023], in case the method means 'the latest published fossil factor'; 'user' = "
            "acceptance_grid_factor_kgco2_per_kwh. The official text was not read [ndrc-910-annex4]. "
            "Default 'national_fossil_2022'."
        ),
    )
    acceptance_grid_factor_kgco2_per_kwh: float | None = Field(
        None,
        ge=0.0,
        le=1.5,
        description="The planner's own acceptance-basis grid factor [kgCO2/kWh]; needed when "
        "acceptance_grid_factor='user'. Default None.",
    )
    acceptance_green_certificates: Literal["not_credited", "zero", "excl_market_nonfossil"] = Field(
        "not_credited",
        description=(
            "How unbundled green certificates (绿证) count on the acceptance basis [-]; the official rule is "
            "not public: 'not_credited' = certificate-covered electricity stays at the fossil factor (only "
            "direct supply and green-power trading count as zero); 'zero' = it counts as compliant green "
            "power, at zero; 'excl_market_nonfossil' = at the national factor excluding market-traded "
            "non-fossil power of the same year as the fossil factor (0.5856 for 2022, 0.6096 for 2023), an "
            "analyst's method [sec-gec-certificate-method]. Default 'not_credited' (conservative)."
        ),
    )
    heat_ef_tco2_per_gj: float = Field(
        0.11,
        ge=0.0,
        le=1, description=(
            "CO2 factor of heat bought from outside the boundary [tCO2/GJ]. Default 0.11, the "
            "default of GB/T 32150—2025 for heat without a measured factor [gbt-32150-2025] "
            "(910号 annex 4 gives none); give the supplier's measured factor where known."
        ),
    )
    export_credit: Literal["none", "net_at_grid_factor"] = Field(
        "none",
        description=(
            "How electricity exported to the grid is credited [-]: 'none' = exports earn "
            "nothing (gross imports counted); 'net_at_grid_factor' = exported kWh are "
            "subtracted at the same hour's grid factor, and the electricity emissions are "
            "floored at zero (a surplus is reported, never turned into negative emissions). "
            "Default 'none'."
        ),
    )
    green_power_mwh: float = Field(
        0.0,
        ge=0.0,
        le=1e7, description=(
            "Green power bought through 绿电交易 (green-power trading or direct supply) per "
            "year [MWh]. Credited at the import-weighted grid factor against imported "
            "electricity, up to the import. Default 0."
        ),
    )
    green_certificates_mwh: float = Field(
        0.0,
        ge=0.0,
        le=1e7, description=(
            "Unbundled green certificates (绿证) surrendered per year [MWh]. Credited after "
            "green power, at the same factor, against the import not already covered. Default 0."
        ),
    )
    offsets_tco2: float = Field(
        0.0,
        ge=0.0,
        le=1e8, description=(
            "Carbon offsets (CCER or equivalent) retired per year [tCO2]. Applied last, after "
            "all internal abatement and green-power credits, and always reported separately. "
            "Default 0."
        ),
    )
    process_emissions_t: dict[str, Annotated[float, Field(ge=0.0, le=1e8)]] = Field(
        default_factory=dict,
        description=(
            "Industrial-process CO2 by source [tCO2/yr] (910号 annex 4's E工业过程), counted in gross "
            "emissions and in the core indicator on both bases. In a run it is the scenario's "
            "process_emissions (declare it there, with its source). Default none."
        ),
    )
    offsets_max_share: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description=(
            "Cap on offsets as a share of the emissions named by ``offsets_cap_basis`` "
            "(default: gross emissions) [-]. Default 0.05: analogue = national carbon market rule that CCER "
            "may cover at most 5 % of an entity's verified emissions (《碳排放权交易管理办法"
            "（试行）》2020, art. 29); 910号 gives no cap (UNKNOWN). Set 1.0 for no cap."
        ),
    )
    offsets_cap_basis: Literal["gross", "after_internal"] = Field(
        "gross",
        description=(
            "What ``offsets_max_share`` is a share of [-]: 'gross' = the park's gross emissions "
            "(grid import + fuels + bought heat + declared process CO2), as the CCER analogue caps offsets at a share of "
            "the verified emissions and as the optimiser (``twin.plan``, offset_share_basis='gross') "
            "caps them; 'after_internal' = the emissions left after export credit and green "
            "credits. Either way offsets never exceed what is left, so net emissions stay >= 0. "
            "Default 'gross'."
        ),
    )
    certificates_in_clean_share: bool = Field(
        True,
        description=(
            "Whether green certificates (绿证) count as clean energy in the 910号 clean-energy share [-]. The "
            "notice's treatment is UNKNOWN; default True (as green power). False counts the electricity they "
            "cover as ordinary grid electricity there (the renewable share of T/CSUS 66-2023 7.2.1 keeps them)."
        ),
    )
    natural_gas_is_clean: bool = Field(
        False,
        description=(
            "Whether natural gas counts as 清洁能源 in the 910号 clean-energy share [-]. The "
            "notice's definition is UNKNOWN; default False (conservative)."
        ),
    )
    grid_clean_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Share of ordinary grid electricity (not green power) counted as clean in the "
            "910号 clean-energy share [-]. UNKNOWN in the notice; default 0 (only on-site "
            "renewables and green power/certificates count)."
        ),
    )
    green_credits_in_core_indicator: bool = Field(
        False,
        description=(
            "Whether green power and certificates, at the grid factor, reduce the CO2 of the grid-factor basis "
            "('location') of the 910号 core indicator 单位能耗碳排放 and of targets on that basis [-]. False "
            "(default): location-based, as scope-2 location-based results are reported beside the acceptance "
            "basis; True: market-based, and every output says so. The acceptance basis has its own switch "
            "(acceptance_green_certificates; green power counts zero there). Offsets never reduce it."
        ),
    )
    tier_lower_tce: float = Field(
        200_000.0,
        gt=0.0,
        le=1e8, description="910号 annex 3: lower bound of the first size tier [tce/yr]. Default 200 000.",
    )
    tier_upper_tce: float = Field(
        1_000_000.0,
        gt=0.0,
        le=1e8, description="910号 annex 3: lower bound of the large-park tier [tce/yr]. Default 1 000 000.",
    )
    core_threshold_mid_tco2_per_tce: float = Field(
        0.2,
        gt=0.0,
        le=10, description=(
            "910号 core threshold for parks of tier_lower_tce–tier_upper_tce [tCO2/tce]. "
            "Default 0.2 (secondary sources)."
        ),
    )
    core_threshold_large_tco2_per_tce: float = Field(
        0.3,
        gt=0.0,
        le=10, description=(
            "910号 core threshold for parks ≥ tier_upper_tce [tCO2/tce]. Default 0.3 "
            "(secondary sources)."
        ),
    )
    core_threshold_below_tier_tco2_per_tce: float | None = Field(
        None,
        gt=0.0,
        le=10, description=(
            "The planner's threshold for a park below tier_lower_tce, for which 910号 publishes none "
            "[tCO2/tce]. None (default): there is no official value to default to, so the core indicator of "
            "such a park is computed but not judged (pass: null) until the planner states one; a value is "
            "reported as the planner's, never as official."
        ),
    )
    clean_energy_share_target: float = Field(
        0.90, ge=0.0, le=1.0, description="910号 guiding value for 清洁能源消费占比 [-]. Default 0.90."
    )
    waste_heat_utilisation_target: float = Field(
        0.50, ge=0.0, le=1.0, description="910号 guiding value for 余热/余冷/余压综合利用率 [-]. Default 0.50."
    )
    solid_waste_use_target: float = Field(
        0.80, ge=0.0, le=1.0, description="910号 guiding value for 工业固体废物综合利用率 [-]. Default 0.80."
    )
    water_reuse_target: float = Field(
        0.80, ge=0.0, le=1.0, description="910号 guiding value for 工业用水重复利用率 [-]. Default 0.80."
    )

    def departures_from_910(self) -> dict[str, tuple[float, float]]:
        """The 910号 annex-3 values this accounting changes: ``{field: (value used, official value)}``
        (tier bounds, core thresholds, guiding targets; :data:`OFFICIAL_910`)."""
        return {k: (float(getattr(self, k)), v) for k, v in OFFICIAL_910.items()
                if abs(float(getattr(self, k)) - v) > 1e-12 * max(1.0, abs(v))}

    def target_source(self, field: str) -> str:
        """Where a 910号 value used here comes from: the notice, or the planner where it was changed."""
        dep = self.departures_from_910().get(field)
        if dep is None:
            return "threshold [ndrc-910-2025]"
        return f"threshold: the planner's value {dep[0]:g} (accounting.{field}, 910号: {dep[1]:g} [ndrc-910-2025])"

    @model_validator(mode="after")
    def _check(self) -> AccountingSettings:
        if self.electricity_tce_basis == "equivalent" and self.electricity_kgce_per_kwh_equivalent is None:
            raise ValueError(
                "electricity_tce_basis='equivalent' needs electricity_kgce_per_kwh_equivalent "
                "[kgce/kWh] (the 等价值 has no official single value; typically "
                f"{EQUIVALENT_KGCE_PER_KWH_RANGE[0]}–{EQUIVALENT_KGCE_PER_KWH_RANGE[1]})"
            )
        if self.acceptance_grid_factor == "user" and self.acceptance_grid_factor_kgco2_per_kwh is None:
            raise ValueError(
                "acceptance_grid_factor='user' needs acceptance_grid_factor_kgco2_per_kwh [kgCO2/kWh] "
                "(or choose national_fossil_2022 = 0.8325 or national_fossil_2023 = 0.8273)"
            )
        if self.tier_upper_tce <= self.tier_lower_tce:
            raise ValueError("tier_upper_tce must be larger than tier_lower_tce")
        return self

    @property
    def electricity_kgce_per_kwh(self) -> float:
        """Electricity conversion factor at the chosen basis [kgce/kWh]."""
        if self.electricity_tce_basis == "calorific":
            return ELECTRICITY_KGCE_PER_KWH_CALORIFIC
        return float(self.electricity_kgce_per_kwh_equivalent)  # validated not None

    @property
    def acceptance_factor_kgco2_per_kwh(self) -> float:
        """Grid electricity factor of the acceptance basis [kgCO2/kWh]."""
        if self.acceptance_grid_factor == "user":
            return float(self.acceptance_grid_factor_kgco2_per_kwh)  # validated not None
        from twin.factors import grid_emission_factor

        return grid_emission_factor("national_fossil", self._acceptance_year).value_kgco2_per_kwh

    @property
    def _acceptance_year(self) -> int:
        return 2022 if self.acceptance_grid_factor == "national_fossil_2022" else 2023

    @property
    def acceptance_factor_label(self) -> str:
        """Where the acceptance-basis grid factor comes from (text with source keys)."""
        if self.acceptance_grid_factor == "user":
            return f"planner's value {self.acceptance_grid_factor_kgco2_per_kwh} kgCO2/kWh"
        y = self._acceptance_year
        return (f"national fossil-power factor {y}, {self.acceptance_factor_kgco2_per_kwh} kgCO2/kWh "
                f"[mee-nbs-ef-{y}]")

    @property
    def acceptance_certificate_factor_kgco2_per_kwh(self) -> float:
        """Factor of certificate-covered grid electricity on the acceptance basis [kgCO2/kWh]."""
        if self.acceptance_green_certificates == "zero":
            return 0.0
        if self.acceptance_green_certificates == "not_credited":
            return self.acceptance_factor_kgco2_per_kwh
        from twin.factors import grid_emission_factor

        return grid_emission_factor("national_excl_market_nonfossil", self._acceptance_year).value_kgco2_per_kwh

    @property
    def electricity_tce_basis_label(self) -> str:
        """The tce basis of electricity as a planner reads it, e.g. '当量值 0.1229 kgce/kWh'."""
        if self.electricity_tce_basis == "calorific":
            return f"当量值 (calorific) {ELECTRICITY_KGCE_PER_KWH_CALORIFIC} kgce/kWh [gbt-2589-2020]"
        return f"等价值 (primary-energy equivalent) {self.electricity_kgce_per_kwh_equivalent} kgce/kWh (planner's value)"

    def _offsets_cap_note(self) -> str:
        """Where the offset cap's value comes from: the CCER analogue only when it is that value."""
        if self.offsets_max_share >= 1.0:
            return "no cap in 910号 and none applied here; the CCER rule of the carbon market would allow 5 % [mee-ets-2021]"
        if abs(self.offsets_max_share - 0.05) < 1e-12:
            return "no cap in 910号; CCER 5 % analogue [mee-ets-2021]"
        return ("no cap in 910号; the planner's cap (carbon.max_offset_share of the scenario), not the CCER 5 % "
                "analogue [mee-ets-2021]")

    def open_parameters(self) -> list[dict]:
        """Parameters the official texts leave open, with the value used here.

        Returns
        -------
        list of dict
            ``{"name", "value", "unit", "status", "note"}`` for each open choice.
        """
        basis = (
            f"当量值 {ELECTRICITY_KGCE_PER_KWH_CALORIFIC}"
            if self.electricity_tce_basis == "calorific"
            else f"等价值 {self.electricity_kgce_per_kwh_equivalent}"
        )
        return [
            _op("electricity_tce_basis", basis, "kgce/kWh", "910号 annex 4 does not say calorific (当量值) or primary-energy equivalent (等价值)"),
            _op("grid_emission_factor", "location basis: hourly ef_grid_kgco2_per_kwh of the dispatch", "kgCO2/kWh",
                "location-based emissions; the core indicator uses core_indicator_basis"),
            _op("core_indicator_basis", self.core_indicator_basis, "-",
                "annex 4 as reported values grid power at the fossil factor [sec-910-acceptance-factor]"),
            _op("acceptance_grid_factor", self.acceptance_factor_label, "kgCO2/kWh",
                "0.8325 (2022) as reported, or the latest fossil factor 0.8273 (2023): not settled"),
            _op("acceptance_green_certificates", self.acceptance_green_certificates, "-",
                "treatment of green certificates (绿证) on the acceptance basis is not public"),
            _op("heat_ef_tco2_per_gj", self.heat_ef_tco2_per_gj, "tCO2/GJ",
                "GB/T 32150—2025 default for heat without a measured factor [gbt-32150-2025]; 910号 annex 4 gives none"),
            _op("export_credit", self.export_credit, "-", "crediting of exports is not specified"),
            _op("green_credits_in_core_indicator", self.green_credits_in_core_indicator, "-",
                "the grid-factor basis only: True credits green power and certificates (绿电/绿证) there (market-based), False keeps it "
                "location-based; crediting in annex 4 is UNKNOWN"),
            _op("offsets_max_share", self.offsets_max_share, "-", self._offsets_cap_note()),
            _op("offsets_cap_basis", self.offsets_cap_basis, "-",
                "share of gross emissions (CCER analogue) or of emissions after internal abatement"),
            _op("certificates_in_clean_share", self.certificates_in_clean_share, "-",
                "treatment of green certificates (绿证) in the clean-energy share UNKNOWN"),
            _op("natural_gas_is_clean", self.natural_gas_is_clean, "-", "definition of clean energy (清洁能源) UNKNOWN"),
            _op("grid_clean_share", self.grid_clean_share, "-", "whether grid electricity counts as clean UNKNOWN"),
            self._below_tier_row(),
            *self._departure_rows(),
            self._process_row(),
        ]

    def _below_tier_row(self) -> dict:
        """The threshold below the first tier: none in 910号, none by default; the planner's if stated."""
        lo = OFFICIAL_910["tier_lower_tce"]
        if self.core_threshold_below_tier_tco2_per_tce is None:
            return _op("core_threshold_below_tier_tco2_per_tce", "none (not judged)", "tCO2/tce",
                       f"910号 publishes no threshold below {lo:,.0f} tce/yr: the core indicator of such a park is "
                       "computed but not judged until the planner states one")
        return {**_op("core_threshold_below_tier_tco2_per_tce", self.core_threshold_below_tier_tco2_per_tce,
                      "tCO2/tce", f"910号 publishes no threshold below {lo:,.0f} tce/yr; the planner's value"),
                "status": "planner's value"}

    def _departure_rows(self) -> list[dict]:
        """A row for each 910号 value the planner changed (tier bounds, thresholds, guiding targets)."""
        return [{**_op(k, used, OFFICIAL_910_UNITS[k],
                       f"the planner's value; 910号 annex 3 gives {official:,.10g} [ndrc-910-2025]"),
                 "status": "planner's value"} for k, (used, official) in self.departures_from_910().items()]

    def _process_row(self) -> dict:
        """Industrial-process CO2: declared by the planner, never computed (open-parameter row)."""
        total = float(sum(self.process_emissions_t.values()))
        if not self.process_emissions_t:
            return {**_op("industrial_process_co2", "none declared", "tCO2/yr",
                          "annex 4 counts the park's CO2 as energy activities plus industrial processes; the tool "
                          "does not compute process CO2: a park with it (cement, lime, glass, chemicals) declares "
                          "it under process_emissions, or the numerator reads low"), "status": "model limit"}
        return {**_op("industrial_process_co2", round(total, 6), "tCO2/yr",
                      f"declared under process_emissions ({len(self.process_emissions_t)} source(s)), counted in "
                      "gross emissions and the core indicator on both bases; the tool does not compute it"),
                "status": "planner's declaration"}


#: The values 发改环资〔2025〕910号 annex 3 gives (as secondary sources report them, [ndrc-910-2025]): the
#: size tiers of the core indicator, its thresholds and the guiding indicators' targets. A scenario may
#: change each (``accounting``); the outputs then say the planner's value, never the notice's.
OFFICIAL_910 = {
    "tier_lower_tce": 200_000.0, "tier_upper_tce": 1_000_000.0,
    "core_threshold_mid_tco2_per_tce": 0.2, "core_threshold_large_tco2_per_tce": 0.3,
    "clean_energy_share_target": 0.90, "waste_heat_utilisation_target": 0.50,
    "solid_waste_use_target": 0.80, "water_reuse_target": 0.80,
}
OFFICIAL_910_UNITS = {"tier_lower_tce": "tce/yr", "tier_upper_tce": "tce/yr",
                      "core_threshold_mid_tco2_per_tce": "tCO2/tce", "core_threshold_large_tco2_per_tce": "tCO2/tce",
                      "clean_energy_share_target": "-", "waste_heat_utilisation_target": "-",
                      "solid_waste_use_target": "-", "water_reuse_target": "-"}


def _op(name: str, value, unit: str, note: str) -> dict:
    return {"name": name, "value": value, "unit": unit, "status": "open in official text", "note": note}
