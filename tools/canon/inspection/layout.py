"""Where an exported statement goes: its schema's folder, a topic file, beside its object.

Each statement joins the group of the object it belongs to: a table's constraints,
indexes, defaults, comments, grants, policies and rules go with the table, a function's
comment and grants with the function, a trigger's comment with the trigger. A group
lives in the topic file of the statement that creates its object. Statements about no
schema (publications, event triggers, casts, extensions without a schema) go to the
database file at the top of the folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pglast import ast
from pglast.enums import ObjectType

from canon.pg.objects import ObjectKey, ObjectName, acted_on, dotted, relation

# Topics in load order, and the file each is written to inside a schema's folder.
TOPIC_FILES = {
    "schema": "00_schema.sql",
    "types": "10_types.sql",
    "sequences": "20_sequences.sql",
    "tables": "30_tables.sql",
    "functions": "40_functions.sql",
    "views": "50_views.sql",
    "triggers": "60_triggers.sql",
    "other": "90_other.sql",
}
DATABASE_FILE = "database.sql"

CREATES_TOPIC = {
    "CreateSchemaStmt": "schema",
    "CreateExtensionStmt": "schema",
    "AlterDefaultPrivilegesStmt": "schema",
    "CreateEnumStmt": "types",
    "CompositeTypeStmt": "types",
    "CreateRangeStmt": "types",
    "CreateDomainStmt": "types",
    "CreateSeqStmt": "sequences",
    "CreateStmt": "tables",
    "CreateForeignTableStmt": "tables",
    "CreateFunctionStmt": "functions",
    "CreateOpClassStmt": "functions",
    "CreateOpFamilyStmt": "functions",
    "ViewStmt": "views",
    "CreateTableAsStmt": "views",
    "CreateTrigStmt": "triggers",
}
DEFINE_TOPIC: dict[ObjectType | None, str] = {
    ObjectType.OBJECT_AGGREGATE: "functions",
    ObjectType.OBJECT_OPERATOR: "functions",
}


@dataclass(frozen=True)
class Place:
    """The file a statement is written to, and the object whose group it joins."""

    schema: str | None  # None: the database file
    topic: str
    group: ObjectKey

    @property
    def path(self) -> str:
        if self.schema is None:
            return DATABASE_FILE
        return f"{self.schema}/{TOPIC_FILES[self.topic]}"


def place_all(nodes: Sequence[ast.Node]) -> list[Place]:
    """The place of every statement, in the order given."""
    homes: dict[ObjectKey, Place] = {}
    index_tables: dict[ObjectKey, ObjectKey] = {}
    for node in nodes:
        home = _home(node)
        if home is not None:
            homes.setdefault(home.group, home)
        if isinstance(node, ast.IndexStmt):
            index, table = acted_on(node), relation(node.relation)
            if index is not None and table is not None:
                index_tables[index.key] = table.key
    return [_place(node, homes, index_tables) for node in nodes]


def _home(node: ast.Node) -> Place | None:
    """Where the object ``node`` creates lives, when it creates one."""
    name = type(node).__name__
    topic = CREATES_TOPIC.get(name)
    if isinstance(node, ast.DefineStmt):
        topic = DEFINE_TOPIC.get(node.kind, "types")
    if topic is None:
        return None
    if isinstance(node, ast.CreateExtensionStmt):
        schema = _option(node.options, "schema")
        target = acted_on(node)
        return Place(schema, topic, target.key) if target else None
    if isinstance(node, ast.AlterDefaultPrivilegesStmt):
        schema = _option(node.options, "schemas")
        return Place(schema, topic, ("default privileges", schema, ""))
    target = acted_on(node)
    if target is None:
        return None
    if target.kind == "schema":
        return Place(target.name, topic, target.key)
    return Place(target.schema, topic, target.key)


def _option(options: tuple[ast.Node, ...] | None, name: str) -> str | None:
    for option in options or ():
        if isinstance(option, ast.DefElem) and option.defname == name:
            value = option.arg
            if isinstance(value, (tuple, list)):
                value = value[0] if value else None
            return value.sval if isinstance(value, ast.String) else None
    return None


def _place(
    node: ast.Node, homes: dict[ObjectKey, Place], index_tables: dict[ObjectKey, ObjectKey]
) -> Place:
    home = _home(node)
    if home is not None:
        return homes[home.group]
    owner = _owner(node, index_tables)
    if owner is None:
        return Place(None, "other", ("statement", None, ""))
    found = homes.get(owner.key)
    if found is not None:
        return found
    return Place(owner.schema, "other", owner.key)


def _owner(node: ast.Node, index_tables: dict[ObjectKey, ObjectKey]) -> ObjectName | None:
    """The object whose group ``node`` joins."""
    if isinstance(node, ast.AlterSeqStmt):
        owned_by = _owned_by(node)
        if owned_by is not None:
            return owned_by
    if isinstance(node, ast.CreateStatsStmt):
        for rel in node.relations or ():
            if isinstance(rel, ast.RangeVar):
                return relation(rel)
    target = acted_on(node)
    if target is None:
        return None
    if target.kind == "trigger":  # a trigger's comment and ENABLE/DISABLE go with it
        return target
    if target.parent is not None:
        return target.parent
    if target.kind == "index":
        table = index_tables.get(target.key)
        if table is not None:
            return ObjectName(*table)
    return target


def _owned_by(node: ast.AlterSeqStmt) -> ObjectName | None:
    for option in node.options or ():
        if isinstance(option, ast.DefElem) and option.defname == "owned_by":
            names = option.arg if isinstance(option.arg, (tuple, list)) else ()
            if len(names) >= 2:
                return dotted(names[:-1], "table")
    return None
