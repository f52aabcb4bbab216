"""Accounting settings of the carbon and energy ledger.

Every choice that the official texts leave open (发改环资〔2025〕910号 annex 3/4,
T/CSUS 66-2023) is an explicit, documented field here; the ledger reports the value it
used in its list of open parameters. Sources: [ndrc-910-2025], [ndrc-910-annex4],
[sec-910-acceptance-factor], [gbt-2589-2020] (docs/sources.md); what they leave UNKNOWN is a field.
"""

from __future__ import annotations

from typing import Literal

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
    heat_ef_tco2_per_gj: float = Field(
        0.11,
        ge=0.0,
        description=(
            "CO2 factor of heat bought from outside the boundary [tCO2/GJ]. Default 0.11, the "
            "value used in Chinese enterprise GHG accounting guidelines (secondary source, not "
            "read from the official text; 910号 annex 4 does not give one)."
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
        description=(
            "Green power bought through 绿电交易 (green-power trading or direct supply) per "
            "year [MWh]. Credited at the import-weighted grid factor against imported "
            "electricity, up to the import. Default 0."
        ),
    )
    green_certificates_mwh: float = Field(
        0.0,
        ge=0.0,
        description=(
            "Unbundled green certificates (绿证) surrendered per year [MWh]. Credited after "
            "green power, at the same factor, against the import not already covered. Default 0."
        ),
    )
    offsets_tco2: float = Field(
        0.0,
        ge=0.0,
        description=(
            "Carbon offsets (CCER or equivalent) retired per year [tCO2]. Applied last, after "
            "all internal abatement and green-power credits, and always reported separately. "
            "Default 0."
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
            "(grid import + fuels + bought heat), as the CCER analogue caps offsets at a share of "
            "the verified emissions and as the optimiser (``twin.plan``, offset_share_basis='gross') "
            "caps them; 'after_internal' = the emissions left after export credit and green "
            "credits. Either way offsets never exceed what is left, so net emissions stay >= 0. "
            "Default 'gross'."
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
        True,
        description=(
            "Whether green power and certificates reduce the CO2 numerator of the 910号 core "
            "indicator 单位能耗碳排放 [-]. UNKNOWN in annex 4; default True. Offsets never do."
        ),
    )
    tier_lower_tce: float = Field(
        200_000.0,
        gt=0.0,
        description="910号 annex 3: lower bound of the first size tier [tce/yr]. Default 200 000.",
    )
    tier_upper_tce: float = Field(
        1_000_000.0,
        gt=0.0,
        description="910号 annex 3: lower bound of the large-park tier [tce/yr]. Default 1 000 000.",
    )
    core_threshold_mid_tco2_per_tce: float = Field(
        0.2,
        gt=0.0,
        description=(
            "910号 core threshold for parks of tier_lower_tce–tier_upper_tce [tCO2/tce]. "
            "Default 0.2 (secondary sources)."
        ),
    )
    core_threshold_large_tco2_per_tce: float = Field(
        0.3,
        gt=0.0,
        description=(
            "910号 core threshold for parks ≥ tier_upper_tce [tCO2/tce]. Default 0.3 "
            "(secondary sources)."
        ),
    )
    core_threshold_below_tier_tco2_per_tce: float = Field(
        0.2,
        gt=0.0,
        description=(
            "ASSUMPTION, not official: threshold used to evaluate parks below tier_lower_tce, "
            "for which the notice gives no tier [tCO2/tce]. Default 0.2 (the first tier's value); "
            "outputs report 'no official tier' for such parks."
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

    @model_validator(mode="after")
    def _check(self) -> AccountingSettings:
        if self.electricity_tce_basis == "equivalent" and self.electricity_kgce_per_kwh_equivalent is None:
            raise ValueError(
                "electricity_tce_basis='equivalent' needs electricity_kgce_per_kwh_equivalent "
                "[kgce/kWh] (the 等价值 has no official single value; typically "
                f"{EQUIVALENT_KGCE_PER_KWH_RANGE[0]}–{EQUIVALENT_KGCE_PER_KWH_RANGE[1]})"
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
            _op("electricity_tce_basis", basis, "kgce/kWh", "910号 annex 4 does not say 当量值 or 等价值"),
            _op("grid_emission_factor", "hourly ef_grid_kgco2_per_kwh of the dispatch", "kgCO2/kWh",
                "annex 4's prescribed electricity factor is UNKNOWN"),
            _op("heat_ef_tco2_per_gj", self.heat_ef_tco2_per_gj, "tCO2/GJ", "secondary; no official value"),
            _op("export_credit", self.export_credit, "-", "crediting of exports is not specified"),
            _op("green_credits_in_core_indicator", self.green_credits_in_core_indicator, "-",
                "crediting of 绿电/绿证 in annex 4 is UNKNOWN"),
            _op("offsets_max_share", self.offsets_max_share, "-", "no cap in 910号; CCER 5 % analogue"),
            _op("offsets_cap_basis", self.offsets_cap_basis, "-",
                "share of gross emissions (CCER analogue) or of emissions after internal abatement"),
            _op("natural_gas_is_clean", self.natural_gas_is_clean, "-", "definition of 清洁能源 UNKNOWN"),
            _op("grid_clean_share", self.grid_clean_share, "-", "whether grid electricity counts as clean UNKNOWN"),
            _op("core_threshold_below_tier_tco2_per_tce", self.core_threshold_below_tier_tco2_per_tce,
                "tCO2/tce", f"ASSUMPTION: 910号 gives no tier below {self.tier_lower_tce:.0f} tce/yr"),
        ]


def _op(name: str, value, unit: str, note: str) -> dict:
    return {"name": name, "value": value, "unit": unit, "status": "open in official text", "note": note}
