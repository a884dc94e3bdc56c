"""Quoting for the SQL canon writes itself: identifiers always double-quoted, literals escaped.

PostgreSQL's rules are simple enough to apply exactly: an identifier is wrapped in
double quotes with inner double quotes doubled; a string literal is wrapped in single
quotes with inner single quotes doubled. With standard_conforming_strings on (the
default since 9.1) backslashes need no escaping; an ``E''`` literal is used when the
value holds one, so the result is right whatever that setting is.
"""

from __future__ import annotations


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
