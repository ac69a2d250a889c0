"""Where the built-in ``sql/`` and ``migrations/`` folders are, and that a folder given exists."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from sqlstore.errors import MigrationError

__all__ = ["builtin_dir", "migration_dirs"]

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(kind: Literal["sql", "migrations"]) -> Path:
    """The bundled folder in an installed wheel, else the checkout's top-level folder."""
    bundled = _PACKAGE / "_bundled" / kind
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / kind


def migration_dirs(dirs: Iterable[Path | str]) -> list[Path]:
    """The folders as paths; ``MigrationError`` if one does not exist."""
    found = [Path(d) for d in dirs]
    for d in found:
        if not d.is_dir():
            raise MigrationError(f"migration folder {d} does not exist")
    return found
