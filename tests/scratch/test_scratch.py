"""Scratch databases and their template cache: fast, but never stale and never left behind."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

import psycopg
import pytest

from canon.errors import DatabaseError, SourceError
from canon.files.project import resolve_project
from canon.files.sources import Statement
from canon.pg.cluster import MEMORY_ENV, _server_account, dev_cluster, memory_cluster
from canon.pg.dburl import DatabaseUrl
from canon.plan import shortcut as cache
from canon.scratch import cache as scratch
from canon.scratch import host as hosts
from canon.scratch import loader
from tests.helpers import canon


@pytest.fixture(autouse=True, params=["in memory", "on the live server"])
def scratch_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with scratch databases on both servers canon may build them on."""
    if request.param == "on the live server":
        monkeypatch.setenv(MEMORY_ENV, "off")
    elif memory_cluster(dev_cluster()) is None:
        pytest.skip("this machine has no room for a cluster in /dev/shm")
    return str(request.param)


def databases(url: str, prefix: str) -> list[str]:
    """The databases named ``prefix…`` on the server where scratch databases for ``url`` go."""
    host = hosts.template_host(DatabaseUrl.parse(url))
    with psycopg.connect(host.conninfo()) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY oid", (prefix,)
        ).fetchall()
    return [r[0] for r in rows]


def leftovers(url: str) -> list[str]:
    return databases(url, scratch.SCRATCH_PREFIX) + databases(url, scratch.BUILD_PREFIX)


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tables.sql").write_text(text)
    return folder


def plan(url: str, schema: Path) -> tuple[int, str, str]:
    return canon("plan", "--database-url", url, "--schema-dir", str(schema))


def statements(*sqls: str, path: str = "s.sql") -> list[Statement]:
    return [Statement(sql, path, number) for number, sql in enumerate(sqls, start=1)]


@pytest.fixture(autouse=True)
def private_plan_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "plan-cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    return folder


def test_an_edited_file_is_never_served_from_the_old_template(
    empty_url: str, tmp_path: Path
) -> None:
    schema = write(tmp_path / "schema", "CREATE TABLE public.t (id int PRIMARY KEY, a text);\n")
    code, out, _ = plan(empty_url, schema)
    assert code == 2 and '"a" text' in out and '"b"' not in out
    write(schema, "CREATE TABLE public.t (id int PRIMARY KEY, a text, b int);\n")
    code, out, _ = plan(empty_url, schema)
    assert code == 2 and '"b" integer' in out
    assert leftovers(empty_url) == []


def test_unchanged_files_reuse_one_template(empty_url: str, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema", "CREATE TABLE public.reused (id int);\n")
    plan(empty_url, schema)
    first = set(databases(empty_url, scratch.TEMPLATE_PREFIX))
    plan(empty_url, schema)
    assert set(databases(empty_url, scratch.TEMPLATE_PREFIX)) == first


def test_old_templates_are_pruned(empty_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema"
    for number in range(scratch.KEEP_TEMPLATES + 2):
        write(schema, f"CREATE TABLE public.t{number} (id int);\n")
        assert plan(empty_url, schema)[0] == 2
    assert len(databases(empty_url, scratch.TEMPLATE_PREFIX)) == scratch.KEEP_TEMPLATES


def test_templates_past_the_size_budget_are_pruned(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = tmp_path / "schema"
    before = set(databases(empty_url, scratch.TEMPLATE_PREFIX))
    write(schema, "CREATE TABLE public.small (id int);\n")
    assert plan(empty_url, schema)[0] == 2
    assert len(set(databases(empty_url, scratch.TEMPLATE_PREFIX)) - before) == 1
    monkeypatch.setattr(scratch, "KEEP_BYTES", 1)  # room for the newest only
    write(schema, "CREATE TABLE public.small (id int, more int);\n")
    assert plan(empty_url, schema)[0] == 2
    assert len(databases(empty_url, scratch.TEMPLATE_PREFIX)) == 1


def test_a_failing_load_names_file_and_line_and_leaves_nothing(
    empty_url: str, tmp_path: Path
) -> None:
    templates = databases(empty_url, scratch.TEMPLATE_PREFIX)
    sql = "CREATE TABLE public.a (id int);\nCREATE TABLE public.b (id nosuchtype);\n"
    code, _, err = plan(empty_url, write(tmp_path / "schema", sql))
    assert code == 1 and "tables.sql:2" in err and "nosuchtype" in err
    assert leftovers(empty_url) == []
    assert databases(empty_url, scratch.TEMPLATE_PREFIX) == templates


def test_interrupted_build_leaves_nothing(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(conn: psycopg.Connection, *_: object) -> None:
        conn.execute("CREATE TABLE half_done (id int)")
        raise KeyboardInterrupt

    monkeypatch.setattr(scratch, "build", interrupted)
    live = DatabaseUrl.parse(empty_url)
    with pytest.raises(KeyboardInterrupt):
        with scratch.scratch_database(live, statements("CREATE TABLE public.never (id int)")):
            pass
    assert leftovers(empty_url) == []


def test_an_interrupted_plan_leaves_the_cached_database_intact(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    wanted = statements("CREATE TABLE public.c (id int)")
    host = hosts.template_host(live)
    name = scratch.ensure_template(host, wanted, scratch.statements_digest(wanted))
    with pytest.raises(KeyboardInterrupt), scratch.scratch_database(live, wanted) as url:
        assert url.dbname == name
        raise KeyboardInterrupt
    assert name in databases(empty_url, scratch.TEMPLATE_PREFIX)
    assert leftovers(empty_url) == []


def test_the_first_build_serves_its_command_then_is_shared(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    wanted = statements("CREATE TABLE public.first (id int)")
    before = databases(empty_url, scratch.TEMPLATE_PREFIX)
    with scratch.scratch_database(live, wanted) as url:
        # No copy is made for the command that builds: it works on the build itself.
        assert url.dbname.startswith(scratch.BUILD_PREFIX)
        with psycopg.connect(url.conninfo()) as conn:
            assert conn.execute("SELECT to_regclass('public.first') IS NOT NULL").fetchone() == (
                True,
            )
        assert databases(empty_url, scratch.TEMPLATE_PREFIX) == before
    published = set(databases(empty_url, scratch.TEMPLATE_PREFIX)) - set(before)
    assert len(published) == 1 and leftovers(empty_url) == []
    with scratch.scratch_database(live, wanted) as url:
        assert {url.dbname} == published  # read as it is: no copy
    assert set(databases(empty_url, scratch.TEMPLATE_PREFIX)) - set(before) == published
    assert leftovers(empty_url) == []


def test_the_cached_database_refuses_writes(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    wanted = statements("CREATE TABLE public.kept (id int)")
    scratch.ensure_template(hosts.template_host(live), wanted, scratch.statements_digest(wanted))
    with scratch.scratch_database(live, wanted) as url, psycopg.connect(url.conninfo()) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("DROP TABLE public.kept")


def test_a_cached_database_in_use_is_not_pruned(empty_url: str, tmp_path: Path) -> None:
    live = DatabaseUrl.parse(empty_url)
    wanted = statements("CREATE TABLE public.busy (id int)")
    with scratch.scratch_database(live, wanted):
        pass
    with scratch.scratch_database(live, wanted) as url:
        for number in range(scratch.KEEP_TEMPLATES + 1):
            assert (
                plan(
                    empty_url,
                    write(tmp_path / f"s{number}", f"CREATE TABLE public.p{number} (id int);\n"),
                )[0]
                == 2
            )
        assert url.dbname in databases(empty_url, scratch.TEMPLATE_PREFIX)


def test_a_build_still_in_use_is_dropped_not_published(empty_url: str) -> None:
    live = DatabaseUrl.parse(empty_url)
    wanted = statements("CREATE TABLE public.held (id int)")
    before = databases(empty_url, scratch.TEMPLATE_PREFIX)
    with scratch.scratch_database(live, wanted) as url:
        lingering = psycopg.connect(url.conninfo())
    try:
        # A template must never be published while a session could still change it.
        assert databases(empty_url, scratch.TEMPLATE_PREFIX) == before
    finally:
        lingering.close()
    assert leftovers(empty_url) == []


def test_a_build_left_by_a_killed_builder_goes_at_the_next_prune(empty_url: str) -> None:
    host = hosts.template_host(DatabaseUrl.parse(empty_url))
    abandoned = f"{scratch.BUILD_PREFIX}{'a' * 32}_{secrets.token_hex(4)}"
    building = f"{scratch.BUILD_PREFIX}{'b' * 32}_{secrets.token_hex(4)}"
    with (
        psycopg.connect(host.conninfo(), autocommit=True) as conn,
        psycopg.connect(host.conninfo(), autocommit=True) as builder,
    ):
        for name in (abandoned, building):
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        # A live builder holds the builders' lock of its key for as long as it builds.
        builder.execute("SELECT pg_advisory_lock(%s)", (scratch._lock_id("b" * 32),))
        assert scratch.drop_abandoned(conn) == [abandoned]
        assert databases(empty_url, scratch.BUILD_PREFIX) == [building]
        builder.execute("SELECT pg_advisory_unlock_all()")
        assert scratch.drop_abandoned(conn) == [building]
    assert leftovers(empty_url) == []


def test_a_scratch_database_of_a_killed_command_goes_at_the_next_prune(empty_url: str) -> None:
    host = hosts.template_host(DatabaseUrl.parse(empty_url))
    abandoned = f"{scratch.SCRATCH_PREFIX}{secrets.token_hex(8)}"
    with psycopg.connect(host.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{abandoned}" TEMPLATE template0')
        with scratch.empty_database(host) as in_use:
            # No session on it yet: only its creator's lock keeps it.
            assert scratch.drop_abandoned(conn) == [abandoned]
            assert databases(empty_url, scratch.SCRATCH_PREFIX) == [in_use.dbname]
    assert leftovers(empty_url) == []


def test_concurrent_builders_publish_one_template(empty_url: str) -> None:
    host = hosts.template_host(DatabaseUrl.parse(empty_url))
    wanted = statements(*(f"CREATE TABLE public.race{n} (id int)" for n in range(30)))
    digest = scratch.statements_digest(wanted)
    names: list[str] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            names.append(scratch.ensure_template(host, wanted, digest))
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(names)) == 1 and names[0] in databases(empty_url, scratch.TEMPLATE_PREFIX)
    assert leftovers(empty_url) == []


def test_scratch_databases_of_the_embedded_cluster_live_in_memory(
    empty_url: str, scratch_server: str
) -> None:
    live = DatabaseUrl.parse(empty_url)
    host = hosts.template_host(live)
    assert hosts.same_server(host, live) == (scratch_server == "on the live server")
    with psycopg.connect(host.conninfo()) as conn:
        row = conn.execute("SELECT current_setting('data_directory')").fetchone()
    assert row is not None and row[0].startswith("/dev/shm/") == (scratch_server == "in memory")


def test_files_may_grant_to_roles_only_live_has(empty_url: str, tmp_path: Path) -> None:
    # A new name each time: a role once copied to the scratch server stays there.
    role = f"canon_test_reader_{secrets.token_hex(4)}"
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} NOLOGIN")
    sql = f"CREATE TABLE public.shared (id int);\nGRANT SELECT ON public.shared TO {role};\n"
    code, out, err = plan(empty_url, write(tmp_path / "schema", sql))
    assert code == 2, err
    assert f"grant select on table public.shared to {role};" in out.lower()


def test_live_with_tablespaces_of_its_own_keeps_scratch_databases_beside_it(empty_url: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="canon-tablespace-"))
    account = _server_account()
    if account is not None:
        os.chown(folder, account.pw_uid, account.pw_gid)
    space = f"canon_test_space_{secrets.token_hex(4)}"
    live = DatabaseUrl.parse(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {space} LOCATION '{folder}'")
    try:
        # Files may name it, and it exists on live's server only.
        assert hosts.same_server(hosts.template_host(live), live)
    finally:
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute(f"DROP TABLESPACE {space}")
        shutil.rmtree(folder, ignore_errors=True)


def test_a_role_that_may_not_create_databases_plans_on_canons_cluster(
    empty_url: str, tmp_path: Path, scratch_server: str
) -> None:
    owner = f"canon_test_owner_{secrets.token_hex(4)}"
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN NOCREATEDB")
        conn.execute(f"CREATE DATABASE {owner} OWNER {owner}")
    server = DatabaseUrl.parse(empty_url)
    live = f"postgresql://{owner}@{server.get('host')}:{server.get('port')}/{owner}"
    try:
        host = hosts.template_host(DatabaseUrl.parse(live))
        # Off the live server only when the scratch cluster is in memory: the embedded
        # cluster is this very server in the tests.
        assert hosts.same_server(host, server) == (scratch_server == "on the live server")
        code, out, err = plan(
            live, write(tmp_path / "schema", "CREATE TABLE public.mine (id int);\n")
        )
        assert code == 2, err
        assert 'create table "public"."mine"' in out.lower()
    finally:
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {owner} WITH (FORCE)")


def test_statements_load_across_batches_in_any_order(empty_db: psycopg.Connection) -> None:
    view = "CREATE VIEW public.v AS SELECT id FROM public.late"
    filler = [f"CREATE TABLE public.f{n} (id int)" for n in range(loader.BATCH_STATEMENTS + 5)]
    loader.load_statements(empty_db, statements(view, *filler, "CREATE TABLE public.late (id int)"))
    empty_db.commit()
    assert empty_db.execute("SELECT count(*) FROM public.v").fetchone() == (0,)


def test_error_in_the_middle_of_a_batch_names_its_line(empty_db: psycopg.Connection) -> None:
    sqls = [
        "CREATE TABLE public.ok1 (id int)",
        "CREATE TABLE public.bad (id int,\n  x nosuch)",
        "CREATE TABLE public.ok2 (id int)",
    ]
    with pytest.raises(SourceError) as raised:
        loader.load_statements(
            empty_db, [Statement(s, "f.sql", 10 * n) for n, s in enumerate(sqls)]
        )
    assert (raised.value.path, raised.value.line) == ("f.sql", 11)


def test_a_full_scratch_server_is_not_blamed_on_the_files(empty_db: psycopg.Connection) -> None:
    full = "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
    with pytest.raises(DatabaseError) as raised:
        loader.load_statements(empty_db, statements("CREATE TABLE public.fine (id int)", full))
    message = str(raised.value)
    assert "ran out of room at s.sql:2" in message and "could not extend file" in message
    assert "CANON_SCRATCH_MEMORY=off" in message


def test_batches_are_bounded() -> None:
    many = statements(*(["SELECT 1"] * 600))
    assert [len(b) for b in loader.batches(many, size=250)] == [250, 250, 100]
    assert [len(b) for b in loader.batches(many[:3], chars=10)] == [1, 1, 1]


def test_no_change_shortcut_follows_files_and_live(
    empty_url: str, tmp_path: Path, private_plan_cache: Path
) -> None:
    schema = write(tmp_path / "schema", "CREATE TABLE public.s (id int);\n")
    canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))
    live = DatabaseUrl.parse(empty_url)
    assert plan(empty_url, schema)[0] == 0
    probe = cache.check(live, resolve_project(schema, live))
    assert probe is not None and probe.hit
    # The live schema changes: the shortcut must not answer.
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.extra (id int)")
    code, out, _ = plan(empty_url, schema)
    assert code == 2 and "drop table" in out.lower()
    # A file changes: the shortcut must not answer either.
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("DROP TABLE public.extra")
    assert plan(empty_url, schema)[0] == 0
    write(schema, "CREATE TABLE public.s (id int, more text);\n")
    probe = cache.check(live, resolve_project(schema, live))
    assert probe is not None and not probe.hit
    code, out, _ = plan(empty_url, schema)
    assert code == 2 and '"more"' in out


def test_no_change_shortcut_sees_what_only_canon_plans(
    empty_url: str, tmp_path: Path, private_plan_cache: Path
) -> None:
    sql = "CREATE TABLE public.t (id int);\nCREATE SEQUENCE public.s OWNED BY public.t.id;\n"
    schema = write(tmp_path / "schema", sql)
    canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))
    assert plan(empty_url, schema)[0] == 0
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("ALTER SEQUENCE public.s OWNED BY NONE")
    code, out, _ = plan(empty_url, schema)
    assert code == 2 and "owned by" in out.lower()


def test_shortcut_fingerprint_is_canons_fingerprint(empty_url: str, tmp_path: Path) -> None:
    from canon.diff.fingerprint import fingerprint
    from canon.managed import EXCLUDED_SCHEMAS
    from canon.pg import db

    schema = write(tmp_path / "schema", "CREATE TABLE public.fp (id int CHECK (id > 0));\n")
    canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))
    live = DatabaseUrl.parse(empty_url)
    with db.reading(live) as conn:
        expected = fingerprint(conn, EXCLUDED_SCHEMAS)
    with db.connect(live, autocommit=True) as raw:
        assert cache._identity_and_fingerprint(raw, live)[1] == expected


def test_shortcut_off(monkeypatch: pytest.MonkeyPatch, empty_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv(cache.SWITCH_ENV, "off")
    schema = write(tmp_path / "schema", "CREATE TABLE public.o (id int);\n")
    live = DatabaseUrl.parse(empty_url)
    assert cache.check(live, resolve_project(schema, live)) is None


def test_scratch_inspected_ahead_is_handed_out_once(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from canon.inspection import engine, prefetch
    from canon.managed import EXCLUDED_SCHEMAS

    live = DatabaseUrl.parse(empty_url)
    calls: list[str] = []
    real = engine.load_engine

    def counting() -> object:
        calls.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(engine, "load_engine", counting)
    with scratch.scratch_database(live, statements("CREATE TABLE public.ahead (id int)")) as url:
        with prefetch.inspection(url, EXCLUDED_SCHEMAS) as ahead:
            first = ahead.take(EXCLUDED_SCHEMAS)
            assert first is not None and '"public"."ahead"' in first.tables
            assert calls == ["canon-inspect"]  # inspected in the background only
            assert ahead.take(EXCLUDED_SCHEMAS) is None  # a result is never handed out twice
    assert leftovers(empty_url) == []


def test_leaving_early_stops_the_background_inspection(empty_url: str) -> None:
    from canon.inspection import prefetch
    from canon.managed import EXCLUDED_SCHEMAS

    live = DatabaseUrl.parse(empty_url)
    with scratch.scratch_database(live, statements("CREATE TABLE public.early (id int)")) as url:
        with prefetch.inspection(url, EXCLUDED_SCHEMAS):
            pass
        assert not [t for t in threading.enumerate() if t.name == "canon-inspect"]
    assert leftovers(empty_url) == []
