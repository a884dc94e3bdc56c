"""Background inspection: used when it is still true, never when live moved meanwhile."""

from __future__ import annotations

import psycopg

from canon.diff.fingerprint import fingerprint
from canon.inspection import prefetch
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import Connection, reading
from canon.pg.dburl import DatabaseUrl


def live_fingerprint(conn: Connection) -> str:
    return fingerprint(conn, EXCLUDED_SCHEMAS)


def finished(ahead: prefetch.Ahead) -> object:
    ahead.done.wait()
    assert not ahead.failed
    return ahead.result


def test_live_unchanged_since_its_inspection_is_not_inspected_again(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.early (id int)")
    with prefetch.inspection(live, EXCLUDED_SCHEMAS, live_fingerprint) as ahead:
        made = finished(ahead)
        with reading(live) as conn:
            model, _ = prefetch.Prefetched(live=ahead).models(
                conn, conn, frozenset(EXCLUDED_SCHEMAS), live_fingerprint(conn)
            )
        assert model is made
    assert '"public"."early"' in model.tables


def test_live_changed_after_its_inspection_is_inspected_again(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    with prefetch.inspection(live, EXCLUDED_SCHEMAS, live_fingerprint) as ahead:
        made = finished(ahead)
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE public.late (id int)")
        with reading(live) as conn:
            model, _ = prefetch.Prefetched(live=ahead).models(
                conn, conn, frozenset(EXCLUDED_SCHEMAS), live_fingerprint(conn)
            )
    assert model is not made
    assert '"public"."late"' in model.tables
