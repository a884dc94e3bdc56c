"""Walking the diff engine's pictures of the live and target databases side by side."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def column_pairs(live: Any, target: Any) -> Iterator[tuple[str, str, Any, Any | None]]:
    """(table, column, live column, target column or None if dropped) for every live column
    of a table both databases have."""
    for key, table in live.tables.items():
        wanted = target.tables.get(key)
        if wanted is None:
            continue
        for name, column in table.columns.items():
            yield key, name, column, wanted.columns.get(name)
