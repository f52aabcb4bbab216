"""Sizing and dispatch optimisation of park energy systems (Pyomo + HiGHS)."""
