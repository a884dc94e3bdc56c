"""Keys between steps: no plan leaves a table without the keys of either the old or the new files.

The rule: after every prefix of committed steps, every table that still exists has all
the keys (primary key, unique constraints and indexes, exclusion constraints) of live as
it was, or all those of the files. Inside one transactional step it holds by itself; it
is at risk where a concurrent index build or drop splits a change into several steps.
The engine drops old keys first and builds new ones later, so canon arranges its
statements once they are lock-safe:

1. A table the plan drops goes in one ``DROP TABLE``, which takes its indexes and
   constraints with it: dropping those first (in steps of their own) is left out.
2. An index already gone with the constraint it backed is not dropped a second time.
3. A table the plan creates gets its keys in the step that creates it.
4. On a table that stays, old keys are dropped only once every new key is built: the
   drops move to the transaction that attaches the new keys (or, with none to attach,
   right after the last concurrent build), together with what needs the old key gone (a
   drop of a column it uses, ``DROP NOT NULL`` on a column of the old primary key). A
   concurrent build whose name an old key still holds builds under a temporary name
   (``<name>_ccnew``, as ``REINDEX CONCURRENTLY`` does) and takes the name once the old
   key is gone.

``tests/keys.py`` checks the rule on every scenario of ``tests/cases``, replaying each
apply step by step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType
from pglast.stream import RawStream

from canon.pg import parsing, quoting
from canon.pg.db import Connection, query
from canon.pg.parsing import parse, qualified
from canon.plan.steps import group, kind_of

TEMPORARY_SUFFIX = "_ccnew"
MAX_IDENTIFIER = 63  # bytes

# Every index of a table, with whether it is a key and, if so, what it backs and uses.
INDEXES_QUERY = query(
    """
    SELECT n.nspname || '.' || t.relname, n.nspname || '.' || ic.relname,
           i.indisunique OR co.contype = 'x', i.indisprimary, co.conname,
           (SELECT array_agg(a.attname::text) FROM pg_attribute a
            WHERE a.attrelid = t.oid AND a.attnum = ANY(i.indkey))
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_constraint co ON co.conindid = i.indexrelid AND co.conrelid = t.oid
                               AND co.contype IN ('p', 'u', 'x')
    WHERE t.relkind IN ('r', 'p', 'm')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)


@dataclass(frozen=True)
class Key:
    table: str  # schema.table, unquoted as the catalog spells it
    index: str  # schema.index
    constraint: str | None  # the constraint it backs, if any
    columns: frozenset[str]
    primary: bool


@dataclass(frozen=True)
class LiveKeys:
    by_index: dict[str, Key]
    by_constraint: dict[str, Key]  # schema.table.constraint
    tables: dict[str, str]  # every index of live (schema.index) -> its table (schema.table)
    columns: dict[str, frozenset[str]]  # schema.table -> the columns its keys use
    primary: dict[str, frozenset[str]]  # schema.table -> the columns of its primary key
    # Indexes (schema.index) the plan drops and builds again in one transaction, because
    # what they use is recreated: the table never lacks them between steps.
    rebuilt: frozenset[str] = frozenset()


def live_keys(live: Connection) -> LiveKeys:
    """Every key of live, by index and by constraint, and the table of every index."""
    rows = live.execute(INDEXES_QUERY).fetchall()
    found = [
        Key(table, index, constraint, frozenset(columns or ()), primary)
        for table, index, is_key, primary, constraint, columns in rows
        if is_key
    ]
    columns: dict[str, set[str]] = {}
    for key in found:
        columns.setdefault(key.table, set()).update(key.columns)
    return LiveKeys(
        {k.index: k for k in found},
        {f"{k.table}.{k.constraint}": k for k in found if k.constraint},
        {index: table for table, index, *_ in rows},
        {table: frozenset(used) for table, used in columns.items()},
        {k.table: k.columns for k in found if k.primary},
    )


def keep_keys(
    statements: Sequence[str], live: LiveKeys, rebuilt: Iterable[Sequence[str]] = ()
) -> list[str]:
    """``statements`` arranged so that no step boundary finds a table without its keys.

    ``rebuilt`` names (as schema and index) the indexes the plan recreates: their drop
    must come before what forces it, so they are left where they are.
    """
    live = replace(live, rebuilt=frozenset(".".join(path) for path in rebuilt))
    result = _drop_tables_whole(list(statements), live)
    result = _skip_indexes_gone(result, live)
    result = _keys_with_new_tables(result)
    for table in _tables_rekeyed(result, live):
        result = _build_before_dropping(result, table, live)
    return result


# -- 1. and 2.: statements a later one makes needless --------------------------------------


def _drop_tables_whole(statements: list[str], live: LiveKeys) -> list[str]:
    dropped = {t for sql in statements for t in _tables_dropped(sql)}
    if not dropped:
        return statements
    kept = []
    for sql in statements:
        node = _only(sql)
        if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
            if all(live.tables.get(_name(obj)) in dropped for obj in node.objects or ()):
                continue
        if isinstance(node, ast.AlterTableStmt) and qualified(node.relation) in dropped:
            if _drops_keys_only(node, live):
                continue
        kept.append(sql)
    return kept


def _drops_keys_only(node: ast.AlterTableStmt, live: LiveKeys) -> bool:
    table = qualified(node.relation)
    cmds = node.cmds or ()
    return bool(cmds) and all(
        isinstance(cmd, ast.AlterTableCmd)
        and cmd.subtype == AlterTableType.AT_DropConstraint
        and f"{table}.{cmd.name}" in live.by_constraint
        for cmd in cmds
    )


def _skip_indexes_gone(statements: list[str], live: LiveKeys) -> list[str]:
    gone: set[str] = set()
    kept = []
    for sql in statements:
        node = _only(sql)
        if isinstance(node, ast.AlterTableStmt):
            table = qualified(node.relation)
            for cmd in node.cmds or ():
                if (
                    isinstance(cmd, ast.AlterTableCmd)
                    and cmd.subtype == AlterTableType.AT_DropConstraint
                ):
                    key = live.by_constraint.get(f"{table}.{cmd.name}")
                    if key is not None:
                        gone.add(key.index)
        if (
            isinstance(node, ast.DropStmt)
            and node.removeType == ObjectType.OBJECT_INDEX
            and node.missing_ok
            and node.objects
            and all(_name(obj) in gone for obj in node.objects)
        ):
            continue
        kept.append(sql)
    return kept


# -- 3.: a new table has its keys from its first step ---------------------------------------


def _keys_with_new_tables(statements: list[str]) -> list[str]:
    """Move the key statements of each table the plan creates to just after its CREATE TABLE.

    Partitioned tables and partitions are left as the engine orders them: their keys are
    built on the parent once the partitions exist.
    """
    created = {}
    for i, sql in enumerate(statements):
        node = _only(sql)
        if isinstance(node, ast.CreateStmt) and not node.partspec and not node.partbound:
            created[qualified(node.relation)] = i
    following: dict[int, list[int]] = {}
    for i, sql in enumerate(statements):
        table = _key_of_new_table(sql)
        if table in created and created[table] < i:
            following.setdefault(created[table], []).append(i)
    if not following:
        return statements
    moved = {i for group in following.values() for i in group}
    result = []
    for i, sql in enumerate(statements):
        if i in moved:
            continue
        result.append(sql)
        result.extend(statements[j] for j in following.get(i, ()))
    return result


def _key_of_new_table(sql: str) -> str | None:
    """The table a statement builds a key of, if that is all it does (unique index, key constraint)."""
    node = _only(sql)
    if isinstance(node, ast.IndexStmt) and node.unique and not node.concurrent:
        return qualified(node.relation)
    if (
        isinstance(node, ast.AlterTableStmt)
        and node.cmds
        and all(
            isinstance(cmd, ast.AlterTableCmd)
            and cmd.subtype == AlterTableType.AT_AddConstraint
            and _is_key(cmd.def_)
            for cmd in node.cmds
        )
    ):
        return qualified(node.relation)
    return None


# -- 4.: new keys built before old ones go ------------------------------------------------


@dataclass(frozen=True)
class _Role:
    """What one statement does to the keys of one table."""

    drop: Key | None = None  # drops this live key (its constraint or its index)
    build: str | None = None  # builds a unique index of this name (schema.index)
    concurrent: bool = False
    attach: str | None = None  # attaches a key constraint (USING INDEX this index, if any)
    # Can only run once an old key is gone: drops a column it uses, or lets a column of
    # the primary key hold NULLs.
    needs_key_gone: bool = False


def _role(sql: str, table: str, live: LiveKeys) -> _Role | None:
    found = _role_of(sql, live)
    return found[1] if found and found[0] == table else None


def _role_of(sql: str, live: LiveKeys) -> tuple[str, _Role] | None:
    """The table whose keys a statement touches, and how."""
    node = _only(sql)
    if isinstance(node, ast.IndexStmt) and node.unique and node.idxname:
        table = qualified(node.relation)
        if table is None:
            return None
        name = f"{table.split('.')[0]}.{node.idxname}"
        if name in live.rebuilt:
            return None
        return table, _Role(build=name, concurrent=bool(node.concurrent))
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
        names = [_name(obj) for obj in node.objects or ()]
        keys = [None if name in live.rebuilt else live.by_index.get(name) for name in names]
        if len(keys) == 1 and keys[0] is not None:
            return keys[0].table, _Role(drop=keys[0])
        return None
    if isinstance(node, ast.AlterTableStmt) and (table := qualified(node.relation)):
        role = _alter_role(node, table, live)
        return (table, role) if role is not None else None
    return None


def _alter_role(node: ast.AlterTableStmt, table: str, live: LiveKeys) -> _Role | None:
    role = _Role()
    old_columns = live.columns.get(table, frozenset())
    for cmd in node.cmds or ():
        if not isinstance(cmd, ast.AlterTableCmd):
            continue
        if cmd.subtype == AlterTableType.AT_DropConstraint:
            key = live.by_constraint.get(f"{table}.{cmd.name}")
            if key is not None:
                role = _Role(drop=key, attach=role.attach)
        elif cmd.subtype == AlterTableType.AT_AddConstraint and _is_key(cmd.def_):
            assert isinstance(cmd.def_, ast.Constraint)
            schema = table.split(".")[0]
            using = f"{schema}.{cmd.def_.indexname}" if cmd.def_.indexname else ""
            role = _Role(drop=role.drop, attach=using)
        elif (cmd.subtype == AlterTableType.AT_DropColumn and cmd.name in old_columns) or (
            cmd.subtype == AlterTableType.AT_DropNotNull
            and cmd.name in live.primary.get(table, frozenset())
        ):
            role = _Role(drop=role.drop, attach=role.attach, needs_key_gone=True)
    return role if role != _Role() else None


def _is_key(constraint: object) -> bool:
    return isinstance(constraint, ast.Constraint) and constraint.contype in (
        ConstrType.CONSTR_PRIMARY,
        ConstrType.CONSTR_UNIQUE,
        ConstrType.CONSTR_EXCLUSION,
    )


def _tables_rekeyed(statements: list[str], live: LiveKeys) -> list[str]:
    """Tables of live the plan keeps, and whose keys it both drops and adds."""
    dropping, adding, dropped = set(), set(), set()
    for sql in statements:
        dropped.update(_tables_dropped(sql))
        found = _role_of(sql, live)
        if found is None:
            continue
        table, role = found
        if role.drop or role.needs_key_gone:
            dropping.add(table)
        if role.build or role.attach is not None:
            adding.add(table)
    return sorted((dropping & adding) - dropped)


def _build_before_dropping(statements: list[str], table: str, live: LiveKeys) -> list[str]:
    roles = [_role(sql, table, live) for sql in statements]
    drops = [i for i, r in enumerate(roles) if r and (r.drop or r.needs_key_gone)]
    adds = [i for i, r in enumerate(roles) if r and (r.build or r.attach is not None)]
    if not drops or not adds or not _split_apart(statements, adds, drops):
        return statements
    created = parsing.tables_created(statements)
    outside = {i for i in range(len(statements)) if kind_of(statements[i], created) == "outside"}
    builds = [i for i in adds if i in outside]  # concurrent builds stay where they are
    late_adds = [i for i in adds if i not in outside and i > drops[0]]
    at = max([b + 1 for b in builds] + [a + 1 for a in late_adds])
    moving = [i for i in sorted({*drops, *late_adds}) if i < at]
    # A build named as a key still to be dropped builds under a temporary name.
    held = {r.drop.index for i in moving if (r := roles[i]) is not None and r.drop is not None}
    temporary = {
        r.build: _temporary(r.build)
        for i in builds
        if (r := roles[i]) is not None and r.build is not None and r.build in held
    }
    rewritten = [
        _with_temporary_names(sql, roles[i], temporary) for i, sql in enumerate(statements)
    ]
    attached = {r.attach for r in roles if r and r.attach}
    renames = [
        f"ALTER INDEX {_quoted(new)} RENAME TO {_ident(old)}"
        for old, new in temporary.items()
        if old not in attached
    ]
    in_transaction = [rewritten[i] for i in moving if i not in outside]
    concurrent_drops = [rewritten[i] for i in moving if i in outside]
    kept = [sql for i, sql in enumerate(rewritten[:at]) if i not in moving]
    # A name freed by a concurrent drop is free only once that drop's step is done.
    return [*kept, *in_transaction, *concurrent_drops, *renames, *rewritten[at:]]


def _split_apart(statements: list[str], adds: list[int], drops: list[int]) -> bool:
    """Whether some key is added in a later step than some key is dropped."""
    step_of = _step_numbers(statements)
    return max(step_of[i] for i in adds) > min(step_of[i] for i in drops)


def _step_numbers(statements: list[str]) -> list[int]:
    numbers = []
    for number, step in enumerate(group(statements), 1):
        numbers += [number] * len(step.statements)
    return numbers


def _with_temporary_names(sql: str, role: _Role | None, temporary: dict[str, str]) -> str:
    if role is None:
        return sql
    if role.build in temporary:
        node = parsing.fresh(sql)[0]
        assert isinstance(node, ast.IndexStmt)
        node.idxname = temporary[role.build].split(".", 1)[1]
        return str(RawStream()(node))
    if role.attach in temporary:
        node = parsing.fresh(sql)[0]
        assert isinstance(node, ast.AlterTableStmt)
        for cmd in node.cmds or ():
            if isinstance(cmd, ast.AlterTableCmd) and _is_key(cmd.def_):
                assert isinstance(cmd.def_, ast.Constraint)
                if cmd.def_.indexname:
                    cmd.def_.indexname = temporary[role.attach].split(".", 1)[1]
        return str(RawStream()(node))
    return sql


def _temporary(name: str) -> str:
    """``schema.index`` with the index renamed ``<index>_ccnew``, within 63 bytes."""
    schema, index = name.split(".", 1)
    room = MAX_IDENTIFIER - len(TEMPORARY_SUFFIX)
    short = index.encode()[:room].decode(errors="ignore")
    return f"{schema}.{short}{TEMPORARY_SUFFIX}"


def _quoted(name: str) -> str:
    schema, index = name.split(".", 1)
    return quoting.qualified(schema, index)


def _ident(name: str) -> str:
    return quoting.ident(name.split(".", 1)[1])


# -- shared ------------------------------------------------------------------------------


def _only(sql: str) -> ast.Node | None:
    nodes = parse(sql)
    return nodes[0] if len(nodes) == 1 else None


def _name(obj: object) -> str:
    """``schema.name`` of an object in a DROP statement, ``public`` when unqualified."""
    parts = [s.sval for s in obj] if isinstance(obj, (list, tuple)) else []
    if not parts:
        return ""
    return f"{parts[-2]}.{parts[-1]}" if len(parts) > 1 else f"public.{parts[0]}"


def _tables_dropped(sql: str) -> list[str]:
    node = _only(sql)
    if not isinstance(node, ast.DropStmt) or node.removeType != ObjectType.OBJECT_TABLE:
        return []
    return [_name(obj) for obj in node.objects or ()]
