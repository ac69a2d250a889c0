"""The extension example: an app's table, SQL and migrations on top of video, on both dialects."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from sqlstore import Store, connect
from sqlstore.dao import CaptionDAO, MediaDAO, VideoDAO
from sqlstore.errors import AlreadyExists, IntegrityError, NotFound
from sqlstore.models import Video, VideoCreate, VideoMetadata
from tests.helpers import load_example

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "extended_video"


ev = load_example(EXAMPLE / "extended_video.py")


@pytest.fixture
def app_store(sqlstore_blank_url: str) -> Iterator[Store]:
    with connect(
        sqlstore_blank_url, sql_dirs=[EXAMPLE / "sql"], migration_dirs=[EXAMPLE / "migrations"]
    ) as store:
        applied = store.migrate()
        assert applied[-1] == f"0001_extended_video.{store.dialect.name}"
        assert f"0002_media.{store.dialect.name}" in applied
        yield store


def test_save_with_duration_and_read_it_back(app_store: Store) -> None:
    with app_store.session() as session:
        dao = ev.ExtendedVideoDAO(session)
        saved = dao.save(VideoCreate(id="ev-1", title="My Video", path="/v.mp4"), duration=42)
        assert isinstance(saved, ev.ExtendedVideo) and isinstance(saved, Video)
        assert saved.media_type == "extended_video" and saved.duration == 42.0
        assert saved.status is ev.VideoProcessingStatus.CREATED
        assert dao.get("ev-1") == saved
        assert dao.check_media_exists("ev-1")
        # It is a video too, read through the built-in DAO.
        plain = VideoDAO(session).get("ev-1")
        assert plain is not None and plain.title == "My Video"
        assert plain.media_type == "extended_video"
        assert dao.save(VideoCreate(id="ev-2")).duration is None


def test_status_and_metadata(app_store: Store) -> None:
    status = ev.VideoProcessingStatus
    with app_store.session() as session:
        dao = ev.ExtendedVideoDAO(session)
        saved = dao.save(VideoCreate(id="ev-1", title="T", description="D"), duration=1.5)
        assert dao.get_status("ev-1") is status.CREATED
        time.sleep(0.002)  # past SQLite's millisecond clock
        running = dao.update_status("ev-1", "running")
        assert running.status is status.RUNNING and dao.get_status("ev-1") is status.RUNNING
        assert running.updated_at > saved.updated_at
        assert dao.get_metadata("ev-1") == ev.ExtendedVideoMetadata(
            title="T", description="D", duration=1.5
        )
        assert isinstance(dao.get_metadata("ev-1"), VideoMetadata)
        for call in (dao.get_status, dao.get_metadata):
            with pytest.raises(NotFound, match="missing"):
                call("missing")
        with pytest.raises(NotFound):
            dao.update_status("missing", status.FAILED)
        with pytest.raises(ValidationError):
            dao.update_status("ev-1", "paused")
        with pytest.raises(ValidationError):
            dao.save(VideoCreate(id="ev-3"), duration=-1)
        # A plain video has no extended row: the app's calls do not see it.
        VideoDAO(session).save(VideoCreate(id="plain"))
        assert dao.get("plain") is None
        with pytest.raises(NotFound):
            dao.get_status("plain")


def test_the_database_checks_the_status_too(app_store: Store) -> None:
    with app_store.session() as session:
        ev.ExtendedVideoDAO(session).save(VideoCreate(id="ev-1"))
        with pytest.raises(IntegrityError), session.savepoint():
            session.execute("extended_video.update_status", id="ev-1", status="paused")
        assert ev.ExtendedVideoDAO(session).get_status("ev-1") == "created"


def test_a_duplicate_id_leaves_nothing_partial(app_store: Store) -> None:
    with app_store.session() as session:
        VideoDAO(session).save(VideoCreate(id="taken", title="plain"))
        with pytest.raises(AlreadyExists, match="media id 'taken' already exists"):
            ev.ExtendedVideoDAO(session).save(VideoCreate(id="taken"), duration=3)
        assert ev.ExtendedVideoDAO(session).get("taken") is None
        found = VideoDAO(session).get("taken")
        assert found is not None and found.media_type == "video" and found.title == "plain"


def test_deleting_the_video_takes_the_extended_row(app_store: Store) -> None:
    with app_store.session() as session:
        dao = ev.ExtendedVideoDAO(session)
        dao.save(VideoCreate(id="ev-1"), duration=9)
        CaptionDAO(session).save_all("blip", "ev-1", ["a"], [0.0], [0])
        assert dao.delete("ev-1") is True
        assert dao.get("ev-1") is None and not MediaDAO(session).check_media_exists("ev-1")
        assert CaptionDAO(session).get("blip", "ev-1") == []


def test_the_app_migration_rolls_back_first(app_store: Store) -> None:
    rolled = app_store.rollback(steps=None)
    assert rolled[0] == f"0001_extended_video.{app_store.dialect.name}"
    assert app_store.migrate()[-1] == rolled[0]


def test_run_py_runs_from_the_readme(sqlstore_blank_url: str) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE / "run.py"), sqlstore_blank_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0001_extended_video" in done.stdout
    assert "status: created" in done.stdout and "status: completed" in done.stdout
    assert '"duration":42.0' in done.stdout
