"""The Store: a database, its queries and its migrations."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn, cast

from sqlstore._replica_urls import read_after
from sqlstore.config import Settings, resolve
from sqlstore.dialects import Dialect, dialect_class, open_dialect
from sqlstore.dialects.base import Connection
from sqlstore.errors import ConfigError, not_a_session
from sqlstore.paths import builtin_dir
from sqlstore.paths import migration_dirs as migration_dirs_of
from sqlstore.queries import Registry
from sqlstore.session import Session
from sqlstore.tracing import Tracing

if TYPE_CHECKING:
    from sqlstore.migrate import MigrationState, Migrator

__all__ = ["BaseStore", "Store", "connect", "default_store", "get_session", "settings_with"]

PathLike = str | Path


class BaseStore:
    """What ``Store`` and ``sqlstore.aio.AsyncStore`` share: settings, queries, migrations."""

    def __init__(
        self,
        settings: Settings,
        sql_dirs: Sequence[PathLike],
        migration_dirs: Sequence[PathLike],
        load_queries: bool = True,
    ):
        self.settings = settings
        self._dialect_class = kind = dialect_class(settings.url.dialect)
        self.sql_dirs = [builtin_dir("sql"), *(Path(d) for d in sql_dirs)]
        # Without queries (``load_queries=False``: migrating needs none) a broken
        # SQL file cannot stop ``migrate`` or ``status``.
        loaded = self.sql_dirs if load_queries else []
        self.registry = Registry.load(loaded, kind.name, kind.render)
        #: What the store's sessions record of each statement (``sqlstore.tracing``).
        self.tracing = Tracing(settings, kind.name)
        self.migration_dirs = migration_dirs_of(
            Path(d) / kind.name for d in (builtin_dir("migrations"), *migration_dirs)
        )

    @cached_property
    def migrator(self) -> Migrator:
        """The store's migrations (yoyo is imported only when they are asked for)."""
        from sqlstore.migrate import Migrator

        settings = self.settings
        if settings.pgbouncer:
            # The migration lock is a session-level advisory lock that must
            # outlive each migration's transaction: PgBouncer in transaction
            # mode would hand its server session to another client in between.
            if settings.direct_url is None:
                raise ConfigError(
                    f"cannot migrate through PgBouncer ({self.url} has pgbouncer=true): "
                    "the migration lock needs a session of its own; give the server's direct "
                    "URL (connect(url, direct_url=...) or DATABASE_DIRECT_URL), or migrate on it"
                )
            settings = replace(settings, url=settings.direct_url, direct_url=None)
        return Migrator(self._dialect_class.yoyo_url_of(settings), self.migration_dirs)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return str(self.settings.url)

    def __repr__(self) -> str:
        replicas = [str(url) for url in self.settings.replicas]  # passwords hidden, as url's
        shown = f", replicas={replicas!r}" if replicas else ""
        return f"{type(self).__name__}({self.url!r}{shown})"


class Store(BaseStore):
    """One database: a connection pool, the query registry and the migrations."""

    def __init__(
        self,
        settings: Settings,
        *,
        sql_dirs: Sequence[PathLike] = (),
        migration_dirs: Sequence[PathLike] = (),
        load_queries: bool = True,
    ):
        self.dialect: Dialect = open_dialect(settings)
        try:
            super().__init__(settings, sql_dirs, migration_dirs, load_queries)
        except BaseException:
            self.dialect.close()
            raise

    def session(
        self, *, readonly: bool = False, read_your_writes: bool = False, after: str | None = None
    ) -> AbstractContextManager[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        With read replicas a ``readonly`` session runs on one; ``read_your_writes``
        makes it see this store's last commit, ``after`` the commit at that
        position (a session's ``commit_position``), waiting for a replica to
        replay it up to ``replica_wait`` seconds, else reading on the primary.
        Both need ``readonly=True``: without it they are an ``InvalidInput``.
        """
        block = _SessionBlock(self, readonly)
        block._after = read_after(readonly, read_your_writes, after)
        return block

    def migrate(self) -> list[str]:
        """Apply every pending migration; return the ids applied."""
        return self.migrator.apply()

    def rollback(self, steps: int | None = 1) -> list[str]:
        """Roll back the last ``steps`` migrations (every one with ``None``)."""
        return self.migrator.rollback(steps)

    def migration_status(self) -> list[MigrationState]:
        """Every migration, applied or pending."""
        return self.migrator.status()

    def reset(self) -> None:
        """Drop everything and migrate again: for development databases only."""
        self.rollback(None)
        self.migrate()

    def close(self) -> None:
        """Close every connection."""
        self.dialect.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SessionBlockBase:
    """What the blocking and the async session blocks share: their store, and a clear refusal.

    ``session = get_session()`` then ``session.commit()``, as the media SDK's
    docs show, is a ``TypeError`` that shows the ``with`` form.
    """

    __slots__ = ("_after", "_readonly", "_session", "_store", "_transaction")

    def __init__(self, store: BaseStore, readonly: bool):
        self._store = store
        self._readonly = readonly
        # A read that must see a commit: (a position, this store's last commit too).
        self._after: tuple[str | None, bool] | None = None

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("_"):
            raise AttributeError(name)
        raise not_a_session(self)


class _SessionBlock(SessionBlockBase):
    """``with store.session():``, a class: one generator-based context manager less per session."""

    __slots__ = ()
    _store: Store

    def __enter__(self) -> Session:
        store = self._store
        if self._after is None:
            self._transaction = store.dialect.transaction(readonly=self._readonly)
        else:
            self._transaction = store.dialect.read_transaction(*self._after)
        conn = self._transaction.__enter__()
        trace = store.tracing.session()
        if trace is not None:
            from sqlstore._traced import TracedConnection

            conn = cast(Connection, TracedConnection(conn, trace))
        self._session = Session(conn, store.registry, store.dialect.name)
        return self._session

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # The session is closed first: the transaction then commits or rolls back.
        self._session._close()
        self._transaction.__exit__(kind, error, traceback)
        self._session.commit_position = self._transaction.conn.commit_position


def connect(
    url: str | None = None,
    *,
    sql_dirs: Sequence[PathLike] = (),
    migration_dirs: Sequence[PathLike] = (),
    load_queries: bool = True,
    echo: bool | str | None = None,
    direct_url: str | None = None,
    replicas: Sequence[str] | None = None,
    max_replica_lag: float | None = None,
) -> Store:
    """Open a store on ``url``, or the database the environment names (see the README).

    ``echo=True`` logs every statement on the ``sqlstore.sql`` logger,
    ``echo="params"`` with its parameter values (default: the URL's ``echo``
    option, else off); see the docs' page on logging and tracing.
    ``replicas`` are read replicas' URLs (else ``DATABASE_REPLICA_URLS``), skipped
    when further behind than ``max_replica_lag`` seconds (see the docs' page on replicas).
    """
    return Store(
        settings_with(
            resolve(url, direct_url=direct_url, replicas=replicas, max_replica_lag=max_replica_lag),
            echo,
        ),
        sql_dirs=sql_dirs,
        migration_dirs=migration_dirs,
        load_queries=load_queries,
    )


def settings_with(settings: Settings, echo: bool | str | None) -> Settings:
    """``settings`` with ``connect``'s ``echo`` argument, when it is given."""
    if echo is None:
        return settings
    if echo not in (True, False, "params"):
        raise ConfigError(f"echo must be True, False or 'params', not {echo!r}")
    return replace(settings, echo=echo)


_default: Store | None = None
_default_lock = threading.Lock()


def default_store() -> Store:
    """The process's default store, opened from the environment on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = connect()
        return _default


def get_session(*, readonly: bool = False) -> AbstractContextManager[Session]:
    """A session on the default store (the way the systems sqlstore replaces open one)."""
    return default_store().session(readonly=readonly)
