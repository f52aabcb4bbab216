"""Canonical LP text of the compiled sizing model, for reviewable golden files.

The text is the model exactly as handed to HiGHS (the rows and columns of Pyomo's
``LinearStandardFormCompiler``, see :mod:`solvers.highs_backend`), written in the
CPLEX LP format with the Pyomo component names, normalised so that it is the same on
every run and every machine and so that a change of the formulation reads as a small
diff:

* rows sorted by name, one term per line, terms sorted by column name;
* columns in the bounds section sorted by name, every bound written out;
* numbers printed with 12 significant digits (``%.12g``), ``-0`` as ``0``;
* names made LP-safe: ``[`` ``]`` become ``(`` ``)``, other characters outside
  ``[A-Za-z0-9_().]`` become ``_``.

The objective constant (if any) is written as a comment line
``\\ objective constant: <value>`` since not every LP reader accepts a constant
term.  HiGHS reads the text back (``highspy.Highs.readModel``).

>>> from solvers.lpfile import canonical_lp          # doctest: +SKIP
>>> text = canonical_lp(problem)                      # doctest: +SKIP
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["canonical_lp", "write_canonical_lp"]

_BAD = re.compile(r"[^A-Za-z0-9_().]")


def _name(s: str) -> str:
    return _BAD.sub("_", s.replace("[", "(").replace("]", ")"))


def _num(x: float) -> str:
    s = "%.12g" % float(x)
    return "0" if s == "-0" else s


def _term(k: float, name: str) -> str:
    return f"   {'-' if k < 0 else '+'} {_num(abs(k))} {name}"


def canonical_lp(problem, title: str = "park twin sizing model") -> str:
    """The compiled cost model of ``problem`` as canonical LP text.

    Parameters
    ----------
    problem : solvers.SizingProblem
        The problem; its cost objective is written (the one ``min_cost``,
        ``net_zero`` and every re-solve of :func:`solvers.solve` start from), with
        the emission bound ``em_cap`` at the problem's initial value.
    title : str
        First comment line.

    Returns
    -------
    str
        LP text ending with ``End`` and a newline.
    """
    from pyomo.common.gc_manager import PauseGC

    from solvers.highs_backend import CompiledModel
    from solvers.model import build_model

    ctx = build_model(problem)
    with PauseGC():
        cm = CompiledModel(ctx.m)
    info = cm.info
    cols = [_name(v.name) for v in cm.columns]
    if len(set(cols)) != len(cols):
        raise ValueError("column names collide after making them LP-safe")
    cost = np.asarray(info.c.toarray(), float).reshape(-1, cm.n_col)
    c = cost[0] if cost.shape[0] else np.zeros(cm.n_col)
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    out = [f"\\ {title}", f"\\ columns {cm.n_col}, rows {cm.n_row}",
           f"\\ objective constant: {_num(offset)}", "minimize", " cost:"]
    out += [_term(k, n) for n, k in sorted(zip(cols, c.tolist())) if k != 0.0]
    out.append("subject to")
    A = info.A.tocsr()
    rhs = np.asarray(info.rhs, float).reshape(-1)
    sense = {1: "<=", 0: "=", -1: ">="}
    suffix = {1: "_ub", 0: "", -1: "_lb"}
    rows = []
    for i, r in enumerate(info.rows):
        base = _name(r.constraint.name)
        rows.append((base, r.bound_type, i))
    counts: dict[str, int] = {}
    for base, _, _ in rows:
        counts[base] = counts.get(base, 0) + 1
    named = []
    for base, bt, i in rows:
        nm = base + suffix[bt] if counts[base] > 1 else base
        named.append((nm, bt, i))
    if len({n for n, _, _ in named}) != len(named):
        raise ValueError("row names collide after making them LP-safe")
    for nm, bt, i in sorted(named):
        lo, hi = A.indptr[i], A.indptr[i + 1]
        terms = sorted(zip((cols[j] for j in A.indices[lo:hi]), A.data[lo:hi].tolist()))
        out.append(f" {nm}:")
        out += [_term(k, n) for n, k in terms if k != 0.0]
        if not terms:  # an empty row still needs a term in the LP format
            out.append(_term(0.0, cols[0]))
        out.append(f"   {sense[bt]} {_num(rhs[i])}")
    out.append("bounds")
    ints = []
    for n, v in sorted(zip(cols, cm.columns), key=lambda t: t[0]):
        lb, ub = v.bounds
        if v.is_integer():
            ints.append(n)
        if lb is None and ub is None:
            out.append(f" {n} free")
        else:
            lo_s = "-inf" if lb is None else _num(lb)
            hi_s = "+inf" if ub is None else _num(ub)
            out.append(f" {lo_s} <= {n} <= {hi_s}")
    if ints:
        out.append("general")
        out += [f" {n}" for n in ints]
    out.append("End")
    return "\n".join(out) + "\n"


def write_canonical_lp(problem, path, title: str = "park twin sizing model") -> None:
    """Write :func:`canonical_lp` of ``problem`` to ``path`` (UTF-8, ``\\n`` line ends)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(canonical_lp(problem, title))
