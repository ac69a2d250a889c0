"""Models of the media-AI store: media, video, transcripts and captions."""

from __future__ import annotations

import os
from typing import Annotated, Any
from uuid import uuid4

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    model_validator,
)

from sqlstore.models._row import RowModel
from sqlstore.models._types import UtcDateTime, load_json
from sqlstore.models._update import Update

__all__ = [
    "Caption",
    "CaptionCreate",
    "Media",
    "MediaId",
    "Transcript",
    "TranscriptCreate",
    "TranscriptSegment",
    "TranscriptUpdate",
    "Video",
    "VideoCreate",
    "VideoMetadata",
    "VideoUpdate",
    "new_media_id",
]

MediaId = Annotated[str, StringConstraints(min_length=1, max_length=36)]
"""A media id: a caller-chosen string of 1 to 36 characters (a uuid4 by default)."""

ModelName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def new_media_id() -> str:
    """A fresh media id: a uuid4 as text, as the SDK generates."""
    return str(uuid4())


def _fspath(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


PathText = Annotated[
    str, BeforeValidator(_fspath), StringConstraints(min_length=1, max_length=4096)
]
UrlText = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class Media(RowModel):
    """A media row: the id every kind of media (video, ...) shares, and its type."""

    id: str
    media_type: str
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @property
    def media_id(self) -> str:
        """The id, under the SDK's name."""
        return self.id


class VideoCreate(BaseModel):
    """What a caller supplies to save a video; the id may be given as ``media_id``."""

    model_config = ConfigDict(extra="forbid")

    id: MediaId = Field(
        default_factory=new_media_id, validation_alias=AliasChoices("id", "media_id")
    )
    path: PathText | None = None
    url: UrlText | None = None
    title: str = ""
    description: str = ""


class VideoUpdate(Update):
    """Fields of a video to change; only the ones given change.

    path and url may be set to ``None`` (NULL); title and description may not.
    """

    not_null = frozenset({"title", "description"})

    path: PathText | None = None
    url: UrlText | None = None
    title: str | None = None
    description: str | None = None


class Video(Media):
    """A video as stored: its media row joined with its video row."""

    path: str | None
    url: str | None
    title: str
    description: str


class VideoMetadata(BaseModel):
    """The metadata of a video, as the SDK's ``get_metadata`` returns it."""

    model_config = ConfigDict(frozen=True)

    title: str
    description: str


class TranscriptSegment(BaseModel):
    """One segment of a transcript; extra keys (confidence, ...) are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, JsonValue] = Field(init=False)

    start: NonNegative
    end: NonNegative
    text: str
    words: list[dict[str, JsonValue]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ends_after_start(self) -> TranscriptSegment:
        if self.end < self.start:
            raise ValueError(f"a segment cannot end ({self.end}) before it starts ({self.start})")
        return self


Segments = Annotated[list[TranscriptSegment], BeforeValidator(load_json)]


class TranscriptCreate(BaseModel):
    """What a caller supplies to save a transcript of a media by a model."""

    model_config = ConfigDict(extra="forbid")

    model: ModelName
    media_id: MediaId
    transcript: str
    segments: list[TranscriptSegment] = Field(default_factory=list)
    language: str = Field(max_length=64)
    language_confidence: float = Field(ge=0, le=1, allow_inf_nan=False)


class TranscriptUpdate(Update):
    """Fields of a transcript to change; only the ones given change (none may be set to null)."""

    not_null = frozenset({"transcript", "segments", "language", "language_confidence"})

    transcript: str | None = None
    segments: list[TranscriptSegment] | None = None
    language: str | None = Field(default=None, max_length=64)
    language_confidence: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


class Transcript(RowModel):
    """A transcript as stored."""

    id: int
    model: str
    media_id: str
    transcript: str
    segments: Segments
    language: str
    language_confidence: float
    created_at: UtcDateTime
    updated_at: UtcDateTime


class CaptionCreate(BaseModel):
    """One caption of a media frame by a model (``CaptionDAO.save_all`` builds these)."""

    model_config = ConfigDict(extra="forbid")

    model: ModelName
    media_id: MediaId
    caption: str
    frame_id: int = Field(ge=0)
    timestamp: NonNegative


class Caption(RowModel):
    """A caption as stored."""

    id: int
    model: str
    media_id: str
    caption: str
    frame_id: int
    timestamp: float
    created_at: UtcDateTime
    updated_at: UtcDateTime
