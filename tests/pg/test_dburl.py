"""Addresses read by libpq's rules: any valid one masked, a malformed one refused, secrets
never printed; with no address, libpq's PG* variables and service files apply."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from canon.errors import ConfigError, DatabaseError
from canon.pg import db
from canon.pg.cluster import free_port
from canon.pg.dburl import DatabaseUrl
from tests.helpers import canon

# RFC 3986's reserved characters, percent and space, and what shells and SQL quote with.
RESERVED = ":/?#[]@!$&'()*+,;=% \"\\"
PASSWORDS = [f"se{c}cret" for c in RESERVED] + [f"a{RESERVED}z"]


@pytest.mark.parametrize("password", PASSWORDS)
def test_passwords_with_reserved_characters_reach_libpq_and_are_never_shown(password: str) -> None:
    url = DatabaseUrl.parse(f"postgresql://app:{quote(password, safe='')}@db.example.com:6432/shop")
    assert url.password == password
    assert (url.get("host"), url.get("port"), url.dbname) == ("db.example.com", "6432", "shop")
    assert url.masked() == "postgresql://app:***@db.example.com:6432/shop"
    assert password not in repr(url) and password not in str(url)
    assert DatabaseUrl.parse(url.url()) == url
    assert DatabaseUrl.parse(url.conninfo()).password == password


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_password_written_unescaped_is_read_right_or_refused_without_being_shown(
    password: str,
) -> None:
    # libpq would read "se@cret" as password "se" on host "cret@…": never accept that.
    try:
        url = DatabaseUrl.parse(f"postgresql://app:{password}@db.example.com/shop")
    except ConfigError as exc:
        assert password not in str(exc) and "percent-encode" in str(exc)
        return
    assert url.password == password
    assert url.get("host") == "db.example.com" and url.dbname == "shop"


@pytest.mark.parametrize("password", ["hunter2@x9", "hunter2/x9", "hunter2@x9/q7", "x9/q7@hunter2"])
def test_unescaped_at_and_slash_are_refused(password: str) -> None:
    with pytest.raises(ConfigError) as refused:
        DatabaseUrl.parse(f"postgresql://app:{password}@db.example.com:5432/shop")
    for piece in password.replace("/", "@").split("@"):
        assert piece not in str(refused.value)


def test_masking_replaces_the_password_only_where_it_stands_alone() -> None:
    url = DatabaseUrl.parse("postgresql://app:p@db.example.com/shop")
    assert (
        url.scrub('could not connect to postgresql at "p" (password p)')
        == 'could not connect to postgresql at "***" (password ***)'
    )
    word = DatabaseUrl.parse("postgresql://app:shop@db.example.com/shop")
    assert word.scrub("database shop, password shop") == "database ***, password ***"
    assert word.scrub("shopping") == "shopping"


@pytest.mark.parametrize("password", PASSWORDS)
def test_connection_errors_show_no_password(password: str) -> None:
    closed = free_port()
    url = DatabaseUrl.parse(
        f"postgresql://app:{quote(password, safe='')}@127.0.0.1:{closed}/shop?connect_timeout=2"
    )
    with pytest.raises(DatabaseError) as failed:
        db.connect(url)
    assert password not in str(failed.value)
    assert quote(password, safe="") not in str(failed.value)
    assert "postgresql://app:***@127.0.0.1" in str(failed.value)


@pytest.fixture
def no_url(monkeypatch: pytest.MonkeyPatch, cwd_tmp: Path) -> pytest.MonkeyPatch:
    """No DATABASE_URL and none of libpq's variables; a schema with one table."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)
    (cwd_tmp / "schema").mkdir()
    (cwd_tmp / "schema" / "t.sql").write_text("CREATE TABLE public.t (id integer);\n")
    return monkeypatch


def test_pg_variables_apply_when_no_url_is_given(
    no_url: pytest.MonkeyPatch, empty_url: str
) -> None:
    live = DatabaseUrl.parse(empty_url)
    no_url.setenv("PGHOST", live.get("host") or "")
    no_url.setenv("PGPORT", live.get("port") or "")
    no_url.setenv("PGUSER", live.get("user") or "")
    no_url.setenv("PGDATABASE", live.dbname)
    code, out, err = canon("drift")
    assert code == 2, err
    assert out.startswith(f"drift: {live.masked()} differs")


def test_a_service_file_applies_when_no_url_is_given(
    no_url: pytest.MonkeyPatch, empty_url: str, cwd_tmp: Path
) -> None:
    live = DatabaseUrl.parse(empty_url)
    services = cwd_tmp / "pg_service.conf"
    services.write_text(
        f"[shop]\nhost={live.get('host')}\nport={live.get('port')}\n"
        f"user={live.get('user')}\ndbname={live.dbname}\n"
    )
    no_url.setenv("PGSERVICEFILE", str(services))
    no_url.setenv("PGSERVICE", "shop")
    code, out, err = canon("apply", "--schema-dir", "schema")
    assert code == 0, err
    code, out, err = canon("drift")
    assert code == 0, err
    assert "service=shop" in out
