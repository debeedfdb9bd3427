"""Writing plan files safely: one edit at a time, never half a file, never a stale base.

Every edit of a plan file (``backplan checkin``, ``start``, ``done``, ``fix --apply``) runs as

1. :func:`plan_file_lock`: take the file's exclusive inter-process lock, waiting at most
   ``wait`` seconds (:class:`~backplan.PlanBusyError` when another edit holds it longer);
2. :func:`read_snapshot`: read the file once, remembering which file it was;
3. compute the new text and check that it reads back as intended;
4. :func:`write_atomic` with ``expected=`` the snapshot: the file must still be the one read
   (same file, same bytes), then the new text goes to a temporary file in the same folder, is
   flushed to disk and renamed over the plan, and is read back;
5. release the lock.

So N edits of one file started together end with all N in the file, or with those that could
not have the lock in time refused (nothing written). The lock is an empty file beside the plan,
``.NAME.lock`` (``filelock``: ``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on
Windows); it may stay after an edit, and any program that writes the plan can take it too.

Example:
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
    >>> _ = target.write_bytes(b"goal: {id: g, due: 2027-03-31}\\n")
    >>> with plan_file_lock(target, wait=1):
    ...     before = read_snapshot(target)
    ...     write_atomic(target, before.data.replace(b"03-31", b"04-30"), expected=before)
    >>> target.read_bytes()
    b'goal: {id: g, due: 2027-04-30}\\n'
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from backplan.errors import BackplanError, PlanBusyError

__all__ = [
    "DEFAULT_WAIT_SECONDS",
    "FileSnapshot",
    "lock_file_path",
    "plan_file_lock",
    "read_only_problem",
    "read_snapshot",
    "write_atomic",
]

#: How long an edit waits for another edit of the same file to finish, in seconds.
DEFAULT_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class FileSnapshot:
    """A file's bytes as read, and which file it was (device, inode, size, modification time)."""

    data: bytes
    identity: tuple[int, int, int, int]


def lock_file_path(path: str | os.PathLike[str]) -> str:
    """The lock file of a plan file: ``.NAME.lock`` beside the file a symbolic link points to.

    Example:
        >>> os.path.basename(lock_file_path("plans/fcr.yaml"))
        '.fcr.yaml.lock'
    """
    target = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.lock")


@contextlib.contextmanager
def plan_file_lock(
    path: str | os.PathLike[str], *, wait: float = DEFAULT_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the exclusive inter-process lock of a plan file for the ``with`` block.

    Another process (or thread) asking for the same file's lock waits until this one is
    released, at most ``wait`` seconds. The lock is advisory: it keeps backplan's edits, and any
    program that takes it too, from interleaving; a text editor does not take it (each edit
    still checks that the file is the one it read before replacing it).

    Args:
        path: the plan file (a symbolic link locks the file it points to).
        wait: seconds to wait for the lock (0: do not wait).

    Raises:
        PlanBusyError: another edit held the lock for the whole wait.
        BackplanError: the lock file cannot be created (a read-only folder).

    Example:
        >>> import pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> with plan_file_lock(plan_file, wait=0):
        ...     try:
        ...         with plan_file_lock(plan_file, wait=0.1):
        ...             pass
        ...     except PlanBusyError as busy:
        ...         print(str(busy).split(";")[0].endswith("plan.yaml is busy"))
        True
    """
    import filelock

    if wait < 0:
        raise ValueError(f"wait must be 0 or more seconds, got {wait:g}")
    name = os.fspath(path)
    lock = filelock.FileLock(lock_file_path(name), timeout=wait, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise PlanBusyError(
            f"{name} is busy; another edit has held it for {wait:g} s; nothing was written: "
            "try again, or wait longer (--wait SECONDS)"
        ) from None
    except OSError as exc:
        raise BackplanError(
            f"cannot edit {name}: its lock file {os.path.basename(lock_file_path(name))} cannot "
            f"be created ({exc.strerror or exc}); check that its folder may be written; "
            "the file is unchanged"
        ) from None
    try:
        yield
    finally:
        lock.release()


def read_only_problem(path: str | os.PathLike[str]) -> str | None:
    """Why an existing file may not be edited in place, or None.

    A file is read-only when this process may not write it, or when it has no write permission
    at all (so that a write-protected plan is refused for root too).

    Example:
        >>> import pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> _ = plan_file.write_text("goal: {id: g, due: 2027-03-31}\\n")
        >>> plan_file.chmod(0o444)
        >>> print(read_only_problem(plan_file))
        ... # doctest: +ELLIPSIS
        /.../plan.yaml is read-only (no write permission); ...
    """
    name = os.fspath(path)
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return None  # reading it reports that
    if os.access(name, os.W_OK) and mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return None
    return (f"{name} is read-only (no write permission); the file is unchanged: make it "
            "writable (e.g. chmod u+w) or pass --force to edit it anyway")


def read_snapshot(path: str | os.PathLike[str]) -> FileSnapshot:
    """The file's bytes and identity, read through one open file.

    Raises:
        OSError: the file cannot be read.
    """
    with open(os.fspath(path), "rb") as stream:
        info = os.fstat(stream.fileno())
        data = stream.read()
    return FileSnapshot(data, _identity(info))


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    expected: FileSnapshot | None = None,
    replace: Callable[[str, str], None] | None = None,
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The file at ``path`` is at every moment either its old or its new content. Its permission
    bits are kept; a symbolic link is followed. With ``expected``, the file must still be the
    one that snapshot read (same file, same bytes) just before the rename, and it is read back
    after it. On failure the temporary file is removed and the error names ``path`` (never the
    temporary file).

    Raises:
        PlanBusyError: the file changed since ``expected`` was read (nothing written).
        BackplanError: the file or its folder cannot be written (the file is unchanged), or
            the file read back differs (another program wrote it at the same moment).

    Example:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> write_atomic(target, b"goal: {id: g, due: 2027-03-31}\\n")
        >>> target.read_bytes()
        b'goal: {id: g, due: 2027-03-31}\\n'
    """
    name = os.fspath(path)
    target = os.path.realpath(name)
    directory = os.path.dirname(target) or "."
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        if expected is not None:
            _check_unchanged(name, target, expected)
        (replace or os.replace)(temporary, target)
        temporary = None
    except OSError as exc:
        where = "" if exc.filename in (None, name, target) else f" (its folder {directory})"
        raise BackplanError(
            f"cannot write {name}: {exc.strerror or exc}{where}; the file is unchanged"
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        directory_handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_handle)
        finally:
            os.close(directory_handle)
    if expected is not None:
        try:
            written: bytes | None = read_snapshot(target).data
        except OSError:
            written = None
        if written != data:
            raise BackplanError(
                f"{name} was changed by another program as it was written; the edit may not be "
                "in it: check the file and try again"
            )


def _check_unchanged(name: str, target: str, expected: FileSnapshot) -> None:
    try:
        now = read_snapshot(target)
    except FileNotFoundError:
        now = None
    if now is None or now.identity != expected.identity or now.data != expected.data:
        raise PlanBusyError(
            f"{name} changed while it was being edited (another program wrote it); nothing was "
            "written: try again"
        )
