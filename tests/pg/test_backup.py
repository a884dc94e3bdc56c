"""canon backup / restore, and apply --backup: pg_dump and pg_restore on the real server."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from canon.pg import backup as backups
from canon.pg.dburl import DatabaseUrl
from tests.apply_cases import columns, load_case, query
from tests.helpers import canon


def test_backup_then_restore_round_trips_data(empty_url: str, tmp_path: Path) -> None:
    load_case(empty_url, "drop_column")
    archive = tmp_path / "shop.dump"
    code, _, err = canon("backup", "--database-url", empty_url, "--out", str(archive))
    assert code == 0, err
    assert archive.stat().st_size > 0 and "backup written to" in err

    query(empty_url, "DELETE FROM shop.orders WHERE id > 1")
    query(empty_url, "ALTER TABLE shop.orders DROP COLUMN note")
    query(empty_url, "CREATE TABLE shop.later (id integer)")

    code, _, err = canon("restore", "--database-url", empty_url, str(archive))
    assert code == 0, err
    assert columns(empty_url, "shop.orders") == ["id", "qty", "note"]
    assert query(empty_url, "SELECT id, qty, note FROM shop.orders ORDER BY id") == [
        (1, 2, "gift wrap"),
        (2, 1, None),
        (3, 5, "leave at door"),
        (4, 1, "call first"),
    ]


def test_restore_of_a_missing_file_fails_cleanly(empty_url: str, tmp_path: Path) -> None:
    code, _, err = canon("restore", "--database-url", empty_url, str(tmp_path / "nope.dump"))
    assert code == 1 and "does not exist" in err


def test_apply_backup_dumps_before_changing_anything(empty_url: str, cwd_tmp: Path) -> None:
    schema = load_case(empty_url, "drop_column")
    code, _, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "all",
        "--backup",
    )
    assert code == 0, err
    # Named after the database (pytest-xdist workers add their name to it).
    dbname = DatabaseUrl.parse(empty_url).dbname
    [archive] = list((cwd_tmp / "backups").glob(f"{dbname}-*.dump"))
    assert f"backup written to backups/{archive.name}" in err
    # The archive holds the dropped column's values.
    listing = subprocess.run(
        [
            str(backups.find_pg_bin() / "pg_restore"),
            "--data-only",
            "--table",
            "orders",
            "--file",
            "-",
            str(archive),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "leave at door" in listing


def test_password_goes_in_the_environment_not_argv(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(argv: list[str], **kwargs: Any) -> Any:
        seen.append((argv, kwargs.get("env") or {}))
        return real_run(argv, **kwargs)

    monkeypatch.setattr(backups.subprocess, "run", spy)
    # The test cluster trusts loopback, so a password is accepted and ignored.
    url = DatabaseUrl.parse(empty_url.replace("canon@", "canon:Sup3r-secret@"))
    backups.backup(url, tmp_path / "db.dump")
    [(argv, env)] = [(a, e) for a, e in seen if Path(a[0]).name == "pg_dump"]
    assert not any("Sup3r-secret" in arg for arg in argv)
    assert env["PGPASSWORD"] == "Sup3r-secret"


def test_backup_failure_never_shows_the_password(tmp_path: Path) -> None:
    from canon.pg.cluster import free_port

    url = f"postgresql://nobody:Hunter-2-secret@127.0.0.1:{free_port()}/db"
    code, out, err = canon("backup", "--database-url", url, "--out", str(tmp_path / "x.dump"))
    assert code == 1
    assert "pg_dump failed" in err and "Hunter-2-secret" not in out + err
    assert not (tmp_path / "x.dump").exists()
