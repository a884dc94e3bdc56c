"""Column alterations in an order PostgreSQL accepts.

migra alters a column clause by clause (new default, NOT NULL, identity, type), and
PostgreSQL checks each clause against the column as it is at that moment:

* a new default is set while the column still has its old type (``SET DEFAULT
  'x'::text`` on a column that is still an integer, or still an enum);
* an old default kept through a type change must be cast to the new type, which fails
  for an enum's default, for instance;
* a default cannot be set on an identity column, nor an identity added to a column
  that still has a default;
* a generated column's type changes without ``USING`` (its values are computed again).

So canon has the engine's columns write their clauses in this order: drop the old
default, drop the identity, set NOT NULL, change the type, add or alter the identity,
drop NOT NULL, set the new default. Around a type change the default is dropped and
set again, the sequence PostgreSQL's own documentation gives for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from canon.inspection.models import DatabaseModel


class _OrderedAlterations:
    """Mixed into the engine's column class; ``self`` is the files' column, ``other`` live's."""

    name: str
    dbtypestr: str
    collation: str | None
    default: str | None
    not_null: bool
    is_enum: bool
    is_identity: bool
    is_identity_always: bool
    is_generated: bool
    quoted_name: str
    alter_not_null_clause: str
    alter_data_type_clause: str
    alter_enum_type_clause: str
    collation_subclause: str

    if TYPE_CHECKING:  # the engine's column class provides these

        def alter_identity_clause(self, other: Any) -> str: ...

        def alter_default_clause_or_generated(self, other: Any) -> str: ...

    def alter_clauses(self, other: Any) -> list[str]:
        retyped = self.dbtypestr != other.dbtypestr or self.collation != other.collation
        default_changed = self.default != other.default
        identity_changed = (self.is_identity, self.is_identity_always) != (
            other.is_identity,
            other.is_identity_always,
        )
        generated = self.is_generated or other.is_generated
        clauses = []
        if generated:
            if default_changed:
                clauses.append(self.alter_default_clause_or_generated(other))
        elif other.default and (default_changed or retyped):
            clauses.append(f"alter column {self.quoted_name} drop default")
        if identity_changed and other.is_identity and not self.is_identity:
            clauses.append(self.alter_identity_clause(other))
        if self.not_null and not other.not_null:
            clauses.append(self.alter_not_null_clause)
        if retyped:
            clauses.append(self._type_clause(other))
        if identity_changed and self.is_identity:
            clauses.append(self.alter_identity_clause(other))
        if other.not_null and not self.not_null:
            clauses.append(self.alter_not_null_clause)
        if self.default and not generated and (default_changed or retyped):
            clauses.append(f"alter column {self.quoted_name} set default {self.default}")
        return clauses

    def _type_clause(self, other: Any) -> str:
        if self.is_generated:
            # PostgreSQL computes a generated column again; it refuses a USING clause.
            return (
                f"alter column {self.quoted_name} set data type "
                f"{self.dbtypestr}{self.collation_subclause}"
            )
        if self.is_enum and other.is_enum:
            return self.alter_enum_type_clause
        return self.alter_data_type_clause


_CLASSES: dict[type, type] = {}


def order_alterations(target: DatabaseModel) -> None:
    """Give every column of the files' tables the ordered clauses above."""
    for table in target.tables.values():
        for column in table.columns.values():
            base = type(column)
            if issubclass(base, _OrderedAlterations):
                continue
            if base not in _CLASSES:
                _CLASSES[base] = type(f"Ordered{base.__name__}", (_OrderedAlterations, base), {})
            column.__class__ = _CLASSES[base]
