"""Dialects: the only modules that import a database driver, and their registry.

Each public module of this package defines one ``Dialect`` subclass and
registers it with ``@register``; the rest of sqlstore asks the registry
(``dialect_class``, ``dialect_names``, ``dialect_for_scheme``) and never
tests a dialect's name. The built-in modules are found and imported the
first time the registry is asked; none of them imports its driver until a
store connects.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlstore.config import Settings, resolve
from sqlstore.dialects.base import Connection, Dialect, Indexes
from sqlstore.errors import ConfigError

__all__ = [
    "Connection",
    "Dialect",
    "Indexes",
    "cloned_database",
    "dialect_class",
    "dialect_for_scheme",
    "dialect_names",
    "open_dialect",
    "register",
    "scratch_database",
    "url_schemes",
]

D = TypeVar("D", bound=type[Dialect])

_BY_NAME: dict[str, type[Dialect]] = {}
_BY_SCHEME: dict[str, type[Dialect]] = {}
# Modules of this package that are not dialects.
_NOT_DIALECTS = frozenset({"base", "base_async"})
_loaded = False


def register(cls: D) -> D:
    """Add a dialect class to the registry (a class decorator); its name and schemes are its own."""
    taken = [s for s in cls.schemes if _BY_SCHEME.get(s, cls) is not cls]
    if _BY_NAME.get(cls.name, cls) is not cls or taken:
        raise ConfigError(f"dialect {cls.name!r}: its name or schemes {taken} are taken already")
    _BY_NAME[cls.name] = cls
    _BY_SCHEME.update(dict.fromkeys(cls.schemes, cls))
    return cls


def _registry() -> dict[str, type[Dialect]]:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_") and module.name not in _NOT_DIALECTS:
                importlib.import_module(f"{__name__}.{module.name}")
    return _BY_NAME


def dialect_names() -> tuple[str, ...]:
    """The names of every registered dialect, the embedded ones first."""
    return tuple(sorted(_registry(), key=lambda n: (not _BY_NAME[n].embedded, n)))


def dialect_class(name: str) -> type[Dialect]:
    """The dialect class called ``name``, without connecting (e.g. to render its SQL)."""
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(dialect_names())
        raise ConfigError(f"unknown dialect {name!r}; use one of: {known}") from None


def dialect_for_scheme(scheme: str) -> type[Dialect] | None:
    """The dialect a URL scheme (``postgres``, ``sqlite3``...) means, or None."""
    _registry()
    return _BY_SCHEME.get(scheme.lower())


def url_schemes() -> tuple[str, ...]:
    """Every URL scheme a registered dialect takes, sorted."""
    _registry()
    return tuple(sorted(_BY_SCHEME))


def open_dialect(settings: Settings) -> Dialect:
    """Open the dialect that serves ``settings.url``."""
    return dialect_class(settings.url.dialect)(settings)


@contextmanager
def scratch_database(server_url: str, prefix: str = "sqlstore_test") -> Iterator[str]:
    """A new empty database beside ``server_url``'s, dropped afterwards; yields its URL.

    For SQLite the database is a file in a temporary folder. The URL yielded
    carries the password: hand it to ``connect``, never to a log.
    """
    settings = resolve(server_url)
    with dialect_class(settings.url.dialect).scratch_database(settings, prefix) as url:
        yield url


@contextmanager
def cloned_database(template_url: str, prefix: str = "sqlstore_test") -> Iterator[str]:
    """A new database, a copy of ``template_url``'s, dropped afterwards; yields its URL.

    PostgreSQL: ``CREATE DATABASE ... TEMPLATE`` (no session may be open on
    the template); SQLite: a copy of the file (no connection may hold
    changes in its WAL). The URL yielded carries the password.
    """
    settings = resolve(template_url)
    with dialect_class(settings.url.dialect).clone_database(settings, prefix) as url:
        yield url
