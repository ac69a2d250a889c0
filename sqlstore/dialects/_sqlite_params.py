"""How Python values become SQLite parameters (see the dialect table in the README).

Values PostgreSQL would refuse (NUL in text, values with no JSON form) are
refused here too, as ``sqlite3.DataError`` naming the parameter, so the
dialect maps them to sqlstore's ``DataError`` with the query's name. So are
those PostgreSQL would store differently (bytes) or not read back (a datetime
outside years 1 to 9999 in UTC, JSON nested too deep). An integer outside 64
bits needs no check here: sqlite3 refuses it with ``OverflowError``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlstore.dialects._plans import Plan
from sqlstore.dialects._plans import plan_of as _plan_of
from sqlstore.dialects._values import NUL_IN_TEXT, json_text, refuse_bytes
from sqlstore.errors import ParameterError
from sqlstore.queries import Query
from sqlstore.sqltext import parse
from sqlstore.types import DATETIME_RANGE, Json, format_utc

__all__ = ["SQLitePlan", "adapt", "adapted_rows", "plan_of", "positional"]

_PASSTHROUGH = (str, int, float, type(None))
# Exact types sqlite3 binds as they are.
_SCALAR_TYPES = frozenset((int, float, bool, type(None)))


def _utc_text(value: datetime) -> str:
    # format_utc's text; an aware UTC value (utcnow()) needs no conversion first.
    if value.tzinfo is UTC:
        return value.isoformat(timespec="microseconds")
    try:
        return format_utc(value)
    except OverflowError:
        raise ValueError(f"{DATETIME_RANGE}: {value.isoformat()}") from None


# The common types by their exact type: one lookup instead of the isinstance chain.
_CONVERT: dict[type, Any] = {
    UUID: str,
    datetime: _utc_text,
    dict: json_text,
    list: json_text,
    bytes: refuse_bytes,
    bytearray: refuse_bytes,
    memoryview: refuse_bytes,
}


def _enum_value(value: Enum) -> Any:
    return adapt(value.value)


def adapt(value: Any) -> Any:
    """A Python value as SQLite stores it (see the dialect table in the README)."""
    convert = _CONVERT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, _PASSTHROUGH):
        return value
    if isinstance(value, Enum):
        # Each enum class once through this chain, then by the lookup above.
        _CONVERT[type(value)] = _enum_value
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        refuse_bytes(value)
    if isinstance(value, Json):
        return json_text(value.value)
    if isinstance(value, dict | list | tuple | set | frozenset):
        return json_text(value)
    return value


class SQLitePlan(Plan):
    """A query's plan on SQLite: ``?N`` placeholders, each parameter adapted as it is bound."""

    __slots__ = ()

    def __init__(self, query: Query):
        super().__init__(query, *positional(query.sql))

    def bind(self, params: Mapping[str, Any]) -> list[Any]:
        """The parameters in ``names`` order, each adapted by its type, as the module doc says.

        NUL in text and values with no JSON form are raised as
        ``sqlite3.DataError`` naming the parameter, so the dialect maps them to
        ``DataError`` with the query's name.
        """
        if len(params) != self.width:
            self.query.check_params(params)
        out = []
        name = ""
        try:
            for name in self.names:
                value = params[name]
                kind = type(value)
                if kind is str:
                    if "\x00" in value:
                        raise sqlite3.DataError(f"{NUL_IN_TEXT} (parameter :{name})")
                elif kind not in _SCALAR_TYPES:
                    convert = _CONVERT.get(kind)
                    value = _adapt_value(value, name) if convert is None else convert(value)
                out.append(value)
        except KeyError:
            self.query.check_params(params)
            raise
        except ValueError as exc:
            raise sqlite3.DataError(f"{exc} (parameter :{name})") from exc
        return out


def plan_of(query: Query) -> SQLitePlan:
    """The query's SQLite plan, made on its first run."""
    return _plan_of(query, SQLitePlan)


def positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``?N`` placeholders (N: order of first use), and the names in that order.

    sqlite3 binds a tuple by position faster than a dict by name.
    """
    statement = parse(sql)
    return statement.numbered("?"), statement.params


def adapted_rows(
    query: Query, names: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> Iterator[list[Any]]:
    """Rows adapted as ``SQLitePlan.bind`` adapts a mapping; a row of another length is refused."""
    width = len(names)
    # One value repeated down a column (the batch's timestamp) is adapted once.
    last: list[Any] = [None] * width
    done: list[Any] = [None] * width
    for row in rows:
        if len(row) != width:
            raise _row_length_error(query, names, len(row))
        out = list(row)
        for i, value in enumerate(out):
            kind = type(value)
            if kind is str:
                if "\x00" in value:
                    raise sqlite3.DataError(f"{NUL_IN_TEXT} (parameter :{names[i]})")
            elif kind in _SCALAR_TYPES:
                continue
            elif value is last[i]:
                out[i] = done[i]
            else:
                out[i] = done[i] = _adapt_value(value, names[i])
                # Only an immutable value may stand for the next row's too.
                last[i] = value if kind is datetime or kind is UUID else None
        yield out


def _adapt_value(value: Any, name: str) -> Any:
    """One value as ``SQLitePlan.bind`` adapts it, when its exact type has no converter."""
    if isinstance(value, str):
        if "\x00" in value:
            raise sqlite3.DataError(f"{NUL_IN_TEXT} (parameter :{name})")
        return value
    try:
        return adapt(value)
    except ValueError as exc:
        raise sqlite3.DataError(f"{exc} (parameter :{name})") from exc


def _row_length_error(query: Query, names: Sequence[str], length: int) -> ParameterError:
    extra = [f"value{i}" for i in range(len(names) + 1, length + 1)]
    return ParameterError(query.name, missing=names[length:], unexpected=extra, path=query.path)
