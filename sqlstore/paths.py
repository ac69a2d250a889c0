"""Where the built-in ``sql/`` and ``migrations/`` folders are."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["builtin_dir"]

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(kind: Literal["sql", "migrations"]) -> Path:
    """The bundled folder in an installed wheel, else the checkout's top-level folder."""
    bundled = _PACKAGE / "_bundled" / kind
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / kind
