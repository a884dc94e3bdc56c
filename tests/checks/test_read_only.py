"""A role that may only read (pg_read_all_data, owning nothing) sees what the owner sees."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psycopg

from tests.helpers import PROJECT, canon

READER = "canon_read_only_ci"


def test_drift_and_plan_answer_a_reader_as_they_answer_the_owner(
    project_db: psycopg.Connection, project_url: str, cwd_tmp: Path
) -> None:
    project_db.autocommit = True
    with contextlib.suppress(psycopg.errors.DuplicateObject):
        project_db.execute(f"CREATE ROLE {READER} LOGIN IN ROLE pg_read_all_data")
    # Functions nobody but their owner may run hide their bodies from information_schema.
    project_db.execute(
        "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core, integration, products FROM PUBLIC"
    )
    project_db.execute("ALTER TABLE core.brands ADD COLUMN drifted text")
    as_reader = project_url.replace("canon@", f"{READER}@", 1)
    schema = str(PROJECT / "schema")
    for command in (["drift", "--strict"], ["drift", "--format", "json"], ["plan"]):
        by_owner = canon(*command, "--database-url", project_url, "--schema-dir", schema)
        by_reader = canon(*command, "--database-url", as_reader, "--schema-dir", schema)
        assert by_owner[0] == 2, by_owner
        assert by_reader[:2] == (by_owner[0], by_owner[1].replace(project_url, as_reader))
