"""Generated columns whose expression changes, or that stop or start being generated.

migra emits ``SET DEFAULT <expression>`` for a changed generation expression, which
PostgreSQL rejects. PostgreSQL 15 cannot change a generation expression in place, but
a stored generated column holds nothing that cannot be computed again, so canon drops
and re-adds it in one statement, once the functions and domains its expression may use
exist; what rests on the column (indexes, constraints, views) goes first and comes back
after (``diff.dependents``). A column that stops being generated keeps its values with
``DROP EXPRESSION``.
"""

from __future__ import annotations

from dataclasses import dataclass

from canon.inspection.models import ColumnModel, DatabaseModel, column_pairs
from canon.pg.quoting import ident


@dataclass(frozen=True)
class Regeneration:
    kept: list[str]  # DROP EXPRESSION: the column stays, with its values
    added_again: list[str]  # DROP COLUMN, ADD COLUMN … GENERATED


def added_again(live: DatabaseModel, target: DatabaseModel) -> list[tuple[str, str]]:
    """(table key, column) of the columns the plan drops and adds again as generated."""
    return [
        (key, name)
        for key, name, column, new in column_pairs(live, target)
        if new is not None and _adds_again(column, new)
    ]


def prepare(live: DatabaseModel, target: DatabaseModel) -> Regeneration:
    """Statements for generated-column changes; hides those changes from migra."""
    kept, again = [], []
    for key, name, column, new in column_pairs(live, target):
        if new is None:
            continue
        if column.is_generated and not new.is_generated:
            kept.append(f"ALTER TABLE {key} ALTER COLUMN {ident(name)} DROP EXPRESSION;")
            _adopt(column, new)
        elif _adds_again(column, new):
            again.append(_regenerate(key, name, new))
            _adopt_whole(column, new)
    return Regeneration(kept, again)


def _adds_again(column: ColumnModel, new: ColumnModel) -> bool:
    return new.is_generated and (not column.is_generated or column.default != new.default)


def retype_under_readers(
    live: DatabaseModel, target: DatabaseModel, table: str, retyped: list[str], readers: list[str]
) -> str:
    """One ALTER TABLE that drops the generated columns ``readers``, changes the columns
    ``retyped`` they read, then adds the readers again: PostgreSQL refuses to change a
    column a generated column reads. Mutates ``live`` to the result."""
    have, want = live.tables[table], target.tables[table]
    clauses = [f"DROP COLUMN {ident(name)}" for name in readers]
    for name in retyped:
        clauses += want.columns[name].alter_clauses(have.columns[name])
        _adopt_whole(have.columns[name], want.columns[name])
    for name in readers:
        clauses.append(f"ADD COLUMN {_definition(name, want.columns[name])}")
        _adopt_whole(have.columns[name], want.columns[name])
    return f"ALTER TABLE {table} {', '.join(clauses)};"


def _regenerate(table: str, name: str, column: ColumnModel) -> str:
    return f"ALTER TABLE {table} DROP COLUMN {ident(name)}, ADD COLUMN {_definition(name, column)};"


def _definition(name: str, column: ColumnModel) -> str:
    collate = f" COLLATE {ident(column.collation)}" if column.collation else ""
    not_null = " NOT NULL" if column.not_null else ""
    return (
        f"{ident(name)} {column.dbtypestr}{collate} "
        f"GENERATED ALWAYS AS ({column.default}) STORED{not_null}"
    )


def _adopt(column: ColumnModel, new: ColumnModel) -> None:
    """Make migra's copy of the live column look like the planned result."""
    column.default = new.default
    column.is_generated = new.is_generated


def _adopt_whole(column: ColumnModel, new: ColumnModel) -> None:
    """A column added or changed by canon is the files' column in migra's view of live."""
    _adopt(column, new)
    column.dbtype, column.dbtypestr = new.dbtype, new.dbtypestr
    column.is_enum, column.enum = new.is_enum, new.enum
    column.not_null = new.not_null
    column.collation = new.collation
    column.is_identity = new.is_identity
    column.is_identity_always = new.is_identity_always
