"""Dialects: the only modules that import a database driver."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlstore.config import Settings, resolve
from sqlstore.dialects.base import Connection, Dialect
from sqlstore.errors import ConfigError

__all__ = ["Connection", "Dialect", "dialect_class", "open_dialect", "scratch_database"]


def dialect_class(name: str) -> type[Dialect]:
    """The dialect class called ``name``, without connecting (e.g. to render its SQL)."""
    if name == "sqlite":
        from sqlstore.dialects.sqlite import SQLiteDialect

        return SQLiteDialect
    if name == "postgresql":
        from sqlstore.dialects.postgresql import PostgreSQLDialect

        return PostgreSQLDialect
    raise ConfigError(f"unknown dialect {name!r}; use sqlite or postgresql")


def open_dialect(settings: Settings) -> Dialect:
    """Open the dialect that serves ``settings.url``."""
    if settings.url.dialect == "sqlite":
        from sqlstore.dialects.sqlite import SQLiteDialect

        return SQLiteDialect(settings)
    if settings.url.dialect == "postgresql":
        from sqlstore.dialects.postgresql import PostgreSQLDialect

        return PostgreSQLDialect(settings)
    raise ConfigError(f"no dialect for {settings.url}")  # pragma: no cover - parse refuses first


@contextmanager
def scratch_database(server_url: str, prefix: str = "sqlstore_test") -> Iterator[str]:
    """A new empty database beside ``server_url``'s, dropped afterwards; yields its URL.

    For SQLite the database is a file in a temporary folder. The URL yielded
    carries the password: hand it to ``connect``, never to a log.
    """
    settings = resolve(server_url)
    if settings.url.dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            yield f"sqlite:///{Path(folder) / 'scratch.db'}"
        return
    from sqlstore.dialects._pg_admin import create_database, drop_database

    name = f"{prefix}_{secrets.token_hex(6)}"
    create_database(settings, name)
    try:
        yield replace(settings.url, database=name).render(hide_password=False)
    finally:
        drop_database(settings, name)
