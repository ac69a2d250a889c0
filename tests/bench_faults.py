"""Fault injection for the bench's worker processes: one claim worker that fails.

``bench.claims.drain`` starts its workers from ``multiprocessing``'s spawn
context; ``OneWorkerFails`` stands in for that context and gives the
``index``-th process created ``failing_worker`` as its target instead. In its
own process (spawned: nothing patched in the test's process reaches it)
``failing_worker`` makes the real worker fail at ``where``, then runs it:

- ``connect``: connecting raises, before the workers' barrier;
- ``claim``: the first claim raises, after the barrier, while the others drain;
- ``exit``: the process ends at once with exit code 3, reporting nothing (a crash).
"""

from __future__ import annotations

import os
from typing import Any

#: What the injected failure says: the section must raise with it.
MESSAGE = "injected failure of a claim worker"


def failing_worker(where: str, target: Any, *args: Any) -> None:
    """Run the worker ``target`` with ``args``, failing at ``where`` (see the module)."""
    import sqlstore
    from bench import workloads_driver
    from sqlstore.dao.tasks import TaskDAO

    def fail(*_: object, **__: object) -> Any:
        raise RuntimeError(f"{MESSAGE} ({where})")

    if where == "exit":
        os._exit(3)
    if where == "connect":
        sqlstore.connect = fail  # type: ignore[assignment]
        workloads_driver.pg_connect = fail  # type: ignore[assignment]
    elif where == "claim":
        TaskDAO.claim = fail  # type: ignore[method-assign]
        workloads_driver.claim_loop = fail  # type: ignore[assignment]
    else:
        raise ValueError(f"no such failure point: {where!r}")
    target(*args)


class OneWorkerFails:
    """A multiprocessing context whose ``index``-th process runs ``failing_worker``."""

    def __init__(self, context: Any, index: int, where: str):
        self._context, self._index, self._where = context, index, where
        #: Every process made, to stop any left running when the test ends.
        self.processes: list[Any] = []

    def Process(self, *, target: Any, args: tuple[Any, ...]) -> Any:
        """A process of the real context; the ``index``-th one fails at ``where``."""
        if len(self.processes) == self._index:
            target, args = failing_worker, (self._where, target, *args)
        process = self._context.Process(target=target, args=args)
        self.processes.append(process)
        return process

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)
