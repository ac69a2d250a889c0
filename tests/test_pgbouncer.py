"""sqlstore through a real PgBouncer in transaction mode (tests/pgbouncer.py starts it).

Through the pooler each transaction may get another server session: what
the direct path sets once per session (time zone, statement timeout) must
hold in every transaction, nothing may be prepared on a server session,
and the migration lock, which outlives a transaction, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

import sqlstore
from sqlstore import Store
from sqlstore.aio import AsyncStore
from sqlstore.config import resolve
from sqlstore.dialects._pg_plan import begin_command
from sqlstore.errors import ConcurrencyError, ConfigError, DataError
from sqlstore.paths import builtin_dir
from tests.aio_bridge import Loop
from tests.helpers import APP, RAW_SQL
from tests.pgbouncer import direct

pytestmark = pytest.mark.postgresql_only

CONFIG = {"sql_dirs": [APP / "sql", RAW_SQL], "migration_dirs": [APP / "migrations"]}


@pytest.fixture
def pooled_url(sqlstore_url: str, pgbouncer: Callable[[str], str]) -> str:
    """The test's database through PgBouncer (whether or not the suite goes through it)."""
    return sqlstore_url if "pgbouncer=true" in sqlstore_url else pgbouncer(sqlstore_url)


@pytest.fixture
def pooled(pooled_url: str) -> Iterator[Store]:
    """A store through PgBouncer, with a 2.5 s statement timeout, two connections at most."""
    with sqlstore.connect(
        pooled_url + "&statement_timeout=2.5&pool_size=2&max_overflow=0", **CONFIG
    ) as store:
        yield store


def _show(store: Store, setting: str, *, readonly: bool = False) -> str:
    with store.session(readonly=readonly) as session:
        return str(session.fetch_value("pooler.show_" + setting))


def test_the_url_option_is_read() -> None:
    assert resolve("postgresql://u@h/db?pgbouncer=true").pgbouncer is True
    assert resolve("postgresql://u@h/db?pgbouncer=0").pgbouncer is False
    assert resolve("postgresql://u@h/db").pgbouncer is False
    with pytest.raises(ConfigError, match="only a server"):
        resolve("sqlite:///x.db?pgbouncer=true")
    with pytest.raises(ConfigError, match="pgbouncer"):
        resolve("postgresql://u@h/db?pgbouncer=maybe")


def test_time_zone_and_statement_timeout_hold_in_every_transaction(pooled: Store) -> None:
    # More transactions than the pooler has sessions open, read-only ones too:
    # whichever server session each gets, the settings are this store's.
    for _ in range(6):
        assert _show(pooled, "timezone") == "UTC"
        assert _show(pooled, "statement_timeout") == "2500ms"
        assert _show(pooled, "timezone", readonly=True) == "UTC"
        assert _show(pooled, "statement_timeout", readonly=True) == "2500ms"
        assert _show(pooled, "jit") == _show(pooled, "jit", readonly=True) == "off"


def test_settings_hold_after_a_failed_call_rolled_the_transaction_back(pooled: Store) -> None:
    with pooled.session() as session:
        with pytest.raises(DataError):
            session.fetch_value("pooler.divide", n=0)
        # Nothing was done before the call: the transaction itself began again.
        assert session.fetch_value("pooler.show_timezone") == "UTC"
        assert session.fetch_value("pooler.show_statement_timeout") == "2500ms"


def test_the_statement_timeout_stops_a_statement(pooled: Store) -> None:
    with pytest.raises(ConcurrencyError, match="statement timeout"), pooled.session() as session:
        session.fetch_value("notes.sleep", seconds=4)


def test_no_setting_leaks_into_the_server_sessions(pooled_url: str, pooled: Store) -> None:
    # A store on the same pooler with no statement timeout sees the server's default.
    assert _show(pooled, "statement_timeout") == "2500ms"
    with sqlstore.connect(pooled_url + "&statement_timeout=0", **CONFIG) as other:
        for _ in range(4):
            assert _show(other, "statement_timeout") == "0"


def test_async_store_holds_the_settings(pooled_url: str) -> None:
    loop = Loop()
    store = AsyncStore(resolve(pooled_url + "&statement_timeout=1.5"), **CONFIG)

    async def show() -> list[str]:
        async with store.session() as session:
            zone = await session.fetch_value("pooler.show_timezone")
            timeout = await session.fetch_value("pooler.show_statement_timeout")
        return [str(zone), str(timeout)]

    try:
        for _ in range(3):
            assert loop.run(show()) == ["UTC", "1500ms"]
    finally:
        loop.run(store.close())
        loop.close()


def test_nothing_is_prepared_on_a_server_session(pooled: Store) -> None:
    # psycopg would prepare a statement run more than 5 times on a connection.
    for _ in range(12):
        with pooled.session() as session:
            assert session.fetch_all("pooler.prepared_statements") == []


def test_migrate_is_refused_through_the_pooler(pooled: Store) -> None:
    with pytest.raises(ConfigError, match="direct URL"):
        pooled.migrate()
    with pytest.raises(ConfigError, match="direct URL"):
        pooled.migration_status()


def test_migrations_run_on_the_direct_url(pooled_url: str, sqlstore_postgres_server: str) -> None:
    direct_url = direct(pooled_url, sqlstore_postgres_server)
    with sqlstore.connect(pooled_url, direct_url=direct_url, **CONFIG) as store:
        assert store.migrate() == []  # the test's database is migrated already
        assert all(state.applied for state in store.migration_status())
        store.rollback(1)
        assert store.migrate() != []
    with pytest.raises(ConfigError, match="not through PgBouncer"):
        sqlstore.connect(pooled_url, direct_url=pooled_url)


def test_the_direct_path_begins_as_before() -> None:
    direct_settings = resolve("postgresql://u@h/db?statement_timeout=2")
    assert begin_command(direct_settings, readonly=False) == b"BEGIN"
    assert begin_command(direct_settings, readonly=True) == b"BEGIN READ ONLY"
    pooled_settings = resolve("postgresql://u@h/db?statement_timeout=2&pgbouncer=true")
    assert begin_command(pooled_settings, readonly=True) == (
        b"BEGIN READ ONLY; SET LOCAL TimeZone = 'UTC'; SET LOCAL statement_timeout = 2000; "
        b"SET LOCAL jit = off"
    )


def test_every_lock_a_query_takes_is_transaction_scoped() -> None:
    # A session-level lock would stay on the server session PgBouncer hands on.
    texts = {p: p.read_text().upper() for p in builtin_dir("sql").rglob("*.sql")}
    takers = {p for p, text in texts.items() if "ADVISORY" in text}
    assert takers, "the claim lock is an advisory lock"
    for path in takers:
        calls = re.findall(r"PG_(?:TRY_)?ADVISORY_(\w*?)LOCK", texts[path])
        assert calls and all(kind.startswith("XACT_") for kind in calls), path


def test_a_pooler_url_without_the_flag_says_what_to_add(pooled_url: str) -> None:
    """PgBouncer refuses the startup options: the error names the flag that avoids them."""
    plain = pooled_url.replace("?pgbouncer=true", "?").replace("&pgbouncer=true", "")
    with pytest.raises(ConfigError, match=r"through PgBouncer\? add \?pgbouncer=true"):
        with sqlstore.connect(plain, **CONFIG) as store:
            store.migration_status()


@pytest.mark.parametrize("through_pooler", [False, True])
def test_jit_is_off_unless_the_url_asks(
    through_pooler: bool, pooled_url: str, sqlstore_postgres_server: str
) -> None:
    """Off by default, directly and through the pooler; ``?jit=on`` keeps the server's."""
    url = pooled_url if through_pooler else direct(pooled_url, sqlstore_postgres_server)
    joiner = "&" if "?" in url else "?"
    with sqlstore.connect(url, **CONFIG) as store:
        assert _show(store, "jit") == "off"
    with sqlstore.connect(url + joiner + "jit=on", **CONFIG) as store:
        assert _show(store, "jit") == "on"
