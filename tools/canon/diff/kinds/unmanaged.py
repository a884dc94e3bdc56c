"""Objects canon does not manage (operators, aggregates, text search…), found so they are drift.

The files cannot hold them (``files.coverage`` refuses them), so one in a managed schema
of the live database is there against the files: never planned, never silently passed
over, but named by ``canon drift --strict`` and after every apply.
"""

from __future__ import annotations

from canon.diff.kind import Kind
from canon.files.coverage import UNMANAGED_OBJECTS

FINGERPRINT = f"""
SELECT concat_ws(' ', 'z', type, identity) AS item FROM ({UNMANAGED_OBJECTS}) unmanaged
"""

SIGNATURE = f"""
SELECT 'unmanaged ' || type, identity, '' FROM ({UNMANAGED_OBJECTS}) unmanaged
"""

KIND = Kind("unmanaged", FINGERPRINT, SIGNATURE)
