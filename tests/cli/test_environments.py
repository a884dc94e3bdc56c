"""--env naming one database: its address from the environment, its settings over the defaults."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fleet.states import SHOP, load_state
from tests.helpers import TESTS, canon


@pytest.fixture
def staging(empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shop's files with staging's canon.toml; staging is a database of the last release."""
    shutil.copytree(SHOP / "schema", tmp_path / "schema")
    shutil.copy(TESTS / "cli" / "staging" / "canon.toml", tmp_path / "canon.toml")
    load_state(empty_url, "v1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANON_CACHE_DIR", str(tmp_path / "cache"))
    return empty_url


def test_the_environment_names_the_database_and_allows_its_hazards(
    staging: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOP_STAGING_URL", raising=False)
    code, _, err = canon("plan", "--env", "staging")
    assert code == 1
    assert "canon.toml:2: the environment variable SHOP_STAGING_URL is not set" in err
    monkeypatch.setenv("SHOP_STAGING_URL", staging)
    code, out, _ = canon("plan", "--env", "staging")
    assert code == 2 and "index-build" in out
    # Without the environment, index-build is not allowed; with it, it is.
    code, _, err = canon("apply", "--database-url", staging)
    assert code == 1 and "not allowed: index-build" in err
    code, _, err = canon("apply", "--env", "staging")
    assert code == 0, err
    code, out, _ = canon("history", "--env", "staging")
    assert code == 0 and "applied" in out
    assert canon("plan", "--env", "staging")[0] == 0


def test_an_unknown_hazard_in_an_environment_names_its_line(
    staging: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_STAGING_URL", staging)
    code, _, err = canon("apply", "--env", "broken")
    assert code == 1
    assert "canon.toml:9: unknown hazard no-such-hazard" in err
    code, _, err = canon("plan", "--env", "qa")
    assert code == 1 and "declares no such environment (known: broken, staging)" in err
