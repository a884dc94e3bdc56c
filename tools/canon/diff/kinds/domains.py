"""Domains: migra neither creates, drops nor alters them, so canon does, from pg_type.

New domains are created before anything else (columns and functions may use them);
domains the files no longer hold are dropped after everything else. A changed base type
is refused: PostgreSQL cannot alter it, and recreating the domain means recasting every
column of it. A CHECK or default that calls a function the plan drops is dropped first
and added again once the function is back (``diff.dependents``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from canon.diff import dependents, forcing
from canon.diff.fragments import type_fingerprint, type_signature
from canon.diff.kind import Kind, Pair, Placed, Recreated
from canon.errors import PlanRefused
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

DOMAINS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, t.typname), format_type(t.typbasetype, t.typtypmod),
           t.typnotnull, t.typdefault,
           CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation
                THEN format('%I.%I', cn.nspname, co.collname) END,
           ARRAY(SELECT format('CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid))
                 FROM pg_constraint c WHERE c.contypid = t.oid ORDER BY c.conname),
           ARRAY(SELECT quote_ident(c.conname) FROM pg_constraint c
                 WHERE c.contypid = t.oid ORDER BY c.conname)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_type b ON b.oid = t.typbasetype
    LEFT JOIN pg_collation co ON co.oid = t.typcollation
    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    WHERE t.typtype = 'd' AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                      AND d.objid = t.oid AND d.deptype = 'e')
    """
)


@dataclass(frozen=True)
class Domain:
    name: str  # quoted, schema-qualified
    base: str
    not_null: bool
    default: str | None
    collation: str | None
    constraints: tuple[str, ...]  # "CONSTRAINT name CHECK (...)"
    constraint_names: tuple[str, ...]

    def create_statement(self) -> str:
        parts = [f"CREATE DOMAIN {self.name} AS {self.base}"]
        if self.collation:
            parts.append(f"COLLATE {self.collation}")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        if self.not_null:
            parts.append("NOT NULL")
        parts.extend(self.constraints)
        return " ".join(parts) + ";"

    @property
    def checks(self) -> dict[str, str]:
        return dict(zip(self.constraint_names, self.constraints, strict=True))


def read(conn: Connection, excluded: Iterable[str]) -> dict[str, Domain]:
    rows = conn.execute(DOMAINS_QUERY, {"excluded": sorted(excluded)})
    return {
        name: Domain(name, base, not_null, default, collation, tuple(checks), tuple(names))
        for name, base, not_null, default, collation, checks, names in rows
    }


def changes(pair: Pair) -> Placed:
    """Creations and changes before the engine's statements, drops at the end."""
    have, want = read(pair.live_conn, pair.excluded), read(pair.target_conn, pair.excluded)
    released, comments, recreated = _release_function_uses(pair, have)
    before: list[str] = []
    after: list[str] = []
    for name, domain in sorted(want.items()):
        current = have.get(name)
        if current is None:
            before.append(domain.create_statement())
        else:
            before.extend(_alter_statements(current, domain))
    for name in sorted(have.keys() - want.keys()):
        after.append(f"DROP DOMAIN {name};")
    return Placed(
        pre=tuple(released),
        early=tuple(before),
        late=tuple(comments),
        drop=tuple(after),
        recreated=tuple(recreated),
    )


def _release_function_uses(
    pair: Pair, have: dict[str, Domain]
) -> tuple[list[str], list[str], list[Recreated]]:
    """Drop the CHECKs and defaults that call a function the plan drops (as recreation
    decides, ``diff.forcing.function_changes``); ``have`` is updated to match, so that
    the files' versions are added again with the rest. Returns the drops, the comments
    to put back on the CHECKs once they are, and what the plan reports as recreated."""
    changes = forcing.function_changes(pair)
    statements: list[str] = []
    comments: list[dependents.Comment] = []
    recreated: list[Recreated] = []
    for use in dependents.find(pair.live_conn, functions=changes):
        domain = have.get(use.key or "")
        if domain is None:
            continue
        if use.kind == "domain default" and domain.default is not None:
            statements.append(f"ALTER DOMAIN {domain.name} DROP DEFAULT;")
            have[domain.name] = replace(domain, default=None)
            recreated.append(_recreated(use, changes))
        elif use.kind == "domain constraint":
            # Names as quote_ident gives them: quoted only when they must be.
            kept = [
                (name, check)
                for name, check in domain.checks.items()
                if name not in (use.name, ident(use.name or ""))
            ]
            if len(kept) < len(domain.checks):
                statements.append(
                    f"ALTER DOMAIN {domain.name} DROP CONSTRAINT {ident(use.name or '')};"
                )
                names, checks = zip(*kept, strict=True) if kept else ((), ())
                have[domain.name] = replace(
                    domain, constraint_names=tuple(names), constraints=tuple(checks)
                )
                comments.extend(use.comments)
                recreated.append(_recreated(use, changes))
    return statements, dependents.restore_comments(pair.target_conn, comments), recreated


def _recreated(use: dependents.Dependent, changes: dict[str, str]) -> Recreated:
    """A domain's default or CHECK, reported with why the functions it may call go."""
    path = (*dependents.name_parts(use.key or ""), *([use.name] if use.name else []))
    why = "; ".join(f"{key} {reason}" for key, reason in sorted(changes.items()))
    return Recreated(use.kind, path, use.description, f"it may call {why}")


def _alter_statements(have: Domain, want: Domain) -> list[str]:
    if (have.base, have.collation) != (want.base, want.collation):
        raise PlanRefused(
            f"domain {want.name}",
            f"its base type changes from {have.base} to {want.base}, which PostgreSQL cannot alter",
            "create a domain under a new name, move the columns to it, then drop the old one",
        )
    prefix = f"ALTER DOMAIN {want.name}"
    statements = []
    if have.default != want.default:
        statements.append(
            f"{prefix} SET DEFAULT {want.default};"
            if want.default is not None
            else f"{prefix} DROP DEFAULT;"
        )
    if have.not_null != want.not_null:
        statements.append(f"{prefix} {'SET' if want.not_null else 'DROP'} NOT NULL;")
    old, new = have.checks, want.checks
    for name, definition in sorted(old.items()):
        if new.get(name) != definition:
            statements.append(f"{prefix} DROP CONSTRAINT {name};")
    for name, definition in sorted(new.items()):
        if old.get(name) != definition:
            statements.append(f"{prefix} ADD {definition};")
    return statements


KIND = Kind(
    "domain", type_fingerprint("t.typtype = 'd'"), type_signature("domain", "d"), before=changes
)
