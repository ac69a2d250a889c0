"""Small builders of valid input for the tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlstore.models import GenerationCreate
from sqlstore.types import utcnow


def new_generation(**overrides: Any) -> GenerationCreate:
    fields: dict[str, Any] = {
        "prompt": "hip hop beat at 140 BPM",
        "model_name": "musicgen-small",
        "duration_seconds": 16.0,
        "sample_rate": 32000,
        "channels": 2,
        "file_path": "outputs/gen.wav",
        "metadata": {"bpm": 140},
    }
    fields.update(overrides)
    return GenerationCreate(**fields)


def raw_generation(**overrides: object) -> dict[str, object]:
    """Parameters of ``notes.raw_generation``, which inserts a generation past the models."""
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "duration_seconds": 1.0,
        "channels": 2,
        "metadata": {},
        "created_at": utcnow(),
    }
    fields.update(overrides)
    return fields
