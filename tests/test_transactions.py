"""Sessions: commit on success, rollback on any exception, nested savepoints."""

from __future__ import annotations

import pytest

import sqlstore
from sqlstore import Store
from sqlstore.aio import AsyncStore
from sqlstore.aio.dao import GenerationDAO as AsyncGenerationDAO
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.errors import AlreadyExists, InvalidInput, QueryError
from tests.factories import new_generation

pytestmark = pytest.mark.both_apis


def _counts(store: Store) -> tuple[int, int]:
    with store.session(readonly=True) as session:
        return GenerationDAO(session).count(), len(PromptDAO(session).most_used(100))


def test_commit_on_success(store: Store) -> None:
    with store.session() as session:
        GenerationDAO(session).create(new_generation())
    assert _counts(store) == (1, 1)


def test_rollback_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.session() as session:
        dao = GenerationDAO(session)
        for i in range(5):
            dao.create(new_generation(prompt=f"p{i}"))
        _ = 1 / 0
    assert _counts(store) == (0, 0)


def test_database_error_rolls_back_the_whole_session(store: Store) -> None:
    gen = new_generation()
    with pytest.raises(AlreadyExists), store.session() as session:
        dao = GenerationDAO(session)
        dao.create(new_generation(prompt="first"))
        dao.create(gen)
        dao.create(gen)
    assert _counts(store) == (0, 0)


def test_savepoint_rolls_back_alone(store: Store) -> None:
    with store.session() as session:
        dao = GenerationDAO(session)
        kept = new_generation(prompt="kept")
        dao.create(kept)
        with pytest.raises(AlreadyExists), session.savepoint():
            dao.create(new_generation(prompt="inner"))
            dao.create(kept)
        with session.savepoint():
            dao.create(new_generation(prompt="nested ok"))
    with store.session() as session:
        prompts = {p.text for p in PromptDAO(session).most_used(10)}
    assert prompts == {"kept", "nested ok"}


def test_readonly_session_refuses_writes(store: Store) -> None:
    with pytest.raises(QueryError), store.session(readonly=True) as session:
        GenerationDAO(session).create(new_generation())
    assert _counts(store) == (0, 0)
    with store.session() as session:  # the connection went back to the pool writable
        GenerationDAO(session).create(new_generation())


def test_replica_options_without_readonly_are_refused_at_the_call(store: Store) -> None:
    """``read_your_writes``/``after`` choose where a read-only session reads: else refused."""
    for options in (
        {"read_your_writes": True},
        {"after": "0/16B3748"},
        {"readonly": False, "read_your_writes": True, "after": "0/16B3748"},
        {"after": "yesterday"},  # the missing readonly=True is the first thing to say
    ):
        # Refused by the call itself: no block to enter, no connection taken.
        with pytest.raises(InvalidInput, match=r"add readonly=True") as refused:
            store.session(**options)  # type: ignore[arg-type]
        for name, value in options.items():
            if name != "readonly":
                assert f"{name}={value!r}" in str(refused.value)
    # The defaults given explicitly, and the options with readonly=True, are accepted.
    with store.session(read_your_writes=False, after=None) as session:
        GenerationDAO(session).create(new_generation())
    with store.session(readonly=True, read_your_writes=True, after="0/16B3748") as session:
        assert GenerationDAO(session).count() == 1


def test_read_and_write_sessions_take_turns_on_the_pool(store: Store) -> None:
    """Each kind of session keeps its kind, whichever idle connection it was lent."""
    written = []
    for _ in range(3):
        with store.session() as session:
            written.append(GenerationDAO(session).create(new_generation()).id)
        with pytest.raises(QueryError), store.session(readonly=True) as session:
            GenerationDAO(session).create(new_generation())
        with store.session(readonly=True) as outer:
            # Two at once: the second is lent a connection of the other kind.
            with store.session() as inner:
                written.append(GenerationDAO(inner).create(new_generation()).id)
            assert GenerationDAO(outer).count() == len(written)
    with store.session(readonly=True) as session:
        dao = GenerationDAO(session)
        assert all(dao.get(id) is not None for id in written)
        assert dao.count() == len(written) == 6


def test_get_session_uses_the_default_store(
    monkeypatch: pytest.MonkeyPatch, sqlstore_url: str
) -> None:
    from sqlstore import store as store_module

    monkeypatch.setenv("DATABASE_URL", sqlstore_url)
    monkeypatch.setattr(store_module, "_default", None)
    try:
        with sqlstore.get_session() as session:
            GenerationDAO(session).create(new_generation())
        with sqlstore.get_session() as session:
            assert GenerationDAO(session).count() == 1
    finally:
        sqlstore.default_store().close()
        monkeypatch.setattr(store_module, "_default", None)


def test_get_session_without_with_fails_at_once_showing_the_with_form(
    monkeypatch: pytest.MonkeyPatch, sqlstore_url: str
) -> None:
    from sqlstore import store as store_module

    monkeypatch.setenv("DATABASE_URL", sqlstore_url)
    monkeypatch.setattr(store_module, "_default", None)
    try:
        session = sqlstore.get_session()  # as the media SDK's docs write it
        with pytest.raises(TypeError, match=r"with sqlstore\.get_session\(\) as session:"):
            GenerationDAO(session)  # type: ignore[arg-type]
        for name in ("commit", "rollback", "close", "fetch_all"):
            with pytest.raises(TypeError, match="no commit\\(\\), rollback\\(\\) or close\\(\\)"):
                getattr(session, name)()
        # Nothing was opened: the with form works at once, on an untouched database.
        with sqlstore.get_session() as opened:
            GenerationDAO(opened).create(new_generation())
        with sqlstore.get_session(readonly=True) as opened:
            assert GenerationDAO(opened).count() == 1
    finally:
        sqlstore.default_store().close()
        monkeypatch.setattr(store_module, "_default", None)


@pytest.mark.anyio
async def test_an_async_session_block_used_as_a_session_shows_the_async_with_form(
    sqlstore_async_store: AsyncStore,
) -> None:
    block = sqlstore_async_store.session()
    with pytest.raises(TypeError, match=r"async with store\.session\(\) as session:"):
        AsyncGenerationDAO(block)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="async with"):
        block.commit()  # type: ignore[attr-defined]
    async with block as session:
        assert await AsyncGenerationDAO(session).count() == 0
