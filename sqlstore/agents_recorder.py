"""Save every message passing through an orchestrator, as the framework's ``save_messages=True``.

An orchestrator holds one ``MessageRecorder`` per project and calls
``record`` for each message an operator (or the user) sends::

    recorder = MessageRecorder(store, project.id, prompt=starting_prompt)
    recorder.record("Build a todo app", user_id=user.id)
    recorder.record(planned_components, operator_id=executive.id)   # a pydantic model

By default each message is saved at once in its own transaction, as the
framework commits each one. With ``batch=True`` the messages are kept until
``flush()`` (or the end of a ``with recorder:`` block) and saved in one batch,
all or none. ``tap`` wraps the ``(operator name, message)`` stream a
framework orchestrator yields and records each pair on its way through.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from sqlstore.dao.agent_projects import MessageDAO
from sqlstore.errors import InvalidInput
from sqlstore.models.agent_projects import Message, MessageCreate, MessageStatus
from sqlstore.store import Store

__all__ = ["MessageRecorder"]

#: The framework's plain-text message type and its field.
TEXT_TYPE = "TextMessage"

T = TypeVar("T")


def _content(message: BaseModel | Mapping[str, Any] | str) -> tuple[str | None, dict[str, Any]]:
    """The message's type (if it tells) and its JSON content."""
    if isinstance(message, BaseModel):
        return type(message).__name__, message.model_dump(mode="json")
    if isinstance(message, str):
        return TEXT_TYPE, {"text": message}
    if isinstance(message, Mapping):
        return None, dict(message)
    raise InvalidInput(f"cannot record a {type(message).__name__} as a message")


class MessageRecorder:
    """Records the messages of one project, at once or in a batch."""

    def __init__(
        self,
        store: Store,
        project_id: UUID,
        *,
        prompt: str | None = None,
        status: MessageStatus = MessageStatus.INIT,
        batch: bool = False,
    ):
        self.store = store
        self.project_id = project_id
        self.prompt = prompt
        self.status = MessageStatus(status)
        self.batch = batch
        self._pending: list[MessageCreate] = []
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """How many messages wait for ``flush`` (batch mode)."""
        with self._lock:
            return len(self._pending)

    def set_status(self, status: MessageStatus | str) -> None:
        """The status the next messages carry (the framework's project status)."""
        self.status = MessageStatus(status)

    def record(
        self,
        message: BaseModel | Mapping[str, Any] | str,
        *,
        operator_id: UUID | None = None,
        user_id: UUID | None = None,
        type: str | None = None,
    ) -> Message | None:
        """Record one message from exactly one sender; return it once saved (None while batched).

        A pydantic model is stored as its JSON with its class name as the
        type, a string as the framework's ``TextMessage``; a mapping needs
        ``type``. A message with both or neither sender is refused.
        """
        found_type, content = _content(message)
        new = MessageCreate(
            type=type or found_type or "",
            content=content,
            prompt=self.prompt,
            status=self.status,
            project_id=self.project_id,
            operator_id=operator_id,
            user_id=user_id,
        )
        if self.batch:
            with self._lock:
                self._pending.append(new)
            return None
        with self.store.session() as session:
            return MessageDAO(session).append(new)

    def flush(self) -> list[Message]:
        """Save the batched messages in one transaction, all or none; return them in order."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return []
        try:
            with self.store.session() as session:
                return MessageDAO(session).append_many(batch)
        except BaseException:
            with self._lock:  # keep them for another try
                self._pending[:0] = batch
            raise

    def tap(
        self, stream: Iterable[tuple[str, T]], operators: Mapping[str, UUID]
    ) -> Iterator[tuple[str, T]]:
        """Pass a ``(operator name, message)`` stream through, recording each message."""
        for name, message in stream:
            self._record_named(name, message, operators)
            yield name, message

    async def atap(
        self, stream: AsyncIterable[tuple[str, T]], operators: Mapping[str, UUID]
    ) -> AsyncIterator[tuple[str, T]]:
        """``tap`` for the async generators the framework's orchestrators return."""
        async for name, message in stream:
            self._record_named(name, message, operators)
            yield name, message

    def _record_named(self, name: str, message: Any, operators: Mapping[str, UUID]) -> None:
        if name not in operators:
            raise InvalidInput(f"no operator id for sender {name!r}")
        self.record(message, operator_id=operators[name])

    def __enter__(self) -> MessageRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # What passed through was real even if the block failed: save it too.
        self.flush()
