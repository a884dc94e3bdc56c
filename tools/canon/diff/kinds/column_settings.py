"""Column settings: statistics targets, storage, compression and per-column options.

``ALTER TABLE … ALTER COLUMN … SET STATISTICS / STORAGE / COMPRESSION / (n_distinct = …)``
live in pg_attribute, where migra does not look. canon compares them and sets them once
the rest of the plan has run. A column the plan creates, or whose type it changes,
starts from PostgreSQL's defaults (its type's storage, no target, no compression).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

COLUMNS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), a.attname, n.nspname, c.relname, c.relkind,
           format_type(a.atttypid, a.atttypmod), coalesce(a.attstattarget, -1)::int,
           a.attstorage, t.typstorage, a.attcompression, coalesce(a.attoptions, '{}')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
    WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
      AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)

STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "x": "EXTENDED", "m": "MAIN"}
COMPRESSION = {"": "DEFAULT", "p": "pglz", "l": "lz4"}


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    schema: str
    relname: str
    relkind: str
    type: str
    target: int
    storage: str
    type_storage: str
    compression: str
    options: list[str]

    def fresh(self) -> Column:
        """The column as PostgreSQL makes it: its type's storage, nothing else set."""
        return replace(self, target=-1, storage=self.type_storage, compression="", options=[])


def read(conn: Connection, excluded: Iterable[str]) -> dict[tuple[str, str], Column]:
    rows = conn.execute(COLUMNS_QUERY, {"excluded": sorted(excluded)})
    return {(row[0], row[1]): Column(*row) for row in rows}


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """One ALTER per table setting what differs from the files, after the rest of the plan."""
    from canon.diff.planned import standing  # the SQL parser: see diff/kinds/privileges.py

    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    by_table: dict[str, list[str]] = {}
    keyword: dict[str, str] = {}
    for (table, _), wanted, current in standing(have, want, planned):
        if current is None or current.type != wanted.type:
            current = wanted.fresh()
        settings = _settings(current, wanted)
        if settings:
            by_table.setdefault(table, []).extend(settings)
            keyword[table] = "MATERIALIZED VIEW" if wanted.relkind == "m" else "TABLE ONLY"
    return [
        f"ALTER {keyword[table]} {table} {', '.join(settings)};"
        for table, settings in sorted(by_table.items())
    ]


def _settings(have: Column, want: Column) -> list[str]:
    column = f"ALTER COLUMN {ident(want.name)}"
    found = []
    if have.target != want.target:
        found.append(f"{column} SET STATISTICS {want.target}")
    if have.storage != want.storage:
        found.append(f"{column} SET STORAGE {STORAGE[want.storage]}")
    if have.compression != want.compression:
        found.append(f"{column} SET COMPRESSION {COMPRESSION[want.compression]}")
    old = dict(option.split("=", 1) for option in have.options)
    new = dict(option.split("=", 1) for option in want.options)
    gone = sorted(name for name in old if name not in new)
    if gone:
        found.append(f"{column} RESET ({', '.join(gone)})")
    changed = sorted(f"{name} = {value}" for name, value in new.items() if old.get(name) != value)
    if changed:
        found.append(f"{column} SET ({', '.join(changed)})")
    return found


FINGERPRINT = """
SELECT concat_ws(' ', 'b', a.attrelid::regclass, a.attname, a.attstattarget, a.attstorage,
                 a.attcompression, a.attoptions) AS item
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND (coalesce(a.attstattarget, -1) <> -1 OR a.attstorage <> t.typstorage
       OR a.attcompression <> '' OR a.attoptions IS NOT NULL)
"""

SIGNATURE = """
SELECT 'column settings', format('%I.%I.%I', rel.nspname, rel.relname, a.attname),
       concat_ws(' | ', 'statistics=' || coalesce(a.attstattarget, -1),
                 'storage=' || a.attstorage::text, 'compression=' || a.attcompression::text,
                 array_to_string(a.attoptions, ','))
FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
WHERE rel.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND (coalesce(a.attstattarget, -1) <> -1 OR a.attstorage <> t.typstorage
       OR a.attcompression <> '' OR a.attoptions IS NOT NULL)
"""

KIND = Kind("column settings", FINGERPRINT, SIGNATURE, after=changes)
