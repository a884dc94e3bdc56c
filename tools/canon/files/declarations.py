"""Where the schema files declare an object: the file and line a plan or drift item points at.

A column points at its own line inside CREATE TABLE, a constraint at the line that
writes it, an index at its CREATE INDEX, a comment or grant at the COMMENT or GRANT that
writes it. What to do about an object the files do not name is the caller's choice.
Templates are named as users name them (``schema/_tenant/…sql.j2``).

Only statements that mention a wanted name are parsed: a plan that touches three
columns does not parse the other ten thousand statements of a large schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pglast import ast

from canon.files.sources import SchemaSource, Statement
from canon.pg.objects import ObjectKey, ObjectName, acted_on, declared
from canon.pg.parsing import parse

WORD = re.compile(r"[a-z_][a-z0-9_$]*")
FEW_WORDS = 64  # up to this many wanted words, one pattern finds the statements naming them


@dataclass(frozen=True)
class Declaration:
    path: str
    line: int


class Declarations:
    """The declarations of the objects asked for, found in one pass over the files."""

    def __init__(self, source: SchemaSource, objects: Iterable[ObjectName]) -> None:
        self.found: dict[ObjectKey, Declaration] = {}
        wanted = _words(objects)
        if not wanted:
            return
        mentions = _mentions(wanted)
        for statement in source.statements:
            if not mentions(statement.sql):
                continue
            for node in parse(statement.sql):
                self._index(source, statement, node)

    def _index(self, source: SchemaSource, statement: Statement, node: ast.Node) -> None:
        path = source.origin_of(statement.path)
        data = statement.sql.encode()
        if isinstance(node, (ast.CommentStmt, ast.GrantStmt)):
            target = acted_on(node)
            if target is not None:
                kind = "comment" if isinstance(node, ast.CommentStmt) else "grant"
                self.found.setdefault(_about(kind, target), Declaration(path, statement.line))
            return
        for obj, location in declared(node):
            line = statement.line + (data[:location].count(b"\n") if location else 0)
            self.found.setdefault(obj.key, Declaration(path, line))

    def find(self, obj: ObjectName, about: str | None = None) -> Declaration | None:
        """Where ``obj`` is declared: its COMMENT or GRANT when ``about`` says so, else the object."""
        if about is not None:
            written = self.found.get(_about(about, obj))
            if written is not None:
                return written
        return self.found.get(obj.key)


def _mentions(wanted: set[str]) -> Callable[[str], bool]:
    """A cheap test of whether a statement names a wanted word, before it is parsed.

    A few words make one pattern that stops at the first match; thousands (a plan that
    creates everything) would make that pattern slow, so each statement's words are
    collected once and compared as a set instead.
    """
    if len(wanted) > FEW_WORDS:
        return lambda sql: not wanted.isdisjoint(WORD.findall(sql.lower()))
    words = "|".join(map(re.escape, sorted(wanted)))
    pattern = re.compile(rf"(?<![\w$])(?:{words})(?![\w$])", re.IGNORECASE)
    return lambda sql: pattern.search(sql) is not None


def _about(kind: str, obj: ObjectName) -> ObjectKey:
    return (f"{kind} on {obj.key[0]}", obj.schema, obj.name)


def _words(objects: Iterable[ObjectName]) -> set[str]:
    """The lower-case name parts a declaring statement must mention."""
    found: set[str] = set()
    for obj in objects:
        found.update(WORD.findall(obj.name.lower()))
    return found
