"""Package exports imported on first use, so that a program pays only for the stores it uses.

``sqlstore.dao`` and ``sqlstore.models`` export every store's classes; building
their Pydantic schemas and call wrappers is most of a cold start. Such a
package imports its names under ``if TYPE_CHECKING:`` (what type checkers and
readers see) and hands its ``__getattr__`` and ``__dir__`` to ``exports``,
which reads that block once: a name is imported from its module the first
time it is asked for (PEP 562), and kept.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["exports"]


def _imported_under_type_checking(path: Path) -> dict[str, str]:
    """``{name: module}`` for each ``from module import name`` under ``if TYPE_CHECKING:``."""
    where: dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module:
                    where.update((alias.name, stmt.module) for alias in stmt.names)
    return where


def exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, from its ``TYPE_CHECKING`` imports."""
    module = sys.modules[package]
    namespace = module.__dict__
    where = _imported_under_type_checking(Path(str(module.__file__)))

    def __getattr__(name: str) -> Any:
        source = where.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
