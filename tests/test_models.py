"""Row models: one ``to_dict`` for all, with ISO-8601 UTC times; the ``...Base`` exports."""

from __future__ import annotations

import inspect
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

import sqlstore.models
from sqlstore import Store
from sqlstore.dao import (
    CaptionDAO,
    GenerationDAO,
    PromptDAO,
    TaskDAO,
    ToolDAO,
    TranscriptDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.models import TaskCreate, ToolCreate, TranscriptCreate, VideoCreate, WebhookCreate
from sqlstore.models._row import RowModel
from tests.factories import make_full_world, new_generation

pytestmark = pytest.mark.both_apis

TIME_FIELDS = {"created_at", "updated_at", "modified_at", "completed_at", "assigned_at"}


def _row_models() -> list[type[BaseModel]]:
    """Every exported model that is a stored row: the ones with a creation time."""
    found = []
    for name in sqlstore.models.__all__:
        cls = getattr(sqlstore.models, name)
        if inspect.isclass(cls) and issubclass(cls, BaseModel):
            fields = cls.model_fields
            if "created_at" in fields or "first_used_at" in fields:
                found.append(cls)
    return found


def test_every_row_model_shares_one_to_dict() -> None:
    models = _row_models()
    assert len(models) >= 15
    for cls in models:
        assert issubclass(cls, RowModel), cls
        # Written once, on the base: no model defines its own.
        assert cls.to_dict is RowModel.to_dict, cls


def test_the_agent_base_models_are_exported() -> None:
    bases = {n for n in sqlstore.models.__all__ if n.endswith("Base")}
    assert bases == {
        "AuthStateBase",
        "AuthTokenBase",
        "ClientBase",
        "LogBase",
        "MessageBase",
        "NodeBase",
        "OperatorBase",
        "OrchestratorBase",
        "ProjectBase",
        "RepoNodeBase",
        "ToolBase",
        "UserBase",
    }
    for name in bases:
        row = getattr(sqlstore.models, name.removesuffix("Base"))
        assert issubclass(row, getattr(sqlstore.models, name))


def _check_plain(row: RowModel) -> dict[str, Any]:
    out = row.to_dict()
    for key, value in out.items():
        if key in TIME_FIELDS or key.endswith("_used_at"):
            if value is None:
                continue
            assert isinstance(value, str), (type(row).__name__, key, value)
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            assert parsed.utcoffset() is not None and parsed == getattr(row, key)
            assert parsed.astimezone(UTC) == getattr(row, key)
        assert not isinstance(value, uuid.UUID | datetime), (type(row).__name__, key)
    return out


def test_to_dict_on_every_stored_row_gives_iso_times_and_plain_values(store: Store) -> None:
    with store.session() as session:
        shared = ToolDAO(session).create(ToolCreate(name="shared"))
        full = make_full_world(session, "dict@example.com", shared)
        gen = GenerationDAO(session).create(new_generation())
        prompt = PromptDAO(session).get_by_text(gen.prompt)
        task = TaskDAO(session).add(TaskCreate(endpoint="/x", data={"a": 1}))
        video = VideoDAO(session).save(VideoCreate(media_id="m1", title="t", url="https://e/x"))
        transcript = TranscriptDAO(session).save(
            TranscriptCreate(
                model="whisper",
                media_id="m1",
                transcript="hello",
                language="en",
                language_confidence=0.9,
            )
        )
        CaptionDAO(session).save_all("blip", "m1", ["a cat"], [0.5], [1])
        [caption] = CaptionDAO(session).get("blip", "m1")
        hook = WebhookDAO(session).save(WebhookCreate(url="https://e/hook", events=[]))
    rows: list[RowModel] = [
        full.w.user,
        full.w.orchestrator,
        full.w.executive,
        full.project,
        full.tool,
        gen,
        task,
        video,
        transcript,
        caption,
        hook,
    ]
    assert prompt is not None
    rows.append(prompt)
    outs = [_check_plain(row) for row in rows]
    assert outs[0]["id"] == str(full.w.user.id)
    assert outs[5]["metadata"] == {"bpm": 140} and outs[5]["status"] == "pending"
    assert outs[7]["id"] == "m1" and outs[8]["segments"] == []
