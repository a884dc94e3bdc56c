"""Schema files: found in a fixed order, split into statements that remember file and line.

Order: every ``*.sql`` file under the schema folder, recursively, sorted by its path
relative to that folder (folders and files by name, so ``core/10_tables.sql`` comes
before ``core/20_views.sql`` and ``core/`` before ``products/``). Statements run in
that order; one that needs an object defined later is retried after the others
(see ``scratch``), so cross-schema order does not have to be managed by hand.

``*.sql.j2`` files are jinja2 templates (see ``templates``); folders whose names
start with ``_`` hold templates that are not loaded as they are, such as the tenant
template rendered once per tenant (see ``tenants``).

Every statement of a schema file is checked against ``coverage`` (refused unless canon
manages what it declares), and a file's SET statements do not run where they stand:
each statement carries the SETs in force before it in its file (``Statement.session``),
so that no setting leaks from one file into another however statements are reordered.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
from pglast import parser

from canon.errors import ConfigError, SourceError
from canon.files import coverage
from canon.files.config import ProjectConfig
from canon.files.owners import OwnerDeclaration, declarations
from canon.files.templates import TEMPLATE_SUFFIX, render
from canon.files.tenancy import tenant_of
from canon.files.tenants import Tenant
from canon.pg import db
from canon.pg.quoting import ident

SQL_SUFFIX = ".sql"

# Statements no SQL file canon reads may hold (schema, seed and plan files alike): they
# would break canon's own transaction handling.
FORBIDDEN_STATEMENTS = {
    kind: coverage.REFUSED[kind]
    for kind in ("TransactionStmt", "CreatedbStmt", "DropdbStmt", "VacuumStmt")
}

Node = dict[str, Any]


@dataclass(frozen=True)
class Statement:
    """One SQL statement and where it was written."""

    sql: str
    path: str
    line: int
    kind: str = ""  # the parse tree's top node, e.g. "CreateStmt"
    # The SET statements of its file in force before it, which the loader runs first.
    session: tuple[Statement, ...] = ()
    owners: tuple[OwnerDeclaration, ...] = ()  # objects it gives an owner

    def line_of(self, position: int | None) -> int:
        """The file line of a 1-based character position inside the statement."""
        if not position:
            return self.line
        return self.line + self.sql.count("\n", 0, max(position - 1, 0))


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relative: str
    display: str
    text: str
    origin: str = ""  # the file as a user names it: display without the tenant it was rendered for


@dataclass(frozen=True)
class SchemaSource:
    """The schema files of a project, read and split."""

    root: Path
    files: tuple[SourceFile, ...]
    statements: tuple[Statement, ...]
    digest: str
    tenants: tuple[Tenant, ...] = ()
    only_tenant: Tenant | None = None  # set by --tenant: plans touch that tenant alone

    def owns_schema(self, schema: str) -> bool:
        """Whether plans may touch ``schema``: any, unless --tenant narrowed them to one."""
        return self.only_tenant is None or schema == self.only_tenant.schema

    def origin_of(self, display: str) -> str:
        """The file a statement was read from, as users name it (a template, not its rendering)."""
        return next((f.origin for f in self.files if f.display == display), display)

    def in_scope(self, statements: list[str]) -> list[str]:
        """The statements this source may plan: with --tenant, that tenant's alone."""
        if self.only_tenant is None:
            return statements
        return [s for s in statements if tenant_of(s, [self.only_tenant]) is not None]


def find_files(root: Path, suffixes: tuple[str, ...] = (SQL_SUFFIX,)) -> list[Path]:
    if not root.exists():
        raise ConfigError(f"schema directory {root} does not exist")
    if root.is_file():
        return [root]
    found = [p for p in root.rglob("*") if p.is_file() and p.name.endswith(suffixes)]
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def read_files(root: Path, paths: list[Path]) -> list[SourceFile]:
    base = root if root.is_dir() else root.parent
    files = []
    for path in paths:
        display = _display_path(path, base)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            raise SourceError(
                display, line, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})"
            ) from None
        except OSError as exc:
            raise SourceError(display, None, exc.strerror or str(exc)) from None
        files.append(SourceFile(path, path.relative_to(base).as_posix(), display, text, display))
    return files


def _display_path(path: Path, base: Path) -> str:
    """A path relative to the current folder when possible, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def split_statements(text: str, display: str) -> list[Statement]:
    """Split SQL text with PostgreSQL's own parser; a syntax error names file and line."""
    statements = []
    for statement, _ in parse_statements(text, display):
        refused = FORBIDDEN_STATEMENTS.get(statement.kind)
        if refused:
            raise SourceError(display, statement.line, refused.message())
        statements.append(statement)
    return statements


def schema_statements(text: str, display: str) -> list[Statement]:
    """A schema file's statements, each checked to be one canon manages, SETs scoped to it.

    Schema files declare objects, so ``CREATE INDEX CONCURRENTLY`` is read as the index it
    declares (``without_concurrently``). Plans and seeds keep the keyword.
    """
    settings: dict[str, Statement] = {}
    statements = []
    for statement, node in parse_statements(text, display):
        refused = coverage.refusal(statement.kind, node, statement.sql)
        if refused:
            raise SourceError(display, statement.line, refused.message())
        if statement.kind == "VariableSetStmt":
            _set(settings, statement, node)
            continue
        if statement.kind == "IndexStmt" and node.get("concurrent"):
            statement = replace(statement, sql=without_concurrently(statement.sql))
        owners = declarations(statement.kind, node)
        statements.append(replace(statement, session=tuple(settings.values()), owners=owners))
    return statements


def _set(settings: dict[str, Statement], statement: Statement, node: Node) -> None:
    """Record a SET, RESET or SET … TO DEFAULT for the statements after it in its file."""
    name = node.get("name", "")
    settings.pop(name, None)
    if node.get("kind") == "VAR_RESET_ALL":
        settings.clear()
    elif node.get("kind") in ("VAR_SET_VALUE", "VAR_SET_CURRENT"):
        settings[name] = statement


def parse_statements(text: str, display: str) -> list[tuple[Statement, Node]]:
    """Each statement of SQL text, with its parse tree as JSON; a syntax error names the line."""
    try:
        # One parse, read as JSON: building Python trees for every statement of a large
        # schema would cost several times the parse itself.
        parsed = json.loads(parser.parse_sql_json(text))
    except parser.ParseError as exc:
        message, offset = exc.args[0], exc.args[1] if len(exc.args) > 1 else None
        line = text.count("\n", 0, offset) + 1 if isinstance(offset, int) else None
        raise SourceError(display, line, str(message), "42601") from None
    # The JSON form counts locations in UTF-8 bytes.
    data = text.encode()
    statements = []
    line, counted = 1, 0  # lines are counted on from the previous statement, not from the top
    for raw in parsed.get("stmts", ()):
        start = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0)
        chunk = data[start : start + length] if length else data[start:].rstrip().rstrip(b";")
        line += data.count(b"\n", counted, start)
        counted = start
        ((kind, node),) = (raw.get("stmt") or {"": {}}).items()
        statements.append((Statement(chunk.decode(), display, line, kind), node))
    return statements


def without_concurrently(sql: str) -> str:
    """``CREATE INDEX CONCURRENTLY`` as the index it declares: the keyword blanked out.

    Files declare what exists; how an index is built is canon's choice when it applies
    (concurrently on existing tables). The keyword cannot run inside the transaction
    that loads the files. Spaces keep every position, so errors still point at the
    right line and column.
    """
    tokens = parser.scan(sql)
    for previous, token in itertools.pairwise(tokens):
        if previous.name == "INDEX" and token.name == "CONCURRENTLY":
            return sql[: token.start] + " " * (token.end + 1 - token.start) + sql[token.end + 1 :]
    return sql


def digest_files(files: list[SourceFile], extra: str = "") -> str:
    """A content hash of the files, their names and anything else that shapes the result."""
    h = hashlib.sha256(extra.encode())
    for f in files:
        h.update(f.relative.encode() + b"\0" + f.text.encode() + b"\0")
    return h.hexdigest()


def read_schema(
    root: Path,
    config: ProjectConfig | None = None,
    tenants: Sequence[Tenant] = (),
    only_tenant: Tenant | None = None,
    allow_empty: bool = False,
) -> SchemaSource:
    """Read, render and split every schema file under ``root``.

    Folders whose name starts with ``_`` hold templates and are not loaded as they are;
    the tenant template folder is rendered once per tenant. ``*.sql.j2`` files elsewhere
    are rendered once with the project's variables. A folder with no statements is
    refused (a wrong path would otherwise plan to drop everything) unless ``allow_empty``.
    """
    root = Path(root)
    config = config or ProjectConfig()
    paths = find_files(root, (SQL_SUFFIX, TEMPLATE_SUFFIX))
    if not paths and not allow_empty:
        raise ConfigError(
            f"schema directory {root} holds no {SQL_SUFFIX} files; "
            "pass --allow-empty to plan the removal of everything it manages"
        )
    files = read_files(root, [p for p in paths if not _in_template_folder(root, p)])
    rendered = [
        _rendered(f, {**config.variables, "tenants": [t.id for t in tenants]}) for f in files
    ]
    if config.tenants is not None and tenants:
        template_dir = root / config.tenants.template
        template_files = read_files(root, find_files(template_dir, (SQL_SUFFIX, TEMPLATE_SUFFIX)))
        for t in [only_tenant] if only_tenant else tenants:
            variables = {
                **config.variables,
                "tenant": t.id,
                "schema": ident(t.schema),
                "schema_name": t.schema,
            }
            rendered += [_rendered(f, variables, always=True, tenant=t.id) for f in template_files]
    statements: list[Statement] = []
    for f in rendered:
        statements.extend(schema_statements(f.text, f.display))
    if not statements and not allow_empty:
        raise ConfigError(
            f"schema directory {root} holds no SQL statements; "
            "pass --allow-empty to plan the removal of everything it manages"
        )
    return SchemaSource(
        root,
        tuple(rendered),
        tuple(statements),
        digest_files(rendered),
        tuple(tenants),
        only_tenant,
    )


def _in_template_folder(root: Path, path: Path) -> bool:
    if not root.is_dir():
        return False
    return any(part.startswith("_") for part in path.relative_to(root).parts[:-1])


def _rendered(
    f: SourceFile, variables: dict[str, Any], always: bool = False, tenant: str | None = None
) -> SourceFile:
    """The file as PostgreSQL will see it: templates rendered, tenant named in its path."""
    display = f"{f.display} (tenant {tenant})" if tenant else f.display
    relative = f"{f.relative}@{tenant}" if tenant else f.relative
    text = f.text
    if always or f.path.name.endswith(TEMPLATE_SUFFIX):
        text = render(f.text, display, variables)
    return replace(f, relative=relative, display=display, text=text)


def statement_error(statement: Statement, exc: psycopg.Error) -> SourceError:
    """A PostgreSQL error, placed at the file and line of the statement that caused it."""
    position = exc.diag.statement_position
    line = statement.line_of(int(position) if position else None)
    return SourceError(statement.path, line, db.describe(exc), exc.sqlstate)
