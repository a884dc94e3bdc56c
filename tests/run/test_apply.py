"""Safe apply, end to end on a real server: hazards, stale plans, locks, steps and the journal."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

from canon.run.lock import APPLY_LOCK_KEY
from tests.apply_cases import columns, indexes, load_case, query
from tests.helpers import canon, catalog_snapshot

FAST_RETRIES = ("--lock-timeout", "200ms", "--lock-retries", "2", "--retry-backoff", "0.05")


def apply(url: str, schema: Path, *args: str) -> tuple[int, str, str]:
    return canon("apply", "--database-url", url, "--schema-dir", str(schema), *args)


def steps_of_last_apply(url: str) -> list[tuple[int, bool, str, int]]:
    return query(
        url,
        "SELECT step, in_transaction, status, attempts FROM canon.apply_steps "
        "WHERE apply_id = (SELECT max(id) FROM canon.applies) ORDER BY step",
    )


def test_dropping_a_column_with_data_needs_data_loss_allowed(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    before = catalog_snapshot(empty_url)

    code, out, err = apply(empty_url, schema)
    assert code == 1
    assert "hazards that were not allowed: data-loss" in err
    assert catalog_snapshot(empty_url) == before
    assert query(empty_url, "SELECT count(note) FROM shop.orders") == [(3,)]

    code, out, err = apply(empty_url, schema, "--allow-hazards", "data-loss")
    assert code == 0, err
    assert columns(empty_url, "shop.orders") == ["id", "qty"]
    assert query(empty_url, "SELECT count(*) FROM shop.orders") == [(4,)]
    assert canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))[0] == 0


def test_deleting_hazard_comments_from_a_plan_file_does_not_bypass_the_check(
    empty_url: str, tmp_path: Path
) -> None:
    schema = load_case(empty_url, "drop_column")
    plan_file = tmp_path / "plans" / "drop-note.sql"
    code, out, _ = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(schema), "--out", str(plan_file)
    )
    assert code == 2 and "-- hazard: data-loss" in plan_file.read_text()
    edited = [
        ln
        for ln in plan_file.read_text().splitlines()
        if not ln.startswith(("-- hazard", "-- hazards"))
    ]
    plan_file.write_text("\n".join(edited) + "\n")
    code, _, err = canon(
        "apply", str(plan_file), "--database-url", empty_url, "--schema-dir", str(schema)
    )
    assert code == 1 and "data-loss" in err
    assert "note" in columns(empty_url, "shop.orders")


def test_plan_file_goes_stale_when_the_files_change(empty_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema"
    schema.mkdir()
    source = load_case(empty_url, "drop_column") / "shop.sql"
    (schema / "shop.sql").write_text(source.read_text())
    plan_file = tmp_path / "plan.sql"
    canon("plan", "--database-url", empty_url, "--schema-dir", str(schema), "--out", str(plan_file))
    (schema / "shop.sql").write_text(
        source.read_text() + "\nCREATE TABLE shop.extra (id integer);\n"
    )
    before = catalog_snapshot(empty_url)
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "all",
    )
    assert code == 1
    assert "stale plan: the schema files changed" in err
    assert catalog_snapshot(empty_url) == before


def test_second_apply_fails_while_another_holds_the_apply_lock(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    before = catalog_snapshot(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))
        started = time.monotonic()
        code, _, err = apply(
            empty_url, schema, "--allow-hazards", "all", "--apply-lock-wait", "300ms"
        )
        waited = time.monotonic() - started
    assert code == 1
    assert "another canon apply is running on this database" in err
    assert waited < 30
    assert catalog_snapshot(empty_url) == before


def test_blocked_statement_times_out_is_retried_and_leaves_nothing_half_done(
    empty_url: str,
) -> None:
    schema = load_case(empty_url, "drop_column")
    with psycopg.connect(empty_url) as blocker:
        # An open transaction that read the table: enough to block ALTER TABLE.
        blocker.execute("SELECT count(*) FROM shop.orders")
        code, _, err = apply(empty_url, schema, "--allow-hazards", "all", *FAST_RETRIES)
        blocker.rollback()
    assert code == 1
    assert "after 3 attempts" in err and "lock timeout" in err
    assert "rolled back" in err
    assert columns(empty_url, "shop.orders") == ["id", "qty", "note"]
    assert steps_of_last_apply(empty_url) == [(1, True, "failed", 3)]
    assert query(empty_url, "SELECT outcome FROM canon.applies") == [("failed",)]


RETRIED = (
    "SELECT CASE WHEN to_regclass('canon.apply_steps') IS NOT NULL THEN "
    "(xpath('/row/m/text()', query_to_xml("
    "'SELECT max(attempts) AS m FROM canon.apply_steps', false, true, '')))[1]::text::int >= 2 "
    "END"
)
CLEANUP_WAITING = (
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'DROP INDEX CONCURRENTLY%' "
    "AND wait_event_type = 'Lock')"
)


def _when(
    url: str, condition: str, action: Callable[[], object], limit: float = 60
) -> threading.Thread:
    """Run ``action`` in a thread once the ``condition`` query returns true (or time is up)."""

    def watch() -> None:
        deadline = time.monotonic() + limit
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                row = conn.execute(condition.encode()).fetchone()
                if row and row[0]:
                    break
                time.sleep(0.05)
        action()

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


@contextlib.contextmanager
def session_holding(url: str, sql: str, until: str) -> Iterator[None]:
    """A session that ran ``sql`` and keeps its transaction open until ``until`` is true."""
    session = psycopg.connect(url)
    session.execute(sql)
    release = _when(url, until, session.rollback)
    try:
        yield
    finally:
        release.join()
        session.close()


def test_lock_released_during_the_retries_lets_the_apply_finish(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    with session_holding(empty_url, "SELECT count(*) FROM shop.orders", until=RETRIED):
        code, _, err = apply(
            empty_url,
            schema,
            "--allow-hazards",
            "all",
            "--lock-timeout",
            "200ms",
            "--lock-retries",
            "5",
            "--retry-backoff",
            "0.2",
        )
    assert code == 0, err
    assert columns(empty_url, "shop.orders") == ["id", "qty"]
    [(step, in_transaction, status, attempts)] = steps_of_last_apply(empty_url)
    assert status == "done" and attempts > 1


def test_failure_in_the_middle_leaves_the_database_as_the_journal_says(empty_url: str) -> None:
    schema = load_case(empty_url, "multi_step_failure")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    assert "DROP INDEX CONCURRENTLY" in out and "CREATE INDEX CONCURRENTLY" in out

    code, _, err = apply(empty_url, schema, "--allow-hazards", "all")
    assert code == 1
    assert "failed at step 2 of 3" in err
    assert "step 1 committed" in err and "steps 3-3 did not run" in err
    assert 'invalid input syntax for type integer: "B-7"' in err
    journal = steps_of_last_apply(empty_url)
    assert [(s, t, st) for s, t, st, _ in journal] == [
        (1, False, "done"),
        (2, True, "failed"),
        (3, False, "pending"),
    ]
    # Step 1 ran: the old index is gone. Step 2 rolled back: no new column, old type.
    # Step 3 never ran: no new index.
    assert indexes(empty_url, "shop.orders") == {"orders_pkey": True}
    assert columns(empty_url, "shop.orders") == ["id", "code", "qty"]
    assert query(
        empty_url,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'shop.orders'::regclass AND attname = 'code'",
    ) == [("text",)]


def test_index_on_a_populated_table_is_built_concurrently(empty_url: str) -> None:
    schema = load_case(empty_url, "populated_index")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    assert "CREATE INDEX CONCURRENTLY events_kind_idx ON shop.events" in out
    assert "-- step" not in out  # a single step: no step banners
    code, _, err = apply(empty_url, schema, "--allow-hazards", "index-build")
    assert code == 0, err
    assert indexes(empty_url, "shop.events") == {"events_kind_idx": True, "events_pkey": True}
    assert steps_of_last_apply(empty_url) == [(1, False, "done", 1)]


def test_no_concurrently_builds_inside_the_transaction(empty_url: str) -> None:
    schema = load_case(empty_url, "populated_index")
    code, out, _ = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(schema), "--no-concurrently"
    )
    assert code == 2 and "CONCURRENTLY" not in out
    assert "blocking writes" in out


def test_failed_concurrent_build_leaves_no_invalid_index(empty_url: str) -> None:
    schema = load_case(empty_url, "populated_index")
    # An open writing transaction: the concurrent build must wait for it, and times out.
    # Once the clean-up waits for the writer too (under the same lock timeout), the
    # writer finishes.
    writing = "INSERT INTO shop.events (id, kind) VALUES (0, 'view')"
    with session_holding(empty_url, writing, until=CLEANUP_WAITING):
        code, _, err = apply(
            empty_url,
            schema,
            "--allow-hazards",
            "all",
            "--lock-timeout",
            "2s",
            "--lock-retries",
            "0",
        )
    assert code == 1
    assert "dropped the invalid index" in err
    assert indexes(empty_url, "shop.events") == {"events_pkey": True}
    assert steps_of_last_apply(empty_url) == [(1, False, "failed", 1)]


def test_rehearsal_refuses_a_plan_file_that_does_not_converge(
    empty_url: str, tmp_path: Path
) -> None:
    schema = load_case(empty_url, "multi_step_failure")
    plan_file = tmp_path / "plan.sql"
    canon("plan", "--database-url", empty_url, "--schema-dir", str(schema), "--out", str(plan_file))
    # A reviewer deletes the index build: the plan no longer reaches the files.
    text = plan_file.read_text().replace(
        "CREATE INDEX CONCURRENTLY orders_code_idx ON shop.orders (code);", ""
    )
    plan_file.write_text(text)
    before = catalog_snapshot(empty_url)
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "all",
    )
    assert code == 1
    assert "does not converge" in err and "orders_code_idx" in err
    assert catalog_snapshot(empty_url) == before


def test_rehearsal_refuses_a_plan_that_fails_on_the_copy(empty_url: str, tmp_path: Path) -> None:
    schema = load_case(empty_url, "drop_column")
    plan_file = tmp_path / "plan.sql"
    canon("plan", "--database-url", empty_url, "--schema-dir", str(schema), "--out", str(plan_file))
    plan_file.write_text(plan_file.read_text() + "ALTER TABLE shop.orders DROP COLUMN nope;\n")
    before = catalog_snapshot(empty_url)
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "all",
    )
    assert code == 1
    assert "fails when rehearsed on a copy of the live schema" in err
    assert 'column "nope" of relation "orders" does not exist' in err
    assert catalog_snapshot(empty_url) == before


def test_bad_timeout_values_are_refused_before_anything_runs(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    before = catalog_snapshot(empty_url)
    for option in ("--lock-timeout", "--statement-timeout", "--apply-lock-wait"):
        code, _, err = apply(empty_url, schema, "--allow-hazards", "all", option, "soon")
        assert code == 1
        assert f"{option} 'soon' is not a PostgreSQL duration" in err
    assert catalog_snapshot(empty_url) == before


def test_a_clean_up_that_cannot_finish_says_what_it_left(empty_url: str) -> None:
    schema = load_case(empty_url, "populated_index")
    # The writer stays for the whole apply: the build times out, and so does its clean-up.
    with psycopg.connect(empty_url) as writer:
        writer.execute("INSERT INTO shop.events (id, kind) VALUES (0, 'view')")
        code, _, err = apply(
            empty_url, schema, "--allow-hazards", "all", *FAST_RETRIES[:2], "--lock-retries", "1"
        )
        writer.rollback()
    assert code == 1
    assert 'could not drop the invalid index "shop"."events_kind_idx"' in err
    assert "the next canon apply drops and rebuilds it" in err
    assert indexes(empty_url, "shop.events") == {"events_kind_idx": False, "events_pkey": True}
    [(_, _, status, attempts)] = steps_of_last_apply(empty_url)
    assert (status, attempts) == ("failed", 1)  # a build whose clean-up failed is not retried

    code, _, err = apply(empty_url, schema, "--allow-hazards", "all")
    assert code == 0, err
    assert indexes(empty_url, "shop.events") == {"events_kind_idx": True, "events_pkey": True}


def test_apply_lock_wait_zero_does_not_wait(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    with psycopg.connect(empty_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))
        code, _, err = apply(empty_url, schema, "--allow-hazards", "all", "--apply-lock-wait", "0")
        holder = other.info.backend_pid
    assert code == 1
    assert f"another canon apply is running on this database (held by pid {holder}" in err
    assert "--apply-lock-wait 0: did not wait" in err


def test_an_apply_waiting_for_the_lock_holds_no_snapshot(empty_url: str) -> None:
    """The running apply's concurrent build never waits for the apply queued behind it."""
    schema = load_case(empty_url, "drop_column")
    waiting = threading.Thread(
        target=lambda: results.append(
            apply(empty_url, schema, "--allow-hazards", "all", "--apply-lock-wait", "60s")
        )
    )
    results: list[tuple[int, str, str]] = []
    with psycopg.connect(empty_url, autocommit=True) as first:
        first.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))
        waiting.start()
        _until(
            empty_url,
            "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = "
            f"'canon/{os.getpid()}' AND query LIKE '%pg_try_advisory_lock%'",
        )
        # As the apply holding the lock would: a concurrent build, under a short lock timeout.
        first.execute("SET lock_timeout = '5s'")
        first.execute("CREATE INDEX CONCURRENTLY orders_qty_idx ON shop.orders (qty)")
        first.execute("SELECT pg_advisory_unlock(%s)", (APPLY_LOCK_KEY,))
    waiting.join()
    [(code, _, err)] = results
    assert code == 0, err


def _until(url: str, condition: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(condition.encode()).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"never true: {condition}")
