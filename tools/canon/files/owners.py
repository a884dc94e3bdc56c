"""Owners the files declare: ``ALTER … OWNER TO`` and ``CREATE SCHEMA … AUTHORIZATION``.

canon compares an object's owner only where the files declare one (or ``[owners]
default`` in canon.toml names a role for every object). Which objects the declarations
name is settled in the database built from the files, where names resolve as they did
when the statement ran; here each statement says what it names, read from its tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from canon.pg.quoting import ident

Node = dict[str, Any]

# ALTER … OWNER TO object types, as pg_get_object_address names them.
ADDRESS_TYPES = {
    "OBJECT_SCHEMA": "schema",
    "OBJECT_FUNCTION": "function",
    "OBJECT_PROCEDURE": "procedure",
    "OBJECT_ROUTINE": "routine",
    "OBJECT_TYPE": "type",
    "OBJECT_DOMAIN": "domain",
    "OBJECT_COLLATION": "collation",
    "OBJECT_STATISTIC_EXT": "statistics object",
}


@dataclass(frozen=True)
class OwnerDeclaration:
    """An object a statement gives an owner, named as the statement names it.

    ``kind`` is ``relation`` (found with to_regclass), ``routine by name`` (a function
    named without its arguments, found with to_regproc), or an object type for
    pg_get_object_address, which takes ``names`` and ``args``.
    """

    kind: str
    names: tuple[str, ...]
    args: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return ".".join(ident(name) for name in self.names)


def declarations(kind: str, node: Node) -> tuple[OwnerDeclaration, ...]:
    """The objects a statement of the files gives an owner."""
    return tuple(_declared(kind, node))


def _declared(kind: str, node: Node) -> Iterator[OwnerDeclaration]:
    if kind == "AlterTableStmt":
        commands = [c.get("AlterTableCmd", {}) for c in node.get("cmds") or ()]
        if any(c.get("subtype") == "AT_ChangeOwner" for c in commands):
            relation = node.get("relation") or {}
            yield OwnerDeclaration("relation", _relation_names(relation))
    elif kind == "AlterOwnerStmt" and node.get("objectType") in ADDRESS_TYPES:
        yield _owner_statement(ADDRESS_TYPES[node["objectType"]], node.get("object") or {})
    elif kind == "CreateSchemaStmt" and node.get("authrole"):
        name = node.get("schemaname") or node["authrole"].get("rolename")
        if name:
            yield OwnerDeclaration("schema", (name,))


def _relation_names(relation: Node) -> tuple[str, ...]:
    parts = (relation.get("schemaname"), relation.get("relname"))
    return tuple(part for part in parts if part)


def _owner_statement(address_type: str, obj: Node) -> OwnerDeclaration:
    if "String" in obj:
        return OwnerDeclaration(address_type, (obj["String"]["sval"],))
    if "List" in obj:
        return OwnerDeclaration(address_type, _strings(obj["List"].get("items")))
    routine = obj.get("ObjectWithArgs", {})
    names = _strings(routine.get("objname"))
    if routine.get("args_unspecified"):
        return OwnerDeclaration("routine by name", names)
    args = tuple(_type_text(arg.get("TypeName", {})) for arg in routine.get("objargs") or ())
    return OwnerDeclaration(address_type, names, args)


def _strings(items: list[Node] | None) -> tuple[str, ...]:
    return tuple(item["String"]["sval"] for item in items or () if "String" in item)


def _type_text(type_name: Node) -> str:
    """A type as pg_get_object_address reads it: its dotted name, ``[]`` per dimension."""
    dotted = ".".join(ident(part) for part in _strings(type_name.get("names")))
    return dotted + "[]" * len(type_name.get("arrayBounds") or ())
