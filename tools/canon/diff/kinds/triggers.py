"""Triggers: created, replaced and dropped by the engine."""

from __future__ import annotations

from canon.diff.kind import Kind

FINGERPRINT = """
SELECT concat_ws(' ', 't', pg_get_triggerdef(t.oid), t.tgenabled) AS item
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
WHERE NOT t.tgisinternal
"""

SIGNATURE = """
SELECT 'trigger', format('%I.%I.%I', rel.nspname, rel.relname, t.tgname),
       concat_ws(' | ', pg_get_triggerdef(t.oid), t.tgenabled)
FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal
"""

KIND = Kind("trigger", FINGERPRINT, SIGNATURE)
