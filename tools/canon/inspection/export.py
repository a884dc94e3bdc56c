"""An existing database as canonical schema files: what ``canon export`` writes.

The source is ``pg_dump --schema-only`` (owners and tablespaces left out): it knows
every object kind of its server release, skips extension members (the extension is
recorded as ``CREATE EXTENSION``) and prints every name schema-qualified. Its
statements are split with PostgreSQL's parser, session settings dropped, each placed
by ``layout`` in its schema's folder beside its object, and tables folded back into
one statement each (``folding``). The result is text per file, in pg_dump's order,
which is stable for one database: two exports of an unchanged database are equal byte
for byte. Writing the files is the command's job.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from pglast import ast
from pglast.enums.parsenodes import ObjectType

from canon.files.sources import split_statements
from canon.inspection.folding import Parsed, cyclic_references, fold_group, unfoldable_tables
from canon.inspection.layout import TOPIC_FILES, place_all
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.backup import schema_script
from canon.pg.dburl import DatabaseUrl
from canon.pg.objects import ObjectKey, names_of
from canon.pg.parsing import parse
from canon.pg.quoting import literal

DUMP_NAME = "pg_dump --schema-only"
FAMILY = ("family", None, "")  # the group of every partitioned or inheriting table in a file


@dataclass(frozen=True)
class ExportedFile:
    path: str  # relative to the schema folder, with / between parts
    text: str
    statements: int


@dataclass(frozen=True)
class Export:
    files: tuple[ExportedFile, ...]

    @property
    def statements(self) -> int:
        return sum(f.statements for f in self.files)

    @property
    def schemas(self) -> int:
        return len({f.path.split("/")[0] for f in self.files if "/" in f.path})


# Extensions at another version than their default one: pg_dump leaves versions out.
PINNED_EXTENSIONS = """
SELECT e.extname, e.extversion FROM pg_extension e
JOIN pg_available_extensions a ON a.name = e.extname
WHERE a.default_version IS DISTINCT FROM e.extversion
"""


# Extensions still carrying the comment their control file gives them (CREATE EXTENSION
# sets it again). pg_dump writes it all the same, and canon does not manage extension
# comments: a comment someone changed stays in the files, where loading them refuses it.
STOCK_COMMENTED_EXTENSIONS = """
SELECT e.extname FROM pg_extension e
JOIN pg_available_extensions a ON a.name = e.extname
WHERE obj_description(e.oid, 'pg_extension') IS NOT DISTINCT FROM a.comment
"""


def export_schema(live_url: DatabaseUrl) -> Export:
    """The live database's schema (not canon's own) as canonical files."""
    with db.reading(live_url) as conn:
        pinned = {row[0]: row[1] for row in conn.execute(PINNED_EXTENSIONS).fetchall()}
        stock = {row[0] for row in conn.execute(STOCK_COMMENTED_EXTENSIONS).fetchall()}
    script = schema_script(live_url, tuple(sorted(EXCLUDED_SCHEMAS)))
    return files_of_script(script, pinned, stock)


def files_of_script(
    script: str,
    pinned: dict[str, str] | None = None,
    stock_comments: AbstractSet[str] = frozenset(),
) -> Export:
    """A pg_dump schema script laid out as canonical files.

    ``pinned`` names the extensions installed at a version other than their default,
    which their CREATE EXTENSION then names, so a database built from the files has it.
    ``stock_comments`` names the extensions whose comment is their control file's: their
    COMMENT ON EXTENSION is left out, since CREATE EXTENSION writes the same.
    """
    parsed = [Parsed(s.sql, _single(s.sql)) for s in split_statements(script, DUMP_NAME)]
    parsed = [
        _pinned(p, pinned or {})
        for p in parsed
        if not _session_setting(p.node) and not _stock_comment(p.node, stock_comments)
    ]
    places = place_all([p.node for p in parsed])
    unfoldable = unfoldable_tables(p.node for p in parsed)
    cyclic = cyclic_references(p.node for p in parsed)
    by_file: dict[str, dict[ObjectKey, list[Parsed]]] = {}
    for statement, place in zip(parsed, places, strict=True):
        # Partitioned tables, their partitions and inheritance families keep pg_dump's
        # order, one block per file: a partition attached before its own indexes and keys
        # are created would get copies of its parent's, and the file's would then clash.
        group = FAMILY if place.group in unfoldable else place.group
        by_file.setdefault(place.path, {}).setdefault(group, []).append(statement)
    files = []
    for path in sorted(by_file, key=_file_order):
        statements = [
            sql for group in by_file[path].values() for sql in fold_group(group, unfoldable, cyclic)
        ]
        text = "\n".join(_terminated(sql) for sql in statements)
        files.append(ExportedFile(path, text, len(statements)))
    return Export(tuple(files))


def _single(sql: str) -> ast.Node:
    nodes = parse(sql)
    # split_statements cut the script at PostgreSQL's own statement boundaries.
    assert len(nodes) == 1, sql
    return nodes[0]


def _pinned(statement: Parsed, pinned: dict[str, str]) -> Parsed:
    node = statement.node
    if not isinstance(node, ast.CreateExtensionStmt) or node.extname not in pinned:
        return statement
    if any(isinstance(o, ast.DefElem) and o.defname == "new_version" for o in node.options or ()):
        return statement
    sql = f"{statement.sql.rstrip().rstrip(';')} VERSION {literal(pinned[node.extname])}"
    return Parsed(sql, _single(sql))


def _stock_comment(node: ast.Node, stock_comments: AbstractSet[str]) -> bool:
    if not isinstance(node, ast.CommentStmt) or node.objtype != ObjectType.OBJECT_EXTENSION:
        return False
    return isinstance(node.object, ast.String) and node.object.sval in stock_comments


def _session_setting(node: ast.Node) -> bool:
    """pg_dump's SET lines and its ``SELECT pg_catalog.set_config(…)``: not schema."""
    if isinstance(node, ast.VariableSetStmt):
        return True
    if isinstance(node, ast.SelectStmt) and node.targetList and len(node.targetList) == 1:
        target = node.targetList[0]
        call = target.val if isinstance(target, ast.ResTarget) else None
        if isinstance(call, ast.FuncCall) and call.funcname:
            return names_of(call.funcname)[-1:] == ["set_config"]
    return False


def _terminated(sql: str) -> str:
    return sql.rstrip().rstrip(";") + ";\n"


def _file_order(path: str) -> tuple[str, int]:
    folder, _, name = path.rpartition("/")
    topics = list(TOPIC_FILES.values())
    return (folder, topics.index(name) if name in topics else -1)
