"""canon.toml is checked against its schema: each case in config_cases/ says what must happen.

A case's first line is ``# accepted`` or ``# refused at line N: <part of the message>``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from canon.errors import ConfigError, SourceError
from canon.files.config import load_config
from canon.files.environments import resolve_environment

CASES = Path(__file__).resolve().parent / "config_cases"
EXPECTATION = re.compile(r"# (accepted|refused at line (\d+): (.*))")


def project_with(case: Path, root: Path) -> Path:
    """A project folder whose canon.toml is the case; returns its schema folder."""
    shutil.copy(case, root / "canon.toml")
    (root / "schema").mkdir()
    return root / "schema"


@pytest.mark.parametrize("case", sorted(CASES.glob("*.toml")), ids=lambda p: p.stem)
def test_settings_are_accepted_or_refused_with_their_line(case: Path, tmp_path: Path) -> None:
    expected = EXPECTATION.fullmatch(case.read_text().splitlines()[0])
    assert expected, f"{case.name} does not say what to expect"
    schema_dir = project_with(case, tmp_path)
    if expected.group(1) == "accepted":
        config = load_config(schema_dir)
        assert config.environments, "an accepted case declares environments"
        return
    with pytest.raises(SourceError) as caught:
        load_config(schema_dir)
    assert caught.value.path == str(tmp_path / "canon.toml")
    assert caught.value.line == int(expected.group(2)), str(caught.value)
    assert expected.group(3) in str(caught.value)
    assert "s3cret" not in str(caught.value) and "hunter2" not in str(caught.value)


def test_an_accepted_file_reads_as_written(tmp_path: Path) -> None:
    config = load_config(project_with(CASES / "accepted.toml", tmp_path))
    staging, production = config.environment("staging"), config.environment("production")
    assert not staging.is_fleet and staging.lock_timeout == "2s"
    assert staging.allow_hazards == ("index-build",)
    assert production.is_fleet and [d.name for d in production.databases] == ["eu", "us", "ap"]
    # The environment's tenants replace the project's, keeping its template.
    tenants = config.for_environment("production").tenants
    assert tenants is not None and tenants.template == "_tenant"
    assert tenants.query is not None and tenants.file is None
    assert config.for_environment("staging").tenants == config.tenants
    assert "WHERE active" in (config.environment("customers").databases_query or "")
    with pytest.raises(ConfigError, match="declares no such environment"):
        config.environment("qa")


def test_addresses_come_from_the_environment_services_or_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project_with(CASES / "accepted.toml", tmp_path))
    monkeypatch.delenv("STAGING_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match=r"canon.toml:11: the environment variable STAGING"):
        resolve_environment(config, "staging")
    monkeypatch.setenv("STAGING_DATABASE_URL", "postgresql://app:pw@staging.example.com/shop")
    (staging,) = resolve_environment(config, "staging").targets
    assert staging.url.get("host") == "staging.example.com"
    monkeypatch.setenv("SHOP_US_URL", "postgresql://app@us.example.com/shop")
    fleet = resolve_environment(config, "production")
    assert [t.name for t in fleet.targets] == ["eu", "us", "ap"]
    assert fleet.targets[0].url.get("service") == "shop_eu"
    assert [t.name for t in resolve_environment(config, "production", ["ap"]).targets] == ["ap"]
    (tmp_path / "shards.txt").write_text(
        "# shards\none  host=one.example.com dbname=shop\ntwo  postgresql://app:pw@two/shop\n"
    )
    with pytest.raises(SourceError) as caught:
        resolve_environment(config, "shards")
    assert (caught.value.line, "password is refused") == (3, caught.value.cause[2:21])
    assert "pw@" not in str(caught.value)
