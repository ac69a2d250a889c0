"""What the checker asks of a SQLite connection: compile, plan, count."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlstore.dialects._sqlite_errors import mapped as _mapped
from sqlstore.dialects._sqlite_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._sqlite_params import adapt_params
from sqlstore.dialects.base import StatementProblem
from sqlstore.queries import Query

__all__ = ["Inspection"]


class Inspection:
    """``check``, ``plan`` and ``count_rows``: the checker, ``explain`` and ``stats`` commands."""

    raw: sqlite3.Connection

    def check(self, query: Query) -> StatementProblem | None:
        """``EXPLAIN`` compiles the statement (every parameter NULL) and runs nothing."""
        nulls = dict.fromkeys(query.params)
        try:
            self.raw.execute("EXPLAIN " + query.sql, nulls).fetchall()
        except sqlite3.Error as exc:
            # SQLITE_ERROR is what a wrong statement gets; anything else is the database's.
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_ERROR":
                _raise_mapped(exc, query)
            return StatementProblem(str(exc))
        return None

    def plan(
        self,
        query: Query,
        params: Mapping[str, Any] | None = None,
        *,
        prefer_indexes: bool = False,
    ) -> list[str]:
        """``EXPLAIN QUERY PLAN`` as an indented tree; SQLite prefers indexes already."""
        values = dict.fromkeys(query.params) if params is None else adapt_params(params)
        with _mapped(query):
            rows = self.raw.execute("EXPLAIN QUERY PLAN " + query.sql, values).fetchall()
        depth: dict[int, int] = {}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        return lines

    def count_rows(self, table: str) -> int:
        """``COUNT(*)`` of a table whose name is quoted as an identifier."""
        quoted = '"' + table.replace('"', '""') + '"'
        with _mapped(None):
            return int(self.raw.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0])
