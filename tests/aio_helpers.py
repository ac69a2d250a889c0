"""Async stores on the same database as a test's ``store``, for the async connection tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlstore import Store
from sqlstore.aio import AsyncStore
from tests.helpers import APP


def async_twin(store: Store, **tuning: Any) -> AsyncStore:
    """An ``AsyncStore`` on ``store``'s database with the test app's queries, tuned as given."""
    return AsyncStore(replace(store.settings, **tuning), sql_dirs=[APP / "sql"])
