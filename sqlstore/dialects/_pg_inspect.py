"""What the checker asks of a PostgreSQL connection: compile, plan, count."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import psycopg

from sqlstore.dialects._pg_errors import mapped as _mapped
from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped
from sqlstore.dialects.base import ResultColumn, StatementProblem, StatementStats
from sqlstore.errors import ConfigError
from sqlstore.queries import Query

__all__ = ["Inspection"]


class Inspection:
    """``check``, ``plan`` and ``count_rows``: the checker, ``explain`` and ``stats`` commands."""

    raw: psycopg.Connection[Any]
    _names: itertools.count[int]

    def check(self, query: Query) -> StatementProblem | None:
        """``PREPARE`` parses, analyses and types the statement without running it."""
        name = f"sqlstore_check{next(self._names)}"
        text = f"PREPARE {name} AS {query.statement.numbered('$')}"
        try:
            with self.raw.transaction():
                self.raw.execute(text)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            _raise_mapped(exc, query)
        except psycopg.Error as exc:
            pos = exc.diag.statement_position
            line = text[: int(pos) - 1].count("\n") + 1 if pos else None
            return StatementProblem(str(exc).strip().splitlines()[0], line)
        # A prepared statement outlives the transaction: always deallocate it.
        with _mapped(query):
            self.raw.execute(f"DEALLOCATE {name}")
        return None

    def plan(
        self,
        query: Query,
        params: Mapping[str, Any] | None = None,
        *,
        prefer_indexes: bool = False,
    ) -> list[str]:
        """``EXPLAIN`` with the values given, else ``EXPLAIN EXECUTE`` of a generic plan."""
        if params is not None:
            with _mapped(query), self.raw.cursor() as cur:
                cur.execute("EXPLAIN " + query.sql, params)
                return [str(row[0]) for row in cur.fetchall()]
        name = f"sqlstore_plan{next(self._names)}"
        nulls = ", ".join(["NULL"] * len(query.params))
        settings = ["plan_cache_mode = force_generic_plan", "jit = off"]
        if prefer_indexes:
            # A disabled seq scan still happens when nothing else can serve the query.
            settings.append("enable_seqscan = off")
        prepared = False
        try:
            with _mapped(query), self.raw.transaction() as tx:
                for setting in settings:
                    self.raw.execute(f"SET LOCAL {setting}")
                self.raw.execute(f"PREPARE {name} AS {query.statement.numbered('$')}")
                prepared = True
                run = f"EXECUTE {name}({nulls})" if nulls else f"EXECUTE {name}"
                lines = [str(r[0]) for r in self.raw.execute(f"EXPLAIN (COSTS OFF) {run}")]
                # Rolling the savepoint back also undoes the SET LOCALs.
                raise psycopg.Rollback(tx)
        finally:
            if prepared:
                with _mapped(query):
                    self.raw.execute(f"DEALLOCATE {name}")
        return lines

    def describe(self, query: Query) -> list[ResultColumn] | None:
        """The prepared statement's result columns (libpq's describe), their types' kinds."""
        name = f"sqlstore_describe{next(self._names)}"
        with _mapped(query):
            self.raw.execute(f"PREPARE {name} AS {query.statement.numbered('$')}")
            try:
                described = self.raw.pgconn.describe_prepared(name.encode())
                columns = [(described.fname(i) or b"").decode() for i in range(described.nfields)]
                oids = [described.ftype(i) for i in range(described.nfields)]
            finally:
                self.raw.execute(f"DEALLOCATE {name}")
            if not columns:
                return None
            rows = self.raw.execute(
                "SELECT oid::int, typname::text, typcategory::text FROM pg_type"
                " WHERE oid = ANY(%s::oid[])",
                [oids],
            ).fetchall()
        types = {int(oid): (str(n), str(c)) for oid, n, c in rows}
        return [
            ResultColumn(col, _kind(*types.get(oid, ("", ""))))
            for col, oid in zip(columns, oids, strict=True)
        ]

    def analyze(self, query: Query, params: Mapping[str, Any]) -> list[str]:
        """``EXPLAIN (ANALYZE, BUFFERS)``: runs the statement; the caller rolls it back."""
        with _mapped(query), self.raw.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query.sql, params)
            return [str(row[0]) for row in cur.fetchall()]

    def count_rows(self, table: str) -> int:
        """``COUNT(*)`` of a table whose name is quoted as an identifier."""
        from psycopg import sql

        stmt = sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
        with _mapped(None):
            row = self.raw.execute(stmt).fetchone()
        return int(row[0]) if row else 0

    def statement_stats(self) -> list[StatementStats]:
        """``pg_stat_statements``' rows for the connected database.

        The extension must be preloaded by the server and created in the
        database; without it, a ``ConfigError`` that says how to enable it.
        """
        try:
            with self.raw.transaction():
                rows = self.raw.execute(_STATEMENT_STATS).fetchall()
        except (psycopg.errors.UndefinedTable, psycopg.errors.ObjectNotInPrerequisiteState) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ConfigError(
                f"sqlstore top needs the pg_stat_statements extension ({reason}): set "
                "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, restart "
                "the server and run CREATE EXTENSION pg_stat_statements in this database"
            ) from None
        except psycopg.Error as exc:
            _raise_mapped(exc, None)
        return [StatementStats(str(t), int(c), float(ms), int(r)) for t, c, ms, r in rows]


_STATEMENT_STATS = (
    "SELECT query, calls, total_exec_time, rows FROM pg_stat_statements"
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
)

_KINDS = {
    "int2": "integer", "int4": "integer", "int8": "integer", "oid": "integer",
    "float4": "float", "float8": "float", "numeric": "numeric", "money": "numeric",
    "text": "text", "varchar": "text", "bpchar": "text", "name": "text", "citext": "text",
    "bool": "boolean", "uuid": "uuid", "timestamptz": "timestamp", "timestamp": "timestamp",
    "date": "date", "time": "time", "timetz": "time", "interval": "interval",
    "json": "json", "jsonb": "json", "bytea": "bytes",
}  # fmt: skip


def _kind(typname: str, category: str) -> str | None:
    """The value kind of a PostgreSQL type (an enum reads as text); None if unknown."""
    if category == "A":
        return "array"
    if category == "E":
        return "text"
    return _KINDS.get(typname)
