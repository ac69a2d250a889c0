"""The plugin's per-test databases: copies of the run's template, reused when they can be.

Each test gets a database of its own that is, in every way a test can see,
a new copy of the template. ``CREATE DATABASE ... TEMPLATE`` and ``DROP
DATABASE`` (a checkpoint on PostgreSQL 15) cost a short test most of its
time, so a dialect that can (its ``copy_recycler``) makes a copy a test is
done with like a new one again, on a thread of the plugin, and the next
test takes it: truncated and refilled with the template's rows when its
schema is still the template's, else dropped. A new copy is made ahead of
the test that will need one, on the same thread.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

from sqlstore.dialects._recycle import CopyRecycler

__all__ = ["Clones", "Copy"]

#: New copies made ahead of the tests that will take them.
AHEAD = 1

#: A copy: its URL, what drops it, and the ``since`` of its next reset.
Copy = tuple[str, ExitStack, str]


class Clones:
    """Copies of one template: ``take`` one for a test, ``give_back`` it after."""

    def __init__(
        self,
        template_url: str,
        new_database: Callable[[str, ExitStack], str],
        recycler: CopyRecycler | None,
    ):
        self._template = template_url
        self._new = new_database
        self._recycler = recycler
        # One thread: copies, resets and drops reach the server one at a time, in order.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlstore-clones")
        self._ahead: deque[Future[Copy]] = deque()
        self._back: deque[Future[Copy | None]] = deque()
        #: How many tests got a reset copy rather than a new one.
        self.reused = 0

    def _make(self) -> Copy:
        stack = ExitStack()
        try:
            url = self._new(self._template, stack)
        except BaseException:
            stack.close()
            raise
        return url, stack, self._recycler.since if self._recycler else ""

    def _reset(self, copy: Copy) -> Copy | None:
        url, stack, since = copy
        after = self._recycler.reset(url, since) if self._recycler else None
        if after is None:
            stack.close()
            return None
        return url, stack, after

    def take(self) -> Copy:
        """A copy like new: one given back and reset, else a new one (and the next one begun)."""
        while self._back:
            reset = self._back.popleft().result()
            if reset is not None:
                self.reused += 1
                return reset
        made = self._ahead.popleft() if self._ahead else self._worker.submit(self._make)
        while len(self._ahead) < AHEAD:
            self._ahead.append(self._worker.submit(self._make))
        return made.result()

    def give_back(self, copy: Copy) -> None:
        """Reset the copy a test is done with for the next test, or drop it, on the thread."""
        self._back.append(self._worker.submit(self._reset, copy))

    def close(self) -> None:
        """Drop every copy left, once the thread is done; the first error, raised."""
        errors: list[BaseException] = []
        pending_ones: list[Future[Copy] | Future[Copy | None]] = [*self._back, *self._ahead]
        for pending in pending_ones:
            try:
                copy = pending.result()
            except BaseException as exc:
                errors.append(exc)
                continue
            if copy is not None:
                try:
                    copy[1].close()
                except BaseException as exc:
                    errors.append(exc)
        self._back.clear()
        self._ahead.clear()
        self._worker.shutdown(wait=True)
        if errors:
            raise errors[0]
