"""What a plan shows: summary first, each statement's object and file:line, every format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from canon.cli.app import cli
from canon.cli.main import run
from canon.plan.output import escape_property
from canon.plan.planfile import read_plan_file
from tests.helpers import CASES, canon, run_sql_file

CASE = CASES / "added_and_dropped_columns"
SCHEMA = str(CASE / "schema")
SCHEMA_FILE = str((CASE / "schema" / "items.sql").relative_to(Path.cwd()))
DATA = Path(__file__).parent / "data"


@pytest.fixture
def drifted(empty_url: str) -> str:
    run_sql_file(empty_url, CASE / "live.sql")
    return empty_url


def plan(url: str, *args: str) -> str:
    code, out, err = canon("plan", "--database-url", url, "--schema-dir", SCHEMA, *args)
    assert code == 2, err
    return out


def test_the_plan_file_reads_summary_first_and_hashes_last(drifted: str) -> None:
    lines = plan(drifted).splitlines()
    assert lines[0] == "-- canon plan"
    assert lines[1] == "-- 3 statements in 1 step; hazards: data-loss (1); 0 rows at stake"
    assert lines[-1].startswith("-- planned: ") and len(lines[-1].split()) == 5
    assert all(len(line) < 120 for line in lines[:12])
    text = "\n".join(lines)
    assert "-- column public.items.legacy_code: only in the live database\n" in text
    assert f"-- column public.items.price: {SCHEMA_FILE}:4\n" in text
    assert f"-- column public.items.tags: {SCHEMA_FILE}:5\n" in text


def test_json_items_name_object_file_and_line(drifted: str) -> None:
    document = json.loads(plan(drifted, "--format", "json"))
    items = [s for step in document["steps"] for s in step["statements"]]
    assert [(i["object"], i["file"], i["line"]) for i in items] == [
        ("column public.items.legacy_code", None, None),
        ("column public.items.price", SCHEMA_FILE, 4),
        ("column public.items.tags", SCHEMA_FILE, 5),
    ]
    assert document["summary"] == {
        "statements": 3,
        "steps": 1,
        "hazards": {"data-loss": 1},
        "rows_at_stake": 0,
    }


def test_markdown_is_a_pull_request_comment(drifted: str) -> None:
    text = plan(drifted, "--format", "markdown")
    assert text.startswith("### canon plan: 3 statements in 1 step")
    assert "| 3 | 1 | `data-loss` (1) | 0 |" in text
    assert "| column public.items.legacy_code | only in the live database | data-loss |" in text
    assert "<details><summary>SQL (3 statements)</summary>" in text
    assert text.rstrip().endswith("</details>")


def test_github_annotations_carry_file_and_line(drifted: str) -> None:
    lines = plan(drifted, "--format", "github").splitlines()
    assert lines[0].startswith(
        "::warning title=canon plan%3A data-loss::column public.items.legacy_code"
    )
    assert lines[1].startswith(f"::notice file={SCHEMA_FILE},line=4,title=canon plan::")


def test_annotation_titles_escape_what_would_end_them() -> None:
    # GitHub splits a workflow command's properties at commas: two hazards in a title
    # must not cut it short.
    assert escape_property("canon plan: data-loss, rewrite") == "canon plan%3A data-loss%2C rewrite"


def test_hazards_in_colour_on_a_terminal_never_when_piped_or_no_color(
    drifted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = ["plan", "--database-url", drifted, "--schema-dir", SCHEMA]
    out = Terminal()
    assert run(args, out, io.StringIO()) == 2
    assert "-- \033[1m\033[31mhazard: data-loss" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    run(args, out, io.StringIO())
    assert "\033[" not in out.getvalue()
    assert "\033[" not in plan(drifted)  # piped


def test_plan_files_of_both_formats_are_read(drifted: str, tmp_path: Path) -> None:
    old = read_plan_file(DATA / "format1.sql")
    assert old.header["format"] == "1"
    assert [s.by_hand for s in old.statements] == [False, True]
    saved = tmp_path / "plan.sql"
    saved.write_text(plan(drifted) + "\nSELECT 1;\n")
    new = read_plan_file(saved)
    assert new.header["format"] == "2"
    assert new.header["hazards"] == "data-loss"
    assert [s.by_hand for s in new.statements] == [False, False, False, True]


def test_every_command_shows_an_example_in_its_help() -> None:
    def commands(group: object, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [prefix]
        for name, command in getattr(group, "commands", {}).items():
            found += commands(command, (*prefix, name))
        return found

    runner = CliRunner()
    for path in commands(cli, ()):
        shown = runner.invoke(cli, [*path, "--help"])
        assert shown.exit_code == 0
        assert "Example" in shown.output, f"canon {' '.join(path)} --help has no example"


def test_statements_of_the_new_kinds_name_their_object_and_line(empty_url: str) -> None:
    case = CASES / "statistics_added_and_changed"
    run_sql_file(empty_url, case / "live.sql")
    code, out, err = canon(
        "plan",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(case / "schema"),
        "--format",
        "json",
    )
    assert code == 2, err
    items = [s for step in json.loads(out)["steps"] for s in step["statements"]]
    schema_file = str((case / "schema" / "addresses.sql").relative_to(Path.cwd()))
    # The new target is set by ALTER STATISTICS, found at the CREATE declaring the object.
    (target,) = [i for i in items if i["sql"].startswith("ALTER STATISTICS")]
    assert (target["object"], target["file"], target["line"]) == (
        "statistics public.addresses_zip_country",
        schema_file,
        3,
    )
    assert all(i["object"] for i in items), items
