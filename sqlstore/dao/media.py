# Generated from sqlstore/aio/dao/media.py (`make generate`): edit that file, not this one.
"""DAOs of the media-AI store: media, video, transcripts and captions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, Field, TypeAdapter

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.base import BaseDAO, atomic, int_key, streaming
from sqlstore.errors import AlreadyExists, ForeignKeyError, InvalidInput, NotFound
from sqlstore.models.media import (
    Caption,
    CaptionCreate,
    Media,
    MediaId,
    Transcript,
    TranscriptCreate,
    TranscriptUpdate,
    Video,
    VideoCreate,
    VideoMetadata,
    VideoUpdate,
)
from sqlstore.results import NEWEST_ID, NEWEST_TEXT, Page, Written
from sqlstore.types import Json, utcnow

__all__ = ["CaptionDAO", "MediaDAO", "TranscriptDAO", "VideoDAO"]

R = TypeVar("R", bound=BaseModel)

_VIDEOS: TypeAdapter[list[VideoCreate]] = TypeAdapter(list[VideoCreate])
_TRANSCRIPTS: TypeAdapter[list[TranscriptCreate]] = TypeAdapter(list[TranscriptCreate])


@contextmanager
def _media_must_exist(media_id: str) -> Iterator[None]:
    """Name the missing media when a row's foreign key to it fails."""
    try:
        yield
    except ForeignKeyError as exc:
        raise ForeignKeyError(
            f"no media with id {media_id!r}", query=exc.query, path=exc.path
        ) from exc


class MediaDAO(BaseDAO):
    """Media of every type: existence checks, reads and deletes by id."""

    #: The ``media_type`` a subclass writes for the media it saves.
    media_type: ClassVar[str] = "media"

    @checked
    def check_media_exists(self, media_id: MediaId) -> bool:
        """True if a media (of any type) has this id."""
        return self.session.fetch_value("media.media.exists", id=media_id) is not None

    @checked
    def get(self, media_id: MediaId) -> Media | None:
        """The media row with this id, or ``None``."""
        return self.fetch_model(Media, "media.media.get", id=media_id)

    @checked
    def delete(self, media_id: MediaId) -> bool:
        """Delete a media with everything that hangs off it; True if there was one."""
        return self.session.execute("media.media.delete", id=media_id) > 0

    @checked
    def list(
        self, *, media_type: str | None = None, limit: int = 100, after: str | None = None
    ) -> Page[Media]:
        """Media newest first, optionally of one type; pass a page's ``next`` as ``after``."""
        return self.fetch_page(
            Media,
            "media.media.list",
            NEWEST_TEXT,
            limit,
            after,
            {"media_type": media_type},
        )

    @streaming
    @checked
    def iter_all(self, *, media_type: str | None = None, batch_size: int = 1000) -> Iterator[Media]:
        """Every media newest first, a page of ``batch_size`` at a time: memory stays bounded."""
        return self.iter_pages(self.list, batch_size, media_type=media_type)

    @checked
    def count(self, *, media_type: str | None = None) -> int:
        """How many media there are, optionally of one type."""
        return int(self.session.fetch_value("media.media.count", media_type=media_type))

    def insert_media(self, media_id: str, now: datetime) -> None:
        """Insert the media row, as ``media_type``: an extension point for a subclass's ``save``.

        ``save`` writes more rows after it: mark it ``@atomic``, so that a
        failed save leaves nothing behind even when the caller goes on with
        the session after catching the error. A taken id is ``AlreadyExists``.
        """
        try:
            self.session.execute(
                "media.media.insert", id=media_id, media_type=self.media_type, now=now
            )
        except AlreadyExists as exc:
            err = AlreadyExists(
                f"media id {media_id!r} already exists", query=exc.query, path=exc.path
            )
            err.constraint = exc.constraint
            raise err from exc


class VideoDAO(MediaDAO):
    """Videos: a media row and a video row with the same id, written and read together."""

    media_type: ClassVar[str] = "video"

    @atomic
    def save(self, video: VideoCreate) -> Video:
        """Store a video (media and video rows) in one step; a taken id is ``AlreadyExists``."""
        video = VideoCreate.model_validate(video)
        now = utcnow()
        self.insert_media(video.id, now)
        self.insert_video(video, now)
        return self._saved(video.id)

    def insert_video(self, video: VideoCreate, now: datetime) -> None:
        """Insert the video row after ``insert_media``: an extension point of ``save``."""
        self.session.execute(
            "media.video.insert",
            id=video.id,
            path=video.path,
            url=video.url,
            title=video.title,
            description=video.description,
            now=now,
        )

    def _saved(self, media_id: str) -> Video:
        found = self.get(media_id)
        assert found is not None  # written in this transaction
        return found

    @checked
    def get(self, media_id: MediaId) -> Video | None:
        """The video with this id (media and video rows joined), or ``None``."""
        return self.fetch_model(Video, "media.video.get", id=media_id)

    @checked
    def get_metadata(self, media_id: MediaId) -> VideoMetadata:
        """The title and description of a video; ``NotFound`` if there is none."""
        return self.require_model(VideoMetadata, "media.video.get_metadata", "video", id=media_id)

    @checked
    def update(self, media_id: MediaId, changes: VideoUpdate) -> Video:
        """Change the fields given in ``changes`` (``None``: to NULL); the others stay as they are.

        With no field given nothing is written (updated_at stays) and the video
        comes back as it is.
        """
        if changes.given():
            self.session.execute("media.video.update", id=media_id, **changes.params())
        found = self.get(media_id)  # a subclass's get: its own model
        if found is None:
            raise NotFound(f"no video with id={media_id}")
        return found

    @checked
    def delete(self, media_id: MediaId) -> bool:
        """Delete a video with its transcripts and captions; True if there was one."""
        return self.session.execute("media.video.delete", id=media_id) > 0

    @atomic
    def save_many(self, videos: Iterable[VideoCreate]) -> Written:
        """Store many videos, all or none: one statement for their media rows, one for the videos.

        Every video is checked before anything is sent; a taken or repeated id
        is ``AlreadyExists`` and nothing is written. Returns how many, with
        their ``ids`` in the order given.
        """
        news = _VIDEOS.validate_python(videos if isinstance(videos, list) else list(videos))
        if not news:
            return Written([])
        now = utcnow()
        ids = [v.id for v in news]
        try:
            self.session.fetch_all(
                "media.media.insert_many", ids=ids, media_type=self.media_type, now=now
            )
        except AlreadyExists as exc:
            raise AlreadyExists(
                "a media id is taken or given twice; no video was saved",
                query=exc.query,
                path=exc.path,
            ) from exc
        rows = [v.model_dump(include={"id", "path", "url", "title", "description"}) for v in news]
        self.session.fetch_all("media.video.insert_many", rows=Json(rows), now=now)
        return Written(ids)

    @checked
    def list(  # type: ignore[override]
        self, *, limit: int = 100, after: str | None = None
    ) -> Page[Video]:
        """Videos newest first; pass a page's ``next`` as ``after``."""
        return self.fetch_page(Video, "media.video.list", NEWEST_TEXT, limit, after, {})

    @streaming
    @checked
    def iter_all(self, *, batch_size: int = 1000) -> Iterator[Video]:  # type: ignore[override]
        """Every video newest first, a page of ``batch_size`` at a time: memory stays bounded."""
        return self.iter_pages(self.list, batch_size)

    def count(self) -> int:  # type: ignore[override]
        """How many videos there are."""
        return int(self.session.fetch_value("media.video.count"))


class _OfMediaDAO(BaseDAO, Generic[R]):
    """What transcripts and captions share: rows of a media by a model, with integer ids."""

    row: ClassVar[type[Any]]
    queries: ClassVar[str]

    @checked
    def get_by_id(self, id: int) -> R | None:
        """The row with this id, or ``None``."""
        found: R | None = self.fetch_model(self.row, f"{self.queries}.get_by_id", id=id)
        return found

    @checked
    def delete(self, id: int) -> bool:
        """Delete the row with this id; True if there was one."""
        return self.session.execute(f"{self.queries}.delete", id=id) > 0

    @checked
    def list(
        self,
        *,
        media_id: MediaId | None = None,
        model: str | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Page[R]:
        """Rows newest first, optionally of one media and one model (``after``: a ``next``)."""
        filters = {"media_id": media_id, "model": model}
        query = f"{self.queries}.list"
        return self.fetch_page(self.row, query, NEWEST_ID, limit, after, filters)

    @streaming
    @checked
    def iter_all(
        self, *, media_id: MediaId | None = None, model: str | None = None, batch_size: int = 1000
    ) -> Iterator[R]:
        """Every row newest first, a page of ``batch_size`` at a time: memory stays bounded."""
        return self.iter_pages(self.list, batch_size, media_id=media_id, model=model)

    @checked
    def count(self, *, media_id: MediaId | None = None, model: str | None = None) -> int:
        """How many rows there are, optionally of one media and one model."""
        query = f"{self.queries}.count"
        return int(self.session.fetch_value(query, media_id=media_id, model=model))


class TranscriptDAO(_OfMediaDAO[Transcript]):
    """Transcripts of a media, one per model run."""

    row, queries = Transcript, "media.transcripts"

    # One statement, but on SQLite its trigger writes the search index before
    # the foreign key is checked: a missing media fails after two writes.
    @atomic
    def save(self, new: TranscriptCreate) -> Transcript:
        """Store a transcript; its media must exist (``ForeignKeyError`` otherwise)."""
        new = TranscriptCreate.model_validate(new)
        with _media_must_exist(new.media_id):
            row = self.session.fetch_one(
                "media.transcripts.insert",
                model=new.model,
                media_id=new.media_id,
                transcript=new.transcript,
                segments=Json([s.model_dump() for s in new.segments]),
                language=new.language,
                language_confidence=new.language_confidence,
                now=utcnow(),
            )
        return Transcript.model_validate(row)

    @checked
    def get(self, model_name: str, media_id: MediaId) -> Transcript | None:
        """The latest transcript of a media by a model, or ``None``."""
        return self.fetch_model(
            Transcript, "media.transcripts.get", model=model_name, media_id=media_id
        )

    @atomic
    def save_many(self, news: Iterable[TranscriptCreate]) -> Written:
        """Store many transcripts in one statement, all or none; their media must exist.

        Returns how many, with their new ``ids`` in the order given.
        """
        checked_news = _TRANSCRIPTS.validate_python(news if isinstance(news, list) else list(news))
        rows = [n.model_dump(mode="json") for n in checked_news]
        return _insert_many(self, "media.transcripts.insert_many", rows)

    @checked
    def update(self, id: int, changes: TranscriptUpdate) -> Transcript:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such transcript.

        With no field given nothing is written and the transcript comes back as it is.
        """
        if changes.given():
            params = changes.params()
            if changes.segments is not None:
                params["segments"] = Json([s.model_dump() for s in changes.segments])
            self.session.execute("media.transcripts.update", id=id, **params)
        return self.require_model(Transcript, "media.transcripts.get_by_id", "transcript", id=id)

    def search(self, query: str, limit: int = 20, after: str | None = None) -> Page[Transcript]:
        """Transcripts matching the full-text ``query`` (``sqlstore.search``), best first."""
        return self.search_page(
            Transcript, "media.transcripts.search", query, limit, after, int_key, terms=True
        )


FrameId = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class CaptionDAO(_OfMediaDAO[Caption]):
    """Captions of the frames of a media, saved in batches."""

    row, queries = Caption, "media.captions"

    @atomic
    @checked
    def save_all(
        self,
        model_name: str,
        media_id: MediaId,
        captions: Sequence[str],
        timestamps: Sequence[Seconds],
        frame_ids: Sequence[FrameId],
    ) -> int:
        """Store one caption per frame in one statement; return how many, with their ``ids``.

        The three lists go together item by item: unequal lengths are
        ``InvalidInput`` and nothing is written. The batch is all or nothing;
        the ids are in the order given.
        """
        if not len(captions) == len(timestamps) == len(frame_ids):
            raise InvalidInput(
                f"captions, timestamps and frame_ids must have the same length, not "
                f"{len(captions)}, {len(timestamps)} and {len(frame_ids)}"
            )
        rows = [
            CaptionCreate(
                model=model_name,
                media_id=media_id,
                caption=caption,
                frame_id=frame_id,
                timestamp=timestamp,
            ).model_dump()
            for caption, timestamp, frame_id in zip(captions, timestamps, frame_ids, strict=True)
        ]
        with _media_must_exist(media_id):
            return _insert_many(self, "media.captions.insert_many", rows)

    @checked
    def get(self, model_name: str, media_id: MediaId) -> List[Caption]:
        """The captions of a media by a model, in frame order."""
        return self.fetch_models(Caption, "media.captions.get", model=model_name, media_id=media_id)


def _insert_many(dao: BaseDAO, query: str, rows: List[dict[str, Any]]) -> Written:
    """Insert ``rows`` (a JSON array) in one statement stamped now; their ids, growing."""
    if not rows:
        return Written([])
    found = dao.session.fetch_all(query, rows=Json(rows), now=utcnow())
    return Written(sorted(int(r["id"]) for r in found))
