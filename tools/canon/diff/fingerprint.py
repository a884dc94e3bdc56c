"""A fingerprint of a database's schema, computed by PostgreSQL from its catalogs in one query.

Two databases with the same managed objects have the same fingerprint. The query is
the union of every registered kind's fingerprint items (``diff.kinds``), so everything
canon plans is in it and the no-change shortcut never misses a change a full plan
would make. It also proves a saved plan still fits the live database.
"""

from __future__ import annotations

from collections.abc import Iterable

from canon.diff.kinds import REGISTRY
from canon.managed import MANAGED_SCHEMAS
from canon.pg.db import Connection, query

UNION = "\nUNION ALL\n"

FINGERPRINT_QUERY = f"""
WITH {MANAGED_SCHEMAS.strip()},
parts AS (
{UNION.join(kind.fingerprint.strip() for kind in REGISTRY)}
)
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')), count(*) FROM parts
"""


def fingerprint(conn: Connection, excluded: Iterable[str]) -> str:
    """A stable hash of every managed object's definition in the connected database."""
    row = conn.execute(query(FINGERPRINT_QUERY), {"excluded": sorted(excluded)}).fetchone()
    assert row is not None  # an aggregate returns one row
    return f"{row[0]}-{row[1]}"
