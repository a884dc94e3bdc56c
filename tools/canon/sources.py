"""Schema files: found in a fixed order, split into statements that remember file and line.

Order: every ``*.sql`` file under the schema folder, recursively, sorted by its path
relative to that folder (folders and files by name, so ``core/10_tables.sql`` comes
before ``core/20_views.sql`` and ``core/`` before ``products/``). Statements run in
that order; one that needs an object defined later is retried after the others
(see ``scratch``), so cross-schema order does not have to be managed by hand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pglast import parser

from .errors import ConfigError, SourceError

SQL_SUFFIX = ".sql"

# Statements that would break canon's own transaction handling or are client-side only.
FORBIDDEN_STATEMENTS = {
    "TransactionStmt": "transaction control (BEGIN/COMMIT/ROLLBACK) is managed by canon",
    "CreatedbStmt": "CREATE DATABASE cannot be part of a schema",
    "DropdbStmt": "DROP DATABASE cannot be part of a schema",
    "VacuumStmt": "VACUUM cannot be part of a schema",
}


@dataclass(frozen=True)
class Statement:
    """One SQL statement and where it was written."""

    sql: str
    path: str
    line: int

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


@dataclass(frozen=True)
class SchemaSource:
    """The schema files of a project, read and split."""

    root: Path
    files: tuple[SourceFile, ...]
    statements: tuple[Statement, ...]
    digest: str


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
            raise SourceError(display, None, f"not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise SourceError(display, None, exc.strerror or str(exc)) from None
        files.append(SourceFile(path, path.relative_to(base).as_posix(), display, text))
    return files


def _display_path(path: Path, base: Path) -> str:
    """A path relative to the current folder when possible, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def split_statements(text: str, display: str) -> list[Statement]:
    """Split SQL text with PostgreSQL's own parser; a syntax error names file and line."""
    try:
        slices = parser.split(text, with_parser=True, only_slices=True)
    except parser.ParseError as exc:
        message, offset = exc.args[0], exc.args[1] if len(exc.args) > 1 else None
        line = text.count("\n", 0, offset) + 1 if isinstance(offset, int) else None
        raise SourceError(display, line, str(message), "42601") from None
    statements = []
    for piece in slices:
        sql = text[piece]
        line = text.count("\n", 0, piece.start) + 1
        _refuse_forbidden(sql, display, line)
        statements.append(Statement(sql, display, line))
    return statements


def _refuse_forbidden(sql: str, display: str, line: int) -> None:
    node = parser.parse_sql(sql)[0].stmt
    reason = FORBIDDEN_STATEMENTS.get(type(node).__name__)
    if reason:
        raise SourceError(display, line, reason)


def digest_files(files: list[SourceFile], extra: str = "") -> str:
    """A content hash of the files, their names and anything else that shapes the result."""
    h = hashlib.sha256(extra.encode())
    for f in files:
        h.update(f.relative.encode() + b"\0" + f.text.encode() + b"\0")
    return h.hexdigest()


def read_schema(root: Path) -> SchemaSource:
    """Read and split every schema file under ``root``."""
    root = Path(root)
    paths = find_files(root)
    if not paths:
        raise ConfigError(f"schema directory {root} holds no {SQL_SUFFIX} files")
    files = read_files(root, paths)
    statements: list[Statement] = []
    for f in files:
        statements.extend(split_statements(f.text, f.display))
    if not statements:
        raise ConfigError(f"schema directory {root} holds no SQL statements")
    return SchemaSource(root, tuple(files), tuple(statements), digest_files(files))
