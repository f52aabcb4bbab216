"""Find text in a rendered report that is in the wrong language.

A Chinese report may show English only as technical names, units, identifiers and the
user's own data (park, asset and station names); an English report may show Chinese only
in official document names and the user's data. :func:`wrong_language` lists every
visible text run that breaks this, for the tests to assert empty.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-']{2,}")

#: English words allowed in a Chinese report: units, standards, software, technical abbreviations.
TECHNICAL = {
    "kWh", "MWh", "GWh", "kWp", "kVA", "MVA", "kvar", "Mvar", "tCO2", "tce", "kgce", "kgCO2", "CNY", "COP", "PUE", "PV", "EV", "EVs", "V2G",
    "CSUS", "HiGHS", "HiPO", "IPX", "Pyomo", "pvlib", "simpy", "xarray", "plotly", "pandapower", "netCDF",
    "numpy", "pandas", "pydantic", "python", "park_twin", "nc", "json", "summary", "results", "html",
    "CCER", "GEC", "TOU", "IPCC", "GB", "MEE", "NDRC", "NBS", "TMYx", "EPW", "CSWD", "SWERA", "ERA",
    "MERRA", "ISO", "ASHRAE", "BESTEST", "GHI", "DNI", "DHI", "UTC", "Asia", "Shanghai", "sha", "yaml",
    "rubric", "provisional", "analogues", "tcsus", "min", "max", "hipo", "ipx", "simplex", "choose", "ipm",
}


#: Elements whose text is the user's data or a citation, shown as recorded (class names).
AS_RECORDED = ("data", "cite")
_VOID = {"br", "img", "meta", "hr", "input", "link", "wbr"}


#: Official Chinese terms an English report may keep beside its English words.
OFFICIAL_TERMS = ("910号", "发改环资〔2025〕910号", "当量值", "等价值", "绿电", "绿证", "清洁能源", "余冷", "余压",
                  "生产制造", "仓储物流", "商务办公")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.stack: list[bool] = []
        self.runs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = tag in ("script", "style", "title", "code") or any(c in AS_RECORDED for c in classes)
        self.stack.append(hidden)
        self.skip += hidden

    def handle_endtag(self, tag):
        if tag in _VOID or not self.stack:
            return
        self.skip -= self.stack.pop()

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.runs.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    """Text runs a reader sees (scripts and styles left out)."""
    p = _Text()
    p.feed(html)
    return p.runs


def wrong_language(html: str, lang: str, data_words: set[str] = frozenset()) -> list[str]:
    """Visible text runs in the other language than ``lang``.

    ``data_words``: words of the user's own data (park, asset, building and station names)
    that may appear in either language.
    """
    bad = []
    for run in visible_text(html):
        # identifiers (summary.json keys, variable names), URLs and file names are language-neutral
        run = re.sub(r"\[[\w-]+\]", " ", run)  # bibliography keys such as [mee-nbs-ef-2023]
        run = re.sub(r"\S*(_|://|\.yaml|\.nc|\.json)\S*", " ", run)
        run = re.sub(r"\b\w*\d\w*\b", " ", run)  # type names with digits (NA2XS2Y, 1x70) are identifiers
        if lang == "zh":
            words = [w for w in WORD.findall(run) if w not in TECHNICAL and w.lower() not in
                     {t.lower() for t in TECHNICAL} and w not in data_words]
            if words and not CJK.search(run):
                bad.append(run)
            elif len(words) >= 4:  # a Chinese label with an English sentence glued to it
                bad.append(run)
        else:
            stripped = run
            for w in data_words:
                stripped = stripped.replace(w, "")
            for term in OFFICIAL_TERMS:
                stripped = stripped.replace(term, "")
            stripped = re.sub(r"\([^)]*\)|（[^）]*）", "", stripped)
            if CJK.search(stripped):
                bad.append(run)
    return bad


def data_words(summary: dict) -> set[str]:
    """Words of the user's own data in a run's summary: park, building, asset and site names."""
    names = [summary["park"]["name"], str(summary.get("weather", {}).get("reference_city") or "")]
    names += [b["name"] for b in summary.get("buildings", [])]
    for v in summary.get("sizes", {}).values():
        if isinstance(v, dict):
            names += list(v)
    # EV fleets are sized only with V2G; their names stand in the notes ("EV fleet 'delivery vans': ...")
    import json

    names += re.findall(r"EV fleet '([^']+)'", json.dumps(summary, ensure_ascii=False))
    return {w for n in names for w in str(n).replace("(", " ").replace(")", " ").split()}
