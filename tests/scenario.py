"""One scenario direction, run the way a DBA would: apply the files, then prove convergence.

A case folder ``tests/cases/<name>/`` holds ``live.sql`` (the live database before) and
``schema/`` (the files). Forward loads live.sql and converges to schema/; reverse loads
schema/ and converges to live.sql. Once converged, the apply's steps are replayed one by
one on a fresh copy of the live side: no prefix may leave a table without the keys of
either side (tests/keys.py). ``expect.json`` may say ``{"forward": "refuse",
"reverse": "refuse", "refusal": "text the message must hold"}`` for changes canon must
refuse cleanly. The two sides of a case differ, so an apply with nothing to do means
canon overlooked the difference (fails closed), unless ``{"unchanged": true}`` says the
sides are meant to be alike. Rows are not schema (canon refuses them in the files):
``live_rows.sql`` and ``schema_rows.sql`` hold those loaded with live.sql or schema/ when
that side is the live database. Roles are the server's, never the files' (canon refuses
them there too): ``{"roles": ["name", …]}`` lists those a case needs, created beforehand.
Both tests/test_cases.py and the corpus runner (tests/corpus.py) use this module, so a
case means the same thing everywhere.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from canon.diff.fingerprint import fingerprint
from canon.errors import ConfigError
from canon.files.sources import read_schema
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import reading as connect
from canon.pg.dburl import DatabaseUrl
from canon.pg.quoting import ident
from canon.scratch.loader import load_statements

from .helpers import CASES, canon, catalog_snapshot, run_sql_file
from .keys import check_every_prefix

CONVERGED, REFUSED, FAILED = "converged", "refused", "failed"
NOTHING_TO_DO = "nothing to do:"
# PlanRefused renders as "refused: <object>: <reason>; <remedy>".
REFUSAL_MARK = "error: refused: "


@dataclass(frozen=True)
class Direction:
    case: str
    name: str  # "forward" or "reverse"
    live: Path  # what is loaded into the live database first
    rows: Path  # rows loaded into the live database after it (when the file exists)
    files: Path  # the schema files canon converges to
    expected: str  # "converge" or "refuse"
    refusal: str  # text a refusal message must hold
    unchanged: bool = False  # the sides are meant to be alike: nothing to apply
    roles: tuple[str, ...] = ()  # roles the server must have first

    @property
    def id(self) -> str:
        return f"{self.case}-{self.name}"


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""


def case_dirs(root: Path = CASES) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "schema").is_dir())


def directions(case: Path) -> list[Direction]:
    """Forward and reverse for one case folder."""
    expect = _expectations(case)
    refusal, unchanged = expect.get("refusal", ""), bool(expect.get("unchanged"))
    roles = tuple(expect.get("roles", ()))
    live, schema = case / "live.sql", case / "schema"
    return [
        Direction(case.name, "forward", live, case / "live_rows.sql", schema,
                  expect.get("forward", "converge"), refusal, unchanged, roles),
        Direction(case.name, "reverse", schema, case / "schema_rows.sql", live,
                  expect.get("reverse", "converge"), refusal, unchanged, roles),
    ]  # fmt: skip


def _expectations(case: Path) -> dict[str, Any]:
    path = case / "expect.json"
    return json.loads(path.read_text()) if path.exists() else {}


def has_statements(path: Path) -> bool:
    try:
        return bool(read_schema(path).statements)
    except ConfigError:  # an empty side; a side canon refuses is an error, never a skip
        return False


def run_direction(url: str, direction: Direction) -> Outcome:
    """Load the live side into ``url`` (an empty database), apply the files, check the result.

    A side with no statements is a real target: everything the other side holds is dropped.
    """
    create_roles(url, direction.roles)
    if has_statements(direction.live):
        _load(url, direction.live)
    if direction.rows.exists():
        run_sql_file(url, direction.rows)
    before = _state(url)
    # Files that remove every object are only accepted when asked for.
    empty = [] if has_statements(direction.files) else ["--allow-empty"]
    code, out, err = canon(
        "apply",
        "--database-url",
        url,
        "--schema-dir",
        str(direction.files),
        "--allow-hazards",
        "all",
        *empty,
    )
    if direction.expected == "refuse":
        return _judge_refusal(url, direction, before, code, err)
    if code != 0:
        return Outcome(FAILED, f"apply exited {code}: {err.strip()}")
    if NOTHING_TO_DO in err and not direction.unchanged:
        return Outcome(FAILED, f"the sides differ, yet canon saw nothing to do: {err.strip()}")
    code, out, err = canon(
        "drift", "--strict", "--database-url", url, "--schema-dir", str(direction.files), *empty
    )
    if code != 0:
        return Outcome(FAILED, f"not converged (drift exit {code}):\n{out}{err}".strip())
    breach = check_every_prefix(url, lambda copy: _load_side(copy, direction.live))
    if breach:
        return Outcome(FAILED, f"a table lost its keys between steps, {breach}")
    return Outcome(CONVERGED)


def _judge_refusal(url: str, direction: Direction, before: Any, code: int, err: str) -> Outcome:
    if code != 1:
        return Outcome(FAILED, f"expected a refusal, apply exited {code}: {err.strip()}")
    # The message must open with the object named in expect.json, as PlanRefused words it.
    if f"{REFUSAL_MARK}{direction.refusal}" not in err:
        return Outcome(
            FAILED, f"refusal does not name object and reason {direction.refusal!r}: {err.strip()}"
        )
    if _state(url) != before:
        return Outcome(FAILED, "a refused apply changed the live database")
    return Outcome(REFUSED, err.strip())


def _load_side(url: str, source: Path) -> None:
    if has_statements(source):
        _load(url, source)


def create_roles(url: str, roles: tuple[str, ...]) -> None:
    """Create the roles a case needs, unless there (another case may be creating them too)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for role in roles:
            with contextlib.suppress(
                psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation
            ):
                conn.execute(f"CREATE ROLE {ident(role)} NOLOGIN")


def _load(url: str, source: Path) -> None:
    with psycopg.connect(url) as conn:
        load_statements(conn, read_schema(source).statements)


def _state(url: str) -> tuple[Any, ...]:
    """Relations and columns, plus canon's fingerprint of every managed object."""
    # Other runs may hold scratch databases on the same server; they are not this case's state.
    relations = [row for row in catalog_snapshot(url) if row[0] != "scratch"]
    with connect(DatabaseUrl.parse(url)) as conn:
        return (relations, fingerprint(conn, EXCLUDED_SCHEMAS))
