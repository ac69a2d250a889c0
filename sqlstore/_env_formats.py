"""The environment formats of the systems sqlstore replaces, read into a database URL.

``DB_CONFIG`` is the media SDK's JSON; the ``DB_*`` variables are the agent
framework's. ``sqlstore.config.resolve`` reads them when no URL is given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlstore.config import _TUNING
from sqlstore.dialects import dialect_for_scheme, url_schemes
from sqlstore.errors import ConfigError

__all__ = ["from_db_config", "from_db_vars"]


def from_db_config(raw: str) -> tuple[str, dict[str, Any]]:
    """The media SDK's ``DB_CONFIG`` JSON: the URL it names, and the tuning it carries."""
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"DB_CONFIG is not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(config, dict):
        raise ConfigError("DB_CONFIG must be a JSON object")
    kind = str(config.get("datastore_type", "sqlite")).lower()
    store = config.get("datastore_config") or {}
    if not isinstance(store, dict):
        raise ConfigError("DB_CONFIG datastore_config must be a JSON object")
    tuning: dict[str, Any] = {}
    renames = {"query_timeout": "statement_timeout", "connection_timeout": "connect_timeout"}
    for key, value in config.items():
        key = renames.get(key, key)
        if key in _TUNING and value is not None:
            try:
                tuning[key] = _TUNING[key](value)
            except (TypeError, ValueError):
                raise ConfigError(f"DB_CONFIG {key} must be a number") from None
    dialect = dialect_for_scheme(kind)
    if dialect is None:
        raise ConfigError(
            f"DB_CONFIG datastore_type {kind!r} is none of: {', '.join(url_schemes())}"
        )
    if dialect.embedded:
        path = str(store.get("path") or "data/sqlstore.db")
        # The media SDK opens ``sqlite:///{path}``: the path is the database file,
        # extension or not. Only a folder (one that exists, or a path ending in a
        # separator) holds the database, as ``sqlstore.db`` inside it.
        if path.endswith(("/", os.sep)) or Path(path).is_dir():
            path = str(Path(path) / "sqlstore.db")
        return f"{dialect.schemes[0]}:///{path}", tuning
    user = quote(str(store.get("user") or store.get("username") or ""), safe="")
    password = store.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = store.get("host") or "localhost"
    port = store.get("port") or dialect.default_port
    database = store.get("database") or store.get("dbname") or dialect.default_database
    where = f"{host}:{port}" if port else host
    return f"{dialect.schemes[0]}://{auth}{where}/{quote(str(database))}", tuning


def from_db_vars(env: Mapping[str, str]) -> str | None:
    """The agent framework's variables; any one missing (or port 0) means the default URL.

    An empty ``DB_USERNAME`` or ``DB_PASSWORD`` is a value, as for the
    framework (trust auth, a ``.env`` with ``DB_PASSWORD=``): only a missing
    one falls back. libpq then takes an empty one as not given.
    """
    driver = env.get("DB_DRIVER", "")
    # Its drivers are SQLAlchemy's: ``sqlite+aiosqlite``, ``postgresql+asyncpg``.
    dialect = dialect_for_scheme(driver.lower().partition("+")[0])
    if dialect is not None and dialect.embedded:
        database = env.get("DB_DATABASE")
        return f"{dialect.schemes[0]}:///{database}" if database else None
    keys = ("DB_DRIVER", "DB_HOST", "DB_PORT", "DB_DATABASE")
    may_be_empty = ("DB_USERNAME", "DB_PASSWORD")
    if not all(env.get(k) for k in keys) or env.get("DB_PORT") == "0":
        return None
    if any(env.get(k) is None for k in may_be_empty):
        return None
    user = quote(env["DB_USERNAME"], safe="")
    password = quote(env["DB_PASSWORD"], safe="")
    host, port, database = env["DB_HOST"], env["DB_PORT"], quote(env["DB_DATABASE"])
    return f"{driver}://{user}:{password}@{host}:{port}/{database}"
