"""The bibliography of the park twin: original documents and datasets, cited by key.

The entries live in ``twin/data/sources.csv``; ``docs/sources.md`` is their readable
form (regenerate it with ``python -m twin.sources > docs/sources.md``; a test keeps the
two in step). Code, data files, schema descriptions and outputs cite an entry by its
key, e.g. ``[mee-nbs-ef-2023]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Source:
    """One bibliography entry."""

    key: str
    kind: str
    title: str
    issuer: str
    number: str
    date: str
    url: str
    note: str

    def cite(self) -> str:
        """Short citation: number or title, issuer, date and key [-]."""
        num = self.number if self.number not in ("", "—") else self.title.split(" (")[0]
        return f"{num} ({self.issuer}, {self.date}) [{self.key}]"

    def to_dict(self) -> dict:
        """JSON-safe mapping of the entry."""
        return dict(self.__dict__)


@cache
def sources() -> dict[str, Source]:
    """All bibliography entries by key."""
    import csv

    with resources.files("twin.data").joinpath("sources.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return {r["key"]: Source(**{k: (v or "").strip() for k, v in r.items()}) for r in rows}


def source(key: str) -> Source:
    """The entry of ``key``.

    Raises
    ------
    KeyError
        Naming the unknown key and the known ones.
    """
    s = sources()
    if key not in s:
        raise KeyError(f"unknown source key {key!r}; known: {', '.join(s)}")
    return s[key]


def cite(*keys: str) -> str:
    """Citation text of one or more keys, joined by '; '."""
    return "; ".join(source(k).cite() for k in keys)


def references(*keys: str) -> list[dict]:
    """Entries of ``keys`` as JSON-safe dicts (for summary.json)."""
    return [source(k).to_dict() for k in dict.fromkeys(keys)]


def cited(text: str) -> list[dict]:
    """Entries whose key ``[key]`` appears in ``text``, in order of first citation."""
    import re

    known = sources()
    keys = [k for k in re.findall(r"(?<!\w)\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\]", text) if k in known]
    return references(*keys)


_KIND_TITLES = (
    ("official", "Official documents"),
    ("standard", "Standards"),
    ("secondary", "Secondary sources (the original was not read)"),
    ("dataset", "Datasets"),
    ("assumption", "Assumptions"),
)


def render_markdown() -> str:
    """``docs/sources.md``: the bibliography as Markdown, grouped by kind."""
    lines = [
        "# Sources",
        "",
        "Every original document and dataset the park twin relies on. Code, data files, the scenario",
        "schema and all outputs cite an entry by its key in square brackets, e.g. `[mee-nbs-ef-2023]`.",
        "Generated from `twin/data/sources.csv` by `python -m twin.sources > docs/sources.md`.",
        "",
        "Nothing here was read from the issuing body's own PDF unless the note says so; values come from",
        "secondary reproductions of the official texts, with the confidence stated in the note.",
        "",
    ]
    by_kind: dict[str, list[Source]] = {}
    for s in sources().values():
        by_kind.setdefault(s.kind, []).append(s)
    for kind, heading in _KIND_TITLES:
        items = by_kind.get(kind, [])
        if not items:
            continue
        lines += [f"## {heading}", ""]
        for s in items:
            lines.append(f"### `{s.key}`")
            lines.append("")
            lines.append(f"- **Title:** {s.title}")
            lines.append(f"- **Issuer:** {s.issuer}")
            if s.number and s.number != "—":
                lines.append(f"- **Number:** {s.number}")
            lines.append(f"- **Date:** {s.date}")
            lines.append(f"- **URL:** {s.url if s.url else ('part of this tool (no external URL)' if s.issuer == 'park twin project' else 'no URL recorded (see the note)')}")
            if s.note:
                lines.append(f"- **Note:** {s.note}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(), end="")
