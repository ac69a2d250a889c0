"""What every dialect provides: connections in transactions, rendering, error mapping."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

from sqlstore.config import Settings
from sqlstore.dialects._facts import (
    VALUE_KINDS,
    Indexes,
    ResultColumn,
    StatementProblem,
    StatementStats,
)
from sqlstore.dialects._migrations import MigrationDriver
from sqlstore.dialects._recycle import CopyRecycler
from sqlstore.errors import ConfigError
from sqlstore.queries import Query
from sqlstore.sqltext import Statement

if TYPE_CHECKING:
    from sqlstore.dialects.base_async import AsyncDialect
    from sqlstore.search import Clause

__all__ = [
    "VALUE_KINDS",
    "Connection",
    "Dialect",
    "Indexes",
    "ResultColumn",
    "Row",
    "StatementProblem",
    "StatementStats",
    "Transaction",
    "Wrapping",
]

Row = dict[str, Any]


class Connection(ABC):
    """One driver connection, inside the transaction of one session.

    The session brackets every call (a DAO method, or a statement run
    directly) with ``begin_call`` and ``end_call``, and a failed one with
    ``undo_call``, so that a refused call leaves the transaction as it was.
    Each dialect does that its cheapest way: SQLite undoes a failed statement
    by itself; PostgreSQL needs a savepoint once the transaction holds work.
    """

    #: Set when the transaction has ended; a statement still running (an
    #: ``iterate`` generator) then stops with ``SessionClosed``.
    closed: bool = False
    #: The error that aborted the transaction; the session is failed.
    failure: BaseException | None = None
    #: False when ``begin_call`` and ``end_call`` do nothing in this transaction
    #: (a read-only one): the session then skips them; ``undo_call`` still runs.
    brackets: bool = True
    #: ``begin_call`` and ``end_call`` never wait on the disk or the network (an
    #: embedded database's savepoints): the async side may run them on its loop.
    cheap_brackets: bool = False
    #: Where the primary's WAL stood after this transaction's COMMIT (with read replicas).
    commit_position: str | None = None

    @abstractmethod
    def begin_call(self, multi: bool) -> None:
        """Mark where a call starts; ``multi``: it may write with more than one statement."""

    @abstractmethod
    def end_call(self) -> None:
        """The call that began last succeeded."""

    @abstractmethod
    def undo_call(self, exc: BaseException) -> bool:
        """Undo the failed call that began last; False if the transaction is lost with it."""

    @abstractmethod
    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""

    @abstractmethod
    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""

    @abstractmethod
    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""

    @abstractmethod
    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Run a statement and yield its rows in batches, holding one batch at a time."""

    @abstractmethod
    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""

    @abstractmethod
    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Load rows in bulk with the fastest path the dialect has; return the count.

        Each row holds the query's columns in order (see ``Session.copy_in``).
        """

    @abstractmethod
    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: rolled back alone if its block raises."""

    # For the `sqlstore check`, `explain` and `stats` commands (sqlstore/check.py).

    @abstractmethod
    def check(self, query: Query) -> StatementProblem | None:
        """Have the database compile the statement, parameters NULL, without running it."""

    @abstractmethod
    def plan(
        self,
        query: Query,
        params: Mapping[str, Any] | None = None,
        *,
        prefer_indexes: bool = False,
    ) -> list[str]:
        """The database's plan, one line per node; without params a generic plan for NULLs.

        ``prefer_indexes`` asks the planner to use an index wherever one can
        serve, so that a full scan in the plan means that none can.
        """

    def analyze(self, query: Query, params: Mapping[str, Any]) -> list[str]:
        """Run the statement and report its plan with what really happened (``explain --analyze``).

        The caller holds a transaction it rolls back. A dialect that cannot
        says so with ``QueryError``.
        """
        from sqlstore.errors import QueryError

        raise QueryError("this database cannot analyze a statement", query=query.name)

    @abstractmethod
    def describe(self, query: Query) -> list[ResultColumn] | None:
        """The result's columns, without running the query; None if it returns no rows."""

    @abstractmethod
    def count_rows(self, table: str) -> int:
        """How many rows ``table`` holds (a name from the catalog, quoted as an identifier)."""

    def statement_stats(self) -> list[StatementStats]:
        """The server's figures per statement text for this database (``sqlstore top``).

        Only a server that keeps them has them (PostgreSQL's
        ``pg_stat_statements``); any other database is a ``ConfigError``.
        """
        raise ConfigError(
            "sqlstore top reads PostgreSQL's pg_stat_statements extension; "
            "this database keeps no statement statistics"
        )


class Wrapping:
    """For a connection that runs another's statements: the transaction's state is the other's.

    ``closed`` and ``failure`` are read and set on the wrapped connection
    (``_conn``), which its transaction and its session also see.
    """

    #: A ``Connection``, or on the async side an ``AsyncConnection``.
    _conn: Any

    @property
    def closed(self) -> bool:
        """Whether the transaction has ended (the wrapped connection's ``closed``)."""
        return bool(self._conn.closed)

    @closed.setter
    def closed(self, value: bool) -> None:
        self._conn.closed = value

    @property
    def failure(self) -> BaseException | None:
        """The error that aborted the transaction, as the wrapped connection saw it."""
        failure: BaseException | None = self._conn.failure
        return failure

    @failure.setter
    def failure(self, value: BaseException | None) -> None:
        self._conn.failure = value


class Transaction(ABC):
    """One session's transaction: begun, then committed or rolled back, the connection given back.

    A class, not a generator-based context manager: it costs less per session.
    """

    __slots__ = ("conn",)
    conn: Connection

    def __enter__(self) -> Connection:
        self.conn = self.begin()
        return self.conn

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.conn.closed = True
        try:
            if error is None:
                self.commit()
            else:
                self.abandon(error)
        finally:
            self.give_back()

    @abstractmethod
    def begin(self) -> Connection:
        """Begin the transaction on the connection; give the connection back if that fails."""

    @abstractmethod
    def commit(self) -> None:
        """Commit; raise (``TransactionAborted``...) rather than commit what is not whole."""

    @abstractmethod
    def abandon(self, error: BaseException) -> None:
        """The block raised ``error``: roll back (``give_back`` follows)."""

    @abstractmethod
    def give_back(self) -> None:
        """Return the connection to its pool, no transaction left open on it."""


class Dialect(ABC):
    """A database kind: how to connect, render queries, read plans and map errors.

    A dialect module defines one subclass and registers it with
    ``sqlstore.dialects.register``. Everything on the class itself (its
    names, rendering, plan reading, scratch databases) works without the
    driver: a module imports its driver only where it connects, so that
    loading the registry costs no driver import.
    """

    #: The dialect's name: the suffix of its SQL files (``get.<name>.sql``) and
    #: of its migration folder and ids.
    name: ClassVar[str]
    #: The URL schemes that mean this dialect, the canonical one first.
    schemes: ClassVar[tuple[str, ...]]
    #: The yoyo scheme for this dialect's URLs.
    yoyo_scheme: ClassVar[str]
    #: The database is a file the URL's path names (no server, user or host).
    embedded: ClassVar[bool] = False
    #: The port a server URL that names none means (for the ``DB_CONFIG`` JSON).
    default_port: ClassVar[int | None] = None
    #: The database a server URL built from ``DB_CONFIG`` names when it names none.
    default_database: ClassVar[str] = ""
    #: ``SQLSTORE_TEST_<env_name>_URL`` names a server for the test fixtures,
    #: ``SQLSTORE_REQUIRE_<env_name>=1`` turns their skips into failures.
    env_name: ClassVar[str] = ""
    #: The plan names a table by the alias the statement gives it.
    plan_names_aliases: ClassVar[bool] = False
    #: One write transaction at a time: the async side queues write sessions itself.
    single_writer: ClassVar[bool] = False
    #: squawk (a PostgreSQL migration linter) reads this dialect's migration files.
    squawk_lints: ClassVar[bool] = False
    #: The server streams its changes to read replicas (``connect(url, replicas=[...])``).
    read_replicas: ClassVar[bool] = False
    #: Transcript ``search`` takes ``:pairs``, a phrase's word pairs (``search.phrase_pairs``).
    phrase_pairs: ClassVar[bool] = False

    def __init__(self, settings: Settings):
        self.settings = settings

    @staticmethod
    @abstractmethod
    def render(statement: Statement) -> str:
        """The statement's text as this dialect's driver takes it (needs no connection)."""

    @classmethod
    @abstractmethod
    def describe_param(cls, name: str, *, is_list: bool) -> str:
        """How ``sqlstore show`` names a parameter in the rendered SQL, and how a list is sent."""

    @classmethod
    @abstractmethod
    def search_query(cls, clause: Clause) -> str:
        """A parsed full-text query (``search.parse``) as this dialect's engine reads it."""

    @classmethod
    @abstractmethod
    def whole_scans(cls, plan: Sequence[str], indexes: Indexes) -> list[str]:
        """The tables (or aliases) a plan from ``Connection.plan`` reads whole.

        A partial index scanned whole does not count: it is not the table.
        """

    @classmethod
    @abstractmethod
    def scratch_database(cls, settings: Settings, prefix: str) -> AbstractContextManager[str]:
        """A new empty database beside ``settings``'s, dropped afterwards; yields its URL."""

    @classmethod
    def clone_database(cls, settings: Settings, prefix: str) -> AbstractContextManager[str]:
        """A new database, a copy of ``settings``'s (a migrated template), dropped afterwards.

        Yields its URL. ``ConfigError`` from a dialect that cannot copy one.
        """
        from sqlstore.errors import ConfigError

        raise ConfigError(f"{cls.name} cannot copy a database")

    @classmethod
    def copy_recycler(cls, settings: Settings) -> CopyRecycler | None:
        """What resets a used copy of the template ``settings`` names, or None: drop each copy."""
        return None

    @classmethod
    @abstractmethod
    def migration_driver(cls, yoyo_url: str) -> MigrationDriver:
        """What migrating this database needs on yoyo's connection: the lock, the transaction."""

    @classmethod
    def test_container(cls, stack: ExitStack) -> str | None:
        """A throwaway server for the test fixtures (testcontainers), or None if there is none."""
        return None

    @classmethod
    def open_async(cls, settings: Settings) -> AsyncDialect:
        """The dialect's async side, not yet connected (``sqlstore.aio``).

        By default the dialect's own blocking connections run each on a
        worker thread of its own, so that the event loop never waits on them;
        a dialect with an async driver returns its native side instead.
        """
        from sqlstore.dialects._threaded import ThreadedDialect

        return ThreadedDialect(cls, settings)

    @abstractmethod
    def transaction(self, *, readonly: bool = False) -> Transaction:
        """A connection in a new transaction: committed on success, else rolled back."""

    def read_transaction(self, after: str | None, read_your_writes: bool) -> Transaction:
        """A read-only transaction that sees the commit at ``after`` (and the store's last).

        One database sees every commit: a plain read-only transaction.
        """
        return self.transaction(readonly=True)

    @abstractmethod
    def close(self) -> None:
        """Close every connection."""

    # For `sqlstore copy` (sqlstore/copy.py): statements over the tables the catalog names.

    #: ``sqlstore copy`` may write into a database of this dialect.
    copy_target: ClassVar[bool] = False

    @staticmethod
    def quote(name: str) -> str:
        """``name`` (a table or column the catalog gave) as a quoted SQL identifier."""
        return '"' + name.replace('"', '""') + '"'

    @classmethod
    def bulk_load_sql(cls, table: str, columns: Sequence[str]) -> str:
        """The statement ``copy_in`` loads rows of ``columns`` into ``table`` with."""
        raise NotImplementedError(f"{cls.name} is not a copy target")

    @classmethod
    def merge_sql(cls, table: str, columns: Sequence[str], keys: Sequence[str]) -> tuple[str, ...]:
        """Statements that add loaded rows to ``table`` but those whose key is already there.

        In order: make a stage, the ``copy_in`` statement into it, and the
        insert from it, returning the keys of the rows it added; in one transaction.
        """
        raise NotImplementedError(f"{cls.name} is not a copy target")

    @classmethod
    def value_reader(cls, kind: str) -> Callable[[Any], Any] | None:
        """How a stored value of ``kind`` (``VALUE_KINDS``) becomes sqlstore's Python value.

        None: the driver returns it as sqlstore means it already.
        """
        return None

    def yoyo_url(self) -> str:
        """The URL yoyo takes for this database, password included (never log it)."""
        return self.yoyo_url_of(self.settings)

    @classmethod
    def yoyo_url_of(cls, settings: Settings) -> str:
        """The URL yoyo takes for ``settings``' database, password included (never log it)."""
        return settings.url.render(scheme=cls.yoyo_scheme, hide_password=False)
