"""Ctrl-C and SIGTERM while steps run: the apply stops where it can say exactly what happened.

Outside a run a signal unwinds the program (nothing has changed yet). While steps run, the
first SIGINT or SIGTERM is only recorded, and the statement running on the live database
is cancelled by the server: the open step rolls back (a concurrent build is cleaned up),
no further step starts, and the runner reports which steps committed. A second signal
unwinds at once, for the impatient; the next canon command then repairs the journal.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import psycopg

# How long a cancel request may take before the runner stops waiting for it.
CANCEL_TIMEOUT = 5.0


class Interrupts:
    """Whether a stop was asked for, and the statements to cancel when it is."""

    def __init__(self) -> None:
        self.received: int | None = None  # the signal that asked for the stop
        self._asked = threading.Event()
        # Re-entrant: the handler runs in the main thread, maybe while it holds the lock.
        self._lock = threading.RLock()
        self._running: set[psycopg.Connection] = set()

    @property
    def requested(self) -> bool:
        return self.received is not None

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.received).name if self.received is not None else ""

    def request(self, signum: int) -> None:
        """Ask the run to stop, cancelling the statements running now."""
        with self._lock:
            self.received = signum
            running = list(self._running)
        self._asked.set()
        for conn in running:
            # Not in the signal handler itself: a cancel request is a network round trip.
            threading.Thread(target=_cancel, args=(conn,), daemon=True).start()

    @contextlib.contextmanager
    def cancellable(self, conn: psycopg.Connection) -> Iterator[None]:
        """While the block runs a statement on ``conn``, a stop request cancels it."""
        with self._lock:
            self._running.add(conn)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(conn)

    def pause(self, seconds: float) -> None:
        """Sleep, but wake as soon as a stop is asked for."""
        self._asked.wait(seconds)


def _cancel(conn: psycopg.Connection) -> None:
    with contextlib.suppress(Exception):
        conn.cancel_safe(timeout=CANCEL_TIMEOUT)


@contextlib.contextmanager
def catching(signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[Interrupts]:
    """Turn ``signals`` into stop requests for the duration of the block (main thread only)."""
    interrupts = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return

    def handle(signum: int, frame: object) -> None:
        if interrupts.requested:
            raise KeyboardInterrupt  # asked twice: unwind now
        interrupts.request(signum)

    previous = {s: signal.signal(s, handle) for s in signals}
    try:
        yield interrupts
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
