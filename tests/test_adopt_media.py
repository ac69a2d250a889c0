"""Adopting the media-AI SDK's database: its six tables and rows become sqlstore's."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import datetime

import pytest

from sqlstore import connect
from sqlstore.adopt import adopt
from sqlstore.dao import CaptionDAO, MediaDAO, TaskDAO, TranscriptDAO, VideoDAO
from sqlstore.errors import MigrationError
from sqlstore.migration_check import definition_of, schema_of
from sqlstore.models import TaskCreate, TranscriptCreate
from tests.adopt_media_rows import (
    T1,
    T2,
    T3,
    TABLES,
    _check_rows,
    _rows,
)
from tests.adopt_seeds import seed, table_rows
from tests.helpers import builtin_migrations, invoke, scratch_database


def test_adopting_keeps_every_row_and_gives_sqlstores_schema(
    sqlstore_blank_url: str, sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> None:
    seed(sqlstore_blank_url, _rows(sqlstore_dialect), "media")
    with connect(sqlstore_blank_url) as store:
        assert adopt(store, "media") == builtin_migrations(store.settings.url.dialect)
        adopted, definition = schema_of(store), definition_of(store)
    _check_rows(sqlstore_blank_url)
    with connect(sqlstore_blank_url) as store, store.session() as session:
        # New rows follow the adopted ones; the search index holds the adopted transcripts.
        transcripts = TranscriptDAO(session)
        new = transcripts.save(
            TranscriptCreate(
                model="whisper",
                media_id="img-1",
                transcript="bonjour",
                segments=[],
                language="fr",
                language_confidence=0.5,
            )
        )
        assert new.id > 9
        assert [t.id for t in transcripts.search("hello").items] == [3]
        assert CaptionDAO(session).save_all("blip2", "img-1", ["a bird"], [0.0], [0]) == 1
        assert next(c.id for c in CaptionDAO(session).get("blip2", "img-1")) > 5
        assert TaskDAO(session).add(TaskCreate(endpoint="/x", data={})).id not in {T1, T2, T3}
        assert MediaDAO(session).delete("vid-1")  # cascades to its video, transcript, captions
        assert transcripts.get_by_id(3) is None and VideoDAO(session).get("vid-1") is None
    with (
        scratch_database(sqlstore_server(sqlstore_dialect)) as fresh_url,
        connect(fresh_url) as fresh,
    ):
        fresh.migrate()
        assert (schema_of(fresh), definition_of(fresh)) == (adopted, definition)


def test_migrate_after_adopting_has_nothing_left_and_a_second_adopt_is_refused(
    sqlstore_blank_url: str, sqlstore_dialect: str
) -> None:
    seed(sqlstore_blank_url, _rows(sqlstore_dialect), "media")
    with connect(sqlstore_blank_url) as store:
        adopt(store, "media")
        assert store.migrate() == []
        assert all(s.applied for s in store.migration_status())
        with pytest.raises(MigrationError, match="already applied"):
            adopt(store, "media")
    _check_rows(sqlstore_blank_url)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        # The SDK keeps no media for a transcript: without the app's column, nothing to adopt to.
        ("no media_id", "table transcript has 2 row.s. and no media_id column"),
        # An orphan: the app's media_id column had no foreign key.
        ("orphan", "table caption has 1 row.s. whose media_id match.es. no media row"),
        # A pickle that would build an object is never run.
        ("pickled object", "table tasks: the data of task .* cannot be read .*datetime"),
        # sqlstore's own checks: a confidence above 1 (the SDK's CHECK was never created).
        ("confidence", "language_confidence"),
    ],
)
def test_a_refused_adoption_changes_nothing(
    sqlstore_blank_url: str, sqlstore_dialect: str, change: str, refusal: str
) -> None:
    rows = _rows(sqlstore_dialect, with_media_id=change != "no media_id")
    if change == "orphan":
        rows[-6][1]["media_id"] = "gone"  # type: ignore[index]
    if change == "pickled object":
        rows[-4][1]["data"] = pickle.dumps({"at": datetime(2025, 1, 1)})  # type: ignore[index]
    if change == "confidence":
        rows[-8][1]["confidence"] = 1.5  # type: ignore[index]
    seed(sqlstore_blank_url, rows, "media")
    before = table_rows(sqlstore_blank_url, TABLES)
    with connect(sqlstore_blank_url) as store:
        schema = schema_of(store)
        with pytest.raises(MigrationError, match=refusal):
            adopt(store, "media")
        assert schema_of(store) == schema
        assert not any(s.applied for s in store.migration_status())
    assert table_rows(sqlstore_blank_url, TABLES) == before


def test_the_adopt_media_command(sqlstore_blank_url: str, sqlstore_dialect: str) -> None:
    seed(sqlstore_blank_url, _rows(sqlstore_dialect), "media")
    result = invoke("--database", sqlstore_blank_url, "adopt", "media")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[-1] == f"adopted the media database; {len(lines) - 1} migration(s) applied"
    _check_rows(sqlstore_blank_url)
