"""What the catalog shows of a statement: did it take effect on this database?

Used when the journal cannot say by itself, after a canon process went away in the
middle of a step: a concurrent index build or drop commits on its own, so only the
catalog can tell whether it finished; and a transactional step is checked against its
own statements before its record is settled. Only statements whose effect the catalog
shows without doubt are judged (an index, table, column or constraint made or removed);
for any other the answer is None.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from canon.pg import quoting
from canon.pg.parsing import parse

# Effects of a step as a whole.
DONE, NOT_DONE, HALF_DONE = "done", "not done", "half done"

_RELATION_DROPS = {
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_SEQUENCE,
    ObjectType.OBJECT_FOREIGN_TABLE,
}


def step_effect(conn: psycopg.Connection, sql: str) -> str | None:
    """For the statements of ``sql``: ``done`` when every judged one shows, ``not done`` when
    none does, else None. ``half done``: a concurrent index build left an invalid index.
    """
    found = [effect(conn, node) for node in parse(sql)]
    judged = [f for f in found if f is not None]
    if not judged:
        return None
    if HALF_DONE in judged:
        return HALF_DONE if len(judged) == 1 else None
    if all(judged):
        return DONE
    if not any(judged):
        return NOT_DONE
    return None


def effect(conn: psycopg.Connection, node: ast.Node) -> bool | str | None:
    """True if the catalog shows the statement took effect, False if not, ``half done``, or None."""
    if isinstance(node, ast.IndexStmt) and (name := index_name(node)) is not None:
        valid = index_valid(conn, name)
        if valid is None:
            return False
        return True if valid else HALF_DONE
    if isinstance(node, ast.CreateStmt) and not node.if_not_exists:
        return _exists(conn, _relation(node.relation))
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
        # A concurrent drop stopped half-way leaves its index invalid.
        states = {index_valid(conn, name) for obj in node.objects or () if (name := _dotted(obj))}
        if len(states) != 1:
            return None
        state = states.pop()
        return True if state is None else (False if state else HALF_DONE)
    if isinstance(node, ast.DropStmt) and node.removeType in _RELATION_DROPS:
        present = [_exists(conn, _dotted(obj)) for obj in node.objects or ()]
        if not present:
            return None
        return None if len(set(present)) > 1 else not present[0]
    if isinstance(node, ast.AlterTableStmt):
        return _alter_effect(conn, _relation(node.relation), node.cmds or ())
    return None


def _alter_effect(
    conn: psycopg.Connection, table: str | None, cmds: Sequence[ast.Node]
) -> bool | None:
    judged = [_cmd_effect(conn, table, cmd) for cmd in cmds if isinstance(cmd, ast.AlterTableCmd)]
    if not judged or any(j is None for j in judged) or len(set(judged)) > 1:
        return None
    return judged[0]


def _cmd_effect(conn: psycopg.Connection, table: str | None, cmd: ast.AlterTableCmd) -> bool | None:
    if table is None:
        return None
    subtype = cmd.subtype
    if subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
        return None if not cmd.def_.colname else _has_column(conn, table, cmd.def_.colname)
    if subtype == AlterTableType.AT_DropColumn and cmd.name:
        return not _has_column(conn, table, cmd.name)
    if subtype == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
        name = cmd.def_.conname
        return None if not name else _constraint(conn, table, name) is not None
    if subtype == AlterTableType.AT_DropConstraint and cmd.name:
        return _constraint(conn, table, cmd.name) is None
    if subtype == AlterTableType.AT_ValidateConstraint and cmd.name:
        return _constraint(conn, table, cmd.name) is True
    return None


def index_name(node: ast.IndexStmt) -> str | None:
    """The quoted ``schema.index`` a CREATE INDEX names (an index lives in its table's schema)."""
    if not node.idxname or node.relation is None:
        return None
    return quoting.qualified(node.relation.schemaname or "public", node.idxname)


def built_concurrently(sql: str) -> str | None:
    """The index a ``CREATE INDEX CONCURRENTLY`` statement builds, if it is one."""
    nodes = parse(sql)
    if len(nodes) != 1 or not isinstance(nodes[0], ast.IndexStmt) or not nodes[0].concurrent:
        return None
    return index_name(nodes[0])


def dropped_concurrently(sql: str) -> str | None:
    """The index a ``DROP INDEX CONCURRENTLY`` statement drops, if it is one."""
    nodes = parse(sql)
    if len(nodes) != 1 or not isinstance(nodes[0], ast.DropStmt) or not nodes[0].concurrent:
        return None
    objects = nodes[0].objects or ()
    return _dotted(objects[0]) if len(objects) == 1 else None


def _relation(rangevar: ast.RangeVar | None) -> str | None:
    """A statement's relation, quoted for ``to_regclass``."""
    if rangevar is None or not rangevar.relname:
        return None
    return quoting.qualified(rangevar.schemaname or "public", rangevar.relname)


def _dotted(obj: object) -> str | None:
    """A dropped object's name list, quoted for ``to_regclass``."""
    parts = [s.sval for s in obj] if isinstance(obj, (list, tuple)) else []
    if not parts:
        return None
    return quoting.qualified(parts[-2] if len(parts) > 1 else "public", parts[-1])


def _exists(conn: psycopg.Connection, name: str | None) -> bool:
    if name is None:
        return False
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


def index_valid(conn: psycopg.Connection, name: str) -> bool | None:
    """Whether the index (quoted ``schema.index``) is valid; None when there is none."""
    row = conn.execute(
        "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", (name,)
    ).fetchone()
    return bool(row[0]) if row else None


def _has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) "
        "AND attname = %s AND attnum > 0 AND NOT attisdropped)",
        (table, column),
    ).fetchone()
    return bool(row and row[0])


def _constraint(conn: psycopg.Connection, table: str, name: str) -> bool | None:
    """Whether the constraint is validated; None when the table has no such constraint."""
    row = conn.execute(
        "SELECT convalidated FROM pg_constraint WHERE conrelid = to_regclass(%s) AND conname = %s",
        (table, name),
    ).fetchone()
    return bool(row[0]) if row else None
