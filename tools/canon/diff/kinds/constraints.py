"""Constraints: NOT VALID ones stay NOT VALID, and indexes outlive their dropped constraints.

migra adds CHECK and foreign keys as ``NOT VALID`` followed by ``VALIDATE CONSTRAINT``
(a shorter lock). For a constraint whose definition already says ``NOT VALID`` that
validation makes the live constraint differ from the files, so the plan never
converges; canon leaves the validation out for those. PostgreSQL 15 cannot add a
foreign key ``NOT VALID`` to a partitioned table, so those are added valid at once.

The validity of a foreign key's clones (on the partitions of a partitioned table it
references) is not compared: ``VALIDATE CONSTRAINT`` leaves them marked not valid,
and they are PostgreSQL's bookkeeping for the constraint, whose own validity is.
"""

from __future__ import annotations

from canon.diff.kind import NOTHING, Kind, Pair, Placed
from canon.inspection.models import DatabaseModel

NOT_VALID = "NOT VALID"


class _KeepsNotValid:
    """Mixed into migra's constraint class."""

    definition: str
    create_statement: str
    on_partitioned_table: bool = False

    @property
    def safer_create_statements(self) -> list[str]:
        if self.on_partitioned_table or self.definition.rstrip().upper().endswith(NOT_VALID):
            return [self.create_statement]
        return list(super().safer_create_statements)  # type: ignore[misc]


_CLASSES: dict[type, type] = {}


def keep_not_valid(*models: DatabaseModel) -> None:
    for model in models:
        partitioned = {key for key, table in model.tables.items() if table.relationtype == "p"}
        for constraint in model.constraints.values():
            base = type(constraint)
            if not issubclass(base, _KeepsNotValid):
                if base not in _CLASSES:
                    _CLASSES[base] = type(
                        f"NotValidAware{base.__name__}", (_KeepsNotValid, base), {}
                    )
                constraint.__class__ = _CLASSES[base]
            table = getattr(constraint, "quoted_full_table_name", None)
            setattr(constraint, "on_partitioned_table", table in partitioned)  # noqa: B010


def keep_indexes_of_dropped_constraints(live: DatabaseModel, target: DatabaseModel) -> None:
    """A UNIQUE constraint that is dropped, or dropped and added again, takes its index.

    migra drops the constraint (and so the index) but can see the index as unchanged, so
    it never creates it again; canon shows migra the live side without that index.
    """
    for key, constraint in live.constraints.items():
        index = getattr(constraint, "index", None)
        wanted = target.constraints.get(key)
        if index is None or (wanted is not None and wanted == constraint):
            continue
        if index.quoted_full_name in target.indexes:
            live.indexes.pop(index.quoted_full_name, None)


def prepare(pair: Pair) -> Placed:
    """Adjust what migra is shown of constraints; it plans them itself."""
    keep_not_valid(pair.live_model, pair.target_model)
    keep_indexes_of_dropped_constraints(pair.live_model, pair.target_model)
    return NOTHING


FINGERPRINT = """
SELECT concat_ws(' ', 'c', ns.nspname, co.conname, co.conrelid::regclass, co.contypid::regtype,
                 pg_get_constraintdef(co.oid), co.convalidated) AS item
FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
"""

SIGNATURE = """
SELECT 'constraint', format('%I.%s.%I', ns.nspname,
                            coalesce(quote_ident(cl.relname), quote_ident(t.typname)), co.conname),
       CASE WHEN co.conparentid = 0
            THEN concat_ws(' | ', pg_get_constraintdef(co.oid), 'valid=' || co.convalidated)
            ELSE regexp_replace(pg_get_constraintdef(co.oid), ' NOT VALID$', '') END
FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
LEFT JOIN pg_class cl ON cl.oid = co.conrelid LEFT JOIN pg_type t ON t.oid = co.contypid
"""

KIND = Kind("constraint", FINGERPRINT, SIGNATURE, before=prepare)
