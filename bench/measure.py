"""Timed runs of PostgreSQL's own tools, raw migra and ``canon plan``, each as a process."""

from __future__ import annotations

import compileall
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from canon.files.sources import find_files
from canon.pg.cluster import Server, find_pg_bin

REPO = Path(__file__).resolve().parent.parent
CANON = REPO / ".venv" / "bin" / "canon"


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    stderr: str


def run(argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a process; wall time and its own peak memory (not the benchmark's)."""
    # Write back what earlier runs left in the page cache (databases created, loaded and
    # dropped), so that no run pays for the one before it.
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    assert proc.stderr is not None
    # Read stderr before waiting, so a chatty process cannot block on a full pipe.
    stderr = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, stderr)


def compile_canon() -> None:
    """Compile canon's modules once, as an installation does, so no run pays for it."""
    compileall.compile_dir(str(REPO / "tools" / "canon"), quiet=1)


class Bench:
    """Helpers bound to one PostgreSQL server started for the benchmark."""

    def __init__(self, server: Server, cluster_root: Path, workdir: Path) -> None:
        self.server = server
        self.bindir = find_pg_bin()
        self.workdir = workdir
        self.env = dict(os.environ)
        # canon runs as installed: from compiled bytecode (see ``compile_canon``).
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        # canon's embedded cluster and plan cache stay inside the benchmark's folders.
        self.env["CANON_HOME"] = str(cluster_root)
        self.env["CANON_CACHE_DIR"] = str(workdir / "canon-cache")
        self.env.pop("DATABASE_URL", None)
        self.in_memory: Bench | None = None  # the same helpers on the in-memory scratch cluster

    def url(self, dbname: str) -> str:
        return self.server.url(dbname)

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def server_version(self) -> str:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "?"

    def create_database(self, prefix: str, template: str = "template0") -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_canon_databases(self) -> None:
        """Forget every cached template, so the next plan is truly cold."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'canon\\_%'"
                )
            ]
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql_load(self, dbname: str, paths: Sequence[Path]) -> Run:
        files = [arg for path in paths for arg in ("-f", str(path))]
        result = run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-1",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.url(dbname),
                *files,
            ],
            env=self.env,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql could not load the files: {result.stderr.strip()}")
        return result

    def pg_dump(self, dbname: str) -> Run:
        return run(
            [
                str(self.bindir / "pg_dump"),
                "--schema-only",
                "-f",
                os.devnull,
                "-d",
                self.url(dbname),
            ],
            env=self.env,
        )

    def floor(self, paths: Sequence[Path]) -> float:
        """PostgreSQL's own speed: load the files in one transaction, then dump the schema."""
        name = self.create_database("bench_floor")
        try:
            return self.psql_load(name, paths).seconds + self.pg_dump(name).seconds
        finally:
            self.drop_database(name)

    def raw_migra(self, source: str, target: str) -> Run:
        sa = "postgresql+psycopg://"
        argv = [
            sys.executable,
            "-m",
            "bench.raw_migra",
            self.url(source).replace("postgresql://", sa),
            self.url(target).replace("postgresql://", sa),
        ]
        result = run(argv, env=self.env, cwd=REPO)
        if result.returncode != 0:
            raise RuntimeError(f"raw migra failed: {result.stderr.strip()}")
        return result

    def forget_templates(self) -> None:
        """Drop canon's databases here and on the in-memory cluster: no build is cached."""
        self.drop_canon_databases()
        if self.in_memory is not None:
            self.in_memory.drop_canon_databases()

    def canon(
        self,
        command: str,
        live: str,
        schema_dir: Path,
        expect: set[int],
        extra_env: dict[str, str] | None = None,
    ) -> Run:
        """``canon COMMAND`` as a user runs it; ``expect`` is the exit codes that mean it worked."""
        env = dict(self.env, **(extra_env or {}))
        result = run(
            [
                str(CANON),
                command,
                "--database-url",
                self.url(live),
                "--schema-dir",
                str(schema_dir),
            ],
            env=env,
            cwd=self.workdir,
        )
        if result.returncode not in expect:
            raise RuntimeError(
                f"canon {command} exited {result.returncode}, expected {expect}: "
                f"{result.stderr.strip()[-600:]}"
            )
        return result

    def seed(self, live: str, seeds_dir: Path) -> None:
        """``canon seed``: the reference data a project's drift check compares."""
        argv = [str(CANON), "seed", "--database-url", self.url(live), "--seeds-dir", str(seeds_dir)]
        result = run(argv, env=self.env, cwd=self.workdir)
        if result.returncode != 0:
            raise RuntimeError(f"canon seed failed: {result.stderr.strip()[-600:]}")


@dataclass(frozen=True)
class Subject:
    """A schema to measure: how to write its files, plain or with a numbered 5% change."""

    name: str
    tables: int
    write: Callable[[Path, int | None, str], Path]
    # The files psql loads, in an order it can load them (``psql`` cannot defer statements).
    psql_files: Callable[[Path, str], list[Path]] = lambda schema, url: find_files(schema)
    # Reference data loaded after an apply (``write`` puts a copy beside the schema folder).
    seeds: Path | None = None
