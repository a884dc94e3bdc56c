"""Schema files as they were at a git revision: rolling back is planning to older files."""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from canon.errors import ConfigError


@dataclass(frozen=True)
class Revision:
    commit: str  # the full commit id REV resolved to
    schema_dir: Path  # a temporary folder holding schema/ as of that commit


@contextlib.contextmanager
def schema_at(rev: str, schema_dir: Path) -> Iterator[Revision]:
    """``schema_dir`` as committed at ``rev``, extracted into a folder removed afterwards."""
    folder = Path(schema_dir).resolve()
    top = Path(
        _git(folder if folder.is_dir() else folder.parent, "rev-parse", "--show-toplevel")
        .decode()
        .strip()
    )
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except ConfigError:
        raise ConfigError(f"unknown git revision {rev!r} in {top}") from None
    relative = folder.relative_to(top).as_posix()
    archive = _git(top, "archive", "--format=tar", commit, "--", relative)
    with tempfile.TemporaryDirectory(prefix="canon-ref-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Revision(commit, Path(tmp) / relative)


def _git(cwd: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, check=False
        )
    except FileNotFoundError:
        raise ConfigError("--ref needs git, which is not installed") from None
    if result.returncode != 0:
        reason = result.stderr.decode(errors="replace").strip().splitlines()
        what = reason[-1] if reason else f"git {args[0]} failed"
        raise ConfigError(f"cannot read schema files at revision: {what}")
    return result.stdout
