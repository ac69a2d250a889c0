"""The commands yoyo users expect, and what read-only and migration commands refuse or skip.

mark, unmark, rollback --to, reapply, explain --analyze, --version; read-only
commands on a mistyped SQLite path; migrate and status without the SQL files.
"""

from __future__ import annotations

import importlib.metadata
import os
import pty
import select
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO
from tests.factories import new_generation
from tests.helpers import APP, Result, builtin_migrations, invoke, one_line_error


def _dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _cli(url: str, *args: str, dirs: tuple[Path, ...] = (APP / "migrations",)) -> Result:
    base = ["--database", url]
    for d in dirs:
        base += ["--migration-dir", str(d)]
    return invoke(*base, *args)


def _applied(url: str, dirs: tuple[Path, ...] = (APP / "migrations",)) -> list[str]:
    with connect(url, migration_dirs=dirs) as store:
        return [s.id for s in store.migration_status() if s.applied]


def _tables(url: str) -> set[str]:
    with connect(url) as store, store.session(readonly=True) as s:
        return {r["table_name"] for r in s.fetch_all("catalog.tables")}


def test_version() -> None:
    result = invoke("--version")
    assert result.code == 0
    assert result.out.strip() == f"sqlstore {importlib.metadata.version('sqlstore')}"


def test_mark_and_unmark_record_without_running(sqlstore_blank_url: str) -> None:
    d = _dialect(sqlstore_blank_url)
    builtins = builtin_migrations(d)
    *_, before, last = builtins  # each built-in migration depends on the one before
    assert _cli(sqlstore_blank_url, "migrate").code == 0
    unmarked = _cli(sqlstore_blank_url, "unmark", last, before)
    assert unmarked.code == 0, unmarked.err
    assert unmarked.out.splitlines() == [
        f"unmarked {last}",
        f"unmarked {before}",
        "2 migration(s) marked not applied",
    ]
    assert before not in _applied(sqlstore_blank_url)
    assert {"tasks", "users"} <= _tables(sqlstore_blank_url)  # nothing was rolled back

    # A migration to mark whose dependency stays pending: refused, nothing recorded.
    refused = _cli(sqlstore_blank_url, "mark", last)
    assert f"it depends on {before}, which is not applied" in one_line_error(refused)
    assert last not in _applied(sqlstore_blank_url)

    marked = _cli(sqlstore_blank_url, "mark", before, last)
    assert marked.code == 0 and "2 migration(s) marked applied" in marked.out
    assert _cli(sqlstore_blank_url, "migrate").out.strip() == "0 migration(s) applied"
    again = _cli(sqlstore_blank_url, "mark", before)
    assert again.out.strip() == "0 migration(s) marked applied"  # applied already: skipped

    # Unmarking what an applied migration depends on is refused.
    stranded = _cli(sqlstore_blank_url, "unmark", f"0001_generations.{d}")
    line = one_line_error(stranded)
    assert f"cannot unmark 0001_generations.{d}: " in line and "depends on it" in line
    assert line.endswith("Nothing was unmarked")
    unknown = _cli(sqlstore_blank_url, "mark", "0999_nothing")
    assert "no migration '0999_nothing'" in one_line_error(unknown)
    assert len(_applied(sqlstore_blank_url)) == len(builtins) + 1  # and the app's notes


def test_rollback_to_leaves_that_migration_applied(sqlstore_blank_url: str) -> None:
    d = _dialect(sqlstore_blank_url)
    builtins = builtin_migrations(d)
    assert builtins[1] == f"0002_media.{d}"
    assert _cli(sqlstore_blank_url, "migrate").code == 0
    back = _cli(sqlstore_blank_url, "rollback", "--to", f"0002_media.{d}")
    assert back.code == 0, back.err
    rolled = [line.split()[-1] for line in back.out.splitlines() if line.startswith("rolled")]
    assert sorted(rolled) == sorted([f"0001_notes.{d}", *builtins[2:]])
    assert rolled.index(builtins[-1]) < rolled.index(builtins[2])  # dependants first
    assert _applied(sqlstore_blank_url) == builtins[:2]
    assert "tasks" not in _tables(sqlstore_blank_url)

    pending = _cli(sqlstore_blank_url, "rollback", "--to", builtins[-1])
    assert f"{builtins[-1]} is not applied" in one_line_error(pending)
    both = _cli(sqlstore_blank_url, "rollback", "--to", f"0002_media.{d}", "--all")
    assert both.code == 2 and "one of --steps, --all and --to" in one_line_error(both)


def test_rollback_to_refuses_to_strand_another_folders_migration(
    sqlstore_blank_url: str, tmp_path: Path
) -> None:
    d = _dialect(sqlstore_blank_url)
    folder = tmp_path / "other" / d
    folder.mkdir(parents=True)
    (folder / f"0001_labels.{d}.sql").write_text(
        f"-- Needs tasks.\n-- depends: 0003_tasks.{d}\n"
        "CREATE TABLE labels (id BIGINT PRIMARY KEY);\n"
    )
    (folder / f"0001_labels.{d}.rollback.sql").write_text("DROP TABLE labels;\n")
    assert _cli(sqlstore_blank_url, "migrate", dirs=(tmp_path / "other",)).code == 0
    # Without that folder: its migration is applied and depends on 0003_tasks.
    refused = _cli(sqlstore_blank_url, "rollback", "--to", f"0002_media.{d}", dirs=())
    line = one_line_error(refused)
    assert f"0001_labels.{d}" in line and "a folder this store was not given" in line
    applied = _applied(sqlstore_blank_url, dirs=(tmp_path / "other",))
    assert len(applied) == len(builtin_migrations(d)) + 1


def test_reapply_runs_the_last_migration_again(sqlstore_blank_url: str) -> None:
    d = _dialect(sqlstore_blank_url)
    assert _cli(sqlstore_blank_url, "migrate").code == 0
    with connect(sqlstore_blank_url, sql_dirs=[APP / "sql"]) as store:
        with store.session() as s:
            gen = GenerationDAO(s).create(new_generation())
            s.execute("notes.add", generation_id=gen.id, body="kept?")
    again = _cli(sqlstore_blank_url, "reapply")
    assert again.code == 0, again.err
    assert again.out.splitlines() == [f"reapplied 0001_notes.{d}", "1 migration(s) reapplied"]
    with connect(sqlstore_blank_url, sql_dirs=[APP / "sql"]) as store:
        with store.session() as s:
            # The table was dropped and created again: the note is gone, the generation stays.
            assert s.fetch_value("notes.count") == 0
            assert GenerationDAO(s).count() == 1
    assert len(_applied(sqlstore_blank_url)) == len(builtin_migrations(d)) + 1


def test_explain_analyze_runs_in_a_transaction_rolled_back(store: Store, sqlstore_url: str) -> None:
    with store.session() as s:
        gen = GenerationDAO(s).create(new_generation())
    result = invoke(
        "--database",
        sqlstore_url,
        "explain",
        "--analyze",
        "generations.generations.delete",
        f"id={gen.id}",
    )
    assert result.code == 0, result.err
    if store.dialect.name == "postgresql":
        assert "actual time=" in result.out and "Execution Time:" in result.out
    else:
        assert "run: 1 row(s) changed in " in result.out
        assert "SQLite has no EXPLAIN ANALYZE" in result.out
    with store.session() as s:
        assert GenerationDAO(s).get(gen.id) == gen  # the delete was rolled back
    plain = invoke(
        "--database", sqlstore_url, "explain", "generations.generations.get", f"id={uuid.uuid4()}"
    )
    assert "actual time=" not in plain.out and "run:" not in plain.out


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["stats"],
        ["check"],
        ["explain", "generations.generations.count", "status=null"],
        ["rollback"],
        ["mark", "0001_generations.sqlite"],
        ["break-lock"],
    ],
)
def test_commands_that_read_refuse_a_missing_sqlite_file(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "typo" / "app.db"
    result = invoke("--database", f"sqlite:///{path}", *command)
    assert f"no database at {path}" in one_line_error(result)
    assert not path.parent.exists()


def test_migrate_creates_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "app.db"
    assert invoke("--database", f"sqlite:///{path}", "migrate").code == 0
    assert path.exists()


def test_migrate_and_status_load_no_query_file(sqlstore_blank_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "sql" / "bad"
    broken.mkdir(parents=True)
    (broken / "unterminated.sql").write_text("-- Broken.\nSELECT 'no end FROM generations;\n")
    base = ["--database", sqlstore_blank_url, "--sql-dir", str(tmp_path / "sql")]
    migrated = invoke(*base, "migrate")
    assert migrated.code == 0, migrated.err
    status = invoke(*base, "status")
    assert status.code == 0 and status.out.rstrip().endswith(" applied, 0 pending")
    # What does need the queries still reports the broken file.
    assert "unterminated.sql" in one_line_error(invoke(*base, "stats"))


def _on_a_terminal(*args: str) -> tuple[int, str, str]:
    """The installed script with stderr on a pseudo-terminal; its code, stdout and terminal."""
    script = Path(sys.executable).with_name("sqlstore")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(script), *args], stdout=subprocess.PIPE, stderr=follower, text=True, timeout=300
        )
        os.close(follower)
        seen = b""
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    return done.returncode, done.stdout, seen.decode(errors="replace")


def test_progress_shows_on_a_terminal_only(sqlstore_blank_url: str) -> None:
    builtins = builtin_migrations(_dialect(sqlstore_blank_url))
    code, out, terminal = _on_a_terminal("--database", sqlstore_blank_url, "migrate")
    assert code == 0 and f"applied {builtins[-1]}" in out
    n = len(builtins)
    assert "applying" in terminal and f"{n}/{n}" in terminal and builtins[-1] in terminal
    # The same command not on a terminal: nothing on stderr (test_cli's script run).
    code, out, terminal = _on_a_terminal(
        "--database", sqlstore_blank_url, "--migration-dir", str(APP / "migrations"), "migrate"
    )
    assert code == 0 and out.strip().endswith("1 migration(s) applied")
    assert terminal == ""  # one migration: no bar
