"""A query's plan: what hand-written code keeps as constants, worked out once per query.

The first run of a query builds its plan and keeps it on the ``Query``: the
text with positional placeholders, which parameter goes in each place, and
the result's column names (read from that run's ``cursor.description``; a
row of another width reads them again). Binding checks the parameter names
for free: each is looked up, and there must be no other name;
``Query.check_params`` explains a mismatch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlstore.queries import Query

__all__ = ["Plan", "plan_of"]

P = TypeVar("P", bound="Plan")


class Plan:
    """How one query runs on one dialect; see the module doc."""

    __slots__ = ("_take", "columns", "drain", "names", "query", "sql", "width")

    def __init__(self, query: Query, sql: str, names: tuple[str, ...]):
        self.query = query
        self.sql = sql
        #: The parameter for each placeholder, in order.
        self.names = names
        # -1: a query with an IN-list item has its values checked on every call.
        self.width = -1 if query.in_params else len(query.params)
        #: Step the statement to its end after the first row: anything but a
        #: SELECT may still be writing (an UPDATE ... RETURNING).
        self.drain = query.statement.kind not in ("SELECT", "VALUES")
        self.columns: tuple[str, ...] | None = None
        self._take: Callable[[Mapping[str, Any]], Any] = (
            operator.itemgetter(*names) if len(names) > 1 else lambda p: [p[n] for n in names]
        )

    def values(self, params: Mapping[str, Any]) -> Sequence[Any]:
        """The parameters in placeholder order; ``ParameterError`` unless exactly the query's."""
        if len(params) != self.width:
            self.query.check_params(params)
        try:
            return self._take(params)  # type: ignore[no-any-return]
        except KeyError:
            self.query.check_params(params)
            raise

    def row(self, cursor: Any, values: Sequence[Any]) -> dict[str, Any]:
        """One row of ``cursor``'s result as a dict, keyed by the column names."""
        columns = self.columns
        if columns is None or len(columns) != len(values):
            columns = self.columns = tuple(d[0] for d in cursor.description)
        return dict(zip(columns, values, strict=True))

    def rows(self, cursor: Any, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        """Every row of ``cursor``'s result as a dict."""
        if not rows:
            return []
        first = self.row(cursor, rows[0])
        columns = self.columns
        return [first, *(dict(zip(columns, row, strict=True)) for row in rows[1:])]  # type: ignore[arg-type]


def plan_of(query: Query, make: Callable[[Query], P]) -> P:
    """The query's plan, made by ``make`` on its first run and kept on the query."""
    plan = query.plan
    if plan is None:
        plan = make(query)
        object.__setattr__(query, "plan", plan)
    return plan  # type: ignore[no-any-return]
