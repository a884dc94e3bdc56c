"""The README's performance tables, written by the benchmark between two markers.

Nothing between ``BEGIN`` and ``END`` is typed by hand: each full run replaces it with
its own tables and a line saying how and where they were measured.
"""

from __future__ import annotations

import datetime
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- bench:begin (written by `make bench`; do not edit by hand) -->"
END = "<!-- bench:end -->"


@dataclass(frozen=True)
class Machine:
    """What the figures depend on besides canon: cores, and how busy the machine was."""

    cores: int
    load_before: float
    started: datetime.datetime

    @classmethod
    def now(cls) -> Machine:
        return cls(os.cpu_count() or 0, os.getloadavg()[0], datetime.datetime.now())

    def describe(self, argv: list[str] | None, server_version: str) -> str:
        command = " ".join(["python -m bench", *map(shlex.quote, argv or [])])
        load_after = os.getloadavg()[0]
        busy = max(self.load_before, load_after) > self.cores
        caveat = (
            " (above the number of cores: other work shared the machine, so trust the ratios "
            "more than the seconds)"
            if busy
            else ""
        )
        return (
            f"Measured by `{command}` on {self.started:%Y-%m-%d}: {self.cores} cores, "
            f"PostgreSQL {server_version} with canon's embedded-cluster settings; load average "
            f"{self.load_before:.1f} at the start and {load_after:.1f} at the end{caveat}."
        )


def check_markers(path: Path) -> None:
    """Fail now, not after the measurements, if ``path`` lacks the markers."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"bench: {path} has no '{BEGIN}' ... '{END}' section to write into")


def write(path: Path, report: str) -> None:
    """Replace what lies between the markers of ``path`` with ``report``."""
    check_markers(path)
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{report.strip()}\n{END}{tail}", encoding="utf-8")
