"""Collations: created and dropped by canon from pg_collation, with every property.

migra's CREATE COLLATION leaves out ``deterministic = false`` and the ICU locale of
PostgreSQL 15, so a nondeterministic collation comes out different from the files.
canon hides collations from migra and plans them itself. A collation cannot be
altered; one whose definition changes is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.diff import immutables
from canon.diff.kind import Kind, Pair, Placed
from canon.pg.db import Connection, query
from canon.pg.quoting import literal

COLLATIONS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.collname),
           format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.collname, '"', '""')),
           c.collprovider,
           -- the ICU locale column is colliculocale up to PostgreSQL 16, colllocale since 17
           coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale', c.collcollate),
           c.collcollate, c.collctype,
           c.collisdeterministic
    FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
    WHERE n.nspname <> ALL (:excluded) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    """
)

PROVIDERS = {"i": "icu", "c": "libc", "d": "libc"}


@dataclass(frozen=True)
class Collation:
    name: str
    key: str  # as migra's inspector keys it
    provider: str
    locale: str | None
    collate: str | None
    ctype: str | None
    deterministic: bool

    def create_statement(self) -> str:
        options = [f"provider = {PROVIDERS.get(self.provider, 'libc')}"]
        if self.provider == "i":
            options.append(f"locale = {literal(self.locale)}")
        else:
            options += [
                f"lc_collate = {literal(self.collate)}",
                f"lc_ctype = {literal(self.ctype)}",
            ]
        if not self.deterministic:
            options.append("deterministic = false")
        return f"CREATE COLLATION {self.name} ({', '.join(options)});"


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Collation]:
    rows = conn.execute(COLLATIONS_QUERY, {"excluded": sorted(excluded)})
    return {row[0]: Collation(*row) for row in rows}


def prepare(pair: Pair) -> Placed:
    """Plan collations; removes them from migra's pictures of both databases."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    for model in (pair.live_model, pair.target_model):
        model.collations.clear()
    found = immutables.changes(have, want, "collation", lambda name: f"DROP COLLATION {name};")
    return Placed(pre=tuple(found.create), drop=tuple(found.drop))


FINGERPRINT = """
SELECT concat_ws(' ', 'l', ns.nspname, co.collname,
                 to_jsonb(co) - ARRAY['oid', 'collname', 'collnamespace', 'collowner',
                                      'collversion']) AS item
FROM pg_collation co JOIN ns ON ns.oid = co.collnamespace
"""

SIGNATURE = """
SELECT 'collation', format('%I.%I', ns.nspname, c.collname),
       concat_ws(' | ', c.collprovider, c.collcollate, c.collctype, c.collisdeterministic)
FROM pg_collation c JOIN ns ON ns.oid = c.collnamespace
"""

KIND = Kind("collation", FINGERPRINT, SIGNATURE, before=prepare)
