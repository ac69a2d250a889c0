"""Pydantic models: ``Thing`` (a row), ``ThingCreate``, ``ThingUpdate``, status enums."""

from sqlstore.models._types import JsonList, JsonObject, UtcDateTime
from sqlstore.models.generations import (
    Generation,
    GenerationCreate,
    GenerationStatus,
    GenerationUpdate,
    Prompt,
)

__all__ = [
    "Generation",
    "GenerationCreate",
    "GenerationStatus",
    "GenerationUpdate",
    "JsonList",
    "JsonObject",
    "Prompt",
    "UtcDateTime",
]
