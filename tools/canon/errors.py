"""The few exception types canon raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# How library code reports a warning: it never prints, the command decides where it goes.
Warn = Callable[[str], None]


def ignore(_: str) -> None:
    """A ``Warn`` that drops the warning."""


class CanonError(Exception):
    """Root of every error canon reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(CanonError):
    """Bad options, missing directories, missing PostgreSQL binaries."""


class SourceError(CanonError):
    """A schema, seed or plan file that cannot be read, parsed or run."""

    def __init__(
        self,
        path: Path | str,
        line: int | None,
        cause: str,
        sqlstate: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.cause = cause
        self.sqlstate = sqlstate
        where = self.path if line is None else f"{self.path}:{line}"
        state = f" [SQLSTATE {sqlstate}]" if sqlstate else ""
        super().__init__(f"{where}: {cause}{state}")


class DatabaseError(CanonError):
    """PostgreSQL refused something, or could not be reached."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        self.sqlstate = sqlstate
        state = f" [SQLSTATE {sqlstate}]" if sqlstate else ""
        super().__init__(f"{message}{state}")


class HazardRefused(CanonError):
    """The plan holds hazards the user did not allow."""

    def __init__(self, hazards: list[str]) -> None:
        self.hazards = sorted(set(hazards))
        names = ",".join(self.hazards)
        super().__init__(
            f"plan has hazards that were not allowed: {names}; "
            f"review the plan, then rerun with --allow-hazards {names}"
        )


class StalePlan(CanonError):
    """The plan file was written for another state of the files or the live schema."""


class NotConverged(CanonError):
    """Applying the plan did not make the database match the files."""


class PlanRefused(CanonError):
    """canon cannot plan or apply this change safely; the message names object, reason and remedy."""

    def __init__(self, obj: str, reason: str, remedy: str) -> None:
        self.obj = obj
        self.reason = reason
        self.remedy = remedy
        super().__init__(f"refused: {obj}: {reason}; {remedy}")


class ApplyFailed(DatabaseError):
    """A step of an apply failed; earlier steps stay committed, as the journal records."""

    def __init__(
        self, message: str, sqlstate: str | None = None, apply_id: int | None = None
    ) -> None:
        self.apply_id = apply_id
        super().__init__(message, sqlstate)


class ApplyInterrupted(CanonError):
    """An apply stopped before its end (a signal, a lost connection); the message says where."""

    def __init__(self, message: str, exit_code: int = 1, apply_id: int | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.apply_id = apply_id
