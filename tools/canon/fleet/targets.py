"""Reaching the databases of a fleet: each on its own connection, a few at a time, within a timeout.

Whatever goes wrong with one database (refused connection, timeout, a query that fails on
it) is that database's outcome, worded for the report (``unreachable: connection
refused``, ``timeout after 10s``); the others are still answered. Errors in the files or
settings concern every database and are raised as usual.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

import psycopg

from canon.errors import DatabaseError
from canon.files.environments import Target
from canon.pg import db
from canon.pg.dburl import DatabaseUrl

T = TypeVar("T")
Item = TypeVar("Item")


@dataclass(frozen=True)
class Failure:
    """A database the command could not cover, and why."""

    name: str
    problem: str


@dataclass(frozen=True)
class Outcome(Generic[Item, T]):
    item: Item
    value: T | None = None
    problem: str | None = None


def each(
    items: Sequence[Item],
    concurrency: int,
    work: Callable[[Item], T],
    scrub: Callable[[Item, str], str] = lambda item, text: text,
) -> list[Outcome[Item, T]]:
    """``work`` on every item, ``concurrency`` at a time, in order; database trouble is an outcome.

    ``scrub`` removes what must not be shown (a password) from a problem's text.
    """

    def guarded(item: Item) -> Outcome[Item, T]:
        try:
            return Outcome(item, work(item))
        except DatabaseError as exc:
            return Outcome(item, problem=scrub(item, str(exc)))
        except psycopg.Error as exc:
            return Outcome(item, problem=scrub(item, db.describe(exc)))

    if len(items) <= 1 or concurrency <= 1:
        return [guarded(item) for item in items]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="canon-fleet") as pool:
        return list(pool.map(guarded, items))


def each_target(
    targets: Sequence[Target], concurrency: int, work: Callable[[Target], T]
) -> list[Outcome[Target, T]]:
    return each(targets, concurrency, work, lambda target, text: target.url.scrub(text))


@contextlib.contextmanager
def reach(url: DatabaseUrl, timeout: int) -> Iterator[psycopg.Connection]:
    """An autocommit connection whose connecting and every query take at most ``timeout`` s."""
    try:
        conn = psycopg.connect(
            url.conninfo(), autocommit=True, connect_timeout=timeout, application_name="canon"
        )
    except psycopg.errors.ConnectionTimeout:
        raise DatabaseError(f"timeout after {timeout}s") from None
    except psycopg.Error as exc:
        raise DatabaseError(f"unreachable: {url.scrub(_reason(exc))}") from None
    with conn:
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (f"{timeout}s",))
        try:
            yield conn
        except psycopg.errors.QueryCanceled:
            raise DatabaseError(f"timeout after {timeout}s") from None


def _reason(exc: psycopg.Error) -> str:
    """libpq's cause without its preamble: ``connection refused``."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    cause = first.rsplit(" failed: ", 1)[-1].strip()
    cause = cause.removeprefix("FATAL:").strip()
    return cause[:1].lower() + cause[1:]
