"""Hostile input through the public DAO calls, on both dialects.

Every bad input in the table (``stress/hostile_cases.py``, shared with
``python -m stress``) must get a sqlstore error or a pydantic
``ValidationError`` whose message says what was wrong, and must leave the
database exactly as it was: every row of every table (found through the
catalog queries, see ``stress/snapshot.py``) is read before and after the
call and compared. Text that merely looks like SQL is valid: it is stored and
read back verbatim, and nothing else changes. Naive datetimes are taken as
UTC. A NUL character is refused alike on both dialects.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sqlstore import Json
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.dialects import scratch_database
from sqlstore.errors import DataError
from stress.hostile import Case, Env, check_case, hostile_env
from stress.hostile_cases import CASES, INJECTION
from stress.snapshot import added_rows
from tests.factories import new_generation


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


INJECTIONS = [
    INJECTION,
    "' OR '1'='1",
    '" OR ""="',
    "Robert'); DROP TABLE prompts;--",
    "1; DELETE FROM prompts WHERE 1=1; --",
    "$$; DROP TABLE generations; $$",
    "%(prompt)s %s :prompt ? $1 {0}",
    "/* */ UNION SELECT id, text FROM prompts --",
    "\\'; SELECT pg_sleep(10); --",
    "'''''' \\\\ \\u0000 E'\\x00'",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_looking_text_is_stored_verbatim(env: Env, text: str) -> None:
    before = env.snapshot.take()
    with env.store.session() as session:
        assert GenerationDAO(session).list(model_name=text) == []
        assert PromptDAO(session).get_by_text(text) is None
    assert env.snapshot.take() == before
    meta = {text: text, "nested": {"k": [text]}}
    new = new_generation(
        prompt=text, model_name=text, model_version=text, file_path=text, metadata=meta
    )
    with env.store.session() as session:
        GenerationDAO(session).create(new)
        GenerationDAO(session).fail(new.id, text)
    with env.store.session() as session:
        dao = GenerationDAO(session)
        got = dao.get(new.id)
        assert got is not None
        assert (got.prompt, got.model_name, got.model_version, got.file_path) == (text,) * 4
        assert (got.error_message, got.metadata) == (text, meta)
        assert dao.list(model_name=text) == [got]
        prompt = PromptDAO(session).get_by_text(text)
        assert prompt is not None and prompt.text == text
    gained = added_rows(before, env.snapshot.take())
    assert gained == {t: int(t in ("generations", "prompts")) for t in before}


def test_naive_datetimes_are_taken_as_utc(env: Env) -> None:
    aware = env.rows.completed
    naive = aware.model_copy(update={"created_at": aware.created_at.replace(tzinfo=None)})
    assert naive.created_at.tzinfo is None
    page = {"status": None, "model_name": None, "limit": 10}
    with env.store.session() as session:
        dao = GenerationDAO(session)
        older = dao.list(after=aware)
        assert [g.id for g in older] == [env.rows.processing.id, env.rows.pending.id]
        assert dao.list(after=naive) == older
        for after in (aware, naive):
            rows = session.fetch_all(
                "generations.list_after",
                **page,
                after_created_at=after.created_at,
                after_id=after.id,
            )
            assert [str(r["id"]) for r in rows] == [str(g.id) for g in older]


def test_nul_is_refused_alike_in_text_and_json(env: Env) -> None:
    with env.store.session(readonly=True) as session:
        for value in ("\x00", Json({"k": "\x00"}), Json(["a", "\x00"])):
            with pytest.raises(DataError, match="NUL"):
                session.fetch_all("prompts.get_by_text", text=value)
        # Six characters that read like an escape are text, not a NUL.
        assert session.fetch_all("prompts.get_by_text", text="\\u0000") == []
