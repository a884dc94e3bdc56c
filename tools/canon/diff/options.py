"""Relation settings migra does not diff: storage parameters, view options, forced RLS.

``WITH (fillfactor = 70)``, ``security_barrier`` and ``check_option`` live in
pg_class.reloptions, and ``FORCE ROW LEVEL SECURITY`` in relforcerowsecurity; migra
reads neither, and drops view options when it recreates a view. canon compares them and
emits ``ALTER … SET/RESET`` after the rest of the plan. A relation the plan creates
starts without options, so that is what it is compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from canon.pg.db import Connection, query

RELATIONS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), n.nspname, c.relname, c.relkind,
           coalesce(c.reloptions, '{}'), c.relforcerowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)

KEYWORDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}


@dataclass(frozen=True)
class Relation:
    name: str
    schema: str
    relname: str
    kind: str
    options: dict[str, str]
    force_rls: bool


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Relation]:
    rows = conn.execute(RELATIONS_QUERY, {"excluded": sorted(excluded)})
    return {
        name: Relation(name, schema, relname, kind, _options(options), force)
        for name, schema, relname, kind, options, force in rows
    }


def _options(items: Sequence[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


def changes(
    live: Connection, target: Connection, excluded: Iterable[str], planned: Sequence[str]
) -> list[str]:
    excluded = frozenset(excluded)
    have, want = read(live, excluded), read(target, excluded)
    statements = []
    # Imported on use: the no-change shortcut loads this module for its fingerprint
    # SQL and must not load the SQL parser that ``planned`` needs.
    from canon.diff.planned import standing

    for name, wanted, current in standing(have, want, planned):
        options = {} if current is None else current.options
        force = False if current is None else current.force_rls
        statements.extend(_option_statements(wanted, options))
        if force != wanted.force_rls:
            statements.append(
                f"ALTER TABLE {name} {'' if wanted.force_rls else 'NO '}FORCE ROW LEVEL SECURITY;"
            )
    return statements


def _option_statements(wanted: Relation, have: dict[str, str]) -> list[str]:
    keyword = KEYWORDS[wanted.kind]
    statements = []
    gone = sorted(k for k in have if k not in wanted.options)
    if gone:
        statements.append(f"ALTER {keyword} {wanted.name} RESET ({', '.join(gone)});")
    changed = {k: v for k, v in wanted.options.items() if have.get(k) != v}
    if changed:
        settings = ", ".join(f"{k} = {_value(v)}" for k, v in sorted(changed.items()))
        statements.append(f"ALTER {keyword} {wanted.name} SET ({settings});")
    return statements


def _value(value: str) -> str:
    # Option values are numbers, booleans or words (check_option=local); quote the rest.
    if value.replace(".", "", 1).isdigit() or value.isidentifier():
        return value
    return "'" + value.replace("'", "''") + "'"
