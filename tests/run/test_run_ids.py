"""Fleet runs in the journal: an apply records its run, and journals made before runs still read."""

from __future__ import annotations

import psycopg

from canon.pg.dburl import DatabaseUrl
from canon.run import history, journal
from tests.fleet.states import SHOP
from tests.helpers import canon


def test_a_journal_made_before_fleet_runs_still_reads_and_gains_the_column(empty_url: str) -> None:
    code, _, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(SHOP / "schema"),
        "--allow-hazards",
        "all",
    )
    assert code == 0, err
    with psycopg.connect(empty_url, autocommit=True) as conn:
        # As a journal of the version before run ids left it.
        conn.execute("ALTER TABLE canon.applies DROP COLUMN run_id")
        conn.execute(f"COMMENT ON SCHEMA canon IS 'canon journal {len(journal.UPGRADES)}'")
        assert not _has_run_ids(conn)
    url = DatabaseUrl.parse(empty_url)
    (entry,) = history.read(url)
    assert entry.outcome == "applied" and entry.run_id is None
    assert history.read(url, run_id="20260101T000000Z-abcdef") == ()
    with psycopg.connect(empty_url, autocommit=True) as conn:
        journal.ensure_schema(conn)
        assert _has_run_ids(conn)
        conn.execute("UPDATE canon.applies SET run_id = 'r1'")
    assert [e.id for e in history.read(url, run_id="r1")] == [entry.id]


def _has_run_ids(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'canon.applies'::regclass "
        "AND attname = 'run_id' AND NOT attisdropped)"
    ).fetchone()
    return bool(row and row[0])
