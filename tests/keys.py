"""The key rule, checked on a real server: no prefix of an apply's steps leaves a table without its keys.

After every prefix of committed steps, every table that still exists has the primary key
and unique keys (unique constraints and unique indexes, exclusion constraints) of either
the live database as it was or the files. Keys are compared by what they enforce (their
kind and definition), not by name: a key rebuilt under a temporary name still counts.

``check_every_prefix`` replays the steps of an apply, as its journal recorded them, on a
fresh copy of the live side, one step at a time, and returns the first violation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import psycopg

from canon.files.sources import split_statements

Keys = dict[str, frozenset[str]]

KEYS_QUERY = """
SELECT format('%I.%I', n.nspname, t.relname),
       CASE WHEN i.indisprimary THEN 'primary key'
            WHEN co.contype = 'x' THEN 'exclusion'
            ELSE 'unique' END
       || ' ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^.*? ON (ONLY )?\\S+ ', '')
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint co ON co.conindid = i.indexrelid AND co.contype = 'x'
WHERE (i.indisunique OR co.contype = 'x') AND i.indisvalid AND t.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'canon')
"""

TABLES_QUERY = """
SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'canon')
"""

STEPS_QUERY = """
SELECT in_transaction, sql FROM canon.apply_steps
WHERE apply_id = (SELECT max(id) FROM canon.applies) ORDER BY step
"""


def keys(conn: psycopg.Connection) -> Keys:
    """Every table's keys, by what they enforce."""
    found: dict[str, set[str]] = {row[0]: set() for row in conn.execute(TABLES_QUERY)}
    for table, key in conn.execute(KEYS_QUERY):
        found.setdefault(table, set()).add(key)
    return {table: frozenset(k) for table, k in found.items()}


def violations(now: Keys, old: Keys, new: Keys) -> list[str]:
    """Tables that hold neither all their old keys nor all their new ones."""
    found = []
    for table, held in sorted(now.items()):
        wanted = [k for k in (old.get(table), new.get(table)) if k is not None]
        if wanted and not any(held >= k for k in wanted):
            missing = " / ".join(", ".join(sorted(k - held)) for k in wanted)
            found.append(f"{table} lacks {missing}")
    return found


def check_every_prefix(url: str, load_live: Callable[[str], None]) -> str | None:
    """Replay the last apply on ``url`` step by step on a fresh copy of live; the first breach.

    ``url`` holds the converged database; ``load_live`` loads the live side, as it was
    before the apply, into the database it is given.
    """
    with psycopg.connect(url) as conn:
        journal = conn.execute("SELECT to_regclass('canon.apply_steps')").fetchone()
        steps = conn.execute(STEPS_QUERY).fetchall() if journal and journal[0] else []
        new = keys(conn)
    if not steps:
        return None
    with _sibling_database(url) as copy_url, psycopg.connect(copy_url, autocommit=True) as copy:
        load_live(copy_url)
        old = keys(copy)
        for number, (transactional, sql) in enumerate(steps, 1):
            parts = [s.sql for s in split_statements(sql, f"step {number}")]
            if transactional:
                with copy.transaction():
                    for part in parts:
                        copy.execute(part.encode())
            else:
                for part in parts:
                    copy.execute(part.encode())
            breach = violations(keys(copy), old, new)
            if breach:
                return f"after step {number} of {len(steps)}: " + "; ".join(breach)
    return None


@contextlib.contextmanager
def _sibling_database(url: str) -> Iterator[str]:
    """An empty database beside ``url``'s, dropped at the end."""
    server, name = url.rsplit("/", 1)
    sibling = f"{name}_keys"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{sibling}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{sibling}" TEMPLATE template0')
    try:
        yield f"{server}/{sibling}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{sibling}" WITH (FORCE)')
