"""Inspect databases in the background while the command does other work.

A diff inspects the live database, then the target; each inspection is mostly waiting
on catalog queries. Nothing changes a scratch database, so it can be inspected ahead
on a connection of its own as soon as it exists, and the diff takes that finished
result instead of inspecting it again.

Commands that only read the live database (plan, drift, verify) inspect it ahead too,
while the scratch database is being built. Others may change live meanwhile, so such
a result is only handed out when the live schema's fingerprint, taken before the
inspection began, is still the one the plan records. ``apply`` never inspects ahead:
it must see live inside its own locked transaction. A result is handed out once
(callers may change it), and a background failure is not reported from here: the
caller inspects again and meets the error on its own connection, with the usual message.
A lock timeout or a lost server is the exception: inspecting again would wait as long
for the same lock, or fail the same way, so it is raised to the caller at once.

The handles (``Ahead``, gathered in ``Prefetched``) travel as arguments from the
command that starts the inspections to the diff that takes them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import psycopg

from canon.inspection.engine import inspect
from canon.inspection.models import DatabaseModel
from canon.pg import db
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl

# Reads the schema fingerprint of a connected database (``diff.fingerprint``).
Fingerprinter = Callable[[Connection], str]


class Ahead:
    """One database inspected in a background thread, handed out at most once."""

    def __init__(self, excluded: frozenset[str], fingerprinter: Fingerprinter | None) -> None:
        self.excluded = excluded
        # Set for a database others may change: the fingerprint is taken first.
        self.fingerprinter = fingerprinter
        self.done = threading.Event()
        self.result: DatabaseModel | None = None
        self.fingerprint: str | None = None
        self.failed = False
        self.error: psycopg.Error | None = None  # a failure that inspecting again would repeat
        self.taken = False
        self.driver: Connection | None = None  # the worker's connection, to cancel on exit
        self._lock = threading.Lock()

    def take(self, excluded: Iterable[str], fingerprint: str | None = None) -> DatabaseModel | None:
        """The finished model, or None to inspect now.

        None when it was handed out already, failed, covers other schemas, or (for a
        database others may change) was taken under a fingerprint other than
        ``fingerprint``, the one the caller's plan records.
        """
        with self._lock:
            if self.taken or self.excluded != frozenset(excluded):
                return None
            self.taken = True
        self.done.wait()
        if self.error is not None:
            raise self.error
        if self.failed:
            return None
        if self.fingerprinter is not None and (
            fingerprint is None or fingerprint != self.fingerprint
        ):
            return None  # live changed since it was inspected: inspect it again
        return self.result

    def run(self, url: DatabaseUrl) -> None:
        try:
            with db.reading(url) as conn:
                self.driver = conn
                if self.fingerprinter is not None:
                    self.fingerprint = self.fingerprinter(conn)
                self.result = inspect(conn, self.excluded)
        except psycopg.Error as exc:
            self.failed = True
            if db.waiting_again(exc):
                self.error = exc
        except BaseException:  # noqa: BLE001 - the caller inspects again and reports it
            self.failed = True
        finally:
            self.done.set()


@contextlib.contextmanager
def inspection(
    url: DatabaseUrl, excluded: Iterable[str], fingerprinter: Fingerprinter | None = None
) -> Iterator[Ahead]:
    """Inspect ``url`` in a background thread for as long as the block runs.

    ``fingerprinter`` marks a database others may change meanwhile (the live one).
    """
    ahead = Ahead(frozenset(excluded), fingerprinter)
    thread = threading.Thread(target=ahead.run, args=(url,), name="canon-inspect", daemon=True)
    thread.start()
    try:
        yield ahead
    finally:
        with ahead._lock:
            ahead.taken = True  # too late to hand out
        if thread.is_alive() and ahead.driver is not None:
            # Leaving early (an error, Ctrl-C): stop the catalog queries rather than wait.
            with contextlib.suppress(Exception):
                ahead.driver.cancel_safe()
        thread.join()


@dataclass(frozen=True)
class Prefetched:
    """The inspections a command started ahead, if any, for the diff to take."""

    live: Ahead | None = None
    target: Ahead | None = None

    def models(
        self,
        live_conn: Connection,
        target_conn: Connection,
        excluded: frozenset[str],
        live_fingerprint: str | None,
    ) -> tuple[DatabaseModel, DatabaseModel]:
        """Both models: taken when inspected ahead and still true, else inspected now."""
        live_model = self.live.take(excluded, live_fingerprint) if self.live else None
        target_model = self.target.take(excluded) if self.target else None
        return (
            live_model or inspect(live_conn, excluded),
            target_model or inspect(target_conn, excluded),
        )

    def target_only(self) -> Prefetched:
        """The same, without live's: for a diff against something other than live."""
        return Prefetched(target=self.target)


NOTHING_AHEAD = Prefetched()
