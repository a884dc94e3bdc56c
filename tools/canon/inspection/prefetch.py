"""Inspect databases in the background while the command does other work.

A diff inspects the live database, then the target; each inspection is mostly waiting
on catalog queries. Nothing changes a scratch database, so it can be inspected ahead
on a connection of its own as soon as it exists, and ``diff.inspect`` takes that
finished result instead of inspecting it again.

Commands that only read the live database (plan, drift, verify) inspect it ahead too,
while the scratch database is being built. Others may change live meanwhile, so such
a result is only handed out when the live schema's fingerprint, taken before the
inspection began, is still the one the plan records. ``apply`` never inspects ahead:
it must see live inside its own locked transaction. A result is handed out once
(callers may change it), and a background failure is never reported from here: the
caller inspects again and meets the error on its own connection, with the usual message.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from canon.pg.dburl import DatabaseUrl

# Scratch databases have unguessable names, so the name alone identifies one.
Key = str

_lock = threading.Lock()
_jobs: dict[Key, _Job] = {}
_worker = threading.local()


# Fingerprints callers took on their live connections, so the check below costs no
# second catalog query.
_known_fingerprints: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


@dataclass
class _Job:
    excluded: frozenset[str]
    changing: bool = False  # others may change the database: check the fingerprint
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    fingerprint: str | None = None  # taken just before the inspection, when changing
    failed: bool = False
    driver: Any = None  # the worker's psycopg connection, to cancel its query on exit


@contextlib.contextmanager
def inspection(url: DatabaseUrl, excluded: Iterable[str], changing: bool = False) -> Iterator[None]:
    """Inspect ``url`` in a background thread for as long as the block runs.

    ``changing`` marks a database others may change meanwhile (the live one).
    """
    key = _url_key(url)
    job = _Job(frozenset(excluded), changing)
    with _lock:
        _jobs[key] = job
    thread = threading.Thread(target=_inspect, args=(url, job), name="canon-inspect", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with _lock:
            if _jobs.get(key) is job:
                del _jobs[key]
        if thread.is_alive() and job.driver is not None:
            # Leaving early (an error, Ctrl-C): stop the catalog queries rather than wait.
            with contextlib.suppress(Exception):
                job.driver.cancel_safe()
        thread.join()


@contextlib.contextmanager
def fingerprint_known(conn: Any, fingerprint: str) -> Iterator[None]:
    """While the block runs, ``conn``'s database is known to have ``fingerprint``."""
    _known_fingerprints[conn] = fingerprint
    try:
        yield
    finally:
        _known_fingerprints.pop(conn, None)


def claim(conn: Any, excluded: Iterable[str]) -> Any | None:
    """The inspection made ahead for ``conn``'s database, or None to inspect now."""
    if getattr(_worker, "active", False):
        return None
    key = str(conn.info.dbname)
    with _lock:
        job = _jobs.get(key)
        if job is None or job.excluded != frozenset(excluded):
            return None
        del _jobs[key]
    job.done.wait()
    if job.failed:
        return None
    if job.changing and job.fingerprint != _fingerprint_now(conn, job.excluded):
        return None  # live changed since it was inspected: inspect it again
    return job.result


def _fingerprint_now(conn: Any, excluded: frozenset[str]) -> str:
    from canon.diff.fingerprint import fingerprint

    known = _known_fingerprints.get(conn)
    return known if known is not None else fingerprint(conn, excluded)


def _inspect(url: DatabaseUrl, job: _Job) -> None:
    _worker.active = True  # diff.inspect in this thread must really inspect
    try:
        from canon.diff import compare as diff

        with diff.connect(url) as conn:
            job.driver = conn
            if job.changing:
                from canon.diff.fingerprint import fingerprint

                job.fingerprint = fingerprint(conn, job.excluded)
            job.result = diff.inspect(conn, job.excluded)
    except BaseException:  # noqa: BLE001 - the caller inspects again and reports it
        job.failed = True
    finally:
        job.done.set()


def _url_key(url: DatabaseUrl) -> Key:
    return url.dbname
