"""Hostile input through the public DAO calls, on both dialects.

Every bad input in the table (``stress/hostile_cases.py``, shared with
``python -m stress``) must get a sqlstore error or a pydantic
``ValidationError`` whose message says what was wrong, and must leave the
database exactly as it was: every row of every table (found through the
catalog queries, see ``stress/snapshot.py``) is read before and after the
call and compared. Text that merely looks like SQL is valid: it is stored and
read back verbatim in the text fields of ten tables across the stores, and
nothing else changes. Naive datetimes are taken as UTC. A NUL character is refused alike on
both dialects, in text and in JSON. ``python -m stress`` runs the same checks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stress.hostile import (
    Case,
    Env,
    check_case,
    hostile_env,
    naive_datetimes,
    nul_refused,
    store_verbatim,
)
from stress.hostile_cases import CASES, INJECTIONS
from tests.helpers import scratch_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One seeded database per dialect for the whole module: refused calls change nothing."""
    folder = tmp_path_factory.mktemp("hostile")
    server = (
        "sqlite:///unused.db"
        if request.param == "sqlite"
        else request.getfixturevalue("sqlstore_postgres_server")
    )
    with scratch_database(server) as url, hostile_env(url, folder) as made:
        yield made


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(env: Env, case: Case) -> None:
    problem = check_case(env, case)
    assert problem is None, f"{case.name}: {problem}"


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_looking_text_is_stored_verbatim(env: Env, text: str) -> None:
    """In the text fields of ten tables; nothing but the rows written is added."""
    problem = store_verbatim(env, text)
    assert problem is None, f"{text!r}: {problem}"


def test_naive_datetimes_are_taken_as_utc(env: Env) -> None:
    problem = naive_datetimes(env)
    assert problem is None, problem


def test_nul_is_refused_alike_in_text_and_json(env: Env) -> None:
    problem = nul_refused(env)
    assert problem is None, problem
