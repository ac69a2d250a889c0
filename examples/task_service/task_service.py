"""A small FastAPI service over sqlstore's task queue, awaited end to end.

    .venv/bin/uvicorn --app-dir examples/task_service task_service:app

The database is ``DATABASE_URL`` (default: the embedded
``sqlite:///data/sqlstore.db``), opened once in the app's lifespan and
migrated there; each request gets one ``AsyncSession`` (one transaction,
committed before the response is sent) through a dependency. sqlstore's
errors become HTTP status codes in one place (``STATUS``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

import sqlstore.aio
from sqlstore.aio import AsyncSession, AsyncStore
from sqlstore.aio.dao import TaskDAO
from sqlstore.errors import (
    ConcurrencyError,
    DatabaseUnavailable,
    DataError,
    IntegrityError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    SqlstoreError,
    TransactionAborted,
)
from sqlstore.models import Task, TaskCreate, TaskStatus

#: sqlstore's errors as HTTP status codes, the first class that matches wins.
STATUS: list[tuple[type[SqlstoreError], int]] = [
    (NotFound, 404),
    (InvalidTransition, 409),
    (IntegrityError, 409),  # AlreadyExists: a task id given twice
    (InvalidInput, 422),
    (DataError, 422),
    # The work may be retried: a lock timeout, a serialization failure, no database.
    (ConcurrencyError, 503),
    (TransactionAborted, 503),
    (DatabaseUnavailable, 503),
]


class ClaimRequest(BaseModel):
    """What a worker asks for: up to ``limit`` tasks."""

    limit: int = Field(default=1, ge=1, le=100)
    max_retries: int = Field(default=1, ge=0)
    retryable_errors: list[str] = []
    max_active_per_user: int | None = Field(default=None, ge=0)


class HeartbeatRequest(BaseModel):
    """The tasks a worker still holds."""

    ids: list[UUID] = Field(max_length=1000)


class Touched(BaseModel):
    """How many of the tasks were touched."""

    touched: int


class CompleteRequest(BaseModel):
    """A worker's result for a task it held."""

    result: dict[str, Any] = {}


class FailRequest(BaseModel):
    """Why a worker gave a task up; stored as the task's result, as the SDK does."""

    error: str = Field(min_length=1, max_length=1000)
    message: str = ""


def create_app(url: str | None = None, *, migrate: bool = True) -> FastAPI:
    """The service on the database at ``url`` (else ``DATABASE_URL``); migrated on start."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with sqlstore.aio.connect(url) as store:
            if migrate:
                await store.migrate()
            app.state.store = store
            yield

    app = FastAPI(title="task service", lifespan=lifespan)
    app.include_router(router)
    app.add_exception_handler(SqlstoreError, _sqlstore_error)
    app.add_exception_handler(ValidationError, _validation_error)
    return app


async def open_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent."""
    store: AsyncStore = request.app.state.store
    async with store.session() as session:
        yield session


# scope="function": the session's block ends (and commits) when the endpoint
# returns, before the response: a failed commit is the client's error response,
# never a 200 for a write that was rolled back.
Session = Annotated[AsyncSession, Depends(open_session, scope="function")]


router = APIRouter(prefix="/tasks")


@router.post("", status_code=201)
async def add_task(new: TaskCreate, session: Session) -> Task:
    """Queue a task."""
    return await TaskDAO(session).add(new)


@router.get("")
async def list_tasks(
    session: Session,
    user_id: str | None = None,
    status: TaskStatus | None = None,
    limit: Annotated[int, Query(ge=1)] = 100,  # the DAO refuses a page too large
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Task]:
    """Tasks newest first, optionally of one user and one status."""
    return await TaskDAO(session).list(user_id, status, limit=limit, offset=offset)


@router.post("/claim")
async def claim(request: ClaimRequest, session: Session) -> list[Task]:
    """Claim up to ``limit`` tasks for a worker: each task goes to one claim only."""
    return await TaskDAO(session).claim(
        request.limit,
        max_retries=request.max_retries,
        retryable_errors=request.retryable_errors,
        max_active_per_user=request.max_active_per_user,
    )


@router.post("/heartbeat")
async def heartbeat(request: HeartbeatRequest, session: Session) -> Touched:
    """A worker is alive: touch the tasks it holds."""
    return Touched(touched=await TaskDAO(session).heartbeat(request.ids))


@router.get("/{task_id}")
async def get_task(task_id: UUID, session: Session) -> Task:
    """One task."""
    task = await TaskDAO(session).get(task_id)
    if task is None:
        raise NotFound(f"no task with id={task_id}")
    return task


@router.post("/{task_id}/complete")
async def complete(task_id: UUID, request: CompleteRequest, session: Session) -> Task:
    """A held task is done, with its result."""
    return await _finish(session, task_id, TaskStatus.COMPLETED, request.result)


@router.post("/{task_id}/fail")
async def fail(task_id: UUID, request: FailRequest, session: Session) -> Task:
    """A held task failed; ``claim`` retries it if its error is retryable."""
    result = {"error": request.error, "message": request.message}
    return await _finish(session, task_id, TaskStatus.FAILED, result)


@router.post("/{task_id}/retry")
async def retry(task_id: UUID, session: Session) -> Task:
    """Queue a failed task again."""
    return await TaskDAO(session).retry(task_id)


@router.delete("/{task_id}", status_code=204)
async def delete(task_id: UUID, session: Session) -> Response:
    """Delete a task that no worker holds."""
    if not await TaskDAO(session).delete(task_id):
        raise NotFound(f"no task with id={task_id}")
    return Response(status_code=204)


async def _finish(
    session: AsyncSession, task_id: UUID, status: TaskStatus, result: dict[str, Any]
) -> Task:
    """Complete or fail a task a worker holds; any other is an InvalidTransition (409)."""
    tasks = TaskDAO(session)
    current = await tasks.get(task_id)
    if current is None:
        raise NotFound(f"no task with id={task_id}")
    if not current.is_active:
        raise InvalidTransition("task", task_id, current.status.value, status.value)
    progress = 100.0 if status is TaskStatus.COMPLETED else None
    return await tasks.update_status(task_id, status, progress=progress, result=result)


async def _sqlstore_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
    headers = {"Retry-After": "1"} if status == 503 else None
    body = {"error": type(exc).__name__, "detail": str(exc)}
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    # A DAO's own argument checks (pydantic), after the request body passed.
    assert isinstance(exc, ValidationError)
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return JSONResponse({"error": "ValidationError", "detail": errors}, status_code=422)


#: What ``uvicorn task_service:app`` serves: the database ``DATABASE_URL`` names.
app = create_app()
