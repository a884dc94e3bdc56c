"""Environment switches: ``CANON_…`` variables that turn one of canon's shortcuts off."""

from __future__ import annotations

import os

OFF_VALUES = {"off", "0", "no", "false"}


def is_on(name: str) -> bool:
    """Whether the switch ``name`` is on: it is unless set to off, 0, no or false."""
    return os.environ.get(name, "on").strip().lower() not in OFF_VALUES
