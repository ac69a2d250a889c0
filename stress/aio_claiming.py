"""Scale through sqlstore.aio: 500 coroutines on a pool of 10 claim 20,000 tasks, each once.

Two rounds on one ``AsyncStore`` whose pool holds 10 connections: 20,000
tasks claimed without a per-user limit, then 2,000 with one (each limited
claim ranks every queued candidate, tens of milliseconds at 20,000: see the
task queue docs). Every task is claimed exactly once, none is lost, most
coroutines get work, and no user ever holds more tasks than the limit (which
is reached). ``tests/test_aio_load.py`` runs the same rounds, smaller, in
``make test``.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlstore import Store
from sqlstore.aio import AsyncStore, connect
from sqlstore.aio.dao import TaskDAO
from sqlstore.dao import TaskDAO as BlockingTaskDAO
from sqlstore.models import TaskCreate, TaskStatus
from stress.common import Run


@dataclass(frozen=True)
class Size:
    """How many tasks, coroutines and users a run has."""

    tasks: int = 20_000
    limited: int = 2_000  # tasks in the per-user round
    workers: int = 500
    users: int = 100
    per_user: int = 3
    pool: int = 10
    deadline: float = 300  # seconds: a stuck drain fails instead of hanging the run


@dataclass(frozen=True)
class Round:
    """What one round queued and what its coroutines claimed."""

    per_user: int | None
    queued: set[uuid.UUID]
    claimed: list[uuid.UUID]
    busy_workers: int
    peaks: list[int]


def options(url: str, **values: object) -> str:
    """``url`` with these options in its query string."""
    query = "&".join(f"{key}={value}" for key, value in values.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


async def _drain(
    astore: AsyncStore, worker: int, per_user: int | None
) -> tuple[list[uuid.UUID], list[int]]:
    """Claim batches (and complete them, with a limit) until the queue stays empty."""
    rng = random.Random(worker)
    claimed: list[uuid.UUID] = []
    peaks: list[int] = []
    left = 1
    while left:
        async with astore.session() as session:
            dao = TaskDAO(session)
            batch = await dao.claim(rng.randint(1, 15), max_active_per_user=per_user)
            if per_user is not None:
                for user in {t.user_id for t in batch if t.user_id is not None}:
                    counts = await dao.count(user_id=user)
                    peaks.append(counts["assigned"] + counts["running"])
            if not batch:
                left = (await dao.count())["created"]  # the rest is held by others, or none
        if not batch:
            await asyncio.sleep(0.01)
            continue
        claimed.extend(t.id for t in batch)
        if per_user is None:
            continue  # without a limit, held tasks block nobody: no need to complete them
        await asyncio.sleep(rng.uniform(0, 0.002))
        async with astore.session() as session:
            dao = TaskDAO(session)
            for task in batch:
                await dao.update_status(task.id, TaskStatus.COMPLETED, 100, {"worker": worker})
    return claimed, peaks


def _queue(store: Store, count: int, seed: int, users: int) -> set[uuid.UUID]:
    # Users of their own per round: the first round's tasks stay held.
    rng = random.Random(seed)
    names = [f"user{n}-{seed}" for n in range(users)]
    news = [
        TaskCreate(endpoint="/s", priority=rng.randrange(4), user_id=rng.choice([*names, None]))
        for _ in range(count)
    ]
    with store.session() as session:
        BlockingTaskDAO(session).add_many(news)
    return {n.id for n in news}


def claim_rounds(store: Store, url: str, size: Size) -> list[Round]:
    """Queue and drain both rounds on the migrated database ``store`` and ``url`` name."""
    pooled = options(url, pool_size=size.pool, max_overflow=0, connect_timeout=60)
    rounds: list[Round] = []
    for count, per_user, seed in ((size.tasks, None, 11), (size.limited, size.per_user, 12)):
        queued = _queue(store, count, seed, size.users)

        async def main(limit: int | None) -> list[tuple[list[uuid.UUID], list[int]]]:
            async with connect(pooled) as astore, asyncio.timeout(size.deadline):
                drains = (_drain(astore, w, limit) for w in range(size.workers))
                return await asyncio.gather(*drains)

        results = asyncio.run(main(per_user))
        rounds.append(
            Round(
                per_user=per_user,
                queued=queued,
                claimed=[i for ids, _ in results for i in ids],
                busy_workers=sum(1 for ids, _ in results if ids),
                peaks=[p for _, ps in results for p in ps],
            )
        )
    return rounds


def verdicts(store: Store, size: Size, rounds: list[Round]) -> Iterator[tuple[str, bool, str]]:
    """Each check of the rounds: its name, whether it held, and the figures."""
    for r in rounds:
        what = "unlimited" if r.per_user is None else f"at most {r.per_user} per user"
        twice = len(r.claimed) - len(set(r.claimed))
        yield f"{what}: no task claimed twice", twice == 0, f"{twice} claimed twice"
        lost = len(r.queued - set(r.claimed))
        yield f"{what}: no task lost", set(r.claimed) == r.queued, f"{lost} lost"
        yield (
            f"{what}: more than a tenth of the coroutines got work",
            r.busy_workers > size.workers // 10,
            f"{r.busy_workers} of {size.workers}",
        )
        if r.per_user is not None:
            peak = max(r.peaks, default=0)
            yield "no user held more tasks than the limit", peak <= r.per_user, f"peak {peak}"
            yield "the limit was reached (the check proves something)", r.per_user in r.peaks, ""
    with store.session(readonly=True) as session:
        counts = BlockingTaskDAO(session).count()
    held = (counts["assigned"], counts["completed"])
    yield (
        "the database agrees: the first round held, the second completed",
        held == (size.tasks, size.limited),
        f"assigned, completed: {held}",
    )


def run(ctx: Run) -> None:
    """Both rounds at full size on each dialect."""
    opts = ctx.options
    size = Size(tasks=opts.aio_tasks, limited=opts.aio_tasks // 10, workers=opts.coroutines)
    for dialect in opts.dialects:
        with ctx.migrated(dialect) as (url, store):
            ctx.say(
                f"   {dialect}: {size.workers} coroutines, a pool of {size.pool}, "
                f"{size.tasks:,} tasks then {size.limited:,} with a per-user limit"
            )
            try:
                rounds = claim_rounds(store, url, size)
            except Exception as exc:  # the other dialect still runs
                ctx.check(f"{dialect}: the rounds ran to the end", False, f"{exc!r}"[:300])
                continue
            for name, ok, detail in verdicts(store, size, rounds):
                ctx.check(f"{dialect}: {name}", ok, detail)
            ctx.figures.tasks_claimed += sum(len(r.claimed) for r in rounds)
