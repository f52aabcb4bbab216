"""Constraint families of the sizing model, one module per technology.

Each module exposes ``add(ctx)`` that adds its Pyomo variables and constraints for
all instances, indexed over the time steps, to the ``ConcreteModel`` ``ctx.m``,
registers its flows on
the energy buses, its annualised costs, emissions and dispatch outputs on ``ctx``
(:class:`solvers.blocks.base.ModelContext`).  The equation is in each docstring.
"""
