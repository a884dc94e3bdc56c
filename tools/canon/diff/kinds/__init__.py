"""Object kinds: one module each, registered here, in the order their hooks run.

Every kind declares its fingerprint and signature SQL and how it is diffed (see
``diff.kind``). The order below matters where one kind's hook relies on another's:
enums mark which types are recreated before views release what blocks them; tables
align inherited columns before views look for blocked columns; and statements a kind
places in the ``drop`` slot run in reverse order (domains before the range types and
collations they may use).
"""

from __future__ import annotations

from canon.diff.kind import Kind
from canon.diff.kinds import (
    collations,
    column_settings,
    columns,
    comments,
    constraints,
    domains,
    enums,
    extensions,
    functions,
    indexes,
    owners,
    policies,
    privileges,
    publications,
    ranges,
    replica_identity,
    rules,
    schemas,
    sequences,
    statistics,
    tables,
    triggers,
    types,
    unmanaged,
    views,
)

REGISTRY: tuple[Kind, ...] = (
    schemas.KIND,
    extensions.KIND,
    collations.KIND,
    types.KIND,
    enums.KIND,
    ranges.KIND,
    domains.KIND,
    constraints.KIND,
    tables.KIND,
    indexes.KIND,
    views.KIND,
    rules.KIND,
    functions.KIND,
    columns.KIND,
    column_settings.KIND,
    statistics.KIND,
    replica_identity.KIND,
    triggers.KIND,
    sequences.KIND,
    policies.KIND,
    publications.KIND,
    owners.KIND,
    privileges.KIND,
    comments.KIND,
    unmanaged.KIND,
)
