"""Writing outputs: a run's folder published as one unit, atomic file writes, JSON-safe values.

A run's outputs, and a comparison's (``twin compare -o``, with its runs), are written into
a fresh hidden sibling folder and swapped in as a whole (:func:`publish_run`), so a run
killed or failing at any moment leaves either the complete previous outputs or the
complete new ones. Single files (``twin schema -o``, ``twin weather -o``) are written to a temporary file beside the target and renamed
over it (:func:`atomic_path`; ``os.replace`` is atomic on POSIX and Windows when both
paths are on the same filesystem). Failures to write (read-only folder, full disk, a
file where a folder is expected) raise :class:`OutputError` with a message for the user.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _umask_mode() -> int:
    """File mode a normally created file gets (mkstemp would leave 0600)."""
    return 0o666 & ~_umask()


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On an exception the temporary file is removed and ``target`` is untouched.

    A symbolic link is followed (the file it points to is replaced, the link stays); a
    target that is neither a regular file nor a folder — ``/dev/stdout``, ``/dev/null``, a
    named pipe — is written directly, as a stream: renaming over it would replace the
    device or pipe itself by a regular file (as root, ``-o /dev/null`` broke /dev/null).
    """
    import stat

    target = Path(target)
    if str(target) in ("", "."):
        raise IsADirectoryError(errno.EISDIR, "expected a file name", str(target))
    try:
        st = os.stat(target)  # follows links
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        yield target  # a device or pipe: written in place, there is nothing to swap
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale_parts(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, _umask_mode())
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _clean_stale_parts(target: Path) -> None:
    """Remove temporary files of ``target`` left by killed processes (``.<name>.<pid>.*.part``)."""
    prefix = f".{target.name}."
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for p in entries:
        n = p.name
        if n.startswith(prefix) and n.endswith(".part") and p.is_file():
            pid = n[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                p.unlink(missing_ok=True)


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


class OutputError(Exception):
    """Outputs could not be written; the message says where, why and what to do."""


_HINTS = {
    errno.ENOSPC: "no space left on the device: free some space or choose another folder with -o",
    errno.EDQUOT: "disk quota exceeded: free some space or choose another folder with -o",
    errno.EACCES: "permission denied: choose a folder you can write to with -o",
    errno.EPERM: "operation not permitted: choose a folder you can write to with -o",
    errno.EROFS: "read-only file system: choose a writable folder with -o",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a part of the path is a file, not a folder",
    errno.EISDIR: "a folder is in the way where a file is expected",
    errno.ENAMETOOLONG: "the path is too long",
}


def output_error(exc: OSError, path: str | Path) -> OutputError:
    """An :class:`OutputError` for an ``OSError`` met while writing ``path``."""
    code = getattr(exc, "errno", None)
    why = _HINTS.get(code) or (exc.strerror or str(exc) or type(exc).__name__)
    return OutputError(f"cannot write {path}: {why}")


#: What a run's output folder holds, as error messages say it.
RUN_HOLDS = "results.nc, summary.json and report.html"


#: What :func:`folder_in_the_way` says of an output folder that is a file, or the working folder.
IS_A_FILE, IS_WORKING_FOLDER = "it is a file", "it is the working folder or contains it"


def folder_in_the_way(out_dir: Path) -> str | None:
    """Why ``out_dir`` cannot be an output folder, in words, or None: it is a file
    (:data:`IS_A_FILE`), one of its parents is a file, or it is the working folder or one of its
    parents (:data:`IS_WORKING_FOLDER`; outputs would land among the user's files).

    Raises
    ------
    OSError
        Where a path cannot be examined (permission denied).
    """
    for anc in [out_dir, *out_dir.parents]:
        if anc.exists() and not anc.is_dir():
            return IS_A_FILE if anc == out_dir else f"{anc} is a file, not a folder"
    try:
        here, res = Path.cwd().resolve(), out_dir.resolve()
    except OSError:
        return None
    return IS_WORKING_FOLDER if res == here or res in here.parents else None


def check_output_dir(out_dir: str | Path, holds: str = RUN_HOLDS) -> Path:
    """Make sure ``out_dir`` can receive a run's outputs, before any work is done.

    Creates the parent folders; checks that neither ``out_dir`` nor a parent is a file,
    that ``out_dir`` is not the working folder or one of its parents (the run's folder
    is replaced as a whole), and that the parent folder is writable. ``holds`` names the
    outputs in the message for a file in the way.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    OutputError
        Saying what is wrong and what to do.
    """
    out_dir = Path(out_dir)
    try:
        why = folder_in_the_way(out_dir)
    except OSError as exc:  # e.g. permission denied on stat
        raise output_error(exc, out_dir) from None
    if why == IS_A_FILE:
        raise OutputError(f"cannot write outputs to {out_dir}: it is a file; expected a folder (it will hold {holds})")
    if why == IS_WORKING_FOLDER:
        raise OutputError(f"cannot write outputs to {out_dir}: {why}, and a run replaces its output folder as a "
                          "whole; give a dedicated folder such as out/<name>")
    if why:
        raise OutputError(f"cannot write outputs to {out_dir}: {why}")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{out_dir.name}.probe.", dir=out_dir.parent)
        os.rmdir(probe)
    except OSError as exc:
        raise output_error(exc, out_dir) from None
    return out_dir


#: marker file inside a staging folder that has not been published yet
_STAGING_MARK = ".twin-staging"

#: files a run writes; an earlier run's copies are never carried into a new output folder
RUN_FILES = frozenset({"results.nc", "summary.json", "report.html"})

#: list of the entries a published run wrote (one name a line), kept in the output folder
MANIFEST = ".twin-run"


def _run_entries(folder: Path, ours: Iterable[str] = ()) -> set[str]:
    """Names an earlier run wrote into ``folder`` (its manifest), plus :data:`RUN_FILES` and ``ours``."""
    try:
        listed = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        listed = []
    return set(RUN_FILES) | set(ours) | {n for n in listed if n} | {MANIFEST, _STAGING_MARK}


def _carry_all(old: Path, out_dir: Path, ours: Iterable[str] = ()) -> None:
    """Move the user's own files from an old output folder into the new one.

    Entries the earlier run wrote (its manifest, and the names in ``ours`` for a folder
    written before manifests) are not carried, so nothing of an earlier run ends up
    beside the new outputs.
    """
    skip = _run_entries(old, ours)
    for entry in list(old.iterdir()):
        target = out_dir / entry.name
        if entry.name in skip or entry.name.endswith(".part") or target.exists():
            continue
        os.rename(entry, target)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else
    return True


def _siblings(out_dir: Path) -> list[tuple[Path, int]]:
    """Hidden staging/old folders of ``out_dir`` left by runs, with the pid that made them."""
    out = []
    try:
        entries = list(out_dir.parent.iterdir())
    except OSError:
        return out
    prefix = f".{out_dir.name}."
    for p in entries:
        n = p.name
        if n.startswith(prefix) and n.endswith(".part") and p.is_dir():
            pid = n[len(prefix):].split(".", 1)[0]
            if pid.isdigit():
                out.append((p, int(pid)))
    return out


def clean_stale(out_dir: str | Path, ours: Iterable[str] = ()) -> list[str]:
    """Remove what killed runs left beside and in ``out_dir``; put back previous outputs.

    * an unpublished staging folder of a dead process is deleted;
    * a previous output folder swapped out by a run killed before it finished: if
      ``out_dir`` is missing it is renamed back (the complete previous outputs), else
      files the user had put there are moved into ``out_dir`` and the rest deleted;
    * temporary ``.*.part`` files inside ``out_dir`` are deleted.

    Folders of runs still in progress (their process is alive) are left alone.

    Returns
    -------
    list of str
        What was done, one line each.
    """
    out_dir = Path(out_dir)
    done = []
    for p, pid in _siblings(out_dir):
        if _pid_alive(pid):
            continue
        if (p / _STAGING_MARK).exists() or not any(p.iterdir()):
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed unpublished outputs of an interrupted run ({p.name})")
        elif not out_dir.exists():
            os.rename(p, out_dir)
            done.append(f"restored the previous outputs from {p.name}")
        else:
            _carry_all(p, out_dir, ours)
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed previous outputs replaced by an interrupted run ({p.name})")
    if out_dir.is_dir():
        for f in out_dir.iterdir():
            if f.name == _STAGING_MARK or (f.name.startswith(".") and f.name.endswith(".part") and f.is_file()):
                f.unlink(missing_ok=True)
                done.append(f"removed a temporary file of an interrupted run ({f.name})")
    return done


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # filesystem or kernel without the flag
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(stage: Path, out_dir: Path, ours: Iterable[str] = ()) -> None:
    """Make ``stage`` the new ``out_dir``; the old folder's foreign files move along."""
    if not out_dir.exists():
        os.rename(stage, out_dir)
        (out_dir / _STAGING_MARK).unlink(missing_ok=True)
        return
    old = stage
    if not _exchange(stage, out_dir):
        # two renames; a kill between them leaves the old outputs complete in a hidden
        # sibling folder, which clean_stale() (run at the next publish) renames back
        old = stage.with_name(stage.name.replace(".part", ".old.part"))
        os.rename(out_dir, old)
        os.rename(stage, out_dir)
    (out_dir / _STAGING_MARK).unlink(missing_ok=True)
    _carry_all(old, out_dir, ours)  # files of the user's in the old folder stay
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def publish_run(out_dir: str | Path, ours: Iterable[str] = (), dest=None) -> Iterator[Path]:
    """Write a run's outputs into a fresh folder and publish it as ``out_dir`` in one step.

    Usage::

        with publish_run(out_dir) as folder:
            write(folder / "results.nc")
            write(folder / "summary.json")
        # here out_dir holds exactly the new files (plus any of the user's own)

    The yielded folder is a hidden sibling ``.<name>.<pid>.<random>.part`` of ``out_dir``
    on the same filesystem. When the block ends normally the folder is swapped with
    ``out_dir`` (one atomic ``renameat2`` exchange on Linux; elsewhere two renames, with
    the previous outputs put back by the next run if a kill falls between them); files
    of the user's in the previous folder move into the new one; what the earlier run
    wrote (listed in its manifest ``.twin-run``, and :data:`RUN_FILES`) does not, so a
    run without a report leaves no stale report.html.
    When the block raises, the folder is deleted and ``out_dir`` is untouched. Leftovers
    of earlier killed runs are cleaned first (:func:`clean_stale`).

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The run's output folder (created if missing).
    ours : iterable of str, optional
        Further names the caller writes (e.g. a comparison's files and ``runs``): an old
        folder's entries of these names are never carried into the new one, also when the
        old folder has no manifest.
    dest : callable, optional
        Asked once the block has ended for where to publish instead of ``out_dir``: a
        sibling of it (same file system), e.g. ``<name>-incomplete`` for outputs that must
        not replace a complete earlier run. ``None`` (or returning ``out_dir``): ``out_dir``.

    Yields
    ------
    pathlib.Path
        The staging folder to write the outputs into.

    Raises
    ------
    OutputError
        When the folder cannot be written (read-only, full disk, a file in the way);
        ``out_dir`` then still holds the previous outputs.
    """
    out_dir = Path(out_dir)
    if out_dir.is_symlink():  # publish into the folder it points to; the link stays
        out_dir = out_dir.resolve()
    check_output_dir(out_dir)
    try:
        clean_stale(out_dir, ours)
        stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{os.getpid()}.", suffix=".part", dir=out_dir.parent))
        os.chmod(stage, 0o777 & ~_umask())
        (stage / _STAGING_MARK).touch()
    except OSError as exc:
        raise output_error(exc, out_dir) from None
    try:
        yield stage
        names = sorted(e.name for e in stage.iterdir() if e.name not in (_STAGING_MARK, MANIFEST))
        (stage / MANIFEST).write_text("".join(n + "\n" for n in names), encoding="utf-8")
        target = out_dir if dest is None else Path(dest())
        if target != out_dir:
            check_output_dir(target)
            clean_stale(target, ours)
        _swap_in(stage, target, ours)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise output_error(exc, out_dir) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def link_tree(src: str | Path, dst: str | Path) -> Path:
    """Make ``dst`` a copy of the folder ``src`` whose files are hard links where the file
    system allows (copies elsewhere): an earlier run carried into a new staging folder
    without copying its data, and without touching ``src`` (published files are only
    ever replaced, never written in place)."""
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    return Path(shutil.copytree(src, dst, copy_function=link))


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
