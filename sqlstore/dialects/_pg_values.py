"""How values go to PostgreSQL: dicts and ``Json`` as JSONB, and the checking dumpers.

Dicts and ``Json`` values are written by sqlstore's own compact encoder, which
refuses what no dialect can store (NaN, NUL, values with no JSON form). The
other dumpers refuse, before sending, what SQLite refuses or PostgreSQL would
mis-store.

psycopg would send an integer outside 64 bits as a numeric (the server then
answers with an error that depends on the statement), a datetime whose UTC
instant is in year 0 or 10000 (stored, then every read of it fails), and
bytes for a text column (stored as ``\\x...`` text). These dumpers raise
``psycopg.DataError`` instead, which the dialect maps to sqlstore's
``DataError`` naming the query: the same class SQLite's adaptation gives.

The checks wrap psycopg's own (C) dumpers and only choose the key: psycopg
caches the dumper of each key, so the wrapper adds one Python call per int or
datetime value and the value is still dumped by psycopg's C code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import psycopg
from psycopg.abc import AdaptContext, Buffer
from psycopg.adapt import AdaptersMap, Dumper, PyFormat
from psycopg.types.json import JsonbDumper
from psycopg.types.numeric import Int2, Int4, Int8

from sqlstore.dialects._values import (
    BYTES_REFUSED,
    INT_RANGE,
    MAX_INT,
    MIN_INT,
    check_utc_range,
    json_text,
)
from sqlstore.types import Json

__all__ = ["register_dumpers"]

_DEFAULTS = psycopg.adapters


class _Checked(Dumper):
    """A psycopg dumper behind a check; the subclass says which and with what format."""

    format = psycopg.pq.Format.BINARY
    pyformat = PyFormat.BINARY

    def __init__(self, cls: type, context: AdaptContext | None = None):
        super().__init__(cls, context)
        self._inner = _DEFAULTS.get_dumper(cls, self.pyformat)(cls, context)

    def upgrade(self, obj: Any, format: PyFormat) -> Dumper:
        """The psycopg dumper for the key ``get_key`` gave (psycopg caches it per key)."""
        return cast(Dumper, self._inner.upgrade(obj, format))

    def dump(self, obj: Any) -> Buffer | None:
        """Not reached: ``get_key`` never gives the class itself, so ``upgrade``'s dumper dumps."""
        return self._inner.dump(obj)


class _IntBinary(_Checked):
    def get_key(self, obj: int, format: PyFormat) -> Any:
        # psycopg's own choice (the smallest type that holds the value), without
        # calling its dumper: the keys must match the dumpers its upgrade() gives.
        if -(2**31) <= obj < 2**31:
            return Int2 if -(2**15) <= obj < 2**15 else Int4
        if MIN_INT <= obj <= MAX_INT:
            return Int8
        raise psycopg.DataError(INT_RANGE)


class _IntText(_IntBinary):
    format = psycopg.pq.Format.TEXT
    pyformat = PyFormat.TEXT


# Keys of our own, never the class: psycopg then caches upgrade()'s dumper and
# calls only get_key for each value.
_AWARE = (datetime, "aware")
_NAIVE = (datetime, "naive")


class _DatetimeBinary(_Checked):
    def get_key(self, obj: datetime, format: PyFormat) -> Any:
        if obj.tzinfo is None:
            return _NAIVE
        if obj.year in (1, 9999):
            try:
                check_utc_range(obj)
            except ValueError as exc:
                raise psycopg.DataError(str(exc)) from None
        return _AWARE


class _DatetimeText(_DatetimeBinary):
    format = psycopg.pq.Format.TEXT
    pyformat = PyFormat.TEXT


class _Bytes(Dumper):
    format = psycopg.pq.Format.BINARY

    def get_key(self, obj: Any, format: PyFormat) -> Any:
        raise psycopg.DataError(f"{BYTES_REFUSED} ({type(obj).__name__})")

    def dump(self, obj: Any) -> Buffer | None:
        """Not reached: ``get_key`` refuses every value."""
        raise psycopg.DataError(BYTES_REFUSED)


class _BytesText(_Bytes):
    format = psycopg.pq.Format.TEXT


def _jsonb(value: Any) -> bytes:
    # Refused as psycopg's DataError (mapped with the query's name), as the
    # SQLite dialect refuses the same values.
    try:
        return json_text(value).encode()
    except ValueError as exc:  # also UnicodeEncodeError: a lone surrogate
        raise psycopg.DataError(str(exc)) from exc


class _DictDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return _jsonb(obj)


class _JsonDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return _jsonb(obj.value)


def register_dumpers(adapters: AdaptersMap) -> None:
    """Put sqlstore's dumpers in a connection's adapters (text, then binary for ``%s``)."""
    adapters.register_dumper(dict, _DictDumper)
    adapters.register_dumper(Json, _JsonDumper)
    adapters.register_dumper(int, _IntText)
    adapters.register_dumper(int, _IntBinary)
    adapters.register_dumper(datetime, _DatetimeText)
    adapters.register_dumper(datetime, _DatetimeBinary)
    for kind in (bytes, bytearray, memoryview):
        adapters.register_dumper(kind, _BytesText)
        adapters.register_dumper(kind, _Bytes)
