"""What the scenarios share: figures, checks, scratch databases and worker processes."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlstore import Store, connect
from sqlstore.dialects import dialect_names, scratch_database

ROOT = Path(__file__).resolve().parent.parent
#: The stress run's own queries (``stress.*``), beside the built-in ones.
STRESS_SQL = Path(__file__).resolve().parent / "sql"
#: A migration slow enough to kill a process in the middle of it.
SLOW_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
DIALECTS = dialect_names()


@dataclass
class Figures:
    """The totals printed at the end of a run."""

    rows_written: int = 0
    tasks_claimed: int = 0
    faults_survived: int = 0
    bad_inputs_tried: int = 0


@dataclass(frozen=True)
class Check:
    """One thing a scenario verified, and whether it held."""

    scenario: str
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Options:
    """What to run and how big (``python -m stress --help``)."""

    only: list[str] = field(default_factory=list)
    dialects: tuple[str, ...] = DIALECTS
    server: str = DEFAULT_SERVER
    writers: int = 8
    rows: int = 1000
    workers: int = 8
    tasks: int = 5000
    claim_limit: int = 5
    kills: int = 3
    batch: int = 2000
    rounds: int = 2
    migrate_kills: int = 25
    faults: int = 5
    coroutines: int = 500
    aio_tasks: int = 20_000
    copy_rows: int = 100_000


class Run:
    """One stress run: its options, figures and the checks made so far."""

    def __init__(self, options: Options, say: Callable[[str], None] = print):
        self.options = options
        self.figures = Figures()
        self.checks: list[Check] = []
        self.scenario = ""
        self.say = say
        self._tmp = tempfile.TemporaryDirectory(prefix="sqlstore_stress")
        self.tmp = Path(self._tmp.name)
        self._stack = ExitStack()
        self._pg_url: str | None = None

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        """Record (and print) one check."""
        self.checks.append(Check(self.scenario, name, bool(ok), detail))
        self.say(f"  {'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""))
        return bool(ok)

    @property
    def failed(self) -> list[Check]:
        """The checks that did not hold."""
        return [c for c in self.checks if not c.ok]

    @contextmanager
    def database(self, dialect: str) -> Iterator[str]:
        """An empty database of ``dialect``; yields its URL.

        SQLite: a new file. PostgreSQL: the run's one scratch database, emptied
        (creating and dropping a database costs seconds of checkpoints).
        """
        if dialect == "sqlite":
            folder = Path(tempfile.mkdtemp(dir=self.tmp))
            yield f"sqlite:///{folder / 'stress.db'}"
            return
        if self._pg_url is None:
            self._pg_url = self._stack.enter_context(
                scratch_database(self.options.server, prefix="sqlstore_stress")
            )
        with connect(self._pg_url, sql_dirs=[STRESS_SQL]) as store:
            # A process killed mid-migration may have left its server session behind.
            with store.session() as session:
                session.fetch_all("stress.terminate_others")
            with store.session() as session:
                session.execute("stress.drop_public")
                session.execute("stress.create_public")
        yield self._pg_url

    @contextmanager
    def migrated(self, dialect: str) -> Iterator[tuple[str, Store]]:
        """A new migrated database and a store on it (with the stress queries)."""
        with self.database(dialect) as url, connect(url, sql_dirs=[STRESS_SQL]) as store:
            store.migrate()
            yield url, store

    def close(self) -> None:
        """Drop the scratch database and remove the temporary folder."""
        try:
            self._stack.close()
        finally:
            self._tmp.cleanup()


class Worker:
    """A child process running ``python -m stress.worker ROLE``; it speaks JSON lines.

    The child prints ``{"event": ...}`` lines; ``expect`` waits for one,
    ``go`` releases a child waiting at its start line, ``finish`` closes its
    stdin and returns its ``done`` event.
    """

    def __init__(self, role: str, **args: Any):
        self.role = role
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stress.worker", role, json.dumps(args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        #: Events ``expect`` and ``poll`` passed over while waiting for another.
        self.skipped: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self._threads = [
            threading.Thread(target=self._read_events, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.proc.pid

    def _read_events(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.events.put(json.loads(line))
            except json.JSONDecodeError:
                self.stderr.append(line)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def expect(self, event: str, timeout: float = 60.0) -> dict[str, Any]:
        """Wait for the child's next ``event``; ``RuntimeError`` if it dies or times out."""
        got = self.poll(event, timeout)
        if got is None:
            raise RuntimeError(self._died(f"sent no {event!r} within {timeout:.0f} s"))
        return got

    def poll(self, event: str, timeout: float) -> dict[str, Any] | None:
        """The child's next ``event`` within ``timeout``, else None; ``RuntimeError`` if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got = self.events.get(timeout=0.02)
            except queue.Empty:
                if self.proc.poll() is not None and self.events.empty():
                    time.sleep(0.1)  # let the readers drain the pipes
                    if self.events.empty():
                        raise RuntimeError(self._died(f"exited before {event!r}")) from None
                continue
            if got.get("event") == event:
                return got
            self.skipped.append(got)
        return None

    def _died(self, what: str) -> str:
        tail = "".join(self.stderr[-5:]).strip()
        return f"{self.role} worker {self.pid} {what}" + (f": {tail}" if tail else "")

    def go(self) -> None:
        """Release a child waiting at its start line."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 300.0) -> dict[str, Any]:
        """Close the child's stdin, wait for its ``done`` event and for it to exit."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        done = self.expect("done", timeout)
        self.proc.wait(timeout=30)
        for thread in self._threads:
            thread.join(timeout=5)
        done["returncode"] = self.proc.returncode
        return done

    def kill(self) -> None:
        """SIGKILL the child, as a crash or an OOM killer would, and reap it."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def stop(self) -> None:
        """Make sure the child is gone (after a failed check)."""
        if self.proc.poll() is None:
            self.kill()


def go_all(workers: list[Worker], timeout: float = 60.0) -> None:
    """Wait until every worker is ready, then release them together."""
    for worker in workers:
        worker.expect("ready", timeout)
    for worker in workers:
        worker.go()


def run_together(workers: list[Worker], timeout: float = 60.0) -> tuple[list[Any], float]:
    """Release the workers together; their final reports and the seconds they took.

    Every worker is stopped afterwards, whatever happened.
    """
    try:
        go_all(workers, timeout)
        started = time.monotonic()
        results = [w.finish() for w in workers]
        return results, time.monotonic() - started
    finally:
        for w in workers:
            w.stop()


def sqlstore_cli(url: str, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run the ``sqlstore`` command on ``url`` (passed in the environment, not argv)."""
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "sqlstore", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
        check=False,
    )


def generation_fields(tag: str, i: int) -> dict[str, Any]:
    """The fields of a stress generation: ``tag`` as its model name, one of 50 prompts."""
    return {
        "prompt": f"stress prompt {i % 50}",
        "model_name": tag,
        "duration_seconds": 8.0,
        "sample_rate": 32000,
        "channels": 2,
        "file_path": f"outputs/{tag}/{i}.wav",
        "metadata": {"i": i, "tag": tag},
    }


def count_tagged(store: Store, tag: str) -> int:
    """How many generations carry the model name ``tag``."""
    with store.session(readonly=True) as session:
        return int(session.fetch_value("stress.count_model", model_name=tag))
