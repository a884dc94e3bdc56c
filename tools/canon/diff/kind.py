"""The contract every object kind fulfils: what it diffs, and how its state is fingerprinted.

A kind is one module under ``diff/kinds/`` holding a ``KIND`` and registered once, in
``diff/kinds/__init__.py``. It declares:

* ``fingerprint``: SQL yielding one ``item`` text per object of the kind, from which
  ``diff.fingerprint`` hashes the live schema (the no-change shortcut and stale-plan
  check rest on it, so a property missing here is a change the shortcut would hide);
* ``signature``: SQL yielding ``(kind, name, detail)`` per object, from which
  ``diff.catalog`` names the objects that still differ after a plan;
* how it is diffed: by the engine (migra) alone, or with ``before`` (runs before the
  engine, may adjust the engine's models, returns statements placed in the plan's
  slots) and ``after`` (runs once the plan is arranged, sees it, returns statements
  appended to it).

Both SQL fragments are members of a ``UNION ALL`` and may use the CTEs the queries
define: ``ns`` (managed schemas: oid, nspname, nspacl, nspowner) in both; ``rel``
(managed relations not owned by an extension, with nspname) and ``ext_members``
(classid, objid of extension-owned objects) in the signature query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from canon.inspection.models import DatabaseModel
from canon.pg.db import Connection


@dataclass(frozen=True)
class Pair:
    """The two databases of one diff, as connections and as the engine's models."""

    live_conn: Connection
    target_conn: Connection
    live_model: DatabaseModel
    target_model: DatabaseModel
    excluded: frozenset[str]


@dataclass(frozen=True)
class Recreated:
    """An object the plan drops and creates again, and why PostgreSQL forces that."""

    kind: str  # view, materialized view, function, type, trigger, policy, index, constraint
    path: tuple[str, ...]  # its name's parts as DROP names it: schema, (table,) name
    display: str  # as the plan shows it
    reason: str  # "reads core.brands.name, whose type changes from … to …"


@dataclass(frozen=True)
class Placed:
    """Statements a kind plans before the engine runs, by where they go in the plan.

    The plan reads: new schemas and extensions, ``pre`` (kinds in registry order), new
    types and functions, ``early``, the engine's statements, ``late``, ``drop`` (kinds in
    reverse registry order, so that what is created first is dropped last), the
    engine's drops of functions, types and schemas, then what ``after`` hooks add.
    ``recreated`` names what these statements (or the engine's) drop to create again.
    """

    pre: tuple[str, ...] = ()
    early: tuple[str, ...] = ()
    late: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    recreated: tuple[Recreated, ...] = ()


NOTHING = Placed()

Before = Callable[[Pair], Placed]
After = Callable[[Pair, Sequence[str]], list[str]]


@dataclass(frozen=True)
class Kind:
    name: str
    fingerprint: str
    signature: str
    before: Before | None = None
    after: After | None = None
