"""Where each field of the scenario schema is used: the map the schema test checks.

Every leaf field of :class:`twin.scenario.schema.Scenario` (with the component specs it
holds) is either read by the stage its section belongs to — weather and profiles,
the optimiser's problem (:mod:`twin.plan`), the run configuration, the ledger, the
assessment, the grid check — or declared here as *report-only* with the reason.
``tests/test_scenario_consumers.py`` walks the schema and fails on a field that no
module of its stage reads, so an input can no longer be silently lost.
"""

from __future__ import annotations

#: Section prefix (dotted path, ``[]`` for list items) -> (stage, modules that read it).
#: The longest matching prefix applies. ``battery`` / ``thermal_storage`` are the one-store
#: shorthands of ``batteries`` / ``thermal_stores``, moved into the lists at load.
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "park.": ("profiles and assessment", ("twin.profiles", "twin.evaluate", "twin.assess.scorecard",
                                          "twin.assess.national", "twin.components.calendar")),
    "site.": ("weather and profiles", ("twin.profiles", "twin.scenario.schema", "weather")),
    "grid.": ("problem", ("twin.plan", "twin.profiles")),
    "grid.tariff.": ("profiles", ("twin.components.tariff",)),
    "grid.emission_factor.": ("profiles", ("twin.profiles", "twin.factors")),
    "grid.network.": ("grid check", ("twin.grid",)),
    "costs.": ("problem", ("twin.plan",)),
    "carbon.": ("problem", ("twin.plan", "twin.evaluate")),
    "objective.": ("run configuration and problem", ("twin.scenario.run_config", "twin.plan")),
    "process_loads[].": ("profiles", ("twin.components.process", "twin.profiles")),
    "process_heat[].": ("profiles and problem", ("twin.components.process", "twin.profiles", "twin.plan")),
    "process_cooling[].": ("profiles and problem", ("twin.components.process", "twin.profiles", "twin.plan")),
    "process_emissions[].": ("problem and ledger", ("twin.plan", "twin.evaluate")),
    "buildings[].": ("profiles", ("twin.components.buildings", "twin.profiles", "twin.evaluate")),
    "pv_arrays[].": ("profiles and problem", ("twin.components.pv", "twin.profiles", "twin.plan")),
    "batteries[].": ("problem and pathway (capacity fade)", ("twin.components.battery", "twin.plan", "twin.pathway")),
    "battery.": ("problem and pathway (capacity fade)", ("twin.components.battery", "twin.plan", "twin.pathway")),
    "ev_fleets[].": ("profiles and problem", ("twin.components.ev", "twin.profiles", "twin.plan")),
    "waste_heat[].": ("profiles and problem", ("twin.components.heat", "twin.profiles", "twin.plan")),
    "heat_pumps[].": ("profiles and problem", ("twin.components.heat", "twin.profiles", "twin.plan")),
    "thermal_stores[].": ("problem", ("twin.components.heat", "twin.plan")),
    "thermal_storage.": ("problem", ("twin.components.heat", "twin.plan")),
    "heat_supply_temperature_c": ("problem", ("twin.plan", "twin.profiles")),
    "cooling_supply_temperature_c": ("problem", ("twin.plan", "twin.scenario.schema")),
    "boilers[].": ("problem", ("twin.plan", "twin.components.heat")),
    "chillers[].": ("problem", ("twin.plan", "twin.components.heat")),
    "cold_stores[].": ("problem", ("twin.components.heat", "twin.plan", "twin.scenario.schema")),
    "district_heat.": ("problem and outputs", ("twin.plan", "twin.results.summary")),
    "accounting.": ("ledger and assessment", ("twin.ledger", "twin.assess", "twin.evaluate")),
    "targets.": ("assessment", ("twin.targets",)),
    "declarations.": ("assessment", ("twin.assess",)),
    "operation.": ("operation", ("twin.operate",)),
    "pathway.": ("pathway", ("twin.pathway",)),
    "implied_plant.": ("pathway and problem", ("twin.pathway", "twin.plan")),
}
# when today's plant went into service and retires: read by the pathway alone (twin.pathway.existing)
STAGES.update({f"{section}.{name}": ("pathway", ("twin.pathway",))
               for section in ("pv_arrays[]", "batteries[]", "battery", "heat_pumps[]", "thermal_stores[]",
                               "thermal_storage", "cold_stores[]", "boilers[]", "chillers[]", "process_heat[]",
                               "process_cooling[]")
               for name in ("existing_commissioned_year", "existing_retires_year")})

#: Fields whose effect is not modelled yet: the schema refuses any value but the default,
#: so an input cannot be silently ignored.
NOT_MODELLED: dict[str, str] = {
    "process_loads[].flexible_share": "the process load is fixed",
    "process_loads[].waste_heat_fraction": "declare the heat as a waste_heat source instead",
}

#: Fields shown in the outputs (or identifying an item) without changing any number.
REPORT_ONLY: dict[str, str] = {
    "park.name": "shown in the report and summary",
    "park.description": "shown in the report",
    "grid.voltage_kv": "connection voltage, shown; the grid check uses grid.network",
    "grid.tariff.name": "shown with the tariff",
    "grid.tariff.source": "cited with the tariff",
    "thermal_storage.name": "identifies the store",
    "thermal_storage.kind": "one kind (hot-water tank) so far",
    "battery.name": "identifies the battery",
    "batteries[].name": "identifies the battery (its sizes, dispatch and state are keyed by it)",
    "thermal_stores[].name": "identifies the store (its size, dispatch and state are keyed by it)",
    "thermal_stores[].kind": "one kind (hot-water tank) so far",
    "chillers[].chilled_water_c": "read through ChillerSpec.cop (electric chillers' COP)",
    "cold_stores[].name": "identifies the store (its size, dispatch and state are keyed by it)",
    "chillers[].driving_temperature_c": "absorption chillers: driving heat is taken from the park's heat "
                                        "bus at heat_supply_temperature_c; documented, not yet checked",
}
