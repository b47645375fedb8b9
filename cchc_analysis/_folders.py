"""Replacing a whole output folder safely (the report, the unit scorecards): light on
imports, so the CLI can use it before pandas is loaded."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import uuid
from pathlib import Path

__all__ = ["fsync_dir", "exchange_paths", "replace_dir", "make_readable"]


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename inside it) to disk; nothing where unsupported."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_readable(folder: Path, umask: int) -> None:
    """Files written through temporary files are private (0600); give them the usual mode."""
    for p in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False
    where the system cannot (other OS, old kernel, file system without support)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(staging: Path, final: Path, *, exchange=exchange_paths) -> None:
    """Put the folder ``staging`` at ``final`` and delete the old one, so that at every moment
    ``final`` is the old folder or the new one, whole: exchanged in one atomic step where
    ``exchange`` can; else old folder aside (``.<name>.old-*``), new one in, old deleted
    (put back if the second rename fails)."""
    if final.exists() and exchange(staging, final):
        fsync_dir(final.parent)
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    fsync_dir(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
