"""Progress of slow steps: a line for the person waiting, once a step has run two seconds.

``Watched`` wraps the listener an apply already has (its journal) and passes every call
on; meanwhile a timer reports a step still running after ``SLOW`` seconds, then every
``REPEAT`` seconds, and says when such a step is done. Where the lines go is the
caller's ``Report`` (the CLI prints them on stderr).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from canon.plan.steps import Step
from canon.run.runner import Listener, StepError
from canon.words import counted

SLOW = 2.0
REPEAT = 10.0
SHOWN_SQL = 80  # characters of a step's statement in a progress line

Report = Callable[[str], None]


class Watched:
    """A step listener that reports steps running longer than ``slow`` seconds."""

    def __init__(
        self,
        inner: Listener,
        report: Report,
        total: int,
        slow: float = SLOW,
        repeat: float = REPEAT,
    ) -> None:
        self.inner, self.report, self.total = inner, report, total
        self.slow, self.repeat = slow, repeat
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._started = 0.0
        self._reported = False

    def step_started(self, step: Step, attempt: int) -> None:
        self.inner.step_started(step, attempt)
        self._stop = threading.Event()
        self._started, self._reported = time.monotonic(), False
        self._timer = threading.Thread(target=self._watch, args=(step, self._stop), daemon=True)
        self._timer.start()

    def step_done(self, step: Step, attempts: int) -> None:
        self._halt()
        self.inner.step_done(step, attempts)
        if self._reported:
            self.report(f"step {step.number} of {self.total} done after {self._elapsed()}")

    def step_failed(self, failure: StepError) -> None:
        self._halt()
        self.inner.step_failed(failure)

    def _watch(self, step: Step, stop: threading.Event) -> None:
        wait = self.slow
        while not stop.wait(wait):
            self._reported = True
            elapsed = self._elapsed()
            self.report(
                f"step {step.number} of {self.total} still running after {elapsed}: {_what(step)}"
            )
            wait = self.repeat

    def _halt(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._started:.0f}s"


def _what(step: Step) -> str:
    """The step's statement, cut short, or how many statements it holds."""
    if len(step.statements) != 1:
        return counted(len(step.statements), "statement")
    sql = " ".join(step.statements[0].split())
    return sql if len(sql) <= SHOWN_SQL else sql[: SHOWN_SQL - 1] + "…"
