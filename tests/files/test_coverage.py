"""Coverage fails closed: every kind of object is managed or refused, and refusals say so.

The catalog walk asks PostgreSQL itself which catalogs hold objects of a schema (those
with a foreign key to pg_namespace or pg_class, and schemas themselves), runs ``coverage/every_kind.sql`` one
statement at a time, and names what each statement made as pg_identify_object does.
Every kind found must be one canon manages (and sees: its signatures change) or one it
refuses (both in the files and, as drift, on live); and every such catalog must have
been reached by the sample, so a kind PostgreSQL adds cannot go unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from canon.diff import catalog, fingerprint
from canon.diff.kinds import REGISTRY
from canon.errors import SourceError
from canon.files import coverage
from canon.files.sources import parse_statements, read_schema
from canon.managed import EXCLUDED_SCHEMAS
from tests.helpers import TESTS

DATA = TESTS / "files" / "coverage"
SAMPLE = DATA / "every_kind.sql"

CATALOGS = """
SELECT DISTINCT fk.fktable::text FROM pg_get_catalog_foreign_keys() fk
WHERE fk.pktable IN ('pg_namespace'::regclass, 'pg_class'::regclass) AND NOT fk.is_array
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = fk.fktable AND a.attname = 'oid')
UNION SELECT 'pg_namespace'
ORDER BY 1
"""

TYPE_KINDS = {
    "b": "base type",
    "c": "composite type",
    "d": "domain",
    "e": "enum type",
    "m": "multirange type",
    "p": "shell type",
    "r": "range type",
}


def objects(conn: psycopg.Connection, catalogs: list[str]) -> set[tuple[str, str, str]]:
    """(catalog, kind, identity) of every object users made: not PostgreSQL's, not made
    for another object (array and row types, constraint indexes), not an extension's."""
    found = set()
    for name in catalogs:
        kind = "i.type"
        if name == "pg_type":
            kind = "CASE x.typtype " + " ".join(
                f"WHEN '{letter}' THEN '{label}'" for letter, label in TYPE_KINDS.items()
            )
            kind += " END"
        rows = conn.execute(
            f"SELECT {kind}, i.identity FROM {name} x "
            f"CROSS JOIN LATERAL pg_identify_object('{name}'::regclass, x.oid, 0) i "
            "WHERE x.oid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_depend d "
            f"WHERE d.classid = '{name}'::regclass AND d.objid = x.oid AND d.deptype IN ('e', 'i'))"
        )
        found.update((name, kind_name, identity) for kind_name, identity in rows)
    return found


def test_every_kind_of_object_is_managed_or_refused(empty_db: psycopg.Connection) -> None:
    conn = empty_db
    conn.autocommit = True
    catalogs = [row[0] for row in conn.execute(CATALOGS)]
    registered = {kind.name for kind in REGISTRY}
    reached: set[str] = set()
    kinds_seen: set[str] = set()
    for statement, node in parse_statements(SAMPLE.read_text(), SAMPLE.name):
        before, seen_before = objects(conn, catalogs), _signatures(conn)
        conn.execute(statement.sql)
        made = objects(conn, catalogs) - before
        refused = coverage.refusal(statement.kind, node, statement.sql)
        # What lives outside every schema (a foreign-data wrapper) is not canon's either.
        assert made or refused is not None, f"{statement.sql!r} makes nothing canon manages"
        reached |= {name for name, _, _ in made}
        kinds = {kind for _, kind, _ in made}
        kinds_seen |= kinds
        neither = kinds - coverage.MANAGED_OBJECTS.keys() - coverage.REFUSED_OBJECTS.keys()
        assert not neither, f"neither managed nor refused: {neither} ({statement.sql})"
        if kinds & coverage.REFUSED_OBJECTS.keys():
            assert refused is not None, f"canon must refuse {statement.sql!r} in the files"
        if refused is None:
            assert {coverage.MANAGED_OBJECTS[k] for k in kinds} <= registered
            # Managed means seen: what the statement made shows in canon's signatures.
            assert _signatures(conn) != seen_before, f"canon does not see {statement.sql!r}"
    unreached = set(catalogs) - reached
    assert not unreached, f"every_kind.sql makes no object in {sorted(unreached)}"
    # What the sample refuses is on this database as it could be on live: it is drift.
    unmanaged = {name for kind, name in _signatures(conn) if kind.startswith("unmanaged ")}
    assert len(unmanaged) >= len(kinds_seen & coverage.REFUSED_OBJECTS.keys())
    print(f"catalog walk: {len(catalogs)} catalogs, {len(kinds_seen)} kinds: {sorted(kinds_seen)}")


def _signatures(conn: psycopg.Connection) -> catalog.Signatures:
    return catalog.signatures(conn, EXCLUDED_SCHEMAS) | {
        ("fingerprint", ""): fingerprint.fingerprint(conn, EXCLUDED_SCHEMAS)
    }


def refused_files() -> list[Path]:
    return sorted((DATA / "refused").glob("*.sql"))


EXPECTED = re.compile(r"^-- refused at line (\d+): (.+)$", re.MULTILINE)


@pytest.mark.parametrize("path", refused_files(), ids=lambda p: p.stem)
def test_refused_statements_name_file_line_and_what(path: Path) -> None:
    # Each file says where canon must stop and what the message holds.
    expected = EXPECTED.search(path.read_text())
    assert expected is not None, f"{path.name} lacks a '-- refused at line N: …' header"
    with pytest.raises(SourceError) as raised:
        read_schema(path)
    assert raised.value.line == int(expected.group(1))
    assert f"{path.name}:{expected.group(1)}: " in str(raised.value)
    assert expected.group(2) in str(raised.value)
    assert "\n" not in str(raised.value)
