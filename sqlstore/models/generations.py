"""Models of the music-generation service: generation jobs and prompts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sqlstore.models._row import RowModel
from sqlstore.models._types import JsonObject, UtcDateTime
from sqlstore.models._update import Update

__all__ = [
    "Generation",
    "GenerationCreate",
    "GenerationStatus",
    "GenerationUpdate",
    "Prompt",
]


class GenerationStatus(StrEnum):
    """Where a generation job is in its lifecycle."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_finished(self) -> bool:
        """True for completed and failed: nothing moves a finished job."""
        return self in (GenerationStatus.COMPLETED, GenerationStatus.FAILED)

    def allowed_from(self) -> tuple[GenerationStatus, ...]:
        """The statuses a job may move to this one from."""
        return _ALLOWED_FROM[self]


_ALLOWED_FROM: dict[GenerationStatus, tuple[GenerationStatus, ...]] = {
    GenerationStatus.PENDING: (),
    GenerationStatus.PROCESSING: (GenerationStatus.PENDING,),
    GenerationStatus.COMPLETED: (GenerationStatus.PENDING, GenerationStatus.PROCESSING),
    GenerationStatus.FAILED: (GenerationStatus.PENDING, GenerationStatus.PROCESSING),
}

#: The longest prompt, in characters.
PROMPT_MAX_CHARS = 2000
#: The largest prompt in UTF-8 bytes: PostgreSQL's unique index on prompt text
#: holds at most 2,704 bytes a row, so 2,000 four-byte characters would not fit.
PROMPT_MAX_BYTES = 2600


def prompt_too_long(text: str) -> bool:
    """True if ``text`` is over the prompt limits (characters or UTF-8 bytes)."""
    if len(text) > PROMPT_MAX_CHARS:
        return True
    if 4 * len(text) <= PROMPT_MAX_BYTES:
        return False  # no UTF-8 character takes more than 4 bytes
    return len(text.encode("utf-8", "surrogatepass")) > PROMPT_MAX_BYTES


def _fits_prompt_index(text: str) -> str:
    if prompt_too_long(text):
        raise ValueError(f"a prompt may take at most {PROMPT_MAX_BYTES} bytes in UTF-8")
    return text


PromptText = Annotated[
    str, Field(min_length=1, max_length=PROMPT_MAX_CHARS), AfterValidator(_fits_prompt_index)
]


class GenerationCreate(BaseModel):
    """What a caller supplies to start a generation job."""

    model_config = ConfigDict(protected_namespaces=(), extra="forbid")

    id: UUID = Field(default_factory=uuid4)
    prompt: PromptText
    model_name: str = Field(min_length=1, max_length=200)
    model_version: str | None = Field(default=None, max_length=200)
    duration_seconds: float = Field(gt=0, le=86_400, allow_inf_nan=False)
    sample_rate: int = Field(gt=0, le=1_000_000)
    channels: Literal[1, 2]
    file_path: str = Field(min_length=1, max_length=4096)
    metadata: JsonObject = Field(default_factory=dict)


class GenerationUpdate(Update):
    """Fields of a generation that may change outside its lifecycle; only the ones given change.

    model_version and file_size_bytes may be set to ``None`` (NULL); file_path
    and metadata may not.
    """

    not_null = frozenset({"file_path", "metadata"})

    model_version: str | None = Field(default=None, max_length=200)
    file_path: str | None = Field(default=None, min_length=1, max_length=4096)
    file_size_bytes: int | None = Field(default=None, ge=0)
    metadata: JsonObject | None = None


class Generation(RowModel):
    """A generation job as stored."""

    id: UUID
    prompt: str
    model_name: str
    model_version: str | None
    status: GenerationStatus
    duration_seconds: float
    sample_rate: int
    channels: int
    file_path: str
    file_size_bytes: int | None
    generation_time_seconds: float | None
    error_message: str | None
    metadata: JsonObject
    created_at: UtcDateTime
    completed_at: UtcDateTime | None

    @property
    def is_pending(self) -> bool:
        """True while the job waits for a worker."""
        return self.status is GenerationStatus.PENDING

    @property
    def is_processing(self) -> bool:
        """True while a worker generates it."""
        return self.status is GenerationStatus.PROCESSING

    @property
    def is_complete(self) -> bool:
        """True once the audio is there."""
        return self.status is GenerationStatus.COMPLETED

    @property
    def is_failed(self) -> bool:
        """True if the job failed."""
        return self.status is GenerationStatus.FAILED

    @property
    def is_finished(self) -> bool:
        """True once completed or failed."""
        return self.status.is_finished


class Prompt(RowModel):
    """A distinct prompt text and how often it was used."""

    id: int
    text: str
    used_count: int
    first_used_at: UtcDateTime
    last_used_at: UtcDateTime
