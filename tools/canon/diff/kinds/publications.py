"""Publications (logical replication): migra does not read them, canon plans them.

A publication lists tables (or all of them) and the operations it publishes. canon
creates and drops publications and brings an existing one's table list and options to
the files with ``ALTER PUBLICATION … SET``. Publications run last: their tables must
exist first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

PUBLICATIONS_QUERY = query(
    """
    SELECT p.pubname, p.puballtables,
           concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,
                     CASE WHEN p.pubupdate THEN 'update' END,
                     CASE WHEN p.pubdelete THEN 'delete' END,
                     CASE WHEN p.pubtruncate THEN 'truncate' END),
           ARRAY(SELECT format('%I.%I', t.schemaname, t.tablename)
                 FROM pg_publication_tables t WHERE t.pubname = p.pubname ORDER BY 1)
    FROM pg_publication p
    """
)


@dataclass(frozen=True)
class Publication:
    name: str
    all_tables: bool
    publish: str
    tables: tuple[str, ...]

    def create_statement(self) -> str:
        scope = (
            " FOR ALL TABLES"
            if self.all_tables
            else (f" FOR TABLE {', '.join(self.tables)}" if self.tables else "")
        )
        return f"CREATE PUBLICATION {ident(self.name)}{scope} WITH (publish = '{self.publish}');"


def read(conn: Connection) -> dict[str, Publication]:
    return {
        name: Publication(name, everything, publish, tuple(tables))
        for name, everything, publish, tables in conn.execute(PUBLICATIONS_QUERY)
    }


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """Publications last: the tables they list must exist first."""
    have, want = read(pair.live_conn), read(pair.target_conn)
    statements = [f"DROP PUBLICATION {ident(name)};" for name in sorted(have.keys() - want.keys())]
    for name, wanted in sorted(want.items()):
        current = have.get(name)
        if current is None:
            statements.append(wanted.create_statement())
        elif current.all_tables != wanted.all_tables:
            statements += [f"DROP PUBLICATION {ident(name)};", wanted.create_statement()]
        else:
            statements.extend(_alter(current, wanted))
    return statements


def _alter(have: Publication, want: Publication) -> list[str]:
    statements = []
    if not want.all_tables and have.tables != want.tables:
        if want.tables:
            statements.append(
                f"ALTER PUBLICATION {ident(want.name)} SET TABLE {', '.join(want.tables)};"
            )
        else:
            statements.append(
                f"ALTER PUBLICATION {ident(want.name)} DROP TABLE {', '.join(have.tables)};"
            )
    if have.publish != want.publish:
        statements.append(f"ALTER PUBLICATION {ident(want.name)} SET (publish = '{want.publish}');")
    return statements


FINGERPRINT = """
SELECT concat_ws(' ', 'u', p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
                 p.pubtruncate,
                 ARRAY(SELECT format('%I.%I', t.schemaname, t.tablename)
                       FROM pg_publication_tables t WHERE t.pubname = p.pubname
                       ORDER BY 1)) AS item
FROM pg_publication p
"""

SIGNATURE = """
SELECT 'publication', quote_ident(p.pubname),
       concat_ws(' | ', p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
                 (SELECT string_agg(format('%I.%I', schemaname, tablename), ',' ORDER BY 1)
                  FROM pg_publication_tables t WHERE t.pubname = p.pubname))
FROM pg_publication p
"""

KIND = Kind("publication", FINGERPRINT, SIGNATURE, after=changes)
