"""A constraint without a name: PostgreSQL makes one up, which plans and errors then show."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import ConstrType

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema

NAMEABLE: dict[ConstrType | None, str] = {
    ConstrType.CONSTR_PRIMARY: "primary key",
    ConstrType.CONSTR_UNIQUE: "unique",
    ConstrType.CONSTR_CHECK: "check",
    ConstrType.CONSTR_FOREIGN: "foreign key",
    ConstrType.CONSTR_EXCLUSION: "exclusion",
}


def check(schema: Schema) -> Iterator[Hit]:
    for c in schema.constraints:
        kind = NAMEABLE.get(c.constraint.contype)
        if kind is None or c.constraint.conname:
            continue
        on = f"{c.table.qualified}.{c.column}" if c.column else c.table.qualified
        yield Hit(
            c.parsed,
            c.constraint.location,
            f"unnamed {kind} constraint on {on}: PostgreSQL derives a name from the table and "
            "columns, so renaming either changes it; write CONSTRAINT <name>",
        )


RULE = Rule(
    "unnamed-constraint",
    "a constraint without a name: PostgreSQL derives one that changes with the table or columns",
    check,
)
