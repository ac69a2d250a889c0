"""PostgreSQL through psycopg 3: the dialect's registry entry.

This module needs no driver: rendering, plan reading and the URL schemes
work without psycopg, which ``_pg_connection`` imports when a store opens.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from sqlstore.config import Settings
from sqlstore.dialects import register
from sqlstore.dialects._migrations import MigrationDriver
from sqlstore.dialects._pg_migrations import PostgreSQLMigrationDriver
from sqlstore.dialects.base import Dialect, Indexes, Transaction
from sqlstore.search import Clause, to_tsquery
from sqlstore.sqltext import Statement

if TYPE_CHECKING:
    from sqlstore.dialects._pg_pool import Pool
    from sqlstore.dialects._pg_replicas import Replicas
    from sqlstore.dialects._recycle import CopyRecycler
    from sqlstore.dialects.base_async import AsyncDialect

__all__ = ["PostgreSQLDialect"]

_NODE = re.compile(
    r"^(?:->\s+)?(?:"
    r"Seq Scan on (?P<seq>\w+)"
    r"|Index (?:Only )?Scan (?:Backward )?using (?P<index>\w+) on (?P<table>\w+)"
    r"|Bitmap Index Scan on (?P<bitmap>\w+))"
)


@register
class PostgreSQLDialect(Dialect):
    """PostgreSQL: a psycopg_pool pool of UTC sessions."""

    name = "postgresql"
    schemes: ClassVar[tuple[str, ...]] = (
        "postgresql",
        "postgres",
        "postgresql+psycopg",
        "postgresql+psycopg2",
        "psql",
    )
    yoyo_scheme = "postgresql+psycopg"
    default_port = 5432
    default_database = "postgres"
    env_name = "POSTGRES"
    squawk_lints = True
    read_replicas = True
    # GIN on a tsvector keeps no positions: see migration 0008.
    phrase_pairs = True

    def __init__(self, settings: Settings):
        super().__init__(settings)
        from sqlstore.dialects import _pg_connect, _pg_connection

        self._driver = _pg_connection
        self.pool: Pool = _pg_connect.open_pool(settings)
        self.replicas: Replicas | None = None
        self._record = None
        if settings.replicas:
            from sqlstore.dialects._pg_replicas import Replicas

            self.replicas = Replicas(settings)
            self._record = self.replicas.record
            self.replicas.open()

    @staticmethod
    def render(statement: Statement) -> str:
        """``%(name)s`` placeholders with every literal ``%`` doubled."""
        return statement.pyformat()

    @classmethod
    def describe_param(cls, name: str, *, is_list: bool) -> str:
        """``%(name)s``; a list is sent as an array."""
        return f"%({name})s" + (" (a list, sent as an array)" if is_list else "")

    @classmethod
    def search_query(cls, clause: Clause) -> str:
        """A parsed full-text query as ``to_tsquery`` text for the ``simple`` configuration."""
        return to_tsquery(clause)

    @classmethod
    def whole_scans(cls, plan: Sequence[str], indexes: Indexes) -> list[str]:
        """Seq Scans, and index scans with no ``Index Cond`` (they read the whole index)."""
        scans: list[str] = []
        node: str | None = None  # the table of the current index scan, until its Index Cond
        for number, line in enumerate(plan):
            step = line.strip()
            if number == 0 or step.startswith("->"):
                if node:
                    scans.append(node)
                node = None
                match = _NODE.match(step)
                if match and match["seq"]:
                    scans.append(match["seq"].lower())
                elif match and match["table"] and match["index"].lower() not in indexes.partial:
                    node = match["table"].lower()
                elif match and match["bitmap"] and match["bitmap"].lower() not in indexes.partial:
                    node = indexes.table_of.get(match["bitmap"].lower())
            elif step.startswith("Index Cond:"):
                node = None
        if node:
            scans.append(node)
        return scans

    @classmethod
    def migration_driver(cls, yoyo_url: str) -> MigrationDriver:
        """A session-level advisory lock on yoyo's connection; plain ``BEGIN``."""
        return PostgreSQLMigrationDriver()

    @classmethod
    @contextmanager
    def scratch_database(cls, settings: Settings, prefix: str) -> Iterator[str]:
        """A new database on the same server, dropped (sessions and all) afterwards."""
        from sqlstore.dialects._pg_admin import create_database, drop_database

        name = f"{prefix}_{secrets.token_hex(6)}"
        create_database(settings, name)
        try:
            yield replace(settings.url, database=name).render(hide_password=False)
        finally:
            drop_database(settings, name)

    @classmethod
    @contextmanager
    def clone_database(cls, settings: Settings, prefix: str) -> Iterator[str]:
        """``CREATE DATABASE ... TEMPLATE`` the URL's database, dropped afterwards.

        Connected to the server's maintenance database (``postgres``): the
        template itself must have no session open.
        """
        from sqlstore.dialects._pg_admin import create_database, drop_database

        admin = replace(settings, url=replace(settings.url, database=cls.default_database))
        name = f"{prefix}_{secrets.token_hex(6)}"
        create_database(admin, name, template=settings.url.database)
        try:
            yield replace(settings.url, database=name).render(hide_password=False)
        finally:
            drop_database(admin, name)

    @classmethod
    def copy_recycler(cls, settings: Settings) -> CopyRecycler | None:
        """Truncate and refill a copy whose schema is the template's (``_pg_recycle``)."""
        from sqlstore.dialects._pg_recycle import recycler

        return recycler(settings)

    @classmethod
    def test_container(cls, stack: ExitStack) -> str | None:
        """A ``postgres:16-alpine`` container from testcontainers, stopped with ``stack``."""
        from testcontainers.postgres import PostgresContainer

        container = stack.enter_context(PostgresContainer("postgres:16-alpine", driver=None))
        return str(container.get_connection_url())

    @classmethod
    def open_async(cls, settings: Settings) -> AsyncDialect:
        """The native async side: psycopg's ``AsyncConnection`` in an ``AsyncConnectionPool``."""
        from sqlstore.dialects._pg_aio import AsyncPGDialect

        return AsyncPGDialect(settings)

    copy_target = True

    @classmethod
    def bulk_load_sql(cls, table: str, columns: Sequence[str]) -> str:
        """``COPY table (columns) FROM STDIN``."""
        return f"COPY {cls.quote(table)} ({_names(columns)}) FROM STDIN"

    @classmethod
    def merge_sql(cls, table: str, columns: Sequence[str], keys: Sequence[str]) -> tuple[str, ...]:
        """A temporary stage filled by COPY, then one INSERT from it skipping keys already there.

        One statement inserts them all, so a row may reference one after it
        (foreign keys are checked at its end); ``OVERRIDING SYSTEM VALUE``
        keeps the ids of ``GENERATED ALWAYS`` identity columns.
        """
        stage, names, key = "sqlstore_copy_stage", _names(columns), _names(keys)
        return (
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
            f"SELECT {names} FROM {cls.quote(table)} WITH NO DATA",
            f"COPY {stage} ({names}) FROM STDIN",
            f"INSERT INTO {cls.quote(table)} ({names}) OVERRIDING SYSTEM VALUE "
            f"SELECT {names} FROM {stage} ON CONFLICT ({key}) DO NOTHING RETURNING {key}",
        )

    def transaction(self, *, readonly: bool = False) -> Transaction:
        """A pooled connection in a new transaction: committed on success, else rolled back.

        With replicas, a read-only one runs on a healthy replica (``_pg_replica_session``).
        """
        if readonly and self.replicas is not None:
            return self._on_replica(None)
        return self._driver.PGTransaction(self.pool, self.settings, readonly, self._record)

    def read_transaction(self, after: str | None, read_your_writes: bool) -> Transaction:
        """On a replica that has replayed ``after`` (and the last commit), else the primary."""
        from sqlstore.dialects._pg_replicas import position_wanted

        wanted = position_wanted(after, self.replicas, read_your_writes)
        if self.replicas is None:
            return self.transaction(readonly=True)
        return self._on_replica(wanted)

    def _on_replica(self, after: int | None) -> Transaction:
        from sqlstore.dialects._pg_replica_session import ReplicaTransaction

        assert self.replicas is not None
        return ReplicaTransaction(self.replicas, self.pool, self.settings, after)

    def close(self) -> None:
        """Close the pool (and the replicas')."""
        if self.replicas is not None:
            self.replicas.close()
        self.pool.close()


def _names(columns: Sequence[str]) -> str:
    return ", ".join(PostgreSQLDialect.quote(c) for c in columns)
