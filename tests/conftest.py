"""Shared fixtures: one real PostgreSQL cluster for the session, started by canon's own code.

pytest-postgresql's process fixture cannot start PostgreSQL as root, so the session
cluster comes from ``canon.cluster`` (the same code as the embedded dev cluster) and is
plugged into pytest-postgresql with ``postgresql_noproc``: each test gets its own
database, cloned from a template.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql import factories
from pytest_postgresql.executors.noop import NoopExecutor

from canon.pg.cluster import Cluster, destroy_with_scratch

from .helpers import PROJECT, load_project_schema

TEST_CLUSTER_ENV = "CANON_TEST_CLUSTER"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[NoopExecutor]:
    """A cluster outside pytest's 0700 temp folder, so the server account can reach it."""
    root = Path(tempfile.mkdtemp(prefix="canon-test-"))
    cluster = Cluster(root)
    server = cluster.ensure_started()
    base = NoopExecutor(
        host=server.host, port=server.port, user=server.user, options="", dbname="tests"
    )
    # Fixtures built with depends_on clone the base's template database.
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{base.template_dbname}" TEMPLATE template0')
    # Anything that would fall back to the embedded cluster uses this one instead.
    previous = os.environ.get("CANON_HOME")
    os.environ["CANON_HOME"] = str(root)
    try:
        yield base
    finally:
        if previous is None:
            os.environ.pop("CANON_HOME", None)
        else:
            os.environ["CANON_HOME"] = previous
        destroy_with_scratch(cluster)
        shutil.rmtree(root, ignore_errors=True)


empty_proc = factories.postgresql_noproc(depends_on="pg_server", dbname="canon_empty")
empty_db = factories.postgresql("empty_proc")

project_proc = factories.postgresql_noproc(
    depends_on="pg_server", dbname="canon_project", load=[load_project_schema]
)
project_db = factories.postgresql("project_proc")


@pytest.fixture
def cwd_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def connection_url(conn: psycopg.Connection) -> str:
    info = conn.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"


@pytest.fixture
def empty_url(empty_db: psycopg.Connection) -> str:
    return connection_url(empty_db)


@pytest.fixture
def project_url(project_db: psycopg.Connection) -> str:
    return connection_url(project_db)


@pytest.fixture
def project_root() -> Path:
    return PROJECT
