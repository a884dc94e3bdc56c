"""Owners: compared where the files declare them, with ALTER … OWNER TO, after the rest of the plan.

An owner holds every privilege on its object and may change or drop it, so a declared
owner the database does not have is drift. Which objects the files declare an owner of
(by statement, or for all with ``[owners] default``) is recorded in the database built
from them (``scratch.owners``); other objects' owners are left as they are. An object
the plan creates belongs to the role that applies it, so that is what it is compared as.
"""

from __future__ import annotations

from collections.abc import Sequence

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection
from canon.scratch.owners import OWNABLE, OWNABLE_QUERY, declared_identities

Key = tuple[str, str]  # (keyword, identity), as ALTER … OWNER TO names the object


def _owners(conn: Connection, excluded: frozenset[str]) -> dict[Key, tuple[str, str, str]]:
    """(owner, schema, name) of every ownable object, by keyword and identity."""
    rows = conn.execute(OWNABLE_QUERY, {"excluded": sorted(excluded)})
    return {
        (keyword, identity): (owner, schema, name)
        for _, _, keyword, identity, owner, schema, name in rows
    }


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """ALTER … OWNER TO for declared objects whose owner will differ from the files'."""
    declared = declared_identities(pair.target_conn)
    if not declared:
        return []
    from canon.diff.planned import created_objects  # the SQL parser: see privileges.py

    created = created_objects(planned)
    have, want = _owners(pair.live_conn, pair.excluded), _owners(pair.target_conn, pair.excluded)
    row = pair.live_conn.execute("SELECT current_user::regrole::text").fetchone()
    applier = str(row[0]) if row else ""
    statements = []
    for key in sorted(declared & want.keys()):
        wanted, schema, name = want[key]
        current = have[key][0] if key in have and (schema, name) not in created else applier
        if current != wanted:
            statements.append(f"ALTER {key[0]} {key[1]} OWNER TO {wanted};")
    return statements


FINGERPRINT = f"""
SELECT concat_ws(' ', 'o', keyword, identity, owner) AS item FROM ({OWNABLE}) owned
"""

# Which owners count is known only to the database built from the files, so owners have
# no signature to compare: every declared owner that differs is in the plan itself.
SIGNATURE = "SELECT NULL::text, NULL::text, NULL::text WHERE false"

KIND = Kind("owner", FINGERPRINT, SIGNATURE, after=changes)
