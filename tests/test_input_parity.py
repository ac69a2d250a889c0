"""Same input, same answer: values one dialect would take and the other refuse, refused on both.

Each is refused before anything is sent, with sqlstore's ``DataError`` naming
the query on both dialects (or pydantic's ``ValidationError`` where a model
refuses it, as for every other bad field): a datetime whose UTC instant is
outside years 1 to 9999 (PostgreSQL stored it, then every read of the row
failed), bytes (PostgreSQL stored them as ``\\x...`` text, SQLite refused
them or compared them to nothing), an integer outside 64 bits (a
``QueryError`` or a ``DataError`` depending on the statement), and JSON
nested deeper than ``MAX_JSON_DEPTH`` (a bare ``RecursionError``, or stored
and then unreadable). Every test checks that nothing was written, and that
what was written before the refusal is still there.
"""

from __future__ import annotations

import random
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sqlstore import Store
from sqlstore.dao import GenerationDAO, TaskDAO
from sqlstore.errors import DataError
from sqlstore.models import TaskCreate
from sqlstore.types import _ENCODER, MAX_JSON_DEPTH, _too_deep, dumps_json, utcnow
from tests.factories import new_generation, raw_generation

EARLY = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # UTC: year 0
LATE = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2)))  # UTC: year 10000


def _nested(depth: int, leaf: Any = 1) -> Any:
    """``depth`` objects and arrays, alternating, around ``leaf``."""
    value = leaf
    for i in range(depth):
        value = {"a": value} if i % 2 else [value]
    return value


def _refused(store: Store, name: str, **params: Any) -> DataError:
    """Run one statement in a session that wrote a generation first; it must be refused.

    The session's earlier write must still commit: the refusal is raised
    before anything reaches the database.
    """
    kept = new_generation()
    with store.session() as session:
        before = GenerationDAO(session).count()
        GenerationDAO(session).create(kept)
        with pytest.raises(DataError) as info:
            session.execute(name, **params)
    assert info.value.query == name
    with store.session() as session:
        dao = GenerationDAO(session)
        assert dao.get(kept.id) is not None, "the write before the refusal was lost"
        assert dao.count() == before + 1
    return info.value


@pytest.mark.parametrize("moment", [EARLY, LATE], ids=["year 0", "year 10000"])
def test_datetime_outside_the_utc_years_is_refused(store: Store, moment: datetime) -> None:
    err = _refused(store, "notes.raw_generation", **raw_generation(created_at=moment))
    assert "years 1 to 9999" in str(err)


@pytest.mark.parametrize("moment", [EARLY, LATE], ids=["year 0", "year 10000"])
def test_datetime_outside_the_utc_years_is_refused_in_json(store: Store, moment: datetime) -> None:
    err = _refused(store, "notes.raw_generation", **raw_generation(metadata={"at": moment}))
    assert "years 1 to 9999" in str(err)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-1))),
        datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=1))),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
    ids=["year 1 west", "year 9999 east", "first instant", "last instant"],
)
def test_datetime_at_the_edges_is_stored_and_read_back(store: Store, moment: datetime) -> None:
    fields = raw_generation(created_at=moment)
    with store.session() as session:
        session.execute("notes.raw_generation", **fields)
    with store.session() as session:
        got = GenerationDAO(session).get(fields["id"])  # type: ignore[arg-type]
    assert got is not None and got.created_at == moment


@pytest.mark.parametrize("value", [b"abc", bytearray(b"abc"), memoryview(b"abc")], ids=type)
def test_bytes_are_refused_in_a_text_column(store: Store, value: object) -> None:
    gen = new_generation()
    with store.session() as session:
        GenerationDAO(session).create(gen)
    err = _refused(store, "notes.add", generation_id=gen.id, body=value)
    assert "bytes are not storable" in str(err)
    with store.session() as session:
        assert session.fetch_value("notes.count") == 0


def test_bytes_are_refused_in_a_comparison_and_in_a_list(store: Store) -> None:
    with store.session() as session:
        with pytest.raises(DataError, match="bytes are not storable"):
            session.fetch_all("generations.prompts.get_by_text", text=b"hip hop")
        with pytest.raises(DataError, match="bytes"):
            session.fetch_all("notes.typed", ids=[b"\x00\x01"])


@pytest.mark.parametrize("value", [2**63, 2**64, -(2**63) - 1, 10**30], ids=str)
def test_integer_outside_64_bits_is_refused(store: Store, value: int) -> None:
    err = _refused(store, "notes.raw_generation", **raw_generation(channels=value))
    assert "64 bits" in str(err)
    with store.session() as session:
        with pytest.raises(DataError, match="64 bits"):
            session.fetch_one("generations.generations.get", id=value)
        if value > 0:
            with pytest.raises(DataError, match="64 bits"):
                GenerationDAO(session).list(offset=value)


def test_integers_at_the_64_bit_edges_are_sent(store: Store) -> None:
    with store.session() as session:
        assert GenerationDAO(session).list(offset=2**63 - 1) == []
        assert session.fetch_all("notes.typed", ids=[]) == []


def test_json_nested_too_deep_is_refused_in_a_parameter(store: Store) -> None:
    for depth in (MAX_JSON_DEPTH + 1, 10_000):
        err = _refused(
            store, "notes.raw_generation", **raw_generation(metadata={"x": _nested(depth)})
        )
        assert f"nested more than {MAX_JSON_DEPTH} levels" in str(err)


def test_task_data_nested_too_deep_is_refused_by_the_model(store: Store) -> None:
    """Before: a bare ``RecursionError`` from the model's JSON check, on both dialects."""
    for depth in (MAX_JSON_DEPTH + 1, 10_000):
        with store.session() as session:
            with pytest.raises(ValidationError, match=f"nested more than {MAX_JSON_DEPTH}"):
                TaskDAO(session).add({"endpoint": "/x", "data": {"x": _nested(depth)}})  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="nested more than"):
            TaskCreate(endpoint="/x", data={"x": _nested(depth)})
    with store.session() as session:
        assert TaskDAO(session).list() == []


def test_json_at_the_depth_limit_is_stored_and_read_back(store: Store) -> None:
    """The deepest JSON stored is read back through the models on both dialects."""
    deepest = {"x": _nested(MAX_JSON_DEPTH - 1, leaf="leaf")}
    fields = raw_generation(metadata=deepest)
    with store.session() as session:
        session.execute("notes.raw_generation", **fields)
        task = TaskDAO(session).add(TaskCreate(endpoint="/x", data=deepest))
    with store.session() as session:
        got = GenerationDAO(session).get(fields["id"])  # type: ignore[arg-type]
        assert got is not None and got.metadata == deepest
        stored = TaskDAO(session).get(task.id)
        assert stored is not None and stored.data == deepest


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


_WORDS = st.text(alphabet='[]{}"\\ab:,\u00e9', max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    depth=st.integers(MAX_JSON_DEPTH - 10, MAX_JSON_DEPTH + 10),
    words=st.lists(_WORDS, min_size=1, max_size=6),
    seed=st.integers(0, 2**32),
)
def test_the_depth_check_counts_only_real_nesting(depth: int, words: list[str], seed: int) -> None:
    """Brackets, quotes and backslashes inside strings never count; every level does."""
    rng = random.Random(seed)
    value: Any = rng.choice([1, None, rng.choice(words), [], {}])
    for _ in range(depth):
        word = rng.choice(words)
        beside = rng.choice([word, [word], {word: [word]}, 1])
        value = [beside, value] if rng.random() < 0.5 else {word + "k": value, word: beside}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))
    try:
        expected = _depth(value) > MAX_JSON_DEPTH
        text = _ENCODER.encode(value)
    finally:
        sys.setrecursionlimit(limit)
    assert _too_deep(text) is expected
    if expected:
        with pytest.raises(ValueError, match="nested more than"):
            dumps_json(value)
    else:
        assert dumps_json(value) == text


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("created_at", EARLY, "years 1 to 9999"),
        ("channels", 2**64, "64 bits"),
        ("file_path", b"/tmp/x.wav", "bytes are not storable"),
        ("metadata", {"x": _nested(MAX_JSON_DEPTH + 1)}, "nested more than"),
    ],
    ids=["datetime", "int", "bytes", "json"],
)
def test_bulk_rows_are_refused_alike(store: Store, column: str, value: object, says: str) -> None:
    """``copy_in``: PostgreSQL's COPY (text format) and SQLite's batched INSERT."""
    good = {
        "id": uuid.uuid4(),
        "prompt": "p",
        "model_name": "m",
        "model_version": None,
        "duration_seconds": 1.0,
        "sample_rate": 44100,
        "channels": 2,
        "file_path": "f.wav",
        "metadata": {},
        "created_at": utcnow(),
    }
    bad = {**good, "id": uuid.uuid4(), column: value}
    with store.session() as session:
        with pytest.raises(DataError, match=says) as info:
            session.copy_in(
                "generations.generations.copy_in", [tuple(good.values()), tuple(bad.values())]
            )
        assert info.value.query == "generations.generations.copy_in"
    with store.session() as session:
        assert GenerationDAO(session).count() == 0


@pytest.mark.parametrize(
    "value", [0, 2**15, 2**31, 2**63 - 1, -(2**15) - 1, -(2**31) - 1, -(2**63)]
)
def test_the_postgresql_int_check_keeps_psycopgs_choice_of_type(value: int) -> None:
    """The checking dumper picks the type psycopg would (int2, int4, int8) for each value."""
    from psycopg.adapt import PyFormat

    from sqlstore.dialects._pg_values import _IntBinary, _IntText

    for checked in (_IntBinary(int), _IntText(int)):
        for edge in (value, value - 1 if value > 0 else value + 1):
            assert checked.get_key(edge, PyFormat.AUTO) is checked._inner.get_key(
                edge, PyFormat.AUTO
            )
