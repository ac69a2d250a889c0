"""``sqlstore check --plans``: what a plan says about a query's WHERE clause and the indexes.

Two warnings, read from the plan and the SQL text (not its meaning, so a
column named in a subquery's ``WHERE`` counts too):

- ``full-scan``: a table is read whole (PostgreSQL: a Seq Scan, or an index
  scan with no Index Cond; SQLite: a SCAN, with or without an index; a
  partial index does not count) although a ``WHERE`` clause names a column
  that leads one of its indexes. The usual cause is a filter the index
  cannot serve as written: an optional filter (``:p IS NULL OR col = :p``),
  a function around the column, a type mismatch.
- ``unindexed-filter``: a table the statement names is read whole and a
  ``WHERE`` clause names a column of it that leads no index: no index could
  serve that filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from sqlstore.dialects import Indexes, dialect_class
from sqlstore.sqltext import Code, Param, Statement

__all__ = ["code_lines", "plan_warnings"]

_CLAUSE_END = re.compile(
    r"\b(?:order\s+by|group\s+by|limit|returning|having|window|for\s+update|union)\b"
)
_NOT_ALIAS = frozenset(
    re.findall(
        r"\w+",
        "where on set inner left right full cross natural join order group limit using values "
        "as returning union except intersect having window indexed not default select from",
    )
)


def code_lines(statement: Statement) -> Iterator[tuple[int, str]]:
    """Each piece of SQL outside strings and comments, with the line it starts on."""
    line = 1
    for seg in statement.segments:
        if isinstance(seg, Param):
            continue
        if isinstance(seg, Code):
            for offset, text in enumerate(seg.text.split("\n")):
                yield line + offset, text
        line += seg.text.count("\n")


def plan_warnings(
    statement: Statement,
    plan: Sequence[str],
    indexes: Indexes,
    dialect: str,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[str, str]]:
    """``(rule, message)`` for each ``full-scan`` and ``unindexed-filter``; see the module doc.

    ``columns`` (``{table: [column, ...]}``) enables ``unindexed-filter``.
    """
    code = " ".join(text for _, text in code_lines(statement)).lower()
    clauses = []
    for match in re.finditer(r"\bwhere\b", code):
        rest = code[match.end() :]
        end = _CLAUSE_END.search(rest)
        clauses.append(rest[: end.start()] if end else rest)
    if not clauses:
        return []
    where = " ".join(clauses)
    reader = dialect_class(dialect)
    tables = {*indexes.leading, *(columns or {})}
    aliases = _aliases(code, tables) if reader.plan_names_aliases else {}
    warnings = []
    for scanned in dict.fromkeys(reader.whole_scans(plan, indexes)):
        table = aliases.get(scanned, scanned)
        leading = indexes.leading.get(table, {})
        named = [(col, ix) for col, ix in leading.items() if _names(where, col)]
        if named:
            cols = ", ".join(f"{col} (leads {ix})" for col, ix in named)
            warnings.append(
                ("full-scan", f"full scan of {table} although the WHERE clause names {cols}")
            )
        # Only a table the statement names: a scan of another is a foreign key's action.
        named_table = _names(code, table)
        bare = [
            col
            for col in (columns or {}).get(table, ())
            if named_table and col.lower() not in leading and _names(where, col.lower())
        ]
        if bare:
            cols = ", ".join(f"{table}.{col}" for col in bare)
            warnings.append(
                (
                    "unindexed-filter",
                    f"full scan of {table} filtering on {cols}, which no index leads",
                )
            )
    return warnings


def _names(where: str, column: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(column)}(?!\w)", where) is not None


def _aliases(code: str, tables: set[str]) -> dict[str, str]:
    """``{alias: table}`` for ``table [AS] alias`` in the statement's code."""
    found = {}
    for table in tables:
        for match in re.finditer(rf"\b{re.escape(table)}\s+(?:as\s+)?([a-z_]\w*)", code):
            if match.group(1) not in _NOT_ALIAS:
                found[match.group(1)] = table
    return found
