"""Values both dialects refuse alike, checked before a driver sees them.

PostgreSQL refuses a NUL character in text and ``\\u0000`` in JSONB; SQLite
would store both. JSON has no NaN or infinities, and some Python values have
no JSON form at all. Each dialect turns the ``ValueError`` raised here into
its driver's data error, so the caller gets sqlstore's ``DataError`` naming
the query, and the same input fails the same way on both dialects.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlstore.types import dumps_json

__all__ = ["NUL_IN_TEXT", "json_text"]

NUL_IN_TEXT = "text cannot contain NUL (0x00) characters"

# ``\u0000`` written by the encoder for a NUL character: an escape whose
# backslash is not itself escaped (``\\u0000`` is the six characters \u0000).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


# A string (kept as it is) or a number written with a positive exponent.
_BIG_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?e\+\d+)')


def _expanded(match: re.Match[str]) -> str:
    number = match.group(1)
    if number is None:
        return match.group(0)
    return format(Decimal(number), "f") + ".0"


def json_text(value: Any) -> str:
    """``value`` as compact JSON text, or a ``ValueError`` saying why no dialect can store it."""
    try:
        text = dumps_json(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"not storable as JSON: {exc}") from None
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        raise ValueError(f"not storable as JSON: {NUL_IN_TEXT}")
    if "e+" in text:
        # Python writes a float of 1e16 or more as 4.85e+16. JSONB keeps numbers
        # as decimals and gives that back as 48500000000000000, which Python
        # reads as an int of another value; written 48500000000000000.0 it
        # comes back as the same float.
        text = _BIG_NUMBER.sub(_expanded, text)
    return text
