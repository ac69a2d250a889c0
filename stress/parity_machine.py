"""The parity machine: one random sequence of calls on SQLite and PostgreSQL side by side.

A hypothesis ``RuleBasedStateMachine`` opens a session on both stores, makes
the same DAO calls in both (calls that succeed and calls that are refused and
caught), enters, releases and rolls back savepoints, leaves the session by
commit or by an exception, and uses a session after its block. After every
step it asserts that both dialects gave the same result or the same sqlstore
error class, that every table it touches holds the same rows on both (read
inside the open session, or committed from a new one), and that those
rows are exactly what its own model of the acknowledged writes says: a lost
write, or a leftover of a refused call, is a failure even when both dialects
agree on it.

The DAOs read the clock and make a few ids themselves; the machine fixes both
per step (:class:`Determinism`) so that the two dialects see the same values and
their results compare whole. Two values still differ by design and are
compared by their order only: ``messages.seq`` and ``prompts.id`` come from a
PostgreSQL sequence, which a rolled-back or refused insert consumes, and from
``MAX + 1`` on SQLite.

Used by ``tests/test_parity.py`` (a bounded run in ``make test``) and by the
``parity`` scenario of ``python -m stress`` (a long one).
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from pydantic import BaseModel, SecretStr

import sqlstore.aio.dao
import sqlstore.dao
import sqlstore.types
from sqlstore import Session, Store, connect
from sqlstore.dao import (
    GenerationDAO,
    MessageDAO,
    OperatorDAO,
    OrchestratorDAO,
    ProjectDAO,
    TaskDAO,
    ToolDAO,
    UserDAO,
)
from sqlstore.dao.agents import direct_message_project_name
from sqlstore.dialects import scratch_database
from sqlstore.errors import (
    AlreadyExists,
    DataError,
    ForeignKeyError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    ParameterError,
    QueryNotFound,
    SessionClosed,
)
from sqlstore.models import (
    GenerationCreate,
    Message,
    MessageCreate,
    OperatorCreate,
    OrchestratorCreate,
    ProjectCreate,
    TaskCreate,
    TaskStatus,
    ToolCreate,
    UserCreate,
    UserUpdate,
)
from sqlstore.types import format_utc

__all__ = [
    "PARITY_SQL",
    "Boom",
    "Determinism",
    "ParityMachine",
    "failures",
    "machine_for",
    "parity_settings",
    "parity_stores",
    "replay",
    "run_parity",
]

#: The machine's queries (``parity.<table>`` reads a table, ``parity.clear_<table>`` empties it).
PARITY_SQL = Path(__file__).resolve().parent / "sql"

Row = dict[str, Any]
#: Each table's rows by key: ``id``, ``(user_id, tool_id)`` for user_tools, ``text`` for prompts.
Tables = dict[str, dict[Any, Row]]

#: Every table the operations touch, in the order they are read, with the columns read.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id",
        "first_name",
        "last_name",
        "email",
        "profile_picture_url",
        "created_at",
        "modified_at",
    ),
    "orchestrators": ("id", "user_id", "type", "name", "created_at", "modified_at"),
    "operators": (
        "id",
        "orchestrator_id",
        "name",
        "title",
        "instructions",
        "profile_picture_url",
        "created_at",
        "modified_at",
    ),
    "projects": (
        "id",
        "orchestrator_id",
        "name",
        "executive_id",
        "developer_id",
        "direct_message_operator_id",
        "created_at",
        "modified_at",
    ),
    "messages": (
        "id",
        "seq",
        "project_id",
        "user_id",
        "operator_id",
        "type",
        "content",
        "prompt",
        "status",
        "created_at",
        "modified_at",
    ),
    "tools": ("id", "name", "created_at", "modified_at"),
    "user_tools": ("user_id", "tool_id", "created_at"),
    "generations": (
        "id",
        "prompt",
        "model_name",
        "model_version",
        "status",
        "duration_seconds",
        "sample_rate",
        "channels",
        "file_path",
        "file_size_bytes",
        "generation_time_seconds",
        "error_message",
        "metadata",
        "created_at",
        "completed_at",
    ),
    "prompts": ("id", "text", "used_count", "first_used_at", "last_used_at"),
    "tasks": (
        "id",
        "endpoint",
        "data",
        "status",
        "priority",
        "progress",
        "result",
        "num_retries",
        "user_id",
        "assigned_at",
        "completed_at",
        "created_at",
        "updated_at",
    ),
}
#: Children first, so that emptying them needs no cascade.
CLEAR_ORDER = (
    "messages",
    "user_tools",
    "projects",
    "operators",
    "orchestrators",
    "tools",
    "users",
    "generations",
    "prompts",
    "tasks",
)
#: JSON columns: text on SQLite, parsed here.
JSON_COLUMNS: dict[str, frozenset[str]] = {
    "messages": frozenset({"content"}),
    "generations": frozenset({"metadata"}),
    "tasks": frozenset({"data", "result"}),
}
#: Sequence numbers: compared by their order (see the module's docstring).
RANKED: dict[str, str] = {"messages": "seq", "prompts": "id"}
#: A value the database's own clock wrote: a foreign key's ``SET NULL`` fires the
#: trigger that stamps ``modified_at`` with the real time, not the machine's.
DB_CLOCK = "<the database's clock>"


def _ids(kind: int, n: int) -> tuple[UUID, ...]:
    return tuple(UUID(f"{kind:08x}-0000-4000-8000-{i:012x}") for i in range(n))


# Small pools, so that the same keys come back: duplicates, missing parents, cascades.
USERS = _ids(1, 3)
# A case variant and a non-ASCII address: unique alike on both dialects (byte-wise).
EMAILS = ("ann@example.com", "bob@example.com", "ANN@example.com", "zoë@example.com")
FIRST_NAMES = ("Ann", "Bo")
ORCHESTRATORS = _ids(2, 3)
ORCHESTRATOR_NAMES = ("alpha", "beta")
OPERATORS = _ids(3, 3)
OPERATOR_NAMES = ("ada", "bo")
PROJECTS = _ids(4, 3)
PROJECT_NAMES = ("p1", "p2")
MESSAGES = _ids(5, 4)
TOOLS = _ids(6, 2)
GENERATIONS = _ids(7, 3)
# A trailing space and a non-ASCII text are other prompts, on both dialects.
PROMPTS = ("lofi beat", "jazz trio", "lofi beat ", "café ☕")
TASKS = _ids(8, 4)
#: Ids no pool holds: a project that is not there, a user written through a closed session.
NO_PROJECT = UUID("00000004-0000-4000-8000-0000000000ff")
GHOST_USER = UUID("00000001-0000-4000-8000-0000000000ff")


def _pick(pool: tuple[Any, ...]) -> st.SearchStrategy[int]:
    # Index 0 half the time: the seeded rows are the ones found most often.
    return st.just(0) | st.integers(min_value=0, max_value=len(pool) - 1)


# A message goes to a project of the pool or to an operator's direct-message project,
# from a user or from an operator of the pools.
_TARGET = st.tuples(st.sampled_from(("project", "dm")), _pick(PROJECTS))
_SENDER = st.tuples(st.sampled_from(("user", "operator")), _pick(USERS))


class Boom(Exception):
    """What the machine raises inside a block to leave it by rollback."""


# -- values as compared ------------------------------------------------------


def plain(value: Any) -> Any:
    """A result or a column value in one form on both dialects (ids and times as text)."""
    if isinstance(value, BaseModel):
        dumped = plain(value.model_dump())
        if isinstance(value, Message):
            del dumped["seq"]  # a sequence number: see the module's docstring
        return dumped
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def key_of(table: str, row: Row) -> Any:
    """The key the machine files a row of ``table`` under."""
    if table == "user_tools":
        return (row["user_id"], row["tool_id"])
    if table == "prompts":
        return row["text"]
    return row["id"]


def read_tables(session: Session) -> Tables:
    """Every table the machine touches, read through ``session``, in one form for both dialects."""
    tables: Tables = {}
    for table, columns in COLUMNS.items():
        json_columns = JSON_COLUMNS.get(table, frozenset())
        rows = []
        for raw in session.fetch_all(f"parity.{table}"):
            row = {}
            for column in columns:
                value = raw[column]
                if column in json_columns and isinstance(value, str):
                    value = json.loads(value)
                row[column] = plain(value)
            rows.append(row)
        ranked = RANKED.get(table)
        if ranked:
            for rank, row in enumerate(sorted(rows, key=lambda r: int(r[ranked])), 1):
                row[ranked] = rank
        tables[table] = {key_of(table, row): row for row in rows}
    return tables


def _short(value: Any, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def tables_diff(a: Tables, b: Tables) -> str:
    """Where two readings differ, table by table ('' if they do not)."""
    parts = []
    for table in COLUMNS:
        rows_a, rows_b = a.get(table, {}), b.get(table, {})
        if rows_a == rows_b:
            continue
        only_a = sorted(set(rows_a) - set(rows_b), key=str)
        only_b = sorted(set(rows_b) - set(rows_a), key=str)
        changed = sorted((k for k in rows_a if k in rows_b and rows_a[k] != rows_b[k]), key=str)
        part = f"{table}:"
        if only_a:
            part += f" only on sqlite {_short(only_a)};"
        if only_b:
            part += f" only on postgresql {_short(only_b)};"
        for k in changed[:3]:
            fields = {
                c: (rows_a[k].get(c), rows_b[k].get(c))
                for c in COLUMNS[table]
                if rows_a[k].get(c) != rows_b[k].get(c)
            }
            part += f" {k} differs (sqlite, postgresql): {_short(fields)};"
        parts.append(part)
    return " ".join(parts)


def mask_clock(expected: Tables, actual: Tables) -> None:
    """Blank in ``actual`` the values the model says the database's clock wrote."""
    for table, rows in expected.items():
        for key, row in rows.items():
            for column, value in row.items():
                if value == DB_CLOCK and key in actual[table]:
                    actual[table][key][column] = DB_CLOCK


def stamped_by_clock(tables: Tables) -> dict[Any, Row]:
    """The model's rows holding a value the database's clock wrote, by id."""
    return {
        key: row
        for rows in tables.values()
        for key, row in rows.items()
        if DB_CLOCK in row.values()
    }


def mask_result(value: Any, clocked: dict[Any, Row]) -> Any:
    """A result with the values the database's clock wrote (see ``DB_CLOCK``) blanked."""
    if isinstance(value, list):
        return [mask_result(v, clocked) for v in value]
    if isinstance(value, dict):
        row = clocked.get(value.get("id"))
        if row is not None:
            return {k: DB_CLOCK if row.get(k) == DB_CLOCK else v for k, v in value.items()}
    return value


def value_diff(a: Any, b: Any, path: str = "result") -> str:
    """Where two results first differ: a path into them and the two values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b or a[k] != b[k]:
                return value_diff(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}[{k!r}]")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items on sqlite, {len(b)} on postgresql"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return value_diff(x, y, f"{path}[{i}]")
    return f"{path}: sqlite {_short(a, 200)}, postgresql {_short(b, 200)}"


def model_diff(expected: Tables, actual: Tables) -> str:
    """Where a reading differs from the model ('' if it holds every row, field and nothing else)."""
    parts = []
    for table in COLUMNS:
        want, got = expected[table], actual[table]
        missing = sorted(set(want) - set(got), key=str)
        extra = sorted(set(got) - set(want), key=str)
        wrong = []
        for k in sorted(set(want) & set(got), key=str):
            fields = {c: (v, got[k].get(c)) for c, v in want[k].items() if got[k].get(c) != v}
            if fields:
                wrong.append(f"{k} (model, database): {_short(fields)}")
        if missing or extra or wrong:
            part = f"{table}:"
            if missing:
                part += f" acknowledged rows missing {_short(missing)};"
            if extra:
                part += f" rows no acknowledged write made {_short(extra)};"
            part += "".join(f" {w};" for w in wrong[:3])
            parts.append(part)
    return " ".join(parts)


# -- the model of acknowledged writes ----------------------------------------


def empty_tables() -> Tables:
    """No rows in any table."""
    return {table: {} for table in COLUMNS}


def expected_row(table: str, result: Row) -> Row:
    """The columns of ``table`` a DAO result shows (sequence numbers left out)."""
    return {c: result[c] for c in COLUMNS[table] if c in result and c != RANKED.get(table)}


def put(t: Tables, table: str, row: Row) -> None:
    """The model now holds ``row`` (only the fields given are checked)."""
    t[table][key_of(table, row)] = row


def matching(t: Tables, table: str, **fields: Any) -> list[Any]:
    """Keys of the rows of ``table`` whose fields have these values."""
    return [k for k, r in t[table].items() if all(r.get(f) == v for f, v in fields.items())]


def drop_user(t: Tables, user: str) -> None:
    """A user goes with its orchestrators, messages and tool links (ON DELETE CASCADE)."""
    t["users"].pop(user)
    for orchestrator in matching(t, "orchestrators", user_id=user):
        drop_orchestrator(t, orchestrator)
    for message in matching(t, "messages", user_id=user):
        t["messages"].pop(message)
    for link in matching(t, "user_tools", user_id=user):
        t["user_tools"].pop(link)


def drop_orchestrator(t: Tables, orchestrator: str) -> None:
    """An orchestrator goes with its operators and projects."""
    t["orchestrators"].pop(orchestrator)
    for operator in matching(t, "operators", orchestrator_id=orchestrator):
        drop_operator(t, operator)
    for project in matching(t, "projects", orchestrator_id=orchestrator):
        drop_project(t, project)


def drop_operator(t: Tables, operator: str) -> None:
    """An operator goes with its direct-message project and messages; projects it led lose it."""
    t["operators"].pop(operator)
    for project in matching(t, "projects", direct_message_operator_id=operator):
        drop_project(t, project)
    for role in ("executive_id", "developer_id"):
        for project in matching(t, "projects", **{role: operator}):
            t["projects"][project] = {**t["projects"][project], role: None, "modified_at": DB_CLOCK}
    for message in matching(t, "messages", operator_id=operator):
        t["messages"].pop(message)


def drop_project(t: Tables, project: str) -> None:
    """A project goes with its messages."""
    t["projects"].pop(project)
    for message in matching(t, "messages", project_id=project):
        t["messages"].pop(message)


def drop_tool(t: Tables, tool: str) -> None:
    """A tool goes with its links."""
    t["tools"].pop(tool)
    for link in matching(t, "user_tools", tool_id=tool):
        t["user_tools"].pop(link)


class World:
    """What the machine believes is committed, and what its open session holds."""

    def __init__(self) -> None:
        self.committed = empty_tables()
        self.working: Tables | None = None
        self.saved: list[Tables] = []

    @property
    def now(self) -> Tables:
        """The open session's view."""
        assert self.working is not None, "no session is open"
        return self.working

    def begin(self) -> None:
        """A session starts from what is committed."""
        self.working = copy.deepcopy(self.committed)

    def savepoint(self) -> None:
        """Remember the session's view, to go back to it."""
        self.saved.append(copy.deepcopy(self.now))

    def release(self) -> None:
        """The savepoint's writes stay."""
        self.saved.pop()

    def restore(self) -> None:
        """The savepoint's writes go."""
        self.working = self.saved.pop()

    def commit(self) -> None:
        """Every write the session kept is committed."""
        self.committed, self.working, self.saved = self.now, None, []

    def rollback(self) -> None:
        """Nothing of the session is committed."""
        self.working, self.saved = None, []


# -- the same clock and ids on both dialects ---------------------------------

_UTCNOW = sqlstore.types.utcnow
_UUID4 = uuid.uuid4
#: The fixed clock's origin; each step is one second later, each call in it 1 ms.
EPOCH = datetime(2031, 1, 1, tzinfo=UTC)


class Determinism:
    """Replaces ``utcnow`` and ``uuid4`` in the DAO modules by a clock and ids fixed per step.

    Reset to the same step before each dialect's call, so both make the same
    values; no two steps share a time or an id.
    """

    def __init__(self) -> None:
        self.step = 0
        self.calls = 0
        self.ids = 0
        self._patched: list[tuple[Any, str, Any]] = []

    def reset(self, step: int) -> None:
        """Start step ``step``'s clock and ids again."""
        self.step, self.calls, self.ids = step, 0, 0

    def now(self) -> datetime:
        """The fixed clock: the step's second, plus 1 ms per call."""
        self.calls += 1
        return EPOCH + timedelta(seconds=self.step, milliseconds=self.calls)

    def uuid4(self) -> UUID:
        """An id made from the step and the call: never one of the pools'."""
        self.ids += 1
        return UUID(int=(0xFFFF << 112) | (self.step << 32) | self.ids)

    def install(self) -> None:
        """Patch every DAO module, blocking and async (and ``sqlstore.types``).

        Each is imported first: one imported while the clock is patched would
        keep the fake ``utcnow`` it imported for good.
        """
        packages = (sqlstore.dao, sqlstore.aio.dao)
        modules: list[Any] = [sqlstore.types, *packages]
        for package in packages:
            for found in pkgutil.iter_modules(package.__path__):
                modules.append(importlib.import_module(f"{package.__name__}.{found.name}"))
        for module in modules:
            for name, original, fake in (
                ("utcnow", _UTCNOW, self.now),
                ("uuid4", _UUID4, self.uuid4),
            ):
                if getattr(module, name, None) is original:
                    self._patched.append((module, name, original))
                    setattr(module, name, fake)

    def uninstall(self) -> None:
        """Put the originals back."""
        while self._patched:
            module, name, original = self._patched.pop()
            setattr(module, name, original)


# -- one dialect's side of the machine ---------------------------------------


@dataclass
class Side:
    """One store, its open session (with its savepoints) and the last session that ended."""

    name: str
    store: Store
    block: AbstractContextManager[Session] | None = None
    session: Session | None = None
    savepoints: list[AbstractContextManager[None]] = field(default_factory=list)
    closed: Session | None = None

    @property
    def s(self) -> Session:
        """The open session."""
        assert self.session is not None, f"{self.name}: no session is open"
        return self.session

    @property
    def old(self) -> Session:
        """The session whose block ended last."""
        assert self.closed is not None, f"{self.name}: no session has ended"
        return self.closed


@dataclass(frozen=True)
class Outcome:
    """What a call gave on one dialect: a value, or the class of what it raised."""

    error: type[BaseException] | None
    value: Any = None
    message: str = ""

    def __str__(self) -> str:
        if self.error is None:
            return f"ok {_short(self.value, 300)}"
        return f"{self.error.__name__}({self.message[:300]!r})"


def _exit(
    cm: AbstractContextManager[Any], exc: BaseException | None
) -> tuple[BaseException | None, bool]:
    """Leave ``cm`` as a ``with`` block does: (what propagates out of it, whether it swallowed)."""
    tb: TracebackType | None = None if exc is None else exc.__traceback__
    try:
        swallowed = cm.__exit__(None if exc is None else type(exc), exc, tb)
    except BaseException as raised:  # whatever leaving the block raised goes on outward
        return raised, False
    if exc is not None and swallowed:
        return None, True
    return exc, False


_MISSING: Any = object()


def _is_open(machine: ParityMachine) -> bool:
    return machine.sides[0].session is not None


def _has_savepoint(machine: ParityMachine) -> bool:
    return bool(machine.sides[0].savepoints)


def _can_nest(machine: ParityMachine) -> bool:
    return _is_open(machine) and len(machine.sides[0].savepoints) < 2


def _has_ended(machine: ParityMachine) -> bool:
    return machine.sides[0].closed is not None


class ParityMachine(RuleBasedStateMachine):
    """Drives SQLite and PostgreSQL with the same steps; bind it to stores with ``machine_for``."""

    stores: ClassVar[tuple[Store, Store]]
    #: Read the tables inside the open session after each step (else the committed ones).
    read_inside: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        sqlite, postgresql = self.stores
        self.sides = (Side("sqlite", sqlite), Side("postgresql", postgresql))
        self.world = World()
        self.step = 0
        self.det = Determinism()
        for side in self.sides:
            with side.store.session() as session:
                for table in CLEAR_ORDER:
                    session.execute(f"parity.clear_{table}")
        self.det.install()

    def teardown(self) -> None:
        """Leave any open block (by rollback) and restore the clock."""
        try:
            for side in self.sides:
                if side.block is not None:
                    with suppress(AssertionError):  # a swallowed exception: a rule reports that
                        self._leave(side, Boom("teardown"))
        finally:
            self.det.uninstall()

    # -- running one step on both ------------------------------------------

    def _run(self, side: Side, call: Callable[[Side], object]) -> Outcome:
        self.det.reset(self.step)
        try:
            value = call(side)
        except Exception as exc:  # compared by class: a foreign class fails the expectation
            return Outcome(type(exc), None, str(exc))
        return Outcome(None, plain(value))

    def both(
        self,
        label: str,
        call: Callable[[Side], object],
        expect: type[BaseException] | None = None,
        want: Any = _MISSING,
    ) -> Any:
        """Make ``call`` on each dialect; both must agree, and give ``expect`` (None: success)."""
        self.step += 1
        clocked = stamped_by_clock(self.world.working or self.world.committed)
        lite, pg = (self._run(side, call) for side in self.sides)
        lite_value, pg_value = mask_result(lite.value, clocked), mask_result(pg.value, clocked)
        if lite.error is not pg.error:
            raise AssertionError(f"{label}: sqlite gave {lite}, postgresql gave {pg}")
        if lite_value != pg_value:
            raise AssertionError(
                f"{label}: the results differ at {value_diff(lite_value, pg_value)}; "
                f"sqlite gave {lite}"
            )
        if lite.error is not expect:
            wanted = "success" if expect is None else expect.__name__
            raise AssertionError(f"{label}: both gave {lite}, the rules say {wanted}")
        if want is not _MISSING and expect is None and lite.value != plain(want):
            raise AssertionError(f"{label}: both gave {lite}, the model says {_short(want)}")
        return lite.value

    def _leave(self, side: Side, exc: BaseException | None) -> BaseException | None:
        """Leave every open savepoint block, then the session's, as nested ``with`` blocks do."""
        assert side.block is not None
        escaping = exc
        for cm in [*reversed(side.savepoints), side.block]:
            escaping, swallowed = _exit(cm, escaping)
            if swallowed:
                raise AssertionError(f"{side.name}: a block swallowed {exc!r}")
        side.closed, side.block, side.session, side.savepoints = side.session, None, None, []
        return escaping

    # -- a committed start, so that deep rows are reachable in a few steps --

    # Mostly the deepest start; a failing sequence shrinks to the shallowest one it needs.
    @initialize(depth=st.sampled_from((0, 4, 4, 4, 1, 2, 3)))
    def seed(self, depth: int) -> None:
        """Commit users, then orchestrators, operators and a project with jobs, as deep as asked."""
        if depth == 0:
            return
        self.begin()
        self.create_user(user=0, email=0)
        self.create_user(user=1, email=1)
        if depth >= 2:
            self.create_orchestrator(orchestrator=0, user=0, name=0)
            self.create_orchestrator(orchestrator=1, user=1, name=0)
        if depth >= 3:
            self.create_operator(operator=0, orchestrator=0, name=0)
            self.create_operator(operator=1, orchestrator=1, name=0)
        if depth >= 4:
            self.create_project(project=0, orchestrator=0, name=0, executive=0)
            self.create_tool(tool=0, user=0)
            self.create_generation(generation=0, prompt=0)
            self.add_task(task=0, priority=1)
        self.commit()

    # -- sessions and savepoints -------------------------------------------

    @precondition(lambda self: not _is_open(self))
    @rule()
    def begin(self) -> None:
        """Open a session on both stores."""

        def enter(side: Side) -> None:
            block = side.store.session()
            side.session = block.__enter__()
            side.block = block

        self.both("begin", enter)
        self.world.begin()

    @precondition(_is_open)
    @rule()
    def commit(self) -> None:
        """Leave the block normally (open savepoint blocks end normally first): commit."""

        def leave(side: Side) -> None:
            escaping = self._leave(side, None)
            if escaping is not None:
                raise escaping

        self.both("commit", leave)
        self.world.commit()

    @precondition(_is_open)
    @rule()
    def rollback(self) -> None:
        """Raise inside the block (through any savepoints), caught outside: nothing committed."""

        def leave(side: Side) -> None:
            escaping = self._leave(side, Boom("rollback"))
            if escaping is not None:
                raise escaping

        self.both("rollback", leave, Boom)
        self.world.rollback()

    @precondition(_can_nest)
    @rule()
    def savepoint(self) -> None:
        """Enter ``with session.savepoint():`` (up to two deep)."""

        def enter(side: Side) -> None:
            cm = side.s.savepoint()
            cm.__enter__()
            side.savepoints.append(cm)

        self.both("savepoint", enter)
        self.world.savepoint()

    @precondition(_has_savepoint)
    @rule()
    def savepoint_release(self) -> None:
        """The innermost savepoint block ends normally: its writes stay."""

        def leave(side: Side) -> None:
            escaping, _ = _exit(side.savepoints.pop(), None)
            if escaping is not None:
                raise escaping

        self.both("savepoint_release", leave)
        self.world.release()

    @precondition(_has_savepoint)
    @rule()
    def savepoint_raise(self) -> None:
        """Raise inside the innermost savepoint block, caught in the session: its writes go."""

        def leave(side: Side) -> None:
            escaping, swallowed = _exit(side.savepoints.pop(), Boom("savepoint"))
            if swallowed:
                raise AssertionError("the savepoint block swallowed the exception")
            if escaping is not None:
                raise escaping

        self.both("savepoint_raise", leave, Boom)
        self.world.restore()

    @precondition(_has_ended)
    @rule(kind=st.sampled_from(("write", "read", "savepoint", "fetch")))
    def use_ended_session(self, kind: str) -> None:
        """A session used after its block: ``SessionClosed``, and nothing touched."""
        ghost = UserCreate(id=GHOST_USER, email="ghost@example.com")

        def call(side: Side) -> object:
            if kind == "write":
                return UserDAO(side.old).create(ghost)
            if kind == "read":
                return UserDAO(side.old).list()
            if kind == "fetch":
                return side.old.fetch_one("agents.users.get_by_email", email="ann@example.com")
            with side.old.savepoint():
                return None

        self.both(f"use_ended_session({kind!r})", call, SessionClosed)

    # -- refusals that name no row -----------------------------------------

    @precondition(_is_open)
    @rule(kind=st.sampled_from(("query", "parameter", "limit")))
    def refuse_bad_call(self, kind: str) -> None:
        """A query that does not exist, a missing parameter, a bad page size."""
        if kind == "query":
            self.both(
                "fetch_one('parity.no_such_query')",
                lambda side: side.s.fetch_one("parity.no_such_query"),
                QueryNotFound,
            )
        elif kind == "parameter":
            self.both(
                "fetch_one('agents.users.get_by_email') without :email",
                lambda side: side.s.fetch_one("agents.users.get_by_email"),
                ParameterError,
            )
        else:
            self.both(
                "UserDAO.list(limit=0)", lambda side: UserDAO(side.s).list(limit=0), InvalidInput
            )

    @precondition(_is_open)
    @rule(kind=st.sampled_from(("user", "message")), user=_pick(USERS))
    def refuse_bad_value(self, kind: str, user: int) -> None:
        """A value no dialect stores (a NUL character): ``DataError``."""
        if kind == "user":
            bad_user = UserCreate(id=USERS[user], email="nul@example.com", first_name="a\x00b")
            self.both(
                f"UserDAO.create(first_name with NUL, user={user})",
                lambda side: UserDAO(side.s).create(bad_user),
                DataError,
            )
            return
        bad_message = MessageCreate(
            id=MESSAGES[0],
            project_id=PROJECTS[0],
            user_id=USERS[user],
            type="text",
            content={"text": "a\x00b"},
        )
        self.both(
            f"MessageDAO.append(content with NUL, user={user})",
            lambda side: MessageDAO(side.s).append(bad_message),
            DataError,
        )

    # -- users, orchestrators, operators, projects -------------------------

    @precondition(_is_open)
    @rule(user=_pick(USERS), email=_pick(EMAILS))
    def create_user(self, user: int, email: int) -> None:
        """Create a user: a taken id or email is ``AlreadyExists``."""
        t = self.world.now
        new = UserCreate(id=USERS[user], email=EMAILS[email])
        taken = str(new.id) in t["users"] or bool(matching(t, "users", email=new.email))
        row = self.both(
            f"UserDAO.create(user={user}, email={email})",
            lambda side: UserDAO(side.s).create(new),
            AlreadyExists if taken else None,
        )
        if not taken:
            put(t, "users", expected_row("users", row))

    @precondition(_is_open)
    @rule(user=_pick(USERS), name=_pick(FIRST_NAMES))
    def update_user(self, user: int, name: int) -> None:
        """Rename a user: a missing one is ``NotFound``."""
        t = self.world.now
        changes = UserUpdate(first_name=FIRST_NAMES[name])
        found = str(USERS[user]) in t["users"]
        row = self.both(
            f"UserDAO.update(user={user}, first_name={name})",
            lambda side: UserDAO(side.s).update(USERS[user], changes),
            None if found else NotFound,
        )
        if found:
            put(t, "users", expected_row("users", row))

    @precondition(_is_open)
    @rule(user=_pick(USERS))
    def delete_user(self, user: int) -> None:
        """Delete a user and everything under it."""
        t = self.world.now
        found = str(USERS[user]) in t["users"]
        self.both(
            f"UserDAO.delete(user={user})",
            lambda side: UserDAO(side.s).delete(USERS[user]),
            want=found,
        )
        if found:
            drop_user(t, str(USERS[user]))

    @precondition(_is_open)
    @rule(orchestrator=_pick(ORCHESTRATORS), user=_pick(USERS), name=_pick(ORCHESTRATOR_NAMES))
    def create_orchestrator(self, orchestrator: int, user: int, name: int) -> None:
        """Create an orchestrator: a taken id or name is ``AlreadyExists``, no user a FK error."""
        t = self.world.now
        new = OrchestratorCreate(
            id=ORCHESTRATORS[orchestrator],
            user_id=USERS[user],
            type="chat",
            name=ORCHESTRATOR_NAMES[name],
        )
        expect: type[BaseException] | None = None
        if str(new.id) in t["orchestrators"] or matching(
            t, "orchestrators", user_id=str(new.user_id), name=new.name
        ):
            expect = AlreadyExists
        elif str(new.user_id) not in t["users"]:
            expect = ForeignKeyError
        row = self.both(
            f"OrchestratorDAO.create(orchestrator={orchestrator}, user={user}, name={name})",
            lambda side: OrchestratorDAO(side.s).create(new),
            expect,
        )
        if expect is None:
            put(t, "orchestrators", expected_row("orchestrators", row))

    @precondition(_is_open)
    @rule(orchestrator=_pick(ORCHESTRATORS))
    def delete_orchestrator(self, orchestrator: int) -> None:
        """Delete an orchestrator, its operators and projects."""
        t = self.world.now
        key = str(ORCHESTRATORS[orchestrator])
        found = key in t["orchestrators"]
        self.both(
            f"OrchestratorDAO.delete(orchestrator={orchestrator})",
            lambda side: OrchestratorDAO(side.s).delete(ORCHESTRATORS[orchestrator]),
            want=found,
        )
        if found:
            drop_orchestrator(t, key)

    @precondition(_is_open)
    @rule(operator=_pick(OPERATORS), orchestrator=_pick(ORCHESTRATORS), name=_pick(OPERATOR_NAMES))
    def create_operator(self, operator: int, orchestrator: int, name: int) -> None:
        """Create an operator with its direct-message project (two inserts in a savepoint)."""
        t = self.world.now
        new = OperatorCreate(
            id=OPERATORS[operator],
            orchestrator_id=ORCHESTRATORS[orchestrator],
            name=OPERATOR_NAMES[name],
            title="helper",
            instructions="be brief",
        )
        owner = str(new.orchestrator_id)
        expect: type[BaseException] | None = None
        if str(new.id) in t["operators"] or matching(
            t, "operators", orchestrator_id=owner, name=new.name
        ):
            expect = AlreadyExists
        elif owner not in t["orchestrators"]:
            expect = ForeignKeyError
        row = self.both(
            f"OperatorDAO.create(operator={operator}, orchestrator={orchestrator}, name={name})",
            lambda side: OperatorDAO(side.s).create(new),
            expect,
        )
        if expect is None:
            put(t, "operators", expected_row("operators", row))
            dm = row["direct_message_project_id"]
            assert dm is not None, "an operator came back without its direct-message project"
            put(
                t,
                "projects",
                {
                    "id": dm,
                    "orchestrator_id": owner,
                    "name": direct_message_project_name(new.name),
                    "executive_id": None,
                    "developer_id": None,
                    "direct_message_operator_id": str(new.id),
                },
            )

    @precondition(_is_open)
    @rule(operator=_pick(OPERATORS))
    def delete_operator(self, operator: int) -> None:
        """Delete an operator: its direct-message project and messages go, projects lose it."""
        t = self.world.now
        key = str(OPERATORS[operator])
        found = t["operators"].get(key)
        owner = UUID(found["orchestrator_id"]) if found else ORCHESTRATORS[0]
        self.both(
            f"OperatorDAO.delete(operator={operator})",
            lambda side: OperatorDAO(side.s).delete(OPERATORS[operator], owner),
            want=found is not None,
        )
        if found:
            drop_operator(t, key)

    @precondition(_is_open)
    @rule(
        project=_pick(PROJECTS),
        orchestrator=_pick(ORCHESTRATORS),
        name=_pick(PROJECT_NAMES),
        executive=st.none() | _pick(OPERATORS),
    )
    def create_project(
        self, project: int, orchestrator: int, name: int, executive: int | None
    ) -> None:
        """Create a project; an executive of another orchestrator is ``InvalidInput``."""
        t = self.world.now
        new = ProjectCreate(
            id=PROJECTS[project],
            orchestrator_id=ORCHESTRATORS[orchestrator],
            name=PROJECT_NAMES[name],
            executive_id=None if executive is None else OPERATORS[executive],
        )
        owner = str(new.orchestrator_id)
        boss = None if new.executive_id is None else str(new.executive_id)
        expect: type[BaseException] | None = None
        if boss in t["operators"] and t["operators"][boss]["orchestrator_id"] != owner:
            expect = InvalidInput
        elif str(new.id) in t["projects"] or matching(
            t, "projects", orchestrator_id=owner, name=new.name, direct_message_operator_id=None
        ):
            expect = AlreadyExists
        elif owner not in t["orchestrators"] or (boss is not None and boss not in t["operators"]):
            expect = ForeignKeyError
        row = self.both(
            f"ProjectDAO.create(project={project}, orchestrator={orchestrator}, name={name}, "
            f"executive={executive})",
            lambda side: ProjectDAO(side.s).create(new),
            expect,
        )
        if expect is None:
            put(t, "projects", expected_row("projects", row))

    @precondition(_is_open)
    @rule(project=_pick(PROJECTS))
    def delete_project(self, project: int) -> None:
        """Delete a project and its messages."""
        t = self.world.now
        key = str(PROJECTS[project])
        found = t["projects"].get(key)
        owner = UUID(found["orchestrator_id"]) if found else ORCHESTRATORS[0]
        self.both(
            f"ProjectDAO.delete(project={project})",
            lambda side: ProjectDAO(side.s).delete(PROJECTS[project], owner),
            want=found is not None,
        )
        if found:
            drop_project(t, key)

    # -- messages ----------------------------------------------------------

    def _message(
        self, message: int, to: tuple[str, int], sender: tuple[str, int]
    ) -> tuple[MessageCreate, type[BaseException] | None]:
        """The message these draws make, and the error its insert alone would get."""
        t = self.world.now
        if to[0] == "project":
            project = PROJECTS[to[1]]
        else:
            dms = matching(t, "projects", direct_message_operator_id=str(OPERATORS[to[1]]))
            project = UUID(dms[0]) if dms else NO_PROJECT
        by_user = sender[0] == "user"
        new = MessageCreate(
            id=MESSAGES[message],
            project_id=project,
            user_id=USERS[sender[1]] if by_user else None,
            operator_id=None if by_user else OPERATORS[sender[1]],
            type="text",
            content={"text": f"message {message}", "n": message},
        )
        sent_by = str(new.user_id) if by_user else str(new.operator_id)
        if str(new.id) in t["messages"]:
            return new, AlreadyExists
        if (
            str(project) not in t["projects"]
            or sent_by not in t["users" if by_user else "operators"]
        ):
            return new, ForeignKeyError
        return new, None

    @precondition(_is_open)
    @rule(message=_pick(MESSAGES), to=_TARGET, sender=_SENDER)
    def append_message(self, message: int, to: tuple[str, int], sender: tuple[str, int]) -> None:
        """Append one message: a missing project or sender is a FK error."""
        new, expect = self._message(message, to, sender)
        row = self.both(
            f"MessageDAO.append(message={message}, to={to}, sender={sender})",
            lambda side: MessageDAO(side.s).append(new),
            expect,
        )
        if expect is None:
            put(self.world.now, "messages", expected_row("messages", row))

    @precondition(_is_open)
    @rule(batch=st.lists(st.tuples(_pick(MESSAGES), _TARGET, _SENDER), min_size=2, max_size=3))
    def append_messages(self, batch: list[tuple[int, tuple[str, int], tuple[str, int]]]) -> None:
        """Append a batch, all or nothing: a bad message after good ones leaves none of them."""
        news = []
        expect: type[BaseException] | None = None
        seen = set(self.world.now["messages"])
        for message, to, sender in batch:
            new, problem = self._message(message, to, sender)
            if str(new.id) in seen:
                problem = AlreadyExists  # twice in the batch: the key is checked before the FKs
            news.append(new)
            seen.add(str(new.id))
            if problem is not None and expect is None:
                expect = problem
        rows = self.both(
            f"MessageDAO.append_many({batch})",
            lambda side: MessageDAO(side.s).append_many(news),
            expect,
        )
        if expect is None:
            assert [r["id"] for r in rows] == [str(n.id) for n in news], "not in the order given"
            for row in rows:
                put(self.world.now, "messages", expected_row("messages", row))

    # -- tools -------------------------------------------------------------

    @precondition(_is_open)
    @rule(tool=_pick(TOOLS), user=st.none() | _pick(USERS))
    def create_tool(self, tool: int, user: int | None) -> None:
        """Create a tool and link it to a user: a missing user fails the second insert."""
        t = self.world.now
        new = ToolCreate(id=TOOLS[tool], name=f"tool {tool}")
        owner = None if user is None else USERS[user]
        expect: type[BaseException] | None = None
        if str(new.id) in t["tools"]:
            expect = AlreadyExists
        elif owner is not None and str(owner) not in t["users"]:
            expect = ForeignKeyError
        row = self.both(
            f"ToolDAO.create(tool={tool}, user_id={user})",
            lambda side: ToolDAO(side.s).create(new, user_id=owner),
            expect,
        )
        if expect is None:
            put(t, "tools", expected_row("tools", row))
            if owner is not None:
                put(t, "user_tools", {"user_id": str(owner), "tool_id": str(new.id)})

    @precondition(_is_open)
    @rule(tool=_pick(TOOLS))
    def delete_tool(self, tool: int) -> None:
        """Delete a tool and its links."""
        t = self.world.now
        key = str(TOOLS[tool])
        found = key in t["tools"]
        self.both(
            f"ToolDAO.delete(tool={tool})",
            lambda side: ToolDAO(side.s).delete(TOOLS[tool]),
            want=found,
        )
        if found:
            drop_tool(t, key)

    # -- generations and prompts -------------------------------------------

    @precondition(_is_open)
    @rule(generation=_pick(GENERATIONS), prompt=_pick(PROMPTS))
    def create_generation(self, generation: int, prompt: int) -> None:
        """Create a job and count its prompt's use (two statements)."""
        t = self.world.now
        new = GenerationCreate(
            id=GENERATIONS[generation],
            prompt=PROMPTS[prompt],
            model_name="musicgen-small",
            duration_seconds=8.0,
            sample_rate=32000,
            channels=2,
            file_path=f"outputs/{generation}.wav",
            metadata={"generation": generation},
        )
        taken = str(new.id) in t["generations"]
        row = self.both(
            f"GenerationDAO.create(generation={generation}, prompt={prompt})",
            lambda side: GenerationDAO(side.s).create(new),
            AlreadyExists if taken else None,
        )
        if not taken:
            put(t, "generations", expected_row("generations", row))
            used = t["prompts"].get(new.prompt, {}).get("used_count", 0)
            put(t, "prompts", {"text": new.prompt, "used_count": used + 1})

    @precondition(_is_open)
    @rule(
        generation=_pick(GENERATIONS),
        action=st.sampled_from(("processing", "fail", "complete")),
    )
    def advance_generation(self, generation: int, action: str) -> None:
        """Move a job on: a move from a finished status is ``InvalidTransition``."""
        t = self.world.now
        gid = GENERATIONS[generation]
        found = t["generations"].get(str(gid))
        allowed = ("pending",) if action == "processing" else ("pending", "processing")
        expect: type[BaseException] | None = None
        if found is None:
            expect = NotFound
        elif found["status"] not in allowed:
            expect = InvalidTransition

        def call(side: Side) -> object:
            dao = GenerationDAO(side.s)
            if action == "processing":
                return dao.mark_processing(gid)
            if action == "fail":
                return dao.fail(gid, "out of memory")
            return dao.complete(gid, 1.5, 4096, {"done": True})

        row = self.both(f"GenerationDAO.{action}(generation={generation})", call, expect)
        if expect is None:
            put(t, "generations", expected_row("generations", row))

    @precondition(_is_open)
    @rule(generation=_pick(GENERATIONS))
    def delete_generation(self, generation: int) -> None:
        """Delete a job (its prompt's count stays)."""
        t = self.world.now
        key = str(GENERATIONS[generation])
        found = key in t["generations"]
        self.both(
            f"GenerationDAO.delete(generation={generation})",
            lambda side: GenerationDAO(side.s).delete(GENERATIONS[generation]),
            want=found,
        )
        if found:
            t["generations"].pop(key)

    # -- tasks ---------------------------------------------------------------

    @staticmethod
    def _task(task: int, priority: int = 0) -> TaskCreate:
        return TaskCreate(
            id=TASKS[task],
            endpoint="/transcribe",
            data={"task": task},
            priority=priority,
            user_id="worker-user",
        )

    @precondition(_is_open)
    @rule(task=_pick(TASKS), priority=st.integers(min_value=0, max_value=2))
    def add_task(self, task: int, priority: int) -> None:
        """Queue a task: a taken id is ``AlreadyExists``."""
        t = self.world.now
        new = self._task(task, priority)
        taken = str(new.id) in t["tasks"]
        row = self.both(
            f"TaskDAO.add(task={task}, priority={priority})",
            lambda side: TaskDAO(side.s).add(new),
            AlreadyExists if taken else None,
        )
        if not taken:
            put(t, "tasks", expected_row("tasks", row))

    @precondition(_is_open)
    @rule(tasks=st.lists(_pick(TASKS), min_size=2, max_size=3))
    def add_tasks(self, tasks: list[int]) -> None:
        """Queue a batch: one taken id, even the last, and none of the batch is added."""
        t = self.world.now
        news = [self._task(task) for task in tasks]
        ids = [str(n.id) for n in news]
        taken = len(set(ids)) < len(ids) or any(i in t["tasks"] for i in ids)
        self.both(
            f"TaskDAO.add_many(tasks={tasks})",
            lambda side: TaskDAO(side.s).add_many(news),
            AlreadyExists if taken else None,
            want=len(news),
        )
        if not taken:
            for new in news:
                put(
                    t,
                    "tasks",
                    {
                        **plain(new.model_dump()),
                        "status": "created",
                        "progress": 0,
                        "result": None,
                        "num_retries": 0,
                        "assigned_at": None,
                        "completed_at": None,
                    },
                )

    @precondition(_is_open)
    @rule(
        task=_pick(TASKS),
        status=st.sampled_from(list(TaskStatus)),
        progress=st.sampled_from((None, 33.3)),
        error=st.sampled_from((None, "Timeout", "Crash")),
    )
    def set_task_status(
        self, task: int, status: TaskStatus, progress: float | None, error: str | None
    ) -> None:
        """Report on a task (with an error result, perhaps retryable): a missing one is NotFound."""
        t = self.world.now
        found = str(TASKS[task]) in t["tasks"]
        result = None if error is None else {"error": error, "message": "worker said so"}
        row = self.both(
            f"TaskDAO.update_status(task={task}, {status.value!r}, {progress}, {error!r})",
            lambda side: TaskDAO(side.s).update_status(TASKS[task], status, progress, result),
            None if found else NotFound,
        )
        if found:
            put(t, "tasks", expected_row("tasks", row))

    @precondition(_is_open)
    @rule(task=_pick(TASKS))
    def retry_task(self, task: int) -> None:
        """Retry a task: only a failed one may be (``InvalidTransition``)."""
        t = self.world.now
        found = t["tasks"].get(str(TASKS[task]))
        expect: type[BaseException] | None = None
        if found is None:
            expect = NotFound
        elif found["status"] != "failed":
            expect = InvalidTransition
        row = self.both(
            f"TaskDAO.retry(task={task})",
            lambda side: TaskDAO(side.s).retry(TASKS[task]),
            expect,
        )
        if expect is None:
            put(t, "tasks", expected_row("tasks", row))

    @precondition(_is_open)
    @rule(task=_pick(TASKS))
    def delete_task(self, task: int) -> None:
        """Delete a task: a held one is ``InvalidTransition``."""
        t = self.world.now
        key = str(TASKS[task])
        found = t["tasks"].get(key)
        held = found is not None and found["status"] in ("assigned", "running")
        self.both(
            f"TaskDAO.delete(task={task})",
            lambda side: TaskDAO(side.s).delete(TASKS[task]),
            InvalidTransition if held else None,
            want=found is not None,
        )
        if found is not None and not held:
            t["tasks"].pop(key)

    @precondition(_is_open)
    @rule(limit=st.integers(min_value=1, max_value=2), retry=st.booleans())
    def claim_tasks(self, limit: int, retry: bool) -> None:
        """Claim up to ``limit`` tasks: created, not_finished, or failed with a retryable error."""
        t = self.world.now
        retryable = ["Timeout"] if retry else []
        candidates = {
            k
            for k, r in t["tasks"].items()
            if r["status"] in ("created", "not_finished")
            or (
                r["status"] == "failed"
                and r["num_retries"] < 2
                and (r["result"] or {}).get("error") in retryable
            )
        }
        rows = self.both(
            f"TaskDAO.claim(limit={limit}, retryable_errors={retryable})",
            lambda side: TaskDAO(side.s).claim(
                limit=limit, max_retries=2, retryable_errors=retryable
            ),
        )
        claimed = {r["id"] for r in rows}
        assert claimed <= candidates and len(claimed) == min(limit, len(candidates)), (
            f"claimed {sorted(claimed)} of the candidates {sorted(candidates)}"
        )
        for row in rows:
            put(t, "tasks", expected_row("tasks", row))

    # -- reads ---------------------------------------------------------------

    @precondition(_is_open)
    @rule(kind=st.sampled_from(("users", "projects", "messages", "stats", "tasks")))
    def read(self, kind: str) -> None:
        """A list or an aggregate: the same answer on both."""

        def call(side: Side) -> object:
            s = side.s
            if kind == "users":
                return UserDAO(s).list()
            if kind == "projects":
                return ProjectDAO(s).list(include_direct_messages=True)
            if kind == "messages":
                return MessageDAO(s).list(PROJECTS[0])
            if kind == "stats":
                return GenerationDAO(s).stats()
            return TaskDAO(s).count()

        self.both(f"read({kind!r})", call)

    # -- after every step ----------------------------------------------------

    def _read(self, side: Side, inside: bool) -> Tables:
        try:
            if inside:
                return read_tables(side.s)
            with side.store.session(readonly=True) as session:
                return read_tables(session)
        except Exception as exc:
            where = "inside the open session" if inside else "in a new session"
            raise AssertionError(
                f"{side.name}: reading the tables {where} failed: {type(exc).__name__}: {exc}"
            ) from exc

    @invariant()
    def tables_agree(self) -> None:
        """Both dialects hold the same rows, and exactly the rows the model says.

        Inside the open session while there is one, else what is committed (a
        new session's view). A write that leaks out of an open session early
        shows once that session ends: as a committed row the model does not
        have after a rollback.
        """
        if self.read_inside and _is_open(self):
            what, inside, expected = "inside the open session", True, self.world.now
        else:
            what, inside, expected = "committed", False, self.world.committed
        lite, pg = (self._read(side, inside) for side in self.sides)
        mask_clock(expected, lite)
        mask_clock(expected, pg)
        if lite != pg:
            raise AssertionError(f"tables {what} differ: {tables_diff(lite, pg)}")
        problem = model_diff(expected, lite)
        if problem:
            raise AssertionError(f"tables {what}, on both dialects: {problem}")


def machine_for(sqlite: Store, postgresql: Store) -> type[ParityMachine]:
    """The machine bound to a migrated SQLite store and a migrated PostgreSQL store."""
    return type("ParityMachine", (ParityMachine,), {"stores": (sqlite, postgresql)})


def parity_settings(examples: int, steps: int, **overrides: Any) -> settings:
    """Hypothesis settings for ``examples`` sequences of up to ``steps`` steps each."""
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        **overrides,
    )


def run_parity(
    sqlite: Store, postgresql: Store, examples: int, steps: int, **overrides: Any
) -> None:
    """Run the machine; raises (with the shortest failing sequence in its notes) on a failure."""
    run_state_machine_as_test(
        machine_for(sqlite, postgresql), settings=parity_settings(examples, steps, **overrides)
    )


def failures(exc: BaseException) -> list[tuple[str, str]]:
    """Each failure hypothesis reports in ``exc``: its message and the failing sequence."""
    if isinstance(exc, BaseExceptionGroup):
        return [found for sub in exc.exceptions for found in failures(sub)]
    notes = "\n".join(getattr(exc, "__notes__", []))
    return [(f"{type(exc).__name__}: {exc}", notes)]


def replay(machine: type[ParityMachine], *steps: tuple[str, dict[str, Any]]) -> None:
    """Run these steps in order (a fixed sequence), checking the tables after each."""
    state = machine()
    try:
        state.tables_agree()
        for name, args in steps:
            getattr(state, name)(**args)
            state.tables_agree()
    finally:
        state.teardown()


@contextmanager
def parity_stores(
    postgres_server: str, folder: Path, through: Callable[[str], str] | None = None
) -> Iterator[tuple[Store, Store]]:
    """A migrated SQLite store in ``folder`` and one on a scratch PostgreSQL database.

    ``through(url)``, if given, is the scratch database's URL through a pooler
    (PgBouncer): the PostgreSQL store goes through it and migrates directly.
    """
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(postgres_server, prefix="sqlstore_parity"))
        sqlite = stack.enter_context(
            connect(f"sqlite:///{folder / 'parity.db'}", sql_dirs=[PARITY_SQL])
        )
        pooled = through(url) if through is not None else url
        postgresql = stack.enter_context(connect(pooled, sql_dirs=[PARITY_SQL], direct_url=url))
        sqlite.migrate()
        postgresql.migrate()
        yield sqlite, postgresql
