"""Tenants in a fleet: each database renders the files for the tenants its own rows list."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from canon.pg.cluster import Server
from tests.helpers import canon, run_sql_file

from .conftest import drop
from .states import SHOP

SHOPS = SHOP.parent / "shops"


@dataclass(frozen=True)
class Shops:
    urls: dict[str, str]  # each database, by short name
    tenants: dict[str, list[str]]  # the shops each database lists


@pytest.fixture
def shops(
    pg_server: NoopExecutor,
    second_server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shops]:
    """The shops project, its fleet in the working directory."""
    project = tmp_path / "shops"
    shutil.copytree(SHOPS, project, ignore=shutil.ignore_patterns("layout.txt"))
    servers = {
        "first": f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}",
        "second": f"postgresql://{second_server.user}@{second_server.host}:{second_server.port}",
    }
    token = secrets.token_hex(3)
    urls, tenants = {}, {}
    for line in (SHOPS / "layout.txt").read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        name, server, ids = words[0], words[1], words[2:]
        with psycopg.connect(f"{servers[server]}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "shops_{token}_{name}"')
        urls[name] = f"{servers[server]}/shops_{token}_{name}"
        run_sql_file(urls[name], SHOPS / "schema" / "public" / "shops.sql")
        with psycopg.connect(urls[name]) as conn:
            for shop in ids:
                conn.execute("INSERT INTO public.shops VALUES (%s)", (shop,))
        tenants[name] = ids
    (project / "fleet.txt").write_text("".join(f"{n}  {u}\n" for n, u in urls.items()))
    monkeypatch.chdir(project)
    monkeypatch.setenv("CANON_CACHE_DIR", str(tmp_path / "cache"))
    try:
        yield Shops(urls, tenants)
    finally:
        for url in urls.values():
            drop(url)


def test_each_database_plans_applies_and_drifts_for_its_own_tenants(shops: Shops) -> None:
    code, out, err = canon("plan", "--env", "shops")
    assert code == 2, err
    sections = re.split(r"^-- group \d+ of \d+: ", out, flags=re.MULTILINE)[1:]
    planned = {section.split("\n", 1)[0]: section for section in sections}
    assert set(planned) == set(shops.urls)  # different tenants, different statements
    everyone = {shop for ids in shops.tenants.values() for shop in ids}
    for name, ids in shops.tenants.items():
        named = set(re.findall(r'"shop_(\w+)"', planned[name]))
        assert named == set(ids) and not named & (everyone - set(ids))
    code, out, err = canon("apply", "--env", "shops")
    assert code == 0, err
    for name, ids in shops.tenants.items():
        with psycopg.connect(shops.urls[name]) as conn:
            found = conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'shop\\_%' ORDER BY 1"
            ).fetchall()
        assert [row[0] for row in found] == [f"shop_{shop}" for shop in sorted(ids)], name
    code, out, err = canon("drift", "--env", "shops")
    assert code == 0, out + err
    for name, ids in shops.tenants.items():
        assert re.search(rf"^{name}\s+ok\s+-\s+0 of {len(ids)}$", out, re.MULTILINE), out
