"""Lock waits are bounded by --lock-timeout and told while they last, for every command."""

from __future__ import annotations

import re

import psycopg
import pytest

from tests.apply_cases import load_case
from tests.helpers import canon

REPORT = re.compile(r"canon: waiting (\d+)s for (\S+) on shop\.orders, held by pid (\d+) \(since ")


@pytest.mark.parametrize("command", ["plan", "drift", "verify", "apply"])
def test_a_command_behind_an_exclusive_lock_says_who_holds_it_and_gives_up(
    empty_url: str, command: str
) -> None:
    schema = load_case(empty_url, "drop_column")
    hazards = ("--allow-hazards", "all") if command == "apply" else ()
    with psycopg.connect(empty_url) as holder:
        holder.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE")
        code, _, err = canon(
            command,
            "--database-url",
            empty_url,
            "--schema-dir",
            str(schema),
            "--lock-timeout",
            "3s",
            *hazards,
        )
        holder.rollback()
        blocker = holder.info.backend_pid
    assert code == 1, err
    reports = REPORT.findall(err)
    assert reports, err
    assert all(int(pid) == blocker for _, _, pid in reports)
    assert "lock timeout" in err and "raise --lock-timeout" in err
    assert "internal error" not in err


def test_a_bad_lock_timeout_is_refused_before_connecting() -> None:
    code, _, err = canon(
        "plan", "--database-url", "postgresql://nobody@127.0.0.1:1/none", "--lock-timeout", "soon"
    )
    assert code == 1
    assert "--lock-timeout 'soon' is not a PostgreSQL duration" in err
