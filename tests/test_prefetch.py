"""Background inspection: used when it is still true, never when live moved meanwhile."""

from __future__ import annotations

import psycopg

from canon.diff import compare as diff
from canon.inspection import prefetch
from canon.pg.dburl import DatabaseUrl
from canon.managed import EXCLUDED_SCHEMAS


def finished_job(url: DatabaseUrl) -> object:
    job = prefetch._jobs[url.dbname]
    job.done.wait()
    assert not job.failed
    return job.result


def test_live_unchanged_since_its_inspection_is_not_inspected_again(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.early (id int)")
    with prefetch.inspection(live, EXCLUDED_SCHEMAS, changing=True):
        ahead = finished_job(live)
        with diff.connect(live) as conn:
            assert diff.inspect(conn) is ahead
    assert '"public"."early"' in ahead.tables  # type: ignore[attr-defined]


def test_live_changed_after_its_inspection_is_inspected_again(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    with prefetch.inspection(live, EXCLUDED_SCHEMAS, changing=True):
        ahead = finished_job(live)
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE public.late (id int)")
        with diff.connect(live) as conn:
            model = diff.inspect(conn)
    assert model is not ahead
    assert '"public"."late"' in model.tables
