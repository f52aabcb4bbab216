"""Sizing and dispatch optimisation of park energy systems (Pyomo model, HiGHS via highspy).

``import solvers`` is light: Pyomo, highspy, scipy and xarray are imported only when
:func:`solve` runs.

>>> from solvers import SizingProblem, SolveOptions, SizingResult, solve, InfeasibleError
"""

from solvers.problem import (BOILER_FUELS, AssetCost, Battery, Boiler, Carbon, Chiller, ColdStorage, DistrictHeat, ElectricBoiler, EVFleet,
                             GasBoiler, GridConnection, HeatPump, InfeasibleError, ParetoPoint,
                             ProcessCoolingDemand, ProcessHeatDemand, PVArray, SizingProblem, SizingResult, SolveOptions, Targets,
                             ThermalStorage, UndecidedError, WasteHeatSource, capital_recovery_factor)


def solve(problem: SizingProblem, options: SolveOptions | None = None) -> SizingResult:
    """Solve ``problem`` with HiGHS; see :func:`solvers.optimise.solve`."""
    from solvers.optimise import solve as _solve

    return _solve(problem, options)


__all__ = ["AssetCost", "Battery", "Boiler", "BOILER_FUELS", "Carbon", "Chiller", "ColdStorage", "DistrictHeat", "ElectricBoiler", "EVFleet",
           "GasBoiler", "GridConnection", "HeatPump", "InfeasibleError", "ParetoPoint",
           "ProcessCoolingDemand", "ProcessHeatDemand", "PVArray", "SizingProblem", "SizingResult", "SolveOptions", "Targets", "ThermalStorage",
           "UndecidedError", "WasteHeatSource", "capital_recovery_factor", "solve"]
