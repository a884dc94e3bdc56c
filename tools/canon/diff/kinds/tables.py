"""Tables: created, altered and dropped by the engine, with canon's fixes around it.

Before the engine runs, canon refuses what PostgreSQL cannot do to an existing table,
aligns inherited columns (``diff.inheritance``) and partition indexes, keys and
membership (``diff.partitions``). After it, storage parameters and forced row
security are brought to the files (``diff.options``).

Refused:

* a table that becomes partitioned, or stops being partitioned: its rows must be moved
  into a new table by hand;
* an existing table that gains or loses inheritance parents while keeping its columns:
  migra drops and re-adds the columns (losing their data) or fails on inherited ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from canon.diff import inheritance, options, partitions
from canon.diff.fragments import relation_signature
from canon.diff.kind import Kind, Pair, Placed
from canon.errors import PlanRefused
from canon.pg.db import query

TABLES_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind,
           coalesce((SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
                     FROM pg_inherits i WHERE i.inhrelid = c.oid), ''),
           c.relispartition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    """
)


def prepare(pair: Pair) -> Placed:
    """Refuse what cannot be done in place; adjust the models for inheritance and partitions."""
    params = {"excluded": sorted(pair.excluded)}
    have = {row[0]: row[1:] for row in pair.live_conn.execute(TABLES_QUERY, params)}
    want = {row[0]: row[1:] for row in pair.target_conn.execute(TABLES_QUERY, params)}
    for name in sorted(have.keys() & want.keys()):
        _refuse_structural_change(name, have[name], want[name])
    disinherit = inheritance.prepare(pair.live_model, pair.target_model)
    keys = partitions.prepare(pair.live_conn, pair.target_conn, pair.live_model, pair.target_model)
    membership = partitions.membership_changes(
        pair.live_conn, pair.target_conn, pair.live_model, pair.target_model, pair.excluded
    )
    settings = partitions.settings_changes(
        pair.live_conn, pair.target_conn, pair.live_model, pair.target_model, pair.excluded
    )
    return Placed(pre=(*disinherit, *keys.pre), late=(*membership, *settings, *keys.late))


def _refuse_structural_change(
    name: str, have: tuple[str, str, bool], want: tuple[str, str, bool]
) -> None:
    (kind, parents, is_partition), (new_kind, new_parents, new_is_partition) = have, want
    if kind != new_kind:
        change = "becomes partitioned" if new_kind == "p" else "stops being partitioned"
        raise PlanRefused(
            f"table {name}",
            f"it {change}, which PostgreSQL cannot do to an existing table",
            "create the new table under another name, copy the rows, then swap the names",
        )
    if parents != new_parents and not is_partition and not new_is_partition:
        raise PlanRefused(
            f"table {name}",
            f"its inheritance parents change from ({parents or 'none'}) to "
            f"({new_parents or 'none'})",
            "run ALTER TABLE … INHERIT / NO INHERIT by hand, then plan again",
        )


def finish(pair: Pair, planned: Sequence[str]) -> list[str]:
    """Storage parameters, view options and forced row security, once the rest is planned."""
    return options.changes(pair.live_conn, pair.target_conn, pair.excluded, planned)


# Every relation of a managed schema (its kind, privileges, row security, partition bound
# and options), and inheritance links.
FINGERPRINT = """
SELECT concat_ws(' ', 'r', ns.nspname, c.relname, c.relkind, c.relacl, c.relrowsecurity,
                 c.relforcerowsecurity, pg_get_expr(c.relpartbound, c.oid),
                 c.reloptions) AS item
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT concat_ws(' ', 'h', i.inhrelid::regclass, i.inhparent::regclass, i.inhseqno)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN ns ON ns.oid = c.relnamespace
"""


KIND = Kind("table", FINGERPRINT, relation_signature("'r', 'p', 'f'"), before=prepare, after=finish)
