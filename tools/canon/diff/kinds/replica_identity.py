"""Replica identity (ALTER TABLE … REPLICA IDENTITY): what logical replication sends of old rows.

migra does not read it. canon compares pg_class.relreplident (and, for ``USING INDEX``,
which index) and sets it once the rest of the plan has run, when the index exists. A
table the plan creates, or an index it builds again, starts from the default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

IDENTITY_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), n.nspname, c.relname, c.relreplident,
           (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = c.oid AND i.indisreplident)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)

KEYWORDS = {"d": "DEFAULT", "n": "NOTHING", "f": "FULL"}


@dataclass(frozen=True)
class Identity:
    name: str
    schema: str
    relname: str
    kind: str  # d, n, f or i (an index)
    index: str | None

    def statement(self) -> str:
        how = f"USING INDEX {ident(self.index or '')}" if self.kind == "i" else KEYWORDS[self.kind]
        return f"ALTER TABLE {self.name} REPLICA IDENTITY {how};"


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Identity]:
    rows = conn.execute(IDENTITY_QUERY, {"excluded": sorted(excluded)})
    return {row[0]: Identity(*row) for row in rows}


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """REPLICA IDENTITY statements for tables whose identity will differ from the files'."""
    from canon.diff.planned import standing  # the SQL parser: see diff/kinds/privileges.py

    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    rebuilt = _indexes_built(planned)
    statements = []
    for _, wanted, current in standing(have, want, planned):
        kind, index = ("d", None) if current is None else (current.kind, current.index)
        if kind == "i" and (wanted.schema, index) in rebuilt:
            kind = "d"  # a new index has no replica identity flag
        if (kind, index if kind == "i" else None) != (wanted.kind, wanted.index):
            statements.append(wanted.statement())
    return statements


def _indexes_built(planned: Sequence[str]) -> set[tuple[str, str | None]]:
    """(schema, name) of the indexes and key constraints the plan creates."""
    from pglast import ast

    from canon.pg.parsing import parse

    built: set[tuple[str, str | None]] = set()
    for sql in planned:
        for node in parse(sql):
            if isinstance(node, ast.IndexStmt) and node.relation is not None:
                built.add((node.relation.schemaname or "public", node.idxname))
            elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
                schema = node.relation.schemaname or "public"
                for cmd in node.cmds or ():
                    if isinstance(cmd, ast.AlterTableCmd) and isinstance(cmd.def_, ast.Constraint):
                        built.add((schema, cmd.def_.conname))
    return built


FINGERPRINT = """
SELECT concat_ws(' ', 'k', c.oid::regclass, c.relreplident,
                 (SELECT i.indexrelid::regclass FROM pg_index i
                  WHERE i.indrelid = c.oid AND i.indisreplident)) AS item
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd'
"""

SIGNATURE = """
SELECT 'replica identity', format('%I.%I', rel.nspname, rel.relname),
       concat_ws(' | ', rel.relreplident,
                 (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                  WHERE i.indrelid = rel.oid AND i.indisreplident))
FROM rel WHERE rel.relkind IN ('r', 'p') AND rel.relreplident <> 'd'
"""

KIND = Kind("replica identity", FINGERPRINT, SIGNATURE, after=changes)
