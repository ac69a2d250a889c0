"""No password in any error message, log line, repr or CLI output.

The URLs here carry a distinctive password. The local server trusts its
clients, so a password is accepted (and ignored): that gives a working store
whose URL holds one. Everything the library says is collected (messages,
reprs, whole tracebacks with their causes, log records of sqlstore, psycopg,
psycopg_pool and yoyo at DEBUG, and the ``sqlstore`` command's output) and
scanned for the password, raw or percent-encoded.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import sqlstore
import sqlstore.aio
from sqlstore import Store
from sqlstore.config import DatabaseURL, resolve
from sqlstore.dao import GenerationDAO
from sqlstore.errors import SqlstoreError
from tests.factories import new_generation
from tests.helpers import scratch_database

MARK = "ZQ9XLEAKPW"
#: Characters that URLs must escape, around a mark that no message has by chance.
SECRET = f"s3:cr/e@t {MARK}?#%"
QUOTED = quote(SECRET, safe="")
LOGGERS = ("sqlstore", "psycopg", "psycopg.pool", "yoyo")
ROOT = Path(__file__).resolve().parent.parent


class Said:
    """Everything sqlstore said during a test, to be scanned."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: object) -> None:
        self.texts.append((where, str(text)))

    def error(self, where: str, call: Callable[[], object]) -> BaseException:
        """Run ``call``, which must fail; keep its message, repr and whole traceback."""
        try:
            call()
        except Exception as exc:
            self.add(f"{where}: str", exc)
            self.add(f"{where}: repr", repr(exc))
            self.add(f"{where}: traceback", "".join(traceback.format_exception(exc)))
            return exc
        raise AssertionError(f"{where}: no error")

    def leaks(self) -> list[str]:
        marks = (MARK, SECRET, QUOTED, MARK.lower())
        return [
            f"{where}: {text[:300]}" for where, text in self.texts if any(m in text for m in marks)
        ]


@pytest.fixture
def said(caplog: pytest.LogCaptureFixture) -> Iterator[Said]:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    found = Said()
    yield found
    for record in caplog.records:
        found.add(f"log {record.name}", record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            found.add(
                f"log {record.name} exc", "".join(traceback.format_exception(record.exc_info[1]))
            )
    leaks = found.leaks()
    assert not leaks, "password leaked:\n" + "\n".join(leaks)
    assert found.texts, "nothing was collected"


def with_password(url: str) -> str:
    """``url`` with SECRET as its password (the user stays)."""
    parsed = resolve(url).url
    user = parsed.username or "postgres"
    return DatabaseURL(
        "postgresql", parsed.database, user, SECRET, parsed.host, parsed.port, parsed.options
    ).render(hide_password=False)


@pytest.fixture
def secret_url(sqlstore_postgres_server: str) -> Iterator[str]:
    """A fresh database on the test server, reached by a URL that holds SECRET."""
    with scratch_database(sqlstore_postgres_server, prefix="sqlstore_leak") as url:
        yield with_password(url)


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    """The ``sqlstore`` command's exit status and output, run as its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "sqlstore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def cli_here(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The same, run in this process (faster, for the many refused URLs)."""
    from sqlstore.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return f"exit {code}\n{out}\n{err}"


def test_a_working_store_never_shows_its_password(secret_url: str, said: Said) -> None:
    assert SECRET in secret_url or QUOTED in secret_url
    with sqlstore.connect(secret_url) as store:
        said.add("applied", store.migrate())
        for thing in (store, store.settings, store.settings.url, store.dialect, store.migrator):
            said.add("repr", repr(thing))
            said.add("str", str(thing))
        said.add("url", store.url)
        said.add("status", store.migration_status())
        gen = new_generation()
        with store.session() as session:
            said.add("created", GenerationDAO(session).create(gen))
        said.error("duplicate", lambda: _in_session(store, lambda s: GenerationDAO(s).create(gen)))
        said.error(
            "bad value",
            lambda: _in_session(
                store, lambda s: s.fetch_all("generations.generations.get", id="x")
            ),
        )
        said.error("no query", lambda: _in_session(store, lambda s: s.fetch_all("nope.nope")))
        said.error(
            "parameter",
            lambda: _in_session(store, lambda s: s.fetch_all("generations.generations.get")),
        )
        said.error("lost connection", lambda: _terminated(store, secret_url))
        with store.session() as session:  # and it reconnects, still quietly
            said.add("count", GenerationDAO(session).count())
        store.migrator.break_lock()
        said.add("rolled back", store.rollback(None))


def _in_session(store: Store, work: Callable[[sqlstore.Session], object]) -> None:
    with store.session() as session:
        work(session)


def _terminated(store: Store, url: str) -> None:
    with sqlstore.connect(url) as admin, store.session() as session:
        pid = session.fetch_value("catalog.backend_pid")
        with admin.session() as other:
            other.fetch_value("catalog.terminate_backend", pid=pid)
        GenerationDAO(session).count()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:{QUOTED}@127.0.0.1:1/nodb?connect_timeout=1",
        f"postgresql://postgres:{QUOTED}@127.0.0.1:5432/no_such_database_{uuid.uuid4().hex}",
        f"postgresql://postgres:{QUOTED}@no-such-host.invalid:5432/db?connect_timeout=1",
        f"postgresql://postgres:{QUOTED}@127.0.0.1:99999/db",
        f"postgresql://postgres:{QUOTED}@127.0.0.1:port/db",
        f"postgresql://postgres:{QUOTED}@/",
        f"postgresql://postgres:{QUOTED}@127.0.0.1/db?pool_size=lots",
        f"mysql://postgres:{QUOTED}@127.0.0.1/db",
        # Written by hand, unescaped: still no password in the error.
        f"postgresql://postgres:{SECRET}@127.0.0.1:1/db?connect_timeout=1",
        f"postgresql://postgres:ab/cd{MARK}@127.0.0.1:1/db?connect_timeout=1",
        f"postgresql://postgres:ab@cd{MARK}@127.0.0.1:1/db?connect_timeout=1",
        f"postgresql://postgres@127.0.0.1:1/db?connect_timeout=1&password={MARK}",
    ],
)
def test_refused_urls_never_show_the_password(
    url: str, said: Said, capsys: pytest.CaptureFixture[str]
) -> None:
    said.error("connect", lambda: sqlstore.connect(url))
    said.add("cli", cli_here(capsys, "--database", url, "status"))


def test_a_store_never_shows_its_replicas_passwords(secret_url: str, said: Said) -> None:
    """Replica URLs holding SECRET (unreachable: each is logged down): repr and logs hide it."""
    parsed = resolve(secret_url).url
    replicas = [
        with_password(f"postgresql://app@127.0.0.1:1/{parsed.database}"),
        DatabaseURL(
            "postgresql", "r2", "app", None, "127.0.0.1", 2, (("password", SECRET),)
        ).render(hide_password=False),
    ]
    with sqlstore.connect(secret_url, replicas=replicas) as store:
        said.add("store", repr(store))
        said.add("settings", repr(store.settings))
        assert repr(store).count("***") == 3 and "127.0.0.1:2/r2" in repr(store)
    app = sqlstore.aio.connect(secret_url, replicas=replicas)
    said.add("async store", repr(app))


def test_a_password_option_is_hidden_everywhere(secret_url: str, said: Said) -> None:
    """A password given as a libpq query option is hidden too."""
    parsed = resolve(secret_url).url
    url = DatabaseURL(
        "postgresql",
        parsed.database,
        parsed.username,
        None,
        parsed.host,
        parsed.port,
        (*parsed.options, ("password", SECRET)),
    ).render(hide_password=False)
    assert MARK in url
    with sqlstore.connect(url) as store:
        said.add("store", repr(store))
        said.add("settings", repr(store.settings))
        said.add("url", str(store.settings.url))
        with store.session() as session:
            said.add("tables", session.fetch_all("catalog.tables"))
        said.error("no table", lambda: _in_session(store, lambda s: GenerationDAO(s).count()))
        said.error("no query", lambda: _in_session(store, lambda s: s.fetch_all("nope.nope")))


def test_environment_configurations_never_show_the_password(said: Said) -> None:
    db_config = json.dumps(
        {
            "datastore_type": "postgresql",
            "datastore_config": {
                "host": "127.0.0.1",
                "port": 1,
                "user": "app",
                "password": SECRET,
                "database": "media",
            },
            "connection_timeout": 1,
        }
    )
    agent = {
        "DB_DRIVER": "postgresql",
        "DB_USERNAME": "app",
        "DB_PASSWORD": SECRET,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "1",
        "DB_DATABASE": "agents",
    }
    for name, env in (("DB_CONFIG", {"DB_CONFIG": db_config}), ("DB_*", agent)):
        settings = resolve(None, env=env)
        said.add(f"{name} settings", repr(settings))
        said.add(f"{name} url", settings.url)
        said.error(f"{name} connect", lambda s=settings: Store(s))  # type: ignore[misc]
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_URL"))}
        said.add(f"{name} cli", cli("status", env={**clean, **env, "DATABASE_URL": ""}))


def test_the_cli_never_shows_the_password(
    secret_url: str, said: Said, capsys: pytest.CaptureFixture[str]
) -> None:
    said.add("migrate", cli("--database", secret_url, "migrate"))
    said.add("env status", cli("status", env={"DATABASE_URL": secret_url}))
    said.add("demo", cli("--database", secret_url, "demo"))
    said.add("break-lock", cli_here(capsys, "--database", secret_url, "break-lock"))
    said.add("rollback", cli_here(capsys, "--database", secret_url, "rollback", "--steps", "99"))
    said.add("bad flag", cli_here(capsys, "--database", secret_url, "rollback", "--steps", "0"))
    said.add("status", cli_here(capsys, "--database", secret_url, "status"))
    assert any("applied" in text for _, text in said.texts)


def test_a_failed_migration_never_shows_the_password(
    secret_url: str, said: Said, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations" / "postgresql"
    folder.mkdir(parents=True)
    (folder / "0001_broken.postgresql.sql").write_text("-- broken\nCREATE TABLE (;\n")
    (folder / "0001_broken.postgresql.rollback.sql").write_text("-- undo\nSELECT 1;\n")
    with sqlstore.connect(secret_url, migration_dirs=[tmp_path / "migrations"]) as store:
        exc = said.error("migrate", store.migrate)
    assert isinstance(exc, SqlstoreError)


# Generated passwords: any characters, written wherever a password can be given.
# Each is three marks with generated text between them, so that any piece of it
# shown (its head, its tail, or the middle) shows a mark.
MARKS = ("QXPWHEAD", "QXPWMIDDLE", "QXPWTAIL")
_ANY = st.characters(blacklist_categories=("Cs",))


@st.composite
def generated_passwords(draw: st.DrawFn) -> str:
    """A password of any characters, with the marks at its start, middle and end."""
    head, tail = draw(st.text(_ANY, max_size=6)), draw(st.text(_ANY, max_size=6))
    return f"{MARKS[0]}{head}{MARKS[1]}{tail}{MARKS[2]}"


def _shown(call: Callable[[], object]) -> str:
    """What a failing call says: message, repr and the whole traceback with its causes."""
    try:
        call()
    except Exception as exc:
        return f"{exc}\n{exc!r}\n" + "".join(traceback.format_exception(exc))
    raise AssertionError("no error")


def _assert_hidden(where: str, text: str) -> None:
    shown = [m for m in MARKS if m.lower() in text.lower()]
    assert not shown, f"{where}: password shown ({', '.join(shown)}):\n{text[:800]}"


_TYPED = "URL user info, as typed"
_PLACES = {
    "URL user info, escaped": "postgresql://app:{quoted}@127.0.0.1:{port}/db?connect_timeout=1",
    "URL user info, as typed": "postgresql://app:{raw}@127.0.0.1:{port}/db?connect_timeout=1",
    "?password=, escaped": "postgresql://app@127.0.0.1:{port}/db?password={quoted}&connect_timeout=1",
    "?password=, as typed": "postgresql://app@127.0.0.1:{port}/db?password={raw}&connect_timeout=1",
    "?password= and a bad setting": "postgresql://app@127.0.0.1:1/db?password={raw}&pool_size=many",
}


@settings(max_examples=300, deadline=None)
@given(
    password=generated_passwords(),
    place=st.sampled_from(sorted(_PLACES)),
    port=st.sampled_from(["1", "port"]),
)
# An unescaped '/' ends the user info early: the rest was once the database name.
@example(password=f"{MARKS[0]}@{MARKS[1]}/{MARKS[2]}", place=_TYPED, port="1")
@example(password=f"{MARKS[0]}:5432/{MARKS[1]}{MARKS[2]}", place=_TYPED, port="1")
@example(password=f"5432/{MARKS[0]}?{MARKS[1]}{MARKS[2]}", place=_TYPED, port="1")
def test_generated_passwords_in_urls_are_never_shown(password: str, place: str, port: str) -> None:
    """Refused URLs (bad port, unreachable server, bad setting): nothing of the password shows.

    Typed as it is into a query string, a password cannot hold ``&``: the URL
    then means another option (``?password=a&b=c`` is ``b=c``), which no
    redaction can tell from one the user meant.
    """
    assume(not (place.startswith("?password=") and "typed" in place and "&" in password))
    assume(not (place.endswith("bad setting") and "&" in password))
    url = _PLACES[place].format(raw=password, quoted=quote(password, safe=""), port=port)
    _assert_hidden(place, _shown(lambda: sqlstore.connect(url)))
    try:
        _assert_hidden(f"{place} repr", repr(resolve(url)))
    except SqlstoreError as exc:
        _assert_hidden(f"{place} resolve", str(exc))


@settings(max_examples=200, deadline=None)
@given(password=generated_passwords(), port=st.sampled_from(["1", "x"]))
def test_generated_passwords_in_the_environment_are_never_shown(password: str, port: str) -> None:
    """DB_PASSWORD and DB_CONFIG take the password as it is, any characters."""
    agent = {
        "DB_DRIVER": "postgresql",
        "DB_USERNAME": "app",
        "DB_PASSWORD": password,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": port,
        "DB_DATABASE": "agents",
    }
    media = {
        "DB_CONFIG": json.dumps(
            {
                "datastore_type": "postgresql",
                "datastore_config": {
                    "host": "127.0.0.1",
                    "port": port,
                    "user": "app",
                    "password": password,
                    "database": "media",
                },
                "connection_timeout": 1,
            }
        )
    }
    for name, env in (("DB_PASSWORD", agent), ("DB_CONFIG", media)):
        _assert_hidden(name, _shown(lambda env=env: Store(resolve(None, env=env))))  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(password=generated_passwords())
def test_generated_passwords_in_driver_texts_are_hidden(password: str) -> None:
    """Connection strings as psycopg writes them (libpq quoting), in a driver error's text.

    (A NUL cannot be in a libpq string: the URLs above are refused for it.)
    """
    assume("\x00" not in password)
    import psycopg

    from sqlstore.config import redact
    from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped

    conninfo = psycopg.conninfo.make_conninfo("", host="db", user="app", password=password)
    url = f"postgresql://app:{quote(password, safe='')}@db/app"
    for text in (conninfo, f"could not connect with {conninfo}", f"bad URL {url}: refused"):
        _assert_hidden("redact", redact(text))
        try:
            _raise_mapped(psycopg.OperationalError(text), None)
        except SqlstoreError as exc:  # its message and repr; the driver's own is its cause
            _assert_hidden("mapped", f"{exc}\n{exc!r}")
