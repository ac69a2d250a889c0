"""Hostile input: the table of bad inputs in ``tests/test_hostile_input.py``, on each dialect.

Each case is a call through the public DAOs (or a session's named-query API)
that must raise a sqlstore error or a pydantic ``ValidationError`` whose
message says what was wrong, and must leave every row of every table as it
was. Then the inputs that are valid however hostile they look: text that reads
like SQL is stored and read back verbatim in the text fields of ten tables
across the stores, naive datetimes are taken as UTC, and a NUL is refused
alike in text and JSON.
The pytest module and this scenario share the table and these runners.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlstore import Json, Session, Store, connect
from sqlstore.dao import (
    CaptionDAO,
    GenerationDAO,
    LogDAO,
    PromptDAO,
    TaskDAO,
    TranscriptDAO,
    UserDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import DataError
from sqlstore.models import (
    Generation,
    GenerationCreate,
    LogCreate,
    TaskCreate,
    TranscriptCreate,
    TranscriptSegment,
    UserCreate,
    VideoCreate,
    WebhookCreate,
)
from sqlstore.search import INDEX_TABLES
from stress.common import Run, generation_fields
from stress.snapshot import Snapshot, added_rows


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


#: Rows ``store_verbatim`` adds to each table (every other table must stay as it was).
VERBATIM_ROWS = {
    "generations": 1,
    "prompts": 1,
    "media": 1,
    "video": 1,
    "transcripts": 1,
    "captions": 2,
    "tasks": 1,
    "webhooks": 1,
    "users": 1,
    "logs": 1,
}


def store_verbatim(env: Env, text: str) -> str | None:
    """Write ``text`` into the text fields of ten tables and read it back; what went wrong.

    ``text`` reads like SQL (see ``hostile_cases.INJECTIONS``) but is valid
    input: filters on it match nothing, it is stored and read back as it was
    (as filters, JSON keys and values too), and exactly the rows written are
    added. ``None`` if all of that held.
    """
    before = env.snapshot.take()
    with env.store.session(readonly=True) as session:
        matched = {
            "generations": GenerationDAO(session).list(model_name=text),
            "prompts": PromptDAO(session).get_by_text(text),
            "tasks": TaskDAO(session).list(user_id=text),
            "webhooks": WebhookDAO(session).for_event(text),
            "users": UserDAO(session).get_by_email(text),
        }
    if any(matched.values()):
        return f"a filter on it matched rows: {matched}"
    if env.snapshot.take() != before:
        return "a read changed the database"
    meta: dict[str, Any] = {text: text, "nested": {"k": [text]}}
    media_id = text[:36]
    url = "https://example.com/" + "".join(text.split())
    with env.store.session() as session:
        gen = GenerationDAO(session).create(
            GenerationCreate(
                **{
                    **generation_fields("verbatim", 0),
                    "prompt": text,
                    "model_name": text,
                    "model_version": text,
                    "file_path": text,
                    "metadata": meta,
                }
            )
        )
        GenerationDAO(session).fail(gen.id, text)
        VideoDAO(session).save(
            VideoCreate(id=media_id, path=text, url=text, title=text, description=text)
        )
        TranscriptDAO(session).save(
            TranscriptCreate(
                model=text,
                media_id=media_id,
                transcript=text,
                segments=[TranscriptSegment(start=0.0, end=1.0, text=text, words=[meta])],
                language=text[:64],
                language_confidence=0.5,
            )
        )
        CaptionDAO(session).save_all(text, media_id, [text, text], [0.0, 1.0], [0, 1])
        task = TaskDAO(session).add(TaskCreate(endpoint=text, data=meta, user_id=text))
        hook = WebhookDAO(session).save(WebhookCreate(user_id=text, url=url))
        user = UserDAO(session).create(
            UserCreate(first_name=text, last_name=text, email=text, profile_picture_url=text)
        )
        log = LogDAO(session).create(LogCreate(level=text[:32], message=text))
    wrong = []
    with env.store.session(readonly=True) as session:
        got = GenerationDAO(session).get(gen.id)
        if got is None or (
            (got.prompt, got.model_name, got.model_version, got.file_path, got.error_message)
            != (text,) * 5
            or got.metadata != meta
        ):
            wrong.append(f"generation {got}")
        if GenerationDAO(session).list(model_name=text) != [got]:
            wrong.append("generations by model name")
        prompt = PromptDAO(session).get_by_text(text)
        if prompt is None or prompt.text != text:
            wrong.append(f"prompt {prompt}")
        video = VideoDAO(session).get(media_id)
        if video is None or (video.path, video.url, video.title, video.description) != (text,) * 4:
            wrong.append(f"video {video}")
        transcript = TranscriptDAO(session).get(text, media_id)
        if transcript is None or (
            (transcript.model, transcript.transcript, transcript.language)
            != (text, text, text[:64])
            or [(s.text, s.words) for s in transcript.segments] != [(text, [meta])]
        ):
            wrong.append(f"transcript {transcript}")
        captions = CaptionDAO(session).get(text, media_id)
        if [(c.model, c.caption) for c in captions] != [(text, text)] * 2:
            wrong.append(f"captions {captions}")
        tasks = TaskDAO(session).list(user_id=text)
        if [(t.id, t.endpoint, t.data, t.user_id) for t in tasks] != [(task.id, text, meta, text)]:
            wrong.append(f"tasks {tasks}")
        if WebhookDAO(session).for_event(text) != [hook] or hook.url != url:
            wrong.append(f"webhook {hook}")
        found = UserDAO(session).get_by_email(text)
        if found != user or (user.first_name, user.last_name, user.profile_picture_url) != (
            (text,) * 3
        ):
            wrong.append(f"user {found}")
        if (stored := LogDAO(session).get(log.id)) is None or stored.message != text:
            wrong.append(f"log {stored}")
    if wrong:
        return "not read back verbatim: " + "; ".join(wrong)[:400]
    # Search indexes gain a row per word, and follow the rows they index.
    gained = {
        t: n for t, n in added_rows(before, env.snapshot.take()).items() if t not in INDEX_TABLES
    }
    expected = {table: VERBATIM_ROWS.get(table, 0) for table in before if table not in INDEX_TABLES}
    if gained != expected:
        changed = {t: n for t, n in gained.items() if n != expected[t]}
        return f"unexpected rows added: {changed}"
    return None


def naive_datetimes(env: Env) -> str | None:
    """A naive datetime is taken as UTC: it pages exactly as the same aware one does."""
    aware = env.rows.completed
    naive = aware.model_copy(update={"created_at": aware.created_at.replace(tzinfo=None)})
    before = env.snapshot.take()
    with env.store.session() as session:
        dao = GenerationDAO(session)
        older = dao.list(after=aware)
        want = [env.rows.processing.id, env.rows.pending.id]
        if [g.id for g in older] != want:
            return f"the page after the completed seed is {[g.id for g in older]}, not {want}"
        if dao.list(after=naive) != older:
            return "a naive `after` paged differently from the aware one"
        for after in (aware, naive):
            rows = session.fetch_all(
                "generations.generations.list_after",
                status=None,
                model_name=None,
                limit=10,
                after_created_at=after.created_at,
                after_id=after.id,
            )
            if [str(r["id"]) for r in rows] != [str(g.id) for g in older]:
                return (
                    f"generations.generations.list_after with {after.created_at!r}"
                    " paged differently"
                )
    if env.snapshot.take() != before:
        return "the database changed"
    return None


#: NUL in text and in JSON (a value, a list item), each refused with a ``DataError``.
NUL_VALUES: list[object] = ["\x00", Json({"k": "\x00"}), Json(["a", "\x00"])]


def nul_refused(env: Env) -> str | None:
    """A NUL is refused alike in text and JSON; ``\\u0000`` written out is six characters."""
    with env.store.session(readonly=True) as session:
        for value in NUL_VALUES:
            try:
                session.fetch_all("generations.prompts.get_by_text", text=value)
            except DataError as exc:
                if "NUL" not in str(exc):
                    return f"{value!r}: the DataError does not say NUL: {exc}"
            else:
                return f"{value!r} was not refused"
        if session.fetch_all("generations.prompts.get_by_text", text="\\u0000") != []:
            return "six characters that read like an escape matched a row"
    return None


def run(ctx: Run) -> None:
    """Every case of the pytest table on each dialect, against one seeded database."""
    from stress.hostile_cases import CASES, INJECTIONS  # they import this module: import late

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
            verbatim = [(text, store_verbatim(env, text)) for text in INJECTIONS]
            ctx.check(
                f"{dialect}: {len(INJECTIONS)} SQL-looking texts stored and read back verbatim "
                f"in the text fields of {len(VERBATIM_ROWS)} tables, nothing else changed",
                not any(problem for _, problem in verbatim),
                "; ".join(f"{text!r}: {p}" for text, p in verbatim if p)[:600],
            )
            problem = naive_datetimes(env)
            ctx.check(f"{dialect}: naive datetimes are taken as UTC", not problem, problem or "")
            problem = nul_refused(env)
            ctx.check(f"{dialect}: NUL refused alike in text and JSON", not problem, problem or "")
            ctx.figures.bad_inputs_tried += len(CASES) + len(INJECTIONS) + 1 + len(NUL_VALUES)
