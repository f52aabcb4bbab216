"""The README's commands are well formed: each parses with the CLI as written, reads files
that exist in a fresh clone (or that an earlier README command writes), and writes only
under ``out/`` (gitignored), so running them leaves the clone clean.

Running them is left to the end-to-end tests and to the release check (the full-year and
Pareto commands take minutes); this test catches an option renamed, a value refused or a
path that does not exist.
"""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import click
import pytest

from twin.cli import main

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith(("twin ", "./scripts/")):
                out.append(line)
    return out


COMMANDS = readme_commands()


def test_readme_has_commands():
    assert any(c.startswith("twin run") for c in COMMANDS) and any(c.startswith("./scripts/") for c in COMMANDS)


@pytest.mark.parametrize("line", COMMANDS)
def test_command_parses_and_writes_under_out(line):
    args = shlex.split(line)
    if args[0].startswith("./scripts/"):
        script = ROOT / args[0]
        assert script.exists() and script.stat().st_mode & 0o111, f"{script} missing or not executable"
        return
    expanded = []
    for a in args[1:]:
        hits = sorted(glob.glob(str(ROOT / a))) if any(ch in a for ch in "*?[") else []
        expanded += [str(Path(h).relative_to(ROOT)) for h in hits] or [a]
    cmd = main.get_command(click.Context(main), expanded[0])
    assert cmd is not None, f"unknown command in README: {line}"
    ctx = cmd.make_context(expanded[0], expanded[1:], resilient_parsing=False)  # raises on a bad option/value
    params = ctx.params
    for key in ("output", "out_dir"):
        if params.get(key) is not None:
            assert Path(params[key]).parts[0] == "out", f"{line}: writes outside out/"
    for key in ("scenario", "files"):
        paths = params.get(key)
        for p in ([paths] if isinstance(paths, Path) else list(paths or [])):
            assert (ROOT / p).exists(), f"{line}: {p} does not exist in the clone"
    items = params.get("items") or params.get("runs") or ()
    for it in items:
        p = Path(it)
        assert p.parts[0] == "out" or (ROOT / p).exists(), f"{line}: {p} is neither a file nor a run under out/"
