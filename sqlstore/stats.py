"""What a database holds: row counts per table and the figures each store exposes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlstore.check import rolled_back
from sqlstore.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.store import Store

__all__ = ["row_counts", "store_figures", "table_names"]


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
