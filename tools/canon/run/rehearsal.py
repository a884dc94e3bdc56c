"""Rehearsal: run a plan on a scratch copy of the live schema before it touches the live database.

The copy is ``pg_dump --schema-only`` of the live database restored into a scratch
database on the same server (or on the embedded cluster when the live role may not
create databases). The plan runs there step by step, exactly as it will on live, and
the copy must then match the files. A plan that fails or leaves differences is refused
with what went wrong, before the live database is touched. What the plan created on the
copy is then handed to live's role, which will own it on live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from canon.diff import compare
from canon.errors import DatabaseError, NotConverged, Warn
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.plan.steps import Step
from canon.run.runner import Halted, Quiet, StepFailed, Timeouts, run_steps
from canon.scratch.livecopy import copy_of_live
from canon.scratch.owners import hand_over

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
        except Halted as halted:
            raise DatabaseError(
                f"rehearsal on a copy of the live schema stopped: {halted.halt.cause}; "
                "nothing was changed"
            ) from None
        with db.connect(copy) as conn:
            hand_over(conn, _role(live_url))
            conn.commit()
        with db.reading(copy) as copy_conn, db.reading(target_url) as target_conn:
            # With --tenant, other tenants are not the plan's business.
            residual = scope(compare.changes(copy_conn, target_conn))
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


def _role(url: DatabaseUrl) -> str:
    with db.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    return str(row[0]) if row else ""


def _one_line(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 160 else text[:157] + "..."
