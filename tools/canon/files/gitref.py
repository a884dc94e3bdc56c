"""Schema files as they were at a git revision: rolling back is planning to older files.

Everything that shapes the files comes from that revision too: ``canon.toml`` beside
the schema folder (variables, tenants) and the tenant list it names. The revision is
extracted into a temporary folder laid out as the repository is.
"""

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
from canon.files.config import CONFIG_NAME, load_config


@dataclass(frozen=True)
class Revision:
    commit: str  # the full commit id REV resolved to
    schema_dir: Path  # a temporary folder holding schema/ (and its settings) of that commit


@contextlib.contextmanager
def schema_at(rev: str, schema_dir: Path) -> Iterator[Revision]:
    """``schema_dir`` as committed at ``rev``, with its canon.toml and tenant list, extracted
    into a folder removed afterwards."""
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
    relative = folder.relative_to(top)
    if not _exists(top, commit, relative.as_posix()):
        raise ConfigError(f"{relative.as_posix()} does not exist at git revision {rev!r}")
    with tempfile.TemporaryDirectory(prefix="canon-ref-") as tmp:
        into = Path(tmp).resolve()
        _extract(top, commit, [relative, relative.parent / CONFIG_NAME], into)
        tenants = load_config(into / relative).tenants
        if tenants is not None and tenants.file is not None:
            # The list the revision's settings name, when it lies in the repository.
            with contextlib.suppress(ValueError):
                _extract(top, commit, [tenants.file.resolve().relative_to(into)], into)
        yield Revision(commit, into / relative)


def _extract(top: Path, commit: str, paths: list[Path], into: Path) -> None:
    """Those of ``paths`` (relative to ``top``) that exist at ``commit``, written under ``into``."""
    present = [p.as_posix() for p in paths if _exists(top, commit, p.as_posix())]
    if not present:
        return
    archive = _git(top, "archive", "--format=tar", commit, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def _exists(top: Path, commit: str, path: str) -> bool:
    try:
        _git(top, "cat-file", "-e", f"{commit}:{path}")
    except ConfigError:
        return False
    return True


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
