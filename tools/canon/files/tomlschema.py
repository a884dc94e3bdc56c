"""A settings file's shape, declared once and checked key by key, errors naming their line.

``tomllib`` parses TOML but forgets where each key was written. ``key_lines`` finds it
again with a light second pass over text that ``tomllib`` has already accepted, so a
refusal can say ``canon.toml:12``. A table of settings is declared as a ``Table`` of
``Field``s (or nested tables and arrays), and ``validate`` holds a parsed document to it:
unknown keys and values of the wrong type are refused, never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from canon.errors import SourceError

# A key's place in the document: table and key names, and indexes into arrays.
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Field:
    """A value of one kind; ``kind`` is how errors name it ("a string")."""

    kind: str
    accepts: Callable[[Any], bool]


@dataclass(frozen=True)
class Table:
    """A table whose ``keys`` are declared; ``others`` is the shape of any other key (None: refused)."""

    keys: Mapping[str, Spec] = field(default_factory=dict)
    others: Spec | None = None


@dataclass(frozen=True)
class ArrayOf:
    item: Spec


Spec = Field | Table | ArrayOf

STRING = Field("a string", lambda v: isinstance(v, str))
BOOLEAN = Field("true or false", lambda v: isinstance(v, bool))
INTEGER = Field("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
STRINGS = Field(
    "a list of strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)
)
ANY = Field("any value", lambda v: True)


def validate(document: Any, spec: Spec, path: Path, lines: Mapping[KeyPath, int]) -> None:
    """Raise ``SourceError`` (file and line) at the first key ``document`` may not hold."""
    _check(document, spec, (), path, lines)


def _check(value: Any, spec: Spec, at: KeyPath, path: Path, lines: Mapping[KeyPath, int]) -> None:
    if isinstance(spec, Field):
        if not spec.accepts(value):
            raise SourceError(
                path, line_of(lines, at), f"{dotted(at)} must be {spec.kind}, not {_kind(value)}"
            )
        return
    if isinstance(spec, ArrayOf):
        if not isinstance(value, list):
            raise SourceError(path, line_of(lines, at), f"{dotted(at)} must be a list")
        for index, item in enumerate(value):
            _check(item, spec.item, (*at, index), path, lines)
        return
    if not isinstance(value, dict):
        raise SourceError(path, line_of(lines, at), f"{dotted(at)} must be a table")
    for key, item in value.items():
        inner = spec.keys.get(key, spec.others)
        if inner is None:
            known = ", ".join(sorted(spec.keys)) or "none"
            where = f" in [{dotted(at)}]" if at else ""
            raise SourceError(
                path, line_of(lines, (*at, key)), f"unknown key {key!r}{where} (known: {known})"
            )
        _check(item, inner, (*at, key), path, lines)


def dotted(at: KeyPath) -> str:
    """``env.production.databases[2].name``: a key's place as a reader would write it."""
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def line_of(lines: Mapping[KeyPath, int], at: KeyPath) -> int | None:
    """The line of ``at``, else of the nearest table or key holding it."""
    for end in range(len(at), 0, -1):
        if at[:end] in lines:
            return lines[at[:end]]
    return None


def _kind(value: Any) -> str:
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


# -- where each key was written ---------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<newline>\n)
    | (?P<space>[ \t\r]+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:\\.|[^\\])*?\"\"\"|'''.*?'''|"(?:\\.|[^"\\\n])*"|'[^'\n]*')
    | (?P<punct>[\[\]{}=,])
    | (?P<bare>[A-Za-z0-9_\-+.:]+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "newline", "string", "bare" or the punctuation itself
    text: str
    line: int


def _tokens(text: str) -> Iterator[_Token]:
    line = 1
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup or "other", match.group()
        if kind == "string":
            yield _Token("string", _unquoted(value), line)
        elif kind in ("newline", "bare"):
            yield _Token(kind, value, line)
        elif kind == "punct":
            yield _Token(value, value, line)
        line += value.count("\n")


def _unquoted(literal: str) -> str:
    quote = 3 if literal[:3] in ('"""', "'''") else 1
    return literal[quote:-quote]


class _Lines:
    """A second pass over valid TOML: the line of every table, key and array item."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0
        self.found: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # [[array]] tables seen so far, by path

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def record(self, at: KeyPath, line: int) -> None:
        for end in range(1, len(at) + 1):
            self.found.setdefault(at[:end], line)

    def document(self) -> dict[KeyPath, int]:
        prefix: KeyPath = ()
        while (token := self.peek()) is not None:
            if token.kind == "newline":
                self.take()
            elif token.kind == "[":
                prefix = self.header()
            else:
                key = self.key("=")
                self.record((*prefix, *key), token.line)
                self.value((*prefix, *key))
                self.skip_line()
        return self.found

    def header(self) -> KeyPath:
        line = self.take().line
        double = (nxt := self.peek()) is not None and nxt.kind == "["
        if double:
            self.take()
        name = self.key("]")
        self.skip_line()
        if not double:
            self.record(name, line)
            return name
        index = self.arrays[name] = self.arrays.get(name, -1) + 1
        self.record((*name, index), line)
        return (*name, index)

    def key(self, end: str) -> KeyPath:
        """Dotted key parts up to ``end`` (``=`` or ``]``), which is consumed."""
        parts: list[str] = []
        while (token := self.peek()) is not None and token.kind not in (end, "newline"):
            self.take()
            if token.kind == "string":
                parts.append(token.text)
            elif token.kind == "bare":
                parts.extend(p for p in token.text.split(".") if p)
        if (token := self.peek()) is not None and token.kind == end:
            self.take()
        return tuple(parts)

    def value(self, at: KeyPath) -> None:
        token = self.peek()
        if token is None:
            return
        if token.kind == "[":
            self.take()
            self.items(at, "]")
        elif token.kind == "{":
            self.take()
            self.inline_table(at)
        else:
            self.take()
            # A local date-time written with a space reads as two bare words.
            while (nxt := self.peek()) is not None and nxt.kind == "bare":
                self.take()

    def items(self, at: KeyPath, end: str) -> None:
        index = 0
        while (token := self.peek()) is not None:
            if token.kind in ("newline", ","):
                self.take()
            elif token.kind == end:
                self.take()
                return
            else:
                self.record((*at, index), token.line)
                self.value((*at, index))
                index += 1

    def inline_table(self, at: KeyPath) -> None:
        while (token := self.peek()) is not None:
            if token.kind in ("newline", ","):
                self.take()
            elif token.kind == "}":
                self.take()
                return
            else:
                key = self.key("=")
                self.record((*at, *key), token.line)
                self.value((*at, *key))

    def skip_line(self) -> None:
        while (token := self.peek()) is not None and token.kind != "newline":
            self.take()


def key_lines(text: str) -> dict[KeyPath, int]:
    """The line where each table, key and array item of a valid TOML text is written."""
    return _Lines(text).document()
