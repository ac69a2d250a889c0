"""Models an app's SQL files declare with ``-- returns:``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class PromptRow(BaseModel):
    """A prompt as the app reads it; extra columns are refused."""

    model_config = ConfigDict(extra="forbid")

    id: int
    text: str
    used_count: int
    last_used_at: datetime


class TaskRef(BaseModel):
    """Only a task's id and status (extra columns ignored)."""

    id: UUID
    status: str
