"""An order in which schema statements can load: each after what it names, if the files define it.

Files are read in path order, so a table whose folder sorts first may name a schema,
type, function or table that a later folder defines. Loading such a statement fails
and it must wait for a later pass, and each failure costs round trips: on a project
like the seeds' database most of the load went on them. So before loading, each
statement moves after the statements that define what it names; otherwise the path
order stays.

Names are read from PostgreSQL's own parse tree: the relations (``RangeVar``) and
dotted names (types, functions, objects of a COMMENT…) a statement mentions, and the
schemas of all of them. Function bodies are strings and are not looked into. A name
nothing in the files defines (built-in, or from an extension) adds no constraint, and
where statements wait on each other in a circle the earliest goes first. The order is
only a head start: the loader still defers whatever fails for want of an object.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
from collections.abc import Iterator, Sequence
from typing import Any

from pglast import parser

from canon.files.sources import Statement

PUBLIC = "public"

# Statement kinds, and where in their tree the dotted name they define is found.
DEFINED_RELATION = {
    "CreateStmt": "relation",
    "ViewStmt": "view",
    "CreateSeqStmt": "sequence",
    "CompositeTypeStmt": "typevar",
}
DEFINED_NAME = {
    "CreateEnumStmt": "typeName",
    "CreateRangeStmt": "typeName",
    "CreateDomainStmt": "domainname",
    "CreateFunctionStmt": "funcname",
    "DefineStmt": "defnames",
}


def ordered(statements: Sequence[Statement]) -> list[Statement]:
    """``statements`` with each moved after the ones defining what it names."""
    return list(_ordered(tuple(statements)))


# An apply into an empty database loads the same statements twice at once, into live
# and into the scratch database: the order (a parse of every statement) is found once.
@functools.lru_cache(maxsize=2)
def _ordered(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
    names = [_names(statement.sql) for statement in statements]
    first_definer: dict[str, int] = {}
    for index, (defined, _) in enumerate(names):
        for name in defined:
            first_definer.setdefault(name, index)
    waits_for: list[set[int]] = []
    for index, (defined, used) in enumerate(names):
        # Earlier definers count too: they may themselves have had to move later.
        waits_for.append(
            {
                first_definer[name]
                for name in used - defined
                if first_definer.get(name, index) != index
            }
        )
    return tuple(statements[i] for i in _stable_topological(waits_for))


def _stable_topological(waits_for: list[set[int]]) -> Iterator[int]:
    """Indexes in order, each after those it waits for; the earliest ready one first."""
    blocking: dict[int, list[int]] = {}
    pending = [len(w) for w in waits_for]
    for index, waited in enumerate(waits_for):
        for other in waited:
            blocking.setdefault(other, []).append(index)
    ready = [i for i, count in enumerate(pending) if count == 0]
    heapq.heapify(ready)
    done = [False] * len(waits_for)
    emitted = 0
    while emitted < len(waits_for):
        if not ready:
            # A circle: let the earliest statement still waiting go first.
            heapq.heappush(ready, done.index(False))
        index = heapq.heappop(ready)
        if done[index]:
            continue
        done[index] = True
        pending[index] = -1
        emitted += 1
        yield index
        for other in blocking.get(index, ()):
            if pending[other] > 0:
                pending[other] -= 1
                if pending[other] == 0:
                    heapq.heappush(ready, other)


def _names(sql: str) -> tuple[set[str], set[str]]:
    """(names the statement defines, names it mentions); schemas as ``schema:<name>``."""
    try:
        parsed = json.loads(parser.parse_sql_json(sql)).get("stmts", ())
    except parser.ParseError:
        return set(), set()
    defined: set[str] = set()
    used: set[str] = set()
    for raw in parsed:
        for kind, node in (raw.get("stmt") or {}).items():
            defined |= _defined(kind, node)
            _collect(node, used)
    for name in list(defined | used):
        schema, dot, _ = name.partition(".")
        if dot:
            used.add(f"schema:{schema}")
    return defined, used


def _defined(kind: str, node: dict[str, Any]) -> set[str]:
    if kind == "CreateSchemaStmt" and node.get("schemaname"):
        return {f"schema:{node['schemaname']}"}
    if kind in DEFINED_RELATION:
        return {_relation(node.get(DEFINED_RELATION[kind]) or {})}
    if kind == "CreateTableAsStmt":
        return {_relation((node.get("into") or {}).get("rel") or {})}
    if kind in DEFINED_NAME:
        return set(_dotted(node.get(DEFINED_NAME[kind]))[-1:])
    return set()


def _collect(node: Any, used: set[str]) -> None:
    """Every relation and dotted name under ``node``."""
    if isinstance(node, dict):
        if "relname" in node:
            used.add(_relation(node))
        for value in node.values():
            _collect(value, used)
    elif isinstance(node, list):
        used.update(_dotted(node))
        for value in node:
            _collect(value, used)


def _relation(node: dict[str, Any]) -> str:
    return f"{node.get('schemaname') or PUBLIC}.{node.get('relname', '')}"


def _dotted(items: Any) -> list[str]:
    """The ``schema.name`` a list of one to three strings may mean; [] for other lists.

    Three parts are a column of a relation (COMMENT ON COLUMN s.t.c) or a name with its
    database in front: both readings are kept.
    """
    if not isinstance(items, list) or not 0 < len(items) <= 3:
        return []
    parts = []
    for item in items:
        value = item.get("String", {}).get("sval") if isinstance(item, dict) else None
        if not isinstance(value, str):
            return []
        parts.append(value)
    if len(parts) == 1:
        parts.insert(0, PUBLIC)
    return [f"{a}.{b}" for a, b in itertools.pairwise(parts)]
