"""Rehearsal: run a plan on a scratch copy of the live schema before it touches the live database.

The copy is ``pg_dump --schema-only`` of the live database restored into a scratch
database on the same server (or on the embedded cluster when the live role may not
create databases). The plan runs there step by step, exactly as it will on live, and
the copy must then match the files. A plan that fails or leaves differences is refused
with what went wrong, before the live database is touched. What the plan created on the
copy is then handed to live's role, which will own it on live.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

from canon.diff import compare
from canon.diff.fingerprint import fingerprint
from canon.errors import DatabaseError, NotConverged, Warn
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.plan import converged
from canon.plan.steps import Step
from canon.run.runner import Halted, Quiet, StepFailed, Timeouts, run_steps
from canon.scratch.livecopy import copy_of_built, copy_of_live
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
    live_fingerprint: str | None = None,
) -> None:
    """Raise ``NotConverged`` unless ``steps`` turn a copy of live into the target.

    When an earlier apply recorded that live's state (``live_fingerprint``) is that of a
    scratch database canon still has, the copy is a copy of that database, not a dump
    of live restored. Such a copy holds only what canon manages, so a plan that fails
    there is rehearsed again on a dump before it is refused.
    """
    live_role = _role(live_url)
    if live_fingerprint is not None:
        with copy_of_same_state(live_url, live_fingerprint, warn) as copy:
            if copy is not None:
                with contextlib.suppress(NotConverged):
                    _rehearse_on(copy, steps, target_url, scope, live_role)
                    return
    with copy_of_live(live_url, warn) as copy:
        _rehearse_on(copy, steps, target_url, scope, live_role)


@contextlib.contextmanager
def copy_of_same_state(
    live_url: DatabaseUrl, live_fingerprint: str, warn: Warn
) -> Iterator[DatabaseUrl | None]:
    """A copy of a cached scratch database with live's fingerprint, or None."""
    with db.connect(live_url, autocommit=True) as live_conn:
        names = converged.built_states(live_conn, live_fingerprint)
    if not names:
        yield None
        return
    with copy_of_built(live_url, names, warn) as copy:
        if copy is not None:
            with db.reading(copy) as copy_conn:
                if fingerprint(copy_conn, EXCLUDED_SCHEMAS) != live_fingerprint:
                    copy = None
        yield copy


def _rehearse_on(
    copy: DatabaseUrl,
    steps: Sequence[Step],
    target_url: DatabaseUrl,
    scope: Callable[[list[str]], list[str]],
    live_role: str,
) -> None:
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
        hand_over(conn, live_role)
        conn.commit()
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


def _role(url: DatabaseUrl) -> str:
    with db.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    return str(row[0]) if row else ""


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
