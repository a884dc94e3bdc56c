"""Tables written the way people write them: constraints, defaults and identity inside CREATE TABLE.

pg_dump adds primary keys, unique, exclusion and foreign key constraints, sequence
defaults and identity with ``ALTER TABLE`` after the table (it has data to load in
between). An exported file folds them back into the table's own statement, one
element per line, wherever that means the same thing:

- only plain tables: partitioned tables, partitions, inheritance parents and children
  and typed tables keep pg_dump's statements, whose ``ONLY`` and attach order matter;
- a constraint marked ``NOT VALID`` stays an ``ALTER TABLE`` (a CREATE TABLE would
  validate it);
- a foreign key stays an ``ALTER TABLE`` when its tables reference each other in a
  circle, which no order of CREATE TABLE statements could load.

Edits are made on pg_dump's own text, located with PostgreSQL's scanner, so every
expression stays exactly as the server printed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pglast import ast, parser
from pglast.enums import AlterTableType, ConstrType

from canon.pg.objects import ObjectKey, relation

FOLDED_CONSTRAINTS = frozenset(
    {
        ConstrType.CONSTR_PRIMARY,
        ConstrType.CONSTR_UNIQUE,
        ConstrType.CONSTR_CHECK,
        ConstrType.CONSTR_EXCLUSION,
        ConstrType.CONSTR_FOREIGN,
    }
)
# pg_dump's spelling of an identity sequence's options when all are the defaults.
DEFAULT_IDENTITY_OPTIONS = "START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1"
INDENT = "    "


@dataclass(frozen=True)
class Parsed:
    sql: str
    node: ast.Node


def unfoldable_tables(nodes: Iterable[ast.Node]) -> set[ObjectKey]:
    """Tables whose constraints must stay as pg_dump wrote them (see the module's rules)."""
    found: set[ObjectKey] = set()
    for node in nodes:
        if isinstance(node, ast.CreateStmt):
            table = relation(node.relation)
            parents = [relation(p) for p in node.inhRelations or () if isinstance(p, ast.RangeVar)]
            special = node.partspec or node.partbound or node.ofTypename or parents
            if table is not None and special:
                found.add(table.key)
            found.update(p.key for p in parents if p is not None)
        elif isinstance(node, ast.AlterTableStmt):
            for cmd in node.cmds or ():
                if isinstance(cmd, ast.AlterTableCmd) and cmd.subtype in (
                    AlterTableType.AT_AttachPartition,
                    AlterTableType.AT_AddInherit,
                ):
                    table = relation(node.relation)
                    if table is not None:
                        found.add(table.key)
                    child = cmd.def_.name if isinstance(cmd.def_, ast.PartitionCmd) else None
                    attached = relation(child)
                    if attached is not None:
                        found.add(attached.key)
    return found


def cyclic_references(nodes: Iterable[ast.Node]) -> set[ObjectKey]:
    """Tables on a circle of foreign keys (a table referencing itself is no circle)."""
    edges: dict[ObjectKey, set[ObjectKey]] = {}
    for node in nodes:
        if not isinstance(node, ast.AlterTableStmt):
            continue
        constraint = _added_constraint(node)
        table = relation(node.relation)
        if constraint is None or table is None or constraint.contype != ConstrType.CONSTR_FOREIGN:
            continue
        target = relation(constraint.pktable)
        if target is not None and target.key != table.key:
            edges.setdefault(table.key, set()).add(target.key)
    return {key for component in _components(edges) if len(component) > 1 for key in component}


def _components(edges: dict[ObjectKey, set[ObjectKey]]) -> list[list[ObjectKey]]:
    """Strongly connected components (Tarjan), iteratively: schemas may hold thousands of tables."""
    index: dict[ObjectKey, int] = {}
    low: dict[ObjectKey, int] = {}
    on_stack: set[ObjectKey] = set()
    stack: list[ObjectKey] = []
    found: list[list[ObjectKey]] = []
    for root in sorted(edges, key=str):
        if root in index:
            continue
        work: list[tuple[ObjectKey, list[ObjectKey]]] = [
            (root, sorted(edges.get(root, ()), key=str))
        ]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                target = pending.pop()
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, sorted(edges.get(target, ()), key=str)))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                found.append(component)
    return found


def fold_group(
    group: Sequence[Parsed], unfoldable: set[ObjectKey], cyclic: set[ObjectKey]
) -> list[str]:
    """The group's statements, its table's constraints, defaults and identity folded in."""
    head = group[0]
    if not isinstance(head.node, ast.CreateStmt):
        return [p.sql for p in group]
    table = relation(head.node.relation)
    if table is None or table.key in unfoldable or head.node.tableElts is None:
        return [p.sql for p in group]
    body = _Body.of(head.sql)
    if body is None:
        return [p.sql for p in group]
    columns = {
        element.colname: element.location
        for element in head.node.tableElts
        if isinstance(element, ast.ColumnDef) and element.colname and element.location is not None
    }
    kept: list[str] = []
    for statement in group[1:]:
        node = statement.node
        if not isinstance(node, ast.AlterTableStmt) or relation(node.relation) != table:
            kept.append(statement.sql)
            continue
        if not _fold(statement.sql, node, body, columns, table.key in cyclic):
            kept.append(statement.sql)
    return [body.render(), *kept]


def _fold(
    sql: str, node: ast.AlterTableStmt, body: _Body, columns: dict[str, int], cyclic: bool
) -> bool:
    """Fold one ALTER TABLE into the body; False when it must stay as it is."""
    cmds = [c for c in node.cmds or () if isinstance(c, ast.AlterTableCmd)]
    if len(cmds) != 1:
        return False
    cmd = cmds[0]
    tokens = _Tokens(sql)
    if cmd.subtype == AlterTableType.AT_AddConstraint:
        constraint = cmd.def_
        if (
            not isinstance(constraint, ast.Constraint)
            or constraint.contype not in FOLDED_CONSTRAINTS
        ):
            return False
        if constraint.skip_validation or not constraint.conname:
            return False
        if constraint.contype == ConstrType.CONSTR_FOREIGN and cyclic:
            return False
        clause = tokens.after("ADD_P")
        if clause is None:
            return False
        body.constraints.append(clause)
        return True
    location = columns.get(cmd.name or "")
    if location is None:
        return False
    if cmd.subtype == AlterTableType.AT_ColumnDefault and cmd.def_ is not None:
        expression = tokens.after("DEFAULT")
        return expression is not None and body.append_to_column(location, f"DEFAULT {expression}")
    if cmd.subtype == AlterTableType.AT_AddIdentity:
        clause = tokens.after("ADD_P")
        return clause is not None and body.append_to_column(
            location, _short_identity(clause, node, cmd.name or "")
        )
    return False


def _added_constraint(node: ast.AlterTableStmt) -> ast.Constraint | None:
    cmds = [c for c in node.cmds or () if isinstance(c, ast.AlterTableCmd)]
    if len(cmds) == 1 and cmds[0].subtype == AlterTableType.AT_AddConstraint:
        constraint = cmds[0].def_
        return constraint if isinstance(constraint, ast.Constraint) else None
    return None


def _short_identity(clause: str, node: ast.AlterTableStmt, column: str) -> str:
    """``GENERATED … AS IDENTITY`` without its options when they are all PostgreSQL's defaults."""
    flat = " ".join(clause.split())
    head, _, options = flat.partition(" (")
    table = relation(node.relation)
    if table is None:
        return flat
    default_name = f"SEQUENCE NAME {table.schema}.{table.name}_{column}_seq "
    if options == f"{default_name}{DEFAULT_IDENTITY_OPTIONS})" and _plain(table.name, column):
        return head
    return flat


def _plain(*names: str) -> bool:
    """Whether pg_dump would print these names without quotes (so the text comparison holds)."""
    return all(n.isidentifier() and n == n.lower() and n.isascii() for n in names)


class _Tokens:
    """A statement's scanned tokens, to cut its text at a keyword outside parentheses."""

    def __init__(self, sql: str) -> None:
        self.data = sql.encode()
        self.tokens = parser.scan(sql)

    def after(self, keyword: str) -> str | None:
        depth = 0
        for token in self.tokens:
            if token.name == "ASCII_40":
                depth += 1
            elif token.name == "ASCII_41":
                depth -= 1
            elif depth == 0 and token.name == keyword:
                return self.data[token.end + 1 :].decode().strip() or None
        return None


class _Body:
    """A CREATE TABLE's element list, to append to columns and add constraints."""

    def __init__(self, data: bytes, start: int, end: int, spans: list[tuple[int, int]]) -> None:
        self.data, self.start, self.end = data, start, end
        self.elements = [data[a:b].decode().strip() for a, b in spans]
        self.spans = spans
        self.constraints: list[str] = []

    @classmethod
    def of(cls, sql: str) -> _Body | None:
        data = sql.encode()
        depth, start, cut, spans = 0, -1, -1, []
        for token in parser.scan(sql):
            if token.name == "ASCII_40":
                depth += 1
                if depth == 1 and start < 0:
                    start = cut = token.end + 1
            elif token.name == "ASCII_41":
                depth -= 1
                if depth == 0 and start >= 0:
                    if data[cut : token.start].strip():
                        spans.append((cut, token.start))
                    return cls(data, start, token.start, spans)
            elif token.name == "ASCII_44" and depth == 1 and start >= 0:
                spans.append((cut, token.start))
                cut = token.end + 1
        return None

    def append_to_column(self, location: int, clause: str) -> bool:
        for i, (a, b) in enumerate(self.spans):
            if a <= location < b:
                self.elements[i] = f"{self.elements[i]} {clause}"
                return True
        return False

    def render(self) -> str:
        elements = self.elements + self.constraints
        inner = "".join(
            f"\n{INDENT}{e}{',' * (i < len(elements) - 1)}" for i, e in enumerate(elements)
        )
        head = self.data[: self.start].decode()
        tail = self.data[self.end :].decode()
        return f"{head}{inner}\n{tail}"
