"""What the pytest plugin asks of a dialect that can reuse a test's database copy."""

from __future__ import annotations

from typing import Protocol

__all__ = ["CopyRecycler"]


class CopyRecycler(Protocol):
    """Makes a used copy of one template like a new copy again."""

    #: Pass to ``reset`` with a copy fresh from the template.
    since: str

    def reset(self, url: str, since: str) -> str | None:
        """Reset the copy at ``url``; the ``since`` of its next reset, or None: drop it instead."""
        ...
