"""The transaction rules, the same on both dialects.

A refusal is safe to catch: the session goes on and commits everything else.
A transaction the database aborts is never committed, and says so on every
later call. A session is usable only inside its block. Each test also checks
that every write acknowledged before the refusal is there afterwards: "the
database is unchanged" alone cannot see a lost write.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from uuid import uuid4

import pytest

from sqlstore import Session, Store, connect
from sqlstore.dao import (
    GenerationDAO,
    MessageDAO,
    OrchestratorDAO,
    ProjectDAO,
    PromptDAO,
    TaskDAO,
    TranscriptDAO,
    UserDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    DatabaseUnavailable,
    ForeignKeyError,
    NotFound,
    ParameterError,
    QueryError,
    QueryNotFound,
    SessionClosed,
    TransactionAborted,
)
from sqlstore.models import (
    MessageCreate,
    OrchestratorCreate,
    ProjectCreate,
    TaskCreate,
    TranscriptCreate,
    UserCreate,
    WebhookCreate,
)
from tests.factories import new_generation
from tests.helpers import APP, with_query

pytestmark = pytest.mark.both_apis


def _emails(store: Store) -> list[str]:
    with store.session(readonly=True) as session:
        return sorted(u.email for u in UserDAO(session).list(limit=100))


def test_a_caught_refusal_keeps_the_sessions_earlier_writes(store: Store) -> None:
    # The case in the issue: PostgreSQL used to commit nothing, and say nothing.
    with store.session() as session:
        users = UserDAO(session)
        users.create(UserCreate(email="bob@x.com"))
        with pytest.raises(AlreadyExists):
            users.create(UserCreate(email="bob@x.com"))
        users.create(UserCreate(email="carol@x.com"))  # the session goes on
        assert sorted(u.email for u in users.list(limit=10)) == ["bob@x.com", "carol@x.com"]
    assert _emails(store) == ["bob@x.com", "carol@x.com"]


def test_every_kind_of_refusal_is_safe_to_catch(store: Store) -> None:
    task = TaskCreate(endpoint="/transcribe", data={"n": 1})
    hook = WebhookCreate(url="https://example.com/hook", events=["task.completed"])
    with store.session() as session:
        users, tasks, hooks = UserDAO(session), TaskDAO(session), WebhookDAO(session)
        ada = users.create(UserCreate(email="ada@x.com"))
        tasks.add(task)
        hooks.save(hook)
        gen = GenerationDAO(session).create(new_generation(prompt="kept"))
        refusals = [
            (AlreadyExists, lambda: tasks.add(task)),
            (AlreadyExists, lambda: hooks.save(hook)),
            (AlreadyExists, lambda: GenerationDAO(session).create(new_generation(id=gen.id))),
            (
                ForeignKeyError,
                lambda: OrchestratorDAO(session).create(
                    OrchestratorCreate(name="o", type="t", user_id=uuid4())
                ),
            ),
            (
                ForeignKeyError,
                lambda: TranscriptDAO(session).save(
                    TranscriptCreate(
                        model="whisper",
                        media_id="missing",
                        transcript="hi",
                        language="en",
                        language_confidence=0.9,
                    )
                ),
            ),
            (NotFound, lambda: GenerationDAO(session).mark_processing(uuid4())),
            (QueryNotFound, lambda: session.fetch_one("agents.users.no_such_query")),
            (ParameterError, lambda: session.fetch_one("agents.users.get")),
            (
                AlreadyExists,
                lambda: session.fetch_one(
                    "agents.users.insert",
                    **{**UserCreate(email="ada@x.com").model_dump(), "now": ada.created_at},
                ),
            ),
        ]
        for expected, call in refusals:
            with pytest.raises(expected):
                call()
            # After each one the session still works and still holds its writes.
            assert tasks.get(task.id) is not None
        users.create(UserCreate(email="last@x.com"))
    with store.session(readonly=True) as session:
        assert TaskDAO(session).get(task.id) is not None
        assert [h.id for h in WebhookDAO(session).for_event(None)] == [hook.id]
        assert GenerationDAO(session).count() == 1
        assert PromptDAO(session).get_by_text("kept") is not None
    assert _emails(store) == ["ada@x.com", "last@x.com"]


def test_a_refused_multi_statement_call_leaves_none_of_its_statements(store: Store) -> None:
    with store.session() as session:
        users = UserDAO(session)
        ada = users.create(UserCreate(email="ada@x.com"))
        orch = OrchestratorDAO(session).create(
            OrchestratorCreate(name="o", type="t", user_id=ada.id)
        )
        project = ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=orch.id))
        good = MessageCreate(project_id=project.id, user_id=ada.id, type="text", content={})
        bad = MessageCreate(project_id=project.id, user_id=uuid4(), type="text", content={})
        with pytest.raises(ForeignKeyError):
            MessageDAO(session).append_many([good, bad])  # the first row went in, then out
        assert MessageDAO(session).list(project.id) == []
        MessageDAO(session).append(good)
    with store.session(readonly=True) as session:
        assert [m.id for m in MessageDAO(session).list(project.id)] == [good.id]
    assert _emails(store) == ["ada@x.com"]


def test_a_refusal_inside_a_savepoint_and_after_one(store: Store) -> None:
    with store.session() as session:
        users = UserDAO(session)
        users.create(UserCreate(email="a@x.com"))
        with session.savepoint():
            users.create(UserCreate(email="b@x.com"))
            with pytest.raises(AlreadyExists):
                users.create(UserCreate(email="a@x.com"))
            users.create(UserCreate(email="c@x.com"))
        with pytest.raises(AlreadyExists):
            users.create(UserCreate(email="b@x.com"))
        with pytest.raises(ZeroDivisionError), session.savepoint():
            users.create(UserCreate(email="gone@x.com"))
            _ = 1 / 0
        users.create(UserCreate(email="d@x.com"))
    assert _emails(store) == ["a@x.com", "b@x.com", "c@x.com", "d@x.com"]


def test_a_refusal_as_the_first_call_of_a_session_or_savepoint(store: Store) -> None:
    with store.session() as session:
        UserDAO(session).create(UserCreate(email="a@x.com"))
    with store.session() as session:
        users = UserDAO(session)
        with pytest.raises(AlreadyExists):
            users.create(UserCreate(email="a@x.com"))
        with session.savepoint():
            with pytest.raises(AlreadyExists):
                users.create(UserCreate(email="a@x.com"))
            users.create(UserCreate(email="b@x.com"))
        users.create(UserCreate(email="c@x.com"))
    assert _emails(store) == ["a@x.com", "b@x.com", "c@x.com"]


def test_a_readonly_session_goes_on_after_a_refusal(store: Store) -> None:
    with store.session() as session:
        UserDAO(session).create(UserCreate(email="a@x.com"))
    with store.session(readonly=True) as session:
        users = UserDAO(session)
        assert users.get_by_email("a@x.com") is not None
        with pytest.raises(NotFound):
            VideoDAO(session).get_metadata("missing")
        with pytest.raises(QueryError):
            users.create(UserCreate(email="b@x.com"))  # a write, in a read-only session
        with pytest.raises(ParameterError):
            session.fetch_one("agents.users.get")
        assert users.get_by_email("a@x.com") is not None


@pytest.mark.parametrize("readonly", [False, True])
def test_a_session_used_after_its_block_refuses_every_call(store: Store, readonly: bool) -> None:
    with store.session(readonly=readonly) as session:
        users = UserDAO(session)
        batches = session.iterate("agents.users.list", limit=10, offset=0)
    calls = [
        lambda: users.create(UserCreate(email="ghost@x.com")),
        lambda: users.list(limit=10),
        lambda: session.fetch_one("agents.users.get_by_email", email="ghost@x.com"),
        lambda: session.execute("agents.users.delete", id=uuid4()),
        lambda: session.fetch_value("agents.users.list", limit=1, offset=0),
        lambda: session.savepoint().__enter__(),
        lambda: next(batches),
    ]
    for call in calls:
        with pytest.raises(SessionClosed):
            call()
    assert _emails(store) == []


def test_a_closed_session_never_joins_the_next_sessions_transaction(store: Store) -> None:
    with store.session() as old:
        users = UserDAO(old)
    # The next session gets the same pooled connection: the old one must not write into it.
    with pytest.raises(RuntimeError), store.session() as new:
        UserDAO(new).create(UserCreate(email="new@x.com"))
        with pytest.raises(SessionClosed):
            users.create(UserCreate(email="ghost@x.com"))
        raise RuntimeError("roll the new session back")
    assert _emails(store) == []


def test_a_closed_session_touches_no_connection(store: Store, sqlstore_url: str) -> None:
    other = connect(sqlstore_url)
    with other.session() as session:
        users = UserDAO(session)
    other.close()  # no connection left to touch
    with pytest.raises(SessionClosed):
        users.list(limit=1)


def _abort_next_statement(session: Session, store: Store) -> Callable[[], object]:
    """A call the database aborts the whole transaction for, the way each dialect does it."""
    if store.dialect.name == "postgresql":
        # The URL's statement_timeout (0.2 s) cancels it; PostgreSQL aborts the transaction.
        return lambda: session.fetch_value("notes.sleep", seconds=2)
    # SQLite rolls the whole transaction back when a write is interrupted.
    raw = session._conn.raw  # type: ignore[attr-defined]
    raw.set_progress_handler(lambda: 1, 1)

    def call() -> object:
        try:
            return UserDAO(session).create(UserCreate(email="interrupted@x.com"))
        finally:
            raw.set_progress_handler(None, 1)

    return call


@pytest.mark.sync_only  # its app store is a blocking one (tests/test_aio_transactions.py)
def test_an_aborted_transaction_is_never_committed(store: Store, sqlstore_url: str) -> None:
    url = with_query(sqlstore_url, "statement_timeout=0.2")
    with connect(url, sql_dirs=[APP / "sql"]) as app:
        with pytest.raises(TransactionAborted) as aborted, app.session() as session:
            users = UserDAO(session)
            users.create(UserCreate(email="before@x.com"))
            with pytest.raises(ConcurrencyError):
                _abort_next_statement(session, store)()
            for call in (
                lambda: users.create(UserCreate(email="after@x.com")),
                lambda: users.list(limit=1),
                lambda: session.savepoint().__enter__(),
            ):
                with pytest.raises(TransactionAborted) as later:
                    call()
                assert isinstance(later.value.first, ConcurrencyError)
            # The caller caught everything: leaving the block still says what happened.
        assert isinstance(aborted.value.first, ConcurrencyError)
        with app.session() as session:  # the connection went back to the pool clean
            UserDAO(session).create(UserCreate(email="next@x.com"))
    assert _emails(store) == ["next@x.com"]


@pytest.mark.postgresql_only
def test_a_session_that_failed_after_a_lost_connection_commits_nothing(
    store: Store, sqlstore_url: str
) -> None:
    with connect(sqlstore_url) as app, pytest.raises(TransactionAborted) as aborted:
        with app.session() as session:
            UserDAO(session).create(UserCreate(email="lost@x.com"))
            pid = session.fetch_value("catalog.backend_pid")
            with store.session() as admin:
                admin.fetch_value("catalog.terminate_backend", pid=pid)
            with pytest.raises(DatabaseUnavailable):
                UserDAO(session).list(limit=1)
            with pytest.raises(TransactionAborted):
                UserDAO(session).create(UserCreate(email="after@x.com"))
    assert isinstance(aborted.value.first, DatabaseUnavailable)
    assert _emails(store) == []


@pytest.mark.postgresql_only
@pytest.mark.sync_only  # reaches into the blocking connection (tests/test_aio_transactions.py)
def test_a_commit_the_server_would_answer_with_rollback_is_an_error(store: Store) -> None:
    # An error the session never saw (a statement sent past sqlstore) leaves
    # PostgreSQL's transaction aborted: COMMIT would be answered with ROLLBACK.
    with pytest.raises(TransactionAborted), store.session() as session:
        UserDAO(session).create(UserCreate(email="lost@x.com"))
        raw = session._conn.raw  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):
            raw.execute("SELECT 1 / 0")
    assert _emails(store) == []


def test_a_batch_refused_midway_leaves_the_connection_usable(store: Store) -> None:
    # psycopg pipelines a batch and prepares a statement on its fifth run; when an
    # early row is refused, the server skips the rest, PREPARE included. A later
    # run must not ask for a prepared statement the server never made.
    with store.session() as session:
        ada = UserDAO(session).create(UserCreate(email="ada@x.com"))
        orch = OrchestratorDAO(session).create(
            OrchestratorCreate(name="o", type="t", user_id=ada.id)
        )
        project = ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=orch.id))
        messages = MessageDAO(session)

        def batch(bad_at: int | None) -> list[MessageCreate]:
            return [
                MessageCreate(
                    project_id=project.id,
                    user_id=uuid4() if i == bad_at else ada.id,
                    type="text",
                    content={"i": i},
                )
                for i in range(8)
            ]

        for _ in range(3):
            with pytest.raises(ForeignKeyError):
                messages.append_many(batch(bad_at=1))
        kept = messages.append_many(batch(bad_at=None))
        messages.append(batch(bad_at=None)[0])
    with store.session(readonly=True) as session:
        stored = MessageDAO(session).list(project.id, limit=100)
    assert [m.id for m in stored[:8]] == [m.id for m in kept]
    assert len(stored) == 9


def test_a_refused_batch_is_raised_and_logs_nothing(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # psycopg logs "error ignored terminating <Pipeline>" when a pipelined batch
    # fails; the refusal itself reaches the caller, so that line is noise.
    tasks = [TaskCreate(endpoint="/e", data={"i": i}) for i in range(6)]
    with store.session() as session:
        TaskDAO(session).add(tasks[3])
    for _ in range(3):
        with caplog.at_level(logging.WARNING), store.session() as session:
            with pytest.raises(AlreadyExists):
                TaskDAO(session).add_many(tasks)
        assert [r.getMessage() for r in caplog.records if r.name.startswith("psycopg")] == []
    with store.session(readonly=True) as session:
        assert TaskDAO(session).get(tasks[0].id) is None
        assert TaskDAO(session).get(tasks[3].id) is not None
