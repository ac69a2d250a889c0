"""The content checksum ``sqlstore copy`` verifies with, the same on every dialect.

Each row's values are first made the Python values sqlstore means (the
dialect's ``value_reader``), then written in one canonical form per kind of
value: UUIDs as their lower-case text, times as fixed-width UTC ISO text
(``format_utc``), JSON as compact text with sorted keys (JSONB keeps no key
order), booleans as ``true``/``false``, numbers and text as they are. The row
is the JSON array of those, and its hash is the SHA-256 of that text.

A table's checksum is the sum of its rows' hashes modulo 2**256: it does not
depend on the order rows are read in (the dialects order text keys by
different collations), two copies of a row count twice, and the checksum of
rows added to a table is the difference of the table's before and after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlstore.types import Json, format_utc

__all__ = ["Checksum", "row_normalizer"]

_MODULUS = 2**256
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _plain(value: Any) -> Any:
    """``value`` as a canonical JSON-able value, whatever the kind its column was given."""
    if isinstance(value, Json):
        return _plain(value.value)
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal | date | time):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


class Checksum:
    """The order-free sum of row hashes; ``add`` a row, ``+`` two sums, ``hexdigest`` it."""

    __slots__ = ("rows", "value")

    def __init__(self, value: int = 0, rows: int = 0):
        self.value = value
        self.rows = rows

    def add(self, row: Sequence[Any]) -> None:
        """Count one row, its values in canonical form (see ``row_normalizer``)."""
        text = _ENCODER.encode(row)
        self.value = (
            self.value + int.from_bytes(hashlib.sha256(text.encode()).digest())
        ) % _MODULUS
        self.rows += 1

    def __add__(self, other: Checksum) -> Checksum:
        return Checksum((self.value + other.value) % _MODULUS, self.rows + other.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Checksum) and (self.value, self.rows) == (other.value, other.rows)

    __hash__ = None  # type: ignore[assignment]

    def hexdigest(self) -> str:
        """The sum as 64 hex digits."""
        return f"{self.value:064x}"


def row_normalizer(
    kinds: Sequence[str | None], reader: Callable[[str], Callable[[Any], Any] | None]
) -> Callable[[list[Any]], list[Any]]:
    """A function making a row as a dialect's driver returns it canonical, column by column.

    ``kinds`` are the columns' kinds of value; ``reader`` the dialect's
    ``value_reader``, which makes a stored value the Python value first.
    """
    readers = [(i, r) for i, k in enumerate(kinds) if k and (r := reader(k)) is not None]

    def normal(values: list[Any]) -> list[Any]:
        for i, read in readers:
            if values[i] is not None:
                values[i] = read(values[i])
        return [_plain(v) for v in values]

    return normal
