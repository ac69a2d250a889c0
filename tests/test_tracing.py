"""What ran: each statement tagged with its query, the sqlstore.sql log, OpenTelemetry spans."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr

import sqlstore
import sqlstore.aio
import sqlstore.aio.dao as aio_dao
from sqlstore import Store
from sqlstore._traced import TracedConnection
from sqlstore.dao import AuthTokenDAO, TaskDAO, UserDAO
from sqlstore.errors import AlreadyExists, ConfigError
from sqlstore.models import AuthTokenCreate, TaskCreate, UserCreate
from sqlstore.queries import tag, tagged_name
from tests.helpers import APP

CONFIG: dict[str, Any] = {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}
SECRET = "hunter2-token-value"
URL_SECRET = "pa55w0rd-in-a-url"
LIST = {"user_id": None, "status": None, "limit": 10, "offset": 0}


def _with_option(url: str, option: str) -> str:
    return url + ("&" if "?" in url else "?") + option


def exercise(url: str, api: str, **connect: Any) -> UUID:
    """The same statements through ``Store`` or ``AsyncStore``; return the task's id.

    An insert, a get, a get of nothing, a list, a stream, a batch insert, a
    refused insert (AlreadyExists), a user and the user's secret token.
    """
    task = TaskCreate(endpoint=f"postgresql://app:{URL_SECRET}@db/x", data={"n": 1})
    if api == "sync":
        with sqlstore.connect(url, **CONFIG, **connect) as store, store.session() as s:
            tasks = TaskDAO(s)
            tasks.add(task)
            tasks.get(task.id)
            tasks.get(uuid4())
            s.fetch_all("tasks.list", **LIST)
            assert sum(len(b) for b in s.iterate("tasks.list", batch_size=1, **LIST)) >= 1
            tasks.add_many([TaskCreate(endpoint="/a"), TaskCreate(endpoint="/b")])
            with pytest.raises(AlreadyExists):
                tasks.add(task)
            user = UserDAO(s).create(UserCreate(email=f"{uuid4().hex}@example.com"))
            AuthTokenDAO(s).create(
                AuthTokenCreate(user_id=user.id, refresh_token=SecretStr(SECRET))
            )
        return task.id

    async def run() -> None:
        store = sqlstore.aio.connect(url, **CONFIG, **connect)
        try:
            async with store.session() as s:
                tasks = aio_dao.TaskDAO(s)
                await tasks.add(task)
                await tasks.get(task.id)
                await tasks.get(uuid4())
                await s.fetch_all("tasks.list", **LIST)
                streamed = [b async for b in s.iterate("tasks.list", batch_size=1, **LIST)]
                assert sum(len(b) for b in streamed) >= 1
                await tasks.add_many([TaskCreate(endpoint="/a"), TaskCreate(endpoint="/b")])
                with pytest.raises(AlreadyExists):
                    await tasks.add(task)
                user = await aio_dao.UserDAO(s).create(
                    UserCreate(email=f"{uuid4().hex}@example.com")
                )
                await aio_dao.AuthTokenDAO(s).create(
                    AuthTokenCreate(user_id=user.id, refresh_token=SecretStr(SECRET))
                )
        finally:
            await store.close()

    asyncio.run(run())
    return task.id


def sql_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sqlstore.sql"]


# --- the tag -----------------------------------------------------------------------------


def test_a_tag_names_its_query_and_reads_back() -> None:
    assert tag("generations.generations.get") == "/* sqlstore:generations.generations.get */ "
    assert tagged_name(tag("tasks.get") + "SELECT 1") == "tasks.get"
    # Nothing of a file name can end the comment or look like a psycopg placeholder.
    assert tag("odd name%s*/x") == "/* sqlstore:odd_name_s__x */ "
    assert tagged_name("SELECT 1") is None
    assert tagged_name("/* other */ SELECT 1") is None


def test_every_statement_sent_starts_with_its_tag(store: Store) -> None:
    with store.session() as s:
        TaskDAO(s).add(TaskCreate(endpoint="/e"))
        TaskDAO(s).add_many([TaskCreate(endpoint="/f")])
    for query in store.registry:
        assert query.sql.startswith(f"/* sqlstore:{query.name} */ "), query.name
    for name in ("tasks.insert", "tasks.insert_many"):
        plan = store.registry.get(name).plan
        assert plan is not None and plan.sql.startswith(tag(name)), name


@pytest.mark.postgresql_only
def test_the_server_sees_the_tag_and_prepares_the_tagged_text(store: Store) -> None:
    import psycopg

    with store.session() as s:
        task = TaskDAO(s).add(TaskCreate(endpoint="/e"))
        # psycopg prepares a statement from its fifth run (prepare_threshold).
        for _ in range(6):
            assert TaskDAO(s).get(task.id) == task
        raw = s._conn.raw  # type: ignore[attr-defined]
        prepared = [r[0] for r in raw.execute("SELECT statement FROM pg_prepared_statements")]
        assert any(text.startswith(tag("tasks.get")) for text in prepared), prepared
        TaskDAO(s).get(task.id)
        pid = raw.info.backend_pid
        url = store.settings.url.render(hide_password=False)
        with psycopg.connect(url) as other:
            row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert tagged_name(row.fetchone()[0]) == "tasks.get"


# --- the log ------------------------------------------------------------------------------


@pytest.mark.parametrize("api", ["sync", "aio"])
def test_the_debug_logger_logs_every_statement(
    sqlstore_url: str, api: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlstore.sql")
    task_id = exercise(sqlstore_url, api)
    records = sql_records(caplog)
    by_query: dict[str, list[logging.LogRecord]] = {}
    for record in records:
        assert record.levelno == logging.DEBUG
        by_query.setdefault(record.sql_query, []).append(record)  # type: ignore[attr-defined]
    assert {"tasks.insert", "tasks.get", "tasks.list", "agent_auth.auth_tokens.insert"} <= set(
        by_query
    )
    got, missing = by_query["tasks.get"]
    listed, streamed = by_query["tasks.list"]
    assert listed.rows == streamed.rows == 1  # type: ignore[attr-defined]
    assert got.rows == 1 and missing.rows == 0  # type: ignore[attr-defined]
    assert got.sql_file.endswith("sql/tasks/get.sql")  # type: ignore[attr-defined]
    assert got.duration_ms > 0  # type: ignore[attr-defined]
    assert got.getMessage().startswith("tasks.get: 1 row in ")
    assert "sql/tasks/get.sql" in got.getMessage()
    assert by_query["tasks.insert_many"][0].rows == 2  # type: ignore[attr-defined]
    refused = by_query["tasks.insert"][-1]
    assert "failed (AlreadyExists)" in refused.getMessage()
    # No value is shown unless asked for.
    text = "\n".join(r.getMessage() for r in records)
    assert str(task_id) not in text and URL_SECRET not in text and SECRET not in text


@pytest.mark.parametrize("api", ["sync", "aio"])
def test_echo_logs_whatever_the_level_and_shows_values_only_when_asked(
    sqlstore_url: str, api: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The logger is left at its default (WARNING from the root): nothing is logged...
    exercise(sqlstore_url, api)
    assert sql_records(caplog) == []
    # ...unless echo asks for it.
    task_id = exercise(sqlstore_url, api, echo=True)
    records = sql_records(caplog)
    assert records and all(r.levelno == logging.DEBUG for r in records)
    assert str(task_id) not in "\n".join(r.getMessage() for r in records)
    caplog.clear()
    task_id = exercise(_with_option(sqlstore_url, "echo=params"), api)
    text = "\n".join(r.getMessage() for r in sql_records(caplog))
    assert f"id=UUID('{task_id}')" in text
    # A password in a value is redacted; a secret parameter is never shown.
    assert "postgresql://app:***@db/x" in text and URL_SECRET not in text
    assert "refresh_token=***" in text and SECRET not in text


@pytest.mark.parametrize("api", ["sync", "aio"])
def test_slow_statements_are_warnings(
    sqlstore_url: str, api: str, caplog: pytest.LogCaptureFixture
) -> None:
    exercise(_with_option(sqlstore_url, "slow_query_ms=0"), api)
    records = sql_records(caplog)
    assert records and all(r.levelno == logging.WARNING for r in records)
    assert records[0].getMessage().startswith("slow statement (over 0 ms): tasks.insert: 1 row")
    caplog.clear()
    exercise(_with_option(sqlstore_url, "slow_query_ms=60000"), api)
    assert sql_records(caplog) == []


def test_bad_settings_are_config_errors(sqlstore_url: str) -> None:
    with pytest.raises(ConfigError, match="slow_query_ms"):
        sqlstore.connect(_with_option(sqlstore_url, "slow_query_ms=-1"))
    with pytest.raises(ConfigError, match="echo"):
        sqlstore.connect(_with_option(sqlstore_url, "echo=loud"))
    with pytest.raises(ConfigError, match="echo"):
        sqlstore.connect(sqlstore_url, echo="loud")


def test_a_session_with_nothing_to_record_runs_the_bare_connection(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with store.session() as s:
        assert not isinstance(s._conn, TracedConnection)
    caplog.set_level(logging.DEBUG, logger="sqlstore.sql")
    with store.session() as s:
        assert isinstance(s._conn, TracedConnection)


def test_sqlstore_imports_neither_opentelemetry_nor_logging_by_itself(tmp_path: Any) -> None:
    script = (
        "import sys, sqlstore\n"
        f"store = sqlstore.connect('sqlite:///{tmp_path}/x.db')\n"
        "with store.session() as s:\n"
        "    s.fetch_all('catalog.tables')\n"
        "assert 'opentelemetry' not in sys.modules, 'opentelemetry imported'\n"
        "assert 'logging' not in sys.modules, 'logging imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- spans ----------------------------------------------------------------------------------


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """A tracer provider of the SDK as the app's global one, its spans kept in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # set_tracer_provider works once per process; the global is restored after the test.
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", provider)
    yield exporter
    provider.shutdown()


@pytest.mark.parametrize("api", ["sync", "aio"])
def test_one_span_per_statement_named_by_query_without_values(
    sqlstore_url: str, sqlstore_dialect: str, api: str, spans: InMemorySpanExporter
) -> None:
    task_id = exercise(sqlstore_url, api)
    finished = spans.get_finished_spans()
    names = [s.name for s in finished]
    assert names[:5] == ["tasks.insert", "tasks.get", "tasks.get", "tasks.list", "tasks.list"]
    assert "tasks.insert_many" in names and "agent_auth.auth_tokens.insert" in names
    get = finished[1]
    assert get.kind == trace.SpanKind.CLIENT
    assert get.attributes is not None
    assert get.attributes["db.system"] == sqlstore_dialect
    assert get.attributes["sqlstore.query"] == "tasks.get"
    assert get.attributes["sqlstore.rows"] == 1
    assert str(get.attributes["code.filepath"]).endswith("sql/tasks/get.sql")
    assert str(get.attributes["db.statement"]).startswith(tag("tasks.get"))
    refused = [s for s in finished if s.name == "tasks.insert"][-1]
    assert refused.status.status_code == trace.StatusCode.ERROR
    values = " ".join(str(v) for s in finished for v in (s.attributes or {}).values())
    assert str(task_id) not in values and SECRET not in values and URL_SECRET not in values
