"""Parses the suite does once per process instead of once per store or per migration step.

Opening a store parses every SQL file of its folders (about 200, 0.1 to 0.2 s
of CPU: most of a short test's setup, and twice for a test on both APIs), and
yoyo splits every migration file with sqlparse each time a migrator reads its
folders (every ``migrate``, ``rollback`` and ``status``: 10 of the 18 s of a
``check-migrations`` run). Both are functions of the text alone, so the suite
keeps their results by text, for the run:

- ``sqlstore.queries.parse``: a ``Statement`` is frozen (tuples and frozen
  dataclasses all the way down). Each store still reads its files and builds
  its own ``Query`` objects, so a query's plan is still worked out per store.
- ``sqlparse.split``: a new list of the same strings on each call (yoyo
  rewrites the first item in place).

Changed files have a new text and are parsed again; a text that fails to
parse raises each time (an exception is not kept). What runs in a subprocess
(the CLI scripts, the stress helpers) parses as an app does.
"""

from __future__ import annotations

import functools

import sqlparse

import sqlstore.queries

__all__ = ["install"]


def install() -> None:
    """Replace both parsers with their cached twins (once; called by ``conftest.py``)."""
    if getattr(sqlstore.queries.parse, "cache_info", None) is not None:
        return
    sqlstore.queries.parse = functools.lru_cache(maxsize=None)(sqlstore.queries.parse)  # type: ignore[assignment]
    split = sqlparse.split
    cached = functools.lru_cache(maxsize=None)(
        lambda sql, encoding, strip: tuple(split(sql, encoding, strip))
    )

    @functools.wraps(split)
    def split_once(
        sql: str, encoding: str | None = None, strip_semicolon: bool = False
    ) -> list[str]:
        return list(cached(sql, encoding, strip_semicolon))

    sqlparse.split = split_once
