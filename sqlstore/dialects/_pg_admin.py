"""Scratch databases on a PostgreSQL server: created and dropped for test and benchmark runs."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from sqlstore.config import Settings
from sqlstore.dialects._pg_connect import connect_kwargs
from sqlstore.dialects._pg_errors import mapped as _mapped

__all__ = ["create_database", "drop_database"]


def _admin_kwargs(settings: Settings) -> dict[str, Any]:
    return {**connect_kwargs(settings), "autocommit": True}


def create_database(settings: Settings, name: str, *, template: str | None = None) -> None:
    """Create a database on the server ``settings`` points at: empty, or a copy of ``template``."""
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
    with _mapped(None), psycopg.connect(**_admin_kwargs(settings)) as conn:
        conn.execute(stmt)


def drop_database(settings: Settings, name: str) -> None:
    """Drop a database, closing any session still on it."""
    with _mapped(None), psycopg.connect(**_admin_kwargs(settings)) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
