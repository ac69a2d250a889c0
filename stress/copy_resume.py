"""``sqlstore copy`` at size: 100,000 generations copied, killed, resumed, read back the same.

A SQLite file gets 100,000 generations through the bulk path (and 50 prompts,
a completed generation with merged metadata, tasks). ``sqlstore copy`` runs
in a subprocess into the run's PostgreSQL database, committing every 2,000
rows, and is SIGKILLed once 4,000 generations are there. Only whole chunks
are; a plain run is refused and names what the target holds; ``--resume``
skips the committed chunks, copies the rest once and verifies every table;
every generation, prompt and task reads back through its DAO as the same JSON
on both ends; the sequences continue past the ids copied.
``tests/test_copy.py`` runs the same at a smaller size, with a row in every
table and an app's table too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.models import GenerationCreate, TaskCreate
from stress.common import DIALECTS, ROOT, Run, generation_fields

#: Rows per committed chunk, and the generations there before the kill.
CHUNK = 2_000
KILL_AFTER = 4_000


def _fill(store: Store, generations: int) -> None:
    with store.session() as session:
        dao = GenerationDAO(session)
        for start in range(0, generations, 10_000):
            stop = min(start + 10_000, generations)
            dao.create_many(
                GenerationCreate(**generation_fields("copy", i)) for i in range(start, stop)
            )
        done = dao.create(GenerationCreate(**generation_fields("done", 0)))
        dao.mark_processing(done.id)
        # Merged after "i" and "tag": a longer key, so SQLite's order is JSONB's too.
        dao.complete(done.id, generation_time=1.25, file_size_bytes=10, metadata={"merged": True})
        TaskDAO(session).add_many(TaskCreate(endpoint="/copy", data={"n": n}) for n in range(50))


def _copy(*args: str) -> subprocess.Popen[bytes]:
    """The command in a subprocess, as a user runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "sqlstore", "copy", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _copied(url: str) -> int:
    """Generations in the target so far (0 before its migrations)."""
    with connect(url) as store, store.session(readonly=True) as session:
        try:
            return int(session.fetch_value("generations.generations.count", status=None))
        except Exception:  # not migrated yet
            return 0


def _dumps(store: Store) -> Iterator[tuple[str, str]]:
    """Every generation, prompt and task, as its model's JSON, in key order."""
    with store.session(readonly=True) as session:
        for gen in GenerationDAO(session).iter_all():
            yield "generation", gen.model_dump_json()
        for prompt in sorted(PromptDAO(session).list(limit=1000), key=lambda p: p.id):
            yield "prompt", prompt.model_dump_json()
        for task in sorted(TaskDAO(session).list(limit=1000), key=lambda t: str(t.id)):
            yield "task", task.model_dump_json()


def _table_line(out: str, table: str) -> list[str]:
    for line in out.splitlines():
        words = line.split()
        if words and words[0] == table:
            return words
    return []


def copy_killed_and_resumed(ctx: Run, source: Store, source_url: str, target_url: str) -> None:
    """Fill, copy, kill, refuse, resume, compare: each step a check."""
    total = ctx.options.copy_rows + 1
    began = time.monotonic()
    _fill(source, ctx.options.copy_rows)
    ctx.say(f"   {total:,} generations written in {time.monotonic() - began:.0f} s")
    proc = _copy("--from", source_url, "--to", target_url, "--chunk-rows", str(CHUNK))
    deadline = time.monotonic() + 120
    while _copied(target_url) < KILL_AFTER and proc.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    running = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    copied = _copied(target_url)
    ctx.check(
        f"killed once {KILL_AFTER:,} rows were in: only whole chunks of {CHUNK:,} are there",
        running and 0 < copied < total and copied % CHUNK == 0,
        f"{copied:,} of {total:,} generations" + ("" if running else "; the copy ended first"),
    )
    again = _copy("--from", source_url, "--to", target_url)
    out, err = again.communicate()
    ctx.check(
        "a plain run on that target is refused and names what it holds",
        again.returncode == 1
        and err.startswith(b"error: the target already holds rows: ")
        and f"generations ({copied})".encode() in err
        and not out,
        err.decode(errors="replace").strip()[:300],
    )
    resumed = _copy("--from", source_url, "--to", target_url, "--resume")
    out, err = resumed.communicate()
    text = out.decode(errors="replace")
    line = _table_line(text, "generations")
    ctx.check(
        "--resume skips the committed chunks, copies the rest once, verifies every table",
        resumed.returncode == 0
        and line[1:5] == [str(total), str(total - copied), str(copied), str(total)]
        and line[-1] == "verified"
        and "MISMATCH" not in text
        and "verified: " in text,
        err.decode(errors="replace").strip()[:300] or " ".join(line),
    )
    with connect(target_url) as target:
        pairs = list(zip(_dumps(source), _dumps(target), strict=True))
        mismatched = [(kind, a[:120]) for (kind, a), (_, b) in pairs if a != b]
        ctx.check(
            "every generation, prompt and task reads back as the same JSON on both ends",
            not mismatched,
            f"{len(mismatched)} of {len(pairs):,} differ, first: {mismatched[:1]}"
            if mismatched
            else f"{len(pairs):,} models",
        )
        with target.session() as session:
            made = GenerationDAO(session).create(GenerationCreate(**_brand_new()))
            newest = PromptDAO(session).get_by_text(made.prompt)
        # 50 prompts copied: the next one's id is 51.
        ctx.check(
            "the sequences continue past the ids copied",
            newest is not None and newest.id == 51,
            f"the new prompt's id: {newest.id if newest else None}",
        )
    ctx.figures.rows_written += total


def _brand_new() -> dict[str, Any]:
    return {**generation_fields("new", 2), "prompt": "a brand new prompt"}


def run(ctx: Run) -> None:
    """The copy needs a SQLite source and a PostgreSQL target."""
    if set(DIALECTS) - set(ctx.options.dialects):
        ctx.say("   (skipped: the copy needs both dialects)")
        return
    with ctx.migrated("sqlite") as (source_url, source), ctx.database("postgresql") as target:
        copy_killed_and_resumed(ctx, source, source_url, target)
