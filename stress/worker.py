"""The child processes of a stress run: ``python -m stress.worker ROLE '{json args}'``.

Each role is an ordinary app doing ordinary work through the DAOs. It prints
JSON lines (``{"event": ...}``) for the parent: ``ready`` once connected,
then waits for a ``go`` line where the parent releases several at once, and
ends with ``done`` carrying what it did and every error that reached it.
"""

from __future__ import annotations

import json
import random
import select
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from sqlstore import connect
from sqlstore.dao import GenerationDAO
from sqlstore.models import GenerationCreate
from stress.common import SLOW_MIGRATIONS, generation_fields


def emit(event: str, **data: Any) -> None:
    """One JSON line for the parent."""
    print(json.dumps({"event": event, **data}), flush=True)


def wait_for_go() -> None:
    """Block until the parent releases this worker."""
    sys.stdin.readline()


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def write(url: str, rows: int, batch: int, tag: str, seed: int) -> None:
    """Insert ``rows`` generations, each session holding 1..``batch`` of them."""
    rng = random.Random(seed)
    written, errors = 0, []
    with connect(url) as store:
        emit("ready")
        wait_for_go()
        while written < rows:
            n = min(rng.randint(1, batch), rows - written)
            try:
                with store.session() as session:
                    dao = GenerationDAO(session)
                    for i in range(written, written + n):
                        dao.create(GenerationCreate(**generation_fields(tag, i)))
            except Exception as exc:
                errors.append(_error(exc))
                if len(errors) > 20:
                    break
                continue
            written += n
    emit("done", written=written, errors=errors)


def claim(url: str, limit: int) -> None:
    """Drain the task queue: claim, then report each task completed, until it is empty."""
    from sqlstore.dao import TaskDAO
    from sqlstore.models import TaskStatus

    claimed: list[str] = []
    completed: list[str] = []
    errors: list[str] = []
    empty = 0
    with connect(url) as store:
        emit("ready")
        wait_for_go()
        while empty < 3 and len(errors) <= 20:
            try:
                with store.session() as session:
                    tasks = TaskDAO(session).claim(limit=limit)
                claimed.extend(str(t.id) for t in tasks)
                if tasks:
                    # The work is done: report the claimed tasks completed together.
                    with store.session() as session:
                        for task in tasks:
                            TaskDAO(session).update_status(task.id, TaskStatus.COMPLETED)
                    completed.extend(str(t.id) for t in tasks)
            except Exception as exc:
                errors.append(_error(exc))
                continue
            if tasks:
                empty = 0
            else:
                # Nothing left, or every candidate was held by another claimer.
                empty += 1
                time.sleep(0.01)
    emit("done", claimed=claimed, completed=completed, errors=errors)


def batch(url: str, rows: int, tag: str, progress_at: int) -> None:
    """Insert ``rows`` generations in ONE session (the parent kills it halfway)."""
    with connect(url) as store:
        emit("ready")
        with store.session() as session:
            dao = GenerationDAO(session)
            for i in range(rows):
                dao.create(GenerationCreate(**generation_fields(tag, i)))
                if i == progress_at:
                    emit("progress", rows=i + 1)
        emit("committed", rows=rows)
    emit("done")


def migrate(url: str, slow: bool = False) -> None:
    """Apply the migrations, released together with other migrating workers."""
    dirs = [SLOW_MIGRATIONS] if slow else []
    try:
        with connect(url, migration_dirs=dirs) as store:
            emit("ready")
            wait_for_go()
            applied = store.migrate()
    except Exception as exc:
        emit("done", applied=[], error=_error(exc))
        return
    emit("done", applied=applied, error=None)


def app(url: str, seed: int) -> None:
    """Run sessions in a loop until told to stop; after a failure, the next must work.

    Each session writes a generation, works a little, and counts them. A failure is reported
    as it happens; the session after it is the recovery, and a failed
    recovery is a failure of the scenario.
    """
    sessions, failures, unrecovered = 0, [], []
    i = 0
    with connect(url) as store:
        emit("ready")
        failing = False
        while not select.select([sys.stdin], [], [], 0)[0]:
            i += 1
            try:
                with store.session() as session:
                    dao = GenerationDAO(session)
                    dao.create(GenerationCreate(**generation_fields(f"app-{seed}", i)))
                    time.sleep(0.01)  # the app works while it holds the session
                    dao.count()
            except Exception as exc:
                if failing:
                    unrecovered.append(_error(exc))
                    break
                failing = True
                failures.append({"type": type(exc).__name__, "message": str(exc)})
                emit("fault", type=type(exc).__name__)
                continue
            sessions += 1
            failing = False
    emit("done", sessions=sessions, failures=failures, unrecovered=unrecovered)


ROLES: dict[str, Callable[..., None]] = {
    "app": app,
    "batch": batch,
    "claim": claim,
    "migrate": migrate,
    "write": write,
}


def main(argv: list[str]) -> int:
    """Run the role named in ``argv``; an unexpected error is a ``crash`` event."""
    role, args = argv[1], json.loads(argv[2])
    try:
        ROLES[role](**args)
    except Exception as exc:
        emit("crash", error=_error(exc), traceback=traceback.format_exc())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
