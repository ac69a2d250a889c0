"""``explain --analyze``: run one statement in a transaction that is always rolled back."""

from __future__ import annotations

from typing import Any

from sqlstore.check import CHECKABLE, statement_kind
from sqlstore.errors import QueryError
from sqlstore.store import Store

__all__ = ["analyze"]


class _RollBack(Exception):
    """Raised to end the transaction: whatever the statement wrote is rolled back."""


def analyze(store: Store, name: str, params: dict[str, Any]) -> list[str]:
    """Run query ``name`` with these values and report its plan with real figures; keep nothing.

    A write transaction (an INSERT or UPDATE must really run to be
    measured), rolled back whatever happens. Sequences a statement advances
    stay advanced: PostgreSQL never rolls them back.
    """
    query = store.registry.get(name)
    kind = statement_kind(query.statement)
    if kind not in CHECKABLE:
        raise QueryError(f"{kind} statements cannot be analyzed", query=name, path=query.path)
    query.check_params(params)
    lines: list[str] = []
    try:
        with store.dialect.transaction() as conn:
            lines = conn.analyze(query, params)
            raise _RollBack
    except _RollBack:
        pass
    return lines
