"""Sequence options, data types and ownership, which migra leaves as they are.

migra creates a sequence with default options and never alters one, and it sets
``OWNED BY`` only in some cases, right after its own table creations. canon compares
pg_sequence and the ownership link and emits ``ALTER SEQUENCE`` after everything else,
when the owning tables and columns exist (migra's ``OWNED BY`` is left out); a
sequence that changes owner is released first, since dropping its old table or column
would drop it too. A new
sequence starts from PostgreSQL's defaults for its type, so it is compared with those.
Identity sequences belong to their column and are altered through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.diff.fragments import acl_items
from canon.diff.kind import Kind, Pair, Placed
from canon.inspection.models import DatabaseModel
from canon.pg.db import Connection, query

SEQUENCES_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), format_type(s.seqtypid, NULL),
           s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
           (SELECT format('%s.%I', d.refobjid::regclass, a.attname)
            FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid
                                                 AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'),
           (SELECT format('ALTER TABLE %s ALTER COLUMN %I', d.refobjid::regclass, a.attname)
            FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid
                                                 AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'),
           pg_sequence_last_value(c.oid) IS NULL
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> ALL (:excluded)
    """
)

TYPE_MAX = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}


@dataclass(frozen=True)
class Sequence:
    name: str
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool
    owned_by: str | None  # table.column, for OWNED BY
    identity_of: str | None  # "ALTER TABLE t ALTER COLUMN c", for identity sequences
    fresh: bool = False  # never called yet: it may restart at its (new) start

    @property
    def options(self) -> tuple[object, ...]:
        return (
            self.data_type,
            self.start,
            self.increment,
            self.minimum,
            self.maximum,
            self.cache,
            self.cycle,
        )

    def defaults(self) -> Sequence:
        """What a new sequence starts as: an identity's takes its column's type, and the
        plain CREATE SEQUENCE migra writes gives a bigint."""
        data_type = self.data_type if self.identity_of else "bigint"
        top = TYPE_MAX[data_type] if data_type in TYPE_MAX else TYPE_MAX["bigint"]
        return Sequence(
            self.name, data_type, 1, 1, 1, top, 1, False, None, self.identity_of, fresh=True
        )


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Sequence]:
    rows = conn.execute(SEQUENCES_QUERY, {"excluded": sorted(excluded)})
    return {row[0]: Sequence(*row) for row in rows}


def changes(pair: Pair) -> Placed:
    """ALTER statements for options and ownership; run them after the engine's statements."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    _hide_ownership(pair.live_model, pair.target_model)
    released, statements = [], []
    for name, wanted in sorted(want.items()):
        current = have.get(name) or wanted.defaults()
        if current.options != wanted.options:
            statements.append(_alter_options(wanted, restart=current.fresh))
        if wanted.identity_of is not None or current.owned_by == wanted.owned_by:
            continue
        if current.owned_by is not None:
            released.append(f"ALTER SEQUENCE {name} OWNED BY NONE;")
        if wanted.owned_by is not None:
            statements.append(f"ALTER SEQUENCE {name} OWNED BY {wanted.owned_by};")
    return Placed(pre=tuple(released), late=tuple(statements))


def _hide_ownership(*models: DatabaseModel) -> None:
    """Ownership is planned here, after every table exists; migra's own OWNED BY (which
    follows its table creations, and may precede a child's) is left out of both pictures."""
    for model in models:
        for sequence in model.sequences.values():
            sequence.table_name = sequence.column_name = None


def _alter_options(seq: Sequence, restart: bool) -> str:
    cycle = "CYCLE" if seq.cycle else "NO CYCLE"
    # A sequence nobody has used yet restarts at its start; a used one keeps counting.
    again = f" RESTART WITH {seq.start}" if restart else ""
    options = (
        f"INCREMENT BY {seq.increment} MINVALUE {seq.minimum} MAXVALUE {seq.maximum} "
        f"START WITH {seq.start}{again} CACHE {seq.cache} {cycle}"
    )
    if seq.identity_of is not None:
        # Identity sequences take their options through the column.
        return (
            f"{seq.identity_of} SET INCREMENT BY {seq.increment} SET MINVALUE {seq.minimum} "
            f"SET MAXVALUE {seq.maximum} SET START WITH {seq.start} SET CACHE {seq.cache} "
            f"SET {cycle};"
        )
    return f"ALTER SEQUENCE {seq.name} AS {seq.data_type} {options};"


FINGERPRINT = """
SELECT concat_ws(' ', 's', s.seqrelid::regclass, format_type(s.seqtypid, NULL), s.seqstart,
                 s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
                 (SELECT string_agg(d.refobjid::regclass || '.' || d.refobjsubid, ',')
                  FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                    AND d.deptype IN ('a', 'i'))) AS item
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN ns ON ns.oid = c.relnamespace
"""

SIGNATURE = f"""
SELECT 'sequence', format('%I.%I', rel.nspname, rel.relname),
       concat_ws(' | ', format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
                 s.seqmin, s.seqcache, s.seqcycle,
                 (SELECT 'owned by ' || d.refobjid::regclass || '.' || a.attname
                  FROM pg_depend d JOIN pg_attribute a
                    ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
                 {acl_items("coalesce(rel.relacl, acldefault('s', rel.relowner))", "rel.relowner")})
FROM pg_sequence s JOIN rel ON rel.oid = s.seqrelid
"""

KIND = Kind("sequence", FINGERPRINT, SIGNATURE, before=changes)
