"""What a database holds and does: row counts per table, each store's figures, time per query."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlstore.check import rolled_back
from sqlstore.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.queries import tagged_name
from sqlstore.store import Store

__all__ = ["QueryFigures", "query_figures", "row_counts", "store_figures", "table_names"]


def table_names(store: Store) -> list[str]:
    """The application's tables, from the catalog."""
    with store.session(readonly=True) as session:
        return [str(r["table_name"]) for r in session.fetch_all("catalog.tables")]


def row_counts(store: Store, tables: Iterable[str]) -> Iterator[tuple[str, int]]:
    """``(table, rows)`` for each table, counted in one read-only transaction."""
    with rolled_back(store) as conn:
        for table in tables:
            yield table, conn.count_rows(table)


def store_figures(store: Store, tables: Iterable[str], top: int = 5) -> dict[str, Any]:
    """Each store's own figures, for the stores whose tables exist.

    ``generations``: GenerationDAO.stats(); ``top_prompts``: the ``top`` most
    used prompts as ``(count, text)``; ``tasks``: TaskDAO.count().
    """
    present = set(tables)
    figures: dict[str, Any] = {}
    with store.session(readonly=True) as session:
        if {"generations", "prompts"} <= present:
            figures["generations"] = GenerationDAO(session).stats()
            figures["top_prompts"] = [
                (p.used_count, p.text) for p in PromptDAO(session).most_used(top)
            ]
        if "tasks" in present:
            figures["tasks"] = TaskDAO(session).count()
    return figures


@dataclass
class QueryFigures:
    """What the server counted for one query (every statement text tagged with its name)."""

    name: str
    calls: int = 0
    total_ms: float = 0.0
    rows: int = 0

    @property
    def mean_ms(self) -> float:
        """The mean time of one call, in milliseconds."""
        return self.total_ms / self.calls if self.calls else 0.0


def query_figures(store: Store) -> tuple[list[QueryFigures], QueryFigures]:
    """Each query's figures from the server's statistics, and those of untagged statements.

    The statements sqlstore sends start with ``/* sqlstore:<name> */``; the
    others (``BEGIN``, ``COMMIT``, savepoints, other clients') are added up in
    the second value, named ``(other)``. A ``ConfigError`` where the server
    keeps no statistics (``Connection.statement_stats``).
    """
    with rolled_back(store) as conn:
        stats = conn.statement_stats()
    by_name: dict[str, QueryFigures] = {}
    other = QueryFigures("(other)")
    for stat in stats:
        name = tagged_name(stat.text)
        figures = other if name is None else by_name.setdefault(name, QueryFigures(name))
        figures.calls += stat.calls
        figures.total_ms += stat.total_ms
        figures.rows += stat.rows
    return list(by_name.values()), other
