"""The seeds' database with rows in its tables, for the everyday edits (tests/daily/)."""

from __future__ import annotations

from typing import Any

import psycopg
from pytest_postgresql import factories

from .daily import DAILY


def load_daily_rows(**kwargs: Any) -> None:
    url = "postgresql://{user}@{host}:{port}/{dbname}".format(**kwargs)
    with psycopg.connect(url) as conn:
        conn.execute((DAILY / "rows.sql").read_text().encode())


# Built once per worker from the project's template (schema/ and seeds/), plus rows.
daily_proc = factories.postgresql_noproc(
    depends_on="project_proc", dbname="canon_daily", load=[load_daily_rows]
)
