"""A fleet to test against: ten databases in the states ``shop/layout.txt`` names, on two servers.

The first server is the session's cluster (canon's embedded cluster for these tests); the
second is another cluster started with canon's own code, for this module's tests.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from canon.diff.fingerprint import fingerprint
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.cluster import Cluster, Server, destroy_with_scratch
from tests.helpers import canon

from .states import SHOP, layout, load_state, states


@pytest.fixture(scope="module")
def second_server() -> Iterator[Server]:
    root = Path(tempfile.mkdtemp(prefix="canon-test-second-"))
    cluster = Cluster(root, database=None)
    try:
        yield cluster.ensure_started()
    finally:
        destroy_with_scratch(cluster)
        shutil.rmtree(root, ignore_errors=True)


def made_from(server: str, state: str, database: str) -> str:
    """A new database on ``server`` (a URL without database) in ``state`` (``shop/states.txt``)."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    url = f"{server}/{database}"
    load_state(url, state)
    return url


def drop(url: str) -> None:
    server, _, database = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@dataclass(frozen=True)
class Oracle:
    """What each state needs, found by planning one database of it alone, once per module."""

    needs: dict[str, tuple[str, ...]]  # the statements ``canon plan`` finds, by state
    converged: str  # the schema fingerprint of a database as the files say


@pytest.fixture(scope="module")
def oracle(pg_server: NoopExecutor) -> Iterator[Oracle]:
    server = f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}"
    token = secrets.token_hex(3)
    urls = {state: made_from(server, state, f"oracle_{token}_{state}") for state in states()}
    try:
        needs = {}
        for state, url in urls.items():
            code, out, err = canon(
                "plan",
                "--database-url",
                url,
                "--schema-dir",
                str(SHOP / "schema"),
                "--format",
                "json",
            )
            assert code in (0, 2), err
            document = json.loads(out) if out else {"steps": []}
            needs[state] = tuple(s["sql"] for step in document["steps"] for s in step["statements"])
        yield Oracle(needs, schema_fingerprint(urls["current"]))
    finally:
        for url in urls.values():
            drop(url)


def schema_fingerprint(url: str) -> str:
    with psycopg.connect(url) as conn:
        return fingerprint(conn, EXCLUDED_SCHEMAS)


@dataclass(frozen=True)
class Fleet:
    project: Path
    urls: dict[str, str]  # by short name
    states: dict[str, str]  # the file of states/ each database was made from

    def named(self, *states: str) -> list[str]:
        """The databases made in any of ``states``, in the layout's order."""
        return [name for name, state in self.states.items() if state in states]

    def add(self, name: str, url: str) -> None:
        """List one more database in the fleet file (one no server answers, say)."""
        with (self.project / "fleet.txt").open("a") as fleet_file:
            fleet_file.write(f"{name}  {url}\n")


@pytest.fixture
def fleet(
    pg_server: NoopExecutor,
    second_server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Fleet]:
    """The shop project in a folder of its own (the working directory), its fleet built."""
    project = tmp_path / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns("*.txt", "states"))
    servers = {
        "first": f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}",
        "second": f"postgresql://{second_server.user}@{second_server.host}:{second_server.port}",
    }
    token = secrets.token_hex(3)
    urls, states = {}, {}
    for name, server, state in layout():
        urls[name] = made_from(servers[server], state, f"fleet_{token}_{name}")
        states[name] = state
    (project / "fleet.txt").write_text("".join(f"{n}  {u}\n" for n, u in urls.items()))
    monkeypatch.chdir(project)
    monkeypatch.setenv("CANON_CACHE_DIR", str(tmp_path / "cache"))
    try:
        yield Fleet(project, urls, states)
    finally:
        for url in urls.values():
            drop(url)


def closed_port() -> int:
    """A port nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a server too slow to reach."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])
