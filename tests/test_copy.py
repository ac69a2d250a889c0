"""`sqlstore copy`: a real SQLite file moved into a real PostgreSQL scratch database.

The source end is always SQLite and the target always PostgreSQL, so these
tests take the PostgreSQL server fixture rather than the dialect-parametrized
store (with SQLSTORE_REQUIRE_POSTGRES=1 a missing server fails them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sqlstore import Session, Store, connect
from sqlstore.copy import copy_database, plan_tables, table_rows
from sqlstore.dao import (
    AuthStateDAO,
    AuthTokenDAO,
    CaptionDAO,
    ClientDAO,
    GenerationDAO,
    LogDAO,
    MediaDAO,
    MessageDAO,
    NodeDAO,
    OperatorDAO,
    OrchestratorDAO,
    ProjectDAO,
    PromptDAO,
    RepoNodeDAO,
    TaskDAO,
    ToolDAO,
    TranscriptDAO,
    UserDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import AlreadyExists, InvalidInput
from sqlstore.models import (
    AuthStateCreate,
    LogCreate,
    NodeCreate,
    RepoNodeCreate,
    TaskCreate,
    ToolCreate,
    TranscriptCreate,
    VideoCreate,
    WebhookCreate,
)
from sqlstore.stats import row_counts, table_names
from tests.factories import make_full_world, new_generation
from tests.helpers import APP, invoke, one_line_error, scratch_database, with_query

APP_DIRS: dict[str, Any] = {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}
# ``python -m stress --only copy`` (``stress/copy_resume.py``) copies, kills and
# resumes 100,000; the suite does the same with every table filled, smaller.
GENERATIONS = 10_000
CHUNK = 500


@pytest.fixture
def source_url(tmp_path: Path) -> str:
    """A migrated SQLite file, the test app's notes table included."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with connect(url, **APP_DIRS) as store:
        store.migrate()
    return url


@pytest.fixture
def target_url(sqlstore_postgres_server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database."""
    with scratch_database(sqlstore_postgres_server) as url:
        yield url


def fill_small(session: Session, tag: str) -> None:
    """A row or more in every table but generations' bulk: the agent store, media, tasks..."""
    shared = ToolDAO(session).create(ToolCreate(name=f"shared {tag}"))
    for n in range(2):
        make_full_world(session, f"{tag}{n}@example.com", shared)
    nodes = NodeDAO(session)
    parent = None
    for _ in range(30):  # random ids: children sort before their parents often
        parent = nodes.create(NodeCreate(parent_id=parent)).id
    root = RepoNodeDAO(session).create(
        RepoNodeCreate(org=tag, repo="app", partition_type="dir", name="/", abs_path="/")
    )
    RepoNodeDAO(session).create(
        RepoNodeCreate(
            org=tag, repo="app", partition_type="file", name="a.py", abs_path="/a.py",
            parent_id=root.id,
        )
    )  # fmt: skip
    AuthStateDAO(session).create(AuthStateCreate(state=f"s-{tag}", destination_url="/home"))
    LogDAO(session).create(LogCreate(level="ERROR", message=f"boom {tag}"))
    TaskDAO(session).add_many(
        [TaskCreate(endpoint="/render", data={"n": i, "tags": ["a", "b"]}) for i in range(50)]
    )
    WebhookDAO(session).save(WebhookCreate(url=f"https://hooks.test/{tag}"))
    video = VideoDAO(session).save(VideoCreate(id=f"vid-{tag}", path="/v.mp4", title="Beach"))
    TranscriptDAO(session).save(
        TranscriptCreate(
            model="whisper", media_id=video.id, transcript="hello", language="en",
            language_confidence=0.5,
        )
    )  # fmt: skip
    CaptionDAO(session).save_all("blip", video.id, ["a", "b"], [0.0, 1.5], [0, 1])


def fill(url: str, generations: int) -> None:
    """``generations`` jobs through the bulk path, a note on one, and every other table.

    JSON keys are written in JSONB's order (shorter first): PostgreSQL keeps no other.
    """
    with connect(url, **APP_DIRS) as store, store.session() as session:
        dao = GenerationDAO(session)
        for start in range(0, generations, 10_000):
            dao.create_many(
                new_generation(
                    prompt=f"prompt {i % 50}", metadata={"bpm": i, "key": "Cm", "tags": [i]}
                )
                for i in range(start, min(start + 10_000, generations))
            )
        done = dao.create(new_generation(prompt="done"))
        dao.mark_processing(done.id)
        dao.complete(done.id, generation_time=1.25, file_size_bytes=10, metadata={"tag": True})
        for body in ("first", "second"):
            session.execute("notes.add", generation_id=done.id, body=body)
        fill_small(session, "t")


def getters(session: Session) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Per table, how to read the model of a source row through its DAO."""
    u = uuid.UUID
    return {
        "users": lambda r: UserDAO(session).get(u(r["id"])),
        "orchestrators": lambda r: OrchestratorDAO(session).get(u(r["id"])),
        "operators": lambda r: OperatorDAO(session).get(u(r["id"]), u(r["orchestrator_id"])),
        "clients": lambda r: ClientDAO(session).get(
            u(r["id"]), u(r["operator_id"]), u(r["orchestrator_id"])
        ),
        "projects": lambda r: ProjectDAO(session).get(u(r["id"]), u(r["orchestrator_id"])),
        "messages": lambda r: MessageDAO(session).get(u(r["id"])),
        "tools": lambda r: ToolDAO(session).get(u(r["id"])),
        "user_tools": lambda r: ToolDAO(session).for_user(u(r["user_id"])),
        "orchestrator_tools": lambda r: ToolDAO(session).for_orchestrator(u(r["orchestrator_id"])),
        "operator_tools": lambda r: ToolDAO(session).for_operator(u(r["operator_id"])),
        "nodes": lambda r: NodeDAO(session).get(u(r["id"])),
        "repo_nodes": lambda r: RepoNodeDAO(session).get(u(r["id"])),
        "auth_states": lambda r: AuthStateDAO(session).get(u(r["id"])),
        "auth_tokens": lambda r: AuthTokenDAO(session).get(u(r["id"])),
        "logs": lambda r: LogDAO(session).get(u(r["id"])),
        "tasks": lambda r: TaskDAO(session).get(u(r["id"])),
        "webhooks": lambda r: WebhookDAO(session).get(u(r["id"])),
        "media": lambda r: MediaDAO(session).get(r["id"]),
        "video": lambda r: VideoDAO(session).get(r["id"]),
        "transcripts": lambda r: TranscriptDAO(session).get(r["model"], r["media_id"]),
        "captions": lambda r: CaptionDAO(session).get(r["model"], r["media_id"]),
        "prompts": lambda r: PromptDAO(session).get_by_text(r["text"]),
    }


def dumped(value: Any) -> str:
    """A model (or a list of them) as JSON text, byte for byte."""
    if isinstance(value, list):
        return "[" + ",".join(m.model_dump_json() for m in value) + "]"
    assert value is not None
    return str(value.model_dump_json())


def assert_same_models(source: Store, target: Store) -> None:
    """Every model read back through the DAOs is the same JSON on both ends."""
    plans = {p.name: p for p in plan_tables(source, target)}
    with source.session(readonly=True) as s, target.session(readonly=True) as t:
        one, other = getters(s), getters(t)
        # The app's notes have no DAO: its rows are compared by the copy's checksum.
        assert set(plans) - {"generations", "notes"} == set(one)
        for name, get in one.items():
            rows = [r for batch in table_rows(source, plans[name]) for r in batch]
            assert rows, f"{name} was not filled"
            for row in rows:
                assert dumped(get(row)) == dumped(other[name](row)), (name, row)
        mine, theirs = GenerationDAO(s).iter_all(), GenerationDAO(t).iter_all()
        count = 0
        for a, b in zip(mine, theirs, strict=True):
            assert a.model_dump_json() == b.model_dump_json()
            count += 1
        assert count == GENERATIONS + 1


def run_copy(*args: str) -> subprocess.Popen[bytes]:
    """The command in a subprocess, as a user runs it."""
    app = ["--sql-dir", str(APP / "sql"), "--migration-dir", str(APP / "migrations")]
    return subprocess.Popen(
        [sys.executable, "-m", "sqlstore", *app, "copy", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def target_generations(target: str | Store) -> int:
    """The generations in the target (a URL, or a store open on it); 0 before it is migrated."""
    if isinstance(target, str):
        with connect(target) as store:
            return target_generations(store)
    try:
        with target.session(readonly=True) as session:
            return int(session.fetch_value("generations.generations.count", status=None))
    except Exception:  # not migrated yet, or the migration holds the table past a timeout
        return 0


def test_killed_copy_resumes_and_every_model_reads_back_the_same(
    source_url: str, target_url: str
) -> None:
    fill(source_url, GENERATIONS)
    proc = run_copy("--from", source_url, "--to", target_url, "--chunk-rows", str(CHUNK))
    # The copy runs 20 ms at a time and stands still (SIGSTOP) while it is
    # counted, so it is killed mid-table however busy the machine: counted
    # between polls, a copy given the CPU could finish the table. A count that
    # would wait on the migration's locks gives up (0) and the copy goes on.
    deadline = time.monotonic() + 60
    with connect(with_query(target_url, "statement_timeout=1")) as counting:
        while True:
            time.sleep(0.02)
            os.kill(proc.pid, signal.SIGSTOP)
            if target_generations(counting) >= 2 * CHUNK:
                break
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            os.kill(proc.pid, signal.SIGCONT)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    copied = target_generations(target_url)
    assert 0 < copied < GENERATIONS and copied % CHUNK == 0  # whole chunks only

    again = run_copy("--from", source_url, "--to", target_url)
    out, err = again.communicate()
    assert again.returncode == 1
    assert err.startswith(b"error: the target already holds rows: ") and not out
    assert f"generations ({copied})".encode() in err

    resumed = run_copy("--from", source_url, "--to", target_url, "--resume")
    out, err = resumed.communicate()
    assert resumed.returncode == 0, err.decode()
    lines = {line.split()[0]: line.split() for line in out.decode().splitlines()}
    # The chunks committed before the kill are skipped, the rest copied once.
    assert lines["generations"][1:5] == [
        str(GENERATIONS + 1), str(GENERATIONS + 1 - copied), str(copied), str(GENERATIONS + 1)
    ]  # fmt: skip
    assert lines["generations"][-1] == "verified" and lines["notes"][-1] == "verified"
    assert b"verified: 24 tables" in out and b"prompts.id" in out
    assert not err  # not a terminal: no progress bar

    with connect(source_url, **APP_DIRS) as source, connect(target_url, **APP_DIRS) as target:
        assert_same_models(source, target)
        with target.session() as session:  # the sequences were set past the ids copied
            GenerationDAO(session).create(new_generation(prompt="brand new"))
            prompt = PromptDAO(session).get_by_text("brand new")
            # 51 prompts copied ("prompt 0".."prompt 49", "done"): the next id is 52.
            assert prompt is not None and prompt.id == 52


@pytest.fixture
def small_source(source_url: str) -> str:
    fill(source_url, 20)
    return source_url


def test_app_table_copied_in_foreign_key_order(small_source: str, target_url: str) -> None:
    report = copy_database(small_source, target_url, **APP_DIRS)
    order = [t.name for t in report.tables]
    assert order.index("generations") < order.index("notes")
    assert order.index("users") < order.index("orchestrators") < order.index("operators")
    notes = next(t for t in report.tables if t.name == "notes")
    assert (notes.source_rows, notes.copied, notes.target_rows) == (2, 2, 2) and notes.verified
    with connect(target_url, **APP_DIRS) as target, target.session() as session:
        assert session.fetch_value("notes.count") == 2
        # The notes id sequence continues after the copied ids.
        done = GenerationDAO(session).list(limit=1)[0]
        session.execute("notes.add", generation_id=done.id, body="third")
        assert session.fetch_value("notes.count") == 3


def test_app_table_needs_its_migration_folder(small_source: str, target_url: str) -> None:
    result = invoke("copy", "--from", small_source, "--to", target_url)
    assert result.code == 1
    assert one_line_error(result) == (
        "error: the source's table notes is not in the target after migrating; "
        "pass the app's --migration-dir"
    )


def test_refuses_a_target_holding_rows_and_changes_nothing(
    small_source: str, target_url: str
) -> None:
    with connect(target_url, **APP_DIRS) as target:
        target.migrate()
        with target.session() as session:
            fill_small(session, "x")
        before = dict(row_counts(target, table_names(target)))
    with pytest.raises(InvalidInput, match="the target already holds rows: auth_states"):
        copy_database(small_source, target_url, **APP_DIRS)
    with connect(target_url, **APP_DIRS) as target:
        assert dict(row_counts(target, table_names(target))) == before


def test_append_adds_rows_and_skips_keys_already_there(small_source: str, target_url: str) -> None:
    copy_database(small_source, target_url, **APP_DIRS)
    # The same source again: every key is there already, nothing added.
    report = copy_database(small_source, target_url, mode="append", **APP_DIRS)
    assert report.verified and sum(t.copied for t in report.tables) == 0
    gens = next(t for t in report.tables if t.name == "generations")
    assert gens.skipped == gens.source_rows == 21

    # The source kept growing after the copy: append adds its new rows only.
    with connect(small_source, **APP_DIRS) as store, store.session() as session:
        GenerationDAO(session).create_many(new_generation(prompt=f"new {i}") for i in range(5))
        fill_small(session, "o")
    report = copy_database(small_source, target_url, mode="append", **APP_DIRS)
    assert report.verified, [t for t in report.tables if not t.verified]
    gens = next(t for t in report.tables if t.name == "generations")
    assert (gens.target_before, gens.copied, gens.skipped, gens.target_rows) == (21, 5, 21, 26)
    prompts = next(t for t in report.tables if t.name == "prompts")
    assert (prompts.copied, prompts.skipped) == (5, 21)
    # The target now holds exactly the source: a resume finds nothing to do and verifies it.
    report = copy_database(small_source, target_url, mode="resume", **APP_DIRS)
    assert report.verified and sum(t.copied for t in report.tables) == 0


def test_append_stops_on_another_unique_key(small_source: str, target_url: str) -> None:
    with connect(target_url, **APP_DIRS) as target:
        target.migrate()
        with target.session() as session:
            AuthStateDAO(session).create(AuthStateCreate(state="s-t", destination_url="/"))
    with pytest.raises(AlreadyExists):
        copy_database(small_source, target_url, mode="append", **APP_DIRS)


def test_command_refusals(small_source: str, target_url: str, tmp_path: Path) -> None:
    both = invoke("copy", "--from", small_source, "--to", target_url, "--resume", "--append")
    assert both.code == 2 and "--resume and --append do not go together" in one_line_error(both)
    missing = invoke("copy", "--from", f"sqlite:///{tmp_path}/none.db", "--to", target_url)
    assert one_line_error(missing).startswith("error: no database file at")
    into_sqlite = invoke("copy", "--from", small_source, "--to", f"sqlite:///{tmp_path}/x.db")
    assert one_line_error(into_sqlite) == (
        "error: sqlstore copy writes only into postgresql; --to names a sqlite database"
    )
