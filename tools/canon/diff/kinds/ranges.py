"""Range types: schemainspect does not read them, so migra neither creates nor drops them.

canon creates new range types before anything uses them and drops removed ones at the
end, from pg_range. A range type cannot be altered; a changed one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.diff import immutables
from canon.diff.fragments import type_signature
from canon.diff.kind import Kind, Pair, Placed
from canon.pg.db import Connection, query

RANGES_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, t.typname), format_type(r.rngsubtype, NULL),
           CASE WHEN r.rngcollation <> 0 THEN
                (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co
                 JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation)
           END,
           (SELECT format('%I.%I', on_.nspname, oc.opcname) FROM pg_opclass oc
            JOIN pg_namespace on_ ON on_.oid = oc.opcnamespace
            WHERE oc.oid = r.rngsubopc AND NOT oc.opcdefault),
           NULLIF(r.rngcanonical, 0)::regproc::text, NULLIF(r.rngsubdiff, 0)::regproc::text,
           (SELECT format('%I.%I', mn.nspname, m.typname) FROM pg_type m
            JOIN pg_namespace mn ON mn.oid = m.typnamespace WHERE m.oid = r.rngmultitypid)
    FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname <> ALL (:excluded) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                      AND d.objid = t.oid AND d.deptype = 'e')
    """
)


@dataclass(frozen=True)
class Range:
    name: str
    subtype: str
    collation: str | None
    opclass: str | None
    canonical: str | None
    subtype_diff: str | None
    multirange: str | None

    def create_statement(self) -> str:
        options = [f"SUBTYPE = {self.subtype}"]
        for keyword, value in (
            ("COLLATION", self.collation),
            ("SUBTYPE_OPCLASS", self.opclass),
            ("CANONICAL", self.canonical),
            ("SUBTYPE_DIFF", self.subtype_diff),
            ("MULTIRANGE_TYPE_NAME", self.multirange),
        ):
            if value is not None:
                options.append(f"{keyword} = {value}")
        return f"CREATE TYPE {self.name} AS RANGE ({', '.join(options)});"


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Range]:
    return {
        row[0]: Range(*row) for row in conn.execute(RANGES_QUERY, {"excluded": sorted(excluded)})
    }


def changes(pair: Pair) -> Placed:
    """New range types before anything uses them, removed ones dropped at the end."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    found = immutables.changes(have, want, "range type", lambda name: f"DROP TYPE {name};")
    return Placed(early=tuple(found.create), drop=tuple(found.drop))


FINGERPRINT = """
SELECT concat_ws(' ', 'g', r.rngtypid::regtype, format_type(r.rngsubtype, NULL),
                 r.rngcollation, r.rngsubopc, r.rngcanonical::regproc,
                 r.rngsubdiff::regproc) AS item
FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN ns ON ns.oid = t.typnamespace
"""

KIND = Kind("range", FINGERPRINT, type_signature("range", "r"), before=changes)
