"""A time limit on preparing one document (parse, clean, chunk), enforced mid-parse.

Parser libraries (python-docx, openpyxl, python-pptx, pypdf) have no cancellation,
and a small crafted file can keep one busy for minutes. A timer raises an
exception in the thread that prepares the document once its budget is spent
(``PyThreadState_SetAsyncExc``, CPython's way to interrupt a thread from another,
delivered between bytecodes), and the document fails alone with a reason in the
ingest report. The exception derives from ``BaseException`` so that libraries'
``except Exception`` blocks do not swallow it. No maintained library offers this
for threads (they use signals, which work on the main thread only).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from colonnade.errors import DocumentError

__all__ = ["OverBudget", "over_budget", "time_budget"]


class OverBudget(BaseException):
    """Raised asynchronously in the preparing thread. ``time_budget`` turns it into a
    ``DocumentError``; should it land in the few bytecodes between the block's end and the
    context manager's exit, the caller maps it with :func:`over_budget`."""


def _set_async(thread_id: int, exc: type[BaseException] | None) -> None:
    # a NULL exception clears a pending one; ctypes passes None as NULL
    target = ctypes.py_object(exc) if exc is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


def over_budget(name: str, seconds: float) -> DocumentError:
    return DocumentError(
        "over_budget",
        f"{name} took over {seconds:g} s to parse and chunk, its processing budget: it was "
        "skipped (split it, or raise ingestion.max_seconds_per_document)",
    )


@contextmanager
def time_budget(seconds: float, name: str) -> Iterator[None]:
    """Run the block with ``seconds`` to spend; past them the block is interrupted and
    :class:`DocumentError` ``over_budget`` is raised. ``seconds <= 0`` means no limit."""
    if seconds <= 0:
        yield
        return
    thread_id = threading.get_ident()
    lock = threading.Lock()
    # armed only inside the block: an interrupt landing in Timer.start() (threading's own
    # locks) would leave them broken, so a timer that fires before then is just noted
    state = {"armed": False, "fired": False, "early": False}

    def fire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                _set_async(thread_id, OverBudget)
            else:
                state["early"] = True

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    interrupted = False
    try:
        with lock:
            state["armed"] = not state["early"]
        if state["early"]:
            raise OverBudget
        yield
    except OverBudget:
        interrupted = True
    finally:
        # the one interrupt the timer can set may land anywhere in here; once it has, none
        # is pending, and once disarmed under the lock, none can be set
        settled = False
        while not settled:
            try:
                with lock:
                    state["armed"] = False
                if state["fired"]:
                    _set_async(thread_id, None)  # set but not delivered yet: cancel it
                settled = True
            except OverBudget:
                interrupted = settled = True
        timer.cancel()
    if interrupted or state["fired"]:
        raise over_budget(name, seconds)
