"""What the checker asks of a SQLite connection: compile, plan, count."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlstore.dialects._sqlite_errors import mapped as _mapped
from sqlstore.dialects._sqlite_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._sqlite_params import plan_of
from sqlstore.dialects.base import Indexes, StatementProblem
from sqlstore.queries import Query

__all__ = ["Inspection", "whole_scans"]


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
        plan = plan_of(query)
        values = [None] * len(plan.names) if params is None else plan.bind(params)
        with _mapped(query):
            rows = self.raw.execute("EXPLAIN QUERY PLAN " + plan.sql, values).fetchall()
        depth: dict[int, int] = {}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        return lines

    def analyze(self, query: Query, params: Mapping[str, Any]) -> list[str]:
        """The plan, then the statement run once: its rows and time (the caller rolls it back).

        SQLite has no ``EXPLAIN ANALYZE``: what it can say honestly is its
        plan (an estimate) and what running the whole statement took.
        """
        lines = self.plan(query, params)
        plan = plan_of(query)
        values = plan.bind(params)
        with _mapped(query):
            started = time.perf_counter()
            cur = self.raw.execute(plan.sql, values)
            rows = cur.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
        n, what = (len(rows), "returned") if cur.description else (cur.rowcount, "changed")
        return [
            *lines,
            f"run: {n} row(s) {what} in {elapsed:.3f} ms",
            "(SQLite has no EXPLAIN ANALYZE: the plan above is its estimate; "
            "rows and time are of the whole statement, not per step)",
        ]

    def count_rows(self, table: str) -> int:
        """``COUNT(*)`` of a table whose name is quoted as an identifier."""
        quoted = '"' + table.replace('"', '""') + '"'
        with _mapped(None):
            return int(self.raw.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0])


_SCAN = re.compile(r"^\s*SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?$")


def whole_scans(plan: Sequence[str], indexes: Indexes) -> list[str]:
    """The aliases of the plan's ``SCAN`` nodes, but for a partial index scanned whole."""
    return [
        m.group(1).lower()
        for line in plan
        if (m := _SCAN.match(line)) and (m.group(2) or "").lower() not in indexes.partial
    ]
