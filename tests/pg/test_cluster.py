"""Clusters canon owns: the embedded cluster and the in-memory scratch cluster beside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from canon.pg import cluster
from canon.pg.cluster import DEV_DATABASE, Cluster, destroy_with_scratch, memory_cluster
from tests.helpers import canon


def fake_cluster(root: Path, pid: int | None = None, port: int | None = None) -> Cluster:
    """A cluster folder holding only the files canon reads to tell whether it runs."""
    (root / "data").mkdir(parents=True)
    if pid is not None:
        (root / "data" / "postmaster.pid").write_text(f"{pid}\n/some/data\n")
    if port is not None:
        (root / "state.json").write_text(json.dumps({"port": port}))
    return Cluster(root)


def finished_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_pid_file_naming_a_running_process_means_running(tmp_path: Path) -> None:
    assert fake_cluster(tmp_path / "a", pid=os.getpid())._postmaster_alive()
    assert not fake_cluster(tmp_path / "b", pid=finished_pid())._postmaster_alive()
    assert not fake_cluster(tmp_path / "c")._postmaster_alive()
    garbled = fake_cluster(tmp_path / "d")
    (garbled.data_dir / "postmaster.pid").write_text("not a pid\n")
    assert not garbled._postmaster_alive()


def test_a_cluster_serves_its_own_loopback_port_only(tmp_path: Path) -> None:
    started = fake_cluster(tmp_path / "a", port=5999)
    assert started.serves("127.0.0.1", "5999") and started.serves("localhost", "5999")
    assert not started.serves("127.0.0.1", "5998")
    assert not started.serves("db.example.com", "5999")
    assert not fake_cluster(tmp_path / "b").serves("127.0.0.1", "5999")


def test_memory_cluster_is_paired_with_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "MEMORY_FOLDER", tmp_path)
    one, other = Cluster(tmp_path / "one"), Cluster(tmp_path / "two")
    first, second = memory_cluster(one), memory_cluster(other)
    assert first is not None and second is not None
    assert first.root != second.root and first.root.parent == tmp_path
    assert first.settings["autovacuum"] == "off"
    assert first.database is None  # it holds scratch databases only
    again = memory_cluster(Cluster(tmp_path / "one"))
    assert again is not None and again.root == first.root


def test_memory_cluster_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cluster.MEMORY_ENV, "off")
    assert memory_cluster(Cluster(tmp_path)) is None


def test_no_memory_cluster_where_memory_is_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "MEMORY_MIN_FREE", 1 << 60)
    assert memory_cluster(Cluster(tmp_path)) is None


@pytest.fixture
def own_embedded_cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """A second embedded cluster, outside pytest's 0700 folders, as canon's default."""
    root = Path(tempfile.mkdtemp(prefix="canon-embedded-"))
    root.chmod(0o711)
    embedded = Cluster(root / "pg")
    monkeypatch.setenv("CANON_HOME", str(embedded.root))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    try:
        if memory_cluster(embedded) is None:
            pytest.skip("this machine has no room for a cluster in /dev/shm")
        yield embedded
    finally:
        destroy_with_scratch(embedded)
        shutil.rmtree(root, ignore_errors=True)


def test_the_embedded_cluster_plans_in_memory_and_stops_with_it(
    own_embedded_cluster: Cluster, tmp_path: Path
) -> None:
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "t.sql").write_text("CREATE TABLE public.t (id int PRIMARY KEY);\n")
    code, out, err = canon("plan", "--schema-dir", str(schema))
    assert code == 2, err
    assert 'create table "public"."t"' in out.lower()
    memory = memory_cluster(own_embedded_cluster)
    assert memory is not None and memory.is_running()
    with psycopg.connect(memory.server().url("postgres")) as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert DEV_DATABASE not in names and any(n.startswith("canon_template_") for n in names)
    code, out, _ = canon("dev", "status")
    assert code == 0 and f"scratch: running on port {memory.server().port}" in out
    code, _, _ = canon("dev", "stop")
    assert code == 0
    assert not memory.root.exists() and not own_embedded_cluster.is_running()
