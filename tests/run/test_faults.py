"""Faults injected into a real ``canon apply``: killed, interrupted or cut off at every step.

The plan of ``tests/cases_faults/mixed`` mixes transactional steps with concurrent index
builds and drops. ``canon apply`` runs it as a subprocess, and is stopped at each point:

* ``before N``: step N is about to start (its journal entry is being written);
* ``inside N``: step N's statement waits on a lock held by another session (a concurrent
  build has its invalid index by then);
* ``end N``: step N's work is done and its done-mark is being written (inside the step's
  transaction for a transactional step, after the build for a concurrent one);
* ``finish``: every step ran, the outcome is being recorded.

The process is paused there by a trigger on canon's journal waiting on an advisory lock
the test holds, or by a blocking session, and then meets one fault: SIGKILL, SIGINT,
SIGTERM, the server stopped (fast) or crashed (immediate), or its waiting backend ended
with ``pg_terminate_backend``. Then, for each fault:

1. the message (when the process could give one) says of each step exactly what the
   catalog shows: committed, rolled back, did not complete, or did not run;
2. no table lost its keys;
3. after the next command (``canon apply``) the journal says the same;
4. that apply converges (the schema's fingerprint is the files'), and no invalid index
   remains.

``make test`` runs 30 faults, turning through the six kinds at every point; set
``CANON_FAULTS=all`` to run all six everywhere (132). ``tests/run/test_history.py`` has
the journal settled by ``canon history`` instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from canon.diff.fingerprint import fingerprint
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.cluster import SERVER_SETTINGS, Cluster, destroy_with_scratch
from canon.plan.planfile import read_plan_file
from canon.run.journal import ensure_schema
from tests.helpers import TESTS, run_sql_file
from tests.keys import Keys, keys, violations

CASE = TESTS / "cases_faults" / "mixed"
SCHEMA = CASE / "schema"
CANON = Path(sys.executable).parent / "canon"
KINDS = ("sigkill", "sigint", "sigterm", "stop", "crash", "terminate")
PAUSE_KEY = 7_770_001  # the advisory lock a paused canon waits on
TEMPLATE = "faults_template"
WAIT = 60.0  # seconds any one phase of a fault run may take

SPEC = json.loads((CASE / "markers.json").read_text())
STEPS: int = SPEC["steps"]


@dataclass(frozen=True)
class Point:
    where: str  # before, inside, end, finish
    step: int = 0

    @property
    def id(self) -> str:
        return self.where if self.where == "finish" else f"{self.where}-{self.step}"


POINTS = [Point(w, n) for n in range(1, STEPS + 1) for w in ("before", "inside", "end")] + [
    Point("finish")
]


def _faults() -> list[tuple[Point, str]]:
    if os.environ.get("CANON_FAULTS") == "all":
        return [(p, k) for p in POINTS for k in KINDS]
    # Turning through the six kinds: one before and one at the end of every step, two
    # inside it, two at the finish; each kind meets transactional and concurrent steps.
    chosen = []
    for n in range(1, STEPS + 1):
        chosen += [
            (Point("before", n), KINDS[n % 6]),
            (Point("inside", n), KINDS[(n + 1) % 6]),
            (Point("inside", n), KINDS[(n + 4) % 6]),
            (Point("end", n), KINDS[(n + 2) % 6]),
        ]
    return [*chosen, (Point("finish"), "sigkill"), (Point("finish"), "stop")]


FAULTS = _faults()


# A crash must not lose what was committed: the server cannot trade that for speed here.
SETTINGS = {**SERVER_SETTINGS, "synchronous_commit": "on"}


class Server:
    """The fault tests' own cluster: it is stopped and crashed, so it is nobody else's."""

    def __init__(self, root: Path) -> None:
        self.cluster = Cluster(root, settings=SETTINGS)
        self.port = self.cluster.ensure_started().port

    def url(self, dbname: str) -> str:
        return f"postgresql://canon@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        self.cluster.stop()

    def crash(self) -> None:
        pid = int((self.cluster.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, signal.SIGQUIT)  # immediate shutdown: no checkpoint, recovery at start
        deadline = time.monotonic() + WAIT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def start(self) -> None:
        self.port = self.cluster.ensure_started().port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass(frozen=True)
class Setup:
    server: Server
    plan_file: Path
    steps: list[tuple[bool, list[str]]]  # (transactional, statements) per step
    old_keys: Keys
    new_keys: Keys
    converged: str  # the fingerprint of the files' schema


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = Path(tempfile.mkdtemp(prefix="canon-faults-"))
    server = Server(root)
    env_before = os.environ.get("CANON_HOME")
    os.environ["CANON_HOME"] = str(root)
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        template = server.url(TEMPLATE)
        run_sql_file(template, CASE / "live.sql")
        run_sql_file(template, CASE / "data.sql")
        with psycopg.connect(template, autocommit=True) as conn:
            ensure_schema(conn)  # the journal exists, so triggers can be put on it
            conn.execute(
                "CREATE FUNCTION canon.fault_pause() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN PERFORM pg_advisory_xact_lock({PAUSE_KEY}); RETURN NEW; END $$"
            )
            old = keys(conn)
        folder = tmp_path_factory.mktemp("plan")
        plan_file = folder / "plan.sql"
        code, _, err = _canon(
            folder,
            "plan",
            "--database-url",
            template,
            "--schema-dir",
            str(SCHEMA),
            "--out",
            str(plan_file),
        )
        assert code == 2, err
        plan = read_plan_file(plan_file)
        assert len(plan.steps) == STEPS, (
            f"the plan has {len(plan.steps)} steps, {CASE / 'markers.json'} expects {STEPS}"
        )
        steps = [(s.transactional, list(s.statements)) for s in plan.steps]
        with _clone(server, "faults_converged") as url:
            code, _, err = _canon(folder, "apply", str(plan_file), "--database-url", url, *APPLY)
            assert code == 0, err
            with psycopg.connect(url) as conn:
                new = keys(conn)
                converged = fingerprint(conn, EXCLUDED_SCHEMAS)
        yield Setup(server, plan_file, steps, old, new, converged)
    finally:
        if env_before is None:
            os.environ.pop("CANON_HOME", None)
        else:
            os.environ["CANON_HOME"] = env_before
        destroy_with_scratch(server.cluster)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _clone(server: Server, name: str) -> Iterator[str]:
    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _canon(cwd: Path, *args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [str(CANON), *args], cwd=cwd, capture_output=True, text=True, timeout=WAIT * 3, check=False
    )
    return done.returncode, done.stdout, done.stderr


APPLY = ("--schema-dir", str(SCHEMA), "--allow-hazards", "all")


@pytest.mark.parametrize(
    ("point", "kind"), FAULTS, ids=[f"{kind}-{point.id}" for point, kind in FAULTS]
)
def test_fault(setup: Setup, point: Point, kind: str, tmp_path: Path) -> None:
    name = f"fault_{kind}_{point.id}".replace("-", "_")
    with _clone(setup.server, name) as url:
        _pause_at(url, point)
        code, err = _apply_with_fault(setup, url, point, kind, tmp_path)
        url = setup.server.url(name)  # the server may have restarted on another port
        effects = _effects(url, setup)

        # 1. The message tells what the catalog shows.
        _expect_exit(code, kind, point, err)
        if kind != "sigkill":
            _expect_claims(err, effects, point)
        # 2. No table lost its keys.
        with psycopg.connect(url) as conn:
            assert not violations(keys(conn), setup.old_keys, setup.new_keys)
        # 3. and 4. The next command, canon apply, settles the journal, converges and
        # leaves no invalid index.
        code, _, err = _canon(tmp_path, "apply", "--database-url", url, *APPLY)
        assert code == 0, err
        _expect_journal(url, effects)
        with psycopg.connect(url) as conn:
            assert fingerprint(conn, EXCLUDED_SCHEMAS) == setup.converged
            assert conn.execute(
                "SELECT count(*) FROM pg_index WHERE NOT indisvalid"
            ).fetchone() == (0,)
            assert not violations(keys(conn), setup.old_keys, setup.new_keys)


def _pause_at(url: str, point: Point) -> None:
    """A trigger on canon's journal that holds canon where the fault will strike."""
    if point.where == "finish":
        table, when = "applies", "NEW.outcome <> 'running' AND OLD.outcome = 'running'"
    else:
        status = "done" if point.where == "end" else "running"
        table = "apply_steps"
        when = f"NEW.step = {point.step} AND NEW.status = '{status}' AND OLD.status <> '{status}'"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"CREATE TRIGGER fault_pause BEFORE UPDATE ON canon.{table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION canon.fault_pause()"
        )


def _apply_with_fault(
    setup: Setup, url: str, point: Point, kind: str, cwd: Path
) -> tuple[int, str]:
    holder = psycopg.connect(url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (PAUSE_KEY,))
    blocker: psycopg.Connection | None = None
    proc = subprocess.Popen(
        [
            str(CANON),
            "apply",
            str(setup.plan_file),
            "--database-url",
            url,
            *APPLY,
            "--lock-timeout",
            "30s",
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waiter = _wait_until_blocked(url, proc, lambda pids: _waits_on_pause(holder, pids))
        if point.where == "inside":
            blocker = _block_step(url, setup.steps[point.step - 1])
            holder.execute("SELECT pg_advisory_unlock(%s)", (PAUSE_KEY,))
            waiter = _wait_until_blocked(url, proc, lambda pids: _waits_on(holder, pids, blocker))
        _strike(setup.server, proc, kind, holder, waiter, paused=point.where != "inside")
        time.sleep(0.3)  # let canon act on a signal while the pause still holds it
    finally:
        for conn in (blocker, holder):
            with contextlib.suppress(psycopg.Error):
                if conn is not None:
                    conn.close()  # ends the blocking transaction and the pause
    out, err = proc.communicate(timeout=WAIT * 2)
    if kind in ("stop", "crash"):
        setup.server.start()
    _wait_for_backends_gone(setup.server.url("postgres"), proc.pid)
    return proc.returncode, err


def _wait_until_blocked(url: str, proc: subprocess.Popen[str], blocked: Any) -> int:
    """The pid of canon's backend once ``blocked`` finds it waiting; fails if canon ends first."""
    name = f"canon/{proc.pid}"
    deadline = time.monotonic() + WAIT
    with psycopg.connect(url, autocommit=True) as watch:
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"canon ended before the fault: {proc.communicate()[1]}"
            pids = [
                r[0]
                for r in watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,)
                )
            ]
            found = blocked(pids)
            if found:
                return int(found)
            time.sleep(0.05)
    raise AssertionError("canon never reached the point of the fault")


def _waits_on_pause(holder: psycopg.Connection, pids: list[int]) -> int | None:
    row = holder.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND objid = %s AND pid = ANY(%s)",
        (PAUSE_KEY, pids),
    ).fetchone()
    return row[0] if row else None


def _waits_on(
    holder: psycopg.Connection, pids: list[int], blocker: psycopg.Connection
) -> int | None:
    row = holder.execute(
        "SELECT pid FROM unnest(%s::int[]) AS pid WHERE %s = ANY(pg_blocking_pids(pid))",
        (pids, blocker.info.backend_pid),
    ).fetchone()
    return row[0] if row else None


def _block_step(url: str, step: tuple[bool, list[str]]) -> psycopg.Connection:
    """A session whose lock makes the step's statement wait (with its index built, if any)."""
    transactional, statements = step
    validating = any("validate constraint" in s.lower() for s in statements)
    # A concurrent build waits for writers once its index exists; a validation needs
    # SHARE UPDATE EXCLUSIVE; anything else in a step takes ACCESS EXCLUSIVE.
    mode = "SHARE UPDATE EXCLUSIVE" if validating else "ROW EXCLUSIVE"
    blocker = psycopg.connect(url)
    blocker.execute(f"LOCK TABLE {_table_of(url, statements)} IN {mode} MODE")
    return blocker


def _table_of(url: str, statements: list[str]) -> str:
    """The existing table a step works on (for a dropped index, the index's table)."""
    for sql in statements:
        found = re.search(r"(?:alter table|\bON)\s+(\"?\w+\"?\.\"?\w+\"?)", sql, re.IGNORECASE)
        if found:
            return found.group(1)
        dropped = re.search(r"DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?(\S+?);?$", sql)
        if dropped:
            with psycopg.connect(url) as conn:
                row = conn.execute(
                    "SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = %s::regclass",
                    (dropped.group(1),),
                ).fetchone()
            assert row is not None
            return str(row[0])
    raise AssertionError(f"no table to block in {statements}")


def _strike(
    server: Server,
    proc: subprocess.Popen[str],
    kind: str,
    holder: psycopg.Connection,
    waiter: int,
    paused: bool,
) -> None:
    if kind == "sigkill":
        proc.send_signal(signal.SIGKILL)
        if paused:
            # Killed before its journal write reached the server: the write never lands.
            holder.execute("SELECT pg_terminate_backend(%s)", (waiter,))
    elif kind == "sigint":
        proc.send_signal(signal.SIGINT)
    elif kind == "sigterm":
        proc.send_signal(signal.SIGTERM)
    elif kind == "terminate":
        holder.execute("SELECT pg_terminate_backend(%s)", (waiter,))
    elif kind == "stop":
        server.stop()
    elif kind == "crash":
        server.crash()


def _wait_for_backends_gone(admin_url: str, pid: int) -> None:
    """A killed canon's sessions end once the server notices (within a second or so)."""
    deadline = time.monotonic() + WAIT
    with psycopg.connect(admin_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                (f"canon/{pid}",),
            ).fetchone()
            if row == (0,):
                return
            time.sleep(0.1)
    raise AssertionError(f"sessions of the killed canon {pid} are still there")


# -- what the catalog shows, and what canon says --------------------------------------------

DONE, NOT_DONE, HALF_DONE = "done", "not done", "half done"


def _effects(url: str, setup: Setup) -> list[str]:
    """Per step, what the catalog shows of it; the statements of a step agree (atomicity)."""
    markers = SPEC["markers"]
    effects = []
    with psycopg.connect(url) as conn:
        for number, (_, statements) in enumerate(setup.steps, 1):
            found = set()
            for sql in statements:
                matching = [m for m in markers if m["statement"].lower() in sql.lower()]
                assert len(matching) == 1, f"step {number}: no single marker for {sql}"
                row = conn.execute(matching[0]["effect"]).fetchone()
                assert row is not None
                found.add(row[0])
            assert len(found) == 1, f"step {number} is half applied: {found}"
            effects.append(found.pop())
    return effects


CLAIM = re.compile(
    r"\bsteps? (\d+)(?:-(\d+))? (committed|rolled back|failed and rolled back|did not complete|"
    r"did not run|may or may not have committed)"
)
# What each claim allows the catalog to show.
ALLOWED = {
    "committed": {DONE},
    "rolled back": {NOT_DONE},
    "failed and rolled back": {NOT_DONE},
    "did not run": {NOT_DONE},
    "did not complete": {HALF_DONE, NOT_DONE},
    "may or may not have committed": {DONE, NOT_DONE, HALF_DONE},
}


def _expect_exit(code: int, kind: str, point: Point, err: str) -> None:
    if kind == "sigkill":
        assert code == -signal.SIGKILL
    elif kind in ("sigint", "sigterm"):
        assert code == (130 if kind == "sigint" else 143), err
    elif point.where == "finish":
        assert code == 0, err  # every step had committed: the apply succeeded
    else:
        assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err


def _expect_claims(err: str, effects: list[str], point: Point) -> None:
    claims: dict[int, str] = {}
    for first, last, claim in CLAIM.findall(err):
        for n in range(int(first), int(last or first) + 1):
            claims[n] = claim
    if not claims:  # a success: the message says it applied every step
        assert "applied" in err and set(effects) == {DONE}, err
        return
    assert sorted(claims) == list(range(1, len(effects) + 1)), f"not every step accounted: {err}"
    for n, effect in enumerate(effects, 1):
        assert effect in ALLOWED[claims[n]], f"step {n} is {effect}, the message says: {err}"


STATUS_ALLOWS = {
    "done": {DONE},
    "pending": {NOT_DONE},
    "rolled back": {NOT_DONE},
    "failed": {NOT_DONE},
    "incomplete": {HALF_DONE, NOT_DONE},
}


def _expect_journal(url: str, effects: list[str]) -> None:
    """The faulted apply's record (the first) matches what the catalog showed after the fault."""
    with psycopg.connect(url) as conn:
        outcome = conn.execute("SELECT outcome FROM canon.applies WHERE id = 1").fetchone()
        statuses = [
            row[0]
            for row in conn.execute(
                "SELECT status FROM canon.apply_steps WHERE apply_id = 1 ORDER BY step"
            )
        ]
    assert outcome is not None and outcome[0] in {"applied", "interrupted", "abandoned"}, outcome
    for n, (status, effect) in enumerate(zip(statuses, effects, strict=True), 1):
        assert effect in STATUS_ALLOWS.get(status, set()), (
            f"step {n} is {effect}, the journal says {status}: {statuses}"
        )


def test_history_settles_a_killed_apply(setup: Setup, tmp_path: Path) -> None:
    """A concurrent build finished, then canon was killed before recording it: history tells."""
    with _clone(setup.server, "fault_history") as url:
        _pause_at(url, Point("end", 4))
        code, _ = _apply_with_fault(setup, url, Point("end", 4), "sigkill", tmp_path)
        assert code == -signal.SIGKILL
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS canon_reader")
            conn.execute("CREATE ROLE canon_reader LOGIN")
            conn.execute("GRANT USAGE ON SCHEMA canon TO canon_reader")
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA canon TO canon_reader")
        try:
            # A role that may only read cannot settle the record, but is not told "running".
            reader = url.replace("postgresql://canon@", "postgresql://canon_reader@")
            code, out, err = _canon(
                tmp_path, "history", "--format", "json", "--database-url", reader
            )
            assert code == 0, err
            [entry] = json.loads(out)["applies"]
            assert entry["outcome"] == "abandoned"
            with psycopg.connect(url) as conn:
                assert conn.execute("SELECT outcome FROM canon.applies").fetchone() == ("running",)

            code, out, err = _canon(tmp_path, "history", "--format", "json", "--database-url", url)
            assert code == 0, err
            [entry] = json.loads(out)["applies"]
            assert entry["outcome"] == "abandoned"
            assert entry["error"].startswith("abandoned: its canon process ended")
            statuses = [s["status"] for s in entry["steps"]]
            assert statuses == ["done"] * 4 + ["pending"] * 3
            assert (
                entry["steps"][3]["error"] == "finished on the server after its canon process ended"
            )
            code, out, _ = _canon(tmp_path, "history", "--database-url", url)
            assert " abandoned " in out and "steps 4/7" in out
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP OWNED BY canon_reader")
                conn.execute("DROP ROLE canon_reader")
