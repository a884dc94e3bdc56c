"""After an apply: does live now match the files? Proven cheaply where that is exact, then recorded.

Two catalog queries per database settle it in the usual case: live and the scratch
database have the same fingerprint (everything canon plans) and the same catalog
signatures (what ``drift --strict`` audits). When the fingerprints differ for a
reason no plan acts on (column positions left by earlier drops, say), a plan from
live to the files decides instead. A live schema that provably matches, with no
residual difference, is recorded in ``canon.converged`` (``plan.converged``), so
that later plans and drift checks answer from that record.
"""

from __future__ import annotations

from dataclasses import dataclass

from canon import __version__
from canon.diff import catalog
from canon.diff.fingerprint import fingerprint
from canon.errors import ignore
from canon.files.sources import SchemaSource
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.plan import converged
from canon.plan.model import PlanOptions
from canon.plan.pipeline import make_plan
from canon.plan.shortcut import inputs_digest, tenant_ids
from canon.scratch.cache import cached_name


@dataclass(frozen=True)
class State:
    """What the catalogs say of a database's schema: its fingerprint and object signatures."""

    fingerprint: str
    signatures: catalog.Signatures

    @property
    def signatures_digest(self) -> str:
        return converged.signatures_digest(self.signatures.items())


def state_of(conn: Connection) -> State:
    return State(fingerprint(conn, EXCLUDED_SCHEMAS), catalog.signatures(conn, EXCLUDED_SCHEMAS))


@dataclass(frozen=True)
class Outcome:
    """Where an apply left live: what still differs, and the record proving it matches."""

    residuals: tuple[catalog.Residual, ...]
    record: converged.Record | None  # None unless live provably matches the files


def after_apply(
    live_url: DatabaseUrl, target_url: DatabaseUrl, source: SchemaSource, inputs: str | None
) -> Outcome:
    """Compare live with the scratch database once the plan ran (within --tenant's scope).

    ``inputs`` is the files' inputs digest taken before they were read: no record is
    made if the files changed since, nor without ``inputs``.
    """
    with db.reading(live_url) as live_conn, db.reading(target_url) as target_conn:
        live, target = state_of(live_conn), state_of(target_conn)
        found = catalog.differences(live.signatures, target.signatures)
        residuals = tuple(r for r in found if source.owns_schema(r.schema))
        if found or source.only_tenant is not None:
            return Outcome(residuals, None)
        if live.fingerprint != target.fingerprint and not _plans_nothing(
            live_url, live_conn, target_conn, source
        ):
            return Outcome(residuals, None)
    if inputs is None or not unchanged_files(source, inputs):
        return Outcome(residuals, None)
    return Outcome(residuals, record_of(inputs, live, target, target_url))


def record_of(inputs: str, live: State, target: State, target_url: DatabaseUrl) -> converged.Record:
    """The record of live's state; it names the scratch database when that has the same state."""
    same = live.fingerprint == target.fingerprint
    return converged.Record(
        inputs,
        live.fingerprint,
        live.signatures_digest,
        cached_name(target_url) if same else None,
    )


def _plans_nothing(
    live_url: DatabaseUrl, live_conn: Connection, target_conn: Connection, source: SchemaSource
) -> bool:
    plan = make_plan(live_url, live_conn, target_conn, source, PlanOptions(), ignore)
    return plan.empty and not plan.notes


def unchanged_files(source: SchemaSource, inputs: str) -> bool:
    """Whether the files still have the inputs digest ``inputs`` (taken before they were read)."""
    return inputs_digest(source.root, tenant_ids(source.tenants)) == inputs


def remember(conn: Connection, record: converged.Record, apply_id: int | None) -> None:
    """Write the record on live (``conn`` is the apply's autocommit lock connection)."""
    converged.write(conn, record, apply_id, __version__)
