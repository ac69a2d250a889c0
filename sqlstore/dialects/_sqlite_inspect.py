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
from sqlstore.dialects.base import Indexes, ResultColumn, StatementProblem
from sqlstore.queries import Query
from sqlstore.sqltext import Literal_, Param, parse

__all__ = ["Inspection", "whole_scans"]


class Inspection:
    """``check``, ``plan`` and ``count_rows``: the checker, ``explain`` and ``stats`` commands."""

    raw: sqlite3.Connection

    def check(self, query: Query) -> StatementProblem | None:
        """``EXPLAIN`` compiles the statement (every parameter NULL) and runs nothing.

        It is compiled twice: as written, then with every ``"name"`` written
        ``[name]``, which SQLite never reads as a string: an unknown
        double-quoted name, which SQLite would take for a string literal, fails.
        """
        nulls = dict.fromkeys(query.params)
        bracketed = _bracketed(query.sql)
        for sql in (query.sql, bracketed) if bracketed else (query.sql,):
            try:
                self.raw.execute("EXPLAIN " + sql, nulls).fetchall()
            except sqlite3.Error as exc:
                # SQLITE_ERROR is what a wrong statement gets; anything else is the database's.
                if getattr(exc, "sqlite_errorname", "") != "SQLITE_ERROR":
                    _raise_mapped(exc, query)
                message = str(exc)
                if sql is bracketed and (name := re.match(r"no such column: (.+)", message)):
                    message = (
                        f'no such column: "{name.group(1)}" (SQLite would read the unknown '
                        "double-quoted name as a string; write a string in single quotes)"
                    )
                return StatementProblem(message)
        return None

    def describe(self, query: Query) -> list[ResultColumn] | None:
        """The result's columns and their declared types, read from a temporary view.

        The view is the SELECT (a RETURNING clause: a SELECT of it from the
        table written) with every parameter NULL, made and dropped inside the
        caller's transaction; it is the one write, to the connection's own
        temporary schema, and the transaction is rolled back anyway.
        """
        select = _as_select(query.sql)
        if select is None:
            return None
        only = self.raw.execute("PRAGMA query_only").fetchone()[0]
        with _mapped(query):
            self.raw.execute("PRAGMA query_only = OFF")
            try:
                self.raw.execute("CREATE TEMP VIEW sqlstore_describe AS " + select)
                rows = self.raw.execute("PRAGMA temp.table_xinfo(sqlstore_describe)").fetchall()
                self.raw.execute("DROP VIEW temp.sqlstore_describe")
            finally:
                self.raw.execute(f"PRAGMA query_only = {int(only)}")
        return [ResultColumn(str(row[1]), _kind(str(row[2] or ""))) for row in rows]

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


def _bracketed(sql: str) -> str | None:
    """``sql`` with each ``"name"`` written ``[name]``; None if it has none."""
    out, changed = [], False
    for seg in parse(sql).segments:
        text = f":{seg.name}" if isinstance(seg, Param) else seg.text
        if isinstance(seg, Literal_) and text.startswith('"') and "]" not in text:
            text, changed = "[" + text[1:-1].replace('""', '"') + "]", True
        out.append(text)
    return "".join(out) if changed else None


_WRITE = re.compile(
    r"\b(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)"
    r"\s+((?:\w+\.)?\w+)",
    re.IGNORECASE,
)


def _as_select(sql: str) -> str | None:
    """A SELECT with the statement's result columns, every parameter NULL; None if none."""
    statement = parse(sql)
    text = "".join("NULL" if isinstance(s, Param) else s.text for s in statement.segments)
    code = "".join(
        " " * len(s.text) if isinstance(s, Literal_) else "NULL" if isinstance(s, Param) else s.text
        for s in parse(text).segments
    )
    returning = list(re.finditer(r"\breturning\b", code, re.IGNORECASE))
    if not returning:
        return text if statement.kind in ("SELECT", "WITH", "VALUES") else None
    # SQLite's WITH holds no writes: the first one is the statement's (not an upsert's DO UPDATE).
    target = _WRITE.search(code)
    if target is None:
        return None
    columns = text[returning[-1].end() :].strip().rstrip(";")
    return f"SELECT {columns} FROM {target.group(1)}"


def _kind(declared: str) -> str | None:
    """The value kind of a declared SQLite type, by its affinity words; None if unknown."""
    word = declared.upper()
    for part, kind in (
        ("INT", "integer"), ("BOOL", "boolean"), ("CHAR", "text"), ("CLOB", "text"),
        ("TEXT", "text"), ("JSON", "text"), ("UUID", "text"), ("DATE", "text"),
        ("TIME", "text"), ("BLOB", "bytes"), ("REAL", "float"), ("FLOA", "float"),
        ("DOUB", "float"), ("NUMERIC", "numeric"), ("DECIMAL", "numeric"),
    ):  # fmt: skip
        if part in word:
            return kind
    return None
