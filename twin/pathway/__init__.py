"""Zero-carbon pathways over the years: what to build when, as the grid gets cleaner and loads grow.

``spec`` (the scenario's ``pathway`` section) · ``check`` (each period's overrides validated,
with their file and line, before anything is solved) · ``periods`` (weights, trends, growth) ·
``vintages`` (assets by build period: life, fade, annuities) · ``runner`` (:func:`run_pathway`,
myopic, dispatching on ``pathway.mode``) · ``foresight`` (all periods in one LP through
:func:`solvers.pathway.solve_foresight`, then each period run with its capacity pinned) · ``results`` (summary section, dataset with a ``period`` dimension, files).
"""

from twin.pathway.spec import PathwaySpec

__all__ = ["PathwaySpec"]
