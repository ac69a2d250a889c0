"""What list and bulk calls return: ``Page`` (rows and the next cursor) and ``Written``.

Every DAO's ``list`` pages by keyset: it returns a ``Page``, a list of models
with ``next``, an opaque cursor to pass back as ``after`` for the following
page (``None`` on the last). A cursor holds the last row's sort key, which
list it belongs to and with which filters, signed with HMAC-SHA256: one
that was changed, cut, or made for another list or other filters is
``InvalidInput``. The key is ``SQLSTORE_CURSOR_KEY`` (read once), else a
fixed one, the same in every process (a web app's workers serve each
other's next pages): a cursor only carries keys its caller has seen, so the
check is against mistakes; set the variable to refuse forged cursors too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlstore.errors import InvalidInput

__all__ = ["Keyset", "Page", "Written"]

T = TypeVar("T")

_MAC_BYTES = 16


class Page(list[T], Generic[T]):
    """One page of a list: its rows in order (it is a list) and ``next``, the next page's cursor.

    ``next`` is ``None`` on the last page. Pass it back as ``after`` to the same
    ``list`` call, with the same filters.
    """

    def __init__(self, items: Iterable[T] = (), next: str | None = None):
        super().__init__(items)
        self.next = next

    @property
    def items(self) -> list[T]:
        """The rows of this page, as a plain list."""
        return list(self)

    def __repr__(self) -> str:
        return f"Page({list.__repr__(self)}, next={self.next!r})"


class Written(int):
    """How many rows a bulk write stored (it is that ``int``); ``ids``: which, in order."""

    ids: tuple[Any, ...]

    def __new__(cls, ids: Sequence[Any]) -> Written:
        """The count of ``ids``, carrying them."""
        written = super().__new__(cls, len(ids))
        written.ids = tuple(ids)
        return written

    def __repr__(self) -> str:
        return f"Written({list(self.ids)!r})"

    def __str__(self) -> str:
        return str(int(self))


#: The key when ``SQLSTORE_CURSOR_KEY`` is not set: not a secret (see the module's docstring).
_DEFAULT_KEY = b"sqlstore cursor v1"


@cache
def _secret() -> bytes:
    given = os.environ.get("SQLSTORE_CURSOR_KEY")
    return given.encode() if given else _DEFAULT_KEY


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _as_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _digest(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _aware(text: Any) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


#: What a cursor's values are read back as, by the kind a keyset names.
_READERS: dict[str, Callable[[Any], Any]] = {"time": _aware, "uuid": UUID, "text": str, "int": int}


@dataclass(frozen=True)
class Keyset:
    """A list's sort key: the model fields it orders by, their kinds, and the start value.

    The list query takes ``:after_<field>`` for each field: the key of the
    row before the page (``start`` for the first page, a value every row
    comes after).
    """

    fields: tuple[str, ...]
    kinds: tuple[str, ...]
    start: tuple[Any, ...]

    def encode(self, scope: str, filters: dict[str, Any], row: Any) -> str:
        """The signed cursor of the page after ``row``."""
        return sign(scope, filters, [getattr(row, f) for f in self.fields])

    def page(self, scope: str, filters: dict[str, Any], rows: list[T], limit: int) -> Page[T]:
        """The page of ``rows`` read with ``limit + 1``: the first ``limit``, and the cursor."""
        if len(rows) <= limit:
            return Page(rows)
        del rows[limit:]
        return Page(rows, self.encode(scope, filters, rows[-1]))

    def params(self, scope: str, filters: dict[str, Any], after: str | None) -> dict[str, Any]:
        """The ``after_<field>`` parameters for ``after`` (``None``: the first page)."""
        values = self.start if after is None else self._decode(scope, filters, after)
        return {f"after_{f}": v for f, v in zip(self.fields, values, strict=True)}

    def _decode(self, scope: str, filters: dict[str, Any], cursor: str) -> tuple[Any, ...]:
        key = unsign(scope, filters, cursor)
        if len(key) != len(self.kinds):
            raise InvalidInput("not a cursor of this list: pass back the `next` of its last page")
        return tuple(_READERS[k](v) for k, v in zip(self.kinds, key, strict=True))


def sign(scope: str, filters: dict[str, Any], key: list[Any]) -> str:
    """The cursor after a row whose sort key is ``key``, for the call ``scope`` with ``filters``."""
    body = [scope, _digest(filters), [_as_json(v) for v in key]]
    payload = json.dumps(body, separators=(",", ":")).encode()
    mac = hmac.new(_secret(), payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return f"{_b64(payload)}.{_b64(mac)}"


def unsign(scope: str, filters: dict[str, Any], cursor: str) -> list[Any]:
    """The sort key ``sign`` put in ``cursor``; ``InvalidInput`` if it is not one of this call's."""
    bad = InvalidInput("not a cursor of this list: pass back the `next` of its last page")
    if not isinstance(cursor, str) or cursor.count(".") != 1:
        raise bad
    body, mac = cursor.split(".")
    try:
        payload, given = _unb64(body), _unb64(mac)
    except (binascii.Error, ValueError):
        raise bad from None
    if _b64(payload) != body or _b64(given) != mac:  # base64 ignores some bits: be exact
        raise bad
    expected = hmac.new(_secret(), payload, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(expected, given):
        raise bad
    got_scope, digest, key = json.loads(payload)
    if got_scope != scope or digest != _digest(filters):
        raise InvalidInput(
            "this cursor belongs to another list or other filters: "
            "page with the filters of the call that gave it"
        )
    if not isinstance(key, list):
        raise bad
    return key


#: Before every time: the start of a list newest first.
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

#: Newest first by (created_at, id), the id a UUID.
NEWEST_UUID = Keyset(("created_at", "id"), ("time", "uuid"), (FAR_FUTURE, UUID(int=2**128 - 1)))
#: Newest first by (created_at, id), the id a text.
NEWEST_TEXT = Keyset(("created_at", "id"), ("time", "text"), (FAR_FUTURE, ""))
#: Newest first by a growing integer id.
NEWEST_ID = Keyset(("id",), ("int",), (2**63 - 1,))
#: In the order of a growing sequence number, from the first.
BY_SEQ = Keyset(("seq",), ("int",), (0,))
