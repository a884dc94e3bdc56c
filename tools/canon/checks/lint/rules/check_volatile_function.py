"""A CHECK calling a function that is not immutable: a row that passed may fail later."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ConstrType
from pglast.visitors import Visitor

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Parsed, Schema
from canon.pg.objects import names_of

# Built-in functions whose result changes from call to call or with the session.
BUILT_IN = {
    **dict.fromkeys(
        (
            "random",
            "clock_timestamp",
            "timeofday",
            "nextval",
            "currval",
            "setval",
            "gen_random_uuid",
            "uuid_generate_v1",
            "uuid_generate_v4",
            "txid_current",
            "pg_current_xact_id",
            "random_normal",
        ),
        "volatile",
    ),
    **dict.fromkeys(
        (
            "now",
            "statement_timestamp",
            "transaction_timestamp",
            "current_setting",
            "to_char",
            "age",
            "current_schema",
            "current_user",
            "session_user",
        ),
        "stable",
    ),
}


def check(schema: Schema) -> Iterator[Hit]:
    known = {**BUILT_IN, **schema.functions}
    for c in schema.constraints:
        if c.constraint.contype == ConstrType.CONSTR_CHECK:
            yield from _calls(c.parsed, c.constraint, f"on {c.table.qualified}", known)
    for parsed in schema.of(ast.CreateDomainStmt):
        node = parsed.node
        assert isinstance(node, ast.CreateDomainStmt)
        for constraint in node.constraints or ():
            if (
                isinstance(constraint, ast.Constraint)
                and constraint.contype == ConstrType.CONSTR_CHECK
            ):
                names = ".".join(names_of(node.domainname))
                yield from _calls(parsed, constraint, f"on domain {names}", known)


def _calls(
    parsed: Parsed, constraint: ast.Constraint, where: str, known: dict[str, str]
) -> Iterator[Hit]:
    name = constraint.conname or "CHECK"
    for function, volatility, location in _changing_calls(constraint.raw_expr, known):
        yield Hit(
            parsed,
            location,
            f"{name} {where} calls {function}(), which is {volatility}: rows are checked only "
            "when written, so one that passed can fail later (and a restore can refuse it)",
        )


def _changing_calls(
    expr: ast.Node | None, known: dict[str, str]
) -> list[tuple[str, str, int | None]]:
    found: list[tuple[str, str, int | None]] = []

    class Calls(Visitor):
        def visit_FuncCall(self, ancestors: object, call: ast.FuncCall) -> None:
            name = (names_of(call.funcname) or [""])[-1]
            volatility = known.get(name, "immutable")
            if volatility != "immutable":
                found.append((name, volatility, call.location))

        def visit_SQLValueFunction(self, ancestors: object, value: ast.SQLValueFunction) -> None:
            # CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIME, CURRENT_USER…: all depend on the session.
            name = value.op.name.removeprefix("SVFOP_").lower() if value.op else "current_date"
            found.append((name, "stable", value.location))

    if expr is not None:
        Calls()(expr)
    return found


RULE = Rule(
    "check-volatile-function",
    "a CHECK calling a function that is not immutable: a row that passed can fail later",
    check,
)
