"""Which object a statement is about, read from its parse tree.

One vocabulary for three readers: ``canon export`` files each statement of a dump with
the object it belongs to, plans and drift name the object of each statement and find
the file that declares it, and lint places its findings. ``acted_on`` names the object a
statement creates, changes, drops, comments on or grants on; ``declared`` lists what a
schema file statement declares, each with the byte offset where it is written.

Names are unquoted and schema-qualified as the catalogs spell them (``public`` when a
statement leaves the schema out). Tables, views, sequences and indexes share one
namespace in PostgreSQL, so their ``key`` is the same kind, ``relation``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

PUBLIC = "public"
RELATION_KINDS = frozenset(
    {"table", "view", "materialized view", "sequence", "index", "foreign table", "relation"}
)
# Kinds named inside a table: their name is "table.name", their parent is the table.
TABLE_MEMBERS = frozenset({"column", "constraint", "trigger", "policy", "rule"})


# An object's identity whatever statement spelled it: (kind, schema, name).
ObjectKey = tuple[str, str | None, str]


class ObjectName(NamedTuple):
    """An object by kind and name (a tuple: plans of thousands of statements make many)."""

    kind: str
    schema: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.qualified}"

    @property
    def qualified(self) -> str:
        return self.name if self.schema is None else f"{self.schema}.{self.name}"

    @property
    def key(self) -> ObjectKey:
        """Equal for every spelling of one object (a view altered as a table, say)."""
        kind = "relation" if self.kind in RELATION_KINDS else self.kind
        return (kind, self.schema, self.name)

    @property
    def parent(self) -> ObjectName | None:
        """The table a column, constraint, trigger, policy or rule belongs to."""
        if self.kind not in TABLE_MEMBERS or "." not in self.name:
            return None
        return ObjectName("relation", self.schema, self.name.rsplit(".", 1)[0])


def relation(rangevar: ast.RangeVar | None, kind: str = "relation") -> ObjectName | None:
    if rangevar is None or rangevar.relname is None:
        return None
    return ObjectName(kind, rangevar.schemaname or PUBLIC, rangevar.relname)


def names_of(nodes: tuple[ast.Node, ...] | list[ast.Node] | None) -> list[str]:
    """The texts of a list of String nodes (a dotted name as the parser splits it)."""
    return [n.sval for n in nodes or () if isinstance(n, ast.String) and n.sval is not None]


def dotted(names: tuple[ast.Node, ...] | list[ast.Node] | None, kind: str) -> ObjectName | None:
    """An object named by a list of String nodes: ``name`` or ``schema.name``."""
    parts = names_of(names)
    if not parts:
        return None
    if len(parts) == 1:
        return ObjectName(kind, PUBLIC, parts[0])
    return ObjectName(kind, parts[-2], parts[-1])


def member(names: tuple[ast.Node, ...] | list[ast.Node] | None, kind: str) -> ObjectName | None:
    """A column, constraint, trigger or policy named ``[schema.]table.name``."""
    parts = names_of(names)
    if len(parts) < 2:
        return None
    schema = parts[-3] if len(parts) >= 3 else PUBLIC
    return ObjectName(kind, schema, f"{parts[-2]}.{parts[-1]}")


def in_table(table: ObjectName | None, kind: str, name: str | None) -> ObjectName | None:
    if table is None or name is None:
        return None
    return ObjectName(kind, table.schema, f"{table.name}.{name}")


def type_name(
    node: ast.Node | tuple[ast.Node, ...] | None, kind: str = "type"
) -> ObjectName | None:
    if isinstance(node, ast.TypeName):
        return dotted(node.names, kind)
    if isinstance(node, tuple):
        return dotted(node, kind)
    return None


def function(node: ast.Node | None, kind: str = "function") -> ObjectName | None:
    if isinstance(node, ast.ObjectWithArgs):
        return dotted(node.objname, kind)
    return None


# COMMENT ON, GRANT, SECURITY LABEL and DROP name their objects the same way per type.
RELATION_TYPES: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_TABLE: "table",
    ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "materialized view",
    ObjectType.OBJECT_SEQUENCE: "sequence",
    ObjectType.OBJECT_INDEX: "index",
    ObjectType.OBJECT_FOREIGN_TABLE: "foreign table",
}
FUNCTION_TYPES: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_FUNCTION: "function",
    ObjectType.OBJECT_PROCEDURE: "procedure",
    ObjectType.OBJECT_ROUTINE: "function",
    ObjectType.OBJECT_AGGREGATE: "aggregate",
}
MEMBER_TYPES: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_COLUMN: "column",
    ObjectType.OBJECT_TABCONSTRAINT: "constraint",
    ObjectType.OBJECT_TRIGGER: "trigger",
    ObjectType.OBJECT_POLICY: "policy",
    ObjectType.OBJECT_RULE: "rule",
}
NAMED_TYPES: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "type",
    ObjectType.OBJECT_COLLATION: "collation",
    ObjectType.OBJECT_STATISTIC_EXT: "statistics",
    ObjectType.OBJECT_CONVERSION: "conversion",
    ObjectType.OBJECT_TSCONFIGURATION: "text search configuration",
    ObjectType.OBJECT_TSDICTIONARY: "text search dictionary",
}
GLOBAL_TYPES: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_SCHEMA: "schema",
    ObjectType.OBJECT_EXTENSION: "extension",
    ObjectType.OBJECT_PUBLICATION: "publication",
    ObjectType.OBJECT_EVENT_TRIGGER: "event trigger",
    ObjectType.OBJECT_FOREIGN_SERVER: "server",
    ObjectType.OBJECT_FDW: "foreign-data wrapper",
    ObjectType.OBJECT_LANGUAGE: "language",
}


def by_type(objtype: ObjectType | None, obj: ast.Node | None) -> ObjectName | None:
    """The object of a COMMENT, GRANT, SECURITY LABEL or DROP, given its type and name node."""
    if objtype is None or obj is None:
        return None
    if objtype in RELATION_TYPES:
        if isinstance(obj, ast.RangeVar):
            return relation(obj, RELATION_TYPES[objtype])
        return dotted(obj if isinstance(obj, (tuple, list)) else None, RELATION_TYPES[objtype])
    if objtype in FUNCTION_TYPES:
        return function(obj, FUNCTION_TYPES[objtype])
    if objtype in MEMBER_TYPES:
        return member(obj if isinstance(obj, (tuple, list)) else None, MEMBER_TYPES[objtype])
    if objtype == ObjectType.OBJECT_DOMCONSTRAINT and isinstance(obj, (tuple, list)):
        return type_name(obj[0])
    if objtype in NAMED_TYPES:
        return type_name(obj, NAMED_TYPES[objtype])
    if objtype in GLOBAL_TYPES:
        name = obj.sval if isinstance(obj, ast.String) else None
        return ObjectName(GLOBAL_TYPES[objtype], None, name) if name else None
    return None


def acted_on(node: ast.Node) -> ObjectName | None:
    """The object ``node`` creates, changes, drops, comments on or grants on."""
    finder = _FINDERS.get(type(node).__name__)
    return finder(node) if finder is not None else None


def _create_table(node: ast.CreateStmt) -> ObjectName | None:
    return relation(node.relation, "table")


def _alter_table(node: ast.AlterTableStmt) -> ObjectName | None:
    table = relation(node.relation, RELATION_TYPES.get(node.objtype, "table"))
    for cmd in node.cmds or ():
        if not isinstance(cmd, ast.AlterTableCmd):
            continue
        found = _alter_table_cmd(table, cmd)
        if found is not None:
            return found
    return table


def _alter_table_cmd(table: ObjectName | None, cmd: ast.AlterTableCmd) -> ObjectName | None:
    subtype = cmd.subtype
    if subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
        return in_table(table, "column", cmd.def_.colname)
    if subtype == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
        return in_table(table, "constraint", cmd.def_.conname) or table
    if subtype in (
        AlterTableType.AT_DropConstraint,
        AlterTableType.AT_ValidateConstraint,
    ):
        return in_table(table, "constraint", cmd.name)
    if subtype in _TRIGGER_SUBTYPES:
        return in_table(table, "trigger", cmd.name)
    if subtype == AlterTableType.AT_AttachPartition and isinstance(cmd.def_, ast.PartitionCmd):
        return relation(cmd.def_.name, table.kind if table else "table")
    if cmd.name is not None and subtype not in _NAMELESS_SUBTYPES:
        return in_table(table, "column", cmd.name)
    return None


_TRIGGER_SUBTYPES = frozenset(
    {
        AlterTableType.AT_EnableTrig,
        AlterTableType.AT_EnableAlwaysTrig,
        AlterTableType.AT_EnableReplicaTrig,
        AlterTableType.AT_DisableTrig,
    }
)
# Subcommands whose ``name`` is not a column's.
_NAMELESS_SUBTYPES = frozenset(
    {
        AlterTableType.AT_ClusterOn,
        AlterTableType.AT_SetTableSpace,
        AlterTableType.AT_AddInherit,
        AlterTableType.AT_DropInherit,
        AlterTableType.AT_EnableRule,
        AlterTableType.AT_DisableRule,
        AlterTableType.AT_EnableAlwaysRule,
        AlterTableType.AT_EnableReplicaRule,
        AlterTableType.AT_ReplicaIdentity,
    }
)


def _index(node: ast.IndexStmt) -> ObjectName | None:
    table = relation(node.relation)
    if node.idxname is None or table is None:
        return table
    return ObjectName("index", table.schema, node.idxname)


def _comment(node: ast.CommentStmt) -> ObjectName | None:
    return by_type(node.objtype, node.object)


def _grant(node: ast.GrantStmt) -> ObjectName | None:
    for obj in node.objects or ():
        found = by_type(node.objtype, obj)
        if found is not None:
            return found
    return None


def _drop(node: ast.DropStmt) -> ObjectName | None:
    for obj in node.objects or ():
        found = by_type(node.removeType, obj)
        if found is not None:
            return found
    return None


def _rename(node: ast.RenameStmt) -> ObjectName | None:
    if node.renameType in MEMBER_TYPES:
        table = relation(node.relation)
        return in_table(table, MEMBER_TYPES[node.renameType], node.newname)
    if node.relation is not None:
        return relation(node.relation, RELATION_TYPES.get(node.renameType, "table"))
    found = by_type(node.renameType, node.object)
    if found is None or node.newname is None:
        return found
    return ObjectName(found.kind, found.schema, node.newname)


def _trigger(node: ast.CreateTrigStmt) -> ObjectName | None:
    return in_table(relation(node.relation), "trigger", node.trigname)


def _policy(node: ast.CreatePolicyStmt | ast.AlterPolicyStmt) -> ObjectName | None:
    return in_table(relation(node.table), "policy", node.policy_name)


def _rule(node: ast.RuleStmt) -> ObjectName | None:
    return in_table(relation(node.relation), "rule", node.rulename)


def _define(node: ast.DefineStmt) -> ObjectName | None:
    kinds: dict[ObjectType | None, str] = {
        ObjectType.OBJECT_AGGREGATE: "aggregate",
        ObjectType.OBJECT_OPERATOR: "operator",
        ObjectType.OBJECT_COLLATION: "collation",
        ObjectType.OBJECT_TSCONFIGURATION: "text search configuration",
        ObjectType.OBJECT_TSDICTIONARY: "text search dictionary",
    }
    return dotted(node.defnames, kinds.get(node.kind, "type"))


def _extension(node: ast.CreateExtensionStmt | ast.AlterExtensionStmt) -> ObjectName | None:
    return ObjectName("extension", None, node.extname) if node.extname else None


def _publication(node: ast.CreatePublicationStmt | ast.AlterPublicationStmt) -> ObjectName | None:
    return ObjectName("publication", None, node.pubname) if node.pubname else None


def _alter_seq(node: ast.AlterSeqStmt) -> ObjectName | None:
    return relation(node.sequence, "sequence")


def _statistics(node: ast.CreateStatsStmt | ast.AlterStatsStmt) -> ObjectName | None:
    return dotted(node.defnames, "statistics")


def _alter_type(node: ast.AlterEnumStmt | ast.AlterDomainStmt) -> ObjectName | None:
    names = node.typeName
    return dotted(names, "type")


def _alter_function(node: ast.AlterFunctionStmt) -> ObjectName | None:
    return function(node.func)


def _object_type(node: ast.AlterObjectSchemaStmt | ast.AlterOwnerStmt) -> ObjectName | None:
    if getattr(node, "relation", None) is not None:
        return relation(node.relation, RELATION_TYPES.get(node.objectType, "table"))
    return by_type(node.objectType, node.object)


_FINDERS: dict[str, Callable[[Any], ObjectName | None]] = {
    "CreateStmt": _create_table,
    "CreateForeignTableStmt": lambda n: relation(n.base.relation, "foreign table"),
    "AlterTableStmt": _alter_table,
    "IndexStmt": _index,
    "ViewStmt": lambda n: relation(n.view, "view"),
    "CreateTableAsStmt": lambda n: relation(n.into.rel if n.into else None, "materialized view"),
    "CreateSeqStmt": lambda n: relation(n.sequence, "sequence"),
    "AlterSeqStmt": _alter_seq,
    "CreateSchemaStmt": lambda n: ObjectName("schema", None, n.schemaname),
    "CreateFunctionStmt": lambda n: dotted(
        n.funcname, "procedure" if n.is_procedure else "function"
    ),
    "AlterFunctionStmt": _alter_function,
    "CreateEnumStmt": lambda n: dotted(n.typeName, "type"),
    "AlterEnumStmt": _alter_type,
    "CompositeTypeStmt": lambda n: relation(n.typevar, "type"),
    "CreateRangeStmt": lambda n: dotted(n.typeName, "type"),
    "CreateDomainStmt": lambda n: dotted(n.domainname, "type"),
    "AlterDomainStmt": _alter_type,
    "DefineStmt": _define,
    "CreateTrigStmt": _trigger,
    "CreatePolicyStmt": _policy,
    "AlterPolicyStmt": _policy,
    "RuleStmt": _rule,
    "CommentStmt": _comment,
    "SecLabelStmt": _comment,
    "GrantStmt": _grant,
    "DropStmt": _drop,
    "RenameStmt": _rename,
    "CreateExtensionStmt": _extension,
    "AlterExtensionStmt": _extension,
    "CreatePublicationStmt": _publication,
    "AlterPublicationStmt": _publication,
    "CreateStatsStmt": _statistics,
    "AlterStatsStmt": _statistics,
    "AlterObjectSchemaStmt": _object_type,
    "AlterOwnerStmt": _object_type,
    "CreateEventTrigStmt": lambda n: ObjectName("event trigger", None, n.trigname),
}


def removes(node: ast.Node) -> bool:
    """Whether ``node`` drops the object ``acted_on`` names (a table, column, constraint…)."""
    if isinstance(node, ast.DropStmt):
        return True
    if isinstance(node, ast.AlterTableStmt):
        return any(
            isinstance(cmd, ast.AlterTableCmd)
            and cmd.subtype in (AlterTableType.AT_DropColumn, AlterTableType.AT_DropConstraint)
            for cmd in node.cmds or ()
        )
    return False


def declared(node: ast.Node) -> list[tuple[ObjectName, int | None]]:
    """What a schema file statement declares, each with the byte offset that declares it.

    A CREATE TABLE declares its table and each column and constraint on the line that
    writes it; a constraint without a name under the name PostgreSQL gives it (its
    usual one, ``orders_total_check``), and a primary key or unique constraint its
    index too. Other statements declare the object they act on, at their start.
    """
    found: list[tuple[ObjectName, int | None]] = []
    primary = acted_on(node)
    if primary is not None:
        found.append((primary, None))
    table = None
    elements: list[ast.Node] = []
    if isinstance(node, ast.CreateStmt):
        table = relation(node.relation, "table")
        elements = list(node.tableElts or ())
    elif isinstance(node, ast.AlterTableStmt):
        table = relation(node.relation)
        elements = [
            c.def_
            for c in node.cmds or ()
            if isinstance(c, ast.AlterTableCmd) and isinstance(c.def_, ast.Node)
        ]
    if table is None:
        return found
    for element in elements:
        if isinstance(element, ast.ColumnDef):
            column = in_table(table, "column", element.colname)
            if column is not None:
                found.append((column, element.location))
            for constraint in element.constraints or ():
                if isinstance(constraint, ast.Constraint):
                    found += _constraint(table, constraint, element.colname)
        elif isinstance(element, ast.Constraint):
            found += _constraint(table, element, None)
    return found


# The suffix PostgreSQL gives a constraint it names itself, by constraint type.
_SUFFIXES: dict[ConstrType | None, str] = {
    ConstrType.CONSTR_PRIMARY: "pkey",
    ConstrType.CONSTR_UNIQUE: "key",
    ConstrType.CONSTR_CHECK: "check",
    ConstrType.CONSTR_FOREIGN: "fkey",
    ConstrType.CONSTR_EXCLUSION: "excl",
}


def _constraint(
    table: ObjectName, constraint: ast.Constraint, column: str | None
) -> list[tuple[ObjectName, int | None]]:
    name = constraint.conname or _default_name(table, constraint, column)
    if name is None:
        return []
    where = constraint.location
    found = [(ObjectName("constraint", table.schema, f"{table.name}.{name}"), where)]
    if constraint.contype in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE):
        found.append((ObjectName("index", table.schema, name), where))
    return found


def _default_name(table: ObjectName, constraint: ast.Constraint, column: str | None) -> str | None:
    """PostgreSQL's usual name for an unnamed constraint (before any clash or truncation)."""
    suffix = _SUFFIXES.get(constraint.contype)
    if suffix is None:
        return None
    if constraint.contype == ConstrType.CONSTR_PRIMARY:
        return f"{table.name}_{suffix}"
    columns = names_of(constraint.fk_attrs or constraint.keys) or ([column] if column else [])
    if not columns:
        return None
    name = "_".join([table.name, *columns, suffix])
    return name if len(name.encode()) <= 63 else None
