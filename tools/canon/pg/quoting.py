"""Quoting for the SQL canon writes itself: identifiers always double-quoted, literals escaped.

PostgreSQL's rules are simple enough to apply exactly: an identifier is wrapped in
double quotes with inner double quotes doubled; a string literal is wrapped in single
quotes with inner single quotes doubled. With standard_conforming_strings on (the
default since 9.1) backslashes need no escaping; an ``E''`` literal is used when the
value holds one, so the result is right whatever that setting is.
"""

from __future__ import annotations

import re

PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(value: str | None) -> str:
    if value is None:
        return "NULL"
    body = value.replace("'", "''")
    if "\\" in body:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def shown(name: str) -> str:
    """An identifier as PostgreSQL's ``quote_ident`` shows it: quoted only where it must be.

    For names meant for a reader; SQL canon runs uses ``ident``.
    """
    # Imported on use: the keyword lists come with the SQL parser, which commands that
    # never parse SQL must not load.
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    reserved = name in RESERVED_KEYWORDS or name in TYPE_FUNC_NAME_KEYWORDS
    if PLAIN.fullmatch(name) and not reserved and name not in COL_NAME_KEYWORDS:
        return name
    return ident(name)
