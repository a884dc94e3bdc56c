"""Fleets: plan, apply, drift and history over ten databases on two servers.

The fleet is ``shop/layout.txt``: databases made from the states in ``shop/states/``.
What each database needs is never written here: it is what ``canon plan`` says about a
database of its state alone (the ``oracle``), and the fleet's answers must agree with it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import psycopg
import pytest

from tests.helpers import canon

from .conftest import Fleet, Oracle, closed_port, schema_fingerprint

GROUP_LINE = re.compile(r"^-- group \d+ of \d+: (.*)$", re.MULTILINE)
OUTCOME_LINE = re.compile(
    r"^(\S+?)( \(canary\))?: (applied|unchanged|failed|skipped)", re.MULTILINE
)


def needing(fleet: Fleet, oracle: Oracle) -> set[str]:
    """The databases whose state needs changes."""
    return {name for name, state in fleet.states.items() if oracle.needs[state]}


def fingerprints(fleet: Fleet) -> dict[str, str]:
    return {name: schema_fingerprint(url) for name, url in fleet.urls.items()}


def outcomes(out: str) -> dict[str, str]:
    return {m.group(1): m.group(3) for m in OUTCOME_LINE.finditer(out)}


def applies(url: str) -> list[tuple[datetime, str | None]]:
    """When each recorded apply began, and its fleet run."""
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('canon.applies')").fetchone() == (None,):
            return []
        rows = conn.execute("SELECT started_at, run_id FROM canon.applies ORDER BY id").fetchall()
    return [(row[0], row[1]) for row in rows]


def run_id_of(err: str) -> str:
    found = re.search(r"--run (\S+)", err)
    assert found, err
    return found.group(1)


def test_plan_prints_one_plan_per_group_of_databases_needing_the_same_statements(
    fleet: Fleet, oracle: Oracle
) -> None:
    expected: dict[tuple[str, ...], set[str]] = {}
    for name, state in fleet.states.items():
        if oracle.needs[state]:
            expected.setdefault(oracle.needs[state], set()).add(name)
    code, out, err = canon("plan", "--env", "prod")
    assert code == 2, err
    groups = [set(line.split(", ")) for line in GROUP_LINE.findall(out)]
    assert sorted(map(sorted, groups)) == sorted(map(sorted, expected.values()))
    assert len(groups) < len(needing(fleet, oracle))  # grouped, not one plan per database
    for name, state in fleet.states.items():
        where = "group" if oracle.needs[state] else "unchanged"
        assert re.search(rf"^-- database {name}: {where}", out, re.MULTILINE), name
    # Each group opens with its summary; each statement names the file and line declaring it.
    summaries = re.findall(
        r"^-- group \d+ of \d+: .*\n-- (\d+) statements? in \d+ steps?;", out, re.M
    )
    assert len(summaries) == len(groups) and all(int(n) > 0 for n in summaries)
    assert re.search(r"^-- .+: schema/shop\.sql:\d+$", out, re.MULTILINE)
    # Measured on each database: the row that breaks the new CHECK is named with its database.
    for name in fleet.named("broken"):
        assert re.search(rf"^-- at stake: {name}: 1 rows? in shop.items violate", out, re.MULTILINE)
    assert "prod: 10 databases" in err
    # Unchanged databases answer from their no-change shortcut the second time.
    code, again, _ = canon("plan", "--env", "prod")
    assert code == 2 and GROUP_LINE.findall(again) == GROUP_LINE.findall(out)


def test_markdown_and_annotations_of_a_fleet_plan_name_each_groups_databases(
    fleet: Fleet, oracle: Oracle
) -> None:
    code, text, _ = canon("plan", "--env", "prod")
    assert code == 2
    groups = GROUP_LINE.findall(text)
    code, markdown, _ = canon("plan", "--env", "prod", "--format", "markdown")
    assert code == 2
    assert re.findall(r"^## prod: (.*)$", markdown, re.MULTILINE) == groups
    assert markdown.count("### canon plan: ") == len(groups)
    code, annotations, _ = canon("plan", "--env", "prod", "--format", "github")
    assert code == 2
    titled = set(re.findall(r"title=canon plan \(([^)]*)\)", annotations))
    # A comma would end the title property: members are spaced in it, never comma-separated.
    assert titled == {members.replace(", ", " ") for members in groups}
    assert needing(fleet, oracle) == {name for members in groups for name in members.split(", ")}


def test_a_failing_canary_stops_the_fleet_and_changes_nothing(fleet: Fleet, oracle: Oracle) -> None:
    before = fingerprints(fleet)
    (canary,) = fleet.named("broken")
    code, out, err = canon("apply", "--env", "prod", "--canary", canary)
    assert code == 1
    found = outcomes(out)
    assert f"{canary} (canary): failed" in out
    for name, state in fleet.states.items():
        if name != canary:
            assert found[name] == ("skipped" if oracle.needs[state] else "unchanged"), out
    assert fingerprints(fleet) == before


def test_the_first_failure_stops_databases_not_yet_started(fleet: Fleet, oracle: Oracle) -> None:
    canary = fleet.named("v1")[0]
    (broken,) = fleet.named("broken")
    before = fingerprints(fleet)
    # One at a time, in the file's order: the databases after the broken one never start.
    code, out, err = canon("apply", "--env", "prod", "--canary", canary, "--concurrency", "1")
    assert code == 1
    found = outcomes(out)
    assert found[canary] == "applied" and found[broken] == "failed"
    order = [name for name in fleet.urls if name != canary]
    later = [name for name in order[order.index(broken) + 1 :] if name in needing(fleet, oracle)]
    assert later and all(found[name] == "skipped" for name in later)
    after = fingerprints(fleet)
    assert all(after[name] == before[name] for name in later)
    assert after[canary] == oracle.converged


def test_continue_on_error_applies_the_canary_first_then_every_other_database(
    fleet: Fleet, oracle: Oracle
) -> None:
    canary = fleet.named("v0")[-1]
    (broken,) = fleet.named("broken")
    code, out, err = canon("apply", "--env", "prod", "--canary", canary, "--continue-on-error")
    assert code == 1  # one database failed
    found = outcomes(out)
    assert found[broken] == "failed"
    applied = needing(fleet, oracle) - {broken}
    assert {name for name, status in found.items() if status == "applied"} == applied
    run_id = run_id_of(err)
    started = {name: applies(fleet.urls[name]) for name in applied}
    after = fingerprints(fleet)
    for name, recorded in started.items():
        assert [r for _, r in recorded] == [run_id], name  # one apply each, of this run
        if name != canary:
            assert started[canary][0][0] < recorded[0][0]  # the canary went first
        assert after[name] == oracle.converged  # and the database now matches the files
    assert applies(fleet.urls[broken]) == []
    code, history, _ = canon("history", "--env", "prod", "--run", run_id, "--format", "json")
    assert code == 0
    listed = {d["name"]: d["applies"] for d in json.loads(history)["databases"]}
    assert {name for name, entries in listed.items() if entries} == applied
    assert all(e["run_id"] == run_id for entries in listed.values() for e in entries)


def test_unreachable_and_silent_databases_are_named_and_the_rest_answered(
    fleet: Fleet, oracle: Oracle, silent_server: int
) -> None:
    needed = needing(fleet, oracle)
    fleet.add("gone", f"postgresql://canon@127.0.0.1:{closed_port()}/shop")
    fleet.add("slow", f"postgresql://canon@127.0.0.1:{silent_server}/shop")
    code, out, err = canon("plan", "--env", "prod")
    assert code == 1
    assert "gone: unreachable: connection refused" in err
    assert "slow: timeout after 2s" in err  # connect_timeout = 2 in canon.toml
    assert {n for line in GROUP_LINE.findall(out) for n in line.split(", ")} == needed

    code, out, err = canon("drift", "--env", "prod")
    assert code == 1
    assert re.search(r"^gone\s+unreachable: connection refused$", out, re.MULTILINE)
    assert re.search(r"^slow\s+timeout after 2s$", out, re.MULTILINE)

    # A database that cannot be reached is a failure: without --continue-on-error, none starts.
    before = fingerprints(fleet)
    code, out, err = canon("apply", "--env", "prod")
    assert code == 1
    found = outcomes(out)
    assert found["gone"] == "failed" and found["slow"] == "failed"
    assert {name for name, status in found.items() if status == "skipped"} == needed
    assert fingerprints(fleet) == before
    code, out, err = canon("apply", "--env", "prod", "--continue-on-error")
    assert code == 1
    (broken,) = fleet.named("broken")
    found = outcomes(out)
    assert {name for name, status in found.items() if status == "applied"} == needed - {broken}


def test_drift_ends_with_a_matrix_of_databases_and_exits_2(fleet: Fleet) -> None:
    code, out, err = canon("drift", "--env", "prod")
    assert code == 2, err
    rows = {cells[0]: cells for cells in map(str.split, out.splitlines()) if cells}
    for name, url in fleet.urls.items():
        code, single, _ = canon("drift", "--database-url", url, "--format", "json")
        report = json.loads(single)
        statements, seeds = len(report["differences"]), len(report["seed_differences"])
        if statements:
            assert rows[name][1:3] == [str(statements), "statement" + "s" * (statements != 1)]
        elif seeds:
            assert rows[name][1:4] == ["ok", str(seeds), "row" + "s" * (seeds != 1)]
        else:
            assert rows[name][1:3] == ["ok", "ok"]
    code, out, _ = canon("drift", "--env", "prod", "--format", "json")
    assert code == 2
    document = json.loads(out)
    assert [d["name"] for d in document["databases"]] == list(fleet.urls)
    assert all(d["report"]["name"] == d["name"] for d in document["databases"])
    assert document["drift"] is True and document["complete"] is True
    code, out, _ = canon("drift", "--env", "prod", "--format", "github")
    drifted = {d["name"] for d in document["databases"] if d["status"] == "drift"}
    assert set(re.findall(r"title=canon (?:seed )?drift \((\S+)\)::", out)) >= drifted


def test_a_plan_file_holds_a_section_per_group_and_is_stale_for_a_changed_database(
    fleet: Fleet, oracle: Oracle
) -> None:
    code, out, err = canon("plan", "--env", "prod", "--out", "plans/prod.sql")
    assert code == 2, err
    text = (fleet.project / "plans" / "prod.sql").read_text()
    assert GROUP_LINE.findall(text) == GROUP_LINE.findall(out) and len(GROUP_LINE.findall(out)) > 1
    changed = fleet.named("v1")[0]
    with psycopg.connect(fleet.urls[changed]) as conn:
        conn.execute("ALTER TABLE shop.items ADD COLUMN note text")
    code, out, err = canon("apply", "plans/prod.sql", "--env", "prod", "--continue-on-error")
    assert code == 1
    found = outcomes(out)
    assert re.search(rf"^{changed}: failed: stale plan", out, re.MULTILINE)
    (broken,) = fleet.named("broken")
    applied = needing(fleet, oracle) - {changed, broken}
    assert {name for name, status in found.items() if status == "applied"} == applied
    after = fingerprints(fleet)
    assert all(after[name] == oracle.converged for name in applied)
    # A plan of one database is not a fleet's, and a fleet's plan needs its environment.
    code, _, err = canon("apply", "plans/prod.sql", "--database-url", fleet.urls[changed])
    assert code == 1 and "not a canon plan file" in err


def test_db_narrows_a_fleet_and_commands_for_one_database_need_it(fleet: Fleet) -> None:
    (unseeded,) = fleet.named("unseeded")
    code, out, err = canon("plan", "--env", "prod", "--db", unseeded)
    assert code == 0, err
    assert "prod: 1 database:" in err
    code, _, err = canon("seed", "--env", "prod")
    assert code == 1 and "choose it with --db" in err
    code, _, err = canon("seed", "--env", "prod", "--db", unseeded)
    assert code == 0, err
    code, out, _ = canon("drift", "--env", "prod", "--db", unseeded)
    assert code == 0, out
    code, _, err = canon("plan", "--env", "prod", "--db", "nowhere")
    assert code == 1 and "no such database" in err
    code, _, err = canon("plan", "--env", "prod", "--database-url", fleet.urls[unseeded])
    assert code == 1 and "give one of them" in err


@pytest.mark.parametrize("allowed", ["", "index-build"])
def test_the_environment_allows_hazards_unless_the_command_line_says_otherwise(
    fleet: Fleet, allowed: str
) -> None:
    name = fleet.named("v0")[0]
    code, out, err = canon("apply", "--env", "prod", "--db", name, "--allow-hazards", allowed)
    if allowed:
        assert code == 0, err
        assert outcomes(out)[name] == "applied"
    else:
        assert code == 1
        assert "hazards that were not allowed: index-build" in out


def test_a_dry_run_rehearses_every_group_and_changes_nothing(fleet: Fleet, oracle: Oracle) -> None:
    before = fingerprints(fleet)
    code, out, err = canon("apply", "--env", "prod", "--dry-run", "--continue-on-error")
    assert code == 1  # the broken database is still refused on its rows
    rehearsed = set(re.findall(r"^(\S+?)(?: \(canary\))?: rehearsed", out, re.MULTILINE))
    assert rehearsed == needing(fleet, oracle) - set(fleet.named("broken"))
    assert fingerprints(fleet) == before
