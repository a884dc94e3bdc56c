"""Durations as PostgreSQL writes them (``500ms``, ``5s``, ``2min``, ``0``), read on the client.

canon passes ``--lock-timeout`` and ``--statement-timeout`` to the server as they are, and
waits for ``--apply-lock-wait`` itself; reading them here refuses a bad value before any
connection is made, with the same words for every option. A number without a unit means
milliseconds, as it does for PostgreSQL's timeout settings.
"""

from __future__ import annotations

import re

from canon.errors import ConfigError

_DURATION = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min|h|d)?\s*")
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
# PostgreSQL keeps timeouts as an int of milliseconds.
_LONGEST = 2_147_483_647 / 1000


def seconds(option: str, value: str) -> float:
    """``value`` in seconds, or a ``ConfigError`` naming ``option``."""
    match = _DURATION.fullmatch(value)
    found = float(match.group(1)) * _SECONDS[match.group(2) or "ms"] if match else None
    if found is None or found > _LONGEST:
        raise ConfigError(
            f"{option} {value!r} is not a PostgreSQL duration "
            "(examples: 500ms, 5s, 2min, 0 for none)"
        )
    return found


def setting(option: str, value: str) -> str:
    """``value`` checked, as a setting PostgreSQL accepts (whole milliseconds, no spaces)."""
    return f"{round(seconds(option, value) * 1000)}ms"
