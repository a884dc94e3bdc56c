"""Catalog signatures: every managed object by name, with what defines it, read from pg_catalog.

migra compares what schemainspect reads, which leaves things out (schema, function and
sequence privileges, default privileges, domain CHECKs, partition bounds, FORCE ROW LEVEL
SECURITY, publications…). canon compares the catalogs themselves, object by object, so a
difference no planner handled is still named after an apply and in ``canon drift``.

Signatures leave out what is not part of a schema's meaning: OIDs, column order (PostgreSQL
cannot reorder columns in place), the order of options, owners, and the owner's own
implicit privileges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.diff.fingerprint import UNION
from canon.diff.kinds import REGISTRY
from canon.managed import MANAGED_SCHEMAS
from canon.pg.db import Connection, query

SIGNATURE_QUERY = f"""
WITH {MANAGED_SCHEMAS.strip()},
-- Objects an extension created belong to the extension, not to the schema files; objects
-- PostgreSQL made for another (a range type's constructors) come and go with it.
ext_members AS (
    SELECT classid, objid FROM pg_depend WHERE deptype IN ('e', 'i')
      AND classid = 'pg_proc'::regclass OR deptype = 'e'
),
rel AS (
    SELECT c.*, ns.nspname FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT EXISTS (SELECT 1 FROM ext_members e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
)
{UNION.join(kind.signature.strip() for kind in REGISTRY)}
"""


@dataclass(frozen=True, order=True)
class Residual:
    """One object that differs between the live database and the files."""

    kind: str
    name: str
    change: str  # "missing", "unexpected" or "differs"

    @property
    def schema(self) -> str:
        """The schema the object lives in (a schema's own name for a schema)."""
        return self.name.split(".")[0].strip('"')

    def describe(self) -> str:
        where = {
            "missing": "is in the files but not in the database",
            "unexpected": "is in the database but not in the files",
            "differs": "differs from the files",
        }[self.change]
        return f"{self.kind} {self.name} {where}"


Signatures = dict[tuple[str, str], str]


def signatures(conn: Connection, excluded: Iterable[str]) -> Signatures:
    """Every managed object, keyed by (kind, qualified name), with its defining details."""
    rows = conn.execute(query(SIGNATURE_QUERY), {"excluded": sorted(excluded)})
    return {(kind, name): detail or "" for kind, name, detail in rows if kind is not None}


def residuals(live: Connection, target: Connection, excluded: Iterable[str]) -> list[Residual]:
    """Objects whose catalog definition differs between ``live`` and ``target``, by name."""
    excluded = frozenset(excluded)
    return differences(signatures(live, excluded), signatures(target, excluded))


def differences(have: Signatures, want: Signatures) -> list[Residual]:
    """Objects whose signature differs between ``have`` (live) and ``want`` (the files)."""
    found = [Residual(kind, name, "missing") for kind, name in want.keys() - have.keys()]
    found += [Residual(kind, name, "unexpected") for kind, name in have.keys() - want.keys()]
    found += [
        Residual(k, n, "differs")
        for k, n in want.keys() & have.keys()
        if want[(k, n)] != have[(k, n)]
    ]
    return sorted(found)
