"""Hostile input: the table of bad inputs in ``tests/test_hostile_input.py``, on each dialect.

Each case is a call through the public DAOs (or a session's named-query API)
that must raise a sqlstore error or a pydantic ``ValidationError`` whose
message says what was wrong, and must leave every row of every table as it
was. The pytest module and this scenario share the table and this runner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlstore import Session, Store, connect
from sqlstore.dao import GenerationDAO
from sqlstore.models import Generation, GenerationCreate
from stress.common import Run, generation_fields
from stress.snapshot import Snapshot


@dataclass(frozen=True)
class Seed:
    """Rows every case starts from: one generation in each status, and their prompts."""

    pending: Generation
    processing: Generation
    completed: Generation
    failed: Generation


def seed(store: Store) -> Seed:
    """Write the rows of ``Seed``."""
    with store.session() as session:
        dao = GenerationDAO(session)
        made = [dao.create(GenerationCreate(**generation_fields("seed", i))) for i in range(4)]
        return Seed(
            made[0],
            dao.mark_processing(made[1].id),
            dao.complete(made[2].id, 1.5, 100, {"take": 1}),
            dao.fail(made[3].id, "out of memory"),
        )


@dataclass(frozen=True)
class Case:
    """One bad input: the call, the error it must raise and what the message must say."""

    name: str
    call: Callable[[Session, Seed], object]
    error: type[Exception]
    says: str  # a regular expression the message must match (case-insensitive)


@dataclass(frozen=True)
class Env:
    """A migrated, seeded database and its snapshot."""

    store: Store
    snapshot: Snapshot
    rows: Seed


@contextmanager
def hostile_env(url: str, folder: Path) -> Iterator[Env]:
    """Migrate and seed the database at ``url``; ``folder`` takes the snapshot queries."""
    with connect(url) as store:
        store.migrate()
        rows = seed(store)
        yield Env(store, Snapshot(store, folder), rows)


def check_case(env: Env, case: Case) -> str | None:
    """Run one case; ``None`` if it was refused as it should be, else what went wrong."""
    before = env.snapshot.take()
    try:
        with env.store.session() as session:
            case.call(session, env.rows)
    except case.error as exc:
        if not re.search(case.says, str(exc), re.IGNORECASE | re.DOTALL):
            return f"{type(exc).__name__} does not say /{case.says}/: {exc}"
    except Exception as exc:
        return f"{type(exc).__name__} instead of {case.error.__name__}: {exc}"
    else:
        return f"no {case.error.__name__} was raised"
    if env.snapshot.take() != before:
        return "the database changed"
    return None


def run(ctx: Run) -> None:
    """Every case of the pytest table on each dialect, against one seeded database."""
    from stress.hostile_cases import CASES  # it imports this module: import it late

    for dialect in ctx.options.dialects:
        with ctx.database(dialect) as url, hostile_env(url, ctx.tmp / dialect) as env:
            problems = []
            for case in CASES:
                problem = check_case(env, case)
                if problem:
                    problems.append(f"{case.name}: {problem}")
            ctx.check(
                f"{dialect}: {len(CASES)} bad inputs refused with a clear error, "
                "the database unchanged",
                not problems,
                "; ".join(problems)[:600],
            )
            ctx.figures.bad_inputs_tried += len(CASES)
