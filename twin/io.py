"""Writing outputs: atomic file writes, and JSON-safe values for summary.json.

Every output is first written to a temporary file in the destination folder and
then renamed over the target (``os.replace`` is atomic on POSIX and Windows when
both paths are on the same filesystem). An interrupted run leaves the previous
file, or none, but never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np


def _umask_mode() -> int:
    """File mode a normally created file gets (mkstemp would leave 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On an exception the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, _umask_mode())
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def atomic_write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


def atomic_write(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result to ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


@contextmanager
def staged_outputs(out_dir: str | Path) -> Iterator[dict[str, Path]]:
    """Stage several outputs, publish them together at the end.

    Yields a dict ``name -> temporary path``; callers add entries with
    :func:`stage`. On success every staged file is renamed to ``out_dir/name``; on
    failure all are removed and files already in ``out_dir`` stay as they were.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}
    try:
        yield staged
        for name, tmp in staged.items():
            os.replace(tmp, out_dir / name)
    finally:
        for tmp in staged.values():
            if tmp.exists():
                tmp.unlink()


def stage(staged: dict[str, Path], out_dir: str | Path, name: str) -> Path:
    """Reserve a temporary path in ``out_dir`` for output ``name``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=out_dir)
    os.close(fd)
    os.chmod(tmp, _umask_mode())
    staged[name] = Path(tmp)
    return staged[name]


def json_safe(obj: Any) -> Any:
    """Plain JSON types for summary.json: numpy scalars and arrays unwrapped, NaN/inf as null."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if np.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
