"""Structural changes PostgreSQL cannot make in place, refused before anything is planned.

* A table that becomes partitioned, or stops being partitioned: its rows must be moved
  into a new table by hand.
* An existing table that gains or loses inheritance parents while keeping its columns:
  migra drops and re-adds the columns (losing their data) or fails on inherited ones.
* A column switching between serial (a sequence default) and identity numbering: the
  new counter would restart below the existing values.
* An extension moved to an older version: extensions ship upgrade scripts only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from canon.pg.db import Connection, query
from canon.errors import PlanRefused

TABLES_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind,
           coalesce((SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
                     FROM pg_inherits i WHERE i.inhrelid = c.oid), ''),
           c.relispartition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)

EXTENSIONS_QUERY = query("SELECT extname, extversion FROM pg_extension")

# Columns numbered by an identity or by a sequence default (serial).
NUMBERED_QUERY = query(
    """
    SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname),
           CASE WHEN a.attidentity <> '' THEN 'identity' ELSE 'serial' END
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND n.nspname <> ALL (:excluded)
      AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
    """
)


def check(live: Connection, target: Connection, excluded: Iterable[str]) -> None:
    """Raise ``PlanRefused`` for the first change canon will not plan."""
    params = {"excluded": sorted(excluded)}
    have = {row[0]: row[1:] for row in live.execute(TABLES_QUERY, params)}
    want = {row[0]: row[1:] for row in target.execute(TABLES_QUERY, params)}
    for name in sorted(have.keys() & want.keys()):
        _check_table(name, have[name], want[name])
    _check_numbering(live, target, params)
    _check_extensions(live, target)


def _check_numbering(live: Connection, target: Connection, params: Mapping[str, object]) -> None:
    have = dict(live.execute(NUMBERED_QUERY, params).fetchall())
    want = dict(target.execute(NUMBERED_QUERY, params).fetchall())
    for column in sorted(have.keys() & want.keys()):
        if have[column] != want[column]:
            raise PlanRefused(
                f"column {column}",
                f"it changes from {have[column]} to {want[column]} numbering; the new counter "
                "would start again at 1 below the existing values",
                "switch it by hand (drop the default or identity, then add the new one with "
                "START WITH above the highest value), then plan again",
            )


def _check_table(name: str, have: tuple[str, str, bool], want: tuple[str, str, bool]) -> None:
    (kind, parents, is_partition), (new_kind, new_parents, new_is_partition) = have, want
    if kind != new_kind:
        change = "becomes partitioned" if new_kind == "p" else "stops being partitioned"
        raise PlanRefused(
            f"table {name}", f"it {change}, which PostgreSQL cannot do to an existing table",
            "create the new table under another name, copy the rows, then swap the names",
        )
    if parents != new_parents and not is_partition and not new_is_partition:
        raise PlanRefused(
            f"table {name}",
            f"its inheritance parents change from ({parents or 'none'}) to "
            f"({new_parents or 'none'})",
            "run ALTER TABLE … INHERIT / NO INHERIT by hand, then plan again",
        )


def _check_extensions(live: Connection, target: Connection) -> None:
    have = dict(live.execute(EXTENSIONS_QUERY).fetchall())
    want = dict(target.execute(EXTENSIONS_QUERY).fetchall())
    for name in sorted(have.keys() & want.keys()):
        if _version_key(want[name]) < _version_key(have[name]):
            raise PlanRefused(
                f"extension {name}",
                f"the files ask for version {want[name]} but the database has {have[name]}, "
                "and extensions cannot be downgraded",
                f"keep version {have[name]} in the files, or drop and recreate the extension "
                "by hand (dropping its objects)",
            )


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))
