"""Extensions: created and updated by the engine; an extension cannot be downgraded."""

from __future__ import annotations

from canon.diff.kind import NOTHING, Kind, Pair, Placed
from canon.errors import PlanRefused
from canon.pg.db import query

FINGERPRINT = "SELECT concat_ws(' ', 'e', extname, extversion) AS item FROM pg_extension"

SIGNATURE = """
SELECT 'extension', quote_ident(x.extname),
       concat_ws(' | ', x.extversion, n.nspname)
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'
"""

EXTENSIONS_QUERY = query("SELECT extname, extversion FROM pg_extension")


def refuse_downgrades(pair: Pair) -> Placed:
    """Extensions ship upgrade scripts only: moving one to an older version is refused."""
    have = dict(pair.live_conn.execute(EXTENSIONS_QUERY).fetchall())
    want = dict(pair.target_conn.execute(EXTENSIONS_QUERY).fetchall())
    for name in sorted(have.keys() & want.keys()):
        if _version_key(want[name]) < _version_key(have[name]):
            raise PlanRefused(
                f"extension {name}",
                f"the files ask for version {want[name]} but the database has {have[name]}, "
                "and extensions cannot be downgraded",
                f"keep version {have[name]} in the files, or drop and recreate the extension "
                "by hand (dropping its objects)",
            )
    return NOTHING


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


KIND = Kind("extension", FINGERPRINT, SIGNATURE, before=refuse_downgrades)
