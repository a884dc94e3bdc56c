"""Everyday edits of the project's own schema/, read from tests/daily/<name>/.

An edit folder holds ``edit.toml`` and, optionally, ``before/`` and ``after/`` folders of
files laid over a copy of the project (paths from the project root: ``schema/…``,
``tenants.txt``):

    summary = "widen core.brands.name, which four views read"
    start_from = "matview_added"   # optional: start where that edit ends

    [[before]]                 # find/replace making the state the edit starts from
    file = "schema/core/20_reference.sql"
    find = "..."
    replace = "..."

    [[after]]                  # find/replace making the edited state, on top of it
    ...

    [forward]                  # what the plan from before to after must recreate
    recreated = ["view analytics.brand_trend_analysis"]

    [back]                     # and the plan from after back to before
    recreated = []

``find`` must occur exactly once. The starting state is the project (or the edited
state of ``start_from``) with ``before/`` and the ``[[before]]`` replacements; the
edited state adds ``after/`` and the ``[[after]]`` replacements. ``rows.sql`` beside
``edit.toml`` is loaded once the starting state is applied.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import PROJECT, TESTS

DAILY = TESTS / "daily"
PROJECT_FILES = ("schema", "seeds", "canon.toml", "tenants.txt")


@dataclass(frozen=True)
class Replacement:
    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class Edit:
    name: str
    folder: Path
    summary: str
    before: tuple[Replacement, ...] = ()
    after: tuple[Replacement, ...] = ()
    # What each direction must recreate, as "kind schema.name" (None: not checked).
    recreated: dict[str, frozenset[str]] = field(default_factory=dict)
    start_from: str | None = None  # an edit whose edited state this one starts from

    @property
    def rows(self) -> Path | None:
        path = self.folder / "rows.sql"
        return path if path.is_file() else None

    @property
    def starts_elsewhere(self) -> bool:
        """Whether the starting state differs from the project's own schema/."""
        return bool(self.before or self.start_from) or (self.folder / "before").is_dir()

    def write(self, root: Path, state: str) -> Path:
        """Write the project in ``state`` ("before" or "after") to ``root``; return it."""
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        for name in PROJECT_FILES:
            source = PROJECT / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            elif source.is_file():
                shutil.copy(source, root / name)
        self._lay(root, state)
        return root

    def _lay(self, root: Path, state: str) -> None:
        if self.start_from is not None:
            load_edit(DAILY / self.start_from)._lay(root, "after")
        for layer in ["before"] if state == "before" else ["before", "after"]:
            overlay = self.folder / layer
            if overlay.is_dir():
                shutil.copytree(overlay, root, dirs_exist_ok=True)
            for replacement in getattr(self, layer):
                _replace(root, replacement, self.name)


def _replace(root: Path, replacement: Replacement, edit: str) -> None:
    path = root / replacement.file
    text = path.read_text()
    found = text.count(replacement.find)
    if found != 1:
        raise ValueError(
            f"edit {edit}: {replacement.find!r} occurs {found} times in {replacement.file}"
        )
    path.write_text(text.replace(replacement.find, replacement.replace))


def load_edit(folder: Path) -> Edit:
    data = tomllib.loads((folder / "edit.toml").read_text())
    return Edit(
        folder.name,
        folder,
        data["summary"],
        _replacements(data.get("before", [])),
        _replacements(data.get("after", [])),
        {
            direction: frozenset(data[direction]["recreated"])
            for direction in ("forward", "back")
            if "recreated" in data.get(direction, {})
        },
        data.get("start_from"),
    )


def _replacements(items: list[dict[str, Any]]) -> tuple[Replacement, ...]:
    return tuple(Replacement(i["file"], i["find"], i["replace"]) for i in items)


def all_edits() -> list[Edit]:
    return [load_edit(p) for p in sorted(DAILY.iterdir()) if (p / "edit.toml").is_file()]


def recreated_in(plan_text: str) -> frozenset[str]:
    """ "kind name" of each object a plan file says it recreates."""
    marker = "-- recreated: "
    return frozenset(
        line[len(marker) :].split(" (", 1)[0]
        for line in plan_text.splitlines()
        if line.startswith(marker)
    )
