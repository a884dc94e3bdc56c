"""Statement order: definitions before what uses them, drops after what stops using them.

migra creates functions and types late and drops functions early, so a CHECK, default,
generated column, index predicate or domain calling a new function fails, and so does
dropping a function a column default still calls. canon reorders migra's statements:

1. schemas, extensions and collations migra creates first stay first, followed by
   canon's ``pre`` statements (enum additions, drops of what blocks a change);
2. new types and sequences, then drops of functions created again under the same name
   (with new arguments), then new or replaced functions, those a SQL-standard body
   calls first, then canon's ``early`` statements follow (function bodies are checked
   when called, not now, so their tables may come later; a domain's CHECK or a generated
   column may call one of the functions);
3. migra's other statements keep their order, but for a table created before the one
   it inherits from or is a partition of, which waits for it, and a column default or
   constraint calling a function created further on, which moves right after it;
4. canon's late statements (domain drops, sequence options, recasts of enum arrays…),
   then function, procedure and type drops, then schema drops end it.

A function whose arguments or result use the row type of a relation, a domain, or an
enum the plan recreates cannot move ahead of it, so it keeps its place; so does one whose
SQL-standard body reads a relation the plan creates or alters, and a type migra creates
in place of one it renamed away (its enum recreation).
"""

from __future__ import annotations

from collections.abc import Sequence

from pglast import ast
from pglast.enums import AlterTableType, ObjectType
from pglast.visitors import Visitor

from canon.pg import parsing

# Sent before hoisted SQL functions: their bodies may name tables created further on.
DEFER_BODY_CHECKS = "SET LOCAL check_function_bodies = off;"

FIRST = (ast.CreateSchemaStmt, ast.CreateExtensionStmt, ast.AlterExtensionStmt)
TYPE_CREATIONS = (ast.CreateEnumStmt, ast.CompositeTypeStmt, ast.CreateRangeStmt)
LATE_DROPS = {
    ObjectType.OBJECT_FUNCTION,
    ObjectType.OBJECT_PROCEDURE,
    ObjectType.OBJECT_TYPE,
    ObjectType.OBJECT_DOMAIN,
}


def arrange(
    migra: Sequence[str], pre: Sequence[str], early: Sequence[str], late: Sequence[str]
) -> list[str]:
    """migra's statements, with canon's ``pre``, ``early`` and ``late`` ones, in a runnable order."""
    parsed = [(sql, _node(sql)) for sql in migra]
    created = [*(n for _, n in parsed), *map(_node, early)]
    relations = {name for node in created if (name := _created_relation(node)) is not None}
    altered = {
        name
        for _, node in parsed
        if isinstance(node, ast.AlterTableStmt) and (name := parsing.table_of(node))
    }
    renamed = {name for _, node in parsed if (name := _renamed_type(node)) is not None}
    defined = {n for _, node in parsed if (n := _defined_name(node)) is not None}
    # A type both dropped (by migra, or by canon first) and created again keeps migra's
    # order: after the changes that made it go. A function dropped and created under one
    # name (new arguments) goes just before the creations: whatever used it was released
    # first, and two overloads side by side could make calls ambiguous.
    dropping = [*(node for _, node in parsed), *map(_node, pre)]
    recreated = {n for node in dropping for n in _dropped_names(node)} & defined
    first, types, replaced, functions, middle, drops, schema_drops = [], [], [], [], [], [], []
    for sql, node in parsed:
        if isinstance(node, FIRST) or _is_collation(node):
            first.append(sql)
        elif _is_function_drop(node) and set(_dropped_names(node)) & recreated:
            replaced.append(sql)
        elif (
            _defined_name(node) in recreated and not isinstance(node, ast.CreateFunctionStmt)
        ) or (set(_dropped_names(node)) & recreated):
            middle.append(sql)
        elif isinstance(node, TYPE_CREATIONS) and _type_name(node) not in renamed:
            types.append(sql)
        elif isinstance(node, ast.CreateSeqStmt):
            types.append(sql)  # a function body or a default may name it
        elif (
            isinstance(node, ast.CreateFunctionStmt)
            and not _uses_rowtypes(node, relations | renamed)
            and not _body_reads(node) & (relations | altered)
        ):
            functions.append(sql)
        elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_SCHEMA:
            schema_drops.append(sql)
        elif isinstance(node, ast.DropStmt) and node.removeType in LATE_DROPS:
            drops.append(sql)
        else:
            middle.append(sql)
    functions = _in_call_order(functions)
    middle = _parents_first(middle)
    defer = [DEFER_BODY_CHECKS] if any(_is_sql_function(_node(f)) for f in functions) else []
    middle = _after_their_row_types(middle, relations)
    middle = _after_functions_they_call(middle)
    return [
        *first,
        *pre,
        *types,
        *replaced,
        *defer,
        *functions,
        *early,
        *middle,
        *late,
        *drops,
        *schema_drops,
    ]


def _after_their_row_types(statements: list[str], relations: set[str]) -> list[str]:
    """Each function that takes or returns the row type of a relation created further on
    moves right after that relation: migra does not know a function needs it."""
    arranged = list(statements)
    for sql in statements:
        node = _node(sql)
        if not isinstance(node, ast.CreateFunctionStmt):
            continue
        used = _rowtypes(node) & relations
        created_at = [i for i, s in enumerate(arranged) if _created_relation(_node(s)) in used]
        if created_at and max(created_at) > arranged.index(sql):
            arranged.remove(sql)
            # Removing the function moved what followed it one place up.
            arranged.insert(max(created_at), sql)
    return arranged


# What may wait for a function created after it: nothing else in the plan uses these.
TABLE_PARTS = frozenset({AlterTableType.AT_ColumnDefault, AlterTableType.AT_AddConstraint})


def _after_functions_they_call(statements: list[str]) -> list[str]:
    """Each column default or constraint calling a function created further on (one kept in
    migra's order, since its body reads a table the plan alters) moves right after it."""
    arranged = list(statements)
    for sql in statements:
        node = _node(sql)
        if node is None or not _sets_table_parts_only(node):
            continue
        called = _called_names(node)
        created_at = [
            i
            for i, s in enumerate(arranged)
            if isinstance(n := _node(s), ast.CreateFunctionStmt)
            and _last_name(n.funcname) in called
        ]
        if created_at and max(created_at) > arranged.index(sql):
            arranged.remove(sql)
            arranged.insert(max(created_at), sql)
    return arranged


def _sets_table_parts_only(node: ast.Node | None) -> bool:
    return (
        isinstance(node, ast.AlterTableStmt)
        and bool(node.cmds)
        and all(
            isinstance(cmd, ast.AlterTableCmd) and cmd.subtype in TABLE_PARTS
            for cmd in node.cmds or ()
        )
    )


def _called_names(node: ast.Node) -> set[str]:
    """The names (unqualified) of the functions an expression calls: migra writes calls as
    the search path shows them, so only the last part can be compared."""
    found: set[str] = set()

    class Collect(Visitor):
        def visit_FuncCall(self, ancestors: object, call: ast.FuncCall) -> None:
            if (name := _last_name(call.funcname)) is not None:
                found.add(name)

    Collect()(node)
    return found


def _last_name(names: Sequence[ast.Node] | None) -> str | None:
    last = names[-1] if names else None
    return last.sval if isinstance(last, ast.String) else None


def _node(sql: str) -> ast.Node | None:
    nodes = parsing.parse(sql)
    return nodes[0] if len(nodes) == 1 else None


def _parents_first(statements: list[str]) -> list[str]:
    """Tables created after the tables they inherit from or are partitions of.

    migra creates new tables in name order, so a partition or child named before its
    parent comes first. Such a creation, and the statements on its table that follow it,
    wait until the parent has been created.
    """
    later = {name for sql in statements if (name := _created_relation(_node(sql)))}
    waiting: dict[str, list[str]] = {}  # parent -> what waits for it
    held: dict[str, str] = {}  # a waiting table -> the parent it waits for
    result: list[str] = []

    def emit(sql: str) -> None:
        result.append(sql)
        created = _created_relation(_node(sql))
        if created is not None:
            later.discard(created)
            for follower in waiting.pop(created, []):
                emit(follower)

    for sql in statements:
        node = _node(sql)
        table = _created_relation(node) or parsing.table_of(node) if node else None
        parent = held.get(table or "") or next(
            (p for p in _parents(node) if p in later and p != table), None
        )
        if parent is not None:
            if table is not None:
                held[table] = parent
            waiting.setdefault(parent, []).append(sql)
        else:
            emit(sql)
    return result + [sql for followers in waiting.values() for sql in followers]


def _parents(node: ast.Node | None) -> list[str]:
    """The tables a CREATE TABLE inherits from or is a partition of."""
    if not isinstance(node, ast.CreateStmt):
        return []
    return [
        name
        for parent in node.inhRelations or ()
        if isinstance(parent, ast.RangeVar) and (name := parsing.qualified(parent))
    ]


def _in_call_order(functions: list[str]) -> list[str]:
    """Function creations with those a body calls first: a SQL-standard body (``BEGIN
    ATOMIC`` or ``RETURN``) is parsed when created, so what it calls must exist.

    Calls are matched by name; in a cycle the creations keep their order.
    """
    by_name: dict[str, list[int]] = {}
    for index, sql in enumerate(functions):
        name = (_defined_name(_node(sql)) or "").rsplit(".", 1)[-1]
        by_name.setdefault(name, []).append(index)
    calls = [parsing.function_names(node) if (node := _node(sql)) else set() for sql in functions]
    ordered: list[str] = []
    placed: set[int] = set()

    def place(index: int, visiting: set[int]) -> None:
        if index in placed or index in visiting:
            return
        visiting.add(index)
        for name in sorted(calls[index]):
            for other in by_name.get(name, ()):
                place(other, visiting)
        placed.add(index)
        ordered.append(functions[index])

    for index in range(len(functions)):
        place(index, set())
    return ordered


def _is_function_drop(node: ast.Node | None) -> bool:
    return isinstance(node, ast.DropStmt) and node.removeType in (
        ObjectType.OBJECT_FUNCTION,
        ObjectType.OBJECT_PROCEDURE,
    )


def _is_collation(node: ast.Node | None) -> bool:
    return isinstance(node, ast.DefineStmt) and node.kind == ObjectType.OBJECT_COLLATION


def _is_sql_function(node: ast.Node | None) -> bool:
    if not isinstance(node, ast.CreateFunctionStmt):
        return False
    for option in node.options or ():
        if option.defname == "language" and getattr(option.arg, "sval", "") == "sql":
            return True
    return False


def _qualified(names: Sequence[ast.Node] | None) -> str | None:
    parts = [n.sval for n in names or () if isinstance(n, ast.String)]
    if not parts:
        return None
    return f"{parts[-2]}.{parts[-1]}" if len(parts) >= 2 else f"public.{parts[0]}"


def _type_name(
    node: ast.CreateEnumStmt | ast.CompositeTypeStmt | ast.CreateRangeStmt,
) -> str | None:
    if isinstance(node, ast.CompositeTypeStmt):
        return parsing.qualified(node.typevar)
    return _qualified(node.typeName)


def _defined_name(node: ast.Node | None) -> str | None:
    """The type or function a statement creates."""
    if isinstance(node, TYPE_CREATIONS):
        return _type_name(node)
    if isinstance(node, ast.CreateFunctionStmt):
        return _qualified(node.funcname)
    return None


def _dropped_names(node: ast.Node | None) -> list[str]:
    """The types or functions a DROP statement removes."""
    if not isinstance(node, ast.DropStmt) or node.removeType not in LATE_DROPS:
        return []
    names = []
    for obj in node.objects or ():
        name = _qualified(_name_parts(obj))
        if name is not None:
            names.append(name)
    return names


def _name_parts(obj: object) -> Sequence[ast.Node] | None:
    """A name list as the tree holds it: bare, or in a function's or a type's node."""
    if isinstance(obj, ast.ObjectWithArgs):
        return obj.objname
    if isinstance(obj, ast.TypeName):
        return obj.names
    if isinstance(obj, tuple):
        return obj
    return None


def _renamed_type(node: ast.Node | None) -> str | None:
    if isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TYPE:
        # The stubs type the object as a node; for a type it is the tuple of its name's parts.
        return _qualified(_name_parts(node.object))
    return None


def _created_relation(node: ast.Node | None) -> str | None:
    if isinstance(node, ast.CreateDomainStmt):
        return _qualified(node.domainname)
    rangevar = None
    if isinstance(node, ast.CreateStmt):
        rangevar = node.relation
    elif isinstance(node, ast.ViewStmt):
        rangevar = node.view
    elif isinstance(node, ast.CreateTableAsStmt):
        rangevar = parsing.created_table(node)
    if rangevar is None:
        return None
    return f"{rangevar.schemaname or 'public'}.{rangevar.relname}"


def _body_reads(node: ast.CreateFunctionStmt) -> set[str]:
    """The relations a SQL-standard body reads: PostgreSQL resolves them at creation, so
    such a function waits for the relations the plan creates or alters."""
    if node.sql_body is None:
        return set()
    found: set[str] = set()

    class Collect(Visitor):
        def visit_RangeVar(self, ancestors: object, rangevar: ast.RangeVar) -> None:
            if name := parsing.qualified(rangevar):
                found.add(name)

    Collect()(node.sql_body)
    return found


def _uses_rowtypes(node: ast.CreateFunctionStmt, relations: set[str]) -> bool:
    return bool(_rowtypes(node) & relations)


def _rowtypes(node: ast.CreateFunctionStmt) -> set[str]:
    """The types a function's arguments and result name (row types among them)."""
    types = [
        p.argType
        for p in node.parameters or ()
        if isinstance(p, ast.FunctionParameter) and p.argType is not None
    ]
    if node.returnType is not None:
        types.append(node.returnType)
    return {name for t in types if (name := _qualified(t.names)) is not None}
