"""Rehearsal: run a plan on a scratch copy of the live schema before it touches the live database.

The copy is ``pg_dump --schema-only`` of the live database restored into a scratch
database on the same server (or on the embedded cluster when the live role may not
create databases). The plan runs there step by step, exactly as it will on live, and
the copy must then match the files. A plan that fails or leaves differences is refused
with what went wrong, before the live database is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from canon.diff import compare
from canon.diff.fingerprint import fingerprint
from canon.errors import NotConverged, Warn
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.plan.steps import Step
from canon.run.runner import Quiet, StepFailed, Timeouts, run_steps
from canon.scratch.livecopy import copy_of_live

# Nothing else uses the copy: no lock waits to bound, no retries needed.
REHEARSAL_TIMEOUTS = Timeouts(lock_timeout="0", statement_timeout="0", lock_retries=0)
RESIDUAL_SHOWN = 5


def rehearse(
    live_url: DatabaseUrl,
    steps: Sequence[Step],
    target_url: DatabaseUrl,
    warn: Warn,
    scope: Callable[[list[str]], list[str]] = list,
) -> None:
    """Raise ``NotConverged`` unless ``steps`` turn a copy of live into the target."""
    with copy_of_live(live_url, warn) as copy:
        try:
            run_steps(copy, steps, REHEARSAL_TIMEOUTS, Quiet())
        except StepFailed as failed:
            f = failed.failure
            raise NotConverged(
                f"rehearsal: the plan fails when rehearsed on a copy of the live schema, at "
                f"step {f.step.number} ({_one_line(f.statement)}): {f.message}; "
                "nothing was changed; fix the plan file or plan again"
            ) from None
        with db.reading(copy) as copy_conn, db.reading(target_url) as target_conn:
            residual = _differences(copy_conn, target_conn, scope)
    if residual:
        shown = "; ".join(_one_line(s) for s in residual[:RESIDUAL_SHOWN])
        more = (
            f" (and {len(residual) - RESIDUAL_SHOWN} more)"
            if len(residual) > RESIDUAL_SHOWN
            else ""
        )
        raise NotConverged(
            "rehearsal: on a copy of the live schema the plan does not converge; "
            f"{len(residual)} differences remain: {shown}{more}; nothing was changed; "
            "plan again, or change the plan file so that it reaches the files"
        )


def _differences(
    copy_conn: Connection, target_conn: Connection, scope: Callable[[list[str]], list[str]]
) -> list[str]:
    """What a plan from the copy to the files would still do.

    Equal fingerprints cover everything canon plans, so they settle it without
    inspecting both databases again; otherwise the diff says what is left.
    """
    if fingerprint(copy_conn, EXCLUDED_SCHEMAS) == fingerprint(target_conn, EXCLUDED_SCHEMAS):
        return []
    # With --tenant, other tenants are not the plan's business.
    return scope(compare.changes(copy_conn, target_conn))


def _one_line(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 160 else text[:157] + "..."
