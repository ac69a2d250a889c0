"""The table of hostile inputs: each a call through the public DAOs that must be refused.

This module holds the music-generation store's cases and the session API's,
``stress/hostile_stores.py`` those of the media, task-queue and webhook
stores; ``CASES`` is all of them.

``tests/test_hostile_input.py`` runs every case on both dialects, and so does
``python -m stress``: the call must raise the case's error (a sqlstore error
or a pydantic ``ValidationError``) with a message matching ``says``, and leave
every row of every table as it was.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError

from sqlstore import Json, Session
from sqlstore.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.errors import (
    AlreadyExists,
    DataError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    ParameterError,
    QueryNotFound,
)
from sqlstore.models import GenerationCreate, GenerationUpdate
from sqlstore.types import MAX_JSON_DEPTH, utcnow
from stress.common import generation_fields
from stress.hostile import Case, Seed
from stress.hostile_stores import STORE_CASES


def new_generation(**overrides: Any) -> GenerationCreate:
    """A valid GenerationCreate with ``overrides`` (which pydantic then checks)."""
    return GenerationCreate(**{**generation_fields("hostile", 0), **overrides})


def _gen(**overrides: Any) -> Callable[[Session, Seed], object]:
    """A create call whose GenerationCreate has ``overrides``, built inside the call."""
    return lambda s, g: GenerationDAO(s).create(new_generation(**overrides))


def _meta(metadata: Any) -> Callable[[Session, Seed], object]:
    """A create call with ``metadata`` slipped past the model (as a caller's dict would be)."""

    def call(s: Session, g: Seed) -> object:
        new = new_generation().model_copy(update={"metadata": metadata})
        return GenerationDAO(s).create(new)

    return call


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


INJECTION = "'; DROP TABLE generations; --"
#: Aware datetimes whose UTC instant is in year 0 and in year 10000.
EARLY = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
LATE = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2)))
NUL = "a\x00b"

#: Text that reads like SQL, quoting or placeholders. It is valid input: stored and read
#: back verbatim in the text fields of ten tables (``hostile.store_verbatim``), and nothing
#: else changes.
INJECTIONS = [
    INJECTION,
    "' OR '1'='1",
    '" OR ""="',
    "Robert'); DROP TABLE prompts;--",
    "1; DELETE FROM prompts WHERE 1=1; --",
    "$$; DROP TABLE generations; $$",
    "%(prompt)s %s :prompt ? $1 {0}",
    "/* */ UNION SELECT id, text FROM prompts --",
    "\\'; SELECT pg_sleep(10); --",
    "'''''' \\\\ \\u0000 E'\\x00'",
]
G, P = GenerationDAO, PromptDAO

GENERATION_CASES: list[Case] = [
    # GenerationCreate fields: wrong types, bounds, NUL, malformed JSON.
    Case("prompt empty", _gen(prompt=""), ValidationError, r"prompt.*at least 1"),
    Case("prompt too long", _gen(prompt="x" * 2001), ValidationError, r"prompt.*at most 2000"),
    Case("prompt too many bytes", _gen(prompt="\U0001f3b5" * 700), ValidationError, r"bytes"),
    Case("prompt not text", _gen(prompt=123), ValidationError, r"prompt.*valid string"),
    Case("prompt lone surrogate", _gen(prompt="a\ud800"), ValidationError, r"prompt.*unicode"),
    Case("prompt NUL", _gen(prompt=NUL), DataError, r"NUL"),
    Case("model_name NUL", _gen(model_name=NUL), DataError, r"NUL"),
    Case("model_version NUL", _gen(model_version=NUL), DataError, r"NUL"),
    Case("file_path NUL", _gen(file_path=NUL), DataError, r"NUL"),
    Case("model_name too long", _gen(model_name="m" * 201), ValidationError, r"model_name"),
    Case("file_path too long", _gen(file_path="/" * 5000), ValidationError, r"file_path"),
    Case("channels word", _gen(channels="two"), ValidationError, r"channels"),
    Case("channels three", _gen(channels=3), ValidationError, r"channels"),
    Case("duration text", _gen(duration_seconds="long"), ValidationError, r"duration_seconds"),
    Case("duration NaN", _gen(duration_seconds=math.nan), ValidationError, r"duration_seconds"),
    Case("duration inf", _gen(duration_seconds=math.inf), ValidationError, r"duration_seconds"),
    Case("duration negative", _gen(duration_seconds=-1.0), ValidationError, r"greater than 0"),
    Case("sample_rate huge", _gen(sample_rate=2**70), ValidationError, r"sample_rate"),
    Case("sample_rate fraction", _gen(sample_rate=1.5), ValidationError, r"sample_rate"),
    Case("id not a uuid", _gen(id="not-a-uuid"), ValidationError, r"id.*UUID"),
    Case("id injection", _gen(id=INJECTION), ValidationError, r"id.*UUID"),
    Case("extra field", _gen(status="completed"), ValidationError, r"status.*extra"),
    Case(
        "missing field",
        lambda s, g: G(s).create({"prompt": "x", "model_name": "m"}),
        ValidationError,
        r"duration_seconds.*Field required",
    ),
    Case("create None", lambda s, g: G(s).create(None), ValidationError, r"GenerationCreate"),
    Case(
        "id already used",
        lambda s, g: G(s).create(new_generation(id=g.pending.id)),
        AlreadyExists,
        r"generations",
    ),
    Case("metadata bad JSON", _gen(metadata="{not json"), ValidationError, r"metadata"),
    Case("metadata JSON array", _gen(metadata="[1, 2]"), ValidationError, r"metadata.*dict"),
    Case("metadata list", _gen(metadata=[1, 2]), ValidationError, r"metadata.*dict"),
    Case("metadata NaN", _meta({"x": math.nan}), DataError, r"JSON.*float"),
    Case("metadata infinity", _meta({"x": -math.inf}), DataError, r"JSON.*float"),
    Case("metadata bytes", _meta({"x": b"\x00\xff"}), DataError, r"bytes is not JSON"),
    Case("metadata object", _meta({"x": object()}), DataError, r"object is not JSON"),
    Case("metadata NUL value", _meta({"x": NUL}), DataError, r"NUL"),
    Case("metadata NUL key", _meta({NUL: 1}), DataError, r"NUL"),
    Case("metadata surrogate", _meta({"x": "\udfff"}), DataError, r"surrogate"),
    Case("metadata too deep", _meta(_nested(5000)), DataError, r"nested more than 200"),
    Case("metadata 201 deep", _meta(_nested(MAX_JSON_DEPTH + 1)), DataError, r"nested more than"),
    Case("metadata year 0", _meta({"at": EARLY}), DataError, r"years 1 to 9999"),
    # Reads and filters.
    Case("get not a uuid", lambda s, g: G(s).get("not-a-uuid"), ValidationError, r"UUID"),
    Case("get injection", lambda s, g: G(s).get(INJECTION), ValidationError, r"UUID"),
    Case("get int", lambda s, g: G(s).get(42), ValidationError, r"UUID"),
    Case("list unknown status", lambda s, g: G(s).list(status="done"), ValidationError, r"pending"),
    Case(
        "list status injection",
        lambda s, g: G(s).list(status="pending' OR '1'='1"),
        ValidationError,
        r"status",
    ),
    Case("list model NUL", lambda s, g: G(s).list(model_name=NUL), DataError, r"NUL"),
    Case("list limit -1", lambda s, g: G(s).list(limit=-1), InvalidInput, r"limit"),
    Case("list limit 0", lambda s, g: G(s).list(limit=0), InvalidInput, r"limit"),
    Case("list limit huge", lambda s, g: G(s).list(limit=10**9), InvalidInput, r"limit"),
    Case("list limit word", lambda s, g: G(s).list(limit="ten"), ValidationError, r"limit"),
    Case("list limit None", lambda s, g: G(s).list(limit=None), ValidationError, r"limit"),
    Case("list offset -5", lambda s, g: G(s).list(offset=-5), InvalidInput, r"offset"),
    Case("list offset 2**63", lambda s, g: G(s).list(offset=2**63), DataError, r"int"),
    Case(
        "list after and offset",
        lambda s, g: G(s).list(after=g.pending, offset=5),
        InvalidInput,
        r"offset or after",
    ),
    Case("list after dict", lambda s, g: G(s).list(after={"id": 1}), ValidationError, r"after"),
    Case("list unknown keyword", lambda s, g: G(s).list(sort="id"), ValidationError, r"sort"),
    Case("count unknown status", lambda s, g: G(s).count("archived"), ValidationError, r"pending"),
    Case("pending limit -3", lambda s, g: G(s).pending(limit=-3), InvalidInput, r"limit"),
    # Changes.
    Case(
        "update NUL path",
        lambda s, g: G(s).update(g.pending.id, GenerationUpdate(file_path=NUL)),
        DataError,
        r"NUL",
    ),
    Case(
        "update missing",
        lambda s, g: G(s).update(uuid.uuid4(), GenerationUpdate(file_path="x")),
        NotFound,
        r"no generation",
    ),
    Case(
        "update status field",
        lambda s, g: G(s).update(g.pending.id, {"status": "completed"}),
        ValidationError,
        r"status.*extra",
    ),
    Case(
        "update negative size",
        lambda s, g: G(s).update(g.pending.id, {"file_size_bytes": -1}),
        ValidationError,
        r"file_size_bytes",
    ),
    Case(
        "update bad JSON",
        lambda s, g: G(s).update(g.pending.id, {"metadata": "{bad"}),
        ValidationError,
        r"metadata",
    ),
    Case(
        "update_status unknown",
        lambda s, g: G(s).update_status(g.pending.id, "archived"),
        ValidationError,
        r"status",
    ),
    Case(
        "restart finished",
        lambda s, g: G(s).update_status(g.completed.id, "processing"),
        InvalidTransition,
        r"completed.*processing",
    ),
    Case(
        "start missing", lambda s, g: G(s).mark_processing(uuid.uuid4()), NotFound, r"no generation"
    ),
    Case("fail NUL", lambda s, g: G(s).fail(g.pending.id, "boom\x00"), DataError, r"NUL"),
    Case("fail None", lambda s, g: G(s).fail(g.pending.id, None), ValidationError, r"string"),
    Case(
        "complete negative time",
        lambda s, g: G(s).complete(g.pending.id, -1.0, 10),
        InvalidInput,
        r"generation_time",
    ),
    Case(
        "complete NaN time",
        lambda s, g: G(s).complete(g.pending.id, math.nan, 10),
        InvalidInput,
        r"generation_time",
    ),
    Case(
        "complete negative size",
        lambda s, g: G(s).complete(g.pending.id, 1.0, -1),
        InvalidInput,
        r"file_size_bytes",
    ),
    Case(
        "complete huge size",
        lambda s, g: G(s).complete(g.pending.id, 1.0, 2**63),
        DataError,
        r"int",
    ),
    Case(
        "complete NaN metadata",
        lambda s, g: G(s).complete(g.pending.id, 1.0, 1, {"x": math.nan}),
        DataError,
        r"JSON",
    ),
    Case(
        "complete metadata text",
        lambda s, g: G(s).complete(g.pending.id, 1.0, 1, metadata="not a dict"),
        ValidationError,
        r"metadata",
    ),
    Case(
        "complete failed job",
        lambda s, g: G(s).complete(g.failed.id, 1.0, 1),
        InvalidTransition,
        r"failed.*completed",
    ),
    Case("delete injection", lambda s, g: G(s).delete(INJECTION), ValidationError, r"UUID"),
    Case("delete None", lambda s, g: G(s).delete(None), ValidationError, r"UUID"),
    # Prompts.
    Case("track empty", lambda s, g: P(s).track_usage(""), InvalidInput, r"empty"),
    Case("track NUL", lambda s, g: P(s).track_usage(NUL), DataError, r"NUL"),
    Case("track None", lambda s, g: P(s).track_usage(None), ValidationError, r"string"),
    Case(
        "track too many bytes",
        lambda s, g: P(s).track_usage("\u6f22" * 1000),
        InvalidInput,
        r"bytes",
    ),
    Case("track too long", lambda s, g: P(s).track_usage("z" * 2001), InvalidInput, r"2000"),
    Case("lookup NUL", lambda s, g: P(s).get_by_text(NUL), DataError, r"NUL"),
    Case("most_used 0", lambda s, g: P(s).most_used(0), InvalidInput, r"limit"),
    Case("most_used -1", lambda s, g: P(s).most_used(-1), InvalidInput, r"limit"),
    Case("most_used word", lambda s, g: P(s).most_used(limit="all"), ValidationError, r"limit"),
    Case("most_used huge", lambda s, g: P(s).most_used(10**12), InvalidInput, r"limit"),
    # Named queries and their parameters.
    Case(
        "query typo",
        lambda s, g: s.fetch_all("generations.generations.gett"),
        QueryNotFound,
        r"did you mean",
    ),
    Case(
        "query injection",
        lambda s, g: s.execute("generations; DROP TABLE generations"),
        QueryNotFound,
        r"no query named",
    ),
    Case("query path", lambda s, g: s.fetch_all("../../etc/passwd"), QueryNotFound, r"no query"),
    Case(
        "missing parameter",
        lambda s, g: s.fetch_one("generations.generations.get"),
        ParameterError,
        r"missing parameter :id",
    ),
    Case(
        "extra parameter",
        lambda s, g: s.fetch_one("generations.generations.get", id=g.pending.id, evil=INJECTION),
        ParameterError,
        r"unexpected parameter :evil",
    ),
    Case(
        "parameter name injection",
        lambda s, g: s.execute(
            "generations.generations.delete", **{"id); DROP TABLE prompts; --": 1}
        ),
        ParameterError,
        r"missing parameter :id",
    ),
    Case(
        "bad row in a batch",
        lambda s, g: s.execute_many(
            "generations.generations.delete", [{"id": g.failed.id}, {"idd": 1}]
        ),
        ParameterError,
        r"unexpected parameter :idd",
    ),
    Case(
        "unadaptable value",
        lambda s, g: s.fetch_all("generations.prompts.get_by_text", text=object()),
        DataError,
        r"object",
    ),
    # Values the dialects treated differently: refused alike before anything is sent.
    Case(
        "heartbeat in year 0",
        lambda s, g: s.execute("tasks.heartbeat", now=EARLY, ids=[g.pending.id]),
        DataError,
        r"years 1 to 9999",
    ),
    Case(
        "task stamped year 10000",
        lambda s, g: s.fetch_one(
            "tasks.insert",
            id=uuid.uuid4(),
            endpoint="/x",
            data=Json({}),
            priority=0,
            user_id=None,
            now=LATE,
        ),
        DataError,
        r"years 1 to 9999",
    ),
    Case(
        "text as bytes",
        lambda s, g: s.fetch_all("generations.prompts.get_by_text", text=b"hip hop"),
        DataError,
        r"bytes are not storable",
    ),
    Case(
        "ids as bytes",
        lambda s, g: s.execute("tasks.heartbeat", now=utcnow(), ids=[b"\x00" * 16]),
        DataError,
        r"bytes",
    ),
    Case(
        "id 2**64",
        lambda s, g: s.fetch_one("generations.generations.get", id=2**64),
        DataError,
        r"64 bits",
    ),
    Case(
        "offset -2**63-1",
        lambda s, g: s.fetch_all(
            "generations.generations.list",
            status=None,
            model_name=None,
            limit=10,
            offset=-(2**63) - 1,
        ),
        DataError,
        r"64 bits",
    ),
    Case(
        "task data 10000 deep",
        lambda s, g: TaskDAO(s).add({"endpoint": "/x", "data": {"x": _nested(10_000)}}),
        ValidationError,
        r"nested more than 200",
    ),
    Case(
        "JSON list of NUL",
        lambda s, g: s.fetch_all("generations.prompts.get_by_text", text=Json(["\x00"])),
        DataError,
        r"NUL",
    ),
]


#: Every case: these and the other stores'.
CASES = GENERATION_CASES + STORE_CASES
