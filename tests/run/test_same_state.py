"""Rehearsal on a copy of the cached build whose state live is recorded in, instead of a dump."""

from __future__ import annotations

import psycopg

from canon.diff.fingerprint import fingerprint
from canon.errors import ignore
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.run.rehearsal import copy_of_same_state
from tests.helpers import TESTS, canon

V1 = TESTS / "projects" / "same_state_v1" / "schema"


def live_fingerprint(url: str) -> str:
    with db.reading(DatabaseUrl.parse(url)) as conn:
        return fingerprint(conn, EXCLUDED_SCHEMAS)


def copy_fingerprint(url: str) -> str | None:
    """The fingerprint of the copy rehearsal would use instead of a dump, or None."""
    with copy_of_same_state(DatabaseUrl.parse(url), live_fingerprint(url), ignore) as copy:
        return live_fingerprint(copy.conninfo()) if copy is not None else None


def test_a_database_in_a_recorded_state_is_copied_from_its_build(empty_url: str) -> None:
    assert copy_fingerprint(empty_url) is None  # nothing recorded yet
    assert canon("apply", "--database-url", empty_url, "--schema-dir", str(V1))[0] == 0
    assert copy_fingerprint(empty_url) == live_fingerprint(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE app.notes ADD COLUMN extra text")
    assert copy_fingerprint(empty_url) is None  # changed since: no build holds that state


def test_an_object_made_by_hand_sends_the_rehearsal_to_a_dump(empty_url: str) -> None:
    assert canon("apply", "--database-url", empty_url, "--schema-dir", str(V1))[0] == 0
    # Made by hand, of a kind canon does not manage: the fingerprint sees it, so live is
    # no longer in v1's state and the rehearsal copies live itself.
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TEXT SEARCH CONFIGURATION app.notes_search (COPY = pg_catalog.simple)")
    assert copy_fingerprint(empty_url) is None
    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(V1), "--strict")
    assert code == 2, out
