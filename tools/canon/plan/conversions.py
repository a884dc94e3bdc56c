"""What a column type change would do to the values it converts: keep them, change them, or fail.

A value is kept when converting it to the new type and back gives it again, compared with
the old type's own equality (where the old type has none, such as json, the converted
value is compared with the value read in as the new type). Values that come out
different (a cut string, a rounded number, a float narrowed) or that cannot be converted
at all (a word into an integer, a number past the new type's range) are counted on live
before anything runs, with the key of one such row, so the apply can refuse them.

Everything runs read-only in a savepoint under a time limit. A failing conversion stops a
set-wise count, so rows are then tried one by one in a DO block that reports back through
the error it ends with.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

from canon.pg.db import Connection
from canon.pg.quoting import ident, literal

DATA_EXCEPTION = "22"  # class of invalid input, out of range, right truncation…
CHECK_VIOLATION, NOT_NULL_VIOLATION = "23514", "23502"  # a domain of the new type refusing
CANNOT_COERCE, UNDEFINED_FUNCTION = "42846", "42883"  # no cast back, no equality operator
MEASURED = "canon measured"


@dataclass(frozen=True)
class Altered:
    """Values a conversion changes or fails on; ``count`` is None when not measured in time."""

    count: int | None
    sample: str | None = None  # the key of one such row
    at_least: bool = False  # some fail for sure, how many could not be counted


NOT_MEASURED = Altered(None)


@dataclass(frozen=True)
class Column:
    table: str  # quoted, as the statement names it
    name: str  # quoted
    old_type: str
    key: str  # SQL naming a row by its key


def altered(
    conn: Connection, table: str, column: str, new_type: str, using: str | None, timeout_ms: int
) -> Altered:
    """How many non-null values of ``table.column`` the conversion would change or fail on."""
    found = _column(conn, table, column)
    if found is None:
        return NOT_MEASURED
    converted = f"({using})" if using else f"CAST({found.name} AS {new_type})"
    failing = None
    for kept in _kept_conditions(found, converted, new_type):
        try:
            return _count(conn, found, kept, timeout_ms)
        except psycopg.Error as exc:
            state = exc.sqlstate or ""
            if state in (CANNOT_COERCE, UNDEFINED_FUNCTION):
                continue  # this way of comparing does not exist for these types
            if state.startswith(DATA_EXCEPTION) or state in (CHECK_VIOLATION, NOT_NULL_VIOLATION):
                failing = kept
                break
            return NOT_MEASURED  # a type the plan creates first, a time-out…
    if failing is None:
        return NOT_MEASURED
    return _count_row_by_row(conn, found, failing, timeout_ms)


def _kept_conditions(column: Column, converted: str, new_type: str) -> list[str]:
    """SQL saying a row's value survives the conversion, best comparison first."""
    value, old = column.name, column.old_type
    return [
        f"({converted})::{old} IS NOT DISTINCT FROM {value}",
        f"(({converted})::text)::{old} IS NOT DISTINCT FROM {value}",
        f"({converted}) IS NOT DISTINCT FROM ({value}::text)::{new_type}",
    ]


def _count(conn: Connection, column: Column, kept: str, timeout_ms: int) -> Altered:
    sql = (
        f"SELECT count(*), min({column.key}) FROM {column.table} "
        f"WHERE {column.name} IS NOT NULL AND NOT ({kept})"
    )
    row = read_only(conn, sql, timeout_ms)
    return Altered(int(row[0]), row[1]) if row else NOT_MEASURED


def _count_row_by_row(conn: Connection, column: Column, kept: str, timeout_ms: int) -> Altered:
    tag = f"canon_{secrets.token_hex(4)}"
    block = f"""
DO ${tag}$
DECLARE r record; changed boolean; n bigint := 0; sample text;
BEGIN
  FOR r IN SELECT ctid AS row_id, {column.key} AS row_key FROM {column.table}
           WHERE {column.name} IS NOT NULL LOOP
    BEGIN
      SELECT NOT ({kept}) INTO changed FROM {column.table} WHERE ctid = r.row_id;
    EXCEPTION WHEN data_exception OR check_violation OR not_null_violation THEN
      changed := true;
    END;
    IF changed THEN n := n + 1; sample := coalesce(sample, r.row_key); END IF;
  END LOOP;
  RAISE EXCEPTION USING MESSAGE = {literal(MEASURED)}, DETAIL = n::text,
                        HINT = coalesce(sample, '');
END ${tag}$"""
    try:
        read_only(conn, block, timeout_ms)
    except psycopg.Error as exc:
        if exc.diag.message_primary == MEASURED and exc.diag.message_detail:
            return Altered(int(exc.diag.message_detail), exc.diag.message_hint or None)
    # The set-wise count failed on a value: at least one fails, though not counted in time.
    return Altered(1, at_least=True)


def read_only(conn: Connection, sql: str, timeout_ms: int) -> tuple[Any, ...] | None:
    """The first row of ``sql``, run read-only under a time limit in a savepoint that is
    always rolled back; PostgreSQL's errors (a time-out among them) are raised."""
    try:
        with conn.transaction() as savepoint:
            conn.execute("SET LOCAL transaction_read_only = on")
            conn.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            row = conn.execute(sql).fetchone()
            raise psycopg.Rollback(savepoint)
    except psycopg.Rollback:
        pass
    return tuple(row) if row else None


# The column's type, and the columns of the table's primary key, else of its first unique
# index over NOT NULL columns (no expressions, no predicate).
COLUMN_QUERY = """
SELECT format_type(a.atttypid, a.atttypmod), quote_ident(a.attname),
       (SELECT ARRAY(SELECT k.attname
                     FROM unnest(i.indkey) WITH ORDINALITY AS u(attnum, position)
                     JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = u.attnum
                     ORDER BY u.position)
        FROM pg_index i
        WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL
          AND 0 <> ALL (i.indkey)
          AND NOT EXISTS (SELECT 1 FROM pg_attribute n WHERE n.attrelid = i.indrelid
                          AND n.attnum = ANY (i.indkey) AND NOT n.attnotnull)
        ORDER BY i.indisprimary DESC, i.indexrelid LIMIT 1)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.oid = to_regclass(%s) AND a.attname = %s AND NOT a.attisdropped
"""


def _column(conn: Connection, table: str, column: str) -> Column | None:
    """The live column, its type, and how to name one of its rows (its key, else its ctid)."""
    row = conn.execute(COLUMN_QUERY, (table, column)).fetchone()
    if row is None:
        return None
    old_type, name, key_columns = row
    parts = [f"{literal(k + '=')} || {ident(k)}::text" for k in key_columns or ()]
    key = f"concat_ws(', ', {', '.join(parts)})" if parts else "'ctid=' || ctid::text"
    return Column(table, name, old_type, key)
