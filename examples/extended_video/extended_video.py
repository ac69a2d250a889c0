"""An app's extension of the built-in video table: duration and processing status.

The sqlstore version of the media SDK's ``ExtendedVideoEntity`` and
``ExtendedVideoRepository``: a table of its own (``migrations/``) whose id is
a foreign key to ``video``, queries of its own (``sql/extended_video/``) and a
DAO that subclasses ``VideoDAO``. Plug it in with::

    store = sqlstore.connect(url, sql_dirs=[EXAMPLE / "sql"],
                             migration_dirs=[EXAMPLE / "migrations"])
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import Field, validate_call

from sqlstore.dao import VideoDAO, atomic
from sqlstore.errors import NotFound
from sqlstore.models import MediaId, Video, VideoCreate, VideoMetadata
from sqlstore.types import utcnow

__all__ = [
    "MIGRATION_DIR",
    "SQL_DIR",
    "ExtendedVideo",
    "ExtendedVideoDAO",
    "ExtendedVideoMetadata",
    "VideoProcessingStatus",
]

HERE = Path(__file__).resolve().parent
#: The folders to hand to ``sqlstore.connect(sql_dirs=..., migration_dirs=...)``.
SQL_DIR = HERE / "sql"
MIGRATION_DIR = HERE / "migrations"

Duration = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class VideoProcessingStatus(StrEnum):
    """Where the app is in processing a video."""

    CREATED = "created"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ExtendedVideo(Video):
    """A video with the app's fields: its media, video and extended_video rows joined."""

    duration: float | None
    status: VideoProcessingStatus


class ExtendedVideoMetadata(VideoMetadata):
    """The video metadata plus the duration."""

    duration: float | None


class ExtendedVideoDAO(VideoDAO):
    """Videos with a duration and a processing status."""

    media_type: ClassVar[str] = "extended_video"

    @atomic  # three inserts: all or nothing, also when the caller catches the error
    @validate_call
    def save(self, video: VideoCreate, duration: Duration | None = None) -> ExtendedVideo:
        """Store the media, video and extended_video rows in one step, status created."""
        now = utcnow()
        self.insert_media(video.id, now)
        self.insert_video(video, now)
        self.session.execute("extended_video.insert", id=video.id, duration=duration, now=now)
        return self.require_model(
            ExtendedVideo, "extended_video.get", "extended video", id=video.id
        )

    @validate_call
    def get(self, media_id: MediaId) -> ExtendedVideo | None:
        """The extended video with this id, or ``None``."""
        return self.fetch_model(ExtendedVideo, "extended_video.get", id=media_id)

    @validate_call
    def get_status(self, media_id: MediaId) -> VideoProcessingStatus:
        """The processing status of a video; ``NotFound`` if there is none."""
        status = self.session.fetch_value("extended_video.get_status", id=media_id)
        if status is None:
            raise NotFound(f"no extended video with id={media_id}")
        return VideoProcessingStatus(status)

    @validate_call
    def update_status(self, media_id: MediaId, status: VideoProcessingStatus) -> ExtendedVideo:
        """Set the processing status of a video; ``NotFound`` if there is none."""
        self.session.execute("extended_video.update_status", id=media_id, status=status)
        return self.require_model(
            ExtendedVideo, "extended_video.get", "extended video", id=media_id
        )

    @validate_call
    def get_metadata(self, media_id: MediaId) -> ExtendedVideoMetadata:
        """The title, description and duration of a video; ``NotFound`` if there is none."""
        return self.require_model(
            ExtendedVideoMetadata, "extended_video.get_metadata", "extended video", id=media_id
        )
