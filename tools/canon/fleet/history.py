"""``canon history --env`` over a fleet: each database's recorded applies, or one run's across all."""

from __future__ import annotations

import json

from canon.files.environments import Environment
from canon.fleet.targets import Failure, each_target
from canon.run import history
from canon.run.history import ApplyEntry

FORMAT_VERSION = 1


def read_fleet(
    environment: Environment, limit: int, run_id: str | None, concurrency: int
) -> tuple[list[tuple[str, tuple[ApplyEntry, ...]]], list[Failure]]:
    """Per database (in the environment's order), its applies; and those that could not be read."""
    found, failures = [], []
    for outcome in each_target(
        environment.targets, concurrency, lambda t: history.read(t.url, limit, run_id)
    ):
        if outcome.value is None:
            failures.append(Failure(outcome.item.name, outcome.problem or "failed"))
        else:
            found.append((outcome.item.name, outcome.value))
    return found, failures


def to_text(found: list[tuple[str, tuple[ApplyEntry, ...]]], failures: list[Failure]) -> str:
    parts = [f"== {name}\n" + history.to_text(entries) for name, entries in found]
    parts += [f"== {f.name}\ncould not be read: {f.problem}\n" for f in failures]
    return "".join(parts)


def to_json(found: list[tuple[str, tuple[ApplyEntry, ...]]], failures: list[Failure]) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "databases": [
            {"name": name, "applies": json.loads(history.to_json(entries))["applies"]}
            for name, entries in found
        ]
        + [{"name": f.name, "error": f.problem} for f in failures],
    }
    return json.dumps(document, indent=2) + "\n"
