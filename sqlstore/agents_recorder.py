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
framework orchestrator yields and records each pair on its way through; a
message it cannot save never stops that stream: the failure goes to
``recorder.failures`` (a ``RecordFailure`` each) and to the ``on_failure``
callback, if one was given, and the message passes on.

In a coroutine, ``arecord``, ``aflush``, ``atap`` and ``async with recorder:``
do the same without blocking the event loop: natively through an
``AsyncStore`` (``sqlstore.aio.connect``), or on a worker thread
(``asyncio.to_thread``) through a blocking ``Store``. A recorder on an
``AsyncStore`` refuses the blocking ``record``/``flush`` (``InvalidInput``)
except ``record`` in batch mode, which writes nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from sqlstore.aio.dao.agent_projects import MessageDAO as AsyncMessageDAO
from sqlstore.aio.store import AsyncStore
from sqlstore.dao.agent_projects import MessageDAO
from sqlstore.errors import InvalidInput
from sqlstore.models.agent_projects import Message, MessageCreate, MessageStatus
from sqlstore.store import Store

__all__ = ["MessageRecorder", "RecordFailure"]

#: The framework's plain-text message type and its field.
TEXT_TYPE = "TextMessage"

T = TypeVar("T")


@dataclass(frozen=True)
class RecordFailure:
    """A message ``tap`` could not save: who sent it, the message, and the error."""

    sender: str
    message: Any
    error: Exception


def _content(
    message: BaseModel | Mapping[str, Any] | str, given: str | None
) -> tuple[str | None, dict[str, Any]]:
    """The message's type (the one given, else the one it tells) and its JSON content."""
    if isinstance(message, BaseModel):
        return given or type(message).__name__, message.model_dump(mode="json")
    if isinstance(message, str):
        return given or TEXT_TYPE, {"text": message}
    if isinstance(message, Mapping):
        content = dict(message)
        if given is not None:
            return given, content
        # The mapping's own ``type`` key names it, and is not part of its content.
        found = content.pop("type", None)
        if not isinstance(found, str) or not found:
            raise InvalidInput(
                "a mapping message needs its type: pass type=... or give it a 'type' key "
                "holding a non-empty string"
            )
        return found, content
    raise InvalidInput(f"cannot record a {type(message).__name__} as a message")


class MessageRecorder:
    """Records the messages of one project, at once or in a batch, blocking or awaited."""

    def __init__(
        self,
        store: Store | AsyncStore,
        project_id: UUID,
        *,
        prompt: str | None = None,
        status: MessageStatus = MessageStatus.INIT,
        batch: bool = False,
        on_failure: Callable[[RecordFailure], None] | None = None,
    ):
        self.store = store
        self.project_id = project_id
        self.prompt = prompt
        self.status = MessageStatus(status)
        self.batch = batch
        self._pending: list[MessageCreate] = []
        self._lock = threading.Lock()
        #: Every message ``tap``/``atap`` could not save, in order.
        self.failures: list[RecordFailure] = []
        self.on_failure = on_failure

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
        type, a string as the framework's ``TextMessage``; a mapping is typed
        by ``type`` or else by its own ``type`` key (taken out of its
        content). ``type`` overrides the type of any message. A message with
        both or neither sender is refused.
        """
        new = self._new(message, operator_id, user_id, type)
        return None if new is None else self._save([new])[0]

    async def arecord(
        self,
        message: BaseModel | Mapping[str, Any] | str,
        *,
        operator_id: UUID | None = None,
        user_id: UUID | None = None,
        type: str | None = None,
    ) -> Message | None:
        """``record`` awaited: the write never blocks the event loop."""
        new = self._new(message, operator_id, user_id, type)
        return None if new is None else (await self._asave([new]))[0]

    def flush(self) -> list[Message]:
        """Save the batched messages in one transaction, all or none; return them in order."""
        self._blocking_store()  # refused on an AsyncStore even with nothing to save
        batch = self._take()
        if not batch:
            return []
        with self._kept_on_failure(batch):
            return self._save(batch)

    async def aflush(self) -> list[Message]:
        """``flush`` awaited: the write never blocks the event loop."""
        batch = self._take()
        if not batch:
            return []
        with self._kept_on_failure(batch):
            return await self._asave(batch)

    def tap(
        self, stream: Iterable[tuple[str, T]], operators: Mapping[str, UUID]
    ) -> Iterator[tuple[str, T]]:
        """Pass a ``(operator name, message)`` stream through, recording each message.

        A message that cannot be saved still passes: its failure goes to
        ``failures`` and ``on_failure``, never into the stream.
        """
        for name, message in stream:
            try:
                self.record(_any(message), operator_id=_sender(name, operators))
            except Exception as exc:  # the stream is the orchestrator's: it must go on
                self._failed(name, message, exc)
            yield name, message

    async def atap(
        self, stream: AsyncIterable[tuple[str, T]], operators: Mapping[str, UUID]
    ) -> AsyncIterator[tuple[str, T]]:
        """``tap`` for the async generators the framework's orchestrators return."""
        async for name, message in stream:
            try:
                await self.arecord(_any(message), operator_id=_sender(name, operators))
            except Exception as exc:  # as in tap: the stream goes on
                self._failed(name, message, exc)
            yield name, message

    # -- shared by the blocking and the awaited paths ------------------------------

    def _failed(self, sender: str, message: Any, error: Exception) -> None:
        failure = RecordFailure(sender, message, error)
        with self._lock:
            self.failures.append(failure)
        if self.on_failure is not None:
            self.on_failure(failure)

    def _new(
        self,
        message: BaseModel | Mapping[str, Any] | str,
        operator_id: UUID | None,
        user_id: UUID | None,
        type: str | None,
    ) -> MessageCreate | None:
        """The message to save now, or None once it is queued for the next flush."""
        found_type, content = _content(message, type)
        new = MessageCreate(
            type=found_type or "",
            content=content,
            prompt=self.prompt,
            status=self.status,
            project_id=self.project_id,
            operator_id=operator_id,
            user_id=user_id,
        )
        if not self.batch:
            return new
        with self._lock:
            self._pending.append(new)
        return None

    def _take(self) -> list[MessageCreate]:
        with self._lock:
            batch, self._pending = self._pending, []
        return batch

    @contextmanager
    def _kept_on_failure(self, batch: list[MessageCreate]) -> Iterator[None]:
        try:
            yield
        except BaseException:
            with self._lock:  # keep them for another try, before any recorded since
                self._pending[:0] = batch
            raise

    def _save(self, news: list[MessageCreate]) -> list[Message]:
        """Save through the blocking store: one message alone, a batch all or none."""
        with self._blocking_store().session() as session:
            dao = MessageDAO(session)
            return dao.append_many(news) if len(news) > 1 else [dao.append(news[0])]

    def _blocking_store(self) -> Store:
        store = self.store
        if isinstance(store, AsyncStore):
            raise InvalidInput(
                "this recorder writes through an AsyncStore: "
                "await arecord/aflush, or use `async with recorder:`"
            )
        return store

    async def _asave(self, news: list[MessageCreate]) -> list[Message]:
        """``_save`` from a coroutine: natively on an AsyncStore, else on a worker thread."""
        store = self.store
        if not isinstance(store, AsyncStore):
            return await asyncio.to_thread(self._save, news)
        async with store.session() as session:
            dao = AsyncMessageDAO(session)
            return await dao.append_many(news) if len(news) > 1 else [await dao.append(news[0])]

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

    async def __aenter__(self) -> MessageRecorder:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As __exit__: what passed through is saved even if the block failed.
        await self.aflush()


def _any(message: object) -> Any:
    return message


def _sender(name: str, operators: Mapping[str, UUID]) -> UUID:
    """The operator id of a stream's sender name."""
    if name not in operators:
        raise InvalidInput(f"no operator id for sender {name!r}")
    return operators[name]
