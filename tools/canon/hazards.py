"""Hazards: what a statement does that a DBA must agree to, read from its parse tree.

Classification looks at what a statement does (drop a column, change a type, build an
index on an existing table…), never at the words it contains. A statement on a
table the same plan creates carries no lock or data hazard: nobody else can be using it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pglast import ast, parser
from pglast.enums import AlterTableType, ObjectType
from sqlalchemy import text
from sqlalchemy.engine import Connection

DATA_LOSS = "data-loss"
TABLE_REWRITE = "table-rewrite"
ACCESS_EXCLUSIVE = "access-exclusive-lock"
INDEX_BUILD = "index-build"
INDEX_DROP = "index-drop"
AUTHZ = "authz"
UNTRACKED = "untracked-dependency"

ALL = (DATA_LOSS, TABLE_REWRITE, ACCESS_EXCLUSIVE, INDEX_BUILD, INDEX_DROP, AUTHZ, UNTRACKED)
# Hazards that cannot touch existing rows or sessions when their table is new.
EXISTING_TABLE_ONLY = {DATA_LOSS, TABLE_REWRITE, ACCESS_EXCLUSIVE, INDEX_BUILD, INDEX_DROP}


@dataclass(frozen=True)
class Hazard:
    name: str
    reason: str


Classified = tuple[str, tuple[Hazard, ...]]


def classify(statements: Sequence[str], live: Connection | None = None) -> list[Classified]:
    """Each statement with its hazards, in plan order."""
    created = _tables_created(statements)
    result = []
    for sql in statements:
        found = []
        for node in _parse(sql):
            if isinstance(node, ast.CreateFunctionStmt) and not _function_exists(live, node):
                continue  # a new function has no callers yet: nothing can break
            for hazard in _hazards_of(node):
                table = _table_of(node)
                if hazard.name in EXISTING_TABLE_ONLY and table is not None and table in created:
                    continue
                found.append(hazard)
        result.append((sql, tuple(dict.fromkeys(found))))
    return result


def _function_exists(live: Connection | None, node: ast.CreateFunctionStmt) -> bool:
    if live is None:
        return True
    names = [n.sval for n in node.funcname]
    schema, name = (names[-2] if len(names) > 1 else "public"), names[-1]
    row = live.execute(
        text(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :schema AND p.proname = :name"
        ),
        {"schema": schema, "name": name},
    ).first()
    return row is not None


def parse_names(text: str) -> set[str]:
    """Hazard names from a comma-separated option value; ``all`` means every hazard."""
    names = {part.strip() for part in text.split(",") if part.strip()}
    if "all" in names:
        return set(ALL)
    unknown = names - set(ALL)
    if unknown:
        from .errors import ConfigError

        raise ConfigError(
            f"unknown hazard {', '.join(sorted(unknown))}; known hazards: {', '.join(ALL)}, all"
        )
    return names


def _parse(sql: str) -> list[ast.Node]:
    try:
        return [raw.stmt for raw in parser.parse_sql(sql)]
    except parser.ParseError:
        return []


def _qualified(rangevar: ast.RangeVar | None) -> str | None:
    if rangevar is None:
        return None
    return f"{rangevar.schemaname or 'public'}.{rangevar.relname}"


def _tables_created(statements: Iterable[str]) -> set[str]:
    created = set()
    for sql in statements:
        for node in _parse(sql):
            if isinstance(node, (ast.CreateStmt, ast.CreateTableAsStmt)):
                rel = node.relation if isinstance(node, ast.CreateStmt) else node.into.rel
                name = _qualified(rel)
                if name:
                    created.add(name)
    return created


def _table_of(node: ast.Node) -> str | None:
    if isinstance(node, (ast.AlterTableStmt, ast.IndexStmt)):
        return _qualified(node.relation)
    if isinstance(node, ast.RenameStmt) and node.relation is not None:
        return _qualified(node.relation)
    return None


def _hazards_of(node: ast.Node) -> list[Hazard]:
    if isinstance(node, ast.DropStmt):
        return _drop_hazards(node)
    if isinstance(node, ast.AlterTableStmt):
        found = []
        for cmd in node.cmds or ():
            found.extend(_alter_table_hazards(cmd))
        return found
    if isinstance(node, ast.IndexStmt):
        if node.concurrent:
            return [Hazard(INDEX_BUILD, "builds an index concurrently: slow on large tables")]
        return [Hazard(INDEX_BUILD, "builds an index, blocking writes to the table until done")]
    if isinstance(node, (ast.GrantStmt, ast.GrantRoleStmt, ast.CreatePolicyStmt, ast.AlterPolicyStmt,
                         ast.AlterDefaultPrivilegesStmt)):
        return [Hazard(AUTHZ, "changes who may read or write data")]
    if isinstance(node, ast.CreateFunctionStmt):
        return [Hazard(UNTRACKED, "function bodies use objects PostgreSQL does not track")]
    if isinstance(node, ast.TruncateStmt):
        return [Hazard(DATA_LOSS, "deletes every row")]
    if isinstance(node, (ast.DeleteStmt, ast.UpdateStmt)):
        return [Hazard(DATA_LOSS, "changes or deletes existing rows")]
    if isinstance(node, ast.RenameStmt) and node.renameType in (
        ObjectType.OBJECT_TABLE, ObjectType.OBJECT_COLUMN
    ):
        return [Hazard(ACCESS_EXCLUSIVE, "renames, breaking queries that use the old name")]
    return []


DATA_DROPS = {
    ObjectType.OBJECT_TABLE: "drops a table and its rows",
    ObjectType.OBJECT_SCHEMA: "drops a schema and everything in it",
    ObjectType.OBJECT_SEQUENCE: "drops a sequence and its current value",
    ObjectType.OBJECT_TYPE: "drops a type; values of it are gone",
}


def _drop_hazards(node: ast.DropStmt) -> list[Hazard]:
    kind = node.removeType
    if kind in DATA_DROPS:
        return [Hazard(DATA_LOSS, DATA_DROPS[kind])]
    if kind == ObjectType.OBJECT_INDEX:
        return [Hazard(INDEX_DROP, "drops an index: queries using it slow down")]
    if kind in (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE):
        return [Hazard(UNTRACKED, "drops a function that code PostgreSQL cannot see may call")]
    return []


def _alter_table_hazards(cmd: ast.Node) -> list[Hazard]:
    if not isinstance(cmd, ast.AlterTableCmd):
        return []
    sub = cmd.subtype
    lock = Hazard(ACCESS_EXCLUSIVE, "takes an ACCESS EXCLUSIVE lock, blocking reads and writes")
    if sub == AlterTableType.AT_DropColumn:
        return [Hazard(DATA_LOSS, f"drops column {cmd.name} and its values"), lock]
    if sub == AlterTableType.AT_AlterColumnType:
        return [
            Hazard(DATA_LOSS, f"changes the type of {cmd.name}: values may be cast, cut or rejected"),
            Hazard(TABLE_REWRITE, "rewrites the table"),
            lock,
        ]
    if sub == AlterTableType.AT_AddColumn:
        column = cmd.def_
        if isinstance(column, ast.ColumnDef) and _has_volatile_default(column):
            return [Hazard(TABLE_REWRITE, "adds a column whose default is computed per row"), lock]
        return []
    if sub == AlterTableType.AT_SetNotNull:
        return [Hazard(ACCESS_EXCLUSIVE, "scans the table under an ACCESS EXCLUSIVE lock")]
    if sub == AlterTableType.AT_AddConstraint:
        return _constraint_hazards(cmd.def_)
    if sub in (AlterTableType.AT_EnableRowSecurity, AlterTableType.AT_DisableRowSecurity,
               AlterTableType.AT_ForceRowSecurity, AlterTableType.AT_NoForceRowSecurity):
        return [Hazard(AUTHZ, "changes row-level security")]
    if sub in (AlterTableType.AT_ColumnDefault, AlterTableType.AT_DropNotNull,
               AlterTableType.AT_AddIdentity, AlterTableType.AT_DropIdentity):
        return []
    return [lock]


def _constraint_hazards(constraint: ast.Node | None) -> list[Hazard]:
    if not isinstance(constraint, ast.Constraint):
        return []
    from pglast.enums import ConstrType

    kind = constraint.contype
    if kind in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_EXCLUSION):
        if constraint.indexname:
            return [Hazard(ACCESS_EXCLUSIVE, "attaches an index as a constraint (brief lock)")]
        return [Hazard(INDEX_BUILD, "builds a unique index under lock")]
    if kind in (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_FOREIGN):
        if constraint.skip_validation:
            return []
        return [Hazard(ACCESS_EXCLUSIVE, "checks every existing row while holding a lock")]
    return []


VOLATILE_HINTS = ("random", "clock_timestamp", "gen_random_uuid", "uuid_generate", "nextval")


def _has_volatile_default(column: ast.ColumnDef) -> bool:
    for constraint in column.constraints or ():
        if isinstance(constraint, ast.Constraint) and constraint.raw_expr is not None:
            names = _function_names(constraint.raw_expr)
            if any(name in VOLATILE_HINTS for name in names):
                return True
    return False


def _function_names(node: ast.Node) -> set[str]:
    names: set[str] = set()
    from pglast.visitors import Visitor

    class Collect(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: object, call: ast.FuncCall) -> None:
            names.add(call.funcname[-1].sval)

    Collect()(node)
    return names
