"""A session: one transaction, running named queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlstore.dialects.base import Connection, Row
from sqlstore.queries import Query, Registry

__all__ = ["Session"]


class Session:
    """One transaction on one connection; every statement is a named query.

    Parameters are checked against the query before anything is sent: a
    missing or unexpected one is a ``ParameterError``.
    """

    def __init__(self, connection: Connection, registry: Registry, dialect: str):
        self._conn = connection
        self._registry = registry
        # The registry's own mapping: one dict lookup per statement (the registry
        # explains a name that is not there).
        self._queries = registry.queries
        self.dialect = dialect

    def query(self, name: str) -> Query:
        """The named query as this session's dialect runs it."""
        return self._registry.get(name)

    def _checked(self, name: str, params: Mapping[str, Any]) -> Query:
        query = self._queries.get(name) or self._registry.get(name)
        wanted = query.statement.params
        # The usual case, exactly the query's names, checked without a Python-level loop;
        # check_params explains any other.
        if len(params) != len(wanted) or not all(map(params.__contains__, wanted)):
            query.check_params(params)
        return query

    def fetch_all(self, name: str, /, **params: Any) -> list[Row]:
        """Run the named query and return all rows as dicts."""
        return self._conn.fetch_all(self._checked(name, params), params)

    def fetch_one(self, name: str, /, **params: Any) -> Row | None:
        """Run the named query and return its first row, or ``None``."""
        return self._conn.fetch_one(self._checked(name, params), params)

    def fetch_value(self, name: str, /, **params: Any) -> Any:
        """Run the named query and return the first column of its first row, or ``None``."""
        row = self._conn.fetch_one(self._checked(name, params), params)
        return None if row is None else next(iter(row.values()))

    def iterate(self, name: str, /, batch_size: int = 1000, **params: Any) -> Iterator[list[Row]]:
        """Run the named query and yield its rows in batches, in bounded memory."""
        return self._conn.iterate(self._checked(name, params), params, batch_size)

    def execute(self, name: str, /, **params: Any) -> int:
        """Run the named statement and return the number of rows it changed."""
        return self._conn.execute(self._checked(name, params), params)

    def execute_many(self, name: str, rows: Iterable[Mapping[str, Any]], /) -> int:
        """Run the named statement once per parameter set; return the rows changed."""
        query = self._registry.get(name)

        def checked() -> Iterator[Mapping[str, Any]]:
            for row in rows:
                query.check_params(row)
                yield row

        return self._conn.execute_many(query, checked())

    def copy_in(self, name: str, rows: Iterable[Sequence[Any]], /) -> int:
        """Bulk-load rows through the named query (COPY on PostgreSQL); return the count.

        The query's PostgreSQL file is ``COPY <table> (<columns>) FROM STDIN``;
        its portable (or SQLite) file is an INSERT whose parameters name the
        same columns in the same order, run once per row. Each row is a
        sequence of values in that order, adapted as any parameter is; a row of
        another length is a ``ParameterError``.
        """
        return self._conn.copy_in(self._registry.get(name), rows)

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: its block's writes go back alone if it raises."""
        return self._conn.savepoint()
