"""Hazards: what a statement does that a DBA must agree to, read from its parse tree.

Classification looks at what a statement does (drop a column, change a type, build an
index on an existing table…), never at the words it contains. A statement on a
table the same plan creates carries no lock or data hazard: nobody else can be using it.

``access-exclusive-lock`` means an ACCESS EXCLUSIVE lock held while PostgreSQL scans or
rewrites a table. Catalog-only changes take that lock too, but only for an instant,
and every statement runs under ``lock_timeout``, so they are not called out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from canon.errors import ConfigError
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import Connection, query
from canon.pg.parsing import function_names, parse, qualified, table_of, tables_created

DATA_LOSS = "data-loss"
TABLE_REWRITE = "table-rewrite"
ACCESS_EXCLUSIVE = "access-exclusive-lock"
INDEX_BUILD = "index-build"
INDEX_DROP = "index-drop"
AUTHZ = "authz"
UNTRACKED = "untracked-dependency"

ALL = (DATA_LOSS, TABLE_REWRITE, ACCESS_EXCLUSIVE, INDEX_BUILD, INDEX_DROP, AUTHZ, UNTRACKED)
# Hazards that cannot touch existing rows or sessions when their table is new.
EXISTING_TABLE_ONLY = frozenset(
    {DATA_LOSS, TABLE_REWRITE, ACCESS_EXCLUSIVE, INDEX_BUILD, INDEX_DROP}
)


@dataclass(frozen=True)
class Hazard:
    name: str
    reason: str


Classified = tuple[str, tuple[Hazard, ...]]


@dataclass(frozen=True)
class LiveFacts:
    """What classification needs to know about the live database, looked up once."""

    volatile_functions: frozenset[str] = frozenset()
    existing_functions: frozenset[str] = frozenset()
    # (function, body) of user functions whose bodies PostgreSQL keeps as opaque text.
    bodies: tuple[tuple[str, str], ...] = ()
    # "schema.table.constraint" of PRIMARY KEY, UNIQUE and EXCLUDE constraints: their index
    # goes when they are dropped.
    indexed_constraints: frozenset[str] = frozenset()
    # "schema.index" of invalid indexes: no query uses them, dropping one costs nothing.
    invalid_indexes: frozenset[str] = frozenset()

    def mentioning(self, name: str) -> list[str]:
        """Functions whose body uses ``name`` as a word: dependencies the catalog lacks."""
        word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)
        return [function for function, body in self.bodies if word.search(body)]


def classify(
    statements: Sequence[str], live: Connection | None = None, facts: LiveFacts | None = None
) -> list[Classified]:
    """Each statement with its hazards, in plan order; ``live`` (or ``facts``) sharpens them."""
    if facts is None and live is not None:
        facts = live_facts(live)
    created = tables_created(statements)
    result = []
    for sql in statements:
        found: list[Hazard] = []
        for node in parse(sql):
            table = table_of(node)
            new_table = table is not None and table in created
            for hazard in [*_hazards_of(node, facts), *_untracked_users(node, facts)]:
                if new_table and hazard.name in EXISTING_TABLE_ONLY:
                    continue
                found.append(hazard)
        result.append((sql, tuple(dict.fromkeys(found))))
    return result


def parse_names(value: str) -> set[str]:
    """Hazard names from a comma-separated option value; ``all`` means every hazard."""
    names = {part.strip() for part in value.split(",") if part.strip()}
    if "all" in names:
        return set(ALL)
    unknown = names - set(ALL)
    if unknown:
        raise ConfigError(
            f"unknown hazard {', '.join(sorted(unknown))}; known hazards: {', '.join(ALL)}, all"
        )
    return names


def live_facts(conn: Connection) -> LiveFacts:
    rows = conn.execute(
        query(
            "SELECT p.proname, p.provolatile = 'v', n.nspname || '.' || p.proname "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname NOT IN ('information_schema')"
        )
    ).fetchall()
    bodies = conn.execute(
        query(
            "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "JOIN pg_language l ON l.oid = p.prolang "
            "WHERE l.lanname IN ('sql', 'plpgsql') AND p.prosqlbody IS NULL "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname <> ALL (:excluded)"
        ),
        {"excluded": sorted(EXCLUDED_SCHEMAS)},
    ).fetchall()
    indexed = conn.execute(
        query(
            "SELECT n.nspname || '.' || c.relname || '.' || co.conname FROM pg_constraint co "
            "JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE co.contype IN ('p', 'u', 'x')"
        )
    ).fetchall()
    invalid = conn.execute(
        query(
            "SELECT n.nspname || '.' || c.relname FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT i.indisvalid AND c.relkind = 'i'"
        )
    ).fetchall()
    return LiveFacts(
        volatile_functions=frozenset(r[0] for r in rows if r[1]),
        existing_functions=frozenset(r[2] for r in rows),
        bodies=tuple((str(b[0]), str(b[1] or "")) for b in bodies),
        indexed_constraints=frozenset(str(row[0]) for row in indexed),
        invalid_indexes=frozenset(str(row[0]) for row in invalid),
    )


def _hazards_of(node: ast.Node, facts: LiveFacts | None) -> list[Hazard]:
    if isinstance(node, ast.DropStmt):
        if facts is not None and _drops_only_invalid_indexes(node, facts):
            return []
        return _drop_hazards(node)
    if isinstance(node, ast.AlterTableStmt):
        found = []
        table = qualified(node.relation)
        for cmd in node.cmds or ():
            found.extend(_alter_table_hazards(cmd, facts))
            if (
                isinstance(cmd, ast.AlterTableCmd)
                and facts is not None
                and cmd.subtype == AlterTableType.AT_DropConstraint
                and f"{table}.{cmd.name}" in facts.indexed_constraints
            ):
                found.append(
                    Hazard(
                        INDEX_DROP,
                        f"drops constraint {cmd.name} and the index "
                        "behind it: queries using it slow down",
                    )
                )
        return found
    if isinstance(node, ast.IndexStmt):
        if node.concurrent:
            return [
                Hazard(
                    INDEX_BUILD,
                    "builds an index concurrently: slow on large tables, writes are not blocked",
                )
            ]
        return [Hazard(INDEX_BUILD, "builds an index, blocking writes to the table until done")]
    if isinstance(
        node,
        (
            ast.GrantStmt,
            ast.GrantRoleStmt,
            ast.CreatePolicyStmt,
            ast.AlterPolicyStmt,
            ast.AlterDefaultPrivilegesStmt,
            ast.AlterOwnerStmt,
            ast.CreateRoleStmt,
            ast.AlterRoleStmt,
            ast.DropRoleStmt,
        ),
    ):
        return [Hazard(AUTHZ, "changes who may read or write data")]
    if isinstance(node, ast.CreateFunctionStmt):
        return _function_hazards(node, facts)
    if isinstance(node, ast.DoStmt):
        return [Hazard(UNTRACKED, "runs procedural code whose effects PostgreSQL does not track")]
    if isinstance(node, ast.TruncateStmt):
        return [Hazard(DATA_LOSS, "deletes every row")]
    if isinstance(node, (ast.DeleteStmt, ast.UpdateStmt)):
        return [Hazard(DATA_LOSS, "changes or deletes existing rows")]
    if isinstance(node, ast.RenameStmt) and node.renameType in (
        ObjectType.OBJECT_TABLE,
        ObjectType.OBJECT_COLUMN,
    ):
        return [
            Hazard(UNTRACKED, "renames, breaking queries and function bodies that use the old name")
        ]
    return []


def _untracked_users(node: ast.Node, facts: LiveFacts | None) -> list[Hazard]:
    """Function bodies that name a table or column this statement drops, renames or retypes."""
    if facts is None or not facts.bodies:
        return []
    names: list[str] = []
    if isinstance(node, ast.DropStmt) and node.removeType in (
        ObjectType.OBJECT_TABLE,
        ObjectType.OBJECT_VIEW,
        ObjectType.OBJECT_MATVIEW,
    ):
        names = [obj[-1].sval for obj in node.objects or () if isinstance(obj, (list, tuple))]
    elif isinstance(node, ast.AlterTableStmt):
        names = [
            cmd.name
            for cmd in node.cmds or ()
            if isinstance(cmd, ast.AlterTableCmd)
            and cmd.name
            and cmd.subtype in (AlterTableType.AT_DropColumn, AlterTableType.AT_AlterColumnType)
        ]
    elif isinstance(node, ast.RenameStmt) and node.subname:
        names = [node.subname]
    elif isinstance(node, ast.RenameStmt) and node.relation is not None:
        # A relation in a RENAME statement always has its name.
        assert node.relation.relname is not None
        names = [node.relation.relname]
    found = []
    for name in names:
        users = facts.mentioning(name)
        if users:
            shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
            found.append(
                Hazard(
                    UNTRACKED,
                    f"{name} is named in the body of {shown}; PostgreSQL does not track that use",
                )
            )
    return found


def _function_hazards(node: ast.CreateFunctionStmt, facts: LiveFacts | None) -> list[Hazard]:
    # A new function has no callers yet; replacing one changes code other objects
    # call without PostgreSQL recording that they depend on it.
    names = [s.sval for s in node.funcname or ()]
    name = ".".join(names) if len(names) > 1 else f"public.{names[0]}"
    if facts is None or name in facts.existing_functions:
        return [
            Hazard(
                UNTRACKED,
                f"replaces function {name}: callers PostgreSQL cannot see get the new body",
            )
        ]
    return []


DATA_DROPS = {
    ObjectType.OBJECT_TABLE: "drops a table and its rows",
    ObjectType.OBJECT_SCHEMA: "drops a schema and everything in it",
    ObjectType.OBJECT_SEQUENCE: "drops a sequence and its current value",
    ObjectType.OBJECT_TYPE: "drops a type; values of it are gone",
}


def _drops_only_invalid_indexes(node: ast.DropStmt, facts: LiveFacts) -> bool:
    if node.removeType != ObjectType.OBJECT_INDEX or not node.objects:
        return False
    names = [[s.sval for s in obj] for obj in node.objects if isinstance(obj, (list, tuple))]
    dotted = {".".join(parts if len(parts) > 1 else ["public", *parts]) for parts in names}
    return len(names) == len(node.objects) and dotted <= facts.invalid_indexes


def _drop_hazards(node: ast.DropStmt) -> list[Hazard]:
    kind = node.removeType
    if kind in DATA_DROPS:
        return [Hazard(DATA_LOSS, DATA_DROPS[kind])]
    if kind == ObjectType.OBJECT_INDEX:
        if node.concurrent:
            return [Hazard(INDEX_DROP, "drops an index concurrently: queries using it slow down")]
        return [
            Hazard(INDEX_DROP, "drops an index: queries using it slow down"),
            Hazard(ACCESS_EXCLUSIVE, "drops the index under an ACCESS EXCLUSIVE lock on its table"),
        ]
    if kind in (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE):
        return [Hazard(UNTRACKED, "drops a function that code PostgreSQL cannot see may call")]
    if kind == ObjectType.OBJECT_POLICY:
        return [Hazard(AUTHZ, "drops a row-level security policy")]
    if kind == ObjectType.OBJECT_MATVIEW:
        return [
            Hazard(
                DATA_LOSS,
                "drops a materialized view and its rows: created again, it runs its query "
                "anew, holding the plan's locks meanwhile",
            )
        ]
    return []


# Catalog-only subcommands: an instant ACCESS EXCLUSIVE lock under lock_timeout, no scan.
BRIEF = frozenset(
    {
        AlterTableType.AT_ColumnDefault,
        AlterTableType.AT_DropNotNull,
        AlterTableType.AT_AddIdentity,
        AlterTableType.AT_DropIdentity,
        AlterTableType.AT_SetIdentity,
        AlterTableType.AT_DropConstraint,
        AlterTableType.AT_ValidateConstraint,
        AlterTableType.AT_SetStatistics,
        AlterTableType.AT_SetStorage,
        AlterTableType.AT_SetCompression,
        AlterTableType.AT_SetOptions,
        AlterTableType.AT_ResetOptions,
        AlterTableType.AT_EnableRule,
        AlterTableType.AT_DisableRule,
        AlterTableType.AT_EnableReplicaRule,
        AlterTableType.AT_EnableAlwaysRule,
        AlterTableType.AT_EnableTrig,
        AlterTableType.AT_DisableTrig,
        AlterTableType.AT_ReplicaIdentity,
        AlterTableType.AT_SetRelOptions,
        AlterTableType.AT_ResetRelOptions,
        AlterTableType.AT_DropColumn,
    }
)
ROW_SECURITY = frozenset(
    {
        AlterTableType.AT_EnableRowSecurity,
        AlterTableType.AT_DisableRowSecurity,
        AlterTableType.AT_ForceRowSecurity,
        AlterTableType.AT_NoForceRowSecurity,
    }
)


def _alter_table_hazards(cmd: ast.Node, facts: LiveFacts | None) -> list[Hazard]:
    if not isinstance(cmd, ast.AlterTableCmd):
        return []
    sub = cmd.subtype
    lock = Hazard(
        ACCESS_EXCLUSIVE,
        "holds an ACCESS EXCLUSIVE lock, blocking reads and writes, "
        "while it works through the table",
    )
    if sub == AlterTableType.AT_DropColumn:
        return [Hazard(DATA_LOSS, f"drops column {cmd.name} and its values")]
    if sub == AlterTableType.AT_AlterColumnType:
        return [
            Hazard(
                DATA_LOSS, f"changes the type of {cmd.name}: values may be cast, cut or rejected"
            ),
            Hazard(TABLE_REWRITE, "rewrites the table and its indexes"),
            lock,
        ]
    if sub == AlterTableType.AT_AddColumn:
        column = cmd.def_
        if isinstance(column, ast.ColumnDef) and _rewrites_on_add(column, facts):
            return [
                Hazard(
                    TABLE_REWRITE,
                    f"adds column {column.colname} with a value computed "
                    "per row: rewrites the table",
                ),
                lock,
            ]
        return []
    if sub == AlterTableType.AT_SetNotNull:
        return [
            Hazard(
                ACCESS_EXCLUSIVE,
                f"scans the table for NULLs in {cmd.name} under an ACCESS EXCLUSIVE lock",
            )
        ]
    if sub == AlterTableType.AT_AddConstraint:
        return _constraint_hazards(cmd.def_)
    if sub in ROW_SECURITY:
        return [Hazard(AUTHZ, "changes row-level security")]
    if sub == AlterTableType.AT_ChangeOwner:
        return [Hazard(AUTHZ, "changes the owner, who holds every privilege on it")]
    if sub in BRIEF:
        return []
    return [lock]


def _constraint_hazards(constraint: object) -> list[Hazard]:
    if not isinstance(constraint, ast.Constraint):
        return []
    kind = constraint.contype
    if kind in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_EXCLUSION):
        if constraint.indexname:
            return []  # the index already exists; attaching it is a catalog change
        return [
            Hazard(INDEX_BUILD, "builds a unique index"),
            Hazard(ACCESS_EXCLUSIVE, "builds the index under an ACCESS EXCLUSIVE lock"),
        ]
    if kind in (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_FOREIGN):
        if constraint.skip_validation:
            return []
        return [Hazard(ACCESS_EXCLUSIVE, "checks every existing row while holding a lock")]
    return []


# Used only when the live catalog is not at hand to say which functions are volatile.
VOLATILE_HINTS = frozenset(
    {"random", "clock_timestamp", "gen_random_uuid", "uuid_generate_v4", "nextval", "timeofday"}
)


def _rewrites_on_add(column: ast.ColumnDef, facts: LiveFacts | None) -> bool:
    volatile = facts.volatile_functions if facts is not None else VOLATILE_HINTS
    for constraint in column.constraints or ():
        if not isinstance(constraint, ast.Constraint):
            continue
        if constraint.contype == ConstrType.CONSTR_GENERATED:
            return True  # a stored generated column is computed for every row
        if constraint.contype == ConstrType.CONSTR_IDENTITY:
            return True
        if constraint.raw_expr is not None and function_names(constraint.raw_expr) & volatile:
            return True
    return False
