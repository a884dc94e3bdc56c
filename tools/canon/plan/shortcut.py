"""The no-change shortcut: skip the scratch database and the diff when nothing can have changed.

A plan that found no changes proves one fact: files with these exact inputs, planned
against a live schema with this exact fingerprint, need nothing. While both stay the
same, the next plan would be empty too, so ``canon plan`` can answer from that fact
after one catalog query instead of building and diffing.

The fact comes from one of two places. A plan that found nothing keeps it in the
project's ``.canon/cache/`` folder (``CANON_CACHE_DIR`` to move it), one entry per
server and database; planning never writes to the database it plans for, and works
with a read-only role. An apply that converged keeps it on live itself, in
``canon.converged`` (``plan.converged``), where every checkout sees it: ``canon plan``
and ``canon drift`` use that record, ``drift`` never the local file, so a CI gate
never rests on a local file. ``apply`` always plans.

The inputs hashed are every file under the schema folder (any suffix), the settings
file beside it and the resolved tenant list: a superset of what shapes a plan, so a
change to any of them misses the cache. The fingerprint query is the one
``canon.fingerprint`` runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from canon import __version__
from canon.diff.fingerprint import FINGERPRINT_QUERY
from canon.errors import CanonError
from canon.files.project import Project
from canon.files.tenants import Tenant
from canon.managed import CANON_SCHEMA
from canon.pg import db, switches
from canon.pg.cluster import project_root
from canon.pg.dburl import DatabaseUrl
from canon.plan import converged

CACHE_DIR_ENV = "CANON_CACHE_DIR"
# Set to "off" to make every plan build and diff.
SWITCH_ENV = "CANON_PLAN_CACHE"
CACHE_FILE = "clean-plans.json"
FORMAT = "1"
CONFIG_NAME = "canon.toml"


@dataclass(frozen=True)
class Probe:
    """What the live database and the files look like now, and whether a no-change plan covers it."""

    entry_key: str
    inputs: str
    fingerprint: str
    hit: bool
    # The record on live that answered, when it was that record (not the local file).
    record: converged.Record | None = None


def check(live_url: DatabaseUrl, project: Project, local: bool = True) -> Probe | None:
    """A probe for ``canon plan`` (or, with ``local`` off, ``canon drift``).

    None when the shortcut is off or cannot be taken: any trouble here (unreadable
    files, a failing query) is left for the full plan to report with its usual message,
    so the shortcut never changes what a user sees; but a lock timeout or a lost server
    is reported at once, as the full plan would only meet it again after as long a wait.
    """
    if not enabled():
        return None
    try:
        return probe(live_url, project.schema_dir, tenant_ids(project.tenants), local)
    except psycopg.Error as exc:
        if db.waiting_again(exc):
            raise
        return None
    except (CanonError, OSError, ValueError, LookupError, SyntaxError):
        return None


def record(before: Probe, project: Project, live_fingerprint: str) -> bool:
    """After a plan with no changes: remember it, if nothing moved meanwhile."""
    try:
        return remember(before, project.schema_dir, tenant_ids(project.tenants), live_fingerprint)
    except (CanonError, psycopg.Error, OSError, ValueError):
        return False


def project_inputs(project: Project) -> str:
    """``inputs_digest`` of the project's files, settings and tenants."""
    return inputs_digest(project.schema_dir, tenant_ids(project.tenants))


def tenant_ids(tenants: Sequence[Tenant]) -> list[str]:
    """The tenant list shapes the rendered files, and may come from live data."""
    return [f"{t.id}={t.schema}" for t in tenants]


def enabled() -> bool:
    return switches.is_on(SWITCH_ENV)


def cache_file() -> Path:
    folder = os.environ.get(CACHE_DIR_ENV)
    base = Path(folder) if folder else project_root() / ".canon" / "cache"
    return base / CACHE_FILE


def probe(
    live_url: DatabaseUrl, schema_dir: Path, tenants: Sequence[str] = (), local: bool = True
) -> Probe:
    """Hash the inputs, fingerprint the live schema, and look both up: locally, then on live."""
    inputs = inputs_digest(schema_dir, tenants)
    with db.connect(live_url, autocommit=True) as conn:
        return lookup(conn, live_url, inputs, local)


def lookup(
    conn: psycopg.Connection, live_url: DatabaseUrl, inputs: str, local: bool = True
) -> Probe:
    """Fingerprint the live schema on ``conn`` and look it up with ``inputs`` (``inputs_digest``):
    in the local cache (unless not ``local``), then in the convergence record on live."""
    identity, fingerprint = _identity_and_fingerprint(conn, live_url)
    entry = _read_entries().get(identity) if local else None
    if entry == {"inputs": inputs, "fingerprint": fingerprint}:
        return Probe(identity, inputs, fingerprint, hit=True)
    found = converged.lookup(conn, inputs, fingerprint)
    return Probe(identity, inputs, fingerprint, hit=found is not None, record=found)


def remember(
    before: Probe, schema_dir: Path, tenants: Sequence[str], live_fingerprint: str
) -> bool:
    """Record that a plan found no changes; only if nothing moved while it was planning.

    ``live_fingerprint`` is the one the plan computed after diffing; the inputs are hashed
    again now. Both must equal what ``before`` saw, or nothing is recorded.
    """
    if live_fingerprint != before.fingerprint:
        return False
    if inputs_digest(schema_dir, tenants) != before.inputs:
        return False
    entries = _read_entries()
    entries[before.entry_key] = {"inputs": before.inputs, "fingerprint": before.fingerprint}
    _write_entries(entries)
    return True


def inputs_digest(schema_dir: Path, tenants: Sequence[str] = ()) -> str:
    """Every byte that can shape a plan of ``schema_dir``, plus canon's own version."""
    root = Path(schema_dir)
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    config = root.resolve().parent / CONFIG_NAME
    for path in [*files, config]:
        h.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        h.update(b"\0" + (path.read_bytes() if path.is_file() else b"\1absent") + b"\0")
    h.update("\0".join(tenants).encode())
    return h.hexdigest()


def _identity_and_fingerprint(conn: psycopg.Connection, live_url: DatabaseUrl) -> tuple[str, str]:
    """One round trip: the database's oid (for the entry key) and its schema fingerprint."""
    row = conn.execute(
        db.query(
            f"SELECT d.oid, f.* FROM pg_database d, ({FINGERPRINT_QUERY}) f "
            "WHERE d.datname = current_database()"
        ),
        {"excluded": [CANON_SCHEMA]},
    ).fetchone()
    assert row is not None
    where = {
        k: v for k, v in live_url.params if k in {"host", "hostaddr", "port", "dbname", "user"}
    }
    seed = json.dumps([where, int(row[0]), db.server_version(conn)], sort_keys=True)
    return hashlib.sha256(seed.encode()).hexdigest(), f"{row[1]}-{row[2]}"


def _read_entries() -> dict[str, dict[str, str]]:
    try:
        loaded = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write_entries(entries: dict[str, dict[str, str]]) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    path = cache_file()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".clean-plans-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, indent=1, sort_keys=True)
        os.replace(tmp, path)
