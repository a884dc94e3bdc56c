"""The schemas canon manages: every schema but its own bookkeeping one."""

from __future__ import annotations

# canon's own bookkeeping (the apply journal) lives here; it is never diffed and never dropped.
CANON_SCHEMA = "canon"
EXCLUDED_SCHEMAS = frozenset({CANON_SCHEMA})
