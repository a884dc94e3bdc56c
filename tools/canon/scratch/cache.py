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

Where they are built is ``host``'s business, how statements are loaded ``loader``'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Iterator, Sequence

import psycopg

from canon import __version__
from canon.errors import DatabaseError, Warn, ignore
from canon.files.sources import Statement
from canon.pg import db, quoting, switches
from canon.pg.dburl import DatabaseUrl
from canon.scratch.host import template_host
from canon.scratch.loader import build

SCRATCH_PREFIX = "canon_scratch_"
TEMPLATE_PREFIX = "canon_template_"
BUILD_PREFIX = "canon_build_"
KEEP_TEMPLATES = 3
# They may be held in memory: past this size in all, the least recently used go first.
KEEP_BYTES = 1 << 30
# Bump when the way files become a database changes, so older templates are not reused.
LOADER_VERSION = "4"
# Set to "off" to build every scratch database from the files (no template cache).
CACHE_ENV = "CANON_SCRATCH_CACHE"


@contextlib.contextmanager
def scratch_database(
    live: DatabaseUrl,
    statements: Sequence[Statement],
    warn: Warn = ignore,
    default_owner: str | None = None,
    *,
    host: DatabaseUrl | None = None,
) -> Iterator[DatabaseUrl]:
    """A database holding ``statements``, for reading only, on the scratch server.

    It is the cached database built from exactly these statements (see the module's
    docstring), unless ``CANON_SCRATCH_CACHE=off`` asks for a fresh build, which is
    dropped on success, error and Ctrl-C. ``default_owner`` owns whatever the files
    give no owner (see ``owners``). ``host`` is the scratch server when the caller chose
    it (a fleet shares one), else the one that suits ``live``.
    """
    host = host or template_host(live, warn)
    if not cache_enabled():
        with empty_database(host) as url:
            with db.connect(url) as conn:
                build(conn, statements, default_owner)
                conn.commit()
            yield url
        return
    digest = statements_digest(statements, default_owner)
    with _cached_database(host, statements, digest, default_owner) as url:
        yield url


def statements_digest(statements: Sequence[Statement], default_owner: str | None = None) -> str:
    """A hash of exactly what would be loaded, and where each statement was written.

    It is computed from the statements rather than taken from the caller, so whatever
    shapes them (file contents, rendering, configuration) cannot be left out of it.
    """
    h = hashlib.sha256(f"{default_owner}\0".encode())
    for statement in statements:
        for part in (*statement.session, statement):
            h.update(f"{part.path}\0{part.line}\0{len(part.sql)}\0".encode())
            h.update(part.sql.encode())
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


def cached_name(url: DatabaseUrl) -> str | None:
    """The cached name of the database ``url`` points to (a build's once published), or None."""
    name = url.get("dbname") or ""
    if name.startswith(TEMPLATE_PREFIX):
        return name
    if name.startswith(BUILD_PREFIX):  # BUILD_PREFIX + key + "_" + token
        return template_name(name[len(BUILD_PREFIX) :].split("_", 1)[0])
    return None


@contextlib.contextmanager
def _cached_database(
    host: DatabaseUrl, statements: Sequence[Statement], digest: str, default_owner: str | None
) -> Iterator[DatabaseUrl]:
    with db.connect(host, autocommit=True) as conn:
        key = template_key(digest, _current_role(conn))
        name = template_name(key)
        with _unless_built(host, conn, statements, key, default_owner) as building:
            if building is not None:
                yield building
                return
        _touch(conn, name)
        prune_templates(conn, keep=name)
    try:
        held = db.connect(host.with_dbname(name))
    except DatabaseError:
        # Pruned by another process between our check and our connection: build it again.
        name = ensure_template(host, statements, digest, default_owner)
        held = db.connect(host.with_dbname(name))
    with held:
        yield host.with_dbname(name)


def ensure_template(
    host: DatabaseUrl,
    statements: Sequence[Statement],
    digest: str,
    default_owner: str | None = None,
) -> str:
    """The name of the cached database for the statements on ``host``, built if need be."""
    with db.connect(host, autocommit=True) as conn:
        key = template_key(digest, _current_role(conn))
        with _unless_built(host, conn, statements, key, default_owner):
            pass
        _touch(conn, template_name(key))
        prune_templates(conn, keep=template_name(key), budget=KEEP_BYTES)
    return template_name(key)


@contextlib.contextmanager
def _unless_built(
    host: DatabaseUrl,
    conn: psycopg.Connection,
    statements: Sequence[Statement],
    key: str,
    default_owner: str | None,
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
        with _build(host, conn, statements, key, default_owner) as url:
            yield url


@contextlib.contextmanager
def _build(
    host: DatabaseUrl,
    conn: psycopg.Connection,
    statements: Sequence[Statement],
    key: str,
    default_owner: str | None,
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
            build(build_conn, statements, default_owner)
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
    candidates = [
        row[0]
        for row in conn.execute(
            "SELECT d.datname FROM pg_database d "
            "WHERE (starts_with(d.datname, %s) OR starts_with(d.datname, %s)) "
            "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid)",
            (BUILD_PREFIX, SCRATCH_PREFIX),
        )
    ]
    if not candidates:
        return []
    held = {
        (int(high) << 32) | int(low)
        for high, low in conn.execute(
            "SELECT classid, objid FROM pg_locks "
            "WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
        )
    }
    dropped = []
    for name in candidates:
        prefix = BUILD_PREFIX if name.startswith(BUILD_PREFIX) else SCRATCH_PREFIX
        try:
            lock_id = _lock_id(name[len(prefix) :].split("_", 1)[0])
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
    return (
        conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
    )


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
        raise DatabaseError(
            f"cannot create a scratch database: {db.describe(exc)}", exc.sqlstate
        ) from None


def drop_database(host: DatabaseUrl, name: str) -> None:
    with db.connect(host, autocommit=True) as conn:
        force = " WITH (FORCE)" if db.server_version(conn) >= 130000 else ""
        conn.execute(f"DROP DATABASE IF EXISTS {quoting.ident(name)}{force}")
