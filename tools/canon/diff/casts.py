"""Type changes to a string type of limited length: a value too long fails, never gets cut.

migra converts a column with ``USING col::varchar(10)``, and an explicit cast to a
shorter string type cuts longer values down without a word. Without USING, PostgreSQL
converts as it assigns, and assigning a string too long for its type is an error; every
type has an assignment cast to the string types. So where the new type is a character
type of limited length, canon has migra write the conversion without USING: a value
that would be cut makes the step fail instead. (This changes how migra writes the
target's column, not what the column is.)
"""

from __future__ import annotations

import re

from canon.inspection.models import DatabaseModel, column_pairs

BOUNDED_STRING = re.compile(r"(character varying|character|varchar|bpchar|char)\(\d+\)(\[\])*")


class _AssignsStrings:
    """Mixed into the engine's column class: the type change carries no USING."""

    quoted_name: str
    dbtypestr: str
    collation_subclause: str

    @property
    def alter_data_type_clause(self) -> str:
        return f"alter column {self.quoted_name} set data type {self.dbtypestr}{self.collation_subclause}"


_CLASSES: dict[type, type] = {}


def never_cut_strings(live: DatabaseModel, target: DatabaseModel) -> None:
    """Make the engine convert columns to bounded string types as PostgreSQL assigns."""
    for _, _, column, new in column_pairs(live, target):
        if new is None or new.dbtypestr == column.dbtypestr:
            continue
        if BOUNDED_STRING.fullmatch(new.dbtypestr) and not isinstance(new, _AssignsStrings):
            new.__class__ = _assigning(type(new))


def _assigning(base: type) -> type:
    if base not in _CLASSES:
        _CLASSES[base] = type(f"Assigning{base.__name__}", (_AssignsStrings, base), {})
    return _CLASSES[base]
