"""Backups: pg_dump and pg_restore, with the password passed in the environment, never argv.

``backup`` writes a custom-format archive (``pg_dump -Fc``) of the whole database;
``restore`` replays one (through ``pg_restore`` and ``psql``) in a single transaction,
so a failed restore changes nothing. ``dump_schema`` / ``load_dump`` are
the schema-only variants the rehearsal uses to copy the live schema.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from psycopg.conninfo import make_conninfo

from canon.errors import ConfigError, DatabaseError
from canon.pg import db, pgbin
from canon.pg.cluster import find_pg_bin  # noqa: F401  (kept for callers of this module)
from canon.pg.dburl import DatabaseUrl
from canon.pg.quoting import ident

BACKUP_DIR = Path("backups")


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int


def default_path(url: DatabaseUrl, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return BACKUP_DIR / f"{url.dbname}-{stamp}.dump"


def backup(url: DatabaseUrl, out: Path) -> Backup:
    """Dump the whole database (schema and data) to ``out`` in custom format."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    _run(url, "pg_dump", [*_lock_wait(url), "--format=custom", "--file", str(partial)])
    partial.replace(out)  # a dump that failed half-way never looks like a backup
    return Backup(out, out.stat().st_size)


def restore(url: DatabaseUrl, archive: Path) -> None:
    """Make the database hold what ``archive`` holds, all or nothing.

    Every schema in the archive (except ``public``, which PostgreSQL owns) is dropped
    with CASCADE first, so objects created after the backup cannot block the restore;
    schemas the archive does not know are left alone. Everything runs in one psql
    transaction: if any statement fails, nothing changes.
    """
    if not archive.is_file():
        raise ConfigError(f"backup file {archive} does not exist")
    listing = _run(url, "pg_restore", ["--list", str(archive)], connect=False)
    with tempfile.TemporaryDirectory(prefix="canon-restore-") as folder:
        preamble = Path(folder) / "drop-schemas.sql"
        preamble.write_text(
            "".join(
                f"DROP SCHEMA IF EXISTS {ident(name)} CASCADE;\n"
                for name in archive_schemas(listing)
                if name != "public"
            )
        )
        script = Path(folder) / "restore.sql"
        _run(
            url,
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--file", str(script), str(archive)],
            connect=False,
        )
        _run(
            url,
            "psql",
            [
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set",
                "ON_ERROR_STOP=1",
                "--file",
                str(preamble),
                "--file",
                str(script),
            ],
        )


def archive_schemas(listing: str) -> list[str]:
    """Schema names from ``pg_restore --list`` (lines like ``5; 2615 16385 SCHEMA - shop owner``)."""
    names = []
    for line in listing.splitlines():
        if line.startswith(";") or " SCHEMA - " not in line:
            continue
        names.append(line.split(" SCHEMA - ", 1)[1].rsplit(" ", 1)[0])
    return names


def dump_schema(url: DatabaseUrl, out: Path, exclude_schemas: tuple[str, ...] = ()) -> None:
    args = [*_lock_wait(url), "--schema-only", "--format=custom", "--file", str(out)]
    for schema in exclude_schemas:
        args += ["--exclude-schema", schema]
    _run(url, "pg_dump", args)


def schema_script(url: DatabaseUrl, exclude_schemas: tuple[str, ...] = ()) -> str:
    """``pg_dump --schema-only`` as a plain SQL script, without owners or tablespaces.

    Current pg_dump releases (15.18 here) bracket the script with ``\\restrict KEY`` and
    ``\\unrestrict KEY`` lines; they are psql commands, not SQL, and are left out.
    """
    args = [*_lock_wait(url), "--schema-only", "--no-owner", "--no-tablespaces"]
    args.append("--no-subscriptions")
    for schema in exclude_schemas:
        args += ["--exclude-schema", schema]
    return without_restrict_lines(_run(url, "pg_dump", args))


def without_restrict_lines(script: str) -> str:
    """The script less the ``\\restrict`` / ``\\unrestrict`` pair that fences it.

    Only lines carrying the script's own key go: the key is random, so no line of a
    function body or literal can match it by accident.
    """
    opening = re.search(r"^\\restrict (\S+)$", script, re.MULTILINE)
    if opening is None:
        return script
    key = re.escape(opening.group(1))
    return re.sub(rf"^\\(?:un)?restrict {key}\n?", "", script, flags=re.MULTILINE)


def _lock_wait(url: DatabaseUrl) -> list[str]:
    # pg_dump sets lock_timeout to 0 for its session: its own option bounds its table locks.
    timeout = url.setting("lock_timeout")
    return [f"--lock-wait-timeout={timeout}"] if timeout and timeout not in {"0", "0ms"} else []


def load_dump(url: DatabaseUrl, archive: Path, keep_owners: bool = False) -> None:
    """Restore a dump; objects keep their owners only when asked (it takes a superuser)."""
    owners = [] if keep_owners else ["--no-owner"]
    _run(url, "pg_restore", ["--single-transaction", "--exit-on-error", *owners, str(archive)])


def _run(url: DatabaseUrl, tool: str, args: list[str], connect: bool = True) -> str:
    binary = pgbin.tool(tool, _server_major(url))
    params = {k: v for k, v in url.libpq_params().items() if k != "password"}
    params.setdefault("application_name", db.application_name())
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    target = ["--dbname", make_conninfo("", **params)] if connect else []
    result = subprocess.run(
        [str(binary), *target, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
        errors = [ln for ln in lines if "error:" in ln.lower()] or lines
        reason = url.scrub(errors[0] if errors else f"exit status {result.returncode}")
        raise DatabaseError(f"{tool} failed on {url.masked()}: {reason}")
    return result.stdout


def _server_major(url: DatabaseUrl) -> int | None:
    """The server's major version, to pick programs that can talk to it; None if unreachable.

    An unreachable server is left for the program itself to report.
    """
    try:
        with db.connect(url, autocommit=True) as conn:
            return db.server_version(conn) // 10000
    except DatabaseError:
        return None
