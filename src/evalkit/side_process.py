"""A function run in a forked process while the caller goes on with other work.

``evalkit build`` draws its charts while it writes the workbook: the two share nothing but the
tables they read, and on a machine of two cores the charts then cost no wall time. The child is
forked, so it reads the caller's tables without copying them; where processes cannot be forked
safely (any system but Linux) the function runs in the caller when its result is asked for, as
it would have without this module. Either way the caller gets the function's value or its
exception.

Examples
--------
>>> with Beside(sum, [1, 2, 3]) as job:
...     other = max(4, 5)          # the caller's own work, meanwhile
...     total = job.result()
>>> total, other
(6, 5)
>>> with Beside(int, "x") as job:
...     job.result()
Traceback (most recent call last):
ValueError: invalid literal for int() with base 10: 'x'
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, Self

__all__ = ["Beside", "can_fork"]

logger = logging.getLogger(__name__)


def can_fork() -> bool:
    """Whether this system forks processes safely: only Linux does (macOS's system libraries do
    not survive a fork, Windows has none).

    Returns
    -------
    bool
    """
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _end_with(parent: int) -> None:
    """Have this forked process stopped (SIGTERM) when its caller ends, however it ends (a
    killed command must not leave a process behind holding its output pipes open). Linux's
    ``prctl(PR_SET_PDEATHSIG)``; elsewhere nothing."""
    with contextlib.suppress(Exception):  # (no libc to ask: nothing more to do)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # (the caller ended before the line above)
        os._exit(1)


#: prctl's option: the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


class Beside:
    """``function(*args, **kwargs)`` in a forked process, started on entering the block;
    :meth:`result` waits for it. Leaving the block early (an exception in the caller's work)
    stops the process.

    Parameters
    ----------
    function : callable
        What to run; its value and its exception must be picklable (an exception that is not is
        given as a RuntimeError with its text).
    *args, **kwargs
        Its arguments (inherited by the forked process, not pickled).
    """

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._call = (function, args, kwargs)
        self._process = None
        self._receive = None
        self._fork = True

    @classmethod
    def inline(cls, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Beside:
        """The same call run in the caller when its result is asked for (where a process of
        its own would cost more than it saves: the caller's code stays the same either way).

        >>> with Beside.inline(sum, [1, 2]) as job:
        ...     job.result()
        3
        """
        job = cls(function, *args, **kwargs)
        job._fork = False
        return job

    def __enter__(self) -> Self:
        # (a daemonic process, a pool's worker, may have no children: the call runs inline)
        if self._fork and can_fork() and not multiprocessing.current_process().daemon:
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=self._child, args=(send, os.getpid()), daemon=True)
            self._process.start()
            send.close()  # (the child holds the other end: its exit ends the wait)
        return self

    def __exit__(self, kind, value, tb) -> None:
        if self._process is not None:
            if kind is None:  # (its result given, the process is ending: let it end)
                self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None

    def _child(self, send, parent: int) -> None:
        _end_with(parent)
        # (the objects inherited from the caller are never collected here: a collection that
        # walks them writes to the pages shared with the caller, which the system then copies)
        gc.freeze()
        function, args, kwargs = self._call
        try:
            outcome = ("value", function(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 (the caller gets it, whatever it is)
            outcome = ("error", exc)
        try:
            try:
                send.send(outcome)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                send.send(("error", RuntimeError(f"{outcome[1]!s} ({exc})")))
            send.close()
        except OSError:  # (the caller is gone: nobody to tell)
            pass

    def result(self) -> Any:
        """The function's value (raises its exception); without a fork, it runs now."""
        if self._process is None:
            function, args, kwargs = self._call
            return function(*args, **kwargs)
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"进程意外退出（退出码 {self._process.exitcode}），没有给出结果") from None
        if kind == "error":
            raise value
        return value
