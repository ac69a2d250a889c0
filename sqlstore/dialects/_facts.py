"""What a dialect reports about a database, in the same shape on every dialect.

A statement the database refused to compile, a statement's server figures, a
result's columns, and the catalog's indexes: plain values that the checker
and the commands read (``dialects.base`` re-exports them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["VALUE_KINDS", "Indexes", "ResultColumn", "StatementProblem", "StatementStats"]


@dataclass(frozen=True)
class StatementProblem:
    """Why the database refused to compile a statement, and on which line, when it says."""

    message: str
    line: int | None = None


#: The kinds of value a result column holds, whatever the dialect calls its type.
VALUE_KINDS = (
    "integer", "float", "numeric", "text", "boolean", "uuid",
    "timestamp", "date", "time", "interval", "json", "bytes", "array",
)  # fmt: skip


@dataclass(frozen=True)
class StatementStats:
    """One statement text's figures as the server keeps them (``pg_stat_statements``)."""

    text: str
    calls: int
    total_ms: float
    rows: int


@dataclass(frozen=True)
class ResultColumn:
    """One column of a query's result: its name, and its kind of value (None: unknown)."""

    name: str
    kind: str | None


@dataclass(frozen=True)
class Indexes:
    """What the catalog says about indexes, as the full-scan heuristic needs it."""

    #: ``{table: {leading column: index}}``
    leading: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``{index: table}``
    table_of: dict[str, str] = field(default_factory=dict)
    #: indexes with a WHERE clause: scanning one whole is not scanning the table
    partial: frozenset[str] = frozenset()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Indexes:
        """Build from ``catalog.index_columns`` rows."""
        leading: dict[str, dict[str, str]] = {}
        table_of, partial = {}, set()
        for row in rows:
            table, index = str(row["table_name"]).lower(), str(row["index_name"]).lower()
            table_of[index] = table
            if row["partial"]:
                partial.add(index)
            if int(row["position"]) == 1:
                leading.setdefault(table, {}).setdefault(str(row["column_name"]).lower(), index)
        return cls(leading, table_of, frozenset(partial))
