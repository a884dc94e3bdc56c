"""The live fingerprint: whatever canon plans must change it, or the no-change shortcut lies."""

from __future__ import annotations

import psycopg
import pytest

from canon.diff.fingerprint import fingerprint
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import reading
from canon.pg.dburl import DatabaseUrl

BASE = """
CREATE SCHEMA app;
CREATE TABLE app.parent (id int PRIMARY KEY);
CREATE TABLE app.child (id int PRIMARY KEY, n int);
CREATE SEQUENCE app.counter;
CREATE TYPE app.span AS RANGE (subtype = int4);
"""

# Each a change to live that canon plans (or refuses), and that migra's inspection misses.
CHANGES = {
    "table options": "ALTER TABLE app.child SET (fillfactor = 70)",
    "inheritance": "ALTER TABLE app.child INHERIT app.parent",
    "sequence owner": "ALTER SEQUENCE app.counter OWNED BY app.child.n",
    "default privileges": "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC",
    "publication": "CREATE PUBLICATION canon_fp FOR TABLE app.child",
    "publication tables": "ALTER PUBLICATION canon_fp_all ADD TABLE app.parent",
    "collation": 'CREATE COLLATION app.binary FROM "C"',
    "range": "DROP TYPE app.span; CREATE TYPE app.span AS RANGE (subtype = int8)",
}


def live_fingerprint(url: str) -> str:
    with reading(DatabaseUrl.parse(url)) as conn:
        return fingerprint(conn, EXCLUDED_SCHEMAS)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_canon_plans_changes_the_fingerprint(empty_url: str, change: str) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(BASE)
        conn.execute("CREATE PUBLICATION canon_fp_all FOR TABLE app.child")
    before = live_fingerprint(empty_url)
    assert live_fingerprint(empty_url) == before  # stable while nothing changes
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(change)
    assert live_fingerprint(empty_url) != before
