"""Catalog signatures name every object that differs, including what migra does not diff."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from canon.diff.catalog import Residual, residuals
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import reading as connect
from canon.pg.dburl import DatabaseUrl
from tests.helpers import canon


@pytest.fixture
def twin_url(empty_db: psycopg.Connection) -> Iterator[str]:
    """A second empty database on the same server, dropped afterwards."""
    info = empty_db.info
    base = f"postgresql://{info.user}@{info.host}:{info.port}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS canon_twin")
        admin.execute("CREATE DATABASE canon_twin TEMPLATE template0")
    try:
        yield f"{base}/canon_twin"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS canon_twin WITH (FORCE)")


def _run(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def test_residuals_name_objects_migra_does_not_diff(empty_url: str, twin_url: str) -> None:
    common = "CREATE TABLE public.t (id integer PRIMARY KEY); CREATE SEQUENCE public.s;"
    _run(empty_url, common)
    _run(
        twin_url,
        common
        + """
        ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
        ALTER TABLE public.t FORCE ROW LEVEL SECURITY;
        ALTER SEQUENCE public.s INCREMENT BY 5;
        CREATE SCHEMA extra;
    """,
    )
    live_url, target_url = DatabaseUrl.parse(empty_url), DatabaseUrl.parse(twin_url)
    with connect(live_url) as live, connect(target_url) as target:
        found = residuals(live, target, EXCLUDED_SCHEMAS)
        assert residuals(live, live, EXCLUDED_SCHEMAS) == []
    assert found == [
        Residual("schema", "extra", "missing"),
        Residual("sequence", "public.s", "differs"),
        Residual("table", "public.t", "differs"),
    ]
    assert found[0].describe() == "schema extra is in the files but not in the database"


def test_drift_strict_fails_on_residuals(empty_url: str, cwd_tmp: Path, tmp_path: Path) -> None:
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "t.sql").write_text(
        "CREATE TABLE public.t (id integer);\nCREATE UNIQUE INDEX t_id_key ON public.t (id);\n"
    )
    # An index another session is building right now is invalid, with the files' definition:
    # canon leaves it alone (no plan), and only the catalogs show that it is not done yet.
    _run(empty_url, "CREATE TABLE public.t (id integer); INSERT INTO public.t VALUES (1), (2);")
    with psycopg.connect(empty_url) as writer:
        writer.execute("INSERT INTO public.t VALUES (3)")  # the build waits for this writer
        build = threading.Thread(
            target=_run,
            args=(empty_url, "CREATE UNIQUE INDEX CONCURRENTLY t_id_key ON public.t (id)"),
        )
        build.start()
        _until_built_in_progress(empty_url)
        args = ("drift", "--database-url", empty_url, "--schema-dir", str(schema))
        code, out, _ = canon(*args)
        assert code == 0 and "index public.t_id_key differs from the files" in out
        code, out, _ = canon(*args, "--strict")
        assert code == 2 and "residual: 1 differences canon cannot plan" in out
        writer.rollback()
        build.join()


def _until_built_in_progress(url: str) -> None:
    deadline = time.monotonic() + 60
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_progress_create_index WHERE index_relid <> 0"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the concurrent build never started")
