"""Rules (CREATE RULE): migra does not read them, so canon plans them from pg_rewrite.

A rule rewrites what reaches its table (``DO INSTEAD NOTHING`` discards every insert),
so a rule the files lack is drift like any other object. Removed and changed rules are
dropped before the engine's statements, since a rule's action may use a table the plan
drops; new and changed ones are created after the rest of the plan, when their tables
exist, and again where the plan drops and recreates their table or view (its rules go
with it; ``CREATE OR REPLACE VIEW`` keeps them) or drops the rule itself (a recreation
in ``diff.recreation``, when the rule uses what the plan changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from canon.diff.kind import Kind, Pair, Placed
from canon.diff.redefined import to_drop
from canon.pg.db import Connection, query

RULES_QUERY = query(
    """
    SELECT format('%I.%I.%I', n.nspname, c.relname, r.rulename), n.nspname, c.relname,
           format('%I ON %I.%I', r.rulename, n.nspname, c.relname), pg_get_ruledef(r.oid),
           r.ev_enabled, c.relkind IN ('r', 'p'), r.rulename
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN' AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_rewrite'::regclass
                      AND d.objid = r.oid AND d.deptype = 'e')
    """
)

# ev_enabled, as ALTER TABLE switches it.
SWITCHES = {"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


@dataclass(frozen=True)
class Rule:
    key: str
    schema: str  # of its table
    relname: str  # its table
    target: str  # "rule ON table", as DROP RULE names it
    definition: str  # CREATE RULE …;
    enabled: str
    on_table: bool  # views' rules cannot be switched off
    name: str

    def create_statements(self) -> list[str]:
        statements = [self.definition]
        if self.on_table and self.enabled != "O":
            statements.append(self.switch_statement())
        return statements

    def switch_statement(self) -> str:
        name, _, table = self.target.partition(" ON ")
        return f"ALTER TABLE {table} {SWITCHES[self.enabled]} RULE {name};"


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Rule]:
    rows = conn.execute(RULES_QUERY, {"excluded": sorted(excluded)})
    return {row[0]: Rule(*row) for row in rows}


def drops(pair: Pair) -> Placed:
    """DROP RULE for rules the files remove or change, before anything else runs."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    return Placed(pre=tuple(f"DROP RULE {have[key].target};" for key in to_drop(have, want)))


def creations(pair: Pair, planned: Sequence[str]) -> list[str]:
    """Rules the plan so far leaves missing (or switched wrongly), once their tables exist."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    dropped = _dropped_relations(planned)
    statements = []
    for key, wanted in sorted(want.items()):
        # A rule is missing where the plan drops it, or its table or view (a recreation).
        gone = {(wanted.schema, wanted.relname), (wanted.schema, wanted.relname, wanted.name)}
        current = None if gone & dropped else have.get(key)
        if current is None or current.definition != wanted.definition:
            statements += wanted.create_statements()
        elif current.enabled != wanted.enabled:
            statements.append(wanted.switch_statement())
    return statements


def _dropped_relations(planned: Sequence[str]) -> set[tuple[str, ...]]:
    """(schema, name) of the tables and views the plan drops, (schema, table, name) of the
    rules it drops."""
    # Imported on use, as in diff/kinds/privileges.py: the no-change shortcut loads this
    # module for its fingerprint SQL and must not load the SQL parser.
    from pglast import ast
    from pglast.enums import ObjectType

    from canon.pg.parsing import parse

    relations = (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW)
    dropped: set[tuple[str, ...]] = set()
    for sql in planned:
        for node in parse(sql):
            if isinstance(node, ast.DropStmt) and node.removeType in relations:
                for name in node.objects or ():
                    parts = [part.sval for part in name]
                    dropped.add((parts[-2] if len(parts) > 1 else "public", parts[-1]))
            elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_RULE:
                for name in node.objects or ():
                    parts = [part.sval for part in name]
                    dropped.add((parts[-3] if len(parts) > 2 else "public", *parts[-2:]))
    return dropped


FINGERPRINT = """
SELECT concat_ws(' ', 'w', pg_get_ruledef(r.oid), r.ev_enabled) AS item
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN ns ON ns.oid = c.relnamespace
WHERE r.rulename <> '_RETURN'
"""

SIGNATURE = """
SELECT 'rule', format('%I.%I.%I', rel.nspname, rel.relname, r.rulename),
       concat_ws(' | ', pg_get_ruledef(r.oid), r.ev_enabled)
FROM pg_rewrite r JOIN rel ON rel.oid = r.ev_class
WHERE r.rulename <> '_RETURN'
  AND NOT EXISTS (SELECT 1 FROM ext_members e WHERE e.classid = 'pg_rewrite'::regclass
                  AND e.objid = r.oid)
"""

KIND = Kind("rule", FINGERPRINT, SIGNATURE, before=drops, after=creations)
