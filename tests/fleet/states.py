"""The shop's data: its databases' states (``shop/states.txt``) and the fleet (``shop/layout.txt``)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_sql_file

SHOP = Path(__file__).resolve().parent / "shop"


def rows(name: str) -> list[list[str]]:
    """The words of each line of a shop file, comments left out."""
    found = []
    for line in (SHOP / name).read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            found.append(words)
    return found


def states() -> dict[str, list[Path]]:
    """Each state and the files that make it, in order."""
    return {words[0]: [SHOP / part for part in words[1:]] for words in rows("states.txt")}


def layout() -> list[tuple[str, str, str]]:
    """The fleet: each database's short name, server and state."""
    return [(words[0], words[1], words[2]) for words in rows("layout.txt")]


def load_state(url: str, state: str) -> None:
    for path in states()[state]:
        run_sql_file(url, path)
