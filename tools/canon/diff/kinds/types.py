"""Composite types: created and dropped by the engine."""

from __future__ import annotations

from canon.diff.fragments import type_fingerprint, type_signature
from canon.diff.kind import Kind

# Every type that is not an enum or a domain: composite, range, multirange, array, base.
KIND = Kind("type", type_fingerprint("t.typtype NOT IN ('e', 'd')"), type_signature("type", "c"))
