"""The FastAPI task service example, called through httpx's ASGI transport on both dialects."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from sqlstore import Store
from sqlstore.dao import TaskDAO
from sqlstore.models import TaskCreate, TaskStatus
from tests.helpers import EXAMPLES, load_example

pytestmark = pytest.mark.anyio

ts = load_example(EXAMPLES / "task_service" / "task_service.py")


async def _serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # ASGITransport sends no lifespan events: the test runs the app's lifespan itself.
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://tasks") as client,
    ):
        yield client


@pytest.fixture
async def client(sqlstore_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service on the test's migrated, empty database."""
    async for c in _serve(ts.create_app(sqlstore_url, migrate=False)):
        yield c


def _ids(tasks: list[dict[str, object]]) -> list[str]:
    return [str(t["id"]) for t in tasks]


async def test_a_task_from_added_to_completed(client: httpx.AsyncClient) -> None:
    added = await client.post("/tasks", json={"endpoint": "/transcribe", "data": {"f": "a.wav"}})
    assert added.status_code == 201, added.text
    task = added.json()
    assert (task["status"], task["data"], task["num_retries"]) == ("created", {"f": "a.wav"}, 0)
    assert (await client.get(f"/tasks/{task['id']}")).json() == task

    claimed = (await client.post("/tasks/claim", json={"limit": 5})).json()
    assert _ids(claimed) == [task["id"]] and claimed[0]["status"] == "assigned"
    beat = await client.post("/tasks/heartbeat", json={"ids": [task["id"], str(uuid4())]})
    assert beat.json() == {"touched": 1}

    done = await client.post(f"/tasks/{task['id']}/complete", json={"result": {"text": "hi"}})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["result"], body["progress"]) == ("completed", {"text": "hi"}, 100)
    assert body["completed_at"] is not None
    assert (await client.get(f"/tasks/{task['id']}")).json() == body
    assert _ids((await client.get("/tasks", params={"status": "completed"})).json()) == [task["id"]]
    assert (await client.get("/tasks", params={"status": "created"})).json() == []
    assert (await client.post("/tasks/claim", json={})).json() == []


async def test_a_failed_task_is_retried(client: httpx.AsyncClient) -> None:
    task = (await client.post("/tasks", json={"endpoint": "/tts", "user_id": "u1"})).json()
    await client.post("/tasks/claim", json={})
    failed = await client.post(
        f"/tasks/{task['id']}/fail", json={"error": "GPUError", "message": "out of memory"}
    )
    body = failed.json()
    assert body["status"] == "failed" and body["completed_at"] is not None
    assert body["result"] == {"error": "GPUError", "message": "out of memory"}
    # A retryable error: claim takes it again; else retry queues it anew.
    again = (
        await client.post("/tasks/claim", json={"max_retries": 2, "retryable_errors": ["GPUError"]})
    ).json()
    assert _ids(again) == [task["id"]] and again[0]["num_retries"] == 2
    await client.post(f"/tasks/{task['id']}/fail", json={"error": "GPUError"})
    retried = await client.post(f"/tasks/{task['id']}/retry")
    assert (retried.json()["status"], retried.json()["num_retries"]) == ("created", 0)
    listed = (await client.get("/tasks", params={"user_id": "u1"})).json()
    assert listed == [retried.json()]


async def test_errors_become_status_codes_and_change_nothing(
    client: httpx.AsyncClient, store: Store
) -> None:
    task = (await client.post("/tasks", json={"endpoint": "/tts"})).json()
    missing = str(uuid4())
    cases = [
        # NotFound
        (client.get(f"/tasks/{missing}"), 404, "NotFound"),
        (client.post(f"/tasks/{missing}/complete", json={}), 404, "NotFound"),
        (client.delete(f"/tasks/{missing}"), 404, "NotFound"),
        # InvalidTransition: only a held task completes, only a failed one is retried
        (client.post(f"/tasks/{task['id']}/complete", json={}), 409, "InvalidTransition"),
        (client.post(f"/tasks/{task['id']}/retry"), 409, "InvalidTransition"),
        # AlreadyExists: the same task id twice
        (client.post("/tasks", json={"id": task["id"], "endpoint": "/x"}), 409, "AlreadyExists"),
        # InvalidInput from the DAO, a DAO argument's ValidationError, and the request's own
        (client.get("/tasks", params={"limit": 10_001}), 422, "InvalidInput"),
        (client.post("/tasks/claim", json={"max_retries": 2**31}), 422, "ValidationError"),
        (client.post("/tasks", json={"endpoint": ""}), 422, None),
        (client.post("/tasks/heartbeat", json={"ids": ["not-a-uuid"]}), 422, None),
        (client.post(f"/tasks/{task['id']}/fail", json={"error": ""}), 422, None),
    ]
    for request, status, error in cases:
        response = await request
        assert response.status_code == status, (response.request.url, response.text)
        if error is not None:
            assert response.json()["error"] == error, response.text
    with store.session() as session:
        assert TaskDAO(session).list() == [TaskDAO(session).get(task["id"])]
        assert TaskDAO(session).get(task["id"]).status is TaskStatus.CREATED  # type: ignore[union-attr]
    # A held task cannot be deleted; once finished it can.
    await client.post("/tasks/claim", json={})
    assert (await client.delete(f"/tasks/{task['id']}")).status_code == 409
    await client.post(f"/tasks/{task['id']}/complete", json={})
    assert (await client.delete(f"/tasks/{task['id']}")).status_code == 204
    assert (await client.get("/tasks")).json() == []


async def test_a_lock_timeout_is_503_and_the_retry_succeeds(
    sqlstore_url: str, store: Store
) -> None:
    with store.session() as session:
        task = TaskDAO(session).add(TaskCreate(endpoint="/tts"))
        TaskDAO(session).claim()
    held = threading.Event()

    def hold() -> None:
        with store.session() as session:  # another worker's transaction, slow to end
            TaskDAO(session).update_status(task.id, TaskStatus.RUNNING, progress=50)
            held.set()
            time.sleep(1.5)

    holder = asyncio.create_task(asyncio.to_thread(hold))
    assert await asyncio.to_thread(held.wait, 10)
    url = (
        f"{sqlstore_url}{'&' if '?' in sqlstore_url else '?'}statement_timeout=0.3&busy_timeout=0.3"
    )
    async for client in _serve(ts.create_app(url, migrate=False)):
        busy = await client.post(f"/tasks/{task.id}/complete", json={"result": {"n": 1}})
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["error"] in ("ConcurrencyError", "TransactionAborted")
        await holder
        # Nothing of the refused request was kept; retried, it goes through.
        assert (await client.get(f"/tasks/{task.id}")).json()["status"] == "running"
        done = await client.post(f"/tasks/{task.id}/complete", json={"result": {"n": 1}})
        assert (done.status_code, done.json()["result"]) == (200, {"n": 1})


async def test_concurrent_claims_take_each_task_exactly_once(
    client: httpx.AsyncClient, store: Store
) -> None:
    with store.session() as session:
        TaskDAO(session).add_many(
            TaskCreate(endpoint="/gen", user_id=f"user{i % 3}") for i in range(60)
        )

    async def claim(limit: int, **options: int) -> list[dict[str, object]]:
        response = await client.post("/tasks/claim", json={"limit": limit, **options})
        assert response.status_code == 200, response.text
        tasks: list[dict[str, object]] = response.json()
        return tasks

    # At most 5 held per user: 15 of the 60, whatever the interleaving.
    limited = [
        t
        for got in await asyncio.gather(*(claim(2, max_active_per_user=5) for _ in range(20)))
        for t in got
    ]
    per_user = {u: sum(t["user_id"] == u for t in limited) for u in ("user0", "user1", "user2")}
    assert per_user == {"user0": 5, "user1": 5, "user2": 5}
    # Without the limit: 40 requests of 3 for the 45 left, each task claimed once.
    rest = [t for got in await asyncio.gather(*(claim(3) for _ in range(40))) for t in got]
    ids = _ids(limited) + _ids(rest)
    assert len(ids) == len(set(ids)) == 60
    with store.session() as session:
        assert TaskDAO(session).count()["assigned"] == 60


async def test_the_uvicorn_app_migrates_the_database_url_on_start(
    sqlstore_blank_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlstore_blank_url)
    async for client in _serve(ts.app):
        added = await client.post("/tasks", json={"endpoint": "/transcribe"})
        assert added.status_code == 201, added.text
        assert _ids((await client.get("/tasks")).json()) == [added.json()["id"]]
