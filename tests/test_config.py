"""Where the database is: URL, DATABASE_URL, DB_CONFIG, DB_* variables, default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sqlstore
import sqlstore.aio
from sqlstore.config import DEFAULT_URL, DatabaseURL, resolve
from sqlstore.dao import GenerationDAO
from sqlstore.errors import ConfigError
from tests.factories import new_generation

SECRET = "s3cr3t-pa55"


def test_default_is_embedded_sqlite() -> None:
    settings = resolve(None, env={})
    assert settings.url.dialect == "sqlite"
    assert str(settings.url) == DEFAULT_URL


def test_explicit_url_wins_over_environment() -> None:
    env = {"DATABASE_URL": "postgresql://u@h/db"}
    assert resolve("sqlite:///x.db", env=env).url.database == "x.db"
    assert resolve(None, env=env).url.host == "h"


def test_database_url_wins_over_db_config_and_db_vars() -> None:
    env = {
        "DATABASE_URL": "sqlite:///from-url.db",
        "DB_CONFIG": json.dumps({"datastore_type": "sqlite", "datastore_config": {"path": "x"}}),
    }
    assert resolve(None, env=env).url.database == "from-url.db"


def test_db_config_postgresql_and_its_tuning() -> None:
    config = {
        "datastore_type": "postgresql",
        "datastore_config": {
            "host": "db.internal",
            "port": 6543,
            "user": "app",
            "password": SECRET,
            "database": "media",
        },
        "pool_size": 7,
        "max_overflow": 3,
        "query_timeout": 5,
        "connection_timeout": 2,
    }
    settings = resolve(None, env={"DB_CONFIG": json.dumps(config)})
    url = settings.url
    assert (url.dialect, url.host, url.port, url.username, url.password, url.database) == (
        "postgresql",
        "db.internal",
        6543,
        "app",
        SECRET,
        "media",
    )
    assert (settings.pool_size, settings.max_overflow) == (7, 3)
    assert (settings.statement_timeout, settings.connect_timeout) == (5, 2)
    assert SECRET not in repr(settings) and SECRET not in str(url)


def test_defaults_are_the_media_sdks() -> None:
    settings = resolve("postgresql://u@h/d")
    assert (settings.pool_size, settings.max_overflow, settings.pool_recycle) == (5, 10, 3600)
    assert (settings.statement_timeout, settings.connect_timeout) == (30, 10)
    recycled = {"datastore_type": "postgresql", "datastore_config": {}, "pool_recycle": 60}
    assert resolve(None, env={"DB_CONFIG": json.dumps(recycled)}).pool_recycle == 60


@pytest.mark.postgresql_only
def test_the_pool_is_sized_by_the_settings(sqlstore_url: str) -> None:
    from sqlstore.dialects.postgresql import PostgreSQLDialect

    tuned = f"{sqlstore_url}{'&' if '?' in sqlstore_url else '?'}pool_size=2&max_overflow=1"
    with sqlstore.connect(f"{tuned}&pool_recycle=60") as store:
        assert isinstance(store.dialect, PostgreSQLDialect)
        assert (store.dialect.pool.max_size, store.dialect.pool.max_lifetime) == (3, 60)
    with sqlstore.connect(sqlstore_url) as store:
        assert isinstance(store.dialect, PostgreSQLDialect)
        assert (store.dialect.pool.max_size, store.dialect.pool.max_lifetime) == (15, 3600)


def _sdk_config(path: str) -> dict[str, str]:
    return {
        "DB_CONFIG": json.dumps({"datastore_type": "sqlite", "datastore_config": {"path": path}})
    }


def test_db_config_sqlite_path_is_the_database_file_as_the_sdk_opens_it(tmp_path: Path) -> None:
    # The SDK opens sqlite:///{path}: /var/lib/aana_data is the database file.
    assert resolve(None, env=_sdk_config("/var/lib/aana_data")).url.database == (
        "/var/lib/aana_data"
    )
    existing = tmp_path / "aana_data"  # an SDK database: a file with no extension
    with sqlstore.connect(f"sqlite:///{existing}") as store:
        store.migrate()
        with store.session() as session:
            GenerationDAO(session).create(new_generation())
    with sqlstore.Store(resolve(None, env=_sdk_config(str(existing)))) as store:
        assert store.settings.url.path == existing
        with store.session() as session:
            assert GenerationDAO(session).count() == 1


def test_db_config_sqlite_folder_holds_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    assert resolve(None, env=_sdk_config(str(folder))).url.path == folder / "sqlstore.db"
    # A path ending in a separator is a folder too, made when the store opens.
    later = f"{tmp_path / 'later'}/"
    assert resolve(None, env=_sdk_config(later)).url.path == tmp_path / "later" / "sqlstore.db"


def test_db_vars_complete_set_means_postgresql() -> None:
    env = {
        "DB_DRIVER": "postgresql+psycopg",
        "DB_USERNAME": "u",
        "DB_PASSWORD": SECRET,
        "DB_HOST": "h",
        "DB_PORT": "5433",
        "DB_DATABASE": "agents",
    }
    url = resolve(None, env=env).url
    assert (url.dialect, url.port, url.database, url.password) == (
        "postgresql",
        5433,
        "agents",
        SECRET,
    )


@pytest.mark.parametrize("empty", ["DB_PASSWORD", "DB_USERNAME"])
def test_db_vars_empty_credentials_are_values_not_missing(empty: str) -> None:
    env = {
        "DB_DRIVER": "postgresql+psycopg",
        "DB_USERNAME": "u",
        "DB_PASSWORD": SECRET,
        "DB_HOST": "h",
        "DB_PORT": "5433",
        "DB_DATABASE": "agents",
        empty: "",
    }
    url = resolve(None, env=env).url
    assert (url.dialect, url.host, url.database) == ("postgresql", "h", "agents")
    if empty == "DB_PASSWORD":
        assert (url.username, url.password) == ("u", "")
        assert str(url) == "postgresql://u:***@h:5433/agents"
    else:  # the password is kept with an empty user name, and hidden
        assert (url.username, url.password) == (None, SECRET)
        assert url.render(hide_password=False) == f"postgresql://:{SECRET}@h:5433/agents"
        assert SECRET not in repr(url)


def test_db_vars_with_an_empty_password_open_a_trust_auth_server(
    sqlstore_postgres_server: str,
) -> None:
    server, _ = DatabaseURL.parse(sqlstore_postgres_server)
    env = {
        "DB_DRIVER": "postgresql+psycopg",
        "DB_USERNAME": server.username or "",
        "DB_PASSWORD": "",  # trust auth, as a .env file writes it
        "DB_HOST": server.host or "localhost",
        "DB_PORT": str(server.port or 5432),
        "DB_DATABASE": server.database,
    }
    with sqlstore.Store(resolve(None, env=env)) as store:
        assert store.settings.url.dialect == "postgresql"
        with store.session(readonly=True) as session:
            assert session.fetch_value("catalog.backend_pid") > 0


@pytest.mark.parametrize("missing", ["DB_HOST", "DB_PASSWORD", "DB_USERNAME"])
def test_db_vars_incomplete_fall_back_to_sqlite(missing: str) -> None:
    env = {
        "DB_DRIVER": "postgresql",
        "DB_USERNAME": "u",
        "DB_PASSWORD": "p",
        "DB_HOST": "h",
        "DB_PORT": "5432",
        "DB_DATABASE": "d",
    }
    del env[missing]
    assert resolve(None, env=env).url.dialect == "sqlite"


def test_db_vars_port_zero_falls_back_to_sqlite() -> None:
    env = {
        "DB_DRIVER": "postgresql",
        "DB_USERNAME": "u",
        "DB_PASSWORD": "p",
        "DB_HOST": "h",
        "DB_PORT": "0",
        "DB_DATABASE": "d",
    }
    assert resolve(None, env=env).url.dialect == "sqlite"


def test_url_tuning_options() -> None:
    settings = resolve("postgresql://u@h/d?pool_size=2&statement_timeout=0&sslmode=disable")
    assert settings.pool_size == 2 and settings.statement_timeout == 0
    assert settings.url.options == (("sslmode", "disable"),)


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://root:{SECRET}@h/db",
        f"postgresql://root:{SECRET}@h:notaport/db",
        f"postgresql://root:{SECRET}@h:5432/",
        f"postgresql://root:{SECRET}@h/db?pool_size=many",
        "nonsense",
    ],
)
def test_bad_url_is_config_error_without_password(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(url)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


def test_bad_db_config_is_config_error() -> None:
    with pytest.raises(ConfigError, match="not valid JSON"):
        resolve(None, env={"DB_CONFIG": "{nope"})
    with pytest.raises(ConfigError, match="datastore_type"):
        resolve(None, env={"DB_CONFIG": '{"datastore_type": "oracle"}'})


def test_unreachable_postgresql_is_config_error_without_password() -> None:
    with pytest.raises(ConfigError) as info:
        sqlstore.connect(f"postgresql://nobody:{SECRET}@127.0.0.1:1/none?connect_timeout=1")
    assert SECRET not in str(info.value)
    assert "***" in str(info.value)


def test_default_sqlite_folder_is_created(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DB_CONFIG", raising=False)
    monkeypatch.delenv("DB_DRIVER", raising=False)
    with sqlstore.connect() as store:
        assert store.url == DEFAULT_URL
    assert (tmp_path / "data" / "sqlstore.db").exists()


def test_store_repr_hides_password(sqlstore_postgres_server: str) -> None:
    settings = resolve(sqlstore_postgres_server)
    url = settings.url.render(hide_password=False)
    with sqlstore.connect(url) as store:
        assert "***" in repr(store) or settings.url.password is None
        if settings.url.password:
            assert settings.url.password not in repr(store)


def test_store_repr_shows_its_replicas_without_passwords(
    sqlstore_postgres_server: str, tmp_path: Path
) -> None:
    primary = resolve(sqlstore_postgres_server).url
    # Unreachable: each is logged down at connect, then skipped; a repr needs none of them.
    replicas = [
        "postgresql://app:Rep1icaPw@127.0.0.1:1/media",
        "postgresql://app@127.0.0.1:2/media2?password=Rep2icaPw&sslmode=disable",
    ]
    shown = (
        f"({str(primary)!r}, replicas=['postgresql://app:***@127.0.0.1:1/media', "
        "'postgresql://app@127.0.0.1:2/media2?password=***&sslmode=disable'])"
    )
    url = primary.render(hide_password=False)
    with sqlstore.connect(url, replicas=replicas) as store:
        assert repr(store) == "Store" + shown
    app = sqlstore.aio.connect(url, replicas=replicas)  # connects at its first session only
    assert repr(app) == "AsyncStore" + shown
    for text in (repr(store), repr(app)):
        assert "Pw" not in text
    # Without replicas (SQLite never has any) the repr is the URL alone.
    with sqlstore.connect(url, replicas=[]) as store:
        assert repr(store) == f"Store({str(primary)!r})"
    with sqlstore.connect(f"sqlite:///{tmp_path}/app.db") as store:
        assert repr(store) == f"Store('sqlite:///{tmp_path}/app.db')"


@pytest.mark.parametrize(
    "url",
    [
        # Redaction stopped at the quote: the message showed password=***'SECRET.
        f"postgresql://u@127.0.0.1/db?password=ab'{SECRET}&pool_size=many",
        f'postgresql://u@127.0.0.1/db?password=ab"{SECRET}&pool_size=many',
        f"postgresql://u@127.0.0.1/db?password=ab {SECRET}&pool_size=many",
        f"postgresql://u@127.0.0.1/db?sslpassword=ab@{SECRET}&pool_size=many",
        f"postgresql://u@127.0.0.1/db?pool_size=many&password=ab#{SECRET}",
        f"postgresql://u:ab'{SECRET}@127.0.0.1/db?pool_size=many",
        f"postgresql://u:ab/{SECRET}@127.0.0.1/db?pool_size=many",
        f"u:{SECRET}@127.0.0.1/db",
    ],
)
def test_no_part_of_a_password_is_shown_whatever_it_holds(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(url)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)


def test_an_unescaped_ampersand_in_a_password_option_is_refused_without_showing_it() -> None:
    """``?password=ab&SECRET`` would hand libpq an option named after the password's end."""
    with pytest.raises(ConfigError, match="%26") as info:
        resolve(f"postgresql://u@127.0.0.1/db?password=ab&{SECRET}&sslmode=disable")
    assert SECRET not in str(info.value)
    escaped = resolve(f"postgresql://u@127.0.0.1/db?password=ab%26{SECRET}&sslmode=disable")
    assert dict(escaped.url.options)["password"] == f"ab&{SECRET}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"host=db password={SECRET}'x user=app", "host=db password=*** user=app"),
        (f"host=db password='a \\' {SECRET}' user=app", "host=db password=*** user=app"),
        (f'{{"password": "a\\" {SECRET}", "user": "app"}}', '{"password": "***", "user": "app"}'),
        (f"postgresql://app:a@b/{SECRET}@db/x failed", "postgresql://app:***@db/x failed"),
        (
            f"postgresql://app@db/x?password=a'{SECRET}&sslmode=x",
            "postgresql://app@db/x?password=***&sslmode=x",
        ),
    ],
)
def test_redact_hides_passwords_in_free_text(text: str, shown: str) -> None:
    from sqlstore.config import redact

    assert redact(text) == shown


@pytest.mark.parametrize("where", ["password", "?password=", "database", "DB_PASSWORD"])
def test_a_nul_in_the_url_is_refused(where: str) -> None:
    """Before, libpq cut its connection string at a NUL and connected to its default server."""
    urls = {
        "password": f"postgresql://u:{SECRET}%00x@127.0.0.1:1/db",
        "?password=": f"postgresql://u@127.0.0.1:1/db?password={SECRET}\x00x&connect_timeout=1",
        "database": "postgresql://u@127.0.0.1:1/db%00x",
    }
    if where == "DB_PASSWORD":
        env = {
            "DB_DRIVER": "postgresql",
            "DB_USERNAME": "u",
            "DB_PASSWORD": f"{SECRET}\x00x",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": "1",
            "DB_DATABASE": "db",
        }
        call = lambda: resolve(None, env=env)  # noqa: E731
    else:
        call = lambda: sqlstore.connect(urls[where])  # noqa: E731
    with pytest.raises(ConfigError, match="NUL") as info:
        call()
    assert SECRET not in str(info.value)
