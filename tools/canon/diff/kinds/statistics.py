"""Extended statistics (CREATE STATISTICS): migra does not read them, so canon plans them.

Removed and changed statistics objects are dropped before the engine's statements; new
and changed ones are created after them, once their tables exist, and again where the
plan recreates their table. A statistics target set with ``ALTER STATISTICS … SET
STATISTICS`` is compared too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from canon.diff.kind import Kind, Pair, Placed
from canon.diff.redefined import to_drop
from canon.pg.db import Connection, query

STATISTICS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, s.stxname), tn.nspname, c.relname,
           pg_get_statisticsobjdef(s.oid), coalesce(s.stxstattarget, -1)::int
    FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
    JOIN pg_class c ON c.oid = s.stxrelid JOIN pg_namespace tn ON tn.oid = c.relnamespace
    WHERE n.nspname <> ALL (:excluded) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_statistic_ext'::regclass
                      AND d.objid = s.oid AND d.deptype = 'e')
    """
)

DEFAULT_TARGET = -1


@dataclass(frozen=True)
class Statistics:
    name: str
    schema: str  # of its table
    relname: str  # its table
    definition: str  # CREATE STATISTICS … (no semicolon)
    target: int

    def target_statement(self) -> str:
        return f"ALTER STATISTICS {self.name} SET STATISTICS {self.target};"


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Statistics]:
    rows = conn.execute(STATISTICS_QUERY, {"excluded": sorted(excluded)})
    return {row[0]: Statistics(*row) for row in rows}


def drops(pair: Pair) -> Placed:
    """DROP STATISTICS for objects the files remove or define differently."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    return Placed(pre=tuple(f"DROP STATISTICS {name};" for name in to_drop(have, want)))


def creations(pair: Pair, planned: Sequence[str]) -> list[str]:
    """Statistics objects the plan so far leaves missing, and targets that differ."""
    from canon.diff.planned import standing  # the SQL parser: see diff/kinds/privileges.py

    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    statements = []
    for _, wanted, current in standing(have, want, planned):
        target = DEFAULT_TARGET
        if current is None or current.definition != wanted.definition:
            statements.append(f"{wanted.definition};")
        else:
            target = current.target
        if target != wanted.target:
            statements.append(wanted.target_statement())
    return statements


FINGERPRINT = """
SELECT concat_ws(' ', 'x', pg_get_statisticsobjdef(s.oid), s.stxstattarget) AS item
FROM pg_statistic_ext s JOIN ns ON ns.oid = s.stxnamespace
"""

SIGNATURE = """
SELECT 'statistics', format('%I.%I', ns.nspname, s.stxname),
       concat_ws(' | ', pg_get_statisticsobjdef(s.oid), 'target=' || s.stxstattarget)
FROM pg_statistic_ext s JOIN ns ON ns.oid = s.stxnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_members e WHERE e.classid = 'pg_statistic_ext'::regclass
                  AND e.objid = s.oid)
"""

KIND = Kind("statistics", FINGERPRINT, SIGNATURE, before=drops, after=creations)
