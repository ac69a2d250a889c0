"""How sqlstore reaches a PostgreSQL server: libpq's arguments from the settings."""

from __future__ import annotations

from typing import Any

from sqlstore.config import Settings

__all__ = ["connect_kwargs"]


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """The URL's options, database, address and credentials, and the connect timeout."""
    url = settings.url
    kwargs: dict[str, Any] = dict(url.options)
    kwargs.update(dbname=url.database, connect_timeout=max(1, round(settings.connect_timeout)))
    for key, value in (
        ("user", url.username),
        ("password", url.password),
        ("host", url.host),
        ("port", url.port),
    ):
        if value is not None:
            kwargs[key] = value
    return kwargs
