"""Constraint families of the sizing model, one module per technology.

Each module exposes ``add(ctx)`` that adds its variables and constraints for all
instances at once, vectorised over time, to ``ctx.lp`` (a
:class:`solvers.lp.LinearProgram`), registers its flows on
the energy buses, its annualised costs, emissions and dispatch outputs on ``ctx``
(:class:`solvers.blocks.base.ModelContext`).  The equation is in each docstring.
"""
