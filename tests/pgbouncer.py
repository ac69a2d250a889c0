"""A real PgBouncer in transaction mode, started in front of the test server.

``pgbouncer`` (session-scoped) starts Debian's ``pgbouncer`` on a free port in
front of the server ``SQLSTORE_TEST_POSTGRES_URL`` names, every database
passed through (``* = host=... port=...``), ``pool_mode = transaction`` and
``auth_type = trust``, and stops it when the run ends (``tools/pgbouncer.py``
starts it; the benchmark uses the same code). Without the binary the tests
that use it skip with the reason, and fail under
``SQLSTORE_REQUIRE_POSTGRES=1`` (as a missing server does).

With ``SQLSTORE_TEST_THROUGH_PGBOUNCER=1`` every PostgreSQL store of the suite
(``sqlstore_url``, see conftest.py) goes through it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from sqlstore.testing import _unavailable
from tools.pgbouncer import PgBouncerFailed, direct, running, through
from tools.pgbouncer import binary as pgbouncer_binary

__all__ = ["THROUGH_PGBOUNCER", "direct", "pgbouncer", "pgbouncer_binary", "through"]

#: Whether the suite's PostgreSQL stores go through PgBouncer.
THROUGH_PGBOUNCER = os.environ.get("SQLSTORE_TEST_THROUGH_PGBOUNCER") == "1"


@pytest.fixture(scope="session")
def pgbouncer(sqlstore_postgres_server: str) -> Iterator[Callable[[str], str]]:
    """``through(url)``: the URL of the same database through a PgBouncer in transaction mode."""
    if pgbouncer_binary() is None:
        _unavailable("POSTGRES", "pgbouncer is not installed (apt-get install pgbouncer)")
    try:
        with running(sqlstore_postgres_server) as bouncer:
            yield bouncer.through
    except PgBouncerFailed as exc:
        pytest.fail(str(exc), pytrace=False)
