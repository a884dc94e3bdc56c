"""Renames: ``-- canon: renamed from old_name`` hints that keep data instead of drop + add.

A hint goes at the end of the line that declares the new name: a column or a table
constraint in CREATE TABLE, the table name line of CREATE TABLE, a CREATE INDEX, the
name line of CREATE TYPE … AS ENUM (renaming the type), or a line of one of its labels.
The old name is written as in SQL (``Name`` reads as ``name``, ``"Name"`` keeps its case;
a table's may carry its schema); an enum label is taken as written, quoted or not
(``'Sold Out'``, ``Active``).
While the old name exists in the live database and the new one does not, the plan starts
with the rename; once applied, the hint is harmless. A hint that names something the
live database has under neither name is reported, since it no longer does anything.

A table renamed by a hint takes along the constraints, indexes and sequences whose names
PostgreSQL derived from its old name (``persons_pkey`` becomes ``people_pkey`` when the
files have that name), so its keys are renamed, never dropped and built again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pglast import ast
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from canon.diff import compare
from canon.errors import SourceError, Warn
from canon.files.sources import SchemaSource, Statement
from canon.inspection.prefetch import Prefetched
from canon.pg import db, parsing
from canon.pg.db import Connection, query
from canon.pg.dburl import DatabaseUrl
from canon.pg.quoting import ident, literal
from canon.scratch.livecopy import copy_of_live

HINT_MARK = re.compile(r"--\s*canon:\s*renamed\s+from")
HINT = re.compile(r"--\s*canon:\s*renamed\s+from\b\s*(?P<old>.*?)\s*$")
_PART = r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*'
OLD_NAME = re.compile(rf"(?P<label>'(?:[^']|'')*')|(?P<dotted>(?:{_PART})(?:\s*\.\s*(?:{_PART}))?)")


@dataclass(frozen=True)
class OldName:
    """The old name a hint gives, as written."""

    text: str
    path: str
    line: int

    def refuse(self, why: str) -> SourceError:
        return SourceError(self.path, self.line, f"rename hint {self.text!r}: {why}")

    @property
    def parts(self) -> tuple[str, ...]:
        found = OLD_NAME.fullmatch(self.text)
        if found is None or found.group("label"):
            raise self.refuse('write the old name as in SQL: name, "Name" or schema.name')
        return tuple(_unquote(p) for p in re.findall(_PART, found.group("dotted")))

    def name_in(self, schema: str | None) -> str:
        """The old name of an object in ``schema``; a hint does not move objects between schemas."""
        *qualifier, name = self.parts
        if qualifier and qualifier[0] != (schema or "public"):
            raise self.refuse(
                "a hint renames within a schema; move it with ALTER … SET SCHEMA, then plan again"
            )
        return name

    @property
    def label(self) -> str:
        """An enum label: as written, quotes taken off."""
        if self.text.startswith("'") and self.text.endswith("'") and len(self.text) > 1:
            return self.text[1:-1].replace("''", "'")
        if self.text.startswith('"'):
            return _unquote(self.text)
        return self.text


@dataclass(frozen=True)
class Rename:
    kind: str  # table, column, constraint, index, sequence, type, enum value
    schema: str
    parent: str | None  # the table (column, constraint) or enum type (value)
    old: str
    new: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def find_hints(source: SchemaSource) -> list[Rename]:
    """Every rename hint in the schema files, tied to what its line declares."""
    # Most projects have no hint at all: only files that mention one are looked into.
    hinted = {f.display: f.text.split("\n") for f in source.files if HINT_MARK.search(f.text)}
    hints = []
    for statement in source.statements:
        file_lines = hinted.get(statement.path)
        if file_lines is None:
            continue
        for offset, line_text in enumerate(_lines_with_trailer(statement, file_lines)):
            found = HINT.search(line_text)
            if found:
                line = statement.line + offset
                old = OldName(found.group("old"), statement.path, line)
                rename = _declared_on(statement, line, line_text, old)
                if rename is not None:
                    hints.append(rename)
    return hints


def _lines_with_trailer(statement: Statement, file_lines: list[str]) -> list[str]:
    """The statement's lines, the last one as written in the file (with its comment)."""
    lines = statement.sql.split("\n")
    last = statement.line + len(lines) - 2
    if 0 <= last < len(file_lines):
        lines[-1] = file_lines[last]
    return lines


def _unquote(name: str) -> str:
    """An identifier as the catalogs spell it: quoted ones as written, others in lower case."""
    if name.startswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def _declared_on(statement: Statement, line: int, line_text: str, old: OldName) -> Rename | None:
    nodes = parsing.parse(statement.sql)
    if not nodes:
        return None
    node = nodes[0]

    def on_line(location: int | None) -> bool:
        return location is not None and statement.line_of(location + 1) == line

    def make(kind: str, schema: str | None, parent: str | None, was: str, new: str) -> Rename:
        return Rename(kind, schema or "public", parent, was, new, statement.path, line)

    if isinstance(node, ast.CreateStmt):
        rel = node.relation
        # CREATE TABLE always names its table, and each column it defines.
        assert rel is not None and rel.relname is not None
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef) and on_line(element.location):
                assert element.colname is not None
                return make(
                    "column", rel.schemaname, rel.relname, old.name_in(None), element.colname
                )
            if (
                isinstance(element, ast.Constraint)
                and on_line(element.location)
                and element.conname
            ):
                was = old.name_in(None)
                return make("constraint", rel.schemaname, rel.relname, was, element.conname)
        if on_line(rel.location):
            return make("table", rel.schemaname, None, old.name_in(rel.schemaname), rel.relname)
    if isinstance(node, ast.IndexStmt) and node.idxname:
        # CREATE INDEX always names its table (ON ...).
        assert node.relation is not None
        schema = node.relation.schemaname
        return make("index", schema, None, old.name_in(schema), node.idxname)
    if isinstance(node, ast.CreateEnumStmt):
        return _enum_hint(node, line_text, statement.line == line, old, make)
    return None


def _enum_hint(
    node: ast.CreateEnumStmt,
    line_text: str,
    first_line: bool,
    old: OldName,
    make: Callable[[str, str | None, str | None, str, str], Rename],
) -> Rename:
    """A hint on an enum: the type's, on the line naming it; else that of the label on its line."""
    *qualifier, name = [n.sval for n in node.typeName or ()]
    schema = qualifier[0] if qualifier else None
    labels = [
        v.sval for v in node.vals or () if f"'{v.sval.replace(chr(39), chr(39) * 2)}'" in line_text
    ]
    if first_line:
        return make("type", schema, None, old.name_in(schema), name)
    if len(labels) == 1:
        return make("enum value", schema, name, old.label, labels[0])
    raise old.refuse("a hint for a label goes at the end of a line holding that label alone")


def rename_sql(r: Rename) -> str:
    schema = ident(r.schema)
    if r.kind == "sequence":
        return f"ALTER SEQUENCE {schema}.{ident(r.old)} RENAME TO {ident(r.new)};"
    if r.kind == "type":
        return f"ALTER TYPE {schema}.{ident(r.old)} RENAME TO {ident(r.new)};"
    if r.kind == "table":
        return f"ALTER TABLE {schema}.{ident(r.old)} RENAME TO {ident(r.new)};"
    if r.kind == "column":
        return f"ALTER TABLE {schema}.{ident(r.parent or '')} RENAME COLUMN {ident(r.old)} TO {ident(r.new)};"
    if r.kind == "constraint":
        return (
            f"ALTER TABLE {schema}.{ident(r.parent or '')} "
            f"RENAME CONSTRAINT {ident(r.old)} TO {ident(r.new)};"
        )
    if r.kind == "index":
        return f"ALTER INDEX {schema}.{ident(r.old)} RENAME TO {ident(r.new)};"
    return (
        f"ALTER TYPE {schema}.{ident(r.parent or '')} "
        f"RENAME VALUE {literal(r.old)} TO {literal(r.new)};"
    )


# Whether a name exists in the live database, per kind of object.
EXISTS = {
    "table": "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relname = :name AND c.relkind IN ('r', 'p')",
    "index": "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relname = :name AND c.relkind IN ('i', 'I')",
    "column": "SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema "
    "AND c.relname = :parent AND a.attname = :name AND a.attnum > 0 AND NOT a.attisdropped",
    "constraint": "SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema "
    "AND c.relname = :parent AND k.conname = :name",
    "type": "SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE n.nspname = :schema AND t.typname = :name",
    "enum value": "SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
    "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = :schema "
    "AND t.typname = :parent AND e.enumlabel = :name",
}


def _exists(live: Connection, kind: str, schema: str, parent: str | None, name: str) -> bool:
    params = {"schema": schema, "parent": parent, "name": name}
    return live.execute(query(EXISTS[kind]), params).fetchone() is not None


# What is named after a table: its constraints, the indexes no constraint owns, and the
# sequences its columns own (serial and identity).
NAMED_AFTER = query(
    """
    SELECT 'constraint', conname FROM pg_constraint WHERE conrelid = to_regclass(:table)
    UNION ALL
    SELECT 'index', c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = to_regclass(:table)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                      AND k.conrelid = i.indrelid)
    UNION ALL
    SELECT 'sequence', s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.refobjid = to_regclass(:table) AND d.deptype IN ('a', 'i') AND s.relkind = 'S'
    """
)


def taken_along(renames: Sequence[Rename], live: Connection, target: Connection) -> list[Rename]:
    """The renames a table's renaming implies for what is named after it.

    A name ``<old table>_rest`` live has and the files lack becomes ``<new table>_rest``
    where the files have that and live does not.
    """
    found = []
    hinted = {(r.kind, r.schema, r.old) for r in renames}
    for table in (r for r in renames if r.kind == "table"):
        have = _named_after(live, table.schema, table.old)
        want = _named_after(target, table.schema, table.new)
        for kind, name in sorted(have - want):
            if not name.startswith(f"{table.old}_") or (kind, table.schema, name) in hinted:
                continue
            new = table.new + name[len(table.old) :]
            if (kind, new) in want and (kind, new) not in have:
                found.append(
                    Rename(kind, table.schema, table.new, name, new, table.path, table.line)
                )
    return found


def _named_after(conn: Connection, schema: str, table: str) -> set[tuple[str, str]]:
    rows = conn.execute(NAMED_AFTER, {"table": f"{ident(schema)}.{ident(table)}"})
    return {(str(kind), str(name)) for kind, name in rows}


@dataclass(frozen=True)
class RenamePlan:
    renames: tuple[Rename, ...]  # still to do on the live database, in order
    unused: tuple[Rename, ...]  # hints naming something that exists under neither name


def pending(hints: Sequence[Rename], live: Connection) -> RenamePlan:
    """The hinted renames the live database still needs, tables first."""
    table_renames = {(h.schema, h.new): h.old for h in hints if h.kind == "table"}
    todo: list[Rename] = []
    unused: list[Rename] = []
    for hint in sorted(hints, key=lambda h: h.kind != "table"):
        # Looked up under the table's live name; the SQL uses its new name, since table
        # renames run first.
        parent = hint.parent
        if hint.kind in ("column", "constraint") and parent is not None:
            if (hint.schema, parent) in table_renames and not _exists(
                live, "table", hint.schema, None, parent
            ):
                parent = table_renames[(hint.schema, parent)]
        has_old = _exists(live, hint.kind, hint.schema, parent, hint.old)
        has_new = _exists(live, hint.kind, hint.schema, parent, hint.new)
        if has_old and not has_new:
            todo.append(hint)
        elif not has_old and not has_new:
            unused.append(hint)
    return RenamePlan(tuple(todo), tuple(unused))


def changes_with_renames(
    live_url: DatabaseUrl,
    target_conn: Connection,
    renames: Sequence[Rename],
    warn: Warn,
    prefetched: Prefetched,
) -> compare.Diff:
    """The renames, then what else turns live into the target once they have run.

    The renames run on a copy of the live schema, never on live itself, so planning
    takes no lock on the live database.
    """
    statements = [rename_sql(r) for r in renames]
    with copy_of_live(live_url, warn) as copy:
        with db.connect(copy) as conn:
            for sql in statements:
                conn.execute(sql)
            conn.commit()
        with db.reading(copy) as copy_conn:
            rest = compare.diff(copy_conn, target_conn, prefetched=prefetched.target_only())
    return replace(rest, statements=statements + rest.statements)


def planned_changes(
    live_url: DatabaseUrl,
    live_conn: Connection,
    target_conn: Connection,
    source: SchemaSource,
    warn: Warn,
    prefetched: Prefetched,
    live_fingerprint: str,
) -> tuple[compare.Diff, list[str]]:
    """The statements from live to target, renames first; and notes on unused hints."""
    hints = find_hints(source)
    todo = pending(hints, live_conn) if hints else RenamePlan((), ())
    notes = [
        f"{h.where}: rename hint for {h.kind} {h.old!r} -> {h.new!r} matches nothing in the "
        "live database; it can be removed"
        for h in todo.unused
    ]
    if not todo.renames:
        return compare.diff(
            live_conn, target_conn, prefetched=prefetched, live_fingerprint=live_fingerprint
        ), notes
    renames = [*todo.renames, *taken_along(todo.renames, live_conn, target_conn)]
    return changes_with_renames(live_url, target_conn, renames, warn, prefetched), notes


def suspected(statements: Sequence[str], live: Connection) -> dict[int, str]:
    """Drops of a column paired with an add of the same type in the same table.

    Keyed by the index of the DROP statement, each with a message saying how to keep
    the data. Such a pair is most often a rename written without a hint.
    """
    drops: dict[tuple[str, str], list[tuple[int, str]]] = {}
    adds: dict[tuple[str, str], list[tuple[str, ast.TypeName]]] = {}
    for index, sql in enumerate(statements):
        for node in parsing.parse(sql):
            if not isinstance(node, ast.AlterTableStmt):
                continue
            relation = node.relation
            if relation is None or relation.relname is None:
                continue
            table = (relation.schemaname or "public", relation.relname)
            for cmd in node.cmds or ():
                if cmd.subtype == AlterTableType.AT_DropColumn:
                    drops.setdefault(table, []).append((index, cmd.name))
                elif cmd.subtype == AlterTableType.AT_AddColumn and isinstance(
                    cmd.def_, ast.ColumnDef
                ):
                    column = cmd.def_
                    # ADD COLUMN always gives the column a name and a type.
                    assert column.colname is not None and column.typeName is not None
                    adds.setdefault(table, []).append((column.colname, column.typeName))
    found: dict[int, str] = {}
    for table, dropped in drops.items():
        for index, old in dropped:
            old_type = _column_type(live, table, old)
            for new, type_name in adds.get(table, []):
                if old_type is not None and old_type == _type_oid(live, type_name):
                    found[index] = (
                        f"possible rename of {old} to {new}: to keep the data, end the line "
                        f"declaring {new} with '-- canon: renamed from {old}'"
                    )
    return found


def _column_type(live: Connection, table: tuple[str, str], column: str) -> int | None:
    row = live.execute(
        query(
            "SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema "
            "AND c.relname = :table AND a.attname = :column AND NOT a.attisdropped"
        ),
        {"schema": table[0], "table": table[1], "column": column},
    ).fetchone()
    return int(row[0]) if row else None


def _type_oid(live: Connection, type_name: ast.TypeName) -> int | None:
    spelled = RawStream()(type_name)
    row = live.execute(query("SELECT to_regtype(:name)::oid"), {"name": str(spelled)}).fetchone()
    return int(row[0]) if row and row[0] is not None else None
