"""Small builders of valid input for the tests."""

from __future__ import annotations

from typing import Any

from sqlstore.models import GenerationCreate


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
