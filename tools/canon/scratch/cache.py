"""Scratch databases: databases built from the schema files, which nothing writes to.

Building a scratch database means running every schema statement, which costs
seconds to minutes on large schemas. So the files are loaded once per content hash
into a cached database (``canon_template_<key>``) on the scratch server, and later
commands read that database as it is. The key covers every byte of every file, so a
cached database can only ever serve the exact files it was built from.

Nothing canon does writes to a scratch database: it is inspected and compared, never
changed. That is what lets commands share one cached database instead of copying it
(``CREATE DATABASE … TEMPLATE`` copies every file of a database, which on a large
schema costs as much as building it), and lets the command that builds it use the
build itself. Sessions on a cached database default to read-only transactions, so a
slip cannot change what later plans compare against.

A cached database is published atomically: it is built under a private name, then
renamed once no session is left on it. A name of the cached form therefore always
means a complete build; two processes racing on the same files both get a correct one
(the loser of the rename drops its copy), and an advisory lock keeps the second one
waiting instead of building twice. Each command keeps a session open on the cached
database it reads, so pruning (only the few most recently used are kept) cannot drop
it from under the command.

Where they are built (``template_host``): when live is canon's embedded cluster, on the
in-memory scratch cluster beside it, where creating thousands of relation files costs
no disk; else on the live server when the role may create databases (same version and
extensions as live); else on canon's own cluster.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Callable, Iterator, Sequence

import psycopg

from canon import __version__
from canon.pg import db
from canon.files import loadorder
from canon.pg import quoting
from canon.pg import switches
from canon.pg.cluster import MEMORY_ENV, MEMORY_FOLDER, dev_cluster, memory_cluster
from canon.pg.dburl import DatabaseUrl
from canon.errors import DatabaseError, SourceError
from canon.files.sources import Statement

SCRATCH_PREFIX = "canon_scratch_"
TEMPLATE_PREFIX = "canon_template_"
BUILD_PREFIX = "canon_build_"
KEEP_TEMPLATES = 3
# They may be held in memory: past this size in all, the least recently used go first.
KEEP_BYTES = 1 << 30
# Bump when the way files become a database changes, so older templates are not reused.
LOADER_VERSION = "3"
# Set to "off" to build every scratch database from the files (no template cache).
CACHE_ENV = "CANON_SCRATCH_CACHE"

# Statements per round trip when loading; a failing batch is rerun one statement at a time.
BATCH_STATEMENTS = 250
BATCH_CHARS = 512 * 1024

DISK_FULL = "53100"

# A statement failing with one of these may only be waiting for an object defined later.
MISSING_DEPENDENCY = {
    "3F000",  # invalid_schema_name
    "42P01",  # undefined_table
    "42704",  # undefined_object (types, ...)
    "42883",  # undefined_function
    "42703",  # undefined_column
}

Warn = Callable[[str], None]


def _ignore(_: str) -> None:
    pass


@contextlib.contextmanager
def scratch_database(
    live: DatabaseUrl, statements: Sequence[Statement], warn: Warn = _ignore
) -> Iterator[DatabaseUrl]:
    """A database holding ``statements``, for reading only, on the scratch server.

    It is the cached database built from exactly these statements (see the module's
    docstring), unless ``CANON_SCRATCH_CACHE=off`` asks for a fresh build, which is
    dropped on success, error and Ctrl-C.
    """
    host = template_host(live, warn)
    if not cache_enabled():
        with empty_database(host) as url:
            with db.connect(url) as conn:
                load_statements(conn, statements)
                conn.commit()
            yield url
        return
    with _cached_database(host, statements, statements_digest(statements)) as url:
        yield url


def statements_digest(statements: Sequence[Statement]) -> str:
    """A hash of exactly what would be loaded, and where each statement was written.

    It is computed from the statements rather than taken from the caller, so whatever
    shapes them (file contents, rendering, configuration) cannot be left out of it.
    """
    h = hashlib.sha256()
    for statement in statements:
        h.update(f"{statement.path}\0{statement.line}\0{len(statement.sql)}\0".encode())
        h.update(statement.sql.encode())
    return h.hexdigest()


def cache_enabled() -> bool:
    return switches.is_on(CACHE_ENV)


def template_key(digest: str, role: str) -> str:
    """The cached database's key: the statements' hash plus what turns them into a database.

    The role is part of it because a role can only prune databases it owns.
    """
    seed = f"{digest}\0{role}\0{LOADER_VERSION}\0{__version__}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def template_name(key: str) -> str:
    return TEMPLATE_PREFIX + key


@contextlib.contextmanager
def _cached_database(
    host: DatabaseUrl, statements: Sequence[Statement], digest: str
) -> Iterator[DatabaseUrl]:
    with db.connect(host, autocommit=True) as conn:
        key = template_key(digest, _current_role(conn))
        name = template_name(key)
        with _unless_built(host, conn, statements, key) as building:
            if building is not None:
                yield building
                return
        _touch(conn, name)
        prune_templates(conn, keep=name)
    try:
        held = db.connect(host.with_dbname(name))
    except DatabaseError:
        # Pruned by another process between our check and our connection: build it again.
        name = ensure_template(host, statements, digest)
        held = db.connect(host.with_dbname(name))
    with held:
        yield host.with_dbname(name)


def ensure_template(host: DatabaseUrl, statements: Sequence[Statement], digest: str) -> str:
    """The name of the cached database for the statements on ``host``, built if need be."""
    with db.connect(host, autocommit=True) as conn:
        key = template_key(digest, _current_role(conn))
        with _unless_built(host, conn, statements, key):
            pass
        _touch(conn, template_name(key))
        prune_templates(conn, keep=template_name(key), budget=KEEP_BYTES)
    return template_name(key)


@contextlib.contextmanager
def _unless_built(
    host: DatabaseUrl, conn: psycopg.Connection, statements: Sequence[Statement], key: str
) -> Iterator[DatabaseUrl | None]:
    """None when the cached database exists; else a new build of it (see ``_build``)."""
    if _database_exists(conn, template_name(key)):
        yield None
        return
    with _advisory_lock(conn, key):
        # Whoever held the lock before us may have just built it.
        if _database_exists(conn, template_name(key)):
            yield None
            return
        with _build(host, conn, statements, key) as url:
            yield url


@contextlib.contextmanager
def _build(
    host: DatabaseUrl, conn: psycopg.Connection, statements: Sequence[Statement], key: str
) -> Iterator[DatabaseUrl]:
    """A new build of the statements, which serves the block, then is published.

    The caller holds the builders' lock on ``conn`` throughout, so others wait and
    then read the published database.
    """
    building = f"{BUILD_PREFIX}{key}_{secrets.token_hex(4)}"
    _create_database(conn, building, "template0")
    published = False
    try:
        with db.connect(host.with_dbname(building)) as build_conn:
            load_statements(build_conn, statements)
            build_conn.commit()
        try:
            yield host.with_dbname(building)
        finally:
            published = _publish(conn, building, template_name(key))
    finally:
        if not published:
            drop_database(host, building)
    if published:
        _touch(conn, template_name(key))
        prune_templates(conn, keep=template_name(key), budget=KEEP_BYTES)


def _current_role(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT current_user").fetchone()
    return str(row[0]) if row else ""


def _publish(conn: psycopg.Connection, building: str, name: str) -> bool:
    """Make a finished build read-only and give it the cached name; False if that fails."""
    quoted = quoting.ident(building)
    try:
        conn.execute(f"ALTER DATABASE {quoted} SET default_transaction_read_only = on")
        conn.execute(f"ALTER DATABASE {quoted} RENAME TO {quoting.ident(name)}")
    except psycopg.Error:
        # Another process published the same files first (theirs is as good), or a
        # session on the build is still open: either way this copy is dropped.
        return False
    return True


def _touch(conn: psycopg.Connection, name: str) -> None:
    """Record when the template was last used, so pruning keeps the ones in use."""
    with contextlib.suppress(psycopg.Error):
        conn.execute(
            f"COMMENT ON DATABASE {quoting.ident(name)} IS "
            f"'canon template, last used {time.time():.3f}'"
        )


def prune_templates(
    conn: psycopg.Connection, keep: str, count: int = KEEP_TEMPLATES, budget: float | None = None
) -> list[str]:
    """Keep the ``count`` most recently used templates, within ``budget`` bytes when given.

    ``keep`` always stays, and so does a template another command is reading. Sizes only
    change when a template is added, so only the command that built one gives a budget.
    """
    rows = conn.execute(
        "SELECT d.datname, coalesce(shobj_description(d.oid, 'pg_database'), ''), "
        "EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid), "
        "CASE WHEN %s AND has_database_privilege(d.oid, 'CONNECT') "
        "THEN pg_database_size(d.oid) END "
        "FROM pg_database d WHERE starts_with(d.datname, %s)",
        (budget is not None, TEMPLATE_PREFIX),
    ).fetchall()
    budget = budget if budget is not None else float("inf")
    kept, total = 1, sum(r[3] or 0 for r in rows if r[0] == keep)
    others = sorted((r for r in rows if r[0] != keep), key=lambda r: _last_used(r[1]), reverse=True)
    dropped = []
    for name, _, in_use, size in others:
        if in_use or (kept < count and total + (size or 0) <= budget):
            # Kept: it fits, or another command is reading it (a later prune may drop it).
            kept, total = kept + 1, total + (size or 0)
            continue
        # One another role owns cannot be dropped by us: it stays. A session opened
        # since the query above makes the drop fail: the database stays for now.
        with contextlib.suppress(psycopg.Error):
            conn.execute(f"DROP DATABASE IF EXISTS {quoting.ident(name)}")
            dropped.append(name)
    return dropped + drop_abandoned(conn)


def drop_abandoned(conn: psycopg.Connection) -> list[str]:
    """Drop the builds and scratch databases whose command was killed.

    A builder holds the builders' lock of its key, and the creator of a scratch database
    a lock named after it, from before the database exists until it is published or
    dropped. So the databases are listed first and the locks read after: one with no
    session and no lock held has nobody left to finish or drop it.
    """
    candidates = [row[0] for row in conn.execute(
        "SELECT d.datname FROM pg_database d "
        "WHERE (starts_with(d.datname, %s) OR starts_with(d.datname, %s)) "
        "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid)",
        (BUILD_PREFIX, SCRATCH_PREFIX),
    )]
    if not candidates:
        return []
    held = {(int(high) << 32) | int(low) for high, low in conn.execute(
        "SELECT classid, objid FROM pg_locks "
        "WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
    )}
    dropped = []
    for name in candidates:
        prefix = BUILD_PREFIX if name.startswith(BUILD_PREFIX) else SCRATCH_PREFIX
        try:
            lock_id = _lock_id(name[len(prefix):].split("_", 1)[0])
        except ValueError:
            continue  # not a name canon gave
        if lock_id in held:
            continue
        with contextlib.suppress(psycopg.Error):
            conn.execute(f"DROP DATABASE IF EXISTS {quoting.ident(name)}")
            dropped.append(name)
    return dropped


def _lock_id(key: str) -> int:
    return int(key[:15], 16)


def _last_used(comment: str) -> float:
    try:
        return float(comment.rsplit(" ", 1)[-1])
    except ValueError:
        return 0.0


def _database_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@contextlib.contextmanager
def _advisory_lock(conn: psycopg.Connection, key: str) -> Iterator[None]:
    """A lock for ``key`` (hex), held by ``conn``; released with the connection on any exit."""
    lock_id = _lock_id(key)
    conn.execute("SELECT pg_advisory_lock(%s)", (lock_id,))
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))


@contextlib.contextmanager
def empty_database(host: DatabaseUrl, template: str = "template0") -> Iterator[DatabaseUrl]:
    """A freshly created database with an unguessable name on ``host``'s server.

    Its creator holds a lock named after it for as long as it lives, so that a prune can
    tell one whose command was killed (see ``drop_abandoned``).
    """
    token = secrets.token_hex(8)
    name = SCRATCH_PREFIX + token
    with db.connect(host, autocommit=True) as conn, _advisory_lock(conn, token):
        _create_database(conn, name, template)
        try:
            yield host.with_dbname(name)
        finally:
            drop_database(host, name)


def _create_database(conn: psycopg.Connection, name: str, template: str) -> None:
    try:
        conn.execute(f"CREATE DATABASE {quoting.ident(name)} TEMPLATE {quoting.ident(template)}")
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot create a scratch database: {db.describe(exc)}", exc.sqlstate) from None


def drop_database(host: DatabaseUrl, name: str) -> None:
    with db.connect(host, autocommit=True) as conn:
        force = " WITH (FORCE)" if db.server_version(conn) >= 130000 else ""
        conn.execute(f"DROP DATABASE IF EXISTS {quoting.ident(name)}{force}")


def template_host(live: DatabaseUrl, warn: Warn = _ignore) -> DatabaseUrl:
    """Where databases built from the files, and copies of live, go.

    When live is canon's embedded cluster, that is the in-memory scratch cluster beside
    it (same binaries, so the same version and extensions), unless live has tablespaces
    of its own, which files may name and which exist only there; otherwise
    ``scratch_host``. On a server other than live's, live's roles are created first, so
    that grants, owners and policies name roles that exist.
    """
    embedded = dev_cluster()
    if embedded.serves(live.get("host"), live.get("port")):
        roles, own_tablespaces = _roles_and_tablespaces(live)
        memory = None if own_tablespaces else memory_cluster(embedded)
        if memory is not None:
            host = DatabaseUrl.parse(memory.ensure_started().url("postgres"))
            create_roles(host, roles)
            return host
    host = scratch_host(live, warn)
    if not same_server(host, live):
        create_roles(host, _roles_and_tablespaces(live)[0])
    return host


def same_server(one: DatabaseUrl, other: DatabaseUrl) -> bool:
    return one.get("host") == other.get("host") and one.get("port") == other.get("port")


ROLES_QUERY = "SELECT rolname FROM pg_roles WHERE NOT starts_with(rolname, 'pg_')"


def _roles_and_tablespaces(live: DatabaseUrl) -> tuple[set[str], bool]:
    """Live's roles, and whether it has tablespaces besides the two every server has."""
    with db.connect(live, autocommit=True) as conn:
        roles = {row[0] for row in conn.execute(ROLES_QUERY)}
        row = conn.execute(
            "SELECT count(*) FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')"
        ).fetchone()
    return roles, bool(row and row[0])


def create_roles(host: DatabaseUrl, roles: set[str]) -> list[str]:
    """Create on ``host`` (without login) those of ``roles`` it lacks; return their names."""
    created = []
    with db.connect(host, autocommit=True) as conn:
        present = {row[0] for row in conn.execute(ROLES_QUERY)}
        for name in sorted(roles - present):
            # Another command may create the same role at the same moment: theirs will do.
            with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                conn.execute(f"CREATE ROLE {quoting.ident(name)} NOLOGIN")
                created.append(name)
    return created


def scratch_host(live: DatabaseUrl, warn: Warn = _ignore) -> DatabaseUrl:
    """The live server when it lets us create databases, else canon's own (scratch) cluster."""
    with db.connect(live, autocommit=True) as conn:
        live_version = db.server_version(conn)
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if row and row[0]:
        return live
    embedded = dev_cluster()
    server = (memory_cluster(embedded) or embedded).ensure_started()
    local = DatabaseUrl.parse(server.url("postgres"))
    with db.connect(local, autocommit=True) as conn:
        local_version = db.server_version(conn)
    if local_version // 10000 != live_version // 10000:
        warn(
            f"the live server (PostgreSQL {live_version // 10000}) does not allow CREATE DATABASE; "
            f"the scratch database runs on the embedded PostgreSQL {local_version // 10000}, "
            "so version-specific differences may show in the plan"
        )
    return local


def load_statements(conn: psycopg.Connection, statements: Sequence[Statement]) -> None:
    """Run ``statements`` in the connection's transaction, in order where order allows.

    Each statement first moves after those defining what it names (``loadorder``).
    Statements travel in batches, one round trip each. When a batch fails, the failing
    statement runs alone, so that an error names its own file and line, and one that
    needs an object defined further on waits for a later pass. Passes repeat until
    everything ran or a pass makes no progress.
    """
    pending: list[Statement] = loadorder.ordered(statements)
    while pending:
        waiting = _load_pass(conn, pending)
        if len(waiting) == len(pending):
            first = waiting[0]
            raise statement_error(first.statement, first.error)
        pending = [missing.statement for missing in waiting]


class _Missing(Exception):
    def __init__(self, statement: Statement, error: psycopg.Error) -> None:
        super().__init__(statement.sql)
        self.statement = statement
        self.error = error


def _load_pass(conn: psycopg.Connection, statements: Sequence[Statement]) -> list[_Missing]:
    """Run what can run now; return the statements still waiting for something."""
    waiting: list[_Missing] = []
    for batch in batches(statements):
        _run_in_parts(conn, batch, waiting)
    return waiting


def _run_in_parts(conn: psycopg.Connection, batch: Sequence[Statement], waiting: list[_Missing]) -> None:
    """Run ``batch``; when it fails, run the failing statement alone and the rest in batches.

    The failing statement is found from the error's position when PostgreSQL gives one,
    else by halving the batch: a few round trips instead of one per statement.
    """
    pending = list(batch)
    while pending:
        if len(pending) == 1:
            index = 0
        else:
            error = _run_batch(conn, pending)
            if error is None:
                return
            found = _failed_index(pending, error)
            if found is None:
                half = len(pending) // 2
                _run_in_parts(conn, pending[:half], waiting)
                pending = pending[half:]
                continue
            index = found
        if index:
            _run_in_parts(conn, pending[:index], waiting)  # they ran, then were rolled back
        missing = _run_one(conn, pending[index])
        if missing is not None:
            waiting.append(missing)
        pending = pending[index + 1:]


def batches(
    statements: Sequence[Statement], size: int = BATCH_STATEMENTS, chars: int = BATCH_CHARS
) -> Iterator[list[Statement]]:
    """Consecutive runs of statements, bounded in count and in length."""
    batch: list[Statement] = []
    length = 0
    for statement in statements:
        if batch and (len(batch) >= size or length + len(statement.sql) > chars):
            yield batch
            batch, length = [], 0
        batch.append(statement)
        length += len(statement.sql)
    if batch:
        yield batch


BATCH_HEAD = "SAVEPOINT canon_batch;\n"
BATCH_SEPARATOR = "\n;\n"


def _run_batch(conn: psycopg.Connection, batch: Sequence[Statement]) -> psycopg.Error | None:
    """Run ``batch`` as one simple-protocol query under a savepoint; the error if it failed."""
    # A newline before each ';' ends any trailing line comment in a statement.
    body = BATCH_SEPARATOR.join(statement.sql for statement in batch)
    try:
        conn.execute(f"{BATCH_HEAD}{body}{BATCH_SEPARATOR}RELEASE SAVEPOINT canon_batch")
    except psycopg.Error as exc:
        conn.execute("ROLLBACK TO SAVEPOINT canon_batch")
        return exc
    return None


def _failed_index(batch: Sequence[Statement], error: psycopg.Error) -> int | None:
    """Which statement of a batch failed, from the error's position in the batch's text."""
    position = error.diag.statement_position
    if not position:
        return None
    offset = int(position) - 1 - len(BATCH_HEAD)  # in characters, as PostgreSQL counts them
    start = 0
    for index, statement in enumerate(batch):
        end = start + len(statement.sql)
        if start <= offset < end:
            return index
        start = end + len(BATCH_SEPARATOR)
    return None


def _run_one(conn: psycopg.Connection, statement: Statement) -> _Missing | None:
    """Run one statement under a savepoint; a missing object defers it, other errors raise."""
    conn.execute("SAVEPOINT canon_statement")
    try:
        conn.execute(statement.sql)
    except psycopg.Error as exc:
        if exc.sqlstate == DISK_FULL:
            raise out_of_room(statement, exc) from None
        if exc.sqlstate not in MISSING_DEPENDENCY:
            raise statement_error(statement, exc) from None
        conn.execute("ROLLBACK TO SAVEPOINT canon_statement")
        return _Missing(statement, exc)
    conn.execute("RELEASE SAVEPOINT canon_statement")
    return None


def out_of_room(statement: Statement, exc: psycopg.Error) -> DatabaseError:
    """The scratch server filled up: not the statement's fault, though it is where it happened."""
    return DatabaseError(
        f"the scratch server ran out of room at {statement.path}:{statement.line} "
        f"({db.describe(exc)}); on canon's in-memory scratch cluster, free room in "
        f"{MEMORY_FOLDER} or set {MEMORY_ENV}=off to build on disk",
        exc.sqlstate,
    )


def statement_error(statement: Statement, exc: psycopg.Error) -> SourceError:
    """A PostgreSQL error, placed at the file and line of the statement that caused it."""
    position = exc.diag.statement_position
    line = statement.line_of(int(position) if position else None)
    return SourceError(statement.path, line, db.describe(exc), exc.sqlstate)
