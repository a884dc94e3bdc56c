"""PostgreSQL's parser, shared: a plan's statements are parsed once, not once per check.

Hazards, steps, lock-safe rewrites, measurements and tenant grouping all look at the
same statements; each parse costs some 60 µs, so large plans parsed a dozen
times over spent most of their time here. ``parse`` returns shared trees: callers
must not change them. ``fresh`` returns trees of one's own, to edit and deparse.
"""

from __future__ import annotations

from functools import lru_cache

from pglast import ast, parser

CACHED_STATEMENTS = 32768


@lru_cache(maxsize=CACHED_STATEMENTS)
def _parse_cached(sql: str) -> tuple[ast.Node, ...]:
    return fresh(sql)


def parse(sql: str) -> tuple[ast.Node, ...]:
    """The statements of ``sql`` as shared, read-only trees; () when it does not parse."""
    return _parse_cached(sql)


def fresh(sql: str) -> tuple[ast.Node, ...]:
    """The statements of ``sql`` as new trees the caller may change."""
    try:
        return tuple(raw.stmt for raw in parser.parse_sql(sql))
    except parser.ParseError:
        return ()
