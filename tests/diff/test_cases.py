"""Convergence scenarios, read from tests/cases/<name>/ (see tests/scenario.py for the format).

Forward: live.sql is loaded, then apply → drift --strict must find nothing.
Reverse: schema/ is loaded as the live database and live.sql is the schema file.
Cases marked "refuse" must exit 1 with a message naming the object and the reason,
and leave the database unchanged.
"""

from __future__ import annotations

import pytest

from tests.scenario import FAILED, Direction, case_dirs, directions, run_direction

DIRECTIONS = [d for case in case_dirs() for d in directions(case)]


@pytest.mark.corpus
@pytest.mark.parametrize("direction", DIRECTIONS, ids=[d.id for d in DIRECTIONS])
def test_case(direction: Direction, empty_url: str, cwd_tmp: object) -> None:
    # cwd_tmp: canon must not pick up the project's seeds/ folder from the current directory.
    outcome = run_direction(empty_url, direction)
    assert outcome.status != FAILED, outcome.detail
